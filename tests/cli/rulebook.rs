//! Issue 16: clauses of the two rule books that the records show, each with
//! a small real repository in a violating and a compliant variant.

use crate::common::*;

/// A department with one weekly meeting in 2026Q1, so the Q1 report is due
/// 2026-04-10.
fn q1_department() -> TestRepo {
    let t = TestRepo::with_team();
    t.add_minutes(None, "weekly", "2026-01-12T10:00:00+08:00");
    t
}

// ---------------------------------------------------------------- D007

#[test]
fn d007_report_committed_late_is_caught_from_history() {
    let t = q1_department();
    // Written on time, but committed eight days after the due day.
    t.write("reports/2026Q1.md", "# 2026Q1 季度报告\n");
    let json = t.lint_expect("2026-04-18", 1);
    let f = assert_one(&json, "D007", "reports/2026Q1.md", 1, 1, "error");
    assert!(
        f["message"].as_str().unwrap().contains("never committed"),
        "{f:#}"
    );
    t.commit_all("report", "2026-04-18T10:00:00+08:00");
    t.sign_off(DIRECTOR, "reports/2026Q1.md", "2026-04-18T11:00:00+08:00");
    let json = t.lint_expect("2026-04-20", 0);
    // Its lateness is told once: the sign-off, the day it was filed, is on time.
    let f = assert_one(&json, "D007", "reports/2026Q1.md", 1, 1, "warning");
    assert_eq!(
        f["message"],
        "the 2026Q1 report was filed 2026-04-18, 8 days late (due by 2026-04-10)"
    );
    // Signed off later than the day it was filed: that is late too.
    let t = q1_department();
    t.write("reports/2026Q1.md", "# 2026Q1 季度报告\n");
    t.commit_all("report", "2026-04-08T10:00:00+08:00");
    t.sign_off(DIRECTOR, "reports/2026Q1.md", "2026-04-13T10:00:00+08:00");
    let json = t.lint_expect("2026-04-20", 0);
    let f = assert_one(&json, "D007", "reports/2026Q1.md", 1, 1, "warning");
    assert_eq!(
        f["message"],
        "reports/2026Q1.md was signed off on 2026-04-13, 3 days late (due by 2026-04-10)"
    );
}

#[test]
fn d007_a_commit_dated_before_its_parent_does_not_file_on_time() {
    let t = q1_department();
    t.commit_all("other work", "2026-04-18T09:00:00+08:00");
    t.write("reports/2026Q1.md", "# 2026Q1 季度报告\n");
    // The committer writes an on-time date; its parent is later.
    t.commit_all("report", "2026-04-08T10:00:00+08:00");
    let json = t.lint_json("2026-04-20");
    let late: Vec<_> = findings(&json, "D007")
        .into_iter()
        .filter(|f| f["message"].as_str().unwrap().contains("filed 2026-04-18"))
        .collect();
    assert_eq!(late.len(), 1, "{json:#}");
}

#[test]
fn d007_director_sign_off_is_required() {
    let t = q1_department();
    t.write("reports/2026Q1.md", "# 2026Q1 季度报告\n");
    t.commit_all("report", "2026-04-08T10:00:00+08:00");
    // Not due yet.
    t.assert_lint_clean("2026-04-10");
    let json = t.lint_expect("2026-04-11", 1);
    let f = assert_one(&json, "D007", "reports/2026Q1.md", 1, 1, "error");
    assert_eq!(
        f["message"],
        "reports/2026Q1.md has no director sign-off, due by 2026-04-10"
    );
    assert!(
        f["help"]
            .as_str()
            .unwrap()
            .contains("mkt sign-off reports/2026Q1.md"),
        "{f:#}"
    );

    let t = q1_department();
    t.write("reports/2026Q1.md", "# 2026Q1 季度报告\n");
    t.commit_all("report", "2026-04-08T10:00:00+08:00");
    t.sign_off(DIRECTOR, "reports/2026Q1.md", "2026-04-09T10:00:00+08:00");
    t.assert_lint_clean("2026-04-20");
}
