//! Customer data (P001, P002): phone, ID-card and bank-card numbers do not
//! belong in records or copy anyone with the repository reads; they are kept
//! in the encrypted store, customers/*.age, sealed to exactly the customer
//! readers of today.

use std::collections::BTreeSet;

use rust_i18n::t;

use super::{View, declare_rule};
use crate::diag::{Diagnostic, Located};
use crate::source::TextLocator;

declare_rule! {
    /// ## What it checks
    /// Plans (campaign.toml), minutes, results.toml (its notes),
    /// purchases, incidents, touchpoints.csv, approvals, waivers,
    /// quarterly reports, audits, self-reviews, the partner archive (`partners/*.toml`, whose
    /// contact is a business one) and copy (`content/*.md`, `*.txt`) hold
    /// no customer's or partner's personal
    /// data: no mainland mobile number (11 digits from
    /// 13–19, also written 138-1234-5678 or +86 138 1234 5678), no resident
    /// ID-card number (18 characters whose birth date is a real date and
    /// whose check digit is right) and no bank-card number (16–19 digits,
    /// also in groups of four, passing the Luhn check). A number must stand
    /// alone (not inside a longer run of digits), so amounts, dates,
    /// timestamps and campaign ids are not taken for one.
    ///
    /// ## Why
    /// 制度 六(一)：客户信息加密存储，严格限制访问权限; 《个人信息保护法》
    /// 第二十八条: ID and financial account numbers are sensitive personal
    /// information. Everyone with a clone reads every record and all of
    /// their history.
    ///
    /// ## Example
    /// ```toml
    /// [[agenda]]
    /// topic = "大客户回访"
    /// notes = "王女士 13812345678 反馈漏液"
    /// ```
    ///
    /// ## Fix
    /// Remove the number and refer to the customer by a ticket or CRM id
    /// (`notes = "客户 CRM-20817 反馈漏液"`); keep customer lists in the
    /// encrypted store, never in plain records:
    /// `mkt customers add 回访名单.csv --from ~/Downloads/回访名单.csv`. The
    /// number stays in git history: have it purged from there too.
    P001, "customer-data", Error, "phone, ID-card or bank-card number in a record"
}

declare_rule! {
    /// ## What it checks
    /// Every file in `customers/` is an age file named `<name>.age`, sealed
    /// to exactly the customer readers of today: one recipient stanza for
    /// each SSH key, valid today, of everyone in the signed roster holding
    /// a role of `governance.customer_readers`, and no other. Keys are
    /// compared one by one, by the tag age writes in each stanza; nothing
    /// is decrypted.
    ///
    /// ## Why
    /// 制度 六(一)：所有客户信息需加密存储; 《个人信息保护法》: access only
    /// for those who need it. A list still sealed to someone who left the
    /// role stays readable by them; one not sealed to a new supervisor
    /// cannot be used.
    ///
    /// ## Example
    /// ```text
    /// customers/华东会员.csv              # plaintext
    /// customers/回访名单.csv.age          # sealed before li.na joined
    /// ```
    ///
    /// ## Fix
    /// Seal a plaintext list and delete it:
    /// `mkt customers add 华东会员.csv --from ~/Downloads/华东会员.csv`.
    /// After the roster or the readers changed: `mkt customers rekey`, and
    /// commit. A plaintext ever committed is still in history: have it
    /// purged.
    P002, "customer-store", Error, "customer data not sealed to exactly today's customer readers"
}

/// What a number was taken for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Phone,
    IdCard,
    BankCard,
}

pub fn check(ctx: &View, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    let mut files: Vec<&str> = Vec::new();
    for d in repo.campaigns.values() {
        files.extend(d.campaign.iter().map(|c| c.path.as_str()));
        files.extend(d.minutes.iter().map(|m| m.path.as_str()));
        files.extend(d.results.iter().map(|r| r.path.as_str()));
        files.extend(d.purchases.iter().map(|p| p.path.as_str()));
        files.extend(d.touchpoints.iter().map(String::as_str));
        files.extend(d.approvals.iter().map(|a| a.path.as_str()));
    }
    files.extend(repo.dept_approvals.iter().map(|a| a.path.as_str()));
    files.extend(repo.waivers.iter().map(|w| w.path.as_str()));
    files.extend(repo.reports.values().map(String::as_str));
    files.extend(repo.dept_minutes.iter().map(|m| m.path.as_str()));
    files.extend(repo.incidents.iter().map(|i| i.path.as_str()));
    files.extend(repo.partners.iter().map(|p| p.path.as_str()));
    files.extend(repo.audits.iter().map(|a| a.path.as_str()));
    files.extend(repo.self_reviews.iter().map(|r| r.path.as_str()));
    // Copy as text; binary copy is never read.
    for d in repo.campaigns.values() {
        files.extend(
            d.content
                .iter()
                .filter(|p| repo.texts.contains_key(p.as_str()))
                .map(String::as_str),
        );
    }
    for file in files {
        let Some(text) = repo.source_text(file) else {
            continue;
        };
        let at = TextLocator::new(file, &text);
        for (span, kind) in find(&text) {
            let what = match kind {
                Kind::Phone => t!("rules16.p001.phone"),
                Kind::IdCard => t!("rules16.p001.id_card"),
                Kind::BankCard => t!("rules16.p001.bank_card"),
            };
            out.push(
                Diagnostic::new(
                    &P001,
                    at.locate(span),
                    t!("rules16.p001.found", what = what),
                )
                .help(t!("rules16.p001.help")),
            );
        }
    }
}

/// P002: each file of the customer store is `<name>.age`, an age file
/// sealed to exactly today's customer readers' keys.
pub fn check_store(ctx: &View, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    if repo.customers.is_empty() {
        return;
    }
    let roles = &ctx.policy.governance.customer_readers;
    let readers = crate::approvals::readers(&ctx.verification, &repo.team, roles, ctx.today);
    let and = t!("ops.contract.and");
    let roles_said = roles.join(&and);
    for (path, head) in &repo.customers {
        let file = path.rsplit('/').next().unwrap_or(path);
        let stem = file.strip_suffix(".age").unwrap_or(file);
        let add_help = || t!("customers16.p002.add_help", name = stem, path = path);
        let (message, help) = match head {
            Err(why) => (
                t!("customers16.p002.unreadable", why = why),
                t!("customers16.p002.unreadable_help"),
            ),
            Ok(None) => (t!("customers16.p002.plain", name = file), add_help()),
            Ok(Some(_)) if !file.ends_with(".age") => (
                t!("customers16.p002.name", name = file),
                t!("customers16.p002.name_help", path = path, name = file),
            ),
            Ok(Some(tags)) => {
                let Some(detail) = sealed_off(ctx, &readers, tags) else {
                    continue;
                };
                (
                    t!(
                        "customers16.p002.stale",
                        name = file,
                        roles = roles_said,
                        detail = detail
                    ),
                    t!("customers16.p002.rekey_help"),
                )
            }
        };
        out.push(Diagnostic::new(&P002, Located::file(path), message).help(help));
    }
}

/// How a sealed file's recipient `tags` differ from `readers` (P002, C004):
/// who is missing (person and key type) and who is extra (named from the
/// signed roster's history where known, else counted), or `None` when it
/// is sealed to exactly them.
pub(super) fn sealed_off(
    ctx: &View,
    readers: &crate::approvals::Readers,
    tags: &BTreeSet<String>,
) -> Option<String> {
    let missing: Vec<String> = readers
        .holders
        .iter()
        .filter(|h| !tags.contains(&h.tag))
        .map(|h| format!("{} ({})", h.person, h.key_type))
        .collect();
    let extra: BTreeSet<String> = tags.difference(&readers.tags()).cloned().collect();
    if missing.is_empty() && extra.is_empty() {
        return None;
    }
    let mut said = Vec::new();
    if !missing.is_empty() {
        said.push(t!("customers16.p002.missing", who = missing.join(", ")).into_owned());
    }
    if !extra.is_empty() {
        let mut who = crate::approvals::encrypted_to(&ctx.verification, &extra);
        let named = who.len();
        if extra.len() > named {
            who.push(t!("customers16.p002.unknown_keys", n = extra.len() - named).into_owned());
        }
        said.push(t!("customers16.p002.extra", who = who.join(", ")).into_owned());
    }
    Some(said.join(&t!("cli.list_sep")))
}

/// Every phone, ID-card and bank-card number in `text`, by byte span.
pub fn find(text: &str) -> Vec<(std::ops::Range<usize>, Kind)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && (is_part(b[i - 1]) || b[i - 1] == b'.')) {
            i += 1;
            continue;
        }
        // A run of digits, with single spaces or dashes between groups
        // (and an X at the end, for an ID card).
        let start = i;
        let mut digits = String::new();
        let mut end = i;
        let mut j = i;
        while j < b.len() {
            let c = b[j];
            if c.is_ascii_digit() {
                digits.push(c as char);
                j += 1;
                end = j;
            } else if (c == b' ' || c == b'-') && j + 1 < b.len() && b[j + 1].is_ascii_digit() {
                j += 1;
            } else {
                break;
            }
        }
        let mut x_end = end;
        if end < b.len() && (b[end] == b'X' || b[end] == b'x') && digits.len() == 17 {
            x_end = end + 1;
        }
        let follows_part = |k: usize| k < b.len() && (is_part(b[k]) || b[k] == b'.');
        let grouped = text[start..end].contains([' ', '-']);
        let kind = if x_end > end && !follows_part(x_end) && id_card(&digits, 'X') {
            end = x_end;
            Some(Kind::IdCard)
        } else if follows_part(end) {
            None
        } else if digits.len() == 18 && !grouped && id_card(&digits[..17], last(&digits)) {
            Some(Kind::IdCard)
        } else if phone(&digits) {
            Some(Kind::Phone)
        } else if (16..=19).contains(&digits.len()) && luhn(&digits) && !dated(&text[start..end]) {
            Some(Kind::BankCard)
        } else {
            None
        };
        if let Some(k) = kind {
            out.push((start..end, k));
        }
        i = end.max(i + 1);
    }
    out
}

/// A character that joins a number to a longer token (an id, a word).
fn is_part(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn last(digits: &str) -> char {
    digits.chars().last().unwrap_or('0')
}

/// 11 digits from 13–19, or with the country code 86 before them.
fn phone(digits: &str) -> bool {
    let d = match digits.len() {
        11 => digits,
        13 if digits.starts_with("86") => &digits[2..],
        _ => return false,
    };
    d.starts_with('1') && matches!(d.as_bytes()[1], b'3'..=b'9')
}

/// Dashes in 2026-05-01-style places: a date, not a card.
fn dated(s: &str) -> bool {
    s.split('-').any(|g| g.len() == 2) && s.contains('-')
}

/// GB 11643: 17 digits (region, birth date, order) and a check character.
fn id_card(first17: &str, check: char) -> bool {
    let d: Vec<u32> = first17.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 17 {
        return false;
    }
    let year = first17[6..10].parse::<i32>().unwrap_or(0);
    let month = first17[10..12].parse::<u32>().unwrap_or(0);
    let day = first17[12..14].parse::<u32>().unwrap_or(0);
    if !(1900..=2100).contains(&year)
        || chrono::NaiveDate::from_ymd_opt(year, month, day).is_none()
        || d[0] == 0
    {
        return false;
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = d.iter().zip(W).map(|(a, w)| a * w).sum();
    let expect = b"10X98765432"[(sum % 11) as usize] as char;
    check.to_ascii_uppercase() == expect
}

/// The Luhn check of a card number.
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Kind> {
        find(text).into_iter().map(|(_, k)| k).collect()
    }

    #[test]
    fn finds_the_numbers_and_not_amounts_dates_or_ids() {
        assert_eq!(kinds("王女士 13812345678 反馈"), [Kind::Phone]);
        assert_eq!(kinds("电话 138-1234-5678"), [Kind::Phone]);
        assert_eq!(kinds("+86 138 1234 5678"), [Kind::Phone]);
        assert_eq!(kinds("身份证 11010519491231002X"), [Kind::IdCard]);
        assert_eq!(kinds("卡号 6222 0212 3456 7894"), [Kind::BankCard]);
        assert_eq!(kinds("4111111111111111"), [Kind::BankCard]);
        // A wrong check digit, a bad Luhn sum: not theirs.
        assert!(kinds("110105194912310021").is_empty());
        assert!(kinds("4111111111111112").is_empty());
        for clean in [
            "amount = 900000",
            "total = 12800000000",
            "held_at = 2026-05-01T23:05:00+08:00",
            "id = \"春季促销-2026-03V1\"",
            "C-20260501-0001,2026-05-01T10:00:00+08:00,douyin,1380",
            "exposure = 1380000000",
            "PO-2026-017",
            "order 13812345678901",
        ] {
            assert!(kinds(clean).is_empty(), "{clean}: {:?}", kinds(clean));
        }
    }
}
