//! Policy values of issue 16 part 2 (cadence16): how often each kind of
//! meeting is held (`[meetings.cadence]`), the phases a campaign plans
//! (`[campaigns]`) and how many KPI targets it sets (`kpi.min_targets`).
//! A policy without them loads and means what it meant: no cadence, no
//! phases required.

use chrono::Weekday;
use rust_i18n::t;
use serde::Deserialize;

use super::{Policy, PolicyError};
use crate::model::keyboard::{Vocab, canonical_or_same, weekday};

/// One kind's cadence: `{ every = "week", weekday = "周五" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cadence {
    /// `week`, `month` or `quarter` (周, 月, 季度).
    pub every: String,
    /// For `week`: the day it is held on (`fri`, `周五`, `星期五`); the week
    /// is due once that day is past. None: once the week is past.
    #[serde(default)]
    pub weekday: Option<String>,
}

/// A stretch of the calendar a cadence counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Week,
    Month,
    Quarter,
}

impl Period {
    fn parse(s: &str) -> Option<Period> {
        let s = crate::model::keyboard::halfwidth(s);
        match s.trim().to_lowercase().as_str() {
            "week" | "weekly" | "周" | "每周" => Some(Period::Week),
            "month" | "monthly" | "月" | "每月" => Some(Period::Month),
            "quarter" | "quarterly" | "季度" | "季" | "每季度" => Some(Period::Quarter),
            _ => None,
        }
    }
}

impl Cadence {
    /// The period, once the policy has been checked.
    pub fn period(&self) -> Period {
        Period::parse(&self.every).unwrap_or(Period::Week)
    }

    /// The weekday a weekly meeting is held on, if given.
    pub fn weekday(&self) -> Option<Weekday> {
        self.weekday.as_deref().and_then(weekday)
    }
}

/// `[campaigns]`: what a plan holds (规范 三(三)1 分阶段推进).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaigns {
    /// The phases every campaign plans, by name (`预热` or `warm-up`);
    /// empty: none required (D015).
    #[serde(default)]
    pub phases: Vec<String>,
}

impl Campaigns {
    /// The required phases as the campaign files name them (`warm-up`).
    pub fn required_phases(&self) -> Vec<String> {
        self.phases
            .iter()
            .map(|p| canonical_or_same(Vocab::Phase, p.trim()))
            .collect()
    }
}

impl Policy {
    /// `[meetings.cadence]`: kinds the policy knows, periods and weekdays
    /// mkt reads; `kpi.min_targets` in range.
    pub(super) fn check_cadence(
        &self,
        fail: &dyn Fn(&[&str], String) -> PolicyError,
    ) -> Result<(), PolicyError> {
        let kinds = &self.naming.minutes_kinds;
        for (kind, c) in &self.meetings.cadence {
            if !kinds.contains(kind) {
                return Err(fail(
                    &["meetings", "cadence", kind],
                    t!("policy.not_kind", kind = kind).into_owned(),
                ));
            }
            let Some(period) = Period::parse(&c.every) else {
                return Err(fail(
                    &["meetings", "cadence", kind, "every"],
                    t!("cadence16.policy.not_period", every = c.every).into_owned(),
                ));
            };
            if let Some(day) = &c.weekday {
                if period != Period::Week {
                    return Err(fail(
                        &["meetings", "cadence", kind, "weekday"],
                        t!("cadence16.policy.weekday_not_weekly", every = c.every).into_owned(),
                    ));
                }
                if weekday(day).is_none() {
                    return Err(fail(
                        &["meetings", "cadence", kind, "weekday"],
                        t!("cadence16.policy.not_weekday", day = day).into_owned(),
                    ));
                }
            }
        }
        if let Some(bad) = self.campaigns.phases.iter().find(|p| p.trim().is_empty()) {
            return Err(fail(
                &["campaigns", "phases"],
                t!("cadence16.policy.empty_phase", phase = bad).into_owned(),
            ));
        }
        if self.kpi.min_targets > 9 {
            return Err(fail(
                &["kpi", "min_targets"],
                t!("policy.out_of_range", value = self.kpi.min_targets, max = 9).into_owned(),
            ));
        }
        Ok(())
    }
}
