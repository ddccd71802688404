//! Attribution of conversions to channels from `touchpoints.csv` (SPEC
//! section 8): first-touch, last-touch and linear.
//!
//! The file has a header `conversion_id,at,channel,value` and one row per
//! touch. The touch with the latest `at` of a conversion is the converting
//! one and carries the conversion's value; the others leave it empty. A row
//! that cannot be read leaves its whole conversion out, and says why with
//! the file and line, so the rest still counts.
//!
//! Credits are exact decimals: first and last give a conversion and its
//! value whole to one touch, linear splits both evenly over the touches.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use rust_decimal::Decimal;

use super::Problem;
use crate::model::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Model {
    /// The whole conversion to the earliest touch
    First,
    /// The whole conversion to the latest touch (the converting one)
    Last,
    /// Split evenly across every touch of the conversion
    Linear,
}

impl Model {
    pub const ALL: [Model; 3] = [Model::First, Model::Last, Model::Linear];

    pub fn key(self) -> &'static str {
        match self {
            Model::First => "first",
            Model::Last => "last",
            Model::Linear => "linear",
        }
    }
}

/// What one model gives a channel: conversions (a fraction under linear)
/// and value in fen (likewise).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Credit {
    pub conversions: Decimal,
    pub value_fen: Decimal,
}

impl Credit {
    fn add(&mut self, conversions: Decimal, value_fen: Decimal) {
        self.conversions = self
            .conversions
            .checked_add(conversions)
            .unwrap_or(self.conversions);
        self.value_fen = self
            .value_fen
            .checked_add(value_fen)
            .unwrap_or(self.value_fen);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelCredit {
    pub channel: String,
    /// Touches on this channel, in the conversions that count.
    pub touches: usize,
    pub first: Credit,
    pub last: Credit,
    pub linear: Credit,
}

impl ChannelCredit {
    pub fn credit(&self, model: Model) -> Credit {
        match model {
            Model::First => self.first,
            Model::Last => self.last,
            Model::Linear => self.linear,
        }
    }
}

/// One campaign's attribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignAttribution {
    pub campaign: String,
    /// The touchpoints file, repository-relative.
    pub file: String,
    /// Conversions that count (rows that could not be read leave theirs out).
    pub conversions: usize,
    /// Their value, summed.
    pub value: Money,
    pub touches: usize,
    /// By channel name.
    pub channels: Vec<ChannelCredit>,
    pub problems: Vec<Problem>,
}

/// One row of the file.
struct Touch {
    line: usize,
    at: DateTime<FixedOffset>,
    channel: String,
    value: Option<Money>,
}

const HEADER: [&str; 4] = ["conversion_id", "at", "channel", "value"];

/// Reads `text` (the content of `file`) and attributes its conversions.
/// A time without an offset is read in `zone`.
pub fn attribute(campaign: &str, file: &str, text: &str, zone: FixedOffset) -> CampaignAttribution {
    let mut out = CampaignAttribution {
        campaign: campaign.to_string(),
        file: file.to_string(),
        conversions: 0,
        value: Money::ZERO,
        touches: 0,
        channels: Vec::new(),
        problems: Vec::new(),
    };
    let mut problems = Vec::new();
    let mut problem = |line: usize, message: String| {
        problems.push(Problem {
            file: file.to_string(),
            line,
            message,
        });
    };

    let mut rows = read_csv(text).into_iter();
    let Some((header_line, header)) = rows.next() else {
        problem(
            1,
            format!(
                "the file is empty; it needs the header `{}`",
                HEADER.join(",")
            ),
        );
        out.problems = problems;
        return out;
    };
    let header = match header {
        Ok(h) => h,
        Err(e) => {
            problem(header_line, e);
            out.problems = problems;
            return out;
        }
    };
    let mut index = [0usize; 4];
    for (slot, name) in index.iter_mut().zip(HEADER) {
        match header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
        {
            Some(i) => *slot = i,
            None => {
                problem(
                    header_line,
                    format!(
                        "the header has no `{name}` column; it is `{}`",
                        HEADER.join(",")
                    ),
                );
                out.problems = problems;
                return out;
            }
        }
    }

    // conversion id -> its touches; None once a row of it could not be read.
    let mut conversions: BTreeMap<String, Option<Vec<Touch>>> = BTreeMap::new();
    for (line, fields) in rows {
        let fields = match fields {
            Ok(f) => f,
            Err(e) => {
                problem(line, e);
                continue;
            }
        };
        if fields.len() != header.len() {
            let id = fields.get(index[0]).map(|s| s.trim()).unwrap_or("");
            let left_out = if id.is_empty() {
                String::new()
            } else {
                conversions.insert(id.to_string(), None);
                format!("; conversion {id} is left out")
            };
            problem(
                line,
                format!(
                    "this row has {} fields, the header {} (`{}`){left_out}",
                    fields.len(),
                    header.len(),
                    HEADER.join(",")
                ),
            );
            continue;
        }
        let field = |i: usize| fields[index[i]].trim();
        let id = field(0);
        if id.is_empty() {
            problem(line, "this row has no conversion_id".to_string());
            continue;
        }
        let touch = read_touch(line, field(1), field(2), field(3), zone);
        match touch {
            Ok(t) => {
                let slot = conversions
                    .entry(id.to_string())
                    .or_insert_with(|| Some(Vec::new()));
                if let Some(list) = slot {
                    list.push(t);
                }
            }
            Err(e) => {
                problem(line, format!("{e}; conversion {id} is left out"));
                conversions.insert(id.to_string(), None);
            }
        }
    }

    let mut by_channel: BTreeMap<String, ChannelCredit> = BTreeMap::new();
    for (id, touches) in conversions {
        let Some(mut touches) = touches else { continue };
        if touches.is_empty() {
            continue;
        }
        // Time order; at the same instant the touch with the value is last.
        touches.sort_by_key(|t| (t.at, t.value.is_some(), t.line));
        let (final_touch, earlier) = touches.split_last().expect("not empty");
        if let Some(t) = earlier.iter().find(|t| t.value.is_some()) {
            problem(
                t.line,
                format!(
                    "a value on a touch that is not {id}'s last (its last is on line {}); only the converting touch carries the value; conversion {id} is left out",
                    final_touch.line
                ),
            );
            continue;
        }
        let Some(value) = final_touch.value else {
            problem(
                final_touch.line,
                format!(
                    "the last touch of {id} has no value; the converting touch carries the conversion's value; conversion {id} is left out"
                ),
            );
            continue;
        };
        out.conversions += 1;
        out.value = out.value + value;
        out.touches += touches.len();
        let n = Decimal::from(touches.len());
        let fen = Decimal::from(value.fen());
        entry(&mut by_channel, &touches[0].channel)
            .first
            .add(Decimal::ONE, fen);
        entry(&mut by_channel, &final_touch.channel)
            .last
            .add(Decimal::ONE, fen);
        let share = Decimal::ONE.checked_div(n).unwrap_or_default();
        let value_share = fen.checked_div(n).unwrap_or_default();
        for t in &touches {
            let e = entry(&mut by_channel, &t.channel);
            e.touches += 1;
            e.linear.add(share, value_share);
        }
    }
    out.channels = by_channel.into_values().collect();
    out.problems = problems;
    out.problems.sort_by_key(|p| p.line);
    out
}

fn entry<'a>(map: &'a mut BTreeMap<String, ChannelCredit>, channel: &str) -> &'a mut ChannelCredit {
    map.entry(channel.to_string())
        .or_insert_with(|| ChannelCredit {
            channel: channel.to_string(),
            touches: 0,
            first: Credit::default(),
            last: Credit::default(),
            linear: Credit::default(),
        })
}

fn read_touch(
    line: usize,
    at: &str,
    channel: &str,
    value: &str,
    zone: FixedOffset,
) -> Result<Touch, String> {
    let at = parse_time(at, zone).ok_or_else(|| {
        format!("`{at}` is not a time: write RFC 3339 like 2026-06-01T10:00:00+08:00")
    })?;
    if channel.is_empty() {
        return Err("this row has no channel".to_string());
    }
    let value = if value.is_empty() {
        None
    } else {
        let m: Money = value.parse().map_err(|e: crate::model::MoneyError| e.0)?;
        if m.fen() < 0 {
            return Err(format!(
                "`{value}` is negative; a conversion's value is not"
            ));
        }
        Some(m)
    };
    Ok(Touch {
        line,
        at,
        channel: channel.to_string(),
        value,
    })
}

/// RFC 3339, or a local time (read in `zone`) without an offset.
fn parse_time(s: &str, zone: FixedOffset) -> Option<DateTime<FixedOffset>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t);
    }
    ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .and_then(|local| zone.from_local_datetime(&local).single())
}

/// Splits CSV text (RFC 4180: quoted fields may hold commas, quotes doubled,
/// and line breaks) into records, each with the line it starts on. Blank
/// lines are skipped; a byte-order mark is ignored.
fn read_csv(text: &str) -> Vec<(usize, Result<Vec<String>, String>)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut error = None;
        let mut blank = true;
        loop {
            let Some(c) = chars.next() else {
                if quoted {
                    error = Some("a quoted field is not closed".to_string());
                }
                break;
            };
            if c != '\r' && c != '\n' {
                blank = false;
            }
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => quoted = false,
                    '\n' => {
                        line += 1;
                        field.push(c);
                    }
                    _ => field.push(c),
                }
                continue;
            }
            match c {
                '"' if field.trim().is_empty() => {
                    field.clear();
                    quoted = true;
                }
                ',' => fields.push(std::mem::take(&mut field)),
                '\r' => {}
                '\n' => {
                    line += 1;
                    break;
                }
                _ => field.push(c),
            }
        }
        if blank && error.is_none() {
            continue;
        }
        fields.push(field);
        out.push((start, error.map_or(Ok(fields), Err)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn reads_quoted_csv() {
        let rows = read_csv("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\n\"multi\nline\",z\n");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1], (2, Ok(vec!["x, y".into(), "say \"hi\"".into()])));
        assert_eq!(rows[2], (4, Ok(vec!["multi\nline".into(), "z".into()])));
    }

    #[test]
    fn three_models() {
        let text = "conversion_id,at,channel,value\n\
                    A,2026-05-01T09:00:00+08:00,weibo,\n\
                    A,2026-05-01T10:00:00+08:00,baidu,\n\
                    A,2026-05-02T10:00:00+08:00,douyin,90\n\
                    B,2026-05-03T10:00:00,weibo,10.50\n";
        let a = attribute("c", "t.csv", text, zone());
        assert!(a.problems.is_empty(), "{:?}", a.problems);
        assert_eq!((a.conversions, a.touches), (2, 4));
        assert_eq!(a.value, Money(10050));
        let ch = |n: &str| a.channels.iter().find(|c| c.channel == n).unwrap();
        assert_eq!(ch("weibo").first.conversions, d("2"));
        assert_eq!(ch("weibo").first.value_fen, d("10050"));
        assert_eq!(ch("douyin").last.value_fen, d("9000"));
        assert_eq!(ch("baidu").last.conversions, Decimal::ZERO);
        // weibo: 1/3 of A and all of B; value 9000/3 + 1050.
        assert_eq!(ch("weibo").linear.value_fen, d("4050"));
        let total: Decimal = a.channels.iter().map(|c| c.linear.conversions).sum();
        assert_eq!(total.round_dp(6), d("2"));
    }

    #[test]
    fn malformed_rows_leave_their_conversion_out() {
        let text = "conversion_id,at,channel,value\n\
                    A,yesterday,weibo,\n\
                    A,2026-05-02T10:00:00+08:00,douyin,90\n\
                    B,2026-05-03T10:00:00+08:00,weibo\n\
                    C,2026-05-01T10:00:00+08:00,weibo,5\n\
                    C,2026-05-02T10:00:00+08:00,douyin,7\n\
                    D,2026-05-02T10:00:00+08:00,douyin,\n\
                    E,2026-05-02T10:00:00+08:00,baidu,12\n";
        let a = attribute("c", "t.csv", text, zone());
        let lines: Vec<usize> = a.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 4, 5, 7], "{:?}", a.problems);
        assert_eq!(a.conversions, 1);
        assert_eq!(a.value, Money(1200));
    }

    #[test]
    fn header_must_name_the_columns() {
        let a = attribute("c", "t.csv", "id,when,channel\nA,x,y\n", zone());
        assert_eq!(a.problems.len(), 1);
        assert_eq!(a.conversions, 0);
        let a = attribute("c", "t.csv", "", zone());
        assert_eq!(a.problems.len(), 1);
    }
}
