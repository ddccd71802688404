use rust_i18n::t;

use super::prompt::{InputArgs, Offer, Prompter};
use super::{Exit, Global, Outcome, print, say};
use crate::error::Error;
use crate::ops::new_records::{ReviewPlan, new_review};

const EXAMPLES: &str = "Examples:
  mkt new-review 2026-10 --person zhao.lei --summary '完成中秋礼盒推文 3 篇，按期交付'
      # writes reviews/2026-10/zhao.lei.toml
  mkt new-review 2026-10 --person 赵磊 --summary '…' --reviewed-by li.na --review '质量稳定'";

/// Write a person's monthly self-review (月度自评)
///
/// Writes reviews/<YYYY-MM>/<person>.toml from the template and says by
/// when it is due: day records.self_review_day of the month after (制度
/// 五(一)). The superior's review (reviewed_by, review) may be given now or
/// filled in later; the reviewer must be the person's supervisor (of their
/// group), a director, the department head or the CEO.
///
/// It asks for what is missing only when a person is there (a terminal, no
/// CI, no --no-input); otherwise the month, --person and --summary must be
/// given.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The month reviewed: 2026-10
    pub month: Option<String>,

    /// Whose self-review: an id or name in team.toml
    #[arg(long, value_name = "ID")]
    pub person: Option<String>,

    /// What was done and how it went (自评)
    #[arg(long, value_name = "TEXT")]
    pub summary: Option<String>,

    /// What to improve next month (下月改进)
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub next: String,

    /// The superior who reviewed it: an id or name in team.toml
    #[arg(long, value_name = "ID")]
    pub reviewed_by: Option<String>,

    /// The superior's words (上级评估)
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub review: String,

    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    let ask = Prompter::new(&args.input);
    let parse_month = |s: &str| {
        let h = crate::model::keyboard::halfwidth(s);
        crate::policy::parse_month(h.trim())
            .ok_or_else(|| t!("cli.new_review.not_month", s = s).into_owned())
    };
    let month = ask.value(
        args.month
            .map(|s| {
                parse_month(&s).map_err(|why| {
                    Error::user(t!("cli.prompt.flag_error", flag = "MONTH", why = why))
                })
            })
            .transpose()?,
        "MONTH",
        &t!("cli.new_review.ask_month"),
        Offer::Nothing,
        parse_month,
    )?;
    let person = ask.value(
        args.person,
        "--person",
        &t!("cli.new_review.ask_person"),
        Offer::Nothing,
        |s| super::lookup::person_answer(&repo, s, &t!("cli.new_review.whose")),
    )?;
    let summary = ask.value(
        args.summary,
        "--summary",
        &t!("cli.new_review.ask_summary"),
        Offer::Nothing,
        |s| {
            if s.trim().is_empty() {
                Err(t!("ops.records.no_summary").into_owned())
            } else {
                Ok(s.to_string())
            }
        },
    )?;
    let created = new_review(
        &repo,
        &ReviewPlan {
            month,
            person,
            summary,
            next: args.next,
            reviewed_by: args.reviewed_by,
            review: args.review,
        },
    )?;
    print(&format!("{}\n", created.path));
    say(&t!("cli.new_review.created", path = created.path));
    if let Some(due) = created.due {
        say(&t!("cli.new_review.due", due = due));
    }
    say(&t!("cli.next_commit", path = created.path));
    Ok(Exit::Clean)
}
