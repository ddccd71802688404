//! Budget rules (SPEC 4.3): the split adds up (B001), the reserve is in its
//! range (B002), and spending stays inside the plan (B003).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rust_i18n::t;

use super::{View, declare_rule};
use crate::diag::Diagnostic;
use crate::model::Money;
use crate::policy::{allocation_gap, channels_over};

declare_rule! {
    /// ## What it checks
    /// `budget.allocation` sums exactly to `budget.total`, and the channels'
    /// budgets together stay within the `channel` allocation.
    ///
    /// ## Why
    /// 规范 三(二)3：制定推广预算分配方案（渠道投放、内容制作、活动执行等）.
    /// The approved amount is the total; a split that does not add up means
    /// part of the money was never planned. SPEC 4.3.
    ///
    /// ## Example
    /// ```toml
    /// [budget]
    /// total = 80000
    /// [budget.allocation]
    /// channel = 45000
    /// content = 15000
    /// event = 15000
    /// reserve = 10000     # sums to 85000
    /// ```
    ///
    /// ## Fix
    /// ```toml
    /// event = 10000       # sums to 80000
    /// ```
    B001, "allocation-sum", Error, "allocation does not sum to total"
}

declare_rule! {
    /// ## What it checks
    /// The reserve (`budget.allocation.reserve`, 弹性预算) is between
    /// `budget.reserve_min_percent` and `budget.reserve_max_percent` of the
    /// total, inclusive, computed exactly.
    ///
    /// ## Why
    /// 规范 三(二)3：预留 10%-15% 的弹性预算，应对突发推广需求或机会.
    ///
    /// ## Example
    /// ```toml
    /// [budget]
    /// total = 80000
    /// [budget.allocation]
    /// reserve = 16000     # 20 %
    /// ```
    ///
    /// ## Fix
    /// ```toml
    /// reserve = 10000     # 12.5 %; move the rest to a category
    /// ```
    B002, "reserve-range", Error, "reserve outside %{budget.reserve_min_percent}–%{budget.reserve_max_percent} %"
}

declare_rule! {
    /// ## What it checks
    /// In results.toml, spend per category stays within that category's
    /// allocation plus the reserve, and total spend within the budget total.
    /// The finding points at the spend row that crossed the line.
    ///
    /// ## Why
    /// SPEC 4.3: spend per category never above its allocation plus reserve;
    /// total spend never above total. Spending beyond the approved amount
    /// needs a revised plan (`mkt revise`) and a new approval.
    ///
    /// ## Example
    /// ```toml
    /// # allocation: channel = 45000, reserve = 10000
    /// [[spend]]
    /// category = "channel"
    /// amount = 56000
    /// ```
    ///
    /// ## Fix
    /// Revise the plan (`mkt revise <ID>`) with a larger budget and have it
    /// approved, or correct the spend row if it was entered wrongly.
    B003, "overspend", Error, "spend above allocation plus reserve, or above total"
}

/// `12.5 %` — a share as a percentage, one decimal at most.
pub fn percent(part: Money, whole: Money) -> String {
    if whole.fen() == 0 {
        return "— %".to_string();
    }
    let p = Decimal::from(part.fen()) * Decimal::ONE_HUNDRED / Decimal::from(whole.fen());
    format!("{} %", p.round_dp(1).normalize())
}

declare_rule! {
    /// ## What it checks
    /// The purchase requests of a campaign (`purchases/*.toml`), added up in
    /// order of their `needed_by` date, stay within the campaign's budget
    /// total. The finding points at the purchase that crossed it, however
    /// fully it was approved.
    ///
    /// ## Why
    /// 制度 三(一)：采购审批需依次经过部门负责人、财务部及 CEO 签字; the
    /// signatures approve a purchase for an approved plan, and 规范 三(二)3
    /// splits that plan's budget. A purchase larger than the plan is
    /// money nobody approved the plan for.
    ///
    /// ## Example
    /// ```text
    /// campaign total = 40000; purchases/PO-2026-031.toml amount = 900000
    /// ```
    ///
    /// ## Fix
    /// Correct the amount, or revise the plan (`mkt revise <ID>`) for a
    /// larger budget and have it approved.
    B004, "purchase-over-budget", Error, "purchases of a campaign above its budget total"
}

pub fn check(ctx: &View, out: &mut Vec<Diagnostic>) {
    purchases(ctx, out);
    let repo = ctx.repo;
    let b = &ctx.policy.budget;
    for (dir, c) in repo.campaigns() {
        let v = &c.value;
        let total = v.budget.total;
        let alloc = &v.budget.allocation;
        if let Some((sum, diff, over)) = allocation_gap(total, alloc.values().copied()) {
            out.push(
                Diagnostic::new(
                    &B001,
                    repo.at(&c.path, &["budget", "allocation"]),
                    if over {
                        t!("rules.b001.sum_over", sum = sum, total = total, diff = diff)
                    } else {
                        t!(
                            "rules.b001.sum_short",
                            sum = sum,
                            total = total,
                            diff = diff
                        )
                    },
                )
                .help(t!("rules.b001.sum_help")),
            );
        }
        if let Some((channels, channel_alloc)) = channels_over(
            alloc.get("channel").copied(),
            v.channels.iter().map(|ch| ch.budget),
        ) {
            out.push(
                Diagnostic::new(
                    &B001,
                    repo.at(&c.path, &["channels"]),
                    t!(
                        "rules.b001.channels",
                        channels = channels,
                        allocation = channel_alloc
                    ),
                )
                .help(t!("rules.b001.channels_help")),
            );
        }
        let reserve = v.budget.reserve();
        if total.fen() > 0 && !ctx.policy.reserve_in_range(total, reserve) {
            let at = if alloc.contains_key("reserve") {
                repo.at(&c.path, &["budget", "allocation", "reserve"])
            } else {
                repo.at(&c.path, &["budget", "allocation"])
            };
            let (min, max) = ctx.policy.reserve_range(total);
            out.push(
                Diagnostic::new(
                    &B002,
                    at,
                    t!(
                        "rules.b002.range",
                        share = percent(reserve, total),
                        min = b.reserve_min_percent,
                        max = b.reserve_max_percent
                    ),
                )
                .help(t!("rules.b002.help", total = total, min = min, max = max)),
            );
        }
        let Some(results) = &dir.results else {
            continue;
        };
        let mut spent: BTreeMap<&str, Money> = BTreeMap::new();
        let mut running = Money::ZERO;
        let mut total_reported = false;
        for (i, s) in results.value.spend.iter().enumerate() {
            let idx = i.to_string();
            let cat = spent.entry(s.category.as_str()).or_default();
            let before = *cat;
            *cat = *cat + s.amount;
            let limit = if s.category == "reserve" {
                reserve
            } else {
                alloc.get(&s.category).copied().unwrap_or_default() + reserve
            };
            if before <= limit && *cat > limit {
                out.push(
                    Diagnostic::new(
                        &B003,
                        repo.at(&results.path, &["spend", &idx, "amount"]),
                        t!(
                            "rules.b003.category",
                            category = s.category,
                            amount = *cat,
                            limit = limit
                        ),
                    )
                    .help(t!("rules.b003.help")),
                );
            }
            running = running + s.amount;
            if !total_reported && running > total {
                total_reported = true;
                out.push(
                    Diagnostic::new(
                        &B003,
                        repo.at(&results.path, &["spend", &idx, "amount"]),
                        t!("rules.b003.total", running = running, total = total),
                    )
                    .help(t!("rules.b003.help")),
                );
            }
        }
    }
}

/// B004: a campaign's purchases, in order of need, against its total.
fn purchases(ctx: &View, out: &mut Vec<Diagnostic>) {
    for (dir, c) in ctx.live_campaigns() {
        let total = c.value.budget.total;
        let mut ordered: Vec<_> = dir.purchases.iter().collect();
        ordered.sort_by(|a, b| (a.value.needed_by.0, &a.path).cmp(&(b.value.needed_by.0, &b.path)));
        let mut running = Money::default();
        for p in ordered {
            running = running + p.value.amount;
            if running > total {
                out.push(
                    Diagnostic::new(
                        &B004,
                        ctx.repo.at(&p.path, &["amount"]),
                        t!(
                            "rules16.b004.over",
                            id = p.value.id,
                            amount = p.value.amount,
                            running = running,
                            campaign = c.value.id,
                            total = total
                        ),
                    )
                    .help(t!("rules16.b004.help", campaign = c.value.id)),
                );
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages() {
        assert_eq!(
            percent(Money::from_yuan(10000), Money::from_yuan(80000)),
            "12.5 %"
        );
        assert_eq!(
            percent(Money::from_yuan(16000), Money::from_yuan(80000)),
            "20 %"
        );
        assert_eq!(percent(Money::from_yuan(1), Money::from_yuan(3)), "33.3 %");
    }
}
