//! What every HTML page shares, and the browser's side of errors: the frame (`Base`), the
//! Dutch error page and `UiError`. This module imports only `error`, so the UI, the
//! session extractor and the middleware can all use it without importing each other.

use crate::error::{AppError, surface_error};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use nazorg_domain::access::{MenuItem, Page};

/// What every page needs for its frame.
pub struct Base {
    pub title: String,
    pub user: Option<String>,
    pub csrf: String,
    /// The page of the menu this page belongs to.
    pub nav: Option<Page>,
    /// The user's menu, as the access policy gives it for their role.
    pub menu: &'static [MenuItem],
    /// Whether the user works on cases (coordinators): the worklist count and the links
    /// only they follow.
    pub works_cases: bool,
    /// Items on the user's worklist, shown in the menu.
    pub work_count: Option<usize>,
}

impl Base {
    /// The frame without a user's menu: login pages and error pages.
    pub fn anonymous(title: impl Into<String>) -> Base {
        Base {
            title: title.into(),
            user: None,
            csrf: String::new(),
            nav: None,
            menu: &[],
            works_cases: false,
            work_count: None,
        }
    }

    /// Whether a menu item is the current page's.
    pub fn current(&self, item: &MenuItem) -> bool {
        self.nav
            .is_some_and(|nav| nav == item.page || item.also.contains(&nav))
    }

    /// The count shown beside a menu item: the worklist's, beside "Mijn werk".
    pub fn badge(&self, item: &MenuItem) -> Option<usize> {
        self.work_count.filter(|_| item.page == Page::Work)
    }
}

/// Renders a page, or the error page when the template fails.
pub fn render<T: Template>(status: StatusCode, page: T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => UiError(AppError::Internal(format!("template: {e}"))).into_response(),
    }
}

#[derive(Template)]
#[template(path = "layout/error.html")]
struct ErrorPage<'a> {
    base: Base,
    message: &'a str,
}

/// A Dutch error page (without the user's menu: it may be shown to anyone).
pub fn error_page(title: &str, message: &str) -> String {
    ErrorPage {
        base: Base::anonymous(title),
        message,
    }
    .render()
    .unwrap_or_else(|_| {
        format!("<!DOCTYPE html><html lang=\"nl\"><title>{title}</title><p>{message}</p></html>")
    })
}

surface_error! {
    /// The error as the browser shows it: a Dutch page.
    UiError, shown by page
}

/// An error as a Dutch page; logging in is the login page.
fn page(e: AppError) -> Response {
    if matches!(e, AppError::Unauthorized) {
        return Redirect::to("/inloggen").into_response();
    }
    error_response(e.status(), e.title(), &e.to_string())
}

/// The error page, answered with a status.
pub fn error_response(status: StatusCode, title: &str, message: &str) -> Response {
    (status, Html(error_page(title, message))).into_response()
}
