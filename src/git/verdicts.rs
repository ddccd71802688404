//! Good SSH signatures, kept by commit id in `.git/mkt/ssh-verified`.
//!
//! A signature over an immutable commit, checked against the key it names,
//! never changes its answer; whether that key counted when the commit was
//! made is decided afresh on every run, from the roster's history. Each
//! kept verdict also holds a SHA-256 digest of the signature and the signed
//! payload it was checked over, so an entry is only ever reused for exactly
//! those bytes; an entry that does not parse, or does not match, is ignored
//! and the signature checked again. New verdicts are appended, one line
//! each, so a run never rewrites what earlier runs kept; a line cut short
//! by a crash does not parse and is ignored.
//!
//! The file is as trusted as the rest of `.git`: whoever can write it can
//! also move the branches and rewrite `mkt.trustRoot`. CI restores it from
//! its own cache, which pull requests from forks cannot write.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use git2::Oid;
use sha2::{Digest, Sha256};
use ssh_key::PublicKey;

const HEADER: &str = "mkt-ssh-verified 1";

static CACHES_OFF: AtomicBool = AtomicBool::new(false);

/// `--no-cache`: no kept result is read in this process (history records,
/// signature verdicts); fresh ones are still kept for the next run.
pub fn caches_off() {
    CACHES_OFF.store(true, Ordering::Relaxed);
}

/// Whether kept results may be read.
pub fn caches_on() -> bool {
    !CACHES_OFF.load(Ordering::Relaxed)
}

fn digest(signature: &str, payload: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update((signature.len() as u64).to_be_bytes());
    h.update(signature.as_bytes());
    h.update(payload);
    h.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub struct SshVerdicts {
    file: PathBuf,
    known: HashMap<Oid, ([u8; 32], String)>,
    /// Parsed keys, by their OpenSSH text: a team has few keys.
    keys: HashMap<String, PublicKey>,
    fresh: Vec<String>,
}

impl SshVerdicts {
    /// The kept verdicts of `repo` (none with `--no-cache`, or when the
    /// file is missing or of another version).
    pub fn load(repo: &git2::Repository) -> SshVerdicts {
        let file = repo.path().join("mkt").join("ssh-verified");
        let mut v = SshVerdicts {
            file,
            known: HashMap::new(),
            keys: HashMap::new(),
            fresh: Vec::new(),
        };
        if !caches_on() {
            return v;
        }
        let Ok(text) = std::fs::read_to_string(&v.file) else {
            return v;
        };
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return v;
        }
        for line in lines {
            let mut f = line.splitn(3, ' ');
            let (Some(oid), Some(d), Some(key)) = (f.next(), f.next(), f.next()) else {
                continue;
            };
            let Ok(oid) = Oid::from_str(oid) else {
                continue;
            };
            let mut sum = [0u8; 32];
            if d.len() != 64
                || (0..32).any(|i| {
                    u8::from_str_radix(&d[2 * i..2 * i + 2], 16)
                        .map(|b| sum[i] = b)
                        .is_err()
                })
            {
                continue;
            }
            if !v.keys.contains_key(key) {
                match PublicKey::from_openssh(key) {
                    Ok(k) => {
                        v.keys.insert(key.to_string(), k);
                    }
                    Err(_) => continue,
                }
            }
            v.known.insert(oid, (sum, key.to_string()));
        }
        v
    }

    /// The key a kept verdict says made this exact signature over this
    /// exact payload, if one does.
    pub fn lookup(&self, oid: Oid, signature: &str, payload: &[u8]) -> Option<PublicKey> {
        let (sum, key) = self.known.get(&oid)?;
        (digest(signature, payload) == *sum)
            .then(|| self.keys.get(key).cloned())
            .flatten()
    }

    /// Keeps a good verdict, written by `save`.
    pub fn record(&mut self, oid: Oid, signature: &str, payload: &[u8], key: &PublicKey) {
        let Ok(text) = key.to_openssh() else {
            return;
        };
        // The comment is not part of the key: keep only type and data.
        let text: String = text.split(' ').take(2).collect::<Vec<_>>().join(" ");
        self.fresh.push(format!(
            "{oid} {} {text}\n",
            hex(&digest(signature, payload))
        ));
    }

    /// Appends the verdicts recorded since `load`. A cache that cannot be
    /// written is only a slower next run.
    pub fn save(self) {
        if self.fresh.is_empty() {
            return;
        }
        let _ = (|| -> std::io::Result<()> {
            if let Some(dir) = self.file.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let fresh_file = match std::fs::read(&self.file) {
                Ok(b) => !b.starts_with(HEADER.as_bytes()),
                Err(_) => true,
            };
            if fresh_file {
                // Missing, or of another version: started over, whole.
                let mut text = format!("{HEADER}\n");
                text.extend(self.fresh.iter().map(String::as_str));
                return crate::fsutil::write_atomic(&self.file, text.as_bytes())
                    .map_err(|e| std::io::Error::other(e.to_string()));
            }
            let mut f = std::fs::OpenOptions::new().append(true).open(&self.file)?;
            // One write: lines of concurrent runs do not interleave.
            f.write_all(self.fresh.concat().as_bytes())
        })();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verdict_is_reused_only_for_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let key = ssh_key::PrivateKey::random(&mut rand_core::OsRng, ssh_key::Algorithm::Ed25519)
            .unwrap();
        let oid = Oid::from_str("0123456789abcdef0123456789abcdef01234567").unwrap();
        let mut v = SshVerdicts::load(&repo);
        v.record(oid, "SIG", b"payload", key.public_key());
        v.save();
        let v = SshVerdicts::load(&repo);
        assert_eq!(
            v.lookup(oid, "SIG", b"payload")
                .map(|k| k.key_data().clone()),
            Some(key.public_key().key_data().clone())
        );
        assert!(v.lookup(oid, "SIG", b"payload!").is_none());
        assert!(v.lookup(oid, "SIG2", b"payload").is_none());
        let other = Oid::from_str("1123456789abcdef0123456789abcdef01234567").unwrap();
        assert!(v.lookup(other, "SIG", b"payload").is_none());

        // A line cut short, or garbage, is ignored; the rest still counts.
        let file = repo.path().join("mkt/ssh-verified");
        let mut text = std::fs::read_to_string(&file).unwrap();
        text.push_str("garbage\n1123456789abcdef0123456789abcdef01234567 00ff");
        std::fs::write(&file, text).unwrap();
        let v = SshVerdicts::load(&repo);
        assert!(v.lookup(oid, "SIG", b"payload").is_some());
        assert!(v.lookup(other, "SIG", b"payload").is_none());

        // Another version's file is not read.
        std::fs::write(&file, "mkt-ssh-verified 0\n").unwrap();
        assert!(
            SshVerdicts::load(&repo)
                .lookup(oid, "SIG", b"payload")
                .is_none()
        );
    }
}
