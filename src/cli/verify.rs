use indicatif::{ProgressBar, ProgressStyle};
use rust_i18n::t;

use super::{Exit, Global, Outcome, print};
use crate::term::{self, Col};
use crate::view::View;

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
///   MKT_TRUST_ROOT=$(git rev-parse 'v1.0^{commit}') mkt verify   # trust team.toml as of v1.0
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Verify the history of this commit (a branch, tag or id) instead of
    /// HEAD's; in a bare repository, HEAD is read
    #[arg(long, value_name = "REF")]
    pub rev: Option<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo_part(args.rev.as_deref(), &crate::repo::read_for_approvals)?;
    let zone = repo.policy.zone();
    let bar = progress_bar(args.format);
    // JSON says its verdicts in English, whatever the language spoken.
    let machine = matches!(args.format, Format::Json);
    let verified = crate::i18n::english_if(machine, || {
        let verification = crate::approvals::verify_with_progress(
            &repo,
            repo.trust_root,
            &|n| bar.set_length(n as u64),
            &|n| bar.inc(n as u64),
        );
        bar.finish_and_clear();
        let view =
            View::with_verification(&repo, verification, global.today(zone), global.now(zone));
        let verified = crate::ops::verify::verify(&view);
        // The process ends soon: freeing every checked approval one by one
        // would only delay the exit.
        std::mem::forget(view);
        verified
    });
    let failed = verified.failed();
    let rows = &verified.entries;
    match args.format {
        Format::Json => {
            let v = serde_json::json!({ "version": 1, "checked": rows.len(), "failed": failed, "entries": rows });
            print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            ));
        }
        Format::Table => {
            let header = [
                t!("cli.verify.subject"),
                t!("cli.verify.stage"),
                t!("cli.verify.person"),
                t!("cli.verify.key"),
                t!("cli.verify.commit"),
                t!("cli.verify.date"),
                t!("cli.verify.verdict"),
            ]
            .map(|h| h.into_owned())
            .to_vec();
            // What people read; the JSON keeps the English words.
            let body = rows
                .iter()
                .map(|r| {
                    vec![
                        r.subject.clone(),
                        shown(&r.stage_shown, &r.stage).to_string(),
                        shown(&r.person_shown, &r.person).to_string(),
                        short_key(&r.key),
                        r.commit.clone(),
                        r.date.clone(),
                        shown(&r.verdict_shown, &r.verdict).to_string(),
                    ]
                })
                .collect();
            // Narrow: the key goes first, then the commit, then the date.
            let cols = [
                Col::wrap(12),
                Col::wrap(8),
                Col::wrap(8),
                Col::WHOLE.drop(3),
                Col::WHOLE.drop(2),
                Col::wrap(10).drop(1),
                Col::wrap(10),
            ];
            let t = term::table(header, body, &cols);
            let summary = t!("cli.verify.summary", checked = rows.len(), failed = failed);
            print(&format!("{t}\n{summary}\n"));
        }
    }
    let code = Exit::findings_if(failed > 0);
    // As `lint`: the parsed repository is not freed record by record.
    std::mem::forget(verified);
    std::mem::forget(repo);
    Ok(code)
}

/// A bar on stderr while signatures are checked; hidden off a terminal and
/// under `--format json`.
fn progress_bar(format: Format) -> ProgressBar {
    use std::io::IsTerminal;
    if matches!(format, Format::Json) || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(&t!("cli.verify.progress"))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

fn short_key(k: &str) -> String {
    k.chars().take(20).collect()
}

/// What people read (`shown`), or the English word when nothing else is set.
fn shown<'a>(shown: &'a String, or: &'a String) -> &'a String {
    if shown.is_empty() { or } else { shown }
}
