//! `mkt lint`: every rule over the whole repository.

use rust_i18n::t;

use chrono::{DateTime, FixedOffset, NaiveDate};

use std::collections::BTreeSet;

use crate::diag::{Diagnostic, Severity};
use crate::error::{Error, Result};
use crate::model::family;
use crate::repo::{Keep, Repo};
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
    lint_view(&View::new(repo, today, now))
}

fn lint_view(view: &View) -> LintResult {
    LintResult {
        findings: rules::check(view),
    }
}

/// What a change between two versions can touch, for `lint --since`.
#[derive(Debug, PartialEq, Eq)]
pub enum Scope {
    /// Something outside a campaign folder changed (the policy, the roster,
    /// department minutes, reports, …): any finding may differ.
    Whole,
    /// Only files inside these campaign families changed (a family is a
    /// campaign's folders of every version: `春季促销-2026-03` for `…V1`,
    /// `…V2`).
    Families(BTreeSet<String>),
}

/// The campaign folder a path lies in, when it lies in one, and the rest
/// of the path: `campaigns/<ID>/…` or `campaigns/<YYYY>/<ID>/…` (a folder
/// `campaigns/<YYYY>/` may hold any campaign: its rest is empty).
fn campaign_folder(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("campaigns/")?;
    let (first, inside) = rest.split_once('/')?;
    match inside.split_once('/') {
        Some(below) if crate::repo::is_year(first) => Some(below),
        _ => Some((first, inside)),
    }
}

impl Scope {
    pub fn of<'p>(changed: impl IntoIterator<Item = &'p str>) -> Scope {
        let mut families = BTreeSet::new();
        for path in changed {
            match campaign_folder(path) {
                Some((folder, _)) => families.insert(family(folder).to_string()),
                None => return Scope::Whole,
            };
        }
        Scope::Families(families)
    }

    /// Whether a file is read for a comparison within this scope: every
    /// file outside campaign folders, every campaign.toml (rules compare
    /// campaigns with each other), and all of the families in scope. A
    /// path ending in `/` is a folder: whether it may hold such a file.
    pub fn keeps(&self, path: &str) -> bool {
        let Scope::Families(families) = self else {
            return true;
        };
        match campaign_folder(path) {
            None | Some((_, "" | "campaign.toml")) => true,
            Some((folder, _)) => families.contains(family(folder)),
        }
    }

    /// Whether the families in scope are closed in `repo`: no campaign
    /// inside supersedes one outside, or the other way round (the rules
    /// read a campaign's minutes through every version it replaces).
    fn closed_in(&self, repo: &Repo) -> bool {
        let Scope::Families(families) = self else {
            return true;
        };
        repo.campaigns.iter().all(|(folder, dir)| {
            let Some(replaced) = dir.campaign.as_ref().and_then(|c| c.value.supersedes()) else {
                return true;
            };
            families.contains(family(folder)) == families.contains(family(replaced))
        })
    }
}

/// The findings of `head` (a commit, or the work tree when `None`) that
/// `base` does not have, and the repository they were found in.
///
/// When only campaign folders changed, both sides load only those
/// campaigns' families (and what every rule reads across campaigns): a
/// finding about any other campaign reads the same files on both sides and
/// cancels out, so the result is the whole comparison's at a fraction of
/// its cost. Otherwise both sides are linted whole.
pub fn new_since(
    open: &dyn Fn(Option<&str>, Keep) -> Result<Repo>,
    git: &crate::git::Repository,
    head: Option<&str>,
    base: &str,
    when: &dyn Fn(FixedOffset) -> (NaiveDate, DateTime<FixedOffset>),
) -> Result<(Repo, LintResult)> {
    let commit = |rev: &str| {
        crate::git::resolve_commit(git, rev).ok_or_else(|| {
            Error::user(t!("ops.lint.not_a_commit", rev = rev))
                .hint(t!("ops.lint.not_a_commit_hint"))
        })
    };
    let base_id = commit(base)?;
    let head_id = head.map(commit).transpose()?;
    // Both sides read nearly the same files: each blob is parsed once.
    crate::repo::share_tree_parses();
    let changed = crate::git::changed_paths(git, base_id, head_id).map_err(Error::from)?;
    let scope = Scope::of(changed.iter().map(String::as_str));
    if scope != Scope::Whole {
        let keep = |p: &str| scope.keeps(p);
        let after = open(head, &keep)?;
        let before = open(Some(base), &keep)?;
        if scope.closed_in(&after) && scope.closed_in(&before) {
            return Ok(compare(after, before, Some(&scope), when));
        }
    }
    let after = open(head, &|_| true)?;
    let before = open(Some(base), &|_| true)?;
    Ok(compare(after, before, None, when))
}

fn compare(
    after: Repo,
    before: Repo,
    scope: Option<&Scope>,
    when: &dyn Fn(FixedOffset) -> (NaiveDate, DateTime<FixedOffset>),
) -> (Repo, LintResult) {
    let (today, now) = when(after.policy.zone());
    let view = |repo| {
        let view = View::new(repo, today, now);
        match scope {
            Some(Scope::Families(f)) => view.only_families(f.clone()),
            _ => view,
        }
    };
    let mut found = lint_view(&view(&after));
    let old = lint_view(&view(&before));
    found.keep_new_since(&old);
    // The process ends soon: freeing every parsed record would only delay it.
    std::mem::forget(old);
    std::mem::forget(before);
    (after, found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_campaign_folders_narrow_the_scope() {
        let narrow = Scope::of([
            "campaigns/a-2026-01V2/minutes/x.toml",
            "campaigns/b-2026-02V1/campaign.toml",
        ]);
        assert_eq!(
            narrow,
            Scope::Families(["a-2026-01".to_string(), "b-2026-02".to_string()].into())
        );
        assert!(narrow.keeps("campaigns/a-2026-01V1/approvals/01.toml"));
        assert!(narrow.keeps("campaigns/z-2026-01V1/campaign.toml"));
        assert!(!narrow.keeps("campaigns/z-2026-01V1/minutes/x.toml"));
        assert!(narrow.keeps("minutes/2026/x.toml"));
        assert!(narrow.keeps("campaigns/2026/"));
        assert!(narrow.keeps("campaigns/2026/a-2026-01V1/approvals/01.toml"));
        assert!(narrow.keeps("campaigns/2026/z-2026-01V1/campaign.toml"));
        assert!(!narrow.keeps("campaigns/2026/z-2026-01V1/minutes/x.toml"));
        assert_eq!(
            Scope::of(["campaigns/2026/a-2026-01V2/minutes/x.toml"]),
            Scope::Families(["a-2026-01".to_string()].into())
        );
        for global in [
            "team.toml",
            "policy.toml",
            "minutes/2026/x.toml",
            "reports/2026Q1.md",
            "campaigns/stray.toml",
        ] {
            assert_eq!(
                Scope::of(["campaigns/a-2026-01V1/campaign.toml", global]),
                Scope::Whole,
                "{global}"
            );
        }
    }
}
