//! Benchmark: `mkt lint` over a synthetic department with years of history
//! (2,000 campaigns, 10,000 minutes files, one commit per file), against
//! reading the same history with `git log --name-status` — the least a
//! script checking minutes deadlines would have to do.
//!
//! Run: `cargo bench --bench lint` (builds mkt in release). Shape with
//! MKT_BENCH_CAMPAIGNS (default 2000) and MKT_BENCH_LAYOUT=year (campaigns
//! under `campaigns/<YYYY>/`); MKT_BENCH_GENERATE_ONLY=1 with MKT_BENCH_DIR
//! only writes the repository, for timing by hand.

mod synth;

use synth::median_time as time;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn main() {
    let campaigns: usize = std::env::var("MKT_BENCH_CAMPAIGNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let tmp = tempfile::tempdir().unwrap();
    // MKT_BENCH_DIR keeps the generated repository for profiling.
    let dir = synth::prepared(
        tmp.path(),
        "dept",
        &synth::Shape {
            campaigns,
            dept_minutes: campaigns,
            signed: false,
            layout: synth::Layout::from_env(),
        },
    );
    if std::env::var_os("MKT_BENCH_GENERATE_ONLY").is_some() {
        println!("{}", dir.display());
        return;
    }
    let mkt = env!("CARGO_BIN_EXE_mkt");
    let run = |cmd: &mut Command| {
        let out = cmd.output().unwrap();
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    let lint = || {
        run(Command::new(mkt)
            .args(["lint", "--format", "json", "--today", "2026-11-25"])
            .current_dir(&dir));
    };
    let out = run(Command::new(mkt)
        .args(["lint", "--format", "json", "--today", "2026-11-25"])
        .current_dir(&dir));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    println!(
        "lint findings: {}",
        v["findings"].as_array().map(|a| a.len()).unwrap_or(0)
    );
    // Cold: as CI sees a fresh clone, without mkt's history cache.
    let cache = dir.join(".git/mkt/history-cache");
    let cold = time(3, || {
        let _ = std::fs::remove_file(&cache);
        lint();
    });
    lint();
    let mkt_time = time(5, lint);
    println!(
        "mkt lint, cold (no .git/mkt cache):      {:>8.1} ms",
        cold.as_secs_f64() * 1e3
    );
    let git_time = time(5, || {
        run(Command::new("git")
            .args(["log", "--name-status", "--format=%H %ct"])
            .current_dir(&dir));
    });
    report(&dir, mkt_time, git_time);
    // What cold lint is held against (issue 17): git reading every commit's
    // changes with full ids.
    let raw_time = time(3, || {
        run(Command::new("git")
            .args(["log", "--raw", "--no-abbrev", "--format=%H %ct"])
            .current_dir(&dir));
    });
    println!(
        "git log --raw --no-abbrev:               {:>8.1} ms",
        raw_time.as_secs_f64() * 1e3
    );
    println!(
        "ratio cold mkt lint / git log --raw:     {:>8.2}",
        cold.as_secs_f64() / raw_time.as_secs_f64()
    );

    // The quarterly report over the same department (issue 5's target: under
    // a second). It loads the whole repository and runs every rule for the
    // findings section, whatever the quarter.
    for (quarter, format) in [
        ("2023Q2", "json"),
        ("2023Q2", "html"),
        ("2025Q4", "markdown"),
    ] {
        let t = time(3, || {
            run(Command::new(mkt)
                .args([
                    "report",
                    "--quarter",
                    quarter,
                    "--format",
                    format,
                    "--today",
                    "2026-11-25",
                ])
                .current_dir(&dir));
        });
        println!(
            "mkt report --quarter {quarter} --format {format:<8}   {:>8.1} ms",
            t.as_secs_f64() * 1e3
        );
    }
}

fn report(_dir: &Path, mkt: Duration, git: Duration) {
    println!(
        "mkt lint, warm (whole repo, all rules):  {:>8.1} ms",
        mkt.as_secs_f64() * 1e3
    );
    println!(
        "git log --name-status (history only):    {:>8.1} ms",
        git.as_secs_f64() * 1e3
    );
    println!(
        "ratio mkt lint / git log:                {:>8.2}",
        mkt.as_secs_f64() / git.as_secs_f64()
    );
}
