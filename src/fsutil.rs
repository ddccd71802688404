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

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let _held = Deferred::new();
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".mkt-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Like `write_atomic`, but refuses to replace an existing file.
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let _held = Deferred::new();
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".mkt-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
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
