//! The one test environment: a process a test starts sees only what
//! `common::clean_env` sets, whatever the developer's shell holds.

use crate::common::*;

#[test]
fn a_started_process_sees_only_the_test_environment() {
    let home = tempfile::tempdir().unwrap();
    let out = tool(home.path(), "env").output().unwrap();
    assert!(out.status.success());
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.to_string()))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "GIT_CONFIG_GLOBAL",
            "GIT_CONFIG_NOSYSTEM",
            "GNUPGHOME",
            "HOME",
            "LANG",
            "NO_COLOR",
            "PATH",
            "TZ",
            "XDG_CONFIG_HOME",
        ]
    );
}
