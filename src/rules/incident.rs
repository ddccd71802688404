//! Crisis response (SPEC 4.2): a negative-sentiment incident is responded to
//! within the policy's minutes of its detection, with a first plan soon
//! after (D008).

use chrono::{DateTime, Duration, FixedOffset};

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
        m if m < 120 => format!("{m} minutes"),
        m if m < 48 * 60 => match m % 60 {
            0 => format!("{} hours", m / 60),
            r => format!("{} h {r} min", m / 60),
        },
        m => format!("{} days {} h", m / (24 * 60), (m % (24 * 60)) / 60),
    }
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
                        format!("{key} is before detected_at"),
                    )
                    .help("correct the times: the clock starts when the incident is detected"),
                );
            } else if t > due {
                out.push(
                    Diagnostic::new(
                        &D008,
                        repo.at(&inc.path, &[key]),
                        format!(
                            "{verb} {} after detection; policy allows {allowed}",
                            span_words(t - detected)
                        ),
                    )
                    .help(format!(
                        "the {noun} was due by {due_words}; a late {noun} stays on record as late"
                    )),
                );
            }
        }
        None if ctx.now > due => out.push(
            Diagnostic::new(
                &D008,
                repo.at(&inc.path, &["detected_at"]),
                format!(
                    "no {noun} recorded ({key}), and it was due {allowed} after detection, by {due_words}"
                ),
            )
            .help(format!("{noun} now, and record when: {key} = <time>")),
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
