//! The query strings that the JSON API and the HTML pages both read: the filters of the
//! case list and the period of figures. Shared here so neither surface imports the other.

use crate::error::AppError;
use crate::input::*;
use nazorg_app::{CaseFilter, Cursor};
use nazorg_domain::Status;
use nazorg_domain::ids::UserId;
use nazorg_domain::triage::Direction;
use serde::Deserialize;
use time::Date;
use utoipa::IntoParams;

/// Filters and paging of the case list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// notified | not_reached | declined | accepted | triaged | planning | aftercare | closed;
    /// empty: every phase
    #[param(schema_with = nazorg_domain::or_empty_schema::<nazorg_domain::lifecycle::Status>)]
    pub status: Option<String>,
    /// coordinator | skt | exodus; empty: every direction
    #[param(schema_with = nazorg_domain::or_empty_schema::<nazorg_domain::triage::Direction>)]
    pub direction: Option<String>,
    /// User id of the coordinator.
    #[param(value_type = Option<i64>)]
    pub coordinator: Option<UserId>,
    /// A BSN, or the start of a family name.
    pub search: Option<String>,
    /// Only open cases (default true when no status is given).
    pub open: Option<bool>,
    /// The `next` value of the previous page.
    pub after: Option<String>,
    /// Page size, 1–500 (default 25).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// The page size asked for: 1 to 500, 25 when not given; anything else is refused, not
/// quietly changed.
pub fn page_limit(limit: Option<u32>) -> Result<u32, AppError> {
    page_limit_or(limit, 25)
}

/// As [`page_limit`], with another page size when none is asked for.
pub fn page_limit_or(limit: Option<u32>, default: u32) -> Result<u32, AppError> {
    match limit {
        None => Ok(default),
        Some(n @ 1..=500) => Ok(n),
        Some(_) => Err(AppError::Invalid(
            "limit: kies een paginagrootte van 1 tot en met 500.".into(),
        )),
    }
}

impl CaseQuery {
    pub fn filter(&self) -> Result<(CaseFilter, Option<Cursor>), AppError> {
        let filter = CaseFilter {
            open_only: self.open.unwrap_or(true),
            status: optional_code::<Status>("de fase", self.status.as_deref())?,
            direction: optional_code::<Direction>("de regie", self.direction.as_deref())?,
            coordinator_id: self.coordinator,
            search: self.search.clone(),
        };
        let after = match self.after.as_deref().filter(|a| !a.is_empty()) {
            Some(a) => Some(
                Cursor::decode(a)
                    .ok_or_else(|| AppError::Invalid("Ongeldige waarde voor 'after'.".into()))?,
            ),
            None => None,
        };
        Ok((filter, after))
    }
}

/// The period of the referral figures (by the date a referral was asked).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// YYYY-MM-DD; default 1 January of this year.
    pub from: Option<String>,
    /// YYYY-MM-DD; default today.
    pub to: Option<String>,
}

impl PeriodQuery {
    pub fn period(&self) -> Result<(Date, Date), AppError> {
        let to = optional_date("de einddatum", self.to.as_deref())?;
        let from = optional_date("de begindatum", self.from.as_deref())?;
        year_to_date(from, to)
    }
}

/// The period of figures asked for, either end left open: by default up to today, and
/// from 1 January of the year it ends in.
pub fn year_to_date(from: Option<Date>, to: Option<Date>) -> Result<(Date, Date), AppError> {
    let to = to.unwrap_or_else(nazorg_domain::dates::today_nl);
    let from = from.unwrap_or_else(|| {
        Date::from_calendar_date(to.year(), time::Month::January, 1).unwrap_or(to)
    });
    ordered(from, to)
}

/// A period, once it is sure not to start after it ends.
pub fn ordered(from: Date, to: Date) -> Result<(Date, Date), AppError> {
    if from > to {
        return Err(AppError::Invalid(
            "De begindatum ligt na de einddatum.".into(),
        ));
    }
    Ok((from, to))
}
