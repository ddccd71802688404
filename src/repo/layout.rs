//! Where each kind of record lives (SPEC section 2): a path is classified
//! once, by its components, into the record kind that belongs there.

use rust_i18n::t;

/// What a repository path holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Policy,
    Team,
    Campaign {
        folder: String,
    },
    Results {
        folder: String,
    },
    Touchpoints {
        folder: String,
    },
    CampaignMinutes {
        folder: String,
    },
    Purchase {
        folder: String,
    },
    Approval {
        folder: String,
    },
    /// `approvals/<NN>-<stage>-<person>.toml`: sign-offs of department
    /// subjects (department minutes, quarterly reports).
    DeptApproval,
    /// `waivers/<NN>-<CODE>-<person>.toml`: a finding waived (`mkt waive`).
    Waiver,
    Content {
        folder: String,
    },
    Contract {
        folder: String,
    },
    DeptMinutes {
        year: String,
    },
    Incident,
    Report {
        year: i32,
        quarter: u32,
    },
    /// `audits/<YYYY>Q<n>.toml`: the quarter's internal audit.
    Audit {
        year: i32,
        quarter: u32,
    },
    /// `reviews/<YYYY-MM>/<person>.toml`: a person's self-review of a month.
    SelfReview {
        month: String,
        person: String,
    },
    /// `partners/<id>.toml`: a KOL or KOC of the archive.
    Partner,
    /// `customers/<name>`: the customer data store; each file should be an
    /// age file sealed to the customer readers (P002).
    Customers,
    /// Templates, READMEs, CI configuration: not records, not checked.
    Other,
    /// Nothing belongs here; the text says what does.
    Misplaced(&'static str),
}

/// Files and folders any repository may carry besides its records.
fn is_ancillary(parts: &[&str]) -> bool {
    let first = parts[0];
    let last = parts[parts.len() - 1];
    matches!(last, ".gitkeep" | ".gitignore" | ".gitattributes")
        || matches!(
            first,
            ".github" | ".gitlab" | "templates" | ".mkt" | ".vscode" | ".idea"
        )
        || (parts.len() == 1
            && (last.starts_with("README")
                || last.starts_with("LICENSE")
                || last.starts_with("CHANGELOG")
                || matches!(
                    last,
                    ".gitlab-ci.yml"
                        | ".pre-commit-config.yaml"
                        | ".editorconfig"
                        | ".mailmap"
                        | ".gitmodules"
                )))
}

/// What a misplaced file's reason (`Kind::Misplaced`) says, in the language
/// being spoken.
pub fn explain(why: &str) -> String {
    match why {
        "an empty path component" => t!("repo.layout.empty_component"),
        "department minutes go in minutes/<YYYY>/<YYYY-MM-DD>-<kind>.toml" => {
            t!("repo.layout.dept_minutes")
        }
        "department sign-offs are approvals/<NN>-<stage>-<person>.toml, written by mkt sign-off" => {
            t!("repo.layout.dept_approvals")
        }
        "incidents go in incidents/<YYYY-MM-DD>-<slug>.toml" => t!("repo.layout.incidents"),
        "quarterly reports are filed as reports/<YYYY>Q<n>.md" => t!("repo.layout.reports"),
        "internal audits are audits/<YYYY>Q<n>.toml" => t!("records16.layout.audits"),
        "self-reviews are reviews/<YYYY-MM>/<person>.toml" => t!("records16.layout.reviews"),
        "partners are partners/<id>.toml" => t!("records16.layout.partners"),
        "customer data is customers/<name>.age, written by mkt customers add" => {
            t!("customers16.layout.customers")
        }
        w if w.starts_with("a campaign folder holds") => t!("repo.layout.campaign_folder"),
        w if w.starts_with("a marketing repository holds") => t!("repo.layout.repository"),
        w => return w.to_string(),
    }
    .into_owned()
}

pub fn classify(rel: &str) -> Kind {
    let parts: Vec<&str> = rel.split('/').collect();
    if parts.is_empty() || parts.iter().any(|p| p.is_empty()) {
        return Kind::Misplaced("an empty path component");
    }
    if is_ancillary(&parts) {
        return Kind::Other;
    }
    let toml = |f: &str| f.ends_with(".toml");
    match parts.as_slice() {
        ["policy.toml"] => Kind::Policy,
        ["team.toml"] => Kind::Team,
        ["campaigns", _, ..] => {
            let (folder, rest) = campaign_parts(&parts[1..]);
            let folder = folder.to_string();
            match rest {
                ["campaign.toml"] => Kind::Campaign { folder },
                ["results.toml"] => Kind::Results { folder },
                ["touchpoints.csv"] => Kind::Touchpoints { folder },
                ["minutes", f] if toml(f) => Kind::CampaignMinutes { folder },
                ["purchases", f] if toml(f) => Kind::Purchase { folder },
                ["approvals", f] if toml(f) => Kind::Approval { folder },
                ["content", f] if is_text_copy(f) || is_binary_copy(f) => Kind::Content { folder },
                ["contracts", _] => Kind::Contract { folder },
                _ => Kind::Misplaced(
                    "a campaign folder holds campaign.toml, results.toml, touchpoints.csv, and minutes/, purchases/, approvals/ (*.toml), content/ (*.md, *.txt; images, video, PDF and office files), contracts/ (*.age)",
                ),
            }
        }
        ["minutes", year, f]
            if toml(f) && year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Kind::DeptMinutes {
                year: year.to_string(),
            }
        }
        ["minutes", ..] => {
            Kind::Misplaced("department minutes go in minutes/<YYYY>/<YYYY-MM-DD>-<kind>.toml")
        }
        ["approvals", f] if toml(f) => Kind::DeptApproval,
        ["waivers", f] if toml(f) => Kind::Waiver,
        ["approvals", ..] => Kind::Misplaced(
            "department sign-offs are approvals/<NN>-<stage>-<person>.toml, written by mkt sign-off",
        ),
        ["incidents", f] if toml(f) => Kind::Incident,
        ["incidents", ..] => Kind::Misplaced("incidents go in incidents/<YYYY-MM-DD>-<slug>.toml"),
        ["reports", f] => match parse_report_name(f) {
            Some((year, quarter)) => Kind::Report { year, quarter },
            None => Kind::Misplaced("quarterly reports are filed as reports/<YYYY>Q<n>.md"),
        },
        ["audits", f] => match f.strip_suffix(".toml").and_then(parse_quarter) {
            Some((year, quarter)) => Kind::Audit { year, quarter },
            None => Kind::Misplaced("internal audits are audits/<YYYY>Q<n>.toml"),
        },
        ["reviews", month, f] if is_month(month) && toml(f) && f.len() > ".toml".len() => {
            Kind::SelfReview {
                month: month.to_string(),
                person: f[..f.len() - ".toml".len()].to_string(),
            }
        }
        ["reviews", ..] => Kind::Misplaced("self-reviews are reviews/<YYYY-MM>/<person>.toml"),
        ["partners", f] if toml(f) && f.len() > ".toml".len() => Kind::Partner,
        ["partners", ..] => Kind::Misplaced("partners are partners/<id>.toml"),
        ["customers", _] => Kind::Customers,
        ["customers", ..] => {
            Kind::Misplaced("customer data is customers/<name>.age, written by mkt customers add")
        }
        _ => Kind::Misplaced(
            "a marketing repository holds policy.toml, team.toml, campaigns/, minutes/, incidents/, reports/, approvals/, audits/, reviews/, partners/, customers/ and templates/",
        ),
    }
}

/// Whether a path component is a year folder: four ASCII digits.
pub fn is_year(s: &str) -> bool {
    s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())
}

/// A campaign's folder name (its ID) and the components below it, from the
/// components after `campaigns/`: `<ID>/<file…>` or `<YYYY>/<ID>/<file…>`
/// (a campaign ID never is four digits; `campaigns/2026/campaign.toml` is
/// the flat folder `2026`).
fn campaign_parts<'r, 's>(parts: &'s [&'r str]) -> (&'r str, &'s [&'r str]) {
    match parts {
        [year, id, _, ..] if is_year(year) => (id, &parts[2..]),
        [id, rest @ ..] => (id, rest),
        [] => ("", parts),
    }
}

/// The campaign directory a path lies in, `campaigns/<ID>` or
/// `campaigns/<YYYY>/<ID>`, and the ID, if the path is in one.
pub fn campaign_dir_of(rel: &str) -> Option<(&str, &str)> {
    let rest = rel.strip_prefix("campaigns/")?;
    let parts: Vec<&str> = rest.split('/').collect();
    if parts.len() < 2 {
        return None;
    }
    let (id, below) = campaign_parts(&parts);
    if id.is_empty() || below.is_empty() {
        return None;
    }
    let len = "campaigns/".len() + rest.len() - below.iter().map(|p| p.len() + 1).sum::<usize>();
    Some((&rel[..len], id))
}

/// Where a new campaign's folder goes: `campaigns/<YYYY>/<ID>`, the year of
/// its start (the ID's year).
pub fn year_dir(year: i32, id: &str) -> String {
    format!("campaigns/{year:04}/{id}")
}

/// Copy as text: checked by the copy rules (C001, C002).
fn is_text_copy(name: &str) -> bool {
    name.ends_with(".md") || name.ends_with(".txt")
}

/// The file kinds of copy that are not text (规范 六(一)1 文案、图片、视频):
/// signed off by blob id like text copy, never read as text.
const BINARY_COPY: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "svg", "psd", "ai", "mp4", "mov", "m4v", "webm", "avi",
    "mp3", "wav", "m4a", "pdf", "doc", "docx", "ppt", "pptx", "xls", "xlsx", "key", "pages",
];

/// Whether a copy file name is an image, a video, a sound, a PDF or an
/// office file (by its extension, in any case).
pub fn is_binary_copy(name: &str) -> bool {
    let name = name.rsplit('/').next().unwrap_or(name);
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && BINARY_COPY.iter().any(|b| b.eq_ignore_ascii_case(ext))
    })
}

/// `2026-10`: a month as a folder name.
fn is_month(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || c.is_ascii_digit())
        && matches!(s[5..].parse::<u32>(), Ok(1..=12))
}

/// `2026Q3.md` -> (2026, 3)
pub fn parse_report_name(f: &str) -> Option<(i32, u32)> {
    parse_quarter(f.strip_suffix(".md")?)
}

/// `2026Q3` -> (2026, 3)
pub fn parse_quarter(stem: &str) -> Option<(i32, u32)> {
    let (y, q) = stem.split_once('Q')?;
    if y.len() != 4 || q.len() != 1 {
        return None;
    }
    let (year, quarter) = (y.parse().ok()?, q.parse().ok()?);
    (1..=4).contains(&quarter).then_some((year, quarter))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_paths() {
        assert_eq!(
            classify("campaigns/春季促销-2026-03V1/campaign.toml"),
            Kind::Campaign {
                folder: "春季促销-2026-03V1".into()
            }
        );
        assert_eq!(
            classify("minutes/2026/2026-01-05-weekly.toml"),
            Kind::DeptMinutes {
                year: "2026".into()
            }
        );
        assert_eq!(
            classify("reports/2026Q3.md"),
            Kind::Report {
                year: 2026,
                quarter: 3
            }
        );
        assert!(matches!(
            classify("campaigns/x/notes.txt"),
            Kind::Misplaced(_)
        ));
        assert!(matches!(classify("reports/2026Q5.md"), Kind::Misplaced(_)));
        assert_eq!(
            classify("campaigns/x/content/主视觉海报.PNG"),
            Kind::Content { folder: "x".into() }
        );
        assert!(matches!(
            classify("campaigns/x/content/setup.exe"),
            Kind::Misplaced(_)
        ));
        assert!(!is_binary_copy("campaigns/x/content/.png"));
        assert_eq!(
            classify("audits/2026Q3.toml"),
            Kind::Audit {
                year: 2026,
                quarter: 3
            }
        );
        assert_eq!(
            classify("reviews/2026-10/zhao.lei.toml"),
            Kind::SelfReview {
                month: "2026-10".into(),
                person: "zhao.lei".into()
            }
        );
        assert!(matches!(
            classify("reviews/2026-13/x.toml"),
            Kind::Misplaced(_)
        ));
        assert!(matches!(classify("reviews/x.toml"), Kind::Misplaced(_)));
        assert_eq!(classify("partners/huacha-xhs.toml"), Kind::Partner);
        assert!(matches!(classify("partners/a/b.toml"), Kind::Misplaced(_)));
        assert_eq!(classify("customers/华东会员.csv.age"), Kind::Customers);
        assert_eq!(classify("customers/名单.csv"), Kind::Customers);
        assert!(matches!(
            classify("customers/2026/名单.csv.age"),
            Kind::Misplaced(_)
        ));
        assert_eq!(
            classify("campaigns/2026/春季促销-2026-03V1/minutes/2026-02-25-kickoff.toml"),
            Kind::CampaignMinutes {
                folder: "春季促销-2026-03V1".into()
            }
        );
        assert_eq!(
            classify("campaigns/2026/campaign.toml"),
            Kind::Campaign {
                folder: "2026".into()
            }
        );
        assert_eq!(
            campaign_dir_of("campaigns/2026/a-2026-01V1/approvals/01.toml"),
            Some(("campaigns/2026/a-2026-01V1", "a-2026-01V1"))
        );
        assert_eq!(
            campaign_dir_of("campaigns/a-2026-01V1/campaign.toml"),
            Some(("campaigns/a-2026-01V1", "a-2026-01V1"))
        );
        assert_eq!(
            campaign_dir_of("campaigns/2026/campaign.toml"),
            Some(("campaigns/2026", "2026"))
        );
        assert_eq!(campaign_dir_of("campaigns/stray.toml"), None);
        assert_eq!(classify("README.md"), Kind::Other);
        assert_eq!(classify("templates/campaign.toml"), Kind::Other);
    }
}
