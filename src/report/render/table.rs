//! The report for the terminal: comfy-table with an ASCII preset, which
//! measures cells by display width so Chinese names line up.

use comfy_table::{CellAlignment, Table, presets::ASCII_MARKDOWN};

use super::grid::{self, Grid};
use crate::report::QuarterReport;

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
    let mut t = Table::new();
    t.load_preset(ASCII_MARKDOWN).set_header(g.header.clone());
    for row in &g.rows {
        t.add_row(row.clone());
    }
    for (i, _) in g.numeric.iter().enumerate().filter(|(_, n)| **n) {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}
