//! Cross-cutting HTTP concerns: security headers and CSRF protection of forms.

use crate::auth::{safe_method, session_of};
use crate::pages::error_response;
use crate::{API_VERSION, AppState};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// Security headers on every response, and the API version (NL GOV API Design Rules).
/// The request runs in its trace (W3C Trace Context): the caller's `traceparent`, or a new
/// one; every processing it logs is an operation of that trace.
pub async fn headers(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let traceparent = request
        .headers()
        .get("traceparent")
        .and_then(|v| v.to_str().ok());
    let trace = nazorg_app::trace::Trace::of_request(traceparent);
    let mut response = trace.scope(next.run(request)).await;
    let h = response.headers_mut();
    h.insert("api-version", HeaderValue::from_static(API_VERSION));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if path == "/api/v1/openapi.json" {
        h.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    } else if !path.starts_with("/static/") {
        // Pages hold personal data: never keep them in a shared or browser cache.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

const FORM_LIMIT: usize = 1024 * 1024;

/// Every form post of a logged-in user must carry the session's CSRF token, and come from
/// this site. The login and setup forms, which have no session yet, are exempt; the API
/// checks its own (bearer tokens, or the `X-CSRF-Token` header).
pub async fn csrf(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if safe_method(request.method()) || path.starts_with("/api/") {
        return next.run(request).await;
    }
    // Every form must come from this site, the login and setup forms included.
    if let (Some(origin), Some(host)) = (
        request.headers().get(header::ORIGIN),
        request.headers().get(header::HOST),
    ) {
        let origin = origin.to_str().unwrap_or("");
        let host = host.to_str().unwrap_or("");
        let same = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            == Some(host);
        if !same {
            return refuse();
        }
    }
    // The login and setup forms have no session (and so no token) yet.
    if path == "/inloggen" || path == "/inloggen/code" || path == "/installatie" {
        return next.run(request).await;
    }
    let expected = match session_of(request.headers(), &state).await {
        Ok(Some((_, csrf))) => csrf,
        // No (live) session: a form is kept and shown again after logging in (a logout
        // has nothing to keep).
        Ok(None) if path == "/uitloggen" => return next.run(request).await,
        Ok(None) => {
            let target = request
                .uri()
                .path_and_query()
                .map_or_else(|| path.to_string(), |p| p.as_str().to_string());
            let Ok(bytes) = axum::body::to_bytes(request.into_body(), FORM_LIMIT).await else {
                return error_response(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "Te groot",
                    "Het formulier is te groot.",
                );
            };
            let sent = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
            return crate::ui::login_to_resume(&target, sent);
        }
        Err(e) => {
            tracing::error!(error = %e, "session lookup failed during CSRF check");
            return error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                "Even niet beschikbaar",
                "Nazorg kan de database nu niet bereiken. Probeer het zo opnieuw.",
            );
        }
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, FORM_LIMIT).await else {
        return error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Te groot",
            "Het formulier is te groot.",
        );
    };
    let sent = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "csrf").map(|(_, v)| v));
    if sent.as_deref() != Some(expected.as_str()) {
        return refuse();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn refuse() -> Response {
    error_response(
        StatusCode::FORBIDDEN,
        "Formulier niet geaccepteerd",
        "Dit formulier is verlopen of kwam niet van Nazorg zelf. Ga terug, vernieuw de pagina en probeer het opnieuw.",
    )
}
