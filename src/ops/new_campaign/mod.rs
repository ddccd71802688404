//! `mkt new-campaign`: a plan, checked against the policy and the roster
//! before anything is written, filled into the campaign template, and
//! written at once (never half a file).

use rust_i18n::t;

use std::path::PathBuf;

use chrono::{Datelike, Duration, NaiveDate};

use crate::error::{Error, Result};
use crate::fsutil;
use crate::model::{Campaign, Money};
use crate::model::{CampaignId, check_name, parse_campaign_id};
use crate::policy::{Policy, allocation_gap, channels_over};
use crate::repo::{Repo, SourceDoc};
use crate::templates;

mod defaults;
mod next_steps;
mod render;
mod targets;

pub use defaults::{
    check_reserve, default_allocation, default_phases, default_reserve, reserve_range,
};
pub use next_steps::NextSteps;
use render::template_error;
pub use render::{money, render, toml_key, toml_str};
pub use targets::parse_target;

/// The three phases of a campaign: 预热, 爆发, 长尾.
pub const PHASES: [&str; 3] = ["warm-up", "burst", "long-tail"];

/// A campaign as the person planning it describes it.
#[derive(Debug, Clone)]
pub struct CampaignPlan {
    pub name: String,
    pub title: String,
    pub objective: String,
    pub owner: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub emergency: bool,
    pub total: Money,
    /// Category (or `reserve`) and amount, in the order given.
    pub allocation: Vec<(String, Money)>,
    pub phases: Vec<PhasePlan>,
    /// Channel name and budget.
    pub channels: Vec<(String, Money)>,
    /// The incident emergency work answers (A009): an incident's id.
    pub incident: Option<String>,
    /// KPI targets: a `[targets]` key and its value as TOML, in the order given.
    pub targets: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhasePlan {
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub owner: String,
}

/// What was written, and what the policy asks for next.
#[derive(Debug)]
pub struct Created {
    pub id: String,
    /// Repository-relative: `campaigns/<YYYY>/<ID>/campaign.toml`.
    pub path: String,
    pub file: PathBuf,
    pub next: NextSteps,
}

/// The ID the plan gets: `{name}-{yyyy}-{mm}V1`. Refuses a name the naming
/// rule does not allow, and a name and month that already have a plan.
pub fn campaign_id(repo: &Repo, name: &str, start: NaiveDate) -> Result<String> {
    check_name(name, repo.policy.naming.name_max_chars).map_err(|why| {
        Error::user(t!("ops.campaign.bad_name", name = name, why = why))
            .hint(t!("ops.campaign.bad_name_hint"))
    })?;
    let (year, month) = (start.year(), start.month());
    if let Some(latest) = latest_version(repo, name, year, month) {
        let id = CampaignId::format(name, year, month, latest);
        return Err(Error::user(t!(
            "ops.campaign.has_plan",
            name = name,
            month = format!("{year:04}-{month:02}"),
            id = id
        ))
        .hint(t!("ops.campaign.has_plan_hint", id = id)));
    }
    Ok(CampaignId::format(name, year, month, 1))
}

/// The highest version of `name` in that month, among folders and IDs.
pub fn latest_version(repo: &Repo, name: &str, year: i32, month: u32) -> Option<u32> {
    let max = repo.policy.naming.name_max_chars;
    repo.campaigns
        .keys()
        .map(String::as_str)
        .chain(repo.campaigns().map(|(_, c)| c.value.id.as_str()))
        .filter_map(|id| parse_campaign_id(id, max).ok())
        .filter(|p| p.name == name && p.year == year && p.month == month)
        .map(|p| p.version)
        .max()
}

/// Refuses a person who is not in team.toml; `what` names the role in the
/// message ("owner", "phase owner", "attendee").
pub fn check_person(repo: &Repo, id: &str, what: &str) -> Result<()> {
    person_id(repo, id, what).map(|_| ())
}

/// The id of a person named by id (`zhao.lei`) or by name (`赵磊`), as
/// records hold it; a name two people share, or nobody's, is refused with
/// who was meant.
pub fn person_id(repo: &Repo, who: &str, what: &str) -> Result<String> {
    let ambiguous = match repo.team.find(who) {
        Ok(p) => return Ok(p.id.clone()),
        Err(crate::model::Lookup::Ambiguous(ids)) => Some(ids),
        Err(crate::model::Lookup::Unknown) => None,
    };
    let what = match what {
        "owner" => t!("ops.person.owner"),
        "phase owner" => t!("ops.person.phase_owner"),
        "attendee" => t!("ops.person.attendee"),
        "person" => t!("ops.person.person"),
        other => other.into(),
    };
    if let Some(ids) = ambiguous {
        let sep = t!("suggest.candidate_sep");
        let candidates: Vec<String> = ids
            .iter()
            .filter_map(|id| repo.team.person(id))
            .map(|p| p.label())
            .collect();
        return Err(
            Error::user(t!("input.person_ambiguous", what = what, name = who)).hint(t!(
                "suggest.person_candidates",
                candidates = candidates.join(&sep)
            )),
        );
    }
    let err = Error::user(t!("ops.person.not_in_team", what = what, id = who));
    if !repo.has_team {
        return Err(err.hint(t!("ops.person.no_team")));
    }
    if repo.team.people.is_empty() {
        return Err(err.hint(t!("ops.person.empty_team")));
    }
    let ids: Vec<&str> = repo.team.people.iter().map(|p| p.id.as_str()).collect();
    Err(match repo.team.closest(who) {
        Some(p) => err.hint(t!("suggest.did_you_mean_person", id = p.id, name = p.name)),
        None => err.hint(t!("ops.person.people", ids = ids.join(", "))),
    })
}

/// The ids of the repository's incidents, oldest first (file names begin
/// with the day).
pub fn incident_ids(repo: &Repo) -> Vec<&str> {
    let mut ids: Vec<&str> = repo
        .incidents
        .iter()
        .map(|i| crate::rules::incident_id(&i.path))
        .collect();
    ids.sort_unstable();
    ids
}

/// The id of an incident as typed (`2026-05-02-差评扩散`, or its path); one
/// not in `incidents/` is refused, naming the nearest.
pub fn check_incident(repo: &Repo, typed: &str) -> Result<String> {
    let wanted = crate::rules::incident_id(typed.trim());
    let ids = incident_ids(repo);
    if ids.contains(&wanted) {
        return Ok(wanted.to_string());
    }
    let err = Error::user(t!("meet16.f004.no_incident", id = typed.trim()));
    Err(match crate::suggest::closest(wanted, ids.iter().copied()) {
        Some(s) => err.hint(t!("rules.did_you_mean", name = s)),
        None if ids.is_empty() => err.hint(t!("meet16.a009.help_none")),
        None => err.hint(t!("meet16.new_campaign.incidents", ids = ids.join(", "))),
    })
}

/// Checks the whole plan; the first problem comes back as the error.
pub fn check_plan(repo: &Repo, plan: &CampaignPlan) -> Result<String> {
    let policy = &repo.policy;
    if plan.end < plan.start {
        return Err(Error::user(t!(
            "ops.campaign.end_before_start",
            end = plan.end,
            start = plan.start
        ))
        .hint(t!("ops.campaign.end_before_start_hint")));
    }
    let id = campaign_id(repo, &plan.name, plan.start)?;
    check_person(repo, &plan.owner, "owner")?;
    match &plan.incident {
        Some(i) => {
            check_incident(repo, i)?;
        }
        None if plan.emergency => {
            return Err(Error::user(t!("meet16.new_campaign.no_incident"))
                .hint(t!("meet16.new_campaign.no_incident_hint")));
        }
        None => {}
    }
    if plan.title.trim().is_empty() {
        return Err(Error::user(t!("ops.title_empty")).hint(t!("ops.campaign.title_hint")));
    }
    if plan.total.fen() <= 0 {
        return Err(Error::user(t!(
            "ops.campaign.total_not_positive",
            total = plan.total
        )));
    }
    let mut seen = Vec::new();
    for (cat, amount) in &plan.allocation {
        if cat != "reserve" && !policy.budget.categories.contains(cat) {
            use crate::model::keyboard::{Vocab, chinese, closest};
            let known = t!(
                "ops.campaign.not_a_category_hint",
                categories = policy.budget.categories.join(", ")
            );
            let all = policy.budget.categories.iter().map(String::as_str);
            let hint = match closest(Vocab::Category, cat, all.chain(["reserve"])) {
                Some(c) => t!(
                    "suggest.and",
                    first = t!(
                        "suggest.did_you_mean_word",
                        id = c,
                        name = chinese(Vocab::Category, c)
                    ),
                    then = known
                ),
                None => known,
            };
            return Err(Error::user(t!("ops.campaign.not_a_category", category = cat)).hint(hint));
        }
        if seen.contains(&cat) {
            return Err(Error::user(t!(
                "ops.campaign.category_twice",
                category = cat
            )));
        }
        seen.push(cat);
        if amount.fen() < 0 {
            return Err(Error::user(t!(
                "ops.campaign.category_negative",
                category = cat
            )));
        }
    }
    if let Some((sum, diff, over)) =
        allocation_gap(plan.total, plan.allocation.iter().map(|(_, m)| *m))
    {
        let key = if over {
            "ops.campaign.allocation_over"
        } else {
            "ops.campaign.allocation_short"
        };
        return Err(
            Error::user(t!(key, sum = sum, total = plan.total, diff = diff))
                .hint(t!("ops.campaign.allocation_hint")),
        );
    }
    let reserve = plan
        .allocation
        .iter()
        .find(|(c, _)| c == "reserve")
        .map(|(_, m)| *m)
        .unwrap_or_default();
    check_reserve(policy, plan.total, reserve)?;
    for ph in &plan.phases {
        if ph.name.trim().is_empty() {
            return Err(Error::user(t!("ops.campaign.phase_no_name"))
                .hint(t!("ops.campaign.phase_no_name_hint")));
        }
        if ph.end < ph.start {
            return Err(Error::user(t!(
                "ops.campaign.phase_end_before_start",
                phase = ph.name,
                end = ph.end,
                start = ph.start
            )));
        }
        if ph.start < plan.start || ph.end > plan.end {
            return Err(Error::user(t!(
                "ops.campaign.phase_outside",
                phase = ph.name,
                start = ph.start,
                end = ph.end,
                campaign_start = plan.start,
                campaign_end = plan.end
            )));
        }
        check_person(
            repo,
            &ph.owner,
            &t!("ops.person.phase_named_owner", phase = ph.name),
        )?;
    }
    let mut names = Vec::new();
    for (name, budget) in &plan.channels {
        if name.trim().is_empty() || name.chars().any(char::is_control) {
            return Err(Error::user(t!("ops.campaign.bad_channel", name = name)));
        }
        if names.contains(&name) {
            return Err(Error::user(t!("ops.campaign.channel_twice", name = name)));
        }
        names.push(name);
        if budget.fen() < 0 {
            return Err(Error::user(t!(
                "ops.campaign.channel_negative",
                name = name
            )));
        }
    }
    let channel_alloc = plan
        .allocation
        .iter()
        .find(|(c, _)| c == "channel")
        .map(|(_, m)| *m);
    if let Some((channels, alloc)) =
        channels_over(channel_alloc, plan.channels.iter().map(|(_, m)| *m))
    {
        return Err(Error::user(t!(
            "ops.campaign.channels_over",
            channels = channels,
            alloc = alloc
        ))
        .hint(t!("ops.campaign.channels_over_hint")));
    }
    Ok(id)
}

/// Where a new plan of `id` goes: `campaigns/<YYYY>/<id>/campaign.toml`,
/// the year of the ID (its start).
pub fn plan_path(repo: &Repo, id: &str) -> String {
    match parse_campaign_id(id, repo.policy.naming.name_max_chars) {
        Ok(p) => format!("{}/campaign.toml", crate::repo::year_dir(p.year, id)),
        Err(_) => format!("campaigns/{id}/campaign.toml"),
    }
}

/// Writes a new plan to `campaigns/<YYYY>/<id>/campaign.toml` (the year of
/// the ID, its start), whole, refusing an ID whose folder already exists in
/// either layout; returns its path.
pub fn write_plan(repo: &Repo, id: &str, text: &str) -> Result<String> {
    let path = plan_path(repo, id);
    let file = repo.root.join(&path);
    let dir = path.trim_end_matches("/campaign.toml").to_string();
    let taken = [repo.campaign_folder(id), format!("campaigns/{id}"), dir];
    if repo.campaigns.contains_key(id) || taken.iter().any(|d| repo.root.join(d).exists()) {
        return Err(Error::user(t!("ops.campaign.folder_exists", id = id))
            .hint(t!("ops.campaign.folder_exists_hint")));
    }
    fsutil::create_new(&file, text.as_bytes())?;
    Ok(path)
}

pub fn new_campaign(repo: &Repo, plan: &CampaignPlan) -> Result<Created> {
    // People may be named by name; the file holds their ids.
    let mut plan = plan.clone();
    plan.owner = person_id(repo, &plan.owner, "owner")?;
    for ph in &mut plan.phases {
        let what = t!("ops.person.phase_named_owner", phase = ph.name);
        ph.owner = person_id(repo, &ph.owner, &what)?;
    }
    let plan = &plan;
    let id = check_plan(repo, plan)?;
    let text = render(repo, &id, plan)?;
    let campaign = parse_written(&text, &id)?;
    let path = write_plan(repo, &id, &text)?;
    Ok(Created {
        next: NextSteps::signed(repo, &campaign),
        id,
        file: repo.root.join(&path),
        path,
    })
}

/// Reads back what mkt is about to write, so a broken template (a
/// repository's own) is caught before it becomes a record.
pub fn parse_written(text: &str, id: &str) -> Result<Campaign> {
    let doc = SourceDoc::parse("campaign.toml", text)
        .map_err(|e| template_error(id, &e.message, e.at.line))?;
    doc.deserialize::<Campaign>()
        .map_err(|e| template_error(id, &e.message, e.at.line))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn default_phases_cover_the_dates() {
        for days in 1..60 {
            let start = d("2026-03-01");
            let end = start + Duration::days(days - 1);
            let p = default_phases(start, end, "li.na");
            assert_eq!(p.first().unwrap().start, start);
            assert_eq!(p.last().unwrap().end, end);
            for w in p.windows(2) {
                assert_eq!(w[0].end + Duration::days(1), w[1].start, "{days}: {p:?}");
            }
            assert!(p.iter().all(|x| x.start <= x.end), "{days}: {p:?}");
        }
        let p = default_phases(d("2026-03-01"), d("2026-03-31"), "li.na");
        let spans: Vec<_> = p.iter().map(|x| (x.start, x.end)).collect();
        assert_eq!(
            spans,
            [
                (d("2026-03-01"), d("2026-03-08")),
                (d("2026-03-09"), d("2026-03-22")),
                (d("2026-03-23"), d("2026-03-31"))
            ]
        );
    }

    #[test]
    fn default_budget_fits_the_policy() {
        let p = Policy::builtin();
        let total = Money::from_yuan(80000);
        let r = default_reserve(p, total);
        assert_eq!(r, Money::from_yuan(10000));
        check_reserve(p, total, r).unwrap();
        for yuan in [1, 99, 4500, 45000, 123457, 9_999_999] {
            let total = Money::from_yuan(yuan);
            let r = default_reserve(p, total);
            check_reserve(p, total, r).unwrap_or_else(|e| panic!("{yuan}: {e}"));
            let a = default_allocation(p, total, r);
            assert_eq!(a.iter().map(|(_, m)| *m).sum::<Money>(), total);
            assert!(a.iter().all(|(_, m)| m.fen() >= 0), "{a:?}");
        }
        assert!(check_reserve(p, total, Money::from_yuan(16000)).is_err());
        assert!(check_reserve(p, total, Money::from_yuan(7999)).is_err());
    }

    #[test]
    fn toml_text_escapes() {
        for text in [
            "春季\"促销\"",
            "a'b\"c",
            "back\\slash",
            "two\nlines",
            "tab\there",
            "",
        ] {
            let doc: toml::Table = toml::from_str(&format!("x = {}", toml_str(text))).unwrap();
            assert_eq!(doc["x"].as_str(), Some(text), "{}", toml_str(text));
        }
        assert_eq!(toml_key("channel"), "channel");
        assert_eq!(toml_key("线下"), "\"线下\"");
        assert_eq!(money(Money(123450)), "\"1234.50\"");
        assert_eq!(money(Money::from_yuan(80000)), "80000");
    }
}
