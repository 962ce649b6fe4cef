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
use crate::extract::extractor;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query};
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

extractor! {
    /// JSON body extractor whose rejections are problem+json in Dutch.
    ApiJson: Json from request, |e| -> ApiError { ApiError(AppError::Invalid(json_message(&e))) }
}

fn json_message(e: &JsonRejection) -> String {
    match e {
        JsonRejection::MissingJsonContentType(_) => {
            "Stuur de gegevens als JSON (Content-Type: application/json).".into()
        }
        other => format!("De JSON kon niet worden gelezen: {}", other.body_text()),
    }
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

fn today() -> time::Date {
    nazorg_domain::dates::today_nl()
}
