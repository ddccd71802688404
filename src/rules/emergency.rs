//! Emergency work names its incident (A009): the 紧急决策 path of 制度
//! 四(一) is for 危机公关等特殊情况, so a campaign that takes it says which
//! incident (`incidents/*.toml`) it answers; an unknown one is F004.

use rust_i18n::t;

use super::{F004, View, declare_rule};
use crate::diag::Diagnostic;

declare_rule! {
    /// ## What it checks
    /// A campaign with `emergency = true` names the incident it answers:
    /// `incident = "<incident id>"`, the name of its file in `incidents/`
    /// without `.toml` (`2026-05-02-差评扩散`). A missing incident is this
    /// rule; one that does not exist is F004. A version that a later one
    /// supersedes is not checked.
    ///
    /// ## Why
    /// 制度 四(一)：紧急决策机制规定，在危机公关等特殊情况下，可由临时小组直接执行，
    /// 事后补办审批手续. Emergency work skips approval before the start;
    /// without the crisis on record, any plan could take that path.
    ///
    /// ## Example
    /// ```toml
    /// emergency = true
    /// incident = ""
    /// ```
    ///
    /// ## Fix
    /// Record the crisis with `mkt new-incident`, then name it:
    /// ```toml
    /// emergency = true
    /// incident = "2026-05-02-差评扩散"
    /// ```
    /// Work that is not a crisis is planned as usual: `emergency = false`.
    A009, "emergency-without-incident", Error, "emergency work names no incident"
}

/// The id of an incident file: its name without the folder and `.toml`.
pub fn incident_id(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".toml").unwrap_or(name)
}

pub fn check(ctx: &View, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    let superseded = repo.superseded();
    let ids: Vec<&str> = repo
        .incidents
        .iter()
        .map(|i| incident_id(&i.path))
        .collect();
    for (_, c) in repo.campaigns() {
        let v = &c.value;
        match v.incident.as_deref() {
            None if v.emergency && !superseded.contains(v.id.as_str()) => out.push(
                Diagnostic::new(
                    &A009,
                    repo.at(&c.path, &["emergency"]),
                    t!("meet16.a009.no_incident", id = v.id),
                )
                .help(match ids.as_slice() {
                    [] => t!("meet16.a009.help_none"),
                    _ => t!("meet16.a009.help", ids = ids.join(", ")),
                }),
            ),
            None => {}
            Some(named) => {
                let wanted = incident_id(named.trim());
                if ids.contains(&wanted) {
                    continue;
                }
                let d = Diagnostic::new(
                    &F004,
                    repo.at(&c.path, &["incident"]),
                    t!("meet16.f004.no_incident", id = named),
                );
                out.push(match crate::suggest::closest(wanted, ids.iter().copied()) {
                    Some(s) => d.help(t!("rules.did_you_mean", name = s)),
                    None if ids.is_empty() => d.help(t!("meet16.a009.help_none")),
                    None => d.help(t!("meet16.a009.help", ids = ids.join(", "))),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_incident_is_named_by_its_file() {
        assert_eq!(
            incident_id("incidents/2026-05-02-差评扩散.toml"),
            "2026-05-02-差评扩散"
        );
        assert_eq!(incident_id("2026-05-02-差评扩散"), "2026-05-02-差评扩散");
    }
}
