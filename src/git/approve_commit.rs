//! The approval commit (SPEC 6): exactly one file on top of HEAD, signed the
//! way git signs (a `gpgsig` header after `committer`), the file added to the
//! index without touching anything else the user has staged.
//!
//! All or nothing: the new index is written into git's own `index.lock`
//! (held as git holds it), the file into the work tree, and only then is the
//! branch moved, by compare-and-swap; the lock is renamed over the index
//! last. Should any step fail — the index locked by another git, the branch
//! moved, a full disk, a read-only work tree — what was done is undone and
//! nothing has moved. Signals are held back while this runs.

use rust_i18n::t;

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use git2::{FileMode, Oid, Repository, Signature, Time};

use super::Signer;

pub struct OneFileCommit<'a> {
    pub path: &'a str,
    /// The file's content; none: the commit removes it (a withdrawal).
    pub content: Option<&'a [u8]>,
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
    /// HEAD (or the work tree) already has a file of that name.
    Taken(String),
    /// The file to remove is not in HEAD.
    Missing(String),
    /// Another git holds the index lock (`.git/index.lock`), still after
    /// waiting a little.
    IndexLocked(PathBuf),
    /// Writing failed: the disk is full, or the place is not writable.
    Io {
        what: PathBuf,
        error: std::io::Error,
    },
    /// Ctrl-C or SIGTERM before anything was written.
    Interrupted,
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
        .map_err(|_| CommitError::NoBranch(t!("ops.approve.no_commit").into_owned()))?;
    if !head.is_branch() {
        return Err(CommitError::NoBranch(t!("git.detached").into_owned()));
    }
    let branch = head.name().unwrap_or("HEAD").to_string();
    let parent_oid = head
        .target()
        .ok_or_else(|| CommitError::NoBranch("HEAD has no target".into()))?;
    let parent = repo.find_commit(parent_oid)?;
    let in_head = parent.tree()?.get_path(Path::new(c.path)).is_ok();
    let mut update = git2::build::TreeUpdateBuilder::new();
    let blob = match c.content {
        Some(_) if in_head => return Err(CommitError::Taken(c.path.to_string())),
        None if !in_head => return Err(CommitError::Missing(c.path.to_string())),
        Some(content) => {
            let blob = repo.blob(content)?;
            update.upsert(c.path, blob, FileMode::Blob);
            Some(blob)
        }
        None => {
            update.remove(c.path);
            None
        }
    };
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
        .map_err(|_| CommitError::Sign(t!("git.not_utf8").into_owned()))?;
    let signature = signer.sign(payload.as_bytes()).map_err(CommitError::Sign)?;
    let oid = repo.commit_signed(payload, &signature, Some("gpgsig"))?;
    // Only objects so far, which nothing refers to. From here on, all or
    // nothing, with signals held back.
    if crate::fsutil::Deferred::interrupted() {
        return Err(CommitError::Interrupted);
    }
    let _held = crate::fsutil::Deferred::new();
    let lock = IndexLock::acquire(repo)?;
    test_signal("locked");
    lock.write(&updated_index(repo, c.path, blob.zip(c.content))?)?;
    test_signal("indexed");
    // The work tree: the new file written, or the withdrawn one moved aside
    // (under `.git/mkt/`) until the branch has moved.
    let file = repo.workdir().map(|root| root.join(Path::new(c.path)));
    let aside = repo.path().join("mkt").join("withdrawn.tmp");
    match (&file, c.content) {
        (Some(file), Some(content)) => {
            if file.exists() {
                return Err(CommitError::Taken(c.path.to_string()));
            }
            write_new(file, content)?;
        }
        (Some(file), None) if file.exists() => {
            std::fs::rename(file, &aside).map_err(|error| CommitError::Io {
                what: file.clone(),
                error,
            })?;
        }
        _ => {}
    }
    test_signal("written");
    let undo = || match (&file, c.content) {
        (Some(f), Some(_)) => {
            let _ = std::fs::remove_file(f);
        }
        (Some(f), None) if aside.exists() => {
            let _ = std::fs::rename(&aside, f);
        }
        _ => {}
    };
    // A signal so far: undone, nothing moved.
    if crate::fsutil::Deferred::interrupted() {
        undo();
        return Err(CommitError::Interrupted);
    }
    // Compare-and-swap: only if the branch still points at the parent.
    if let Err(e) = repo.reference_matching(
        &branch,
        oid,
        true,
        parent_oid,
        &format!("mkt: {}", first_line(c.message)),
    ) {
        undo();
        let now = repo.refname_to_id(&branch).ok();
        return Err(if now != Some(parent_oid) {
            CommitError::Moved { branch }
        } else {
            CommitError::Git(e)
        });
    }
    test_signal("moved");
    // The branch has moved: the index follows (a rename, as git does it).
    lock.commit()?;
    let _ = std::fs::remove_file(&aside);
    if crate::fsutil::Deferred::interrupted() {
        eprintln!("{}", t!("git.committed_before_stopping", oid = oid));
    }
    Ok(oid)
}

/// For tests: `MKT_TEST_SIGNAL_AT=<step>` sends this process SIGTERM at that
/// step of the approval commit (locked, indexed, written, moved), as a
/// Ctrl-C at the worst moment would.
fn test_signal(step: &str) {
    if std::env::var("MKT_TEST_SIGNAL_AT").is_ok_and(|s| s == step) {
        let _ = signal_hook::low_level::raise(signal_hook::consts::SIGTERM);
    }
}

/// git's index lock, taken the way git takes it (create `index.lock`, fail
/// if it exists), retried a few times while another git (an editor's
/// `git status`) holds it. Dropped without `commit`, it is removed.
struct IndexLock {
    lock: PathBuf,
    index: PathBuf,
    file: std::fs::File,
    done: bool,
}

impl IndexLock {
    fn acquire(repo: &Repository) -> Result<IndexLock, CommitError> {
        let index = repo.path().join("index");
        let lock = repo.path().join("index.lock");
        for attempt in 0..10 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&lock)
            {
                Ok(file) => {
                    return Ok(IndexLock {
                        lock,
                        index,
                        file,
                        done: false,
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if attempt < 9 {
                        std::thread::sleep(std::time::Duration::from_millis(150));
                    }
                }
                Err(error) => return Err(CommitError::Io { what: lock, error }),
            }
        }
        Err(CommitError::IndexLocked(lock))
    }

    fn write(&self, bytes: &[u8]) -> Result<(), CommitError> {
        let io = |error| CommitError::Io {
            what: self.lock.clone(),
            error,
        };
        (&self.file).write_all(bytes).map_err(io)?;
        self.file.sync_all().map_err(io)
    }

    fn commit(mut self) -> Result<(), CommitError> {
        std::fs::rename(&self.lock, &self.index).map_err(|error| CommitError::Io {
            what: self.index.clone(),
            error,
        })?;
        self.done = true;
        Ok(())
    }
}

impl Drop for IndexLock {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.lock);
        }
    }
}

/// The index as it is (read under the lock), with one entry added: built in
/// a scratch copy under `.git/mkt/`, removed after.
fn updated_index(
    repo: &Repository,
    path: &str,
    added: Option<(Oid, &[u8])>,
) -> Result<Vec<u8>, CommitError> {
    let dir = repo.path().join("mkt");
    let io = |what: &Path| {
        let what = what.to_path_buf();
        move |error| CommitError::Io { what, error }
    };
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let scratch = tempfile::Builder::new()
        .prefix("index-")
        .tempdir_in(&dir)
        .map_err(io(&dir))?;
    let copy = scratch.path().join("index");
    match std::fs::copy(repo.path().join("index"), &copy) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(CommitError::Io { what: copy, error }),
    }
    let mut index = git2::Index::open(&copy)?;
    match added {
        Some((blob, content)) => index.add(&git2::IndexEntry {
            ctime: git2::IndexTime::new(0, 0),
            mtime: git2::IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode: 0o100644,
            uid: 0,
            gid: 0,
            file_size: u32::try_from(content.len()).unwrap_or(u32::MAX),
            id: blob,
            flags: 0,
            flags_extended: 0,
            path: path.as_bytes().to_vec(),
        })?,
        None => {
            let _ = index.remove_path(Path::new(path));
        }
    }
    index.write()?;
    std::fs::read(&copy).map_err(io(&copy))
}

/// Writes a new work-tree file (never over one), whole or not at all.
fn write_new(file: &Path, bytes: &[u8]) -> Result<(), CommitError> {
    let io = |error| CommitError::Io {
        what: file.to_path_buf(),
        error,
    };
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut tmp = crate::fsutil::temp_beside(dir, crate::fsutil::Mode::Shared).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist_noclobber(file).map_err(|e| io(e.error))?;
    Ok(())
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}
