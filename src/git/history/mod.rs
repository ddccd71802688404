//! Reading history once. Each commit is compared with its first parent by
//! tree object ids, descending only into folders that changed and that can
//! hold wanted files. Tree objects are parsed here, from their raw bytes,
//! and a commit's trees are kept for its child: a large folder (campaigns/
//! with thousands of entries) is read once per change, and no diff
//! machinery or process is involved.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, TimeZone};
use git2::{Oid, Repository, Sort};

mod tree_diff;

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
    let oids = commits_in_order(repo, tip, known_records(cache.as_ref()))?;
    let known: Option<&HashMap<Oid, super::walk_cache::Record>> =
        cache.as_ref().map(|c| &c.records);
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
                let path = &path;
                s.spawn(move || {
                    let repo = super::open(path).map_err(|e| git2::Error::from_str(&e))?;
                    changes_in(&repo, run, i * chunk, filter, known)
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
        let mut by_commit: Vec<Vec<Changed>> = vec![Vec::new(); out.commits.len()];
        for c in &out.changes {
            by_commit[c.commit].push((c.path.clone(), c.old, c.new));
        }
        let records: Vec<(Oid, super::walk_cache::Record)> = out
            .commits
            .iter()
            .zip(by_commit)
            .map(|(c, changes)| {
                (
                    c.oid,
                    super::walk_cache::Record {
                        time: c.time,
                        parents: c.parents.clone(),
                        other: c.other,
                        changes,
                    },
                )
            })
            .collect();
        cache.store(records.iter().map(|(o, r)| (*o, r)));
    }
    canonical(&mut out);
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

fn known_records(
    cache: Option<&super::walk_cache::WalkCache>,
) -> Option<&HashMap<Oid, super::walk_cache::Record>> {
    cache.map(|c| &c.records).filter(|r| !r.is_empty())
}

/// HEAD's history, parents before children. With a cache, in the canonical
/// order (`canonical_order`), from the parents it keeps, reading only the
/// commits it lacks; without one, in git's topological order (put in the
/// canonical order once the walk has read every commit's parents).
fn commits_in_order(
    repo: &Repository,
    tip: Oid,
    known: Option<&HashMap<Oid, super::walk_cache::Record>>,
) -> Result<Vec<Oid>, git2::Error> {
    let Some(known) = known else {
        let mut revwalk = repo.revwalk()?;
        revwalk.push(tip)?;
        revwalk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        return revwalk.collect();
    };
    let mut failed = None;
    let order = canonical_order(tip, |oid| match known.get(&oid) {
        Some(r) => Some(r.parents.clone()),
        None => match repo.find_commit(oid) {
            Ok(c) => Some(c.parent_ids().collect()),
            // A shallow clone's edge: the commit is not here.
            Err(e) if e.code() == git2::ErrorCode::NotFound => None,
            Err(e) => {
                failed = Some(e);
                None
            }
        },
    });
    match failed {
        Some(e) => Err(e),
        None => Ok(order),
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

/// Puts a walk in the canonical order (a no-op when it already is).
fn canonical(walk: &mut Walk) {
    let Some(tip) = walk.commits.last().map(|c| c.oid) else {
        return;
    };
    let index = walk.index();
    let order = canonical_order(tip, |oid| {
        index.get(&oid).map(|&i| walk.commits[i].parents.clone())
    });
    if order.len() != walk.commits.len()
        || order.iter().zip(&walk.commits).all(|(a, c)| *a == c.oid)
    {
        return; // already canonical (or not all of it reachable: left as is)
    }
    let new_index: HashMap<Oid, usize> = order.iter().enumerate().map(|(i, o)| (*o, i)).collect();
    let old_oids: Vec<Oid> = walk.commits.iter().map(|c| c.oid).collect();
    let mut commits: Vec<Option<CommitMeta>> = std::mem::take(&mut walk.commits)
        .into_iter()
        .map(Some)
        .collect();
    walk.commits = order
        .iter()
        .map(|o| commits[index[o]].take().expect("each commit once"))
        .collect();
    for c in &mut walk.changes {
        c.commit = new_index[&old_oids[c.commit]];
    }
    // Changes stay grouped by commit, in history's order.
    walk.changes.sort_by_key(|c| c.commit);
}

/// The commits of `run` and their changes to wanted files, in order;
/// `first` is the index of the run's first commit in the whole walk.
fn changes_in(
    repo: &Repository,
    run: &[Oid],
    first: usize,
    filter: &PathFilter,
    known: Option<&HashMap<Oid, super::walk_cache::Record>>,
) -> Result<(Vec<CommitMeta>, Vec<PathChange>), git2::Error> {
    let mut commits = Vec::with_capacity(run.len());
    let mut changes = Vec::new();
    let mut trees = TreeCache::new(repo)?;
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
        let commit = repo.find_commit(oid)?;
        let parent_tree = match commit.parent_ids().next() {
            Some(p) => Some(trees.get(repo.find_commit(p)?.tree_id(), None)?),
            None => None,
        };
        let tree = trees.get(commit.tree_id(), parent_tree.as_deref())?;
        let mut found = Found::default();
        diff_trees(
            &mut trees,
            parent_tree.as_deref(),
            Some(&tree),
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
            time: commit_time(&commit),
            backdated: None,
            parents: commit.parent_ids().collect(),
            other,
        });
    }
    Ok((commits, changes))
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
    let mut trees = TreeCache::new(repo)?;
    let old = old.map(|id| trees.get(id, None)).transpose()?;
    let new = trees.get(new, old.as_deref())?;
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
    let off = FixedOffset::east_opt(t.offset_minutes() * 60)
        .unwrap_or_else(|| FixedOffset::east_opt(0).unwrap());
    off.timestamp_opt(t.seconds(), 0)
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
