//! `mkt lint` in Chinese (`MKT_LANG=zh-CN`): the findings and the
//! renderer's own words are Chinese in text output; JSON keeps its keys,
//! codes, places and severities exactly as in English.

use crate::common::*;
use serde_json::Value;

const ID: &str = "春季促销-2026-02V1";

/// A campaign that started (2026-02-01) without a kickoff or its
/// approvals, a file where no record belongs, and another campaign with
/// an unknown key.
fn broken() -> TestRepo {
    let t = TestRepo::with_team();
    t.write_standard_campaign(ID, "2026-02-01", "2026-02-28");
    let path = t.write_standard_campaign("夏季促销-2026-06V1", "2026-06-01", "2026-06-30");
    let text = std::fs::read_to_string(t.path(&path)).unwrap();
    t.write(
        &path,
        &text.replacen("owner = ", "ownr = \"x\"\nowner = ", 1),
    );
    t.write(&format!("campaigns/{ID}/notes.txt"), "备忘\n");
    t.commit_all("plan: 春季促销", "2026-01-20T10:00:00+08:00");
    t
}

fn lint(t: &TestRepo, lang: &str, format: &str) -> String {
    let out = t
        .mkt(["lint", "--format", format])
        .env("MKT_LANG", lang)
        .output()
        .expect("mkt runs");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn text_output_is_chinese() {
    let t = broken();
    let zh = lint(&t, "zh-CN", "text");
    for want in [
        "错误[F002]：未知的键 `ownr`",
        "错误[F003]：`campaigns/春季促销-2026-02V1/notes.txt` 放错了位置",
        "没有召开启动会",
        "= 提示：",
        "个错误",
    ] {
        assert!(zh.contains(want), "no `{want}` in:\n{zh}");
    }
    for english in ["error[", "warning[", "= help:", "is not in", "without"] {
        assert!(!zh.contains(english), "`{english}` in:\n{zh}");
    }
    // The same run in English says it in English.
    let en = lint(&t, "en", "text");
    assert!(en.contains("error[F002]: unknown key `ownr`"), "{en}");
    assert!(en.contains("= help:"), "{en}");
}

#[test]
fn json_keeps_its_keys_and_codes() {
    let t = broken();
    let zh: Value = serde_json::from_str(&lint(&t, "zh-CN", "json")).unwrap();
    let en: Value = serde_json::from_str(&lint(&t, "en", "json")).unwrap();
    let (zf, ef) = (
        zh["findings"].as_array().unwrap(),
        en["findings"].as_array().unwrap(),
    );
    assert!(zf.len() >= 3, "{zh:#}");
    assert_eq!(zf.len(), ef.len());
    for (z, e) in zf.iter().zip(ef) {
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(z), keys(e));
        for k in ["code", "rule", "severity", "file", "line", "column"] {
            assert_eq!(z[k], e[k], "{k}: {z:#} / {e:#}");
        }
        assert!(
            matches!(z["severity"].as_str(), Some("error" | "warning")),
            "{z:#}"
        );
    }
    // JSON is for machines: its messages are the English ones, the same
    // bytes whatever the reader's language (issue 13).
    assert_eq!(zh, en);
    let d001 = zf.iter().find(|f| f["code"] == "D001").expect("a D001");
    assert!(
        d001["message"].as_str().unwrap().contains("kickoff"),
        "{d001:#}"
    );
}
