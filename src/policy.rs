//! The policy: policy.toml, with the shipped default (the top-level
//! `policy.toml` of this project) embedded in the binary.
//!
//! A section missing from a repository's policy falls back to the built-in
//! one, so a policy written by an older mkt keeps working; inside a section
//! every key is required and unknown keys are errors.

use rust_i18n::t;
use std::sync::OnceLock;

use chrono::{Duration, FixedOffset, NaiveDate, NaiveTime};
use serde::Deserialize;

use crate::diag::Located;
use crate::model::{Campaign, Money, parse_zone};

/// How an allocation misses its total (B001, `new-campaign`): the sum, and
/// how much over (`true`) or short (`false`) it is; `None` when exact.
pub fn allocation_gap(
    total: Money,
    parts: impl IntoIterator<Item = Money>,
) -> Option<(Money, Money, bool)> {
    let sum: Money = parts.into_iter().sum();
    match sum.cmp(&total) {
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Greater => Some((sum, sum - total, true)),
        std::cmp::Ordering::Less => Some((sum, total - sum, false)),
    }
}

/// The channels' budgets, when they sum to more than the channel
/// allocation (B001, `new-campaign`).
pub fn channels_over(
    channel_allocation: Option<Money>,
    channels: impl IntoIterator<Item = Money>,
) -> Option<(Money, Money)> {
    let alloc = channel_allocation?;
    let sum: Money = channels.into_iter().sum();
    (sum > alloc).then_some((sum, alloc))
}

/// The default policy, as shipped.
pub const DEFAULT_POLICY: &str = include_str!("../policy.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    #[serde(default = "builtin::general")]
    pub general: General,
    #[serde(default = "builtin::naming")]
    pub naming: Naming,
    #[serde(default = "builtin::deadlines")]
    pub deadlines: Deadlines,
    #[serde(default = "builtin::budget")]
    pub budget: Budget,
    #[serde(default = "builtin::approvals")]
    pub approvals: Approvals,
    #[serde(default = "builtin::content")]
    pub content: Content,
    #[serde(default = "builtin::governance")]
    pub governance: Governance,
    #[serde(default = "builtin::notify")]
    pub notify: Notify,
    #[serde(default = "builtin::import")]
    pub import: Import,
    /// Incident levels' times and post-mortems; absent: `[deadlines]`' times.
    #[serde(default)]
    pub incidents: Incidents,
    /// Meeting lengths and attendees; absent: none expected.
    #[serde(default)]
    pub meetings: Meetings,
    /// When KPIs behind target are worth a warning (D017).
    #[serde(default)]
    pub kpi: Kpi,
    /// The phases a campaign plans (D015); absent: none required.
    #[serde(default)]
    pub campaigns: Campaigns,
    /// When audits and self-reviews are due (D020, D022).
    #[serde(default)]
    pub records: Records,
    /// The file as written, for quoting its values (`Policy::says`).
    #[serde(skip)]
    written: toml::Table,
}

mod meet;
pub use meet::{ALL_MEMBERS, Incidents, Kpi, LateSeverity, LevelTimes, Meetings};

mod records;
pub use records::{Records, parse_month};

mod cadence;
pub use cadence::{Cadence, Campaigns, Period};

/// `mkt results import`: which CSV column names (an ad platform's export,
/// in Chinese or English) mean which figure. A name is matched whole,
/// ignoring case, full-width forms and a unit in brackets (`消耗(元)`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Import {
    pub exposure: Vec<String>,
    pub clicks: Vec<String>,
    pub conversions: Vec<String>,
    pub cost: Vec<String>,
    pub date: Vec<String>,
    pub channel: Vec<String>,
    #[serde(default)]
    pub revenue: Vec<String>,
}

impl Import {
    /// Each figure with the column names that mean it.
    pub fn fields(&self) -> [(&'static str, &[String]); 7] {
        [
            ("exposure", &self.exposure),
            ("clicks", &self.clicks),
            ("conversions", &self.conversions),
            ("cost", &self.cost),
            ("date", &self.date),
            ("channel", &self.channel),
            ("revenue", &self.revenue),
        ]
    }

    /// The figure a column header stands for, if any.
    pub fn field_of(&self, header: &str) -> Option<&'static str> {
        let h = column_key(header);
        self.fields()
            .into_iter()
            .find(|(_, names)| names.iter().any(|n| column_key(n) == h))
            .map(|(field, _)| field)
    }
}

/// A column name as compared: half-width, trimmed, lower case, without a
/// trailing unit in brackets (`消耗（元）` is `消耗`).
pub fn column_key(name: &str) -> String {
    let s = crate::model::keyboard::halfwidth(name);
    let mut s = s.trim().trim_start_matches('\u{feff}').trim();
    if s.ends_with(')')
        && let Some(open) = s.rfind('(')
    {
        s = s[..open].trim_end();
    }
    s.to_lowercase()
}

/// `mkt notify`: when it may send, how far ahead, and through what.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notify {
    /// `"20:00-08:00"`: nothing is sent from the first time to the second
    /// (in the policy's zone); `""`: at any hour.
    pub quiet_hours: String,
    /// Items due within this many days go out (overdue ones always).
    pub within_days: i64,
    #[serde(default)]
    pub channels: Vec<Channel>,
}

/// One way out: a group chat's robot, mail, or a JSON endpoint. Its
/// address and secret are in environment variables, never in the policy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    pub name: String,
    pub kind: ChannelKind,
    /// The variable holding the webhook address or the SMTP URL.
    pub url_env: String,
    /// The variable holding the signing secret (飞书, 钉钉).
    #[serde(default)]
    pub secret_env: Option<String>,
    /// `text` or `markdown` (企业微信, 钉钉).
    #[serde(default)]
    pub format: Option<MessageFormat>,
    /// The sender of mails.
    #[serde(default)]
    pub from: Option<String>,
    /// Who a JSON webhook's messages are for (`people` unless said).
    #[serde(default)]
    pub to: Option<Audience>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    /// 企业微信 group robot.
    #[serde(alias = "企业微信")]
    Wecom,
    /// 飞书 custom bot.
    #[serde(alias = "飞书")]
    Feishu,
    /// 钉钉 custom robot.
    #[serde(alias = "钉钉")]
    Dingtalk,
    /// Mail through SMTP, one to each person.
    #[serde(alias = "邮件")]
    Email,
    /// Any endpoint that takes JSON.
    Webhook,
}

impl ChannelKind {
    pub fn key(self) -> &'static str {
        match self {
            ChannelKind::Wecom => "wecom",
            ChannelKind::Feishu => "feishu",
            ChannelKind::Dingtalk => "dingtalk",
            ChannelKind::Email => "email",
            ChannelKind::Webhook => "webhook",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageFormat {
    Text,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// One message per person.
    People,
    /// One digest for everyone.
    Group,
}

impl Channel {
    /// Who the channel's messages are for: a chat robot posts to its
    /// group, mail goes to each person, a webhook as its `to` says.
    pub fn audience(&self) -> Audience {
        match self.kind {
            ChannelKind::Wecom | ChannelKind::Feishu | ChannelKind::Dingtalk => Audience::Group,
            ChannelKind::Email => Audience::People,
            ChannelKind::Webhook => self.to.unwrap_or(Audience::People),
        }
    }
}

/// `"20:00-08:00"` as two times; `None` for `""`, `Err` when unreadable.
fn parse_quiet_hours(s: &str) -> Result<Option<(NaiveTime, NaiveTime)>, ()> {
    let s = crate::model::keyboard::halfwidth(s);
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let (a, b) = s.split_once(['-', '–', '~', '至']).ok_or(())?;
    let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| ());
    let (a, b) = (time(a)?, time(b)?);
    Ok((a != b).then_some((a, b)))
}

impl Notify {
    /// Whether `t` (a time of day in the policy's zone) is in quiet hours.
    pub fn is_quiet(&self, t: NaiveTime) -> bool {
        match parse_quiet_hours(&self.quiet_hours) {
            Ok(Some((from, until))) if from < until => from <= t && t < until,
            Ok(Some((from, until))) => t >= from || t < until,
            _ => false,
        }
    }
}

/// Who may change the policy: a change to policy.toml counts only in a
/// commit signed by someone holding one of these roles (in the policy as it
/// stood before the change).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Governance {
    pub policy_signers: Vec<String>,
    /// Who may waive a finding (`mkt waive`); default: the director.
    #[serde(default = "builtin::waiver_signers")]
    pub waiver_signers: Vec<String>,
    /// Whether a person may name their own deputy (`mkt team delegate`
    /// signed by themself) instead of an admin; default: no.
    #[serde(default)]
    pub self_delegation: bool,
    /// Who may read contracts (`mkt contract`): they are sealed to these
    /// roles' keys; default: the director and finance.
    #[serde(default = "builtin::contract_readers")]
    pub contract_readers: Vec<String>,
    /// Who may read customer data (`mkt customers`): customers/*.age are
    /// sealed to these roles' keys; default: the director and supervisors.
    #[serde(default = "builtin::customer_readers")]
    pub customer_readers: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct General {
    pub timezone: String,
    pub max_file_bytes: u64,
    /// The language mkt speaks here when the environment does not say
    /// (`zh-CN` or `en`; `MKT_LANG` and the locale come first).
    #[serde(default)]
    pub language: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Naming {
    pub name_max_chars: usize,
    pub minutes_kinds: Vec<String>,
    pub campaign_minutes_kinds: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadlines {
    pub kickoff_days_before_start: i64,
    pub review_each_quarter: bool,
    pub closing_days_after_end: i64,
    pub minutes_within_hours: i64,
    pub report_days_after_quarter: i64,
    pub incident_response_minutes: i64,
    pub incident_plan_minutes: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    pub categories: Vec<String>,
    pub reserve_min_percent: u32,
    pub reserve_max_percent: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approvals {
    /// The ladder of budget approval, the smallest limit first (制度 四(一)
    /// 审批权限按金额分级管理). Once parsed it is always set: the older
    /// two-tier keys are read into it.
    #[serde(default)]
    pub tiers: Vec<Tier>,
    /// Whether a budget climbs every step up to the one that covers it, in
    /// order (`true`, the ladder's default), or needs that step's role
    /// alone (`false`, what the older two-tier keys always meant).
    #[serde(default)]
    pub every_step: Option<bool>,
    /// The older form of a two-step ladder: read into `tiers`, then cleared.
    #[serde(default)]
    pub supervisor_limit: Option<Money>,
    #[serde(default)]
    pub below_limit_role: Option<String>,
    #[serde(default)]
    pub above_limit_role: Option<String>,
    pub purchase_chain: Vec<String>,
    pub emergency_group: Vec<String>,
    pub emergency_days_after_start: i64,
    pub warn_days_before_start: i64,
    pub closing_signoff_role: String,
    pub copy_signoff_role: String,
    pub report_signoff_role: String,
}

/// One step of the approval ladder: budgets up to `up_to` (the last step:
/// any amount) are approved by `role`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    #[serde(default)]
    pub up_to: Option<Money>,
    pub role: String,
}

impl Approvals {
    /// Whether a budget needs every step up to the one covering it.
    pub fn every_step(&self) -> bool {
        self.every_step.unwrap_or(true)
    }

    /// The index of the step that covers a budget of `total`: the first
    /// whose `up_to` is at least `total`, else the last step (nobody is
    /// above it).
    pub fn covering(&self, total: Money) -> usize {
        self.tiers
            .iter()
            .position(|t| t.up_to.is_none_or(|u| total <= u))
            .unwrap_or(self.tiers.len().saturating_sub(1))
    }

    /// The top step, when a budget of `total` is above its `up_to`: nobody
    /// may approve it under the policy (A003; `mkt approve` refuses, `mkt
    /// status` shows it blocked).
    pub fn above_top(&self, total: Money) -> Option<&Tier> {
        let top = self.tiers.last()?;
        (total > top.up_to?).then_some(top)
    }

    /// The roles that approve a budget of `total`, in order: every step up
    /// to the covering one (`every_step`), or the covering step's alone.
    pub fn budget_roles(&self, total: Money) -> Vec<&str> {
        if self.tiers.is_empty() {
            return Vec::new();
        }
        let k = self.covering(total);
        let from = if self.every_step() { 0 } else { k };
        self.tiers[from..=k]
            .iter()
            .map(|t| t.role.as_str())
            .collect()
    }

    /// The highest step that some of `totals` each stay within and together
    /// are above (拆单, A010), with the indices of those that do: every
    /// total within the step's `up_to`, at least two of them.
    pub fn split_tier(&self, totals: &[Money]) -> Option<(&Tier, Vec<usize>)> {
        self.tiers.iter().rev().find_map(|t| {
            let up_to = t.up_to?;
            let within: Vec<usize> = (0..totals.len()).filter(|&i| totals[i] <= up_to).collect();
            let sum: Money = within.iter().map(|&i| totals[i]).sum();
            (within.len() > 1 && sum > up_to).then_some((t, within))
        })
    }

    /// The ladder as one line, the same in every language:
    /// `supervisor ≤ 50000 < director ≤ 500000 < ceo`.
    pub fn ladder_text(&self) -> String {
        let mut out = String::new();
        for (i, t) in self.tiers.iter().enumerate() {
            if i > 0 {
                out.push_str(" < ");
            }
            out.push_str(&t.role);
            if let Some(u) = t.up_to {
                out.push_str(&format!(" ≤ {u}"));
            }
        }
        out
    }

    /// Reads the older two-tier keys into the ladder and checks it: exit 2
    /// material, located at the key to fix.
    fn settle(
        &mut self,
        written: &toml::Table,
        fail: &dyn Fn(&[&str], String) -> PolicyError,
    ) -> Result<(), PolicyError> {
        let section = written.get("approvals").and_then(|v| v.as_table());
        let Some(section) = section else {
            return Ok(()); // the built-in section, already settled
        };
        let not_role = |r: &str| !ROLES.contains(&r);
        let role_error =
            |r: &str| t!("policy.not_role", role = r, roles = ROLES.join(", ")).into_owned();
        let old: Vec<&str> = ["supervisor_limit", "below_limit_role", "above_limit_role"]
            .into_iter()
            .filter(|k| section.contains_key(*k))
            .collect();
        if section.contains_key("tiers") {
            if let Some(first) = old.first() {
                return Err(fail(
                    &["approvals", first],
                    t!("tiers16.policy.both", key = first).into_owned(),
                ));
            }
        } else if old.len() == 3 {
            let (Some(limit), Some(below), Some(above)) = (
                self.supervisor_limit.take(),
                self.below_limit_role.take(),
                self.above_limit_role.take(),
            ) else {
                // Written but not read: cannot be, said rather than panicked.
                return Err(fail(
                    &["approvals", "supervisor_limit"],
                    t!("tiers16.policy.old_partial", missing = "").into_owned(),
                ));
            };
            if limit.fen() < 0 {
                return Err(fail(
                    &["approvals", "supervisor_limit"],
                    t!("policy.negative_limit").into_owned(),
                ));
            }
            for (key, role) in [("below_limit_role", &below), ("above_limit_role", &above)] {
                if not_role(role) {
                    return Err(fail(&["approvals", key], role_error(role)));
                }
            }
            self.tiers = vec![
                Tier {
                    up_to: Some(limit),
                    role: below,
                },
                Tier {
                    up_to: None,
                    role: above,
                },
            ];
            self.every_step.get_or_insert(false);
            return Ok(());
        } else if let Some(first) = old.first() {
            let missing: Vec<&str> = ["supervisor_limit", "below_limit_role", "above_limit_role"]
                .into_iter()
                .filter(|k| !old.contains(k))
                .collect();
            return Err(fail(
                &["approvals", first],
                t!("tiers16.policy.old_partial", missing = missing.join(", ")).into_owned(),
            ));
        }
        if self.tiers.is_empty() {
            return Err(fail(
                &["approvals", "tiers"],
                t!("tiers16.policy.empty").into_owned(),
            ));
        }
        let last = self.tiers.len() - 1;
        let mut below: Option<Money> = None;
        for (i, tier) in self.tiers.iter().enumerate() {
            let at = i.to_string();
            let path = |key: &'static str| ["approvals", "tiers", at.as_str(), key];
            let step = i + 1;
            if not_role(&tier.role) {
                return Err(fail(&path("role"), role_error(&tier.role)));
            }
            if let Some(j) = self.tiers[..i].iter().position(|t| t.role == tier.role) {
                return Err(fail(
                    &path("role"),
                    t!("tiers16.policy.role_twice", role = tier.role, step = j + 1).into_owned(),
                ));
            }
            match tier.up_to {
                None if i < last => {
                    return Err(fail(
                        &["approvals", "tiers", at.as_str()],
                        t!("tiers16.policy.no_limit", step = step).into_owned(),
                    ));
                }
                None => {}
                Some(u) if u.fen() < 0 => {
                    return Err(fail(
                        &path("up_to"),
                        t!("policy.negative_limit").into_owned(),
                    ));
                }
                Some(u) => {
                    if let Some(b) = below.filter(|b| u <= *b) {
                        return Err(fail(
                            &path("up_to"),
                            t!(
                                "tiers16.policy.not_ascending",
                                step = step,
                                value = u,
                                prev = step - 1,
                                prev_value = b
                            )
                            .into_owned(),
                        ));
                    }
                    below = Some(u);
                }
            }
        }
        self.every_step.get_or_insert(true);
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Content {
    pub absolute_terms: Vec<String>,
    pub allow: Vec<String>,
    pub claim_words: Vec<String>,
    pub source_markers: Vec<String>,
    pub source_window_chars: usize,
    /// Words that give a claim its period (统计周期, 截至 …); a date does too.
    #[serde(default = "builtin::period_markers")]
    pub period_markers: Vec<String>,
    /// A softer wording to suggest for a banned term (C001).
    #[serde(default = "builtin::softer")]
    pub softer: std::collections::BTreeMap<String, String>,
    /// Words before a term in its clause that make it a goal, an attitude
    /// or a comparison with the brand's own goods, not a claim (C001).
    #[serde(default = "builtin::exempt_before")]
    pub exempt_before: Vec<String>,
    /// Terms that state a rank or a first (第一, NO.1, 首家 …): a fact, not
    /// an absolute claim, when their sentence gives period and source (C001).
    #[serde(default = "builtin::rankings")]
    pub rankings: Vec<String>,
    /// Words right before a number that make it an offer's terms (直降50%,
    /// 积分翻倍, 可享2次), not a result (C002).
    #[serde(default = "builtin::offer_words")]
    pub offer_words: Vec<String>,
}

/// An environment variable's name as a shell writes it: `MKT_WECOM_WEBHOOK`.
fn is_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The roles SPEC section 4.6 names; a policy may only refer to these.
pub const ROLES: &[&str] = &[
    "specialist",
    "supervisor",
    "director",
    "finance",
    "ceo",
    "legal",
    "department_head",
    "admin",
];

/// The working groups of SPEC section 4.6.
pub const GROUPS: &[&str] = &["content", "channel", "data"];

/// A policy that cannot be used: where, and why.
#[derive(Debug, Clone)]
pub struct PolicyError {
    pub at: Located,
    pub message: String,
}

impl crate::diag::Quote for Policy {
    /// `text` with each `%{key}` replaced by what the policy says there,
    /// and the first mention of each policy key in backticks followed by
    /// its value in force: "`budget.reserve_min_percent` (5)". Text that
    /// names no policy value comes back as it was.
    fn quote(&self, text: &str, lang: crate::i18n::Lang) -> String {
        let is_key = |k: &str| {
            k.contains('.')
                && k.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._".contains(c))
        };
        let mut out = String::with_capacity(text.len());
        let mut seen = std::collections::HashSet::new();
        let mut rest = text;
        while let Some(i) = rest.find(['%', '`']) {
            out.push_str(&rest[..i]);
            let from = &rest[i..];
            // A fenced block is an example: left as written.
            let (open, close) = match from {
                f if f.starts_with("```") => ("```", "```"),
                f if f.starts_with("%{") => ("%{", "}"),
                f if f.starts_with('`') => ("`", "`"),
                _ => ("%", ""),
            };
            let end = match close {
                "" => None,
                c => from[open.len()..].find(c).map(|e| open.len() + e),
            };
            let Some(end) = end else {
                out.push_str(open);
                rest = &from[open.len()..];
                continue;
            };
            let inner = &from[open.len()..end];
            let whole = &from[..end + close.len()];
            rest = &from[end + close.len()..];
            match (open, self.says(inner)) {
                ("%{", Some(value)) => out.push_str(&value),
                ("`", Some(value)) if is_key(inner) => {
                    out.push_str(whole);
                    if seen.insert(inner) && !value.is_empty() {
                        out.push_str(&match lang {
                            crate::i18n::Lang::ZhCn => format!("（{value}）"),
                            _ => format!(" ({value})"),
                        });
                    }
                }
                _ => out.push_str(whole),
            }
        }
        out.push_str(rest);
        out
    }
}

impl Policy {
    /// What the policy in force says at a dotted key
    /// (`budget.reserve_min_percent` → `10`): the file's own value, else
    /// the shipped default's. Only single values and lists of them.
    pub fn says(&self, key: &str) -> Option<String> {
        fn at<'t>(table: &'t toml::Table, key: &str) -> Option<&'t toml::Value> {
            let (head, rest) = key.split_once('.').unwrap_or((key, ""));
            let v = table.get(head)?;
            match (rest, v) {
                ("", v) => Some(v),
                (rest, toml::Value::Table(t)) => at(t, rest),
                _ => None,
            }
        }
        fn said(v: &toml::Value) -> Option<String> {
            use toml::Value as V;
            match v {
                V::String(s) => Some(s.clone()),
                V::Integer(_) | V::Float(_) | V::Boolean(_) | V::Datetime(_) => Some(v.to_string()),
                V::Array(items) => {
                    let items: Option<Vec<_>> = items.iter().map(said).collect();
                    Some(items?.join(", "))
                }
                V::Table(_) => None,
            }
        }
        // The ladder as settled, whichever form the file wrote it in.
        match key {
            "approvals.tiers" => return Some(self.approvals.ladder_text()),
            "approvals.every_step" => return Some(self.approvals.every_step().to_string()),
            _ => {}
        }
        at(&self.written, key)
            .or_else(|| at(&Policy::builtin().written, key))
            .and_then(said)
    }

    /// The shipped default.
    pub fn builtin() -> &'static Policy {
        static BUILTIN: OnceLock<Policy> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Policy::parse(DEFAULT_POLICY, "policy.toml")
                .unwrap_or_else(|e| panic!("the built-in policy is invalid: {}", e.message))
        })
    }

    /// Parses and checks a policy file's text; `file` is the name used in errors.
    pub fn parse(text: &str, file: &str) -> Result<Policy, PolicyError> {
        let doc = crate::source::SourceDoc::parse(file, text).map_err(|d| PolicyError {
            at: d.at,
            message: d.message,
        })?;
        let mut policy: Policy = doc.deserialize().map_err(|d| PolicyError {
            at: d.at,
            message: d.message,
        })?;
        policy.written = toml::from_str(text).unwrap_or_default();
        let fail = |path: &[&str], message: String| PolicyError {
            at: doc.locate(path),
            message,
        };
        policy.approvals.settle(&policy.written, &fail)?;
        policy.check(&doc)?;
        Ok(policy)
    }

    fn check(&self, doc: &crate::source::SourceDoc) -> Result<(), PolicyError> {
        let fail = |path: &[&str], message: String| PolicyError {
            at: doc.locate(path),
            message,
        };
        if parse_zone(&self.general.timezone).is_none() {
            return Err(fail(
                &["general", "timezone"],
                t!("policy.timezone", zone = self.general.timezone).into_owned(),
            ));
        }
        let d = &self.deadlines;
        let a = &self.approvals;
        let ranges: [(&[&str], i64, i64); 9] = [
            (
                &["deadlines", "kickoff_days_before_start"],
                d.kickoff_days_before_start,
                3650,
            ),
            (
                &["deadlines", "closing_days_after_end"],
                d.closing_days_after_end,
                3650,
            ),
            (
                &["deadlines", "minutes_within_hours"],
                d.minutes_within_hours,
                24 * 3650,
            ),
            (
                &["deadlines", "report_days_after_quarter"],
                d.report_days_after_quarter,
                3650,
            ),
            (
                &["deadlines", "incident_response_minutes"],
                d.incident_response_minutes,
                60 * 24 * 365,
            ),
            (
                &["deadlines", "incident_plan_minutes"],
                d.incident_plan_minutes,
                60 * 24 * 365,
            ),
            (
                &["approvals", "emergency_days_after_start"],
                a.emergency_days_after_start,
                3650,
            ),
            (
                &["approvals", "warn_days_before_start"],
                a.warn_days_before_start,
                3650,
            ),
            (
                &["general", "max_file_bytes"],
                i64::try_from(self.general.max_file_bytes).unwrap_or(i64::MAX),
                1 << 30,
            ),
        ];
        for (path, value, max) in ranges {
            if !(0..=max).contains(&value) {
                return Err(fail(
                    path,
                    t!("policy.out_of_range", value = value, max = max).into_owned(),
                ));
            }
        }
        let b = &self.budget;
        // Blame the key that is wrong: a max over 100, else a min over 100
        // or over the max.
        let (min, max) = (b.reserve_min_percent, b.reserve_max_percent);
        let wrong = if max > 100 {
            Some("reserve_max_percent")
        } else if min > max {
            Some("reserve_min_percent")
        } else {
            None
        };
        if let Some(key) = wrong {
            return Err(fail(
                &["budget", key],
                t!("policy.reserve_range", min = min, max = max).into_owned(),
            ));
        }
        let roles = [
            (
                &["approvals", "purchase_chain"][..],
                a.purchase_chain.iter().collect(),
            ),
            (
                &["approvals", "emergency_group"][..],
                a.emergency_group.iter().collect(),
            ),
            (
                &["approvals", "closing_signoff_role"][..],
                vec![&a.closing_signoff_role],
            ),
            (
                &["approvals", "copy_signoff_role"][..],
                vec![&a.copy_signoff_role],
            ),
            (
                &["approvals", "report_signoff_role"][..],
                vec![&a.report_signoff_role],
            ),
            (
                &["governance", "policy_signers"][..],
                self.governance.policy_signers.iter().collect(),
            ),
            (
                &["governance", "waiver_signers"][..],
                self.governance.waiver_signers.iter().collect(),
            ),
        ];
        for (path, named) in roles {
            if let Some(bad) = named.into_iter().find(|r| !ROLES.contains(&r.as_str())) {
                return Err(fail(
                    path,
                    t!("policy.not_role", role = bad, roles = ROLES.join(", ")).into_owned(),
                ));
            }
        }
        self.check_notify(&fail)?;
        self.check_import(&fail)?;
        self.check_meet(&fail)?;
        self.check_cadence(&fail)?;
        let n = &self.naming;
        if let Some(bad) = n
            .campaign_minutes_kinds
            .iter()
            .find(|k| !n.minutes_kinds.contains(k))
        {
            return Err(fail(
                &["naming", "campaign_minutes_kinds"],
                t!("policy.not_kind", kind = bad).into_owned(),
            ));
        }
        if let Some((key, message)) = self.records.check() {
            return Err(fail(&["records", key], message));
        }
        Ok(())
    }

    /// `[import]`: no empty name, and no name meaning two figures.
    fn check_import(
        &self,
        fail: &dyn Fn(&[&str], String) -> PolicyError,
    ) -> Result<(), PolicyError> {
        let mut seen: std::collections::BTreeMap<String, &str> = Default::default();
        for (field, names) in self.import.fields() {
            for name in names {
                let key = column_key(name);
                if key.is_empty() {
                    return Err(fail(
                        &["import", field],
                        t!("results.policy.empty_name").into_owned(),
                    ));
                }
                if let Some(other) = seen.insert(key, field).filter(|o| *o != field) {
                    return Err(fail(
                        &["import", field],
                        t!(
                            "results.policy.twice",
                            name = name,
                            field = field,
                            other = other
                        )
                        .into_owned(),
                    ));
                }
            }
        }
        Ok(())
    }

    /// `[notify]`: quiet hours readable, variables named (not addresses
    /// pasted in), each option on the kind of channel that has it.
    fn check_notify(
        &self,
        fail: &dyn Fn(&[&str], String) -> PolicyError,
    ) -> Result<(), PolicyError> {
        let n = &self.notify;
        if parse_quiet_hours(&n.quiet_hours).is_err() {
            return Err(fail(
                &["notify", "quiet_hours"],
                t!("policy.notify.quiet_hours", value = n.quiet_hours).into_owned(),
            ));
        }
        if !(0..=3650).contains(&n.within_days) {
            return Err(fail(
                &["notify", "within_days"],
                t!("policy.out_of_range", value = n.within_days, max = 3650).into_owned(),
            ));
        }
        let mut names = std::collections::BTreeSet::new();
        for (i, c) in n.channels.iter().enumerate() {
            let at = i.to_string();
            let path = |key: &'static str| ["notify", "channels", at.as_str(), key];
            let name = c.name.trim();
            if name.is_empty() {
                return Err(fail(
                    &path("name"),
                    t!("policy.notify.no_name").into_owned(),
                ));
            }
            if !names.insert(name.to_string()) {
                return Err(fail(
                    &path("name"),
                    t!("policy.notify.same_name", name = name).into_owned(),
                ));
            }
            let vars = [
                ("url_env", Some(&c.url_env)),
                ("secret_env", c.secret_env.as_ref()),
            ];
            for (key, var) in vars {
                if let Some(v) = var.filter(|v| !is_env_name(v)) {
                    let message = if v.contains("://") || v.contains('@') {
                        t!("policy.notify.address_in_policy", key = key, value = v)
                    } else {
                        t!("policy.notify.not_env_name", key = key, value = v)
                    };
                    return Err(fail(&path(key), message.into_owned()));
                }
            }
            let kind = c.kind.key();
            let only = |key: &'static str, has: bool, fits: bool| -> Result<(), PolicyError> {
                if has && !fits {
                    return Err(fail(
                        &path(key),
                        t!("policy.notify.not_for_kind", key = key, kind = kind).into_owned(),
                    ));
                }
                Ok(())
            };
            use ChannelKind as K;
            only(
                "secret_env",
                c.secret_env.is_some(),
                matches!(c.kind, K::Feishu | K::Dingtalk),
            )?;
            only(
                "format",
                c.format.is_some(),
                matches!(c.kind, K::Wecom | K::Dingtalk),
            )?;
            only("to", c.to.is_some(), c.kind == K::Webhook)?;
            only("from", c.from.is_some(), c.kind == K::Email)?;
            if c.kind == K::Email {
                let from = c.from.as_deref().unwrap_or_default();
                if from.parse::<lettre::message::Mailbox>().is_err() {
                    return Err(fail(
                        &path("from"),
                        t!("policy.notify.from", value = from).into_owned(),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The reserve range for `total` (B002, `new-campaign`): the least and
    /// the largest reserve, to the fen, that lie within
    /// `reserve_min_percent`–`reserve_max_percent` of it. The least rounds
    /// up and the largest down, so both ends are themselves in range.
    pub fn reserve_range(&self, total: Money) -> (Money, Money) {
        // In i128: total × percent can overflow i64; the share (percent ≤ 100) fits.
        let t = i128::from(total.fen());
        let min = (t * i128::from(self.budget.reserve_min_percent)).div_euclid(100)
            + i128::from((t * i128::from(self.budget.reserve_min_percent)).rem_euclid(100) != 0);
        let max = (t * i128::from(self.budget.reserve_max_percent)).div_euclid(100);
        (Money(min as i64), Money(max as i64))
    }

    /// Whether `reserve` is within the policy's share of `total`.
    pub fn reserve_in_range(&self, total: Money, reserve: Money) -> bool {
        let (min, max) = self.reserve_range(total);
        min <= reserve && reserve <= max
    }

    /// The days the kickoff may be held (D001, `status`, `new-campaign`):
    /// from `kickoff_days_before_start` before the start to the day before
    /// it; emergency work may hold it up to `emergency_days_after_start`
    /// days after the start.
    pub fn kickoff_window(&self, c: &Campaign) -> (NaiveDate, NaiveDate) {
        let start = c.start.0;
        let from = start - Duration::days(self.deadlines.kickoff_days_before_start);
        let until = if c.emergency {
            start + Duration::days(self.approvals.emergency_days_after_start)
        } else {
            start - Duration::days(1)
        };
        (from, until)
    }

    /// The day a campaign's approval chain must be complete by (A001,
    /// A006): its start, or for emergency work `emergency_days_after_start`
    /// days after it.
    pub fn approve_by(&self, c: &Campaign) -> NaiveDate {
        if c.emergency {
            c.start.0 + Duration::days(self.approvals.emergency_days_after_start)
        } else {
            c.start.0
        }
    }

    /// The last day the closing meeting may be held (D003, `status`).
    pub fn closing_due(&self, c: &Campaign) -> NaiveDate {
        c.end.0 + Duration::days(self.deadlines.closing_days_after_end)
    }

    /// The day an instant falls on in the policy's time zone.
    pub fn day_of(&self, instant: chrono::DateTime<FixedOffset>) -> chrono::NaiveDate {
        instant.with_timezone(&self.zone()).date_naive()
    }

    pub fn zone(&self) -> FixedOffset {
        parse_zone(&self.general.timezone)
            .unwrap_or_else(|| FixedOffset::east_opt(8 * 3600).unwrap())
    }

    /// The roles that approve a campaign budget of `total`, in order
    /// (SPEC 4.4 tiers; the ladder `approvals.tiers`).
    pub fn budget_roles(&self, total: Money) -> Vec<&str> {
        self.approvals.budget_roles(total)
    }
}

mod builtin {
    use super::*;

    pub fn general() -> General {
        Policy::builtin().general.clone()
    }
    pub fn naming() -> Naming {
        Policy::builtin().naming.clone()
    }
    pub fn deadlines() -> Deadlines {
        Policy::builtin().deadlines.clone()
    }
    pub fn budget() -> Budget {
        Policy::builtin().budget.clone()
    }
    pub fn approvals() -> Approvals {
        Policy::builtin().approvals.clone()
    }
    pub fn content() -> Content {
        Policy::builtin().content.clone()
    }
    pub fn governance() -> Governance {
        Policy::builtin().governance.clone()
    }
    pub fn notify() -> Notify {
        Policy::builtin().notify.clone()
    }
    pub fn import() -> Import {
        Policy::builtin().import.clone()
    }
    pub fn contract_readers() -> Vec<String> {
        vec!["director".into(), "finance".into()]
    }
    pub fn customer_readers() -> Vec<String> {
        vec!["director".into(), "supervisor".into()]
    }
    pub fn waiver_signers() -> Vec<String> {
        vec!["director".to_string()]
    }
    pub fn period_markers() -> Vec<String> {
        Policy::builtin().content.period_markers.clone()
    }
    pub fn softer() -> std::collections::BTreeMap<String, String> {
        Policy::builtin().content.softer.clone()
    }
    pub fn exempt_before() -> Vec<String> {
        Policy::builtin().content.exempt_before.clone()
    }
    pub fn rankings() -> Vec<String> {
        Policy::builtin().content.rankings.clone()
    }
    pub fn offer_words() -> Vec<String> {
        Policy::builtin().content.offer_words.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_policy_is_complete_and_valid() {
        // Parsing the raw text without section defaults proves every section is present.
        let table: toml::Table = toml::from_str(DEFAULT_POLICY).unwrap();
        for section in [
            "general",
            "naming",
            "deadlines",
            "budget",
            "approvals",
            "content",
            "governance",
            "notify",
            "import",
        ] {
            assert!(table.contains_key(section), "missing [{section}]");
        }
        let p = Policy::builtin();
        assert_eq!(p.approvals.tiers[0].up_to, Some(Money::from_yuan(50000)));
        assert_eq!(p.budget_roles(Money::from_yuan(50000)), ["supervisor"]);
        assert_eq!(p.budget_roles(Money::from_yuan(50001)), ["director"]);
    }

    #[test]
    fn the_ladder_is_climbed_step_by_step_or_its_covering_step_alone() {
        let three = DEFAULT_POLICY
            .replace("\nevery_step = false\n", "\nevery_step = true\n")
            .replace(
                "[[approvals.tiers]]\nrole = \"director\"\n",
                "[[approvals.tiers]]\nup_to = 500000\nrole = \"director\"\n\n\
                 [[approvals.tiers]]\nrole = \"ceo\"\n",
            );
        let p = Policy::parse(&three, "policy.toml").unwrap();
        let yuan = Money::from_yuan;
        assert_eq!(p.budget_roles(yuan(50000)), ["supervisor"]);
        assert_eq!(p.budget_roles(yuan(50001)), ["supervisor", "director"]);
        assert_eq!(
            p.budget_roles(yuan(600000)),
            ["supervisor", "director", "ceo"]
        );
        assert_eq!(
            p.says("approvals.tiers").as_deref(),
            Some("supervisor ≤ 50000 < director ≤ 500000 < ceo")
        );
        let a = &p.approvals;
        let splits = |totals: &[i64]| {
            let totals: Vec<Money> = totals.iter().map(|&t| yuan(t)).collect();
            a.split_tier(&totals)
                .map(|(t, within)| (t.role.as_str(), within))
        };
        let split = |x, y| splits(&[x, y]).map(|(role, _)| role);
        assert_eq!(split(30000, 30000), Some("supervisor"));
        assert_eq!(split(20000, 30000), None);
        assert_eq!(split(300000, 300000), Some("director"));
        assert_eq!(split(30000, 300000), None, "one alone needs the director");
        assert_eq!(split(600000, 600000), None, "the top step has no limit");
        // Three: the highest step some of them split, and which.
        assert_eq!(
            splits(&[20000, 20000, 20000]),
            Some(("supervisor", vec![0, 1, 2]))
        );
        assert_eq!(
            splits(&[30000, 400000, 30000]),
            Some(("supervisor", vec![0, 2]))
        );
        assert_eq!(
            splits(&[30000, 450000, 30000]),
            Some(("director", vec![0, 1, 2]))
        );
        assert_eq!(
            a.above_top(yuan(900_000_000)),
            None,
            "the top step has no limit"
        );

        // A top step with a limit: above it, nobody.
        let capped = three.replace(
            "[[approvals.tiers]]\nrole = \"ceo\"\n",
            "[[approvals.tiers]]\nup_to = 1000000\nrole = \"ceo\"\n",
        );
        let p = Policy::parse(&capped, "policy.toml").unwrap();
        let top = |x| p.approvals.above_top(yuan(x)).map(|t| t.role.as_str());
        assert_eq!(top(1_000_000), None);
        assert_eq!(top(1_000_001), Some("ceo"));

        // Without every_step the covering step approves alone.
        let alone = three.replace("\nevery_step = true\n", "\nevery_step = false\n");
        let p = Policy::parse(&alone, "policy.toml").unwrap();
        assert_eq!(p.budget_roles(yuan(600000)), ["ceo"]);

        // The older keys, partly written: the missing ones are named.
        let partial = DEFAULT_POLICY
            .replace("\nevery_step = false\n", "\nsupervisor_limit = 50000\n")
            .replace(
                "[[approvals.tiers]]\nup_to = 50000\nrole = \"supervisor\"\n\n",
                "",
            )
            .replace("[[approvals.tiers]]\nrole = \"director\"\n", "");
        let err = Policy::parse(&partial, "policy.toml").unwrap_err();
        assert!(
            err.message
                .contains("missing: below_limit_role, above_limit_role"),
            "{}",
            err.message
        );
    }

    #[test]
    fn import_column_names_have_defaults_and_mean_one_figure() {
        // A policy written before [import] existed takes the built-in names.
        let old = DEFAULT_POLICY
            .split("\n# `mkt results import")
            .next()
            .unwrap();
        let p = Policy::parse(old, "policy.toml").unwrap();
        assert_eq!(p.import.field_of("消耗（元）"), Some("cost"));
        assert_eq!(p.import.field_of("Impressions"), Some("exposure"));
        assert_eq!(p.import.field_of("点击率"), None);
        let twice = DEFAULT_POLICY.replace("clicks = [\"点击\",", "clicks = [\"花费\",");
        let err = Policy::parse(&twice, "policy.toml").unwrap_err();
        assert!(err.message.contains("花费"), "{}", err.message);
        assert_eq!(
            err.at.line,
            twice
                .lines()
                .position(|l| l.starts_with("cost = ["))
                .unwrap()
                + 1
        );
    }

    #[test]
    fn bad_policy_names_line_and_column() {
        let err =
            Policy::parse("[budget]\nreserve_min_percent = \"ten\"\n", "policy.toml").unwrap_err();
        assert_eq!(err.at.line, 2, "{err:?}");
        let err = Policy::parse(
            "[general]\ntimezone = \"Asia/Shanghai\"\nmax_file_bytes = 10\n",
            "policy.toml",
        )
        .unwrap_err();
        assert_eq!((err.at.line, err.at.column), (2, 12), "{err:?}");
    }

    #[test]
    fn a_notify_channel_is_checked_where_it_is_written() {
        let with = |channel: &str| {
            let text = format!("{DEFAULT_POLICY}\n[[notify.channels]]\n{channel}\n");
            let line = text.lines().count() - channel.lines().count();
            (Policy::parse(&text, "policy.toml"), line)
        };
        let (ok, _) = with("name = \"钉钉\"\nkind = \"钉钉\"\nurl_env = \"D\"\nsecret_env = \"S\"");
        assert_eq!(ok.unwrap().notify.channels[2].kind, ChannelKind::Dingtalk);
        for (channel, says) in [
            (
                "name = \"x\"\nkind = \"wecom\"\nurl_env = \"W\"\nsecret_env = \"S\"",
                "has no `secret_env`",
            ),
            (
                "name = \"x\"\nkind = \"email\"\nurl_env = \"M\"",
                "needs `from`",
            ),
            (
                "name = \"x\"\nkind = \"webhook\"\nurl_env = \"my hook\"",
                "not an environment variable",
            ),
            (
                "name = \"邮件\"\nkind = \"webhook\"\nurl_env = \"H\"",
                "two channels are named",
            ),
        ] {
            let (err, first) = with(channel);
            let err = err.unwrap_err();
            assert!(err.message.contains(says), "{channel}: {}", err.message);
            assert!(
                err.at.line >= first,
                "{channel}: line {} ({first})",
                err.at.line
            );
        }
    }

    #[test]
    fn quiet_hours_may_wrap_midnight() {
        let mut n = Policy::builtin().notify.clone();
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert!(n.is_quiet(at(22, 0)) && n.is_quiet(at(7, 59)));
        assert!(!n.is_quiet(at(8, 0)) && !n.is_quiet(at(19, 59)));
        n.quiet_hours = "12:00～13:30".into();
        assert!(n.is_quiet(at(12, 30)) && !n.is_quiet(at(13, 30)));
        n.quiet_hours = String::new();
        assert!(!n.is_quiet(at(3, 0)));
    }

    #[test]
    fn a_reserve_range_names_the_key_that_is_wrong() {
        let line_of = |key: &str| {
            DEFAULT_POLICY
                .lines()
                .position(|l| l.starts_with(key))
                .expect("the key is in the shipped policy")
                + 1
        };
        let with = |min: u32, max: u32| {
            DEFAULT_POLICY
                .lines()
                .map(|l| match l {
                    l if l.starts_with("reserve_min_percent") => {
                        format!("reserve_min_percent = {min}")
                    }
                    l if l.starts_with("reserve_max_percent") => {
                        format!("reserve_max_percent = {max}")
                    }
                    l => l.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        let at = |min, max| {
            Policy::parse(&with(min, max), "policy.toml")
                .unwrap_err()
                .at
                .line
        };
        assert_eq!(at(200, 15), line_of("reserve_min_percent"));
        assert_eq!(at(20, 15), line_of("reserve_min_percent"));
        assert_eq!(at(10, 150), line_of("reserve_max_percent"));
        assert!(Policy::parse(&with(10, 15), "policy.toml").is_ok());
        let zone = DEFAULT_POLICY.replace("timezone = \"+08:00\"", "timezone = \"+-5:00\"");
        let err = Policy::parse(&zone, "policy.toml").unwrap_err();
        assert_eq!(err.at.line, line_of("timezone"), "{err:?}");
    }
}
