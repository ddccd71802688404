use rust_i18n::t;

use super::prompt::{InputArgs, Offer, Prompter};
use super::{Exit, Global, Outcome, print, say};
use crate::error::Error;
use crate::model::Quarter;
use crate::ops::new_records::{AuditPlan, new_audit};

const EXAMPLES: &str = "Examples:
  mkt new-audit 2026Q3 --auditor zhou.jie --held-on 2026-10-12 \\
      --scope 审批流程 --scope 合同加密 --scope 文案法务审核
      # writes audits/2026Q3.toml";

/// Record a quarter's internal audit (内部审计)
///
/// Writes audits/<YYYY>Q<n>.toml from the template: the auditor, the day,
/// what was sampled, and a commented block for each finding to fix (整改:
/// owner and fix_due). A quarter's audit is due
/// records.audit_days_after_quarter days after it ends (制度 六(二)).
///
/// It asks for what is missing only when a person is there (a terminal, no
/// CI, no --no-input); otherwise the quarter, --auditor and --scope must be
/// given.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The quarter audited: 2026Q3 (or Q3 for this year)
    pub quarter: Option<String>,

    /// Who audited (审计人): an id or name in team.toml
    #[arg(long, value_name = "ID")]
    pub auditor: Option<String>,

    /// The day of the audit; default today
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    pub held_on: Option<chrono::NaiveDate>,

    /// What was sampled (抽查范围); repeat, or separate with commas
    #[arg(long, value_name = "WHAT")]
    pub scope: Vec<String>,

    /// The audit's conclusion (结论)
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub summary: String,

    #[command(flatten)]
    pub input: InputArgs,
}

fn split(items: &[String]) -> Vec<String> {
    items
        .iter()
        .flat_map(|s| s.split([',', '，', '、']))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    let zone = repo.policy.zone();
    let today = global.today(zone);
    let ask = Prompter::new(&args.input);
    let parse_q = |s: &str| {
        Quarter::parse(s, chrono::Datelike::year(&today))
            .ok_or_else(|| t!("cli.new_audit.not_quarter", s = s).into_owned())
    };
    let quarter = ask.value(
        args.quarter
            .map(|s| {
                parse_q(&s).map_err(|why| {
                    Error::user(t!("cli.prompt.flag_error", flag = "QUARTER", why = why))
                })
            })
            .transpose()?,
        "QUARTER",
        &t!("cli.new_audit.ask_quarter"),
        Offer::Nothing,
        parse_q,
    )?;
    let auditor = ask.value(
        args.auditor,
        "--auditor",
        &t!("cli.new_audit.ask_auditor"),
        Offer::Nothing,
        |s| super::lookup::person_answer(&repo, s, &t!("cli.new_audit.auditor")),
    )?;
    let scope = split(&args.scope);
    let scope = if scope.is_empty() {
        ask.value(
            None,
            "--scope",
            &t!("cli.new_audit.ask_scope"),
            Offer::Nothing,
            |s| {
                let v = split(&[s.to_string()]);
                if v.is_empty() {
                    Err(t!("ops.records.no_scope").into_owned())
                } else {
                    Ok(v)
                }
            },
        )?
    } else {
        scope
    };
    let created = new_audit(
        &repo,
        &AuditPlan {
            quarter,
            auditor,
            held_on: args.held_on.unwrap_or(today),
            scope,
            summary: args.summary,
        },
    )?;
    print(&format!("{}\n", created.path));
    say(&t!("cli.new_audit.created", path = created.path));
    if let Some(due) = created.due {
        say(&t!("cli.new_audit.due", due = due));
    }
    say(&t!("cli.next_commit", path = created.path));
    Ok(Exit::Clean)
}
