//! What has been sent, so each item goes out once a day at most and each
//! approval event once: `.git/mkt/notify` (or `--state PATH`, a file a CI
//! cache keeps), JSON, written whole after each channel.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_i18n::t;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How long a sent mark is kept: an event's, so it is not sent again
/// after a rerun; an item's matters on its day only.
const KEEP_DAYS: i64 = 90;

#[derive(Debug)]
pub struct Sent {
    path: PathBuf,
    file: File,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    version: u32,
    /// `channel \t recipient \t what` → the day it was last sent.
    sent: BTreeMap<String, NaiveDate>,
}

impl Sent {
    /// The marks at `path`; none when the file is not there yet.
    pub fn load(path: &Path) -> Result<Sent> {
        let file = match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                Error::user(t!(
                    "notify.state.unreadable",
                    file = path.display(),
                    why = e.to_string()
                ))
                .hint(t!("notify.state.unreadable_help", file = path.display()))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => File {
                version: 1,
                sent: BTreeMap::new(),
            },
            Err(e) => return Err(Error::io(path, e)),
        };
        Ok(Sent {
            path: path.to_path_buf(),
            file,
        })
    }

    pub fn key(channel: &str, recipient: &str, what: &str) -> String {
        format!("{channel}\t{recipient}\t{what}")
    }

    /// The last day this went out, if it did.
    pub fn last(&self, key: &str) -> Option<NaiveDate> {
        self.file.sent.get(key).copied()
    }

    pub fn record(&mut self, key: String, day: NaiveDate) {
        self.file.sent.insert(key, day);
    }

    /// Writes the marks (temp file + rename), those older than 90 days
    /// before `today` dropped.
    pub fn save(&mut self, today: NaiveDate) -> Result<()> {
        let oldest = today - chrono::Duration::days(KEEP_DAYS);
        self.file.sent.retain(|_, d| *d >= oldest);
        self.file.version = 1;
        let text = serde_json::to_string_pretty(&self.file)
            .map_err(|e| Error::internal(format!("notify state as JSON: {e}")))?;
        crate::fsutil::write_atomic(&self.path, format!("{text}\n").as_bytes())
    }
}
