//! Comparing two trees on their raw bytes: entries parsed in place, in
//! libgit2's own buffer (never copied), a shared prefix and suffix of a
//! large folder found once per pair of trees and skipped, subtrees with the
//! same id on both sides never read.

use std::collections::HashMap;
use std::rc::Rc;

use git2::Oid;

use super::PathFilter;

/// A wanted file's path, with its blob before and after.
pub(super) type Changed = (String, Option<Oid>, Option<Oid>);

#[derive(Default)]
pub(super) struct Found {
    pub(super) changes: Vec<Changed>,
    /// Something outside the wanted files differs.
    pub(super) other: bool,
}

/// Wanted files that differ between two trees (either may be absent), in
/// folders the filter descends into. Both trees are sorted, so they are
/// merged in one pass; a subtree with the same id on both sides is skipped.
/// `common`: the entries `new` shares with `old` at both ends, when reading
/// `new` already found them (`TreeCache::get_like`).
pub(super) fn diff_trees(
    trees: &mut TreeCache,
    old: Option<&RawTree>,
    new: Option<&RawTree>,
    common: Option<Common>,
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
        let Common { head, tail } = common.unwrap_or_else(|| a.common_entries(b));
        olds = &olds[head..olds.len() - tail];
        news = &news[head..news.len() - tail];
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
            // A name that is not UTF-8 is no record's: a change all the same.
            out.other = true;
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
                let (b, common) = match new_dir {
                    Some(id) => {
                        let (b, common) = trees.get_like(id, a.as_deref())?;
                        (Some(b), common)
                    }
                    None => (None, None),
                };
                diff_trees(
                    trees,
                    a.as_deref(),
                    b.as_deref(),
                    common,
                    &path,
                    filter,
                    out,
                )?;
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
pub(super) fn git_order(
    at: &RawTree,
    a: &RawEntry,
    bt: &RawTree,
    b: &RawEntry,
) -> std::cmp::Ordering {
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
pub(super) enum EntryKind {
    Tree,
    Blob,
    Other,
}

/// The length of the common prefix of `a` and `b`, up to `max`.
pub(super) fn mismatch(a: &[u8], b: &[u8], max: usize) -> usize {
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
pub(super) fn mismatch_rev(a: &[u8], b: &[u8], max: usize) -> usize {
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
pub(super) fn parse_entry(data: &[u8], i: usize, oid_len: usize) -> Option<(RawEntry, usize)> {
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
pub(super) struct RawEntry {
    start: u32,
    name: (u32, u32),
    oid: u32,
    kind: EntryKind,
}

/// How many entries two trees share, pair for pair and byte for byte, at
/// their start (`head`) and at their end (`tail`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Common {
    pub(super) head: usize,
    pub(super) tail: usize,
}

/// A tree object's bytes, where libgit2 keeps them: the object read from
/// the object store is held, not copied.
pub(super) enum Bytes<'o> {
    Odb(git2::OdbObject<'o>),
    /// Bytes made by a test.
    #[cfg(test)]
    Owned(Vec<u8>),
}

impl Bytes<'_> {
    fn get(&self) -> &[u8] {
        match self {
            Bytes::Odb(o) => o.data(),
            #[cfg(test)]
            Bytes::Owned(v) => v,
        }
    }
}

/// A tree object's bytes (`<mode> <name>\0<20-byte id>` repeated) and its entries.
pub(super) struct RawTree<'o> {
    data: Bytes<'o>,
    entries: Vec<RawEntry>,
    oid_len: usize,
}

impl<'o> RawTree<'o> {
    fn parse(data: Bytes<'o>, oid_len: usize) -> Option<RawTree<'o>> {
        let bytes = data.get();
        let mut entries = Vec::with_capacity(bytes.len() / 48);
        let mut i = 0;
        while i < bytes.len() {
            let (e, next) = parse_entry(bytes, i, oid_len)?;
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
        &self.data.get()[e.name.0 as usize..e.name.1 as usize]
    }

    fn oid(&self, e: &RawEntry) -> &[u8] {
        &self.data.get()[e.oid as usize..e.oid as usize + self.oid_len]
    }

    /// Parses `data` knowing a tree it shares most bytes with: entries that
    /// lie in the bytes both share at the start and at the end are taken
    /// over (shifted at the end), only the middle is parsed. Falls back to a
    /// full parse if the middle does not meet the shared end on a boundary.
    /// The entries taken over are the ones the two trees have in common, so
    /// comparing the two needs no second scan of their bytes.
    fn parse_like(data: Bytes<'o>, base: &RawTree) -> Option<(RawTree<'o>, Option<Common>)> {
        let bytes = data.get();
        let (a, oid_len) = (base.data.get(), base.oid_len);
        let max = a.len().min(bytes.len());
        let prefix = mismatch(a, bytes, max);
        let suffix = mismatch_rev(a, bytes, max - prefix);
        let end = |e: &RawEntry| e.oid as usize + oid_len;
        let head = base.entries.partition_point(|e| end(e) <= prefix);
        let tail_from = base
            .entries
            .partition_point(|e| (e.start as usize) < a.len() - suffix)
            .max(head);
        // Where the shared tail starts in the new bytes.
        let shift = bytes.len() as i64 - a.len() as i64;
        let stop = base
            .entries
            .get(tail_from)
            .map_or(bytes.len(), |e| (e.start as i64 + shift) as usize);
        let mut entries = Vec::with_capacity(base.entries.len() + 4);
        entries.extend(base.entries[..head].iter().cloned());
        let mut i = base
            .entries
            .get(head)
            .map_or(prefix.min(bytes.len()), |e| e.start as usize);
        if head == base.entries.len() {
            i = base.entries.last().map_or(0, end);
        }
        while i < stop {
            let (e, next) = parse_entry(bytes, i, oid_len)?;
            entries.push(e);
            i = next;
        }
        if i != stop {
            return RawTree::parse(data, oid_len).map(|t| (t, None));
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
        let common = Common {
            head,
            tail: base.entries.len() - tail_from,
        };
        Some((
            RawTree {
                data,
                entries,
                oid_len,
            },
            Some(common),
        ))
    }

    /// How many entries at the start of both trees, and at the end of both,
    /// lie in byte ranges the two trees share exactly.
    fn common_entries(&self, other: &RawTree) -> Common {
        let (a, b) = (self.data.get(), other.data.get());
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
        Common { head, tail }
    }

    fn oid_of(&self, e: &RawEntry) -> Oid {
        Oid::from_bytes(self.oid(e)).unwrap_or(Oid::ZERO_SHA1)
    }
}

/// Trees read for the last commit, kept for the next one: in a walk from
/// parent to child, a commit's trees come back as its child's parent trees.
pub(super) struct TreeCache<'o> {
    odb: &'o git2::Odb<'o>,
    current: HashMap<Oid, Rc<RawTree<'o>>>,
    previous: HashMap<Oid, Rc<RawTree<'o>>>,
}

impl<'o> TreeCache<'o> {
    pub(super) fn new(odb: &'o git2::Odb<'o>) -> Self {
        TreeCache {
            odb,
            current: HashMap::new(),
            previous: HashMap::new(),
        }
    }

    /// The tree `id`.
    pub(super) fn get(&mut self, id: Oid) -> Result<Rc<RawTree<'o>>, git2::Error> {
        self.get_like(id, None).map(|(t, _)| t)
    }

    /// The tree `id`; `base`, a tree it likely differs little from (its
    /// parent's version), lets most of its entries be taken over unparsed,
    /// and then gives what the two have in common.
    pub(super) fn get_like(
        &mut self,
        id: Oid,
        base: Option<&RawTree>,
    ) -> Result<(Rc<RawTree<'o>>, Option<Common>), git2::Error> {
        if let Some(t) = self.current.get(&id) {
            return Ok((t.clone(), None));
        }
        let (t, common) = match self.previous.remove(&id) {
            Some(t) => (t, None),
            None => {
                let odb: &'o git2::Odb<'o> = self.odb;
                let obj = odb.read(id)?;
                if obj.kind() != git2::ObjectType::Tree {
                    return Err(git2::Error::from_str(&format!("{id} is not a tree")));
                }
                let oid_len = id.as_bytes().len();
                let data = Bytes::Odb(obj);
                let parsed = match base {
                    Some(b) if b.oid_len == oid_len => RawTree::parse_like(data, b),
                    _ => RawTree::parse(data, oid_len).map(|t| (t, None)),
                };
                let (t, common) = parsed
                    .ok_or_else(|| git2::Error::from_str(&format!("tree {id} is malformed")))?;
                (Rc::new(t), common)
            }
        };
        self.current.insert(id, t.clone());
        Ok((t, common))
    }

    pub(super) fn next_generation(&mut self) {
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
        let base = RawTree::parse(Bytes::Owned(base), 20).unwrap();
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
            let full = RawTree::parse(Bytes::Owned(next.clone()), 20).unwrap();
            let (like, common) = RawTree::parse_like(Bytes::Owned(next), &base).unwrap();
            assert_eq!(entries(&full), entries(&like));
            // What parsing found in common is what a scan of both finds, or
            // a part of it that skips only identical entries.
            let scanned = base.common_entries(&full);
            let common = common.unwrap_or(scanned);
            for k in 0..common.head {
                assert_eq!(base.name(&base.entries[k]), full.name(&full.entries[k]));
                assert_eq!(base.oid(&base.entries[k]), full.oid(&full.entries[k]));
            }
            for k in 1..=common.tail {
                let (x, y) = (
                    &base.entries[base.entries.len() - k],
                    &full.entries[full.entries.len() - k],
                );
                assert_eq!(base.name(x), full.name(y));
                assert_eq!(base.oid(x), full.oid(y));
            }
            assert!(common.head + common.tail <= base.entries.len().min(full.entries.len()));
        }
    }

    /// Every entry kind git writes, with names that are not ASCII: mkt's
    /// parse of the raw tree gives the names, ids and kinds libgit2 gives.
    #[test]
    fn a_raw_tree_parses_as_libgit2_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let blob = repo.blob(b"x\n").unwrap();
        let sub = repo.treebuilder(None).unwrap().write().unwrap();
        let gitlink = Oid::from_str("1234567890abcdef1234567890abcdef12345678").unwrap();
        let mut b = repo.treebuilder(None).unwrap();
        let made: &[(&str, Oid, i32)] = &[
            ("campaign.toml", blob, 0o100644),
            ("春季促销-2026-03V1", sub, 0o040000),
            ("运行.sh", blob, 0o100755),
            ("链接", blob, 0o120000),
            ("vendor-子模块", gitlink, 0o160000),
            ("Ünïcödé ñame.md", blob, 0o100644),
            ("a.b", blob, 0o100644),
            ("a", sub, 0o040000),
            ("a-", blob, 0o100644),
        ];
        for (name, id, mode) in made {
            b.insert(name, *id, *mode).unwrap();
        }
        let id = b.write().unwrap();
        let tree = repo.find_tree(id).unwrap();
        let odb = repo.odb().unwrap();
        let raw = RawTree::parse(Bytes::Odb(odb.read(id).unwrap()), 20).unwrap();
        assert_eq!(raw.entries.len(), tree.len());
        for (e, g) in raw.entries.iter().zip(tree.iter()) {
            assert_eq!(raw.name(e), g.name_bytes());
            assert_eq!(raw.oid_of(e), g.id());
            let kind = match g.kind() {
                Some(git2::ObjectType::Tree) => EntryKind::Tree,
                Some(git2::ObjectType::Blob) => EntryKind::Blob,
                _ => EntryKind::Other,
            };
            assert_eq!(e.kind, kind, "{:?}", g.name());
        }
        // In git's order, as libgit2 sorted them (a folder sorts as `a/`).
        for w in raw.entries.windows(2) {
            assert_eq!(
                git_order(&raw, &w[0], &raw, &w[1]),
                std::cmp::Ordering::Less
            );
        }
        // Parsed like a neighbour, the same entries.
        let mut b = repo.treebuilder(Some(&tree)).unwrap();
        b.insert("运行.sh", sub, 0o040000).unwrap();
        let next = b.write().unwrap();
        let full = RawTree::parse(Bytes::Odb(odb.read(next).unwrap()), 20).unwrap();
        let (like, _) = RawTree::parse_like(Bytes::Odb(odb.read(next).unwrap()), &raw).unwrap();
        assert_eq!(entries(&full), entries(&like));
    }
}
