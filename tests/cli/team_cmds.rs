//! The team without editing TOML (issue 14): `mkt team add|remove|role|key`
//! refused for a non-admin with nothing written, each change one commit of
//! team.toml alone that `mkt verify` accepts; a revoked key no longer
//! signs while the approvals it made before stay valid; `mkt team list` in
//! both languages; and a department's first run, from an empty folder to
//! a first verified approval in five commands, in a real pseudo-terminal
//! and by flags alone.

use std::path::{Path, PathBuf};
use std::process::Output;

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};
use serde_json::Value;

use crate::common::*;
use crate::screens::settings;

/// When each roster change is made.
const AT: &str = "2026-02-10T10:00:00+08:00";

/// A fresh ed25519 key pair `<home>/.ssh/<name>` and `.pub`; returns the
/// private key's path.
fn keygen(t: &TestRepo, name: &str) -> PathBuf {
    let path = t.home.join(".ssh").join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let out = tool(&t.home, "ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C"])
        .arg(format!("{name}@laptop"))
        .arg("-f")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    path
}

fn pub_of(key: &Path) -> String {
    format!("{}.pub", key.display())
}

/// `mkt team ARGS` signed with `person`'s key, at `at`.
fn team_as(t: &TestRepo, person: &str, at: &str, args: &[&str]) -> Output {
    t.mkt(["team"])
        .args(args)
        .arg("--signing-key")
        .arg(t.key_file(person))
        .env("GIT_COMMITTER_DATE", at)
        .env("GIT_AUTHOR_DATE", at)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn head(t: &TestRepo) -> String {
    t.git(&["rev-parse", "HEAD"]).trim().to_string()
}

/// `mkt verify --format json`: exit code and document.
fn verify(t: &TestRepo) -> (i32, Value) {
    let out = t.mkt(["verify", "--format", "json"]).output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap(), json)
}

/// The change ran, and made exactly one commit on top of `before` holding
/// team.toml alone, which `mkt verify` accepts.
fn assert_one_roster_commit(t: &TestRepo, before: &str, out: &Output) {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    assert_eq!(t.git(&["rev-parse", "HEAD^"]).trim(), before);
    let files = t.git(&["diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD"]);
    assert_eq!(files.trim(), "team.toml");
    assert_eq!(t.git(&["status", "--porcelain"]), "", "nothing left over");
    assert!(
        t.git(&["cat-file", "-p", "HEAD"])
            .contains("BEGIN SSH SIGNATURE"),
        "signed"
    );
    let (code, json) = verify(t);
    assert_eq!(code, 0, "{json:#}");
    let now = head(t);
    let entry = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["commit"].as_str().is_some_and(|c| now.starts_with(c)))
        .unwrap_or_else(|| panic!("verify lists the roster change: {json:#}"));
    assert_eq!(entry["person"], ADMIN, "{entry:#}");
    assert_eq!(entry["verdict"], "ok", "{entry:#}");
}

/// Every team command, as `(args)`, with the key files they need.
fn every_change(t: &TestRepo) -> Vec<Vec<String>> {
    let new = pub_of(&keygen(t, "new.person"));
    let zl2 = pub_of(&keygen(t, "zhao.lei.2"));
    let zl3 = pub_of(&keygen(t, "zhao.lei.3"));
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        s(&[
            "add",
            "zhou.min",
            "--name",
            "周敏",
            "--email",
            "zhou.min@example.com",
            "--role",
            "专员",
            "--group",
            "内容组",
            "--key",
            &new,
        ]),
        s(&["role", "add", "赵磊", "主管"]),
        s(&["role", "remove", "zhao.lei", "supervisor"]),
        s(&["key", "add", "赵磊", "--key", &zl2]),
        s(&[
            "key",
            "rotate",
            "赵磊",
            "--key",
            &zl3,
            "--old",
            "zhao.lei.2@laptop",
        ]),
        s(&["key", "revoke", "赵磊", "zhao.lei.3@laptop"]),
        s(&["remove", "周敏"]),
    ]
}

#[test]
fn every_team_command_is_refused_for_a_non_admin_with_nothing_written() {
    let t = TestRepo::with_team();
    let before = head(&t);
    let roster = t.read("team.toml");
    for args in every_change(&t) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // wang.fang is the director, not an admin.
        let out = team_as(&t, DIRECTOR, AT, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("not an admin"), "{}", stderr(&out));
        assert_eq!(head(&t), before, "{args:?}: no commit");
        assert_eq!(t.read("team.toml"), roster, "{args:?}: team.toml unchanged");
        assert_eq!(t.git(&["status", "--porcelain"]), "");
    }
}

#[test]
fn each_change_is_one_signed_commit_of_team_toml_that_verifies() {
    let t = TestRepo::with_team();
    for args in every_change(&t) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let before = head(&t);
        let out = team_as(&t, ADMIN, AT, &args);
        assert_one_roster_commit(&t, &before, &out);
    }
    let team = t.read("team.toml");
    assert!(team.starts_with("# 团队名册"), "comments kept: {team}");
    // The person added and removed again; 赵磊 with his one new key... revoked.
    assert!(!team.contains("zhou.min"), "{team}");
    assert!(!team.contains("zhao.lei.3@laptop"), "{team}");
    assert!(!team.contains("zhao.lei.2@laptop"), "{team}");
    t.assert_lint_clean(&t.today);
    // What git itself says about every roster commit agrees.
    let out = t.mkt(["team", "allowed-signers"]).output().unwrap();
    assert!(out.status.success(), "allowed-signers still works");
    let file = t.tmp().join("allowed_signers");
    std::fs::write(&file, &out.stdout).unwrap();
    let setting = format!("gpg.ssh.allowedSignersFile={}", file.display());
    t.git(&["-c", &setting, "verify-commit", "HEAD"]);
}

#[test]
fn roles_people_and_keys_are_checked_before_anything_is_written() {
    let t = TestRepo::with_team();
    let before = head(&t);
    let roster = t.read("team.toml");
    let taken = t.person("li.na").public_key.clone();
    let li_na_pub = t.home.join("li_na_copy.pub");
    std::fs::write(&li_na_pub, taken).unwrap();
    let li_na_pub = li_na_pub.display().to_string();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["role", "add", "赵磊", "老板"], "is not a role"),
        (
            vec!["role", "add", "赵雷", "主管"],
            "nobody in the signed roster",
        ),
        (
            vec!["role", "remove", "赵磊", "主管"],
            "does not have the role",
        ),
        (vec!["add", "zhao.lei", "--name", "赵磊"], "already"),
        (vec!["add", "x y", "--name", "某"], "x y"),
        (vec!["key", "add", "赵磊", "--key", &li_na_pub], "li.na"),
        (
            vec!["key", "add", "赵磊", "--gpg", "12AB"],
            "not an OpenPGP fingerprint",
        ),
        (vec!["key", "revoke", "赵磊", "SHA256:nothere1"], "no key"),
        // The last admin's only key: nobody could change the roster again.
        (vec!["key", "revoke", ADMIN], "no admin"),
        (vec!["role", "remove", ADMIN, "管理员"], "no admin"),
    ];
    for (args, says) in cases {
        let out = team_as(&t, ADMIN, AT, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        assert_eq!(head(&t), before);
        assert_eq!(t.git(&["status", "--porcelain"]), "");
    }
    // A team.toml with changes of its own is refused, and left as it is.
    t.replace("team.toml", "name = \"赵磊\"", "name = \"赵磊磊\"");
    let edited = t.read("team.toml");
    let out = team_as(&t, ADMIN, AT, &["role", "add", "赵磊", "主管"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not committed"), "{}", stderr(&out));
    assert_eq!(t.read("team.toml"), edited);
    assert_eq!(head(&t), before);
    // Staged, then undone in the work tree only: still refused.
    t.git(&["add", "team.toml"]);
    t.write("team.toml", &roster);
    let out = team_as(&t, ADMIN, AT, &["role", "add", "赵磊", "主管"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not committed"), "{}", stderr(&out));
    assert_eq!(head(&t), before);
    t.git(&["reset", "-q", "team.toml"]);
    // An unsigned change at HEAD: refused, the admin does not sign it along.
    t.replace("team.toml", "name = \"赵磊\"", "name = \"赵磊磊\"");
    t.commit_all("unsigned roster edit", AT);
    let before = head(&t);
    let out = team_as(&t, ADMIN, AT, &["role", "add", "赵磊", "主管"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not the signed roster"),
        "{}",
        stderr(&out)
    );
    assert_eq!(head(&t), before);
}

#[test]
fn a_revoked_key_no_longer_signs_and_earlier_approvals_stay_valid() {
    let t = TestRepo::with_team();
    let id = "春季促销-2026-03V1";
    t.write_campaign(
        id,
        "2026-03-01",
        "2026-03-31",
        "zhao.lei",
        40000,
        &[("channel", 25000), ("content", 10000), ("reserve", 5000)],
    );
    t.commit_all("plan", "2026-02-09T09:00:00+08:00");
    // li.na (supervisor) approves before her key is revoked.
    t.approve("li.na", id, "2026-02-09T10:00:00+08:00");
    let out = team_as(
        &t,
        ADMIN,
        "2026-02-10T10:00:00+08:00",
        &["key", "revoke", "李娜"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (code, json) = verify(&t);
    assert_eq!(code, 0, "the earlier approval stays valid: {json:#}");
    // mkt itself refuses to sign with it now.
    let second = "夏季促销-2026-06V1";
    t.write_campaign(
        second,
        "2026-06-01",
        "2026-06-30",
        "zhao.lei",
        40000,
        &[("channel", 25000), ("content", 10000), ("reserve", 5000)],
    );
    t.commit_all("plan 2", "2026-02-10T11:00:00+08:00");
    let out = t
        .mkt_as("li.na", "2026-02-10T12:00:00+08:00", &["approve", second])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // An approval signed with it by hand, later, fails verify.
    let blob = t.git(&[
        "rev-parse",
        &format!("HEAD:campaigns/{second}/campaign.toml"),
    ]);
    t.write(
        &format!("campaigns/{second}/approvals/01-supervisor-li.na.toml"),
        &format!(
            "subject = \"campaigns/{second}/campaign.toml\"\nsubject_blob = \"{}\"\ndecision = \"approve\"\nstage = \"supervisor\"\napprover = \"li.na\"\nat = 2026-02-11T10:00:00+08:00\namount = 40000\ncomment = \"\"\n",
            blob.trim()
        ),
    );
    t.commit_all_signed("approve: by li.na", "2026-02-11T10:00:00+08:00", "li.na");
    let (code, json) = verify(&t);
    assert_eq!(code, 1, "{json:#}");
    let entries = json["entries"].as_array().unwrap();
    let by_li_na: Vec<&Value> = entries.iter().filter(|e| e["person"] == "li.na").collect();
    let late = entries
        .iter()
        .find(|e| e["subject"].as_str().is_some_and(|s| s.contains(second)))
        .unwrap();
    assert_ne!(late["verdict"], "ok", "{late:#}");
    assert!(
        by_li_na
            .iter()
            .any(|e| e["subject"].as_str().unwrap().contains(id) && e["verdict"] == "ok"),
        "{json:#}"
    );
    // A revoked key is not taken back.
    let li_na_pub = t.home.join("li_na_again.pub");
    std::fs::write(&li_na_pub, &t.person("li.na").public_key).unwrap();
    let out = team_as(
        &t,
        ADMIN,
        AT,
        &["key", "add", "李娜", "--key", li_na_pub.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("revoked"), "{}", stderr(&out));
}

#[test]
fn a_key_from_the_ssh_agent_or_a_gpg_fingerprint() {
    let t = TestRepo::with_team();
    let key = keygen(&t, "agent.key");
    let sock = t.tmp().join("agent.sock");
    let mut agent = tool(&t.home, "ssh-agent")
        .arg("-D")
        .arg("-a")
        .arg(&sock)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..50 {
        if sock.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let add = tool(&t.home, "ssh-add")
        .env("SSH_AUTH_SOCK", &sock)
        .arg(&key)
        .output()
        .unwrap();
    let before = head(&t);
    let out = t
        .mkt([
            "team",
            "key",
            "add",
            "赵磊",
            "--agent-key",
            "agent.key@laptop",
            "--signing-key",
        ])
        .arg(t.key_file(ADMIN))
        .env("SSH_AUTH_SOCK", &sock)
        .env("GIT_COMMITTER_DATE", AT)
        .output()
        .unwrap();
    agent.kill().ok();
    agent.wait().ok();
    assert!(add.status.success(), "{}", stderr(&add));
    assert_one_roster_commit(&t, &before, &out);
    let public = std::fs::read_to_string(pub_of(&key)).unwrap();
    assert!(
        t.read("team.toml")
            .contains(public.split_whitespace().nth(1).unwrap())
    );
    let before = head(&t);
    let fpr = "0123456789ABCDEF0123456789ABCDEF01234567";
    let out = team_as(
        &t,
        ADMIN,
        AT,
        &[
            "key",
            "add",
            "陈静",
            "--gpg",
            "0123 4567 89ab cdef 0123  4567 89AB CDEF 0123 4567",
        ],
    );
    assert_one_roster_commit(&t, &before, &out);
    assert!(
        t.read("team.toml")
            .contains(&format!("openpgp = \"{fpr}\""))
    );
}

#[test]
fn the_list_in_both_languages() {
    let t = TestRepo::with_team();
    for (lang, name) in [("en", "team-list-en"), ("zh-CN", "team-list-zh")] {
        let out = t
            .mkt(["team", "list"])
            .env("MKT_LANG", lang)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        settings(&t).bind(|| insta::assert_snapshot!(name, text));
    }
    let out = t
        .mkt(["team", "list", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let people = json["people"].as_array().unwrap();
    assert_eq!(people.len(), 7);
    assert_eq!(people[0]["id"], ADMIN);
    assert_eq!(people[0]["keys"][0]["valid_today"], true);
    assert!(
        people[0]["keys"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("SHA256:")
    );
}

// ------------------------------------------------------------ the first run

const RUN_AT: &str = "2026-02-02T10:00:00+08:00";
const RUN_TODAY: &str = "2026-02-02";
const CAMPAIGN: &str = "春季促销-2026-03V1";

/// The environment of the first run: the clock at `RUN_AT`.
fn at_run(cmd: &mut std::process::Command) {
    cmd.env("GIT_AUTHOR_DATE", RUN_AT)
        .env("GIT_COMMITTER_DATE", RUN_AT)
        .env("MKT_TODAY", RUN_TODAY)
        .env("TERM", "xterm");
}

fn mkt_cmd(t: &TestRepo, dir: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = tool(&t.home, env!("CARGO_BIN_EXE_mkt"));
    cmd.current_dir(dir).args(args);
    at_run(&mut cmd);
    cmd
}

/// The five commands after `mkt init`, as flags: the other person, the
/// plan, its commit, the approval by the other person.
fn after_init(t: &TestRepo) -> Vec<(&'static str, Vec<String>)> {
    let li_na = keygen(t, "li.na");
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        (
            "mkt",
            s(&[
                "team",
                "add",
                "li.na",
                "--name",
                "李娜",
                "--email",
                "li.na@example.com",
                "--role",
                "主管",
                "--key",
                &pub_of(&li_na),
            ]),
        ),
        (
            "mkt",
            s(&[
                "new-campaign",
                "--name",
                "春季促销",
                "--start",
                "2026-03-01",
                "--end",
                "2026-03-31",
                "--owner",
                "wang.fang",
                "--budget",
                "40000",
                "--allocation",
                "channel=25000,content=10000,reserve=5000",
                "--no-input",
            ]),
        ),
        (
            "git",
            s(&["commit", "-q", "-m", "plan: 春季促销-2026-03V1"]),
        ),
        (
            "mkt",
            s(&["approve", CAMPAIGN, "--key", li_na.to_str().unwrap()]),
        ),
    ]
}

/// `mkt verify` and `mkt lint` both exit 0, and the approval is li.na's.
fn assert_first_approval(t: &TestRepo) {
    let (code, json) = verify(t);
    assert_eq!(code, 0, "{json:#}");
    assert!(
        json["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["person"] == "li.na" && e["verdict"] == "ok"),
        "{json:#}"
    );
    t.assert_lint_clean(RUN_TODAY);
}

fn check_run(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn from_an_empty_folder_to_a_first_approval_by_flags() {
    let t = TestRepo::empty();
    let init = mkt_cmd(
        &t,
        &t.root,
        &[
            "init",
            "--admin-id",
            "wang.fang",
            "--admin-name",
            "王芳",
            "--admin-email",
            "wang.fang@example.com",
            "--new-key",
        ],
    )
    .stdin(std::process::Stdio::null())
    .output()
    .unwrap();
    check_run(&init, "mkt init");
    let mut commands = 1;
    for (program, args) in after_init(&t) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = if program == "git" {
            // The plan new-campaign wrote, committed as a person would.
            let mut add = tool(&t.home, "git");
            add.current_dir(&t.root).args(["add", "campaigns"]);
            check_run(&add.output().unwrap(), "git add");
            let mut c = tool(&t.home, "git");
            c.current_dir(&t.root).args(&args);
            at_run(&mut c);
            c.output().unwrap()
        } else {
            mkt_cmd(&t, &t.root, &args)
                .stdin(std::process::Stdio::null())
                .output()
                .unwrap()
        };
        check_run(&out, &format!("{program} {args:?}"));
        commands += 1;
    }
    assert_eq!(commands, 5);
    assert_first_approval(&t);
}

fn expect(p: &mut PtySession, text: &str) {
    let bytes: String = text.bytes().map(char::from).collect();
    p.exp_string(&bytes)
        .unwrap_or_else(|e| panic!("waiting for `{text}`: {e}"));
}

fn answer(p: &mut PtySession, prompt: &str, answer: &str) {
    expect(p, prompt);
    p.send_line(answer).unwrap();
}

fn exits_0(mut p: PtySession, what: &str) {
    p.exp_eof().ok();
    let status = p.process_mut().wait().unwrap();
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "{what}: {status:?}"
    );
}

#[test]
fn from_an_empty_folder_to_a_first_approval_in_a_terminal() {
    let t = TestRepo::empty();
    // 1. mkt init, answering its questions.
    let cmd = mkt_cmd(&t, &t.root, &["init"]);
    let mut p = spawn_command(cmd, Some(30_000)).expect("mkt starts in a pseudo-terminal");
    answer(&mut p, "姓名 name", "王芳");
    answer(&mut p, "邮箱 email", "wang.fang@example.com");
    answer(&mut p, "ID (as records name them) [wang.fang]", "");
    expect(&mut p, "Make an ed25519 key at");
    p.send("y").unwrap();
    p.flush().unwrap();
    answer(&mut p, "empty for no passphrase", "");
    answer(&mut p, "same passphrase again", "");
    expect(&mut p, "Create the repository with wang.fang");
    p.send("y").unwrap();
    p.flush().unwrap();
    expect(&mut p, "mkt team add");
    exits_0(p, "mkt init");
    // 2–5, each in the terminal.
    for (program, args) in after_init(&t) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        if program == "git" {
            let mut add = tool(&t.home, "git");
            add.current_dir(&t.root).args(["add", "campaigns"]);
            check_run(&add.output().unwrap(), "git add");
        }
        let cmd = if program == "git" {
            let mut c = tool(&t.home, "git");
            c.current_dir(&t.root).args(&args);
            at_run(&mut c);
            c
        } else {
            mkt_cmd(&t, &t.root, &args)
        };
        let p = spawn_command(cmd, Some(30_000)).expect("starts in a pseudo-terminal");
        exits_0(p, &format!("{program} {args:?}"));
    }
    assert_first_approval(&t);
}
