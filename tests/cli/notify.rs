//! `mkt notify` against real local servers (issue 15): an HTTP server in
//! the test receives the 企业微信, 飞书, 钉钉 and JSON webhook posts, whose
//! shape and signatures are checked as the robots' documentation defines
//! them; a local SMTP server (Python's aiosmtpd) receives one mail per
//! person. Each item goes out once a day; a failing channel does not stop
//! the others. And `mkt status --format ics`, read back by a real
//! iCalendar parser.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};

use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use crate::common::*;
use crate::screens::settings;

const SPRING: &str = "春季促销-2026-03V1";
const SUMMER: &str = "夏季新品-2026-06V1";
/// The kickoff of 春季促销 is due in 5 days, its budget approval in 6, and
/// the weekly meeting's decision is 3 days overdue.
const TODAY: &str = "2026-02-23";

/// Every kind of channel, each with its address (and secret) in a
/// variable a test sets or leaves unset.
const CHANNELS: &str = r#"
[[notify.channels]]
name = "企业微信群"
kind = "wecom"
url_env = "T_WECOM"
format = "markdown"

[[notify.channels]]
name = "飞书群"
kind = "feishu"
url_env = "T_FEISHU"
secret_env = "T_FEISHU_SECRET"

[[notify.channels]]
name = "钉钉群"
kind = "dingtalk"
url_env = "T_DINGTALK"
secret_env = "T_DINGTALK_SECRET"
format = "text"

[[notify.channels]]
name = "内部系统"
kind = "webhook"
url_env = "T_HOOK"

[[notify.channels]]
name = "邮件"
kind = "email"
url_env = "T_SMTP"
from = "mkt 市场部 <mkt@example.com>"
"#;

const DECISION: &str =
    "[[decisions]]\ntext = \"提交春季促销渠道排期\"\nowner = \"zhao.lei\"\ndue = 2026-02-20\n";

/// policy.toml with `language` and the test's channels instead of the
/// shipped ones.
fn set_policy(t: &TestRepo, language: &str) {
    let policy = t.read("policy.toml");
    let head = policy
        .split("\n[[notify.channels]]\n")
        .next()
        .unwrap()
        .replace(
            "timezone = \"+08:00\"\n",
            &format!("timezone = \"+08:00\"\nlanguage = \"{language}\"\n"),
        );
    t.write("policy.toml", &format!("{head}\n{CHANNELS}"));
}

/// The department: 春季促销 planned (li.na owns it and runs each of its
/// phases; the director approves its budget) and a weekly meeting whose
/// decision is zhao.lei's.
fn department(language: &str) -> TestRepo {
    let mut t = TestRepo::with_team();
    let plan = t.write_standard_campaign(SPRING, "2026-03-01", "2026-03-31");
    let text = t
        .read(&plan)
        .replace(&format!("owner = \"{PHASE_OWNER}\""), "owner = \"li.na\"");
    t.write(&plan, &text);
    t.commit_all("plan", "2026-02-10T10:00:00+08:00");
    let held = "2026-02-16T10:00:00+08:00";
    let path = minutes_path(None, "weekly", held);
    t.write(&path, &minutes_toml("weekly", held, DECISION));
    t.commit_all("weekly minutes", held);
    set_policy(&t, language);
    t.today = TODAY.to_string();
    t
}

/// One request the server took.
#[derive(Debug, Clone)]
struct Got {
    /// Path and query, as sent.
    url: String,
    body: Value,
}

/// An HTTP server on a free loopback port, answering as the robots do:
/// `/refuse` with an error code in a 200, everything else with success.
struct Server {
    server: Arc<tiny_http::Server>,
    got: Arc<Mutex<Vec<Got>>>,
    thread: Option<std::thread::JoinHandle<()>>,
    port: u16,
}

impl Server {
    fn start() -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("a free port"));
        let port = server.server_addr().to_ip().unwrap().port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let (s, g) = (server.clone(), got.clone());
        let thread = std::thread::spawn(move || {
            for mut req in s.incoming_requests() {
                let mut body = String::new();
                req.as_reader().read_to_string(&mut body).unwrap();
                let url = req.url().to_string();
                let answer = if url.starts_with("/refuse") {
                    r#"{"errcode":310000,"errmsg":"sign not match"}"#
                } else if url.starts_with("/feishu") {
                    r#"{"code":0,"msg":"success","data":{}}"#
                } else {
                    r#"{"errcode":0,"errmsg":"ok"}"#
                };
                let body = serde_json::from_str(&body)
                    .unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
                g.lock().unwrap().push(Got { url, body });
                let _ = req.respond(tiny_http::Response::from_string(answer));
            }
        });
        Server {
            server,
            got,
            thread: Some(thread),
            port,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn got(&self, prefix: &str) -> Vec<Got> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|g| g.url.starts_with(prefix))
            .cloned()
            .collect()
    }

    fn count(&self) -> usize {
        self.got.lock().unwrap().len()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// `mkt notify ARGS` at 09:00 with these variables: (exit status, stdout, stderr).
fn notify(t: &TestRepo, vars: &[(&str, String)], args: &[&str]) -> (i32, String, String) {
    let mut cmd = t.mkt(["notify"]);
    if !args.contains(&"--time") {
        cmd.args(["--time", "09:00"]);
    }
    cmd.args(args);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("mkt runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// 飞书's documentation: HMAC-SHA256 keyed with `timestamp + "\n" + secret`
/// over an empty message, base64.
fn feishu_sign(timestamp: &str, secret: &str) -> String {
    let mac = Hmac::<Sha256>::new_from_slice(format!("{timestamp}\n{secret}").as_bytes()).unwrap();
    b64(&mac.finalize().into_bytes())
}

/// 钉钉's documentation: HMAC-SHA256 keyed with the secret over
/// `timestamp + "\n" + secret`, base64 (then URL-encoded in the query).
fn dingtalk_sign(timestamp: &str, secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}\n{secret}").as_bytes());
    b64(&mac.finalize().into_bytes())
}

/// Whether a signature's timestamp (seconds or milliseconds) is within the
/// hour the robots accept.
fn recent(timestamp: &str, per_second: i64) {
    let ts: i64 = timestamp.parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (ts / per_second - now).abs() < 3600,
        "{timestamp} is not now"
    );
}

fn query(url: &str) -> Vec<(String, String)> {
    url.split_once('?')
        .map(|(_, q)| q)
        .unwrap_or_default()
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            let v = percent_encoding::percent_decode_str(v)
                .decode_utf8()
                .unwrap()
                .into_owned();
            (k.to_string(), v)
        })
        .collect()
}

#[test]
fn the_robots_and_the_webhook_get_their_messages_signed_once_a_day() {
    let t = department("zh-CN");
    let s = Server::start();
    let vars = vec![
        ("T_WECOM", s.url("/wecom?key=k1")),
        ("T_FEISHU", s.url("/feishu/hook")),
        ("T_FEISHU_SECRET", "飞书secret".to_string()),
        ("T_DINGTALK", s.url("/dingtalk?access_token=tok")),
        ("T_DINGTALK_SECRET", "SECabc+/=".to_string()),
        ("T_HOOK", s.url("/hook")),
    ];

    // Quiet hours (20:00-08:00 by the shipped policy): nothing goes out.
    let (code, out, _) = notify(&t, &vars, &["--time", "22:30"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("quiet hours"), "{out}");
    assert_eq!(s.count(), 0, "nothing sent in quiet hours");

    let (code, out, err) = notify(&t, &vars, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("邮件 (email): left out, $T_SMTP is not set"),
        "{err}"
    );

    // 企业微信: one markdown digest, the overdue item first and bold.
    let wecom = s.got("/wecom");
    assert_eq!(wecom.len(), 1, "{wecom:?}");
    assert_eq!(wecom[0].url, "/wecom?key=k1");
    let w = &wecom[0].body;
    assert_eq!(w["msgtype"], "markdown", "{w}");
    let md = text(&w["markdown"]["content"]);
    assert!(
        md.starts_with("**【mkt】部门待办（2026-02-23）：3 项，其中 1 项逾期**"),
        "{md}"
    );
    let lines: Vec<&str> = md.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(lines.len(), 3, "{md}");
    assert!(
        lines[0].starts_with("- **2026-02-20（逾期 3 天）**"),
        "{md}"
    );
    assert!(lines[0].contains("提交春季促销渠道排期（赵磊）"), "{md}");
    assert!(
        lines[1].contains("启动会") && lines[1].contains("（李娜）"),
        "{md}"
    );
    assert!(
        lines[2].contains("审批预算") && lines[2].contains("（王芳）"),
        "{md}"
    );

    // 飞书: text, signed as its documentation defines.
    let feishu = s.got("/feishu");
    assert_eq!(feishu.len(), 1);
    let f = &feishu[0].body;
    assert_eq!(f["msg_type"], "text", "{f}");
    assert!(
        text(&f["content"]["text"]).contains("⚠ 2026-02-20（逾期 3 天）"),
        "{f}"
    );
    let ts = text(&f["timestamp"]);
    recent(ts, 1);
    assert_eq!(text(&f["sign"]), feishu_sign(ts, "飞书secret"), "{f}");

    // 钉钉: text, the signature in the query, URL-encoded.
    let ding = s.got("/dingtalk");
    assert_eq!(ding.len(), 1);
    let d = &ding[0];
    assert_eq!(d.body["msgtype"], "text", "{:?}", d.body);
    assert!(text(&d.body["text"]["content"]).contains("部门待办"));
    let q = query(&d.url);
    assert_eq!(
        q[0],
        ("access_token".to_string(), "tok".to_string()),
        "{}",
        d.url
    );
    assert_eq!(q[1].0, "timestamp");
    recent(&q[1].1, 1000);
    assert_eq!(q[2].0, "sign");
    assert_eq!(q[2].1, dingtalk_sign(&q[1].1, "SECabc+/="), "{}", d.url);
    let raw_sign = d.url.split("sign=").nth(1).unwrap();
    assert!(
        !raw_sign.contains(['+', '/', '=']),
        "sign is URL-encoded: {}",
        d.url
    );

    // The JSON webhook: one post per person with something due.
    let hook = s.got("/hook");
    let mut people: Vec<&str> = hook.iter().map(|g| text(&g.body["person"]["id"])).collect();
    people.sort();
    assert_eq!(people, ["li.na", "wang.fang", "zhao.lei"], "{hook:?}");
    for g in &hook {
        let b = &g.body;
        assert_eq!(b["version"], 1);
        assert_eq!(b["today"], TODAY);
        let kinds: Vec<&str> = b["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| text(&i["kind"]))
            .collect();
        let expected: &[&str] = match text(&b["person"]["id"]) {
            "li.na" => &["decision", "kickoff"],
            "wang.fang" => &["decision", "approval"],
            _ => &["decision"],
        };
        assert_eq!(kinds, expected, "{b}");
        let name = text(&b["person"]["name"]);
        assert!(
            text(&b["title"]).starts_with(&format!("【mkt】{name}的待办")),
            "{b}"
        );
    }

    // The same day again: everything went out already.
    let before = s.count();
    let (code, out, err) = notify(&t, &vars, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(s.count(), before, "nothing new the same day");
    assert!(out.contains("nothing new to send (2026-02-23)"), "{out}");

    // The next day, the items are due again.
    let next = notify_on(&t, "2026-02-24", &vars);
    assert_eq!(next.0, 0, "{}{}", next.1, next.2);
    assert_eq!(s.got("/wecom").len(), 2);
}

fn notify_on(t: &TestRepo, today: &str, vars: &[(&str, String)]) -> (i32, String, String) {
    let mut cmd = t.mkt(["notify", "--time", "09:00"]);
    cmd.env("MKT_TODAY", today);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("mkt runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_failing_channel_is_reported_and_the_others_still_go_out() {
    let t = department("zh-CN");
    let s = Server::start();
    let vars = vec![
        (
            "T_WECOM",
            format!("http://127.0.0.1:{}/x?key=SECRETKEY", closed_port()),
        ),
        ("T_DINGTALK", s.url("/refuse?access_token=tok")),
        ("T_DINGTALK_SECRET", "SEC1".to_string()),
        ("T_HOOK", s.url("/hook")),
    ];
    let (code, out, err) = notify(&t, &vars, &[]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("企业微信群 (wecom): failed"), "{err}");
    assert!(
        !err.contains("SECRETKEY"),
        "the address's key stays out: {err}"
    );
    assert!(
        err.contains("钉钉群 (dingtalk): failed: the group: 310000 sign not match"),
        "{err}"
    );
    assert!(out.contains("内部系统 (webhook): 3 sent"), "{out}");
    assert_eq!(s.got("/hook").len(), 3);
    assert!(err.contains("2 channel(s) failed (3 sent)"), "{err}");

    // Again: the webhook has nothing new, the failed channels try again.
    let (code, _, err) = notify(&t, &vars, &[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(s.got("/hook").len(), 3, "nothing new through the webhook");
    assert_eq!(s.got("/refuse").len(), 2, "钉钉 tried again");
}

#[test]
fn a_signed_channel_without_its_secret_fails_and_says_which_variable() {
    let t = department("zh-CN");
    let s = Server::start();
    let vars = vec![("T_FEISHU", s.url("/feishu")), ("T_HOOK", s.url("/hook"))];
    let (code, _, err) = notify(&t, &vars, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("飞书群 (feishu): failed: $T_FEISHU_SECRET"),
        "{err}"
    );
    assert!(s.got("/feishu").is_empty());
    assert_eq!(s.got("/hook").len(), 3);
}

#[test]
fn without_any_channel_set_up_notify_cannot_run_and_names_the_variables() {
    let t = department("zh-CN");
    let (code, _, err) = notify(&t, &[], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("set one of T_WECOM, T_FEISHU, T_DINGTALK, T_HOOK, T_SMTP"),
        "{err}"
    );
}

#[test]
fn an_address_written_into_the_policy_is_refused_where_it_stands() {
    let t = department("zh-CN");
    t.replace(
        "policy.toml",
        "url_env = \"T_HOOK\"",
        "url_env = \"https://oapi.dingtalk.com/robot/send?access_token=abc\"",
    );
    let line = t
        .read("policy.toml")
        .lines()
        .position(|l| l.contains("access_token=abc"))
        .unwrap()
        + 1;
    let out = t.mkt(["status"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("policy.toml:{line}")), "{err}");
    assert!(err.contains("keep it out of the repository"), "{err}");

    let t = department("zh-CN");
    t.replace(
        "policy.toml",
        "quiet_hours = \"20:00-08:00\"",
        "quiet_hours = \"晚上\"",
    );
    let out = t.mkt(["notify"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("quiet hours `晚上` are not two times"),
        "{err}"
    );
}

/// The SMTP server: aiosmtpd, each mail it takes written as one JSON line.
const SMTP_SERVER: &str = r#"
import email, json, sys
from email import policy
from aiosmtpd.controller import Controller

out = open(sys.argv[2], "a", encoding="utf-8")

class Keep:
    async def handle_DATA(self, server, session, envelope):
        m = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        out.write(json.dumps({
            "rcpt": envelope.rcpt_tos,
            "from": str(m["From"]),
            "to": str(m["To"]),
            "subject": str(m["Subject"]),
            "body": m.get_body().get_content(),
        }, ensure_ascii=False) + "\n")
        out.flush()
        return "250 OK"

c = Controller(Keep(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
sys.stdin.read()
c.stop()
"#;

struct Smtp {
    child: Child,
    port: u16,
    file: std::path::PathBuf,
}

impl Smtp {
    /// aiosmtpd, when Python has it. Without it the test is skipped, with
    /// a message, unless `MKT_REQUIRE_SMTP` is set (CI sets it).
    fn start(t: &TestRepo) -> Option<Smtp> {
        let has = tool(&t.home, "python3")
            .args(["-c", "import aiosmtpd"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !has {
            assert!(
                std::env::var_os("MKT_REQUIRE_SMTP").is_none(),
                "MKT_REQUIRE_SMTP is set and python3 has no aiosmtpd: pip install aiosmtpd"
            );
            eprintln!("skipped: python3 has no aiosmtpd (pip install aiosmtpd; CI requires it)");
            return None;
        }
        let port = closed_port();
        let file = t.tmp().join("mails.jsonl");
        let mut child = tool(&t.home, "python3")
            .arg("-c")
            .arg(SMTP_SERVER)
            .arg(port.to_string())
            .arg(&file)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "aiosmtpd started");
        Some(Smtp { child, port, file })
    }

    fn mails(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.file)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn each_person_gets_one_mail_with_their_items_in_chinese() {
    let t = department("zh-CN");
    let Some(smtp) = Smtp::start(&t) else {
        return;
    };
    let vars = vec![("T_SMTP", format!("smtp://127.0.0.1:{}", smtp.port))];
    let (code, out, err) = notify(&t, &vars, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("邮件 (email): 3 sent"), "{out}");
    let mails = smtp.mails();
    let mut to: Vec<&str> = mails.iter().map(|m| text(&m["rcpt"][0])).collect();
    to.sort();
    assert_eq!(
        to,
        [
            "li.na@example.com",
            "wang.fang@example.com",
            "zhao.lei@example.com"
        ],
        "{mails:#?}"
    );
    for m in &mails {
        assert_eq!(m["rcpt"].as_array().unwrap().len(), 1, "one person a mail");
        assert_eq!(text(&m["from"]), "mkt 市场部 <mkt@example.com>");
        let body = text(&m["body"]);
        let subject = text(&m["subject"]);
        assert!(
            body.contains(
                "⚠ 2026-02-20（逾期 3 天） 决议｜weekly 会议 2026-02-16：提交春季促销渠道排期"
            ),
            "{body}"
        );
        let (who, kickoff, approval) = match text(&m["rcpt"][0]) {
            "li.na@example.com" => ("李娜", true, false),
            "wang.fang@example.com" => ("王芳", false, true),
            _ => ("赵磊", false, false),
        };
        assert_eq!(text(&m["to"]), format!("{who} <{}>", text(&m["rcpt"][0])));
        assert!(
            subject.starts_with(&format!("【mkt】{who}的待办（2026-02-23）")),
            "{subject}"
        );
        assert_eq!(
            body.contains("在 2026-03-01 开始前召开启动会"),
            kickoff,
            "{body}"
        );
        assert_eq!(
            body.contains(&format!("审批预算：总监（mkt approve {SPRING}）")),
            approval,
            "{body}"
        );
    }

    let (code, out, _) = notify(&t, &vars, &[]);
    assert_eq!(code, 0);
    assert!(out.contains("nothing new to send"), "{out}");
    assert_eq!(smtp.mails().len(), 3, "no mail twice the same day");
}

#[test]
fn since_a_commit_approvers_hear_what_waits_and_owners_what_was_decided() {
    let t = department("zh-CN");
    let s = Server::start();
    let vars = vec![("T_HOOK", s.url("/hook")), ("T_WECOM", s.url("/wecom"))];
    let base = t.git(&["rev-parse", "HEAD"]).trim().to_string();
    t.write_standard_campaign(SUMMER, "2026-06-01", "2026-06-30");
    t.commit_all("summer plan", "2026-02-21T10:00:00+08:00");

    // A new plan: its approver hears that it waits for them.
    let (code, out, err) = notify(&t, &vars, &["--since", &base]);
    assert_eq!(code, 0, "{out}{err}");
    let hook = s.got("/hook");
    assert_eq!(hook.len(), 1, "{hook:?}");
    let b = &hook[0].body;
    assert_eq!(b["person"]["id"], "wang.fang", "{b}");
    assert_eq!(b["events"][0]["kind"], "waiting", "{b}");
    assert_eq!(
        b["items"].as_array().unwrap().len(),
        0,
        "events, not the digest"
    );
    let msg = text(&b["text"]);
    assert!(
        msg.starts_with("【mkt】王芳的审批动态（2026-02-23）：1 条"),
        "{msg}"
    );
    assert!(
        msg.contains(&format!(
            "待你审批 {SUMMER}：审批预算：总监（mkt approve {SUMMER}），须在 2026-06-01 前完成"
        )),
        "{msg}"
    );
    let group = s.got("/wecom");
    assert_eq!(group.len(), 1);
    assert!(text(&group[0].body["markdown"]["content"]).contains("（王芳）"));

    // Approved, and rejected: the owner hears both, with the comment.
    let before = t.git(&["rev-parse", "HEAD"]).trim().to_string();
    t.approve("wang.fang", SPRING, "2026-02-22T10:00:00+08:00");
    t.approve_as(
        "wang.fang",
        SUMMER,
        "2026-02-22T11:00:00+08:00",
        &["--reject", "--comment", "渠道预算过高"],
    );
    let (code, out, err) = notify(&t, &vars, &["--since", &before]);
    assert_eq!(code, 0, "{out}{err}");
    let hook = s.got("/hook");
    assert_eq!(hook.len(), 2, "{hook:?}");
    let b = &hook[1].body;
    assert_eq!(b["person"]["id"], "li.na", "{b}");
    let events = b["events"].as_array().unwrap();
    let mut kinds: Vec<&str> = events.iter().map(|e| text(&e["kind"])).collect();
    kinds.sort();
    assert_eq!(kinds, ["approved", "rejected"], "{b}");
    let approved = events.iter().find(|e| e["kind"] == "approved").unwrap();
    assert_eq!(approved["complete"], true, "{b}");
    assert_eq!(approved["by"], "wang.fang", "{b}");
    let msg = text(&b["text"]);
    assert!(
        msg.contains(&format!(
            "已通过 {SPRING}：审批预算，总监一步由王芳通过；审批已全部完成"
        )),
        "{msg}"
    );
    assert!(
        msg.contains(&format!(
            "被驳回 {SUMMER}：审批预算，被王芳（总监）驳回：“渠道预算过高”"
        )),
        "{msg}"
    );

    // An event goes out once.
    let (code, out, _) = notify(&t, &vars, &["--since", &before]);
    assert_eq!(code, 0);
    assert!(out.contains("nothing new to send"), "{out}");
    assert_eq!(s.got("/hook").len(), 2);
}

/// `mkt notify --dry-run` in one language, with every channel set up
/// (signatures and their timestamps filtered).
fn dry_run(language: &str, runner: &str) -> (TestRepo, String) {
    let t = department(language);
    let mut cmd = t.mkt(["notify", "--dry-run", "--time", "09:00"]);
    cmd.env("MKT_LANG", runner);
    for (k, v) in [
        (
            "T_WECOM",
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K",
        ),
        ("T_FEISHU", "https://open.feishu.cn/open-apis/bot/v2/hook/H"),
        ("T_FEISHU_SECRET", "S"),
        (
            "T_DINGTALK",
            "https://oapi.dingtalk.com/robot/send?access_token=T",
        ),
        ("T_DINGTALK_SECRET", "SEC"),
        ("T_HOOK", "https://example.com/hook"),
        ("T_SMTP", "smtps://mkt:pw@smtp.example.com"),
    ] {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let mut s = format!("$ MKT_LANG={runner} mkt notify --dry-run --time 09:00\n");
    s.push_str(&String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8_lossy(&out.stderr);
    if !err.is_empty() {
        s.push_str("--- stderr\n");
        s.push_str(&err);
    }
    s.push_str(&format!(
        "--- exit status {}\n",
        out.status.code().unwrap_or(-1)
    ));
    for secret in ["key=K", "hook/H", "access_token=T", "pw@"] {
        assert!(!s.contains(secret), "a dry run shows no address: {s}");
    }
    (t, s)
}

fn snap_dry_run(name: &str, language: &str, runner: &str) {
    let (t, text) = dry_run(language, runner);
    let mut s = settings(&t);
    // (A ten-digit timestamp looks like a short commit id to `settings`.)
    s.add_filter(
        r#""timestamp": "(\d+|\[COMMIT\])""#,
        r#""timestamp": "[TS]""#,
    );
    s.add_filter(r#""sign": "[A-Za-z0-9+/=]+""#, r#""sign": "[SIGN]""#);
    s.add_filter(
        r"timestamp=\d+&sign=[A-Za-z0-9%]+",
        "timestamp=[TS]&sign=[SIGN]",
    );
    s.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn a_dry_run_shows_what_would_be_sent_in_chinese() {
    snap_dry_run("notify-dry-run-zh", "zh-CN", "zh-CN");
}

#[test]
fn a_dry_run_shows_what_would_be_sent_in_english() {
    snap_dry_run("notify-dry-run-en", "en", "en");
}

#[test]
fn a_dry_run_sends_and_records_nothing() {
    let t = department("zh-CN");
    let s = Server::start();
    let vars = vec![("T_HOOK", s.url("/hook"))];
    let (code, out, _) = notify(&t, &vars, &["--dry-run"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("3 message(s) would be sent"), "{out}");
    assert_eq!(s.count(), 0);
    assert!(!t.path(".git/mkt/notify").exists());
    // The marks go where --state says, written whole.
    let state = t.tmp().join("cache").join("notify.json");
    let (code, _, _) = notify(&t, &vars, &["--state", state.to_str().unwrap()]);
    assert_eq!(code, 0);
    let marks: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(marks["sent"].as_object().unwrap().len(), 5, "{marks:#}");
    assert!(!t.path(".git/mkt/notify").exists());
}

/// The UIDs of a feed, each event checked to have the parts a calendar needs.
fn uids(ics: &str) -> Vec<String> {
    use icalendar::Component;
    let cal: icalendar::Calendar = ics.parse().unwrap_or_else(|e| panic!("{e}\n{ics}"));
    cal.events()
        .map(|e| {
            assert!(e.get_start().is_some(), "{ics}");
            assert!(e.get_end().is_some(), "{ics}");
            assert!(e.get_summary().is_some_and(|s| !s.is_empty()), "{ics}");
            assert!(e.get_timestamp().is_some(), "{ics}");
            e.get_uid().unwrap().to_string()
        })
        .collect()
}

fn ics(t: &TestRepo, today: &str, extra: &[&str]) -> String {
    let out = t
        .mkt(["status", "--format", "ics"])
        .args(extra)
        .env("MKT_TODAY", today)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_calendar_parses_and_a_later_export_keeps_every_uid() {
    let t = department("zh-CN");
    let first = ics(&t, TODAY, &[]);
    let ids = uids(&first);
    // Kickoff, approval, decision, the first quarter's report.
    assert_eq!(ids.len(), 4, "{first}");
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), 4, "{first}");
    assert!(
        first.contains("DTSTART;VALUE=DATE:20260222"),
        "the kickoff window: {first}"
    );
    assert!(first.contains("DTEND;VALUE=DATE:20260301"), "{first}");

    // Two days later the same items are the same events.
    let later = ics(&t, "2026-02-25", &[]);
    assert_eq!(uids(&later), ids);
    assert_ne!(first, later, "DTSTAMP says when");
    // One person's feed: their items, the same UIDs.
    let mine = uids(&ics(&t, TODAY, &["--person", "zhao.lei"]));
    assert_eq!(mine.len(), 1, "zhao.lei's decision");
    assert!(mine.iter().all(|u| ids.contains(u)));

    // Python's icalendar reads it too (CI requires it).
    let has = tool(&t.home, "python3")
        .args(["-c", "import icalendar"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has {
        assert!(
            std::env::var_os("MKT_REQUIRE_ICALENDAR").is_none(),
            "MKT_REQUIRE_ICALENDAR is set and python3 has no icalendar: pip install icalendar"
        );
        eprintln!("skipped the Python check: python3 has no icalendar (pip install icalendar)");
        return;
    }
    let file = t.tmp().join("feed.ics");
    std::fs::write(&file, &first).unwrap();
    let out = tool(&t.home, "python3")
        .arg("-c")
        .arg(
            "import sys, icalendar\n\
             cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n\
             for e in cal.walk('VEVENT'):\n    print(e['UID'], e.decoded('DTSTART'), e['SUMMARY'])",
        )
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    let py: Vec<&str> = printed
        .lines()
        .filter_map(|l| l.split(' ').next())
        .collect();
    assert_eq!(
        py,
        ids.iter().map(String::as_str).collect::<Vec<_>>(),
        "{printed}"
    );
    assert!(printed.contains("提交春季促销渠道排期"), "{printed}");
}
