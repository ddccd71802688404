//! team.toml — people, roles and signing keys; the root of trust (SPEC section 5).

use serde::Deserialize;

use super::time::Date;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    #[serde(default)]
    pub people: Vec<Person>,
}

impl Team {
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub keys: Vec<Key>,
}

impl Person {
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Key {
    /// An OpenSSH public key line: `ssh-ed25519 AAAA… comment`.
    pub ssh: Option<String>,
    /// An OpenPGP fingerprint.
    pub openpgp: Option<String>,
    pub valid_from: Option<Date>,
    pub valid_until: Option<Date>,
}
