//! The steps of a case: each changes one part of it and answers with the case as it now is.

use super::{ApiJson, ApiPath};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::ApiError;
use crate::input::*;
use crate::views::CaseDetailDto;
use axum::extract::State;
use axum::routing::{patch, post, put};
use axum::{Json, Router};
use nazorg_domain::access::Action;
use nazorg_domain::ids::{AgreementId, CaseId, SafetyItemId};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/offer", put(record_offer))
        .route("/cases/{id}/triage", put(record_triage))
        .route("/cases/{id}/direction", put(decide_direction))
        .route("/cases/{id}/agreements", post(add_agreement))
        .route(
            "/cases/{id}/agreements/{agreement_id}",
            patch(set_agreement_done),
        )
        .route("/cases/{id}/readiness", put(set_readiness))
        .route("/cases/{id}/release", put(record_release))
        .route("/cases/{id}/contacts", post(log_contact))
        .route("/cases/{id}/household-members", post(add_household_member))
        .route("/cases/{id}/facts", put(update_facts))
        .route(
            "/cases/{id}/eligibility-override",
            put(override_eligibility),
        )
        .route("/cases/{id}/coordinator", put(assign_coordinator))
        .route("/cases/{id}/closure", post(close_case))
        .route("/cases/{id}/safety-agenda-items", post(add_safety_item))
        .route(
            "/cases/{id}/safety-agenda-items/{item_id}",
            put(record_safety_outcome),
        )
}

/// Answers a step with the case as it now is.
async fn fresh(
    s: &AppState,
    actor: &nazorg_domain::access::Actor,
    id: CaseId,
) -> Result<Json<CaseDetailDto>, ApiError> {
    Ok(Json(CaseDetailDto::from(&s.app.get_case(actor, id).await?)))
}

macro_rules! step_handler {
    ($name:ident, $method:ident, $path:literal, $body:ty, |$s:ident, $actor:ident, $id:ident, $b:ident| $call:expr) => {
        #[utoipa::path($method, path = $path, tag = "casussen", params(("id" = i64, Path)), request_body = $body,
            responses((status = 200, body = CaseDetailDto), (status = 409, description = "Niet toegestaan in deze fase"),
                      (status = 422, description = "Ongeldige invoer")))]
        async fn $name(State($s): State<AppState>, ApiActor($actor): ApiActor, ApiPath($id): ApiPath<CaseId>, ApiJson($b): ApiJson<$body>) -> Result<Json<CaseDetailDto>, ApiError> {
            $s.app.permit(&$actor, Action::WriteCase, Some($id)).await?;
            $call;
            fresh(&$s, &$actor, $id).await
        }
    };
}

step_handler!(
    record_offer,
    put,
    "/api/v1/cases/{id}/offer",
    OfferIn,
    |s, actor, id, b| s.app.record_offer(&actor, id, &b.parse()?).await?
);
step_handler!(
    record_triage,
    put,
    "/api/v1/cases/{id}/triage",
    TriageIn,
    |s, actor, id, b| s.app.record_triage(&actor, id, &b.parse()?).await?
);
step_handler!(
    decide_direction,
    put,
    "/api/v1/cases/{id}/direction",
    DirectionIn,
    |s, actor, id, b| s.app.decide_direction(&actor, id, &b.parse()?).await?
);
step_handler!(
    add_agreement,
    post,
    "/api/v1/cases/{id}/agreements",
    AgreementIn,
    |s, actor, id, b| s.app.add_agreement(&actor, id, &b.parse()?).await?
);
step_handler!(
    set_readiness,
    put,
    "/api/v1/cases/{id}/readiness",
    ReadinessIn,
    |s, actor, id, b| s.app.set_readiness(&actor, id, &b.parse()).await?
);
step_handler!(
    record_release,
    put,
    "/api/v1/cases/{id}/release",
    ReleaseIn,
    |s, actor, id, b| s
        .app
        .record_release(&actor, id, date("de datum van vrijlating", &b.date)?)
        .await?
);
step_handler!(
    log_contact,
    post,
    "/api/v1/cases/{id}/contacts",
    ContactIn,
    |s, actor, id, b| s.app.log_contact(&actor, id, &b.parse()?).await?
);
step_handler!(
    add_household_member,
    post,
    "/api/v1/cases/{id}/household-members",
    HouseholdIn,
    |s, actor, id, b| s.app.add_household_member(&actor, id, &b.parse()?).await?
);
step_handler!(
    update_facts,
    put,
    "/api/v1/cases/{id}/facts",
    FactsIn,
    |s, actor, id, b| s.app.update_facts(&actor, id, &b.parse()?).await?
);
step_handler!(
    override_eligibility,
    put,
    "/api/v1/cases/{id}/eligibility-override",
    OverrideIn,
    |s, actor, id, b| s.app.override_eligibility(&actor, id, &b.parse()?).await?
);
step_handler!(
    assign_coordinator,
    put,
    "/api/v1/cases/{id}/coordinator",
    CoordinatorIn,
    |s, actor, id, b| s.app.assign_coordinator(&actor, id, b.user_id).await?
);
step_handler!(
    close_case,
    post,
    "/api/v1/cases/{id}/closure",
    CloseIn,
    |s, actor, id, b| s.app.close_case(&actor, id, &b.parse()?).await?
);

#[utoipa::path(patch, path = "/api/v1/cases/{id}/agreements/{agreement_id}", tag = "casussen",
    params(("id" = i64, Path), ("agreement_id" = i64, Path)), request_body = AgreementDoneIn,
    responses((status = 200, body = CaseDetailDto), (status = 404, description = "Niet gevonden")))]
async fn set_agreement_done(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((id, agreement_id)): ApiPath<(CaseId, AgreementId)>,
    ApiJson(b): ApiJson<AgreementDoneIn>,
) -> Result<Json<CaseDetailDto>, ApiError> {
    s.app
        .set_agreement_done(&actor, id, agreement_id, b.done)
        .await?;
    fresh(&s, &actor, id).await
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/safety-agenda-items", tag = "casussen", params(("id" = i64, Path)), request_body = SafetyItemIn,
    responses((status = 200, body = CaseDetailDto)))]
async fn add_safety_item(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(b): ApiJson<SafetyItemIn>,
) -> Result<Json<CaseDetailDto>, ApiError> {
    s.app.permit(&actor, Action::WriteCase, Some(id)).await?;
    s.app
        .add_safety_item(
            &actor,
            id,
            date("de datum van de Veiligheidskamer", &b.put_on)?,
            &b.reason,
        )
        .await?;
    fresh(&s, &actor, id).await
}

#[utoipa::path(put, path = "/api/v1/cases/{id}/safety-agenda-items/{item_id}", tag = "casussen", params(("id" = i64, Path), ("item_id" = i64, Path)),
    request_body = SafetyOutcomeIn, responses((status = 200, body = CaseDetailDto)))]
async fn record_safety_outcome(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((id, item_id)): ApiPath<(CaseId, SafetyItemId)>,
    ApiJson(b): ApiJson<SafetyOutcomeIn>,
) -> Result<Json<CaseDetailDto>, ApiError> {
    s.app.permit(&actor, Action::WriteCase, Some(id)).await?;
    let discussed = date("de datum van bespreking", &b.discussed_on)?;
    s.app
        .record_safety_outcome(&actor, id, item_id, discussed, &b.outcome, &b.follow_up)
        .await?;
    fresh(&s, &actor, id).await
}
