//! A commit object read as bytes, with its signature header found by
//! parsing the headers ourselves: a signature block pasted into the message
//! must never count (libgit2's `extract_signature` is fooled by that).

use git2::{Oid, Repository};

/// The parts of a commit object that verification needs.
#[derive(Debug, Clone)]
pub struct RawCommit {
    /// The `gpgsig` headers, unfolded (continuation lines joined).
    pub signatures: Vec<String>,
    /// The object without its signature headers: what was signed.
    pub payload: Vec<u8>,
    /// The message (after the blank line).
    pub message: String,
}

impl RawCommit {
    pub fn read(repo: &Repository, oid: Oid) -> Result<RawCommit, git2::Error> {
        let odb = repo.odb()?;
        let obj = odb.read(oid)?;
        if obj.kind() != git2::ObjectType::Commit {
            return Err(git2::Error::from_str(&format!("{oid} is not a commit")));
        }
        Ok(RawCommit::parse(obj.data()))
    }

    /// Splits a commit object into its signed payload and signatures. Header
    /// lines run to the first empty line; a line starting with a space
    /// continues the header before it.
    pub fn parse(data: &[u8]) -> RawCommit {
        let mut payload = Vec::with_capacity(data.len());
        let mut signatures: Vec<String> = Vec::new();
        let mut pos = 0;
        // Which header a continuation line belongs to.
        #[derive(PartialEq)]
        enum In {
            Header,
            Signature,
            OtherHashSignature,
        }
        let mut state = In::Header;
        let mut message = String::new();
        while pos < data.len() {
            let end = data[pos..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(data.len(), |i| pos + i + 1);
            let line = &data[pos..end];
            if line == b"\n" {
                payload.extend_from_slice(&data[pos..]);
                message = String::from_utf8_lossy(&data[end..]).into_owned();
                break;
            }
            if let Some(cont) = line.strip_prefix(b" ") {
                match state {
                    In::Signature => {
                        if let Some(s) = signatures.last_mut() {
                            s.push_str(&String::from_utf8_lossy(cont));
                        }
                    }
                    In::OtherHashSignature => {}
                    In::Header => payload.extend_from_slice(line),
                }
            } else if let Some(first) = line.strip_prefix(b"gpgsig ") {
                state = In::Signature;
                signatures.push(String::from_utf8_lossy(first).into_owned());
            } else if line.starts_with(b"gpgsig-sha256 ") {
                // The SHA-256 object format's signature: never part of the payload.
                state = In::OtherHashSignature;
            } else {
                state = In::Header;
                payload.extend_from_slice(line);
            }
            pos = end;
        }
        RawCommit {
            signatures,
            payload,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_pasted_into_the_message_does_not_count() {
        let obj = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nmsg\n\ngpgsig -----BEGIN SSH SIGNATURE-----\n -----END SSH SIGNATURE-----\n";
        let c = RawCommit::parse(obj);
        assert!(c.signatures.is_empty());
        assert_eq!(c.payload, obj.to_vec());
    }

    #[test]
    fn the_signature_header_is_cut_from_the_payload() {
        let obj = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\ngpgsig -----BEGIN SSH SIGNATURE-----\n U1NIU0lH\n -----END SSH SIGNATURE-----\n\nmsg\n";
        let c = RawCommit::parse(obj);
        assert_eq!(
            c.signatures,
            ["-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"]
        );
        assert_eq!(
            c.payload,
            b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nmsg\n".to_vec()
        );
        assert_eq!(c.message, "msg\n");
    }
}
