//! waivers/<NN>-<CODE>-<person>.toml — one finding turned into a noted one,
//! written only by `mkt waive` and added by its own signed commit, by a
//! person holding a role `[governance] waiver_signers` names.

use serde::Deserialize;

use super::time::{Date, Timestamp};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// The rule code, like D007.
    pub code: String,
    /// The file the finding is on, as lint names it.
    pub file: String,
    pub reason: String,
    /// The last day it counts (none: until withdrawn).
    #[serde(default)]
    pub until: Option<Date>,
    pub waived_by: String,
    pub at: Timestamp,
}
