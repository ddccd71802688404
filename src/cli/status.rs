use rust_i18n::t;

use super::{Exit, Global, Outcome, print};
use crate::error::Error;
use crate::ops::status::{DueItem, Status, StatusOptions, status};
use crate::repo::Repo;
use crate::term::{self, Col};
use crate::view::View;

const EXAMPLES: &str = "Examples:
  mkt status --today 2026-11-25
  mkt status --person li.na                 # what 李娜 owns or takes part in
  mkt status --within 14                    # due in the next two weeks, and overdue
  mkt status --format json | jq '.items[] | select(.subject == \"元旦跨年-2026-12V1\")'";

/// What is due (待办), soonest first, with days left or overdue
///
/// Kickoff, review and closing meetings of campaigns, quarterly reports,
/// and open decisions with their owner (责任人).
///
/// Deadlines come from policy.toml, as the deadline rules (D001–D007)
/// count them. Before a campaign starts its kickoff is listed; from the
/// start, a review for each of its quarters that has begun, and its
/// closing; a missed meeting stays listed until the campaign is closed.
/// Quarterly reports are listed from the department's first quarter on,
/// until filed. Approvals waiting are not listed yet.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Only what this person owns or takes part in (a campaign's owner and
    /// phase owners, a meeting's attendees, the holders of a role)
    #[arg(long, value_name = "ID")]
    pub person: Option<String>,

    /// Only what is due within this many days (overdue items always show)
    #[arg(long, value_name = "DAYS")]
    pub within: Option<i64>,

    /// Output format
    #[arg(long, value_enum, default_value_t = StatusFormat::Table)]
    pub format: StatusFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    Table,
    Json,
    Ics,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo_part(None, &crate::repo::read_for_approvals)?;
    let zone = repo.policy.zone();
    let person = match &args.person {
        Some(p) => Some(super::lookup::person(&repo, p, &t!("cli.who.person"))?),
        None => None,
    };
    let ctx = View::new(&repo, global.today(zone), global.now(zone));
    let s = status(
        &ctx,
        &StatusOptions {
            person,
            within: args.within,
        },
    );
    match args.format {
        StatusFormat::Json => {
            let text = serde_json::to_string_pretty(&s)
                .map_err(|e| Error::internal(format!("status as JSON: {e}")))?;
            print(&format!("{text}\n"));
        }
        StatusFormat::Table => print(&render(&repo, &s)),
        StatusFormat::Ics => print(&super::ics::calendar(&repo, &s, ctx.now)),
    }
    Ok(Exit::Clean)
}

/// `1 day left`, `today`, `26 days overdue`.
pub fn days_text(days: i64) -> String {
    match days {
        0 => t!("cli.status.today").into_owned(),
        1 => t!("cli.status.day_left").into_owned(),
        -1 => t!("cli.status.day_overdue").into_owned(),
        d if d > 0 => t!("cli.status.days_left", n = d).into_owned(),
        d => t!("cli.status.days_overdue", n = -d).into_owned(),
    }
}

fn who(repo: &Repo, i: &DueItem) -> String {
    let person = |id: &str| match repo.team.person(id) {
        Some(p) => format!("{id} {}", p.name),
        None => id.to_string(),
    };
    match (&i.owner, &i.role) {
        (Some(o), _) => person(o),
        (None, Some(r)) => {
            let holders: Vec<String> = i.people.iter().map(|p| person(p)).collect();
            if holders.is_empty() {
                r.clone()
            } else {
                t!(
                    "cli.status.role_holders",
                    role = r,
                    holders = holders.join(&t!("cli.list_sep"))
                )
                .into_owned()
            }
        }
        (None, None) => "—".to_string(),
    }
}

fn render(repo: &Repo, s: &Status) -> String {
    let today = s.today;
    if s.items.is_empty() {
        let nothing = match s.person.as_deref() {
            Some(p) => t!("cli.status.nothing_for", person = p, today = today),
            None => t!("cli.status.nothing", today = today),
        };
        return format!("{nothing}\n");
    }
    let overdue = s.items.iter().filter(|i| i.overdue()).count();
    let header = [
        t!("cli.status.due"),
        t!("cli.status.days"),
        t!("cli.status.kind"),
        t!("cli.status.subject"),
        t!("cli.status.what"),
        t!("cli.status.owner"),
    ]
    .map(|h| h.into_owned())
    .to_vec();
    let rows = s
        .items
        .iter()
        .map(|i| {
            let due = match i.from {
                Some(from) => format!("{from} – {}", i.due),
                None => i.due.to_string(),
            };
            vec![
                due,
                days_text(i.days_left),
                i.kind.label().to_string(),
                i.subject.clone(),
                i.what_shown.clone(),
                who(repo, i),
            ]
        })
        .collect();
    // Narrow, the kind goes first (what is due says it again), then the
    // date (the days left say when).
    let cols = [
        Col::wrap(12).drop(1),
        Col::WHOLE.right(),
        Col::wrap(10).drop(2),
        // A campaign's id (20 wide at most) stays on one line.
        Col::wrap(20),
        Col::wrap(20),
        Col::wrap(12),
    ];
    let t = term::table(header, rows, &cols);
    let n = s.items.len();
    let summary = match (s.person.as_deref(), n) {
        (Some(p), 1) => t!(
            "cli.status.summary_for_one",
            person = p,
            today = today,
            overdue = overdue
        ),
        (Some(p), n) => t!(
            "cli.status.summary_for_many",
            person = p,
            today = today,
            n = n,
            overdue = overdue
        ),
        (None, 1) => t!("cli.status.summary_one", today = today, overdue = overdue),
        (None, n) => t!(
            "cli.status.summary_many",
            today = today,
            n = n,
            overdue = overdue
        ),
    };
    format!("{summary}\n{t}\n")
}
