use std::path::PathBuf;

use super::{Exit, Global, Outcome, say};
use crate::ops::init::{InitOptions, init};
use rust_i18n::t;

/// Create a marketing repository: git init, the default policy.toml, a
/// team.toml to fill in, the folders, and a first commit.
///
/// With --example, the sample department instead: ten people, campaigns
/// like 春季促销-2026-03V1 across 2026, minutes, results, purchases, an
/// incident and reports, committed on the dates they happened.
///
/// Examples:
///   mkt init 市场部
///   mkt init --example demo && mkt -C demo lint --today 2026-11-25
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The folder (created if missing); default: the current one
    pub dir: Option<PathBuf>,

    /// Fill it with the example department, for demos and tests
    #[arg(long)]
    pub example: bool,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let dir = match args.dir {
        Some(d) if d.is_absolute() => d,
        Some(d) => global.dir.join(d),
        None => global.dir.clone(),
    };
    let done = init(&InitOptions {
        dir,
        example: args.example,
        at: global.committer_date(),
    })?;
    let shown = done.root.display();
    if args.example {
        say(&t!(
            "cli.init.example_created",
            dir = shown,
            campaigns = done.campaigns,
            files = done.files,
            commits = done.commits
        ));
        say(&t!("cli.init.example_next", dir = shown));
    } else {
        say(&t!("cli.init.created", dir = shown));
        say(&t!("cli.init.next"));
    }
    Ok(Exit::Clean)
}
