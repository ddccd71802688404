//! The records of 制度 六(二), 五(一), 七(一) and 规范 四(二)2: quarterly
//! internal audits (`audits/<YYYY>Q<n>.toml`), monthly self-reviews
//! (`reviews/<YYYY-MM>/<person>.toml`), the KOL/KOC archive
//! (`partners/<id>.toml`) and a campaign's cross-department contacts.

use serde::Deserialize;

use super::money::Money;
use super::time::Date;

/// `audits/<YYYY>Q<n>.toml` — 内部审计 of one quarter (制度 六(二)).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Audit {
    /// Who audited: an id in team.toml.
    pub auditor: String,
    /// The day the audit was held.
    pub held_on: Date,
    /// What was sampled (抽查范围): processes, campaigns, files.
    pub scope: Vec<String>,
    #[serde(default)]
    pub summary: String,
    /// What the audit found, each to be fixed (整改).
    #[serde(default)]
    pub findings: Vec<AuditFinding>,
}

/// One problem an audit found, with who fixes it by when.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditFinding {
    pub issue: String,
    /// 整改责任人: an id in team.toml.
    pub owner: String,
    /// 整改期限.
    pub fix_due: Date,
    /// The day the fix was done; absent while it is open.
    pub done: Option<Date>,
    /// 根本原因 (制度 六(二)：分析根本原因).
    #[serde(default)]
    pub root_cause: String,
}

/// `reviews/<YYYY-MM>/<person>.toml` — a person's 月度自评 of one month
/// (制度 五(一)), with their superior's review.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfReview {
    /// What the person did and how it went (自评).
    pub summary: String,
    /// What they will improve next month.
    #[serde(default)]
    pub next: String,
    /// The superior who reviewed it (`""` until reviewed): the person's
    /// supervisor or director.
    #[serde(default, deserialize_with = "super::text::optional")]
    pub reviewed_by: Option<String>,
    /// The superior's words (上级评估).
    #[serde(default)]
    pub review: String,
}

/// `partners/<id>.toml` — a KOL or KOC the department works with
/// (规范 四(二)2：合作效果、价格体系与风格偏好).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    pub name: String,
    /// `KOL` or `KOC`.
    pub kind: PartnerKind,
    /// 小红书, 抖音, B站, 微博 …
    pub platform: String,
    /// The account on that platform.
    pub handle: String,
    /// 风格偏好.
    #[serde(default)]
    pub style: String,
    /// How to reach them for business: an agency, a work e-mail or WeChat
    /// account — never a personal phone number (P001).
    #[serde(default)]
    pub contact: String,
    /// 价格体系.
    #[serde(default)]
    pub rates: Vec<PartnerRate>,
    /// 合作效果, campaign by campaign.
    #[serde(default)]
    pub results: Vec<PartnerResult>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum PartnerKind {
    #[serde(alias = "kol")]
    KOL,
    #[serde(alias = "koc")]
    KOC,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerRate {
    /// What is bought: 图文笔记, 短视频, 直播坑位 …
    pub item: String,
    pub price: Money,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerResult {
    /// The campaign ID.
    pub campaign: String,
    pub summary: String,
}

/// A campaign's contact in another department (接口人, 制度 七(一)).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Liaison {
    pub department: String,
    /// The person's name as that department gives it (they are not in
    /// team.toml).
    pub name: String,
    #[serde(default)]
    pub contact: String,
}
