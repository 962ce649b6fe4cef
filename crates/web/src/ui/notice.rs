//! What a page says on top of itself after a post: what was saved, or why it was refused.

use super::Posted;
use crate::pages::{Base, Typed, UiError};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

/// How a page is answered: its status, and the message on top of it, either what was just
/// saved (`flash`) or why a post was refused (`error`). A page holds it whole, and its
/// template shows the message on top (most through `forms::alerts`).
pub struct Notice {
    pub status: StatusCode,
    pub flash: Option<String>,
    pub error: Option<String>,
    /// What was typed into the refused form, to show it again as sent.
    pub typed: Typed,
    /// The field the refusal is about, if it is about one.
    pub field: Option<&'static str>,
}

impl Notice {
    /// The page as asked, with the message of what was just saved, if anything.
    pub fn shown(flash: Option<String>) -> Notice {
        Notice {
            status: StatusCode::OK,
            flash,
            error: None,
            typed: Typed::default(),
            field: None,
        }
    }

    /// After a refused post of the form `form`, the page shows `fields` (what was sent,
    /// `UiTyped`) in it again; after a save, nothing is kept.
    pub fn keeping(self, form: &str, fields: Vec<(String, String)>) -> Notice {
        match &self.error {
            Some(error) => Notice {
                typed: Typed::new(form, fields, error.clone()).on_field(self.field),
                ..self
            },
            None => self,
        }
    }

    /// The page's frame, its forms filled in as typed when one was refused.
    pub fn dress(&self, base: Base) -> Base {
        Base {
            typed: self.typed.clone(),
            ..base
        }
    }

    /// The page again after a refused post: this status, and the reason on top.
    pub fn refused(status: StatusCode, error: String) -> Notice {
        Notice {
            status,
            flash: None,
            error: Some(error),
            typed: Typed::default(),
            field: None,
        }
    }
}

impl<T> Posted<T> {
    /// The notice of the form's own page after the post: saved, with the message `flash`
    /// makes of what the use case gave back; or refused, with the reason.
    pub fn notice(self, flash: impl FnOnce(T) -> String) -> Notice {
        match self {
            Posted::Saved(value) => Notice::shown(Some(flash(value))),
            Posted::Refused(status, error, field) => Notice {
                field,
                ..Notice::refused(status, error)
            },
        }
    }
}

impl Posted<()> {
    /// The answer to a form whose saving is shown on another address (post, redirect, get):
    /// once saved, on to `saved`; when refused, the form's page `again` with the reason on
    /// top.
    pub async fn answer(
        self,
        saved: &str,
        again: impl AsyncFnOnce(Notice) -> Result<Response, UiError>,
    ) -> Result<Response, UiError> {
        match self {
            Posted::Saved(()) => Ok(Redirect::to(saved).into_response()),
            Posted::Refused(status, error, field) => {
                again(Notice {
                    field,
                    ..Notice::refused(status, error)
                })
                .await
            }
        }
    }
}
