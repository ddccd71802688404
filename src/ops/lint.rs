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

    /// Keeps only the findings that `old` (the same lint at an earlier
    /// commit) did not have, matched by code, file and message — never by
    /// line number, which any edit above a finding moves.
    pub fn keep_new_since(&mut self, old: &LintResult) {
        let key = |d: &Diagnostic| (d.rule.code, d.at.file.clone(), d.message.clone());
        let mut seen: std::collections::HashMap<(&str, String, String), usize> =
            std::collections::HashMap::new();
        for d in &old.findings {
            *seen.entry(key(d)).or_default() += 1;
        }
        self.findings.retain(|d| match seen.get_mut(&key(d)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        });
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
