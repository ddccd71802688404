//! A department's first run (issue 14): `mkt init` from an empty folder or
//! on top of an existing repository's history, by flags or answering in a
//! real pseudo-terminal, ending with `mkt verify` and `mkt lint` green;
//! `mkt setup` (`mkt doctor`) finding what a machine lacks and `--fix`
//! setting what is a git config setting; files written with the mode the
//! umask gives; the README's own commands inside the demo keeping lint green.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

use crate::common::*;
use crate::screens::settings;

/// When the first commit is made, in every test here.
const AT: &str = "2026-01-05T09:00:00+08:00";

/// The first admin's flags.
const ADMIN_FLAGS: &[&str] = &[
    "--admin-id",
    "wang.fang",
    "--admin-name",
    "王芳",
    "--admin-email",
    "wang.fang@example.com",
];

/// `mkt ARGS` started in the temp dir holding `repo/`, at `AT`.
fn mkt_here(t: &TestRepo, args: &[&str]) -> assert_cmd::Command {
    let mut c = mkt_in(&t.home, t.tmp());
    c.args(args)
        .env("GIT_AUTHOR_DATE", AT)
        .env("GIT_COMMITTER_DATE", AT)
        .env("MKT_TODAY", &t.today);
    c
}

/// `mkt init repo ADMIN_FLAGS --new-key`: asserts it succeeded; returns stderr.
fn init_by_flags(t: &TestRepo, lang: Option<&str>) -> String {
    std::fs::remove_dir(&t.root).ok();
    let mut args = vec!["init", "repo"];
    args.extend_from_slice(ADMIN_FLAGS);
    args.push("--new-key");
    let mut cmd = mkt_here(t, &args);
    if let Some(l) = lang {
        cmd.env("MKT_LANG", l);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    stderr
}

/// `mkt verify` and `mkt lint` both exit 0, lint with no finding at all.
fn assert_green(t: &TestRepo) {
    let out = t.mkt(["verify"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "verify: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    t.assert_lint_clean(&t.today);
}

/// git itself accepts HEAD's signature, with the roster's keys as its
/// allowed signers (`mkt team allowed-signers`).
fn assert_git_verifies(t: &TestRepo, rev: &str) {
    let out = t.mkt(["team", "allowed-signers"]).output().unwrap();
    assert!(out.status.success());
    let file = t.tmp().join("allowed_signers");
    std::fs::write(&file, &out.stdout).unwrap();
    let setting = format!("gpg.ssh.allowedSignersFile={}", file.display());
    t.git(&["-c", &setting, "verify-commit", rev]);
}

#[test]
fn init_by_flags_in_an_empty_folder_ends_green() {
    let t = TestRepo::empty();
    init_by_flags(&t, None);
    // A key was made for the admin, and the roster names it.
    let public = std::fs::read_to_string(t.home.join(".ssh/id_ed25519.pub")).unwrap();
    let team = t.read("team.toml");
    let key = public.split_whitespace().nth(1).unwrap();
    assert!(team.contains(key), "{team}");
    assert!(team.contains("roles = [\"admin\"]"), "{team}");
    assert!(team.contains("valid_from = 2026-01-05"), "{team}");
    assert!(
        team.starts_with("# team.toml"),
        "the comments stay on top: {team}"
    );
    // One signed commit, nothing left over, the settings in place.
    assert_eq!(t.git(&["rev-list", "--count", "HEAD"]).trim(), "1");
    assert_eq!(t.git(&["status", "--porcelain", "--ignored"]), "");
    assert_git_verifies(&t, "HEAD");
    let head = t.git(&["rev-parse", "HEAD"]);
    for (key, value) in [
        ("core.quotePath", "false"),
        ("gpg.format", "ssh"),
        ("pull.rebase", "false"),
        ("user.name", "王芳"),
        ("user.email", "wang.fang@example.com"),
        ("mkt.trustRoot", head.trim()),
    ] {
        assert_eq!(t.git(&["config", key]).trim(), value, "{key}");
    }
    assert!(t.path(".gitignore").is_file());
    assert_green(&t);
}

#[test]
fn init_output_in_both_languages() {
    for (lang, name) in [("en", "first-run-init-en"), ("zh-CN", "first-run-init-zh")] {
        let t = TestRepo::empty();
        let stderr = init_by_flags(&t, Some(lang));
        let home = t.home.display().to_string();
        let text = stderr.replace(&home, "[HOME]");
        settings(&t).bind(|| insta::assert_snapshot!(name, text));
    }
}

#[test]
fn without_the_admin_a_script_is_told_every_flag() {
    let t = TestRepo::empty();
    std::fs::remove_dir(&t.root).unwrap();
    let out = mkt_here(&t, &["init", "repo"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--admin-id --admin-name --admin-email"),
        "{stderr}"
    );
    assert!(stderr.contains("--no-admin"), "{stderr}");
    // No key is made without asking, or without --new-key.
    let mut args = vec!["init", "repo"];
    args.extend_from_slice(ADMIN_FLAGS);
    let out = mkt_here(&t, &args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--new-key"), "{stderr}");
    assert!(!t.home.join(".ssh/id_ed25519").exists());
    assert!(!t.root.join("policy.toml").exists());
    // A bad value given as a flag is refused with the flag's name.
    let mut bad: Vec<&str> = vec!["init", "repo", "--new-key"];
    bad.extend_from_slice(ADMIN_FLAGS);
    bad[4] = "wang fang";
    let out = mkt_here(&t, &bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--admin-id"), "{stderr}");
}

// ------------------------------------------------------------ pseudo-terminal

fn expect(p: &mut PtySession, text: &str) {
    let bytes: String = text.bytes().map(char::from).collect();
    p.exp_string(&bytes)
        .unwrap_or_else(|e| panic!("waiting for `{text}`: {e}"));
}

fn answer(p: &mut PtySession, prompt: &str, answer: &str) {
    expect(p, prompt);
    p.send_line(answer).unwrap();
}

#[test]
fn init_asks_in_a_terminal_and_makes_the_key() {
    let t = TestRepo::empty();
    std::fs::remove_dir(&t.root).unwrap();
    let mut cmd = tool(&t.home, env!("CARGO_BIN_EXE_mkt"));
    cmd.current_dir(t.tmp())
        .args(["init", "repo"])
        .env("TERM", "xterm")
        .env("GIT_AUTHOR_DATE", AT)
        .env("GIT_COMMITTER_DATE", AT);
    let mut p = spawn_command(cmd, Some(30_000)).expect("mkt starts in a pseudo-terminal");
    expect(&mut p, "The first admin");
    answer(&mut p, "姓名 name", "王芳");
    // A wrong email is caught while typing and asked again.
    answer(&mut p, "邮箱 email", "wang.fang");
    expect(&mut p, "not an email address");
    answer(&mut p, "邮箱 email", "wang.fang@example.com");
    // The id is offered from the email.
    answer(&mut p, "ID (as records name them) [wang.fang]", "");
    expect(&mut p, "Make an ed25519 key at");
    p.send("y").unwrap();
    p.flush().unwrap();
    // ssh-keygen asks for the passphrase itself.
    answer(&mut p, "empty for no passphrase", "");
    answer(&mut p, "same passphrase again", "");
    expect(&mut p, "signing key: ssh SHA256:");
    expect(&mut p, "Create the repository with wang.fang");
    p.send("y").unwrap();
    p.flush().unwrap();
    expect(&mut p, "the trust root");
    p.exp_eof().ok();
    assert!(matches!(
        p.process_mut().wait().unwrap(),
        WaitStatus::Exited(_, 0)
    ));
    assert!(t.read("team.toml").contains("id = \"wang.fang\""));
    assert_git_verifies(&t, "HEAD");
    assert_green(&t);
}

// ------------------------------------------------------ an existing repository

#[test]
fn init_on_an_existing_history_lints_clean_in_every_clone() {
    let t = TestRepo::empty();
    let me = [
        "-c",
        "user.name=Someone",
        "-c",
        "user.email=someone@example.com",
    ];
    let commit = |msg: &str, date: &str| {
        let mut args: Vec<&str> = me.to_vec();
        args.extend(["commit", "-q", "-m", msg]);
        git_in(&t.home, &t.root, &args, Some(date));
    };
    t.git(&["init", "-q", "-b", "main"]);
    t.write("README.md", "# 市场部\n");
    t.git(&["add", "README.md"]);
    commit("readme", "2025-11-01T10:00:00+08:00");
    t.write("LICENSE", "all rights reserved\n");
    t.write(".gitignore", "*.log\n");
    t.git(&["add", "LICENSE", ".gitignore"]);
    commit("license", "2025-12-01T10:00:00+08:00");
    let before = t.git(&["rev-parse", "HEAD"]);
    // Something staged stays staged, and out of mkt's commits.
    t.write("README.md", "# 市场部\n\n我们的仓库。\n");
    t.git(&["add", "README.md"]);

    // The admin's existing key, named by its .pub.
    let key = t.person("zhang.wei").clone();
    let public = format!("{}.pub", key.key_file.display());
    let mut args = vec![
        "-C",
        "repo",
        "init",
        "--admin-id",
        "zhang.wei",
        "--admin-name",
        "张伟",
        "--admin-email",
        "zhang.wei@example.com",
        "--key",
    ];
    args.push(&public);
    let out = mkt_here(&t, &args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("on top of its history"), "{stderr}");

    // Two signed commits on top: the roster, then the policy.
    assert_eq!(t.git(&["rev-parse", "HEAD~2"]), before);
    let roster = t.git(&["rev-parse", "HEAD~1"]);
    let changed = |rev: &str| {
        t.git(&["diff-tree", "--no-commit-id", "--name-only", "-r", rev])
            .lines()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        changed("HEAD~1"),
        [
            ".gitignore",
            "campaigns/.gitkeep",
            "incidents/.gitkeep",
            "minutes/.gitkeep",
            "reports/.gitkeep",
            "team.toml"
        ]
    );
    assert_eq!(changed("HEAD"), ["policy.toml"]);
    assert_git_verifies(&t, "HEAD");
    assert_git_verifies(&t, "HEAD~1");
    assert_eq!(t.git(&["config", "mkt.trustRoot"]), roster);
    assert_eq!(
        t.git(&["config", "user.signingkey"]).trim(),
        key.key_file.display().to_string()
    );
    // The .gitignore kept its line and gained mkt's.
    let ignore = t.read(".gitignore");
    assert!(ignore.starts_with("*.log\n"), "{ignore}");
    assert!(ignore.contains("*.html\n/man/\n"), "{ignore}");
    assert_eq!(
        t.git(&["diff", "--cached", "--name-only"]).trim(),
        "README.md"
    );
    assert_green(&t);

    // Another clone, with nothing pinned, decides the same from the graph:
    // the first roster is signed by the admin it names, the policy by that admin.
    let other = t.tmp().join("clone");
    git_in(
        &t.home,
        t.tmp(),
        &["clone", "-q", t.root.to_str().unwrap(), "clone"],
        None,
    );
    let out = mkt_in(&t.home, &other)
        .args(["lint", "--format", "json"])
        .env("MKT_TODAY", &t.today)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_clean(&json);
}

// ------------------------------------------------------------------ mkt setup

/// `mkt setup ARGS` in `t` (as `lang`): exit status and stdout.
fn setup(t: &TestRepo, lang: &str, args: &[&str]) -> (i32, String) {
    let mut a = vec!["setup"];
    a.extend_from_slice(args);
    let out = t.mkt(&a).env("MKT_LANG", lang).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// A clone as a new team member has it: the standard roster signed, their
/// key in it, but git not set up for mkt.
fn unready_clone() -> TestRepo {
    let t = TestRepo::with_team();
    let key = t.key_file("li.na");
    t.git(&["config", "user.signingkey", key.to_str().unwrap()]);
    t.git(&["config", "--unset", "user.name"]);
    t.git(&["config", "--unset", "user.email"]);
    t.git(&["config", "--unset", "core.quotePath"]);
    t.git(&["config", "--unset", "pull.rebase"]);
    // gpg is not needed here; a name no machine has keeps the output the same everywhere.
    t.git(&["config", "gpg.program", "gpg-not-installed-here"]);
    t
}

#[test]
fn setup_finds_the_problems_and_fix_sets_them() {
    let t = unready_clone();
    let (code, before) = setup(&t, "en", &[]);
    assert_eq!(code, 1, "{before}");
    for line in [
        "✗ git has no user.name or user.email",
        "is an SSH key, but gpg.format is not ssh",
        "fix: git config gpg.format ssh",
        "fix: git config core.quotePath false",
        "fix: git config pull.rebase false",
        "✗ no trust root pinned",
        "fix: git config mkt.trustRoot ",
        "✓ ssh-keygen: found",
        "· gpg-not-installed-here is not found; nothing here needs it",
    ] {
        assert!(before.contains(line), "`{line}` not in:\n{before}");
    }
    let (code, fixed) = setup(&t, "en", &["--fix"]);
    assert_eq!(code, 0, "{fixed}");
    assert!(
        fixed.contains("fixed: git config user.name 李娜"),
        "{fixed}"
    );
    assert!(
        fixed.contains("✓ in the signed team.toml: li.na 李娜 (supervisor)"),
        "{fixed}"
    );
    assert!(fixed.contains("all set"), "{fixed}");
    // What --fix set is in the clone's own config, and holds.
    // The pin offered is the first signed roster (the root commit's has no admin).
    let roster = t.git(&["log", "-1", "--format=%H", "--", "team.toml"]);
    assert_eq!(t.git(&["config", "--local", "mkt.trustRoot"]), roster);
    assert_eq!(t.git(&["config", "--local", "gpg.format"]).trim(), "ssh");
    assert_eq!(
        t.git(&["config", "--local", "user.email"]).trim(),
        "li.na@example.com"
    );
    let (code, after) = setup(&t, "en", &[]);
    assert_eq!(code, 0, "{after}");
    // The alias.
    let out = t.mkt(["doctor"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn setup_output_in_both_languages() {
    for lang in ["en", "zh-CN"] {
        let t = unready_clone();
        let home = t.home.display().to_string();
        let mut text = String::new();
        for args in [&[][..], &["--fix"][..]] {
            let (code, out) = setup(&t, lang, args);
            let shown = ["mkt setup"]
                .iter()
                .chain(args)
                .copied()
                .collect::<Vec<_>>();
            text.push_str(&format!(
                "$ {}\n{out}--- exit status {code}\n",
                shown.join(" ")
            ));
        }
        let text = text.replace(&home, "[HOME]");
        let name = format!("first-run-setup-{}", if lang == "en" { "en" } else { "zh" });
        settings(&t).bind(|| insta::assert_snapshot!(name, text));
    }
}

#[test]
fn setup_names_what_only_a_person_can_fix() {
    let t = TestRepo::with_team();
    // A key the roster does not know.
    let stranger = t.home.join(".ssh/stranger");
    let out = tool(&t.home, "ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "stranger", "-f"])
        .arg(&stranger)
        .output()
        .unwrap();
    assert!(out.status.success());
    t.git(&["config", "gpg.format", "ssh"]);
    t.git(&["config", "user.signingkey", stranger.to_str().unwrap()]);
    let (code, out) = setup(&t, "en", &["--fix"]);
    assert_eq!(code, 1, "{out}");
    let public = std::fs::read_to_string(format!("{}.pub", stranger.display())).unwrap();
    let line = format!("ssh = \"{}\"", public.trim());
    assert!(
        out.contains("your signing key is not in the signed team.toml"),
        "{out}"
    );
    assert!(out.contains(&line), "`{line}` not in:\n{out}");

    // A shallow clone: the fix is a fetch, not a setting.
    let shallow = t.tmp().join("shallow");
    let url = format!("file://{}", t.root.display());
    git_in(
        &t.home,
        t.tmp(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
        None,
    );
    let out = mkt_in(&t.home, &shallow)
        .args(["setup", "--fix"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("a shallow clone"), "{stdout}");
    assert!(stdout.contains("fix: git fetch --unshallow"), "{stdout}");

    // Outside any repository: this machine's git alone, the rest noted.
    let out = mkt_in(&t.home, &t.home).args(["setup"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("not in a marketing repository"), "{stdout}");
    assert!(stdout.contains("git config --global"), "{stdout}");
}

// ----------------------------------------------------------------- file modes

/// The permission bits of a file.
fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

/// `mkt ARGS` under `umask`, in `dir`.
fn under_umask(t: &TestRepo, umask: &str, dir: &Path, args: &[&str]) {
    let mut cmd = tool(&t.home, "sh");
    cmd.current_dir(dir)
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_mkt"))
        .args(args)
        .env("MKT_TODAY", "2026-11-25");
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "mkt {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn files_take_their_mode_from_the_umask() {
    for (umask, file, key) in [("022", 0o644, 0o600), ("077", 0o600, 0o600)] {
        let t = TestRepo::empty();
        std::fs::remove_dir(&t.root).unwrap();
        under_umask(&t, umask, t.tmp(), &["init", "--example", "repo"]);
        under_umask(&t, umask, &t.root, &["man", "--out", "man"]);
        let approval = t
            .git(&["ls-files", "campaigns/*/approvals/*.toml"])
            .lines()
            .next()
            .expect("the example has approvals")
            .to_string();
        let man = std::fs::read_dir(t.path("man"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        for p in [
            t.path("policy.toml"),
            t.path("team.toml"),
            t.path(".gitignore"),
            t.path("campaigns/春季促销-2026-03V1/campaign.toml"),
            t.path(&approval),
            man,
        ] {
            assert_eq!(mode(&p), file, "umask {umask}: {}", p.display());
        }
        let demo_key = t.path(".git/mkt-demo-keys/zhang.wei");
        assert_eq!(mode(&demo_key), key, "umask {umask}: a private key");
    }
}

// ------------------------------------------------------- the README in the demo

#[test]
fn the_readme_commands_in_the_demo_keep_lint_green() {
    let t = TestRepo::example();
    let before = t.lint_expect("2026-11-25", 0);
    let mut cmd = tool(&t.home, "sh");
    cmd.current_dir(&t.root)
        .arg("-c")
        .arg("\"$0\" report --quarter 2026Q2 --format html > q2.html && \"$0\" man --out man/")
        .arg(env!("CARGO_BIN_EXE_mkt"))
        .env("MKT_TODAY", "2026-11-25");
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(t.path("q2.html").is_file() && t.path("man").is_dir());
    let after = t.lint_expect("2026-11-25", 0);
    assert_no(&after, "F003");
    assert_eq!(keyed(&after), keyed(&before));
    assert_eq!(t.git(&["status", "--porcelain"]), "");
}
