//! Benchmark: what an input's size costs (issue 12). Each shape — many
//! findings in one file, many numbers in one clause, many findings on one
//! long line (text output), many files in one folder — is linted at size N
//! and 10 N; time and peak memory should grow about tenfold, never a
//! hundredfold. Prints the figures and fails when a shape grows more than
//! 30× for 10× the input.
//!
//! Run: `cargo bench --bench cost`. MKT_COST_N sets N (default 4,000 for
//! the text shapes; the folder holds N·2.5 and N·25 minutes files, so
//! the default ends at 100,000).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn main() {
    let n: usize = std::env::var("MKT_COST_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000);
    let mkt = env!("CARGO_BIN_EXE_mkt");
    let mut worst: f64 = 0.0;
    println!(
        "{:<40} {:>8} {:>10} {:>9} {:>8}",
        "shape", "size", "time", "peak", "growth"
    );
    for shape in [Shape::Terms, Shape::Numbers, Shape::LongLine, Shape::Files] {
        let mut last: Option<Duration> = None;
        for size in [n, 10 * n] {
            let size = if shape == Shape::Files {
                size * 5 / 2
            } else {
                size
            };
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("dept");
            let ok = Command::new(mkt)
                .args(["init", "--example"])
                .arg(&dir)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("HOME", tmp.path())
                .output()
                .unwrap();
            assert!(
                ok.status.success(),
                "{}",
                String::from_utf8_lossy(&ok.stderr)
            );
            shape.write(&dir, size);
            git(&dir, &["add", "-A"]);
            git(&dir, &["commit", "-q", "-m", "input"]);
            let format = if shape == Shape::LongLine {
                "text"
            } else {
                "json"
            };
            let (time, peak) = measure(|| {
                let out = Command::new(mkt)
                    .args(["lint", "--format", format, "--today", "2026-10-20"])
                    .current_dir(&dir)
                    .env("HOME", tmp.path())
                    .output()
                    .unwrap();
                assert!(
                    matches!(out.status.code(), Some(0 | 1)),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            });
            let growth = last.map(|l| time.as_secs_f64() / l.as_secs_f64());
            if let Some(g) = growth {
                worst = worst.max(g);
            }
            println!(
                "{:<40} {:>8} {:>8.0} ms {:>6} MB {:>8}",
                shape.name(),
                size,
                time.as_secs_f64() * 1e3,
                peak / 1024,
                growth.map_or(String::new(), |g| format!("{g:.1}×"))
            );
            last = Some(time);
        }
    }
    println!("worst growth for 10× the input: {worst:.1}×");
    assert!(worst < 30.0, "a shape grows faster than linearly");
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Terms,
    Numbers,
    LongLine,
    Files,
}

const COPY: &str = "campaigns/中秋礼盒-2026-09V1/content";

impl Shape {
    fn name(self) -> &'static str {
        match self {
            Shape::Terms => "banned terms, one per line (findings)",
            Shape::Numbers => "numbers in one clause with a claim",
            Shape::LongLine => "banned terms on one line, text output",
            Shape::Files => "minutes files in one folder",
        }
    }

    fn write(self, dir: &Path, size: usize) {
        let put = |rel: &str, text: String| {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        match self {
            Shape::Terms => put(
                &format!("{COPY}/terms.md"),
                "这是最好的礼盒。\n".repeat(size),
            ),
            Shape::Numbers => {
                let mut t = String::from("销量提升");
                for i in 0..size {
                    t.push_str(&format!(" {}", i % 97 + 1));
                }
                put(&format!("{COPY}/numbers.md"), t + "\n");
            }
            Shape::LongLine => put(
                &format!("{COPY}/line.md"),
                "最好的礼盒，".repeat(size) + "\n",
            ),
            Shape::Files => {
                for i in 0..size {
                    let (month, day, hour, minute) =
                        (i % 12 + 1, i / 12 % 28 + 1, i / 336 % 24, i / 8064 % 60);
                    let held = format!("2025-{month:02}-{day:02}T{hour:02}:{minute:02}:00+08:00");
                    put(
                        &format!(
                            "minutes/2025/2025-{month:02}-{day:02}-{hour:02}{minute:02}-weekly-{i}.toml"
                        ),
                        format!(
                            "kind = \"weekly\"\ntitle = \"周会 {i}\"\nheld_at = {held}\nduration_minutes = 30\nattendees = [\"li.na\", \"wang.fang\"]\n\n[[agenda]]\ntopic = \"进度\"\n"
                        ),
                    );
                }
            }
        }
    }
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args([
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .unwrap();
    assert!(ok.success(), "git {args:?}");
}

/// The wall time of `run` (best of three) and the peak resident memory, in
/// KB, of the largest child process so far (sizes grow, so it is this one's).
fn measure(mut run: impl FnMut()) -> (Duration, i64) {
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        run();
        best = best.min(started.elapsed());
    }
    // Safety: getrusage only writes the struct it is given.
    let peak = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage.ru_maxrss
    };
    (best, peak)
}
