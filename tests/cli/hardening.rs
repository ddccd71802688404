//! Hardening (issue 12): each input that once made mkt panic, hang or lie,
//! reproduced on a real repository; mkt must answer with exit 0, 1 or 2,
//! in time, and say what is wrong.

use std::time::Duration;

use crate::common::*;

/// Runs mkt with a deadline: a hang fails the test instead of the suite.
fn within(t: &TestRepo, args: &[&str]) -> std::process::Output {
    let mut cmd = t.mkt(args);
    cmd.timeout(Duration::from_secs(30));
    let out = cmd.output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "mkt {args:?} ended with {:?} (a panic is 101, a timeout is a signal): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_report_with_an_attainment_too_large_for_a_percentage_prints_it() {
    let t = TestRepo::example();
    let plan = "campaigns/中秋礼盒-2026-09V1/campaign.toml";
    t.replace(
        plan,
        "roi = \"3.0\"",
        "roi = \"0.0000000000000000000000000001\"",
    );
    t.commit_all("a tiny target", "2026-10-01T10:00:00+08:00");
    for format in ["table", "markdown", "html", "json"] {
        let out = within(
            &t,
            &[
                "report",
                "--quarter",
                "2026Q3",
                "--format",
                format,
                "--today",
                "2026-10-20",
            ],
        );
        assert!(out.status.code() != Some(2), "{format}: {}", stderr(&out));
        if format == "markdown" {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains("e30 %") || text.contains("e29 %"), "{text}");
        }
    }
}

#[test]
fn dates_beyond_the_year_9999_are_refused_not_a_panic() {
    let t = TestRepo::example();
    for args in [
        &["lint", "--today", "+262142-12-31"][..],
        &["report", "--quarter", "2026Q1", "--today", "+262142-12-31"][..],
        &[
            "new-campaign",
            "--name",
            "测试",
            "--start",
            "+262142-12-31",
            "--end",
            "+262142-12-31",
            "--owner",
            "li.na",
            "--budget",
            "100",
            "--no-input",
        ][..],
    ] {
        let out = within(&t, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("years 1–9999"), "{}", stderr(&out));
    }
    // The last day a TOML file can name is fine.
    let out = within(
        &t,
        &["report", "--quarter", "9999Q4", "--today", "9999-12-31"],
    );
    assert!(out.status.code() != Some(2), "{}", stderr(&out));
    within(&t, &["status", "--today", "9999-12-31"]);
}

#[test]
fn a_fifo_at_a_record_path_is_a_finding_not_a_hang() {
    let t = TestRepo::example();
    let fifo = "campaigns/中秋礼盒-2026-09V1/minutes/2026-09-30-review.toml";
    let made = std::process::Command::new("mkfifo")
        .arg(t.path(fifo))
        .status()
        .unwrap();
    assert!(made.success());
    let out = within(&t, &["lint", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let about: Vec<_> = findings_all(&json)
        .into_iter()
        .filter(|f| f["file"] == fifo)
        .collect();
    assert_eq!(about.len(), 1, "{json:#}");
    assert!(
        about[0]["message"]
            .as_str()
            .unwrap()
            .contains("not a plain file"),
        "{about:#?}"
    );
    within(&t, &["status"]);
    within(&t, &["report", "--quarter", "2026Q3"]);
    within(&t, &["verify"]);
}

#[test]
fn a_policy_that_is_a_link_to_a_device_is_refused_at_once() {
    let t = TestRepo::example();
    std::fs::remove_file(t.path("policy.toml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", t.path("policy.toml")).unwrap();
    for cmd in ["lint", "status", "verify"] {
        let out = within(&t, &[cmd]);
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        let err = stderr(&out);
        assert!(
            err.contains("policy.toml cannot be read: it is a symbolic link"),
            "{err}"
        );
    }
    // A FIFO in its place: the same, without waiting for a writer.
    std::fs::remove_file(t.path("policy.toml")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(t.path("policy.toml"))
        .status()
        .unwrap();
    assert!(made.success());
    let out = within(&t, &["lint"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("a FIFO"), "{}", stderr(&out));
}

#[test]
fn a_checkout_with_crlf_line_endings_lints_as_the_committed_files() {
    let t = TestRepo::example();
    let lint = |dir: &std::path::Path| -> Vec<(String, String, String)> {
        let out = mkt_in(&t.home, dir)
            .args(["lint", "--format", "json", "--today", "2026-10-20"])
            .output()
            .unwrap();
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut keys: Vec<_> = findings_all(&json)
            .iter()
            .map(|f| {
                let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
                (s("code"), s("file"), s("message"))
            })
            .collect();
        keys.sort();
        keys
    };
    let lf = lint(&t.root);
    // A Windows colleague's clone: git writes CRLF into the work tree and
    // takes it back out on commit; the blobs are the same.
    let crlf = t.tmp().join("crlf");
    git_in(
        &t.home,
        t.tmp(),
        &[
            "-c",
            "core.autocrlf=true",
            "clone",
            "-q",
            t.root.to_str().unwrap(),
            crlf.to_str().unwrap(),
        ],
        None,
    );
    git_in(&t.home, &crlf, &["config", "core.autocrlf", "true"], None);
    let plan = std::fs::read(crlf.join("campaigns/中秋礼盒-2026-09V1/campaign.toml")).unwrap();
    assert!(
        plan.windows(2).any(|w| w == b"\r\n"),
        "the checkout has CRLF"
    );
    assert_eq!(
        git_in(&t.home, &crlf, &["status", "--porcelain"], None),
        "",
        "git sees it clean"
    );
    assert_eq!(lint(&crlf), lf);
}

#[test]
fn output_that_cannot_be_written_is_exit_2_never_a_quiet_0() {
    let t = TestRepo::example();
    for args in [
        &["lint"][..],
        &["lint", "--format", "json"][..],
        &["report", "--quarter", "2026Q3"][..],
        &["status"][..],
        &["--help"][..],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = tool(&t.home, env!("CARGO_BIN_EXE_mkt"))
            .arg("-C")
            .arg(&t.root)
            .env("MKT_TODAY", "2026-10-20")
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("cannot write the output"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_finding_on_a_very_long_line_shows_the_stretch_around_it_marked_right() {
    let t = TestRepo::example();
    let copy = "campaigns/中秋礼盒-2026-09V1/content/long.md";
    t.write(
        copy,
        &format!(
            "{}这是最好的产品{}\n",
            "这是很好的产品，".repeat(100),
            "，很好".repeat(100)
        ),
    );
    let out = within(&t, &["lint", copy]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("--> {copy}:1:803")), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    let shown = lines
        .iter()
        .position(|l| l.starts_with("1 | …"))
        .expect("the excerpt, cut");
    let excerpt = lines[shown];
    assert!(
        excerpt.chars().count() < 120,
        "only the stretch around the term: {excerpt}"
    );
    // The mark sits under the term, counted in display columns.
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let under = width(&excerpt[..excerpt.find("最好").unwrap()]);
    let marks = lines[shown + 1];
    assert_eq!(
        width(&marks[..marks.find('^').unwrap()]),
        under,
        "{excerpt}\n{marks}"
    );
}
