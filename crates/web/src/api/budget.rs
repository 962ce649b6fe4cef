//! The budget: bought services and their prices, the year's lines and caps.

use super::{ApiJson, ApiPath, IfMatch};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::ApiError;
use crate::input::*;
use crate::views::euros;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use nazorg_app::ServiceKind;
use nazorg_domain::access::Action;
use nazorg_domain::ids::ServiceKindId;
use serde::Serialize;
use utoipa::ToSchema;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/service-kinds", get(list_service_kinds))
        .route("/service-kinds/{id}", put(set_service_price))
        .route("/budgets/{year}", get(get_budget))
        .route("/budgets/{year}/lines/{code}", put(set_budget_cap))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceKindDto {
    #[schema(value_type = i64)]
    pub id: ServiceKindId,
    pub name: String,
    pub partner_kind: String,
    /// Euros.
    pub price: f64,
    pub budget_line: String,
    /// The version of the price: send it as `If-Match: "N"` with a new price.
    pub version: i64,
}

impl From<ServiceKind> for ServiceKindDto {
    fn from(k: ServiceKind) -> Self {
        ServiceKindDto {
            id: k.id,
            name: k.name,
            partner_kind: k.partner_kind.code().into(),
            price: euros(k.price_cents),
            budget_line: k.budget_line.code().into(),
            version: k.version,
        }
    }
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
    /// The version of the cap: send it as `If-Match: "N"` with a new cap.
    pub version: i64,
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

impl From<&nazorg_app::Budget> for BudgetDto {
    fn from(b: &nazorg_app::Budget) -> Self {
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
                    version: l.version,
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

#[utoipa::path(get, path = "/api/v1/service-kinds", tag = "budget", responses((status = 200, body = [ServiceKindDto])))]
async fn list_service_kinds(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<ServiceKindDto>>, ApiError> {
    let kinds = s.app.list_service_kinds(&actor.municipality).await?;
    Ok(Json(kinds.into_iter().map(ServiceKindDto::from).collect()))
}

#[utoipa::path(put, path = "/api/v1/service-kinds/{id}", tag = "budget",
    params(("id" = i64, Path), ("If-Match" = String, Header, description = "De versie van de prijs zoals u die las, als \"N\"")),
    request_body = AmountIn,
    responses((status = 204, description = "Prijs gewijzigd"), (status = 412, description = "Intussen gewijzigd door een ander"),
        (status = 428, description = "If-Match ontbreekt")))]
async fn set_service_price(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ServiceKindId>,
    if_match: IfMatch,
    body: Result<ApiJson<AmountIn>, ApiError>,
) -> Result<StatusCode, ApiError> {
    s.app.permit(&actor, Action::ManageBudget, None).await?;
    let ApiJson(b) = body?;
    let seen = if_match.seen()?.map(|v| v.0);
    s.app
        .set_service_price(&actor, id, b.cents()?, seen)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/budgets/{year}", tag = "budget", params(("year" = i32, Path)), responses((status = 200, body = BudgetDto)))]
async fn get_budget(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(year): ApiPath<i32>,
) -> Result<Json<BudgetDto>, ApiError> {
    let year = budget_year(year)?;
    Ok(Json(BudgetDto::from(&s.app.budget(&actor, year).await?)))
}

#[utoipa::path(put, path = "/api/v1/budgets/{year}/lines/{code}", tag = "budget",
    params(("year" = i32, Path), ("code" = String, Path), ("If-Match" = String, Header, description = "De versie van het plafond zoals u die las, als \"N\"")),
    request_body = AmountIn, responses((status = 200, body = BudgetDto), (status = 412, description = "Intussen gewijzigd door een ander"),
        (status = 428, description = "If-Match ontbreekt")))]
async fn set_budget_cap(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((year, line)): ApiPath<(i32, String)>,
    if_match: IfMatch,
    body: Result<ApiJson<AmountIn>, ApiError>,
) -> Result<Json<BudgetDto>, ApiError> {
    s.app.permit(&actor, Action::ManageBudget, None).await?;
    let ApiJson(b) = body?;
    let line = code::<nazorg_domain::referral::BudgetLineCode>("de budgetregel", &line)?;
    let seen = if_match.seen()?.map(|v| v.0);
    s.app
        .set_budget_cap(&actor, year, line, b.cents()?, seen)
        .await?;
    Ok(Json(BudgetDto::from(&s.app.budget(&actor, year).await?)))
}
