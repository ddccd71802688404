//! Every signature a verification needs, checked in one batch: commit
//! objects read and SSH signatures verified in-process on all cores (a good
//! verdict kept by commit id for exactly those bytes is reused), OpenPGP
//! signatures through gpg with results cached by commit id.

use rust_i18n::t;
use std::collections::HashMap;

use crate::git::Oid;
use rayon::prelude::*;

use crate::git::{GpgVerifier, RawCommit, SignerKey, SshVerdicts, verify_ssh_many};

/// Told how many more signatures are checked (a progress bar listens).
pub type Tick<'a> = dyn Fn(usize) + Sync + 'a;

#[derive(Debug, Clone)]
pub enum SigOutcome {
    /// No `gpgsig` header.
    Unsigned,
    /// A signature that is not good, and why.
    Bad(String),
    Good(SignerKey),
}

/// What one worker found for its commits: outcomes, the raw commits still
/// to be checked by gpg, and the SSH signatures it found good afresh.
type Found = (
    Vec<(Oid, SigOutcome)>,
    Vec<(Oid, RawCommit)>,
    Vec<(Oid, ssh_key::PublicKey)>,
);

/// Checks the signatures of `commits`; the raw commits are returned too
/// (their messages identify rebased approvals). `progress` hears how many
/// more commits are checked, from any thread.
pub fn check(
    repo: &crate::git::Repository,
    commits: &[Oid],
    progress: &Tick<'_>,
) -> (HashMap<Oid, SigOutcome>, HashMap<Oid, RawCommit>) {
    let path = crate::git::git_dir(repo);
    // Good SSH verdicts kept by commit id, for exactly the bytes checked.
    let kept = SshVerdicts::load(repo);
    // Each worker opens its own handle: git2 repositories are not shared
    // between threads.
    let found: Vec<Found> = commits
        .par_chunks(256)
        .map(|chunk| {
            let mut outcomes = Vec::with_capacity(chunk.len());
            let mut raws = Vec::with_capacity(chunk.len());
            let repo = match crate::git::open(&path) {
                Ok(r) => r,
                Err(e) => {
                    let why = t!("verdict.cannot_open", why = e.to_string()).into_owned();
                    return (
                        chunk
                            .iter()
                            .map(|o| (*o, SigOutcome::Bad(why.clone())))
                            .collect(),
                        raws,
                        Vec::new(),
                    );
                }
            };
            let mut ssh: Vec<usize> = Vec::new();
            for &oid in chunk {
                match RawCommit::read(&repo, oid) {
                    Err(e) => outcomes.push((
                        oid,
                        SigOutcome::Bad(
                            t!("verdict.cannot_read_commit", why = e.message()).into_owned(),
                        ),
                    )),
                    Ok(raw) => {
                        match raw.signatures.as_slice() {
                            [] => outcomes.push((oid, SigOutcome::Unsigned)),
                            [sig] if sig.contains("BEGIN SSH SIGNATURE") => {
                                match kept.lookup(oid, sig, &raw.payload) {
                                    Some(key) => {
                                        outcomes.push((oid, SigOutcome::Good(SignerKey::Ssh(key))))
                                    }
                                    None => ssh.push(raws.len()),
                                }
                            }
                            [sig] if sig.contains("BEGIN PGP SIGNATURE") => {} // gpg, below
                            [_] => outcomes.push((
                                oid,
                                SigOutcome::Bad("the signature is neither SSH nor OpenPGP".into()),
                            )),
                            _ => outcomes.push((
                                oid,
                                SigOutcome::Bad(
                                    "the commit carries more than one signature header".into(),
                                ),
                            )),
                        }
                        raws.push((oid, raw));
                    }
                }
            }
            let items: Vec<(&str, &[u8])> = ssh
                .iter()
                .map(|&i| {
                    (
                        raws[i].1.signatures[0].as_str(),
                        raws[i].1.payload.as_slice(),
                    )
                })
                .collect();
            let mut good = Vec::new();
            for (&i, r) in ssh.iter().zip(verify_ssh_many(&items)) {
                outcomes.push((
                    raws[i].0,
                    match r {
                        Ok(key) => {
                            good.push((raws[i].0, key.clone()));
                            SigOutcome::Good(SignerKey::Ssh(key))
                        }
                        Err(e) => SigOutcome::Bad(e),
                    },
                ));
            }
            progress(chunk.len());
            (outcomes, raws, good)
        })
        .collect();
    let mut out: HashMap<Oid, SigOutcome> = HashMap::with_capacity(commits.len());
    let mut raws: HashMap<Oid, RawCommit> = HashMap::with_capacity(commits.len());
    let mut kept = kept;
    let mut good = Vec::new();
    for (outcomes, rs, g) in found {
        out.extend(outcomes);
        raws.extend(rs);
        good.extend(g);
    }
    for (oid, key) in good {
        if let Some(raw) = raws.get(&oid) {
            kept.record(oid, &raw.signatures[0], &raw.payload, &key);
        }
    }
    kept.save();
    let mut gpg: Option<GpgVerifier> = None;
    for (oid, raw) in &raws {
        if out.contains_key(oid) {
            continue;
        }
        let verifier = gpg.get_or_insert_with(|| GpgVerifier::new(repo));
        let outcome = match verifier.verify(&oid.to_string(), &raw.signatures[0], &raw.payload) {
            Ok(fpr) => SigOutcome::Good(SignerKey::OpenPgp(fpr)),
            Err(e) => SigOutcome::Bad(e),
        };
        out.insert(*oid, outcome);
        progress(1);
    }
    (out, raws)
}
