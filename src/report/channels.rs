//! Spend and results per channel, summed over the quarter's campaigns.

use super::*;

/// Per-channel sums while the campaigns are walked. For CPA and ROI, spend
/// counts only from campaigns that report that channel's conversions
/// (revenue), so the two sides of each ratio cover the same campaigns.
#[derive(Default)]
pub(super) struct ChannelAcc {
    rows: BTreeMap<String, ChannelSums>,
}

#[derive(Default)]
pub(super) struct ChannelSums {
    in_quarter: Money,
    to_date: Money,
    conversions: Option<u64>,
    conversion_spend: Money,
    revenue: Option<Money>,
    revenue_spend: Money,
}

impl ChannelAcc {
    pub(crate) fn add(
        &mut self,
        r: &crate::model::Results,
        today: NaiveDate,
        in_quarter: &dyn Fn(NaiveDate) -> bool,
    ) {
        let mut to_date: BTreeMap<&str, Money> = BTreeMap::new();
        for s in r.spend.iter().filter(|s| !s.channel.trim().is_empty()) {
            if s.date.0 > today {
                continue;
            }
            let ch = s.channel.trim();
            let e = self.rows.entry(ch.to_string()).or_default();
            e.to_date = e.to_date + s.amount;
            if in_quarter(s.date.0) {
                e.in_quarter = e.in_quarter + s.amount;
            }
            let spent = to_date.entry(ch).or_default();
            *spent = *spent + s.amount;
        }
        for k in &r.channel_kpi {
            let ch = k.channel.trim();
            let spent = to_date.get(ch).copied().unwrap_or_default();
            let e = self.rows.entry(ch.to_string()).or_default();
            if let Some(n) = k.conversions {
                e.conversions = Some(e.conversions.unwrap_or(0).saturating_add(n));
                e.conversion_spend = e.conversion_spend + spent;
            }
            if let Some(rev) = k.revenue {
                e.revenue = Some(e.revenue.unwrap_or_default() + rev);
                e.revenue_spend = e.revenue_spend + spent;
            }
        }
    }

    pub(crate) fn rows(self) -> Vec<ChannelRow> {
        let mut rows: Vec<ChannelRow> = self
            .rows
            .into_iter()
            .map(|(channel, s)| ChannelRow {
                channel,
                spent_in_quarter: s.in_quarter,
                spent_to_date: s.to_date,
                conversions: s.conversions,
                revenue: s.revenue,
                cpa: s.conversions.and_then(|n| cpa(s.conversion_spend, n)),
                roi: s.revenue.and_then(|rev| roi(rev, s.revenue_spend)),
            })
            .collect();
        // Biggest spend first; the name breaks ties so the order is stable.
        rows.sort_by(|a, b| {
            b.spent_in_quarter
                .cmp(&a.spent_in_quarter)
                .then(b.spent_to_date.cmp(&a.spent_to_date))
                .then(a.channel.cmp(&b.channel))
        });
        rows
    }
}
