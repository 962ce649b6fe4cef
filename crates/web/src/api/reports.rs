//! The monitor's figures.

use super::ApiQuery;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::ApiError;
use crate::input::date;
use crate::query::{PeriodQuery, ordered};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use nazorg_app::report::{self, EvaluationData};
use nazorg_domain::access::Action;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/monitor", get(monitor))
        .route("/evaluation", get(evaluation))
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

/// The period of the evaluation.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvaluationQuery {
    /// YYYY-MM-DD; default the programme's start (else the first registration).
    #[param(format = Date)]
    pub from: Option<String>,
    /// YYYY-MM-DD; default eight months after `from`, less a day.
    #[param(format = Date)]
    pub to: Option<String>,
}

/// The evaluation report's figures (what `/evaluatie` shows and `nazorg report
/// evaluation` writes): the period, title and `municipality`, `key_figures` by machine name, the policy's
/// questions as `sections` (each with `answer` paragraphs and `tables`), and the
/// `monitor` figures of the period.
#[utoipa::path(get, path = "/api/v1/evaluation", tag = "monitor", params(EvaluationQuery),
    responses((status = 200, description = "De evaluatie van de periode", body = Object),
        (status = 422, description = "Ongeldige periode")))]
async fn evaluation(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<EvaluationQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    s.app.permit(&actor, Action::ReadReports, None).await?;
    // A parameter given is a date; left out, the default.
    let asked = (
        q.from.as_deref().map(|d| date("from", d)).transpose()?,
        q.to.as_deref().map(|d| date("to", d)).transpose()?,
    );
    let start = s.config.programme_start;
    let (from, to) = report::evaluation_period_asked(&s.app, &actor, start, asked).await?;
    let (from, to) = ordered(from, to)?;
    let data = EvaluationData::load(&s.app, &actor, from, to).await?;
    Ok(Json(data.json()))
}
