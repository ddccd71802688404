use rust_i18n::t;

use super::{Exit, Global, Outcome, print};
use crate::error::Error;
use crate::rules;

/// Explain a rule: what it checks, the policy clause behind it, a failing
/// example and its fix.
///
/// Examples:
///   mkt explain B002
///   mkt explain reserve-range
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// A rule code (B002) or name (reserve-range)
    pub code: String,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let rule = rules::lookup(&args.code).ok_or_else(|| {
        let err = Error::user(t!("cli.explain.no_rule", code = args.code));
        match rules::closest(&args.code) {
            Some(r) => err.hint(t!(
                "suggest.did_you_mean_rule",
                code = r.code,
                name = r.name
            )),
            None => err.hint(t!("cli.explain.hint")),
        }
    })?;
    let policy = crate::repo::policy_in_force(&global.dir)?;
    crate::i18n::policy_says(policy.general.language.as_deref());
    print(&format!(
        "{} {} ({})\n{}\n\n{}\n",
        rule.code,
        rule.name,
        rule.severity.said(),
        rule.said_summary(&policy),
        rule.said_explanation(&policy)
    ));
    Ok(Exit::Clean)
}
