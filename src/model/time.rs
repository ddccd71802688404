//! Dates and times as the files write them: bare TOML dates (`2026-03-01`) and
//! RFC 3339 times. A local time without an offset is kept as such and read in
//! the policy's zone when it is used.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

/// A point in time as written: with its offset, or local (policy zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    pub local: NaiveDateTime,
    pub offset: Option<FixedOffset>,
}

impl Timestamp {
    /// The instant, reading a local time in `zone`.
    pub fn resolve(&self, zone: FixedOffset) -> DateTime<FixedOffset> {
        let off = self.offset.unwrap_or(zone);
        off.from_local_datetime(&self.local)
            .single()
            .unwrap_or_else(|| off.from_utc_datetime(&self.local))
    }

    /// The calendar date in the department's zone: a meeting at
    /// 2026-02-24T20:00:00Z was held on 25 February in Beijing.
    pub fn date(&self, zone: FixedOffset) -> NaiveDate {
        self.resolve(zone).with_timezone(&zone).date_naive()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(off) => write!(f, "{}", self.resolve(off).to_rfc3339()),
            None => write!(f, "{}", self.local.format("%Y-%m-%dT%H:%M:%S")),
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn parse_offset(o: &toml::value::Offset) -> Option<FixedOffset> {
    match *o {
        toml::value::Offset::Z => FixedOffset::east_opt(0),
        toml::value::Offset::Custom { minutes } => FixedOffset::east_opt(i32::from(minutes) * 60),
    }
}

fn toml_date(d: &toml::value::Date) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
}

fn toml_time(t: &toml::value::Time) -> Option<NaiveTime> {
    NaiveTime::from_hms_nano_opt(
        u32::from(t.hour),
        u32::from(t.minute),
        u32::from(t.second.unwrap_or(0)),
        t.nanosecond.unwrap_or(0),
    )
}

/// Reads a TOML datetime out of the map toml's deserializer presents it as.
fn datetime_from_map<'de, A: MapAccess<'de>>(map: A) -> Result<toml::value::Datetime, A::Error> {
    toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date like 2026-03-01")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map(Date)
                    .map_err(|_| {
                        E::custom(format!("`{v}` is not a date: write YYYY-MM-DD, unquoted"))
                    })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Date, A::Error> {
                let dt = datetime_from_map(map)?;
                match (&dt.date, &dt.time) {
                    (Some(d), None) => toml_date(d)
                        .map(Date)
                        .ok_or_else(|| de::Error::custom("not a calendar date")),
                    _ => Err(de::Error::custom(format!(
                        "`{dt}` is not a date: write just the day, like 2026-03-01"
                    ))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a time like 2026-02-25T10:00:00+08:00")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                if let Ok(dt) = DateTime::parse_from_rfc3339(v) {
                    return Ok(Timestamp {
                        local: dt.naive_local(),
                        offset: Some(*dt.offset()),
                    });
                }
                NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S")
                    .map(|local| Timestamp {
                        local,
                        offset: None,
                    })
                    .map_err(|_| {
                        E::custom(format!(
                            "`{v}` is not a time: write 2026-02-25T10:00:00+08:00, unquoted"
                        ))
                    })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Timestamp, A::Error> {
                let dt = datetime_from_map(map)?;
                let bad = || {
                    de::Error::custom(format!(
                        "`{dt}` is not a date and time: write 2026-02-25T10:00:00+08:00"
                    ))
                };
                let (Some(d), Some(t)) = (&dt.date, &dt.time) else {
                    return Err(bad());
                };
                let local = NaiveDateTime::new(
                    toml_date(d).ok_or_else(bad)?,
                    toml_time(t).ok_or_else(bad)?,
                );
                let offset = match &dt.offset {
                    Some(o) => Some(parse_offset(o).ok_or_else(bad)?),
                    None => None,
                };
                Ok(Timestamp { local, offset })
            }
        }
        d.deserialize_any(V)
    }
}

/// Parses a zone written like `+08:00`.
pub fn parse_zone(s: &str) -> Option<FixedOffset> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    // Digits only: `+-5:00` and `--3:00` are not offsets.
    let digits = |t: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(h, 1..=2) || !digits(m, 2..=2) {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod zone_tests {
    use super::parse_zone;

    #[test]
    fn an_offset_is_a_sign_and_digits() {
        assert_eq!(
            parse_zone("+08:00").map(|z| z.local_minus_utc()),
            Some(8 * 3600)
        );
        assert_eq!(
            parse_zone("-5:30").map(|z| z.local_minus_utc()),
            Some(-(5 * 3600 + 1800))
        );
        for bad in [
            "+-5:00", "--3:00", "+08:0", "+08:+0", "+ 8:00", "+008:00", "+15:00", "08:00", "+08:60",
        ] {
            assert_eq!(parse_zone(bad), None, "{bad}");
        }
    }
}
