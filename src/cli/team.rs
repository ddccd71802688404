use super::{Global, Outcome, print};

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
            let mut out = String::new();
            for p in &repo.team.people {
                let principal = if p.email.is_empty() { &p.id } else { &p.email };
                for k in &p.keys {
                    let Some(ssh) = &k.ssh else { continue };
                    let mut opts = vec!["namespaces=\"git\"".to_string()];
                    if let Some(f) = k.valid_from {
                        opts.push(format!("valid-after=\"{}\"", f.0.format("%Y%m%d")));
                    }
                    if let Some(u) = k.valid_until {
                        opts.push(format!("valid-before=\"{}\"", u.0.format("%Y%m%d")));
                    }
                    out.push_str(&format!("{principal} {} {}\n", opts.join(","), ssh.trim()));
                }
            }
            print(&out);
            Ok(0)
        }
    }
}
