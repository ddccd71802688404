use rust_i18n::t;

use super::{Exit, Global, Outcome, say};
use crate::ops::withdraw::{WithdrawOptions, withdraw};

/// Withdraw an approval (or a waiver): a signed commit that removes its
/// file, by its approver (or the person who waived) or an admin, with the
/// reason.
///
/// The way back from a mistake without rewriting shared history: a wrong
/// approval, or one a rebase or squash left unsigned. `mkt verify` lists it
/// as withdrawn, by whom and why, and the step is open again.
///
/// Examples:
///   mkt withdraw campaigns/春季促销-2026-03V1/approvals/01-director-wang.fang.toml --reason "rebased by mistake; approving again"
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The approval file, like campaigns/<ID>/approvals/01-director-wang.fang.toml
    pub file: String,
    /// Why it is withdrawn (kept in the commit)
    #[arg(long)]
    pub reason: String,
    /// Sign with this key (a key file, public key, or OpenPGP key id)
    #[arg(long)]
    pub key: Option<String>,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    let done = withdraw(
        &repo,
        &WithdrawOptions {
            file: super::lookup::campaign_path(&repo, &args.file)?,
            reason: args.reason,
            key: args.key,
            now: global.clock(repo.policy.zone()),
        },
    )?;
    say(&t!(
        "cli.withdraw.done",
        person = done.person,
        file = done.file,
        commit = &done.commit.to_string()[..10]
    ));
    say(&t!("cli.withdraw.reopened"));
    Ok(Exit::Clean)
}
