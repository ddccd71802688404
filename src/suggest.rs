//! "Did you mean …?": the closest of some known names to one that is not.

/// The choice most like `word`, if one is close enough to be what was meant.
pub fn closest<'a>(word: &str, choices: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    choices
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
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
    }
}
