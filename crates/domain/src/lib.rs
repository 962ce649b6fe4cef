//! The pure domain core of Nazorg: the rules of aftercare for residents released from
//! prison. Nothing in this crate performs I/O; storage and HTTP call into it.

#[macro_use]
mod macros;

pub mod access;
pub mod brp;
pub mod bsn;
pub mod case;
pub mod dates;
pub mod deadlines;
pub mod eligibility;
pub mod evaluation;
pub mod events;
pub mod ids;
pub mod lifecycle;
pub mod monitor;
pub mod municipality;
pub mod notification;
pub mod outlook;
pub mod pseudonym;
pub mod referral;
pub mod register;
pub mod search;
pub mod signal;
pub mod text;
pub mod triage;
pub mod version;
pub mod zaak;

pub use bsn::Bsn;
pub use dates::{format_nl, parse_date};
pub use eligibility::{Assessment, Eligibility, EligibilityFacts, Reason};
pub use ids::*;
pub use lifecycle::{Status, Step, StepRefused};
pub use notification::{MunicipalityCode, Notification, RowError};

/// A closed set of values with a stable code and a Dutch label (every `code_enum!`).
pub trait Coded: Copy + PartialEq + 'static {
    fn all() -> &'static [Self];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;
}

/// The OpenAPI schema of one of the codes of `T`, or "" for unknown (an optional code of a
/// notification, which a CSV file cannot make null).
#[cfg(feature = "openapi")]
pub fn or_empty_schema<T: Coded>() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    let codes = T::all().iter().map(|v| v.code()).chain([""]);
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(codes))
        .into()
}

/// Westland, the municipality this system was first built for (CBS code).
pub const DEFAULT_MUNICIPALITY: &str = "1783";
