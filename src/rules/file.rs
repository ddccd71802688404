//! File rules: a file parses (F001), fits its schema (F002), is where a
//! record belongs (F003), and names only people and campaigns that exist (F004).
//! F001–F003 are found while loading; this file adds the checks that need
//! the whole repository.

use std::collections::BTreeSet;

use rust_i18n::t;

use super::{View, declare_rule};
use crate::diag::Diagnostic;
use crate::policy::{GROUPS, ROLES};
use crate::repo::FaultKind;

declare_rule! {
    /// ## What it checks
    /// Every record file parses as TOML (and is UTF-8 text of a sensible
    /// size). The finding gives the line and column of the fault.
    ///
    /// ## Why
    /// A file mkt cannot read is a rule nobody checks. SPEC section 2.
    ///
    /// ## Example
    /// ```toml
    /// title = "春季新品促销      # the closing quote is missing
    /// ```
    ///
    /// ## Fix
    /// ```toml
    /// title = "春季新品促销"
    /// ```
    /// Save files as UTF-8, never GBK.
    F001, "toml-syntax", Error, "the file parses; line and column of the fault"
}

declare_rule! {
    /// ## What it checks
    /// Required keys are present, values have the right type (dates are
    /// bare `2026-03-01`, money is whole yuan or a string like "1234.50",
    /// never a float), no key is unknown, roles and groups in team.toml are
    /// ones the policy knows, and dates are in order (end not before start).
    ///
    /// ## Why
    /// A misspelt key silently means nothing: `ownr = "li.na"` would leave the
    /// campaign without an owner. SPEC sections 2 and 5 define the schemas.
    ///
    /// ## Example
    /// ```toml
    /// ownr = "li.na"
    /// [budget]
    /// total = 80000.5
    /// ```
    ///
    /// ## Fix
    /// ```toml
    /// owner = "li.na"
    /// [budget]
    /// total = "80000.50"
    /// ```
    F002, "schema", Error, "required fields present, types right, no unknown fields"
}

declare_rule! {
    /// ## What it checks
    /// Every file sits where a record kind belongs (SPEC section 2), and is a
    /// plain file, not a symbolic link. Files git ignores are skipped.
    ///
    /// ## Why
    /// A record in the wrong folder is never checked: minutes saved as
    /// `campaigns/X/minute/…` would escape every deadline rule.
    ///
    /// ## Example
    /// ```text
    /// campaigns/春季促销-2026-03V1/会议/2026-02-25-kickoff.toml
    /// ```
    ///
    /// ## Fix
    /// ```text
    /// campaigns/春季促销-2026-03V1/minutes/2026-02-25-kickoff.toml
    /// ```
    F003, "misplaced-file", Error, "a file where no record kind belongs"
}

declare_rule! {
    /// ## What it checks
    /// Every owner, attendee, chair, decision owner, requester and approver
    /// is a person in team.toml; every campaign a record refers to (an
    /// incident's `campaign`, a plan's `supersedes`) exists.
    ///
    /// ## Why
    /// Responsibility needs a real person: 制度 三(二) requires minutes to
    /// name 责任人, and approvals bind to people in the roster (SPEC 5).
    ///
    /// ## Example
    /// ```toml
    /// owner = "lina"          # team.toml has li.na
    /// ```
    ///
    /// ## Fix
    /// ```toml
    /// owner = "li.na"
    /// ```
    /// or add the person to team.toml.
    F004, "unknown-reference", Error, "an owner, attendee, approver or campaign that does not exist"
}

pub fn check(ctx: &View, out: &mut Vec<Diagnostic>) {
    check_loading(ctx, out);
    check_team(ctx, out);
    check_dates(ctx, out);
    check_references(ctx, out);
}

use crate::model::keyboard::{Vocab, closest as near};
use crate::suggest::closest as suggest;

/// What loading could not take in: F001 for what cannot be read, F002 for
/// what does not fit its schema, F003 for what is not a record's file.
fn check_loading(ctx: &View, out: &mut Vec<Diagnostic>) {
    for f in &ctx.repo.faults {
        let rule = match f.kind {
            FaultKind::Syntax | FaultKind::Unreadable => &F001,
            FaultKind::Schema | FaultKind::Missing => &F002,
            FaultKind::Misplaced | FaultKind::Symlink | FaultKind::BadName => &F003,
        };
        let mut d = Diagnostic::new(rule, f.at.clone(), f.message.clone());
        if let Some(h) = &f.help {
            d = d.help(h.clone());
        }
        out.push(d);
    }
}

fn check_team(ctx: &View, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    let mut ids = BTreeSet::new();
    for (i, p) in repo.team.people.iter().enumerate() {
        let idx = i.to_string();
        if !ids.insert(p.id.as_str()) {
            out.push(Diagnostic::new(
                &F002,
                repo.at("team.toml", &["people", &idx, "id"]),
                t!("rules.f002.person_twice", id = p.id),
            ));
        }
        for (j, role) in p.roles.iter().enumerate() {
            if !ROLES.contains(&role.as_str()) {
                let mut d = Diagnostic::new(
                    &F002,
                    repo.at("team.toml", &["people", &idx, "roles", &j.to_string()]),
                    t!("rules.f002.not_role", role = role),
                );
                d = match near(Vocab::Role, role, ROLES.iter().copied()) {
                    Some(s) => d.help(t!("rules.did_you_mean", name = s)),
                    None => d.help(t!("rules.f002.roles_are", roles = ROLES.join(", "))),
                };
                out.push(d);
            }
        }
        if let Some(g) = &p.group
            && !GROUPS.contains(&g.as_str())
        {
            out.push(
                Diagnostic::new(
                    &F002,
                    repo.at("team.toml", &["people", &idx, "group"]),
                    t!("rules.f002.not_group", group = g),
                )
                .help(t!("rules.f002.groups_are", groups = GROUPS.join(", "))),
            );
        }
        for (j, k) in p.keys.iter().enumerate() {
            let j = j.to_string();
            let at = || repo.at("team.toml", &["people", &idx, "keys", &j]);
            let ssh_at = || repo.at("team.toml", &["people", &idx, "keys", &j, "ssh"]);
            if let Some(line) = k.ssh()
                && ssh_key::PublicKey::from_openssh(line.trim()).is_err()
            {
                out.push(
                    Diagnostic::new(&F002, ssh_at(), t!("rules.f002.bad_ssh", id = p.id))
                        .help(t!("rules.f002.bad_ssh_help")),
                );
                continue;
            }
            if let crate::model::PublicKey::OpenPgp(f) = &k.public
                && let fpr = crate::approvals::normalize_pgp(f)
                && !(matches!(fpr.len(), 40 | 64) && fpr.bytes().all(|b| b.is_ascii_hexdigit()))
            {
                out.push(
                    Diagnostic::new(&F002, at(), t!("rules.f002.bad_pgp", id = p.id, key = f))
                        .help(t!("rules.f002.bad_pgp_help")),
                );
                continue;
            }
            if k.ssh().is_some_and(crate::git::ssh_key_is_weak) {
                out.push(
                    Diagnostic::new(&F002, ssh_at(), t!("rules.f002.weak_key", id = p.id))
                        .help(t!("rules.f002.weak_key_help")),
                );
            }
        }
    }
}

fn check_dates(ctx: &View, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    let categories: Vec<&str> = ctx
        .policy
        .budget
        .categories
        .iter()
        .map(String::as_str)
        .collect();
    for (dir, c) in repo.campaigns() {
        let v = &c.value;
        if v.end < v.start {
            out.push(
                Diagnostic::new(
                    &F002,
                    repo.at(&c.path, &["end"]),
                    t!("rules.f002.end_before_start", end = v.end, start = v.start),
                )
                .help(t!("rules.f002.end_before_start_help")),
            );
        }
        for (i, ph) in v.phases.iter().enumerate() {
            if ph.end < ph.start {
                out.push(Diagnostic::new(
                    &F002,
                    repo.at(&c.path, &["phases", &i.to_string(), "end"]),
                    t!(
                        "rules.f002.phase_dates",
                        phase = ph.name,
                        end = ph.end,
                        start = ph.start
                    ),
                ));
            }
        }
        for key in v.budget.allocation.keys() {
            if key != "reserve" && !categories.contains(&key.as_str()) {
                let d = Diagnostic::new(
                    &F002,
                    repo.at(&c.path, &["budget", "allocation", key]),
                    t!("rules.f002.not_category", category = key),
                );
                out.push(
                    match near(
                        Vocab::Category,
                        key,
                        categories.iter().copied().chain(["reserve"]),
                    ) {
                        Some(s) => d.help(t!("rules.did_you_mean", name = s)),
                        None => d.help(t!(
                            "rules.f002.categories_policy",
                            categories = categories.join(", ")
                        )),
                    },
                );
            }
        }
        if let Some(r) = &dir.results {
            for (i, s) in r.value.spend.iter().enumerate() {
                if s.category != "reserve" && !categories.contains(&s.category.as_str()) {
                    let d = Diagnostic::new(
                        &F002,
                        repo.at(&r.path, &["spend", &i.to_string(), "category"]),
                        t!("rules.f002.not_category", category = s.category),
                    );
                    let all = categories.iter().copied().chain(["reserve"]);
                    out.push(match near(Vocab::Category, &s.category, all) {
                        Some(n) => d.help(t!("rules.did_you_mean", name = n)),
                        None => d.help(t!(
                            "rules.f002.categories_are",
                            categories = categories.join(", ")
                        )),
                    });
                }
            }
        }
    }
    for m in ctx
        .repo
        .campaigns
        .values()
        .flat_map(|d| d.minutes.iter())
        .chain(repo.dept_minutes.iter())
    {
        if !ctx.policy.naming.minutes_kinds.contains(&m.value.kind) {
            let d = Diagnostic::new(
                &F002,
                repo.at(&m.path, &["kind"]),
                t!("rules.f002.not_kind", kind = m.value.kind),
            );
            let kinds = ctx.policy.naming.minutes_kinds.iter().map(String::as_str);
            out.push(match near(Vocab::MeetingKind, &m.value.kind, kinds) {
                Some(s) => d.help(t!("rules.did_you_mean", name = s)),
                None => d.help(t!(
                    "rules.f002.kinds_are",
                    kinds = ctx.policy.naming.minutes_kinds.join(", ")
                )),
            });
        }
    }
}

/// `owner `zhao.lei` is not in team.toml`: one sentence per kind of person.
fn unknown_person(what: &str, id: &str) -> String {
    match what {
        "owner" => t!("rules.f004.unknown_owner", id = id),
        "phase_owner" => t!("rules.f004.unknown_phase_owner", id = id),
        "requester" => t!("rules.f004.unknown_requester", id = id),
        "approver" => t!("rules.f004.unknown_approver", id = id),
        "attendee" => t!("rules.f004.unknown_attendee", id = id),
        "chair" => t!("rules.f004.unknown_chair", id = id),
        _ => t!("rules.f004.unknown_decision_owner", id = id),
    }
    .into_owned()
}

fn check_references(ctx: &View, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    if !repo.has_team {
        return; // team.toml itself is reported; every name would be unknown
    }
    let people: Vec<&str> = repo.team.people.iter().map(|p| p.id.as_str()).collect();
    // `what` names the message: `rules.f004.unknown_<what>`.
    let person = |file: &str, path: &[&str], id: &str, what: &str, out: &mut Vec<Diagnostic>| {
        if id.is_empty() || people.contains(&id) {
            return;
        }
        let d = Diagnostic::new(&F004, repo.at(file, path), unknown_person(what, id));
        // Records hold ids: a person named by name is told which id to
        // write (`owner = "zhao.lei"`, or which entry of a list).
        let (key, in_list) = match path {
            [.., list, i] if i.bytes().all(|b| b.is_ascii_digit()) => (*list, true),
            _ => (path.last().copied().unwrap_or("owner"), false),
        };
        match repo.team.find(id) {
            Ok(p) if in_list => {
                out.push(d.help(t!(
                    "suggest.write_the_id_in",
                    key = key,
                    id = p.id,
                    name = id
                )));
                return;
            }
            Ok(p) => {
                out.push(d.help(t!("input.write_the_id", key = key, id = p.id, name = id)));
                return;
            }
            Err(crate::model::Lookup::Ambiguous(ids)) => {
                let candidates: Vec<String> = ids
                    .iter()
                    .filter_map(|i| repo.team.person(i))
                    .map(|p| p.label())
                    .collect();
                out.push(d.help(t!(
                    "suggest.record_name_ambiguous",
                    name = id,
                    key = key,
                    candidates = candidates.join(&t!("suggest.candidate_sep"))
                )));
                return;
            }
            Err(crate::model::Lookup::Unknown) => {}
        }
        out.push(match suggest(id, people.iter().copied()) {
            Some(s) => d.help(t!("rules.did_you_mean", name = s)),
            None => match repo.team.closest(id) {
                Some(p) => d.help(t!("suggest.did_you_mean_person", id = p.id, name = p.name)),
                None => d.help(t!("rules.f004.add_person")),
            },
        });
    };
    for (dir, c) in repo.campaigns() {
        let v = &c.value;
        person(&c.path, &["owner"], &v.owner, "owner", out);
        for (i, ph) in v.phases.iter().enumerate() {
            person(
                &c.path,
                &["phases", &i.to_string(), "owner"],
                &ph.owner,
                "phase_owner",
                out,
            );
        }
        if let Some(s) = v.supersedes()
            && repo.campaign(s).is_none()
        {
            out.push(
                Diagnostic::new(
                    &F004,
                    repo.at(&c.path, &["supersedes"]),
                    t!("rules.f004.no_superseded", id = s),
                )
                .help(t!("rules.f004.no_superseded_help")),
            );
        }
        for p in &dir.purchases {
            person(
                &p.path,
                &["requested_by"],
                &p.value.requested_by,
                "requester",
                out,
            );
        }
        for a in &dir.approvals {
            person(&a.path, &["approver"], &a.value.approver, "approver", out);
            if let Some(b) = &a.value.on_behalf_of {
                person(&a.path, &["on_behalf_of"], b, "approver", out);
            }
        }
    }
    for m in repo
        .campaigns
        .values()
        .flat_map(|d| d.minutes.iter())
        .chain(repo.dept_minutes.iter())
    {
        for (i, a) in m.value.attendees.iter().enumerate() {
            person(&m.path, &["attendees", &i.to_string()], a, "attendee", out);
        }
        if let Some(chair) = &m.value.chair {
            person(&m.path, &["chair"], chair, "chair", out);
        }
        for (i, d) in m.value.decisions.iter().enumerate() {
            if let Some(o) = &d.owner {
                person(
                    &m.path,
                    &["decisions", &i.to_string(), "owner"],
                    o,
                    "decision_owner",
                    out,
                );
            }
        }
    }
    for inc in &repo.incidents {
        person(&inc.path, &["owner"], &inc.value.owner, "owner", out);
        if let Some(c) = inc.value.campaign.as_deref()
            && repo.campaign(c).is_none()
        {
            out.push(Diagnostic::new(
                &F004,
                repo.at(&inc.path, &["campaign"]),
                t!("rules.f004.no_campaign", id = c),
            ));
        }
    }
}
