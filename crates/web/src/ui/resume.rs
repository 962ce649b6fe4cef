//! A form the end of the session stopped, shown again after logging in: filled in as it
//! was sent, not yet saved, to check and send. A form of the case page comes back on the
//! case page (its disclosure open, the reason on top of it); any other as a page of its
//! own that sends it as it was.

use super::case_page::case_view_page;
use super::notice::Notice;
use crate::AppState;
use crate::auth::{UiUser, session_cookie};
use crate::pages::{Base, Typed, UiError, render};
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use nazorg_domain::ids::CaseId;

const REASON: &str = "Uw sessie was verlopen, daarom is dit nog niet opgeslagen. Controleer wat u invulde en verstuur het opnieuw.";

#[derive(Template)]
#[template(path = "session/resume.html")]
struct ResumePage {
    base: Base,
    action: String,
    fields: Vec<(String, String)>,
}

/// The case and version of a case page's form address: `/casussen/12/checklist?versie=7`.
fn case_form(next: &str) -> Option<(CaseId, Option<i64>)> {
    let (path, query) = next.split_once('?').unwrap_or((next, ""));
    let mut parts = path.strip_prefix("/casussen/")?.split('/');
    let id = parts.next()?.parse().ok()?;
    parts.next()?;
    let versie = query
        .split('&')
        .find_map(|p| p.strip_prefix("versie="))
        .and_then(|v| v.parse().ok());
    Some((CaseId(id), versie))
}

/// The page for the new session `token`, with what was `kept` (urlencoded) for `next`.
pub(super) async fn resume(
    s: &AppState,
    token: &str,
    next: &str,
    kept: &str,
) -> Result<Response, UiError> {
    let fields: Vec<(String, String)> = serde_urlencoded::from_str(kept).unwrap_or_default();
    let Some((actor, csrf)) = s.app.session(token).await? else {
        return Err(UiError(crate::error::AppError::Unauthorized));
    };
    let user = UiUser {
        actor,
        csrf,
        work_count: None,
    };
    let mut page = match case_form(next) {
        Some((case, versie)) => {
            let form = fields
                .iter()
                .find(|(n, _)| n == "formulier")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let typed = Typed::new(form, fields, REASON.to_string()).keeping_version(versie);
            let notice = Notice::refused(StatusCode::OK, REASON.to_string());
            case_view_page(s, &user, case, notice, None, typed).await?
        }
        None => render(
            StatusCode::OK,
            ResumePage {
                base: Base::new(
                    "Nog niet opgeslagen",
                    Some(&user),
                    nazorg_domain::access::Page::Work,
                ),
                action: next.to_string(),
                fields,
            },
        ),
    };
    let cookie = session_cookie(token, s.config.secure_cookies);
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        page.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(page)
}
