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
use crate::model::{PublicKey, Team};
use crate::ops::roster_edit::{NewKey, NewPerson, RosterDoc};
use crate::policy::DEFAULT_POLICY;

static EXAMPLE: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/examples/department");

/// Empty folders every repository starts with, kept by a `.gitkeep`.
const FOLDERS: &[&str] = &["campaigns", "minutes", "incidents", "reports"];

pub struct InitOptions {
    pub dir: PathBuf,
    pub example: bool,
    /// When the first commit is made (`GIT_COMMITTER_DATE`, else now).
    pub at: DateTime<FixedOffset>,
    /// The first admin, who signs the roster naming them; none: the
    /// folders and the template alone, committed unsigned (`--no-admin`).
    pub admin: Option<FirstAdmin>,
}

/// The person who signs the first roster, and how they sign.
pub struct FirstAdmin {
    pub id: String,
    pub name: String,
    pub email: String,
    pub signer: git::Signer,
    /// What git's configuration says to sign with that key: `gpg.format`
    /// (`ssh` or `openpgp`) and `user.signingkey`.
    pub format: &'static str,
    pub signing_key: String,
}

#[derive(Debug)]
pub struct Initialized {
    pub root: PathBuf,
    pub commits: usize,
    pub files: usize,
    pub campaigns: usize,
    /// The repository already had commits: the roster and the policy went
    /// on top of them.
    pub had_history: bool,
    /// The settings written into the repository's git config, in order.
    pub config: Vec<(String, String)>,
    /// The commit whose signed roster is the trust root (pinned as
    /// `mkt.trustRoot`), when an admin signed one.
    pub trust_root: Option<String>,
}

/// What people generate from a marketing repository and never commit:
/// reports saved as HTML (`mkt report --format html > q2.html`), man pages
/// (`mkt man --out man/`), exports saved at the top. Git ignores them, and
/// so does lint (F003 skips what git ignores).
pub const GITIGNORE: &str =
    "# What people make from this repository, never records (written by mkt init):
# reports saved as HTML, man pages, exports saved next to policy.toml.
*.html
/man/
/*.csv
/*.json
/*.sarif
";

/// The repository's `.gitignore` with mkt's lines added (those it does not
/// have yet); none when it has them all.
fn gitignore_for(existing: Option<&str>) -> Option<String> {
    let Some(text) = existing else {
        return Some(GITIGNORE.to_string());
    };
    let have: std::collections::HashSet<&str> = text.lines().map(str::trim).collect();
    let missing: Vec<&str> = GITIGNORE
        .lines()
        .filter(|l| !l.starts_with('#') && !have.contains(l))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.extend(
        GITIGNORE
            .lines()
            .filter(|l| l.starts_with('#'))
            .map(|l| format!("{l}\n")),
    );
    for l in missing {
        out.push_str(l);
        out.push('\n');
    }
    Some(out)
}

/// Refuses, before anything is asked or written, a folder mkt init cannot
/// fill: one that already has policy.toml, or (for the example) one that
/// is not empty.
pub fn check_target(dir: &Path, example: bool) -> Result<()> {
    if dir.join("policy.toml").exists() {
        return Err(Error::user(t!("ops.init.already", dir = dir.display())));
    }
    if example {
        let non_empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false);
        if non_empty {
            return Err(Error::user(t!("ops.init.not_empty", dir = dir.display()))
                .hint(t!("ops.init.not_empty_hint")));
        }
    }
    Ok(())
}

pub fn init(opts: &InitOptions) -> Result<Initialized> {
    let dir = &opts.dir;
    check_target(dir, opts.example)?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    // libgit2 resolves a relative path against itself once more; hand it an absolute one.
    let dir = &dir.canonicalize().map_err(|e| Error::io(dir, e))?;
    let repo = git::open_or_init(dir)?;
    let root = git::work_tree(&repo).unwrap_or_else(|| dir.to_path_buf());
    if opts.example {
        let mut done = replay_example(&repo, &root)?;
        done.config = set_config(
            &repo,
            &[("core.quotePath", "false"), ("pull.rebase", "false")],
        )?;
        return Ok(done);
    }
    let start = Start::read(&repo, root)?;
    let Some(admin) = &opts.admin else {
        return init_unsigned(&repo, opts, start);
    };
    let Start {
        root,
        had_history,
        team_text,
        template,
        ignore,
        keeps,
    } = start;

    // The roster naming the first admin, with their key from today.
    let mut roster = RosterDoc::parse(team_text.as_deref().unwrap_or(template))?;
    roster.add_person(&NewPerson {
        id: admin.id.clone(),
        name: admin.name.clone(),
        email: admin.email.clone(),
        roles: vec!["admin".into()],
        group: None,
    })?;
    let public = match admin.signer.key() {
        git::SignerKey::Ssh(k) => PublicKey::Ssh(
            k.to_openssh()
                .map_err(|e| Error::internal(format!("the public key: {e}")))?,
        ),
        git::SignerKey::OpenPgp(f) => PublicKey::OpenPgp(f),
    };
    let policy = crate::policy::Policy::builtin();
    roster.add_key(
        &admin.id,
        &NewKey {
            public,
            valid_from: Some(policy.day_of(opts.at)),
            valid_until: None,
        },
    )?;
    roster.team()?;
    let team = roster.to_string();

    let mut files: Vec<(&str, &[u8])> = vec![("team.toml", team.as_bytes())];
    if let Some(text) = &ignore {
        files.push((".gitignore", text.as_bytes()));
    }
    for k in &keeps {
        files.push((k.as_str(), b""));
    }
    let policy_file: (&str, &[u8]) = ("policy.toml", DEFAULT_POLICY.as_bytes());
    let roster_msg = t!("ops.init.commit_roster", id = admin.id).into_owned();
    let policy_msg = t!("ops.init.commit_policy").into_owned();
    let all_msg = t!("ops.init.commit_all", id = admin.id).into_owned();
    // A new repository: one root commit, the trust root itself. On top of
    // history: the roster first (the first admins sign the roster that
    // names them), then the policy, which only an admin of the roster
    // before it may sign.
    let steps = if had_history {
        vec![
            git::Step {
                files,
                message: &roster_msg,
            },
            git::Step {
                files: vec![policy_file],
                message: &policy_msg,
            },
        ]
    } else {
        files.insert(0, policy_file);
        vec![git::Step {
            files,
            message: &all_msg,
        }]
    };
    let count = steps.iter().map(|s| s.files.len()).sum();
    let made = git::commit_signed_chain(
        &repo,
        &steps,
        &Identity {
            name: &admin.name,
            email: &admin.email,
            at: Some(opts.at),
        },
        &admin.signer,
    )
    .map_err(crate::ops::approve::commit_failed)?;
    let trust = made.first().map(|o| o.to_string());
    let mut wanted: Vec<(&str, &str)> = vec![
        ("core.quotePath", "false"),
        ("gpg.format", admin.format),
        ("user.signingkey", &admin.signing_key),
        ("pull.rebase", "false"),
    ];
    let has_identity = repo.signature().is_ok();
    if !has_identity {
        wanted.push(("user.name", &admin.name));
        wanted.push(("user.email", &admin.email));
    }
    if let Some(id) = &trust {
        wanted.push(("mkt.trustRoot", id));
    }
    let config = set_config(&repo, &wanted)?;
    Ok(Initialized {
        root,
        commits: made.len(),
        files: count,
        campaigns: 0,
        had_history,
        config,
        trust_root: trust,
    })
}

/// What the folder has when mkt init starts, and what it will add.
struct Start {
    root: PathBuf,
    /// The branch has commits already.
    had_history: bool,
    /// team.toml as the folder has it, if it has one.
    team_text: Option<String>,
    template: &'static str,
    /// The .gitignore to write, when it lacks mkt's lines.
    ignore: Option<String>,
    /// The `.gitkeep` files of the folders that are missing.
    keeps: Vec<String>,
}

impl Start {
    fn read(repo: &git::Repository, root: PathBuf) -> Result<Start> {
        let team_path = root.join("team.toml");
        let team_text = match std::fs::read_to_string(&team_path) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io(&team_path, e)),
        };
        let ignore_now = std::fs::read_to_string(root.join(".gitignore")).ok();
        let keeps = FOLDERS
            .iter()
            .map(|f| format!("{f}/.gitkeep"))
            .filter(|k| !root.join(k).exists())
            .collect();
        Ok(Start {
            had_history: repo.head().ok().and_then(|h| h.target()).is_some(),
            team_text,
            template: crate::templates::builtin("team.toml").unwrap_or_default(),
            ignore: gitignore_for(ignore_now.as_deref()),
            keeps,
            root,
        })
    }
}

/// `mkt init --no-admin`: the template roster and the folders, committed
/// unsigned; the first admin signs the roster naming them later.
fn init_unsigned(repo: &git::Repository, opts: &InitOptions, start: Start) -> Result<Initialized> {
    let Start {
        root,
        had_history,
        team_text,
        template,
        ignore,
        keeps,
    } = start;
    let new_team = team_text.is_none();
    let mut paths: Vec<String> = vec!["policy.toml".into()];
    fsutil::create_new(&root.join("policy.toml"), DEFAULT_POLICY.as_bytes())?;
    if new_team {
        fsutil::create_new(&root.join("team.toml"), template.as_bytes())?;
        paths.push("team.toml".into());
    }
    if let Some(text) = &ignore {
        fsutil::write_atomic(&root.join(".gitignore"), text.as_bytes())?;
        paths.push(".gitignore".into());
    }
    for keep in keeps {
        fsutil::create_new(&root.join(&keep), b"")?;
        paths.push(keep);
    }
    let (name, email) = git::configured_identity(repo);
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    git::commit_paths(
        repo,
        &refs,
        &t!("ops.init.commit_unsigned"),
        &Identity {
            name: &name,
            email: &email,
            at: Some(opts.at),
        },
    )?;
    let config = set_config(
        repo,
        &[("core.quotePath", "false"), ("pull.rebase", "false")],
    )?;
    Ok(Initialized {
        root,
        commits: 1,
        files: paths.len(),
        campaigns: 0,
        had_history,
        config,
        trust_root: None,
    })
}

/// Sets each `key = value` in the repository's own git config that git
/// does not already read as that value; returns what it set.
fn set_config(repo: &git::Repository, wanted: &[(&str, &str)]) -> Result<Vec<(String, String)>> {
    let mut set = Vec::new();
    for (key, value) in wanted {
        if git::config_string(repo, key).as_deref() == Some(*value) {
            continue;
        }
        git::set_local_config(repo, key, value)?;
        set.push((key.to_string(), value.to_string()));
    }
    Ok(set)
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
        fsutil::write_with_mode(&path, private.as_bytes(), fsutil::Mode::Private)?;
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
            fsutil::write_atomic(&root.join(".gitignore"), GITIGNORE.as_bytes())?;
            paths.insert(0, "policy.toml");
            paths.insert(1, ".gitignore");
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
        had_history: false,
        config: Vec::new(),
        trust_root: None,
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
