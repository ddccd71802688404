//! The history cache never changes a verdict (issue 10, invariant 8): after
//! merges in either parent order, a run that reuses `.git/mkt/` gives
//! exactly what a run without it gives, and no run panics.

use std::process::Output;

use proptest::prelude::*;

use crate::approvals::Dept;

const ID: &str = "春季促销-2026-03V1";
const TODAY: &str = "2026-03-20";

/// What a person sees from `verify` and `lint`, as JSON, with exit codes.
fn runs(d: &Dept) -> Vec<(Option<i32>, String)> {
    runs_with(d, &[])
}

/// `runs`, with `first` (global options) before each command.
fn runs_with(d: &Dept, first: &[&str]) -> Vec<(Option<i32>, String)> {
    [
        vec!["verify", "--format", "json"],
        vec!["lint", "--format", "json", "--today", TODAY],
    ]
    .iter()
    .map(|cmd| {
        let args: Vec<&str> = first.iter().chain(cmd).copied().collect();
        let out: Output = d.mkt(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!err.contains("panicked"), "mkt {args:?}: {err}");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "mkt {args:?}: {err}"
        );
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    })
    .collect()
}

/// Runs warm (the cache as earlier runs left it) and then cold (no cache):
/// the two must be identical.
fn assert_warm_is_cold(d: &Dept) {
    let warm = runs(d);
    let again = runs(d);
    assert_eq!(warm, again, "a second warm run differs");
    std::fs::remove_dir_all(d.git_dir().join("mkt")).unwrap();
    let cold = runs(d);
    assert_same(&warm, &cold);
}

fn assert_same(warm: &[(Option<i32>, String)], cold: &[(Option<i32>, String)]) {
    for (w, c) in warm.iter().zip(cold) {
        assert_eq!(w.0, c.0, "exit codes differ:\nwarm {}\ncold {}", w.1, c.1);
        assert_eq!(w.1, c.1, "warm and cold runs differ");
    }
}

#[test]
fn an_ordinary_merge_at_head_neither_panics_nor_changes_a_verdict() {
    let d = Dept::new();
    d.add_campaign(ID, "2026-03-01", "li.na", 80000, false);
    // Two commits on each side: the stored order's last commits interleave.
    d.git(&["checkout", "-q", "-b", "side"]);
    for n in 0..2 {
        d.write(&format!("notes/side-{n}.md"), "side\n");
        d.commit_all("side work", &format!("2026-02-11T1{n}:00:00+08:00"));
    }
    d.git(&["checkout", "-q", "main"]);
    for n in 0..2 {
        d.write(&format!("notes/main-{n}.md"), "main\n");
        d.commit_all("main work", &format!("2026-02-11T1{}:00:00+08:00", n + 2));
    }
    runs(&d); // the cache now holds main's history
    d.git_at(
        "2026-02-12T10:00:00+08:00",
        &["merge", "-q", "--no-ff", "-m", "merge side", "side"],
    );
    runs(&d); // the merge is HEAD: stored with it
    runs(&d); // and read back
    d.write("notes/c.md", "after\n");
    d.commit_all("after the merge", "2026-02-13T10:00:00+08:00");
    assert_warm_is_cold(&d);
}

fn cache_file(d: &Dept) -> std::path::PathBuf {
    d.git_dir().join("mkt/history-cache")
}

/// A department with some history: approvals, minutes-free notes, a
/// roster change, each its own commit.
fn dept_with_history() -> Dept {
    let d = Dept::new();
    d.add_campaign(ID, "2026-03-01", "li.na", 80000, false);
    let plan = format!("campaigns/{ID}/campaign.toml");
    for (n, (stage, person)) in STAGES.iter().enumerate() {
        let at = format!("2026-02-1{n}T10:00:00+08:00");
        let file = format!("campaigns/{ID}/approvals/{n:02}-{stage}-{person}.toml");
        d.forge(&file, &plan, stage, person, Some(person), &at);
        d.write(&format!("notes/{n}.md"), "笔记\n");
        d.commit_all("notes", &format!("2026-02-1{n}T11:00:00+08:00"));
    }
    d
}

#[test]
fn a_cache_cut_short_mid_record_gives_the_findings_of_no_cache() {
    let d = dept_with_history();
    let fresh = runs_with(&d, &["--no-cache"]);
    let whole = std::fs::read(cache_file(&d)).unwrap();
    let text = String::from_utf8(whole.clone()).unwrap();
    assert!(text.starts_with("mkt-history 2 "), "{text}");
    // Where each record starts, and a cut inside a commit line and inside
    // a path line of the last records.
    let starts: Vec<usize> = text.match_indices("\nC\t").map(|(i, _)| i + 1).collect();
    let path_line = text.rfind("\nP\t").expect("a record with a changed file") + 1;
    assert!(starts.len() >= 8, "{text}");
    for cut in [
        starts[starts.len() - 1] + 30,
        path_line + 20,
        path_line,
        starts[starts.len() - 3] + 45,
    ] {
        std::fs::write(cache_file(&d), &whole[..cut]).unwrap();
        let warm = runs(&d);
        assert_same(&warm, &fresh);
        // The records before the one cut short are kept, the rest read
        // again and appended, in the same order: the file is as it was.
        let after = std::fs::read(cache_file(&d)).unwrap();
        assert_eq!(after, whole, "cut at {cut}");
    }
    // Garbage in the middle: never trusted, the file written again.
    let mut bad = whole.clone();
    bad[starts[2]] = b'X';
    std::fs::write(cache_file(&d), &bad).unwrap();
    assert_same(&runs(&d), &fresh);
    assert_eq!(std::fs::read(cache_file(&d)).unwrap(), whole);
}

#[test]
fn a_run_after_one_new_commit_appends_to_the_cache() {
    let d = dept_with_history();
    runs(&d);
    let before = std::fs::read(cache_file(&d)).unwrap();
    d.write("notes/later.md", "之后\n");
    d.commit_all("later", "2026-02-20T10:00:00+08:00");
    let warm = runs(&d);
    let after = std::fs::read(cache_file(&d)).unwrap();
    assert!(after.len() > before.len());
    assert_eq!(&after[..before.len()], &before[..], "older bytes changed");
    let added = String::from_utf8_lossy(&after[before.len()..]).into_owned();
    assert_eq!(added.matches("C\t").count(), 1, "{added}");
    assert!(added.contains(&d.head()), "{added}");
    // A run with nothing new leaves the file as it is.
    runs(&d);
    assert_eq!(std::fs::read(cache_file(&d)).unwrap(), after);
    assert_same(&warm, &runs_with(&d, &["--no-cache"]));
}

/// One step of a generated history.
#[derive(Debug, Clone)]
enum Step {
    /// Check out branch `0..3` (made at the current commit if new).
    Checkout(usize),
    /// Add or drop an extra person in team.toml, signed by the admin, by
    /// someone who is not one, or unsigned.
    Roster { extra: usize, signer: usize },
    /// An approval of a chain stage (director, supervisor, department head,
    /// finance)
    /// by its holder, signed by them or by nobody.
    Approve { stage: usize, signed: bool },
    /// Merge branch `0..3` into the current one, keeping ours or theirs on
    /// a conflict.
    Merge { other: usize, theirs: bool },
    /// Toggle the supervisor's limit in policy.toml, signed like `Roster`.
    Policy { signer: usize },
    /// A run that leaves the cache at this tip.
    Run,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..3usize).prop_map(Step::Checkout),
        (0..2usize, 0..3usize).prop_map(|(extra, signer)| Step::Roster { extra, signer }),
        (0..4usize, any::<bool>()).prop_map(|(stage, signed)| Step::Approve { stage, signed }),
        (0..3usize, any::<bool>()).prop_map(|(other, theirs)| Step::Merge { other, theirs }),
        (0..3usize).prop_map(|signer| Step::Policy { signer }),
        Just(Step::Run),
    ]
}

const BRANCHES: [&str; 3] = ["main", "b1", "b2"];
const STAGES: [(&str, &str); 4] = [
    ("director", "wang.fang"),
    ("supervisor", "li.na"),
    ("department_head", "zhang.wei"),
    ("finance", "chen.jing"),
];
const SIGNERS: [Option<&str>; 3] = [Some("zhang.wei"), Some("wang.fang"), None];

fn play(d: &Dept, steps: &[Step]) {
    let base_team = d.read("team.toml");
    let extras = [
        format!(
            "\n[[people]]\nid = \"mallory\"\nname = \"马洛\"\nemail = \"mallory@example.com\"\nroles = [\"admin\", \"director\"]\n\n[[people.keys]]\nssh = \"{}\"\n",
            d.ssh_pub("mallory")
        ),
        "\n[[people]]\nid = \"zhou.min\"\nname = \"周敏\"\nemail = \"zhou.min@example.com\"\nroles = [\"finance\"]\n".to_string(),
    ];
    let plan = format!("campaigns/{ID}/campaign.toml");
    let mut current = 0;
    let mut made = [true, false, false];
    for (n, step) in steps.iter().enumerate() {
        let at = format!("2026-02-{:02}T{:02}:00:00+08:00", 11 + n / 20, n % 20);
        match *step {
            Step::Checkout(b) => {
                if made[b] {
                    d.git(&["checkout", "-q", BRANCHES[b]]);
                } else {
                    d.git(&["checkout", "-q", "-b", BRANCHES[b]]);
                    made[b] = true;
                }
                current = b;
            }
            Step::Roster { extra, signer } => {
                let team = d.read("team.toml");
                let text = if team.contains(&extras[extra]) {
                    team.replace(&extras[extra], "")
                } else {
                    format!("{team}{}", extras[extra])
                };
                let text = if text.trim().is_empty() {
                    base_team.clone()
                } else {
                    text
                };
                d.write("team.toml", &text);
                d.git(&["add", "team.toml"]);
                match SIGNERS[signer] {
                    Some(p) => d.commit_signed(p, &format!("team: step {n}"), &at),
                    None => d.commit_all(&format!("team: step {n}"), &at),
                }
            }
            Step::Approve { stage, signed } => {
                let (stage, person) = STAGES[stage];
                let file = format!("campaigns/{ID}/approvals/{n:02}-{stage}-{person}.toml");
                d.forge(&file, &plan, stage, person, signed.then_some(person), &at);
            }
            Step::Merge { other, theirs } => {
                if other == current || !made[other] {
                    continue;
                }
                let x = if theirs { "theirs" } else { "ours" };
                d.git_at(
                    &at,
                    &[
                        "merge",
                        "-q",
                        "--no-ff",
                        "-X",
                        x,
                        "-m",
                        &format!("merge {}", BRANCHES[other]),
                        BRANCHES[other],
                    ],
                );
            }
            Step::Policy { signer } => {
                let policy = d.read("policy.toml");
                let text = if policy.contains("up_to = 50000") {
                    policy.replace("up_to = 50000", "up_to = 90000")
                } else {
                    policy.replace("up_to = 90000", "up_to = 50000")
                };
                d.write("policy.toml", &text);
                d.git(&["add", "policy.toml"]);
                match SIGNERS[signer] {
                    Some(p) => d.commit_signed(p, &format!("policy: step {n}"), &at),
                    None => d.commit_all(&format!("policy: step {n}"), &at),
                }
            }
            Step::Run => {
                runs(d);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 12,
        max_shrink_iters: 20,
        ..ProptestConfig::default()
    })]

    #[test]
    fn warm_and_cold_runs_agree_on_generated_histories_with_merges(
        steps in proptest::collection::vec(step(), 4..18)
    ) {
        let d = Dept::new();
        d.keygen("mallory");
        d.add_campaign(ID, "2026-03-01", "li.na", 80000, false);
        play(&d, &steps);
        assert_warm_is_cold(&d);
    }
}
