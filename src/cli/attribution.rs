use rust_i18n::t;

use super::{Exit, Global, Outcome, print, say};
use crate::ops::report::attribution;
use crate::report::{Model, grid, json, table};

/// Attribute one campaign's conversions to channels from its
/// touchpoints.csv: first-touch, last-touch or linear (all three when no
/// --model is given).
///
/// The file has a header `conversion_id,at,channel,value` and one row per
/// touch; the latest touch of a conversion carries its value. Rows that
/// cannot be read are reported on stderr with their line, and their
/// conversion is left out.
///
/// Examples:
///   mkt attribution 618年中大促-2026-06V1
///   mkt attribution 品牌焕新-2026-04V1 --model linear
///   mkt attribution 品牌焕新-2026-04V1 --model first --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The campaign ID, e.g. 618年中大促-2026-06V1
    pub id: String,

    /// The attribution model [default: all three]
    #[arg(long, value_enum)]
    pub model: Option<Model>,

    /// Output format
    #[arg(long, value_enum, default_value_t = AttributionFormat::Table)]
    pub format: AttributionFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AttributionFormat {
    Table,
    Json,
}

pub fn run(global: &Global, args: Args) -> Outcome {
    let repo = global.open_repo()?;
    let id = super::lookup::campaign(&repo, &args.id, crate::repo::Want::Exact)?;
    let a = attribution(&repo, &id)?;
    for p in &a.problems {
        say(&t!(
            "cli.attribution.warning",
            file = p.file,
            line = p.line,
            message = p.message
        ));
    }
    let text = match args.format {
        AttributionFormat::Json => json::attribution(&a, args.model),
        AttributionFormat::Table => {
            let models = match args.model {
                Some(m) => vec![m],
                None => Model::ALL.to_vec(),
            };
            table::grid_text(&grid::attribution(&a, &models))
        }
    };
    print(&text);
    Ok(Exit::Clean)
}
