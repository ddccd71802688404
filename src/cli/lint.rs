use super::{Exit, Global, Outcome, print};
use crate::diag::{self, Format};
use crate::ops::lint::lint;

/// Check the whole repository against the policy: every rule, every
/// finding in one run.
///
/// Exit status: 0 no errors (warnings allowed), 1 errors found, 2 mkt could
/// not run (not a marketing repository, invalid policy, bad flag).
///
/// Examples:
///   mkt lint
///   mkt lint --format github        # annotations in GitHub Actions
///   mkt lint --format json | jq '.findings[] | select(.code == "B002")'
///   MKT_TODAY=2026-03-01 mkt lint   # as it stood on 春季促销's start
///   mkt lint campaigns/春季促销-2026-03V1/campaign.toml   # only its findings (a pre-commit hook passes the staged files)
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Report only the findings on these files (every rule still reads the
    /// whole repository)
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,
    /// Lint the repository as this commit has it (a branch, tag or id), not
    /// the work tree; in a bare repository, HEAD is read
    #[arg(long, value_name = "REF")]
    pub rev: Option<String>,
    /// Report only the findings that are new compared with this commit (a
    /// pull request's base): matched by code, file and message, never by
    /// line number
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    // JSON says its findings in English, whatever the language spoken.
    let machine = args.format == Format::Json;
    // (Load faults are found as the repository is read: read it in English too.)
    let (repo, mut result) = crate::i18n::english_if(machine, || match &args.since {
        None => {
            let repo = global.open_repo_at(args.rev.as_deref())?;
            let zone = repo.policy.zone();
            let result = lint(&repo, global.today(zone), global.now(zone));
            Ok::<_, crate::error::Error>((repo, result))
        }
        Some(base) => global.new_findings(args.rev.as_deref(), base),
    })?;
    if !args.files.is_empty() {
        let wanted: Vec<String> = args
            .files
            .iter()
            .map(|f| f.trim_start_matches("./").replace('\\', "/"))
            .collect();
        result.findings.retain(|d| wanted.contains(&d.at.file));
    }
    let text = diag::render(
        args.format,
        &result.findings,
        crate::rules::RULES,
        &repo.policy,
        &|f| repo.source_text(f),
        true,
    );
    print(&text);
    let code = Exit::findings_if(result.errors() > 0);
    // The process ends now: freeing tens of thousands of parsed records
    // one by one would only delay the exit.
    std::mem::forget(result);
    std::mem::forget(repo);
    Ok(code)
}
