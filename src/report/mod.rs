//! The quarterly report (SPEC section 8): the quarter computed into typed
//! rows here, then rendered by one module per format. Nothing here prints.
//!
//! What belongs to a quarter: the campaigns that overlap it (or spent money
//! in it), superseded versions left out and cancelled ones shown as such;
//! spend rows and meetings dated inside it. Amounts to date and KPI totals
//! are as of `as_of` (--today), so a report can be reproduced later.

pub mod attribution;
mod campaigns;
mod channels;
pub mod render;
mod sections;
pub mod status;
mod types;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::model::{ApprovalDecision, Campaign, Money, Quarter};
use crate::repo::{CampaignDir, Record, Repo};
use crate::rules;
use crate::view::View;

pub use attribution::{CampaignAttribution, ChannelCredit, Credit, Model};
pub use render::{csv, grid, html, human, json, markdown, table};
pub use status::{Status, campaign_status};
pub use types::*;

use campaigns::campaign_row;
pub use campaigns::{cpa, decision_word, ratio, roi};
use channels::ChannelAcc;
use sections::{approvals, decisions, findings, meetings};

/// Computes the quarter as of `today` (`now`: the end of that day, or the
/// clock), from the repository as loaded.
pub fn compute(
    repo: &Repo,
    quarter: Quarter,
    today: NaiveDate,
    now: DateTime<FixedOffset>,
) -> QuarterReport {
    let ctx = View::new(repo, today, now);
    let (first, last) = (quarter.first_day(), quarter.last_day());
    let in_quarter = |d: NaiveDate| first <= d && d <= last && d <= today;

    let mut dirs: Vec<(&CampaignDir, &Record<Campaign>)> = repo
        .campaigns()
        .filter(|(_, c)| !ctx.is_superseded(&c.value.id))
        .filter(|(dir, c)| {
            let v = &c.value;
            let overlaps = v.start.0 <= last && v.end.0 >= first;
            let spent_here = dir
                .results
                .as_ref()
                .is_some_and(|r| r.value.spend.iter().any(|s| in_quarter(s.date.0)));
            overlaps || spent_here
        })
        .collect();
    dirs.sort_by(|a, b| (a.1.value.start, &a.1.value.id).cmp(&(b.1.value.start, &b.1.value.id)));

    let mut campaigns = Vec::new();
    let mut channels = ChannelAcc::default();
    let mut problems = Vec::new();
    let mut attribution = Vec::new();
    for (dir, c) in &dirs {
        campaigns.push(campaign_row(
            &ctx,
            dir,
            &c.value,
            &in_quarter,
            &mut channels,
        ));
        if let Some(path) = &dir.touchpoints {
            let text = repo.texts.get(path).map(String::as_str).unwrap_or("");
            let a = attribution::attribute(&c.value.id, path, text, repo.policy.zone());
            problems.extend(a.problems.iter().cloned());
            attribution.push(a);
        }
    }
    let totals = Totals {
        campaigns: campaigns.len(),
        budget: campaigns
            .iter()
            .filter(|c| !matches!(c.status, Status::Cancelled { .. }))
            .map(|c| c.budget)
            .sum(),
        spent_in_quarter: campaigns.iter().map(|c| c.spent_in_quarter).sum(),
        spent_to_date: campaigns.iter().map(|c| c.spent_to_date).sum(),
        reserve_used: campaigns.iter().map(|c| c.reserve_used).sum(),
    };

    let folders: BTreeSet<&str> = dirs.iter().map(|(d, _)| d.folder.as_str()).collect();
    QuarterReport {
        quarter,
        first_day: first,
        last_day: last,
        as_of: today,
        campaigns,
        totals,
        channels: channels.rows(),
        approvals: approvals(&ctx, quarter, now),
        meetings: meetings(&ctx, quarter),
        decisions: decisions(&ctx, quarter),
        findings: findings(&ctx, quarter, &folders),
        problems,
        attribution,
    }
}

/// A person's name from team.toml, or the id itself.
fn name_of(repo: &Repo, id: &str) -> String {
    repo.team
        .person(id)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| id.to_string())
}
