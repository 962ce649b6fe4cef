//! The case list (the coordinator's worklist) and entering a notification by hand.

use super::{Opt, UiForm, UiQuery, full_name, opts, referrals};
use crate::AppState;
use crate::api::CaseQuery;
use crate::auth::UiUser;
use crate::input::NotificationIn;
use crate::pages::{Base, UiError, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use nazorg_app::ImportOutcome;
use nazorg_domain::access::Role;
use nazorg_domain::format_nl;
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
    feedback: Vec<referrals::ReferralRow>,
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
    let page = s.app.list_cases(&user.actor, &filter, after, 25).await?;
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
    let coordinators = s.app.coordinators(&user.actor).await?;
    let feedback = s
        .app
        .list_referrals(
            &user.actor,
            &nazorg_app::ReferralFilter {
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
        .map(referrals::ReferralRow::from)
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
    s.app
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
    UiForm(form): UiForm<NotificationIn>,
) -> Result<Response, UiError> {
    s.app
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
    let outcome = s.app.import_notification(&user.actor, &parsed).await?;
    let flash = match outcome {
        ImportOutcome::Created { .. } => "nieuw",
        ImportOutcome::Duplicate { .. } => "bekend",
    };
    Ok(Redirect::to(&format!("/casussen/{}?melding={flash}", outcome.case_id())).into_response())
}
