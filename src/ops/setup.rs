//! `mkt setup` (`mkt doctor`): what a person's machine needs to take part —
//! a git identity, a signing key git can use, that key in the signed
//! roster, git's settings for a Chinese team and for signed history,
//! ssh-keygen and gpg where they are needed, a pinned trust root, a full
//! clone — each problem with the exact command that fixes it, and which of
//! those are git config settings safe to apply (`--fix`).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_i18n::t;

use crate::git::{GitConfig, Signer, SignerKey};
use crate::repo::Repo;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// Something to fix: `mkt setup` exits 1 while one remains.
    Problem,
    /// Worth knowing; nothing to fix.
    Note,
}

#[derive(Debug, Clone)]
pub struct Check {
    pub status: Status,
    /// One line: what was found.
    pub what: String,
    /// The commands (or the step) that fix it, one a line.
    pub fix: Vec<String>,
    /// The git config settings that fix it, safe to apply (`--fix`).
    pub apply: Vec<(String, String)>,
}

impl Check {
    fn ok(what: impl Into<String>) -> Check {
        Check {
            status: Status::Ok,
            what: what.into(),
            fix: Vec::new(),
            apply: Vec::new(),
        }
    }

    fn note(what: impl Into<String>) -> Check {
        Check {
            status: Status::Note,
            ..Check::ok(what)
        }
    }

    fn problem(what: impl Into<String>, fix: Vec<String>) -> Check {
        Check {
            status: Status::Problem,
            fix,
            ..Check::ok(what)
        }
    }

    /// The fix is these settings, applied with `--fix`.
    fn settings(what: impl Into<String>, settings: &[(&str, &str)], scope: Scope) -> Check {
        Check {
            status: Status::Problem,
            what: what.into(),
            fix: settings.iter().map(|(k, v)| scope.command(k, v)).collect(),
            apply: settings
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }
}

/// Where `--fix` writes: the repository's own config, or (outside any
/// repository) the person's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Local,
    Global,
}

impl Scope {
    /// The git command that sets `key` to `value` here.
    pub fn command(self, key: &str, value: &str) -> String {
        let global = match self {
            Scope::Local => "",
            Scope::Global => "--global ",
        };
        format!("git config {global}{key} {}", shell_word(value))
    }
}

/// A value as a shell needs it written.
pub fn shell_word(v: &str) -> String {
    if !v.is_empty()
        && v.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '~' | ':' | '@' | '+')
        })
    {
        v.to_string()
    } else {
        format!("'{}'", v.replace('\'', r"'\''"))
    }
}

pub struct SetupOptions<'a> {
    pub dir: &'a Path,
    /// `--trust-root` / `MKT_TRUST_ROOT`, when given.
    pub trust_root: Option<&'a str>,
    pub today: NaiveDate,
}

pub struct Report {
    /// The repository's work tree, when the checks ran inside one.
    pub root: Option<PathBuf>,
    pub scope: Scope,
    pub checks: Vec<Check>,
}

impl Report {
    pub fn problems(&self) -> usize {
        self.checks
            .iter()
            .filter(|c| c.status == Status::Problem)
            .count()
    }

    /// Every setting `--fix` would apply, in order, each once.
    pub fn fixes(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for c in self.checks.iter().filter(|c| c.status == Status::Problem) {
            for s in &c.apply {
                if !out.iter().any(|(k, _)| k == &s.0) {
                    out.push(s.clone());
                }
            }
        }
        out
    }
}

/// Whether git reads `v` as false.
fn is_false(v: Option<&str>) -> bool {
    v.is_some_and(|v| {
        matches!(
            v.to_ascii_lowercase().as_str(),
            "false" | "no" | "off" | "0"
        )
    })
}

/// Whether a `user.signingkey` value names an SSH key.
fn names_ssh_key(k: &str) -> bool {
    let literal = k.strip_prefix("key::").unwrap_or(k);
    if ["ssh-", "ecdsa-", "sk-"]
        .iter()
        .any(|p| literal.starts_with(p))
    {
        return true;
    }
    std::fs::read_to_string(crate::git::home_path(k))
        .is_ok_and(|t| t.contains("OPENSSH") || t.starts_with("ssh-"))
}

pub fn check(opts: &SetupOptions) -> Report {
    let git = crate::git::discover(opts.dir);
    let scope = if git.is_some() {
        Scope::Local
    } else {
        Scope::Global
    };
    let cfg = match &git {
        Some(g) => GitConfig::of(g),
        None => GitConfig::at(opts.dir),
    };
    let mut repo = git.as_ref().and_then(|_| Repo::open(opts.dir).ok());
    if let Some(r) = &repo {
        crate::i18n::policy_says(r.policy.general.language.as_deref());
    }
    let mut checks = Vec::new();
    let signer = cfg.signer(None);

    // Who the key says this person is, in the roster that counts.
    let mut trust_problem = None;
    let pinned = opts
        .trust_root
        .map(str::to_string)
        .or_else(|| cfg.get("mkt.trustRoot"));
    if let (Some(r), Some(id)) = (repo.as_mut(), &pinned)
        && let Err(e) = r.set_trust_root(id.trim())
    {
        trust_problem = Some(e.message);
    }
    let verified = repo
        .as_ref()
        .map(|r| (r.trust_root, crate::approvals::verify(r, r.trust_root)));
    let roster = verified.as_ref().map(|(_, v)| v.roster.at_head());
    let me = match (&signer, roster) {
        (Ok(s), Some(r)) => r.owner_of(&s.key()).map(|(p, k)| (p.clone(), k.clone())),
        _ => None,
    };

    // 1. Identity.
    let name = cfg.get("user.name");
    let email = cfg.get("user.email");
    match (&name, &email) {
        (Some(n), Some(e)) => checks.push(Check::ok(t!("ops.setup.identity", name = n, email = e))),
        _ => {
            let what = t!("ops.setup.no_identity").into_owned();
            checks.push(match &me {
                Some((p, _)) => {
                    let mut s = vec![("user.name", p.name.as_str())];
                    if !p.email.is_empty() {
                        s.push(("user.email", p.email.as_str()));
                    }
                    Check::settings(what, &s, scope)
                }
                None => Check::problem(
                    what,
                    vec![
                        scope.command("user.name", &t!("ops.setup.your_name")),
                        scope.command("user.email", &t!("ops.setup.your_email")),
                    ],
                ),
            });
        }
    }

    // 2. The signing key git is configured with.
    let default_key = crate::git::home_path("~/.ssh/id_ed25519");
    let default_shown = default_key.display().to_string();
    let configured = cfg.get("user.signingkey");
    let format = cfg.get("gpg.format");
    match (&signer, &configured) {
        (Ok(s), Some(k)) => checks.push(Check::ok(t!(
            "ops.setup.key",
            kind = kind(s),
            fingerprint = s.key().fingerprint(),
            key = k
        ))),
        (Err(_), None) if default_key.is_file() => checks.push(Check::settings(
            t!("ops.setup.no_key_found", path = default_shown.as_str()),
            &[("gpg.format", "ssh"), ("user.signingkey", &default_shown)],
            scope,
        )),
        (Err(_), None) => {
            let mut fix = vec![format!(
                "ssh-keygen -t ed25519 -f {} -C {}",
                shell_word(&default_shown),
                shell_word(email.as_deref().unwrap_or("me@example.com"))
            )];
            fix.push(scope.command("gpg.format", "ssh"));
            fix.push(scope.command("user.signingkey", &default_shown));
            checks.push(Check::problem(t!("ops.setup.no_key"), fix));
        }
        (Err(_), Some(k)) if names_ssh_key(k) && format.as_deref() != Some("ssh") => {
            checks.push(Check::settings(
                t!("ops.setup.format_not_ssh", key = k),
                &[("gpg.format", "ssh")],
                scope,
            ))
        }
        (Err(why), Some(k)) => checks.push(Check::problem(
            t!("ops.setup.key_unusable", key = k, why = why),
            vec![scope.command("user.signingkey", &t!("ops.setup.your_key_file"))],
        )),
        (Ok(_), None) => {}
    }

    // 3. That key in the roster that counts.
    if let (Ok(s), Some(repo)) = (&signer, &repo) {
        match &me {
            Some((p, k)) if crate::approvals::key_valid_on(k, opts.today) => {
                checks.push(Check::ok(t!(
                    "ops.setup.in_roster",
                    id = p.id,
                    name = p.name,
                    roles = p
                        .roles
                        .iter()
                        .map(|r| crate::report::render::grid::role_label(r))
                        .collect::<Vec<_>>()
                        .join(&t!("cli.list_sep"))
                )))
            }
            Some((p, _)) => checks.push(Check::problem(
                t!("ops.setup.key_not_valid", id = p.id, today = opts.today),
                vec![t!("ops.setup.ask_admin_key").into_owned()],
            )),
            None => {
                let line = roster_line(s);
                let in_file = crate::approvals::Roster::new(repo.team.clone(), None)
                    .owner_of(&s.key())
                    .map(|(p, _)| p.id.clone());
                checks.push(match in_file {
                    Some(id) => Check::problem(
                        t!("ops.setup.key_unsigned", id = id),
                        vec![t!("ops.setup.admin_signs").into_owned()],
                    ),
                    None => Check::problem(
                        t!("ops.setup.key_not_in_roster"),
                        vec![t!("ops.setup.send_to_admin", line = line).into_owned()],
                    ),
                });
            }
        }
    }

    // 4. Git's settings for Chinese file names and for signed history.
    if is_false(cfg.get("core.quotePath").as_deref()) {
        checks.push(Check::ok(t!("ops.setup.quote_path_ok")));
    } else {
        checks.push(Check::settings(
            t!("ops.setup.quote_path"),
            &[("core.quotePath", "false")],
            scope,
        ));
    }
    if is_false(cfg.get("pull.rebase").as_deref()) {
        checks.push(Check::ok(t!("ops.setup.pull_rebase_ok")));
    } else {
        checks.push(Check::settings(
            t!("ops.setup.pull_rebase"),
            &[("pull.rebase", "false")],
            scope,
        ));
    }

    // 5. The programs signing needs.
    let ssh_program = cfg
        .get("gpg.ssh.program")
        .unwrap_or_else(|| "ssh-keygen".into());
    let signs_ssh = match &signer {
        Ok(s) => matches!(s.key(), SignerKey::Ssh(_)),
        Err(_) => format.as_deref() != Some("openpgp"),
    };
    let program_check = |program: &str, needed: bool, install: &str| {
        if crate::git::program_runs(program) {
            Check::ok(t!("ops.setup.program_found", program = program))
        } else if needed {
            Check::problem(
                t!("ops.setup.program_missing", program = program),
                vec![install.to_string()],
            )
        } else {
            Check::note(t!("ops.setup.program_not_needed", program = program))
        }
    };
    checks.push(program_check(
        &ssh_program,
        signs_ssh,
        "sudo apt-get install openssh-client",
    ));
    let gpg_program = cfg.get("gpg.program").unwrap_or_else(|| "gpg".into());
    let roster_pgp = roster.is_some_and(|r| {
        r.team.people.iter().any(|p| {
            p.keys
                .iter()
                .any(|k| matches!(k.public, crate::model::PublicKey::OpenPgp(_)))
        })
    });
    checks.push(program_check(
        &gpg_program,
        !signs_ssh || roster_pgp,
        "sudo apt-get install gnupg",
    ));

    // 6. The repository: a pinned trust root, a full history.
    match (&repo, &verified) {
        (Some(r), Some((trust, v))) => {
            let suggested = suggested_trust_root(r, v, *trust);
            let pinned = cfg.get("mkt.trustRoot");
            match (&trust_problem, opts.trust_root, &pinned) {
                (Some(why), _, _) => checks.push(Check::problem(
                    t!("ops.setup.trust_root_bad", why = why),
                    vec![scope.command("mkt.trustRoot", &suggested)],
                )),
                (None, Some(id), _) => {
                    checks.push(Check::ok(t!("ops.setup.trust_root_given", id = id)))
                }
                (None, None, Some(id)) => {
                    checks.push(Check::ok(t!("ops.setup.trust_root_pinned", id = id)))
                }
                (None, None, None) => {
                    let mut c = Check::settings(
                        t!("ops.setup.trust_root_none"),
                        &[("mkt.trustRoot", &suggested)],
                        scope,
                    );
                    c.fix.push(t!("ops.setup.trust_root_compare").into_owned());
                    checks.push(c);
                }
            }
            if r.history.shallow {
                checks.push(Check::problem(
                    t!("ops.setup.shallow"),
                    vec!["git fetch --unshallow".to_string()],
                ));
            } else {
                checks.push(Check::ok(t!("ops.setup.full_history")));
            }
        }
        _ => checks.push(Check::note(t!("ops.setup.not_a_repository"))),
    }

    Report {
        root: repo.as_ref().map(|r| r.root.clone()),
        scope,
        checks,
    }
}

/// `ssh` or `openpgp`.
fn kind(s: &Signer) -> &'static str {
    match s.key() {
        SignerKey::Ssh(_) => "ssh",
        SignerKey::OpenPgp(_) => "openpgp",
    }
}

/// The key as an admin writes it under the person's `[[people.keys]]`.
fn roster_line(s: &Signer) -> String {
    match s.key() {
        SignerKey::Ssh(k) => format!(
            "ssh = \"{}\"",
            k.to_openssh().unwrap_or_else(|_| s.key().fingerprint())
        ),
        SignerKey::OpenPgp(f) => format!("openpgp = \"{f}\""),
    }
}

/// The commit to pin as the trust root: the first on HEAD's first-parent
/// line whose roster (as verified) names an admin — the first signed
/// roster, which a new repository's root commit is — else the one mkt
/// trusts now.
fn suggested_trust_root(repo: &Repo, v: &crate::approvals::Verification, trust: usize) -> String {
    let history = &repo.history;
    let line = history.first_parent_line(&v.index);
    let first = line.into_iter().find(|&c| {
        v.roster
            .after(c)
            .team
            .people
            .iter()
            .any(|p| p.has_role("admin"))
    });
    let c = first.unwrap_or(trust);
    history
        .commits
        .get(c)
        .map(|m| m.oid.to_string())
        .unwrap_or_default()
}
