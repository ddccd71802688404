//! Benchmark: verifying a signed department — 2,000 campaigns, 10,000
//! signed approvals (per campaign: the budget, a purchase's three steps,
//! the closing sign-off) — with `mkt verify` and a whole `mkt lint`,
//! against plain git checking the same approval commits with `mkt team
//! allowed-signers` (the tool a user would otherwise use), per signed
//! commit, in the same run. git checks each signature once: `git log
//! --format=%G?` (asking for `--show-signature` as well would make git
//! check every signature twice).
//!
//! Run: `cargo bench --bench verify`. MKT_BENCH_CAMPAIGNS sets the size;
//! MKT_BENCH_GIT_COMMITS limits how many of the approval commits git checks
//! (default: all of them; git runs ssh-keygen once per signature, so that
//! takes a few minutes).

mod synth;

use synth::median_time as time;

use std::process::Command;
use std::time::Duration;

fn main() {
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let campaigns = env("MKT_BENCH_CAMPAIGNS", 2000);
    let git_n = env("MKT_BENCH_GIT_COMMITS", usize::MAX);
    let tmp = tempfile::tempdir().unwrap();
    let dir = synth::prepared(
        tmp.path(),
        "signed",
        &synth::Shape {
            campaigns,
            dept_minutes: campaigns,
            signed: true,
            layout: synth::Layout::from_env(),
        },
    );
    let mkt = env!("CARGO_BIN_EXE_mkt");
    let out = Command::new(mkt)
        .args(["verify", "--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("verify prints JSON");
    let checked = v["checked"].as_u64().unwrap_or(0);
    let failed = v["failed"].as_u64().unwrap_or(0);
    let approvals = checked - 1; // less the root roster
    println!("mkt verify: {checked} entries checked, {failed} failed");
    assert_eq!(failed, 0, "the synthetic signatures must all verify");

    let cache = dir.join(".git/mkt/history-cache");
    let lint_cold = time(3, || {
        let _ = std::fs::remove_file(&cache);
        let st = Command::new(mkt)
            .args(["lint", "--format", "json", "--today", "2026-11-25"])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(st.status.code().is_some_and(|c| c <= 1));
    });
    let verify = time(5, || {
        let st = Command::new(mkt)
            .args(["verify", "--format", "json"])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(st.status.success());
    });
    let lint = time(5, || {
        let st = Command::new(mkt)
            .args(["lint", "--format", "json", "--today", "2026-11-25"])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(st.status.code().is_some_and(|c| c <= 1));
    });

    // `lint --since` of one new commit (a pull request adding a review to
    // one campaign), against the whole lint of that commit: the commit is
    // made with plain git on a side branch, the work tree left as it is.
    let since_commit = one_more_minutes(&dir);
    let lint_at = |extra: &[&str]| {
        let st = Command::new(mkt)
            .args([
                "lint",
                "--format",
                "json",
                "--today",
                "2026-11-25",
                "--rev",
                &since_commit,
            ])
            .args(extra)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            st.status.code().is_some_and(|c| c <= 1),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
        st.stdout
    };
    let new: serde_json::Value = serde_json::from_slice(&lint_at(&["--since", "HEAD"])).unwrap();
    println!(
        "lint --since HEAD of one commit: {} new findings",
        new["findings"].as_array().map_or(0, |a| a.len())
    );
    let whole_at = time(5, || {
        lint_at(&[]);
    });
    let since = time(5, || {
        lint_at(&["--since", "HEAD"]);
    });

    // git: the same signatures through ssh-keygen, with mkt's allowed_signers.
    let allowed = tmp.path().join("allowed_signers");
    let signers = Command::new(mkt)
        .args(["team", "allowed-signers"])
        .current_dir(&dir)
        .output()
        .unwrap();
    std::fs::write(&allowed, signers.stdout).unwrap();
    let git_log = || {
        let mut cmd = Command::new("git");
        cmd.current_dir(&dir)
            .arg("-c")
            .arg(format!("gpg.ssh.allowedSignersFile={}", allowed.display()))
            .args([
                "log",
                "--format=%H %G?",
                "--grep=^approve(",
                "--grep=^sign-off(",
            ]);
        if git_n != usize::MAX {
            cmd.arg(format!("-n{git_n}"));
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success());
        out.stdout
    };
    // One timed run (mkt's runs have warmed the page cache): over 10,000
    // commits it takes minutes.
    let started = std::time::Instant::now();
    let text = git_log();
    let git = started.elapsed();
    let text = String::from_utf8_lossy(&text);
    let git_n = text.lines().count();
    let good = text.lines().filter(|l| l.ends_with(" G")).count();
    println!("git log --format=%G?: {good} of {git_n} signed approvals good");
    assert_eq!(good, git_n, "git and mkt agree on every approval");

    let per = |d: Duration, n: u64| d.as_secs_f64() * 1e6 / n as f64;
    let mkt_per = per(verify, approvals);
    let git_per = per(git, git_n as u64);
    println!(
        "mkt verify ({approvals} signed approvals):    {:>9.1} ms  {:>8.1} µs/commit",
        verify.as_secs_f64() * 1e3,
        mkt_per
    );
    println!(
        "mkt lint, warm (all rules, same repository): {:>8.1} ms",
        lint.as_secs_f64() * 1e3
    );
    println!(
        "mkt lint, cold (no .git/mkt history cache):  {:>8.1} ms",
        lint_cold.as_secs_f64() * 1e3
    );
    println!(
        "mkt lint --rev C (one commit past HEAD):    {:>9.1} ms",
        whole_at.as_secs_f64() * 1e3
    );
    println!(
        "mkt lint --rev C --since HEAD:              {:>9.1} ms  ({:.0}% of the whole lint)",
        since.as_secs_f64() * 1e3,
        100.0 * since.as_secs_f64() / whole_at.as_secs_f64()
    );
    println!(
        "git log --format=%G? ({git_n} commits):      {:>9.1} ms  {:>8.1} µs/commit",
        git.as_secs_f64() * 1e3,
        git_per
    );
    println!(
        "per signed commit, git / mkt:               {:>9.0}x",
        git_per / mkt_per
    );
}

/// A commit on top of HEAD that adds one review to the first campaign,
/// made with git plumbing (a scratch index; HEAD, the index and the work
/// tree are untouched). Its id.
fn one_more_minutes(dir: &std::path::Path) -> String {
    let git = |args: &[&str], input: Option<&str>| -> String {
        let mut cmd = Command::new("git");
        cmd.current_dir(dir)
            .env("GIT_INDEX_FILE", dir.join(".git/bench-since-index"))
            .args(["-c", "core.quotePath=false"])
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        if let Some(text) = input {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "git {args:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let listing = git(
        &["ls-tree", "-r", "--name-only", "HEAD", "campaigns/"],
        None,
    );
    let minutes = listing
        .lines()
        .find(|p| p.contains("/minutes/") && p.contains("review"))
        .expect("a campaign with a review");
    let text = git(&["show", &format!("HEAD:{minutes}")], None);
    let (folder, _) = minutes.rsplit_once('/').unwrap();
    let name = minutes
        .rsplit('/')
        .next()
        .unwrap()
        .replace(".toml", "-again.toml");
    let blob = git(
        &["hash-object", "-w", "--stdin"],
        Some(&format!("{text}\n")),
    );
    git(&["read-tree", "HEAD"], None);
    git(
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("100644,{blob},{folder}/{name}"),
        ],
        None,
    );
    let tree = git(&["write-tree"], None);
    let _ = std::fs::remove_file(dir.join(".git/bench-since-index"));
    git(
        &[
            "commit-tree",
            &tree,
            "-p",
            "HEAD",
            "-m",
            "minutes: one more review",
        ],
        None,
    )
}
