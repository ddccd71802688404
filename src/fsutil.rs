//! Writing files so that nothing is ever half-written: a temporary file in
//! the same folder, then a rename over the target, with Ctrl-C and SIGTERM
//! held back while it happens (`Deferred`), so no temporary file or lock
//! outlives an interrupted write.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::error::{Error, Result};

/// While one lives, SIGINT, SIGTERM and SIGHUP are held back: a signal is
/// noted and, when the last guard is dropped (the write done or undone),
/// the process exits with 130. Outside a guard a signal acts as it always
/// does (the handler, installed once, falls back to the default action).
pub struct Deferred(());

static HELD: AtomicUsize = AtomicUsize::new(0);
static CAUGHT: AtomicBool = AtomicBool::new(false);
static INSTALL: std::sync::Once = std::sync::Once::new();
const HELD_BACK: [i32; 3] = [
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
];

impl Deferred {
    pub fn new() -> Deferred {
        INSTALL.call_once(|| {
            for sig in HELD_BACK {
                // Safety: the action only touches atomics, or asks for the
                // default action, both allowed in a signal handler.
                let _ = unsafe {
                    signal_hook::low_level::register(sig, move || {
                        if HELD.load(Ordering::SeqCst) > 0 {
                            CAUGHT.store(true, Ordering::SeqCst);
                        } else {
                            let _ = signal_hook::low_level::emulate_default_handler(sig);
                        }
                    })
                };
            }
        });
        HELD.fetch_add(1, Ordering::SeqCst);
        Deferred(())
    }

    /// Whether a signal arrived while writes were held (so a command can
    /// stop before its next step instead of after all of them).
    pub fn interrupted() -> bool {
        CAUGHT.load(Ordering::SeqCst)
    }
}

impl Default for Deferred {
    fn default() -> Self {
        Deferred::new()
    }
}

impl Drop for Deferred {
    fn drop(&mut self) {
        if HELD.fetch_sub(1, Ordering::SeqCst) == 1 && Deferred::interrupted() {
            eprintln!("interrupted; nothing was left half-written");
            std::process::exit(130);
        }
    }
}

/// Who may read a file mkt writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// As any program makes a file: 0666 less the umask (0644 under the
    /// usual 022), so a record reads like one the person saved themselves.
    Shared,
    /// The owner alone (0600, whatever the umask): a private key, a
    /// decrypted contract.
    Private,
    /// A program git runs (a hook): 0777 less the umask (0755 under 022).
    Executable,
}

impl Mode {
    fn bits(self) -> u32 {
        match self {
            Mode::Shared => 0o666,
            Mode::Private => 0o600,
            Mode::Executable => 0o777,
        }
    }
}

/// A temporary file beside `path`'s final place, created with `mode` (the
/// system applies the umask as it does to every new file), for a rename
/// over the target.
pub fn temp_beside(dir: &Path, mode: Mode) -> std::io::Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    tempfile::Builder::new()
        .prefix(".mkt-")
        .suffix(".tmp")
        .permissions(std::fs::Permissions::from_mode(mode.bits()))
        .tempfile_in(dir)
}

/// Writes `path` whole (a temporary file, then a rename), readable as any
/// new file is under the umask.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_with_mode(path, bytes, Mode::Shared)
}

/// Like `write_atomic`, with the file's mode chosen.
pub fn write_with_mode(path: &Path, bytes: &[u8], mode: Mode) -> Result<()> {
    let _held = Deferred::new();
    let tmp = filled_temp(path, bytes, mode)?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// A temporary file beside `path` holding `bytes`, on disk.
fn filled_temp(path: &Path, bytes: &[u8], mode: Mode) -> Result<tempfile::NamedTempFile> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = temp_beside(dir, mode).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    Ok(tmp)
}

/// Like `write_atomic`, but refuses to replace an existing file.
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let _held = Deferred::new();
    let tmp = filled_temp(path, bytes, Mode::Shared)?;
    tmp.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            Error::user(format!(
                "{} already exists; mkt will not overwrite it",
                path.display()
            ))
        } else {
            Error::io(path, e.error)
        }
    })?;
    Ok(())
}

/// Why `read_plain` gave no bytes.
#[derive(Debug)]
pub enum ReadPlain {
    /// Not a plain file: what it is (`a FIFO`, `a symbolic link`, …).
    NotPlain(&'static str),
    /// More than the cap: its size.
    TooLarge(u64),
    Io(std::io::Error),
}

impl std::fmt::Display for ReadPlain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadPlain::NotPlain(what) => write!(f, "it is {what}, not a plain file"),
            ReadPlain::TooLarge(n) => write!(f, "it is {n} bytes, more than mkt reads"),
            ReadPlain::Io(e) => write!(f, "{e}"),
        }
    }
}

/// What a path is, when it is not a plain file.
fn not_plain(t: std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if t.is_file() {
        None
    } else if t.is_symlink() {
        Some("a symbolic link")
    } else if t.is_dir() {
        Some("a folder")
    } else if t.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if t.is_socket() {
        Some("a socket")
    } else {
        Some("a device")
    }
}

/// The bytes of a plain file of at most `cap` bytes. Anything else — a
/// FIFO, which would block the read forever, a device such as /dev/zero, a
/// symbolic link to one — is refused before it is opened, and checked again
/// on the open handle; more than `cap` bytes are never read.
pub fn read_plain(path: &Path, cap: u64) -> std::result::Result<Vec<u8>, ReadPlain> {
    let meta = std::fs::symlink_metadata(path).map_err(ReadPlain::Io)?;
    if let Some(what) = not_plain(meta.file_type()) {
        return Err(ReadPlain::NotPlain(what));
    }
    let file = std::fs::File::open(path).map_err(ReadPlain::Io)?;
    let meta = file.metadata().map_err(ReadPlain::Io)?;
    if let Some(what) = not_plain(meta.file_type()) {
        return Err(ReadPlain::NotPlain(what));
    }
    if meta.len() > cap {
        return Err(ReadPlain::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::io::Read::read_to_end(&mut std::io::Read::take(file, cap + 1), &mut bytes)
        .map_err(ReadPlain::Io)?;
    if bytes.len() as u64 > cap {
        return Err(ReadPlain::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}
