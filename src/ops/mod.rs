//! One function per command: typed options in, typed result out. Nothing
//! here prints, prompts or reads the clock.

pub mod approve;
pub mod campaign_list;
pub mod cancel;
pub mod close;
pub mod contract;
pub mod customers;
pub mod delegate;
pub mod init;
pub mod lint;
pub mod new_campaign;
pub mod new_incident;
pub mod new_minutes;
pub mod new_records;
pub mod notify;
pub mod report;
pub mod results;
pub mod revise;
pub mod roster_edit;
pub mod sealed;
pub mod setup;
pub mod status;
pub mod team;
pub mod team_edit;
pub mod verify;
pub mod waive;
pub mod withdraw;
