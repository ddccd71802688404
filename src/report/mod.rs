//! The quarterly report (SPEC section 8): the quarter computed into typed
//! rows here, then rendered by one module per format. Nothing here prints.
//!
//! What belongs to a quarter: the campaigns that overlap it (or spent money
//! in it), superseded versions left out and cancelled ones shown as such;
//! spend rows and meetings dated inside it. Amounts to date and KPI totals
//! are as of `as_of` (--today), so a report can be reproduced later.

pub mod attribution;
pub mod csv;
pub mod grid;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
pub mod status;
pub mod table;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::diag::Severity;
use crate::model::{ApprovalDecision, Campaign, Money, Quarter};
use crate::repo::{CampaignDir, Record, Repo};
use crate::rules;
use crate::view::View;

pub use attribution::{CampaignAttribution, ChannelCredit, Credit, Model};
pub use status::{Status, campaign_status};

/// The quarter, computed.
#[derive(Debug, Clone)]
pub struct QuarterReport {
    pub quarter: Quarter,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// The day amounts "to date", statuses and overdue decisions are as of.
    pub as_of: NaiveDate,
    pub campaigns: Vec<CampaignRow>,
    pub totals: Totals,
    pub channels: Vec<ChannelRow>,
    pub approvals: Vec<ApprovalRow>,
    pub meetings: Vec<MeetingRow>,
    pub decisions: Vec<DecisionRow>,
    /// Lint findings that touch the quarter, counted by rule.
    pub findings: Vec<FindingRow>,
    /// What the report itself could not read (malformed touchpoints rows).
    pub problems: Vec<Problem>,
    pub attribution: Vec<CampaignAttribution>,
}

#[derive(Debug, Clone)]
pub struct CampaignRow {
    pub id: String,
    pub title: String,
    pub owner: String,
    /// The owner's name from team.toml, or the id when unknown.
    pub owner_name: String,
    pub status: Status,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub emergency: bool,
    pub budget: Money,
    /// The reserve (弹性预算) as allocated.
    pub reserve: Money,
    pub spent_in_quarter: Money,
    pub spent_to_date: Money,
    /// Spend above each category's allocation, summed (spend booked to
    /// `reserve` itself counts whole).
    pub reserve_used: Money,
    pub has_results: bool,
    /// (revenue − spend to date) / spend to date.
    pub roi: Option<Decimal>,
    pub ctr: Option<Decimal>,
    pub conversion_rate: Option<Decimal>,
    /// Spend to date / conversions, rounded to the fen.
    pub cpa: Option<Money>,
    pub kpis: Vec<KpiRow>,
    pub phases: Vec<PhaseRow>,
}

#[derive(Debug, Clone)]
pub struct PhaseRow {
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub owner: String,
}

/// A KPI against its target.
#[derive(Debug, Clone)]
pub struct KpiRow {
    pub name: &'static str,
    pub target: Option<KpiValue>,
    pub actual: Option<KpiValue>,
    /// actual / target, when both are there and the target is not zero.
    pub attainment: Option<Decimal>,
    pub state: KpiState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiValue {
    Count(u64),
    /// A fraction: 0.016 is 1.6 %.
    Ratio(Decimal),
    Money(Money),
}

impl KpiValue {
    fn as_decimal(self) -> Decimal {
        match self {
            KpiValue::Count(n) => Decimal::from(n),
            KpiValue::Ratio(r) => r,
            KpiValue::Money(m) => Decimal::from(m.fen()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiState {
    Met,
    Below,
    NoTarget,
    NoData,
}

impl KpiState {
    pub fn as_str(self) -> &'static str {
        match self {
            KpiState::Met => "met",
            KpiState::Below => "below target",
            KpiState::NoTarget => "no target",
            KpiState::NoData => "no data",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            KpiState::Met => "met",
            KpiState::Below => "below",
            KpiState::NoTarget => "no_target",
            KpiState::NoData => "no_data",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Totals {
    pub campaigns: usize,
    /// Of the campaigns not cancelled.
    pub budget: Money,
    pub spent_in_quarter: Money,
    pub spent_to_date: Money,
    pub reserve_used: Money,
}

/// One channel across the quarter's campaigns. Conversions and revenue are
/// the campaigns' `channel_kpi` totals, so CPA and ROI set them against
/// spend to date of the campaigns that report them.
#[derive(Debug, Clone)]
pub struct ChannelRow {
    pub channel: String,
    pub spent_in_quarter: Money,
    pub spent_to_date: Money,
    pub conversions: Option<u64>,
    pub revenue: Option<Money>,
    pub cpa: Option<Money>,
    pub roi: Option<Decimal>,
}

#[derive(Debug, Clone)]
pub struct ApprovalRow {
    pub campaign: String,
    pub path: String,
    pub subject: String,
    pub stage: String,
    pub decision: ApprovalDecision,
    pub approver: String,
    pub approver_name: String,
    pub at: DateTime<FixedOffset>,
    pub amount: Option<Money>,
    /// The signature check's verdict (`ok`, or the first problem).
    pub verdict: Option<String>,
}

/// Meetings of one kind held in the quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRow {
    pub kind: String,
    pub held: usize,
    /// Minutes committed within `deadlines.minutes_within_hours`.
    pub on_time: usize,
    pub late: usize,
}

/// Decisions (决议) of the quarter's meetings, by owner (责任人).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRow {
    /// Empty when the decision names no owner.
    pub owner: String,
    pub owner_name: String,
    pub decisions: usize,
    pub done: usize,
    pub open: usize,
    /// Open and past due as of `as_of`.
    pub overdue: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRow {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub count: usize,
}

/// Something the report could not read, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// The sections of the report, in order (also the csv tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Section {
    Campaigns,
    Kpis,
    Channels,
    Approvals,
    Meetings,
    Decisions,
    Findings,
    Attribution,
}

/// Computes the quarter as of `today` (`now`: the end of that day, or the
/// clock), from the repository as loaded.
pub fn compute(
    repo: &Repo,
    quarter: Quarter,
    today: NaiveDate,
    now: DateTime<FixedOffset>,
) -> QuarterReport {
    let ctx = View::new(repo, today, now);
    let (first, last) = (quarter.first_day(), quarter.last_day());
    let in_quarter = |d: NaiveDate| first <= d && d <= last && d <= today;

    let mut dirs: Vec<(&CampaignDir, &Record<Campaign>)> = repo
        .campaigns()
        .filter(|(_, c)| !ctx.is_superseded(&c.value.id))
        .filter(|(dir, c)| {
            let v = &c.value;
            let overlaps = v.start.0 <= last && v.end.0 >= first;
            let spent_here = dir
                .results
                .as_ref()
                .is_some_and(|r| r.value.spend.iter().any(|s| in_quarter(s.date.0)));
            overlaps || spent_here
        })
        .collect();
    dirs.sort_by(|a, b| (a.1.value.start, &a.1.value.id).cmp(&(b.1.value.start, &b.1.value.id)));

    let mut campaigns = Vec::new();
    let mut channels = ChannelAcc::default();
    let mut problems = Vec::new();
    let mut attribution = Vec::new();
    for (dir, c) in &dirs {
        campaigns.push(campaign_row(
            &ctx,
            dir,
            &c.value,
            &in_quarter,
            &mut channels,
        ));
        if let Some(path) = &dir.touchpoints {
            let text = repo.texts.get(path).map(String::as_str).unwrap_or("");
            let a = attribution::attribute(&c.value.id, path, text, repo.policy.zone());
            problems.extend(a.problems.iter().cloned());
            attribution.push(a);
        }
    }
    let totals = Totals {
        campaigns: campaigns.len(),
        budget: campaigns
            .iter()
            .filter(|c| !matches!(c.status, Status::Cancelled { .. }))
            .map(|c| c.budget)
            .sum(),
        spent_in_quarter: campaigns.iter().map(|c| c.spent_in_quarter).sum(),
        spent_to_date: campaigns.iter().map(|c| c.spent_to_date).sum(),
        reserve_used: campaigns.iter().map(|c| c.reserve_used).sum(),
    };

    let folders: BTreeSet<&str> = dirs.iter().map(|(d, _)| d.folder.as_str()).collect();
    QuarterReport {
        quarter,
        first_day: first,
        last_day: last,
        as_of: today,
        campaigns,
        totals,
        channels: channels.rows(),
        approvals: approvals(&ctx, quarter, now),
        meetings: meetings(&ctx, quarter),
        decisions: decisions(&ctx, quarter),
        findings: findings(&ctx, quarter, &folders),
        problems,
        attribution,
    }
}

/// A person's name from team.toml, or the id itself.
fn name_of(repo: &Repo, id: &str) -> String {
    repo.team
        .person(id)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| id.to_string())
}

fn campaign_row(
    ctx: &View,
    dir: &CampaignDir,
    v: &Campaign,
    in_quarter: &dyn Fn(NaiveDate) -> bool,
    channels: &mut ChannelAcc,
) -> CampaignRow {
    let today = ctx.today;
    let results = dir.results.as_ref().map(|r| &r.value);
    let spend: Vec<_> = results
        .map(|r| r.spend.iter().filter(|s| s.date.0 <= today).collect())
        .unwrap_or_default();
    let spent_to_date: Money = spend.iter().map(|s| s.amount).sum();
    let spent_in_quarter: Money = spend
        .iter()
        .filter(|s| in_quarter(s.date.0))
        .map(|s| s.amount)
        .sum();

    let mut by_category: BTreeMap<&str, Money> = BTreeMap::new();
    for s in &spend {
        let spent = by_category.entry(s.category.as_str()).or_default();
        *spent = *spent + s.amount;
    }
    let reserve_used: Money = by_category
        .iter()
        .map(|(cat, spent)| {
            let allowed = if *cat == "reserve" {
                Money::ZERO
            } else {
                v.budget.allocation.get(*cat).copied().unwrap_or_default()
            };
            if *spent > allowed {
                *spent - allowed
            } else {
                Money::ZERO
            }
        })
        .sum();

    let kpi = results.map(|r| r.kpi.clone()).unwrap_or_default();
    let roi = kpi.revenue.and_then(|rev| roi(rev, spent_to_date));
    let ctr = ratio(kpi.clicks, kpi.exposure);
    let conversion_rate = ratio(kpi.conversions, kpi.clicks);
    let cpa = kpi.conversions.and_then(|n| cpa(spent_to_date, n));

    let t = &v.targets;
    let count = |x: Option<u64>| x.map(KpiValue::Count);
    let rat = |x: Option<Decimal>| x.map(KpiValue::Ratio);
    let kpis = [
        ("exposure", count(t.exposure), count(kpi.exposure)),
        ("clicks", count(t.clicks), count(kpi.clicks)),
        ("ctr", rat(t.ctr.map(|r| r.0)), rat(ctr)),
        ("conversions", count(t.conversions), count(kpi.conversions)),
        (
            "conversion_rate",
            rat(t.conversion_rate.map(|r| r.0)),
            rat(conversion_rate),
        ),
        (
            "revenue",
            t.revenue.map(KpiValue::Money),
            kpi.revenue.map(KpiValue::Money),
        ),
        ("roi", rat(t.roi.map(|r| r.0)), rat(roi)),
        ("new_users", count(t.new_users), count(kpi.new_users)),
        (
            "repurchase_rate",
            rat(t.repurchase_rate.map(|r| r.0)),
            rat(kpi.repurchase_rate.map(|r| r.0)),
        ),
    ]
    .into_iter()
    .filter(|(_, target, actual)| target.is_some() || actual.is_some())
    .map(|(name, target, actual)| kpi_row(name, target, actual))
    .collect();

    if let Some(r) = results {
        channels.add(r, today, in_quarter);
    }

    CampaignRow {
        id: v.id.clone(),
        title: v.title.clone(),
        owner: v.owner.clone(),
        owner_name: name_of(ctx.repo, &v.owner),
        status: campaign_status(ctx, v),
        start: v.start.0,
        end: v.end.0,
        emergency: v.emergency,
        budget: v.budget.total,
        reserve: v.budget.reserve(),
        spent_in_quarter,
        spent_to_date,
        reserve_used,
        has_results: results.is_some(),
        roi,
        ctr,
        conversion_rate,
        cpa,
        kpis,
        phases: v
            .phases
            .iter()
            .map(|p| PhaseRow {
                name: p.name.clone(),
                start: p.start.0,
                end: p.end.0,
                owner: p.owner.clone(),
            })
            .collect(),
    }
}

fn kpi_row(name: &'static str, target: Option<KpiValue>, actual: Option<KpiValue>) -> KpiRow {
    let (state, attainment) = match (target, actual) {
        (_, None) => (KpiState::NoData, None),
        (None, Some(_)) => (KpiState::NoTarget, None),
        (Some(t), Some(a)) => {
            let (t, a) = (t.as_decimal(), a.as_decimal());
            let state = if a >= t {
                KpiState::Met
            } else {
                KpiState::Below
            };
            (state, a.checked_div(t).filter(|_| !t.is_zero()))
        }
    };
    KpiRow {
        name,
        target,
        actual,
        attainment,
        state,
    }
}

/// How an approval file's decision reads: `approve`, `reject`, `sign-off`.
pub fn decision_word(d: ApprovalDecision) -> &'static str {
    match d {
        ApprovalDecision::Approve => "approve",
        ApprovalDecision::Reject => "reject",
        ApprovalDecision::SignOff => "sign-off",
    }
}

/// part / whole, when whole is known and not zero.
pub fn ratio(part: Option<u64>, whole: Option<u64>) -> Option<Decimal> {
    match (part, whole) {
        (Some(p), Some(w)) if w > 0 => Decimal::from(p).checked_div(Decimal::from(w)),
        _ => None,
    }
}

/// (revenue − spend) / spend; none without spend.
pub fn roi(revenue: Money, spend: Money) -> Option<Decimal> {
    if spend.fen() <= 0 {
        return None;
    }
    let s = Decimal::from(spend.fen());
    (Decimal::from(revenue.fen()) - s).checked_div(s)
}

/// spend / conversions, rounded to the fen; none without conversions.
pub fn cpa(spend: Money, conversions: u64) -> Option<Money> {
    if conversions == 0 {
        return None;
    }
    let fen = Decimal::from(spend.fen()).checked_div(Decimal::from(conversions))?;
    let fen = fen.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    i64::try_from(fen).ok().map(Money)
}

/// Per-channel sums while the campaigns are walked. For CPA and ROI, spend
/// counts only from campaigns that report that channel's conversions
/// (revenue), so the two sides of each ratio cover the same campaigns.
#[derive(Default)]
struct ChannelAcc {
    rows: BTreeMap<String, ChannelSums>,
}

#[derive(Default)]
struct ChannelSums {
    in_quarter: Money,
    to_date: Money,
    conversions: Option<u64>,
    conversion_spend: Money,
    revenue: Option<Money>,
    revenue_spend: Money,
}

impl ChannelAcc {
    fn add(
        &mut self,
        r: &crate::model::Results,
        today: NaiveDate,
        in_quarter: &dyn Fn(NaiveDate) -> bool,
    ) {
        let mut to_date: BTreeMap<&str, Money> = BTreeMap::new();
        for s in r.spend.iter().filter(|s| !s.channel.trim().is_empty()) {
            if s.date.0 > today {
                continue;
            }
            let ch = s.channel.trim();
            let e = self.rows.entry(ch.to_string()).or_default();
            e.to_date = e.to_date + s.amount;
            if in_quarter(s.date.0) {
                e.in_quarter = e.in_quarter + s.amount;
            }
            let spent = to_date.entry(ch).or_default();
            *spent = *spent + s.amount;
        }
        for k in &r.channel_kpi {
            let ch = k.channel.trim();
            let spent = to_date.get(ch).copied().unwrap_or_default();
            let e = self.rows.entry(ch.to_string()).or_default();
            if let Some(n) = k.conversions {
                e.conversions = Some(e.conversions.unwrap_or(0).saturating_add(n));
                e.conversion_spend = e.conversion_spend + spent;
            }
            if let Some(rev) = k.revenue {
                e.revenue = Some(e.revenue.unwrap_or_default() + rev);
                e.revenue_spend = e.revenue_spend + spent;
            }
        }
    }

    fn rows(self) -> Vec<ChannelRow> {
        let mut rows: Vec<ChannelRow> = self
            .rows
            .into_iter()
            .map(|(channel, s)| ChannelRow {
                channel,
                spent_in_quarter: s.in_quarter,
                spent_to_date: s.to_date,
                conversions: s.conversions,
                revenue: s.revenue,
                cpa: s.conversions.and_then(|n| cpa(s.conversion_spend, n)),
                roi: s.revenue.and_then(|rev| roi(rev, s.revenue_spend)),
            })
            .collect();
        // Biggest spend first; the name breaks ties so the order is stable.
        rows.sort_by(|a, b| {
            b.spent_in_quarter
                .cmp(&a.spent_in_quarter)
                .then(b.spent_to_date.cmp(&a.spent_to_date))
                .then(a.channel.cmp(&b.channel))
        });
        rows
    }
}

/// Approvals and sign-offs dated in the quarter and committed by `now`.
fn approvals(ctx: &View, quarter: Quarter, now: DateTime<FixedOffset>) -> Vec<ApprovalRow> {
    let repo = ctx.repo;
    let zone = repo.policy.zone();
    let mut out: Vec<ApprovalRow> = ctx
        .verification
        .approvals
        .iter()
        .filter(|c| quarter.contains(c.approval.at.date(zone)))
        .filter(|c| c.time.is_none_or(|t| t <= now))
        .map(|c| {
            let v = &c.approval;
            ApprovalRow {
                // The campaign, or for department sign-offs the subject itself.
                campaign: c
                    .path
                    .strip_prefix("campaigns/")
                    .and_then(|p| p.split('/').next())
                    .unwrap_or(&v.subject)
                    .to_string(),
                path: c.path.clone(),
                subject: v.subject.clone(),
                stage: v.stage.clone(),
                decision: v.decision,
                approver: v.approver.clone(),
                approver_name: name_of(repo, &v.approver),
                at: v.at.resolve(zone),
                amount: v.amount,
                verdict: Some(rules::verdict(c)),
            }
        })
        .collect();
    out.sort_by(|a, b| (a.at, &a.path).cmp(&(b.at, &b.path)));
    out
}

/// Every minutes file (campaign and department) held in the quarter, up to now.
fn held_in<'a>(
    ctx: &'a View,
    quarter: Quarter,
) -> impl Iterator<Item = &'a Record<crate::model::Minutes>> + 'a {
    let zone = ctx.policy.zone();
    ctx.repo
        .campaigns
        .values()
        .flat_map(|d| d.minutes.iter())
        .chain(ctx.repo.dept_minutes.iter())
        .filter(move |m| {
            let held = m.value.held_at.resolve(zone);
            quarter.contains(ctx.day_of(held)) && held <= ctx.now
        })
}

fn meetings(ctx: &View, quarter: Quarter) -> Vec<MeetingRow> {
    let mut by_kind: BTreeMap<&str, MeetingRow> = BTreeMap::new();
    for m in held_in(ctx, quarter) {
        let Some((_, on_time)) = rules::minutes_timing(ctx, m) else {
            continue;
        };
        let row = by_kind.entry(m.value.kind.as_str()).or_insert(MeetingRow {
            kind: m.value.kind.clone(),
            held: 0,
            on_time: 0,
            late: 0,
        });
        row.held += 1;
        if on_time {
            row.on_time += 1;
        } else {
            row.late += 1;
        }
    }
    // In the order policy lists the kinds, unknown kinds last.
    let order = &ctx.policy.naming.minutes_kinds;
    let mut rows: Vec<MeetingRow> = by_kind.into_values().collect();
    rows.sort_by_key(|r| {
        (
            order
                .iter()
                .position(|k| *k == r.kind)
                .unwrap_or(usize::MAX),
            r.kind.clone(),
        )
    });
    rows
}

fn decisions(ctx: &View, quarter: Quarter) -> Vec<DecisionRow> {
    let mut by_owner: BTreeMap<String, DecisionRow> = BTreeMap::new();
    for m in held_in(ctx, quarter) {
        for d in &m.value.decisions {
            let owner = d.owner.as_deref().unwrap_or("").trim().to_string();
            let row = by_owner
                .entry(owner.clone())
                .or_insert_with(|| DecisionRow {
                    owner_name: if owner.is_empty() {
                        String::new()
                    } else {
                        name_of(ctx.repo, &owner)
                    },
                    owner,
                    decisions: 0,
                    done: 0,
                    open: 0,
                    overdue: 0,
                });
            row.decisions += 1;
            if d.done {
                row.done += 1;
            } else {
                row.open += 1;
                if d.due.is_some_and(|due| due.0 < ctx.today) {
                    row.overdue += 1;
                }
            }
        }
    }
    by_owner.into_values().collect()
}

/// Lint findings about the quarter: in the files of its campaigns, its
/// meetings, incidents and report, and the repository-wide files.
fn findings(ctx: &View, quarter: Quarter, folders: &BTreeSet<&str>) -> Vec<FindingRow> {
    let zone = ctx.policy.zone();
    let mut files: BTreeSet<String> = held_in(ctx, quarter).map(|m| m.path.clone()).collect();
    files.extend(
        ctx.repo
            .incidents
            .iter()
            .filter(|i| quarter.contains(i.value.detected_at.date(zone)))
            .map(|i| i.path.clone()),
    );
    files.insert(format!("reports/{quarter}.md"));
    files.insert("policy.toml".to_string());
    files.insert("team.toml".to_string());
    let touches = |file: &str| {
        files.contains(file)
            || file
                .strip_prefix("campaigns/")
                .and_then(|rest| rest.split('/').next())
                .is_some_and(|folder| folders.contains(folder))
    };
    let mut by_rule: BTreeMap<&'static str, FindingRow> = BTreeMap::new();
    for d in rules::check(ctx) {
        if !touches(&d.at.file) {
            continue;
        }
        let row = by_rule.entry(d.rule.code).or_insert_with(|| FindingRow {
            code: d.rule.code,
            name: d.rule_name(),
            severity: d.severity,
            count: 0,
        });
        row.count += 1;
        // A rule that found an error here is listed as an error.
        row.severity = row.severity.min(d.severity);
    }
    by_rule.into_values().collect()
}
