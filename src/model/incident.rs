//! incidents/<YYYY-MM-DD>-<slug>.toml — a crisis or negative-sentiment
//! record (舆情/危机).

use serde::Deserialize;

use super::time::{Date, Timestamp};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    pub title: String,
    pub detected_at: Timestamp,
    pub responded_at: Option<Timestamp>,
    pub plan_at: Option<Timestamp>,
    pub level: IncidentLevel,
    pub owner: String,
    /// The campaign the incident concerns, if any (`""`: none).
    #[serde(default, deserialize_with = "super::text::optional")]
    pub campaign: Option<String>,
    /// The day the post-mortem (事后复盘) was held (D011).
    #[serde(default)]
    pub post_mortem_at: Option<Date>,
    /// What the post-mortem found the root cause to be (根本原因).
    #[serde(default)]
    pub root_cause: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IncidentLevel {
    // Listed from least to gravest.
    Minor,
    Major,
    Critical,
}
