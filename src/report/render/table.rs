//! The report for the terminal: comfy-table with an ASCII preset, which
//! measures cells by display width so Chinese names line up.

use comfy_table::Table;

use super::grid::{self, Grid};
use crate::report::QuarterReport;
use crate::term::{self, Col};

pub fn render(r: &QuarterReport) -> String {
    let mut out = format!("{}\n{}\n", grid::title(r), grid::summary(r));
    for g in grid::grids(r) {
        out.push('\n');
        out.push_str(&grid_text(&g));
    }
    out
}

/// One grid: its title, the table (or what to say when empty), its notes.
pub fn grid_text(g: &Grid) -> String {
    let mut out = format!("{}\n", g.title);
    if g.rows.is_empty() {
        out.push_str(&format!("  {}\n", g.empty));
    } else {
        out.push_str(&format!("{}\n", table(g)));
    }
    for n in &g.notes {
        out.push_str(&format!("  {n}\n"));
    }
    out
}

fn table(g: &Grid) -> Table {
    // Numbers are kept whole and aligned right; words wrap. On a
    // narrow terminal the columns a lead reads least go first.
    let cols: Vec<Col> = g
        .numeric
        .iter()
        .zip(&g.keys)
        .map(|(n, key)| {
            // A campaign's id is copied into commands: it never breaks.
            let c = match (*n, key.as_str()) {
                (true, _) => Col::WHOLE.right(),
                (false, "campaign") => Col::WHOLE,
                (false, _) => Col::wrap(10),
            };
            c.drop(narrow_rank(key))
        })
        .collect();
    term::table(g.header.clone(), g.rows.clone(), &cols)
}

/// How soon a column is left out when a table does not fit (0: never).
fn narrow_rank(key: &str) -> u8 {
    match key {
        "first_conv" | "first_value" => 8,
        "last_conv" | "last_value" => 7,
        "reserve_used" => 6,
        "spent_to_date" => 5,
        "cpa" => 4,
        "stage" | "late" => 3,
        "revenue" | "when" => 2,
        "attainment" | "touches" => 1,
        _ => 0,
    }
}
