//! `mkt report` and `mkt attribution`: the quarter (or one campaign's
//! attribution) computed from the loaded repository, and filing the
//! report under reports/.

use rust_i18n::t;

use std::path::PathBuf;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};

use crate::error::{Error, Result};
use crate::fsutil;
use crate::model::Quarter;
use crate::repo::Repo;
use crate::report::{self, CampaignAttribution, QuarterReport};

pub struct ReportOptions {
    pub quarter: Quarter,
    pub today: NaiveDate,
    pub now: DateTime<FixedOffset>,
}

/// Reads `2026Q3`, `2026-Q3` or `Q3` (in the year of `today`).
pub fn parse_quarter(s: &str, today: NaiveDate) -> Result<Quarter> {
    Quarter::parse(s, today.year()).ok_or_else(|| {
        Error::user(t!("ops.report.not_a_quarter", quarter = s))
            .hint(t!("ops.report.not_a_quarter_hint"))
    })
}

pub fn report(repo: &Repo, opts: &ReportOptions) -> QuarterReport {
    report::compute(repo, opts.quarter, opts.today, opts.now)
}

/// Where a filed report went.
pub struct Filed {
    /// Repository-relative, `reports/2026Q3.md`.
    pub path: String,
    pub absolute: PathBuf,
    pub replaced: bool,
}

/// Files `markdown` as `reports/<YYYY>Q<n>.md`, atomically; an existing
/// report is replaced only with `force`.
pub fn file_report(repo: &Repo, quarter: Quarter, markdown: &str, force: bool) -> Result<Filed> {
    let path = format!("reports/{quarter}.md");
    let absolute = repo.root.join("reports").join(format!("{quarter}.md"));
    let exists = absolute.exists();
    if exists && !force {
        return Err(Error::user(t!("ops.report.already_filed", path = path))
            .hint(t!("ops.report.already_filed_hint")));
    }
    if exists {
        fsutil::write_atomic(&absolute, markdown.as_bytes())?;
    } else {
        fsutil::create_new(&absolute, markdown.as_bytes())?;
    }
    Ok(Filed {
        path,
        absolute,
        replaced: exists,
    })
}

/// One campaign's attribution from its touchpoints.csv.
pub fn attribution(repo: &Repo, id: &str) -> Result<CampaignAttribution> {
    let Some(dir) = repo.campaigns.get(id) else {
        return Err(repo.unknown_campaign(id));
    };
    let Some(path) = &dir.touchpoints else {
        let expected = format!("{}/touchpoints.csv", dir.dir);
        if let Some(d) = repo.faults.iter().find(|d| d.at.file == expected) {
            return Err(Error::user(t!(
                "ops.report.touchpoints_unreadable",
                path = expected,
                why = d.message
            ))
            .hint(
                d.help
                    .clone()
                    .unwrap_or_else(|| t!("ops.report.fix_and_run_again").into_owned()),
            ));
        }
        return Err(Error::user(t!("ops.report.no_touchpoints", id = id))
            .hint(t!("ops.report.no_touchpoints_hint")));
    };
    let text = repo.texts.get(path).map(String::as_str).unwrap_or("");
    Ok(report::attribution::attribute(
        id,
        path,
        text,
        repo.policy.zone(),
    ))
}
