use rust_i18n::t;

use super::prompt::{InputArgs, Offer, Prompter};
use super::{Exit, Global, Outcome, print, say};
use crate::error::Error;
use crate::ops::new_incident::{IncidentPlan, new_incident, parse_level};
use crate::ops::new_minutes::parse_held_at;

const EXAMPLES: &str = "Examples:
  mkt new-incident --title 新包装漏液差评扩散 --detected-at 2026-05-01T23:05 \\
      --level major --owner wang.fang --campaign 舆情应对-2026-05V1
      # writes incidents/2026-05-01-新包装漏液差评扩散.toml
  mkt new-incident --title 'KOL 直播翻车' --slug kol-翻车 --detected-at '2026-06-18 21:40' \\
      --responded-at '2026-06-18 21:55' --level critical --owner wang.fang";

/// Record a crisis or negative-sentiment incident (舆情/危机)
///
/// Writes incidents/<YYYY-MM-DD>-<slug>.toml from the template and says by
/// when the response and the first plan are due (policy: 30 minutes and 2
/// hours after detection, deadlines.incident_response_minutes and
/// incident_plan_minutes). Fill in responded_at and plan_at as they happen,
/// or give them now. The owner must be in team.toml, the campaign must
/// exist. A time without an offset is read in the policy's zone.
///
/// It asks for what is missing only when a person is there (a terminal, no
/// CI, no --no-input); otherwise --title, --detected-at, --level and --owner
/// must be given.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// What happened (事件)
    #[arg(long)]
    pub title: Option<String>,

    /// When it was detected (发现时间): 2026-05-01T23:05:00+08:00, or 2026-05-01T23:05
    #[arg(long, value_name = "TIME")]
    pub detected_at: Option<String>,

    /// When the response started (启动响应), if it has
    #[arg(long, value_name = "TIME")]
    pub responded_at: Option<String>,

    /// When the first plan was out (初步应对方案), if it is
    #[arg(long, value_name = "TIME")]
    pub plan_at: Option<String>,

    /// How serious: minor, major or critical
    #[arg(long)]
    pub level: Option<String>,

    /// Who handles it (责任人): an id in team.toml
    #[arg(long, value_name = "ID")]
    pub owner: Option<String>,

    /// The campaign it concerns, if any
    #[arg(long, value_name = "ID")]
    pub campaign: Option<String>,

    /// The file name's slug; default from the title
    #[arg(long)]
    pub slug: Option<String>,

    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    let zone = repo.policy.zone();
    let ask = Prompter::new(&args.input);
    let time = |flag: &str, v: Option<String>| {
        v.map(|s| {
            parse_held_at(&s, zone)
                .map_err(|why| Error::user(t!("cli.prompt.flag_error", flag = flag, why = why)))
        })
        .transpose()
    };
    let ask_title = t!("cli.new_incident.ask_title");
    let title = ask.value(args.title, "--title", &ask_title, Offer::Nothing, |s| {
        if s.is_empty() {
            Err(t!("cli.title_empty").into_owned())
        } else {
            Ok(s.to_string())
        }
    })?;
    let detected_at = ask.value(
        time("--detected-at", args.detected_at)?,
        "--detected-at",
        &t!(
            "cli.new_incident.ask_detected_at",
            zone = repo.policy.general.timezone
        ),
        Offer::Nothing,
        |s| parse_held_at(s, zone),
    )?;
    let responded_at = time("--responded-at", args.responded_at)?;
    let plan_at = time("--plan-at", args.plan_at)?;
    let level = ask.value(
        args.level
            .map(|s| {
                parse_level(&s).map_err(|why| {
                    Error::user(t!("cli.prompt.flag_error", flag = "--level", why = why))
                })
            })
            .transpose()?,
        "--level",
        &t!("cli.new_incident.ask_level"),
        Offer::Nothing,
        parse_level,
    )?;
    let owner = ask.value(
        args.owner,
        "--owner",
        &t!("cli.new_incident.ask_owner"),
        Offer::Nothing,
        |s| super::lookup::person_answer(&repo, s, &t!("cli.who.owner")),
    )?;
    let campaign = match args.campaign.filter(|c| !c.trim().is_empty()) {
        Some(c) => Some(super::lookup::campaign(&repo, &c, crate::repo::Want::Live)?),
        None => None,
    };
    let created = new_incident(
        &repo,
        &IncidentPlan {
            title,
            detected_at,
            responded_at,
            plan_at,
            level,
            owner,
            campaign,
            slug: args.slug,
            now: global.now(zone),
        },
    )?;
    print(&format!("{}\n", created.path));
    say(&t!("cli.new_incident.created", path = created.path));
    let fmt = |t: chrono::DateTime<chrono::FixedOffset>| {
        t.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()
    };
    if responded_at.is_none() {
        say(&t!(
            "cli.new_incident.respond_by",
            by = fmt(created.respond_by),
            minutes = repo.policy.incident_times(level).0
        ));
    }
    if plan_at.is_none() {
        say(&t!(
            "cli.new_incident.plan_by",
            by = fmt(created.plan_by),
            minutes = repo.policy.incident_times(level).1
        ));
    }
    for step in &created.late {
        say(&match *step {
            "response" => t!("cli.new_incident.late_response"),
            "plan" => t!("cli.new_incident.late_plan"),
            other => t!("cli.new_incident.late", step = other),
        });
    }
    say(&t!("cli.next_commit", path = created.path));
    Ok(Exit::Clean)
}
