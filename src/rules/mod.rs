//! The rules of SPEC section 7. Each family lives in its own file; each rule
//! is declared there with `declare_rule!`, whose doc comment *is* the text of
//! `mkt explain CODE`. Codes are assigned here, in `RULES`, and never reused.

mod approval;
mod budget;
mod cadence;
mod contract;
mod copy;
mod copy_text;
mod deadline;
mod emergency;
mod file;
mod incident;
mod kpi;
mod legal;
mod meeting;
mod minutes;
mod naming;
mod plan;
mod privacy;
mod records;
mod signature;

use rust_i18n::t;

use crate::diag::Diagnostic;

pub use approval::{A001, A002, A003, A004, A005, A006, A007, A008, A010, per_approval};
pub use budget::{B001, B002, B003, B004};
pub use cadence::D014;
pub use contract::{C004, is_age};
pub use copy::{C001, C002};
pub use deadline::{
    D001, D002, D003, D004, D005, D006, D007, D010, first_activity, minutes_timing,
};
pub use emergency::{A009, incident_id};
pub use file::{F001, F002, F003, F004};
pub use incident::{D008, D011};
pub use kpi::D017;
pub use legal::C003;
pub use meeting::{D012, D013};
pub use minutes::D009;
pub use naming::{N001, N002, N003};
pub use plan::{D015, D016};
pub use privacy::{P001, P002, find as personal_numbers};
pub use records::{
    D020, D021, D022, D023, D024, audit_deadlines, is_superior, partner_id, review_deadlines,
};
pub use signature::{
    S001, S002, S003, S004, S005, S006, S007, deleted_verdict, policy_verdict, roster_verdict,
    rule_of, verdict,
};

pub(crate) use crate::declare_rule;
pub use crate::diag::Rule;

/// Every rule mkt checks, in code order.
pub static RULES: &[&Rule] = &[
    &F001, &F002, &F003, &F004, &N001, &N002, &N003, &D001, &D002, &D003, &D004, &D005, &D006,
    &D007, &D008, &D009, &D010, &B001, &B002, &B003, &B004, &A001, &A002, &A003, &A004, &A005,
    &A006, &A007, &A008, &S001, &S002, &S003, &S004, &S005, &S006, &S007, &C001, &C002, &C003,
    &C004, &P001, &P002, &A009, &D011, &D012, &D013, &D014, &D015, &D016, &D017, &D020, &D021,
    &D022, &D023, &D024, &A010,
];

/// A rule by code or name, as typed: `B002`, `b02`, `B2`, `Ｂ００２`,
/// `reserve-range`.
pub fn lookup(code: &str) -> Option<&'static Rule> {
    let c = normal_code(code);
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(&c) || r.name.eq_ignore_ascii_case(&c))
}

/// The rule most like what was typed, for "did you mean".
pub fn closest(code: &str) -> Option<&'static Rule> {
    let c = normal_code(code);
    let words = RULES.iter().flat_map(|r| [r.code, r.name]);
    let near = crate::suggest::closest(&c, words)?;
    RULES
        .iter()
        .copied()
        .find(|r| r.code == near || r.name == near)
}

/// Half-width, trimmed, upper-case; a letter and up to three digits
/// padded to the code's shape (`b2` → `B002`).
fn normal_code(code: &str) -> String {
    let c = crate::model::keyboard::halfwidth(code);
    let c = c.trim();
    let mut chars = c.chars();
    match chars.next() {
        Some(l) if l.is_ascii_alphabetic() => {
            let digits = chars.as_str();
            if (1..=3).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
                format!("{}{digits:0>3}", l.to_ascii_uppercase())
            } else {
                c.to_string()
            }
        }
        _ => c.to_string(),
    }
}

pub use crate::view::View;

/// Runs every rule and returns all findings, sorted.
pub fn check(ctx: &View) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    file::check(ctx, &mut out);
    naming::check(ctx, &mut out);
    deadline::check(ctx, &mut out);
    budget::check(ctx, &mut out);
    approval::check(ctx, &mut out);
    signature::check(ctx, &mut out);
    incident::check(ctx, &mut out);
    copy::check(ctx, &mut out);
    legal::check(ctx, &mut out);
    contract::check(ctx, &mut out);
    minutes::check(ctx, &mut out);
    privacy::check(ctx, &mut out);
    privacy::check_store(ctx, &mut out);
    emergency::check(ctx, &mut out);
    meeting::check(ctx, &mut out);
    cadence::check(ctx, &mut out);
    plan::check(ctx, &mut out);
    kpi::check(ctx, &mut out);
    records::check(ctx, &mut out);
    crate::diag::sort(&mut out);
    waive(ctx, &mut out);
    out
}

/// Marks each finding a waiver that counts covers (same code and file, not
/// past its `until`): shown as waived, by whom and why, never counted.
fn waive(ctx: &View, out: &mut [Diagnostic]) {
    for d in out.iter_mut() {
        let Some(w) = ctx.verification.waivers.iter().find(|w| {
            w.verdict.is_ok()
                && w.waiver.code.eq_ignore_ascii_case(d.rule.code)
                && w.waiver.file == d.at.file
                && w.waiver.until.is_none_or(|u| ctx.today <= u.0)
        }) else {
            continue;
        };
        let (by, why) = (&w.waiver.waived_by, &w.waiver.reason);
        d.waived = Some(
            match w.waiver.until {
                Some(u) => t!("rules.waived_until", by = by, until = u.0, why = why),
                None => t!("rules.waived", by = by, why = why),
            }
            .into_owned(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_found_as_typed() {
        for typed in ["B002", "b02", "B2", "Ｂ００２", " b002 ", "reserve-range"] {
            assert_eq!(lookup(typed).map(|r| r.code), Some("B002"), "{typed}");
        }
        assert!(lookup("B2000").is_none());
        assert_eq!(closest("reserve-rang").map(|r| r.code), Some("B002"));
        assert_eq!(closest("B0002").map(|r| r.code), Some("B002"));
    }

    #[test]
    fn every_rule_is_explained() {
        let mut codes = BTreeSet::new();
        for r in RULES {
            assert!(codes.insert(r.code), "{} is declared twice", r.code);
            let text = r.explanation();
            for section in ["## What it checks", "## Why", "## Example", "## Fix"] {
                assert!(
                    text.contains(section),
                    "{} has no `{section}` in its explanation",
                    r.code
                );
            }
            assert!(
                r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                r.name
            );
        }
    }

    /// Every rule says its summary and explanation in Chinese too
    /// (locales/explain.toml), and the catalogue's English is the
    /// declaration's, word for word. Fails naming every code that lacks one.
    #[test]
    fn every_rule_is_explained_in_both_languages() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let mut explain = toml::Table::new();
        for entry in std::fs::read_dir(&root).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let doc: toml::Table =
                toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            if let Some(t) = doc.get("explain").and_then(|v| v.as_table()) {
                explain.extend(t.clone());
            }
        }
        let said = |code: &str, part: &str, lang: &str| {
            explain
                .get(code)
                .and_then(|v| v.get(part))
                .and_then(|v| v.get(lang))
                .and_then(|v| v.as_str())
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let (mut no_zh, mut not_english) = (Vec::new(), Vec::new());
        for r in RULES {
            for part in ["summary", "text"] {
                if said(r.code, part, "zh-CN").is_none() {
                    no_zh.push(format!("explain.{}.{part}", r.code));
                }
            }
            if said(r.code, "summary", "en").as_deref() != Some(r.summary) {
                not_english.push(format!("explain.{}.summary", r.code));
            }
            if said(r.code, "text", "en") != Some(r.explanation()) {
                not_english.push(format!("explain.{}.text", r.code));
            }
        }
        assert!(
            no_zh.is_empty(),
            "rules without their Chinese in locales/explain.toml: {}",
            no_zh.join(", ")
        );
        assert!(
            not_english.is_empty(),
            "locales/explain.toml's `en` differs from the rule's declaration \
             (copy the doc comment / summary): {}",
            not_english.join(", ")
        );
    }

    #[test]
    fn a_rule_speaks_the_language_being_spoken() {
        let shipped = crate::policy::Policy::builtin();
        crate::i18n::speaking(crate::i18n::Lang::ZhCn, || {
            assert_eq!(B002.said_summary(shipped), "弹性预算不在 10–15 % 之间");
            assert!(B002.said_explanation(shipped).starts_with("## 检查什么"));
            assert!(B002.said_explanation(shipped).contains("规范 三(二)3"));
            assert!(
                B002.said_explanation(shipped)
                    .contains("`budget.reserve_min_percent`（10）")
            );
        });
        crate::i18n::speaking(crate::i18n::Lang::En, || {
            assert_eq!(B002.said_summary(shipped), "reserve outside 10–15 %");
            assert_eq!(B002.said_summary(shipped), B002.summary_in(shipped));
            assert_eq!(B002.said_explanation(shipped), B002.explanation_in(shipped));
        });
    }

    #[test]
    fn a_rule_quotes_the_policy_in_force() {
        let text = crate::policy::DEFAULT_POLICY
            .replace("reserve_min_percent = 10", "reserve_min_percent = 5")
            .replace("reserve_max_percent = 15", "reserve_max_percent = 20");
        let changed = crate::policy::Policy::parse(&text, "policy.toml").unwrap();
        crate::i18n::speaking(crate::i18n::Lang::En, || {
            assert_eq!(B002.said_summary(&changed), "reserve outside 5–20 %");
            let e = B002.said_explanation(&changed);
            assert!(e.contains("`budget.reserve_min_percent` (5)"), "{e}");
            assert!(e.contains("`budget.reserve_max_percent` (20)"), "{e}");
        });
        // No placeholder is left unfilled in any rule, in either language.
        for lang in [crate::i18n::Lang::En, crate::i18n::Lang::ZhCn] {
            crate::i18n::speaking(lang, || {
                for r in RULES {
                    let said = r.said_summary(&changed) + &r.said_explanation(&changed);
                    assert!(!said.contains("%{"), "{}: {said}", r.code);
                }
            });
        }
    }
}
