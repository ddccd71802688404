use rust_i18n::t;

use super::{Exit, Global, Outcome, say};
use crate::ops::approve::{ApproveOptions, Approved, Subject, approve};
use crate::repo::Want;

/// Approve a campaign's budget, or a purchase, as a signed git commit.
///
/// Finds your signing key from git's configuration (user.signingkey,
/// gpg.format ssh or openpgp) or --key, maps it to you in team.toml, fills
/// the next step of the chain your roles cover, and commits exactly one
/// approval file, signed so that `git verify-commit` accepts it. Nothing
/// else you have staged or changed goes into that commit.
///
/// Examples:
///   mkt approve 春季促销-2026-03V1
///   mkt approve 618年中大促-2026-06V1 --purchase PO-2026-017
///   mkt approve 品牌焕新-2026-04V1 --reject --comment "渠道预算过高"
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The campaign ID, like 春季促销-2026-03V1
    pub id: String,
    /// Approve this purchase request of the campaign (its PO) instead
    #[arg(long, value_name = "PO")]
    pub purchase: Option<String>,
    #[command(flatten)]
    pub how: How,
}

/// What `mkt approve` and `mkt sign-off` share.
#[derive(Debug, clap::Args)]
pub struct How {
    /// Record a rejection instead of an approval
    #[arg(long)]
    pub reject: bool,
    /// A comment kept in the approval file
    #[arg(long, default_value = "")]
    pub comment: String,
    /// The chain step to fill (default: the first open one your roles cover)
    #[arg(long)]
    pub stage: Option<String>,
    /// Sign with this key (a key file, public key, or OpenPGP key id)
    #[arg(long)]
    pub key: Option<String>,
}

impl How {
    pub fn options(
        self,
        subject: Subject,
        global: &Global,
        repo: &crate::repo::Repo,
    ) -> ApproveOptions {
        ApproveOptions {
            subject,
            reject: self.reject,
            comment: self.comment,
            stage: self.stage,
            key: self.key,
            now: global.clock(repo.policy.zone()),
        }
    }
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    let subject = match args.purchase {
        Some(po) => Subject::Purchase {
            campaign: super::lookup::campaign(&repo, &args.id, Want::Exact)?,
            po,
        },
        None => Subject::Campaign(super::lookup::campaign(&repo, &args.id, Want::Live)?),
    };
    let done = approve(&repo, &args.how.options(subject, global, &repo))?;
    tell(&done);
    Ok(Exit::Clean)
}

/// Says what was committed and what the chain still needs.
pub fn tell(done: &Approved) {
    let key = match done.decision {
        crate::model::ApprovalDecision::Approve => "cli.approve.done_approved",
        crate::model::ApprovalDecision::Reject => "cli.approve.done_rejected",
        crate::model::ApprovalDecision::SignOff | crate::model::ApprovalDecision::Cancel => {
            "cli.approve.done_signed_off"
        }
    };
    say(&t!(
        key,
        stage = crate::report::grid::role_label(&done.stage),
        person = crate::approvals::acting(&done.person, done.on_behalf_of.as_deref()),
        file = done.file,
        commit = crate::approvals::short(done.commit)
    ));
    if done.complete {
        say(&t!("cli.approve.complete"));
    }
    for (stage, people) in &done.remaining {
        let who = if people.is_empty() {
            t!("cli.approve.nobody").into_owned()
        } else {
            people.join(&t!("cli.list_sep"))
        };
        say(&t!(
            "cli.approve.still_needed",
            stage = crate::report::grid::role_label(stage.name()),
            who = who
        ));
    }
}
