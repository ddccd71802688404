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
    /// Names this filter (and its version) for the cache of what each
    /// commit changed; `None`: no cache.
    pub cache_key: Option<&'a str>,
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
    let cache = filter
        .cache_key
        .map(|key| super::walk_cache::WalkCache::load(repo, key));
    let oids = commits_in_order(repo, tip, cache.as_ref())?;
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
                    let repo = Repository::open(path)?;
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
    Ok(out)
}

/// HEAD's history, parents before children. The cache's order (the history
/// of the tip it was written for) is reused when that tip is HEAD or one of
/// its ancestors; only the commits since are walked.
fn commits_in_order(
    repo: &Repository,
    tip: Oid,
    cache: Option<&super::walk_cache::WalkCache>,
) -> Result<Vec<Oid>, git2::Error> {
    let cached = cache.map(|c| c.order.as_slice()).unwrap_or(&[]);
    let base = cached
        .last()
        .copied()
        .filter(|&old| old == tip || repo.graph_descendant_of(tip, old).unwrap_or(false));
    let mut revwalk = repo.revwalk()?;
    revwalk.push(tip)?;
    revwalk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    let Some(old) = base else {
        return revwalk.collect();
    };
    if old == tip {
        return Ok(cached.to_vec());
    }
    // Commits reachable from the old tip are already in order; the new ones
    // have their parents among them or among themselves.
    revwalk.hide(old)?;
    let mut out = cached.to_vec();
    for oid in revwalk {
        out.push(oid?);
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

/// A wanted file's path, with its blob before and after.
type Changed = (String, Option<Oid>, Option<Oid>);

#[derive(Default)]
struct Found {
    changes: Vec<Changed>,
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
    let mut olds = old.map_or(empty, |t| t.entries.as_slice());
    let mut news = new.map_or(empty, |t| t.entries.as_slice());
    if let (Some(a), Some(b)) = (old, new) {
        // Entries in the bytes both trees share at their start and end are
        // the same entries: skip them without comparing one by one. A commit
        // that touches one campaign of thousands compares only that one.
        let (head, tail) = a.common_entries(b);
        olds = &olds[head..olds.len() - tail.0];
        news = &news[head..news.len() - tail.1];
    }
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
        if let (Some((ot, oe)), Some((nt, ne))) = (o, n)
            && ot.oid(oe) == nt.oid(ne)
            && oe.kind == ne.kind
        {
            continue;
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
                let a = old_dir.map(|id| trees.get(id, None)).transpose()?;
                let b = new_dir.map(|id| trees.get(id, a.as_deref())).transpose()?;
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

/// The length of the common prefix of `a` and `b`, up to `max`.
fn mismatch(a: &[u8], b: &[u8], max: usize) -> usize {
    // Compare in blocks (memcmp), then bytes within the first differing block.
    let mut i = 0;
    while i + 64 <= max && a[i..i + 64] == b[i..i + 64] {
        i += 64;
    }
    while i < max && a[i] == b[i] {
        i += 1;
    }
    i
}

/// The length of the common suffix of `a` and `b`, up to `max`.
fn mismatch_rev(a: &[u8], b: &[u8], max: usize) -> usize {
    let (la, lb) = (a.len(), b.len());
    let mut i = 0;
    while i + 64 <= max && a[la - i - 64..la - i] == b[lb - i - 64..lb - i] {
        i += 64;
    }
    while i < max && a[la - i - 1] == b[lb - i - 1] {
        i += 1;
    }
    i
}

/// Reads the entry at `i`: `<mode> <name>\0<id>`; returns it and where the next starts.
fn parse_entry(data: &[u8], i: usize, oid_len: usize) -> Option<(RawEntry, usize)> {
    let sp = i + memchr::memchr(b' ', &data[i..])?;
    let nul = sp + 1 + memchr::memchr(0, &data[sp + 1..])?;
    let kind = match &data[i..sp] {
        b"40000" | b"040000" => EntryKind::Tree,
        b"100644" | b"100755" | b"120000" | b"100664" => EntryKind::Blob,
        _ => EntryKind::Other,
    };
    let oid = nul + 1;
    if oid + oid_len > data.len() {
        return None;
    }
    Some((
        RawEntry {
            start: i as u32,
            name: ((sp + 1) as u32, nul as u32),
            oid: oid as u32,
            kind,
        },
        oid + oid_len,
    ))
}

/// One entry of a raw tree: offsets into the tree's bytes.
#[derive(Clone)]
struct RawEntry {
    start: u32,
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
        let mut entries = Vec::with_capacity(data.len() / 48);
        let mut i = 0;
        while i < data.len() {
            let (e, next) = parse_entry(&data, i, oid_len)?;
            entries.push(e);
            i = next;
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

    /// Parses `data` knowing a tree it shares most bytes with: entries that
    /// lie in the bytes both share at the start and at the end are taken
    /// over (shifted at the end), only the middle is parsed. Falls back to a
    /// full parse if the middle does not meet the shared end on a boundary.
    fn parse_like(data: Vec<u8>, base: &RawTree) -> Option<RawTree> {
        let (a, oid_len) = (&base.data, base.oid_len);
        let max = a.len().min(data.len());
        let prefix = mismatch(a, &data, max);
        let suffix = mismatch_rev(a, &data, max - prefix);
        let end = |e: &RawEntry| e.oid as usize + oid_len;
        let head = base.entries.partition_point(|e| end(e) <= prefix);
        let tail_from = base
            .entries
            .partition_point(|e| (e.start as usize) < a.len() - suffix)
            .max(head);
        // Where the shared tail starts in the new bytes.
        let shift = data.len() as i64 - a.len() as i64;
        let stop = base
            .entries
            .get(tail_from)
            .map_or(data.len(), |e| (e.start as i64 + shift) as usize);
        let mut entries = Vec::with_capacity(base.entries.len() + 4);
        entries.extend(base.entries[..head].iter().cloned());
        let mut i = base
            .entries
            .get(head)
            .map_or(prefix.min(data.len()), |e| e.start as usize);
        if head == base.entries.len() {
            i = base.entries.last().map_or(0, end);
        }
        while i < stop {
            let (e, next) = parse_entry(&data, i, oid_len)?;
            entries.push(e);
            i = next;
        }
        if i != stop {
            return RawTree::parse(data, oid_len);
        }
        entries.extend(base.entries[tail_from..].iter().map(|e| RawEntry {
            start: (e.start as i64 + shift) as u32,
            name: (
                (e.name.0 as i64 + shift) as u32,
                (e.name.1 as i64 + shift) as u32,
            ),
            oid: (e.oid as i64 + shift) as u32,
            kind: e.kind,
        }));
        Some(RawTree {
            data,
            entries,
            oid_len,
        })
    }

    /// How many entries at the start of both trees, and at the end of each,
    /// lie in byte ranges the two trees share exactly.
    fn common_entries(&self, other: &RawTree) -> (usize, (usize, usize)) {
        let (a, b) = (&self.data, &other.data);
        let max = a.len().min(b.len());
        let prefix = mismatch(a, b, max);
        let suffix = mismatch_rev(a, b, max - prefix);
        let end = |e: &RawEntry| e.oid as usize + self.oid_len;
        // Entries that end within the shared prefix are identical in both.
        let head = self.entries.partition_point(|e| end(e) <= prefix).min(
            other
                .entries
                .partition_point(|e| e.oid as usize + other.oid_len <= prefix),
        );
        // Entries that start within the shared suffix, from each end.
        let tail_a = self.entries.len()
            - self
                .entries
                .partition_point(|e| (e.start as usize) < a.len() - suffix);
        let tail_b = other.entries.len()
            - other
                .entries
                .partition_point(|e| (e.start as usize) < b.len() - suffix);
        let tail = tail_a
            .min(tail_b)
            .min(self.entries.len() - head)
            .min(other.entries.len() - head);
        (head, (tail, tail))
    }

    fn oid_of(&self, e: &RawEntry) -> Oid {
        Oid::from_bytes(self.oid(e)).unwrap_or(Oid::ZERO_SHA1)
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

    /// The tree `id`; `base`, a tree it likely differs little from (its
    /// parent's version), lets most of its entries be taken over unparsed.
    fn get(&mut self, id: Oid, base: Option<&RawTree>) -> Result<Rc<RawTree>, git2::Error> {
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
                let data = obj.data().to_vec();
                let parsed = match base {
                    Some(b) if b.oid_len == oid_len => RawTree::parse_like(data, b),
                    _ => RawTree::parse(data, oid_len),
                };
                Rc::new(
                    parsed
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

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(names: &[&str]) -> Vec<u8> {
        let mut v = Vec::new();
        for (i, n) in names.iter().enumerate() {
            v.extend_from_slice(format!("100644 {n}\0").as_bytes());
            v.extend_from_slice(&[i as u8; 20]);
        }
        v
    }

    fn entries(t: &RawTree) -> Vec<(Vec<u8>, Vec<u8>, u32)> {
        t.entries
            .iter()
            .map(|e| (t.name(e).to_vec(), t.oid(e).to_vec(), e.start))
            .collect()
    }

    #[test]
    fn parsing_like_a_base_equals_a_full_parse() {
        let base = tree(&["a", "bb", "c", "dd", "e"]);
        let base = RawTree::parse(base, 20).unwrap();
        for next in [
            tree(&["a", "bb", "c", "dd", "e"]),
            tree(&["a", "bb", "cx", "dd", "e"]),
            tree(&["a", "bb", "c", "c2", "dd", "e"]),
            tree(&["a", "c", "dd", "e"]),
            tree(&["0", "a", "bb", "c", "dd", "e"]),
            tree(&["a", "bb", "c", "dd", "e", "f"]),
            tree(&["a"]),
            tree(&[]),
        ] {
            let full = RawTree::parse(next.clone(), 20).unwrap();
            let like = RawTree::parse_like(next, &base).unwrap();
            assert_eq!(entries(&full), entries(&like));
        }
    }
}
