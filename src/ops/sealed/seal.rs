//! Sealing and opening: age encryption to the readers' SSH keys, and
//! decryption with a person's own key (asking for its passphrase).

use rust_i18n::t;

use super::*;

/// Asks the person for the passphrase of their key, if one can be asked.
pub type PassphraseFn = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

pub fn encrypt(plain: &[u8], r: &Recipients) -> Result<Vec<u8>> {
    let enc = age::Encryptor::with_recipients(r.keys.iter().map(|k| k as &dyn age::Recipient))
        .map_err(|e| Error::internal(format!("encrypting: {e}")))?;
    let mut out = Vec::with_capacity(plain.len() + 512);
    let mut w = enc
        .wrap_output(&mut out)
        .map_err(|e| Error::internal(format!("encrypting: {e}")))?;
    w.write_all(plain)
        .and_then(|_| w.finish().map(|_| ()))
        .map_err(|e| Error::internal(format!("encrypting: {e}")))?;
    Ok(out)
}

/// The person's private key, as an age identity.
pub fn identity(path: &Path, ask: Option<PassphraseFn>) -> Result<Box<dyn age::Identity>> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        Error::user(t!("ops.seal.cannot_read_key", key = shown, why = e))
            .hint(t!("ops.seal.cannot_read_key_hint"))
    })?;
    let id = age::ssh::Identity::from_buffer(BufReader::new(&bytes[..]), Some(shown.clone()))
        .map_err(|_| {
            Error::user(t!("ops.seal.not_private", key = shown))
                .hint(t!("ops.seal.not_private_hint"))
        })?;
    match id {
        age::ssh::Identity::Unencrypted(_) => Ok(Box::new(id)),
        // Asked once and decrypted here, not by age once per recipient.
        age::ssh::Identity::Encrypted(_) => {
            let Some(ask) = ask else {
                return Err(Error::user(t!("ops.seal.no_one_to_ask", key = shown))
                    .hint(t!("ops.seal.no_one_to_ask_hint")));
            };
            let key = ssh_key::PrivateKey::from_openssh(&bytes)
                .map_err(|e| Error::user(format!("{shown}: {e}")))?;
            let pass = ask(&format!("密码 passphrase for {shown}"))
                .ok_or_else(|| Error::user(t!("ops.seal.no_passphrase")))?;
            let open = key
                .decrypt(pass.as_bytes())
                .map_err(|_| Error::user(t!("ops.seal.wrong_passphrase", key = shown)))?;
            if !matches!(
                open.algorithm(),
                ssh_key::Algorithm::Ed25519 | ssh_key::Algorithm::Rsa { .. }
            ) {
                let why = t!("ops.seal.unsupported_type", kind = open.algorithm());
                return Err(Error::user(t!(
                    "ops.seal.cannot_decrypt",
                    key = shown,
                    why = why
                )));
            }
            let pem = open
                .to_openssh(ssh_key::LineEnding::LF)
                .map_err(|e| Error::internal(format!("{shown}: {e}")))?;
            let id = age::ssh::Identity::from_buffer(BufReader::new(pem.as_bytes()), None)
                .map_err(|e| Error::internal(format!("{shown}: {e}")))?;
            Ok(Box::new(id))
        }
        age::ssh::Identity::Unsupported(k) => {
            let why = match k {
                age::ssh::UnsupportedKey::Type(kind) | age::ssh::UnsupportedKey::Hardware(kind) => {
                    t!("ops.seal.unsupported_type", kind = kind)
                }
                age::ssh::UnsupportedKey::EncryptedPem => t!("ops.seal.encrypted_pem"),
                age::ssh::UnsupportedKey::EncryptedSsh(c) => {
                    t!("ops.seal.unsupported_cipher", cipher = c)
                }
            };
            Err(Error::user(t!(
                "ops.seal.cannot_decrypt",
                key = shown,
                why = why
            )))
        }
    }
}

/// Why a sealed file did not open for this key.
pub enum Refused {
    NotForYou,
    Other(String),
}

pub fn decrypt(bytes: &[u8], id: &dyn age::Identity) -> std::result::Result<Vec<u8>, Refused> {
    let reader = age::armor::ArmoredReader::new(bytes);
    let d = age::Decryptor::new(reader).map_err(|e| Refused::Other(e.to_string()))?;
    let mut r = d.decrypt(std::iter::once(id)).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => Refused::NotForYou,
        age::DecryptError::KeyDecryptionFailed => {
            Refused::Other(t!("ops.seal.passphrase_wrong").into_owned())
        }
        e => Refused::Other(e.to_string()),
    })?;
    let mut out = Vec::new();
    r.read_to_end(&mut out)
        .map_err(|e| Refused::Other(t!("ops.seal.damaged", why = e).into_owned()))?;
    Ok(out)
}
