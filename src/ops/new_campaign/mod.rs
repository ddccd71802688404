//! `mkt new-campaign`: a plan, checked against the policy and the roster
//! before anything is written, filled into the campaign template, and
//! written at once (never half a file).

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

pub use defaults::{
    check_reserve, default_allocation, default_phases, default_reserve, reserve_range,
};
pub use next_steps::NextSteps;
use render::template_error;
pub use render::{money, render, toml_key, toml_str};

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
    /// Repository-relative: `campaigns/<ID>/campaign.toml`.
    pub path: String,
    pub file: PathBuf,
    pub next: NextSteps,
}

/// The ID the plan gets: `{name}-{yyyy}-{mm}V1`. Refuses a name the naming
/// rule does not allow, and a name and month that already have a plan.
pub fn campaign_id(repo: &Repo, name: &str, start: NaiveDate) -> Result<String> {
    check_name(name, repo.policy.naming.name_max_chars).map_err(|why| {
        Error::user(format!("`{name}` cannot be a campaign name: {why}")).hint(
            "a name holds letters (中文 too), digits, `_` and `·`, like 春季促销 or 618年中大促",
        )
    })?;
    let (year, month) = (start.year(), start.month());
    if let Some(latest) = latest_version(repo, name, year, month) {
        let id = CampaignId::format(name, year, month, latest);
        return Err(Error::user(format!(
            "{name} already has a plan for {year:04}-{month:02}: {id}"
        ))
        .hint(format!(
            "to change the plan, make the next version: mkt revise {id}"
        )));
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
    if repo.team.person(id).is_some() {
        return Ok(());
    }
    let err = Error::user(format!("{what} `{id}` is not in team.toml"));
    if !repo.has_team {
        return Err(err.hint("team.toml is missing or cannot be read: `mkt lint` says why"));
    }
    if repo.team.people.is_empty() {
        return Err(
            err.hint("team.toml lists nobody yet: add the team there first (see its comments)")
        );
    }
    let ids: Vec<&str> = repo.team.people.iter().map(|p| p.id.as_str()).collect();
    Err(match crate::suggest::closest(id, ids.iter().copied()) {
        Some(c) => err.hint(format!("did you mean `{c}`?")),
        None => err.hint(format!("people in team.toml: {}", ids.join(", "))),
    })
}

/// Checks the whole plan; the first problem comes back as the error.
pub fn check_plan(repo: &Repo, plan: &CampaignPlan) -> Result<String> {
    let policy = &repo.policy;
    if plan.end < plan.start {
        return Err(Error::user(format!(
            "the end {} is before the start {}",
            plan.end, plan.start
        ))
        .hint("swap --start and --end, or correct the one that is wrong"));
    }
    let id = campaign_id(repo, &plan.name, plan.start)?;
    check_person(repo, &plan.owner, "owner")?;
    if plan.title.trim().is_empty() {
        return Err(
            Error::user("the title is empty").hint("pass --title, or leave it out to use the name")
        );
    }
    if plan.total.fen() <= 0 {
        return Err(Error::user(format!(
            "the budget total {} is not positive",
            plan.total
        )));
    }
    let mut seen = Vec::new();
    for (cat, amount) in &plan.allocation {
        if cat != "reserve" && !policy.budget.categories.contains(cat) {
            return Err(
                Error::user(format!("`{cat}` is not a budget category")).hint(format!(
                    "categories are {} and reserve (policy budget.categories)",
                    policy.budget.categories.join(", ")
                )),
            );
        }
        if seen.contains(&cat) {
            return Err(Error::user(format!("the allocation names `{cat}` twice")));
        }
        seen.push(cat);
        if amount.fen() < 0 {
            return Err(Error::user(format!(
                "the allocation to `{cat}` is negative"
            )));
        }
    }
    if let Some((sum, diff, over)) =
        allocation_gap(plan.total, plan.allocation.iter().map(|(_, m)| *m))
    {
        let word = if over { "over" } else { "short" };
        return Err(Error::user(format!(
            "the allocation sums to {sum} but the total is {} ({diff} {word})",
            plan.total
        ))
        .hint("the categories and the reserve add up exactly to the total (B001)"));
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
            return Err(
                Error::user("a phase has no name").hint("phases are warm-up, burst, long-tail")
            );
        }
        if ph.end < ph.start {
            return Err(Error::user(format!(
                "phase `{}` ends {} before it starts {}",
                ph.name, ph.end, ph.start
            )));
        }
        if ph.start < plan.start || ph.end > plan.end {
            return Err(Error::user(format!(
                "phase `{}` ({} – {}) is outside the campaign ({} – {})",
                ph.name, ph.start, ph.end, plan.start, plan.end
            )));
        }
        check_person(repo, &ph.owner, &format!("phase `{}` owner", ph.name))?;
    }
    let mut names = Vec::new();
    for (name, budget) in &plan.channels {
        if name.trim().is_empty() || name.chars().any(char::is_control) {
            return Err(Error::user(format!("`{name}` is not a channel name")));
        }
        if names.contains(&name) {
            return Err(Error::user(format!("channel `{name}` is named twice")));
        }
        names.push(name);
        if budget.fen() < 0 {
            return Err(Error::user(format!(
                "channel `{name}` has a negative budget"
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
        return Err(Error::user(format!(
            "the channels' budgets sum to {channels}, more than the channel allocation {alloc}"
        ))
        .hint("lower a channel's budget or raise the channel allocation (B001)"));
    }
    Ok(id)
}

/// Checks the plan, fills the template and writes
/// `campaigns/<ID>/campaign.toml`; nothing is written when any check fails.
/// Writes a new plan to `campaigns/<id>/campaign.toml`, whole, refusing a
/// folder that already exists; returns its path.
pub fn write_plan(repo: &Repo, id: &str, text: &str) -> Result<String> {
    let path = format!("campaigns/{id}/campaign.toml");
    let file = repo.root.join(&path);
    if file.parent().is_some_and(|d| d.exists()) {
        return Err(
            Error::user(format!("the folder campaigns/{id}/ already exists"))
                .hint("move it away or remove it if it is left over, then try again"),
        );
    }
    fsutil::create_new(&file, text.as_bytes())?;
    Ok(path)
}

pub fn new_campaign(repo: &Repo, plan: &CampaignPlan) -> Result<Created> {
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
