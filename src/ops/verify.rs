//! `mkt verify`: every approval, sign-off and roster change in history, with
//! its verdict: the signature (S001–S005) and whether the approval still
//! holds (A002–A005).

use serde::Serialize;

use crate::approvals::short;
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
    /// For an approval: the policy it was judged by, as the commit that
    /// made that version (`built-in` before any policy.toml counted).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub policy: String,
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
        entries.push(Entry {
            kind: "approval",
            subject: c.approval.subject.clone(),
            stage: c.approval.stage.clone(),
            person: c.approval.approver.clone(),
            key: c.key.clone().unwrap_or_default(),
            commit: c.commit_oid.map(short).unwrap_or_default(),
            date: c.commit.map(day).unwrap_or_default(),
            ok: problems.is_empty(),
            verdict: if problems.is_empty() {
                "ok".to_string()
            } else {
                problems.join("; ")
            },
            policy: v.policy_label(&repo.history, c),
        });
    }
    for d in &v.deleted {
        let withdrawn = d.withdrawal.as_ref().ok();
        entries.push(Entry {
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
            verdict: rules::deleted_verdict(&d.withdrawal),
            policy: String::new(),
        });
    }
    for w in &v.waivers {
        entries.push(Entry {
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
        });
    }
    for r in &v.roster.changes {
        entries.push(Entry {
            kind: "roster",
            subject: "team.toml".into(),
            stage: "roster change".into(),
            person: r.signer.clone().unwrap_or_default(),
            key: r.key.clone().unwrap_or_default(),
            commit: short(repo.history.commits[r.commit].oid),
            date: day(r.commit),
            ok: r.accepted,
            verdict: rules::roster_verdict(r.accepted, r.at_trust_root, r.problem.as_deref()),
            policy: String::new(),
        });
    }
    for p in &v.policies.changes {
        entries.push(Entry {
            kind: "policy",
            subject: "policy.toml".into(),
            stage: "policy change".into(),
            person: p.signer.clone().unwrap_or_default(),
            key: String::new(),
            commit: short(repo.history.commits[p.commit].oid),
            date: day(p.commit),
            ok: p.accepted,
            verdict: rules::policy_verdict(p.accepted, p.problem.as_deref()),
            policy: String::new(),
        });
    }
    Verified { entries }
}
