use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_i18n::t;

use super::prompt::{InputArgs, Prompter};
use super::{Exit, Global, Outcome, print, say};
use crate::error::{Error, Result};
use crate::ops::contract::{
    self, AddOptions, Added, Holder, OpenOptions, Opened, PassphraseFn, RekeyOptions, Rekeyed,
    Skipped,
};

/// Contracts, encrypted (合同加密存储): only the contract readers can read them
///
/// A contract is stored as campaigns/<ID>/contracts/<name>.age, encrypted
/// with age to the SSH keys (ssh-ed25519, ssh-rsa) of everyone holding a
/// role of [governance] contract_readers (the signed policy; default the
/// director and finance) in the signed roster (team.toml). The plaintext
/// never goes into the repository. `mkt lint` reports a file in contracts/
/// that is not encrypted, or not to exactly today's readers (C004); `mkt
/// explain C004` names the roles in force.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    Add(AddArgs),
    Open(OpenArgs),
    Rekey(RekeyArgs),
}

/// Encrypt a contract for the contract readers into the campaign's contracts/
///
/// Prints the new file's path; says whom it is encrypted to and whose keys
/// could not be used. Then delete the plaintext and commit the .age file.
///
/// Examples:
///   mkt contract add 618年中大促-2026-06V1 ~/Downloads/媒体投放合同.pdf
///       # writes campaigns/618年中大促-2026-06V1/contracts/媒体投放合同.pdf.age
///   mkt contract add 618年中大促-2026-06V1 scan.pdf --name 场地租赁合同.pdf
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct AddArgs {
    /// The campaign ID
    pub id: String,
    /// The contract file (plaintext, outside the repository)
    pub file: PathBuf,
    /// Its name in contracts/ (default: the file's name); `.age` is added
    #[arg(long)]
    pub name: Option<String>,
}

/// Decrypt a contract with your own SSH key
///
/// Uses --key, else the key file git signs with (user.signingkey). Writes
/// the contract to --out (never inside the repository), or to standard
/// output. Anyone the contract is not encrypted to is refused (exit 2).
///
/// Examples:
///   mkt contract open 618年中大促-2026-06V1 媒体投放合同.pdf --out ~/Downloads/合同.pdf
///   mkt contract open 618年中大促-2026-06V1 媒体投放合同.pdf --key ~/.ssh/id_ed25519 | less
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct OpenArgs {
    /// The campaign ID
    pub id: String,
    /// The contract's name (with or without .age)
    pub name: String,
    /// Your SSH private key file (default: git's user.signingkey)
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Write the contract here instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
}

/// Re-encrypt a campaign's contracts to the contract readers as they are now
///
/// Run it after people join or leave those roles (team.toml changed and
/// signed by an admin) or after governance.contract_readers changed.
/// Decrypts each contract with your key first; if one cannot be opened,
/// nothing changes. Commit the changed files afterwards.
/// Someone who could read a contract before may still have the old version
/// from history.
///
/// Examples:
///   mkt contract rekey 618年中大促-2026-06V1
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct RekeyArgs {
    /// The campaign ID
    pub id: String,
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

/// A path as the user typed it: relative to where mkt runs (`-C`).
pub(super) fn given(global: &Global, p: &Path) -> PathBuf {
    global.dir.join(p)
}

pub(super) fn key_arg(global: &Global, key: Option<PathBuf>) -> Option<String> {
    key.map(|k| {
        let s = k.to_string_lossy();
        if s.starts_with("~/") {
            s.into_owned()
        } else {
            given(global, &k).to_string_lossy().into_owned()
        }
    })
}

/// Asks for a key's passphrase, when a person is there to answer.
pub(super) fn passphrase(input: &InputArgs) -> Option<PassphraseFn> {
    if !Prompter::new(input).interactive() {
        return None;
    }
    Some(Arc::new(|description: &str| {
        dialoguer::Password::new()
            .with_prompt(description)
            .interact()
            .ok()
    }))
}

pub(super) fn holders(h: &[Holder]) -> String {
    h.iter()
        .map(|h| {
            t!(
                "cli.contract.holder",
                person = h.person,
                roles = h.roles.join("+"),
                key_type = h.key_type
            )
            .into_owned()
        })
        .collect::<Vec<_>>()
        .join(&t!("cli.list_sep"))
}

pub(super) fn tell_skipped(skipped: &[Skipped]) {
    for s in skipped {
        say(&t!(
            "cli.contract.key_not_used",
            person = s.person,
            why = s.why
        ));
    }
}

fn add(global: &Global, a: AddArgs) -> Outcome {
    let repo = global.open_repo()?;
    let today = global.today(repo.policy.zone());
    let done = contract::add(
        &repo,
        &AddOptions {
            campaign: super::lookup::campaign(&repo, &a.id, crate::repo::Want::Exact)?,
            file: given(global, &a.file),
            name: a.name,
            today,
        },
    )?;
    tell_added(&done);
    Ok(Exit::Clean)
}

fn open(global: &Global, a: OpenArgs) -> Outcome {
    let repo = global.open_repo()?;
    let out = a.out.as_ref().map(|o| given(global, o));
    let opened = contract::open(
        &repo,
        &OpenOptions {
            campaign: super::lookup::campaign(&repo, &a.id, crate::repo::Want::Exact)?,
            name: a.name,
            key: key_arg(global, a.key),
            passphrase: passphrase(&a.input),
            out: out.clone(),
        },
    )?;
    tell_opened(opened, out)?;
    Ok(Exit::Clean)
}

/// The plaintext to standard output, raw (no colour stripping); binary
/// content is not sent to a terminal.
pub(super) fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if out.is_terminal() && std::str::from_utf8(bytes).is_err() {
        return Err(Error::user(t!("cli.contract.binary")).hint(t!("cli.contract.binary_hint")));
    }
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(Error::io(Path::new("<stdout>"), e)),
        Ok(()) => Ok(()),
    }
}

fn rekey(global: &Global, a: RekeyArgs) -> Outcome {
    let repo = global.open_repo()?;
    let today = global.today(repo.policy.zone());
    let done = contract::rekey(
        &repo,
        &RekeyOptions {
            campaign: super::lookup::campaign(&repo, &a.id, crate::repo::Want::Exact)?,
            key: key_arg(global, a.key),
            passphrase: passphrase(&a.input),
            today,
        },
    )?;
    tell_rekeyed(
        &done,
        &RekeyTexts {
            one: "cli.contract.rekeyed_one",
            many: "cli.contract.rekeyed_many",
            not_encrypted: "cli.contract.not_encrypted",
            next: "cli.contract.rekey_next",
        },
        &contract::contract_roles(&repo),
    );
    Ok(Exit::Clean)
}

/// The catalogue keys a store's `rekey` is told with.
pub(super) struct RekeyTexts {
    pub one: &'static str,
    pub many: &'static str,
    pub not_encrypted: &'static str,
    pub next: &'static str,
}

/// What a `rekey` did, told the same way for contracts and customer data.
pub(super) fn tell_rekeyed(done: &Rekeyed, texts: &RekeyTexts, roles: &[String]) {
    for f in &done.files {
        print(&format!("{f}\n"));
    }
    let to = holders(&done.holders);
    say(&match done.files.len() {
        1 => t!(texts.one, holders = to),
        n => t!(texts.many, n = n, holders = to),
    });
    if !done.gained.is_empty() {
        say(&t!(
            "cli.contract.gained",
            who = done.gained.join(&t!("cli.list_sep"))
        ));
    }
    if !done.lost.is_empty() {
        say(&t!(
            "cli.contract.lost",
            who = done.lost.join(&t!("cli.list_sep"))
        ));
    }
    tell_skipped(&done.skipped);
    for p in &done.plaintext {
        say(&t!(texts.not_encrypted, path = p));
    }
    say(&t!(texts.next, roles = roles.join(&t!("cli.contract.and"))));
}

/// What an `add` did, told the same way for contracts and customer data.
pub(super) fn tell_added(done: &Added) {
    print(&format!("{}\n", done.path));
    say(&t!(
        "cli.contract.encrypted",
        path = done.path,
        holders = holders(&done.holders)
    ));
    tell_skipped(&done.skipped);
    if let Some(rel) = &done.plaintext_in_repo {
        say(&t!("cli.contract.plaintext_inside", path = rel));
    } else {
        say(&t!("cli.contract.delete_plaintext"));
    }
    say(&t!("cli.next_commit", path = done.path));
}

/// The opened plaintext to standard output, or where it was written to.
pub(super) fn tell_opened(opened: Opened, out: Option<PathBuf>) -> Result<()> {
    match (opened.plaintext, out) {
        (Some(bytes), _) => write_stdout(&bytes)?,
        (None, Some(o)) => say(&t!(
            "cli.contract.decrypted",
            path = opened.path,
            out = o.display()
        )),
        (None, None) => {}
    }
    Ok(())
}
