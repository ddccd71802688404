//! Text from the policy (issue 16 part 7): what `mkt rules` and `mkt
//! explain` say quotes the policy in force, and who may read contracts is
//! the policy's `[governance] contract_readers`, counted once signed.

use crate::common::*;

const ID: &str = "春季促销-2026-03V1";
const PLANNED_AT: &str = "2026-01-20T10:00:00+08:00";

fn stdout(out: &std::process::Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn rules_and_explain_quote_the_reserve_range_in_force() {
    let t = TestRepo::with_team();
    // The shipped range first, in both languages.
    let en = stdout(
        &t.mkt(["explain", "B002"])
            .env("LANG", "C")
            .output()
            .unwrap(),
    );
    assert!(en.contains("reserve outside 10–15 %"), "{en}");
    assert!(en.contains("`budget.reserve_min_percent` (10)"), "{en}");

    t.replace(
        "policy.toml",
        "reserve_min_percent = 10",
        "reserve_min_percent = 5",
    );
    t.replace(
        "policy.toml",
        "reserve_max_percent = 15",
        "reserve_max_percent = 20",
    );
    let en = stdout(
        &t.mkt(["explain", "B002"])
            .env("LANG", "C")
            .output()
            .unwrap(),
    );
    assert!(en.contains("reserve outside 5–20 %"), "{en}");
    assert!(en.contains("`budget.reserve_min_percent` (5)"), "{en}");
    assert!(en.contains("`budget.reserve_max_percent` (20)"), "{en}");
    assert!(!en.contains("10–15 %"), "{en}");
    let zh = stdout(
        &t.mkt(["explain", "b2"])
            .env("LANG", "zh_CN.UTF-8")
            .output()
            .unwrap(),
    );
    assert!(zh.contains("弹性预算不在 5–20 % 之间"), "{zh}");
    assert!(zh.contains("`budget.reserve_max_percent`（20）"), "{zh}");

    let rules = stdout(&t.mkt(["rules"]).env("LANG", "C").output().unwrap());
    let b002 = rules.lines().find(|l| l.contains("B002")).unwrap();
    assert!(b002.contains("reserve outside 5–20 %"), "{b002}");
    let zh_rules = stdout(
        &t.mkt(["rules"])
            .env("LANG", "zh_CN.UTF-8")
            .output()
            .unwrap(),
    );
    assert!(zh_rules.contains("弹性预算不在 5–20 % 之间"), "{zh_rules}");

    // Other values quoted in summaries follow the policy too; nothing is
    // left as a placeholder, in the table or the JSON.
    t.replace(
        "policy.toml",
        "closing_days_after_end = 15",
        "closing_days_after_end = 9",
    );
    let json = stdout(
        &t.mkt(["rules", "--format", "json"])
            .env("LANG", "C")
            .output()
            .unwrap(),
    );
    let rules: serde_json::Value = serde_json::from_str(&json).unwrap();
    let d003 = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "D003")
        .unwrap();
    assert_eq!(d003["summary"], "closing minutes within 9 days after end");
    assert!(!json.contains("%{"), "{json}");
}

#[test]
fn outside_a_repository_the_shipped_values_are_quoted() {
    let t = TestRepo::empty();
    let en = stdout(
        &t.mkt(["explain", "B002"])
            .env("LANG", "C")
            .output()
            .unwrap(),
    );
    assert!(en.contains("reserve outside 10–15 %"), "{en}");
}

#[test]
fn a_policy_that_does_not_parse_is_said_with_its_line() {
    let t = TestRepo::with_team();
    t.replace(
        "policy.toml",
        "reserve_min_percent = 10",
        "reserve_min_percent = ",
    );
    t.mkt(["explain", "B002"])
        .env("LANG", "C")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("policy.toml:"));
}

const FINANCE: &str = "chen.jing";
const SPECIALIST: &str = "zhao.lei";

fn add_contract(t: &TestRepo) -> String {
    let plain = t.tmp().join(format!(
        "合同-{}.txt",
        t.git(&["rev-parse", "--short", "HEAD"]).trim()
    ));
    std::fs::write(&plain, "媒体投放合同\n合同金额：人民币 120000 元\n").unwrap();
    let out = t.mkt(["contract", "add", ID]).arg(&plain).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn contract_readers_are_the_signed_policys() {
    let t = TestRepo::with_team();
    t.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    t.commit_all("plan", PLANNED_AT);

    // Shipped: the director and finance (制度 三(二)).
    let said = add_contract(&t);
    assert!(said.contains(&format!("{DIRECTOR} (director")), "{said}");
    assert!(said.contains(&format!("{FINANCE} (finance")), "{said}");
    assert!(!said.contains(SPECIALIST), "{said}");

    // An unsigned edit naming the specialist's role reads nothing new: the
    // policy in force is the signed one.
    t.replace(
        "policy.toml",
        r#"contract_readers = ["director", "finance"]"#,
        r#"contract_readers = ["director", "specialist"]"#,
    );
    t.commit_all(
        "policy: specialist reads contracts",
        "2026-01-21T10:00:00+08:00",
    );
    let said = add_contract(&t);
    assert!(said.contains(&format!("{FINANCE} (finance")), "{said}");
    assert!(!said.contains(SPECIALIST), "{said}");

    // Signed by the admin, it counts: the specialist reads, finance no longer.
    t.replace(
        "policy.toml",
        "# Who may read contracts",
        "# Who may read contracts (signed)",
    );
    t.commit_all_signed("policy: signed", "2026-01-22T10:00:00+08:00", ADMIN);
    let said = add_contract(&t);
    assert!(
        said.contains(&format!("{SPECIALIST} (specialist")),
        "{said}"
    );
    assert!(!said.contains(FINANCE), "{said}");
}
