//! The Dutch HTML interface: plain forms that work without JavaScript. One module per page
//! (or group of pages), each with its own router, merged here.

use crate::AppState;
use crate::auth::UiUser;
use crate::error::AppError;
use crate::extract::extractor;
use crate::pages::{Base, UiError};
use axum::Router;
use axum::extract::{Form, Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use nazorg_domain::access::{self, Action, Page};
use nazorg_domain::ids::UserId;
use nazorg_domain::{Coded, format_nl};

const CSS: &str = include_str!("../../static/nazorg.css");

mod budget;
mod case_page;
mod case_steps;
mod cases;
mod chain_cards;
mod files;
mod municipalities;
mod notice;
mod partners;
mod readable;
mod referrals;
mod reports;
mod resume;
mod session;
mod signed;
mod sso;
mod users;
mod work;

pub use files::download;
pub use notice::Notice;
pub(crate) use session::login_to_resume;
pub use signed::Signed;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(session::router())
        .merge(users::router())
        .merge(municipalities::router())
        .merge(cases::router())
        .merge(case_page::router())
        .merge(case_steps::router())
        .merge(referrals::router())
        .merge(budget::router())
        .merge(partners::router())
        .merge(reports::router())
        .merge(work::router())
        .route("/", get(|| async { Redirect::to("/mijn-werk") }))
        .route("/static/nazorg.css", get(css))
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

extractor! {
    /// Path extractor for pages: an id that is not a number is simply not found (a Dutch
    /// page), not axum's English rejection.
    UiPath: Path from parts, |_| -> UiError { UiError(AppError::NotFound) }
}

extractor! {
    /// Query extractor for pages: malformed parameters give a Dutch page.
    UiQuery: Query from parts, |_| -> UiError {
        UiError(AppError::Invalid("De adresregel bevat een ongeldige waarde.".into()))
    }
}

extractor! {
    /// Form extractor for pages: a body that cannot be read as the form gives a Dutch page.
    /// Every form's fields are optional (`#[serde(default)]`), so this only happens for a
    /// body that was not sent by one of our forms; the handler's own checks come first.
    UiForm: Form from request, |_| -> UiError {
        UiError(AppError::Invalid(
            "Het formulier kon niet worden gelezen. Vernieuw de pagina en probeer het opnieuw."
                .into(),
        ))
    }
}

/// A posted form, read as `T` and kept as typed (its fields in the order sent), so that a
/// refused form can be shown again filled in (`pages::Typed`).
pub struct UiTyped<T>(pub T, pub Vec<(String, String)>);

impl<T, S> axum::extract::FromRequest<S> for UiTyped<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = UiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, UiError> {
        let unreadable = || {
            UiError(AppError::Invalid(
                "Het formulier kon niet worden gelezen. Vernieuw de pagina en probeer het opnieuw."
                    .into(),
            ))
        };
        let bytes = <axum::body::Bytes as axum::extract::FromRequest<S>>::from_request(req, state)
            .await
            .map_err(|_| unreadable())?;
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|_| unreadable())?;
        let fields: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&bytes).map_err(|_| unreadable())?;
        // The session's token is no part of what the user typed.
        let fields = fields.into_iter().filter(|(n, _)| n != "csrf").collect();
        Ok(UiTyped(form, fields))
    }
}

/// The version of the case a form of the case page was shown with (`?versie=` on its
/// address, set by `forms::case_form`): a step that replaces values is checked against it.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ShownVersion {
    pub versie: Option<i64>,
}

impl ShownVersion {
    /// The version read; a form without one (not ours, or from before versions) is
    /// refused, never saved unchecked.
    pub fn seen(&self) -> Result<Option<nazorg_domain::version::Version>, AppError> {
        match self.versie {
            Some(v) => Ok(Some(nazorg_domain::version::Version(v))),
            None => Err(AppError::VersionRequired),
        }
    }
}

/// Which refusals of a posted form its own page shows again, with the reason on top; any
/// other error is the error page.
#[derive(Clone, Copy)]
pub enum Shown {
    /// Input the user can correct.
    Invalid,
    /// That, and a step the case or referral is not in the state for.
    InvalidOrConflict,
    /// Whatever went wrong.
    All,
}

/// What a posted form came to.
pub enum Posted<T> {
    /// Saved, with what the use case gave back.
    Saved(T),
    /// Refused: the form's page again, with this status and the reason on top (and next
    /// to the field it is about, if it is about one).
    Refused(StatusCode, String, Option<&'static str>),
}

/// Sorts out the result of a posted form: saved, refused for a reason its page shows
/// (`shown`), or the error page for anything else.
pub fn posted<T>(result: Result<T, AppError>, shown: Shown) -> Result<Posted<T>, UiError> {
    match (result, shown) {
        (Ok(value), _) => Ok(Posted::Saved(value)),
        (Err(e @ (AppError::Invalid(_) | AppError::Field { .. })), _)
        | (
            Err(e @ (AppError::Stale(_) | AppError::Changed { .. } | AppError::VersionRequired)),
            _,
        )
        | (Err(e @ AppError::Conflict(_)), Shown::InvalidOrConflict)
        | (Err(e), Shown::All) => {
            let field = match &e {
                AppError::Field { field, .. } => Some(*field),
                _ => None,
            };
            Ok(Posted::Refused(e.status(), e.to_string(), field))
        }
        (Err(e), _) => Err(UiError(e)),
    }
}

/// Runs a posted form's `work` once the user may do `action` (not on one case), and sorts
/// out its result (`posted`).
pub async fn post_form<T>(
    s: &AppState,
    user: &UiUser,
    action: Action,
    shown: Shown,
    work: impl Future<Output = Result<T, AppError>>,
) -> Result<Posted<T>, UiError> {
    s.app.permit(&user.actor, action, None).await?;
    posted(work.await, shown)
}

/// The frame of a logged-in user's page. (Defined here, not in `pages`, so that `pages`
/// needs nothing from the session extractor.)
impl Base {
    pub fn new(title: impl Into<String>, user: Option<&UiUser>, nav: Page) -> Base {
        let role = user.map(|u| u.actor.role);
        Base {
            title: title.into(),
            user: user.map(|u| u.actor.username.clone()),
            csrf: user.map(|u| u.csrf.clone()).unwrap_or_default(),
            nav: Some(nav),
            work_count: user.and_then(|u| u.work_count),
            menu: role.map(access::menu).unwrap_or(&[]),
            works_cases: role.is_some_and(access::works_cases),
            typed: Default::default(),
        }
    }
}

/// One option of a select.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub fn opts<T: Coded>(selected: Option<T>) -> Vec<Opt> {
    opts_of(T::all(), selected)
}

pub fn opts_of<T: Coded>(values: &[T], selected: Option<T>) -> Vec<Opt> {
    values
        .iter()
        .map(|v| Opt {
            value: v.code().into(),
            label: v.label().into(),
            selected: Some(*v) == selected,
        })
        .collect()
}

/// The options of a select of users by their display name, one selected.
pub fn user_opts<'a>(
    users: impl IntoIterator<Item = &'a nazorg_app::User>,
    selected: Option<UserId>,
) -> Vec<Opt> {
    users
        .into_iter()
        .map(|u| Opt {
            value: u.id.to_string(),
            label: u.display_name.clone(),
            selected: Some(u.id) == selected,
        })
        .collect()
}

/// The options of a select of the active partner organisations `keep` keeps, by name.
pub fn partner_opts(
    partners: &[nazorg_app::Partner],
    keep: impl Fn(&nazorg_app::Partner) -> bool,
) -> Vec<Opt> {
    partners
        .iter()
        .filter(|p| p.active && keep(p))
        .map(|p| Opt {
            value: p.id.to_string(),
            label: p.name.clone(),
            selected: false,
        })
        .collect()
}

pub fn nl(date: Option<time::Date>) -> String {
    date.map(format_nl).unwrap_or_else(|| "—".into())
}

pub fn full_name(given: &str, family: &str) -> String {
    if given.is_empty() {
        family.to_string()
    } else {
        format!("{given} {family}")
    }
}
