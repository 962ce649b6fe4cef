//! Logging in (password, second factor, single sign-on), logging out, and the first setup.

use super::{UiForm, UiQuery, sso};
use crate::AppState;
use crate::auth::{SESSION_COOKIE, clear_cookie, cookie, safe_next, session_cookie};
use crate::error::AppError;
use crate::pages::{Base, UiError, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use nazorg_domain::access::{self, Role};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inloggen", get(login_page).post(login))
        .route("/inloggen/code", get(code_page).post(login_code))
        .route("/inloggen/sso", get(sso::start))
        .route("/inloggen/sso/terug", get(sso::callback))
        .route("/uitloggen", post(logout))
        .route("/installatie", get(setup_page).post(setup))
}

#[derive(Template)]
#[template(path = "session/login.html")]
struct LoginPage {
    base: Base,
    error: Option<String>,
    next: String,
    username: String,
    /// A form the end of the session stopped, as it was sent (urlencoded), to show again
    /// after logging in.
    kept: String,
    /// Offer single sign-on with the municipality's account.
    sso: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NextQuery {
    next: Option<String>,
}

async fn login_page(State(s): State<AppState>, UiQuery(q): UiQuery<NextQuery>) -> Response {
    render(
        StatusCode::OK,
        LoginPage {
            base: Base::anonymous("Inloggen"),
            error: None,
            next: safe_next(q.next.as_deref()),
            username: String::new(),
            kept: String::new(),
            sso: s.sso.is_some(),
        },
    )
}

/// The answer to a form sent after the session ended: the login page, which keeps what
/// was sent (never saved unchecked), to show it again filled in once logged in.
pub(crate) fn login_to_resume(next: &str, sent: Vec<(String, String)>) -> Response {
    let sent: Vec<(String, String)> = sent.into_iter().filter(|(n, _)| n != "csrf").collect();
    render(
        StatusCode::UNAUTHORIZED,
        LoginPage {
            base: Base::anonymous("Inloggen"),
            error: Some(
                "Uw sessie was verlopen, daarom is uw wijziging nog niet opgeslagen. Log opnieuw in: daarna ziet u wat u invulde terug, om te versturen.".into(),
            ),
            next: safe_next(Some(next)),
            username: String::new(),
            kept: serde_urlencoded::to_string(&sent).unwrap_or_default(),
            sso: false,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    username: String,
    password: String,
    next: String,
    /// What a form sent after the session ended held (see [`login_to_resume`]).
    bewaard: String,
}

async fn login(
    State(s): State<AppState>,
    headers: axum::http::HeaderMap,
    UiForm(f): UiForm<LoginForm>,
) -> Result<Response, UiError> {
    // A locked account answers exactly as a wrong password or an unknown name does, so
    // that the answer does not tell which usernames exist; the message says that an
    // account waits after five failures.
    let outcome = match s.app.verify_login(&f.username, &f.password).await {
        Err(nazorg_app::Error::Locked(_)) => None,
        other => other?,
    };
    if let Some(actor) = &outcome
        && let Some(challenge) = s.app.second_factor_challenge(actor.user_id).await?
    {
        // The code page keeps a form the end of the session stopped.
        if !f.bewaard.is_empty() {
            let form = CodeForm {
                c: challenge,
                next: f.next.clone(),
                code: String::new(),
                bewaard: f.bewaard.clone(),
            };
            return code_view(&s, &form, StatusCode::OK, None).await;
        }
        let next = urlencode_next(&safe_next(Some(&f.next)));
        return Ok(
            Redirect::to(&format!("/inloggen/code?c={challenge}&next={next}")).into_response(),
        );
    }
    match outcome {
        Some(actor) if !f.bewaard.is_empty() => {
            let token = new_session(&s, &headers, actor.user_id).await?;
            super::resume::resume(&s, &token, &safe_next(Some(&f.next)), &f.bewaard).await
        }
        Some(actor) => {
            let token = new_session(&s, &headers, actor.user_id).await?;
            Ok(signed_in(&s, &token, landing(Some(actor.role), &f.next)))
        }
        None => Ok(render(
            StatusCode::UNAUTHORIZED,
            LoginPage {
                base: Base::anonymous("Inloggen"),
                error: Some(
                    "Gebruikersnaam of wachtwoord is onjuist. Na vijf mislukte pogingen op rij wacht een account even: probeer het dan over een paar minuten opnieuw."
                        .into(),
                ),
                next: safe_next(Some(&f.next)),
                username: f.username,
                kept: f.bewaard,
                sso: s.sso.is_some(),
            },
        )),
    }
}

/// Where a user lands after signing in: the start page of their role, if it has one, else
/// where they were going (`next`, if it is a page of ours).
pub(super) fn landing(role: Option<Role>, next: &str) -> String {
    match role.and_then(access::after_sign_in) {
        Some(page) => page.path().to_string(),
        None => safe_next(Some(next)),
    }
}

/// A new session for a user who signed in (a new id every time); a session this browser
/// still held, perhaps of someone else, ends.
pub(super) async fn new_session(
    s: &AppState,
    headers: &axum::http::HeaderMap,
    user_id: nazorg_domain::ids::UserId,
) -> Result<String, UiError> {
    if let Some(old) = cookie(headers, SESSION_COOKIE) {
        s.app.end_session(&old).await?;
    }
    Ok(s.app.create_session(user_id).await?.0)
}

/// The answer to a sign-in: the browser gets the session's cookie and goes on to `target`.
pub(super) fn signed_in(s: &AppState, token: &str, target: String) -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (
                header::SET_COOKIE,
                session_cookie(token, s.config.secure_cookies),
            ),
            (header::LOCATION, target),
        ],
    )
        .into_response()
}

fn urlencode_next(next: &str) -> String {
    serde_urlencoded::to_string([("v", next)])
        .map(|s| s[2..].to_string())
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "session/login_code.html")]
struct CodePage {
    base: Base,
    challenge: String,
    next: String,
    /// A form the end of the session stopped (see [`login_to_resume`]).
    kept: String,
    setup: Option<(String, String)>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeForm {
    c: String,
    next: String,
    code: String,
    bewaard: String,
}

async fn code_view(
    s: &AppState,
    f: &CodeForm,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, UiError> {
    let Some((user_id, pending)) = s.app.challenge(&f.c).await? else {
        return Ok(Redirect::to("/inloggen").into_response());
    };
    let setup = match pending {
        Some(secret) => {
            let username = s
                .app
                .list_users(None)
                .await?
                .into_iter()
                .find(|u| u.id == user_id)
                .map(|u| u.username)
                .unwrap_or_default();
            let uri = nazorg_app::totp_uri(&secret, &username);
            Some((secret, uri))
        }
        None => None,
    };
    Ok(render(
        status,
        CodePage {
            base: Base::anonymous("Inlogcode"),
            challenge: f.c.clone(),
            next: safe_next(Some(&f.next)),
            kept: f.bewaard.clone(),
            setup,
            error,
        },
    ))
}

async fn code_page(
    State(s): State<AppState>,
    UiQuery(f): UiQuery<CodeForm>,
) -> Result<Response, UiError> {
    code_view(&s, &f, StatusCode::OK, None).await
}

/// The second step of logging in: the six-digit code of the user's authenticator app.
async fn login_code(
    State(s): State<AppState>,
    headers: axum::http::HeaderMap,
    UiForm(f): UiForm<CodeForm>,
) -> Result<Response, UiError> {
    match s.app.answer_challenge(&f.c, &f.code).await? {
        Some(user_id) if !f.bewaard.is_empty() => {
            let token = new_session(&s, &headers, user_id).await?;
            super::resume::resume(&s, &token, &safe_next(Some(&f.next)), &f.bewaard).await
        }
        Some(user_id) => {
            let token = new_session(&s, &headers, user_id).await?;
            // Where the role lands, as after a password without a second factor.
            let role = s.app.session(&token).await?.map(|(actor, _)| actor.role);
            Ok(signed_in(&s, &token, landing(role, &f.next)))
        }
        None => {
            code_view(
                &s,
                &f,
                StatusCode::UNAUTHORIZED,
                Some(
                    "Deze code klopt niet of is verlopen. Probeer de code die uw app nu toont."
                        .into(),
                ),
            )
            .await
        }
    }
}

async fn logout(
    State(s): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, UiError> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        s.app.end_session(&token).await?;
    }
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, clear_cookie(s.config.secure_cookies)),
            (header::LOCATION, "/inloggen".to_string()),
        ],
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "session/setup.html")]
struct SetupPage {
    base: Base,
    error: Option<String>,
    token: String,
    username: String,
    display_name: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SetupForm {
    token: String,
    username: String,
    display_name: String,
    password: String,
}

async fn setup_page(UiQuery(f): UiQuery<SetupForm>) -> Response {
    render(
        StatusCode::OK,
        SetupPage {
            base: Base::anonymous("Installatie"),
            error: None,
            token: f.token,
            username: String::new(),
            display_name: String::new(),
        },
    )
}

async fn setup(
    State(s): State<AppState>,
    UiForm(f): UiForm<SetupForm>,
) -> Result<Response, UiError> {
    let result = {
        s.app
            .complete_setup(
                &f.token,
                &f.username.trim().to_lowercase(),
                &f.display_name,
                &f.password,
                &s.config.municipality,
            )
            .await
            .map_err(AppError::from)
    };
    match result {
        Ok(_) => Ok(Redirect::to("/inloggen").into_response()),
        Err(e) => Ok(render(
            e.status(),
            SetupPage {
                base: Base::anonymous("Installatie"),
                error: Some(e.to_string()),
                token: f.token,
                username: f.username,
                display_name: f.display_name,
            },
        )),
    }
}
