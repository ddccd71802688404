//! Meetings as the rule books set them (规范 四(一)1, 制度 四(二)): each
//! kind's length (D012) and who attends it (D013), from `[meetings]`.

use rust_i18n::t;

use super::{View, declare_rule};
use crate::diag::Diagnostic;
use crate::model::{Minutes, Person};
use crate::policy::{ALL_MEMBERS, GROUPS};
use crate::repo::Record;

declare_rule! {
    /// ## What it checks
    /// Minutes of a kind with an expected length in
    /// `meetings.duration_minutes` (晨会 daily 15, 周复盘会 weekly 60, 月战略会
    /// monthly 90) give a `duration_minutes` within
    /// `meetings.duration_tolerance_percent` (50 %) of it. `mkt
    /// new-minutes` writes the policy's length for the kind.
    ///
    /// ## Why
    /// 规范 四(一)1：每日晨会（15分钟）同步当日重点工作与风险点；每周复盘会（60分钟）
    /// 总结进度、分析问题、输出优化动作；每月战略会（90分钟）对齐季度目标、规划下月策略.
    /// A morning stand-up of two hours is no stand-up; a length far off is
    /// worth a look, not an error.
    ///
    /// ## Example
    /// ```toml
    /// kind = "daily"
    /// duration_minutes = 60
    /// ```
    ///
    /// ## Fix
    /// Write how long it really lasted; a meeting that keeps running long
    /// is a matter for the next weekly review.
    D012, "meeting-length", Warning, "a meeting far longer or shorter than its kind's length"
}

declare_rule! {
    /// ## What it checks
    /// Minutes of a kind listed in `meetings.attendees` name the people
    /// the policy requires: `all` is every person of a group (content,
    /// channel, data), a group each of its members, and a role at least
    /// one person holding it. People whose keys in team.toml only start
    /// after the meeting are not required; minutes with no attendees at
    /// all are D009.
    ///
    /// ## Why
    /// 制度 四(二)：周会每周X召开，参与人员包括全体成员及分管高管；季度战略会每季度一次，
    /// 由全体成员、相关部门负责人及CEO参与. Shipped policy: weekly `["all",
    /// "director"]`, quarterly `["ceo", "department_head"]`.
    ///
    /// ## Example
    /// ```toml
    /// kind = "quarterly"
    /// attendees = ["wang.fang", "li.na"]   # no CEO, no department head
    /// ```
    ///
    /// ## Fix
    /// ```toml
    /// attendees = ["huang.hai", "zhang.wei", "wang.fang", "li.na"]
    /// ```
    /// If someone required did not attend, the minutes say so; the finding
    /// stays as the record of it.
    D013, "meeting-attendees", Error, "minutes without the attendees their kind requires"
}

pub fn check(ctx: &View, out: &mut Vec<Diagnostic>) {
    let all = ctx
        .repo
        .campaigns
        .values()
        .flat_map(|d| d.minutes.iter())
        .chain(ctx.repo.dept_minutes.iter());
    for m in all {
        length(ctx, m, out);
        attendees(ctx, m, out);
    }
}

fn length(ctx: &View, m: &Record<Minutes>, out: &mut Vec<Diagnostic>) {
    let v = &m.value;
    let (Some(expected), Some(took)) = (ctx.policy.meeting_minutes(&v.kind), v.duration_minutes)
    else {
        return;
    };
    let tolerance = ctx.policy.meetings.duration_tolerance_percent;
    let off = u64::from(took.abs_diff(expected));
    if off * 100 <= u64::from(expected) * u64::from(tolerance) {
        return;
    }
    out.push(
        Diagnostic::new(
            &D012,
            ctx.repo.at(&m.path, &["duration_minutes"]),
            t!(
                "meet16.d012.off",
                took = took,
                kind = v.kind,
                expected = expected,
                tolerance = tolerance
            ),
        )
        .help(t!("meet16.d012.help")),
    );
}

/// Whether a person was in the roster on `day`: no key, or a key valid
/// from that day or before.
fn there_on(p: &Person, day: chrono::NaiveDate) -> bool {
    p.keys.is_empty()
        || p.keys
            .iter()
            .any(|k| k.valid_from.is_none_or(|f| f.0 <= day))
}

fn attendees(ctx: &View, m: &Record<Minutes>, out: &mut Vec<Diagnostic>) {
    let v = &m.value;
    let Some(required) = ctx.policy.meetings.attendees.get(&v.kind) else {
        return;
    };
    let repo = ctx.repo;
    // No team to require anyone from; no attendees at all is D009's.
    if !repo.has_team || v.attendees.iter().all(|a| a.trim().is_empty()) {
        return;
    }
    let day = ctx.policy.day_of(v.held_at.resolve(ctx.policy.zone()));
    let people: Vec<&Person> = repo
        .team
        .people
        .iter()
        .filter(|p| there_on(p, day))
        .collect();
    let came = |p: &Person| v.attendees.iter().any(|a| a.trim() == p.id);
    let mut missing: Vec<String> = Vec::new();
    let mut push = |who: String| {
        if !missing.contains(&who) {
            missing.push(who);
        }
    };
    for need in required {
        let need = need.as_str();
        if need == ALL_MEMBERS || GROUPS.contains(&need) {
            for p in &people {
                let member = match &p.group {
                    Some(g) => need == ALL_MEMBERS || g == need,
                    None => false,
                };
                if member && !came(p) {
                    push(p.id.clone());
                }
            }
        } else {
            let holders: Vec<&&Person> = people.iter().filter(|p| p.has_role(need)).collect();
            if !holders.is_empty() && !holders.iter().any(|p| came(p)) {
                let ids: Vec<&str> = holders.iter().map(|p| p.id.as_str()).collect();
                push(format!("{need} ({})", ids.join(" / ")));
            }
        }
    }
    if missing.is_empty() {
        return;
    }
    let at: &[&str] = if repo.at(&m.path, &["attendees"]).span.is_some() {
        &["attendees"]
    } else {
        &["title"]
    };
    out.push(
        Diagnostic::new(
            &D013,
            repo.at(&m.path, at),
            t!(
                "meet16.d013.missing",
                kind = v.kind,
                missing = missing.join(", ")
            ),
        )
        .help(t!(
            "meet16.d013.help",
            kind = v.kind,
            required = required.join(", ")
        )),
    );
}
