//! A deputy while the approver is away (issue 15 part 4, 职务代理): `mkt
//! team delegate` writes a signed `[[delegations]]` entry; inside its days
//! the deputy's `mkt approve` works and verify, show and the report name
//! both ("刘洋 代 王芳"); outside them, for another role, for the owner, or
//! through a deputy's deputy it is refused, and an approval forced by hand
//! is A003 (A004 for the owner). A delegation in an unsigned or forged
//! roster commit, or one added after the approval, counts for nothing.
//! Real keys, real git, the real binary.

use std::process::Output;

use serde_json::Value;

use crate::common::*;
use crate::screens::{screen_of, settings};

const ID: &str = "春季促销-2026-03V1";
/// The standard plan (80,000 yuan, owner li.na): its one stage is the director's.
const PLAN: &str = "campaigns/春季促销-2026-03V1/campaign.toml";
/// When the plan is committed.
const PLANNED: &str = "2026-02-10T10:00:00+08:00";
/// When the admin writes the delegation.
const DELEGATED: &str = "2026-02-12T10:00:00+08:00";
/// Inside the delegation's days (2026-02-15 – 2026-02-25).
const INSIDE: &str = "2026-02-20T10:00:00+08:00";
/// The day after its last day.
const AFTER: &str = "2026-02-26T10:00:00+08:00";

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn head(t: &TestRepo) -> String {
    t.git(&["rev-parse", "HEAD"]).trim().to_string()
}

/// `mkt team delegate ARGS` signed with `person`'s key, at `at`.
fn delegate_as(t: &TestRepo, person: &str, at: &str, args: &[&str]) -> Output {
    t.mkt(["team", "delegate"])
        .args(args)
        .arg("--signing-key")
        .arg(t.key_file(person))
        .env("GIT_COMMITTER_DATE", at)
        .env("GIT_AUTHOR_DATE", at)
        .output()
        .unwrap()
}

/// 王芳's director role to 刘洋, 2026-02-15 – 2026-02-25.
const WANG_TO_LIU: &[&str] = &[
    "王芳",
    "--to",
    "刘洋",
    "--role",
    "总监",
    "--from",
    "2026年2月15日",
    "--until",
    "2026/2/25",
    "--reason",
    "年假",
];

/// The signed roster and the standard plan, committed.
fn planned(owner: &str) -> TestRepo {
    let t = TestRepo::with_team();
    t.write_campaign(
        ID,
        "2026-03-01",
        "2026-03-31",
        owner,
        80000,
        STANDARD_ALLOCATION,
    );
    t.commit_all("plan: 春季促销", PLANNED);
    t
}

/// `planned` with the admin's delegation 王芳 → 刘洋 committed.
fn delegated() -> TestRepo {
    let t = planned("li.na");
    let before = head(&t);
    let out = delegate_as(&t, ADMIN, DELEGATED, WANG_TO_LIU);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(t.git(&["rev-parse", "HEAD^"]).trim(), before, "one commit");
    let files = t.git(&["diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD"]);
    assert_eq!(files.trim(), "team.toml", "team.toml alone");
    assert!(
        t.git(&["cat-file", "-p", "HEAD"])
            .contains("BEGIN SSH SIGNATURE")
    );
    t
}

/// `mkt verify --format json`: exit code and document.
fn verify(t: &TestRepo) -> (i32, Value) {
    let out = t.mkt(["verify", "--format", "json"]).output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap(), json)
}

/// verify's entry for the approval file `path`.
fn entry_of(json: &Value, path_end: &str) -> Value {
    json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "approval" && e["person"] == "liu.yang" && e["stage"] == path_end)
        .cloned()
        .unwrap_or_else(|| panic!("no approval by liu.yang as {path_end}: {json:#}"))
}

/// An approval file written by hand for the plan at HEAD and committed
/// alone, signed by `signer` at `at` (plain `git commit -S`).
fn forced(t: &TestRepo, signer: &str, stage: &str, on_behalf_of: &str, at: &str) -> String {
    let blob = t.git(&["rev-parse", &format!("HEAD:{PLAN}")]);
    let path = format!("campaigns/{ID}/approvals/09-{stage}-{signer}.toml");
    t.write(
        &path,
        &format!(
            "subject = \"{PLAN}\"\nsubject_blob = \"{}\"\ndecision = \"approve\"\nstage = \"{stage}\"\napprover = \"{signer}\"\non_behalf_of = \"{on_behalf_of}\"\nat = {at}\namount = 80000\ncomment = \"\"\n",
            blob.trim()
        ),
    );
    t.commit_all_signed(&format!("approve: by {signer}"), at, signer);
    path
}

/// The codes verify gives the approval at `path`.
fn verdict_of(json: &Value, path: &str) -> String {
    let stage = path.rsplit('/').next().unwrap().split('-').nth(1).unwrap();
    entry_of(json, stage)["verdict"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn inside_the_window_the_deputy_approves_and_every_view_names_both() {
    let t = delegated();
    let roster = t.read("team.toml");
    assert!(
        roster.starts_with("# 团队名册 (test roster)"),
        "comments kept: {roster}"
    );
    assert!(
        roster.contains(
            "[[delegations]]\nperson = \"wang.fang\"\ndeputy = \"liu.yang\"\nrole = \"director\"\nfrom = 2026-02-15\nuntil = 2026-02-25\nreason = \"年假\"\n"
        ),
        "ids stored: {roster}"
    );
    // The delegation commit itself is a roster change verify accepts.
    let (code, json) = verify(&t);
    assert_eq!(code, 0, "{json:#}");
    // mkt team list shows it, in both languages.
    let list = t.mkt(["team", "list"]).env("LANG", "C").output().unwrap();
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(text.contains("Delegations (职务代理):"), "{text}");
    assert!(
        text.contains("wang.fang 王芳") && text.contains("liu.yang 刘洋"),
        "{text}"
    );
    assert!(text.contains("2026-02-15 – 2026-02-25 (today)"), "{text}");
    let zh = t
        .mkt(["team", "list"])
        .env("MKT_LANG", "zh-CN")
        .output()
        .unwrap();
    let zh = String::from_utf8_lossy(&zh.stdout);
    assert!(
        zh.contains("职务代理：") && zh.contains("总监") && zh.contains("年假"),
        "{zh}"
    );
    let json_list = t
        .mkt(["team", "list", "--format", "json"])
        .output()
        .unwrap();
    let json_list: Value = serde_json::from_slice(&json_list.stdout).unwrap();
    assert_eq!(json_list["delegations"][0]["deputy"], "liu.yang");
    assert_eq!(json_list["delegations"][0]["in_force_today"], true);

    // 刘洋 (the CEO, not a director) approves as 王芳's deputy.
    let out = t
        .mkt_as("liu.yang", INSIDE, &["approve", ID])
        .env("LANG", "C")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("by liu.yang for wang.fang"),
        "{}",
        stderr(&out)
    );
    let file = format!("campaigns/{ID}/approvals/01-director-liu.yang.toml");
    let approval = t.read(&file);
    assert!(
        approval.contains("approver = \"liu.yang\"\non_behalf_of = \"wang.fang\"\n"),
        "{approval}"
    );
    assert!(
        t.git(&["log", "-1", "--format=%s"])
            .contains("director by liu.yang for wang.fang")
    );

    let (code, json) = verify(&t);
    assert_eq!(code, 0, "{json:#}");
    let e = entry_of(&json, "director");
    assert_eq!(e["verdict"], "ok", "{e:#}");
    assert_eq!(e["on_behalf_of"], "wang.fang", "{e:#}");
    let table = |var: &str, value: &str| {
        let out = t
            .mkt(["verify", "--wide"])
            .env(var, value)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(table("MKT_LANG", "zh-CN").contains("刘洋 代 王芳"));
    assert!(table("LANG", "C").contains("刘洋 for 王芳"));

    // The plan is approved: lint finds no approval problem.
    let lint = t.lint_json("2026-02-20");
    assert_no(&lint, "A001");
    assert_no(&lint, "A003");
    assert_no(&lint, "A004");

    // show and the report's approvals list name both.
    let show = t
        .mkt(["show", ID])
        .env("MKT_LANG", "zh-CN")
        .output()
        .unwrap();
    let show = String::from_utf8_lossy(&show.stdout);
    assert!(show.contains("刘洋 代 王芳"), "{show}");
    assert!(show.contains("liu.yang 代 wang.fang"), "{show}");
    let report = t
        .mkt(["report", "--quarter", "2026Q1", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&report.stdout).unwrap();
    let text = report.to_string();
    assert!(
        text.contains("\"approver_name\":\"刘洋 for 王芳\""),
        "{report:#}"
    );
    let md = t
        .mkt(["report", "--quarter", "2026Q1", "--format", "markdown"])
        .env("MKT_LANG", "zh-CN")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&md.stdout).contains("刘洋 代 王芳"));
}

#[test]
fn outside_the_window_it_is_refused_and_a003_when_forced_by_hand() {
    let t = delegated();
    let before = head(&t);
    let out = t
        .mkt_as("liu.yang", AFTER, &["approve", ID])
        .env("LANG", "C")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("your delegation from wang.fang for director runs 2026-02-15 – 2026-02-25; today is 2026-02-26"),
        "{}",
        stderr(&out)
    );
    assert_eq!(head(&t), before, "nothing committed");
    assert_eq!(t.git(&["status", "--porcelain"]), "");
    // Before the first day too.
    let out = t
        .mkt_as("liu.yang", "2026-02-14T23:30:00+08:00", &["approve", ID])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    let path = forced(&t, "liu.yang", "director", "wang.fang", AFTER);
    let (code, json) = verify(&t);
    assert_eq!(code, 1, "{json:#}");
    let v = verdict_of(&json, &path);
    assert!(
        v.starts_with("A003: liu.yang filled the director step for wang.fang"),
        "{v}"
    );
    assert!(v.contains("on 2026-02-26"), "{v}");
    let lint = t.lint_json("2026-02-26");
    let f = findings(&lint, "A003");
    assert_eq!(f.len(), 1, "{lint:#}");
    assert_eq!(f[0]["file"], path.as_str());
    assert_eq!(f[0]["line"], 6, "at on_behalf_of: {:#}", f[0]);
}

#[test]
fn the_last_day_counts_in_the_departments_time_zone() {
    let t = delegated();
    // 23:30 in Beijing on the last day is still 2026-02-25 there (15:30 UTC).
    let out = t
        .mkt_as("liu.yang", "2026-02-25T15:30:00+00:00", &["approve", ID])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(verify(&t).0, 0);
}

#[test]
fn another_role_is_refused_and_a003_when_forced_by_hand() {
    let t = TestRepo::with_team();
    // 40,000 yuan: the supervisor's stage, which 王芳 did not delegate.
    t.write_campaign(
        ID,
        "2026-03-01",
        "2026-03-31",
        "zhao.lei",
        40000,
        &[("channel", 25000), ("content", 10000), ("reserve", 5000)],
    );
    t.commit_all("plan", PLANNED);
    let out = delegate_as(&t, ADMIN, DELEGATED, WANG_TO_LIU);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = head(&t);
    let out = t
        .mkt_as("liu.yang", INSIDE, &["approve", ID])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(head(&t), before, "nothing committed");
    // A role 王芳 does not hold cannot be delegated at all.
    let mut args = WANG_TO_LIU.to_vec();
    args[4] = "主管";
    let out = delegate_as(&t, ADMIN, DELEGATED, &args);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("does not hold the role supervisor"),
        "{}",
        stderr(&out)
    );
    assert_eq!(head(&t), before, "nothing written");

    let blob = t.git(&["rev-parse", &format!("HEAD:{PLAN}")]);
    let path = format!("campaigns/{ID}/approvals/09-supervisor-liu.yang.toml");
    t.write(
        &path,
        &format!(
            "subject = \"{PLAN}\"\nsubject_blob = \"{}\"\ndecision = \"approve\"\nstage = \"supervisor\"\napprover = \"liu.yang\"\non_behalf_of = \"wang.fang\"\nat = {INSIDE}\namount = 40000\ncomment = \"\"\n",
            blob.trim()
        ),
    );
    t.commit_all_signed("approve: by liu.yang", INSIDE, "liu.yang");
    let (code, json) = verify(&t);
    assert_eq!(code, 1, "{json:#}");
    let v = verdict_of(&json, &path);
    assert!(v.starts_with("A003:"), "{v}");
}

#[test]
fn only_an_admin_delegates_unless_the_policy_lets_a_person_name_their_own_deputy() {
    let t = planned("li.na");
    let before = head(&t);
    // 王芳 for herself, and 刘洋 for 王芳: neither is an admin.
    for who in ["wang.fang", "liu.yang"] {
        let out = delegate_as(&t, who, DELEGATED, WANG_TO_LIU);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("only an admin writes a delegation"),
            "{}",
            stderr(&out)
        );
        assert_eq!(head(&t), before, "nothing written");
        assert_eq!(t.git(&["status", "--porcelain"]), "");
    }
    // Nobody is their own deputy.
    let out = delegate_as(
        &t,
        ADMIN,
        DELEGATED,
        &[
            "王芳",
            "--to",
            "wang.fang",
            "--role",
            "总监",
            "--from",
            "2026-02-15",
            "--until",
            "2026-02-25",
            "--reason",
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot be their own deputy"),
        "{}",
        stderr(&out)
    );

    // With self_delegation = true (signed by the admin), 王芳 names her own
    // deputy; the roster history counts it and 刘洋's approval verifies.
    t.replace(
        "policy.toml",
        "self_delegation = false",
        "self_delegation = true",
    );
    t.commit_all_signed(
        "policy: self delegation",
        "2026-02-11T10:00:00+08:00",
        ADMIN,
    );
    let mut other = WANG_TO_LIU.to_vec();
    other[0] = "李娜";
    other[4] = "主管";
    let out = delegate_as(&t, "wang.fang", DELEGATED, &other);
    assert_eq!(
        out.status.code(),
        Some(2),
        "only her own role: {}",
        stderr(&out)
    );
    let out = delegate_as(&t, "wang.fang", DELEGATED, WANG_TO_LIU);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (code, json) = verify(&t);
    assert_eq!(code, 0, "the self-delegation counts: {json:#}");
    t.approve("liu.yang", ID, INSIDE);
    let (code, json) = verify(&t);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(entry_of(&json, "director")["on_behalf_of"], "wang.fang");
}

#[test]
fn a_self_delegation_signed_by_hand_counts_only_where_the_policy_allows_it() {
    // The same change — 王芳 adds her own delegation, signed by her — by
    // plain git: without self_delegation the roster change does not count,
    // so the deputy's approval is A003.
    let t = planned("li.na");
    let mut roster = t.read("team.toml");
    roster.push_str("\n[[delegations]]\nperson = \"wang.fang\"\ndeputy = \"liu.yang\"\nrole = \"director\"\nfrom = 2026-02-15\nuntil = 2026-02-25\nreason = \"年假\"\n");
    t.write("team.toml", &roster);
    t.commit_all_signed("team: my deputy", DELEGATED, "wang.fang");
    let (code, json) = verify(&t);
    assert_eq!(code, 1, "a non-admin's roster change: {json:#}");
    let before = head(&t);
    let out = t
        .mkt_as("liu.yang", INSIDE, &["approve", ID])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(head(&t), before);
    let path = forced(&t, "liu.yang", "director", "wang.fang", INSIDE);
    let (_, json) = verify(&t);
    assert!(verdict_of(&json, &path).starts_with("A003:"), "{json:#}");

    // And a self-delegation that also changes anything else (here, 王芳
    // giving herself a role) never counts, even where it is allowed.
    let t = planned("li.na");
    t.replace(
        "policy.toml",
        "self_delegation = false",
        "self_delegation = true",
    );
    t.commit_all_signed(
        "policy: self delegation",
        "2026-02-11T10:00:00+08:00",
        ADMIN,
    );
    let mut roster = t.read("team.toml").replace(
        "roles = [\"director\"]",
        "roles = [\"director\", \"finance\"]",
    );
    roster.push_str("\n[[delegations]]\nperson = \"wang.fang\"\ndeputy = \"liu.yang\"\nrole = \"director\"\nfrom = 2026-02-15\nuntil = 2026-02-25\nreason = \"年假\"\n");
    t.write("team.toml", &roster);
    t.commit_all_signed("team: my deputy", DELEGATED, "wang.fang");
    let (code, json) = verify(&t);
    assert_eq!(code, 1, "{json:#}");
    let path = forced(&t, "liu.yang", "director", "wang.fang", INSIDE);
    let (_, json) = verify(&t);
    assert!(verdict_of(&json, &path).starts_with("A003:"), "{json:#}");
}

#[test]
fn a_delegation_in_an_unsigned_or_forged_roster_commit_does_not_count() {
    for signer in [None, Some("liu.yang")] {
        let t = planned("li.na");
        let mut roster = t.read("team.toml");
        roster.push_str("\n[[delegations]]\nperson = \"wang.fang\"\ndeputy = \"liu.yang\"\nrole = \"director\"\nfrom = 2026-02-15\nuntil = 2026-02-25\nreason = \"年假\"\n");
        t.write("team.toml", &roster);
        match signer {
            None => t.commit_all("team: deputy", DELEGATED),
            Some(s) => t.commit_all_signed("team: deputy", DELEGATED, s),
        }
        let before = head(&t);
        let out = t
            .mkt_as("liu.yang", INSIDE, &["approve", ID])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{signer:?}: {}", stderr(&out));
        assert_eq!(head(&t), before);
        let path = forced(&t, "liu.yang", "director", "wang.fang", INSIDE);
        let (code, json) = verify(&t);
        assert_eq!(code, 1, "{json:#}");
        assert!(
            verdict_of(&json, &path).starts_with("A003:"),
            "{signer:?}: {json:#}"
        );
        let lint = t.lint_json("2026-02-20");
        assert_eq!(findings(&lint, "A003").len(), 1, "{lint:#}");
    }
}

#[test]
fn a_back_dated_delegation_does_not_validate_an_earlier_approval() {
    let t = planned("li.na");
    // 刘洋 signs an approval for 王芳 before any delegation exists …
    let path = forced(&t, "liu.yang", "director", "wang.fang", INSIDE);
    // … and the admin then writes one whose days cover it.
    let out = delegate_as(&t, ADMIN, "2026-02-21T09:00:00+08:00", WANG_TO_LIU);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (code, json) = verify(&t);
    assert_eq!(code, 1, "{json:#}");
    assert!(verdict_of(&json, &path).starts_with("A003:"), "{json:#}");
    assert_eq!(findings(&t.lint_json("2026-02-21"), "A003").len(), 1);
    // A delegation that ended before today is refused outright.
    let out = delegate_as(&t, ADMIN, "2026-02-27T09:00:00+08:00", WANG_TO_LIU);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("ended on 2026-02-25"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_deputys_deputy_counts_for_nothing() {
    let t = delegated();
    let before = head(&t);
    // 刘洋 does not hold the director role: he cannot hand it on.
    let out = delegate_as(
        &t,
        ADMIN,
        DELEGATED,
        &[
            "刘洋",
            "--to",
            "赵磊",
            "--role",
            "总监",
            "--from",
            "2026-02-15",
            "--until",
            "2026-02-25",
            "--reason",
            "出差",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("does not delegate onward"),
        "{}",
        stderr(&out)
    );
    assert_eq!(head(&t), before, "nothing written");
    // Written by hand and signed by the admin, the chain is in the roster,
    // and still gives 赵磊 nothing.
    let mut roster = t.read("team.toml");
    roster.push_str("\n[[delegations]]\nperson = \"liu.yang\"\ndeputy = \"zhao.lei\"\nrole = \"director\"\nfrom = 2026-02-15\nuntil = 2026-02-25\nreason = \"出差\"\n");
    t.write("team.toml", &roster);
    t.commit_roster("team: chain", "2026-02-13T10:00:00+08:00");
    assert_eq!(verify(&t).0, 0, "the roster change itself counts");
    let before = head(&t);
    let out = t
        .mkt_as("zhao.lei", INSIDE, &["approve", ID])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(head(&t), before);
    for (n, behalf) in [("liu.yang", 1), ("wang.fang", 2)] {
        let blob = t.git(&["rev-parse", &format!("HEAD:{PLAN}")]);
        let path = format!("campaigns/{ID}/approvals/0{behalf}-director-zhao.lei.toml");
        t.write(
            &path,
            &format!(
                "subject = \"{PLAN}\"\nsubject_blob = \"{}\"\ndecision = \"approve\"\nstage = \"director\"\napprover = \"zhao.lei\"\non_behalf_of = \"{n}\"\nat = {INSIDE}\namount = 80000\ncomment = \"\"\n",
                blob.trim()
            ),
        );
        t.commit_all_signed("approve: by zhao.lei", INSIDE, "zhao.lei");
        let (code, json) = verify(&t);
        assert_eq!(code, 1, "{json:#}");
        let e = json["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["person"] == "zhao.lei" && e["on_behalf_of"] == n)
            .cloned()
            .unwrap();
        assert!(e["verdict"].as_str().unwrap().starts_with("A003:"), "{e:#}");
    }
}

#[test]
fn a_deputy_never_approves_a_campaign_they_own_nor_for_its_owner() {
    // 刘洋 owns the plan: as 王芳's deputy he is still its owner.
    let t = planned("liu.yang");
    let out = delegate_as(&t, ADMIN, DELEGATED, WANG_TO_LIU);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = head(&t);
    let out = t
        .mkt_as("liu.yang", INSIDE, &["approve", ID])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(head(&t), before);
    let path = forced(&t, "liu.yang", "director", "wang.fang", INSIDE);
    let (code, json) = verify(&t);
    assert_eq!(code, 1, "{json:#}");
    assert!(verdict_of(&json, &path).contains("A004:"), "{json:#}");

    // 王芳 owns it: her deputy does not approve it for her.
    let t = planned("wang.fang");
    let out = delegate_as(&t, ADMIN, DELEGATED, WANG_TO_LIU);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = head(&t);
    let out = t
        .mkt_as("liu.yang", INSIDE, &["approve", ID])
        .env("LANG", "C")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("a deputy never approves for the owner"),
        "{}",
        stderr(&out)
    );
    assert_eq!(head(&t), before);
    let path = forced(&t, "liu.yang", "director", "wang.fang", INSIDE);
    let (code, json) = verify(&t);
    assert_eq!(code, 1, "{json:#}");
    let v = verdict_of(&json, &path);
    assert!(
        v.contains("A004:") && v.contains("liu.yang for wang.fang"),
        "{v}"
    );
}

#[test]
fn verify_shows_the_deputy_in_both_languages() {
    let t = delegated();
    t.approve("liu.yang", ID, INSIDE);
    for (tag, var, value) in [("zh", "MKT_LANG", "zh-CN"), ("en", "LANG", "C")] {
        let mut cmd = t.mkt(["verify"]);
        cmd.env(var, value).env("COLUMNS", "160");
        let text = screen_of(cmd, &format!("$ {var}={value} mkt verify")).0;
        assert!(
            text.contains(if tag == "zh" {
                "刘洋 代 王芳"
            } else {
                "刘洋 for 王芳"
            }),
            "{text}"
        );
        settings(&t).bind(|| insta::assert_snapshot!(format!("{tag}-verify-deputy"), text));
    }
}

#[test]
fn status_tells_the_deputy_a_step_waits_for_them_inside_the_window_only() {
    let t = delegated();
    let waiting_for = |today: &str| -> Vec<String> {
        let out = t
            .mkt(["status", "--format", "json", "--person", "liu.yang"])
            .env("MKT_TODAY", today)
            .output()
            .unwrap();
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{}",
            stderr(&out)
        );
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        json.to_string()
            .contains("mkt approve 春季促销-2026-03V1")
            .then(|| json.to_string())
            .into_iter()
            .collect()
    };
    assert_eq!(
        waiting_for("2026-02-20").len(),
        1,
        "inside: the deputy is told"
    );
    assert!(waiting_for("2026-02-26").is_empty(), "after: not any more");
}
