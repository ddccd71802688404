//! Issue 16 part 5 (tiers16): the approval ladder `[[approvals.tiers]]` —
//! a 主管 / 总监 / CEO ladder climbed step by step, the older two-tier keys,
//! bad ladders refused where written — and budgets split to stay under a
//! step (A010), each in a violating and a compliant repository.

use crate::approvals::Dept;
use crate::common::*;

const BIG: &str = "品牌焕新-2026-03V1";
const BIG_PLAN: &str = "campaigns/品牌焕新-2026-03V1/campaign.toml";
/// The ladder is signed in before any plan (plans: 2026-02-10).
const LADDER_AT: &str = "2026-02-01T09:00:00+08:00";

/// The ladder as shipped: supervisor up to 50,000, then the director alone.
const SHIPPED: &str = "\nevery_step = false\n";
const SHIPPED_STEPS: &str = "[[approvals.tiers]]\nup_to = 50000\nrole = \"supervisor\"\n\n\
                             [[approvals.tiers]]\nrole = \"director\"\n";
const THREE_STEPS: &str = "[[approvals.tiers]]\nup_to = 50000\nrole = \"supervisor\"\n\n\
                           [[approvals.tiers]]\nup_to = 500000\nrole = \"director\"\n\n\
                           [[approvals.tiers]]\nrole = \"ceo\"\n";

/// A department whose signed policy is the 主管 / 总监 / CEO ladder, each
/// step in order, with a 600,000 plan of zhao.lei's starting 2026-03-01.
fn three_steps() -> (Dept, String) {
    let d = Dept::new();
    d.replace("policy.toml", SHIPPED, "\nevery_step = true\n");
    d.replace("policy.toml", SHIPPED_STEPS, THREE_STEPS);
    d.git(&["add", "policy.toml"]);
    d.commit_signed("zhang.wei", "policy: 主管 / 总监 / CEO", LADDER_AT);
    let plan = d.add_campaign(BIG, "2026-03-01", "zhao.lei", 600000, false);
    (d, plan)
}

/// The approval rules' findings (A001–A010) of a lint document.
fn approval_findings(json: &serde_json::Value) -> Vec<serde_json::Value> {
    findings_all(json)
        .into_iter()
        .filter(|f| f["code"].as_str().is_some_and(|c| c.starts_with('A')))
        .collect()
}

fn at(hour: u32) -> String {
    format!("2026-02-20T{hour:02}:00:00+08:00")
}

// ---------------------------------------------------------------- the ladder

#[test]
fn a_600000_budget_climbs_supervisor_director_ceo_in_order() {
    let (d, plan) = three_steps();
    assert_eq!(plan, BIG_PLAN);
    // The CEO cannot go first: the ladder is climbed in order.
    let err = d.refused_as("liu.yang", &at(9), &["approve", BIG]);
    assert!(err.contains("out of order"), "{err}");
    let said = d.ok_as("li.na", &at(10), &["approve", BIG]);
    assert!(said.contains("approved as supervisor by li.na"), "{said}");
    assert!(said.contains("director"), "who is next: {said}");
    // `mkt status`: the next step is the director's alone, not yet the CEO's.
    let out = d.mkt(&["status", "--format", "json"]).output().unwrap();
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let next: Vec<_> = status["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "approval")
        .map(|i| i["role"].as_str().unwrap())
        .collect();
    assert_eq!(next, ["director"], "{status:#}");
    d.ok_as("wang.fang", &at(11), &["approve", BIG]);
    let said = d.ok_as("liu.yang", &at(12), &["approve", BIG]);
    assert!(said.contains("approved as ceo by liu.yang"), "{said}");
    assert!(
        d.read(&format!("campaigns/{BIG}/approvals/03-ceo-liu.yang.toml"))
            .contains("amount = 600000")
    );
    d.verify_ok();
    let json = d.lint("2026-03-02");
    assert!(approval_findings(&json).is_empty(), "{json:#}");
}

#[test]
fn the_ceo_before_the_director_is_a002() {
    let (d, plan) = three_steps();
    let early = format!("campaigns/{BIG}/approvals/03-ceo-liu.yang.toml");
    d.forge(&early, &plan, "ceo", "liu.yang", Some("liu.yang"), &at(9));
    d.ok_as("li.na", &at(10), &["approve", BIG]);
    d.ok_as("wang.fang", &at(11), &["approve", BIG]);
    let json = d.lint("2026-02-21");
    let a002 = findings(&json, "A002");
    assert_eq!(a002.len(), 1, "{json:#}");
    let (line, column) = pos(&d.read(&early), "\"ceo\"");
    assert_at(&a002[0], "A002", &early, line, column, "error");
    assert!(
        a002[0]["message"]
            .as_str()
            .unwrap()
            .contains("ceo approved before supervisor"),
        "{:#}",
        a002[0]
    );
    assert!(
        a002[0]["help"]
            .as_str()
            .unwrap()
            .contains("supervisor → director → ceo"),
        "{:#}",
        a002[0]
    );
}

#[test]
fn without_the_ceo_a_600000_budget_is_a001() {
    let (d, plan) = three_steps();
    d.ok_as("li.na", &at(10), &["approve", BIG]);
    d.ok_as("wang.fang", &at(11), &["approve", BIG]);
    let json = d.lint("2026-03-01");
    let a001 = findings(&json, "A001");
    assert_eq!(a001.len(), 1, "{json:#}");
    let (line, column) = pos(&d.read(&plan), "2026-03-01");
    assert_at(&a001[0], "A001", &plan, line, column, "error");
    let message = a001[0]["message"].as_str().unwrap();
    assert!(message.contains("ceo"), "{message}");
    assert!(!message.contains("director"), "{message}");
    assert!(
        a001[0]["help"]
            .as_str()
            .unwrap()
            .contains("waiting for ceo (a ceo): mkt approve 品牌焕新-2026-03V1"),
        "{:#}",
        a001[0]
    );
    // Up to 500,000 the director's step is the last one.
    let mid = "品牌焕新-2026-04V1";
    d.add_campaign(mid, "2026-04-01", "zhao.lei", 500000, false);
    d.ok_as("li.na", &at(13), &["approve", mid]);
    let said = d.ok_as("wang.fang", &at(14), &["approve", mid]);
    assert!(!said.contains("ceo"), "{said}");
    let json = d.lint("2026-04-01");
    assert!(
        findings(&json, "A001")
            .iter()
            .all(|f| f["file"] != format!("campaigns/{mid}/campaign.toml")),
        "{json:#}"
    );
}

/// A ladder whose top step has a limit too: the CEO approves up to 1,000,000.
const CAPPED_TOP: &str = "[[approvals.tiers]]\nup_to = 50000\nrole = \"supervisor\"\n\n\
                          [[approvals.tiers]]\nup_to = 500000\nrole = \"director\"\n\n\
                          [[approvals.tiers]]\nup_to = 1000000\nrole = \"ceo\"\n";

/// A department whose signed ladder ends at the CEO's 1,000,000, with a
/// plan of zhao.lei's of `total` starting 2026-03-01.
fn capped_top(total: i64) -> (Dept, String) {
    let d = Dept::new();
    d.replace("policy.toml", SHIPPED, "\nevery_step = true\n");
    d.replace("policy.toml", SHIPPED_STEPS, CAPPED_TOP);
    d.git(&["add", "policy.toml"]);
    d.commit_signed("zhang.wei", "policy: the CEO up to 1,000,000", LADDER_AT);
    let plan = d.add_campaign(BIG, "2026-03-01", "zhao.lei", total, false);
    (d, plan)
}

/// `mkt status` of a department, in a language: (JSON, for people).
fn status_of(d: &Dept, lang: &str) -> (serde_json::Value, String) {
    let run = |format: &[&str]| {
        let out = d
            .mkt(&[&["status", "--today", "2026-02-20"], format].concat())
            .env("MKT_LANG", lang)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    (
        serde_json::from_str(&run(&["--format", "json"])).unwrap(),
        run(&[]),
    )
}

#[test]
fn a_budget_above_the_top_steps_limit_can_be_approved_by_nobody() {
    let (d, plan) = capped_top(1200000);
    // Lint: A003 on the total at once (weeks before the start), not A001.
    let json = d.lint("2026-02-20");
    let found = approval_findings(&json);
    assert_eq!(found.len(), 1, "{json:#}");
    let (line, column) = pos(&d.read(&plan), "1200000");
    assert_at(&found[0], "A003", &plan, line, column, "error");
    assert_eq!(
        found[0]["message"],
        "the budget 1200000 is above the top step of the approval ladder (ceo, up to 1000000): \
         nobody may approve it under the policy"
    );
    let help = found[0]["help"].as_str().unwrap();
    assert!(
        help.contains("`up_to` of the ceo step, to at least 1200000"),
        "{help}"
    );
    assert!(
        help.contains("a last step `[[approvals.tiers]]` with a role and no `up_to`"),
        "{help}"
    );
    // On the start day still A003 alone: the chain can never be complete.
    let json = d.lint("2026-03-01");
    let codes: Vec<_> = approval_findings(&json)
        .iter()
        .map(|f| f["code"].clone())
        .collect();
    assert_eq!(codes, ["A003"], "{json:#}");
    // In Chinese, as people read it.
    let out = d
        .mkt(&["lint", "--today", "2026-02-20"])
        .env("MKT_LANG", "zh-CN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let zh = String::from_utf8_lossy(&out.stdout);
    assert!(
        zh.contains(
            "预算 1200000 超过审批阶梯最高一级（ceo，上限 1000000）：按现行制度无人可以审批"
        ),
        "{zh}"
    );
    assert!(zh.contains("至少 1200000"), "{zh}");

    // `mkt approve` refuses, with the same words, whoever asks.
    for person in ["li.na", "liu.yang"] {
        let err = d.refused_as(person, &at(10), &["approve", BIG]);
        assert!(
            err.contains("the budget 1200000 is above the top step of the approval ladder (ceo, up to 1000000)"),
            "{err}"
        );
        assert!(err.contains("to at least 1200000"), "{err}");
    }

    // `mkt status`: blocked, the owner's to sort out; no step waits.
    let (json, text) = status_of(&d, "en");
    let items: Vec<_> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "approval")
        .collect();
    assert_eq!(items.len(), 1, "{json:#}");
    assert_eq!(
        items[0]["what"],
        "approve the budget: blocked, budget 1200000 above the top step (ceo, up to 1000000)"
    );
    assert_eq!(items[0]["owner"], "zhao.lei");
    assert!(
        text.contains("blocked: budget 1200000 above the top step"),
        "{text}"
    );
    let (_, zh) = status_of(&d, "zh-CN");
    assert!(
        zh.contains("受阻：预算 1200000 超过审批阶梯最高一级"),
        "{zh}"
    );
}

#[test]
fn a_budget_at_the_top_steps_limit_climbs_to_the_ceo() {
    let (d, plan) = capped_top(1000000);
    let json = d.lint("2026-02-20");
    assert!(findings(&json, "A003").is_empty(), "{json:#}");
    d.ok_as("li.na", &at(10), &["approve", BIG]);
    d.ok_as("wang.fang", &at(11), &["approve", BIG]);
    let said = d.ok_as("liu.yang", &at(12), &["approve", BIG]);
    assert!(said.contains("approved as ceo by liu.yang"), "{said}");
    d.verify_ok();
    let json = d.lint("2026-03-02");
    assert!(approval_findings(&json).is_empty(), "{plan}: {json:#}");
    let (status, _) = status_of(&d, "en");
    assert!(
        !status["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "approval"),
        "{status:#}"
    );
}

#[test]
fn the_older_two_tier_keys_mean_what_they_meant() {
    let d = Dept::new();
    d.replace(
        "policy.toml",
        SHIPPED,
        "\nsupervisor_limit = 50000\nbelow_limit_role = \"supervisor\"\nabove_limit_role = \"director\"\n",
    );
    d.replace("policy.toml", SHIPPED_STEPS, "");
    d.git(&["add", "policy.toml"]);
    d.commit_signed("zhang.wei", "policy: as mkt wrote it before", LADDER_AT);
    let id = "春季促销-2026-03V1";
    d.add_campaign(id, "2026-03-01", "zhao.lei", 80000, false);
    // Above the limit the director approves, alone: not the supervisor.
    let err = d.refused_as("li.na", &at(10), &["approve", id]);
    assert!(err.contains("director"), "{err}");
    d.ok_as("wang.fang", &at(11), &["approve", id]);
    d.verify_ok();
    let json = d.lint("2026-03-02");
    assert!(approval_findings(&json).is_empty(), "{json:#}");
    // Explanations quote the same ladder, whichever form wrote it.
    let out = d
        .mkt(&["explain", "A003"])
        .env("LANG", "C")
        .output()
        .unwrap();
    let en = String::from_utf8_lossy(&out.stdout);
    assert!(
        en.contains("`approvals.tiers` (supervisor ≤ 50000 < director)"),
        "{en}"
    );
    assert!(en.contains("`approvals.every_step` (false)"), "{en}");
}

// ---------------------------------------------------------------- bad ladders

/// `mkt lint` with policy.toml's shipped ladder replaced by `ladder` (and
/// `every_step = false` by `head`): exit 2, the error's first line.
fn refused_policy(head: &str, ladder: &str) -> (String, String) {
    let t = TestRepo::new();
    t.replace("policy.toml", SHIPPED, head);
    t.replace("policy.toml", SHIPPED_STEPS, ladder);
    let out = t.mkt(["lint"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    (
        t.read("policy.toml"),
        err.lines().next().unwrap().to_string(),
    )
}

/// `policy.toml:<line>:<column>` of `value` inside the first `written`
/// (a piece of text that says where) in `text`.
fn where_is(text: &str, written: &str, value: &str) -> String {
    let (line, column) = pos(text, written);
    let (dl, dc) = pos(written, value);
    let column = if dl == 1 { column + dc - 1 } else { dc };
    format!("policy.toml:{}:{column}:", line + dl - 1)
}

#[test]
fn a_bad_ladder_is_refused_where_it_is_written() {
    // Not ascending: the second step's limit is below the first's.
    let (text, err) = refused_policy(
        SHIPPED,
        "[[approvals.tiers]]\nup_to = 500000\nrole = \"supervisor\"\n\n\
         [[approvals.tiers]]\nup_to = 50000\nrole = \"director\"\n\n\
         [[approvals.tiers]]\nrole = \"ceo\"\n",
    );
    assert!(
        err.contains(&where_is(
            &text,
            "up_to = 50000\nrole = \"director",
            "50000"
        )),
        "{err}"
    );
    assert!(
        err.contains("step 2's up_to 50000 is not above step 1's 500000"),
        "{err}"
    );
    // An unknown role.
    let (text, err) = refused_policy(
        SHIPPED,
        "[[approvals.tiers]]\nup_to = 50000\nrole = \"boss\"\n\n[[approvals.tiers]]\nrole = \"director\"\n",
    );
    assert!(
        err.contains(&where_is(&text, "\"boss\"", "\"boss\"")),
        "{err}"
    );
    assert!(err.contains("`boss` is not a role"), "{err}");
    // A step without a limit before the last.
    let (text, err) = refused_policy(
        SHIPPED,
        "[[approvals.tiers]]\nrole = \"supervisor\"\n\n[[approvals.tiers]]\nrole = \"director\"\n",
    );
    assert!(
        err.contains(&where_is(
            &text,
            "[[approvals.tiers]]\nrole = \"supervisor\"",
            "[["
        )),
        "{err}"
    );
    assert!(err.contains("step 1 has no `up_to`"), "{err}");
    // An empty ladder.
    let (text, err) = refused_policy("\nevery_step = false\ntiers = []\n", "");
    assert!(err.contains(&where_is(&text, "tiers = []", "[]")), "{err}");
    assert!(err.contains("no approval ladder"), "{err}");
    // Both forms at once: the older key is the one to delete.
    let (text, err) = refused_policy(
        "\nevery_step = false\nsupervisor_limit = 50000\n",
        SHIPPED_STEPS,
    );
    assert!(
        err.contains(&where_is(&text, "supervisor_limit = 50000", "50000")),
        "{err}"
    );
    assert!(err.contains("the ladder is written twice"), "{err}");
    // In Chinese too.
    let t = TestRepo::new();
    t.replace(
        "policy.toml",
        SHIPPED,
        "\nevery_step = false\nsupervisor_limit = 50000\n",
    );
    let out = t.mkt(["lint"]).env("MKT_LANG", "zh-CN").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("审批阶梯写了两遍"), "{err}");
}

// ---------------------------------------------------------------- A010

const SPRING: &str = "春季促销-2026-03V1";
const NEW_GOODS: &str = "春季新品-2026-03V1";
const NEW_GOODS_PLAN: &str = "campaigns/春季新品-2026-03V1/campaign.toml";

fn split_of(total: i64) -> [(&'static str, i64); 4] {
    let reserve = total / 8;
    [
        ("channel", total / 2),
        ("content", total / 4),
        ("event", total - total / 2 - total / 4 - reserve),
        ("reserve", reserve),
    ]
}

/// li.na's 30,000 plan for 2026-03-01..20, and a second plan of `owner`'s
/// for `start`..`end` with `total`.
fn two_plans(owner: &str, start: &str, end: &str, total: i64) -> TestRepo {
    let t = TestRepo::with_team();
    t.write_campaign(
        SPRING,
        "2026-03-01",
        "2026-03-20",
        "li.na",
        30000,
        &split_of(30000),
    );
    t.write_campaign(NEW_GOODS, start, end, owner, total, &split_of(total));
    t.commit_all("plans", "2026-02-10T10:00:00+08:00");
    t
}

#[test]
fn a010_two_overlapping_plans_of_one_owner_split_the_supervisors_limit() {
    let t = two_plans("li.na", "2026-03-10", "2026-03-31", 30000);
    let json = t.lint_json(DEFAULT_TODAY);
    let (line, column) = pos(&t.read(NEW_GOODS_PLAN), "30000");
    let f = assert_one(&json, "A010", NEW_GOODS_PLAN, line, column, "warning");
    assert_eq!(f["rule"], "approval-split");
    assert_eq!(
        f["message"],
        "春季促销-2026-03V1 (30000) and 春季新品-2026-03V1 (30000) have the same owner li.na \
         and overlap (2026-03-10 to 2026-03-20); each is within the supervisor step \
         (up to 50000), together 60000 are above it"
    );
    assert!(
        f["help"].as_str().unwrap().contains("approved by director"),
        "{f:#}"
    );
    // In Chinese, as people read it (JSON stays English).
    let out = t
        .mkt(["lint", "--today", DEFAULT_TODAY])
        .env("MKT_LANG", "zh-CN")
        .output()
        .unwrap();
    let zh = String::from_utf8_lossy(&out.stdout);
    assert!(zh.contains("负责人同为 li.na"), "{zh}");
    assert!(zh.contains("合计 60000 超过该额度"), "{zh}");

    // A cancelled plan does not count.
    t.replace(
        NEW_GOODS_PLAN,
        "cancelled = \"\"",
        "cancelled = \"合并到春季促销\"",
    );
    t.commit_all("cancel", "2026-02-11T10:00:00+08:00");
    assert_no(&t.lint_json(DEFAULT_TODAY), "A010");
}

#[test]
fn a010_different_owners_apart_in_time_or_under_the_limit_are_not_a_split() {
    // Another owner.
    let t = two_plans("zhao.lei", "2026-03-10", "2026-03-31", 30000);
    assert_no(&t.lint_json(DEFAULT_TODAY), "A010");
    // One after the other.
    let t = two_plans("li.na", "2026-03-21", "2026-03-31", 30000);
    assert_no(&t.lint_json(DEFAULT_TODAY), "A010");
    // Together still within the supervisor's limit.
    let t = two_plans("li.na", "2026-03-10", "2026-03-31", 20000);
    assert_no(&t.lint_json(DEFAULT_TODAY), "A010");
    // One alone above it: the director approves it anyway, nothing to split.
    let t = two_plans("li.na", "2026-03-10", "2026-03-31", 80000);
    assert_no(&t.lint_json(DEFAULT_TODAY), "A010");
}

const SUMMER: &str = "夏日饮品-2026-03V1";
const SUMMER_PLAN: &str = "campaigns/夏日饮品-2026-03V1/campaign.toml";

#[test]
fn a010_three_plans_of_one_owner_that_no_two_of_split_are_one_group() {
    // 20,000 each: any two are 40,000, within the supervisor's 50,000; all
    // three on 2026-03-15 are 60,000, above it.
    let t = two_plans("li.na", "2026-03-10", "2026-03-31", 20000);
    t.write_campaign(
        SPRING,
        "2026-03-01",
        "2026-03-20",
        "li.na",
        20000,
        &split_of(20000),
    );
    t.write_campaign(
        SUMMER,
        "2026-03-15",
        "2026-04-10",
        "li.na",
        20000,
        &split_of(20000),
    );
    t.commit_all("three plans", "2026-02-12T10:00:00+08:00");
    let json = t.lint_json(DEFAULT_TODAY);
    let (line, column) = pos(&t.read(SUMMER_PLAN), "20000");
    let f = assert_one(&json, "A010", SUMMER_PLAN, line, column, "warning");
    assert_eq!(
        f["message"],
        "3 plans of the same owner li.na run together (2026-03-15 to 2026-03-20): \
         春季促销-2026-03V1 (20000), 春季新品-2026-03V1 (20000), 夏日饮品-2026-03V1 (20000); \
         each is within the supervisor step (up to 50000), together 60000 are above it"
    );
    let out = t
        .mkt(["lint", "--today", DEFAULT_TODAY])
        .env("MKT_LANG", "zh-CN")
        .output()
        .unwrap();
    let zh = String::from_utf8_lossy(&out.stdout);
    assert!(zh.contains("负责人 li.na 的 3 个方案执行期重叠"), "{zh}");

    // The third starts after the first is over: no day has all three, and
    // each pair that shares a day stays within the step.
    t.write_campaign(
        SUMMER,
        "2026-03-21",
        "2026-04-10",
        "li.na",
        20000,
        &split_of(20000),
    );
    t.commit_all("later", "2026-02-13T10:00:00+08:00");
    assert_no(&t.lint_json(DEFAULT_TODAY), "A010");
}

#[test]
fn a010_a_group_with_a_large_plan_is_told_at_the_step_its_small_ones_split() {
    // On a signed three-step ladder, 30,000 + 30,000 split the supervisor's
    // step; the large plan is the director's anyway and all three stay
    // within the director's own 500,000: one finding, for the two small ones.
    let d = Dept::new();
    d.replace("policy.toml", SHIPPED_STEPS, THREE_STEPS);
    d.git(&["add", "policy.toml"]);
    d.commit_signed("zhang.wei", "policy: 主管 / 总监 / CEO", LADDER_AT);
    let plan = |id: &str, start: &str, end: &str, total: i64| {
        let path = format!("campaigns/{id}/campaign.toml");
        d.write(
            &path,
            &campaign_toml(id, start, end, "li.na", total, &split_of(total)),
        );
    };
    plan(SPRING, "2026-03-01", "2026-03-20", 30000);
    plan(NEW_GOODS, "2026-03-10", "2026-03-31", 30000);
    plan(SUMMER, "2026-03-05", "2026-04-10", 300000);
    d.commit_all("three plans", "2026-02-12T10:00:00+08:00");
    let all = findings(&d.lint(DEFAULT_TODAY), "A010");
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0]["file"], NEW_GOODS_PLAN);
    assert!(
        all[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("春季促销-2026-03V1 (30000) and 春季新品-2026-03V1 (30000)"),
        "{all:#?}"
    );
    // Above the director's step together: the three are one group there.
    plan(SUMMER, "2026-03-05", "2026-04-10", 450000);
    d.commit_all("bigger", "2026-02-13T10:00:00+08:00");
    let all = findings(&d.lint(DEFAULT_TODAY), "A010");
    assert_eq!(all.len(), 1, "{all:#?}");
    let m = all[0]["message"].as_str().unwrap();
    assert!(m.starts_with("3 plans of the same owner li.na"), "{m}");
    assert!(
        m.contains("within the director step (up to 500000), together 510000"),
        "{m}"
    );
}

#[test]
fn a010_is_explained_in_both_languages_with_the_ladder_in_force() {
    let t = TestRepo::new();
    let explain = |lang: &str| {
        let out = t
            .mkt(["explain", "A010"])
            .env("LANG", lang)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let en = explain("C");
    assert!(en.contains("approval-split"), "{en}");
    assert!(en.contains("拆单"), "{en}");
    assert!(en.contains("制度 四(一)：审批权限按金额分级管理"), "{en}");
    assert!(
        en.contains("`approvals.tiers` (supervisor ≤ 50000 < director)"),
        "{en}"
    );
    let zh = explain("zh_CN.UTF-8");
    assert!(zh.contains("同一负责人的两个活动"), "{zh}");
    assert!(zh.contains("制度 四(一)：审批权限按金额分级管理"), "{zh}");
    assert!(
        zh.contains("`approvals.tiers`（supervisor ≤ 50000 < director）"),
        "{zh}"
    );
}

#[test]
fn new_campaign_names_each_step_of_the_ladder_in_order() {
    let (d, _) = three_steps();
    let out = d
        .mkt(&[
            "new-campaign",
            "--name",
            "年终盛典",
            "--start",
            "2026-04-01",
            "--end",
            "2026-04-30",
            "--owner",
            "zhao.lei",
            "--budget",
            "600000",
            "--allocation",
            "channel=300000,content=150000,event=75000,reserve=75000",
        ])
        .output()
        .unwrap();
    // The next steps are said on stderr; stdout is the plan's path.
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{said}");
    let line = said
        .lines()
        .find(|l| l.contains("budget approval"))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(line.contains("step by step in this order"), "{line}");
    let (s, dir, ceo) = (
        line.find("li.na").unwrap(),
        line.find("wang.fang").unwrap(),
        line.find("liu.yang").unwrap(),
    );
    assert!(s < dir && dir < ceo, "{line}");
}
