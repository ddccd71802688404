//! Issue 16 parts 1 and 2 (meet16): emergency work's incident, incident
//! levels and post-mortems, meeting lengths and attendees — each clause
//! with a small real repository in a violating and a compliant variant.

use crate::common::*;

const ID: &str = "舆情应对-2026-05V1";
const CAMPAIGN: &str = "campaigns/舆情应对-2026-05V1/campaign.toml";
/// Where `mkt new-campaign` writes the same plan: its year's folder.
const NEW_CAMPAIGN: &str = "campaigns/2026/舆情应对-2026-05V1/campaign.toml";
const INCIDENT: &str = "incidents/2026-05-01-差评扩散.toml";

fn incident_toml(level: &str) -> String {
    format!(
        "title = \"新包装漏液差评扩散\"\ndetected_at = 2026-05-01T23:05:00+08:00\n\
         responded_at = 2026-05-01T23:25:00+08:00\nplan_at = 2026-05-02T00:50:00+08:00\n\
         level = \"{level}\"\nowner = \"wang.fang\"\ncampaign = \"\"\n"
    )
}

/// An emergency campaign (line 7 `emergency = true`, line 10 what
/// `incident_line` says, in place of the blank line) and a major incident.
fn emergency(incident_line: &str) -> TestRepo {
    let t = TestRepo::with_team();
    let plan = t.write_standard_campaign(ID, "2026-05-02", "2026-05-10");
    t.replace(&plan, "emergency = false", "emergency = true");
    t.replace(
        &plan,
        "cancelled = \"\"\n\n",
        &format!("cancelled = \"\"\n{incident_line}\n"),
    );
    t.write(INCIDENT, &incident_toml("major"));
    t.commit_all("plan", "2026-05-02T08:00:00+08:00");
    t
}

// ---------------------------------------------------------------- A009

#[test]
fn a009_emergency_work_names_its_incident() {
    let t = emergency("");
    let json = t.lint_json("2026-05-02");
    let f = assert_one(&json, "A009", CAMPAIGN, 7, 13, "error");
    assert_eq!(f["rule"], "emergency-without-incident");
    assert_eq!(
        f["message"],
        "舆情应对-2026-05V1 is emergency work but names no incident"
    );
    assert!(
        f["help"].as_str().unwrap().contains("2026-05-01-差评扩散"),
        "{f:#}"
    );
    assert_no(&json, "F004");

    let t = emergency("incident = \"2026-05-01-差评扩散\"");
    let json = t.lint_json("2026-05-02");
    assert_no(&json, "A009");
    assert_no(&json, "F004");
}

#[test]
fn a009_an_unknown_incident_is_f004_with_the_nearest() {
    let t = emergency("incident = \"2026-05-01-差评扩\"");
    let json = t.lint_json("2026-05-02");
    assert_no(&json, "A009");
    let f = assert_one(&json, "F004", CAMPAIGN, 10, 12, "error");
    assert_eq!(
        f["message"],
        "incident `2026-05-01-差评扩` is not in incidents/"
    );
    assert_eq!(f["help"], "did you mean `2026-05-01-差评扩散`?");
}

#[test]
fn a009_new_campaign_takes_the_incident_of_emergency_work() {
    let t = TestRepo::with_team();
    t.write(INCIDENT, &incident_toml("major"));
    t.commit_all("incident", "2026-05-01T23:30:00+08:00");
    let flags = [
        "new-campaign",
        "--name",
        "舆情应对",
        "--start",
        "2026-05-02",
        "--end",
        "2026-05-10",
        "--owner",
        "li.na",
        "--budget",
        "30000",
        "--allocation",
        "channel=18000,content=6000,event=2000,reserve=4000",
        "--emergency",
    ];
    let out = t.mkt(flags).env("CI", "1").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--incident") && err.contains("mkt new-incident"),
        "{err}"
    );
    assert!(!t.path(NEW_CAMPAIGN).exists());

    let mut typo = flags.to_vec();
    typo.extend(["--incident", "2026-05-01-差评扩"]);
    let out = t.mkt(&typo).env("CI", "1").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean `2026-05-01-差评扩散`?"), "{err}");

    let mut given = flags.to_vec();
    given.extend(["--incident", INCIDENT]);
    let out = t.mkt(&given).env("CI", "1").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        t.read(NEW_CAMPAIGN)
            .contains("incident = \"2026-05-01-差评扩散\"")
    );
    t.commit_all("plan", "2026-05-02T08:00:00+08:00");
    let json = t.lint_json("2026-05-02");
    assert_no(&json, "A009");
    assert_no(&json, "F004");
}

// ---------------------------------------------------------------- D008

/// The policy's `[incidents]` with `line` in place of the commented
/// example of `major`, signed by the admin.
fn with_policy_line(t: &TestRepo, from: &str, to: &str, at: &str) {
    t.replace("policy.toml", from, to);
    t.commit_all_signed("policy: incident levels", at, ADMIN);
}

#[test]
fn d008_each_level_has_its_own_times_and_the_message_quotes_them() {
    // Responded 20 minutes and planned 1 h 45 min after detection: within
    // the 30 minutes and 2 hours a major incident has by default.
    let t = TestRepo::with_team();
    t.write(INCIDENT, &incident_toml("major"));
    t.commit_all("incident", "2026-05-02T01:00:00+08:00");
    assert_no(&t.lint_json("2026-05-03"), "D008");

    // A department that gives major incidents 10 minutes and 1 hour.
    with_policy_line(
        &t,
        "# major = { response_minutes = 30, plan_minutes = 120 }",
        "major = { response_minutes = 10, plan_minutes = 60 }",
        "2026-04-01T10:00:00+08:00",
    );
    let json = t.lint_json("2026-05-03");
    let found = findings(&json, "D008");
    let messages: Vec<&str> = found
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "responded 20 minutes after detection; policy allows 10 minutes",
            "planned 105 minutes after detection; policy allows 60 minutes",
        ],
        "{json:#}"
    );
    // A minor incident keeps [deadlines]' 30 minutes and 2 hours.
    t.write(INCIDENT, &incident_toml("minor"));
    t.commit_all("incident", "2026-05-02T02:00:00+08:00");
    assert_no(&t.lint_json("2026-05-03"), "D008");

    // `mkt rules` no longer says a fixed 30 minutes and 2 hours.
    let out = t.mkt(["rules"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("incident response or first plan later than its level allows"),
        "{said}"
    );
}

#[test]
fn d008_new_incident_says_the_levels_times() {
    let t = TestRepo::with_team();
    with_policy_line(
        &t,
        "critical = { response_minutes = 30, plan_minutes = 120 }",
        "critical = { response_minutes = 15, plan_minutes = 60 }",
        "2026-04-01T10:00:00+08:00",
    );
    let out = t
        .mkt([
            "new-incident",
            "--title",
            "KOL 直播翻车",
            "--detected-at",
            "2026-02-18T21:40",
            "--level",
            "critical",
            "--owner",
            "wang.fang",
        ])
        .env("CI", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("respond by 2026-02-18 21:55"), "{err}");
    assert!(err.contains("first plan by 2026-02-18 22:40"), "{err}");
}

// ---------------------------------------------------------------- D011

fn critical_incident(post_mortem: &str) -> TestRepo {
    let t = TestRepo::with_team();
    t.write(
        INCIDENT,
        &format!("{}{post_mortem}", incident_toml("critical")),
    );
    t.commit_all("incident", "2026-05-02T01:00:00+08:00");
    t
}

#[test]
fn d011_a_critical_incident_needs_its_post_mortem() {
    let t = critical_incident("");
    // Due 7 days after detection (2026-05-01): not yet on the 8th.
    assert_no(&t.lint_json("2026-05-08"), "D011");
    let json = t.lint_json("2026-05-09");
    let f = assert_one(&json, "D011", INCIDENT, 5, 9, "error");
    assert_eq!(f["rule"], "post-mortem-missing");
    assert_eq!(
        f["message"],
        "no post-mortem of this critical incident; it was due by 2026-05-08"
    );
    assert!(
        f["help"].as_str().unwrap().contains("post_mortem_at"),
        "{f:#}"
    );

    // Held, but no root cause.
    let t = critical_incident("post_mortem_at = 2026-05-06\n");
    let f = assert_one(&t.lint_json("2026-05-20"), "D011", INCIDENT, 8, 18, "error");
    assert_eq!(f["message"], "the post-mortem records no root cause");

    // Held late: a warning.
    let t = critical_incident(
        "post_mortem_at = 2026-05-11\nroot_cause = \"新包装封口工艺变更未做跌落测试\"\n",
    );
    let f = assert_one(
        &t.lint_json("2026-05-20"),
        "D011",
        INCIDENT,
        8,
        18,
        "warning",
    );
    assert_eq!(
        f["message"],
        "the post-mortem was held 2026-05-11, 3 days late (due by 2026-05-08)"
    );

    // Held in time with its root cause; a major incident needs none.
    let t = critical_incident(
        "post_mortem_at = 2026-05-06\nroot_cause = \"新包装封口工艺变更未做跌落测试\"\n",
    );
    assert_no(&t.lint_json("2026-05-20"), "D011");
    let t = TestRepo::with_team();
    t.write(INCIDENT, &incident_toml("major"));
    t.commit_all("incident", "2026-05-02T01:00:00+08:00");
    assert_no(&t.lint_json("2026-05-20"), "D011");
}

// ---------------------------------------------------------------- D012

#[test]
fn d012_a_meeting_far_off_its_kinds_length_is_a_warning() {
    // A morning stand-up (晨会, 15 minutes) that ran an hour.
    let t = TestRepo::with_team();
    let path = t.add_minutes(None, "daily", "2026-01-12T09:00:00+08:00");
    let json = t.lint_expect("2026-01-13", 0);
    let f = assert_one(&json, "D012", &path, 4, 20, "warning");
    assert_eq!(f["rule"], "meeting-length");
    assert_eq!(
        f["message"],
        "the meeting lasted 60 minutes; a daily meeting is 15 minutes (± 50 %)"
    );

    // 20 minutes is within 50 % of 15; a weekly meeting of 60 is as set.
    let t = TestRepo::with_team();
    let path = t.write_minutes(None, "daily", "2026-01-12T09:00:00+08:00");
    t.replace(&path, "duration_minutes = 60", "duration_minutes = 20");
    t.commit_all("minutes", "2026-01-12T09:30:00+08:00");
    t.add_minutes(None, "weekly", "2026-01-12T10:00:00+08:00");
    t.assert_lint_clean("2026-01-13");
}

#[test]
fn d012_new_minutes_writes_the_policys_length_for_the_kind() {
    let t = TestRepo::with_team();
    for (kind, at, minutes) in [
        ("daily", "2026-01-12 09:00", 15),
        ("weekly", "2026-01-12 10:00", 60),
        ("monthly", "2026-02-03 14:00", 90),
        ("quarterly", "2026-01-09 14:00", 60),
    ] {
        let out = t
            .mkt(["new-minutes", "--kind", kind, "--held-at", at])
            .env("CI", "1")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{kind}: {err}");
        let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let text = t.read(&path);
        assert!(
            text.contains(&format!("duration_minutes = {minutes}\n")),
            "{kind}: {text}"
        );
    }
    // Said on the command line, it is what was said.
    let out = t
        .mkt([
            "new-minutes",
            "--kind",
            "daily",
            "--held-at",
            "2026-01-13 09:00",
            "--duration",
            "25",
        ])
        .env("CI", "1")
        .output()
        .unwrap();
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(t.read(&path).contains("duration_minutes = 25\n"));
}

// ---------------------------------------------------------------- D013

/// Minutes of `kind` with these attendees, committed on time.
fn minutes_with(kind: &str, attendees: &str) -> (TestRepo, String) {
    let t = TestRepo::with_team();
    let at = "2026-01-12T10:00:00+08:00";
    let path = t.write_minutes(None, kind, at);
    t.replace(
        &path,
        "attendees = [\"li.na\", \"wang.fang\", \"zhao.lei\"]",
        &format!("attendees = [{attendees}]"),
    );
    t.commit_all("minutes", at);
    (t, path)
}

#[test]
fn d013_weekly_minutes_list_every_member_and_the_director() {
    // 周会: 全体成员及分管高管 — zhao.lei (channel) and the director missing.
    let (t, path) = minutes_with("weekly", "\"li.na\"");
    let json = t.lint_expect("2026-01-13", 1);
    let f = assert_one(&json, "D013", &path, 5, 13, "error");
    assert_eq!(f["rule"], "meeting-attendees");
    assert_eq!(
        f["message"],
        "the weekly minutes do not list: wang.fang, zhao.lei, director (wang.fang)"
    );
    assert!(
        f["help"].as_str().unwrap().contains("all, director"),
        "{f:#}"
    );
    let (t, _) = minutes_with("weekly", "\"li.na\", \"wang.fang\", \"zhao.lei\"");
    t.assert_lint_clean("2026-01-13");
}

#[test]
fn d013_quarterly_strategy_meetings_have_the_ceo_and_the_department_head() {
    let (t, path) = minutes_with("quarterly", "\"li.na\", \"wang.fang\", \"zhao.lei\"");
    let json = t.lint_expect("2026-01-13", 1);
    let f = assert_one(&json, "D013", &path, 5, 13, "error");
    assert_eq!(
        f["message"],
        "the quarterly minutes do not list: ceo (liu.yang), department_head (zhang.wei)"
    );
    let (t, _) = minutes_with(
        "quarterly",
        "\"liu.yang\", \"zhang.wei\", \"li.na\", \"wang.fang\", \"zhao.lei\"",
    );
    t.assert_lint_clean("2026-01-13");
}

#[test]
fn d013_follows_the_policy_by_group_and_role() {
    // A department whose monthly meetings need the channel group and finance.
    let t = TestRepo::with_team();
    t.replace(
        "policy.toml",
        "quarterly = [\"ceo\", \"department_head\"]",
        "quarterly = [\"ceo\", \"department_head\"]\nmonthly = [\"channel\", \"finance\"]",
    );
    t.commit_all_signed(
        "policy: monthly attendees",
        "2026-01-05T10:00:00+08:00",
        ADMIN,
    );
    let at = "2026-02-03T14:00:00+08:00";
    let path = t.write_minutes(None, "monthly", at);
    t.replace(&path, "duration_minutes = 60", "duration_minutes = 90");
    t.commit_all("minutes", at);
    let json = t.lint_expect("2026-02-04", 1);
    let f = assert_one(&json, "D013", &path, 5, 13, "error");
    assert_eq!(
        f["message"],
        "the monthly minutes do not list: finance (chen.jing)"
    );
    t.replace(&path, "\"zhao.lei\"]", "\"zhao.lei\", \"chen.jing\"]");
    t.commit_all("minutes", "2026-02-03T15:00:00+08:00");
    t.assert_lint_clean("2026-02-04");

    // A kind or an attendee the policy cannot mean is refused where written.
    t.replace(
        "policy.toml",
        "monthly = [\"channel\", \"finance\"]",
        "monthly = [\"boss\"]",
    );
    let out = t.mkt(["lint", "--today", "2026-02-04"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`boss` is not `all`, a group"), "{err}");
    assert!(err.contains("policy.toml"), "{err}");
}

// ---------------------------------------------------------------- D017

const SPRING: &str = "春季促销-2026-03V1";

/// A 30-day campaign from 2026-03-01 with an exposure target of 1,000,000
/// and `exposure` in its results so far.
fn running_with(exposure: u64) -> (TestRepo, String) {
    let t = TestRepo::with_team();
    let plan = t.write_standard_campaign(SPRING, "2026-03-01", "2026-03-30");
    // The standard plan's exposure target, and a conversions one.
    t.replace(
        &plan,
        "exposure = 1000000\n",
        "exposure = 1000000\nconversions = 2000\n",
    );
    let results = format!("campaigns/{SPRING}/results.toml");
    t.write(
        &results,
        &format!(
            "[[spend]]\ndate = 2026-03-05\ncategory = \"channel\"\namount = 20000\n\n\
             [kpi]\nexposure = {exposure}\nconversions = 1200\n"
        ),
    );
    t.commit_all("plan and results", "2026-02-10T10:00:00+08:00");
    (t, results)
}

#[test]
fn d017_a_kpi_far_behind_its_target_while_the_campaign_runs() {
    let (t, results) = running_with(120_000);
    // Day 15 of 30: 500,000 due by now; 120,000 is 24 %.
    let json = t.lint_json("2026-03-15");
    let f = assert_one(&json, "D017", &results, 7, 12, "warning");
    assert_eq!(f["rule"], "kpi-behind-target");
    assert_eq!(
        f["message"],
        "exposure is 120000, 24 % of the 500000 its target of 1000000 asks by now (day 15 of 30)"
    );
    // Before the start and after the end it says nothing.
    assert_no(&t.lint_json("2026-02-20"), "D017");
    assert_no(&t.lint_json("2026-04-02"), "D017");

    // On pace (at least half of it): no warning.
    let (t, _) = running_with(260_000);
    assert_no(&t.lint_json("2026-03-15"), "D017");
}

#[test]
fn d017_the_pace_is_the_policys() {
    let (t, results) = running_with(260_000);
    t.replace(
        "policy.toml",
        "behind_pace_percent = 50",
        "behind_pace_percent = 80",
    );
    t.commit_all_signed(
        "policy: closer monitoring",
        "2026-02-11T10:00:00+08:00",
        ADMIN,
    );
    let json = t.lint_json("2026-03-15");
    let f = assert_one(&json, "D017", &results, 7, 12, "warning");
    assert!(f["help"].as_str().unwrap().contains("below 80 %"), "{f:#}");
}

// ---------------------------------------------------------------- D004

#[test]
fn d004_severity_is_the_policys() {
    // Minutes committed three days after the meeting.
    let t = TestRepo::with_team();
    let path = t.write_minutes(None, "weekly", "2026-01-12T10:00:00+08:00");
    t.commit_all("minutes", "2026-01-15T10:00:00+08:00");
    let json = t.lint_expect("2026-01-20", 0);
    assert_one(&json, "D004", &path, 3, 11, "warning");

    t.replace(
        "policy.toml",
        "minutes_late_severity = \"warning\"",
        "minutes_late_severity = \"error\"",
    );
    t.commit_all_signed(
        "policy: late minutes are errors",
        "2026-01-16T10:00:00+08:00",
        ADMIN,
    );
    let json = t.lint_expect("2026-01-20", 1);
    assert_one(&json, "D004", &path, 3, 11, "error");
}
