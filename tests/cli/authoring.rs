//! Authoring end to end: `mkt new-campaign`, `mkt revise`, `mkt new-minutes`,
//! `mkt status`, completions and man pages — the real binary on real git
//! repositories in temp dirs.
//!
//! The prompts are answered in a real pseudo-terminal (rexpect), as a
//! person would; the same commands run with flags only under `CI=1`, as in
//! a script. Every refusal is checked to leave the repository exactly as it
//! was (`git status --porcelain` and the file list).

use std::path::Path;

use crate::common::*;
use rexpect::process::{Signal, WaitStatus};
use rexpect::session::{PtySession, spawn_command};
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

const ID: &str = "春季促销-2026-04V1";
const PLAN: &str = "campaigns/2026/春季促销-2026-04V1/campaign.toml";

/// The flags of a valid plan, 2026-04-01 – 2026-04-30, 80,000 yuan.
pub(crate) fn plan_flags() -> Vec<&'static str> {
    vec![
        "new-campaign",
        "--name",
        "春季促销",
        "--start",
        "2026-04-01",
        "--end",
        "2026-04-30",
        "--owner",
        "li.na",
        "--budget",
        "80000",
        "--allocation",
        "channel=45000,content=15000,event=10000,reserve=10000",
        "--phase",
        "warm-up:2026-04-01:2026-04-07:zhao.lei",
        "--phase",
        "burst:2026-04-08:2026-04-21",
        "--phase",
        "long-tail:2026-04-22:2026-04-30:li.na",
        "--channel",
        "wechat=20000",
        "--channel",
        "douyin=15000",
        "--title",
        "春季新品促销",
        "--objective",
        "新品认知与首购",
    ]
}

/// `mkt ARGS` as a script runs it: `CI=1`, no terminal.
fn script(t: &TestRepo, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = t.mkt(args);
    cmd.env("CI", "1");
    cmd
}

/// Replaces the value of `--flag` in a list of flags.
fn with<'a>(mut flags: Vec<&'a str>, flag: &str, value: &'a str) -> Vec<&'a str> {
    let i = flags.iter().position(|f| *f == flag).expect("flag present");
    flags[i + 1] = value;
    flags
}

/// Removes `--flag VALUE` from a list of flags.
fn without<'a>(mut flags: Vec<&'a str>, flag: &str) -> Vec<&'a str> {
    let i = flags.iter().position(|f| *f == flag).expect("flag present");
    flags.drain(i..i + 2);
    flags
}

/// What a refusal must not change: git's view and every file's path and bytes.
fn snapshot(t: &TestRepo) -> (String, Vec<(String, Vec<u8>)>) {
    let mut files = Vec::new();
    for e in walkdir::WalkDir::new(&t.root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
    {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(&t.root).unwrap();
            files.push((
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            ));
        }
    }
    (
        t.git(&["status", "--porcelain", "--untracked-files=all"]),
        files,
    )
}

/// Runs a command that must be refused: exit 2, stderr containing each of
/// `says`, and the repository unchanged. Returns stderr.
fn refused(t: &TestRepo, args: &[&str], says: &[&str]) -> String {
    let before = snapshot(t);
    let out = script(t, args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}\nstderr: {stderr}");
    for s in says {
        assert!(stderr.contains(s), "{args:?}: expected `{s}` in:\n{stderr}");
    }
    assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(snapshot(t) == before, "{args:?} changed the repository");
    stderr
}

/// `mkt lint --format json` at `today`, trusting the roster as last
/// committed: these tests commit team.toml unsigned, as a department does
/// before its admins have keys, and name that commit the trust root (as CI
/// would with MKT_TRUST_ROOT). Returns the exit code and the document.
fn lint_at(t: &TestRepo, today: &str) -> (i32, Value) {
    let trust = t.git(&["log", "-1", "--format=%H", "--", "team.toml"]);
    let out = t
        .mkt(["lint", "--format", "json", "--today", today])
        .env("MKT_TRUST_ROOT", trust.trim())
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(
        code == 0 || code == 1,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (code, serde_json::from_slice(&out.stdout).unwrap())
}

fn assert_clean_at(t: &TestRepo, today: &str) {
    let (code, json) = lint_at(t, today);
    assert_clean(&json);
    assert_eq!(code, 0);
}

/// A repository with the roster, today 2026-02-20.
fn team_repo() -> TestRepo {
    TestRepo::with_team()
}

/// `team_repo()` with the plan written by flags and committed.
fn planned() -> TestRepo {
    let t = team_repo();
    script(&t, &plan_flags()).assert().code(0);
    t.commit_all("plan: 春季促销", "2026-02-10T10:00:00+08:00");
    t
}

// ------------------------------------------------------------ pseudo-terminal

/// `mkt -C <root> ARGS` in a pseudo-terminal: stdin, stdout and stderr are
/// the terminal, `CI` is unset, the environment isolated as in `common`.
fn pty(t: &TestRepo, args: &[&str]) -> PtySession {
    let mut cmd = tool(&t.home, env!("CARGO_BIN_EXE_mkt"));
    cmd.current_dir(t.tmp()).arg("-C").arg(&t.root).args(args);
    clean_env(&mut cmd, &t.home);
    cmd.env("TERM", "xterm").env("MKT_TODAY", &t.today);
    // The roster as committed is trusted, as `lint_at` trusts it.
    let trust = t.git(&["log", "-1", "--format=%H", "--", "team.toml"]);
    if !trust.trim().is_empty() {
        cmd.env("MKT_TRUST_ROOT", trust.trim());
    }
    spawn_command(cmd, Some(30_000)).expect("mkt starts in a pseudo-terminal")
}

/// Waits for `text` on the terminal. rexpect reads the terminal a byte at a
/// time, each byte as one char, so the needle is spelt the same way.
pub(crate) fn expect(p: &mut PtySession, text: &str) {
    let bytes: String = text.bytes().map(char::from).collect();
    p.exp_string(&bytes)
        .unwrap_or_else(|e| panic!("waiting for `{text}`: {e}"));
}

/// Waits for `prompt`, then types `answer` and Enter.
pub(crate) fn answer(p: &mut PtySession, prompt: &str, answer: &str) {
    expect(p, prompt);
    p.send_line(answer).unwrap();
}

fn exit_code(p: &mut PtySession) -> WaitStatus {
    p.exp_eof().ok();
    p.process_mut().wait().unwrap()
}

#[test]
fn a_new_user_answers_the_prompts_in_a_terminal_and_lint_is_clean() {
    // As a new user would: mkt init, the roster written into team.toml.
    let t = TestRepo::new();
    t.write_team();
    t.commit_all("team: the roster", SETUP_DATE);

    let mut p = pty(&t, &["new-campaign"]);
    answer(&mut p, "项目名称 name", "春季促销");
    // 2026-02-20 today: the start is offered as 2026-03-01; a person types another.
    answer(&mut p, "开始 start (YYYY-MM-DD) [2026-03-01]", "2026-04-01");
    answer(&mut p, "结束 end (YYYY-MM-DD) [2026-04-30]", "");
    answer(&mut p, "标题 title [春季促销]", "春季新品促销");
    answer(&mut p, "目标 objective", "新品认知与首购");
    // A typo is caught while typing and asked again.
    answer(&mut p, "负责人 owner", "lina");
    expect(&mut p, "did you mean `li.na`?");
    answer(&mut p, "负责人 owner", "li.na");
    answer(&mut p, "总预算 budget total (yuan)", "80000");
    // The reserve is offered in the middle of the policy's 10–15 %.
    answer(
        &mut p,
        "弹性预算 reserve (10–15 % of 80000: 8000–12000) [10000]",
        "",
    );
    answer(&mut p, "渠道投放 channel (70000 left)", "45000");
    answer(&mut p, "内容制作 content (25000 left)", "15000");
    answer(&mut p, "活动执行 event (the rest: 10000) [10000]", "");
    // The three phases split the dates; the warm-up gets another owner.
    answer(
        &mut p,
        "预热 warm-up (START..END OWNER) [2026-04-01..2026-04-08 li.na]",
        "2026-04-01..2026-04-07 zhao.lei",
    );
    answer(
        &mut p,
        "爆发 burst (START..END OWNER)",
        "2026-04-08..2026-04-21",
    );
    answer(
        &mut p,
        "长尾 long-tail (START..END OWNER)",
        "2026-04-22..2026-04-30",
    );
    answer(&mut p, "渠道 channels", "wechat=20000, douyin=15000");
    expect(&mut p, &format!("write {PLAN}?"));
    p.send("y").unwrap();
    p.flush().unwrap();
    expect(&mut p, PLAN);
    expect(&mut p, "kickoff meeting 启动会: 2026-03-25 – 2026-03-31");
    expect(
        &mut p,
        "budget approval 预算审批: director: wang.fang 王芳; by 2026-04-01",
    );
    assert!(matches!(exit_code(&mut p), WaitStatus::Exited(_, 0)));

    let text = t.read(PLAN);
    for line in [
        "id = \"春季促销-2026-04V1\"",
        "title = \"春季新品促销\"",
        "owner = \"li.na\"",
        "start = 2026-04-01",
        "end = 2026-04-30",
        "objective = \"新品认知与首购\"",
        "channel = 45000",
        "reserve = 10000",
        "owner = \"zhao.lei\"",
        "name = \"douyin\"",
    ] {
        assert!(text.contains(line), "`{line}` not in:\n{text}");
    }
    assert_clean_at(&t, DEFAULT_TODAY);
    t.commit_all("plan: 春季促销", "2026-02-20T10:00:00+08:00");
    assert_clean_at(&t, "2026-03-20");
}

#[test]
fn ctrl_c_mid_prompt_writes_nothing() {
    let t = team_repo();
    let before = snapshot(&t);
    let mut p = pty(&t, &["new-campaign", "--owner", "li.na"]);
    answer(&mut p, "项目名称 name", "春季促销");
    answer(&mut p, "开始 start", "2026-04-01");
    expect(&mut p, "结束 end");
    p.send_control('c').unwrap();
    let status = exit_code(&mut p);
    assert!(
        matches!(status, WaitStatus::Signaled(_, Signal::SIGINT, _)),
        "{status:?}"
    );
    assert!(snapshot(&t) == before, "Ctrl-C left something behind");
}

#[test]
fn declining_the_last_question_writes_nothing() {
    let t = team_repo();
    let before = snapshot(&t);
    let flags = without(plan_flags(), "--title");
    let mut p = pty(&t, &flags);
    answer(&mut p, "标题 title [春季促销]", "");
    expect(&mut p, &format!("write {PLAN}?"));
    p.send("n").unwrap();
    p.flush().unwrap();
    expect(&mut p, "nothing was written");
    assert!(matches!(exit_code(&mut p), WaitStatus::Exited(_, 1)));
    assert!(snapshot(&t) == before);
}

// ------------------------------------------------------------ flags, scripts

#[test]
fn flags_only_in_a_script_writes_a_plan_that_lints_clean() {
    let t = team_repo();
    let out = script(&t, &plan_flags()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // The path on stdout (for scripts), what is due next on stderr.
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{PLAN}\n"));
    assert!(
        stderr.contains(
            "kickoff meeting 启动会: 2026-03-25 – 2026-03-31 (within 7 days before the start)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "budget approval 预算审批: director: wang.fang 王芳; by 2026-04-01 (the start)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("closing meeting 结项验收: by 2026-05-15"),
        "{stderr}"
    );
    assert_clean_at(&t, DEFAULT_TODAY);

    // Exactly one new file, no temporary left behind.
    let status = t.git(&["status", "--porcelain", "--untracked-files=all"]);
    // mkt init set core.quotePath=false: git shows the Chinese path as it is.
    assert_eq!(status.trim(), format!("?? {PLAN}"));
    let text = t.read(PLAN);
    assert!(!text.contains("{{"), "{text}");
    assert!(!text.contains("#:"), "template notes stay out: {text}");
    assert!(
        text.contains("# 预算分配"),
        "the template's comments stay: {text}"
    );
}

#[test]
fn a_small_budget_goes_to_the_supervisor_and_defaults_fill_the_rest() {
    let t = team_repo();
    let out = script(
        &t,
        &[
            "new-campaign",
            "--name",
            "校园推广",
            "--start",
            "2026-09-10",
            "--end",
            "2026-10-10",
            "--owner",
            "zhao.lei",
            "--budget",
            "40000.50",
            "--allocation",
            "channel=24000,content=6000.50,event=5000,reserve=5000",
        ],
    )
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("budget approval 预算审批: supervisor: li.na 李娜; by 2026-09-10"),
        "{stderr}"
    );
    let path = "campaigns/2026/校园推广-2026-09V1/campaign.toml";
    let text = t.read(path);
    // The title defaults to the name; the phases split the dates, owned by the owner.
    assert!(text.contains("title = \"校园推广\""), "{text}");
    assert!(text.contains("total = \"40000.50\""), "{text}");
    assert!(text.contains("content = \"6000.50\""), "{text}");
    assert_eq!(text.matches("[[phases]]").count(), 3, "{text}");
    assert_eq!(text.matches("owner = \"zhao.lei\"").count(), 4, "{text}");
    assert!(!text.contains("[[channels]]"), "{text}");
    assert_clean_at(&t, DEFAULT_TODAY);
}

#[test]
fn emergency_work_names_the_emergency_group() {
    let t = team_repo();
    t.write(INCIDENT, INCIDENT_TOML);
    let mut flags = plan_flags();
    flags.push("--emergency");
    // Emergency work names the incident it answers (A009).
    refused(&t, &flags, &["--incident", "mkt new-incident"]);
    flags.extend(["--incident", "2026-03-30-差评"]);
    let out = script(&t, &flags).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("director: wang.fang 王芳; legal: sun.li 孙丽; department_head: zhang.wei 张伟; by 2026-04-04"),
        "{stderr}"
    );
    assert!(t.read(PLAN).contains("emergency = true"));
    assert!(t.read(PLAN).contains("incident = \"2026-03-30-差评\""));
}

const INCIDENT: &str = "incidents/2026-03-30-差评.toml";
const INCIDENT_TOML: &str = "title = \"差评扩散\"\ndetected_at = 2026-03-30T09:00:00+08:00\n\
    responded_at = 2026-03-30T09:10:00+08:00\nplan_at = 2026-03-30T10:00:00+08:00\n\
    level = \"major\"\nowner = \"li.na\"\ncampaign = \"\"\n";

#[test]
fn without_a_terminal_a_missing_value_names_its_flag() {
    let t = team_repo();
    refused(&t, &["new-campaign"], &["missing --name"]);
    refused(&t, &without(plan_flags(), "--owner"), &["missing --owner"]);
    refused(
        &t,
        &without(plan_flags(), "--budget"),
        &["missing --budget"],
    );
    refused(
        &t,
        &without(plan_flags(), "--allocation"),
        &["missing --allocation"],
    );
    refused(&t, &without(plan_flags(), "--start"), &["missing --start"]);
    // Not CI, but no terminal either (assert_cmd pipes stdin): still no prompt.
    let before = snapshot(&t);
    t.mkt(["new-campaign", "--name", "春季促销"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("missing --start"));
    // --no-input says the same where there is a terminal.
    let mut p = pty(&t, &["new-campaign", "--no-input", "--name", "春季促销"]);
    expect(&mut p, "missing --start");
    assert!(matches!(exit_code(&mut p), WaitStatus::Exited(_, 2)));
    assert!(snapshot(&t) == before);
    // new-minutes too.
    refused(
        &t,
        &["new-minutes", "--kind", "weekly"],
        &["missing --held-at"],
    );
    refused(
        &t,
        &["new-minutes", "--held-at", "2026-02-16T10:00"],
        &["missing --kind"],
    );
}

// ------------------------------------------------------------ refusals

#[test]
fn a_second_plan_for_the_same_name_and_month_points_at_revise() {
    let t = planned();
    refused(
        &t,
        &plan_flags(),
        &[
            "春季促销 already has a plan for 2026-04: 春季促销-2026-04V1",
            "mkt revise 春季促销-2026-04V1",
        ],
    );
    // The same name in another month is another campaign.
    let mut flags = with(plan_flags(), "--start", "2026-05-01");
    flags = with(flags, "--end", "2026-05-31");
    for _ in 0..3 {
        flags = without(flags, "--phase");
    }
    script(&t, &flags).assert().code(0);
    assert!(
        t.path("campaigns/2026/春季促销-2026-05V1/campaign.toml")
            .exists()
    );
}

#[test]
fn an_owner_not_in_the_team_is_refused() {
    let t = team_repo();
    refused(
        &t,
        &with(plan_flags(), "--owner", "lina"),
        &["owner `lina` is not in team.toml", "did you mean `li.na`?"],
    );
    refused(
        &t,
        &with(plan_flags(), "--owner", "nobody"),
        &[
            "owner `nobody` is not in team.toml",
            "people in team.toml: zhang.wei",
        ],
    );
    refused(
        &t,
        &with(
            plan_flags(),
            "--phase",
            "warm-up:2026-04-01:2026-04-07:wang.wu",
        ),
        &["phase `warm-up` owner `wang.wu` is not in team.toml"],
    );
    // A roster that cannot be read is named as the cause.
    let broken = team_repo();
    broken.replace("team.toml", "id = \"li.na\"", "id = li.na");
    refused(
        &broken,
        &plan_flags(),
        &["team.toml is missing or cannot be read: `mkt lint` says why"],
    );
    // A fresh repository whose team.toml lists nobody yet says so.
    let fresh = TestRepo::new();
    refused(&fresh, &plan_flags(), &["team.toml lists nobody yet"]);
}

#[test]
fn a_reserve_outside_the_policy_is_refused() {
    let t = team_repo();
    refused(
        &t,
        &with(
            plan_flags(),
            "--allocation",
            "channel=45000,content=15000,event=4000,reserve=16000",
        ),
        &[
            "reserve 16000 is outside the policy's 10–15 % of total 80000",
            "between 8000 and 12000",
        ],
    );
    refused(
        &t,
        &with(
            plan_flags(),
            "--allocation",
            "channel=50000,content=15000,event=10000,reserve=5000",
        ),
        &["reserve 5000 is outside"],
    );
    // No reserve at all is a reserve of 0.
    refused(
        &t,
        &with(
            plan_flags(),
            "--allocation",
            "channel=55000,content=15000,event=10000",
        ),
        &["reserve 0 is outside"],
    );
}

#[test]
fn an_allocation_that_does_not_sum_to_the_total_is_refused() {
    let t = team_repo();
    refused(
        &t,
        &with(
            plan_flags(),
            "--allocation",
            "channel=45000,content=15000,event=15000,reserve=10000",
        ),
        &["the allocation sums to 85000 but the total is 80000 (5000 over)"],
    );
    refused(
        &t,
        &with(
            plan_flags(),
            "--allocation",
            "channel=45000,content=15000,event=5000,reserve=10000",
        ),
        &["(5000 short)"],
    );
    refused(
        &t,
        &with(
            plan_flags(),
            "--allocation",
            "channel=45000,content=15000,events=10000,reserve=10000",
        ),
        &["`events` is not a budget category"],
    );
    refused(
        &t,
        &with(plan_flags(), "--allocation", "channel=4.5千"),
        &["is not an amount"],
    );
    // Channels beyond the channel allocation (B001).
    let mut flags = plan_flags();
    flags.extend(["--channel", "xiaohongshu=15000"]);
    refused(
        &t,
        &flags,
        &["the channels' budgets sum to 50000, more than the channel allocation 45000"],
    );
}

#[test]
fn dates_out_of_order_are_refused() {
    let t = team_repo();
    refused(
        &t,
        &with(plan_flags(), "--end", "2026-03-31"),
        &["the end 2026-03-31 is before the start 2026-04-01"],
    );
    refused(
        &t,
        &with(plan_flags(), "--start", "2026-04-31"),
        &["`2026-04-31` is not a day: 2026-04 has 30 days, not 31"],
    );
    refused(
        &t,
        &with(plan_flags(), "--phase", "warm-up:2026-03-25:2026-04-07"),
        &["phase `warm-up` (2026-03-25 – 2026-04-07) is outside the campaign"],
    );
    refused(
        &t,
        &with(plan_flags(), "--phase", "warm-up:2026-04-07:2026-04-01"),
        &["phase `warm-up` ends 2026-04-01 before it starts 2026-04-07"],
    );
    refused(
        &t,
        &with(plan_flags(), "--phase", "warm-up/2026-04-01"),
        &["is not NAME:START:END[:OWNER]"],
    );
}

#[test]
fn unsafe_and_invalid_names_are_refused() {
    let t = team_repo();
    for (name, why) in [
        ("春季..促销", "contains `..`"),
        ("../春季促销", "starts with a dot"),
        ("春季/促销", "contains `/`"),
        ("春季\\促销", "contains `\\`"),
        (".春季促销", "starts with a dot"),
        ("春季 促销", "contains ' '"),
        ("春季\t促销", "contains '\\t'"),
        ("春季促销\u{7}", "contains '\\u{7}'"),
        ("春季-促销", "contains `-`"),
        ("", "the name is empty"),
    ] {
        let flags = with(plan_flags(), "--name", name);
        refused(&t, &flags, &["cannot be a campaign name", why]);
    }
    let long = "长".repeat(65);
    refused(
        &t,
        &with(plan_flags(), "--name", &long),
        &["the name is 65 characters; at most 64"],
    );
    // Letters of any script, digits, `_` and `·` are fine.
    let ok = with(plan_flags(), "--name", "618年中大促_A·线上");
    script(&t, &ok).assert().code(0);
    assert!(
        t.path("campaigns/2026/618年中大促_A·线上-2026-04V1/campaign.toml")
            .exists()
    );
}

#[test]
fn a_repository_template_overrides_the_builtin_one() {
    let t = team_repo();
    let builtin = {
        let mut s = String::from("# 本部门模板 (our own)\n");
        s.push_str(
            &std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/campaign.toml"),
            )
            .unwrap(),
        );
        s
    };
    t.write("templates/campaign.toml", &builtin);
    t.commit_all("templates: ours", SETUP_DATE);
    script(&t, &plan_flags()).assert().code(0);
    assert!(t.read(PLAN).starts_with("# 本部门模板 (our own)\n"));
    assert_clean_at(&t, DEFAULT_TODAY);

    // A broken override is caught before it becomes a record.
    let t = team_repo();
    t.write(
        "templates/campaign.toml",
        &builtin.replace("owner = {{owner}}", "owner = {{person}}"),
    );
    refused(&t, &plan_flags(), &["unknown placeholder {{person}}"]);
    t.write(
        "templates/campaign.toml",
        &builtin.replace("owner = {{owner}}", "ownr = {{owner}}"),
    );
    refused(
        &t,
        &plan_flags(),
        &["the campaign template does not make a valid plan"],
    );
}

// ------------------------------------------------------------ revise

#[test]
fn revise_makes_the_next_version_and_keeps_the_old_one() {
    let t = planned();
    let v1 = t.read(PLAN);
    let out = script(&t, &["revise", ID]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let v2_path = "campaigns/2026/春季促销-2026-04V2/campaign.toml";
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{v2_path}\n"));
    assert!(
        stderr.contains("春季促销-2026-04V1 stays for the record, now superseded"),
        "{stderr}"
    );
    assert_eq!(t.read(PLAN), v1, "the old version is kept as it was");
    let v2 = t.read(v2_path);
    // Only id and supersedes differ; comments and layout are kept.
    let changed: Vec<(&str, &str)> = v1.lines().zip(v2.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(
        changed,
        [
            ("id = \"春季促销-2026-04V1\"", "id = \"春季促销-2026-04V2\""),
            ("supersedes = \"\"", "supersedes = \"春季促销-2026-04V1\""),
        ]
    );
    assert_eq!(v1.lines().count(), v2.lines().count());
    // N002 is satisfied: contiguous versions, one active.
    assert_clean_at(&t, DEFAULT_TODAY);
    t.commit_all("plan: 春季促销 V2", "2026-02-12T10:00:00+08:00");

    // V1 is no longer the latest; a typo'd ID is not a campaign.
    refused(
        &t,
        &["revise", ID],
        &[
            "春季促销-2026-04V1 is not the latest version: 春季促销-2026-04V2 is",
            "mkt revise 春季促销-2026-04V2",
        ],
    );
    refused(
        &t,
        &["revise", "春季促销-2026-05V1"],
        &["there is no campaign `春季促销-2026-05V1`"],
    );
    refused(
        &t,
        &["revise", "秋季促销"],
        &["there is no campaign `秋季促销`"],
    );
    refused(
        &t,
        &["revise", "../x-2026-04V1"],
        &["`../x-2026-04V1` is not a campaign ID: the name starts with a dot"],
    );

    script(&t, &["revise", "春季促销-2026-04V2"])
        .assert()
        .code(0)
        .stdout("campaigns/2026/春季促销-2026-04V3/campaign.toml\n");
    assert_clean_at(&t, DEFAULT_TODAY);
}

#[test]
fn revising_a_cancelled_plan_clears_the_reason() {
    let t = planned();
    t.replace(PLAN, "cancelled = \"\"", "cancelled = \"预算调整\"");
    t.commit_all("cancel", "2026-02-11T10:00:00+08:00");
    let out = script(&t, &["revise", ID]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("was cancelled (预算调整)"));
    let v2 = t.read("campaigns/2026/春季促销-2026-04V2/campaign.toml");
    assert!(v2.contains("cancelled = \"\""), "{v2}");
    assert_clean_at(&t, DEFAULT_TODAY);
}

// ------------------------------------------------------------ new-minutes

#[test]
fn campaign_minutes_are_named_by_the_rule_and_lint_clean() {
    let t = planned();
    let out = script(
        &t,
        &[
            "new-minutes",
            "--kind",
            "kickoff",
            "--campaign",
            ID,
            "--held-at",
            "2026-03-27T10:00",
            "--attendees",
            "li.na,wang.fang,zhao.lei",
        ],
    )
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let path = format!("campaigns/2026/{ID}/minutes/2026-03-27-kickoff.toml");
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{path}\n"));
    assert!(
        stderr.contains("commit it by 2026-03-28 10:00 +08:00 (policy: within 24 hours"),
        "{stderr}"
    );
    let text = t.read(&path);
    for line in [
        "kind = \"kickoff\"",
        "title = \"春季新品促销启动会\"",
        // A local time is read in the policy's zone, and written with it.
        "held_at = 2026-03-27T10:00:00+08:00",
        "attendees = [\"li.na\", \"wang.fang\", \"zhao.lei\"]",
        "[[agenda]]",
        "# [[decisions]]",
        "责任人",
    ] {
        assert!(text.contains(line), "`{line}` not in:\n{text}");
    }
    // The person fills in the template's 议题 (D009) before committing, and
    // the planner the plan's core actions (D015) and a target (D016).
    t.replace(&path, "topic = \"\"", "topic = \"目标与分工\"");
    let plan = format!("campaigns/2026/{ID}/campaign.toml");
    let text = t
        .read(&plan)
        .replace("actions = []", "actions = [\"朋友圈推文\"]");
    t.write(&plan, &text);
    t.replace(&plan, "# exposure = 1000000", "exposure = 1000000");
    t.commit_all("kickoff minutes", "2026-03-27T15:00:00+08:00");
    // Once started, only the approvals (A…) the plan still lacks may be found.
    let (_, json) = lint_at(&t, "2026-04-02");
    assert!(codes(&json).iter().all(|c| c.starts_with('A')), "{json:#}");

    // A second kickoff that day needs a slug.
    refused(
        &t,
        &[
            "new-minutes",
            "--kind",
            "kickoff",
            "--campaign",
            ID,
            "--held-at",
            "2026-03-27T15:00:00+08:00",
        ],
        &["already exists", "--slug"],
    );
    script(
        &t,
        &[
            "new-minutes",
            "--kind",
            "kickoff",
            "--campaign",
            ID,
            "--held-at",
            "2026-03-27T15:00:00+08:00",
            "--slug",
            "补充",
        ],
    )
    .assert()
    .code(0)
    .stdout(format!(
        "campaigns/2026/{ID}/minutes/2026-03-27-kickoff-补充.toml\n"
    ));
}

#[test]
fn department_minutes_go_under_their_year() {
    let t = team_repo();
    // 20:00 UTC on 31 December is 1 January in Beijing: the file follows the policy's zone.
    script(
        &t,
        &[
            "new-minutes",
            "--kind",
            "quarterly",
            "--held-at",
            "2025-12-31T20:00:00Z",
            "--slug",
            "季度战略会",
        ],
    )
    .assert()
    .code(0)
    .stdout("minutes/2026/2026-01-01-quarterly-季度战略会.toml\n");
    script(
        &t,
        &[
            "new-minutes",
            "--kind",
            "weekly",
            "--held-at",
            "2026-02-16 10:00",
        ],
    )
    .assert()
    .code(0)
    .stdout("minutes/2026/2026-02-16-weekly.toml\n");
    let text = t.read("minutes/2026/2026-02-16-weekly.toml");
    assert!(text.contains("title = \"2026-02-16 部门周会\""), "{text}");
    assert!(text.contains("attendees = []"), "{text}");
    t.commit_all("minutes", "2026-02-16T12:00:00+08:00");
    // The quarterly one was committed long after the meeting: D004 warns;
    // the templates, committed unfilled (no attendees, no 议题), are D009.
    let (code, json) = lint_at(&t, DEFAULT_TODAY);
    let mut found = codes(&json);
    found.dedup();
    assert_eq!(
        (code, found),
        (1, vec!["D004".to_string(), "D009".to_string()]),
        "{json:#}"
    );
}

#[test]
fn minutes_refusals_leave_the_repository_unchanged() {
    let t = planned();
    let at = "2026-03-27T10:00:00+08:00";
    refused(
        &t,
        &["new-minutes", "--kind", "kickoff", "--held-at", at],
        &["a kickoff meeting belongs to a campaign: missing --campaign"],
    );
    refused(
        &t,
        &[
            "new-minutes",
            "--kind",
            "weekly",
            "--campaign",
            ID,
            "--held-at",
            at,
        ],
        &["a weekly meeting is a department meeting"],
    );
    refused(
        &t,
        &[
            "new-minutes",
            "--kind",
            "review",
            "--campaign",
            "春季促销-2026-04V2",
            "--held-at",
            at,
        ],
        &[
            "there is no campaign `春季促销-2026-04V2`",
            "did you mean `春季促销-2026-04V1`?",
        ],
    );
    refused(
        &t,
        &[
            "new-minutes",
            "--kind",
            "kickof",
            "--campaign",
            ID,
            "--held-at",
            at,
        ],
        &[
            "`kickof` is not a meeting kind",
            "kinds are kickoff, review",
        ],
    );
    refused(
        &t,
        &[
            "new-minutes",
            "--kind",
            "review",
            "--campaign",
            ID,
            "--held-at",
            at,
            "--attendees",
            "li.na,lina",
        ],
        &["attendee `lina` is not in team.toml"],
    );
    refused(
        &t,
        &["new-minutes", "--kind", "weekly", "--held-at", "下周一"],
        &["is not a time"],
    );
    refused(
        &t,
        &[
            "new-minutes",
            "--kind",
            "weekly",
            "--held-at",
            at,
            "--slug",
            "../x",
        ],
        &["--slug `../x`"],
    );
    // adhoc may be either a campaign's or the department's.
    script(
        &t,
        &[
            "new-minutes",
            "--kind",
            "adhoc",
            "--campaign",
            ID,
            "--held-at",
            at,
        ],
    )
    .assert()
    .code(0);
    script(&t, &["new-minutes", "--kind", "adhoc", "--held-at", at])
        .assert()
        .code(0)
        .stdout("minutes/2026/2026-03-27-adhoc.toml\n");
}

#[test]
fn minutes_prompts_ask_only_for_what_is_missing() {
    let t = planned();
    let mut p = pty(&t, &["new-minutes", "--kind", "review"]);
    // A typo is told the campaign meant; a name finds it (issue 13).
    answer(&mut p, "活动 campaign ID", "春节促销");
    expect(&mut p, "there is no campaign `春节促销`");
    expect(&mut p, "did you mean `春季促销-2026-04V1`?");
    answer(&mut p, "活动 campaign ID", "春季促销");
    expect(&mut p, "`春季促销` is 春季促销-2026-04V1");
    answer(&mut p, "时间 held at", "2026-04-15T14:00");
    answer(&mut p, "参会人 attendees", "li.na, wang.fang");
    expect(
        &mut p,
        &format!("campaigns/2026/{ID}/minutes/2026-04-15-review.toml"),
    );
    assert!(matches!(exit_code(&mut p), WaitStatus::Exited(_, 0)));
    let text = t.read(&format!(
        "campaigns/2026/{ID}/minutes/2026-04-15-review.toml"
    ));
    assert!(
        text.contains("attendees = [\"li.na\", \"wang.fang\"]"),
        "{text}"
    );
}

// ------------------------------------------------------------ status

/// The example department at 2026-11-25, worked out by hand from
/// examples/department:
/// - 中秋礼盒-2026-09V1/minutes/2026-10-09-closing.toml: sun.li's decision
///   与经销商…对账 was due 2026-10-30, not done: 26 days overdue.
/// - 双十一预热-2026-10V1 ended 2026-11-11 with no closing meeting: due
///   11-11 + 15 days = 2026-11-26, 1 day left (its kickoff 10-15 and its
///   2026Q4 review 11-04 were held).
/// - minutes/2026/2026-11-16-weekly.toml: liu.yang's decision due 11-26
///   (1 day), zhao.lei's due 12-01 (6 days).
/// - minutes/2026/2026-11-23-weekly.toml: yang.min's and zhao.lei's
///   decisions due 12-04 (9 days).
/// - minutes/2026/2026-10-12-quarterly-季度战略会.toml: sun.li's decision
///   due 12-10 (15 days), wang.fang's due 12-18 (23 days).
/// - 元旦跨年-2026-12V1 starts 2026-12-20, no kickoff yet: window
///   12-20 − 7 = 12-13 … 12-19, 24 days left to its last day.
/// - reports/ has 2026Q1–Q3; 2026Q4 is due 12-31 + 10 = 2027-01-10, 46 days.
/// - Every other campaign is closed, cancelled (校园推广) or superseded
///   (春季促销 V1); every other decision is done.
fn status_by_hand() -> Vec<(&'static str, &'static str, &'static str, i64, &'static str)> {
    vec![
        (
            "decision",
            "中秋礼盒-2026-09V1",
            "2026-10-30",
            -26,
            "sun.li",
        ),
        (
            "closing",
            "双十一预热-2026-10V1",
            "2026-11-26",
            1,
            "liu.yang",
        ),
        (
            "decision",
            "部门周会 2026-11-16",
            "2026-11-26",
            1,
            "liu.yang",
        ),
        // The third quarter's audit finding still open (D021).
        ("audit", "audits/2026Q3.toml", "2026-11-30", 5, "liu.yang"),
        (
            "decision",
            "部门周会 2026-11-16",
            "2026-12-01",
            6,
            "zhao.lei",
        ),
        (
            "decision",
            "部门周会 2026-11-23",
            "2026-12-04",
            9,
            "yang.min",
        ),
        (
            "decision",
            "部门周会 2026-11-23",
            "2026-12-04",
            9,
            "zhao.lei",
        ),
        // November's self-reviews, due the 5th of December (D022).
        ("self-review", "2026-11", "2026-12-05", 10, "chen.jing"),
        ("self-review", "2026-11", "2026-12-05", 10, "li.na"),
        ("self-review", "2026-11", "2026-12-05", 10, "liu.yang"),
        ("self-review", "2026-11", "2026-12-05", 10, "wang.fang"),
        ("self-review", "2026-11", "2026-12-05", 10, "yang.min"),
        ("self-review", "2026-11", "2026-12-05", 10, "zhao.lei"),
        (
            "decision",
            "2026年第四季度战略会 2026-10-12",
            "2026-12-10",
            15,
            "sun.li",
        ),
        (
            "decision",
            "2026年第四季度战略会 2026-10-12",
            "2026-12-18",
            23,
            "wang.fang",
        ),
        ("kickoff", "元旦跨年-2026-12V1", "2026-12-19", 24, "li.na"),
        // 45,000 is within the supervisor's 50,000; li.na owns it, so the
        // other supervisor, liu.yang, approves, by the start.
        (
            "approval",
            "元旦跨年-2026-12V1",
            "2026-12-20",
            25,
            "liu.yang",
        ),
        ("report", "2026Q4", "2027-01-10", 46, ""),
        // The fourth quarter's internal audit (D020).
        ("audit", "2026Q4", "2027-01-15", 51, ""),
    ]
}

fn status_json(t: &TestRepo, extra: &[&str]) -> Value {
    let mut args = vec!["status", "--format", "json"];
    args.extend(extra);
    let out = t.mkt(&args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn rows(json: &Value) -> Vec<(String, String, String, i64, String)> {
    json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_string(),
                i["subject"].as_str().unwrap().to_string(),
                i["due"].as_str().unwrap().to_string(),
                i["days_left"].as_i64().unwrap(),
                i["owner"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn owned(v: Vec<(&str, &str, &str, i64, &str)>) -> Vec<(String, String, String, i64, String)> {
    v.into_iter()
        .map(|(a, b, c, d, e)| (a.into(), b.into(), c.into(), d, e.into()))
        .collect()
}

#[test]
fn status_of_the_example_department_matches_the_hand_count() {
    let mut t = TestRepo::example();
    t.today = "2026-11-25".into();
    let json = status_json(&t, &[]);
    assert_eq!(json["today"], "2026-11-25");
    assert_eq!(rows(&json), owned(status_by_hand()), "{json:#}");
    let items = json["items"].as_array().unwrap();
    assert_eq!(items[15]["from"], "2026-12-13", "the kickoff window opens");
    assert_eq!(
        items[0]["file"],
        "campaigns/中秋礼盒-2026-09V1/minutes/2026-10-09-closing.toml"
    );
    assert_eq!(items[0]["what"], "与经销商完成礼盒退货与尾款对账");
    assert_eq!(items[16]["role"], "supervisor");
    assert_eq!(
        items[16]["file"],
        "campaigns/元旦跨年-2026-12V1/campaign.toml"
    );
    assert_eq!(items[17]["role"], "director");
    assert_eq!(items[17]["file"], "reports/2026Q4.md");

    // --person: what sun.li owns, and the decisions of meetings sun.li attended.
    let json = status_json(&t, &["--person", "sun.li"]);
    let got: Vec<(String, i64, String)> =
        rows(&json).into_iter().map(|r| (r.2, r.3, r.4)).collect();
    assert_eq!(
        got,
        [
            ("2026-10-30".to_string(), -26, "sun.li".to_string()),
            ("2026-12-10".to_string(), 15, "sun.li".to_string()),
            ("2026-12-18".to_string(), 23, "wang.fang".to_string()),
        ]
    );
    // The director holds the report's sign-off.
    let json = status_json(&t, &["--person", "wang.fang"]);
    assert!(rows(&json).iter().any(|r| r.0 == "report"), "{json:#}");
    // --within 7: the next week, and the overdue one.
    let json = status_json(&t, &["--within", "7"]);
    assert_eq!(rows(&json), owned(status_by_hand()[..5].to_vec()));

    // A day later the closing is due today; two days later it is overdue.
    t.today = "2026-11-27".into();
    let json = status_json(&t, &[]);
    let closing = rows(&json).into_iter().find(|r| r.0 == "closing").unwrap();
    assert_eq!(closing.3, -1);

    // An unknown person is refused.
    t.mkt(["status", "--person", "sunli"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `sun.li`?"));
}

#[test]
fn status_table_aligns_chinese_text() {
    let mut t = TestRepo::example();
    t.today = "2026-11-25".into();
    let out = t.mkt(["status"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("due as of 2026-11-25: 19 items, 1 overdue\n"),
        "{text}"
    );
    let table: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(table.len(), 2 + 19, "{text}");
    let width = table[0].width();
    for line in &table {
        assert_eq!(line.width(), width, "misaligned:\n{text}");
        assert!(line.starts_with('|') && line.ends_with('|'), "{text}");
    }
    for want in [
        "26 days overdue",
        "1 day left",
        "2026-12-13 – 2026-12-19",
        "sun.li 孙丽",
        "director: wang.fang 王芳",
        "与经销商完成礼盒退货与尾款对账",
    ] {
        assert!(text.contains(want), "`{want}` not in:\n{text}");
    }
    // Nothing due for someone with nothing to do.
    t.mkt(["status", "--person", "zhou.jie"])
        .assert()
        .code(0)
        .stdout("nothing is due for zhou.jie as of 2026-11-25\n");
}

#[test]
fn status_of_a_new_plan_lists_its_kickoff_then_reviews_and_closing() {
    let t = planned();
    let json = status_json(&t, &[]);
    let got = rows(&json);
    assert_eq!(
        got,
        owned(vec![
            ("kickoff", ID, "2026-03-31", 39, "li.na"),
            // 80,000 is above the supervisor's limit: the director, by the start.
            ("approval", ID, "2026-04-01", 40, "wang.fang"),
            // The department's first activity is its first campaign: no report yet.
        ]),
        "{json:#}"
    );
    let mut t = t;
    t.today = "2026-04-10".into();
    // No kickoff was held: it stays listed, overdue, while the campaign runs;
    // from the start its review and closing are listed, and the quarter's report.
    assert_eq!(
        rows(&status_json(&t, &[])),
        owned(vec![
            ("kickoff", ID, "2026-03-31", -10, "li.na"),
            ("approval", ID, "2026-04-01", -9, "wang.fang"),
            ("closing", ID, "2026-05-15", 35, "li.na"),
            ("review", ID, "2026-06-30", 81, "li.na"),
            ("report", "2026Q2", "2026-07-10", 91, ""),
        ])
    );
}

// ------------------------------------------------------------ help, completions, man

#[test]
fn help_has_examples_with_chinese_campaign_names() {
    let t = team_repo();
    for (cmd, name) in [
        ("new-campaign", "春季促销"),
        ("revise", "春季促销-2026-03V1"),
        ("new-minutes", "春季促销-2026-03V1"),
        ("status", "元旦跨年-2026-12V1"),
        ("completions", "春季促销"),
        ("man", "春季促销-2026-03V1"),
    ] {
        let out = t.mkt([cmd, "--help"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{cmd}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("Examples:"), "{cmd}:\n{text}");
        assert!(text.contains(name), "{cmd} --help has no {name}:\n{text}");
    }
}

#[test]
fn completions_for_every_shell() {
    let t = team_repo();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = t.mkt(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        for word in ["new-campaign", "new-minutes", "allocation", "held-at"] {
            assert!(text.contains(word), "{shell} completions lack {word}");
        }
    }
    t.mkt(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn man_pages_one_per_command() {
    let t = team_repo();
    let out = t.tmp().join("man1");
    t.mkt(["man", "--out"]).arg(&out).assert().code(0);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for want in [
        "mkt.1",
        "mkt-init.1",
        "mkt-lint.1",
        "mkt-new-campaign.1",
        "mkt-new-minutes.1",
        "mkt-revise.1",
        "mkt-status.1",
        "mkt-completions.1",
        "mkt-man.1",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} not in {names:?}");
    }
    assert!(!names.iter().any(|n| n == "mkt-help.1"), "{names:?}");
    let page = std::fs::read_to_string(out.join("mkt-new-campaign.1")).unwrap();
    assert!(page.starts_with(".ie") || page.contains(".TH"), "{page}");
    assert!(
        page.contains("mkt\\-new\\-campaign") || page.contains("mkt-new-campaign"),
        "{page}"
    );
    assert!(page.contains("allocation"), "{page}");
    assert!(page.contains("春季促销"), "{page}");

    let one = t.mkt(["man", "status"]).output().unwrap();
    assert_eq!(one.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&one.stdout).contains(".TH"));
    t.mkt(["man", "nope"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("mkt has no command `nope`"));
}

#[test]
fn who_approves_a_new_plan_comes_from_the_signed_roster() {
    let t = team_repo();
    // An unsigned, uncommitted edit makes zhao.lei a director: it does not count.
    t.replace(
        "team.toml",
        "roles = [\"specialist\"]",
        "roles = [\"specialist\", \"director\"]",
    );
    let out = script(&t, &plan_flags()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("budget approval 预算审批: director: wang.fang 王芳; by 2026-04-01"),
        "{stderr}"
    );
}

/// `mkt lint` in a terminal, with nothing pinning the trust root.
fn pty_unpinned(t: &TestRepo) -> PtySession {
    let mut cmd = tool(&t.home, env!("CARGO_BIN_EXE_mkt"));
    cmd.current_dir(t.tmp()).arg("-C").arg(&t.root).arg("lint");
    clean_env(&mut cmd, &t.home);
    cmd.env("TERM", "xterm").env("MKT_TODAY", &t.today);
    spawn_command(cmd, Some(30_000)).expect("mkt starts in a pseudo-terminal")
}

#[test]
fn the_first_run_in_a_clone_offers_to_pin_the_trust_root_once() {
    let t = TestRepo::new();
    let root = t.git(&["rev-list", "--max-parents=0", "HEAD"]);
    let root = root.trim();
    let mut p = pty_unpinned(&t);
    expect(&mut p, &format!("the root commit {}", &root[..10]));
    expect(&mut p, "Record it as mkt.trustRoot");
    p.send("y").unwrap();
    p.flush().unwrap();
    expect(&mut p, "recorded");
    exit_code(&mut p);
    assert_eq!(t.git(&["config", "mkt.trustRoot"]).trim(), root);
    // Asked once: the next run in a terminal goes straight to work.
    t.git(&["config", "--unset", "mkt.trustRoot"]);
    let mut p = pty_unpinned(&t);
    let seen = p.exp_eof().unwrap_or_default();
    assert!(!seen.contains("Record it"), "{seen}");
    // Without a terminal (a script), nothing is asked or written.
    let u = TestRepo::new();
    u.mkt(["lint"]).output().unwrap();
    let config = u.git(&["config", "--list", "--local"]);
    assert!(!config.contains("mkt.trustroot"), "{config}");
}
