//! A bounded, seeded mutation fuzzer (issue 12): the example department's
//! files are mutated — bytes cut, TOML and Chinese fragments inserted,
//! lines doubled or swapped, numbers made huge, files truncated or made
//! invalid UTF-8 — and every so often the mutated state is committed with a
//! random date (backdated too) or merged from a side branch, so history is
//! fuzzed as well. After each mutation mkt runs on the real repository, and
//! its promises are checked: exit 0, 1 or 2 only (never a panic or a
//! signal), done in time, valid JSON with a file and a position for every
//! finding, a message on stderr for exit 2, and text output that renders.
//!
//! `cargo test --test fuzz` runs `MKT_FUZZ_CASES` cases (default 200) from
//! `MKT_FUZZ_SEED` (default fixed): the same seed gives the same run. A
//! failure prints the seed, the case and the files it changed; keep it as
//! a regression test in `tests/cli/hardening.rs`. Run it longer with, say,
//! `MKT_FUZZ_CASES=20000 MKT_FUZZ_SEED=$RANDOM cargo test --release --test fuzz`.

#[path = "cli/common/mod.rs"]
mod common;

use std::path::Path;
use std::time::Duration;

use common::*;

/// splitmix64: small, seeded, the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What gets inserted: TOML structure, values at the edges of their types,
/// Chinese text and claims, invisible and control characters.
const TOKENS: &[&str] = &[
    "\"",
    "'",
    "[",
    "]",
    "[[",
    "]]",
    "=",
    "\n",
    "\r\n",
    "{",
    "}",
    ",",
    "#",
    "\\",
    "\"\"\"",
    "[[phases]]\n",
    "[budget]\n",
    "[budget.allocation]\n",
    "[[decisions]]\n",
    "[[people]]\n",
    "total = ",
    "id = \"x\"\n",
    "owner = \"nobody\"\n",
    "kind = \"closing\"\n",
    "1e308",
    "-1",
    "0",
    "99999999999999999999",
    "nan",
    "inf",
    "-0.0",
    "1.5",
    "\"12.345\"",
    "9999-12-31",
    "0000-01-01",
    "2026-02-30",
    "2026-13-01",
    "2026-03-01T25:00:00+08:00",
    "\"+-5:00\"",
    "+14:00",
    "true",
    "\"\"",
    "[]",
    "最好",
    "第一",
    "100%",
    "提升35%",
    "销量提升 12 13 14",
    "　",
    "\u{202E}",
    "\u{200B}",
    "\u{FEFF}",
    "\u{0}",
    "\u{7}",
    "春季促销-2026-03V01",
    "V0",
    "../",
    "campaigns/",
    "😀",
];

/// The example's files a mutation may touch (records, policy, roster, copy).
fn targets(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in walk(root) {
        let rel = entry
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with(".git/") {
            continue;
        }
        if rel.ends_with(".toml") || rel.ends_with(".md") || rel.ends_with(".csv") {
            out.push(rel);
        }
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => out.extend(walk(&p)),
            Ok(t) if t.is_file() => out.push(p),
            _ => {}
        }
    }
    out
}

/// One mutation of one file; returns a word on what was done.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) -> &'static str {
    let len = bytes.len();
    let at = rng.below(len + 1);
    match rng.below(9) {
        0 => {
            let n = rng.below(40).min(len - at.min(len));
            bytes.drain(at..at + n);
            "cut"
        }
        1 | 2 => {
            let t = rng.pick(TOKENS).as_bytes().to_vec();
            bytes.splice(at..at, t);
            "insert"
        }
        3 => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            if lines.is_empty() {
                return "none";
            }
            let i = rng.below(lines.len());
            let mut out: Vec<&str> = lines.clone();
            out.insert(i, lines[i]);
            *bytes = out.concat().into_bytes();
            "double a line"
        }
        4 => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            if lines.len() < 2 {
                return "none";
            }
            let (i, j) = (rng.below(lines.len()), rng.below(lines.len()));
            lines.swap(i, j);
            *bytes = lines.concat().into_bytes();
            "swap lines"
        }
        5 => {
            // A number made huge, negative or fractional.
            let Some(start) = bytes[at.min(len)..].iter().position(u8::is_ascii_digit) else {
                return "none";
            };
            let start = at + start;
            let end = start
                + bytes[start..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
            let to = *rng.pick(&["99999999999999999999999", "-5", "0", "1.25", "1e400", "00"]);
            bytes.splice(start..end, to.bytes());
            "renumber"
        }
        6 => {
            bytes.truncate(at);
            "truncate"
        }
        7 => {
            bytes.insert(at, 0xFF);
            "invalid UTF-8"
        }
        _ => {
            let n = rng.below(200);
            let chunk: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            bytes.splice(at..at, chunk);
            "random bytes"
        }
    }
}

#[test]
fn mutated_departments_never_break_the_promises() {
    let cases: usize = std::env::var("MKT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let seed: u64 = std::env::var("MKT_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20261202);
    let t = TestRepo::example();
    let files = targets(&t.root);
    assert!(files.len() > 20, "the example has records to mutate");
    let mut rng = Rng(seed);
    let mut day = 0u32;
    for case in 0..cases {
        // Start from the last commit, with one to three mutations.
        git_in(&t.home, &t.root, &["checkout", "-q", "--", "."], None);
        git_in(&t.home, &t.root, &["clean", "-q", "-fd"], None);
        let mut changed = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let file = rng.pick(&files).clone();
            let path = t.path(&file);
            let mut bytes = std::fs::read(&path).unwrap_or_default();
            let what = mutate(&mut rng, &mut bytes);
            std::fs::write(&path, &bytes).unwrap();
            changed.push(format!("{file} ({what})"));
        }
        let ctx = format!("seed {seed}, case {case}: {changed:?}");
        check(&t, &ctx, case % 4 == 0);
        // Now and then the mutated state becomes history: committed with a
        // random date (a quarter of them backdated), or merged from a side
        // branch; and some of it is undone again later, by the checkout.
        match rng.below(10) {
            0 | 1 => {
                day += 1;
                let date = if rng.below(4) == 0 {
                    "2025-06-01T10:00:00+08:00".to_string()
                } else {
                    format!(
                        "2026-{:02}-{:02}T10:00:00+08:00",
                        10 + day / 28 % 3,
                        day % 28 + 1
                    )
                };
                git_in(&t.home, &t.root, &["add", "-A"], None);
                git_in(
                    &t.home,
                    &t.root,
                    &[
                        "commit",
                        "-q",
                        "--allow-empty",
                        "-m",
                        &format!("fuzz {case}"),
                    ],
                    Some(&date),
                );
                check(&t, &format!("{ctx}, committed at {date}"), false);
            }
            2 => {
                git_in(
                    &t.home,
                    &t.root,
                    &["checkout", "-q", "-b", &format!("side{case}")],
                    None,
                );
                git_in(&t.home, &t.root, &["add", "-A"], None);
                git_in(
                    &t.home,
                    &t.root,
                    &["commit", "-q", "--allow-empty", "-m", "side"],
                    Some("2026-10-01T10:00:00+08:00"),
                );
                git_in(&t.home, &t.root, &["checkout", "-q", "-"], None);
                git_in(
                    &t.home,
                    &t.root,
                    &[
                        "merge",
                        "-q",
                        "--no-ff",
                        "-X",
                        "theirs",
                        "-m",
                        "merge",
                        &format!("side{case}"),
                    ],
                    Some("2026-10-02T10:00:00+08:00"),
                );
                check(&t, &format!("{ctx}, merged"), false);
            }
            _ => {}
        }
    }
}

/// Runs lint (and, for some cases, text output and status) and checks the
/// promises.
fn check(t: &TestRepo, ctx: &str, more: bool) {
    let run = |args: &[&str]| {
        let mut cmd = t.mkt(args);
        cmd.env("MKT_TODAY", "2026-12-01")
            .timeout(Duration::from_secs(20));
        let out = cmd.output().unwrap();
        let code = out.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "{ctx}: mkt {args:?} ended with {:?}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        if code == Some(2) {
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("error"), "{ctx}: exit 2 says why: {err}");
        }
        out
    };
    let out = run(&["lint", "--format", "json"]);
    if out.status.code() != Some(2) {
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{ctx}: lint JSON does not parse: {e}"));
        for f in json["findings"].as_array().expect("findings") {
            let file = f["file"].as_str().unwrap_or_default();
            assert!(!file.is_empty(), "{ctx}: a finding without a file: {f}");
            assert!(f["line"].as_u64().is_some_and(|l| l >= 1), "{ctx}: {f}");
            assert!(f["column"].as_u64().is_some_and(|c| c >= 1), "{ctx}: {f}");
        }
    }
    if more {
        run(&["lint"]);
        run(&["lint", "--format", "sarif"]);
        run(&["status"]);
        run(&["report", "--quarter", "2026Q3"]);
        run(&["verify", "--format", "json"]);
    }
}
