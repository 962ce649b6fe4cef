//! The pages of single sign-on: off to the municipality's provider, and back.
//!
//! The sign-in under way (state, PKCE verifier, nonce, the page to return to) is kept in
//! the database, once and for ten minutes, so any instance can finish it. The state is also
//! set in a short-lived cookie and must come back with the browser that started, so that
//! nobody can sign a victim in to the attacker's own account with a callback link.

use super::UiQuery;
use crate::AppState;
use crate::auth::{cookie, safe_next};
use crate::error::AppError;
use crate::oidc::{ExtraClaims, Sso, claim, error_chain};
use crate::pages::{Base, UiError, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use nazorg_app::OidcIdentity;
use nazorg_domain::ids::{PartnerId, UserId};
use openidconnect::core::{CoreAuthenticationFlow, CoreGenderClaim};
use openidconnect::{
    AuthorizationCode, CsrfToken, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    Scope, TokenResponse, UserInfoClaims,
};
use serde::Deserialize;
use serde_json::{Map, Value};

/// The cookie that ties a sign-in under way to the browser that started it.
const STATE_COOKIE: &str = "nazorg_sso";

fn state_cookie(value: &str, secure: bool, max_age: u32) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{STATE_COOKIE}={value}; Path=/inloggen/sso; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    )
}

#[derive(Template)]
#[template(path = "sso/sso_error.html")]
struct SsoErrorPage {
    base: Base,
    message: String,
}

/// A Dutch page about a sign-in that did not work, with the way back to the login page.
/// The state cookie goes: a new attempt starts afresh.
fn refuse(s: &AppState, status: StatusCode, title: &str, message: impl Into<String>) -> Response {
    let mut response = render(
        status,
        SsoErrorPage {
            base: Base::anonymous(title),
            message: message.into(),
        },
    );
    if let Ok(v) = HeaderValue::from_str(&state_cookie("", s.config.secure_cookies, 0)) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

fn unavailable(s: &AppState, cause: &str) -> Response {
    tracing::error!(%cause, "single sign-on: provider unavailable");
    refuse(
        s,
        StatusCode::BAD_GATEWAY,
        NOT_SIGNED_IN,
        "De gemeentelijke inlogdienst is nu niet bereikbaar of gaf geen bruikbaar antwoord. Probeer het later opnieuw, of log in met uw Nazorg-wachtwoord als u dat heeft.",
    )
}

fn sso_of(s: &AppState) -> Result<&Sso, UiError> {
    s.sso.as_deref().ok_or(UiError(AppError::NotFound))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StartQuery {
    next: Option<String>,
}

/// Sends the browser to the provider, with a fresh state, nonce and PKCE challenge.
pub async fn start(
    State(s): State<AppState>,
    UiQuery(q): UiQuery<StartQuery>,
) -> Result<Response, UiError> {
    let sso = sso_of(&s)?;
    let client = match sso.client().await {
        Ok(c) => c,
        Err(cause) => return Ok(unavailable(&s, &cause)),
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        CsrfToken::new_random,
        Nonce::new_random,
    );
    for scope in &sso.config.scopes {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
    let next = safe_next(q.next.as_deref());
    s.app
        .create_oidc_login(state.secret(), verifier.secret(), nonce.secret(), &next)
        .await?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (
                header::SET_COOKIE,
                state_cookie(state.secret(), s.config.secure_cookies, 600),
            ),
            (header::LOCATION, url.to_string()),
        ],
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Why a sign-in stops before a session starts: a Dutch page for the user, or a failure
/// of Nazorg itself (shown as its error page).
enum Stop {
    Page(Box<Response>),
    Failed(UiError),
}

impl From<UiError> for Stop {
    fn from(e: UiError) -> Self {
        Stop::Failed(e)
    }
}

impl From<nazorg_app::Error> for Stop {
    fn from(e: nazorg_app::Error) -> Self {
        Stop::Failed(e.into())
    }
}

/// Who the provider says signed in: from the verified ID token, completed from userinfo.
struct Profile {
    subject: String,
    username: Option<String>,
    name: Option<String>,
    claims: Map<String, Value>,
}

const NOT_SIGNED_IN: &str = "Inloggen niet gelukt";
const NO_ACCESS: &str = "Geen toegang tot Nazorg";

/// Where the provider sends the browser back: checks the state, exchanges the code (with
/// the PKCE verifier) for tokens, verifies the ID token, maps the claims to a role, and
/// starts a session like the local login does.
pub async fn callback(
    State(s): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<CallbackQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, UiError> {
    match finish(&s, &headers, query).await {
        Ok(response) => Ok(response),
        Err(Stop::Page(page)) => Ok(*page),
        Err(Stop::Failed(e)) => Err(e),
    }
}

async fn finish(
    s: &AppState,
    headers: &HeaderMap,
    query: Result<Query<CallbackQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Stop> {
    let sso = sso_of(s)?;
    let q = query.map(|Query(q)| q).unwrap_or_default();
    // The state must be one this browser started, still live, and is used up now.
    let bound = q
        .state
        .as_deref()
        .filter(|state| cookie(headers, STATE_COOKIE).as_deref() == Some(*state));
    let pending = match bound {
        Some(state) => s.app.take_oidc_login(state).await?,
        None => None,
    };
    if let Some(error) = &q.error {
        tracing::info!(%error, "single sign-on: the provider refused");
        let message = if error == "access_denied" {
            "U heeft het inloggen bij de gemeentelijke account afgebroken, of de gemeentelijke inlogdienst gaf geen toestemming. U bent niet ingelogd."
        } else {
            "De gemeentelijke inlogdienst kon u niet aanmelden. U bent niet ingelogd. Probeer het opnieuw; blijft dit gebeuren, neem dan contact op met uw beheerder."
        };
        return Err(stop(s, StatusCode::UNAUTHORIZED, NOT_SIGNED_IN, message));
    }
    let (Some((verifier, nonce, next)), Some(code)) = (pending, q.code) else {
        return Err(stop(
            s,
            StatusCode::BAD_REQUEST,
            NOT_SIGNED_IN,
            "Deze inlogpoging is verlopen, al gebruikt of niet in deze browser begonnen. Begin opnieuw bij de inlogpagina.",
        ));
    };
    let profile = fetch_profile(s, sso, code, verifier, nonce).await?;
    sign_in(s, sso, headers, profile, &next).await
}

/// A refusal page as the reason to stop.
fn stop(s: &AppState, status: StatusCode, title: &str, message: impl Into<String>) -> Stop {
    Stop::Page(Box::new(refuse(s, status, title, message)))
}

fn provider_unavailable(s: &AppState, cause: &str) -> Stop {
    Stop::Page(Box::new(unavailable(s, cause)))
}

fn not_verified(s: &AppState, cause: String) -> Stop {
    tracing::warn!(%cause, "single sign-on: ID token refused");
    stop(
        s,
        StatusCode::UNAUTHORIZED,
        NOT_SIGNED_IN,
        "Het antwoord van de gemeentelijke inlogdienst kon niet worden gecontroleerd. U bent niet ingelogd. Probeer het opnieuw.",
    )
}

/// Exchanges the code for tokens, verifies the ID token and reads who signed in.
async fn fetch_profile(
    s: &AppState,
    sso: &Sso,
    code: String,
    verifier: String,
    nonce: String,
) -> Result<Profile, Stop> {
    let client = sso
        .client()
        .await
        .map_err(|cause| provider_unavailable(s, &cause))?;
    let http = sso
        .http()
        .map_err(|cause| provider_unavailable(s, &cause))?;
    let request = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| provider_unavailable(s, &error_chain(&e)))?;
    let tokens = request
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request_async(http)
        .await
        .map_err(|e| provider_unavailable(s, &format!("token: {}", error_chain(&e))))?;
    let Some(id_token) = tokens.id_token() else {
        return Err(not_verified(s, "no ID token".into()));
    };
    // Signature (against the provider's keys), issuer, audience, expiry and nonce.
    let claims = match id_token.claims(&client.id_token_verifier(), &Nonce::new(nonce)) {
        Ok(c) => c,
        Err(e) => {
            sso.forget_metadata().await;
            return Err(not_verified(s, error_chain(&e)));
        }
    };
    let mut profile = Profile {
        subject: claims.subject().to_string(),
        claims: claims.additional_claims().all.clone(),
        username: claims.preferred_username().map(|u| u.to_string()),
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string()),
    };
    // Many providers put the profile only in the userinfo answer: fill what the ID token lacks.
    let config = &sso.config;
    let lacking = claim(&profile.claims, &config.role_claim).is_none()
        || profile.username.is_none()
        || config
            .municipality_claim
            .as_deref()
            .is_some_and(|c| claim(&profile.claims, c).is_none());
    if lacking && let Ok(request) = client.user_info(tokens.access_token().clone(), None) {
        let info: Result<UserInfoClaims<ExtraClaims, CoreGenderClaim>, _> =
            request.request_async(http).await;
        match info {
            // The userinfo must be about the same person as the ID token.
            Ok(info) if info.subject().as_str() == profile.subject => {
                profile.complete(&info);
            }
            Ok(_) => return Err(not_verified(s, "userinfo about another subject".into())),
            Err(e) => {
                return Err(provider_unavailable(
                    s,
                    &format!("userinfo: {}", error_chain(&e)),
                ));
            }
        }
    }
    Ok(profile)
}

impl Profile {
    /// Fills what the ID token lacked from the userinfo answer; the ID token wins.
    fn complete(&mut self, info: &UserInfoClaims<ExtraClaims, CoreGenderClaim>) {
        for (k, v) in &info.additional_claims().all {
            self.claims.entry(k.clone()).or_insert_with(|| v.clone());
        }
        if self.username.is_none() {
            self.username = info.preferred_username().map(|u| u.to_string());
        }
        if self.name.is_none() {
            self.name = info.name().and_then(|n| n.get(None)).map(|n| n.to_string());
        }
    }
}

/// Maps the claims to a role and a local user, and starts the session.
async fn sign_in(
    s: &AppState,
    sso: &Sso,
    headers: &HeaderMap,
    profile: Profile,
    next: &str,
) -> Result<Response, Stop> {
    let config = &sso.config;
    let Some(mapping) = config.role_for(&profile.claims) else {
        tracing::info!(subject = %profile.subject, "single sign-on: no role in the claims");
        return Err(stop(
            s,
            StatusCode::FORBIDDEN,
            NO_ACCESS,
            "U bent aangemeld bij de gemeente, maar uw account heeft geen rol in Nazorg. Vraag uw beheerder om u toe te voegen aan een groep die toegang geeft tot Nazorg.",
        ));
    };
    let municipality = municipality_of(s, sso, &profile.claims)?;
    let partner_id = match &mapping.partner {
        None => None,
        Some(wanted) => Some(partner_named(s, &municipality, wanted).await?),
    };
    let identity = OidcIdentity {
        issuer: config.issuer.clone(),
        username: profile.username.unwrap_or_else(|| profile.subject.clone()),
        subject: profile.subject,
        display_name: profile.name.unwrap_or_default(),
        role: mapping.role,
        municipality,
        partner_id,
    };
    let user_id = local_user(s, &identity).await?;
    tracing::info!(
        user_id = user_id.get(),
        role = mapping.role.code(),
        "single sign-on"
    );
    let target = super::session::landing(Some(mapping.role), next);
    Ok(start_session(s, headers, user_id, target).await?)
}

/// The municipality the user belongs to: from the claim when one is configured, else the
/// installation's.
fn municipality_of(s: &AppState, sso: &Sso, claims: &Map<String, Value>) -> Result<String, Stop> {
    let Some(c) = &sso.config.municipality_claim else {
        return Ok(s.config.municipality.clone());
    };
    match claim(claims, c).and_then(Value::as_str) {
        Some(code) => Ok(code.trim().to_string()),
        None => Err(stop(
            s,
            StatusCode::FORBIDDEN,
            NO_ACCESS,
            "Uw gemeentelijke account zegt niet bij welke gemeente u hoort, en dat is nodig voor Nazorg. Neem contact op met uw beheerder.",
        )),
    }
}

/// The active partner organisation the role mapping names.
async fn partner_named(s: &AppState, municipality: &str, wanted: &str) -> Result<PartnerId, Stop> {
    let partners = s.app.list_partners(municipality).await?;
    match partners
        .iter()
        .find(|p| p.active && p.name.eq_ignore_ascii_case(wanted))
    {
        Some(p) => Ok(p.id),
        None => Err(stop(
            s,
            StatusCode::FORBIDDEN,
            NO_ACCESS,
            format!(
                "Uw account hoort bij ketenpartner ‘{wanted}’, maar die kent Nazorg niet (meer). Neem contact op met uw beheerder."
            ),
        )),
    }
}

/// The local user of the identity, made or updated on the way.
async fn local_user(s: &AppState, identity: &OidcIdentity) -> Result<UserId, Stop> {
    match s.app.oidc_sign_in(identity).await {
        Ok(Some(id)) => Ok(id),
        Ok(None) => Err(stop(
            s,
            StatusCode::FORBIDDEN,
            NO_ACCESS,
            "Uw account in Nazorg is uitgeschakeld. Neem contact op met uw beheerder.",
        )),
        Err(
            e @ (nazorg_app::Error::Invalid(_)
            | nazorg_app::Error::InvalidText { .. }
            | nazorg_app::Error::Conflict(_)),
        ) => Err(stop(
            s,
            StatusCode::FORBIDDEN,
            NO_ACCESS,
            format!("Uw gemeentelijke account past niet in Nazorg: {e}"),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Starts the session and sends the browser on; the state cookie goes.
async fn start_session(
    s: &AppState,
    headers: &HeaderMap,
    user_id: UserId,
    target: String,
) -> Result<Response, UiError> {
    let token = super::session::new_session(s, headers, user_id).await?;
    let mut response = super::session::signed_in(s, &token, target);
    if let Ok(v) = HeaderValue::from_str(&state_cookie("", s.config.secure_cookies, 0)) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}
