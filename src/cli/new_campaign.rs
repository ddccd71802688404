use chrono::{Datelike, Months, NaiveDate};

use super::prompt::{InputArgs, Offer, Prompter, missing};
use super::{Global, Outcome, parse_date, print, say};
use crate::error::Error;
use crate::model::Money;
use crate::ops::new_campaign::{
    CampaignPlan, Created, NextSteps, PhasePlan, campaign_id, check_person, check_plan,
    check_reserve, default_allocation, default_phases, default_reserve, new_campaign,
    reserve_range,
};
use crate::repo::Repo;

const EXAMPLES: &str = "Examples:
  mkt new-campaign                  # asks, offering defaults from policy.toml
  mkt new-campaign --name 春季促销 --start 2026-03-01 --end 2026-03-31 \\
      --owner li.na --budget 80000 \\
      --allocation channel=45000,content=15000,event=10000,reserve=10000 \\
      --phase warm-up:2026-03-01:2026-03-07:li.na \\
      --phase burst:2026-03-08:2026-03-21:liu.yang \\
      --phase long-tail:2026-03-22:2026-03-31:zhao.lei \\
      --channel wechat=20000 --channel douyin=15000 --title 春季新品促销
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
    #[arg(long, value_name = "CATEGORY=YUAN,...", value_delimiter = ',', value_parser = parse_pair)]
    pub allocation: Vec<(String, Money)>,

    /// A phase NAME:START:END[:OWNER], repeatable, like
    /// warm-up:2026-03-01:2026-03-07:li.na (owner defaults to --owner)
    #[arg(long = "phase", value_name = "PHASE", value_parser = parse_phase)]
    pub phases: Vec<PhaseArg>,

    /// A channel NAME=YUAN, repeatable, like wechat=20000
    #[arg(long = "channel", value_name = "NAME=YUAN", value_delimiter = ',', value_parser = parse_pair)]
    pub channels: Vec<(String, Money)>,

    /// Title; default: the name
    #[arg(long)]
    pub title: Option<String>,

    /// Objective (目标)
    #[arg(long)]
    pub objective: Option<String>,

    /// Crisis work (紧急): runs first; the emergency group approves after the start
    #[arg(long)]
    pub emergency: bool,

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

fn parse_money(s: &str) -> Result<Money, String> {
    s.trim().parse::<Money>().map_err(|e| e.0)
}

fn parse_pair(s: &str) -> Result<(String, Money), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not NAME=YUAN, like wechat=20000"))?;
    let k = k.trim();
    if k.is_empty() {
        return Err(format!("`{s}` has no name before `=`"));
    }
    Ok((k.to_string(), parse_money(v)?))
}

fn parse_phase(s: &str) -> Result<PhaseArg, String> {
    let parts: Vec<&str> = s.split(':').collect();
    let shape =
        || format!("`{s}` is not NAME:START:END[:OWNER], like warm-up:2026-03-01:2026-03-07:li.na");
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
    let span = words.next().ok_or("write START..END [OWNER]")?;
    let (a, b) = span
        .split_once("..")
        .ok_or_else(|| format!("`{span}` is not START..END, like 2026-03-01..2026-03-07"))?;
    let owner = words.next().unwrap_or(default_owner).to_string();
    if words.next().is_some() {
        return Err("write START..END [OWNER]".into());
    }
    Ok((parse_date(a)?, parse_date(b)?, owner))
}

fn message(e: Error) -> String {
    match e.hint {
        Some(h) => format!("{} ({h})", e.message),
        None => e.message,
    }
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    let today = global.today(repo.policy.zone());
    let ask = Prompter::new(&args.input);
    let Some(plan) = gather(&repo, &ask, today, args)? else {
        say("nothing was written");
        return Ok(1);
    };
    let created = new_campaign(&repo, &plan)?;
    print(&format!("{}\n", created.path));
    tell_next(&repo, &created, today);
    Ok(0)
}

/// Every value, from its flag or asked; `None` when the person declines.
fn gather(
    repo: &Repo,
    ask: &Prompter,
    today: NaiveDate,
    args: Args,
) -> crate::error::Result<Option<CampaignPlan>> {
    let policy = &repo.policy;
    let max = policy.naming.name_max_chars;
    // Before anything is asked: a plan needs an owner from the roster.
    if repo.has_team && repo.team.people.is_empty() {
        return Err(
            Error::user("team.toml lists nobody yet, so the campaign can have no owner")
                .hint("add the team to team.toml first (see the comments there), then commit it"),
        );
    }
    let name = ask.value(
        args.name,
        "--name",
        "项目名称 name",
        Offer::Nothing,
        |s| crate::model::check_name(s, max).map(|_| s.to_string()),
    )?;
    let next_month = (today.with_day(1).unwrap_or(today)) + Months::new(1);
    let start = ask.value(
        args.start,
        "--start",
        "开始 start (YYYY-MM-DD)",
        Offer::Suggest(next_month.to_string()),
        parse_date,
    )?;
    // A name and month that already have a plan are refused before more is asked.
    campaign_id(repo, &name, start)?;
    let month_end = (start.with_day(1).unwrap_or(start) + Months::new(1))
        .pred_opt()
        .unwrap_or(start);
    let end = ask.value(
        args.end,
        "--end",
        "结束 end (YYYY-MM-DD)",
        Offer::Suggest(month_end.to_string()),
        |s| {
            let d = parse_date(s)?;
            if d < start {
                return Err(format!("the end {d} is before the start {start}"));
            }
            Ok(d)
        },
    )?;
    let title = ask.value(
        args.title,
        "--title",
        "标题 title",
        Offer::Default(name.clone()),
        |s| {
            if s.is_empty() {
                Err("the title is empty".to_string())
            } else {
                Ok(s.to_string())
            }
        },
    )?;
    let objective = ask.value(
        args.objective,
        "--objective",
        "目标 objective",
        Offer::Default(String::new()),
        |s| Ok(s.to_string()),
    )?;
    let me = {
        let (_, email) = crate::git::configured_identity(&repo.git);
        repo.team
            .people
            .iter()
            .find(|p| !p.email.is_empty() && p.email == email)
            .map(|p| p.id.clone())
    };
    let people: Vec<&str> = repo.team.people.iter().map(|p| p.id.as_str()).collect();
    ask.note(&format!("people in team.toml: {}", people.join(", ")));
    let owner = ask.value(
        args.owner,
        "--owner",
        "负责人 owner (id in team.toml)",
        me.map_or(Offer::Nothing, Offer::Suggest),
        |s| {
            check_person(repo, s, "owner").map_err(message)?;
            Ok(s.to_string())
        },
    )?;
    let total = ask.value(
        args.budget,
        "--budget",
        "总预算 budget total (yuan)",
        Offer::Nothing,
        |s| {
            let m = parse_money(s)?;
            if m.fen() <= 0 {
                return Err("the budget is not positive".into());
            }
            Ok(m)
        },
    )?;
    let allocation = if !args.allocation.is_empty() {
        args.allocation
    } else if !ask.interactive() {
        return Err(missing("--allocation"));
    } else {
        ask_allocation(repo, ask, total)?
    };
    let phases = if !args.phases.is_empty() {
        args.phases
            .into_iter()
            .map(|p| PhasePlan {
                name: p.name,
                start: p.start,
                end: p.end,
                owner: p.owner.unwrap_or_else(|| owner.clone()),
            })
            .collect()
    } else {
        let mut out = Vec::new();
        for p in default_phases(start, end, &owner) {
            let label = match p.name.as_str() {
                "warm-up" => "预热",
                "burst" => "爆发",
                _ => "长尾",
            };
            let shown = format!("{}..{} {}", p.start, p.end, p.owner);
            let (s, e, o) = ask.value(
                None,
                "--phase",
                &format!("{label} {} (START..END OWNER)", p.name),
                Offer::Default(shown),
                |a| {
                    let (s, e, o) = parse_phase_answer(a, &owner)?;
                    if e < s || s < start || e > end {
                        return Err(format!(
                            "the phase must lie within {start} – {end}, end not before start"
                        ));
                    }
                    check_person(repo, &o, "phase owner").map_err(message)?;
                    Ok((s, e, o))
                },
            )?;
            out.push(PhasePlan {
                name: p.name,
                start: s,
                end: e,
                owner: o,
            });
        }
        out
    };
    let channel_alloc = allocation
        .iter()
        .find(|(c, _)| c == "channel")
        .map(|(_, m)| *m);
    let channels = if !args.channels.is_empty() || !ask.interactive() {
        args.channels
    } else {
        ask.value(
            None,
            "--channel",
            "渠道 channels (NAME=YUAN, comma-separated; empty for none)",
            Offer::Default(String::new()),
            |s| {
                let list: Vec<(String, Money)> = s
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(parse_pair)
                    .collect::<Result<_, _>>()?;
                let sum: Money = list.iter().map(|(_, m)| *m).sum();
                if let Some(a) = channel_alloc
                    && sum > a
                {
                    return Err(format!(
                        "the channels sum to {sum}, more than the channel allocation {a}"
                    ));
                }
                Ok(list)
            },
        )?
    };
    let plan = CampaignPlan {
        name,
        title,
        objective,
        owner,
        start,
        end,
        emergency: args.emergency,
        total,
        allocation,
        phases,
        channels,
    };
    if ask.interactive() {
        // Everything, flags included, is checked before the person confirms.
        let id = check_plan(repo, &plan)?;
        if !ask.confirm(&format!("write campaigns/{id}/campaign.toml?"), true)? {
            return Ok(None);
        }
    }
    Ok(Some(plan))
}

/// The reserve first (inside the policy's range), then each category; the
/// last takes what is left, so the split always sums to the total.
fn ask_allocation(
    repo: &Repo,
    ask: &Prompter,
    total: Money,
) -> crate::error::Result<Vec<(String, Money)>> {
    let policy = &repo.policy;
    let (min, max) = reserve_range(policy, total);
    let reserve = ask.value(
        None,
        "--allocation",
        &format!(
            "弹性预算 reserve ({}–{} % of {total}: {min}–{max})",
            policy.budget.reserve_min_percent, policy.budget.reserve_max_percent
        ),
        Offer::Suggest(default_reserve(policy, total).to_string()),
        |s| {
            let m = parse_money(s)?;
            check_reserve(policy, total, m).map_err(message)?;
            Ok(m)
        },
    )?;
    let defaults = default_allocation(policy, total, reserve);
    let cats = &policy.budget.categories;
    let mut left = total - reserve;
    let mut out = Vec::new();
    for (i, cat) in cats.iter().enumerate() {
        let last = i + 1 == cats.len();
        let label = match cat.as_str() {
            "channel" => "渠道投放 ",
            "content" => "内容制作 ",
            "event" => "活动执行 ",
            _ => "",
        };
        let default = if last {
            left
        } else {
            defaults
                .iter()
                .find(|(c, _)| c == cat)
                .map(|(_, m)| *m)
                .unwrap_or_default()
                .min(left)
        };
        let prompt = if last {
            format!("{label}{cat} (the rest: {left})")
        } else {
            format!("{label}{cat} ({left} left)")
        };
        let amount = ask.value(
            None,
            "--allocation",
            &prompt,
            Offer::Suggest(default.to_string()),
            |s| {
                let m = parse_money(s)?;
                if m.fen() < 0 {
                    return Err("the amount is negative".into());
                }
                if last && m != left {
                    return Err(format!("the split must sum to {total}: {cat} is {left}"));
                }
                if m > left {
                    return Err(format!("only {left} is left"));
                }
                Ok(m)
            },
        )?;
        left = left - amount;
        out.push((cat.clone(), amount));
    }
    out.push(("reserve".to_string(), reserve));
    Ok(out)
}

fn tell_next(repo: &Repo, created: &Created, today: NaiveDate) {
    say(&format!("created {} ({})", created.id, created.path));
    say("next:");
    next_steps(repo, &created.id, &created.next, today, false);
    say(&format!(
        "  commit the plan: git add campaigns/{id} && git commit -m \"plan: {id}\"",
        id = created.id
    ));
}

/// The kickoff window (unless one was held) and the approvals a plan
/// needs, as of `today`.
pub fn next_steps(repo: &Repo, id: &str, next: &NextSteps, today: NaiveDate, kickoff_held: bool) {
    if kickoff_held {
        say("  kickoff meeting 启动会: held for an earlier version, which counts");
    } else {
        kickoff_step(repo, id, next, today);
    }
    approval_step(repo, next);
    say(&format!(
        "  closing meeting 结项验收: by {}",
        next.closing_by
    ));
}

fn kickoff_step(repo: &Repo, id: &str, next: &NextSteps, today: NaiveDate) {
    let policy = &repo.policy;
    let (from, until) = next.kickoff;
    let when = if today > until {
        " — this window has passed (D001)"
    } else {
        ""
    };
    let rule = if next.emergency {
        format!(
            "emergency work: up to {} days after the start",
            policy.approvals.emergency_days_after_start
        )
    } else {
        format!(
            "within {} days before the start",
            policy.deadlines.kickoff_days_before_start
        )
    };
    say(&format!(
        "  kickoff meeting 启动会: {from} – {until} ({rule}){when}"
    ));
    say(&format!(
        "      record it: mkt new-minutes --kind kickoff --campaign {id} --held-at <time>"
    ));
}

fn approval_step(repo: &Repo, next: &NextSteps) {
    let policy = &repo.policy;
    let holders = |role: &str| -> String {
        let who: Vec<String> = repo
            .team
            .people
            .iter()
            .filter(|p| p.has_role(role))
            .map(|p| format!("{} {}", p.id, p.name))
            .collect();
        if who.is_empty() {
            format!("{role} (nobody in team.toml holds it yet)")
        } else {
            format!("{role}: {}", who.join(", "))
        }
    };
    let roles: Vec<String> = next.approver_roles.iter().map(|r| holders(r)).collect();
    if next.emergency {
        say(&format!(
            "  approval 审批 (emergency group, each role): {}; by {}, {} days after the start",
            roles.join("; "),
            next.approve_by,
            policy.approvals.emergency_days_after_start
        ));
    } else {
        say(&format!(
            "  budget approval 预算审批: {}; by {} (the start)",
            roles.join("; "),
            next.approve_by
        ));
    }
}
