use comfy_table::{Table, presets::ASCII_MARKDOWN};
use serde::Serialize;

use super::{Global, Outcome, print};
use crate::approvals::short;

/// Verify every approval, sign-off and roster change in history: who signed
/// what, with which key, and the verdict — the signature (S001–S004), and
/// whether the approval still holds: the approver's role, not the owner,
/// the subject unchanged, the chain's order (A002–A005). Exit status 1 if
/// any fails.
///
/// Signatures are checked in-process (SSH) or by gpg once per commit
/// (OpenPGP, cached); history is read once.
///
/// Examples:
///   mkt verify
///   mkt verify --format json
///   MKT_TRUST_ROOT=v1.0 mkt verify      # trust team.toml as of tag v1.0
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Serialize)]
struct Row {
    kind: &'static str,
    subject: String,
    stage: String,
    person: String,
    key: String,
    commit: String,
    date: String,
    ok: bool,
    verdict: String,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    repo.require_full_history()?;
    // Beyond the signature: role, owner, staleness and order (A002–A005).
    let zone = repo.policy.zone();
    let ctx = crate::view::View::new(&repo, global.today(zone), global.now(zone));
    let v = &ctx.verification;
    let mut chain_findings = Vec::new();
    crate::rules::per_approval(&ctx, &mut chain_findings);
    let mut rows = Vec::new();
    for c in &v.approvals {
        let mut problems: Vec<String> = c
            .problems
            .iter()
            .map(|p| format!("{}: {}", crate::rules::rule_of(p.kind).code, p.message))
            .collect();
        problems.extend(
            chain_findings
                .iter()
                .filter(|d| d.at.file == c.path)
                .map(|d| format!("{}: {}", d.rule.code, d.message)),
        );
        rows.push(Row {
            kind: "approval",
            subject: c.approval.subject.clone(),
            stage: c.approval.stage.clone(),
            person: c.approval.approver.clone(),
            key: c.key.clone().unwrap_or_default(),
            commit: c.commit_oid.map(short).unwrap_or_default(),
            date: c
                .time
                .map(|t| t.date_naive().to_string())
                .unwrap_or_default(),
            ok: problems.is_empty(),
            verdict: if problems.is_empty() {
                "ok".to_string()
            } else {
                problems.join("; ")
            },
        });
    }
    for d in &v.deleted {
        rows.push(Row {
            kind: "approval",
            subject: d.path.clone(),
            stage: String::new(),
            person: String::new(),
            key: String::new(),
            commit: short(repo.history.commits[d.commit].oid),
            date: repo.history.commits[d.commit].time.date_naive().to_string(),
            ok: false,
            verdict: "S003: approval file deleted".into(),
        });
    }
    for r in &v.roster.changes {
        let meta = &repo.history.commits[r.commit];
        rows.push(Row {
            kind: "roster",
            subject: "team.toml".into(),
            stage: "roster change".into(),
            person: r.signer.clone().unwrap_or_default(),
            key: r.key.clone().unwrap_or_default(),
            commit: short(meta.oid),
            date: meta.time.date_naive().to_string(),
            ok: r.accepted,
            verdict: if r.accepted {
                if r.commit <= repo.trust_root {
                    "ok (trust root)".into()
                } else {
                    "ok".into()
                }
            } else {
                format!("S005: {}", r.problem.clone().unwrap_or_default())
            },
        });
    }
    let failed = rows.iter().filter(|r| !r.ok).count();
    match args.format {
        Format::Json => {
            let v = serde_json::json!({ "version": 1, "checked": rows.len(), "failed": failed, "entries": rows });
            print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            ));
        }
        Format::Table => {
            let mut t = Table::new();
            t.load_preset(ASCII_MARKDOWN).set_header([
                "subject", "stage", "person", "key", "commit", "date", "verdict",
            ]);
            for r in &rows {
                t.add_row([
                    &r.subject,
                    &r.stage,
                    &r.person,
                    &short_key(&r.key),
                    &r.commit,
                    &r.date,
                    &r.verdict,
                ]);
            }
            print(&format!("{t}\n{} checked, {failed} failed\n", rows.len()));
        }
    }
    Ok(if failed > 0 { 1 } else { 0 })
}

fn short_key(k: &str) -> String {
    k.chars().take(20).collect()
}
