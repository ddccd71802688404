//! Names as people type them (issue 13): a campaign by prefix or name, a
//! person by name or id, rule codes as typed, and "did you mean" for each;
//! records that name a person by name are told the id to write.

use crate::common::*;

/// `mkt ARGS` on `t`: exit code, stdout, stderr.
fn run(t: &TestRepo, lang: &str, args: &[&str]) -> (i32, String, String) {
    let out = t
        .mkt(args)
        .env("MKT_LANG", lang)
        .output()
        .expect("mkt runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    )
}

/// The example department, with a second person named 李娜 (in the
/// channel group) when `twin`.
fn example(twin: bool) -> TestRepo {
    let t = TestRepo::example();
    if twin {
        let team = t.read("team.toml");
        t.write(
            "team.toml",
            &format!(
                "{team}\n[[people]]\nid = \"li.na2\"\nname = \"李娜\"\nroles = [\"specialist\"]\ngroup = \"channel\"\n"
            ),
        );
    }
    t
}

#[test]
fn rule_codes_are_found_as_typed() {
    let t = example(false);
    for typed in ["B002", "b02", "B2", "Ｂ００２", "reserve-range"] {
        let (code, out, err) = run(&t, "en", &["explain", typed]);
        assert_eq!(code, 0, "{typed}: {err}");
        assert!(out.starts_with("B002 reserve-range"), "{typed}: {out}");
    }
    let (code, _, err) = run(&t, "en", &["explain", "B0002"]);
    assert_eq!(code, 2);
    assert!(err.contains("there is no rule `B0002`"), "{err}");
    assert!(err.contains("did you mean B002 (reserve-range)?"), "{err}");
    let (code, _, err) = run(&t, "zh-CN", &["explain", "reserve-rang"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("您是不是要找 B002（reserve-range）？"),
        "{err}"
    );
    // Nothing near: the list is pointed to, no guess.
    let (_, _, err) = run(&t, "en", &["explain", "zzz"]);
    assert!(!err.contains("did you mean"), "{err}");
}

#[test]
fn a_campaign_is_found_by_prefix_or_name_and_the_id_taken_is_said() {
    let t = example(false);
    let at = "--held-at=2026-10-01T10:00";
    // A name without date and version, stray spaces and full width forgiven.
    for typed in [
        "双十一预热",
        " 双十一 ",
        "双十一预热 2026-10",
        "双十一预热－２０２６",
    ] {
        let (code, out, err) = run(
            &t,
            "en",
            &["new-minutes", "--kind", "kickoff", "--campaign", typed, at],
        );
        assert_eq!(code, 0, "{typed}: {err}");
        assert!(
            err.contains(&format!("`{}` is 双十一预热-2026-10V1", typed.trim())),
            "{typed}: {err}"
        );
        let path = out.trim();
        assert_eq!(
            path,
            "campaigns/双十一预热-2026-10V1/minutes/2026-10-01-kickoff.toml"
        );
        t.remove(path);
    }
}

#[test]
fn the_live_plan_is_the_latest_version_not_superseded() {
    let t = example(false);
    let (code, out, err) = run(
        &t,
        "en",
        &[
            "new-minutes",
            "--kind",
            "review",
            "--campaign",
            "春季促销",
            "--held-at",
            "2026-03-10T10:00",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("`春季促销` is 春季促销-2026-03V2, the live version (not 春季促销-2026-03V1)"),
        "{err}"
    );
    assert!(
        out.starts_with("campaigns/春季促销-2026-03V2/minutes/"),
        "{out}"
    );
    // revise takes the live plan too, and says so in Chinese.
    let (code, out, err) = run(&t, "zh-CN", &["revise", "春季"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("`春季` 取当前有效版本 春季促销-2026-03V2（而非 春季促销-2026-03V1）"),
        "{err}"
    );
    assert_eq!(
        out.trim(),
        "campaigns/2026/春季促销-2026-03V3/campaign.toml"
    );
}

#[test]
fn one_exact_version_is_not_guessed() {
    let t = example(false);
    // attribution reads one version's touchpoints: two versions match.
    let (code, out, err) = run(&t, "en", &["attribution", "春季促销"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("`春季促销` matches 2 campaigns"), "{err}");
    assert!(err.contains("name one by its full ID:"), "{err}");
    assert!(err.contains("  春季促销-2026-03V1 春季新品促销\n"), "{err}");
    assert!(err.contains("  春季促销-2026-03V2 "), "{err}");
    let (code, _, err) = run(&t, "zh-CN", &["attribution", "春季促销"]);
    assert_eq!(code, 2);
    assert!(err.contains("`春季促销` 对应 2 个活动"), "{err}");
    assert!(err.contains("请写出完整的活动 ID："), "{err}");
}

#[test]
fn several_campaigns_of_one_name_are_listed_even_for_the_live_plan() {
    let t = example(false);
    // Next year's 中秋礼盒: another campaign, not another version.
    let plan = t.read("campaigns/中秋礼盒-2026-09V1/campaign.toml");
    t.write(
        "campaigns/中秋礼盒-2027-09V1/campaign.toml",
        &plan.replace("中秋礼盒-2026-09V1", "中秋礼盒-2027-09V1"),
    );
    let before = t.git(&["status", "--porcelain"]);
    let (code, out, err) = run(
        &t,
        "en",
        &[
            "new-minutes",
            "--kind",
            "review",
            "--campaign",
            "中秋礼盒",
            "--held-at",
            "2026-09-16T10:00",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("`中秋礼盒` matches 2 campaigns"), "{err}");
    assert!(err.contains("  中秋礼盒-2026-09V1 "), "{err}");
    assert!(err.contains("  中秋礼盒-2027-09V1 "), "{err}");
    assert_eq!(t.git(&["status", "--porcelain"]), before, "nothing written");
}

#[test]
fn an_unknown_campaign_suggests_the_closest() {
    let t = example(false);
    // 春节 for 春季: the name is near, the live version is suggested.
    let (code, _, err) = run(&t, "en", &["attribution", "春节促销"]);
    assert_eq!(code, 2);
    assert!(err.contains("there is no campaign `春节促销`"), "{err}");
    assert!(err.contains("did you mean `春季促销-2026-03V2`?"), "{err}");
    let (code, _, err) = run(
        &t,
        "zh-CN",
        &["contract", "open", "中秋礼合-2026-09V1", "x.pdf"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("没有活动 `中秋礼合-2026-09V1`"), "{err}");
    assert!(err.contains("`中秋礼盒-2026-09V1`"), "{err}");
}

#[test]
fn people_are_named_by_name_or_id_and_files_get_ids() {
    let t = example(false);
    let (code, out, err) = run(
        &t,
        "en",
        &[
            "new-minutes",
            "--kind",
            "启动会",
            "--campaign",
            "双十一预热-2026-10V1",
            "--held-at",
            "2026-10-01T10:00",
            "--attendees",
            "赵磊、李娜，wang.fang",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let text = t.read(out.trim());
    assert!(text.contains("kind = \"kickoff\""), "{text}");
    assert!(
        text.contains("attendees = [\"zhao.lei\", \"li.na\", \"wang.fang\"]"),
        "{text}"
    );
    let (code, out, err) = run(&t, "en", &["status", "--person", "赵磊"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("due for zhao.lei"), "{out}");
}

#[test]
fn a_mistyped_person_or_kind_suggests_the_one_meant() {
    let t = example(false);
    let (code, _, err) = run(&t, "en", &["status", "--person", "赵雷"]);
    assert_eq!(code, 2);
    assert!(err.contains("person `赵雷` is not in team.toml"), "{err}");
    assert!(err.contains("did you mean `zhao.lei`? (赵磊)"), "{err}");
    let (_, _, err) = run(&t, "zh-CN", &["status", "--person", "zhaolei"]);
    assert!(err.contains("您是不是要找 `zhao.lei`？（赵磊）"), "{err}");
    let (code, _, err) = run(
        &t,
        "en",
        &[
            "new-minutes",
            "--kind",
            "启动",
            "--campaign",
            "双十一预热-2026-10V1",
            "--held-at",
            "2026-10-01T10:00",
            "--attendees",
            "赵雷",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("`启动` is not a meeting kind"), "{err}");
    assert!(err.contains("did you mean `kickoff` (启动会)?"), "{err}");
    let (code, _, err) = run(
        &t,
        "en",
        &[
            "new-minutes",
            "--kind",
            "kickoff",
            "--campaign",
            "双十一预热-2026-10V1",
            "--held-at",
            "2026-10-01T10:00",
            "--attendees",
            "li.na,赵雷",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("attendee `赵雷` is not in team.toml"), "{err}");
    assert!(err.contains("did you mean `zhao.lei`? (赵磊)"), "{err}");
}

#[test]
fn an_ambiguous_name_lists_the_people_it_could_be() {
    let t = example(true);
    let (code, out, err) = run(&t, "en", &["status", "--person", "李娜"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("person `李娜` could be more than one person in team.toml"),
        "{err}"
    );
    assert!(
        err.contains("name one by id:\n  li.na 李娜 (content)\n  li.na2 李娜 (channel)"),
        "{err}"
    );
    let (code, _, err) = run(&t, "zh-CN", &["status", "--person", "李娜"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("请用 id 指明其中一人：\n  li.na 李娜（内容组）\n  li.na2 李娜（渠道组）"),
        "{err}"
    );
    // The id is never ambiguous.
    let (code, _, err) = run(&t, "en", &["status", "--person", "li.na2"]);
    assert_eq!(code, 0, "{err}");
}

/// The plan's own owner (not its phases') written as `who`.
fn owner_is(t: &TestRepo, plan: &str, who: &str) {
    let text = t.read(plan);
    let text = text.replacen("owner = \"liu.yang\"", &format!("owner = \"{who}\""), 1);
    t.write(plan, &text);
}

/// The F004 help of the finding at `file`, in JSON.
fn f004_help(t: &TestRepo, file: &str) -> Vec<String> {
    let (_, json) = t.lint_run("2026-11-25");
    findings(&json, "F004")
        .iter()
        .filter(|f| f["file"] == file)
        .map(|f| f["help"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_record_naming_a_person_by_name_is_told_the_id_to_write() {
    let t = example(false);
    let plan = "campaigns/618年中大促-2026-06V1/campaign.toml";
    owner_is(&t, plan, "刘洋");
    let help = f004_help(&t, plan);
    assert_eq!(help.len(), 1, "{help:?}");
    assert!(help[0].contains("write owner = \"liu.yang\""), "{help:?}");
    assert!(!help[0].contains("team.toml"), "{help:?}");
    let kickoff = "campaigns/中秋礼盒-2026-09V1/minutes/2026-08-27-kickoff.toml";
    let text = t.read(kickoff);
    let first = text
        .lines()
        .find(|l| l.starts_with("attendees"))
        .and_then(|l| l.split('"').nth(1))
        .expect("an attendee")
        .to_string();
    let name = match first.as_str() {
        "li.na" => "李娜",
        "zhao.lei" => "赵磊",
        "wang.fang" => "王芳",
        "liu.yang" => "刘洋",
        "chen.jing" => "陈静",
        other => panic!("add {other}'s name here"),
    };
    t.replace(kickoff, &format!("[\"{first}\""), &format!("[\"{name}\""));
    assert_eq!(
        f004_help(&t, kickoff),
        [format!(
            "records name people by id: write \"{first}\" for {name} in attendees"
        )]
    );
    let out = t
        .mkt(["lint", "--today", "2026-11-25"])
        .env("MKT_LANG", "zh-CN")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("记录中用 id 指明人员：请写成 owner = \"liu.yang\"（刘洋）"),
        "{text}"
    );
    assert!(
        text.contains(&format!("请在 attendees 中把 {name} 写成 \"{first}\"")),
        "{text}"
    );
}

#[test]
fn a_record_naming_an_ambiguous_name_lists_the_candidates() {
    let t = example(true);
    let plan = "campaigns/618年中大促-2026-06V1/campaign.toml";
    owner_is(&t, plan, "李娜");
    let help = f004_help(&t, plan);
    assert_eq!(
        help,
        [
            "`李娜` is the name of more than one person in team.toml: write the id of the one meant in owner:\n  li.na 李娜 (content)\n  li.na2 李娜 (channel)"
        ]
    );
}

#[test]
fn approve_takes_a_campaign_by_name_and_a_stage_by_its_chinese_name() {
    let t = TestRepo::with_team();
    let id = "春季促销-2026-03V1";
    let plan = t.write_standard_campaign(id, "2026-03-01", "2026-03-31");
    // Owned by 赵磊, so that 李娜 (the supervisor) may approve it.
    let text = t
        .read(&plan)
        .replacen("owner = \"li.na\"", "owner = \"zhao.lei\"", 1);
    t.write(&plan, &text);
    t.commit_all("plan", "2026-02-10T10:00:00+08:00");
    let at = "2026-02-11T10:00:00+08:00";
    let out = t
        .mkt_as(
            "wang.fang",
            at,
            &["approve", "春季促销", "--stage", "总监监"],
        )
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("`总监监` is not a step of this chain"),
        "{err}"
    );
    assert!(err.contains("did you mean `director` (总监)?"), "{err}");
    let out = t
        .mkt_as("wang.fang", at, &["approve", "春季促销", "--stage", "总监"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains(&format!("`春季促销` is {id}")), "{err}");
    let files = t.git(&["show", "--name-only", "--format=", "HEAD"]);
    assert!(
        files.starts_with(&format!("campaigns/{id}/approvals/")),
        "{files}"
    );
}

#[test]
fn a_mistyped_budget_category_is_told_the_one_meant() {
    let t = example(false);
    let args = [
        "new-campaign",
        "--name",
        "测试",
        "--start",
        "2027/3/1",
        "--end",
        "2027-03-31",
        "--owner",
        "李娜",
        "--budget",
        "8万",
        "--allocation",
        "渠道投=4.5万，内容制作=1.5万，活动执行=1万，弹性预算=1万",
        "--title",
        "测试活动",
        "--no-input",
    ];
    let (code, out, err) = run(&t, "en", &args);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("`渠道投` is not a budget category"), "{err}");
    assert!(err.contains("did you mean `channel` (渠道投放)?"), "{err}");
    let (_, _, err) = run(&t, "zh-CN", &args);
    assert!(
        err.contains("您是不是要找 `channel`（渠道投放）？"),
        "{err}"
    );
}

#[test]
fn an_incident_takes_its_owner_by_name_and_its_campaign_by_name() {
    let t = example(false);
    let (code, out, err) = run(
        &t,
        "en",
        &[
            "new-incident",
            "--title",
            "测试舆情",
            "--detected-at",
            "2026-02-19 20:00",
            "--level",
            "major",
            "--owner",
            "赵磊",
            "--campaign",
            "舆情",
            "--no-input",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("`舆情` is 舆情应对-2026-05V1"), "{err}");
    let text = t.read(out.trim());
    assert!(text.contains("\nowner = \"zhao.lei\""), "{text}");
    assert!(
        text.contains("\ncampaign = \"舆情应对-2026-05V1\""),
        "{text}"
    );
}
