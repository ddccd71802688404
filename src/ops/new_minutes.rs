//! `mkt new-minutes`: a minutes file for a meeting, named by the naming
//! rule (`{date}-{kind}[-{slug}].toml`), in its campaign's `minutes/` or
//! the department's `minutes/<YYYY>/`, from the template (议题, 决议, 责任人).

use rust_i18n::t;

use std::path::PathBuf;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};

use super::new_campaign::{person_id, toml_str};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::model::Minutes;
use crate::repo::{Repo, SourceDoc};
use crate::templates;

#[derive(Debug, Clone)]
pub struct MinutesPlan {
    pub kind: String,
    /// The campaign ID; `None` for a department meeting.
    pub campaign: Option<String>,
    pub held_at: DateTime<FixedOffset>,
    pub duration_minutes: u32,
    pub attendees: Vec<String>,
    pub title: Option<String>,
    pub slug: Option<String>,
}

#[derive(Debug)]
pub struct MinutesCreated {
    /// Repository-relative path.
    pub path: String,
    pub file: PathBuf,
    pub title: String,
    /// Commit by then (`deadlines.minutes_within_hours` after the meeting).
    pub commit_by: DateTime<FixedOffset>,
    /// The campaign a newer version of which exists, if the meeting was
    /// recorded for a superseded plan.
    pub superseded_by: Option<String>,
}

/// Where a meeting kind belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Belongs {
    /// kickoff, review, closing: a campaign's, always.
    Campaign,
    /// daily, weekly, monthly, quarterly: the department's, always.
    Department,
    /// adhoc: either.
    Either,
}

/// Where `kind` belongs by the policy's `[naming]`, or why it is no kind.
pub fn belongs(repo: &Repo, kind: &str) -> Result<Belongs> {
    let n = &repo.policy.naming;
    if !n.minutes_kinds.iter().any(|k| k == kind) {
        let err = Error::user(t!("ops.minutes.not_a_kind", kind = kind));
        use crate::model::keyboard::{Vocab, chinese, closest};
        return Err(
            match closest(
                Vocab::MeetingKind,
                kind,
                n.minutes_kinds.iter().map(String::as_str),
            ) {
                Some(k) => err.hint(t!(
                    "suggest.and",
                    first = t!(
                        "suggest.did_you_mean_word",
                        id = k,
                        name = chinese(Vocab::MeetingKind, k)
                    ),
                    then = t!(
                        "ops.minutes.not_a_kind_hint",
                        kinds = n.minutes_kinds.join(", ")
                    )
                )),
                None => err.hint(t!(
                    "ops.minutes.not_a_kind_hint",
                    kinds = n.minutes_kinds.join(", ")
                )),
            },
        );
    }
    // The naming rule (N003) lets adhoc minutes sit in either place.
    Ok(if kind == "adhoc" {
        Belongs::Either
    } else if n.campaign_minutes_kinds.iter().any(|k| k == kind) {
        Belongs::Campaign
    } else {
        Belongs::Department
    })
}

/// Reads `2026-02-25T10:00:00+08:00`; a time without an offset
/// (`2026-02-25T10:00`, `2026-02-25 10:00:00`) is read in `zone`.
pub fn parse_held_at(
    s: &str,
    zone: FixedOffset,
) -> std::result::Result<DateTime<FixedOffset>, String> {
    let t = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt);
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(t, f)
            && let Some(dt) = zone.from_local_datetime(&local).single()
        {
            return Ok(dt);
        }
    }
    Err(format!(
        "`{s}` is not a time: write 2026-02-25T10:00:00+08:00, or 2026-02-25T10:00 in the policy's zone"
    ))
}

/// A slug: letters, digits, `_`, `·`, `-`; never a path.
pub fn check_slug(slug: &str) -> std::result::Result<(), String> {
    if slug.is_empty() {
        return Err("the slug is empty".into());
    }
    match slug
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '_' | '·' | '-')))
    {
        Some(c) if c.is_whitespace() || c.is_control() => Err(format!(
            "the slug contains {c:?}; use letters, digits, `_`, `·` or `-`"
        )),
        Some(c) => Err(format!(
            "the slug contains `{c}`; use letters, digits, `_`, `·` or `-`"
        )),
        None => Ok(()),
    }
}

/// The name a kind goes by in the department.
pub fn kind_label(kind: &str) -> &str {
    match kind {
        "kickoff" => "启动会",
        "review" => "中期评审会",
        "closing" => "结项验收会",
        "daily" => "日会",
        "weekly" => "周会",
        "monthly" => "月度例会",
        "quarterly" => "季度会议",
        "adhoc" => "专题会议",
        other => other,
    }
}

/// Where the file goes and the default title.
fn place(
    repo: &Repo,
    plan: &MinutesPlan,
    date: NaiveDate,
) -> Result<(String, String, Option<String>)> {
    let belongs = belongs(repo, &plan.kind)?;
    let stem = match &plan.slug {
        Some(slug) => {
            check_slug(slug)
                .map_err(|why| Error::user(t!("ops.slug_bad", slug = slug, why = why)))?;
            format!("{}-{}-{slug}", date.format("%Y-%m-%d"), plan.kind)
        }
        None => format!("{}-{}", date.format("%Y-%m-%d"), plan.kind),
    };
    let label = kind_label(&plan.kind);
    match (&plan.campaign, belongs) {
        (Some(_), Belongs::Department) => Err(Error::user(t!(
            "ops.minutes.department_meeting",
            kind = plan.kind
        ))
        .hint(t!("ops.minutes.department_meeting_hint"))),
        (None, Belongs::Campaign) => Err(Error::user(t!(
            "ops.minutes.campaign_meeting",
            kind = plan.kind
        ))
        .hint(t!("ops.minutes.campaign_meeting_hint"))),
        (None, _) => Ok((
            format!("minutes/{}/{stem}.toml", date.format("%Y")),
            format!("{} 部门{label}", date.format("%Y-%m-%d")),
            None,
        )),
        (Some(id), _) => {
            let Some(c) = repo.campaign(id) else {
                return Err(repo.unknown_campaign(id));
            };
            let newer = repo
                .campaigns()
                .find(|(_, o)| o.value.supersedes() == Some(id.as_str()))
                .map(|(_, o)| o.value.id.clone());
            Ok((
                format!("{}/minutes/{stem}.toml", repo.campaign_folder(id)),
                format!("{}{label}", c.value.title),
                newer,
            ))
        }
    }
}

pub fn new_minutes(repo: &Repo, plan: &MinutesPlan) -> Result<MinutesCreated> {
    let zone = repo.policy.zone();
    let date = plan.held_at.with_timezone(&zone).date_naive();
    let (path, default_title, superseded_by) = place(repo, plan, date)?;
    // Records hold ids: names typed are written as ids.
    let attendees: Vec<String> = plan
        .attendees
        .iter()
        .map(|a| person_id(repo, a, "attendee"))
        .collect::<Result<_>>()?;
    let file = repo.root.join(&path);
    if file.exists() {
        return Err(Error::user(t!("ops.exists", path = path)).hint(t!("ops.minutes.exists_hint")));
    }
    let title = plan.title.clone().unwrap_or(default_title);
    if title.trim().is_empty() {
        return Err(Error::user(t!("ops.title_empty")));
    }
    let template = templates::get(Some(&repo.root), "minutes.toml")
        .ok_or_else(|| Error::internal("the built-in minutes template is missing"))?;
    let attendees = format!(
        "[{}]",
        attendees
            .iter()
            .map(|a| toml_str(a))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let values = [
        ("kind", toml_str(&plan.kind)),
        ("title", toml_str(&title)),
        ("held_at", plan.held_at.to_rfc3339()),
        ("duration_minutes", plan.duration_minutes.to_string()),
        ("attendees", attendees),
    ];
    let text = templates::fill(&template, &values).map_err(|why| {
        Error::config(format!("templates/minutes.toml: {why}")).hint(t!("ops.template_hint"))
    })?;
    let bad = |why: String| {
        Error::config(t!("ops.minutes.template_invalid", why = why))
            .hint(t!("ops.minutes.template_invalid_hint"))
    };
    let doc = SourceDoc::parse(&path, &text)
        .map_err(|e| bad(format!("line {}: {}", e.at.line, e.message)))?;
    doc.deserialize::<Minutes>()
        .map_err(|e| bad(format!("line {}: {}", e.at.line, e.message)))?;
    fsutil::create_new(&file, text.as_bytes())?;
    Ok(MinutesCreated {
        path,
        file,
        title,
        commit_by: plan.held_at + Duration::hours(repo.policy.deadlines.minutes_within_hours),
        superseded_by,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_times_in_the_policy_zone() {
        let zone = FixedOffset::east_opt(8 * 3600).unwrap();
        let want = "2026-02-25T10:00:00+08:00";
        for s in [
            want,
            "2026-02-25T10:00:00",
            "2026-02-25T10:00",
            "2026-02-25 10:00",
            "2026-02-25T02:00:00Z",
        ] {
            let t = parse_held_at(s, zone).unwrap();
            assert_eq!(t.with_timezone(&zone).to_rfc3339(), want, "{s}");
        }
        assert!(parse_held_at("2026-02-25", zone).is_err());
        assert!(parse_held_at("明天", zone).is_err());
    }

    #[test]
    fn slugs_are_never_paths() {
        assert!(check_slug("季度战略会").is_ok());
        assert!(check_slug("vendor-review").is_ok());
        for bad in ["", "../x", "a/b", "a b", ".x", "a\\b"] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
    }
}
