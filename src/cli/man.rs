use std::path::PathBuf;

use rust_i18n::t;

use super::{Exit, Global, Outcome, print, say};
use crate::error::{Error, Result};
use crate::fsutil;

const EXAMPLES: &str = "Examples:
  mkt man | man -l -                        # read mkt(1) now
  mkt man new-campaign | man -l -           # mkt-new-campaign(1): 春季促销-2026-03V1 …
  mkt man --out /usr/local/share/man/man1   # every page: mkt.1, mkt-lint.1, …";

/// Man pages for mkt (手册页), one per command
///
/// From the same definition as `--help` and the shell completions.
///
/// Without --out, prints one page (mkt's, or the named command's) as roff.
/// With --out DIR, writes mkt.1 and mkt-<command>.1 for every command there.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The command whose page to print, like new-campaign; default: mkt's own
    pub command: Option<String>,

    /// Write every page into this folder (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Every page: (file name, roff).
pub fn pages() -> Result<Vec<(String, Vec<u8>)>> {
    // In the language being spoken, as `--help` is.
    let mut cmd = super::help::command();
    cmd.build();
    let mut out = vec![("mkt.1".to_string(), render(cmd.clone())?)];
    // Once built, a subcommand's display name is `mkt-<command>` and its
    // bin name `mkt <command>`: what its page's title and synopsis show.
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        out.push((format!("mkt-{}.1", sub.get_name()), render(sub.clone())?));
    }
    Ok(out)
}

fn render(cmd: clap::Command) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut buf)
        .map_err(|e| Error::internal(format!("rendering a man page: {e}")))?;
    Ok(buf)
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let pages = pages()?;
    match args.out {
        Some(dir) => {
            let dir = if dir.is_absolute() {
                dir
            } else {
                global.dir.join(dir)
            };
            for (name, roff) in &pages {
                fsutil::write_atomic(&dir.join(name), roff)?;
            }
            say(&t!("cli.man.wrote", n = pages.len(), dir = dir.display()));
        }
        None => {
            let want = match &args.command {
                Some(c) => format!("mkt-{c}.1"),
                None => "mkt.1".to_string(),
            };
            let (_, roff) = pages.iter().find(|(n, _)| *n == want).ok_or_else(|| {
                let names: Vec<&str> = pages
                    .iter()
                    .filter_map(|(n, _)| n.strip_prefix("mkt-")?.strip_suffix(".1"))
                    .collect();
                Error::user(t!(
                    "cli.man.no_command",
                    name = args.command.as_deref().unwrap_or("")
                ))
                .hint(t!(
                    "cli.man.commands",
                    list = names.join(&t!("cli.list_sep"))
                ))
            })?;
            print(&String::from_utf8_lossy(roff));
        }
    }
    Ok(Exit::Clean)
}
