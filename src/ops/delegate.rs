//! `mkt team delegate`: a deputy while a person is away (职务代理). The
//! delegation is a `[[delegations]]` entry of team.toml, written like every
//! other roster change (`team_edit`): refused before anything is written
//! unless the signer may make it, team.toml is as HEAD has it and HEAD's is
//! the signed roster; then committed alone, comments kept, signed.
//!
//! Who may write one: an admin, or — when `[governance] self_delegation`
//! is true in the policy in force — the person for themself. The roster
//! history counts it on the same terms (`approvals::roster`).
//!
//! What it gives: during `from`–`until` (both days included, in the
//! department's time zone, judged on the approval commit's day) the deputy
//! may fill the person's stages for that one role. Only a role the person
//! holds themself is delegated, so a deputy's deputy counts for nothing;
//! nobody is their own deputy, and a deputy never approves for the owner
//! of what is approved.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_i18n::t;
use serde::Serialize;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use crate::approvals::{self, Roster, Stage, Verification};
use crate::error::{Error, Result};
use crate::git::{self, Identity};
use crate::model::Team;
use crate::ops::team_edit::{find, role_id};
use crate::repo::Repo;

/// A delegation to write.
#[derive(Debug, Clone)]
pub struct DelegateOptions {
    /// The person away, by name or id.
    pub person: String,
    /// Their deputy, by name or id.
    pub deputy: String,
    /// The role, by id or Chinese name.
    pub role: String,
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub reason: String,
    /// A signing key instead of git's `user.signingkey`.
    pub signing_key: Option<String>,
    pub now: DateTime<FixedOffset>,
}

#[derive(Debug)]
pub struct Delegated {
    pub commit: git::Oid,
    pub summary: String,
    /// Who signed it.
    pub by: String,
}

/// The person `deputy` stands in for in `role` on `day`, under a
/// delegation of `roster`: the first one in force whose person holds the
/// role themself.
pub fn standing_in(roster: &Roster, deputy: &str, role: &str, day: NaiveDate) -> Option<String> {
    roster
        .team
        .delegations
        .iter()
        .filter(|d| d.deputy == deputy && d.role == role)
        .find(|d| {
            roster
                .team
                .delegated_roles(deputy, &d.person, day)
                .iter()
                .any(|r| r == role)
        })
        .map(|d| d.person.clone())
}

/// The deputies who may fill a step of `role` on `day` for someone other
/// than `owner`, and are not the owner themselves: who else a waiting
/// step waits for (`mkt status`, `mkt notify`, `mkt show`).
pub fn deputies(roster: &Roster, role: &str, day: NaiveDate, owner: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = roster
        .team
        .delegations
        .iter()
        .filter(|d| d.role == role && owner != Some(d.deputy.as_str()))
        .filter(|d| owner != Some(d.person.as_str()))
        .filter(|d| {
            roster
                .team
                .delegated_roles(&d.deputy, &d.person, day)
                .iter()
                .any(|r| r == role)
        })
        .map(|d| d.deputy.clone())
        .collect();
    out.dedup();
    out
}

/// Why a delegation to `deputy` for one of the `open` steps does not let
/// them take it today, for the refusal's hint.
pub fn why_not(
    v: &Verification,
    deputy: &str,
    open: &[&Stage],
    owner: Option<&str>,
    today: NaiveDate,
) -> Option<String> {
    let team = &v.roster.at_head().team;
    let d = team.delegations.iter().find(|d| {
        d.deputy == deputy && open.iter().any(|s| s.role_name() == Some(d.role.as_str()))
    })?;
    let (from, until) = (d.from.to_string(), d.until.to_string());
    Some(if owner == Some(d.person.as_str()) {
        t!("delegate.refused_owner", person = d.person).into_owned()
    } else if !d.covers(today) {
        t!(
            "delegate.refused_window",
            person = d.person,
            role = d.role,
            from = from,
            until = until,
            today = today
        )
        .into_owned()
    } else {
        t!("delegate.refused_role", person = d.person, role = d.role).into_owned()
    })
}

/// Writes the delegation: one commit of team.toml alone, signed.
pub fn delegate(repo: &Repo, opts: &DelegateOptions) -> Result<Delegated> {
    let v = &approvals::verify(repo, repo.trust_root);
    // 1. Who signs it, before anything else.
    let (signer, by) =
        crate::ops::approve::signing_person(repo, v, opts.signing_key.as_deref(), opts.now)?;
    let signed = v.roster.at_head();
    let team = &signed.team;
    let person = find(team, &opts.person)?;
    let deputy = find(team, &opts.deputy)?;
    let self_allowed = v.policy_at_head().governance.self_delegation;
    let may = by.has_role("admin") || (self_allowed && by.id == person.id);
    if !may {
        let hint = if self_allowed {
            t!("delegate.not_admin_self_hint", id = by.id)
        } else {
            t!("delegate.not_admin_hint")
        };
        return Err(Error::user(t!("delegate.not_admin", id = by.id)).hint(hint));
    }
    // 2. team.toml as HEAD has it, and HEAD's the roster that counts.
    let at_head = repo.at_head("team.toml");
    if repo.blob_id("team.toml") != at_head || git::index_entry(&repo.git, "team.toml") != at_head {
        return Err(Error::user(t!("ops.team_edit.dirty")).hint(t!("ops.team_edit.dirty_hint")));
    }
    if signed.blob != at_head {
        return Err(Error::user(t!("ops.team_edit.unsigned_at_head"))
            .hint(t!("ops.team_edit.unsigned_at_head_hint")));
    }
    // 3. What is delegated.
    let role = role_id(&opts.role)?;
    if person.id == deputy.id {
        return Err(Error::user(t!("delegate.to_self", id = person.id)));
    }
    if !person.has_role(role) {
        let err = Error::user(t!("delegate.lacks_role", id = person.id, role = role));
        let deputy_of = team
            .delegations
            .iter()
            .find(|d| d.deputy == person.id && d.role == role);
        return Err(match deputy_of {
            Some(d) => err.hint(t!("delegate.no_chain", id = person.id, of = d.person)),
            None => err,
        });
    }
    if opts.until < opts.from {
        return Err(Error::user(t!(
            "delegate.backwards",
            from = opts.from,
            until = opts.until
        )));
    }
    let today = repo.policy.day_of(opts.now);
    if opts.until < today {
        return Err(
            Error::user(t!("delegate.over", until = opts.until, today = today))
                .hint(t!("delegate.over_hint")),
        );
    }
    let reason = opts.reason.trim();
    if reason.is_empty() {
        return Err(Error::user(t!("delegate.no_reason")));
    }
    let text = match at_head {
        Some(blob) => git::blob_text(
            &repo.git,
            blob,
            usize::try_from(repo.policy.general.max_file_bytes).unwrap_or(usize::MAX),
        )
        .map_err(|_| Error::user(t!("ops.team_edit.unreadable")))?,
        None => String::new(),
    };
    let content = with_delegation(
        &text,
        &[
            ("person", &person.id),
            ("deputy", &deputy.id),
            ("role", role),
        ],
        opts.from,
        opts.until,
        reason,
    )?;
    // 4. One commit, team.toml alone, signed.
    let summary = t!(
        "delegate.msg",
        person = person.id,
        deputy = deputy.id,
        role = role,
        from = opts.from,
        until = opts.until
    )
    .into_owned();
    let message = format!("{summary}\n\n{reason}\n\nMkt-Roster-Change: by {}\n", by.id);
    let made = git::commit_signed_chain(
        &repo.git,
        &[git::Step {
            files: vec![("team.toml", content.as_bytes())],
            message: &message,
        }],
        &Identity {
            name: &by.name,
            email: &by.email,
            at: Some(opts.now),
        },
        &signer,
    )
    .map_err(crate::ops::approve::commit_failed)?;
    Ok(Delegated {
        commit: made[0],
        summary,
        by: by.id.clone(),
    })
}

/// team.toml's text with one more `[[delegations]]` at its end, comments
/// and layout kept; checked to read back as a roster.
fn with_delegation(
    text: &str,
    ids: &[(&str, &str)],
    from: NaiveDate,
    until: NaiveDate,
    reason: &str,
) -> Result<String> {
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        Error::config(t!("ops.roster_edit.unreadable", why = e.message()))
    })?;
    if doc
        .get("delegations")
        .is_some_and(|d| !d.is_array_of_tables())
    {
        return Err(Error::config(t!("delegate.not_tables")));
    }
    let date = |d: NaiveDate| {
        d.to_string()
            .parse::<toml_edit::Datetime>()
            .expect("a date is a TOML date")
    };
    let mut entry = Table::new();
    for (k, v) in ids {
        entry[*k] = value(*v);
    }
    entry["from"] = value(date(from));
    entry["until"] = value(date(until));
    entry["reason"] = value(reason);
    if doc.get("delegations").is_none() {
        doc.insert("delegations", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    doc["delegations"]
        .as_array_of_tables_mut()
        .expect("delegations is an array of tables (checked above)")
        .push(entry);
    let out = doc.to_string();
    toml::from_str::<Team>(&out)
        .map_err(|e| Error::config(t!("ops.roster_edit.unreadable", why = e.message())))?;
    Ok(out)
}

// ------------------------------------------------------------------- list

/// A delegation as `mkt team list` shows it.
#[derive(Debug, Serialize)]
pub struct Listed {
    pub person: String,
    pub person_name: String,
    pub deputy: String,
    pub deputy_name: String,
    pub role: String,
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub reason: String,
    /// Whether today is inside its days.
    pub in_force_today: bool,
}

/// The signed roster's delegations at HEAD.
pub fn list(team: &Team, today: NaiveDate) -> Vec<Listed> {
    let name = |id: &str| {
        team.person(id)
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    };
    team.delegations
        .iter()
        .map(|d| Listed {
            person: d.person.clone(),
            person_name: name(&d.person),
            deputy: d.deputy.clone(),
            deputy_name: name(&d.deputy),
            role: d.role.clone(),
            from: d.from.0,
            until: d.until.0,
            reason: d.reason.clone(),
            in_force_today: d.covers(today)
                && !team.delegated_roles(&d.deputy, &d.person, today).is_empty(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delegation_is_appended_and_comments_stay() {
        let text = "# 团队名册\n[[people]]\nid = \"wang.fang\" # 总监\nname = \"王芳\"\nroles = [\"director\"]\n\n[[people]]\nid = \"liu.yang\"\nname = \"刘洋\"\n";
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let out = with_delegation(
            text,
            &[
                ("person", "wang.fang"),
                ("deputy", "liu.yang"),
                ("role", "director"),
            ],
            d("2026-03-01"),
            d("2026-03-10"),
            "年假",
        )
        .unwrap();
        assert!(out.starts_with(text.trim_end()), "{out}");
        assert!(out.contains("# 总监"), "{out}");
        let team: Team = toml::from_str(&out).unwrap();
        assert_eq!(team.delegations.len(), 1);
        assert_eq!(
            team.delegated_roles("liu.yang", "wang.fang", d("2026-03-01")),
            ["director"]
        );
        assert_eq!(
            team.delegated_roles("liu.yang", "wang.fang", d("2026-03-10")),
            ["director"]
        );
        assert!(
            team.delegated_roles("liu.yang", "wang.fang", d("2026-03-11"))
                .is_empty()
        );
        assert!(
            team.delegated_roles("liu.yang", "wang.fang", d("2026-02-28"))
                .is_empty()
        );
        assert!(
            team.delegated_roles("wang.fang", "liu.yang", d("2026-03-05"))
                .is_empty()
        );
    }
}
