use crate::term::{self, Col};
use rust_i18n::t;

use super::{Exit, Global, Outcome, print};
use crate::rules::RULES;

/// List every rule mkt checks: code, name, severity and summary.
///
/// Examples:
///   mkt rules
///   mkt rules --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let policy = crate::repo::policy_in_force(&global.dir)?;
    crate::i18n::policy_says(policy.general.language.as_deref());
    match args.format {
        ListFormat::Table => {
            let header = [
                t!("cli.rules.code"),
                t!("cli.rules.name"),
                t!("cli.rules.severity"),
                t!("cli.rules.checks"),
            ]
            .map(|h| h.into_owned())
            .to_vec();
            let rows = RULES
                .iter()
                .map(|r| {
                    vec![
                        r.code.to_string(),
                        r.name.to_string(),
                        r.severity.said(),
                        r.said_summary(&policy),
                    ]
                })
                .collect();
            let cols = [Col::WHOLE, Col::wrap(10).drop(1), Col::WHOLE, Col::wrap(20)];
            let t = term::table(header, rows, &cols);
            print(&format!("{t}\n"));
        }
        ListFormat::Json => {
            let v: Vec<_> = RULES
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code, "name": r.name, "severity": r.severity,
                        "summary": r.summary_in(&policy), "explain": r.explanation_in(&policy),
                    })
                })
                .collect();
            print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            ));
        }
    }
    Ok(Exit::Clean)
}
