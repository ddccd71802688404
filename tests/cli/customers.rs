//! Customer data in the encrypted store end to end: `mkt customers
//! add|open|rekey`, rule P002 (customers/*.age sealed to exactly today's
//! customer readers) and P001 in copy, on real repositories with real git,
//! real ed25519 keys (ssh-keygen) and the real binary.

use std::path::{Path, PathBuf};

use crate::common::*;
use predicates::prelude::*;
use serde_json::Value;

const SUPERVISOR: &str = "li.na";
const SPECIALIST: &str = "zhao.lei";
const FINANCE: &str = "chen.jing";
const LIST: &str = "华东会员.csv";
const STORE: &str = "customers/华东会员.csv.age";
const CSV: &str = "姓名,手机,会员等级\n王女士,13812345678,金卡\n李先生,13998765432,银卡\n";
const TODAY: &str = "2026-02-20";

/// The signed roster, and a customer list outside the repository.
fn customers_repo() -> (TestRepo, PathBuf) {
    let t = TestRepo::with_team();
    let plain = t.tmp().join("crm-export.csv");
    std::fs::write(&plain, CSV).unwrap();
    (t, plain)
}

fn add(t: &TestRepo, name: &str, from: &Path) -> std::process::Output {
    t.mkt(["customers", "add", name, "--from"])
        .arg(from)
        .output()
        .unwrap()
}

fn open_as(t: &TestRepo, key: &Path) -> std::process::Output {
    t.mkt(["customers", "open", LIST, "--key"])
        .arg(key)
        .output()
        .unwrap()
}

fn p002(json: &Value) -> Vec<Value> {
    findings(json, "P002")
}

#[test]
fn customer_data_opens_for_the_director_and_supervisors_only() {
    let (t, plain) = customers_repo();
    let out = add(&t, LIST, &plain);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{STORE}\n"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for holder in [
        "wang.fang (director, ssh-ed25519)",
        "li.na (supervisor, ssh-ed25519)",
    ] {
        assert!(stderr.contains(holder), "{stderr}");
    }
    assert!(!stderr.contains(FINANCE), "{stderr}");

    // Only ciphertext went into the repository.
    let stored = std::fs::read(t.path(STORE)).unwrap();
    assert!(stored.starts_with(b"age-encryption.org/v1\n"));
    let text = String::from_utf8_lossy(&stored);
    assert!(!text.contains("13812345678") && !text.contains("王女士"));

    for person in [DIRECTOR, SUPERVISOR] {
        let out = open_as(&t, &t.key_file(person));
        assert_eq!(out.status.code(), Some(0), "{person}: {out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), CSV, "{person}");
    }
    for person in [SPECIALIST, FINANCE] {
        let out = open_as(&t, &t.key_file(person));
        assert_eq!(out.status.code(), Some(2), "{person}: {out:?}");
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("this customer data is not encrypted to your key"),
            "{stderr}"
        );
        assert!(stderr.contains("encrypted to wang.fang, li.na"), "{stderr}");
    }

    // With or without .age; to a file outside, never inside.
    let outside = t.tmp().join("会员.csv");
    t.mkt(["customers", "open", "华东会员.csv.age", "--key"])
        .arg(t.key_file(SUPERVISOR))
        .arg("--out")
        .arg(&outside)
        .assert()
        .code(0);
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), CSV);
    t.mkt(["customers", "open", LIST, "--key"])
        .arg(t.key_file(SUPERVISOR))
        .arg("--out")
        .arg(t.path("customers/会员.csv"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("inside the repository"));
    assert!(!t.path("customers/会员.csv").exists());

    // The store lints clean (P002 and F003 alike) once committed.
    t.commit_all("customers: 华东会员", "2026-02-01T10:00:00+08:00");
    let json = t.lint_json(TODAY);
    assert_no(&json, "P002");
    assert_no(&json, "F003");
}

#[test]
fn customers_add_refuses_bad_input_and_never_overwrites() {
    let (t, plain) = customers_repo();
    t.mkt(["customers", "add", "../x", "--from"])
        .arg(&plain)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("customer data name"));
    t.mkt(["customers", "add", "x.csv", "--from"])
        .arg(t.tmp().join("missing.csv"))
        .assert()
        .code(2);
    assert!(!t.path("customers").exists());
    t.mkt(["customers", "rekey", "--key"])
        .arg(t.key_file(DIRECTOR))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "customers/ holds no encrypted customer data",
        ));
    assert_eq!(add(&t, LIST, &plain).status.code(), Some(0));
    // Someone who cannot open the store cannot rekey it; nothing changes.
    let sealed = std::fs::read(t.path(STORE)).unwrap();
    t.mkt(["customers", "rekey", "--key"])
        .arg(t.key_file(SPECIALIST))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not encrypted to your key"))
        .stderr(predicate::str::contains("nothing was changed"));
    assert_eq!(std::fs::read(t.path(STORE)).unwrap(), sealed);
    let before = std::fs::read(t.path(STORE)).unwrap();
    t.mkt(["customers", "add", LIST, "--from"])
        .arg(&plain)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("mkt customers rekey"));
    assert_eq!(std::fs::read(t.path(STORE)).unwrap(), before);
    t.mkt(["customers", "open", "别的名单", "--key"])
        .arg(t.key_file(DIRECTOR))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("customers/ holds: 华东会员.csv"));
}

#[test]
fn p002_plaintext_in_customers_and_a_store_sealed_to_an_old_roster() {
    let (t, plain) = customers_repo();
    assert_eq!(add(&t, LIST, &plain).status.code(), Some(0));
    t.commit_all("customers: 华东会员", "2026-02-01T10:00:00+08:00");
    assert_no(&t.lint_json(TODAY), "P002");

    // A plaintext export dropped into customers/.
    let csv = "customers/回访名单.csv";
    t.write(csv, CSV);
    // 周敏 becomes a supervisor: her key, the roster change signed by the admin.
    let (key, public) = keygen(&t, "zhou.min", &["-t", "ed25519", "-N", ""]);
    let team = format!(
        "{}\n[[people]]\nid = \"zhou.min\"\nname = \"周敏\"\nemail = \"zhou.min@example.com\"\nroles = [\"supervisor\"]\ngroup = \"channel\"\n\n[[people.keys]]\nssh = \"{public}\"\nvalid_from = 2026-01-01\n",
        t.read("team.toml")
    );
    t.write("team.toml", &team);
    t.commit_roster(
        "team: 周敏 joins as supervisor",
        "2026-02-02T10:00:00+08:00",
    );

    let json = t.lint_expect(TODAY, 1);
    let found = p002(&json);
    assert_eq!(found.len(), 2, "{json:#}");
    // In path order: 华 sorts before 回.
    assert_at(&found[1], "P002", csv, 1, 1, "error");
    assert!(found[1]["message"].as_str().unwrap().contains("plaintext"));
    assert!(
        found[1]["help"]
            .as_str()
            .unwrap()
            .contains("mkt customers add 回访名单.csv --from FILE"),
        "{json:#}"
    );
    assert_at(&found[0], "P002", STORE, 1, 1, "error");
    assert_eq!(
        found[0]["message"],
        "华东会员.csv.age is not sealed to exactly today's customer readers (director and supervisor): not to zhou.min (ssh-ed25519)"
    );
    assert!(
        found[0]["help"]
            .as_str()
            .unwrap()
            .contains("mkt customers rekey")
    );
    // She cannot read it yet.
    assert_eq!(open_as(&t, &key).status.code(), Some(2));

    // A reader rekeys: the plaintext is left alone, and named.
    let out = t
        .mkt(["customers", "rekey", "--key"])
        .arg(t.key_file(SUPERVISOR))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{STORE}\n"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("can read them now: zhou.min"), "{stderr}");
    assert!(
        stderr.contains(&format!("{csv} is not encrypted (P002)")),
        "{stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&open_as(&t, &key).stdout), CSV);

    // The plaintext goes into the store instead, and is deleted.
    let outside = t.tmp().join("回访名单.csv");
    std::fs::rename(t.path(csv), &outside).unwrap();
    assert_eq!(add(&t, "回访名单.csv", &outside).status.code(), Some(0));
    t.commit_all("customers: rekeyed", "2026-02-03T10:00:00+08:00");
    assert_no(&t.lint_json(TODAY), "P002");
}

#[test]
fn p002_follows_the_signed_policy_and_rekey_follows_it_too() {
    let (t, plain) = customers_repo();
    assert_eq!(add(&t, LIST, &plain).status.code(), Some(0));
    t.commit_all("customers: 华东会员", "2026-02-01T10:00:00+08:00");

    // An unsigned edit names no reader: the policy in force is unchanged.
    t.replace(
        "policy.toml",
        "customer_readers = [\"director\", \"supervisor\"]",
        "customer_readers = [\"director\"]",
    );
    t.commit_all("policy: unsigned", "2026-02-02T10:00:00+08:00");
    assert_no(&t.lint_json(TODAY), "P002");

    // Signed by the admin, it counts: li.na may no longer read.
    t.git(&["reset", "-q", "--soft", "HEAD~1"]);
    t.commit_roster(
        "policy: only the director reads customer data",
        "2026-02-02T10:00:00+08:00",
    );
    let json = t.lint_expect(TODAY, 1);
    let found = p002(&json);
    assert_eq!(found.len(), 1, "{json:#}");
    t.mkt(["lint", "--today", TODAY])
        .env("MKT_LANG", "zh-CN")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "华东会员.csv.age 没有恰好加密给今天的客户信息查看人（director）：多加密给了 li.na",
        ))
        .stdout(predicate::str::contains("请运行 `mkt customers rekey`"));
    assert_eq!(
        found[0]["message"],
        "华东会员.csv.age is not sealed to exactly today's customer readers (director): also to li.na"
    );
    let out = t
        .mkt(["customers", "rekey", "--key"])
        .arg(t.key_file(DIRECTOR))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("can no longer read the new versions: li.na"),
        "{stderr}"
    );
    assert_no(&t.lint_json(TODAY), "P002");
    assert_eq!(open_as(&t, &t.key_file(SUPERVISOR)).status.code(), Some(2));
}

#[test]
fn p002_a_fake_age_file_and_a_sealed_file_without_the_extension() {
    let (t, plain) = customers_repo();
    t.write(
        "customers/名单.age",
        "age-encryption.org/v1\n王女士,13812345678\n",
    );
    assert_eq!(add(&t, LIST, &plain).status.code(), Some(0));
    std::fs::rename(t.path(STORE), t.path("customers/华东会员.csv")).unwrap();
    t.write("customers/2026/旧名单.csv.age", "x");
    let json = t.lint_expect(TODAY, 1);
    let found = p002(&json);
    assert_eq!(found.len(), 2, "{json:#}");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("华东会员.csv is sealed but not named <name>.age"),
        "{json:#}"
    );
    assert!(
        found[1]["message"]
            .as_str()
            .unwrap()
            .contains("not a whole age file")
    );
    // Only customers/<name> belongs there.
    assert_one(
        &json,
        "F003",
        "customers/2026/旧名单.csv.age",
        1,
        1,
        "error",
    );
}

// ------------------------------------------------------------------ P001 in copy

const ID: &str = "春季促销-2026-03V1";
const COPY: &str = "campaigns/春季促销-2026-03V1/content/朋友圈文案.md";

#[test]
fn p001_a_customer_number_in_copy() {
    let t = TestRepo::with_team();
    t.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    t.commit_all("plan", "2026-01-20T10:00:00+08:00");
    let copy = "# 春日花茶\n\n恭喜中奖用户王女士（138 1234 5678）！\n";
    t.write(COPY, copy);
    let json = t.lint_json("2026-02-10");
    let (line, col) = pos(copy, "138 1234 5678");
    assert_one(&json, "P001", COPY, line, col, "error");
    let f = &findings(&json, "P001")[0];
    assert!(
        f["help"].as_str().unwrap().contains("mkt customers add"),
        "{json:#}"
    );

    // The hotline, prices and dates are not a customer's.
    t.write(
        COPY,
        "# 春日花茶\n\n恭喜中奖用户王女士（尾号 5678）！客服热线 400-820-8820，\n3 月 1 日起 128 元。\n",
    );
    assert_no(&t.lint_json("2026-02-10"), "P001");
}

// ------------------------------------------------------------------ explain

#[test]
fn explain_p001_and_p002_in_both_languages() {
    let t = TestRepo::with_team();
    let say = |code: &str, lang: &str| {
        let out = t
            .mkt(["explain", code])
            .env("MKT_LANG", lang)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let en = say("P002", "en");
    assert!(en.contains("customer-store"), "{en}");
    assert!(en.contains("制度 六(一)"), "{en}");
    assert!(
        en.contains("`governance.customer_readers` (director, supervisor)"),
        "{en}"
    );
    assert!(en.contains("mkt customers rekey"), "{en}");
    let zh = say("P002", "zh-CN");
    assert!(zh.contains("恰好加密给今天的客户信息查看人"), "{zh}");
    assert!(
        zh.contains("`governance.customer_readers`（director, supervisor）"),
        "{zh}"
    );
    assert!(zh.contains("mkt customers rekey"), "{zh}");
    let en = say("P001", "en");
    assert!(en.contains("copy (`content/*.md`, `*.txt`)"), "{en}");
    assert!(en.contains("mkt customers add"), "{en}");
    let zh = say("P001", "zh-CN");
    assert!(zh.contains("文案（`content/*.md`"), "{zh}");
    assert!(zh.contains("mkt customers add"), "{zh}");

    // The value quoted is the policy's in force.
    t.replace(
        "policy.toml",
        "customer_readers = [\"director\", \"supervisor\"]",
        "customer_readers = [\"director\"]",
    );
    let en = say("P002", "en");
    assert!(
        en.contains("`governance.customer_readers` (director)"),
        "{en}"
    );
}

#[test]
fn p001_a_customer_number_in_an_incident_and_the_example_has_none() {
    let t = TestRepo::example();
    let json = t.lint_json("2026-11-25");
    assert_no(&json, "P001");
    assert_no(&json, "P002");
    let incident = "incidents/2026-05-02-差评扩散.toml";
    t.replace(
        incident,
        "新包装漏液差评",
        "新包装漏液差评（顾客 139-8765-4321）",
    );
    let json = t.lint_json("2026-11-25");
    let (line, col) = pos(&t.read(incident), "139-8765-4321");
    assert_one(&json, "P001", incident, line, col, "error");
}

#[test]
fn p001_a_customer_number_in_a_report_or_a_waiver() {
    let t = TestRepo::example();
    let report = "reports/2026Q3.md";
    let waiver = "waivers/01-D002-wang.fang.toml";
    t.write(
        report,
        &format!(
            "{}\n回访客户 王女士 13812345678 表示满意。\n",
            t.read(report)
        ),
    );
    t.write(
        waiver,
        "code = \"D002\"\nfile = \"campaigns/中秋礼盒-2026-09V1/campaign.toml\"\n\
         reason = \"客户 13912345678 要求改期\"\nwaived_by = \"wang.fang\"\n\
         at = 2026-10-01T10:00:00+08:00\n",
    );
    let json = t.lint_json("2026-11-25");
    let found: Vec<_> = findings(&json, "P001")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let at = |file: &str, number: &str| {
        let (line, col) = pos(&t.read(file), number);
        (file.to_string(), line, col)
    };
    assert_eq!(
        found,
        [at(report, "13812345678"), at(waiver, "13912345678")],
        "{json:#}"
    );
}
