//! One view of the repository per run: the loaded records, their
//! verification (built once, before any rule asks), and the moment of the
//! check. Rules, the report and the commands read only this.

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::approvals::Verification;
use crate::model::{Campaign, Minutes};
use crate::policy::Policy;
use crate::repo::{CampaignDir, Record, Repo};

pub struct View<'a> {
    pub repo: &'a Repo,
    /// The policy as it applies: policy.toml as written, except that who
    /// may approve and who may change the policy (`[approvals]`,
    /// `[governance]`) are those of the policy in force (signed, S007).
    pub policy: Policy,
    /// Every approval, sign-off and roster change in history, verified.
    pub verification: Verification,
    /// The day of the check, in the policy's time zone.
    pub today: NaiveDate,
    pub now: DateTime<FixedOffset>,
    superseded: BTreeSet<&'a str>,
    /// Only these campaign families are judged campaign by campaign
    /// (`lint --since` over a change inside them); `None`: all.
    families: Option<BTreeSet<String>>,
}

impl<'a> View<'a> {
    pub fn new(repo: &'a Repo, today: NaiveDate, now: DateTime<FixedOffset>) -> View<'a> {
        View::with_verification(
            repo,
            crate::approvals::verify(repo, repo.trust_root),
            today,
            now,
        )
    }

    /// A view over a verification already made (with a progress bar, say).
    pub fn with_verification(
        repo: &'a Repo,
        verification: Verification,
        today: NaiveDate,
        now: DateTime<FixedOffset>,
    ) -> View<'a> {
        View {
            repo,
            policy: verification.policy_at_head().clone(),
            verification,
            today,
            now,
            superseded: repo.superseded(),
            families: None,
        }
    }

    /// The same view, judging only the campaigns of these families one by
    /// one (what every rule reads across campaigns stays whole).
    pub fn only_families(mut self, families: BTreeSet<String>) -> View<'a> {
        self.families = Some(families);
        self
    }

    /// The day an instant falls on in the policy's time zone: every date
    /// mkt compares or prints is this day, whatever offset a writer or a
    /// committer used.
    pub fn day_of(&self, instant: DateTime<FixedOffset>) -> NaiveDate {
        self.policy.day_of(instant)
    }

    pub fn is_superseded(&self, id: &str) -> bool {
        self.superseded.contains(id)
    }

    /// Campaigns the deadline rules apply to: not cancelled, not superseded.
    pub fn live_campaigns(
        &self,
    ) -> impl Iterator<Item = (&'a CampaignDir, &'a Record<Campaign>)> + '_ {
        self.repo.campaigns().filter(move |(dir, c)| {
            !c.value.is_cancelled()
                && !self.is_superseded(&c.value.id)
                && self
                    .families
                    .as_ref()
                    .is_none_or(|f| f.contains(crate::model::family(&dir.folder)))
        })
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
