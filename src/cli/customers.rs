use std::path::PathBuf;

use super::contract::{
    RekeyTexts, given, key_arg, passphrase, tell_added, tell_opened, tell_rekeyed,
};
use super::prompt::InputArgs;
use super::{Exit, Global, Outcome};
use crate::ops::customers::{self, AddOptions, OpenOptions, RekeyOptions};

/// Customer data, encrypted (客户信息加密存储): only the customer readers can read it
///
/// Customer lists and exports are stored as customers/<name>.age, encrypted
/// with age to the SSH keys (ssh-ed25519, ssh-rsa) of everyone holding a
/// role of [governance] customer_readers (the signed policy; default the
/// director and supervisors) in the signed roster (team.toml). The
/// plaintext never goes into the repository. `mkt lint` reports a file in
/// customers/ that is not encrypted, or not to exactly today's readers
/// (P002), and phone, ID-card and bank-card numbers in plain records (P001).
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    Add(AddArgs),
    Open(OpenArgs),
    Rekey(RekeyArgs),
}

/// Encrypt a customer list for the customer readers into customers/
///
/// Prints the new file's path; says whom it is encrypted to and whose keys
/// could not be used. Then delete the plaintext and commit the .age file.
///
/// Examples:
///   mkt customers add 华东会员.csv --from ~/Downloads/crm-export.csv
///       # writes customers/华东会员.csv.age
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct AddArgs {
    /// Its name in customers/; `.age` is added
    pub name: String,
    /// The customer file (plaintext, outside the repository)
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
}

/// Decrypt customer data with your own SSH key
///
/// Uses --key, else the key file git signs with (user.signingkey). Writes
/// the data to --out (never inside the repository), or to standard output.
/// Anyone it is not encrypted to is refused (exit 2).
///
/// Examples:
///   mkt customers open 华东会员.csv --key ~/.ssh/id_ed25519 | less
///   mkt customers open 华东会员.csv --out ~/Downloads/会员.csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct OpenArgs {
    /// The name in customers/ (with or without .age)
    pub name: String,
    /// Your SSH private key file (default: git's user.signingkey)
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Write the data here instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
}

/// Re-encrypt all customer data to the customer readers as they are now
///
/// Run it after people join or leave those roles (team.toml changed and
/// signed by an admin) or after governance.customer_readers changed.
/// Decrypts each file with your key first; if one cannot be opened,
/// nothing changes. Commit the changed files afterwards. Someone who could
/// read the data before may still have the old version from history.
///
/// Examples:
///   mkt customers rekey
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct RekeyArgs {
    /// Your SSH private key file (default: git's user.signingkey)
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(global: &Global, cmd: Command) -> Outcome {
    match cmd {
        Command::Add(a) => add(global, a),
        Command::Open(a) => open(global, a),
        Command::Rekey(a) => rekey(global, a),
    }
}

fn add(global: &Global, a: AddArgs) -> Outcome {
    let repo = global.open_repo()?;
    let today = global.today(repo.policy.zone());
    let done = customers::add(
        &repo,
        &AddOptions {
            name: a.name,
            from: given(global, &a.from),
            today,
        },
    )?;
    tell_added(&done);
    Ok(Exit::Clean)
}

fn open(global: &Global, a: OpenArgs) -> Outcome {
    let repo = global.open_repo()?;
    let out = a.out.as_ref().map(|o| given(global, o));
    let opened = customers::open(
        &repo,
        &OpenOptions {
            name: a.name,
            key: key_arg(global, a.key),
            passphrase: passphrase(&a.input),
            out: out.clone(),
        },
    )?;
    tell_opened(opened, out)?;
    Ok(Exit::Clean)
}

fn rekey(global: &Global, a: RekeyArgs) -> Outcome {
    let repo = global.open_repo()?;
    let today = global.today(repo.policy.zone());
    let done = customers::rekey(
        &repo,
        &RekeyOptions {
            key: key_arg(global, a.key),
            passphrase: passphrase(&a.input),
            today,
        },
    )?;
    tell_rekeyed(
        &done,
        &RekeyTexts {
            one: "customers16.cli.rekeyed_one",
            many: "customers16.cli.rekeyed_many",
            not_encrypted: "customers16.cli.not_encrypted",
            next: "customers16.cli.rekey_next",
        },
        &customers::customer_roles(&repo),
    );
    Ok(Exit::Clean)
}
