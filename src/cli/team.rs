use crate::term::{self, Col};
use rust_i18n::t;

use super::{Exit, Global, Outcome, print, say};
use crate::model::keyboard::{self, Vocab};
use crate::ops::roster_edit::NewPerson;
use crate::ops::team_edit::{Change, EditOptions, KeySource, Listed, edit, list};
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
    Add(AddArgs),
    Remove(RemoveArgs),
    #[command(subcommand)]
    Role(RoleCommand),
    #[command(subcommand)]
    Key(KeyCommand),
    List(ListArgs),
    Delegate(DelegateArgs),
}

/// How the admin signs the roster change.
#[derive(Debug, clap::Args)]
pub struct Signing {
    /// Sign the roster change with this key (a key file, public key, or
    /// OpenPGP key id) instead of git's user.signingkey
    #[arg(long, value_name = "KEY")]
    pub signing_key: Option<String>,
}

/// Where a new key comes from: one of --key, --agent-key, --gpg.
#[derive(Debug, clap::Args)]
#[group(multiple = false)]
pub struct NewKeyArgs {
    /// The person's OpenSSH public key file (id_ed25519.pub)
    #[arg(long, value_name = "FILE.pub")]
    pub key: Option<String>,
    /// A key the ssh-agent holds (ssh-add -L), picked by its comment or
    /// fingerprint; without a value, the agent's only key
    #[arg(long, value_name = "COMMENT|FINGERPRINT", num_args = 0..=1, default_missing_value = "")]
    pub agent_key: Option<String>,
    /// The person's OpenPGP key fingerprint
    #[arg(long, value_name = "FINGERPRINT")]
    pub gpg: Option<String>,
}

impl NewKeyArgs {
    fn source(self) -> Option<KeySource> {
        if let Some(f) = self.key {
            return Some(KeySource::File(f));
        }
        if let Some(a) = self.agent_key {
            return Some(KeySource::Agent((!a.trim().is_empty()).then_some(a)));
        }
        self.gpg.map(KeySource::Gpg)
    }
}

/// Add a person to the roster, committed alone and signed by you (an admin)
///
/// Roles by id or Chinese name (专员, 主管, 总监, 财务, CEO, 法务, 部门负责人,
/// 管理员); the key, if given, counts from today.
///
/// Examples:
///   mkt team add zhao.lei --name 赵磊 --email zhao.lei@example.com --role 专员 --group 渠道组 --key zhao.lei.pub
///   mkt team add li.na --name 李娜 --role 主管 --agent-key li.na@laptop
///   mkt team add chen.jing --name 陈静 --role 财务 --gpg 0123456789ABCDEF0123456789ABCDEF01234567
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct AddArgs {
    /// The person's id, as records name them (zhao.lei)
    pub id: String,
    /// Their name (姓名), like 赵磊
    #[arg(long)]
    pub name: String,
    /// Their email (邮箱)
    #[arg(long, default_value = "")]
    pub email: String,
    /// A role (角色), by id or Chinese name; repeat or separate with 、or ,
    #[arg(long = "role", value_name = "ROLE")]
    pub roles: Vec<String>,
    /// Their group (组), like 内容组 or content
    #[arg(long)]
    pub group: Option<String>,
    #[command(flatten)]
    pub new_key: NewKeyArgs,
    #[command(flatten)]
    pub signing: Signing,
}

/// Remove a person (by name or id) from the roster, signed by you (an admin)
///
/// Their approvals made so far keep the roster of their time and stay valid.
///
/// Examples:
///   mkt team remove 赵磊
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct RemoveArgs {
    /// The person, by name or id
    pub person: String,
    #[command(flatten)]
    pub signing: Signing,
}

/// Give or take a role, signed by you (an admin)
#[derive(Debug, clap::Subcommand)]
pub enum RoleCommand {
    /// Give a person a role
    ///
    /// Examples:
    ///   mkt team role add 赵磊 主管
    ///   mkt team role add zhao.lei supervisor
    #[command(verbatim_doc_comment)]
    Add(RoleArgs),
    /// Take a role from a person
    ///
    /// Examples:
    ///   mkt team role remove 赵磊 主管
    #[command(verbatim_doc_comment)]
    Remove(RoleArgs),
}

/// A person and a role.
#[derive(Debug, clap::Args)]
pub struct RoleArgs {
    /// The person, by name or id
    pub person: String,
    /// The role, by id or Chinese name (专员, 主管, 总监 …)
    pub role: String,
    #[command(flatten)]
    pub signing: Signing,
}

/// A person's signing keys, signed by you (an admin)
#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    Add(KeyAddArgs),
    Rotate(KeyRotateArgs),
    Revoke(KeyRevokeArgs),
}

/// Add a signing key to a person; it counts from today
///
/// Examples:
///   mkt team key add 赵磊 --key zhao.lei.pub
///   mkt team key add 赵磊 --agent-key
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct KeyAddArgs {
    /// The person, by name or id
    pub person: String,
    #[command(flatten)]
    pub new_key: NewKeyArgs,
    #[command(flatten)]
    pub signing: Signing,
}

/// Replace a person's key: the new one counts from now, the old is revoked
///
/// Examples:
///   mkt team key rotate 赵磊 --key new.pub
///   mkt team key rotate 赵磊 --key new.pub --old SHA256:AbCdEf12
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct KeyRotateArgs {
    /// The person, by name or id
    pub person: String,
    #[command(flatten)]
    pub new_key: NewKeyArgs,
    /// The key to replace (fingerprint or its beginning, comment, or .pub
    /// file); default: their only key that counts
    #[arg(long, value_name = "KEY")]
    pub old: Option<String>,
    #[command(flatten)]
    pub signing: Signing,
}

/// Revoke a person's key: from now on it no longer signs
///
/// The key is taken out of the roster: approvals made with it before stay
/// valid, any made from now on (or merged in from an older branch) fail
/// `mkt verify`. A revoked key is never added back.
///
/// Examples:
///   mkt team key revoke 赵磊
///   mkt team key revoke 赵磊 SHA256:AbCdEf12
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct KeyRevokeArgs {
    /// The person, by name or id
    pub person: String,
    /// The key (fingerprint or its beginning, comment, or .pub file);
    /// default: their only key that counts
    pub key: Option<String>,
    #[command(flatten)]
    pub signing: Signing,
}

/// List the signed roster: people, roles, groups and keys
///
/// Examples:
///   mkt team list
///   mkt team list --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Name a deputy while a person is away (职务代理), signed by you (an admin)
///
/// During --from to --until (both days included) the deputy may fill the
/// person's approval steps for that one role; the approvals name both
/// ("刘洋 代 王芳"). Only a role the person holds is delegated, never to
/// themself, never onward by the deputy; a deputy never approves for the
/// campaign's owner. With [governance] self_delegation = true in
/// policy.toml the person may sign their own delegation.
///
/// Examples:
///   mkt team delegate 王芳 --to 刘洋 --role 总监 --from 2026-03-01 --until 2026-03-10 --reason 年假
///   mkt team delegate wang.fang --to liu.yang --role director --from 2026年3月1日 --until 2026/3/10 --reason "annual leave"
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct DelegateArgs {
    /// The person away, by name or id
    pub person: String,
    /// The deputy, by name or id
    #[arg(long = "to", value_name = "DEPUTY")]
    pub to: String,
    /// The role delegated, by id or Chinese name (总监, 主管 …)
    #[arg(long)]
    pub role: String,
    /// The first day the deputy stands in
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    pub from: chrono::NaiveDate,
    /// The last day the deputy stands in (included)
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    pub until: chrono::NaiveDate,
    /// Why (请假、出差 …), kept in the roster
    #[arg(long)]
    pub reason: String,
    #[command(flatten)]
    pub signing: Signing,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
}

pub fn run(global: &Global, cmd: Command) -> Outcome {
    let (change, signing) = match cmd {
        Command::AllowedSigners => {
            let repo = global.open_repo()?;
            let zone = repo.policy.zone();
            let view = View::new(&repo, global.today(zone), global.now(zone));
            let out = crate::ops::team::allowed_signers(&view);
            for id in &out.skipped {
                say(&t!("cli.team.left_out", id = id));
            }
            print(&out.text);
            return Ok(Exit::Clean);
        }
        Command::List(a) => {
            let repo = global.open_repo()?;
            let zone = repo.policy.zone();
            let view = View::new(&repo, global.today(zone), global.now(zone));
            let listed = list(&view);
            let delegations =
                crate::ops::delegate::list(&view.verification.roster.at_head().team, view.today);
            match a.format {
                Format::Json => print(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "version": 1,
                        "people": listed.people,
                        "delegations": delegations
                    }))
                    .unwrap_or_default()
                )),
                Format::Table => {
                    print(&table(&listed));
                    if !delegations.is_empty() {
                        print(&delegation_table(&delegations));
                    }
                }
            }
            if listed.unsigned_changes {
                say(&t!("cli.team.unsigned_changes"));
            }
            return Ok(Exit::Clean);
        }
        Command::Delegate(a) => {
            let repo = global.open_repo()?;
            let done = crate::ops::delegate::delegate(
                &repo,
                &crate::ops::delegate::DelegateOptions {
                    person: a.person,
                    deputy: a.to,
                    role: a.role,
                    from: a.from,
                    until: a.until,
                    reason: a.reason,
                    signing_key: a.signing.signing_key,
                    now: global.clock(repo.policy.zone()),
                },
            )?;
            let id = done.commit.to_string();
            say(&t!(
                "cli.team.committed",
                summary = done.summary,
                commit = &id[..10],
                admin = done.by
            ));
            return Ok(Exit::Clean);
        }
        Command::Add(a) => (
            Change::Add {
                person: NewPerson {
                    id: a.id,
                    name: a.name.trim().to_string(),
                    email: a.email.trim().to_string(),
                    roles: a
                        .roles
                        .iter()
                        .flat_map(|r| keyboard::split_list(r))
                        .collect(),
                    group: a.group.filter(|g| !g.trim().is_empty()),
                },
                key: a.new_key.source(),
            },
            a.signing,
        ),
        Command::Remove(a) => (Change::Remove { who: a.person }, a.signing),
        Command::Role(RoleCommand::Add(a)) => (
            Change::RoleAdd {
                who: a.person,
                role: a.role,
            },
            a.signing,
        ),
        Command::Role(RoleCommand::Remove(a)) => (
            Change::RoleRemove {
                who: a.person,
                role: a.role,
            },
            a.signing,
        ),
        Command::Key(KeyCommand::Add(a)) => {
            let key = need_key(a.new_key)?;
            (Change::KeyAdd { who: a.person, key }, a.signing)
        }
        Command::Key(KeyCommand::Rotate(a)) => {
            let key = need_key(a.new_key)?;
            (
                Change::KeyRotate {
                    who: a.person,
                    key,
                    old: a.old,
                },
                a.signing,
            )
        }
        Command::Key(KeyCommand::Revoke(a)) => (
            Change::KeyRevoke {
                who: a.person,
                old: a.key,
            },
            a.signing,
        ),
    };
    let repo = global.open_repo()?;
    let done = edit(
        &repo,
        &EditOptions {
            change,
            signing_key: signing.signing_key,
            now: global.clock(repo.policy.zone()),
        },
    )?;
    let id = done.commit.to_string();
    say(&t!(
        "cli.team.committed",
        summary = done.summary,
        commit = &id[..10],
        admin = done.admin
    ));
    Ok(Exit::Clean)
}

fn need_key(k: NewKeyArgs) -> crate::error::Result<KeySource> {
    k.source().ok_or_else(|| {
        crate::error::Error::user(t!("cli.team.no_key")).hint(t!("cli.team.no_key_hint"))
    })
}

/// The roster as a table, aligned by display width; roles and groups in
/// the language spoken.
fn table(listed: &Listed) -> String {
    let zh = crate::i18n::current() == crate::i18n::Lang::ZhCn;
    let word = |v: Vocab, id: &str| {
        if zh {
            keyboard::chinese(v, id).to_string()
        } else {
            id.to_string()
        }
    };
    let header = vec![
        t!("cli.team.col_id").into_owned(),
        t!("cli.team.col_name").into_owned(),
        t!("cli.team.col_email").into_owned(),
        t!("cli.team.col_roles").into_owned(),
        t!("cli.team.col_group").into_owned(),
        t!("cli.team.col_keys").into_owned(),
    ];
    let mut rows = Vec::new();
    for p in &listed.people {
        let roles: Vec<String> = p.roles.iter().map(|r| word(Vocab::Role, r)).collect();
        let keys: Vec<String> = p
            .keys
            .iter()
            .map(|k| {
                let what = match k.kind {
                    "ssh" if k.comment.is_empty() => k.algorithm.clone(),
                    "ssh" => format!("{} {}", k.algorithm, k.comment),
                    _ => format!("openpgp {}", k.fingerprint),
                };
                let from = k.valid_from.map(|d| d.to_string()).unwrap_or_default();
                let dates = match k.valid_until {
                    Some(u) => t!("cli.team.key_until", from = from, until = u),
                    None => t!("cli.team.key_from", from = from),
                };
                let state = if k.valid_today {
                    String::new()
                } else {
                    t!("cli.team.key_not_valid").into_owned()
                };
                format!("{what} {dates}{state}")
            })
            .collect();
        rows.push(vec![
            p.id.clone(),
            p.name.clone(),
            p.email.clone(),
            roles.join(if zh { "、" } else { ", " }),
            p.group
                .as_deref()
                .map(|g| word(Vocab::Group, g))
                .unwrap_or_default(),
            keys.join("\n"),
        ]);
    }
    // Narrow, the email goes first, then the group.
    let cols = [
        Col::WHOLE,
        Col::wrap(6),
        Col::wrap(12).drop(2),
        Col::wrap(10),
        Col::wrap(6).drop(1),
        Col::wrap(20),
    ];
    format!("{}\n", term::table(header, rows, &cols))
}

/// The delegations (职务代理) under the roster table.
fn delegation_table(list: &[crate::ops::delegate::Listed]) -> String {
    let zh = crate::i18n::current() == crate::i18n::Lang::ZhCn;
    let header = vec![
        t!("delegate.col_person").into_owned(),
        t!("delegate.col_deputy").into_owned(),
        t!("delegate.col_role").into_owned(),
        t!("delegate.col_days").into_owned(),
        t!("delegate.col_reason").into_owned(),
    ];
    let rows = list
        .iter()
        .map(|d| {
            let role = if zh {
                keyboard::chinese(Vocab::Role, &d.role).to_string()
            } else {
                d.role.clone()
            };
            let state = if d.in_force_today {
                t!("delegate.in_force_today").into_owned()
            } else {
                String::new()
            };
            vec![
                format!("{} {}", d.person, d.person_name),
                format!("{} {}", d.deputy, d.deputy_name),
                role,
                format!("{} – {}{state}", d.from, d.until),
                d.reason.clone(),
            ]
        })
        .collect();
    let cols = [
        Col::wrap(8),
        Col::wrap(8),
        Col::wrap(6),
        Col::wrap(12),
        Col::wrap(10).drop(1),
    ];
    format!(
        "\n{}\n{}\n",
        t!("delegate.heading"),
        term::table(header, rows, &cols)
    )
}
