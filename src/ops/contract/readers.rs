//! Who may read contracts: the SSH keys, valid today, of everyone with a
//! reading role in the signed roster; and whom an age file is sealed to.

use rust_i18n::t;

use super::*;

/// The roles that may read contracts: `governance.contract_readers` of the
/// policy in force (signed as `[governance] policy_signers` asks; an
/// unsigned edit of policy.toml names no new reader).
pub fn contract_roles(repo: &Repo) -> Vec<String> {
    let v = crate::approvals::verify(repo, repo.trust_root);
    v.policy_at_head().governance.contract_readers.clone()
}

/// Someone a contract is encrypted to, with which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub person: String,
    pub roles: Vec<String>,
    /// `ssh-ed25519` or `ssh-rsa`.
    pub key_type: String,
    pub fingerprint: String,
}

/// A person of the reading roles whose key was not used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub person: String,
    pub why: String,
}

pub(super) struct Recipients {
    pub(super) holders: Vec<Holder>,
    pub(super) keys: Vec<age::ssh::Recipient>,
    pub(super) skipped: Vec<Skipped>,
}

/// The keys contracts are encrypted to: the SSH keys, valid `today`, of
/// everyone with a reading role in the trusted roster (team.toml as signed
/// by an admin, SPEC 5).
pub(super) fn recipients(repo: &Repo, today: NaiveDate) -> Result<Recipients> {
    let v = crate::approvals::verify(repo, repo.trust_root);
    let roster = &v.roster.at_head().team;
    let reading = &v.policy_at_head().governance.contract_readers;
    let mut r = Recipients {
        holders: Vec::new(),
        keys: Vec::new(),
        skipped: Vec::new(),
    };
    for p in &roster.people {
        let roles: Vec<String> = reading
            .iter()
            .filter(|role| p.has_role(role))
            .cloned()
            .collect();
        if roles.is_empty() {
            continue;
        }
        let mut usable = 0;
        for k in &p.keys {
            let Some(line) = k.ssh().map(str::trim) else {
                r.skipped.push(Skipped {
                    person: p.id.clone(),
                    why: "an OpenPGP key; contracts are encrypted to SSH keys".into(),
                });
                continue;
            };
            let kind = line.split_whitespace().next().unwrap_or("").to_string();
            if !key_valid_on(k, today) {
                r.skipped.push(Skipped {
                    person: p.id.clone(),
                    why: format!("the {kind} key is not valid on {today}"),
                });
                continue;
            }
            match age::ssh::Recipient::from_str(line) {
                Ok(key) if kind == "ssh-ed25519" || kind == "ssh-rsa" => {
                    r.holders.push(Holder {
                        person: p.id.clone(),
                        roles: roles.clone(),
                        key_type: kind,
                        fingerprint: fingerprint(line).unwrap_or_default(),
                    });
                    r.keys.push(key);
                    usable += 1;
                }
                _ => r.skipped.push(Skipped {
                    person: p.id.clone(),
                    why: format!(
                        "{kind} keys cannot receive age files; only ssh-ed25519 and ssh-rsa"
                    ),
                }),
            }
        }
        if usable == 0 && p.keys.is_empty() {
            r.skipped.push(Skipped {
                person: p.id.clone(),
                why: "no key in team.toml".into(),
            });
        }
    }
    // Keys the work tree's team.toml has that the signed roster does not.
    for p in &repo.team.people {
        if !reading.iter().any(|role| p.has_role(role)) {
            continue;
        }
        for k in &p.keys {
            let Some(fp) = k.ssh().and_then(|l| fingerprint(l.trim())) else {
                continue;
            };
            if !r
                .holders
                .iter()
                .any(|h| h.person == p.id && h.fingerprint == fp)
                && !r.skipped.iter().any(|s| s.person == p.id)
            {
                r.skipped.push(Skipped {
                    person: p.id.clone(),
                    why: "not yet in the signed roster: team.toml changes count once committed, signed by an admin".into(),
                });
            }
        }
    }
    if r.keys.is_empty() {
        return Err(
            Error::user(t!("ops.contract.no_reader", roles = reading.join(", ")))
                .hint(t!("ops.contract.no_reader_hint")),
        );
    }
    Ok(r)
}

pub(super) fn fingerprint(line: &str) -> Option<String> {
    ssh_key::PublicKey::from_openssh(line)
        .ok()
        .map(|k| k.fingerprint(ssh_key::HashAlg::Sha256).to_string())
}

/// The tag age writes in a stanza for an SSH key: the first four bytes of
/// the SHA-256 of the key's wire encoding, in unpadded base64.
pub(super) fn age_tag(line: &str) -> Option<String> {
    let key = ssh_key::PublicKey::from_openssh(line).ok()?;
    let wire = key.to_bytes().ok()?;
    Some(base64_4(&Sha256::digest(&wire)[..4]))
}

pub(super) fn base64_4(b: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let n = u32::from_be_bytes([0, b[0], b[1], b[2]]);
    let mut s: String = (0..4)
        .map(|i| A[((n >> (18 - 6 * i)) & 63) as usize] as char)
        .collect();
    let last = u32::from(b[3]) << 16;
    s.push(A[((last >> 18) & 63) as usize] as char);
    s.push(A[((last >> 12) & 63) as usize] as char);
    s
}

/// The stanza tags of an age file's header (binary format).
pub(super) fn stanza_tags(bytes: &[u8]) -> BTreeSet<String> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let text = String::from_utf8_lossy(head);
    text.lines()
        .take_while(|l| !l.starts_with("--- "))
        .filter_map(|l| l.strip_prefix("-> "))
        .filter_map(|l| {
            let mut w = l.split(' ');
            match w.next() {
                Some("ssh-ed25519" | "ssh-rsa") => w.next().map(str::to_string),
                _ => None,
            }
        })
        .collect()
}

/// Who in the signed roster a contract is encrypted to, by person id.
pub fn encrypted_to(repo: &Repo, bytes: &[u8]) -> Vec<String> {
    let tags = stanza_tags(bytes);
    let v = crate::approvals::verify(repo, repo.trust_root);
    let roster = &v.roster.at_head().team;
    let mut out: Vec<String> = roster
        .people
        .iter()
        .filter(|p| {
            p.keys.iter().any(|k| {
                k.ssh()
                    .and_then(|l| age_tag(l.trim()))
                    .is_some_and(|t| tags.contains(&t))
            })
        })
        .map(|p| p.id.clone())
        .collect();
    out.dedup();
    out
}
