//! `--help` in the language being spoken. clap's derive gives the English
//! (the doc comments, kept as they are); in Chinese every command's about,
//! long about, examples and argument help are replaced by the catalogue's
//! `cli.help.<command>[.<subcommand>].<about|long_about|after_help|arg id>`
//! when it has them (an argument shared by many commands, such as
//! `--format`, falls back to `cli.help.arg.<id>`), and clap's headings are
//! written in Chinese by a help template.

use clap::{Command, CommandFactory};

use crate::i18n::Lang;

/// The catalogue's Chinese for `key`, if it has it (no fallback).
fn zh(key: &str) -> Option<String> {
    crate::_rust_i18n_backend()
        .translate(Lang::ZhCn.code(), key)
        .map(|s| s.into_owned())
}

/// mkt's command line as clap parses it and prints its help: English as
/// the doc comments have it, or Chinese.
pub fn command() -> Command {
    let cmd = super::Cli::command();
    if crate::i18n::current() != Lang::ZhCn {
        return cmd;
    }
    in_chinese(cmd)
}

/// Every help text the catalogue has in Chinese, on the built command.
pub fn in_chinese(mut cmd: Command) -> Command {
    // Built first, so that the generated `help` subcommands, `--help` and
    // `--version` and the propagated global options exist to be changed.
    cmd.build();
    localize(cmd, "cli.help")
}

fn localize(mut cmd: Command, prefix: &str) -> Command {
    if let Some(s) = zh(&format!("{prefix}.about")) {
        cmd = cmd.about(s);
    }
    if let Some(s) = zh(&format!("{prefix}.long_about")) {
        cmd = cmd.long_about(s);
    }
    if let Some(s) = zh(&format!("{prefix}.after_help")) {
        cmd = cmd.after_help(s.clone()).after_long_help(s);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().as_str().to_string())
        .collect();
    for id in ids {
        let own = format!("{prefix}.{id}");
        // clap's `--help` says more when there is a long help to see.
        let plain = id == "help"
            && cmd
                .get_arguments()
                .any(|a| a.get_id() == "help" && a.get_long_help().is_none());
        let shared = if plain {
            "cli.help.arg.help_plain".to_string()
        } else {
            format!("cli.help.arg.{id}")
        };
        let found = [own, shared]
            .into_iter()
            .find_map(|k| zh(&k).map(|h| (k, h)));
        // Every argument goes through `mut_arg`, translated or not: on a
        // built command it moves the argument to the end, and clap's
        // option lookup keeps the built order, so skipping one would hand
        // each later option's value to its neighbour's parser.
        let Some((key, help)) = found else {
            cmd = cmd.mut_arg(id.as_str(), |a| a);
            continue;
        };
        let long = zh(&format!("{key}_long"));
        cmd = cmd.mut_arg(id.as_str(), |a| {
            let (help, long) = match spec_values(&a) {
                Some(spec) => (format!("{help}{spec}"), long.map(|l| format!("{l}{spec}"))),
                None => (help, long),
            };
            let long = match long {
                Some(l) => clap::builder::Resettable::Value(l.into()),
                None => clap::builder::Resettable::Reset,
            };
            a.help(help)
                .long_help(long)
                .hide_env(true)
                .hide_default_value(true)
                .hide_possible_values(true)
        });
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub = if name == "help" {
            "cli.help.help-command".to_string()
        } else {
            format!("{prefix}.{name}")
        };
        cmd = cmd.mut_subcommand(name.as_str(), |s| localize(s, &sub));
    }
    let template = template(&cmd);
    cmd.help_template(template)
}

/// A command line clap refused, told in Chinese: what is wrong, the usage
/// and where to read more; `None` for help and the version, which clap
/// prints itself. Exit statuses stay clap's.
pub fn error_in_chinese(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind as K, ContextValue as V, ErrorKind as E};
    if crate::i18n::current() != Lang::ZhCn
        || matches!(
            e.kind(),
            E::DisplayHelp | E::DisplayVersion | E::DisplayHelpOnMissingArgumentOrSubcommand
        )
    {
        return None;
    }
    let one = |k: K| match e.get(k) {
        Some(V::String(s)) => s.clone(),
        Some(V::Strings(v)) => v.join("、"),
        Some(V::StyledStr(s)) => s.to_string(),
        Some(V::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let list = |k: K| match e.get(k) {
        Some(V::Strings(v)) => v.clone(),
        Some(V::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    let arg = one(K::InvalidArg);
    let value = one(K::InvalidValue);
    let cause = std::error::Error::source(e)
        .map(|c| c.to_string())
        .unwrap_or_default();
    let mut text = match e.kind() {
        E::UnknownArgument => format!("无法识别的参数 '{arg}'"),
        E::InvalidSubcommand => format!("无法识别的子命令 '{}'", one(K::InvalidSubcommand)),
        E::InvalidValue if value.is_empty() => format!("参数 '{arg}' 需要一个值，但没有给出"),
        E::InvalidValue => format!("参数 '{arg}' 的值 '{value}' 无效"),
        E::ValueValidation if cause.is_empty() => format!("参数 '{arg}' 的值 '{value}' 无效"),
        E::ValueValidation => format!("参数 '{arg}' 的值 '{value}' 无效：{cause}"),
        E::MissingRequiredArgument => {
            let mut t = "缺少必需的参数：".to_string();
            for a in list(K::InvalidArg) {
                t.push_str(&format!("\n  {a}"));
            }
            t
        }
        E::MissingSubcommand => format!("'{}' 需要一个子命令", one(K::InvalidSubcommand)),
        E::ArgumentConflict => match one(K::PriorArg) {
            p if p.is_empty() => format!("参数 '{arg}' 不能与其他已给出的参数同时使用"),
            p => format!("参数 '{arg}' 不能与 '{p}' 同时使用"),
        },
        E::TooManyValues => format!("参数 '{arg}' 多出了一个值 '{value}'"),
        E::NoEquals => format!("给参数 '{arg}' 赋值时需要使用等号"),
        _ => {
            // Others are rare: clap's own words, with the labels in Chinese.
            let english = e.render().to_string();
            let english = english.trim_end();
            let body = english.strip_prefix("error: ").unwrap_or(english);
            let body = body
                .split("\n\nFor more information")
                .next()
                .unwrap_or(body)
                .replace("Usage: ", "用法：")
                .replace("tip: ", "提示：");
            return Some(format!("{}{body}", t_error()));
        }
    };
    let valid = list(K::ValidValue);
    if !valid.is_empty() {
        text.push_str(&format!("\n  ［可选：{}］", valid.join("、")));
    }
    let valid = list(K::ValidSubcommand);
    if !valid.is_empty() {
        text.push_str(&format!("\n  ［子命令：{}］", valid.join("、")));
    }
    for (k, what) in [
        (K::SuggestedArg, "参数"),
        (K::SuggestedSubcommand, "子命令"),
        (K::SuggestedValue, "值"),
    ] {
        let s = list(k);
        if !s.is_empty() {
            let s: Vec<String> = s.iter().map(|v| format!("'{v}'")).collect();
            text.push_str(&format!("\n\n  提示：有类似的{what}：{}", s.join("、")));
        }
    }
    let mut out = format!("{}{text}", t_error());
    let usage = one(K::Usage);
    if !usage.is_empty() {
        let usage = usage.trim_start_matches("Usage: ").trim_end();
        out.push_str(&format!("\n\n用法：{usage}"));
    }
    out.push_str("\n\n更多信息，请运行 '--help'。");
    Some(out)
}

fn t_error() -> String {
    rust_i18n::t!("common.error").into_owned()
}

/// What clap adds after an argument's help in English (`[env: …]`,
/// `[default: …]`, `[possible values: …]`), in Chinese; clap's own is
/// hidden then.
fn spec_values(a: &clap::Arg) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(name) = a.get_env().filter(|_| !a.is_hide_env_set()) {
        let name = name.to_string_lossy();
        let value = if a.is_hide_env_values_set() {
            String::new()
        } else {
            format!(
                "={}",
                std::env::var_os(&*name)
                    .map(|v| v.to_string_lossy().into_owned())
                    .unwrap_or_default()
            )
        };
        parts.push(format!("［环境变量：{name}{value}］"));
    }
    let takes = a.get_action().takes_values();
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if takes && !defaults.is_empty() && !a.is_hide_default_value_set() {
        parts.push(format!("［默认：{}］", defaults.join("、")));
    }
    let values: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if takes && !values.is_empty() && !a.is_hide_possible_values_set() {
        parts.push(format!("［可选：{}］", values.join("、")));
    }
    (!parts.is_empty()).then(|| format!(" {}", parts.join(" ")))
}

/// clap's default layout, with Chinese headings and full-width colons.
fn template(cmd: &Command) -> String {
    let mut sections = Vec::new();
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        sections.push("命令：\n{subcommands}");
    }
    if cmd.get_positionals().any(|a| !a.is_hide_set()) {
        sections.push("参数：\n{positionals}");
    }
    if cmd
        .get_arguments()
        .any(|a| !a.is_positional() && !a.is_hide_set())
    {
        sections.push("选项：\n{options}");
    }
    let mut t = "{before-help}{about-with-newline}\n用法：{usage}".to_string();
    if !sections.is_empty() {
        t.push_str("\n\n");
        t.push_str(&sections.join("\n\n"));
    }
    t.push_str("{after-help}");
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command path: `lint`, `team allowed-signers`, … (not `help`).
    fn paths(cmd: &Command, prefix: &[String], out: &mut Vec<Vec<String>>) {
        for s in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut p = prefix.to_vec();
            p.push(s.get_name().to_string());
            out.push(p.clone());
            paths(s, &p, out);
        }
    }

    /// The Chinese command keeps every option where clap looks it up: each
    /// option of each command, given a value no parser takes, is refused
    /// naming that option, in both languages (an option skipped by
    /// `localize` once handed its value to its neighbour's parser).
    #[test]
    fn the_chinese_command_line_parses_as_the_english_one() {
        let en = {
            let mut c = super::super::Cli::command();
            c.build();
            c
        };
        let zh_cmd = in_chinese(super::super::Cli::command());
        let mut all = Vec::new();
        paths(&en, &[], &mut all);
        let mut wrong = Vec::new();
        for p in &all {
            let sub = |c: &Command| {
                p.iter().fold(c.clone(), |c, name| {
                    c.find_subcommand(name).cloned().expect("same commands")
                })
            };
            for a in sub(&en).get_arguments() {
                let (Some(long), true) = (a.get_long(), a.get_action().takes_values()) else {
                    continue;
                };
                let mut line: Vec<String> = std::iter::once("mkt".to_string())
                    .chain(p.iter().cloned())
                    .collect();
                line.push(format!("--{long}=\u{1}-not-a-value-\u{1}"));
                let refused_at = |c: &Command| match c.clone().try_get_matches_from(&line) {
                    Ok(_) => None,
                    Err(e) => match e.get(clap::error::ContextKind::InvalidArg) {
                        Some(clap::error::ContextValue::String(s)) => Some(s.clone()),
                        _ => Some(String::new()),
                    },
                };
                let (e, z) = (refused_at(&en), refused_at(&zh_cmd));
                if e != z {
                    wrong.push(format!("{line:?}: en {e:?}, zh {z:?}"));
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    /// Options without a Chinese help keep their own parsers, before and
    /// after one that has one (the catalogue has `cli.help.arg.format`).
    #[test]
    fn an_option_left_untranslated_keeps_its_own_parser() {
        use clap::{Arg, value_parser};
        let mut cmd = Command::new("x")
            .arg(
                Arg::new("count")
                    .long("count")
                    .value_parser(value_parser!(u8)),
            )
            .arg(Arg::new("format").long("format"))
            .arg(Arg::new("word").long("word"));
        cmd.build();
        let cmd = localize(cmd, "cli.help.no-such-command");
        let m = cmd
            .clone()
            .try_get_matches_from(["x", "--word", "abc", "--count", "7"])
            .unwrap();
        assert_eq!(m.get_one::<String>("word").map(String::as_str), Some("abc"));
        assert_eq!(m.get_one::<u8>("count"), Some(&7));
        let e = cmd
            .try_get_matches_from(["x", "--count", "abc"])
            .unwrap_err();
        assert!(e.to_string().contains("--count"), "{e}");
    }

    #[test]
    fn every_command_has_a_chinese_about() {
        let mut cmd = super::super::Cli::command();
        cmd.build();
        let mut all = Vec::new();
        paths(&cmd, &[], &mut all);
        assert!(all.len() > 20, "{all:?}");
        let mut missing = Vec::new();
        for p in std::iter::once(Vec::new()).chain(all) {
            let mut key = "cli.help".to_string();
            for part in &p {
                key.push('.');
                key.push_str(part);
            }
            key.push_str(".about");
            if zh(&key).is_none() {
                missing.push(key);
            }
        }
        assert!(missing.is_empty(), "no Chinese about: {missing:#?}");
    }

    /// The catalogue's English of `cli.help.*` is the doc comments' as they
    /// are now: a doc comment changed is a Chinese help to look at again.
    #[test]
    fn the_catalogue_has_the_english_help_as_it_is() {
        fn walk(cmd: &Command, prefix: &str, stale: &mut Vec<String>) {
            let en = |k: &str| {
                crate::_rust_i18n_backend()
                    .translate(Lang::En.code(), k)
                    .map(|s| s.into_owned())
            };
            let mut check = |k: String, now: Option<String>| {
                if let (Some(was), Some(now)) = (en(&k), now)
                    && was != now
                {
                    stale.push(format!("{k} is now {now:?}"));
                }
            };
            check(
                format!("{prefix}.about"),
                cmd.get_about().map(|s| s.to_string()),
            );
            check(
                format!("{prefix}.long_about"),
                cmd.get_long_about().map(|s| s.to_string()),
            );
            check(
                format!("{prefix}.after_help"),
                cmd.get_after_help().map(|s| s.to_string()),
            );
            for a in cmd.get_arguments() {
                check(
                    format!("{prefix}.{}", a.get_id()),
                    a.get_help().map(|s| s.to_string()),
                );
            }
            for s in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                walk(s, &format!("{prefix}.{}", s.get_name()), stale);
            }
        }
        let mut cmd = super::super::Cli::command();
        cmd.build();
        let mut stale = Vec::new();
        walk(&cmd, "cli.help", &mut stale);
        assert!(
            stale.is_empty(),
            "the English help changed; update `en` and look at `zh-CN` of: {stale:#?}"
        );
    }

    /// The most used commands' help is Chinese throughout: their long
    /// about and every argument they show.
    #[test]
    fn the_most_used_commands_speak_chinese_throughout() {
        let cmd = in_chinese(super::super::Cli::command());
        let han = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for name in [
            "lint",
            "status",
            "approve",
            "new-campaign",
            "new-minutes",
            "report",
            "verify",
            "init",
            "explain",
        ] {
            let sub = cmd.find_subcommand(name).expect(name);
            let about = sub.get_about().map(|s| s.to_string()).unwrap_or_default();
            assert!(
                zh(&format!("cli.help.{name}.about")).is_some_and(|z| z == about),
                "{name}: {about}"
            );
            if sub.get_long_about().is_some() {
                assert!(
                    zh(&format!("cli.help.{name}.long_about")).is_some(),
                    "{name} has no Chinese long about"
                );
            }
        }
        // And every argument of every command says what it is in Chinese.
        let mut all = Vec::new();
        paths(&cmd, &[], &mut all);
        for p in std::iter::once(Vec::new()).chain(all) {
            let mut sub = &cmd;
            for part in &p {
                sub = sub.find_subcommand(part).expect(part);
            }
            for a in sub.get_arguments().filter(|a| !a.is_hide_set()) {
                let help = a.get_help().map(|s| s.to_string()).unwrap_or_default();
                assert!(han(&help), "{p:?} {}: `{help}`", a.get_id());
            }
        }
    }
}
