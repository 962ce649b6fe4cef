//! What a page says on top of itself after a post: what was saved, or why it was refused.

use super::Posted;
use axum::http::StatusCode;

/// How a page is answered: its status, and the message on top of it, either what was just
/// saved (`flash`) or why a post was refused (`error`). A page holds it whole, and its
/// template shows the message on top (most through `forms::alerts`).
pub struct Notice {
    pub status: StatusCode,
    pub flash: Option<String>,
    pub error: Option<String>,
}

impl Notice {
    /// The page as asked, with the message of what was just saved, if anything.
    pub fn shown(flash: Option<String>) -> Notice {
        Notice {
            status: StatusCode::OK,
            flash,
            error: None,
        }
    }

    /// The page again after a refused post: this status, and the reason on top.
    pub fn refused(status: StatusCode, error: String) -> Notice {
        Notice {
            status,
            flash: None,
            error: Some(error),
        }
    }
}

impl<T> Posted<T> {
    /// The notice of the form's own page after the post: saved, with the message `flash`
    /// makes of what the use case gave back; or refused, with the reason.
    pub fn notice(self, flash: impl FnOnce(T) -> String) -> Notice {
        match self {
            Posted::Saved(value) => Notice::shown(Some(flash(value))),
            Posted::Refused(status, error) => Notice::refused(status, error),
        }
    }
}
