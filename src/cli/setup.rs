use rust_i18n::t;

use super::{Exit, Global, Outcome, print};
use crate::error::Error;
use crate::ops::setup::{Report, Scope, SetupOptions, Status, check};

/// Check this machine's git setup for mkt: each problem with the command
/// that fixes it.
///
/// Checks the git identity, the signing key, that key in the signed
/// team.toml, git's signing settings, ssh-keygen and gpg, a pinned trust
/// root (mkt.trustRoot), a full clone. --fix applies the fixes that are git
/// config settings (in the repository's own config; outside one, in
/// ~/.gitconfig). Exit status 1 while a problem remains.
///
/// Examples:
///   mkt setup
///   mkt doctor --fix
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Apply the fixes that are git config settings, then check again
    #[arg(long)]
    pub fix: bool,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let today = global.today(crate::policy::Policy::builtin().zone());
    let opts = SetupOptions {
        dir: &global.dir,
        trust_root: global.trust_root.as_deref(),
        today,
    };
    let mut report = check(&opts);
    let mut out = String::new();
    if args.fix {
        // A fix can make another one knowable (with a usable key, the
        // roster says whose name to set): a few rounds, each checked anew.
        let mut done: Vec<(String, String)> = Vec::new();
        for _ in 0..3 {
            let fixes: Vec<(String, String)> = report
                .fixes()
                .into_iter()
                .filter(|f| !done.contains(f))
                .collect();
            if fixes.is_empty() {
                break;
            }
            for (key, value) in &fixes {
                apply(&opts, report.scope, key, value)?;
                out.push_str(&format!(
                    "{}\n",
                    t!(
                        "cli.setup.fixed",
                        command = report.scope.command(key, value)
                    )
                ));
            }
            done.extend(fixes);
            report = check(&opts);
        }
        if !done.is_empty() {
            out.push('\n');
        }
    }
    out.push_str(&render(&report, &global.dir));
    print(&out);
    Ok(Exit::findings_if(report.problems() > 0))
}

/// Sets one git config value where `--fix` writes.
fn apply(opts: &SetupOptions, scope: Scope, key: &str, value: &str) -> Result<(), Error> {
    match scope {
        Scope::Local => {
            let repo =
                crate::git::discover(opts.dir).ok_or_else(|| Error::user(t!("cli.not_in_git")))?;
            crate::git::set_local_config(&repo, key, value)?;
        }
        Scope::Global => crate::git::GitConfig::set_global(key, value)?,
    }
    Ok(())
}

fn render(report: &Report, dir: &std::path::Path) -> String {
    let mut s = String::new();
    let place = report.root.as_deref().unwrap_or(dir).display().to_string();
    s.push_str(&t!("cli.setup.header", dir = place));
    s.push('\n');
    for c in &report.checks {
        let mark = match c.status {
            Status::Ok => "✓",
            Status::Problem => "✗",
            Status::Note => "·",
        };
        s.push_str(&format!("  {mark} {}\n", c.what));
        for (i, f) in c.fix.iter().enumerate() {
            let label = if i == 0 {
                t!("cli.setup.fix_label").into_owned()
            } else {
                " ".repeat(unicode_width::UnicodeWidthStr::width(
                    t!("cli.setup.fix_label").as_ref(),
                ))
            };
            for (j, line) in f.lines().enumerate() {
                let l = if j == 0 {
                    label.clone()
                } else {
                    " ".repeat(unicode_width::UnicodeWidthStr::width(label.as_str()))
                };
                s.push_str(&format!("      {l}{line}\n"));
            }
        }
    }
    let problems = report.problems();
    let fixable = report.fixes().len();
    s.push_str(&if problems == 0 {
        t!("cli.setup.all_good").into_owned()
    } else if fixable > 0 {
        t!("cli.setup.problems_fixable", n = problems, m = fixable).into_owned()
    } else {
        t!("cli.setup.problems", n = problems).into_owned()
    });
    s.push('\n');
    s
}
