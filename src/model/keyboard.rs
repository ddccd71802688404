//! What a Chinese keyboard types, read as meant: full-width digits and
//! punctuation, `、` and `，` between items, amounts like `¥80,000`, `8万`
//! or `5.5万元`, percents like `１０％`, dates like `2027/1/20` or
//! `2027年1月20日`, and the Chinese names of every fixed word (启动会,
//! 渠道投放, 主管, 预热, 批准). Amounts stay exact: parsed as decimals,
//! never through floats.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Full-width ASCII (`０`–`９`, `Ａ`, `％`, `：`, `，`, `－`, …) as ASCII, the
/// ideographic space as a space, and `¥`/`￥` as `¥`.
pub fn halfwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            '￥' => '¥',
            '。' => '.',
            c => c,
        })
        .collect()
}

/// The items of a list as a person types them: separated by `,`, `，`,
/// `、` or `;`/`；`, spaces around each trimmed, empty ones dropped. A comma
/// between digits that groups thousands (`45,000`) does not separate.
pub fn split_list(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut items = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let thousands = c == ','
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.len() >= i + 4
            && chars[i + 1..i + 4].iter().all(char::is_ascii_digit)
            && chars.get(i + 4).is_none_or(|n| !n.is_ascii_digit());
        if matches!(c, ',' | '，' | '、' | ';' | '；') && !thousands {
            items.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    items.push(cur);
    items
        .into_iter()
        .map(|p| p.trim_matches([' ', '\u{3000}']).to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// An amount in fen from what a person writes: `80000`, `80,000`,
/// `¥80,000.50`, `8万`, `5.5万元`, `１２３`, `1.2亿`. At most two decimals of
/// a yuan; `万` and `亿` scale exactly.
pub fn amount_in_fen(s: &str) -> Option<i64> {
    let t = halfwidth(s);
    let t = t.trim();
    let t = t.strip_prefix('¥').unwrap_or(t).trim();
    let t = t
        .strip_suffix('元')
        .or_else(|| t.strip_suffix('块'))
        .unwrap_or(t)
        .trim();
    let (t, scale) = match (t.strip_suffix('万'), t.strip_suffix('亿')) {
        (Some(n), _) => (n.trim(), 10_000),
        (_, Some(n)) => (n.trim(), 100_000_000),
        _ => (t, 1),
    };
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let digits = thousands(t)?;
    let (whole, frac) = digits.split_once('.').unwrap_or((&digits, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || (digits.contains('.') && frac.is_empty())
    {
        return None;
    }
    let value: Decimal = digits.parse().ok()?;
    let fen = value
        .checked_mul(Decimal::from(scale))?
        .checked_mul(Decimal::ONE_HUNDRED)?;
    if fen.fract() != Decimal::ZERO {
        return None; // finer than a fen
    }
    let fen: i64 = fen.trunc().try_into().ok()?;
    Some(if neg { -fen } else { fen })
}

/// `80,000` or `1,234,567.5` without its separators; a comma anywhere but
/// between groups of three digits is not an amount.
fn thousands(t: &str) -> Option<String> {
    if !t.contains(',') {
        return Some(t.to_string());
    }
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (t, None),
    };
    let groups: Vec<&str> = whole.split(',').collect();
    let first_ok = (1..=3).contains(&groups[0].len());
    if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
        return None;
    }
    let mut out = groups.concat();
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

/// A percentage or a plain ratio: `10%`, `１０％`, `10 %`, `0.1`, `3.0`.
pub fn ratio(s: &str) -> Option<Decimal> {
    let t = halfwidth(s);
    let t = t.trim();
    match t.strip_suffix('%') {
        Some(p) => p
            .trim()
            .parse::<Decimal>()
            .ok()?
            .checked_div(Decimal::ONE_HUNDRED),
        None => t.parse().ok(),
    }
}

/// Why a typed date is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not a date's shape at all.
    Shape,
    /// The shape of one, but no such day: the year, month and day written.
    NoSuchDay(i32, u32, u32),
}

/// A day as a person writes it: `2027-01-20`, `2027/1/20`, `2027.1.20`,
/// `2027年1月20日` (the `日` optional), full-width digits too.
pub fn date(s: &str) -> Result<NaiveDate, DateError> {
    let t = halfwidth(s);
    let t = t.trim();
    let t = t
        .strip_suffix('日')
        .or_else(|| t.strip_suffix('号'))
        .unwrap_or(t);
    let parts: Vec<&str> = t
        .split(['-', '/', '.', '年', '月'])
        .map(str::trim)
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(DateError::Shape);
    };
    let digits = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(y, 4..=4) || !digits(m, 1..=2) || !digits(d, 1..=2) {
        return Err(DateError::Shape);
    }
    let (y, m, d): (i32, u32, u32) = (
        y.parse().map_err(|_| DateError::Shape)?,
        m.parse().map_err(|_| DateError::Shape)?,
        d.parse().map_err(|_| DateError::Shape)?,
    );
    if !(1..=12).contains(&m) || d == 0 {
        return Err(DateError::Shape); // no month 13, no day 0
    }
    NaiveDate::from_ymd_opt(y, m, d).ok_or(DateError::NoSuchDay(y, m, d))
}

/// The days a month has (for saying why 2027-02-30 is not a day).
pub fn days_in_month(year: i32, month: u32) -> Option<u32> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    u32::try_from((next - first).num_days()).ok()
}

/// The fixed words of the department, each with its Chinese names (the
/// first is how mkt shows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocab {
    MeetingKind,
    Category,
    Role,
    Phase,
    Decision,
    Group,
}

const MEETING_KINDS: &[(&str, &[&str])] = &[
    ("kickoff", &["启动会", "项目启动会"]),
    ("review", &["中期评审", "评审会", "中期评审会"]),
    ("closing", &["结项会", "结项", "复盘会"]),
    ("daily", &["晨会", "日会"]),
    ("weekly", &["周会", "例会"]),
    ("monthly", &["月度会", "月会"]),
    ("quarterly", &["季度战略会", "季度会"]),
    ("adhoc", &["临时会议", "临时会"]),
];

const CATEGORIES: &[(&str, &[&str])] = &[
    ("channel", &["渠道投放", "渠道"]),
    ("content", &["内容制作", "内容"]),
    ("event", &["活动执行", "活动"]),
    ("reserve", &["弹性预算", "预留"]),
];

const ROLES: &[(&str, &[&str])] = &[
    ("specialist", &["专员"]),
    ("supervisor", &["主管"]),
    ("director", &["总监"]),
    ("finance", &["财务"]),
    ("ceo", &["CEO", "首席执行官"]),
    ("legal", &["法务"]),
    ("department_head", &["部门负责人"]),
    ("admin", &["管理员"]),
];

const PHASES: &[(&str, &[&str])] = &[
    ("warm-up", &["预热", "预热期"]),
    ("burst", &["爆发", "爆发期"]),
    ("long-tail", &["长尾", "长尾期"]),
];

const DECISIONS: &[(&str, &[&str])] = &[
    ("approve", &["批准", "同意", "通过"]),
    ("reject", &["驳回", "拒绝"]),
    ("sign-off", &["签批", "验收"]),
];

const GROUPS: &[(&str, &[&str])] = &[
    ("content", &["内容组"]),
    ("channel", &["渠道组"]),
    ("data", &["数据组"]),
];

fn table(v: Vocab) -> &'static [(&'static str, &'static [&'static str])] {
    match v {
        Vocab::MeetingKind => MEETING_KINDS,
        Vocab::Category => CATEGORIES,
        Vocab::Role => ROLES,
        Vocab::Phase => PHASES,
        Vocab::Decision => DECISIONS,
        Vocab::Group => GROUPS,
    }
}

/// A day of the week as typed: `fri`, `Friday`, `周五`, `星期五`, `礼拜五`
/// (周日 / 周天 / 星期日 / 星期天 for Sunday), or its number `5` (7: Sunday).
pub fn weekday(s: &str) -> Option<chrono::Weekday> {
    use chrono::Weekday::*;
    let s = halfwidth(s);
    let s = s.trim().to_lowercase();
    let days = [Mon, Tue, Wed, Thu, Fri, Sat, Sun];
    let english = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    if let Some(i) = english
        .iter()
        .position(|d| s == *d || (s.len() == 3 && d.starts_with(s.as_str())))
    {
        return Some(days[i]);
    }
    let n = s
        .strip_prefix('周')
        .or_else(|| s.strip_prefix("星期"))
        .or_else(|| s.strip_prefix("礼拜"))
        .unwrap_or(&s);
    let chinese = ["一", "二", "三", "四", "五", "六", "日"];
    if let Some(i) = chinese.iter().position(|d| n == *d) {
        return Some(days[i]);
    }
    if n == "天" && n != s {
        return Some(Sun);
    }
    match n.parse::<usize>() {
        Ok(i @ 1..=7) => Some(days[i - 1]),
        _ => None,
    }
}

/// The id a word stands for: the id itself, or one of its Chinese names
/// (full-width letters read as ASCII; `CEO` in any case). `None`: not a
/// word of this kind (the caller says what is known).
pub fn canonical(v: Vocab, word: &str) -> Option<&'static str> {
    let w = halfwidth(word);
    let w = w.trim();
    table(v).iter().find_map(|(id, names)| {
        (id.eq_ignore_ascii_case(w) || names.iter().any(|n| n.eq_ignore_ascii_case(w)))
            .then_some(*id)
    })
}

/// A word as written in a record: its id when it is one of the Chinese
/// names, else as written (a rule says when that is not a known word).
pub fn canonical_or_same(v: Vocab, word: &str) -> String {
    canonical(v, word).map_or_else(|| word.to_string(), str::to_string)
}

/// How mkt shows an id to a person speaking Chinese: its first Chinese
/// name (`kickoff` → 启动会); an id it does not know as it is.
pub fn chinese(v: Vocab, id: &str) -> &str {
    table(v)
        .iter()
        .find(|(i, _)| *i == id)
        .and_then(|(_, names)| names.first().copied())
        .unwrap_or(id)
}

/// Every id and name of a kind, for "did you mean" and for listing them.
pub fn all_names(v: Vocab) -> impl Iterator<Item = &'static str> {
    table(v)
        .iter()
        .flat_map(|(id, names)| std::iter::once(*id).chain(names.iter().copied()))
}

/// The id among `ids` (a policy's list) most like `word`, compared with
/// each id and its Chinese names (`启动` is near 启动会, so `kickoff`).
pub fn closest<'a>(
    v: Vocab,
    word: &str,
    ids: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let w = halfwidth(word);
    let pairs: Vec<(&str, &'a str)> = ids
        .into_iter()
        .flat_map(|id| {
            let names = table(v)
                .iter()
                .find(|(i, _)| *i == id)
                .map_or(&[][..], |(_, n)| *n);
            std::iter::once((id, id)).chain(names.iter().map(move |n| (*n, id)))
        })
        .collect();
    let near = crate::suggest::closest(w.trim(), pairs.iter().map(|(n, _)| *n))?;
    pairs.iter().find(|(n, _)| *n == near).map(|(_, id)| *id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_near_word_finds_its_id() {
        let kinds = ["kickoff", "review", "closing"];
        assert_eq!(
            closest(Vocab::MeetingKind, "kickof", kinds),
            Some("kickoff")
        );
        assert_eq!(closest(Vocab::MeetingKind, "启动", kinds), Some("kickoff"));
        assert_eq!(
            closest(Vocab::MeetingKind, "中期评申", kinds),
            Some("review")
        );
        assert_eq!(closest(Vocab::MeetingKind, "xyz", kinds), None);
    }

    #[test]
    fn amounts_as_typed_are_exact() {
        let yuan = |s: &str| amount_in_fen(s).map(|f| f as f64 / 100.0);
        assert_eq!(amount_in_fen("80000"), Some(8_000_000));
        assert_eq!(amount_in_fen("80,000"), Some(8_000_000));
        assert_eq!(amount_in_fen("¥80,000"), Some(8_000_000));
        assert_eq!(amount_in_fen("￥80,000.50"), Some(8_000_050));
        assert_eq!(amount_in_fen("8万"), Some(8_000_000));
        assert_eq!(amount_in_fen("5.5万"), Some(5_500_000));
        assert_eq!(amount_in_fen("4.5万元"), Some(4_500_000));
        assert_eq!(amount_in_fen("１２３"), Some(12_300));
        assert_eq!(amount_in_fen("１，０００元"), Some(100_000));
        assert_eq!(amount_in_fen("1.2亿"), Some(12_000_000_000));
        assert_eq!(amount_in_fen("0.000001万"), Some(1));
        assert_eq!(yuan("-500"), Some(-500.0));
        for bad in [
            "",
            "万",
            "8,0000",
            "80,00",
            "1.",
            "1.234",
            "0.0000001万",
            "abc",
            "1e5",
            "8万万",
        ] {
            assert_eq!(amount_in_fen(bad), None, "{bad}");
        }
    }

    #[test]
    fn percents_and_dates_as_typed() {
        assert_eq!(ratio("10%"), Some(Decimal::new(1, 1)));
        assert_eq!(ratio("１０％"), Some(Decimal::new(1, 1)));
        assert_eq!(ratio("3.0"), Some(Decimal::new(30, 1)));
        let day = NaiveDate::from_ymd_opt(2027, 1, 20).unwrap();
        for s in [
            "2027-01-20",
            "2027/1/20",
            "2027.1.20",
            "2027年1月20日",
            "2027年1月20",
            "２０２７－０１－２０",
        ] {
            assert_eq!(date(s), Ok(day), "{s}");
        }
        assert_eq!(date("2027-02-30"), Err(DateError::NoSuchDay(2027, 2, 30)));
        assert_eq!(days_in_month(2027, 2), Some(28));
        assert_eq!(date("27-1-20"), Err(DateError::Shape));
        assert_eq!(date("2026-13-01"), Err(DateError::Shape));
        assert_eq!(date("2027-1"), Err(DateError::Shape));
    }

    #[test]
    fn fixed_words_have_chinese_names() {
        assert_eq!(canonical(Vocab::MeetingKind, "启动会"), Some("kickoff"));
        assert_eq!(canonical(Vocab::MeetingKind, "kickoff"), Some("kickoff"));
        assert_eq!(canonical(Vocab::Category, "渠道投放"), Some("channel"));
        assert_eq!(canonical(Vocab::Category, "弹性预算"), Some("reserve"));
        assert_eq!(canonical(Vocab::Role, "主管"), Some("supervisor"));
        assert_eq!(canonical(Vocab::Role, "ｃｅｏ"), Some("ceo"));
        assert_eq!(canonical(Vocab::Phase, "预热"), Some("warm-up"));
        assert_eq!(canonical(Vocab::Decision, "驳回"), Some("reject"));
        assert_eq!(canonical(Vocab::MeetingKind, "开会"), None);
        assert_eq!(chinese(Vocab::MeetingKind, "closing"), "结项会");
        assert_eq!(
            split_list("渠道投放=4.5万，内容制作=1.5万、活动执行=1万"),
            ["渠道投放=4.5万", "内容制作=1.5万", "活动执行=1万"]
        );
        assert_eq!(
            split_list("channel=45,000,content=15000"),
            ["channel=45,000", "content=15000"]
        );
        assert_eq!(split_list("a, b ,,c"), ["a", "b", "c"]);
    }

    #[test]
    fn weekdays_as_typed() {
        use chrono::Weekday::*;
        for (typed, day) in [
            ("fri", Fri),
            ("Friday", Fri),
            ("周五", Fri),
            ("星期五", Fri),
            ("礼拜五", Fri),
            ("５", Fri),
            ("周日", Sun),
            ("周天", Sun),
            ("星期天", Sun),
            (" 周一 ", Mon),
        ] {
            assert_eq!(weekday(typed), Some(day), "{typed}");
        }
        for typed in ["", "天", "周八", "fr", "8", "0", "frid"] {
            assert_eq!(weekday(typed), None, "{typed}");
        }
    }
}

/// serde readers that take a record's fixed words in Chinese too, holding
/// the id (`kind = "启动会"` reads as `kickoff`).
pub mod de {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer};

    use super::{Vocab, canonical_or_same};
    use crate::model::Money;

    pub fn meeting_kind<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Ok(canonical_or_same(
            Vocab::MeetingKind,
            &String::deserialize(d)?,
        ))
    }

    pub fn category<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Ok(canonical_or_same(Vocab::Category, &String::deserialize(d)?))
    }

    pub fn roles<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        Ok(Vec::<String>::deserialize(d)?
            .iter()
            .map(|r| canonical_or_same(Vocab::Role, r))
            .collect())
    }

    pub fn group<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.map(|g| canonical_or_same(Vocab::Group, &g)))
    }

    pub fn allocation<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<String, Money>, D::Error> {
        let mut out = BTreeMap::new();
        for (k, v) in BTreeMap::<String, Money>::deserialize(d)? {
            let k = canonical_or_same(Vocab::Category, &k);
            if out.insert(k.clone(), v).is_some() {
                return Err(serde::de::Error::custom(format!(
                    "the category `{k}` is listed twice (once by its Chinese name)"
                )));
            }
        }
        Ok(out)
    }
}
