//! What an age file's header says, read without decrypting anything: whether
//! it is a whole age header (binary or ASCII-armored), and the tag of each
//! SSH recipient stanza in it. Sealed stores (contracts, customer data) are
//! checked against their readers by these tags.

use std::collections::BTreeSet;
use std::io::Read;

/// The most of a file read for its header: a header naming hundreds of
/// readers' keys fits well within it.
const HEAD_MAX: u64 = 256 * 1024;

/// The recipients' stanza tags of an age file (binary or armored), or `None`
/// when it is not a whole age header; an error when it cannot be read.
pub fn read_head(reader: impl Read) -> Result<Option<BTreeSet<String>>, String> {
    let mut dearmored = age::armor::ArmoredReader::new(std::io::BufReader::new(reader));
    let mut head = Vec::new();
    if let Err(e) = (&mut dearmored).take(HEAD_MAX).read_to_end(&mut head) {
        // A short or garbled armor is simply not an age file.
        return match e.kind() {
            std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof => Ok(None),
            _ => Err(e.to_string()),
        };
    }
    match age::Decryptor::new(&head[..]) {
        Ok(_) => Ok(Some(stanza_tags(&head))),
        Err(_) => Ok(None),
    }
}

/// The stanza tags of a binary age header: for each `-> ssh-ed25519 TAG …`
/// or `-> ssh-rsa TAG …` line, TAG.
pub fn stanza_tags(bytes: &[u8]) -> BTreeSet<String> {
    let head = &bytes[..bytes.len().min(HEAD_MAX as usize)];
    let text = String::from_utf8_lossy(head);
    text.lines()
        .take_while(|l| !l.starts_with("--- "))
        .filter_map(|l| l.strip_prefix("-> "))
        .filter_map(|l| {
            let mut w = l.split(' ');
            match w.next() {
                Some("ssh-ed25519" | "ssh-rsa") => w.next().map(str::to_string),
                _ => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_header_and_refuses_what_is_not_one() {
        let head = b"age-encryption.org/v1\n-> ssh-ed25519 AbCdEf abc\nxyz\n--- mac\n";
        assert_eq!(stanza_tags(head), BTreeSet::from(["AbCdEf".to_string()]));
        assert_eq!(read_head(&b"name,phone\n"[..]), Ok(None));
        assert_eq!(read_head(&b"age-encryption.org/v1\n"[..]), Ok(None));
        assert_eq!(read_head(&b""[..]), Ok(None));
    }
}
