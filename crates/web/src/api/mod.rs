//! The JSON API under `/api/v1`, following the NL GOV API Design Rules: plural resource
//! names, no trailing slashes, problem+json errors, an `API-Version` header, and an
//! OpenAPI 3 document generated from this code.

mod budget;
mod cases;
mod openapi;
mod partners;
mod referrals;
mod reports;
mod steps;

pub use crate::query::{CaseQuery, PeriodQuery};
pub use crate::views::*;
pub use budget::*;
pub use cases::*;
pub use openapi::ApiDoc;
pub use partners::*;
pub use referrals::*;
pub use reports::*;

use crate::AppState;
use crate::error::{ApiError, AppError};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query};
use axum::{Json, Router};

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

fn today() -> time::Date {
    nazorg_domain::dates::today_nl()
}
