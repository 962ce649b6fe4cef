//! The chain around a case: what the BRP said of it, and the lookups that still wait.

use super::ApiPath;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::ApiError;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use nazorg_app::CaseDetail;
use nazorg_domain::dates::format_iso;
use nazorg_domain::ids::CaseId;
use serde::Serialize;
use utoipa::ToSchema;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/brp", get(get_brp))
        .route("/cases/{id}/brp-lookups", post(request_brp_lookup))
        .route("/cases/{id}/zaak", get(get_zaak))
}

/// A call to an outside system that still waits.
#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingCallDto {
    /// When it was asked for (RFC 3339).
    #[schema(format = DateTime)]
    pub requested_at: String,
    /// Failed tries so far.
    pub attempts: i64,
    #[schema(format = DateTime)]
    pub last_attempt_at: Option<String>,
    /// Why the last try failed, in Dutch.
    pub last_error: Option<String>,
    /// When it is tried again.
    #[schema(format = DateTime)]
    pub next_attempt_at: String,
}

/// What the BRP said of a case, and a lookup that still waits.
#[derive(Debug, Serialize, ToSchema)]
pub struct BrpStateDto {
    /// The BRP is connected to this installation.
    pub connected: bool,
    /// registered | recently_deregistered | not_registered; null while unknown.
    #[schema(value_type = Option<nazorg_domain::notification::BrpStatus>, inline)]
    pub brp_status: Option<String>,
    /// YYYY-MM-DD: the last successful lookup; null while none succeeded.
    #[schema(format = Date)]
    pub checked_on: Option<String>,
    /// YYYY-MM-DD: the day the registration ended, where the BRP said so.
    #[schema(format = Date)]
    pub status_since: Option<String>,
    /// The municipality of (last) registration, a CBS code.
    pub last_residence_code: Option<String>,
    /// The lookup that still waits, if any.
    pub waiting: Option<WaitingCallDto>,
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The case's zaak in the zaaksysteem, and what still waits to be posted to it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ZaakStateDto {
    /// The zaaksysteem is connected to this installation.
    pub connected: bool,
    /// The zaak's identificatie, once registered ("NAZORG-1783-12").
    pub identificatie: Option<String>,
    /// The zaak's URL in the Zaken API, once registered.
    #[schema(format = "uri")]
    pub url: Option<String>,
    /// Statuses and the resultaat not yet in the zaaksysteem.
    pub waiting_updates: i64,
    /// The call that still waits, if any.
    pub waiting: Option<WaitingCallDto>,
}

fn waiting_dto(d: &CaseDetail, kind: &str) -> Option<WaitingCallDto> {
    d.waiting_call(kind).map(|c| WaitingCallDto {
        requested_at: rfc3339(c.created_at),
        attempts: c.attempts,
        last_attempt_at: c.last_attempt_at.map(rfc3339),
        last_error: c.last_error.clone(),
        next_attempt_at: rfc3339(c.next_attempt_at),
    })
}

fn brp_state(d: &CaseDetail, connected: bool) -> BrpStateDto {
    BrpStateDto {
        connected,
        brp_status: d.summary.brp_status.map(|s| s.code().to_string()),
        checked_on: d.summary.brp_checked_on.map(format_iso),
        status_since: d.brp_status_since.map(format_iso),
        last_residence_code: d.last_residence_code.clone(),
        waiting: waiting_dto(d, nazorg_app::brp::LOOKUP),
    }
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/zaak", tag = "casussen", params(("id" = i64, Path)),
    responses((status = 200, body = ZaakStateDto), (status = 404, description = "Niet gevonden")))]
async fn get_zaak(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<CaseId>,
) -> Result<Json<ZaakStateDto>, ApiError> {
    let d = s.app.get_case(&actor, id).await?;
    Ok(Json(ZaakStateDto {
        connected: s.app.zgw_connected(),
        identificatie: d.zaak_identificatie.clone(),
        url: d.zaak_url.clone(),
        waiting_updates: d.zaak_waiting_updates,
        waiting: waiting_dto(&d, nazorg_app::zgw::SYNC),
    }))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/brp", tag = "casussen", params(("id" = i64, Path)),
    responses((status = 200, body = BrpStateDto), (status = 404, description = "Niet gevonden")))]
async fn get_brp(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<CaseId>,
) -> Result<Json<BrpStateDto>, ApiError> {
    let detail = s.app.get_case(&actor, id).await?;
    Ok(Json(brp_state(&detail, s.app.brp_connected())))
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/brp-lookups", tag = "casussen", params(("id" = i64, Path)),
    responses((status = 202, body = BrpStateDto, description = "De bevraging wacht in de wachtrij; GET /cases/{id}/brp toont wanneer ze klaar is"),
        (status = 404, description = "Niet gevonden"), (status = 422, description = "Geen BRP ingesteld, of nog geen BSN")))]
async fn request_brp_lookup(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<CaseId>,
) -> Result<(StatusCode, Json<BrpStateDto>), ApiError> {
    s.app.request_brp_lookup(&actor, id).await?;
    let detail = s.app.get_case(&actor, id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(brp_state(&detail, s.app.brp_connected())),
    ))
}
