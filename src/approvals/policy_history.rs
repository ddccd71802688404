//! The policy in force at each commit (issue 10, invariant 4): policy.toml is
//! governed like the roster. The policy at the trust root (or the built-in
//! one, before any policy.toml) counts as it is; a later change counts only
//! in a commit signed by someone who, in the roster before it, holds one of
//! the roles `[governance] policy_signers` names in the policy before it.
//! A change that does not count is ignored for every approval.

use rust_i18n::t;
use std::collections::HashMap;

use chrono::NaiveDate;

use super::lineage;
use super::roster::{Ancestry, RosterHistory, key_valid_on};
use super::sigs::SigOutcome;
use crate::git::{Oid, Walk};
use crate::policy::Policy;

/// One version of the policy that counted.
#[derive(Debug, Clone)]
pub struct PolicyVersion {
    pub policy: Policy,
    pub blob: Option<Oid>,
    /// The commit that made it (index into the walk); none: built in.
    pub commit: Option<usize>,
    derived_from: Option<usize>,
}

/// A change of policy.toml in history, and whether it counted.
#[derive(Debug, Clone)]
pub struct PolicyChange {
    pub commit: usize,
    pub accepted: bool,
    pub signer: Option<String>,
    pub problem: Option<String>,
}

#[derive(Debug, Default)]
pub struct PolicyHistory {
    pub versions: Vec<PolicyVersion>,
    /// The version in force after each commit.
    pub at_commit: Vec<usize>,
    pub changes: Vec<PolicyChange>,
}

impl PolicyHistory {
    /// The version in force for a commit: its first parent's.
    pub fn before(&self, walk: &Walk, index: &HashMap<Oid, usize>, commit: usize) -> usize {
        lineage::before(&walk.commits[commit], index, &self.at_commit)
    }

    pub fn at_head(&self) -> &PolicyVersion {
        &self.versions[self.at_commit.last().copied().unwrap_or(0)]
    }

    fn derives(&self, v: usize, ancestor: usize) -> bool {
        lineage::derives(|k| self.versions[k].derived_from, v, ancestor)
    }
}

/// What the history's policy versions are read with.
pub struct Inputs<'a> {
    pub repo: &'a crate::git::Repository,
    pub walk: &'a Walk,
    pub index: &'a HashMap<Oid, usize>,
    pub ancestry: &'a Ancestry,
    pub sigs: &'a HashMap<Oid, SigOutcome>,
    pub roster: &'a RosterHistory,
    pub cap: usize,
}

/// Works out the policy in force at every commit.
pub fn build(inp: &Inputs, day_of: impl Fn(usize) -> NaiveDate) -> PolicyHistory {
    let walk = inp.walk;
    let mut h = PolicyHistory {
        versions: vec![PolicyVersion {
            policy: Policy::builtin().clone(),
            blob: None,
            commit: None,
            derived_from: None,
        }],
        ..PolicyHistory::default()
    };
    let changed: HashMap<usize, Option<Oid>> = walk
        .changes
        .iter()
        .filter(|c| c.path == "policy.toml")
        .map(|c| (c.commit, c.new))
        .collect();
    for (k, meta) in walk.commits.iter().enumerate() {
        let parents = lineage::parent_versions(meta, inp.index, &h.at_commit);
        let base = parents.first().copied().unwrap_or(0);
        let Some(&blob) = changed.get(&k) else {
            h.at_commit.push(base);
            continue;
        };
        let as_is = inp.ancestry.before_trust[k];
        // A merge taking a policy that counted on its other side, made from
        // the main line's: nothing new to sign.
        if !as_is
            && let Some(&v) = parents[1.min(parents.len())..]
                .iter()
                .find(|&&v| h.versions[v].blob == blob && h.derives(v, base))
        {
            h.at_commit.push(v);
            continue;
        }
        let verdict = if as_is {
            Ok(None)
        } else if !inp.ancestry.descends[k] {
            Err(t!("verdict.not_from_trust_root").into_owned())
        } else {
            signed_by_governor(inp, &h.versions[base].policy, k, day_of(k))
        };
        let mut change = PolicyChange {
            commit: k,
            accepted: false,
            signer: None,
            problem: None,
        };
        let read = verdict.and_then(|signer| {
            change.signer = signer;
            read_policy(inp.repo, blob, inp.cap)
        });
        match read {
            Ok(policy) => {
                change.accepted = true;
                h.versions.push(PolicyVersion {
                    policy,
                    blob,
                    commit: Some(k),
                    derived_from: Some(base),
                });
                h.at_commit.push(h.versions.len() - 1);
            }
            Err(why) => {
                change.problem = Some(why);
                h.at_commit.push(base);
            }
        }
        if !as_is {
            h.changes.push(change);
        }
    }
    h
}

/// The person (id) who signed commit `k`, when they may change `policy`.
fn signed_by_governor(
    inp: &Inputs,
    policy: &Policy,
    k: usize,
    day: NaiveDate,
) -> Result<Option<String>, String> {
    let meta = &inp.walk.commits[k];
    let key = match inp.sigs.get(&meta.oid) {
        Some(SigOutcome::Good(key)) => key,
        Some(SigOutcome::Bad(why)) => return Err(why.clone()),
        Some(SigOutcome::Unsigned) | None => return Err("not signed".into()),
    };
    let roster = inp.roster.before(inp.walk, inp.index, k);
    let Some((person, entry)) = roster.owner_of(key) else {
        return Err(t!("verdict.key_not_in_roster").into_owned());
    };
    let roles = &policy.governance.policy_signers;
    if !roles.iter().any(|r| person.has_role(r)) {
        let roles = roles
            .iter()
            .map(|r| t!("verdict.role_a", role = r).into_owned())
            .collect::<Vec<_>>()
            .join(&t!("verdict.roles_or"));
        return Err(t!("verdict.not_policy_signer", id = person.id, roles = roles).into_owned());
    }
    if !key_valid_on(entry, day) {
        return Err(format!(
            "signed by {} with a key outside its validity dates",
            person.id
        ));
    }
    Ok(Some(person.id.clone()))
}

/// A policy version from history (none: policy.toml removed, the built-in
/// policy applies), read only when it is at most `cap` bytes.
fn read_policy(
    repo: &crate::git::Repository,
    blob: Option<Oid>,
    cap: usize,
) -> Result<Policy, String> {
    let Some(blob) = blob else {
        return Ok(Policy::builtin().clone());
    };
    let text = crate::git::blob_text(repo, blob, cap).map_err(|e| match e {
        crate::git::BlobText::TooLarge(n) => {
            t!("verdict.too_big", file = "policy.toml", n = n, cap = cap).into_owned()
        }
        _ => t!("verdict.not_text", file = "policy.toml").into_owned(),
    })?;
    Policy::parse(&text, "policy.toml")
        .map_err(|e| t!("verdict.policy_invalid", why = e.message).into_owned())
}
