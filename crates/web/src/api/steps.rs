//! The steps of a case: each changes one part of it and answers with the case as it now is.

use super::{ApiJson, ApiPath, IfMatch, VersionedCase};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::ApiError;
use crate::input::*;
use crate::views::CaseDetailDto;
use axum::Router;
use axum::extract::State;
use axum::routing::{patch, post, put};
use nazorg_app::SafetyOutcome;
use nazorg_domain::access::Action;
use nazorg_domain::ids::{AgreementId, CaseId, SafetyItemId};

pub(super) fn router() -> Router<AppState> {
    table_routes()
        .route("/cases/{id}/facts", patch(patch_facts))
        .route(
            "/cases/{id}/agreements/{agreement_id}",
            patch(set_agreement_done),
        )
        .route(
            "/cases/{id}/safety-agenda-items/{item_id}",
            put(record_safety_outcome),
        )
        .route(
            "/cases/{id}/signals/{signal_id}/resolution",
            post(handle_signal),
        )
}

/// Answers a step with the case as it now is.
async fn fresh(
    s: &AppState,
    actor: &nazorg_domain::access::Actor,
    id: CaseId,
) -> Result<VersionedCase, ApiError> {
    Ok(VersionedCase(CaseDetailDto::from(
        &s.app.get_case(actor, id).await?,
    )))
}

/// The steps that take a body and answer with the case: per step its handler, the method
/// and path under `/api/v1` of both its route (in `table_routes`) and its OpenAPI
/// annotation, the body, whether it `[replaces]` values (then it needs `If-Match`, and the
/// use case gets the version read as `seen`), the responses its annotation lists when not
/// the usual ones, and the use case it calls when that is not the use case of the same
/// name with the parsed body. Each handler checks that the case is writable by the caller.
macro_rules! case_steps {
    (|$s:ident, $actor:ident, $id:ident, $b:ident, $seen:ident| $($name:ident: $method:ident $path:literal ($body:ty) $([$replaces:ident])? $(responses $responses:tt)? $(=> $call:expr)?;)*) => {
        $(
            case_steps!(@step [$($replaces)?] |$s, $actor, $id, $b, $seen| $name: $method $path ($body)
                // The first of these is the step's responses.
                [$($responses)? ((status = 200, body = CaseDetailDto), (status = 409, description = "Niet toegestaan in deze fase"),
                                 (status = 422, description = "Ongeldige invoer"))]
                $(=> $call)?);
        )*

        /// The routes of the steps of the table.
        fn table_routes() -> Router<AppState> {
            Router::new()$(.route($path, $method($name)))*
        }
    };
    (@step [replaces] |$s:ident, $actor:ident, $id:ident, $b:ident, $seen:ident| $name:ident: $method:ident $path:literal ($body:ty) [($($responses:tt)*) $($usual:tt)?] $(=> $call:expr)?) => {
        #[utoipa::path($method, path = $path, context_path = "/api/v1", tag = "casussen",
            params(("id" = i64, Path), ("If-Match" = String, Header, description = "De ETag van de casus zoals u die las")),
            request_body = $body,
            responses($($responses)*, (status = 412, description = "Intussen gewijzigd door een ander"),
                      (status = 428, description = "If-Match ontbreekt")))]
        async fn $name(State($s): State<AppState>, ApiActor($actor): ApiActor, ApiPath($id): ApiPath<CaseId>, if_match: IfMatch, body: Result<ApiJson<$body>, ApiError>) -> Result<VersionedCase, ApiError> {
            // Who may not write the case learns that first, whatever the body holds.
            $s.app.permit(&$actor, Action::WriteCase, Some($id)).await?;
            let ApiJson($b) = body?;
            let $seen = if_match.seen()?;
            case_steps!(@call $($call)?; $s.app.$name(&$actor, $id, $seen, &$b.parse()?).await?);
            fresh(&$s, &$actor, $id).await
        }
    };
    (@step [] |$s:ident, $actor:ident, $id:ident, $b:ident, $seen:ident| $name:ident: $method:ident $path:literal ($body:ty) [$responses:tt $($usual:tt)?] $(=> $call:expr)?) => {
        #[utoipa::path($method, path = $path, context_path = "/api/v1", tag = "casussen", params(("id" = i64, Path)), request_body = $body,
            responses $responses)]
        async fn $name(State($s): State<AppState>, ApiActor($actor): ApiActor, ApiPath($id): ApiPath<CaseId>, body: Result<ApiJson<$body>, ApiError>) -> Result<VersionedCase, ApiError> {
            $s.app.permit(&$actor, Action::WriteCase, Some($id)).await?;
            let ApiJson($b) = body?;
            case_steps!(@call $($call)?; $s.app.$name(&$actor, $id, &$b.parse()?).await?);
            fresh(&$s, &$actor, $id).await
        }
    };
    (@call ; $default:expr) => { $default };
    (@call $call:expr; $default:expr) => { $call };
}

case_steps! { |s, actor, id, b, seen|
    record_offer: put "/cases/{id}/offer" (OfferIn) [replaces];
    record_triage: put "/cases/{id}/triage" (TriageIn) [replaces];
    decide_direction: put "/cases/{id}/direction" (DirectionIn) [replaces];
    add_agreement: post "/cases/{id}/agreements" (AgreementIn);
    set_readiness: put "/cases/{id}/readiness" (ReadinessIn) [replaces] =>
        s.app.set_readiness(&actor, id, seen, &b.parse()).await?;
    record_release: put "/cases/{id}/release" (ReleaseIn) [replaces] =>
        s.app.record_release(&actor, id, seen, date("de datum van vrijlating", &b.date)?).await?;
    log_contact: post "/cases/{id}/contacts" (ContactIn);
    add_appointment: post "/cases/{id}/appointments" (AppointmentIn) => {
        let (starts_at, kind) = b.parse()?;
        s.app.add_appointment(&actor, id, starts_at, kind, &b.place).await?
    };
    add_household_member: post "/cases/{id}/household-members" (HouseholdIn);
    update_facts: put "/cases/{id}/facts" (FactsIn) [replaces]
        responses((status = 200, body = CaseDetailDto), (status = 409, description = "Niet toegestaan in deze fase"),
                  (status = 422, description = "Ongeldige invoer, of een veld ontbreekt"));
    override_eligibility: put "/cases/{id}/eligibility-override" (OverrideIn) [replaces];
    record_bsn: put "/cases/{id}/bsn" (BsnIn) [replaces];
    assign_coordinator: put "/cases/{id}/coordinator" (CoordinatorIn) [replaces] =>
        s.app.assign_coordinator(&actor, id, seen, b.user_id).await?;
    close_case: post "/cases/{id}/closure" (CloseIn);
    add_safety_item: post "/cases/{id}/safety-agenda-items" (SafetyItemIn)
        responses((status = 200, body = CaseDetailDto), (status = 409, description = "Niet toegestaan in deze fase"),
                  (status = 422, description = "Ongeldige invoer")) => {
            let put_on = date("de datum van de Veiligheidskamer", &b.put_on)?;
            s.app.add_safety_item(&actor, id, put_on, &b.reason).await?
        };
}

#[utoipa::path(patch, path = "/api/v1/cases/{id}/facts", tag = "casussen",
    params(("id" = i64, Path), ("If-Match" = String, Header, description = "De ETag van de casus zoals u die las")),
    request_body(content = FactsPatchIn, content_type = "application/merge-patch+json",
        description = "Alleen de velden die wijzigen (JSON Merge Patch, RFC 7396); null maakt een onbekend feit leeg"),
    responses((status = 200, body = CaseDetailDto), (status = 409, description = "Niet toegestaan in deze fase"),
        (status = 412, description = "Intussen gewijzigd door een ander"), (status = 422, description = "Ongeldige invoer"),
        (status = 428, description = "If-Match ontbreekt")))]
async fn patch_facts(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<CaseId>,
    if_match: IfMatch,
    body: Result<ApiJson<FactsPatchIn>, ApiError>,
) -> Result<VersionedCase, ApiError> {
    s.app.permit(&actor, Action::WriteCase, Some(id)).await?;
    let ApiJson(b) = body?;
    let seen = if_match.seen()?;
    s.app.update_facts(&actor, id, seen, &b.parse()?).await?;
    fresh(&s, &actor, id).await
}

#[utoipa::path(patch, path = "/api/v1/cases/{id}/agreements/{agreement_id}", tag = "casussen",
    params(("id" = i64, Path), ("agreement_id" = i64, Path)), request_body = AgreementDoneIn,
    responses((status = 200, body = CaseDetailDto), (status = 404, description = "Niet gevonden"),
        (status = 412, description = "Intussen gewijzigd door een ander"), (status = 428, description = "If-Match ontbreekt")))]
async fn set_agreement_done(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((id, agreement_id)): ApiPath<(CaseId, AgreementId)>,
    if_match: IfMatch,
    body: Result<ApiJson<AgreementDoneIn>, ApiError>,
) -> Result<VersionedCase, ApiError> {
    s.app.permit(&actor, Action::WriteCase, Some(id)).await?;
    let ApiJson(b) = body?;
    let seen = if_match.seen()?;
    s.app
        .set_agreement_done(&actor, id, seen, agreement_id, b.done)
        .await?;
    fresh(&s, &actor, id).await
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/signals/{signal_id}/resolution", tag = "casussen",
    params(("id" = i64, Path), ("signal_id" = i64, Path)), request_body = ResolutionIn,
    responses((status = 200, body = CaseDetailDto), (status = 404, description = "Niet gevonden"),
        (status = 409, description = "Al afgehandeld"), (status = 422, description = "Ongeldige invoer")))]
async fn handle_signal(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((id, signal_id)): ApiPath<(CaseId, i64)>,
    body: Result<ApiJson<ResolutionIn>, ApiError>,
) -> Result<VersionedCase, ApiError> {
    s.app.permit(&actor, Action::WriteCase, Some(id)).await?;
    let ApiJson(b) = body?;
    s.app
        .handle_signal(&actor, id, signal_id, b.parse()?)
        .await?;
    fresh(&s, &actor, id).await
}

#[utoipa::path(put, path = "/api/v1/cases/{id}/safety-agenda-items/{item_id}", tag = "casussen", params(("id" = i64, Path), ("item_id" = i64, Path)),
    request_body = SafetyOutcomeIn, responses((status = 200, body = CaseDetailDto),
        (status = 412, description = "Intussen gewijzigd door een ander"), (status = 428, description = "If-Match ontbreekt")))]
async fn record_safety_outcome(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((id, item_id)): ApiPath<(CaseId, SafetyItemId)>,
    if_match: IfMatch,
    body: Result<ApiJson<SafetyOutcomeIn>, ApiError>,
) -> Result<VersionedCase, ApiError> {
    s.app.permit(&actor, Action::WriteCase, Some(id)).await?;
    let ApiJson(b) = body?;
    let seen = if_match.seen()?;
    let discussed = date("de datum van bespreking", &b.discussed_on)?;
    s.app
        .record_safety_outcome(
            &actor,
            id,
            seen,
            &SafetyOutcome {
                item_id,
                discussed_on: discussed,
                outcome: &b.outcome,
                follow_up: &b.follow_up,
            },
        )
        .await?;
    fresh(&s, &actor, id).await
}
