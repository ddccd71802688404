//! `mkt close <ID>`: walks the closing (SPEC 4.2, D003) — the campaign has
//! ended, its results are recorded, the closing minutes are held and
//! committed, and the closing is signed off — and says what is missing,
//! with the command that does each.

use rust_i18n::t;

use serde::Serialize;

use crate::approvals::{self, chain_for};
use crate::error::{Error, Result};
use crate::report::status::{Status, campaign_status};
use crate::view::View;

/// One step of the closing.
#[derive(Debug, Clone, Serialize)]
pub struct ClosingStep {
    /// `ended`, `results`, `closing-minutes`, `committed`, `sign-off`.
    pub step: &'static str,
    pub done: bool,
    /// What it is, or what is missing, for people.
    #[serde(skip)]
    pub shown: String,
    /// The command that does it, when one does.
    pub command: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Closing {
    pub id: String,
    pub status: &'static str,
    pub closing_due: chrono::NaiveDate,
    pub steps: Vec<ClosingStep>,
}

impl Closing {
    pub fn closed(&self) -> bool {
        self.steps.iter().all(|s| s.done)
    }
}

pub fn close(ctx: &View, id: &str) -> Result<Closing> {
    let repo = ctx.repo;
    let Some(c) = repo.campaign(id) else {
        return Err(repo.unknown_campaign(id));
    };
    let v = &c.value;
    match campaign_status(ctx, v) {
        Status::Cancelled { reason } => {
            return Err(Error::user(t!(
                "campaigns.close.cancelled",
                id = id,
                why = reason
            )));
        }
        Status::Superseded => {
            return Err(Error::user(t!("campaigns.close.superseded", id = id)));
        }
        _ => {}
    }
    let zone = ctx.policy.zone();
    let step = |step, done, shown: String, command: Option<String>| ClosingStep {
        step,
        done,
        shown,
        command,
    };
    let mut steps = Vec::new();
    let ended = ctx.today > v.end.0;
    steps.push(step(
        "ended",
        ended,
        if ended {
            t!("campaigns.close.ended", end = v.end).into_owned()
        } else {
            t!("campaigns.close.not_ended", end = v.end).into_owned()
        },
        None,
    ));
    let dir = repo.campaigns.get(id);
    let results = dir.and_then(|d| d.results.as_ref());
    steps.push(step(
        "results",
        results.is_some(),
        match results {
            Some(r) => t!("campaigns.close.results", file = r.path).into_owned(),
            None => t!("campaigns.close.no_results").into_owned(),
        },
        results
            .is_none()
            .then(|| format!("mkt results set {id} exposure=… clicks=… conversions=… revenue=…")),
    ));
    let minutes: Vec<_> = ctx
        .lineage_minutes(v)
        .into_iter()
        .filter(|m| m.value.kind == "closing" && m.value.held_at.date(zone) <= ctx.today)
        .collect();
    let Some(m) = minutes.last() else {
        steps.push(step(
            "closing-minutes",
            false,
            t!(
                "campaigns.close.no_minutes",
                due = ctx.policy.closing_due(v)
            )
            .into_owned(),
            Some(format!(
                "mkt new-minutes --kind closing --campaign {id} --held-at {}T10:00 --attendees {}",
                ctx.today.max(v.end.0),
                v.owner
            )),
        ));
        let (stage, holders) = sign_off_role(ctx);
        steps.push(step(
            "sign-off",
            false,
            t!(
                "campaigns.close.no_sign_off_yet",
                role = stage,
                who = holders
            )
            .into_owned(),
            None,
        ));
        return Ok(done(ctx, v, steps));
    };
    steps.push(step(
        "closing-minutes",
        true,
        t!(
            "campaigns.close.minutes",
            file = m.path,
            day = m.value.held_at.date(zone)
        )
        .into_owned(),
        None,
    ));
    let committed = repo.at_head(&m.path).is_some();
    steps.push(step(
        "committed",
        committed,
        if committed {
            t!("campaigns.close.committed").into_owned()
        } else {
            t!("campaigns.close.not_committed", file = m.path).into_owned()
        },
        (!committed).then(|| {
            format!(
                "git add '{}' && git commit -m '{}'",
                m.path,
                m.value.title.replace('\'', "")
            )
        }),
    ));
    let progress = chain_for(repo, &ctx.policy, &m.path)
        .map(|chain| approvals::progress(repo, &ctx.verification, chain, Some(ctx.now)));
    let signed = progress.as_ref().is_none_or(|p| p.complete());
    let by: Vec<String> = progress
        .iter()
        .flat_map(|p| p.filled.iter().flatten())
        .map(|c| c.approval.approver.clone())
        .collect();
    let (role, holders) = sign_off_role(ctx);
    steps.push(step(
        "sign-off",
        signed,
        if signed {
            t!("campaigns.close.signed", by = by.join(", ")).into_owned()
        } else {
            t!("campaigns.close.no_sign_off", role = role, who = holders).into_owned()
        },
        (!signed).then(|| format!("mkt sign-off {}", m.path)),
    ));
    Ok(done(ctx, v, steps))
}

fn done(ctx: &View, v: &crate::model::Campaign, steps: Vec<ClosingStep>) -> Closing {
    Closing {
        id: v.id.clone(),
        status: campaign_status(ctx, v).key(),
        closing_due: ctx.policy.closing_due(v),
        steps,
    }
}

/// The role that signs a closing off, and who holds it.
fn sign_off_role(ctx: &View) -> (String, String) {
    let role = ctx.policy.approvals.closing_signoff_role.clone();
    let holders: Vec<String> = ctx
        .verification
        .roster
        .at_head()
        .holders(&role)
        .map(|p| p.id.clone())
        .collect();
    (role, holders.join(", "))
}
