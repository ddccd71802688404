//! Campaigns filed by year, `campaigns/<YYYY>/<ID>/` (issue 17 item 4),
//! read beside the flat `campaigns/<ID>/`, and written for new campaigns.

use crate::approvals::Dept;
use crate::common::*;
use crate::lint::assert_since_is_the_whole_comparison;
use serde_json::Value;

const A: &str = "春季促销-2026-03V1";
const B: &str = "夏季促销-2026-06V1";
const TODAY: &str = "2026-07-20";

/// The findings of `json` with every year folder written flat: the same
/// department in either layout says the same.
fn flat_keyed(json: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = keyed(json)
        .into_iter()
        .map(|(code, file, message)| {
            let flat = |s: &str| s.replace("campaigns/2026/", "campaigns/");
            (code, flat(&file), flat(&message))
        })
        .collect();
    out.sort();
    out
}

/// Moves campaign `id` from `campaigns/<ID>/` to `campaigns/2026/<ID>/`
/// with `git mv` (to be committed by the caller), in a repository given by
/// its `path` and `git`.
fn file_by_year(
    path: impl Fn(&str) -> std::path::PathBuf,
    git: impl Fn(&[&str]) -> String,
    id: &str,
) {
    std::fs::create_dir_all(path("campaigns/2026")).unwrap();
    git(&[
        "mv",
        &format!("campaigns/{id}"),
        &format!("campaigns/2026/{id}"),
    ]);
}

/// Two campaigns with minutes, one late review, an overspent split: a
/// department with findings in both campaigns.
fn department() -> TestRepo {
    let t = TestRepo::with_team();
    t.write_standard_campaign(A, "2026-03-10", "2026-04-10");
    t.write_standard_campaign(B, "2026-06-01", "2026-06-30");
    t.replace(
        &format!("campaigns/{B}/campaign.toml"),
        "reserve = 10000",
        "reserve = 20000",
    );
    t.commit_all("two campaigns", "2026-02-01T10:00:00+08:00");
    t.add_minutes(Some(A), "kickoff", "2026-03-01T10:00:00+08:00");
    t.write_minutes(Some(B), "review", "2026-06-20T10:00:00+08:00");
    t.commit_all("late review", "2026-07-02T10:00:00+08:00");
    t
}

#[test]
fn a_department_in_both_layouts_lints_as_when_all_are_flat() {
    let t = department();
    let flat = t.lint_json(TODAY);
    assert!(!keyed(&flat).is_empty(), "the department has findings");
    assert!(
        keyed(&flat).iter().any(|(_, f, _)| f.contains(B)),
        "{flat:#}"
    );
    file_by_year(|p| t.path(p), |a| t.git(a), B);
    t.commit_all("file B by year", "2026-07-03T10:00:00+08:00");
    let both = t.lint_json(TODAY);
    assert!(
        keyed(&both)
            .iter()
            .any(|(_, f, _)| f.starts_with(&format!("campaigns/2026/{B}/"))),
        "{both:#}"
    );
    assert_eq!(flat_keyed(&both), flat_keyed(&flat));
    let list = t.mkt(["list"]).output().unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(list.contains(A) && list.contains(B), "{list}");
}

#[test]
fn a_year_layout_campaign_is_approved_and_verifies() {
    let d = Dept::new();
    let id = "春季促销-2026-03V1";
    d.add_campaign(id, "2026-03-01", "li.na", 80000, false);
    file_by_year(|p| d.path(p), |a| d.git(a), id);
    d.commit_all("file by year", "2026-02-11T10:00:00+08:00");
    let said = d.ok_as("wang.fang", "2026-02-20T10:00:00+08:00", &["approve", id]);
    assert!(said.contains("the chain is complete"), "{said}");
    let rows = d.verify_ok();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        rows[0]["subject"],
        format!("campaigns/2026/{id}/campaign.toml")
    );
    let files = d.git(&["diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD"]);
    assert!(
        files
            .trim()
            .starts_with(&format!("campaigns/2026/{id}/approvals/")),
        "{files}"
    );
}

#[test]
fn a_campaign_filed_under_another_year_is_n001() {
    let t = TestRepo::with_team();
    let path = format!("campaigns/2025/{A}/campaign.toml");
    t.write(
        &path,
        &(campaign_toml(
            A,
            "2026-03-10",
            "2026-04-10",
            "li.na",
            80000,
            STANDARD_ALLOCATION,
        ) + &campaign_plan("2026-03-10", "2026-04-10")),
    );
    let json = t.lint_json("2026-02-01");
    let f = findings(&json, "N001");
    assert_eq!(f.len(), 1, "{json:#}");
    assert_at(&f[0], "N001", &path, 1, 6, "error");
    let msg = f[0]["message"].as_str().unwrap();
    assert!(msg.contains(&format!("campaigns/2025/{A}")), "{msg}");
    assert!(msg.contains("2026"), "{msg}");
    let help = f[0]["help"].as_str().unwrap();
    assert!(
        help.contains(&format!("git mv campaigns/2025/{A} campaigns/2026/{A}")),
        "{help}"
    );
}

#[test]
fn one_id_in_two_folders_is_n001_naming_both_and_not_merged() {
    let t = TestRepo::with_team();
    t.write_standard_campaign(A, "2026-03-10", "2026-04-10");
    let year = format!("campaigns/2026/{A}");
    t.write(
        &format!("{year}/campaign.toml"),
        &t.read(&format!("campaigns/{A}/campaign.toml"))
            .replace("title = \"测试活动\"", "title = \"另一份方案\""),
    );
    let json = t.lint_json("2026-02-01");
    let f = findings(&json, "N001");
    assert_eq!(f.len(), 1, "{json:#}");
    let msg = f[0]["message"].as_str().unwrap();
    let flat = format!("campaigns/{A}");
    assert!(msg.contains(&flat) && msg.contains(&year), "{msg}");
    // The one not read is where the finding points.
    let file = f[0]["file"].as_str().unwrap();
    assert!(
        [
            format!("{flat}/campaign.toml"),
            format!("{year}/campaign.toml")
        ]
        .contains(&file.to_string()),
        "{file}"
    );
    // One campaign, not two, and the other folder's plan not read into it.
    let list = t.mkt(["list"]).output().unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(list.starts_with("1 campaign(s)"), "{list}");
    let show = t.mkt(["show", A, "--format", "json"]).output().unwrap();
    let show = String::from_utf8_lossy(&show.stdout);
    assert!(
        show.contains("测试活动") != show.contains("另一份方案"),
        "one plan, not both: {show}"
    );
}

#[test]
fn new_campaign_writes_the_year_folder_and_revise_sees_a_flat_v1() {
    let t = TestRepo::with_team();
    let v1 = "春季促销-2026-04V1";
    t.write_standard_campaign(v1, "2026-04-01", "2026-04-30");
    t.commit_all("flat V1", "2026-02-01T10:00:00+08:00");
    // A new campaign goes in its year's folder.
    let out = t
        .mkt([
            "new-campaign",
            "--name",
            "夏季促销",
            "--start",
            "2026-06-01",
            "--end",
            "2026-06-30",
            "--owner",
            "li.na",
            "--budget",
            "80000",
            "--allocation",
            "channel=45000,content=15000,event=10000,reserve=10000",
            "--title",
            "夏季新品促销",
            "--objective",
            "新品认知与首购",
        ])
        .env("CI", "1")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new = "夏季促销-2026-06V1";
    let path = format!("campaigns/2026/{new}/campaign.toml");
    assert!(said.contains(&path), "{said}");
    assert!(t.read(&path).contains(&format!("id = \"{new}\"")));
    assert!(!t.path(&format!("campaigns/{new}")).exists());
    // A second plan of the flat V1's name and month is still refused.
    let out = t
        .mkt(crate::authoring::plan_flags())
        .env("CI", "1")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // revise of the flat V1 writes V2 by year.
    let out = t.mkt(["revise", v1]).env("CI", "1").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v2 = "campaigns/2026/春季促销-2026-04V2/campaign.toml";
    assert!(t.read(v2).contains(&format!("supersedes = \"{v1}\"")));
    t.commit_all("V2", "2026-02-02T10:00:00+08:00");
    let json = t.lint_json("2026-02-03");
    assert_no(&json, "N001");
    assert_no(&json, "N002");
}

#[test]
fn lint_since_a_change_in_a_year_folder_equals_the_whole_comparison() {
    let t = department();
    file_by_year(|p| t.path(p), |a| t.git(a), B);
    t.commit_all("file B by year", "2026-07-03T10:00:00+08:00");
    let base = t.git(&["rev-parse", "HEAD"]).trim().to_string();
    t.git(&["checkout", "-q", "-b", "pr"]);
    t.replace(
        &format!("campaigns/2026/{B}/campaign.toml"),
        "owner = \"li.na\"",
        "owner = \"nobody\"",
    );
    t.write(
        &format!("campaigns/2026/{B}/minutes/2026-06-25-review.toml"),
        &minutes_toml("review", "2026-06-25T10:00:00+08:00", ""),
    );
    t.commit_all("B by year", "2026-07-04T10:00:00+08:00");
    let new = assert_since_is_the_whole_comparison(&t, &base, Some("HEAD"));
    assert!(new > 0, "the change adds findings");
}
