//! The report as tables of text for people, shared by the table, markdown
//! and html renderers so that all three say the same thing the same way.

use rust_i18n::t;

use super::human::{count, credit, fen_decimal, kpi_value, money, opt_money, opt_percent, percent};
use crate::report::{CampaignAttribution, KpiState, Model, QuarterReport, Section};

/// One table: a title, a header, rows of cells, which columns are numbers
/// (right-aligned), what to say when there are no rows, and notes under it.
#[derive(Debug, Clone)]
pub struct Grid {
    pub section: Section,
    pub title: String,
    pub header: Vec<String>,
    pub numeric: Vec<bool>,
    /// The catalogue's word for each column (`spent_to_date`).
    pub keys: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub empty: String,
    pub notes: Vec<String>,
    /// The last row sums the others.
    pub total: bool,
}

impl Grid {
    /// `columns`: the catalogue's `report.col.*` words, and whether each is a number.
    fn new(section: Section, title: impl Into<String>, columns: &[(&str, bool)]) -> Grid {
        Grid {
            section,
            title: title.into(),
            header: columns.iter().map(|c| column(c.0)).collect(),
            numeric: columns.iter().map(|c| c.1).collect(),
            keys: columns.iter().map(|c| c.0.to_string()).collect(),
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
    let as_of = r.as_of.to_string();
    if t.campaigns == 0 {
        return t!("report.summary_none", period = period, as_of = as_of).into_owned();
    }
    let key = if t.campaigns == 1 {
        "report.summary_one"
    } else {
        "report.summary_many"
    };
    t!(
        key,
        period = period,
        as_of = as_of,
        n = t.campaigns,
        budget = money(t.budget),
        spent = money(t.spent_in_quarter),
        to_date = money(t.spent_to_date),
        reserve = money(t.reserve_used)
    )
    .into_owned()
}

/// The title of the report.
pub fn title(r: &QuarterReport) -> String {
    t!("report.title", quarter = r.quarter.to_string()).into_owned()
}

pub fn grids(r: &QuarterReport) -> Vec<Grid> {
    let q = r.quarter.to_string();
    let no_data = t!("report.no_data").into_owned();
    let mut out = Vec::new();

    let mut g = Grid::new(
        Section::Campaigns,
        t!("report.section.campaigns"),
        &[
            ("campaign", false),
            ("status", false),
            ("owner", false),
            ("budget", true),
            ("spent_in_quarter", true),
            ("spent_to_date", true),
            ("reserve_used", true),
            ("roi", true),
        ],
    )
    .empty(t!("report.empty.campaigns", quarter = q));
    for c in &r.campaigns {
        let name = if c.emergency {
            t!("report.emergency", id = c.id).into_owned()
        } else {
            c.id.clone()
        };
        g.rows.push(vec![
            name,
            c.status.label(),
            c.owner_name.clone(),
            money(c.budget),
            money(c.spent_in_quarter),
            money(c.spent_to_date),
            money(c.reserve_used),
            opt_percent(c.roi, &no_data),
        ]);
    }
    for c in &r.campaigns {
        if let crate::report::Status::Cancelled { reason } = &c.status {
            g.notes
                .push(t!("report.note.cancelled", id = c.id, reason = reason).into_owned());
        }
    }
    if r.campaigns
        .iter()
        .any(|c| matches!(c.status, crate::report::Status::Cancelled { .. }))
    {
        g.notes
            .push(t!("report.note.cancelled_budget").into_owned());
    }
    if r.campaigns.len() > 1 {
        let t = &r.totals;
        g.rows.push(vec![
            t!("report.total").into_owned(),
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
        t!("report.section.kpis"),
        &[
            ("campaign", false),
            ("kpi", false),
            ("target", true),
            ("actual", true),
            ("attainment", true),
            ("result", false),
        ],
    )
    .empty(t!("report.empty.kpis"));
    let active = r
        .campaigns
        .iter()
        .filter(|c| !matches!(c.status, crate::report::Status::Cancelled { .. }));
    for c in active {
        for k in &c.kpis {
            let target = match k.state {
                KpiState::NoTarget => kpi_state(KpiState::NoTarget),
                _ => kpi_value(k.target),
            };
            let actual = match k.state {
                KpiState::NoData => kpi_state(KpiState::NoData),
                _ => kpi_value(k.actual),
            };
            g.rows.push(vec![
                c.id.clone(),
                kpi_label(k.name),
                target,
                actual,
                opt_percent(k.attainment, "—"),
                kpi_state(k.state),
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
        let list = no_results.join(&*t!("report.list_sep"));
        g.notes
            .push(t!("report.note.no_results", list = list).into_owned());
    }
    if !quiet {
        out.push(g);
    }

    let mut g = Grid::new(
        Section::Channels,
        t!("report.section.channels"),
        &[
            ("channel", false),
            ("spent_in_quarter", true),
            ("spent_to_date", true),
            ("conversions", true),
            ("revenue", true),
            ("cpa", true),
            ("roi", true),
        ],
    )
    .empty(t!("report.empty.channels"));
    for c in &r.channels {
        g.rows.push(vec![
            c.channel.clone(),
            money(c.spent_in_quarter),
            money(c.spent_to_date),
            c.conversions.map(count).unwrap_or_else(|| no_data.clone()),
            opt_money(c.revenue, &no_data),
            opt_money(c.cpa, &no_data),
            opt_percent(c.roi, &no_data),
        ]);
    }
    if !r.channels.is_empty() {
        g.notes.push(t!("report.note.channels").into_owned());
    }
    if !quiet {
        out.push(g);
    }

    let mut g = Grid::new(
        Section::Approvals,
        t!("report.section.approvals"),
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
    .empty(t!("report.empty.approvals", quarter = q));
    for a in &r.approvals {
        g.rows.push(vec![
            a.at.format("%Y-%m-%d %H:%M").to_string(),
            a.campaign.clone(),
            role_label(&a.stage),
            decision_label(a.decision),
            a.approver_name.clone(),
            opt_money(a.amount, ""),
            match a.verdict.as_deref() {
                None => "—".to_string(),
                Some("ok") => t!("report.verdict_ok").into_owned(),
                Some(v) => v.to_string(),
            },
        ]);
    }
    out.push(g);

    let mut g = Grid::new(
        Section::Meetings,
        t!("report.section.meetings"),
        &[
            ("kind", false),
            ("held", true),
            ("minutes_on_time", true),
            ("late", true),
        ],
    )
    .empty(t!("report.empty.meetings", quarter = q));
    for m in &r.meetings {
        g.rows.push(vec![
            meeting_label(&m.kind),
            m.held.to_string(),
            m.on_time.to_string(),
            m.late.to_string(),
        ]);
    }
    if r.meetings.len() > 1 {
        let sum =
            |f: fn(&crate::report::MeetingRow) -> usize| r.meetings.iter().map(f).sum::<usize>();
        g.rows.push(vec![
            t!("report.total").into_owned(),
            sum(|m| m.held).to_string(),
            sum(|m| m.on_time).to_string(),
            sum(|m| m.late).to_string(),
        ]);
        g.total = true;
    }
    out.push(g);

    let mut g = Grid::new(
        Section::Decisions,
        t!("report.section.decisions"),
        &[
            ("owner", false),
            ("decisions", true),
            ("done", true),
            ("open", true),
            ("overdue", true),
        ],
    )
    .empty(t!("report.empty.decisions", quarter = q));
    for d in &r.decisions {
        let who = if d.owner.is_empty() {
            t!("report.no_owner").into_owned()
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
        t!("report.section.findings"),
        &[
            ("code", false),
            ("rule", false),
            ("severity", false),
            ("count", true),
        ],
    )
    .empty(t!("report.empty.findings", quarter = q));
    for f in &r.findings {
        g.rows.push(vec![
            f.code.to_string(),
            f.name.to_string(),
            severity_label(f.severity),
            f.shown(),
        ]);
    }
    if !r.findings.is_empty() {
        g.notes.push(t!("report.note.lint").into_owned());
    }
    for p in &r.problems {
        g.notes
            .push(format!("{}:{}: {}", p.file, p.line, p.message));
    }
    out.push(g);

    if r.attribution.is_empty() && !r.campaigns.is_empty() {
        out.push(
            Grid::new(Section::Attribution, t!("report.section.attribution"), &[])
                .empty(t!("report.empty.attribution")),
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
            Model::First => [("first_conv", true), ("first_value", true)],
            Model::Last => [("last_conv", true), ("last_value", true)],
            Model::Linear => [("linear_conv", true), ("linear_value", true)],
        });
    }
    let key = if a.conversions == 1 {
        "report.section.attribution_one"
    } else {
        "report.section.attribution_many"
    };
    let mut g = Grid::new(
        Section::Attribution,
        t!(
            key,
            campaign = a.campaign,
            n = a.conversions,
            value = money(a.value)
        ),
        &columns,
    )
    .empty(t!("report.empty.attribution_file", file = a.file));
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
        g.notes.push(
            t!(
                "report.note.unreadable_rows",
                n = a.problems.len(),
                file = a.file
            )
            .into_owned(),
        );
    }
    g
}

pub fn kpi_label(name: &str) -> String {
    match name {
        "exposure" => t!("report.kpi.exposure"),
        "clicks" => t!("report.kpi.clicks"),
        "ctr" => t!("report.kpi.ctr"),
        "conversions" => t!("report.kpi.conversions"),
        "conversion_rate" => t!("report.kpi.conversion_rate"),
        "revenue" => t!("report.kpi.revenue"),
        "roi" => t!("report.kpi.roi"),
        "new_users" => t!("report.kpi.new_users"),
        "repurchase_rate" => t!("report.kpi.repurchase_rate"),
        other => return other.to_string(),
    }
    .into_owned()
}

/// A KPI's result for people: `met`, `below target` …
pub fn kpi_state(s: KpiState) -> String {
    match s {
        KpiState::Met => t!("report.kpi_state.met"),
        KpiState::Below => t!("report.kpi_state.below"),
        KpiState::NoTarget => t!("report.kpi_state.no_target"),
        KpiState::NoData => t!("report.kpi_state.no_data"),
    }
    .into_owned()
}

/// A column header from the catalogue (`report.col.*`).
fn column(key: &str) -> String {
    match key {
        "campaign" => t!("report.col.campaign"),
        "status" => t!("report.col.status"),
        "owner" => t!("report.col.owner"),
        "budget" => t!("report.col.budget"),
        "spent_in_quarter" => t!("report.col.spent_in_quarter"),
        "spent_to_date" => t!("report.col.spent_to_date"),
        "reserve_used" => t!("report.col.reserve_used"),
        "roi" => t!("report.col.roi"),
        "kpi" => t!("report.col.kpi"),
        "target" => t!("report.col.target"),
        "actual" => t!("report.col.actual"),
        "attainment" => t!("report.col.attainment"),
        "result" => t!("report.col.result"),
        "channel" => t!("report.col.channel"),
        "conversions" => t!("report.col.conversions"),
        "revenue" => t!("report.col.revenue"),
        "cpa" => t!("report.col.cpa"),
        "when" => t!("report.col.when"),
        "stage" => t!("report.col.stage"),
        "decision" => t!("report.col.decision"),
        "approver" => t!("report.col.approver"),
        "amount" => t!("report.col.amount"),
        "verified" => t!("report.col.verified"),
        "kind" => t!("report.col.kind"),
        "held" => t!("report.col.held"),
        "minutes_on_time" => t!("report.col.minutes_on_time"),
        "late" => t!("report.col.late"),
        "decisions" => t!("report.col.decisions"),
        "done" => t!("report.col.done"),
        "open" => t!("report.col.open"),
        "overdue" => t!("report.col.overdue"),
        "code" => t!("report.col.code"),
        "rule" => t!("report.col.rule"),
        "severity" => t!("report.col.severity"),
        "count" => t!("report.col.count"),
        "touches" => t!("report.col.touches"),
        "first_conv" => t!("report.col.first_conv"),
        "first_value" => t!("report.col.first_value"),
        "last_conv" => t!("report.col.last_conv"),
        "last_value" => t!("report.col.last_value"),
        "linear_conv" => t!("report.col.linear_conv"),
        "linear_value" => t!("report.col.linear_value"),
        other => return other.to_string(),
    }
    .into_owned()
}

/// An approval decision for people: `approve`, `reject`, `sign-off`.
pub fn decision_label(d: crate::model::ApprovalDecision) -> String {
    use crate::model::ApprovalDecision as D;
    match d {
        D::Approve => t!("report.decision.approve"),
        D::Reject => t!("report.decision.reject"),
        D::SignOff => t!("report.decision.sign_off"),
        D::Cancel => t!("report.decision.cancel"),
    }
    .into_owned()
}

/// A role (an approval stage) as policy.toml names it, for people; a role
/// the catalogue does not know is shown as named.
pub fn role_label(role: &str) -> String {
    match role {
        "director" => t!("report.role.director"),
        "supervisor" => t!("report.role.supervisor"),
        "finance" => t!("report.role.finance"),
        "legal" => t!("report.role.legal"),
        "department_head" => t!("report.role.department_head"),
        "admin" => t!("report.role.admin"),
        "ceo" => t!("report.role.ceo"),
        other => return other.to_string(),
    }
    .into_owned()
}

/// A meeting kind for people: `kickoff`, `review` …
pub fn meeting_label(kind: &str) -> String {
    match kind {
        "kickoff" => t!("report.meeting.kickoff"),
        "review" => t!("report.meeting.review"),
        "closing" => t!("report.meeting.closing"),
        "weekly" => t!("report.meeting.weekly"),
        "monthly" => t!("report.meeting.monthly"),
        "quarterly" => t!("report.meeting.quarterly"),
        "adhoc" => t!("report.meeting.adhoc"),
        other => return other.to_string(),
    }
    .into_owned()
}

/// A phase's name for people: `warm-up`, `burst`, `long-tail`, or as written.
pub fn phase_label(name: &str) -> String {
    match name {
        "warm-up" => t!("report.phase.warm_up"),
        "burst" => t!("report.phase.burst"),
        "long-tail" => t!("report.phase.long_tail"),
        other => return other.to_string(),
    }
    .into_owned()
}

/// A finding's severity for people.
pub fn severity_label(s: crate::diag::Severity) -> String {
    match s {
        crate::diag::Severity::Error => t!("report.severity.error"),
        crate::diag::Severity::Warning => t!("report.severity.warning"),
    }
    .into_owned()
}

/// A ratio for the charts' labels.
pub fn share(part: crate::model::Money, whole: crate::model::Money) -> String {
    if whole.fen() == 0 {
        return String::new();
    }
    let r = rust_decimal::Decimal::from(part.fen()) / rust_decimal::Decimal::from(whole.fen());
    percent(r)
}
