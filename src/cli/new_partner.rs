use rust_i18n::t;

use super::prompt::{InputArgs, Offer, Prompter};
use super::{Exit, Global, Outcome, print, say};
use crate::error::Error;
use crate::ops::new_records::{PartnerPlan, new_partner, parse_kind, parse_rate};

const EXAMPLES: &str = "Examples:
  mkt new-partner huacha-xhs --name 花茶小姐姐 --kind KOL --platform 小红书 \\
      --handle @huacha --style 清新生活方式 --contact '星图MCN 商务邮箱 bd@xingtu.example' \\
      --rate 图文笔记=8000 --rate 短视频=15000
      # writes partners/huacha-xhs.toml";

/// Add a KOL or KOC to the cooperation archive (达人合作档案)
///
/// Writes partners/<id>.toml from the template: platform, handle, style,
/// a business contact (never a personal phone number, P001) and rates as
/// exact money. Campaigns name partners by this id: partners = ["<id>"].
/// Results are added campaign by campaign as [[results]] (规范 四(二)2).
///
/// It asks for what is missing only when a person is there (a terminal, no
/// CI, no --no-input); otherwise the id, --name, --kind, --platform and
/// --handle must be given.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The file name's id: letters, digits, `_`, `·` or `-`
    pub id: Option<String>,

    /// The partner's name (达人名称)
    #[arg(long)]
    pub name: Option<String>,

    /// KOL or KOC
    #[arg(long)]
    pub kind: Option<String>,

    /// The platform: 小红书, 抖音, B站, 微博 …
    #[arg(long)]
    pub platform: Option<String>,

    /// The account on that platform
    #[arg(long)]
    pub handle: Option<String>,

    /// Style (风格偏好)
    #[arg(long, default_value = "")]
    pub style: String,

    /// A business contact: agency, work e-mail or WeChat (no personal phone)
    #[arg(long, default_value = "")]
    pub contact: String,

    /// A rate, ITEM=PRICE (图文笔记=8000); repeat for each
    #[arg(long, value_name = "ITEM=PRICE")]
    pub rate: Vec<String>,

    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    let ask = Prompter::new(&args.input);
    let text = |v: Option<String>, flag: &str, q: &str| {
        ask.value(v, flag, q, Offer::Nothing, |s| {
            if s.trim().is_empty() {
                Err(t!("ops.records.empty", flag = flag).into_owned())
            } else {
                Ok(s.trim().to_string())
            }
        })
    };
    let id = text(args.id, "ID", &t!("cli.new_partner.ask_id"))?;
    let name = text(args.name, "--name", &t!("cli.new_partner.ask_name"))?;
    let kind = ask.value(
        args.kind
            .map(|s| {
                parse_kind(&s).map_err(|why| {
                    Error::user(t!("cli.prompt.flag_error", flag = "--kind", why = why))
                })
            })
            .transpose()?,
        "--kind",
        &t!("cli.new_partner.ask_kind"),
        Offer::Nothing,
        parse_kind,
    )?;
    let platform = text(
        args.platform,
        "--platform",
        &t!("cli.new_partner.ask_platform"),
    )?;
    let handle = text(args.handle, "--handle", &t!("cli.new_partner.ask_handle"))?;
    let rates = args
        .rate
        .iter()
        .map(|r| {
            parse_rate(r)
                .map_err(|why| Error::user(t!("cli.prompt.flag_error", flag = "--rate", why = why)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let created = new_partner(
        &repo,
        &PartnerPlan {
            id,
            name,
            kind,
            platform,
            handle,
            style: args.style,
            contact: args.contact,
            rates,
        },
    )?;
    print(&format!("{}\n", created.path));
    say(&t!("cli.new_partner.created", path = created.path));
    say(&t!("cli.next_commit", path = created.path));
    Ok(Exit::Clean)
}
