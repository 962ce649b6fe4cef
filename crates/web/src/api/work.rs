//! The coordinator's day over the API: the worklist and the absences with who stands in.

use super::{ApiPath, ApiQuery};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::ApiError;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use nazorg_app::Scope;
use nazorg_domain::dates::{format_iso, today_nl};
use nazorg_domain::ids::{CaseId, ResidentId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/worklist", get(get_worklist))
        .route("/absences", get(list_absences))
        .route("/residents/{id}/subject-access", get(subject_access))
}

/// Whose worklist.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorklistQuery {
    /// true: every open case of the municipality; default: the caller's own cases,
    /// unassigned ones and those of colleagues they stand in for today.
    pub team: Option<bool>,
}

/// One deadline on the worklist.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkItemDto {
    #[schema(value_type = i64)]
    pub case_id: CaseId,
    /// The kind of deadline.
    #[schema(value_type = nazorg_domain::deadlines::DeadlineKind, inline)]
    pub kind: String,
    pub kind_label: String,
    /// YYYY-MM-DD
    #[schema(format = Date)]
    pub due: String,
    pub overdue: bool,
    /// Why it is on the list, in Dutch.
    pub reason: String,
    pub resident: String,
    pub coordinator: Option<String>,
    /// On the list because the caller stands in for this absent colleague.
    pub standing_in_for: Option<String>,
    /// The agreement or referral it is about, if any.
    pub subject_id: Option<i64>,
}

/// The worklist, most urgent first.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorklistDto {
    pub items: Vec<WorkItemDto>,
}

#[utoipa::path(get, path = "/api/v1/worklist", tag = "werk", params(WorklistQuery),
    responses((status = 200, body = WorklistDto), (status = 403, description = "Geen toegang")))]
async fn get_worklist(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<WorklistQuery>,
) -> Result<Json<WorklistDto>, ApiError> {
    let scope = if q.team.unwrap_or(false) {
        Scope::Team
    } else {
        Scope::Of(actor.user_id)
    };
    let day = today_nl();
    let items = s
        .app
        .worklist(&actor, scope, day, &s.config.deadlines)
        .await?;
    Ok(Json(WorklistDto {
        items: items
            .into_iter()
            .map(|i| WorkItemDto {
                case_id: i.deadline.case_id,
                kind: i.deadline.kind.code().into(),
                kind_label: i.deadline.kind.label().into(),
                due: format_iso(i.deadline.due),
                overdue: i.deadline.due < day,
                reason: i.deadline.reason,
                resident: i.resident,
                coordinator: i.coordinator,
                standing_in_for: i.standing_in_for,
                subject_id: i.deadline.subject_id,
            })
            .collect(),
    }))
}

/// An absence of a coordinator, and who stands in.
#[derive(Debug, Serialize, ToSchema)]
pub struct AbsenceDto {
    pub id: i64,
    pub user_id: i64,
    pub user: String,
    pub substitute_id: i64,
    pub substitute: String,
    /// YYYY-MM-DD
    #[schema(format = Date)]
    pub starts_on: String,
    /// YYYY-MM-DD
    #[schema(format = Date)]
    pub ends_on: String,
    pub note: String,
}

#[utoipa::path(get, path = "/api/v1/absences", tag = "werk",
    responses((status = 200, body = [AbsenceDto]), (status = 403, description = "Geen toegang")))]
async fn list_absences(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<AbsenceDto>>, ApiError> {
    let absences = s.app.list_absences(&actor).await?;
    Ok(Json(
        absences
            .into_iter()
            .map(|a| AbsenceDto {
                id: a.id.0,
                user_id: a.user_id.0,
                user: a.user,
                substitute_id: a.substitute_id.0,
                substitute: a.substitute,
                starts_on: format_iso(a.starts_on),
                ends_on: format_iso(a.ends_on),
                note: a.note,
            })
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/residents/{id}/subject-access", tag = "werk", params(("id" = i64, Path)),
    responses((status = 200, description = "Alles wat Nazorg over de inwoner bewaart (zijn casussen, als GET /cases/{id}) en elke verwerking ervan (recht op inzage, art. 15 AVG)", body = Object),
        (status = 404, description = "Niet gevonden")))]
async fn subject_access(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ResidentId>,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(crate::views::access_data(&s.app, &actor, id).await?))
}
