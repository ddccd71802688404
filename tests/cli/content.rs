//! Copy, crises and contracts end to end: rules C001–C004 and D008, `mkt
//! new-incident` and `mkt contract`, on real repositories with real git,
//! real SSH keys (ssh-keygen) and the real binary.

use std::path::{Path, PathBuf};

use crate::common::*;
use predicates::prelude::*;
use rexpect::session::spawn_command;
use serde_json::Value;

const ID: &str = "春季促销-2026-03V1";
const COPY: &str = "campaigns/春季促销-2026-03V1/content/朋友圈文案.md";
/// Before the start (2026-03-01) and more than a week ahead: no deadline
/// rule speaks yet, so only what copy says is found.
const EARLY: &str = "2026-02-10";
const PLANNED_AT: &str = "2026-01-20T10:00:00+08:00";

/// The signed roster and one campaign starting 2026-03-01, committed, with
/// `copy` as its copy (uncommitted).
fn with_copy(copy: &str) -> TestRepo {
    let t = TestRepo::with_team();
    t.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    t.commit_all("plan: 春季促销", PLANNED_AT);
    t.write(COPY, copy);
    t
}

fn message(f: &Value) -> &str {
    f["message"].as_str().unwrap_or("")
}

fn help(f: &Value) -> &str {
    f["help"].as_str().unwrap_or("")
}

// ------------------------------------------------------------------ C001

const BANNED: &str =
    "# 春日花茶\n\n第一季度新品上市，第一次购买立减。最近上新的花茶，\n全网最低价，行业第一！\n";

#[test]
fn absolute_terms_are_found_at_their_character_positions() {
    let t = with_copy(BANNED);
    let json = t.lint_expect(EARLY, 1);
    let found = findings(&json, "C001");
    assert_eq!(found.len(), 2, "{json:#}");
    // 第一季度, 第一次 and 最近 are allow-listed; the line with the claims:
    assert_at(&found[0], "C001", COPY, 4, 3, "error");
    assert_at(&found[1], "C001", COPY, 4, 9, "error");
    assert_eq!((4, 3), pos(BANNED, "最低价"));
    assert_eq!((4, 9), pos(BANNED, "第一！"));
    assert!(message(&found[0]).contains("\"最低价\""), "{json:#}");
    assert!(help(&found[0]).contains("优惠价"), "{json:#}");
    assert!(message(&found[1]).contains("\"第一\""), "{json:#}");
    assert!(help(&found[1]).contains("领先"), "{json:#}");
    assert_eq!(codes(&json), ["C001", "C001"], "{json:#}");

    // As a person reads it: the caret under the term, in characters.
    t.mkt(["lint", "--today", EARLY])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error[C001]: \"第一\" is an absolute claim",
        ))
        .stdout(predicate::str::contains(format!("--> {COPY}:4:9")))
        .stdout(predicate::str::contains("4 | 全网最低价，行业第一！"))
        .stdout(predicate::str::contains("2 errors"));

    // The fix: say what is true instead.
    t.write(
        COPY,
        "# 春日花茶\n\n第一季度新品上市，第一次购买立减。最近上新的花茶，\n团购价每盒168元。\n",
    );
    t.assert_lint_clean(EARLY);
}

#[test]
fn plain_text_copy_is_checked_too() {
    let t = with_copy("x");
    t.remove(COPY);
    let txt = "campaigns/春季促销-2026-03V1/content/短信.txt";
    t.write(txt, "【月圆茶业】国家级非遗工艺，100%手工。\n");
    let json = t.lint_expect(EARLY, 1);
    let found = findings(&json, "C001");
    assert_eq!(found.len(), 2, "{json:#}");
    assert_at(&found[0], "C001", txt, 1, 7, "error");
    assert_at(&found[1], "C001", txt, 1, 15, "error");
    assert!(message(&found[1]).contains("\"100%\""), "{json:#}");
    // 100% is the absolute claim; it is not also an unsourced number.
    assert_no(&json, "C002");
}

#[test]
fn the_policy_extends_both_lists() {
    let copy = "秒杀之王来了，第一梯队的品质。\n";
    let t = with_copy(copy);
    let json = t.lint_expect(EARLY, 1);
    let found = assert_one(&json, "C001", COPY, 1, 8, "error");
    assert!(message(&found).contains("\"第一\""));

    // A department adds its own banned term and its own ordinary phrase.
    t.replace(
        "policy.toml",
        "absolute_terms = [\n",
        "absolute_terms = [\n  \"秒杀之王\",\n",
    );
    t.replace("policy.toml", "allow = [\n", "allow = [\n  \"第一梯队\",\n");
    let json = t.lint_expect(EARLY, 1);
    let found = assert_one(&json, "C001", COPY, 1, 1, "error");
    assert!(message(&found).contains("\"秒杀之王\""), "{json:#}");
    // Not in the suggestion table: the general advice.
    assert!(help(&found).contains("say what is measured"), "{json:#}");
}

// ------------------------------------------------------------------ C002

#[test]
fn a_result_claim_needs_its_period_and_source() {
    let copy = "# 会员招募\n\n上线三个月，用户突破50万！\n";
    let t = with_copy(copy);
    let json = t.lint_expect(EARLY, 0);
    let f = assert_one(&json, "C002", COPY, 3, 11, "warning");
    assert_eq!((3, 11), pos(copy, "50万"));
    assert!(message(&f).contains("\"50万\""), "{f:#}");
    assert!(message(&f).contains("period and source"), "{f:#}");
    assert_eq!(codes(&json), ["C002"]);

    // With a period but no source, it says which is missing.
    t.write(COPY, "# 会员招募\n\n今年注册用户突破50万！\n");
    let json = t.lint_expect(EARLY, 0);
    let f = assert_one(&json, "C002", COPY, 3, 9, "warning");
    assert!(message(&f).ends_with("without its source"), "{f:#}");

    // Sourced: period and source beside the number.
    t.write(
        COPY,
        "# 会员招募\n\n截至2026年1月31日，注册用户突破50万（数据来源：公司会员系统）。\n活动期间满199元减30元，限时48小时。\n",
    );
    t.assert_lint_clean(EARLY);
}

// ------------------------------------------------------------------ C003

const LEGAL: &str = "sun.li";
const STARTED: &str = "2026-03-02";
const CLEAN_COPY: &str = "# 春日花茶\n\n春风一到，新茶就到。第一次尝试我们的花茶？\n";

#[test]
fn copy_needs_a_current_legal_sign_off_by_the_start() {
    let t = with_copy(CLEAN_COPY);
    t.commit_all("copy: 朋友圈文案", "2026-02-20T10:00:00+08:00");
    // Before the start nothing is due.
    assert_no(&t.lint_json(EARLY), "C003");

    // Started, not signed off.
    let json = t.lint_json(STARTED);
    let f = assert_one(&json, "C003", COPY, 1, 1, "error");
    assert!(message(&f).contains("no sign-off by legal"), "{f:#}");
    assert!(message(&f).contains("started 2026-03-01"), "{f:#}");
    assert!(help(&f).contains(&format!("mkt sign-off {COPY}")), "{f:#}");
    assert!(help(&f).contains("sun.li (legal)"), "{f:#}");

    // Legal signs it off through the real `mkt sign-off`.
    let file = t.sign_off(LEGAL, COPY, "2026-02-26T10:00:00+08:00");
    assert_eq!(
        file,
        "campaigns/春季促销-2026-03V1/approvals/01-legal-sun.li.toml"
    );
    assert_no(&t.lint_json(STARTED), "C003");

    // Edited after the sign-off: stale, and it says so.
    t.write(COPY, &format!("{CLEAN_COPY}全场最低价！\n"));
    t.commit_all("copy: 加一句", "2026-02-27T10:00:00+08:00");
    let json = t.lint_json(STARTED);
    let f = assert_one(&json, "C003", COPY, 1, 1, "error");
    assert!(
        message(&f).contains("changed after sun.li signed it off on 2026-02-26"),
        "{f:#}"
    );
    assert!(message(&f).contains("stale"), "{f:#}");
    assert!(help(&f).contains("sign it off again"), "{f:#}");

    // Restored to the text legal signed: current again.
    t.write(COPY, CLEAN_COPY);
    t.commit_all("copy: 撤回", "2026-02-28T10:00:00+08:00");
    assert_no(&t.lint_json(STARTED), "C003");
}

#[test]
fn a_sign_off_after_the_start_stays_on_record_as_a_warning() {
    let t = with_copy(CLEAN_COPY);
    t.commit_all("copy: 朋友圈文案", "2026-02-20T10:00:00+08:00");
    t.sign_off(LEGAL, COPY, "2026-03-03T10:00:00+08:00");
    let json = t.lint_json("2026-03-04");
    let f = assert_one(&json, "C003", COPY, 1, 1, "warning");
    assert_eq!(
        message(&f),
        "legal signed this copy off on 2026-03-03, after 春季促销-2026-03V1 started 2026-03-01"
    );
}

#[test]
fn a_sign_off_by_someone_without_the_legal_role_does_not_count() {
    let t = with_copy(CLEAN_COPY);
    t.commit_all("copy: 朋友圈文案", "2026-02-20T10:00:00+08:00");
    t.mkt_as(DIRECTOR, "2026-02-26T10:00:00+08:00", &["sign-off", COPY])
        .assert()
        .code(2);
    assert_one(&t.lint_json(STARTED), "C003", COPY, 1, 1, "error");
}

#[test]
fn cancelled_campaigns_need_no_sign_off() {
    let t = with_copy(CLEAN_COPY);
    t.replace(
        "campaigns/春季促销-2026-03V1/campaign.toml",
        "cancelled = \"\"",
        "cancelled = \"预算取消\"",
    );
    t.commit_all("cancel", "2026-02-20T10:00:00+08:00");
    assert_no(&t.lint_json(STARTED), "C003");
}

// ------------------------------------------------------------------ D008

const INCIDENT: &str = "incidents/2026-05-02-差评扩散.toml";

fn incident(responded: Option<&str>, plan: Option<&str>) -> String {
    let mut s =
        "title = \"新包装漏液差评扩散\"\ndetected_at = 2026-05-02T09:00:00+08:00\n".to_string();
    if let Some(r) = responded {
        s.push_str(&format!("responded_at = {r}\n"));
    }
    if let Some(p) = plan {
        s.push_str(&format!("plan_at = {p}\n"));
    }
    s.push_str("level = \"major\"\nowner = \"wang.fang\"\ncampaign = \"\"\n");
    s
}

#[test]
fn incidents_are_answered_within_30_minutes_with_a_plan_within_2_hours() {
    let t = TestRepo::with_team();
    let day = "2026-05-03";
    t.write(
        INCIDENT,
        &incident(
            Some("2026-05-02T09:20:00+08:00"),
            Some("2026-05-02T10:40:00+08:00"),
        ),
    );
    t.assert_lint_clean(day);

    // Late response: 50 minutes.
    t.write(
        INCIDENT,
        &incident(
            Some("2026-05-02T09:50:00+08:00"),
            Some("2026-05-02T10:40:00+08:00"),
        ),
    );
    let json = t.lint_expect(day, 1);
    let f = assert_one(&json, "D008", INCIDENT, 3, 16, "error");
    assert_eq!(
        message(&f),
        "responded 50 minutes after detection; policy allows 30 minutes"
    );

    // Late plan: 2 h 30 min.
    t.write(
        INCIDENT,
        &incident(
            Some("2026-05-02T09:20:00+08:00"),
            Some("2026-05-02T11:30:00+08:00"),
        ),
    );
    let json = t.lint_expect(day, 1);
    let f = assert_one(&json, "D008", INCIDENT, 4, 11, "error");
    assert_eq!(
        message(&f),
        "planned 2 h 30 min after detection; policy allows 2 hours"
    );

    // Nothing recorded: not late before the window has passed (a fixed
    // today is read as its last second), late after.
    t.write(INCIDENT, &incident(None, None));
    assert_no(&t.lint_json("2026-05-01"), "D008");
    let json = t.lint_expect(day, 1);
    let found = findings(&json, "D008");
    assert_eq!(found.len(), 2, "{json:#}");
    assert!(
        found
            .iter()
            .any(|f| message(f).starts_with("no response recorded"))
    );
    assert!(
        found
            .iter()
            .any(|f| message(f).starts_with("no plan recorded"))
    );

    // The policy's numbers decide.
    t.replace(
        "policy.toml",
        "incident_response_minutes = 30",
        "incident_response_minutes = 60",
    );
    t.write(
        INCIDENT,
        &incident(
            Some("2026-05-02T09:50:00+08:00"),
            Some("2026-05-02T10:40:00+08:00"),
        ),
    );
    t.assert_lint_clean(day);
}

#[test]
fn new_incident_writes_a_record_that_lints_clean() {
    let t = TestRepo::with_team();
    t.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    t.commit_all("plan", PLANNED_AT);
    let out = t
        .mkt([
            "new-incident",
            "--title",
            "新包装漏液差评扩散",
            "--detected-at",
            "2026-02-18T09:00",
            "--responded-at",
            "2026-02-18T09:20",
            "--plan-at",
            "2026-02-18T10:40:00+08:00",
            "--level",
            "major",
            "--owner",
            "wang.fang",
            "--campaign",
            ID,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let path = "incidents/2026-02-18-新包装漏液差评扩散.toml";
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{path}\n"));
    let text = t.read(path);
    assert!(
        text.contains("responded_at = 2026-02-18T09:20:00+08:00\n"),
        "{text}"
    );
    assert!(text.contains(&format!("campaign = \"{ID}\"\n")), "{text}");
    t.assert_lint_clean(DEFAULT_TODAY);

    // Without the response yet: it says by when, and lint waits for it.
    let out = t
        .mkt([
            "new-incident",
            "--title",
            "KOL 直播翻车",
            "--detected-at",
            "2026-02-20T23:40",
            "--level",
            "critical",
            "--owner",
            "wang.fang",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("respond by 2026-02-21 00:10"), "{stderr}");
    assert!(
        stderr.contains("first plan by 2026-02-21 01:40"),
        "{stderr}"
    );
    assert!(t.path("incidents/2026-02-20-KOL-直播翻车.toml").is_file());
    t.assert_lint_clean(DEFAULT_TODAY);
    assert_eq!(findings(&t.lint_json("2026-02-21"), "D008").len(), 2);
}

#[test]
fn new_incident_refuses_bad_input_and_writes_nothing() {
    let t = TestRepo::with_team();
    t.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    t.commit_all("plan", PLANNED_AT);
    let at = ["--detected-at", "2026-02-18T09:00"];
    let major = ["--level", "major"];
    let owner = ["--owner", "wang.fang"];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            [&at[..], &major, &["--owner", "wang.fan"]].concat(),
            "did you mean `wang.fang`?",
        ),
        (
            [
                &at[..],
                &major,
                &owner,
                &["--campaign", "春季促销-2026-04V1"],
            ]
            .concat(),
            "there is no campaign `春季促销-2026-04V1`",
        ),
        (
            [&at[..], &owner, &["--level", "huge"]].concat(),
            "not a level",
        ),
        (
            [
                &at[..],
                &major,
                &owner,
                &["--responded-at", "2026-02-18T08:00"],
            ]
            .concat(),
            "is before --detected-at",
        ),
        (
            [&at[..], &major, &owner, &["--slug", "../x"]].concat(),
            "--slug",
        ),
        (
            [&major[..], &owner, &["--detected-at", "2026-02-25T09:00"]].concat(),
            "in the future",
        ),
        ([&at[..], &major].concat(), "missing --owner"),
    ];
    for (extra, want) in &cases {
        let mut args = vec!["new-incident", "--title", "差评扩散"];
        args.extend_from_slice(extra);
        t.mkt(&args)
            .arg("--no-input")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*want));
    }
    assert_eq!(
        t.git(&["status", "--porcelain", "--untracked-files=all"]),
        ""
    );
}

// ------------------------------------------------------------------ contracts

const FINANCE: &str = "chen.jing";
const SPECIALIST: &str = "zhao.lei";
const CONTRACT_TEXT: &str = "媒体投放合同\n甲方：月圆茶业有限公司\n合同金额：人民币 120000 元\n";

/// `with_team()`, the campaign committed, and a plaintext contract outside
/// the repository.
fn contract_repo() -> (TestRepo, PathBuf) {
    let t = TestRepo::with_team();
    t.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    t.commit_all("plan", PLANNED_AT);
    let plain = t.tmp().join("媒体投放合同.txt");
    std::fs::write(&plain, CONTRACT_TEXT).unwrap();
    (t, plain)
}

fn open_as(t: &TestRepo, key: &Path, name: &str) -> std::process::Output {
    t.mkt(["contract", "open", ID, name, "--key"])
        .arg(key)
        .output()
        .unwrap()
}

#[test]
fn a_contract_opens_for_the_director_and_finance_only() {
    let (t, plain) = contract_repo();
    let out = t.mkt(["contract", "add", ID]).arg(&plain).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let path = format!("campaigns/{ID}/contracts/媒体投放合同.txt.age");
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{path}\n"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("wang.fang (director, ssh-ed25519)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("chen.jing (finance, ssh-ed25519)"),
        "{stderr}"
    );

    // Only ciphertext went into the repository.
    let stored = std::fs::read(t.path(&path)).unwrap();
    assert!(stored.starts_with(b"age-encryption.org/v1\n"));
    assert!(
        !String::from_utf8_lossy(&stored).contains("月圆茶业"),
        "plaintext in the repository"
    );

    for person in [DIRECTOR, FINANCE] {
        let out = open_as(&t, &t.key_file(person), "媒体投放合同.txt");
        assert_eq!(out.status.code(), Some(0), "{person}: {out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            CONTRACT_TEXT,
            "{person}"
        );
    }
    let out = open_as(&t, &t.key_file(SPECIALIST), "媒体投放合同.txt.age");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("this contract is not encrypted to your key"),
        "{stderr}"
    );
    assert!(
        stderr.contains("encrypted to wang.fang, chen.jing"),
        "{stderr}"
    );

    // The key git signs with is the default.
    let key = t.key_file(FINANCE);
    t.git(&["config", "gpg.format", "ssh"]);
    t.git(&["config", "user.signingkey", key.to_str().unwrap()]);
    let outside = t.tmp().join("opened.txt");
    t.mkt(["contract", "open", ID, "媒体投放合同.txt", "--out"])
        .arg(&outside)
        .assert()
        .code(0);
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), CONTRACT_TEXT);

    // Never to a file inside the repository.
    t.mkt(["contract", "open", ID, "媒体投放合同.txt", "--out"])
        .arg(t.path("campaigns/解密.txt"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("inside the repository"));
    assert!(!t.path("campaigns/解密.txt").exists());

    // The encrypted contract lints clean; it is committed like any file.
    t.commit_all("contract", "2026-02-01T10:00:00+08:00");
    assert_no(&t.lint_json(EARLY), "C004");
}

#[test]
fn contract_add_refuses_bad_input() {
    let (t, plain) = contract_repo();
    t.mkt(["contract", "add", "春季促销-2026-04V1"])
        .arg(&plain)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("there is no campaign"));
    t.mkt(["contract", "add", ID, "--name", "../x"])
        .arg(&plain)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("contract name"));
    assert!(!t.path(&format!("campaigns/{ID}/contracts")).exists());

    // Nobody to encrypt to: no director or finance key in the roster.
    let t2 = TestRepo::new();
    t2.write(
        "team.toml",
        "[[people]]\nid = \"li.na\"\nname = \"李娜\"\nroles = [\"supervisor\"]\n\n[[people]]\nid = \"wang.fang\"\nname = \"王芳\"\nroles = [\"director\"]\n",
    );
    t2.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    t2.commit_all("plan", PLANNED_AT);
    t2.mkt(["contract", "add", ID])
        .arg(&plain)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("usable SSH key"));
    assert!(!t2.path(&format!("campaigns/{ID}/contracts")).exists());
}

#[test]
fn a_plaintext_that_starts_with_the_age_header_line_is_still_c004() {
    let (t, _) = contract_repo();
    let fake = format!("campaigns/{ID}/contracts/媒体合同.age");
    t.write(
        &fake,
        "age-encryption.org/v1\n甲方：月圆茶业\n乙方：某某传媒\n",
    );
    let armored = format!("campaigns/{ID}/contracts/场地合同.age");
    t.write(
        &armored,
        "-----BEGIN AGE ENCRYPTED FILE-----\n甲方：月圆茶业\n-----END AGE ENCRYPTED FILE-----\n",
    );
    let json = t.lint_expect(EARLY, 1);
    let found = findings(&json, "C004");
    assert_eq!(found.len(), 2, "{json:#}");
    assert!(
        message(&found[0]).contains("not a whole age file"),
        "{json:#}"
    );
}

#[test]
fn a_plaintext_file_in_contracts_is_c004() {
    let (t, _) = contract_repo();
    let pdf = format!("campaigns/{ID}/contracts/场地租赁合同.pdf");
    t.write_bytes(&pdf, b"%PDF-1.7\n...");
    // The extension proves nothing: only the age header does.
    let fake = format!("campaigns/{ID}/contracts/媒体合同.age");
    t.write(&fake, "甲方：月圆茶业\n");
    let json = t.lint_expect(EARLY, 1);
    let found = findings(&json, "C004");
    assert_eq!(found.len(), 2, "{json:#}");
    // In path order: 场 sorts before 媒.
    assert_at(&found[0], "C004", &pdf, 1, 1, "error");
    assert_at(&found[1], "C004", &fake, 1, 1, "error");
    assert!(message(&found[0]).contains("not encrypted"), "{json:#}");
    assert!(
        help(&found[0]).contains(&format!("mkt contract add {ID}")),
        "{json:#}"
    );
}

#[test]
fn rekey_lets_a_new_finance_person_read_the_contracts() {
    let (t, plain) = contract_repo();
    t.mkt(["contract", "add", ID]).arg(&plain).assert().code(0);
    t.commit_all("contract", "2026-02-01T10:00:00+08:00");

    // 周敏 joins finance: a key of her own, the roster change signed by the admin.
    let key = t.home.join(".ssh").join("zhou.min");
    let status = tool(&t.home, "ssh-keygen")
        .args([
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "zhou.min@mkt-test",
            "-f",
        ])
        .arg(&key)
        .status()
        .unwrap();
    assert!(status.success());
    let public = std::fs::read_to_string(format!("{}.pub", key.display())).unwrap();
    let team = format!(
        "{}\n[[people]]\nid = \"zhou.min\"\nname = \"周敏\"\nemail = \"zhou.min@example.com\"\nroles = [\"finance\"]\n\n[[people.keys]]\nssh = \"{}\"\nvalid_from = 2026-01-01\n",
        t.read("team.toml"),
        public.trim()
    );
    t.write("team.toml", &team);
    t.commit_roster("team: 周敏 joins finance", "2026-02-02T10:00:00+08:00");

    let out = open_as(&t, &key, "媒体投放合同.txt");
    assert_eq!(out.status.code(), Some(2), "{out:?}");

    // Someone who cannot open the contracts cannot rekey them.
    t.mkt(["contract", "rekey", ID, "--key"])
        .arg(t.key_file(SPECIALIST))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not encrypted to your key"));

    let out = t
        .mkt(["contract", "rekey", ID, "--key"])
        .arg(t.key_file(DIRECTOR))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("can read them now: zhou.min"), "{stderr}");

    for k in [key.clone(), t.key_file(FINANCE), t.key_file(DIRECTOR)] {
        let out = open_as(&t, &k, "媒体投放合同.txt");
        assert_eq!(out.status.code(), Some(0), "{}: {out:?}", k.display());
        assert_eq!(String::from_utf8_lossy(&out.stdout), CONTRACT_TEXT);
    }
    assert_eq!(
        open_as(&t, &t.key_file(SPECIALIST), "媒体投放合同.txt")
            .status
            .code(),
        Some(2)
    );
}

fn c004(json: &Value) -> Vec<Value> {
    findings(json, "C004")
}

#[test]
fn c004_a_contract_sealed_before_a_new_director_joined_until_rekey() {
    let (t, plain) = contract_repo();
    t.mkt(["contract", "add", ID]).arg(&plain).assert().code(0);
    t.commit_all("contract", "2026-02-01T10:00:00+08:00");
    assert_no(&t.lint_json(EARLY), "C004");
    let path = format!("campaigns/{ID}/contracts/媒体投放合同.txt.age");

    // 周敏 becomes a second director: her key, the roster change signed by the admin.
    let (key, public) = keygen(&t, "zhou.min", &["-t", "ed25519", "-N", ""]);
    let team = format!(
        "{}\n[[people]]\nid = \"zhou.min\"\nname = \"周敏\"\nemail = \"zhou.min@example.com\"\nroles = [\"director\"]\n\n[[people.keys]]\nssh = \"{public}\"\nvalid_from = 2026-01-01\n",
        t.read("team.toml")
    );
    t.write("team.toml", &team);
    t.commit_roster("team: 周敏 joins as director", "2026-02-02T10:00:00+08:00");

    let json = t.lint_json(EARLY);
    let found = c004(&json);
    assert_eq!(found.len(), 1, "{json:#}");
    assert_at(&found[0], "C004", &path, 1, 1, "error");
    assert_eq!(
        found[0]["message"],
        "媒体投放合同.txt.age is not sealed to exactly today's contract readers (director and finance): not to zhou.min (ssh-ed25519)"
    );
    assert!(
        help(&found[0]).contains(&format!("mkt contract rekey {ID}")),
        "{json:#}"
    );
    t.mkt(["lint", "--today", EARLY])
        .env("MKT_LANG", "zh-CN")
        .assert()
        .stdout(predicate::str::contains(
            "媒体投放合同.txt.age 没有恰好加密给今天的合同查看人（director、finance）：缺少 zhou.min (ssh-ed25519)",
        ))
        .stdout(predicate::str::contains(format!(
            "请运行 `mkt contract rekey {ID}`"
        )));
    assert_eq!(open_as(&t, &key, "媒体投放合同.txt").status.code(), Some(2));

    // A reader rekeys; the new director reads it, and lint is satisfied.
    let out = t
        .mkt(["contract", "rekey", ID, "--key"])
        .arg(t.key_file(FINANCE))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("can read them now: zhou.min"),
        "{out:?}"
    );
    let out = open_as(&t, &key, "媒体投放合同.txt");
    assert_eq!(String::from_utf8_lossy(&out.stdout), CONTRACT_TEXT);
    t.commit_all("contract: rekeyed", "2026-02-03T10:00:00+08:00");
    assert_no(&t.lint_json(EARLY), "C004");
}

#[test]
fn c004_follows_the_signed_contract_readers() {
    let (t, plain) = contract_repo();
    t.mkt(["contract", "add", ID]).arg(&plain).assert().code(0);
    t.commit_all("contract", "2026-02-01T10:00:00+08:00");

    // An unsigned edit changes nothing; signed by the admin, finance is out.
    t.replace(
        "policy.toml",
        "contract_readers = [\"director\", \"finance\"]",
        "contract_readers = [\"director\"]",
    );
    t.commit_all("policy: unsigned", "2026-02-02T10:00:00+08:00");
    assert_no(&t.lint_json(EARLY), "C004");
    t.git(&["reset", "-q", "--soft", "HEAD~1"]);
    t.commit_roster(
        "policy: only the director reads contracts",
        "2026-02-02T10:00:00+08:00",
    );
    let json = t.lint_json(EARLY);
    let found = c004(&json);
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(
        found[0]["message"],
        "媒体投放合同.txt.age is not sealed to exactly today's contract readers (director): also to chen.jing"
    );
    t.mkt(["contract", "rekey", ID, "--key"])
        .arg(t.key_file(DIRECTOR))
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "can no longer read the new versions: chen.jing",
        ));
    assert_no(&t.lint_json(EARLY), "C004");
    assert_eq!(
        open_as(&t, &t.key_file(FINANCE), "媒体投放合同.txt")
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn explain_c004_quotes_the_contract_readers_in_both_languages() {
    let t = TestRepo::with_team();
    let say = |lang: &str| {
        let out = t
            .mkt(["explain", "C004"])
            .env("MKT_LANG", lang)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let en = say("en");
    assert!(en.contains("制度 三(二)"), "{en}");
    assert!(
        en.contains("`governance.contract_readers` (director, finance)"),
        "{en}"
    );
    assert!(en.contains("mkt contract rekey"), "{en}");
    assert!(!en.contains("for the director and finance"), "{en}");
    let zh = say("zh-CN");
    assert!(zh.contains("恰好加密给今天的合同查看人"), "{zh}");
    assert!(
        zh.contains("`governance.contract_readers`（director, finance）"),
        "{zh}"
    );
    assert!(zh.contains("mkt contract rekey"), "{zh}");

    // The value quoted is the policy's in force.
    t.replace(
        "policy.toml",
        "contract_readers = [\"director\", \"finance\"]",
        "contract_readers = [\"director\", \"finance\", \"legal\"]",
    );
    let en = say("en");
    assert!(
        en.contains("`governance.contract_readers` (director, finance, legal)"),
        "{en}"
    );
}

#[test]
fn contract_add_says_nothing_of_a_size_lint_never_checks() {
    // Sealed files are listed, not read as records: no size limit applies.
    let (t, plain) = contract_repo();
    std::fs::write(&plain, CONTRACT_TEXT.repeat(200)).unwrap();
    t.replace(
        "policy.toml",
        "max_file_bytes = 1048576",
        "max_file_bytes = 8192",
    );
    t.commit_roster("policy: small files", "2026-01-21T10:00:00+08:00");
    let out = t.mkt(["contract", "add", ID]).arg(&plain).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("F001"), "{stderr}");
    assert!(!stderr.contains("max_file_bytes"), "{stderr}");
    let sealed = t.path(&format!("campaigns/{ID}/contracts/媒体投放合同.txt.age"));
    assert!(std::fs::metadata(sealed).unwrap().len() > 8192);
    t.commit_all("contract", "2026-02-01T10:00:00+08:00");
    let json = t.lint_json(EARLY);
    let contracts = format!("campaigns/{ID}/contracts/");
    for f in findings(&json, "F001") {
        assert!(
            !f["file"].as_str().unwrap_or("").starts_with(&contracts),
            "{json:#}"
        );
    }
    assert_no(&json, "C004");
}

// ------------------------------------------------------------------ the example department

const EXAMPLE_COPY: &str = "campaigns/中秋礼盒-2026-09V1/content/团购推文.md";
const EXAMPLE_TODAY: &str = "2026-11-25";

#[test]
fn the_example_copy_uses_allowed_phrases_and_lints_clean() {
    let t = TestRepo::example();
    let copy = t.read(EXAMPLE_COPY);
    assert!(
        copy.contains("第一次"),
        "the example copy has an allow-listed phrase"
    );
    let json = t.lint_expect(EXAMPLE_TODAY, 0);
    assert_eq!(codes(&json), ["D005", "D004"], "{json:#}");
}

#[test]
fn adding_a_banned_claim_to_the_example_copy() {
    let t = TestRepo::example();
    let copy = format!("{}全网最低价，行业第一！\n", t.read(EXAMPLE_COPY));
    t.write(EXAMPLE_COPY, &copy);
    let json = t.lint_expect(EXAMPLE_TODAY, 1);

    let terms = findings(&json, "C001");
    assert_eq!(terms.len(), 2, "{json:#}");
    assert_at(&terms[0], "C001", EXAMPLE_COPY, 10, 3, "error");
    assert_at(&terms[1], "C001", EXAMPLE_COPY, 10, 9, "error");
    assert_eq!(pos(&copy, "最低价"), (10, 3));

    // The copy was signed off by legal; that sign-off no longer holds.
    let f = assert_one(&json, "C003", EXAMPLE_COPY, 1, 1, "error");
    assert!(
        message(&f).contains("changed after zhou.jie signed it off"),
        "{f:#}"
    );

    t.mkt(["lint"])
        .env("MKT_TODAY", EXAMPLE_TODAY)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!("--> {EXAMPLE_COPY}:10:3")))
        .stdout(predicate::str::contains("10 | 全网最低价，行业第一！"));
}

#[test]
fn rsa_keys_receive_contracts_and_other_kinds_are_skipped_with_a_note() {
    let (t, plain) = contract_repo();
    let (rsa, rsa_pub) = keygen(&t, "ma.li", &["-t", "rsa", "-b", "2048", "-N", ""]);
    let (_, ecdsa_pub) = keygen(&t, "gao.feng", &["-t", "ecdsa", "-N", ""]);
    let team = format!(
        "{}\n[[people]]\nid = \"ma.li\"\nname = \"马力\"\nroles = [\"director\"]\n\n[[people.keys]]\nssh = \"{rsa_pub}\"\n\n[[people]]\nid = \"gao.feng\"\nname = \"高峰\"\nroles = [\"finance\"]\n\n[[people.keys]]\nssh = \"{ecdsa_pub}\"\n",
        t.read("team.toml")
    );
    t.write("team.toml", &team);
    t.commit_roster("team: 马力, 高峰", "2026-01-10T10:00:00+08:00");

    let out = t.mkt(["contract", "add", ID]).arg(&plain).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ma.li (director, ssh-rsa)"), "{stderr}");
    assert!(
        stderr.contains(
            "note: gao.feng's key was not used: ecdsa-sha2-nistp256 keys cannot receive age files"
        ),
        "{stderr}"
    );
    let out = open_as(&t, &rsa, "媒体投放合同.txt");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), CONTRACT_TEXT);
}

#[test]
fn a_passphrase_protected_key_is_asked_for_its_passphrase_once() {
    let (t, plain) = contract_repo();
    let (key, public) = keygen(&t, "ma.li", &["-t", "ed25519", "-N", "茶香四溢"]);
    let team = format!(
        "{}\n[[people]]\nid = \"ma.li\"\nname = \"马力\"\nroles = [\"director\"]\n\n[[people.keys]]\nssh = \"{public}\"\n",
        t.read("team.toml")
    );
    t.write("team.toml", &team);
    t.commit_roster("team: 马力", "2026-01-10T10:00:00+08:00");
    t.mkt(["contract", "add", ID]).arg(&plain).assert().code(0);

    // Without a person to ask: refused, saying why.
    t.mkt(["contract", "open", ID, "媒体投放合同.txt", "--key"])
        .arg(&key)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("protected by a passphrase"));

    // In a terminal: asked once (not once per recipient), then decrypted.
    // (This clone has its trust root pinned, so nothing else is asked.)
    let root = t.git(&["rev-list", "--max-parents=0", "HEAD"]);
    t.git(&["config", "mkt.trustRoot", root.trim()]);
    let out = t.tmp().join("opened.txt");
    let mut cmd = tool(&t.home, env!("CARGO_BIN_EXE_mkt"));
    cmd.current_dir(t.tmp())
        .arg("-C")
        .arg(&t.root)
        .args(["contract", "open", ID, "媒体投放合同.txt", "--key"])
        .arg(&key)
        .arg("--out")
        .arg(&out)
        .env("TERM", "xterm")
        .env("MKT_TODAY", &t.today);
    let mut p = spawn_command(cmd, Some(30_000)).unwrap();
    p.exp_string("passphrase for").unwrap();
    p.send_line("茶香四溢").unwrap();
    p.exp_string("decrypted").unwrap();
    p.exp_eof().ok();
    let status = p.process_mut().wait().unwrap();
    assert!(
        matches!(status, rexpect::process::WaitStatus::Exited(_, 0)),
        "{status:?}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), CONTRACT_TEXT);
}
