//! A campaign's status. It is derived, never stored (SPEC section 2): from
//! what the files say and the day it is asked on.

use crate::model::Campaign;
use crate::rules::Ctx;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Not started yet.
    Planned,
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
            Status::Planned => "planned",
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
            Status::Ended => "ended (awaiting closing)".to_string(),
            other => other.key().to_string(),
        }
    }
}

/// The status of `c` on `ctx.today`.
///
/// The one place status is worked out. Approvals will add draft, awaiting
/// approval (and which stage) and approved before `Planned`/`Running`.
pub fn campaign_status(ctx: &Ctx, c: &Campaign) -> Status {
    if c.is_cancelled() {
        return Status::Cancelled {
            reason: c.cancelled.trim().to_string(),
        };
    }
    if ctx.is_superseded(&c.id) {
        return Status::Superseded;
    }
    let zone = ctx.policy.zone();
    let closed = ctx
        .lineage_minutes(c)
        .iter()
        .any(|m| m.value.kind == "closing" && m.value.held_at.date(zone) <= ctx.today);
    if closed {
        Status::Closed
    } else if ctx.today < c.start.0 {
        Status::Planned
    } else if ctx.today <= c.end.0 {
        Status::Running
    } else {
        Status::Ended
    }
}
