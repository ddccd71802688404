use rust_i18n::t;

use super::{Exit, Global, Outcome, print};
use crate::error::Error;
use crate::ops::campaign_list::{Shown, show};
use crate::report::grid::{decision_label, role_label};
use crate::view::View;

/// Show one campaign: plan, approval chain, deadlines, findings, spend, history
///
/// The plan as written; the chain with who approved when and what is still
/// needed; what is due; the lint findings in its folder; spend against
/// budget; and every commit that touched its folder (date, author, subject).
///
/// Examples:
///   mkt show 双十一预热-2026-10V1
///   mkt show 双十一预热-2026-10V1 --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The campaign ID, like 春季促销-2026-03V1
    pub id: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShowFormat {
    Text,
    Json,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    let zone = repo.policy.zone();
    let ctx = View::new(&repo, global.today(zone), global.now(zone));
    let findings = crate::rules::check(&ctx);
    let s = show(&ctx, &args.id, &findings)?;
    match args.format {
        ShowFormat::Json => {
            let text = serde_json::to_string_pretty(&s)
                .map_err(|e| Error::internal(format!("show as JSON: {e}")))?;
            print(&format!("{text}\n"));
        }
        ShowFormat::Text => print(&render(&s)),
    }
    Ok(Exit::Clean)
}

fn render(s: &Shown) -> String {
    let l = &s.line;
    let mut o = String::new();
    let mut put = |line: String| {
        o.push_str(&line);
        o.push('\n');
    };
    put(format!("{} {}", l.id, l.title));
    let status = match &l.cancelled {
        Some(why) => format!("{} ({why})", l.status_shown),
        None => l.status_shown.clone(),
    };
    put(format!("  {}{status}", t!("campaigns.show.status")));
    put(format!(
        "  {}{} {}",
        t!("campaigns.show.owner"),
        l.owner,
        l.owner_name
    ));
    put(format!(
        "  {}{} – {}",
        t!("campaigns.show.dates"),
        l.start,
        l.end
    ));
    if !s.objective.is_empty() {
        put(format!(
            "  {}{}",
            t!("campaigns.show.objective"),
            s.objective
        ));
    }
    if let Some(old) = &s.supersedes {
        put(format!("  {}{old}", t!("campaigns.show.supersedes")));
    }
    put(format!("  {}{}", t!("campaigns.show.file"), s.file));
    put(String::new());
    put(t!("campaigns.show.budget", total = l.budget, spent = s.spent).into_owned());
    for sp in &s.spend {
        put(format!(
            "  {:<10} {:>10} / {:>10}",
            sp.category,
            sp.spent.to_string(),
            sp.allocated.to_string()
        ));
    }
    for (name, start, end, owner) in &s.phases {
        put(format!(
            "  {}{name} {start} – {end} {owner}",
            t!("campaigns.show.phase")
        ));
    }
    put(String::new());
    put(t!("campaigns.show.chain").into_owned());
    for c in &s.chain {
        match (&c.approved_by, &c.at) {
            (Some(by), at) => put(format!(
                "  ✓ {}: {by} {} {}",
                role_label(&c.stage),
                c.approved_by_name.clone().unwrap_or_default(),
                at.clone().unwrap_or_default()
            )),
            (None, _) => put(format!(
                "  ✗ {}: {}",
                role_label(&c.stage),
                t!(
                    "campaigns.show.needs",
                    who = c.who,
                    can = c.can.join(", "),
                    id = l.id
                )
            )),
        }
    }
    for a in &s.approvals {
        let state = match (a.trusted, a.current) {
            (true, true) => t!("campaigns.show.current"),
            (true, false) => t!("campaigns.show.not_current"),
            (false, _) => t!("campaigns.show.not_trusted"),
        };
        put(format!(
            "  - {} {} {} {} ({state})",
            a.file.rsplit('/').next().unwrap_or(&a.file),
            decision_label(a.decision),
            crate::approvals::acting(&a.approver, a.on_behalf_of.as_deref()),
            a.at.clone().unwrap_or_default()
        ));
    }
    put(String::new());
    put(t!("campaigns.show.deadlines").into_owned());
    if s.deadlines.is_empty() {
        put("  —".to_string());
    }
    for d in &s.deadlines {
        put(format!(
            "  {} {} ({})",
            d.due,
            d.what_shown,
            super::status::days_text(d.days_left)
        ));
    }
    put(String::new());
    put(t!("campaigns.show.findings").into_owned());
    if s.findings.is_empty() {
        put("  —".to_string());
    }
    for f in &s.findings {
        put(format!(
            "  {}[{}] {}:{}: {}",
            f.severity, f.code, f.file, f.line, f.message
        ));
    }
    put(String::new());
    put(t!("campaigns.show.history").into_owned());
    for h in &s.history {
        put(format!(
            "  {} {} {} {}",
            h.date, h.commit, h.author, h.subject
        ));
    }
    o
}
