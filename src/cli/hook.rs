//! `mkt hook`: git hooks that gate every commit and every push.

use std::io::BufRead;

use rust_i18n::t;

use super::{Exit, Global, Outcome, say};
use crate::diag::{self, Format};
use crate::error::Error;
use crate::ops::lint::lint;

/// Git hooks: refuse a push (on the server) or a commit that adds errors.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The server side: reads git's `<old> <new> <ref>` lines on stdin and
    /// refuses the push when a ref's new commit has lint errors its old one
    /// did not (the findings on stderr). Works inside git's quarantine.
    ///
    /// Examples:
    ///   mkt hook install              # in the server's (bare) repository
    #[command(verbatim_doc_comment)]
    PreReceive,
    /// Put the hooks in place: pre-receive (for a server, or any repository
    /// others push to) and pre-commit (only the files being committed).
    Install {
        /// Replace hooks that are there already
        #[arg(long)]
        force: bool,
    },
}

pub fn run(global: &Global, cmd: Command) -> Outcome {
    match cmd {
        Command::PreReceive => pre_receive(global),
        Command::Install { force } => install(global, force),
    }
}

fn pre_receive(global: &Global) -> Outcome {
    let mut refused = false;
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| Error::user(t!("cli.hook.reading", why = e)))?;
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [old, new, name] = parts.as_slice() else {
            continue;
        };
        if new.chars().all(|c| c == '0') {
            continue; // a ref deleted: nothing to check
        }
        // A new branch is compared with where it left the repository's
        // HEAD (their merge base), so only what the branch adds counts.
        let base = if old.chars().all(|c| c == '0') {
            merge_base_with_head(global, new)
        } else {
            Some(old.to_string())
        };
        let found = match base {
            Some(base) => global.new_findings(Some(new), &base)?.1,
            None => {
                let repo = global.open_repo_at(Some(new))?;
                let zone = repo.policy.zone();
                lint(&repo, global.today(zone), global.now(zone))
            }
        };
        let errors: Vec<_> = found
            .findings
            .into_iter()
            .filter(|d| d.is_error())
            .collect();
        if errors.is_empty() {
            continue;
        }
        refused = true;
        say(&match errors.len() {
            1 => t!("cli.hook.refusing_one", name = name),
            n => t!("cli.hook.refusing_many", name = name, n = n),
        });
        let text = diag::render(
            Format::Text,
            &errors,
            crate::rules::RULES,
            crate::policy::Policy::builtin(),
            &|_| None,
            false,
        );
        say(text.trim_end());
    }
    Ok(if refused { Exit::Findings } else { Exit::Clean })
}

/// Where a pushed commit's history meets the repository's HEAD, if it does.
fn merge_base_with_head(global: &Global, new: &str) -> Option<String> {
    let git = crate::git::discover(&global.dir)?;
    let head = crate::git::resolve_commit(&git, "HEAD")?;
    let new = crate::git::resolve_commit(&git, new)?;
    git.merge_base(head, new).ok().map(|id| id.to_string())
}

fn install(global: &Global, force: bool) -> Outcome {
    let git = crate::git::discover(&global.dir).ok_or_else(|| Error::user(t!("cli.not_in_git")))?;
    let dir = crate::git::git_dir(&git).join("hooks");
    let exe = std::env::current_exe().map_err(|e| Error::user(t!("cli.hook.no_exe", why = e)))?;
    let exe = exe.display().to_string().replace('\'', "'\\''");
    let hooks = [
        (
            "pre-receive",
            format!(
                "#!/bin/sh\n# Installed by `mkt hook install`: refuse pushes that add lint errors.\nexec '{exe}' hook pre-receive\n"
            ),
        ),
        (
            "pre-commit",
            format!(
                "#!/bin/sh\n# Installed by `mkt hook install`: lint the files being committed.\ngit diff --cached --name-only -z --diff-filter=ACMR | xargs -0 -r '{exe}' lint --\n"
            ),
        ),
    ];
    for (name, _) in &hooks {
        let path = dir.join(name);
        if path.exists() && !force {
            return Err(Error::user(t!("cli.hook.exists", path = path.display()))
                .hint(t!("cli.hook.force")));
        }
    }
    for (name, text) in &hooks {
        let path = dir.join(name);
        crate::fsutil::write_with_mode(&path, text.as_bytes(), crate::fsutil::Mode::Executable)?;
        say(&t!("cli.hook.installed", path = path.display()));
    }
    Ok(Exit::Clean)
}
