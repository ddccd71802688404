//! `mkt init`: a new marketing repository, or the example department with
//! its history replayed commit by commit on the dates it happened.

use rust_i18n::t;

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
    /// When the first commit is made (`GIT_COMMITTER_DATE`); none: now.
    pub at: Option<chrono::DateTime<chrono::FixedOffset>>,
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
    #[serde(default)]
    message: String,
    #[serde(default)]
    files: Vec<String>,
    /// A subject `by` approves or signs off, with `mkt approve` itself.
    sign: Option<String>,
}

pub fn init(opts: &InitOptions) -> Result<Initialized> {
    let dir = &opts.dir;
    if dir.join("policy.toml").exists() {
        return Err(Error::user(t!("ops.init.already", dir = dir.display())));
    }
    if opts.example {
        let non_empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false);
        if non_empty {
            return Err(Error::user(t!("ops.init.not_empty", dir = dir.display()))
                .hint(t!("ops.init.not_empty_hint")));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    // libgit2 resolves a relative path against itself once more; hand it an absolute one.
    let dir = &dir.canonicalize().map_err(|e| Error::io(dir, e))?;
    let repo = git::open_or_init(dir)?;
    let root = git::work_tree(&repo).unwrap_or_else(|| dir.to_path_buf());
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
            at: opts.at,
        },
    )?;
    Ok(Initialized {
        root,
        commits: 1,
        files: paths.len(),
        campaigns: 0,
    })
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

/// Where `mkt init --example` keeps the demo people's private keys: inside
/// `.git`, so they are never committed.
pub const DEMO_KEYS: &str = "mkt-demo-keys";

/// Gives every person of the example roster a fresh ed25519 key: the
/// public half goes into team.toml, the private half into `.git/mkt-demo-keys/<id>`.
fn demo_keys(repo: &git::Repository, team_text: &str) -> Result<String> {
    let mut doc: toml_edit::DocumentMut = team_text
        .parse()
        .map_err(|e| Error::internal(format!("example team: {e}")))?;
    let dir = git::git_dir(repo).join(DEMO_KEYS);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let people = doc["people"]
        .as_array_of_tables_mut()
        .ok_or_else(|| Error::internal("example team has no people"))?;
    for person in people.iter_mut() {
        let id = person["id"].as_str().unwrap_or("").to_string();
        let key = ssh_key::PrivateKey::random(&mut rand_core::OsRng, ssh_key::Algorithm::Ed25519)
            .map_err(|e| Error::internal(format!("key generation: {e}")))?;
        let mut public = key.public_key().clone();
        public.set_comment(format!("{id}@mkt-demo"));
        let private = key
            .to_openssh(ssh_key::LineEnding::LF)
            .map_err(|e| Error::internal(e.to_string()))?;
        let path = dir.join(&id);
        fsutil::write_atomic(&path, private.as_bytes())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        }
        let mut entry = toml_edit::Table::new();
        entry["ssh"] = toml_edit::value(
            public
                .to_openssh()
                .map_err(|e| Error::internal(e.to_string()))?,
        );
        entry["valid_from"] =
            toml_edit::value("2026-01-01".parse::<toml_edit::Datetime>().expect("a date"));
        let mut keys = toml_edit::ArrayOfTables::new();
        keys.push(entry);
        person.insert("keys", toml_edit::Item::ArrayOfTables(keys));
    }
    Ok(doc.to_string())
}

fn replay_example(repo: &git::Repository, root: &Path) -> Result<Initialized> {
    let manifest = std::str::from_utf8(example_file("history.toml")?)
        .map_err(|_| Error::internal("example history is not UTF-8"))?;
    let history: History =
        toml::from_str(manifest).map_err(|e| Error::internal(format!("example history: {e}")))?;
    let team_text = std::str::from_utf8(example_file("team.toml")?).unwrap_or("");
    let team: Team =
        toml::from_str(team_text).map_err(|e| Error::internal(format!("example team: {e}")))?;
    let team_with_keys = demo_keys(repo, team_text)?;
    let mut files = 0;
    let mut commits = 0;
    for (i, c) in history.commit.iter().enumerate() {
        let person = team
            .person(&c.by)
            .ok_or_else(|| Error::internal(format!("example commit by unknown person {}", c.by)))?;
        let at = to_chrono(&c.at)
            .ok_or_else(|| Error::internal(format!("example commit time {}", c.at)))?;
        if let Some(subject) = &c.sign {
            sign_as(root, &c.by, subject, at)?;
            commits += 1;
            continue;
        }
        let mut paths: Vec<&str> = c.files.iter().map(String::as_str).collect();
        if i == 0 {
            fsutil::write_atomic(&root.join("policy.toml"), DEFAULT_POLICY.as_bytes())?;
            paths.insert(0, "policy.toml");
        }
        for p in &c.files {
            let bytes = if p == "team.toml" {
                team_with_keys.as_bytes()
            } else {
                example_file(p)?
            };
            fsutil::write_atomic(&root.join(p), bytes)?;
        }
        files += paths.len();
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
        commits += 1;
    }
    let campaigns = std::fs::read_dir(root.join("campaigns"))
        .map(|d| d.count())
        .unwrap_or(0);
    Ok(Initialized {
        root: root.to_path_buf(),
        commits,
        files,
        campaigns,
    })
}

/// Approves or signs off `subject` as `person` would: `mkt approve` with
/// their demo key, at the time the history says.
fn sign_as(root: &Path, person: &str, subject: &str, at: DateTime<FixedOffset>) -> Result<()> {
    use crate::ops::approve::{ApproveOptions, Subject, approve};
    use crate::repo::{Kind, classify};
    let repo = crate::repo::Repo::open(root)?;
    let subject = match classify(subject) {
        Kind::Campaign { folder } => Subject::Campaign(folder),
        Kind::Purchase { folder } => Subject::Purchase {
            campaign: folder,
            po: subject
                .rsplit('/')
                .next()
                .unwrap_or("")
                .trim_end_matches(".toml")
                .to_string(),
        },
        _ => Subject::Path(subject.to_string()),
    };
    let key = git::git_dir(&repo.git).join(DEMO_KEYS).join(person);
    approve(
        &repo,
        &ApproveOptions {
            subject,
            reject: false,
            comment: String::new(),
            stage: None,
            key: Some(key.to_string_lossy().into_owned()),
            now: at,
        },
    )?;
    Ok(())
}
