//! incidents/<YYYY-MM-DD>-<slug>.toml — a crisis or negative-sentiment
//! record (舆情/危机).

use serde::Deserialize;

use super::time::Timestamp;

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IncidentLevel {
    Minor,
    Major,
    Critical,
}
