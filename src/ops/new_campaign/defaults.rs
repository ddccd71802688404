//! What the wizard offers and the plan is checked against: the reserve
//! range, a default split of the budget, default phases.

use rust_i18n::t;

use super::*;

/// The reserve range for `total`, in money: (min, max), to the fen.
pub fn reserve_range(policy: &Policy, total: Money) -> (Money, Money) {
    policy.reserve_range(total)
}

/// Refuses a reserve outside the policy's share of the total (B002).
pub fn check_reserve(policy: &Policy, total: Money, reserve: Money) -> Result<()> {
    let b = &policy.budget;
    if total.fen() > 0 && !policy.reserve_in_range(total, reserve) {
        let (min, max) = reserve_range(policy, total);
        return Err(Error::user(t!(
            "ops.campaign.reserve_outside",
            reserve = reserve,
            low = b.reserve_min_percent,
            high = b.reserve_max_percent,
            total = total
        ))
        .hint(t!(
            "ops.campaign.reserve_outside_hint",
            total = total,
            min = min,
            max = max
        )));
    }
    Ok(())
}

/// The middle of the reserve range, in round hundreds of yuan where that
/// stays in range.
pub fn default_reserve(policy: &Policy, total: Money) -> Money {
    let (min, max) = reserve_range(policy, total);
    let mid = (min.fen() + max.fen()) / 2;
    [10000, 100, 1]
        .into_iter()
        .map(|unit| Money(mid / unit * unit))
        .find(|m| *m >= min && *m <= max && (m.fen() > 0 || max.fen() == 0))
        .unwrap_or(Money(mid))
}

/// Splits what the reserve leaves evenly over the policy's categories, in
/// round hundreds; the last takes the rest so the sum is exact.
pub fn default_allocation(policy: &Policy, total: Money, reserve: Money) -> Vec<(String, Money)> {
    let cats = &policy.budget.categories;
    let rest = total - reserve;
    let mut out = Vec::new();
    if cats.is_empty() {
        out.push(("reserve".to_string(), reserve));
        return out;
    }
    let each = Money(rest.fen() / cats.len() as i64 / 10000 * 10000);
    let mut left = rest;
    for (i, c) in cats.iter().enumerate() {
        let amount = if i + 1 == cats.len() { left } else { each };
        left = left - amount;
        out.push((c.clone(), amount));
    }
    out.push(("reserve".to_string(), reserve));
    out
}

/// Three phases over `[start, end]`: about a quarter warm-up, a little under
/// half burst, the rest long tail. Shorter than three days: one burst.
pub fn default_phases(start: NaiveDate, end: NaiveDate, owner: &str) -> Vec<PhasePlan> {
    let days = (end - start).num_days() + 1;
    let phase = |name: &str, from: i64, len: i64| PhasePlan {
        name: name.to_string(),
        start: start + Duration::days(from),
        end: start + Duration::days(from + len - 1),
        owner: owner.to_string(),
    };
    if days < 3 {
        return vec![phase("burst", 0, days.max(1))];
    }
    let warm = ((days + 2) / 4).max(1);
    let burst = ((days * 45 + 50) / 100).clamp(1, days - warm - 1);
    vec![
        phase(PHASES[0], 0, warm),
        phase(PHASES[1], warm, burst),
        phase(PHASES[2], warm + burst, days - warm - burst),
    ]
}
