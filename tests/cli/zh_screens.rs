//! What a person sees, in Chinese (`MKT_LANG=zh-CN`) and in English
//! (`LANG=C`), side by side (issue 13): `mkt init --example`, `mkt init` of
//! a new folder by flags, `mkt explain`, `mkt approve` of the example's
//! waiting chain with its demo key, `mkt verify`, and `mkt new-campaign`
//! answered in a real pseudo-terminal. And the JSON of lint, status, verify
//! and report is the same bytes whatever the language.
//!
//! After an intended change: `INSTA_UPDATE=always cargo test --test cli
//! zh_screens`, then read the changed `.snap` files before committing them.

use rexpect::process::WaitStatus;

use crate::authoring::{answer, expect};
use crate::common::*;
use crate::screens::{screen_of, settings};

/// The day the README's tour uses.
const TOUR_DAY: &str = "2026-11-25";

/// When mkt's commits are made here.
const AT: &str = "2026-11-25T10:00:00+08:00";

/// The two ways of asking for a language: mkt's own variable, and a
/// plain C locale (English).
const LANGS: [(&str, &str, &str); 2] = [("zh", "MKT_LANG", "zh-CN"), ("en", "LANG", "C")];

/// `cmd` run with the language `(var, value)`, shown as `$ VAR=value mkt ARGS`.
fn screen(mut cmd: assert_cmd::Command, (var, value): (&str, &str), args: &[&str]) -> String {
    cmd.env(var, value);
    screen_of(cmd, &format!("$ {var}={value} mkt {}", args.join(" "))).0
}

/// `mkt ARGS` in `t` in each language, snapshot as `zh-NAME` and `en-NAME`.
fn snap_both(t: &TestRepo, name: &str, args: &[&str]) {
    for (tag, var, value) in LANGS {
        let text = screen(t.mkt(args), (var, value), args);
        settings(t).bind(|| insta::assert_snapshot!(format!("{tag}-{name}"), text));
    }
}

/// `mkt ARGS` started in the temp dir that holds `repo/`, at `AT`.
fn mkt_here(t: &TestRepo, args: &[&str]) -> assert_cmd::Command {
    let mut c = mkt_in(&t.home, t.tmp());
    c.args(args)
        .env("GIT_AUTHOR_DATE", AT)
        .env("GIT_COMMITTER_DATE", AT)
        .env("MKT_TODAY", TOUR_DAY);
    c
}

#[test]
fn init_of_the_example_in_both_languages() {
    for (tag, var, value) in LANGS {
        let t = TestRepo::empty();
        let args = ["init", "--example", "demo"];
        let text = screen(mkt_here(&t, &args), (var, value), &args);
        assert!(text.ends_with("--- exit status 0\n"), "{text}");
        settings(&t).bind(|| insta::assert_snapshot!(format!("{tag}-init-example"), text));
    }
}

#[test]
fn init_of_a_new_folder_by_flags_in_both_languages() {
    for (tag, var, value) in LANGS {
        let t = TestRepo::empty();
        std::fs::remove_dir(&t.root).unwrap();
        let public = format!("{}.pub", t.person("zhang.wei").key_file.display());
        let args = [
            "init",
            "repo",
            "--admin-id",
            "zhang.wei",
            "--admin-name",
            "张伟",
            "--admin-email",
            "zhang.wei@example.com",
            "--key",
            &public,
        ];
        let text = screen(mkt_here(&t, &args), (var, value), &args);
        assert!(text.ends_with("--- exit status 0\n"), "{text}");
        settings(&t).bind(|| insta::assert_snapshot!(format!("{tag}-init-flags"), text));
    }
}

#[test]
fn explain_in_both_languages() {
    let t = TestRepo::empty();
    snap_both(&t, "explain-B002", &["explain", "B002"]);
    let zh = screen(t.mkt(["explain", "B002"]), ("LANG", "zh_CN.UTF-8"), &[]);
    assert!(zh.contains("弹性预算不在 10–15 % 之间"), "{zh}");
    assert!(zh.contains("规范 三(二)3"), "{zh}");
    assert!(
        zh.contains("reserve = 16000"),
        "the code stays as it is: {zh}"
    );
}

#[test]
fn rules_in_both_languages() {
    let t = TestRepo::empty();
    snap_both(&t, "rules", &["rules"]);
    // JSON keeps its English, whatever the language.
    let json = |var: &str, value: &str| {
        let out = t
            .mkt(["rules", "--format", "json"])
            .env(var, value)
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    let en = json("LANG", "C");
    assert_eq!(json("MKT_LANG", "zh-CN"), en);
    let text = String::from_utf8(en).unwrap();
    assert!(text.contains("\"severity\": \"error\""), "{text}");
    assert!(text.contains("reserve outside 10–15 %"), "{text}");
}

#[test]
fn approve_of_the_waiting_chain_in_both_languages() {
    for (tag, var, value) in LANGS {
        let t = TestRepo::example();
        let key = t.path(".git/mkt-demo-keys/liu.yang").display().to_string();
        let args = ["approve", "元旦跨年-2026-12V1", "--key", &key];
        let mut cmd = t.mkt(args);
        cmd.env("GIT_COMMITTER_DATE", AT).env("GIT_AUTHOR_DATE", AT);
        let text = screen(cmd, (var, value), &args);
        assert!(text.ends_with("--- exit status 0\n"), "{text}");
        // Someone without the stage's role is refused, in the same language.
        let other = t.path(".git/mkt-demo-keys/zhou.jie").display().to_string();
        let wrong = ["approve", "元旦跨年-2026-12V1", "--key", &other];
        t.git(&["reset", "-q", "--hard", "HEAD~1"]);
        let mut cmd = t.mkt(wrong);
        cmd.env("GIT_COMMITTER_DATE", AT).env("GIT_AUTHOR_DATE", AT);
        let refused = screen(cmd, (var, value), &wrong);
        settings(&t).bind(|| {
            insta::assert_snapshot!(format!("{tag}-approve"), format!("{text}\n{refused}"))
        });
    }
}

#[test]
fn verify_in_both_languages() {
    let t = TestRepo::example();
    snap_both(&t, "verify", &["verify"]);
}

/// Approval problems (what verify and lint say of a bad approval) are in
/// the catalogue: an unsigned approval says so in Chinese.
#[test]
fn a_bad_approval_is_told_in_both_languages() {
    let t = TestRepo::example();
    let file = "campaigns/元旦跨年-2026-12V1/approvals/01-supervisor-liu.yang.toml";
    let key = t.path(".git/mkt-demo-keys/liu.yang");
    let out = t
        .mkt(["approve", "元旦跨年-2026-12V1", "--key"])
        .arg(&key)
        .env("GIT_COMMITTER_DATE", AT)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = t.read(file);
    t.write(file, &format!("{text}\n# edited\n"));
    snap_both(&t, "verify-edited", &["verify"]);
}

#[test]
fn new_campaign_in_a_terminal_in_chinese() {
    let t = TestRepo::new();
    t.write_team();
    t.commit_all("team: the roster", SETUP_DATE);
    // In a pseudo-terminal, as `authoring` runs it, with a Chinese locale.
    let mut cmd = tool(&t.home, env!("CARGO_BIN_EXE_mkt"));
    cmd.current_dir(t.tmp())
        .arg("-C")
        .arg(&t.root)
        .arg("new-campaign");
    cmd.env("TERM", "xterm")
        .env("MKT_TODAY", &t.today)
        .env("LANG", "zh_CN.UTF-8");
    // The roster as committed is trusted, as `authoring`'s terminal trusts it.
    let trust = t.git(&["log", "-1", "--format=%H", "--", "team.toml"]);
    cmd.env("MKT_TRUST_ROOT", trust.trim());
    let mut p = rexpect::session::spawn_command(cmd, Some(30_000)).unwrap();
    answer(&mut p, "项目名称", "春季促销");
    answer(&mut p, "开始日期（YYYY-MM-DD）", "2026/4/1");
    answer(&mut p, "结束日期（YYYY-MM-DD）", "");
    answer(&mut p, "标题", "春季新品促销");
    answer(&mut p, "目标", "新品认知与首购");
    // A name works where an id is asked for.
    answer(&mut p, "负责人", "李娜");
    answer(&mut p, "总预算（元）", "8万");
    answer(&mut p, "弹性预算（80000 的 10–15%：8000–12000）", "");
    answer(&mut p, "渠道投放", "4.5万");
    answer(&mut p, "内容制作", "1.5万");
    answer(&mut p, "活动执行", "");
    answer(&mut p, "预热", "");
    answer(&mut p, "爆发", "");
    answer(&mut p, "长尾", "");
    answer(&mut p, "渠道（NAME=YUAN", "wechat=20000，douyin=15000");
    expect(
        &mut p,
        "写入 campaigns/2026/春季促销-2026-04V1/campaign.toml？",
    );
    p.send("y").unwrap();
    p.flush().unwrap();
    let rest = p.exp_eof().unwrap_or_default();
    let wait = p.process_mut().wait().unwrap();
    assert!(matches!(wait, WaitStatus::Exited(_, 0)), "{wait:?}");
    // The terminal is read a byte at a time, each byte as one char.
    let bytes: Vec<u8> = rest.chars().map(|c| c as u32 as u8).collect();
    let shown = String::from_utf8_lossy(&bytes).replace('\r', "");
    let mut screen = settings(&t);
    // What the terminal is told (cursor, clear line) is not what it shows.
    screen.add_filter(r"\x1b\[[0-9;?]*[A-Za-z]", "");
    screen.bind(|| insta::assert_snapshot!("zh-new-campaign-pty", shown));
    let plan = t.read("campaigns/2026/春季促销-2026-04V1/campaign.toml");
    for line in ["owner = \"li.na\"", "total = 80000", "channel = 45000"] {
        assert!(plan.contains(line), "`{line}` not in:\n{plan}");
    }
}

/// The JSON of lint, status, verify and report is the same, byte for byte,
/// under a Chinese and a C locale.
#[test]
fn json_is_the_same_bytes_in_both_languages() {
    let t = TestRepo::example();
    for args in [
        &["lint", "--format", "json"][..],
        &["status", "--format", "json"],
        &["verify", "--format", "json"],
        &["report", "--quarter", "2026Q3", "--format", "json"],
    ] {
        let run = |lang: &str| {
            let out = t
                .mkt(args)
                .args(["--today", TOUR_DAY])
                .env("LANG", lang)
                .output()
                .unwrap();
            assert!(
                !out.stdout.is_empty(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            (out.status.code(), out.stdout)
        };
        let (zh, en) = (run("zh_CN.UTF-8"), run("C"));
        assert_eq!(zh.0, en.0, "{args:?}");
        assert!(
            zh.1 == en.1,
            "{args:?} differs:\n{}\n---\n{}",
            String::from_utf8_lossy(&zh.1),
            String::from_utf8_lossy(&en.1)
        );
    }
}
