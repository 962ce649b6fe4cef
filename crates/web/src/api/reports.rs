//! The monitor's figures.

use super::ApiQuery;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::ApiError;
use crate::query::PeriodQuery;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/monitor", get(monitor))
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
