//! `mkt status`: what is due, soonest first, gathered from several sources
//! into one list. Each source is a function from the loaded repository (and
//! the day asked) to items; the deadlines come from the same policy values
//! and helpers the deadline rules (D001–D007) use.
//!
//! Sources: campaign meetings (kickoff, review, closing), quarterly
//! reports, open decisions. Approvals waiting will be one more source.

use rust_i18n::t;

use crate::report::grid::role_label;
use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{Minutes, Quarter};
use crate::repo::Record;
use crate::rules::first_activity;
use crate::view::View;

/// What kind of thing is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DueKind {
    Kickoff,
    Review,
    Closing,
    Report,
    Decision,
    Approval,
    Audit,
    #[serde(rename = "self-review")]
    SelfReview,
}

impl DueKind {
    pub fn key(self) -> &'static str {
        match self {
            DueKind::Kickoff => "kickoff",
            DueKind::Review => "review",
            DueKind::Closing => "closing",
            DueKind::Report => "report",
            DueKind::Decision => "decision",
            DueKind::Approval => "approval",
            DueKind::Audit => "audit",
            DueKind::SelfReview => "self-review",
        }
    }

    /// For people: `kickoff 启动会` (in Chinese `启动会`).
    pub fn label(self) -> String {
        match self {
            DueKind::Kickoff => t!("ops.status.kind.kickoff"),
            DueKind::Review => t!("ops.status.kind.review"),
            DueKind::Closing => t!("ops.status.kind.closing"),
            DueKind::Report => t!("ops.status.kind.report"),
            DueKind::Decision => t!("ops.status.kind.decision"),
            DueKind::Approval => t!("ops.status.kind.approval"),
            DueKind::Audit => t!("ops.status.kind.audit"),
            DueKind::SelfReview => t!("ops.status.kind.self_review"),
        }
        .into_owned()
    }
}

/// One thing that is due.
#[derive(Debug, Clone, Serialize)]
pub struct DueItem {
    pub kind: DueKind,
    /// What it is about: a campaign ID, a quarter, a meeting's title.
    pub subject: String,
    /// What has to happen (English, for JSON).
    pub what: String,
    /// What has to happen, for people, in the language spoken.
    #[serde(skip)]
    pub what_shown: String,
    /// The last day it is on time.
    pub due: NaiveDate,
    /// The first day it may happen, when there is a window (kickoffs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// Days from today to `due`; negative when overdue.
    pub days_left: i64,
    /// The person who must act, when one is named.
    pub owner: Option<String>,
    /// The role that must act, when a role is named rather than a person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Everyone it concerns (owner, attendees, phase owners, role holders);
    /// `--person` matches these.
    pub people: Vec<String>,
    /// The file it is recorded in, or will be.
    pub file: String,
}

impl DueItem {
    pub fn overdue(&self) -> bool {
        self.days_left < 0
    }

    /// What makes it this item and no other, whatever the day: its kind,
    /// subject and what has to happen (`mkt notify`'s sent marks, the
    /// calendar's UIDs).
    pub fn key(&self) -> String {
        format!("{} {} {}", self.kind.key(), self.subject, self.what)
    }

    /// Whether it is this person's to do or to take part in (`--person`).
    pub fn concerns(&self, person: &str) -> bool {
        self.owner.as_deref() == Some(person) || self.people.iter().any(|p| p == person)
    }
}

/// A source of due items.
pub type Source = fn(&View) -> Vec<DueItem>;

/// Every source, by name.
pub static SOURCES: &[(&str, Source)] = &[
    ("meetings", meetings),
    ("reports", reports),
    ("decisions", decisions),
    ("approvals", approvals_waiting),
    ("records", records_due),
];

/// Quarterly audits not filed, audit findings not fixed, and monthly
/// self-reviews not written (D020–D022), from the same deadlines the rules
/// use.
pub fn records_due(ctx: &View) -> Vec<DueItem> {
    let mut out = Vec::new();
    let floor = oldest_listed(ctx);
    for (q, due, path) in crate::rules::audit_deadlines(ctx) {
        if path.is_none() && q >= floor {
            let file = format!("audits/{q}.toml");
            out.push(item(
                DueKind::Audit,
                &q.to_string(),
                (
                    format!("file the internal audit {file}"),
                    t!("records16.status.file_audit", path = file).into_owned(),
                ),
                due,
                &file,
            ));
        }
    }
    for a in &ctx.repo.audits {
        for f in a.value.findings.iter().filter(|f| f.done.is_none()) {
            let mut i = item(
                DueKind::Audit,
                &a.path,
                (
                    format!("fix: {}", f.issue),
                    t!("records16.status.fix", issue = f.issue).into_owned(),
                ),
                f.fix_due.0,
                &a.path,
            );
            i.owner = Some(f.owner.clone());
            i.people = vec![f.owner.clone()];
            out.push(i);
        }
    }
    // Last month's and this month's: an older one missing is lint's (D022).
    let recent = ctx.today - chrono::Duration::days(31);
    for ((y, m), due, people) in crate::rules::review_deadlines(ctx) {
        if due < recent {
            continue;
        }
        let month = format!("{y:04}-{m:02}");
        for (id, path) in people {
            if ctx.repo.docs.contains_key(&path) {
                continue;
            }
            let mut i = item(
                DueKind::SelfReview,
                &month,
                (
                    format!("write the self-review (mkt new-review {month} --person {id})"),
                    t!("records16.status.review", month = month, id = id).into_owned(),
                ),
                due,
                &path,
            );
            i.owner = Some(id.clone());
            i.people = vec![id];
            out.push(i);
        }
    }
    out
}

/// Approval chains still open, with whom they wait for: campaign budgets
/// and purchases before they are needed, emergency work after its start,
/// closing sign-offs of closing minutes held, and copy's legal review.
pub fn approvals_waiting(ctx: &View) -> Vec<DueItem> {
    use crate::approvals::{SubjectKind, chain_for, progress};
    let repo = ctx.repo;
    let v = &ctx.verification;
    let roster = v.roster.at_head();
    let mut out = Vec::new();
    for subject in approval_subjects(ctx) {
        let Some(chain) = chain_for(repo, &ctx.policy, &subject) else {
            continue;
        };
        let Some(due) = chain.due else { continue };
        let p = progress(repo, v, chain, Some(ctx.now));
        if p.complete() {
            continue;
        }
        let (what_for, what_for_shown) = step_for(p.chain.kind);
        let owner = p.chain.owner.clone();
        // Above the ladder's top step: nobody may approve it; blocked, the
        // owner's to sort out (policy or budget).
        if let Some(top) = &p.chain.above_top {
            let mut i = item(
                DueKind::Approval,
                p.chain.campaign.as_deref().unwrap_or(&subject),
                (
                    format!(
                        "{what_for}: blocked, budget {} above the top step ({}, up to {})",
                        top.total, top.role, top.up_to
                    ),
                    t!(
                        "tiers16.above_top.status",
                        total = top.total,
                        role = top.role,
                        up_to = top.up_to
                    )
                    .into_owned(),
                ),
                due,
                &subject,
            );
            i.owner = owner.clone();
            i.people = owner.into_iter().collect();
            out.push(i);
            continue;
        }
        let command = match p.chain.kind {
            SubjectKind::Campaign | SubjectKind::Emergency => format!(
                "mkt approve {}",
                p.chain.campaign.clone().unwrap_or_default()
            ),
            SubjectKind::Purchase => format!(
                "mkt approve {} --purchase {}",
                p.chain.campaign.clone().unwrap_or_default(),
                subject
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .trim_end_matches(".toml")
            ),
            _ => format!("mkt sign-off {subject}"),
        };
        for stage in p.open() {
            let people: Vec<String> = match stage.role_name() {
                Some(role) => {
                    let mut people: Vec<String> = roster
                        .holders(role)
                        .filter(|x| Some(&x.id) != owner.as_ref())
                        .map(|x| x.id.clone())
                        .collect();
                    // A deputy standing in today (职务代理) is waited for too.
                    for d in
                        crate::ops::delegate::deputies(roster, role, ctx.today, owner.as_deref())
                    {
                        if !people.contains(&d) {
                            people.push(d);
                        }
                    }
                    people
                }
                None => stage.people().to_vec(),
            };
            let mut i = item(
                DueKind::Approval,
                p.chain.campaign.as_deref().unwrap_or(&subject),
                (
                    format!("{what_for}: {} ({command})", stage.name()),
                    t!(
                        "ops.status.approval_step",
                        what = what_for_shown,
                        stage = role_label(stage.name()),
                        command = command
                    )
                    .into_owned(),
                ),
                due,
                &subject,
            );
            i.role = stage.role_name().map(str::to_string);
            i.owner = (people.len() == 1).then(|| people[0].clone());
            i.people = dedup(people);
            out.push(i);
        }
    }
    out
}

/// What a chain's approvers do: (English for JSON, for people).
pub fn step_for(kind: crate::approvals::SubjectKind) -> (&'static str, String) {
    use crate::approvals::SubjectKind;
    let (en, shown) = match kind {
        SubjectKind::Campaign => ("approve the budget", t!("ops.status.approve_budget")),
        SubjectKind::Emergency => (
            "approve the emergency work",
            t!("ops.status.approve_emergency"),
        ),
        SubjectKind::Purchase => ("approve the purchase", t!("ops.status.approve_purchase")),
        SubjectKind::Closing => ("sign off the closing", t!("ops.status.sign_off_closing")),
        SubjectKind::Copy => ("review the copy", t!("ops.status.review_copy")),
        _ => ("sign off", t!("ops.status.sign_off")),
    };
    (en, shown.into_owned())
}

/// What live campaigns have approved or signed off: each plan, its
/// purchases, its copy and its closing minutes (repository paths).
pub fn approval_subjects(ctx: &View) -> Vec<String> {
    let mut subjects: Vec<String> = Vec::new();
    for (dir, c) in ctx.live_campaigns() {
        subjects.push(c.path.clone());
        subjects.extend(dir.purchases.iter().map(|p| p.path.clone()));
        subjects.extend(dir.content.iter().cloned());
        subjects.extend(
            ctx.lineage_minutes(&c.value)
                .iter()
                .filter(|m| m.value.kind == "closing")
                .map(|m| m.path.clone()),
        );
    }
    subjects
}

#[derive(Debug, Default)]
pub struct StatusOptions {
    /// Only items this person owns or takes part in.
    pub person: Option<String>,
    /// Only items due within this many days (overdue ones always).
    pub within: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct Status {
    pub today: NaiveDate,
    pub person: Option<String>,
    pub items: Vec<DueItem>,
}

pub fn status(ctx: &View, opts: &StatusOptions) -> Status {
    let mut items: Vec<DueItem> = SOURCES.iter().flat_map(|(_, s)| s(ctx)).collect();
    for i in &mut items {
        i.days_left = (i.due - ctx.today).num_days();
    }
    if let Some(p) = &opts.person {
        items.retain(|i| i.concerns(p));
    }
    if let Some(n) = opts.within {
        items.retain(|i| i.days_left <= n);
    }
    items.sort_by(|a, b| {
        (a.due, a.kind, &a.subject, &a.what).cmp(&(b.due, b.kind, &b.subject, &b.what))
    });
    Status {
        today: ctx.today,
        person: opts.person.clone(),
        items,
    }
}

/// `what`: (English for JSON, for people).
fn item(
    kind: DueKind,
    subject: &str,
    (what, what_shown): (String, String),
    due: NaiveDate,
    file: &str,
) -> DueItem {
    DueItem {
        kind,
        subject: subject.to_string(),
        what,
        what_shown,
        due,
        from: None,
        days_left: 0,
        owner: None,
        role: None,
        people: Vec::new(),
        file: file.to_string(),
    }
}

fn dedup(mut people: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    people.retain(|p| !p.is_empty() && seen.insert(p.clone()));
    people
}

/// Kickoffs, reviews and closings of live campaigns not yet closed. Before
/// the start: the kickoff (its window, D001). From the start: a review for
/// each quarter of the campaign that has begun (D002), and the closing
/// (D003). A missed one stays listed, overdue, until the campaign is closed.
pub fn meetings(ctx: &View) -> Vec<DueItem> {
    let zone = ctx.policy.zone();
    let mut out = Vec::new();
    for (dir, c) in ctx.live_campaigns() {
        let v = &c.value;
        let minutes = ctx.lineage_minutes(v);
        let held = |kind: &str| -> Vec<NaiveDate> {
            minutes
                .iter()
                .filter(|m| m.value.kind == kind)
                .map(|m| m.value.held_at.date(zone))
                .collect()
        };
        if held("closing").iter().any(|d| *d <= ctx.today) {
            continue; // closed
        }
        let people = dedup(
            std::iter::once(v.owner.clone())
                .chain(v.phases.iter().map(|p| p.owner.clone()))
                .collect(),
        );
        let minutes_dir = format!("{}/minutes/", dir.dir);
        let with = |mut i: DueItem| {
            i.owner = Some(v.owner.clone());
            i.people = people.clone();
            i
        };
        if held("kickoff").is_empty() && ctx.today <= v.end.0 {
            let (from, until) = ctx.policy.kickoff_window(v);
            let mut i = with(item(
                DueKind::Kickoff,
                &v.id,
                (
                    format!("hold the kickoff before the start, {}", v.start),
                    t!("ops.status.hold_kickoff", start = v.start).into_owned(),
                ),
                until,
                &minutes_dir,
            ));
            i.from = Some(from);
            out.push(i);
        }
        if ctx.today < v.start.0 {
            continue;
        }
        if ctx.policy.deadlines.review_each_quarter && v.start <= v.end {
            let reviews = held("review");
            for q in Quarter::spanning(v.start.0, v.end.0) {
                if q.first_day() > ctx.today || reviews.iter().any(|d| q.contains(*d)) {
                    continue;
                }
                out.push(with(item(
                    DueKind::Review,
                    &v.id,
                    (
                        format!("hold a review meeting in {q}"),
                        t!("ops.status.hold_review", quarter = q).into_owned(),
                    ),
                    q.last_day(),
                    &minutes_dir,
                )));
            }
        }
        let due = ctx.policy.closing_due(v);
        out.push(with(item(
            DueKind::Closing,
            &v.id,
            (
                format!("hold the closing meeting; it ended {}", v.end),
                t!("ops.status.hold_closing", end = v.end).into_owned(),
            ),
            due,
            &minutes_dir,
        )));
    }
    out
}

/// The oldest quarter whose missing report or audit is listed: three years
/// back. An older one is lint's (D007, D020: told with a count), and a
/// check dated centuries on must not list every quarter in between.
fn oldest_listed(ctx: &View) -> Quarter {
    let back = ctx.today.checked_sub_months(chrono::Months::new(36));
    Quarter::of(back.unwrap_or(ctx.today))
}

/// Quarterly reports not filed, from the department's first quarter (or
/// three years back) to this one (D007). The role that signs reports off is named.
pub fn reports(ctx: &View) -> Vec<DueItem> {
    let Some(first) = first_activity(ctx) else {
        return Vec::new();
    };
    let role = &ctx.policy.approvals.report_signoff_role;
    let holders: Vec<String> = ctx
        .verification
        .roster
        .at_head()
        .holders(role)
        .map(|p| p.id.clone())
        .collect();
    let days = ctx.policy.deadlines.report_days_after_quarter;
    let now = Quarter::of(ctx.today);
    let mut out = Vec::new();
    let mut q = Quarter::of(first).max(oldest_listed(ctx));
    while q <= now {
        if !ctx.repo.reports.contains_key(&(q.year, q.q)) {
            let mut i = item(
                DueKind::Report,
                &q.to_string(),
                (
                    format!("file reports/{q}.md, signed off by the {role}"),
                    t!(
                        "ops.status.file_report",
                        quarter = q,
                        role = role_label(role)
                    )
                    .into_owned(),
                ),
                q.days_after_end(days),
                &format!("reports/{q}.md"),
            );
            i.role = Some(role.clone());
            i.people = holders.clone();
            out.push(i);
        }
        q = q.next();
    }
    out
}

/// Decisions (决议) not done that have a due date (D005), with their owner
/// (责任人); the meeting's attendees are concerned too.
pub fn decisions(ctx: &View) -> Vec<DueItem> {
    let mut out = Vec::new();
    let campaign_minutes = ctx
        .repo
        .campaigns
        .values()
        .flat_map(|d| d.minutes.iter().map(move |m| (Some(d.folder.as_str()), m)));
    let dept = ctx.repo.dept_minutes.iter().map(|m| (None, m));
    for (campaign, m) in campaign_minutes.chain(dept) {
        out.extend(open_decisions(campaign, m));
    }
    out
}

fn open_decisions(campaign: Option<&str>, m: &Record<Minutes>) -> Vec<DueItem> {
    let subject = match campaign {
        Some(id) => id.to_string(),
        None => format!("{} {}", m.value.title, m.value.held_at.local.date()),
    };
    m.value
        .decisions
        .iter()
        .filter(|d| !d.done)
        .filter_map(|d| {
            let due = d.due?.0;
            let what = (d.text.clone(), d.text.clone());
            let mut i = item(DueKind::Decision, &subject, what, due, &m.path);
            i.owner = d.owner.clone().filter(|o| !o.trim().is_empty());
            i.people = dedup(
                i.owner
                    .iter()
                    .cloned()
                    .chain(m.value.attendees.iter().cloned())
                    .collect(),
            );
            Some(i)
        })
        .collect()
}
