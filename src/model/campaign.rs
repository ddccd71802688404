//! campaign.toml — the plan that approvals bind to (SPEC section 2).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::money::{Money, Ratio};
use super::time::Date;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub start: Date,
    pub end: Date,
    #[serde(default)]
    pub objective: String,
    #[serde(default)]
    pub emergency: bool,
    /// The ID of the version this one replaces (the file writes `""` for none).
    #[serde(default, deserialize_with = "super::text::optional")]
    pub supersedes: Option<String>,
    /// Why the campaign was cancelled, if it was (`""`: it was not).
    #[serde(default, deserialize_with = "super::text::optional")]
    pub cancelled: Option<String>,
    pub budget: Budget,
    #[serde(default)]
    pub phases: Vec<Phase>,
    #[serde(default)]
    pub channels: Vec<Channel>,
    #[serde(default)]
    pub targets: Targets,
    /// The incident emergency work answers (`incidents/<stem>.toml`'s
    /// stem; `""`: none). A009, F004.
    #[serde(default, deserialize_with = "super::text::optional")]
    pub incident: Option<String>,
    /// Other departments the campaign works with (跨部门协作, 制度 七(一)).
    #[serde(default)]
    pub departments: Vec<String>,
    /// The contact (接口人) of each of those departments.
    #[serde(default)]
    pub liaison: Vec<super::Liaison>,
    /// KOLs and KOCs of the archive (`partners/<id>.toml`) it works with.
    #[serde(default)]
    pub partners: Vec<String>,
}

impl Campaign {
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.is_some()
    }

    pub fn supersedes(&self) -> Option<&str> {
        self.supersedes.as_deref()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    pub total: Money,
    /// Category -> amount; `reserve` is the flexible budget (弹性预算).
    #[serde(default)]
    #[serde(deserialize_with = "super::keyboard::de::allocation")]
    pub allocation: BTreeMap<String, Money>,
}

impl Budget {
    pub fn reserve(&self) -> Money {
        self.allocation.get("reserve").copied().unwrap_or_default()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub name: String,
    pub start: Date,
    pub end: Date,
    #[serde(default)]
    pub owner: String,
    /// 核心动作: what the phase does (D015).
    #[serde(default)]
    pub actions: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    pub name: String,
    #[serde(default)]
    pub budget: Money,
}

/// KPI targets; any subset.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    pub exposure: Option<u64>,
    pub clicks: Option<u64>,
    pub ctr: Option<Ratio>,
    pub conversions: Option<u64>,
    pub conversion_rate: Option<Ratio>,
    pub revenue: Option<Money>,
    pub roi: Option<Ratio>,
    pub new_users: Option<u64>,
    pub repurchase_rate: Option<Ratio>,
}
