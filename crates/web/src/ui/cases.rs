//! The case list (the coordinator's worklist) and entering a notification by hand.

use super::{Opt, Signed, UiForm, full_name, opts, referrals, user_opts};
use crate::AppState;
use crate::auth::UiUser;
use crate::input::NotificationIn;
use crate::pages::{Base, UiError, render};
use crate::query::CaseQuery;
use askama::Template;
use axum::Router;
use axum::extract::RawQuery;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use nazorg_app::ImportOutcome;
use nazorg_domain::access::{Action, Page, Role};
use nazorg_domain::format_nl;
use nazorg_domain::ids::CaseId;
use nazorg_domain::lifecycle::Status;
use nazorg_domain::notification::{BrpStatus, Sentence, Source};
use nazorg_domain::triage::Direction;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/casussen", get(cases_page))
        .route("/meldingen/nieuw", get(notification_page))
        .route("/meldingen", post(create_notification))
}

struct CaseRow {
    case_id: CaseId,
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
#[template(path = "cases/cases.html")]
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
    feedback: Vec<referrals::ReferralRow>,
}

/// The case list's query string: the filters it asks for, and every parameter but
/// `after` (unknown ones too, in their order) to carry over into the paging links.
struct CaseListParams {
    query: CaseQuery,
    keep: Vec<(String, String)>,
}

impl CaseListParams {
    /// Reads the raw query string; empty values count as absent, the first value of a
    /// repeated parameter wins, and an unreadable coordinator is ignored.
    fn parse(raw: Option<&str>) -> CaseListParams {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(raw.unwrap_or_default()).unwrap_or_default();
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, v)| key == k && !v.is_empty())
                .map(|(_, v)| v.clone())
        };
        let query = CaseQuery {
            status: get("status"),
            direction: get("direction"),
            coordinator: get("coordinator").and_then(|c| c.parse().ok()),
            search: get("search"),
            open: Some(true),
            after: get("after"),
            limit: Some(25),
        };
        let keep = pairs
            .iter()
            .filter(|(k, v)| k != "after" && !v.is_empty())
            .cloned()
            .collect();
        CaseListParams { query, keep }
    }

    /// The link to the list with the same filters, from `after` (or from the start).
    fn url(&self, after: Option<String>) -> String {
        let mut params = self.keep.clone();
        if let Some(a) = after {
            params.push(("after".into(), a));
        }
        let query = serde_urlencoded::to_string(&params).unwrap_or_default();
        if query.is_empty() {
            "/casussen".to_string()
        } else {
            format!("/casussen?{query}")
        }
    }
}

/// Where roles without a case list start instead (their landing page, by the policy).
pub(super) fn elsewhere(role: Role) -> Option<&'static str> {
    (!nazorg_domain::access::works_cases(role)).then(|| nazorg_domain::access::landing(role).path())
}

fn case_row(c: &nazorg_app::CaseSummary, today: time::Date) -> CaseRow {
    let open = c.status.is_open();
    CaseRow {
        case_id: c.case_id,
        name: full_name(&c.given_names, &c.family_name),
        bsn: crate::views::shown_bsn(c),
        detention_start: format_nl(c.detention_start),
        status: c.status.label().into(),
        eligibility: c.eligibility.label().into(),
        direction: c.direction.map(|d| d.label()).unwrap_or("—").into(),
        next_action: if open {
            c.next_action.clone()
        } else {
            "—".into()
        },
        due: crate::views::next_due(c).map_or_else(|| "—".into(), format_nl),
        overdue: crate::views::next_due(c).is_some_and(|due| due < today),
    }
}

async fn cases_page(
    Signed { s, user }: Signed,
    RawQuery(raw): RawQuery,
) -> Result<Response, UiError> {
    if let Some(start) = elsewhere(user.actor.role) {
        return Ok(Redirect::to(start).into_response());
    }
    let params = CaseListParams::parse(raw.as_deref());
    let (filter, after) = params.query.filter()?;
    let page = s.app.list_cases(&user.actor, &filter, after, 25).await?;
    let today = nazorg_domain::dates::today_nl();
    let coordinators = s.app.coordinators(&user.actor).await?;
    let feedback = referrals::unseen_feedback(&s, &user).await?;
    let page_view = CasesPage {
        feedback,
        base: Base::new("Werklijst", Some(&user), Page::Cases),
        lead: match filter.status {
            Some(status) => format!(
                "Casussen in de fase ‘{}’, het dringendste eerst.",
                status.label()
            ),
            None => "Open casussen, het dringendste eerst.".into(),
        },
        rows: page.items.iter().map(|c| case_row(c, today)).collect(),
        search: params.query.search.clone().unwrap_or_default(),
        status_opts: opts::<Status>(filter.status),
        direction_opts: opts::<Direction>(filter.direction),
        coordinator_opts: user_opts(&coordinators, filter.coordinator_id),
        next_url: page.next.map(|c| params.url(Some(c.encode()))),
        first_url: after.map(|_| params.url(None)),
    };
    Ok(render(StatusCode::OK, page_view))
}

// --- notification by hand -------------------------------------------------------------

#[derive(Template)]
#[template(path = "cases/notification_new.html")]
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
        base: Base::new("Melding invoeren", Some(user), Page::NewNotification),
        brp_opts: opts::<BrpStatus>(BrpStatus::parse(&form.brp_status)),
        sentence_opts: opts::<Sentence>(Sentence::parse(&form.sentence)),
        source_opts: opts::<Source>(Source::parse(&form.source).or(Some(Source::Casemanager))),
        form,
        error,
    }
}

async fn notification_page(Signed { s, user }: Signed) -> Result<Response, UiError> {
    s.app
        .permit(&user.actor, Action::CreateNotification, None)
        .await?;
    let form = NotificationIn {
        municipality_code: user.actor.municipality.to_string(),
        ..Default::default()
    };
    Ok(render(StatusCode::OK, notification_view(&user, form, None)))
}

async fn create_notification(
    Signed { s, user }: Signed,
    UiForm(form): UiForm<NotificationIn>,
) -> Result<Response, UiError> {
    s.app
        .permit(&user.actor, Action::CreateNotification, None)
        .await?;
    let parsed = match form.parse() {
        Ok(n) => n,
        Err(e) => {
            return Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                notification_view(&user, form, Some(e.to_string())),
            ));
        }
    };
    let outcome = s.app.import_notification(&user.actor, &parsed).await?;
    let flash = match outcome {
        ImportOutcome::Created { .. } => "nieuw",
        ImportOutcome::Duplicate { .. } => "bekend",
        ImportOutcome::Updated { .. } => "bijgewerkt",
    };
    Ok(Redirect::to(&format!("/casussen/{}?melding={flash}", outcome.case_id())).into_response())
}
