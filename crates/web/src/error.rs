//! One error type for the web layer, shown as problem+json to the API (here) and as a Dutch
//! page in the browser (`pages::UiError`). Causes of server errors are logged, never shown.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use nazorg_app::Error;
use nazorg_domain::access::Denied;

/// What went wrong, in terms a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("Log in om verder te gaan.")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("Niet gevonden.")]
    NotFound,
    #[error("{0}")]
    Invalid(String),
    /// Input refused for one field of a form (its name), with why.
    #[error("{message}")]
    Field {
        field: &'static str,
        message: String,
    },
    #[error("{0}")]
    Conflict(String),
    /// A step replaced a part of the case that changed after the version sent: nothing was
    /// saved (412).
    #[error("{0}")]
    Stale(nazorg_app::Stale),
    /// A record besides a case changed after the version sent (412): nothing was saved.
    #[error("{message}")]
    Changed { message: String, current: i64 },
    /// A step that replaces values came without the version it was read at (428).
    #[error(
        "Stuur de versie van de casus die u las mee, in de kop If-Match (de ETag van de casus), zodat een wijziging van een ander niet ongemerkt wordt overschreven."
    )]
    VersionRequired,
    /// The step passes the budget cap: it needs a confirmation with a reason.
    #[error("{0}")]
    OverCap(String),
    #[error("Er ging iets mis aan onze kant. Probeer het later opnieuw.")]
    Internal(String),
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        match e {
            Error::NotFound | Error::Hidden(_) => AppError::NotFound,
            // Whether a case of another municipality exists is itself sensitive.
            Error::Denied(Denied::OtherMunicipality | Denied::OtherPartner) => AppError::NotFound,
            Error::Denied(d) => AppError::Forbidden(d.to_string()),
            Error::Refused(t) => AppError::Conflict(t.to_string()),
            Error::OverCap(o) => AppError::OverCap(o.to_string()),
            Error::Invalid(m) => AppError::Invalid(m),
            Error::InvalidText { field, message } => match form_field(field) {
                Some(field) => AppError::Field { field, message },
                None => AppError::Invalid(message),
            },
            Error::Conflict(m) => AppError::Conflict(m),
            Error::Stale(stale) => AppError::Stale(stale),
            e @ Error::Changed { current, .. } => AppError::Changed {
                message: e.to_string(),
                current,
            },
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// The form field a text the use cases check under its Dutch name is sent in ("de
/// notitie" is `note`), so that the form marks it; `None` for a name no form field has.
fn form_field(dutch: &str) -> Option<&'static str> {
    Some(match dutch {
        "de notitie" | "de toelichting" => "note",
        "de naam" => "name",
        "de reden" | "de reden van de verwijzing" => "reason",
        "de reden om boven het plafond te verwijzen" => "over_cap_reason",
        "wie het doet" => "owner",
        "wat er is afgesproken" => "description",
        "het doel" => "purpose",
        "de grondslag" => "legal_ground",
        "de voornamen" => "given_names",
        "de achternaam" => "family_name",
        "de inrichting" => "institution",
        "de vervolgafspraken" => "follow_up",
        "de uitkomst" => "outcome",
        "de plaats" => "place",
        _ => return None,
    })
}

impl From<nazorg_report::ReportError> for AppError {
    fn from(e: nazorg_report::ReportError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) | AppError::Field { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) | AppError::OverCap(_) => StatusCode::CONFLICT,
            AppError::Stale(_) | AppError::Changed { .. } => StatusCode::PRECONDITION_FAILED,
            AppError::VersionRequired => StatusCode::PRECONDITION_REQUIRED,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable snake_case code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Invalid(_) | AppError::Field { .. } => "invalid_input",
            AppError::Conflict(_) => "conflict",
            AppError::Stale(_) | AppError::Changed { .. } => "changed_meanwhile",
            AppError::VersionRequired => "version_required",
            AppError::OverCap(_) => "budget_cap_exceeded",
            AppError::Internal(_) => "internal",
        }
    }

    /// A short Dutch heading for the error.
    pub fn title(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "Niet ingelogd",
            AppError::Forbidden(_) => "Geen toegang",
            AppError::NotFound => "Niet gevonden",
            AppError::Invalid(_) | AppError::Field { .. } => "Ongeldige invoer",
            AppError::Conflict(_) => "Niet mogelijk",
            AppError::Stale(_) | AppError::Changed { .. } => "Intussen gewijzigd",
            AppError::VersionRequired => "Versie ontbreekt",
            AppError::OverCap(_) => "Boven het budgetplafond",
            AppError::Internal(_) => "Serverfout",
        }
    }

    /// Logs the cause of a server error (it is never shown).
    pub fn log(&self) {
        if let AppError::Internal(cause) = self {
            tracing::error!(%cause, "request failed");
        }
    }
}

/// Declares the error type of one surface: an `AppError`, made from anything an `AppError`
/// is made from, that answers by logging the cause of a server error and then showing the
/// error the surface's way (`$show`).
macro_rules! surface_error {
    ($(#[$doc:meta])* $name:ident, shown by $show:ident) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name(pub $crate::error::AppError);

        impl<E: Into<$crate::error::AppError>> From<E> for $name {
            fn from(e: E) -> Self {
                $name(e.into())
            }
        }

        impl axum::response::IntoResponse for $name {
            fn into_response(self) -> axum::response::Response {
                self.0.log();
                $show(self.0)
            }
        }
    };
}

pub(crate) use surface_error;

surface_error! {
    /// The error as the API shows it: `application/problem+json` (RFC 9457).
    ApiError, shown by problem
}

/// An error as problem+json.
fn problem(e: AppError) -> Response {
    let mut body = serde_json::json!({
        "type": format!("urn:nazorg:problem:{}", e.code()),
        "title": e.title(),
        "status": e.status().as_u16(),
        "detail": e.to_string(),
        "code": e.code(),
    });
    if let AppError::Changed { current, .. } = &e {
        body["currentVersion"] = (*current).into();
    }
    if let AppError::Field { field, message } = &e {
        // The field it is about (NL API Design Rules: invalidParams).
        body["invalidParams"] = serde_json::json!([{"name": field, "reason": message}]);
    }
    if let AppError::Stale(stale) = &e {
        // What changed meanwhile, and the version to send to save over it knowingly.
        body["part"] = stale.part.code().into();
        body["currentVersion"] = stale.current.0.into();
        body["changes"] = stale
            .changes
            .iter()
            .map(|c| {
                serde_json::json!({
                    "version": c.version.0,
                    "at": c.at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
                    "by": c.actor,
                    "summary": c.summary,
                })
            })
            .collect();
    }
    let mut response = (e.status(), body.to_string()).into_response();

    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/problem+json"),
    );
    if matches!(e, AppError::Unauthorized) {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer realm=\"nazorg\""),
        );
    }
    response
}
