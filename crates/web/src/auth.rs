//! Who is asking: a session cookie (browser) or a bearer token (API clients).

use crate::AppState;
use crate::error::{ApiError, AppError};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use nazorg_domain::access::{Actor, TokenScope};

pub const SESSION_COOKIE: &str = "nazorg_session";

/// The value of one cookie from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The `Set-Cookie` value for a session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// The actor and CSRF token of the live session the request's cookie names; `None` without
/// a cookie, or when its session is unknown or expired.
pub async fn session_of(
    headers: &HeaderMap,
    state: &AppState,
) -> nazorg_app::Result<Option<(Actor, String)>> {
    match cookie(headers, SESSION_COOKIE) {
        Some(token) => state.app.session(&token).await,
        None => Ok(None),
    }
}

/// Whether a request with this method only reads (and so needs no CSRF token, and a
/// read-only API token suffices).
pub fn safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// An authenticated API caller.
pub struct ApiActor(pub Actor);

/// Set on a request by [`ApiActor`] when its token may only deliver notifications: such a
/// client is told that a notification arrived, not what became of it (a case id, whether
/// the person or detention was known), which would be reading.
#[derive(Clone, Copy, Debug)]
pub struct DeliveryOnly;

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .ok_or(AppError::Unauthorized)?;
            let Some((actor, scopes)) = state.app.api_token(token.trim()).await? else {
                return Err(AppError::Unauthorized.into());
            };
            let read = safe_method(&parts.method);
            // Inside the nested API router the path has lost its /api/v1 prefix.
            let path = parts
                .extensions
                .get::<axum::extract::OriginalUri>()
                .map(|u| u.0.path().to_string());
            let notification = path
                .as_deref()
                .unwrap_or(parts.uri.path())
                .ends_with("/notifications");
            if !TokenScope::allows(&scopes, read, notification) {
                let granted: Vec<&str> = scopes.iter().map(|s| s.code()).collect();
                return Err(AppError::Forbidden(format!(
                    "Dit API-token mag dit niet; het mag alleen: {}.",
                    granted.join(", ")
                ))
                .into());
            }
            if TokenScope::delivers_only(&scopes) {
                parts.extensions.insert(DeliveryOnly);
            }
            return Ok(ApiActor(actor));
        }
        if let Some((actor, csrf)) = session_of(&parts.headers, state).await? {
            // A browser session may change data through the API only with its CSRF token.
            let safe = safe_method(&parts.method);
            let header_token = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok());
            if !safe && header_token != Some(csrf.as_str()) {
                return Err(
                    AppError::Forbidden("CSRF-token ontbreekt of klopt niet.".into()).into(),
                );
            }
            return Ok(ApiActor(actor));
        }
        Err(AppError::Unauthorized.into())
    }
}

/// A logged-in browser user, with the CSRF token its forms must carry.
pub struct UiUser {
    pub actor: Actor,
    pub csrf: String,
    /// The number of things on their worklist, for the menu (coordinators).
    pub work_count: Option<nazorg_app::Counted>,
}

impl FromRequestParts<AppState> for UiUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match session_of(&parts.headers, state).await {
            Ok(Some((actor, csrf))) => {
                let day = nazorg_domain::dates::today_nl();
                // Only for those who have a worklist: asking for others would be a refusal.
                let has_worklist = nazorg_domain::access::authorize(
                    &actor,
                    nazorg_domain::access::Action::ListCases,
                    &actor.municipality,
                )
                .is_ok();
                let work_count = if has_worklist {
                    state.app.work_count(&actor, day).await.ok()
                } else {
                    None
                };
                return Ok(UiUser {
                    actor,
                    csrf,
                    work_count,
                });
            }
            Ok(None) => {}
            Err(e) => return Err(crate::pages::UiError::from(e).into_response()),
        }
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let target = if parts.method == Method::GET && next != "/" {
            format!("/inloggen?next={}", urlencode(next))
        } else {
            "/inloggen".to_string()
        };
        Err(Redirect::to(&target).into_response())
    }
}

/// Percent-encodes a query value.
pub fn urlencode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)])
        .map(|s| s[2..].to_string())
        .unwrap_or_default()
}

/// Only local paths are followed after login (no open redirect).
/// (Control characters and spaces are refused too: browsers drop a tab in `/\t/evil`,
/// which would turn it into `//evil`.)
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.chars().all(|c| c.is_ascii_graphic() && c != '\\') =>
        {
            n.to_string()
        }
        _ => "/mijn-werk".to_string(),
    }
}
