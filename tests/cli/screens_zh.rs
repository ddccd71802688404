//! Snapshots of what a person sees in Chinese (`MKT_LANG=zh-CN`): the help
//! of mkt and of `mkt lint`, `mkt status` on the example department, a
//! refusal with its hint, a mistyped flag and a wrong date. Filtered as
//! `screens` filters: temp paths, commit ids and key fingerprints.
//!
//! After an intended change: `INSTA_UPDATE=always cargo test --test cli
//! screens_zh`, then read the changed `.snap` files before committing them.

use crate::common::*;
use crate::screens::{screen_in, settings};

/// The day the README's tour uses.
const TOUR_DAY: &str = "2026-11-25";

/// stdout, stderr and exit status of `MKT_LANG=zh-CN mkt ARGS` in `t`.
fn screen(t: &TestRepo, args: &[&str]) -> String {
    screen_in(t, Some("zh-CN"), args).0
}

fn snap(t: &TestRepo, name: &str, args: &[&str]) {
    let text = screen(t, args);
    settings(t).bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn help_in_chinese() {
    let t = TestRepo::empty();
    snap(&t, "zh-help", &["--help"]);
    snap(&t, "zh-help-lint", &["lint", "--help"]);
}

#[test]
fn status_of_the_example_in_chinese() {
    let t = &TestRepo::example();
    snap(t, "zh-status-example", &["status", "--today", TOUR_DAY]);
}

#[test]
fn a_refusal_and_its_hint_in_chinese() {
    let t = TestRepo::empty();
    snap(&t, "zh-explain-unknown", &["explain", "X999"]);
}

#[test]
fn a_mistyped_flag_in_chinese() {
    let t = TestRepo::empty();
    snap(&t, "zh-error-unknown-flag", &["lint", "--fromat", "json"]);
    snap(&t, "zh-error-bad-date", &["lint", "--today", "2026-13-01"]);
}
