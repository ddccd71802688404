//! Crisis response (SPEC 4.2): a negative-sentiment incident is responded to
//! within the policy's minutes of its detection, with a first plan soon
//! after (D008).

use chrono::{DateTime, Duration, FixedOffset};
use rust_i18n::t;

use super::{View, declare_rule};
use crate::diag::Diagnostic;
use crate::model::Incident;
use crate::repo::Record;

declare_rule! {
    /// ## What it checks
    /// In `incidents/*.toml`, `responded_at` is at most
    /// `deadlines.incident_response_minutes` after `detected_at`, and
    /// `plan_at` at most `deadlines.incident_plan_minutes` after it. A
    /// missing `responded_at` or `plan_at` is reported once its window has
    /// passed; neither may come before the detection.
    ///
    /// ## Why
    /// 规范 六(三)1：当负面舆情出现时，30 分钟内启动响应，2 小时内输出初步应对方案.
    /// Policy: `deadlines.incident_response_minutes` (30),
    /// `deadlines.incident_plan_minutes` (120).
    ///
    /// ## Example
    /// ```toml
    /// detected_at = 2026-05-02T09:00:00+08:00
    /// responded_at = 2026-05-02T09:50:00+08:00   # 50 minutes
    /// ```
    ///
    /// ## Fix
    /// Record the real times; a late response stays on record as late. For
    /// the next incident, start with `mkt new-incident`, which says by when
    /// each step is due.
    D008, "incident-response-late", Error, "response over 30 minutes or plan over 2 hours"
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
    let d = &ctx.policy.deadlines;
    for inc in &ctx.repo.incidents {
        let steps = [
            (
                "responded_at",
                inc.value.responded_at,
                d.incident_response_minutes,
                "response",
                "responded",
            ),
            (
                "plan_at",
                inc.value.plan_at,
                d.incident_plan_minutes,
                "plan",
                "planned",
            ),
        ];
        for (key, at, minutes, noun, verb) in steps {
            step(ctx, inc, key, at, minutes, noun, verb, out);
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
