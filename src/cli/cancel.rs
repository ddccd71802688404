use rust_i18n::t;

use super::{Exit, Global, Outcome, say};
use crate::ops::cancel::{CancelOptions, cancel};

/// Cancel a campaign, keeping lint green: signed by someone who may approve it
///
/// Two commits, both signed by you: the plan with `cancelled` set to the
/// reason, then a cancellation record (an approval file with decision
/// "cancel") binding the cancelled plan. The approvals made before stay on
/// record, not stale (A005); `mkt verify` checks the record like any
/// approval, and `mkt report` shows the campaign cancelled with the reason.
/// The owner cannot cancel their own campaign: someone holding a step of its
/// chain (the supervisor or director who approves it) does.
///
/// Examples:
///   mkt cancel 校园推广-2026-09V1 --reason "预算调整，并入双十一"
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The campaign ID, like 春季促销-2026-03V1
    pub id: String,
    /// Why it is cancelled (kept in the plan and the record)
    #[arg(long)]
    pub reason: String,
    /// Sign with this key (a key file, public key, or OpenPGP key id)
    #[arg(long)]
    pub key: Option<String>,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    let done = cancel(
        &repo,
        &CancelOptions {
            id: args.id,
            reason: args.reason,
            key: args.key,
            now: global.clock(repo.policy.zone()),
        },
    )?;
    say(&t!(
        "campaigns.cancel.done",
        id = done.id,
        person = done.person,
        stage = done.stage,
        plan_commit = &done.plan_commit.to_string()[..10],
        file = done.file,
        commit = &done.commit.to_string()[..10]
    ));
    Ok(Exit::Clean)
}
