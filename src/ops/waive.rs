//! `mkt waive` (issue 11): one finding turned into a noted one, by a signed
//! record of a person holding a role `[governance] waiver_signers` names
//! (default: the director), verified like an approval.

use rust_i18n::t;

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
        let err = Error::user(t!("ops.waive.not_a_rule", code = opts.code));
        match crate::rules::closest(&opts.code) {
            Some(r) => err.hint(t!(
                "suggest.did_you_mean_rule",
                code = r.code,
                name = r.name
            )),
            None => err.hint(t!("ops.waive.not_a_rule_hint")),
        }
    })?;
    let reason = opts.reason.trim();
    if reason.is_empty() {
        return Err(Error::user(t!("ops.waive.no_reason")));
    }
    let file = opts.file.trim_start_matches("./").to_string();
    let today = repo.policy.day_of(opts.now);
    if opts.until.is_some_and(|u| u < today) {
        return Err(Error::user(t!("ops.waive.until_past")));
    }
    let v = approvals::verify(repo, repo.trust_root);
    let (signer, person) = super::approve::signing_person(repo, &v, opts.key.as_deref(), opts.now)?;
    let roles = &v.policy_at_head().governance.waiver_signers;
    if !roles.iter().any(|r| person.has_role(r)) {
        let roles = roles.join(&*t!("ops.waive.or"));
        return Err(Error::user(t!(
            "ops.waive.not_allowed",
            person = person.id,
            roles = roles
        ))
        .hint(t!("ops.waive.not_allowed_hint")));
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
