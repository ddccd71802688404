//! The records of issue 16 part 3 end to end: binary copy signed off by
//! blob id (C003, F003), quarterly internal audits (D020, D021), monthly
//! self-reviews (D022, D023), the KOL/KOC archive (F004, P001, F002) and
//! cross-department contacts (D024), with `mkt new-audit`, `mkt
//! new-review` and `mkt new-partner`, on real repositories with real git,
//! real SSH keys and the real binary.

use crate::common::*;
use serde_json::Value;

const ID: &str = "春季促销-2026-03V1";
const LEGAL: &str = "sun.li";

fn message(f: &Value) -> String {
    f["message"].as_str().unwrap_or("").to_string()
}

/// A PNG's first bytes: binary, not UTF-8 (0x89, NUL bytes).
fn png(variant: u8) -> Vec<u8> {
    let mut b = vec![
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d,
    ];
    b.extend_from_slice(b"IHDR");
    b.extend_from_slice(&[
        0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, variant,
    ]);
    b.extend(std::iter::repeat_n(0xffu8, 64));
    b
}

// ------------------------------------------------------------ binary copy

#[test]
fn a_png_in_content_is_copy_signed_off_by_blob_id_and_verified() {
    let t = TestRepo::with_team();
    t.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    t.commit_all("plan: 春季促销", "2026-01-20T10:00:00+08:00");
    let poster = format!("campaigns/{ID}/content/主视觉海报.png");
    t.write_bytes(&poster, &png(1));
    t.commit_all("copy: 主视觉海报", "2026-02-20T10:00:00+08:00");

    // Not misplaced, not unreadable: copy that needs legal's sign-off.
    let json = t.lint_json("2026-03-02");
    assert_no(&json, "F003");
    assert_no(&json, "F001");
    assert_no(&json, "C001");
    let f = assert_one(&json, "C003", &poster, 1, 1, "error");
    assert!(message(&f).contains("no sign-off by legal"), "{f:#}");

    // Legal signs it off through the real `mkt sign-off`, by blob id.
    let file = t.sign_off(LEGAL, &poster, "2026-02-26T10:00:00+08:00");
    let approval = t.read(&file);
    let blob = t.git(&["rev-parse", &format!("HEAD:{poster}")]);
    assert!(
        approval.contains(&format!("subject_blob = \"{}\"", blob.trim())),
        "{approval}"
    );
    assert_no(&t.lint_json("2026-03-02"), "C003");
    let out = t.mkt(["verify"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    // A different picture under the same name: the sign-off is stale.
    t.write_bytes(&poster, &png(2));
    t.commit_all("copy: 换图", "2026-02-27T10:00:00+08:00");
    let json = t.lint_json("2026-03-02");
    let f = assert_one(&json, "C003", &poster, 1, 1, "error");
    assert!(message(&f).contains("stale"), "{f:#}");

    // Uncommitted bytes are refused, like uncommitted text.
    t.write_bytes(&poster, &png(3));
    let out = t
        .mkt_as(LEGAL, "2026-02-28T10:00:00+08:00", &["sign-off", &poster])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn office_files_and_video_are_copy_but_a_png_outside_content_is_misplaced() {
    let t = TestRepo::with_team();
    t.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    for name in ["投放方案.docx", "短视频.mp4", "海报.JPG", "说明.pdf"] {
        t.write_bytes(&format!("campaigns/{ID}/content/{name}"), &png(0));
    }
    t.write_bytes(&format!("campaigns/{ID}/海报.png"), &png(0));
    t.write_bytes(&format!("campaigns/{ID}/content/脚本.exe"), &png(0));
    t.commit_all("plan and copy", "2026-01-20T10:00:00+08:00");
    let json = t.lint_json("2026-02-10");
    let misplaced: Vec<String> = findings(&json, "F003")
        .iter()
        .map(|f| f["file"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        misplaced,
        [
            format!("campaigns/{ID}/content/脚本.exe"),
            format!("campaigns/{ID}/海报.png")
        ],
        "{json:#}"
    );
    assert_no(&json, "F001");
    // Started: each binary copy file needs its sign-off.
    let json = t.lint_json("2026-03-02");
    assert_eq!(findings(&json, "C003").len(), 4, "{json:#}");
}

// ------------------------------------------------------------ audits

fn audit(auditor: &str, held_on: &str, findings: &str) -> String {
    format!(
        "auditor = \"{auditor}\"\nheld_on = {held_on}\nscope = [\"审批流程\", \"合同加密\"]\nsummary = \"抽查 3 个活动\"\n{findings}"
    )
}

#[test]
fn every_quarter_from_the_first_audit_has_its_audit_by_the_due_day() {
    let t = TestRepo::with_team();
    t.write("audits/2026Q1.toml", &audit("sun.li", "2026-04-08", ""));
    t.commit_all("audit: 2026Q1", "2026-04-08T18:00:00+08:00");
    // Q2 is due 2026-07-15 (15 days after the quarter).
    t.assert_lint_clean("2026-07-15");
    let json = t.lint_expect("2026-07-16", 1);
    let f = assert_one(&json, "D020", "audits/2026Q2.toml", 1, 1, "error");
    assert_eq!(
        message(&f),
        "no internal audit of 2026Q2; it was due 2026-07-15"
    );

    // Filed late: a warning that stays on record.
    t.write("audits/2026Q2.toml", &audit("sun.li", "2026-07-17", ""));
    t.commit_all("audit: 2026Q2", "2026-07-17T18:00:00+08:00");
    let json = t.lint_expect("2026-07-20", 0);
    let f = assert_one(&json, "D020", "audits/2026Q2.toml", 1, 1, "warning");
    assert!(message(&f).contains("filed 2026-07-17"), "{f:#}");
}

#[test]
fn the_policy_can_say_from_which_quarter_audits_are_due() {
    let t = TestRepo::with_team();
    t.assert_lint_clean("2026-07-16");
    t.replace(
        "policy.toml",
        "audits_from = \"\"",
        "audits_from = \"2026Q1\"",
    );
    t.commit_roster("policy: audits from 2026Q1", "2026-02-01T10:00:00+08:00");
    let json = t.lint_expect("2026-07-16", 1);
    let files: Vec<String> = findings(&json, "D020")
        .iter()
        .map(|f| f["file"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        files,
        ["audits/2026Q1.toml", "audits/2026Q2.toml"],
        "{json:#}"
    );
}

#[test]
fn an_audit_finding_is_fixed_by_its_due_date() {
    let t = TestRepo::with_team();
    let open =
        "\n[[findings]]\nissue = \"两份合同未加密\"\nowner = \"li.na\"\nfix_due = 2026-04-30\n";
    t.write("audits/2026Q1.toml", &audit("sun.li", "2026-04-08", open));
    t.commit_all("audit: 2026Q1", "2026-04-08T18:00:00+08:00");
    t.assert_lint_clean("2026-04-30");
    let json = t.lint_expect("2026-05-03", 1);
    let f = assert_one(&json, "D021", "audits/2026Q1.toml", 9, 11, "error");
    assert!(message(&f).contains("两份合同未加密"), "{f:#}");
    assert!(message(&f).contains("3 days ago"), "{f:#}");

    t.replace(
        "audits/2026Q1.toml",
        "fix_due = 2026-04-30\n",
        "fix_due = 2026-04-30\ndone = 2026-04-29\n",
    );
    t.assert_lint_clean("2026-05-03");
    t.replace(
        "audits/2026Q1.toml",
        "done = 2026-04-29",
        "done = 2026-05-02",
    );
    let json = t.lint_expect("2026-05-03", 0);
    assert_one(&json, "D021", "audits/2026Q1.toml", 10, 8, "warning");
}

#[test]
fn a_malformed_or_misplaced_audit_is_reported() {
    let t = TestRepo::with_team();
    t.write(
        "audits/2026Q1.toml",
        "auditor = \"sunli\"\nheld_on = 2026-04-08\nscope = []\n\n[[findings]]\nissue = \"x\"\nowner = \"li.na\"\nfix_due = 2026-04-01\n",
    );
    t.write("audits/2026Q5.toml", &audit("sun.li", "2026-04-08", ""));
    t.write(
        "audits/2026Q2.toml",
        "auditor = \"sun.li\"\nheld_on = \"soon\"\nscope = [\"x\"]\n",
    );
    let json = t.lint_expect("2026-04-10", 1);
    assert_one(&json, "F003", "audits/2026Q5.toml", 1, 1, "error");
    let f004 = assert_one(&json, "F004", "audits/2026Q1.toml", 1, 11, "error");
    assert!(
        f004["help"].as_str().unwrap_or("").contains("sun.li"),
        "{f004:#}"
    );
    let f002: Vec<(String, u64)> = findings(&json, "F002")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        f002,
        [
            ("audits/2026Q1.toml".to_string(), 3),
            ("audits/2026Q1.toml".to_string(), 8),
            ("audits/2026Q2.toml".to_string(), 2)
        ],
        "{json:#}"
    );
}

// ------------------------------------------------------------ self-reviews

fn review(reviewed_by: &str) -> String {
    format!(
        "summary = \"完成渠道投放复盘\"\nnext = \"\"\nreviewed_by = \"{reviewed_by}\"\nreview = \"按期完成\"\n"
    )
}

/// A self-review of its own: each person's words differ (a file's first
/// commit is found by its content).
fn own_review(id: &str, reviewed_by: &str) -> String {
    review(reviewed_by).replace("投放复盘", &format!("投放复盘（{id}）"))
}

/// Everyone who writes a self-review in the standard roster, with their
/// superior: wang.fang (director), li.na (supervisor, content), zhao.lei
/// (specialist, channel).
const WRITERS: &[(&str, &str)] = &[
    ("wang.fang", "zhang.wei"),
    ("li.na", "wang.fang"),
    ("zhao.lei", "wang.fang"),
];

fn file_reviews(t: &TestRepo, month: &str, at: &str) {
    for (id, boss) in WRITERS {
        t.write(&format!("reviews/{month}/{id}.toml"), &own_review(id, boss));
    }
    t.commit_all(&format!("reviews: {month}"), at);
}

#[test]
fn everyone_in_the_roster_files_a_self_review_by_the_fifth_of_the_month_after() {
    let t = TestRepo::with_team();
    file_reviews(&t, "2026-01", "2026-02-03T18:00:00+08:00");
    t.assert_lint_clean("2026-03-05");
    let json = t.lint_expect("2026-03-06", 0);
    let late: Vec<String> = findings(&json, "D022")
        .iter()
        .map(|f| f["file"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        late,
        [
            "reviews/2026-02/li.na.toml",
            "reviews/2026-02/wang.fang.toml",
            "reviews/2026-02/zhao.lei.toml"
        ],
        "{json:#}"
    );
    assert!(
        findings(&json, "D022")
            .iter()
            .all(|f| f["severity"] == "warning")
    );
    assert_eq!(
        message(&findings(&json, "D022")[2]),
        "no self-review of 2026-02 by zhao.lei; it was due 2026-03-05"
    );

    // Two on time, one two days late.
    for (id, boss) in &WRITERS[..2] {
        t.write(&format!("reviews/2026-02/{id}.toml"), &own_review(id, boss));
    }
    t.commit_all("reviews: 2026-02", "2026-03-04T18:00:00+08:00");
    // January's words under February's name: filed when this name was
    // first committed, never when the same content was.
    t.write(
        "reviews/2026-02/zhao.lei.toml",
        &own_review("zhao.lei", "wang.fang"),
    );
    t.commit_all("review: zhao.lei 2026-02", "2026-03-07T09:00:00+08:00");
    let json = t.lint_json("2026-03-08");
    let f = assert_one(
        &json,
        "D022",
        "reviews/2026-02/zhao.lei.toml",
        1,
        1,
        "warning",
    );
    assert!(message(&f).contains("committed 2026-03-07"), "{f:#}");
}

#[test]
fn only_people_in_the_roster_at_the_time_write_a_self_review() {
    let t = TestRepo::with_team();
    file_reviews(&t, "2026-01", "2026-02-03T18:00:00+08:00");
    // A new specialist joins in March: nothing is due from them for February.
    let team = t.read("team.toml")
        + "\n[[people]]\nid = \"xu.ming\"\nname = \"徐明\"\nemail = \"xu.ming@example.com\"\nroles = [\"specialist\"]\ngroup = \"data\"\n";
    t.write("team.toml", &team);
    t.commit_roster("team: 徐明入职", "2026-03-02T09:00:00+08:00");
    file_reviews(&t, "2026-02", "2026-03-04T18:00:00+08:00");
    t.assert_lint_clean("2026-03-20");
    // For March, they are.
    file_reviews(&t, "2026-03", "2026-04-03T18:00:00+08:00");
    let json = t.lint_json("2026-04-06");
    assert_one(
        &json,
        "D022",
        "reviews/2026-03/xu.ming.toml",
        1,
        1,
        "warning",
    );
}

#[test]
fn a_self_review_is_reviewed_by_the_persons_superior() {
    let t = TestRepo::with_team();
    file_reviews(&t, "2026-01", "2026-02-03T18:00:00+08:00");
    t.assert_lint_clean("2026-02-10");
    // li.na supervises the content group; zhao.lei is in channel.
    t.write("reviews/2026-01/zhao.lei.toml", &review("li.na"));
    let json = t.lint_expect("2026-02-10", 1);
    let f = assert_one(
        &json,
        "D023",
        "reviews/2026-01/zhao.lei.toml",
        3,
        15,
        "error",
    );
    assert_eq!(
        message(&f),
        "li.na is not zhao.lei's superior, so cannot review this self-review"
    );
    // Nobody reviews their own.
    t.write("reviews/2026-01/li.na.toml", &review("li.na"));
    assert_eq!(findings(&t.lint_json("2026-02-10"), "D023").len(), 2);
    // Not yet reviewed: a warning once it is due.
    t.write("reviews/2026-01/zhao.lei.toml", &review(""));
    t.write("reviews/2026-01/li.na.toml", &review("wang.fang"));
    assert_no(&t.lint_json("2026-02-05"), "D023");
    let json = t.lint_json("2026-02-06");
    assert_one(
        &json,
        "D023",
        "reviews/2026-01/zhao.lei.toml",
        1,
        11,
        "warning",
    );
    // Someone not in the roster, and a file of nobody.
    t.write("reviews/2026-01/zhao.lei.toml", &review("boss"));
    t.write("reviews/2026-01/nobody.toml", &review("wang.fang"));
    let json = t.lint_json("2026-02-06");
    let f004: Vec<String> = findings(&json, "F004")
        .iter()
        .map(|f| f["file"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        f004,
        [
            "reviews/2026-01/nobody.toml",
            "reviews/2026-01/zhao.lei.toml"
        ],
        "{json:#}"
    );
}

// ------------------------------------------------------------ partners

const PARTNER: &str = "name = \"花茶小姐姐\"\nkind = \"KOL\"\nplatform = \"小红书\"\nhandle = \"@huacha\"\nstyle = \"清新生活方式\"\ncontact = \"星图MCN 商务邮箱 bd@xingtu.example\"\n\n[[rates]]\nitem = \"图文笔记\"\nprice = \"8000.50\"\n";

fn with_partner_campaign(partners: &str) -> TestRepo {
    let t = TestRepo::with_team();
    let path = t.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    t.replace(
        &path,
        "cancelled = \"\"\n",
        &format!("cancelled = \"\"\npartners = {partners}\n"),
    );
    t
}

#[test]
fn campaigns_name_partners_of_the_archive() {
    let t = with_partner_campaign("[\"huacha-xhs\"]");
    let json = t.lint_json("2026-02-10");
    let f = assert_one(
        &json,
        "F004",
        &format!("campaigns/{ID}/campaign.toml"),
        10,
        13,
        "error",
    );
    assert!(message(&f).contains("partners/huacha-xhs.toml"), "{f:#}");
    t.write("partners/huacha-xhs.toml", PARTNER);
    t.assert_lint_clean("2026-02-10");
    // Results name campaigns that exist.
    t.write(
        "partners/huacha-xhs.toml",
        &format!(
            "{PARTNER}\n[[results]]\ncampaign = \"夏日-2026-07V1\"\nsummary = \"曝光 120 万\"\n"
        ),
    );
    assert_one(
        &t.lint_json("2026-02-10"),
        "F004",
        "partners/huacha-xhs.toml",
        13,
        12,
        "error",
    );
}

#[test]
fn the_partner_archive_holds_no_personal_phone_and_exact_rates() {
    let t = with_partner_campaign("[\"huacha-xhs\"]");
    t.write(
        "partners/huacha-xhs.toml",
        &PARTNER.replace("星图MCN 商务邮箱 bd@xingtu.example", "本人手机 13812345678"),
    );
    let json = t.lint_expect("2026-02-10", 1);
    assert_one(&json, "P001", "partners/huacha-xhs.toml", 6, 17, "error");
    // A float is never money; an unknown kind is no kind.
    t.write(
        "partners/huacha-xhs.toml",
        &PARTNER.replace("\"8000.50\"", "8000.5"),
    );
    assert_one(
        &t.lint_json("2026-02-10"),
        "F002",
        "partners/huacha-xhs.toml",
        10,
        9,
        "error",
    );
    t.write(
        "partners/huacha-xhs.toml",
        &PARTNER.replace("\"KOL\"", "\"明星\""),
    );
    assert_one(
        &t.lint_json("2026-02-10"),
        "F002",
        "partners/huacha-xhs.toml",
        2,
        8,
        "error",
    );
}

// ------------------------------------------------------------ liaison

#[test]
fn a_cross_department_campaign_names_a_contact_in_each_department() {
    let t = TestRepo::with_team();
    let path = t.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    t.replace(&path, "cancelled = \"\"\n", "cancelled = \"\"\ndepartments = [\"销售部\", \"产品部\"]\n\n[[liaison]]\ndepartment = \"销售部\"\nname = \"王强\"\n");
    let json = t.lint_json("2026-02-10");
    let f = assert_one(&json, "D024", &path, 10, 23, "error");
    assert_eq!(
        message(&f),
        format!("{ID} works with 产品部 but names no contact (接口人) there")
    );
    t.replace(&path, "name = \"王强\"\n", "name = \"王强\"\n\n[[liaison]]\ndepartment = \"产品部\"\nname = \"刘洋\"\ncontact = \"企业微信 liuyang\"\n");
    assert_no(&t.lint_json("2026-02-10"), "D024");
    t.assert_lint_clean("2026-02-10");
}

// ------------------------------------------------------------ new-… commands

fn run_ok(t: &TestRepo, args: &[&str]) -> String {
    let out = t.mkt(args).output().unwrap();
    assert!(
        out.status.success(),
        "mkt {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn new_audit_review_and_partner_write_records_that_lint_clean() {
    let t = TestRepo::with_team();
    let path = run_ok(
        &t,
        &[
            "new-audit",
            "2026Q1",
            "--auditor",
            "孙丽",
            "--held-on",
            "2026-04-02",
            "--scope",
            "审批流程，合同加密",
            "--scope",
            "文案法务审核",
            "--no-input",
        ],
    );
    assert_eq!(path, "audits/2026Q1.toml");
    let text = t.read(&path);
    assert!(text.contains("auditor = \"sun.li\""), "{text}");
    assert!(
        text.contains("scope = [\"审批流程\", \"合同加密\", \"文案法务审核\"]"),
        "{text}"
    );
    let path = run_ok(
        &t,
        &[
            "new-review",
            "2026-03",
            "--person",
            "赵磊",
            "--summary",
            "完成渠道投放复盘",
            "--reviewed-by",
            "wang.fang",
            "--review",
            "按期完成",
            "--no-input",
        ],
    );
    assert_eq!(path, "reviews/2026-03/zhao.lei.toml");
    let path = run_ok(
        &t,
        &[
            "new-partner",
            "huacha-xhs",
            "--name",
            "花茶小姐姐",
            "--kind",
            "koc",
            "--platform",
            "小红书",
            "--handle",
            "@huacha",
            "--contact",
            "bd@xingtu.example",
            "--rate",
            "图文笔记=8000",
            "--rate",
            "短视频=15000.50",
            "--no-input",
        ],
    );
    assert_eq!(path, "partners/huacha-xhs.toml");
    let text = t.read(&path);
    assert!(text.contains("kind = \"KOC\""), "{text}");
    assert!(text.contains("price = \"15000.50\""), "{text}");
    for (id, boss) in [("wang.fang", "zhang.wei"), ("li.na", "wang.fang")] {
        t.write(&format!("reviews/2026-03/{id}.toml"), &own_review(id, boss));
    }
    t.commit_all("records", "2026-04-03T18:00:00+08:00");
    t.assert_lint_clean("2026-04-10");

    // Written once: a second run refuses to overwrite.
    let out = t
        .mkt([
            "new-audit",
            "2026Q1",
            "--auditor",
            "sun.li",
            "--scope",
            "x",
            "--no-input",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn new_review_and_new_partner_refuse_what_the_rules_forbid() {
    let t = TestRepo::with_team();
    let refused = |args: &[&str], says: &str| {
        let out = t.mkt(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    };
    refused(
        &[
            "new-review",
            "2026-03",
            "--person",
            "zhao.lei",
            "--summary",
            "x",
            "--reviewed-by",
            "li.na",
            "--no-input",
        ],
        "not zhao.lei's superior",
    );
    refused(
        &[
            "new-partner",
            "p1",
            "--name",
            "x",
            "--kind",
            "KOL",
            "--platform",
            "抖音",
            "--handle",
            "@x",
            "--contact",
            "138-1234-5678",
            "--no-input",
        ],
        "personal phone",
    );
    refused(
        &[
            "new-partner",
            "p1",
            "--name",
            "x",
            "--kind",
            "KOL",
            "--platform",
            "抖音",
            "--handle",
            "@x",
            "--rate",
            "直播=12.345",
            "--no-input",
        ],
        "--rate",
    );
    refused(
        &[
            "new-review",
            "2026-13",
            "--person",
            "zhao.lei",
            "--summary",
            "x",
            "--no-input",
        ],
        "not a month",
    );
    refused(
        &[
            "new-audit",
            "--auditor",
            "sun.li",
            "--scope",
            "x",
            "--no-input",
        ],
        "QUARTER",
    );
    assert!(
        !t.path("reviews").exists() && !t.path("partners").exists() && !t.path("audits").exists()
    );
}
