//! `mkt new-incident`: a crisis record (舆情/危机) in
//! `incidents/<YYYY-MM-DD>-<slug>.toml`, from the template, saying by when
//! the response and the first plan are due (规范 六(三)1).

use rust_i18n::t;

use std::path::PathBuf;

use chrono::{DateTime, Duration, FixedOffset, SecondsFormat};

use super::new_campaign::{person_id, toml_str};
use super::new_minutes::check_slug;
use crate::error::{Error, Result};
use crate::fsutil;
use crate::model::{Incident, IncidentLevel};
use crate::repo::{Repo, SourceDoc};
use crate::templates;

#[derive(Debug, Clone)]
pub struct IncidentPlan {
    pub title: String,
    pub detected_at: DateTime<FixedOffset>,
    pub responded_at: Option<DateTime<FixedOffset>>,
    pub plan_at: Option<DateTime<FixedOffset>>,
    pub level: IncidentLevel,
    pub owner: String,
    pub campaign: Option<String>,
    /// The file name's slug; default from the title.
    pub slug: Option<String>,
    /// The moment of writing: a detection after it is refused.
    pub now: DateTime<FixedOffset>,
}

#[derive(Debug)]
pub struct IncidentCreated {
    /// Repository-relative path.
    pub path: String,
    pub file: PathBuf,
    pub respond_by: DateTime<FixedOffset>,
    pub plan_by: DateTime<FixedOffset>,
    /// Steps already recorded as later than the policy allows.
    pub late: Vec<&'static str>,
}

pub fn parse_level(s: &str) -> std::result::Result<IncidentLevel, String> {
    match s.trim() {
        "minor" => Ok(IncidentLevel::Minor),
        "major" => Ok(IncidentLevel::Major),
        "critical" => Ok(IncidentLevel::Critical),
        other => Err(format!(
            "`{other}` is not a level: minor, major or critical"
        )),
    }
}

fn level_name(l: IncidentLevel) -> &'static str {
    match l {
        IncidentLevel::Minor => "minor",
        IncidentLevel::Major => "major",
        IncidentLevel::Critical => "critical",
    }
}

/// A slug from a title: its letters and digits, other runs as `-`, at most
/// 24 characters. Empty when the title has none.
pub fn slug_from_title(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() || c == '_' || c == '·' {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let cut: String = out.chars().take(24).collect();
    cut.trim_end_matches('-').to_string()
}

fn time(t: DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

pub fn new_incident(repo: &Repo, plan: &IncidentPlan) -> Result<IncidentCreated> {
    let zone = repo.policy.zone();
    let title = plan.title.trim();
    if title.is_empty() {
        return Err(Error::user(t!("ops.title_empty")).hint(t!("ops.incident.title_hint")));
    }
    if plan.detected_at > plan.now {
        return Err(Error::user(t!(
            "ops.incident.detected_future",
            at = time(plan.detected_at)
        )));
    }
    for (flag, t) in [
        ("--responded-at", plan.responded_at),
        ("--plan-at", plan.plan_at),
    ] {
        if let Some(t) = t
            && t < plan.detected_at
        {
            return Err(Error::user(t!(
                "ops.incident.before_detected",
                flag = flag,
                at = time(t),
                detected = time(plan.detected_at)
            )));
        }
    }
    // Records hold ids: a name typed is written as its id.
    let owner = person_id(repo, &plan.owner, "owner")?;
    if let Some(id) = &plan.campaign
        && repo.campaign(id).is_none()
    {
        return Err(repo
            .unknown_campaign(id)
            .hint(t!("ops.incident.campaign_hint")));
    }
    let slug = match &plan.slug {
        Some(s) => {
            check_slug(s).map_err(|why| Error::user(t!("ops.slug_bad", slug = s, why = why)))?;
            s.clone()
        }
        None => {
            let s = slug_from_title(title);
            if s.is_empty() {
                return Err(Error::user(t!("ops.incident.no_file_name"))
                    .hint(t!("ops.incident.no_file_name_hint")));
            }
            s
        }
    };
    let date = plan.detected_at.with_timezone(&zone).date_naive();
    let path = format!("incidents/{}-{slug}.toml", date.format("%Y-%m-%d"));
    let file = repo.root.join(&path);
    if file.exists() {
        return Err(Error::user(t!("ops.exists", path = path)).hint(t!("ops.incident.exists_hint")));
    }
    // The level's own windows (规范 六(三)2 分级响应), else [deadlines]'.
    let (respond_in, plan_in) = repo.policy.incident_times(plan.level);
    let respond_by = plan.detected_at + Duration::minutes(respond_in);
    let plan_by = plan.detected_at + Duration::minutes(plan_in);
    let optional = |key: &str, t: Option<DateTime<FixedOffset>>| match t {
        Some(t) => format!("{key} = {}", time(t)),
        None => format!("# {key} = {}", time(plan.detected_at)),
    };
    let values = [
        ("title", toml_str(title)),
        ("detected_at", time(plan.detected_at)),
        ("respond_by", time(respond_by)),
        ("plan_by", time(plan_by)),
        ("responded_at", optional("responded_at", plan.responded_at)),
        ("plan_at", optional("plan_at", plan.plan_at)),
        ("level", toml_str(level_name(plan.level))),
        ("owner", toml_str(&owner)),
        ("campaign", toml_str(plan.campaign.as_deref().unwrap_or(""))),
    ];
    let template = templates::get(Some(&repo.root), "incident.toml")
        .ok_or_else(|| Error::internal("the built-in incident template is missing"))?;
    let text = templates::fill(&template, &values).map_err(|why| {
        Error::config(format!("templates/incident.toml: {why}")).hint(t!("ops.template_hint"))
    })?;
    let bad = |why: String| {
        Error::config(t!("ops.incident.template_invalid", why = why))
            .hint(t!("ops.incident.template_invalid_hint"))
    };
    let doc = SourceDoc::parse(&path, &text)
        .map_err(|e| bad(format!("line {}: {}", e.at.line, e.message)))?;
    doc.deserialize::<Incident>()
        .map_err(|e| bad(format!("line {}: {}", e.at.line, e.message)))?;
    fsutil::create_new(&file, text.as_bytes())?;
    let mut late = Vec::new();
    if plan.responded_at.is_some_and(|t| t > respond_by) {
        late.push("response");
    }
    if plan.plan_at.is_some_and(|t| t > plan_by) {
        late.push("plan");
    }
    Ok(IncidentCreated {
        path,
        file,
        respond_by,
        plan_by,
        late,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_titles() {
        assert_eq!(slug_from_title("新包装漏液差评扩散"), "新包装漏液差评扩散");
        assert_eq!(slug_from_title("KOL 翻车 / 道歉声明"), "KOL-翻车-道歉声明");
        assert_eq!(slug_from_title("!!!"), "");
        assert!(check_slug(&slug_from_title("a/b\\c ../d")).is_ok());
    }

    #[test]
    fn levels() {
        assert_eq!(parse_level("major"), Ok(IncidentLevel::Major));
        assert!(parse_level("huge").is_err());
    }
}
