//! The layers of `src/`, bottom to top. A module may use its own layer and
//! the ones below it, never one above: this test reads every source file
//! and fails on any `crate::…` path that points up the order.

use std::collections::BTreeMap;
use std::path::Path;

/// Bottom to top. Modules on one line are one layer (they do not use each
/// other's layer above them either way).
const LAYERS: &[&[&str]] = &[
    &["i18n"],
    &["error", "suggest"],
    &["fsutil", "templates", "term"],
    &["model"],
    &["diag"],
    &["source"],
    &["policy"],
    &["git", "notify"],
    &["repo"],
    &["approvals"],
    &["view"],
    &["rules"],
    &["report"],
    &["ops"],
    &["cli"],
    &["lib", "main"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level module a file under `src/` belongs to.
fn module_of(rel: &Path) -> String {
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// Every top-level module a source text names through `crate::`, with the
/// line: `crate::repo::Repo`, `crate::{diag, model::Money}` and
/// `$crate::diag::Rule` alike. Comments are skipped.
fn crate_refs(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `crate::{a, b::c}`: the group may span lines; take what this
                // line holds, which is how rustfmt writes short groups.
                let inner = group.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        out.push((i + 1, name));
                    }
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push((i + 1, name));
                }
            }
        }
    }
    out
}

fn violations(src: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in walkdir(src) {
        let rel = entry.strip_prefix(src).unwrap();
        let module = module_of(rel);
        let Some(own) = layer_of(&module) else {
            found.push(format!(
                "src/{}: module `{module}` has no layer in tests/layering.rs",
                rel.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(&entry).unwrap();
        for (line, used) in crate_refs(&text) {
            if used == module {
                continue;
            }
            // Macros exported at the crate root (`crate::declare_rule`).
            let Some(theirs) = layer_of(&used) else {
                continue;
            };
            if theirs > own {
                found.push(format!(
                    "src/{}:{line}: `{module}` uses `{used}`, a layer above it",
                    rel.display()
                ));
            }
        }
    }
    found
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn no_module_uses_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(found.is_empty(), "upward imports:\n{}", found.join("\n"));
}

#[test]
fn the_check_sees_an_upward_import() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("model")).unwrap();
    std::fs::write(
        src.join("model/mod.rs"),
        "use crate::diag::Located; // model is below diag\n",
    )
    .unwrap();
    std::fs::write(
        src.join("rules.rs"),
        "use crate::{model::Money, repo};\nfn f() { crate::view::View::new(); }\n",
    )
    .unwrap();
    std::fs::write(src.join("policy.rs"), "use crate::{ops, model};\n").unwrap();
    let found = violations(src);
    let mut by_file: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &found {
        *by_file.entry(f.split(':').next().unwrap()).or_default() += 1;
    }
    assert_eq!(by_file.get("src/model/mod.rs"), Some(&1), "{found:#?}");
    assert_eq!(by_file.get("src/policy.rs"), Some(&1), "{found:#?}");
    assert_eq!(by_file.get("src/rules.rs"), None, "{found:#?}");
}
