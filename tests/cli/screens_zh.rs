//! Snapshots of what a person sees in Chinese (`MKT_LANG=zh-CN`): the help
//! of mkt and of `mkt lint`, `mkt status` on the example department, a
//! refusal with its hint, a mistyped flag and a wrong date. Filtered as
//! `screens` filters: temp paths, commit ids and key fingerprints.
//!
//! After an intended change: `INSTA_UPDATE=always cargo test --test cli
//! screens_zh`, then read the changed `.snap` files before committing them.

use crate::common::*;

/// The day the README's tour uses.
const TOUR_DAY: &str = "2026-11-25";

fn settings(t: &TestRepo) -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_prepend_module_to_snapshot(false);
    s.set_snapshot_path("snapshots");
    let tmp = t.tmp().display().to_string();
    s.add_filter(&regex_escape(&tmp), "[TMP]");
    s.add_filter(r"SHA256:[A-Za-z0-9+/]{8,43}", "SHA256:[KEY]");
    s.add_filter(r"\b[0-9a-f]{40}\b", "[COMMIT]");
    s.add_filter(r"\b[0-9a-f]{10}\b", "[COMMIT]");
    s
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if r"\.+*?()|[]{}^$#&-~".contains(c) {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}

/// stdout, stderr and exit status of `MKT_LANG=zh-CN mkt ARGS` in `t`.
fn screen(t: &TestRepo, args: &[&str]) -> String {
    let out = t
        .mkt(args)
        .env("MKT_LANG", "zh-CN")
        .output()
        .expect("mkt runs");
    let mut s = format!("$ MKT_LANG=zh-CN mkt {}\n", args.join(" "));
    s.push_str(&String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8_lossy(&out.stderr);
    if !err.is_empty() {
        s.push_str("--- stderr\n");
        s.push_str(&err);
    }
    s.push_str(&format!(
        "--- exit status {}\n",
        out.status.code().unwrap_or(-1)
    ));
    s
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
