//! `mkt contract add|open|rekey`: contracts stored encrypted with age to
//! the SSH keys of the people who may read them (制度 三(二)：重要合同需加密存储，
//! 仅总监与财务部可调阅). Plaintext never goes into the repository: it is
//! encrypted in memory, and only the age file is written there.

use rust_i18n::t;

use std::collections::BTreeSet;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::approvals::key_valid_on;
use crate::error::{Error, Result};
use crate::fsutil;
use crate::repo::Repo;
use crate::rules::is_age;

mod readers;
mod seal;

pub use readers::{Holder, Skipped, contract_roles, encrypted_to};
use readers::{Recipients, recipients};
pub use seal::PassphraseFn;
use seal::{Refused, decrypt, encrypt, identity};

/// The campaign's contracts folder, refusing an unknown campaign.
fn contracts_dir(repo: &Repo, id: &str) -> Result<String> {
    if repo.campaign(id).is_none() {
        return Err(repo.unknown_campaign(id));
    }
    Ok(format!("campaigns/{id}/contracts"))
}

/// A contract's name: a file name, never a path.
pub fn check_name(name: &str) -> std::result::Result<(), String> {
    if name.is_empty() {
        return Err("the name is empty".into());
    }
    if name.starts_with('.') {
        return Err("the name starts with `.`".into());
    }
    if name.chars().count() > 100 {
        return Err("the name is longer than 100 characters".into());
    }
    let space = |c: char| c.is_whitespace();
    if name.chars().all(space) {
        return Err("the name is only spaces".into());
    }
    if name.starts_with(space) || name.ends_with(space) {
        return Err("the name starts or ends with a space".into());
    }
    if let Some(c) = name.chars().find(|&c| invisible(c)) {
        return Err(format!(
            "the name contains the invisible character U+{:04X}, which can make it read as another name",
            c as u32
        ));
    }
    match name.chars().find(|c| {
        matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control()
    }) {
        Some(c) => Err(format!("the name contains {c:?}; a name is one file name")),
        None => Ok(()),
    }
}

/// Characters that print as nothing or turn the text around them: zero
/// widths, joiners, direction marks and overrides, the byte-order mark.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

pub struct AddOptions {
    pub campaign: String,
    /// The plaintext contract, anywhere on disk.
    pub file: PathBuf,
    /// The name in contracts/ (without `.age`); default: the file's name.
    pub name: Option<String>,
    pub today: NaiveDate,
}

#[derive(Debug)]
pub struct Added {
    /// Repository-relative path of the age file.
    pub path: String,
    pub holders: Vec<Holder>,
    pub skipped: Vec<Skipped>,
    /// The plaintext file lies inside the repository's work tree.
    pub plaintext_in_repo: Option<String>,
    /// The encrypted size is above `general.max_file_bytes`.
    pub too_large: Option<u64>,
}

pub fn add(repo: &Repo, opts: &AddOptions) -> Result<Added> {
    let dir = contracts_dir(repo, &opts.campaign)?;
    let plain = std::fs::read(&opts.file).map_err(|e| Error::io(&opts.file, e))?;
    if is_age(&plain) {
        return Err(
            Error::user(t!("ops.contract.already_age", file = opts.file.display()))
                .hint(t!("ops.contract.already_age_hint")),
        );
    }
    let given = opts
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let name = opts.name.clone().or(given).unwrap_or_default();
    let name = name.strip_suffix(".age").unwrap_or(&name).to_string();
    check_name(&name).map_err(|why| {
        Error::user(t!("ops.contract.bad_name", name = name, why = why))
            .hint(t!("ops.contract.bad_name_hint"))
    })?;
    let path = format!("{dir}/{name}.age");
    let file = repo.root.join(&path);
    if file.exists() {
        return Err(Error::user(t!("ops.exists", path = path)).hint(t!("ops.contract.exists_hint")));
    }
    let r = recipients(repo, opts.today)?;
    let sealed = encrypt(&plain, &r)?;
    fsutil::create_new(&file, &sealed)?;
    let plaintext_in_repo = inside(&repo.root, &opts.file);
    let max = repo.policy.general.max_file_bytes;
    Ok(Added {
        path,
        holders: r.holders,
        skipped: r.skipped,
        plaintext_in_repo,
        too_large: (sealed.len() as u64 > max).then_some(sealed.len() as u64),
    })
}

/// The path of `file` inside `root`, if it is inside.
fn inside(root: &Path, file: &Path) -> Option<String> {
    let root = root.canonicalize().ok()?;
    let abs = match file.canonicalize() {
        Ok(p) => p,
        // Not there yet: its folder decides.
        Err(_) => file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .canonicalize()
            .ok()?
            .join(file.file_name()?),
    };
    let rel = abs.strip_prefix(&root).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// The private key to decrypt with: `--key`, else git's `user.signingkey`
/// when it names a key file (for `~/.ssh/id_ed25519.pub`, the file beside it).
pub fn key_file(repo: &Repo, key: Option<&str>) -> Result<PathBuf> {
    let expand = |p: &str| match (p.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(p),
    };
    if let Some(k) = key {
        return Ok(expand(k));
    }
    let Some(k) = crate::git::config_string(&repo.git, "user.signingkey") else {
        return Err(Error::user(t!("ops.contract.no_key")).hint(t!("ops.contract.key_hint")));
    };
    let literal = k.strip_prefix("key::").unwrap_or(&k);
    if literal.starts_with("ssh-") || literal.starts_with("ecdsa-") || literal.starts_with("sk-") {
        return Err(Error::user(t!("ops.contract.agent_key")).hint(t!("ops.contract.key_hint")));
    }
    let path = expand(&k);
    if let Some(private) = k.strip_suffix(".pub").map(expand)
        && private.is_file()
    {
        return Ok(private);
    }
    Ok(path)
}

/// Finds a contract by name (with or without `.age`).
fn find(repo: &Repo, id: &str, name: &str) -> Result<String> {
    let dir = contracts_dir(repo, id)?;
    let listed = repo
        .campaigns
        .get(id)
        .map(|d| d.contracts.clone())
        .unwrap_or_default();
    let want = [format!("{dir}/{name}"), format!("{dir}/{name}.age")];
    if let Some(p) = listed.iter().find(|p| want.contains(p)) {
        return Ok(p.clone());
    }
    let names: Vec<&str> = listed
        .iter()
        .filter_map(|p| p.rsplit('/').next())
        .map(|n| n.strip_suffix(".age").unwrap_or(n))
        .collect();
    Err(
        Error::user(t!("ops.contract.no_contract", id = id, name = name)).hint(
            if names.is_empty() {
                t!("ops.contract.dir_empty", dir = dir, id = id)
            } else {
                t!("ops.contract.its_contracts", names = names.join(", "))
            },
        ),
    )
}

pub struct OpenOptions {
    pub campaign: String,
    pub name: String,
    /// The private key file; default from git's configuration.
    pub key: Option<String>,
    pub passphrase: Option<PassphraseFn>,
    /// Write the plaintext here (outside the repository) instead of
    /// handing it back.
    pub out: Option<PathBuf>,
}

pub struct Opened {
    pub path: String,
    /// The plaintext, when there was no `out`.
    pub plaintext: Option<Vec<u8>>,
}

fn not_for_you(repo: &Repo, id: &str, path: &str, bytes: &[u8]) -> Error {
    let holders = encrypted_to(repo, bytes);
    let who = if holders.is_empty() {
        t!("ops.contract.nobody").into_owned()
    } else {
        holders.join(", ")
    };
    Error::user(t!("ops.contract.not_for_you", path = path)).hint(t!(
        "ops.contract.not_for_you_hint",
        roles = contract_roles(repo).join(&*t!("ops.contract.and")),
        who = who,
        id = id
    ))
}

pub fn open(repo: &Repo, opts: &OpenOptions) -> Result<Opened> {
    let path = find(repo, &opts.campaign, &opts.name)?;
    if let Some(out) = &opts.out {
        check_out(repo, out)?;
    }
    let bytes =
        std::fs::read(repo.root.join(&path)).map_err(|e| Error::io(&repo.root.join(&path), e))?;
    if !is_age(&bytes) {
        return Err(Error::user(t!("ops.contract.not_encrypted", path = path))
            .hint(t!("ops.contract.not_encrypted_hint")));
    }
    let key = key_file(repo, opts.key.as_deref())?;
    let id = identity(&key, opts.passphrase.clone())?;
    match decrypt(&bytes, id.as_ref()) {
        Ok(plaintext) => match &opts.out {
            Some(out) => {
                // The plaintext is for its reader alone, whatever the umask.
                fsutil::write_with_mode(out, &plaintext, fsutil::Mode::Private)?;
                Ok(Opened {
                    path,
                    plaintext: None,
                })
            }
            None => Ok(Opened {
                path,
                plaintext: Some(plaintext),
            }),
        },
        Err(Refused::NotForYou) => Err(not_for_you(repo, &opts.campaign, &path, &bytes)),
        Err(Refused::Other(why)) => Err(Error::user(format!("{path}: {why}"))),
    }
}

/// Refuses an output path inside the repository: plaintext never goes there.
pub fn check_out(repo: &Repo, out: &Path) -> Result<()> {
    match inside(&repo.root, out) {
        Some(rel) => Err(Error::user(t!(
            "ops.contract.out_inside",
            out = out.display(),
            rel = rel
        ))
        .hint(t!("ops.contract.out_inside_hint"))),
        None => Ok(()),
    }
}

pub struct RekeyOptions {
    pub campaign: String,
    pub key: Option<String>,
    pub passphrase: Option<PassphraseFn>,
    pub today: NaiveDate,
}

#[derive(Debug)]
pub struct Rekeyed {
    pub files: Vec<String>,
    pub holders: Vec<Holder>,
    pub skipped: Vec<Skipped>,
    /// People who can read the contracts now and could not before, and
    /// the other way round.
    pub gained: Vec<String>,
    pub lost: Vec<String>,
    /// Files in contracts/ that are not encrypted (C004), left alone.
    pub plaintext: Vec<String>,
}

/// Re-encrypts every contract of a campaign to the readers in the roster
/// now. Every file is decrypted first; if one cannot be, nothing changes.
pub fn rekey(repo: &Repo, opts: &RekeyOptions) -> Result<Rekeyed> {
    let dir = contracts_dir(repo, &opts.campaign)?;
    let listed = repo
        .campaigns
        .get(&opts.campaign)
        .map(|d| d.contracts.clone())
        .unwrap_or_default();
    let r = recipients(repo, opts.today)?;
    let mut sealed = Vec::new();
    let mut plaintext = Vec::new();
    let mut before = BTreeSet::new();
    let mut id: Option<Box<dyn age::Identity>> = None;
    for path in &listed {
        let abs = repo.root.join(path);
        let bytes = std::fs::read(&abs).map_err(|e| Error::io(&abs, e))?;
        if !is_age(&bytes) {
            plaintext.push(path.clone());
            continue;
        }
        before.extend(encrypted_to(repo, &bytes));
        if id.is_none() {
            let key = key_file(repo, opts.key.as_deref())?;
            id = Some(identity(&key, opts.passphrase.clone())?);
        }
        let plain = match decrypt(&bytes, id.as_deref().expect("set above")) {
            Ok(p) => p,
            Err(Refused::NotForYou) => {
                return Err(not_for_you(repo, &opts.campaign, path, &bytes)
                    .hint(t!("ops.contract.rekey_hint", id = opts.campaign)));
            }
            Err(Refused::Other(why)) => {
                return Err(Error::user(t!(
                    "ops.contract.failed",
                    path = path,
                    why = why
                )));
            }
        };
        sealed.push((path.clone(), encrypt(&plain, &r)?));
    }
    if sealed.is_empty() {
        return Err(Error::user(t!("ops.contract.none", dir = dir))
            .hint(t!("ops.contract.none_hint", id = opts.campaign)));
    }
    for (path, bytes) in &sealed {
        fsutil::write_atomic(&repo.root.join(path), bytes)?;
    }
    let after: BTreeSet<String> = r.holders.iter().map(|h| h.person.clone()).collect();
    Ok(Rekeyed {
        files: sealed.into_iter().map(|(p, _)| p).collect(),
        gained: after.difference(&before).cloned().collect(),
        lost: before.difference(&after).cloned().collect(),
        holders: r.holders,
        skipped: r.skipped,
        plaintext,
    })
}

#[cfg(test)]
mod tests {
    use super::readers::{age_tag, stanza_tags};
    use super::*;

    #[test]
    fn names_are_file_names() {
        assert!(check_name("媒体投放合同.pdf").is_ok());
        for bad in ["", ".hidden", "a/b", "a\\b", "x\ny"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tags_match_what_age_writes() {
        // A fixed ed25519 public key; the tag is what age puts in the stanza.
        let line =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIABZtl9N0JWKqjq4UG2XNvzogiZIKdyw3xqCrgf1lLV2";
        let r = age::ssh::Recipient::from_str(line).unwrap();
        let enc =
            age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient)).unwrap();
        let mut out = Vec::new();
        let mut w = enc.wrap_output(&mut out).unwrap();
        w.write_all(b"x").unwrap();
        w.finish().unwrap();
        let tags = stanza_tags(&out);
        assert_eq!(tags.len(), 1);
        assert!(tags.contains(&age_tag(line).unwrap()), "{tags:?}");
        assert!(is_age(&out));
    }
}

#[cfg(test)]
mod name_tests {
    use super::check_name;

    #[test]
    fn a_contract_name_reads_as_what_it_is() {
        assert!(check_name("媒体投放合同.pdf").is_ok());
        assert!(check_name("media plan v2.pdf").is_ok());
        for bad in [
            "   ",
            "\u{3000}",
            " 合同.pdf",
            "合同.pdf ",
            "合同\u{202E}fdp.exe",
            "合\u{200B}同.pdf",
            "\u{FEFF}合同.pdf",
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
