//! `mkt team`: the roster for other tools.

use crate::repo::Repo;

/// team.toml's SSH keys as a git allowed_signers file: one line per key,
/// with its validity as git's `valid-after` / `valid-before`.
pub fn allowed_signers(repo: &Repo) -> String {
    let mut out = String::new();
    for p in &repo.team.people {
        let principal = if p.email.is_empty() { &p.id } else { &p.email };
        for k in &p.keys {
            let Some(ssh) = k.ssh() else { continue };
            let mut opts = vec!["namespaces=\"git\"".to_string()];
            if let Some(f) = k.valid_from {
                opts.push(format!("valid-after=\"{}\"", f.0.format("%Y%m%d")));
            }
            if let Some(u) = k.valid_until {
                opts.push(format!("valid-before=\"{}\"", u.0.format("%Y%m%d")));
            }
            out.push_str(&format!("{principal} {} {}\n", opts.join(","), ssh.trim()));
        }
    }
    out
}
