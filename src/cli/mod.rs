//! The command line: clap definitions (one file per subcommand), the global
//! options, and the one place that turns errors into exit codes.

mod approve;
mod attribution;
mod campaign_list;
mod cancel;
mod close;
mod completions;
mod contract;
mod customers;
mod explain;
mod help;
mod hook;
mod ics;
mod init;
mod lint;
mod lookup;
mod man;
mod new_audit;
mod new_campaign;
mod new_incident;
mod new_minutes;
mod new_partner;
mod new_review;
mod notify;
mod prompt;
mod report;
mod results;
mod revise;
mod rules;
mod setup;
mod show;
mod sign_off;
mod spend;
mod status;
mod team;
mod verify;
mod waive;
mod withdraw;

use std::io::Write;
use std::path::PathBuf;

use rust_i18n::t;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};
use clap::{FromArgMatches, Parser, Subcommand};

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

    /// The full id of the commit whose team.toml is trusted as it is
    /// (else git config mkt.trustRoot; else the root commit)
    #[arg(long, global = true, env = "MKT_TRUST_ROOT", value_name = "COMMIT")]
    pub trust_root: Option<String>,

    /// Read no kept result from .git/mkt (history records, signature
    /// verdicts): check everything afresh
    #[arg(long, global = true, env = "MKT_NO_CACHE", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_cache: bool,

    /// Show tables with every column in full, however wide the terminal
    /// (else they fit its width, or COLUMNS)
    #[arg(long, global = true, env = "MKT_WIDE", value_parser = clap::builder::FalseyValueParser::new())]
    pub wide: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(init::Args),
    Lint(lint::Args),
    Explain(explain::Args),
    Rules(rules::Args),
    Approve(approve::Args),
    SignOff(sign_off::Args),
    Withdraw(withdraw::Args),
    Waive(waive::Args),
    Verify(verify::Args),
    #[command(subcommand)]
    Team(team::Command),
    #[command(subcommand)]
    Hook(hook::Command),
    Report(report::Args),
    Attribution(attribution::Args),
    NewCampaign(new_campaign::Args),
    Revise(revise::Args),
    NewMinutes(new_minutes::Args),
    NewIncident(new_incident::Args),
    #[command(subcommand)]
    Contract(contract::Command),
    #[command(subcommand)]
    Customers(customers::Command),
    #[command(subcommand)]
    Spend(spend::Command),
    #[command(subcommand)]
    Results(results::Command),
    Status(status::Args),
    Notify(notify::Args),
    Completions(completions::Args),
    Man(man::Args),
    #[command(visible_alias = "doctor")]
    Setup(setup::Args),
    List(campaign_list::Args),
    Show(show::Args),
    Cancel(cancel::Args),
    Close(close::Args),
    NewAudit(new_audit::Args),
    NewReview(new_review::Args),
    NewPartner(new_partner::Args),
}

/// A date as a person writes it on the command line: `YYYY-MM-DD`, years
/// 1–9999 as in a TOML file (beyond them no deadline can be counted).
fn parse_date(s: &str) -> std::result::Result<NaiveDate, String> {
    use crate::model::keyboard::{DateError, date, days_in_month};
    // 2027-01-20, 2027/1/20, 2027.1.20, 2027年1月20日, full-width digits.
    let d = date(s).map_err(|e| match e {
        DateError::NoSuchDay(y, m, day) => t!(
            "input.no_such_day",
            s = s,
            day = day,
            month = format!("{y}-{m:02}"),
            days = days_in_month(y, m).unwrap_or(0)
        )
        .into_owned(),
        DateError::Shape => t!("cli.date.not_a_date", s = s).into_owned(),
    })?;
    if !(1..=9999).contains(&d.year()) {
        return Err(t!("cli.date.out_of_range", s = s).into_owned());
    }
    Ok(d)
}

/// Reads the forms of `GIT_COMMITTER_DATE` people use: RFC 3339, and
/// git's `@<seconds> <+zzzz>` and `YYYY-MM-DD HH:MM:SS +zzzz`.
fn parse_git_date(v: &str) -> Option<DateTime<FixedOffset>> {
    let v = v.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(v) {
        return Some(d);
    }
    if let Ok(d) = DateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S %z") {
        return Some(d);
    }
    let (ts, zone) = v.strip_prefix('@')?.split_once(' ')?;
    let secs: i64 = ts.parse().ok()?;
    let zone = DateTime::parse_from_str(
        &format!("1970-01-01 00:00:00 {zone}"),
        "%Y-%m-%d %H:%M:%S %z",
    )
    .ok()?;
    zone.offset().timestamp_opt(secs, 0).single()
}

/// How a command that ran ends. A command that could not run returns an
/// `Error` instead, whose exit status is 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Exit status 0: nothing found that is an error.
    Clean,
    /// Exit status 1: findings (errors) to fix.
    Findings,
}

impl Exit {
    pub fn findings_if(found: bool) -> Exit {
        if found { Exit::Findings } else { Exit::Clean }
    }

    pub fn code(self) -> i32 {
        match self {
            Exit::Clean => 0,
            Exit::Findings => 1,
        }
    }
}

/// The first time mkt runs in a clone with a person at the terminal and no
/// trust root pinned, it offers to record the commit it trusts now (the
/// root reached by first parents) as `mkt.trustRoot`, so that a root commit
/// merged in later can never take its place. Asked once per clone.
fn offer_trust_root(repo: &Repo) {
    use std::io::IsTerminal;
    let person = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let asked = crate::git::config_string(&repo.git, "mkt.trustRootOffered").is_some();
    let Some(root) = repo.history.commits.get(repo.trust_root) else {
        return;
    };
    if !person || asked {
        return;
    }
    let id = root.oid.to_string();
    say(&t!(
        "cli.trust.none_pinned",
        id = &id[..10],
        date = repo.policy.day_of(root.time)
    ));
    let yes = dialoguer::Confirm::new()
        .with_prompt(t!("cli.trust.record", id = id))
        .default(true)
        .interact()
        .unwrap_or(false);
    let recorded = yes && crate::git::set_local_config(&repo.git, "mkt.trustRoot", &id).is_ok();
    let _ = crate::git::set_local_config(&repo.git, "mkt.trustRootOffered", "true");
    if recorded {
        say(&t!("cli.trust.recorded"));
    } else {
        say(&t!("cli.trust.not_recorded"));
    }
}

/// What a command hands back.
pub type Outcome = Result<Exit>;

/// The global context each command gets.
pub struct Global {
    pub dir: PathBuf,
    pub today: Option<NaiveDate>,
    pub trust_root: Option<String>,
}

impl Global {
    pub fn open_repo(&self) -> Result<Repo> {
        self.open_repo_at(None)
    }

    /// The repository as commit `rev` has it (`--rev`), or the work tree.
    /// A bare repository has no work tree: its HEAD is read.
    pub fn open_repo_at(&self, rev: Option<&str>) -> Result<Repo> {
        self.open_repo_part(rev, &|_| true)
    }

    /// Like `open_repo_at`, loading only the files `keep` takes.
    pub fn open_repo_part(&self, rev: Option<&str>, keep: crate::repo::Keep) -> Result<Repo> {
        let rev = self.rev_or_bare_head(rev);
        let mut repo = match rev {
            Some(rev) => Repo::open_rev(&self.dir, rev, keep)?,
            None => Repo::open_part(&self.dir, keep)?,
        };
        crate::i18n::policy_says(repo.policy.general.language.as_deref());
        // Every answer mkt gives reads history: a shallow clone's would be wrong.
        repo.require_full_history()?;
        let pinned = self
            .trust_root
            .clone()
            .or_else(|| crate::git::config_string(&repo.git, "mkt.trustRoot"));
        match pinned {
            Some(id) => repo.set_trust_root(id.trim())?,
            None if std::env::var_os("CI").is_some() => say(&t!("cli.trust.ci_warning")),
            None => offer_trust_root(&repo),
        }
        Ok(repo)
    }

    /// The findings of `head` (the work tree when `None`) that `base` does
    /// not have (`lint --since`, the pre-receive hook).
    pub fn new_findings(
        &self,
        head: Option<&str>,
        base: &str,
    ) -> Result<(Repo, crate::ops::lint::LintResult)> {
        let git = crate::git::discover(&self.dir)
            .ok_or_else(|| crate::error::Error::user(t!("cli.not_in_git")))?;
        let head = self.rev_or_bare_head(head);
        let open = |rev: Option<&str>, keep: crate::repo::Keep| self.open_repo_part(rev, keep);
        // The day is the policy's zone's, the policy of the side checked.
        let when = |zone| (self.today(zone), self.now(zone));
        crate::ops::lint::new_since(&open, &git, head, base, &when)
    }

    /// The commit to read: `rev`, or HEAD in a bare repository (which has
    /// no work tree); `None` is the work tree.
    pub fn rev_or_bare_head<'r>(&self, rev: Option<&'r str>) -> Option<&'r str> {
        let bare =
            crate::git::discover(&self.dir).is_some_and(|g| crate::git::work_tree(&g).is_none());
        rev.or(bare.then_some("HEAD"))
    }

    /// Today in the policy's zone, or the date fixed by --today / MKT_TODAY.
    pub fn today(&self, zone: FixedOffset) -> NaiveDate {
        self.today
            .unwrap_or_else(|| Utc::now().with_timezone(&zone).date_naive())
    }

    /// The time an approval is made: `GIT_COMMITTER_DATE` when set (as git
    /// reads it), else the clock.
    pub fn clock(&self, zone: FixedOffset) -> DateTime<FixedOffset> {
        self.committer_date()
            .unwrap_or_else(|| Utc::now().with_timezone(&zone))
    }

    /// `GIT_COMMITTER_DATE`, when set and readable.
    pub fn committer_date(&self) -> Option<DateTime<FixedOffset>> {
        std::env::var("GIT_COMMITTER_DATE")
            .ok()
            .and_then(|v| parse_git_date(&v))
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
/// Writes to stdout. A reader that went away (`| head`) ends mkt quietly;
/// any other failure (a full disk, `> /dev/full`) ends it with exit 2 and
/// says so, never with 0 over a truncated report.
pub fn print(text: &str) {
    let mut out = anstream::stdout();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        output_failed(e);
    }
}

/// The end of a run whose output could not be written.
pub fn output_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    say(&t!("common.cannot_write", why = e.to_string()));
    std::process::exit(2);
}

/// Writes a line to stderr (messages, progress: never data).
pub fn say(text: &str) {
    let mut err = anstream::stderr();
    let _ = writeln!(err, "{text}");
}

pub fn main() -> i32 {
    crate::i18n::init();
    // English help is the doc comments' as they are; Chinese is the catalogue's.
    let mut cmd = help::command();
    let parsed = cmd
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|m| Cli::from_arg_matches(&m).map_err(|e| e.format(&mut cmd)));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            if let Some(text) = help::error_in_chinese(&e) {
                say(&text);
                return e.exit_code();
            }
            // Help and the version go to stdout: a failed write is exit 2.
            if let Err(io) = e.print() {
                output_failed(io);
            }
            return e.exit_code();
        }
    };
    if cli.no_cache {
        crate::git::caches_off();
    }
    crate::term::set_wide(cli.wide);
    let global = Global {
        dir: cli.chdir.unwrap_or_else(|| PathBuf::from(".")),
        today: cli.today,
        trust_root: cli.trust_root,
    };
    let result = match cli.command {
        Command::Init(a) => init::run(&global, a),
        Command::Lint(a) => lint::run(&global, a),
        Command::Explain(a) => explain::run(&global, a),
        Command::Rules(a) => rules::run(&global, a),
        Command::Approve(a) => approve::run(&global, a),
        Command::SignOff(a) => sign_off::run(&global, a),
        Command::Withdraw(a) => withdraw::run(&global, a),
        Command::Waive(a) => waive::run(&global, a),
        Command::Verify(a) => verify::run(&global, a),
        Command::Team(c) => team::run(&global, c),
        Command::Hook(c) => hook::run(&global, c),
        Command::Report(a) => report::run(&global, a),
        Command::Attribution(a) => attribution::run(&global, a),
        Command::NewCampaign(a) => new_campaign::run(&global, a),
        Command::Revise(a) => revise::run(&global, a),
        Command::NewMinutes(a) => new_minutes::run(&global, a),
        Command::NewIncident(a) => new_incident::run(&global, a),
        Command::Contract(c) => contract::run(&global, c),
        Command::Customers(c) => customers::run(&global, c),
        Command::Spend(c) => spend::run(&global, c),
        Command::Results(c) => results::run(&global, c),
        Command::Status(a) => status::run(&global, a),
        Command::Notify(a) => notify::run(&global, a),
        Command::Completions(a) => completions::run(&global, a),
        Command::Man(a) => man::run(&global, a),
        Command::Setup(a) => setup::run(&global, a),
        Command::List(a) => campaign_list::run(&global, a),
        Command::Show(a) => show::run(&global, a),
        Command::Cancel(a) => cancel::run(&global, a),
        Command::Close(a) => close::run(&global, a),
        Command::NewAudit(a) => new_audit::run(&global, a),
        Command::NewReview(a) => new_review::run(&global, a),
        Command::NewPartner(a) => new_partner::run(&global, a),
    };
    match result {
        Ok(exit) => exit.code(),
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
    let (error, help, note) = (t!("common.error"), t!("common.help"), t!("common.note"));
    // The label keeps its colon (and, in Chinese, a full-width one).
    say(&format!("{red}{error}{red:#}{}", e.message));
    if let Some(h) = &e.hint {
        say(&format!("{cyan}{help}{cyan:#}{h}"));
    }
    if e.kind == crate::error::ErrorKind::Internal {
        say(&format!(
            "{cyan}{note}{cyan:#}{}",
            t!("common.bug", version = env!("CARGO_PKG_VERSION"))
        ));
    }
}
