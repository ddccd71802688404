//! Approval chains, from the policy only (SPEC 4.4): who must approve a
//! subject, in which order, by when.

use chrono::NaiveDate;

use crate::model::{Money, Quarter};
use crate::policy::Policy;
use crate::repo::{Kind, Repo, classify};

/// What is being approved or signed off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SubjectKind {
    /// A campaign's budget (campaign.toml).
    Campaign,
    /// Emergency work, approved after the fact by the emergency group.
    Emergency,
    /// A purchase request (采购).
    Purchase,
    /// Closing acceptance: the closing minutes (结项验收).
    Closing,
    /// Other minutes: an attendee or the chair signs them off.
    Minutes,
    /// Copy: legal review (法务审核).
    Copy,
    /// A quarterly report as filed.
    Report,
}

/// One step of a chain: who may fill it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Anyone holding the role (its name is the stage's name).
    Role(String),
    /// The meeting's chair signs its minutes off.
    Chair(String),
    /// Any attendee signs the minutes off (a meeting without a chair).
    Attendee(Vec<String>),
}

impl Stage {
    fn role(role: &str) -> Stage {
        Stage::Role(role.to_string())
    }

    /// The name written in approval files' `stage`.
    pub fn name(&self) -> &str {
        match self {
            Stage::Role(r) => r,
            Stage::Chair(_) => "chair",
            Stage::Attendee(_) => "attendee",
        }
    }

    /// The role the approver must hold, if the step is by role.
    pub fn role_name(&self) -> Option<&str> {
        match self {
            Stage::Role(r) => Some(r),
            _ => None,
        }
    }

    /// The people who may fill the step, if it is by person.
    pub fn people(&self) -> &[String] {
        match self {
            Stage::Role(_) => &[],
            Stage::Chair(p) => std::slice::from_ref(p),
            Stage::Attendee(p) => p,
        }
    }

    /// Who may fill the step, for messages: `the director` or `li.na or wang.fang`.
    pub fn who(&self) -> String {
        match self.role_name() {
            Some(r) => format!("a {r}"),
            None => self.people().join(" or "),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Chain {
    pub kind: SubjectKind,
    /// The subject's repository path.
    pub subject: String,
    pub stages: Vec<Stage>,
    /// Steps must be approved in order (purchases).
    pub ordered: bool,
    /// By when the chain must be complete.
    pub due: Option<NaiveDate>,
    /// Who may not approve it: the owner or requester.
    pub owner: Option<String>,
    /// The campaign the subject belongs to, if any.
    pub campaign: Option<String>,
    /// Where its approval files go.
    pub approvals_dir: String,
    /// A budget above the ladder's top step: its total and that step's
    /// `up_to`. Nobody may approve it; the chain is never complete.
    pub above_top: Option<AboveTop>,
}

/// A budget above the top step of the ladder (`approvals.tiers`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AboveTop {
    pub total: Money,
    pub role: String,
    pub up_to: Money,
}

impl AboveTop {
    /// What is wrong, for people (A003, `mkt approve`, `mkt status`).
    pub fn message(&self) -> String {
        rust_i18n::t!(
            "tiers16.above_top.message",
            total = self.total,
            role = self.role,
            up_to = self.up_to
        )
        .into_owned()
    }

    /// The fix, for people.
    pub fn help(&self) -> String {
        rust_i18n::t!(
            "tiers16.above_top.help",
            total = self.total,
            role = self.role,
            up_to = self.up_to
        )
        .into_owned()
    }
}

/// The chain a subject (a repository path) needs under `policy` (the one in
/// force: see `Verification::policy_at_head`), if it needs one.
pub fn chain_for(repo: &Repo, policy: &Policy, subject: &str) -> Option<Chain> {
    let a = &policy.approvals;
    let kind = classify(subject);
    let campaign_dir = |folder: &str| format!("{}/approvals", repo.campaign_folder(folder));
    match kind {
        Kind::Campaign { folder } => {
            let c = &repo.campaigns.get(&folder)?.campaign.as_ref()?.value;
            let mut above_top = None;
            let (kind, stages, ordered) = if c.emergency {
                (
                    SubjectKind::Emergency,
                    a.emergency_group.iter().map(|r| Stage::role(r)).collect(),
                    false,
                )
            } else {
                // The ladder's steps up to the one covering the total, in
                // order (`approvals.every_step`), or that step's alone.
                let roles = policy.budget_roles(c.budget.total);
                let ordered = roles.len() > 1;
                above_top = policy
                    .approvals
                    .above_top(c.budget.total)
                    .map(|t| AboveTop {
                        total: c.budget.total,
                        role: t.role.clone(),
                        up_to: t.up_to.unwrap_or_default(),
                    });
                (
                    SubjectKind::Campaign,
                    roles.into_iter().map(Stage::role).collect(),
                    ordered,
                )
            };
            let due = policy.approve_by(c);
            Some(Chain {
                kind,
                subject: subject.to_string(),
                stages,
                ordered,
                due: Some(due),
                owner: Some(c.owner.clone()),
                campaign: Some(c.id.clone()),
                approvals_dir: campaign_dir(&folder),
                above_top,
            })
        }
        Kind::Purchase { folder } => {
            let p = &repo
                .campaigns
                .get(&folder)?
                .purchases
                .iter()
                .find(|p| p.path == subject)?
                .value;
            Some(Chain {
                kind: SubjectKind::Purchase,
                subject: subject.to_string(),
                stages: a.purchase_chain.iter().map(|r| Stage::role(r)).collect(),
                ordered: true,
                due: Some(p.needed_by.0),
                owner: Some(p.requested_by.clone()),
                campaign: Some(folder.clone()),
                approvals_dir: campaign_dir(&folder),
                above_top: None,
            })
        }
        Kind::CampaignMinutes { ref folder } | Kind::DeptMinutes { year: ref folder } => {
            let in_campaign = matches!(kind, Kind::CampaignMinutes { .. });
            let minutes = if in_campaign {
                &repo.campaigns.get(folder)?.minutes
            } else {
                &repo.dept_minutes
            };
            let m = &minutes.iter().find(|m| m.path == subject)?.value;
            let approvals_dir = if in_campaign {
                campaign_dir(folder)
            } else {
                "approvals".to_string()
            };
            if m.kind == "closing" && in_campaign {
                let c = repo.campaign(folder).map(|c| &c.value);
                return Some(Chain {
                    kind: SubjectKind::Closing,
                    subject: subject.to_string(),
                    stages: vec![Stage::role(&a.closing_signoff_role)],
                    ordered: false,
                    due: c.map(|c| policy.closing_due(c)),
                    owner: None,
                    campaign: Some(folder.clone()),
                    approvals_dir,
                    above_top: None,
                });
            }
            let stage = match &m.chair {
                Some(chair) => Stage::Chair(chair.clone()),
                None => Stage::Attendee(m.attendees.clone()),
            };
            Some(Chain {
                kind: SubjectKind::Minutes,
                subject: subject.to_string(),
                stages: vec![stage],
                ordered: false,
                due: None,
                owner: None,
                campaign: in_campaign.then(|| folder.clone()),
                approvals_dir,
                above_top: None,
            })
        }
        Kind::Content { folder } => {
            let c = repo.campaign(&folder).map(|c| &c.value);
            Some(Chain {
                kind: SubjectKind::Copy,
                subject: subject.to_string(),
                stages: vec![Stage::role(&a.copy_signoff_role)],
                ordered: false,
                due: c.map(|c| c.start.0),
                owner: None,
                campaign: Some(folder.clone()),
                approvals_dir: campaign_dir(&folder),
                above_top: None,
            })
        }
        Kind::Report { year, quarter } => Some(Chain {
            kind: SubjectKind::Report,
            subject: subject.to_string(),
            stages: vec![Stage::role(&a.report_signoff_role)],
            ordered: false,
            due: Some(
                Quarter { year, q: quarter }
                    .days_after_end(policy.deadlines.report_days_after_quarter),
            ),
            owner: None,
            campaign: None,
            approvals_dir: "approvals".to_string(),
            above_top: None,
        }),
        _ => None,
    }
}
