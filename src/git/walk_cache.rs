//! What the history walk found for each commit, kept in `.git/mkt/` between
//! runs. Commits never change, so a commit's record — its time, parents,
//! and which wanted files it changed — is valid for as long as the filter
//! that produced it; only commits not seen before are read again. Signatures
//! are never taken from here: they are checked on every run.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, TimeZone};
use git2::Oid;

/// One commit, as the walk found it.
#[derive(Debug, Clone)]
pub struct Record {
    pub time: DateTime<FixedOffset>,
    pub parents: Vec<Oid>,
    pub other: bool,
    pub changes: Vec<(String, Option<Oid>, Option<Oid>)>,
}

pub struct WalkCache {
    file: PathBuf,
    key: String,
    pub records: HashMap<Oid, Record>,
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

fn oid_or_none(s: &str) -> Option<Option<Oid>> {
    if s == "-" {
        Some(None)
    } else {
        Oid::from_str(s).ok().map(Some)
    }
}

impl WalkCache {
    /// Reads the cache for `key` (the filter's name and version); anything
    /// unreadable or for another key is an empty cache.
    pub fn load(repo: &git2::Repository, key: &str) -> WalkCache {
        let file = repo.path().join("mkt").join("history-cache");
        let mut cache = WalkCache {
            file,
            key: key.to_string(),
            records: HashMap::new(),
        };
        if !super::caches_on() {
            return cache;
        }
        let Ok(text) = std::fs::read_to_string(&cache.file) else {
            return cache;
        };
        let mut lines = text.lines();
        if lines.next() != Some(&format!("mkt-history 1 {key}")) {
            return cache;
        }
        let mut current: Option<(Oid, Record)> = None;
        for line in lines {
            let f: Vec<&str> = line.split('\t').collect();
            match f.as_slice() {
                ["C", oid, secs, off, other, parents] => {
                    if let Some((o, r)) = current.take() {
                        cache.records.insert(o, r);
                    }
                    let parsed = (|| {
                        let oid = Oid::from_str(oid).ok()?;
                        let off = FixedOffset::east_opt(off.parse::<i32>().ok()? * 60)?;
                        let time = off.timestamp_opt(secs.parse().ok()?, 0).single()?;
                        let parents = if parents.is_empty() {
                            Vec::new()
                        } else {
                            parents
                                .split(',')
                                .map(Oid::from_str)
                                .collect::<Result<Vec<_>, _>>()
                                .ok()?
                        };
                        Some((
                            oid,
                            Record {
                                time,
                                parents,
                                other: *other == "1",
                                changes: Vec::new(),
                            },
                        ))
                    })();
                    match parsed {
                        Some(p) => current = Some(p),
                        None => {
                            return cache.emptied();
                        }
                    }
                }
                ["P", path, old, new] => {
                    let (Some((_, r)), Some(old), Some(new)) =
                        (current.as_mut(), oid_or_none(old), oid_or_none(new))
                    else {
                        return cache.emptied();
                    };
                    r.changes.push((unescape(path), old, new));
                }
                _ => {
                    return cache.emptied();
                }
            }
        }
        if let Some((o, r)) = current {
            cache.records.insert(o, r);
        }
        cache
    }

    /// A cache that could not be read: nothing known.
    fn emptied(self) -> WalkCache {
        WalkCache {
            records: HashMap::new(),
            ..self
        }
    }

    /// Writes the records of `commits` (in order), replacing the file.
    pub fn store<'a>(&self, commits: impl Iterator<Item = (Oid, &'a Record)>) {
        let mut text = format!("mkt-history 1 {}\n", self.key);
        for (oid, r) in commits {
            let parents: Vec<String> = r.parents.iter().map(Oid::to_string).collect();
            text.push_str(&format!(
                "C\t{oid}\t{}\t{}\t{}\t{}\n",
                r.time.timestamp(),
                r.time.offset().local_minus_utc() / 60,
                u8::from(r.other),
                parents.join(",")
            ));
            for (path, old, new) in &r.changes {
                let show = |o: &Option<Oid>| o.map_or("-".to_string(), |o| o.to_string());
                text.push_str(&format!(
                    "P\t{}\t{}\t{}\n",
                    escape(path),
                    show(old),
                    show(new)
                ));
            }
        }
        // A cache that cannot be written is only a slower next run.
        let _ = crate::fsutil::write_atomic(&self.file, text.as_bytes());
    }
}
