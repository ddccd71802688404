//! A campaign as people name it: the exact ID, a prefix of it, or the name
//! without date and version (`春节促销` finds `春节促销-2027-01V1`), with
//! full-width letters and stray spaces forgiven.

use super::Repo;
use crate::model::{family, parse_campaign_id};

/// Which campaign a command means when several versions match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// The live plan: of one campaign's versions, the latest that no other
    /// supersedes (approve, status, new-minutes, revise).
    Live,
    /// One exact version (a contract, touchpoints, a purchase): several
    /// versions, or several campaigns, are ambiguous.
    Exact,
}

/// The campaign folder found, and whether the ID was written in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub id: String,
    /// False when a prefix or a name found it (the caller says which ID
    /// was taken).
    pub exact: bool,
    /// The other versions passed over for the live one.
    pub passed_over: Vec<String>,
}

/// Why no one campaign was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CampaignLookup {
    /// Nothing matches; the closest ID, if one is near.
    Unknown { closest: Option<String> },
    /// More than one campaign (or version) matches: their IDs.
    Ambiguous(Vec<String>),
}

/// What is compared: half-width, no spaces, lower-case ASCII.
fn normal(s: &str) -> String {
    crate::model::keyboard::halfwidth(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Without hyphens, so `春季促销 2026-03` or `春季促销202603` find it too.
fn loose(s: &str) -> String {
    normal(s).chars().filter(|c| *c != '-').collect()
}

impl Repo {
    /// The campaign `query` names (see the module doc).
    pub fn find_campaign(&self, query: &str, want: Want) -> Result<Found, CampaignLookup> {
        let q = normal(query);
        let ids: Vec<&str> = self.campaigns.keys().map(String::as_str).collect();
        if let Some(id) = ids.iter().find(|id| **id == query.trim()) {
            return Ok(self.found(id, true, Vec::new()));
        }
        if let Some(id) = ids.iter().find(|id| normal(id) == q) {
            return Ok(self.found(id, true, Vec::new()));
        }
        if q.is_empty() {
            return Err(CampaignLookup::Unknown { closest: None });
        }
        let max = self.policy.naming.name_max_chars;
        let lq = loose(query);
        let matches: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| {
                let name = parse_campaign_id(id, max).map(|p| p.name).ok();
                loose(id).starts_with(&lq) || name.is_some_and(|n| normal(&n) == q)
            })
            .collect();
        match matches.as_slice() {
            [] => Err(CampaignLookup::Unknown {
                closest: self.closest_campaign(query),
            }),
            [one] => Ok(self.found(one, false, Vec::new())),
            many => {
                let families: std::collections::BTreeSet<&str> =
                    many.iter().map(|id| family(id)).collect();
                if want == Want::Exact || families.len() > 1 {
                    return Err(CampaignLookup::Ambiguous(
                        many.iter().map(|s| s.to_string()).collect(),
                    ));
                }
                let superseded = self.superseded();
                let version = |id: &str| parse_campaign_id(id, max).map_or(0, |p| p.version);
                let live = many
                    .iter()
                    .filter(|id| !superseded.contains(**id))
                    .max_by_key(|id| version(id))
                    .or_else(|| many.iter().max_by_key(|id| version(id)))
                    .copied()
                    .unwrap_or(many[0]);
                let others = many
                    .iter()
                    .filter(|id| **id != live)
                    .map(|s| s.to_string())
                    .collect();
                Ok(self.found(live, false, others))
            }
        }
    }

    fn found(&self, id: &str, exact: bool, passed_over: Vec<String>) -> Found {
        Found {
            id: id.to_string(),
            exact,
            passed_over,
        }
    }

    /// The campaign ID most like `query`: compared whole, and by name
    /// without date and version (`春节促销` is near `春季促销-2026-03V1`).
    pub fn closest_campaign(&self, query: &str) -> Option<String> {
        let q = normal(query);
        let max = self.policy.naming.name_max_chars;
        let ids: Vec<&String> = self.campaigns.keys().collect();
        if let Some(id) = crate::suggest::closest(&q, ids.iter().map(|s| s.as_str())) {
            return Some(id.to_string());
        }
        let names: Vec<(String, &String)> = ids
            .iter()
            .filter_map(|id| {
                parse_campaign_id(id, max)
                    .ok()
                    .map(|p| (normal(&p.name), *id))
            })
            .collect();
        let name = crate::suggest::closest(&q, names.iter().map(|(n, _)| n.as_str()))?;
        // The live version of that name, else its latest.
        let superseded = self.superseded();
        names
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, id)| *id)
            .max_by_key(|id| {
                let version = parse_campaign_id(id, max).map_or(0, |p| p.version);
                (!superseded.contains(id.as_str()), version)
            })
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::{loose, normal};

    #[test]
    fn spaces_and_full_width_are_forgiven() {
        assert_eq!(normal(" 春季促销－２０２６ "), "春季促销-2026");
        assert_eq!(loose("春季促销 2026-03"), "春季促销202603");
        assert_eq!(normal("ABC v1"), "abcv1");
    }
}
