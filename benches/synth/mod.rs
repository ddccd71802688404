//! A generator of large synthetic marketing repositories, for benchmarks.
//! Files and history are written through one `git fast-import` stream:
//! years of history with a commit per minutes file, made in seconds.

#![allow(dead_code)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use ssh_key::{HashAlg, LineEnding, PrivateKey};
use std::process::{Command, Stdio};

pub struct Shape {
    pub campaigns: usize,
    /// Department minutes, besides the four meetings of each campaign.
    pub dept_minutes: usize,
    /// Give everyone a key and sign approvals: per campaign its budget
    /// approval, a purchase with its three approvals, and the closing
    /// sign-off — five signed commits.
    pub signed: bool,
    /// Where a campaign's folder goes: `campaigns/<ID>/` or
    /// `campaigns/<YYYY>/<ID>/` by start year.
    pub layout: Layout,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `campaigns/<ID>/`: one folder of every campaign, rewritten by each
    /// campaign commit.
    Flat,
    /// `campaigns/<YYYY>/<ID>/`: a commit rewrites only its year's folder.
    ByYear,
}

impl Layout {
    /// `MKT_BENCH_LAYOUT=year` for `campaigns/<YYYY>/<ID>/`, else flat.
    pub fn from_env() -> Layout {
        match std::env::var("MKT_BENCH_LAYOUT").as_deref() {
            Ok("year") => Layout::ByYear,
            _ => Layout::Flat,
        }
    }
}

/// One file in one commit.
struct Change {
    path: String,
    text: String,
}

struct Commit {
    at: i64,
    message: String,
    changes: Vec<Change>,
}

const PEOPLE: &[(&str, &str, &str)] = &[
    ("zhang.wei", "张伟", r#"["department_head", "admin"]"#),
    ("wang.fang", "王芳", r#"["director"]"#),
    ("li.na", "李娜", r#"["supervisor"]"#),
    ("liu.yang", "刘洋", r#"["supervisor"]"#),
    ("zhao.lei", "赵磊", r#"["specialist"]"#),
    ("chen.jing", "陈静", r#"["specialist"]"#),
    ("sun.li", "孙丽", r#"["finance"]"#),
    ("zhou.jie", "周杰", r#"["legal"]"#),
    ("huang.hai", "黄海", r#"["ceo"]"#),
];

const NAMES: &[&str] = &[
    "春季促销",
    "品牌焕新",
    "夏日清凉",
    "中秋礼盒",
    "双十一预热",
    "元旦跨年",
    "会员日",
    "新品首发",
];

/// 2019-01-01T00:00:00+08:00
const EPOCH: i64 = 1_546_272_000;
const DAY: i64 = 86_400;

fn date(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts + 8 * 3600, 0)
        .unwrap()
        .format("%Y-%m-%d")
        .to_string()
}

fn time(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts + 8 * 3600, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%S+08:00")
        .to_string()
}

fn team(keys: &HashMap<&str, PrivateKey>) -> String {
    let mut s = String::new();
    for (id, name, roles) in PEOPLE {
        let _ = writeln!(
            s,
            "[[people]]\nid = \"{id}\"\nname = \"{name}\"\nemail = \"{id}@example.com\"\nroles = {roles}\n"
        );
        if let Some(k) = keys.get(id) {
            let _ = writeln!(
                s,
                "[[people.keys]]\nssh = \"{}\"\nvalid_from = 2018-01-01\n",
                k.public_key().to_openssh().unwrap()
            );
        }
    }
    s
}

fn blob_id(text: &str) -> String {
    git2::Oid::hash_object(git2::ObjectType::Blob, text.as_bytes())
        .unwrap()
        .to_string()
}

/// An approval file as `mkt approve` writes it.
fn approval(
    subject: &str,
    subject_text: &str,
    decision: &str,
    stage: &str,
    approver: &str,
    at: i64,
    amount: Option<i64>,
) -> String {
    let amount = amount
        .map(|a| format!("amount = {a}\n"))
        .unwrap_or_default();
    format!(
        "subject = \"{subject}\"\nsubject_blob = \"{}\"\ndecision = \"{decision}\"\nstage = \"{stage}\"\napprover = \"{approver}\"\nat = {}\n{amount}comment = \"\"\n",
        blob_id(subject_text),
        time(at)
    )
}

fn minutes(kind: &str, title: &str, held: i64) -> String {
    format!(
        "kind = \"{kind}\"\ntitle = \"{title}\"\nheld_at = {}\nduration_minutes = 60\nattendees = [\"li.na\", \"wang.fang\", \"zhao.lei\"]\n\n[[agenda]]\ntopic = \"进度与预算\"\nnotes = \"按计划推进，渠道数据正常。\"\n\n[[decisions]]\ntext = \"下周前完成素材更新\"\nowner = \"zhao.lei\"\ndue = {}\ndone = true\n",
        time(held),
        date(held + 5 * DAY)
    )
}

fn campaign(id: &str, title: &str, start: i64, end: i64, total: i64) -> String {
    let reserve = total / 8;
    let channel = total / 2;
    let content = total / 4;
    let event = total - reserve - channel - content;
    let third = |n: i64| start + (end - start) / DAY / 3 * n * DAY;
    format!(
        "id = \"{id}\"\ntitle = \"{title}\"\nowner = \"li.na\"\nstart = {}\nend = {}\nobjective = \"新品认知与首购\"\n\n[budget]\ntotal = {total}\n[budget.allocation]\nchannel = {channel}\ncontent = {content}\nevent = {event}\nreserve = {reserve}\n\n[[phases]]\nname = \"预热\"\nstart = {}\nend = {}\nowner = \"li.na\"\nactions = [\"预热推文\"]\n\n[[phases]]\nname = \"爆发\"\nstart = {}\nend = {}\nowner = \"li.na\"\nactions = [\"直播\"]\n\n[[phases]]\nname = \"长尾\"\nstart = {}\nend = {}\nowner = \"li.na\"\nactions = [\"复盘内容\"]\n\n[[channels]]\nname = \"wechat\"\nbudget = {channel}\n\n[targets]\nexposure = 1000000\nctr = \"2%\"\nconversions = 5000\n",
        date(start),
        date(end),
        // The rule books' three phases (D015), in thirds of the campaign.
        date(start),
        date(third(1) - DAY),
        date(third(1)),
        date(third(2) - DAY),
        date(third(2)),
        date(end),
    )
}

fn results(start: i64, total: i64) -> String {
    let mut s = String::new();
    for i in 0..4 {
        let _ = writeln!(
            s,
            "[[spend]]\ndate = {}\ncategory = \"channel\"\nchannel = \"wechat\"\namount = \"{}.50\"\nnote = \"朋友圈广告\"\n",
            date(start + i * DAY),
            total / 10
        );
    }
    s.push_str("[kpi]\nexposure = 830000\nclicks = 16400\nconversions = 4100\nrevenue = 265000\n");
    s
}

/// Writes the repository into `dir` (created), returns (files, commits).
pub fn generate(dir: &Path, shape: &Shape) -> (usize, usize) {
    std::fs::create_dir_all(dir).unwrap();
    let git = |args: &[&str]| {
        let st = Command::new("git")
            .current_dir(dir)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()
            .unwrap();
        assert!(st.success(), "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    let keys: HashMap<&str, PrivateKey> = if shape.signed {
        PEOPLE
            .iter()
            .map(|(id, _, _)| {
                (
                    *id,
                    PrivateKey::random(&mut rand_core::OsRng, ssh_key::Algorithm::Ed25519).unwrap(),
                )
            })
            .collect()
    } else {
        HashMap::new()
    };

    let mut commits: Vec<Commit> = vec![Commit {
        at: EPOCH,
        message: "mkt init".into(),
        changes: vec![
            Change {
                path: "policy.toml".into(),
                text: mkt::policy::DEFAULT_POLICY.into(),
            },
            Change {
                path: "team.toml".into(),
                text: team(&keys),
            },
        ],
    }];
    // Campaigns spread over the years, two weeks to two months each.
    let span_days = 7 * 365;
    for i in 0..shape.campaigns {
        let start = EPOCH + 20 * DAY + (i as i64 * span_days / shape.campaigns as i64) * DAY;
        let end = start + (14 + (i as i64 % 45)) * DAY;
        let start_s = date(start);
        let (y, m) = (&start_s[0..4], &start_s[5..7]);
        let name = format!("{}{}", NAMES[i % NAMES.len()], i);
        let id = format!("{name}-{y}-{m}V1");
        let total = 30_000 + (i as i64 % 20) * 10_000;
        let dir = match shape.layout {
            Layout::Flat => format!("campaigns/{id}"),
            Layout::ByYear => format!("campaigns/{y}/{id}"),
        };
        let plan = campaign(&id, &name, start, end, total);
        commits.push(Commit {
            at: start - 20 * DAY,
            message: format!("plan({id})"),
            changes: vec![Change {
                path: format!("{dir}/campaign.toml"),
                text: plan.clone(),
            }],
        });
        if shape.signed {
            let (stage, approver) = if total > 50_000 {
                ("director", "wang.fang")
            } else {
                ("supervisor", "liu.yang")
            };
            let po = format!("PO-{i}");
            let po_path = format!("{dir}/purchases/{po}.toml");
            let po_text = format!(
                "id = \"{po}\"\nvendor = \"某某传媒有限公司\"\namount = \"36000.00\"\nwhat = \"KOL 投放 3 条\"\nneeded_by = {}\nrequested_by = \"chen.jing\"\n",
                date(start)
            );
            commits.push(Commit {
                at: start - 15 * DAY,
                message: format!("purchase({id})"),
                changes: vec![Change {
                    path: po_path.clone(),
                    text: po_text.clone(),
                }],
            });
            let signs = [
                (
                    start - 10 * DAY,
                    format!("{dir}/campaign.toml"),
                    plan.clone(),
                    stage,
                    approver,
                    Some(total),
                ),
                (
                    start - 14 * DAY,
                    po_path.clone(),
                    po_text.clone(),
                    "department_head",
                    "zhang.wei",
                    Some(36000),
                ),
                (
                    start - 13 * DAY,
                    po_path.clone(),
                    po_text.clone(),
                    "finance",
                    "sun.li",
                    Some(36000),
                ),
                (
                    start - 12 * DAY,
                    po_path.clone(),
                    po_text.clone(),
                    "ceo",
                    "huang.hai",
                    Some(36000),
                ),
            ];
            for (n, (at, subject, text, stage, who, amount)) in signs.into_iter().enumerate() {
                commits.push(Commit {
                    at,
                    message: format!("approve({id}): {stage} by {who}\n\nMkt-Approval: {dir}/approvals/{:02}-{stage}-{who}.toml", n + 1),
                    changes: vec![Change {
                        path: format!("{dir}/approvals/{:02}-{stage}-{who}.toml", n + 1),
                        text: approval(&subject, &text, "approve", stage, who, at, amount),
                    }],
                });
            }
        }
        let meetings = [
            ("kickoff", start - 3 * DAY),
            ("review", start + 5 * DAY),
            ("review", end - DAY),
            ("closing", end + 5 * DAY),
        ];
        for (j, (kind, held)) in meetings.iter().enumerate() {
            let held = held + 10 * 3600;
            let path = format!("{dir}/minutes/{}-{kind}-{j}.toml", date(held));
            let text = minutes(kind, &format!("{name} {kind}"), held);
            commits.push(Commit {
                at: held + 4 * 3600,
                message: format!("minutes({id}): {kind}"),
                changes: vec![Change {
                    path: path.clone(),
                    text: text.clone(),
                }],
            });
            if shape.signed && *kind == "closing" {
                let at = held + DAY;
                commits.push(Commit {
                    at,
                    message: format!("sign-off({path}): director by wang.fang\n\nMkt-Approval: {dir}/approvals/05-director-wang.fang.toml"),
                    changes: vec![Change {
                        path: format!("{dir}/approvals/05-director-wang.fang.toml"),
                        text: approval(&path, &text, "sign-off", "director", "wang.fang", at, None),
                    }],
                });
            }
        }
        commits.push(Commit {
            at: end + 2 * DAY,
            message: format!("results({id})"),
            changes: vec![Change {
                path: format!("{dir}/results.toml"),
                text: results(start, total),
            }],
        });
    }
    for k in 0..shape.dept_minutes {
        let held =
            EPOCH + 15 * DAY + (k as i64 * span_days / shape.dept_minutes as i64) * DAY + 9 * 3600;
        let d = date(held);
        commits.push(Commit {
            at: held + 3 * 3600,
            message: "minutes: weekly".into(),
            changes: vec![Change {
                path: format!("minutes/{}/{d}-weekly-{k}.toml", &d[0..4]),
                text: minutes("weekly", "部门周会", held),
            }],
        });
    }
    // Quarterly reports, filed a few days after each quarter.
    let mut q_end = EPOCH;
    while q_end < EPOCH + span_days * DAY {
        let d = date(q_end - DAY);
        let (y, m): (i32, u32) = (d[0..4].parse().unwrap(), d[5..7].parse().unwrap());
        if q_end > EPOCH {
            commits.push(Commit {
                at: q_end + 3 * DAY,
                message: format!("report {y}Q{}", (m - 1) / 3 + 1),
                changes: vec![Change {
                    path: format!("reports/{y}Q{}.md", (m - 1) / 3 + 1),
                    text: "# 季度报告\n".into(),
                }],
            });
        }
        let next = chrono::DateTime::from_timestamp(q_end + 8 * 3600, 0)
            .unwrap()
            .date_naive();
        let next = next.checked_add_months(chrono::Months::new(3)).unwrap();
        q_end = next.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp() - 8 * 3600;
    }
    commits.sort_by_key(|c| c.at);

    let mut child = Command::new("git")
        .current_dir(dir)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stream = std::io::BufWriter::new(child.stdin.take().unwrap());
    let mut files = 0;
    for c in &commits {
        let who = "李娜 <li.na@example.com>";
        write!(
            stream,
            "commit refs/heads/main\ncommitter {who} {} +0800\ndata {}\n{}\n",
            c.at,
            c.message.len(),
            c.message
        )
        .unwrap();
        for ch in &c.changes {
            files += 1;
            write!(
                stream,
                "M 100644 inline {}\ndata {}\n{}\n",
                ch.path,
                ch.text.len(),
                ch.text
            )
            .unwrap();
        }
    }
    stream.flush().unwrap();
    drop(stream);
    assert!(child.wait().unwrap().success());
    if shape.signed {
        sign_approvals(dir, &keys);
    }
    git(&["checkout", "-q", "-f", "main"]);
    (files, commits.len())
}

/// Re-creates history with every approval commit signed as `mkt approve`
/// signs (SSHSIG, namespace git, SHA-512, in a `gpgsig` header). Trees are
/// reused; only commit objects are written anew.
fn sign_approvals(dir: &Path, keys: &HashMap<&str, PrivateKey>) {
    let repo = git2::Repository::open(dir).unwrap();
    let mut walk = repo.revwalk().unwrap();
    walk.push_ref("refs/heads/main").unwrap();
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
        .unwrap();
    let mut mapped: HashMap<git2::Oid, git2::Oid> = HashMap::new();
    let mut last = None;
    for oid in walk {
        let oid = oid.unwrap();
        let c = repo.find_commit(oid).unwrap();
        let parents: Vec<git2::Commit> = c
            .parent_ids()
            .map(|p| repo.find_commit(mapped[&p]).unwrap())
            .collect();
        let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
        let message = c.message().unwrap_or("");
        let signer = message
            .split(" by ")
            .nth(1)
            .and_then(|rest| rest.lines().next())
            .filter(|_| message.starts_with("approve(") || message.starts_with("sign-off("));
        let buf = repo
            .commit_create_buffer(
                &c.author(),
                &c.committer(),
                message,
                &c.tree().unwrap(),
                &parent_refs,
            )
            .unwrap();
        let payload = buf.as_str().unwrap();
        let new = match signer.and_then(|who| keys.get(who)) {
            Some(key) => {
                let sig = key
                    .sign("git", HashAlg::Sha512, payload.as_bytes())
                    .unwrap()
                    .to_pem(LineEnding::LF)
                    .unwrap();
                repo.commit_signed(payload, &sig, Some("gpgsig")).unwrap()
            }
            None => repo
                .odb()
                .unwrap()
                .write(git2::ObjectType::Commit, payload.as_bytes())
                .unwrap(),
        };
        mapped.insert(oid, new);
        last = Some(new);
    }
    if let Some(tip) = last {
        repo.reference("refs/heads/main", tip, true, "signed")
            .unwrap();
    }
    let st = Command::new("git")
        .current_dir(dir)
        .args(["repack", "-adq"])
        .status()
        .unwrap();
    assert!(st.success());
}

/// The median of `runs` timed runs of `f`, after one untimed run that warms
/// the page cache.
pub fn median_time(runs: usize, mut f: impl FnMut()) -> std::time::Duration {
    f();
    let mut v: Vec<std::time::Duration> = (0..runs)
        .map(|_| {
            let t = std::time::Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    v.sort();
    v[v.len() / 2]
}

/// The repository to benchmark: `MKT_BENCH_DIR` if set (generated there
/// once and kept, for profiling), else a fresh one under `tmp`.
pub fn prepared(tmp: &Path, name: &str, shape: &Shape) -> std::path::PathBuf {
    let dir = std::env::var_os("MKT_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| tmp.join(name));
    if !dir.join(".git").exists() {
        let t = std::time::Instant::now();
        let (files, commits) = generate(&dir, shape);
        println!(
            "generated {} campaigns, {files} files, {commits} commits in {:.1?}",
            shape.campaigns,
            t.elapsed()
        );
    }
    dir
}
