//! `[records]`: when the records of 制度 六(二) and 五(一) are due —
//! quarterly internal audits and monthly self-reviews.

use rust_i18n::t;
use serde::Deserialize;

use crate::model::Quarter;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Records {
    /// 制度 六(二) 每季度进行一次内部审计: a quarter's audit is filed this
    /// many days after the quarter ends.
    pub audit_days_after_quarter: i64,
    /// The first quarter audited (`2026Q1`); `""`: the quarter of the first
    /// audit filed.
    pub audits_from: String,
    /// 制度 五(一) 自评需在每月X日前提交: a month's self-review is committed
    /// by this day of the month after.
    pub self_review_day: u32,
    /// The first month with self-reviews (`2026-10`); `""`: the month of
    /// the first self-review filed.
    pub self_reviews_from: String,
    /// Who writes a monthly self-review, by role.
    pub self_review_roles: Vec<String>,
}

impl Default for Records {
    fn default() -> Records {
        Records {
            audit_days_after_quarter: 15,
            audits_from: String::new(),
            self_review_day: 5,
            self_reviews_from: String::new(),
            self_review_roles: ["specialist", "supervisor", "director"]
                .map(String::from)
                .to_vec(),
        }
    }
}

impl Records {
    /// `audits_from` as a quarter, if set.
    pub fn audits_from(&self) -> Option<Quarter> {
        let (y, q) = self.audits_from.trim().split_once('Q')?;
        if y.len() != 4 || q.len() != 1 {
            return None;
        }
        let (year, q) = (y.parse().ok()?, q.parse().ok()?);
        (1..=4).contains(&q).then_some(Quarter { year, q })
    }

    /// `self_reviews_from` as (year, month), if set.
    pub fn self_reviews_from(&self) -> Option<(i32, u32)> {
        parse_month(self.self_reviews_from.trim())
    }

    /// What is wrong with the values, as (key, message).
    pub(super) fn check(&self) -> Option<(&'static str, String)> {
        if !(0..=366).contains(&self.audit_days_after_quarter) {
            return Some((
                "audit_days_after_quarter",
                t!(
                    "policy.out_of_range",
                    value = self.audit_days_after_quarter,
                    max = 366
                )
                .into_owned(),
            ));
        }
        if !(1..=28).contains(&self.self_review_day) {
            return Some((
                "self_review_day",
                t!("records16.policy.review_day", day = self.self_review_day).into_owned(),
            ));
        }
        if !self.audits_from.trim().is_empty() && self.audits_from().is_none() {
            return Some((
                "audits_from",
                t!("records16.policy.quarter", value = self.audits_from).into_owned(),
            ));
        }
        if !self.self_reviews_from.trim().is_empty() && self.self_reviews_from().is_none() {
            return Some((
                "self_reviews_from",
                t!("records16.policy.month", value = self.self_reviews_from).into_owned(),
            ));
        }
        if let Some(r) = self
            .self_review_roles
            .iter()
            .find(|r| !super::ROLES.contains(&r.as_str()))
        {
            return Some((
                "self_review_roles",
                t!("records16.policy.role", role = r).into_owned(),
            ));
        }
        None
    }
}

/// `2026-10` -> (2026, 10).
pub fn parse_month(s: &str) -> Option<(i32, u32)> {
    let (y, m) = s.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
    (1..=12).contains(&m).then_some((y, m))
}

#[cfg(test)]
mod tests {
    use crate::policy::Policy;

    #[test]
    fn the_shipped_values_and_what_is_refused() {
        let r = &Policy::builtin().records;
        assert_eq!((r.audit_days_after_quarter, r.self_review_day), (15, 5));
        assert_eq!((r.audits_from(), r.self_reviews_from()), (None, None));
        for (text, key) in [
            ("[records]\nself_review_day = 31\n", 2),
            ("[records]\naudits_from = \"2026Q5\"\n", 2),
            ("[records]\nself_reviews_from = \"2026-13\"\n", 2),
            ("[records]\nself_review_roles = [\"boss\"]\n", 2),
        ] {
            let err = Policy::parse(text, "policy.toml").unwrap_err();
            assert_eq!(err.at.line, key, "{text}: {}", err.message);
        }
        let p = Policy::parse(
            "[records]\naudits_from = \"2026Q2\"\nself_reviews_from = \"2026-10\"\n",
            "policy.toml",
        )
        .unwrap();
        assert_eq!(
            p.records.audits_from().map(|q| q.to_string()),
            Some("2026Q2".into())
        );
        assert_eq!(p.records.self_reviews_from(), Some((2026, 10)));
        // An old policy without [records] still loads, with the defaults.
        let old = Policy::parse("", "policy.toml").unwrap();
        assert_eq!(old.records, *r);
    }
}
