//! Issue 16: clauses of the two rule books that the records show, each with
//! a small real repository in a violating and a compliant variant.

use crate::common::*;

/// A department with its quarterly strategy meeting in 2026Q1 (the CEO and
/// the department head attending, D013; the next one not due before Q2
/// ends, D014), so the Q1 report is due 2026-04-10.
fn q1_department() -> TestRepo {
    let t = TestRepo::with_team();
    t.add_quarterly_meeting("2026-01-09T10:00:00+08:00");
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

// ---------------------------------------------------------------- D002

const ID: &str = "春季促销-2026-03V1";
const CAMPAIGN: &str = "campaigns/春季促销-2026-03V1/campaign.toml";

/// The roster and one campaign, 2026-02-10 – 2026-03-31, with its kickoff.
fn campaign() -> TestRepo {
    let t = TestRepo::with_team();
    t.write_standard_campaign(ID, "2026-02-10", "2026-03-31");
    t.commit_all("plan", "2026-02-01T10:00:00+08:00");
    t.add_minutes(Some(ID), "kickoff", "2026-02-05T10:00:00+08:00");
    t
}

#[test]
fn d002_a_review_before_the_start_does_not_count() {
    let t = campaign();
    // A "mid-review" in the same quarter, but before the campaign started.
    t.add_minutes(Some(ID), "review", "2026-02-08T10:00:00+08:00");
    let json = t.lint_json("2026-04-05");
    let f = assert_one(&json, "D002", CAMPAIGN, 1, 6, "error");
    assert!(f["message"].as_str().unwrap().contains("2026Q1"), "{f:#}");

    let t = campaign();
    t.add_minutes(Some(ID), "review", "2026-03-02T10:00:00+08:00");
    assert_no(&t.lint_json("2026-04-05"), "D002");
}

// ---------------------------------------------------------------- B004

fn purchase_toml(amount: &str) -> String {
    format!(
        "id = \"PO-2026-031\"\nvendor = \"杭州星河互动传媒有限公司\"\namount = \"{amount}\"\n\
         what = \"KOL 投放\"\nneeded_by = 2026-02-20\nrequested_by = \"li.na\"\n"
    )
}

fn with_purchase(amount: &str) -> (TestRepo, String) {
    let t = TestRepo::with_team();
    t.write_campaign(
        ID,
        "2026-03-01",
        "2026-03-31",
        "li.na",
        40000,
        &[
            ("channel", 22000),
            ("content", 8000),
            ("event", 6000),
            ("reserve", 4000),
        ],
    );
    let po = format!("campaigns/{ID}/purchases/PO-2026-031.toml");
    t.write(&po, &purchase_toml(amount));
    t.commit_all("plan and purchase", "2026-02-01T10:00:00+08:00");
    // Fully approved: department head, finance, CEO, in order.
    t.approve_as(
        "zhang.wei",
        ID,
        "2026-02-02T10:00:00+08:00",
        &["--purchase", "PO-2026-031"],
    );
    t.approve_as(
        "chen.jing",
        ID,
        "2026-02-03T10:00:00+08:00",
        &["--purchase", "PO-2026-031"],
    );
    t.approve_as(
        "liu.yang",
        ID,
        "2026-02-04T10:00:00+08:00",
        &["--purchase", "PO-2026-031"],
    );
    (t, po)
}

#[test]
fn b004_a_purchase_above_the_campaign_budget() {
    let (t, po) = with_purchase("900000");
    let json = t.lint_json("2026-02-10");
    let f = assert_one(&json, "B004", &po, 3, 10, "error");
    assert_eq!(f["rule"], "purchase-over-budget");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("above its budget total"),
        "{f:#}"
    );
    let (t, _) = with_purchase("36000");
    assert_no(&t.lint_json("2026-02-10"), "B004");
}

// ---------------------------------------------------------------- D009

#[test]
fn d009_minutes_without_agenda_attendees_or_decision_text() {
    let t = TestRepo::with_team();
    let path = "minutes/2026/2026-01-12-weekly.toml";
    t.write(
        path,
        "kind = \"weekly\"\ntitle = \"部门周会\"\nheld_at = 2026-01-12T10:00:00+08:00\n\
         attendees = []\n\n[[decisions]]\ntext = \"\"\nowner = \"zhao.lei\"\ndue = 2026-01-16\ndone = true\n",
    );
    t.commit_all("minutes", "2026-01-12T11:00:00+08:00");
    let json = t.lint_expect("2026-01-13", 1);
    let found = findings(&json, "D009");
    let messages: Vec<&str> = found
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "the minutes have no agenda item (议题)",
            "the minutes list no attendees",
            "decision 1 has no text",
        ],
        "{json:#}"
    );
    assert_at(&found[1], "D009", path, 4, 13, "error");

    // An empty topic.
    let t = TestRepo::with_team();
    let text = minutes_toml("weekly", "2026-01-12T10:00:00+08:00", "")
        .replace("topic = \"目标与分工\"", "topic = \" \"");
    t.write(path, &text);
    t.commit_all("minutes", "2026-01-12T11:00:00+08:00");
    let json = t.lint_expect("2026-01-13", 1);
    let f = assert_one(&json, "D009", path, 8, 9, "error");
    assert_eq!(f["message"], "agenda item 1 has no topic");

    // The template filled in.
    let t = TestRepo::with_team();
    t.add_minutes(None, "weekly", "2026-01-12T10:00:00+08:00");
    t.assert_lint_clean("2026-01-13");
}

// ---------------------------------------------------------------- D010

#[test]
fn d010_closing_needs_results() {
    let t = campaign();
    t.add_minutes(Some(ID), "review", "2026-03-02T10:00:00+08:00");
    let closing = t.add_minutes(Some(ID), "closing", "2026-04-03T10:00:00+08:00");
    let json = t.lint_json("2026-04-05");
    let f = assert_one(&json, "D010", &closing, 1, 8, "error");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("has no results.toml"),
        "{f:#}"
    );
    let results = format!("campaigns/{ID}/results.toml");
    t.write(
        &results,
        "[[spend]]\ndate = 2026-03-05\ncategory = \"channel\"\namount = 20000\n",
    );
    t.commit_all("results", "2026-04-04T10:00:00+08:00");
    let f = assert_one(&t.lint_json("2026-04-05"), "D010", &closing, 1, 8, "error");
    assert!(f["message"].as_str().unwrap().contains("no KPI"), "{f:#}");
    t.write(
        &results,
        "[[spend]]\ndate = 2026-03-05\ncategory = \"channel\"\namount = 20000\n\n\
         [kpi]\nconversions = 1250\nrevenue = 260000\n",
    );
    t.commit_all("results", "2026-04-04T11:00:00+08:00");
    assert_no(&t.lint_json("2026-04-05"), "D010");
}

// ---------------------------------------------------------------- P001

#[test]
fn p001_customer_data_in_minutes_results_and_touchpoints() {
    let t = TestRepo::with_team();
    let path = "minutes/2026/2026-01-12-weekly.toml";
    let text = minutes_toml("weekly", "2026-01-12T10:00:00+08:00", "").replace(
        "按计划执行",
        "王女士 138-1234-5678 反馈漏液，身份证 11010519491231002X",
    );
    t.write(path, &text);
    t.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    let results = format!("campaigns/{ID}/results.toml");
    t.write(
        &results,
        "[[spend]]\ndate = 2026-03-05\ncategory = \"channel\"\namount = 20000\n\
         note = \"退款至 6222 0212 3456 7894\"\n",
    );
    let touch = format!("campaigns/{ID}/touchpoints.csv");
    t.write(
        &touch,
        "conversion_id,at,channel,value\nc1,2026-03-02T10:00:00+08:00,douyin,\n\
         13912345678,2026-03-03T10:00:00+08:00,wechat,199\n",
    );
    t.commit_all("records", "2026-01-12T11:00:00+08:00");
    let json = t.lint_json("2026-01-13");
    let found = findings(&json, "P001");
    let keyed: Vec<(String, String)> = found
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(keyed.len(), 4, "{json:#}");
    let (line, col) = pos(&text, "138-1234-5678");
    assert_at(
        &found.iter().find(|f| f["file"] == path).unwrap().clone(),
        "P001",
        path,
        line,
        col,
        "error",
    );
    for (file, what) in [
        (path, "a phone number"),
        (path, "an ID-card number"),
        (results.as_str(), "a bank-card number"),
        (touch.as_str(), "a phone number"),
    ] {
        assert!(
            keyed.contains(&(
                file.to_string(),
                format!("{what} of a customer in a plain record")
            )),
            "{file} {what}: {keyed:?}"
        );
    }

    // The same records with ids, amounts, dates and campaign ids only.
    let t = TestRepo::with_team();
    t.write(
        path,
        &minutes_toml("weekly", "2026-01-12T10:00:00+08:00", "").replace(
            "按计划执行",
            "客户 CRM-20817 反馈漏液，退款 1380 元，订单 20260305001",
        ),
    );
    t.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    t.write(
        &results,
        "[[spend]]\ndate = 2026-03-05\ncategory = \"channel\"\namount = 20000\nnote = \"春季促销-2026-03V1 抖音 12800000 曝光\"\n",
    );
    t.write(
        &touch,
        "conversion_id,at,channel,value\nC-20260303-0001,2026-03-03T10:00:00+08:00,wechat,13800\n",
    );
    t.commit_all("records", "2026-01-12T11:00:00+08:00");
    assert_no(&t.lint_json("2026-01-13"), "P001");
}
