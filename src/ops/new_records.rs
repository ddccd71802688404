//! `mkt new-audit`, `mkt new-review`, `mkt new-partner`: the records of
//! 制度 六(二) (audits/<YYYY>Q<n>.toml), 制度 五(一)
//! (reviews/<YYYY-MM>/<person>.toml) and 规范 四(二)2 (partners/<id>.toml),
//! each from its template, checked against its schema before it is written.

use rust_i18n::t;

use chrono::NaiveDate;

use super::new_campaign::{money, person_id, toml_str};
use super::new_minutes::check_slug;
use crate::error::{Error, Result};
use crate::fsutil;
use crate::model::{Audit, Money, Partner, PartnerKind, Quarter, SelfReview};
use crate::repo::{Repo, SourceDoc};
use crate::templates;

/// A record written: its repository path, and the day it is due (if any).
#[derive(Debug)]
pub struct RecordCreated {
    pub path: String,
    pub due: Option<NaiveDate>,
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| toml_str(s.trim())).collect();
    format!("[{}]", quoted.join(", "))
}

/// Fills `name`, checks the text against `T` and writes it to `path`.
fn write<T: serde::de::DeserializeOwned>(
    repo: &Repo,
    name: &str,
    path: &str,
    values: &[(&str, String)],
) -> Result<()> {
    let file = repo.root.join(path);
    if file.exists() {
        return Err(Error::user(t!("ops.exists", path = path)));
    }
    let template = templates::get(Some(&repo.root), name)
        .ok_or_else(|| Error::internal(format!("the built-in template {name} is missing")))?;
    let text = templates::fill(&template, values).map_err(|why| {
        Error::config(format!("templates/{name}: {why}")).hint(t!("ops.template_hint"))
    })?;
    let bad = |line: usize, why: String| {
        Error::config(t!(
            "ops.records.template_invalid",
            name = name,
            line = line,
            why = why
        ))
        .hint(t!("ops.records.template_invalid_hint", name = name))
    };
    let doc = SourceDoc::parse(path, &text).map_err(|e| bad(e.at.line, e.message))?;
    doc.deserialize::<T>()
        .map_err(|e| bad(e.at.line, e.message))?;
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    fsutil::create_new(&file, text.as_bytes())?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct AuditPlan {
    pub quarter: Quarter,
    /// Id or name, as typed.
    pub auditor: String,
    pub held_on: NaiveDate,
    pub scope: Vec<String>,
    pub summary: String,
}

pub fn new_audit(repo: &Repo, plan: &AuditPlan) -> Result<RecordCreated> {
    let scope: Vec<String> = plan
        .scope
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if scope.is_empty() {
        return Err(Error::user(t!("ops.records.no_scope")).hint(t!("ops.records.no_scope_hint")));
    }
    let auditor = person_id(repo, &plan.auditor, "auditor")?;
    let q = plan.quarter;
    if plan.held_on < q.first_day() {
        return Err(Error::user(t!(
            "ops.records.audit_before_quarter",
            held = plan.held_on,
            q = q
        )));
    }
    let path = format!("audits/{q}.toml");
    let due = q.days_after_end(repo.policy.records.audit_days_after_quarter);
    let example_due = plan.held_on + chrono::Duration::days(30);
    write::<Audit>(
        repo,
        "audit.toml",
        &path,
        &[
            ("auditor", toml_str(&auditor)),
            ("held_on", plan.held_on.format("%Y-%m-%d").to_string()),
            ("scope", list(&scope)),
            ("summary", toml_str(plan.summary.trim())),
            ("example_due", example_due.format("%Y-%m-%d").to_string()),
        ],
    )?;
    Ok(RecordCreated {
        path,
        due: Some(due),
    })
}

#[derive(Debug, Clone)]
pub struct ReviewPlan {
    /// (year, month).
    pub month: (i32, u32),
    /// Id or name, as typed.
    pub person: String,
    pub summary: String,
    pub next: String,
    /// The superior, id or name, if they have reviewed it already.
    pub reviewed_by: Option<String>,
    pub review: String,
}

pub fn new_review(repo: &Repo, plan: &ReviewPlan) -> Result<RecordCreated> {
    if plan.summary.trim().is_empty() {
        return Err(Error::user(t!("ops.records.no_summary")));
    }
    let person = person_id(repo, &plan.person, "person")?;
    let reviewed_by = match plan.reviewed_by.as_deref().map(str::trim) {
        Some(by) if !by.is_empty() => {
            let by = person_id(repo, by, "reviewer")?;
            let (Some(boss), Some(p)) = (repo.team.person(&by), repo.team.person(&person)) else {
                return Err(Error::internal("a person found is in the roster"));
            };
            if !crate::rules::is_superior(boss, p) {
                return Err(
                    Error::user(t!("records16.d023.not_superior", by = by, id = person))
                        .hint(t!("records16.d023.help", id = person)),
                );
            }
            by
        }
        _ => String::new(),
    };
    let (y, m) = plan.month;
    let path = format!("reviews/{y:04}-{m:02}/{person}.toml");
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    let due = NaiveDate::from_ymd_opt(ny, nm, repo.policy.records.self_review_day);
    write::<SelfReview>(
        repo,
        "review.toml",
        &path,
        &[
            (
                "due",
                due.map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            ),
            ("summary", toml_str(plan.summary.trim())),
            ("next", toml_str(plan.next.trim())),
            ("reviewed_by", toml_str(&reviewed_by)),
            ("review", toml_str(plan.review.trim())),
        ],
    )?;
    Ok(RecordCreated { path, due })
}

#[derive(Debug, Clone)]
pub struct PartnerPlan {
    pub id: String,
    pub name: String,
    pub kind: PartnerKind,
    pub platform: String,
    pub handle: String,
    pub style: String,
    pub contact: String,
    /// (item, price).
    pub rates: Vec<(String, Money)>,
}

pub fn parse_kind(s: &str) -> std::result::Result<PartnerKind, String> {
    match s.trim().to_ascii_uppercase().as_str() {
        "KOL" => Ok(PartnerKind::KOL),
        "KOC" => Ok(PartnerKind::KOC),
        other => Err(t!("ops.records.not_kind", kind = other).into_owned()),
    }
}

/// `图文笔记=8000` or `直播坑位=12000.50`: an item and its exact price.
pub fn parse_rate(s: &str) -> std::result::Result<(String, Money), String> {
    let (item, price) = s
        .split_once('=')
        .or_else(|| s.split_once('＝'))
        .ok_or_else(|| t!("ops.records.rate_shape", rate = s).into_owned())?;
    let item = item.trim();
    if item.is_empty() {
        return Err(t!("ops.records.rate_shape", rate = s).into_owned());
    }
    let price = crate::model::keyboard::halfwidth(price);
    let price: Money = price
        .trim()
        .parse()
        .map_err(|e: crate::model::MoneyError| e.to_string())?;
    if price.fen() < 0 {
        return Err(t!("records16.f002.negative_rate", price = price).into_owned());
    }
    Ok((item.to_string(), price))
}

pub fn new_partner(repo: &Repo, plan: &PartnerPlan) -> Result<RecordCreated> {
    let id = plan.id.trim();
    check_slug(id).map_err(|why| Error::user(t!("ops.slug_bad", slug = id, why = why)))?;
    for (what, v) in [
        ("--name", &plan.name),
        ("--platform", &plan.platform),
        ("--handle", &plan.handle),
    ] {
        if v.trim().is_empty() {
            return Err(Error::user(t!("ops.records.empty", flag = what)));
        }
    }
    // The archive holds business contacts only (P001).
    if !crate::rules::personal_numbers(&plan.contact).is_empty() {
        return Err(Error::user(t!("ops.records.personal_contact"))
            .hint(t!("ops.records.personal_contact_hint")));
    }
    let path = format!("partners/{id}.toml");
    let rates: Vec<String> = plan
        .rates
        .iter()
        .map(|(item, price)| {
            format!(
                "[[rates]]\nitem = {}\nprice = {}\n",
                toml_str(item),
                money(*price)
            )
        })
        .collect();
    let rates = if rates.is_empty() {
        "# [[rates]]\n# item = \"图文笔记\"\n# price = 8000\n".to_string()
    } else {
        rates.join("\n")
    };
    write::<Partner>(
        repo,
        "partner.toml",
        &path,
        &[
            ("name", toml_str(plan.name.trim())),
            (
                "kind",
                toml_str(match plan.kind {
                    PartnerKind::KOL => "KOL",
                    PartnerKind::KOC => "KOC",
                }),
            ),
            ("platform", toml_str(plan.platform.trim())),
            ("handle", toml_str(plan.handle.trim())),
            ("style", toml_str(plan.style.trim())),
            ("contact", toml_str(plan.contact.trim())),
            ("rates", rates.trim_end().to_string()),
        ],
    )?;
    Ok(RecordCreated { path, due: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_as_typed() {
        let (item, price) = parse_rate("图文笔记=8000").unwrap();
        assert_eq!((item.as_str(), price.fen()), ("图文笔记", 800_000));
        assert_eq!(
            parse_rate("直播 ＝ １２０００.５０").unwrap().1.fen(),
            1_200_050
        );
        assert!(parse_rate("8000").is_err());
        assert!(parse_rate("x=8000.123").is_err());
        assert!(parse_rate("x=-5").is_err());
    }

    #[test]
    fn kinds() {
        assert_eq!(parse_kind("koc"), Ok(PartnerKind::KOC));
        assert!(parse_kind("star").is_err());
    }
}
