//! The repository as mkt sees it: every record loaded once, with its source
//! for diagnostics, and what history says about it. Rules read only this.

mod find;
mod layout;
mod load;
mod query;
pub mod sealed;

use rust_i18n::t;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use crate::diag::Located;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Approval, Campaign, Incident, Minutes, Purchase, Results, Team};
use crate::policy::Policy;

pub use crate::source::{Fault, SourceDoc, SourceError, locate_in_text};
pub use find::{CampaignLookup, Found, Want};
pub use layout::{
    Kind, campaign_dir_of, classify, is_binary_copy, is_year, parse_quarter, parse_report_name,
    year_dir,
};
pub use load::share_tree_parses;

/// Why a file could not be taken in as a record. Loading says what went
/// wrong; the file rules (F001–F003) decide what it is called.
#[derive(Debug, Clone)]
pub struct LoadFault {
    pub kind: FaultKind,
    pub at: Located,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Not TOML.
    Syntax,
    /// TOML, but not the record's schema.
    Schema,
    /// The file exists but cannot be read, is too large or is not UTF-8.
    Unreadable,
    /// Not where any record belongs.
    Misplaced,
    /// A symbolic link.
    Symlink,
    /// A file name that is not UTF-8.
    BadName,
    /// A required file is missing.
    Missing,
}

impl LoadFault {
    fn new(kind: FaultKind, at: Located, message: impl Into<String>) -> LoadFault {
        LoadFault {
            kind,
            at,
            message: message.into(),
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> LoadFault {
        self.help = Some(help.into());
        self
    }
}

/// A record and the repository-relative path it came from.
#[derive(Debug, Clone)]
pub struct Record<T> {
    pub path: String,
    pub value: T,
}

/// Everything under `campaigns/<folder>/`.
#[derive(Debug, Default)]
pub struct CampaignDir {
    pub folder: String,
    /// Where the folder is: `campaigns/<ID>` or `campaigns/<YYYY>/<ID>`.
    pub dir: String,
    /// Other folders holding the same ID (flat and year, or two years):
    /// their files are not read into this campaign (N001 names them).
    pub also: Vec<String>,
    pub campaign: Option<Record<Campaign>>,
    pub results: Option<Record<Results>>,
    pub minutes: Vec<Record<Minutes>>,
    pub purchases: Vec<Record<Purchase>>,
    pub approvals: Vec<Record<Approval>>,
    /// Copy: paths of content/*.md|*.txt, text in `Repo::texts`, and of
    /// binary copy (images, video, office files: `is_binary_copy`), not read.
    pub content: Vec<String>,
    pub contracts: Vec<String>,
    /// The recipient tags of each contract's age header (C004), `None` for
    /// a file that is not a whole age file, or why it could not be read.
    pub contract_sealed: HashMap<String, std::result::Result<Option<BTreeSet<String>>, String>>,
    /// touchpoints.csv, text in `Repo::texts`.
    pub touchpoints: Option<String>,
}

/// Which files of the repository to load (`Repo::open_part`).
pub type Keep<'k> = &'k dyn Fn(&str) -> bool;

/// The files approvals and deadlines are judged by (`mkt verify`, `mkt
/// status`): every record but a campaign's results, touchpoints and
/// contracts, the customer store and the partner archive, which neither
/// reads. A path ending in `/` is a folder: whether it may hold such a file.
pub fn read_for_approvals(path: &str) -> bool {
    if let Some(dir) = path.strip_suffix('/') {
        return !(matches!(dir, "customers" | "partners")
            || dir.starts_with("campaigns/") && dir.ends_with("/contracts"));
    }
    !matches!(
        classify(path),
        Kind::Results { .. }
            | Kind::Touchpoints { .. }
            | Kind::Contract { .. }
            | Kind::Customers
            | Kind::Partner
    )
}

/// The loaded repository.
pub struct Repo {
    pub root: PathBuf,
    pub policy: Policy,
    pub team: Team,
    /// Whether team.toml was present and valid.
    pub has_team: bool,
    /// By folder name, in order.
    pub campaigns: BTreeMap<String, CampaignDir>,
    pub dept_minutes: Vec<Record<Minutes>>,
    pub incidents: Vec<Record<Incident>>,
    /// Filed quarterly reports: (year, quarter) -> path.
    pub reports: BTreeMap<(i32, u32), String>,
    /// Parsed TOML records, by path, for spans.
    pub docs: HashMap<String, SourceDoc>,
    /// Text files that are not TOML (copy, touchpoints).
    pub texts: HashMap<String, String>,
    /// When each minutes file and report was first committed (absent: not
    /// committed yet).
    pub first_added: HashMap<String, DateTime<FixedOffset>>,
    /// HEAD's history: commits, and changes to minutes, approvals and team.toml.
    pub history: crate::git::Walk,
    /// Approvals and sign-offs of department subjects (minutes, reports).
    pub dept_approvals: Vec<Record<Approval>>,
    pub waivers: Vec<Record<crate::model::Waiver>>,
    /// `audits/<YYYY>Q<n>.toml`, by path.
    pub audits: Vec<Record<crate::model::Audit>>,
    /// `reviews/<YYYY-MM>/<person>.toml`, by path.
    pub self_reviews: Vec<Record<crate::model::SelfReview>>,
    /// `partners/<id>.toml`, by path.
    pub partners: Vec<Record<crate::model::Partner>>,
    /// The customer data store, `customers/<name>`, by path: the recipient
    /// tags of each age file's header, `None` for a file that is not one,
    /// or why it could not be read. Nothing else of them is read.
    pub customers: BTreeMap<String, std::result::Result<Option<BTreeSet<String>>, String>>,
    /// Files that could not be taken in as records.
    pub faults: Vec<LoadFault>,
    pub git: crate::git::Repository,
    /// The index in `history` of the trust-root commit (SPEC 5).
    pub trust_root: usize,
    /// Blob ids of work-tree files, as git would hash them, once each.
    blob_ids: std::cell::RefCell<HashMap<String, Option<crate::git::Oid>>>,
    /// Whether git converts line endings here (asked once, when a work-tree
    /// file is first hashed).
    converts_eol: std::cell::OnceCell<bool>,
}
/// The policy of the repository containing `dir`, as its work tree has
/// it; the shipped default outside a repository or where it has no
/// policy.toml (`mkt explain`, `mkt rules`). A policy that does not parse
/// is an error, as for every other command.
pub fn policy_in_force(dir: &Path) -> Result<Policy> {
    let root = crate::git::discover(dir).and_then(|g| crate::git::work_tree(&g));
    let Some(path) = root.map(|r| r.join("policy.toml")).filter(|p| p.is_file()) else {
        return Ok(Policy::builtin().clone());
    };
    match crate::fsutil::read_plain(&path, POLICY_MAX_BYTES) {
        Ok(bytes) => parse_policy(bytes),
        Err(crate::fsutil::ReadPlain::Io(e)) => Err(Error::io(&path, e)),
        Err(why) => Err(unreadable_policy(&why.to_string())),
    }
}

impl Repo {
    /// Finds the repository containing `dir` and loads it.
    pub fn open(dir: &Path) -> Result<Repo> {
        Repo::open_part(dir, &|_| true)
    }

    /// Like `open`, loading only the files `keep` takes (history is read
    /// whole): for comparing two versions where only some folders differ.
    pub fn open_part(dir: &Path, keep: Keep) -> Result<Repo> {
        let git = crate::git::discover(dir).ok_or_else(|| {
            Error::user(t!("repo.not_git", dir = dir.display())).hint(t!("repo.not_git_help"))
        })?;
        let root = crate::git::work_tree(&git).ok_or_else(|| Error::user(t!("repo.bare")))?;
        let policy_path = root.join("policy.toml");
        use crate::fsutil::ReadPlain;
        let bytes = match crate::fsutil::read_plain(&policy_path, POLICY_MAX_BYTES) {
            Ok(bytes) => bytes,
            Err(ReadPlain::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::user(t!("repo.no_policy", dir = root.display()))
                    .hint(t!("repo.no_policy_help")));
            }
            Err(ReadPlain::Io(e)) => return Err(Error::io(&policy_path, e)),
            Err(why) => return Err(unreadable_policy(&why.to_string())),
        };
        let policy = parse_policy(bytes)?;
        Repo::load(git, root, policy, load::Files::WorkTree, keep)
    }

    /// The repository as commit `rev` has it (its tree and its history),
    /// never the work tree: for `--rev`, and for a bare repository.
    pub fn open_rev(dir: &Path, rev: &str, keep: Keep) -> Result<Repo> {
        let git = crate::git::discover(dir)
            .ok_or_else(|| Error::user(t!("repo.not_git", dir = dir.display())))?;
        let tip = crate::git::resolve_commit(&git, rev).ok_or_else(|| {
            Error::user(t!("repo.not_a_commit", rev = rev)).hint(t!("repo.not_a_commit_help"))
        })?;
        let files = crate::git::tree_files(&git, tip, &|p| p == "policy.toml" || keep(p))
            .map_err(Error::from)?;
        let Some(policy) = files.iter().find(|f| f.path == "policy.toml") else {
            return Err(Error::user(t!("repo.rev_no_policy", rev = rev)));
        };
        if policy.link {
            return Err(unreadable_policy(
                &crate::fsutil::ReadPlain::NotPlain("a symbolic link").to_string(),
            ));
        }
        if policy.bytes.len() as u64 > POLICY_MAX_BYTES {
            return Err(unreadable_policy(
                &crate::fsutil::ReadPlain::TooLarge(policy.bytes.len() as u64).to_string(),
            ));
        }
        let policy = parse_policy(policy.bytes.clone())?;
        // Nothing is read from a work tree: this folder never exists.
        let root = git.path().join("mkt").join("no-work-tree");
        Repo::load(git, root, policy, load::Files::Tree { tip, files }, keep)
    }

    /// Refuses a shallow clone: its oldest commit seems to add every file,
    /// so minutes timing and approvals cannot be judged.
    pub fn require_full_history(&self) -> Result<()> {
        if self.history.shallow {
            return Err(Error::user(t!("repo.shallow")).hint(t!("repo.shallow_help")));
        }
        Ok(())
    }

    /// Sets the trust root (`--trust-root REV` / `MKT_TRUST_ROOT`): the
    /// commit whose team.toml is trusted as it is.
    pub fn set_trust_root(&mut self, rev: &str) -> Result<()> {
        let full = matches!(rev.len(), 40 | 64) && rev.bytes().all(|b| b.is_ascii_hexdigit());
        if !full {
            return Err(Error::user(t!("repo.trust_root_not_full", rev = rev))
                .hint(t!("repo.trust_root_not_full_help", rev = rev)));
        }
        let oid = crate::git::resolve_commit(&self.git, rev)
            .ok_or_else(|| Error::user(t!("repo.trust_root_unknown", rev = rev)))?;
        self.trust_root = self
            .history
            .commits
            .iter()
            .position(|c| c.oid == oid)
            .ok_or_else(|| Error::user(t!("repo.trust_root_not_in_history", rev = rev)))?;
        Ok(())
    }
}

/// The most policy.toml may hold (the shipped one is about 10 KB).
const POLICY_MAX_BYTES: u64 = 1 << 20;

fn unreadable_policy(why: &str) -> Error {
    Error::config(t!("repo.policy_unreadable", why = why)).hint(t!("repo.policy_unreadable_help"))
}

/// policy.toml's bytes, read and checked.
fn parse_policy(bytes: Vec<u8>) -> Result<Policy> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let at = locate_in_text(
            "policy.toml",
            &String::from_utf8_lossy(valid),
            valid.len()..valid.len(),
        );
        Error::config(t!(
            "repo.policy_not_utf8",
            line = at.line,
            column = at.column
        ))
        .hint(t!("repo.policy_not_utf8_help"))
    })?;
    Policy::parse(&text, "policy.toml").map_err(|e| {
        Error::config(format!(
            "policy.toml:{}:{}: {}",
            e.at.line, e.at.column, e.message
        ))
        .hint(t!("repo.policy_help"))
    })
}

#[cfg(test)]
mod tests {
    use super::read_for_approvals;

    #[test]
    fn approvals_are_judged_without_results_contracts_or_customer_data() {
        for kept in [
            "policy.toml",
            "team.toml",
            "campaigns/春季促销-2026-03V1/campaign.toml",
            "campaigns/春季促销-2026-03V1/approvals/01-budget-wang.fang.toml",
            "campaigns/春季促销-2026-03V1/purchases/PO-1.toml",
            "campaigns/春季促销-2026-03V1/minutes/2026-03-01-kickoff.toml",
            "campaigns/春季促销-2026-03V1/content/海报.md",
            "campaigns/春季促销-2026-03V1/",
            "minutes/2026/2026-03-02-weekly.toml",
            "approvals/01-chair-wang.fang.toml",
        ] {
            assert!(read_for_approvals(kept), "{kept}");
        }
        for skipped in [
            "campaigns/春季促销-2026-03V1/results.toml",
            "campaigns/春季促销-2026-03V1/touchpoints.csv",
            "campaigns/春季促销-2026-03V1/contracts/媒体.age",
            "campaigns/春季促销-2026-03V1/contracts/",
            "customers/",
            "partners/",
            "partners/kol-1.toml",
        ] {
            assert!(!read_for_approvals(skipped), "{skipped}");
        }
    }
}
