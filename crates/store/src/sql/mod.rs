//! The SQL of Nazorg by area, written once for both backends (see `db::sql!`). Each file
//! adds the queries of its area as methods of [`crate::Tx`]; the public row and input types
//! of an area are re-exported here (areas with methods only are not).

mod absence;
mod budget;
mod calendar;
mod case_steps;
mod cases;
mod due;
mod jobs;
mod log;
mod municipalities;
mod oidc;
mod outbox;
mod partners;
mod plan;
mod referrals;
mod register;
mod reports;
mod residents;
mod retention;
mod safety;
mod seed;
mod sessions;
mod signals;
mod tokens;
mod users;
mod worklist;
mod zaak;

pub use absence::*;
pub use budget::*;
pub use calendar::*;
pub use cases::*;
pub use due::*;
pub use log::*;
pub use municipalities::{Municipality, NewMunicipality};
pub use oidc::*;
pub use outbox::*;
pub use referrals::*;
pub use register::*;
pub use reports::*;
pub use residents::*;
pub use retention::*;
pub use seed::SeedPlan;
pub use sessions::*;
pub use signals::*;
pub use tokens::*;
pub use users::*;
pub use worklist::*;
pub use zaak::*;
