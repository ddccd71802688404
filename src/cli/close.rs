use rust_i18n::t;

use super::{Exit, Global, Outcome, print};
use crate::error::Error;
use crate::ops::close::close;
use crate::view::View;

/// Walk a campaign's closing and say what is missing
///
/// The closing (结项): the campaign has ended, its results are recorded,
/// the closing minutes are held (from the template, `mkt new-minutes --kind
/// closing`) and committed, and the closing is signed off by the director.
/// Each missing step is printed with the command that does it. Exit status
/// 1 while something is missing, 0 when the campaign is closed.
///
/// Examples:
///   mkt close 双十一预热-2026-10V1
///   mkt close 双十一预热-2026-10V1 --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The campaign ID, like 春季促销-2026-03V1
    pub id: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = CloseFormat::Text)]
    pub format: CloseFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CloseFormat {
    Text,
    Json,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    let zone = repo.policy.zone();
    let ctx = View::new(&repo, global.today(zone), global.now(zone));
    let c = close(&ctx, &args.id)?;
    if args.format == CloseFormat::Json {
        let mut doc = serde_json::to_value(&c)
            .map_err(|e| Error::internal(format!("closing as JSON: {e}")))?;
        doc["closed"] = serde_json::Value::Bool(c.closed());
        let text = serde_json::to_string_pretty(&doc)
            .map_err(|e| Error::internal(format!("closing as JSON: {e}")))?;
        print(&format!("{text}\n"));
        return Ok(Exit::findings_if(!c.closed()));
    }
    let mut out = String::new();
    out.push_str(&t!("campaigns.close.title", id = c.id, due = c.closing_due));
    out.push('\n');
    for s in &c.steps {
        let mark = if s.done { "✓" } else { "✗" };
        out.push_str(&format!("  {mark} {}\n", s.shown));
        if let Some(cmd) = &s.command {
            out.push_str(&format!("      {cmd}\n"));
        }
    }
    let missing = c.steps.iter().filter(|s| !s.done).count();
    out.push_str(&if missing == 0 {
        t!("campaigns.close.closed", id = c.id)
    } else {
        t!("campaigns.close.missing", n = missing)
    });
    out.push('\n');
    print(&out);
    Ok(Exit::findings_if(missing > 0))
}
