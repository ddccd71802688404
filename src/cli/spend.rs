use chrono::NaiveDate;
use rust_i18n::t;

use super::{Global, Outcome, say};
use crate::model::keyboard::{self, Vocab};
use crate::ops::results::{SpendOptions, spend_add};

/// Spend of a campaign (results.toml), without editing TOML
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    Add(AddArgs),
}

/// Record one spend in the campaign's results.toml.
///
/// The amount as you type it (80000, ¥80,000, 8万, 4.5万); the category by
/// its id or Chinese name (channel / 渠道投放, content / 内容制作, event /
/// 活动执行, reserve / 弹性预算). The file is written, not committed: results
/// need no approval, commit them with git commit.
///
/// Examples:
///   mkt spend add 春季促销-2026-03V1 --amount 8万 --category 渠道投放 --channel wechat
///   mkt spend add 春季促销-2026-03V1 --amount ¥5,200 --category content --date 2026/3/3 --note 海报
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct AddArgs {
    /// The campaign ID (its folder under campaigns/)
    pub id: String,
    /// How much, in yuan: 80000, ¥80,000, 8万, 4.5万
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    /// The budget category: channel, content, event, reserve (or 渠道投放, …)
    #[arg(long)]
    pub category: String,
    /// The channel it was spent on (wechat, douyin, …)
    #[arg(long)]
    pub channel: Option<String>,
    /// The day it was spent (2026-03-03, 2026/3/3, 2026年3月3日; default: today)
    #[arg(long, value_parser = super::parse_date)]
    pub date: Option<NaiveDate>,
    /// What it was for
    #[arg(long)]
    pub note: Option<String>,
}

pub fn run(global: &Global, cmd: Command) -> Outcome {
    match cmd {
        Command::Add(a) => add(global, a),
    }
}

fn add(global: &Global, a: AddArgs) -> Outcome {
    let repo = global.open_repo()?;
    let date = a.date.unwrap_or_else(|| global.today(repo.policy.zone()));
    let done = spend_add(
        &repo,
        &SpendOptions {
            id: super::lookup::campaign(&repo, &a.id, crate::repo::Want::Live)?,
            amount: a.amount,
            category: a.category,
            channel: a.channel,
            date,
            note: a.note,
        },
    )?;
    let s = &done.spend;
    let category = match crate::i18n::current() {
        crate::i18n::Lang::ZhCn => keyboard::chinese(Vocab::Category, &s.category).to_string(),
        _ => s.category.clone(),
    };
    say(&t!(
        "results.spend.added",
        date = s.date,
        category = category,
        channel = s.channel.as_deref().unwrap_or("—"),
        amount = s.amount,
        spent = done.spent,
        budget = done.budget
    ));
    super::results::after_write(global, &done.path, done.created)
}
