//! The renderers: the same computed quarter as a terminal table, markdown,
//! one HTML page, JSON and CSV; `grid` and `human` are what the people-facing
//! ones share.

pub mod csv;
pub mod grid;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
pub mod table;
