//! Deadline rules (SPEC 4.2): kickoff (D001), reviews (D002), closing
//! (D003), minutes on time (D004), decisions (D005, D006), reports (D007).

use chrono::{Duration, NaiveDate};
use rust_i18n::t;

use super::{View, declare_rule};
use crate::diag::{Diagnostic, Located};
use crate::model::{Campaign, Minutes, Quarter};
use crate::repo::Record;

declare_rule! {
    /// ## What it checks
    /// Once a campaign has started, a kickoff meeting (minutes of kind
    /// `kickoff`) was held in the `deadlines.kickoff_days_before_start` days
    /// before its start, and before the start. Minutes of earlier versions
    /// count for a revised plan. Emergency work (`emergency = true`) may hold
    /// its kickoff up to `approvals.emergency_days_after_start` days after.
    /// A kickoff held after the window is late but done: a warning saying
    /// how late; only a kickoff not held at all (or held too early) is an
    /// error.
    ///
    /// ## Why
    /// 制度 三(一)：启动会需在项目启动前 X 日内召开，明确目标与分工.
    /// Policy: `deadlines.kickoff_days_before_start` (default 7).
    ///
    /// ## Example
    /// ```text
    /// campaigns/春季促销-2026-03V1/campaign.toml     start = 2026-03-01
    /// campaigns/春季促销-2026-03V1/minutes/          (no kickoff)
    /// ```
    ///
    /// ## Fix
    /// Hold the kickoff and record it: `mkt new-minutes --kind kickoff
    /// --campaign 春季促销-2026-03V1 --held-at 2026-02-25T10:00:00+08:00`.
    D001, "kickoff-missing", Error, "kickoff minutes within the window before start"
}

declare_rule! {
    /// ## What it checks
    /// For every calendar quarter in which a campaign ran, once that quarter
    /// is over, a review meeting (kind `review`) was held inside it and
    /// inside the campaign's run (from its start to its end): a review held
    /// before the start does not count.
    ///
    /// ## Why
    /// 制度 三(一)：中期评审每季度一次，重点检查进度与预算执行情况.
    /// Policy: `deadlines.review_each_quarter`.
    ///
    /// ## Example
    /// ```text
    /// 品牌焕新-2026-04V1 runs 2026-04-10 – 2026-07-15; reviews: 2026-05-20 only
    /// ```
    ///
    /// ## Fix
    /// Hold a review in each quarter the campaign runs (here also one in
    /// 2026Q3) and record its minutes with kind = "review".
    D002, "review-missing", Error, "a review meeting in each quarter the campaign ran (once that quarter is over)"
}

declare_rule! {
    /// ## What it checks
    /// Within `deadlines.closing_days_after_end` days after a campaign ends,
    /// a closing meeting (kind `closing`) was held, on or after the end date,
    /// and its minutes were signed off (`mkt sign-off`) by the
    /// `approvals.closing_signoff_role` (the director) by then. A closing
    /// held, or signed off, after that is late but done: a warning saying
    /// how late (the report keeps it); only what has still not happened is
    /// an error.
    ///
    /// ## Why
    /// 制度 三(一)：结项验收需在活动结束后 X 日内完成，评估效果与投入产出比.
    /// Policy: `deadlines.closing_days_after_end` (default 15).
    ///
    /// ## Example
    /// ```text
    /// 中秋礼盒-2026-09V1 ended 2026-09-30; today 2026-10-20; no closing minutes
    /// ```
    ///
    /// ## Fix
    /// Hold the closing (结项验收) meeting and record its minutes with
    /// kind = "closing".
    D003, "closing-overdue", Error, "closing minutes within %{deadlines.closing_days_after_end} days after end"
}

declare_rule! {
    /// ## What it checks
    /// Minutes were committed within `deadlines.minutes_within_hours` hours
    /// of the meeting. When minutes were recorded is not a field: it is the
    /// time of the commit that first added the file (now, while uncommitted).
    ///
    /// ## Why
    /// 制度 三(二)：会议纪要需在会后 X 小时内完成整理. Git is the audit trail.
    /// Policy: `deadlines.minutes_within_hours` (default 24); a warning
    /// unless `meetings.minutes_late_severity` is `"error"`.
    ///
    /// ## Example
    /// ```text
    /// held_at = 2026-03-02T10:00:00+08:00, first committed 2026-03-05 09:00
    /// ```
    ///
    /// ## Fix
    /// Commit minutes the day of the meeting. A late commit cannot be undone;
    /// the warning stays as the record of it.
    D004, "minutes-late", Warning, "minutes committed more than %{deadlines.minutes_within_hours} hours after the meeting"
}

declare_rule! {
    /// ## What it checks
    /// A decision (决议) whose `due` date has passed is marked `done = true`.
    ///
    /// ## Why
    /// 制度 四(二)：决策记录明确责任人及完成时限; an overdue decision is a
    /// promise the team has not kept.
    ///
    /// ## Example
    /// ```toml
    /// [[decisions]]
    /// text = "3月1日前完成素材"
    /// owner = "zhao.lei"
    /// due = 2026-02-28
    /// done = false
    /// ```
    ///
    /// ## Fix
    /// Set `done = true` once it is done, or record a new decision with a new
    /// due date in the next meeting's minutes.
    D005, "decision-overdue", Warning, "a decision past due and not done"
}

declare_rule! {
    /// ## What it checks
    /// Every decision names an owner (责任人) and a due date (时限).
    ///
    /// ## Why
    /// 制度 四(二)：决策记录需明确责任人及完成时限; the department template is
    /// 议题, 决议, 责任人.
    ///
    /// ## Example
    /// ```toml
    /// [[decisions]]
    /// text = "下周确定 KOL 名单"
    /// ```
    ///
    /// ## Fix
    /// ```toml
    /// [[decisions]]
    /// text = "下周确定 KOL 名单"
    /// owner = "chen.jing"
    /// due = 2026-05-15
    /// ```
    D006, "decision-incomplete", Error, "a decision without owner or due date"
}

declare_rule! {
    /// ## What it checks
    /// For every quarter from the department's first activity on, the
    /// quarterly report `reports/<YYYY>Q<n>.md` is filed within
    /// `deadlines.report_days_after_quarter` days after the quarter ends.
    /// A report is filed when it is first committed (the commit time, never
    /// earlier than its parents'; a report only in the work tree is not
    /// filed), and it is signed off (`mkt sign-off`) by the
    /// `approvals.report_signoff_role` (the director) by the same day. A
    /// report first committed, or signed off, after that day is late but
    /// done: a warning saying how late; a report not filed, or never signed
    /// off, is an error. More than three quarters without a report: one
    /// finding for them all, with the count.
    ///
    /// ## Why
    /// 制度 三(二)：季度报告需在季度结束后 X 日内提交，涵盖活动数据、市场反馈及改进建议.
    /// Policy: `deadlines.report_days_after_quarter` (default 10),
    /// `approvals.report_signoff_role` (default director).
    ///
    /// ## Example
    /// ```text
    /// today 2026-07-15; reports/ has 2026Q1.md but no 2026Q2.md
    /// ```
    ///
    /// ## Fix
    /// Write the report, commit it as reports/2026Q2.md, and have the
    /// director sign it off: `mkt sign-off reports/2026Q2.md`.
    D007, "report-overdue", Error, "quarterly report not filed %{deadlines.report_days_after_quarter} days after the quarter"
}

declare_rule! {
    /// ## What it checks
    /// Once a campaign's closing meeting (kind `closing`) has been held, the
    /// campaign has results to evaluate: a results.toml with at least one
    /// spend row and at least one KPI result (`[kpi]`: exposure, clicks,
    /// conversions, revenue, new users or repurchase rate).
    ///
    /// ## Why
    /// 制度 三(一)：结项验收需在活动结束后 X 日内完成，评估效果与投入产出比.
    /// A closing with no spend and no results evaluates nothing: neither the
    /// effect nor the return on what was spent.
    ///
    /// ## Example
    /// ```text
    /// campaigns/中秋礼盒-2026-09V1/minutes/2026-10-09-closing.toml
    /// campaigns/中秋礼盒-2026-09V1/results.toml       (missing)
    /// ```
    ///
    /// ## Fix
    /// ```toml
    /// # campaigns/中秋礼盒-2026-09V1/results.toml
    /// [[spend]]
    /// date = 2026-09-05
    /// category = "channel"
    /// amount = 20000
    /// [kpi]
    /// conversions = 1250
    /// revenue = 260000
    /// ```
    D010, "closing-without-results", Error, "a campaign closed without spend and KPI results"
}

pub fn check(ctx: &View, out: &mut Vec<Diagnostic>) {
    for (dir, c) in ctx.live_campaigns() {
        let minutes = ctx.lineage_minutes(&c.value);
        kickoff(ctx, c, &minutes, out);
        reviews(ctx, c, &minutes, out);
        closing(ctx, c, &minutes, out);
        results_at_closing(ctx, dir, c, &minutes, out);
    }
    let all_minutes = ctx
        .repo
        .campaigns
        .values()
        .flat_map(|d| d.minutes.iter())
        .chain(ctx.repo.dept_minutes.iter());
    for m in all_minutes {
        minutes_late(ctx, m, out);
        decisions(ctx, m, out);
    }
    reports(ctx, out);
}

fn held_dates<'a>(
    ctx: &View,
    minutes: &[&'a Record<Minutes>],
    kind: &str,
) -> Vec<(NaiveDate, &'a Record<Minutes>)> {
    let zone = ctx.policy.zone();
    minutes
        .iter()
        .filter(|m| m.value.kind == kind)
        .map(|m| (m.value.held_at.date(zone), *m))
        .collect()
}

fn kickoff(
    ctx: &View,
    c: &Record<Campaign>,
    minutes: &[&Record<Minutes>],
    out: &mut Vec<Diagnostic>,
) {
    let v = &c.value;
    let start = v.start.0;
    let (from, until) = ctx.policy.kickoff_window(v);
    if ctx.today < start {
        return; // not due yet
    }
    let held = held_dates(ctx, minutes, "kickoff");
    if held.iter().any(|(d, _)| (from..=until).contains(d)) {
        return;
    }
    // Held after the window: late, but done.
    if let Some((when, m)) = held
        .iter()
        .filter(|(d, _)| *d > until)
        .min_by_key(|(d, _)| *d)
    {
        out.push(late(
            &D001,
            ctx.repo.at(&m.path, &["kind"]),
            t!("rules.d001.held_late", id = v.id, when = when).into_owned(),
            *when,
            until,
        ));
        return;
    }
    let mut d = Diagnostic::new(
        &D001,
        ctx.repo.at(&c.path, &["start"]),
        t!(
            "rules.d001.missing",
            id = v.id,
            start = v.start,
            from = from,
            to = until
        ),
    );
    d = match held.first() {
        Some((when, m)) => d.label(t!("rules.d001.outside", path = m.path, when = when)),
        None => d.label(t!("rules.d001.no_minutes")),
    };
    out.push(d.help(t!("rules.d001.help", id = v.id)));
}

fn reviews(
    ctx: &View,
    c: &Record<Campaign>,
    minutes: &[&Record<Minutes>],
    out: &mut Vec<Diagnostic>,
) {
    if !ctx.policy.deadlines.review_each_quarter {
        return;
    }
    let v = &c.value;
    if v.end < v.start {
        return;
    }
    // Only a review held inside the campaign's run counts: a "mid-review"
    // before the start reviews nothing.
    let held: Vec<_> = held_dates(ctx, minutes, "review")
        .into_iter()
        .filter(|(d, _)| (v.start.0..=v.end.0).contains(d))
        .collect();
    for q in Quarter::spanning(v.start.0, v.end.0) {
        if ctx.today <= q.last_day() {
            continue; // the quarter is not over
        }
        if held.iter().any(|(d, _)| q.contains(*d)) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &D002,
                ctx.repo.at(&c.path, &["id"]),
                t!("rules.d002.missing", id = v.id, q = q),
            )
            .help(t!(
                "rules.d002.help",
                first = q.first_day(),
                last = q.last_day()
            )),
        );
    }
}

fn closing(
    ctx: &View,
    c: &Record<Campaign>,
    minutes: &[&Record<Minutes>],
    out: &mut Vec<Diagnostic>,
) {
    let v = &c.value;
    let due = ctx.policy.closing_due(v);
    if ctx.today <= due {
        return;
    }
    let held = held_dates(ctx, minutes, "closing");
    if let Some((_, m)) = held.iter().find(|(d, _)| (v.end.0..=due).contains(d)) {
        signed_off(ctx, m, due, out);
        return;
    }
    // Held after the due date: late, but done (its sign-off still due).
    if let Some((when, m)) = held
        .iter()
        .filter(|(d, _)| *d > due)
        .min_by_key(|(d, _)| *d)
    {
        out.push(late(
            &D003,
            ctx.repo.at(&m.path, &["kind"]),
            t!("rules.d003.held_late", id = v.id, when = when).into_owned(),
            *when,
            due,
        ));
        signed_off(ctx, m, due, out);
        return;
    }
    let mut d = Diagnostic::new(
        &D003,
        ctx.repo.at(&c.path, &["end"]),
        t!("rules.d003.missing", id = v.id, end = v.end, due = due),
    );
    d = match held.first() {
        Some((when, m)) => d.label(t!("rules.d003.held_at", path = m.path, when = when)),
        None => d.label(t!("rules.d003.no_minutes")),
    };
    out.push(d.help(t!("rules.d003.help")));
}

/// D010: a closing held (by today) needs results to evaluate.
fn results_at_closing(
    ctx: &View,
    dir: &crate::repo::CampaignDir,
    c: &Record<Campaign>,
    minutes: &[&Record<Minutes>],
    out: &mut Vec<Diagnostic>,
) {
    let Some((_, m)) = held_dates(ctx, minutes, "closing")
        .into_iter()
        .filter(|(d, _)| *d <= ctx.today)
        .min_by_key(|(d, _)| *d)
    else {
        return;
    };
    let results = dir.results.as_ref().map(|r| &r.value);
    let spend = results.is_some_and(|r| !r.spend.is_empty());
    let kpi = results.is_some_and(|r| {
        let k = &r.kpi;
        k.exposure.is_some()
            || k.clicks.is_some()
            || k.conversions.is_some()
            || k.revenue.is_some()
            || k.new_users.is_some()
            || k.repurchase_rate.is_some()
    });
    if spend && kpi {
        return;
    }
    let id = &c.value.id;
    let message = match (results.is_some(), spend, kpi) {
        (false, _, _) => t!("rules16.d010.no_results", id = id),
        (true, false, false) => t!("rules16.d010.empty", id = id),
        (true, false, true) => t!("rules16.d010.no_spend", id = id),
        _ => t!("rules16.d010.no_kpi", id = id),
    };
    let path = format!("{}/results.toml", dir.dir);
    out.push(
        Diagnostic::new(&D010, ctx.repo.at(&m.path, &["kind"]), message)
            .help(t!("rules16.d010.help", path = path)),
    );
}

/// What happened after its deadline: a warning saying how late.
fn late(
    rule: &'static super::Rule,
    at: Located,
    what: String,
    when: NaiveDate,
    due: NaiveDate,
) -> Diagnostic {
    let days = (when - due).num_days();
    Diagnostic::new(
        rule,
        at,
        if days == 1 {
            t!("rules.late_one", what = what, due = due)
        } else {
            t!("rules.late_many", what = what, days = days, due = due)
        },
    )
    .severity(crate::diag::Severity::Warning)
    .help(t!("rules.late_help"))
}

/// The director's closing sign-off (结项验收) of the closing minutes, by the due date.
fn signed_off(ctx: &View, m: &Record<Minutes>, due: NaiveDate, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    let Some(chain) = crate::approvals::chain_for(repo, &ctx.policy, &m.path) else {
        return;
    };
    let role = chain
        .stages
        .first()
        .map(|s| s.name().to_string())
        .unwrap_or_default();
    let progress = crate::approvals::progress(repo, &ctx.verification, chain, Some(ctx.now));
    let on_time = progress
        .completed_at()
        .is_some_and(|t| ctx.day_of(t) <= due);
    if on_time {
        return;
    }
    if let Some(t) = progress.completed_at() {
        out.push(late(
            &D003,
            repo.at(&m.path, &["kind"]),
            t!("rules.d003.signed_late", date = ctx.day_of(t)).into_owned(),
            ctx.day_of(t),
            due,
        ));
        return;
    }
    let message = t!("rules.d003.no_signoff", role = role, due = due);
    out.push(
        Diagnostic::new(&D003, repo.at(&m.path, &["kind"]), message).help(t!(
            "rules.d003.signoff_help",
            role = role,
            path = m.path
        )),
    );
}

/// How long minutes took to be recorded (first commit, or now while
/// uncommitted) and whether that is within `deadlines.minutes_within_hours`;
/// `None` for a meeting yet to come. D004 and the quarterly report share it.
pub fn minutes_timing(ctx: &View, m: &Record<Minutes>) -> Option<(Duration, bool)> {
    let held = m.value.held_at.resolve(ctx.policy.zone());
    if held > ctx.now {
        return None;
    }
    let recorded = ctx
        .repo
        .first_added
        .get(&m.path)
        .copied()
        .unwrap_or(ctx.now);
    let limit = Duration::hours(ctx.policy.deadlines.minutes_within_hours);
    let took = recorded.signed_duration_since(held);
    Some((took, took <= limit))
}

fn minutes_late(ctx: &View, m: &Record<Minutes>, out: &mut Vec<Diagnostic>) {
    let Some((took, false)) = minutes_timing(ctx, m) else {
        return; // on time, or a meeting yet to come
    };
    let (took, hours) = (
        human_duration(took),
        ctx.policy.deadlines.minutes_within_hours,
    );
    let message = if ctx.repo.first_added.contains_key(&m.path) {
        t!("rules.d004.committed", took = took, hours = hours)
    } else {
        t!("rules.d004.not_committed", took = took, hours = hours)
    };
    out.push(
        Diagnostic::new(&D004, ctx.repo.at(&m.path, &["held_at"]), message)
            .help(t!("rules.d004.help"))
            .severity(ctx.policy.meetings.minutes_late_severity.severity()),
    );
}

/// `2 days 3 hours`, `5 hours`
pub fn human_duration(d: Duration) -> String {
    let hours = d.num_hours();
    let (days, hours) = (hours / 24, hours % 24);
    match (days, hours) {
        (0, h) => t!("rules.duration.hours", h = h),
        (1, 0) => t!("rules.duration.day"),
        (d, 0) => t!("rules.duration.days", d = d),
        (1, h) => t!("rules.duration.day_hours", h = h),
        (d, h) => t!("rules.duration.days_hours", d = d, h = h),
    }
    .into_owned()
}

fn decisions(ctx: &View, m: &Record<Minutes>, out: &mut Vec<Diagnostic>) {
    for (i, d) in m.value.decisions.iter().enumerate() {
        let idx = i.to_string();
        let owner_missing = d.owner.as_deref().is_none_or(|o| o.trim().is_empty());
        if owner_missing || d.due.is_none() {
            let message = match (owner_missing, d.due.is_none()) {
                (true, true) => t!("rules.d006.neither", text = d.text),
                (true, false) => t!("rules.d006.no_owner", text = d.text),
                _ => t!("rules.d006.no_due", text = d.text),
            };
            out.push(
                Diagnostic::new(
                    &D006,
                    ctx.repo.at(&m.path, &["decisions", &idx, "text"]),
                    message,
                )
                .help(t!("rules.d006.help")),
            );
        }
        if let Some(due) = d.due
            && !d.done
            && due.0 < ctx.today
        {
            let late = (ctx.today - due.0).num_days();
            out.push(
                Diagnostic::new(
                    &D005,
                    ctx.repo.at(&m.path, &["decisions", &idx, "due"]),
                    t!("rules.d005.overdue", text = d.text, due = due, days = late),
                )
                .help(t!("rules.d005.help")),
            );
        }
    }
}

/// The department's first day of activity up to today (the start of a
/// campaign not cancelled, or a department meeting): quarterly reports are due from its
/// quarter on (D007 and `mkt status`).
pub fn first_activity(ctx: &View) -> Option<NaiveDate> {
    let zone = ctx.policy.zone();
    ctx.repo
        .campaigns()
        .filter(|(_, c)| !c.value.is_cancelled())
        .map(|(_, c)| c.value.start.0)
        .chain(
            ctx.repo
                .dept_minutes
                .iter()
                .map(|m| m.value.held_at.date(zone)),
        )
        .filter(|d| *d <= ctx.today)
        .min()
}

fn reports(ctx: &View, out: &mut Vec<Diagnostic>) {
    let Some(first) = first_activity(ctx) else {
        return;
    };
    let days = ctx.policy.deadlines.report_days_after_quarter;
    let mut q = Quarter::of(first);
    let mut missing = Vec::new();
    while q.days_after_end(days) < ctx.today {
        let due = q.days_after_end(days);
        match ctx.repo.reports.get(&(q.year, q.q)) {
            // Filed when first committed (commit times clamped to their
            // parents'): a report in the work tree alone is not filed.
            Some(path) => match ctx.repo.first_added.get(path).map(|t| ctx.day_of(*t)) {
                Some(filed) => {
                    if filed > due {
                        out.push(late(
                            &D007,
                            Located::file(path.clone()),
                            t!("rules.d007.filed_late", q = q, filed = filed).into_owned(),
                            filed,
                            due,
                        ));
                    }
                    // Signed off by the due day, or the day it was filed
                    // when that was late (its lateness is told once).
                    report_signed_off(ctx, path, due.max(filed), out);
                }
                None => out.push(
                    Diagnostic::new(
                        &D007,
                        Located::file(path.clone()),
                        t!("rules16.d007.not_committed", q = q, due = due),
                    )
                    .help(t!("rules16.d007.commit_help", path = path)),
                ),
            },
            None => missing.push((q, due)),
        }
        q = q.next();
    }
    missed_periods(
        &missing,
        |q, due| {
            Diagnostic::new(
                &D007,
                Located::file(format!("reports/{q}.md")),
                t!("rules.d007.missing", q = q, due = due),
            )
            .help(t!("rules.d007.help", q = q))
        },
        |first, listed, more, last| {
            Diagnostic::new(
                &D007,
                Located::file(format!("reports/{first}.md")),
                t!(
                    "rules16.d007.many",
                    n = missing.len(),
                    listed = listed,
                    more = more,
                    last = last,
                    days = days
                ),
            )
            .help(t!("rules.d007.help", q = first))
        },
        out,
    );
}

/// More periods missing than this are one finding with the count.
const LISTED: usize = 3;

/// Findings for periods (quarters, months) with their record missing: one
/// each, or — more than [`LISTED`] — one for them all, naming the first few
/// and the count (a check dated far ahead must not print a finding per
/// period).
pub(super) fn missed_periods<P: Clone + std::fmt::Display>(
    missing: &[(P, NaiveDate)],
    one: impl Fn(&P, NaiveDate) -> Diagnostic,
    many: impl FnOnce(&P, String, usize, &P) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    if missing.len() <= LISTED {
        out.extend(missing.iter().map(|(p, due)| one(p, *due)));
        return;
    }
    let listed: Vec<String> = missing[..LISTED]
        .iter()
        .map(|(p, _)| p.to_string())
        .collect();
    let (first, last) = (&missing[0].0, &missing[missing.len() - 1].0);
    out.push(many(first, listed.join(", "), missing.len() - LISTED, last));
}

/// The quarterly report's sign-off (`approvals.report_signoff_role`, the
/// director) by `due`: late is a warning, none an error.
fn report_signed_off(ctx: &View, path: &str, due: NaiveDate, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    let Some(chain) = crate::approvals::chain_for(repo, &ctx.policy, path) else {
        return;
    };
    let role = chain
        .stages
        .first()
        .map(|s| s.name().to_string())
        .unwrap_or_default();
    let progress = crate::approvals::progress(repo, &ctx.verification, chain, Some(ctx.now));
    match progress.completed_at().map(|t| ctx.day_of(t)) {
        Some(day) if day <= due => {}
        Some(day) => out.push(late(
            &D007,
            Located::file(path.to_string()),
            t!("rules16.d007.signed_late", path = path, date = day).into_owned(),
            day,
            due,
        )),
        None => out.push(
            Diagnostic::new(
                &D007,
                Located::file(path.to_string()),
                t!(
                    "rules16.d007.no_signoff",
                    path = path,
                    role = role,
                    due = due
                ),
            )
            .help(t!("rules16.d007.signoff_help", role = role, path = path)),
        ),
    }
}
