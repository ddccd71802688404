//! The minutes template (D009): 议题, attendees and 决议 are filled in.

use rust_i18n::t;

use super::{View, declare_rule};
use crate::diag::Diagnostic;
use crate::model::Minutes;
use crate::repo::Record;

declare_rule! {
    /// ## What it checks
    /// Minutes follow the department template: at least one agenda item
    /// (`[[agenda]]`, 议题), every topic written, the attendees listed, and
    /// every decision (`[[decisions]]`, 决议) with its text. (A decision's
    /// owner and due date are D006.)
    ///
    /// ## Why
    /// 制度 三(二)：会议纪要需在会后 X 小时内完成整理，统一模板包含议题、决议及责任人.
    /// Minutes without a topic, without who was there or with an empty
    /// decision record nothing anyone can act on or audit.
    ///
    /// ## Example
    /// ```toml
    /// kind = "weekly"
    /// title = "部门周会"
    /// held_at = 2026-03-09T10:00:00+08:00
    /// attendees = []
    /// [[decisions]]
    /// text = ""
    /// ```
    ///
    /// ## Fix
    /// ```toml
    /// attendees = ["li.na", "zhao.lei"]
    /// [[agenda]]
    /// topic = "本周投放复盘"
    /// [[decisions]]
    /// text = "抖音预算追加 5000 元"
    /// owner = "zhao.lei"
    /// due = 2026-03-13
    /// ```
    D009, "minutes-incomplete", Error, "minutes without agenda, topic, attendees or decision text"
}

pub fn check(ctx: &View, out: &mut Vec<Diagnostic>) {
    let all = ctx
        .repo
        .campaigns
        .values()
        .flat_map(|d| d.minutes.iter())
        .chain(ctx.repo.dept_minutes.iter());
    for m in all {
        template(ctx, m, out);
    }
}

fn template(ctx: &View, m: &Record<Minutes>, out: &mut Vec<Diagnostic>) {
    let repo = ctx.repo;
    let v = &m.value;
    let mut push = |path: &[&str], message: String| {
        out.push(
            Diagnostic::new(&D009, repo.at(&m.path, path), message).help(t!("rules16.d009.help")),
        );
    };
    if v.agenda.is_empty() {
        push(&["title"], t!("rules16.d009.no_agenda").into_owned());
    }
    for (i, a) in v.agenda.iter().enumerate() {
        if a.topic.trim().is_empty() {
            let n = i.to_string();
            push(
                &["agenda", &n, "topic"],
                t!("rules16.d009.empty_topic", n = i + 1).into_owned(),
            );
        }
    }
    if v.attendees.iter().all(|a| a.trim().is_empty()) {
        let at: &[&str] = if repo.at(&m.path, &["attendees"]).span.is_some() {
            &["attendees"]
        } else {
            &["title"]
        };
        push(at, t!("rules16.d009.no_attendees").into_owned());
    }
    for (i, d) in v.decisions.iter().enumerate() {
        if d.text.trim().is_empty() {
            let n = i.to_string();
            push(
                &["decisions", &n, "text"],
                t!("rules16.d009.empty_decision", n = i + 1).into_owned(),
            );
        }
    }
}
