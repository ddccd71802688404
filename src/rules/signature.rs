//! Signature rules (SPEC 5, 6): every approval is a commit signed by the
//! approver, untouched since, with a key valid at the time; the roster
//! changes only by an admin's signed commit.

use super::{Rule, View, declare_rule};
use crate::approvals::{Checked, ProblemKind, short};
use crate::diag::{Diagnostic, Located};
use rust_i18n::t;

declare_rule! {
    /// ## What it checks
    /// The commit that added an approval file carries exactly one `gpgsig`
    /// header (a signature block pasted into the message does not count),
    /// and the approval is committed at all. An unsigned approval whose
    /// signed original is still in the repository was rebased: a rebase
    /// re-creates commits and drops their signatures.
    ///
    /// ## Why
    /// 制度 四(一)：所有授权行为需记录在案，定期审计. An approval is a signed git
    /// commit so that anyone can check who approved what (SPEC 6).
    ///
    /// ## Example
    /// ```text
    /// git add campaigns/春季促销-2026-03V1/approvals/01-director-wang.fang.toml
    /// git commit -m "approve"          # no signature
    /// ```
    ///
    /// ## Fix
    /// Approve with `mkt approve 春季促销-2026-03V1`, which signs the commit.
    /// Pull with `git pull --no-rebase` (or merge) so signed approvals from
    /// other clones keep their signatures.
    S001, "unsigned-approval", Error, "the commit adding an approval is not signed"
}

declare_rule! {
    /// ## What it checks
    /// The signature is good for the commit's signed content (SSH: namespace
    /// `git`), and the key that made it belongs, in the roster that applied
    /// to that commit, to the approver the file names. An approval a merge
    /// brought in from a branch must also be the approver's in the main
    /// line's roster at that merge: a key removed on the main line does not
    /// come back through an older branch.
    ///
    /// ## Why
    /// git itself does not check that signer and approver match; mkt does,
    /// so nobody can approve in someone else's name (SPEC 5, 6).
    ///
    /// ## Example
    /// ```text
    /// approvals/01-director-wang.fang.toml committed with li.na's key
    /// ```
    ///
    /// ## Fix
    /// The approver runs `mkt approve` themselves, with their own key listed
    /// in team.toml.
    S002, "bad-signature", Error, "signature invalid, or the key is not the approver's"
}

declare_rule! {
    /// ## What it checks
    /// An approval file never changes or disappears after its commit (other
    /// than withdrawn by its approver or an admin with `mkt withdraw`: a
    /// signed commit removing only that file), and
    /// the commit that added it changed nothing else and is not a merge.
    ///
    /// ## Why
    /// An approval binds one subject at one moment; an edited approval, or
    /// one slipped in with other changes, proves nothing (SPEC 6).
    ///
    /// ## Example
    /// ```text
    /// sed -i 's/amount = 80000/amount = 95000/' campaigns/…/approvals/01-director-wang.fang.toml
    /// ```
    ///
    /// ## Fix
    /// Restore the file from its approval commit, and approve again with
    /// `mkt approve` if the subject changed.
    S003, "approval-tampered", Error, "an approval file changed after its commit, or added with other files"
}

declare_rule! {
    /// ## What it checks
    /// The key was within its `valid_from` / `valid_until` dates in
    /// team.toml on the approval commit's date.
    ///
    /// ## Why
    /// A key that has expired or is not yet valid must not approve (SPEC 5).
    /// Commit dates are written by the committer and never decide trust on
    /// their own: the roster in force at the commit decides which keys count.
    ///
    /// ## Example
    /// ```toml
    /// [[people.keys]]
    /// ssh = "ssh-ed25519 AAAA…"
    /// valid_until = 2026-01-01      # approval signed 2026-02-20
    /// ```
    ///
    /// ## Fix
    /// Add a current key to team.toml (signed by an admin) and approve again.
    S004, "key-not-valid", Error, "the key was outside its validity dates at commit time"
}

declare_rule! {
    /// ## What it checks
    /// team.toml as it is now is the roster that counts: every change to it
    /// since the trust root (`--trust-root` / `MKT_TRUST_ROOT`, else the
    /// root commit) was made in a commit signed by an admin of the roster as
    /// it stood before. A merge that takes a branch's team.toml counts only
    /// if every roster change it brings was signed by someone who is an
    /// admin on the main line too, and the branch's roster was made from the
    /// main line's; a merge whose team.toml is no parent's needs its own
    /// admin signature.
    ///
    /// ## Why
    /// team.toml is the root of trust (SPEC 5): whoever could edit it freely
    /// could add their own key and approve anything.
    ///
    /// ## Example
    /// ```text
    /// li.na (not an admin) adds a key to team.toml and commits it
    /// ```
    ///
    /// ## Fix
    /// An admin reviews team.toml and makes a signed commit that changes it
    /// (`git commit -S team.toml`); from then on it counts.
    S005, "roster-unsigned", Error, "team.toml changed in a commit not signed by an admin"
}

declare_rule! {
    /// ## What it checks
    /// No commit that changes an approval, minutes or team.toml is dated
    /// earlier than one of its parents. Such a commit is taken at its
    /// latest parent's date for every key validity window and deadline;
    /// this warning says that it happened.
    ///
    /// ## Why
    /// The committer writes the commit date alone (`GIT_COMMITTER_DATE`);
    /// a backdated commit could slip a retired key into its validity window
    /// or an approval inside a deadline. A commit cannot be older than its
    /// parents, so that is the earliest mkt believes.
    ///
    /// ## Example
    /// ```text
    /// GIT_COMMITTER_DATE=2026-01-10T10:00:00+08:00 git commit -S …   # parent: 2026-02-16
    /// ```
    ///
    /// ## Fix
    /// Usually a clock was wrong on the committer's computer: set it right
    /// (automatic time). Nothing else to do; the commit counts from its
    /// parent's date.
    S006, "backdated-commit", Warning, "a commit is dated earlier than its parent"
}

declare_rule! {
    /// ## What it checks
    /// policy.toml is governed like the roster: a change to it counts only
    /// in a commit signed by someone holding a role that
    /// `[governance] policy_signers` names (default: admin) in the policy
    /// as it stood before. While the `[approvals]` or `[governance]` of
    /// policy.toml as written differ from the policy in force, this is an
    /// error, and the policy in force decides every approval. Each approval
    /// is judged by the policy in force at its own commit.
    ///
    /// ## Why
    /// Whoever could edit the policy freely could lower a limit and approve
    /// a large budget as a specialist (制度 四(一)), or make past approvals
    /// count for more than they did.
    ///
    /// ## Example
    /// ```text
    /// sed -i 's/up_to = 50000/up_to = 500000/' policy.toml
    /// git commit -am "policy"          # not signed by an admin
    /// ```
    ///
    /// ## Fix
    /// An admin reviews policy.toml and commits it signed
    /// (`git commit -S policy.toml`); from then on it counts.
    S007, "policy-unsigned", Error, "policy.toml changed without the signature the policy asks for"
}

/// The rule a verification problem breaks.
pub fn rule_of(kind: ProblemKind) -> &'static Rule {
    match kind {
        ProblemKind::NotCommitted | ProblemKind::Unsigned => &S001,
        ProblemKind::BadSignature
        | ProblemKind::UnknownKey
        | ProblemKind::WrongSigner
        | ProblemKind::Revoked => &S002,
        ProblemKind::Altered | ProblemKind::NotOwnCommit | ProblemKind::Misfiled => &S003,
        ProblemKind::KeyNotValid => &S004,
        ProblemKind::WrongAmount => &super::A008,
    }
}

/// The verdict on an approval file that history added and later removed.
/// The verdict on an approval file that history removed: withdrawn (by
/// whom, why), or S003 and why the removal is not a withdrawal.
pub fn deleted_verdict(withdrawal: &Result<crate::approvals::Withdrawal, String>) -> String {
    match withdrawal {
        Ok(w) => format!("withdrawn by {}: {}", w.by, w.reason),
        Err(why) => format!("{}: approval file deleted ({why})", S003.code),
    }
}

/// The verdict on a roster change: `ok`, `ok (trust root)`, or why it does
/// not count.
pub fn roster_verdict(accepted: bool, at_trust_root: bool, problem: Option<&str>) -> String {
    match (accepted, at_trust_root) {
        (true, true) => "ok (trust root)".into(),
        (true, false) => "ok".into(),
        (false, _) => format!("{}: {}", S005.code, problem.unwrap_or_default()),
    }
}

pub fn policy_verdict(accepted: bool, problem: Option<&str>) -> String {
    if accepted {
        "ok".into()
    } else {
        format!("{}: {}", S007.code, problem.unwrap_or_default())
    }
}

/// One approval's verdict: `ok`, or its first problem with the rule's code.
pub fn verdict(c: &Checked) -> String {
    match c.problems.first() {
        None => "ok".to_string(),
        Some(p) => format!("{}: {}", rule_of(p.kind).code, p.message),
    }
}

pub fn check(ctx: &View, out: &mut Vec<Diagnostic>) {
    let v = &ctx.verification;
    for c in &v.approvals {
        for p in &c.problems {
            out.push(
                Diagnostic::new(
                    rule_of(p.kind),
                    ctx.repo.at(&c.path, &["approver"]),
                    p.message.clone(),
                )
                .help(p.help.clone()),
            );
        }
    }
    for d in &v.deleted {
        // A withdrawal that counts is history, not a finding.
        let Err(why) = &d.withdrawal else {
            continue;
        };
        let commit = &ctx.repo.history.commits[d.commit];
        out.push(
            Diagnostic::new(
                &S003,
                Located::file(d.path.clone()),
                t!("rules.s003.deleted", commit = short(commit.oid), why = why),
            )
            .help(t!("rules.s003.deleted_help")),
        );
    }
    backdated(ctx, out);
    policy_in_force(ctx, out);
    // team.toml now must be the roster that counts.
    let trusted = v.roster.at_head().blob;
    let current = ctx.repo.at_head("team.toml");
    if current.is_some() && current != trusted {
        let last_bad = v.roster.changes.iter().rev().find(|c| !c.accepted);
        let message = match last_bad {
            Some(c) => t!(
                "rules.s005.changed",
                commit = short(ctx.repo.history.commits[c.commit].oid),
                day = ctx.day_of(ctx.repo.history.commits[c.commit].time),
                why = c.problem.clone().unwrap_or_default()
            ),
            None => t!("rules.s005.unsigned"),
        };
        out.push(
            Diagnostic::new(&S005, Located::file("team.toml"), message).help(t!("rules.s005.help")),
        );
    }
}

/// S006: each backdated commit, once, at the first file it changes.
fn backdated(ctx: &View, out: &mut Vec<Diagnostic>) {
    let history = &ctx.repo.history;
    let mut seen = std::collections::HashSet::new();
    for change in &history.changes {
        let commit = &history.commits[change.commit];
        let Some(written) = commit.backdated else {
            continue;
        };
        if !seen.insert(change.commit) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &S006,
                Located::file(change.path.clone()),
                t!(
                    "rules.s006.backdated",
                    commit = short(commit.oid),
                    written = written.format("%Y-%m-%d %H:%M"),
                    counts = commit.time.format("%Y-%m-%d %H:%M"),
                ),
            )
            .help(t!("rules.s006.help")),
        );
    }
}

/// S007: policy.toml as written asks for other approvers (or governors)
/// than the policy in force.
fn policy_in_force(ctx: &View, out: &mut Vec<Diagnostic>) {
    let written = &ctx.repo.policy;
    if written.approvals == ctx.policy.approvals && written.governance == ctx.policy.governance {
        return;
    }
    let history = &ctx.repo.history;
    let why = match ctx
        .verification
        .policies
        .changes
        .iter()
        .rev()
        .find(|c| !c.accepted)
    {
        Some(c) if ctx.repo.at_head("policy.toml") != ctx.verification.policies.at_head().blob => {
            t!(
                "rules.s007.changed",
                commit = short(history.commits[c.commit].oid),
                day = ctx.day_of(history.commits[c.commit].time),
                why = c.problem.clone().unwrap_or_default()
            )
        }
        _ => t!("rules.s007.uncommitted"),
    };
    let at = ctx.repo.at("policy.toml", &["approvals"]);
    out.push(
        Diagnostic::new(&S007, at, t!("rules.s007.not_in_force", why = why))
            .help(t!("rules.s007.help")),
    );
}
