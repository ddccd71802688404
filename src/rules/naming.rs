//! Naming rules: campaign IDs (N001), versions (N002), minutes file names (N003).

use std::collections::BTreeMap;

use chrono::Datelike;
use rust_i18n::t;

use super::{View, declare_rule};
use crate::diag::Diagnostic;
use crate::model::{CampaignId, Minutes, parse_campaign_id};
use crate::repo::Record;

declare_rule! {
    /// ## What it checks
    /// A campaign ID follows 项目名称-日期-版本号: `{name}-{yyyy}-{mm}V{n}`,
    /// where yyyy-mm is the start month; the name holds letters (CJK
    /// included), digits, `_` and `·` only, no leading dot, at most
    /// `naming.name_max_chars` characters; the folder is named as the ID,
    /// `campaigns/<ID>/` or `campaigns/<YYYY>/<ID>/` in the ID's year, and
    /// one ID has one folder.
    ///
    /// ## Why
    /// 制度 三(二)：命名规则为"项目名称-日期-版本号"，如"春季促销-202X-01V1".
    /// Policy: `[naming]`.
    ///
    /// ## Example
    /// ```toml
    /// # campaigns/春季促销/campaign.toml
    /// id = "春季促销"
    /// start = 2026-03-01
    /// ```
    ///
    /// ## Fix
    /// ```toml
    /// # campaigns/春季促销-2026-03V1/campaign.toml
    /// id = "春季促销-2026-03V1"
    /// start = 2026-03-01
    /// ```
    N001, "campaign-id", Error, "ID follows the naming rule; folder name equals `id`"
}

declare_rule! {
    /// ## What it checks
    /// Versions of a campaign (same name and month) run V1, V2, … with no
    /// gap; each version after V1 names the one it replaces in `supersedes`;
    /// and only one version is active (not superseded, not cancelled).
    ///
    /// ## Why
    /// A revised plan is a new version and the old one stays for the record
    /// (SPEC 2, 4.1); two active versions leave nobody sure which plan runs.
    ///
    /// ## Example
    /// ```toml
    /// # campaigns/春季促销-2026-03V2/campaign.toml
    /// id = "春季促销-2026-03V2"
    /// supersedes = ""
    /// ```
    ///
    /// ## Fix
    /// ```toml
    /// id = "春季促销-2026-03V2"
    /// supersedes = "春季促销-2026-03V1"
    /// ```
    N002, "version-sequence", Error, "versions contiguous from V1; one active version"
}

declare_rule! {
    /// ## What it checks
    /// A minutes file is named `{YYYY-MM-DD}-{kind}[-{slug}].toml` with the
    /// date of `held_at` and the `kind` inside; department minutes sit in
    /// `minutes/<YYYY>/` of their year, campaign minutes are of a campaign
    /// kind (`naming.campaign_minutes_kinds`) and department minutes are not.
    ///
    /// ## Why
    /// 制度 三(二)：会议纪要使用统一模板; a name that lies about the date
    /// or kind hides a missing meeting. Policy: `[naming]`.
    ///
    /// ## Example
    /// ```toml
    /// # campaigns/春季促销-2026-03V1/minutes/2026-02-24-kickoff.toml
    /// kind = "kickoff"
    /// held_at = 2026-02-25T10:00:00+08:00
    /// ```
    ///
    /// ## Fix
    /// Rename the file to `2026-02-25-kickoff.toml`, or correct `held_at`.
    N003, "minutes-file-name", Error, "minutes file name matches date and kind inside"
}

pub fn check(ctx: &View, out: &mut Vec<Diagnostic>) {
    check_ids(ctx, out);
    check_versions(ctx, out);
    check_minutes_names(ctx, out);
}

fn check_ids(ctx: &View, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    let max = ctx.policy.naming.name_max_chars;
    for dir in repo.campaigns.values() {
        check_folder(ctx, dir, out);
        let Some(c) = &dir.campaign else {
            if !repo
                .faults
                .iter()
                .any(|d| d.at.file.starts_with(&format!("{}/campaign.toml", dir.dir)))
            {
                out.push(
                    Diagnostic::new(
                        &super::F002,
                        crate::diag::Located::file(format!("{}/campaign.toml", dir.dir)),
                        t!("rules.f002.no_campaign_toml", folder = dir.folder),
                    )
                    .help(t!("rules.f002.no_campaign_toml_help")),
                );
            }
            continue;
        };
        let v = &c.value;
        match parse_campaign_id(&v.id, max) {
            Err(why) => out.push(
                Diagnostic::new(&N001, repo.at(&c.path, &["id"]), why).help(t!(
                    "rules.n001.name_it",
                    id = CampaignId::format("名称", v.start.0.year(), v.start.0.month(), 1)
                )),
            ),
            Ok(parsed) => {
                if (parsed.year, parsed.month) != (v.start.0.year(), v.start.0.month()) {
                    out.push(
                        Diagnostic::new(
                            &N001,
                            repo.at(&c.path, &["id"]),
                            t!(
                                "rules.n001.month",
                                id = v.id,
                                month = format!("{:04}-{:02}", parsed.year, parsed.month),
                                start = v.start
                            ),
                        )
                        .help(t!(
                            "rules.n001.month_help",
                            id = CampaignId::format(
                                &parsed.name,
                                v.start.0.year(),
                                v.start.0.month(),
                                parsed.version
                            )
                        )),
                    );
                }
            }
        }
        if dir.folder != v.id {
            out.push(
                Diagnostic::new(
                    &N001,
                    repo.at(&c.path, &["id"]),
                    t!("rules.n001.folder", id = v.id, folder = dir.folder),
                )
                .help(t!("rules.n001.folder_help")),
            );
        }
    }
}

/// Where a campaign's folder is: `campaigns/<YYYY>/<ID>` in the year of the
/// ID, and one folder for one ID (flat and year, or two years, are never
/// merged).
fn check_folder(ctx: &View, dir: &crate::repo::CampaignDir, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    let plan = format!("{}/campaign.toml", dir.dir);
    let at = |path: &str| match dir.campaign.as_ref().filter(|c| c.path == path) {
        Some(c) => repo.at(&c.path, &["id"]),
        None => crate::diag::Located::file(path),
    };
    let year = dir
        .dir
        .strip_prefix("campaigns/")
        .and_then(|r| r.split_once('/'))
        .map(|(y, _)| y)
        .filter(|y| crate::repo::is_year(y));
    if let (Some(year), Ok(p)) = (
        year,
        parse_campaign_id(&dir.folder, ctx.policy.naming.name_max_chars),
    ) && year != format!("{:04}", p.year)
    {
        let to = crate::repo::year_dir(p.year, &dir.folder);
        out.push(
            Diagnostic::new(
                &N001,
                at(&plan),
                t!("rules.n001.year", folder = dir.dir, year = p.year),
            )
            .help(t!("rules.n001.year_help", from = dir.dir, to = to)),
        );
    }
    for other in &dir.also {
        out.push(
            Diagnostic::new(
                &N001,
                at(&format!("{other}/campaign.toml")),
                t!(
                    "rules.n001.duplicate",
                    id = dir.folder,
                    first = dir.dir,
                    second = other
                ),
            )
            .help(t!("rules.n001.duplicate_help", second = other)),
        );
    }
}

fn check_versions(ctx: &View, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    let max = ctx.policy.naming.name_max_chars;
    let mut families: BTreeMap<(String, i32, u32), BTreeMap<u32, &Record<crate::model::Campaign>>> =
        BTreeMap::new();
    for (_, c) in repo.campaigns() {
        if let Ok(p) = parse_campaign_id(&c.value.id, max) {
            families
                .entry((p.name, p.year, p.month))
                .or_default()
                .insert(p.version, c);
        }
    }
    for ((name, year, month), versions) in &families {
        let mut expected = 1;
        for (&v, c) in versions {
            if v != expected {
                let missing: Vec<String> = (expected..v).map(|n| format!("V{n}")).collect();
                out.push(
                    Diagnostic::new(
                        &N002,
                        repo.at(&c.path, &["id"]),
                        t!(
                            "rules.n002.gap",
                            id = c.value.id,
                            missing = missing.join(", ")
                        ),
                    )
                    .help(t!("rules.n002.gap_help")),
                );
            }
            expected = v + 1;
            if v == 1 {
                // A first version replaces nothing; naming a campaign here would
                // mark it superseded and silence its deadline rules.
                if let Some(s) = c.value.supersedes() {
                    out.push(
                        Diagnostic::new(
                            &N002,
                            repo.at(&c.path, &["supersedes"]),
                            t!("rules.n002.v1_supersedes", id = s),
                        )
                        .help(t!("rules.n002.v1_supersedes_help")),
                    );
                }
            } else {
                let prev = CampaignId::format(name, *year, *month, v - 1);
                match c.value.supersedes() {
                    None => out.push(
                        Diagnostic::new(
                            &N002,
                            repo.at(&c.path, &["id"]),
                            t!("rules.n002.no_supersedes", version = v),
                        )
                        .help(t!("rules.n002.set_supersedes", id = prev)),
                    ),
                    Some(s) if s != prev && versions.values().any(|o| o.value.id == prev) => out
                        .push(
                            Diagnostic::new(
                                &N002,
                                repo.at(&c.path, &["supersedes"]),
                                t!("rules.n002.wrong_supersedes", version = v, id = s),
                            )
                            .help(t!("rules.n002.set_supersedes", id = prev)),
                        ),
                    Some(_) => {}
                }
            }
        }
        let active: Vec<_> = versions
            .values()
            .filter(|c| !c.value.is_cancelled() && !ctx.is_superseded(&c.value.id))
            .collect();
        if active.len() > 1 {
            let ids: Vec<&str> = active.iter().map(|c| c.value.id.as_str()).collect();
            for c in &active[..active.len() - 1] {
                out.push(
                    Diagnostic::new(
                        &N002,
                        repo.at(&c.path, &["id"]),
                        t!(
                            "rules.n002.active",
                            n = active.len(),
                            name = name,
                            ids = ids.join(", ")
                        ),
                    )
                    .help(t!("rules.n002.active_help")),
                );
            }
        }
    }
}

fn check_minutes_names(ctx: &View, out: &mut Vec<Diagnostic>) {
    let campaign_kinds = &ctx.policy.naming.campaign_minutes_kinds;
    for m in ctx.repo.campaigns.values().flat_map(|d| d.minutes.iter()) {
        check_minutes_name(ctx, m, None, out);
        if !campaign_kinds.contains(&m.value.kind)
            && ctx.policy.naming.minutes_kinds.contains(&m.value.kind)
        {
            out.push(
                Diagnostic::new(
                    &N003,
                    ctx.repo.at(&m.path, &["kind"]),
                    t!("rules.n003.dept_meeting", kind = m.value.kind),
                )
                .help(t!("rules.n003.dept_meeting_help")),
            );
        }
    }
    for m in &ctx.repo.dept_minutes {
        let year = m.path.split('/').nth(1).unwrap_or("");
        check_minutes_name(ctx, m, Some(year), out);
        if campaign_kinds.contains(&m.value.kind) && m.value.kind != "adhoc" {
            out.push(
                Diagnostic::new(
                    &N003,
                    ctx.repo.at(&m.path, &["kind"]),
                    t!("rules.n003.campaign_meeting", kind = m.value.kind),
                )
                .help(t!("rules.n003.campaign_meeting_help")),
            );
        }
    }
}

fn check_minutes_name(
    ctx: &View,
    m: &Record<Minutes>,
    year_folder: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let file = m.path.rsplit('/').next().unwrap_or(&m.path);
    let stem = file.strip_suffix(".toml").unwrap_or(file);
    let held = m.value.held_at.date(ctx.policy.zone());
    let want_date = held.format("%Y-%m-%d").to_string();
    let expected = format!("{want_date}-{}", m.value.kind);
    let ok = stem == expected
        || stem
            .strip_prefix(&expected)
            .and_then(|r| r.strip_prefix('-'))
            .is_some_and(|slug| {
                !slug.is_empty() && !slug.chars().any(|c| c.is_whitespace() || c.is_control())
            });
    if !ok {
        out.push(
            Diagnostic::new(
                &N003,
                ctx.repo.at(&m.path, &["held_at"]),
                t!(
                    "rules.n003.file_name",
                    file = file,
                    kind = m.value.kind,
                    date = want_date
                ),
            )
            .help(t!("rules.n003.file_name_help", expected = expected)),
        );
    }
    if let Some(y) = year_folder
        && y != held.format("%Y").to_string()
    {
        out.push(
            Diagnostic::new(
                &N003,
                ctx.repo.at(&m.path, &["held_at"]),
                t!("rules.n003.year", held = held.format("%Y"), folder = y),
            )
            .help(t!("rules.n003.year_help", year = held.format("%Y"))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ids() {
        let p = parse_campaign_id("春季促销-2026-03V1", 64).unwrap();
        assert_eq!(
            (p.name.as_str(), p.year, p.month, p.version),
            ("春季促销", 2026, 3, 1)
        );
        assert_eq!(
            parse_campaign_id("618年中大促-2026-06V12", 64)
                .unwrap()
                .version,
            12
        );
        assert!(parse_campaign_id("春季促销-2026-3V1", 64).is_err());
        assert!(parse_campaign_id("春季促销-2026-13V1", 64).is_err());
        assert!(parse_campaign_id("春季 促销-2026-03V1", 64).is_err());
        assert!(parse_campaign_id("../x-2026-03V1", 64).is_err());
        assert!(parse_campaign_id(".x-2026-03V1", 64).is_err());
        assert!(parse_campaign_id("春季促销-2026-03V0", 64).is_err());
        assert!(parse_campaign_id("春季促销-2026-03", 64).is_err());
        assert!(parse_campaign_id("长长长长长-2026-03V1", 4).is_err());
    }
}
