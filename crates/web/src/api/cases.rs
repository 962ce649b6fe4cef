//! Cases: the list, one case with everything about it, and registering a notification.

use super::referrals::ReferralDto;
use super::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, AppError};
use crate::input::*;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use nazorg_app::{CaseDetail, CaseFilter, CaseSummary, Cursor, ImportOutcome};
use nazorg_domain::access::Action;
use nazorg_domain::dates::format_iso;
use nazorg_domain::eligibility::{RuleState, rule_results};
use nazorg_domain::notification::MunicipalityCode;
use nazorg_domain::triage::{Direction, suggest_direction};
use nazorg_domain::{EligibilityFacts, Status};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/cases", get(list_cases))
        .route("/notifications", post(create_notification))
        .route("/cases/{id}", get(get_case))
}

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
        .app
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
    s.app
        .permit(&actor, Action::CreateNotification, None)
        .await?;
    let notification = body
        .to_row()
        .parse()
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    let outcome = s.app.import_notification(&actor, &notification).await?;
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
    let detail = s.app.get_case(&actor, id).await?;
    Ok(Json(CaseDetailDto::from(&detail)))
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
