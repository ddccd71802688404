//! team.toml — people, roles and signing keys; the root of trust (SPEC section 5).

use serde::Deserialize;

use super::time::Date;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    #[serde(default)]
    pub people: Vec<Person>,
    /// `[[delegations]]`: who stands in for whom, in which role, when (职务代理).
    #[serde(default)]
    pub delegations: Vec<Delegation>,
}

impl Team {
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
    }

    /// A person as someone names them: the id (`zhao.lei`) or the name
    /// (`赵磊`), full-width letters and stray spaces forgiven. A name two
    /// people share is ambiguous: both are listed.
    pub fn find(&self, who: &str) -> Result<&Person, Lookup> {
        let w = super::keyboard::halfwidth(who);
        let w = w.trim();
        if let Some(p) = self.person(w) {
            return Ok(p);
        }
        let named: Vec<&Person> = self.people.iter().filter(|p| p.name.trim() == w).collect();
        match named.as_slice() {
            [one] => Ok(one),
            [] => Err(Lookup::Unknown),
            many => Err(Lookup::Ambiguous(
                many.iter().map(|p| p.id.clone()).collect(),
            )),
        }
    }

    /// The person most like `who`, by id or by name (`zhaolei` or `赵雷`
    /// is near zhao.lei 赵磊), for "did you mean".
    pub fn closest(&self, who: &str) -> Option<&Person> {
        let w = super::keyboard::halfwidth(who);
        let w = w.trim();
        let words = self
            .people
            .iter()
            .flat_map(|p| [p.id.as_str(), p.name.as_str()]);
        let near = crate::suggest::closest(w, words)?;
        self.people.iter().find(|p| p.id == near || p.name == near)
    }
}

/// Why `Team::find` found nobody.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// No id or name is this.
    Unknown,
    /// The ids of the people with this name.
    Ambiguous(Vec<String>),
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
    /// How a person is told apart from another of the same name: id, name
    /// and group (`li.na 李娜 (content)`, in Chinese `li.na 李娜（内容组）`).
    pub fn label(&self) -> String {
        use super::keyboard::{Vocab, chinese};
        match (&self.group, crate::i18n::current()) {
            (None, _) => format!("{} {}", self.id, self.name),
            (Some(g), crate::i18n::Lang::ZhCn) => {
                format!("{} {}（{}）", self.id, self.name, chinese(Vocab::Group, g))
            }
            (Some(g), crate::i18n::Lang::En) => format!("{} {} ({g})", self.id, self.name),
        }
    }

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

/// A deputy while a person is away (职务代理): during `from`–`until`
/// (inclusive, in the department's time zone) `deputy` may fill
/// `person`'s stages for `role`. It counts only in a roster change that
/// counts, and only for approvals made after it (SPEC 5).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delegation {
    pub person: String,
    pub deputy: String,
    pub role: String,
    pub from: Date,
    pub until: Date,
    #[serde(default)]
    pub reason: String,
}

impl Delegation {
    /// Whether `day` is inside the window, both ends included.
    pub fn covers(&self, day: chrono::NaiveDate) -> bool {
        self.from.0 <= day && day <= self.until.0
    }
}

impl Team {
    /// The roles `deputy` holds for `person` on `day` through a delegation
    /// of this roster: only roles `person` holds here themselves (a
    /// deputy's deputy counts for nothing), never for oneself.
    pub fn delegated_roles(
        &self,
        deputy: &str,
        person: &str,
        day: chrono::NaiveDate,
    ) -> Vec<String> {
        let Some(p) = self.person(person) else {
            return Vec::new();
        };
        let mut roles: Vec<String> = self
            .delegations
            .iter()
            .filter(|d| d.deputy == deputy && d.person == person && deputy != person)
            .filter(|d| d.covers(day) && p.has_role(&d.role))
            .filter(|_| self.person(deputy).is_some())
            .map(|d| d.role.clone())
            .collect();
        roles.dedup();
        roles
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team() -> Team {
        toml::from_str(
            "[[people]]\nid = \"zhao.lei\"\nname = \"赵磊\"\n\n[[people]]\nid = \"li.na\"\nname = \"李娜\"\n\n[[people]]\nid = \"li.na2\"\nname = \"李娜\"\n",
        )
        .unwrap()
    }

    #[test]
    fn people_are_found_by_id_or_name() {
        let t = team();
        assert_eq!(t.find("zhao.lei").map(|p| p.id.as_str()), Ok("zhao.lei"));
        assert_eq!(t.find(" 赵磊 ").map(|p| p.id.as_str()), Ok("zhao.lei"));
        assert_eq!(
            t.find("ｚｈａｏ.ｌｅｉ").map(|p| p.id.as_str()),
            Ok("zhao.lei")
        );
        assert_eq!(
            t.find("李娜").map(|p| p.id.clone()),
            Err(Lookup::Ambiguous(vec!["li.na".into(), "li.na2".into()]))
        );
        assert_eq!(t.find("王芳").map(|p| p.id.clone()), Err(Lookup::Unknown));
        assert_eq!(
            t.closest("zhaolei").map(|p| p.id.as_str()),
            Some("zhao.lei")
        );
        assert_eq!(t.closest("赵雷").map(|p| p.id.as_str()), Some("zhao.lei"));
        assert_eq!(t.closest("王芳").map(|p| p.id.as_str()), None);
    }
}
