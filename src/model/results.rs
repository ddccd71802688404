//! results.toml — actual spend and KPI results; edited freely, never approved.

use serde::Deserialize;

use super::money::{Money, Ratio};
use super::time::Date;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Results {
    #[serde(default)]
    pub spend: Vec<Spend>,
    #[serde(default)]
    pub kpi: Kpi,
    #[serde(default)]
    pub channel_kpi: Vec<ChannelKpi>,
}

impl Results {
    pub fn total_spend(&self) -> Money {
        self.spend.iter().map(|s| s.amount).sum()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spend {
    pub date: Date,
    #[serde(deserialize_with = "super::keyboard::de::category")]
    pub category: String,
    #[serde(default)]
    pub channel: String,
    pub amount: Money,
    #[serde(default)]
    pub note: String,
}

/// Totals so far.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    pub exposure: Option<u64>,
    pub clicks: Option<u64>,
    pub conversions: Option<u64>,
    pub revenue: Option<Money>,
    pub new_users: Option<u64>,
    pub repurchase_rate: Option<Ratio>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelKpi {
    pub channel: String,
    pub exposure: Option<u64>,
    pub clicks: Option<u64>,
    pub conversions: Option<u64>,
    pub revenue: Option<Money>,
}
