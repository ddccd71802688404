//! The README's commands are tests (issue 13): every `sh` block, in
//! README.md and README.zh-CN.md, runs as written, with `mkt` on the PATH,
//! each section (`## …`) on a fresh example department of its own; each
//! command exits as its comment says (`# exit status 1`, else 0), and every
//! line of a `text` block that follows shows in what the command before it
//! printed. Blocks that need a person's signing key or a terminal are named
//! in `NEEDS` and checked elsewhere (tests/cli/approvals.rs, authoring.rs).

use crate::common::*;

/// Commands left out here (by how they start), and where they are tested.
const NEEDS: &[(&str, &str)] = &[
    ("cargo ", "builds mkt itself: what CI does"),
    ("git config", "sets up a person's own git"),
    (
        "mkt approve",
        "needs the approver's key: tests/cli/approvals.rs",
    ),
    (
        "mkt sign-off",
        "needs the director's key: tests/cli/approvals.rs",
    ),
    (
        "mkt withdraw",
        "needs the approver's key: tests/cli/approvals.rs",
    ),
    (
        "mkt waive",
        "needs the director's key: tests/cli/approvals.rs",
    ),
    ("mkt team allowed-signers > .git", "tests/cli/trust.rs"),
    (
        "mkt init 市场部",
        "makes a department of its own, with a key: tests/cli/first_run.rs",
    ),
    (
        "mkt setup",
        "checks a person's own git: tests/cli/first_run.rs",
    ),
];

/// Why a command is not run here, if it is not.
fn skipped(command: &str) -> Option<&'static str> {
    let bare = command.split('#').next().unwrap_or_default().trim();
    if bare == "mkt new-campaign" {
        return Some("asks in a terminal: tests/cli/authoring.rs (rexpect)");
    }
    NEEDS
        .iter()
        .find(|(start, _)| bare.starts_with(start))
        .map(|(_, why)| *why)
}

struct Block {
    commands: Vec<String>,
    /// The `text` block after it, if one follows before the next `sh` block.
    shown: Vec<String>,
}

fn blocks(readme: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let fence = line.trim();
        if fence != "```sh" && fence != "```text" {
            continue;
        }
        let body: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
        if fence == "```sh" {
            let mut commands = Vec::new();
            let mut cur = String::new();
            for l in body {
                match l.strip_suffix('\\') {
                    Some(head) => cur.push_str(head),
                    None => {
                        cur.push_str(l);
                        commands.push(std::mem::take(&mut cur));
                    }
                }
            }
            out.push(Block {
                commands,
                shown: Vec::new(),
            });
        } else if let Some(last) = out.last_mut() {
            last.shown.extend(
                body.iter()
                    .map(|l| l.trim_end().to_string())
                    .filter(|l| !l.trim().is_empty()),
            );
        }
    }
    out
}

/// What a command's comment says its exit status is (0 unless it says).
fn expected_exit(command: &str) -> i32 {
    command
        .split_once("# exit status ")
        .and_then(|(_, n)| n.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn run_readme(file: &str) -> usize {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
        .unwrap();
    let mut sections: Vec<String> = vec![String::new()];
    for line in text.lines() {
        if line.starts_with("## ") {
            sections.push(String::new());
        }
        let last = sections.last_mut().expect("a section");
        last.push_str(line);
        last.push('\n');
    }
    sections.iter().map(|s| run_section(file, s)).sum()
}

/// Runs one section's commands in one shell (so `cd demo` carries on),
/// in the example department the section starts from.
fn run_section(file: &str, text: &str) -> usize {
    let t = TestRepo::empty();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_mkt"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // After each command, a marker with its exit status.
    let mut script = String::from("set +e\nexec 2>&1\n");
    let blocks = blocks(text);
    let makes_its_own = blocks
        .iter()
        .flat_map(|b| &b.commands)
        .any(|c| c.contains("init --example"));
    if !makes_its_own {
        script.push_str("mkt init --example demo >/dev/null && cd demo || exit 9\n");
    }
    let mut run = Vec::new();
    for block in blocks {
        let first = run.len();
        for c in &block.commands {
            if skipped(c).is_some() {
                continue;
            }
            script.push_str(&format!("{c}\necho \"::exit:: $?\"\n"));
            run.push((c.clone(), Vec::new()));
        }
        if let Some(last) = run.len().checked_sub(1).filter(|&l| l >= first) {
            run[last].1 = block.shown.clone();
        }
    }
    let out = tool(&t.home, "bash")
        .arg("-c")
        .arg(&script)
        .current_dir(t.tmp())
        .env("PATH", &path)
        .env("GIT_AUTHOR_NAME", "读者")
        .env("GIT_AUTHOR_EMAIL", "reader@example.com")
        .env("GIT_COMMITTER_NAME", "读者")
        .env("GIT_COMMITTER_EMAIL", "reader@example.com")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let pieces: Vec<&str> = stdout.split("::exit:: ").collect();
    assert_eq!(
        pieces.len(),
        run.len() + 1,
        "{file}: every command ran\n{stdout}"
    );
    for (i, (command, shown)) in run.iter().enumerate() {
        let printed = pieces[i]
            .split_once('\n')
            .map_or(pieces[i], |(_, rest)| rest);
        let printed = if i == 0 { pieces[0] } else { printed };
        let code: i32 = pieces[i + 1]
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            code,
            expected_exit(command),
            "{file}: `{command}` exited {code}\n{printed}"
        );
        for line in shown {
            assert!(
                printed.lines().any(|p| p.trim_end() == line),
                "{file}: `{command}` does not print the README's line\n{line}\n--- it printed:\n{printed}"
            );
        }
    }
    run.len()
}

#[test]
fn every_command_of_the_readme_runs_as_shown() {
    let n = run_readme("README.md");
    assert!(n >= 15, "the README's commands ran: {n}");
}

#[test]
fn every_command_of_the_chinese_readme_runs_as_shown() {
    let n = run_readme("README.zh-CN.md");
    assert!(n >= 15, "the README's commands ran: {n}");
}
