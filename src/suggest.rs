//! "Did you mean …?": the closest of some known names to one that is not.

/// The choice most like `word`, if one is close enough to be what was meant.
/// A Chinese name of two or three characters with one of them mistyped
/// (赵雷 for 赵磊) counts as close, though most of it differs.
pub fn closest<'a>(word: &str, choices: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let choices: Vec<&str> = choices.into_iter().collect();
    let near = choices
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c);
    near.or_else(|| {
        let n = word.chars().count();
        if n < 2 || word.is_ascii() {
            return None;
        }
        let mut one_off = choices
            .iter()
            .filter(|c| c.chars().count() == n && strsim::hamming(word, c) == Ok(1));
        match (one_off.next(), one_off.next()) {
            (Some(c), None) => Some(*c),
            _ => None, // two names as near: no guess
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_near_name_only() {
        assert_eq!(closest("lina", ["li.na", "wang.fang"]), Some("li.na"));
        assert_eq!(
            closest(
                "春季促销-2026-03V3",
                ["春季促销-2026-03V1", "中秋礼盒-2026-09V1"]
            ),
            Some("春季促销-2026-03V1")
        );
        assert_eq!(closest("zzz", ["li.na", "wang.fang"]), None);
        assert_eq!(closest("赵雷", ["李娜", "赵磊"]), Some("赵磊"));
        assert_eq!(closest("赵雷", ["赵磊", "赵蕾"]), None);
        assert_eq!(closest("王芳", ["李娜", "赵磊"]), None);
    }
}
