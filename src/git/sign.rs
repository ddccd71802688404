//! Signing and verifying commits the way git does: SSHSIG (namespace `git`,
//! SHA-512) in-process with the `ssh-key` crate where the key file allows
//! it, through `ssh-keygen -Y sign` where it does not (agent, hardware keys,
//! passphrases), and OpenPGP through `gpg`.

use rust_i18n::t;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

/// What a signature was made with, once verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignerKey {
    Ssh(PublicKey),
    /// An OpenPGP primary-key fingerprint, upper-case hex.
    OpenPgp(String),
}

impl SignerKey {
    /// `SHA256:…` for SSH keys, the fingerprint for OpenPGP.
    pub fn fingerprint(&self) -> String {
        match self {
            SignerKey::Ssh(k) => k.fingerprint(HashAlg::Sha256).to_string(),
            SignerKey::OpenPgp(f) => f.clone(),
        }
    }
}

/// How this user signs, from git's configuration (or `--key`).
#[derive(Debug)]
pub enum Signer {
    /// An unencrypted private key file: signed in-process.
    SshKey { key: Box<PrivateKey> },
    /// Through `ssh-keygen -Y sign` (agent, hardware key, passphrase).
    SshProgram {
        program: String,
        key_file: PathBuf,
        literal: bool,
        public: PublicKey,
    },
    /// Through gpg.
    Gpg {
        program: String,
        key_id: String,
        fingerprint: String,
    },
}

impl Signer {
    pub fn key(&self) -> SignerKey {
        match self {
            Signer::SshKey { key } => SignerKey::Ssh(key.public_key().clone()),
            Signer::SshProgram { public, .. } => SignerKey::Ssh(public.clone()),
            Signer::Gpg { fingerprint, .. } => SignerKey::OpenPgp(fingerprint.clone()),
        }
    }

    /// Signs `payload`; returns the armored signature for the `gpgsig` header.
    pub fn sign(&self, payload: &[u8]) -> Result<String, String> {
        match self {
            Signer::SshKey { key } => key
                .sign("git", HashAlg::Sha512, payload)
                .and_then(|sig| sig.to_pem(LineEnding::LF))
                .map_err(|e| t!("git.sign.ssh_failed", why = e).into_owned()),
            Signer::SshProgram {
                program,
                key_file,
                literal,
                ..
            } => {
                let mut cmd = Command::new(program);
                cmd.args(["-Y", "sign", "-n", "git", "-f"]).arg(key_file);
                if *literal {
                    cmd.arg("-U");
                }
                let out = run_with_input(&mut cmd, payload)?;
                let sig = String::from_utf8_lossy(&out).into_owned();
                if !sig.contains("BEGIN SSH SIGNATURE") {
                    return Err(t!("git.sign.no_signature", program = program).into_owned());
                }
                Ok(sig)
            }
            Signer::Gpg {
                program, key_id, ..
            } => {
                let mut cmd = Command::new(program);
                cmd.args(["--status-fd=2", "-bsau", key_id]);
                let out = run_with_input(&mut cmd, payload)?;
                let sig = String::from_utf8_lossy(&out).into_owned();
                if !sig.contains("BEGIN PGP SIGNATURE") {
                    return Err(t!("git.sign.no_signature", program = program).into_owned());
                }
                Ok(sig)
            }
        }
    }
}

fn run_with_input(cmd: &mut Command, input: &[u8]) -> Result<Vec<u8>, String> {
    let shown = format!("{:?}", cmd.get_program());
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| t!("git.sign.cannot_run", program = shown, why = e).into_owned())?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input)
            .map_err(|e| format!("{shown}: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("{shown}: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err
            .lines()
            .rfind(|l| !l.starts_with("[GNUPG:]"))
            .unwrap_or("")
            .trim();
        return Err(t!("git.sign.program_failed", program = shown, why = last).into_owned());
    }
    Ok(out.stdout)
}

fn expand_home(p: &str) -> PathBuf {
    match (p.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(p),
    }
}

/// The signer git is configured with (`gpg.format`, `user.signingkey`,
/// `gpg.ssh.program`, `gpg.program`), or the key given with `--key` (a key
/// file, a public key, or an OpenPGP key id). `--key` implies the format of
/// what it names.
pub fn configured_signer(repo: &git2::Repository, key: Option<&str>) -> Result<Signer, String> {
    let cfg = repo.config().map_err(|e| e.message().to_string())?;
    signer_from_config(&cfg, key)
}

/// `configured_signer` with git's configuration as given (outside any
/// repository: the person's own, `git2::Config::open_default`).
pub fn signer_from_config(cfg: &git2::Config, key: Option<&str>) -> Result<Signer, String> {
    let get = |k: &str| cfg.get_string(k).ok();
    let format = get("gpg.format").unwrap_or_else(|| "openpgp".into());
    let signing_key = key.map(str::to_string).or_else(|| get("user.signingkey"));
    let looks_ssh = |k: &str| {
        k.starts_with("key::")
            || k.starts_with("ssh-")
            || k.starts_with("ecdsa-")
            || k.starts_with("sk-")
            || {
                let p = expand_home(k);
                p.is_file()
                    && std::fs::read_to_string(&p)
                        .map(|t| t.contains("OPENSSH") || t.starts_with("ssh-"))
                        .unwrap_or(false)
            }
    };
    let use_ssh = match (&signing_key, key) {
        (Some(k), Some(_)) => looks_ssh(k),
        _ => format == "ssh",
    };
    if !use_ssh && format != "openpgp" && key.is_none() {
        return Err(t!("git.sign.bad_format", format = format).into_owned());
    }
    let Some(k) = signing_key else {
        return Err(t!("git.sign.no_key").into_owned());
    };
    if use_ssh {
        let program = get("gpg.ssh.program").unwrap_or_else(|| "ssh-keygen".into());
        ssh_signer(&k, program)
    } else {
        let program = get("gpg.program").unwrap_or_else(|| "gpg".into());
        let fingerprint = gpg_fingerprint(&program, &k)?;
        Ok(Signer::Gpg {
            program,
            key_id: k,
            fingerprint,
        })
    }
}

fn ssh_signer(k: &str, program: String) -> Result<Signer, String> {
    let literal = k.strip_prefix("key::").unwrap_or(k);
    if literal.starts_with("ssh-") || literal.starts_with("ecdsa-") || literal.starts_with("sk-") {
        let public = PublicKey::from_openssh(literal)
            .map_err(|e| t!("git.sign.not_public", why = e).into_owned())?;
        // As git does: the literal key goes to a file, ssh-keygen finds its
        // private half in the agent (-U).
        let dir = std::env::temp_dir().join(format!("mkt-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let file = dir.join("key.pub");
        std::fs::write(&file, literal).map_err(|e| e.to_string())?;
        return Ok(Signer::SshProgram {
            program,
            key_file: file,
            literal: true,
            public,
        });
    }
    let path = expand_home(k);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| t!("git.sign.key_file", path = path.display(), why = e).into_owned())?;
    if text.contains("BEGIN OPENSSH PRIVATE KEY") {
        let key =
            PrivateKey::from_openssh(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if key.is_encrypted() {
            // The passphrase is asked for by ssh-keygen itself.
            let public = key.public_key().clone();
            return Ok(Signer::SshProgram {
                program,
                key_file: path,
                literal: false,
                public,
            });
        }
        return Ok(Signer::SshKey { key: Box::new(key) });
    }
    let public = PublicKey::from_openssh(text.trim())
        .map_err(|e| t!("git.sign.not_ssh", path = path.display(), why = e).into_owned())?;
    Ok(Signer::SshProgram {
        program,
        key_file: path,
        literal: false,
        public,
    })
}

/// The fingerprint of the primary key gpg signs with for `key_id`.
fn gpg_fingerprint(program: &str, key_id: &str) -> Result<String, String> {
    let out = Command::new(program)
        .args([
            "--batch",
            "--with-colons",
            "--fingerprint",
            "--list-secret-keys",
            key_id,
        ])
        .output()
        .map_err(|e| t!("git.sign.cannot_run", program = program, why = e).into_owned())?;
    if !out.status.success() {
        return Err(t!("git.sign.no_secret_key", key = key_id).into_owned());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find(|l| l.starts_with("fpr:"))
        .and_then(|l| l.split(':').nth(9))
        .map(|f| f.to_ascii_uppercase())
        .ok_or_else(|| t!("git.sign.no_fingerprint", key = key_id).into_owned())
}

/// Makes an ed25519 key pair at `path` (private) and `path.pub` with
/// `program` (ssh-keygen), the comment `comment`. With `ask`, ssh-keygen
/// asks for a passphrase itself at the terminal; without, the key has none.
/// The folder is made private (0700) when it is new, as ssh wants it.
pub fn ssh_keygen(program: &str, path: &Path, comment: &str, ask: bool) -> Result<(), String> {
    if let Some(dir) = path.parent()
        && !dir.exists()
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| t!("git.sign.key_file", path = dir.display(), why = e).into_owned())?;
    }
    let mut cmd = Command::new(program);
    cmd.args(["-q", "-t", "ed25519", "-C", comment, "-f"])
        .arg(path);
    if !ask {
        cmd.args(["-N", ""]).stdin(Stdio::null());
    }
    let out = cmd
        .stdout(if ask {
            Stdio::inherit()
        } else {
            Stdio::piped()
        })
        .stderr(if ask {
            Stdio::inherit()
        } else {
            Stdio::piped()
        })
        .output()
        .map_err(|e| t!("git.sign.cannot_run", program = program, why = e).into_owned())?;
    if !out.status.success() || !path.is_file() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(t!(
            "git.sign.program_failed",
            program = program,
            why = err.lines().last().unwrap_or("").trim()
        )
        .into_owned());
    }
    Ok(())
}

/// Whether `program` can be started (found on the search path, or at the
/// path given).
pub fn program_runs(program: &str) -> bool {
    Command::new(program)
        .arg("--mkt-probe")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// `~/…` as the path it names.
pub fn home_path(p: &str) -> PathBuf {
    expand_home(p)
}

/// Why a weak key never verifies.
const WEAK: &str =
    "signed with a weak (small-order) ed25519 key, for which anyone can make a signature";

const NOT_STRICT: &str = "the ed25519 signature is not in strict form (small-order R)";

/// Whether an OpenSSH public key line is an ed25519 key of small order: a
/// signature "by" it can be made without any secret, so it never counts.
pub fn ssh_key_is_weak(line: &str) -> bool {
    PublicKey::from_openssh(line.trim())
        .ok()
        .is_some_and(|k| weak_key_data(k.key_data()))
}

fn weak_key_data(k: &ssh_key::public::KeyData) -> bool {
    match k {
        ssh_key::public::KeyData::Ed25519(pk) => {
            ed25519_dalek::VerifyingKey::from_bytes(&pk.0).map_or(true, |v| v.is_weak())
        }
        _ => false,
    }
}

/// Verifies an SSH signature over `payload` in namespace `git`; returns the
/// key that made it.
pub fn verify_ssh(armored: &str, payload: &[u8]) -> Result<PublicKey, String> {
    let sig = SshSig::from_pem(armored.trim_end())
        .map_err(|e| format!("not a readable SSH signature: {e}"))?;
    if weak_key_data(sig.public_key()) {
        return Err(WEAK.into());
    }
    if sig.namespace() != "git" {
        return Err(format!(
            "signed for namespace `{}`, not `git`",
            sig.namespace()
        ));
    }
    let key = PublicKey::from(sig.public_key().clone());
    key.verify("git", payload, &sig)
        .map_err(|_| "the signature does not match the commit".to_string())?;
    Ok(key)
}

/// gpg's answer (the primary key's fingerprint, or why not), and whether it
/// is definite: about the signature, not about this machine's keyring.
type Verdict = (Result<String, String>, bool);

/// Verifies many SSH signatures (namespace `git`) over their payloads, as
/// `verify_ssh` does one. Ed25519 signatures — what teams use — are checked
/// together with ed25519-dalek's batch verification, about twice as fast;
/// should a batch fail, each of its signatures is checked alone to find the
/// bad ones. Other key types are checked one by one.
pub fn verify_ssh_many(items: &[(&str, &[u8])]) -> Vec<Result<PublicKey, String>> {
    struct Ed {
        at: usize,
        message: Vec<u8>,
        signature: ed25519_dalek::Signature,
        key: ed25519_dalek::VerifyingKey,
    }
    let mut out: Vec<Option<Result<PublicKey, String>>> = vec![None; items.len()];
    let mut batch: Vec<Ed> = Vec::new();
    let mut keys: Vec<Option<PublicKey>> = vec![None; items.len()];
    for (at, (armored, payload)) in items.iter().enumerate() {
        let parsed = SshSig::from_pem(armored.trim_end())
            .map_err(|e| format!("not a readable SSH signature: {e}"));
        let sig = match parsed {
            Ok(sig) if sig.namespace() != "git" => {
                out[at] = Some(Err(format!(
                    "signed for namespace `{}`, not `git`",
                    sig.namespace()
                )));
                continue;
            }
            // Batch verification is not strict: a weak key is refused
            // before any batch sees it.
            Ok(sig) if weak_key_data(sig.public_key()) => {
                out[at] = Some(Err(WEAK.into()));
                continue;
            }
            Ok(sig) => sig,
            Err(e) => {
                out[at] = Some(Err(e));
                continue;
            }
        };
        let ed = match (sig.public_key(), sig.algorithm()) {
            (ssh_key::public::KeyData::Ed25519(pk), ssh_key::Algorithm::Ed25519) => {
                let key = ed25519_dalek::VerifyingKey::from_bytes(&pk.0).ok();
                let signature = ed25519_dalek::Signature::from_slice(sig.signature_bytes()).ok();
                let message = SshSig::signed_data("git", sig.hash_alg(), payload).ok();
                // Nor does it reject a small-order R, which strict
                // verification does: such a signature is refused here.
                let r_weak = sig.signature_bytes().get(..32).is_none_or(|r| {
                    <[u8; 32]>::try_from(r)
                        .ok()
                        .and_then(|r| ed25519_dalek::VerifyingKey::from_bytes(&r).ok())
                        .is_none_or(|r| r.is_weak())
                });
                if r_weak {
                    out[at] = Some(Err(NOT_STRICT.into()));
                    continue;
                }
                match (key, signature, message) {
                    (Some(key), Some(signature), Some(message)) => Some(Ed {
                        at,
                        message,
                        signature,
                        key,
                    }),
                    _ => None,
                }
            }
            _ => None,
        };
        keys[at] = Some(PublicKey::from(sig.public_key().clone()));
        match ed {
            Some(e) => batch.push(e),
            None => out[at] = Some(verify_ssh(armored, payload)),
        }
    }
    let bad = "the signature does not match the commit".to_string();
    for chunk in batch.chunks(64) {
        let messages: Vec<&[u8]> = chunk.iter().map(|e| e.message.as_slice()).collect();
        let signatures: Vec<ed25519_dalek::Signature> = chunk.iter().map(|e| e.signature).collect();
        let verifying: Vec<ed25519_dalek::VerifyingKey> = chunk.iter().map(|e| e.key).collect();
        let all_good = ed25519_dalek::verify_batch(&messages, &signatures, &verifying).is_ok();
        for e in chunk {
            let good = all_good || e.key.verify_strict(&e.message, &e.signature).is_ok();
            out[e.at] = Some(match (good, keys[e.at].take()) {
                (true, Some(k)) => Ok(k),
                _ => Err(bad.clone()),
            });
        }
    }
    out.into_iter()
        .map(|r| r.unwrap_or_else(|| Err("not checked".into())))
        .collect()
}

/// Verifies OpenPGP signatures with gpg, once per commit: results are kept
/// in `.git/mkt/gpg-verified` (commits never change).
pub struct GpgVerifier {
    program: String,
    cache_file: PathBuf,
    cache: HashMap<String, Result<String, String>>,
    dirty: bool,
    /// Which primary keys in the keyring are usable now (not expired, not
    /// revoked): read once per run, and only when a kept good verdict is
    /// about to be reused.
    usable: Option<HashMap<String, bool>>,
}

impl GpgVerifier {
    pub fn new(repo: &git2::Repository) -> GpgVerifier {
        let program = repo
            .config()
            .ok()
            .and_then(|c| c.get_string("gpg.program").ok())
            .unwrap_or_else(|| "gpg".into());
        let cache_file = repo.path().join("mkt").join("gpg-verified");
        let mut cache = HashMap::new();
        let kept = std::fs::read_to_string(&cache_file).ok();
        if let Some(text) = kept.filter(|_| super::caches_on()) {
            for line in text.lines() {
                let mut parts = line.splitn(3, ' ');
                if let (Some(oid), Some(kind), Some(v)) = (parts.next(), parts.next(), parts.next())
                {
                    let r = if kind == "ok" {
                        Ok(v.to_string())
                    } else {
                        Err(v.to_string())
                    };
                    cache.insert(oid.to_string(), r);
                }
            }
        }
        GpgVerifier {
            program,
            cache_file,
            cache,
            dirty: false,
            usable: None,
        }
    }

    /// The fingerprint of the primary key that made a good signature.
    pub fn verify(
        &mut self,
        commit: &str,
        armored: &str,
        payload: &[u8],
    ) -> Result<String, String> {
        match self.cache.get(commit).cloned() {
            // A good signature stays good only while its key is usable:
            // gpg is asked again once the key has expired or is revoked.
            Some(Ok(fpr)) if self.key_usable(&fpr) => return Ok(fpr),
            Some(Err(why)) => return Err(why),
            _ => {}
        }
        let (r, definite) = self.run(armored, payload);
        // Only gpg's verdict on the signature itself is kept. A gpg that
        // cannot run, or lacks the signer's public key, says something about
        // this machine, not about the commit: asked again next time.
        if definite {
            self.cache.insert(commit.to_string(), r.clone());
            self.dirty = true;
        }
        r
    }

    fn key_usable(&mut self, fpr: &str) -> bool {
        let program = self.program.clone();
        let usable = self.usable.get_or_insert_with(|| usable_keys(&program));
        usable.get(fpr).copied().unwrap_or(false)
    }

    /// The verdict, and whether it is gpg's definite word on the signature
    /// (VALIDSIG or BADSIG), which never changes for a commit.
    fn run(&self, armored: &str, payload: &[u8]) -> Verdict {
        self.run_gpg(armored, payload)
            .unwrap_or_else(|e| (Err(e), false))
    }

    fn run_gpg(&self, armored: &str, payload: &[u8]) -> Result<Verdict, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let sig = dir.path().join("sig.asc");
        std::fs::write(&sig, armored).map_err(|e| e.to_string())?;
        let mut child = Command::new(&self.program)
            .args(["--batch", "--status-fd=1", "--verify"])
            .arg(&sig)
            .arg("-")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.program))?;
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(payload);
        }
        let out = child.wait_with_output().map_err(|e| e.to_string())?;
        let status = String::from_utf8_lossy(&out.stdout);
        if status.contains("NO_PUBKEY") {
            return Ok((
                Err("gpg does not have the signer's public key (import it to verify)".into()),
                false,
            ));
        }
        // A signature counts only when gpg calls it good with a valid key:
        // an expired or revoked key, an expired signature or an error fail,
        // even though gpg still prints VALIDSIG for some of them.
        for (token, why) in [
            ("EXPKEYSIG", "the OpenPGP key that made it has expired"),
            ("REVKEYSIG", "the OpenPGP key that made it is revoked"),
            ("EXPSIG", "the OpenPGP signature has expired"),
            ("ERRSIG", "gpg could not check the OpenPGP signature"),
        ] {
            if status
                .lines()
                .any(|l| l.split_whitespace().nth(1) == Some(token))
            {
                // Expiry and revocation are facts about the key now, not the
                // commit: asked again next time.
                return Ok((Err(why.into()), false));
            }
        }
        let good = status
            .lines()
            .any(|l| l.split_whitespace().nth(1) == Some("GOODSIG"));
        // VALIDSIG <fpr> <date> <ts> <expire> <ver> <res> <pk> <hash> <class> <primary-fpr>
        for line in status.lines().filter(|_| good) {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.get(1) == Some(&"VALIDSIG") {
                let primary = f.get(11).or(f.get(2)).copied().unwrap_or("");
                return Ok((Ok(primary.to_ascii_uppercase()), true));
            }
        }
        let definite = status.lines().any(|l| l.contains(" BADSIG "));
        Ok((
            Err("the OpenPGP signature does not match the commit".into()),
            definite,
        ))
    }
}

/// Every primary key in the keyring, by fingerprint, and whether it is
/// usable now: gpg's validity is not expired, revoked or disabled, and its
/// expiry (if any) is still ahead. Nothing readable: no key is usable.
fn usable_keys(program: &str) -> HashMap<String, bool> {
    let Ok(out) = Command::new(program)
        .args([
            "--batch",
            "--with-colons",
            "--fixed-list-mode",
            "--list-keys",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
    else {
        return HashMap::new();
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut keys = HashMap::new();
    let mut pending: Option<bool> = None;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let f: Vec<&str> = line.split(':').collect();
        match f.first() {
            Some(&"pub") => {
                let validity = f.get(1).copied().unwrap_or("");
                let expires = f.get(6).and_then(|e| e.parse::<u64>().ok());
                pending = Some(
                    !matches!(validity, "e" | "r" | "d" | "i") && expires.is_none_or(|e| e > now),
                );
            }
            Some(&"fpr") => {
                if let (Some(ok), Some(fpr)) = (pending.take(), f.get(9)) {
                    keys.insert(fpr.to_ascii_uppercase(), ok);
                }
            }
            Some(&"sub") => pending = None,
            _ => {}
        }
    }
    keys
}

impl Drop for GpgVerifier {
    fn drop(&mut self) {
        if !self.dirty {
            return;
        }
        let mut text = String::new();
        for (oid, r) in &self.cache {
            let (kind, v) = match r {
                Ok(v) => ("ok", v),
                Err(e) => ("bad", e),
            };
            text.push_str(&format!("{oid} {kind} {}\n", v.replace('\n', " ")));
        }
        let _ = crate::fsutil::write_atomic(&self.cache_file, text.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_signature_in_a_batch_is_found_and_the_good_ones_kept() {
        let key = PrivateKey::random(&mut rand_core::OsRng, ssh_key::Algorithm::Ed25519).unwrap();
        let sign = |msg: &[u8]| {
            key.sign("git", HashAlg::Sha512, msg)
                .unwrap()
                .to_pem(LineEnding::LF)
                .unwrap()
        };
        let (a, b, c) = (sign(b"one"), sign(b"two"), sign(b"three"));
        let other_ns = key
            .sign("file", HashAlg::Sha512, b"four")
            .unwrap()
            .to_pem(LineEnding::LF)
            .unwrap();
        let items: Vec<(&str, &[u8])> = vec![
            (&a, b"one"),
            (&b, b"tampered"),
            (&c, b"three"),
            (&other_ns, b"four"),
            ("garbage", b"x"),
        ];
        let r = verify_ssh_many(&items);
        assert_eq!(r[0].as_ref().unwrap(), key.public_key());
        assert!(r[1].as_ref().unwrap_err().contains("does not match"));
        assert!(r[2].is_ok());
        assert!(r[3].as_ref().unwrap_err().contains("namespace"));
        assert!(r[4].is_err());
        // A signature whose R is of small order (here the identity) is
        // refused before any batch, as strict verification refuses it.
        let mut parsed = SshSig::from_pem(a.trim_end()).unwrap();
        let mut bytes = parsed.signature_bytes().to_vec();
        bytes[..32].copy_from_slice(&{
            let mut id = [0u8; 32];
            id[0] = 1;
            id
        });
        parsed = SshSig::new(
            parsed.public_key().clone(),
            "git",
            parsed.hash_alg(),
            ssh_key::Signature::new(ssh_key::Algorithm::Ed25519, bytes).unwrap(),
        )
        .unwrap();
        let small_r = parsed.to_pem(LineEnding::LF).unwrap();
        let refused = verify_ssh_many(&[(&small_r, b"one")]);
        assert!(
            refused[0].as_ref().unwrap_err().contains("small-order R"),
            "{refused:?}"
        );
        // The same verdicts as one at a time.
        for ((sig, msg), batch) in items.iter().zip(&r) {
            assert_eq!(verify_ssh(sig, msg).is_ok(), batch.is_ok());
        }
    }
}
