//! `mkt cancel <ID> --reason`: the way to cancel that keeps lint green.
//!
//! Two commits, both signed by the person cancelling, who must be someone
//! who may approve the plan (a holder of a step of its chain, not its
//! owner): the plan with `cancelled = "<reason>"`, then a cancellation
//! record — an approval file with `decision = "cancel"` binding the
//! cancelled version's blob. The approvals made before stay on record; the
//! record is what keeps them from going stale (A005), and `mkt verify`
//! checks it like any approval.

use rust_i18n::t;

use chrono::{DateTime, FixedOffset};

use super::approve::{commit_failed, committed_blob, next_file, signing_person};
use crate::approvals::{self, chain_for};
use crate::error::{Error, Result};
use crate::git::{self, Identity, Step};
use crate::repo::Repo;

pub struct CancelOptions {
    pub id: String,
    pub reason: String,
    /// A signing key instead of git's `user.signingkey`.
    pub key: Option<String>,
    pub now: DateTime<FixedOffset>,
}

#[derive(Debug)]
pub struct Cancelled {
    pub id: String,
    pub person: String,
    pub stage: String,
    /// The plan's path, and the commit that set `cancelled`.
    pub plan: String,
    pub plan_commit: git::Oid,
    /// The cancellation record, and its commit.
    pub file: String,
    pub commit: git::Oid,
}

pub fn cancel(repo: &Repo, opts: &CancelOptions) -> Result<Cancelled> {
    let id = opts.id.as_str();
    let reason = opts.reason.trim();
    if reason.is_empty() {
        return Err(Error::user(t!("campaigns.cancel.no_reason")));
    }
    let Some(c) = repo.campaign(id) else {
        return Err(repo.unknown_campaign(id));
    };
    if let Some(why) = &c.value.cancelled {
        return Err(Error::user(t!(
            "campaigns.cancel.already",
            id = id,
            why = why
        )));
    }
    if repo.superseded().contains(id) {
        return Err(Error::user(t!("campaigns.cancel.superseded", id = id))
            .hint(t!("campaigns.cancel.superseded_hint")));
    }
    let path = c.path.clone();
    let v = &approvals::verify(repo, repo.trust_root);
    let chain = chain_for(repo, v.policy_at_head(), &path)
        .ok_or_else(|| Error::internal(format!("{path} has no approval chain")))?;
    let (signer, person) = signing_person(repo, v, opts.key.as_deref(), opts.now)?;
    if chain.owner.as_deref() == Some(person.id.as_str()) {
        return Err(Error::user(t!("campaigns.cancel.own", person = person.id))
            .hint(t!("campaigns.cancel.who_hint", who = who(&chain))));
    }
    // The step of the chain the person may fill: the one they sign for.
    let Some(stage) = chain.stages.iter().find(|s| match s.role_name() {
        Some(role) => person.has_role(role),
        None => s.people().contains(&person.id),
    }) else {
        return Err(
            Error::user(t!("campaigns.cancel.no_role", person = person.id))
                .hint(t!("campaigns.cancel.who_hint", who = who(&chain))),
        );
    };
    committed_blob(repo, &path)?;

    // 1. The plan, cancelled: only `cancelled` changes, comments kept.
    let text = repo
        .source_text(&path)
        .ok_or_else(|| Error::internal(format!("{path} could not be read again")))?;
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| Error::internal(format!("{path}: {e}")))?;
    let mut value = toml_edit::Value::from(reason);
    match doc.get_mut("cancelled") {
        Some(toml_edit::Item::Value(old)) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        _ => doc["cancelled"] = toml_edit::Item::Value(value),
    }
    let plan = doc.to_string();
    let blob = git::hash_blob(plan.as_bytes()).ok_or_else(|| Error::internal("hash"))?;

    // 2. The cancellation record, binding the cancelled version.
    let mut rec = toml_edit::DocumentMut::new();
    rec["subject"] = toml_edit::value(path.as_str());
    rec["subject_blob"] = toml_edit::value(blob.to_string());
    rec["decision"] = toml_edit::value("cancel");
    rec["stage"] = toml_edit::value(stage.name());
    rec["approver"] = toml_edit::value(person.id.as_str());
    let at: toml_edit::Datetime = opts
        .now
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
        .parse()
        .map_err(|_| Error::internal("time"))?;
    rec["at"] = toml_edit::value(at);
    let total = c.value.budget.total;
    rec["amount"] = if total.fen() % 100 == 0 {
        toml_edit::value(total.fen() / 100)
    } else {
        toml_edit::value(total.to_string())
    };
    rec["comment"] = toml_edit::value(reason);
    let file = next_file(repo, &chain.approvals_dir, stage.name(), &person.id);
    let record = rec.to_string();

    let plan_message = format!("cancel({id}): {reason}\n");
    let record_message = format!(
        "cancel({id}): {} by {}\n\nMkt-Approval: {file}\n",
        stage.name(),
        person.id
    );
    let made = git::commit_signed_chain(
        &repo.git,
        &[
            Step {
                files: vec![(path.as_str(), plan.as_bytes())],
                message: &plan_message,
            },
            Step {
                files: vec![(file.as_str(), record.as_bytes())],
                message: &record_message,
            },
        ],
        &Identity {
            name: &person.name,
            email: &person.email,
            at: Some(opts.now),
        },
        &signer,
    )
    .map_err(commit_failed)?;
    Ok(Cancelled {
        id: id.to_string(),
        person: person.id.clone(),
        stage: stage.name().to_string(),
        plan: path,
        plan_commit: made[0],
        file,
        commit: made[1],
    })
}

/// Who may cancel: the steps of the chain (`director`, `a supervisor`).
fn who(chain: &approvals::Chain) -> String {
    chain
        .stages
        .iter()
        .map(|s| s.who())
        .collect::<Vec<_>>()
        .join(", ")
}
