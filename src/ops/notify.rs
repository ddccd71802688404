//! `mkt notify`: who is told what. From what `mkt status` computes, each
//! person's own due items and one digest for the group chats; with
//! `--since`, what happened to the approval chains between two commits
//! (a step now waiting, a step approved or rejected). Nothing here sends,
//! prints or reads the clock.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;

use crate::approvals::{Progress, chain_for, progress};
use crate::ops::status::{
    DueItem, StatusOptions, approval_subjects, approvals_waiting, status, step_for,
};
use crate::view::View;

/// One message's content: what is due for a person (or, without one, for
/// the whole department), or what happened to their approvals.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    /// The person it is for; `None`: the group's digest.
    pub person: Option<String>,
    pub items: Vec<DueItem>,
    pub events: Vec<Event>,
}

/// What happened to an approval chain since the commit asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// A step is open now that was not: its approvers are told.
    Waiting,
    /// A step was approved or signed off: the owner is told.
    Approved,
    /// The latest word on the subject is no: the owner is told.
    Rejected,
}

#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub kind: EventKind,
    /// A campaign ID, or the subject's path.
    pub subject: String,
    /// The subject's file.
    pub file: String,
    /// What the step is (English, for JSON).
    pub what: String,
    /// What the step is, for people, in the language spoken.
    #[serde(skip)]
    pub what_shown: String,
    /// The stage (a role, `chair`, `attendee`).
    pub stage: String,
    /// Who approved or rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub comment: String,
    /// The chain is complete with this approval.
    pub complete: bool,
    /// By when the chain must be complete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// Who is told.
    pub people: Vec<String>,
    /// What makes it this event and no other (the approval file, or the
    /// step waiting): it is sent once.
    pub key: String,
}

/// Each person's due items (within `within` days; overdue always), in the
/// roster's order, then the group's digest of all of them. People with
/// nothing due get nothing.
pub fn due(ctx: &View, within: i64) -> Vec<Notice> {
    let all = status(
        ctx,
        &StatusOptions {
            person: None,
            within: Some(within),
        },
    )
    .items;
    let mut out: Vec<Notice> = ctx
        .repo
        .team
        .people
        .iter()
        .filter_map(|p| {
            let items: Vec<DueItem> = all.iter().filter(|i| i.concerns(&p.id)).cloned().collect();
            (!items.is_empty()).then(|| Notice {
                person: Some(p.id.clone()),
                items,
                events: Vec::new(),
            })
        })
        .collect();
    if !all.is_empty() {
        out.push(Notice {
            person: None,
            items: all,
            events: Vec::new(),
        });
    }
    out
}

/// The approval events from `before` (the commit `--since` names) to
/// `after`, as notices: each person's own, then all of them for the group.
pub fn since(before: &View, after: &View) -> Vec<Notice> {
    let events = events(before, after);
    let mut out: Vec<Notice> = after
        .repo
        .team
        .people
        .iter()
        .filter_map(|p| {
            let mine: Vec<Event> = events
                .iter()
                .filter(|e| e.people.contains(&p.id))
                .cloned()
                .collect();
            (!mine.is_empty()).then(|| Notice {
                person: Some(p.id.clone()),
                items: Vec::new(),
                events: mine,
            })
        })
        .collect();
    if !events.is_empty() {
        out.push(Notice {
            person: None,
            items: Vec::new(),
            events,
        });
    }
    out
}

/// Steps waiting at `after` that were not at `before`; approvals and
/// rejections that count at `after` and did not at `before`. The chains
/// are the ones `mkt status` and `mkt verify` judge, at each commit.
pub fn events(before: &View, after: &View) -> Vec<Event> {
    let key = |i: &DueItem| (i.file.clone(), i.what.clone());
    let waited: BTreeSet<(String, String)> = approvals_waiting(before).iter().map(key).collect();
    let mut out: Vec<Event> = approvals_waiting(after)
        .into_iter()
        .filter(|i| !waited.contains(&key(i)))
        .map(|i| Event {
            kind: EventKind::Waiting,
            key: format!("waiting {} {}", i.file, i.what),
            subject: i.subject,
            file: i.file,
            what: i.what,
            what_shown: i.what_shown,
            stage: i.role.unwrap_or_default(),
            by: None,
            comment: String::new(),
            complete: false,
            due: Some(i.due),
            people: i.people,
        })
        .collect();
    for subject in approval_subjects(after) {
        let Some(now) = chain_progress(after, &subject) else {
            continue;
        };
        let counted: BTreeSet<String> = chain_progress(before, &subject)
            .map(|p| {
                p.filled
                    .iter()
                    .flatten()
                    .chain(p.rejected.iter())
                    .map(|c| c.path.clone())
                    .collect()
            })
            .unwrap_or_default();
        let (what, what_shown) = step_for(now.chain.kind);
        let shown = now
            .chain
            .campaign
            .clone()
            .unwrap_or_else(|| subject.clone());
        let owner: Vec<String> = now.chain.owner.iter().cloned().collect();
        let complete = now.complete();
        let news = now
            .chain
            .stages
            .iter()
            .zip(&now.filled)
            .filter_map(|(s, f)| f.map(|c| (EventKind::Approved, s.name().to_string(), c)))
            .chain(
                now.rejected
                    .map(|c| (EventKind::Rejected, c.approval.stage.clone(), c)),
            )
            .filter(|(_, _, c)| !counted.contains(&c.path));
        for (kind, stage, c) in news {
            out.push(Event {
                kind,
                key: format!("{} {}", kind_key(kind), c.path),
                subject: shown.clone(),
                file: subject.clone(),
                what: what.to_string(),
                what_shown: what_shown.clone(),
                stage,
                by: Some(c.approval.approver.clone()),
                comment: c.approval.comment.trim().to_string(),
                complete: complete && kind == EventKind::Approved,
                due: now.chain.due,
                people: owner.clone(),
            });
        }
    }
    out
}

fn kind_key(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Waiting => "waiting",
        EventKind::Approved => "approved",
        EventKind::Rejected => "rejected",
    }
}

fn chain_progress<'v>(ctx: &'v View, subject: &str) -> Option<Progress<'v>> {
    let chain = chain_for(ctx.repo, &ctx.policy, subject)?;
    Some(progress(ctx.repo, &ctx.verification, chain, Some(ctx.now)))
}
