//! Policy values of issue 16 parts 1–2 (meet16): incident levels and
//! post-mortems (`[incidents]`), meeting lengths and attendees
//! (`[meetings]`). Every key has a serde default, so a policy written
//! before these sections loads and means what it meant.

use std::collections::BTreeMap;

use rust_i18n::t;
use serde::Deserialize;

use super::{GROUPS, Policy, PolicyError, ROLES};
use crate::model::IncidentLevel;

/// `[incidents]`: each level's own response and plan times (规范 六(三)2
/// 分级响应), and the post-mortem due after the gravest ones.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incidents {
    #[serde(default)]
    pub minor: Option<LevelTimes>,
    #[serde(default)]
    pub major: Option<LevelTimes>,
    #[serde(default)]
    pub critical: Option<LevelTimes>,
    /// The levels after which a post-mortem (事后复盘) is due (D011).
    #[serde(default = "critical_only")]
    pub post_mortem_levels: Vec<IncidentLevel>,
    /// Days after detection by which the post-mortem is held.
    #[serde(default = "seven")]
    pub post_mortem_days: i64,
}

impl Default for Incidents {
    fn default() -> Incidents {
        Incidents {
            minor: None,
            major: None,
            critical: None,
            post_mortem_levels: critical_only(),
            post_mortem_days: seven(),
        }
    }
}

/// One level's windows, in minutes after detection.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelTimes {
    pub response_minutes: i64,
    pub plan_minutes: i64,
}

fn critical_only() -> Vec<IncidentLevel> {
    vec![IncidentLevel::Critical]
}

fn seven() -> i64 {
    7
}

/// `[meetings]`: how long each kind of meeting is (规范 四(一)1) and who
/// attends it (制度 四(二)).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meetings {
    /// Kind → expected length in minutes (D012, `mkt new-minutes`).
    #[serde(default)]
    pub duration_minutes: BTreeMap<String, u32>,
    /// How far a meeting may run from its expected length, in percent.
    #[serde(default = "fifty")]
    pub duration_tolerance_percent: u32,
    /// Kind → who attends (D013): `all` (every member of a group), a group
    /// (each of its members) or a role (someone holding it).
    #[serde(default)]
    pub attendees: BTreeMap<String, Vec<String>>,
    /// How D004 (minutes committed late) counts: `warning` or `error`.
    #[serde(default)]
    pub minutes_late_severity: LateSeverity,
    /// Kind → how often it is held (D014).
    #[serde(default)]
    pub cadence: BTreeMap<String, super::Cadence>,
}

/// A finding's weight as the policy chooses it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LateSeverity {
    #[default]
    Warning,
    Error,
}

impl LateSeverity {
    pub fn severity(self) -> crate::diag::Severity {
        match self {
            LateSeverity::Warning => crate::diag::Severity::Warning,
            LateSeverity::Error => crate::diag::Severity::Error,
        }
    }
}

/// `[kpi]`: when results behind target while a campaign runs are worth a
/// warning (D017, 规范 三(三)3 过程监控).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    /// A KPI below this share of its target's pace so far is a warning.
    #[serde(default = "fifty")]
    pub behind_pace_percent: u32,
    /// How many KPI targets a campaign sets at least (D016, 规范 三(二)1).
    #[serde(default)]
    pub min_targets: u32,
}

impl Default for Kpi {
    fn default() -> Kpi {
        Kpi {
            behind_pace_percent: fifty(),
            min_targets: 0,
        }
    }
}

fn fifty() -> u32 {
    50
}

/// The word for "every member of the department" in `meetings.attendees`.
pub const ALL_MEMBERS: &str = "all";

impl Policy {
    /// A level's response and plan windows, in minutes: its own in
    /// `[incidents]`, else `[deadlines]`' (D008, `mkt new-incident`).
    pub fn incident_times(&self, level: IncidentLevel) -> (i64, i64) {
        let own = match level {
            IncidentLevel::Minor => self.incidents.minor,
            IncidentLevel::Major => self.incidents.major,
            IncidentLevel::Critical => self.incidents.critical,
        };
        match own {
            Some(t) => (t.response_minutes, t.plan_minutes),
            None => (
                self.deadlines.incident_response_minutes,
                self.deadlines.incident_plan_minutes,
            ),
        }
    }

    /// The expected length of a kind of meeting, if the policy gives one.
    pub fn meeting_minutes(&self, kind: &str) -> Option<u32> {
        self.meetings.duration_minutes.get(kind).copied()
    }

    /// `[incidents]` and `[meetings]`: times in range, kinds the policy
    /// knows, attendees that are `all`, a group or a role.
    pub(super) fn check_meet(
        &self,
        fail: &dyn Fn(&[&str], String) -> PolicyError,
    ) -> Result<(), PolicyError> {
        let i = &self.incidents;
        let year = 60 * 24 * 365;
        for (name, times) in [
            ("minor", i.minor),
            ("major", i.major),
            ("critical", i.critical),
        ] {
            let Some(times) = times else { continue };
            for (key, v) in [
                ("response_minutes", times.response_minutes),
                ("plan_minutes", times.plan_minutes),
            ] {
                if !(0..=year).contains(&v) {
                    return Err(fail(
                        &["incidents", name, key],
                        t!("policy.out_of_range", value = v, max = year).into_owned(),
                    ));
                }
            }
        }
        if !(0..=3650).contains(&i.post_mortem_days) {
            return Err(fail(
                &["incidents", "post_mortem_days"],
                t!(
                    "policy.out_of_range",
                    value = i.post_mortem_days,
                    max = 3650
                )
                .into_owned(),
            ));
        }
        if self.kpi.behind_pace_percent > 100 {
            return Err(fail(
                &["kpi", "behind_pace_percent"],
                t!(
                    "policy.out_of_range",
                    value = self.kpi.behind_pace_percent,
                    max = 100
                )
                .into_owned(),
            ));
        }
        let m = &self.meetings;
        let kinds = &self.naming.minutes_kinds;
        for (table, keys) in [
            (
                "duration_minutes",
                m.duration_minutes.keys().collect::<Vec<_>>(),
            ),
            ("attendees", m.attendees.keys().collect()),
        ] {
            if let Some(bad) = keys.into_iter().find(|k| !kinds.contains(k)) {
                return Err(fail(
                    &["meetings", table, bad],
                    t!("policy.not_kind", kind = bad).into_owned(),
                ));
            }
        }
        for (kind, who) in &m.attendees {
            if let Some(bad) = who.iter().find(|w| {
                let w = w.as_str();
                w != ALL_MEMBERS && !GROUPS.contains(&w) && !ROLES.contains(&w)
            }) {
                return Err(fail(
                    &["meetings", "attendees", kind],
                    t!(
                        "meet16.policy.not_attendee",
                        who = bad,
                        groups = GROUPS.join(", "),
                        roles = ROLES.join(", ")
                    )
                    .into_owned(),
                ));
            }
        }
        Ok(())
    }
}
