//! Small reads of the repository that the layers above need: where it is,
//! what a path holds at a commit, what git ignores.

use rust_i18n::t;

use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository};

/// Whether git's environment names the repository (`GIT_DIR`, as in a
/// hook, with `GIT_OBJECT_DIRECTORY` pointing into a push's quarantine).
fn from_env() -> bool {
    std::env::var_os("GIT_DIR").is_some()
}

/// The repository containing `dir`, if any; the one `GIT_DIR` (and
/// `GIT_WORK_TREE`, `GIT_OBJECT_DIRECTORY`, …) names when set, as git does.
pub fn discover(dir: &Path) -> Option<Repository> {
    if from_env() {
        return Repository::open_from_env().ok();
    }
    Repository::discover(dir).ok()
}

/// Opens the repository at its `.git` path (one handle per thread), with
/// git's environment when it names the repository.
pub fn open(git_dir: &Path) -> Result<Repository, String> {
    if from_env() {
        return Repository::open_from_env().map_err(|e| e.message().to_string());
    }
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

/// Whether git converts line endings when it adds files to this
/// repository: `core.autocrlf` is `true` or `input`, or a `.gitattributes`
/// (or `info/attributes`) may say `text` / `eol`. Asked once per run.
pub fn converts_line_endings(repo: &Repository) -> bool {
    let autocrlf = repo
        .config()
        .ok()
        .and_then(|c| c.get_string("core.autocrlf").ok())
        .is_some_and(|v| {
            matches!(
                v.to_ascii_lowercase().as_str(),
                "true" | "input" | "yes" | "on" | "1"
            )
        });
    let attributes = repo
        .workdir()
        .is_some_and(|w| w.join(".gitattributes").exists())
        || repo.path().join("info/attributes").exists();
    autocrlf || attributes
}

/// The blob id git gives a work-tree file's bytes when it adds them (`git
/// hash-object --path`): with git's end-of-line conversion for a text file
/// (CRLF to LF) where the repository asks for it. `converts` is
/// `converts_line_endings`.
pub fn hash_worktree_blob(
    repo: &Repository,
    converts: bool,
    path: &str,
    bytes: &[u8],
) -> Option<Oid> {
    if converts && bytes.windows(2).any(|w| w == b"\r\n") && is_text_for_git(repo, path, bytes) {
        let mut clean = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
                continue;
            }
            clean.push(bytes[i]);
            i += 1;
        }
        return hash_blob(&clean);
    }
    hash_blob(bytes)
}

/// Whether git treats `path` as text to convert: its attributes (`-text`
/// never; `text`, `eol=…` always), else `core.autocrlf` with git's own
/// guess (no NUL byte: text).
fn is_text_for_git(repo: &Repository, path: &str, bytes: &[u8]) -> bool {
    let attr = |name: &str| {
        repo.get_attr(Path::new(path), name, git2::AttrCheckFlags::FILE_THEN_INDEX)
            .ok()
            .map(git2::AttrValue::from_string)
    };
    match attr("text") {
        Some(git2::AttrValue::False) => return false,
        Some(git2::AttrValue::True) => return true,
        _ => {}
    }
    if matches!(attr("eol"), Some(git2::AttrValue::String(_))) {
        return true;
    }
    let autocrlf_or_auto = matches!(attr("text"), Some(git2::AttrValue::String("auto")))
        || repo
            .config()
            .ok()
            .and_then(|c| c.get_string("core.autocrlf").ok())
            .is_some_and(|v| {
                !matches!(
                    v.to_ascii_lowercase().as_str(),
                    "false" | "no" | "off" | "0"
                )
            });
    autocrlf_or_auto && !bytes.contains(&0)
}

/// The commit a revision names.
pub fn resolve_commit(repo: &Repository, rev: &str) -> Option<Oid> {
    repo.revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .ok()
        .map(|c| c.id())
}

/// What `path` holds in a commit's tree.
/// A blob's text, read only when it is at most `cap` bytes (the size comes
/// from the object header, without reading the object).
pub fn blob_text(repo: &Repository, blob: Oid, cap: usize) -> Result<String, BlobText> {
    let size = repo
        .odb()
        .and_then(|odb| odb.read_header(blob))
        .map_err(|_| BlobText::Missing)?
        .0;
    if size > cap {
        return Err(BlobText::TooLarge(size));
    }
    let blob = repo.find_blob(blob).map_err(|_| BlobText::Missing)?;
    String::from_utf8(blob.content().to_vec()).map_err(|_| BlobText::NotText)
}

/// Why `blob_text` gave no text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobText {
    Missing,
    NotText,
    TooLarge(usize),
}

pub fn entry_at(repo: &Repository, commit: Oid, path: &str) -> Option<Oid> {
    repo.find_commit(commit)
        .and_then(|c| c.tree())
        .and_then(|t| t.get_path(Path::new(path)))
        .ok()
        .map(|e| e.id())
}

/// One file of a commit's tree.
pub struct TreeFile {
    pub path: String,
    pub link: bool,
    pub bytes: Vec<u8>,
    pub id: Oid,
}

/// Every file of a commit's tree that `keep` takes: its `/`-separated path,
/// whether it is a symbolic link, its bytes and blob id (what `mkt lint
/// --rev` reads instead of the work tree). A file not kept is never read,
/// nor a folder not kept (asked as `dir/`).
pub fn tree_files(
    repo: &Repository,
    commit: Oid,
    keep: &dyn Fn(&str) -> bool,
) -> Result<Vec<TreeFile>, git2::Error> {
    let tree = repo.find_commit(commit)?.tree()?;
    let mut out = Vec::new();
    let mut failed = None;
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        if entry.kind() == Some(git2::ObjectType::Tree) {
            let name = String::from_utf8_lossy(entry.name_bytes());
            return match keep(&format!("{dir}{name}/")) {
                true => git2::TreeWalkResult::Ok,
                false => git2::TreeWalkResult::Skip,
            };
        }
        if entry.kind() != Some(git2::ObjectType::Blob) {
            return git2::TreeWalkResult::Ok;
        }
        let name = String::from_utf8_lossy(entry.name_bytes());
        let path = format!("{dir}{name}");
        if !keep(&path) {
            return git2::TreeWalkResult::Ok;
        }
        let link = entry.filemode() == 0o120000;
        match repo.find_blob(entry.id()) {
            Ok(blob) => out.push(TreeFile {
                path,
                link,
                bytes: blob.content().to_vec(),
                id: entry.id(),
            }),
            Err(e) => {
                failed = Some(e);
                return git2::TreeWalkResult::Abort;
            }
        }
        git2::TreeWalkResult::Ok
    })?;
    match failed {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Every path that differs between commit `base` and `head` (a commit, or
/// the work tree with the index when `None`), and every path a commit on
/// one side but not the other changed: what can make a lint at `head`
/// differ from one at `base`. Read in-process, for the few commits between.
pub fn changed_paths(
    repo: &Repository,
    base: Oid,
    head: Option<Oid>,
) -> Result<std::collections::BTreeSet<String>, git2::Error> {
    let mut out = std::collections::BTreeSet::new();
    let tree_of = |id: Oid| repo.find_commit(id).map(|c| c.tree_id());
    let base_tree = tree_of(base)?;
    let tip = match head {
        Some(head) => head,
        None => repo.head()?.peel_to_commit()?.id(),
    };
    match head {
        Some(head) => out.extend(super::history::paths_between(
            repo,
            Some(base_tree),
            tree_of(head)?,
        )?),
        None => {
            // The work tree, through the index's record of what it has.
            let mut opts = git2::DiffOptions::new();
            opts.include_untracked(true)
                .recurse_untracked_dirs(true)
                .include_typechange(true);
            let base_tree = repo.find_tree(base_tree)?;
            let diff = repo.diff_tree_to_workdir_with_index(Some(&base_tree), Some(&mut opts))?;
            for d in diff.deltas() {
                for f in [d.old_file(), d.new_file()] {
                    if let Some(p) = f.path() {
                        out.insert(p.to_string_lossy().replace('\\', "/"));
                    }
                }
            }
        }
    }
    for (from, hide) in [(tip, base), (base, tip)] {
        let mut walk = repo.revwalk()?;
        walk.push(from)?;
        walk.hide(hide)?;
        for id in walk {
            let commit = repo.find_commit(id?)?;
            let parents: Vec<Oid> = commit.parent_ids().collect();
            if parents.is_empty() {
                out.extend(super::history::paths_between(repo, None, commit.tree_id())?);
            }
            for parent in parents {
                let parent = tree_of(parent)?;
                out.extend(super::history::paths_between(
                    repo,
                    Some(parent),
                    commit.tree_id(),
                )?);
            }
        }
    }
    Ok(out)
}

/// The names in a folder of HEAD's tree (none: no such folder).
pub fn names_at_head(repo: &Repository, dir: &str) -> Vec<String> {
    let Some(tree) = repo.head().ok().and_then(|h| h.peel_to_tree().ok()) else {
        return Vec::new();
    };
    let Some(sub) = tree
        .get_path(Path::new(dir))
        .ok()
        .and_then(|e| repo.find_tree(e.id()).ok())
    else {
        return Vec::new();
    };
    sub.iter()
        .filter_map(|e| e.name().ok().map(str::to_string))
        .collect()
}

/// What the index holds for `path` (none: not staged at all).
pub fn index_entry(repo: &Repository, path: &str) -> Option<Oid> {
    let index = repo.index().ok()?;
    index.get_path(Path::new(path), 0).map(|e| e.id)
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

/// Sets `key` in the clone's own git config (`.git/config`).
pub fn set_local_config(repo: &Repository, key: &str, value: &str) -> Result<(), git2::Error> {
    repo.config()?
        .open_level(git2::ConfigLevel::Local)?
        .set_str(key, value)
}

/// The repository's `.git` folder.
pub fn git_dir(repo: &Repository) -> PathBuf {
    repo.path().to_path_buf()
}

/// Opens the repository whose work tree is `dir`, or makes one there with
/// `main` as its first branch.
pub fn open_or_init(dir: &Path) -> Result<Repository, git2::Error> {
    match Repository::open(dir) {
        Ok(r) if r.workdir().is_some_and(|w| same_dir(w, dir)) => Ok(r),
        _ => Repository::init_opts(dir, git2::RepositoryInitOptions::new().initial_head("main")),
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// A string from the repository's git configuration (local, global,
/// system, as git reads them).
pub fn config_string(repo: &Repository, key: &str) -> Option<String> {
    repo.config().ok()?.get_string(key).ok()
}

/// Why `path` at HEAD cannot be had.
#[derive(Debug, PartialEq, Eq)]
pub enum AtHead {
    /// The branch has no commit yet.
    NoCommit,
    /// HEAD's tree has no such path.
    NotCommitted,
}

/// What `path` holds in HEAD's tree, or why there is nothing.
pub fn entry_at_head_or(repo: &Repository, path: &str) -> Result<Oid, AtHead> {
    let tree = repo
        .head()
        .and_then(|h| h.peel_to_tree())
        .map_err(|_| AtHead::NoCommit)?;
    tree.get_path(Path::new(path))
        .map(|e| e.id())
        .map_err(|_| AtHead::NotCommitted)
}

/// A git error as mkt reports it: what the user can fix (a lock another git
/// holds, a missing ref, a permission) is theirs, with a hint; the rest is
/// unexpected.
impl From<git2::Error> for crate::error::Error {
    fn from(e: git2::Error) -> crate::error::Error {
        use crate::error::Error;
        use git2::{ErrorClass, ErrorCode};
        let msg = format!("git: {}", e.message());
        match (e.code(), e.class()) {
            (ErrorCode::Locked, _) => Error::user(msg).hint(t!("git.locked_hint")),
            (ErrorCode::NotFound | ErrorCode::UnbornBranch, _) => {
                Error::user(msg).hint(t!("git.not_found_hint"))
            }
            (ErrorCode::Exists, _) => Error::user(msg),
            (_, ErrorClass::Os | ErrorClass::Filesystem) => {
                Error::new(crate::error::ErrorKind::Io, msg).hint(t!("git.io_hint"))
            }
            _ => Error::internal(msg),
        }
    }
}

/// Git's configuration as git reads it for `dir`: the repository's there
/// (local, then global, then system), or the person's own when `dir` is
/// no repository's work tree (yet).
pub struct GitConfig(git2::Config);

impl GitConfig {
    pub fn at(dir: &Path) -> GitConfig {
        let repo = Repository::open(dir)
            .ok()
            .filter(|r| r.workdir().is_some_and(|w| same_dir(w, dir)));
        let cfg = match repo {
            Some(r) => r.config(),
            None => git2::Config::open_default(),
        };
        GitConfig(cfg.unwrap_or_else(|_| git2::Config::new().expect("an empty git config")))
    }

    pub fn of(repo: &Repository) -> GitConfig {
        GitConfig(
            repo.config()
                .unwrap_or_else(|_| git2::Config::new().expect("an empty git config")),
        )
    }

    /// A value, when set (and not empty).
    pub fn get(&self, key: &str) -> Option<String> {
        self.0.get_string(key).ok().filter(|v| !v.trim().is_empty())
    }

    /// The signer this configuration names (see `configured_signer`).
    pub fn signer(&self, key: Option<&str>) -> Result<super::Signer, String> {
        super::signer_from_config(&self.0, key)
    }

    /// Sets `key` in the person's own git config (`~/.gitconfig`), for a
    /// machine outside any repository.
    pub fn set_global(key: &str, value: &str) -> Result<(), git2::Error> {
        let path = git2::Config::find_global().or_else(|e| {
            std::env::var_os("HOME")
                .map(|h| Path::new(&h).join(".gitconfig"))
                .ok_or(e)
        })?;
        git2::Config::open(&path)?.set_str(key, value)
    }
}
