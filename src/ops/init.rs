//! `mkt init`: a new marketing repository, or the example department with
//! its history replayed commit by commit on the dates it happened.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use include_dir::{Dir, include_dir};
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::fsutil;
use crate::git::{self, Identity};
use crate::model::Team;
use crate::policy::DEFAULT_POLICY;

static EXAMPLE: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/examples/department");

/// Empty folders every repository starts with, kept by a `.gitkeep`.
const FOLDERS: &[&str] = &["campaigns", "minutes", "incidents", "reports"];

pub struct InitOptions {
    pub dir: PathBuf,
    pub example: bool,
}

#[derive(Debug)]
pub struct Initialized {
    pub root: PathBuf,
    pub commits: usize,
    pub files: usize,
    pub campaigns: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct History {
    commit: Vec<HistoryCommit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryCommit {
    at: toml::value::Datetime,
    by: String,
    message: String,
    files: Vec<String>,
}

pub fn init(opts: &InitOptions) -> Result<Initialized> {
    let dir = &opts.dir;
    if dir.join("policy.toml").exists() {
        return Err(Error::user(format!(
            "{} is already a marketing repository (it has policy.toml); mkt init changes nothing",
            dir.display()
        )));
    }
    if opts.example {
        let non_empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false);
        if non_empty {
            return Err(Error::user(format!(
                "{} is not empty; the example department goes into a new folder",
                dir.display()
            ))
            .hint("name a folder that does not exist yet: mkt init --example demo"));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    // libgit2 resolves a relative path against itself once more; hand it an absolute one.
    let dir = &dir.canonicalize().map_err(|e| Error::io(dir, e))?;
    let repo = match git2::Repository::open(dir) {
        Ok(r) if r.workdir().is_some_and(|w| same_dir(w, dir)) => r,
        _ => git2::Repository::init(dir)?,
    };
    let root = repo.workdir().unwrap_or(dir).to_path_buf();
    if opts.example {
        return replay_example(&repo, &root);
    }
    let mut paths: Vec<String> = vec!["policy.toml".into(), "team.toml".into()];
    fsutil::create_new(&root.join("policy.toml"), DEFAULT_POLICY.as_bytes())?;
    let team = crate::templates::builtin("team.toml").unwrap_or_default();
    if root.join("team.toml").exists() {
        paths.pop();
    } else {
        fsutil::create_new(&root.join("team.toml"), team.as_bytes())?;
    }
    for f in FOLDERS {
        let keep = format!("{f}/.gitkeep");
        if !root.join(&keep).exists() {
            fsutil::create_new(&root.join(&keep), b"")?;
            paths.push(keep);
        }
    }
    let (name, email) = git::configured_identity(&repo);
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    git::commit_paths(
        &repo,
        &refs,
        "mkt init: policy, roster and folders",
        &Identity {
            name: &name,
            email: &email,
            at: None,
        },
    )?;
    Ok(Initialized {
        root,
        commits: 1,
        files: paths.len(),
        campaigns: 0,
    })
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn to_chrono(dt: &toml::value::Datetime) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(&dt.to_string()).ok()
}

fn example_file(path: &str) -> Result<&'static [u8]> {
    EXAMPLE
        .get_file(path)
        .map(|f| f.contents())
        .ok_or_else(|| Error::internal(format!("the example names {path}, which is not built in")))
}

fn replay_example(repo: &git2::Repository, root: &Path) -> Result<Initialized> {
    let manifest = std::str::from_utf8(example_file("history.toml")?)
        .map_err(|_| Error::internal("example history is not UTF-8"))?;
    let history: History =
        toml::from_str(manifest).map_err(|e| Error::internal(format!("example history: {e}")))?;
    let team: Team = toml::from_str(std::str::from_utf8(example_file("team.toml")?).unwrap_or(""))
        .map_err(|e| Error::internal(format!("example team: {e}")))?;
    let mut files = 0;
    for (i, c) in history.commit.iter().enumerate() {
        let mut paths: Vec<&str> = c.files.iter().map(String::as_str).collect();
        if i == 0 {
            fsutil::write_atomic(&root.join("policy.toml"), DEFAULT_POLICY.as_bytes())?;
            paths.insert(0, "policy.toml");
        }
        for p in &c.files {
            fsutil::write_atomic(&root.join(p), example_file(p)?)?;
        }
        files += paths.len();
        let person = team
            .person(&c.by)
            .ok_or_else(|| Error::internal(format!("example commit by unknown person {}", c.by)))?;
        let at = to_chrono(&c.at)
            .ok_or_else(|| Error::internal(format!("example commit time {}", c.at)))?;
        git::commit_paths(
            repo,
            &paths,
            &c.message,
            &Identity {
                name: &person.name,
                email: &person.email,
                at: Some(at),
            },
        )?;
    }
    let campaigns = std::fs::read_dir(root.join("campaigns"))
        .map(|d| d.count())
        .unwrap_or(0);
    Ok(Initialized {
        root: root.to_path_buf(),
        commits: history.commit.len(),
        files,
        campaigns,
    })
}
