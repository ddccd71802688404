//! Deputies (职务代理, `[[delegations]]` in team.toml): an approval with
//! `on_behalf_of` counts for the roles a delegation in the roster of the
//! approval's own commit gives its approver, on the commit's day. A
//! delegation added later, or back-dated, is not in that roster, so it
//! never makes an earlier approval count.

use chrono::NaiveDate;
use rust_i18n::t;

use super::{Checked, Roster};
use crate::model::Team;

/// The roles an approval may fill in `roster` on `day`: the approver's
/// own, or, when they stood in for someone, only what the delegation gives.
pub fn roles_in(
    roster: &Roster,
    approver: &str,
    on_behalf_of: Option<&str>,
    day: NaiveDate,
) -> Vec<String> {
    match on_behalf_of {
        Some(person) => roster.team.delegated_roles(approver, person, day),
        None => roster
            .team
            .person(approver)
            .map(|p| p.roles.clone())
            .unwrap_or_default(),
    }
}

impl Checked {
    /// Whether the approval is `id`'s: theirs, or made in their stead.
    pub fn acts_for(&self, id: &str) -> bool {
        self.approval.approver == id || self.approval.on_behalf_of.as_deref() == Some(id)
    }

    /// Who made it, for people: the approver's name, or "刘洋 代 王芳" /
    /// "刘洋 for 王芳" for a deputy (names from `team`).
    pub fn by_name(&self, team: &Team) -> String {
        let name = |id: &str| {
            team.person(id)
                .map_or_else(|| id.to_string(), |p| p.name.clone())
        };
        acting(
            &name(&self.approval.approver),
            self.approval.on_behalf_of.as_deref().map(name).as_deref(),
        )
    }

    /// `by_name` with ids: "liu.yang 代 wang.fang".
    pub fn by_id(&self) -> String {
        acting(
            &self.approval.approver,
            self.approval.on_behalf_of.as_deref(),
        )
    }
}

/// "deputy 代 person", or just the approver.
pub fn acting(approver: &str, on_behalf_of: Option<&str>) -> String {
    match on_behalf_of {
        Some(p) => t!("delegate.acting", deputy = approver, person = p).into_owned(),
        None => approver.to_string(),
    }
}
