//! `mkt verify`: every approval, sign-off and roster change in history, with
//! its verdict: the signature (S001–S005) and whether the approval still
//! holds (A002–A005).

use rust_i18n::t;
use serde::Serialize;

use crate::approvals::short;
use crate::report::grid::role_label;
use crate::rules;
use crate::view::View;

/// One line of the verification.
#[derive(Debug, Serialize)]
pub struct Entry {
    pub kind: &'static str,
    pub subject: String,
    pub stage: String,
    pub person: String,
    pub key: String,
    pub commit: String,
    /// The commit's day in the policy's time zone.
    pub date: String,
    pub ok: bool,
    pub verdict: String,
    /// The stage for people, in the language spoken (`stage` stays the
    /// machine word, for JSON).
    #[serde(skip)]
    pub stage_shown: String,
    /// The verdict for people, in the language spoken (`verdict` stays
    /// English, for JSON).
    #[serde(skip)]
    pub verdict_shown: String,
    /// For an approval: the policy it was judged by, as the commit that
    /// made that version (`built-in` before any policy.toml counted).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub policy: String,
    /// For a deputy's approval: the person they stood in for (职务代理).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub on_behalf_of: String,
    /// Who, for people: "刘洋 代 王芳" for a deputy, else `person`.
    #[serde(skip)]
    pub person_shown: String,
}

pub struct Verified {
    pub entries: Vec<Entry>,
}

impl Verified {
    pub fn failed(&self) -> usize {
        self.entries.iter().filter(|e| !e.ok).count()
    }
}

pub fn verify(view: &View) -> Verified {
    let repo = view.repo;
    let v = &view.verification;
    let mut chain_findings = Vec::new();
    rules::per_approval(view, &mut chain_findings);
    let day = |k: usize| view.day_of(repo.history.commits[k].time).to_string();
    let mut entries = Vec::new();
    for c in &v.approvals {
        let mut problems: Vec<String> = c
            .problems
            .iter()
            .map(|p| format!("{}: {}", rules::rule_of(p.kind).code, p.message))
            .collect();
        problems.extend(
            chain_findings
                .iter()
                .filter(|d| d.at.file == c.path)
                .map(|d| format!("{}: {}", d.rule.code, d.message)),
        );
        let verdict = if problems.is_empty() {
            "ok".to_string()
        } else {
            problems.join("; ")
        };
        entries.push(Entry {
            kind: "approval",
            subject: c.approval.subject.clone(),
            stage_shown: role_label(&c.approval.stage),
            verdict_shown: if problems.is_empty() {
                t!("report.verdict_ok").into_owned()
            } else {
                verdict.clone()
            },
            stage: c.approval.stage.clone(),
            person: c.approval.approver.clone(),
            key: c.key.clone().unwrap_or_default(),
            commit: c.commit_oid.map(short).unwrap_or_default(),
            date: c.commit.map(day).unwrap_or_default(),
            ok: problems.is_empty(),
            verdict,
            policy: v.policy_label(&repo.history, c),
            on_behalf_of: c.approval.on_behalf_of.clone().unwrap_or_default(),
            person_shown: match c.approval.on_behalf_of {
                Some(_) => c.by_name(&v.roster.at_head().team),
                None => String::new(),
            },
        });
    }
    for d in &v.deleted {
        let withdrawn = d.withdrawal.as_ref().ok();
        let verdict = rules::deleted_verdict(&d.withdrawal);
        entries.push(Entry {
            stage_shown: String::new(),
            verdict_shown: match withdrawn {
                Some(w) => t!("ops.verify.withdrawn", by = w.by, reason = w.reason).into_owned(),
                None => verdict.clone(),
            },
            kind: if withdrawn.is_some() {
                "withdrawal"
            } else {
                "approval"
            },
            subject: d.path.clone(),
            stage: String::new(),
            person: withdrawn.map(|w| w.by.clone()).unwrap_or_default(),
            key: String::new(),
            commit: short(repo.history.commits[d.commit].oid),
            date: day(d.commit),
            ok: withdrawn.is_some(),
            verdict,
            policy: String::new(),
            on_behalf_of: String::new(),
            person_shown: String::new(),
        });
    }
    for w in &v.waivers {
        entries.push(Entry {
            stage_shown: w.waiver.code.clone(),
            verdict_shown: match &w.verdict {
                Ok(()) => t!("ops.verify.waiver_ok", reason = w.waiver.reason).into_owned(),
                Err(why) => t!("ops.verify.waiver_not_counted", why = why).into_owned(),
            },
            kind: "waiver",
            subject: w.waiver.file.clone(),
            stage: w.waiver.code.clone(),
            person: w.waiver.waived_by.clone(),
            key: String::new(),
            commit: w.commit_oid.map(short).unwrap_or_default(),
            date: String::new(),
            ok: w.verdict.is_ok(),
            verdict: match &w.verdict {
                Ok(()) => format!("ok: {}", w.waiver.reason),
                Err(why) => format!("does not count: {why}"),
            },
            policy: String::new(),
            on_behalf_of: String::new(),
            person_shown: String::new(),
        });
    }
    for r in &v.roster.changes {
        let verdict = rules::roster_verdict(r.accepted, r.at_trust_root, r.problem.as_deref());
        entries.push(Entry {
            stage_shown: t!("ops.verify.roster_change").into_owned(),
            verdict_shown: match (r.accepted, r.at_trust_root) {
                (true, true) => t!("ops.verify.ok_trust_root").into_owned(),
                (true, false) => t!("report.verdict_ok").into_owned(),
                (false, _) => verdict.clone(),
            },
            kind: "roster",
            subject: "team.toml".into(),
            stage: "roster change".into(),
            person: r.signer.clone().unwrap_or_default(),
            key: r.key.clone().unwrap_or_default(),
            commit: short(repo.history.commits[r.commit].oid),
            date: day(r.commit),
            ok: r.accepted,
            verdict,
            policy: String::new(),
            on_behalf_of: String::new(),
            person_shown: String::new(),
        });
    }
    for p in &v.policies.changes {
        let verdict = rules::policy_verdict(p.accepted, p.problem.as_deref());
        entries.push(Entry {
            stage_shown: t!("ops.verify.policy_change").into_owned(),
            verdict_shown: if p.accepted {
                t!("report.verdict_ok").into_owned()
            } else {
                verdict.clone()
            },
            kind: "policy",
            subject: "policy.toml".into(),
            stage: "policy change".into(),
            person: p.signer.clone().unwrap_or_default(),
            key: String::new(),
            commit: short(repo.history.commits[p.commit].oid),
            date: day(p.commit),
            ok: p.accepted,
            verdict,
            policy: String::new(),
            on_behalf_of: String::new(),
            person_shown: String::new(),
        });
    }
    Verified { entries }
}
