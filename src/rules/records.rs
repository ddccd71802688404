//! The records the rule books ask for besides campaigns and minutes:
//! quarterly internal audits and their fixes (D020, D021, 制度 六(二)),
//! monthly self-reviews and their superior's review (D022, D023, 制度
//! 五(一)), cross-department contacts (D024, 制度 七(一)), and the KOL/KOC
//! archive that campaigns name (F004, 规范 四(二)2).

use chrono::{Datelike, NaiveDate};
use rust_i18n::t;

use super::{View, declare_rule};
use crate::diag::{Diagnostic, Located, Severity};
use crate::model::{Person, Quarter};
use crate::repo::{Kind, classify};

declare_rule! {
    /// ## What it checks
    /// From the first quarter audited (`records.audits_from`, else the
    /// quarter of the first file in `audits/`), each quarter has its
    /// internal audit `audits/<YYYY>Q<n>.toml`, committed by
    /// `records.audit_days_after_quarter` days after the quarter ends. An
    /// audit committed later is a warning that stays on record. More than
    /// three quarters without an audit: one finding for them all, with the
    /// count.
    ///
    /// ## Why
    /// 制度 六(二)：每季度进行一次内部审计，抽查流程合规性. Policy:
    /// `records.audit_days_after_quarter` (15).
    ///
    /// ## Example
    /// ```text
    /// audits/2026Q2.toml   # present
    /// audits/2026Q3.toml   # missing on 2026-10-20
    /// ```
    ///
    /// ## Fix
    /// Hold the audit and file it: `mkt new-audit 2026Q3 --auditor zhou.jie
    /// --scope 审批流程`, then commit the file.
    D020, "audit-missing", Error, "a quarter without its internal audit by the due day"
}

declare_rule! {
    /// ## What it checks
    /// Each finding of an internal audit (`[[findings]]` in
    /// `audits/*.toml`) is fixed by its `fix_due`: a finding with no `done`
    /// date after its due day is an error, one done after it a warning.
    ///
    /// ## Why
    /// 制度 六(二)：发现问题时需立即整改，并分析根本原因，防止同类问题再次发生.
    ///
    /// ## Example
    /// ```toml
    /// [[findings]]
    /// issue = "两份合同未加密"
    /// owner = "li.na"
    /// fix_due = 2026-10-31     # no `done` on 2026-11-05
    /// ```
    ///
    /// ## Fix
    /// Fix it and write the day: `done = 2026-11-04`. If the fix needs
    /// longer, agree a new date with the auditor and write it as `fix_due`.
    D021, "audit-fix-overdue", Error, "an audit finding not fixed by its due date"
}

declare_rule! {
    /// ## What it checks
    /// From the first month with self-reviews (`records.self_reviews_from`,
    /// else the month of the first file in `reviews/`), everyone in the
    /// roster at the end of a month with a role in
    /// `records.self_review_roles` has `reviews/<YYYY-MM>/<id>.toml` for
    /// it, committed by day `records.self_review_day` of the month after.
    /// Missing or late is a warning. The last 36 months are judged; more
    /// than three months missing for one person are one finding with the
    /// count.
    ///
    /// ## Why
    /// 制度 五(一)：评估周期分为月度自评、季度上级评估及年度综合评定。自评需在每月X日前提交.
    /// Policy: `records.self_review_day` (5).
    ///
    /// ## Example
    /// ```text
    /// reviews/2026-10/zhao.lei.toml   # committed 2026-11-09, due 2026-11-05
    /// ```
    ///
    /// ## Fix
    /// Write it with `mkt new-review 2026-10 --person zhao.lei` and commit it
    /// by the due day; a late one stays on record as late.
    D022, "self-review-late", Warning, "a monthly self-review missing or late (warning)"
}

declare_rule! {
    /// ## What it checks
    /// A self-review's `reviewed_by` is the person's superior in team.toml:
    /// a supervisor of the person's group (or with no group), a director,
    /// the department head or the CEO for a specialist; a director or above
    /// for a supervisor; the department head or the CEO for a director. Never
    /// the person. A self-review still without `reviewed_by` after its due
    /// day is a warning.
    ///
    /// ## Why
    /// 制度 五(一)：季度上级评估; 制度 二(一)：专员向主管汇报，主管向总监汇报.
    ///
    /// ## Example
    /// ```toml
    /// # reviews/2026-10/zhao.lei.toml (zhao.lei: specialist, content)
    /// reviewed_by = "chen.jing"   # a specialist
    /// ```
    ///
    /// ## Fix
    /// ```toml
    /// reviewed_by = "li.na"       # the content group's supervisor
    /// ```
    D023, "self-review-reviewer", Error, "a self-review not reviewed by the person's superior"
}

declare_rule! {
    /// ## What it checks
    /// A campaign that works with other departments (`departments = [...]`)
    /// names a contact for each of them in `[[liaison]]` (`department`,
    /// `name`). Cancelled and superseded campaigns are left out.
    ///
    /// ## Why
    /// 制度 七(一)：跨部门协作需指定接口人，联合项目每周同步进展。接口人负责信息传递.
    ///
    /// ## Example
    /// ```toml
    /// departments = ["销售部", "产品部"]
    /// [[liaison]]
    /// department = "销售部"
    /// name = "王强"             # 产品部 has none
    /// ```
    ///
    /// ## Fix
    /// ```toml
    /// [[liaison]]
    /// department = "产品部"
    /// name = "刘洋"
    /// ```
    D024, "liaison-missing", Error, "a cross-department campaign without a contact per department"
}

pub fn check(ctx: &View, out: &mut Vec<Diagnostic>) {
    audits(ctx, out);
    audit_fixes(ctx, out);
    self_reviews(ctx, out);
    reviewers(ctx, out);
    liaisons(ctx, out);
    references(ctx, out);
    shapes(ctx, out);
}

/// The quarters audited so far, and the first one due.
fn first_audited(ctx: &View) -> Option<Quarter> {
    ctx.policy.records.audits_from().or_else(|| {
        ctx.repo
            .audits
            .iter()
            .filter_map(|a| audit_quarter(&a.path))
            .chain(
                ctx.repo
                    .faults
                    .iter()
                    .filter_map(|f| audit_quarter(&f.at.file)),
            )
            .min_by_key(|q| (q.year, q.q))
    })
}

fn audit_quarter(path: &str) -> Option<Quarter> {
    match classify(path) {
        Kind::Audit { year, quarter } => Some(Quarter { year, q: quarter }),
        _ => None,
    }
}

/// Each quarter's audit, its due day, and the path it has (if any), from
/// the first audited quarter to the last one due by `today`.
pub fn audit_deadlines(ctx: &View) -> Vec<(Quarter, NaiveDate, Option<String>)> {
    let Some(mut q) = first_audited(ctx) else {
        return Vec::new();
    };
    let days = ctx.policy.records.audit_days_after_quarter;
    let mut out = Vec::new();
    // Up to the quarter after today's: what is due next, for `mkt status`.
    let last = Quarter::of(ctx.today);
    while (q.year, q.q) <= (last.year, last.q) {
        let path = format!("audits/{q}.toml");
        let has = ctx.repo.docs.contains_key(&path).then_some(path);
        out.push((q, q.days_after_end(days), has));
        q = q.next();
    }
    out
}

/// The day `path` was first committed under that name (never by its
/// content: last month's review copied under this month's name was not
/// filed last month).
fn filed(ctx: &View, path: &str) -> Option<NaiveDate> {
    let walk = &ctx.repo.history;
    walk.changes
        .iter()
        .filter(|c| c.path == path && c.old.is_none() && c.new.is_some())
        .map(|c| walk.commits[c.commit].time)
        .min()
        .map(|t| ctx.day_of(t))
}

fn audits(ctx: &View, out: &mut Vec<Diagnostic>) {
    let mut missing = Vec::new();
    for (q, due, path) in audit_deadlines(ctx) {
        if due >= ctx.today {
            continue;
        }
        match path {
            Some(path) => match filed(ctx, &path) {
                Some(filed) if filed > due => out.push(
                    Diagnostic::new(
                        &D020,
                        Located::file(path.clone()),
                        t!("records16.d020.late", q = q, filed = filed, due = due),
                    )
                    .severity(Severity::Warning)
                    .help(t!("records16.d020.late_help")),
                ),
                Some(_) => {}
                None => out.push(
                    Diagnostic::new(
                        &D020,
                        Located::file(path.clone()),
                        t!("records16.d020.not_committed", q = q, due = due),
                    )
                    .help(t!("records16.commit_help", path = path)),
                ),
            },
            None => missing.push((q, due)),
        }
    }
    let days = ctx.policy.records.audit_days_after_quarter;
    super::deadline::missed_periods(
        &missing,
        |q, due| {
            Diagnostic::new(
                &D020,
                Located::file(format!("audits/{q}.toml")),
                t!("records16.d020.missing", q = q, due = due),
            )
            .help(t!("records16.d020.help", q = q))
        },
        |first, listed, more, last| {
            Diagnostic::new(
                &D020,
                Located::file(format!("audits/{first}.toml")),
                t!(
                    "records16.d020.many",
                    n = missing.len(),
                    listed = listed,
                    more = more,
                    last = last,
                    days = days
                ),
            )
            .help(t!("records16.d020.help", q = first))
        },
        out,
    );
}

fn audit_fixes(ctx: &View, out: &mut Vec<Diagnostic>) {
    for a in &ctx.repo.audits {
        for (i, f) in a.value.findings.iter().enumerate() {
            let idx = i.to_string();
            let due = f.fix_due.0;
            match f.done {
                None if ctx.today > due => out.push(
                    Diagnostic::new(
                        &D021,
                        ctx.repo.at(&a.path, &["findings", &idx, "fix_due"]),
                        t!(
                            "records16.d021.open",
                            issue = f.issue,
                            owner = f.owner,
                            due = due,
                            days = (ctx.today - due).num_days()
                        ),
                    )
                    .help(t!("records16.d021.open_help")),
                ),
                Some(done) if done.0 > due => out.push(
                    Diagnostic::new(
                        &D021,
                        ctx.repo.at(&a.path, &["findings", &idx, "done"]),
                        t!(
                            "records16.d021.late",
                            issue = f.issue,
                            done = done,
                            due = due
                        ),
                    )
                    .severity(Severity::Warning)
                    .help(t!("records16.d021.late_help")),
                ),
                _ => {}
            }
        }
    }
}

/// (year, month) of `reviews/<YYYY-MM>/…`.
fn review_month(path: &str) -> Option<(i32, u32)> {
    match classify(path) {
        Kind::SelfReview { month, .. } => crate::policy::parse_month(&month),
        _ => None,
    }
}

fn next_month((y, m): (i32, u32)) -> (i32, u32) {
    if m == 12 { (y + 1, 1) } else { (y, m + 1) }
}

fn first_day((y, m): (i32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN)
}

/// The day a month's self-review is due: `self_review_day` of the month after.
pub fn review_due(ctx: &View, month: (i32, u32)) -> NaiveDate {
    let (y, m) = next_month(month);
    NaiveDate::from_ymd_opt(y, m, ctx.policy.records.self_review_day)
        .unwrap_or_else(|| first_day((y, m)))
}

/// Who writes a self-review of `month`: the people with a reviewing role
/// in the roster in force at the end of that month (nobody before the
/// first commit). `line` is HEAD's first-parent line, root first, with
/// each commit's day.
fn reviewers_of_month<'v>(
    ctx: &'v View<'_>,
    line: &[(NaiveDate, usize)],
    month: (i32, u32),
) -> Vec<&'v Person> {
    let end = first_day(next_month(month));
    // Commit times never go back along the line (clamped to parents').
    let n = line.partition_point(|(day, _)| *day < end);
    let Some(&(_, at)) = n.checked_sub(1).and_then(|i| line.get(i)) else {
        return Vec::new();
    };
    let roles = &ctx.policy.records.self_review_roles;
    ctx.verification
        .roster
        .after(at)
        .team
        .people
        .iter()
        .filter(|p| p.roles.iter().any(|r| roles.contains(r)))
        .collect()
}

/// How many months back self-reviews are judged (D022): three years.
const REVIEW_MONTHS: i32 = 36;

/// A month (year, month), the day its self-reviews are due, and who
/// writes one: (id, path).
pub type MonthOfReviews = ((i32, u32), NaiveDate, Vec<(String, String)>);

/// Each month with self-reviews from the first through today's: the month, its due day, and
/// for each person who writes one, their id and the path.
pub fn review_deadlines(ctx: &View) -> Vec<MonthOfReviews> {
    let first = ctx.policy.records.self_reviews_from().or_else(|| {
        ctx.repo
            .self_reviews
            .iter()
            .map(|r| r.path.as_str())
            .chain(ctx.repo.faults.iter().map(|f| f.at.file.as_str()))
            .filter_map(review_month)
            .min()
    });
    let Some(mut month) = first else {
        return Vec::new();
    };
    let walk = &ctx.repo.history;
    let line: Vec<(NaiveDate, usize)> = walk
        .first_parent_line(&walk.index())
        .into_iter()
        .map(|c| (ctx.day_of(walk.commits[c].time), c))
        .collect();
    let mut out = Vec::new();
    // Through this month: what is due next, for `mkt status`.
    let this = (ctx.today.year(), ctx.today.month());
    // Months older than REVIEW_MONTHS are past judging (and a check
    // dated centuries on must not list every month in between).
    let floor = (this.0 - REVIEW_MONTHS / 12, this.1);
    month = month.max(floor);
    while month <= this {
        let people = reviewers_of_month(ctx, &line, month)
            .into_iter()
            .map(|p| {
                let path = format!("reviews/{:04}-{:02}/{}.toml", month.0, month.1, p.id);
                (p.id.clone(), path)
            })
            .collect();
        out.push((month, review_due(ctx, month), people));
        month = next_month(month);
    }
    out
}

fn self_reviews(ctx: &View, out: &mut Vec<Diagnostic>) {
    let mut missing: std::collections::BTreeMap<String, Vec<(String, NaiveDate)>> =
        Default::default();
    for (month, due, people) in review_deadlines(ctx) {
        if due >= ctx.today {
            continue;
        }
        let m = format!("{:04}-{:02}", month.0, month.1);
        for (id, path) in people {
            let present = ctx.repo.docs.contains_key(&path);
            let filed = filed(ctx, &path);
            let d = match (present, filed) {
                (false, _) => {
                    missing.entry(id).or_default().push((m.clone(), due));
                    continue;
                }
                (true, None) => Diagnostic::new(
                    &D022,
                    Located::file(path.clone()),
                    t!(
                        "records16.d022.not_committed",
                        id = id,
                        month = m,
                        due = due
                    ),
                )
                .help(t!("records16.commit_help", path = path)),
                (true, Some(f)) if f > due => Diagnostic::new(
                    &D022,
                    Located::file(path.clone()),
                    t!(
                        "records16.d022.late",
                        id = id,
                        month = m,
                        filed = f,
                        due = due
                    ),
                )
                .help(t!("records16.d022.late_help")),
                _ => continue,
            };
            out.push(d);
        }
    }
    for (id, months) in &missing {
        let path = |m: &String| format!("reviews/{m}/{id}.toml");
        super::deadline::missed_periods(
            months,
            |m, due| {
                Diagnostic::new(
                    &D022,
                    Located::file(path(m)),
                    t!("records16.d022.missing", id = id, month = m, due = due),
                )
                .help(t!("records16.d022.help", id = id, month = m))
            },
            |first, listed, more, last| {
                Diagnostic::new(
                    &D022,
                    Located::file(path(first)),
                    t!(
                        "records16.d022.many",
                        id = id,
                        n = months.len(),
                        listed = listed,
                        more = more,
                        last = last
                    ),
                )
                .help(t!("records16.d022.help", id = id, month = first))
            },
            out,
        );
    }
}

/// How senior a person is: the highest of their roles in the chain of
/// command (制度 二(一)).
fn rank(p: &Person) -> u8 {
    p.roles
        .iter()
        .map(|r| match r.as_str() {
            "specialist" => 1,
            "supervisor" => 2,
            "director" => 3,
            "department_head" => 4,
            "ceo" => 5,
            _ => 0,
        })
        .max()
        .unwrap_or(0)
}

/// Whether `boss` is `p`'s superior: higher in rank, and a supervisor only
/// of their own group.
pub fn is_superior(boss: &Person, p: &Person) -> bool {
    if boss.id == p.id || rank(boss) <= rank(p) {
        return false;
    }
    if rank(boss) == 2
        && let (Some(a), Some(b)) = (&boss.group, &p.group)
    {
        return a == b;
    }
    true
}

fn reviewers(ctx: &View, out: &mut Vec<Diagnostic>) {
    let team = &ctx.repo.team;
    for r in &ctx.repo.self_reviews {
        let Kind::SelfReview { person, .. } = classify(&r.path) else {
            continue;
        };
        let Some(p) = team.person(&person) else {
            continue; // F004
        };
        match &r.value.reviewed_by {
            Some(by) => {
                let Some(boss) = team.person(by) else {
                    continue; // F004
                };
                if !is_superior(boss, p) {
                    out.push(
                        Diagnostic::new(
                            &D023,
                            ctx.repo.at(&r.path, &["reviewed_by"]),
                            t!("records16.d023.not_superior", by = by, id = p.id),
                        )
                        .help(t!("records16.d023.help", id = p.id)),
                    );
                }
            }
            None => {
                let Some(month) = review_month(&r.path) else {
                    continue;
                };
                let due = review_due(ctx, month);
                if ctx.today > due {
                    out.push(
                        Diagnostic::new(
                            &D023,
                            ctx.repo.at(&r.path, &["summary"]),
                            t!("records16.d023.unreviewed", id = p.id, due = due),
                        )
                        .severity(Severity::Warning)
                        .help(t!("records16.d023.help", id = p.id)),
                    );
                }
            }
        }
    }
}

fn liaisons(ctx: &View, out: &mut Vec<Diagnostic>) {
    for (_, c) in ctx.live_campaigns() {
        let v = &c.value;
        for (i, dept) in v.departments.iter().enumerate() {
            let named = v
                .liaison
                .iter()
                .any(|l| l.department.trim() == dept.trim() && !l.name.trim().is_empty());
            if !named {
                out.push(
                    Diagnostic::new(
                        &D024,
                        ctx.repo.at(&c.path, &["departments", &i.to_string()]),
                        t!("records16.d024.missing", id = v.id, department = dept),
                    )
                    .help(t!("records16.d024.help", department = dept)),
                );
            }
        }
    }
}

/// The stem of `partners/<id>.toml`.
pub fn partner_id(path: &str) -> &str {
    path.strip_prefix("partners/")
        .and_then(|p| p.strip_suffix(".toml"))
        .unwrap_or(path)
}

/// F004: the people and campaigns these records name, the partners a
/// campaign names.
fn references(ctx: &View, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    if !repo.has_team {
        return;
    }
    let person = |file: &str, path: &[&str], id: &str, out: &mut Vec<Diagnostic>| {
        if id.is_empty() || repo.team.person(id).is_some() {
            return;
        }
        let d = Diagnostic::new(
            &super::F004,
            repo.at(file, path),
            t!("records16.f004.person", id = id),
        );
        out.push(match repo.team.find(id) {
            Ok(p) => d.help(t!(
                "input.write_the_id",
                key = path.last().copied().unwrap_or(""),
                id = p.id,
                name = id
            )),
            Err(_) => match repo.team.closest(id) {
                Some(p) => d.help(t!("suggest.did_you_mean_person", id = p.id, name = p.name)),
                None => d.help(t!("rules.f004.add_person")),
            },
        });
    };
    for a in &repo.audits {
        person(&a.path, &["auditor"], &a.value.auditor, out);
        for (i, f) in a.value.findings.iter().enumerate() {
            person(
                &a.path,
                &["findings", &i.to_string(), "owner"],
                &f.owner,
                out,
            );
        }
    }
    for r in &repo.self_reviews {
        if let Kind::SelfReview { person: id, .. } = classify(&r.path)
            && repo.team.person(&id).is_none()
        {
            out.push(
                Diagnostic::new(
                    &super::F004,
                    Located::file(r.path.clone()),
                    t!("records16.f004.review_person", id = id),
                )
                .help(t!("records16.f004.review_person_help")),
            );
        }
        if let Some(by) = &r.value.reviewed_by {
            person(&r.path, &["reviewed_by"], by, out);
        }
    }
    for p in &repo.partners {
        for (i, res) in p.value.results.iter().enumerate() {
            if repo.campaign(&res.campaign).is_none() {
                out.push(Diagnostic::new(
                    &super::F004,
                    repo.at(&p.path, &["results", &i.to_string(), "campaign"]),
                    t!("rules.f004.no_campaign", id = res.campaign),
                ));
            }
        }
    }
    let known: Vec<&str> = repo.partners.iter().map(|p| partner_id(&p.path)).collect();
    for (_, c) in repo.campaigns() {
        for (i, id) in c.value.partners.iter().enumerate() {
            if known.contains(&id.as_str()) {
                continue;
            }
            let d = Diagnostic::new(
                &super::F004,
                repo.at(&c.path, &["partners", &i.to_string()]),
                t!("records16.f004.partner", id = id),
            );
            out.push(match crate::suggest::closest(id, known.iter().copied()) {
                Some(s) => d.help(t!("rules.did_you_mean", name = s)),
                None => d.help(t!("records16.f004.partner_help", id = id)),
            });
        }
    }
}

/// F002: what the schema alone cannot say.
fn shapes(ctx: &View, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    for a in &repo.audits {
        if a.value.scope.iter().all(|s| s.trim().is_empty()) {
            out.push(
                Diagnostic::new(
                    &super::F002,
                    repo.at(&a.path, &["scope"]),
                    t!("records16.f002.no_scope"),
                )
                .help(t!("records16.f002.no_scope_help")),
            );
        }
        for (i, f) in a.value.findings.iter().enumerate() {
            if f.fix_due.0 < a.value.held_on.0 {
                out.push(Diagnostic::new(
                    &super::F002,
                    repo.at(&a.path, &["findings", &i.to_string(), "fix_due"]),
                    t!(
                        "records16.f002.due_before_audit",
                        due = f.fix_due,
                        held = a.value.held_on
                    ),
                ));
            }
        }
    }
    for r in &repo.self_reviews {
        if r.value.summary.trim().is_empty() {
            out.push(Diagnostic::new(
                &super::F002,
                repo.at(&r.path, &["summary"]),
                t!("records16.f002.empty_summary"),
            ));
        }
    }
    for p in &repo.partners {
        for (i, rate) in p.value.rates.iter().enumerate() {
            if rate.price.fen() < 0 {
                out.push(Diagnostic::new(
                    &super::F002,
                    repo.at(&p.path, &["rates", &i.to_string(), "price"]),
                    t!("records16.f002.negative_rate", price = rate.price),
                ));
            }
        }
    }
}
