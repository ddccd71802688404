use rust_i18n::t;

use super::{Exit, Global, Outcome, print, say};
use crate::error::Error;
use crate::ops::report::{ReportOptions, file_report, parse_quarter, report};
use crate::report::{Section, csv, html, json, markdown, table};

/// The quarterly report: campaigns (status, owner, budget, spend, reserve
/// used, KPIs against targets, ROI), channels, approvals, meetings and
/// minutes on time, decisions by owner, lint findings, and attribution
/// from touchpoints.csv.
///
/// Amounts "to date", statuses and overdue decisions are as of today
/// (--today / MKT_TODAY), so a report can be produced again exactly.
///
/// Examples:
///   mkt report --quarter 2026Q2
///   mkt report --quarter Q3 --format html > 2026Q3.html
///   mkt report --quarter 2026-Q2 --format csv --section channels
///   mkt report --quarter 2026Q2 --format json | jq '.campaigns[] | select(.id == "618年中大促-2026-06V1")'
///   mkt report --quarter 2026Q3 --write      # files reports/2026Q3.md
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The quarter: 2026Q3, 2026-Q3, or Q3 (this year)
    #[arg(long, short = 'q', value_name = "QUARTER")]
    pub quarter: String,

    /// Output format [default: table]
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,

    /// The table to print as CSV (with --format csv)
    #[arg(long, value_enum)]
    pub section: Option<Section>,

    /// File the Markdown as reports/<YYYY>Q<n>.md (prints nothing unless --format is given)
    #[arg(long)]
    pub write: bool,

    /// With --write: replace a report already filed
    #[arg(long, requires = "write")]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Table,
    Markdown,
    Json,
    Csv,
    Html,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    let zone = repo.policy.zone();
    let today = global.today(zone);
    let quarter = parse_quarter(&args.quarter, today)?;
    match (args.format, args.section) {
        (Some(ReportFormat::Csv), None) => {
            return Err(
                Error::user(t!("cli.report.csv_needs_section")).hint(t!("cli.report.sections"))
            );
        }
        (f, Some(_)) if f != Some(ReportFormat::Csv) => {
            return Err(Error::user(t!("cli.report.section_needs_csv")));
        }
        _ => {}
    }
    let r = report(
        &repo,
        &ReportOptions {
            quarter,
            today,
            now: global.now(zone),
        },
    );
    if args.write {
        let filed = file_report(&repo, quarter, &markdown::render(&r), args.force)?;
        let key = if filed.replaced {
            "cli.report.replaced"
        } else {
            "cli.report.filed"
        };
        say(&t!(key, path = filed.path));
    }
    let format = match (args.format, args.write) {
        (Some(f), _) => f,
        (None, true) => return Ok(Exit::Clean),
        (None, false) => ReportFormat::Table,
    };
    let text = match format {
        ReportFormat::Table => table::render(&r),
        ReportFormat::Markdown => markdown::render(&r),
        ReportFormat::Json => json::render(&r),
        ReportFormat::Html => html::render(&r),
        ReportFormat::Csv => csv::render(&r, args.section.unwrap_or(Section::Campaigns)),
    };
    print(&text);
    Ok(Exit::Clean)
}
