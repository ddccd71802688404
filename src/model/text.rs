//! Text fields that the templates write as `""` when there is nothing to say.

use serde::{Deserialize, Deserializer};

/// Reads a string where blank (`""`, or only spaces) means none, trimmed.
pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = String::deserialize(d)?;
    let t = s.trim();
    Ok((!t.is_empty()).then(|| t.to_string()))
}
