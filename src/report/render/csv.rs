//! The report as CSV, one table per section (RFC 4180 quoting). Money is
//! in yuan (`1234.50`, columns ending `_yuan`); ratios are fractions
//! rounded to six places (0.016 is 1.6 %).

use rust_decimal::{Decimal, RoundingStrategy};

use crate::model::Money;
use crate::report::{KpiValue, Model, QuarterReport, Section, Status};

pub fn render(r: &QuarterReport, section: Section) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut header = |h: &[&str]| rows.push(h.iter().map(|s| s.to_string()).collect());
    match section {
        Section::Campaigns => {
            header(&[
                "id",
                "title",
                "status",
                "cancelled_reason",
                "owner",
                "owner_name",
                "start",
                "end",
                "emergency",
                "budget_yuan",
                "reserve_yuan",
                "spent_in_quarter_yuan",
                "spent_to_date_yuan",
                "reserve_used_yuan",
                "roi",
                "ctr",
                "conversion_rate",
                "cpa_yuan",
            ]);
            for c in &r.campaigns {
                let reason = match &c.status {
                    Status::Cancelled { reason } => reason.clone(),
                    _ => String::new(),
                };
                rows.push(vec![
                    c.id.clone(),
                    c.title.clone(),
                    c.status.key().to_string(),
                    reason,
                    c.owner.clone(),
                    c.owner_name.clone(),
                    c.start.to_string(),
                    c.end.to_string(),
                    c.emergency.to_string(),
                    c.budget.to_string(),
                    c.reserve.to_string(),
                    c.spent_in_quarter.to_string(),
                    c.spent_to_date.to_string(),
                    c.reserve_used.to_string(),
                    opt_ratio(c.roi),
                    opt_ratio(c.ctr),
                    opt_ratio(c.conversion_rate),
                    opt_money(c.cpa),
                ]);
            }
        }
        Section::Kpis => {
            header(&[
                "campaign",
                "kpi",
                "unit",
                "target",
                "actual",
                "attainment",
                "state",
            ]);
            for c in &r.campaigns {
                for k in &c.kpis {
                    let unit = match k.target.or(k.actual) {
                        Some(KpiValue::Ratio(_)) => "ratio",
                        Some(KpiValue::Money(_)) => "yuan",
                        _ => "count",
                    };
                    rows.push(vec![
                        c.id.clone(),
                        k.name.to_string(),
                        unit.to_string(),
                        kpi(k.target),
                        kpi(k.actual),
                        opt_ratio(k.attainment),
                        k.state.key().to_string(),
                    ]);
                }
            }
        }
        Section::Channels => {
            header(&[
                "channel",
                "spent_in_quarter_yuan",
                "spent_to_date_yuan",
                "conversions",
                "revenue_yuan",
                "cpa_yuan",
                "roi",
            ]);
            for c in &r.channels {
                rows.push(vec![
                    c.channel.clone(),
                    c.spent_in_quarter.to_string(),
                    c.spent_to_date.to_string(),
                    c.conversions.map(|n| n.to_string()).unwrap_or_default(),
                    opt_money(c.revenue),
                    opt_money(c.cpa),
                    opt_ratio(c.roi),
                ]);
            }
        }
        Section::Approvals => {
            header(&[
                "at",
                "campaign",
                "file",
                "subject",
                "stage",
                "decision",
                "approver",
                "approver_name",
                "amount_yuan",
                "verdict",
                "policy",
            ]);
            for a in &r.approvals {
                rows.push(vec![
                    a.at.to_rfc3339(),
                    a.campaign.clone(),
                    a.path.clone(),
                    a.subject.clone(),
                    a.stage.clone(),
                    crate::report::decision_word(a.decision).to_string(),
                    a.approver.clone(),
                    a.approver_name.clone(),
                    opt_money(a.amount),
                    a.verdict.clone().unwrap_or_default(),
                    a.policy.clone(),
                ]);
            }
        }
        Section::Meetings => {
            header(&["kind", "held", "on_time", "late"]);
            for m in &r.meetings {
                rows.push(vec![
                    m.kind.clone(),
                    m.held.to_string(),
                    m.on_time.to_string(),
                    m.late.to_string(),
                ]);
            }
        }
        Section::Decisions => {
            header(&[
                "owner",
                "owner_name",
                "decisions",
                "done",
                "open",
                "overdue",
            ]);
            for d in &r.decisions {
                rows.push(vec![
                    d.owner.clone(),
                    d.owner_name.clone(),
                    d.decisions.to_string(),
                    d.done.to_string(),
                    d.open.to_string(),
                    d.overdue.to_string(),
                ]);
            }
        }
        Section::Findings => {
            // Rule counts, then what the report itself could not read.
            header(&[
                "code", "name", "severity", "count", "file", "line", "message",
            ]);
            for f in &r.findings {
                rows.push(vec![
                    f.code.to_string(),
                    f.name.to_string(),
                    f.severity.as_str().to_string(),
                    f.shown(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
            }
            for p in &r.problems {
                rows.push(vec![
                    "report".to_string(),
                    "touchpoints".to_string(),
                    "warning".to_string(),
                    "1".to_string(),
                    p.file.clone(),
                    p.line.to_string(),
                    p.message.clone(),
                ]);
            }
        }
        Section::Attribution => {
            header(&[
                "campaign",
                "channel",
                "model",
                "touches",
                "conversions",
                "value_yuan",
            ]);
            for a in &r.attribution {
                for c in &a.channels {
                    for m in Model::ALL {
                        let cr = c.credit(m);
                        rows.push(vec![
                            a.campaign.clone(),
                            c.channel.clone(),
                            m.key().to_string(),
                            c.touches.to_string(),
                            round6(cr.conversions),
                            fen_to_yuan(cr.value_fen),
                        ]);
                    }
                }
            }
        }
    }
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| quote(c)).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// A field as RFC 4180 wants it: quoted when it holds a comma, a quote, a
/// line break or edge spaces; quotes doubled.
pub fn quote(s: &str) -> String {
    let needs = s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ');
    if needs {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn round6(d: Decimal) -> String {
    d.round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
}

fn opt_ratio(d: Option<Decimal>) -> String {
    d.map(round6).unwrap_or_default()
}

fn opt_money(m: Option<Money>) -> String {
    m.map(|m| m.to_string()).unwrap_or_default()
}

fn fen_to_yuan(fen: Decimal) -> String {
    let fen = fen.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    Money(i64::try_from(fen).unwrap_or(i64::MAX)).to_string()
}

fn kpi(v: Option<KpiValue>) -> String {
    match v {
        None => String::new(),
        Some(KpiValue::Count(n)) => n.to_string(),
        Some(KpiValue::Ratio(r)) => round6(r),
        Some(KpiValue::Money(m)) => m.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quotes_what_needs_it() {
        assert_eq!(quote("品牌焕新"), "品牌焕新");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("two\nlines"), "\"two\nlines\"");
    }
}
