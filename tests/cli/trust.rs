//! Trust decided by history (issue 10): only the trust root bootstraps a
//! roster. Each attack is built with plain git commands, as someone with
//! push access and their own key could.

use serde_json::Value;

use crate::approvals::Dept;

const ID: &str = "春季促销-2026-03V1";
const AT: &str = "2026-02-15T10:00:00+08:00";

/// mallory's entry in a roster, with her own key and these roles.
fn mallory(d: &Dept, roles: &[&str]) -> String {
    let roles: Vec<String> = roles.iter().map(|r| format!("\"{r}\"")).collect();
    format!(
        "\n[[people]]\nid = \"mallory\"\nname = \"马洛\"\nemail = \"mallory@example.com\"\nroles = [{}]\n\n[[people.keys]]\nssh = \"{}\"\n",
        roles.join(", "),
        d.ssh_pub("mallory")
    )
}

fn entries(json: &Value) -> Vec<Value> {
    json["entries"].as_array().cloned().unwrap_or_default()
}

/// An orphan root commit with the attacker's own team.toml (mallory, admin
/// and director), signed with her key, merged into main taking her roster;
/// then her "director" approval of the campaign, signed by her.
fn orphan_roster_merged(d: &Dept) -> String {
    d.keygen("mallory");
    d.git(&["checkout", "-q", "--orphan", "evil"]);
    d.git(&["rm", "-rfq", "."]);
    d.write("team.toml", &mallory(d, &["admin", "director"]));
    d.git(&["add", "team.toml"]);
    d.commit_signed("mallory", "team: the roster", "2026-02-12T10:00:00+08:00");
    d.git(&["checkout", "-q", "main"]);
    d.git_at(
        "2026-02-13T10:00:00+08:00",
        &[
            "merge",
            "-q",
            "--allow-unrelated-histories",
            "-X",
            "theirs",
            "-m",
            "merge evil",
            "evil",
        ],
    );
    let plan = format!("campaigns/{ID}/campaign.toml");
    let file = format!("campaigns/{ID}/approvals/01-director-mallory.toml");
    d.forge(&file, &plan, "director", "mallory", Some("mallory"), AT);
    file
}

fn assert_orphan_does_not_count(d: &Dept, file: &str, trust_root: Option<&str>) {
    let mut cmd = d.mkt(&["verify", "--format", "json"]);
    if let Some(t) = trust_root {
        cmd.env("MKT_TRUST_ROOT", t);
    }
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = entries(&json);
    let approval = all
        .iter()
        .find(|e| {
            e["subject"]
                .as_str()
                .is_some_and(|s| s.ends_with("campaign.toml"))
                && e["person"] == "mallory"
        })
        .unwrap_or_else(|| panic!("no approval by mallory: {json:#}"));
    assert_eq!(approval["ok"], false, "{json:#}");
    assert!(
        approval["verdict"].as_str().unwrap().starts_with("S002"),
        "{json:#}"
    );
    let rosters: Vec<&Value> = all.iter().filter(|e| e["kind"] == "roster").collect();
    let evil_root = rosters
        .iter()
        .find(|e| {
            e["verdict"]
                .as_str()
                .unwrap()
                .contains("does not start at the trust root")
        })
        .unwrap_or_else(|| panic!("the orphan roster is not refused: {json:#}"));
    assert_eq!(evil_root["ok"], false);
    let _ = file;
}

#[test]
fn an_orphan_root_with_its_own_roster_merged_in_counts_for_nothing() {
    let d = Dept::new();
    d.add_campaign(ID, "2026-03-01", "li.na", 80000, false);
    let trusted = d.head();
    let file = orphan_roster_merged(&d);
    // No pinned trust root: the root reached by first parents from HEAD.
    assert_orphan_does_not_count(&d, &file, None);
    // Pinned at the signed roster's commit.
    assert_orphan_does_not_count(&d, &file, Some(trusted.trim()));
    let json = d.lint("2026-02-20");
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"] == file.as_str() || f["file"] == "team.toml")
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"S002"), "{json:#}");
    assert!(codes.contains(&"S005"), "{json:#}");
}

#[test]
fn a_roster_change_by_an_admin_on_a_branch_counts_through_an_unsigned_merge() {
    let d = Dept::new();
    d.keygen("zhou.min");
    d.git(&["checkout", "-q", "-b", "roster"]);
    let team = d.read("team.toml");
    d.write(
        "team.toml",
        &format!(
            "{team}\n[[people]]\nid = \"zhou.min\"\nname = \"周敏\"\nemail = \"zhou.min@example.com\"\nroles = [\"finance\"]\n\n[[people.keys]]\nssh = \"{}\"\n",
            d.ssh_pub("zhou.min")
        ),
    );
    d.git(&["add", "team.toml"]);
    d.commit_signed(
        "zhang.wei",
        "team: 周敏 joins finance",
        "2026-01-10T10:00:00+08:00",
    );
    d.git(&["checkout", "-q", "main"]);
    d.commit_all("work on main", "2026-01-11T10:00:00+08:00");
    d.git_at(
        "2026-01-12T10:00:00+08:00",
        &["merge", "-q", "--no-ff", "-m", "merge roster", "roster"],
    );
    let rows = d.verify_ok();
    assert!(rows.is_empty(), "no approvals yet: {rows:?}");
    let (_, json) = d.verify();
    let rosters: Vec<Value> = entries(&json)
        .into_iter()
        .filter(|e| e["kind"] == "roster")
        .collect();
    assert!(rosters.iter().all(|e| e["ok"] == true), "{json:#}");
}

#[test]
fn a_tag_or_branch_is_refused_as_trust_root_and_git_config_pins_one() {
    let d = Dept::new();
    let root = d.head();
    d.git(&["tag", "v1.0"]);
    for name in ["v1.0", "main", &root.trim()[..10]] {
        let out = d
            .mkt(&["verify", "--format", "json"])
            .env("MKT_TRUST_ROOT", name)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("is not a full commit id"), "{name}: {err}");
        assert!(err.contains("git rev-parse"), "{name}: {err}");
    }
    // Recorded in the clone's git config, it counts like MKT_TRUST_ROOT.
    d.git(&["config", "mkt.trustRoot", "v1.0"]);
    let out = d.mkt(&["verify", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    d.git(&["config", "mkt.trustRoot", root.trim()]);
    d.verify_ok();
    // Under CI with nothing pinned: a warning, and the run goes on.
    d.git(&["config", "--unset", "mkt.trustRoot"]);
    let out = d
        .mkt(&["verify", "--format", "json"])
        .env("CI", "true")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no trust root is pinned"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_unsigned_roster_change_forked_before_the_trust_root_never_counts() {
    let d = Dept::new();
    d.add_campaign(ID, "2026-03-01", "li.na", 80000, false);
    let fork = d.head();
    // The trust root: a later commit on main.
    d.commit_all("work on main", "2026-02-11T10:00:00+08:00");
    let trust = d.head();
    // A branch from before it makes mallory an admin and director, unsigned.
    d.keygen("mallory");
    d.git(&["checkout", "-q", "-b", "side", fork.trim()]);
    let team = d.read("team.toml");
    d.write(
        "team.toml",
        &format!("{team}{}", mallory(&d, &["admin", "director"])),
    );
    d.commit_all("team: mallory", "2026-02-10T12:00:00+08:00");
    // Merged with the branch as first parent, and main moved to it.
    d.git_at(
        "2026-02-12T10:00:00+08:00",
        &["merge", "-q", "--no-ff", "-m", "merge main", "main"],
    );
    d.git(&["checkout", "-q", "main"]);
    d.git(&["merge", "-q", "--ff-only", "side"]);
    let plan = format!("campaigns/{ID}/campaign.toml");
    let file = format!("campaigns/{ID}/approvals/01-director-mallory.toml");
    d.forge(&file, &plan, "director", "mallory", Some("mallory"), AT);
    let out = d
        .mkt(&["verify", "--format", "json"])
        .env("MKT_TRUST_ROOT", trust.trim())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = entries(&json);
    let side = all
        .iter()
        .find(|e| e["kind"] == "roster" && e["ok"] == false)
        .unwrap_or_else(|| panic!("the side branch's roster counted: {json:#}"));
    assert!(
        side["verdict"].as_str().unwrap().starts_with("S005"),
        "{json:#}"
    );
    let approval = all
        .iter()
        .find(|e| e["person"] == "mallory")
        .unwrap_or_else(|| panic!("{json:#}"));
    assert_eq!(approval["ok"], false, "{json:#}");
}

/// The verify entries for roster changes that did not count.
fn refused_rosters(json: &Value) -> Vec<String> {
    entries(json)
        .into_iter()
        .filter(|e| e["kind"] == "roster" && e["ok"] == false)
        .map(|e| e["verdict"].as_str().unwrap().to_string())
        .collect()
}

/// The verify entry of an approval by `person`.
fn approval_by(json: &Value, person: &str) -> Value {
    entries(json)
        .into_iter()
        .find(|e| e["kind"] == "approval" && e["person"] == person)
        .unwrap_or_else(|| panic!("no approval by {person}: {json:#}"))
}

/// zhang.wei (admin) makes wang.fang an admin too, signed; the commit.
fn second_admin(d: &Dept) -> String {
    d.replace(
        "team.toml",
        "roles = [\"director\"]",
        "roles = [\"director\", \"admin\"]",
    );
    d.git(&["add", "team.toml"]);
    d.commit_signed(
        "zhang.wei",
        "team: 王芳 is an admin",
        "2026-01-06T10:00:00+08:00",
    );
    d.head()
}

/// Merges `branch` into the current one, its team.toml taken exactly as
/// the branch has it.
fn take_their_roster(d: &Dept, branch: &str, at: &str) {
    d.git_at(
        at,
        &[
            "merge",
            "-q",
            "--no-ff",
            "--no-commit",
            "-X",
            "theirs",
            branch,
        ],
    );
    d.git(&["checkout", branch, "--", "team.toml"]);
    d.git_at(at, &["commit", "-q", "-m", &format!("merge {branch}")]);
}

#[test]
fn an_admin_removed_on_main_cannot_reinstate_herself_through_an_older_branch() {
    let d = Dept::new();
    d.add_campaign(ID, "2026-03-01", "li.na", 80000, false);
    let fork = second_admin(&d);
    // On main, zhang.wei takes wang.fang's admin role away.
    d.replace(
        "team.toml",
        "roles = [\"director\", \"admin\"]",
        "roles = [\"director\"]",
    );
    d.git(&["add", "team.toml"]);
    d.commit_signed(
        "zhang.wei",
        "team: 王芳 is no longer an admin",
        "2026-01-08T10:00:00+08:00",
    );
    // On a branch from before, she signs a roster that adds mallory.
    d.keygen("mallory");
    d.git(&["checkout", "-q", "-b", "old", &fork]);
    let team = d.read("team.toml");
    d.write(
        "team.toml",
        &format!("{team}{}", mallory(&d, &["director"])),
    );
    d.git(&["add", "team.toml"]);
    d.commit_signed("wang.fang", "team: mallory", "2026-01-09T10:00:00+08:00");
    d.git(&["checkout", "-q", "main"]);
    take_their_roster(&d, "old", "2026-01-10T10:00:00+08:00");
    let plan = format!("campaigns/{ID}/campaign.toml");
    let file = format!("campaigns/{ID}/approvals/01-director-mallory.toml");
    d.forge(&file, &plan, "director", "mallory", Some("mallory"), AT);
    let (code, json) = d.verify();
    assert_eq!(code, 1, "{json:#}");
    let refused = refused_rosters(&json);
    assert!(
        refused
            .iter()
            .any(|v| v.starts_with("S005") && v.contains("main line")),
        "{json:#}"
    );
    let approval = approval_by(&json, "mallory");
    assert!(
        approval["verdict"].as_str().unwrap().starts_with("S002"),
        "{json:#}"
    );
    // team.toml as it is now does not count: lint says so on the file.
    let lint = d.lint("2026-02-20");
    assert!(
        lint["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "S005" && f["file"] == "team.toml"),
        "{lint:#}"
    );
}

/// On main, zhang.wei replaces wang.fang's key (stolen) with a new one.
fn revoke_key(d: &Dept) {
    d.keygen("wang.fang.new");
    let old = d.ssh_pub("wang.fang");
    d.replace("team.toml", &old, &d.ssh_pub("wang.fang.new"));
    d.git(&["add", "team.toml"]);
    d.commit_signed(
        "zhang.wei",
        "team: 王芳's key is stolen, replaced",
        "2026-02-12T10:00:00+08:00",
    );
}

/// wang.fang's director approval of the campaign, signed with her (old)
/// key, committed by hand on the current branch.
fn director_by_wang_fang(d: &Dept) {
    let plan = format!("campaigns/{ID}/campaign.toml");
    let file = format!("campaigns/{ID}/approvals/01-director-wang.fang.toml");
    d.forge(&file, &plan, "director", "wang.fang", Some("wang.fang"), AT);
}

#[test]
fn a_key_removed_on_main_cannot_approve_through_an_older_branch() {
    let d = Dept::new();
    d.add_campaign(ID, "2026-03-01", "li.na", 80000, false);
    let fork = d.head();
    revoke_key(&d);
    // A branch from before the removal: the stolen key approves there.
    d.git(&["checkout", "-q", "-b", "old", &fork]);
    director_by_wang_fang(&d);
    d.git(&["checkout", "-q", "main"]);
    d.git_at(
        "2026-02-16T10:00:00+08:00",
        &["merge", "-q", "--no-ff", "-m", "merge old", "old"],
    );
    let (code, json) = d.verify();
    assert_eq!(code, 1, "{json:#}");
    let approval = approval_by(&json, "wang.fang");
    let verdict = approval["verdict"].as_str().unwrap();
    assert!(
        verdict.starts_with("S002") && verdict.contains("brought in by the merge"),
        "{json:#}"
    );
    // The same approval made on main before the removal would count: a
    // branch from before that merged again keeps an approval made while
    // the key counted on main too. (The legitimate case: the key is still
    // wang.fang's on main.)
    let d2 = Dept::new();
    d2.add_campaign(ID, "2026-03-01", "li.na", 80000, false);
    d2.git(&["checkout", "-q", "-b", "side"]);
    director_by_wang_fang(&d2);
    d2.git(&["checkout", "-q", "main"]);
    d2.commit_all("work on main", "2026-02-16T09:00:00+08:00");
    d2.git_at(
        "2026-02-16T10:00:00+08:00",
        &["merge", "-q", "--no-ff", "-m", "merge side", "side"],
    );
    d2.verify_ok();
}

#[test]
fn a_merge_taking_an_older_roster_does_not_undo_a_removal() {
    let d = Dept::new();
    d.add_campaign(ID, "2026-03-01", "li.na", 80000, false);
    let fork = d.head();
    revoke_key(&d);
    // A branch from before with an unrelated change, merged keeping its
    // (older) team.toml: the revoked key is back in the file.
    d.git(&["checkout", "-q", "-b", "old", &fork]);
    d.write("team.toml", &format!("{}\n# 注释\n", d.read("team.toml")));
    d.git(&["add", "team.toml"]);
    d.commit_signed("zhang.wei", "team: a comment", "2026-02-11T10:00:00+08:00");
    d.git(&["checkout", "-q", "main"]);
    take_their_roster(&d, "old", "2026-02-13T10:00:00+08:00");
    assert!(d.read("team.toml").contains(&d.ssh_pub("wang.fang")));
    director_by_wang_fang(&d);
    let (code, json) = d.verify();
    assert_eq!(code, 1, "{json:#}");
    assert!(
        refused_rosters(&json).iter().any(|v| v.starts_with("S005")),
        "{json:#}"
    );
    let approval = approval_by(&json, "wang.fang");
    assert!(
        approval["verdict"].as_str().unwrap().starts_with("S002"),
        "{json:#}"
    );
}

#[test]
fn a_roster_over_the_size_cap_is_not_read_even_when_an_admin_signs_it() {
    let d = Dept::new();
    // An unsigned 20 MB roster: refused for its signature, never read.
    let team = d.read("team.toml");
    let padding = "# 填充 padding padding padding padding padding padding\n".repeat(350_000);
    d.write("team.toml", &format!("{team}{padding}"));
    d.commit_all("team: huge, unsigned", "2026-01-06T10:00:00+08:00");
    // The admin signs one just over policy.toml's max_file_bytes (1 MiB).
    let over = "# 填充\n".repeat(1_048_576 / 9 + 1);
    d.write("team.toml", &format!("{team}{over}"));
    d.git(&["add", "team.toml"]);
    d.commit_signed(
        "zhang.wei",
        "team: over the cap",
        "2026-01-07T10:00:00+08:00",
    );
    let (code, json) = d.verify();
    assert_eq!(code, 1, "{json:#}");
    let refused = refused_rosters(&json);
    assert_eq!(refused.len(), 2, "{json:#}");
    assert!(refused[0].contains("not signed"), "{json:#}");
    assert!(
        refused[1].contains("more than a record may be (1048576)"),
        "{json:#}"
    );
    // Put back as it was, signed: the roster counts again.
    d.write("team.toml", &team);
    d.git(&["add", "team.toml"]);
    d.commit_signed("zhang.wei", "team: restored", "2026-01-08T10:00:00+08:00");
    let (_, json) = d.verify();
    assert_eq!(refused_rosters(&json).len(), 2, "{json:#}");
    let lint = d.lint("2026-02-20");
    assert!(
        !lint["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "S005"),
        "{lint:#}"
    );
}

/// What plain git says of each commit (`%G?`) with mkt's allowed_signers.
fn git_says(d: &Dept) -> std::collections::HashMap<String, String> {
    let signers = format!(
        "gpg.ssh.allowedSignersFile={}",
        d.allowed_signers().display()
    );
    d.git(&["-c", &signers, "log", "--format=%h %G?", "--abbrev=10"])
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(c, g)| (c.to_string(), g.to_string()))
        .collect()
}

#[test]
fn allowed_signers_follow_the_signed_roster_so_git_agrees_with_mkt_on_every_approval() {
    let d = Dept::new();
    let ids = [
        "甲-2026-03V1",
        "乙-2026-03V1",
        "丙-2026-03V1",
        "丁-2026-03V1",
    ];
    let plans: Vec<String> = ids
        .iter()
        .map(|id| d.add_campaign(id, "2026-03-01", "li.na", 80000, false))
        .collect();
    let file =
        |i: usize, who: &str| format!("campaigns/{}/approvals/01-director-{who}.toml", ids[i]);
    // Before the rotation, with the old key.
    d.forge(
        &file(0, "wang.fang"),
        &plans[0],
        "director",
        "wang.fang",
        Some("wang.fang"),
        "2026-02-11T10:00:00+08:00",
    );
    revoke_key(&d);
    // After it: the new key counts, the old one no longer does.
    d.forge(
        &file(1, "wang.fang"),
        &plans[1],
        "director",
        "wang.fang",
        Some("wang.fang.new"),
        "2026-02-15T10:00:00+08:00",
    );
    d.forge(
        &file(2, "wang.fang"),
        &plans[2],
        "director",
        "wang.fang",
        Some("wang.fang"),
        "2026-02-15T11:00:00+08:00",
    );
    // An unsigned roster change gives mallory a director's role and key.
    d.keygen("mallory");
    let team = d.read("team.toml");
    d.write(
        "team.toml",
        &format!("{team}{}", mallory(&d, &["director"])),
    );
    d.commit_all("team: mallory", "2026-02-16T10:00:00+08:00");
    d.forge(
        &file(3, "mallory"),
        &plans[3],
        "director",
        "mallory",
        Some("mallory"),
        "2026-02-17T10:00:00+08:00",
    );

    let signers = std::fs::read_to_string(d.allowed_signers()).unwrap();
    assert!(!signers.contains(&d.ssh_pub("mallory")[..60]), "{signers}");
    let old = &d.ssh_pub("wang.fang")[..60];
    let old_line = signers
        .lines()
        .find(|l| l.contains(old))
        .unwrap_or_else(|| panic!("{signers}"));
    assert!(
        old_line.contains("valid-before=\"20260212020000Z\""),
        "{signers}"
    );

    let (_, json) = d.verify();
    let git = git_says(&d);
    let approvals: Vec<Value> = entries(&json)
        .into_iter()
        .filter(|e| e["kind"] == "approval")
        .collect();
    assert_eq!(approvals.len(), 4, "{json:#}");
    for e in &approvals {
        let commit = e["commit"].as_str().unwrap();
        let mkt_good = !e["verdict"].as_str().unwrap().starts_with('S');
        let git_good = git[commit] == "G";
        assert_eq!(mkt_good, git_good, "{commit}: git {} — {e:#}", git[commit]);
    }
    let good: Vec<bool> = approvals
        .iter()
        .map(|e| !e["verdict"].as_str().unwrap().starts_with('S'))
        .collect();
    assert_eq!(good.iter().filter(|g| **g).count(), 2, "{json:#}");
}

#[test]
fn allowed_signers_never_let_a_roster_field_add_a_line() {
    let d = Dept::new();
    d.keygen("mallory");
    // A signed roster whose email tries to inject mallory's key for anyone.
    let injected = format!(
        "x@example.com\\n* namespaces=\\\"git\\\" {}",
        d.ssh_pub("mallory")
    );
    d.replace(
        "team.toml",
        "email = \"zhao.lei@example.com\"",
        &format!("email = \"{injected}\""),
    );
    d.git(&["add", "team.toml"]);
    d.commit_signed(
        "zhang.wei",
        "team: an odd email",
        "2026-01-06T10:00:00+08:00",
    );
    let out = d.mkt(&["team", "allowed-signers"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    // Seven people; zhao.lei twice: by email until the odd one, then by id.
    assert_eq!(text.lines().count(), 8, "{text}");
    for line in text.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        assert_eq!(fields.len(), 4, "{line}");
        assert!(
            !fields[0].contains('*') && fields[2] == "ssh-ed25519",
            "{line}"
        );
    }
    assert!(!text.contains(&d.ssh_pub("mallory")[..60]), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("zhao.lei namespaces=")),
        "{text}"
    );
}

/// The root commit's short id.
fn root_commit(d: &Dept) -> String {
    let root = d.git(&["rev-list", "--max-parents=0", "HEAD"]);
    root.trim()[..10].to_string()
}

/// policy.toml with the supervisor's limit and the role below it changed.
fn loosen_policy(d: &Dept, limit: &str, below: &str) {
    let policy = d.read("policy.toml");
    let policy = policy.replace(
        "up_to = 50000\nrole = \"supervisor\"",
        &format!("up_to = {limit}\nrole = \"{below}\""),
    );
    d.write("policy.toml", &policy);
    d.git(&["add", "policy.toml"]);
}

#[test]
fn an_unsigned_policy_edit_decides_no_approval() {
    let d = Dept::new();
    let plan = d.add_campaign(ID, "2026-03-01", "li.na", 200000, false);
    // Pushed unsigned: a specialist may approve up to 500,000.
    loosen_policy(&d, "500000", "specialist");
    d.commit_all("policy: tweak", "2026-02-11T10:00:00+08:00");
    let file = format!("campaigns/{ID}/approvals/01-specialist-zhao.lei.toml");
    d.forge(&file, &plan, "specialist", "zhao.lei", Some("zhao.lei"), AT);
    let (code, json) = d.verify();
    assert_eq!(code, 1, "{json:#}");
    let approval = approval_by(&json, "zhao.lei");
    assert!(
        approval["verdict"].as_str().unwrap().starts_with("A003"),
        "{json:#}"
    );
    // The policy applied is the one `mkt init` committed (the trust root).
    assert_eq!(approval["policy"], root_commit(&d), "{json:#}");
    let policy_change = entries(&json)
        .into_iter()
        .find(|e| e["kind"] == "policy")
        .unwrap_or_else(|| panic!("{json:#}"));
    assert_eq!(policy_change["verdict"], "S007: not signed", "{json:#}");
    let lint = d.lint("2026-02-20");
    let codes: Vec<(&str, &str)> = lint["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["file"].as_str().unwrap()))
        .collect();
    assert!(codes.contains(&("S007", "policy.toml")), "{lint:#}");
    assert!(codes.contains(&("A003", file.as_str())), "{lint:#}");
}

#[test]
fn a_signed_policy_change_counts_from_its_commit_and_not_for_earlier_approvals() {
    let d = Dept::new();
    let plan = d.add_campaign(ID, "2026-03-01", "zhao.lei", 80000, false);
    // A supervisor approves 80,000 while the limit is 50,000: not her step.
    let early = format!("campaigns/{ID}/approvals/01-supervisor-li.na.toml");
    d.forge(
        &early,
        &plan,
        "supervisor",
        "li.na",
        Some("li.na"),
        "2026-02-11T10:00:00+08:00",
    );
    // The admin raises the limit to 100,000, signed: it counts from here.
    loosen_policy(&d, "100000", "supervisor");
    d.commit_signed(
        "zhang.wei",
        "policy: 主管审批上限 10 万",
        "2026-02-12T10:00:00+08:00",
    );
    let other = "秋季促销-2026-03V1";
    let other_plan = d.add_campaign(other, "2026-03-01", "zhao.lei", 90000, false);
    let later = format!("campaigns/{other}/approvals/01-supervisor-li.na.toml");
    d.forge(
        &later,
        &other_plan,
        "supervisor",
        "li.na",
        Some("li.na"),
        "2026-02-13T10:00:00+08:00",
    );
    let (_, json) = d.verify();
    let by_subject = |subject: &str| {
        entries(&json)
            .into_iter()
            .find(|e| e["kind"] == "approval" && e["subject"] == subject)
            .unwrap_or_else(|| panic!("{json:#}"))
    };
    let policy_commit = d.git(&[
        "log",
        "-1",
        "--format=%h",
        "--abbrev=10",
        "--",
        "policy.toml",
    ]);
    let first = by_subject(&plan);
    assert!(
        first["verdict"].as_str().unwrap().starts_with("A003"),
        "{json:#}"
    );
    assert_eq!(first["policy"], root_commit(&d));
    let second = by_subject(&other_plan);
    assert_eq!(second["verdict"], "ok", "{json:#}");
    assert_eq!(second["policy"], policy_commit.trim(), "{json:#}");
    let lint = d.lint("2026-02-20");
    assert!(
        !lint["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "S007"),
        "{lint:#}"
    );
}

#[test]
fn an_approval_naming_another_amount_than_its_plan_does_not_count() {
    let d = Dept::new();
    let plan = d.add_campaign(ID, "2026-03-01", "li.na", 80000, false);
    let blob = d.git(&["rev-parse", &format!("HEAD:{plan}")]);
    let write = |file: &str, amount: &str, at: &str| {
        d.write(
            file,
            &format!(
                "subject = \"{plan}\"\nsubject_blob = \"{}\"\ndecision = \"approve\"\nstage = \"director\"\napprover = \"wang.fang\"\nat = {at}\namount = {amount}\ncomment = \"\"\n",
                blob.trim()
            ),
        );
        d.git(&["add", file]);
        d.commit_signed(
            "wang.fang",
            &format!("approve\n\nMkt-Approval: {file}\n"),
            at,
        );
    };
    let wrong = format!("campaigns/{ID}/approvals/01-director-wang.fang.toml");
    write(&wrong, "45000", "2026-02-15T10:00:00+08:00");
    let (code, json) = d.verify();
    assert_eq!(code, 1, "{json:#}");
    let v = approval_by(&json, "wang.fang");
    let verdict = v["verdict"].as_str().unwrap();
    assert!(verdict.starts_with("A008"), "{json:#}");
    assert!(
        verdict.contains("45,000") || verdict.contains("45000"),
        "{verdict}"
    );
    let lint = d.lint("2026-03-02");
    let codes: Vec<&str> = lint["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"A008") && codes.contains(&"A001"),
        "{lint:#}"
    );
    // The right amount (written as a decimal string too) counts.
    let right = format!("campaigns/{ID}/approvals/02-director-wang.fang.toml");
    write(&right, "\"80000.00\"", "2026-02-16T10:00:00+08:00");
    let lint = d.lint("2026-03-02");
    let codes: Vec<&str> = lint["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"A008") && !codes.contains(&"A001"),
        "{lint:#}"
    );
}
