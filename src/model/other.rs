//! The smaller records: purchases (采购申请), incidents (舆情/危机) and
//! approvals (written only by `mkt approve` / `mkt sign-off`).

use serde::Deserialize;

use super::money::Money;
use super::time::{Date, Timestamp};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Purchase {
    pub id: String,
    pub vendor: String,
    pub amount: Money,
    pub what: String,
    pub needed_by: Date,
    pub requested_by: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    pub title: String,
    pub detected_at: Timestamp,
    pub responded_at: Option<Timestamp>,
    pub plan_at: Option<Timestamp>,
    pub level: IncidentLevel,
    pub owner: String,
    #[serde(default)]
    pub campaign: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IncidentLevel {
    Minor,
    Major,
    Critical,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    pub subject: String,
    pub subject_blob: String,
    pub decision: ApprovalDecision,
    pub stage: String,
    pub approver: String,
    pub at: Timestamp,
    #[serde(default)]
    pub amount: Option<Money>,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ApprovalDecision {
    Approve,
    Reject,
    SignOff,
}
