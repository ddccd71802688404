use rust_i18n::t;

use super::new_campaign::next_steps;
use super::{Exit, Global, Outcome, print, say};
use crate::ops::revise::revise;
use crate::view::View;

const EXAMPLES: &str = "Examples:
  mkt revise 春季促销-2026-03V1     # writes campaigns/2026/春季促销-2026-03V2/campaign.toml
  $EDITOR \"$(mkt revise 春季促销-2026-03V2)\"";

/// Make the next version of a plan (修订方案), superseding the latest
///
/// V2, V3 … copied from the latest version, comments and all, with `id`
/// and `supersedes` set.
///
/// The old version stays for the record, now superseded; approvals bind to
/// a file, so the new version needs its own. Only the latest version can be
/// revised. Prints the new file's path.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The campaign ID of the latest version, like 春季促销-2026-03V1
    pub id: String,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    let zone = repo.policy.zone();
    let today = global.today(zone);
    let id = super::lookup::campaign(&repo, &args.id, crate::repo::Want::Live)?;
    let kickoff_held = repo.campaign(&id).is_some_and(|c| {
        View::new(&repo, today, global.now(zone))
            .lineage_minutes(&c.value)
            .iter()
            .any(|m| m.value.kind == "kickoff")
    });
    let r = revise(&repo, &id)?;
    print(&format!("{}\n", r.path));
    say(&t!(
        "cli.revise.created",
        id = r.id,
        path = r.path,
        old = r.supersedes
    ));
    if let Some(reason) = &r.was_cancelled {
        say(&t!(
            "cli.revise.was_cancelled",
            old = r.supersedes,
            reason = reason
        ));
    }
    say(&t!("cli.revise.next"));
    next_steps(&repo, &r.id, &r.next, today, kickoff_held);
    say(&t!("cli.revise.commit", id = r.id));
    Ok(Exit::Clean)
}
