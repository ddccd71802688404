//! `mkt contract add|open|rekey`: contracts stored encrypted with age to
//! the SSH keys of the people who may read them (制度 三(二)：重要合同需加密存储，
//! 仅总监与财务部可调阅; `governance.contract_readers`). The sealing itself is
//! the sealed stores' (`ops::sealed`), shared with customer data.

use rust_i18n::t;

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::repo::Repo;

use super::sealed::{self, Store};
pub use super::sealed::{
    Added, Holder, Opened, PassphraseFn, Rekeyed, Skipped, check_name, check_out, key_file,
};

/// The campaign's store, refusing an unknown campaign.
fn store(repo: &Repo, id: &str) -> Result<Store> {
    if repo.campaign(id).is_none() {
        return Err(repo.unknown_campaign(id));
    }
    Ok(Store::Contract(id.to_string(), repo.campaign_folder(id)))
}

/// The roles that may read contracts: `governance.contract_readers` of the
/// policy in force.
pub fn contract_roles(repo: &Repo) -> Vec<String> {
    Store::Contract(String::new(), String::new()).reader_roles(repo)
}

/// Who in the signed roster a contract is encrypted to, by person id.
pub fn encrypted_to(repo: &Repo, bytes: &[u8]) -> Vec<String> {
    sealed::encrypted_to(repo, bytes)
}

pub struct AddOptions {
    pub campaign: String,
    /// The plaintext contract, anywhere on disk.
    pub file: PathBuf,
    /// The name in contracts/ (without `.age`); default: the file's name.
    pub name: Option<String>,
    pub today: NaiveDate,
}

pub fn add(repo: &Repo, opts: &AddOptions) -> Result<Added> {
    let store = store(repo, &opts.campaign)?;
    sealed::add(repo, &store, &opts.file, opts.name.as_deref(), opts.today)
}

/// Finds a contract by name (with or without `.age`).
fn find(repo: &Repo, id: &str, name: &str) -> Result<String> {
    let dir = store(repo, id)?.dir();
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

pub fn open(repo: &Repo, opts: &OpenOptions) -> Result<Opened> {
    let path = find(repo, &opts.campaign, &opts.name)?;
    sealed::open(
        repo,
        &store(repo, &opts.campaign)?,
        path,
        &sealed::OpenWith {
            key: opts.key.clone(),
            passphrase: opts.passphrase.clone(),
            out: opts.out.clone(),
        },
    )
}

pub struct RekeyOptions {
    pub campaign: String,
    pub key: Option<String>,
    pub passphrase: Option<PassphraseFn>,
    pub today: NaiveDate,
}

/// Re-encrypts every contract of a campaign to the readers in the roster
/// now. Every file is decrypted first; if one cannot be, nothing changes.
pub fn rekey(repo: &Repo, opts: &RekeyOptions) -> Result<Rekeyed> {
    let store = store(repo, &opts.campaign)?;
    let listed = repo
        .campaigns
        .get(&opts.campaign)
        .map(|d| d.contracts.clone())
        .unwrap_or_default();
    sealed::rekey(
        repo,
        &store,
        &listed,
        opts.key.as_deref(),
        opts.passphrase.clone(),
        opts.today,
    )?
    .ok_or_else(|| {
        Error::user(t!("ops.contract.none", dir = store.dir()))
            .hint(t!("ops.contract.none_hint", id = opts.campaign))
    })
}
