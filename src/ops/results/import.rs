//! `mkt results import`: an ad platform's CSV export (UTF-8, UTF-8 with a
//! BOM, or GBK as Excel in China saves it) read through the policy's
//! `[import]` column names, each row checked before anything is written.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_i18n::t;

use super::{Figure, FigureValue, NewSpend, ResultsFile, count};
use crate::error::{Error, Result};
use crate::model::keyboard;
use crate::model::{Money, Results};
use crate::policy::{Import, column_key};
use crate::repo::Repo;

/// One row read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    /// The line of the file it starts on (the header is line 1).
    pub line: u64,
    pub date: Option<NaiveDate>,
    pub channel: Option<String>,
    pub exposure: Option<u64>,
    pub clicks: Option<u64>,
    pub conversions: Option<u64>,
    pub cost: Option<Money>,
    pub revenue: Option<Money>,
}

/// A row that cannot be read: its line, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    pub line: u64,
    pub why: String,
}

/// The file read.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// How its bytes were read: `UTF-8`, `UTF-8 BOM`, `GBK`, `UTF-16`.
    pub encoding: &'static str,
    /// Each column's header and the figure it was taken as (none: left out).
    pub columns: Vec<(String, Option<&'static str>)>,
    pub rows: Vec<Row>,
    pub bad: Vec<BadRow>,
    /// Lines of total rows (合计, 总计), left out.
    pub totals_skipped: Vec<u64>,
}

/// The text of a CSV file, and how it was encoded. A BOM says; else UTF-8
/// when the bytes are UTF-8; else GBK (GB18030, which holds it).
pub fn decode(bytes: &[u8]) -> Option<(String, &'static str)> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, bad) = enc.decode_without_bom_handling(&bytes[bom..]);
        let name = if enc == encoding_rs::UTF_8 {
            "UTF-8 BOM"
        } else {
            "UTF-16"
        };
        return (!bad).then(|| (text.into_owned(), name));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some((s.to_string(), "UTF-8"));
    }
    let (text, bad) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    (!bad).then(|| (text.into_owned(), "GBK"))
}

/// Words that mark a total row of an export.
const TOTAL_WORDS: &[&str] = &["合计", "总计", "汇总", "总计:", "total", "sum"];

fn is_total(cell: &str) -> bool {
    let k = column_key(cell);
    TOTAL_WORDS.iter().any(|w| k == *w)
}

/// A date cell: any form a person types, a time after it, or `20260601`.
fn date_cell(s: &str) -> Option<NaiveDate> {
    let s = keyboard::halfwidth(s);
    let s = s.trim();
    if let Ok(d) = keyboard::date(s) {
        return Some(d);
    }
    if let Some(day) = s.split_whitespace().next()
        && let Ok(d) = keyboard::date(day)
    {
        return Some(d);
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return keyboard::date(&format!("{}-{}-{}", &s[..4], &s[4..6], &s[6..])).ok();
    }
    None
}

/// The line a byte offset is on, counted as an editor does (csv's own
/// count is off after a quoted field or a CR LF).
fn line_at(text: &str, byte: u64) -> u64 {
    let bytes = text.as_bytes();
    let mut end = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
    // A record read after a CR starts, for csv, at the LF that follows it.
    while end < bytes.len() && matches!(bytes[end], b'\r' | b'\n') {
        end += 1;
    }
    bytes[..end].iter().filter(|b| **b == b'\n').count() as u64 + 1
}

/// A cell that says "no data": empty, `-`, `--`, `/`.
fn empty_cell(s: &str) -> bool {
    let t = keyboard::halfwidth(s);
    matches!(t.trim(), "" | "-" | "--" | "/" | "—" | "N/A" | "n/a")
}

/// Reads the CSV text with the policy's column names. Fails (exit 2)
/// only when the file as a whole cannot be read; rows that cannot be read
/// are in `bad`.
pub fn read(bytes: &[u8], import: &Import, file: &str) -> Result<Sheet> {
    let (text, encoding) = decode(bytes).ok_or_else(|| {
        Error::user(t!("results.import.encoding", file = file))
            .hint(t!("results.import.encoding_hint"))
    })?;
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if !first.contains(',') && first.contains('\t') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            return Err(Error::user(t!(
                "results.import.unreadable",
                file = file,
                why = e.to_string()
            )));
        }
        None => return Err(Error::user(t!("results.import.empty", file = file))),
    };
    let columns: Vec<(String, Option<&'static str>)> = header
        .iter()
        .map(|h| (h.trim().to_string(), import.field_of(h)))
        .collect();
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (h, f) in &columns {
        if let Some(f) = f
            && let Some(other) = seen.insert(f, h)
        {
            return Err(Error::user(t!(
                "results.import.column_twice",
                file = file,
                field = f,
                a = other,
                b = h
            )));
        }
    }
    let figures = ["exposure", "clicks", "conversions", "cost", "revenue"];
    if !columns
        .iter()
        .any(|(_, f)| f.is_some_and(|f| figures.contains(&f)))
    {
        let headers: Vec<&str> = columns.iter().map(|(h, _)| h.as_str()).collect();
        return Err(Error::user(t!(
            "results.import.no_columns",
            file = file,
            headers = headers.join(", ")
        ))
        .hint(t!("results.import.no_columns_hint")));
    }
    let mut sheet = Sheet {
        encoding,
        columns,
        rows: Vec::new(),
        bad: Vec::new(),
        totals_skipped: Vec::new(),
    };
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(&text, p.byte()));
                sheet.bad.push(BadRow {
                    line,
                    why: t!("results.import.not_csv", why = e.to_string()).into_owned(),
                });
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| line_at(&text, p.byte()));
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rec.iter().take(2).any(is_total) {
            sheet.totals_skipped.push(line);
            continue;
        }
        if rec.len() != sheet.columns.len() {
            sheet.bad.push(BadRow {
                line,
                why: t!(
                    "results.import.fields",
                    n = rec.len(),
                    m = sheet.columns.len()
                )
                .into_owned(),
            });
            continue;
        }
        match read_row(&sheet.columns, &rec, line) {
            Ok(row) => sheet.rows.push(row),
            Err(why) => sheet.bad.push(BadRow { line, why }),
        }
    }
    Ok(sheet)
}

fn read_row(
    columns: &[(String, Option<&'static str>)],
    rec: &csv::StringRecord,
    line: u64,
) -> std::result::Result<Row, String> {
    let mut row = Row {
        line,
        ..Row::default()
    };
    for ((header, field), cell) in columns.iter().zip(rec.iter()) {
        let Some(field) = field else { continue };
        let cell = cell.trim();
        if empty_cell(cell) {
            continue;
        }
        let bad_count =
            || t!("results.import.bad_count", column = header, value = cell).into_owned();
        let bad_amount =
            || t!("results.import.bad_amount", column = header, value = cell).into_owned();
        let money = || {
            keyboard::amount_in_fen(cell)
                .map(Money)
                .filter(|m| m.fen() >= 0)
                .ok_or_else(bad_amount)
        };
        match *field {
            "date" => {
                row.date = Some(date_cell(cell).ok_or_else(|| {
                    t!("results.import.bad_date", column = header, value = cell).into_owned()
                })?)
            }
            "channel" => row.channel = Some(cell.to_string()),
            "exposure" => row.exposure = Some(count(cell).ok_or_else(bad_count)?),
            "clicks" => row.clicks = Some(count(cell).ok_or_else(bad_count)?),
            "conversions" => row.conversions = Some(count(cell).ok_or_else(bad_count)?),
            "cost" => row.cost = Some(money()?),
            "revenue" => row.revenue = Some(money()?),
            _ => {}
        }
    }
    Ok(row)
}

/// The sums of some rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub exposure: Option<u64>,
    pub clicks: Option<u64>,
    pub conversions: Option<u64>,
    pub cost: Option<Money>,
    pub revenue: Option<Money>,
}

impl Totals {
    fn add(&mut self, r: &Row) {
        let n = |a: &mut Option<u64>, b: Option<u64>| {
            if let Some(b) = b {
                *a = Some(a.unwrap_or(0).saturating_add(b));
            }
        };
        let m = |a: &mut Option<Money>, b: Option<Money>| {
            if let Some(b) = b {
                *a = Some(a.unwrap_or_default() + b);
            }
        };
        n(&mut self.exposure, r.exposure);
        n(&mut self.clicks, r.clicks);
        n(&mut self.conversions, r.conversions);
        m(&mut self.cost, r.cost);
        m(&mut self.revenue, r.revenue);
    }

    fn figures(&self) -> Vec<(Figure, FigureValue)> {
        let mut out = Vec::new();
        let counts = [
            (Figure::Exposure, self.exposure),
            (Figure::Clicks, self.clicks),
            (Figure::Conversions, self.conversions),
        ];
        for (f, v) in counts {
            if let Some(v) = v {
                out.push((f, FigureValue::Count(v)));
            }
        }
        if let Some(r) = self.revenue {
            out.push((Figure::Revenue, FigureValue::Money(r)));
        }
        out
    }
}

pub struct ImportOptions {
    pub id: String,
    /// The file as the person named it (for messages and spend notes).
    pub file: String,
    pub bytes: Vec<u8>,
    /// For rows without a channel column.
    pub channel: Option<String>,
    /// For rows without a date column.
    pub date: NaiveDate,
    /// The category of the spend the cost column makes (the id).
    pub category: String,
    pub dry_run: bool,
}

/// What an import read and (unless refused or a dry run) wrote.
#[derive(Debug)]
pub struct Imported {
    pub path: String,
    pub sheet: Sheet,
    /// Rows with their channel and date filled in as written.
    pub rows: Vec<Row>,
    pub totals: Totals,
    /// Whether the file was written (no bad rows, not a dry run).
    pub written: bool,
    /// A spend of this import already in the file: the line it came from.
    pub already: Option<u64>,
    pub results: Option<Results>,
}

/// `mkt results import`: the rows' cost as `[[spend]]`, their figures
/// added to `[kpi]` and, per channel, to `[[channel_kpi]]`. Any bad row,
/// and nothing is written.
pub fn import(repo: &Repo, opts: &ImportOptions) -> Result<Imported> {
    let mut file = ResultsFile::open(repo, &opts.id)?;
    let sheet = read(&opts.bytes, &repo.policy.import, &opts.file)?;
    let default_channel = opts
        .channel
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let rows: Vec<Row> = sheet
        .rows
        .iter()
        .map(|r| Row {
            date: r.date.or(Some(opts.date)),
            channel: r
                .channel
                .clone()
                .or_else(|| default_channel.map(str::to_string)),
            ..r.clone()
        })
        .collect();
    let mut totals = Totals::default();
    // Channels in the order the file first names them.
    let mut per_channel: Vec<(String, Totals)> = Vec::new();
    for r in &rows {
        totals.add(r);
        if let Some(ch) = &r.channel {
            match per_channel.iter_mut().find(|(c, _)| c == ch) {
                Some((_, t)) => t.add(r),
                None => {
                    let mut t = Totals::default();
                    t.add(r);
                    per_channel.push((ch.clone(), t));
                }
            }
        }
    }
    let name = std::path::Path::new(&opts.file)
        .file_name()
        .map_or(opts.file.clone(), |n| n.to_string_lossy().into_owned());
    let existing = file.results()?;
    let mut already = None;
    for r in rows
        .iter()
        .filter(|r| r.cost.is_some_and(|c| c != Money::ZERO))
    {
        let spend = NewSpend {
            date: r.date.unwrap_or(opts.date),
            category: opts.category.clone(),
            channel: r.channel.clone(),
            amount: r.cost.unwrap_or_default(),
            note: Some(t!("results.import.note", file = name, line = r.line).into_owned()),
        };
        let same = existing.spend.iter().any(|s| {
            s.date.0 == spend.date
                && s.amount == spend.amount
                && s.note == spend.note.clone().unwrap_or_default()
                && s.channel.trim() == spend.channel.as_deref().unwrap_or_default()
        });
        if same && already.is_none() {
            already = Some(r.line);
        }
        file.add_spend(&spend)?;
    }
    file.add(None, &totals.figures())?;
    for (ch, t) in &per_channel {
        let figures = t.figures();
        if !figures.is_empty() {
            file.add(Some(ch), &figures)?;
        }
    }
    let refused = !sheet.bad.is_empty() || already.is_some() || rows.is_empty();
    let results = if refused || opts.dry_run {
        None
    } else {
        Some(file.write()?)
    };
    Ok(Imported {
        path: file.path.clone(),
        written: results.is_some(),
        sheet,
        rows,
        totals,
        already,
        results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;

    #[test]
    fn reads_utf8_bom_and_gbk_alike() {
        let text = "日期,渠道,展示数,点击,转化,消耗(元)\n2026/6/1,抖音,\"120,000\",3400,210,\"5,200.50\"\n合计,,120000,3400,210,5200.50\n";
        let import = &Policy::builtin().import;
        let utf8 = read(text.as_bytes(), import, "a.csv").unwrap();
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        let bom = read(&bom, import, "a.csv").unwrap();
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let gbk = read(&gbk, import, "a.csv").unwrap();
        assert_eq!(
            (utf8.encoding, bom.encoding, gbk.encoding),
            ("UTF-8", "UTF-8 BOM", "GBK")
        );
        assert_eq!(utf8.rows, bom.rows);
        assert_eq!(utf8.rows, gbk.rows);
        assert_eq!(utf8.totals_skipped, [3]);
        let r = &utf8.rows[0];
        assert_eq!(r.line, 2);
        assert_eq!(r.exposure, Some(120_000));
        assert_eq!(r.cost, Some(Money(520_050)));
        assert_eq!(r.channel.as_deref(), Some("抖音"));
    }

    #[test]
    fn a_bad_row_is_named_by_its_line() {
        let text = "date,clicks,cost\r\n2026-06-01,10,\"1,100\"\r\n2026-06-02,ten,100\r\n2026-06-31,1,1\r\n2026-06-03,1\r\n";
        let s = read(text.as_bytes(), &Policy::builtin().import, "a.csv").unwrap();
        assert_eq!(s.rows.len(), 1);
        let lines: Vec<u64> = s.bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, [3, 4, 5]);
        assert!(read(b"a,b\n1,2\n", &Policy::builtin().import, "a.csv").is_err());
    }
}
