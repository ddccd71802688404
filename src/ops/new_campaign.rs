//! `mkt new-campaign`: a plan, checked against the policy and the roster
//! before anything is written, filled into the campaign template, and
//! written at once (never half a file).

use std::path::PathBuf;

use chrono::{Datelike, Duration, NaiveDate};

use crate::error::{Error, Result};
use crate::fsutil;
use crate::model::{Campaign, Money};
use crate::model::{CampaignId, check_name, parse_campaign_id};
use crate::policy::Policy;
use crate::repo::{Repo, SourceDoc};
use crate::templates;

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

/// What a plan needs once written (SPEC 4.2, 4.4).
#[derive(Debug)]
pub struct NextSteps {
    /// The kickoff meeting's window, first and last day.
    pub kickoff: (NaiveDate, NaiveDate),
    /// The roles that approve the budget (one, or the emergency group).
    pub approver_roles: Vec<String>,
    /// The day by which the approvals are due: the start, or for emergency
    /// work `approvals.emergency_days_after_start` days after it.
    pub approve_by: NaiveDate,
    pub emergency: bool,
    /// The last day of the closing window.
    pub closing_by: NaiveDate,
}

impl NextSteps {
    pub fn of(policy: &Policy, c: &Campaign) -> NextSteps {
        let a = &policy.approvals;
        let approver_roles = if c.emergency {
            a.emergency_group.clone()
        } else {
            vec![policy.budget_role(c.budget.total).to_string()]
        };
        let approve_by = policy.approve_by(c);
        NextSteps {
            kickoff: policy.kickoff_window(c),
            approver_roles,
            approve_by,
            emergency: c.emergency,
            closing_by: policy.closing_due(c),
        }
    }
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

/// The reserve range for `total`, in money: (min, max), to the fen.
pub fn reserve_range(policy: &Policy, total: Money) -> (Money, Money) {
    policy.reserve_range(total)
}

/// Refuses a reserve outside the policy's share of the total (B002).
pub fn check_reserve(policy: &Policy, total: Money, reserve: Money) -> Result<()> {
    let b = &policy.budget;
    if total.fen() > 0 && !policy.reserve_in_range(total, reserve) {
        let (min, max) = reserve_range(policy, total);
        return Err(Error::user(format!(
            "reserve {reserve} is outside the policy's {}–{} % of total {total}",
            b.reserve_min_percent, b.reserve_max_percent
        ))
        .hint(format!(
            "with total {total}, the reserve is between {min} and {max} (policy budget.reserve_*_percent)"
        )));
    }
    Ok(())
}

/// The middle of the reserve range, in round hundreds of yuan where that
/// stays in range.
pub fn default_reserve(policy: &Policy, total: Money) -> Money {
    let (min, max) = reserve_range(policy, total);
    let mid = (min.fen() + max.fen()) / 2;
    [10000, 100, 1]
        .into_iter()
        .map(|unit| Money(mid / unit * unit))
        .find(|m| *m >= min && *m <= max && (m.fen() > 0 || max.fen() == 0))
        .unwrap_or(Money(mid))
}

/// Splits what the reserve leaves evenly over the policy's categories, in
/// round hundreds; the last takes the rest so the sum is exact.
pub fn default_allocation(policy: &Policy, total: Money, reserve: Money) -> Vec<(String, Money)> {
    let cats = &policy.budget.categories;
    let rest = total - reserve;
    let mut out = Vec::new();
    if cats.is_empty() {
        out.push(("reserve".to_string(), reserve));
        return out;
    }
    let each = Money(rest.fen() / cats.len() as i64 / 10000 * 10000);
    let mut left = rest;
    for (i, c) in cats.iter().enumerate() {
        let amount = if i + 1 == cats.len() { left } else { each };
        left = left - amount;
        out.push((c.clone(), amount));
    }
    out.push(("reserve".to_string(), reserve));
    out
}

/// Three phases over `[start, end]`: about a quarter warm-up, a little under
/// half burst, the rest long tail. Shorter than three days: one burst.
pub fn default_phases(start: NaiveDate, end: NaiveDate, owner: &str) -> Vec<PhasePlan> {
    let days = (end - start).num_days() + 1;
    let phase = |name: &str, from: i64, len: i64| PhasePlan {
        name: name.to_string(),
        start: start + Duration::days(from),
        end: start + Duration::days(from + len - 1),
        owner: owner.to_string(),
    };
    if days < 3 {
        return vec![phase("burst", 0, days.max(1))];
    }
    let warm = ((days + 2) / 4).max(1);
    let burst = ((days * 45 + 50) / 100).clamp(1, days - warm - 1);
    vec![
        phase(PHASES[0], 0, warm),
        phase(PHASES[1], warm, burst),
        phase(PHASES[2], warm + burst, days - warm - burst),
    ]
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
    let sum: Money = plan.allocation.iter().map(|(_, m)| *m).sum();
    if sum != plan.total {
        let (word, diff) = if sum > plan.total {
            ("over", sum - plan.total)
        } else {
            ("short", plan.total - sum)
        };
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
    let channels: Money = plan.channels.iter().map(|(_, m)| *m).sum();
    let channel_alloc = plan
        .allocation
        .iter()
        .find(|(c, _)| c == "channel")
        .map(|(_, m)| *m);
    if let Some(alloc) = channel_alloc
        && channels > alloc
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
pub fn new_campaign(repo: &Repo, plan: &CampaignPlan) -> Result<Created> {
    let id = check_plan(repo, plan)?;
    let text = render(repo, &id, plan)?;
    let campaign = parse_written(&text, &id)?;
    let path = format!("campaigns/{id}/campaign.toml");
    let file = repo.root.join(&path);
    if file.parent().is_some_and(|d| d.exists()) {
        return Err(
            Error::user(format!("the folder campaigns/{id}/ already exists"))
                .hint("move it away or remove it if it is left over, then try again"),
        );
    }
    fsutil::create_new(&file, text.as_bytes())?;
    Ok(Created {
        next: NextSteps::of(&repo.policy, &campaign),
        id,
        path,
        file,
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

fn template_error(id: &str, why: &str, line: usize) -> Error {
    Error::config(format!(
        "the campaign template does not make a valid plan for {id}: line {line}: {why}"
    ))
    .hint("fix templates/campaign.toml in this repository, or remove it to use the built-in one")
}

/// The template, filled.
pub fn render(repo: &Repo, id: &str, plan: &CampaignPlan) -> Result<String> {
    let template = templates::get(Some(&repo.root), "campaign.toml")
        .ok_or_else(|| Error::internal("the built-in campaign template is missing"))?;
    let values = [
        ("id", toml_str(id)),
        ("title", toml_str(&plan.title)),
        ("owner", toml_str(&plan.owner)),
        ("start", date(plan.start)),
        ("end", date(plan.end)),
        ("objective", toml_str(&plan.objective)),
        ("emergency", plan.emergency.to_string()),
        ("supersedes", toml_str("")),
        ("total", money(plan.total)),
        ("allocation", allocation_lines(&plan.allocation)),
        ("phases", phase_blocks(&plan.phases)),
        ("channels", channel_blocks(&plan.channels)),
    ];
    templates::fill(&template, &values).map_err(|why| {
        Error::config(format!("templates/campaign.toml: {why}"))
            .hint("fix the repository's own template, or remove it to use the built-in one")
    })
}

/// A TOML basic string.
pub fn toml_str(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_string()
}

/// A TOML key: bare where it can be.
pub fn toml_key(s: &str) -> String {
    let bare = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare { s.to_string() } else { toml_str(s) }
}

/// Money as the files write it: whole yuan, or a string with two decimals.
pub fn money(m: Money) -> String {
    if m.fen() % 100 == 0 {
        m.to_string()
    } else {
        format!("\"{m}\"")
    }
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `key = value`, then the comment padded to a column, as the template does.
fn commented(line: String, comment: &str) -> String {
    if comment.is_empty() {
        return line;
    }
    let pad = 34usize.saturating_sub(unicode_width::UnicodeWidthStr::width(line.as_str()));
    format!("{line}{:pad$}# {comment}", "", pad = pad.max(1))
}

fn category_label(cat: &str) -> &'static str {
    match cat {
        "channel" => "渠道投放",
        "content" => "内容制作",
        "event" => "活动执行",
        "reserve" => "弹性预算",
        _ => "",
    }
}

fn phase_label(name: &str) -> &'static str {
    match name {
        "warm-up" => "预热",
        "burst" => "爆发",
        "long-tail" => "长尾",
        _ => "",
    }
}

fn allocation_lines(allocation: &[(String, Money)]) -> String {
    allocation
        .iter()
        .map(|(k, v)| {
            commented(
                format!("{} = {}", toml_key(k), money(*v)),
                category_label(k),
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn phase_blocks(phases: &[PhasePlan]) -> String {
    phases
        .iter()
        .map(|p| {
            format!(
                "[[phases]]\n{}\nstart = {}\nend = {}\nowner = {}",
                commented(
                    format!("name = {}", toml_str(&p.name)),
                    phase_label(&p.name)
                ),
                date(p.start),
                date(p.end),
                toml_str(&p.owner)
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn channel_blocks(channels: &[(String, Money)]) -> String {
    channels
        .iter()
        .map(|(name, budget)| {
            format!(
                "[[channels]]\nname = {}\nbudget = {}",
                toml_str(name),
                money(*budget)
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
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
