//! The quarterly report and `mkt verify` in Chinese (`MKT_LANG=zh-CN`) on
//! the example department, as a person sees them; and the machine format
//! (`--format json`) the same in both languages.
//!
//! After an intended change: `INSTA_UPDATE=always cargo test --test cli
//! report_zh`, then read the changed `.snap` files before committing them.

use crate::common::*;
use crate::screens::{screen_in, settings};

const TODAY: &str = "2026-11-25";

/// stdout, stderr and exit status of `mkt ARGS` in `t` with `MKT_LANG=lang`,
/// as one text; and stdout alone.
fn screen(t: &TestRepo, lang: &str, args: &[&str]) -> (String, String) {
    screen_in(t, Some(lang), args)
}

fn report_args(format: &str) -> Vec<&str> {
    vec![
        "report",
        "--quarter",
        "2026Q3",
        "--format",
        format,
        "--today",
        TODAY,
    ]
}

#[test]
fn the_quarterly_report_in_chinese_as_table_and_markdown() {
    let t = &TestRepo::example();
    for format in ["table", "markdown"] {
        let (text, _) = screen(t, "zh-CN", &report_args(format));
        settings(t).bind(|| insta::assert_snapshot!(format!("report-zh-2026Q3-{format}"), text));
    }
}

#[test]
fn verify_in_chinese() {
    let t = &TestRepo::example();
    let (text, _) = screen(t, "zh-CN", &["verify", "--today", TODAY]);
    settings(t).bind(|| insta::assert_snapshot!("verify-zh", text));
}

#[test]
fn json_is_the_same_in_both_languages() {
    let t = &TestRepo::example();
    let (_, en) = screen(t, "en", &report_args("json"));
    let (_, zh) = screen(t, "zh-CN", &report_args("json"));
    assert!(en.contains("\"campaigns\""), "{en}");
    assert_eq!(en, zh);
    for section in ["campaigns", "kpis", "approvals"] {
        let mut args = report_args("csv");
        args.extend(["--section", section]);
        let (_, en) = screen(t, "en", &args);
        let (_, zh) = screen(t, "zh-CN", &args);
        assert_eq!(en, zh, "csv {section}");
    }
}
