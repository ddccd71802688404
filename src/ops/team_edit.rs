//! `mkt team add|remove|role|key|list`: the roster without editing TOML.
//! Each change is refused before anything is written unless the person
//! running it is an admin of the signed roster at HEAD with a key valid
//! today, team.toml is as HEAD has it, and HEAD's team.toml is the roster
//! that counts. Then team.toml is changed keeping its comments
//! (`RosterDoc`) and committed alone, signed by that admin.
//!
//! A key is revoked by taking it out of the roster: a key counts from the
//! roster change that added it to the one that removed it, and an
//! approval is judged by the roster before its commit, so approvals made
//! before the revocation stay valid, and any made after it (on the main
//! line, or merged in from an older branch) find no key. A revoked key is
//! never taken back.

use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_i18n::t;
use serde::Serialize;

use crate::approvals::{self, key_fingerprint, key_valid_on, normalize_pgp};
use crate::error::{Error, Result};
use crate::git::{self, Identity};
use crate::model::keyboard::{self, Vocab};
use crate::model::{Key, Lookup, Person, PublicKey, Team};
use crate::ops::roster_edit::{NewKey, NewPerson, RosterDoc, check_email, check_name};
use crate::repo::Repo;
use crate::view::View;

/// Where a new key comes from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// An OpenSSH public key file (`id_ed25519.pub`).
    File(String),
    /// A key the ssh-agent holds (`ssh-add -L`), picked by its comment or
    /// fingerprint; none: the agent's only key.
    Agent(Option<String>),
    /// An OpenPGP fingerprint.
    Gpg(String),
}

/// One change to the roster.
#[derive(Debug, Clone)]
pub enum Change {
    Add {
        person: NewPerson,
        key: Option<KeySource>,
    },
    Remove {
        who: String,
    },
    RoleAdd {
        who: String,
        role: String,
    },
    RoleRemove {
        who: String,
        role: String,
    },
    KeyAdd {
        who: String,
        key: KeySource,
    },
    /// A new key from today in place of the old one (`old`, or the only
    /// one that counts), which is revoked.
    KeyRotate {
        who: String,
        key: KeySource,
        old: Option<String>,
    },
    KeyRevoke {
        who: String,
        old: Option<String>,
    },
}

pub struct EditOptions {
    pub change: Change,
    /// The admin's signing key instead of git's `user.signingkey`.
    pub signing_key: Option<String>,
    pub now: DateTime<FixedOffset>,
}

#[derive(Debug)]
pub struct Edited {
    pub commit: git::Oid,
    /// The commit message's first line.
    pub summary: String,
    pub admin: String,
}

/// A role as a person types it (`专员`, `specialist`), as its id.
pub fn role_id(word: &str) -> Result<&'static str> {
    keyboard::canonical(Vocab::Role, word).ok_or_else(|| {
        let known: Vec<&str> = keyboard::all_names(Vocab::Role).collect();
        Error::user(t!("ops.team_edit.unknown_role", role = word))
            .hint(t!("ops.team_edit.known_roles", roles = known.join(", ")))
    })
}

/// A person of `team` as someone names them (id or name).
pub fn find<'t>(team: &'t Team, who: &str) -> Result<&'t Person> {
    team.find(who).map_err(|e| match e {
        Lookup::Unknown => {
            let names = team
                .people
                .iter()
                .flat_map(|p| [p.id.as_str(), p.name.as_str()]);
            let err = Error::user(t!("ops.team_edit.no_person", who = who));
            match crate::suggest::closest(who, names) {
                Some(k) => err.hint(t!("rules.did_you_mean", name = k)),
                None => err.hint(t!("ops.team_edit.no_person_hint")),
            }
        }
        Lookup::Ambiguous(ids) => Error::user(t!(
            "input.person_ambiguous",
            what = t!("ops.team_edit.person"),
            name = who
        ))
        .hint(t!("input.person_ambiguous_hint", ids = ids.join(", "))),
    })
}

/// Makes the change, committed alone and signed by the admin running it.
pub fn edit(repo: &Repo, opts: &EditOptions) -> Result<Edited> {
    let v = &approvals::verify(repo, repo.trust_root);
    // 1. Who runs it: an admin of the roster that counts, before anything else.
    let (signer, admin) =
        crate::ops::approve::signing_person(repo, v, opts.signing_key.as_deref(), opts.now)?;
    if !admin.has_role("admin") {
        return Err(Error::user(t!("ops.team_edit.not_admin", id = admin.id))
            .hint(t!("ops.team_edit.not_admin_hint")));
    }
    // 2. team.toml as HEAD has it, and HEAD's the roster that counts.
    let at_head = repo.at_head("team.toml");
    if repo.blob_id("team.toml") != at_head || git::index_entry(&repo.git, "team.toml") != at_head {
        return Err(Error::user(t!("ops.team_edit.dirty")).hint(t!("ops.team_edit.dirty_hint")));
    }
    let signed = v.roster.at_head();
    if signed.blob != at_head {
        return Err(Error::user(t!("ops.team_edit.unsigned_at_head"))
            .hint(t!("ops.team_edit.unsigned_at_head_hint")));
    }
    let text = match at_head {
        Some(blob) => git::blob_text(
            &repo.git,
            blob,
            usize::try_from(repo.policy.general.max_file_bytes).unwrap_or(usize::MAX),
        )
        .map_err(|_| Error::user(t!("ops.team_edit.unreadable")))?,
        None => String::new(),
    };
    // 3. The change, on the document.
    let today = repo.policy.day_of(opts.now);
    let team = &signed.team;
    let mut doc = RosterDoc::parse(&text)?;
    let revoked: Revoked = v
        .roster
        .versions
        .iter()
        .flat_map(|r| r.team.people.iter().flat_map(|p| &p.keys))
        .map(|k| describe(&k.public))
        .filter(|d| {
            !team
                .people
                .iter()
                .flat_map(|p| &p.keys)
                .any(|k| describe(&k.public) == *d)
        })
        .collect();
    let summary = apply(&mut doc, team, &revoked, &opts.change, today)?;
    let after = doc.team()?;
    if !has_live_admin(&after, today) {
        return Err(
            Error::user(t!("ops.team_edit.last_admin")).hint(t!("ops.team_edit.last_admin_hint"))
        );
    }
    // 4. One commit, team.toml alone, signed.
    let content = doc.to_string();
    let message = format!("{summary}\n\nMkt-Roster-Change: by {}\n", admin.id);
    let made = git::commit_signed_chain(
        &repo.git,
        &[git::Step {
            files: vec![("team.toml", content.as_bytes())],
            message: &message,
        }],
        &Identity {
            name: &admin.name,
            email: &admin.email,
            at: Some(opts.now),
        },
        &signer,
    )
    .map_err(crate::ops::approve::commit_failed)?;
    Ok(Edited {
        commit: made[0],
        summary,
        admin: admin.id.clone(),
    })
}

/// The keys that were in a signed roster once and are not now.
type Revoked = std::collections::HashSet<String>;

/// Whether someone is an admin with a key that counts today or later.
fn has_live_admin(team: &Team, today: NaiveDate) -> bool {
    team.people
        .iter()
        .filter(|p| p.has_role("admin"))
        .flat_map(|p| &p.keys)
        .any(|k| k.valid_until.is_none_or(|u| today < u.0))
}

/// Applies `change` to `doc` (whose roster is `team`); returns the commit
/// message's first line.
fn apply(
    doc: &mut RosterDoc,
    team: &Team,
    revoked: &Revoked,
    change: &Change,
    today: NaiveDate,
) -> Result<String> {
    let from_today = |public| NewKey {
        public,
        valid_from: Some(today),
        valid_until: None,
    };
    Ok(match change {
        Change::Add { person, key } => {
            check_name(&person.name).map_err(Error::user)?;
            if !person.email.is_empty() {
                check_email(&person.email).map_err(Error::user)?;
            }
            if team.person(&person.id).is_some() {
                return Err(Error::user(t!(
                    "ops.roster_edit.person_exists",
                    id = person.id
                )));
            }
            let mut p = person.clone();
            p.roles = p
                .roles
                .iter()
                .map(|r| role_id(r).map(str::to_string))
                .collect::<Result<_>>()?;
            p.roles.dedup();
            p.group = p
                .group
                .map(|g| keyboard::canonical_or_same(Vocab::Group, &g));
            doc.add_person(&p)?;
            if let Some(source) = key {
                let public = read_key(source)?;
                refuse_known_key(team, revoked, &public)?;
                doc.add_key(&p.id, &from_today(public))?;
            }
            t!("ops.team_edit.msg_add", id = p.id, name = p.name).into_owned()
        }
        Change::Remove { who } => {
            let p = find(team, who)?;
            doc.remove_person(&p.id)?;
            t!("ops.team_edit.msg_remove", id = p.id, name = p.name).into_owned()
        }
        Change::RoleAdd { who, role } => {
            let p = find(team, who)?;
            let role = role_id(role)?;
            if p.has_role(role) {
                return Err(Error::user(t!(
                    "ops.roster_edit.has_role",
                    id = p.id,
                    role = role
                )));
            }
            doc.add_role(&p.id, role)?;
            t!("ops.team_edit.msg_role_add", id = p.id, role = role).into_owned()
        }
        Change::RoleRemove { who, role } => {
            let p = find(team, who)?;
            let role = role_id(role)?;
            doc.remove_role(&p.id, role)?;
            t!("ops.team_edit.msg_role_remove", id = p.id, role = role).into_owned()
        }
        Change::KeyAdd { who, key } => {
            let p = find(team, who)?;
            let public = read_key(key)?;
            refuse_known_key(team, revoked, &public)?;
            doc.add_key(&p.id, &from_today(public.clone()))?;
            t!(
                "ops.team_edit.msg_key_add",
                id = p.id,
                key = describe(&public)
            )
            .into_owned()
        }
        Change::KeyRotate { who, key, old } => {
            let p = find(team, who)?;
            let index = pick_key(p, old.as_deref(), today)?;
            let public = read_key(key)?;
            refuse_known_key(team, revoked, &public)?;
            doc.remove_key(&p.id, index)?;
            doc.add_key(&p.id, &from_today(public.clone()))?;
            t!(
                "ops.team_edit.msg_key_rotate",
                id = p.id,
                old = describe(&p.keys[index].public),
                key = describe(&public)
            )
            .into_owned()
        }
        Change::KeyRevoke { who, old } => {
            let p = find(team, who)?;
            let index = pick_key(p, old.as_deref(), today)?;
            doc.remove_key(&p.id, index)?;
            t!(
                "ops.team_edit.msg_key_revoke",
                id = p.id,
                key = describe(&p.keys[index].public)
            )
            .into_owned()
        }
    })
}

/// A key as a commit message names it: its kind and fingerprint.
fn describe(k: &PublicKey) -> String {
    let key = Key {
        public: k.clone(),
        valid_from: None,
        valid_until: None,
    };
    let fpr = key_fingerprint(&key).unwrap_or_default();
    match k {
        PublicKey::Ssh(_) => format!("ssh {fpr}"),
        PublicKey::OpenPgp(_) => format!("openpgp {fpr}"),
    }
}

/// A key someone in the roster has already is refused: a key is one
/// person's.
fn refuse_known_key(team: &Team, revoked: &Revoked, public: &PublicKey) -> Result<()> {
    let fpr = describe(public);
    if revoked.contains(&fpr) {
        return Err(Error::user(t!("ops.team_edit.key_revoked", key = fpr))
            .hint(t!("ops.team_edit.key_revoked_hint")));
    }
    for p in &team.people {
        if p.keys.iter().any(|k| describe(&k.public) == fpr) {
            return Err(Error::user(t!(
                "ops.team_edit.key_taken",
                key = fpr,
                id = p.id
            )));
        }
    }
    Ok(())
}

/// Which of a person's keys `selector` names (a fingerprint or its
/// beginning, a comment, a `.pub` file); none: their only key that still
/// counts.
fn pick_key(p: &Person, selector: Option<&str>, today: NaiveDate) -> Result<usize> {
    let live: Vec<usize> = (0..p.keys.len())
        .filter(|&i| p.keys[i].valid_until.is_none_or(|u| today < u.0))
        .collect();
    let list = || {
        live.iter()
            .map(|&i| key_label(&p.keys[i]))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let Some(sel) = selector else {
        return match live.as_slice() {
            [one] => Ok(*one),
            [] => Err(Error::user(t!("ops.team_edit.no_live_key", id = p.id))),
            _ => Err(Error::user(t!("ops.team_edit.which_key", id = p.id))
                .hint(t!("ops.team_edit.which_key_hint", keys = list()))),
        };
    };
    let sel = sel.trim();
    let from_file = Path::new(sel)
        .is_file()
        .then(|| read_key(&KeySource::File(sel.to_string())).ok())
        .flatten()
        .map(|k| describe(&k));
    let matches: Vec<usize> = live
        .iter()
        .copied()
        .filter(|&i| {
            let k = &p.keys[i];
            let fpr = key_fingerprint(k).unwrap_or_default();
            let comment = k
                .ssh()
                .and_then(|l| l.split_whitespace().nth(2))
                .unwrap_or("");
            from_file.as_deref() == Some(describe(&k.public).as_str())
                || (sel.len() >= 8
                    && (fpr.starts_with(sel) || fpr.starts_with(&normalize_pgp(sel))))
                || fpr
                    .strip_prefix("SHA256:")
                    .is_some_and(|f| sel.len() >= 8 && f.starts_with(sel))
                || (!comment.is_empty() && comment == sel)
        })
        .collect();
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => Err(
            Error::user(t!("ops.team_edit.key_not_found", id = p.id, key = sel))
                .hint(t!("ops.team_edit.which_key_hint", keys = list())),
        ),
        _ => Err(Error::user(t!("ops.team_edit.which_key", id = p.id))
            .hint(t!("ops.team_edit.which_key_hint", keys = list()))),
    }
}

/// A key as a person picks it: fingerprint and comment.
fn key_label(k: &Key) -> String {
    let comment = k
        .ssh()
        .and_then(|l| l.split_whitespace().nth(2))
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    format!("{}{comment}", key_fingerprint(k).unwrap_or_default())
}

/// The public key a source gives.
fn read_key(source: &KeySource) -> Result<PublicKey> {
    match source {
        KeySource::File(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(Path::new(path), e))?;
            if text.contains("PRIVATE KEY") {
                return Err(Error::user(t!("ops.team_edit.private_key", path = path))
                    .hint(t!("ops.team_edit.private_key_hint", path = path)));
            }
            ssh_line(text.trim())
                .map_err(|why| Error::user(t!("ops.team_edit.not_a_key", path = path, why = why)))
        }
        KeySource::Agent(pick) => agent_key(pick.as_deref()),
        KeySource::Gpg(fpr) => {
            let f = normalize_pgp(fpr);
            let hex = f.chars().all(|c| c.is_ascii_hexdigit());
            if !hex || !(f.len() == 40 || f.len() == 64) {
                return Err(
                    Error::user(t!("ops.team_edit.not_a_fingerprint", fpr = fpr))
                        .hint(t!("ops.team_edit.not_a_fingerprint_hint")),
                );
            }
            Ok(PublicKey::OpenPgp(f))
        }
    }
}

/// One OpenSSH public key line, checked (parses, not weak).
fn ssh_line(line: &str) -> std::result::Result<PublicKey, String> {
    let first = line.lines().next().unwrap_or("").trim();
    ssh_key::PublicKey::from_openssh(first).map_err(|e| e.to_string())?;
    if git::ssh_key_is_weak(first) {
        return Err(t!("ops.team_edit.weak_key").into_owned());
    }
    Ok(PublicKey::Ssh(first.to_string()))
}

/// The key the ssh-agent holds that `pick` names (its comment, or its
/// fingerprint or the beginning of it); none: the agent's only key.
fn agent_key(pick: Option<&str>) -> Result<PublicKey> {
    let out = std::process::Command::new("ssh-add")
        .arg("-L")
        .output()
        .map_err(|e| Error::user(t!("ops.team_edit.no_ssh_add", why = e.to_string())))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let keys: Vec<(String, String, String)> = text
        .lines()
        .filter_map(|l| {
            let pk = ssh_key::PublicKey::from_openssh(l.trim()).ok()?;
            let fpr = pk.fingerprint(ssh_key::HashAlg::Sha256).to_string();
            Some((l.trim().to_string(), fpr, pk.comment().to_string()))
        })
        .collect();
    if keys.is_empty() {
        return Err(
            Error::user(t!("ops.team_edit.agent_empty")).hint(t!("ops.team_edit.agent_empty_hint"))
        );
    }
    let listed = || {
        keys.iter()
            .map(|(_, f, c)| format!("{f} ({c})"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let chosen: Vec<&(String, String, String)> = match pick {
        None => keys.iter().collect(),
        Some(p) => keys
            .iter()
            .filter(|(_, f, c)| {
                c == p
                    || (p.len() >= 8
                        && (f.starts_with(p)
                            || f.strip_prefix("SHA256:").is_some_and(|f| f.starts_with(p))))
            })
            .collect(),
    };
    match chosen.as_slice() {
        [one] => ssh_line(&one.0).map_err(|why| {
            Error::user(t!(
                "ops.team_edit.not_a_key",
                path = "ssh-add -L",
                why = why
            ))
        }),
        [] => Err(Error::user(t!(
            "ops.team_edit.agent_no_match",
            pick = pick.unwrap_or("")
        ))
        .hint(t!("ops.team_edit.agent_keys", keys = listed()))),
        _ => Err(Error::user(t!("ops.team_edit.agent_which"))
            .hint(t!("ops.team_edit.agent_keys", keys = listed()))),
    }
}

// ------------------------------------------------------------------- list

/// A person as `mkt team list` shows them.
#[derive(Debug, Serialize)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub email: String,
    pub roles: Vec<String>,
    pub group: Option<String>,
    pub keys: Vec<MemberKey>,
}

#[derive(Debug, Serialize)]
pub struct MemberKey {
    /// `ssh` or `openpgp`.
    pub kind: &'static str,
    /// The SSH key's algorithm (`ssh-ed25519`), empty for OpenPGP.
    pub algorithm: String,
    pub fingerprint: String,
    pub comment: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// Whether it counts today.
    pub valid_today: bool,
}

#[derive(Debug, Serialize)]
pub struct Listed {
    pub people: Vec<Member>,
    /// The work tree's team.toml differs from the signed roster shown.
    pub unsigned_changes: bool,
}

/// The signed roster at HEAD (what counts), person by person.
pub fn list(view: &View) -> Listed {
    let signed = view.verification.roster.at_head();
    let people = signed
        .team
        .people
        .iter()
        .map(|p| Member {
            id: p.id.clone(),
            name: p.name.clone(),
            email: p.email.clone(),
            roles: p.roles.clone(),
            group: p.group.clone(),
            keys: p
                .keys
                .iter()
                .map(|k| {
                    let (kind, algorithm, comment) = match &k.public {
                        PublicKey::Ssh(l) => {
                            let mut w = l.split_whitespace();
                            let alg = w.next().unwrap_or("").to_string();
                            let comment = w.nth(1).unwrap_or("").to_string();
                            ("ssh", alg, comment)
                        }
                        PublicKey::OpenPgp(_) => ("openpgp", String::new(), String::new()),
                    };
                    MemberKey {
                        kind,
                        algorithm,
                        fingerprint: key_fingerprint(k).unwrap_or_default(),
                        comment,
                        valid_from: k.valid_from.map(|d| d.0),
                        valid_until: k.valid_until.map(|d| d.0),
                        valid_today: key_valid_on(k, view.today),
                    }
                })
                .collect(),
        })
        .collect();
    Listed {
        people,
        unsigned_changes: view.repo.blob_id("team.toml") != signed.blob,
    }
}
