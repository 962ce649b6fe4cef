//! Referrals to partners: making them, the partner's steps, the coordinator seeing the
//! report back, and the figures per partner.

use super::{ApiJson, ApiPath, ApiQuery, today};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::ApiError;
use crate::input::*;
use crate::query::PeriodQuery;
use crate::views::{ReferralDto, TriageDto};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use nazorg_domain::access::Action;
use nazorg_domain::dates::format_iso;
use nazorg_domain::ids::{CaseId, ReferralId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/referrals", post(create_referral))
        .route("/referrals", get(list_referrals))
        .route("/referrals/{id}", get(get_referral))
        .route("/referrals/{id}/steps", post(referral_step))
        .route(
            "/referrals/{id}/acknowledgement",
            post(acknowledge_referral),
        )
        .route("/referral-figures", get(referral_figures))
}

/// A referral with its progress, as the partner sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralDetailDto {
    #[serde(flatten)]
    pub referral: ReferralDto,
    #[schema(format = Date)]
    pub birth_date: Option<String>,
    /// The triage of the referred life domains only.
    pub triage: Vec<TriageDto>,
    pub notes: Vec<ReferralNoteDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralNoteDto {
    #[schema(format = Date)]
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
    #[schema(value_type = Option<i64>)]
    pub next: Option<ReferralId>,
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

impl From<&nazorg_app::PartnerFigures> for PartnerFiguresDto {
    fn from(f: &nazorg_app::PartnerFigures) -> Self {
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

#[utoipa::path(post, path = "/api/v1/cases/{id}/referrals", tag = "verwijzingen", params(("id" = i64, Path)), request_body = ReferralIn,
    responses((status = 201, body = ReferralDto), (status = 409, description = "Niet toegestaan in deze fase, of boven het budgetplafond (code budget_cap_exceeded: stuur over_cap_reason mee)"),
              (status = 422, description = "Ongeldige invoer")))]
async fn create_referral(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(b): ApiJson<ReferralIn>,
) -> Result<Response, ApiError> {
    s.app.permit(&actor, Action::WriteCase, Some(id)).await?;
    let referral_id = s
        .app
        .create_referral(&actor, id, &b.parse(today())?)
        .await?;
    let detail = s.app.get_referral(&actor, referral_id).await?;
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
    /// asked | accepted | started | finished | returned | withdrawn; empty: every status
    #[param(schema_with = nazorg_domain::or_empty_schema::<nazorg_domain::referral::ReferralStatus>)]
    pub status: Option<String>,
    /// Only referrals still running.
    pub open: Option<bool>,
    /// Only finished or returned referrals the coordinator has not yet seen.
    pub unacknowledged: Option<bool>,
    /// The `next` value of the previous page.
    #[param(value_type = Option<i64>)]
    pub before: Option<ReferralId>,
    /// Page size, 1–500 (default 25).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/referrals", tag = "verwijzingen", params(ReferralQuery),
    responses((status = 200, body = ReferralList, description = "Een coördinator ziet alle verwijzingen van de gemeente, een ketenpartner alleen die aan de eigen organisatie")))]
async fn list_referrals(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ReferralQuery>,
) -> Result<Json<ReferralList>, ApiError> {
    let filter = nazorg_app::ReferralFilter {
        status: optional_code("de status", q.status.as_deref())?,
        open_only: q.open.unwrap_or(false),
        unacknowledged: q.unacknowledged.unwrap_or(false),
        for_coordinator: None,
    };
    let page = s
        .app
        .list_referrals(
            &actor,
            &filter,
            q.before,
            crate::query::page_limit(q.limit)?,
        )
        .await?;
    Ok(Json(ReferralList {
        items: page.items.iter().map(ReferralDto::from).collect(),
        next: page.next.map(|c| c.id),
    }))
}

fn referral_detail_dto(d: &nazorg_app::ReferralDetail) -> ReferralDetailDto {
    ReferralDetailDto {
        referral: ReferralDto::from(&d.referral),
        birth_date: d.birth_date.map(format_iso),
        triage: d.triage.iter().map(TriageDto::from).collect(),
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
    ApiPath(id): ApiPath<ReferralId>,
) -> Result<Json<ReferralDetailDto>, ApiError> {
    Ok(Json(referral_detail_dto(
        &s.app.get_referral(&actor, id).await?,
    )))
}

#[utoipa::path(post, path = "/api/v1/referrals/{id}/steps", tag = "verwijzingen", params(("id" = i64, Path)), request_body = ReferralStepIn,
    responses((status = 200, body = ReferralDetailDto), (status = 409, description = "Niet mogelijk bij deze status")))]
async fn referral_step(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ReferralId>,
    ApiJson(b): ApiJson<ReferralStepIn>,
) -> Result<Json<ReferralDetailDto>, ApiError> {
    s.app
        .permit_referral(&actor, Action::WriteReferral, id)
        .await?;
    s.app.referral_step(&actor, id, &b.parse(today())?).await?;
    Ok(Json(referral_detail_dto(
        &s.app.get_referral(&actor, id).await?,
    )))
}

#[utoipa::path(post, path = "/api/v1/referrals/{id}/acknowledgement", tag = "verwijzingen", params(("id" = i64, Path)),
    responses((status = 204, description = "De terugmelding is gezien")))]
async fn acknowledge_referral(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ReferralId>,
) -> Result<StatusCode, ApiError> {
    s.app.acknowledge_referral(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/referral-figures", tag = "verwijzingen", params(PeriodQuery),
    responses((status = 200, body = [PartnerFiguresDto])))]
async fn referral_figures(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<Vec<PartnerFiguresDto>>, ApiError> {
    let (from, to) = q.period()?;
    let figures = s.app.referral_figures(&actor, from, to).await?;
    Ok(Json(figures.iter().map(PartnerFiguresDto::from).collect()))
}
