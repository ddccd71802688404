//! `mkt status --format ics`: every deadline as an all-day event of one
//! iCalendar feed (RFC 5545), for Outlook, 飞书日历, 企业微信日历. Each
//! event's UID comes from what the item is (its kind, subject and what
//! has to happen), never from the time of the run, so importing the feed
//! again updates the events instead of adding them twice.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use icalendar::{Calendar, Component, Event, EventLike};
use rust_i18n::t;
use sha2::{Digest, Sha256};

use super::notify::message::{name, who};
use crate::ops::status::{DueItem, Status};
use crate::repo::Repo;

/// The feed; `stamp` is the moment it describes (DTSTAMP).
pub fn calendar(repo: &Repo, s: &Status, stamp: DateTime<FixedOffset>) -> String {
    let title = match s.person.as_deref() {
        Some(p) => t!("cli.ics.name_person", name = name(repo, p)),
        None => t!("cli.ics.name"),
    };
    let mut cal = Calendar::empty();
    cal.append_property(("VERSION", "2.0"))
        .append_property(("PRODID", "-//mkt//mkt status//EN"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", "PUBLISH"))
        .name(&title);
    for i in &s.items {
        cal.push(event(repo, i, stamp.with_timezone(&Utc)));
    }
    cal.done().to_string()
}

/// `mkt-<32 hex>@mkt`, from the item's key.
pub fn uid(i: &DueItem) -> String {
    let hash = Sha256::digest(i.key().as_bytes());
    let hex: String = hash[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}@mkt")
}

fn event(repo: &Repo, i: &DueItem, stamp: DateTime<Utc>) -> Event {
    let summary = t!(
        "cli.ics.summary",
        kind = i.kind.label(),
        subject = i.subject,
        what = i.what_shown
    );
    let description = t!(
        "cli.ics.description",
        who = who(repo, i.owner.as_deref(), i.role.as_deref(), &i.people),
        file = i.file,
        due = i.due
    );
    Event::new()
        .uid(&uid(i))
        .timestamp(stamp)
        .summary(&summary)
        .description(&description)
        .starts(i.from.unwrap_or(i.due))
        .ends(i.due + Duration::days(1))
        .add_property("CATEGORIES", i.kind.key())
        .done()
}
