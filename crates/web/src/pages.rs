//! What every HTML page shares, and the browser's side of errors: the frame (`Base`), the
//! Dutch error page and `UiError`. This module imports only `error`, so the UI, the
//! session extractor and the middleware can all use it without importing each other.

use crate::error::{AppError, surface_error};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use nazorg_domain::access::{MenuItem, Page};
use std::borrow::Borrow;
use std::fmt::Display;

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
    pub work_count: Option<nazorg_app::Counted>,
    /// What was typed into the form the page is shown again for, if it was refused.
    pub typed: Typed,
}

/// What was typed into a refused form, to show it again as it was sent: the form (its
/// address after the page's, as `forms::case_form` names it), its fields as posted, and
/// why it was refused. The form macros fill their fields from it when they belong to it.
#[derive(Debug, Clone, Default)]
pub struct Typed {
    form: String,
    fields: Vec<(String, String)>,
    /// Why the form was refused, shown in it.
    pub error: String,
    /// The version of the case the form was first shown with, kept when it is shown again
    /// for another reason than a change meanwhile: a save over that change must first
    /// have shown it.
    kept_version: Option<i64>,
    /// The field the refusal is about, when it is about one.
    field: Option<String>,
}

impl Typed {
    pub fn new(form: impl Into<String>, fields: Vec<(String, String)>, error: String) -> Typed {
        Typed {
            form: form.into(),
            fields,
            error,
            kept_version: None,
            field: None,
        }
    }

    /// The same, the refusal being about the field `name` (when it is about one).
    pub fn on_field(self, name: Option<&str>) -> Typed {
        Typed {
            field: name.map(str::to_string),
            ..self
        }
    }

    /// Whether the refusal of the refused form is about its field `name`: the field is
    /// then marked (`aria-invalid`) and the reason said next to it.
    pub fn wrong(&self, form: impl Display, name: impl Display) -> bool {
        self.is(form) && self.field.as_deref() == Some(name.to_string().as_str())
    }

    /// The name of the refused form (empty when none was refused).
    pub fn form_name(&self) -> &str {
        &self.form
    }

    /// The field the refusal is about; empty when it is about the form as a whole.
    pub fn wrong_field(&self) -> &str {
        self.field.as_deref().unwrap_or_default()
    }

    /// The same, keeping the version the form was first shown with.
    pub fn keeping_version(self, version: Option<i64>) -> Typed {
        Typed {
            kept_version: version,
            ..self
        }
    }

    // The templates pass names as they make them (a literal, or one joined with `~`), so
    // these take anything shown as text, and flags and numbers by value or by reference.

    /// The name of a form: its `key` when it has one, else its `path`.
    pub fn key(&self, path: impl Display, key: impl Display) -> String {
        let key = key.to_string();
        if key.is_empty() {
            path.to_string()
        } else {
            key
        }
    }

    /// Whether this is the refused form.
    pub fn is(&self, form: impl Display) -> bool {
        !self.form.is_empty() && self.form == form.to_string()
    }

    /// The version a form is to be saved against: the one it was first shown with when
    /// it is the refused form and that is kept, else the page's.
    pub fn version(&self, form: impl Display, shown: impl Borrow<i64>) -> i64 {
        match self.kept_version {
            Some(v) if self.is(form) => v,
            _ => *shown.borrow(),
        }
    }

    fn field(&self, name: impl Display) -> Option<&str> {
        let name = name.to_string();
        self.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The text typed into a field of the refused form; else `value`.
    pub fn text(&self, form: impl Display, name: impl Display, value: impl Display) -> String {
        match self.field(name).filter(|_| self.is(form)) {
            Some(typed) => typed.to_string(),
            None => value.to_string(),
        }
    }

    /// Whether an option of a select (or a radio button or a checkbox of a group) is
    /// chosen: as sent in the refused form; else `default`.
    pub fn chosen(
        &self,
        form: impl Display,
        name: impl Display,
        value: impl Display,
        default: impl Borrow<bool>,
    ) -> bool {
        if !self.is(form) {
            return *default.borrow();
        }
        let (name, value) = (name.to_string(), value.to_string());
        self.fields.iter().any(|(n, v)| *n == name && *v == value)
    }

    /// Whether a checkbox is ticked: as sent in the refused form; else `default`.
    pub fn ticked(
        &self,
        form: impl Display,
        name: impl Display,
        default: impl Borrow<bool>,
    ) -> bool {
        if self.is(form) {
            self.field(name).is_some()
        } else {
            *default.borrow()
        }
    }
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
            typed: Typed::default(),
        }
    }

    /// Whether a menu item is the current page's.
    pub fn current(&self, item: &MenuItem) -> bool {
        self.nav
            .is_some_and(|nav| nav == item.page || item.also.contains(&nav))
    }

    /// The count shown beside a menu item: the worklist's, beside "Mijn werk".
    pub fn badge(&self, item: &MenuItem) -> Option<String> {
        self.work_count
            .filter(|_| item.page == Page::Work)
            .map(|n| n.short())
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
