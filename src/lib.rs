//! mkt: a marketing department's rules, run out of a git repository.
//!
//! The domain (`model`, `repo`, `rules`, `ops`, `git`) never prints, prompts
//! or reads the clock; `cli` does the talking.

rust_i18n::i18n!("locales", fallback = "en");

pub mod approvals;
pub mod cli;
pub mod diag;
pub mod error;
pub mod fsutil;
pub mod git;
pub mod i18n;
pub mod model;
pub mod notify;
pub mod ops;
pub mod policy;
pub mod repo;
pub mod report;
pub mod rules;
pub mod source;
pub mod suggest;
pub mod templates;
pub mod term;
pub mod view;
