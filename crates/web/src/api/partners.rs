//! The partner organisations of the municipality.

use super::ApiJson;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::ApiError;
use crate::input::*;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use nazorg_app::Partner;
use nazorg_domain::access::Action;
use nazorg_domain::ids::PartnerId;
use serde::Serialize;
use utoipa::ToSchema;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/partners", get(list_partners).post(add_partner))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerDto {
    #[schema(value_type = i64)]
    pub id: PartnerId,
    pub name: String,
    pub kind: String,
    pub active: bool,
}

impl From<Partner> for PartnerDto {
    fn from(p: Partner) -> Self {
        PartnerDto {
            id: p.id,
            name: p.name,
            kind: p.kind.code().into(),
            active: p.active,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/partners", tag = "ketenpartners", responses((status = 200, body = [PartnerDto])))]
async fn list_partners(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<PartnerDto>>, ApiError> {
    let partners = s.app.list_partners(&actor.municipality).await?;
    Ok(Json(partners.into_iter().map(PartnerDto::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/partners", tag = "ketenpartners", request_body = PartnerIn,
    responses((status = 201, body = PartnerDto), (status = 403, description = "Alleen een beheerder")))]
async fn add_partner(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<PartnerIn>,
) -> Result<Response, ApiError> {
    s.app.permit(&actor, Action::ManagePartners, None).await?;
    let kind = code::<nazorg_domain::referral::PartnerKind>("het soort organisatie", &b.kind)?;
    let id = s.app.add_partner(&actor, &b.name, kind).await?;
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
