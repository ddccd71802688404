//! The questions `mkt new-campaign` asks in a terminal, or the flags it
//! reads without one.

use super::*;

/// Every value, from its flag or asked; `None` when the person declines.
pub(super) fn gather(
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
pub(super) fn ask_allocation(
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
