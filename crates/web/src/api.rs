//! The JSON API under `/api/v1`, following the NL GOV API Design Rules: plural resource
//! names, no trailing slashes, problem+json errors, an `API-Version` header, and an
//! OpenAPI 3 document generated from this code.

use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, AppError};
use crate::input::*;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use nazorg_domain::access::Action;
use nazorg_domain::dates::format_iso;
use nazorg_domain::eligibility::{RuleState, rule_results};
use nazorg_domain::notification::MunicipalityCode;
use nazorg_domain::triage::{Direction, suggest_direction};
use nazorg_domain::{EligibilityFacts, Status};
use nazorg_store::{CaseDetail, CaseFilter, CaseSummary, Cursor, ImportOutcome};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/cases", get(list_cases))
        .route("/notifications", post(create_notification))
        .route("/cases/{id}", get(get_case))
        .route("/cases/{id}/offer", put(record_offer))
        .route("/cases/{id}/triage", put(record_triage))
        .route("/cases/{id}/direction", put(decide_direction))
        .route("/cases/{id}/agreements", post(add_agreement))
        .route(
            "/cases/{id}/agreements/{agreement_id}",
            axum::routing::patch(set_agreement_done),
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
        .route("/cases/{id}/referrals", post(create_referral))
        .route("/cases/{id}/safety-agenda-items", post(add_safety_item))
        .route(
            "/cases/{id}/safety-agenda-items/{item_id}",
            put(record_safety_outcome),
        )
        .route("/referrals", get(list_referrals))
        .route("/referrals/{id}", get(get_referral))
        .route("/referrals/{id}/steps", post(referral_step))
        .route(
            "/referrals/{id}/acknowledgement",
            post(acknowledge_referral),
        )
        .route("/referral-figures", get(referral_figures))
        .route("/monitor", get(monitor))
        .route("/partners", get(list_partners).post(add_partner))
        .route("/service-kinds", get(list_service_kinds))
        .route("/service-kinds/{id}", put(set_service_price))
        .route("/budgets/{year}", get(get_budget))
        .route("/budgets/{year}/lines/{code}", put(set_budget_cap))
        .fallback(not_found)
}

async fn not_found() -> ApiError {
    ApiError(AppError::NotFound)
}

/// JSON body extractor whose rejections are problem+json in Dutch.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(ApiError(AppError::Invalid(json_message(&e)))),
        }
    }
}

fn json_message(e: &JsonRejection) -> String {
    match e {
        JsonRejection::MissingJsonContentType(_) => {
            "Stuur de gegevens als JSON (Content-Type: application/json).".into()
        }
        other => format!("De JSON kon niet worden gelezen: {}", other.body_text()),
    }
}

/// Path extractor whose rejections (an id that is not a number) are problem+json in Dutch.
pub struct ApiPath<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(ApiPath(v)),
            Err(_) => Err(ApiError(AppError::NotFound)),
        }
    }
}

/// Query-string extractor whose rejections are problem+json in Dutch.
pub struct ApiQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(e @ QueryRejection::FailedToDeserializeQueryString(_)) => Err(ApiError(
                AppError::Invalid(format!("Ongeldige zoekparameters: {}", e.body_text())),
            )),
            Err(e) => Err(ApiError(AppError::Invalid(e.body_text()))),
        }
    }
}

// --- output types ------------------------------------------------------------------------

/// A case as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummaryDto {
    pub case_id: i64,
    pub resident_id: i64,
    pub bsn: String,
    pub family_name: String,
    pub given_names: String,
    /// YYYY-MM-DD
    pub birth_date: Option<String>,
    pub institution: String,
    /// YYYY-MM-DD
    pub detention_start: String,
    pub expected_release: Option<String>,
    pub actual_release: Option<String>,
    /// notified | not_reached | declined | accepted | triaged | planning | aftercare | closed
    pub status: String,
    pub status_label: String,
    /// The outcome in force, after any override: eligible | not_eligible | undetermined
    pub eligibility: String,
    /// Codes of the failed rules or missing facts behind the rules' own outcome.
    pub eligibility_reasons: Vec<String>,
    pub eligibility_overridden: bool,
    /// coordinator | skt | exodus
    pub direction: Option<String>,
    /// User id of the case's coordinator.
    pub coordinator_id: Option<i64>,
    /// Display name of the case's coordinator.
    pub coordinator: Option<String>,
    pub next_action: Option<String>,
    pub action_due: Option<String>,
}

impl From<&CaseSummary> for CaseSummaryDto {
    fn from(c: &CaseSummary) -> Self {
        let open = c.status.is_open();
        CaseSummaryDto {
            case_id: c.case_id,
            resident_id: c.resident_id,
            bsn: c.bsn.clone(),
            family_name: c.family_name.clone(),
            given_names: c.given_names.clone(),
            birth_date: c.birth_date.map(format_iso),
            institution: c.institution.clone(),
            detention_start: format_iso(c.detention_start),
            expected_release: c.expected_release.map(format_iso),
            actual_release: c.actual_release.map(format_iso),
            status: c.status.code().into(),
            status_label: c.status.label().into(),
            eligibility: c.eligibility.code().into(),
            eligibility_reasons: c
                .eligibility_reasons
                .iter()
                .map(|r| r.code().to_string())
                .collect(),
            eligibility_overridden: c.eligibility_overridden,
            direction: c.direction.map(|d| d.code().to_string()),
            coordinator_id: c.coordinator_id,
            coordinator: c.coordinator.clone(),
            next_action: open.then(|| c.next_action.clone()),
            action_due: open.then(|| format_iso(c.action_due)),
        }
    }
}

/// One page of cases.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseList {
    pub items: Vec<CaseSummaryDto>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

/// One eligibility rule and how it came out.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleDto {
    pub rule: String,
    pub label: String,
    /// met | failed | unknown
    pub state: String,
    pub reason: Option<String>,
    pub explanation: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TriageDto {
    pub domain: String,
    pub need: String,
    pub self_reliance: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementDto {
    pub id: i64,
    pub domain: String,
    pub description: String,
    pub owner: String,
    pub due_date: Option<String>,
    pub done: bool,
    pub done_on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactDto {
    pub id: i64,
    pub date: String,
    pub kind: String,
    pub note: String,
    pub created_by: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdMemberDto {
    pub id: i64,
    pub relation: String,
    pub is_minor: bool,
    pub support_need: String,
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    /// RFC 3339
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub summary: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadinessDto {
    pub housing: bool,
    pub brp_registration: bool,
    pub id_document: bool,
    pub income: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionDto {
    pub direction: String,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DomainResultDto {
    pub domain: String,
    pub result: String,
}

/// Everything about one case.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseDetailDto {
    #[serde(flatten)]
    pub summary: CaseSummaryDto,
    pub municipality_code: String,
    pub last_residence_code: Option<String>,
    pub brp_status: Option<String>,
    pub sentence: Option<String>,
    /// The rules' own outcome, before any override.
    pub computed_eligibility: String,
    pub eligibility_rules: Vec<RuleDto>,
    pub override_reason: Option<String>,
    pub override_by: Option<String>,
    pub direction_reason: Option<String>,
    pub direction_since: Option<String>,
    pub suggested_direction: Option<SuggestionDto>,
    pub offer_outcome: Option<String>,
    pub offer_date: Option<String>,
    pub offer_contact_kind: Option<String>,
    pub triage: Vec<TriageDto>,
    pub triage_note: String,
    /// Already known to the SKT before (null: not recorded).
    pub known_to_skt: Option<bool>,
    /// Already known to the safety chamber before (null: not recorded).
    pub known_to_safety_chamber: Option<bool>,
    pub agreements: Vec<AgreementDto>,
    pub readiness: ReadinessDto,
    pub aftercare_end: Option<String>,
    pub contacts: Vec<ContactDto>,
    pub household_members: Vec<HouseholdMemberDto>,
    pub closing_reason: Option<String>,
    pub overall_result: Option<String>,
    pub closing_note: Option<String>,
    pub closed_on: Option<String>,
    pub closure_results: Vec<DomainResultDto>,
    pub notified_on: String,
    pub notification_sources: Vec<String>,
    pub referrals: Vec<ReferralDto>,
    pub safety_agenda: Vec<SafetyItemDto>,
    pub history: Vec<EventDto>,
}

/// The eligibility rules of a case, evaluated for display.
pub fn rules_of(d: &CaseDetail) -> Vec<nazorg_domain::eligibility::RuleResult> {
    let facts = EligibilityFacts {
        birth_date: d.summary.birth_date,
        residence: d
            .last_residence_code
            .as_deref()
            .and_then(|c| MunicipalityCode::parse(c).ok()),
        brp_status: d.brp_status,
        sentence: d.sentence,
        detention_start: d.summary.detention_start,
        expected_release: d.summary.actual_release.or(d.summary.expected_release),
    };
    match MunicipalityCode::parse(&d.municipality_code) {
        Ok(home) => rule_results(&facts, &home),
        Err(_) => Vec::new(),
    }
}

/// The system's suggestion for the case direction, once the triage is done.
pub fn suggestion_of(d: &CaseDetail) -> Option<(Direction, String)> {
    (d.triage.len() == 5).then(|| suggest_direction(&d.triage))
}

impl From<&CaseDetail> for CaseDetailDto {
    fn from(d: &CaseDetail) -> Self {
        let iso = |x: Option<time::Date>| x.map(format_iso);
        let code = |x: Option<&'static str>| x.map(str::to_string);
        CaseDetailDto {
            summary: CaseSummaryDto::from(&d.summary),
            municipality_code: d.municipality_code.clone(),
            last_residence_code: d.last_residence_code.clone(),
            brp_status: code(d.brp_status.map(|x| x.code())),
            sentence: code(d.sentence.map(|x| x.code())),
            computed_eligibility: d.computed_eligibility.code().into(),
            eligibility_rules: rules_of(d)
                .into_iter()
                .map(|r| {
                    let (state, reason) = match r.state {
                        RuleState::Met => ("met", None),
                        RuleState::Failed(reason) => ("failed", Some(reason.code().to_string())),
                        RuleState::Unknown(reason) => ("unknown", Some(reason.code().to_string())),
                    };
                    RuleDto {
                        rule: r.rule.code().into(),
                        label: r.rule.label().into(),
                        state: state.into(),
                        reason,
                        explanation: r.explanation,
                    }
                })
                .collect(),
            override_reason: d.override_reason.clone(),
            override_by: d.override_by.clone(),
            direction_reason: d.direction_reason.clone(),
            direction_since: iso(d.direction_since),
            suggested_direction: suggestion_of(d).map(|(direction, reason)| SuggestionDto {
                direction: direction.code().into(),
                reason,
            }),
            offer_outcome: code(d.offer_outcome.map(|x| x.code())),
            offer_date: iso(d.offer_date),
            offer_contact_kind: code(d.offer_contact_kind.map(|x| x.code())),
            triage: d
                .triage
                .iter()
                .map(|t| TriageDto {
                    domain: t.domain.code().into(),
                    need: t.need.code().into(),
                    self_reliance: t.self_reliance.code().into(),
                })
                .collect(),
            triage_note: d.triage_note.clone(),
            known_to_skt: d.known_to_skt,
            known_to_safety_chamber: d.known_to_safety_chamber,
            agreements: d
                .agreements
                .iter()
                .map(|a| AgreementDto {
                    id: a.id,
                    domain: a.domain.code().into(),
                    description: a.description.clone(),
                    owner: a.owner.clone(),
                    due_date: iso(a.due_date),
                    done: a.done,
                    done_on: iso(a.done_on),
                })
                .collect(),
            readiness: ReadinessDto {
                housing: d.ready_housing,
                brp_registration: d.ready_brp,
                id_document: d.ready_id,
                income: d.ready_income,
            },
            aftercare_end: iso(d.aftercare_end),
            contacts: d
                .contacts
                .iter()
                .map(|c| ContactDto {
                    id: c.id,
                    date: format_iso(c.date),
                    kind: c.kind.code().into(),
                    note: c.note.clone(),
                    created_by: c.created_by.clone(),
                })
                .collect(),
            household_members: d
                .household
                .iter()
                .map(|h| HouseholdMemberDto {
                    id: h.id,
                    relation: h.relation.code().into(),
                    is_minor: h.is_minor,
                    support_need: h.support_need.code().into(),
                    note: h.note.clone(),
                })
                .collect(),
            closing_reason: code(d.closing_reason.map(|x| x.code())),
            overall_result: code(d.overall_result.map(|x| x.code())),
            closing_note: d.closing_note.clone(),
            closed_on: iso(d.closed_on),
            closure_results: d
                .closure_results
                .iter()
                .map(|(domain, result)| DomainResultDto {
                    domain: domain.code().into(),
                    result: result.code().into(),
                })
                .collect(),
            notified_on: format_iso(d.notified_on),
            notification_sources: d
                .notifications
                .iter()
                .map(|n| n.source.code().to_string())
                .collect(),
            referrals: d.referrals.iter().map(ReferralDto::from).collect(),
            safety_agenda: d
                .safety_agenda
                .iter()
                .map(|i| SafetyItemDto {
                    id: i.id,
                    put_on: format_iso(i.put_on),
                    reason: i.reason.clone(),
                    discussed_on: i.discussed_on.map(format_iso),
                    outcome: i.outcome.clone(),
                    follow_up: i.follow_up.clone(),
                })
                .collect(),
            history: d
                .events
                .iter()
                .map(|e| EventDto {
                    at: e
                        .at
                        .format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default(),
                    actor: e.actor.clone(),
                    kind: e.kind.clone(),
                    summary: e.summary.clone(),
                })
                .collect(),
        }
    }
}

/// What registering a notification did.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationResult {
    pub case_id: i64,
    /// false when the detention was already known (nothing new was created).
    pub created: bool,
}

// --- handlers ------------------------------------------------------------------------

/// Filters and paging of the case list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// notified | not_reached | declined | accepted | triaged | planning | aftercare | closed
    pub status: Option<String>,
    /// coordinator | skt | exodus
    pub direction: Option<String>,
    /// User id of the coordinator.
    pub coordinator: Option<i64>,
    /// A BSN, or the start of a family name.
    pub search: Option<String>,
    /// Only open cases (default true when no status is given).
    pub open: Option<bool>,
    /// The `next` value of the previous page.
    pub after: Option<String>,
    /// Page size, 1–500 (default 25).
    pub limit: Option<u32>,
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

#[utoipa::path(get, path = "/api/v1/cases", tag = "casussen", params(CaseQuery),
    responses((status = 200, body = CaseList), (status = 401, description = "Niet ingelogd")))]
async fn list_cases(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<CaseQuery>,
) -> Result<Json<CaseList>, ApiError> {
    let (filter, after) = q.filter()?;
    let page = s
        .store
        .list_cases(&actor, &filter, after, q.limit.unwrap_or(25))
        .await?;
    Ok(Json(CaseList {
        items: page.items.iter().map(CaseSummaryDto::from).collect(),
        next: page.next.map(|c| c.encode()),
    }))
}

#[utoipa::path(post, path = "/api/v1/notifications", tag = "meldingen", request_body = NotificationIn,
    responses((status = 201, body = NotificationResult, description = "Nieuwe casus"),
              (status = 200, body = NotificationResult, description = "Detentie was al bekend"),
              (status = 422, description = "Ongeldige melding")))]
async fn create_notification(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<NotificationIn>,
) -> Result<Response, ApiError> {
    s.store
        .permit(&actor, Action::CreateNotification, None)
        .await?;
    let notification = body
        .to_row()
        .parse()
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    let outcome = s.store.import_notification(&actor, &notification).await?;
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
        }),
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "casussen", params(("id" = i64, Path)),
    responses((status = 200, body = CaseDetailDto), (status = 404, description = "Niet gevonden")))]
async fn get_case(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CaseDetailDto>, ApiError> {
    let detail = s.store.get_case(&actor, id).await?;
    Ok(Json(CaseDetailDto::from(&detail)))
}

/// Answers a step with the case as it now is.
async fn fresh(
    s: &AppState,
    actor: &nazorg_domain::access::Actor,
    id: i64,
) -> Result<Json<CaseDetailDto>, ApiError> {
    Ok(Json(CaseDetailDto::from(
        &s.store.get_case(actor, id).await?,
    )))
}

macro_rules! step_handler {
    ($name:ident, $method:ident, $path:literal, $body:ty, |$s:ident, $actor:ident, $id:ident, $b:ident| $call:expr) => {
        #[utoipa::path($method, path = $path, tag = "casussen", params(("id" = i64, Path)), request_body = $body,
            responses((status = 200, body = CaseDetailDto), (status = 409, description = "Niet toegestaan in deze fase"),
                      (status = 422, description = "Ongeldige invoer")))]
        async fn $name(State($s): State<AppState>, ApiActor($actor): ApiActor, ApiPath($id): ApiPath<i64>, ApiJson($b): ApiJson<$body>) -> Result<Json<CaseDetailDto>, ApiError> {
            $s.store.permit(&$actor, Action::WriteCase, Some($id)).await?;
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
    |s, actor, id, b| s.store.record_offer(&actor, id, &b.parse()?).await?
);
step_handler!(
    record_triage,
    put,
    "/api/v1/cases/{id}/triage",
    TriageIn,
    |s, actor, id, b| s.store.record_triage(&actor, id, &b.parse()?).await?
);
step_handler!(
    decide_direction,
    put,
    "/api/v1/cases/{id}/direction",
    DirectionIn,
    |s, actor, id, b| s.store.decide_direction(&actor, id, &b.parse()?).await?
);
step_handler!(
    add_agreement,
    post,
    "/api/v1/cases/{id}/agreements",
    AgreementIn,
    |s, actor, id, b| s.store.add_agreement(&actor, id, &b.parse()?).await?
);
step_handler!(
    set_readiness,
    put,
    "/api/v1/cases/{id}/readiness",
    ReadinessIn,
    |s, actor, id, b| s.store.set_readiness(&actor, id, &b.parse()).await?
);
step_handler!(
    record_release,
    put,
    "/api/v1/cases/{id}/release",
    ReleaseIn,
    |s, actor, id, b| s
        .store
        .record_release(&actor, id, date("de datum van vrijlating", &b.date)?)
        .await?
);
step_handler!(
    log_contact,
    post,
    "/api/v1/cases/{id}/contacts",
    ContactIn,
    |s, actor, id, b| s.store.log_contact(&actor, id, &b.parse()?).await?
);
step_handler!(
    add_household_member,
    post,
    "/api/v1/cases/{id}/household-members",
    HouseholdIn,
    |s, actor, id, b| s
        .store
        .add_household_member(&actor, id, &b.parse()?)
        .await?
);
step_handler!(
    update_facts,
    put,
    "/api/v1/cases/{id}/facts",
    FactsIn,
    |s, actor, id, b| s.store.update_facts(&actor, id, &b.parse()?).await?
);
step_handler!(
    override_eligibility,
    put,
    "/api/v1/cases/{id}/eligibility-override",
    OverrideIn,
    |s, actor, id, b| s
        .store
        .override_eligibility(&actor, id, &b.parse()?)
        .await?
);
step_handler!(
    assign_coordinator,
    put,
    "/api/v1/cases/{id}/coordinator",
    CoordinatorIn,
    |s, actor, id, b| s.store.assign_coordinator(&actor, id, b.user_id).await?
);
step_handler!(
    close_case,
    post,
    "/api/v1/cases/{id}/closure",
    CloseIn,
    |s, actor, id, b| s.store.close_case(&actor, id, &b.parse()?).await?
);

#[utoipa::path(patch, path = "/api/v1/cases/{id}/agreements/{agreement_id}", tag = "casussen",
    params(("id" = i64, Path), ("agreement_id" = i64, Path)), request_body = AgreementDoneIn,
    responses((status = 200, body = CaseDetailDto), (status = 404, description = "Niet gevonden")))]
async fn set_agreement_done(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((id, agreement_id)): ApiPath<(i64, i64)>,
    ApiJson(b): ApiJson<AgreementDoneIn>,
) -> Result<Json<CaseDetailDto>, ApiError> {
    s.store
        .set_agreement_done(&actor, id, agreement_id, b.done)
        .await?;
    fresh(&s, &actor, id).await
}

// --- partners, referrals, budget, safety chamber ------------------------------------------

/// A referral to a partner.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralDto {
    pub id: i64,
    pub case_id: i64,
    pub resident: String,
    pub partner_id: i64,
    pub partner: String,
    pub partner_kind: String,
    pub household_member_id: Option<i64>,
    pub domains: Vec<String>,
    pub reason: String,
    pub service: Option<String>,
    /// Price in euros.
    pub price: Option<f64>,
    pub over_cap_reason: Option<String>,
    /// asked | accepted | started | finished | returned | withdrawn
    pub status: String,
    pub asked_on: String,
    pub accepted_on: Option<String>,
    pub started_on: Option<String>,
    pub ended_on: Option<String>,
    pub return_reason: Option<String>,
    /// achieved | partly | not_achieved | stopped
    pub result: Option<String>,
    pub result_note: Option<String>,
    pub acknowledged: bool,
}

impl From<&nazorg_store::Referral> for ReferralDto {
    fn from(r: &nazorg_store::Referral) -> Self {
        ReferralDto {
            id: r.id,
            case_id: r.case_id,
            resident: r.resident.clone(),
            partner_id: r.partner_id,
            partner: r.partner.clone(),
            partner_kind: r.partner_kind.code().into(),
            household_member_id: r.household_member_id,
            domains: r.domains.iter().map(|d| d.code().to_string()).collect(),
            reason: r.reason.clone(),
            service: r.service.clone(),
            price: r.price_cents.map(|c| c as f64 / 100.0),
            over_cap_reason: r.over_cap_reason.clone(),
            status: r.status.code().into(),
            asked_on: format_iso(r.asked_on),
            accepted_on: r.accepted_on.map(format_iso),
            started_on: r.started_on.map(format_iso),
            ended_on: r.ended_on.map(format_iso),
            return_reason: r.return_reason.clone(),
            result: r.result.map(|x| x.code().to_string()),
            result_note: r.result_note.clone(),
            acknowledged: r.acknowledged,
        }
    }
}

/// A referral with its progress, as the partner sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralDetailDto {
    #[serde(flatten)]
    pub referral: ReferralDto,
    pub birth_date: Option<String>,
    /// The triage of the referred life domains only.
    pub triage: Vec<TriageDto>,
    pub notes: Vec<ReferralNoteDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralNoteDto {
    pub date: String,
    pub step: String,
    pub note: String,
    pub author: String,
}

/// One page of referrals.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralList {
    pub items: Vec<ReferralDto>,
    /// Pass as `before` for the next page.
    pub next: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SafetyItemDto {
    pub id: i64,
    pub put_on: String,
    pub reason: String,
    pub discussed_on: Option<String>,
    pub outcome: Option<String>,
    pub follow_up: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerDto {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub active: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceKindDto {
    pub id: i64,
    pub name: String,
    pub partner_kind: String,
    /// Euros.
    pub price: f64,
    pub budget_line: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BudgetLineDto {
    pub code: String,
    pub name: String,
    /// Amounts in euros.
    pub cap: f64,
    pub committed: f64,
    pub spent: f64,
    pub remaining: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BudgetMonthDto {
    pub month: u8,
    pub committed: f64,
    pub spent: f64,
}

/// A year's budget.
#[derive(Debug, Serialize, ToSchema)]
pub struct BudgetDto {
    pub year: i32,
    pub lines: Vec<BudgetLineDto>,
    pub months: Vec<BudgetMonthDto>,
}

impl From<&nazorg_store::Budget> for BudgetDto {
    fn from(b: &nazorg_store::Budget) -> Self {
        let euros = |c: i64| c as f64 / 100.0;
        BudgetDto {
            year: b.year,
            lines: b
                .lines
                .iter()
                .map(|l| BudgetLineDto {
                    code: l.code.code().into(),
                    name: l.name.clone(),
                    cap: euros(l.cap_cents),
                    committed: euros(l.committed_cents),
                    spent: euros(l.spent_cents),
                    remaining: euros(l.remaining_cents()),
                })
                .collect(),
            months: b
                .months
                .iter()
                .map(|m| BudgetMonthDto {
                    month: m.month,
                    committed: euros(m.committed_cents),
                    spent: euros(m.spent_cents),
                })
                .collect(),
        }
    }
}

/// Days: median and 90th percentile.
#[derive(Debug, Serialize, ToSchema)]
pub struct DaysDto {
    pub median: f64,
    pub p90: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerFiguresDto {
    pub partner: String,
    pub referrals: i64,
    pub started: i64,
    pub finished: i64,
    pub returned: i64,
    pub ask_to_start_days: Option<DaysDto>,
    pub start_to_end_days: Option<DaysDto>,
    /// Result code → number of referrals.
    pub results: std::collections::BTreeMap<String, i64>,
}

impl From<&nazorg_store::PartnerFigures> for PartnerFiguresDto {
    fn from(f: &nazorg_store::PartnerFigures) -> Self {
        let days = |d: Option<(f64, f64)>| d.map(|(median, p90)| DaysDto { median, p90 });
        PartnerFiguresDto {
            partner: f.partner.clone(),
            referrals: f.referrals,
            started: f.started,
            finished: f.finished,
            returned: f.returned,
            ask_to_start_days: days(f.ask_to_start_days),
            start_to_end_days: days(f.start_to_end_days),
            results: f
                .results
                .iter()
                .map(|(r, n)| (r.code().to_string(), *n))
                .collect(),
        }
    }
}

fn today() -> time::Date {
    nazorg_domain::dates::today_nl()
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/referrals", tag = "verwijzingen", params(("id" = i64, Path)), request_body = ReferralIn,
    responses((status = 201, body = ReferralDto), (status = 409, description = "Niet toegestaan in deze fase, of boven het budgetplafond (code budget_cap_exceeded: stuur over_cap_reason mee)"),
              (status = 422, description = "Ongeldige invoer")))]
async fn create_referral(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReferralIn>,
) -> Result<Response, ApiError> {
    s.store.permit(&actor, Action::WriteCase, Some(id)).await?;
    let referral_id = s
        .store
        .create_referral(&actor, id, &b.parse(today())?)
        .await?;
    let detail = s.store.get_referral(&actor, referral_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(ReferralDto::from(&detail.referral)),
    )
        .into_response())
}

/// Filters and paging of the referral list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ReferralQuery {
    /// asked | accepted | started | finished | returned | withdrawn
    pub status: Option<String>,
    /// Only referrals still running.
    pub open: Option<bool>,
    /// Only finished or returned referrals the coordinator has not yet seen.
    pub unacknowledged: Option<bool>,
    /// The `next` value of the previous page.
    pub before: Option<i64>,
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/referrals", tag = "verwijzingen", params(ReferralQuery),
    responses((status = 200, body = ReferralList, description = "Een coördinator ziet alle verwijzingen van de gemeente, een ketenpartner alleen die aan de eigen organisatie")))]
async fn list_referrals(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ReferralQuery>,
) -> Result<Json<ReferralList>, ApiError> {
    let filter = nazorg_store::ReferralFilter {
        status: optional_code("de status", q.status.as_deref())?,
        open_only: q.open.unwrap_or(false),
        unacknowledged: q.unacknowledged.unwrap_or(false),
        for_coordinator: None,
    };
    let page = s
        .store
        .list_referrals(&actor, &filter, q.before, q.limit.unwrap_or(25))
        .await?;
    Ok(Json(ReferralList {
        items: page.items.iter().map(ReferralDto::from).collect(),
        next: page.next.map(|c| c.id),
    }))
}

fn referral_detail_dto(d: &nazorg_store::ReferralDetail) -> ReferralDetailDto {
    ReferralDetailDto {
        referral: ReferralDto::from(&d.referral),
        birth_date: d.birth_date.map(format_iso),
        triage: d
            .triage
            .iter()
            .map(|t| TriageDto {
                domain: t.domain.code().into(),
                need: t.need.code().into(),
                self_reliance: t.self_reliance.code().into(),
            })
            .collect(),
        notes: d
            .notes
            .iter()
            .map(|n| ReferralNoteDto {
                date: format_iso(n.date),
                step: n.step.code().into(),
                note: n.note.clone(),
                author: n.author.clone(),
            })
            .collect(),
    }
}

#[utoipa::path(get, path = "/api/v1/referrals/{id}", tag = "verwijzingen", params(("id" = i64, Path)),
    responses((status = 200, body = ReferralDetailDto), (status = 403, description = "Verwijzing aan een andere organisatie")))]
async fn get_referral(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ReferralDetailDto>, ApiError> {
    Ok(Json(referral_detail_dto(
        &s.store.get_referral(&actor, id).await?,
    )))
}

#[utoipa::path(post, path = "/api/v1/referrals/{id}/steps", tag = "verwijzingen", params(("id" = i64, Path)), request_body = ReferralStepIn,
    responses((status = 200, body = ReferralDetailDto), (status = 409, description = "Niet mogelijk bij deze status")))]
async fn referral_step(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReferralStepIn>,
) -> Result<Json<ReferralDetailDto>, ApiError> {
    s.store
        .permit_referral(&actor, Action::WriteReferral, id)
        .await?;
    s.store
        .referral_step(&actor, id, &b.parse(today())?)
        .await?;
    Ok(Json(referral_detail_dto(
        &s.store.get_referral(&actor, id).await?,
    )))
}

#[utoipa::path(post, path = "/api/v1/referrals/{id}/acknowledgement", tag = "verwijzingen", params(("id" = i64, Path)),
    responses((status = 204, description = "De terugmelding is gezien")))]
async fn acknowledge_referral(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    s.store.acknowledge_referral(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
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

#[utoipa::path(get, path = "/api/v1/referral-figures", tag = "verwijzingen", params(PeriodQuery),
    responses((status = 200, body = [PartnerFiguresDto])))]
async fn referral_figures(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<Vec<PartnerFiguresDto>>, ApiError> {
    let (from, to) = q.period()?;
    let figures = s.store.referral_figures(&actor, from, to).await?;
    Ok(Json(figures.iter().map(PartnerFiguresDto::from).collect()))
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
    let m = s.store.monitor(&actor, from, to).await?;
    Ok(Json(crate::report::monitor_json(&m)))
}

#[utoipa::path(get, path = "/api/v1/partners", tag = "ketenpartners", responses((status = 200, body = [PartnerDto])))]
async fn list_partners(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<PartnerDto>>, ApiError> {
    let partners = s.store.list_partners(&actor.municipality).await?;
    Ok(Json(
        partners
            .into_iter()
            .map(|p| PartnerDto {
                id: p.id,
                name: p.name,
                kind: p.kind.code().into(),
                active: p.active,
            })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/partners", tag = "ketenpartners", request_body = PartnerIn,
    responses((status = 201, body = PartnerDto), (status = 403, description = "Alleen een beheerder")))]
async fn add_partner(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<PartnerIn>,
) -> Result<Response, ApiError> {
    s.store.permit(&actor, Action::ManagePartners, None).await?;
    let kind = code::<nazorg_domain::referral::PartnerKind>("het soort organisatie", &b.kind)?;
    let id = s.store.add_partner(&actor, &b.name, kind).await?;
    Ok((
        StatusCode::CREATED,
        Json(PartnerDto {
            id,
            name: b.name.trim().to_string(),
            kind: kind.code().into(),
            active: true,
        }),
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/service-kinds", tag = "budget", responses((status = 200, body = [ServiceKindDto])))]
async fn list_service_kinds(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<ServiceKindDto>>, ApiError> {
    let kinds = s.store.list_service_kinds(&actor.municipality).await?;
    Ok(Json(
        kinds
            .into_iter()
            .map(|k| ServiceKindDto {
                id: k.id,
                name: k.name,
                partner_kind: k.partner_kind.code().into(),
                price: k.price_cents as f64 / 100.0,
                budget_line: k.budget_line.code().into(),
            })
            .collect(),
    ))
}

#[utoipa::path(put, path = "/api/v1/service-kinds/{id}", tag = "budget", params(("id" = i64, Path)), request_body = AmountIn,
    responses((status = 204, description = "Prijs gewijzigd")))]
async fn set_service_price(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AmountIn>,
) -> Result<StatusCode, ApiError> {
    s.store.permit(&actor, Action::ManageBudget, None).await?;
    s.store.set_service_price(&actor, id, b.cents()?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/budgets/{year}", tag = "budget", params(("year" = i32, Path)), responses((status = 200, body = BudgetDto)))]
async fn get_budget(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(year): ApiPath<i32>,
) -> Result<Json<BudgetDto>, ApiError> {
    if !(2000..=2100).contains(&year) {
        return Err(AppError::Invalid("Kies een jaar tussen 2000 en 2100.".into()).into());
    }
    Ok(Json(BudgetDto::from(&s.store.budget(&actor, year).await?)))
}

#[utoipa::path(put, path = "/api/v1/budgets/{year}/lines/{code}", tag = "budget", params(("year" = i32, Path), ("code" = String, Path)),
    request_body = AmountIn, responses((status = 200, body = BudgetDto)))]
async fn set_budget_cap(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((year, line)): ApiPath<(i32, String)>,
    ApiJson(b): ApiJson<AmountIn>,
) -> Result<Json<BudgetDto>, ApiError> {
    s.store.permit(&actor, Action::ManageBudget, None).await?;
    let line = code::<nazorg_domain::referral::BudgetLineCode>("de budgetregel", &line)?;
    s.store
        .set_budget_cap(&actor, year, line, b.cents()?)
        .await?;
    Ok(Json(BudgetDto::from(&s.store.budget(&actor, year).await?)))
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/safety-agenda-items", tag = "casussen", params(("id" = i64, Path)), request_body = SafetyItemIn,
    responses((status = 200, body = CaseDetailDto)))]
async fn add_safety_item(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<SafetyItemIn>,
) -> Result<Json<CaseDetailDto>, ApiError> {
    s.store.permit(&actor, Action::WriteCase, Some(id)).await?;
    s.store
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
    ApiPath((id, item_id)): ApiPath<(i64, i64)>,
    ApiJson(b): ApiJson<SafetyOutcomeIn>,
) -> Result<Json<CaseDetailDto>, ApiError> {
    s.store.permit(&actor, Action::WriteCase, Some(id)).await?;
    let discussed = date("de datum van bespreking", &b.discussed_on)?;
    s.store
        .record_safety_outcome(&actor, id, item_id, discussed, &b.outcome, &b.follow_up)
        .await?;
    fresh(&s, &actor, id).await
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Nazorg API", version = "1.0.0", description = "Casusregistratie nazorg ex-gedetineerden. Fouten als application/problem+json.",
         license(name = "EUPL-1.2")),
    paths(list_cases, create_notification, get_case, record_offer, record_triage, decide_direction, add_agreement,
          set_agreement_done, set_readiness, record_release, log_contact, add_household_member, update_facts,
          override_eligibility, assign_coordinator, close_case, create_referral, list_referrals, get_referral, referral_step,
          acknowledge_referral, referral_figures, list_partners, add_partner, list_service_kinds, set_service_price, get_budget,
          set_budget_cap, add_safety_item, record_safety_outcome, monitor),
    modifiers(&Security),
    security(("bearer" = []), ("session" = []))
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// The OpenAPI 3 document, public (NL GOV API Design Rules).
async fn openapi() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}
