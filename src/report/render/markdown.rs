//! The report as Markdown: what `--write` files under reports/.

use super::grid::{self, Grid};
use crate::report::QuarterReport;

pub fn render(r: &QuarterReport) -> String {
    let mut out = format!("# {}\n\n{}\n", grid::title(r), grid::summary(r));
    for g in grid::grids(r) {
        out.push('\n');
        out.push_str(&grid_markdown(&g));
    }
    out
}

fn grid_markdown(g: &Grid) -> String {
    let mut out = format!("## {}\n\n", cell(&g.title));
    if g.rows.is_empty() {
        out.push_str(&format!("{}\n", cell(&g.empty)));
    } else {
        let row = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
        out.push_str(&row(g.header.iter().map(|h| cell(h)).collect()));
        out.push_str(&row(g
            .numeric
            .iter()
            .map(|n| if *n { "---:" } else { "---" }.to_string())
            .collect()));
        for r in &g.rows {
            out.push_str(&row(r.iter().map(|c| cell(c)).collect()));
        }
    }
    if !g.notes.is_empty() {
        out.push('\n');
        for n in &g.notes {
            out.push_str(&format!("- {}\n", cell(n)));
        }
    }
    out
}

/// Text that cannot break a table: pipes escaped, line breaks flattened,
/// and characters Markdown would read as markup escaped — except inside
/// `code`, where a backslash would show (only the pipe needs it there).
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut code = false;
    for ch in s.chars() {
        match ch {
            '`' => {
                code = !code;
                out.push(ch);
            }
            '|' => out.push_str("\\|"),
            '\\' | '*' | '_' | '<' | '>' | '[' | ']' if !code => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_do_not_break_tables() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(cell("new_users"), "new\\_users");
    }
}
