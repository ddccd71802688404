//! Editing team.toml as a person would, keeping its comments and layout
//! (`toml_edit`): a person added, a key added to someone. Used by `mkt
//! init` for the first admin, and meant for every command that changes the
//! roster. Nothing here writes a file or commits: the caller does, signed.

use chrono::NaiveDate;
use rust_i18n::t;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use crate::error::{Error, Result};
use crate::model::{PublicKey, Team};

/// team.toml as a document to change.
pub struct RosterDoc {
    doc: DocumentMut,
}

/// A person to add.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub id: String,
    pub name: String,
    pub email: String,
    pub roles: Vec<String>,
    pub group: Option<String>,
}

/// A key to add to a person's `[[people.keys]]`.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub public: PublicKey,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
}

impl RosterDoc {
    /// Reads team.toml's text (`file` names it in a message).
    pub fn parse(text: &str) -> Result<RosterDoc> {
        let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            Error::config(t!("ops.roster_edit.unreadable", why = e.message()))
        })?;
        if doc.get("people").is_some_and(|p| !p.is_array_of_tables()) {
            return Err(Error::config(t!("ops.roster_edit.people_not_tables")));
        }
        Ok(RosterDoc { doc })
    }

    /// The roster as mkt reads it, to check what the document now says.
    pub fn team(&self) -> Result<Team> {
        toml::from_str(&self.doc.to_string())
            .map_err(|e| Error::config(t!("ops.roster_edit.unreadable", why = e.message())))
    }

    fn people_mut(&mut self) -> &mut ArrayOfTables {
        if self.doc.get("people").is_none() {
            self.doc
                .insert("people", Item::ArrayOfTables(ArrayOfTables::new()));
        }
        self.doc["people"]
            .as_array_of_tables_mut()
            .expect("people is an array of tables (checked when parsed)")
    }

    fn person_mut(&mut self, id: &str) -> Option<&mut Table> {
        self.people_mut()
            .iter_mut()
            .find(|p| p.get("id").and_then(Item::as_str) == Some(id))
    }

    /// Adds a person at the end of the roster; an id already there is refused.
    pub fn add_person(&mut self, p: &NewPerson) -> Result<()> {
        check_id(&p.id).map_err(Error::user)?;
        if self.person_mut(&p.id).is_some() {
            return Err(Error::user(t!("ops.roster_edit.person_exists", id = p.id)));
        }
        let mut entry = Table::new();
        entry["id"] = value(&p.id);
        entry["name"] = value(&p.name);
        if !p.email.is_empty() {
            entry["email"] = value(&p.email);
        }
        let mut roles = toml_edit::Array::new();
        for r in &p.roles {
            roles.push(r.as_str());
        }
        entry["roles"] = value(roles);
        if let Some(g) = &p.group {
            entry["group"] = value(g);
        }
        // A roster of comments alone (the template): the first person goes
        // below them, not above.
        let trailing = self.doc.trailing().as_str().unwrap_or("").to_string();
        if self.people_mut().is_empty() && !trailing.trim().is_empty() {
            self.doc.set_trailing("");
            let sep = if trailing.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            entry.decor_mut().set_prefix(format!("{trailing}{sep}"));
        }
        self.people_mut().push(entry);
        Ok(())
    }

    /// Adds a key to the person with `id`.
    pub fn add_key(&mut self, id: &str, key: &NewKey) -> Result<()> {
        let person = self
            .person_mut(id)
            .ok_or_else(|| Error::user(t!("ops.roster_edit.no_person", id = id)))?;
        let mut entry = Table::new();
        match &key.public {
            PublicKey::Ssh(line) => entry["ssh"] = value(line.trim()),
            PublicKey::OpenPgp(fpr) => entry["openpgp"] = value(fpr.trim()),
        }
        let date = |d: NaiveDate| {
            d.to_string()
                .parse::<toml_edit::Datetime>()
                .expect("a date is a TOML date")
        };
        if let Some(d) = key.valid_from {
            entry["valid_from"] = value(date(d));
        }
        if let Some(d) = key.valid_until {
            entry["valid_until"] = value(date(d));
        }
        match person
            .get_mut("keys")
            .and_then(Item::as_array_of_tables_mut)
        {
            Some(keys) => keys.push(entry),
            None => {
                let mut keys = ArrayOfTables::new();
                keys.push(entry);
                person.insert("keys", Item::ArrayOfTables(keys));
            }
        }
        Ok(())
    }
}

impl RosterDoc {
    /// Takes the person with `id` out of the roster, with their keys.
    pub fn remove_person(&mut self, id: &str) -> Result<()> {
        let people = self.people_mut();
        let at = (0..people.len())
            .find(|&i| {
                people
                    .get(i)
                    .and_then(|p| p.get("id"))
                    .and_then(Item::as_str)
                    == Some(id)
            })
            .ok_or_else(|| Error::user(t!("ops.roster_edit.no_person", id = id)))?;
        people.remove(at);
        Ok(())
    }

    /// Gives the person with `id` a role (an id such as `specialist`);
    /// one they hold already is refused.
    pub fn add_role(&mut self, id: &str, role: &str) -> Result<()> {
        let roles = self.roles_mut(id)?;
        if roles.iter().any(|r| r.as_str() == Some(role)) {
            return Err(Error::user(t!(
                "ops.roster_edit.has_role",
                id = id,
                role = role
            )));
        }
        roles.push(role);
        Ok(())
    }

    /// Takes a role from the person with `id`; one they do not hold is
    /// refused.
    pub fn remove_role(&mut self, id: &str, role: &str) -> Result<()> {
        let roles = self.roles_mut(id)?;
        let at = roles
            .iter()
            .position(|r| {
                r.as_str().is_some_and(|r| {
                    crate::model::keyboard::canonical_or_same(
                        crate::model::keyboard::Vocab::Role,
                        r,
                    ) == role
                })
            })
            .ok_or_else(|| Error::user(t!("ops.roster_edit.lacks_role", id = id, role = role)))?;
        roles.remove(at);
        Ok(())
    }

    /// The `roles` array of a person, made when they have none.
    fn roles_mut(&mut self, id: &str) -> Result<&mut toml_edit::Array> {
        let person = self
            .person_mut(id)
            .ok_or_else(|| Error::user(t!("ops.roster_edit.no_person", id = id)))?;
        if person.get("roles").is_none() {
            person["roles"] = value(toml_edit::Array::new());
        }
        person["roles"]
            .as_array_mut()
            .ok_or_else(|| Error::user(t!("ops.roster_edit.roles_not_list", id = id)))
    }

    /// Takes the `index`th key from the person with `id`. A key counts
    /// from the roster change that added it until the one that removes it
    /// (the trust model of `approvals::roster`), so removing it is how a
    /// key is revoked: approvals signed before keep the roster of their
    /// time, and no later one, nor one merged in from an older branch,
    /// finds the key.
    pub fn remove_key(&mut self, id: &str, index: usize) -> Result<()> {
        let person = self
            .person_mut(id)
            .ok_or_else(|| Error::user(t!("ops.roster_edit.no_person", id = id)))?;
        let keys = person
            .get_mut("keys")
            .and_then(Item::as_array_of_tables_mut)
            .filter(|k| index < k.len())
            .ok_or_else(|| Error::internal(format!("{id} has no key {index}")))?;
        keys.remove(index);
        if keys.is_empty() {
            person.remove("keys");
        }
        Ok(())
    }
}

impl std::fmt::Display for RosterDoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.doc)
    }
}

/// Whether `id` can be a person's id: every record names people by it, and
/// git's allowed_signers file may list them by it, so letters (any
/// script), digits, `.`, `_` and `-` only.
pub fn check_id(id: &str) -> std::result::Result<(), String> {
    if id.is_empty() {
        return Err(t!("ops.roster_edit.id_empty").into_owned());
    }
    match id
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        Some(c) => Err(t!("ops.roster_edit.id_char", id = id, c = c).into_owned()),
        None => Ok(()),
    }
}

/// Whether `email` looks like one: something@somewhere, no space.
pub fn check_email(email: &str) -> std::result::Result<(), String> {
    let ok = email
        .split_once('@')
        .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
        && !email.chars().any(|c| c.is_whitespace() || c == '"');
    if ok {
        Ok(())
    } else {
        Err(t!("ops.roster_edit.bad_email", email = email).into_owned())
    }
}

/// Whether `name` can stand in the roster: not empty, one line.
pub fn check_name(name: &str) -> std::result::Result<(), String> {
    if name.trim().is_empty() || name.contains(['\n', '\r']) {
        return Err(t!("ops.roster_edit.bad_name").into_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "# the roster\n# [[people]]\n# id = \"x\"\n";

    #[test]
    fn a_person_and_key_are_added_below_the_comments() {
        let mut r = RosterDoc::parse(TEMPLATE).unwrap();
        r.add_person(&NewPerson {
            id: "wang.fang".into(),
            name: "王芳".into(),
            email: "wang.fang@example.com".into(),
            roles: vec!["admin".into()],
            group: None,
        })
        .unwrap();
        r.add_key(
            "wang.fang",
            &NewKey {
                public: PublicKey::Ssh("ssh-ed25519 AAAA w@x".into()),
                valid_from: NaiveDate::from_ymd_opt(2026, 1, 5),
                valid_until: None,
            },
        )
        .unwrap();
        let text = r.to_string();
        assert!(text.starts_with(TEMPLATE), "{text}");
        assert!(
            text.ends_with(
                "[[people]]\nid = \"wang.fang\"\nname = \"王芳\"\nemail = \"wang.fang@example.com\"\nroles = [\"admin\"]\n\n[[people.keys]]\nssh = \"ssh-ed25519 AAAA w@x\"\nvalid_from = 2026-01-05\n"
            ),
            "{text}"
        );
        let team = r.team().unwrap();
        assert_eq!(team.people[0].keys.len(), 1);
        assert!(r.add_person(&team_person("wang.fang")).is_err());
        assert!(r.add_key("nobody", &team_key()).is_err());
    }

    fn team_person(id: &str) -> NewPerson {
        NewPerson {
            id: id.into(),
            name: "某人".into(),
            email: String::new(),
            roles: vec![],
            group: None,
        }
    }

    fn team_key() -> NewKey {
        NewKey {
            public: PublicKey::OpenPgp("ABCD".into()),
            valid_from: None,
            valid_until: None,
        }
    }

    #[test]
    fn ids_emails_and_names_are_checked() {
        assert!(check_id("wang.fang").is_ok());
        assert!(check_id("王芳").is_ok());
        assert!(check_id("").is_err());
        assert!(check_id("wang fang").is_err());
        assert!(check_id("a\"b").is_err());
        assert!(check_email("a@b.cn").is_ok());
        assert!(check_email("ab.cn").is_err());
        assert!(check_email("a b@c").is_err());
        assert!(check_name("王芳").is_ok());
        assert!(check_name(" ").is_err());
    }
}
