use rust_i18n::t;

use super::{Exit, Global, Outcome};
use crate::error::Error;
use crate::ops::approve::{Subject, approve};

/// Sign off a file as a signed git commit: closing minutes (the director's
/// 结项验收), other minutes (an attendee or the chair), copy (legal review),
/// a quarterly report (the director).
///
/// Examples:
///   mkt sign-off campaigns/中秋礼盒-2026-09V1/minutes/2026-10-09-closing.toml
///   mkt sign-off campaigns/春季促销-2026-03V2/content/朋友圈文案.md
///   mkt sign-off reports/2026Q3.md
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The file to sign off
    pub path: String,
    #[command(flatten)]
    pub how: super::approve::How,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    // The path is as the user typed it: relative to where mkt runs.
    let mut given = global.dir.join(&args.path);
    if !given.exists() {
        // campaigns/春季促销/minutes/…: the campaign by prefix or name.
        let found = super::lookup::campaign_path(&repo, &args.path)?;
        if found != args.path {
            given = repo.root.join(found);
        }
    }
    let abs = given
        .canonicalize()
        .map_err(|_| Error::user(t!("cli.sign_off.missing", path = args.path)))?;
    let root = repo
        .root
        .canonicalize()
        .map_err(|e| Error::io(&repo.root, e))?;
    let rel = abs
        .strip_prefix(&root)
        .map_err(|_| Error::user(t!("cli.sign_off.outside", path = args.path)))?;
    let rel: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let done = approve(
        &repo,
        &args
            .how
            .options(Subject::Path(rel.join("/")), global, &repo),
    )?;
    super::approve::tell(&done);
    Ok(Exit::Clean)
}
