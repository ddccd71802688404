//! Legal review of copy (法务审核, C003): every copy file of a started
//! campaign has a current sign-off by the role the policy names.

use rust_i18n::t;

use super::{View, declare_rule};
use crate::approvals::{self, chain_for, eligible};
use crate::diag::{Diagnostic, Located, Severity};
use crate::model::ApprovalDecision;

declare_rule! {
    /// ## What it checks
    /// Once a campaign has started, each of its copy files has a legal
    /// sign-off (`mkt sign-off <file>` by a person with the role
    /// `approvals.copy_signoff_role`) that is trusted and still current: a
    /// file edited after its sign-off is reported as stale. A sign-off made
    /// only after the start is a warning that stays on record: the copy
    /// could go out unreviewed. Superseded and cancelled campaigns are left
    /// out.
    ///
    /// ## Why
    /// 制度 六(一)：内容发布前需经过法务部审核; 规范 六(一)1：所有推广内容需经过法务审核.
    /// SPEC 4.5: copy must have a legal sign-off before the campaign starts.
    ///
    /// ## Example
    /// ```text
    /// campaigns/中秋礼盒-2026-09V1/content/团购推文.md   start 2026-09-01, no sign-off
    /// ```
    ///
    /// ## Fix
    /// Legal reviews the copy as committed and signs it off:
    /// `mkt sign-off campaigns/中秋礼盒-2026-09V1/content/团购推文.md`. After an
    /// edit, legal signs off the new text again (or restore the signed text).
    C003, "legal-review-missing", Error, "copy without legal sign-off by the start"
}

/// C003: every copy file of a started campaign has a current legal sign-off.
pub fn check(ctx: &View, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    let v = &ctx.verification;
    let role = &ctx.policy.approvals.copy_signoff_role;
    for (dir, c) in ctx.live_campaigns() {
        let start = c.value.start.0;
        if ctx.today < start {
            continue;
        }
        for path in &dir.content {
            let Some(chain) = chain_for(repo, &ctx.policy, path) else {
                continue;
            };
            let stages = chain.stages.clone();
            let progress = approvals::progress(repo, v, chain, Some(ctx.now));
            if let Some(done) = progress.completed_at() {
                // Signed off, but only after the copy could go out.
                let day = ctx.day_of(done);
                if day > start {
                    out.push(
                        Diagnostic::new(
                            &C003,
                            Located::file(path.clone()),
                            t!(
                                "rules.c003.late",
                                role = role,
                                day = day,
                                id = c.value.id,
                                start = start
                            ),
                        )
                        .severity(Severity::Warning)
                        .help(t!("rules.c003.late_help")),
                    );
                }
                continue;
            }
            let sign_off = format!("mkt sign-off {path}");
            let at = Located::file(path.clone());
            if let Some(r) = progress.rejected {
                out.push(
                    Diagnostic::new(
                        &C003,
                        at,
                        match r.time {
                            Some(t) => t!(
                                "rules.c003.rejected_on",
                                who = r.approval.approver,
                                day = ctx.day_of(t),
                                id = c.value.id,
                                start = start
                            ),
                            None => t!(
                                "rules.c003.rejected",
                                who = r.approval.approver,
                                id = c.value.id,
                                start = start
                            ),
                        },
                    )
                    .help(t!(
                        "rules.c003.rejected_help",
                        role = role,
                        command = sign_off
                    )),
                );
                continue;
            }
            // A sign-off that would count but for the text having changed.
            let stale = v
                .of_subject(path)
                .filter(|s| {
                    s.trusted()
                        && s.approval.decision != ApprovalDecision::Reject
                        && stages.iter().any(|st| eligible(st, s))
                        && !approvals::current(repo, s)
                })
                .last();
            let d = match stale {
                Some(s) => Diagnostic::new(
                    &C003,
                    at,
                    match s.time {
                        Some(t) => t!(
                            "rules.c003.stale_on",
                            who = s.approval.approver,
                            day = ctx.day_of(t),
                            id = c.value.id,
                            start = start
                        ),
                        None => t!(
                            "rules.c003.stale",
                            who = s.approval.approver,
                            id = c.value.id,
                            start = start
                        ),
                    },
                )
                .help(t!("rules.c003.stale_help", role = role, command = sign_off)),
                None => Diagnostic::new(
                    &C003,
                    at,
                    t!(
                        "rules.c003.none",
                        role = role,
                        id = c.value.id,
                        start = start
                    ),
                )
                .help(t!(
                    "rules.c003.none_help",
                    who = who(ctx, role),
                    command = sign_off
                )),
            };
            out.push(d);
        }
    }
}

/// `sun.li (legal)` or `a person with the legal role`.
fn who(ctx: &View, role: &str) -> String {
    let people: Vec<&str> = ctx
        .verification
        .roster
        .at_head()
        .holders(role)
        .map(|p| p.id.as_str())
        .collect();
    if people.is_empty() {
        t!("rules.c003.anyone", role = role).into_owned()
    } else {
        t!(
            "rules.c003.people",
            people = people.join(&t!("rules.c003.or")),
            role = role
        )
        .into_owned()
    }
}
