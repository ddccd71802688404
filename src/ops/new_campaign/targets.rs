//! KPI targets given to `mkt new-campaign --target` (规范 三(二)1 目标拆解;
//! D016 asks for `kpi.min_targets` of them).

use rust_i18n::t;

use crate::model::keyboard;

/// How a target's value is written.
#[derive(Clone, Copy)]
enum Form {
    Count,
    Money,
    Ratio,
}

/// Each key of `[targets]`, its form, and the Chinese names a person types.
const TARGETS: &[(&str, Form, &[&str])] = &[
    ("exposure", Form::Count, &["曝光", "展示"]),
    ("clicks", Form::Count, &["点击"]),
    ("ctr", Form::Ratio, &["点击率"]),
    ("conversions", Form::Count, &["转化"]),
    ("conversion_rate", Form::Ratio, &["转化率"]),
    ("revenue", Form::Money, &["收入", "营收"]),
    ("roi", Form::Ratio, &["投资回报率", "投入产出比"]),
    (
        "new_users",
        Form::Count,
        &["新用户", "新增用户", "拉新", "新客"],
    ),
    ("repurchase_rate", Form::Ratio, &["复购率"]),
];

/// `曝光=100万`, `ctr=2%`, `roi＝3.0`: the `[targets]` key and its value as
/// TOML, or why it is not a target.
pub fn parse_target(item: &str) -> Result<(String, String), String> {
    let half = keyboard::halfwidth(item);
    let keys = || {
        TARGETS
            .iter()
            .map(|(k, _, names)| format!("{k} ({})", names[0]))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some((name, value)) = half.split_once(['=', ':']) else {
        return Err(t!("ops.target.not_assignment", item = item, keys = keys()).into_owned());
    };
    let (name, value) = (name.trim(), value.trim());
    let Some(&(key, form, _)) = TARGETS
        .iter()
        .find(|(k, _, names)| k.eq_ignore_ascii_case(name) || names.contains(&name))
    else {
        return Err(t!("ops.target.unknown", name = name, keys = keys()).into_owned());
    };
    let written = match form {
        Form::Count => crate::ops::results::count(value).map(|n| n.to_string()),
        Form::Money => keyboard::amount_in_fen(value).map(|f| super::money(crate::model::Money(f))),
        Form::Ratio => keyboard::ratio(value).map(|_| super::toml_str(value)),
    };
    let hint = match form {
        Form::Count => t!("ops.target.count"),
        Form::Money => t!("ops.target.money"),
        Form::Ratio => t!("ops.target.ratio"),
    };
    written.map(|v| (key.to_string(), v)).ok_or_else(|| {
        t!(
            "ops.target.bad_value",
            key = key,
            value = value,
            hint = hint
        )
        .into_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_as_a_chinese_keyboard_types_them() {
        let p = |s: &str| parse_target(s).unwrap();
        assert_eq!(p("曝光=100万"), ("exposure".into(), "1000000".into()));
        assert_eq!(
            p("exposure = 830,000"),
            ("exposure".into(), "830000".into())
        );
        assert_eq!(p("点击率＝２％"), ("ctr".into(), "\"2%\"".into()));
        assert_eq!(p("ROI=3.0"), ("roi".into(), "\"3.0\"".into()));
        assert_eq!(p("营收=4.5万"), ("revenue".into(), "45000".into()));
        assert_eq!(p("新客:2000"), ("new_users".into(), "2000".into()));
        assert!(parse_target("曝光").is_err());
        assert!(parse_target("粉丝=100").is_err());
        assert!(parse_target("曝光=很多").is_err());
        assert!(parse_target("曝光=1.5").is_err());
        assert!(parse_target("点击率=两成").is_err());
    }
}
