use clap_complete::Shell;

use super::{Exit, Global, Outcome, print};

const EXAMPLES: &str = "Examples:
  mkt completions bash > ~/.local/share/bash-completion/completions/mkt
  mkt completions zsh > ~/.zfunc/_mkt
  mkt completions fish > ~/.config/fish/completions/mkt.fish
  # then: mkt new-c<TAB> --name 春季促销 --st<TAB> 2026-03-01 …";

/// Shell completions for mkt (命令补全)
///
/// From the same definition as `--help` and the man pages. Prints the
/// script; save it where your shell loads completions.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The shell
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(_global: &Global, args: Args) -> Outcome {
    // The descriptions in the language being spoken, as `--help` has them.
    let mut cmd = super::help::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "mkt", &mut out);
    print(&String::from_utf8_lossy(&out));
    Ok(Exit::Clean)
}
