//! Meeting minutes (会议纪要): the department template — 议题, 决议, 责任人.

use serde::Deserialize;

use super::time::{Date, Timestamp};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Minutes {
    #[serde(deserialize_with = "super::keyboard::de::meeting_kind")]
    pub kind: String,
    pub title: String,
    pub held_at: Timestamp,
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    #[serde(default)]
    pub attendees: Vec<String>,
    /// The chair, when one person signs off for the meeting.
    #[serde(default)]
    pub chair: Option<String>,
    #[serde(default)]
    pub agenda: Vec<AgendaItem>,
    #[serde(default)]
    pub decisions: Vec<Decision>,
}

/// 议题
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgendaItem {
    pub topic: String,
    #[serde(default)]
    pub notes: String,
}

/// 决议 + 责任人 + 时限
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub text: String,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub due: Option<Date>,
    #[serde(default)]
    pub done: bool,
}
