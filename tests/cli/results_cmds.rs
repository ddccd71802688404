//! Results without TOML (issue 14, part 5): `mkt spend add`, `mkt results
//! set` and `mkt results import` write a campaign's results.toml as a
//! person would (comments kept), commit nothing, and leave lint green.

use std::process::Output;

use serde_json::Value;

use crate::common::*;

const TODAY: &str = "2026-11-25";
/// An example campaign with no results.toml yet, starting in December.
const DEC: &str = "元旦跨年-2026-12V1";
/// An example campaign with results and channel figures.
const SUMMER: &str = "夏日清凉-2026-07V1";

fn example() -> TestRepo {
    let mut t = TestRepo::example();
    t.today = TODAY.to_string();
    green(&t);
    t
}

/// Lint exits 0 (the example's warnings stay as they are) and finds
/// nothing in any results.toml.
fn green(t: &TestRepo) {
    let json = t.lint_expect(TODAY, 0);
    let on_results: Vec<Value> = findings_all(&json)
        .into_iter()
        .filter(|f| {
            f["file"]
                .as_str()
                .is_some_and(|p| p.ends_with("results.toml"))
        })
        .collect();
    assert!(on_results.is_empty(), "{on_results:#?}");
}

fn run(t: &TestRepo, lang: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = t.mkt(args);
    if let Some(l) = lang {
        cmd.env("MKT_LANG", l);
    }
    cmd.output().expect("mkt runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn ok(t: &TestRepo, args: &[&str]) -> Output {
    let o = run(t, None, args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}\nstdout: {}\nstderr: {}",
        stdout(&o),
        stderr(&o)
    );
    o
}

fn results_path(id: &str) -> String {
    format!("campaigns/{id}/results.toml")
}

/// An export as a platform gives it: Chinese headers, a unit in brackets,
/// thousands quoted, a column mkt leaves out, a total row.
const EXPORT: &str = "日期,渠道,展示数,点击,转化,消耗(元),点击率\r\n\
2026/12/20,抖音,\"120,000\",3400,210,\"5,200.50\",2.83%\r\n\
2026-12-21,wechat,80000,2000,100,3000,2.50%\r\n\
合计,,200000,5400,310,8200.50,2.70%\r\n";

#[test]
fn a_gbk_and_a_utf8_bom_export_make_the_same_results() {
    let t = example();
    let head = t.git(&["rev-parse", "HEAD"]);
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(EXPORT);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "the GBK bytes are not UTF-8"
    );
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(EXPORT.as_bytes());
    let mut written = Vec::new();
    for (folder, bytes, encoding) in [("gbk", &gbk[..], "GBK"), ("bom", &bom[..], "UTF-8 BOM")] {
        // Outside the repository, as a download is; the same file name.
        let dir = t.tmp().join(folder);
        std::fs::create_dir_all(&dir).unwrap();
        let csv = dir.join("巨量引擎.csv");
        std::fs::write(&csv, bytes).unwrap();
        let csv = csv.to_str().unwrap();
        let dry = ok(&t, &["results", "import", DEC, csv, "--dry-run"]);
        assert!(!t.path(&results_path(DEC)).exists(), "--dry-run wrote");
        assert!(
            stderr(&dry).contains("nothing was written"),
            "{}",
            stderr(&dry)
        );
        let o = ok(&t, &["results", "import", DEC, csv]);
        let (out, err) = (stdout(&o), stderr(&o));
        assert!(err.contains(&format!("({encoding})")), "{err}");
        assert!(err.contains("消耗(元) → cost"), "{err}");
        assert!(err.contains("left out: 点击率"), "{err}");
        assert!(err.contains("line 4 is a total row"), "{err}");
        assert!(err.contains("commit it with git commit"), "{err}");
        // The table: each row by its line, then the totals.
        assert!(out.contains("| 抖音"), "{out}");
        let total = out
            .lines()
            .find(|l| l.contains("total"))
            .expect("a totals row");
        for n in ["200000", "5400", "310", "8200.50"] {
            assert!(total.contains(n), "{total}");
        }
        green(&t);
        written.push(t.read(&results_path(DEC)));
        t.remove(&results_path(DEC));
    }
    assert_eq!(written[0], written[1], "GBK and UTF-8 BOM read differently");
    let text = &written[0];
    for want in [
        "date = 2026-12-20\ncategory = \"channel\"\nchannel = \"抖音\"\namount = \"5200.50\"",
        "date = 2026-12-21\ncategory = \"channel\"\nchannel = \"wechat\"\namount = 3000",
        "[kpi]\nexposure = 200000\nclicks = 5400\nconversions = 310\n",
        "[[channel_kpi]]\nchannel = \"抖音\"\nexposure = 120000\nclicks = 3400\nconversions = 210\n",
        "[[channel_kpi]]\nchannel = \"wechat\"\nexposure = 80000\nclicks = 2000\nconversions = 100\n",
    ] {
        assert!(text.contains(want), "no `{want}` in:\n{text}");
    }
    assert!(!text.contains("合计") && !text.contains("2.83"), "{text}");
    // Nothing was committed: results need no approval.
    assert_eq!(t.git(&["rev-parse", "HEAD"]), head);
}

#[test]
fn an_import_adds_to_what_is_recorded_and_not_twice() {
    let t = example();
    let before = t.read(&results_path(SUMMER));
    let csv = t.tmp().join("朋友圈广告.csv");
    std::fs::write(
        &csv,
        "date,impressions,clicks,cost\n2026-08-01,1000,20,500\n",
    )
    .unwrap();
    let csv = csv.to_str().unwrap();
    ok(
        &t,
        &["results", "import", SUMMER, csv, "--channel", "wechat"],
    );
    let after = t.read(&results_path(SUMMER));
    assert!(
        after.contains("note = \"imported from 朋友圈广告.csv line 2\""),
        "{after}"
    );
    assert_eq!(after.lines().count(), before.lines().count() + 7, "{after}");
    // The campaign's wechat figures were 230000 exposure, 4400 clicks.
    assert!(
        after.contains("channel = \"wechat\"\nexposure = 231000\nclicks = 4420\n"),
        "{after}"
    );
    green(&t);
    let again = run(
        &t,
        None,
        &["results", "import", SUMMER, csv, "--channel", "wechat"],
    );
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("imported before"),
        "{}",
        stderr(&again)
    );
    assert_eq!(t.read(&results_path(SUMMER)), after);
}

#[test]
fn a_row_that_cannot_be_read_is_refused_with_its_line() {
    let t = example();
    let csv = t.tmp().join("export.csv");
    std::fs::write(
        &csv,
        "日期,点击,花费\n2026-12-20,10,100\n2026-12-21,十,100\n2026-02-30,1,1\n",
    )
    .unwrap();
    let csv = csv.to_str().unwrap();
    for (lang, wants) in [
        (
            None,
            [
                "export.csv:3: 点击 `十` is not a whole number",
                "export.csv:4:",
                "nothing was written",
            ],
        ),
        (
            Some("zh-CN"),
            [
                "export.csv 第 3 行：点击 `十` 不是整数",
                "第 4 行",
                "未写入",
            ],
        ),
    ] {
        let o = run(&t, lang, &["results", "import", DEC, csv]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        for want in wants {
            assert!(stderr(&o).contains(want), "no `{want}` in {}", stderr(&o));
        }
        assert!(
            !t.path(&results_path(DEC)).exists(),
            "a refused import wrote"
        );
    }
    // A file with no column mkt knows cannot run at all: exit 2.
    std::fs::write(t.tmp().join("x.csv"), "a,b\n1,2\n").unwrap();
    let o = run(
        &t,
        None,
        &[
            "results",
            "import",
            DEC,
            t.tmp().join("x.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("[import]"), "{}", stderr(&o));
    green(&t);
}

/// A draft campaign with room for an 8万 channel spend.
fn with_big_campaign() -> (TestRepo, &'static str) {
    let t = example();
    let id = "年货节-2027-01V1";
    t.write(
        &format!("campaigns/{id}/campaign.toml"),
        &(campaign_toml(
            id,
            "2027-01-10",
            "2027-01-31",
            "li.na",
            200000,
            &[
                ("channel", 120000),
                ("content", 30000),
                ("event", 25000),
                ("reserve", 25000),
            ],
        ) + &campaign_plan("2027-01-10", "2027-01-31")),
    );
    green(&t);
    (t, id)
}

#[test]
fn spend_as_a_chinese_keyboard_types_it_is_the_same_spend() {
    let (t, id) = with_big_campaign();
    let mut written = Vec::new();
    for (amount, category, date) in [
        ("8万", "渠道投放", "2027/1/12"),
        ("80000", "channel", "2027-01-12"),
        ("¥80,000", "channel", "2027年1月12日"),
    ] {
        let o = ok(
            &t,
            &[
                "spend",
                "add",
                id,
                "--amount",
                amount,
                "--category",
                category,
                "--channel",
                "douyin",
                "--date",
                date,
                "--note",
                "信息流首轮",
            ],
        );
        assert!(
            stderr(&o).contains("commit it with git commit"),
            "{}",
            stderr(&o)
        );
        green(&t);
        written.push(t.read(&results_path(id)));
        t.remove(&results_path(id));
    }
    assert_eq!(written[0], written[1]);
    assert_eq!(written[0], written[2]);
    assert!(
        written[0].contains(
            "[[spend]]\ndate = 2027-01-12\ncategory = \"channel\"\nchannel = \"douyin\"\namount = 80000\nnote = \"信息流首轮\"\n"
        ),
        "{}",
        written[0]
    );
    // The file is as any new file is under the umask.
    ok(
        &t,
        &[
            "spend",
            "add",
            id,
            "--amount",
            "4.5万",
            "--category",
            "内容制作",
        ],
    );
    let text = t.read(&results_path(id));
    assert!(
        text.contains("date = 2026-11-25\ncategory = \"content\"\namount = 45000\n"),
        "{text}"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(t.path(&results_path(id)))
        .unwrap()
        .permissions()
        .mode();
    let umask = unsafe {
        let m = libc::umask(0o022);
        libc::umask(m);
        m
    } as u32;
    assert_eq!(mode & 0o777, 0o666 & !umask);
    // In Chinese; and what cannot be a spend is refused before writing.
    let zh = run(
        &t,
        Some("zh-CN"),
        &["spend", "add", id, "--amount", "1万", "--category", "活动"],
    );
    assert_eq!(zh.status.code(), Some(0), "{}", stderr(&zh));
    assert!(stderr(&zh).contains("已记录"), "{}", stderr(&zh));
    assert!(
        stderr(&zh).contains("结果无需审批：用 git commit 提交"),
        "{}",
        stderr(&zh)
    );
    let before = t.read(&results_path(id));
    for (amount, category, want) in [
        ("8万元整", "channel", "is not an amount"),
        ("8万", "广告", "is not a budget category"),
        ("0", "channel", "records nothing"),
    ] {
        let o = run(
            &t,
            None,
            &[
                "spend",
                "add",
                id,
                "--amount",
                amount,
                "--category",
                category,
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(want), "{}", stderr(&o));
    }
    let o = run(
        &t,
        Some("zh-CN"),
        &["spend", "add", id, "--amount", "8万", "--category", "广告"],
    );
    assert!(
        stderr(&o).contains("不是 policy.toml 中的预算类别"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("渠道投放"), "{}", stderr(&o));
    let o = run(
        &t,
        None,
        &[
            "spend",
            "add",
            "年货节-2027-02V1",
            "--amount",
            "8万",
            "--category",
            "channel",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(t.read(&results_path(id)), before);
    green(&t);
}

#[test]
fn an_overspend_is_recorded_and_lint_names_it() {
    let t = example();
    let o = run(
        &t,
        None,
        &[
            "spend",
            "add",
            DEC,
            "--amount",
            "5万",
            "--category",
            "channel",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("B003"), "{}", stderr(&o));
    assert!(t.read(&results_path(DEC)).contains("amount = 50000"));
}

#[test]
fn results_set_per_channel_keeps_the_file_as_it_was_written() {
    let t = example();
    let path = results_path(SUMMER);
    t.replace(&path, "[kpi]\n", "# 截至 8 月底\n[kpi]\n");
    let o = ok(
        &t,
        &[
            "results",
            "set",
            SUMMER,
            "--channel",
            "wechat",
            "曝光＝40万，点击＝9000",
            "revenue=3.5万",
        ],
    );
    assert!(
        stderr(&o).contains("channel wechat exposure: 230000 → 400000"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("commit it with git commit"),
        "{}",
        stderr(&o)
    );
    let text = t.read(&path);
    assert!(text.contains("# 截至 8 月底\n[kpi]\n"), "{text}");
    assert!(
        text.contains("channel = \"wechat\"\nexposure = 400000\nclicks = 9000\nconversions = 550\nrevenue = 35000\n"),
        "{text}"
    );
    green(&t);
    // A channel not yet there is added; the campaign's totals by plain keys.
    ok(
        &t,
        &[
            "results",
            "set",
            SUMMER,
            "--channel",
            "bilibili",
            "clicks=1,200",
        ],
    );
    ok(
        &t,
        &[
            "results",
            "set",
            SUMMER,
            "conversions=2700",
            "复购率=１２％",
        ],
    );
    let text = t.read(&path);
    assert!(
        text.contains("[[channel_kpi]]\nchannel = \"bilibili\"\nclicks = 1200\n"),
        "{text}"
    );
    assert!(text.contains("conversions = 2700\n"), "{text}");
    assert!(text.contains("repurchase_rate = \"12%\"\n"), "{text}");
    green(&t);
    // In Chinese; and what is not a figure (or not a channel's) is refused.
    let zh = run(&t, Some("zh-CN"), &["results", "set", SUMMER, "点击=27000"]);
    assert_eq!(zh.status.code(), Some(0), "{}", stderr(&zh));
    assert!(
        stderr(&zh).contains("活动 clicks：26200 → 27000"),
        "{}",
        stderr(&zh)
    );
    assert!(stderr(&zh).contains("已写入"), "{}", stderr(&zh));
    let before = t.read(&path);
    for (args, want) in [
        (&["点击率=2%"][..], "is not a figure"),
        (&["clicks=many"][..], "is not a value for clicks"),
        (
            &["--channel", "wechat", "new_users=5"][..],
            "without --channel",
        ),
    ] {
        let mut all = vec!["results", "set", SUMMER];
        all.extend_from_slice(args);
        let o = run(&t, None, &all);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(want), "{}", stderr(&o));
    }
    let o = run(&t, Some("zh-CN"), &["results", "set", SUMMER, "点击率=2%"]);
    assert!(
        stderr(&o).contains("不是结果文件中的指标"),
        "{}",
        stderr(&o)
    );
    assert_eq!(t.read(&path), before);
}

#[test]
fn the_import_column_names_come_from_the_policy() {
    let t = example();
    t.replace(
        "policy.toml",
        "channel = [\"渠道\",",
        "channel = [\"投放账户\", \"渠道\",",
    );
    // An older policy without [import] loads too (the built-in names).
    let csv = t.tmp().join("a.csv");
    std::fs::write(&csv, "时间,投放账户,花费\n2026-12-20,wechat,100\n").unwrap();
    let csv = csv.to_str().unwrap();
    let o = ok(&t, &["results", "import", DEC, csv, "--dry-run"]);
    assert!(stderr(&o).contains("投放账户 → channel"), "{}", stderr(&o));
    let text = t.read("policy.toml");
    let cut = text
        .find("\n# `mkt results import")
        .expect("the [import] comment");
    t.write("policy.toml", &text[..cut + 1]);
    let o = ok(&t, &["results", "import", DEC, csv, "--dry-run"]);
    assert!(stderr(&o).contains("left out: 投放账户"), "{}", stderr(&o));
    // A name under two figures is a policy that cannot be used.
    t.write("policy.toml", &text);
    t.replace(
        "policy.toml",
        "clicks = [\"点击\",",
        "clicks = [\"消耗\", \"点击\",",
    );
    let o = run(&t, None, &["results", "import", DEC, csv, "--dry-run"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("消耗"), "{}", stderr(&o));
}
