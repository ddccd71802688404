//! Loading: every file of the work tree read once, in parallel, straight
//! into its record type; history read once for the paths rules need.

use rust_i18n::t;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::*;

/// The outcome of reading one file.
/// A record read into its type.
#[derive(Clone)]
enum Typed {
    Team(Team),
    Campaign(Box<Campaign>),
    Results(Results),
    Minutes(Minutes),
    Purchase(Purchase),
    Approval(Approval),
    Incident(Incident),
    Waiver(crate::model::Waiver),
    Audit(crate::model::Audit),
    SelfReview(crate::model::SelfReview),
    Partner(crate::model::Partner),
}

#[derive(Clone)]
enum Loaded {
    /// A TOML record, its source kept for spans; read on the loading
    /// threads, so each file is parsed once and in parallel.
    Toml(Kind, Box<(SourceDoc, Result<Typed, SourceError>)>),
    Text(Kind, String),
    Listed(Kind),
    /// A contract: listed, with its first bytes.
    Contract(Kind, std::result::Result<Option<BTreeSet<String>>, String>),
    /// A file of the customer data store: listed, with its age header's
    /// recipient tags (`None`: not an age file).
    Sealed(std::result::Result<Option<BTreeSet<String>>, String>),
    Fault(LoadFault),
    Skip,
}

/// Where the files come from: the work tree, or the tree of a commit
/// (`--rev`, a bare repository), with the history of that commit.
pub(super) enum Files {
    WorkTree,
    Tree {
        tip: crate::git::Oid,
        files: Vec<crate::git::TreeFile>,
    },
}

impl Repo {
    pub(super) fn load(
        git: crate::git::Repository,
        root: PathBuf,
        policy: Policy,
        source: Files,
        keep: Keep,
    ) -> Result<Repo> {
        let max = policy.general.max_file_bytes;
        // In a commit's tree every file's blob id is known already.
        let mut known_blobs = HashMap::new();
        // Every minutes file in history, not only today's (a renamed file
        // keeps the time its content was first committed); every approval
        // and roster change, for verification.
        let filter = crate::git::PathFilter {
            // Bump when what the filter takes in changes.
            cache_key: Some("minutes+approvals+team+policy+waivers+reports+audits+reviews/7"),
            descend: &|p: &str| {
                let parts: Vec<&str> = p.split('/').collect();
                // `campaigns/<ID>/…` and `campaigns/<YYYY>/<ID>/…`.
                matches!(
                    parts.as_slice(),
                    ["campaigns"] | ["campaigns", _] | ["campaigns", _, "minutes" | "approvals"]
                ) || matches!(
                    parts.as_slice(),
                    ["campaigns", y, _] | ["campaigns", y, _, "minutes" | "approvals"] if is_year(y)
                ) || matches!(
                    parts.as_slice(),
                    ["minutes"]
                        | ["minutes", _]
                        | ["approvals"]
                        | ["waivers"]
                        | ["reports"]
                        | ["audits"]
                        | ["reviews"]
                        | ["reviews", _]
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
                        | Kind::Policy
                        | Kind::Waiver
                        | Kind::Report { .. }
                        | Kind::Audit { .. }
                        | Kind::SelfReview { .. }
                )
            },
        };
        let tip = match &source {
            Files::WorkTree => None,
            Files::Tree { tip, .. } => Some(*tip),
        };
        // History is read on its own thread (and handle on the repository)
        // while the files are read: neither needs the other, and the walk's
        // first pass, which orders history, runs on one core.
        let (history, loaded) = std::thread::scope(|s| {
            let git_dir = git.path().to_path_buf();
            let filter = &filter;
            let history = s.spawn(move || {
                let git = crate::git::open(&git_dir).map_err(|e| git2::Error::from_str(&e))?;
                crate::git::walk_from(&git, tip, filter)
            });
            let loaded = load_all(&root, source, keep, max, &mut known_blobs);
            let history = history
                .join()
                .unwrap_or_else(|_| Err(git2::Error::from_str("history reader panicked")));
            (history, loaded)
        });
        let loaded = loaded?;

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
            waivers: Vec::new(),
            audits: Vec::new(),
            self_reviews: Vec::new(),
            partners: Vec::new(),
            customers: BTreeMap::new(),
            trust_root: 0,
            blob_ids: std::cell::RefCell::new(known_blobs),
            converts_eol: std::cell::OnceCell::new(),
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
                    t!("repo.no_team"),
                )
                .help(t!("repo.no_team_help")),
            );
        }
        repo.history = history.map_err(|e| {
            Error::new(ErrorKind::Io, t!("repo.reading_history", why = e))
                .hint(t!("repo.reading_history_help"))
        })?;
        // A file not loaded has no history either: the approvals of a
        // campaign not read are not verified.
        repo.history.changes.retain(|c| keep(&c.path));
        repo.trust_root = repo.history.first_parent_root().unwrap_or(0);
        let first_added = repo.history.first_added();
        repo.first_added = first_added
            .into_iter()
            .filter(|(p, _)| {
                matches!(
                    classify(p),
                    Kind::CampaignMinutes { .. } | Kind::DeptMinutes { .. } | Kind::Report { .. }
                )
            })
            .collect();
        Ok(repo)
    }

    fn add(&mut self, rel: String, loaded: Loaded) {
        match loaded {
            Loaded::Skip => {}
            Loaded::Fault(f) => self.faults.push(f),
            Loaded::Contract(kind, head) => {
                if let Kind::Contract { folder } = kind
                    && let Some(dir) = self.campaign_dir(&folder, &rel)
                {
                    dir.contracts.push(rel.clone());
                    dir.contract_sealed.insert(rel, head);
                }
            }
            Loaded::Sealed(head) => {
                self.customers.insert(rel, head);
            }
            Loaded::Listed(kind) => match kind {
                Kind::Contract { folder } => {
                    if let Some(dir) = self.campaign_dir(&folder, &rel) {
                        dir.contracts.push(rel)
                    }
                }
                Kind::Content { folder } => {
                    if let Some(dir) = self.campaign_dir(&folder, &rel) {
                        dir.content.push(rel)
                    }
                }
                Kind::Report { year, quarter } => {
                    self.reports.insert((year, quarter), rel);
                }
                _ => {}
            },
            Loaded::Text(kind, text) => {
                match kind {
                    Kind::Content { folder } => {
                        if let Some(dir) = self.campaign_dir(&folder, &rel) {
                            dir.content.push(rel.clone())
                        }
                    }
                    Kind::Touchpoints { folder } => {
                        if let Some(dir) = self.campaign_dir(&folder, &rel) {
                            dir.touchpoints = Some(rel.clone())
                        }
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
                        if let Some(dir) = self.campaign_dir(&folder, &rel)
                            && let Some(Typed::Campaign(c)) = v
                        {
                            dir.campaign = Some(Record {
                                path: rel.clone(),
                                value: *c,
                            });
                        }
                    }
                    (Kind::Results { folder }, Some(Typed::Results(r))) => {
                        if let Some(dir) = self.campaign_dir(&folder, &rel) {
                            dir.results = Some(Record {
                                path: rel.clone(),
                                value: r,
                            })
                        }
                    }
                    (Kind::CampaignMinutes { folder }, Some(Typed::Minutes(m))) => {
                        if let Some(dir) = self.campaign_dir(&folder, &rel) {
                            dir.minutes.push(Record {
                                path: rel.clone(),
                                value: m,
                            })
                        }
                    }
                    (Kind::Purchase { folder }, Some(Typed::Purchase(p))) => {
                        if let Some(dir) = self.campaign_dir(&folder, &rel) {
                            dir.purchases.push(Record {
                                path: rel.clone(),
                                value: p,
                            })
                        }
                    }
                    (Kind::Approval { folder }, Some(Typed::Approval(a))) => {
                        if let Some(dir) = self.campaign_dir(&folder, &rel) {
                            dir.approvals.push(Record {
                                path: rel.clone(),
                                value: a,
                            })
                        }
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
                    (Kind::Waiver, Some(Typed::Waiver(w))) => self.waivers.push(Record {
                        path: rel.clone(),
                        value: w,
                    }),
                    (Kind::Incident, Some(Typed::Incident(x))) => self.incidents.push(Record {
                        path: rel.clone(),
                        value: x,
                    }),
                    (Kind::Audit { .. }, Some(Typed::Audit(x))) => self.audits.push(Record {
                        path: rel.clone(),
                        value: x,
                    }),
                    (Kind::SelfReview { .. }, Some(Typed::SelfReview(x))) => {
                        self.self_reviews.push(Record {
                            path: rel.clone(),
                            value: x,
                        })
                    }
                    (Kind::Partner, Some(Typed::Partner(x))) => self.partners.push(Record {
                        path: rel.clone(),
                        value: x,
                    }),
                    _ => {}
                }
                self.docs.insert(rel, doc);
            }
        }
    }

    /// The campaign `rel` belongs to, if its folder is the first one seen
    /// with that ID; a file of another folder with the same ID is not
    /// merged in (the folder is noted in `also`).
    fn campaign_dir(&mut self, folder: &str, rel: &str) -> Option<&mut CampaignDir> {
        let at = campaign_dir_of(rel).map_or(String::new(), |(d, _)| d.to_string());
        let dir = self
            .campaigns
            .entry(folder.to_string())
            .or_insert_with(|| CampaignDir {
                folder: folder.to_string(),
                dir: at.clone(),
                ..CampaignDir::default()
            });
        if dir.dir == at {
            return Some(dir);
        }
        if !dir.also.contains(&at) {
            dir.also.push(at);
        }
        None
    }
}

/// Every file of `source`, each read into its record type, in parallel.
fn load_all(
    root: &Path,
    source: Files,
    keep: Keep,
    max: u64,
    known_blobs: &mut HashMap<String, Option<crate::git::Oid>>,
) -> Result<Vec<(String, Loaded)>> {
    Ok(match source {
        Files::WorkTree => walk(root, keep)?
            .into_iter()
            .filter(|(rel, _)| keep(rel))
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|(rel, entry)| {
                let l = load_one(root, &rel, entry, max, None);
                (rel, l)
            })
            .collect(),
        Files::Tree { files, .. } => files
            .into_iter()
            .inspect(|f| {
                known_blobs.insert(f.path.clone(), Some(f.id));
            })
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|f| {
                let entry = if f.link { Entry::Link } else { Entry::File };
                let l = shared_parse(&f, max, || {
                    load_one(root, &f.path, entry, max, Some(&f.bytes))
                });
                (f.path, l)
            })
            .collect(),
    })
}

/// Lists every file below `root` that `keep` takes, in folders it keeps
/// (asked as `dir/`), `.git` aside: `/`-separated relative paths, with
/// whether each is a symbolic link.
fn walk(root: &Path, keep: Keep) -> Result<Vec<(String, Entry)>> {
    let mut out = Vec::new();
    let it = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 1 && e.file_name() == ".git" {
                return false;
            }
            if e.depth() == 0 || !e.file_type().is_dir() {
                return true;
            }
            // A submodule's (or any nested repository's) files are its own,
            // as git sees them.
            if e.path().join(".git").exists() {
                return false;
            }
            keep(&format!("{}/", relative(root, e.path())))
        });
    for entry in it {
        let entry = entry.map_err(|e| {
            Error::new(ErrorKind::Io, t!("repo.reading_work_tree", why = e))
                .hint(t!("repo.reading_work_tree_help"))
        })?;
        let ft = entry.file_type();
        if ft.is_dir() {
            continue;
        }
        let kind = if ft.is_symlink() {
            Entry::Link
        } else if ft.is_file() {
            Entry::File
        } else {
            Entry::Special
        };
        out.push((relative(root, entry.path()), kind));
    }
    Ok(out)
}

/// `path` below `root`, `/`-separated.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// What the work-tree listing found at a path (from the folder entry, before
/// anything is opened).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    File,
    Link,
    /// A FIFO, a socket or a device: opening a FIFO would block forever.
    Special,
}

/// Loads one file: from the work tree, or (`bytes`) as a commit's tree has it.
/// Whether files of commits' trees read in this process are kept, parsed,
/// for the next tree read (`share_tree_parses`).
static SHARING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// What one file of a tree read as, by what it can depend on: its path, its
/// blob id (the same id is the same bytes), whether it is a link, the size
/// limit and the language its messages are in.
type ParseKey = (String, crate::git::Oid, bool, u64, String);

static PARSED: std::sync::Mutex<Option<HashMap<ParseKey, Loaded>>> = std::sync::Mutex::new(None);

/// From now on, a file of a commit's tree is parsed once per process: the
/// two sides of a comparison (`lint --since`) share nearly every file
/// (every campaign.toml, the department's minutes), and a blob's bytes
/// never change under its id.
pub fn share_tree_parses() {
    SHARING.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// `parse()`, or what it gave for the same file before, when sharing.
fn shared_parse(f: &crate::git::TreeFile, max: u64, parse: impl FnOnce() -> Loaded) -> Loaded {
    if !SHARING.load(std::sync::atomic::Ordering::Relaxed) {
        return parse();
    }
    let key: ParseKey = (
        f.path.clone(),
        f.id,
        f.link,
        max,
        (*rust_i18n::locale()).to_string(),
    );
    let lock = || PARSED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(l) = lock().as_ref().and_then(|m| m.get(&key)) {
        return l.clone();
    }
    let l = parse();
    lock()
        .get_or_insert_with(HashMap::new)
        .insert(key, l.clone());
    l
}

fn load_one(root: &Path, rel: &str, entry: Entry, max_bytes: u64, bytes: Option<&[u8]>) -> Loaded {
    let kind = classify(rel);
    if let Kind::Other | Kind::Policy = kind {
        return Loaded::Skip; // policy.toml was read (and checked) by Repo::open
    }
    if let Kind::Misplaced(why) = kind {
        return Loaded::Fault(
            LoadFault::new(
                FaultKind::Misplaced,
                Located::file(rel),
                t!("repo.misplaced", path = rel),
            )
            .help(super::layout::explain(why)),
        );
    }
    if entry == Entry::Special {
        return Loaded::Fault(
            LoadFault::new(
                FaultKind::Unreadable,
                Located::file(rel),
                t!("repo.special", path = rel),
            )
            .help(t!("repo.special_help")),
        );
    }
    if entry == Entry::Link {
        return Loaded::Fault(
            LoadFault::new(
                FaultKind::Symlink,
                Located::file(rel),
                t!("repo.symlink", path = rel),
            )
            .help(t!("repo.symlink_help")),
        );
    }
    if rel.contains('\u{FFFD}') {
        return Loaded::Fault(
            LoadFault::new(FaultKind::BadName, Located::file(rel), t!("repo.bad_name"))
                .help(t!("repo.bad_name_help")),
        );
    }
    let path = root.join(rel);
    let cannot = |e: std::io::Error| {
        Loaded::Fault(LoadFault::new(
            FaultKind::Unreadable,
            Located::file(rel),
            t!("repo.cannot_read", why = e),
        ))
    };
    // One open: the size from the handle, then the bytes, never more than the limit.
    let (mut file, len): (Box<dyn std::io::Read + Send + '_>, u64) = match bytes {
        Some(b) => (Box::new(std::io::Cursor::new(b)), b.len() as u64),
        None => {
            let file = match std::fs::File::open(&path) {
                Ok(f) => f,
                Err(e) => return cannot(e),
            };
            match file.metadata() {
                // Replaced by something else since the folder was listed.
                Ok(m) if !m.is_file() => {
                    return cannot(std::io::Error::other("not a plain file"));
                }
                Ok(m) => (Box::new(file), m.len()),
                Err(e) => return cannot(e),
            }
        }
    };
    // Contracts and filed reports are listed, not read as records: no size
    // limit. Of a contract only its age header is read and parsed whole
    // (armored or binary): a plaintext that merely starts with the header's
    // first line is not sealed.
    if let Kind::Contract { .. } = kind {
        return Loaded::Contract(kind, super::sealed::read_head(file));
    }
    // Customer data: like a contract, only its age header is read, for the
    // keys it is sealed to (P002).
    if let Kind::Customers = kind {
        return Loaded::Sealed(super::sealed::read_head(file));
    }
    // Reports and binary copy (images, video, office files) are listed, not
    // read: their blob id is all a sign-off needs.
    if let Kind::Report { .. } = kind {
        return Loaded::Listed(kind);
    }
    if let Kind::Content { .. } = kind
        && super::is_binary_copy(rel)
    {
        return Loaded::Listed(kind);
    }
    if len > max_bytes {
        return Loaded::Fault(
            LoadFault::new(
                FaultKind::Unreadable,
                Located::file(rel),
                t!("repo.too_large", len = len, max = max_bytes),
            )
            .help(t!("repo.too_large_help")),
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
                    t!("repo.not_utf8"),
                )
                .help(t!("repo.not_utf8_help")),
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
        Kind::Waiver => doc.deserialize().map(Typed::Waiver),
        Kind::Incident => doc.deserialize().map(Typed::Incident),
        Kind::Audit { .. } => doc.deserialize().map(Typed::Audit),
        Kind::SelfReview { .. } => doc.deserialize().map(Typed::SelfReview),
        Kind::Partner => doc.deserialize().map(Typed::Partner),
        _ => return Loaded::Skip,
    };
    Loaded::Toml(kind, Box::new((doc, typed)))
}
