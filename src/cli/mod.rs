//! The command line: clap definitions (one file per subcommand), the global
//! options, and the one place that turns errors into exit codes.

mod explain;
mod init;
mod lint;
mod rules;

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use clap::{Parser, Subcommand};

use crate::error::{Error, Result};
use crate::repo::Repo;

/// mkt — 市场部的制度，跑在 git 仓库里。
///
/// Runs a marketing department's rules out of a git repository: campaigns,
/// minutes and approvals are TOML files; policy.toml says how things are
/// named, what is due when and who approves what.
#[derive(Debug, Parser)]
#[command(name = "mkt", version, max_term_width = 100)]
#[command(
    after_help = "Examples:\n  mkt init --example demo && mkt -C demo lint --today 2026-11-25\n  mkt explain B002"
)]
pub struct Cli {
    /// Run as if started in DIR
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub chdir: Option<PathBuf>,

    /// Fix "today" for every deadline rule (YYYY-MM-DD), for CI and tests
    #[arg(long, global = true, env = "MKT_TODAY", value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<NaiveDate>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(init::Args),
    Lint(lint::Args),
    Explain(explain::Args),
    Rules(rules::Args),
}

fn parse_date(s: &str) -> std::result::Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date: write YYYY-MM-DD"))
}

/// What a command hands back: the exit code (0 clean, 1 findings).
pub type Outcome = Result<i32>;

/// The global context each command gets.
pub struct Global {
    pub dir: PathBuf,
    pub today: Option<NaiveDate>,
}

impl Global {
    pub fn open_repo(&self) -> Result<Repo> {
        Repo::open(&self.dir)
    }

    /// Today in the policy's zone, or the date fixed by --today / MKT_TODAY.
    pub fn today(&self, zone: FixedOffset) -> NaiveDate {
        self.today
            .unwrap_or_else(|| Utc::now().with_timezone(&zone).date_naive())
    }

    /// Now; with a fixed today, the end of that day (so results repeat).
    pub fn now(&self, zone: FixedOffset) -> DateTime<FixedOffset> {
        match self.today {
            Some(d) => zone
                .from_local_datetime(&d.and_hms_opt(23, 59, 59).expect("valid time"))
                .single()
                .expect("a fixed offset has no gaps"),
            None => Utc::now().with_timezone(&zone),
        }
    }
}

/// Writes to stdout; a closed pipe (`mkt lint | head`) ends quietly.
pub fn print(text: &str) {
    let mut out = anstream::stdout();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

/// Writes a line to stderr (messages, progress: never data).
pub fn say(text: &str) {
    let mut err = anstream::stderr();
    let _ = writeln!(err, "{text}");
}

pub fn main() -> i32 {
    let cli = Cli::parse();
    let global = Global {
        dir: cli.chdir.unwrap_or_else(|| PathBuf::from(".")),
        today: cli.today,
    };
    let result = match cli.command {
        Command::Init(a) => init::run(&global, a),
        Command::Lint(a) => lint::run(&global, a),
        Command::Explain(a) => explain::run(&global, a),
        Command::Rules(a) => rules::run(&global, a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            report_error(&e);
            e.exit_code()
        }
    }
}

fn report_error(e: &Error) {
    use anstyle::{AnsiColor, Style};
    let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    let cyan = Style::new().fg_color(Some(AnsiColor::Cyan.into())).bold();
    say(&format!("{red}error{red:#}: {}", e.message));
    if let Some(h) = &e.hint {
        say(&format!("{cyan}help{cyan:#}: {h}"));
    }
}
