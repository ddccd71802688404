//! Issue 16 parts 1 and 2 (meet16): emergency work's incident, incident
//! levels and post-mortems, meeting lengths and attendees — each clause
//! with a small real repository in a violating and a compliant variant.

use crate::common::*;

const ID: &str = "舆情应对-2026-05V1";
const CAMPAIGN: &str = "campaigns/舆情应对-2026-05V1/campaign.toml";
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
    assert!(!t.path(CAMPAIGN).exists());

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
        t.read(CAMPAIGN)
            .contains("incident = \"2026-05-01-差评扩散\"")
    );
    t.commit_all("plan", "2026-05-02T08:00:00+08:00");
    let json = t.lint_json("2026-05-02");
    assert_no(&json, "A009");
    assert_no(&json, "F004");
}
