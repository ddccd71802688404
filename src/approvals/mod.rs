//! Signed approvals (SPEC 4.4, 5, 6): the chains the policy asks for, the
//! roster that applies to each commit, and the verification of every
//! approval and sign-off in history. Rules A001–A006 and S001–S005, `mkt
//! verify`, `mkt status` and the report all read the one `Verification`.

mod chain;
mod delegation;
mod lineage;
mod policy_history;
mod readers;
mod roster;
mod sigs;

use std::collections::HashMap;

use crate::git::Oid;
use chrono::{DateTime, FixedOffset};
use rust_i18n::t;

use crate::model::Approval;
use crate::repo::{Record, Repo};

pub use chain::{AboveTop, Chain, Stage, SubjectKind, chain_for};
pub use delegation::acting;
pub use policy_history::{PolicyChange, PolicyHistory, PolicyVersion};
pub use readers::{Holder, Readers, Skipped, age_tag, encrypted_to, readers};
pub use roster::{
    Roster, RosterChange, RosterHistory, key_fingerprint, key_valid_on, normalize_pgp,
};
pub use sigs::{SigOutcome, Tick};

/// A problem found with one approval's signature or integrity. What it is
/// called (S001–S004) is the signature rules' decision.
#[derive(Debug, Clone)]
pub struct Problem {
    pub kind: ProblemKind,
    pub message: String,
    pub help: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The approval file is in the work tree but in no commit.
    NotCommitted,
    /// The commit that added it carries no signature (rebased or made by hand).
    Unsigned,
    /// The signature does not verify.
    BadSignature,
    /// Signed with a key the roster at that commit does not have.
    UnknownKey,
    /// Signed by someone other than the approver the file names.
    WrongSigner,
    /// Signed with the approver's key outside its validity.
    KeyNotValid,
    /// Changed, deleted and re-added, or edited since its approval commit.
    Altered,
    /// Added by a merge, or together with other changes.
    NotOwnCommit,
    /// Filed under another campaign than its subject's.
    Misfiled,
    /// Brought in by a merge from a branch, with a key that the main line's
    /// roster no longer gives the approver.
    Revoked,
    /// Its `amount` is not the total (or purchase amount) of the version it
    /// approves.
    WrongAmount,
}

/// One approval or sign-off file at HEAD, verified.
#[derive(Debug, Clone)]
pub struct Checked {
    pub path: String,
    pub approval: Approval,
    /// The commit that added the file (index into the walk), if committed.
    pub commit: Option<usize>,
    pub commit_oid: Option<Oid>,
    pub time: Option<DateTime<FixedOffset>>,
    /// The person whose key made the signature, if it is in the roster.
    pub signer: Option<String>,
    /// The signing key's fingerprint.
    pub key: Option<String>,
    /// The approver's roles in the roster that applies to the commit.
    pub approver_roles: Vec<String>,
    /// The policy version in force for the commit (`Verification::policies`).
    pub policy: usize,
    pub problems: Vec<Problem>,
}

impl Checked {
    /// Signed by the approver with a valid key, and untouched since.
    pub fn trusted(&self) -> bool {
        self.problems.is_empty()
    }
}

/// An approval file that history added and later removed.
#[derive(Debug, Clone)]
pub struct Deleted {
    pub path: String,
    pub commit: usize,
    /// A withdrawal that counts (`mkt withdraw`), or why the removal is not
    /// one.
    pub withdrawal: Result<Withdrawal, String>,
}

/// A waiver at HEAD, and whether it counts: its own signed commit by the
/// person it names, who holds a role `[governance] waiver_signers` names,
/// untouched since.
#[derive(Debug, Clone)]
pub struct CheckedWaiver {
    pub path: String,
    pub waiver: crate::model::Waiver,
    pub commit_oid: Option<Oid>,
    pub verdict: Result<(), String>,
}

/// An approval taken back: who, and why.
#[derive(Debug, Clone)]
pub struct Withdrawal {
    pub by: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Verification {
    pub approvals: Vec<Checked>,
    pub deleted: Vec<Deleted>,
    pub roster: RosterHistory,
    pub policies: PolicyHistory,
    pub waivers: Vec<CheckedWaiver>,
    /// For each policy version, the policy it makes with the work tree's:
    /// the version's `[approvals]` and `[governance]` (who may approve,
    /// who may change the policy), the rest as written.
    in_force: Vec<crate::policy::Policy>,
    /// Commit id -> index in the walk.
    pub index: HashMap<Oid, usize>,
    /// Subject path -> its approvals' positions in `approvals`.
    by_subject: HashMap<String, Vec<usize>>,
    /// Each commit's parents, as indices into the walk.
    parents: Vec<Vec<usize>>,
}

impl Verification {
    /// Whether commit `a` is an ancestor of commit `b` (indices into the
    /// walk; a commit is not its own ancestor). "Before" in a chain means
    /// this, never a position in the walk or a date.
    pub fn is_ancestor(&self, a: usize, b: usize) -> bool {
        if a >= b {
            return false; // parents come before children in the walk
        }
        let mut seen = vec![false; b + 1];
        let mut todo = vec![b];
        while let Some(k) = todo.pop() {
            for &p in self.parents.get(k).map(Vec::as_slice).unwrap_or(&[]) {
                if p == a {
                    return true;
                }
                // An ancestor of `a` cannot lead back to it.
                if p > a && !seen[p] {
                    seen[p] = true;
                    todo.push(p);
                }
            }
        }
        false
    }

    /// The policy that decides approvals now: the one in force at HEAD.
    pub fn policy_at_head(&self) -> &crate::policy::Policy {
        self.in_force
            .get(self.policies.at_commit.last().copied().unwrap_or(0))
            .unwrap_or(crate::policy::Policy::builtin())
    }

    /// The policy an approval is judged by: the one in force at its commit.
    pub fn policy_of(&self, c: &Checked) -> &crate::policy::Policy {
        self.in_force
            .get(c.policy)
            .unwrap_or(crate::policy::Policy::builtin())
    }

    /// Names the policy version an approval was judged by: the commit that
    /// made it, or `built-in` before any policy.toml counted.
    pub fn policy_label(&self, walk: &crate::git::Walk, c: &Checked) -> String {
        match self.policies.versions.get(c.policy).and_then(|v| v.commit) {
            Some(k) => short(walk.commits[k].oid),
            None => "built-in".to_string(),
        }
    }

    /// `is_ancestor` for approvals' commits, when both are committed.
    pub fn before(&self, a: Option<usize>, b: Option<usize>) -> bool {
        matches!((a, b), (Some(a), Some(b)) if self.is_ancestor(a, b))
    }

    /// Trusted approvals of a subject, oldest first.
    pub fn of_subject<'a>(&'a self, subject: &str) -> impl Iterator<Item = &'a Checked> + 'a {
        self.by_subject
            .get(subject)
            .into_iter()
            .flatten()
            .map(|&i| &self.approvals[i])
    }
}

fn problem(kind: ProblemKind, message: impl Into<String>, help: impl Into<String>) -> Problem {
    Problem {
        kind,
        message: message.into(),
        help: help.into(),
    }
}

/// Verifies every approval and roster change in HEAD's history. `trust` is
/// the trust-root commit's index in the walk (0: the root commit).
pub fn verify(repo: &Repo, trust: usize) -> Verification {
    verify_with_progress(repo, trust, &|_| {}, &|_| {})
}

/// `verify`, telling `start` how many signatures there are to check and
/// `step` as they are checked.
pub fn verify_with_progress(
    repo: &Repo,
    trust: usize,
    start: &dyn Fn(usize),
    step: &sigs::Tick<'_>,
) -> Verification {
    let walk = &repo.history;
    let index = walk.index();
    let records: Vec<&Record<Approval>> = repo
        .campaigns
        .values()
        .flat_map(|d| d.approvals.iter())
        .chain(repo.dept_approvals.iter())
        .collect();

    let is_approval = |p: &str| {
        matches!(
            crate::repo::classify(p),
            crate::repo::Kind::Approval { .. }
                | crate::repo::Kind::DeptApproval
                | crate::repo::Kind::Waiver
        )
    };
    // Changes to approval files and team.toml, by path, in history order.
    // The walk compares each commit with its first parent only, so a merge
    // that brings an approval over from the other side (approvers' branches
    // meet by merge, SPEC 6) looks as if it added the file; such a change is
    // the other side's, already in the walk, and is left out here. A merge
    // that introduces content no parent has (an evil merge) stays.
    let mut events: HashMap<&str, Vec<&crate::git::PathChange>> = HashMap::new();
    for c in &walk.changes {
        if is_approval(&c.path) && brought_by_merge(&repo.git, walk, c) {
            continue;
        }
        events.entry(c.path.as_str()).or_default().push(c);
    }
    let changes_per_commit = {
        let mut m: HashMap<usize, usize> = HashMap::new();
        for c in &walk.changes {
            *m.entry(c.commit).or_default() += 1;
        }
        m
    };

    let ancestry = roster::Ancestry::of(walk, &index, trust);
    // The commits whose signatures matter: roster changes after the trust
    // root, and the commits that added approval files.
    let mut to_check: Vec<Oid> = walk
        .changes
        .iter()
        .filter(|c| {
            ((c.path == "team.toml" || c.path == "policy.toml") && !ancestry.before_trust[c.commit])
                || (is_approval(&c.path) && (c.old.is_none() || c.new.is_none()))
        })
        .map(|c| walk.commits[c.commit].oid)
        .collect();
    to_check.sort();
    to_check.dedup();
    start(to_check.len());
    let (sigs, raws) = sigs::check(&repo.git, &to_check, step);
    let cap = usize::try_from(repo.policy.general.max_file_bytes).unwrap_or(usize::MAX);
    let day_of = |k: usize| repo.policy.day_of(walk.commits[k].time);
    let mut roster = roster::build(
        &repo.git,
        walk,
        &index,
        &ancestry,
        &sigs,
        day_of,
        cap,
        &|_| false,
    );
    let policies = policy_history::build(
        &policy_history::Inputs {
            repo: &repo.git,
            walk,
            index: &index,
            ancestry: &ancestry,
            sigs: &sigs,
            roster: &roster,
            cap,
        },
        |k| repo.policy.day_of(walk.commits[k].time),
    );
    // A person's own delegation (职务代理) counts where the policy in force
    // before it allows that: the roster once more, with the policy known.
    // Delegations give no key and no role, so the policy history stays.
    if policies
        .versions
        .iter()
        .any(|v| v.policy.governance.self_delegation)
    {
        let allowed = |k: usize| {
            policies.versions[policies.before(walk, &index, k)]
                .policy
                .governance
                .self_delegation
        };
        roster = roster::build(
            &repo.git, walk, &index, &ancestry, &sigs, day_of, cap, &allowed,
        );
    }
    let in_force = policies
        .versions
        .iter()
        .map(|v| {
            let mut p = repo.policy.clone();
            p.approvals = v.policy.approvals.clone();
            p.governance = v.policy.governance.clone();
            p
        })
        .collect();
    let mut rebased_lookup = RebasedLookup::new(&repo.git);

    let mut approvals = Vec::new();
    for rec in records {
        let mut checked = Checked {
            path: rec.path.clone(),
            approval: rec.value.clone(),
            commit: None,
            commit_oid: None,
            time: None,
            signer: None,
            key: None,
            approver_roles: Vec::new(),
            policy: policies.at_commit.last().copied().unwrap_or(0),
            problems: Vec::new(),
        };
        if let Some(why) = misfiled(&rec.path, &rec.value.subject) {
            checked.problems.push(problem(
                ProblemKind::Misfiled,
                why,
                t!("approvals.problem.misfiled_help"),
            ));
        }
        let evs = events
            .get(rec.path.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let Some(add_pos) = evs.iter().rposition(|e| e.old.is_none() && e.new.is_some()) else {
            checked.approver_roles = match rec.value.on_behalf_of {
                Some(_) => Vec::new(),
                None => roles_of(roster.at_head(), &rec.value.approver),
            };
            checked.problems.push(problem(
                ProblemKind::NotCommitted,
                t!("approvals.problem.not_committed"),
                t!("approvals.problem.not_committed_help"),
            ));
            approvals.push(checked);
            continue;
        };
        let add = evs[add_pos];
        let k = add.commit;
        let meta = &walk.commits[k];
        checked.commit = Some(k);
        checked.policy = policies.before(walk, &index, k);
        checked.commit_oid = Some(meta.oid);
        checked.time = Some(meta.time);
        let applies = roster.before(walk, &index, k);
        checked.approver_roles = delegation::roles_in(
            applies,
            &rec.value.approver,
            rec.value.on_behalf_of.as_deref(),
            repo.policy.day_of(meta.time),
        );

        // Integrity (S003).
        if let Some(later) = evs.get(add_pos + 1) {
            checked.problems.push(problem(
                ProblemKind::Altered,
                t!(
                    "approvals.problem.changed",
                    commit = short(walk.commits[later.commit].oid)
                ),
                t!("approvals.problem.changed_help"),
            ));
        }
        if let Some(del) = evs[..add_pos].iter().rev().find(|e| e.new.is_none()) {
            checked.problems.push(problem(
                ProblemKind::Altered,
                t!(
                    "approvals.problem.deleted",
                    commit = short(walk.commits[del.commit].oid)
                ),
                t!("approvals.problem.deleted_help"),
            ));
        }
        if meta.parents.len() > 1 {
            checked.problems.push(problem(
                ProblemKind::NotOwnCommit,
                t!("approvals.problem.by_merge", commit = short(meta.oid)),
                t!("approvals.problem.by_merge_help"),
            ));
        } else if meta.other || changes_per_commit.get(&k).copied().unwrap_or(0) > 1 {
            checked.problems.push(problem(
                ProblemKind::NotOwnCommit,
                t!("approvals.problem.with_others", commit = short(meta.oid)),
                t!("approvals.problem.with_others_help"),
            ));
        }
        if let (Some(committed), Ok(now)) = (add.new, repo_blob_of(repo, &rec.path))
            && committed != now
            && evs.get(add_pos + 1).is_none()
        {
            checked.problems.push(problem(
                ProblemKind::Altered,
                t!("approvals.problem.edited"),
                t!("approvals.problem.edited_help"),
            ));
        }

        // What was approved (A008): the amount is the approved version's.
        if let Some(claimed) = rec.value.amount
            && let Some(actual) =
                approved_amount(repo, &rec.value.subject, &rec.value.subject_blob, cap)
            && claimed != actual
        {
            checked.problems.push(problem(
                ProblemKind::WrongAmount,
                t!(
                    "approvals.problem.amount",
                    claimed = claimed,
                    version = &rec.value.subject_blob[..rec.value.subject_blob.len().min(10)],
                    actual = actual
                ),
                t!("approvals.problem.amount_help"),
            ));
        }

        // Signature (S001, S002, S004).
        match sigs.get(&meta.oid) {
            Some(SigOutcome::Good(key)) => {
                checked.key = Some(key.fingerprint());
                match applies.owner_of(key) {
                    None => checked.problems.push(problem(
                        ProblemKind::UnknownKey,
                        t!("approvals.problem.unknown_key", key = key.fingerprint()),
                        t!("approvals.problem.unknown_key_help"),
                    )),
                    Some((person, entry)) => {
                        checked.signer = Some(person.id.clone());
                        if person.id != rec.value.approver {
                            checked.problems.push(problem(
                                ProblemKind::WrongSigner,
                                t!(
                                    "approvals.problem.wrong_signer",
                                    signer = person.id,
                                    approver = rec.value.approver
                                ),
                                t!("approvals.problem.wrong_signer_help"),
                            ));
                        } else if !key_valid_on(entry, repo.policy.day_of(meta.time)) {
                            checked.problems.push(problem(
                                ProblemKind::KeyNotValid,
                                t!(
                                    "approvals.problem.key_not_valid",
                                    day = repo.policy.day_of(meta.time),
                                    from = entry
                                        .valid_from
                                        .map_or("…".to_string(), |d| d.to_string()),
                                    until = entry
                                        .valid_until
                                        .map_or("…".to_string(), |d| d.to_string())
                                ),
                                t!("approvals.problem.key_not_valid_help"),
                            ));
                        }
                    }
                }
            }
            Some(SigOutcome::Bad(why)) => checked.problems.push(problem(
                ProblemKind::BadSignature,
                t!(
                    "approvals.problem.bad_signature",
                    commit = short(meta.oid),
                    why = why
                ),
                t!("approvals.problem.bad_signature_help"),
            )),
            Some(SigOutcome::Unsigned) | None => {
                let message = raws
                    .get(&meta.oid)
                    .map(|r| r.message.as_str())
                    .unwrap_or("");
                let remake = t!("approvals.problem.remake_help");
                let (msg, help) = match rebased_lookup.find_signed(message) {
                    Some(original) => (
                        t!(
                            "approvals.problem.rebased",
                            commit = short(meta.oid),
                            original = short(original)
                        ),
                        remake,
                    ),
                    // Made by mkt (its trailer), but unsigned now: re-created
                    // by a rebase or squash, here or on the hosting site.
                    None if message.contains("Mkt-Approval:") => (
                        t!("approvals.problem.resigned_away", commit = short(meta.oid)),
                        remake,
                    ),
                    None => (
                        t!("approvals.problem.unsigned", commit = short(meta.oid)),
                        t!("approvals.problem.unsigned_help"),
                    ),
                };
                checked
                    .problems
                    .push(problem(ProblemKind::Unsigned, msg, help));
            }
        }
        if checked.problems.is_empty()
            && let (Some(m), Some(SigOutcome::Good(key))) =
                (ancestry.landed_by[k], sigs.get(&meta.oid))
        {
            let day = repo.policy.day_of(meta.time);
            on_main_line(&mut checked, &roster, walk, &index, m, key, day);
        }
        approvals.push(checked);
    }
    approvals.sort_by_key(|c| (c.commit.unwrap_or(usize::MAX), c.path.clone()));

    // Approval files history added and that are gone now.
    let mut deleted = Vec::new();
    for (path, evs) in &events {
        if !is_approval(path) || crate::repo::classify(path) == crate::repo::Kind::Waiver {
            continue;
        }
        if let Some(last) = evs.last()
            && last.new.is_none()
            && !repo.root.join(path).exists()
        {
            deleted.push(Deleted {
                path: path.to_string(),
                commit: last.commit,
                withdrawal: withdrawal(
                    repo,
                    &roster,
                    &index,
                    &sigs,
                    &raws,
                    &changes_per_commit,
                    path,
                    last,
                ),
            });
        }
    }
    deleted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut by_subject: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, c) in approvals.iter().enumerate() {
        by_subject
            .entry(c.approval.subject.clone())
            .or_default()
            .push(i);
    }
    let parents = walk
        .commits
        .iter()
        .map(|c| {
            c.parents
                .iter()
                .filter_map(|p| index.get(p).copied())
                .collect()
        })
        .collect();
    Verification {
        approvals,
        deleted,
        waivers: check_waivers(
            repo,
            &events,
            &roster,
            &policies,
            &index,
            &sigs,
            &changes_per_commit,
        ),
        roster,
        policies,
        in_force,
        index,
        by_subject,
        parents,
    }
}

/// How far a chain has come.
#[derive(Debug)]
pub struct Progress<'a> {
    pub chain: Chain,
    /// For each stage, the approval that fills it.
    pub filled: Vec<Option<&'a Checked>>,
    /// A rejection on record, if the latest word on the subject is "no".
    pub rejected: Option<&'a Checked>,
}

impl Progress<'_> {
    /// Every step filled; never for a budget above the ladder's top step.
    pub fn complete(&self) -> bool {
        self.chain.above_top.is_none() && self.filled.iter().all(Option::is_some)
    }

    /// The steps still open; for an ordered chain only the next one can be taken.
    pub fn open(&self) -> Vec<&Stage> {
        let open = self
            .chain
            .stages
            .iter()
            .zip(&self.filled)
            .filter(|(_, f)| f.is_none())
            .map(|(s, _)| s);
        if self.chain.ordered {
            open.take(1).collect()
        } else {
            open.collect()
        }
    }

    /// When the chain was completed: the time of its last approval.
    pub fn completed_at(&self) -> Option<DateTime<FixedOffset>> {
        if !self.complete() {
            return None;
        }
        self.filled
            .iter()
            .filter_map(|f| f.and_then(|c| c.time))
            .max()
    }
}

/// Whether an approval may fill a stage: the stage matches and the approver
/// holds its role (in the roster of the approval's commit) or is named.
pub fn eligible(stage: &Stage, c: &Checked) -> bool {
    c.approval.stage == stage.name()
        && match stage.role_name() {
            Some(role) => c.approver_roles.iter().any(|r| r == role),
            // A stage that names people is theirs alone: no deputy.
            None => {
                c.approval.on_behalf_of.is_none() && stage.people().contains(&c.approval.approver)
            }
        }
}

/// Whether the subject is still what was approved (same blob).
pub fn current(repo: &Repo, c: &Checked) -> bool {
    repo_blob_of(repo, &c.approval.subject).is_ok_and(|b| b.to_string() == c.approval.subject_blob)
}

/// The record that cancelled the chain's subject (`mkt cancel`), if one
/// counts: trusted, for the subject as it is now, by someone other than the
/// owner who may fill a step of the chain. Approvals made before it stand
/// for the record instead of going stale (A005).
pub fn cancellation<'a>(repo: &Repo, v: &'a Verification, chain: &Chain) -> Option<&'a Checked> {
    v.of_subject(&chain.subject).find(|c| {
        c.approval.decision == crate::model::ApprovalDecision::Cancel
            && c.trusted()
            && !chain.owner.as_deref().is_some_and(|o| c.acts_for(o))
            && chain.stages.iter().any(|s| eligible(s, c))
            && current(repo, c)
    })
}

/// The chain's progress: trusted, current approvals by eligible people who
/// are not the subject's owner, in order where the chain is ordered.
///
/// `as_of` leaves out approvals committed after that moment, so a check run
/// for an earlier day (`--today`) sees the chain as it stood then.
pub fn progress<'a>(
    repo: &Repo,
    v: &'a Verification,
    chain: Chain,
    as_of: Option<DateTime<FixedOffset>>,
) -> Progress<'a> {
    let mut filled: Vec<Option<&Checked>> = vec![None; chain.stages.len()];
    let mut rejected = None;
    let mut asked: HashMap<usize, Vec<String>> = HashMap::new();
    for c in v.of_subject(&chain.subject) {
        if as_of.is_some_and(|t| c.time.is_some_and(|at| at > t)) {
            continue;
        }
        if !c.trusted()
            || chain.owner.as_deref().is_some_and(|o| c.acts_for(o))
            || !current(repo, c)
        {
            continue;
        }
        if c.approval.decision == crate::model::ApprovalDecision::Reject {
            rejected = Some(c);
            continue;
        }
        // A cancellation record fills no step: it ends the chain's subject.
        if c.approval.decision == crate::model::ApprovalDecision::Cancel {
            continue;
        }
        let Some(i) = chain.stages.iter().position(|s| eligible(s, c)) else {
            continue;
        };
        // The step must also be one the policy in force at the approval's
        // own commit asked for: a later policy change does not make an
        // earlier approval count for more.
        let asked_then = asked.entry(c.policy).or_insert_with(|| {
            chain_for(repo, v.policy_of(c), &chain.subject)
                .map(|ch| ch.stages.iter().map(|s| s.name().to_string()).collect())
                .unwrap_or_default()
        });
        if !asked_then.contains(&c.approval.stage) {
            continue;
        }
        if filled[i].is_some() {
            continue;
        }
        if chain.ordered {
            // Every earlier step must be filled, in this one's ancestry.
            if filled[..i]
                .iter()
                .any(|f| f.is_none_or(|e| !v.before(e.commit, c.commit)))
            {
                continue;
            }
        }
        filled[i] = Some(c);
        rejected = None;
    }
    Progress {
        chain,
        filled,
        rejected,
    }
}

/// Revocation sticks: an approval that merge `m` brought in from a branch
/// counts only if its key is also the approver's in the main line's roster
/// at that merge (before it, or as the merge leaves it when the branch added
/// the key in a change that counts there), and only for the roles the
/// approver holds in both.
fn on_main_line(
    checked: &mut Checked,
    roster: &RosterHistory,
    walk: &crate::git::Walk,
    index: &HashMap<Oid, usize>,
    m: usize,
    key: &crate::git::SignerKey,
    day: chrono::NaiveDate,
) {
    let approver = checked.approval.approver.clone();
    let for_whom = checked.approval.on_behalf_of.clone();
    let found = [roster.before(walk, index, m), roster.after(m)]
        .into_iter()
        .find_map(|r| {
            r.owner_of(key)
                .filter(|(p, _)| p.id == approver)
                .map(|_| delegation::roles_in(r, &approver, for_whom.as_deref(), day))
        });
    match found {
        None => checked.problems.push(problem(
            ProblemKind::Revoked,
            t!(
                "approvals.problem.revoked",
                commit = short(walk.commits[m].oid),
                approver = approver
            ),
            t!("approvals.problem.revoked_help"),
        )),
        Some(roles) => checked.approver_roles.retain(|r| roles.contains(r)),
    }
}

fn roles_of(roster: &Roster, person: &str) -> Vec<String> {
    roster
        .team
        .person(person)
        .map(|p| p.roles.clone())
        .unwrap_or_default()
}

/// Why an approval file is not where its subject's approvals belong: a
/// campaign's subjects are approved in that campaign's `approvals/`, the
/// department's (minutes/, reports/) in the top-level `approvals/`.
fn misfiled(path: &str, subject: &str) -> Option<String> {
    let campaign_of = |p: &str| crate::repo::campaign_dir_of(p).map(|(_, id)| id.to_string());
    let (here, theirs) = (campaign_of(path), campaign_of(subject));
    (here != theirs).then(|| match (&here, &theirs) {
        (Some(h), Some(t)) => {
            t!("approvals.problem.misfiled_other", here = h, theirs = t).into_owned()
        }
        (Some(h), None) => t!("approvals.problem.misfiled_department", here = h).into_owned(),
        _ => t!("approvals.problem.misfiled_campaign").into_owned(),
    })
}

/// The total of a campaign plan, or the amount of a purchase request, as
/// the approved version (blob) of the subject has it.
fn approved_amount(
    repo: &Repo,
    subject: &str,
    blob: &str,
    cap: usize,
) -> Option<crate::model::Money> {
    use crate::repo::Kind;
    let kind = crate::repo::classify(subject);
    let blob = Oid::from_str(blob).ok()?;
    // Usually the approved version is the one in the work tree, already read.
    if repo.blob_id(subject) == Some(blob) {
        return match &kind {
            Kind::Campaign { folder } => repo.campaign(folder).map(|c| c.value.budget.total),
            Kind::Purchase { folder } => repo
                .campaigns
                .get(folder)?
                .purchases
                .iter()
                .find(|p| p.path == subject)
                .map(|p| p.value.amount),
            _ => None,
        };
    }
    if !matches!(kind, Kind::Campaign { .. } | Kind::Purchase { .. }) {
        return None;
    }
    let text = crate::git::blob_text(&repo.git, blob, cap).ok()?;
    match kind {
        Kind::Campaign { .. } => toml::from_str::<crate::model::Campaign>(&text)
            .ok()
            .map(|c| c.budget.total),
        _ => toml::from_str::<crate::model::Purchase>(&text)
            .ok()
            .map(|p| p.amount),
    }
}

/// Verifies each waiver at HEAD like an approval.
fn check_waivers(
    repo: &Repo,
    events: &HashMap<&str, Vec<&crate::git::PathChange>>,
    roster: &RosterHistory,
    policies: &PolicyHistory,
    index: &HashMap<Oid, usize>,
    sigs: &HashMap<Oid, SigOutcome>,
    changes_per_commit: &HashMap<usize, usize>,
) -> Vec<CheckedWaiver> {
    let walk = &repo.history;
    let mut out = Vec::new();
    for rec in &repo.waivers {
        let evs = events
            .get(rec.path.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let add_pos = evs.iter().rposition(|e| e.old.is_none() && e.new.is_some());
        let mut commit_oid = None;
        let verdict = (|| {
            let add = evs[add_pos.ok_or("not committed")?];
            let k = add.commit;
            let meta = &walk.commits[k];
            commit_oid = Some(meta.oid);
            if evs.len() > add_pos.unwrap_or(0) + 1 || repo.blob_id(&rec.path) != add.new {
                return Err("changed since its commit".to_string());
            }
            if meta.parents.len() > 1 || meta.other || changes_per_commit.get(&k) != Some(&1) {
                return Err("not its own one-file commit".to_string());
            }
            let Some(SigOutcome::Good(key)) = sigs.get(&meta.oid) else {
                return Err("not signed".to_string());
            };
            let Some((person, entry)) = roster.before(walk, index, k).owner_of(key) else {
                return Err("signed with a key that is not in the roster".to_string());
            };
            if person.id != rec.value.waived_by {
                return Err(format!(
                    "signed by {}, but it names {}",
                    person.id, rec.value.waived_by
                ));
            }
            if !key_valid_on(entry, repo.policy.day_of(meta.time)) {
                return Err(format!(
                    "{} signed it with a key outside its dates",
                    person.id
                ));
            }
            let policy = &policies.versions[policies.before(walk, index, k)].policy;
            let roles = &policy.governance.waiver_signers;
            if !roles.iter().any(|r| person.has_role(r)) {
                return Err(format!("{} is not {}", person.id, roles.join(" or ")));
            }
            Ok(())
        })();
        out.push(CheckedWaiver {
            path: rec.path.clone(),
            waiver: rec.value.clone(),
            commit_oid,
            verdict,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Whether removing an approval file was a withdrawal that counts: its own
/// signed commit, removing only that file, naming it in its `Mkt-Withdraw:`
/// trailer, signed with a valid key of the approver or of an admin (in the
/// roster before it).
#[allow(clippy::too_many_arguments)]
fn withdrawal(
    repo: &Repo,
    roster: &RosterHistory,
    index: &HashMap<Oid, usize>,
    sigs: &HashMap<Oid, SigOutcome>,
    raws: &HashMap<Oid, crate::git::RawCommit>,
    changes_per_commit: &HashMap<usize, usize>,
    path: &str,
    removal: &crate::git::PathChange,
) -> Result<Withdrawal, String> {
    let walk = &repo.history;
    let k = removal.commit;
    let meta = &walk.commits[k];
    if meta.parents.len() > 1 || meta.other || changes_per_commit.get(&k) != Some(&1) {
        return Err("a withdrawal is its own commit, removing only that file".into());
    }
    let message = raws
        .get(&meta.oid)
        .map(|r| r.message.as_str())
        .unwrap_or("");
    let trailer = format!("Mkt-Withdraw: {path}");
    if !message.lines().any(|l| l.trim() == trailer) {
        return Err("removed without `mkt withdraw`".into());
    }
    let Some(SigOutcome::Good(key)) = sigs.get(&meta.oid) else {
        return Err("the removal is not signed".into());
    };
    let before = roster.before(walk, index, k);
    let Some((person, entry)) = before.owner_of(key) else {
        return Err("the removal is signed with a key that is not in the roster".into());
    };
    if !key_valid_on(entry, repo.policy.day_of(meta.time)) {
        return Err(format!(
            "{} signed the removal with a key outside its dates",
            person.id
        ));
    }
    let approver = removal
        .old
        .and_then(|b| crate::git::blob_text(&repo.git, b, 1 << 20).ok())
        .and_then(|t| toml::from_str::<Approval>(&t).ok())
        .map(|a| a.approver);
    if !person.has_role("admin") && approver.as_deref() != Some(person.id.as_str()) {
        return Err(format!(
            "{} removed it, but only its approver or an admin can withdraw it",
            person.id
        ));
    }
    // The reason: the message between its first line and the trailer.
    let reason = message
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with("Mkt-Withdraw:"))
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_string();
    Ok(Withdrawal {
        by: person.id.clone(),
        reason,
    })
}

/// Whether a change at a merge is only what another parent already had.
fn brought_by_merge(
    repo: &crate::git::Repository,
    walk: &crate::git::Walk,
    change: &crate::git::PathChange,
) -> bool {
    let parents = &walk.commits[change.commit].parents;
    let Some(new) = change.new else {
        return false;
    };
    parents
        .iter()
        .skip(1)
        .any(|p| crate::git::entry_at(repo, *p, &change.path) == Some(new))
}

pub fn short(oid: Oid) -> String {
    oid.to_string()[..10].to_string()
}

/// The blob id of a work-tree file, as git would store it.
fn repo_blob_of(repo: &Repo, path: &str) -> Result<Oid, ()> {
    repo.blob_id(path).ok_or(())
}

/// Finds the signed original of a rebased approval: a signed commit with
/// the same message, in the reflogs or anywhere in the object store.
struct RebasedLookup<'r> {
    repo: &'r crate::git::Repository,
    signed_by_message: Option<HashMap<String, Oid>>,
}

impl<'r> RebasedLookup<'r> {
    fn new(repo: &'r crate::git::Repository) -> Self {
        RebasedLookup {
            repo,
            signed_by_message: None,
        }
    }

    fn find_signed(&mut self, message: &str) -> Option<Oid> {
        if message.is_empty() {
            return None;
        }
        let repo = self.repo;
        let map = self.signed_by_message.get_or_insert_with(|| {
            // Read once, and only when an unsigned approval turns up.
            let mut map = HashMap::new();
            for oid in crate::git::all_commits(repo) {
                if let Ok(raw) = crate::git::RawCommit::read(repo, oid)
                    && raw.signatures.len() == 1
                    && raw.message.contains("Mkt-Approval:")
                {
                    map.insert(raw.message, oid);
                }
            }
            map
        });
        map.get(message).copied()
    }
}
