//! The policy: policy.toml, with the shipped default (the top-level
//! `policy.toml` of this project) embedded in the binary.
//!
//! A section missing from a repository's policy falls back to the built-in
//! one, so a policy written by an older mkt keeps working; inside a section
//! every key is required and unknown keys are errors.

use rust_i18n::t;
use std::sync::OnceLock;

use chrono::{Duration, FixedOffset, NaiveDate};
use serde::Deserialize;

use crate::diag::Located;
use crate::model::{Campaign, Money, parse_zone};

/// How an allocation misses its total (B001, `new-campaign`): the sum, and
/// how much over (`true`) or short (`false`) it is; `None` when exact.
pub fn allocation_gap(
    total: Money,
    parts: impl IntoIterator<Item = Money>,
) -> Option<(Money, Money, bool)> {
    let sum: Money = parts.into_iter().sum();
    match sum.cmp(&total) {
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Greater => Some((sum, sum - total, true)),
        std::cmp::Ordering::Less => Some((sum, total - sum, false)),
    }
}

/// The channels' budgets, when they sum to more than the channel
/// allocation (B001, `new-campaign`).
pub fn channels_over(
    channel_allocation: Option<Money>,
    channels: impl IntoIterator<Item = Money>,
) -> Option<(Money, Money)> {
    let alloc = channel_allocation?;
    let sum: Money = channels.into_iter().sum();
    (sum > alloc).then_some((sum, alloc))
}

/// The default policy, as shipped.
pub const DEFAULT_POLICY: &str = include_str!("../policy.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    #[serde(default = "builtin::general")]
    pub general: General,
    #[serde(default = "builtin::naming")]
    pub naming: Naming,
    #[serde(default = "builtin::deadlines")]
    pub deadlines: Deadlines,
    #[serde(default = "builtin::budget")]
    pub budget: Budget,
    #[serde(default = "builtin::approvals")]
    pub approvals: Approvals,
    #[serde(default = "builtin::content")]
    pub content: Content,
    #[serde(default = "builtin::governance")]
    pub governance: Governance,
}

/// Who may change the policy: a change to policy.toml counts only in a
/// commit signed by someone holding one of these roles (in the policy as it
/// stood before the change).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Governance {
    pub policy_signers: Vec<String>,
    /// Who may waive a finding (`mkt waive`); default: the director.
    #[serde(default = "builtin::waiver_signers")]
    pub waiver_signers: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct General {
    pub timezone: String,
    pub max_file_bytes: u64,
    /// The language mkt speaks here when the environment does not say
    /// (`zh-CN` or `en`; `MKT_LANG` and the locale come first).
    #[serde(default)]
    pub language: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Naming {
    pub name_max_chars: usize,
    pub minutes_kinds: Vec<String>,
    pub campaign_minutes_kinds: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadlines {
    pub kickoff_days_before_start: i64,
    pub review_each_quarter: bool,
    pub closing_days_after_end: i64,
    pub minutes_within_hours: i64,
    pub report_days_after_quarter: i64,
    pub incident_response_minutes: i64,
    pub incident_plan_minutes: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    pub categories: Vec<String>,
    pub reserve_min_percent: u32,
    pub reserve_max_percent: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approvals {
    pub supervisor_limit: Money,
    pub below_limit_role: String,
    pub above_limit_role: String,
    pub purchase_chain: Vec<String>,
    pub emergency_group: Vec<String>,
    pub emergency_days_after_start: i64,
    pub warn_days_before_start: i64,
    pub closing_signoff_role: String,
    pub copy_signoff_role: String,
    pub report_signoff_role: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Content {
    pub absolute_terms: Vec<String>,
    pub allow: Vec<String>,
    pub claim_words: Vec<String>,
    pub source_markers: Vec<String>,
    pub source_window_chars: usize,
    /// Words that give a claim its period (统计周期, 截至 …); a date does too.
    #[serde(default = "builtin::period_markers")]
    pub period_markers: Vec<String>,
    /// A softer wording to suggest for a banned term (C001).
    #[serde(default = "builtin::softer")]
    pub softer: std::collections::BTreeMap<String, String>,
}

/// The roles SPEC section 4.6 names; a policy may only refer to these.
pub const ROLES: &[&str] = &[
    "specialist",
    "supervisor",
    "director",
    "finance",
    "ceo",
    "legal",
    "department_head",
    "admin",
];

/// The working groups of SPEC section 4.6.
pub const GROUPS: &[&str] = &["content", "channel", "data"];

/// A policy that cannot be used: where, and why.
#[derive(Debug, Clone)]
pub struct PolicyError {
    pub at: Located,
    pub message: String,
}

impl Policy {
    /// The shipped default.
    pub fn builtin() -> &'static Policy {
        static BUILTIN: OnceLock<Policy> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Policy::parse(DEFAULT_POLICY, "policy.toml")
                .unwrap_or_else(|e| panic!("the built-in policy is invalid: {}", e.message))
        })
    }

    /// Parses and checks a policy file's text; `file` is the name used in errors.
    pub fn parse(text: &str, file: &str) -> Result<Policy, PolicyError> {
        let doc = crate::source::SourceDoc::parse(file, text).map_err(|d| PolicyError {
            at: d.at,
            message: d.message,
        })?;
        let policy: Policy = doc.deserialize().map_err(|d| PolicyError {
            at: d.at,
            message: d.message,
        })?;
        policy.check(&doc)?;
        Ok(policy)
    }

    fn check(&self, doc: &crate::source::SourceDoc) -> Result<(), PolicyError> {
        let fail = |path: &[&str], message: String| PolicyError {
            at: doc.locate(path),
            message,
        };
        if parse_zone(&self.general.timezone).is_none() {
            return Err(fail(
                &["general", "timezone"],
                t!("policy.timezone", zone = self.general.timezone).into_owned(),
            ));
        }
        let d = &self.deadlines;
        let a = &self.approvals;
        let ranges: [(&[&str], i64, i64); 9] = [
            (
                &["deadlines", "kickoff_days_before_start"],
                d.kickoff_days_before_start,
                3650,
            ),
            (
                &["deadlines", "closing_days_after_end"],
                d.closing_days_after_end,
                3650,
            ),
            (
                &["deadlines", "minutes_within_hours"],
                d.minutes_within_hours,
                24 * 3650,
            ),
            (
                &["deadlines", "report_days_after_quarter"],
                d.report_days_after_quarter,
                3650,
            ),
            (
                &["deadlines", "incident_response_minutes"],
                d.incident_response_minutes,
                60 * 24 * 365,
            ),
            (
                &["deadlines", "incident_plan_minutes"],
                d.incident_plan_minutes,
                60 * 24 * 365,
            ),
            (
                &["approvals", "emergency_days_after_start"],
                a.emergency_days_after_start,
                3650,
            ),
            (
                &["approvals", "warn_days_before_start"],
                a.warn_days_before_start,
                3650,
            ),
            (
                &["general", "max_file_bytes"],
                i64::try_from(self.general.max_file_bytes).unwrap_or(i64::MAX),
                1 << 30,
            ),
        ];
        for (path, value, max) in ranges {
            if !(0..=max).contains(&value) {
                return Err(fail(
                    path,
                    t!("policy.out_of_range", value = value, max = max).into_owned(),
                ));
            }
        }
        if a.supervisor_limit.fen() < 0 {
            return Err(fail(
                &["approvals", "supervisor_limit"],
                t!("policy.negative_limit").into_owned(),
            ));
        }
        let b = &self.budget;
        // Blame the key that is wrong: a max over 100, else a min over 100
        // or over the max.
        let (min, max) = (b.reserve_min_percent, b.reserve_max_percent);
        let wrong = if max > 100 {
            Some("reserve_max_percent")
        } else if min > max {
            Some("reserve_min_percent")
        } else {
            None
        };
        if let Some(key) = wrong {
            return Err(fail(
                &["budget", key],
                t!("policy.reserve_range", min = min, max = max).into_owned(),
            ));
        }
        let roles = [
            (
                &["approvals", "below_limit_role"][..],
                vec![&a.below_limit_role],
            ),
            (
                &["approvals", "above_limit_role"][..],
                vec![&a.above_limit_role],
            ),
            (
                &["approvals", "purchase_chain"][..],
                a.purchase_chain.iter().collect(),
            ),
            (
                &["approvals", "emergency_group"][..],
                a.emergency_group.iter().collect(),
            ),
            (
                &["approvals", "closing_signoff_role"][..],
                vec![&a.closing_signoff_role],
            ),
            (
                &["approvals", "copy_signoff_role"][..],
                vec![&a.copy_signoff_role],
            ),
            (
                &["approvals", "report_signoff_role"][..],
                vec![&a.report_signoff_role],
            ),
            (
                &["governance", "policy_signers"][..],
                self.governance.policy_signers.iter().collect(),
            ),
            (
                &["governance", "waiver_signers"][..],
                self.governance.waiver_signers.iter().collect(),
            ),
        ];
        for (path, named) in roles {
            if let Some(bad) = named.into_iter().find(|r| !ROLES.contains(&r.as_str())) {
                return Err(fail(
                    path,
                    t!("policy.not_role", role = bad, roles = ROLES.join(", ")).into_owned(),
                ));
            }
        }
        let n = &self.naming;
        if let Some(bad) = n
            .campaign_minutes_kinds
            .iter()
            .find(|k| !n.minutes_kinds.contains(k))
        {
            return Err(fail(
                &["naming", "campaign_minutes_kinds"],
                t!("policy.not_kind", kind = bad).into_owned(),
            ));
        }
        Ok(())
    }

    /// The reserve range for `total` (B002, `new-campaign`): the least and
    /// the largest reserve, to the fen, that lie within
    /// `reserve_min_percent`–`reserve_max_percent` of it. The least rounds
    /// up and the largest down, so both ends are themselves in range.
    pub fn reserve_range(&self, total: Money) -> (Money, Money) {
        // In i128: total × percent can overflow i64; the share (percent ≤ 100) fits.
        let t = i128::from(total.fen());
        let min = (t * i128::from(self.budget.reserve_min_percent)).div_euclid(100)
            + i128::from((t * i128::from(self.budget.reserve_min_percent)).rem_euclid(100) != 0);
        let max = (t * i128::from(self.budget.reserve_max_percent)).div_euclid(100);
        (Money(min as i64), Money(max as i64))
    }

    /// Whether `reserve` is within the policy's share of `total`.
    pub fn reserve_in_range(&self, total: Money, reserve: Money) -> bool {
        let (min, max) = self.reserve_range(total);
        min <= reserve && reserve <= max
    }

    /// The days the kickoff may be held (D001, `status`, `new-campaign`):
    /// from `kickoff_days_before_start` before the start to the day before
    /// it; emergency work may hold it up to `emergency_days_after_start`
    /// days after the start.
    pub fn kickoff_window(&self, c: &Campaign) -> (NaiveDate, NaiveDate) {
        let start = c.start.0;
        let from = start - Duration::days(self.deadlines.kickoff_days_before_start);
        let until = if c.emergency {
            start + Duration::days(self.approvals.emergency_days_after_start)
        } else {
            start - Duration::days(1)
        };
        (from, until)
    }

    /// The day a campaign's approval chain must be complete by (A001,
    /// A006): its start, or for emergency work `emergency_days_after_start`
    /// days after it.
    pub fn approve_by(&self, c: &Campaign) -> NaiveDate {
        if c.emergency {
            c.start.0 + Duration::days(self.approvals.emergency_days_after_start)
        } else {
            c.start.0
        }
    }

    /// The last day the closing meeting may be held (D003, `status`).
    pub fn closing_due(&self, c: &Campaign) -> NaiveDate {
        c.end.0 + Duration::days(self.deadlines.closing_days_after_end)
    }

    /// The day an instant falls on in the policy's time zone.
    pub fn day_of(&self, instant: chrono::DateTime<FixedOffset>) -> chrono::NaiveDate {
        instant.with_timezone(&self.zone()).date_naive()
    }

    pub fn zone(&self) -> FixedOffset {
        parse_zone(&self.general.timezone)
            .unwrap_or_else(|| FixedOffset::east_opt(8 * 3600).unwrap())
    }

    /// The role that approves a campaign budget of `total` (SPEC 4.4 tiers).
    pub fn budget_role(&self, total: Money) -> &str {
        if total <= self.approvals.supervisor_limit {
            &self.approvals.below_limit_role
        } else {
            &self.approvals.above_limit_role
        }
    }
}

mod builtin {
    use super::*;

    pub fn general() -> General {
        Policy::builtin().general.clone()
    }
    pub fn naming() -> Naming {
        Policy::builtin().naming.clone()
    }
    pub fn deadlines() -> Deadlines {
        Policy::builtin().deadlines.clone()
    }
    pub fn budget() -> Budget {
        Policy::builtin().budget.clone()
    }
    pub fn approvals() -> Approvals {
        Policy::builtin().approvals.clone()
    }
    pub fn content() -> Content {
        Policy::builtin().content.clone()
    }
    pub fn governance() -> Governance {
        Policy::builtin().governance.clone()
    }
    pub fn waiver_signers() -> Vec<String> {
        vec!["director".to_string()]
    }
    pub fn period_markers() -> Vec<String> {
        Policy::builtin().content.period_markers.clone()
    }
    pub fn softer() -> std::collections::BTreeMap<String, String> {
        Policy::builtin().content.softer.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_policy_is_complete_and_valid() {
        // Parsing the raw text without section defaults proves every section is present.
        let table: toml::Table = toml::from_str(DEFAULT_POLICY).unwrap();
        for section in [
            "general",
            "naming",
            "deadlines",
            "budget",
            "approvals",
            "content",
            "governance",
        ] {
            assert!(table.contains_key(section), "missing [{section}]");
        }
        let p = Policy::builtin();
        assert_eq!(p.approvals.supervisor_limit, Money::from_yuan(50000));
        assert_eq!(p.budget_role(Money::from_yuan(50000)), "supervisor");
        assert_eq!(p.budget_role(Money::from_yuan(50001)), "director");
    }

    #[test]
    fn bad_policy_names_line_and_column() {
        let err =
            Policy::parse("[budget]\nreserve_min_percent = \"ten\"\n", "policy.toml").unwrap_err();
        assert_eq!(err.at.line, 2, "{err:?}");
        let err = Policy::parse(
            "[general]\ntimezone = \"Asia/Shanghai\"\nmax_file_bytes = 10\n",
            "policy.toml",
        )
        .unwrap_err();
        assert_eq!((err.at.line, err.at.column), (2, 12), "{err:?}");
    }

    #[test]
    fn a_reserve_range_names_the_key_that_is_wrong() {
        let line_of = |key: &str| {
            DEFAULT_POLICY
                .lines()
                .position(|l| l.starts_with(key))
                .expect("the key is in the shipped policy")
                + 1
        };
        let with = |min: u32, max: u32| {
            DEFAULT_POLICY
                .lines()
                .map(|l| match l {
                    l if l.starts_with("reserve_min_percent") => {
                        format!("reserve_min_percent = {min}")
                    }
                    l if l.starts_with("reserve_max_percent") => {
                        format!("reserve_max_percent = {max}")
                    }
                    l => l.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        let at = |min, max| {
            Policy::parse(&with(min, max), "policy.toml")
                .unwrap_err()
                .at
                .line
        };
        assert_eq!(at(200, 15), line_of("reserve_min_percent"));
        assert_eq!(at(20, 15), line_of("reserve_min_percent"));
        assert_eq!(at(10, 150), line_of("reserve_max_percent"));
        assert!(Policy::parse(&with(10, 15), "policy.toml").is_ok());
        let zone = DEFAULT_POLICY.replace("timezone = \"+08:00\"", "timezone = \"+-5:00\"");
        let err = Policy::parse(&zone, "policy.toml").unwrap_err();
        assert_eq!(err.at.line, line_of("timezone"), "{err:?}");
    }
}
