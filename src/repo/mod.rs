//! The repository as mkt sees it: every record loaded once, with its source
//! for diagnostics, and what history says about it. Rules read only this.

mod layout;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;

use crate::diag::Located;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Approval, Campaign, Incident, Minutes, Purchase, Results, Team};
use crate::policy::Policy;

pub use crate::source::{Fault, SourceDoc, SourceError, locate_in_text};
pub use layout::{Kind, classify, parse_report_name};

/// Why a file could not be taken in as a record. Loading says what went
/// wrong; the file rules (F001–F003) decide what it is called.
#[derive(Debug, Clone)]
pub struct LoadFault {
    pub kind: FaultKind,
    pub at: Located,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Not TOML.
    Syntax,
    /// TOML, but not the record's schema.
    Schema,
    /// The file exists but cannot be read, is too large or is not UTF-8.
    Unreadable,
    /// Not where any record belongs.
    Misplaced,
    /// A symbolic link.
    Symlink,
    /// A file name that is not UTF-8.
    BadName,
    /// A required file is missing.
    Missing,
}

impl LoadFault {
    fn new(kind: FaultKind, at: Located, message: impl Into<String>) -> LoadFault {
        LoadFault {
            kind,
            at,
            message: message.into(),
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> LoadFault {
        self.help = Some(help.into());
        self
    }
}

/// A record and the repository-relative path it came from.
#[derive(Debug, Clone)]
pub struct Record<T> {
    pub path: String,
    pub value: T,
}

/// Everything under `campaigns/<folder>/`.
#[derive(Debug, Default)]
pub struct CampaignDir {
    pub folder: String,
    pub campaign: Option<Record<Campaign>>,
    pub results: Option<Record<Results>>,
    pub minutes: Vec<Record<Minutes>>,
    pub purchases: Vec<Record<Purchase>>,
    pub approvals: Vec<Record<Approval>>,
    /// Copy: paths of content/*.md|*.txt, text in `Repo::texts`.
    pub content: Vec<String>,
    pub contracts: Vec<String>,
    /// The first bytes of each contract (enough to tell an age file), or
    /// why they could not be read.
    pub contract_heads: HashMap<String, std::result::Result<Vec<u8>, String>>,
    /// touchpoints.csv, text in `Repo::texts`.
    pub touchpoints: Option<String>,
}

/// The loaded repository.
pub struct Repo {
    pub root: PathBuf,
    pub policy: Policy,
    pub team: Team,
    /// Whether team.toml was present and valid.
    pub has_team: bool,
    /// By folder name, in order.
    pub campaigns: BTreeMap<String, CampaignDir>,
    pub dept_minutes: Vec<Record<Minutes>>,
    pub incidents: Vec<Record<Incident>>,
    /// Filed quarterly reports: (year, quarter) -> path.
    pub reports: BTreeMap<(i32, u32), String>,
    /// Parsed TOML records, by path, for spans.
    pub docs: HashMap<String, SourceDoc>,
    /// Text files that are not TOML (copy, touchpoints).
    pub texts: HashMap<String, String>,
    /// When each minutes file was first committed (absent: not committed yet).
    pub first_added: HashMap<String, DateTime<FixedOffset>>,
    /// HEAD's history: commits, and changes to minutes, approvals and team.toml.
    pub history: crate::git::Walk,
    /// Approvals and sign-offs of department subjects (minutes, reports).
    pub dept_approvals: Vec<Record<Approval>>,
    /// Files that could not be taken in as records.
    pub faults: Vec<LoadFault>,
    pub git: crate::git::Repository,
    /// The index in `history` of the trust-root commit (SPEC 5).
    pub trust_root: usize,
    /// Blob ids of work-tree files, as git would hash them, once each.
    blob_ids: std::cell::RefCell<HashMap<String, Option<crate::git::Oid>>>,
}

/// The outcome of reading one file.
/// A record read into its type.
enum Typed {
    Team(Team),
    Campaign(Box<Campaign>),
    Results(Results),
    Minutes(Minutes),
    Purchase(Purchase),
    Approval(Approval),
    Incident(Incident),
}

enum Loaded {
    /// A TOML record, its source kept for spans; read on the loading
    /// threads, so each file is parsed once and in parallel.
    Toml(Kind, Box<(SourceDoc, Result<Typed, SourceError>)>),
    Text(Kind, String),
    Listed(Kind),
    /// A contract: listed, with its first bytes.
    Contract(Kind, std::result::Result<Vec<u8>, String>),
    Fault(LoadFault),
    Skip,
}

impl Repo {
    /// Finds the repository containing `dir` and loads it.
    pub fn open(dir: &Path) -> Result<Repo> {
        let git = crate::git::discover(dir).ok_or_else(|| {
            Error::user(format!("{} is not inside a git repository", dir.display()))
                .hint("run `mkt init` to create a marketing repository, or pass -C DIR")
        })?;
        let root = crate::git::work_tree(&git).ok_or_else(|| {
            Error::user("this git repository has no work tree (bare); mkt needs one")
        })?;
        let policy_path = root.join("policy.toml");
        let policy_text = match std::fs::read(&policy_path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
                let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let at = locate_in_text(
                    "policy.toml",
                    &String::from_utf8_lossy(valid),
                    valid.len()..valid.len(),
                );
                Error::config(format!(
                    "policy.toml:{}:{}: the file is not valid UTF-8",
                    at.line, at.column
                ))
                .hint("save policy.toml as UTF-8 (not GBK)")
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::user(format!(
                    "{} is not a marketing repository: it has no policy.toml",
                    root.display()
                ))
                .hint("run `mkt init` here to add the default policy"));
            }
            Err(e) => return Err(Error::io(&policy_path, e)),
        };
        let policy = Policy::parse(&policy_text, "policy.toml").map_err(|e| {
            Error::config(format!(
                "policy.toml:{}:{}: {}",
                e.at.line, e.at.column, e.message
            ))
            .hint("fix the policy; `mkt init` in an empty folder writes the default for comparison")
        })?;
        Repo::load(git, root, policy)
    }

    fn load(git: crate::git::Repository, root: PathBuf, policy: Policy) -> Result<Repo> {
        let files = walk(&root)?;
        let max = policy.general.max_file_bytes;
        let loaded: Vec<(String, Loaded)> = files
            .into_par_iter()
            .map(|(rel, is_link)| {
                let l = load_one(&root, &rel, is_link, max);
                (rel, l)
            })
            .collect();

        let mut repo = Repo {
            root,
            policy,
            team: Team::default(),
            has_team: false,
            campaigns: BTreeMap::new(),
            dept_minutes: Vec::new(),
            incidents: Vec::new(),
            reports: BTreeMap::new(),
            docs: HashMap::new(),
            texts: HashMap::new(),
            first_added: HashMap::new(),
            history: crate::git::Walk::default(),
            dept_approvals: Vec::new(),
            trust_root: 0,
            blob_ids: std::cell::RefCell::new(HashMap::new()),
            faults: Vec::new(),
            git,
        };
        for (rel, l) in loaded {
            // A stray file that git ignores (an editor's backup, `.DS_Store`) is not the team's.
            if let Loaded::Fault(f) = &l
                && f.kind == FaultKind::Misplaced
                && crate::git::is_ignored(&repo.git, &rel)
            {
                continue;
            }
            repo.add(rel, l);
        }
        if !repo.has_team && !repo.faults.iter().any(|f| f.at.file == "team.toml") {
            repo.faults.push(
                LoadFault::new(
                    FaultKind::Missing,
                    Located::file("team.toml"),
                    "team.toml is missing",
                )
                .help("every marketing repository has a roster; `mkt init` writes one to fill in"),
            );
        }
        // Every minutes file in history, not only today's (a renamed file
        // keeps the time its content was first committed); every approval
        // and roster change, for verification.
        let filter = crate::git::PathFilter {
            // Bump when what the filter takes in changes.
            cache_key: Some("minutes+approvals+team/1"),
            descend: &|p: &str| {
                let parts: Vec<&str> = p.split('/').collect();
                matches!(
                    parts.as_slice(),
                    ["campaigns"]
                        | ["campaigns", _]
                        | ["campaigns", _, "minutes" | "approvals"]
                        | ["minutes"]
                        | ["minutes", _]
                        | ["approvals"]
                )
            },
            wanted: &|p: &str| {
                matches!(
                    classify(p),
                    Kind::CampaignMinutes { .. }
                        | Kind::DeptMinutes { .. }
                        | Kind::Approval { .. }
                        | Kind::DeptApproval
                        | Kind::Team
                )
            },
        };
        repo.history = crate::git::walk(&repo.git, &filter).map_err(|e| {
            Error::new(ErrorKind::Io, format!("reading history: {e}"))
                .hint("check that the repository is readable and not damaged (`git fsck`)")
        })?;
        let first_added = repo.history.first_added();
        repo.first_added = first_added
            .into_iter()
            .filter(|(p, _)| {
                matches!(
                    classify(p),
                    Kind::CampaignMinutes { .. } | Kind::DeptMinutes { .. }
                )
            })
            .collect();
        Ok(repo)
    }

    /// The git blob id of a work-tree file (what `git hash-object` gives),
    /// from the text already loaded where there is one.
    pub fn blob_id(&self, path: &str) -> Option<crate::git::Oid> {
        if let Some(id) = self.blob_ids.borrow().get(path) {
            return *id;
        }
        let hash = crate::git::hash_blob;
        let id = match (self.docs.get(path), self.texts.get(path)) {
            (Some(doc), _) => hash(doc.text().as_bytes()),
            (None, Some(text)) => hash(text.as_bytes()),
            _ => std::fs::read(self.root.join(path))
                .ok()
                .and_then(|b| hash(&b)),
        };
        self.blob_ids.borrow_mut().insert(path.to_string(), id);
        id
    }

    /// What `path` holds in HEAD's tree (none: not committed).
    pub fn at_head(&self, path: &str) -> Option<crate::git::Oid> {
        crate::git::entry_at_head(&self.git, path)
    }

    /// The error for a campaign ID that does not exist, with the ID meant.
    pub fn unknown_campaign(&self, id: &str) -> Error {
        let err = Error::user(format!("there is no campaign `{id}`"));
        match crate::suggest::closest(id, self.campaigns.keys().map(String::as_str)) {
            Some(k) => err.hint(format!("did you mean `{k}`?")),
            None => err.hint("campaign IDs are the folder names under campaigns/ (`mkt status` lists what is live)"),
        }
    }

    /// Refuses a shallow clone: its oldest commit seems to add every file,
    /// so minutes timing and approvals cannot be judged.
    pub fn require_full_history(&self) -> Result<()> {
        if self.history.shallow {
            return Err(Error::user("this is a shallow clone: mkt reads the whole history to check minutes and approvals")
                .hint("fetch it all with `git fetch --unshallow` (in GitHub Actions: actions/checkout with fetch-depth: 0)"));
        }
        Ok(())
    }

    /// Sets the trust root (`--trust-root REV` / `MKT_TRUST_ROOT`): the
    /// commit whose team.toml is trusted as it is.
    pub fn set_trust_root(&mut self, rev: &str) -> Result<()> {
        let oid = crate::git::resolve_commit(&self.git, rev).ok_or_else(|| {
            Error::user(format!(
                "trust root `{rev}` is not a commit of this repository"
            ))
        })?;
        self.trust_root = self
            .history
            .commits
            .iter()
            .position(|c| c.oid == oid)
            .ok_or_else(|| {
                Error::user(format!("trust root `{rev}` is not in the history of HEAD"))
            })?;
        Ok(())
    }

    fn add(&mut self, rel: String, loaded: Loaded) {
        match loaded {
            Loaded::Skip => {}
            Loaded::Fault(f) => self.faults.push(f),
            Loaded::Contract(kind, head) => {
                if let Kind::Contract { folder } = kind {
                    let dir = self.campaign_dir(&folder);
                    dir.contracts.push(rel.clone());
                    dir.contract_heads.insert(rel, head);
                }
            }
            Loaded::Listed(kind) => match kind {
                Kind::Contract { folder } => self.campaign_dir(&folder).contracts.push(rel),
                Kind::Report { year, quarter } => {
                    self.reports.insert((year, quarter), rel);
                }
                _ => {}
            },
            Loaded::Text(kind, text) => {
                match kind {
                    Kind::Content { folder } => {
                        self.campaign_dir(&folder).content.push(rel.clone())
                    }
                    Kind::Touchpoints { folder } => {
                        self.campaign_dir(&folder).touchpoints = Some(rel.clone())
                    }
                    _ => return,
                }
                self.texts.insert(rel, text);
            }
            Loaded::Toml(kind, loaded) => {
                let (doc, typed) = *loaded;
                let value = match typed {
                    Ok(v) => Some(v),
                    Err(e) => {
                        let kind = match e.fault {
                            Fault::Syntax => FaultKind::Syntax,
                            Fault::Schema => FaultKind::Schema,
                        };
                        self.faults.push(LoadFault {
                            kind,
                            at: e.at,
                            message: e.message,
                            help: e.help,
                        });
                        if e.fault == Fault::Syntax {
                            return; // nothing to point into
                        }
                        None
                    }
                };
                match (kind, value) {
                    (Kind::Team, Some(Typed::Team(t))) => {
                        self.team = t;
                        self.has_team = true;
                    }
                    (Kind::Campaign { folder }, v) => {
                        let dir = self.campaign_dir(&folder);
                        if let Some(Typed::Campaign(c)) = v {
                            dir.campaign = Some(Record {
                                path: rel.clone(),
                                value: *c,
                            });
                        }
                    }
                    (Kind::Results { folder }, Some(Typed::Results(r))) => {
                        self.campaign_dir(&folder).results = Some(Record {
                            path: rel.clone(),
                            value: r,
                        })
                    }
                    (Kind::CampaignMinutes { folder }, Some(Typed::Minutes(m))) => {
                        self.campaign_dir(&folder).minutes.push(Record {
                            path: rel.clone(),
                            value: m,
                        })
                    }
                    (Kind::Purchase { folder }, Some(Typed::Purchase(p))) => {
                        self.campaign_dir(&folder).purchases.push(Record {
                            path: rel.clone(),
                            value: p,
                        })
                    }
                    (Kind::Approval { folder }, Some(Typed::Approval(a))) => {
                        self.campaign_dir(&folder).approvals.push(Record {
                            path: rel.clone(),
                            value: a,
                        })
                    }
                    (Kind::DeptMinutes { .. }, Some(Typed::Minutes(m))) => {
                        self.dept_minutes.push(Record {
                            path: rel.clone(),
                            value: m,
                        })
                    }
                    (Kind::DeptApproval, Some(Typed::Approval(a))) => {
                        self.dept_approvals.push(Record {
                            path: rel.clone(),
                            value: a,
                        })
                    }
                    (Kind::Incident, Some(Typed::Incident(x))) => self.incidents.push(Record {
                        path: rel.clone(),
                        value: x,
                    }),
                    _ => {}
                }
                self.docs.insert(rel, doc);
            }
        }
    }

    fn campaign_dir(&mut self, folder: &str) -> &mut CampaignDir {
        self.campaigns
            .entry(folder.to_string())
            .or_insert_with(|| CampaignDir {
                folder: folder.to_string(),
                ..CampaignDir::default()
            })
    }

    /// Every minutes file, campaign and department.
    pub fn minutes_paths(&self) -> impl Iterator<Item = &str> {
        self.campaigns
            .values()
            .flat_map(|c| c.minutes.iter().map(|m| m.path.as_str()))
            .chain(self.dept_minutes.iter().map(|m| m.path.as_str()))
    }

    /// The location of a key in a loaded TOML file.
    pub fn at(&self, file: &str, path: &[&str]) -> Located {
        match self.docs.get(file) {
            Some(doc) => doc.locate(path),
            None => Located::file(file),
        }
    }

    /// A file's text, for snippets.
    pub fn source_text(&self, file: &str) -> Option<String> {
        if let Some(doc) = self.docs.get(file) {
            return Some(doc.text().to_string());
        }
        if let Some(t) = self.texts.get(file) {
            return Some(t.clone());
        }
        std::fs::read_to_string(self.root.join(file)).ok()
    }

    /// Campaigns with a valid campaign.toml.
    pub fn campaigns(&self) -> impl Iterator<Item = (&CampaignDir, &Record<Campaign>)> {
        self.campaigns
            .values()
            .filter_map(|d| d.campaign.as_ref().map(|c| (d, c)))
    }

    pub fn campaign(&self, id: &str) -> Option<&Record<Campaign>> {
        self.campaigns.get(id).and_then(|d| d.campaign.as_ref())
    }

    /// IDs of campaigns that a later version supersedes.
    pub fn superseded(&self) -> BTreeSet<&str> {
        self.campaigns()
            .filter_map(|(_, c)| c.value.supersedes())
            .collect()
    }
}

/// Lists every file below `root` except `.git`, as `/`-separated relative
/// paths, with whether it is a symbolic link.
fn walk(root: &Path) -> Result<Vec<(String, bool)>> {
    let mut out = Vec::new();
    let it = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !(e.depth() == 1 && e.file_name() == ".git"));
    for entry in it {
        let entry = entry.map_err(|e| {
            Error::new(ErrorKind::Io, format!("reading the work tree: {e}"))
                .hint("check the permissions of the folder named")
        })?;
        let ft = entry.file_type();
        if ft.is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        out.push((rel.join("/"), ft.is_symlink()));
    }
    Ok(out)
}

/// How much of a contract is read while loading.
const HEAD_BYTES: usize = 64;

fn load_one(root: &Path, rel: &str, is_link: bool, max_bytes: u64) -> Loaded {
    let kind = classify(rel);
    if let Kind::Other | Kind::Policy = kind {
        return Loaded::Skip; // policy.toml was read (and checked) by Repo::open
    }
    if let Kind::Misplaced(why) = kind {
        return Loaded::Fault(
            LoadFault::new(
                FaultKind::Misplaced,
                Located::file(rel),
                format!("`{rel}` is not where any record belongs"),
            )
            .help(why),
        );
    }
    if is_link {
        return Loaded::Fault(
            LoadFault::new(FaultKind::Symlink, Located::file(rel), format!("`{rel}` is a symbolic link"))
                .help("mkt reads only plain files; a link could point outside the repository. Replace it with the file itself"),
        );
    }
    if rel.contains('\u{FFFD}') {
        return Loaded::Fault(
            LoadFault::new(
                FaultKind::BadName,
                Located::file(rel),
                "this file name is not valid UTF-8",
            )
            .help("rename the file; names are UTF-8 text"),
        );
    }
    let path = root.join(rel);
    let cannot = |e: std::io::Error| {
        Loaded::Fault(LoadFault::new(
            FaultKind::Unreadable,
            Located::file(rel),
            format!("cannot read: {e}"),
        ))
    };
    // One open: the size from the handle, then the bytes, never more than the limit.
    let mut file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => return cannot(e),
    };
    let len = match file.metadata() {
        Ok(m) => m.len(),
        Err(e) => return cannot(e),
    };
    // Contracts and filed reports are listed, not read as records: no size
    // limit. Of a contract only the start is read, to tell an age file.
    if let Kind::Contract { .. } = kind {
        let mut head = Vec::with_capacity(HEAD_BYTES);
        let read = std::io::Read::read_to_end(
            &mut std::io::Read::take(&mut file, HEAD_BYTES as u64),
            &mut head,
        );
        return Loaded::Contract(kind, read.map(|_| head).map_err(|e| e.to_string()));
    }
    if let Kind::Report { .. } = kind {
        return Loaded::Listed(kind);
    }
    if len > max_bytes {
        return Loaded::Fault(
            LoadFault::new(
                FaultKind::Unreadable,
                Located::file(rel),
                format!("file is {len} bytes, more than a record may be ({max_bytes})"),
            )
            .help("records are small text files; keep large material outside the repository or raise general.max_file_bytes"),
        );
    }
    let mut bytes = Vec::with_capacity(len as usize);
    if let Err(e) = std::io::Read::read_to_end(
        &mut std::io::Read::take(&mut file, max_bytes + 1),
        &mut bytes,
    ) {
        return cannot(e);
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let good = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
            let at = locate_in_text(rel, &good, valid..valid);
            return Loaded::Fault(
                LoadFault::new(
                    FaultKind::Unreadable,
                    Located { span: None, ..at },
                    "file is not valid UTF-8 text",
                )
                .help("save the file as UTF-8 (editors call it \"UTF-8\" or \"Unicode\"; not GBK)"),
            );
        }
    };
    if let Kind::Content { .. } | Kind::Touchpoints { .. } = kind {
        return Loaded::Text(kind, text);
    }
    let doc = SourceDoc::new(rel, text);
    let typed = match &kind {
        Kind::Team => doc.deserialize().map(Typed::Team),
        Kind::Campaign { .. } => doc.deserialize().map(|c| Typed::Campaign(Box::new(c))),
        Kind::Results { .. } => doc.deserialize().map(Typed::Results),
        Kind::CampaignMinutes { .. } | Kind::DeptMinutes { .. } => {
            doc.deserialize().map(Typed::Minutes)
        }
        Kind::Purchase { .. } => doc.deserialize().map(Typed::Purchase),
        Kind::Approval { .. } | Kind::DeptApproval => doc.deserialize().map(Typed::Approval),
        Kind::Incident => doc.deserialize().map(Typed::Incident),
        _ => return Loaded::Skip,
    };
    Loaded::Toml(kind, Box::new((doc, typed)))
}
