pub mod message;

use std::path::PathBuf;

use chrono::{NaiveDate, NaiveTime, Utc};
use rust_i18n::t;
use serde_json::json;

use super::{Exit, Global, Outcome, print, say};
use crate::error::Error;
use crate::i18n::Lang;
use crate::notify::state::Sent;
use crate::notify::{NotReady, Outgoing, Ready, chat, mail};
use crate::ops::notify::Notice;
use crate::policy::{Audience, ChannelKind, MessageFormat};
use crate::repo::Repo;
use crate::view::View;

const EXAMPLES: &str = "Examples:
  mkt notify --dry-run                      # what would go out, to whom, through what
  mkt notify                                # each working morning, in CI (examples/ci/)
  mkt notify --since \"$BEFORE\"              # on push: steps now waiting, approved, rejected";

/// Tell people what is due (提醒): each person their own items, each group
/// chat one digest
///
/// From what `mkt status` computes, due within policy.toml's
/// `[notify] within_days` (overdue always), soonest first, through the
/// channels `[notify]` names: 企业微信, 飞书 and 钉钉 group robots, mail to
/// each person (SMTP), a JSON webhook. Each channel's address and secret
/// are read from the environment variables the policy names; a channel
/// whose address is not set here is left out.
///
/// Each item goes out once a day at most, and each approval event once
/// (marks in .git/mkt/notify, or --state). Nothing is sent in the policy's
/// quiet hours. Messages are in policy.toml's `language`. A channel that
/// fails is reported and the others still go out: exit status 1.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Instead of what is due: what happened to approvals since this
    /// commit (a step now waiting for its approver; a step approved or
    /// rejected, for the owner)
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,

    /// Print exactly what would be sent, and where; send nothing, record
    /// nothing
    #[arg(long)]
    pub dry_run: bool,

    /// The file that records what was sent (default: .git/mkt/notify)
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,

    /// Only what is due within this many days (default: the policy's
    /// within_days; overdue items always)
    #[arg(long, value_name = "DAYS")]
    pub within: Option<i64>,

    /// The time of day quiet hours are judged by (default: the clock)
    #[arg(long, value_name = "HH:MM", value_parser = parse_time)]
    pub time: Option<NaiveTime>,
}

fn parse_time(s: &str) -> Result<NaiveTime, String> {
    let s = crate::model::keyboard::halfwidth(s);
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| t!("cli.notify.not_a_time", s = s).into_owned())
}

/// One message planned for one channel.
struct Planned {
    /// Who it is for, for the run's report: a name and address, or the group.
    to: String,
    /// The sent marks it sets once it is out.
    keys: Vec<String>,
    out: Outgoing,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    let zone = repo.policy.zone();
    let today = global.today(zone);
    let ctx = View::new(&repo, today, global.now(zone));
    let notify = &ctx.policy.notify;
    let time = args
        .time
        .unwrap_or_else(|| Utc::now().with_timezone(&zone).time());
    if notify.is_quiet(time) {
        let note = t!(
            "cli.notify.quiet",
            hours = notify.quiet_hours,
            time = time.format("%H:%M")
        );
        if !args.dry_run {
            print(&format!("{note}\n"));
            return Ok(Exit::Clean);
        }
        say(&t!("cli.notify.quiet_dry_run", note = note));
    }
    let mut failed = 0;
    let mut ready = Vec::new();
    let env = |name: &str| std::env::var(name).ok();
    for c in &notify.channels {
        match crate::notify::ready(c, &env) {
            Ok(r) => ready.push(r),
            Err(NotReady::NoAddress(var)) => {
                say(&t!("cli.notify.left_out", channel = label(c), var = var))
            }
            Err(NotReady::NoSecret(var)) => {
                failed += 1;
                say(&t!("cli.notify.no_secret", channel = label(c), var = var));
            }
        }
    }
    if ready.is_empty() && failed == 0 {
        let vars: Vec<String> = notify.channels.iter().map(|c| c.url_env.clone()).collect();
        return Err(
            Error::user(t!("cli.notify.no_channel")).hint(if vars.is_empty() {
                t!("cli.notify.no_channel_in_policy")
            } else {
                t!("cli.notify.no_channel_help", vars = vars.join(", "))
            }),
        );
    }
    let within = args.within.unwrap_or(notify.within_days);
    let before = match &args.since {
        Some(rev) => Some(global.open_repo_at(Some(rev))?),
        None => None,
    };
    let lang = crate::i18n::for_others(ctx.policy.general.language.as_deref());
    let notices = crate::i18n::speaking(lang, || match &before {
        Some(b) => {
            let was = View::new(b, today, global.now(zone));
            crate::ops::notify::since(&was, &ctx)
        }
        None => crate::ops::notify::due(&ctx, within),
    });
    let state_path = args
        .state
        .clone()
        .unwrap_or_else(|| crate::git::git_dir(&repo.git).join("mkt").join("notify"));
    let mut sent = Sent::load(&state_path)?;
    let mut planned_any = 0;
    let mut messages = 0;
    for r in &ready {
        let plan = plan(&repo, today, r, &notices, &sent, lang);
        planned_any += plan.len();
        if args.dry_run {
            for p in &plan {
                print(&shown(r, p));
            }
            continue;
        }
        let mut ok = 0;
        let mut errors = Vec::new();
        for p in plan {
            match crate::notify::send(r, &p.out) {
                Ok(()) => {
                    ok += 1;
                    for k in p.keys {
                        sent.record(k, today);
                    }
                }
                Err(why) => errors.push(format!("{}: {why}", p.to)),
            }
        }
        messages += ok;
        if ok > 0 {
            sent.save(today)?;
            print(&format!(
                "{}\n",
                t!("cli.notify.sent", channel = label(r.channel), n = ok)
            ));
        }
        if !errors.is_empty() {
            failed += 1;
            for e in errors {
                say(&t!(
                    "cli.notify.failed",
                    channel = label(r.channel),
                    why = e
                ));
            }
        }
    }
    if args.dry_run {
        print(&format!(
            "{}\n",
            t!("cli.notify.dry_run_done", n = planned_any)
        ));
    } else if planned_any == 0 {
        print(&format!(
            "{}\n",
            t!("cli.notify.nothing_new", today = today)
        ));
    } else if failed == 0 {
        print(&format!("{}\n", t!("cli.notify.done", n = messages)));
    }
    if failed > 0 {
        say(&t!(
            "cli.notify.channels_failed",
            n = failed,
            sent = messages
        ));
    }
    Ok(Exit::findings_if(failed > 0))
}

/// `企业微信群 (wecom)`.
fn label(c: &crate::policy::Channel) -> String {
    format!("{} ({})", c.name, c.kind.key())
}

/// What goes out through one channel: for each notice the channel's
/// audience takes, what it has not sent yet (an item today, an event
/// ever), in the department's language.
fn plan(
    repo: &Repo,
    today: NaiveDate,
    r: &Ready,
    notices: &[Notice],
    sent: &Sent,
    lang: Lang,
) -> Vec<Planned> {
    let c = r.channel;
    let group = c.audience() == Audience::Group;
    let mut out = Vec::new();
    for n in notices.iter().filter(|n| n.person.is_none() == group) {
        let recipient = n.person.as_deref().unwrap_or("*");
        let mark = |what: &str| Sent::key(&c.name, recipient, what);
        let mut keys = Vec::new();
        let mut fresh = Notice {
            person: n.person.clone(),
            items: Vec::new(),
            events: Vec::new(),
        };
        for i in &n.items {
            let k = mark(&i.key());
            if sent.last(&k) != Some(today) {
                keys.push(k);
                fresh.items.push(i.clone());
            }
        }
        for e in &n.events {
            let k = mark(&e.key);
            if sent.last(&k).is_none() {
                keys.push(k);
                fresh.events.push(e.clone());
            }
        }
        if keys.is_empty() {
            continue;
        }
        let person = n.person.as_deref().and_then(|p| repo.team.person(p));
        let to = match person {
            Some(p) if p.email.trim().is_empty() => format!("{} ({})", p.name, p.id),
            Some(p) => mail::mailbox(&p.name, &p.email).unwrap_or_else(|| p.name.clone()),
            None => t!("cli.notify.the_group").into_owned(),
        };
        let mailbox = person.and_then(|p| mail::mailbox(&p.name, &p.email));
        if c.kind == ChannelKind::Email && mailbox.is_none() {
            say(&t!("cli.notify.no_email", channel = label(c), person = to));
            continue;
        }
        let format = c.format.unwrap_or(MessageFormat::Markdown);
        let limit = chat::limit(c.kind, format);
        let outgoing = crate::i18n::speaking(lang, || {
            let words = message::words(repo, today, &fresh, limit);
            outgoing(repo, today, r, &fresh, &words, mailbox.clone())
        });
        out.push(Planned {
            to,
            keys,
            out: outgoing,
        });
    }
    out
}

/// The message as the channel takes it.
fn outgoing(
    repo: &Repo,
    today: NaiveDate,
    r: &Ready,
    n: &Notice,
    w: &message::Words,
    mailbox: Option<String>,
) -> Outgoing {
    let c = r.channel;
    let format = c.format.unwrap_or(MessageFormat::Markdown);
    let now = Utc::now();
    let secret = r.secret.as_deref();
    let post = |body: serde_json::Value, query: Vec<(String, String)>| Outgoing::Post {
        query,
        body: serde_json::to_string_pretty(&body).unwrap_or_default(),
    };
    match c.kind {
        ChannelKind::Wecom => post(chat::wecom(format, &w.text, &w.markdown), Vec::new()),
        ChannelKind::Feishu => post(chat::feishu(&w.text, secret, now.timestamp()), Vec::new()),
        ChannelKind::Dingtalk => post(
            chat::dingtalk(format, &w.title, &w.text, &w.markdown),
            chat::dingtalk_query(secret, now.timestamp_millis()),
        ),
        ChannelKind::Webhook => {
            let person = n.person.as_deref().map(|id| {
                let p = repo.team.person(id);
                json!({
                    "id": id,
                    "name": p.map(|p| p.name.clone()),
                    "email": p.map(|p| p.email.clone()).filter(|e| !e.is_empty()),
                })
            });
            post(
                json!({
                    "version": 1,
                    "channel": c.name,
                    "today": today,
                    "person": person,
                    "title": w.title,
                    "text": w.text,
                    "items": n.items,
                    "events": n.events,
                }),
                Vec::new(),
            )
        }
        ChannelKind::Email => Outgoing::Mail(mail::Mail {
            from: c.from.clone().unwrap_or_default(),
            to: mailbox.unwrap_or_default(),
            subject: w.title.clone(),
            body: format!("{}\n", w.text),
        }),
    }
}

/// A planned message as `--dry-run` shows it: where it goes (the
/// variable, never the address), then what goes.
fn shown(r: &Ready, p: &Planned) -> String {
    let c = r.channel;
    match &p.out {
        Outgoing::Post { query, body } => {
            let to = chat::with_query(&format!("${}", c.url_env), query);
            format!("── {} → POST {to} · {}\n{body}\n\n", label(c), p.to)
        }
        Outgoing::Mail(m) => format!(
            "── {} → SMTP ${}\nFrom: {}\nTo: {}\nSubject: {}\n\n{}\n",
            label(c),
            c.url_env,
            m.from,
            m.to,
            m.subject,
            m.body
        ),
    }
}
