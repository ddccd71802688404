//! Tables that fit: at 100 and 80 columns (`COLUMNS`), in both languages,
//! every table line of `mkt status`, `report`, `rules`, `list` and `team
//! list` fits, and every row of a table keeps its bars at the same display
//! columns (so wrapped Chinese stays aligned); `--wide` and output to a
//! pipe give full rows.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::common::*;
use crate::screens::settings;

const TOUR_DAY: &str = "2026-11-25";

fn run(t: &TestRepo, lang: &str, columns: Option<usize>, args: &[&str]) -> String {
    let mut cmd = t.mkt(args);
    cmd.env("MKT_LANG", lang);
    if let Some(c) = columns {
        cmd.env("COLUMNS", c.to_string());
    }
    let out = cmd.output().expect("mkt runs");
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The display columns of the `|` bars in a line.
fn bars(line: &str) -> Vec<usize> {
    let mut at = 0;
    let mut out = Vec::new();
    for ch in line.chars() {
        if ch == '|' {
            out.push(at);
        }
        at += ch.width().unwrap_or(0);
    }
    out
}

/// Every line of a table (runs of lines starting with `|`) fits in
/// `width`, and has its bars where the table's first line has them. (Prose
/// lines are the terminal's to wrap.)
fn assert_fits(text: &str, width: usize) {
    for line in text.lines().filter(|l| l.starts_with('|')) {
        assert!(
            line.width() <= width,
            "wider than {width}: {line:?}\n{text}"
        );
    }
    let mut first: Option<Vec<usize>> = None;
    for line in text.lines() {
        if line.starts_with('|') {
            let b = bars(line);
            match &first {
                Some(f) => assert_eq!(&b, f, "a broken row: {line:?}\n{text}"),
                None => first = Some(b),
            }
        } else {
            first = None;
        }
    }
}

#[test]
fn status_of_the_example_fits_100_and_80_columns_in_both_languages() {
    let t = TestRepo::example();
    for lang in ["en", "zh-CN"] {
        let full = run(&t, lang, None, &["status", "--today", TOUR_DAY]);
        assert!(full.lines().any(|l| l.width() > 100), "the example is wide");
        for width in [100, 80] {
            let text = run(&t, lang, Some(width), &["status", "--today", TOUR_DAY]);
            assert_fits(&text, width);
            // Nothing is lost but the columns left out: every campaign is there.
            for id in ["中秋礼盒", "元旦跨年", "2026Q4"] {
                assert!(text.contains(id), "{id} missing at {width}:\n{text}");
            }
            let name = format!("status-{width}-cols-{lang}");
            settings(&t).bind(|| insta::assert_snapshot!(name, text));
        }
        let wide = run(
            &t,
            lang,
            Some(80),
            &["--wide", "status", "--today", TOUR_DAY],
        );
        assert_eq!(wide, full, "--wide shows every column in full");
    }
}

#[test]
fn the_report_the_rules_the_campaigns_and_the_team_fit_80_columns() {
    let t = TestRepo::example();
    for lang in ["en", "zh-CN"] {
        let report = run(
            &t,
            lang,
            Some(80),
            &["report", "--quarter", "2026Q3", "--today", TOUR_DAY],
        );
        assert_fits(&report, 80);
        let rules = run(&t, lang, Some(80), &["rules"]);
        assert_fits(&rules, 80);
        assert!(rules.contains("B002"), "{rules}");
        let list = run(&t, lang, Some(80), &["list", "--today", TOUR_DAY]);
        assert_fits(&list, 80);
        assert!(list.contains("元旦跨年-2026-12V1"), "{list}");
        let team = run(&t, lang, Some(80), &["team", "list"]);
        assert_fits(&team, 80);
        assert!(team.contains("zhao.lei"), "{team}");
    }
}
