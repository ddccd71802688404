//! `mkt lint` end to end: real repositories, real git, the real binary.
//!
//! Every rule test starts from a repository that is clean for that rule,
//! breaks exactly one thing, and checks the finding: code, file, line,
//! column (in characters), severity and exit code. Where it is cheap, the
//! fix is applied and the repository is clean again.

use crate::common::*;
use predicates::prelude::*;
use serde_json::Value;

const ID: &str = "春季促销-2026-03V1";
const CAMPAIGN: &str = "campaigns/春季促销-2026-03V1/campaign.toml";
const KICKOFF_AT: &str = "2026-02-25T10:00:00+08:00";
const REVIEW_AT: &str = "2026-03-16T14:00:00+08:00";
const CLOSING_AT: &str = "2026-04-03T10:00:00+08:00";
/// When the director approves the plan: after it is committed, before the start.
const APPROVED_AT: &str = "2026-02-12T10:00:00+08:00";
/// The director's approval of the plan, as `mkt approve` names it.
const APPROVAL: &str = "campaigns/春季促销-2026-03V1/approvals/01-director-wang.fang.toml";

/// The signed roster and one campaign (2026-03-01 – 2026-03-31, 80,000
/// yuan), committed and approved by the director (wang.fang) through `mkt
/// approve`. Clean before and after the start.
fn planned() -> TestRepo {
    let t = plan_approved(|_| {});
    assert_clean(&t.lint_json(DEFAULT_TODAY));
    t
}

/// `planned()` with the plan edited by `edit` before it is committed and
/// approved, so the approval binds the edited plan. Not linted.
fn plan_approved(edit: impl FnOnce(&TestRepo)) -> TestRepo {
    let t = TestRepo::with_team();
    t.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    edit(&t);
    t.commit_all("plan: 春季促销", "2026-02-10T10:00:00+08:00");
    let approval = t.approve(DIRECTOR, ID, APPROVED_AT);
    assert_eq!(approval, APPROVAL);
    t
}

/// Asserts that the director's approval is reported stale (A005) at its
/// `subject_blob`: the honest outcome once an approved plan is edited.
fn assert_stale(json: &Value) {
    let f = assert_one(json, "A005", APPROVAL, 2, 16, "error");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("changed after wang.fang approved it"),
        "{f:#}"
    );
}

/// `planned()` plus its kickoff and review, each committed the moment it
/// was held.
fn running() -> TestRepo {
    let t = planned();
    t.add_minutes(Some(ID), "kickoff", KICKOFF_AT);
    t.add_minutes(Some(ID), "review", REVIEW_AT);
    t
}

// ---------------------------------------------------------------- F: files

#[test]
fn fresh_init_lints_clean() {
    let t = TestRepo::new();
    t.assert_lint_clean(DEFAULT_TODAY);
    t.mkt(["lint"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no findings"));
}

#[test]
fn lint_from_a_subfolder_checks_the_whole_repository() {
    let t = planned();
    t.replace(CAMPAIGN, "event = 10000", "event = 15000");
    let out = mkt_in(&t.home, &t.path("campaigns"))
        .args(["lint", "--format", "json", "--today", DEFAULT_TODAY])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json: Value = serde_json::from_slice(&out).unwrap();
    assert_one(&json, "B001", CAMPAIGN, 14, 1, "error");
    assert_stale(&json);
}

#[test]
fn f001_syntax_error_names_line_and_character_column() {
    let t = planned();
    // The closing quote is missing after six CJK characters: the fault is at
    // the end of line 2, column 16 in characters (28 in bytes).
    t.replace(CAMPAIGN, "title = \"测试活动\"", "title = \"春季新品促销");
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "F001", CAMPAIGN, 2, 16, "error");
    assert_eq!(f["rule"], "toml-syntax");
    assert!(
        f["message"].as_str().unwrap().contains("invalid TOML"),
        "{f:#}"
    );
    assert_eq!(codes(&json), ["F001"], "only the syntax error: {json:#}");

    // Restored as approved: clean again.
    t.replace(CAMPAIGN, "title = \"春季新品促销", "title = \"测试活动\"");
    t.assert_lint_clean(DEFAULT_TODAY);
}

#[test]
fn f001_gbk_file_is_reported_with_its_line() {
    let t = TestRepo::with_team();
    // The weekly meeting of the week of today (D014 counts from it).
    let held = "2026-02-16T10:00:00+08:00";
    let path = t.add_minutes(None, "weekly", held);
    assert_eq!(path, "minutes/2026/2026-02-16-weekly.toml");
    t.assert_lint_clean(DEFAULT_TODAY);

    // The same minutes saved as GBK: 周会 is D6DC BBE1, not UTF-8.
    let text = t.read(&path);
    let mut bytes = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if i == 1 {
            bytes.extend_from_slice(b"title = \"");
            bytes.extend_from_slice(&[0xd6, 0xdc, 0xbb, 0xe1]);
            bytes.extend_from_slice(b"\"");
        } else {
            bytes.extend_from_slice(line.as_bytes());
        }
        bytes.push(b'\n');
    }
    t.write_bytes(&path, &bytes);
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "F001", &path, 2, 10, "error");
    assert!(f["message"].as_str().unwrap().contains("UTF-8"), "{f:#}");
    assert!(f["help"].as_str().unwrap().contains("GBK"), "{f:#}");
}

#[test]
fn f001_file_over_max_file_bytes() {
    let t = planned();
    let results = format!("campaigns/{ID}/results.toml");
    let mut text = String::from(
        "[[spend]]\ndate = 2026-03-03\ncategory = \"channel\"\nchannel = \"wechat\"\namount = 5200\nnote = \"朋友圈广告\"\n",
    );
    while text.len() <= 7000 {
        text.push_str("# 备注：投放明细见周报 (padding to make the file large)\n");
    }
    t.write(&results, &text);
    t.commit_all("results", "2026-02-11T10:00:00+08:00");
    t.assert_lint_clean(DEFAULT_TODAY);

    t.replace(
        "policy.toml",
        "max_file_bytes = 1048576",
        "max_file_bytes = 6000",
    );
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "F001", &results, 1, 1, "error");
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("bytes") && msg.contains("6000"), "{f:#}");
    assert_eq!(codes(&json), ["F001"], "{json:#}");
}

#[test]
fn f002_misspelt_key_says_did_you_mean() {
    let t = planned();
    t.replace(CAMPAIGN, "owner = \"li.na\"", "ownr = \"li.na\"");
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "F002", CAMPAIGN, 3, 1, "error");
    assert_eq!(f["rule"], "schema");
    assert!(f["message"].as_str().unwrap().contains("`ownr`"), "{f:#}");
    assert_eq!(f["help"], "did you mean `owner`?", "{f:#}");

    t.replace(CAMPAIGN, "ownr = \"li.na\"", "owner = \"li.na\"");
    t.assert_lint_clean(DEFAULT_TODAY);
}

#[test]
fn f002_float_money_is_a_type_error() {
    let t = planned();
    t.replace(CAMPAIGN, "total = 80000", "total = 80000.5");
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "F002", CAMPAIGN, 12, 9, "error");
    assert!(f["message"].as_str().unwrap().contains("float"), "{f:#}");
}

#[test]
fn f002_missing_required_key() {
    let t = planned();
    t.replace(CAMPAIGN, "title = \"测试活动\"\n", "");
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "F002", CAMPAIGN, 1, 1, "error");
    assert_eq!(f["message"], "missing required key `title`", "{f:#}");
}

#[test]
fn f002_missing_team_toml() {
    let t = planned();
    t.remove("team.toml");
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "F002", "team.toml", 1, 1, "error");
    assert!(f["message"].as_str().unwrap().contains("missing"), "{f:#}");
    // Without a roster, names are not also reported as unknown.
    assert_no(&json, "F004");
}

#[test]
fn f002_campaign_folder_without_plan() {
    let t = planned();
    let folder = "夏日清凉-2026-07V1";
    t.write_minutes(Some(folder), "kickoff", "2026-06-25T10:00:00+08:00");
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(
        &json,
        "F002",
        &format!("campaigns/{folder}/campaign.toml"),
        1,
        1,
        "error",
    );
    assert!(
        f["message"].as_str().unwrap().contains("no campaign.toml"),
        "{f:#}"
    );
}

#[test]
fn f002_unknown_role_in_team_suggests_one() {
    let t = planned();
    t.replace(
        "team.toml",
        "roles = [\"director\"]",
        "roles = [\"directr\"]",
    );
    let team = t.read("team.toml");
    let (line, _) = pos(&team, "roles = [\"directr\"]");
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "F002", "team.toml", line, 10, "error");
    assert_eq!(f["help"], "did you mean `director`?", "{f:#}");
}

#[test]
fn f003_file_where_no_record_belongs() {
    let t = planned();
    // Minutes saved in 会议/ instead of minutes/ would escape every deadline rule.
    let stray = format!("campaigns/{ID}/会议/2026-02-25-kickoff.toml");
    t.write(&stray, &minutes_toml("kickoff", KICKOFF_AT, ""));
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "F003", &stray, 1, 1, "error");
    assert_eq!(f["rule"], "misplaced-file");
    assert!(f["help"].as_str().unwrap().contains("minutes/"), "{f:#}");

    t.remove(&stray);
    t.assert_lint_clean(DEFAULT_TODAY);
}

#[test]
fn f003_files_git_ignores_are_skipped() {
    let t = planned();
    t.write(".gitignore", "*.bak\n.DS_Store\n");
    t.write(&format!("campaigns/{ID}/campaign.toml.bak"), "not = [toml");
    t.write(".DS_Store", "\u{0}\u{1}");
    t.assert_lint_clean(DEFAULT_TODAY);

    // Not ignored any more: now it is a misplaced file.
    t.write(".gitignore", ".DS_Store\n");
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    assert_one(
        &json,
        "F003",
        &format!("campaigns/{ID}/campaign.toml.bak"),
        1,
        1,
        "error",
    );
}

#[cfg(unix)]
#[test]
fn f003_symbolic_link_is_not_followed() {
    let t = planned();
    // A link where results.toml belongs, pointing outside the repository at
    // a file that is not even TOML: it must be reported, never read.
    let outside = t.tmp().join("secret.toml");
    std::fs::write(&outside, "this = is [not toml").unwrap();
    let link = format!("campaigns/{ID}/results.toml");
    std::os::unix::fs::symlink(&outside, t.path(&link)).unwrap();
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "F003", &link, 1, 1, "error");
    assert!(
        f["message"].as_str().unwrap().contains("symbolic link"),
        "{f:#}"
    );
    assert_eq!(codes(&json), ["F003"], "the target is not read: {json:#}");

    // A link to a folder is not followed either.
    std::fs::remove_file(t.path(&link)).unwrap();
    std::os::unix::fs::symlink(t.tmp(), t.path("campaigns/外部-2026-03V1")).unwrap();
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    assert_eq!(codes(&json), ["F003"], "{json:#}");
    assert_eq!(
        findings(&json, "F003")[0]["file"],
        "campaigns/外部-2026-03V1"
    );
}

#[test]
fn f004_unknown_owner_suggests_a_person() {
    let t = planned();
    t.replace(CAMPAIGN, "owner = \"li.na\"", "owner = \"lina\"");
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "F004", CAMPAIGN, 3, 9, "error");
    assert_stale(&json);
    assert_eq!(f["rule"], "unknown-reference");
    assert!(f["message"].as_str().unwrap().contains("`lina`"), "{f:#}");
    assert_eq!(f["help"], "did you mean `li.na`?", "{f:#}");

    t.replace(CAMPAIGN, "owner = \"lina\"", "owner = \"li.na\"");
    t.assert_lint_clean(DEFAULT_TODAY);
}

#[test]
fn f004_column_counts_characters_under_chinese_text() {
    let phases = "phases = [\
        { name = \"预热\", start = 2026-03-01, end = 2026-03-07, owner = \"li.na\", actions = [\"预热推文\"] }, \
        { name = \"爆发\", start = 2026-03-08, end = 2026-03-24, owner = \"zhao.lei\", actions = [\"直播\"] }, \
        { name = \"长尾\", start = 2026-03-25, end = 2026-03-31, owner = \"zhao.lei\", actions = [\"复购券\"] }]";
    // The phases, written inline on line 10 in place of the [[phases]]
    // tables, are part of the plan the director approved.
    let t = plan_approved(|t| {
        let text = t.read(CAMPAIGN);
        let (from, to) = (
            text.find("\n[[phases]]").unwrap(),
            text.find("\n[targets]").unwrap(),
        );
        let text = format!("{}{}", &text[..from], &text[to..]);
        t.write(
            CAMPAIGN,
            &text.replacen(
                "cancelled = \"\"\n",
                &format!("cancelled = \"\"\n{phases}\n"),
                1,
            ),
        );
    });
    t.assert_lint_clean(DEFAULT_TODAY);

    t.replace(
        CAMPAIGN,
        "owner = \"li.na\", actions",
        "owner = \"zhao.le\", actions",
    );
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    // `owner`'s value starts at character 72 of line 10 (byte 76: 预热 is
    // two characters of three bytes each).
    let f = assert_one(&json, "F004", CAMPAIGN, 10, 72, "error");
    assert_stale(&json);
    assert_eq!(pos(&t.read(CAMPAIGN), "\"zhao.le\""), (10, 72));
    assert_eq!(f["help"], "did you mean `zhao.lei`?", "{f:#}");
}

#[test]
fn f004_unknown_attendee_in_minutes() {
    let t = planned();
    let path = t.write_minutes(Some(ID), "kickoff", KICKOFF_AT);
    t.assert_lint_clean(DEFAULT_TODAY);
    t.replace(&path, "\"zhao.lei\"]", "\"钱七\"]");
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    // attendees = ["li.na", "wang.fang", "钱七"]: the third starts at 36.
    let f = assert_one(&json, "F004", &path, 5, 36, "error");
    assert_eq!(pos(&t.read(&path), "\"钱七\""), (5, 36));
    assert!(f["message"].as_str().unwrap().contains("钱七"), "{f:#}");
}

// ---------------------------------------------------------------- N: naming

#[test]
fn n001_id_differs_from_folder() {
    let t = planned();
    t.replace(
        CAMPAIGN,
        &format!("id = \"{ID}\""),
        "id = \"春季大促-2026-03V1\"",
    );
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "N001", CAMPAIGN, 1, 6, "error");
    assert_stale(&json);
    assert_eq!(f["rule"], "campaign-id");
    assert!(f["message"].as_str().unwrap().contains("folder"), "{f:#}");

    t.replace(
        CAMPAIGN,
        "id = \"春季大促-2026-03V1\"",
        &format!("id = \"{ID}\""),
    );
    t.assert_lint_clean(DEFAULT_TODAY);
}

#[test]
fn n001_id_month_is_the_start_month() {
    let t = planned();
    // The campaign's own dates (lines 4 and 5), not its phases'.
    t.replace(
        CAMPAIGN,
        "owner = \"li.na\"\nstart = 2026-03-01",
        "owner = \"li.na\"\nstart = 2026-04-01",
    );
    t.replace(
        CAMPAIGN,
        "\nend = 2026-03-31\nobjective",
        "\nend = 2026-04-30\nobjective",
    );
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "N001", CAMPAIGN, 1, 6, "error");
    assert_stale(&json);
    assert!(
        f["help"].as_str().unwrap().contains("春季促销-2026-04V1"),
        "{f:#}"
    );
}

#[test]
fn n001_bad_campaign_names_never_panic() {
    for (name, why) in [
        ("春季..促销", "`..`"),
        ("春季 促销", "' '"),
        (".春季促销", "dot"),
        ("春季/促销", "`/`"),
    ] {
        let t = TestRepo::with_team();
        let id = format!("{name}-2026-03V1");
        // The folder is named as the ID, except that `/` cannot be in a folder name.
        let folder = id.replace('/', "_");
        let path = format!("campaigns/{folder}/campaign.toml");
        t.write(
            &path,
            &campaign_toml(
                &id,
                "2026-03-01",
                "2026-03-31",
                "li.na",
                80000,
                STANDARD_ALLOCATION,
            ),
        );
        let (code, json) = t.lint_run(DEFAULT_TODAY);
        assert_eq!(code, 1, "{name}: {json:#}");
        let found = findings(&json, "N001");
        assert!(!found.is_empty(), "{name}: {json:#}");
        assert_at(&found[0], "N001", &path, 1, 6, "error");
        assert!(
            found
                .iter()
                .any(|f| f["message"].as_str().unwrap().contains(why)),
            "{name}: expected a message naming {why}: {json:#}"
        );
    }
}

#[test]
fn n002_version_must_name_what_it_supersedes() {
    let t = planned();
    let v2 = "春季促销-2026-03V2";
    let v2_path = format!("campaigns/{v2}/campaign.toml");
    t.write_standard_campaign(v2, "2026-03-01", "2026-03-31");
    t.replace(
        &v2_path,
        "supersedes = \"\"",
        &format!("supersedes = \"{ID}\""),
    );
    t.assert_lint_clean(DEFAULT_TODAY);

    t.replace(
        &v2_path,
        &format!("supersedes = \"{ID}\""),
        "supersedes = \"\"",
    );
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let found = findings(&json, "N002");
    assert_eq!(found.len(), 2, "{json:#}");
    // V1 is still active next to V2 ...
    assert_at(&found[0], "N002", CAMPAIGN, 1, 6, "error");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("2 active versions"),
        "{json:#}"
    );
    // ... and V2 does not say which version it replaces.
    assert_at(&found[1], "N002", &v2_path, 1, 6, "error");
    assert!(
        found[1]["help"]
            .as_str()
            .unwrap()
            .contains(&format!("supersedes = \"{ID}\"")),
        "{json:#}"
    );
}

#[test]
fn n002_first_version_supersedes_nothing() {
    let t = planned();
    // Started without a kickoff: D001 applies to it.
    let json = t.lint_expect("2026-03-05", 1);
    assert_eq!(codes(&json), ["D001"], "{json:#}");

    // Naming itself in `supersedes` marks it superseded, which takes it out
    // of every deadline rule: that must not pass silently.
    t.replace(
        CAMPAIGN,
        "supersedes = \"\"",
        &format!("supersedes = \"{ID}\""),
    );
    let json = t.lint_expect("2026-03-05", 1);
    let f = assert_one(&json, "N002", CAMPAIGN, 8, 14, "error");
    assert_stale(&json);
    assert!(f["message"].as_str().unwrap().contains("V1"), "{f:#}");

    // Nor may a first version silence another campaign by superseding it.
    t.replace(
        CAMPAIGN,
        &format!("supersedes = \"{ID}\""),
        "supersedes = \"\"",
    );
    let other = "夏日清凉-2026-03V1";
    let other_path = t.write_standard_campaign(other, "2026-03-01", "2026-03-31");
    t.replace(
        &other_path,
        "supersedes = \"\"",
        &format!("supersedes = \"{ID}\""),
    );
    let json = t.lint_expect("2026-03-05", 1);
    assert_one(&json, "N002", &other_path, 8, 14, "error");
}

#[test]
fn n002_gap_in_versions() {
    let t = planned();
    let v3 = "春季促销-2026-03V3";
    let v3_path = format!("campaigns/{v3}/campaign.toml");
    t.write_standard_campaign(v3, "2026-03-01", "2026-03-31");
    t.replace(
        &v3_path,
        "supersedes = \"\"",
        &format!("supersedes = \"{ID}\""),
    );
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "N002", &v3_path, 1, 6, "error");
    assert_eq!(f["rule"], "version-sequence");
    assert!(f["message"].as_str().unwrap().contains("V2"), "{f:#}");
}

#[test]
fn n003_minutes_file_name_must_match_its_date() {
    let t = planned();
    let good = t.write_minutes(Some(ID), "kickoff", KICKOFF_AT);
    t.assert_lint_clean(DEFAULT_TODAY);

    let bad = format!("campaigns/{ID}/minutes/2026-02-24-kickoff.toml");
    std::fs::rename(t.path(&good), t.path(&bad)).unwrap();
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "N003", &bad, 3, 11, "error");
    assert_eq!(f["rule"], "minutes-file-name");
    assert!(
        f["help"].as_str().unwrap().contains("2026-02-25-kickoff"),
        "{f:#}"
    );

    // A slug after the kind is fine.
    let slugged = format!("campaigns/{ID}/minutes/2026-02-25-kickoff-启动会.toml");
    std::fs::rename(t.path(&bad), t.path(&slugged)).unwrap();
    t.assert_lint_clean(DEFAULT_TODAY);
}

#[test]
fn n003_department_meeting_filed_under_the_wrong_year() {
    let t = TestRepo::with_team();
    let held = "2026-01-12T10:00:00+08:00";
    let path = t.add_minutes(None, "weekly", held);
    // Two days on: the next weekly meeting (D014) is not due yet.
    let today = "2026-01-14";
    t.assert_lint_clean(today);
    let wrong = "minutes/2025/2026-01-12-weekly.toml";
    std::fs::create_dir_all(t.path("minutes/2025")).unwrap();
    std::fs::rename(t.path(&path), t.path(wrong)).unwrap();
    t.commit_all("move", held);
    let json = t.lint_expect(today, 1);
    let f = assert_one(&json, "N003", wrong, 3, 11, "error");
    assert!(
        f["help"].as_str().unwrap().contains("minutes/2026/"),
        "{f:#}"
    );
}

// ---------------------------------------------------------------- D: deadlines

#[test]
fn d001_kickoff_outside_the_window_before_start() {
    let t = planned();
    // Seven days before the start is the edge of the window: on time.
    let edge = t.add_minutes(Some(ID), "kickoff", "2026-02-22T10:00:00+08:00");
    t.assert_lint_clean("2026-03-05");

    // Eight days before is too early.
    t.remove(&edge);
    t.add_minutes(Some(ID), "kickoff", "2026-02-21T10:00:00+08:00");
    let json = t.lint_expect("2026-03-05", 1);
    let f = assert_one(&json, "D001", CAMPAIGN, 4, 9, "error");
    assert_eq!(f["rule"], "kickoff-missing");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("2026-02-22 – 2026-02-28"),
        "{f:#}"
    );
    // Not due before the start.
    assert_no(&t.lint_json("2026-02-28"), "D001");
}

#[test]
fn d001_kickoff_missing() {
    let t = planned();
    let json = t.lint_expect("2026-03-01", 1);
    assert_one(&json, "D001", CAMPAIGN, 4, 9, "error");
    t.add_minutes(Some(ID), "kickoff", KICKOFF_AT);
    t.assert_lint_clean("2026-03-01");
}

#[test]
fn d002_review_missing_in_a_finished_quarter() {
    let t = running();
    t.assert_lint_clean("2026-04-05");

    t.remove(&minutes_path(Some(ID), "review", REVIEW_AT));
    t.commit_all("drop the review", "2026-04-01T10:00:00+08:00");
    // While the quarter runs, the review is not missing yet.
    assert_no(&t.lint_json("2026-03-31"), "D002");
    let json = t.lint_expect("2026-04-05", 1);
    let f = assert_one(&json, "D002", CAMPAIGN, 1, 6, "error");
    assert_eq!(f["rule"], "review-missing");
    assert!(f["message"].as_str().unwrap().contains("2026Q1"), "{f:#}");
}

#[test]
fn d003_closing_overdue() {
    let t = running();
    let closing = t.add_minutes(Some(ID), "closing", CLOSING_AT);
    // Its results, evaluated at the closing (D010).
    t.write(
        "campaigns/春季促销-2026-03V1/results.toml",
        "[[spend]]\ndate = 2026-03-05\ncategory = \"channel\"\namount = 20000\n\n[kpi]\nconversions = 120\n",
    );
    t.write("reports/2026Q1.md", "# 2026Q1 季度报告\n");
    t.commit_all("report 2026Q1", "2026-04-08T10:00:00+08:00");
    t.sign_off(DIRECTOR, "reports/2026Q1.md", "2026-04-08T10:00:00+08:00");
    // Held in time, but without the director's closing sign-off (结项验收).
    let json = t.lint_expect("2026-04-20", 1);
    let f = assert_one(&json, "D003", &closing, 1, 8, "error");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("no director sign-off, due by 2026-04-15"),
        "{f:#}"
    );
    t.sign_off(DIRECTOR, &closing, "2026-04-09T15:00:00+08:00");
    t.assert_lint_clean("2026-04-20");

    t.remove(&minutes_path(Some(ID), "closing", CLOSING_AT));
    // Due 15 days after the end: not overdue on 2026-04-15, overdue after.
    assert_no(&t.lint_json("2026-04-15"), "D003");
    let json = t.lint_expect("2026-04-20", 1);
    let f = assert_one(&json, "D003", CAMPAIGN, 5, 7, "error");
    assert_eq!(f["rule"], "closing-overdue");
    assert!(
        f["message"].as_str().unwrap().contains("2026-04-15"),
        "{f:#}"
    );
}

#[test]
fn a_closing_held_and_signed_off_late_is_a_warning_that_says_how_late() {
    let t = running();
    // Due 2026-04-15: held five days late, signed off six days late.
    let closing = t.add_minutes(Some(ID), "closing", "2026-04-20T10:00:00+08:00");
    // Its results, evaluated at the closing (D010).
    t.write(
        "campaigns/春季促销-2026-03V1/results.toml",
        "[[spend]]\ndate = 2026-03-05\ncategory = \"channel\"\namount = 20000\n\n[kpi]\nconversions = 120\n",
    );
    t.write("reports/2026Q1.md", "# 2026Q1 季度报告\n");
    t.commit_all("report 2026Q1", "2026-04-08T10:00:00+08:00");
    t.sign_off(DIRECTOR, "reports/2026Q1.md", "2026-04-08T10:00:00+08:00");
    let json = t.lint_expect("2026-04-25", 1);
    // Held late but not signed off: the sign-off, still not done, is the error.
    let d003 = findings(&json, "D003");
    assert_eq!(d003.len(), 2, "{json:#}");
    assert!(
        d003.iter().any(|f| f["severity"] == "warning"
            && f["message"]
                .as_str()
                .unwrap()
                .contains("was held 2026-04-20, 5 days late (due by 2026-04-15)")),
        "{json:#}"
    );
    assert!(
        d003.iter().any(|f| f["severity"] == "error"
            && f["message"]
                .as_str()
                .unwrap()
                .contains("no director sign-off")),
        "{json:#}"
    );
    t.sign_off(DIRECTOR, &closing, "2026-04-21T15:00:00+08:00");
    let json = t.lint_expect("2026-04-25", 0);
    let d003 = findings(&json, "D003");
    assert_eq!(d003.len(), 2, "{json:#}");
    assert!(d003.iter().all(|f| f["severity"] == "warning"), "{json:#}");
    assert!(
        d003.iter().any(|f| f["message"]
            .as_str()
            .unwrap()
            .contains("signed off on 2026-04-21, 6 days late")),
        "{json:#}"
    );
}

#[test]
fn a_kickoff_held_after_the_start_is_a_warning_not_an_error() {
    let t = planned();
    // Start 2026-03-01: the kickoff held two days after the window closed.
    let path = t.write_minutes(Some(ID), "kickoff", "2026-03-02T10:00:00+08:00");
    t.commit_all("kickoff minutes", "2026-03-02T12:00:00+08:00");
    let json = t.lint_json("2026-03-05");
    let d001 = findings(&json, "D001");
    assert_eq!(d001.len(), 1, "{json:#}");
    assert_eq!(d001[0]["severity"], "warning", "{json:#}");
    assert_eq!(d001[0]["file"], path.as_str(), "{json:#}");
    assert!(
        d001[0]["message"]
            .as_str()
            .unwrap()
            .contains("2 days late (due by 2026-02-28)"),
        "{json:#}"
    );
}

#[test]
fn d004_minutes_committed_late_is_a_warning() {
    let t = planned();
    let path = t.write_minutes(Some(ID), "kickoff", KICKOFF_AT);
    // 23 hours after the meeting: on time.
    t.commit_all("kickoff minutes", "2026-02-26T09:00:00+08:00");
    t.assert_lint_clean("2026-03-01");

    // The same commit, made 50 hours after the meeting instead.
    git_in(
        &t.home,
        &t.root,
        &["commit", "-q", "--amend", "--no-edit", "--reset-author"],
        Some("2026-02-27T12:00:00+08:00"),
    );
    let json = t.lint_expect("2026-03-01", 0);
    let f = assert_one(&json, "D004", &path, 3, 11, "warning");
    assert_eq!(f["rule"], "minutes-late");
    assert!(
        f["message"].as_str().unwrap().contains("2 days 2 hours"),
        "{f:#}"
    );
    assert_eq!(codes(&json), ["D004"]);
    t.mkt(["lint"])
        .env("MKT_TODAY", "2026-03-01")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("warning[D004]"));
}

#[test]
fn d004_renaming_minutes_keeps_the_time_they_were_first_committed() {
    let t = planned();
    // Filed under a wrong name, on time; renamed (as N003 asks) three days later.
    let wrong = format!("campaigns/{ID}/minutes/2026-02-24-kickoff.toml");
    t.write(&wrong, &minutes_toml("kickoff", KICKOFF_AT, ""));
    t.commit_all("kickoff minutes", "2026-02-25T12:00:00+08:00");
    assert_eq!(codes(&t.lint_expect("2026-03-01", 1)), ["N003"]);
    let right = minutes_path(Some(ID), "kickoff", KICKOFF_AT);
    t.git(&["mv", &wrong, &right]);
    t.commit_all("rename kickoff minutes", "2026-02-28T12:00:00+08:00");
    t.assert_lint_clean("2026-03-01");
}

#[test]
fn meeting_dates_are_read_in_the_policy_zone() {
    let t = planned();
    // 20:00 UTC on the 24th is 04:00 on the 25th in Beijing (policy +08:00).
    let held = "2026-02-24T20:00:00Z";
    let path = format!("campaigns/{ID}/minutes/2026-02-25-kickoff.toml");
    t.write(&path, &minutes_toml("kickoff", held, ""));
    t.commit_all("kickoff minutes", "2026-02-25T10:00:00+08:00");
    t.assert_lint_clean("2026-03-01");
}

#[test]
fn d004_minutes_never_committed() {
    let t = planned();
    let path = t.write_minutes(Some(ID), "kickoff", KICKOFF_AT);
    // Before the meeting nothing is late; on the day, still in time.
    t.assert_lint_clean("2026-02-24");
    t.assert_lint_clean("2026-02-25");
    let json = t.lint_expect("2026-03-01", 0);
    let f = assert_one(&json, "D004", &path, 3, 11, "warning");
    assert!(
        f["message"].as_str().unwrap().contains("not committed"),
        "{f:#}"
    );
}

const DECISION: &str = "[[decisions]]\ntext = \"3月1日前完成全部预热素材\"\nowner = \"zhao.lei\"\ndue = 2026-02-28\ndone = true\n";

fn with_decision() -> (TestRepo, String) {
    let t = planned();
    let path = add_decision(&t, DECISION);
    t.assert_lint_clean("2026-03-02");
    (t, path)
}

/// Commits the kickoff minutes with `decision` in them; returns their path.
fn add_decision(t: &TestRepo, decision: &str) -> String {
    let path = minutes_path(Some(ID), "kickoff", KICKOFF_AT);
    t.write(&path, &minutes_toml("kickoff", KICKOFF_AT, decision));
    t.commit_all("kickoff minutes", KICKOFF_AT);
    path
}

#[test]
fn d005_decision_overdue_is_a_warning() {
    let (mut t, path) = with_decision();
    t.replace(&path, "done = true", "done = false");
    // Due today is not overdue yet.
    t.assert_lint_clean("2026-02-28");
    let json = t.lint_expect("2026-03-02", 0);
    let f = assert_one(&json, "D005", &path, 14, 7, "warning");
    assert_eq!(f["rule"], "decision-overdue");
    assert!(
        f["message"].as_str().unwrap().contains("2 days ago"),
        "{f:#}"
    );
    // MKT_TODAY works as --today does.
    t.today = "2026-03-02".into();
    t.mkt(["lint", "--format", "json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"D005\""));
}

#[test]
fn d006_decision_without_owner_or_due_date() {
    let (t, path) = with_decision();
    t.replace(&path, "owner = \"zhao.lei\"\n", "");
    let json = t.lint_expect("2026-03-02", 1);
    let f = assert_one(&json, "D006", &path, 12, 8, "error");
    assert_eq!(f["rule"], "decision-incomplete");
    assert!(f["message"].as_str().unwrap().contains("责任人"), "{f:#}");

    t.replace(&path, "due = 2026-02-28\n", "owner = \"zhao.lei\"\n");
    let json = t.lint_expect("2026-03-02", 1);
    let f = assert_one(&json, "D006", &path, 12, 8, "error");
    assert!(f["message"].as_str().unwrap().contains("时限"), "{f:#}");
}

#[test]
fn d007_quarterly_report_not_filed() {
    let t = TestRepo::with_team();
    t.add_quarterly_meeting("2026-01-09T10:00:00+08:00");
    t.write("reports/2026Q1.md", "# 2026Q1 季度报告\n");
    t.commit_all("report", "2026-04-08T10:00:00+08:00");
    t.sign_off(DIRECTOR, "reports/2026Q1.md", "2026-04-08T10:00:00+08:00");
    t.assert_lint_clean("2026-04-20");

    let t = TestRepo::with_team();
    t.add_quarterly_meeting("2026-01-09T10:00:00+08:00");
    // Due ten days after the quarter: 2026-04-10 is the last day.
    t.assert_lint_clean("2026-04-10");
    let json = t.lint_expect("2026-04-11", 1);
    let f = assert_one(&json, "D007", "reports/2026Q1.md", 1, 1, "error");
    assert_eq!(f["rule"], "report-overdue");
    assert!(
        f["message"].as_str().unwrap().contains("2026-04-10"),
        "{f:#}"
    );

    // Filed three days late: a warning that says so, and lint passes.
    let t = TestRepo::with_team();
    t.add_minutes(None, "weekly", "2026-01-12T10:00:00+08:00");
    t.write("reports/2026Q1.md", "# 2026Q1 季度报告\n");
    t.commit_all("report, late", "2026-04-13T10:00:00+08:00");
    t.sign_off(DIRECTOR, "reports/2026Q1.md", "2026-04-13T10:00:00+08:00");
    let json = t.lint_expect("2026-04-20", 0);
    let f = assert_one(&json, "D007", "reports/2026Q1.md", 1, 1, "warning");
    assert_eq!(
        f["message"],
        "the 2026Q1 report was filed 2026-04-13, 3 days late (due by 2026-04-10)"
    );
}

// ---------------------------------------------------------------- B: budget

#[test]
fn b001_allocation_does_not_sum_to_total() {
    let t = planned();
    t.replace(CAMPAIGN, "event = 10000", "event = 15000");
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "B001", CAMPAIGN, 14, 1, "error");
    assert_stale(&json);
    assert_eq!(f["rule"], "allocation-sum");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("sums to 85000 but total is 80000"),
        "{f:#}"
    );
    t.replace(CAMPAIGN, "event = 15000", "event = 10000");
    t.assert_lint_clean(DEFAULT_TODAY);
}

#[test]
fn b001_allocation_in_fen_is_exact() {
    let t = TestRepo::with_team();
    let path = format!("campaigns/{ID}/campaign.toml");
    let text = campaign_toml(ID, "2026-03-01", "2026-03-31", "li.na", 0, &[])
        .replace("total = 0", "total = \"80000.30\"")
        + "channel = \"45000.10\"\ncontent = \"15000.10\"\nevent = 10000\nreserve = \"10000.10\"\n"
        + &campaign_plan("2026-03-01", "2026-03-31");
    t.write(&path, &text);
    t.assert_lint_clean(DEFAULT_TODAY);
    t.replace(&path, "event = 10000", "event = \"10000.01\"");
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "B001", &path, 14, 1, "error");
    assert!(f["message"].as_str().unwrap().contains("0.01"), "{f:#}");
}

#[test]
fn b001_channel_budgets_above_the_channel_allocation() {
    let channels = "\n[[channels]]\nname = \"wechat\"\nbudget = 25000\n\n[[channels]]\nname = \"douyin\"\nbudget = 20000\n";
    // The channel budgets are part of the plan the director approved.
    let t = plan_approved(|t| t.write(CAMPAIGN, &(t.read(CAMPAIGN) + channels)));
    t.assert_lint_clean(DEFAULT_TODAY);
    t.replace(CAMPAIGN, "budget = 20000", "budget = 20001");
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    // At the first [[channels]] (after the plan's phases and targets).
    let (line, _) = pos(&t.read(CAMPAIGN), "[[channels]]");
    let f = assert_one(&json, "B001", CAMPAIGN, line, 1, "error");
    assert_stale(&json);
    assert!(f["message"].as_str().unwrap().contains("45001"), "{f:#}");
}

#[test]
fn b002_reserve_outside_range() {
    let plan = |channel: i64, reserve: i64| {
        campaign_toml(
            ID,
            "2026-03-01",
            "2026-03-31",
            "li.na",
            80000,
            &[
                ("channel", channel),
                ("content", 15000),
                ("event", 10000),
                ("reserve", reserve),
            ],
        ) + &campaign_plan("2026-03-01", "2026-03-31")
    };
    // 10 % and 15 % are inside the range, each approved as planned ...
    let mut last = None;
    for (channel, reserve) in [(47000, 8000), (43000, 12000)] {
        let t = plan_approved(|t| t.write(CAMPAIGN, &plan(channel, reserve)));
        t.assert_lint_clean(DEFAULT_TODAY);
        last = Some(t);
    }
    // ... 20 % is not (and the approved plan is no longer what was approved).
    let t = last.unwrap();
    t.write(CAMPAIGN, &plan(39000, 16000));
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "B002", CAMPAIGN, 18, 11, "error");
    assert_eq!(f["rule"], "reserve-range");
    assert!(f["message"].as_str().unwrap().contains("20 %"), "{f:#}");
    assert!(
        f["help"]
            .as_str()
            .unwrap()
            .contains("between 8000 and 12000"),
        "{f:#}"
    );
    assert_stale(&json);
}

#[test]
fn b002_reserve_missing_points_at_the_allocation() {
    let t = planned();
    t.replace(CAMPAIGN, "channel = 45000", "channel = 55000");
    t.replace(CAMPAIGN, "reserve = 10000\n", "");
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "B002", CAMPAIGN, 14, 1, "error");
    assert_stale(&json);
    assert!(f["message"].as_str().unwrap().contains("0 %"), "{f:#}");
}

#[test]
fn b002_huge_amounts_never_overflow() {
    let t = planned();
    // 9 × 10^16 yuan is 9 × 10^18 fen, near i64::MAX: × 15 % must not overflow.
    let huge = 90_000_000_000_000_000_i64;
    t.write_campaign(
        ID,
        "2026-03-01",
        "2026-03-31",
        "li.na",
        huge,
        &[("channel", huge)],
    );
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "B002", CAMPAIGN, 14, 1, "error");
    assert_stale(&json);
    assert!(
        f["help"]
            .as_str()
            .unwrap()
            .contains("between 9000000000000000 and 13500000000000000"),
        "{f:#}"
    );
}

#[test]
fn b003_spend_above_allocation_plus_reserve() {
    let t = planned();
    let results = format!("campaigns/{ID}/results.toml");
    let row = |date: &str, amount: i64| {
        format!(
            "[[spend]]\ndate = {date}\ncategory = \"channel\"\nchannel = \"wechat\"\namount = {amount}\nnote = \"朋友圈广告\"\n\n"
        )
    };
    // channel 45000 + reserve 10000 = 55000 may be spent on channels.
    let text = row("2026-03-03", 30000) + &row("2026-03-10", 25000);
    t.write(&results, &text);
    t.assert_lint_clean(DEFAULT_TODAY);

    t.write(&results, &(text.clone() + &row("2026-03-20", 1)));
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    // The third row crosses the line; its amount is at 19:10.
    let f = assert_one(&json, "B003", &results, 19, 10, "error");
    assert_eq!(f["rule"], "overspend");
    assert!(f["message"].as_str().unwrap().contains("55001"), "{f:#}");
}

#[test]
fn b003_total_spend_above_total() {
    let t = planned();
    let results = format!("campaigns/{ID}/results.toml");
    let row = |cat: &str, amount: i64| {
        format!("[[spend]]\ndate = 2026-03-03\ncategory = \"{cat}\"\namount = {amount}\n\n")
    };
    // Each category within its allocation plus reserve, 80000 in all.
    let text = row("channel", 50000) + &row("content", 20000) + &row("event", 10000);
    t.write(&results, &text);
    t.assert_lint_clean(DEFAULT_TODAY);

    t.write(&results, &(text.clone() + &row("event", 1)));
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    let f = assert_one(&json, "B003", &results, 19, 10, "error");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("above the budget total 80000"),
        "{f:#}"
    );
}

// ---------------------------------------------------------------- A: the plan's approval

#[test]
fn a005_edited_plan_is_stale_until_approved_again() {
    let t = planned();
    t.replace(CAMPAIGN, "title = \"测试活动\"", "title = \"春季新品促销\"");
    let json = t.lint_expect(DEFAULT_TODAY, 1);
    assert_eq!(codes(&json), ["A005"], "{json:#}");
    assert_stale(&json);
    // A stale approval does not count: once started, the plan is unapproved.
    let json = t.lint_expect("2026-03-01", 1);
    let f = assert_one(&json, "A001", CAMPAIGN, 4, 9, "error");
    assert!(
        f["message"].as_str().unwrap().contains("missing director"),
        "{f:#}"
    );
    assert_stale(&json);

    // The changed plan, committed and approved again by the director: the
    // old approval stays on record, and nothing is stale any more.
    t.commit_all("plan: new title", "2026-02-14T10:00:00+08:00");
    let again = t.approve(DIRECTOR, ID, "2026-02-15T10:00:00+08:00");
    assert_eq!(
        again,
        format!("campaigns/{ID}/approvals/02-director-wang.fang.toml")
    );
    assert!(t.path(APPROVAL).is_file());
    t.assert_lint_clean(DEFAULT_TODAY);
}

// ---------------------------------------------------------------- could not run

/// Runs lint, expecting exit 2 (never a panic); returns stderr.
fn lint_fails(t: &TestRepo) -> String {
    let out = t.mkt(["lint"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(2),
        "stdout: {}\nstderr: {stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// Edits the fresh repository's policy.toml, and checks lint cannot run and
/// names the line and column where `needle` stands; returns stderr.
fn policy_error_at(from: &str, to: &str, needle: &str) -> String {
    let t = TestRepo::new();
    t.replace("policy.toml", from, to);
    let (line, col) = pos(&t.read("policy.toml"), needle);
    let stderr = lint_fails(&t);
    assert!(
        stderr.contains(&format!("policy.toml:{line}:{col}")),
        "expected policy.toml:{line}:{col} in: {stderr}"
    );
    stderr
}

#[test]
fn invalid_policy_syntax_exits_2_with_position() {
    policy_error_at(
        "max_file_bytes = 1048576",
        "max_file_bytes = = 1048576",
        "= 1048576",
    );
}

#[test]
fn invalid_policy_type_exits_2_with_position() {
    policy_error_at(
        "reserve_min_percent = 10",
        "reserve_min_percent = \"十\"",
        "\"十\"",
    );
}

#[test]
fn invalid_policy_timezone_exits_2_with_position() {
    let stderr = policy_error_at(
        "timezone = \"+08:00\"",
        "timezone = \"Asia/Shanghai\"",
        "\"Asia/Shanghai\"",
    );
    assert!(stderr.contains("+08:00"), "{stderr}");
}

#[test]
fn policy_numbers_out_of_range_exit_2_not_panic() {
    for (from, to) in [
        (
            "closing_days_after_end = 15",
            "closing_days_after_end = 100000000",
        ),
        (
            "kickoff_days_before_start = 7",
            "kickoff_days_before_start = 9223372036854775807",
        ),
        (
            "report_days_after_quarter = 10",
            "report_days_after_quarter = -100",
        ),
    ] {
        let mut t = planned();
        t.replace("policy.toml", from, to);
        t.today = "2026-03-20".into();
        let (line, _) = pos(&t.read("policy.toml"), to);
        let stderr = lint_fails(&t);
        assert!(
            stderr.contains(&format!("policy.toml:{line}:")),
            "{to}: {stderr}"
        );
    }
}

#[test]
fn not_a_git_repository_exits_2() {
    let t = TestRepo::empty();
    let stderr = lint_fails(&t);
    assert!(stderr.contains("not inside a git repository"), "{stderr}");
    assert!(stderr.contains("mkt init"), "{stderr}");
}

#[test]
fn no_policy_exits_2() {
    let t = TestRepo::empty();
    t.git(&["init", "-q"]);
    let stderr = lint_fails(&t);
    assert!(stderr.contains("no policy.toml"), "{stderr}");
}

#[test]
fn bad_flags_exit_2() {
    let t = TestRepo::new();
    t.mkt(["lint", "--frobnicate"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--frobnicate"));
    t.mkt(["lint", "--format", "xml"]).assert().code(2);
    t.mkt(["lint", "--today", "2026-13-01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("YYYY-MM-DD"));
    t.mkt(["lint"])
        .env("MKT_TODAY", "tomorrow")
        .assert()
        .code(2);
}

// ---------------------------------------------------------------- output formats

/// A repository with an error and a warning in it: B002 in the plan (as
/// committed and approved, so the approval is current), D005 in the
/// kickoff minutes.
fn two_findings() -> TestRepo {
    let t = plan_approved(|t| {
        t.replace(CAMPAIGN, "channel = 45000", "channel = 39000");
        t.replace(CAMPAIGN, "reserve = 10000", "reserve = 16000");
    });
    add_decision(&t, &DECISION.replace("done = true", "done = false"));
    t
}

#[test]
fn lint_of_some_files_reports_only_their_findings_as_a_pre_commit_hook_asks() {
    let t = two_findings();
    let all = t.lint_expect("2026-03-02", 1);
    let d005 = findings(&all, "D005");
    let minutes = d005[0]["file"].as_str().unwrap().to_string();
    // Committing only the minutes: the plan's B002 error does not block it.
    let out = t
        .mkt([
            "lint",
            "--format",
            "json",
            "--today",
            "2026-03-02",
            &format!("./{minutes}"),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(codes(&json), ["D005"], "{json:#}");
    // The plan itself: its error, exit 1.
    let out = t
        .mkt([
            "lint",
            "--format",
            "json",
            "--today",
            "2026-03-02",
            CAMPAIGN,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(codes(&json), ["B002"], "{json:#}");
}

#[test]
fn gitlab_code_quality_format() {
    let t = two_findings();
    let run = || -> Value {
        let out = t
            .mkt(["lint", "--format", "gitlab", "--today", "2026-03-02"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let issues = run();
    let issues = issues.as_array().unwrap();
    assert_eq!(issues.len(), 2, "{issues:#?}");
    assert_eq!(issues[0]["check_name"], "reserve-range");
    assert_eq!(issues[0]["severity"], "major");
    assert_eq!(issues[1]["severity"], "minor");
    assert_eq!(issues[0]["location"]["path"], CAMPAIGN);
    assert_eq!(issues[0]["location"]["lines"]["begin"], 18);
    assert!(
        issues[0]["description"]
            .as_str()
            .unwrap()
            .starts_with("B002 ")
    );
    let fp = |v: &Value| v["fingerprint"].as_str().unwrap().to_string();
    assert_eq!(fp(&issues[0]).len(), 64);
    assert_ne!(fp(&issues[0]), fp(&issues[1]));
    // The same finding keeps its fingerprint from run to run.
    assert_eq!(fp(&run()[0]), fp(&issues[0]));
}

#[test]
fn json_format_shape() {
    let t = two_findings();
    let json = t.lint_expect("2026-03-02", 1);
    assert_eq!(json["version"], 1, "{json:#}");
    let all = findings_all(&json);
    assert_eq!(codes(&json), ["B002", "D005"], "sorted by file: {json:#}");
    for f in &all {
        let obj = f.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "code", "column", "file", "help", "line", "message", "rule", "severity"
            ],
            "{f:#}"
        );
        assert!(f["line"].is_u64() && f["column"].is_u64(), "{f:#}");
    }
    assert_eq!(all[1]["severity"], "warning");
}

#[test]
fn github_format_annotations() {
    let t = two_findings();
    let out = t
        .mkt(["lint", "--format", "github", "--today", "2026-03-02"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(
        lines[0],
        format!(
            "::error file={CAMPAIGN},line=18,col=11,title=B002 reserve-range::reserve is 20 %25 of total; policy allows 10–15 %25%0Ahelp: with total 80000, the reserve is between 8000 and 12000"
        )
    );
    assert!(
        lines[1].starts_with(&format!(
            "::warning file=campaigns/{ID}/minutes/2026-02-25-kickoff.toml,line=14,col=7,title=D005 decision-overdue::decision \"3月1日前完成全部预热素材\" was due"
        )),
        "{out}"
    );
}

#[test]
fn github_format_escapes_properties_and_data() {
    let t = TestRepo::with_team();
    // A folder name with `:` and `,`, and a key holding CR and LF.
    let id = "夏季:促销,特惠-2026-06V1";
    let path = format!("campaigns/{id}/campaign.toml");
    let text = campaign_toml(
        id,
        "2026-06-01",
        "2026-06-30",
        "li.na",
        80000,
        STANDARD_ALLOCATION,
    )
    .replace("objective = ", "\"a\\r\\nb\" = 1\nobjective = ");
    t.write(&path, &text);
    let out = t
        .mkt(["lint", "--format", "github"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "one annotation, its CR LF escaped: {out:?}");
    let line = lines[0];
    assert!(
        line.starts_with(
            "::error file=campaigns/夏季%3A促销%2C特惠-2026-06V1/campaign.toml,line=6,col=1,title=F002 schema::"
        ),
        "{line}"
    );
    assert!(line.contains("a%0D%0Ab"), "{line}");
    assert!(!line.contains('\r'), "{line:?}");
}

#[test]
fn sarif_format() {
    let t = two_findings();
    let out = t
        .mkt(["lint", "--format", "sarif", "--today", "2026-03-02"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let sarif: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "mkt");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "B002"), "{sarif:#}");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{sarif:#}");
    assert_eq!(results[0]["ruleId"], "B002");
    assert_eq!(results[0]["level"], "error");
    // Columns count characters; URIs are relative and percent-encoded.
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let loc = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], percent_encoded(CAMPAIGN));
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(loc["region"]["startLine"], 18);
    assert_eq!(loc["region"]["startColumn"], 11);
    assert_eq!(results[1]["ruleId"], "D005");
    assert_eq!(results[1]["level"], "warning");
}

/// RFC 3986 percent-encoding of a path, `/` kept.
fn percent_encoded(path: &str) -> String {
    path.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn sarif_passes_microsofts_sarif_multitool_validator() {
    // CI installs the validator and names it (MKT_SARIF_MULTITOOL).
    let Some(tool) = std::env::var_os("MKT_SARIF_MULTITOOL") else {
        eprintln!("MKT_SARIF_MULTITOOL is not set: not running Microsoft's SARIF validator");
        return;
    };
    let t = two_findings();
    // A file whose path holds Chinese, a space, `#` and `%`.
    t.write("campaigns/春季 促销#1%-2026-03V1/notes.txt", "x\n");
    let out = t
        .mkt(["lint", "--format", "sarif", "--today", "2026-03-02"])
        .output()
        .unwrap();
    let file = t.tmp().join("lint.sarif");
    std::fs::write(&file, &out.stdout).unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        uris.iter()
            .any(|u| u.contains("%20") && u.contains("%23") && u.contains("%25")),
        "{uris:?}"
    );
    let v = std::process::Command::new(tool)
        .arg("validate")
        .arg(&file)
        .output()
        .expect("the SARIF multitool runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&v.stdout),
        String::from_utf8_lossy(&v.stderr)
    );
    assert!(v.status.success(), "{report}");
    assert!(!report.contains(": error "), "{report}");
    assert!(report.contains("1 files scanned"), "{report}");
}

#[test]
fn text_format_like_rustc_with_chinese_intact() {
    let t = planned();
    t.replace(CAMPAIGN, "owner = \"li.na\"", "owner = \"李娜\"");
    t.replace(CAMPAIGN, "channel = 45000", "channel = 39000");
    t.replace(CAMPAIGN, "reserve = 10000", "reserve = 16000");
    let out = t.mkt(["lint"]).assert().code(1).get_output().stdout.clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("error[F004]: owner `李娜` is not in team.toml"),
        "{out}"
    );
    assert!(out.contains(&format!("--> {CAMPAIGN}:3:9")), "{out}");
    assert!(out.contains("3 | owner = \"李娜\""), "{out}");
    assert!(
        out.contains("error[B002]: reserve is 20 % of total"),
        "{out}"
    );
    assert!(out.contains(&format!("--> {CAMPAIGN}:18:11")), "{out}");
    assert!(out.contains("18 | reserve = 16000"), "{out}");
    assert!(
        out.contains("help: with total 80000, the reserve is between 8000 and 12000"),
        "{out}"
    );
    // The approved plan changed, so the approval is stale too.
    assert!(
        out.contains(&format!(
            "error[A005]: {CAMPAIGN} changed after wang.fang approved it"
        )),
        "{out}"
    );
    assert!(out.contains(&format!("--> {APPROVAL}:2:16")), "{out}");
    assert!(out.trim_end().ends_with("3 errors"), "{out}");
    assert!(
        !out.contains('\u{1b}'),
        "no colour when not a terminal: {out:?}"
    );
}

// ---------------------------------------------------------------- init, example, explain

#[test]
fn example_department_has_only_its_known_warnings() {
    let t = TestRepo::example();
    let json = t.lint_expect("2026-11-25", 0);
    let all = findings_all(&json);
    assert_eq!(all.len(), 2, "{json:#}");
    assert_at(
        &all[0],
        "D005",
        "campaigns/中秋礼盒-2026-09V1/minutes/2026-10-09-closing.toml",
        28,
        7,
        "warning",
    );
    assert_at(
        &all[1],
        "D004",
        "campaigns/夏日清凉-2026-07V1/minutes/2026-07-29-review.toml",
        3,
        11,
        "warning",
    );
    t.mkt(["lint"])
        .env("MKT_TODAY", "2026-11-25")
        .assert()
        .code(0)
        .stdout(predicate::str::ends_with("2 warnings\n"));
}

/// Every file under `root` (but .git) with its contents.
fn snapshot(root: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if e.file_name() == ".git" {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn init_twice_exits_2_and_changes_nothing() {
    let t = TestRepo::new();
    t.write_team();
    let before = snapshot(&t.root);
    let head = t.git(&["rev-parse", "HEAD"]);
    let status = t.git(&["status", "--porcelain"]);

    for args in [&["init"][..], &["init", "--example"][..]] {
        let out = t.mkt(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "mkt {args:?}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("already a marketing repository"),
            "{stderr}"
        );
    }
    assert_eq!(snapshot(&t.root), before);
    assert_eq!(t.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(t.git(&["status", "--porcelain"]), status);
}

#[test]
fn init_example_into_a_non_empty_folder_exits_2() {
    let t = TestRepo::empty();
    std::fs::write(t.root.join("笔记.txt"), "mine").unwrap();
    mkt_in(&t.home, t.tmp())
        .args(["init", "--example", "repo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not empty"));
    assert_eq!(snapshot(&t.root).len(), 1);
    assert!(!t.root.join(".git").exists());
}

#[test]
fn explain_every_rule() {
    let t = TestRepo::empty();
    let out = mkt_in(&t.home, t.tmp())
        .args(["rules", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let rules: Value = serde_json::from_slice(&out).unwrap();
    let rules = rules.as_array().unwrap();
    let listed: Vec<&str> = rules.iter().map(|r| r["code"].as_str().unwrap()).collect();
    for code in [
        "F001", "F002", "F003", "F004", "N001", "N002", "N003", "D001", "D002", "D003", "D004",
        "D005", "D006", "D007", "B001", "B002", "B003",
    ] {
        assert!(listed.contains(&code), "{code} is not listed: {listed:?}");
    }
    for r in rules {
        let code = r["code"].as_str().unwrap();
        let name = r["name"].as_str().unwrap();
        for arg in [code, name, &code.to_lowercase()] {
            let out = mkt_in(&t.home, t.tmp())
                .args(["explain", arg])
                .assert()
                .code(0)
                .get_output()
                .stdout
                .clone();
            let text = String::from_utf8(out).unwrap();
            assert!(text.starts_with(&format!("{code} {name} (")), "{text}");
            for section in ["## What it checks", "## Why", "## Example", "## Fix"] {
                assert!(text.contains(section), "{code}: no {section}:\n{text}");
            }
        }
    }
    mkt_in(&t.home, t.tmp())
        .args(["explain", "Z999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Z999"));
}

#[test]
fn verify_holds_approvals_to_their_chain_not_only_their_signature() {
    let mut t = TestRepo::example();
    t.today = "2026-11-25".into();
    t.mkt(["verify"]).assert().code(0);
    // The approved plan changes: its signature is still good, the approval is stale.
    t.replace(
        "campaigns/双十一预热-2026-10V1/campaign.toml",
        "total = 100000",
        "total = 120000",
    );
    let out = t.mkt(["verify", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["failed"], 1, "{json:#}");
    let bad: Vec<&serde_json::Value> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["ok"] == false)
        .collect();
    assert_eq!(
        bad[0]["subject"],
        "campaigns/双十一预热-2026-10V1/campaign.toml"
    );
    assert!(
        bad[0]["verdict"].as_str().unwrap().starts_with("A005: "),
        "{json:#}"
    );
}

#[test]
fn a_shallow_clone_is_refused_with_the_fix() {
    let t = TestRepo::example();
    let shallow = t.tmp().join("shallow");
    let url = format!("file://{}", t.root.display());
    git_in(
        &t.home,
        t.tmp(),
        &[
            "clone",
            "-q",
            "--depth",
            "3",
            &url,
            shallow.to_str().unwrap(),
        ],
        None,
    );
    // Every command that reads the repository: status, approve and report
    // once ran there and were wrong.
    for cmd in [
        &["lint"][..],
        &["verify"][..],
        &["status"][..],
        &["report", "--quarter", "2026Q3"][..],
        &["approve", "中秋礼盒-2026-09V1"][..],
        &[
            "sign-off",
            "campaigns/中秋礼盒-2026-09V1/minutes/2026-10-10-closing.toml",
        ][..],
        &["team", "allowed-signers"][..],
    ] {
        mkt_in(&t.home, &shallow)
            .args(cmd)
            .env("MKT_TODAY", "2026-11-25")
            .assert()
            .code(2)
            .stderr(predicate::str::contains("shallow clone"))
            .stderr(predicate::str::contains("fetch-depth: 0"));
    }
}

#[test]
fn a001_approval_after_the_start_stays_on_record_as_a_warning() {
    let t = TestRepo::with_team();
    t.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    t.commit_all("plan: 春季促销", "2026-02-10T10:00:00+08:00");
    let kickoff = t.add_minutes(Some(ID), "kickoff", KICKOFF_AT);
    let _ = kickoff;
    // Started without its approval: an error.
    let json = t.lint_expect("2026-03-03", 1);
    let f = assert_one(&json, "A001", CAMPAIGN, 4, 9, "error");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("without its approvals"),
        "{f:#}"
    );
    // Approved two days late: no longer an error, but on record.
    t.approve("wang.fang", ID, "2026-03-03T09:00:00+08:00");
    let json = t.lint_expect("2026-03-04", 0);
    let f = assert_one(&json, "A001", CAMPAIGN, 4, 9, "warning");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("before its chain was complete (2026-03-03)"),
        "{f:#}"
    );
}

#[test]
fn an_earlier_today_sees_the_chain_as_it_stood_then() {
    // 春季促销 V2 (90,000, from 2026-03-01) was approved by the director on
    // 2026-02-26 09:30 (examples/department/history.toml).
    let t = TestRepo::example();
    // On 2026-02-25 the approval had not been made: the start is 4 days off.
    let json = t.lint_expect("2026-02-25", 0);
    let a001 = findings(&json, "A001");
    assert_eq!(a001.len(), 1, "{json:#}");
    assert_eq!(
        a001[0]["file"],
        "campaigns/春季促销-2026-03V2/campaign.toml"
    );
    assert_eq!(a001[0]["severity"], "warning");
    // From the day it was made, it counts.
    assert_no(&t.lint_json("2026-02-26"), "A001");
}

// ---------------------------------------------------------------------------
// A gate on every push (issue 11): --rev, bare repositories, --since.

#[test]
fn lint_and_verify_read_a_commit_or_a_bare_repository_as_the_work_tree_would() {
    let t = two_findings();
    let head = t.lint_json("2026-03-02");
    // The same findings from the commit's tree, whatever the work tree holds.
    t.write(CAMPAIGN, "broken = [");
    let out = t
        .mkt([
            "lint",
            "--format",
            "json",
            "--today",
            "2026-03-02",
            "--rev",
            "HEAD",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let at_rev: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(at_rev, head);
    // A bare repository (a server): its HEAD is read.
    let bare = t.tmp().join("server.git");
    t.git(&["clone", "-q", "--bare", ".", bare.to_str().unwrap()]);
    let out = tool(&t.home, env!("CARGO_BIN_EXE_mkt"))
        .arg("-C")
        .arg(&bare)
        .args(["lint", "--format", "json", "--today", "2026-03-02"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let in_bare: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(in_bare, head);
    let out = tool(&t.home, env!("CARGO_BIN_EXE_mkt"))
        .arg("-C")
        .arg(&bare)
        .args(["verify", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn lint_since_the_base_reports_exactly_the_new_findings() {
    let t = two_findings();
    let base = t.git(&["rev-parse", "HEAD"]).trim().to_string();
    let since = |t: &TestRepo| -> (i32, Vec<String>) {
        let out = t
            .mkt([
                "lint",
                "--format",
                "json",
                "--today",
                "2026-03-02",
                "--since",
                &base,
            ])
            .output()
            .unwrap();
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code().unwrap(), codes(&json))
    };
    // A pull request that changes nothing the rules see: nothing new.
    t.git(&["checkout", "-q", "-b", "pr"]);
    t.write("reports/2026Q1.md", "# 2026Q1\n");
    t.commit_all("report", "2026-03-01T10:00:00+08:00");
    assert_eq!(since(&t), (0, vec![]));
    // One that adds an error: only that one, and lint fails.
    let text = t
        .read(CAMPAIGN)
        .replace("title = ", "owner_note = 1\ntitle = ");
    t.write(CAMPAIGN, &text);
    t.commit_all("a typo", "2026-03-01T11:00:00+08:00");
    let (code, new) = since(&t);
    assert_eq!(code, 1);
    assert_eq!(new.len(), 1, "{new:?}");
    assert_ne!(new[0], "B002");
    assert_ne!(new[0], "D005");
}

/// `lint --since BASE` (at `rev`, or the work tree) against the comparison
/// done by hand: every finding of a whole lint at the head that a whole
/// lint at the base does not have.
pub(crate) fn assert_since_is_the_whole_comparison(
    t: &TestRepo,
    base: &str,
    rev: Option<&str>,
) -> usize {
    let today = "2026-05-20";
    let run = |extra: &[&str]| -> Value {
        let mut args = vec!["lint", "--format", "json", "--today", today];
        args.extend_from_slice(extra);
        let out = t.mkt(&args).output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let head = match rev {
        Some(rev) => run(&["--rev", rev]),
        None => run(&[]),
    };
    let mut expected = keyed(&head);
    for old in keyed(&run(&["--rev", base])) {
        if let Some(i) = expected.iter().position(|k| *k == old) {
            expected.remove(i);
        }
    }
    let since = match rev {
        Some(rev) => run(&["--since", base, "--rev", rev]),
        None => run(&["--since", base]),
    };
    assert_eq!(keyed(&since), expected, "--since {base} at {rev:?}");
    expected.len()
}

#[test]
fn lint_since_a_change_in_some_campaigns_equals_the_whole_comparison() {
    let t = TestRepo::with_team();
    let a = "春季促销-2026-03V1";
    let b = "夏季促销-2026-06V1";
    t.write_standard_campaign(a, "2026-03-10", "2026-04-10");
    t.write_standard_campaign(b, "2026-06-01", "2026-06-30");
    let old = "秋季促销-2026-03V1";
    t.write_standard_campaign(old, "2026-03-08", "2026-03-31");
    t.commit_all("three campaigns", "2026-02-01T10:00:00+08:00");
    t.add_minutes(Some(a), "kickoff", "2026-03-01T10:00:00+08:00");
    t.add_minutes(Some(old), "kickoff", "2026-03-02T10:00:00+08:00");
    t.add_minutes(None, "review", "2026-03-05T10:00:00+08:00");
    let base = t.git(&["rev-parse", "HEAD"]).trim().to_string();
    t.git(&["checkout", "-q", "-b", "pr"]);

    // Within one campaign: a late review and an overspent split.
    t.write_minutes(Some(a), "review", "2026-03-20T10:00:00+08:00");
    t.replace(
        &format!("campaigns/{a}/campaign.toml"),
        "reserve = 10000",
        "reserve = 20000",
    );
    t.commit_all("review", "2026-04-02T10:00:00+08:00");
    let new = assert_since_is_the_whole_comparison(&t, &base, Some("HEAD"));
    assert!(new > 0, "the change adds findings");

    // A new version in the same family, which supersedes the first.
    let b2 = "夏季促销-2026-06V2";
    let text = t
        .read(&format!("campaigns/{b}/campaign.toml"))
        .replace(b, b2)
        .replace("supersedes = \"\"", &format!("supersedes = \"{b}\""))
        .replace("channel = 45000", "channel = 1");
    t.write(&format!("campaigns/{b2}/campaign.toml"), &text);
    t.commit_all("V2", "2026-04-03T10:00:00+08:00");
    assert_since_is_the_whole_comparison(&t, &base, Some("HEAD"));

    // A campaign that replaces one of another family, which the change
    // does not touch (its kickoff counts for the new one): the families
    // are not closed, and both sides are linted whole.
    let c = "国庆促销-2026-03V1";
    let text = campaign_toml(
        c,
        "2026-03-09",
        "2026-03-31",
        "li.na",
        80000,
        STANDARD_ALLOCATION,
    )
    .replace("supersedes = \"\"", &format!("supersedes = \"{old}\""));
    t.write(&format!("campaigns/{c}/campaign.toml"), &text);
    t.commit_all("C", "2026-04-04T10:00:00+08:00");
    assert_since_is_the_whole_comparison(&t, &base, Some("HEAD"));

    // Uncommitted edits in the work tree, and a new, untracked campaign.
    t.replace(
        &format!("campaigns/{b}/campaign.toml"),
        "owner = \"li.na\"",
        "owner = \"nobody\"",
    );
    t.write_standard_campaign("冬季促销-2026-12V1", "2026-12-01", "2026-11-01");
    let new = assert_since_is_the_whole_comparison(&t, &base, None);
    assert!(new > 0, "the work tree adds findings");

    // Outside every campaign: department minutes, and a roster change.
    t.write_minutes(None, "review", "2026-04-01T10:00:00+08:00");
    assert_since_is_the_whole_comparison(&t, &base, None);
    t.commit_all("everything", "2026-04-05T10:00:00+08:00");
    t.write(
        "team.toml",
        &format!("{}\n# 名单备注\n", t.read("team.toml")),
    );
    assert_since_is_the_whole_comparison(&t, &base, None);
}

/// A department with two committed plans, a in March and b in June.
fn two_plans() -> (TestRepo, &'static str, &'static str) {
    let t = TestRepo::with_team();
    let a = "春季促销-2026-03V1";
    let b = "夏季促销-2026-06V1";
    t.write_standard_campaign(a, "2026-03-10", "2026-04-10");
    t.write_standard_campaign(b, "2026-06-01", "2026-06-30");
    t.commit_all("two campaigns", "2026-02-01T10:00:00+08:00");
    (t, a, b)
}

/// `lint --since` over one pull request inside one campaign of a
/// department with real signed approvals (ssh-keygen keys, `mkt approve`
/// through the binary): its findings are exactly those a whole lint at the
/// head finds in that campaign's files and a whole lint at the base does
/// not, the same with `--no-cache` as with the caches both sides share.
#[test]
fn lint_since_with_signed_approvals_equals_the_whole_lint_of_the_changed_files() {
    let (t, a, b) = two_plans();
    t.approve(DIRECTOR, a, "2026-02-02T10:00:00+08:00");
    t.approve(DIRECTOR, b, "2026-02-02T11:00:00+08:00");
    // Findings on both sides that the change does not touch: b's review,
    // committed a week late.
    t.write_minutes(Some(b), "review", "2026-02-03T10:00:00+08:00");
    t.commit_all("b: review", "2026-02-10T10:00:00+08:00");
    let base = t.git(&["rev-parse", "HEAD"]).trim().to_string();

    // The pull request: a's approved plan edited (its signed approval goes
    // stale), a review committed late, and the plan approved again, signed.
    t.git(&["checkout", "-q", "-b", "pr"]);
    t.replace(
        &format!("campaigns/{a}/campaign.toml"),
        "reserve = 10000",
        "reserve = 20000",
    );
    t.write_minutes(Some(a), "review", "2026-03-25T10:00:00+08:00");
    t.commit_all("a: more reserve, review", "2026-04-02T10:00:00+08:00");
    let again = t.approve(DIRECTOR, a, "2026-04-03T10:00:00+08:00");

    let run = |extra: &[&str]| -> Value {
        let mut args = vec!["lint", "--format", "json", "--today", "2026-05-20"];
        args.extend_from_slice(extra);
        let out = t.mkt(&args).output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let prefix = format!("campaigns/{a}/");
    let in_a = |keys: Vec<(String, String, String)>| -> Vec<(String, String, String)> {
        keys.into_iter()
            .filter(|k| k.1.starts_with(&prefix))
            .collect()
    };
    let mut expected = in_a(keyed(&run(&["--rev", "HEAD"])));
    for old in in_a(keyed(&run(&["--rev", &base]))) {
        if let Some(i) = expected.iter().position(|k| *k == old) {
            expected.remove(i);
        }
    }
    // The chain completes with the second signed approval, once verified.
    assert!(
        expected
            .iter()
            .any(|k| k.0 == "A001" && k.2.contains("complete (2026-04-03)"))
            && !expected.iter().any(|k| k.1 == again),
        "the plan's chain completes at the signed re-approval: {expected:?}"
    );
    assert!(
        !keyed(&run(&["--rev", &base]))
            .iter()
            .all(|k| k.1.starts_with(&prefix)),
        "the base has findings outside the change"
    );
    let since = keyed(&run(&["--rev", "HEAD", "--since", &base]));
    assert_eq!(since, expected, "--since {base}: a's new findings only");
    let fresh = keyed(&run(&["--no-cache", "--rev", "HEAD", "--since", &base]));
    assert_eq!(fresh, since, "--no-cache agrees with the caches");
    assert_since_is_the_whole_comparison(&t, &base, Some("HEAD"));
}

/// An approval commit that also touches another campaign's plan, built by
/// hand with plain git (signed): `--since` judges it as the whole lint does
/// — the approval not in a commit of its own, the other plan changed after
/// its approval — not as if the other campaign's change were not there.
#[test]
fn lint_since_judges_an_approval_committed_with_another_campaigns_file_as_the_whole_lint() {
    let (t, a, b) = two_plans();
    t.approve(DIRECTOR, b, "2026-02-02T11:00:00+08:00");
    let base = t.git(&["rev-parse", "HEAD"]).trim().to_string();

    // a approved by mkt, then the commit redone by hand with b's plan in it.
    t.approve(DIRECTOR, a, "2026-02-03T10:00:00+08:00");
    t.git(&["reset", "-q", "--soft", "HEAD~1"]);
    t.replace(
        &format!("campaigns/{b}/campaign.toml"),
        "reserve = 10000",
        "reserve = 20000",
    );
    t.commit_all_signed(
        &format!("approve({a})"),
        "2026-02-03T10:00:00+08:00",
        DIRECTOR,
    );
    let whole = assert_since_is_the_whole_comparison(&t, &base, Some("HEAD"));
    assert!(whole > 0, "the hand-made commit is a finding");
}
