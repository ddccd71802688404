//! The words of a notice, in the language spoken when called (the
//! department's: `i18n::for_others`): a title, plain text, and markdown
//! for the robots that show it.

use chrono::NaiveDate;
use rust_i18n::t;

use crate::cli::status::days_text;
use crate::ops::notify::{Event, EventKind, Notice};
use crate::ops::status::DueItem;
use crate::repo::Repo;
use crate::report::grid::role_label;

#[derive(Debug, Clone)]
pub struct Words {
    pub title: String,
    pub text: String,
    pub markdown: String,
}

/// One line: what leads it (bold in markdown when it matters) and the rest.
struct Line {
    lead: String,
    rest: String,
    urgent: bool,
}

/// A notice's words; with a limit (in bytes), the lines that do not fit
/// are left out and counted at the end.
pub fn words(repo: &Repo, today: NaiveDate, notice: &Notice, limit: Option<usize>) -> Words {
    let name = notice.person.as_deref().map(|p| name(repo, p));
    let group = notice.person.is_none();
    let (title, lines, footer) = if notice.events.is_empty() {
        let overdue = notice.items.iter().filter(|i| i.overdue()).count();
        let count = count(notice.items.len(), overdue);
        let title = match &name {
            Some(n) => t!(
                "notify.due.title_person",
                name = n,
                today = today,
                count = count
            ),
            None => t!("notify.due.title_group", today = today, count = count),
        };
        let lines = notice
            .items
            .iter()
            .map(|i| due_line(repo, i, group))
            .collect();
        let command = match &notice.person {
            Some(p) => format!("mkt status --person {p}"),
            None => "mkt status".to_string(),
        };
        (title, lines, t!("notify.footer", command = command))
    } else {
        let n = notice.events.len();
        let title = match &name {
            Some(nm) => t!("notify.event.title_person", name = nm, today = today, n = n),
            None => t!("notify.event.title_group", today = today, n = n),
        };
        let lines = notice
            .events
            .iter()
            .map(|e| event_line(repo, e, group))
            .collect();
        (title, lines, t!("notify.footer", command = "mkt status"))
    };
    fit(title.into_owned(), lines, footer.into_owned(), limit)
}

fn fit(title: String, mut lines: Vec<Line>, footer: String, limit: Option<usize>) -> Words {
    let mut dropped = 0;
    loop {
        let more = (dropped > 0).then(|| t!("notify.more", n = dropped).into_owned());
        let w = assemble(&title, &lines, more.as_deref(), &footer);
        let over = limit.is_some_and(|l| w.text.len().max(w.markdown.len()) > l);
        if !over || lines.is_empty() {
            return w;
        }
        lines.pop();
        dropped += 1;
    }
}

fn assemble(title: &str, lines: &[Line], more: Option<&str>, footer: &str) -> Words {
    let mut text = format!("{title}\n");
    let mut markdown = format!("**{title}**\n\n");
    for l in lines {
        let mark = if l.urgent { "⚠" } else { "·" };
        text.push_str(&format!("{mark} {} {}\n", l.lead, l.rest));
        if l.urgent {
            markdown.push_str(&format!("- **{}** {}\n", l.lead, l.rest));
        } else {
            markdown.push_str(&format!("- {} {}\n", l.lead, l.rest));
        }
    }
    if let Some(m) = more {
        text.push_str(&format!("{m}\n"));
        markdown.push_str(&format!("- {m}\n"));
    }
    text.push_str(footer);
    markdown.push_str(&format!("\n{footer}"));
    Words {
        title: title.to_string(),
        text,
        markdown,
    }
}

/// `3 items, 1 overdue` / `3 项，1 项逾期`.
fn count(n: usize, overdue: usize) -> String {
    match (n, overdue) {
        (1, 0) => t!("notify.count.one"),
        (n, 0) => t!("notify.count.many", n = n),
        (1, _) => t!("notify.count.one_overdue"),
        (n, o) => t!("notify.count.many_overdue", n = n, overdue = o),
    }
    .into_owned()
}

fn due_line(repo: &Repo, i: &DueItem, group: bool) -> Line {
    let lead = t!(
        "notify.due.lead",
        due = i.due,
        days = days_text(i.days_left)
    )
    .into_owned();
    let mut rest = t!(
        "notify.due.rest",
        kind = i.kind.label(),
        subject = i.subject,
        what = i.what_shown
    )
    .into_owned();
    if group {
        rest.push_str(&t!(
            "notify.who",
            who = who(repo, i.owner.as_deref(), i.role.as_deref(), &i.people)
        ));
    }
    Line {
        lead,
        rest,
        urgent: i.overdue(),
    }
}

fn event_line(repo: &Repo, e: &Event, group: bool) -> Line {
    let stage = role_label(&e.stage);
    let by = e.by.as_deref().map(|b| name(repo, b)).unwrap_or_default();
    let (lead, mut rest) = match e.kind {
        EventKind::Waiting => {
            let mut rest = t!(
                "notify.event.waiting",
                subject = e.subject,
                what = e.what_shown
            )
            .into_owned();
            if let Some(due) = e.due {
                rest.push_str(&t!("notify.event.due", due = due));
            }
            (t!("notify.event.waiting_lead"), rest)
        }
        EventKind::Approved => {
            let mut rest = t!(
                "notify.event.approved",
                subject = e.subject,
                what = e.what_shown,
                by = by,
                stage = stage
            )
            .into_owned();
            if e.complete {
                rest.push_str(&t!("notify.event.complete"));
            }
            (t!("notify.event.approved_lead"), rest)
        }
        EventKind::Rejected => {
            let mut rest = t!(
                "notify.event.rejected",
                subject = e.subject,
                what = e.what_shown,
                by = by,
                stage = stage
            )
            .into_owned();
            if !e.comment.is_empty() {
                rest.push_str(&t!("notify.event.comment", comment = e.comment));
            }
            (t!("notify.event.rejected_lead"), rest)
        }
    };
    if group {
        let role = (e.kind == EventKind::Waiting).then_some(e.stage.as_str());
        rest.push_str(&t!("notify.who", who = who(repo, None, role, &e.people)));
    }
    Line {
        lead: lead.into_owned(),
        rest,
        urgent: e.kind != EventKind::Approved,
    }
}

/// A person's name from the roster, else their id.
pub fn name(repo: &Repo, id: &str) -> String {
    repo.team
        .person(id)
        .map_or_else(|| id.to_string(), |p| p.name.clone())
}

/// Who must act, for the group: the owner, else everyone concerned, else
/// the role.
pub fn who(repo: &Repo, owner: Option<&str>, role: Option<&str>, people: &[String]) -> String {
    if let Some(o) = owner {
        return name(repo, o);
    }
    if !people.is_empty() {
        let names: Vec<String> = people.iter().map(|p| name(repo, p)).collect();
        return names.join(&t!("cli.list_sep"));
    }
    role.map(role_label).unwrap_or_else(|| "—".to_string())
}
