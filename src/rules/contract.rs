//! Contracts are stored encrypted (制度 三(二), C004).

use rust_i18n::t;

use super::{View, declare_rule};
use crate::diag::{Diagnostic, Located};

declare_rule! {
    /// ## What it checks
    /// Every file in `campaigns/<ID>/contracts/` is an age-encrypted file:
    /// it starts with the header `age-encryption.org/v1` (or is ASCII-armored
    /// age). The extension alone proves nothing.
    ///
    /// ## Why
    /// 制度 三(二)：重要合同需加密存储，仅总监与财务部可调阅. A plaintext
    /// contract in the repository can be read by everyone who can clone it.
    ///
    /// ## Example
    /// ```text
    /// campaigns/618年中大促-2026-06V1/contracts/媒体投放合同.pdf
    /// ```
    ///
    /// ## Fix
    /// Encrypt it for the director and finance, and delete the plaintext:
    /// `mkt contract add 618年中大促-2026-06V1 ~/Downloads/媒体投放合同.pdf`.
    /// If the plaintext was ever committed it is still in history: rewrite it
    /// out, and tell the leads.
    C004, "plaintext-contract", Error, "a file in contracts/ that is not encrypted"
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
    for dir in ctx.repo.campaigns.values() {
        for path in &dir.contracts {
            contract(dir, path, out);
        }
    }
}

/// C004: a contract file that is not an age file. The loader parses each
/// contract's age header whole; the body stays unread.
fn contract(dir: &crate::repo::CampaignDir, path: &str, out: &mut Vec<Diagnostic>) {
    let read = match dir.contract_sealed.get(path) {
        Some(Ok(true)) => return,
        Some(Ok(false)) => Ok(()),
        Some(Err(e)) => Err(e.clone()),
        None => Err(t!("rules.c004.not_loaded").into_owned()),
    };
    let id = path.split('/').nth(1).unwrap_or("<ID>");
    let name = path.rsplit('/').next().unwrap_or(path);
    let message = match read {
        Err(e) => t!("rules.c004.unreadable", why = e),
        Ok(()) => t!("rules.c004.plain", name = name),
    };
    out.push(
        Diagnostic::new(&C004, Located::file(path), message).help(t!("rules.c004.help", id = id)),
    );
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
