use rust_i18n::t;

use super::{Exit, Global, Outcome, print, say};
use crate::view::View;

/// The roster (team.toml).
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print every SSH key that counted in the signed roster's history as a
    /// git allowed_signers file, each with the dates it counted, so plain
    /// `git log --show-signature` checks approvals too.
    ///
    /// Examples:
    ///   mkt team allowed-signers > .git/allowed_signers
    ///   git config gpg.ssh.allowedSignersFile .git/allowed_signers
    #[command(verbatim_doc_comment)]
    AllowedSigners,
}

pub fn run(global: &Global, cmd: Command) -> Outcome {
    match cmd {
        Command::AllowedSigners => {
            let repo = global.open_repo()?;
            let zone = repo.policy.zone();
            let view = View::new(&repo, global.today(zone), global.now(zone));
            let out = crate::ops::team::allowed_signers(&view);
            for id in &out.skipped {
                say(&t!("cli.team.left_out", id = id));
            }
            print(&out.text);
            Ok(Exit::Clean)
        }
    }
}
