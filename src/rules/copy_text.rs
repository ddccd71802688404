//! Reading copy the way C001 and C002 need it: full-width forms folded to
//! ASCII with every position mapped back to the original text, sentences
//! (a claim's period and source must be in its own sentence), periods and
//! sources written as patterns, and result claims written in Chinese
//! numerals (百分之三十, 三成, 翻两番, 五十万).

use std::ops::Range;

/// `text` with full-width ASCII forms (ＮＯ．１, ３０％, （）) folded to ASCII,
/// ASCII letters upper-cased, the ideographic space made a space and the
/// ordinal 第1 (not 第10) read as 第一, so one list of terms matches every
/// spelling. Each folded character stands for exactly one original one.
pub struct Folded {
    pub text: String,
    /// (byte in `text`, byte in the original) for each character, in order.
    starts: Vec<(usize, usize)>,
    original_len: usize,
}

impl Folded {
    pub fn new(original: &str) -> Folded {
        let chars: Vec<(usize, char)> = original.char_indices().collect();
        let mut text = String::with_capacity(original.len());
        let mut starts = Vec::with_capacity(chars.len());
        for (k, &(at, ch)) in chars.iter().enumerate() {
            let mut f = fold_char(ch);
            // 第1名 is 第一名; 第10名 and 第1.5 are other numbers.
            if f == '1'
                && k > 0
                && chars[k - 1].1 == '第'
                && !chars
                    .get(k + 1)
                    .is_some_and(|n| matches!(fold_char(n.1), '0'..='9' | '.'))
            {
                f = '一';
            }
            starts.push((text.len(), at));
            text.push(f);
        }
        Folded {
            text,
            starts,
            original_len: original.len(),
        }
    }

    /// The original byte offset of folded byte `at` (a character boundary).
    fn original(&self, at: usize) -> usize {
        match self.starts.binary_search_by_key(&at, |s| s.0) {
            Ok(k) => self.starts[k].1,
            Err(k) => self.starts.get(k).map_or(self.original_len, |s| s.1),
        }
    }

    /// The original span of a folded span.
    pub fn span(&self, span: Range<usize>) -> Range<usize> {
        self.original(span.start)..self.original(span.end)
    }
}

/// One character folded: full-width ASCII (U+FF01–U+FF5E) to ASCII, the
/// ideographic space to a space, ASCII letters to upper case.
pub fn fold_char(ch: char) -> char {
    let ch = match ch {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(ch as u32 - 0xFEE0).unwrap_or(ch),
        '\u{3000}' => ' ',
        _ => ch,
    };
    ch.to_ascii_uppercase()
}

/// A word of a policy list folded the same way (without the 第1 reading).
pub fn fold(word: &str) -> String {
    word.chars().map(fold_char).collect()
}

/// Where a sentence ends (in folded text): 。！？ and a line break.
fn ends_sentence(ch: char) -> bool {
    matches!(ch, '。' | '!' | '?' | '\n')
}

/// The sentence around `span` in folded `text`: from the end of the
/// previous sentence to its own end mark, brackets kept whole, and with
/// a bracketed note written right after the end mark (「……30%。（数据来源：……）」),
/// which belongs to it. The next sentence, line or paragraph does not.
pub fn sentence(text: &str, span: Range<usize>) -> Range<usize> {
    let mut depth = 0usize;
    let mut start = 0;
    for (i, ch) in text[..span.start].char_indices().rev() {
        match ch {
            ')' | '）' => depth += 1,
            '(' | '（' => depth = depth.saturating_sub(1),
            c if depth == 0 && ends_sentence(c) => {
                start = i + c.len_utf8();
                break;
            }
            _ => {}
        }
    }
    let mut depth = 0usize;
    let mut end = text.len();
    let mut mark = None;
    for (i, ch) in text[span.end..].char_indices() {
        let i = span.end + i;
        match ch {
            '(' | '（' => depth += 1,
            ')' | '）' => depth = depth.saturating_sub(1),
            c if depth == 0 && ends_sentence(c) => {
                end = i + c.len_utf8();
                mark = Some(c);
                break;
            }
            _ => {}
        }
    }
    if mark.is_some_and(|m| m != '\n') {
        let rest = &text[end..];
        let note = rest.trim_start_matches(' ');
        if note.starts_with(['(', '（']) {
            let at = end + (rest.len() - note.len());
            let mut depth = 0usize;
            for (i, ch) in text[at..].char_indices() {
                match ch {
                    '(' | '（' => depth += 1,
                    ')' | '）' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = at + i + ch.len_utf8();
                            break;
                        }
                    }
                    '\n' => break,
                    _ => {}
                }
            }
        }
    }
    start..end
}

pub fn is_digit(ch: char) -> bool {
    ch.is_ascii_digit()
}

/// Chinese numerals (零 to 亿, and 两).
pub fn is_cn_numeral(ch: char) -> bool {
    matches!(
        ch,
        '零' | '〇'
            | '一'
            | '二'
            | '两'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '万'
            | '亿'
    )
}

/// A period written as a pattern: a date (2025年, 3月, 三月, 二〇二五年,
/// 2025-09, 2025/09, 2025.09) or a span back from now (近30天, 过去一年,
/// 近12个月).
pub fn has_period_pattern(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    for i in 0..chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if is_digit(c) && matches!(next, Some('年' | '月')) {
            return true;
        }
        if is_digit(c)
            && matches!(next, Some('-' | '/' | '.'))
            && i >= 3
            && chars[i - 3..=i].iter().all(|c| is_digit(*c))
            && chars.get(i + 2).is_some_and(|c| is_digit(*c))
        {
            return true;
        }
        // 二〇二六年
        if c == '年'
            && i >= 4
            && chars[i - 4..i].iter().all(|c| {
                matches!(
                    c,
                    '〇' | '零' | '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九'
                )
            })
        {
            return true;
        }
        // 三月, 十二月 — not 三个月 (a duration).
        if c == '月'
            && i >= 1
            && matches!(
                chars[i - 1],
                '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
            )
            && !(i >= 2 && matches!(chars[i - 2], '个' | '几'))
        {
            return true;
        }
        // 近30天, 过去一年, 近12个月
        if c == '近' || (c == '过' && next == Some('去')) {
            let mut j = if c == '近' { i + 1 } else { i + 2 };
            let from = j;
            while j < chars.len() && (is_digit(chars[j]) || is_cn_numeral(chars[j])) {
                j += 1;
            }
            if j > from {
                let unit: String = chars[j..chars.len().min(j + 2)].iter().collect();
                if ["天", "日", "周", "个月", "月", "年"]
                    .iter()
                    .any(|u| unit.starts_with(u))
                {
                    return true;
                }
            }
        }
    }
    false
}

/// Words after 据 that make it a source: 据艾瑞咨询报告, 根据公司会员系统统计.
const SOURCE_NOUNS: &[&str] = &["数据", "统计", "报告", "调查", "调研", "监测", "显示"];

/// A source written as a pattern: 据 (not the 据 of 数据 or 依据) and, within
/// the next 20 characters of the same clause, a word saying what was
/// counted (数据, 统计, 报告 …).
pub fn has_source_pattern(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    for i in 0..chars.len() {
        if chars[i] != '据' || (i > 0 && matches!(chars[i - 1], '数' | '依' | '证' | '单')) {
            continue;
        }
        let tail: String = chars[i + 1..]
            .iter()
            .take(20)
            .take_while(|c| !matches!(c, ',' | '，' | '。' | ';' | '\n'))
            .collect();
        if SOURCE_NOUNS.iter().any(|n| tail.contains(n)) {
            return true;
        }
    }
    false
}

/// Idioms built of numerals that count nothing.
const IDIOMS: &[&str] = &[
    "十万火急",
    "千万别",
    "千万不",
    "千万要",
    "千万记",
    "一成不变",
    "万一",
    "千方百计",
    "百分百",
];

/// A result claim written in Chinese numerals starting at char `k` of
/// `chars` (folded text): 百分之三十 (or 百分之30), 三成, 翻两番, 翻倍, 两倍,
/// 五十万, 上亿, 数十万. Returns the char index just past it.
pub fn cn_claim_at(chars: &[(usize, char)], k: usize) -> Option<usize> {
    let at = |i: usize| chars.get(i).map(|c| c.1);
    let word_at = |i: usize, w: &str| {
        let mut j = i;
        w.chars().all(|wc| {
            let ok = at(j) == Some(wc);
            j += 1;
            ok
        })
    };
    if IDIOMS.iter().any(|w| word_at(k, w)) {
        return None;
    }
    // 百分之三十, 百分之30 (百分之百 is C001's 100 %).
    if word_at(k, "百分之") {
        let mut j = k + 3;
        while at(j).is_some_and(|c| is_digit(c) || is_cn_numeral(c) || c == '.') {
            j += 1;
        }
        return (j > k + 3).then_some(j);
    }
    // 翻倍, 翻一番, 翻了两番, 翻了三倍.
    if at(k) == Some('翻') {
        let mut j = k + 1;
        if at(j) == Some('倍') {
            return Some(j + 1);
        }
        if at(j) == Some('了') {
            j += 1;
        }
        if at(j).is_some_and(|c| matches!(c, '一' | '两' | '二' | '三' | '四' | '几')) {
            j += 1;
            if at(j).is_some_and(|c| matches!(c, '番' | '倍')) {
                return Some(j + 1);
            }
        }
        return None;
    }
    // 上亿, 上万, 数十万, 数百万: a rough count that is still a count.
    let mut j = k;
    if at(j).is_some_and(|c| matches!(c, '上' | '数')) {
        let prefixed = at(j + 1).is_some_and(|c| matches!(c, '十' | '百' | '千' | '万' | '亿'));
        if !prefixed {
            return None;
        }
        j += 1;
    }
    let from = j;
    while at(j).is_some_and(is_cn_numeral) {
        j += 1;
    }
    if j == from {
        return None;
    }
    let run: Vec<char> = chars[from..j].iter().map(|c| c.1).collect();
    let last = run[run.len() - 1];
    // 三成, 九成 (not 一成不变, above).
    if run.len() <= 2 && at(j) == Some('成') {
        return Some(j + 1);
    }
    // 两倍, 十倍
    if at(j) == Some('倍') {
        return Some(j + 1);
    }
    // 五十万, 百万, 一千万, 上亿.
    let counted = from > k || run.iter().any(|c| !matches!(c, '万' | '亿'));
    if matches!(last, '万' | '亿') && counted {
        return Some(j);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_maps_back_to_the_original() {
        let text = "华东茶饮ＮＯ．１，好评率第1名，第10名，３０％";
        let f = Folded::new(text);
        assert_eq!(f.text, "华东茶饮NO.1,好评率第一名,第10名,30%");
        let at = f.text.find("NO.1").unwrap();
        assert_eq!(&text[f.span(at..at + 4)], "ＮＯ．１");
        let at = f.text.find("第一").unwrap();
        assert_eq!(&text[f.span(at..at + "第一".len())], "第1");
        let at = f.text.find("30%").unwrap();
        assert_eq!(&text[f.span(at..f.text.len())], "３０％");
    }

    #[test]
    fn a_sentence_keeps_its_note_and_not_the_next_sentence() {
        let s = |t: &str, w: &str| {
            let at = t.find(w).unwrap();
            t[sentence(t, at..at + w.len())].to_string()
        };
        assert_eq!(
            s("甲。提升30%。(2026年3月)下一句。", "30%"),
            "提升30%。(2026年3月)"
        );
        assert_eq!(s("甲。提升30%。下一句(来源)。", "30%"), "提升30%。");
        assert_eq!(s("提升30%\n(来源)", "30%"), "提升30%\n");
        assert_eq!(
            s("复购率为35%(统计周期:2025年;数据来源:系统)。谢谢。", "35%"),
            "复购率为35%(统计周期:2025年;数据来源:系统)。"
        );
    }

    #[test]
    fn periods_and_sources_as_patterns() {
        assert!(has_period_pattern("2026年3月"));
        assert!(has_period_pattern("近30天"));
        assert!(has_period_pattern("二〇二六年"));
        assert!(has_period_pattern("今年三月"));
        assert!(!has_period_pattern("上线三个月"));
        assert!(!has_period_pattern("限时48小时"));
        assert!(has_source_pattern("据艾瑞咨询《2025年报告》"));
        assert!(has_source_pattern("根据公司会员系统统计"));
        assert!(!has_source_pattern("数据显示"));
        assert!(!has_source_pattern("数据真实可查"));
    }

    #[test]
    fn claims_in_chinese_numerals() {
        let claim = |t: &str| {
            let chars: Vec<(usize, char)> = t.char_indices().collect();
            (0..chars.len()).find_map(|k| {
                cn_claim_at(&chars, k).map(|e| chars[k..e].iter().map(|c| c.1).collect::<String>())
            })
        };
        assert_eq!(claim("提升百分之三十").as_deref(), Some("百分之三十"));
        assert_eq!(claim("三成老客户").as_deref(), Some("三成"));
        assert_eq!(claim("销量翻了两番").as_deref(), Some("翻了两番"));
        assert_eq!(claim("营业额翻倍").as_deref(), Some("翻倍"));
        assert_eq!(claim("用户突破五十万").as_deref(), Some("五十万"));
        assert_eq!(claim("播放量上亿").as_deref(), Some("上亿"));
        assert_eq!(claim("数十万用户").as_deref(), Some("数十万"));
        assert_eq!(claim("一成不变"), None);
        assert_eq!(claim("千万别错过"), None);
        assert_eq!(claim("上线三个月"), None);
        assert_eq!(claim("万一不满意"), None);
    }

    #[test]
    fn no_text_makes_the_copy_rules_panic() {
        let c = &crate::policy::Policy::builtin().content;
        let alphabet = [
            '第', '1', '１', '最', '（', '）', '。', '\n', '%', '万', '三', '成', '据', ' ',
        ];
        let mut texts = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |a| format!("{t}{a}")))
                .collect();
            texts.extend(longer);
        }
        texts.dedup();
        for t in &texts {
            for span in super::super::copy::absolute_terms(c, t) {
                assert!(t.get(span).is_some(), "{t:?}");
            }
            for claim in super::super::copy::unsourced_claims(c, t) {
                assert!(t.get(claim.span).is_some(), "{t:?}");
            }
        }
    }
}
