//! The report as tables of text for people, shared by the table, markdown
//! and html renderers so that all three say the same thing the same way.

use super::human::{count, credit, fen_decimal, kpi_value, money, opt_money, opt_percent, percent};
use crate::report::{CampaignAttribution, KpiState, Model, QuarterReport, Section};

/// One table: a title, a header, rows of cells, which columns are numbers
/// (right-aligned), what to say when there are no rows, and notes under it.
#[derive(Debug, Clone)]
pub struct Grid {
    pub section: Section,
    pub title: String,
    pub header: Vec<&'static str>,
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
    pub empty: String,
    pub notes: Vec<String>,
    /// The last row sums the others.
    pub total: bool,
}

impl Grid {
    fn new(section: Section, title: impl Into<String>, columns: &[(&'static str, bool)]) -> Grid {
        Grid {
            section,
            title: title.into(),
            header: columns.iter().map(|c| c.0).collect(),
            numeric: columns.iter().map(|c| c.1).collect(),
            rows: Vec::new(),
            empty: String::new(),
            notes: Vec::new(),
            total: false,
        }
    }

    fn empty(mut self, text: impl Into<String>) -> Grid {
        self.empty = text.into();
        self
    }
}

/// One line that sums the quarter up.
pub fn summary(r: &QuarterReport) -> String {
    let t = &r.totals;
    let period = format!("{} – {}", r.first_day, r.last_day);
    if t.campaigns == 0 {
        return format!(
            "{period}, as of {}: no campaigns ran this quarter.",
            r.as_of
        );
    }
    let noun = if t.campaigns == 1 {
        "campaign"
    } else {
        "campaigns"
    };
    format!(
        "{period}, as of {}: {} {noun}, budget {} yuan, spent {} in the quarter ({} to date), reserve used {}.",
        r.as_of,
        t.campaigns,
        money(t.budget),
        money(t.spent_in_quarter),
        money(t.spent_to_date),
        money(t.reserve_used),
    )
}

/// The title of the report.
pub fn title(r: &QuarterReport) -> String {
    format!("{} quarterly report 季度报告", r.quarter)
}

pub fn grids(r: &QuarterReport) -> Vec<Grid> {
    let q = r.quarter;
    let mut out = Vec::new();

    let mut g = Grid::new(
        Section::Campaigns,
        "Campaigns 项目",
        &[
            ("campaign", false),
            ("status", false),
            ("owner", false),
            ("budget", true),
            ("spent in quarter", true),
            ("spent to date", true),
            ("reserve used", true),
            ("ROI", true),
        ],
    )
    .empty(format!("No campaign ran in {q}."));
    for c in &r.campaigns {
        let mut name = c.id.clone();
        if c.emergency {
            name.push_str(" (emergency)");
        }
        g.rows.push(vec![
            name,
            c.status.label(),
            c.owner_name.clone(),
            money(c.budget),
            money(c.spent_in_quarter),
            money(c.spent_to_date),
            money(c.reserve_used),
            opt_percent(c.roi, "no data"),
        ]);
    }
    for c in &r.campaigns {
        if let crate::report::Status::Cancelled { reason } = &c.status {
            g.notes.push(format!("{} was cancelled: {reason}", c.id));
        }
    }
    if r.campaigns
        .iter()
        .any(|c| matches!(c.status, crate::report::Status::Cancelled { .. }))
    {
        g.notes
            .push("The total budget leaves cancelled campaigns out.".to_string());
    }
    if r.campaigns.len() > 1 {
        let t = &r.totals;
        g.rows.push(vec![
            "total".to_string(),
            String::new(),
            String::new(),
            money(t.budget),
            money(t.spent_in_quarter),
            money(t.spent_to_date),
            money(t.reserve_used),
            String::new(),
        ]);
        g.total = true;
    }
    out.push(g);
    let quiet = r.campaigns.is_empty();

    let mut g = Grid::new(
        Section::Kpis,
        "KPIs against targets 目标达成",
        &[
            ("campaign", false),
            ("KPI", false),
            ("target", true),
            ("actual", true),
            ("attainment", true),
            ("result", false),
        ],
    )
    .empty("No KPIs: no campaign has targets or results.");
    let active = r
        .campaigns
        .iter()
        .filter(|c| !matches!(c.status, crate::report::Status::Cancelled { .. }));
    for c in active {
        for k in &c.kpis {
            let target = match k.state {
                KpiState::NoTarget => "no target".to_string(),
                _ => kpi_value(k.target),
            };
            let actual = match k.state {
                KpiState::NoData => "no data".to_string(),
                _ => kpi_value(k.actual),
            };
            g.rows.push(vec![
                c.id.clone(),
                kpi_label(k.name).to_string(),
                target,
                actual,
                opt_percent(k.attainment, "—"),
                k.state.as_str().to_string(),
            ]);
        }
    }
    let no_results: Vec<&str> = r
        .campaigns
        .iter()
        .filter(|c| !c.has_results && !matches!(c.status, crate::report::Status::Cancelled { .. }))
        .map(|c| c.id.as_str())
        .collect();
    if !no_results.is_empty() {
        g.notes
            .push(format!("No results.toml yet: {}.", no_results.join(", ")));
    }
    if !quiet {
        out.push(g);
    }

    let mut g = Grid::new(
        Section::Channels,
        "Channels 渠道",
        &[
            ("channel", false),
            ("spent in quarter", true),
            ("spent to date", true),
            ("conversions", true),
            ("revenue", true),
            ("CPA", true),
            ("ROI", true),
        ],
    )
    .empty("No spend on a channel.");
    for c in &r.channels {
        g.rows.push(vec![
            c.channel.clone(),
            money(c.spent_in_quarter),
            money(c.spent_to_date),
            c.conversions.map(count).unwrap_or_else(|| "no data".into()),
            opt_money(c.revenue, "no data"),
            opt_money(c.cpa, "no data"),
            opt_percent(c.roi, "no data"),
        ]);
    }
    if !r.channels.is_empty() {
        g.notes.push(
            "Conversions and revenue are the campaigns' channel totals to date; CPA and ROI set them against spend to date."
                .to_string(),
        );
    }
    if !quiet {
        out.push(g);
    }

    let mut g = Grid::new(
        Section::Approvals,
        "Approvals 审批",
        &[
            ("when", false),
            ("campaign", false),
            ("stage", false),
            ("decision", false),
            ("approver", false),
            ("amount", true),
            ("verified", false),
        ],
    )
    .empty(format!("No approvals were recorded in {q}."));
    for a in &r.approvals {
        g.rows.push(vec![
            a.at.format("%Y-%m-%d %H:%M").to_string(),
            a.campaign.clone(),
            a.stage.clone(),
            crate::report::decision_word(a.decision).to_string(),
            a.approver_name.clone(),
            opt_money(a.amount, ""),
            a.verdict.clone().unwrap_or_else(|| "—".to_string()),
        ]);
    }
    out.push(g);

    let mut g = Grid::new(
        Section::Meetings,
        "Meetings 会议",
        &[
            ("kind", false),
            ("held", true),
            ("minutes on time", true),
            ("late", true),
        ],
    )
    .empty(format!("No meetings were held in {q}."));
    for m in &r.meetings {
        g.rows.push(vec![
            m.kind.clone(),
            m.held.to_string(),
            m.on_time.to_string(),
            m.late.to_string(),
        ]);
    }
    if r.meetings.len() > 1 {
        let sum =
            |f: fn(&crate::report::MeetingRow) -> usize| r.meetings.iter().map(f).sum::<usize>();
        g.rows.push(vec![
            "total".to_string(),
            sum(|m| m.held).to_string(),
            sum(|m| m.on_time).to_string(),
            sum(|m| m.late).to_string(),
        ]);
        g.total = true;
    }
    out.push(g);

    let mut g = Grid::new(
        Section::Decisions,
        "Decisions 决议",
        &[
            ("owner", false),
            ("decisions", true),
            ("done", true),
            ("open", true),
            ("overdue", true),
        ],
    )
    .empty(format!("The meetings of {q} recorded no decisions."));
    for d in &r.decisions {
        let who = if d.owner.is_empty() {
            "(no owner)".to_string()
        } else {
            d.owner_name.clone()
        };
        g.rows.push(vec![
            who,
            d.decisions.to_string(),
            d.done.to_string(),
            d.open.to_string(),
            d.overdue.to_string(),
        ]);
    }
    out.push(g);

    let mut g = Grid::new(
        Section::Findings,
        "Lint findings 检查结果",
        &[
            ("code", false),
            ("rule", false),
            ("severity", false),
            ("count", true),
        ],
    )
    .empty(format!("No lint findings touch {q}."));
    for f in &r.findings {
        g.rows.push(vec![
            f.code.to_string(),
            f.name.to_string(),
            f.severity.as_str().to_string(),
            f.shown(),
        ]);
    }
    if !r.findings.is_empty() {
        g.notes
            .push("`mkt lint` shows each finding with its fix.".to_string());
    }
    for p in &r.problems {
        g.notes
            .push(format!("{}:{}: {}", p.file, p.line, p.message));
    }
    out.push(g);

    if r.attribution.is_empty() && !r.campaigns.is_empty() {
        out.push(
            Grid::new(Section::Attribution, "Attribution 归因", &[])
                .empty("No campaign of the quarter has a touchpoints.csv."),
        );
    }
    for a in &r.attribution {
        out.push(attribution(a, &Model::ALL));
    }
    out
}

/// One campaign's attribution as a grid, for the given models.
pub fn attribution(a: &CampaignAttribution, models: &[Model]) -> Grid {
    let mut columns: Vec<(&'static str, bool)> = vec![("channel", false), ("touches", true)];
    for m in models {
        columns.extend(match m {
            Model::First => [("first-touch conv.", true), ("first-touch value", true)],
            Model::Last => [("last-touch conv.", true), ("last-touch value", true)],
            Model::Linear => [("linear conv.", true), ("linear value", true)],
        });
    }
    let noun = if a.conversions == 1 {
        "conversion"
    } else {
        "conversions"
    };
    let mut g = Grid::new(
        Section::Attribution,
        format!(
            "Attribution 归因: {} ({} {noun}, value {})",
            a.campaign,
            a.conversions,
            money(a.value)
        ),
        &columns,
    )
    .empty(format!("{} has no conversion that could be read.", a.file));
    for c in &a.channels {
        let mut row = vec![c.channel.clone(), c.touches.to_string()];
        for m in models {
            let cr = c.credit(*m);
            row.push(credit(cr.conversions));
            row.push(fen_decimal(cr.value_fen));
        }
        g.rows.push(row);
    }
    if !a.problems.is_empty() {
        g.notes.push(format!(
            "{} row(s) of {} could not be read; see the findings.",
            a.problems.len(),
            a.file
        ));
    }
    g
}

pub fn kpi_label(name: &str) -> &str {
    match name {
        "ctr" => "CTR",
        "conversion_rate" => "conversion rate",
        "roi" => "ROI",
        "new_users" => "new users",
        "repurchase_rate" => "repurchase rate",
        other => other,
    }
}

/// A ratio for the charts' labels.
pub fn share(part: crate::model::Money, whole: crate::model::Money) -> String {
    if whole.fen() == 0 {
        return String::new();
    }
    let r = rust_decimal::Decimal::from(part.fen()) / rust_decimal::Decimal::from(whole.fen());
    percent(r)
}
