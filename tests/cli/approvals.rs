//! Signed approvals end to end (issue 4; SPEC 4.4, 5, 6): every test is a
//! real git repository in a temp dir, with real keys (ssh-keygen, and gpg in
//! a temporary GNUPGHOME), driven through the real `mkt` binary and real git.
//! No process sees the developer's git, ssh or gpg setup: each gets its own
//! HOME and GNUPGHOME, no system or global git config and no ssh agent.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// What `MKT_TODAY` is unless a test says otherwise.
const TODAY: &str = "2026-02-20";
/// When `mkt init` commits.
const INIT: &str = "2026-01-01T09:00:00+08:00";
/// When the roster is committed.
const SETUP: &str = "2026-01-05T09:00:00+08:00";
/// When plans and purchases are committed.
const PLANNED: &str = "2026-02-10T10:00:00+08:00";
/// When approvals are made, unless a test says otherwise.
const APPROVED: &str = "2026-02-20T10:00:00+08:00";

/// The roster: every role of SPEC 4.6 held by someone; zhang.wei is the admin.
const PEOPLE: &[(&str, &str, &[&str])] = &[
    ("zhang.wei", "张伟", &["department_head", "admin"]),
    ("wang.fang", "王芳", &["director"]),
    ("li.na", "李娜", &["supervisor"]),
    ("zhao.lei", "赵磊", &["specialist"]),
    ("chen.jing", "陈静", &["finance"]),
    ("liu.yang", "刘洋", &["ceo"]),
    ("sun.li", "孙丽", &["legal"]),
];

/// How the roster is set up.
#[derive(Default)]
struct Setup {
    /// A person's key dates instead of `valid_from = 2026-01-01`.
    key_dates: Vec<(&'static str, &'static str)>,
    /// People whose key is an OpenPGP key (made with gpg) instead of SSH.
    openpgp: Vec<&'static str>,
}

/// A marketing repository with a signed roster, and everyone's keys.
pub(crate) struct Dept {
    tmp: TempDir,
    /// The work tree (`<tmp>/repo`).
    root: PathBuf,
    home: PathBuf,
    /// `<tmp>/keys/<person>` and `<person>.pub`: unencrypted ed25519 keys.
    keys: PathBuf,
    gnupg: PathBuf,
    /// OpenPGP fingerprints, by person.
    fprs: HashMap<String, String>,
    used_gpg: bool,
}

impl Drop for Dept {
    fn drop(&mut self) {
        if self.used_gpg {
            let _ = self.cmd("gpgconf").args(["--kill", "all"]).output();
        }
    }
}

impl Dept {
    pub(crate) fn new() -> Dept {
        Dept::build(Setup::default())
    }

    fn build(setup: Setup) -> Dept {
        let tmp = tempfile::Builder::new()
            .prefix("mkt-appr-")
            .tempdir()
            .expect("temp dir");
        let home = tmp.path().join("home");
        let keys = tmp.path().join("keys");
        let gnupg = tmp.path().join("gnupg");
        for dir in [&home, &keys, &gnupg] {
            std::fs::create_dir_all(dir).unwrap();
        }
        set_mode(&gnupg, 0o700);
        let mut d = Dept {
            root: tmp.path().join("repo"),
            tmp,
            home,
            keys,
            gnupg,
            fprs: HashMap::new(),
            used_gpg: !setup.openpgp.is_empty(),
        };
        for (id, _, _) in PEOPLE {
            d.keygen(id);
        }
        for id in &setup.openpgp {
            let fpr = d.gpg_keygen(id);
            d.fprs.insert(id.to_string(), fpr);
        }
        let out = d
            .cmd(assert_cmd::cargo::cargo_bin("mkt"))
            .current_dir(d.tmp.path())
            .env("GIT_AUTHOR_DATE", INIT)
            .env("GIT_COMMITTER_DATE", INIT)
            .args(["init", "repo", "--no-admin"])
            .output()
            .unwrap();
        assert!(out.status.success(), "mkt init: {}", text(&out.stderr));
        d.git(&["config", "user.name", "测试员"]);
        d.git(&["config", "user.email", "tester@example.com"]);
        d.git(&["config", "commit.gpgsign", "false"]);
        d.git(&["config", "gpg.format", "ssh"]);
        d.git(&["config", "core.quotepath", "false"]);
        d.write("team.toml", &d.team_toml(&setup));
        d.git(&["add", "team.toml"]);
        d.commit_signed("zhang.wei", "team: the roster", SETUP);
        d
    }

    /// A command with the isolated environment, in the work tree.
    fn cmd(&self, program: impl AsRef<std::ffi::OsStr>) -> StdCommand {
        let mut c = StdCommand::new(program);
        crate::common::clean_env(&mut c, &self.home);
        c.env("GNUPGHOME", &self.gnupg);
        if self.root.is_dir() {
            c.current_dir(&self.root);
        }
        c
    }

    fn tmp(&self) -> &Path {
        self.tmp.path()
    }

    pub(crate) fn keygen(&self, id: &str) {
        let out = self
            .cmd("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C"])
            .arg(format!("{id}@test"))
            .arg("-f")
            .arg(self.keys.join(id))
            .output()
            .expect("ssh-keygen runs");
        assert!(out.status.success(), "ssh-keygen: {}", text(&out.stderr));
    }

    /// An OpenPGP signing key in the test's GNUPGHOME; its fingerprint.
    fn gpg_keygen(&self, id: &str) -> String {
        let name = PEOPLE.iter().find(|p| p.0 == id).unwrap().1;
        let out = self
            .cmd("gpg")
            .args([
                "--batch",
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                "",
                "--quick-generate-key",
            ])
            .arg(format!("{name} <{id}@example.com>"))
            .args(["ed25519", "sign", "never"])
            .output()
            .expect("gpg runs");
        assert!(out.status.success(), "gpg keygen: {}", text(&out.stderr));
        let out = self
            .cmd("gpg")
            .args(["--batch", "--with-colons", "--list-secret-keys"])
            .arg(format!("<{id}@example.com>"))
            .output()
            .unwrap();
        text(&out.stdout)
            .lines()
            .find(|l| l.starts_with("fpr:"))
            .and_then(|l| l.split(':').nth(9))
            .expect("a fingerprint")
            .to_string()
    }

    pub(crate) fn ssh_pub(&self, id: &str) -> String {
        std::fs::read_to_string(self.keys.join(format!("{id}.pub")))
            .unwrap()
            .trim()
            .to_string()
    }

    fn key_path(&self, id: &str) -> String {
        self.keys.join(id).to_string_lossy().into_owned()
    }

    fn team_toml(&self, setup: &Setup) -> String {
        let mut s = String::from("# 团队名册 (test roster)\n");
        for (id, name, roles) in PEOPLE {
            let roles: Vec<String> = roles.iter().map(|r| format!("\"{r}\"")).collect();
            s.push_str(&format!(
                "\n[[people]]\nid = \"{id}\"\nname = \"{name}\"\nemail = \"{id}@example.com\"\nroles = [{}]\n\n[[people.keys]]\n",
                roles.join(", ")
            ));
            match self.fprs.get(*id) {
                Some(fpr) => s.push_str(&format!("openpgp = \"{fpr}\"\n")),
                None => s.push_str(&format!("ssh = \"{}\"\n", self.ssh_pub(id))),
            }
            let dates = setup
                .key_dates
                .iter()
                .find(|(p, _)| p == id)
                .map_or("valid_from = 2026-01-01", |(_, d)| d);
            s.push_str(dates);
            s.push('\n');
        }
        s
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub(crate) fn git_dir(&self) -> PathBuf {
        self.root.join(".git")
    }

    pub(crate) fn write(&self, rel: &str, body: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, body).unwrap();
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Replaces the one occurrence of `from` in a file.
    pub(crate) fn replace(&self, rel: &str, from: &str, to: &str) {
        let t = self.read(rel);
        assert_eq!(t.matches(from).count(), 1, "`{from}` once in {rel}:\n{t}");
        self.write(rel, &t.replacen(from, to, 1));
    }

    /// git in the repository; panics when it fails; stdout.
    pub(crate) fn git(&self, args: &[&str]) -> String {
        self.git_dated(args, None)
    }

    pub(crate) fn git_at(&self, date: &str, args: &[&str]) -> String {
        self.git_dated(args, Some(date))
    }

    fn git_dated(&self, args: &[&str], date: Option<&str>) -> String {
        let out = self.git_try(args, date);
        assert!(
            out.status.success(),
            "git {args:?} failed: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    fn git_try(&self, args: &[&str], date: Option<&str>) -> Output {
        let mut c = self.cmd("git");
        if let Some(d) = date {
            c.env("GIT_AUTHOR_DATE", d).env("GIT_COMMITTER_DATE", d);
        }
        c.args(args).output().expect("git runs")
    }

    pub(crate) fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    fn branch(&self) -> String {
        self.git(&["symbolic-ref", "--short", "HEAD"])
            .trim()
            .to_string()
    }

    fn status(&self) -> String {
        self.git(&["status", "--porcelain", "--untracked-files=all"])
    }

    /// `git add -A` and an unsigned commit.
    pub(crate) fn commit_all(&self, msg: &str, date: &str) {
        self.git(&["add", "-A"]);
        self.git_at(date, &["commit", "-q", "--allow-empty", "-m", msg]);
    }

    /// Commits what is staged, signed by `person`'s SSH key with `git commit -S`.
    pub(crate) fn commit_signed(&self, person: &str, msg: &str, date: &str) {
        let key = format!("user.signingkey={}", self.key_path(person));
        self.git_at(
            date,
            &[
                "-c",
                "gpg.format=ssh",
                "-c",
                &key,
                "commit",
                "-q",
                "-S",
                "-m",
                msg,
            ],
        );
    }

    /// `mkt -C <repo> ARGS`, today pinned.
    pub(crate) fn mkt(&self, args: &[&str]) -> Command {
        let mut c = self.cmd(assert_cmd::cargo::cargo_bin("mkt"));
        c.current_dir(self.tmp())
            .arg("-C")
            .arg(&self.root)
            .args(args)
            .env("MKT_TODAY", TODAY);
        Command::from_std(c)
    }

    /// Configures git to sign as `person` (their SSH key file, or their
    /// OpenPGP key), the way that person's own clone would be.
    fn sign_as(&self, person: &str) {
        match self.fprs.get(person) {
            Some(fpr) => {
                self.git(&["config", "gpg.format", "openpgp"]);
                self.git(&["config", "user.signingkey", fpr]);
            }
            None => {
                self.git(&["config", "gpg.format", "ssh"]);
                self.git(&["config", "user.signingkey", &self.key_path(person)]);
            }
        }
    }

    /// Runs mkt as `person` at the moment `date` (GIT_COMMITTER_DATE).
    fn run_as(&self, person: &str, date: &str, args: &[&str]) -> Output {
        self.sign_as(person);
        self.mkt(args)
            .env("GIT_COMMITTER_DATE", date)
            .output()
            .unwrap()
    }

    /// `run_as`, which must succeed; its stderr.
    pub(crate) fn ok_as(&self, person: &str, date: &str, args: &[&str]) -> String {
        let out = self.run_as(person, date, args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "mkt {args:?} as {person}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stderr)
    }

    /// `run_as`, which must be refused (exit 2) without changing anything; its stderr.
    pub(crate) fn refused_as(&self, person: &str, date: &str, args: &[&str]) -> String {
        self.sign_as(person);
        self.refused(self.mkt(args).env("GIT_COMMITTER_DATE", date))
    }

    fn refused(&self, cmd: &mut Command) -> String {
        let before = self.snapshot();
        let out = cmd.output().unwrap();
        let err = text(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "expected a refusal: {}{err}",
            text(&out.stdout)
        );
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(
            self.snapshot(),
            before,
            "a refusal changed the repository: {err}"
        );
        err
    }

    /// Everything a command could change: HEAD, refs, index, work tree.
    fn snapshot(&self) -> Snapshot {
        Snapshot {
            head: text(&self.git_try(&["rev-parse", "HEAD"], None).stdout),
            symbolic: text(&self.git_try(&["symbolic-ref", "-q", "HEAD"], None).stdout),
            refs: self.git(&["for-each-ref"]),
            status: self.status(),
            index: self.git(&["ls-files", "--stage"]),
            unstaged: self.git(&["diff"]),
            files: walk_files(&self.root),
        }
    }

    /// A campaign plan, committed; its path.
    pub(crate) fn add_campaign(
        &self,
        id: &str,
        start: &str,
        owner: &str,
        total: i64,
        emergency: bool,
    ) -> String {
        let path = format!("campaigns/{id}/campaign.toml");
        self.write(&path, &campaign_toml(id, start, owner, total, emergency));
        if emergency {
            // Emergency work answers an incident on record (A009).
            self.write(
                "incidents/2026-05-01-差评.toml",
                "title = \"差评扩散\"\ndetected_at = 2026-05-01T09:00:00+08:00\n\
                 responded_at = 2026-05-01T09:10:00+08:00\nplan_at = 2026-05-01T10:00:00+08:00\n\
                 level = \"major\"\nowner = \"wang.fang\"\ncampaign = \"\"\n",
            );
        }
        self.commit_all(&format!("plan: {id}"), PLANNED);
        path
    }

    /// A purchase request, committed; its path.
    fn add_purchase(&self, campaign: &str, po: &str, needed_by: &str, by: &str) -> String {
        let path = format!("campaigns/{campaign}/purchases/{po}.toml");
        self.write(
            &path,
            &format!(
                "id = \"{po}\"\nvendor = \"某某传媒有限公司\"\namount = \"36000.00\"\nwhat = \"KOL 投放 3 条\"\nneeded_by = {needed_by}\nrequested_by = \"{by}\"\n"
            ),
        );
        self.commit_all(&format!("purchase: {po}"), PLANNED);
        path
    }

    /// An approval file as `mkt approve` would write it, binding the subject at HEAD.
    fn approval_text(&self, subject: &str, stage: &str, approver: &str, at: &str) -> String {
        let blob = self.git(&["rev-parse", &format!("HEAD:{subject}")]);
        format!(
            "subject = \"{subject}\"\nsubject_blob = \"{}\"\ndecision = \"approve\"\nstage = \"{stage}\"\napprover = \"{approver}\"\nat = {at}\ncomment = \"\"\n",
            blob.trim()
        )
    }

    /// An approval made by hand (not by mkt): the file written, staged
    /// alone and committed, signed with `signer`'s key or unsigned. Returns
    /// the commit id.
    pub(crate) fn forge(
        &self,
        file: &str,
        subject: &str,
        stage: &str,
        approver: &str,
        signer: Option<&str>,
        date: &str,
    ) -> String {
        self.write(file, &self.approval_text(subject, stage, approver, date));
        self.git(&["add", file]);
        let msg = format!("approve: {stage} by {approver}\n\nMkt-Approval: {file}\n");
        match signer {
            Some(p) => self.commit_signed(p, &msg, date),
            None => {
                self.git_at(date, &["commit", "-q", "-m", &msg]);
            }
        }
        self.head()
    }

    /// `mkt lint --format json --today <today>`; exit 0 or 1, agreeing with the findings.
    pub(crate) fn lint(&self, today: &str) -> Value {
        let out = self
            .mkt(&["lint", "--format", "json", "--today", today])
            .output()
            .unwrap();
        let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "lint JSON ({e}): {}{}",
                text(&out.stdout),
                text(&out.stderr)
            )
        });
        let errors = all(&json)
            .iter()
            .filter(|f| f["severity"] == "error" && f.get("waived").is_none())
            .count();
        assert_eq!(
            out.status.code(),
            Some(if errors > 0 { 1 } else { 0 }),
            "{json:#}"
        );
        json
    }

    /// `mkt verify --format json`: the exit code and the document.
    pub(crate) fn verify(&self) -> (i32, Value) {
        let out = self.mkt(&["verify", "--format", "json"]).output().unwrap();
        let code = out.status.code().expect("exited");
        assert!(
            code == 0 || code == 1,
            "verify exited {code}: {}",
            text(&out.stderr)
        );
        let json = serde_json::from_slice(&out.stdout).expect("verify JSON");
        (code, json)
    }

    /// Asserts `mkt verify` passes with every entry ok; returns the approval entries.
    pub(crate) fn verify_ok(&self) -> Vec<Value> {
        let (code, json) = self.verify();
        let entries = json["entries"].as_array().unwrap().clone();
        assert!(
            entries
                .iter()
                .all(|e| e["ok"] == true && e["verdict"].as_str().unwrap().starts_with("ok")),
            "{json:#}"
        );
        assert_eq!(code, 0, "{json:#}");
        assert_eq!(json["failed"], 0);
        entries
            .into_iter()
            .filter(|e| e["kind"] == "approval")
            .collect()
    }

    /// `mkt team allowed-signers`, written to a file for git.
    pub(crate) fn allowed_signers(&self) -> PathBuf {
        let out = self.mkt(&["team", "allowed-signers"]).output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        let file = self.tmp().join("allowed_signers");
        std::fs::write(&file, &out.stdout).unwrap();
        file
    }

    /// `git verify-commit` with the roster as allowed signers.
    fn git_verify_commit(&self, commit: &str) -> Output {
        let signers = format!(
            "gpg.ssh.allowedSignersFile={}",
            self.allowed_signers().display()
        );
        self.git_try(&["-c", &signers, "verify-commit", commit], None)
    }

    /// The files a commit changed (against its first parent).
    fn changed_in(&self, commit: &str) -> Vec<String> {
        self.git(&["show", "--name-only", "--format=", commit])
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The commits carrying an `Mkt-Approval` trailer, oldest first.
    fn approval_commits(&self) -> Vec<String> {
        self.git(&["log", "--reverse", "--format=%H", "--grep=^Mkt-Approval: "])
            .lines()
            .map(str::to_string)
            .collect()
    }
}

#[derive(Debug, PartialEq)]
struct Snapshot {
    head: String,
    symbolic: String,
    refs: String,
    status: String,
    index: String,
    unstaged: String,
    files: Vec<(String, Vec<u8>)>,
}

/// Every file of the work tree outside .git, with its bytes.
fn walk_files(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if p.file_name() == Some(".git".as_ref()) {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A valid plan: allocation sums to the total, reserve 12.5 %.
fn campaign_toml(id: &str, start: &str, owner: &str, total: i64, emergency: bool) -> String {
    let reserve = total / 8;
    let channel = total / 2;
    let content = total / 4;
    let event = total - reserve - channel - content;
    let end = format!("{}-28", &start[..7]);
    // Emergency work names its incident, in place of the blank line.
    let incident = if emergency {
        "incident = \"2026-05-01-差评\"\n"
    } else {
        "\n"
    };
    format!(
        "id = \"{id}\"\ntitle = \"测试活动\"\nowner = \"{owner}\"\nstart = {start}\nend = {end}\n\
         objective = \"新品认知与首购\"\nemergency = {emergency}\nsupersedes = \"\"\ncancelled = \"\"\n{incident}\
         [budget]\ntotal = {total}\n\n[budget.allocation]\nchannel = {channel}\ncontent = {content}\n\
         event = {event}\nreserve = {reserve}\n{plan}",
        plan = crate::common::campaign_plan(start, &end),
    )
}

fn all(json: &Value) -> Vec<Value> {
    json["findings"].as_array().expect("findings").clone()
}

/// The findings with `code`.
fn findings(json: &Value, code: &str) -> Vec<Value> {
    all(json)
        .into_iter()
        .filter(|f| f["code"] == code)
        .collect()
}

/// Exactly one finding with `code`, in `file`, with `severity`; returned.
fn one(json: &Value, code: &str, file: &str, severity: &str) -> Value {
    let found = findings(json, code);
    assert_eq!(found.len(), 1, "expected one {code}: {json:#}");
    let f = found.into_iter().next().unwrap();
    assert_eq!(f["file"], file, "{f:#}");
    assert_eq!(f["severity"], severity, "{f:#}");
    f
}

/// Asserts no finding of the approval and signature rules (A…, S…).
fn no_approval_findings(json: &Value) {
    let bad: Vec<Value> = all(json)
        .into_iter()
        .filter(|f| {
            let c = f["code"].as_str().unwrap_or("");
            c.starts_with('A') || c.starts_with('S')
        })
        .collect();
    assert!(bad.is_empty(), "unexpected approval findings: {bad:#?}");
}

fn msg(f: &Value) -> &str {
    f["message"].as_str().unwrap_or("")
}

/// The single approval file in the last commit.
fn last_file(d: &Dept) -> String {
    let files = d.changed_in("HEAD");
    assert_eq!(files.len(), 1, "{files:?}");
    files.into_iter().next().unwrap()
}

// ---------------------------------------------------------------------------
// The chain approved by the right people

#[test]
fn a_full_chain_approved_by_the_right_people_verifies() {
    let d = Dept::new();
    let id = "春季促销-2026-03V1";
    let plan = d.add_campaign(id, "2026-03-01", "li.na", 80000, false);
    let po = d.add_purchase(id, "PO-2026-001", "2026-02-27", "zhao.lei");
    let copy = format!("campaigns/{id}/content/朋友圈文案.md");
    d.write(&copy, "春季新品上市，欢迎选购。\n");
    d.commit_all("copy", PLANNED);

    let said = d.ok_as("wang.fang", "2026-02-20T10:00:00+08:00", &["approve", id]);
    assert!(said.contains("approved as director by wang.fang"), "{said}");
    assert!(said.contains("the chain is complete"), "{said}");
    let po_args = ["approve", id, "--purchase", "PO-2026-001"];
    let said = d.ok_as("zhang.wei", "2026-02-20T11:00:00+08:00", &po_args);
    assert!(said.contains("still needed: finance — chen.jing"), "{said}");
    let said = d.ok_as("chen.jing", "2026-02-20T12:00:00+08:00", &po_args);
    assert!(said.contains("still needed: ceo — liu.yang"), "{said}");
    let said = d.ok_as("liu.yang", "2026-02-20T13:00:00+08:00", &po_args);
    assert!(said.contains("the chain is complete"), "{said}");
    let said = d.ok_as("sun.li", "2026-02-20T14:00:00+08:00", &["sign-off", &copy]);
    assert!(said.contains("signed off as legal by sun.li"), "{said}");

    // mkt verify: every row ok, exit 0, each with the signer's key.
    let rows = d.verify_ok();
    let got: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["subject"].as_str().unwrap().to_string(),
                r["stage"].as_str().unwrap().to_string(),
                r["person"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        (plan.as_str(), "director", "wang.fang"),
        (po.as_str(), "department_head", "zhang.wei"),
        (po.as_str(), "finance", "chen.jing"),
        (po.as_str(), "ceo", "liu.yang"),
        (copy.as_str(), "legal", "sun.li"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(got, want);
    for r in &rows {
        assert!(r["key"].as_str().unwrap().starts_with("SHA256:"), "{r:#}");
    }

    // git itself accepts every approval commit, with the roster as allowed signers.
    let commits = d.approval_commits();
    assert_eq!(commits.len(), 5);
    for c in &commits {
        let out = d.git_verify_commit(c);
        assert!(
            out.status.success(),
            "git verify-commit {c}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("Good \"git\" signature"),
            "{}",
            text(&out.stderr)
        );
        // Exactly one file, not a merge, with the trailer naming it.
        let files = d.changed_in(c);
        assert_eq!(files.len(), 1, "{c}: {files:?}");
        assert!(files[0].contains("/approvals/"), "{files:?}");
        let parents = d.git(&["rev-list", "--parents", "-n", "1", c]);
        assert_eq!(parents.split_whitespace().count(), 2, "{parents}");
        let trailer = d.git(&[
            "log",
            "-1",
            "--format=%(trailers:key=Mkt-Approval,valueonly)",
            c,
        ]);
        assert_eq!(trailer.trim(), files[0]);
    }
    // Each approval is signed by its approver: the committer is that person.
    let committers = d.git(&[
        "log",
        "--reverse",
        "--format=%ce %cI",
        "--grep=^Mkt-Approval: ",
    ]);
    assert!(
        committers.starts_with("wang.fang@example.com 2026-02-20T10:00:00+08:00"),
        "{committers}"
    );
    assert_eq!(d.status(), "", "the work tree is clean afterwards");
    assert_eq!(d.git(&["diff", "--cached", "--name-only"]), "");

    // Lint: nothing of the approval or signature rules, before and after the start.
    no_approval_findings(&d.lint(TODAY));
    no_approval_findings(&d.lint("2026-03-05"));
}

#[test]
fn budget_tiers_supervisor_up_to_the_limit_director_above() {
    let d = Dept::new();
    let small = "小额推广-2026-03V1";
    let big = "大额推广-2026-03V1";
    let small_plan = d.add_campaign(small, "2026-03-01", "zhao.lei", 50000, false);
    let big_plan = d.add_campaign(big, "2026-03-01", "zhao.lei", 50001, false);

    // Exactly at the limit: the supervisor's.
    let said = d.ok_as("li.na", APPROVED, &["approve", small]);
    assert!(said.contains("approved as supervisor by li.na"), "{said}");
    let file = last_file(&d);
    assert_eq!(
        file,
        format!("campaigns/{small}/approvals/01-supervisor-li.na.toml")
    );
    let approval: toml::Table = toml::from_str(&d.read(&file)).unwrap();
    let blob = d.git(&["rev-parse", &format!("HEAD:{small_plan}")]);
    assert_eq!(approval["subject"].as_str(), Some(small_plan.as_str()));
    assert_eq!(approval["subject_blob"].as_str(), Some(blob.trim()));
    assert_eq!(approval["stage"].as_str(), Some("supervisor"));
    assert_eq!(approval["approver"].as_str(), Some("li.na"));
    assert_eq!(approval["decision"].as_str(), Some("approve"));
    assert_eq!(approval["amount"].as_integer(), Some(50000));
    assert_eq!(
        approval["at"]
            .as_datetime()
            .map(|t| t.to_string())
            .as_deref(),
        Some("2026-02-20T10:00:00+08:00")
    );

    // One yuan above: the supervisor is refused, the director approves.
    let err = d.refused_as("li.na", APPROVED, &["approve", big]);
    assert!(err.contains("director"), "{err}");
    let said = d.ok_as("wang.fang", APPROVED, &["approve", big]);
    assert!(said.contains("approved as director by wang.fang"), "{said}");
    let file = last_file(&d);
    assert_eq!(
        file,
        format!("campaigns/{big}/approvals/01-director-wang.fang.toml")
    );
    assert!(d.read(&file).contains("amount = 50001"));
    assert!(d.read(&file).contains(&format!("subject = \"{big_plan}\"")));

    d.verify_ok();
    no_approval_findings(&d.lint("2026-03-02"));
}

#[test]
fn purchases_need_department_head_then_finance_then_ceo() {
    let d = Dept::new();
    let id = "618年中大促-2026-06V1";
    d.add_campaign(id, "2026-06-01", "li.na", 80000, false);
    let po = d.add_purchase(id, "PO-2026-017", "2026-02-27", "zhao.lei");
    let args = ["approve", id, "--purchase", "PO-2026-017"];

    // The CEO and finance cannot go first.
    let err = d.refused_as("liu.yang", APPROVED, &args);
    assert!(err.contains("out of order"), "{err}");
    let err = d.refused_as("chen.jing", APPROVED, &args);
    assert!(err.contains("out of order"), "{err}");
    assert!(err.contains("department_head"), "{err}");

    d.ok_as("zhang.wei", "2026-02-20T10:00:00+08:00", &args);
    assert_eq!(
        last_file(&d),
        format!("campaigns/{id}/approvals/01-department_head-zhang.wei.toml")
    );
    let err = d.refused_as("liu.yang", "2026-02-20T10:30:00+08:00", &args);
    assert!(err.contains("out of order"), "{err}");
    // The department head cannot take the step again.
    let err = d.refused_as("zhang.wei", "2026-02-20T10:40:00+08:00", &args);
    assert!(err.contains("already"), "{err}");
    // Not complete yet: A001 once the purchase is needed.
    let json = d.lint("2026-02-27");
    let f = one(&json, "A001", &po, "error");
    assert!(
        msg(&f).contains("finance") && msg(&f).contains("ceo"),
        "{f:#}"
    );

    d.ok_as("chen.jing", "2026-02-20T11:00:00+08:00", &args);
    assert_eq!(
        last_file(&d),
        format!("campaigns/{id}/approvals/02-finance-chen.jing.toml")
    );
    d.ok_as("liu.yang", "2026-02-20T12:00:00+08:00", &args);
    assert_eq!(
        last_file(&d),
        format!("campaigns/{id}/approvals/03-ceo-liu.yang.toml")
    );
    let rows = d.verify_ok();
    let stages: Vec<&str> = rows.iter().map(|r| r["stage"].as_str().unwrap()).collect();
    assert_eq!(stages, ["department_head", "finance", "ceo"]);
    assert!(rows.iter().all(|r| r["subject"] == po.as_str()));
    no_approval_findings(&d.lint("2026-02-27"));
}

#[test]
fn an_emergency_approved_by_the_group_within_three_days() {
    let d = Dept::new();
    let id = "舆情应对-2026-05V1";
    d.add_campaign(id, "2026-05-02", "zhao.lei", 80000, true);
    // The group: director, legal, department head; the last on the third day.
    let said = d.ok_as("wang.fang", "2026-05-02T12:00:00+08:00", &["approve", id]);
    assert!(said.contains("approved as director by wang.fang"), "{said}");
    assert!(said.contains("still needed: legal — sun.li"), "{said}");
    assert!(
        said.contains("still needed: department_head — zhang.wei"),
        "{said}"
    );
    d.ok_as("sun.li", "2026-05-03T09:00:00+08:00", &["approve", id]);
    let said = d.ok_as("zhang.wei", "2026-05-05T20:00:00+08:00", &["approve", id]);
    assert!(said.contains("the chain is complete"), "{said}");
    // Not even the director may approve twice.
    let err = d.refused_as("wang.fang", "2026-05-05T21:00:00+08:00", &["approve", id]);
    assert!(err.contains("complete"), "{err}");

    let rows = d.verify_ok();
    let stages: Vec<&str> = rows.iter().map(|r| r["stage"].as_str().unwrap()).collect();
    assert_eq!(stages, ["director", "legal", "department_head"]);
    // Emergency work starts before its approvals: no A001, and in time: no A006.
    no_approval_findings(&d.lint("2026-05-02"));
    no_approval_findings(&d.lint("2026-05-20"));
}

// ---------------------------------------------------------------------------
// Signatures and integrity: S001–S005

/// A campaign (80,000: the director's) owned by li.na, planned and committed.
fn dept_with_campaign() -> (Dept, String, String) {
    let d = Dept::new();
    let id = "春季促销-2026-03V1".to_string();
    let plan = d.add_campaign(&id, "2026-03-01", "li.na", 80000, false);
    (d, id, plan)
}

fn director_file(id: &str) -> String {
    format!("campaigns/{id}/approvals/01-director-wang.fang.toml")
}

#[test]
fn an_approval_committed_without_a_signature_is_s001() {
    let (d, id, plan) = dept_with_campaign();
    let file = director_file(&id);
    let commit = d.forge(&file, &plan, "director", "wang.fang", None, APPROVED);
    let json = d.lint(TODAY);
    let f = one(&json, "S001", &file, "error");
    assert!(msg(&f).contains(&commit[..10]), "{f:#}");
    assert!(msg(&f).contains("without a signature"), "{f:#}");
    assert!(!msg(&f).contains("rebased"), "{f:#}");
    // An unsigned approval does not fill the chain.
    assert_eq!(findings(&d.lint("2026-03-01"), "A001").len(), 1);
    let (code, v) = d.verify();
    assert_eq!(code, 1);
    assert_eq!(v["failed"], 1);
    let row = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["stage"] == "director")
        .cloned()
        .unwrap();
    assert_eq!(row["ok"], false);
    assert!(
        row["verdict"].as_str().unwrap().starts_with("S001"),
        "{row:#}"
    );
}

#[test]
fn an_approval_signed_by_another_persons_key_is_s002() {
    let (d, id, plan) = dept_with_campaign();
    let file = director_file(&id);
    // li.na writes wang.fang's approval and signs it with her own (valid) key.
    d.forge(
        &file,
        &plan,
        "director",
        "wang.fang",
        Some("li.na"),
        APPROVED,
    );
    // Git itself is satisfied: the signature is good and li.na is a known signer.
    assert!(d.git_verify_commit("HEAD").status.success());
    let json = d.lint(TODAY);
    let f = one(&json, "S002", &file, "error");
    assert!(msg(&f).contains("signed by li.na"), "{f:#}");
    assert!(msg(&f).contains("wang.fang"), "{f:#}");
    assert!(findings(&json, "S001").is_empty());

    // A key nobody in the roster holds: S002 as well.
    let (d, id, plan) = dept_with_campaign();
    d.keygen("mallory");
    let file = director_file(&id);
    d.write(
        &file,
        &d.approval_text(&plan, "director", "wang.fang", APPROVED),
    );
    d.git(&["add", &file]);
    d.git_at(
        APPROVED,
        &[
            "-c",
            &format!("user.signingkey={}", d.key_path("mallory")),
            "commit",
            "-q",
            "-S",
            "-m",
            "approve",
        ],
    );
    let json = d.lint(TODAY);
    let f = one(&json, "S002", &file, "error");
    assert!(msg(&f).contains("not in the roster"), "{f:#}");
    let (code, _) = d.verify();
    assert_eq!(code, 1);
}

#[test]
fn a_signature_block_pasted_into_the_message_is_s001() {
    let (d, id, plan) = dept_with_campaign();
    let main = d.branch();
    // A genuine signature by wang.fang, from a signed commit on a side branch.
    d.git(&["checkout", "-q", "-b", "side"]);
    d.git_at(
        APPROVED,
        &[
            "-c",
            &format!("user.signingkey={}", d.key_path("wang.fang")),
            "commit",
            "-q",
            "-S",
            "--allow-empty",
            "-m",
            "signed elsewhere",
        ],
    );
    let raw = d.git(&["cat-file", "commit", "HEAD"]);
    let start = raw.find("gpgsig ").expect("a signed commit");
    let end = raw[start..].find("-----END SSH SIGNATURE-----").unwrap() + start;
    let block = format!("{}-----END SSH SIGNATURE-----\n", &raw[start..end]);
    assert!(block.lines().skip(1).all(|l| l.starts_with(' ')), "{block}");
    d.git(&["checkout", "-q", &main]);

    // The approval commit is unsigned; its message begins with that block, so
    // that it sits right after the headers, as a header would.
    let file = director_file(&id);
    d.write(
        &file,
        &d.approval_text(&plan, "director", "wang.fang", APPROVED),
    );
    d.git(&["add", &file]);
    let message =
        format!("{block}\napprove({id}): director by wang.fang\n\nMkt-Approval: {file}\n");
    let msg_file = d.tmp().join("message");
    std::fs::write(&msg_file, &message).unwrap();
    d.git_at(
        APPROVED,
        &[
            "commit",
            "-q",
            "--cleanup=verbatim",
            "-F",
            msg_file.to_str().unwrap(),
        ],
    );
    let raw = d.git(&["cat-file", "commit", "HEAD"]);
    assert!(
        raw.contains("\n\ngpgsig -----BEGIN SSH SIGNATURE-----\n"),
        "{raw}"
    );
    // Git sees no signature.
    assert!(!d.git_verify_commit("HEAD").status.success());

    let json = d.lint(TODAY);
    let f = one(&json, "S001", &file, "error");
    assert!(msg(&f).contains("without a signature"), "{f:#}");
    assert!(findings(&json, "S002").is_empty(), "{json:#}");
    let (code, _) = d.verify();
    assert_eq!(code, 1);
}

#[test]
fn an_approval_edited_later_is_s003() {
    let (d, id, _plan) = dept_with_campaign();
    d.ok_as("wang.fang", APPROVED, &["approve", &id]);
    let file = last_file(&d);
    // Uncommitted edit first.
    d.replace(&file, "comment = \"\"", "comment = \"加急\"");
    let f = one(&d.lint(TODAY), "S003", &file, "error");
    assert!(msg(&f).contains("uncommitted"), "{f:#}");
    // Then committed, by the approver themselves, signed.
    d.git(&["add", &file]);
    d.commit_signed("wang.fang", "fix comment", "2026-02-21T10:00:00+08:00");
    let edit = d.head();
    let json = d.lint(TODAY);
    let f = one(&json, "S003", &file, "error");
    assert!(
        msg(&f).contains("changed after its approval commit"),
        "{f:#}"
    );
    assert!(msg(&f).contains(&edit[..10]), "{f:#}");
    // The edited approval no longer fills the chain.
    assert_eq!(findings(&d.lint("2026-03-01"), "A001").len(), 1);
    let (code, v) = d.verify();
    assert_eq!(code, 1, "{v:#}");
}

#[test]
fn an_approval_deleted_later_is_s003() {
    let (d, id, _plan) = dept_with_campaign();
    d.ok_as("wang.fang", APPROVED, &["approve", &id]);
    let file = last_file(&d);
    d.git(&["rm", "-q", &file]);
    d.git_at("2026-02-21T10:00:00+08:00", &["commit", "-q", "-m", "oops"]);
    let gone = d.head();
    let json = d.lint(TODAY);
    let f = one(&json, "S003", &file, "error");
    assert!(msg(&f).contains("deleted"), "{f:#}");
    assert!(msg(&f).contains(&gone[..10]), "{f:#}");
    assert_eq!(findings(&d.lint("2026-03-01"), "A001").len(), 1);
    let (code, v) = d.verify();
    assert_eq!(code, 1);
    let row = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["subject"] == file.as_str())
        .cloned();
    let row = row.unwrap_or_else(|| panic!("no row for {file}: {v:#}"));
    assert!(
        row["verdict"].as_str().unwrap().starts_with("S003"),
        "{row:#}"
    );

    // Deleted and added back (same content): still S003.
    d.git(&["checkout", "HEAD~1", "--", &file]);
    d.git_at(
        "2026-02-22T10:00:00+08:00",
        &["commit", "-q", "-m", "restore"],
    );
    let json = d.lint(TODAY);
    assert!(!findings(&json, "S003").is_empty(), "{json:#}");
}

#[test]
fn an_approval_added_together_with_another_file_is_s003() {
    for other in ["campaigns/春季促销-2026-03V1/results.toml", "notes.txt"] {
        let (d, id, plan) = dept_with_campaign();
        let file = director_file(&id);
        d.write(
            &file,
            &d.approval_text(&plan, "director", "wang.fang", APPROVED),
        );
        d.write(other, "[kpi]\nexposure = 1000\n");
        d.git(&["add", &file, other]);
        d.commit_signed(
            "wang.fang",
            &format!("approve\n\nMkt-Approval: {file}\n"),
            APPROVED,
        );
        let json = d.lint(TODAY);
        let f = one(&json, "S003", &file, "error");
        assert!(
            msg(&f).contains("together with other changes"),
            "{other}: {f:#}"
        );
        assert!(findings(&json, "S001").is_empty() && findings(&json, "S002").is_empty());
        let (code, _) = d.verify();
        assert_eq!(code, 1, "{other}");
    }
}

#[test]
fn an_approval_introduced_by_an_evil_merge_is_s003() {
    let (d, id, plan) = dept_with_campaign();
    let main = d.branch();
    d.git(&["checkout", "-q", "-b", "side"]);
    d.write("minutes/2026/notes.txt", "side work\n");
    d.commit_all("side work", "2026-02-15T10:00:00+08:00");
    d.git(&["checkout", "-q", &main]);
    d.write(
        "campaigns/春季促销-2026-03V1/results.toml",
        "[kpi]\nexposure = 1\n",
    );
    d.commit_all("main work", "2026-02-16T10:00:00+08:00");
    // The merge itself brings in an approval neither side had; signed by the approver.
    d.git_at(APPROVED, &["merge", "-q", "--no-ff", "--no-commit", "side"]);
    let file = director_file(&id);
    d.write(
        &file,
        &d.approval_text(&plan, "director", "wang.fang", APPROVED),
    );
    d.git(&["add", &file]);
    d.commit_signed(
        "wang.fang",
        &format!("Merge side\n\nMkt-Approval: {file}\n"),
        APPROVED,
    );
    let parents = d.git(&["rev-list", "--parents", "-n", "1", "HEAD"]);
    assert_eq!(parents.split_whitespace().count(), 3, "a merge");
    let json = d.lint(TODAY);
    let f = one(&json, "S003", &file, "error");
    assert!(msg(&f).contains("merge"), "{f:#}");
    let (code, _) = d.verify();
    assert_eq!(code, 1);
}

#[test]
fn an_approval_merged_from_its_approvers_branch_verifies() {
    // SPEC 6: approvers work on their own clones and their approval
    // commits meet by merge. A plain merge must not count as adding the file.
    let (d, id, _plan) = dept_with_campaign();
    let main = d.branch();
    d.git(&["checkout", "-q", "-b", "wang"]);
    d.ok_as("wang.fang", APPROVED, &["approve", &id]);
    let approval = d.head();
    d.git(&["checkout", "-q", &main]);
    d.write(
        "campaigns/春季促销-2026-03V1/results.toml",
        "[kpi]\nexposure = 1\n",
    );
    d.commit_all("main work", "2026-02-21T10:00:00+08:00");
    d.git_at(
        "2026-02-22T10:00:00+08:00",
        &["merge", "-q", "--no-ff", "-m", "merge wang", "wang"],
    );
    let rows = d.verify_ok();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["commit"], &approval[..10]);
    no_approval_findings(&d.lint("2026-03-02"));

    // The other way round too: main merged into the approver's branch,
    // which then fast-forwards main.
    let (d, id, _plan) = dept_with_campaign();
    let main = d.branch();
    d.git(&["checkout", "-q", "-b", "wang"]);
    d.write("minutes/2026/notes.txt", "wang's work\n");
    d.commit_all("wang work", "2026-02-15T10:00:00+08:00");
    d.git(&["checkout", "-q", &main]);
    d.ok_as("wang.fang", APPROVED, &["approve", &id]);
    d.git(&["checkout", "-q", "wang"]);
    d.git_at(
        "2026-02-22T10:00:00+08:00",
        &["merge", "-q", "--no-ff", "-m", "merge main", &main],
    );
    d.git(&["checkout", "-q", &main]);
    d.git(&["merge", "-q", "--ff-only", "wang"]);
    let rows = d.verify_ok();
    assert_eq!(rows.len(), 1);
    no_approval_findings(&d.lint("2026-03-02"));
}

#[test]
fn a_key_outside_its_dates_is_s004() {
    let d = Dept::build(Setup {
        key_dates: vec![
            (
                "wang.fang",
                "valid_from = 2025-01-01\nvalid_until = 2026-02-01",
            ),
            ("li.na", "valid_from = 2026-03-01"),
        ],
        ..Setup::default()
    });
    let big = "大额推广-2026-03V1";
    let small = "小额推广-2026-03V1";
    let big_plan = d.add_campaign(big, "2026-03-01", "zhao.lei", 80000, false);
    let small_plan = d.add_campaign(small, "2026-03-01", "zhao.lei", 40000, false);

    // mkt refuses a key outside its dates.
    let err = d.refused_as("wang.fang", APPROVED, &["approve", big]);
    assert!(err.contains("not valid on 2026-02-20"), "{err}");
    let err = d.refused_as("li.na", APPROVED, &["approve", small]);
    assert!(err.contains("not valid on 2026-02-20"), "{err}");

    // Forced by hand, signed with the expired / not-yet-valid key.
    let expired = director_file(big);
    d.forge(
        &expired,
        &big_plan,
        "director",
        "wang.fang",
        Some("wang.fang"),
        APPROVED,
    );
    let early = format!("campaigns/{small}/approvals/01-supervisor-li.na.toml");
    d.forge(
        &early,
        &small_plan,
        "supervisor",
        "li.na",
        Some("li.na"),
        APPROVED,
    );
    let json = d.lint(TODAY);
    let s004 = findings(&json, "S004");
    assert_eq!(s004.len(), 2, "{json:#}");
    let f = s004
        .iter()
        .find(|f| f["file"] == expired.as_str())
        .expect("the expired key");
    assert!(msg(f).contains("2026-02-01"), "{f:#}");
    assert!(s004.iter().any(|f| f["file"] == early.as_str()), "{json:#}");
    assert!(findings(&json, "S002").is_empty(), "{json:#}");
    let (code, _) = d.verify();
    assert_eq!(code, 1);
    // git agrees about the expired key (allowed_signers carries the dates).
    assert!(!d.git_verify_commit("HEAD~1").status.success());

    // Once li.na's key is valid, she approves properly.
    d.ok_as("li.na", "2026-03-01T09:00:00+08:00", &["approve", small]);
    assert_eq!(
        last_file(&d),
        format!("campaigns/{small}/approvals/02-supervisor-li.na.toml")
    );
}

#[test]
fn team_toml_changed_by_a_non_admin_is_s005() {
    // li.na (no admin) adds a key she holds to wang.fang's entry, signs the
    // change with her own key, and approves in wang.fang's name.
    let (d, id, plan) = dept_with_campaign();
    d.keygen("mallory");
    let wang = d.ssh_pub("wang.fang");
    d.replace(
        "team.toml",
        &format!("ssh = \"{wang}\"\nvalid_from = 2026-01-01\n"),
        &format!(
            "ssh = \"{wang}\"\nvalid_from = 2026-01-01\n\n[[people.keys]]\nssh = \"{}\"\nvalid_from = 2026-01-01\n",
            d.ssh_pub("mallory")
        ),
    );
    d.git(&["add", "team.toml"]);
    d.commit_signed(
        "li.na",
        "team: wang.fang's new laptop",
        "2026-02-15T10:00:00+08:00",
    );
    let change = d.head();

    // mkt does not let the new key approve: the roster that counts lacks it.
    d.git(&["config", "user.signingkey", &d.key_path("mallory")]);
    let err = d.refused(d.mkt(&["approve", &id]).env("GIT_COMMITTER_DATE", APPROVED));
    assert!(err.contains("not in team.toml"), "{err}");
    // Forced by hand.
    let file = director_file(&id);
    d.write(
        &file,
        &d.approval_text(&plan, "director", "wang.fang", APPROVED),
    );
    d.git(&["add", &file]);
    d.git_at(
        APPROVED,
        &[
            "-c",
            &format!("user.signingkey={}", d.key_path("mallory")),
            "commit",
            "-q",
            "-S",
            "-m",
            &format!("approve\n\nMkt-Approval: {file}\n"),
        ],
    );

    let json = d.lint(TODAY);
    let f = one(&json, "S005", "team.toml", "error");
    assert!(msg(&f).contains(&change[..10]), "{f:#}");
    assert!(
        msg(&f).contains("li.na") && msg(&f).contains("not an admin"),
        "{f:#}"
    );
    let f = one(&json, "S002", &file, "error");
    assert!(msg(&f).contains("not in the roster"), "{f:#}");
    let (code, v) = d.verify();
    assert_eq!(code, 1);
    let roster: Vec<&Value> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "roster")
        .collect();
    assert_eq!(
        roster.len(),
        3,
        "init, the admin's roster, li.na's change: {v:#}"
    );
    assert_eq!(roster[2]["ok"], false);
    assert!(
        roster[2]["verdict"].as_str().unwrap().starts_with("S005"),
        "{v:#}"
    );

    // An unsigned change making zhao.lei a director: S005, and it gives him nothing.
    let (d, id, _plan) = dept_with_campaign();
    d.replace(
        "team.toml",
        "roles = [\"specialist\"]",
        "roles = [\"specialist\", \"director\"]",
    );
    d.commit_all("team: promote zhao.lei", "2026-02-15T10:00:00+08:00");
    let f = one(&d.lint(TODAY), "S005", "team.toml", "error");
    assert!(msg(&f).contains("not signed"), "{f:#}");
    let err = d.refused_as("zhao.lei", APPROVED, &["approve", &id]);
    assert!(err.contains("zhao.lei"), "{err}");
}

#[test]
fn a_rebased_approval_is_s001_and_called_rebased() {
    let (d, id, _plan) = dept_with_campaign();
    let main = d.branch();
    d.git(&["checkout", "-q", "-b", "wang"]);
    d.ok_as("wang.fang", APPROVED, &["approve", &id]);
    let signed = d.head();
    let file = last_file(&d);
    d.git(&["checkout", "-q", &main]);
    d.write(
        "campaigns/春季促销-2026-03V1/results.toml",
        "[kpi]\nexposure = 1\n",
    );
    d.commit_all("main work", "2026-02-21T10:00:00+08:00");
    // `git pull --rebase`, in effect: the approval is re-created, unsigned.
    d.git(&["checkout", "-q", "wang"]);
    d.git_at("2026-02-22T10:00:00+08:00", &["rebase", "-q", &main]);
    let rebased = d.head();
    assert_ne!(rebased, signed);
    let raw = d.git(&["cat-file", "commit", "HEAD"]);
    assert!(!raw.contains("gpgsig"), "rebase drops the signature: {raw}");
    d.git(&["checkout", "-q", &main]);
    d.git(&["merge", "-q", "--ff-only", "wang"]);

    let json = d.lint(TODAY);
    let f = one(&json, "S001", &file, "error");
    assert!(msg(&f).contains("rebased"), "{f:#}");
    assert!(msg(&f).contains(&signed[..10]), "{f:#}");
    assert!(f["help"].as_str().unwrap().contains("--no-rebase"), "{f:#}");
    let (code, v) = d.verify();
    assert_eq!(code, 1);
    let row = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["stage"] == "director")
        .cloned()
        .unwrap();
    assert!(
        row["verdict"].as_str().unwrap().contains("rebased"),
        "{row:#}"
    );
}

// ---------------------------------------------------------------------------
// Approval rules: A001–A006

#[test]
fn the_budget_changed_after_approval_is_a005() {
    let (d, id, plan) = dept_with_campaign();
    d.ok_as("wang.fang", APPROVED, &["approve", &id]);
    let file = last_file(&d);
    no_approval_findings(&d.lint("2026-03-02"));
    d.replace(&plan, "total = 80000", "total = 88000");
    d.replace(&plan, "channel = 40000", "channel = 48000");
    d.commit_all("more budget", "2026-02-25T10:00:00+08:00");
    let json = d.lint("2026-03-02");
    let f = one(&json, "A005", &file, "error");
    assert!(
        msg(&f).contains(&plan) && msg(&f).contains("wang.fang"),
        "{f:#}"
    );
    // The stale approval no longer counts: the campaign started without one.
    one(&json, "A001", &plan, "error");
    assert!(findings(&json, "S003").is_empty(), "{json:#}");
    // And mkt lets the director approve the plan as it is now.
    d.ok_as("wang.fang", "2026-02-26T10:00:00+08:00", &["approve", &id]);
    assert_eq!(
        last_file(&d),
        format!("campaigns/{id}/approvals/02-director-wang.fang.toml")
    );
    assert!(findings(&d.lint("2026-03-02"), "A001").is_empty());
}

#[test]
fn a_supervisor_above_the_threshold_is_refused_and_forced_is_a003() {
    let d = Dept::new();
    let id = "品牌焕新-2026-03V1";
    let plan = d.add_campaign(id, "2026-03-01", "zhao.lei", 200000, false);
    let err = d.refused_as("li.na", APPROVED, &["approve", id]);
    assert!(err.contains("li.na") && err.contains("director"), "{err}");
    let err = d.refused_as("li.na", APPROVED, &["approve", id, "--stage", "supervisor"]);
    assert!(err.contains("not a step"), "{err}");
    let err = d.refused_as("li.na", APPROVED, &["approve", id, "--stage", "director"]);
    assert!(err.contains("cannot take the director step"), "{err}");

    // Forced: written by hand and committed with `git commit -S`.
    let file = format!("campaigns/{id}/approvals/01-supervisor-li.na.toml");
    d.forge(&file, &plan, "supervisor", "li.na", Some("li.na"), APPROVED);
    assert!(d.git_verify_commit("HEAD").status.success());
    let json = d.lint(TODAY);
    let f = one(&json, "A003", &file, "error");
    assert!(
        msg(&f).contains("50000") && msg(&f).contains("200000"),
        "{f:#}"
    );
    assert!(findings(&json, "S001").is_empty() && findings(&json, "S002").is_empty());
    // Also claiming the director's step: A003 again.
    let file2 = format!("campaigns/{id}/approvals/02-director-li.na.toml");
    d.forge(
        &file2,
        &plan,
        "director",
        "li.na",
        Some("li.na"),
        "2026-02-21T10:00:00+08:00",
    );
    let json = d.lint("2026-03-01");
    let a003 = findings(&json, "A003");
    assert_eq!(a003.len(), 2, "{json:#}");
    let f = a003
        .iter()
        .find(|f| f["file"] == file2.as_str())
        .expect("the director file");
    assert!(msg(f).contains("without being a director"), "{f:#}");
    // Neither fills the chain.
    one(&json, "A001", &plan, "error");
}

#[test]
fn finance_before_the_department_head_is_refused_and_forced_is_a002() {
    let d = Dept::new();
    let id = "618年中大促-2026-06V1";
    d.add_campaign(id, "2026-06-01", "li.na", 80000, false);
    let po = d.add_purchase(id, "PO-2026-017", "2026-02-27", "zhao.lei");
    let args = ["approve", id, "--purchase", "PO-2026-017"];
    let err = d.refused_as("chen.jing", APPROVED, &args);
    assert!(err.contains("out of order"), "{err}");
    let mut staged = args.to_vec();
    staged.extend(["--stage", "finance"]);
    let err = d.refused_as("chen.jing", APPROVED, &staged);
    assert!(err.contains("out of order"), "{err}");

    let forced = format!("campaigns/{id}/approvals/01-finance-chen.jing.toml");
    d.forge(
        &forced,
        &po,
        "finance",
        "chen.jing",
        Some("chen.jing"),
        "2026-02-20T09:00:00+08:00",
    );
    d.ok_as("zhang.wei", "2026-02-20T10:00:00+08:00", &args);
    let json = d.lint(TODAY);
    let f = one(&json, "A002", &forced, "error");
    assert!(
        msg(&f).contains("finance approved before department_head"),
        "{f:#}"
    );
    // The early finance approval does not count: finance approves again, in order.
    let said = d.ok_as("chen.jing", "2026-02-20T11:00:00+08:00", &args);
    assert!(said.contains("approved as finance by chen.jing"), "{said}");
    d.ok_as("liu.yang", "2026-02-20T12:00:00+08:00", &args);
    let json = d.lint("2026-02-27");
    assert_eq!(
        findings(&json, "A002").len(),
        1,
        "the forced one stays on record"
    );
    assert!(findings(&json, "A001").is_empty(), "{json:#}");
}

#[test]
fn the_owner_approving_their_own_is_refused_and_forced_is_a004() {
    let d = Dept::new();
    let id = "小额推广-2026-03V1";
    let plan = d.add_campaign(id, "2026-03-01", "li.na", 40000, false);
    let err = d.refused_as("li.na", APPROVED, &["approve", id]);
    assert!(err.contains("own"), "{err}");

    let file = format!("campaigns/{id}/approvals/01-supervisor-li.na.toml");
    d.forge(&file, &plan, "supervisor", "li.na", Some("li.na"), APPROVED);
    let json = d.lint("2026-03-01");
    let f = one(&json, "A004", &file, "error");
    assert!(
        msg(&f).contains("li.na approved their own campaign"),
        "{f:#}"
    );
    one(&json, "A001", &plan, "error");

    // A purchase requested by its approver: refused as well.
    let po_path = d.add_purchase(id, "PO-2026-002", "2026-02-27", "zhang.wei");
    let err = d.refused_as(
        "zhang.wei",
        APPROVED,
        &["approve", id, "--purchase", "PO-2026-002"],
    );
    assert!(err.contains("own purchase request"), "{err}");
    let file = format!("campaigns/{id}/approvals/02-department_head-zhang.wei.toml");
    d.forge(
        &file,
        &po_path,
        "department_head",
        "zhang.wei",
        Some("zhang.wei"),
        APPROVED,
    );
    let json = d.lint(TODAY);
    let a004 = findings(&json, "A004");
    assert_eq!(a004.len(), 2, "the campaign's and the purchase's: {json:#}");
    let f = a004
        .iter()
        .find(|f| f["file"] == file.as_str())
        .unwrap_or_else(|| panic!("no A004 on {file}: {json:#}"));
    assert!(
        msg(f).contains("zhang.wei approved their own purchase request"),
        "{f:#}"
    );
}

#[test]
fn started_without_approval_is_a001_and_warned_a_week_ahead() {
    let (d, id, plan) = dept_with_campaign();
    // Nine days ahead: nothing yet.
    assert!(findings(&d.lint("2026-02-20"), "A001").is_empty());
    // Within seven days of the start: a warning.
    let json = d.lint("2026-02-25");
    let f = one(&json, "A001", &plan, "warning");
    assert!(msg(&f).contains("in 4 days"), "{f:#}");
    assert!(
        f["help"]
            .as_str()
            .unwrap()
            .contains(&format!("mkt approve {id}")),
        "{f:#}"
    );
    let json = d.lint("2026-02-22");
    one(&json, "A001", &plan, "warning");
    // Started: an error, naming what is missing.
    let json = d.lint("2026-03-01");
    let f = one(&json, "A001", &plan, "error");
    assert!(msg(&f).contains("director"), "{f:#}");
    let f = one(&d.lint("2026-03-10"), "A001", &plan, "error");
    assert!(f["help"].as_str().unwrap().contains("wang.fang") || msg(&f).contains("director"));
    // Approved: gone.
    d.ok_as("wang.fang", "2026-02-26T10:00:00+08:00", &["approve", &id]);
    assert!(findings(&d.lint("2026-03-01"), "A001").is_empty());
    assert!(findings(&d.lint("2026-02-27"), "A001").is_empty());
}

#[test]
fn a_backdated_approval_counts_from_its_parents_date_and_is_s006() {
    // sun.li's key retired on 2026-05-06.
    let d = Dept::build(Setup {
        key_dates: vec![(
            "sun.li",
            "valid_from = 2025-01-01\nvalid_until = 2026-05-06",
        )],
        ..Setup::default()
    });
    let id = "舆情应对-2026-05V1";
    let plan = d.add_campaign(id, "2026-05-02", "zhao.lei", 80000, true);
    d.ok_as("wang.fang", "2026-05-02T12:00:00+08:00", &["approve", id]);
    d.commit_all("later work", "2026-05-09T10:00:00+08:00");
    // Both missing steps, signed by the right people, dated back into the
    // emergency window (and into sun.li's key's dates) by hand.
    let back = "2026-05-04T10:00:00+08:00";
    let legal = format!("campaigns/{id}/approvals/02-legal-sun.li.toml");
    d.forge(&legal, &plan, "legal", "sun.li", Some("sun.li"), back);
    let head = format!("campaigns/{id}/approvals/03-department_head-zhang.wei.toml");
    d.forge(
        &head,
        &plan,
        "department_head",
        "zhang.wei",
        Some("zhang.wei"),
        back,
    );
    assert!(
        d.git(&["log", "-1", "--format=%cI"])
            .starts_with("2026-05-04")
    );

    let json = d.lint("2026-05-20");
    let s006 = findings(&json, "S006");
    assert_eq!(s006.len(), 2, "{json:#}");
    assert!(s006.iter().all(|f| f["severity"] == "warning"), "{json:#}");
    let f = s006
        .iter()
        .find(|f| f["file"] == legal.as_str())
        .expect("legal's");
    assert!(
        msg(f).contains("2026-05-04 10:00") && msg(f).contains("2026-05-09 10:00"),
        "{f:#}"
    );
    one(&json, "S004", &legal, "error");
    let a006 = findings(&json, "A006");
    assert!(
        a006.iter()
            .any(|f| msg(f).contains("approved on 2026-05-09")),
        "{json:#}"
    );
    assert!(a006.iter().any(|f| f["file"] == plan.as_str()), "{json:#}");
    let (code, _) = d.verify();
    assert_eq!(code, 1);
}

#[test]
fn an_emergency_not_approved_in_time_is_a006() {
    let d = Dept::new();
    let id = "舆情应对-2026-05V1";
    let plan = d.add_campaign(id, "2026-05-02", "zhao.lei", 80000, true);
    d.ok_as("wang.fang", "2026-05-02T12:00:00+08:00", &["approve", id]);
    // The third day after the start is still in time.
    assert!(findings(&d.lint("2026-05-05"), "A006").is_empty());
    assert!(findings(&d.lint("2026-05-05"), "A001").is_empty());
    let json = d.lint("2026-05-06");
    let f = one(&json, "A006", &plan, "error");
    assert!(
        msg(&f).contains("legal") && msg(&f).contains("department_head"),
        "{f:#}"
    );
    assert!(msg(&f).contains("2026-05-05"), "{f:#}");
    assert!(
        findings(&json, "A001").is_empty(),
        "emergency work is A006, not A001"
    );

    // A late approval stays late.
    d.ok_as("zhang.wei", "2026-05-04T10:00:00+08:00", &["approve", id]);
    d.ok_as("sun.li", "2026-05-08T10:00:00+08:00", &["approve", id]);
    let json = d.lint("2026-05-20");
    let a006 = findings(&json, "A006");
    assert_eq!(a006.len(), 1, "{json:#}");
    assert!(
        a006[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("-legal-sun.li.toml"),
        "{json:#}"
    );
    assert!(msg(&a006[0]).contains("2026-05-08"), "{json:#}");
}

// ---------------------------------------------------------------------------
// The approval commit: the user's work, races, refusals

#[test]
fn staged_changes_survive_mkt_approve_untouched() {
    let (d, id, _plan) = dept_with_campaign();
    let other = d.add_campaign("夏日清凉-2026-03V1", "2026-03-01", "li.na", 80000, false);
    // Staged: a new results file and an edit; unstaged: another edit; untracked: a draft.
    d.write(
        &format!("campaigns/{id}/results.toml"),
        "[kpi]\nexposure = 830000\n",
    );
    d.replace(
        &other,
        "objective = \"新品认知与首购\"",
        "objective = \"夏季新品\"",
    );
    d.git(&["add", "-A"]);
    d.replace(&other, "title = \"测试活动\"", "title = \"夏日活动\"");
    d.write("draft.md", "草稿\n");
    let staged = d.git(&["diff", "--cached"]);
    let unstaged = d.git(&["diff"]);
    let status = d.status();
    let index_before = d.git(&["ls-files", "--stage"]);
    assert!(!staged.is_empty() && !unstaged.is_empty());

    d.ok_as("wang.fang", APPROVED, &["approve", &id]);
    let file = director_file(&id);
    assert_eq!(
        d.changed_in("HEAD"),
        std::slice::from_ref(&file),
        "only the approval is committed"
    );
    assert_eq!(
        d.git(&["diff", "--cached"]),
        staged,
        "the staged changes are still staged"
    );
    assert_eq!(
        d.git(&["diff"]),
        unstaged,
        "the unstaged changes are still unstaged"
    );
    assert_eq!(d.status(), status);
    // The index holds the approval (as HEAD does) and everything it held before.
    let index_after = d.git(&["ls-files", "--stage"]);
    let mut expected: Vec<&str> = index_before.lines().collect();
    let added = index_after
        .lines()
        .find(|l| l.ends_with(&file))
        .expect("the approval is in the index")
        .to_string();
    expected.push(&added);
    expected.sort_by_key(|l| l.split('\t').nth(1).unwrap().to_string());
    let mut got: Vec<&str> = index_after.lines().collect();
    got.sort_by_key(|l| l.split('\t').nth(1).unwrap().to_string());
    assert_eq!(got, expected);
    assert!(d.read(&file).contains("approver = \"wang.fang\""));
    assert!(d.git_verify_commit("HEAD").status.success());
    // The commit on top of the old HEAD.
    d.verify_ok();
}

#[test]
fn two_approvals_racing_one_wins_the_other_fails_cleanly_and_succeeds_on_retry() {
    let d = Dept::new();
    let id = "舆情应对-2026-05V1";
    d.add_campaign(id, "2026-05-02", "zhao.lei", 80000, true);
    let start = d.head();
    // wang.fang signs through gpg.ssh.program (her public key file: the
    // private half is beside it). While it "signs", sun.li approves the same
    // campaign on the same branch, the first time only.
    let marker = d.tmp().join("raced");
    let log = d.tmp().join("racer.log");
    let wrapper = d.tmp().join("racing-ssh-keygen");
    let mkt = assert_cmd::cargo::cargo_bin("mkt");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\n\
             if [ ! -e '{marker}' ]; then\n\
             \x20 : > '{marker}'\n\
             \x20 GIT_COMMITTER_DATE='2026-05-02T11:00:00+08:00' '{mkt}' -C '{root}' approve '{id}' --key '{key}' </dev/null >'{log}' 2>&1 || exit 97\n\
             fi\n\
             exec ssh-keygen \"$@\"\n",
            marker = marker.display(),
            mkt = mkt.display(),
            root = d.root.display(),
            key = d.key_path("sun.li"),
            log = log.display(),
        ),
    )
    .unwrap();
    set_mode(&wrapper, 0o755);
    d.git(&["config", "gpg.ssh.program", wrapper.to_str().unwrap()]);
    d.git(&[
        "config",
        "user.signingkey",
        &format!("{}.pub", d.key_path("wang.fang")),
    ]);

    let out = d
        .mkt(&["approve", id])
        .env("GIT_COMMITTER_DATE", "2026-05-02T12:00:00+08:00")
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{err}\nracer: {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    assert!(err.contains("moved"), "{err}");
    assert!(marker.exists(), "the racer ran");
    // sun.li's approval won; wang.fang's left nothing behind.
    assert_eq!(d.git(&["rev-parse", "HEAD~1"]).trim(), start);
    assert_eq!(
        d.git(&["log", "-1", "--format=%s"]).trim(),
        format!("approve({id}): legal by sun.li")
    );
    assert_eq!(
        d.changed_in("HEAD"),
        [format!("campaigns/{id}/approvals/01-legal-sun.li.toml")]
    );
    assert_eq!(d.status(), "", "index and work tree agree with HEAD");
    assert!(
        d.git_try(&["diff", "--cached", "--quiet"], None)
            .status
            .success()
    );
    assert!(d.git_try(&["diff", "--quiet"], None).status.success());
    let dir = d.path(&format!("campaigns/{id}/approvals"));
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["01-legal-sun.li.toml"]);

    // The same command again: it succeeds on top of the winner.
    let out = d
        .mkt(&["approve", id])
        .env("GIT_COMMITTER_DATE", "2026-05-02T12:05:00+08:00")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        d.changed_in("HEAD"),
        [format!(
            "campaigns/{id}/approvals/02-director-wang.fang.toml"
        )]
    );
    assert_eq!(d.status(), "");
    let rows = d.verify_ok();
    assert_eq!(rows.len(), 2);
    for c in d.approval_commits() {
        assert!(d.git_verify_commit(&c).status.success(), "{c}");
    }
}

#[test]
fn openpgp_approvals_verify_and_gpg_runs_once_per_signature() {
    let d = Dept::build(Setup {
        openpgp: vec!["wang.fang"],
        ..Setup::default()
    });
    let fpr = d.fprs["wang.fang"].clone();
    assert!(
        d.read("team.toml")
            .contains(&format!("openpgp = \"{fpr}\""))
    );
    let a = "春季促销-2026-03V1";
    let b = "品牌焕新-2026-03V1";
    d.add_campaign(a, "2026-03-01", "li.na", 80000, false);
    d.add_campaign(b, "2026-03-01", "li.na", 90000, false);
    let said = d.ok_as("wang.fang", APPROVED, &["approve", a]);
    assert!(said.contains("approved as director by wang.fang"), "{said}");
    d.ok_as("wang.fang", "2026-02-20T11:00:00+08:00", &["approve", b]);
    let commits = d.approval_commits();
    assert_eq!(commits.len(), 2);
    for c in &commits {
        let raw = d.git(&["cat-file", "commit", c]);
        assert!(
            raw.contains("gpgsig -----BEGIN PGP SIGNATURE-----"),
            "{raw}"
        );
        let out = d.git_verify_commit(c);
        assert!(
            out.status.success(),
            "git verify-commit {c}: {}",
            text(&out.stderr)
        );
        assert_eq!(d.changed_in(c).len(), 1);
    }
    assert_eq!(d.status(), "");

    let rows = d.verify_ok();
    assert_eq!(rows.len(), 2);
    for r in &rows {
        assert_eq!(r["key"], fpr.as_str(), "{r:#}");
        assert_eq!(r["person"], "wang.fang");
    }
    let cache = d.path(".git/mkt/gpg-verified");
    let cached = std::fs::read_to_string(&cache).expect("the gpg results are cached");
    for c in &commits {
        assert!(cached.contains(c.as_str()), "{cached}");
    }

    // Count gpg's verifications through gpg.program.
    let calls = d.tmp().join("gpg-calls");
    let wrapper = d.tmp().join("counting-gpg");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec gpg \"$@\"\n",
            calls.display()
        ),
    )
    .unwrap();
    set_mode(&wrapper, 0o755);
    d.git(&["config", "gpg.program", wrapper.to_str().unwrap()]);
    let verifications = || {
        std::fs::read_to_string(&calls)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("--verify"))
            .count()
    };
    std::fs::remove_file(&cache).unwrap();
    d.verify_ok();
    assert_eq!(verifications(), 2, "one gpg call per signature");
    assert!(cache.exists());
    d.verify_ok();
    no_approval_findings(&d.lint(TODAY));
    assert_eq!(verifications(), 2, "later runs read the cache");

    // A bad OpenPGP signature is caught (and cached as bad): another
    // person's approval signed with wang.fang's gpg key is S002.
    let id = "小额推广-2026-03V1";
    let plan = d.add_campaign(id, "2026-03-01", "zhao.lei", 40000, false);
    let file = format!("campaigns/{id}/approvals/01-supervisor-li.na.toml");
    d.write(
        &file,
        &d.approval_text(&plan, "supervisor", "li.na", APPROVED),
    );
    d.git(&["add", &file]);
    d.git_at(
        APPROVED,
        &[
            "-c",
            "gpg.format=openpgp",
            "-c",
            &format!("user.signingkey={fpr}"),
            "commit",
            "-q",
            "-S",
            "-m",
            "approve",
        ],
    );
    let f = one(&d.lint(TODAY), "S002", &file, "error");
    assert!(msg(&f).contains("signed by wang.fang"), "{f:#}");
    assert_eq!(verifications(), 3);
}

#[test]
fn every_refusal_leaves_the_repository_unchanged() {
    let d = Dept::new();
    let id = "春季促销-2026-03V1";
    let plan = d.add_campaign(id, "2026-03-01", "li.na", 80000, false);
    d.add_purchase(id, "PO-2026-017", "2026-02-27", "zhao.lei");
    let minutes = format!("campaigns/{id}/minutes/2026-02-25-kickoff.toml");
    d.write(
        &minutes,
        "kind = \"kickoff\"\ntitle = \"启动会\"\nheld_at = 2026-02-25T10:00:00+08:00\nduration_minutes = 60\nattendees = [\"li.na\", \"wang.fang\"]\n\n[[agenda]]\ntopic = \"分工\"\nnotes = \"按计划\"\n",
    );
    d.commit_all("kickoff", "2026-02-25T10:00:00+08:00");
    // The user has work in progress: staged, unstaged and untracked.
    d.write(
        &format!("campaigns/{id}/results.toml"),
        "[kpi]\nexposure = 1\n",
    );
    d.git(&["add", "-A"]);
    d.write("draft.md", "草稿\n");
    let po = ["approve", id, "--purchase", "PO-2026-017"];

    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        ("li.na", vec!["approve", id], "own campaign"),
        ("zhao.lei", vec!["approve", id], "no role"),
        ("chen.jing", po.to_vec(), "out of order"),
        ("liu.yang", po.to_vec(), "out of order"),
        (
            "zhang.wei",
            vec!["approve", id, "--purchase", "PO-404"],
            "no purchase",
        ),
        (
            "wang.fang",
            vec!["approve", "没有-2026-03V1"],
            "no campaign",
        ),
        (
            "wang.fang",
            vec!["approve", id, "--stage", "ceo"],
            "not a step",
        ),
        (
            "wang.fang",
            vec!["sign-off", &plan],
            "approved, not signed off",
        ),
        (
            "wang.fang",
            vec!["approve", id, "--key", "/nonexistent/key"],
            "/nonexistent/key",
        ),
        ("sun.li", vec!["sign-off", &minutes], "sun.li"),
    ];
    for (person, args, says) in &cases {
        let err = d.refused_as(person, APPROVED, args);
        assert!(
            err.contains(says),
            "{person} {args:?}: `{says}` not in: {err}"
        );
    }

    // A step already taken.
    d.ok_as("wang.fang", APPROVED, &["approve", id]);
    let err = d.refused_as("wang.fang", APPROVED, &["approve", id]);
    assert!(err.contains("complete") || err.contains("already"), "{err}");
    // A subject with uncommitted changes.
    let po_file = format!("campaigns/{id}/purchases/PO-2026-017.toml");
    d.replace(&po_file, "KOL 投放 3 条", "KOL 投放 4 条");
    let err = d.refused_as("zhang.wei", APPROVED, &po);
    assert!(err.contains("uncommitted changes"), "{err}");
    d.git(&["checkout", "--", &po_file]);
    // A key that is not in team.toml.
    d.keygen("stranger");
    d.git(&["config", "user.signingkey", &d.key_path("stranger")]);
    let err = d.refused(d.mkt(&po).env("GIT_COMMITTER_DATE", APPROVED));
    assert!(err.contains("not in team.toml"), "{err}");
    // No signing key at all.
    d.git(&["config", "--unset", "user.signingkey"]);
    let err = d.refused(d.mkt(&po).env("GIT_COMMITTER_DATE", APPROVED));
    assert!(err.contains("signing key"), "{err}");
    // A detached HEAD.
    d.git(&["checkout", "-q", "--detach"]);
    d.sign_as("zhang.wei");
    let err = d.refused(d.mkt(&po).env("GIT_COMMITTER_DATE", APPROVED));
    assert!(err.contains("detached"), "{err}");
    d.git(&["checkout", "-q", "-"]);
    // A signing program that fails.
    d.git(&[
        "config",
        "user.signingkey",
        &format!("{}.pub", d.key_path("zhang.wei")),
    ]);
    d.git(&["config", "gpg.ssh.program", "false"]);
    let err = d.refused(d.mkt(&po).env("GIT_COMMITTER_DATE", APPROVED));
    assert!(err.contains("signing failed"), "{err}");
    d.git(&["config", "--unset", "gpg.ssh.program"]);

    // After all that, the user's work is as it was and one approval was made.
    assert!(
        d.git(&["diff", "--cached", "--name-only"])
            .contains("results.toml")
    );
    assert!(d.path("draft.md").exists());
    assert_eq!(d.approval_commits().len(), 1);
    d.ok_as("zhang.wei", APPROVED, &po);
    d.verify_ok();
}

#[test]
fn a_change_staged_while_signing_stays_staged() {
    // The user stages work in another terminal while mkt waits for the
    // signature (a hardware key's touch, a passphrase): it stays staged and
    // out of the approval commit.
    let (d, id, _plan) = dept_with_campaign();
    let results = format!("campaigns/{id}/results.toml");
    d.write(&results, "[kpi]\nexposure = 1\n");
    let wrapper = d.tmp().join("slow-ssh-keygen");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\ngit -C '{}' add '{results}' </dev/null || exit 97\nexec ssh-keygen \"$@\"\n",
            d.root.display()
        ),
    )
    .unwrap();
    set_mode(&wrapper, 0o755);
    d.git(&["config", "gpg.ssh.program", wrapper.to_str().unwrap()]);
    d.git(&[
        "config",
        "user.signingkey",
        &format!("{}.pub", d.key_path("wang.fang")),
    ]);
    let out = d
        .mkt(&["approve", &id])
        .env("GIT_COMMITTER_DATE", APPROVED)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(d.changed_in("HEAD"), [director_file(&id)]);
    assert_eq!(d.git(&["diff", "--cached", "--name-only"]).trim(), results);
    assert_eq!(d.status(), format!("A  {results}\n"));
    d.verify_ok();
}

#[test]
fn a_missing_openpgp_public_key_is_not_remembered_as_a_bad_signature() {
    // gpg without the signer's public key says nothing about the commit:
    // once the key is imported, the approval verifies.
    let d = Dept::build(Setup {
        openpgp: vec!["wang.fang"],
        ..Setup::default()
    });
    let id = "春季促销-2026-03V1";
    d.add_campaign(id, "2026-03-01", "li.na", 80000, false);
    d.ok_as("wang.fang", APPROVED, &["approve", id]);
    // A keyring without wang.fang's key, as on a fresh CI runner.
    let empty = d.tmp().join("empty-gnupg");
    std::fs::create_dir_all(&empty).unwrap();
    set_mode(&empty, 0o700);
    let wrapper = d.tmp().join("gpg-without-keys");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nGNUPGHOME='{}' exec gpg \"$@\"\n",
            empty.display()
        ),
    )
    .unwrap();
    set_mode(&wrapper, 0o755);
    d.git(&["config", "gpg.program", wrapper.to_str().unwrap()]);
    let (code, v) = d.verify();
    assert_eq!(code, 1, "{v:#}");
    let row = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["stage"] == "director")
        .cloned()
        .unwrap();
    assert!(
        row["verdict"].as_str().unwrap().contains("public key"),
        "{row:#}"
    );
    let _ = d
        .cmd("gpgconf")
        .env("GNUPGHOME", &empty)
        .args(["--kill", "all"])
        .output();
    // The key is there now.
    d.git(&["config", "--unset", "gpg.program"]);
    d.verify_ok();
}

/// Replaces HEAD by a copy of its commit object with `from` changed to
/// `to` after it was signed (the signature header kept as it was).
fn tamper_head(d: &Dept, from: &str, to: &str) {
    let raw = d.git(&["cat-file", "commit", "HEAD"]);
    assert_eq!(raw.matches(from).count(), 1, "{raw}");
    let forged = raw.replacen(from, to, 1);
    let file = d.tmp().join("forged-commit");
    std::fs::write(&file, forged).unwrap();
    let oid = d.git(&["hash-object", "-t", "commit", "-w", file.to_str().unwrap()]);
    d.git(&["reset", "-q", "--soft", oid.trim()]);
}

/// Good SSH verdicts are kept by commit id (`.git/mkt/ssh-verified`), but
/// only ever reused for the exact signature and payload they were checked
/// over: an entry naming a forged commit with the digest of a good one is
/// ignored and the forgery checked afresh. `--no-cache` agrees with the
/// cache.
#[test]
fn a_kept_verdict_is_reused_only_for_the_bytes_it_checked() {
    let (d, id, _plan) = dept_with_campaign();
    d.ok_as("wang.fang", APPROVED, &["approve", &id]);
    let good = d.head();
    let warm = d.verify();
    assert_eq!(warm.0, 0, "{:#}", warm.1);
    let kept = d.git_dir().join("mkt/ssh-verified");
    let text = std::fs::read_to_string(&kept).expect("verify keeps good verdicts");
    let line = text
        .lines()
        .find(|l| l.starts_with(good.trim()))
        .unwrap_or_else(|| panic!("no verdict for {good} in\n{text}"))
        .to_string();
    let again = d.verify();
    assert_eq!(again.1, warm.1, "a warm run changed the verdicts");
    let out = d
        .mkt(&["--no-cache", "verify", "--format", "json"])
        .output()
        .unwrap();
    let fresh: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(fresh, warm.1, "--no-cache disagrees with the cache");

    // The approval commit altered after signing, and the kept verdict of
    // the good commit copied onto the forgery's id.
    tamper_head(&d, "director by wang.fang", "director by wang.fang (加急)");
    let forged = d.head();
    let copied = line.replacen(good.trim(), forged.trim(), 1);
    std::fs::write(&kept, format!("{text}{copied}\n")).unwrap();
    let (code, v) = d.verify();
    assert_eq!(code, 1, "a kept verdict vouched for other bytes: {v:#}");
}

#[test]
fn a_signature_that_does_not_match_its_commit_is_s002() {
    // SSH: the approval commit's message altered after signing.
    let (d, id, _plan) = dept_with_campaign();
    d.ok_as("wang.fang", APPROVED, &["approve", &id]);
    let file = last_file(&d);
    tamper_head(&d, "director by wang.fang", "director by wang.fang (加急)");
    assert!(!d.git_verify_commit("HEAD").status.success());
    let f = one(&d.lint(TODAY), "S002", &file, "error");
    assert!(msg(&f).contains("not good"), "{f:#}");
    let (code, _) = d.verify();
    assert_eq!(code, 1);

    // OpenPGP: the same, and gpg's BADSIG is a verdict worth keeping.
    let d = Dept::build(Setup {
        openpgp: vec!["wang.fang"],
        ..Setup::default()
    });
    let id = "春季促销-2026-03V1";
    d.add_campaign(id, "2026-03-01", "li.na", 80000, false);
    d.ok_as("wang.fang", APPROVED, &["approve", id]);
    let file = last_file(&d);
    tamper_head(&d, "director by wang.fang", "director by wang.fang (加急)");
    let head = d.head();
    assert!(!d.git_verify_commit("HEAD").status.success());
    let f = one(&d.lint(TODAY), "S002", &file, "error");
    assert!(msg(&f).contains("does not match"), "{f:#}");
    let cached = d.read(".git/mkt/gpg-verified");
    assert!(cached.contains(&format!("{head} bad ")), "{cached}");
}

/// wang.fang (an OpenPGP key) approves a campaign, and verify says it is
/// good (and keeps that verdict): the department and her fingerprint.
fn openpgp_approved() -> (Dept, String) {
    let d = Dept::build(Setup {
        openpgp: vec!["wang.fang"],
        ..Setup::default()
    });
    let fpr = d.fprs["wang.fang"].clone();
    let id = "春季促销-2026-03V1";
    d.add_campaign(id, "2026-03-01", "li.na", 80000, false);
    d.ok_as("wang.fang", APPROVED, &["approve", id]);
    d.verify_ok();
    (d, fpr)
}

#[test]
fn an_openpgp_approval_by_a_revoked_key_does_not_verify() {
    let (d, fpr) = openpgp_approved();
    // The key is revoked (it was stolen): gpg made a revocation certificate
    // when it made the key; importing it revokes the key in this keyring.
    let cert = std::fs::read_to_string(d.gnupg.join("openpgp-revocs.d").join(format!("{fpr}.rev")))
        .expect("gpg wrote a revocation certificate");
    let cert = cert.replace(
        ":-----BEGIN PGP PUBLIC KEY BLOCK-----",
        "-----BEGIN PGP PUBLIC KEY BLOCK-----",
    );
    let file = d.tmp().join("revoke.asc");
    std::fs::write(&file, cert).unwrap();
    let out = d
        .cmd("gpg")
        .args(["--batch", "--import"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (e, v) = failed_approval(&d);
    assert_eq!(e["ok"], false, "{v:#}");
    assert!(e["verdict"].as_str().unwrap().contains("revoked"), "{v:#}");
}

#[test]
fn an_openpgp_approval_by_an_expired_key_does_not_verify() {
    let (d, fpr) = openpgp_approved();
    // The key expires a second from now (gpg will not date it back).
    let out = d
        .cmd("gpg")
        .args(["--batch", "--pinentry-mode", "loopback", "--passphrase", ""])
        .args(["--quick-set-expire", &fpr, "seconds=1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let (e, v) = failed_approval(&d);
    assert_eq!(e["ok"], false, "{v:#}");
    assert!(e["verdict"].as_str().unwrap().starts_with("S002"), "{v:#}");
    assert!(e["verdict"].as_str().unwrap().contains("expired"), "{v:#}");
}

/// Standard base64 with padding.
fn b64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// An SSH wire-format string.
fn wire(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

#[test]
fn a_weak_ed25519_key_in_the_roster_is_a_finding_and_never_signs() {
    let d = Dept::new();
    let id = "春季促销-2026-03V1";
    // The identity point: a small-order key. With it, R = identity and
    // s = 0 is a "signature" of any message, made without any secret.
    let mut weak = [0u8; 32];
    weak[0] = 1;
    let mut key_blob = Vec::new();
    wire(&mut key_blob, b"ssh-ed25519");
    wire(&mut key_blob, &weak);
    let key_line = format!("ssh-ed25519 {}", b64(&key_blob));
    // The admin adds it to wang.fang (the director) in a signed roster change.
    let team = d.read("team.toml");
    let marker = "id = \"wang.fang\"";
    let at = team.find(marker).unwrap();
    let keys_at = at + team[at..].find("[[people.keys]]").unwrap();
    let team = format!(
        "{}[[people.keys]]\nssh = \"{key_line}\"\n\n{}",
        &team[..keys_at],
        &team[keys_at..]
    );
    d.write("team.toml", &team);
    d.git(&["add", "team.toml"]);
    d.commit_signed(
        "zhang.wei",
        "team: another key for 王芳",
        "2026-01-06T09:00:00+08:00",
    );
    let plan = d.add_campaign(id, "2026-03-01", "li.na", 80000, false);

    // Anyone forges wang.fang's approval with plain git plumbing.
    let file = format!("campaigns/{id}/approvals/01-director-wang.fang.toml");
    d.write(
        &file,
        &d.approval_text(&plan, "director", "wang.fang", APPROVED),
    );
    d.git(&["add", &file]);
    let tree = d.git(&["write-tree"]);
    let parent = d.head();
    let mut sig = Vec::new();
    sig.extend_from_slice(b"SSHSIG");
    sig.extend_from_slice(&1u32.to_be_bytes());
    wire(&mut sig, &key_blob);
    wire(&mut sig, b"git");
    wire(&mut sig, b"");
    wire(&mut sig, b"sha512");
    let mut inner = Vec::new();
    wire(&mut inner, b"ssh-ed25519");
    let mut rs = [0u8; 64];
    rs[0] = 1; // R: the identity point; s: zero
    wire(&mut inner, &rs);
    wire(&mut sig, &inner);
    let armored = b64(&sig);
    let lines: Vec<&str> = armored
        .as_bytes()
        .chunks(70)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let commit = format!(
        "tree {}\nparent {}\nauthor 王芳 <wang.fang@example.com> 1771552800 +0800\ncommitter 王芳 <wang.fang@example.com> 1771552800 +0800\ngpgsig -----BEGIN SSH SIGNATURE-----\n {}\n -----END SSH SIGNATURE-----\n\napprove: director by wang.fang\n\nMkt-Approval: {file}\n",
        tree.trim(),
        parent.trim(),
        lines.join("\n ")
    );
    let body = d.tmp().join("forged-commit");
    std::fs::write(&body, commit).unwrap();
    let forged = d.git(&["hash-object", "-t", "commit", "-w", body.to_str().unwrap()]);
    d.git(&["update-ref", "refs/heads/main", forged.trim()]);

    let (e, v) = failed_approval(&d);
    assert_eq!(e["ok"], false, "{v:#}");
    let json = d.lint(TODAY);
    let weak = findings(&json, "F002");
    assert!(
        weak.iter().any(|f| msg(f).contains("weak (small-order)")),
        "{json:#}"
    );
}

#[test]
fn a_step_approved_on_a_parallel_branch_before_its_predecessor_is_a002() {
    let d = Dept::new();
    let id = "618年中大促-2026-06V1";
    d.add_campaign(id, "2026-06-01", "li.na", 80000, false);
    let po = d.add_purchase(id, "PO-2026-017", "2026-02-27", "zhao.lei");
    // Finance approves on a branch of its own…
    d.git(&["checkout", "-q", "-b", "finance"]);
    let early = format!("campaigns/{id}/approvals/02-finance-chen.jing.toml");
    d.forge(
        &early,
        &po,
        "finance",
        "chen.jing",
        Some("chen.jing"),
        "2026-02-15T09:00:00+08:00",
    );
    // …while the department head approves on main, a day later by the clock.
    d.git(&["checkout", "-q", "main"]);
    let head = format!("campaigns/{id}/approvals/01-department_head-zhang.wei.toml");
    d.forge(
        &head,
        &po,
        "department_head",
        "zhang.wei",
        Some("zhang.wei"),
        "2026-02-16T09:00:00+08:00",
    );
    d.git_at(
        "2026-02-17T09:00:00+08:00",
        &["merge", "-q", "--no-ff", "-m", "merge finance", "finance"],
    );
    // Neither is in the other's ancestry: finance did not come after the
    // department head, so it does not count, whatever the walk's order.
    let json = d.lint(TODAY);
    let f = one(&json, "A002", &early, "error");
    assert!(
        msg(&f).contains("finance approved before department_head"),
        "{f:#}"
    );
    // In order, on a branch that has the department head's approval: it counts.
    let args = ["approve", id, "--purchase", "PO-2026-017"];
    let said = d.ok_as("chen.jing", "2026-02-18T11:00:00+08:00", &args);
    assert!(said.contains("approved as finance by chen.jing"), "{said}");
}

#[test]
fn an_approval_commit_that_also_adds_a_non_utf8_name_is_not_a_one_file_commit() {
    use std::os::unix::ffi::OsStrExt;
    let d = Dept::new();
    let id = "春季促销-2026-03V1";
    let plan = d.add_campaign(id, "2026-03-01", "li.na", 80000, false);
    let file = format!("campaigns/{id}/approvals/01-director-wang.fang.toml");
    d.write(
        &file,
        &d.approval_text(&plan, "director", "wang.fang", APPROVED),
    );
    let odd = d
        .path("campaigns")
        .join(std::ffi::OsStr::from_bytes(b"\xff\xfe"));
    std::fs::create_dir_all(&odd).unwrap();
    std::fs::write(odd.join("x.txt"), "smuggled").unwrap();
    d.git(&["add", "-A"]);
    let msg = format!("approve: director by wang.fang\n\nMkt-Approval: {file}\n");
    d.commit_signed("wang.fang", &msg, APPROVED);
    let (e, v) = failed_approval(&d);
    assert!(
        e["verdict"]
            .as_str()
            .unwrap()
            .contains("together with other changes"),
        "{v:#}"
    );
}

#[test]
fn an_approval_filed_in_another_campaigns_folder_does_not_count() {
    let d = Dept::new();
    let a = "春季促销-2026-03V1";
    let b = "品牌焕新-2026-03V1";
    let plan_a = d.add_campaign(a, "2026-03-01", "li.na", 80000, false);
    d.add_campaign(b, "2026-03-01", "li.na", 80000, false);
    let file = format!("campaigns/{b}/approvals/01-director-wang.fang.toml");
    d.forge(
        &file,
        &plan_a,
        "director",
        "wang.fang",
        Some("wang.fang"),
        APPROVED,
    );
    let (e, v) = failed_approval(&d);
    assert!(
        e["verdict"]
            .as_str()
            .unwrap()
            .contains(&format!("filed under campaign {b}")),
        "{v:#}"
    );
    // The campaign it names is still waiting for its director.
    let json = d.lint("2026-03-01");
    assert!(
        findings(&json, "A001")
            .iter()
            .any(|f| f["file"] == plan_a.as_str()),
        "{json:#}"
    );
}

/// `mkt verify` that fails: the first approval entry, and the document.
fn failed_approval(d: &Dept) -> (Value, Value) {
    let (code, v) = d.verify();
    assert_eq!(code, 1, "verify passed: {v:#}");
    let e = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "approval")
        .cloned()
        .unwrap_or_else(|| panic!("no approval entry: {v:#}"));
    (e, v)
}

#[test]
fn one_step_answered_twice_side_by_side_is_a007_naming_both() {
    let d = Dept::new();
    let id = "春季促销-2026-03V1";
    let plan = d.add_campaign(id, "2026-03-01", "li.na", 80000, false);
    // The director approves on a branch; on main, the same plan is rejected
    // for the same step, neither having seen the other.
    d.git(&["checkout", "-q", "-b", "director"]);
    let yes = format!("campaigns/{id}/approvals/01-director-wang.fang.toml");
    let yes_commit = d.forge(
        &yes,
        &plan,
        "director",
        "wang.fang",
        Some("wang.fang"),
        APPROVED,
    );
    d.git(&["checkout", "-q", "main"]);
    let no = format!("campaigns/{id}/approvals/02-director-wang.fang.toml");
    d.write(
        &no,
        &d.approval_text(&plan, "director", "wang.fang", APPROVED)
            .replace("decision = \"approve\"", "decision = \"reject\""),
    );
    d.git(&["add", &no]);
    d.commit_signed(
        "wang.fang",
        &format!("reject: director by wang.fang\n\nMkt-Approval: {no}\n"),
        APPROVED,
    );
    let no_commit = d.head();
    d.git_at(
        "2026-02-21T10:00:00+08:00",
        &["merge", "-q", "--no-ff", "-m", "merge director", "director"],
    );
    let json = d.lint(TODAY);
    let a007 = findings(&json, "A007");
    assert_eq!(a007.len(), 1, "{json:#}");
    let m = msg(&a007[0]);
    assert!(
        m.contains(&yes_commit.trim()[..10]) && m.contains(&no_commit.trim()[..10]),
        "{m}"
    );
    // Approved once, in order: no A007.
    let d = Dept::new();
    d.add_campaign(id, "2026-03-01", "li.na", 80000, false);
    d.ok_as("wang.fang", APPROVED, &["approve", id]);
    assert!(findings(&d.lint(TODAY), "A007").is_empty());
}

// ---------------------------------------------------------------------------
// Approvals all or nothing (issue 11): every failure leaves HEAD, the index
// and the work tree as they were, no lock and no temporary file; a retry
// succeeds.

/// No lock or scratch file of an approval anywhere in the repository.
fn no_leftovers(d: &Dept) {
    assert!(!d.git_dir().join("index.lock").exists(), "index.lock left");
    let mkt = d.git_dir().join("mkt");
    if let Ok(entries) = std::fs::read_dir(&mkt) {
        for e in entries {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.starts_with("index-"), "scratch index left: {name}");
        }
    }
    assert!(
        !walk_files(&d.root)
            .iter()
            .any(|(p, _)| p.contains(".mkt-") && p.ends_with(".tmp")),
        "a temporary file left in the work tree"
    );
}

/// The approval, made again after a failure: it succeeds and is clean.
fn retry_succeeds(d: &Dept, id: &str) {
    d.ok_as("wang.fang", APPROVED, &["approve", id]);
    let file = last_file(d);
    assert!(file.ends_with("01-director-wang.fang.toml"), "{file}");
    d.verify_ok();
    assert_eq!(d.status(), "", "the clone is clean after the approval");
}

#[test]
fn an_index_held_by_another_git_is_waited_for_then_refused_and_nothing_moves() {
    let (d, id, _) = dept_with_campaign();
    let lock = d.git_dir().join("index.lock");
    std::fs::write(&lock, b"held by an editor's git status").unwrap();
    let err = d.refused_as("wang.fang", APPROVED, &["approve", &id]);
    assert!(err.contains("another git is using the index"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    // The other git's lock is its own: left as it was.
    assert!(lock.exists());
    std::fs::remove_file(&lock).unwrap();
    no_leftovers(&d);
    retry_succeeds(&d, &id);
}

#[test]
fn an_index_lock_released_while_waiting_lets_the_approval_through() {
    let (d, id, _) = dept_with_campaign();
    let lock = d.git_dir().join("index.lock");
    std::fs::write(&lock, b"").unwrap();
    let releaser = {
        let lock = lock.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(400));
            std::fs::remove_file(lock).unwrap();
        })
    };
    d.ok_as("wang.fang", APPROVED, &["approve", &id]);
    releaser.join().unwrap();
    d.verify_ok();
    no_leftovers(&d);
}

#[test]
fn a_work_tree_that_cannot_take_the_file_undoes_the_index_and_moves_nothing() {
    let (d, id, _) = dept_with_campaign();
    // The approvals folder cannot be made: a file stands where it would go.
    let blocker = format!("campaigns/{id}/approvals");
    d.write(&blocker, "not a folder\n");
    let err = d.refused_as("wang.fang", APPROVED, &["approve", &id]);
    assert!(err.contains("cannot write"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    no_leftovers(&d);
    std::fs::remove_file(d.path(&blocker)).unwrap();
    retry_succeeds(&d, &id);
}

#[test]
fn a_signal_at_any_step_of_the_approval_commit_leaves_all_or_nothing() {
    for step in ["locked", "indexed", "written", "moved"] {
        let (d, id, _) = dept_with_campaign();
        let before = d.snapshot();
        d.sign_as("wang.fang");
        let out = d
            .mkt(&["approve", &id])
            .env("GIT_COMMITTER_DATE", APPROVED)
            .env("MKT_TEST_SIGNAL_AT", step)
            .output()
            .unwrap();
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(130), "{step}: {err}");
        assert!(!err.contains("panicked"), "{step}: {err}");
        no_leftovers(&d);
        if step == "moved" {
            // Past the point of no return: finished whole, and said so.
            assert!(err.contains("was committed as"), "{step}: {err}");
            assert_eq!(d.status(), "", "{step}");
            d.verify_ok();
        } else {
            assert_eq!(d.snapshot(), before, "{step}: {err}");
            retry_succeeds(&d, &id);
        }
    }
}

/// A small tmpfs mounted over a folder of the repository, filled up; it is
/// unmounted (and its contents put back) when dropped. None where mounting
/// is not allowed.
struct FullDisk {
    at: PathBuf,
    saved: PathBuf,
}

impl FullDisk {
    fn over(d: &Dept, rel: &str) -> Option<FullDisk> {
        let at = d.git_dir().join(rel);
        let saved = d.tmp().join("saved-refs");
        copy_dir(&at, &saved);
        let ok = StdCommand::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(&at)
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("skipped: cannot mount a tmpfs here (needs root and mount rights)");
            return None;
        }
        copy_dir(&saved, &at);
        // Fill it: write until the disk says it is full.
        let mut fill = std::fs::File::create(at.join("fill")).unwrap();
        let block = vec![0u8; 4096];
        while std::io::Write::write_all(&mut fill, &block).is_ok() {}
        Some(FullDisk { at, saved })
    }

    fn free(&self) {
        let _ = std::fs::remove_file(self.at.join("fill"));
    }
}

impl Drop for FullDisk {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.at.join("fill"));
        let keep = self.saved.with_extension("after");
        copy_dir(&self.at, &keep);
        let _ = StdCommand::new("umount").arg(&self.at).output();
        copy_dir(&keep, &self.at);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

#[test]
fn a_full_disk_when_the_branch_moves_is_said_and_undone() {
    let (d, id, _) = dept_with_campaign();
    // The branch's ref lives on a full disk: everything else is written,
    // then moving the branch fails.
    let Some(full) = FullDisk::over(&d, "refs/heads") else {
        return;
    };
    let err = d.refused_as("wang.fang", APPROVED, &["approve", &id]);
    assert!(err.contains("disk is full"), "{err}");
    assert!(!err.contains("someone else committed"), "{err}");
    no_leftovers(&d);
    full.free();
    retry_succeeds(&d, &id);
}

#[test]
fn a_rerun_never_commits_over_an_approval_in_head() {
    let (d, id, _) = dept_with_campaign();
    d.ok_as("wang.fang", APPROVED, &["approve", &id]);
    let first = last_file(&d);
    let head = d.head();
    // The clone lost the file (as a half-done approval used to leave it):
    // deleted from the work tree and the index, still in HEAD. Running the
    // command again is safe: refused, saying how to restore the file.
    d.git(&["rm", "-q", "--cached", &first]);
    std::fs::remove_file(d.path(&first)).unwrap();
    let err = d.refused_as("wang.fang", "2026-02-21T10:00:00+08:00", &["approve", &id]);
    assert!(err.contains("missing from the work tree"), "{err}");
    assert!(
        err.contains(&format!("git checkout HEAD -- {first}")),
        "{err}"
    );
    assert_eq!(d.head(), head);
    d.git(&["checkout", "-q", "HEAD", "--", &first]);
    d.verify_ok();
}

// ---------------------------------------------------------------------------
// A way back (issue 11): `mkt withdraw`.

/// An approval by wang.fang that a `git pull --rebase` left unsigned on the
/// main branch; its file.
fn rebased_approval(d: &Dept, id: &str) -> String {
    let main = d.branch();
    d.git(&["checkout", "-q", "-b", "wang"]);
    d.ok_as("wang.fang", APPROVED, &["approve", id]);
    let file = last_file(d);
    d.git(&["checkout", "-q", &main]);
    d.write(
        &format!("campaigns/{id}/results.toml"),
        "[kpi]\nexposure = 1\n",
    );
    d.commit_all("main work", "2026-02-21T10:00:00+08:00");
    d.git(&["checkout", "-q", "wang"]);
    d.git_at("2026-02-22T10:00:00+08:00", &["rebase", "-q", &main]);
    d.git(&["checkout", "-q", &main]);
    d.git(&["merge", "-q", "--ff-only", "wang"]);
    file
}

#[test]
fn a_withdrawn_rebased_approval_and_a_new_one_make_lint_green() {
    let (d, id, _) = dept_with_campaign();
    let file = rebased_approval(&d, &id);
    one(&d.lint(TODAY), "S001", &file, "error");
    d.ok_as(
        "wang.fang",
        "2026-02-23T10:00:00+08:00",
        &[
            "withdraw",
            &file,
            "--reason",
            "rebased by mistake; approving again",
        ],
    );
    // One signed commit that removes exactly that file.
    assert_eq!(d.changed_in("HEAD"), vec![file.clone()]);
    assert!(!d.path(&file).exists());
    assert_eq!(d.status(), "");
    // The step is open again: approve it properly.
    d.ok_as("wang.fang", "2026-02-24T10:00:00+08:00", &["approve", &id]);
    let json = d.lint("2026-02-24");
    assert!(
        all(&json).iter().all(|f| f["severity"] != "error"),
        "{json:#}"
    );
    let (code, v) = d.verify();
    assert_eq!(code, 0, "{v:#}");
    let withdrawn = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "withdrawal")
        .cloned()
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(withdrawn["person"], "wang.fang");
    assert_eq!(withdrawn["ok"], true);
    assert!(
        withdrawn["verdict"]
            .as_str()
            .unwrap()
            .contains("withdrawn by wang.fang: rebased by mistake"),
        "{withdrawn:#}"
    );
}

#[test]
fn only_the_approver_or_an_admin_withdraws_and_a_plain_removal_stays_s003() {
    let (d, id, _) = dept_with_campaign();
    d.ok_as("wang.fang", APPROVED, &["approve", &id]);
    let file = last_file(&d);
    let err = d.refused_as(
        "li.na",
        "2026-02-21T10:00:00+08:00",
        &["withdraw", &file, "--reason", "不同意"],
    );
    assert!(
        err.contains("only its approver (wang.fang) or an admin"),
        "{err}"
    );
    // Removed by hand, with mkt's trailer but no signature: S003, saying why.
    d.git(&["rm", "-q", &file]);
    d.git_at(
        "2026-02-21T11:00:00+08:00",
        &[
            "commit",
            "-q",
            "-m",
            &format!("withdraw\n\nforged\n\nMkt-Withdraw: {file}\n"),
        ],
    );
    let f = one(&d.lint(TODAY), "S003", &file, "error");
    assert!(msg(&f).contains("not signed"), "{f:#}");
    // Put back (git revert), an admin may withdraw it properly: the last
    // removal is a withdrawal that counts, and the finding is gone.
    d.git_at(
        "2026-02-21T12:00:00+08:00",
        &["revert", "--no-edit", "HEAD"],
    );
    d.ok_as(
        "zhang.wei",
        "2026-02-22T10:00:00+08:00",
        &["withdraw", &file, "--reason", "预算调整，重新审批"],
    );
    let json = d.lint(TODAY);
    assert!(findings(&json, "S003").is_empty(), "{json:#}");
    let (_, v) = d.verify();
    assert!(
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "withdrawal"
                && e["person"] == "zhang.wei"
                && e["verdict"].as_str().unwrap().contains("预算调整")),
        "{v:#}"
    );
}

#[test]
fn another_clone_is_told_what_a_rebase_did_and_how_to_get_back() {
    let (d, id, _) = dept_with_campaign();
    let file = rebased_approval(&d, &id);
    // A fresh clone (as CI has): the signed original is not in it.
    let clone = d.tmp().join("ci-clone");
    d.git(&["clone", "-q", "--no-local", ".", clone.to_str().unwrap()]);
    let out = d
        .cmd(assert_cmd::cargo::cargo_bin("mkt"))
        .current_dir(&clone)
        .args(["lint", "--format", "json", "--today", TODAY])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = one(&json, "S001", &file, "error");
    assert!(msg(&f).contains("though `mkt approve` made it"), "{f:#}");
    assert!(msg(&f).contains("rebase"), "{f:#}");
    let help = f["help"].as_str().unwrap();
    assert!(
        help.contains("mkt withdraw") && help.contains("merge commits only"),
        "{f:#}"
    );
}

// ---------------------------------------------------------------------------
// Waivers (issue 11)

/// A campaign started without its approval: A001 (and D001, no kickoff).
fn started_unapproved() -> (Dept, String) {
    let (d, _id, plan) = dept_with_campaign();
    (d, plan)
}

#[test]
fn a_signed_waiver_silences_exactly_one_finding() {
    let (d, plan) = started_unapproved();
    let json = d.lint("2026-03-02");
    one(&json, "A001", &plan, "error");
    let d001_before = findings(&json, "D001").len();
    assert!(d001_before > 0, "{json:#}");
    d.ok_as(
        "wang.fang",
        "2026-03-02T10:00:00+08:00",
        &[
            "waive",
            "A001",
            &plan,
            "--reason",
            "已线下审批，见会议纪要",
            "--until",
            "2026-03-31",
        ],
    );
    assert_eq!(d.status(), "");
    let json = d.lint("2026-03-02");
    let a001 = findings(&json, "A001");
    assert_eq!(a001.len(), 1, "{json:#}");
    let waived = a001[0]["waived"]
        .as_str()
        .unwrap_or_else(|| panic!("{json:#}"));
    assert!(
        waived.contains("waived by wang.fang until 2026-03-31: 已线下审批"),
        "{waived}"
    );
    // Only that one: the missing kickoff is still an error.
    assert_eq!(findings(&json, "D001").len(), d001_before);
    assert!(
        findings(&json, "D001")
            .iter()
            .all(|f| f.get("waived").is_none())
    );
    // Text output says so.
    let out = d.mkt(&["lint", "--today", "2026-03-02"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("[waived]") && text.contains("(1 waived)"),
        "{text}"
    );
    // The quarterly report keeps it, as waived.
    let out = d
        .mkt(&[
            "report",
            "--quarter",
            "2026Q1",
            "--format",
            "json",
            "--today",
            "2026-03-02",
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "A001")
        .cloned()
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(row["waived"], 1, "{row:#}");
    // After its last day it does nothing.
    let json = d.lint("2026-04-01");
    assert!(
        findings(&json, "A001")
            .iter()
            .all(|f| f.get("waived").is_none()),
        "{json:#}"
    );
    // Withdrawn by the director who waived it, it counts no longer.
    assert!(
        d.lint("2026-03-03")["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f.get("waived").is_some())
    );
    d.ok_as(
        "wang.fang",
        "2026-03-03T10:00:00+08:00",
        &[
            "withdraw",
            "waivers/01-A001-wang.fang.toml",
            "--reason",
            "审批已补办",
        ],
    );
    let json = d.lint("2026-03-03");
    assert!(
        findings(&json, "A001")
            .iter()
            .all(|f| f.get("waived").is_none()),
        "{json:#}"
    );
}

#[test]
fn an_unsigned_or_unentitled_waiver_does_nothing() {
    let (d, plan) = started_unapproved();
    // li.na (a supervisor) may not waive.
    let err = d.refused_as(
        "li.na",
        "2026-03-02T10:00:00+08:00",
        &["waive", "A001", &plan, "--reason", "x"],
    );
    assert!(err.contains("the policy asks for director"), "{err}");
    // Written by hand and committed unsigned: counts for nothing.
    d.write(
        "waivers/01-A001-wang.fang.toml",
        &format!(
            "code = \"A001\"\nfile = \"{plan}\"\nreason = \"forged\"\nwaived_by = \"wang.fang\"\nat = 2026-03-02T10:00:00+08:00\n"
        ),
    );
    d.commit_all("waive", "2026-03-02T10:00:00+08:00");
    let json = d.lint("2026-03-02");
    let a001 = findings(&json, "A001");
    assert_eq!(a001.len(), 1, "{json:#}");
    assert!(a001[0].get("waived").is_none(), "{json:#}");
    let (_, v) = d.verify();
    assert!(
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "waiver"
                && e["ok"] == false
                && e["verdict"].as_str().unwrap().contains("not signed")),
        "{v:#}"
    );
}

// ---------------------------------------------------------------------------
// A gate on every push (issue 11): a real `git push` to a bare repository
// with the installed pre-receive hook.

/// A bare "server" cloned from the department, with `mkt hook install` run
/// in it, as the department's `origin` (over file://). Its path.
fn serve_with_hook(d: &Dept) -> std::path::PathBuf {
    let server = d.tmp().join("server.git");
    d.git(&["clone", "-q", "--bare", ".", server.to_str().unwrap()]);
    let out = d
        .cmd(assert_cmd::cargo::cargo_bin("mkt"))
        .arg("-C")
        .arg(&server)
        .args(["hook", "install"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(server.join("hooks/pre-receive").exists());
    d.git(&[
        "remote",
        "add",
        "origin",
        &format!("file://{}", server.display()),
    ]);
    server
}

#[test]
fn the_server_hook_accepts_a_good_approval_and_refuses_a_bad_one_untouched() {
    let (d, id, _) = dept_with_campaign();
    let server = serve_with_hook(&d);
    let server_main = || {
        text(
            &d.cmd("git")
                .arg("--git-dir")
                .arg(&server)
                .args(["rev-parse", "main"])
                .output()
                .unwrap()
                .stdout,
        )
    };
    // The hook runs on "the server", here a local process that inherits
    // the pusher's environment: the same fixed today.
    let push = || {
        d.cmd("git")
            .env("MKT_TODAY", TODAY)
            .args(["push", "-q", "origin", "main"])
            .output()
            .unwrap()
    };

    // A good approval goes through.
    d.ok_as("wang.fang", APPROVED, &["approve", &id]);
    let out = push();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(server_main(), d.git(&["rev-parse", "HEAD"]));
    let accepted = server_main();

    // A hand-edited approval is refused, with the finding, and the server
    // keeps what it had.
    let file = last_file(&d);
    d.replace(&file, "comment = \"\"", "comment = \"改过\"");
    d.commit_all("tweak", "2026-02-21T10:00:00+08:00");
    let out = push();
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("mkt: refusing refs/heads/main"), "{err}");
    assert!(err.contains("S003"), "{err}");
    assert_eq!(server_main(), accepted);
    d.git(&["reset", "-q", "--hard", "HEAD~1"]);

    // A rebased (unsigned) approval is refused too.
    let other = "秋季促销-2026-03V1";
    d.add_campaign(other, "2026-03-01", "li.na", 80000, false);
    let out = push();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let before = server_main();
    let file = rebased_approval(&d, other);
    let out = push();
    assert!(!out.status.success(), "{file}");
    assert!(text(&out.stderr).contains("S001"), "{}", text(&out.stderr));
    assert_eq!(server_main(), before);
}

#[test]
fn the_server_hook_judges_a_new_branch_by_what_it_adds_to_main() {
    let d = Dept::new();
    // main has an error from before the gate was put in place (a campaign
    // that started without its approvals).
    d.add_campaign("冬季促销-2026-02V1", "2026-02-15", "li.na", 80000, false);
    let server = serve_with_hook(&d);
    let push = |branch: &str| {
        d.cmd("git")
            .env("MKT_TODAY", TODAY)
            .args(["push", "-q", "origin", branch])
            .output()
            .unwrap()
    };
    let on_server = |branch: &str| {
        d.cmd("git")
            .arg("--git-dir")
            .arg(&server)
            .args(["rev-parse", "--verify", "-q", branch])
            .output()
            .unwrap()
            .status
            .success()
    };

    // A new branch that adds nothing wrong goes through, main's old error
    // notwithstanding.
    d.git(&["checkout", "-q", "-b", "summer"]);
    d.add_campaign("夏季促销-2026-07V1", "2026-07-01", "li.na", 80000, false);
    let out = push("summer");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(on_server("summer"));

    // One that adds an error of its own is refused, and not created.
    d.git(&["checkout", "-q", "-b", "late"]);
    d.add_campaign("春季促销-2026-02V1", "2026-02-16", "li.na", 80000, false);
    let out = push("late");
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("refusing refs/heads/late: 2 new errors"),
        "{err}"
    );
    assert!(
        err.contains("春季促销-2026-02V1") && err.contains("A001"),
        "{err}"
    );
    assert!(
        !err.contains("冬季促销"),
        "main's old error is not the branch's: {err}"
    );
    assert!(!on_server("late"));
}
