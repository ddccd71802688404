//! What a plan holds before it runs: its phases, each with core actions,
//! an owner and dates (规范 三(三)1, D015), and measurable targets (规范
//! 三(二)1, D016).

use rust_i18n::t;

use super::{View, declare_rule};
use crate::diag::Diagnostic;
use crate::model::keyboard::{Vocab, canonical_or_same, chinese};

declare_rule! {
    /// ## What it checks
    /// Every campaign (not cancelled, not superseded) plans each phase of
    /// `campaigns.phases` as a `[[phases]]` (预热 = warm-up, 爆发 = burst,
    /// 长尾 = long-tail, in either language), and every phase it plans has
    /// an owner, dates inside the campaign's start and end, and, by the
    /// day the campaign starts, its core actions (`actions`; `mkt
    /// new-campaign` leaves them for the planner). An owner not in
    /// team.toml is F004, a phase ending before it starts F002. An empty
    /// `campaigns.phases`: no rule.
    ///
    /// ## Why
    /// 规范 三(三)1：将推广方案拆解为"预热-爆发-长尾"等阶段，明确各阶段的核心动作、
    /// 责任人与时间节点；建立甘特图或项目管理表，实时追踪进度.
    ///
    /// ## Example
    /// ```toml
    /// [[phases]]
    /// name = "爆发"
    /// start = 2026-06-10
    /// end = 2026-06-25      # the campaign ends 2026-06-20
    /// owner = ""
    /// ```
    ///
    /// ## Fix
    /// ```toml
    /// [[phases]]
    /// name = "爆发"
    /// start = 2026-06-10
    /// end = 2026-06-18
    /// owner = "liu.yang"
    /// actions = ["6.18 直播", "站内满减"]
    /// ```
    D015, "campaign-phases", Error, "a campaign without its phases, or a phase without owner, dates or actions"
}

declare_rule! {
    /// ## What it checks
    /// By the day it starts, every campaign (not cancelled, not
    /// superseded) sets at least `kpi.min_targets` KPI targets in
    /// `[targets]`: exposure, clicks, ctr, conversions, conversion_rate,
    /// revenue, roi, new_users, repurchase_rate. A plan still being
    /// written may leave them for later. 0: no rule.
    ///
    /// ## Why
    /// 规范 三(二)1 目标拆解：将团队总目标（如季度GMV、用户新增量）拆解为可量化、可追溯的
    /// 子目标（如单渠道转化量、内容曝光量）. A plan with no target cannot be
    /// reviewed against one (D017) nor accepted at its closing.
    ///
    /// ## Example
    /// ```toml
    /// [targets]
    /// # exposure = 1000000
    /// ```
    ///
    /// ## Fix
    /// ```toml
    /// [targets]
    /// exposure = 1000000
    /// conversions = 5000
    /// ```
    D016, "kpi-target", Error, "a campaign without a KPI target"
}

pub fn check(ctx: &View, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    let required = ctx.policy.campaigns.required_phases();
    let min = ctx.policy.kpi.min_targets;
    // Live campaigns only, and under `lint --since` only those in scope.
    for (_, c) in ctx.live_campaigns() {
        let v = &c.value;
        if !required.is_empty() {
            phases(ctx, &c.path, v, &required, out);
        }
        let t = &v.targets;
        let set = [
            t.exposure.is_some(),
            t.clicks.is_some(),
            t.ctr.is_some(),
            t.conversions.is_some(),
            t.conversion_rate.is_some(),
            t.revenue.is_some(),
            t.roi.is_some(),
            t.new_users.is_some(),
            t.repurchase_rate.is_some(),
        ]
        .into_iter()
        .filter(|s| *s)
        .count() as u32;
        if set >= min || ctx.today < v.start.0 {
            continue;
        }
        let at = if repo.at(&c.path, &["targets"]).span.is_some() {
            repo.at(&c.path, &["targets"])
        } else {
            repo.at(&c.path, &["objective"])
        };
        let message = match set {
            0 => t!("cadence16.d016.none", min = min),
            n => t!("cadence16.d016.few", count = n, min = min),
        };
        out.push(Diagnostic::new(&D016, at, message).help(t!("cadence16.d016.help")));
    }
}

/// A phase as people say it: `预热` in Chinese, `warm-up (预热)` in
/// English, or its name as written when it is none of the three.
fn shown(name: &str) -> String {
    let id = canonical_or_same(Vocab::Phase, name.trim());
    match chinese(Vocab::Phase, &id) {
        zh if zh == id => name.trim().to_string(),
        zh if crate::i18n::current() == crate::i18n::Lang::ZhCn => zh.to_string(),
        zh => format!("{id} ({zh})"),
    }
}

fn phases(
    ctx: &View,
    path: &str,
    v: &crate::model::Campaign,
    required: &[String],
    out: &mut Vec<Diagnostic>,
) {
    let repo = ctx.repo;
    let all = ctx.policy.campaigns.phases.join(" – ");
    let help = || t!("cadence16.d015.help", phases = all);
    let planned: Vec<String> = v
        .phases
        .iter()
        .map(|p| canonical_or_same(Vocab::Phase, p.name.trim()))
        .collect();
    let whole = if repo.at(path, &["phases"]).span.is_some() {
        repo.at(path, &["phases"])
    } else {
        repo.at(path, &["end"])
    };
    for need in required {
        if !planned.contains(need) {
            out.push(
                Diagnostic::new(
                    &D015,
                    whole.clone(),
                    t!("cadence16.d015.missing", phase = shown(need), phases = all),
                )
                .help(help()),
            );
        }
    }
    for (i, ph) in v.phases.iter().enumerate() {
        let i = i.to_string();
        let name = shown(&ph.name);
        // A key left out is pointed at by the phase's name.
        let at = |key: &str| {
            let at = repo.at(path, &["phases", &i, key]);
            if at.span.is_some() {
                at
            } else {
                repo.at(path, &["phases", &i, "name"])
            }
        };
        if ph.owner.trim().is_empty() {
            out.push(
                Diagnostic::new(
                    &D015,
                    at("owner"),
                    t!("cadence16.d015.no_owner", phase = name),
                )
                .help(help()),
            );
        }
        let outside = if ph.start < v.start || ph.start > v.end {
            Some("start")
        } else if ph.end > v.end || ph.end < v.start {
            Some("end")
        } else {
            None
        };
        if let Some(key) = outside {
            out.push(
                Diagnostic::new(
                    &D015,
                    repo.at(path, &["phases", &i, key]),
                    t!(
                        "cadence16.d015.outside",
                        phase = name,
                        start = ph.start,
                        end = ph.end,
                        from = v.start,
                        until = v.end
                    ),
                )
                .help(help()),
            );
        }
        if ctx.today >= v.start.0 && ph.actions.iter().all(|a| a.trim().is_empty()) {
            out.push(
                Diagnostic::new(
                    &D015,
                    at("actions"),
                    t!("cadence16.d015.no_actions", phase = name),
                )
                .help(help()),
            );
        }
    }
}
