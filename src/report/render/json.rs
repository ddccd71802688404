//! The report as JSON: every number, for machines. Money is integer fen in
//! keys ending `_fen`; ratios are fractions (0.016 is 1.6 %) as decimal
//! strings rounded to six places; attribution credits are decimal strings
//! (linear splits conversions and value).

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};

use crate::model::Money;
use crate::report::{
    CampaignAttribution, CampaignRow, ChannelCredit, Credit, KpiRow, KpiValue, Model, QuarterReport,
};

pub fn render(r: &QuarterReport) -> String {
    let v = json!({
        "quarter": r.quarter.to_string(),
        "first_day": r.first_day.to_string(),
        "last_day": r.last_day.to_string(),
        "as_of": r.as_of.to_string(),
        "units": units(),
        "totals": {
            "campaigns": r.totals.campaigns,
            "budget_fen": fen(r.totals.budget),
            "spent_in_quarter_fen": fen(r.totals.spent_in_quarter),
            "spent_to_date_fen": fen(r.totals.spent_to_date),
            "reserve_used_fen": fen(r.totals.reserve_used),
        },
        "campaigns": r.campaigns.iter().map(campaign).collect::<Vec<_>>(),
        "channels": r.channels.iter().map(|c| json!({
            "channel": c.channel,
            "spent_in_quarter_fen": fen(c.spent_in_quarter),
            "spent_to_date_fen": fen(c.spent_to_date),
            "conversions": c.conversions,
            "revenue_fen": c.revenue.map(fen),
            "cpa_fen": c.cpa.map(fen),
            "roi": c.roi.map(ratio),
        })).collect::<Vec<_>>(),
        "approvals": r.approvals.iter().map(|a| json!({
            "campaign": a.campaign,
            "file": a.path,
            "subject": a.subject,
            "stage": a.stage,
            "decision": a.decision,
            "approver": a.approver,
            "approver_name": a.approver_name,
            "at": a.at.to_rfc3339(),
            "amount_fen": a.amount.map(fen),
            "verdict": a.verdict,
            "policy": a.policy,
        })).collect::<Vec<_>>(),
        "meetings": r.meetings.iter().map(|m| json!({
            "kind": m.kind, "held": m.held, "on_time": m.on_time, "late": m.late,
        })).collect::<Vec<_>>(),
        "decisions": r.decisions.iter().map(|d| json!({
            "owner": d.owner, "owner_name": d.owner_name, "decisions": d.decisions,
            "done": d.done, "open": d.open, "overdue": d.overdue,
        })).collect::<Vec<_>>(),
        "findings": r.findings.iter().map(|f| json!({
            "code": f.code, "name": f.name, "severity": f.severity, "count": f.count, "waived": f.waived,
        })).collect::<Vec<_>>(),
        "problems": r.problems.iter().map(problem).collect::<Vec<_>>(),
        "attribution": r.attribution.iter().map(|a| attribution_value(a, &Model::ALL)).collect::<Vec<_>>(),
    });
    pretty(&v)
}

/// `mkt attribution --format json`: one campaign, one model or all three.
pub fn attribution(a: &CampaignAttribution, model: Option<Model>) -> String {
    let models = match model {
        Some(m) => vec![m],
        None => Model::ALL.to_vec(),
    };
    let mut v = attribution_value(a, &models);
    v["units"] = units();
    pretty(&v)
}

fn units() -> Value {
    json!({
        "money": "keys ending in _fen are integer fen (100 fen = 1 yuan)",
        "ratios": "fractions as decimal strings rounded to 6 places: \"0.016\" is 1.6 %",
        "credits": "attributed conversions and value_fen are decimal strings rounded to 6 places",
    })
}

fn pretty(v: &Value) -> String {
    format!("{}\n", serde_json::to_string_pretty(v).unwrap_or_default())
}

fn fen(m: Money) -> i64 {
    m.fen()
}

fn round6(d: Decimal) -> String {
    d.round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
}

fn ratio(d: Decimal) -> Value {
    Value::String(round6(d))
}

fn campaign(c: &CampaignRow) -> Value {
    let (status, cancelled) = match &c.status {
        crate::report::Status::Cancelled { reason } => ("cancelled", Some(reason.as_str())),
        s => (s.key(), None),
    };
    // The steps an awaiting campaign waits for (SPEC 2: "and which stage").
    let waiting: Vec<&str> = match &c.status {
        crate::report::Status::AwaitingApproval { waiting } => {
            waiting.iter().map(String::as_str).collect()
        }
        _ => Vec::new(),
    };
    json!({
        "id": c.id,
        "title": c.title,
        "owner": c.owner,
        "owner_name": c.owner_name,
        "status": status,
        "waiting_for": waiting,
        "cancelled_reason": cancelled,
        "start": c.start.to_string(),
        "end": c.end.to_string(),
        "emergency": c.emergency,
        "budget_fen": fen(c.budget),
        "reserve_fen": fen(c.reserve),
        "spent_in_quarter_fen": fen(c.spent_in_quarter),
        "spent_to_date_fen": fen(c.spent_to_date),
        "reserve_used_fen": fen(c.reserve_used),
        "has_results": c.has_results,
        "roi": c.roi.map(ratio),
        "ctr": c.ctr.map(ratio),
        "conversion_rate": c.conversion_rate.map(ratio),
        "cpa_fen": c.cpa.map(fen),
        "kpis": c.kpis.iter().map(kpi).collect::<Vec<_>>(),
        "phases": c.phases.iter().map(|p| json!({
            "name": p.name, "start": p.start.to_string(), "end": p.end.to_string(), "owner": p.owner,
        })).collect::<Vec<_>>(),
    })
}

/// A KPI: `unit` says how `target` and `actual` are written (count: an
/// integer; ratio: a fraction string; fen: integer fen).
fn kpi(k: &KpiRow) -> Value {
    let unit = match k.target.or(k.actual) {
        Some(KpiValue::Ratio(_)) => "ratio",
        Some(KpiValue::Money(_)) => "fen",
        _ => "count",
    };
    let value = |v: Option<KpiValue>| match v {
        None => Value::Null,
        Some(KpiValue::Count(n)) => json!(n),
        Some(KpiValue::Ratio(r)) => ratio(r),
        Some(KpiValue::Money(m)) => json!(m.fen()),
    };
    json!({
        "name": k.name,
        "unit": unit,
        "target": value(k.target),
        "actual": value(k.actual),
        "attainment": k.attainment.map(ratio),
        "state": k.state.key(),
    })
}

fn problem(p: &crate::report::Problem) -> Value {
    json!({"file": p.file, "line": p.line, "message": p.message})
}

fn credit(c: Credit) -> Value {
    json!({
        "conversions": round6(c.conversions),
        "value_fen": round6(c.value_fen),
    })
}

fn attribution_value(a: &CampaignAttribution, models: &[Model]) -> Value {
    let channel = |c: &ChannelCredit| {
        let mut v = json!({"channel": c.channel, "touches": c.touches});
        for m in models {
            v[m.key()] = credit(c.credit(*m));
        }
        v
    };
    json!({
        "campaign": a.campaign,
        "file": a.file,
        "conversions": a.conversions,
        "value_fen": a.value.fen(),
        "touches": a.touches,
        "problems": a.problems.iter().map(problem).collect::<Vec<_>>(),
        "channels": a.channels.iter().map(channel).collect::<Vec<_>>(),
    })
}
