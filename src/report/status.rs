//! A campaign's status. It is derived, never stored (SPEC section 2): from
//! what the files say and the day it is asked on.

use rust_i18n::t;

use crate::approvals;
use crate::model::Campaign;
use crate::view::View;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Not committed yet.
    Draft,
    /// Before its start, its approval chain not complete: the steps waiting.
    AwaitingApproval { waiting: Vec<String> },
    /// Before its start, approved.
    Approved,
    /// Between its start and end dates.
    Running,
    /// Past its end, awaiting its closing meeting.
    Ended,
    /// Its closing meeting (结项验收) was held.
    Closed,
    /// `cancelled` gives a reason.
    Cancelled { reason: String },
    /// A later version replaces it.
    Superseded,
}

impl Status {
    /// The machine word: `running`, `ended` …
    pub fn key(&self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::AwaitingApproval { .. } => "awaiting-approval",
            Status::Approved => "approved",
            Status::Running => "running",
            Status::Ended => "ended",
            Status::Closed => "closed",
            Status::Cancelled { .. } => "cancelled",
            Status::Superseded => "superseded",
        }
    }

    /// For people: `ended (awaiting closing)`.
    pub fn label(&self) -> String {
        match self {
            Status::Draft => t!("report.status.draft"),
            Status::AwaitingApproval { waiting } => {
                let waiting: Vec<String> = waiting
                    .iter()
                    .map(|w| crate::report::grid::role_label(w))
                    .collect();
                let waiting = waiting.join(&*t!("report.list_sep"));
                t!("report.status.awaiting_approval", waiting = waiting)
            }
            Status::Approved => t!("report.status.approved"),
            Status::Running => t!("report.status.running"),
            Status::Ended => t!("report.status.ended"),
            Status::Closed => t!("report.status.closed"),
            Status::Cancelled { .. } => t!("report.status.cancelled"),
            Status::Superseded => t!("report.status.superseded"),
        }
        .into_owned()
    }
}

/// The status of `c` on `ctx.today`: the one place status is worked out.
/// Closed means the closing meeting was held and signed off.
pub fn campaign_status(ctx: &View, c: &Campaign) -> Status {
    if c.is_cancelled() {
        return Status::Cancelled {
            reason: c.cancelled.clone().unwrap_or_default(),
        };
    }
    if ctx.is_superseded(&c.id) {
        return Status::Superseded;
    }
    let repo = ctx.repo;
    let path = format!("{}/campaign.toml", repo.campaign_folder(&c.id));
    let committed = repo.at_head(&path).is_some();
    if !committed {
        return Status::Draft;
    }
    let zone = ctx.policy.zone();
    let closings: Vec<_> = ctx
        .lineage_minutes(c)
        .into_iter()
        .filter(|m| m.value.kind == "closing" && m.value.held_at.date(zone) <= ctx.today)
        .collect();
    let signed = closings.iter().any(|m| {
        approvals::chain_for(repo, &ctx.policy, &m.path).is_some_and(|chain| {
            approvals::progress(repo, &ctx.verification, chain, Some(ctx.now)).complete()
        })
    });
    if signed {
        return Status::Closed;
    }
    if ctx.today < c.start.0 {
        let Some(chain) = approvals::chain_for(repo, &ctx.policy, &path) else {
            return Status::Approved;
        };
        let progress = approvals::progress(repo, &ctx.verification, chain, Some(ctx.now));
        return if progress.complete() {
            Status::Approved
        } else {
            Status::AwaitingApproval {
                waiting: progress
                    .open()
                    .iter()
                    .map(|s| s.name().to_string())
                    .collect(),
            }
        };
    }
    if ctx.today <= c.end.0 {
        Status::Running
    } else {
        Status::Ended
    }
}
