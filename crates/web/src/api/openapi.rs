//! The OpenAPI 3 document of the API, generated from the handlers' annotations.

use super::budget::*;
use super::cases::*;
use super::partners::*;
use super::referrals::*;
use super::reports::*;
use super::steps::*;
use crate::AppState;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(openapi))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Nazorg API", version = "1.0.0", description = "Casusregistratie nazorg ex-gedetineerden. Fouten als application/problem+json.",
         license(name = "EUPL-1.2")),
    paths(list_cases, create_notification, get_case, record_offer, record_triage, decide_direction, add_agreement,
          set_agreement_done, set_readiness, record_release, log_contact, add_household_member, update_facts, patch_facts,
          override_eligibility, assign_coordinator, close_case, create_referral, list_referrals, get_referral, referral_step,
          acknowledge_referral, referral_figures, list_partners, add_partner, list_service_kinds, set_service_price, get_budget,
          set_budget_cap, add_safety_item, record_safety_outcome, handle_signal, monitor),
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
