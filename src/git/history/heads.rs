//! The first pass over history reads each commit once, from its raw bytes:
//! its tree, its parents and its committer's time, which is all the walk
//! needs of it. Anything not in git's plain form is read by libgit2
//! instead, so what the walk sees never differs from libgit2's reading.

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset};
use git2::{Oid, Repository};

/// What the walk keeps of a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Head {
    pub(super) tree: Oid,
    pub(super) parents: Vec<Oid>,
    pub(super) time: DateTime<FixedOffset>,
}

/// Reads commits' heads, through one handle on the object store.
pub(super) struct Heads<'r> {
    repo: &'r Repository,
    odb: git2::Odb<'r>,
    /// Commits whose parents git takes from elsewhere (a shallow clone's
    /// edge, `info/grafts`): libgit2 reads these, as it knows the grafts.
    grafted: HashSet<Oid>,
}

impl<'r> Heads<'r> {
    pub(super) fn new(repo: &'r Repository) -> Result<Self, git2::Error> {
        let mut grafted = HashSet::new();
        for file in [repo.path().join("shallow"), repo.path().join("info/grafts")] {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            grafted.extend(
                text.lines()
                    .filter_map(|l| l.split_whitespace().next())
                    .filter_map(|o| Oid::from_str(o).ok()),
            );
        }
        Ok(Heads {
            repo,
            odb: repo.odb()?,
            grafted,
        })
    }

    /// The commit `oid`'s head, read once.
    pub(super) fn read(&self, oid: Oid) -> Result<Head, git2::Error> {
        if !self.grafted.contains(&oid) {
            let obj = self.odb.read(oid)?;
            if obj.kind() == git2::ObjectType::Commit
                && let Some(head) = parse_head(obj.data(), oid.as_bytes().len())
            {
                return Ok(head);
            }
        }
        let c = self.repo.find_commit(oid)?;
        Ok(Head {
            tree: c.tree_id(),
            parents: c.parent_ids().collect(),
            time: super::commit_time(&c),
        })
    }
}

/// The tree, parents and committer time of a commit object, as libgit2
/// reads them; `None` for anything not in the plain form git writes (an
/// odd time zone, extra author lines, a bad id), left to libgit2.
pub(super) fn parse_head(data: &[u8], oid_len: usize) -> Option<Head> {
    fn line<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
        let nl = memchr::memchr(b'\n', rest)?;
        let (l, r) = rest.split_at(nl);
        *rest = &r[1..];
        Some(l)
    }
    let mut rest = data;
    let hex = |s: &[u8]| -> Option<Oid> {
        if s.len() != oid_len * 2 || !s.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        Oid::from_str(std::str::from_utf8(s).ok()?).ok()
    };
    let tree = hex(line(&mut rest)?.strip_prefix(b"tree ")?)?;
    let mut parents = Vec::new();
    let mut l = line(&mut rest)?;
    while let Some(p) = l.strip_prefix(b"parent ") {
        parents.push(hex(p)?);
        l = line(&mut rest)?;
    }
    l.strip_prefix(b"author ")?;
    let committer = line(&mut rest)?.strip_prefix(b"committer ")?;
    let time = signature_time(committer)?;
    Some(Head {
        tree,
        parents,
        time,
    })
}

/// `Name <email> <seconds> <+|-><hhmm>`: the time, in the time zone given.
fn signature_time(sig: &[u8]) -> Option<DateTime<FixedOffset>> {
    let gt = memchr::memrchr(b'>', sig)?;
    let lt = memchr::memrchr(b'<', sig)?;
    if lt >= gt {
        return None;
    }
    let when = sig[gt + 1..].strip_prefix(b" ")?;
    let sp = memchr::memchr(b' ', when)?;
    let (secs, zone) = (&when[..sp], &when[sp + 1..]);
    if secs.is_empty() || secs.len() > 18 || !secs.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let secs: i64 = std::str::from_utf8(secs).ok()?.parse().ok()?;
    let (sign, hhmm) = zone.split_first()?;
    if hhmm.len() != 4 || !hhmm.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let hhmm: i32 = std::str::from_utf8(hhmm).ok()?.parse().ok()?;
    let (hours, mins) = (hhmm / 100, hhmm % 100);
    if hours > 14 || mins > 59 {
        return None;
    }
    let minutes = match sign {
        b'+' => hours * 60 + mins,
        b'-' => -(hours * 60 + mins),
        _ => return None,
    };
    Some(super::time_at(secs, minutes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A commit object written as given, in a fresh repository.
    fn raw_commit(repo: &Repository, text: &str) -> Oid {
        repo.odb()
            .unwrap()
            .write(git2::ObjectType::Commit, text.as_bytes())
            .unwrap()
    }

    fn libgit2_head(repo: &Repository, oid: Oid) -> Head {
        let c = repo.find_commit(oid).unwrap();
        Head {
            tree: c.tree_id(),
            parents: c.parent_ids().collect(),
            time: super::super::commit_time(&c),
        }
    }

    #[test]
    fn a_commit_read_from_its_bytes_is_what_libgit2_reads() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let tree = repo.treebuilder(None).unwrap().write().unwrap();
        let mut made = Vec::new();
        // Commits as git writes them: non-ASCII names, zones east, west and
        // at the limits, merges.
        for (k, (name, secs, zone)) in [
            ("李娜", 1_700_000_000, 8 * 60),
            ("José Núñez", 1_600_000_000, -(3 * 60 + 30)),
            ("zhang.wei", 0, 0),
            ("王芳", 1_800_000_000, 14 * 60),
            ("x", 1_234_567_890, -(12 * 60)),
        ]
        .into_iter()
        .enumerate()
        {
            let sig =
                git2::Signature::new(name, "a@例子.cn", &git2::Time::new(secs, zone)).unwrap();
            let parents: Vec<git2::Commit> = made
                .iter()
                .rev()
                .take(k.min(2))
                .map(|o| repo.find_commit(*o).unwrap())
                .collect();
            let refs: Vec<&git2::Commit> = parents.iter().collect();
            let t = repo.find_tree(tree).unwrap();
            let msg = format!("提交 {k}\n\ncommitter Fake <f@f> 1 +0000\n");
            made.push(repo.commit(None, &sig, &sig, &msg, &t, &refs).unwrap());
        }
        // Written by other tools: extra headers, an odd zone, two authors,
        // a zone past +14:00, no time at all.
        let base = format!("tree {tree}\nparent {}\n", made[0]);
        for text in [
            format!(
                "{base}author A <a@b> 1700000000 +0800\ncommitter 李 <c@d> 1700000100 -0700\nencoding GBK\ngpgsig -----BEGIN SSH SIGNATURE-----\n abc\n -----END SSH SIGNATURE-----\n\nmsg\n"
            ),
            format!(
                "{base}author A <a@b> 1700000000 +0800\ncommitter C <c@d> 1700000100 +9999\n\nmsg\n"
            ),
            format!(
                "{base}author A <a@b> 1 +0800\nauthor B <b@b> 2 +0800\ncommitter C <c@d> 1700000100 +0130\n\nmsg\n"
            ),
            format!("{base}author A <a@b> 1 +0800\ncommitter C <c@d> 1700000100 +1500\n\nmsg\n"),
            format!("{base}author A <a@b> 1 +0800\ncommitter C <c@d>\n\nmsg\n"),
            format!(
                "tree {tree}\nparent {}\nparent {}\nauthor A <a@b> 1 +0800\ncommitter C <c> d> 1700000100 -0000\n\nmsg\n",
                made[1], made[2]
            ),
        ] {
            made.push(raw_commit(&repo, &text));
        }
        let heads = Heads::new(&repo).unwrap();
        let odb = repo.odb().unwrap();
        for &oid in &made {
            let expected = libgit2_head(&repo, oid);
            assert_eq!(heads.read(oid).unwrap(), expected, "{oid}");
            let obj = odb.read(oid).unwrap();
            // Read from the bytes, or left to libgit2: never read otherwise.
            if let Some(parsed) = parse_head(obj.data(), 20) {
                assert_eq!(parsed, expected, "{oid}");
            }
        }
        // The plain ones are read from their bytes.
        for &oid in &made[..6] {
            assert!(parse_head(odb.read(oid).unwrap().data(), 20).is_some());
        }
    }

    #[test]
    fn a_grafted_commit_has_the_parents_libgit2_gives_it() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let tree = repo.treebuilder(None).unwrap().write().unwrap();
        let t = repo.find_tree(tree).unwrap();
        let sig = git2::Signature::new("a", "a@b", &git2::Time::new(1, 0)).unwrap();
        let first = repo.commit(None, &sig, &sig, "1", &t, &[]).unwrap();
        let c1 = repo.find_commit(first).unwrap();
        let second = repo.commit(None, &sig, &sig, "2", &t, &[&c1]).unwrap();
        std::fs::write(repo.path().join("shallow"), format!("{second}\n")).unwrap();
        let repo = Repository::open(dir.path()).unwrap();
        let heads = Heads::new(&repo).unwrap();
        let head = heads.read(second).unwrap();
        assert_eq!(head, libgit2_head(&repo, second));
        // The edge of a shallow clone: its parent is not counted.
        assert_eq!(head.parents, Vec::<Oid>::new());
    }
}
