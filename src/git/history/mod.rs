//! Reading history once. Each commit is compared with its first parent by
//! tree object ids, descending only into folders that changed and that can
//! hold wanted files. Tree objects are parsed here, from their raw bytes,
//! in libgit2's buffers, and a commit's trees are kept for its child: a
//! large folder (campaigns/ with thousands of entries) is read once per
//! change, and no diff machinery or process is involved. Each commit is
//! read once, in the first pass that orders history (`heads`).

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, TimeZone};
use git2::{Oid, Repository};

mod heads;
mod tree_diff;

use heads::{Head, Heads};
use tree_diff::{Changed, Found, TreeCache, diff_trees};

/// Which paths a history walk looks at.
pub struct PathFilter<'a> {
    /// Whether a folder may hold wanted files.
    pub descend: &'a (dyn Fn(&str) -> bool + Sync),
    /// Whether a file is wanted.
    pub wanted: &'a (dyn Fn(&str) -> bool + Sync),
    /// Names this filter (and its version) for the cache of what each
    /// commit changed; `None`: no cache.
    pub cache_key: Option<&'a str>,
}

/// One commit of HEAD's history.
#[derive(Debug, Clone)]
pub struct CommitMeta {
    pub oid: Oid,
    /// When the commit counts as made: its committer date, or its latest
    /// parent's when it is dated earlier than that (a date the committer
    /// wrote alone never moves a commit back before its parents).
    pub time: DateTime<FixedOffset>,
    /// The committer date as written, when it is earlier than a parent's.
    pub backdated: Option<DateTime<FixedOffset>>,
    pub parents: Vec<Oid>,
    /// Whether the commit changed anything besides the wanted files listed
    /// in `Walk::changes` (seen for free while comparing trees).
    pub other: bool,
}

/// A wanted file that a commit added (`old` none), changed, or removed
/// (`new` none), compared with the commit's first parent.
#[derive(Debug, Clone)]
pub struct PathChange {
    /// Index into `Walk::commits`.
    pub commit: usize,
    pub path: String,
    pub old: Option<Oid>,
    pub new: Option<Oid>,
}

/// HEAD's history, read once: every commit (parents before children) and
/// every change to a wanted file.
#[derive(Debug, Default)]
pub struct Walk {
    pub commits: Vec<CommitMeta>,
    pub changes: Vec<PathChange>,
    /// A shallow clone: the oldest commits are missing, and the first one
    /// present seems to add everything.
    pub shallow: bool,
}

impl Walk {
    /// Each commit's index, by id.
    pub fn index(&self) -> HashMap<Oid, usize> {
        index_of(&self.commits)
    }

    /// HEAD's first-parent line, root first: the history the branch itself
    /// grew from (a shallow clone's line ends at its edge).
    pub fn first_parent_line(&self, index: &HashMap<Oid, usize>) -> Vec<usize> {
        let mut line = Vec::new();
        let mut k = self.commits.len().checked_sub(1);
        while let Some(c) = k {
            line.push(c);
            k = self.commits[c]
                .parents
                .first()
                .and_then(|p| index.get(p))
                .copied();
        }
        line.reverse();
        line
    }

    /// The root commit reached from HEAD by first parents, whatever other
    /// root commits were merged in.
    pub fn first_parent_root(&self) -> Option<usize> {
        self.first_parent_line(&self.index()).first().copied()
    }

    /// When each wanted path was first added, by commit time. A file
    /// renamed (as N003 asks, to fix its name) keeps the time its content
    /// was first committed under a wanted path.
    pub fn first_added(&self) -> HashMap<String, DateTime<FixedOffset>> {
        let mut out = HashMap::new();
        let mut content_first: HashMap<Oid, DateTime<FixedOffset>> = HashMap::new();
        for c in &self.changes {
            let (None, Some(blob)) = (c.old, c.new) else {
                continue;
            };
            let time = self.commits[c.commit].time;
            let first = content_first.entry(blob).or_insert(time);
            *first = (*first).min(time);
        }
        // Earliest, never first in walk order: two branches can bring the
        // same file, and the walk's order of branches is not history.
        for c in &self.changes {
            let (None, Some(blob)) = (c.old, c.new) else {
                continue;
            };
            let first = content_first[&blob];
            out.entry(c.path.clone())
                .and_modify(|t: &mut DateTime<FixedOffset>| *t = (*t).min(first))
                .or_insert(first);
        }
        out
    }
}

/// Reads HEAD's history. An unborn HEAD gives an empty walk.
pub fn walk(repo: &Repository, filter: &PathFilter) -> Result<Walk, git2::Error> {
    walk_from(repo, None, filter)
}

/// The history of `tip` (none: HEAD), read as `walk` reads HEAD's.
pub fn walk_from(
    repo: &Repository,
    tip: Option<Oid>,
    filter: &PathFilter,
) -> Result<Walk, git2::Error> {
    if let Some(tip) = tip {
        return walk_tip(repo, tip, filter);
    }
    let shallow = repo.is_shallow();
    let head = match repo.head() {
        Ok(h) => h,
        Err(e)
            if e.code() == git2::ErrorCode::UnbornBranch
                || e.code() == git2::ErrorCode::NotFound =>
        {
            return Ok(Walk {
                shallow,
                ..Walk::default()
            });
        }
        Err(e) => return Err(e),
    };
    let Some(tip) = head.target() else {
        return Ok(Walk {
            shallow,
            ..Walk::default()
        });
    };
    walk_tip(repo, tip, filter)
}

fn walk_tip(repo: &Repository, tip: Oid, filter: &PathFilter) -> Result<Walk, git2::Error> {
    super::fast_reads();
    let shallow = repo.is_shallow();
    let cache = filter
        .cache_key
        .map(|key| super::walk_cache::WalkCache::load(repo, key));
    let known: Option<&HashMap<Oid, super::walk_cache::Record>> =
        cache.as_ref().map(|c| c.records.as_ref());
    let (oids, heads) = commits_in_order(repo, tip, known)?;
    // Each commit is compared with its parent on its own, so the walk splits
    // into contiguous runs, one per core, each with its own handle on the
    // repository; the runs are joined back in history's order.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk = oids.len().div_ceil(threads).max(256);
    let path = repo.path().to_path_buf();
    type Run = Result<(Vec<CommitMeta>, Vec<PathChange>), git2::Error>;
    let runs: Vec<Run> = std::thread::scope(|s| {
        let handles: Vec<_> = oids
            .chunks(chunk)
            .enumerate()
            .map(|(i, run)| {
                let (path, heads) = (&path, &heads);
                s.spawn(move || {
                    let repo = super::open(path).map_err(|e| git2::Error::from_str(&e))?;
                    changes_in(&repo, run, i * chunk, filter, known, heads)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(git2::Error::from_str("history reader panicked")))
            })
            .collect()
    });
    let mut out = Walk {
        shallow,
        ..Walk::default()
    };
    for run in runs {
        let (commits, changes) = run?;
        out.commits.extend(commits);
        out.changes.extend(changes);
    }
    if let Some(cache) = &cache
        && out
            .commits
            .iter()
            .any(|c| !cache.records.contains_key(&c.oid))
    {
        // Records for the commits read now; the cache's own for the rest.
        let mut by_commit: Vec<Vec<Changed>> = vec![Vec::new(); out.commits.len()];
        for c in &out.changes {
            if heads.contains_key(&out.commits[c.commit].oid) {
                by_commit[c.commit].push((c.path.clone(), c.old, c.new));
            }
        }
        let fresh: Vec<Option<super::walk_cache::Record>> = out
            .commits
            .iter()
            .zip(by_commit)
            .map(|(c, changes)| {
                heads.get(&c.oid).map(|h| super::walk_cache::Record {
                    tree: h.tree,
                    time: c.time,
                    parents: c.parents.clone(),
                    other: c.other,
                    changes,
                })
            })
            .collect();
        let records: Option<Vec<(Oid, &super::walk_cache::Record)>> = out
            .commits
            .iter()
            .zip(&fresh)
            .map(|(c, f)| Some((c.oid, f.as_ref().or_else(|| cache.records.get(&c.oid))?)))
            .collect();
        if let Some(records) = records {
            cache.store(&records);
        }
    }
    no_earlier_than_parents(&mut out.commits);
    Ok(out)
}

fn index_of(commits: &[CommitMeta]) -> HashMap<Oid, usize> {
    commits
        .iter()
        .enumerate()
        .map(|(i, c)| (c.oid, i))
        .collect()
}

/// Takes every commit dated earlier than one of its parents at its latest
/// parent's time (after the cache is written: the cache keeps what git
/// says). Parents come first, so a time carries down a line in one pass.
fn no_earlier_than_parents(commits: &mut [CommitMeta]) {
    let index = index_of(commits);
    for k in 0..commits.len() {
        let latest = commits[k]
            .parents
            .iter()
            .filter_map(|p| index.get(p))
            .map(|&i| commits[i].time)
            .max();
        if let Some(t) = latest
            && t > commits[k].time
        {
            commits[k].backdated = Some(commits[k].time);
            commits[k].time = t;
        }
    }
}

/// HEAD's history, parents before children, in the canonical order
/// (`canonical_order`), and the head of each commit the cache lacks: each
/// such commit is read once, here, and never again by the walk.
fn commits_in_order(
    repo: &Repository,
    tip: Oid,
    known: Option<&HashMap<Oid, super::walk_cache::Record>>,
) -> Result<(Vec<Oid>, HashMap<Oid, Head>), git2::Error> {
    let reader = Heads::new(repo)?;
    let shallow = repo.is_shallow();
    let mut heads = HashMap::new();
    let mut failed = None;
    let order = canonical_order(tip, |oid| {
        if let Some(r) = known.and_then(|k| k.get(&oid)) {
            return Some(r.parents.clone());
        }
        match reader.read(oid) {
            Ok(h) => {
                let parents = h.parents.clone();
                heads.insert(oid, h);
                Some(parents)
            }
            // A shallow clone's edge: the commit is not here.
            Err(e) if shallow && e.code() == git2::ErrorCode::NotFound => None,
            Err(e) => {
                failed.get_or_insert(e);
                None
            }
        }
    });
    match failed {
        Some(e) => Err(e),
        None => Ok((order, heads)),
    }
}

/// The one order every run lists history in: depth first from the tip,
/// parents in their order, each commit after all its parents. It depends
/// only on the graph, never on what an earlier run saw, so a warm run and a
/// cold run agree commit for commit. `parents` gives none for a commit that
/// is not in the repository (a shallow clone's edge): it is left out.
fn canonical_order(tip: Oid, mut parents: impl FnMut(Oid) -> Option<Vec<Oid>>) -> Vec<Oid> {
    let mut order = Vec::new();
    let Some(first) = parents(tip) else {
        return order;
    };
    let mut seen: std::collections::HashSet<Oid> = std::collections::HashSet::from([tip]);
    let mut stack: Vec<(Oid, Vec<Oid>, usize)> = vec![(tip, first, 0)];
    while let Some((oid, ps, next)) = stack.last_mut() {
        if let Some(&p) = ps.get(*next) {
            *next += 1;
            if seen.insert(p)
                && let Some(pp) = parents(p)
            {
                stack.push((p, pp, 0));
            }
        } else {
            order.push(*oid);
            stack.pop();
        }
    }
    order
}

/// The commits of `run` and their changes to wanted files, in order;
/// `first` is the index of the run's first commit in the whole walk.
fn changes_in(
    repo: &Repository,
    run: &[Oid],
    first: usize,
    filter: &PathFilter,
    known: Option<&HashMap<Oid, super::walk_cache::Record>>,
    heads: &HashMap<Oid, Head>,
) -> Result<(Vec<CommitMeta>, Vec<PathChange>), git2::Error> {
    let mut commits = Vec::with_capacity(run.len());
    let mut changes = Vec::new();
    let odb = repo.odb()?;
    let mut trees = TreeCache::new(&odb);
    let tree_of = |oid: Oid| {
        heads
            .get(&oid)
            .map(|h| h.tree)
            .or_else(|| known.and_then(|k| k.get(&oid)).map(|r| r.tree))
    };
    for (i, &oid) in run.iter().enumerate() {
        if let Some(r) = known.and_then(|k| k.get(&oid)) {
            changes.extend(r.changes.iter().map(|(path, old, new)| PathChange {
                commit: first + i,
                path: path.clone(),
                old: *old,
                new: *new,
            }));
            commits.push(CommitMeta {
                oid,
                time: r.time,
                backdated: None,
                parents: r.parents.clone(),
                other: r.other,
            });
            continue;
        }
        let head = match heads.get(&oid) {
            Some(h) => h,
            None => return Err(missing(repo, oid)),
        };
        let parent_tree = match head.parents.first() {
            Some(&p) => match tree_of(p) {
                Some(t) => Some(trees.get(t)?),
                None => return Err(missing(repo, p)),
            },
            None => None,
        };
        let (tree, common) = trees.get_like(head.tree, parent_tree.as_deref())?;
        let mut found = Found::default();
        diff_trees(
            &mut trees,
            parent_tree.as_deref(),
            Some(&tree),
            common,
            "",
            filter,
            &mut found,
        )?;
        trees.next_generation();
        let other = found.other;
        changes.extend(
            found
                .changes
                .into_iter()
                .map(|(path, old, new)| PathChange {
                    commit: first + i,
                    path,
                    old,
                    new,
                }),
        );
        commits.push(CommitMeta {
            oid,
            time: head.time,
            backdated: None,
            parents: head.parents.clone(),
            other,
        });
    }
    Ok((commits, changes))
}

/// The error reading a commit the first pass could not read gives.
fn missing(repo: &Repository, oid: Oid) -> git2::Error {
    match repo.find_commit(oid) {
        Err(e) => e,
        Ok(_) => git2::Error::from_str(&format!("commit {oid} was not read")),
    }
}

/// Every path that differs between two trees (`None`: the empty tree),
/// compared as the walk compares a commit with its parent: a folder with
/// the same id on both sides is never read. A change that has no UTF-8
/// path is listed as the empty path.
pub fn paths_between(
    repo: &Repository,
    old: Option<Oid>,
    new: Oid,
) -> Result<Vec<String>, git2::Error> {
    let odb = repo.odb()?;
    let mut trees = TreeCache::new(&odb);
    let old = old.map(|id| trees.get(id)).transpose()?;
    let (new, common) = trees.get_like(new, old.as_deref())?;
    let every = PathFilter {
        cache_key: None,
        descend: &|_| true,
        wanted: &|_| true,
    };
    let mut found = tree_diff::Found::default();
    tree_diff::diff_trees(
        &mut trees,
        old.as_deref(),
        Some(&new),
        common,
        "",
        &every,
        &mut found,
    )?;
    let mut paths: Vec<String> = found.changes.into_iter().map(|(path, _, _)| path).collect();
    if found.other {
        // A change it cannot name (a file name that is not UTF-8, a
        // submodule): the empty path, which lies in no folder.
        paths.push(String::new());
    }
    Ok(paths)
}

pub fn commit_time(commit: &git2::Commit) -> DateTime<FixedOffset> {
    let t = commit.time();
    time_at(t.seconds(), t.offset_minutes())
}

/// A git time: seconds since 1970 in a zone `minutes` east of UTC.
fn time_at(seconds: i64, minutes: i32) -> DateTime<FixedOffset> {
    let off =
        FixedOffset::east_opt(minutes * 60).unwrap_or_else(|| FixedOffset::east_opt(0).unwrap());
    off.timestamp_opt(seconds, 0)
        .single()
        .unwrap_or_else(|| off.timestamp_opt(0, 0).unwrap())
}

/// A commit that touched a folder: when (its counted time), who wrote it,
/// and its subject line.
#[derive(Debug, Clone)]
pub struct FolderCommit {
    pub oid: Oid,
    pub time: DateTime<FixedOffset>,
    pub author: String,
    pub subject: String,
}

/// Every commit of HEAD's history that changed a file under `folder`
/// (`campaigns/<ID>`), oldest first: one walk in-process, then each such
/// commit's author and subject read from the object store.
pub fn folder_history(repo: &Repository, folder: &str) -> Result<Vec<FolderCommit>, git2::Error> {
    let prefix = format!("{folder}/");
    let descend = |p: &str| folder.starts_with(p) || p == folder || p.starts_with(&prefix);
    let wanted = |p: &str| p.starts_with(&prefix);
    let filter = PathFilter {
        descend: &descend,
        wanted: &wanted,
        cache_key: None,
    };
    let walk = walk(repo, &filter)?;
    let mut touched: Vec<usize> = walk.changes.iter().map(|c| c.commit).collect();
    touched.sort_unstable();
    touched.dedup();
    touched
        .into_iter()
        .map(|i| {
            let meta = &walk.commits[i];
            let c = repo.find_commit(meta.oid)?;
            Ok(FolderCommit {
                oid: meta.oid,
                time: meta.time,
                author: c.author().name().unwrap_or("").to_string(),
                subject: String::from_utf8_lossy(c.summary_bytes().unwrap_or(b"")).into_owned(),
            })
        })
        .collect()
}
