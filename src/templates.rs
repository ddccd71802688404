//! The built-in templates (the project's `templates/` folder, embedded); a
//! repository's own `templates/` overrides them file by file.

use std::path::Path;

use include_dir::{Dir, include_dir};

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// The template `name` (like `campaign.toml`): the repository's own if it
/// has one, else the built-in one.
pub fn get(repo_root: Option<&Path>, name: &str) -> Option<String> {
    if let Some(root) = repo_root
        && let Ok(bytes) = crate::fsutil::read_plain(&root.join("templates").join(name), 1 << 20)
        && let Ok(text) = String::from_utf8(bytes)
    {
        return Some(text);
    }
    builtin(name).map(str::to_string)
}

pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.get_file(name).and_then(|f| f.contents_utf8())
}

/// Fills a template's `{{name}}` placeholders with `values` (TOML text, put
/// in as is). A placeholder mkt does not know is an error, so a repository's
/// own template cannot leave one behind in a record. Lines starting `#:`
/// are notes about the template itself and are left out.
pub fn fill(template: &str, values: &[(&str, String)]) -> Result<String, String> {
    let kept: String = template
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("#:"))
        .collect();
    let mut out = String::with_capacity(kept.len() + 256);
    let mut rest = kept.as_str();
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after
            .find("}}")
            .ok_or_else(|| "a `{{` without its `}}`".to_string())?;
        let name = after[..close].trim();
        let value = values
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
            .ok_or_else(|| {
                let known: Vec<&str> = values.iter().map(|(k, _)| *k).collect();
                format!(
                    "unknown placeholder {{{{{name}}}}}; this template may use {}",
                    known.join(", ")
                )
            })?;
        out.push_str(value);
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_placeholders_once() {
        let v = [("a", "\"{{b}}\"".to_string()), ("b", "2".to_string())];
        assert_eq!(
            fill("#: a note {{x}}\nx = {{a}}\ny = {{ b }}\n", &v).unwrap(),
            "x = \"{{b}}\"\ny = 2\n"
        );
        assert!(fill("x = {{c}}", &v).unwrap_err().contains("{{c}}"));
        assert!(fill("x = {{a", &v).is_err());
    }
}
