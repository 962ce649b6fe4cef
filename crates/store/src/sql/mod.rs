//! The SQL of Nazorg by area, written once for both backends (see `db::sql!`). Each file
//! adds the queries of its area as methods of [`crate::Tx`].

mod cases;
mod log;
mod plan;
mod residents;

pub use cases::{
    AGENDA_ACCESS_DAYS, ActionRow, CaseFields, CorrectableFacts, EligibilityRow, NewCase,
};
pub use log::{NewLogEntry, RegisteredActivity};
pub use residents::NewResident;
