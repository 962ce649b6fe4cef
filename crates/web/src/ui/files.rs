//! Answers that are files to download rather than pages.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A download: `body` of `content_type`, saved under the file name `name`.
pub fn download(content_type: &str, name: &str, body: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}
