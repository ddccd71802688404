//! Sealed stores: files kept in the repository only as age files, encrypted
//! to the SSH keys of the people a signed policy value names as readers.
//! Contracts (`campaigns/<ID>/contracts/*.age`, 制度 三(二),
//! `governance.contract_readers`) and customer data (`customers/*.age`,
//! 制度 六(一), `governance.customer_readers`) share everything here: who
//! the readers are today, sealing, opening with one's own key, re-sealing
//! to a changed roster. Plaintext is encrypted in memory; only the age file
//! is written into the repository.

use rust_i18n::t;

use std::collections::BTreeSet;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::fsutil;
use crate::repo::Repo;
use crate::rules::is_age;

mod seal;

pub use crate::approvals::{Holder, Skipped};
pub use seal::PassphraseFn;
use seal::{Refused, decrypt, encrypt, identity};

/// Which sealed store: one campaign's contracts, or the customer data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Store {
    /// A campaign's contracts: its ID and folder (`Repo::campaign_folder`).
    Contract(String, String),
    Customers,
}

impl Store {
    /// The folder its age files are in.
    pub fn dir(&self) -> String {
        match self {
            Store::Contract(_, dir) => format!("{dir}/contracts"),
            Store::Customers => "customers".to_string(),
        }
    }

    /// The roles that may read it in a policy.
    pub fn roles<'p>(&self, policy: &'p crate::policy::Policy) -> &'p [String] {
        match self {
            Store::Contract(..) => &policy.governance.contract_readers,
            Store::Customers => &policy.governance.customer_readers,
        }
    }

    /// The roles that may read it: the value of the policy in force (signed
    /// as `[governance] policy_signers` asks; an unsigned edit of
    /// policy.toml names no new reader).
    pub fn reader_roles(&self, repo: &Repo) -> Vec<String> {
        let v = crate::approvals::verify(repo, repo.trust_root);
        self.roles(v.policy_at_head()).to_vec()
    }

    fn no_reader(&self, roles: &str) -> Error {
        match self {
            Store::Contract(..) => Error::user(t!("ops.contract.no_reader", roles = roles)),
            Store::Customers => Error::user(t!("customers16.ops.no_reader", roles = roles)),
        }
        .hint(t!("ops.contract.no_reader_hint"))
    }

    fn bad_name(&self, name: &str, why: &str) -> Error {
        match self {
            Store::Contract(..) => Error::user(t!("ops.contract.bad_name", name = name, why = why))
                .hint(t!("ops.contract.bad_name_hint")),
            Store::Customers => Error::user(t!("customers16.ops.bad_name", name = name, why = why))
                .hint(t!("customers16.ops.bad_name_hint")),
        }
    }

    fn already_age(&self, file: &Path) -> Error {
        let e = Error::user(t!("ops.contract.already_age", file = file.display()));
        match self {
            Store::Contract(..) => e.hint(t!("ops.contract.already_age_hint")),
            Store::Customers => e.hint(t!("customers16.ops.already_age_hint")),
        }
    }

    fn exists_hint(&self) -> std::borrow::Cow<'static, str> {
        match self {
            Store::Contract(..) => t!("ops.contract.exists_hint"),
            Store::Customers => t!("customers16.ops.exists_hint"),
        }
    }

    fn not_encrypted(&self, path: &str) -> Error {
        match self {
            Store::Contract(..) => Error::user(t!("ops.contract.not_encrypted", path = path))
                .hint(t!("ops.contract.not_encrypted_hint")),
            Store::Customers => Error::user(t!("customers16.ops.not_encrypted", path = path))
                .hint(t!("customers16.ops.not_encrypted_hint")),
        }
    }
}

/// The keys a store is sealed to today, as age recipients.
pub(crate) struct Recipients {
    pub(crate) holders: Vec<Holder>,
    pub(crate) keys: Vec<age::ssh::Recipient>,
    pub(crate) skipped: Vec<Skipped>,
}

/// The keys to seal to: the SSH keys, valid `today`, of everyone with a
/// reading role of the store in the trusted roster (team.toml as signed by
/// an admin, SPEC 5). Nobody to seal to is an error.
pub(crate) fn recipients(repo: &Repo, store: &Store, today: NaiveDate) -> Result<Recipients> {
    let v = crate::approvals::verify(repo, repo.trust_root);
    let roles = store.roles(v.policy_at_head()).to_vec();
    let found = crate::approvals::readers(&v, &repo.team, &roles, today);
    let mut r = Recipients {
        holders: Vec::new(),
        keys: Vec::new(),
        skipped: found.skipped,
    };
    for h in found.holders {
        if let Ok(key) = age::ssh::Recipient::from_str(&h.line) {
            r.keys.push(key);
            r.holders.push(h);
        }
    }
    if r.keys.is_empty() {
        return Err(store.no_reader(&roles.join(", ")));
    }
    Ok(r)
}

/// A name in a store: a file name, never a path.
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

/// The path of `file` inside `root`, if it is inside.
pub fn inside(root: &Path, file: &Path) -> Option<String> {
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

/// Who in the signed roster an age file is sealed to, by person id.
pub fn encrypted_to(repo: &Repo, bytes: &[u8]) -> Vec<String> {
    let tags = crate::repo::sealed::read_head(bytes)
        .ok()
        .flatten()
        .unwrap_or_default();
    let v = crate::approvals::verify(repo, repo.trust_root);
    crate::approvals::encrypted_to(&v, &tags)
}

fn not_for_you(repo: &Repo, store: &Store, path: &str, bytes: &[u8]) -> Error {
    let holders = encrypted_to(repo, bytes);
    let who = if holders.is_empty() {
        t!("ops.contract.nobody").into_owned()
    } else {
        holders.join(", ")
    };
    let roles = store.reader_roles(repo).join(&*t!("ops.contract.and"));
    match store {
        Store::Contract(id, _) => {
            Error::user(t!("ops.contract.not_for_you", path = path)).hint(t!(
                "ops.contract.not_for_you_hint",
                roles = roles,
                who = who,
                id = id
            ))
        }
        Store::Customers => Error::user(t!("customers16.ops.not_for_you", path = path)).hint(t!(
            "customers16.ops.not_for_you_hint",
            roles = roles,
            who = who
        )),
    }
}

/// What sealing a new file did. No size is checked: a sealed file is
/// listed, not read as a record (the loader reads its age header only), so
/// `general.max_file_bytes`, the limit on what mkt parses, does not apply;
/// a scanned contract is as large as it is.
#[derive(Debug)]
pub struct Added {
    /// Repository-relative path of the age file.
    pub path: String,
    pub holders: Vec<Holder>,
    pub skipped: Vec<Skipped>,
    /// The plaintext file lies inside the repository's work tree.
    pub plaintext_in_repo: Option<String>,
}

/// Seals the plaintext `file` into the store as `<name>.age` (the name
/// defaults to the file's), to the store's readers of `today`. The file is
/// written whole or not at all, and never over another.
pub fn add(
    repo: &Repo,
    store: &Store,
    file: &Path,
    name: Option<&str>,
    today: NaiveDate,
) -> Result<Added> {
    let plain = std::fs::read(file).map_err(|e| Error::io(file, e))?;
    if is_age(&plain) {
        return Err(store.already_age(file));
    }
    let given = file.file_name().map(|n| n.to_string_lossy().into_owned());
    let name = name.map(str::to_string).or(given).unwrap_or_default();
    let name = name.strip_suffix(".age").unwrap_or(&name).to_string();
    check_name(&name).map_err(|why| store.bad_name(&name, &why))?;
    let path = format!("{}/{name}.age", store.dir());
    let abs = repo.root.join(&path);
    if abs.exists() {
        return Err(Error::user(t!("ops.exists", path = path)).hint(store.exists_hint()));
    }
    let r = recipients(repo, store, today)?;
    let sealed = encrypt(&plain, &r)?;
    fsutil::create_new(&abs, &sealed)?;
    Ok(Added {
        path,
        holders: r.holders,
        skipped: r.skipped,
        plaintext_in_repo: inside(&repo.root, file),
    })
}

/// Opening a sealed file: with whose key, and where the plaintext goes.
pub struct OpenWith {
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

/// Decrypts the store's file at `path` with the person's own key.
pub fn open(repo: &Repo, store: &Store, path: String, with: &OpenWith) -> Result<Opened> {
    if let Some(out) = &with.out {
        check_out(repo, out)?;
    }
    let abs = repo.root.join(&path);
    let bytes = std::fs::read(&abs).map_err(|e| Error::io(&abs, e))?;
    if !is_age(&bytes) {
        return Err(store.not_encrypted(&path));
    }
    let key = key_file(repo, with.key.as_deref())?;
    let id = identity(&key, with.passphrase.clone())?;
    match decrypt(&bytes, id.as_ref()) {
        Ok(plaintext) => match &with.out {
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
        Err(Refused::NotForYou) => Err(not_for_you(repo, store, &path, &bytes)),
        Err(Refused::Other(why)) => Err(Error::user(format!("{path}: {why}"))),
    }
}

#[derive(Debug)]
pub struct Rekeyed {
    pub files: Vec<String>,
    pub holders: Vec<Holder>,
    pub skipped: Vec<Skipped>,
    /// People who can read the store now and could not before, and the
    /// other way round.
    pub gained: Vec<String>,
    pub lost: Vec<String>,
    /// Files of the store that are not encrypted, left alone.
    pub plaintext: Vec<String>,
}

/// Re-encrypts every file of the store (`listed`) to its readers of
/// `today`. Every file is decrypted first; if one cannot be, nothing
/// changes. `Ok(None)`: the store holds no sealed file.
pub fn rekey(
    repo: &Repo,
    store: &Store,
    listed: &[String],
    key: Option<&str>,
    passphrase: Option<PassphraseFn>,
    today: NaiveDate,
) -> Result<Option<Rekeyed>> {
    let r = recipients(repo, store, today)?;
    let mut sealed = Vec::new();
    let mut plaintext = Vec::new();
    let mut before = BTreeSet::new();
    let mut id: Option<Box<dyn age::Identity>> = None;
    for path in listed {
        let abs = repo.root.join(path);
        let bytes = std::fs::read(&abs).map_err(|e| Error::io(&abs, e))?;
        if !is_age(&bytes) {
            plaintext.push(path.clone());
            continue;
        }
        before.extend(encrypted_to(repo, &bytes));
        if id.is_none() {
            let k = key_file(repo, key)?;
            id = Some(identity(&k, passphrase.clone())?);
        }
        let plain = match decrypt(&bytes, id.as_deref().expect("set above")) {
            Ok(p) => p,
            Err(Refused::NotForYou) => {
                let hint = match store {
                    Store::Contract(id, _) => t!("ops.contract.rekey_hint", id = id),
                    Store::Customers => t!("customers16.ops.rekey_hint"),
                };
                return Err(not_for_you(repo, store, path, &bytes).hint(hint));
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
        return Ok(None);
    }
    for (path, bytes) in &sealed {
        fsutil::write_atomic(&repo.root.join(path), bytes)?;
    }
    let after: BTreeSet<String> = r.holders.iter().map(|h| h.person.clone()).collect();
    Ok(Some(Rekeyed {
        files: sealed.into_iter().map(|(p, _)| p).collect(),
        gained: after.difference(&before).cloned().collect(),
        lost: before.difference(&after).cloned().collect(),
        holders: r.holders,
        skipped: r.skipped,
        plaintext,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_file_names() {
        assert!(check_name("媒体投放合同.pdf").is_ok());
        assert!(check_name("media plan v2.pdf").is_ok());
        for bad in [
            "",
            ".hidden",
            "a/b",
            "a\\b",
            "x\ny",
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
        let tags = crate::repo::sealed::read_head(&out[..]).unwrap().unwrap();
        assert_eq!(tags.len(), 1);
        let tag = crate::approvals::age_tag(line).unwrap();
        assert!(tags.contains(&tag), "{tags:?}");
        assert!(is_age(&out));
        // Armored, the same tags.
        let mut armored = Vec::new();
        let mut a =
            age::armor::ArmoredWriter::wrap_output(&mut armored, age::armor::Format::AsciiArmor)
                .unwrap();
        a.write_all(&out).unwrap();
        a.finish().unwrap();
        assert_eq!(
            crate::repo::sealed::read_head(&armored[..]).unwrap(),
            Some(tags)
        );
    }
}
