//! Numbers for people, shared by the table, markdown and html renderers:
//! yuan grouped by thousands, percentages with one decimal.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::model::Money;
use crate::report::KpiValue;

/// `200,000` or `1,234.50`: yuan, grouped by thousands.
pub fn money(m: Money) -> String {
    let plain = m.to_string();
    let (sign, rest) = match plain.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", plain.as_str()),
    };
    match rest.split_once('.') {
        Some((whole, fen)) => format!("{sign}{}.{fen}", group(whole)),
        None => format!("{sign}{}", group(rest)),
    }
}

pub fn count(n: u64) -> String {
    group(&n.to_string())
}

/// Commas every three digits of a run of ASCII digits.
fn group(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A fraction as a percentage with one decimal: `1.6 %`. One too large to
/// hold a hundredfold (an actual against a target of almost nothing) is
/// written with its power of ten: `8.0e28 %`.
pub fn percent(r: Decimal) -> String {
    match r.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => {
            let p = p.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
            format!("{p:.1} %")
        }
        None => {
            let e = format!("{:e}", r.normalize());
            let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
            let exp: i64 = exp.parse().unwrap_or(0) + 2;
            let m = Decimal::from_str_exact(mantissa)
                .map(|m| m.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero))
                .unwrap_or_default();
            format!("{m:.1}e{exp} %")
        }
    }
}

pub fn opt_percent(r: Option<Decimal>, none: &str) -> String {
    r.map(percent).unwrap_or_else(|| none.to_string())
}

pub fn opt_money(m: Option<Money>, none: &str) -> String {
    m.map(money).unwrap_or_else(|| none.to_string())
}

pub fn kpi_value(v: Option<KpiValue>) -> String {
    match v {
        None => "—".to_string(),
        Some(KpiValue::Count(n)) => count(n),
        Some(KpiValue::Ratio(r)) => percent(r),
        Some(KpiValue::Money(m)) => money(m),
    }
}

/// A credit (linear attribution splits conversions): two decimals,
/// trailing zeros dropped.
pub fn credit(d: Decimal) -> String {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
}

/// Fen held as a decimal (a linear share), shown as yuan to the fen.
pub fn fen_decimal(fen: Decimal) -> String {
    let fen = fen.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    money(Money(i64::try_from(fen).unwrap_or(i64::MAX)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_people() {
        assert_eq!(money(Money(123450)), "1,234.50");
        assert_eq!(money(Money(-10_000_000)), "-100,000");
        assert_eq!(money(Money(5)), "0.05");
        assert_eq!(count(5_600_000), "5,600,000");
        assert_eq!(percent("0.016".parse().unwrap()), "1.6 %");
        assert_eq!(percent("3.6507936".parse().unwrap()), "365.1 %");
        assert_eq!(percent("0.00049".parse().unwrap()), "0.0 %");
        assert_eq!(credit("2.0833333".parse().unwrap()), "2.08");
        assert_eq!(fen_decimal("49716.6666".parse().unwrap()), "497.17");
    }
}
