//! Calendar quarters: `2026Q3`.

use std::fmt;

use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Quarter {
    pub year: i32,
    pub q: u32,
}

impl Quarter {
    pub fn of(date: NaiveDate) -> Quarter {
        Quarter {
            year: date.year(),
            q: (date.month() - 1) / 3 + 1,
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.q - 1) * 3 + 1, 1)
            .expect("a quarter starts on a valid day")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next()
            .first_day()
            .pred_opt()
            .expect("a quarter ends on a valid day")
    }

    pub fn next(self) -> Quarter {
        if self.q == 4 {
            Quarter {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q + 1,
            }
        }
    }

    pub fn contains(self, d: NaiveDate) -> bool {
        Quarter::of(d) == self
    }

    /// The quarters that overlap `[start, end]`, in order.
    pub fn spanning(start: NaiveDate, end: NaiveDate) -> Vec<Quarter> {
        let mut out = Vec::new();
        let mut q = Quarter::of(start);
        while q.first_day() <= end && out.len() < 400 {
            out.push(q);
            q = q.next();
        }
        out
    }

    /// Reads `2026Q3`, `2026-Q3`, `2026q3`, or `Q3` (in `this_year`).
    pub fn parse(s: &str, this_year: i32) -> Option<Quarter> {
        let t = s.trim().to_ascii_uppercase();
        let (y, q) = match t.split_once('Q') {
            Some((y, q)) => (y.trim_end_matches('-'), q),
            None => return None,
        };
        let year = if y.is_empty() {
            this_year
        } else if y.len() == 4 {
            y.parse().ok()?
        } else {
            return None;
        };
        let q: u32 = q.parse().ok()?;
        (1..=4).contains(&q).then_some(Quarter { year, q })
    }

    /// The day `days` after the quarter's last day.
    pub fn days_after_end(self, days: i64) -> NaiveDate {
        self.last_day() + chrono::Duration::days(days)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn quarters() {
        let q = Quarter::of(d("2026-08-15"));
        assert_eq!(q.to_string(), "2026Q3");
        assert_eq!(q.first_day(), d("2026-07-01"));
        assert_eq!(q.last_day(), d("2026-09-30"));
        assert_eq!(Quarter::spanning(d("2026-04-10"), d("2026-07-15")).len(), 2);
        assert_eq!(Quarter::parse("2026-Q3", 2000), Some(q));
        assert_eq!(Quarter::parse("Q3", 2026), Some(q));
        assert_eq!(Quarter::parse("2026Q5", 2026), None);
        assert_eq!(Quarter { year: 2026, q: 4 }.last_day(), d("2026-12-31"));
    }
}
