//! The records of a marketing repository, as serde types (SPEC sections 2, 5).
//! Unknown keys are errors everywhere: a typo must not silently vanish.

mod approval;
mod campaign;
mod campaign_id;
mod incident;
pub mod keyboard;
mod minutes;
mod money;
mod purchase;
mod quarter;
mod records;
mod results;
mod team;
mod text;
mod time;
mod waiver;

pub use approval::{Approval, ApprovalDecision};
pub use campaign::{Budget, Campaign, Channel, Phase, Targets};
pub use campaign_id::{CampaignId, check_name, family, parse_campaign_id};
pub use incident::{Incident, IncidentLevel};
pub use minutes::{AgendaItem, Decision, Minutes};
pub use money::{Money, MoneyError, Ratio};
pub use purchase::Purchase;
pub use quarter::Quarter;
pub use records::{
    Audit, AuditFinding, Liaison, Partner, PartnerKind, PartnerRate, PartnerResult, SelfReview,
};
pub use results::{ChannelKpi, Kpi, Results, Spend};
pub use team::{Delegation, Key, Lookup, Person, PublicKey, Team};
pub use time::{Date, Timestamp, parse_zone};
pub use waiver::Waiver;
