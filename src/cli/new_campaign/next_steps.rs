//! What the new plan needs next, told to the person who wrote it.

use super::*;

pub(super) fn tell_next(repo: &Repo, created: &Created, today: NaiveDate) {
    say(&t!(
        "cli.new_campaign.created",
        id = created.id,
        path = created.path
    ));
    say(&t!("cli.new_campaign.next"));
    next_steps(repo, &created.id, &created.next, today, false);
    say(&t!("cli.new_campaign.commit", id = created.id));
}

/// The kickoff window (unless one was held) and the approvals a plan
/// needs, as of `today`.
pub fn next_steps(repo: &Repo, id: &str, next: &NextSteps, today: NaiveDate, kickoff_held: bool) {
    if kickoff_held {
        say(&t!("cli.next.kickoff_held"));
    } else {
        kickoff_step(repo, id, next, today);
    }
    approval_step(repo, next);
    say(&t!("cli.next.closing", by = next.closing_by));
}

pub(super) fn kickoff_step(repo: &Repo, id: &str, next: &NextSteps, today: NaiveDate) {
    let policy = &repo.policy;
    let (from, until) = next.kickoff;
    let passed = today > until;
    let (key, days) = match (next.emergency, passed) {
        (true, false) => (
            "cli.next.kickoff_emergency",
            policy.approvals.emergency_days_after_start,
        ),
        (true, true) => (
            "cli.next.kickoff_emergency_passed",
            policy.approvals.emergency_days_after_start,
        ),
        (false, false) => (
            "cli.next.kickoff",
            policy.deadlines.kickoff_days_before_start,
        ),
        (false, true) => (
            "cli.next.kickoff_passed",
            policy.deadlines.kickoff_days_before_start,
        ),
    };
    say(&t!(key, from = from, until = until, days = days));
    say(&t!("cli.next.record_kickoff", id = id));
}

pub(super) fn approval_step(repo: &Repo, next: &NextSteps) {
    let policy = &repo.policy;
    let roles: Vec<String> = next
        .approvers
        .iter()
        .map(|(role, who)| {
            if who.is_empty() {
                t!(
                    "cli.next.role_nobody",
                    role = crate::report::grid::role_label(role)
                )
                .into_owned()
            } else {
                let who: Vec<String> = who
                    .iter()
                    .map(|(id, name)| format!("{id} {name}"))
                    .collect();
                t!(
                    "cli.next.role_who",
                    role = crate::report::grid::role_label(role),
                    who = who.join(&t!("cli.list_sep"))
                )
                .into_owned()
            }
        })
        .collect();
    if next.emergency {
        say(&t!(
            "cli.next.approval_emergency",
            roles = roles.join(&t!("cli.next.roles_sep")),
            by = next.approve_by,
            days = policy.approvals.emergency_days_after_start
        ));
    } else if roles.len() > 1 {
        // The ladder's steps, each in order (`approvals.every_step`).
        say(&t!(
            "tiers16.next.approval_steps",
            roles = roles.join(" → "),
            by = next.approve_by
        ));
    } else {
        say(&t!(
            "cli.next.approval",
            roles = roles.join(&t!("cli.next.roles_sep")),
            by = next.approve_by
        ));
    }
}
