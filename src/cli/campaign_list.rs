use rust_i18n::t;

use super::{Exit, Global, Outcome, print};
use crate::error::Error;
use crate::model::Quarter;
use crate::ops::campaign_list::{CampaignLine, ListOptions, list};
use crate::ops::new_campaign::person_id;
use crate::term::{self, Col};
use crate::view::View;

/// List the campaigns: status, owner, dates, budget, what each waits for
///
/// Status is worked out as `mkt report` works it out; what a campaign waits
/// for is what `mkt status` says is due for it.
///
/// Examples:
///   mkt list
///   mkt list --quarter 2026Q4 --owner 刘洋
///   mkt list --status awaiting-approval --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only campaigns that run in this quarter, like 2026Q2
    #[arg(long, value_name = "YYYYQn")]
    pub quarter: Option<String>,
    /// Only this person's campaigns (an id or a name in team.toml)
    #[arg(long)]
    pub owner: Option<String>,
    /// Only campaigns in this status: draft, awaiting-approval, approved,
    /// running, ended, closed, cancelled, superseded
    #[arg(long)]
    pub status: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    let zone = repo.policy.zone();
    let ctx = View::new(&repo, global.today(zone), global.now(zone));
    let quarter = match &args.quarter {
        Some(q) => Some(
            Quarter::parse(q, chrono::Datelike::year(&ctx.today))
                .ok_or_else(|| Error::user(t!("campaigns.list.not_a_quarter", quarter = q)))?,
        ),
        None => None,
    };
    let owner = match &args.owner {
        Some(o) => Some(person_id(&repo, o, "owner")?),
        None => None,
    };
    let lines = list(
        &ctx,
        &ListOptions {
            quarter,
            owner,
            status: args.status,
        },
    )?;
    match args.format {
        ListFormat::Json => {
            let text = serde_json::to_string_pretty(&lines)
                .map_err(|e| Error::internal(format!("list as JSON: {e}")))?;
            print(&format!("{text}\n"));
        }
        ListFormat::Table => print(&render(&lines)),
    }
    Ok(Exit::Clean)
}

fn render(lines: &[CampaignLine]) -> String {
    if lines.is_empty() {
        return format!("{}\n", t!("campaigns.list.none"));
    }
    let header = [
        t!("campaigns.list.id"),
        t!("campaigns.list.status"),
        t!("campaigns.list.owner"),
        t!("campaigns.list.dates"),
        t!("campaigns.list.budget"),
        t!("campaigns.list.waiting"),
    ]
    .map(|h| h.into_owned())
    .to_vec();
    let mut rows = Vec::new();
    for l in lines {
        let status = match &l.cancelled {
            Some(why) => format!("{} ({why})", l.status_shown),
            None => l.status_shown.clone(),
        };
        let waiting = if l.waiting_shown.is_empty() {
            "—".to_string()
        } else {
            l.waiting_shown.join("; ")
        };
        rows.push(vec![
            l.id.clone(),
            status,
            format!("{} {}", l.owner, l.owner_name),
            format!("{} – {}", l.start, l.end),
            l.budget.to_string(),
            waiting,
        ]);
    }
    // The id is copied into commands: it never breaks. Narrow, the dates
    // go first.
    let cols = [
        Col::WHOLE,
        Col::wrap(10),
        Col::wrap(8),
        Col::wrap(12).drop(1),
        Col::WHOLE.right(),
        Col::wrap(16),
    ];
    let t = term::table(header, rows, &cols);
    format!("{}\n{t}\n", t!("campaigns.list.summary", n = lines.len()))
}
