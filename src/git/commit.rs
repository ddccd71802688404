//! Plain (unsigned) commits of files already in the work tree: used by
//! `mkt init` and to build the example department's history.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use git2::{Repository, Signature, Time};

/// Who and when, for a commit.
pub struct Identity<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub at: Option<DateTime<FixedOffset>>,
}

impl Identity<'_> {
    fn signature(&self) -> Result<Signature<'static>, git2::Error> {
        match self.at {
            Some(at) => Signature::new(
                self.name,
                self.email,
                &Time::new(at.timestamp(), at.offset().local_minus_utc() / 60),
            ),
            None => Signature::now(self.name, self.email),
        }
        .map(|s| s.to_owned())
    }
}

/// Adds `paths` (relative to the work tree) to the index and commits them on
/// top of HEAD (or as the root commit). Returns the new commit's id.
pub fn commit_paths(
    repo: &Repository,
    paths: &[&str],
    message: &str,
    who: &Identity,
) -> Result<git2::Oid, git2::Error> {
    let mut index = repo.index()?;
    // Another handle (an approval commit) may have written the index since.
    index.read(true)?;
    for p in paths {
        index.add_path(Path::new(p))?;
    }
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    let sig = who.signature()?;
    let parent = match repo.head() {
        Ok(h) => Some(h.peel_to_commit()?),
        Err(_) => None,
    };
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
}

/// The user's git identity, or mkt's own when git has none configured.
pub fn configured_identity(repo: &Repository) -> (String, String) {
    match repo.signature() {
        Ok(s) => (
            s.name().unwrap_or("mkt").to_string(),
            s.email().unwrap_or("mkt@localhost").to_string(),
        ),
        Err(_) => ("mkt".to_string(), "mkt@localhost".to_string()),
    }
}
