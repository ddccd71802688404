//! approvals/<NN>-<stage>-<person>.toml — one approval or sign-off, written
//! only by `mkt approve` / `mkt sign-off` and added by its own signed commit.

use serde::Deserialize;

use super::money::Money;
use super::time::Timestamp;

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
    /// The person the approver stood in for (职务代理, `[[delegations]]`
    /// in team.toml): the approver is their deputy.
    #[serde(default)]
    pub on_behalf_of: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ApprovalDecision {
    #[serde(alias = "批准", alias = "同意", alias = "通过")]
    Approve,
    #[serde(alias = "驳回", alias = "拒绝")]
    Reject,
    #[serde(alias = "签批", alias = "验收")]
    SignOff,
    /// The plan as cancelled (`cancelled` set), signed by someone who may
    /// approve it (`mkt cancel`): the earlier approvals stand for the record.
    #[serde(alias = "取消")]
    Cancel,
}
