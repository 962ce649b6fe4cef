//! The JSON API under `/api/v1`, following the NL GOV API Design Rules: plural resource
//! names, no trailing slashes, problem+json errors, an `API-Version` header, and an
//! OpenAPI 3 document generated from this code.

mod budget;
mod cases;
mod chain;
mod openapi;
mod partners;
mod referrals;
mod reports;
mod steps;
mod work;

pub use crate::query::{CaseQuery, PeriodQuery};
pub use crate::views::*;
pub use budget::*;
pub use cases::*;
pub use chain::*;
pub use openapi::ApiDoc;
pub use partners::*;
pub use referrals::*;
pub use reports::*;
pub use work::*;

use crate::AppState;
use crate::error::{ApiError, AppError};
use crate::extract::extractor;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query};
use axum::http::header;
use axum::{Json, Router};
use nazorg_domain::version::{Precondition, Version};

/// The API's routes, one router per resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(openapi::router())
        .merge(cases::router())
        .merge(steps::router())
        .merge(referrals::router())
        .merge(reports::router())
        .merge(partners::router())
        .merge(budget::router())
        .merge(chain::router())
        .merge(work::router())
        .fallback(not_found)
}

async fn not_found() -> ApiError {
    ApiError(AppError::NotFound)
}

extractor! {
    /// JSON body extractor whose rejections are problem+json in Dutch.
    ApiJson: Json from request, |e| -> ApiError { ApiError(AppError::Invalid(json_message(&e))) }
}

fn json_message(e: &JsonRejection) -> String {
    match e {
        JsonRejection::MissingJsonContentType(_) => {
            "Stuur de gegevens als JSON (Content-Type: application/json).".into()
        }
        JsonRejection::JsonDataError(e) => {
            // serde's own words, in Dutch where a user can act on them.
            let cause =
                std::error::Error::source(e).map_or_else(|| e.body_text(), |c| c.to_string());
            let field = |words: &str| {
                let at = cause.find(words)? + words.len();
                cause[at..].split('`').next().map(str::to_string)
            };
            if let Some(name) = field("missing field `") {
                format!("Het veld ‘{name}’ ontbreekt; stuur het mee (null als het onbekend is).")
            } else if let Some(name) = field("unknown field `") {
                format!("Het veld ‘{name}’ bestaat hier niet.")
            } else if let Some(message) = wrong_type(&cause) {
                message
            } else {
                format!("De JSON kon niet worden gelezen: {cause}")
            }
        }
        other => format!("De JSON kon niet worden gelezen: {}", other.body_text()),
    }
}

/// serde's "note: invalid type: null, expected a string at line 1 column 9" in Dutch:
/// "Het veld ‘note’ moet tekst zijn, niet null."
fn wrong_type(cause: &str) -> Option<String> {
    let (path, rest) = cause.split_once(": invalid type: ")?;
    let (got, want) = rest.split_once(", expected ")?;
    let want = want.split(" at line ").next().unwrap_or(want);
    let kind = |serde: &str| -> &'static str {
        let serde = serde.trim();
        if serde.contains("string") || serde.starts_with("char") {
            "tekst"
        } else if serde.contains("bool") {
            "true of false"
        } else if serde.contains("integer") || serde.starts_with('i') || serde.starts_with('u') {
            "een geheel getal"
        } else if serde.contains("float") || serde.starts_with('f') {
            "een getal"
        } else if serde.contains("sequence") {
            "een lijst"
        } else if serde.contains("map") || serde.contains("struct") {
            "een object"
        } else if serde == "null" || serde.starts_with("unit") {
            "null"
        } else {
            "iets anders"
        }
    };
    let name = if path == "." || path.is_empty() {
        "De gegevens".to_string()
    } else {
        format!("Het veld ‘{path}’")
    };
    Some(format!(
        "{name} moet {} zijn, niet {}.",
        kind(want),
        kind(got)
    ))
}

extractor! {
    /// Path extractor whose rejections (an id that is not a number) are problem+json in Dutch.
    ApiPath: Path from parts, |_| -> ApiError { ApiError(AppError::NotFound) }
}

extractor! {
    /// Query-string extractor whose rejections are problem+json in Dutch.
    ApiQuery: Query from parts, |e| -> ApiError { ApiError(AppError::Invalid(query_message(&e))) }
}

fn query_message(e: &QueryRejection) -> String {
    match e {
        QueryRejection::FailedToDeserializeQueryString(_) => {
            format!("Ongeldige zoekparameters: {}", e.body_text())
        }
        other => other.body_text(),
    }
}

/// The `If-Match` of a step that replaces values, as sent. Its handler asks for
/// [`IfMatch::seen`] once access is granted, so that who may not write the case learns no
/// more than that (403, 404) whatever the header says.
pub struct IfMatch(Option<Precondition>);

impl IfMatch {
    /// The version of the case its client read (`None` for `*`); without a header, the
    /// step is refused with 428, so that nobody overwrites someone else's change unseen.
    pub fn seen(&self) -> Result<Option<Version>, ApiError> {
        match self.0 {
            Some(precondition) => Ok(precondition.seen()),
            None => Err(ApiError(AppError::VersionRequired)),
        }
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for IfMatch {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get_all(header::IF_MATCH)
            .iter()
            .map(|v| v.to_str().unwrap_or(""))
            .collect::<Vec<_>>()
            .join(",");
        Ok(IfMatch(
            (!header.trim().is_empty()).then(|| Precondition::parse(&header)),
        ))
    }
}

/// The case as a step or a read answers it, with its version as the `ETag`.
pub struct VersionedCase(pub CaseDetailDto);

impl axum::response::IntoResponse for VersionedCase {
    fn into_response(self) -> axum::response::Response {
        let tag = Version(self.0.version).etag();
        let mut response = Json(self.0).into_response();
        if let Ok(value) = header::HeaderValue::from_str(&tag) {
            response.headers_mut().insert(header::ETAG, value);
        }
        response
    }
}

fn today() -> time::Date {
    nazorg_domain::dates::today_nl()
}
