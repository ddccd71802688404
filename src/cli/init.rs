use std::path::{Path, PathBuf};

use super::prompt::{InputArgs, Offer, Prompter};
use super::{Exit, Global, Outcome, say};
use crate::error::{Error, Result};
use crate::git::{GitConfig, Signer, SignerKey};
use crate::ops::init::{FirstAdmin, InitOptions, check_target, init};
use crate::ops::roster_edit::{check_email, check_id, check_name};
use rust_i18n::t;

/// Create a marketing repository whose first commit verifies and lints
/// clean: the policy, the folders, and the first admin's signed roster.
///
/// In a new folder (git init) or an existing repository: the default
/// policy.toml, the folders, a .gitignore, and a team.toml naming the first
/// admin with their signing key, committed signed by that key.
///
/// Asks in a terminal for the first admin (id, name, email: git's user.name
/// and user.email are offered) or takes them as flags. The key is --key,
/// else git's user.signingkey, else ~/.ssh/id_ed25519; with none, an
/// ed25519 key is made there with ssh-keygen (asked in a terminal,
/// --new-key in a script). Sets core.quotePath, gpg.format,
/// user.signingkey, pull.rebase and mkt.trustRoot in the repository's git
/// config, and says so.
///
/// With --example, the sample department instead: ten people, campaigns
/// like 春季促销-2026-03V1 across 2026, minutes, results, purchases, an
/// incident and reports, committed on the dates they happened.
///
/// Examples:
///   mkt init 市场部
///   mkt init 市场部 --admin-id wang.fang --admin-name 王芳 --admin-email wang.fang@example.com --new-key
///   mkt init --example demo && mkt -C demo lint --today 2026-11-25
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The folder (created if missing); default: the current one
    pub dir: Option<PathBuf>,

    /// Fill it with the example department, for demos and tests
    #[arg(long, conflicts_with_all = ["admin_id", "admin_name", "admin_email", "key", "new_key", "no_admin"])]
    pub example: bool,

    /// The first admin's id, as records name them (default: their email before the @)
    #[arg(long, value_name = "ID")]
    pub admin_id: Option<String>,

    /// The first admin's name, e.g. 王芳 (default: git's user.name)
    #[arg(long, value_name = "NAME")]
    pub admin_name: Option<String>,

    /// The first admin's email (default: git's user.email)
    #[arg(long, value_name = "EMAIL")]
    pub admin_email: Option<String>,

    /// The key the first admin signs with: a key file (a .pub with its private half beside it), or an OpenPGP key id
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,

    /// Without any key, make ~/.ssh/id_ed25519 (no passphrase) without asking
    #[arg(long)]
    pub new_key: bool,

    /// Only the folders and the team.toml template, committed unsigned: the first admin signs the roster naming them later
    #[arg(long, conflicts_with_all = ["admin_id", "admin_name", "admin_email", "key", "new_key"])]
    pub no_admin: bool,

    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let dir = match &args.dir {
        Some(d) if d.is_absolute() => d.clone(),
        Some(d) => global.dir.join(d),
        None => global.dir.clone(),
    };
    check_target(&dir, args.example)?;
    let policy = crate::policy::Policy::builtin();
    let at = global.clock(policy.zone());
    let admin = if args.example || args.no_admin {
        None
    } else {
        Some(first_admin(global, &args, &dir)?)
    };
    let done = init(&InitOptions {
        dir,
        example: args.example,
        at,
        admin,
    })?;
    let shown = done.root.display();
    if args.example {
        say(&t!(
            "cli.init.example_created",
            dir = shown,
            campaigns = done.campaigns,
            files = done.files,
            commits = done.commits
        ));
    } else if done.had_history {
        say(&t!(
            "cli.init.created_on_history",
            dir = shown,
            commits = done.commits
        ));
    } else {
        say(&t!("cli.init.created", dir = shown));
    }
    if let Some(id) = &done.trust_root {
        say(&t!("cli.init.trust_root", id = id));
    }
    if !done.config.is_empty() {
        say(&t!("cli.init.config_set"));
        for (k, v) in &done.config {
            say(&format!(
                "  git config {k} {}",
                crate::ops::setup::shell_word(v)
            ));
        }
    }
    if args.example {
        say(&t!("cli.init.example_next", dir = shown));
    } else if done.trust_root.is_some() {
        say(&t!("cli.init.next_signed"));
    } else {
        say(&t!("cli.init.next"));
    }
    Ok(Exit::Clean)
}

/// The first admin, asked for or taken from the flags, and their signer.
fn first_admin(global: &Global, args: &Args, dir: &Path) -> Result<FirstAdmin> {
    let cfg = GitConfig::at(dir);
    let p = Prompter::new(&args.input);
    let git_name = cfg.get("user.name").filter(|n| check_name(n).is_ok());
    let git_email = cfg.get("user.email").filter(|e| check_email(e).is_ok());
    let email_id = |e: &str| {
        let local = e.split('@').next().unwrap_or("").to_lowercase();
        check_id(&local).is_ok().then_some(local)
    };
    // Without a person, every value that has no default is named at once.
    if !p.interactive() {
        let mut missing = Vec::new();
        if args.admin_id.is_none()
            && args
                .admin_email
                .as_deref()
                .or(git_email.as_deref())
                .and_then(email_id)
                .is_none()
        {
            missing.push("--admin-id");
        }
        if args.admin_name.is_none() && git_name.is_none() {
            missing.push("--admin-name");
        }
        if args.admin_email.is_none() && git_email.is_none() {
            missing.push("--admin-email");
        }
        if !missing.is_empty() {
            return Err(
                Error::user(t!("cli.init.missing", flags = missing.join(" ")))
                    .hint(t!("cli.init.missing_hint")),
            );
        }
    }
    p.note(&t!("cli.init.asking"));
    let offer = |v: Option<String>| v.map_or(Offer::Nothing, Offer::Default);
    let name = p.value(
        args.admin_name.clone(),
        "--admin-name",
        &t!("cli.init.prompt_name"),
        offer(git_name),
        |s| check_name(s).map(|_| s.trim().to_string()),
    )?;
    let email = p.value(
        args.admin_email.clone(),
        "--admin-email",
        &t!("cli.init.prompt_email"),
        offer(git_email),
        |s| check_email(s).map(|_| s.to_string()),
    )?;
    let id = p.value(
        args.admin_id.clone(),
        "--admin-id",
        &t!("cli.init.prompt_id"),
        offer(email_id(&email)),
        |s| check_id(s).map(|_| s.to_string()),
    )?;
    for (flag, check) in [
        ("--admin-name", check_name(&name)),
        ("--admin-email", check_email(&email)),
        ("--admin-id", check_id(&id)),
    ] {
        check.map_err(|why| Error::user(t!("cli.prompt.flag_error", flag = flag, why = why)))?;
    }
    let (signer, format, signing_key, from) = signing_key(global, args, &cfg, &p, &email)?;
    let fingerprint = signer.key().fingerprint();
    say(&t!(
        "cli.init.key",
        format = format,
        fingerprint = fingerprint,
        key = signing_key,
        from = from
    ));
    if p.interactive()
        && !p.confirm(
            &t!("cli.init.confirm", id = id, name = name, email = email),
            true,
        )?
    {
        return Err(Error::user(t!("cli.init.declined")));
    }
    Ok(FirstAdmin {
        id,
        name,
        email,
        signer,
        format,
        signing_key,
    })
}

/// The key the first admin signs with, what git's configuration should say
/// for it (`gpg.format`, `user.signingkey`), and where it came from.
fn signing_key(
    global: &Global,
    args: &Args,
    cfg: &GitConfig,
    p: &Prompter,
    email: &str,
) -> Result<(Signer, &'static str, String, String)> {
    let refused = |why: String| Error::user(t!("cli.init.key_unusable", why = why));
    let describe = |s: &Signer| -> &'static str {
        match s.key() {
            SignerKey::Ssh(_) => "ssh",
            SignerKey::OpenPgp(_) => "openpgp",
        }
    };
    if let Some(k) = &args.key {
        let key = key_path(global, k);
        let signer = cfg.signer(Some(&key)).map_err(refused)?;
        let format = describe(&signer);
        return Ok((signer, format, key, t!("cli.init.from_flag").into_owned()));
    }
    if let Some(configured) = cfg.get("user.signingkey") {
        let signer = cfg.signer(None).map_err(|why| {
            refused(why).hint(t!("cli.init.key_unusable_hint", key = configured.as_str()))
        })?;
        let format = describe(&signer);
        return Ok((
            signer,
            format,
            configured,
            t!("cli.init.from_config").into_owned(),
        ));
    }
    let default = crate::git::home_path("~/.ssh/id_ed25519");
    let shown = default.display().to_string();
    let from = if default.is_file() {
        t!("cli.init.from_default").into_owned()
    } else {
        let make = args.new_key
            || (p.interactive()
                && p.confirm(&t!("cli.init.make_key", path = shown.as_str()), true)?);
        if !make {
            return Err(Error::user(t!("cli.init.no_key")).hint(t!("cli.init.no_key_hint")));
        }
        let program = cfg
            .get("gpg.ssh.program")
            .unwrap_or_else(|| "ssh-keygen".into());
        crate::git::ssh_keygen(&program, &default, email, p.interactive() && !args.new_key)
            .map_err(refused)?;
        t!("cli.init.made_key").into_owned()
    };
    let signer = cfg.signer(Some(&shown)).map_err(refused)?;
    Ok((signer, "ssh", shown, from))
}

/// `--key` as git's configuration should hold it: a file as an absolute
/// path (a `.pub` whose private half lies beside it: that private half,
/// which signs without an agent); anything else (an OpenPGP key id, a
/// literal key) as given.
fn key_path(global: &Global, k: &str) -> String {
    let path = crate::git::home_path(k);
    let path = if path.is_absolute() {
        path
    } else {
        std::env::current_dir()
            .unwrap_or_default()
            .join(&global.dir)
            .join(path)
    };
    if !path.is_file() {
        return k.to_string();
    }
    let private = path.with_extension("");
    let chosen = if path.extension().is_some_and(|e| e == "pub") && private.is_file() {
        private
    } else {
        path
    };
    chosen
        .canonicalize()
        .unwrap_or(chosen)
        .display()
        .to_string()
}
