//! One campaign's row: budget, spend, reserve used, KPIs against targets, ROI.

use super::*;

pub(super) fn campaign_row(
    ctx: &View,
    dir: &CampaignDir,
    v: &Campaign,
    in_quarter: &dyn Fn(NaiveDate) -> bool,
    channels: &mut ChannelAcc,
) -> CampaignRow {
    let today = ctx.today;
    let results = dir.results.as_ref().map(|r| &r.value);
    let spend: Vec<_> = results
        .map(|r| r.spend.iter().filter(|s| s.date.0 <= today).collect())
        .unwrap_or_default();
    let spent_to_date: Money = spend.iter().map(|s| s.amount).sum();
    let spent_in_quarter: Money = spend
        .iter()
        .filter(|s| in_quarter(s.date.0))
        .map(|s| s.amount)
        .sum();

    let mut by_category: BTreeMap<&str, Money> = BTreeMap::new();
    for s in &spend {
        let spent = by_category.entry(s.category.as_str()).or_default();
        *spent = *spent + s.amount;
    }
    let reserve_used: Money = by_category
        .iter()
        .map(|(cat, spent)| {
            let allowed = if *cat == "reserve" {
                Money::ZERO
            } else {
                v.budget.allocation.get(*cat).copied().unwrap_or_default()
            };
            if *spent > allowed {
                *spent - allowed
            } else {
                Money::ZERO
            }
        })
        .sum();

    let kpi = results.map(|r| r.kpi.clone()).unwrap_or_default();
    let roi = kpi.revenue.and_then(|rev| roi(rev, spent_to_date));
    let ctr = ratio(kpi.clicks, kpi.exposure);
    let conversion_rate = ratio(kpi.conversions, kpi.clicks);
    let cpa = kpi.conversions.and_then(|n| cpa(spent_to_date, n));

    let t = &v.targets;
    let count = |x: Option<u64>| x.map(KpiValue::Count);
    let rat = |x: Option<Decimal>| x.map(KpiValue::Ratio);
    let kpis = [
        ("exposure", count(t.exposure), count(kpi.exposure)),
        ("clicks", count(t.clicks), count(kpi.clicks)),
        ("ctr", rat(t.ctr.map(|r| r.0)), rat(ctr)),
        ("conversions", count(t.conversions), count(kpi.conversions)),
        (
            "conversion_rate",
            rat(t.conversion_rate.map(|r| r.0)),
            rat(conversion_rate),
        ),
        (
            "revenue",
            t.revenue.map(KpiValue::Money),
            kpi.revenue.map(KpiValue::Money),
        ),
        ("roi", rat(t.roi.map(|r| r.0)), rat(roi)),
        ("new_users", count(t.new_users), count(kpi.new_users)),
        (
            "repurchase_rate",
            rat(t.repurchase_rate.map(|r| r.0)),
            rat(kpi.repurchase_rate.map(|r| r.0)),
        ),
    ]
    .into_iter()
    .filter(|(_, target, actual)| target.is_some() || actual.is_some())
    .map(|(name, target, actual)| kpi_row(name, target, actual))
    .collect();

    if let Some(r) = results {
        channels.add(r, today, in_quarter);
    }

    CampaignRow {
        id: v.id.clone(),
        title: v.title.clone(),
        owner: v.owner.clone(),
        owner_name: name_of(ctx.repo, &v.owner),
        status: campaign_status(ctx, v),
        start: v.start.0,
        end: v.end.0,
        emergency: v.emergency,
        budget: v.budget.total,
        reserve: v.budget.reserve(),
        spent_in_quarter,
        spent_to_date,
        reserve_used,
        has_results: results.is_some(),
        roi,
        ctr,
        conversion_rate,
        cpa,
        kpis,
        phases: v
            .phases
            .iter()
            .map(|p| PhaseRow {
                name: p.name.clone(),
                start: p.start.0,
                end: p.end.0,
                owner: p.owner.clone(),
            })
            .collect(),
    }
}

pub(super) fn kpi_row(
    name: &'static str,
    target: Option<KpiValue>,
    actual: Option<KpiValue>,
) -> KpiRow {
    let (state, attainment) = match (target, actual) {
        (_, None) => (KpiState::NoData, None),
        (None, Some(_)) => (KpiState::NoTarget, None),
        (Some(t), Some(a)) => {
            let (t, a) = (t.as_decimal(), a.as_decimal());
            let state = if a >= t {
                KpiState::Met
            } else {
                KpiState::Below
            };
            (state, a.checked_div(t).filter(|_| !t.is_zero()))
        }
    };
    KpiRow {
        name,
        target,
        actual,
        attainment,
        state,
    }
}

/// How an approval file's decision reads: `approve`, `reject`, `sign-off`.
pub fn decision_word(d: ApprovalDecision) -> &'static str {
    match d {
        ApprovalDecision::Approve => "approve",
        ApprovalDecision::Reject => "reject",
        ApprovalDecision::SignOff => "sign-off",
        ApprovalDecision::Cancel => "cancel",
    }
}

/// part / whole, when whole is known and not zero.
pub fn ratio(part: Option<u64>, whole: Option<u64>) -> Option<Decimal> {
    match (part, whole) {
        (Some(p), Some(w)) if w > 0 => Decimal::from(p).checked_div(Decimal::from(w)),
        _ => None,
    }
}

/// (revenue − spend) / spend; none without spend.
pub fn roi(revenue: Money, spend: Money) -> Option<Decimal> {
    if spend.fen() <= 0 {
        return None;
    }
    let s = Decimal::from(spend.fen());
    (Decimal::from(revenue.fen()) - s).checked_div(s)
}

/// spend / conversions, rounded to the fen; none without conversions.
pub fn cpa(spend: Money, conversions: u64) -> Option<Money> {
    if conversions == 0 {
        return None;
    }
    let fen = Decimal::from(spend.fen()).checked_div(Decimal::from(conversions))?;
    let fen = fen.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    i64::try_from(fen).ok().map(Money)
}
