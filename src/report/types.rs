//! The quarter as computed: typed rows that every renderer reads.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;

use crate::diag::Severity;
use crate::model::{ApprovalDecision, Money, Quarter};

use super::{CampaignAttribution, Status};

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
    pub(crate) fn as_decimal(self) -> Decimal {
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
    /// The policy version it was judged by (`Verification::policy_label`).
    pub policy: String,
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
    /// Of `count`, how many are waived (`mkt waive`).
    pub waived: usize,
}

impl FindingRow {
    /// The count as a person reads it: `3`, or `3 (1 waived)`.
    pub fn shown(&self) -> String {
        match self.waived {
            0 => self.count.to_string(),
            w => format!("{} ({w} waived)", self.count),
        }
    }
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
