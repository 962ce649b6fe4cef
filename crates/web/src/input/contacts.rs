//! What a case's contact log, appointments and household take as input.

use super::{at, checkbox, code, date};
use crate::error::AppError;
use nazorg_app as store;
use nazorg_domain::case::{ContactKind, Relation};
use nazorg_domain::triage::Need;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A contact log line.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ContactIn {
    #[schema(format = Date)]
    pub date: String,
    #[schema(value_type = nazorg_domain::case::ContactKind, inline)]
    pub kind: String,
    pub note: String,
}

impl ContactIn {
    pub fn parse(&self) -> Result<store::ContactInput, AppError> {
        Ok(store::ContactInput {
            date: at("date", date("de datum", &self.date))?,
            kind: at("kind", code::<ContactKind>("de soort contact", &self.kind))?,
            note: self.note.clone(),
        })
    }
}

/// An appointment with the resident, planned ahead.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct AppointmentIn {
    /// When it starts: RFC 3339 with its offset, e.g. 2026-12-10T10:30:00+01:00.
    #[schema(format = DateTime, example = "2026-12-10T10:30:00+01:00")]
    pub starts_at: String,
    #[schema(value_type = nazorg_domain::case::ContactKind, inline)]
    pub kind: String,
    /// Where, in a few words (at most 200 characters).
    pub place: String,
}

impl AppointmentIn {
    /// When (in UTC) and what kind of appointment.
    pub fn parse(&self) -> Result<(time::OffsetDateTime, ContactKind), AppError> {
        let starts_at = time::OffsetDateTime::parse(
            self.starts_at.trim(),
            &time::format_description::well_known::Rfc3339,
        )
        .map_err(|_| {
            AppError::Invalid(
                "starts_at: geef het tijdstip als RFC 3339 met de tijdzone, bijvoorbeeld 2026-12-10T10:30:00+01:00.".into(),
            )
        })?;
        let kind = at("kind", code::<ContactKind>("de soort afspraak", &self.kind))?;
        Ok((starts_at.to_offset(time::UtcOffset::UTC), kind))
    }
}

/// A household member left behind.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct HouseholdIn {
    /// partner | child | parent | sibling | other
    #[schema(value_type = nazorg_domain::case::Relation, inline)]
    pub relation: String,
    #[serde(deserialize_with = "checkbox")]
    pub is_minor: bool,
    /// none | practical | complex
    #[schema(value_type = nazorg_domain::triage::Need, inline)]
    pub support_need: String,
    pub note: String,
}

impl HouseholdIn {
    pub fn parse(&self) -> Result<store::HouseholdInput, AppError> {
        Ok(store::HouseholdInput {
            relation: at("relation", code::<Relation>("de relatie", &self.relation))?,
            is_minor: self.is_minor,
            support_need: at(
                "support_need",
                code::<Need>("de ondersteuningsbehoefte", &self.support_need),
            )?,
            note: self.note.clone(),
        })
    }
}
