//! C001 and C002 measured on a labelled corpus of realistic copy
//! (`tests/corpus/copy/corpus.tsv`, labelled by meaning; see its README):
//! the real binary lints every entry as a copy file of its own, and all
//! entries together in one file, and the test prints precision and recall
//! of each rule in each mode (`--nocapture` shows them) and fails below 0.9.

use std::collections::BTreeMap;

use crate::common::*;
use serde_json::Value;

const ID: &str = "春季促销-2026-03V1";
const CONTENT: &str = "campaigns/春季促销-2026-03V1/content";
/// Before the start and more than a week ahead: only what copy says is found.
const EARLY: &str = "2026-02-10";
const CORPUS: &str = include_str!("../corpus/copy/corpus.tsv");
const FLOOR: f64 = 0.9;

/// One labelled entry: its text and the terms and claims a reader flags.
struct Entry {
    line: usize,
    /// Written after the rules were fixed against the entries before it.
    held_out: bool,
    text: String,
    note: String,
    /// Byte spans in `text` of the expected C001 and C002 findings.
    expected: [Vec<(usize, usize)>; 2],
}

fn corpus() -> Vec<Entry> {
    let mut out = Vec::new();
    let mut held_out = false;
    for (i, row) in CORPUS.lines().enumerate() {
        held_out |= row.starts_with("# Held out");
        if row.starts_with('#') || row.starts_with("c001\t") || row.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = row.split('\t').collect();
        assert_eq!(cols.len(), 4, "corpus.tsv:{}: four columns: {row}", i + 1);
        let text = cols[2].replace("\\n", "\n");
        let anchors = |col: &str| -> Vec<(usize, usize)> {
            let mut spans: Vec<(usize, usize)> = Vec::new();
            if col == "-" {
                return spans;
            }
            for a in col.split('|') {
                // The next occurrence not yet taken by the same anchor.
                let from = spans
                    .iter()
                    .filter(|(s, e)| &text[*s..*e] == a)
                    .map(|(_, e)| *e)
                    .max()
                    .unwrap_or(0);
                let at = text[from..]
                    .find(a)
                    .unwrap_or_else(|| panic!("corpus.tsv:{}: `{a}` not in the text", i + 1));
                spans.push((from + at, from + at + a.len()));
            }
            spans
        };
        out.push(Entry {
            line: i + 1,
            held_out,
            expected: [anchors(cols[0]), anchors(cols[1])],
            text,
            note: cols[3].to_string(),
        });
    }
    out
}

/// A finding where the binary reported it: line, column (characters) and
/// the quoted text's length in bytes.
#[derive(Clone, Copy)]
struct Hit {
    line: usize,
    column: usize,
    len: usize,
}

/// The quoted text of a finding's message: `"第一" is an absolute claim …`.
fn quote(f: &Value) -> String {
    let m = f["message"].as_str().unwrap_or("");
    m.split('"').nth(1).unwrap_or("").to_string()
}

/// The byte range in `text` that a hit points at.
fn span_of(text: &str, h: Hit) -> (usize, usize) {
    let line_start = text
        .split_inclusive('\n')
        .take(h.line - 1)
        .map(str::len)
        .sum::<usize>();
    let start = text[line_start..]
        .char_indices()
        .nth(h.column - 1)
        .map_or(text.len(), |(i, _)| line_start + i);
    (start, start + h.len.max(1))
}

#[derive(Default, Debug, Clone, Copy)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}

/// Scores each of the `placed` entries of one copy file (at their byte
/// offsets): an expected span and a finding match when they overlap.
/// Returns the scores in entry order, and how many findings fell outside
/// every entry (none should).
fn score(
    file_text: &str,
    placed: &[(&Entry, usize)],
    hits: &[Hit],
    rule: usize,
    misses: &mut Vec<String>,
) -> (Vec<Score>, usize) {
    let spans: Vec<(usize, usize)> = hits.iter().map(|h| span_of(file_text, *h)).collect();
    let mut used = vec![false; spans.len()];
    let mut scores = Vec::new();
    for (entry, offset) in placed {
        let mut s = Score::default();
        let end = offset + entry.text.len();
        for &(a, b) in &entry.expected[rule] {
            let (a0, b0) = (offset + a, offset + b);
            let found = spans
                .iter()
                .enumerate()
                .position(|(k, &(h0, h1))| !used[k] && h0 < b0 && a0 < h1);
            match found {
                Some(k) => {
                    used[k] = true;
                    s.tp += 1;
                }
                None => {
                    s.fn_ += 1;
                    misses.push(format!(
                        "  missed corpus.tsv:{} `{}` in {:?} ({})",
                        entry.line,
                        &entry.text[a..b],
                        entry.text,
                        entry.note
                    ));
                }
            }
        }
        // Findings inside this entry that no expected span took.
        for (k, &(h0, h1)) in spans.iter().enumerate() {
            if !used[k] && *offset <= h0 && h0 < end {
                used[k] = true;
                s.fp += 1;
                let quoted = file_text.get(h0..h1.min(file_text.len())).unwrap_or("?");
                misses.push(format!(
                    "  extra  corpus.tsv:{} `{quoted}` in {:?} ({})",
                    entry.line, entry.text, entry.note
                ));
            }
        }
        scores.push(s);
    }
    (scores, used.iter().filter(|u| !**u).count())
}

/// The sum of the scores of the entries `keep` selects.
fn total(entries: &[Entry], scores: &[Score], keep: impl Fn(&Entry) -> bool) -> Score {
    let mut t = Score::default();
    for (e, s) in entries.iter().zip(scores) {
        if keep(e) {
            t.tp += s.tp;
            t.fp += s.fp;
            t.fn_ += s.fn_;
        }
    }
    t
}

#[test]
fn copy_rules_reach_their_precision_and_recall_on_the_corpus() {
    let entries = corpus();
    assert!(
        entries.len() >= 200,
        "the corpus has {} entries",
        entries.len()
    );
    let t = TestRepo::with_team();
    t.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    t.commit_all("plan: 春季促销", "2026-01-20T10:00:00+08:00");
    // Each entry alone in its own file.
    let alone: Vec<String> = (0..entries.len())
        .map(|i| format!("{CONTENT}/alone-{i:03}.md"))
        .collect();
    for (e, path) in entries.iter().zip(&alone) {
        t.write(path, &format!("{}\n", e.text));
    }
    // All entries in one file, as lines of one paragraph and as paragraphs.
    let all = format!("{CONTENT}/all.md");
    let mut all_text = String::new();
    let mut offsets = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        offsets.push(all_text.len());
        all_text.push_str(&e.text);
        all_text.push_str(if i % 2 == 0 { "\n" } else { "\n\n" });
    }
    t.write(&all, &all_text);

    let json = t.lint_json(EARLY);
    let mut by_file: BTreeMap<(String, usize), Vec<Hit>> = BTreeMap::new();
    for f in findings_all(&json) {
        let rule = match f["code"].as_str() {
            Some("C001") => 0,
            Some("C002") => 1,
            _ => continue,
        };
        let hit = Hit {
            line: f["line"].as_u64().unwrap() as usize,
            column: f["column"].as_u64().unwrap() as usize,
            len: quote(&f).len(),
        };
        let file = f["file"].as_str().unwrap().to_string();
        by_file.entry((file, rule)).or_default().push(hit);
    }

    let mut report = Vec::new();
    let mut failed = Vec::new();
    for (rule, code) in ["C001", "C002"].iter().enumerate() {
        let mut misses_alone = Vec::new();
        let mut each = Vec::new();
        for (e, path) in entries.iter().zip(&alone) {
            let hits = by_file
                .get(&(path.clone(), rule))
                .cloned()
                .unwrap_or_default();
            let text = format!("{}\n", e.text);
            let (s, outside) = score(&text, &[(e, 0)], &hits, rule, &mut misses_alone);
            assert_eq!(outside, 0, "{path}: a finding outside the entry");
            each.extend(s);
        }
        let placed: Vec<(&Entry, usize)> = entries.iter().zip(offsets.iter().copied()).collect();
        let hits = by_file
            .get(&(all.clone(), rule))
            .cloned()
            .unwrap_or_default();
        let mut misses_all = Vec::new();
        let (together, outside) = score(&all_text, &placed, &hits, rule, &mut misses_all);
        assert_eq!(outside, 0, "{all}: a finding between entries");
        for (mode, scores, misses) in [
            ("each entry alone", &each, &misses_alone),
            ("all in one file", &together, &misses_all),
        ] {
            let s = total(&entries, scores, |_| true);
            let h = total(&entries, scores, |e| e.held_out);
            report.push(format!(
                "{code} {mode:<16}: precision {:.3}  recall {:.3}  (tp {}, fp {}, fn {}); \
                 held-out part: precision {:.3}  recall {:.3}",
                s.precision(),
                s.recall(),
                s.tp,
                s.fp,
                s.fn_,
                h.precision(),
                h.recall()
            ));
            report.extend(misses.iter().cloned());
            if s.precision() < FLOOR || s.recall() < FLOOR {
                failed.push(format!("{code} {mode}"));
            }
        }
    }
    eprintln!(
        "copy corpus: {} entries (tests/corpus/copy/corpus.tsv)\n{}",
        entries.len(),
        report.join("\n")
    );
    assert!(
        failed.is_empty(),
        "below {FLOOR}: {failed:?}\n{}",
        report.join("\n")
    );
}

/// The binary quotes a full-width or Arabic spelling as written, at its own
/// column, and a source in the next paragraph excuses no claim.
#[test]
fn spellings_are_quoted_as_written_and_sources_stay_in_their_sentence() {
    let t = TestRepo::with_team();
    t.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    t.commit_all("plan: 春季促销", "2026-01-20T10:00:00+08:00");
    let copy = format!("{CONTENT}/朋友圈文案.md");
    let text = "# 春日花茶\n\n华东茶饮ＮＯ．１，销量第1，入选TOP10榜单。\n\n复购率提升百分之三十！\n\n（2026年3月，第三方数据）\n";
    t.write(&copy, text);
    let json = t.lint_expect(EARLY, 1);
    let terms = findings(&json, "C001");
    assert_eq!(terms.len(), 2, "{json:#}");
    let (line, column) = pos(text, "ＮＯ．１");
    assert_at(&terms[0], "C001", &copy, line, column, "error");
    assert_eq!(quote(&terms[0]), "ＮＯ．１");
    let (line, column) = pos(text, "第1");
    assert_at(&terms[1], "C001", &copy, line, column, "error");
    assert_eq!(quote(&terms[1]), "第1");
    let claim = assert_one(&json, "C002", &copy, 5, 6, "warning");
    assert_eq!(quote(&claim), "百分之三十");
    assert!(
        claim["message"]
            .as_str()
            .unwrap()
            .ends_with("without its period and source"),
        "{claim:#}"
    );

    // The same note inside the sentence sources it; the ranks stay.
    t.write(
        &copy,
        "华东茶饮ＮＯ．１。\n复购率提升百分之三十（2026年3月，第三方数据）！\n",
    );
    let json = t.lint_expect(EARLY, 1);
    assert_no(&json, "C002");
    assert_eq!(findings(&json, "C001").len(), 1, "{json:#}");
}
