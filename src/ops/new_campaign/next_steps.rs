//! What follows a new plan: the kickoff window, who approves by when, the
//! closing.

use super::*;
use crate::approvals::Roster;

/// What a plan needs once written (SPEC 4.2, 4.4).
#[derive(Debug)]
pub struct NextSteps {
    /// The kickoff meeting's window, first and last day.
    pub kickoff: (NaiveDate, NaiveDate),
    /// The roles that approve the budget (the ladder's steps, in order, or
    /// the emergency group),
    /// each with who holds it in the signed roster: (id, name).
    pub approvers: Vec<(String, Vec<(String, String)>)>,
    /// The day by which the approvals are due: the start, or for emergency
    /// work `approvals.emergency_days_after_start` days after it.
    pub approve_by: NaiveDate,
    pub emergency: bool,
    /// The last day of the closing window.
    pub closing_by: NaiveDate,
}

impl NextSteps {
    /// The next steps, with who approves from the roster as signed.
    pub fn signed(repo: &Repo, c: &Campaign) -> NextSteps {
        let v = crate::approvals::verify(repo, repo.trust_root);
        NextSteps::of(&repo.policy, v.roster.at_head(), c)
    }

    /// `roster`: the signed roster (never the work tree's team.toml).
    pub fn of(policy: &Policy, roster: &Roster, c: &Campaign) -> NextSteps {
        let a = &policy.approvals;
        let approver_roles = if c.emergency {
            a.emergency_group.clone()
        } else {
            policy
                .budget_roles(c.budget.total)
                .into_iter()
                .map(String::from)
                .collect()
        };
        let approvers = approver_roles
            .into_iter()
            .map(|role| {
                let who = roster
                    .holders(&role)
                    .map(|p| (p.id.clone(), p.name.clone()))
                    .collect();
                (role, who)
            })
            .collect();
        let approve_by = policy.approve_by(c);
        NextSteps {
            kickoff: policy.kickoff_window(c),
            approvers,
            approve_by,
            emergency: c.emergency,
            closing_by: policy.closing_due(c),
        }
    }
}
