//! The report as one self-contained HTML page: inline CSS, inline SVG
//! charts, no script and no URL of any kind (a Content-Security-Policy
//! forbids fetching anything), so a lead can open it offline, mail it or
//! print it. Charts: budget against spend per campaign, spend by channel,
//! and the phases as a Gantt chart over the quarter.
//!
//! Geometry is integer pixels computed from integer fen: no floats.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use rust_i18n::t;
use unicode_width::UnicodeWidthStr;

use super::grid::{self, Grid};
use super::human::money;
use crate::model::Money;
use crate::report::QuarterReport;

/// Chart width in px; the page scales it down on narrow screens and paper.
const WIDTH: i64 = 880;

const STYLE: &str = r#"
:root { --ink:#1f2933; --muted:#616e7c; --line:#d9e2ec; --accent:#2f6fbf; --accent2:#9cc3ee; --warn:#c0392b; --plan:#e4e7eb; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 14px/1.5 -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", sans-serif;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
main { max-width: 960px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
p.summary { color: var(--muted); margin: 0 0 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { flex: 1 1 160px; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
.card .k { color: var(--muted); font-size: 12px; }
.card .v { font-size: 20px; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f5f7fa; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 600; background: #fafbfc; }
p.empty { color: var(--muted); font-style: italic; }
ul.notes { color: var(--muted); font-size: 12px; margin: 4px 0 12px; padding-left: 20px; }
figure { margin: 12px 0 20px; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
svg { max-width: 100%; height: auto; display: block; }
svg text { font-size: 12px; fill: var(--ink); }
svg .muted { fill: var(--muted); }
footer { color: var(--muted); font-size: 12px; margin-top: 32px; border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4; margin: 12mm; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  table, figure, .cards { break-inside: avoid; }
}
"#;

pub fn render(r: &QuarterReport) -> String {
    let title = grid::title(r);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        esc(&title)
    );
    let _ = writeln!(out, "<h1>{}</h1>", esc(&title));
    let _ = writeln!(out, "<p class=\"summary\">{}</p>", esc(&grid::summary(r)));
    cards(&mut out, r);

    for g in grid::grids(r) {
        let _ = writeln!(out, "<section>\n<h2>{}</h2>", esc(&g.title));
        grid_html(&mut out, &g);
        match g.section {
            crate::report::Section::Campaigns if !r.campaigns.is_empty() => {
                figure(
                    &mut out,
                    &budget_chart(r),
                    &t!("report.html.caption_budget"),
                );
                figure(&mut out, &gantt(r), &t!("report.html.caption_gantt"));
            }
            crate::report::Section::Channels => {
                if let Some(svg) = channel_chart(r) {
                    figure(&mut out, &svg, &t!("report.html.caption_channels"));
                }
            }
            _ => {}
        }
        out.push_str("</section>\n");
    }
    let footer = t!(
        "report.html.footer",
        version = env!("CARGO_PKG_VERSION"),
        quarter = r.quarter.to_string(),
        as_of = r.as_of.to_string()
    );
    let _ = write!(
        out,
        "<footer>{}</footer>\n</main>\n</body>\n</html>\n",
        esc(&footer)
    );
    out
}

/// Escapes text for HTML and SVG content and attributes.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

fn cards(out: &mut String, r: &QuarterReport) {
    if r.campaigns.is_empty() {
        return;
    }
    let t = &r.totals;
    out.push_str("<div class=\"cards\">\n");
    for (k, v) in [
        (t!("report.html.cards_campaigns"), t.campaigns.to_string()),
        (t!("report.html.cards_budget"), money(t.budget)),
        (
            t!("report.html.cards_spent_in_quarter"),
            money(t.spent_in_quarter),
        ),
        (
            t!("report.html.cards_spent_to_date"),
            money(t.spent_to_date),
        ),
        (t!("report.html.cards_reserve_used"), money(t.reserve_used)),
    ] {
        let _ = writeln!(
            out,
            "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>",
            esc(&k),
            esc(&v)
        );
    }
    out.push_str("</div>\n");
}

fn grid_html(out: &mut String, g: &Grid) {
    if g.rows.is_empty() {
        let _ = writeln!(out, "<p class=\"empty\">{}</p>", esc(&g.empty));
    } else {
        out.push_str("<table>\n<thead><tr>");
        for (h, num) in g.header.iter().zip(&g.numeric) {
            let class = if *num { " class=\"num\"" } else { "" };
            let _ = write!(out, "<th{class}>{}</th>", esc(h));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (n, row) in g.rows.iter().enumerate() {
            let total = g.total && n + 1 == g.rows.len();
            out.push_str(if total {
                "<tr class=\"total\">"
            } else {
                "<tr>"
            });
            for (i, c) in row.iter().enumerate() {
                let class = if g.numeric.get(i).copied().unwrap_or(false) {
                    " class=\"num\""
                } else {
                    ""
                };
                let _ = write!(out, "<td{class}>{}</td>", esc(c));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    }
    if !g.notes.is_empty() {
        out.push_str("<ul class=\"notes\">\n");
        for n in &g.notes {
            let _ = writeln!(out, "<li>{}</li>", esc(n));
        }
        out.push_str("</ul>\n");
    }
}

fn figure(out: &mut String, svg: &str, caption: &str) {
    let _ = write!(
        out,
        "<figure>\n{svg}<figcaption>{}</figcaption>\n</figure>\n",
        esc(caption)
    );
}

/// Width in px of a label at 12 px: display columns (a CJK character is
/// two) times about 6.5 px.
fn text_px(s: &str) -> i64 {
    i64::try_from(s.width()).unwrap_or(0) * 13 / 2
}

/// The left column that holds labels: wide enough for the longest, within bounds.
fn label_column<'a>(labels: impl Iterator<Item = &'a str>) -> i64 {
    (labels.map(text_px).max().unwrap_or(0) + 16).clamp(80, 300)
}

/// `part` of `full` px as `value` is of `max`, in integers.
fn scale(value: i64, max: i64, full: i64) -> i64 {
    if max <= 0 || value <= 0 {
        return 0;
    }
    (i128::from(value) * i128::from(full) / i128::from(max)) as i64
}

fn svg_open(out: &mut String, height: i64, label: &str) {
    let _ = writeln!(
        out,
        "<svg width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"{}\">\n<title>{}</title>",
        esc(label),
        esc(label)
    );
}

/// Budget against spend to date per campaign: a grey bar for the budget, a
/// blue one for spend (the darker part in the quarter), red when over.
fn budget_chart(r: &QuarterReport) -> String {
    let label_w = label_column(r.campaigns.iter().map(|c| c.id.as_str()));
    let value_w = 200;
    let bar_w = WIDTH - label_w - value_w;
    let row_h = 36;
    let top = 28;
    let height = top + row_h * r.campaigns.len() as i64 + 8;
    let max = r
        .campaigns
        .iter()
        .map(|c| c.budget.fen().max(c.spent_to_date.fen()))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    svg_open(&mut out, height, &t!("report.html.chart_budget"));
    legend(
        &mut out,
        label_w,
        &[
            ("#e4e7eb", &t!("report.html.legend_budget")),
            ("#2f6fbf", &t!("report.html.legend_in_quarter")),
            ("#9cc3ee", &t!("report.html.legend_other")),
        ],
    );
    for (i, c) in r.campaigns.iter().enumerate() {
        let y = top + row_h * i as i64;
        let budget_px = scale(c.budget.fen(), max, bar_w);
        let spent_px = scale(c.spent_to_date.fen(), max, bar_w);
        let quarter_px = scale(c.spent_in_quarter.fen(), max, bar_w).min(spent_px);
        let over = c.spent_to_date > c.budget;
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 8,
            y + 20,
            esc(&c.id)
        );
        let _ = writeln!(
            out,
            "<rect x=\"{label_w}\" y=\"{}\" width=\"{budget_px}\" height=\"12\" fill=\"#e4e7eb\"/>",
            y + 4
        );
        let _ = writeln!(
            out,
            "<rect x=\"{label_w}\" y=\"{}\" width=\"{spent_px}\" height=\"12\" fill=\"#9cc3ee\"{}/>",
            y + 18,
            if over {
                " stroke=\"#c0392b\" stroke-width=\"2\""
            } else {
                ""
            }
        );
        let _ = writeln!(
            out,
            "<rect x=\"{label_w}\" y=\"{}\" width=\"{quarter_px}\" height=\"12\" fill=\"#2f6fbf\"/>",
            y + 18
        );
        let share = grid::share(c.spent_to_date, c.budget);
        let text = if share.is_empty() {
            format!("{} / {}", money(c.spent_to_date), money(c.budget))
        } else {
            format!("{} / {} ({share})", money(c.spent_to_date), money(c.budget))
        };
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" class=\"muted\"{}>{}</text>",
            label_w + bar_w + 8,
            y + 20,
            if over { " style=\"fill:#c0392b\"" } else { "" },
            esc(&text)
        );
    }
    out.push_str("</svg>\n");
    out
}

fn legend(out: &mut String, x0: i64, items: &[(&str, &str)]) {
    let mut x = x0;
    for (color, text) in items {
        let _ = writeln!(
            out,
            "<rect x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{}\" y=\"16\" class=\"muted\">{}</text>",
            x + 16,
            esc(text)
        );
        x += 16 + text_px(text) + 20;
    }
}

/// Spend in the quarter by channel, biggest first; none without spend.
fn channel_chart(r: &QuarterReport) -> Option<String> {
    let rows: Vec<_> = r
        .channels
        .iter()
        .filter(|c| c.spent_in_quarter > Money::ZERO)
        .collect();
    if rows.is_empty() {
        return None;
    }
    let total: Money = rows.iter().map(|c| c.spent_in_quarter).sum();
    let max = rows
        .iter()
        .map(|c| c.spent_in_quarter.fen())
        .max()
        .unwrap_or(0);
    let label_w = label_column(rows.iter().map(|c| c.channel.as_str()));
    let value_w = 160;
    let bar_w = WIDTH - label_w - value_w;
    let row_h = 26;
    let height = row_h * rows.len() as i64 + 12;
    let mut out = String::new();
    svg_open(&mut out, height, &t!("report.html.chart_channels"));
    for (i, c) in rows.iter().enumerate() {
        let y = 6 + row_h * i as i64;
        let w = scale(c.spent_in_quarter.fen(), max, bar_w);
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n<rect x=\"{label_w}\" y=\"{}\" width=\"{w}\" height=\"16\" fill=\"#2f6fbf\"/>\n<text x=\"{}\" y=\"{}\" class=\"muted\">{} ({})</text>",
            label_w - 8,
            y + 13,
            esc(&c.channel),
            y + 1,
            label_w + w + 8,
            y + 13,
            esc(&money(c.spent_in_quarter)),
            esc(&grid::share(c.spent_in_quarter, total)),
        );
    }
    out.push_str("</svg>\n");
    Some(out)
}

/// The phases of each campaign on the quarter's days: a light bar for the
/// campaign, a coloured one per phase, month lines, and today.
fn gantt(r: &QuarterReport) -> String {
    const PHASE_COLORS: [&str; 5] = ["#9cc3ee", "#2f6fbf", "#5aa469", "#e0a03a", "#8e6cbf"];
    let (first, last) = (r.first_day, r.last_day);
    let days = (last - first).num_days() + 1;
    let mut labels: Vec<(String, bool)> = Vec::new();
    for c in &r.campaigns {
        labels.push((c.id.clone(), true));
        for p in &c.phases {
            labels.push((format!("  {}", grid::phase_label(&p.name)), false));
        }
    }
    let label_w = label_column(labels.iter().map(|(l, _)| l.as_str()));
    let chart_w = WIDTH - label_w - 16;
    let row_h = 20;
    let top = 24;
    let height = top + row_h * labels.len() as i64 + 8;
    let x_of = |d: NaiveDate| {
        let offset = (d - first).num_days().clamp(0, days);
        label_w + scale(offset, days, chart_w)
    };
    let mut out = String::new();
    svg_open(&mut out, height, &t!("report.html.chart_gantt"));

    // Month lines and labels.
    let mut m = first;
    while m <= last {
        let x = x_of(m);
        let _ = writeln!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#d9e2ec\"/><text x=\"{}\" y=\"14\" class=\"muted\">{}</text>",
            top - 4,
            height - 4,
            x + 4,
            m.format("%Y-%m")
        );
        m = next_month(m);
    }
    let end_x = label_w + chart_w;
    let _ = writeln!(
        out,
        "<line x1=\"{end_x}\" y1=\"{}\" x2=\"{end_x}\" y2=\"{}\" stroke=\"#d9e2ec\"/>",
        top - 4,
        height - 4
    );

    let mut row = 0i64;
    for c in &r.campaigns {
        let y = top + row_h * row;
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-weight=\"600\">{}</text>",
            label_w - 8,
            y + 14,
            esc(&c.id)
        );
        if c.start <= last && c.end >= first {
            let (x1, x2) = (x_of(c.start), x_of(c.end.succ_opt().unwrap_or(c.end)));
            let _ = writeln!(
                out,
                "<rect x=\"{x1}\" y=\"{}\" width=\"{}\" height=\"8\" rx=\"2\" fill=\"#e4e7eb\"/>",
                y + 6,
                (x2 - x1).max(2)
            );
            if c.start < first {
                let _ = writeln!(
                    out,
                    "<polygon points=\"{},{} {},{} {},{}\" fill=\"#616e7c\"/>",
                    x1 + 6,
                    y + 4,
                    x1,
                    y + 10,
                    x1 + 6,
                    y + 16
                );
            }
            if c.end > last {
                let _ = writeln!(
                    out,
                    "<polygon points=\"{},{} {},{} {},{}\" fill=\"#616e7c\"/>",
                    x2 - 6,
                    y + 4,
                    x2,
                    y + 10,
                    x2 - 6,
                    y + 16
                );
            }
        }
        row += 1;
        for (i, p) in c.phases.iter().enumerate() {
            let y = top + row_h * row;
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"muted\">{}</text>",
                label_w - 8,
                y + 14,
                esc(&grid::phase_label(&p.name))
            );
            if p.start <= last && p.end >= first && p.start <= p.end {
                let (x1, x2) = (x_of(p.start), x_of(p.end.succ_opt().unwrap_or(p.end)));
                let _ = writeln!(
                    out,
                    "<rect x=\"{x1}\" y=\"{}\" width=\"{}\" height=\"12\" rx=\"2\" fill=\"{}\"><title>{} {}: {} – {}</title></rect>",
                    y + 4,
                    (x2 - x1).max(2),
                    PHASE_COLORS[i % PHASE_COLORS.len()],
                    esc(&c.id),
                    esc(&grid::phase_label(&p.name)),
                    p.start,
                    p.end
                );
            }
            row += 1;
        }
    }
    if first <= r.as_of && r.as_of <= last {
        let x = x_of(r.as_of);
        let _ = writeln!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#c0392b\" stroke-dasharray=\"4 3\"/>",
            top - 4,
            height - 4
        );
    }
    out.push_str("</svg>\n");
    out
}

fn next_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn scales_in_integers() {
        assert_eq!(scale(50, 200, 400), 100);
        assert_eq!(scale(0, 0, 400), 0);
        assert_eq!(scale(i64::MAX, i64::MAX, 400), 400);
    }
}
