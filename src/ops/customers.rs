//! `mkt customers add|open|rekey`: customer data (客户名单, 会员资料, CSV
//! exports) kept only as `customers/<name>.age`, sealed with age to the SSH
//! keys of the roles `governance.customer_readers` names (制度 六(一)：所有客户
//! 信息需加密存储; 《个人信息保护法》: access kept to those who need it). The
//! sealing is the sealed stores' (`ops::sealed`), shared with contracts.

use rust_i18n::t;

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::repo::Repo;

use super::sealed::{self, Store};
pub use super::sealed::{Added, Opened, PassphraseFn, Rekeyed};

/// The roles that may read customer data: `governance.customer_readers`
/// of the policy in force.
pub fn customer_roles(repo: &Repo) -> Vec<String> {
    Store::Customers.reader_roles(repo)
}

pub struct AddOptions {
    /// The name in customers/ (`.age` is added).
    pub name: String,
    /// The plaintext customer list, outside the repository.
    pub from: PathBuf,
    pub today: NaiveDate,
}

pub fn add(repo: &Repo, opts: &AddOptions) -> Result<Added> {
    sealed::add(
        repo,
        &Store::Customers,
        &opts.from,
        Some(&opts.name),
        opts.today,
    )
}

/// The store's files, by path.
fn listed(repo: &Repo) -> Vec<String> {
    repo.customers.keys().cloned().collect()
}

/// Finds a customer file by name (with or without `.age`).
fn find(repo: &Repo, name: &str) -> Result<String> {
    let dir = Store::Customers.dir();
    let listed = listed(repo);
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
        Error::user(t!("customers16.ops.no_store", name = name)).hint(if names.is_empty() {
            t!("customers16.ops.dir_empty")
        } else {
            t!("customers16.ops.its_stores", names = names.join(", "))
        }),
    )
}

pub struct OpenOptions {
    pub name: String,
    /// The private key file; default from git's configuration.
    pub key: Option<String>,
    pub passphrase: Option<PassphraseFn>,
    /// Write the plaintext here (outside the repository) instead of
    /// handing it back.
    pub out: Option<PathBuf>,
}

pub fn open(repo: &Repo, opts: &OpenOptions) -> Result<Opened> {
    let path = find(repo, &opts.name)?;
    sealed::open(
        repo,
        &Store::Customers,
        path,
        &sealed::OpenWith {
            key: opts.key.clone(),
            passphrase: opts.passphrase.clone(),
            out: opts.out.clone(),
        },
    )
}

pub struct RekeyOptions {
    pub key: Option<String>,
    pub passphrase: Option<PassphraseFn>,
    pub today: NaiveDate,
}

/// Re-seals every customer file to the readers of today. Every file is
/// decrypted first; if one cannot be, nothing changes.
pub fn rekey(repo: &Repo, opts: &RekeyOptions) -> Result<Rekeyed> {
    sealed::rekey(
        repo,
        &Store::Customers,
        &listed(repo),
        opts.key.as_deref(),
        opts.passphrase.clone(),
        opts.today,
    )?
    .ok_or_else(|| Error::user(t!("customers16.ops.none")).hint(t!("customers16.ops.none_hint")))
}
