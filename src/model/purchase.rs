//! purchases/<PO>.toml — a purchase request (采购申请), approved by the
//! purchase chain (SPEC 4.4).

use serde::Deserialize;

use super::money::Money;
use super::time::Date;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Purchase {
    pub id: String,
    pub vendor: String,
    pub amount: Money,
    pub what: String,
    pub needed_by: Date,
    pub requested_by: String,
}
