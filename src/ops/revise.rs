//! `mkt revise`: the next version of a plan. The latest version is copied
//! as it stands (comments too), with `id` and `supersedes` set; the old
//! version stays for the record, now superseded.

use rust_i18n::t;

use std::path::PathBuf;

use toml_edit::{DocumentMut, Item, Value};

use super::new_campaign::{NextSteps, latest_version, parse_written, write_plan};
use crate::error::{Error, Result};
use crate::model::{CampaignId, parse_campaign_id};
use crate::repo::Repo;

#[derive(Debug)]
pub struct Revised {
    pub id: String,
    /// Repository-relative path of the new version.
    pub path: String,
    pub file: PathBuf,
    /// The version it replaces.
    pub supersedes: String,
    /// The reason the old version was cancelled, cleared in the new one.
    pub was_cancelled: Option<String>,
    pub next: NextSteps,
}

pub fn revise(repo: &Repo, id: &str) -> Result<Revised> {
    let max = repo.policy.naming.name_max_chars;
    let parsed = parse_campaign_id(id, max).map_err(|why| {
        let why = if why.contains(id) {
            why
        } else {
            t!("ops.revise.not_an_id", id = id, why = why).into_owned()
        };
        Error::user(why).hint(t!("ops.revise.not_an_id_hint"))
    })?;
    let Some(old) = repo.campaign(id) else {
        if repo.campaigns.contains_key(id) {
            return Err(Error::user(t!("ops.revise.unreadable", id = id))
                .hint(t!("ops.revise.unreadable_hint")));
        }
        return Err(repo.unknown_campaign(id));
    };
    let latest =
        latest_version(repo, &parsed.name, parsed.year, parsed.month).unwrap_or(parsed.version);
    if latest != parsed.version {
        let newest = CampaignId::format(&parsed.name, parsed.year, parsed.month, latest);
        return Err(
            Error::user(t!("ops.revise.not_latest", id = id, newest = newest))
                .hint(t!("ops.revise.not_latest_hint", newest = newest)),
        );
    }
    let new_id = CampaignId::format(&parsed.name, parsed.year, parsed.month, latest + 1);
    let text = repo
        .source_text(&old.path)
        .ok_or_else(|| Error::internal(format!("{} could not be read again", old.path)))?;
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| Error::internal(format!("{}: {e}", old.path)))?;
    set_keeping_comment(&mut doc, "id", &new_id);
    set_keeping_comment(&mut doc, "supersedes", id);
    let was_cancelled = old.value.cancelled.clone();
    if was_cancelled.is_some() {
        set_keeping_comment(&mut doc, "cancelled", "");
    }
    let out = doc.to_string();
    let campaign = parse_written(&out, &new_id)?;
    let path = write_plan(repo, &new_id, &out)?;
    Ok(Revised {
        next: NextSteps::signed(repo, &campaign),
        id: new_id,
        file: repo.root.join(&path),
        path,
        supersedes: id.to_string(),
        was_cancelled,
    })
}

/// Sets a top-level string, keeping the comment after the old value.
fn set_keeping_comment(doc: &mut DocumentMut, key: &str, value: &str) {
    let mut new = Value::from(value);
    match doc.get_mut(key) {
        Some(Item::Value(old)) => {
            *new.decor_mut() = old.decor().clone();
            *old = new;
        }
        _ => {
            doc[key] = Item::Value(new);
        }
    }
}
