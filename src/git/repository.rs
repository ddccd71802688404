//! Small reads of the repository that the layers above need: where it is,
//! what a path holds at a commit, what git ignores.

use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository};

/// The repository containing `dir`, if any.
pub fn discover(dir: &Path) -> Option<Repository> {
    Repository::discover(dir).ok()
}

/// Opens the repository at its `.git` path (one handle per thread).
pub fn open(git_dir: &Path) -> Result<Repository, String> {
    Repository::open(git_dir).map_err(|e| e.message().to_string())
}

/// The work tree's root, or `None` for a bare repository.
pub fn work_tree(repo: &Repository) -> Option<PathBuf> {
    repo.workdir().map(Path::to_path_buf)
}

/// Whether git ignores a work-tree path.
pub fn is_ignored(repo: &Repository, rel: &str) -> bool {
    repo.is_path_ignored(rel).unwrap_or(false)
}

/// The blob id git gives these bytes (`git hash-object`).
pub fn hash_blob(bytes: &[u8]) -> Option<Oid> {
    Oid::hash_object(ObjectType::Blob, bytes).ok()
}

/// The commit a revision names.
pub fn resolve_commit(repo: &Repository, rev: &str) -> Option<Oid> {
    repo.revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .ok()
        .map(|c| c.id())
}

/// What `path` holds in a commit's tree.
pub fn entry_at(repo: &Repository, commit: Oid, path: &str) -> Option<Oid> {
    repo.find_commit(commit)
        .and_then(|c| c.tree())
        .and_then(|t| t.get_path(Path::new(path)))
        .ok()
        .map(|e| e.id())
}

/// What `path` holds in HEAD's tree (none on an unborn branch).
pub fn entry_at_head(repo: &Repository, path: &str) -> Option<Oid> {
    let tree = repo.head().ok()?.peel_to_tree().ok()?;
    tree.get_path(Path::new(path)).ok().map(|e| e.id())
}

/// Every commit in the object store, reachable or not (reflogs, dangling
/// objects left by a rebase).
pub fn all_commits(repo: &Repository) -> Vec<Oid> {
    let mut commits = Vec::new();
    let Ok(odb) = repo.odb() else {
        return commits;
    };
    let _ = odb.foreach(|oid| {
        if let Ok((_, kind)) = odb.read_header(*oid)
            && kind == ObjectType::Commit
        {
            commits.push(*oid);
        }
        true
    });
    commits
}

/// The repository's `.git` folder.
pub fn git_dir(repo: &Repository) -> PathBuf {
    repo.path().to_path_buf()
}
