//! `mkt team`: the roster for other tools.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use crate::approvals::Roster;
use crate::model::Key;
use crate::view::View;

/// Every SSH key that ever counted on HEAD's first-parent line, as a git
/// allowed_signers file: one line per key and stretch of time it was in the
/// signed roster, with git's `valid-after` / `valid-before` set to that
/// stretch (narrowed by the key's own `valid_from` / `valid_until`), so
/// that `git log --show-signature` judges each historical approval by the
/// roster of its time, as `mkt verify` does. Read from the verified roster
/// history, never from the work tree: an unsigned edit of team.toml adds
/// nothing here.
pub fn allowed_signers(view: &View) -> AllowedSigners {
    let history = &view.repo.history;
    let roster = &view.verification.roster;
    let zone = view.policy.zone();
    let line = history.first_parent_line(&view.verification.index);

    // Each key entry's stretches on the line: from the commit whose roster
    // added it (none: from the start) to the one whose roster dropped it.
    type Stretch = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);
    let mut stretches: BTreeMap<Entry, Vec<Stretch>> = BTreeMap::new();
    let mut open: BTreeMap<Entry, Option<DateTime<Utc>>> = BTreeMap::new();
    let mut skipped = Vec::new();
    let mut current: Option<usize> = None;
    for c in line {
        let v = roster.at_commit[c];
        if current == Some(v) {
            continue;
        }
        let at = (current.is_some()).then(|| history.commits[c].time.with_timezone(&Utc));
        let now = entries(&roster.versions[v], &mut skipped);
        for (e, start) in std::mem::take(&mut open) {
            if now.contains(&e) {
                open.insert(e, start);
            } else {
                stretches.entry(e).or_default().push((start, at));
            }
        }
        for e in now {
            open.entry(e).or_insert(at);
        }
        current = Some(v);
    }
    for (e, start) in open {
        stretches.entry(e).or_default().push((start, None));
    }

    let mut text = String::new();
    for (e, list) in &stretches {
        for &(start, end) in list {
            let from = latest(start, e.valid_from.map(|d| start_of(d, zone)));
            let until = earliest(end, e.valid_until.map(|d| start_of(d, zone)));
            if let (Some(f), Some(u)) = (from, until)
                && f >= u
            {
                continue; // never valid in this stretch
            }
            let mut opts = vec!["namespaces=\"git\"".to_string()];
            if let Some(f) = from {
                opts.push(format!("valid-after=\"{}\"", f.format("%Y%m%d%H%M%SZ")));
            }
            if let Some(u) = until {
                opts.push(format!("valid-before=\"{}\"", u.format("%Y%m%d%H%M%SZ")));
            }
            text.push_str(&format!("{} {} {}\n", e.principal, opts.join(","), e.key));
        }
    }
    skipped.sort();
    skipped.dedup();
    AllowedSigners { text, skipped }
}

/// The file, and the people left out because their email and id are not
/// safe as a principal.
pub struct AllowedSigners {
    pub text: String,
    pub skipped: Vec<String>,
}

/// One key line: who, which key (re-encoded from the parsed key, so no
/// comment or stray character of the roster reaches the file), its dates.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    principal: String,
    key: String,
    valid_from: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
}

fn entries(r: &Roster, skipped: &mut Vec<String>) -> Vec<Entry> {
    let mut out = Vec::new();
    for p in &r.team.people {
        let Some(principal) = [p.email.as_str(), p.id.as_str()]
            .into_iter()
            .find(|s| safe_principal(s))
        else {
            skipped.push(p.id.clone());
            continue;
        };
        for k in &p.keys {
            if let Some(key) = ssh_line(k) {
                out.push(Entry {
                    principal: principal.to_string(),
                    key,
                    valid_from: k.valid_from.map(|d| d.0),
                    valid_until: k.valid_until.map(|d| d.0),
                });
            }
        }
    }
    out
}

/// A key as `type base64`, when it parses and is not weak.
fn ssh_line(k: &Key) -> Option<String> {
    let pk = ssh_key::PublicKey::from_openssh(k.ssh()?.trim()).ok()?;
    if crate::git::ssh_key_is_weak(k.ssh()?) {
        return None;
    }
    let mut pk = pk;
    pk.set_comment("");
    pk.to_openssh().ok().map(|s| s.trim().to_string())
}

/// Whether a principal can stand in allowed_signers as it is: no space,
/// quote, comma, newline or pattern character (`*`, `?`, `!`) that would
/// split the line or match other names.
pub fn safe_principal(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '@'))
}

/// The first moment of a day in the policy's zone.
fn start_of(day: NaiveDate, zone: chrono::FixedOffset) -> DateTime<Utc> {
    zone.from_local_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("a fixed offset has no gaps")
        .with_timezone(&Utc)
}

fn latest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    a.max(b)
}

fn earliest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
