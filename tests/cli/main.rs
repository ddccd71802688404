//! mkt's integration tests: one binary, a module per command area. Every
//! test runs the real `mkt` and real git on a real repository in a temp
//! dir, with real keys (ssh-keygen, gpg), in the one environment that
//! `common::clean_env` gives every process.

mod common;

mod approvals;
mod authoring;
mod campaign_cmds;
mod content;
mod copy_corpus;
mod customers;
mod delegate;
mod first_run;
mod hardening;
mod harness;
mod history_cache;
mod keyboard;
mod layering;
mod layout_year;
mod lint;
mod lint_zh;
mod notify;
mod policy_text;
mod readme;
mod records;
mod report;
mod report_zh;
mod results_cmds;
mod rulebook;
mod rulebook_cadence;
mod rulebook_meet;
mod screens;
mod screens_zh;
mod suggest;
mod tables;
mod team_cmds;
mod tiers;
mod trust;
mod view;
mod zh_screens;
