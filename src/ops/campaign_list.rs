//! `mkt list` and `mkt show <ID>`: the campaigns with their status, and one
//! campaign whole. Status comes from `report::campaign_status`, what each
//! waits for from `mkt status`'s sources, findings from the rules: nothing
//! here is worked out a second time.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_i18n::t;
use serde::Serialize;

use super::status::{DueItem, StatusOptions, status};
use crate::approvals::{self, chain_for};
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::model::{Campaign, Money, Quarter};
use crate::repo::Repo;
use crate::report::campaign_status;
use crate::view::View;

/// Every status word `--status` takes.
pub const STATUSES: &[&str] = &[
    "draft",
    "awaiting-approval",
    "approved",
    "running",
    "ended",
    "closed",
    "cancelled",
    "superseded",
];

#[derive(Debug, Default)]
pub struct ListOptions {
    pub quarter: Option<Quarter>,
    /// A person's id (already resolved from a name).
    pub owner: Option<String>,
    pub status: Option<String>,
}

/// One campaign in the list.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignLine {
    pub id: String,
    pub title: String,
    pub status: &'static str,
    #[serde(skip)]
    pub status_shown: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelled: Option<String>,
    pub owner: String,
    pub owner_name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub budget: Money,
    /// What it waits for, soonest first (English, as `mkt status --format json`).
    pub waiting_for: Vec<String>,
    #[serde(skip)]
    pub waiting_shown: Vec<String>,
}

/// The person's name in team.toml, or the id.
fn name_of(repo: &Repo, id: &str) -> String {
    repo.team
        .person(id)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| id.to_string())
}

fn line(ctx: &View, c: &Campaign, due: &[DueItem]) -> CampaignLine {
    let s = campaign_status(ctx, c);
    let mine: Vec<&DueItem> = due.iter().filter(|i| i.subject == c.id).collect();
    CampaignLine {
        id: c.id.clone(),
        title: c.title.clone(),
        status: s.key(),
        status_shown: s.label(),
        cancelled: c.cancelled.clone(),
        owner: c.owner.clone(),
        owner_name: name_of(ctx.repo, &c.owner),
        start: c.start.0,
        end: c.end.0,
        budget: c.budget.total,
        waiting_for: mine.iter().map(|i| i.what.clone()).collect(),
        waiting_shown: mine.iter().map(|i| i.what_shown.clone()).collect(),
    }
}

pub fn list(ctx: &View, opts: &ListOptions) -> Result<Vec<CampaignLine>> {
    if let Some(s) = &opts.status
        && !STATUSES.contains(&s.as_str())
    {
        return Err(Error::user(t!("campaigns.list.no_such_status", status = s))
            .hint(t!("campaigns.list.statuses", list = STATUSES.join(", "))));
    }
    let due = status(ctx, &StatusOptions::default()).items;
    let mut out = Vec::new();
    for (_, c) in ctx.repo.campaigns() {
        let v = &c.value;
        if let Some(q) = opts.quarter
            && (v.end.0 < q.first_day() || v.start.0 > q.last_day())
        {
            continue;
        }
        if opts.owner.as_deref().is_some_and(|o| o != v.owner) {
            continue;
        }
        let l = line(ctx, v, &due);
        if opts.status.as_deref().is_some_and(|s| s != l.status) {
            continue;
        }
        out.push(l);
    }
    out.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    Ok(out)
}

/// One step of the campaign's approval chain.
#[derive(Debug, Clone, Serialize)]
pub struct ChainStep {
    pub stage: String,
    /// Who may fill it: a role, or people.
    pub who: String,
    pub approved_by: Option<String>,
    pub approved_by_name: Option<String>,
    pub at: Option<String>,
    pub file: Option<String>,
    /// Who could fill it while it is open (the owner excepted).
    pub can: Vec<String>,
}

/// One approval file of the campaign's plan, as verified.
#[derive(Debug, Clone, Serialize)]
pub struct ApprovalLine {
    pub file: String,
    pub decision: crate::model::ApprovalDecision,
    pub stage: String,
    pub approver: String,
    pub at: Option<String>,
    pub trusted: bool,
    pub current: bool,
    pub comment: String,
    /// For a deputy's approval: the person they stood in for (职务代理).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpendLine {
    pub category: String,
    pub allocated: Money,
    pub spent: Money,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryLine {
    pub commit: String,
    pub date: NaiveDate,
    pub author: String,
    pub subject: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: &'static str,
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// One campaign whole (`mkt show`).
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    #[serde(flatten)]
    pub line: CampaignLine,
    pub objective: String,
    pub emergency: bool,
    pub supersedes: Option<String>,
    pub file: String,
    pub allocation: BTreeMap<String, Money>,
    pub phases: Vec<(String, NaiveDate, NaiveDate, String)>,
    pub chain: Vec<ChainStep>,
    pub approvals: Vec<ApprovalLine>,
    pub deadlines: Vec<DueItem>,
    pub findings: Vec<Finding>,
    pub spent: Money,
    pub spend: Vec<SpendLine>,
    pub history: Vec<HistoryLine>,
}

pub fn show(ctx: &View, id: &str, findings: &[Diagnostic]) -> Result<Shown> {
    let repo = ctx.repo;
    let Some(c) = repo.campaign(id) else {
        return Err(repo.unknown_campaign(id));
    };
    let v = &c.value;
    let due = status(ctx, &StatusOptions::default()).items;
    let line = line(ctx, v, &due);
    let deadlines = due.into_iter().filter(|i| i.subject == v.id).collect();
    let verification = &ctx.verification;
    let time = |t: Option<chrono::DateTime<chrono::FixedOffset>>| {
        t.map(|t| {
            t.with_timezone(&ctx.policy.zone())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
    };
    let mut chain = Vec::new();
    if let Some(ch) = chain_for(repo, &ctx.policy, &c.path) {
        let p = approvals::progress(repo, verification, ch.clone(), Some(ctx.now));
        for (stage, filled) in ch.stages.iter().zip(&p.filled) {
            let can: Vec<String> = match stage.role_name() {
                Some(role) => {
                    let roster = verification.roster.at_head();
                    let mut can: Vec<String> = roster
                        .holders(role)
                        .filter(|x| Some(&x.id) != ch.owner.as_ref())
                        .map(|x| x.id.clone())
                        .collect();
                    // A deputy standing in today (职务代理).
                    let owner = ch.owner.as_deref();
                    for d in crate::ops::delegate::deputies(roster, role, ctx.today, owner) {
                        if !can.contains(&d) {
                            can.push(d);
                        }
                    }
                    can
                }
                None => stage.people().to_vec(),
            };
            chain.push(ChainStep {
                stage: stage.name().to_string(),
                who: stage.who(),
                approved_by: filled.map(|f| f.approval.approver.clone()),
                approved_by_name: filled.map(|f| match f.approval.on_behalf_of {
                    Some(_) => f.by_name(&repo.team),
                    None => name_of(repo, &f.approval.approver),
                }),
                at: filled.and_then(|f| time(f.time)),
                file: filled.map(|f| f.path.clone()),
                can: if filled.is_some() { Vec::new() } else { can },
            });
        }
    }
    let approvals = verification
        .of_subject(&c.path)
        .map(|a| ApprovalLine {
            file: a.path.clone(),
            decision: a.approval.decision,
            stage: a.approval.stage.clone(),
            approver: a.approval.approver.clone(),
            at: time(a.time),
            trusted: a.trusted(),
            current: approvals::current(repo, a),
            comment: a.approval.comment.clone(),
            on_behalf_of: a.approval.on_behalf_of.clone(),
        })
        .collect();
    let folder = format!("{}/", repo.campaign_folder(id));
    let findings = findings
        .iter()
        .filter(|d| d.at.file.starts_with(&folder) && d.waived.is_none())
        .map(|d| Finding {
            code: d.code(),
            severity: d.severity.as_str(),
            file: d.at.file.clone(),
            line: d.at.line,
            message: d.message.clone(),
        })
        .collect();
    let spend_records: Vec<_> = repo
        .campaigns
        .get(id)
        .and_then(|d| d.results.as_ref())
        .map(|r| r.value.spend.clone())
        .unwrap_or_default();
    let mut by: BTreeMap<String, Money> = BTreeMap::new();
    for s in &spend_records {
        let e = by.entry(s.category.clone()).or_default();
        *e = *e + s.amount;
    }
    let spent = spend_records.iter().map(|s| s.amount).sum();
    let mut spend: Vec<SpendLine> = v
        .budget
        .allocation
        .iter()
        .map(|(k, a)| SpendLine {
            category: k.clone(),
            allocated: *a,
            spent: by.remove(k).unwrap_or_default(),
        })
        .collect();
    spend.extend(by.into_iter().map(|(k, s)| SpendLine {
        category: k,
        allocated: Money::ZERO,
        spent: s,
    }));
    let history = crate::git::folder_history(&repo.git, &repo.campaign_folder(id))
        .map_err(|e| Error::user(t!("repo.reading_history", why = e)))?
        .into_iter()
        .map(|h| HistoryLine {
            commit: h.oid.to_string()[..10].to_string(),
            date: ctx.day_of(h.time),
            author: h.author,
            subject: h.subject,
        })
        .collect();
    Ok(Shown {
        line,
        objective: v.objective.clone(),
        emergency: v.emergency,
        supersedes: v.supersedes.clone(),
        file: c.path.clone(),
        allocation: v.budget.allocation.clone(),
        phases: v
            .phases
            .iter()
            .map(|p| (p.name.clone(), p.start.0, p.end.0, p.owner.clone()))
            .collect(),
        chain,
        approvals,
        deadlines,
        findings,
        spent,
        spend,
        history,
    })
}
