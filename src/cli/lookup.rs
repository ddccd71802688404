//! Names as people type them, turned into what records hold: a campaign
//! by prefix or name (`Repo::find_campaign`), a person by name or id. What
//! was taken is said on stderr; what cannot be told apart is refused with
//! the candidates.

use rust_i18n::t;

use super::say;
use crate::error::{Error, Result};
use crate::repo::{CampaignLookup, Found, Repo, Want};

/// The campaign folder `query` names, or the error saying what was meant.
/// When a prefix or a name found it, the ID taken is said on stderr.
pub fn campaign(repo: &Repo, query: &str, want: Want) -> Result<String> {
    match repo.find_campaign(query, want) {
        Ok(found) => {
            if !found.exact {
                say(&chosen(query, &found));
            }
            Ok(found.id)
        }
        // Something that cannot be a folder name (`../x`) is left to the
        // command, which says why it is no campaign ID.
        Err(CampaignLookup::Unknown { .. })
            if query.contains(['/', '\\']) || query.trim().starts_with('.') =>
        {
            Ok(query.to_string())
        }
        Err(why) => Err(refusal(repo, query, why)),
    }
}

/// The same for an answer to a prompt, saying nothing (a prompt checks an
/// answer more than once): the answer and what it found, or why not (the
/// question is asked again). `tell` then says which ID was taken.
pub fn campaign_answer(
    repo: &Repo,
    query: &str,
    want: Want,
) -> std::result::Result<(String, Found), String> {
    match repo.find_campaign(query, want) {
        Ok(found) => Ok((query.to_string(), found)),
        Err(why) => {
            let e = refusal(repo, query, why);
            Err(answer_error(e))
        }
    }
}

/// Says which ID an answer found, when it was not written in full.
pub fn tell(query: &str, found: &Found) {
    if !found.exact {
        say(&chosen(query, found));
    }
}

fn chosen(query: &str, found: &Found) -> String {
    if found.passed_over.is_empty() {
        t!(
            "suggest.campaign_taken",
            query = query.trim(),
            id = found.id
        )
        .into_owned()
    } else {
        t!(
            "suggest.campaign_live_taken",
            query = query.trim(),
            id = found.id,
            others = found.passed_over.join(&t!("cli.list_sep"))
        )
        .into_owned()
    }
}

fn refusal(repo: &Repo, query: &str, why: CampaignLookup) -> Error {
    match why {
        CampaignLookup::Unknown { closest } => {
            let err = Error::user(t!("repo.no_campaign", id = query.trim()));
            match closest {
                Some(id) => err.hint(t!("rules.did_you_mean", name = id)),
                None => err.hint(t!("repo.no_campaign_help")),
            }
        }
        CampaignLookup::Ambiguous(ids) => {
            let lines: Vec<String> = ids
                .iter()
                .map(|id| match repo.campaign(id) {
                    Some(c) => format!("{id} {}", c.value.title),
                    None => id.clone(),
                })
                .collect();
            Error::user(t!(
                "suggest.campaign_ambiguous",
                query = query.trim(),
                n = ids.len()
            ))
            .hint(t!(
                "suggest.campaign_candidates",
                candidates = lines.join(&t!("suggest.candidate_sep"))
            ))
        }
    }
}

/// A path under `campaigns/<ID>/` (or `campaigns/<YYYY>/<ID>/`) whose ID was typed as a prefix or a name:
/// the same path with the folder found (one exact version). A path that
/// exists, or is not under campaigns/, is as given.
pub fn campaign_path(repo: &Repo, path: &str) -> Result<String> {
    let p = path.trim_start_matches("./");
    let Some((dir, folder)) = crate::repo::campaign_dir_of(p) else {
        return Ok(path.to_string());
    };
    let inside = &p[dir.len() + 1..];
    if repo.root.join(p).exists() {
        return Ok(path.to_string());
    }
    if repo.campaigns.contains_key(folder) {
        return Ok(format!("{}/{inside}", repo.campaign_folder(folder)));
    }
    let id = campaign(repo, folder, Want::Exact)?;
    Ok(format!("{}/{inside}", repo.campaign_folder(&id)))
}

/// The id of the person `who` names (id or unique name); `what` is the
/// role word for the message (owner, attendee …).
pub fn person(repo: &Repo, who: &str, what: &str) -> Result<String> {
    crate::ops::new_campaign::person_id(repo, who, what)
}

/// The same for an answer to a prompt.
pub fn person_answer(repo: &Repo, who: &str, what: &str) -> std::result::Result<String, String> {
    person(repo, who, what).map_err(answer_error)
}

/// An error as the answer to a prompt is told it: message (hint).
fn answer_error(e: Error) -> String {
    match e.hint {
        Some(h) => t!("cli.new_campaign.with_hint", message = e.message, hint = h).into_owned(),
        None => e.message,
    }
}

/// Several people, as a list is typed (`李娜、zhao.lei`): their ids.
pub fn people(repo: &Repo, list: &[String], what: &str) -> Result<Vec<String>> {
    list.iter()
        .flat_map(|item| crate::model::keyboard::split_list(item))
        .map(|who| person(repo, &who, what))
        .collect()
}
