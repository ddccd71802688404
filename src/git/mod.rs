//! The only code that touches git2: reading history, making commits.

mod commit;
mod history;

pub use commit::{Identity, commit_paths, configured_identity};
pub use history::{commit_time, first_added};
