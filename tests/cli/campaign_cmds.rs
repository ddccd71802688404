//! `mkt list`, `mkt show`, `mkt cancel`, `mkt close` on the example
//! department (`mkt init --example`), in English and Chinese.
//!
//! After an intended change: `INSTA_UPDATE=always cargo test --test cli
//! campaign_cmds`, then read the changed `.snap` files before committing.

use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use crate::common::*;
use crate::screens::{screen_in, settings};

const TODAY: &str = "2026-11-25";

fn demo() -> TestRepo {
    let mut t = TestRepo::example();
    t.today = TODAY.into();
    t
}

/// A demo person's key (made by `mkt init --example`).
fn demo_key(t: &TestRepo, id: &str) -> String {
    t.path(".git/mkt-demo-keys")
        .join(id)
        .to_str()
        .unwrap()
        .to_string()
}

fn stdout_of(t: &TestRepo, lang: &str, args: &[&str], code: i32) -> String {
    let out = t.mkt(args).env("MKT_LANG", lang).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "mkt {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn list_ids(t: &TestRepo, args: &[&str]) -> Vec<String> {
    let mut all = vec!["list", "--format", "json"];
    all.extend_from_slice(args);
    let json: Value = serde_json::from_str(&stdout_of(t, "en", &all, 0)).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn list_with_each_filter_and_as_json() {
    let t = demo();
    assert_eq!(list_ids(&t, &[]).len(), 10);
    assert_eq!(
        list_ids(&t, &["--quarter", "2026Q2"]),
        [
            "品牌焕新-2026-04V1",
            "舆情应对-2026-05V1",
            "618年中大促-2026-06V1"
        ]
    );
    // An owner by name or by id.
    let by_name = list_ids(&t, &["--owner", "刘洋"]);
    assert_eq!(
        by_name,
        [
            "品牌焕新-2026-04V1",
            "618年中大促-2026-06V1",
            "双十一预热-2026-10V1"
        ]
    );
    assert_eq!(list_ids(&t, &["--owner", "liu.yang"]), by_name);
    assert_eq!(
        list_ids(&t, &["--status", "awaiting-approval"]),
        ["元旦跨年-2026-12V1"]
    );
    assert_eq!(
        list_ids(&t, &["--status", "cancelled", "--quarter", "2026Q3"]),
        ["校园推广-2026-09V1"]
    );
    // JSON keeps English keys and words, whatever the language.
    let zh = stdout_of(
        &t,
        "zh-CN",
        &["list", "--format", "json", "--status", "ended"],
        0,
    );
    let json: Value = serde_json::from_str(&zh).unwrap();
    let c = &json[0];
    assert_eq!(c["id"], "双十一预热-2026-10V1");
    assert_eq!(c["status"], "ended");
    assert_eq!(c["owner"], "liu.yang");
    assert_eq!(c["owner_name"], "刘洋");
    assert_eq!(c["budget"], 100000);
    assert_eq!(c["start"], "2026-10-20");
    assert_eq!(
        c["waiting_for"][0],
        "hold the closing meeting; it ended 2026-11-11"
    );
    // Refusals: a status, a quarter, an owner that do not exist.
    t.mkt(["list", "--status", "open"]).assert().code(2);
    t.mkt(["list", "--quarter", "2026Q5"]).assert().code(2);
    t.mkt(["list", "--owner", "nobody"]).assert().code(2);
}

#[test]
fn list_table_is_aligned_in_both_languages() {
    let t = demo();
    for (lang, header, word) in [
        ("en", "waiting for", "awaiting approval (supervisor)"),
        ("zh-CN", "待办", "待审批（主管）"),
    ] {
        let text = stdout_of(&t, lang, &["list"], 0);
        let table: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(table.len(), 2 + 10, "{text}");
        let width = table[0].width();
        for line in &table {
            assert_eq!(line.width(), width, "misaligned:\n{text}");
        }
        assert!(table[0].contains(header), "{text}");
        assert!(text.contains(word), "{text}");
        assert!(text.contains("liu.yang 刘洋"), "{text}");
    }
}

#[test]
fn show_of_an_approved_campaign_in_both_languages() {
    let t = demo();
    for lang in ["en", "zh-CN"] {
        let (text, _) = screen_in(&t, Some(lang), &["show", "双十一预热-2026-10V1"]);
        settings(&t).bind(|| insta::assert_snapshot!(format!("show-approved-{lang}"), text));
    }
    let json: Value = serde_json::from_str(&stdout_of(
        &t,
        "zh-CN",
        &["show", "双十一预热-2026-10V1", "--format", "json"],
        0,
    ))
    .unwrap();
    assert_eq!(json["chain"][0]["stage"], "director");
    assert_eq!(json["chain"][0]["approved_by"], "wang.fang");
    assert_eq!(json["spent"], 79800);
    let history = json["history"].as_array().unwrap();
    assert_eq!(history.len(), 5, "{json:#}");
    assert_eq!(history[0]["subject"], "双十一预热方案");
    assert_eq!(history[0]["author"], "刘洋");
    assert_eq!(history[0]["date"], "2026-09-28");
    t.mkt(["show", "双十一预热-2026-10V2"]).assert().code(2);
}

fn approve_and_cancel(t: &TestRepo, lang: &str) {
    let id = "元旦跨年-2026-12V1";
    t.mkt(["approve", id, "--key", &demo_key(t, "liu.yang")])
        .env("GIT_COMMITTER_DATE", "2026-11-25T10:00:00+08:00")
        .assert()
        .success();
    // The owner may not cancel their own campaign; nothing is written.
    let head = t.git(&["rev-parse", "HEAD"]);
    t.mkt([
        "cancel",
        id,
        "--reason",
        "x",
        "--key",
        &demo_key(t, "li.na"),
    ])
    .env("MKT_LANG", lang)
    .assert()
    .code(2);
    assert_eq!(t.git(&["rev-parse", "HEAD"]), head);
    assert!(t.git(&["status", "--porcelain"]).is_empty());
    t.mkt([
        "cancel",
        id,
        "--reason",
        "预算收紧，跨年活动取消",
        "--key",
        &demo_key(t, "liu.yang"),
    ])
    .env("GIT_COMMITTER_DATE", "2026-11-25T11:00:00+08:00")
    .env("MKT_LANG", lang)
    .assert()
    .success();
}

#[test]
fn cancel_of_an_approved_campaign_keeps_lint_and_verify_green() {
    for lang in ["en", "zh-CN"] {
        let t = demo();
        approve_and_cancel(&t, lang);
        let id = "元旦跨年-2026-12V1";
        // Two commits, each exactly its change, work tree clean.
        let files = t.git(&["show", "--name-only", "--format=%s", "HEAD"]);
        assert!(
            files.contains("cancel(元旦跨年-2026-12V1): supervisor by liu.yang")
                && files.contains("approvals/02-supervisor-liu.yang.toml"),
            "{files}"
        );
        let files = t.git(&["show", "--name-only", "--format=%s", "HEAD~1"]);
        assert!(
            files.contains(&format!("campaigns/{id}/campaign.toml")),
            "{files}"
        );
        assert!(t.git(&["status", "--porcelain"]).is_empty());
        assert!(
            t.read(&format!("campaigns/{id}/campaign.toml"))
                .contains("cancelled = \"预算收紧，跨年活动取消\"")
        );
        let record = t.read(&format!(
            "campaigns/{id}/approvals/02-supervisor-liu.yang.toml"
        ));
        assert!(record.contains("decision = \"cancel\""), "{record}");

        // The demo's two warnings (D004, D005) stay; no error at all.
        let (code, json) = t.lint_run(TODAY);
        assert_eq!(code, 0, "{json:#}");
        assert_no(&json, "A005");
        assert!(
            findings_all(&json)
                .iter()
                .all(|f| f["severity"] == "warning"),
            "{json:#}"
        );
        t.mkt(["verify"]).env("MKT_LANG", lang).assert().success();

        let report = stdout_of(&t, lang, &["report", "--quarter", "2026Q4"], 0);
        let (cancelled, line) = match lang {
            "en" => (
                "cancelled",
                format!("{id} was cancelled: 预算收紧，跨年活动取消"),
            ),
            _ => ("已取消", "预算收紧，跨年活动取消".to_string()),
        };
        let row = report
            .lines()
            .find(|l| l.contains(id) && l.starts_with('|'))
            .unwrap_or_else(|| panic!("{report}"));
        assert!(row.contains(cancelled), "{report}");
        assert!(report.contains(&line), "{report}");
        let json: Value = serde_json::from_str(&stdout_of(
            &t,
            lang,
            &["list", "--format", "json", "--status", "cancelled"],
            0,
        ))
        .unwrap();
        assert_eq!(json[1]["cancelled"], "预算收紧，跨年活动取消", "{json:#}");
    }
}

#[test]
fn cancelled_by_hand_is_still_stale() {
    // Without the signed record, the approval goes stale: what mkt cancel avoids.
    let t = demo();
    let id = "元旦跨年-2026-12V1";
    t.mkt(["approve", id, "--key", &demo_key(&t, "liu.yang")])
        .env("GIT_COMMITTER_DATE", "2026-11-25T10:00:00+08:00")
        .assert()
        .success();
    t.replace(
        &format!("campaigns/{id}/campaign.toml"),
        "cancelled = \"\"",
        "cancelled = \"预算收紧\"",
    );
    t.commit_all("取消元旦跨年", "2026-11-25T11:00:00+08:00");
    let json = t.lint_expect(TODAY, 1);
    assert_eq!(findings(&json, "A005").len(), 1, "{json:#}");
    // And mkt cancel refuses what is already cancelled.
    t.mkt([
        "cancel",
        id,
        "--reason",
        "x",
        "--key",
        &demo_key(&t, "liu.yang"),
    ])
    .assert()
    .code(2);
}

#[test]
fn close_lists_what_is_missing_in_both_languages() {
    let t = demo();
    for (lang, missing) in [("en", "2 step(s) missing"), ("zh-CN", "尚缺 2 项")] {
        let out = stdout_of(&t, lang, &["close", "双十一预热-2026-10V1"], 1);
        assert!(out.contains(missing), "{out}");
        assert!(
            out.contains(
                "mkt new-minutes --kind closing --campaign 双十一预热-2026-10V1 --held-at 2026-11-25T10:00 --attendees liu.yang"
            ),
            "{out}"
        );
        assert!(out.contains("wang.fang"), "{out}");
        let closed = stdout_of(&t, lang, &["close", "中秋礼盒-2026-09V1"], 0);
        assert!(closed.contains("中秋礼盒-2026-09V1"), "{closed}");
    }
    // Closing minutes held and committed, not signed off: the sign-off is
    // what is missing, with its command.
    let path = t.add_minutes(
        Some("双十一预热-2026-10V1"),
        "closing",
        "2026-11-20T10:00:00+08:00",
    );
    let json: Value = serde_json::from_str(&stdout_of(
        &t,
        "en",
        &["close", "双十一预热-2026-10V1", "--format", "json"],
        1,
    ))
    .unwrap();
    let steps: Vec<(String, bool)> = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap().to_string(),
                s["done"].as_bool().unwrap(),
            )
        })
        .collect();
    let sign_off = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "sign-off")
        .unwrap();
    assert_eq!(
        sign_off["command"],
        format!("mkt sign-off {path}"),
        "{json:#}"
    );
    assert_eq!(json["closed"], false);
    assert!(
        steps.contains(&("closing-minutes".to_string(), true)),
        "{steps:?}"
    );
    assert!(
        steps.contains(&("sign-off".to_string(), false)),
        "{steps:?}"
    );
    // A cancelled campaign has nothing to close.
    t.mkt(["close", "校园推广-2026-09V1"]).assert().code(2);
}
