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
        return Err(Error::user(t!("cli.wizard.no_team")).hint(t!("cli.wizard.no_team_hint")));
    }
    let name = ask.value(
        args.name,
        "--name",
        &t!("cli.wizard.ask_name"),
        Offer::Nothing,
        |s| crate::model::check_name(s, max).map(|_| s.to_string()),
    )?;
    let next_month = (today.with_day(1).unwrap_or(today)) + Months::new(1);
    let start = ask.value(
        args.start,
        "--start",
        &t!("cli.wizard.ask_start"),
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
        &t!("cli.wizard.ask_end"),
        Offer::Suggest(month_end.to_string()),
        |s| {
            let d = parse_date(s)?;
            if d < start {
                return Err(t!("cli.wizard.end_before_start", end = d, start = start).into_owned());
            }
            Ok(d)
        },
    )?;
    let title = ask.value(
        args.title,
        "--title",
        &t!("cli.wizard.ask_title"),
        Offer::Default(name.clone()),
        |s| {
            if s.is_empty() {
                Err(t!("cli.title_empty").into_owned())
            } else {
                Ok(s.to_string())
            }
        },
    )?;
    let objective = ask.value(
        args.objective,
        "--objective",
        &t!("cli.wizard.ask_objective"),
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
    ask.note(&t!(
        "cli.wizard.people",
        people = people.join(&t!("cli.list_sep"))
    ));
    let owner = ask.value(
        args.owner,
        "--owner",
        &t!("cli.wizard.ask_owner"),
        me.map_or(Offer::Nothing, Offer::Suggest),
        // 赵磊 or zhao.lei: the id is what the plan holds.
        |s| crate::cli::lookup::person_answer(repo, s, &t!("cli.who.owner")),
    )?;
    let total = ask.value(
        args.budget,
        "--budget",
        &t!("cli.wizard.ask_budget"),
        Offer::Nothing,
        |s| {
            let m = parse_money(s)?;
            if m.fen() <= 0 {
                return Err(t!("cli.wizard.budget_not_positive").into_owned());
            }
            Ok(m)
        },
    )?;
    let allocation = if !args.allocation.is_empty() {
        args.allocation.into_iter().flat_map(|p| p.0).collect()
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
                &t!("cli.wizard.ask_phase", label = label, phase = p.name),
                Offer::Default(shown),
                |a| {
                    let (s, e, o) = parse_phase_answer(a, &owner)?;
                    if e < s || s < start || e > end {
                        return Err(
                            t!("cli.wizard.phase_outside", start = start, end = end).into_owned()
                        );
                    }
                    let o =
                        crate::cli::lookup::person_answer(repo, &o, &t!("cli.who.phase_owner"))?;
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
        args.channels.into_iter().flat_map(|p| p.0).collect()
    } else {
        ask.value(
            None,
            "--channel",
            &t!("cli.wizard.ask_channels"),
            Offer::Default(String::new()),
            |s| {
                // Separated as a Chinese keyboard types them too (`，`, `、`).
                let list: Vec<(String, Money)> = crate::model::keyboard::split_list(s)
                    .iter()
                    .map(|p| parse_pair(p))
                    .collect::<Result<_, _>>()?;
                let sum: Money = list.iter().map(|(_, m)| *m).sum();
                if let Some(a) = channel_alloc
                    && sum > a
                {
                    return Err(
                        t!("cli.wizard.channels_too_much", sum = sum, alloc = a).into_owned()
                    );
                }
                Ok(list)
            },
        )?
    };
    // 制度 四(一): emergency work answers a crisis on record (A009).
    let incident = if args.emergency || args.incident.is_some() {
        let ids = crate::ops::new_campaign::incident_ids(repo);
        if !ask.interactive() && args.incident.is_none() {
            return Err(Error::user(t!("meet16.new_campaign.no_incident"))
                .hint(t!("meet16.new_campaign.no_incident_hint")));
        }
        if ask.interactive() && args.incident.is_none() {
            ask.note(&if ids.is_empty() {
                t!("meet16.wizard.no_incidents")
            } else {
                t!(
                    "meet16.wizard.incidents",
                    ids = ids.join(&t!("cli.list_sep"))
                )
            });
        }
        let latest = ids.last().map(|s| s.to_string());
        let typed = ask.value(
            args.incident,
            "--incident",
            &t!("meet16.wizard.ask_incident"),
            latest.map_or(Offer::Nothing, Offer::Suggest),
            |s| crate::ops::new_campaign::check_incident(repo, s).map_err(message),
        )?;
        Some(crate::rules::incident_id(typed.trim()).to_string())
    } else {
        None
    };
    let plan = CampaignPlan {
        incident,
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
        targets: args.targets.into_iter().flat_map(|t| t.0).collect(),
    };
    if ask.interactive() {
        // Everything, flags included, is checked before the person confirms.
        let id = check_plan(repo, &plan)?;
        let path = plan_path(repo, &id);
        if !ask.confirm(&t!("cli.wizard.confirm", path = path), true)? {
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
        &t!(
            "cli.wizard.ask_reserve",
            min_pct = policy.budget.reserve_min_percent,
            max_pct = policy.budget.reserve_max_percent,
            total = total,
            min = min,
            max = max
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
            t!(
                "cli.wizard.ask_category_last",
                label = label,
                cat = cat,
                left = left
            )
        } else {
            t!(
                "cli.wizard.ask_category",
                label = label,
                cat = cat,
                left = left
            )
        };
        let amount = ask.value(
            None,
            "--allocation",
            &prompt,
            Offer::Suggest(default.to_string()),
            |s| {
                let m = parse_money(s)?;
                if m.fen() < 0 {
                    return Err(t!("cli.wizard.negative").into_owned());
                }
                if last && m != left {
                    return Err(
                        t!("cli.wizard.must_sum", total = total, cat = cat, left = left)
                            .into_owned(),
                    );
                }
                if m > left {
                    return Err(t!("cli.wizard.only_left", left = left).into_owned());
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
