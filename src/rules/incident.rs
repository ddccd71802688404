//! Crisis response (SPEC 4.2): a negative-sentiment incident is responded to
//! within the policy's minutes of its detection, with a first plan soon
//! after (D008).

use chrono::{DateTime, Duration, FixedOffset};
use rust_i18n::t;

use super::{View, declare_rule};
use crate::diag::Diagnostic;
use crate::model::{Incident, IncidentLevel};
use crate::repo::Record;

declare_rule! {
    /// ## What it checks
    /// In `incidents/*.toml`, `responded_at` and `plan_at` come within the
    /// windows the policy gives the incident's `level`: its own in
    /// `[incidents]` (`critical = { response_minutes = 30, plan_minutes =
    /// 120 }`), else `deadlines.incident_response_minutes` and
    /// `deadlines.incident_plan_minutes`. A missing `responded_at` or
    /// `plan_at` is reported once its window has passed; neither may come
    /// before the detection. The message quotes the window in force.
    ///
    /// ## Why
    /// 规范 六(三)1：当负面舆情出现时，30 分钟内启动响应，2 小时内输出初步应对方案;
    /// 六(三)2：建立"舆情分级响应机制"，针对不同等级的危机明确责任分工. The
    /// shipped policy gives every level 30 minutes and 2 hours.
    ///
    /// ## Example
    /// ```toml
    /// detected_at = 2026-05-02T09:00:00+08:00
    /// responded_at = 2026-05-02T09:50:00+08:00   # 50 minutes
    /// level = "major"
    /// ```
    ///
    /// ## Fix
    /// Record the real times; a late response stays on record as late. For
    /// the next incident, start with `mkt new-incident`, which says by when
    /// each step is due.
    D008, "incident-response-late", Error, "incident response or first plan later than its level allows"
}

declare_rule! {
    /// ## What it checks
    /// After an incident of a level in `incidents.post_mortem_levels`
    /// (critical), a post-mortem is held within
    /// `incidents.post_mortem_days` (7) of the detection and recorded in
    /// the incident's file: `post_mortem_at` (the day) and `root_cause`.
    /// Missing once due, or without a root cause: error; held late:
    /// warning.
    ///
    /// ## Why
    /// 规范 六(三)2：事后复盘危机根源，优化推广流程与合规审核机制; 制度 六(二)：
    /// 发现问题时需立即整改，并分析根本原因，防止同类问题再次发生.
    ///
    /// ## Example
    /// ```toml
    /// detected_at = 2026-06-18T21:40:00+08:00
    /// level = "critical"
    /// # no post_mortem_at on 2026-06-26
    /// ```
    ///
    /// ## Fix
    /// ```toml
    /// post_mortem_at = 2026-06-23
    /// root_cause = "KOL 脚本未经法务审核，直播口播超出授权话术"
    /// ```
    D011, "post-mortem-missing", Error, "no post-mortem after a critical incident"
}

/// `45 minutes`, `2 h 10 min`, `3 days 4 h`.
pub fn span_words(d: Duration) -> String {
    let m = d.num_minutes();
    match m {
        m if m < 120 => t!("rules.span.minutes", m = m),
        m if m < 48 * 60 => match m % 60 {
            0 => t!("rules.span.hours", h = m / 60),
            r => t!("rules.span.hours_minutes", h = m / 60, m = r),
        },
        m => t!(
            "rules.span.days_hours",
            d = m / (24 * 60),
            h = (m % (24 * 60)) / 60
        ),
    }
    .into_owned()
}

pub fn check(ctx: &View, out: &mut Vec<Diagnostic>) {
    for inc in &ctx.repo.incidents {
        let (respond_in, plan_in) = ctx.policy.incident_times(inc.value.level);
        let steps = [
            (
                "responded_at",
                inc.value.responded_at,
                respond_in,
                "response",
                "responded",
            ),
            ("plan_at", inc.value.plan_at, plan_in, "plan", "planned"),
        ];
        for (key, at, minutes, noun, verb) in steps {
            step(ctx, inc, key, at, minutes, noun, verb, out);
        }
        post_mortem(ctx, inc, out);
    }
}

fn level_word(level: IncidentLevel) -> String {
    match level {
        IncidentLevel::Minor => t!("meet16.level.minor"),
        IncidentLevel::Major => t!("meet16.level.major"),
        IncidentLevel::Critical => t!("meet16.level.critical"),
    }
    .into_owned()
}

/// D011: the post-mortem after a grave incident, by its due day.
fn post_mortem(ctx: &View, inc: &Record<Incident>, out: &mut Vec<Diagnostic>) {
    let p = &ctx.policy.incidents;
    let v = &inc.value;
    if !p.post_mortem_levels.contains(&v.level) {
        return;
    }
    let repo = ctx.repo;
    let detected = ctx.policy.day_of(v.detected_at.resolve(ctx.policy.zone()));
    let due = detected + Duration::days(p.post_mortem_days);
    let level = level_word(v.level);
    let help = || t!("meet16.d011.help", days = p.post_mortem_days);
    match v.post_mortem_at {
        None if ctx.today > due => out.push(
            Diagnostic::new(
                &D011,
                repo.at(&inc.path, &["level"]),
                t!("meet16.d011.missing", level = level, due = due),
            )
            .help(help()),
        ),
        None => {}
        Some(held) if held.0 < detected => out.push(
            Diagnostic::new(
                &D011,
                repo.at(&inc.path, &["post_mortem_at"]),
                t!("meet16.d011.before", held = held.0, detected = detected),
            )
            .help(help()),
        ),
        Some(held) => {
            if held.0 > due {
                out.push(
                    Diagnostic::new(
                        &D011,
                        repo.at(&inc.path, &["post_mortem_at"]),
                        t!(
                            "meet16.d011.late",
                            held = held.0,
                            days = (held.0 - due).num_days(),
                            due = due
                        ),
                    )
                    .severity(crate::diag::Severity::Warning),
                );
            }
            if v.root_cause.trim().is_empty() {
                out.push(
                    Diagnostic::new(
                        &D011,
                        repo.at(&inc.path, &["post_mortem_at"]),
                        t!("meet16.d011.no_root_cause"),
                    )
                    .help(help()),
                );
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn step(
    ctx: &View,
    inc: &Record<Incident>,
    key: &str,
    at: Option<crate::model::Timestamp>,
    minutes: i64,
    noun: &str,
    verb: &str,
    out: &mut Vec<Diagnostic>,
) {
    // `noun` and `verb` name the messages: the response's or the plan's.
    let plan = noun == "plan" || verb == "planned";
    let zone = ctx.policy.zone();
    let repo = ctx.repo;
    let detected = inc.value.detected_at.resolve(zone);
    let due: DateTime<FixedOffset> = detected + Duration::minutes(minutes);
    let allowed = span_words(Duration::minutes(minutes));
    let due_words = due.with_timezone(&zone).format("%Y-%m-%d %H:%M");
    match at {
        Some(t) => {
            let t = t.resolve(zone);
            if t < detected {
                out.push(
                    Diagnostic::new(
                        &D008,
                        repo.at(&inc.path, &[key]),
                        t!("rules.d008.before", key = key),
                    )
                    .help(t!("rules.d008.before_help")),
                );
            } else if t > due {
                out.push(
                    Diagnostic::new(
                        &D008,
                        repo.at(&inc.path, &[key]),
                        if plan {
                            t!(
                                "rules.d008.late_plan",
                                took = span_words(t - detected),
                                allowed = allowed
                            )
                        } else {
                            t!(
                                "rules.d008.late_response",
                                took = span_words(t - detected),
                                allowed = allowed
                            )
                        },
                    )
                    .help(if plan {
                        t!("rules.d008.late_plan_help", due = due_words)
                    } else {
                        t!("rules.d008.late_response_help", due = due_words)
                    }),
                );
            }
        }
        None if ctx.now > due => out.push(
            Diagnostic::new(
                &D008,
                repo.at(&inc.path, &["detected_at"]),
                if plan {
                    t!(
                        "rules.d008.no_plan",
                        key = key,
                        allowed = allowed,
                        due = due_words
                    )
                } else {
                    t!(
                        "rules.d008.no_response",
                        key = key,
                        allowed = allowed,
                        due = due_words
                    )
                },
            )
            .help(if plan {
                t!("rules.d008.no_plan_help", key = key)
            } else {
                t!("rules.d008.no_response_help", key = key)
            }),
        ),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_words() {
        assert_eq!(span_words(Duration::minutes(45)), "45 minutes");
        assert_eq!(span_words(Duration::minutes(120)), "2 hours");
        assert_eq!(span_words(Duration::minutes(130)), "2 h 10 min");
        assert_eq!(
            span_words(Duration::minutes(3 * 24 * 60 + 65)),
            "3 days 1 h"
        );
    }
}
