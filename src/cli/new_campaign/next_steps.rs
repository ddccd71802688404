//! What the new plan needs next, told to the person who wrote it.

use super::*;

pub(super) fn tell_next(repo: &Repo, created: &Created, today: NaiveDate) {
    say(&format!("created {} ({})", created.id, created.path));
    say("next:");
    next_steps(repo, &created.id, &created.next, today, false);
    say(&format!(
        "  commit the plan: git add campaigns/{id} && git commit -m \"plan: {id}\"",
        id = created.id
    ));
}

/// The kickoff window (unless one was held) and the approvals a plan
/// needs, as of `today`.
pub fn next_steps(repo: &Repo, id: &str, next: &NextSteps, today: NaiveDate, kickoff_held: bool) {
    if kickoff_held {
        say("  kickoff meeting 启动会: held for an earlier version, which counts");
    } else {
        kickoff_step(repo, id, next, today);
    }
    approval_step(repo, next);
    say(&format!(
        "  closing meeting 结项验收: by {}",
        next.closing_by
    ));
}

pub(super) fn kickoff_step(repo: &Repo, id: &str, next: &NextSteps, today: NaiveDate) {
    let policy = &repo.policy;
    let (from, until) = next.kickoff;
    let when = if today > until {
        " — this window has passed (D001)"
    } else {
        ""
    };
    let rule = if next.emergency {
        format!(
            "emergency work: up to {} days after the start",
            policy.approvals.emergency_days_after_start
        )
    } else {
        format!(
            "within {} days before the start",
            policy.deadlines.kickoff_days_before_start
        )
    };
    say(&format!(
        "  kickoff meeting 启动会: {from} – {until} ({rule}){when}"
    ));
    say(&format!(
        "      record it: mkt new-minutes --kind kickoff --campaign {id} --held-at <time>"
    ));
}

pub(super) fn approval_step(repo: &Repo, next: &NextSteps) {
    let policy = &repo.policy;
    let roles: Vec<String> = next
        .approvers
        .iter()
        .map(|(role, who)| {
            if who.is_empty() {
                format!("{role} (nobody in the signed team.toml holds it yet)")
            } else {
                let who: Vec<String> = who
                    .iter()
                    .map(|(id, name)| format!("{id} {name}"))
                    .collect();
                format!("{role}: {}", who.join(", "))
            }
        })
        .collect();
    if next.emergency {
        say(&format!(
            "  approval 审批 (emergency group, each role): {}; by {}, {} days after the start",
            roles.join("; "),
            next.approve_by,
            policy.approvals.emergency_days_after_start
        ));
    } else {
        say(&format!(
            "  budget approval 预算审批: {}; by {} (the start)",
            roles.join("; "),
            next.approve_by
        ));
    }
}
