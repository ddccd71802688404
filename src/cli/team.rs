use super::{Exit, Global, Outcome, print};

/// The roster (team.toml).
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print team.toml's SSH keys as a git allowed_signers file, so plain
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
            print(&crate::ops::team::allowed_signers(&repo));
            Ok(Exit::Clean)
        }
    }
}
