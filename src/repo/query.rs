//! Questions asked of the loaded repository: a record, a key's place in a
//! file, a file's blob id, what HEAD holds.

use rust_i18n::t;
use std::collections::BTreeSet;

use super::*;

impl Repo {
    /// The git blob id of a work-tree file (what `git hash-object` gives),
    /// from the text already loaded where there is one.
    pub fn blob_id(&self, path: &str) -> Option<crate::git::Oid> {
        if let Some(id) = self.blob_ids.borrow().get(path) {
            return *id;
        }
        let converts = *self
            .converts_eol
            .get_or_init(|| crate::git::converts_line_endings(&self.git));
        let hash = |b: &[u8]| crate::git::hash_worktree_blob(&self.git, converts, path, b);
        let id = match (self.docs.get(path), self.texts.get(path)) {
            (Some(doc), _) => hash(doc.text().as_bytes()),
            (None, Some(text)) => hash(text.as_bytes()),
            _ => {
                // Binary copy is not a record: a video may be large.
                let cap = if super::is_binary_copy(path) {
                    BINARY_COPY_MAX_BYTES
                } else {
                    self.policy.general.max_file_bytes
                };
                crate::fsutil::read_plain(&self.root.join(path), cap)
                    .ok()
                    .and_then(|b| hash(&b))
            }
        };
        self.blob_ids.borrow_mut().insert(path.to_string(), id);
        id
    }

    /// What `path` holds in HEAD's tree (none: not committed).
    pub fn at_head(&self, path: &str) -> Option<crate::git::Oid> {
        crate::git::entry_at_head(&self.git, path)
    }

    /// The error for a campaign ID that does not exist, with the ID meant.
    pub fn unknown_campaign(&self, id: &str) -> Error {
        let err = Error::user(t!("repo.no_campaign", id = id));
        match self.closest_campaign(id) {
            Some(k) => err.hint(t!("rules.did_you_mean", name = k)),
            None => err.hint(t!("repo.no_campaign_help")),
        }
    }

    /// Every minutes file, campaign and department.
    pub fn minutes_paths(&self) -> impl Iterator<Item = &str> {
        self.campaigns
            .values()
            .flat_map(|c| c.minutes.iter().map(|m| m.path.as_str()))
            .chain(self.dept_minutes.iter().map(|m| m.path.as_str()))
    }

    /// The location of a key in a loaded TOML file.
    pub fn at(&self, file: &str, path: &[&str]) -> Located {
        match self.docs.get(file) {
            Some(doc) => doc.locate(path),
            None => Located::file(file),
        }
    }

    /// A file's text, for snippets.
    pub fn source_text(&self, file: &str) -> Option<String> {
        if let Some(doc) = self.docs.get(file) {
            return Some(doc.text().to_string());
        }
        if let Some(t) = self.texts.get(file) {
            return Some(t.clone());
        }
        let bytes =
            crate::fsutil::read_plain(&self.root.join(file), self.policy.general.max_file_bytes)
                .ok()?;
        String::from_utf8(bytes).ok()
    }

    /// Campaigns with a valid campaign.toml.
    pub fn campaigns(&self) -> impl Iterator<Item = (&CampaignDir, &Record<Campaign>)> {
        self.campaigns
            .values()
            .filter_map(|d| d.campaign.as_ref().map(|c| (d, c)))
    }

    /// The folder of campaign `id`: `campaigns/<ID>` or
    /// `campaigns/<YYYY>/<ID>` as it is found, `campaigns/<ID>` for one not
    /// found.
    pub fn campaign_folder(&self, id: &str) -> String {
        match self.campaigns.get(id) {
            Some(d) if !d.dir.is_empty() => d.dir.clone(),
            _ => format!("campaigns/{id}"),
        }
    }

    pub fn campaign(&self, id: &str) -> Option<&Record<Campaign>> {
        self.campaigns.get(id).and_then(|d| d.campaign.as_ref())
    }

    /// IDs of campaigns that a later version supersedes.
    pub fn superseded(&self) -> BTreeSet<&str> {
        self.campaigns()
            .filter_map(|(_, c)| c.value.supersedes())
            .collect()
    }
}

/// The most a binary copy file (an image, a video) is read to hash it.
const BINARY_COPY_MAX_BYTES: u64 = 4 << 30;
