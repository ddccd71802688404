//! One home per calculation (the view issue): the reserve range has one
//! rounding, and every date is the day of an instant in the policy's time zone
//! — whatever offset the writer of a file or the committer used. (Roles from
//! the signed roster: `authoring::who_approves_a_new_plan_…`.)

use crate::common::*;
use serde_json::Value;

const ID: &str = "春季促销-2026-03V1";

fn msg(f: &Value) -> &str {
    f["message"].as_str().unwrap_or("")
}

/// Sets the allocation of the campaign at `plan` to these fen amounts.
fn set_allocation(t: &TestRepo, plan: &str, total_fen: i64, alloc: &[(&str, i64)]) {
    let yuan = |fen: i64| format!("\"{}.{:02}\"", fen / 100, fen % 100);
    let text = t.read(plan);
    let head = text.split("[budget]").next().unwrap().to_string();
    let mut s = format!(
        "{head}[budget]\ntotal = {}\n\n[budget.allocation]\n",
        yuan(total_fen)
    );
    for (k, v) in alloc {
        s.push_str(&format!("{k} = {}\n", yuan(*v)));
    }
    t.write(plan, &s);
}

#[test]
fn the_reserve_b002_suggests_is_one_b002_accepts() {
    let t = TestRepo::with_team();
    let plan = t.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    // 80,000.01 yuan: 10 % is 8,000.001, so the least reserve is 8,000.01.
    let total = 8_000_001;
    set_allocation(
        &t,
        &plan,
        total,
        &[
            ("channel", total - 2_500_000 - 2_000_000),
            ("content", 1_500_000),
            ("event", 1_000_000),
            ("reserve", 2_000_000),
        ],
    );
    let json = t.lint_json("2026-02-01");
    let b002 = findings(&json, "B002");
    assert_eq!(b002.len(), 1, "{json:#}");
    let help = b002[0]["help"].as_str().unwrap();
    let range = help
        .split("between ")
        .nth(1)
        .unwrap_or_else(|| panic!("no range in {help}"));
    let mut ends = range.split(" and ");
    let parse = |s: &str| -> i64 {
        let s = s.trim();
        let (y, f) = s.split_once('.').unwrap_or((s, "0"));
        y.parse::<i64>().unwrap() * 100 + format!("{f:0<2}").parse::<i64>().unwrap()
    };
    let min = parse(ends.next().unwrap());
    let max = parse(ends.next().unwrap());
    assert_eq!(
        min, 800_001,
        "the least reserve rounds up to the fen: {help}"
    );
    assert_eq!(max, 1_200_000, "the largest rounds down: {help}");
    for reserve in [min, max] {
        set_allocation(
            &t,
            &plan,
            total,
            &[
                ("channel", total - 2_500_000 - reserve),
                ("content", 1_500_000),
                ("event", 1_000_000),
                ("reserve", reserve),
            ],
        );
        let json = t.lint_json("2026-02-01");
        assert_no(&json, "B002");
        assert_no(&json, "B001");
    }
}

#[test]
fn a_late_emergency_approval_is_late_in_the_policy_zone_not_the_committers() {
    let t = TestRepo::with_team();
    let id = "舆情应对-2026-05V1";
    let plan = t.write_standard_campaign(id, "2026-05-02", "2026-05-20");
    t.replace(&plan, "emergency = false", "emergency = true");
    t.commit_all("plan", "2026-04-20T10:00:00+08:00");
    t.approve("wang.fang", id, "2026-05-02T12:00:00+08:00");
    t.approve("sun.li", id, "2026-05-03T09:00:00+08:00");
    // 20:00 in California on the 5th is noon on the 6th in Beijing: one
    // day after the three days the policy gives.
    let late = t.approve("zhang.wei", id, "2026-05-05T20:00:00-08:00");
    let json = t.lint_json("2026-05-20");
    let a006 = findings(&json, "A006");
    assert_eq!(a006.len(), 1, "{json:#}");
    assert_eq!(a006[0]["file"], late.as_str(), "{json:#}");
    assert!(msg(&a006[0]).contains("on 2026-05-06"), "{json:#}");
}

#[test]
fn a_late_closing_sign_off_names_its_day_in_the_policy_zone() {
    let t = TestRepo::with_team();
    t.write_standard_campaign(ID, "2026-03-01", "2026-03-31");
    t.commit_all("plan", "2026-02-10T10:00:00+08:00");
    let closing = t.add_minutes(Some(ID), "closing", "2026-04-03T10:00:00+08:00");
    // Closing due 15 days after the end: 2026-04-15. Signed off at 20:00 on
    // the 15th in California: the 16th in Beijing, a day late.
    t.sign_off("wang.fang", &closing, "2026-04-15T20:00:00-08:00");
    let json = t.lint_json("2026-04-30");
    let d003: Vec<Value> = findings(&json, "D003")
        .into_iter()
        .filter(|f| f["file"] == closing.as_str())
        .collect();
    assert_eq!(d003.len(), 1, "{json:#}");
    // Late but done: a warning that says how late.
    assert!(
        msg(&d003[0]).contains("signed off on 2026-04-16, 1 day late (due by 2026-04-15)"),
        "{json:#}"
    );
    assert_eq!(d003[0]["severity"], "warning", "{json:#}");
}

fn weekly_held(report: &Value) -> u64 {
    report["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "weekly")
        .map(|m| m["held"].as_u64().unwrap_or(0))
        .sum()
}

#[test]
fn a_meeting_belongs_to_the_quarter_of_its_day_in_the_policy_zone() {
    let t = TestRepo::with_team();
    // 20:00 on 31 March in New York is 09:00 on 1 April in Beijing: Q2.
    t.add_minutes(None, "weekly", "2026-03-31T20:00:00-05:00");
    let report = |q: &str| -> Value {
        let out = t
            .mkt([
                "report",
                "--quarter",
                q,
                "--format",
                "json",
                "--today",
                "2026-06-30",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let (q1, q2) = (report("2026Q1"), report("2026Q2"));
    assert_eq!(weekly_held(&q1), 0, "{:#}", q1["meetings"]);
    assert_eq!(weekly_held(&q2), 1, "{:#}", q2["meetings"]);
}
