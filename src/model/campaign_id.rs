//! A campaign ID, 项目名称-日期-版本号: `春季促销-2026-03V1` (SPEC 2).

/// The parts of a campaign ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignId {
    pub name: String,
    pub year: i32,
    pub month: u32,
    pub version: u32,
}

impl CampaignId {
    pub fn format(name: &str, year: i32, month: u32, version: u32) -> String {
        format!("{name}-{year:04}-{month:02}V{version}")
    }
}

/// Checks a campaign name against the naming rule; the error says why not.
pub fn check_name(name: &str, max_chars: usize) -> Result<(), String> {
    if name.is_empty() {
        return Err("the name is empty".into());
    }
    if name.starts_with('.') {
        return Err("the name starts with a dot".into());
    }
    if name.contains("..") {
        return Err("the name contains `..`".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || *c == '_' || *c == '·'))
    {
        let shown = if c.is_control() || c.is_whitespace() {
            format!("{:?}", c)
        } else {
            format!("`{c}`")
        };
        return Err(format!(
            "the name contains {shown}; use letters, digits, `_` or `·`"
        ));
    }
    let n = name.chars().count();
    if n > max_chars {
        return Err(format!("the name is {n} characters; at most {max_chars}"));
    }
    Ok(())
}

/// Reads `春季促销-2026-03V1`.
pub fn parse_campaign_id(id: &str, max_chars: usize) -> Result<CampaignId, String> {
    let shape = || format!("`{id}` does not follow 名称-YYYY-MMV<n> (like 春季促销-2026-03V1)");
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let (rest, written) = id.rsplit_once('V').ok_or_else(shape)?;
    if !digits(written) {
        return Err(shape());
    }
    let version: u32 = written.parse().map_err(|_| shape())?;
    // V01 and V001 would be a second V1 beside it.
    if version == 0 || written != version.to_string() {
        return Err(format!(
            "`{id}`: write the version without leading zeros (V{version}), counting from V1"
        ));
    }
    let (rest, month) = rest.rsplit_once('-').ok_or_else(shape)?;
    let (name, year) = rest.rsplit_once('-').ok_or_else(shape)?;
    if year.len() != 4 || month.len() != 2 || !digits(year) || !digits(month) {
        return Err(shape());
    }
    let year: i32 = year.parse().map_err(|_| shape())?;
    let month: u32 = month.parse().map_err(|_| shape())?;
    if !(1..=12).contains(&month) {
        return Err(format!("`{id}`: month {month:02} does not exist"));
    }
    check_name(name, max_chars)?;
    Ok(CampaignId {
        name: name.to_string(),
        year,
        month,
        version,
    })
}

/// A campaign folder's family: its name without the version (`V2`), the
/// same for every version of one campaign.
pub fn family(folder: &str) -> &str {
    let digits = folder.trim_end_matches(|c: char| c.is_ascii_digit());
    match digits.strip_suffix('V') {
        Some(stem) if digits.len() < folder.len() => stem,
        _ => folder,
    }
}

#[cfg(test)]
mod id_tests {
    use super::parse_campaign_id;

    #[test]
    fn a_version_or_a_date_is_digits_as_written() {
        assert!(parse_campaign_id("a-2026-12V1", 20).is_ok());
        assert!(parse_campaign_id("a-2026-12V10", 20).is_ok());
        for bad in [
            "a-2026-12V01",
            "a-2026-12V001",
            "a-2026-12V0",
            "a-2026-12V+1",
            "a-+202-12V1",
            "a-2026-+1V1",
            "a-2026-12V",
        ] {
            assert!(parse_campaign_id(bad, 20).is_err(), "{bad}");
        }
        let err = parse_campaign_id("a-2026-12V01", 20).unwrap_err();
        assert!(err.contains("leading zeros (V1)"), "{err}");
    }
}

#[cfg(test)]
mod family_tests {
    use super::family;

    #[test]
    fn a_family_is_the_folder_without_its_version() {
        assert_eq!(family("春季促销-2026-03V12"), "春季促销-2026-03");
        assert_eq!(family("春季促销-2026-03V1"), "春季促销-2026-03");
        assert_eq!(family("no-version"), "no-version");
        assert_eq!(family("endsV"), "endsV");
        assert_eq!(family("2026"), "2026");
    }
}
