//! Snapshots of what a person sees: every command's `--help`, `mkt lint` in
//! text, GitHub and SARIF form, and the quarterly report as a table and as
//! markdown — on the example department at fixed dates, and on a small
//! repository with findings. Temp paths, commit ids and key fingerprints
//! differ between runs (the example's keys are made at init) and are
//! filtered; everything else must match the committed snapshot.
//!
//! After an intended change: `INSTA_UPDATE=always cargo test --test cli
//! screens`, then read the changed `.snap` files before committing them.

use crate::common::*;

/// The day the README's tour uses.
const TOUR_DAY: &str = "2026-11-25";

/// Snapshot settings for a screen of `t`: its temp dir, keys and commit ids
/// filtered out (also for `screens_zh` and `report_zh`).
pub(crate) fn settings(t: &TestRepo) -> insta::Settings {
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

/// stdout, stderr and exit status of `mkt ARGS` in `t`, as one text.
fn screen(t: &TestRepo, args: &[&str]) -> String {
    screen_in(t, None, args).0
}

/// stdout, stderr and exit status of `mkt ARGS` in `t` (with `MKT_LANG`
/// set to `lang`, when given), as one text; and stdout alone.
pub(crate) fn screen_in(t: &TestRepo, lang: Option<&str>, args: &[&str]) -> (String, String) {
    let mut cmd = t.mkt(args);
    let shown = match lang {
        Some(l) => {
            cmd.env("MKT_LANG", l);
            format!("$ MKT_LANG={l} mkt {}", args.join(" "))
        }
        None => format!("$ mkt {}", args.join(" ")),
    };
    screen_of(cmd, &shown)
}

/// What `cmd` shows, under the line `shown` (`$ mkt …`): stdout, stderr
/// and exit status as one text; and stdout alone.
pub(crate) fn screen_of(mut cmd: assert_cmd::Command, shown: &str) -> (String, String) {
    let mut s = format!("{shown}\n");
    let out = cmd.output().expect("mkt runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    s.push_str(&stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    if !err.is_empty() {
        s.push_str("--- stderr\n");
        s.push_str(&err);
    }
    s.push_str(&format!(
        "--- exit status {}\n",
        out.status.code().unwrap_or(-1)
    ));
    (s, stdout)
}

fn snap(t: &TestRepo, name: &str, args: &[&str]) {
    let text = screen(t, args);
    settings(t).bind(|| insta::assert_snapshot!(name, text));
}

/// The subcommands `mkt … --help` lists, without `help` itself.
fn subcommands(t: &TestRepo, path: &[&str]) -> Vec<String> {
    let mut args = path.to_vec();
    args.push("--help");
    let out = t.mkt(&args).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let Some(list) = text.split("Commands:\n").nth(1) else {
        return Vec::new();
    };
    list.lines()
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_help_page() {
    let t = TestRepo::empty();
    snap(&t, "help", &["--help"]);
    let top = subcommands(&t, &[]);
    assert!(top.len() > 15, "{top:?}");
    for cmd in top {
        snap(&t, &format!("help-{cmd}"), &[&cmd, "--help"]);
        for sub in subcommands(&t, &[&cmd]) {
            snap(&t, &format!("help-{cmd}-{sub}"), &[&cmd, &sub, "--help"]);
        }
    }
}

#[test]
fn lint_of_the_example_in_every_format_a_person_reads() {
    let t = &TestRepo::example();
    for format in ["text", "github", "sarif"] {
        snap(
            t,
            &format!("lint-example-{format}"),
            &["lint", "--today", TOUR_DAY, "--format", format],
        );
    }
}

/// A small department with findings of several kinds: a budget that does
/// not add up, a reserve outside its range, a misplaced file, minutes with
/// an unknown owner, a campaign started without approval.
fn with_findings() -> TestRepo {
    let t = TestRepo::with_team();
    let plan = t.write_campaign(
        "春季促销-2026-03V1",
        "2026-03-01",
        "2026-03-31",
        "li.na",
        80000,
        &[
            ("channel", 50000),
            ("content", 15000),
            ("event", 10000),
            ("reserve", 2000),
        ],
    );
    t.write(
        "campaigns/春季促销-2026-03V1/会议/纪要.toml",
        "kind = \"kickoff\"\n",
    );
    let minutes = t.write_minutes(
        Some("春季促销-2026-03V1"),
        "kickoff",
        "2026-02-25T10:00:00+08:00",
    );
    t.replace(
        &minutes,
        "[[agenda]]",
        "[[decisions]]\ntext = \"3月1日前完成素材\"\nowner = \"lina\"\ndue = 2026-02-28\n\n[[agenda]]",
    );
    t.commit_all("plan and kickoff", "2026-02-25T12:00:00+08:00");
    let _ = plan;
    t
}

#[test]
fn lint_with_findings_in_every_format_a_person_reads() {
    let t = with_findings();
    for format in ["text", "github", "sarif"] {
        snap(
            &t,
            &format!("lint-findings-{format}"),
            &["lint", "--today", "2026-03-05", "--format", format],
        );
    }
}

#[test]
fn the_quarterly_report_as_table_and_markdown() {
    let t = &TestRepo::example();
    for quarter in ["2026Q2", "2026Q3"] {
        for format in ["table", "markdown"] {
            snap(
                t,
                &format!("report-{quarter}-{format}"),
                &[
                    "report",
                    "--quarter",
                    quarter,
                    "--format",
                    format,
                    "--today",
                    TOUR_DAY,
                ],
            );
        }
    }
}
