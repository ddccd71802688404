//! Tables for a person at a terminal. A table is as wide as the terminal
//! (or `COLUMNS`): long cells wrap by display width, so Chinese stays
//! aligned, and when even wrapped the columns would not fit, the least
//! useful ones are left out first. `--wide` shows every column in full, as
//! does output to a file or a pipe (no width is known there).

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use comfy_table::{
    CellAlignment, ColumnConstraint, ContentArrangement, Table, Width, presets::ASCII_MARKDOWN,
};
use unicode_width::UnicodeWidthStr;

static WIDE: AtomicBool = AtomicBool::new(false);

/// `--wide`: every column, no wrapping, whatever the terminal's width.
pub fn set_wide(on: bool) {
    WIDE.store(on, Ordering::Relaxed);
}

/// The width tables fit in: none with `--wide`; else `COLUMNS` when it is a
/// number (20 at least), else the terminal's when standard output is one.
pub fn width() -> Option<usize> {
    if WIDE.load(Ordering::Relaxed) {
        return None;
    }
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        return Some(n.max(20));
    }
    if std::io::stdout().is_terminal() {
        return Table::new().width().map(usize::from).filter(|w| *w >= 20);
    }
    None
}

/// How one column gives way when the table is too wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col {
    /// 0: never left out; else the higher, the sooner it is.
    drop: u8,
    /// `Some(n)`: may wrap down to `n` cells wide; `None`: never wraps.
    wrap: Option<usize>,
    right: bool,
}

impl Col {
    /// Kept whole, always shown: dates, counts, codes.
    pub const WHOLE: Col = Col {
        drop: 0,
        wrap: None,
        right: false,
    };

    /// Text that may wrap down to `min` cells.
    pub const fn wrap(min: usize) -> Col {
        Col {
            drop: 0,
            wrap: Some(min),
            right: false,
        }
    }

    /// Left out when the table does not fit, the highest `rank` first.
    pub const fn drop(self, rank: u8) -> Col {
        Col { drop: rank, ..self }
    }

    /// Aligned right (numbers).
    pub const fn right(self) -> Col {
        Col {
            right: true,
            ..self
        }
    }
}

/// The table, fitted to [`width`].
pub fn table(header: Vec<String>, rows: Vec<Vec<String>>, cols: &[Col]) -> Table {
    fit(header, rows, cols, width())
}

/// The table, fitted to `width` columns (`None`: every column in full).
pub fn fit(
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    cols: &[Col],
    width: Option<usize>,
) -> Table {
    let n = header.len();
    let col = |i: usize| cols.get(i).copied().unwrap_or(Col::WHOLE);
    let cell_width = |s: &str| s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0);
    let mut body = vec![0; n];
    for row in &rows {
        for (i, c) in row.iter().enumerate().take(n) {
            body[i] = body[i].max(cell_width(c));
        }
    }
    let full: Vec<usize> = (0..n)
        .map(|i| body[i].max(cell_width(&header[i])))
        .collect();
    // The narrowest each column can be: its wrap width; a whole column's
    // cells, under a header that may wrap between its words.
    // The longest latin word (a date, an id, `xiaohongshu`), kept whole;
    // Chinese breaks between any two characters.
    let words = |s: &str| {
        s.split_whitespace()
            .filter(|w| w.is_ascii())
            .map(str::len)
            .max()
            .unwrap_or(0)
    };
    let mut latin = vec![0; n];
    for row in std::iter::once(&header).chain(&rows) {
        for (i, c) in row.iter().enumerate().take(n) {
            latin[i] = latin[i].max(words(c).min(20));
        }
    }
    let least = |i: usize| match col(i).wrap {
        Some(min) => full[i].min(min.max(latin[i])),
        None => body[i].max(latin[i]).max(cell_width(&header[i]).min(8)),
    };
    let mut shown: Vec<bool> = vec![true; n];
    if let Some(w) = width {
        while span(&shown, least) > w {
            let next = (0..n)
                .filter(|i| shown[*i] && col(*i).drop > 0)
                .max_by_key(|i| (col(*i).drop, *i));
            match next {
                Some(i) => shown[i] = false,
                None => break,
            }
        }
    }
    let mut t = Table::new();
    t.load_preset(ASCII_MARKDOWN).set_header(header.clone());
    for row in rows {
        t.add_row(row);
    }
    let wrap = width.filter(|w| span(&shown, |i| full[i]) > *w);
    if let Some(w) = wrap {
        t.set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(u16::try_from(w).unwrap_or(u16::MAX));
    }
    for (i, shown) in shown.iter().enumerate() {
        let Some(c) = t.column_mut(i) else { continue };
        if col(i).right {
            c.set_cell_alignment(CellAlignment::Right);
        }
        if !shown {
            c.set_constraint(ColumnConstraint::Hidden);
        } else if wrap.is_some() {
            // comfy-table's widths count the cell's padding, one each side.
            let least = Width::Fixed(u16::try_from(least(i) + 2).unwrap_or(u16::MAX));
            c.set_constraint(match col(i).wrap {
                Some(_) => ColumnConstraint::LowerBoundary(least),
                None => ColumnConstraint::Absolute(least),
            });
        }
    }
    t
}

/// How wide a table is whose shown columns are `width(i)` wide: `| a | b |`
/// is one bar, then per column a space, the cell, a space and a bar.
fn span(shown: &[bool], width: impl Fn(usize) -> usize) -> usize {
    1 + (0..shown.len())
        .filter(|i| shown[*i])
        .map(|i| width(i) + 3)
        .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> (Vec<String>, Vec<Vec<String>>) {
        let header = ["日期", "对象", "事项", "类型"].map(String::from).to_vec();
        let rows = vec![
            [
                "2026-12-20",
                "元旦跨年-2026-12V1",
                "召开双十一预热结案会，并完成与经销商的礼盒退货与尾款对账",
                "决议",
            ]
            .map(String::from)
            .to_vec(),
        ];
        (header, rows)
    }

    const COLS: [Col; 4] = [Col::WHOLE, Col::wrap(10), Col::wrap(12), Col::WHOLE.drop(1)];

    fn widths(t: &Table) -> Vec<usize> {
        t.to_string().lines().map(UnicodeWidthStr::width).collect()
    }

    #[test]
    fn a_table_that_fits_is_left_as_it_is() {
        let (h, r) = rows();
        let wide = fit(h.clone(), r.clone(), &COLS, None).to_string();
        assert_eq!(fit(h, r, &COLS, Some(200)).to_string(), wide);
        assert_eq!(wide.lines().count(), 3);
    }

    #[test]
    fn long_cells_wrap_by_display_width_within_the_width() {
        let (h, r) = rows();
        let t = fit(h, r, &COLS, Some(60));
        assert!(widths(&t).iter().all(|w| *w <= 60), "{t}");
        assert!(t.to_string().lines().count() > 3, "{t}");
        // Every line of the table has its bars at the same display columns.
        let text = t.to_string();
        let bars = |l: &str| {
            let mut at = 0;
            let mut out = Vec::new();
            for ch in l.chars() {
                if ch == '|' {
                    out.push(at);
                }
                at += unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
            }
            out
        };
        let first = bars(text.lines().next().unwrap());
        assert!(text.lines().all(|l| bars(l) == first), "{text}");
    }

    #[test]
    fn the_least_useful_column_goes_first_and_whole_cells_never_wrap() {
        let (h, r) = rows();
        let t = fit(h, r, &COLS, Some(44)).to_string();
        assert!(!t.contains("类型"), "{t}");
        assert!(t.contains("2026-12-20"), "{t}");
        assert!(t.lines().all(|l| l.width() <= 44), "{t}");
    }
}
