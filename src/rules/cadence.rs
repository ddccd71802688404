//! Meeting cadence (制度 四(二), 规范 四(一)1): each kind in
//! `meetings.cadence` is held every week, month or quarter (D014).

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rust_i18n::t;

use super::{View, declare_rule};
use crate::diag::Diagnostic;
use crate::model::Minutes;
use crate::policy::{Cadence, Period};
use crate::repo::Record;

declare_rule! {
    /// ## What it checks
    /// Each kind of minutes in `meetings.cadence` is held as often as the
    /// policy says: weekly on `meetings.cadence.weekly.weekday`, monthly
    /// (`meetings.cadence.monthly.every`) and quarterly
    /// (`meetings.cadence.quarterly.every`). Counted from the first minutes
    /// of the kind in the repository up to today, every week, month or
    /// quarter with no minutes of the kind is a finding once it is over (a
    /// week with a weekday: once that day is past) and the
    /// `deadlines.minutes_within_hours` for writing the minutes have gone
    /// by. Minutes held on any day of the week count. More than three
    /// missed: one finding for the kind, with the count.
    ///
    /// ## Why
    /// 制度 四(二)：例会分为周会与季度战略会两种。周会每周X召开…季度战略会每季度一次；
    /// 规范 四(一)1：每周复盘会（60分钟）…每月战略会（90分钟）对齐季度目标、规划下月策略.
    /// A week with no weekly meeting is a week whose progress nobody reviewed.
    ///
    /// ## Example
    /// ```text
    /// minutes/2026/2026-03-02-weekly.toml
    /// minutes/2026/2026-03-16-weekly.toml    # no weekly minutes in 2026-W11
    /// ```
    ///
    /// ## Fix
    /// Commit the missing minutes (`mkt new-minutes --kind weekly`); if the
    /// meeting did not take place, the finding is the record of it (a
    /// director may accept it with `mkt waive`).
    D014, "meeting-cadence", Warning, "a week, month or quarter without its regular meeting"
}

/// More missed periods than this are one finding with the count.
const LISTED: usize = 3;

pub fn check(ctx: &View, out: &mut Vec<Diagnostic>) {
    let cadence = &ctx.policy.meetings.cadence;
    if cadence.is_empty() {
        return;
    }
    let mut by_kind: BTreeMap<&str, Vec<(NaiveDate, &Record<Minutes>)>> = BTreeMap::new();
    let all = ctx
        .repo
        .campaigns
        .values()
        .flat_map(|d| d.minutes.iter())
        .chain(ctx.repo.dept_minutes.iter());
    for m in all {
        if cadence.contains_key(&m.value.kind) {
            let day = ctx
                .policy
                .day_of(m.value.held_at.resolve(ctx.policy.zone()));
            by_kind
                .entry(m.value.kind.as_str())
                .or_default()
                .push((day, m));
        }
    }
    // Minutes may be written this many days after the meeting (D004).
    let grace = Duration::days((ctx.policy.deadlines.minutes_within_hours.max(0) + 23) / 24);
    for (kind, mut held) in by_kind {
        held.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.path.cmp(&b.1.path)));
        missed(ctx, kind, &cadence[kind], &held, grace, out);
    }
}

/// A period's number: weeks from Monday 0001-01-01, months, quarters.
fn index(p: Period, d: NaiveDate) -> i64 {
    match p {
        Period::Week => i64::from(d.num_days_from_ce() - 1).div_euclid(7),
        Period::Month => i64::from(d.year()) * 12 + i64::from(d.month0()),
        Period::Quarter => i64::from(d.year()) * 4 + i64::from(d.month0() / 3),
    }
}

/// The first day of period `i`.
fn first_day(p: Period, i: i64) -> Option<NaiveDate> {
    match p {
        Period::Week => NaiveDate::from_num_days_from_ce_opt(i32::try_from(i * 7 + 1).ok()?),
        Period::Month => NaiveDate::from_ymd_opt(
            i32::try_from(i.div_euclid(12)).ok()?,
            u32::try_from(i.rem_euclid(12)).ok()? + 1,
            1,
        ),
        Period::Quarter => NaiveDate::from_ymd_opt(
            i32::try_from(i.div_euclid(4)).ok()?,
            u32::try_from(i.rem_euclid(4)).ok()? * 3 + 1,
            1,
        ),
    }
}

/// The day period `i` is due by: its weekday, else its last day.
fn due_day(p: Period, i: i64, on: Option<Weekday>) -> Option<NaiveDate> {
    match (p, on) {
        (Period::Week, Some(w)) => {
            first_day(p, i).map(|d| d + Duration::days(i64::from(w.num_days_from_monday())))
        }
        _ => first_day(p, i + 1).and_then(|d| d.pred_opt()),
    }
}

/// How a person names period `i`: `2026-W05（02-02 起）`, `2026-03`, `2026Q1`.
fn label(p: Period, i: i64) -> String {
    let Some(d) = first_day(p, i) else {
        return i.to_string();
    };
    match p {
        Period::Week => t!(
            "cadence16.week",
            year = d.iso_week().year(),
            week = format!("{:02}", d.iso_week().week()),
            from = d
        )
        .into_owned(),
        Period::Month => format!("{}-{:02}", d.year(), d.month()),
        Period::Quarter => format!("{}Q{}", d.year(), d.month0() / 3 + 1),
    }
}

fn every(c: &Cadence) -> String {
    let unit = match c.period() {
        Period::Week => t!("cadence16.every.week"),
        Period::Month => t!("cadence16.every.month"),
        Period::Quarter => t!("cadence16.every.quarter"),
    };
    match c.weekday() {
        Some(w) => t!("cadence16.every.on", every = unit, day = day_name(w)).into_owned(),
        None => unit.into_owned(),
    }
}

fn day_name(w: Weekday) -> String {
    match w {
        Weekday::Mon => t!("cadence16.day.mon"),
        Weekday::Tue => t!("cadence16.day.tue"),
        Weekday::Wed => t!("cadence16.day.wed"),
        Weekday::Thu => t!("cadence16.day.thu"),
        Weekday::Fri => t!("cadence16.day.fri"),
        Weekday::Sat => t!("cadence16.day.sat"),
        Weekday::Sun => t!("cadence16.day.sun"),
    }
    .into_owned()
}

fn missed(
    ctx: &View,
    kind: &str,
    c: &Cadence,
    held: &[(NaiveDate, &Record<Minutes>)],
    grace: Duration,
    out: &mut Vec<Diagnostic>,
) {
    let (p, on) = (c.period(), c.weekday());
    let Some(&(first, _)) = held.first() else {
        return;
    };
    // The last period due by today; the loop below walks the minutes, not
    // the periods, so a far `--today` costs nothing.
    let now = index(p, ctx.today);
    let Some(last_due) = (now - 400..=now)
        .rev()
        .find(|&i| due_day(p, i, on).is_some_and(|d| d + grace < ctx.today))
    else {
        return;
    };
    let start = index(p, first);
    if last_due <= start {
        return;
    }
    // Each gap after the minutes of a period, up to the last period due.
    let mut gaps: Vec<(i64, i64, &Record<Minutes>)> = Vec::new();
    for (n, &(day, m)) in held.iter().enumerate() {
        let i = index(p, day);
        let next = held
            .get(n + 1)
            .map_or(last_due + 1, |&(d, _)| index(p, d).min(last_due + 1));
        if next > i + 1 && i < last_due {
            gaps.push((i + 1, next - 1, m));
        }
    }
    let count: i64 = gaps.iter().map(|(a, b, _)| b - a + 1).sum();
    if count == 0 {
        return;
    }
    let help = t!("cadence16.d014.help", kind = kind, every = every(c));
    if count <= LISTED as i64 {
        for &(a, b, m) in &gaps {
            for i in a..=b {
                out.push(
                    Diagnostic::new(
                        &D014,
                        ctx.repo.at(&m.path, &["held_at"]),
                        t!(
                            "cadence16.d014.missed",
                            kind = kind,
                            period = label(p, i),
                            every = every(c),
                            last = held_on(ctx, m)
                        ),
                    )
                    .help(help.clone()),
                );
            }
        }
        return;
    }
    let listed: Vec<String> = gaps
        .iter()
        .flat_map(|&(a, b, _)| a..=b)
        .take(LISTED)
        .map(|i| label(p, i))
        .collect();
    let (_, last_gap, _) = gaps[gaps.len() - 1];
    let (_, latest) = held[held.len() - 1];
    let unit = match p {
        Period::Week => t!("cadence16.count.week", n = count),
        Period::Month => t!("cadence16.count.month", n = count),
        Period::Quarter => t!("cadence16.count.quarter", n = count),
    };
    out.push(
        Diagnostic::new(
            &D014,
            ctx.repo.at(&latest.path, &["held_at"]),
            t!(
                "cadence16.d014.many",
                count = unit,
                kind = kind,
                first = first,
                listed = listed.join(", "),
                more = count - LISTED as i64,
                last = label(p, last_gap),
                every = every(c)
            ),
        )
        .help(help),
    );
}

fn held_on(ctx: &View, m: &Record<Minutes>) -> NaiveDate {
    ctx.policy
        .day_of(m.value.held_at.resolve(ctx.policy.zone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_are_numbered_and_found_back() {
        for p in [Period::Week, Period::Month, Period::Quarter] {
            for day in ["2026-01-01", "2026-03-09", "2026-12-31", "9999-12-31"] {
                let i = index(p, d(day));
                let from = first_day(p, i).unwrap();
                assert!(from <= d(day), "{p:?} {day}");
                assert_eq!(index(p, from), i);
                assert_eq!(index(p, from.pred_opt().unwrap()), i - 1);
            }
        }
        // 2026-03-09 is a Monday.
        assert_eq!(
            first_day(Period::Week, index(Period::Week, d("2026-03-15"))),
            Some(d("2026-03-09"))
        );
        assert_eq!(
            due_day(
                Period::Week,
                index(Period::Week, d("2026-03-09")),
                Some(Weekday::Fri)
            ),
            Some(d("2026-03-13"))
        );
        assert_eq!(
            due_day(
                Period::Quarter,
                index(Period::Quarter, d("2026-02-01")),
                None
            ),
            Some(d("2026-03-31"))
        );
        assert!(
            index(Period::Week, d("9999-12-31")) - index(Period::Week, d("2026-01-01")) > 400_000
        );
    }
}
