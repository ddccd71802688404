//! The plan written from the campaign template, with its comments.

use rust_i18n::t;

use super::*;

pub(super) fn template_error(id: &str, why: &str, line: usize) -> Error {
    Error::config(t!(
        "ops.campaign.template_invalid",
        id = id,
        line = line,
        why = why
    ))
    .hint(t!("ops.campaign.template_invalid_hint"))
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
        (
            "incident",
            toml_str(plan.incident.as_deref().unwrap_or_default()),
        ),
        ("supersedes", toml_str("")),
        ("total", money(plan.total)),
        ("allocation", allocation_lines(&plan.allocation)),
        ("phases", phase_blocks(&plan.phases)),
        ("channels", channel_blocks(&plan.channels)),
    ];
    let text = templates::fill(&template, &values).map_err(|why| {
        Error::config(format!("templates/campaign.toml: {why}")).hint(t!("ops.template_hint"))
    })?;
    with_targets(text, &plan.targets, id)
}

/// The targets set under `[targets]` (made if the template has none), the
/// template's comments kept.
fn with_targets(text: String, targets: &[(String, String)], id: &str) -> Result<String> {
    if targets.is_empty() {
        return Ok(text);
    }
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| template_error(id, e.message(), 1))?;
    let table = doc
        .entry("targets")
        .or_insert_with(toml_edit::table)
        .as_table_mut()
        .ok_or_else(|| template_error(id, "`targets` is not a table", 1))?;
    for (key, value) in targets {
        let value: toml_edit::Value = value
            .parse()
            .map_err(|_| Error::internal(format!("target {key} = {value} is not TOML")))?;
        table.insert(key, toml_edit::value(value));
    }
    Ok(doc.to_string())
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

pub(super) fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `key = value`, then the comment padded to a column, as the template does.
pub(super) fn commented(line: String, comment: &str) -> String {
    if comment.is_empty() {
        return line;
    }
    let pad = 34usize.saturating_sub(unicode_width::UnicodeWidthStr::width(line.as_str()));
    format!("{line}{:pad$}# {comment}", "", pad = pad.max(1))
}

pub(super) fn category_label(cat: &str) -> &'static str {
    match cat {
        "channel" => "渠道投放",
        "content" => "内容制作",
        "event" => "活动执行",
        "reserve" => "弹性预算",
        _ => "",
    }
}

pub(super) fn phase_label(name: &str) -> &'static str {
    match name {
        "warm-up" => "预热",
        "burst" => "爆发",
        "long-tail" => "长尾",
        _ => "",
    }
}

pub(super) fn allocation_lines(allocation: &[(String, Money)]) -> String {
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

pub(super) fn phase_blocks(phases: &[PhasePlan]) -> String {
    phases
        .iter()
        .map(|p| {
            format!(
                "[[phases]]\n{}\nstart = {}\nend = {}\nowner = {}\n{}",
                commented(
                    format!("name = {}", toml_str(&p.name)),
                    phase_label(&p.name)
                ),
                date(p.start),
                date(p.end),
                toml_str(&p.owner),
                // 规范 三(三)1: the planner writes each phase's core actions (D015).
                commented(
                    "actions = []".to_string(),
                    "核心动作, 如 [\"预告海报\", \"达人种草\"]"
                )
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

pub(super) fn channel_blocks(channels: &[(String, Money)]) -> String {
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
