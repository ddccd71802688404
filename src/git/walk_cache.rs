//! What the history walk found for each commit, kept in `.git/mkt/` between
//! runs. Commits never change, so a commit's record — its tree, time,
//! parents, and which wanted files it changed — is valid for as long as the
//! filter that produced it; only commits not seen before are read again.
//! Signatures are never taken from here: they are checked on every run.
//!
//! The file (`mkt-history 2 <key>`, then one record per commit) only grows:
//! a run that read new commits appends their records. Each record says how
//! many lines it has, so one cut short (a crash mid-append) is seen and
//! dropped, and the records before it kept; a file for another key, or one
//! that does not parse, is never trusted: it is read as empty and written
//! again whole.

use std::collections::HashMap;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, TimeZone};
use git2::Oid;

/// One commit, as the walk found it.
#[derive(Debug, Clone)]
pub struct Record {
    pub tree: Oid,
    pub time: DateTime<FixedOffset>,
    pub parents: Vec<Oid>,
    pub other: bool,
    pub changes: Vec<(String, Option<Oid>, Option<Oid>)>,
}

pub struct WalkCache {
    file: PathBuf,
    key: String,
    pub records: Arc<HashMap<Oid, Record>>,
    /// The file as loaded, when it is this key's and parses: its length,
    /// how many bytes of it are whole records, and how many records those are.
    valid: Option<Valid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Valid {
    len: u64,
    whole: u64,
    count: usize,
}

/// The most a cache file may be before it is not read (far past any
/// department's history).
const CAP: u64 = 1 << 30;

fn header(key: &str) -> String {
    format!("mkt-history 2 {key}\n")
}

fn escape(p: &str) -> String {
    p.replace('%', "%25")
        .replace('\t', "%09")
        .replace('\n', "%0A")
}

fn unescape(p: &str) -> String {
    p.replace("%0A", "\n")
        .replace("%09", "\t")
        .replace("%25", "%")
}

/// A full object id, as the cache writes it: 40 lower-case hex digits.
fn full_oid(s: &str) -> Option<Oid> {
    if s.len() != 40 || !s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    Oid::from_str(s).ok()
}

fn oid_or_none(s: &str) -> Option<Option<Oid>> {
    if s == "-" {
        Some(None)
    } else {
        full_oid(s).map(Some)
    }
}

/// What reading a cache file found.
enum Parsed {
    /// Not this key's, or something in it does not parse.
    Distrusted,
    Records(Arc<HashMap<Oid, Record>>, Valid),
}

/// Reads the records of a cache file's bytes. A record cut short at the
/// end is left out (the records before it stand); anything else that does
/// not parse distrusts the whole file.
fn parse(bytes: &[u8], key: &str) -> Parsed {
    let Some(mut rest) = bytes.strip_prefix(header(key).as_bytes()) else {
        return Parsed::Distrusted;
    };
    let mut records = HashMap::new();
    let mut whole = bytes.len() - rest.len();
    let mut count = 0;
    /// The next whole line; `None`: the bytes end before a newline.
    fn line<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
        let nl = memchr::memchr(b'\n', rest)?;
        let (l, r) = rest.split_at(nl);
        *rest = &r[1..];
        Some(l)
    }
    'records: while !rest.is_empty() {
        let Some(c) = line(&mut rest) else {
            break; // a record cut short
        };
        let Some((oid, mut record, n)) = parse_commit_line(c) else {
            return Parsed::Distrusted;
        };
        for _ in 0..n {
            let Some(p) = line(&mut rest) else {
                break 'records; // cut short
            };
            match parse_path_line(p) {
                Some(change) => record.changes.push(change),
                None => return Parsed::Distrusted,
            }
        }
        records.insert(oid, record);
        count += 1;
        whole = bytes.len() - rest.len();
    }
    Parsed::Records(
        Arc::new(records),
        Valid {
            len: bytes.len() as u64,
            whole: whole as u64,
            count,
        },
    )
}

/// `C <oid> <tree> <seconds> <offset> <other> <parents> <changes>`, tab-separated.
fn parse_commit_line(line: &[u8]) -> Option<(Oid, Record, usize)> {
    let line = std::str::from_utf8(line).ok()?;
    let f: Vec<&str> = line.split('\t').collect();
    let ["C", oid, tree, secs, off, other, parents, n] = f.as_slice() else {
        return None;
    };
    let off = FixedOffset::east_opt(off.parse::<i32>().ok()?.checked_mul(60)?)?;
    let time = off.timestamp_opt(secs.parse().ok()?, 0).single()?;
    let parents = if parents.is_empty() {
        Vec::new()
    } else {
        parents
            .split(',')
            .map(full_oid)
            .collect::<Option<Vec<_>>>()?
    };
    let other = match *other {
        "0" => false,
        "1" => true,
        _ => return None,
    };
    Some((
        full_oid(oid)?,
        Record {
            tree: full_oid(tree)?,
            time,
            parents,
            other,
            changes: Vec::new(),
        },
        n.parse().ok()?,
    ))
}

/// `P <path> <old blob or -> <new blob or ->`, tab-separated.
fn parse_path_line(line: &[u8]) -> Option<(String, Option<Oid>, Option<Oid>)> {
    let line = std::str::from_utf8(line).ok()?;
    let f: Vec<&str> = line.split('\t').collect();
    let ["P", path, old, new] = f.as_slice() else {
        return None;
    };
    Some((unescape(path), oid_or_none(old)?, oid_or_none(new)?))
}

/// One record's lines.
fn record_text(out: &mut String, oid: Oid, r: &Record) {
    use std::fmt::Write as _;
    let parents: Vec<String> = r.parents.iter().map(Oid::to_string).collect();
    let _ = writeln!(
        out,
        "C\t{oid}\t{}\t{}\t{}\t{}\t{}\t{}",
        r.tree,
        r.time.timestamp(),
        r.time.offset().local_minus_utc() / 60,
        u8::from(r.other),
        parents.join(","),
        r.changes.len()
    );
    for (path, old, new) in &r.changes {
        let show = |o: &Option<Oid>| o.map_or("-".to_string(), |o| o.to_string());
        let _ = writeln!(out, "P\t{}\t{}\t{}", escape(path), show(old), show(new));
    }
}

/// The file this process parsed last, by its exact bytes: a run that reads
/// history twice (`lint --since`, `status`: both sides of a comparison)
/// parses it once. Only bytes identical to the ones parsed reuse the
/// records; any other bytes are parsed afresh. Kept until the process
/// ends, so the records are never freed one by one either.
struct Memo {
    file: PathBuf,
    key: String,
    bytes: Vec<u8>,
    records: Arc<HashMap<Oid, Record>>,
    valid: Valid,
}

static PARSED: Mutex<Option<Memo>> = Mutex::new(None);

fn read(file: &Path, key: &str) -> Parsed {
    let Ok(bytes) = crate::fsutil::read_plain(file, CAP) else {
        return Parsed::Distrusted;
    };
    let mut memo = PARSED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(m) = memo.as_ref()
        && m.file == file
        && m.key == key
        && m.bytes == bytes
    {
        return Parsed::Records(Arc::clone(&m.records), m.valid);
    }
    let parsed = parse(&bytes, key);
    if let Parsed::Records(records, valid) = &parsed {
        *memo = Some(Memo {
            file: file.to_path_buf(),
            key: key.to_string(),
            bytes,
            records: Arc::clone(records),
            valid: *valid,
        });
    }
    parsed
}

impl WalkCache {
    /// Reads the cache for `key` (the filter's name and version); anything
    /// unreadable or for another key is an empty cache.
    pub fn load(repo: &git2::Repository, key: &str) -> WalkCache {
        let file = repo.path().join("mkt").join("history-cache");
        let mut cache = WalkCache {
            file,
            key: key.to_string(),
            records: Arc::default(),
            valid: None,
        };
        if !super::caches_on() {
            return cache;
        }
        if let Parsed::Records(records, valid) = read(&cache.file, key) {
            cache.records = records;
            cache.valid = Some(valid);
        }
        cache
    }

    /// Keeps the records of `commits` (the whole walk, in order): the ones
    /// the file lacks are appended to it. A file that cannot be appended to
    /// (none yet, another key's, one that does not parse) or that holds far
    /// more records than the walk (history rewritten, branches dropped) is
    /// written again whole, with the walk's records only.
    pub fn store(&self, commits: &[(Oid, &Record)]) {
        // A cache that cannot be written is only a slower next run.
        let _ = self.try_store(commits);
    }

    fn try_store(&self, commits: &[(Oid, &Record)]) -> std::io::Result<()> {
        let compact = |count: usize| count > 2 * commits.len() + 1024;
        let Some(loaded) = self.valid.filter(|v| !compact(v.count)) else {
            return self.rewrite(commits);
        };
        let _held = crate::fsutil::Deferred::new();
        let mut f = std::fs::OpenOptions::new().write(true).open(&self.file)?;
        f.lock()?;
        // Another run may have changed the file since it was loaded: then
        // what it holds now is read again, under the lock.
        let (known, whole): (Option<Arc<HashMap<Oid, Record>>>, u64) =
            if f.metadata()?.len() == loaded.len {
                (None, loaded.whole)
            } else {
                match read(&self.file, &self.key) {
                    Parsed::Records(records, valid) if !compact(valid.count) => {
                        (Some(records), valid.whole)
                    }
                    _ => {
                        drop(f);
                        return self.rewrite(commits);
                    }
                }
            };
        let known = known.as_ref().unwrap_or(&self.records);
        let mut text = String::new();
        for (oid, r) in commits {
            if !known.contains_key(oid) {
                record_text(&mut text, *oid, r);
            }
        }
        if text.is_empty() {
            return Ok(());
        }
        // A record cut short by an earlier crash is dropped before appending.
        f.set_len(whole)?;
        f.seek(SeekFrom::Start(whole))?;
        f.write_all(text.as_bytes())?;
        f.sync_data()
    }

    fn rewrite(&self, commits: &[(Oid, &Record)]) -> std::io::Result<()> {
        let mut text = header(&self.key);
        for (oid, r) in commits {
            record_text(&mut text, *oid, r);
        }
        crate::fsutil::write_atomic(&self.file, text.as_bytes())
            .map_err(|e| std::io::Error::other(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(n: u8) -> Oid {
        Oid::from_bytes(&[n; 20]).unwrap()
    }

    fn record(n: u8, changes: usize) -> Record {
        let off = FixedOffset::east_opt(8 * 3600).unwrap();
        Record {
            tree: oid(n + 100),
            time: off.timestamp_opt(1_700_000_000 + i64::from(n), 0).unwrap(),
            parents: if n == 0 { vec![] } else { vec![oid(n - 1)] },
            other: n.is_multiple_of(2),
            changes: (0..changes)
                .map(|k| (format!("会议/{n}\t{k}%.toml"), Some(oid(k as u8)), None))
                .collect(),
        }
    }

    fn file(records: &[(Oid, Record)]) -> String {
        let mut text = header("k/1");
        for (o, r) in records {
            record_text(&mut text, *o, r);
        }
        text
    }

    #[test]
    fn every_cut_keeps_the_whole_records_before_it() {
        let records: Vec<(Oid, Record)> = (0..4).map(|n| (oid(n), record(n, n as usize))).collect();
        let text = file(&records);
        let ends: Vec<usize> = (0..=records.len())
            .map(|k| file(&records[..k]).len())
            .collect();
        for cut in ends[0]..=text.len() {
            let Parsed::Records(got, valid) = parse(&text.as_bytes()[..cut], "k/1") else {
                panic!("a cut at {cut} distrusts the file");
            };
            let whole = ends.iter().rposition(|&e| e <= cut).unwrap();
            assert_eq!(valid.whole as usize, ends[whole], "cut at {cut}");
            assert_eq!(got.len(), whole, "cut at {cut}");
            for (o, r) in &records[..whole] {
                let g = &got[o];
                assert_eq!(
                    (g.tree, g.time, &g.parents, g.other, &g.changes),
                    (r.tree, r.time, &r.parents, r.other, &r.changes)
                );
            }
        }
    }

    #[test]
    fn a_file_parsed_before_is_reused_only_for_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history-cache");
        let records: Vec<(Oid, Record)> = (0..3).map(|n| (oid(n), record(n, 1))).collect();
        let count = |p: Parsed| match p {
            Parsed::Records(r, v) => Some((r.len(), v.count)),
            Parsed::Distrusted => None,
        };
        std::fs::write(&path, file(&records[..2])).unwrap();
        assert_eq!(count(read(&path, "k/1")), Some((2, 2)));
        assert_eq!(count(read(&path, "k/1")), Some((2, 2)));
        // Appended to, cut, rewritten, of another key: read afresh.
        std::fs::write(&path, file(&records)).unwrap();
        assert_eq!(count(read(&path, "k/1")), Some((3, 3)));
        assert_eq!(count(read(&path, "k/2")), None);
        let text = file(&records);
        std::fs::write(&path, &text[..text.len() - 3]).unwrap();
        assert_eq!(count(read(&path, "k/1")), Some((2, 2)));
        std::fs::write(&path, format!("{text}X\tgarbage\n")).unwrap();
        assert_eq!(count(read(&path, "k/1")), None);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(count(read(&path, "k/1")), None);
    }

    #[test]
    fn another_key_short_ids_and_garbage_are_not_trusted() {
        let records: Vec<(Oid, Record)> = (0..2).map(|n| (oid(n), record(n, 1))).collect();
        let text = file(&records);
        let bad = [
            text.replace("k/1", "k/2"),
            text.replace("mkt-history 2", "mkt-history 1"),
            text.replace(&oid(1).to_string(), &oid(1).to_string()[..12]),
            format!("{text}X\tnot a record\n"),
            text.replacen("\tP\t", "\tQ\t", 1)
                .replacen("\nP\t", "\nQ\t", 1),
        ];
        for b in bad {
            assert!(
                matches!(parse(b.as_bytes(), "k/1"), Parsed::Distrusted),
                "{b}"
            );
        }
    }
}
