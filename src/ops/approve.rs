//! `mkt approve` and `mkt sign-off` (SPEC 6): find the signer, work out the
//! stage, refuse everything that would be wrong before anything is written,
//! then commit exactly one signed approval file.

use rust_i18n::t;

use chrono::{DateTime, FixedOffset};

use crate::approvals::{self, Chain, Stage, SubjectKind, Verification, chain_for};
use crate::error::{Error, Result};
use crate::git::{self, CommitError, OneFileCommit, Signer};
use crate::model::{ApprovalDecision, Person};
use crate::repo::{Kind, Repo, classify};

/// What to approve or sign off.
#[derive(Debug, Clone)]
pub enum Subject {
    /// A campaign's plan, by ID.
    Campaign(String),
    /// A purchase request of a campaign, by its PO (file name or `id`).
    Purchase { campaign: String, po: String },
    /// Any file with a sign-off chain (minutes, copy, a report), by path
    /// relative to the repository root.
    Path(String),
}

pub struct ApproveOptions {
    pub subject: Subject,
    pub reject: bool,
    pub comment: String,
    pub stage: Option<String>,
    /// A signing key instead of git's `user.signingkey`.
    pub key: Option<String>,
    pub now: DateTime<FixedOffset>,
}

#[derive(Debug)]
pub struct Approved {
    pub file: String,
    pub commit: git::Oid,
    pub stage: String,
    pub person: String,
    pub decision: ApprovalDecision,
    /// Steps still open, with the people who can take them.
    pub remaining: Vec<(Stage, Vec<String>)>,
    pub complete: bool,
    /// The person the approver stood in for, as their deputy.
    pub on_behalf_of: Option<String>,
}

/// Resolves the subject to its repository path.
fn subject_path(repo: &Repo, s: &Subject) -> Result<String> {
    match s {
        Subject::Campaign(id) => {
            let c = repo.campaign(id).ok_or_else(|| {
                Error::user(t!("ops.approve.no_campaign", id = id))
                    .hint(t!("ops.approve.no_campaign_hint"))
            })?;
            if let Some(why) = &c.value.cancelled {
                return Err(Error::user(t!("ops.approve.cancelled", id = id, why = why)));
            }
            if repo.superseded().contains(id.as_str()) {
                return Err(Error::user(t!("ops.approve.superseded", id = id)));
            }
            Ok(c.path.clone())
        }
        Subject::Purchase { campaign, po } => {
            let dir = repo
                .campaigns
                .get(campaign)
                .ok_or_else(|| Error::user(t!("ops.approve.no_campaign", id = campaign)))?;
            dir.purchases
                .iter()
                .find(|p| {
                    p.value.id == *po || p.path.rsplit('/').next() == Some(&format!("{po}.toml"))
                })
                .map(|p| p.path.clone())
                .ok_or_else(|| {
                    Error::user(t!("ops.approve.no_purchase", campaign = campaign, po = po))
                        .hint(t!("ops.approve.no_purchase_hint"))
                })
        }
        Subject::Path(p) => {
            if !repo.root.join(p).is_file() {
                return Err(Error::user(t!("ops.approve.no_file", path = p)));
            }
            Ok(p.clone())
        }
    }
}

/// Who can take a step, in the roster.
fn who_can(v: &Verification, stage: &Stage) -> Vec<String> {
    match stage.role_name() {
        Some(role) => v
            .roster
            .at_head()
            .holders(role)
            .map(|p| p.id.clone())
            .collect(),
        None => stage.people().to_vec(),
    }
}

/// A step as typed: its name, or a role's Chinese name (主管), or 主持人 /
/// 参会人 for the chair and attendee steps.
fn stage_name(asked: &str, names: &[&str]) -> String {
    use crate::model::keyboard::{Vocab, canonical, halfwidth};
    let a = halfwidth(asked);
    let a = a.trim();
    if names.contains(&a) {
        return a.to_string();
    }
    match a {
        "主持人" | "主持" => return "chair".into(),
        "参会人" | "参会者" => return "attendee".into(),
        _ => {}
    }
    canonical(Vocab::Role, a).map_or_else(|| a.to_string(), str::to_string)
}

/// Picks the stage this person fills, or says why they cannot.
fn pick_stage(
    repo: &Repo,
    v: &Verification,
    chain: &Chain,
    person: &Person,
    asked: Option<&str>,
    stand_in: &dyn Fn(&str) -> Option<String>,
    today: chrono::NaiveDate,
) -> Result<Stage> {
    let progress = approvals::progress(repo, v, chain.clone(), None);
    let can = |s: &Stage| match s.role_name() {
        Some(role) => person.has_role(role) || stand_in(role).is_some(),
        None => s.people().contains(&person.id),
    };
    let open = progress.open();
    if let Some(asked) = asked {
        let names: Vec<&str> = chain.stages.iter().map(|s| s.name()).collect();
        let asked = stage_name(asked, &names);
        let asked = asked.as_str();
        let Some(i) = chain.stages.iter().position(|s| s.name() == asked) else {
            let err = Error::user(t!(
                "ops.approve.not_a_step",
                asked = asked,
                steps = names.join(", ")
            ));
            use crate::model::keyboard::{Vocab, chinese, closest};
            return Err(match closest(Vocab::Role, asked, names.iter().copied()) {
                Some(s) => err.hint(t!(
                    "suggest.did_you_mean_word",
                    id = s,
                    name = chinese(Vocab::Role, s)
                )),
                None => err,
            });
        };
        if let Some(done) = progress.filled[i] {
            return Err(Error::user(t!(
                "ops.approve.step_done",
                asked = asked,
                by = done.approval.approver
            )));
        }
        if !open.iter().any(|s| s.name() == asked) {
            let first = open
                .first()
                .map(|s| s.name().to_string())
                .unwrap_or_default();
            return Err(Error::user(t!(
                "ops.approve.step_out_of_order",
                first = first,
                asked = asked
            )));
        }
        if !can(&chain.stages[i]) {
            return Err(Error::user(t!(
                "ops.approve.cannot_take",
                person = person.id,
                asked = asked,
                who = chain.stages[i].who()
            )));
        }
        return Ok(chain.stages[i].clone());
    }
    if let Some(s) = open.iter().find(|s| can(s)) {
        return Ok((*s).clone());
    }
    if progress.complete() {
        return Err(Error::user(t!("ops.approve.complete")));
    }
    if let Some((s, done)) = chain
        .stages
        .iter()
        .zip(&progress.filled)
        .find(|(s, f)| f.is_some() && can(s))
    {
        return Err(Error::user(t!(
            "ops.approve.already_filled",
            person = done.map(|c| c.approval.approver.as_str()).unwrap_or(""),
            step = s.name()
        )));
    }
    if chain.ordered
        && let Some(later) = chain
            .stages
            .iter()
            .zip(&progress.filled)
            .find(|(s, f)| f.is_none() && can(s))
    {
        let first = open
            .first()
            .map(|s| stage_for_people(s))
            .unwrap_or_default();
        return Err(Error::user(t!(
            "ops.approve.out_of_order",
            first = first,
            later = later.0.name()
        )));
    }
    let needed: Vec<String> = open.iter().map(|s| stage_for_people(s)).collect();
    let err = Error::user(t!(
        "ops.approve.no_role",
        person = person.id,
        needed = needed.join(", ")
    ));
    Err(
        match crate::ops::delegate::why_not(v, &person.id, &open, chain.owner.as_deref(), today) {
            Some(why) => err.hint(why),
            None => err,
        },
    )
}

/// The blob id of the subject as committed at HEAD, refusing uncommitted changes.
pub(crate) fn committed_blob(repo: &Repo, path: &str) -> Result<git::Oid> {
    let committed = git::entry_at_head_or(&repo.git, path).map_err(|e| match e {
        git::AtHead::NoCommit => Error::user(t!("ops.approve.no_commit")),
        git::AtHead::NotCommitted => Error::user(t!("ops.approve.not_committed", path = path))
            .hint(t!("ops.approve.not_committed_hint")),
    })?;
    let now = repo.blob_id(path);
    if now != Some(committed) {
        return Err(Error::user(t!("ops.approve.uncommitted", path = path))
            .hint(t!("ops.approve.uncommitted_hint")));
    }
    Ok(committed)
}

/// The next approval file's name, numbered after every number HEAD's tree,
/// the work tree or history already uses: a name HEAD holds (even if
/// deleted from the work tree) is never committed over, a stray file is
/// never overwritten, and a withdrawn approval's name is never used again.
pub(crate) fn next_file(repo: &Repo, dir: &str, stage: &str, person: &str) -> String {
    let in_tree: Vec<String> = std::fs::read_dir(repo.root.join(dir))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let prefix = format!("{dir}/");
    let in_history: Vec<String> = repo
        .history
        .changes
        .iter()
        .filter_map(|c| c.path.strip_prefix(&prefix).map(str::to_string))
        .collect();
    let taken = git::names_at_head(&repo.git, dir)
        .iter()
        .chain(&in_tree)
        .chain(&in_history)
        .filter_map(|n| n.get(..2)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{dir}/{:02}-{stage}-{person}.toml", taken + 1)
}

pub fn approve(repo: &Repo, opts: &ApproveOptions) -> Result<Approved> {
    let subject = subject_path(repo, &opts.subject)?;
    let v = &approvals::verify(repo, repo.trust_root);
    let chain = chain_for(repo, v.policy_at_head(), &subject).ok_or_else(|| {
        Error::user(t!("ops.approve.no_chain", subject = subject))
            .hint(t!("ops.approve.no_chain_hint"))
    })?;
    let by_id = matches!(
        opts.subject,
        Subject::Campaign(_) | Subject::Purchase { .. }
    );
    let is_budget = matches!(
        chain.kind,
        SubjectKind::Campaign | SubjectKind::Emergency | SubjectKind::Purchase
    );
    if by_id != is_budget {
        return Err(if is_budget {
            Error::user(t!("ops.approve.is_approved", subject = subject))
                .hint(t!("ops.approve.is_approved_hint"))
        } else {
            Error::user(t!("ops.approve.is_signed_off", subject = subject))
                .hint(t!("ops.approve.is_signed_off_hint", subject = subject))
        });
    }

    if let Some(top) = &chain.above_top {
        return Err(Error::user(top.message()).hint(top.help()));
    }

    // 1. The signer, and who that is.
    let (signer, person) = signing_person(repo, v, opts.key.as_deref(), opts.now)?;

    // 2. The stage, and every refusal.
    if chain.owner.as_deref() == Some(person.id.as_str()) {
        let message = if chain.kind == SubjectKind::Purchase {
            t!("ops.approve.own_purchase", person = person.id)
        } else {
            t!("ops.approve.own_campaign", person = person.id)
        };
        return Err(Error::user(message).hint(t!("ops.approve.own_hint")));
    }
    // A deputy (职务代理) stands in for someone who holds the role, under a
    // delegation of the signed roster in force today; never for the owner.
    let today = repo.policy.day_of(opts.now);
    let stand_in = |role: &str| {
        crate::ops::delegate::standing_in(v.roster.at_head(), &person.id, role, today)
            .filter(|p| chain.owner.as_deref() != Some(p.as_str()))
    };
    let stage = pick_stage(
        repo,
        v,
        &chain,
        person,
        opts.stage.as_deref(),
        &stand_in,
        today,
    )?;
    let on_behalf_of = match stage.role_name() {
        Some(role) if !person.has_role(role) => stand_in(role),
        _ => None,
    };
    let blob = committed_blob(repo, &subject)?;

    // 3. The approval file.
    let decision = match (opts.reject, is_budget) {
        (true, _) => ApprovalDecision::Reject,
        (false, true) => ApprovalDecision::Approve,
        (false, false) => ApprovalDecision::SignOff,
    };
    let amount = match classify(&subject) {
        Kind::Campaign { folder } => repo.campaign(&folder).map(|c| c.value.budget.total),
        Kind::Purchase { .. } => repo
            .campaigns
            .values()
            .flat_map(|d| &d.purchases)
            .find(|p| p.path == subject)
            .map(|p| p.value.amount),
        _ => None,
    };
    let mut doc = toml_edit::DocumentMut::new();
    doc["subject"] = toml_edit::value(subject.as_str());
    doc["subject_blob"] = toml_edit::value(blob.to_string());
    doc["decision"] = toml_edit::value(match decision {
        ApprovalDecision::Approve => "approve",
        ApprovalDecision::Reject => "reject",
        ApprovalDecision::SignOff => "sign-off",
        ApprovalDecision::Cancel => "cancel",
    });
    doc["stage"] = toml_edit::value(stage.name());
    doc["approver"] = toml_edit::value(person.id.as_str());
    if let Some(p) = &on_behalf_of {
        doc["on_behalf_of"] = toml_edit::value(p.as_str());
    }
    let at: toml_edit::Datetime = opts
        .now
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
        .parse()
        .map_err(|_| Error::internal("time"))?;
    doc["at"] = toml_edit::value(at);
    if let Some(a) = amount {
        doc["amount"] = if a.fen() % 100 == 0 {
            toml_edit::value(a.fen() / 100)
        } else {
            toml_edit::value(a.to_string())
        };
    }
    doc["comment"] = toml_edit::value(opts.comment.as_str());
    // HEAD's approvals must all be in the work tree: one lost there (a
    // half-done approval of an older mkt, a stray `git rm`) would make a
    // filled step look open.
    if let Some(lost) = git::names_at_head(&repo.git, &chain.approvals_dir)
        .into_iter()
        .map(|n| format!("{}/{n}", chain.approvals_dir))
        .find(|p| !repo.root.join(p).exists())
    {
        return Err(Error::user(t!("ops.approve.lost", path = lost))
            .hint(t!("ops.approve.lost_hint", path = lost)));
    }
    let file = next_file(repo, &chain.approvals_dir, stage.name(), &person.id);
    let content = doc.to_string();

    // 4. One signed commit holding exactly that file.
    let verb = if is_budget { "approve" } else { "sign-off" };
    let what = chain
        .campaign
        .clone()
        .filter(|_| is_budget)
        .unwrap_or_else(|| subject.clone());
    let word = if opts.reject {
        format!("{} rejected", stage.name())
    } else {
        stage.name().to_string()
    };
    let by = match &on_behalf_of {
        Some(p) => format!("{} for {p}", person.id),
        None => person.id.clone(),
    };
    let message = format!("{verb}({what}): {word} by {by}\n\nMkt-Approval: {file}\n");
    let commit = git::commit_one_file(
        &repo.git,
        &OneFileCommit {
            path: &file,
            content: Some(content.as_bytes()),
            message: &message,
            name: &person.name,
            email: &person.email,
            at: opts.now,
        },
        &signer,
    )
    .map_err(commit_failed)?;

    // 5. What the chain still needs: what was open, less the step just taken.
    let before = approvals::progress(repo, v, chain.clone(), None);
    let mut open: Vec<&Stage> = chain
        .stages
        .iter()
        .zip(&before.filled)
        .filter(|(s, f)| f.is_none() && s.name() != stage.name())
        .map(|(s, _)| s)
        .collect();
    if opts.reject {
        open = before.open();
    } else if chain.ordered {
        open.truncate(1);
    }
    let remaining: Vec<(Stage, Vec<String>)> = open
        .into_iter()
        .map(|s| (s.clone(), who_can(v, s)))
        .collect();
    let complete = !opts.reject && remaining.is_empty();
    Ok(Approved {
        file,
        commit,
        stage: stage.name().to_string(),
        person: person.id.clone(),
        decision,
        remaining,
        complete,
        on_behalf_of,
    })
}

/// The configured signing key (or `key`), and the person the roster at
/// HEAD gives it to, with the key valid on the day of `now`.
pub(crate) fn signing_person<'v>(
    repo: &Repo,
    v: &'v Verification,
    key: Option<&str>,
    now: DateTime<FixedOffset>,
) -> Result<(Signer, &'v Person)> {
    // Nothing to sign on top of: say so, before any word about keys.
    if repo.history.commits.is_empty() {
        return Err(Error::user(t!("ops.approve.no_commit_to_sign"))
            .hint(t!("ops.approve.no_commit_to_sign_hint")));
    }
    let signer: Signer = git::configured_signer(&repo.git, key).map_err(Error::user)?;
    let key = signer.key();
    let (person, entry) = v.roster.at_head().owner_of(&key).ok_or_else(|| {
        Error::user(t!("ops.approve.key_unknown", key = key.fingerprint()))
            .hint(t!("ops.approve.key_unknown_hint"))
    })?;
    let today = repo.policy.day_of(now);
    if !approvals::key_valid_on(entry, today) {
        return Err(Error::user(t!(
            "ops.approve.key_not_valid",
            key = key.fingerprint(),
            today = today
        )));
    }
    Ok((signer, person))
}

/// What a failed one-file commit (approval or withdrawal) tells the person:
/// which case it was, and that nothing was changed.
pub(crate) fn commit_failed(e: CommitError) -> Error {
    match e {
        CommitError::NoBranch(why) => Error::user(why),
        CommitError::Sign(why) => Error::user(t!("ops.commit.sign_failed", why = why)),
        CommitError::Moved { branch } => {
            Error::user(t!("ops.commit.moved", branch = branch)).hint(t!("ops.commit.again"))
        }
        CommitError::Taken(path) => {
            Error::user(t!("ops.commit.taken", path = path)).hint(t!("ops.commit.taken_hint"))
        }
        CommitError::Missing(path) => Error::user(t!("ops.commit.missing", path = path)),
        CommitError::IndexLocked(lock) => {
            Error::user(t!("ops.commit.index_locked", lock = lock.display()))
                .hint(t!("ops.commit.index_locked_hint"))
        }
        CommitError::Io { what, error } => {
            let why = match error.kind() {
                std::io::ErrorKind::StorageFull => t!("ops.commit.disk_full").into_owned(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                    t!("ops.commit.not_writable").into_owned()
                }
                _ => error.to_string(),
            };
            Error::user(t!(
                "ops.commit.cannot_write",
                what = what.display(),
                why = why
            ))
            .hint(t!("ops.commit.cannot_write_hint"))
        }
        CommitError::Interrupted => Error::user(t!("ops.commit.interrupted")),
        CommitError::Git(e) if e.message().contains("No space left") => {
            Error::user(t!("ops.commit.git_disk_full", why = e.message()))
                .hint(t!("ops.commit.git_disk_full_hint"))
        }
        CommitError::Git(e) => Error::from(e),
    }
}

/// A step of a chain for people: `supervisor (a supervisor)`, 主管（supervisor）.
fn stage_for_people(s: &crate::approvals::Stage) -> String {
    match s.role_name() {
        Some(r) => t!(
            "approvals.stage.role",
            stage = s.name(),
            role = crate::report::grid::role_label(r)
        ),
        None => t!(
            "approvals.stage.people",
            stage = s.name(),
            people = s.people().join(&t!("cli.list_sep"))
        ),
    }
    .into_owned()
}
