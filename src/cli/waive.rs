use chrono::NaiveDate;
use rust_i18n::t;

use super::{Exit, Global, Outcome, say};
use crate::ops::waive::{WaiveOptions, waive};

/// Waive one finding: a signed record, by a role the policy names (default:
/// the director), that turns that finding into a noted one.
///
/// The finding is matched by its code and file. lint, verify and the report
/// show it as waived, by whom and why; it no longer fails lint. A waiver
/// past its --until, or not signed by someone who may waive, does nothing.
///
/// Examples:
///   mkt waive D007 reports/2026Q1.md --reason "一季度报告已线下提交董事会" --until 2026-06-30
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The rule code, like D007
    pub code: String,
    /// The file the finding is on, as lint names it
    pub file: String,
    /// Why (kept in the waiver)
    #[arg(long)]
    pub reason: String,
    /// The last day the waiver counts (YYYY-MM-DD; default: until withdrawn)
    #[arg(long, value_parser = super::parse_date)]
    pub until: Option<NaiveDate>,
    /// Sign with this key (a key file, public key, or OpenPGP key id)
    #[arg(long)]
    pub key: Option<String>,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    let done = waive(
        &repo,
        &WaiveOptions {
            code: args.code,
            file: super::lookup::campaign_path(&repo, &args.file)?,
            reason: args.reason,
            until: args.until,
            key: args.key,
            now: global.clock(repo.policy.zone()),
        },
    )?;
    say(&t!(
        "cli.waive.done",
        person = done.person,
        path = done.path,
        commit = &done.commit.to_string()[..10]
    ));
    Ok(Exit::Clean)
}
