//! Contracts are stored encrypted (制度 三(二), C004).

use rust_i18n::t;

use super::{View, declare_rule};
use crate::diag::{Diagnostic, Located};

declare_rule! {
    /// ## What it checks
    /// Every file in `campaigns/<ID>/contracts/` is an age-encrypted file:
    /// it starts with the header `age-encryption.org/v1` (or is ASCII-armored
    /// age); the extension alone proves nothing. And it is sealed to exactly
    /// the contract readers of today: one recipient stanza for each SSH key,
    /// valid today, of everyone in the signed roster holding a role of
    /// `governance.contract_readers`, and no other. Keys are compared one by
    /// one, by the tag age writes in each stanza; nothing is decrypted.
    ///
    /// ## Why
    /// 制度 三(二)：重要合同需加密存储，仅总监与财务部可调阅. A plaintext
    /// contract in the repository can be read by everyone who can clone it; one
    /// still sealed to someone who left those roles stays readable by them, and
    /// one not sealed to a new director cannot be opened by them.
    ///
    /// ## Example
    /// ```text
    /// campaigns/618年中大促-2026-06V1/contracts/媒体投放合同.pdf       # plaintext
    /// campaigns/618年中大促-2026-06V1/contracts/场地租赁合同.pdf.age   # sealed before zhou.min became director
    /// ```
    ///
    /// ## Fix
    /// Encrypt a plaintext contract for the contract readers, and delete it:
    /// `mkt contract add 618年中大促-2026-06V1 ~/Downloads/媒体投放合同.pdf`.
    /// After the roster or the readers changed:
    /// `mkt contract rekey 618年中大促-2026-06V1`, and commit. If the
    /// plaintext was ever committed it is still in history: rewrite it out,
    /// and tell the leads.
    C004, "plaintext-contract", Error, "a contract not sealed to exactly today's `governance.contract_readers`"
}

/// The first bytes of every binary age file.
pub const AGE_HEADER: &[u8] = b"age-encryption.org/v1\n";
/// The first line of an ASCII-armored age file.
pub const AGE_ARMOR: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";

/// Whether bytes start like an age file.
pub fn is_age(head: &[u8]) -> bool {
    head.starts_with(AGE_HEADER) || head.starts_with(AGE_ARMOR)
}

pub fn check(ctx: &View, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    if repo.campaigns.values().all(|d| d.contracts.is_empty()) {
        return;
    }
    let roles = &ctx.policy.governance.contract_readers;
    let readers = crate::approvals::readers(&ctx.verification, &repo.team, roles, ctx.today);
    let roles_said = roles.join(&t!("ops.contract.and"));
    for dir in repo.campaigns.values() {
        for path in &dir.contracts {
            if let Some(d) = contract(ctx, &readers, &roles_said, dir, path) {
                out.push(d);
            }
        }
    }
}

/// C004: a contract file that is not an age file, or one not sealed to
/// exactly today's contract readers (compared as P002 compares customer
/// data). The loader parses each contract's age header whole; the body
/// stays unread.
fn contract(
    ctx: &View,
    readers: &crate::approvals::Readers,
    roles: &str,
    dir: &crate::repo::CampaignDir,
    path: &str,
) -> Option<Diagnostic> {
    let id = dir.folder.as_str();
    let name = path.rsplit('/').next().unwrap_or(path);
    let (message, help) = match dir.contract_sealed.get(path) {
        Some(Ok(Some(tags))) => {
            let detail = super::privacy::sealed_off(ctx, readers, tags)?;
            (
                t!(
                    "rules.c004.stale",
                    name = name,
                    roles = roles,
                    detail = detail
                ),
                t!("rules.c004.rekey_help", id = id),
            )
        }
        Some(Ok(None)) => (
            t!("rules.c004.plain", name = name),
            t!("rules.c004.help", id = id, roles = roles),
        ),
        Some(Err(e)) => (
            t!("rules.c004.unreadable", why = e),
            t!("rules.c004.help", id = id, roles = roles),
        ),
        None => (
            t!("rules.c004.unreadable", why = t!("rules.c004.not_loaded")),
            t!("rules.c004.help", id = id, roles = roles),
        ),
    };
    Some(Diagnostic::new(&C004, Located::file(path), message).help(help))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_age_files() {
        assert!(is_age(b"age-encryption.org/v1\n-> X25519 abc\n"));
        assert!(is_age(b"-----BEGIN AGE ENCRYPTED FILE-----\n"));
        assert!(!is_age(b"%PDF-1.7"));
        assert!(!is_age(b"age-encryption.org/v2\n"));
    }
}
