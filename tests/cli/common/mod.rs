//! Shared helpers for the integration tests: a real marketing repository in a
//! temp dir, real git, the real `mkt` binary. Nothing here sees the
//! developer's git setup: every process gets its own `HOME`, no system or
//! global git config, and a fixed "today".

#![allow(dead_code)]

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// The "today" tests run at unless they say otherwise.
pub const DEFAULT_TODAY: &str = "2026-02-20";

/// A moment well before every campaign the tests write, for setup commits.
pub const SETUP_DATE: &str = "2026-01-05T09:00:00+08:00";

/// A standard roster: every role of SPEC 4.6 is held by someone.
pub const STANDARD_TEAM: &str = r#"# 团队名册 (test roster)
[[people]]
id = "zhang.wei"
name = "张伟"
email = "zhang.wei@example.com"
roles = ["department_head", "admin"]

[[people]]
id = "wang.fang"
name = "王芳"
email = "wang.fang@example.com"
roles = ["director"]
group = "content"

[[people]]
id = "li.na"
name = "李娜"
email = "li.na@example.com"
roles = ["supervisor"]
group = "content"

[[people]]
id = "zhao.lei"
name = "赵磊"
email = "zhao.lei@example.com"
roles = ["specialist"]
group = "channel"

[[people]]
id = "chen.jing"
name = "陈静"
email = "chen.jing@example.com"
roles = ["finance"]

[[people]]
id = "liu.yang"
name = "刘洋"
email = "liu.yang@example.com"
roles = ["ceo"]

[[people]]
id = "sun.li"
name = "孙丽"
email = "sun.li@example.com"
roles = ["legal"]
"#;

/// The admin of the standard roster: signs every roster change.
pub const ADMIN: &str = "zhang.wei";

/// The director of the standard roster: approves budgets above 50,000.
pub const DIRECTOR: &str = "wang.fang";

/// `valid_from` of every key in the standard roster.
pub const KEYS_VALID_FROM: &str = "2026-01-01";

/// Who runs each phase of the plans tests write (`campaign_plan`): the
/// content specialist, so a campaign's own owner stays its only `owner =`.
pub const PHASE_OWNER: &str = "zhao.lei";

/// The standard split of an 80,000 yuan budget (reserve 12.5 %).
pub const STANDARD_ALLOCATION: &[(&str, i64)] = &[
    ("channel", 45000),
    ("content", 15000),
    ("event", 10000),
    ("reserve", 10000),
];

/// The one environment every process a test starts gets (mkt, git,
/// ssh-keygen, gpg, a pseudo-terminal): nothing of the developer's leaks in
/// — no ssh-agent, no `git -c` (`GIT_CONFIG_PARAMETERS`), no EDITOR, no
/// `GIT_*`, no `CI`, no locale or zone — only the search path, a temp
/// `HOME` (with its own GNUPGHOME) and git told to read no system or
/// global configuration. A test adds what it means to set.
pub fn clean_env(cmd: &mut StdCommand, home: &Path) {
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GNUPGHOME", home.join(".gnupg"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("LANG", "C.UTF-8")
        .env("TZ", "UTC")
        .env("NO_COLOR", "1");
}

/// Any program (ssh-keygen, gpg, mkt in a pseudo-terminal) in the one test
/// environment.
pub fn tool(home: &Path, program: impl AsRef<std::ffi::OsStr>) -> StdCommand {
    isolate(StdCommand::new(program), home)
}

/// `cmd` with the one test environment (`clean_env`).
fn isolate(mut cmd: StdCommand, home: &Path) -> StdCommand {
    clean_env(&mut cmd, home);
    cmd
}

/// `mkt` with the isolated environment, started in `cwd`, without `-C`.
pub fn mkt_in(home: &Path, cwd: &Path) -> Command {
    let bin = assert_cmd::cargo::cargo_bin("mkt");
    let mut cmd = Command::from_std(isolate(StdCommand::new(bin), home));
    cmd.current_dir(cwd);
    cmd
}

/// `git` with the isolated environment, in `dir`; panics if git fails.
pub fn git_in(home: &Path, dir: &Path, args: &[&str], date: Option<&str>) -> String {
    let mut cmd = isolate(StdCommand::new("git"), home);
    if let Some(d) = date {
        cmd.env("GIT_AUTHOR_DATE", d).env("GIT_COMMITTER_DATE", d);
    }
    let out = cmd.current_dir(dir).args(args).output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A marketing repository in a temp dir.
pub struct TestRepo {
    tmp: TempDir,
    /// The repository's work tree (`<tmp>/repo`).
    pub root: PathBuf,
    /// The `HOME` of every process (`<tmp>/home`).
    pub home: PathBuf,
    /// What `MKT_TODAY` is set to for `mkt()`.
    pub today: String,
    /// The people of the standard roster with their keys, made on first use.
    people: OnceCell<Vec<TestPerson>>,
}

/// A person of the standard roster and their ed25519 key.
#[derive(Debug, Clone)]
pub struct TestPerson {
    pub id: String,
    pub name: String,
    pub email: String,
    /// The private key file, `<home>/.ssh/<id>` (no passphrase).
    pub key_file: PathBuf,
    /// The public key line, `ssh-ed25519 AAAA… <id>@mkt-test`.
    pub public_key: String,
}

impl TestRepo {
    /// A temp dir with a home and an empty `repo/` folder: nothing initialized.
    pub fn empty() -> TestRepo {
        let tmp = tempfile::Builder::new()
            .prefix("mkt-test-")
            .tempdir()
            .expect("temp dir");
        let root = tmp.path().join("repo");
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        TestRepo {
            tmp,
            root,
            home,
            today: DEFAULT_TODAY.to_string(),
            people: OnceCell::new(),
        }
    }

    /// `mkt init --no-admin`: policy.toml, the team.toml template, the
    /// folders, one unsigned commit (a test then writes its roster).
    pub fn new() -> TestRepo {
        TestRepo::init(&["--no-admin"])
    }

    /// `mkt init --example`: the sample department.
    pub fn example() -> TestRepo {
        TestRepo::init(&["--example"])
    }

    fn init(extra: &[&str]) -> TestRepo {
        let t = TestRepo::empty();
        std::fs::remove_dir(&t.root).unwrap();
        // The first commit is dated before anything a test commits.
        let out = mkt_in(&t.home, t.tmp.path())
            .env("GIT_AUTHOR_DATE", "2026-01-01T09:00:00+08:00")
            .env("GIT_COMMITTER_DATE", "2026-01-01T09:00:00+08:00")
            .arg("init")
            .arg("repo")
            .args(extra)
            .output()
            .expect("mkt runs");
        assert!(
            out.status.success(),
            "mkt init {extra:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        t.git(&["config", "user.name", "测试员"]);
        t.git(&["config", "user.email", "tester@example.com"]);
        t.git(&["config", "commit.gpgsign", "false"]);
        t
    }

    /// `new()` with the standard team.toml (every person with a key)
    /// committed, the commit signed by the admin: the roster counts.
    pub fn with_team() -> TestRepo {
        let t = TestRepo::new();
        t.write_team();
        t.commit_roster("team: the roster", SETUP_DATE);
        t
    }

    /// The temp dir holding `repo/` and `home/`.
    pub fn tmp(&self) -> &Path {
        self.tmp.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Writes a file (creating folders), relative to the root.
    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, bytes).unwrap_or_else(|e| panic!("writing {rel}: {e}"));
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).unwrap_or_else(|e| panic!("removing {rel}: {e}"));
    }

    /// Replaces the only occurrence of `from` in a file.
    pub fn replace(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert_eq!(
            text.matches(from).count(),
            1,
            "`{from}` should occur once in {rel}:\n{text}"
        );
        self.write(rel, &text.replacen(from, to, 1));
    }

    /// Runs git in the repository; returns stdout.
    pub fn git(&self, args: &[&str]) -> String {
        git_in(&self.home, &self.root, args, None)
    }

    /// `git add -A && git commit`, author and committer date `date`
    /// (like `2026-02-25T10:00:00+08:00`).
    pub fn commit_all(&self, msg: &str, date: &str) {
        git_in(&self.home, &self.root, &["add", "-A"], None);
        git_in(
            &self.home,
            &self.root,
            &["commit", "-q", "--allow-empty", "-m", msg],
            Some(date),
        );
    }

    /// `mkt -C <root> ARGS` with the isolated environment and `MKT_TODAY`.
    pub fn mkt<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut cmd = mkt_in(&self.home, self.tmp.path());
        cmd.arg("-C").arg(&self.root).args(args);
        cmd.env("MKT_TODAY", &self.today);
        cmd
    }

    /// `mkt lint --format json` at `today`: the exit code and the document.
    /// Asserts that lint ran (exit 0 or 1, never 2 or a panic) and that the
    /// exit code agrees with the findings (1 exactly when there is an error).
    pub fn lint_run(&self, today: &str) -> (i32, Value) {
        let out = self
            .mkt(["lint", "--format", "json", "--today", today])
            .output()
            .expect("mkt runs");
        let code = out.status.code().expect("mkt exited, not killed");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            code == 0 || code == 1,
            "mkt lint exited {code}\nstdout: {stdout}\nstderr: {stderr}"
        );
        let json: Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("lint --format json is not JSON ({e}): {stdout}"));
        let errors = findings_all(&json)
            .iter()
            .filter(|f| f["severity"] == "error" && f.get("waived").is_none())
            .count();
        assert_eq!(
            code,
            if errors > 0 { 1 } else { 0 },
            "exit code disagrees with the findings: {json:#}"
        );
        (code, json)
    }

    /// `mkt lint --format json` at `today`.
    pub fn lint_json(&self, today: &str) -> Value {
        self.lint_run(today).1
    }

    /// Asserts lint at `today` finds nothing and exits 0.
    pub fn assert_lint_clean(&self, today: &str) {
        let (code, json) = self.lint_run(today);
        assert_clean(&json);
        assert_eq!(code, 0);
    }

    /// Lint at `today`, asserting its exit code; returns the document.
    pub fn lint_expect(&self, today: &str, code: i32) -> Value {
        let (got, json) = self.lint_run(today);
        assert_eq!(got, code, "exit code; findings: {json:#}");
        json
    }

    /// Writes the standard roster to team.toml, every person with their
    /// key (see `team_toml`). Commit it with `commit_roster` so it counts.
    pub fn write_team(&self) {
        self.write("team.toml", &self.team_toml());
    }

    /// `STANDARD_TEAM` with a `[[people.keys]]` entry after each person:
    /// their public key, valid from `KEYS_VALID_FROM`.
    pub fn team_toml(&self) -> String {
        let people = self.people();
        let mut blocks = Vec::new();
        for block in STANDARD_TEAM.trim_end().split("\n\n") {
            let id = toml_string(block, "id");
            let p = people
                .iter()
                .find(|p| p.id == id)
                .expect("every person has a key");
            blocks.push(format!(
                "{block}\n\n[[people.keys]]\nssh = \"{}\"\nvalid_from = {KEYS_VALID_FROM}",
                p.public_key
            ));
        }
        blocks.join("\n\n") + "\n"
    }

    /// The people of the standard roster with their keys. The keys are made
    /// once per repository, on first use, by `ssh-keygen -t ed25519 -N ''`
    /// into `<home>/.ssh/`.
    pub fn people(&self) -> &[TestPerson] {
        self.people.get_or_init(|| make_keys(&self.home))
    }

    /// A person of the standard roster, with their key.
    pub fn person(&self, id: &str) -> &TestPerson {
        self.people()
            .iter()
            .find(|p| p.id == id)
            .unwrap_or_else(|| panic!("{id} is not in the standard roster"))
    }

    /// A person's private key file (no passphrase).
    pub fn key_file(&self, id: &str) -> PathBuf {
        self.person(id).key_file.clone()
    }

    /// `git add -A && git commit -S` as `person`: author and committer are
    /// the person, the commit is signed the way git signs with SSH
    /// (`gpg.format=ssh`, `user.signingkey=<their key file>`), dated `date`.
    pub fn commit_all_signed(&self, msg: &str, date: &str, person: &str) {
        let p = self.person(person).clone();
        let key = p.key_file.to_str().expect("a UTF-8 temp path").to_string();
        let name = format!("user.name={}", p.name);
        let email = format!("user.email={}", p.email);
        let signing_key = format!("user.signingkey={key}");
        git_in(&self.home, &self.root, &["add", "-A"], None);
        git_in(
            &self.home,
            &self.root,
            &[
                "-c",
                "gpg.format=ssh",
                "-c",
                &signing_key,
                "-c",
                &name,
                "-c",
                &email,
                "commit",
                "-q",
                "-S",
                "--allow-empty",
                "-m",
                msg,
            ],
            Some(date),
        );
    }

    /// `commit_all_signed` by the admin: how a roster change is committed.
    pub fn commit_roster(&self, msg: &str, date: &str) {
        self.commit_all_signed(msg, date, ADMIN);
    }

    /// `mkt ARGS --key <person's key file>` with `GIT_COMMITTER_DATE=at`: an
    /// approve or sign-off command as that person, at that moment.
    pub fn mkt_as(&self, person: &str, at: &str, args: &[&str]) -> Command {
        let key = self.key_file(person);
        let mut cmd = self.mkt(args);
        cmd.arg("--key").arg(key).env("GIT_COMMITTER_DATE", at);
        cmd
    }

    /// `mkt approve <id>` (and `extra` arguments) as `person` at `at`, through
    /// the real binary; asserts it succeeded and committed exactly one
    /// approval file, and returns that file's path.
    pub fn approve_as(&self, person: &str, id: &str, at: &str, extra: &[&str]) -> String {
        let mut args = vec!["approve", id];
        args.extend_from_slice(extra);
        self.run_approval(person, at, &args)
    }

    /// `approve_as` with no extra arguments: the next stage of a campaign.
    pub fn approve(&self, person: &str, id: &str, at: &str) -> String {
        self.approve_as(person, id, at, &[])
    }

    /// `mkt sign-off <path>` as `person` at `at`; returns the sign-off file.
    pub fn sign_off(&self, person: &str, path: &str, at: &str) -> String {
        self.run_approval(person, at, &["sign-off", path])
    }

    fn run_approval(&self, person: &str, at: &str, args: &[&str]) -> String {
        let before = self.git(&["rev-parse", "HEAD"]);
        let out = self.mkt_as(person, at, args).output().expect("mkt runs");
        assert!(
            out.status.success(),
            "mkt {args:?} as {person} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let parent = self.git(&["rev-parse", "HEAD^"]);
        assert_eq!(
            parent, before,
            "mkt {args:?} made one commit on top of HEAD"
        );
        let files = self.git(&[
            "diff-tree",
            "--no-commit-id",
            "--name-only",
            "-r",
            "-z",
            "HEAD",
        ]);
        let files: Vec<&str> = files.split('\0').filter(|f| !f.is_empty()).collect();
        assert_eq!(files.len(), 1, "one file in the approval commit: {files:?}");
        files[0].to_string()
    }

    /// Writes a valid campaign.toml to `campaigns/<id>/`; returns its path.
    pub fn write_campaign(
        &self,
        id: &str,
        start: &str,
        end: &str,
        owner: &str,
        total: i64,
        allocation: &[(&str, i64)],
    ) -> String {
        let path = format!("campaigns/{id}/campaign.toml");
        self.write(
            &path,
            &(campaign_toml(id, start, end, owner, total, allocation) + &campaign_plan(start, end)),
        );
        path
    }

    /// `write_campaign` with owner li.na and the standard 80,000 split.
    pub fn write_standard_campaign(&self, id: &str, start: &str, end: &str) -> String {
        self.write_campaign(id, start, end, "li.na", 80000, STANDARD_ALLOCATION)
    }

    /// Writes a minutes file named after `held_at` (`2026-02-25T10:00:00+08:00`)
    /// and `kind`, under `campaigns/<campaign>/minutes/` or, without a
    /// campaign, `minutes/<YYYY>/`. Returns its path.
    pub fn write_minutes(&self, campaign: Option<&str>, kind: &str, held_at: &str) -> String {
        let path = minutes_path(campaign, kind, held_at);
        self.write(&path, &minutes_toml(kind, held_at, ""));
        path
    }

    /// The department's quarterly strategy meeting at `held_at`, with the
    /// CEO and the department head the policy asks for (D013), committed on
    /// time. Returns its path.
    pub fn add_quarterly_meeting(&self, held_at: &str) -> String {
        let path = self.write_minutes(None, "quarterly", held_at);
        self.replace(
            &path,
            "attendees = [\"li.na\",",
            "attendees = [\"zhang.wei\", \"liu.yang\", \"li.na\",",
        );
        self.commit_all(&format!("minutes: {path}"), held_at);
        path
    }

    /// `write_minutes`, committed at the moment of the meeting (on time).
    pub fn add_minutes(&self, campaign: Option<&str>, kind: &str, held_at: &str) -> String {
        let path = self.write_minutes(campaign, kind, held_at);
        self.commit_all(&format!("minutes: {path}"), held_at);
        path
    }
}

/// Makes a key with ssh-keygen; returns (private key file, public key line).
pub fn keygen(t: &TestRepo, name: &str, kind: &[&str]) -> (PathBuf, String) {
    let key = t.home.join(".ssh").join(name);
    std::fs::create_dir_all(key.parent().unwrap()).unwrap();
    let status = tool(&t.home, "ssh-keygen")
        .args(["-q", "-C", &format!("{name}@mkt-test")])
        .args(kind)
        .arg("-f")
        .arg(&key)
        .status()
        .unwrap();
    assert!(status.success(), "ssh-keygen {kind:?}");
    let public = std::fs::read_to_string(format!("{}.pub", key.display())).unwrap();
    (key, public.trim().to_string())
}

/// Makes one ed25519 key per person of `STANDARD_TEAM` in `<home>/.ssh/`,
/// the `ssh-keygen` processes side by side.
fn make_keys(home: &Path) -> Vec<TestPerson> {
    let dir = home.join(".ssh");
    std::fs::create_dir_all(&dir).unwrap();
    let people: Vec<(String, String, String)> = STANDARD_TEAM
        .trim_end()
        .split("\n\n")
        .map(|b| {
            (
                toml_string(b, "id"),
                toml_string(b, "name"),
                toml_string(b, "email"),
            )
        })
        .collect();
    let children: Vec<_> = people
        .iter()
        .map(|(id, _, _)| {
            let file = dir.join(id);
            let child = tool(home, "ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-C"])
                .arg(format!("{id}@mkt-test"))
                .arg("-f")
                .arg(&file)
                .env("HOME", home)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("ssh-keygen runs");
            (file, child)
        })
        .collect();
    people
        .into_iter()
        .zip(children)
        .map(|((id, name, email), (key_file, child))| {
            let out = child.wait_with_output().expect("ssh-keygen runs");
            assert!(
                out.status.success(),
                "ssh-keygen for {id} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let public_key = std::fs::read_to_string(format!("{}.pub", key_file.display()))
                .expect("ssh-keygen wrote the public key")
                .trim()
                .to_string();
            TestPerson {
                id,
                name,
                email,
                key_file,
                public_key,
            }
        })
        .collect()
}

/// The value of `key = "…"` in a block of TOML lines.
fn toml_string(block: &str, key: &str) -> String {
    block
        .lines()
        .find_map(|l| {
            l.strip_prefix(&format!("{key} = \""))
                .and_then(|v| v.strip_suffix('"'))
        })
        .unwrap_or_else(|| panic!("no `{key}` in:\n{block}"))
        .to_string()
}

/// `campaigns/<id>/minutes/<date>-<kind>.toml` or `minutes/<yyyy>/<date>-<kind>.toml`.
pub fn minutes_path(campaign: Option<&str>, kind: &str, held_at: &str) -> String {
    let date = &held_at[..10];
    match campaign {
        Some(id) => format!("campaigns/{id}/minutes/{date}-{kind}.toml"),
        None => format!("minutes/{}/{date}-{kind}.toml", &held_at[..4]),
    }
}

/// A valid campaign.toml. Lines: 1 id, 2 title, 3 owner, 4 start, 5 end,
/// 6 objective, 7 emergency, 8 supersedes, 9 cancelled, 11 `[budget]`,
/// 12 total, 14 `[budget.allocation]`, 15… the allocation in the order given.
pub fn campaign_toml(
    id: &str,
    start: &str,
    end: &str,
    owner: &str,
    total: i64,
    allocation: &[(&str, i64)],
) -> String {
    let mut s = format!(
        "id = \"{id}\"\n\
         title = \"测试活动\"\n\
         owner = \"{owner}\"\n\
         start = {start}\n\
         end = {end}\n\
         objective = \"新品认知与首购\"\n\
         emergency = false\n\
         supersedes = \"\"\n\
         cancelled = \"\"\n\
         \n\
         [budget]\n\
         total = {total}\n\
         \n\
         [budget.allocation]\n"
    );
    for (k, v) in allocation {
        s.push_str(&format!("{k} = {v}\n"));
    }
    s
}

/// What the shipped policy asks a plan to hold (D015, D016), to append
/// after `campaign_toml`: the rule books' three phases, each owned by
/// `PHASE_OWNER` with one core action — 预热 the first quarter of the run, 爆发 up to
/// the last quarter, 长尾 the rest (a run too short for three shares its
/// days) — and an exposure target of 1,000,000.
pub fn campaign_plan(start: &str, end: &str) -> String {
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date");
    let (first, last) = (day(start), day(end));
    let quarter = chrono::Duration::days((last - first).num_days().max(0) / 4);
    let one = chrono::Duration::days(1);
    let warm_end = first + quarter;
    let burst = (
        (warm_end + one).min(last),
        (last - quarter - one).max(warm_end),
    );
    let tail = ((burst.1 + one).min(last), last);
    let mut s = String::new();
    for (name, from, to, action) in [
        ("预热", first, warm_end, "预热推文"),
        ("爆发", burst.0, burst.1.max(burst.0), "直播与满减"),
        ("长尾", tail.0, tail.1, "复购券"),
    ] {
        s.push_str(&format!(
            "\n[[phases]]\nname = \"{name}\"\nstart = {from}\nend = {to}\n\
             owner = \"{PHASE_OWNER}\"\nactions = [\"{action}\"]\n"
        ));
    }
    s + "\n[targets]\nexposure = 1000000\n"
}

/// Minutes of the department template. Lines: 1 kind, 2 title, 3 held_at,
/// 4 duration, 5 attendees, then 7 `[[agenda]]`, and `decisions` (raw TOML)
/// appended after a blank line.
pub fn minutes_toml(kind: &str, held_at: &str, decisions: &str) -> String {
    let mut s = format!(
        "kind = \"{kind}\"\n\
         title = \"{kind} 会议\"\n\
         held_at = {held_at}\n\
         duration_minutes = 60\n\
         attendees = [\"li.na\", \"wang.fang\", \"zhao.lei\"]\n\
         \n\
         [[agenda]]\n\
         topic = \"目标与分工\"\n\
         notes = \"按计划执行\"\n"
    );
    if !decisions.is_empty() {
        s.push('\n');
        s.push_str(decisions);
    }
    s
}

/// Every finding of a lint JSON document.
/// (code, file, message) of each finding, sorted: findings as `lint
/// --since` matches them, never by line.
pub fn keyed(json: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = findings_all(json)
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("code"), s("file"), s("message"))
        })
        .collect();
    out.sort();
    out
}

pub fn findings_all(json: &Value) -> Vec<Value> {
    json["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings array: {json:#}"))
        .clone()
}

/// The findings with `code`.
pub fn findings(json: &Value, code: &str) -> Vec<Value> {
    findings_all(json)
        .into_iter()
        .filter(|f| f["code"] == code)
        .collect()
}

/// The codes found, in output order.
pub fn codes(json: &Value) -> Vec<String> {
    findings_all(json)
        .iter()
        .map(|f| f["code"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Asserts there is no finding with `code`.
pub fn assert_no(json: &Value, code: &str) {
    let found = findings(json, code);
    assert!(found.is_empty(), "expected no {code}, found: {found:#?}");
}

/// Asserts there is no finding at all.
pub fn assert_clean(json: &Value) {
    let all = findings_all(json);
    assert!(all.is_empty(), "expected no findings, found: {all:#?}");
}

/// Asserts that exactly one finding has `code`, at `file:line:column` with
/// `severity`; returns it for further checks.
pub fn assert_one(
    json: &Value,
    code: &str,
    file: &str,
    line: u64,
    column: u64,
    severity: &str,
) -> Value {
    let found = findings(json, code);
    assert_eq!(found.len(), 1, "expected one {code}, found: {json:#}");
    let f = found.into_iter().next().unwrap();
    assert_at(&f, code, file, line, column, severity);
    f
}

/// Asserts where a finding is and what it is.
pub fn assert_at(f: &Value, code: &str, file: &str, line: u64, column: u64, severity: &str) {
    assert_eq!(f["code"], code, "{f:#}");
    assert_eq!(f["file"], file, "{f:#}");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(line), Some(column)),
        "position of {f:#}"
    );
    assert_eq!(f["severity"], severity, "{f:#}");
}

/// 1-based line and character column of the first `needle` in `text`.
pub fn pos(text: &str, needle: &str) -> (u64, u64) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in:\n{text}"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = text[line_start..at].chars().count() + 1;
    (line as u64, column as u64)
}
