//! Plain (unsigned) commits of files already in the work tree: used by
//! `mkt init` and to build the example department's history.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use git2::{Repository, Signature, Time};

/// Who and when, for a commit.
pub struct Identity<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub at: Option<DateTime<FixedOffset>>,
}

impl Identity<'_> {
    fn signature(&self) -> Result<Signature<'static>, git2::Error> {
        match self.at {
            Some(at) => Signature::new(
                self.name,
                self.email,
                &Time::new(at.timestamp(), at.offset().local_minus_utc() / 60),
            ),
            None => Signature::now(self.name, self.email),
        }
        .map(|s| s.to_owned())
    }
}

/// Adds `paths` (relative to the work tree) to the index and commits them on
/// top of HEAD (or as the root commit). Returns the new commit's id.
pub fn commit_paths(
    repo: &Repository,
    paths: &[&str],
    message: &str,
    who: &Identity,
) -> Result<git2::Oid, git2::Error> {
    let mut index = repo.index()?;
    // Another handle (an approval commit) may have written the index since.
    index.read(true)?;
    for p in paths {
        index.add_path(Path::new(p))?;
    }
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    let sig = who.signature()?;
    let parent = match repo.head() {
        Ok(h) => Some(h.peel_to_commit()?),
        Err(_) => None,
    };
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
}

/// The user's git identity, or mkt's own when git has none configured.
pub fn configured_identity(repo: &Repository) -> (String, String) {
    match repo.signature() {
        Ok(s) => (
            s.name().unwrap_or("mkt").to_string(),
            s.email().unwrap_or("mkt@localhost").to_string(),
        ),
        Err(_) => ("mkt".to_string(), "mkt@localhost".to_string()),
    }
}

/// One commit of `commit_signed_chain`: files (path relative to the work
/// tree, content) and the message.
pub struct Step<'a> {
    pub files: Vec<(&'a str, &'a [u8])>,
    pub message: &'a str,
}

/// Commits `steps` one on top of the other, each signed by `signer`, on the
/// current branch (on top of HEAD, or as the first commits of an unborn
/// branch); returns their ids. Every commit is made and signed before
/// anything is written: a signature refused (a passphrase not given, a key
/// gpg does not have) leaves the work tree and the branch as they were.
/// Then the files are written, the index takes exactly those paths
/// (whatever else is staged stays staged and out of these commits), and
/// the branch moves once, by compare-and-swap.
pub fn commit_signed_chain(
    repo: &Repository,
    steps: &[Step],
    who: &Identity,
    signer: &super::Signer,
) -> Result<Vec<git2::Oid>, super::CommitError> {
    use super::CommitError;
    use rust_i18n::t;
    let head = repo.find_reference("HEAD")?;
    let branch = match head.symbolic_target().ok().flatten() {
        Some(b) if b.starts_with("refs/heads/") => b.to_string(),
        _ => return Err(CommitError::NoBranch(t!("git.detached").into_owned())),
    };
    let old = repo.refname_to_id(&branch).ok();
    let sig = who.signature()?;
    let mut parent = old.map(|o| repo.find_commit(o)).transpose()?;
    let mut made = Vec::new();
    for step in steps {
        let base = match &parent {
            Some(p) => p.tree()?,
            None => repo.find_tree(repo.treebuilder(None)?.write()?)?,
        };
        let mut update = git2::build::TreeUpdateBuilder::new();
        for (path, bytes) in &step.files {
            update.upsert(*path, repo.blob(bytes)?, git2::FileMode::Blob);
        }
        let tree = repo.find_tree(update.create_updated(repo, &base)?)?;
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        let buffer = repo.commit_create_buffer(&sig, &sig, step.message, &tree, &parents)?;
        let payload = buffer
            .as_str()
            .map_err(|_| CommitError::Sign(t!("git.not_utf8").into_owned()))?;
        let signature = signer.sign(payload.as_bytes()).map_err(CommitError::Sign)?;
        let oid = repo.commit_signed(payload, &signature, Some("gpgsig"))?;
        made.push(oid);
        parent = Some(repo.find_commit(oid)?);
    }
    let Some(tip) = made.last().copied() else {
        return Ok(made);
    };
    let _held = crate::fsutil::Deferred::new();
    if let Some(root) = repo.workdir() {
        for step in steps {
            for (path, bytes) in &step.files {
                let file = root.join(path);
                crate::fsutil::write_atomic(&file, bytes).map_err(|e| CommitError::Io {
                    what: file.clone(),
                    error: std::io::Error::other(e.message),
                })?;
            }
        }
    }
    let message = format!(
        "mkt: {}",
        steps
            .last()
            .map_or("", |s| s.message.lines().next().unwrap_or(""))
    );
    let moved = match old {
        Some(old) => repo.reference_matching(&branch, tip, true, old, &message),
        None => repo.reference(&branch, tip, false, &message),
    };
    if moved.is_err() {
        return Err(CommitError::Moved { branch });
    }
    if repo.workdir().is_some() {
        let mut index = repo.index()?;
        index.read(true)?;
        for step in steps {
            for (path, _) in &step.files {
                index.add_path(Path::new(path))?;
            }
        }
        index.write()?;
    }
    Ok(made)
}
