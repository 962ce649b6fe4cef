//! The monitor's figures, and the period that figures are asked for.

use super::{ApiQuery, today};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, AppError};
use crate::input::*;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use utoipa::IntoParams;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/monitor", get(monitor))
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
    pub fn period(&self) -> Result<(time::Date, time::Date), AppError> {
        let to = optional_date("de einddatum", self.to.as_deref())?.unwrap_or_else(today);
        let from = optional_date("de begindatum", self.from.as_deref())?.unwrap_or_else(|| {
            time::Date::from_calendar_date(to.year(), time::Month::January, 1).unwrap_or(to)
        });
        if from > to {
            return Err(AppError::Invalid(
                "De begindatum ligt na de einddatum.".into(),
            ));
        }
        Ok((from, to))
    }
}

/// The monitor's figures for the cases whose detention started in the period (the same
/// JSON as `nazorg report monitor --format json`): the funnel, `reach` (0–1 or null),
/// `by_direction`, `throughput_days` with `median` and `p90`, needs, results, referrals
/// per partner, overlap with SKT and safety chamber, re-detention.
#[utoipa::path(get, path = "/api/v1/monitor", tag = "monitor", params(PeriodQuery),
    responses((status = 200, description = "De cijfers van de periode", body = Object)))]
async fn monitor(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (from, to) = q.period()?;
    let m = s.app.monitor(&actor, from, to).await?;
    Ok(Json(nazorg_app::report::monitor_json(&m)))
}
