//! The roster that applies to each commit (SPEC 5). team.toml is the root
//! of trust: the starting roster is the one at the trust root; a later
//! change counts only in a commit signed by an admin of the roster as it
//! stood in that commit's parent. A key counts from the roster change that
//! added it, and stops with the one that removed it.

use std::collections::HashMap;

use crate::git::Oid;
use chrono::NaiveDate;
use ssh_key::{HashAlg, PublicKey};

use super::sigs::SigOutcome;
use crate::git::{SignerKey, Walk};
use crate::model::{Key, Team};

/// A roster version and a lookup from key fingerprint to (person, key).
#[derive(Debug, Default)]
pub struct Roster {
    pub team: Team,
    pub blob: Option<Oid>,
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
        Roster { team, blob, keys }
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
}

impl Ancestry {
    /// `walk` lists parents before children; `trust` indexes the trust root.
    pub fn of(walk: &Walk, index: &HashMap<Oid, usize>, trust: usize) -> Ancestry {
        let n = walk.commits.len();
        let mut a = Ancestry {
            descends: vec![false; n],
            before_trust: vec![false; n],
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
        let v = walk.commits[commit]
            .parents
            .first()
            .and_then(|p| index.get(p))
            .map_or(0, |&i| self.at_commit[i]);
        &self.versions[v]
    }

    pub fn at_head(&self) -> &Roster {
        &self.versions[self.at_commit.last().copied().unwrap_or(0)]
    }
}

/// Works out the roster at every commit. Changes in the trust root and its
/// ancestors count as they are; a commit that does not descend from the
/// trust root (another parentless history merged in) has no roster, so
/// nothing it brings counts.
pub fn build(
    repo: &crate::git::Repository,
    walk: &Walk,
    index: &HashMap<Oid, usize>,
    ancestry: &Ancestry,
    sigs: &HashMap<Oid, SigOutcome>,
    day_of: impl Fn(usize) -> NaiveDate,
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
        let parent_versions: Vec<usize> = meta
            .parents
            .iter()
            .filter_map(|p| index.get(p))
            .map(|&i| h.at_commit[i])
            .collect();
        let base = parent_versions.first().copied().unwrap_or(0);
        let Some(new_blob) = team_changes.get(&k) else {
            h.at_commit.push(base);
            continue;
        };
        // A merge bringing a roster that already counted on its other side.
        if let Some(&v) = parent_versions
            .iter()
            .find(|&&v| h.versions[v].blob == *new_blob)
        {
            h.at_commit.push(v);
            continue;
        }
        let team = match new_blob {
            None => Ok(Team::default()),
            Some(b) => repo
                .find_blob(*b)
                .ok()
                .and_then(|blob| std::str::from_utf8(blob.content()).ok().map(str::to_string))
                .ok_or_else(|| "team.toml is not readable text".to_string())
                .and_then(|t| {
                    toml::from_str::<Team>(&t)
                        .map_err(|e| format!("team.toml does not parse: {}", e.message()))
                }),
        };
        let as_is = ancestry.before_trust[k];
        let mut change = RosterChange {
            commit: k,
            accepted: false,
            signer: None,
            key: None,
            problem: None,
            at_trust_root: as_is,
        };
        if !as_is && !ancestry.descends[k] {
            change.problem = Some(
                "it is in a history that does not start at the trust root (another root commit merged in)".into(),
            );
            h.at_commit.push(base);
            h.changes.push(change);
            continue;
        }
        // While the roster has no admin (a new repository), the first admins
        // sign the roster that names them: nobody else could.
        let bootstrap = match &team {
            Ok(t)
                if !h.versions[base]
                    .team
                    .people
                    .iter()
                    .any(|p| p.has_role("admin")) =>
            {
                Some(Roster::new(t.clone(), *new_blob))
            }
            _ => None,
        };
        let verdict: Result<(), String> = if as_is {
            Ok(())
        } else {
            let before = bootstrap.as_ref().unwrap_or(&h.versions[base]);
            match sigs.get(&meta.oid) {
                Some(SigOutcome::Good(key)) => {
                    change.key = Some(key.fingerprint());
                    match before.owner_of(key) {
                        Some((p, entry)) => {
                            change.signer = Some(p.id.clone());
                            if !p.has_role("admin") {
                                Err(format!("signed by {}, who is not an admin", p.id))
                            } else if !key_valid_on(entry, day_of(k)) {
                                Err(format!(
                                    "signed by {} with a key outside its validity dates",
                                    p.id
                                ))
                            } else {
                                Ok(())
                            }
                        }
                        None => Err("signed with a key that is not in the roster".to_string()),
                    }
                }
                Some(SigOutcome::Unsigned) | None => Err("not signed".to_string()),
                Some(SigOutcome::Bad(why)) => Err(why.clone()),
            }
        };
        match (verdict, team) {
            (Ok(()), Ok(team)) => {
                change.accepted = true;
                h.versions.push(Roster::new(team, *new_blob));
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
