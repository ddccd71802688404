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
    #[serde(default, deserialize_with = "super::keyboard::de::roles")]
    pub roles: Vec<String>,
    #[serde(default, deserialize_with = "super::keyboard::de::group")]
    pub group: Option<String>,
    #[serde(default)]
    pub keys: Vec<Key>,
}

impl Person {
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

/// A signing key of a person, with the days it counts.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "KeyEntry")]
pub struct Key {
    pub public: PublicKey,
    pub valid_from: Option<Date>,
    pub valid_until: Option<Date>,
}

/// One key, of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// An OpenSSH public key line: `ssh-ed25519 AAAA… comment`.
    Ssh(String),
    /// An OpenPGP fingerprint.
    OpenPgp(String),
}

impl Key {
    /// The OpenSSH public key line, for an SSH key.
    pub fn ssh(&self) -> Option<&str> {
        match &self.public {
            PublicKey::Ssh(line) => Some(line),
            PublicKey::OpenPgp(_) => None,
        }
    }
}

/// `[[people.keys]]` as written: `ssh = "…"` or `openpgp = "…"`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyEntry {
    ssh: Option<String>,
    openpgp: Option<String>,
    valid_from: Option<Date>,
    valid_until: Option<Date>,
}

impl TryFrom<KeyEntry> for Key {
    type Error = String;

    fn try_from(k: KeyEntry) -> Result<Key, String> {
        let public = match (k.ssh, k.openpgp) {
            (Some(s), None) => PublicKey::Ssh(s),
            (None, Some(f)) => PublicKey::OpenPgp(f),
            (Some(_), Some(_)) => {
                return Err(
                    "a key entry has both `ssh` and `openpgp`: write one [[people.keys]] per key"
                        .into(),
                );
            }
            (None, None) => {
                return Err(
                    "a key entry needs `ssh = \"ssh-ed25519 …\"` or `openpgp = \"<fingerprint>\"`"
                        .into(),
                );
            }
        };
        Ok(Key {
            public,
            valid_from: k.valid_from,
            valid_until: k.valid_until,
        })
    }
}
