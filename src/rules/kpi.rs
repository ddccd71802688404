//! Process monitoring (规范 三(三)3 过程监控): while a campaign runs, a KPI
//! in its results far behind its target's pace is a warning (D017).

use rust_i18n::t;

use super::{View, declare_rule};
use crate::diag::Diagnostic;

declare_rule! {
    /// ## What it checks
    /// While a campaign runs (from its start to its end, not cancelled, not
    /// superseded), each KPI in `results.toml`'s `[kpi]` that has a target
    /// in `[targets]` (exposure, clicks, conversions, revenue, new_users)
    /// keeps up with its target's pace: at least `kpi.behind_pace_percent`
    /// (50 %) of target × days run ÷ days planned.
    ///
    /// ## Why
    /// 规范 三(三)3：通过数据看板、舆情监测工具实时监控推广效果，当数据偏离预期时
    /// （如点击率低于行业均值、转化成本超标），启动快速响应机制，调整投放策略或内容形式.
    ///
    /// ## Example
    /// ```toml
    /// # targets: exposure = 1000000; day 15 of 30
    /// [kpi]
    /// exposure = 120000     # 24 % of the 500000 due by now
    /// ```
    ///
    /// ## Fix
    /// Review the channels and the copy (调整投放策略或内容形式) and record the
    /// decision in the next weekly minutes; the warning goes once the
    /// figures catch up, or when the campaign ends.
    D017, "kpi-behind-target", Warning, "a KPI far behind its target while the campaign runs"
}

pub fn check(ctx: &View, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    let superseded = repo.superseded();
    let pct = i128::from(ctx.policy.kpi.behind_pace_percent);
    for (dir, c) in repo.campaigns() {
        let v = &c.value;
        let today = ctx.today;
        if v.is_cancelled()
            || superseded.contains(v.id.as_str())
            || today < v.start.0
            || today > v.end.0
        {
            continue;
        }
        let Some(results) = &dir.results else {
            continue;
        };
        let run = (today - v.start.0).num_days() + 1;
        let planned = (v.end.0 - v.start.0).num_days() + 1;
        let (t, k) = (&v.targets, &results.value.kpi);
        // Money counts in fen, the rest as they are.
        let figures: [(&str, Option<i128>, Option<i128>); 5] = [
            (
                "exposure",
                t.exposure.map(i128::from),
                k.exposure.map(i128::from),
            ),
            ("clicks", t.clicks.map(i128::from), k.clicks.map(i128::from)),
            (
                "conversions",
                t.conversions.map(i128::from),
                k.conversions.map(i128::from),
            ),
            (
                "revenue",
                t.revenue.map(|m| i128::from(m.fen())),
                k.revenue.map(|m| i128::from(m.fen())),
            ),
            (
                "new_users",
                t.new_users.map(i128::from),
                k.new_users.map(i128::from),
            ),
        ];
        for (field, target, actual) in figures {
            let (Some(target), Some(actual)) = (target, actual) else {
                continue;
            };
            if target <= 0 {
                continue;
            }
            // actual < pct % of target × run / planned, without rounding.
            let (run, planned) = (i128::from(run), i128::from(planned));
            if actual * 100 * planned >= target * run * pct {
                continue;
            }
            let due = target * run / planned;
            let shown = |n: i128| {
                if field == "revenue" {
                    crate::model::Money(n as i64).to_string()
                } else {
                    n.to_string()
                }
            };
            let share = if due > 0 { actual * 100 / due } else { 0 };
            out.push(
                Diagnostic::new(
                    &D017,
                    repo.at(&results.path, &["kpi", field]),
                    t!(
                        "meet16.d017.behind",
                        field = field,
                        actual = shown(actual),
                        share = share,
                        due = shown(due),
                        target = shown(target),
                        run = run,
                        planned = planned
                    ),
                )
                .help(t!(
                    "meet16.d017.help",
                    pct = ctx.policy.kpi.behind_pace_percent
                )),
            );
        }
    }
}
