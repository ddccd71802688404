//! One function per command: typed options in, typed result out. Nothing
//! here prints, prompts or reads the clock.

pub mod init;
pub mod lint;
