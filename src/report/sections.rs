//! The report's other sections: approvals, meetings, decisions, findings.

use super::*;
use crate::repo::campaign_dir_of;

/// Approvals and sign-offs dated in the quarter and committed by `now`.
pub(super) fn approvals(
    ctx: &View,
    quarter: Quarter,
    now: DateTime<FixedOffset>,
) -> Vec<ApprovalRow> {
    let repo = ctx.repo;
    let zone = repo.policy.zone();
    let mut out: Vec<ApprovalRow> = ctx
        .verification
        .approvals
        .iter()
        .filter(|c| quarter.contains(c.approval.at.date(zone)))
        .filter(|c| c.time.is_none_or(|t| t <= now))
        .map(|c| {
            let v = &c.approval;
            ApprovalRow {
                // The campaign, or for department sign-offs the subject itself.
                campaign: campaign_dir_of(&c.path)
                    .map_or(v.subject.as_str(), |(_, id)| id)
                    .to_string(),
                path: c.path.clone(),
                subject: v.subject.clone(),
                stage: v.stage.clone(),
                decision: v.decision,
                approver: v.approver.clone(),
                approver_name: match v.on_behalf_of {
                    Some(_) => c.by_name(&repo.team),
                    None => name_of(repo, &v.approver),
                },
                at: v.at.resolve(zone),
                amount: v.amount,
                verdict: Some(rules::verdict(c)),
                policy: ctx.verification.policy_label(&repo.history, c),
            }
        })
        .collect();
    out.sort_by(|a, b| (a.at, &a.path).cmp(&(b.at, &b.path)));
    out
}

/// Every minutes file (campaign and department) held in the quarter, up to now.
pub(super) fn held_in<'a>(
    ctx: &'a View,
    quarter: Quarter,
) -> impl Iterator<Item = &'a Record<crate::model::Minutes>> + 'a {
    let zone = ctx.policy.zone();
    ctx.repo
        .campaigns
        .values()
        .flat_map(|d| d.minutes.iter())
        .chain(ctx.repo.dept_minutes.iter())
        .filter(move |m| {
            let held = m.value.held_at.resolve(zone);
            quarter.contains(ctx.day_of(held)) && held <= ctx.now
        })
}

pub(super) fn meetings(ctx: &View, quarter: Quarter) -> Vec<MeetingRow> {
    let mut by_kind: BTreeMap<&str, MeetingRow> = BTreeMap::new();
    for m in held_in(ctx, quarter) {
        let Some((_, on_time)) = rules::minutes_timing(ctx, m) else {
            continue;
        };
        let row = by_kind.entry(m.value.kind.as_str()).or_insert(MeetingRow {
            kind: m.value.kind.clone(),
            held: 0,
            on_time: 0,
            late: 0,
        });
        row.held += 1;
        if on_time {
            row.on_time += 1;
        } else {
            row.late += 1;
        }
    }
    // In the order policy lists the kinds, unknown kinds last.
    let order = &ctx.policy.naming.minutes_kinds;
    let mut rows: Vec<MeetingRow> = by_kind.into_values().collect();
    rows.sort_by_key(|r| {
        (
            order
                .iter()
                .position(|k| *k == r.kind)
                .unwrap_or(usize::MAX),
            r.kind.clone(),
        )
    });
    rows
}

pub(super) fn decisions(ctx: &View, quarter: Quarter) -> Vec<DecisionRow> {
    let mut by_owner: BTreeMap<String, DecisionRow> = BTreeMap::new();
    for m in held_in(ctx, quarter) {
        for d in &m.value.decisions {
            let owner = d.owner.as_deref().unwrap_or("").trim().to_string();
            let row = by_owner
                .entry(owner.clone())
                .or_insert_with(|| DecisionRow {
                    owner_name: if owner.is_empty() {
                        String::new()
                    } else {
                        name_of(ctx.repo, &owner)
                    },
                    owner,
                    decisions: 0,
                    done: 0,
                    open: 0,
                    overdue: 0,
                });
            row.decisions += 1;
            if d.done {
                row.done += 1;
            } else {
                row.open += 1;
                if d.due.is_some_and(|due| due.0 < ctx.today) {
                    row.overdue += 1;
                }
            }
        }
    }
    by_owner.into_values().collect()
}

/// Lint findings about the quarter: in the files of its campaigns, its
/// meetings, incidents and report, and the repository-wide files.
pub(super) fn findings(ctx: &View, quarter: Quarter, folders: &BTreeSet<&str>) -> Vec<FindingRow> {
    let zone = ctx.policy.zone();
    let mut files: BTreeSet<String> = held_in(ctx, quarter).map(|m| m.path.clone()).collect();
    files.extend(
        ctx.repo
            .incidents
            .iter()
            .filter(|i| quarter.contains(i.value.detected_at.date(zone)))
            .map(|i| i.path.clone()),
    );
    files.insert(format!("reports/{quarter}.md"));
    files.insert("policy.toml".to_string());
    files.insert("team.toml".to_string());
    let touches = |file: &str| {
        files.contains(file)
            || campaign_dir_of(file).is_some_and(|(_, folder)| folders.contains(folder))
    };
    let mut by_rule: BTreeMap<&'static str, FindingRow> = BTreeMap::new();
    for d in rules::check(ctx) {
        if !touches(&d.at.file) {
            continue;
        }
        let row = by_rule.entry(d.rule.code).or_insert_with(|| FindingRow {
            code: d.rule.code,
            name: d.rule_name(),
            severity: if d.waived.is_some() {
                crate::diag::Severity::Warning
            } else {
                d.severity
            },
            count: 0,
            waived: 0,
        });
        row.count += 1;
        if d.waived.is_some() {
            row.waived += 1;
            continue; // a waived error does not make the rule an error here
        }
        // A rule that found an error here is listed as an error.
        row.severity = row.severity.min(d.severity);
    }
    by_rule.into_values().collect()
}
