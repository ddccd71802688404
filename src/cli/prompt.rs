//! Asking a person — only when one is there: stdin and stderr are
//! terminals, and neither `CI` nor `--no-input` is set. Otherwise a value
//! that has no default is an error naming the flag that gives it.

use std::io::IsTerminal;

use dialoguer::{Confirm, Input};
use rust_i18n::t;

use crate::error::{Error, Result};

/// The flag every asking command takes.
#[derive(Debug, Clone, clap::Args)]
pub struct InputArgs {
    /// Never ask; a missing value is an error naming its flag (as when CI is set)
    #[arg(long)]
    pub no_input: bool,
}

pub struct Prompter {
    interactive: bool,
}

/// What a question offers when the person just presses Enter.
pub enum Offer {
    /// Nothing: the person answers, or without a person the flag is missing.
    Nothing,
    /// Shown when asking; without a person the flag is still missing (a
    /// guess such as next month's first day is no value for a script).
    Suggest(String),
    /// Shown when asking, and taken as it is without a person.
    Default(String),
}

/// Whether `CI` is set to something that means yes.
fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

impl Prompter {
    pub fn new(args: &InputArgs) -> Prompter {
        let interactive = !args.no_input
            && !in_ci()
            && std::io::stdin().is_terminal()
            && std::io::stderr().is_terminal();
        Prompter { interactive }
    }

    pub fn interactive(&self) -> bool {
        self.interactive
    }

    /// The value of `flag` if given; else asked (with the offer); else the
    /// offered default; else the error naming the flag. `parse` checks an
    /// answer as it is typed, so a wrong one is asked again, not fatal.
    pub fn value<T>(
        &self,
        given: Option<T>,
        flag: &str,
        prompt: &str,
        offer: Offer,
        parse: impl Fn(&str) -> std::result::Result<T, String>,
    ) -> Result<T> {
        if let Some(v) = given {
            return Ok(v);
        }
        let default = match offer {
            Offer::Default(d) if !self.interactive => {
                return parse(&d).map_err(|why| {
                    Error::user(t!("cli.prompt.flag_error", flag = flag, why = why))
                });
            }
            _ if !self.interactive => return Err(missing(flag)),
            Offer::Nothing => None,
            Offer::Suggest(d) | Offer::Default(d) => Some(d),
        };
        let mut input = Input::<String>::with_theme(&SAID)
            .with_prompt(prompt)
            .allow_empty(true)
            .validate_with(|s: &String| parse(s.trim()).map(|_| ()));
        if let Some(d) = default {
            input = input.default(d);
        }
        let answer = input.interact().map_err(cancelled)?;
        parse(answer.trim()).map_err(Error::user)
    }

    /// Yes or no; without a person, `default`.
    pub fn confirm(&self, prompt: &str, default: bool) -> Result<bool> {
        if !self.interactive {
            return Ok(default);
        }
        Confirm::new()
            .with_prompt(prompt)
            .default(default)
            .interact()
            .map_err(cancelled)
    }

    /// A note for the person answering (stderr), only when there is one.
    pub fn note(&self, text: &str) {
        if self.interactive {
            super::say(text);
        }
    }
}

/// dialoguer's plain look, with its `error:` in the language spoken.
struct Said;

static SAID: Said = Said;

impl dialoguer::theme::Theme for Said {
    fn format_error(&self, f: &mut dyn std::fmt::Write, err: &str) -> std::fmt::Result {
        f.write_str(&t!("cli.prompt.invalid", why = err))
    }
}

/// The error for a value nobody gave.
pub fn missing(flag: &str) -> Error {
    Error::user(t!("cli.prompt.missing", flag = flag))
        .hint(t!("cli.prompt.missing_hint", flag = flag))
}

/// A prompt that ended without an answer (end of input): nothing is written.
fn cancelled(e: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(e) = e;
    Error::user(t!("cli.prompt.cancelled", why = e))
}
