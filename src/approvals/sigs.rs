//! Every signature a verification needs, checked in one batch: commit
//! objects read once, SSH signatures verified in-process on all cores,
//! OpenPGP signatures through gpg with results cached by commit id.

use std::collections::HashMap;

use git2::Oid;
use rayon::prelude::*;

use crate::git::{GpgVerifier, RawCommit, SignerKey, verify_ssh};

#[derive(Debug, Clone)]
pub enum SigOutcome {
    /// No `gpgsig` header.
    Unsigned,
    /// A signature that is not good, and why.
    Bad(String),
    Good(SignerKey),
}

/// Checks the signatures of `commits`; the raw commits are returned too
/// (their messages identify rebased approvals).
pub fn check(
    repo: &git2::Repository,
    commits: &[Oid],
) -> (HashMap<Oid, SigOutcome>, HashMap<Oid, RawCommit>) {
    let raws: Vec<(Oid, Result<RawCommit, String>)> = commits
        .iter()
        .map(|&oid| {
            (
                oid,
                RawCommit::read(repo, oid).map_err(|e| e.message().to_string()),
            )
        })
        .collect();
    let mut out: HashMap<Oid, SigOutcome> = raws
        .par_iter()
        .filter_map(|(oid, raw)| {
            let outcome = match raw {
                Err(e) => SigOutcome::Bad(format!("cannot read the commit: {e}")),
                Ok(raw) => match raw.signatures.as_slice() {
                    [] => SigOutcome::Unsigned,
                    [sig] if sig.contains("BEGIN SSH SIGNATURE") => {
                        match verify_ssh(sig, &raw.payload) {
                            Ok(key) => SigOutcome::Good(SignerKey::Ssh(key)),
                            Err(e) => SigOutcome::Bad(e),
                        }
                    }
                    [sig] if sig.contains("BEGIN PGP SIGNATURE") => return None, // gpg, below
                    [_] => SigOutcome::Bad("the signature is neither SSH nor OpenPGP".into()),
                    _ => {
                        SigOutcome::Bad("the commit carries more than one signature header".into())
                    }
                },
            };
            Some((*oid, outcome))
        })
        .collect();
    let mut gpg: Option<GpgVerifier> = None;
    for (oid, raw) in &raws {
        if out.contains_key(oid) {
            continue;
        }
        let Ok(raw) = raw else { continue };
        let verifier = gpg.get_or_insert_with(|| GpgVerifier::new(repo));
        let outcome = match verifier.verify(&oid.to_string(), &raw.signatures[0], &raw.payload) {
            Ok(fpr) => SigOutcome::Good(SignerKey::OpenPgp(fpr)),
            Err(e) => SigOutcome::Bad(e),
        };
        out.insert(*oid, outcome);
    }
    let raws = raws
        .into_iter()
        .filter_map(|(oid, r)| r.ok().map(|r| (oid, r)))
        .collect();
    (out, raws)
}
