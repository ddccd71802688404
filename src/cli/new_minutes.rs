use rust_i18n::t;

use super::prompt::{InputArgs, Offer, Prompter};
use super::{Exit, Global, Outcome, print, say};
use crate::error::Result;
use crate::ops::new_minutes::{Belongs, MinutesPlan, belongs, new_minutes, parse_held_at};
use crate::repo::Want;

const EXAMPLES: &str = "Examples:
  mkt new-minutes --kind kickoff --campaign 春季促销-2026-03V1 \\
      --held-at 2026-02-25T10:00 --attendees li.na,wang.fang,zhao.lei
      # writes campaigns/春季促销-2026-03V1/minutes/2026-02-25-kickoff.toml
  mkt new-minutes --kind weekly --held-at '2026-03-09 10:00'
      # writes minutes/2026/2026-03-09-weekly.toml
  mkt new-minutes --kind quarterly --held-at 2026-04-08T14:00:00+08:00 --slug 季度战略会";

/// Start the minutes of a meeting (会议纪要), named and placed by the rules
///
/// The department template: 议题 agenda, 决议 decisions, each with its 责任人
/// owner and 时限 due.
///
/// The file is named by the naming rule, {date}-{kind}[-{slug}].toml:
/// kickoff, review and closing meetings belong to a campaign
/// (campaigns/<ID>/minutes/, the campaign must exist); daily, weekly,
/// monthly and quarterly ones to the department (minutes/<YYYY>/); adhoc
/// to either. Attendees must be in team.toml. A time without an offset is
/// read in the policy's zone. Prints the new file's path.
///
/// It asks for what is missing only when a person is there (a terminal, no
/// CI, no --no-input); otherwise --kind and --held-at must be given.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The meeting kind: kickoff, review, closing, daily, weekly, monthly, quarterly, adhoc
    #[arg(long)]
    pub kind: Option<String>,

    /// The campaign ID, for a campaign's meeting
    #[arg(long, value_name = "ID")]
    pub campaign: Option<String>,

    /// When it was held: 2026-02-25T10:00:00+08:00, or 2026-02-25T10:00 in the policy's zone
    #[arg(long, value_name = "TIME")]
    pub held_at: Option<String>,

    /// Who attended (参会人): ids in team.toml, comma-separated
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    pub attendees: Vec<String>,

    /// Title; default from the campaign's title and the kind, like 春季新品促销启动会
    #[arg(long)]
    pub title: Option<String>,

    /// Added to the file name, to tell two meetings of a day apart: 2026-04-08-quarterly-季度战略会.toml
    #[arg(long)]
    pub slug: Option<String>,

    /// How long it lasted, in minutes; default: the policy's length for the
    /// kind (meetings.duration_minutes), else 60
    #[arg(long, value_name = "MINUTES")]
    pub duration: Option<u32>,

    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    let zone = repo.policy.zone();
    let ask = Prompter::new(&args.input);
    let kinds = repo.policy.naming.minutes_kinds.join(&t!("cli.list_sep"));
    let kind = ask.value(
        args.kind,
        "--kind",
        &t!("cli.new_minutes.ask_kind", kinds = kinds),
        Offer::Nothing,
        |s| {
            let k = meeting_kind(s);
            belongs(&repo, &k).map_err(|e| match e.hint {
                Some(h) => format!("{} ({h})", e.message),
                None => e.message,
            })?;
            Ok(k)
        },
    )?;
    let kind = meeting_kind(&kind);
    let campaign = match (args.campaign, belongs(&repo, &kind)?) {
        (Some(c), _) => Some(super::lookup::campaign(&repo, &c, Want::Live)?),
        (None, Belongs::Department) => None,
        (None, b) if ask.interactive() => {
            let optional = b == Belongs::Either;
            let prompt = if optional {
                t!("cli.new_minutes.ask_campaign_optional")
            } else {
                t!("cli.new_minutes.ask_campaign")
            };
            let answer = ask.value(
                None,
                "--campaign",
                &prompt,
                if optional {
                    Offer::Default(String::new())
                } else {
                    Offer::Nothing
                },
                |s| {
                    if s.is_empty() && optional {
                        return Ok(None);
                    }
                    super::lookup::campaign_answer(&repo, s, Want::Live).map(Some)
                },
            )?;
            answer.map(|(typed, found)| {
                super::lookup::tell(&typed, &found);
                found.id
            })
        }
        (None, _) => None, // refused below, naming --campaign
    };
    let held_at = ask.value(
        args.held_at
            .map(|s| parse_held_at(&s, zone))
            .transpose()
            .map_err(crate::error::Error::user)?,
        "--held-at",
        &t!(
            "cli.new_minutes.ask_held_at",
            zone = repo.policy.general.timezone
        ),
        Offer::Nothing,
        |s| parse_held_at(s, zone),
    )?;
    let attendees = if !args.attendees.is_empty() || !ask.interactive() {
        super::lookup::people(&repo, &args.attendees, &t!("cli.who.attendee"))?
    } else {
        ask.value(
            None,
            "--attendees",
            &t!("cli.new_minutes.ask_attendees"),
            Offer::Default(String::new()),
            |s| {
                crate::model::keyboard::split_list(s)
                    .iter()
                    .map(|a| super::lookup::person_answer(&repo, a, &t!("cli.who.attendee")))
                    .collect::<std::result::Result<Vec<_>, _>>()
            },
        )?
    };
    // 规范 四(一)1: 晨会 15, 周复盘会 60, 月战略会 90 minutes (policy).
    let duration_minutes = args
        .duration
        .or_else(|| repo.policy.meeting_minutes(&kind))
        .unwrap_or(60);
    let created = new_minutes(
        &repo,
        &MinutesPlan {
            kind,
            campaign,
            held_at,
            duration_minutes,
            attendees: attendees
                .into_iter()
                .map(|a| a.trim().to_string())
                .collect(),
            title: args.title,
            slug: args.slug,
        },
    )?;
    print(&format!("{}\n", created.path));
    tell(&repo, &created)?;
    Ok(Exit::Clean)
}

/// A meeting kind as typed: its id, or a Chinese name of one (启动会).
fn meeting_kind(s: &str) -> String {
    use crate::model::keyboard::{Vocab, canonical};
    canonical(Vocab::MeetingKind, s).map_or_else(|| s.trim().to_string(), str::to_string)
}

fn tell(repo: &crate::repo::Repo, c: &crate::ops::new_minutes::MinutesCreated) -> Result<()> {
    say(&t!(
        "cli.new_minutes.created",
        path = c.path,
        title = c.title
    ));
    if let Some(newer) = &c.superseded_by {
        say(&t!("cli.new_minutes.superseded", newer = newer));
    }
    say(&t!("cli.new_minutes.next"));
    say(&t!(
        "cli.new_minutes.commit_by",
        by = c.commit_by.format("%Y-%m-%d %H:%M %:z"),
        hours = repo.policy.deadlines.minutes_within_hours,
        path = c.path
    ));
    Ok(())
}
