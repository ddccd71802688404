//! Exact money and ratios. Money is held in fen (1/100 yuan) as an integer;
//! ratios (targets like "2%", ROI "3.0") as decimals. Floats never appear.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// An amount of money in fen. Written in files as integer yuan (`80000`) or
/// a decimal string with at most two places (`"1234.50"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_yuan(yuan: i64) -> Money {
        Money(yuan * 100)
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0.saturating_add(o.0))
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0.saturating_sub(o.0))
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Money {
    /// `80000`, or `1234.50` when there are fen; thousands are not grouped so
    /// the text can be pasted back into a file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (yuan, fen) = (abs / 100, abs % 100);
        if fen == 0 {
            write!(f, "{sign}{yuan}")
        } else {
            write!(f, "{sign}{yuan}.{fen:02}")
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyError(pub String);

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Money, MoneyError> {
        let bad = || MoneyError(rust_i18n::t!("model.money.not_amount", s = s).into_owned());
        // As typed: `36000.50`, `36,000`, `¥36,000`, `3.6万`, full-width digits.
        super::keyboard::amount_in_fen(s).map(Money).ok_or_else(bad)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "an amount in yuan: an integer like 36000 or a string like \"36000.50\"",
                )
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Money, E> {
                v.checked_mul(100)
                    .map(Money)
                    .ok_or_else(|| E::custom("amount too large"))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Money, E> {
                i64::try_from(v)
                    .map_err(|_| E::custom("amount too large"))
                    .and_then(|v| self.visit_i64(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Money, E> {
                Err(E::custom(format!(
                    "amounts are never floats: write {v} as a string, like \"{v:.2}\""
                )))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
                v.parse().map_err(|e: MoneyError| E::custom(e.0))
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 % 100 == 0 {
            s.serialize_i64(self.0 / 100)
        } else {
            s.serialize_str(&self.to_string())
        }
    }
}

/// A ratio such as a target CTR (`"2%"`) or ROI (`"3.0"`), held exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ratio(pub Decimal);

impl FromStr for Ratio {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Ratio, MoneyError> {
        let t = s.trim();
        let bad = || {
            MoneyError(format!(
                "`{s}` is not a ratio: write a percentage like \"2%\" or a number like \"3.0\""
            ))
        };
        super::keyboard::ratio(t).map(Ratio).ok_or_else(bad)
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

impl<'de> Deserialize<'de> for Ratio {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Ratio, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Ratio;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a ratio: a string like \"2%\" or \"3.0\", or an integer")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Ratio, E> {
                Ok(Ratio(Decimal::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Ratio, E> {
                Ok(Ratio(Decimal::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Ratio, E> {
                Err(E::custom(format!(
                    "ratios are written as strings to stay exact: write \"{v}\""
                )))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Ratio, E> {
                v.parse().map_err(|e: MoneyError| E::custom(e.0))
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exact_amounts() {
        assert_eq!("1234.50".parse::<Money>().unwrap(), Money(123450));
        assert_eq!("1234.5".parse::<Money>().unwrap(), Money(123450));
        assert_eq!("80000".parse::<Money>().unwrap(), Money(8000000));
        assert!("12.345".parse::<Money>().is_err());
        assert!("1e3".parse::<Money>().is_err());
        assert!("12.".parse::<Money>().is_err());
        assert_eq!(Money(123450).to_string(), "1234.50");
        assert_eq!(Money(8000000).to_string(), "80000");
    }

    #[test]
    fn parses_ratios() {
        assert_eq!("2%".parse::<Ratio>().unwrap().0, Decimal::new(2, 2));
        assert_eq!("3.0".parse::<Ratio>().unwrap().0, Decimal::new(30, 1));
        assert!("abc".parse::<Ratio>().is_err());
    }
}
