//! The coordinator's day over the API: the worklist and the absences with who stands in.

use super::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, AppError};
use crate::input::date;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use nazorg_app::Scope;
use nazorg_domain::access::Action;
use nazorg_domain::dates::{format_iso, today_nl};
use nazorg_domain::ids::{AbsenceId, CaseId, ResidentId, UserId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/worklist", get(get_worklist))
        .route("/absences", get(list_absences).post(add_absence))
        .route("/absences/{id}", delete(end_absence))
        .route("/residents/{id}/subject-access", get(subject_access))
}

/// Whose worklist.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorklistQuery {
    /// true: every open case of the municipality; default: the caller's own cases,
    /// unassigned ones and those of colleagues they stand in for today.
    pub team: Option<bool>,
    /// The `next` value of the previous page.
    pub after: Option<String>,
    /// Page size, 1–500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
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
    /// Pass as `after` for the next page; null on the last.
    pub next: Option<String>,
    /// Lines on the whole worklist, and of those overdue; each counted up to 500, so that
    /// counting costs the same however long the list is.
    pub total: usize,
    pub overdue: usize,
    /// Whether there are more lines than `total` (it stopped counting).
    pub total_is_lower_bound: bool,
    /// Whether there are more overdue lines than `overdue`.
    pub overdue_is_lower_bound: bool,
}

#[utoipa::path(get, path = "/api/v1/worklist", tag = "werk", params(WorklistQuery),
    responses((status = 200, body = WorklistDto), (status = 403, description = "Geen toegang"),
        (status = 422, description = "Ongeldige paginagrootte of vervolgwaarde")))]
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
    let limit = crate::query::page_limit_or(q.limit, 100)? as usize;
    let after =
        match q.after.as_deref() {
            None => None,
            Some(a) => Some(nazorg_app::DueKey::decode(a).ok_or_else(|| {
                ApiError(AppError::Invalid("Ongeldige waarde voor 'after'.".into()))
            })?),
        };
    let page = s
        .app
        .worklist_page(&actor, (scope, day), (after, limit), &s.config.deadlines)
        .await?;
    Ok(Json(WorklistDto {
        next: page.next.map(|k| k.encode()),
        total: page.total.n,
        overdue: page.overdue.n,
        total_is_lower_bound: page.total.more,
        overdue_is_lower_bound: page.overdue.more,
        items: page
            .items
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

/// An absence of a coordinator to register, and who stands in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AbsenceIn {
    /// The user id of the coordinator who is away.
    pub user_id: i64,
    /// The user id of the coordinator who stands in.
    pub substitute_id: i64,
    /// YYYY-MM-DD: the first day away.
    #[schema(format = Date)]
    pub starts_on: String,
    /// YYYY-MM-DD: the last day away (included).
    #[schema(format = Date)]
    pub ends_on: String,
    /// May be empty (at most 500 characters).
    #[serde(default)]
    pub note: String,
}

fn absence_dto(a: nazorg_app::Absence) -> AbsenceDto {
    AbsenceDto {
        id: a.id.0,
        user_id: a.user_id.0,
        user: a.user,
        substitute_id: a.substitute_id.0,
        substitute: a.substitute,
        starts_on: format_iso(a.starts_on),
        ends_on: format_iso(a.ends_on),
        note: a.note,
    }
}

/// Registers an absence: from its first day the substitute has a coordinator's rights and
/// sees the absent colleague's work, until its last.
#[utoipa::path(post, path = "/api/v1/absences", tag = "werk", request_body = AbsenceIn,
    responses((status = 201, body = AbsenceDto), (status = 403, description = "Geen toegang"),
        (status = 422, description = "Ongeldige invoer (een vervanger die de afwezige zelf is, een einde vóór het begin, een periode in het verleden)")))]
async fn add_absence(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Result<ApiJson<AbsenceIn>, ApiError>,
) -> Result<(StatusCode, Json<AbsenceDto>), ApiError> {
    // Who may not manage absences learns that first, whatever the body holds.
    s.app.permit(&actor, Action::ManageAbsences, None).await?;
    let ApiJson(b) = body?;
    let starts_on = date("starts_on", &b.starts_on)?;
    let ends_on = date("ends_on", &b.ends_on)?;
    let (absent, substitute) = (UserId(b.user_id), UserId(b.substitute_id));
    let id = s
        .app
        .add_absence(&actor, absent, substitute, starts_on, ends_on, &b.note)
        .await?;
    let made = s
        .app
        .list_absences(&actor)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(ApiError(crate::error::AppError::NotFound))?;
    Ok((StatusCode::CREATED, Json(absence_dto(made))))
}

/// Ends an absence today: one that has not begun is removed, a running one ends yesterday,
/// so that from today the colleague's work is theirs again.
#[utoipa::path(delete, path = "/api/v1/absences/{id}", tag = "werk", params(("id" = i64, Path)),
    responses((status = 204, description = "De afwezigheid is beëindigd"), (status = 403, description = "Geen toegang"),
        (status = 404, description = "Niet gevonden")))]
async fn end_absence(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<AbsenceId>,
) -> Result<StatusCode, ApiError> {
    s.app.end_absence(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/absences", tag = "werk",
    responses((status = 200, body = [AbsenceDto]), (status = 403, description = "Geen toegang")))]
async fn list_absences(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<AbsenceDto>>, ApiError> {
    let absences = s.app.list_absences(&actor).await?;
    Ok(Json(absences.into_iter().map(absence_dto).collect()))
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
