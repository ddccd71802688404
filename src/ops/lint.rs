//! `mkt lint`: every rule over the whole repository.

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::diag::{Diagnostic, Severity};
use crate::repo::Repo;
use crate::rules;
use crate::view::View;

pub struct LintResult {
    pub findings: Vec<Diagnostic>,
}

impl LintResult {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|d| d.severity == Severity::Warning && d.waived.is_none())
            .count()
    }
}

pub fn lint(repo: &Repo, today: NaiveDate, now: DateTime<FixedOffset>) -> LintResult {
    let ctx = View::new(repo, today, now);
    LintResult {
        findings: rules::check(&ctx),
    }
}
