//! Copy rules (广告法, 规范 六): no absolute terms (C001), no result claim
//! without its period and source (C002).

use rust_i18n::t;
use std::ops::Range;

use super::copy_text::{
    self, Folded, fold, has_period_pattern, has_source_pattern, is_cn_numeral, is_digit, sentence,
};
use super::{View, declare_rule};
use crate::diag::Diagnostic;
use crate::policy::Content;
use crate::source::TextLocator;

declare_rule! {
    /// ## What it checks
    /// Copy (`campaigns/<ID>/content/*.md`, `*.txt`) holds none of the
    /// absolute terms of `content.absolute_terms` (最 and its compounds, 第一,
    /// 唯一, 首选, 顶级, 国家级, 绝对, 100%, NO.1, 销量冠军 …). Matching reads
    /// the copy folded: full-width forms are ASCII (ＮＯ．１ is NO.1, １００％ is
    /// 100%), case is ignored and 第1 is 第一 (第10 is not); a term is not found
    /// inside a longer number or word (1100%, TOP10, No.12, 第一百). It is no
    /// claim when a phrase of `content.allow` covers it (第一次, 第1期, 第一季,
    /// 最后, 唯一码, 最佳赏味期, 顾客第一, 国家级非物质文化遗产 …); when a word
    /// of `content.exempt_before` comes earlier in its clause (追求, 力争,
    /// 致力于, 我们做过 …: a goal, an attitude, a comparison with the brand's
    /// own goods); when ® or ™ marks it as a trademark; or when it is a rank of
    /// `content.rankings` (第一, NO.1, 首家 …) whose sentence gives its period
    /// and its source. The finding quotes the term as written, at its line and
    /// column, and suggests a softer wording from `[content.softer]`.
    ///
    /// ## Why
    /// 规范 六(一)1：所有推广内容需经过法务审核，严禁使用"最""第一"等绝对化用语
    /// (《广告法》第九条第三项). The exemptions follow SAMR's 2023
    /// 《广告绝对化用语执法指南》: goals and business attitudes, self-comparison,
    /// consumption hints, titles awarded under state rules, trademarks, and facts
    /// stated with their time, place and source. SPEC 4.5. The lists are policy:
    /// add a term to `absolute_terms`, or a phrase your copy uses innocently to
    /// `allow`.
    ///
    /// ## Example
    /// ```text
    /// 全网最低价，行业第一！华东茶饮ＮＯ．１，销量第1。
    /// ```
    ///
    /// ## Fix
    /// Say what is true and can be shown, not that it is the most:
    /// ```text
    /// 团购价每盒 168 元，老客户再享九折。
    /// ```
    C001, "absolute-claim", Error, "banned absolute term in copy (allow-list honoured)"
}

declare_rule! {
    /// ## What it checks
    /// A number in copy that claims a result — in the same clause as a word
    /// of `content.claim_words` (销量, 用户, 增长, 复购, %, 万, 亿 …) — has its
    /// period (统计周期, 截至, a date, 近30天 …: `content.period_markers`) and its
    /// source (数据来源, 据…统计 …: `content.source_markers`) in its own
    /// sentence, within `content.source_window_chars` characters. The sentence
    /// ends at 。！？ or the end of the line; a bracketed note written right after
    /// it belongs to it (「……提升30%。（2026年3月，第三方数据）」), the next
    /// sentence or paragraph does not. Numbers count in every spelling: 30%,
    /// ３０％, 百分之三十, 三成, 翻两番, 五十万. Dates, prices, durations, ordinals
    /// and an offer's terms (`content.offer_words`: 直降50%, 积分翻倍) are not
    /// claims. A warning: a person decides whether the number claims anything.
    ///
    /// ## Why
    /// 规范 六(一)1：确保数据引用真实可追溯（如销量、用户数需标注统计周期与来源）.
    /// A source elsewhere in the file does not tell the reader where this number
    /// comes from. SPEC 4.5.
    ///
    /// ## Example
    /// ```text
    /// 上线三个月，用户突破50万！
    /// ```
    ///
    /// ## Fix
    /// ```text
    /// 截至2026年6月30日，注册用户突破50万（数据来源：公司会员系统）。
    /// ```
    C002, "unsourced-claim", Warning, "a result claim without period and source (warning)"
}

pub fn check(ctx: &View, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    let c = &ctx.policy.content;
    for dir in repo.campaigns.values() {
        for path in &dir.content {
            let Some(text) = repo.texts.get(path) else {
                continue;
            };
            let at = TextLocator::new(path, text);
            for t in absolute_terms(c, text) {
                out.push(term_finding(c, &at, text, t));
            }
            for claim in unsourced_claims(c, text) {
                out.push(claim_finding(&at, text, claim));
            }
        }
    }
}

/// Byte spans of the absolute terms in `text`, the allow-list applied.
/// Matching reads the folded text (ＮＯ．１ is NO.1, 第1 is 第一, case
/// ignored); the spans point at the original.
pub fn absolute_terms(c: &Content, text: &str) -> Vec<Range<usize>> {
    let folded = Folded::new(text);
    terms_in(c, &folded)
        .into_iter()
        .map(|s| folded.span(s))
        .collect()
}

/// The terms of `folded`, as folded spans.
fn terms_in(c: &Content, folded: &Folded) -> Vec<Range<usize>> {
    let text = folded.text.as_str();
    let mut terms: Vec<String> = c
        .absolute_terms
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| fold(t))
        .collect();
    terms.sort_by_key(|t| std::cmp::Reverse(t.len()));
    let allowed: Vec<Range<usize>> = c
        .allow
        .iter()
        .filter(|a| !a.is_empty())
        .map(|a| fold(a))
        .flat_map(|a| {
            text.match_indices(a.as_str())
                .map(|(i, m)| i..i + m.len())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let hit = terms
            .iter()
            .find(|t| rest.starts_with(t.as_str()) && whole_word(text, i..i + t.len()));
        match hit {
            Some(t) => {
                let span = i..i + t.len();
                let covered = allowed
                    .iter()
                    .any(|a| a.start <= span.start && span.end <= a.end);
                if !covered && !exempt(c, text, span.clone()) {
                    found.push(span.clone());
                }
                i = span.end;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    found
}

/// Whether the match at `span` is the term and not part of a longer
/// number or word: 1100% is not 100%, TOP10 and No.12 are not TOP1 and
/// No.1, 第一百零一次 is not 第一.
fn whole_word(text: &str, span: Range<usize>) -> bool {
    let term = &text[span.clone()];
    let before = text[..span.start].chars().next_back();
    let after = text[span.end..].chars().next();
    let first = term.chars().next().unwrap_or(' ');
    let last = term.chars().next_back().unwrap_or(' ');
    if first.is_ascii_digit() && before.is_some_and(|b| b.is_ascii_digit() || b == '.') {
        return false;
    }
    if first.is_ascii_alphabetic() && before.is_some_and(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    if last.is_ascii_digit() && after.is_some_and(|a| a.is_ascii_digit()) {
        return false;
    }
    if term.starts_with('第') && is_cn_numeral(last) && after.is_some_and(is_cn_numeral) {
        return false;
    }
    true
}

/// The uses of a term that SAMR's 2023 guideline (《广告绝对化用语执法指南》)
/// leaves out of 广告法 第九条第三项 and a word list can see:
/// - a goal, an attitude or a comparison with the brand's own goods,
///   said by a word of `content.exempt_before` earlier in the clause
///   (追求极致, 力争第一, 我们做过最轻的一款);
/// - a registered trademark or product name marked ® or ™ (王牌®系列);
/// - a rank (`content.rankings`) stated as a fact with its period and its
///   source in the same sentence (2025年天猫类目销量第一（数据来源：…）).
fn exempt(c: &Content, text: &str, span: Range<usize>) -> bool {
    let clause_start = text[..span.start]
        .char_indices()
        .rev()
        .find(|(_, ch)| is_clause_break(*ch))
        .map_or(0, |(i, ch)| i + ch.len_utf8());
    let clause = &text[clause_start..span.start];
    if c.exempt_before
        .iter()
        .any(|w| !w.is_empty() && clause.contains(fold(w).as_str()))
    {
        return true;
    }
    let marked = text[span.end..]
        .chars()
        .take(8)
        .take_while(|ch| !is_clause_break(*ch) && !ch.is_whitespace())
        .any(|ch| matches!(ch, '®' | '™'));
    if marked {
        return true;
    }
    let term = &text[span.clone()];
    if c.rankings.iter().any(|r| fold(r) == term) {
        let s = &text[sentence(text, span)];
        return has_period(c, s) && has_source(c, s);
    }
    false
}

fn has_period(c: &Content, text: &str) -> bool {
    c.period_markers
        .iter()
        .any(|m| !m.is_empty() && text.contains(fold(m).as_str()))
        || has_period_pattern(text)
}

fn has_source(c: &Content, text: &str) -> bool {
    c.source_markers
        .iter()
        .any(|m| !m.is_empty() && text.contains(fold(m).as_str()))
        || has_source_pattern(text)
}

fn term_finding(c: &Content, at: &TextLocator, text: &str, span: Range<usize>) -> Diagnostic {
    let term = &text[span.clone()];
    let help = match softer(c, term) {
        Some(s) => t!("rules.c001.softer", word = s),
        None => t!("rules.c001.remove"),
    };
    Diagnostic::new(
        &C001,
        at.locate(span),
        t!("rules.c001.absolute", term = term),
    )
    .label(t!("rules.c001.label"))
    .help(help)
}

/// The softer wording for a term: its own, else that of its first character
/// (最低价 → 最) when the table has one.
fn softer<'a>(c: &'a Content, term: &str) -> Option<&'a str> {
    c.softer
        .iter()
        .find(|(k, _)| fold(k) == fold(term))
        .or_else(|| {
            let first = term.chars().next()?;
            c.softer
                .iter()
                .find(|(k, _)| k.chars().eq(std::iter::once(first)))
        })
        .map(|(_, v)| v.as_str())
}

/// A result claim without its period or source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The number and its unit (`35%`, `12万`).
    pub span: Range<usize>,
    pub has_period: bool,
    pub has_source: bool,
}

/// Where one clause ends and the next begins (in folded text).
fn is_clause_break(ch: char) -> bool {
    matches!(ch, '。' | '!' | '?' | ';' | ',' | '\n')
}

/// Units after a number that make it a date, a time, a price or a duration.
const NOT_A_CLAIM: &[&str] = &[
    "年", "月", "日", "号", "时", "点", "分钟", "秒", "天", "周", "小时", "个月", "岁", "元", "块",
    "折", "-", "/", ":",
];

/// Multipliers that belong to the number (12万盒, 1.5亿, 2000余家).
const MULTIPLIERS: &[char] = &['十', '百', '千', '万', '亿', '多', '余'];

/// Units that belong to the claim's quote (35%, 3倍, 6成, 10万+).
const CLAIM_UNITS: &[char] = &['%', '倍', '成', '+'];

/// Numbers in `text` that claim a result and lack a period or a source in
/// their sentence, within `content.source_window_chars` of the number.
/// Numbers inside an absolute term (100%) are C001's. Arabic, full-width
/// and Chinese numerals (百分之三十, 三成, 翻两番, 五十万) all count.
pub fn unsourced_claims(c: &Content, text: &str) -> Vec<Claim> {
    let folded = Folded::new(text);
    let terms = terms_in(c, &folded);
    claims_in(c, &folded.text, &terms)
        .into_iter()
        .map(|cl| Claim {
            span: folded.span(cl.span),
            ..cl
        })
        .collect()
}

/// The claims of folded `text`, as folded spans.
fn claims_in(c: &Content, text: &str, terms: &[Range<usize>]) -> Vec<Claim> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let breaks: Vec<usize> = chars
        .iter()
        .filter(|(_, ch)| is_clause_break(*ch))
        .map(|(i, _)| *i)
        .collect();
    let claim_words: Vec<String> = c
        .claim_words
        .iter()
        .filter(|w| !w.is_empty())
        .map(|w| fold(w))
        .collect();
    let offer_words: Vec<String> = c
        .offer_words
        .iter()
        .filter(|w| !w.is_empty())
        .map(|w| fold(w))
        .collect();
    let mut claiming: std::collections::HashMap<usize, bool> = std::collections::HashMap::new();
    let mut out = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        let (start, ch) = chars[k];
        let prev = k.checked_sub(1).map(|p| chars[p].1);
        let starts_number = is_digit(ch)
            && !prev.is_some_and(|p| is_digit(p) || p.is_ascii_alphabetic() || p == '.')
            // A label: Double 11, iPhone 15.
            && !(prev == Some(' ')
                && k >= 2
                && chars[k - 2].1.is_ascii_alphabetic());
        let (end_k, not_a_claim) = if starts_number {
            // The number: digits, with `.` or `,` between digits.
            let mut e = k + 1;
            while e < chars.len() {
                let c2 = chars[e].1;
                if is_digit(c2)
                    || (matches!(c2, '.' | ',') && chars.get(e + 1).is_some_and(|n| is_digit(n.1)))
                {
                    e += 1;
                } else {
                    break;
                }
            }
            let mut unit = e;
            while unit < chars.len() && MULTIPLIERS.contains(&chars[unit].1) {
                unit += 1;
            }
            let after = chars.get(unit).map_or(text.len(), |c| c.0);
            let rest = text[after..].trim_start_matches(' ');
            let ordinal_or_price = matches!(prev, Some('第' | '¥' | '￥' | '$'));
            let not_a_claim = ordinal_or_price || NOT_A_CLAIM.iter().any(|u| rest.starts_with(u));
            let mut end_k = unit;
            while end_k < chars.len() && CLAIM_UNITS.contains(&chars[end_k].1) {
                end_k += 1;
            }
            (end_k, not_a_claim)
        } else if let Some(e) = copy_text::cn_claim_at(&chars, k) {
            let after = chars.get(e).map_or(text.len(), |c| c.0);
            let not_a_claim = NOT_A_CLAIM.iter().any(|u| text[after..].starts_with(u));
            (e, not_a_claim)
        } else {
            k += 1;
            continue;
        };
        let end = chars.get(end_k).map_or(text.len(), |c| c.0);
        k = end_k.max(k + 1);
        // Terms come in order, without overlap: the first ending after
        // the number's start is the only one that can hold it.
        let in_term = terms
            .get(terms.partition_point(|t| t.end <= start))
            .is_some_and(|t| t.start < end);
        // An offer's terms, not a result: 直降50%, 积分翻倍, 可享2次, 满100减15.
        let before: String = text[..start]
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let offer = offer_words.iter().any(|w| before.ends_with(w.as_str()));
        if not_a_claim || in_term || offer {
            continue;
        }
        // The clause around the number, and whether it claims a result:
        // both found once per clause, however many numbers it holds.
        let clause_start = breaks
            .partition_point(|&b| b < start)
            .checked_sub(1)
            .map_or(0, |i| {
                breaks[i] + text[breaks[i]..].chars().next().map_or(1, char::len_utf8)
            });
        let claims = *claiming.entry(clause_start).or_insert_with(|| {
            let clause_end = breaks
                .get(breaks.partition_point(|&b| b < end))
                .copied()
                .unwrap_or(text.len());
            let clause = &text[clause_start..clause_end.max(clause_start)];
            claim_words.iter().any(|w| clause.contains(w.as_str()))
        });
        if !claims {
            continue;
        }
        let window = window(text, start..end, c.source_window_chars);
        let has_source = has_source(c, window);
        let has_period = has_period(c, window);
        if !(has_source && has_period) {
            out.push(Claim {
                span: start..end,
                has_period,
                has_source,
            });
        }
    }
    out
}

/// Where a claim's period and source are looked for: its sentence (with a
/// bracketed note right after it), and no more than `n` characters either
/// side of it. A source in the next sentence or paragraph does not count.
fn window(text: &str, span: Range<usize>, n: usize) -> &str {
    let sentence = sentence(text, span.clone());
    let from = text[..span.start]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
        .max(sentence.start);
    let to = text[span.end..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| span.end + i)
        .min(sentence.end);
    &text[from..to.max(from)]
}

fn claim_finding(at: &TextLocator, text: &str, claim: Claim) -> Diagnostic {
    let quote = &text[claim.span.clone()];
    let message = match (claim.has_period, claim.has_source) {
        (false, false) => t!("rules.c002.neither", quote = quote),
        (true, false) => t!("rules.c002.no_source", quote = quote),
        _ => t!("rules.c002.no_period", quote = quote),
    };
    Diagnostic::new(&C002, at.locate(claim.span), message)
        .label(t!("rules.c002.label"))
        .help(t!("rules.c002.help"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;

    fn quoted<'a>(text: &'a str, spans: &[Range<usize>]) -> Vec<&'a str> {
        spans.iter().map(|s| &text[s.clone()]).collect()
    }

    #[test]
    fn finds_terms_longest_first_and_honours_the_allow_list() {
        let c = &Policy::builtin().content;
        let text = "第一季度我们第一次推出全网最低价，行业第一！最后三天，100%好评，1100%不算。";
        let found = absolute_terms(c, text);
        assert_eq!(quoted(text, &found), ["最低价", "第一", "100%"]);
        assert!(absolute_terms(c, "最近上新，最新款，最低消费100元").is_empty());
        assert_eq!(quoted("NO.1品牌", &absolute_terms(c, "NO.1品牌")), ["NO.1"]);
        assert_eq!(quoted("no.1品牌", &absolute_terms(c, "no.1品牌")), ["no.1"]);
    }

    #[test]
    fn positions_count_characters() {
        let c = &Policy::builtin().content;
        let text = "# 标题\n\n全网最低价，行业第一！\n";
        let found = absolute_terms(c, text);
        let at = TextLocator::new("x.md", text).locate(found[1].clone());
        assert_eq!((at.line, at.column), (3, 9));
    }

    #[test]
    fn suggests_softer_wording() {
        let c = &Policy::builtin().content;
        assert_eq!(softer(c, "第一"), Some("领先、前列"));
        assert_eq!(softer(c, "no.1"), Some("领先"));
        assert!(softer(c, "最正宗").is_some());
        assert_eq!(softer(c, "最XYZ"), softer(c, "最"));
        assert_eq!(softer(c, "史无前例"), None);
    }

    #[test]
    fn claims_need_period_and_source() {
        let c = &Policy::builtin().content;
        let claims = |t: &str| {
            unsourced_claims(c, t)
                .into_iter()
                .map(|cl| (t[cl.span].to_string(), cl.has_period, cl.has_source))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            claims("上线三个月，用户突破50万！"),
            [("50万".to_string(), false, false)]
        );
        assert_eq!(
            claims("今年销量增长35%。"),
            [("35%".to_string(), true, false)]
        );
        assert!(
            claims("截至2026年6月30日，注册用户突破50万（数据来源：公司会员系统）。").is_empty()
        );
        // Dates, prices, durations, ordinals and plain quantities are no claims.
        assert!(claims("3月1日至3月31日，新用户满199元减30元，第2件半价，限时48小时。").is_empty());
        assert!(claims("企业团购满20盒可免费定制贺卡。").is_empty());
        // 100% is C001's, not C002's.
        assert!(claims("100%好评").is_empty());
    }
}
