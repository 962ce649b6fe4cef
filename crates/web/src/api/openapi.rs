//! The OpenAPI 3 document of the API, generated from the handlers' annotations.

use super::budget::*;
use super::cases::*;
use super::chain::*;
use super::partners::*;
use super::referrals::*;
use super::reports::*;
use super::steps::*;
use super::work::*;
use crate::AppState;
use axum::extract::State;
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
          set_agreement_done, set_readiness, record_release, log_contact, add_appointment, add_household_member, update_facts, patch_facts,
          override_eligibility, record_bsn, assign_coordinator, close_case, create_referral, list_referrals, get_referral, referral_step,
          acknowledge_referral, referral_figures, list_partners, add_partner, list_service_kinds, set_service_price, get_budget,
          set_budget_cap, add_safety_item, record_safety_outcome, handle_signal, monitor, evaluation, get_brp, request_brp_lookup, get_zaak, get_worklist, list_absences, add_absence, end_absence, subject_access),
    modifiers(&Security, &Problems),
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

/// The answers every operation may give besides its own: 401 without a valid login, 403
/// when the role may not, 404 for an id that is not there (or not the caller's to see),
/// 422 for input that does not parse; each an `application/problem+json` (RFC 9457).
struct Problems;

impl utoipa::Modify for Problems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{Object, ObjectBuilder, Type};
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let text = || Object::with_type(Type::String);
        let problem = ObjectBuilder::new()
            .description(Some("Een fout, als application/problem+json (RFC 9457)"))
            .property("type", text())
            .property("title", text())
            .property("status", Object::with_type(Type::Integer))
            .property("detail", text())
            .property("code", text())
            .required("title")
            .required("status");
        let components = openapi.components.get_or_insert_with(Default::default);
        components.schemas.insert("Problem".into(), problem.into());
        let answer = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let with_ids = path.contains('{');
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                let takes_input = operation.request_body.is_some()
                    || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let mut add = |code: &str, description: &str| {
                    operation
                        .responses
                        .responses
                        .entry(code.to_string())
                        .or_insert_with(|| answer(description).into());
                };
                add("400", "Het verzoek kon niet worden gelezen");
                add("401", "Niet ingelogd, of het token is ongeldig of verlopen");
                add("403", "Deze rol mag dit niet");
                if with_ids {
                    add("404", "Niet gevonden");
                }
                if takes_input {
                    add("422", "Ongeldige invoer");
                }
                // Every answer says the full version of the API (the middleware sends it).
                for response in operation.responses.responses.values_mut() {
                    if let utoipa::openapi::RefOr::T(response) = response {
                        let header = utoipa::openapi::header::HeaderBuilder::new()
                            .schema(Object::with_type(Type::String))
                            .description(Some("De volledige versie van de API, bijvoorbeeld 1.0.0"))
                            .build();
                        response
                            .headers
                            .entry("API-Version".into())
                            .or_insert(header);
                    }
                }
            }
        }
    }
}

/// The OpenAPI 3 document, public (NL GOV API Design Rules).
async fn openapi(State(s): State<AppState>) -> impl IntoResponse {
    let mut doc = ApiDoc::openapi();
    as_served(&mut doc, &s.config);
    Json(doc)
}

/// The document as this installation serves it: its paths under the server `/api/v1`
/// (the major version in the address, NL GOV API Design Rules), and its contact.
fn as_served(doc: &mut utoipa::openapi::OpenApi, config: &crate::Config) {
    use utoipa::openapi::info::ContactBuilder;
    use utoipa::openapi::server::Server;
    let paths = std::mem::take(&mut doc.paths.paths);
    doc.paths.paths = paths
        .into_iter()
        .map(|(path, item)| {
            let relative = path.strip_prefix("/api/v1").unwrap_or(&path).to_string();
            (relative, item)
        })
        .collect();
    doc.servers = Some(vec![Server::new("/api/v1")]);
    // A form's empty default is no date and no code: the document names none.
    if let Some(components) = doc.components.as_mut() {
        for schema in components.schemas.values_mut() {
            if let utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(object)) =
                schema
            {
                for property in object.properties.values_mut() {
                    use utoipa::openapi::schema::Schema;
                    let empty = Some(serde_json::json!(""));
                    match property {
                        utoipa::openapi::RefOr::T(Schema::Object(field))
                            if field.default == empty =>
                        {
                            field.default = None;
                        }
                        // A code (an enumeration) whose form default is empty: no code.
                        utoipa::openapi::RefOr::T(Schema::OneOf(field))
                            if field.default == empty =>
                        {
                            field.default = None;
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    let (name, email) = match config.contact.split_once('<') {
        Some((name, rest)) => (name.trim(), rest.trim_end_matches('>').trim()),
        None => ("Nazorg", config.contact.trim()),
    };
    let contact = ContactBuilder::new()
        .name(Some(name))
        .email(Some(email))
        .url(Some(config.public_url.clone()))
        .build();
    doc.info.contact = Some(contact);
}
