//! The Dutch HTML interface: plain forms that work without JavaScript.

use crate::AppState;
use crate::api::{CaseQuery, rules_of, suggestion_of};
use crate::auth::{SESSION_COOKIE, UiUser, clear_cookie, cookie, safe_next, session_cookie};
use crate::error::{AppError, UiError};
use crate::input::*;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use nazorg_domain::access::{Actor, Role};
use nazorg_domain::case::{
    ClosingReason, ContactKind, DomainResult, OfferOutcome, OverallResult, Relation,
};
use nazorg_domain::dates::format_iso;
use nazorg_domain::eligibility::{Eligibility, RuleState};
use nazorg_domain::lifecycle::{self, CaseState, Status, Step};
use nazorg_domain::notification::{BrpStatus, Sentence, Source};
use nazorg_domain::referral::PartnerKind;
use nazorg_domain::triage::{Direction, LifeDomain, Need, SelfReliance};
use nazorg_domain::{Coded, format_nl};
use nazorg_store::{CaseDetail, ImportOutcome};
use serde::Deserialize;
use std::collections::HashMap;

const CSS: &str = include_str!("../static/nazorg.css");

mod partners;
mod readable;
mod reports;
mod sso;
mod work;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(partners::router())
        .merge(reports::router())
        .merge(work::router())
        .route("/", get(|| async { Redirect::to("/mijn-werk") }))
        .route("/static/nazorg.css", get(css))
        .route("/inloggen", get(login_page).post(login))
        .route("/inloggen/code", get(code_page).post(login_code))
        .route("/inloggen/sso", get(sso::start))
        .route("/inloggen/sso/terug", get(sso::callback))
        .route("/uitloggen", post(logout))
        .route("/installatie", get(setup_page).post(setup))
        .route("/gebruikers", get(users_page).post(add_user))
        .route("/casussen", get(cases_page))
        .route("/meldingen/nieuw", get(notification_page))
        .route("/meldingen", post(create_notification))
        .route("/casussen/{id}", get(case_page))
        .route("/casussen/{id}/{step}", post(case_step))
        .route(
            "/casussen/{id}/afspraken/{agreement_id}",
            post(agreement_done),
        )
        .fallback(not_found)
}

async fn not_found() -> UiError {
    UiError(AppError::NotFound)
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
        .into_response()
}

/// Path extractor for pages: an id that is not a number is simply not found (a Dutch
/// page), not axum's English rejection.
pub struct UiPath<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send, S: Send + Sync> axum::extract::FromRequestParts<S>
    for UiPath<T>
{
    type Rejection = UiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(UiPath(v)),
            Err(_) => Err(UiError(AppError::NotFound)),
        }
    }
}

/// Query extractor for pages: malformed parameters give a Dutch page.
pub struct UiQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send, S: Send + Sync> axum::extract::FromRequestParts<S>
    for UiQuery<T>
{
    type Rejection = UiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(UiQuery(v)),
            Err(_) => Err(UiError(AppError::Invalid(
                "De adresregel bevat een ongeldige waarde.".into(),
            ))),
        }
    }
}

/// What every page needs for its frame.
pub struct Base {
    pub title: String,
    pub user: Option<String>,
    pub csrf: String,
    pub nav: &'static str,
    /// Which menu: "admin" (users, partners), "partner" (own referrals) or "coordinator".
    pub menu: &'static str,
    /// Items on the user's worklist, shown in the menu.
    pub work_count: Option<usize>,
}

impl Base {
    fn new(title: impl Into<String>, user: Option<&UiUser>, nav: &'static str) -> Base {
        Base {
            title: title.into(),
            user: user.map(|u| u.actor.username.clone()),
            csrf: user.map(|u| u.csrf.clone()).unwrap_or_default(),
            nav,
            work_count: user.and_then(|u| u.work_count),
            menu: match user.map(|u| u.actor.role) {
                Some(Role::Administrator) => "admin",
                Some(Role::PolicyAdvisor) => "policy",
                Some(Role::SafetyChamber) => "safety",
                Some(role) if nazorg_domain::access::is_partner_role(role) => "partner",
                Some(_) => "coordinator",
                None => "",
            },
        }
    }
}

/// One option of a select.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn opts<T: Coded>(selected: Option<T>) -> Vec<Opt> {
    opts_of(T::all(), selected)
}

fn opts_of<T: Coded>(values: &[T], selected: Option<T>) -> Vec<Opt> {
    values
        .iter()
        .map(|v| Opt {
            value: v.code().into(),
            label: v.label().into(),
            selected: Some(*v) == selected,
        })
        .collect()
}

fn render<T: Template>(status: StatusCode, page: T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => UiError(AppError::Internal(format!("template: {e}"))).into_response(),
    }
}

fn nl(date: Option<time::Date>) -> String {
    date.map(format_nl).unwrap_or_else(|| "—".into())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    base: Base,
    message: &'a str,
}

/// A Dutch error page (without the user's menu: it may be shown to anyone).
pub fn error_page(title: &str, message: &str) -> String {
    ErrorPage {
        base: Base::new(title, None, ""),
        message,
    }
    .render()
    .unwrap_or_else(|_| {
        format!("<!DOCTYPE html><html lang=\"nl\"><title>{title}</title><p>{message}</p></html>")
    })
}

// --- login, logout, setup -----------------------------------------------------------

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    base: Base,
    error: Option<String>,
    next: String,
    username: String,
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
            base: Base::new("Inloggen", None, ""),
            error: None,
            next: safe_next(q.next.as_deref()),
            username: String::new(),
            sso: s.sso.is_some(),
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    username: String,
    password: String,
    next: String,
}

async fn login(State(s): State<AppState>, Form(f): Form<LoginForm>) -> Result<Response, UiError> {
    let outcome = match s.store.verify_login(&f.username, &f.password).await {
        Err(nazorg_store::StoreError::Locked(until)) => {
            let local = nazorg_domain::dates::to_amsterdam(until);
            return Ok(render(
                StatusCode::TOO_MANY_REQUESTS,
                LoginPage {
                    base: Base::new("Inloggen", None, ""),
                    error: Some(format!(
                        "Dit account is tijdelijk geblokkeerd na te veel mislukte pogingen. Probeer het na {:02}:{:02} opnieuw.",
                        local.hour(),
                        local.minute()
                    )),
                    next: safe_next(Some(&f.next)),
                    username: f.username,
                    sso: s.sso.is_some(),
                },
            ));
        }
        other => other?,
    };
    if let Some(actor) = &outcome
        && let Some(challenge) = s.store.second_factor_challenge(actor.user_id).await?
    {
        let next = urlencode_next(&safe_next(Some(&f.next)));
        return Ok(
            Redirect::to(&format!("/inloggen/code?c={challenge}&next={next}")).into_response(),
        );
    }
    match outcome {
        Some(actor) => {
            let (token, _) = s.store.create_session(actor.user_id).await?;
            let target = if actor.role == Role::Administrator {
                "/gebruikers".to_string()
            } else if actor.role == Role::PolicyAdvisor {
                "/monitor".to_string()
            } else if actor.role == Role::SafetyChamber {
                "/veiligheidskamer".to_string()
            } else if nazorg_domain::access::is_partner_role(actor.role) {
                "/verwijzingen".to_string()
            } else {
                safe_next(Some(&f.next))
            };
            Ok((
                StatusCode::SEE_OTHER,
                [
                    (
                        header::SET_COOKIE,
                        session_cookie(&token, s.config.secure_cookies),
                    ),
                    (header::LOCATION, target),
                ],
            )
                .into_response())
        }
        None => Ok(render(
            StatusCode::UNAUTHORIZED,
            LoginPage {
                base: Base::new("Inloggen", None, ""),
                error: Some("Gebruikersnaam of wachtwoord is onjuist.".into()),
                next: safe_next(Some(&f.next)),
                username: f.username,
                sso: s.sso.is_some(),
            },
        )),
    }
}

fn urlencode_next(next: &str) -> String {
    serde_urlencoded::to_string([("v", next)])
        .map(|s| s[2..].to_string())
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    base: Base,
    challenge: String,
    next: String,
    setup: Option<(String, String)>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeForm {
    c: String,
    next: String,
    code: String,
}

async fn code_view(
    s: &AppState,
    f: &CodeForm,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, UiError> {
    let Some((user_id, pending)) = s.store.challenge(&f.c).await? else {
        return Ok(Redirect::to("/inloggen").into_response());
    };
    let setup = match pending {
        Some(secret) => {
            let username = s
                .store
                .list_users(None)
                .await?
                .into_iter()
                .find(|u| u.id == user_id)
                .map(|u| u.username)
                .unwrap_or_default();
            let uri = nazorg_store::totp_uri(&secret, &username);
            Some((secret, uri))
        }
        None => None,
    };
    Ok(render(
        status,
        CodePage {
            base: Base::new("Inlogcode", None, ""),
            challenge: f.c.clone(),
            next: safe_next(Some(&f.next)),
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
    Form(f): Form<CodeForm>,
) -> Result<Response, UiError> {
    match s.store.answer_challenge(&f.c, &f.code).await? {
        Some(user_id) => {
            let (token, _) = s.store.create_session(user_id).await?;
            Ok((
                StatusCode::SEE_OTHER,
                [
                    (
                        header::SET_COOKIE,
                        session_cookie(&token, s.config.secure_cookies),
                    ),
                    (header::LOCATION, safe_next(Some(&f.next))),
                ],
            )
                .into_response())
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
        s.store.end_session(&token).await?;
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
#[template(path = "setup.html")]
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
            base: Base::new("Installatie", None, ""),
            error: None,
            token: f.token,
            username: String::new(),
            display_name: String::new(),
        },
    )
}

async fn setup(State(s): State<AppState>, Form(f): Form<SetupForm>) -> Result<Response, UiError> {
    let result = {
        s.store
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
                base: Base::new("Installatie", None, ""),
                error: Some(e.to_string()),
                token: f.token,
                username: f.username,
                display_name: f.display_name,
            },
        )),
    }
}

// --- users (administrator) ----------------------------------------------------------

struct UserRow {
    username: String,
    display_name: String,
    role: String,
    municipality: String,
    active: &'static str,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    base: Base,
    users: Vec<UserRow>,
    role_opts: Vec<Opt>,
    partner_opts: Vec<Opt>,
    flash: Option<String>,
    error: Option<String>,
}

fn require_admin(user: &UiUser) -> Result<(), UiError> {
    nazorg_domain::access::authorize(
        &user.actor,
        nazorg_domain::access::Action::ManageUsers,
        &user.actor.municipality,
    )
    .map_err(|d| UiError(AppError::Forbidden(d.to_string())))
}

async fn users_view(
    s: &AppState,
    user: &UiUser,
    status: StatusCode,
    flash: Option<String>,
    error: Option<String>,
) -> Result<Response, UiError> {
    let partner_list = s.store.list_partners(&user.actor.municipality).await?;
    let users = s
        .store
        .list_users(Some(&user.actor.municipality))
        .await?
        .into_iter()
        .map(|u| UserRow {
            username: u.username,
            display_name: u.display_name,
            role: u.role.label().into(),
            municipality: u.municipality_code,
            active: if u.active { "ja" } else { "nee" },
        })
        .collect();
    Ok(render(
        status,
        UsersPage {
            base: Base::new("Gebruikers", Some(user), "users"),
            users,
            role_opts: opts::<Role>(Some(Role::Coordinator)),
            partner_opts: partner_list
                .iter()
                .filter(|p| p.active && matches!(p.kind, PartnerKind::Skt | PartnerKind::Exodus))
                .map(|p| Opt {
                    value: p.id.to_string(),
                    label: p.name.clone(),
                    selected: false,
                })
                .collect(),
            flash,
            error,
        },
    ))
}

async fn users_page(State(s): State<AppState>, user: UiUser) -> Result<Response, UiError> {
    require_admin(&user)?;
    users_view(&s, &user, StatusCode::OK, None, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UserForm {
    username: String,
    display_name: String,
    role: String,
    password: String,
    partner_id: String,
    totp_required: Option<String>,
}

async fn add_user(
    State(s): State<AppState>,
    user: UiUser,
    Form(f): Form<UserForm>,
) -> Result<Response, UiError> {
    require_admin(&user)?;
    let result = async {
        let role = code::<Role>("de rol", &f.role)?;
        let username = f.username.trim().to_lowercase();
        let partner_id = f.partner_id.parse::<i64>().ok();
        let id = s
            .store
            .add_partner_user(
                &username,
                &f.display_name,
                &f.password,
                role,
                &user.actor.municipality,
                partner_id,
            )
            .await?;
        if f.totp_required.is_some() {
            s.store.set_totp_required(id, true).await?;
        }
        Ok::<_, AppError>(username)
    }
    .await;
    match result {
        Ok(name) => {
            users_view(
                &s,
                &user,
                StatusCode::OK,
                Some(format!("Gebruiker {name} is toegevoegd.")),
                None,
            )
            .await
        }
        Err(e) => users_view(&s, &user, e.status(), None, Some(e.to_string())).await,
    }
}

// --- worklist -------------------------------------------------------------------------

struct CaseRow {
    case_id: i64,
    name: String,
    bsn: String,
    detention_start: String,
    status: String,
    eligibility: String,
    direction: String,
    next_action: String,
    due: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    base: Base,
    lead: String,
    rows: Vec<CaseRow>,
    search: String,
    status_opts: Vec<Opt>,
    direction_opts: Vec<Opt>,
    coordinator_opts: Vec<Opt>,
    next_url: Option<String>,
    first_url: Option<String>,
    /// Partners' reports back (finished or returned referrals) not yet seen.
    feedback: Vec<partners::ReferralRow>,
}

fn full_name(given: &str, family: &str) -> String {
    if given.is_empty() {
        family.to_string()
    } else {
        format!("{given} {family}")
    }
}

async fn cases_page(
    State(s): State<AppState>,
    user: UiUser,
    UiQuery(raw): UiQuery<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    if user.actor.role == Role::Administrator {
        return Ok(Redirect::to("/gebruikers").into_response());
    }
    if nazorg_domain::access::is_partner_role(user.actor.role) {
        return Ok(Redirect::to("/verwijzingen").into_response());
    }
    if user.actor.role == Role::PolicyAdvisor {
        return Ok(Redirect::to("/monitor").into_response());
    }
    if user.actor.role == Role::SafetyChamber {
        return Ok(Redirect::to("/veiligheidskamer").into_response());
    }
    let get = |k: &str| {
        raw.iter()
            .find(|(key, v)| key == k && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let q = CaseQuery {
        status: get("status"),
        direction: get("direction"),
        coordinator: get("coordinator").and_then(|c| c.parse().ok()),
        search: get("search"),
        open: Some(true),
        after: get("after"),
        limit: Some(25),
    };
    let (filter, after) = q.filter()?;
    let page = s.store.list_cases(&user.actor, &filter, after, 25).await?;
    let today = nazorg_domain::dates::today_nl();
    let rows = page
        .items
        .iter()
        .map(|c| CaseRow {
            case_id: c.case_id,
            name: full_name(&c.given_names, &c.family_name),
            bsn: c.bsn.clone(),
            detention_start: format_nl(c.detention_start),
            status: c.status.label().into(),
            eligibility: c.eligibility.label().into(),
            direction: c.direction.map(|d| d.label()).unwrap_or("—").into(),
            next_action: if c.status.is_open() {
                c.next_action.clone()
            } else {
                "—".into()
            },
            due: if c.status.is_open() {
                format_nl(c.action_due)
            } else {
                "—".into()
            },
            overdue: c.status.is_open() && c.action_due < today,
        })
        .collect();
    let keep: Vec<(String, String)> = raw
        .iter()
        .filter(|(k, v)| k != "after" && !v.is_empty())
        .cloned()
        .collect();
    let url = |after: Option<String>| {
        let mut params = keep.clone();
        if let Some(a) = after {
            params.push(("after".into(), a));
        }
        let query = serde_urlencoded::to_string(&params).unwrap_or_default();
        if query.is_empty() {
            "/casussen".to_string()
        } else {
            format!("/casussen?{query}")
        }
    };
    let coordinators = s.store.coordinators(&user.actor).await?;
    let feedback = s
        .store
        .list_referrals(
            &user.actor,
            &nazorg_store::ReferralFilter {
                unacknowledged: true,
                for_coordinator: Some(user.actor.user_id),
                ..Default::default()
            },
            None,
            20,
        )
        .await?
        .items
        .iter()
        .map(partners::ReferralRow::from)
        .collect();
    let page_view = CasesPage {
        feedback,
        base: Base::new("Werklijst", Some(&user), "cases"),
        lead: match filter.status {
            Some(status) => format!(
                "Casussen in de fase ‘{}’, het dringendste eerst.",
                status.label()
            ),
            None => "Open casussen, het dringendste eerst.".into(),
        },
        rows,
        search: q.search.clone().unwrap_or_default(),
        status_opts: opts::<Status>(filter.status),
        direction_opts: opts::<Direction>(filter.direction),
        coordinator_opts: coordinators
            .iter()
            .map(|u| Opt {
                value: u.id.to_string(),
                label: u.display_name.clone(),
                selected: Some(u.id) == filter.coordinator_id,
            })
            .collect(),
        next_url: page.next.map(|c| url(Some(c.encode()))),
        first_url: after.map(|_| url(None)),
    };
    Ok(render(StatusCode::OK, page_view))
}

// --- notification by hand -------------------------------------------------------------

#[derive(Template)]
#[template(path = "notification_new.html")]
struct NotificationPage {
    base: Base,
    form: NotificationIn,
    error: Option<String>,
    brp_opts: Vec<Opt>,
    sentence_opts: Vec<Opt>,
    source_opts: Vec<Opt>,
}

fn notification_view(
    user: &UiUser,
    form: NotificationIn,
    error: Option<String>,
) -> NotificationPage {
    NotificationPage {
        base: Base::new("Melding invoeren", Some(user), "notification"),
        brp_opts: opts::<BrpStatus>(BrpStatus::parse(&form.brp_status)),
        sentence_opts: opts::<Sentence>(Sentence::parse(&form.sentence)),
        source_opts: opts::<Source>(Source::parse(&form.source).or(Some(Source::Casemanager))),
        form,
        error,
    }
}

async fn notification_page(user: UiUser, State(s): State<AppState>) -> Result<Response, UiError> {
    s.store
        .permit(
            &user.actor,
            nazorg_domain::access::Action::CreateNotification,
            None,
        )
        .await?;
    let form = NotificationIn {
        municipality_code: s.config.municipality.clone(),
        ..Default::default()
    };
    Ok(render(StatusCode::OK, notification_view(&user, form, None)))
}

async fn create_notification(
    State(s): State<AppState>,
    user: UiUser,
    Form(form): Form<NotificationIn>,
) -> Result<Response, UiError> {
    s.store
        .permit(
            &user.actor,
            nazorg_domain::access::Action::CreateNotification,
            None,
        )
        .await?;
    let parsed = match form.to_row().parse() {
        Ok(n) => n,
        Err(e) => {
            return Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                notification_view(&user, form, Some(e.to_string())),
            ));
        }
    };
    let outcome = s.store.import_notification(&user.actor, &parsed).await?;
    let flash = match outcome {
        ImportOutcome::Created { .. } => "nieuw",
        ImportOutcome::Duplicate { .. } => "bekend",
    };
    Ok(Redirect::to(&format!("/casussen/{}?melding={flash}", outcome.case_id())).into_response())
}

// --- the case page --------------------------------------------------------------------

struct RuleRow {
    label: String,
    state: &'static str,
    result: &'static str,
    explanation: String,
}

struct TriageRow {
    code: &'static str,
    domain: &'static str,
    need: &'static str,
    reliance: &'static str,
    need_opts: Vec<Opt>,
    reliance_opts: Vec<Opt>,
}

struct AgreementRow {
    id: i64,
    domain: &'static str,
    description: String,
    owner: String,
    due: String,
    done: bool,
    done_on: String,
}

struct ContactRow {
    date: String,
    kind: &'static str,
    note: String,
    by: String,
}

struct HouseholdRow {
    id: i64,
    relation: &'static str,
    age: &'static str,
    need: &'static str,
    note: String,
    /// The member's referral and how it stands, if any.
    referral: Option<String>,
    referral_id: Option<i64>,
    /// No referral yet, or the last one was returned or withdrawn.
    can_refer: bool,
    /// Where this member may be referred (youth care for minors; central access or SKT).
    partner_opts: Vec<Opt>,
}

struct SafetyRow {
    id: i64,
    put_on: String,
    reason: String,
    discussed_on: Option<String>,
    outcome: String,
    follow_up: String,
}

/// A referral that needs confirmation because it passes the budget cap: the form is shown
/// again with what was entered and a field for the reason.
pub struct OverCapView {
    message: String,
    partner_id: String,
    domains: Vec<String>,
    reason: String,
    service_kind_id: String,
    asked_on: String,
}

struct EventRow {
    at: String,
    actor: String,
    summary: String,
}

/// The case as its page shows it.
struct CaseView {
    resident_id: i64,
    appointments: Vec<(String, &'static str, String)>,
    referrals: Vec<partners::ReferralRow>,
    can_refer: bool,
    partner_opts: Vec<Opt>,
    service_opts: Vec<Opt>,
    domain_choices: Vec<(&'static str, &'static str)>,
    can_safety: bool,
    safety_items: Vec<SafetyRow>,
    id: i64,
    name: String,
    bsn: String,
    birth_date: String,
    birth_date_iso: String,
    family_name: String,
    given_names: String,
    institution: String,
    detention_start: String,
    expected_release: String,
    expected_release_iso: String,
    actual_release: String,
    aftercare_end: String,
    residence_code: String,
    status: &'static str,
    next_action: String,
    due: String,
    overdue: bool,
    direction: String,
    direction_reason: String,
    direction_since: String,
    coordinator: String,
    sources: String,
    eligibility: &'static str,
    eligibility_code: &'static str,
    computed_eligibility: &'static str,
    overridden: bool,
    override_reason: String,
    override_by: String,
    rules: Vec<RuleRow>,
    offer: Option<String>,
    triage_done: bool,
    triage: Vec<TriageRow>,
    triage_note: String,
    known_skt_opts: Vec<Opt>,
    known_sc_opts: Vec<Opt>,
    known_skt: &'static str,
    known_sc: &'static str,
    suggestion: Option<(&'static str, String)>,
    agreements: Vec<AgreementRow>,
    ready_housing: bool,
    ready_brp: bool,
    ready_id: bool,
    ready_income: bool,
    contacts: Vec<ContactRow>,
    household: Vec<HouseholdRow>,
    closure: Option<String>,
    closure_results: Vec<(&'static str, &'static str)>,
    events: Vec<EventRow>,
    today: String,
    can_offer: bool,
    can_triage: bool,
    can_direction: bool,
    can_plan: bool,
    can_readiness: bool,
    can_release: bool,
    can_log: bool,
    can_household: bool,
    can_facts: bool,
    can_override: bool,
    override_opts: Vec<Opt>,
    brp_opts: Vec<Opt>,
    sentence_opts: Vec<Opt>,
    contact_kind_opts: Vec<Opt>,
    offer_opts: Vec<Opt>,
    direction_opts: Vec<Opt>,
    domain_opts: Vec<Opt>,
    relation_opts: Vec<Opt>,
    need_opts: Vec<Opt>,
    coordinator_opts: Vec<Opt>,
    closing_opts: Vec<Opt>,
    overall_opts: Vec<Opt>,
    result_opts: Vec<Opt>,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    base: Base,
    c: CaseView,
    flash: Option<String>,
    error: Option<String>,
    over_cap: Option<OverCapView>,
}

fn case_view(
    d: &CaseDetail,
    coordinators: &[nazorg_store::User],
    coordinator_id: Option<i64>,
    partner_list: &[nazorg_store::Partner],
    services: &[nazorg_store::ServiceKind],
) -> CaseView {
    let c = &d.summary;
    let state = CaseState {
        status: c.status,
        released: c.actual_release.is_some(),
    };
    let can = |step: Step| lifecycle::apply(state, step).is_ok();
    let today = nazorg_domain::dates::today_nl();
    let suggestion = suggestion_of(d);
    let closing: Vec<ClosingReason> = ClosingReason::ALL
        .iter()
        .copied()
        .filter(|r| can(Step::Close(*r)))
        .collect();
    CaseView {
        id: c.case_id,
        name: full_name(&c.given_names, &c.family_name),
        bsn: c.bsn.clone(),
        birth_date: nl(c.birth_date),
        birth_date_iso: c.birth_date.map(format_iso).unwrap_or_default(),
        family_name: c.family_name.clone(),
        given_names: c.given_names.clone(),
        institution: c.institution.clone(),
        detention_start: format_nl(c.detention_start),
        expected_release: nl(c.expected_release),
        expected_release_iso: c.expected_release.map(format_iso).unwrap_or_default(),
        actual_release: nl(c.actual_release),
        aftercare_end: nl(d.aftercare_end),
        residence_code: d.last_residence_code.clone().unwrap_or_default(),
        status: c.status.label(),
        next_action: if c.status.is_open() {
            c.next_action.clone()
        } else {
            "Geen: de casus is afgesloten".into()
        },
        due: if c.status.is_open() {
            format_nl(c.action_due)
        } else {
            String::new()
        },
        overdue: c.status.is_open() && c.action_due < today,
        direction: c
            .direction
            .map(|x| x.label())
            .unwrap_or("Nog niet bepaald")
            .into(),
        direction_reason: d.direction_reason.clone().unwrap_or_default(),
        direction_since: d.direction_since.map(format_nl).unwrap_or_default(),
        coordinator: c
            .coordinator
            .clone()
            .unwrap_or_else(|| "Niet toegewezen".into()),
        sources: d
            .notifications
            .iter()
            .map(|n| n.source.label())
            .collect::<Vec<_>>()
            .join(", "),
        eligibility: c.eligibility.label(),
        eligibility_code: c.eligibility.code(),
        computed_eligibility: d.computed_eligibility.label(),
        overridden: c.eligibility_overridden,
        override_reason: d.override_reason.clone().unwrap_or_default(),
        override_by: d.override_by.clone().unwrap_or_default(),
        rules: rules_of(d)
            .into_iter()
            .map(|r| {
                let (state, result) = match r.state {
                    RuleState::Met => ("met", "Voldaan"),
                    RuleState::Failed(_) => ("failed", "Niet voldaan"),
                    RuleState::Unknown(_) => ("unknown", "Nog onbekend"),
                };
                RuleRow {
                    label: r.rule.label().into(),
                    state,
                    result,
                    explanation: r.explanation,
                }
            })
            .collect(),
        offer: d.offer_outcome.map(|o| {
            format!(
                "Aanbod {} op {} ({}).",
                o.label().to_lowercase(),
                nl(d.offer_date),
                d.offer_contact_kind.map(|k| k.label()).unwrap_or("—")
            )
        }),
        triage_done: d.triage.len() == 5,
        triage: LifeDomain::ALL
            .iter()
            .map(|domain| {
                let t = d.triage.iter().find(|t| t.domain == *domain);
                TriageRow {
                    code: domain.code(),
                    domain: domain.label(),
                    need: t.map(|t| t.need.label()).unwrap_or("—"),
                    reliance: t.map(|t| t.self_reliance.label()).unwrap_or("—"),
                    need_opts: opts::<Need>(t.map(|t| t.need)),
                    reliance_opts: opts::<SelfReliance>(t.map(|t| t.self_reliance)),
                }
            })
            .collect(),
        triage_note: d.triage_note.clone(),
        known_skt_opts: yes_no_opts(d.known_to_skt),
        known_sc_opts: yes_no_opts(d.known_to_safety_chamber),
        known_skt: yes_no_label(d.known_to_skt),
        known_sc: yes_no_label(d.known_to_safety_chamber),
        suggestion: suggestion
            .as_ref()
            .map(|(dir, reason)| (dir.label(), reason.clone())),
        agreements: d
            .agreements
            .iter()
            .map(|a| AgreementRow {
                id: a.id,
                domain: a.domain.label(),
                description: a.description.clone(),
                owner: a.owner.clone(),
                due: nl(a.due_date),
                done: a.done,
                done_on: nl(a.done_on),
            })
            .collect(),
        ready_housing: d.ready_housing,
        ready_brp: d.ready_brp,
        ready_id: d.ready_id,
        ready_income: d.ready_income,
        contacts: d
            .contacts
            .iter()
            .map(|x| ContactRow {
                date: format_nl(x.date),
                kind: x.kind.label(),
                note: x.note.clone(),
                by: x.created_by.clone(),
            })
            .collect(),
        household: d
            .household
            .iter()
            .map(|h| {
                let referral = d
                    .referrals
                    .iter()
                    .rev()
                    .find(|r| r.household_member_id == Some(h.id));
                HouseholdRow {
                    id: h.id,
                    relation: h.relation.label(),
                    age: if h.is_minor {
                        "Minderjarig"
                    } else {
                        "Meerderjarig"
                    },
                    need: h.support_need.label(),
                    note: h.note.clone(),
                    referral: referral.map(|r| {
                        let result = r
                            .result
                            .map(|x| format!(", {}", x.label().to_lowercase()))
                            .unwrap_or_default();
                        format!("{}: {}{result}", r.partner, r.status.label().to_lowercase())
                    }),
                    referral_id: referral.map(|r| r.id),
                    can_refer: referral.is_none_or(|r| {
                        matches!(
                            r.status,
                            nazorg_domain::referral::ReferralStatus::Returned
                                | nazorg_domain::referral::ReferralStatus::Withdrawn
                        )
                    }),
                    partner_opts: partners::referral_partner_opts(partner_list, |kind| {
                        nazorg_domain::referral::household_partner_allowed(h.is_minor, kind)
                    }),
                }
            })
            .collect(),
        resident_id: c.resident_id,
        appointments: d
            .appointments
            .iter()
            .map(|a| {
                let local = nazorg_domain::dates::to_amsterdam(a.starts_at);
                (
                    format!(
                        "{} {:02}:{:02}",
                        format_nl(local.date()),
                        local.hour(),
                        local.minute()
                    ),
                    a.kind.label(),
                    a.place.clone(),
                )
            })
            .collect(),
        referrals: d
            .referrals
            .iter()
            .filter(|r| r.household_member_id.is_none())
            .map(partners::ReferralRow::from)
            .collect(),
        can_refer: can(Step::Refer),
        partner_opts: partners::referral_partner_opts(partner_list, |_| true),
        service_opts: partners::service_opts(services),
        domain_choices: partners::domain_choices(),
        can_safety: can(Step::SafetyChamber),
        safety_items: d
            .safety_agenda
            .iter()
            .map(|i| SafetyRow {
                id: i.id,
                put_on: format_nl(i.put_on),
                reason: i.reason.clone(),
                discussed_on: i.discussed_on.map(format_nl),
                outcome: i.outcome.clone().unwrap_or_default(),
                follow_up: i.follow_up.clone().unwrap_or_default(),
            })
            .collect(),
        closure: d.closing_reason.map(|r| {
            let overall = d
                .overall_result
                .map(|o| format!(" Resultaat: {}.", o.label().to_lowercase()))
                .unwrap_or_default();
            let note = d
                .closing_note
                .as_deref()
                .filter(|n| !n.is_empty())
                .map(|n| format!(" {n}"))
                .unwrap_or_default();
            format!(
                "Afgesloten op {}: {}.{overall}{note}",
                nl(d.closed_on),
                r.label().to_lowercase()
            )
        }),
        closure_results: d
            .closure_results
            .iter()
            .map(|(dom, res)| (dom.label(), res.label()))
            .collect(),
        events: d
            .events
            .iter()
            .map(|e| EventRow {
                at: format!(
                    "{} {:02}:{:02}",
                    format_nl(e.at.date()),
                    e.at.hour(),
                    e.at.minute()
                ),
                actor: e.actor.clone(),
                summary: e.summary.clone(),
            })
            .collect(),
        today: format_iso(today),
        can_offer: can(Step::RecordOffer(OfferOutcome::Accepted)),
        can_triage: can(Step::Triage),
        can_direction: can(Step::DecideDirection),
        can_plan: can(Step::EditPlan),
        can_readiness: can(Step::Readiness),
        can_release: can(Step::RecordRelease),
        can_log: can(Step::LogContact),
        can_household: can(Step::Household),
        can_facts: can(Step::UpdateFacts),
        can_override: can(Step::OverrideEligibility),
        override_opts: opts::<Eligibility>(c.eligibility_overridden.then_some(c.eligibility)),
        brp_opts: opts::<BrpStatus>(d.brp_status),
        sentence_opts: opts::<Sentence>(d.sentence),
        contact_kind_opts: opts::<ContactKind>(None),
        offer_opts: opts::<OfferOutcome>(None),
        direction_opts: opts::<Direction>(c.direction.or(suggestion.map(|s| s.0))),
        domain_opts: opts::<LifeDomain>(None),
        relation_opts: opts::<Relation>(None),
        need_opts: opts::<Need>(None),
        coordinator_opts: coordinators
            .iter()
            .map(|u| Opt {
                value: u.id.to_string(),
                label: u.display_name.clone(),
                selected: Some(u.id) == coordinator_id,
            })
            .collect(),
        closing_opts: opts_of(&closing, None),
        overall_opts: opts::<OverallResult>(None),
        result_opts: opts::<DomainResult>(None),
    }
}

async fn case_view_page(
    s: &AppState,
    user: &UiUser,
    id: i64,
    status: StatusCode,
    flash: Option<String>,
    error: Option<String>,
    over_cap: Option<OverCapView>,
) -> Result<Response, UiError> {
    let detail = s.store.get_case(&user.actor, id).await?;
    let coordinators = s.store.coordinators(&user.actor).await?;
    let partner_list = s.store.list_partners(&user.actor.municipality).await?;
    let services = s.store.list_service_kinds(&user.actor.municipality).await?;
    let view = case_view(
        &detail,
        &coordinators,
        detail.summary.coordinator_id,
        &partner_list,
        &services,
    );
    Ok(render(
        status,
        CasePage {
            base: Base::new(format!("Casus {id}"), Some(user), "cases"),
            c: view,
            flash,
            error,
            over_cap,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CaseQueryFlash {
    melding: Option<String>,
    opgeslagen: Option<String>,
}

async fn case_page(
    State(s): State<AppState>,
    user: UiUser,
    UiPath(id): UiPath<i64>,
    UiQuery(q): UiQuery<CaseQueryFlash>,
) -> Result<Response, UiError> {
    let flash = match (q.melding.as_deref(), q.opgeslagen.as_deref()) {
        (Some("nieuw"), _) => Some("De melding is opgeslagen als nieuwe casus.".to_string()),
        (Some("bekend"), _) => {
            Some("Deze detentie was al bekend; er is geen nieuwe casus gemaakt.".to_string())
        }
        (_, Some(section)) => section_label(section).map(|label| format!("Opgeslagen: {label}.")),
        _ => None,
    };
    case_view_page(&s, &user, id, StatusCode::OK, flash, None, None).await
}

/// The name of a section of the case page, for the "saved" message; only known sections
/// (a link cannot put arbitrary text on the page).
fn section_label(anchor: &str) -> Option<&'static str> {
    Some(match anchor {
        "aanbod" => "Contact en aanbod",
        "triage" => "Triage",
        "regie" => "Casusregie",
        "plan" => "Plan van aanpak",
        "checklist" => "Checklist vrijlating",
        "vrijlating" => "Vrijlating",
        "contacten" => "Contact",
        "gezin" => "Gezinsleden",
        "doelgroep" => "Doelgroepbepaling",
        "coordinator" => "Nazorgcoördinator",
        "verwijzingen" => "Verwijzingen",
        "veiligheidskamer" => "Veiligheidskamer",
        "afsluiten" => "Afsluiten",
        _ => return None,
    })
}

/// Runs one step from a form and answers with the page: redirected on success, the same
/// page with the error on top when refused.
async fn run_step(
    s: &AppState,
    user: &UiUser,
    id: i64,
    label: &str,
    anchor: &str,
    result: Result<(), AppError>,
) -> Result<Response, UiError> {
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/casussen/{id}?opgeslagen={anchor}#{anchor}")).into_response(),
        ),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            case_view_page(
                s,
                user,
                id,
                e.status(),
                None,
                Some(format!("{label}: {e}")),
                None,
            )
            .await
        }
        Err(e) => Err(UiError(e)),
    }
}

/// A yes / no / not known choice of a form ("ja", "nee" or empty).
fn yes_no(field: &str, value: &str) -> Result<Option<bool>, AppError> {
    match value.trim() {
        "" => Ok(None),
        "ja" => Ok(Some(true)),
        "nee" => Ok(Some(false)),
        _ => Err(AppError::Invalid(format!(
            "Kies ‘ja’, ‘nee’ of ‘onbekend’ {field}."
        ))),
    }
}

fn yes_no_label(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "ja",
        Some(false) => "nee",
        None => "niet vastgelegd",
    }
}

fn yes_no_opts(value: Option<bool>) -> Vec<Opt> {
    [
        ("", "Onbekend", None),
        ("ja", "Ja", Some(true)),
        ("nee", "Nee", Some(false)),
    ]
    .into_iter()
    .map(|(v, label, b)| Opt {
        value: v.into(),
        label: label.into(),
        selected: b == value,
    })
    .collect()
}

fn domain_fields(form: &HashMap<String, String>, prefix: &str) -> Vec<(LifeDomain, String)> {
    LifeDomain::ALL
        .iter()
        .map(|d| {
            (
                *d,
                form.get(&format!("{prefix}{}", d.code()))
                    .cloned()
                    .unwrap_or_default(),
            )
        })
        .collect()
}

/// A referral from the case page. Passing the budget cap shows the form again with a
/// warning that must be confirmed with a reason.
async fn refer(
    s: &AppState,
    user: &UiUser,
    id: i64,
    pairs: &[(String, String)],
) -> Result<Response, UiError> {
    let one = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let domains: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "domain")
        .map(|(_, v)| v.clone())
        .collect();
    let input = ReferralIn {
        partner_id: one("partner_id").parse().unwrap_or(0),
        domains: domains.clone(),
        reason: one("reason"),
        service_kind_id: one("service_kind_id").parse().ok(),
        household_member_id: one("household_member_id").parse().ok(),
        asked_on: Some(one("asked_on")).filter(|d| !d.is_empty()),
        over_cap_reason: Some(one("over_cap_reason")).filter(|r| !r.trim().is_empty()),
    };
    let anchor = if input.household_member_id.is_some() {
        "gezin"
    } else {
        "verwijzingen"
    };
    let today = nazorg_domain::dates::today_nl();
    let result = match input.parse(today) {
        Ok(parsed) => s
            .store
            .create_referral(&user.actor, id, &parsed)
            .await
            .map(|_| ())
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/casussen/{id}?opgeslagen={anchor}#{anchor}")).into_response(),
        ),
        Err(AppError::OverCap(message)) => {
            let over_cap = OverCapView {
                message,
                partner_id: one("partner_id"),
                domains,
                reason: one("reason"),
                service_kind_id: one("service_kind_id"),
                asked_on: one("asked_on"),
            };
            case_view_page(
                s,
                user,
                id,
                StatusCode::CONFLICT,
                None,
                None,
                Some(over_cap),
            )
            .await
        }
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            case_view_page(
                s,
                user,
                id,
                e.status(),
                None,
                Some(format!("Verwijzing: {e}")),
                None,
            )
            .await
        }
        Err(e) => Err(UiError(e)),
    }
}

async fn case_step(
    State(s): State<AppState>,
    user: UiUser,
    UiPath((id, step)): UiPath<(i64, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    s.store
        .permit(
            &user.actor,
            nazorg_domain::access::Action::WriteCase,
            Some(id),
        )
        .await?;
    let form: HashMap<String, String> = pairs.iter().cloned().collect();
    if step == "verwijzingen" {
        return refer(&s, &user, id, &pairs).await;
    }
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let opt = |k: &str| form.get(k).cloned().filter(|v| !v.trim().is_empty());
    let flag = |k: &str| matches!(form.get(k).map(String::as_str), Some("on" | "true" | "1"));
    let actor: &Actor = &user.actor;
    let store = &s.store;
    let (label, anchor, result): (&str, &str, Result<(), AppError>) = match step.as_str() {
        "aanbod" => (
            "Contact en aanbod",
            "aanbod",
            async {
                let input = OfferIn {
                    outcome: get("outcome"),
                    date: get("date"),
                    kind: get("kind"),
                    note: get("note"),
                }
                .parse()?;
                Ok(store.record_offer(actor, id, &input).await?)
            }
            .await,
        ),
        "triage" => (
            "Triage",
            "triage",
            async {
                let needs = domain_fields(&form, "need_");
                let reliances = domain_fields(&form, "reliance_");
                let domains = needs
                    .into_iter()
                    .zip(reliances)
                    .map(|((d, need), (_, self_reliance))| TriageDomainIn {
                        domain: d.code().into(),
                        need,
                        self_reliance,
                    })
                    .collect();
                let input = TriageIn {
                    domains,
                    note: get("note"),
                    known_to_skt: yes_no("bij het SKT", &get("known_to_skt"))?,
                    known_to_safety_chamber: yes_no(
                        "bij de Veiligheidskamer",
                        &get("known_to_safety_chamber"),
                    )?,
                }
                .parse()?;
                Ok(store.record_triage(actor, id, &input).await?)
            }
            .await,
        ),
        "regie" => (
            "Casusregie",
            "regie",
            async {
                let input = DirectionIn {
                    direction: get("direction"),
                    reason: get("reason"),
                }
                .parse()?;
                Ok(store.decide_direction(actor, id, &input).await?)
            }
            .await,
        ),
        "afspraken" => (
            "Afspraak",
            "plan",
            async {
                let input = AgreementIn {
                    domain: get("domain"),
                    description: get("description"),
                    owner: get("owner"),
                    due_date: opt("due_date"),
                }
                .parse()?;
                store
                    .add_agreement(actor, id, &input)
                    .await
                    .map(|_| ())
                    .map_err(AppError::from)
            }
            .await,
        ),
        "checklist" => (
            "Checklist vrijlating",
            "checklist",
            async {
                let input = ReadinessIn {
                    housing: flag("housing"),
                    brp_registration: flag("brp_registration"),
                    id_document: flag("id_document"),
                    income: flag("income"),
                };
                Ok(store.set_readiness(actor, id, &input.parse()).await?)
            }
            .await,
        ),
        "vrijlating" => (
            "Vrijlating",
            "vrijlating",
            async {
                let date = date("de datum van vrijlating", &get("date"))?;
                Ok(store.record_release(actor, id, date).await?)
            }
            .await,
        ),
        "contacten" => (
            "Contact",
            "contacten",
            async {
                let input = ContactIn {
                    date: get("date"),
                    kind: get("kind"),
                    note: get("note"),
                }
                .parse()?;
                store
                    .log_contact(actor, id, &input)
                    .await
                    .map(|_| ())
                    .map_err(AppError::from)
            }
            .await,
        ),
        "gezinsleden" => (
            "Gezinslid",
            "gezin",
            async {
                let input = HouseholdIn {
                    relation: get("relation"),
                    is_minor: flag("is_minor"),
                    support_need: get("support_need"),
                    note: get("note"),
                }
                .parse()?;
                store
                    .add_household_member(actor, id, &input)
                    .await
                    .map(|_| ())
                    .map_err(AppError::from)
            }
            .await,
        ),
        "gegevens" => (
            "Gegevens van de detentie",
            "doelgroep",
            async {
                let input = FactsIn {
                    institution: get("institution"),
                    expected_release: opt("expected_release"),
                    sentence: opt("sentence"),
                    brp_status: opt("brp_status"),
                    last_residence_code: opt("last_residence_code"),
                    birth_date: opt("birth_date"),
                    family_name: form.get("family_name").cloned(),
                    given_names: form.get("given_names").cloned(),
                }
                .parse()?;
                Ok(store.update_facts(actor, id, &input).await?)
            }
            .await,
        ),
        "doelgroep" => (
            "Doelgroepbepaling",
            "doelgroep",
            async {
                let input = OverrideIn {
                    outcome: opt("outcome"),
                    reason: get("reason"),
                }
                .parse()?;
                Ok(store.override_eligibility(actor, id, &input).await?)
            }
            .await,
        ),
        "coordinator" => (
            "Nazorgcoördinator",
            "coordinator",
            async {
                let user_id = match opt("user_id") {
                    Some(v) => Some(v.parse::<i64>().map_err(|_| {
                        AppError::Invalid("Kies een nazorgcoördinator uit de lijst.".into())
                    })?),
                    None => None,
                };
                Ok(store.assign_coordinator(actor, id, user_id).await?)
            }
            .await,
        ),
        "afspraak" => (
            "Afspraak",
            "contacten",
            async {
                let day = date("de datum van de afspraak", &get("date"))?;
                let time = time::Time::parse(
                    get("time").trim(),
                    time::macros::format_description!("[hour]:[minute]"),
                )
                .map_err(|_| {
                    AppError::Invalid("Vul de tijd in als uu:mm, bijvoorbeeld 10:30.".into())
                })?;
                let kind = code::<ContactKind>("de soort afspraak", &get("kind"))?;
                let at =
                    nazorg_domain::dates::amsterdam_to_utc(time::PrimitiveDateTime::new(day, time));
                store
                    .add_appointment(actor, id, at, kind, &get("place"))
                    .await
                    .map(|_| ())
                    .map_err(AppError::from)
            }
            .await,
        ),
        "veiligheidskamer" => (
            "Veiligheidskamer",
            "veiligheidskamer",
            async {
                let put_on = date("de datum van de Veiligheidskamer", &get("put_on"))?;
                store
                    .add_safety_item(actor, id, put_on, &get("reason"))
                    .await
                    .map(|_| ())
                    .map_err(AppError::from)
            }
            .await,
        ),
        "veiligheidskamer-uitkomst" => (
            "Veiligheidskamer",
            "veiligheidskamer",
            async {
                let item = get("item_id")
                    .parse::<i64>()
                    .map_err(|_| AppError::NotFound)?;
                let discussed = date("de datum van bespreking", &get("discussed_on"))?;
                Ok(store
                    .record_safety_outcome(
                        actor,
                        id,
                        item,
                        discussed,
                        &get("outcome"),
                        &get("follow_up"),
                    )
                    .await?)
            }
            .await,
        ),
        "afsluiten" => (
            "Afsluiten",
            "afsluiten",
            async {
                if !flag("confirm") {
                    return Err(AppError::Invalid(
                        "Bevestig dat de casus afgesloten mag worden.".into(),
                    ));
                }
                let results = domain_fields(&form, "result_")
                    .into_iter()
                    .map(|(d, result)| DomainResultIn {
                        domain: d.code().into(),
                        result,
                    })
                    .collect();
                let input = CloseIn {
                    reason: get("reason"),
                    date: get("date"),
                    overall_result: opt("overall_result"),
                    results,
                    note: get("note"),
                }
                .parse()?;
                Ok(store.close_case(actor, id, &input).await?)
            }
            .await,
        ),
        _ => return Err(UiError(AppError::NotFound)),
    };
    run_step(&s, &user, id, label, anchor, result).await
}

async fn agreement_done(
    State(s): State<AppState>,
    user: UiUser,
    UiPath((id, agreement_id)): UiPath<(i64, i64)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, UiError> {
    let done = matches!(form.get("done").map(String::as_str), Some("on"));
    let result = s
        .store
        .set_agreement_done(&user.actor, id, agreement_id, done)
        .await
        .map_err(AppError::from);
    run_step(&s, &user, id, "Afspraak", "plan", result).await
}
