//! The two languages mkt speaks, from one catalogue (`locales/*.toml`, read
//! at build time by rust-i18n): Simplified Chinese and English. Which one is
//! chosen once per run: `MKT_LANG`, then `LC_ALL`, `LC_MESSAGES`, `LANG` (as
//! gettext reads them), then `language` in policy.toml; English when
//! nothing says otherwise. Machine formats (JSON, SARIF, GitHub, CSV
//! headers) keep their English keys whatever the language.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// A language mkt speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    ZhCn,
}

impl Lang {
    /// The catalogue's name for it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// A language as a person or a locale names it: `zh_CN.UTF-8`, `zh`,
    /// `zh-Hans`, `中文` are Chinese; `en_US`, `C`, `POSIX` English.
    pub fn from_name(name: &str) -> Option<Lang> {
        let n = name.trim().to_ascii_lowercase();
        if n.is_empty() {
            return None;
        }
        if n.starts_with("zh") || n == "中文" || n == "简体中文" {
            return Some(Lang::ZhCn);
        }
        if n.starts_with("en") || n == "c" || n.starts_with("c.") || n == "posix" {
            return Some(Lang::En);
        }
        None
    }
}

/// 0: not chosen by the environment; else the language + 1.
static FROM_ENV: AtomicU8 = AtomicU8::new(0);

/// The language the environment asks for, if any (`MKT_LANG`, then the
/// locale variables, the first that is set and names a language).
pub fn from_env() -> Option<Lang> {
    ["MKT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .and_then(|v| Lang::from_name(&v))
}

/// Chooses the language from the environment (at start, before any word
/// is said).
pub fn init() {
    let lang = from_env();
    FROM_ENV.store(lang.map_or(0, |l| l as u8 + 1), Ordering::Relaxed);
    set(lang.unwrap_or(Lang::En));
}

/// Once the repository is read: its policy's `language` applies when the
/// environment said nothing.
pub fn policy_says(language: Option<&str>) {
    if FROM_ENV.load(Ordering::Relaxed) != 0 || HELD.load(Ordering::Relaxed) {
        return;
    }
    if let Some(lang) = language.and_then(Lang::from_name) {
        set(lang);
    }
}

pub fn set(lang: Lang) {
    rust_i18n::set_locale(lang.code());
}

/// A message of the catalogue whose key is only known at run time (a
/// rule's code), in the language being spoken, else in English; `None`
/// when the catalogue has it in neither.
pub fn lookup(key: &str) -> Option<String> {
    crate::_rust_i18n_try_translate(&rust_i18n::locale(), key).map(|t| t.into_owned())
}

/// The language being spoken.
pub fn current() -> Lang {
    if rust_i18n::locale().starts_with("zh") {
        Lang::ZhCn
    } else {
        Lang::En
    }
}

/// Runs `f` speaking `lang`, then goes back to the language spoken
/// before: for words written to someone else (`mkt notify`).
pub fn speaking<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
    let was = current();
    set(lang);
    let out = f();
    set(was);
    out
}

/// Runs `f` in English when `machine` (a JSON output: the same bytes
/// whatever the reader's language), else in the language being spoken.
pub fn english_if<T>(machine: bool, f: impl FnOnce() -> T) -> T {
    if !machine {
        return f();
    }
    // The policy's `language`, read inside, does not undo it.
    let held = HELD.swap(true, Ordering::Relaxed);
    let out = speaking(Lang::En, f);
    HELD.store(held, Ordering::Relaxed);
    out
}

/// English is held (`english_if`): the policy's `language` does not apply.
static HELD: AtomicBool = AtomicBool::new(false);

/// The language of messages mkt sends to others: policy.toml's
/// `language`, whatever the sender's own locale; else the one spoken.
pub fn for_others(language: Option<&str>) -> Lang {
    language.and_then(Lang::from_name).unwrap_or_else(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_name_their_language() {
        for zh in ["zh_CN.UTF-8", "zh_CN", "zh", "zh-Hans", "中文"] {
            assert_eq!(Lang::from_name(zh), Some(Lang::ZhCn), "{zh}");
        }
        for en in ["C", "C.UTF-8", "POSIX", "en_US.UTF-8", "en"] {
            assert_eq!(Lang::from_name(en), Some(Lang::En), "{en}");
        }
        assert_eq!(Lang::from_name("fr_FR.UTF-8"), None);
        assert_eq!(Lang::from_name(""), None);
    }

    /// Every message of the catalogue in both languages, with the same
    /// placeholders in each.
    #[test]
    fn every_message_is_in_both_languages() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let doc: toml::Table = toml::from_str(&text).unwrap();
            let mut stack: Vec<(String, &toml::Table)> = vec![(String::new(), &doc)];
            while let Some((prefix, table)) = stack.pop() {
                for (k, v) in table {
                    let Some(t) = v.as_table() else { continue };
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    if !t.contains_key("en") && !t.contains_key("zh-CN") {
                        stack.push((key, t));
                        continue;
                    }
                    let get = |l: &str| t.get(l).and_then(|v| v.as_str()).unwrap_or_default();
                    let (en, zh) = (get("en"), get("zh-CN"));
                    assert!(!en.is_empty(), "{}: `{key}` has no English", path.display());
                    assert!(!zh.is_empty(), "{}: `{key}` has no Chinese", path.display());
                    assert_eq!(
                        placeholders(en),
                        placeholders(zh),
                        "{}: `{key}`",
                        path.display()
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 0, "the catalogue has messages");
    }

    /// Every key the code asks for (with the `t!` macro) is in the catalogue.
    #[test]
    fn every_key_the_code_uses_is_in_the_catalogue() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut known = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(root.join("locales")).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let doc: toml::Table = toml::from_str(&text).unwrap();
            let mut stack: Vec<(String, toml::Table)> = vec![(String::new(), doc)];
            while let Some((prefix, table)) = stack.pop() {
                for (k, v) in table {
                    let Some(t) = v.as_table() else { continue };
                    let key = if prefix.is_empty() {
                        k
                    } else {
                        format!("{prefix}.{k}")
                    };
                    if t.contains_key("en") {
                        known.insert(key);
                    } else {
                        stack.push((key, t.clone()));
                    }
                }
            }
        }
        let mut missing = Vec::new();
        let mut files = vec![root.join("src")];
        while let Some(p) = files.pop() {
            if p.is_dir() {
                files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if p.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for (at, _) in text.match_indices("t!(\"") {
                // `t!`, not `format!` or `print!`.
                if text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let key = text[at + 4..].split('"').next().unwrap_or_default();
                if !key.is_empty() && !known.contains(key) {
                    missing.push(format!("{}: {key}", p.display()));
                }
            }
        }
        assert!(missing.is_empty(), "keys not in locales/: {missing:#?}");
    }

    fn placeholders(s: &str) -> Vec<&str> {
        let mut out: Vec<&str> = s
            .split("%{")
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(name, _)| name))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}
