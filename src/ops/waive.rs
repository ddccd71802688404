//! `mkt waive` (issue 11): one finding turned into a noted one, by a signed
//! record of a person holding a role `[governance] waiver_signers` names
//! (default: the director), verified like an approval.

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::approvals;
use crate::error::{Error, Result};
use crate::git::{self, OneFileCommit};
use crate::repo::Repo;

pub struct WaiveOptions {
    pub code: String,
    pub file: String,
    pub reason: String,
    pub until: Option<NaiveDate>,
    pub key: Option<String>,
    pub now: DateTime<FixedOffset>,
}

#[derive(Debug)]
pub struct Waived {
    pub path: String,
    pub commit: git::Oid,
    pub person: String,
}

pub fn waive(repo: &Repo, opts: &WaiveOptions) -> Result<Waived> {
    let rule = crate::rules::lookup(&opts.code).ok_or_else(|| {
        Error::user(format!("`{}` is not a rule", opts.code))
            .hint("`mkt rules` lists them; a waiver names one, like D007")
    })?;
    let reason = opts.reason.trim();
    if reason.is_empty() {
        return Err(Error::user("a waiver says why: pass --reason"));
    }
    let file = opts.file.trim_start_matches("./").to_string();
    let today = repo.policy.day_of(opts.now);
    if opts.until.is_some_and(|u| u < today) {
        return Err(Error::user(
            "--until is in the past; a waiver counts up to that day",
        ));
    }
    let v = approvals::verify(repo, repo.trust_root);
    let (signer, person) = super::approve::signing_person(repo, &v, opts.key.as_deref(), opts.now)?;
    let roles = &v.policy_at_head().governance.waiver_signers;
    if !roles.iter().any(|r| person.has_role(r)) {
        return Err(Error::user(format!(
            "{} cannot waive a finding: the policy asks for {}",
            person.id,
            roles.join(" or ")
        ))
        .hint("[governance] waiver_signers in policy.toml names who may"));
    }
    let mut doc = toml_edit::DocumentMut::new();
    doc["code"] = toml_edit::value(rule.code);
    doc["file"] = toml_edit::value(file.as_str());
    doc["reason"] = toml_edit::value(reason);
    if let Some(u) = opts.until {
        let d: toml_edit::Datetime = u.to_string().parse().map_err(|_| Error::internal("date"))?;
        doc["until"] = toml_edit::value(d);
    }
    doc["waived_by"] = toml_edit::value(person.id.as_str());
    let at: toml_edit::Datetime = opts
        .now
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
        .parse()
        .map_err(|_| Error::internal("time"))?;
    doc["at"] = toml_edit::value(at);
    let path = super::approve::next_file(repo, "waivers", rule.code, &person.id);
    let content = doc.to_string();
    let message = format!(
        "waive({}): {file} by {}\n\n{reason}\n\nMkt-Waiver: {path}\n",
        rule.code, person.id
    );
    let commit = git::commit_one_file(
        &repo.git,
        &OneFileCommit {
            path: &path,
            content: Some(content.as_bytes()),
            message: &message,
            name: &person.name,
            email: &person.email,
            at: opts.now,
        },
        &signer,
    )
    .map_err(super::approve::commit_failed)?;
    Ok(Waived {
        path,
        commit,
        person: person.id.clone(),
    })
}
