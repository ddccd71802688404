//! Who may read a sealed store (contracts, customer data): the SSH keys,
//! valid on a day, of everyone holding a reading role in the signed roster;
//! and whom an age file's recipient stanzas name. `mkt contract`, `mkt
//! customers` and rule P002 all ask here.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::{Verification, key_valid_on};
use crate::model::Team;

/// Someone a store is sealed to, with which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub person: String,
    pub roles: Vec<String>,
    /// `ssh-ed25519` or `ssh-rsa`.
    pub key_type: String,
    pub fingerprint: String,
    /// The public key, as team.toml writes it.
    pub line: String,
    /// The tag age writes in this key's recipient stanza.
    pub tag: String,
}

/// A person of the reading roles whose key was not used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub person: String,
    pub why: String,
}

/// The readers of a store on a day: one holder per usable key.
#[derive(Debug, Clone, Default)]
pub struct Readers {
    pub holders: Vec<Holder>,
    pub skipped: Vec<Skipped>,
}

impl Readers {
    /// The stanza tags a file sealed to exactly these keys has.
    pub fn tags(&self) -> BTreeSet<String> {
        self.holders.iter().map(|h| h.tag.clone()).collect()
    }
}

/// The keys a store is sealed to: the SSH keys, valid `today`, of everyone
/// holding one of `roles` in the trusted roster (team.toml as signed by an
/// admin, SPEC 5). `work_team` is the work tree's team.toml: keys only it
/// has are named as skipped.
pub fn readers(v: &Verification, work_team: &Team, roles: &[String], today: NaiveDate) -> Readers {
    let roster = &v.roster.at_head().team;
    let mut r = Readers::default();
    for p in &roster.people {
        let held: Vec<String> = roles
            .iter()
            .filter(|role| p.has_role(role))
            .cloned()
            .collect();
        if held.is_empty() {
            continue;
        }
        for k in &p.keys {
            let Some(line) = k.ssh().map(str::trim) else {
                r.skipped.push(Skipped {
                    person: p.id.clone(),
                    why: "an OpenPGP key; age files are sealed to SSH keys".into(),
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
            let usable = (kind == "ssh-ed25519" || kind == "ssh-rsa")
                && age_recipient_ok(line)
                && age_tag(line).is_some();
            if !usable {
                r.skipped.push(Skipped {
                    person: p.id.clone(),
                    why: format!(
                        "{kind} keys cannot receive age files; only ssh-ed25519 and ssh-rsa"
                    ),
                });
                continue;
            }
            r.holders.push(Holder {
                person: p.id.clone(),
                roles: held.clone(),
                key_type: kind,
                fingerprint: fingerprint(line).unwrap_or_default(),
                line: line.to_string(),
                tag: age_tag(line).unwrap_or_default(),
            });
        }
        if p.keys.is_empty() {
            r.skipped.push(Skipped {
                person: p.id.clone(),
                why: "no key in team.toml".into(),
            });
        }
    }
    // Keys the work tree's team.toml has that the signed roster does not.
    for p in &work_team.people {
        if !roles.iter().any(|role| p.has_role(role)) {
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
    r
}

fn age_recipient_ok(line: &str) -> bool {
    <age::ssh::Recipient as std::str::FromStr>::from_str(line).is_ok()
}

fn fingerprint(line: &str) -> Option<String> {
    ssh_key::PublicKey::from_openssh(line)
        .ok()
        .map(|k| k.fingerprint(ssh_key::HashAlg::Sha256).to_string())
}

/// The tag age writes in a stanza for an SSH key: the first four bytes of
/// the SHA-256 of the key's wire encoding, in unpadded base64.
pub fn age_tag(line: &str) -> Option<String> {
    let key = ssh_key::PublicKey::from_openssh(line).ok()?;
    let wire = key.to_bytes().ok()?;
    Some(base64_4(&Sha256::digest(&wire)[..4]))
}

fn base64_4(b: &[u8]) -> String {
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

/// Who in the signed roster a file with these stanza tags is sealed to, by
/// person id, in roster order.
pub fn encrypted_to(v: &Verification, tags: &BTreeSet<String>) -> Vec<String> {
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
