//! Reading history once. Trees are compared by object id, descending only
//! into folders that changed, so a commit costs what it touched — not the
//! size of the repository — and no diff machinery or process is involved.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, TimeZone};
use git2::{ObjectType, Oid, Repository, Sort, Tree};

/// When each wanted path was first added, by the commit time of the commit
/// that added it, over the history of HEAD. An unborn HEAD gives nothing.
pub fn first_added(
    repo: &Repository,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<HashMap<String, DateTime<FixedOffset>>, git2::Error> {
    let mut out = HashMap::new();
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
    for oid in walk {
        let commit = repo.find_commit(oid?)?;
        let tree = commit.tree()?;
        let parent_tree = match commit.parents().next() {
            Some(p) => Some(p.tree()?),
            None => None,
        };
        let time = commit_time(&commit);
        let mut added = Vec::new();
        added_paths(repo, parent_tree.as_ref(), &tree, "", wanted, &mut added)?;
        for path in added {
            out.entry(path).or_insert(time);
        }
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
/// non-blob), limited to those `wanted` accepts. Subtrees with the same id in
/// both are skipped.
fn added_paths(
    repo: &Repository,
    old: Option<&Tree>,
    new: &Tree,
    prefix: &str,
    wanted: &dyn Fn(&str) -> bool,
    out: &mut Vec<String>,
) -> Result<(), git2::Error> {
    for entry in new.iter() {
        let Ok(name) = entry.name() else { continue };
        let path = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}/{name}")
        };
        let before: Option<(Oid, Option<ObjectType>)> = old
            .and_then(|t| t.get_name(name))
            .map(|e| (e.id(), e.kind()));
        if before.map(|b| b.0) == Some(entry.id()) {
            continue;
        }
        match entry.kind() {
            Some(ObjectType::Tree) => {
                let sub = repo.find_tree(entry.id())?;
                let old_sub = match before {
                    Some((id, Some(ObjectType::Tree))) => Some(repo.find_tree(id)?),
                    _ => None,
                };
                added_paths(repo, old_sub.as_ref(), &sub, &path, wanted, out)?;
            }
            Some(ObjectType::Blob) => {
                let was_blob = matches!(before, Some((_, Some(ObjectType::Blob))));
                if !was_blob && wanted(&path) {
                    out.push(path);
                }
            }
            _ => {}
        }
    }
    Ok(())
}
