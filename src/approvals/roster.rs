//! The roster that applies to each commit (SPEC 5). team.toml is the root
//! of trust: the starting roster is the one at the trust root; a later
//! change counts only in a commit signed by an admin of the roster as it
//! stood in that commit's parent. A key counts from the roster change that
//! added it, and stops with the one that removed it.

use rust_i18n::t;
use std::collections::HashMap;

use crate::git::Oid;
use chrono::NaiveDate;
use ssh_key::{HashAlg, PublicKey};

use super::lineage;
use super::sigs::SigOutcome;
use crate::git::{SignerKey, Walk};
use crate::model::{Key, Team};

/// Why a merge's roster from an older branch does not count.
const STALE_BRANCH: &str = "it brings a roster made without the main line's own changes to team.toml; merge the main line into the branch first, and have an admin sign the roster the merge makes";

/// A roster version and a lookup from key fingerprint to (person, key).
#[derive(Debug, Default)]
pub struct Roster {
    pub team: Team,
    pub blob: Option<Oid>,
    /// The version this one was made from (`RosterHistory::versions`).
    pub derived_from: Option<usize>,
    /// Who signed the change that made it: person id and key fingerprint
    /// (none for the trust root's roster).
    pub signed_by: Option<(String, String)>,
    keys: HashMap<String, (usize, usize)>,
}

impl Roster {
    pub fn new(team: Team, blob: Option<Oid>) -> Roster {
        let mut keys = HashMap::new();
        for (pi, p) in team.people.iter().enumerate() {
            for (ki, k) in p.keys.iter().enumerate() {
                // A weak key is a roster finding (F002) and never signs.
                if k.ssh().is_some_and(crate::git::ssh_key_is_weak) {
                    continue;
                }
                if let Some(fp) = key_fingerprint(k) {
                    keys.insert(fp, (pi, ki));
                }
            }
        }
        Roster {
            team,
            blob,
            keys,
            ..Roster::default()
        }
    }

    /// Whether `person` is an admin here and `fingerprint` one of their
    /// keys, valid on `day`.
    fn admin_key(&self, person: &str, fingerprint: &str, day: NaiveDate) -> bool {
        self.keys.get(fingerprint).is_some_and(|&(pi, ki)| {
            let p = &self.team.people[pi];
            p.id == person && p.has_role("admin") && key_valid_on(&p.keys[ki], day)
        })
    }

    /// The people who hold a role in this roster, in roster order.
    pub fn holders<'a>(
        &'a self,
        role: &'a str,
    ) -> impl Iterator<Item = &'a crate::model::Person> + 'a {
        self.team.people.iter().filter(move |p| p.has_role(role))
    }

    /// The person and key entry a signing key belongs to.
    pub fn owner_of(&self, key: &SignerKey) -> Option<(&crate::model::Person, &Key)> {
        let (pi, ki) = *self.keys.get(&signer_fingerprint(key))?;
        let p = &self.team.people[pi];
        Some((p, &p.keys[ki]))
    }
}

/// A roster key's fingerprint in the form `SignerKey::fingerprint` gives.
pub fn key_fingerprint(k: &Key) -> Option<String> {
    match &k.public {
        crate::model::PublicKey::Ssh(s) => PublicKey::from_openssh(s.trim())
            .ok()
            .map(|pk| pk.fingerprint(HashAlg::Sha256).to_string()),
        crate::model::PublicKey::OpenPgp(f) => Some(normalize_pgp(f)),
    }
}

pub fn normalize_pgp(f: &str) -> String {
    f.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

fn signer_fingerprint(key: &SignerKey) -> String {
    match key {
        SignerKey::Ssh(_) => key.fingerprint(),
        SignerKey::OpenPgp(f) => normalize_pgp(f),
    }
}

/// Whether a key was valid on a date (its `valid_from`/`valid_until`).
pub fn key_valid_on(k: &Key, day: NaiveDate) -> bool {
    k.valid_from.is_none_or(|f| f.0 <= day) && k.valid_until.is_none_or(|u| day < u.0)
}

/// A change of team.toml in history, and whether it counted.
#[derive(Debug, Clone)]
pub struct RosterChange {
    pub commit: usize,
    pub accepted: bool,
    /// Who signed it (person id), when known.
    pub signer: Option<String>,
    pub key: Option<String>,
    /// Why it did not count.
    pub problem: Option<String>,
    /// The trust root or one of its ancestors: counted as it is.
    pub at_trust_root: bool,
}

/// Where each commit stands to the trust root, by ancestry (never by walk
/// position or date).
#[derive(Debug, Default, Clone)]
pub struct Ancestry {
    /// The trust root is this commit or one of its ancestors: the roster
    /// history that leads here starts at the trust root.
    pub descends: Vec<bool>,
    /// This commit is the trust root or one of its ancestors: its roster
    /// counts as it is.
    pub before_trust: Vec<bool>,
    /// For a commit off HEAD's first-parent line, the merge on that line
    /// that brought it in; none for the line's own commits.
    pub landed_by: Vec<Option<usize>>,
}

impl Ancestry {
    /// `walk` lists parents before children; `trust` indexes the trust root.
    pub fn of(walk: &Walk, index: &HashMap<Oid, usize>, trust: usize) -> Ancestry {
        let n = walk.commits.len();
        let mut a = Ancestry {
            descends: vec![false; n],
            before_trust: vec![false; n],
            landed_by: landed_by(walk, index),
        };
        if trust >= n {
            return a;
        }
        a.before_trust[trust] = true;
        for k in (0..=trust).rev() {
            if a.before_trust[k] {
                for p in &walk.commits[k].parents {
                    if let Some(&i) = index.get(p) {
                        a.before_trust[i] = true;
                    }
                }
            }
        }
        for k in 0..n {
            a.descends[k] = k == trust
                || walk.commits[k]
                    .parents
                    .iter()
                    .filter_map(|p| index.get(p))
                    .any(|&i| a.descends[i]);
        }
        a
    }
}

/// Which merge on HEAD's first-parent line brought each commit in. The line
/// is followed from its root up; each merge claims what its other parents
/// reach that the line did not already have, so every commit is visited
/// once.
fn landed_by(walk: &Walk, index: &HashMap<Oid, usize>) -> Vec<Option<usize>> {
    let n = walk.commits.len();
    let mut landed = vec![None; n];
    let mut seen = vec![false; n];
    for c in walk.first_parent_line(index) {
        seen[c] = true;
        let mut todo: Vec<usize> = walk.commits[c]
            .parents
            .iter()
            .skip(1)
            .filter_map(|p| index.get(p).copied())
            .collect();
        while let Some(x) = todo.pop() {
            if std::mem::replace(&mut seen[x], true) {
                continue;
            }
            landed[x] = Some(c);
            todo.extend(walk.commits[x].parents.iter().filter_map(|p| index.get(p)));
        }
    }
    landed
}

#[derive(Debug, Default)]
pub struct RosterHistory {
    pub versions: Vec<Roster>,
    /// The roster version that holds at each commit (after it).
    pub at_commit: Vec<usize>,
    pub changes: Vec<RosterChange>,
}

impl RosterHistory {
    /// The roster that applies to a commit: the one of its first parent.
    pub fn before(&self, walk: &Walk, index: &HashMap<Oid, usize>, commit: usize) -> &Roster {
        &self.versions[lineage::before(&walk.commits[commit], index, &self.at_commit)]
    }

    /// The roster in force after a commit.
    pub fn after(&self, commit: usize) -> &Roster {
        &self.versions[self.at_commit[commit]]
    }

    /// Whether `ancestor` is `v` or a version `v` was made from.
    fn derives(&self, v: usize, ancestor: usize) -> bool {
        lineage::derives(|k| self.versions[k].derived_from, v, ancestor)
    }

    /// Why the roster changes that made `v` out of `base` do not count on
    /// the line of `base`: each must be signed by someone who is an admin
    /// there too, so an admin removed on the main line cannot come back
    /// through an old branch.
    fn foreign_changes(&self, v: usize, base: usize, day: NaiveDate) -> Option<String> {
        if !self.derives(v, base) {
            return Some(STALE_BRANCH.into());
        }
        let mut k = v;
        while k != base {
            let r = &self.versions[k];
            if let Some((person, fpr)) = &r.signed_by
                && !self.versions[base].admin_key(person, fpr, day)
            {
                return Some(format!(
                    "it brings a roster change signed by {person}, who is not an admin (with that key) on the main line"
                ));
            }
            k = r.derived_from.unwrap_or(base);
        }
        None
    }

    /// The roster in force after a merge whose parents' rosters are
    /// `parents` (the first parent's first) and whose team.toml is `file`
    /// (none: the first parent's), with the finding to report, if any.
    /// None: the merge's team.toml is no parent's roster, a change of its
    /// own that the merge commit must sign.
    fn merged(
        &self,
        parents: &[usize],
        file: Option<&Option<Oid>>,
        day: NaiveDate,
    ) -> Option<(usize, Option<String>)> {
        let base = parents[0];
        let v = match file {
            None => base,
            Some(blob) => *parents.iter().find(|&&v| self.versions[v].blob == *blob)?,
        };
        // The newest side: the roster every other parent's was made into.
        let newest = parents
            .iter()
            .copied()
            .find(|&n| parents.iter().all(|&p| self.derives(n, p)));
        Some(match newest {
            Some(n) => match self.foreign_changes(n, base, day) {
                Some(why) => (base, Some(why)),
                None if n == v => (v, None),
                None => (
                    n,
                    Some("its team.toml leaves out a roster change that counted on the other side; that change stays in force, and an admin signs the roster the merge should have".into()),
                ),
            },
            None if v == base => (
                base,
                Some("its team.toml leaves out the other side's roster changes, which therefore do not count; an admin signs the roster the merge should have".into()),
            ),
            None => (
                base,
                Some(STALE_BRANCH.into()),
            ),
        })
    }

    pub fn at_head(&self) -> &Roster {
        &self.versions[self.at_commit.last().copied().unwrap_or(0)]
    }
}

/// Works out the roster at every commit. Changes in the trust root and its
/// ancestors count as they are; a commit that does not descend from the
/// trust root (another parentless history merged in) has no roster, so
/// nothing it brings counts. `self_delegation` says at which commits a
/// person's own delegation (职务代理) counts without an admin's signature.
#[allow(clippy::too_many_arguments)]
pub fn build(
    repo: &crate::git::Repository,
    walk: &Walk,
    index: &HashMap<Oid, usize>,
    ancestry: &Ancestry,
    sigs: &HashMap<Oid, SigOutcome>,
    day_of: impl Fn(usize) -> NaiveDate,
    cap: usize,
    self_delegation: &dyn Fn(usize) -> bool,
) -> RosterHistory {
    let mut h = RosterHistory {
        versions: vec![Roster::default()],
        ..RosterHistory::default()
    };
    let team_changes: HashMap<usize, Option<Oid>> = walk
        .changes
        .iter()
        .filter(|c| c.path == "team.toml")
        .map(|c| (c.commit, c.new))
        .collect();
    for (k, meta) in walk.commits.iter().enumerate() {
        let parent_versions = lineage::parent_versions(meta, index, &h.at_commit);
        let base = parent_versions.first().copied().unwrap_or(0);
        let as_is = ancestry.before_trust[k];
        if parent_versions.len() > 1
            && !as_is
            && ancestry.descends[k]
            && let Some((keep, problem)) =
                h.merged(&parent_versions, team_changes.get(&k), day_of(k))
        {
            h.at_commit.push(keep);
            if let Some(why) = problem {
                h.changes.push(RosterChange {
                    commit: k,
                    accepted: false,
                    signer: None,
                    key: None,
                    problem: Some(why),
                    at_trust_root: false,
                });
            }
            continue;
        }
        let Some(new_blob) = team_changes.get(&k) else {
            h.at_commit.push(base);
            continue;
        };
        // Before the trust root: a merge bringing a roster that already
        // counted on its other side.
        if let Some(&v) = parent_versions
            .iter()
            .find(|&&v| h.versions[v].blob == *new_blob)
        {
            h.at_commit.push(v);
            continue;
        }
        let mut change = RosterChange {
            commit: k,
            accepted: false,
            signer: None,
            key: None,
            problem: None,
            at_trust_root: as_is,
        };
        if !as_is && !ancestry.descends[k] {
            change.problem = Some(t!("verdict.not_from_trust_root_merged").into_owned());
            h.at_commit.push(base);
            h.changes.push(change);
            continue;
        }
        // The signature is judged before the file is read: an unsigned
        // roster, however large, costs nothing.
        let signed = match sigs.get(&meta.oid) {
            _ if as_is => Ok(None),
            Some(SigOutcome::Good(key)) => Ok(Some(key)),
            Some(SigOutcome::Unsigned) | None => Err(t!("verdict.not_signed").into_owned()),
            Some(SigOutcome::Bad(why)) => Err(why.clone()),
        };
        // While the roster has no admin (a new repository), the first admins
        // sign the roster that names them: nobody else could.
        let bootstrap = !h.versions[base]
            .team
            .people
            .iter()
            .any(|p| p.has_role("admin"));
        let mut team = None;
        let verdict: Result<(), String> = match signed {
            Err(why) => Err(why),
            Ok(None) => Ok(()),
            Ok(Some(key)) => {
                change.key = Some(key.fingerprint());
                let own;
                let before = if bootstrap {
                    let t = read_team(repo, *new_blob, cap);
                    own = t.as_ref().ok().map(|t| Roster::new(t.clone(), *new_blob));
                    team = Some(t);
                    own.as_ref().unwrap_or(&h.versions[base])
                } else {
                    &h.versions[base]
                };
                match before.owner_of(key) {
                    Some((p, entry)) => {
                        change.signer = Some(p.id.clone());
                        // A person naming their own deputy, where the
                        // policy in force allows it: the change adds
                        // delegations of their own roles and nothing else.
                        let own_delegation = !p.has_role("admin")
                            && self_delegation(k)
                            && only_own_delegations(repo, before.blob, *new_blob, &p.id, cap);
                        if !p.has_role("admin") && !own_delegation {
                            Err(t!("verdict.not_admin", id = p.id).into_owned())
                        } else if !key_valid_on(entry, day_of(k)) {
                            Err(t!("verdict.key_outside_dates", id = p.id).into_owned())
                        } else {
                            Ok(())
                        }
                    }
                    None => Err(t!("verdict.key_not_in_roster").into_owned()),
                }
            }
        };
        let team = match &verdict {
            Ok(()) => team.unwrap_or_else(|| read_team(repo, *new_blob, cap)),
            Err(_) => Ok(Team::default()),
        };
        match (verdict, team) {
            (Ok(()), Ok(team)) => {
                change.accepted = true;
                let mut r = Roster::new(team, *new_blob);
                r.derived_from = Some(base);
                r.signed_by = change.signer.clone().zip(change.key.clone());
                h.versions.push(r);
                h.at_commit.push(h.versions.len() - 1);
            }
            (Err(why), _) | (Ok(()), Err(why)) => {
                change.problem = Some(why);
                h.at_commit.push(base);
            }
        }
        h.changes.push(change);
    }
    h
}

/// A roster version from history (none: team.toml removed), read only when
/// it is at most `cap` bytes (the policy's `max_file_bytes`, as for every
/// record in the work tree).
fn read_team(repo: &crate::git::Repository, blob: Option<Oid>, cap: usize) -> Result<Team, String> {
    let Some(blob) = blob else {
        return Ok(Team::default());
    };
    let text = crate::git::blob_text(repo, blob, cap).map_err(|e| match e {
        crate::git::BlobText::TooLarge(n) => {
            t!("verdict.too_big", file = "team.toml", n = n, cap = cap).into_owned()
        }
        _ => t!("verdict.not_text", file = "team.toml").into_owned(),
    })?;
    toml::from_str::<Team>(&text)
        .map_err(|e| t!("verdict.team_does_not_parse", why = e.message()).into_owned())
}

/// Whether roster `new` is `old` with delegations added whose person is
/// `id`, and nothing else changed (what a person may sign for themself when
/// `[governance] self_delegation` allows it).
fn only_own_delegations(
    repo: &crate::git::Repository,
    old: Option<Oid>,
    new: Option<Oid>,
    id: &str,
    cap: usize,
) -> bool {
    let table = |blob: Option<Oid>| -> Option<toml::Table> {
        match blob {
            None => Some(toml::Table::new()),
            Some(b) => toml::from_str(&crate::git::blob_text(repo, b, cap).ok()?).ok(),
        }
    };
    let (Some(mut was), Some(mut now)) = (table(old), table(new)) else {
        return false;
    };
    let delegations = |t: &mut toml::Table| -> Option<Vec<crate::model::Delegation>> {
        match t.remove("delegations") {
            None => Some(Vec::new()),
            Some(v) => v.try_into().ok(),
        }
    };
    let (Some(before), Some(after)) = (delegations(&mut was), delegations(&mut now)) else {
        return false;
    };
    was == now
        && after.len() > before.len()
        && after[..before.len()] == before[..]
        && after[before.len()..].iter().all(|d| d.person == id)
}
