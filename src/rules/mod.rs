//! The rules of SPEC section 7. Each family lives in its own file; each rule
//! is declared there with `declare_rule!`, whose doc comment *is* the text of
//! `mkt explain CODE`. Codes are assigned here, in `RULES`, and never reused.

mod approval;
mod budget;
mod content;
mod deadline;
mod file;
mod incident;
mod naming;
mod signature;

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::diag::Diagnostic;
use crate::model::{Campaign, Minutes};
use crate::policy::Policy;
use crate::repo::{CampaignDir, Record, Repo};

pub use approval::{A001, A002, A003, A004, A005, A006, per_approval};
pub use budget::{B001, B002, B003};
pub use content::{C001, C002, C003, C004, is_age};
pub use deadline::{
    D001, D002, D003, D004, D005, D006, D007, closing_due, first_activity, kickoff_window,
    minutes_timing,
};
pub use file::{F001, F002, F003, F004};
pub use incident::D008;
pub use naming::{CampaignId, N001, N002, N003, check_name, parse_campaign_id};
pub use signature::{S001, S002, S003, S004, S005, rule_of, verdict};

pub use crate::diag::Rule;
pub(crate) use crate::declare_rule;

/// Every rule mkt checks, in code order.
pub static RULES: &[&Rule] = &[
    &F001, &F002, &F003, &F004, &N001, &N002, &N003, &D001, &D002, &D003, &D004, &D005, &D006,
    &D007, &D008, &B001, &B002, &B003, &A001, &A002, &A003, &A004, &A005, &A006, &S001, &S002,
    &S003, &S004, &S005, &C001, &C002, &C003, &C004,
];

pub fn lookup(code: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code) || r.name == code)
}

/// What every rule sees: the loaded repository and the moment of the check.
pub struct Ctx<'a> {
    pub repo: &'a Repo,
    pub policy: &'a Policy,
    pub today: NaiveDate,
    pub now: DateTime<FixedOffset>,
    superseded: BTreeSet<&'a str>,
}

impl<'a> Ctx<'a> {
    pub fn new(repo: &'a Repo, today: NaiveDate, now: DateTime<FixedOffset>) -> Ctx<'a> {
        Ctx {
            repo,
            policy: &repo.policy,
            today,
            now,
            superseded: repo.superseded(),
        }
    }

    pub fn is_superseded(&self, id: &str) -> bool {
        self.superseded.contains(id)
    }

    /// Campaigns the deadline rules apply to: not cancelled, not superseded.
    pub fn live_campaigns(
        &self,
    ) -> impl Iterator<Item = (&'a CampaignDir, &'a Record<Campaign>)> + '_ {
        self.repo
            .campaigns()
            .filter(move |(_, c)| !c.value.is_cancelled() && !self.is_superseded(&c.value.id))
    }

    /// Minutes of a campaign and of every version it supersedes: a meeting
    /// held for V1 still counts once V2 replaces it.
    pub fn lineage_minutes(&self, campaign: &'a Campaign) -> Vec<&'a Record<Minutes>> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        let mut id = Some(campaign.id.as_str());
        while let Some(cur) = id {
            if !seen.insert(cur) {
                break;
            }
            let Some(dir) = self.repo.campaigns.get(cur) else {
                break;
            };
            out.extend(dir.minutes.iter());
            id = dir.campaign.as_ref().and_then(|c| c.value.supersedes());
        }
        out
    }
}

/// Runs every rule and returns all findings, sorted.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    file::check(ctx, &mut out);
    naming::check(ctx, &mut out);
    deadline::check(ctx, &mut out);
    budget::check(ctx, &mut out);
    approval::check(ctx, &mut out);
    signature::check(ctx, &mut out);
    incident::check(ctx, &mut out);
    content::check(ctx, &mut out);
    crate::diag::sort(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_explained() {
        let mut codes = BTreeSet::new();
        for r in RULES {
            assert!(codes.insert(r.code), "{} is declared twice", r.code);
            let text = r.explanation();
            for section in ["## What it checks", "## Why", "## Example", "## Fix"] {
                assert!(
                    text.contains(section),
                    "{} has no `{section}` in its explanation",
                    r.code
                );
            }
            assert!(
                r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                r.name
            );
        }
    }
}
