//! Issue 16 part 2 (cadence16): meetings held as often as the policy says
//! (D014), a campaign's phases with owner, dates and 核心动作 (D015), and
//! its KPI targets (D016) — each clause with a small real repository in a
//! violating and a compliant variant, and its explanation in both languages.

use crate::common::*;

const SPRING: &str = "春季促销-2026-03V1";
const PLAN: &str = "campaigns/春季促销-2026-03V1/campaign.toml";

fn stdout(out: &std::process::Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Department minutes of `kind` on each of `days` (10:00), each committed
/// on time; monthly ones last the policy's 90 minutes. The shipped policy
/// holds the rule books' cadence: weekly on 周一, monthly, quarterly.
fn meetings(kind: &str, days: &[&str]) -> (TestRepo, Vec<String>) {
    let t = TestRepo::with_team();
    let paths = days
        .iter()
        .map(|day| {
            let at = format!("{day}T10:00:00+08:00");
            let path = t.write_minutes(None, kind, &at);
            if kind == "monthly" {
                t.replace(&path, "duration_minutes = 60", "duration_minutes = 90");
            }
            t.commit_all("minutes", &at);
            path
        })
        .collect();
    (t, paths)
}

/// The policy with `from` changed to `to`, signed by the admin at `at`.
fn policy_at(t: &TestRepo, from: &str, to: &str, at: &str) {
    t.replace("policy.toml", from, to);
    t.commit_all_signed("policy", at, ADMIN);
}

// ---------------------------------------------------------------- D014

#[test]
fn d014_a_week_without_its_weekly_meeting_is_a_warning() {
    // Mondays 2026-03-02 and 03-16: nothing in the week of 03-09.
    let (t, paths) = meetings("weekly", &["2026-03-02", "2026-03-16"]);
    let json = t.lint_expect("2026-03-18", 0);
    let f = assert_one(&json, "D014", &paths[0], 3, 11, "warning");
    assert_eq!(f["rule"], "meeting-cadence");
    assert_eq!(
        f["message"],
        "no weekly minutes in 2026-W11 (from 2026-03-09), the one after these \
         (2026-03-02); the policy holds it every week on Monday"
    );
    assert!(
        f["help"]
            .as_str()
            .unwrap()
            .contains("mkt new-minutes --kind weekly"),
        "{f:#}"
    );

    // Held in that week, on a Wednesday: the week has its meeting.
    let (t, _) = meetings("weekly", &["2026-03-02", "2026-03-11", "2026-03-16"]);
    t.assert_lint_clean("2026-03-18");
}

#[test]
fn d014_counts_from_the_first_minutes_of_the_kind_and_not_the_week_still_due() {
    // No weekly minutes at all: no cadence to keep.
    let (t, _) = meetings("daily", &["2026-03-02"]);
    assert_no(&t.lint_json("2026-06-01"), "D014");

    // Monday's meeting of this week may still be written up on Tuesday
    // (deadlines.minutes_within_hours = 24); on Wednesday it is missing.
    let (t, paths) = meetings("weekly", &["2026-03-02"]);
    assert_no(&t.lint_json("2026-03-10"), "D014");
    let json = t.lint_json("2026-03-11");
    assert_one(&json, "D014", &paths[0], 3, 11, "warning");
}

#[test]
fn d014_the_weekday_is_the_policys_as_a_chinese_keyboard_types_it() {
    let (t, paths) = meetings("weekly", &["2026-03-02", "2026-03-09"]);
    policy_at(
        &t,
        "weekly = { every = \"week\", weekday = \"周一\" }",
        "weekly = { every = \"week\", weekday = \"周五\" }",
        "2026-03-09T12:00:00+08:00",
    );
    // Friday 03-20 and the day after for the minutes: the week of 03-16
    // is not due yet on Saturday, missing on Sunday.
    assert_no(&t.lint_json("2026-03-21"), "D014");
    let f = assert_one(
        &t.lint_json("2026-03-22"),
        "D014",
        &paths[1],
        3,
        11,
        "warning",
    );
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .ends_with("every week on Friday"),
        "{f:#}"
    );
    // `fri` means the same; a day that is none is refused where written.
    policy_at(
        &t,
        "weekday = \"周五\"",
        "weekday = \"fri\"",
        "2026-03-09T13:00:00+08:00",
    );
    assert_no(&t.lint_json("2026-03-21"), "D014");
    t.replace("policy.toml", "weekday = \"fri\"", "weekday = \"周八\"");
    let out = t.mkt(["lint", "--today", "2026-03-21"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`周八` is not a day of the week"), "{err}");
    assert!(err.contains("policy.toml"), "{err}");
}

#[test]
fn d014_a_month_and_a_quarter_without_their_strategy_meeting() {
    let (t, paths) = meetings("monthly", &["2026-02-03", "2026-04-02"]);
    let json = t.lint_json("2026-05-10");
    let f = assert_one(&json, "D014", &paths[0], 3, 11, "warning");
    assert_eq!(
        f["message"],
        "no monthly minutes in 2026-03, the one after these (2026-02-03); \
         the policy holds it every month"
    );
    let (t, _) = meetings("monthly", &["2026-02-03", "2026-03-03", "2026-04-02"]);
    assert_no(&t.lint_json("2026-05-10"), "D014");

    let (t, paths) = meetings("quarterly", &["2026-01-09"]);
    let json = t.lint_json("2026-07-02");
    let f = assert_one(&json, "D014", &paths[0], 3, 11, "warning");
    assert_eq!(
        f["message"],
        "no quarterly minutes in 2026Q2, the one after these (2026-01-09); \
         the policy holds it every quarter"
    );
    let (t, _) = meetings("quarterly", &["2026-01-09", "2026-04-08"]);
    assert_no(&t.lint_json("2026-07-02"), "D014");
}

#[test]
fn d014_far_in_the_future_is_one_finding_per_kind_with_the_count() {
    let t = TestRepo::with_team();
    let mut last = Vec::new();
    for (kind, day) in [
        ("weekly", "2026-03-02"),
        ("weekly", "2026-03-09"),
        ("monthly", "2026-03-03"),
        ("quarterly", "2026-01-09"),
    ] {
        let at = format!("{day}T10:00:00+08:00");
        last.push(t.write_minutes(None, kind, &at));
        t.commit_all("minutes", &at);
    }
    let out = t
        .mkt(["lint", "--format", "json", "--today", "9999-12-31"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = findings(&json, "D014");
    assert_eq!(found.len(), 3, "{found:#?}");
    let says = |file: &str| {
        found
            .iter()
            .find(|f| f["file"] == file)
            .unwrap_or_else(|| panic!("no D014 at {file}: {found:#?}"))["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let weekly = says(&last[1]);
    // Some 416,000 weeks to the end of year 9999, counted, not listed.
    let count: u64 = weekly.split(' ').next().unwrap().parse().unwrap();
    assert!((400_000..420_000).contains(&count), "{weekly}");
    assert!(
        weekly.contains(
            " weeks without weekly minutes since the first on 2026-03-02: \
             2026-W12 (from 2026-03-16), 2026-W13 (from 2026-03-23)"
        ),
        "{weekly}"
    );
    assert!(says(&last[2]).contains("months without monthly minutes"));
    assert!(says(&last[3]).contains("quarters without quarterly minutes"));
}

#[test]
fn d014_in_chinese() {
    // JSON stays English for tools; a person reading in Chinese sees this.
    let (t, paths) = meetings("weekly", &["2026-03-02", "2026-03-16"]);
    let out = t
        .mkt(["lint", "--today", "2026-03-18"])
        .env("MKT_LANG", "zh-CN")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for said in [
        "警告[D014]：2026-W11（2026-03-09 起的一周）",
        "没有 weekly 会议纪要（上一次为 2026-03-02）；制度规定每周（周一）召开",
    ] {
        assert!(text.contains(said), "{text}");
    }
    assert!(text.contains(&paths[0]), "{text}");
}

// ---------------------------------------------------------------- D015

/// The shipped policy (the rule books' phases, "at least one target") and
/// the standard plan: 预热 03-01 – 03-08, 爆发 03-09 – 03-23, 长尾 03-24 –
/// 03-31, each owned by zhao.lei with one core action, and an exposure target.
fn plan() -> TestRepo {
    let t = TestRepo::with_team();
    t.write_standard_campaign(SPRING, "2026-03-01", "2026-03-31");
    t.commit_all("plan", "2026-01-20T10:00:00+08:00");
    t
}

#[test]
fn d015_every_phase_of_the_policy_with_owner_dates_and_actions() {
    let t = plan();
    assert_no(&t.lint_json("2026-01-21"), "D015");

    // No 长尾; 爆发 without owner, running past the end, with no actions.
    let text = t.read(PLAN);
    let cut = text.rfind("\n[[phases]]").unwrap();
    let tail = &text[cut..];
    let targets = tail.find("\n[targets]").unwrap();
    let text = format!("{}{}", &text[..cut], &tail[targets..]);
    t.write(PLAN, &text);
    t.replace(
        PLAN,
        "name = \"爆发\"\nstart = 2026-03-09\nend = 2026-03-23\nowner = \"zhao.lei\"\nactions = [\"直播与满减\"]",
        "name = \"爆发\"\nstart = 2026-03-09\nend = 2026-04-05\nowner = \"\"\nactions = []",
    );
    t.commit_all("plan", "2026-01-20T11:00:00+08:00");
    // The actions may wait while the plan is written; by the start, not.
    assert_eq!(findings(&t.lint_json("2026-01-21"), "D015").len(), 3);
    let json = t.lint_json("2026-03-01");
    let found = findings(&json, "D015");
    let messages: Vec<&str> = found
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "no long-tail (长尾) phase; the policy plans every campaign in 预热 – 爆发 – 长尾",
            "phase burst (爆发) runs 2026-03-09 – 2026-04-05, outside the campaign's 2026-03-01 – 2026-03-31",
            "phase burst (爆发) has no owner (责任人)",
            "phase burst (爆发) names no core actions (核心动作)",
        ],
        "{found:#?}"
    );
    assert_eq!(found[0]["rule"], "campaign-phases");
    assert_eq!(found[0]["severity"], "error");
    assert!(
        found[0]["help"].as_str().unwrap().contains("规范 三(三)1"),
        "{found:#?}"
    );
}

#[test]
fn d015_phases_named_in_english_count_and_an_empty_list_is_no_rule() {
    let t = plan();
    for (zh, en) in [
        ("预热", "warm-up"),
        ("爆发", "burst"),
        ("长尾", "long-tail"),
    ] {
        t.replace(
            PLAN,
            &format!("name = \"{zh}\""),
            &format!("name = \"{en}\""),
        );
    }
    t.commit_all("plan", "2026-01-20T11:00:00+08:00");
    assert_no(&t.lint_json("2026-01-21"), "D015");

    t.replace(PLAN, "actions = [\"复购券\"]", "actions = [\"  \"]");
    t.commit_all("plan", "2026-01-20T12:00:00+08:00");
    let json = t.lint_json("2026-03-01");
    let f = &findings(&json, "D015")[0];
    assert_eq!(
        f["message"],
        "phase long-tail (长尾) names no core actions (核心动作)"
    );

    policy_at(
        &t,
        "[campaigns]\nphases = [\"预热\", \"爆发\", \"长尾\"]",
        "[campaigns]\nphases = []",
        "2026-01-20T13:00:00+08:00",
    );
    assert_no(&t.lint_json("2026-01-21"), "D015");
}

#[test]
fn d015_in_chinese() {
    let t = plan();
    t.replace(
        PLAN,
        "owner = \"zhao.lei\"\nactions = [\"预热推文\"]",
        "owner = \" \"\nactions = [\"预热推文\"]",
    );
    t.commit_all("plan", "2026-01-20T11:00:00+08:00");
    let out = t
        .mkt(["lint", "--today", "2026-01-21"])
        .env("MKT_LANG", "zh-CN")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("「预热」阶段没有责任人"), "{text}");
    assert_eq!(text.matches("[D015]").count(), 1, "{text}");
}

// ---------------------------------------------------------------- D016

#[test]
fn d016_a_campaign_sets_a_kpi_target() {
    let t = plan();
    assert_no(&t.lint_json("2026-01-21"), "D016");

    t.replace(PLAN, "exposure = 1000000\n", "# exposure = 1000000\n");
    t.commit_all("plan", "2026-01-20T11:00:00+08:00");
    // A plan still being written may leave its targets for later.
    assert_no(&t.lint_json("2026-01-21"), "D016");
    let json = t.lint_expect("2026-03-01", 1);
    let lines = t.read(PLAN).lines().count() as u64;
    let f = assert_one(&json, "D016", PLAN, lines - 1, 1, "error");
    assert_eq!(f["rule"], "kpi-target");
    assert_eq!(
        f["message"],
        "the campaign sets no KPI target; the policy asks for at least 1"
    );
    assert!(
        f["help"].as_str().unwrap().contains("规范 三(二)1"),
        "{f:#}"
    );

    // Two asked for, one set.
    let t = plan();
    policy_at(
        &t,
        "min_targets = 1",
        "min_targets = 2",
        "2026-01-20T11:00:00+08:00",
    );
    let json = t.lint_json("2026-03-01");
    let f = &findings(&json, "D016")[0];
    assert_eq!(
        f["message"],
        "the campaign sets fewer KPI targets (1) than the 2 the policy asks for"
    );
    t.replace(
        PLAN,
        "exposure = 1000000\n",
        "exposure = 1000000\nconversions = 3000\n",
    );
    t.commit_all("plan", "2026-01-20T12:00:00+08:00");
    assert_no(&t.lint_json("2026-03-01"), "D016");
}

// ---------------------------------------------------------------- explain

#[test]
fn explain_cites_the_clause_and_quotes_the_policy_in_both_languages() {
    let t = plan();
    for (code, clause, en_value, zh_value) in [
        (
            "D014",
            "制度 四(二)",
            "`meetings.cadence.weekly.weekday` (周一)",
            "`meetings.cadence.weekly.weekday`（周一）",
        ),
        (
            "D015",
            "规范 三(三)1",
            "`campaigns.phases` (预热, 爆发, 长尾)",
            "`campaigns.phases`（预热, 爆发, 长尾）",
        ),
        (
            "D016",
            "规范 三(二)1",
            "`kpi.min_targets` (1)",
            "`kpi.min_targets`（1）",
        ),
    ] {
        let en = stdout(&t.mkt(["explain", code]).env("LANG", "C").output().unwrap());
        assert!(en.contains(clause) && en.contains(en_value), "{code}: {en}");
        let zh = stdout(
            &t.mkt(["explain", code])
                .env("LANG", "zh_CN.UTF-8")
                .output()
                .unwrap(),
        );
        assert!(zh.contains(clause) && zh.contains(zh_value), "{code}: {zh}");
        assert!(zh.contains("## 检查什么"), "{code}: {zh}");
    }
    // The value in force, not the shipped one.
    policy_at(
        &t,
        "weekday = \"周一\"",
        "weekday = \"周五\"",
        "2026-01-20T12:00:00+08:00",
    );
    let en = stdout(
        &t.mkt(["explain", "D014"])
            .env("LANG", "C")
            .output()
            .unwrap(),
    );
    assert!(
        en.contains("`meetings.cadence.weekly.weekday` (周五)"),
        "{en}"
    );
}
