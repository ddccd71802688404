use std::path::PathBuf;

use chrono::NaiveDate;
use rust_i18n::t;

use super::{Exit, Global, Outcome, print, say};
use crate::error::Error;
use crate::model::Money;
use crate::ops::results::import::{ImportOptions, Imported, Row, import};
use crate::ops::results::{SetOptions, category, results_set};
use crate::term::{self, Col};

/// KPI results of a campaign (results.toml), without editing TOML
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    Set(SetArgs),
    Import(ImportArgs),
}

/// Set the campaign's KPI totals so far, or one channel's with --channel.
///
/// Figures: exposure (曝光), clicks (点击), conversions (转化), revenue
/// (收入), new_users (新用户), repurchase_rate (复购率); counts as typed
/// (830000, 830,000, 83万). `＝` and `，` as a Chinese keyboard types them
/// are read too. The file is written, not committed: results need no
/// approval, commit them with git commit.
///
/// Examples:
///   mkt results set 春季促销-2026-03V1 exposure=830000 clicks=16400 conversions=4100
///   mkt results set 春季促销-2026-03V1 --channel wechat 曝光＝40万，点击＝9000
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct SetArgs {
    /// The campaign ID (its folder under campaigns/)
    pub id: String,
    /// FIGURE=VALUE, one or more
    #[arg(required = true, value_name = "FIGURE=VALUE")]
    pub figures: Vec<String>,
    /// Set this channel's figures ([[channel_kpi]]) instead of the campaign's
    #[arg(long)]
    pub channel: Option<String>,
}

/// Add an ad platform's CSV export to the campaign's results.
///
/// Reads UTF-8, UTF-8 with BOM and GBK (as Excel in China saves CSV). Columns
/// are matched by name through policy.toml's [import] (展示/曝光/impressions,
/// 点击/clicks, 转化/conversions, 消耗/花费/cost, 日期/date, 渠道/channel);
/// others are left out, and total rows (合计) skipped. Each row's cost
/// becomes a [[spend]], its figures are added to [kpi] and to its channel's
/// [[channel_kpi]]. It shows what it adds; a row it cannot read is named by
/// its line and nothing is written (exit 1).
///
/// Examples:
///   mkt results import 春季促销-2026-03V1 巨量引擎-3月.csv --dry-run
///   mkt results import 春季促销-2026-03V1 朋友圈广告.csv --channel wechat
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ImportArgs {
    /// The campaign ID (its folder under campaigns/)
    pub id: String,
    /// The CSV file
    pub file: PathBuf,
    /// The channel of rows without a channel column
    #[arg(long)]
    pub channel: Option<String>,
    /// The day of rows without a date column (default: today)
    #[arg(long, value_parser = super::parse_date)]
    pub date: Option<NaiveDate>,
    /// The category of the spend the cost column records
    #[arg(long, default_value = "channel")]
    pub category: String,
    /// Show what would be added; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(global: &Global, cmd: Command) -> Outcome {
    match cmd {
        Command::Set(a) => set(global, a),
        Command::Import(a) => run_import(global, a),
    }
}

fn set(global: &Global, a: SetArgs) -> Outcome {
    let repo = global.open_repo()?;
    let done = results_set(
        &repo,
        &SetOptions {
            id: super::lookup::campaign(&repo, &a.id, crate::repo::Want::Live)?,
            figures: a.figures,
            channel: a.channel,
        },
    )?;
    let whose = match &done.channel {
        Some(ch) => t!("results.set.of_channel", channel = ch),
        None => t!("results.set.of_campaign"),
    };
    for (f, before, after) in &done.changes {
        let before = before
            .as_ref()
            .map_or_else(|| "—".to_string(), ToString::to_string);
        say(&t!(
            "results.set.changed",
            whose = whose,
            figure = f.key(),
            before = before,
            after = after
        ));
    }
    after_write(global, &done.path, done.created)
}

fn run_import(global: &Global, a: ImportArgs) -> Outcome {
    let repo = global.open_repo()?;
    let path = if a.file.is_absolute() {
        a.file.clone()
    } else {
        global.dir.join(&a.file)
    };
    let shown = a.file.display().to_string();
    let bytes = crate::fsutil::read_plain(&path, 256 * 1024 * 1024).map_err(|e| {
        Error::user(t!(
            "results.import.cannot_read",
            file = shown,
            why = e.to_string()
        ))
    })?;
    let done = import(
        &repo,
        &ImportOptions {
            id: super::lookup::campaign(&repo, &a.id, crate::repo::Want::Live)?,
            file: shown.clone(),
            bytes,
            channel: a.channel,
            date: a.date.unwrap_or_else(|| global.today(repo.policy.zone())),
            category: category(&a.category, &repo.policy)?,
            dry_run: a.dry_run,
        },
    )?;
    report(&shown, &done);
    if !done.sheet.bad.is_empty() {
        for b in &done.sheet.bad {
            say(&t!(
                "results.import.bad_row",
                file = shown,
                line = b.line,
                why = b.why
            ));
        }
        say(&t!(
            "results.import.refused",
            n = done.sheet.bad.len(),
            path = done.path
        ));
        return Ok(Exit::Findings);
    }
    if let Some(line) = done.already {
        say(&t!(
            "results.import.already",
            file = shown,
            line = line,
            path = done.path
        ));
        return Ok(Exit::Findings);
    }
    if done.rows.is_empty() {
        say(&t!("results.import.no_rows", file = shown));
        return Ok(Exit::Findings);
    }
    if !done.written {
        say(&t!("results.import.dry_run", path = done.path));
        return Ok(Exit::Clean);
    }
    after_write(global, &done.path, false)
}

/// What the import reads: the columns taken, then the rows and their
/// totals as a table (stdout).
fn report(file: &str, done: &Imported) {
    let s = &done.sheet;
    let taken: Vec<String> = s
        .columns
        .iter()
        .filter_map(|(h, f)| f.map(|f| format!("{h} → {f}")))
        .collect();
    let left: Vec<&str> = s
        .columns
        .iter()
        .filter(|(_, f)| f.is_none())
        .map(|(h, _)| h.as_str())
        .collect();
    say(&t!(
        "results.import.reading",
        file = file,
        encoding = s.encoding,
        columns = taken.join(", ")
    ));
    if !left.is_empty() {
        say(&t!("results.import.left_out", columns = left.join(", ")));
    }
    for line in &s.totals_skipped {
        say(&t!("results.import.total_row", line = line));
    }
    if done.rows.is_empty() {
        return;
    }
    let has_revenue = done.rows.iter().any(|r| r.revenue.is_some());
    let mut header = vec![
        t!("results.col.line"),
        t!("results.col.date"),
        t!("results.col.channel"),
        t!("results.col.exposure"),
        t!("results.col.clicks"),
        t!("results.col.conversions"),
        t!("results.col.cost"),
    ];
    if has_revenue {
        header.push(t!("results.col.revenue"));
    }
    let header: Vec<String> = header.into_iter().map(|h| h.into_owned()).collect();
    let mut rows = Vec::new();
    let n = |v: Option<u64>| v.map_or_else(String::new, |v| v.to_string());
    let m = |v: Option<Money>| v.map_or_else(String::new, |v| v.to_string());
    let cells = |r: &Row| {
        let mut c = vec![
            r.line.to_string(),
            r.date.map_or_else(String::new, |d| d.to_string()),
            r.channel.clone().unwrap_or_default(),
            n(r.exposure),
            n(r.clicks),
            n(r.conversions),
            m(r.cost),
        ];
        if has_revenue {
            c.push(m(r.revenue));
        }
        c
    };
    for r in &done.rows {
        rows.push(cells(r));
    }
    let t = &done.totals;
    let mut total = vec![
        t!("results.col.total").into_owned(),
        String::new(),
        String::new(),
        n(t.exposure),
        n(t.clicks),
        n(t.conversions),
        m(t.cost),
    ];
    if has_revenue {
        total.push(m(t.revenue));
    }
    rows.push(total);
    // Line numbers and figures aligned right, whole; the channel wraps.
    let cols = [
        Col::WHOLE.right(),
        Col::WHOLE,
        Col::wrap(8),
        Col::WHOLE.right(),
        Col::WHOLE.right(),
        Col::WHOLE.right(),
        Col::WHOLE.right(),
        Col::WHOLE.right(),
    ];
    print(&format!("{}\n", term::table(header, rows, &cols)));
    let spends = done
        .rows
        .iter()
        .filter(|r| r.cost.is_some_and(|c| c != Money::ZERO))
        .count();
    say(&t!(
        "results.import.adds",
        rows = done.rows.len(),
        spends = spends,
        path = done.path
    ));
}

/// After results.toml is written: says so, that it is not committed, and
/// what lint now finds in it (an overspend is recorded, and shown).
pub(super) fn after_write(global: &Global, path: &str, created: bool) -> Outcome {
    if created {
        say(&t!("results.created", path = path));
    }
    say(&t!("results.written", path = path));
    let repo = global.open_repo()?;
    let zone = repo.policy.zone();
    let lint = crate::ops::lint::lint(&repo, global.today(zone), global.now(zone));
    let mut errors = false;
    for d in lint
        .findings
        .iter()
        .filter(|d| d.at.file == path && d.waived.is_none())
    {
        errors |= d.is_error();
        say(&t!(
            "results.lint_says",
            code = d.rule.code,
            line = d.at.line,
            message = d.message
        ));
    }
    Ok(Exit::findings_if(errors))
}
