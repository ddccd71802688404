//! The approval commit (SPEC 6): exactly one file on top of HEAD, signed the
//! way git signs (a `gpgsig` header after `committer`), the branch moved only
//! if it still points where it did, and the file added to the index without
//! touching anything else the user has staged.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use git2::{FileMode, Oid, Repository, Signature, Time};

use super::Signer;

pub struct OneFileCommit<'a> {
    pub path: &'a str,
    pub content: &'a [u8],
    pub message: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub at: DateTime<FixedOffset>,
}

#[derive(Debug)]
pub enum CommitError {
    /// HEAD is not on a branch, or the branch has no commit yet.
    NoBranch(String),
    /// Signing failed.
    Sign(String),
    /// The branch moved while we worked: someone else committed first.
    Moved {
        branch: String,
    },
    Git(git2::Error),
}

impl From<git2::Error> for CommitError {
    fn from(e: git2::Error) -> Self {
        CommitError::Git(e)
    }
}

/// Commits `c` signed by `signer` on the current branch; returns the commit id.
pub fn commit_one_file(
    repo: &Repository,
    c: &OneFileCommit,
    signer: &Signer,
) -> Result<Oid, CommitError> {
    let head = repo
        .head()
        .map_err(|_| CommitError::NoBranch("the repository has no commit yet".into()))?;
    if !head.is_branch() {
        return Err(CommitError::NoBranch(
            "HEAD is detached; check out a branch first".into(),
        ));
    }
    let branch = head.name().unwrap_or("HEAD").to_string();
    let parent_oid = head
        .target()
        .ok_or_else(|| CommitError::NoBranch("HEAD has no target".into()))?;
    let parent = repo.find_commit(parent_oid)?;
    let blob = repo.blob(c.content)?;
    let mut update = git2::build::TreeUpdateBuilder::new();
    update.upsert(c.path, blob, FileMode::Blob);
    let tree_oid = update.create_updated(repo, &parent.tree()?)?;
    let tree = repo.find_tree(tree_oid)?;
    let sig = Signature::new(
        c.name,
        c.email,
        &Time::new(c.at.timestamp(), c.at.offset().local_minus_utc() / 60),
    )?;
    let buffer = repo.commit_create_buffer(&sig, &sig, c.message, &tree, &[&parent])?;
    let payload = buffer
        .as_str()
        .map_err(|_| CommitError::Sign("the commit is not UTF-8".into()))?;
    let signature = signer.sign(payload.as_bytes()).map_err(CommitError::Sign)?;
    let oid = repo.commit_signed(payload, &signature, Some("gpgsig"))?;
    // Compare-and-swap: only if the branch still points at the parent.
    repo.reference_matching(
        &branch,
        oid,
        true,
        parent_oid,
        &format!("mkt: {}", first_line(c.message)),
    )
    .map_err(|_| CommitError::Moved {
        branch: branch.clone(),
    })?;
    // The index: this one entry added; whatever the user staged stays staged.
    let mut index = repo.index()?;
    let entry = git2::IndexEntry {
        ctime: git2::IndexTime::new(0, 0),
        mtime: git2::IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100644,
        uid: 0,
        gid: 0,
        file_size: c.content.len() as u32,
        id: blob,
        flags: 0,
        flags_extended: 0,
        path: c.path.as_bytes().to_vec(),
    };
    index.add_frombuffer(&entry, c.content)?;
    index.write()?;
    if let Some(root) = repo.workdir() {
        let _ = crate::fsutil::write_atomic(&root.join(Path::new(c.path)), c.content);
    }
    Ok(oid)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}
