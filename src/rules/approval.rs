//! Approval rules (SPEC 4.4): the chain the policy asks for is complete
//! before work starts (A001), in order (A002), by the right roles (A003),
//! never by the owner (A004), still current (A005), and emergency work is
//! approved in time (A006), and no budget is split to stay under a step
//! of the ladder (A010).

use chrono::Duration;

use rust_i18n::t;

use super::{View, declare_rule};
use crate::approvals::{self, Chain, Progress, SubjectKind, chain_for, eligible};
use crate::diag::{Diagnostic, Severity};
use crate::model::Campaign;
use crate::repo::Record;

declare_rule! {
    /// ## What it checks
    /// A campaign has its complete approval chain before its start date, a
    /// purchase before its `needed_by` date: budgets by the ladder
    /// `approvals.tiers` — with `approvals.every_step` each step up to the
    /// one whose `up_to` covers the total, in order, else that step's role
    /// alone; purchases by department head, finance and CEO. It warns
    /// `approvals.warn_days_before_start` days ahead. Only trusted, current
    /// approvals count. A chain completed after the start stays on record
    /// as a warning.
    ///
    /// ## Why
    /// 制度 四(一)：审批权限按金额分级管理; 制度 三(一)：采购审批需依次经过部门负责人、财务部及CEO签字.
    /// Nothing may start before its chain is complete (SPEC 4.4).
    ///
    /// ## Example
    /// ```text
    /// 春季促销-2026-03V1: total 80000, start 2026-03-01, no director approval
    /// ```
    ///
    /// ## Fix
    /// The director runs `mkt approve 春季促销-2026-03V1`.
    A001, "approval-missing", Error, "started (or due to start within %{approvals.warn_days_before_start} days, warning) without a complete chain"
}

declare_rule! {
    /// ## What it checks
    /// In an ordered chain (purchases: department head, then finance, then
    /// CEO; a budget climbing the ladder `approvals.tiers` step by step when
    /// `approvals.every_step` is on), no step was approved before the step
    /// it depends on.
    ///
    /// ## Why
    /// 制度 三(一)：采购审批需依次经过部门负责人、财务部及CEO签字 — in that order.
    /// 制度 二(一)：专员向主管汇报，主管向总监汇报，形成清晰的指挥链 — a budget
    /// goes up the ladder one step at a time.
    ///
    /// ## Example
    /// ```text
    /// 01-finance-sun.li.toml committed before 02-department_head-zhang.wei.toml
    /// ```
    ///
    /// ## Fix
    /// The later steps approve again once the earlier one is in
    /// (`mkt approve <ID> --purchase <PO>`).
    A002, "approval-order", Error, "a step approved before the one it depends on"
}

declare_rule! {
    /// ## What it checks
    /// The approver holds the role of the stage they filled (in the roster
    /// of the approval's commit), and the stage is one the chain asks for —
    /// a supervisor cannot approve a budget above the supervisor's limit.
    /// A budget above the top step's `up_to` (a ladder whose last step has
    /// one) can be approved by nobody: an error on its `budget.total`,
    /// whatever the day.
    ///
    /// A deputy's approval (`on_behalf_of`, 职务代理) counts only under a
    /// delegation in the roster of the approval's commit, on that commit's
    /// day, for the one role delegated by someone who holds it.
    ///
    /// ## Why
    /// 制度 四(一)：X万元以下由主管审批，X万元以上需总监签字. Policy: the
    /// ladder `approvals.tiers`, `approvals.every_step`.
    ///
    /// ## Example
    /// ```text
    /// 品牌焕新-2026-04V1: total 200000, approved by li.na as supervisor
    /// ```
    ///
    /// ## Fix
    /// The director approves: `mkt approve 品牌焕新-2026-04V1`. Above the
    /// top step: raise its `up_to` in policy.toml, add a last step without
    /// `up_to`, or lower the budget (`mkt revise`).
    A003, "approver-role", Error, "the approver lacks the stage's role"
}

declare_rule! {
    /// ## What it checks
    /// Nobody approves their own campaign, and nobody approves their own
    /// purchase request.
    ///
    /// ## Why
    /// SPEC 4.4: nobody approves their own campaign. 制度 四(一)：为防止权力滥用.
    ///
    /// ## Example
    /// ```text
    /// owner = "li.na"; approvals/01-supervisor-li.na.toml
    /// ```
    ///
    /// ## Fix
    /// Another person with the stage's role approves.
    A004, "self-approval", Error, "the owner approved their own campaign"
}

declare_rule! {
    /// ## What it checks
    /// The subject is still exactly what was approved: its git blob id
    /// equals the approval's `subject_blob`. Any change to an approved plan
    /// (the budget, the dates) makes the approval stale.
    ///
    /// A plan cancelled with `mkt cancel <ID> --reason` is not stale: the
    /// change that sets `cancelled` is followed by a cancellation record
    /// (`decision = "cancel"`) signed by someone who may approve the plan,
    /// binding the cancelled version; the approvals before it stay on
    /// record. Setting `cancelled` by hand has no such record.
    ///
    /// ## Why
    /// An approval binds the plan as approved; a plan changed afterwards was
    /// never approved (SPEC 6). A cancellation is a decision too, and is
    /// signed like one.
    ///
    /// ## Example
    /// ```text
    /// budget.total 80000 -> 95000 after wang.fang approved
    /// ```
    ///
    /// ## Fix
    /// Revise the plan as a new version (`mkt revise <ID>`) and have it
    /// approved, or restore the approved file. To stop the campaign, restore
    /// the approved file and run `mkt cancel <ID> --reason "…"` as someone
    /// who may approve it.
    A005, "approval-stale", Error, "the subject changed after it was approved"
}

declare_rule! {
    /// ## What it checks
    /// Emergency work (`emergency = true`) runs first and is approved after:
    /// every role of `approvals.emergency_group` approves within
    /// `approvals.emergency_days_after_start` days after the start.
    ///
    /// ## Why
    /// 制度 四(一)：紧急决策机制规定，在危机公关等特殊情况下，可由临时小组直接执行，事后补办审批手续。
    /// 小组由总监、法律顾问及相关部门主管组成.
    ///
    /// ## Example
    /// ```text
    /// 舆情应对-2026-05V1 started 2026-05-02; legal approved 2026-05-08
    /// ```
    ///
    /// ## Fix
    /// The group approves at once with `mkt approve <ID>`; a late approval
    /// stays on record as late.
    A006, "emergency-approval-late", Error, "emergency work not approved within %{approvals.emergency_days_after_start} days after start"
}

declare_rule! {
    /// ## What it checks
    /// One step of a chain is taken once for a version of its subject: two
    /// approvals of the same stage, or an approval and a rejection of it,
    /// made side by side on parallel branches (neither in the other's
    /// history), or the same approval made twice, are a finding naming both
    /// commits.
    ///
    /// ## Why
    /// An audit trail says one thing per step (制度 四: 分级审批). Two
    /// approvers of one role racing — or a yes and a no that never saw each
    /// other — leave the department's decision unclear, and the report would
    /// count whichever came first in the log.
    ///
    /// ## Example
    /// ```text
    /// 01-director-wang.fang.toml (a1b2c3d4e5) and
    /// 01-director-zhang.wei.toml (f6a7b8c9d0): both approve the same plan
    /// ```
    ///
    /// ## Fix
    /// Agree which answer stands. The finding stays until the other one is
    /// withdrawn; deleting an approval file is itself S003, since an
    /// approval is never removed from history by hand.
    A007, "approval-twice", Error, "one step approved twice, or approved and rejected side by side"
}

pub fn check(ctx: &View, out: &mut Vec<Diagnostic>) {
    twice(ctx, out);
    split(ctx, out);
    let repo = ctx.repo;
    let v = &ctx.verification;
    for (dir, c) in ctx.live_campaigns() {
        if let Some(chain) = chain_for(repo, &ctx.policy, &c.path) {
            let progress = approvals::progress(repo, v, chain, Some(ctx.now));
            check_chain(ctx, &progress, out);
        }
        for p in &dir.purchases {
            if let Some(chain) = chain_for(repo, &ctx.policy, &p.path) {
                let progress = approvals::progress(repo, v, chain, Some(ctx.now));
                check_chain(ctx, &progress, out);
            }
        }
    }
    per_approval(ctx, out);
}

declare_rule! {
    /// ## What it checks
    /// An approval's `amount` is the total of the campaign plan (or the
    /// amount of the purchase request) in the very version it approves
    /// (`subject_blob`). `mkt approve` writes it; an approval without one
    /// is read as approving that version's amount.
    ///
    /// ## Why
    /// 制度 四(一): who must approve depends on the amount. An approval that
    /// names another amount than the plan it binds says something the
    /// approver did not approve.
    ///
    /// ## Example
    /// ```toml
    /// subject = "campaigns/春季促销-2026-03V1/campaign.toml"
    /// amount = 45000          # the plan approved says total = 80000
    /// ```
    ///
    /// ## Fix
    /// Approve again with `mkt approve`, which writes the plan's amount.
    A008, "approval-amount", Error, "an approval's amount is not the approved version's total"
}

declare_rule! {
    /// ## What it checks
    /// Two campaigns of one owner whose run periods overlap (start to end,
    /// both days counted), each within a step of the ladder
    /// `approvals.tiers`, together above that step's `up_to`: one piece of
    /// work split in two (拆单) so that a lower step approves it. Cancelled
    /// plans, versions a later one supersedes and emergency work (approved
    /// by the emergency group, not the ladder) do not count. Three or more
    /// plans running on a common day are one group: those of them within a
    /// step, together above it, are one warning (the highest step so split),
    /// on the latest plan's `budget.total`.
    ///
    /// ## Why
    /// 制度 四(一)：审批权限按金额分级管理 … 为防止权力滥用，所有授权行为需记录在案，
    /// 定期审计. A budget split to stay under a limit escapes the step its
    /// whole amount needs.
    ///
    /// ## Example
    /// ```text
    /// 春季促销-2026-03V1 (30000) and 春季新品-2026-03V1 (30000): both
    /// li.na's, both run in March; together 60000, above the supervisor's 50000
    /// ```
    ///
    /// ## Fix
    /// If they are one piece of work, plan them as one (`mkt revise` one to
    /// the whole total, `mkt cancel` the other) and have it approved by the
    /// step its total needs. If they are truly two,
    /// record why with `mkt waive A010 <campaign.toml> --reason "…"`.
    A010, "approval-split", Warning, "one owner's overlapping campaigns together above a step each stays under"
}

/// A010: groups of one owner's live, non-emergency campaigns running on a
/// common day, some of which each stay within a step of the ladder and
/// together are above it. Intervals that overlap pairwise share a day, so
/// the groups to look at are those running on each plan's first day, the
/// largest of them; each split is told once, on its latest plan.
fn split(ctx: &View, out: &mut Vec<Diagnostic>) {
    let a = &ctx.policy.approvals;
    let mut live: Vec<_> = ctx
        .live_campaigns()
        .map(|(_, c)| c)
        .filter(|c| !c.value.emergency)
        .collect();
    live.sort_by(|x, y| {
        (x.value.owner.trim(), x.value.start.0, &x.value.id).cmp(&(
            y.value.owner.trim(),
            y.value.start.0,
            &y.value.id,
        ))
    });
    let mut told = std::collections::BTreeSet::new();
    for owned in live.chunk_by(|x, y| x.value.owner.trim() == y.value.owner.trim()) {
        // Running on plan j's first day: j and those before it not yet over.
        let on = |j: usize| -> Vec<usize> {
            let day = owned[j].value.start.0;
            (0..owned.len())
                .filter(|&i| owned[i].value.start.0 <= day && day <= owned[i].value.end.0)
                .collect()
        };
        let groups: Vec<Vec<usize>> = (0..owned.len()).map(on).collect();
        for (j, group) in groups.iter().enumerate() {
            let larger = groups.iter().enumerate().any(|(k, g)| {
                k != j && g.len() > group.len() && group.iter().all(|i| g.contains(i))
            });
            if group.len() < 2 || larger {
                continue;
            }
            let totals: Vec<_> = group.iter().map(|&i| owned[i].value.budget.total).collect();
            let Some((tier, within)) = a.split_tier(&totals) else {
                continue;
            };
            let plans: Vec<_> = within.iter().map(|&w| owned[group[w]]).collect();
            if !told.insert(plans.iter().map(|c| c.path.as_str()).collect::<Vec<_>>()) {
                continue;
            }
            out.push(split_finding(ctx, tier, &plans));
        }
    }
}

/// One A010 finding for `plans` (two or more, by start), on the last one's total.
fn split_finding(
    ctx: &View,
    tier: &crate::policy::Tier,
    plans: &[&Record<Campaign>],
) -> Diagnostic {
    let a = &ctx.policy.approvals;
    let from = plans
        .iter()
        .map(|c| c.value.start.0)
        .max()
        .unwrap_or_default();
    let until = plans
        .iter()
        .map(|c| c.value.end.0)
        .min()
        .unwrap_or_default();
    let sum: crate::model::Money = plans.iter().map(|c| c.value.budget.total).sum();
    let last = plans[plans.len() - 1];
    let (p, q) = (&plans[0].value, &last.value);
    let up_to = tier.up_to.unwrap_or_default();
    let message = if plans.len() == 2 {
        t!(
            "tiers16.a010.split",
            a = p.id,
            a_total = p.budget.total,
            b = q.id,
            b_total = q.budget.total,
            owner = p.owner,
            from = from,
            until = until,
            role = tier.role,
            up_to = up_to,
            sum = sum
        )
    } else {
        let listed: Vec<String> = plans
            .iter()
            .map(|c| format!("{} ({})", c.value.id, c.value.budget.total))
            .collect();
        t!(
            "tiers16.a010.group",
            n = plans.len(),
            plans = listed.join(", "),
            owner = p.owner,
            from = from,
            until = until,
            role = tier.role,
            up_to = up_to,
            sum = sum
        )
    };
    Diagnostic::new(
        &A010,
        ctx.repo.at(&last.path, &["budget", "total"]),
        message,
    )
    .help(t!(
        "tiers16.a010.help",
        chain = a.budget_roles(sum).join(" → "),
        file = last.path
    ))
}

/// A007: two trusted answers for one stage of one version of a subject,
/// side by side (neither in the other's ancestry), or the same approval
/// twice in a row.
fn twice(ctx: &View, out: &mut Vec<Diagnostic>) {
    use crate::model::ApprovalDecision::Reject;
    let v = &ctx.verification;
    let trusted: Vec<_> = v.approvals.iter().filter(|c| c.trusted()).collect();
    for (i, a) in trusted.iter().enumerate() {
        for b in &trusted[i + 1..] {
            let (x, y) = (&a.approval, &b.approval);
            if x.subject != y.subject || x.stage != y.stage || x.subject_blob != y.subject_blob {
                continue;
            }
            let side_by_side = !v.before(a.commit, b.commit) && !v.before(b.commit, a.commit);
            let both_approve = x.decision != Reject && y.decision != Reject;
            if !(side_by_side || both_approve) {
                continue; // a later answer that saw the earlier one
            }
            let id =
                |c: &approvals::Checked| c.commit_oid.map(approvals::short).unwrap_or_default();
            out.push(
                Diagnostic::new(
                    &A007,
                    ctx.repo.at(&b.path, &["stage"]),
                    t!(
                        "rules.a007.twice",
                        stage = y.stage,
                        subject = y.subject,
                        a = a.path,
                        a_commit = id(a),
                        b = b.path,
                        b_commit = id(b)
                    ),
                )
                .help(t!("rules.a007.help")),
            );
        }
    }
}

/// The checks of each approval itself, whatever its subject: role (A003),
/// owner (A004), staleness (A005), order (A002). `mkt verify` shows these
/// in its verdicts too.
pub fn per_approval(ctx: &View, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    let v = &ctx.verification;
    for c in &v.approvals {
        // Judged by the policy in force at the approval's own commit.
        let Some(chain) = chain_for(repo, v.policy_of(c), &c.approval.subject) else {
            continue;
        };
        // Located only when there is something to say: finding a key's span
        // parses the file's document.
        let at = || repo.at(&c.path, &["stage"]);
        if c.approval.decision == crate::model::ApprovalDecision::Reject {
            continue;
        }
        match chain.stages.iter().find(|s| s.name() == c.approval.stage) {
            None => out.push(
                Diagnostic::new(&A003, at(), not_a_stage(ctx, &chain, &c.approval.stage))
                    .help(t!("rules.a003.chain_needs", stages = stage_list(&chain))),
            ),
            Some(stage) if !eligible(stage, c) => out.push(match &c.approval.on_behalf_of {
                // A deputy's approval with no delegation in force for it.
                Some(person) => Diagnostic::new(
                    &A003,
                    repo.at(&c.path, &["on_behalf_of"]),
                    t!(
                        "rules.a003.no_delegation",
                        who = c.approval.approver,
                        person = person,
                        stage = stage.name(),
                        needs = stage.who(),
                        day = c
                            .time
                            .map(|t| ctx.day_of(t).to_string())
                            .unwrap_or_default()
                    ),
                )
                .help(t!("rules.a003.no_delegation_help", person = person)),
                None => Diagnostic::new(
                    &A003,
                    at(),
                    t!(
                        "rules.a003.not_eligible",
                        who = c.approval.approver,
                        stage = stage.name(),
                        needs = stage.who()
                    ),
                )
                .help(t!("rules.a003.not_eligible_help")),
            }),
            Some(_) => {}
        }
        if chain.owner.as_deref().is_some_and(|o| c.acts_for(o)) {
            out.push(
                Diagnostic::new(
                    &A004,
                    repo.at(&c.path, &["approver"]),
                    match chain.kind {
                        SubjectKind::Purchase => {
                            t!("rules.a004.own_purchase", who = c.by_id())
                        }
                        _ => t!("rules.a004.own_campaign", who = c.by_id()),
                    },
                )
                .help(t!("rules.a004.help")),
            );
        }
        // Stale, unless the same step was approved again, later, for the
        // subject as it is now (what this finding's help asks for), by
        // someone whose approval counts for it.
        let approved_again = || {
            v.of_subject(&c.approval.subject).any(|o| {
                o.approval.stage == c.approval.stage
                    && o.approval.decision != crate::model::ApprovalDecision::Reject
                    && !chain.owner.as_deref().is_some_and(|own| o.acts_for(own))
                    && chain
                        .stages
                        .iter()
                        .any(|s| s.name() == o.approval.stage && eligible(s, o))
                    && v.before(c.commit, o.commit)
                    && o.trusted()
                    && approvals::current(repo, o)
            })
        };
        // Or the plan was cancelled after it, by a signed cancellation
        // record (`mkt cancel`): the approval stands for the record.
        let cancelled_after = || {
            approvals::cancellation(repo, v, &chain)
                .is_some_and(|x| x.path != c.path && v.before(c.commit, x.commit))
        };
        if !approvals::current(repo, c) && !approved_again() && !cancelled_after() {
            out.push(
                Diagnostic::new(
                    &A005,
                    repo.at(&c.path, &["subject_blob"]),
                    t!(
                        "rules.a005.stale",
                        subject = c.approval.subject,
                        who = c.approval.approver
                    ),
                )
                .help(t!("rules.a005.help")),
            );
        }
        if chain.ordered
            && let Some(i) = chain
                .stages
                .iter()
                .position(|s| s.name() == c.approval.stage)
        {
            for earlier in &chain.stages[..i] {
                let before = v.of_subject(&chain.subject).any(|o| {
                    o.approval.stage == earlier.name()
                        && o.trusted()
                        && v.before(o.commit, c.commit)
                });
                if !before {
                    out.push(
                        Diagnostic::new(
                            &A002,
                            at(),
                            t!(
                                "rules.a002.order",
                                stage = c.approval.stage,
                                earlier = earlier.name()
                            ),
                        )
                        .help(t!("rules.a002.help", stages = stage_list(&chain))),
                    );
                    break;
                }
            }
        }
    }
}

fn stage_list(chain: &Chain) -> String {
    let sep = if chain.ordered { " → " } else { ", " };
    chain
        .stages
        .iter()
        .map(|s| s.name())
        .collect::<Vec<_>>()
        .join(sep)
}

fn not_a_stage(ctx: &View, chain: &Chain, stage: &str) -> String {
    let a = &ctx.policy.approvals;
    // A lower step of the ladder than the budget needs alone.
    if chain.kind == SubjectKind::Campaign
        && let Some(c) = chain
            .campaign
            .as_deref()
            .and_then(|id| ctx.repo.campaign(id))
        && let Some(limit) = a
            .tiers
            .iter()
            .find(|t| t.role == stage)
            .and_then(|t| t.up_to)
            .filter(|u| *u < c.value.budget.total)
    {
        return t!(
            "rules.a003.over_limit",
            stage = stage,
            limit = limit,
            total = c.value.budget.total
        )
        .into_owned();
    }
    t!("rules.a003.not_a_stage", stage = stage).into_owned()
}

fn check_chain(ctx: &View, p: &Progress, out: &mut Vec<Diagnostic>) {
    let chain = &p.chain;
    // Above the ladder's top step: nobody may approve it, whatever the
    // day; A003 once, on the total, instead of A001's waiting.
    if let Some(top) = &chain.above_top {
        out.push(
            Diagnostic::new(
                &A003,
                ctx.repo.at(&chain.subject, &["budget", "total"]),
                top.message(),
            )
            .help(top.help()),
        );
        return;
    }
    let Some(due) = chain.due else { return };
    let repo = ctx.repo;
    let key = match chain.kind {
        SubjectKind::Purchase => "needed_by",
        _ => "start",
    };
    let at = || repo.at(&chain.subject, &[key]);
    let missing: Vec<String> = p
        .open()
        .iter()
        .map(|s| format!("{} ({})", s.name(), s.who()))
        .collect();
    let all_missing: Vec<String> = chain
        .stages
        .iter()
        .zip(&p.filled)
        .filter(|(_, f)| f.is_none())
        .map(|(s, _)| s.name().to_string())
        .collect();
    if chain.kind == SubjectKind::Emergency {
        if !p.complete() && ctx.today > due {
            out.push(
                Diagnostic::new(
                    &A006,
                    at(),
                    t!(
                        "rules.a006.missing",
                        due = due,
                        missing = all_missing.join(", ")
                    ),
                )
                .help(t!(
                    "rules.a006.help",
                    days = ctx.policy.approvals.emergency_days_after_start,
                    id = chain.campaign.clone().unwrap_or_default()
                )),
            );
        }
        for c in p.filled.iter().flatten() {
            if let Some(t) = c.time
                && ctx.day_of(t) > due
            {
                out.push(
                    Diagnostic::new(
                        &A006,
                        repo.at(&c.path, &["at"]),
                        t!(
                            "rules.a006.late",
                            who = c.approval.approver,
                            day = ctx.day_of(t),
                            due = due
                        ),
                    )
                    .help(t!("rules.a006.late_help")),
                );
            }
        }
        return;
    }
    if let Some(done) = p.completed_at() {
        let done = ctx.day_of(done);
        if done > due {
            out.push(
                Diagnostic::new(&A001, at(), t!("rules.a001.late", due = due, done = done))
                    .severity(Severity::Warning)
                    .help(t!("rules.a001.late_help")),
            );
        }
        return;
    }
    let approve = match chain.kind {
        SubjectKind::Purchase => format!(
            "mkt approve {} --purchase {}",
            chain.campaign.clone().unwrap_or_default(),
            chain
                .subject
                .rsplit('/')
                .next()
                .unwrap_or("")
                .trim_end_matches(".toml")
        ),
        _ => format!("mkt approve {}", chain.campaign.clone().unwrap_or_default()),
    };
    let purchase = chain.kind == SubjectKind::Purchase;
    let waiting = t!(
        "rules.a001.waiting",
        who = missing.join(", "),
        command = approve
    );
    if ctx.today >= due {
        out.push(
            Diagnostic::new(
                &A001,
                at(),
                if purchase {
                    t!(
                        "rules.a001.purchase_missing",
                        due = due,
                        missing = all_missing.join(", ")
                    )
                } else {
                    t!(
                        "rules.a001.campaign_missing",
                        due = due,
                        missing = all_missing.join(", ")
                    )
                },
            )
            .help(waiting),
        );
    } else if due - ctx.today <= Duration::days(ctx.policy.approvals.warn_days_before_start) {
        out.push(
            Diagnostic::new(
                &A001,
                at(),
                if purchase {
                    t!(
                        "rules.a001.purchase_soon",
                        due = due,
                        days = (due - ctx.today).num_days(),
                        missing = all_missing.join(", ")
                    )
                } else {
                    t!(
                        "rules.a001.campaign_soon",
                        due = due,
                        days = (due - ctx.today).num_days(),
                        missing = all_missing.join(", ")
                    )
                },
            )
            .severity(Severity::Warning)
            .help(waiting),
        );
    }
}
