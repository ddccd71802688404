//! `mkt withdraw` (issue 11): a way back without rewriting shared history.
//! A signed commit that removes exactly one approval file, by its approver
//! or an admin, with the reason in the message. Verification lists it as
//! withdrawn (who and why), never as a tampered approval, and the step is
//! open again.

use rust_i18n::t;

use chrono::{DateTime, FixedOffset};

use crate::approvals;
use crate::error::{Error, Result};
use crate::git::{self, OneFileCommit};
use crate::repo::{Kind, Repo, classify};

/// The trailer that names the withdrawn file in the commit message.
pub const TRAILER: &str = "Mkt-Withdraw:";

pub struct WithdrawOptions {
    /// The approval file, relative to the repository root.
    pub file: String,
    pub reason: String,
    pub key: Option<String>,
    pub now: DateTime<FixedOffset>,
}

#[derive(Debug)]
pub struct Withdrawn {
    pub file: String,
    pub commit: git::Oid,
    pub person: String,
}

pub fn withdraw(repo: &Repo, opts: &WithdrawOptions) -> Result<Withdrawn> {
    let file = opts.file.trim_start_matches("./").to_string();
    if !matches!(
        classify(&file),
        Kind::Approval { .. } | Kind::DeptApproval | Kind::Waiver
    ) {
        return Err(Error::user(t!("ops.withdraw.not_approval", file = file))
            .hint(t!("ops.withdraw.not_approval_hint")));
    }
    if git::entry_at_head(&repo.git, &file).is_none() {
        return Err(Error::user(t!("ops.withdraw.not_in_head", file = file)));
    }
    let reason = opts.reason.trim();
    if reason.is_empty() {
        return Err(Error::user(t!("ops.withdraw.no_reason")));
    }
    let v = approvals::verify(repo, repo.trust_root);
    let (signer, person) = super::approve::signing_person(repo, &v, opts.key.as_deref(), opts.now)?;
    // Whose it is: the approver, or the person who waived.
    let approver = v
        .approvals
        .iter()
        .find(|c| c.path == file)
        .map(|c| c.approval.approver.clone())
        .or_else(|| {
            v.waivers
                .iter()
                .find(|w| w.path == file)
                .map(|w| w.waiver.waived_by.clone())
        });
    let allowed = person.has_role("admin") || approver.as_deref() == Some(person.id.as_str());
    if !allowed {
        let unknown = t!("ops.withdraw.unknown");
        return Err(Error::user(t!(
            "ops.withdraw.not_allowed",
            person = person.id,
            file = file,
            approver = approver.as_deref().unwrap_or(&unknown)
        )));
    }
    let message = format!(
        "withdraw: {file} by {}\n\n{reason}\n\n{TRAILER} {file}\n",
        person.id
    );
    let commit = git::commit_one_file(
        &repo.git,
        &OneFileCommit {
            path: &file,
            content: None,
            message: &message,
            name: &person.name,
            email: &person.email,
            at: opts.now,
        },
        &signer,
    )
    .map_err(super::approve::commit_failed)?;
    Ok(Withdrawn {
        file,
        commit,
        person: person.id.clone(),
    })
}
