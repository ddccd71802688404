//! The built-in templates (the project's `templates/` folder, embedded); a
//! repository's own `templates/` overrides them file by file.

use std::path::Path;

use include_dir::{Dir, include_dir};

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// The template `name` (like `campaign.toml`): the repository's own if it
/// has one, else the built-in one.
pub fn get(repo_root: Option<&Path>, name: &str) -> Option<String> {
    if let Some(root) = repo_root {
        if let Ok(text) = std::fs::read_to_string(root.join("templates").join(name)) {
            return Some(text);
        }
    }
    builtin(name).map(str::to_string)
}

pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.get_file(name).and_then(|f| f.contents_utf8())
}
