use chrono::{Datelike, Months, NaiveDate};
use rust_i18n::t;

use super::prompt::{InputArgs, Offer, Prompter, missing};
use super::{Exit, Global, Outcome, parse_date, print, say};
use crate::error::Error;
use crate::model::Money;
use crate::ops::new_campaign::{
    CampaignPlan, Created, NextSteps, PhasePlan, campaign_id, check_plan, check_reserve,
    default_allocation, default_phases, default_reserve, new_campaign, plan_path, reserve_range,
};
use crate::repo::Repo;

mod next_steps;
mod wizard;

pub use next_steps::next_steps;
use next_steps::tell_next;
use wizard::gather;

const EXAMPLES: &str = "Examples:
  mkt new-campaign                  # asks, offering defaults from policy.toml
  mkt new-campaign --name 春季促销 --start 2026-03-01 --end 2026-03-31 \\
      --owner li.na --budget 80000 \\
      --allocation channel=45000,content=15000,event=10000,reserve=10000 \\
      --phase warm-up:2026-03-01:2026-03-07:li.na \\
      --phase burst:2026-03-08:2026-03-21:liu.yang \\
      --phase long-tail:2026-03-22:2026-03-31:zhao.lei \\
      --channel wechat=20000 --channel douyin=15000 --title 春季新品促销 \\
      --target 曝光=100万 --target ctr=2%
      # writes campaigns/春季促销-2026-03V1/campaign.toml";

/// Start a campaign (新建活动): write its plan, checked, from answers or flags
///
/// Asks for the name, dates, owner, budget and its split, phases and
/// channels — or takes them all as flags — checks them against policy.toml
/// and team.toml, and writes campaigns/<ID>/campaign.toml from the template.
///
/// The ID follows the naming rule: {name}-{yyyy}-{mm}V1, the start month. A
/// name that already has a plan that month is refused: `mkt revise <ID>`
/// makes its next version. Nothing is written unless every check passes.
///
/// It asks only when a person is there (stdin and stderr are terminals, no
/// CI, no --no-input); otherwise a value without a default must be passed
/// as a flag. Defaults: the title is the name; the phases split the dates
/// into warm-up, burst and long-tail, owned by the owner; no channels.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Campaign name (项目名称): letters (中文 too), digits, `_`, `·`
    #[arg(long)]
    pub name: Option<String>,

    /// First day (YYYY-MM-DD); its month goes into the ID
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub start: Option<NaiveDate>,

    /// Last day (YYYY-MM-DD)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub end: Option<NaiveDate>,

    /// Owner (负责人): a person's id in team.toml
    #[arg(long, value_name = "ID")]
    pub owner: Option<String>,

    /// Budget total in yuan: 80000, or 80000.50
    #[arg(long, value_name = "YUAN", value_parser = parse_money)]
    pub budget: Option<Money>,

    /// The split (预算分配), reserve included, summing to the budget:
    /// channel=45000,content=15000,event=10000,reserve=10000
    #[arg(long, value_name = "CATEGORY=YUAN,...", value_parser = parse_allocation)]
    pub allocation: Vec<Pairs>,

    /// A phase NAME:START:END[:OWNER], repeatable, like
    /// warm-up:2026-03-01:2026-03-07:li.na (owner defaults to --owner)
    #[arg(long = "phase", value_name = "PHASE", value_parser = parse_phase)]
    pub phases: Vec<PhaseArg>,

    /// A channel NAME=YUAN, repeatable, like wechat=20000
    #[arg(long = "channel", value_name = "NAME=YUAN", value_parser = parse_pairs)]
    pub channels: Vec<Pairs>,

    /// A KPI target KPI=VALUE (目标), repeatable or comma-separated, like
    /// 曝光=100万 or ctr=2% (exposure, clicks, ctr, conversions,
    /// conversion_rate, revenue, roi, new_users, repurchase_rate)
    #[arg(long = "target", value_name = "KPI=VALUE", value_parser = parse_targets)]
    pub targets: Vec<Targets>,

    /// Title; default: the name
    #[arg(long)]
    pub title: Option<String>,

    /// Objective (目标)
    #[arg(long)]
    pub objective: Option<String>,

    /// Crisis work (紧急): runs first; the emergency group approves after the start
    #[arg(long)]
    pub emergency: bool,

    /// The incident emergency work answers: its file name in incidents/
    /// without .toml, like 2026-05-02-差评扩散
    #[arg(long, value_name = "INCIDENT")]
    pub incident: Option<String>,

    #[command(flatten)]
    pub input: InputArgs,
}

/// A phase as given on the command line; the owner may be left to default.
#[derive(Debug, Clone)]
pub struct PhaseArg {
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub owner: Option<String>,
}

/// `[targets]` keys and their values as TOML, from one `--target`.
#[derive(Debug, Clone)]
pub struct Targets(pub Vec<(String, String)>);

/// Targets separated as a Chinese keyboard types them too (`，`, `、`).
fn parse_targets(s: &str) -> Result<Targets, String> {
    crate::model::keyboard::split_list(s)
        .iter()
        .map(|item| crate::ops::new_campaign::parse_target(item))
        .collect::<Result<_, _>>()
        .map(Targets)
}

fn parse_money(s: &str) -> Result<Money, String> {
    s.trim().parse::<Money>().map_err(|e| e.0)
}

/// `NAME=YUAN` items as a Chinese keyboard types them too: separated by
/// `,`, `，` or `、` (a comma grouping thousands, `45,000`, separates
/// nothing), amounts like `4.5万`.
#[derive(Debug, Clone)]
pub struct Pairs(pub Vec<(String, Money)>);

fn parse_pairs(s: &str) -> Result<Pairs, String> {
    crate::model::keyboard::split_list(s)
        .iter()
        .map(|item| parse_pair(item))
        .collect::<Result<Vec<_>, _>>()
        .map(Pairs)
}

/// An allocation's categories may be named in Chinese (渠道投放=4.5万): the
/// file gets the id.
fn parse_allocation(s: &str) -> Result<Pairs, String> {
    use crate::model::keyboard::{Vocab, canonical_or_same};
    let Pairs(items) = parse_pairs(s)?;
    Ok(Pairs(
        items
            .into_iter()
            .map(|(k, m)| (canonical_or_same(Vocab::Category, &k), m))
            .collect(),
    ))
}

fn parse_pair(s: &str) -> Result<(String, Money), String> {
    let (k, v) = s
        .split_once(['=', '＝'])
        .ok_or_else(|| t!("cli.new_campaign.not_pair", s = s).into_owned())?;
    let k = k.trim();
    if k.is_empty() {
        return Err(t!("cli.new_campaign.no_name", s = s).into_owned());
    }
    Ok((k.to_string(), parse_money(v)?))
}

fn parse_phase(s: &str) -> Result<PhaseArg, String> {
    let parts: Vec<&str> = s.split(':').collect();
    let shape = || t!("cli.new_campaign.not_phase", s = s).into_owned();
    let (name, start, end, owner) = match parts.as_slice() {
        [n, a, b] => (n, a, b, None),
        [n, a, b, o] => (n, a, b, Some(o.to_string())),
        _ => return Err(shape()),
    };
    if name.trim().is_empty() {
        return Err(shape());
    }
    Ok(PhaseArg {
        name: name.trim().to_string(),
        start: parse_date(start.trim())?,
        end: parse_date(end.trim())?,
        owner: owner.filter(|o| !o.trim().is_empty()),
    })
}

/// `2026-03-01..2026-03-07 li.na`, as the phase prompt shows and reads it.
fn parse_phase_answer(
    s: &str,
    default_owner: &str,
) -> Result<(NaiveDate, NaiveDate, String), String> {
    let mut words = s.split_whitespace();
    let span = words
        .next()
        .ok_or_else(|| t!("cli.new_campaign.write_span").into_owned())?;
    let (a, b) = span
        .split_once("..")
        .ok_or_else(|| t!("cli.new_campaign.not_span", span = span).into_owned())?;
    let owner = words.next().unwrap_or(default_owner).to_string();
    if words.next().is_some() {
        return Err(t!("cli.new_campaign.write_span").into_owned());
    }
    Ok((parse_date(a)?, parse_date(b)?, owner))
}

fn message(e: Error) -> String {
    match e.hint {
        Some(h) => t!("cli.new_campaign.with_hint", message = e.message, hint = h).into_owned(),
        None => e.message,
    }
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    let today = global.today(repo.policy.zone());
    let ask = Prompter::new(&args.input);
    let Some(plan) = gather(&repo, &ask, today, args)? else {
        say(&t!("cli.nothing_written"));
        return Ok(Exit::Findings);
    };
    let created = new_campaign(&repo, &plan)?;
    print(&format!("{}\n", created.path));
    tell_next(&repo, &created, today);
    Ok(Exit::Clean)
}
