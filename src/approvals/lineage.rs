//! What the roster and the policy histories share: each is a list of
//! versions that counted, each made from an earlier one, and the version in
//! force after every commit of the walk.

use std::collections::HashMap;

use crate::git::{CommitMeta, Oid};

/// The versions in force after each of a commit's parents (first parent
/// first), given the versions in force after the commits before it.
pub fn parent_versions(
    meta: &CommitMeta,
    index: &HashMap<Oid, usize>,
    at_commit: &[usize],
) -> Vec<usize> {
    meta.parents
        .iter()
        .filter_map(|p| index.get(p))
        .map(|&i| at_commit[i])
        .collect()
}

/// The version in force for a commit: its first parent's (the first
/// version, for a root commit).
pub fn before(meta: &CommitMeta, index: &HashMap<Oid, usize>, at_commit: &[usize]) -> usize {
    meta.parents
        .first()
        .and_then(|p| index.get(p))
        .map_or(0, |&i| at_commit[i])
}

/// Whether `ancestor` is `v` or a version `v` was made from, following
/// `derived_from`.
pub fn derives(
    derived_from: impl Fn(usize) -> Option<usize>,
    mut v: usize,
    ancestor: usize,
) -> bool {
    loop {
        if v == ancestor {
            return true;
        }
        match derived_from(v) {
            Some(d) => v = d,
            None => return false,
        }
    }
}
