//! What a Chinese keyboard types (issue 13): records that use the Chinese
//! names of fixed words, and amounts as people write them, read as the ids.

use crate::common::*;

/// A department with a campaign and its meetings, the fixed words written
/// by `words` (the ids, or their Chinese names).
fn department(chinese: bool) -> TestRepo {
    let t = TestRepo::with_team();
    let id = "春季促销-2026-03V1";
    let plan = t.write_standard_campaign(id, "2026-03-01", "2026-03-31");
    if chinese {
        for (en, zh) in [
            ("channel", "渠道投放"),
            ("content", "内容制作"),
            ("event", "活动执行"),
            ("reserve", "弹性预算"),
        ] {
            t.replace(&plan, &format!("\n{en} = "), &format!("\n\"{zh}\" = "));
        }
    }
    t.commit_all("plan", "2026-02-10T10:00:00+08:00");
    for (kind, zh, at) in [
        ("kickoff", "启动会", "2026-02-25T10:00:00+08:00"),
        ("review", "中期评审", "2026-03-15T10:00:00+08:00"),
        ("closing", "结项会", "2026-04-05T10:00:00+08:00"),
    ] {
        let path = t.write_minutes(Some(id), kind, at);
        if chinese {
            t.replace(
                &path,
                &format!("kind = \"{kind}\""),
                &format!("kind = \"{zh}\""),
            );
        }
        t.commit_all(&format!("minutes: {kind}"), at);
    }
    t
}

#[test]
fn records_may_name_fixed_words_in_chinese() {
    let english = department(false);
    let chinese = department(true);
    assert!(
        chinese
            .read("campaigns/春季促销-2026-03V1/campaign.toml")
            .contains("\"渠道投放\" = ")
    );
    let mut compared = 0;
    for today in ["2026-02-20", "2026-03-05", "2026-04-30"] {
        let (en, zh) = (english.lint_json(today), chinese.lint_json(today));
        compared += findings_all(&en).len();
        assert_eq!(keyed(&zh), keyed(&en), "{today}");
    }
    assert!(compared > 0, "the department has findings to compare");
}

#[test]
fn amounts_in_records_as_people_write_them() {
    let t = TestRepo::with_team();
    let id = "春季促销-2026-03V1";
    t.write_standard_campaign(id, "2026-03-01", "2026-03-31");
    let plan = format!("campaigns/{id}/campaign.toml");
    let exact = t.lint_json("2026-02-01");
    t.replace(&plan, "total = 80000", "total = \"8万\"");
    t.replace(&plan, "channel = 45000", "channel = \"¥45,000\"");
    t.replace(&plan, "content = 15000", "content = \"1.5万元\"");
    assert_eq!(keyed(&t.lint_json("2026-02-01")), keyed(&exact));
    t.replace(&plan, "\"1.5万元\"", "\"1.5千\"");
    let json = t.lint_json("2026-02-01");
    assert_eq!(findings(&json, "F002").len(), 1, "{json:#}");
}

/// `mkt new-campaign` with `args`, in a fresh department; the file written.
fn planned_with(args: &[&str]) -> String {
    let t = TestRepo::with_team();
    let mut all = vec![
        "new-campaign",
        "--name",
        "春季促销",
        "--end",
        "2027-03-31",
        "--no-input",
    ];
    all.extend_from_slice(args);
    let out = t.mkt(&all).env("MKT_TODAY", "2027-01-05").output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    t.read("campaigns/2027/春季促销-2027-03V1/campaign.toml")
}

#[test]
fn a_plan_typed_on_a_chinese_keyboard_is_the_same_file() {
    let ascii = planned_with(&[
        "--owner",
        "zhao.lei",
        "--budget",
        "80000",
        "--allocation",
        "channel=45000,content=15000,event=10000,reserve=10000",
        "--start",
        "2027-03-01",
    ]);
    let chinese = planned_with(&[
        "--owner",
        "赵磊",
        "--budget",
        "8万",
        "--allocation",
        "渠道投放=4.5万，内容制作=1.5万，活动执行=1万，弹性预算=1万",
        "--start",
        "2027/3/1",
    ]);
    assert_eq!(chinese, ascii);
    let also = planned_with(&[
        "--owner",
        "ｚｈａｏ.ｌｅｉ",
        "--budget",
        "¥80,000",
        "--allocation",
        "channel=45,000、content=15,000",
        "--allocation",
        "event=10000；reserve=10000",
        "--start",
        "2027年3月1日",
    ]);
    assert_eq!(also, ascii);
}

#[test]
fn kpi_targets_typed_on_a_chinese_keyboard_are_written_under_targets() {
    let base = [
        "--owner",
        "zhao.lei",
        "--budget",
        "80000",
        "--allocation",
        "channel=45000,content=15000,event=10000,reserve=10000",
        "--start",
        "2027-03-01",
    ];
    let with = |targets: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(targets);
        planned_with(&args)
    };
    let ascii = with(&["--target", "exposure=1000000", "--target", "ctr=2%,roi=3.0"]);
    let chinese = with(&["--target", "曝光=100万，点击率＝２％、投资回报率=3.0"]);
    assert_eq!(chinese, ascii);
    let plan: toml::Table = toml::from_str(&ascii).unwrap();
    let targets = plan["targets"].as_table().unwrap();
    assert_eq!(targets["exposure"].as_integer(), Some(1_000_000));
    assert_eq!(targets["ctr"].as_str(), Some("2%"));
    assert_eq!(targets["roi"].as_str(), Some("3.0"));
    assert_eq!(targets.len(), 3, "{ascii}");
    // The template's comments stay, for the targets not set.
    assert!(ascii.contains("# repurchase_rate = \"15%\""), "{ascii}");
    // Without --target, the plan has none.
    let none: toml::Table = toml::from_str(&with(&[])).unwrap();
    assert!(none["targets"].as_table().unwrap().is_empty());

    // A KPI no plan has, or a value that is not one, writes nothing.
    let t = TestRepo::with_team();
    for (target, says) in [
        ("粉丝=3000", "`粉丝` is not a KPI a plan can target"),
        (
            "曝光=很多",
            "target exposure = `很多`: write a whole number",
        ),
    ] {
        let mut args = vec!["new-campaign", "--name", "春季促销", "--end", "2027-03-31"];
        args.extend_from_slice(&base);
        args.extend_from_slice(&["--target", target, "--no-input"]);
        let out = t
            .mkt(&args)
            .env("MKT_TODAY", "2027-01-05")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
        assert!(!t.path("campaigns/2027/春季促销-2027-03V1").exists());
    }
    // In Chinese, the refusal names --target (not another option).
    args_zh(&t, &base);
}

fn args_zh(t: &TestRepo, base: &[&str]) {
    let mut args = vec!["new-campaign", "--name", "春季促销", "--end", "2027-03-31"];
    args.extend_from_slice(base);
    args.extend_from_slice(&["--target", "粉丝=3000", "--no-input"]);
    let out = t
        .mkt(&args)
        .env("MKT_TODAY", "2027-01-05")
        .env("MKT_LANG", "zh-CN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "参数 '--target <KPI=VALUE>' 的值 '粉丝=3000' 无效：`粉丝` 不是方案可设的 KPI 目标"
        ),
        "{err}"
    );
}

#[test]
fn an_impossible_date_says_why() {
    let t = TestRepo::with_team();
    let out = t.mkt(["status", "--today", "2027-02-30"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2027-02 has 28 days, not 30"), "{err}");
}

#[test]
fn a_record_naming_a_person_by_name_is_told_the_id_to_write() {
    let t = TestRepo::with_team();
    let id = "春季促销-2026-03V1";
    let plan = t.write_standard_campaign(id, "2026-03-01", "2026-03-31");
    t.replace(&plan, "owner = \"li.na\"", "owner = \"赵磊\"");
    let json = t.lint_json("2026-02-01");
    let f = findings(&json, "F004");
    assert_eq!(f.len(), 1, "{json:#}");
    assert_eq!(
        f[0]["help"],
        "records name people by id: write owner = \"zhao.lei\" (赵磊)"
    );
}
