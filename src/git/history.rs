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

/// When each wanted path was first added, by the commit time of the commit
/// that added it, over the history of HEAD. An unborn HEAD gives nothing.
pub fn first_added(
    repo: &Repository,
    filter: &PathFilter,
) -> Result<HashMap<String, DateTime<FixedOffset>>, git2::Error> {
    let mut out = HashMap::new();
    super::fast_reads();
    let head = match repo.head() {
        Ok(h) => h,
        Err(e)
            if e.code() == git2::ErrorCode::UnbornBranch
                || e.code() == git2::ErrorCode::NotFound =>
        {
            return Ok(out);
        }
        Err(e) => return Err(e),
    };
    let Some(tip) = head.target() else {
        return Ok(out);
    };
    let mut walk = repo.revwalk()?;
    walk.push(tip)?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    let commits: Vec<Oid> = walk.collect::<Result<_, _>>()?;
    // Each commit is compared with its parent on its own, so the walk splits
    // into contiguous runs, one per core, each with its own handle on the
    // repository. Earlier runs win: "first" follows history's order.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk = commits.len().div_ceil(threads).max(256);
    let path = repo.path().to_path_buf();
    let results: Vec<Result<Vec<Added>, git2::Error>> = std::thread::scope(|s| {
        let handles: Vec<_> = commits
            .chunks(chunk)
            .map(|run| {
                let path = &path;
                s.spawn(move || {
                    let repo = Repository::open(path)?;
                    added_in(&repo, run, filter)
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
    // A file renamed (as N003 asks, to fix its name) keeps the time its
    // content was first committed under a wanted path.
    let mut content_first: HashMap<Oid, DateTime<FixedOffset>> = HashMap::new();
    for run in results {
        for Added { path, blob, time } in run? {
            let first = *content_first.entry(blob).or_insert(time);
            out.entry(path).or_insert(first);
        }
    }
    Ok(out)
}

/// A wanted file a commit added: its path, content id and commit time.
struct Added {
    path: String,
    blob: Oid,
    time: DateTime<FixedOffset>,
}

/// The wanted paths each commit of `run` adds, in order, with its time.
fn added_in(
    repo: &Repository,
    run: &[Oid],
    filter: &PathFilter,
) -> Result<Vec<Added>, git2::Error> {
    let mut out = Vec::new();
    let mut trees = TreeCache::new(repo)?;
    for &oid in run {
        let commit = repo.find_commit(oid)?;
        let tree = trees.get(commit.tree_id())?;
        let parent_tree = match commit.parent_ids().next() {
            Some(p) => Some(trees.get(repo.find_commit(p)?.tree_id())?),
            None => None,
        };
        let time = commit_time(&commit);
        let mut added = Vec::new();
        added_paths(
            &mut trees,
            parent_tree.as_deref(),
            &tree,
            "",
            filter,
            &mut added,
        )?;
        trees.next_generation();
        out.extend(
            added
                .into_iter()
                .map(|(path, blob)| Added { path, blob, time }),
        );
    }
    Ok(out)
}

pub fn commit_time(commit: &git2::Commit) -> DateTime<FixedOffset> {
    let t = commit.time();
    let off = FixedOffset::east_opt(t.offset_minutes() * 60)
        .unwrap_or_else(|| FixedOffset::east_opt(0).unwrap());
    off.timestamp_opt(t.seconds(), 0)
        .single()
        .unwrap_or_else(|| off.timestamp_opt(0, 0).unwrap())
}

/// Paths of blobs in `new` that are not in `old` (new, or changed from a
/// non-blob), limited to those the filter wants. Both trees are sorted, so
/// they are merged in one pass; a subtree with the same id on both sides is
/// skipped whole.
fn added_paths(
    trees: &mut TreeCache,
    old: Option<&RawTree>,
    new: &RawTree,
    prefix: &str,
    filter: &PathFilter,
    out: &mut Vec<(String, Oid)>,
) -> Result<(), git2::Error> {
    let olds: &[RawEntry] = old.map(|t| t.entries.as_slice()).unwrap_or(&[]);
    let mut j = 0;
    for e in &new.entries {
        let mut before = None;
        while let Some(o) = olds.get(j) {
            match git_order(old.expect("entries come from old"), o, new, e) {
                std::cmp::Ordering::Less => j += 1,
                std::cmp::Ordering::Equal => {
                    before = Some(o);
                    j += 1;
                    break;
                }
                std::cmp::Ordering::Greater => break,
            }
        }
        let old_tree = before.and(old);
        if let (Some(b), Some(ot)) = (before, old_tree) {
            if ot.oid(b) == new.oid(e) {
                continue;
            }
        }
        let Ok(name) = std::str::from_utf8(new.name(e)) else {
            continue;
        };
        let path = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}/{name}")
        };
        match e.kind {
            EntryKind::Tree => {
                if !(filter.descend)(&path) {
                    continue;
                }
                let sub = trees.get(new.oid_of(e))?;
                let old_sub = match (before, old_tree) {
                    (Some(b), Some(ot)) if b.kind == EntryKind::Tree => {
                        Some(trees.get(ot.oid_of(b))?)
                    }
                    _ => None,
                };
                added_paths(trees, old_sub.as_deref(), &sub, &path, filter, out)?;
            }
            EntryKind::Blob => {
                let was_blob = before.is_some_and(|b| b.kind == EntryKind::Blob);
                if !was_blob && (filter.wanted)(&path) {
                    out.push((path, new.oid_of(e)));
                }
            }
            EntryKind::Other => {}
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
