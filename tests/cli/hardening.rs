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
        assert!(
            stderr(&out).contains("write YYYY-MM-DD"),
            "{}",
            stderr(&out)
        );
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
fn a_check_dated_far_ahead_tells_missing_periods_once_with_their_count() {
    let t = TestRepo::example();
    // A year on: four quarters without a report or an audit are one finding
    // each (D007, D020), naming the first three and the count.
    let json = t.lint_json("2027-10-20");
    let reports = findings(&json, "D007");
    assert_eq!(reports.len(), 1, "{reports:#?}");
    assert_eq!(reports[0]["file"], "reports/2026Q4.md");
    assert_eq!(
        reports[0]["message"],
        "4 quarterly reports are not filed: 2026Q4, 2027Q1, 2027Q2 and 1 more, the last \
         2027Q3; each was due 10 days after its quarter"
    );
    let audits = findings(&json, "D020");
    assert_eq!(audits.len(), 1, "{audits:#?}");
    assert!(
        audits[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("no internal audit for 4 quarters: 2026Q4, 2027Q1, 2027Q2"),
        "{audits:#?}"
    );
    // Self-reviews: one finding per person, with the months' count.
    let reviews = findings(&json, "D022");
    let people: std::collections::BTreeSet<_> = reviews
        .iter()
        .map(|f| f["message"].as_str().unwrap().split(' ').next().unwrap())
        .collect();
    assert_eq!(people.len(), reviews.len(), "{reviews:#?}");
    assert!(
        reviews.iter().all(|f| f["message"]
            .as_str()
            .unwrap()
            .contains("has no self-review for 11 months")),
        "{reviews:#?}"
    );
    // Half a year on, two quarters are still told one by one.
    let json = t.lint_json("2027-06-01");
    assert_eq!(findings(&json, "D007").len(), 2);
    assert_eq!(findings(&json, "D020").len(), 2);
    // In Chinese, as people read it.
    let out = t
        .mkt(["lint", "--today", "2027-10-20"])
        .env("MKT_LANG", "zh-CN")
        .output()
        .unwrap();
    let zh = String::from_utf8_lossy(&out.stdout);
    assert!(
        zh.contains("共有 4 个季度报告未提交：2026Q4, 2027Q1, 2027Q2 等（另有 1 个）"),
        "{zh}"
    );

    // The last day a date can name: a handful of findings, and `mkt status`
    // lists three years of reports and audits, not 31,892 quarters of each.
    let out = within(&t, &["lint", "--format", "json", "--today", "9999-12-31"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(findings_all(&json).len() < 40, "{json:#}");
    let reports = findings(&json, "D007");
    assert_eq!(reports.len(), 1, "{reports:#?}");
    assert!(
        reports[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("31892 quarterly reports are not filed"),
        "{reports:#?}"
    );
    let out = within(&t, &["status", "--today", "9999-12-31"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().count() < 80, "{text}");
    assert!(text.contains("reports/9999Q3.md"), "{text}");
    assert!(!text.contains("reports/9996Q3.md"), "{text}");
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
        keyed(&serde_json::from_slice(&out.stdout).unwrap())
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

#[test]
fn a_key_that_is_not_a_key_is_a_finding_and_is_left_out_of_allowed_signers() {
    let t = TestRepo::with_team();
    let li = t.person("li.na").public_key.clone();
    let team = t.read("team.toml").replace(&li, "ssh-ed25519 这不是密钥");
    t.write("team.toml", &team);
    t.commit_roster("team: a pasted key gone wrong", "2026-01-06T09:00:00+08:00");
    let json = t.lint_json("2026-01-07");
    let f = findings(&json, "F002");
    assert_eq!(f.len(), 1, "{json:#}");
    assert_eq!(f[0]["file"], "team.toml");
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("li.na's `ssh` is not an OpenSSH public key"),
        "{f:#?}"
    );
    let (line, _) = pos(&team, "ssh-ed25519 这不是密钥");
    assert_eq!(f[0]["line"], line, "{f:#?}");
    let out = within(&t, &["team", "allowed-signers"]);
    let signers = String::from_utf8_lossy(&out.stdout);
    assert!(!signers.contains("这不是"), "{signers}");
    // li.na's real key counted until the change, and nothing of hers after.
    let hers: Vec<&str> = signers.lines().filter(|l| l.starts_with("li.na")).collect();
    assert_eq!(hers.len(), 1, "{signers}");
    assert!(hers[0].contains("valid-before=\"20260106"), "{signers}");
}

#[test]
fn a_version_with_leading_zeros_is_n001_not_a_second_v1() {
    let t = TestRepo::with_team();
    for v in ["V1", "V01", "V001"] {
        t.write_standard_campaign(&format!("a-2026-12{v}"), "2026-12-01", "2026-12-20");
    }
    let json = t.lint_json("2026-11-01");
    let mut flagged: Vec<String> = findings(&json, "N001")
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    flagged.sort();
    assert_eq!(
        flagged,
        [
            "campaigns/a-2026-12V001/campaign.toml",
            "campaigns/a-2026-12V01/campaign.toml"
        ],
        "{json:#}"
    );
}

#[test]
fn a_submodule_is_not_the_departments_files() {
    let t = TestRepo::example();
    let before = t.lint_json("2026-10-20");
    // A shared asset library, added as a submodule.
    let lib = t.tmp().join("assets");
    std::fs::create_dir_all(&lib).unwrap();
    git_in(&t.home, &lib, &["init", "-q"], None);
    std::fs::write(lib.join("logo.toml"), "not = \"a record\"\n").unwrap();
    git_in(&t.home, &lib, &["add", "-A"], None);
    git_in(
        &t.home,
        &lib,
        &[
            "-c",
            "user.name=a",
            "-c",
            "user.email=a@x",
            "commit",
            "-q",
            "-m",
            "logo",
        ],
        None,
    );
    git_in(
        &t.home,
        &t.root,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            lib.to_str().unwrap(),
            "assets",
        ],
        None,
    );
    t.commit_all("assets as a submodule", "2026-10-02T10:00:00+08:00");
    assert!(t.path(".gitmodules").exists() && t.path("assets/logo.toml").exists());
    assert_eq!(keyed(&t.lint_json("2026-10-20")), keyed(&before));
    within(&t, &["lint", "--rev", "HEAD"]);
}

#[test]
fn approving_before_the_first_commit_says_so_not_that_the_key_is_wrong() {
    let t = TestRepo::empty();
    std::fs::remove_dir(&t.root).unwrap();
    let out = mkt_in(&t.home, t.tmp())
        .args(["init", "repo", "--example"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // The folder, as someone copied it into a fresh repository.
    std::fs::remove_dir_all(t.root.join(".git")).unwrap();
    git_in(&t.home, &t.root, &["init", "-q"], None);
    let out = within(&t, &["approve", "中秋礼盒-2026-09V1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("no commit yet"), "{err}");
    assert!(!err.contains("key"), "{err}");
}

#[test]
fn git_dir_and_git_work_tree_name_the_repository_as_they_do_for_git() {
    let t = TestRepo::with_team();
    let id = "春季促销-2026-03V1";
    t.write_standard_campaign(id, "2026-03-01", "2026-03-31");
    t.commit_all("plan", "2026-02-10T10:00:00+08:00");
    // Standing in another department's clone, with git's variables
    // naming this one: mkt reads and writes this one, as git would.
    let other = TestRepo::example();
    let env = |cmd: &mut assert_cmd::Command| {
        cmd.env("GIT_DIR", t.root.join(".git"))
            .env("GIT_WORK_TREE", &t.root)
            .env("MKT_TODAY", "2026-02-20");
    };
    let mut lint = mkt_in(&t.home, &other.root);
    lint.args(["lint", "--format", "json"]);
    env(&mut lint);
    let out = lint.output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        keyed(&json),
        keyed(&t.lint_json("2026-02-20")),
        "{}",
        stderr(&out)
    );
    let mut approve = mkt_in(&t.home, &other.root);
    approve
        .args(["approve", id, "--key"])
        .arg(t.key_file("wang.fang"))
        .env("GIT_COMMITTER_DATE", "2026-02-20T10:00:00+08:00");
    env(&mut approve);
    let out = approve.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let log = t.git(&["log", "-1", "--format=%s"]);
    assert!(log.starts_with("approve(") && log.contains(id), "{log}");
    let theirs = git_in(&other.home, &other.root, &["status", "--porcelain"], None);
    assert_eq!(theirs, "", "the clone mkt stood in is untouched");
}
