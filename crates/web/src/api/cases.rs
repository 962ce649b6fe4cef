//! Cases: the list, one case with everything about it, and registering a notification.

use super::{ApiJson, ApiPath, ApiQuery, VersionedCase};
use crate::AppState;
use crate::auth::{ApiActor, DeliveryOnly};
use crate::error::{ApiError, AppError};
use crate::input::*;
use crate::query::CaseQuery;
use crate::views::{CaseDetailDto, CaseSummaryDto};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use nazorg_app::ImportOutcome;
use nazorg_domain::access::Action;
use nazorg_domain::ids::CaseId;
use serde::Serialize;
use utoipa::ToSchema;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/cases", get(list_cases))
        .route("/notifications", post(create_notification))
        .route("/cases/{id}", get(get_case))
}

/// One page of cases.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseList {
    pub items: Vec<CaseSummaryDto>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

/// What registering a notification did.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationResult {
    #[schema(value_type = i64)]
    pub case_id: CaseId,
    /// false when the detention was already known (nothing new was created).
    pub created: bool,
    /// true when the detention was known and the notification changed its facts (the
    /// case's history says old → new, and a `chain_changed` signal is raised).
    pub updated: bool,
}

#[utoipa::path(get, path = "/api/v1/cases", tag = "casussen", params(CaseQuery),
    responses((status = 200, body = CaseList), (status = 401, description = "Niet ingelogd")))]
async fn list_cases(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<CaseQuery>,
) -> Result<Json<CaseList>, ApiError> {
    let (filter, after) = q.filter()?;
    let page = s
        .app
        .list_cases(&actor, &filter, after, crate::query::page_limit(q.limit)?)
        .await?;
    Ok(Json(CaseList {
        items: page.items.iter().map(CaseSummaryDto::from).collect(),
        next: page.next.map(|c| c.encode()),
    }))
}

/// That a notification arrived, for a client that may only deliver them.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationReceipt {
    /// Always `received`.
    pub status: &'static str,
}

#[utoipa::path(post, path = "/api/v1/notifications", tag = "meldingen", request_body = NotificationIn,
    responses((status = 201, body = NotificationResult, description = "Nieuwe casus"),
              (status = 200, body = NotificationResult, description = "Detentie was al bekend"),
              (status = 202, body = NotificationReceipt, description = "Ontvangen (een token dat alleen meldingen aanlevert hoort niet wat ermee gebeurde)"),
              (status = 422, description = "Ongeldige melding")))]
async fn create_notification(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    delivery: Option<Extension<DeliveryOnly>>,
    ApiJson(body): ApiJson<NotificationIn>,
) -> Result<Response, ApiError> {
    s.app
        .permit(&actor, Action::CreateNotification, None)
        .await?;
    let notification = body.parse().map_err(|e| AppError::Invalid(e.to_string()))?;
    let outcome = s.app.import_notification(&actor, &notification).await?;
    if delivery.is_some() {
        let receipt = NotificationReceipt { status: "received" };
        return Ok((StatusCode::ACCEPTED, Json(receipt)).into_response());
    }
    let created = matches!(outcome, ImportOutcome::Created { .. });
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(NotificationResult {
            case_id: outcome.case_id(),
            created,
            updated: matches!(outcome, ImportOutcome::Updated { .. }),
        }),
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "casussen", params(("id" = i64, Path)),
    responses((status = 200, body = CaseDetailDto, headers(("ETag" = String, description = "De versie van de casus, voor If-Match"))),
        (status = 404, description = "Niet gevonden")))]
async fn get_case(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<CaseId>,
) -> Result<VersionedCase, ApiError> {
    let detail = s.app.get_case(&actor, id).await?;
    Ok(VersionedCase(CaseDetailDto::from(&detail)))
}
