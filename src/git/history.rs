//! Reading history once. Each commit is compared with its first parent by
//! tree object ids, descending only into folders that changed and that can
//! hold wanted files. Tree objects are parsed here, from their raw bytes,
//! and a commit's trees are kept for its child: a large folder (campaigns/
//! with thousands of entries) is read once per change, and no diff
//! machinery or process is involved.

use std::collections::HashMap;
use std::rc::Rc;

use chrono::{DateTime, FixedOffset, TimeZone};
use git2::{Oid, Repository, Sort};

/// Which paths a history walk looks at.
pub struct PathFilter<'a> {
    /// Whether a folder may hold wanted files.
    pub descend: &'a (dyn Fn(&str) -> bool + Sync),
    /// Whether a file is wanted.
    pub wanted: &'a (dyn Fn(&str) -> bool + Sync),
}

/// One commit of HEAD's history.
#[derive(Debug, Clone)]
pub struct CommitMeta {
    pub oid: Oid,
    pub time: DateTime<FixedOffset>,
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
            let first = *content_first.entry(blob).or_insert(time);
            out.entry(c.path.clone()).or_insert(first);
        }
        out
    }
}

/// Reads HEAD's history. An unborn HEAD gives an empty walk.
pub fn walk(repo: &Repository, filter: &PathFilter) -> Result<Walk, git2::Error> {
    super::fast_reads();
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
    let mut revwalk = repo.revwalk()?;
    revwalk.push(tip)?;
    revwalk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    let oids: Vec<Oid> = revwalk.collect::<Result<_, _>>()?;
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
                    let repo = Repository::open(path)?;
                    changes_in(&repo, run, i * chunk, filter)
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
    Ok(out)
}

/// The commits of `run` and their changes to wanted files, in order;
/// `first` is the index of the run's first commit in the whole walk.
fn changes_in(
    repo: &Repository,
    run: &[Oid],
    first: usize,
    filter: &PathFilter,
) -> Result<(Vec<CommitMeta>, Vec<PathChange>), git2::Error> {
    let mut commits = Vec::with_capacity(run.len());
    let mut changes = Vec::new();
    let mut trees = TreeCache::new(repo)?;
    for (i, &oid) in run.iter().enumerate() {
        let commit = repo.find_commit(oid)?;
        let tree = trees.get(commit.tree_id())?;
        let parent_tree = match commit.parent_ids().next() {
            Some(p) => Some(trees.get(repo.find_commit(p)?.tree_id())?),
            None => None,
        };
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
            parents: commit.parent_ids().collect(),
            other,
        });
    }
    Ok((commits, changes))
}

pub fn commit_time(commit: &git2::Commit) -> DateTime<FixedOffset> {
    let t = commit.time();
    let off = FixedOffset::east_opt(t.offset_minutes() * 60)
        .unwrap_or_else(|| FixedOffset::east_opt(0).unwrap());
    off.timestamp_opt(t.seconds(), 0)
        .single()
        .unwrap_or_else(|| off.timestamp_opt(0, 0).unwrap())
}

#[derive(Default)]
struct Found {
    changes: Vec<(String, Option<Oid>, Option<Oid>)>,
    /// Something outside the wanted files differs.
    other: bool,
}

/// Wanted files that differ between two trees (either may be absent), in
/// folders the filter descends into. Both trees are sorted, so they are
/// merged in one pass; a subtree with the same id on both sides is skipped.
fn diff_trees(
    trees: &mut TreeCache,
    old: Option<&RawTree>,
    new: Option<&RawTree>,
    prefix: &str,
    filter: &PathFilter,
    out: &mut Found,
) -> Result<(), git2::Error> {
    let empty: &[RawEntry] = &[];
    let olds = old.map_or(empty, |t| t.entries.as_slice());
    let news = new.map_or(empty, |t| t.entries.as_slice());
    let (mut i, mut j) = (0, 0);
    while i < olds.len() || j < news.len() {
        let order = match (olds.get(i), news.get(j)) {
            (Some(o), Some(n)) => {
                git_order(old.expect("old entries"), o, new.expect("new entries"), n)
            }
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        let (o, n) = match order {
            std::cmp::Ordering::Less => (olds.get(i).map(|e| (old.expect("old"), e)), None),
            std::cmp::Ordering::Greater => (None, news.get(j).map(|e| (new.expect("new"), e))),
            std::cmp::Ordering::Equal => (
                olds.get(i).map(|e| (old.expect("old"), e)),
                news.get(j).map(|e| (new.expect("new"), e)),
            ),
        };
        if o.is_some() {
            i += 1;
        }
        if n.is_some() {
            j += 1;
        }
        if let (Some((ot, oe)), Some((nt, ne))) = (o, n) {
            if ot.oid(oe) == nt.oid(ne) && oe.kind == ne.kind {
                continue;
            }
        }
        let (t, e) = n.or(o).expect("one side is present");
        let Ok(name) = std::str::from_utf8(t.name(e)) else {
            continue;
        };
        let path = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}/{name}")
        };
        let side = |s: Option<(&RawTree, &RawEntry)>, kind| {
            s.filter(|(_, e)| e.kind == kind).map(|(t, e)| t.oid_of(e))
        };
        // Folders on either side: descend into both.
        let (old_dir, new_dir) = (side(o, EntryKind::Tree), side(n, EntryKind::Tree));
        if old_dir.is_some() || new_dir.is_some() {
            if (filter.descend)(&path) {
                let a = old_dir.map(|id| trees.get(id)).transpose()?;
                let b = new_dir.map(|id| trees.get(id)).transpose()?;
                diff_trees(trees, a.as_deref(), b.as_deref(), &path, filter, out)?;
            } else {
                out.other = true;
            }
        }
        let (old_blob, new_blob) = (side(o, EntryKind::Blob), side(n, EntryKind::Blob));
        if (old_blob.is_some() || new_blob.is_some()) && old_blob != new_blob {
            if (filter.wanted)(&path) {
                out.changes.push((path, old_blob, new_blob));
            } else {
                out.other = true;
            }
        }
        if o.is_some_and(|(_, e)| e.kind == EntryKind::Other)
            || n.is_some_and(|(_, e)| e.kind == EntryKind::Other)
        {
            out.other = true;
        }
    }
    Ok(())
}

/// Git sorts tree entries by name, a folder's name as if it ended in `/`.
fn git_order(at: &RawTree, a: &RawEntry, bt: &RawTree, b: &RawEntry) -> std::cmp::Ordering {
    let slash = |e: &RawEntry| {
        if e.kind == EntryKind::Tree {
            Some(b'/')
        } else {
            None
        }
    };
    let (an, bn) = (at.name(a), bt.name(b));
    let n = an.len().min(bn.len());
    an[..n].cmp(&bn[..n]).then_with(|| {
        let ac = an.get(n).copied().or_else(|| slash(a));
        let bc = bn.get(n).copied().or_else(|| slash(b));
        ac.cmp(&bc)
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    Tree,
    Blob,
    Other,
}

/// One entry of a raw tree: offsets into the tree's bytes.
struct RawEntry {
    name: (u32, u32),
    oid: u32,
    kind: EntryKind,
}

/// A tree object's bytes (`<mode> <name>\0<20-byte id>` repeated) and its entries.
struct RawTree {
    data: Vec<u8>,
    entries: Vec<RawEntry>,
    oid_len: usize,
}

impl RawTree {
    fn parse(data: Vec<u8>, oid_len: usize) -> Option<RawTree> {
        let mut entries = Vec::new();
        let mut i = 0;
        while i < data.len() {
            let sp = i + data[i..].iter().position(|&b| b == b' ')?;
            let nul = sp + 1 + data[sp + 1..].iter().position(|&b| b == 0)?;
            let kind = match &data[i..sp] {
                b"40000" | b"040000" => EntryKind::Tree,
                b"100644" | b"100755" | b"120000" | b"100664" => EntryKind::Blob,
                _ => EntryKind::Other,
            };
            let oid = nul + 1;
            if oid + oid_len > data.len() {
                return None;
            }
            entries.push(RawEntry {
                name: ((sp + 1) as u32, nul as u32),
                oid: oid as u32,
                kind,
            });
            i = oid + oid_len;
        }
        Some(RawTree {
            data,
            entries,
            oid_len,
        })
    }

    fn name(&self, e: &RawEntry) -> &[u8] {
        &self.data[e.name.0 as usize..e.name.1 as usize]
    }

    fn oid(&self, e: &RawEntry) -> &[u8] {
        &self.data[e.oid as usize..e.oid as usize + self.oid_len]
    }

    fn oid_of(&self, e: &RawEntry) -> Oid {
        Oid::from_bytes(self.oid(e)).unwrap_or_else(|_| Oid::ZERO_SHA1)
    }
}

/// Trees read for the last commit, kept for the next one: in a walk from
/// parent to child, a commit's trees come back as its child's parent trees.
struct TreeCache<'r> {
    odb: git2::Odb<'r>,
    current: HashMap<Oid, Rc<RawTree>>,
    previous: HashMap<Oid, Rc<RawTree>>,
}

impl<'r> TreeCache<'r> {
    fn new(repo: &'r Repository) -> Result<Self, git2::Error> {
        Ok(TreeCache {
            odb: repo.odb()?,
            current: HashMap::new(),
            previous: HashMap::new(),
        })
    }

    fn get(&mut self, id: Oid) -> Result<Rc<RawTree>, git2::Error> {
        if let Some(t) = self.current.get(&id) {
            return Ok(t.clone());
        }
        let t = match self.previous.remove(&id) {
            Some(t) => t,
            None => {
                let obj = self.odb.read(id)?;
                if obj.kind() != git2::ObjectType::Tree {
                    return Err(git2::Error::from_str(&format!("{id} is not a tree")));
                }
                let oid_len = id.as_bytes().len();
                Rc::new(
                    RawTree::parse(obj.data().to_vec(), oid_len)
                        .ok_or_else(|| git2::Error::from_str(&format!("tree {id} is malformed")))?,
                )
            }
        };
        self.current.insert(id, t.clone());
        Ok(t)
    }

    fn next_generation(&mut self) {
        self.previous = std::mem::take(&mut self.current);
    }
}
