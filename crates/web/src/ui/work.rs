//! "Mijn werk": each user's deadlines; absences and substitution; the calendar feed.

use super::{Notice, Opt, Shown, Signed, UiPath, UiQuery, UiTyped, download, post_form, user_opts};
use crate::AppState;
use crate::auth::UiUser;
use crate::error::AppError;
use crate::input::date;
use crate::pages::{Base, UiError, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use nazorg_app::{CalendarItem, Scope};
use nazorg_domain::access::{self, Action, Page, Role};
use nazorg_domain::dates::{format_iso, format_nl, today_nl};
use nazorg_domain::deadlines::DeadlineKind;
use nazorg_domain::ids::{AbsenceId, CaseId, ResidentId, UserId};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/mijn-werk", get(work_page))
        .route("/afwezigheid", get(absence_page).post(add_absence))
        .route("/afwezigheid/{id}/einde", post(end_absence))
        .route("/agenda", get(calendar_page))
        .route("/agenda/link", post(new_calendar_link))
        .route("/agenda/intrekken", post(revoke_calendar_link))
        .route("/agenda/{token}", get(calendar_feed))
        .route("/inwoners/{id}/verwerkingen", get(processings_page))
        .route("/inwoners/{id}/inzage.json", get(access_export))
        .route("/inwoners/{id}/inzage", get(access_readable))
}

/// Where on the case (or referral) a deadline is acted on.
pub fn place_to_act(kind: DeadlineKind, case_id: CaseId, subject: Option<i64>) -> String {
    let anchor = match kind {
        DeadlineKind::NotificationUnhandled | DeadlineKind::NoContactBeforeRelease => "aanbod",
        DeadlineKind::ReleaseNotReady => "checklist",
        DeadlineKind::AgreementOverdue => "plan",
        DeadlineKind::AftercareEnding => "afsluiten",
        DeadlineKind::NoRecentContact => "contacten",
        DeadlineKind::ChainChanged
        | DeadlineKind::IdentityMismatch
        | DeadlineKind::BrpChanged
        | DeadlineKind::Deceased => "signalen",
        DeadlineKind::ReferralNotStarted => {
            return subject
                .map(|s| format!("/verwijzingen/{s}"))
                .unwrap_or_else(|| format!("/casussen/{case_id}#verwijzingen"));
        }
    };
    format!("/casussen/{case_id}#{anchor}")
}

struct WorkRow {
    kind: &'static str,
    reason: String,
    resident: String,
    case_id: CaseId,
    link: String,
    due: String,
    overdue: bool,
    coordinator: String,
    standing_in_for: Option<String>,
}

#[derive(Template)]
#[template(path = "work/work.html")]
struct WorkPage {
    base: Base,
    feedback: Vec<super::referrals::ReferralRow>,
    team: bool,
    rows: Vec<WorkRow>,
    /// Lines on the whole list, and of those overdue.
    total: nazorg_app::Counted,
    overdue: nazorg_app::Counted,
    next_url: Option<String>,
    first_url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WorkQuery {
    team: Option<String>,
    /// Where the page starts: after this line of the list.
    after: Option<String>,
}

/// Lines on one page of Mijn werk.
const WORK_PAGE: usize = 100;

async fn work_page(
    Signed { s, user }: Signed,
    UiQuery(q): UiQuery<WorkQuery>,
) -> Result<Response, UiError> {
    if let Some(start) = super::cases::elsewhere(user.actor.role) {
        return Ok(Redirect::to(start).into_response());
    }
    let team = q.team.is_some();
    let scope = if team {
        Scope::Team
    } else {
        Scope::Of(user.actor.user_id)
    };
    let day = today_nl();
    let after = match q.after.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => Some(nazorg_app::DueKey::decode(a).ok_or_else(|| {
            AppError::Invalid(
                "Deze pagina van de werklijst bestaat niet (meer); begin bovenaan.".into(),
            )
        })?),
        None => None,
    };
    let page = s
        .app
        .worklist_page(
            &user.actor,
            (scope, day),
            (after, WORK_PAGE),
            &s.config.deadlines,
        )
        .await?;
    let rows: Vec<WorkRow> = page
        .items
        .iter()
        .map(|i| WorkRow {
            kind: i.deadline.kind.label(),
            reason: i.deadline.reason.clone(),
            resident: i.resident.clone(),
            case_id: i.deadline.case_id,
            link: place_to_act(i.deadline.kind, i.deadline.case_id, i.deadline.subject_id),
            due: format_nl(i.deadline.due),
            overdue: i.deadline.due < day,
            coordinator: i
                .coordinator
                .clone()
                .unwrap_or_else(|| "niet toegewezen".into()),
            standing_in_for: i.standing_in_for.clone(),
        })
        .collect();
    let team_param = if team { "team=1&" } else { "" };
    let title = if team {
        "Werk van het team"
    } else {
        "Mijn werk"
    };
    let feedback = super::referrals::unseen_feedback(&s, &user).await?;
    Ok(render(
        StatusCode::OK,
        WorkPage {
            base: Base::new(title, Some(&user), Page::Work),
            feedback,
            team,
            rows,
            total: page.total,
            overdue: page.overdue,
            next_url: page
                .next
                .map(|k| format!("/mijn-werk?{team_param}after={}", k.encode())),
            first_url: after.map(|_| {
                format!("/mijn-werk?{team_param}")
                    .trim_end_matches(['?', '&'])
                    .to_string()
            }),
        },
    ))
}

// --- absences ------------------------------------------------------------------------------

struct AbsenceRow {
    id: AbsenceId,
    user: String,
    substitute: String,
    period: String,
    note: String,
}

#[derive(Template)]
#[template(path = "work/absence.html")]
struct AbsencePage {
    base: Base,
    rows: Vec<AbsenceRow>,
    people: Vec<Opt>,
    substitutes: Vec<Opt>,
    today: String,
    notice: Notice,
}

async fn absence_view(s: &AppState, user: &UiUser, notice: Notice) -> Result<Response, UiError> {
    let absences = s.app.list_absences(&user.actor).await?;
    let users = s.app.list_users(Some(&user.actor.municipality)).await?;
    let coordinators: Vec<&nazorg_app::User> = users
        .iter()
        .filter(|u| u.active && access::works_cases(u.role))
        .collect();
    let view = AbsencePage {
        base: notice.dress(Base::new(
            "Afwezigheid en vervanging",
            Some(user),
            Page::Absence,
        )),
        rows: absences
            .iter()
            .map(|a| AbsenceRow {
                id: a.id,
                user: a.user.clone(),
                substitute: a.substitute.clone(),
                period: format!("{} t/m {}", format_nl(a.starts_on), format_nl(a.ends_on)),
                note: a.note.clone(),
            })
            .collect(),
        people: user_opts(
            coordinators
                .iter()
                .copied()
                .filter(|u| u.role == Role::Coordinator),
            Some(user.actor.user_id),
        ),
        substitutes: coordinators
            .iter()
            .map(|u| Opt {
                value: u.id.to_string(),
                label: format!("{} ({})", u.display_name, u.role.label().to_lowercase()),
                selected: false,
            })
            .collect(),
        today: format_iso(today_nl()),
        notice,
    };
    Ok(render(view.notice.status, view))
}

async fn absence_page(Signed { s, user }: Signed) -> Result<Response, UiError> {
    absence_view(&s, &user, Notice::shown(None)).await
}

/// A colleague's absence and who stands in.
#[derive(Deserialize, Default)]
#[serde(default)]
struct AbsenceForm {
    user_id: String,
    substitute_id: String,
    starts_on: String,
    ends_on: String,
    note: String,
}

async fn add_absence(
    Signed { s, user }: Signed,
    UiTyped(f, typed): UiTyped<AbsenceForm>,
) -> Result<Response, UiError> {
    let added = post_form(&s, &user, Action::ManageAbsences, Shown::Invalid, async {
        let absent = f
            .user_id
            .parse::<UserId>()
            .map_err(|_| AppError::Invalid("Kies wie afwezig is.".into()))?;
        let substitute = f
            .substitute_id
            .parse::<UserId>()
            .map_err(|_| AppError::Invalid("Kies een vervanger.".into()))?;
        let from = date("de eerste dag", &f.starts_on)?;
        let to = date("de laatste dag", &f.ends_on)?;
        Ok(s.app
            .add_absence(&user.actor, absent, substitute, from, to, &f.note)
            .await?)
    });
    let notice = added
        .await?
        .notice(|_| "De afwezigheid is vastgelegd.".to_string())
        .keeping("afwezigheid", typed);
    absence_view(&s, &user, notice).await
}

async fn end_absence(
    Signed { s, user }: Signed,
    UiPath(id): UiPath<AbsenceId>,
) -> Result<Response, UiError> {
    s.app.end_absence(&user.actor, id).await?;
    Ok(Redirect::to("/afwezigheid").into_response())
}

// --- calendar feed ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "work/calendar.html")]
struct CalendarPage {
    base: Base,
    link: Option<String>,
    active: bool,
}

/// The calendar page: whether the user has a link, and the new one just made.
fn calendar_view(user: &UiUser, link: Option<String>, active: bool) -> Response {
    render(
        StatusCode::OK,
        CalendarPage {
            base: Base::new("Agenda-abonnement", Some(user), Page::Work),
            link,
            active,
        },
    )
}

async fn calendar_page(Signed { s, user }: Signed) -> Result<Response, UiError> {
    let active = s.app.has_calendar_token(&user.actor).await?;
    Ok(calendar_view(&user, None, active))
}

async fn new_calendar_link(Signed { s, user }: Signed) -> Result<Response, UiError> {
    let token = s.app.create_calendar_token(&user.actor).await?;
    let link = format!(
        "{}/agenda/{token}.ics",
        s.config.public_url.trim_end_matches('/')
    );
    Ok(calendar_view(&user, Some(link), true))
}

async fn revoke_calendar_link(Signed { s, user }: Signed) -> Result<Response, UiError> {
    s.app.revoke_calendar_token(&user.actor).await?;
    Ok(Redirect::to("/agenda").into_response())
}

/// The iCalendar feed behind a secret link: appointments and due agreements, identified by
/// case number only.
async fn calendar_feed(
    State(s): State<AppState>,
    UiPath(token): UiPath<String>,
) -> Result<Response, UiError> {
    let token = token.trim_end_matches(".ics");
    let Some(actor) = s.app.calendar_actor(token).await? else {
        return Err(UiError(AppError::NotFound));
    };
    let items = s.app.calendar_items(&actor, today_nl()).await?;
    let body = ical(&items, &s.config.public_url);
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        body,
    )
        .into_response())
}

/// Writes calendar items as iCalendar (RFC 5545).
pub fn ical(items: &[CalendarItem], base_url: &str) -> String {
    use icalendar::{Calendar, Component, Event, EventLike};
    let mut calendar = Calendar::new();
    calendar.name("Nazorg");
    for item in items {
        let mut event = Event::new();
        event
            .uid(&format!("{}@nazorg", item.uid))
            .summary(&item.summary)
            .description(&format!(
                "{}/casussen/{}",
                base_url.trim_end_matches('/'),
                item.case_id
            ));
        match item.starts_at {
            Some(at) => {
                if let Some(start) = chrono::DateTime::from_timestamp(at.unix_timestamp(), 0) {
                    event.starts(start).ends(start + chrono::Duration::hours(1));
                }
            }
            None => {
                if let Some(day) = chrono::NaiveDate::from_ymd_opt(
                    item.day.year(),
                    item.day.month() as u32,
                    u32::from(item.day.day()),
                ) {
                    event.all_day(day);
                }
            }
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

// --- a resident's processings -------------------------------------------------------------------

struct ProcessingRow {
    at: String,
    actor: String,
    action: &'static str,
    case_id: String,
    detail: String,
    purpose: String,
}

#[derive(Template)]
#[template(path = "work/processings.html")]
struct ProcessingsPage {
    base: Base,
    resident_id: ResidentId,
    rows: Vec<ProcessingRow>,
}

/// Every processing of one resident's data: who, when, what, for which case and why.
async fn processings_page(
    Signed { s, user }: Signed,
    UiPath(id): UiPath<ResidentId>,
) -> Result<Response, UiError> {
    let entries = s.app.processings_of(&user.actor, id).await?;
    let rows = entries
        .iter()
        .map(|e| {
            let local = nazorg_domain::dates::to_amsterdam(e.at);
            ProcessingRow {
                at: format!(
                    "{} {:02}:{:02}:{:02}",
                    format_nl(local.date()),
                    local.hour(),
                    local.minute(),
                    local.second()
                ),
                actor: e.actor.clone(),
                action: e.action.label(),
                case_id: e
                    .case_id
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "—".into()),
                detail: e.detail.clone(),
                purpose: e.purpose.clone(),
            }
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        ProcessingsPage {
            base: Base::new("Verwerkingen", Some(&user), Page::Cases),
            resident_id: id,
            rows,
        },
    ))
}

/// Everything Nazorg holds about one resident, machine-readable (right of access, AVG
/// art. 15): every case with all its sections, and every processing of their data. The
/// readable form is the case pages and the processings page.
async fn access_export(
    Signed { s, user }: Signed,
    UiPath(id): UiPath<ResidentId>,
) -> Result<Response, UiError> {
    let body = crate::views::access_data(&s.app, &user.actor, id).await?;
    Ok(download(
        "application/json; charset=utf-8",
        &format!("inzage-inwoner-{id}.json"),
        serde_json::to_string_pretty(&body).unwrap_or_default(),
    ))
}

#[derive(Template)]
#[template(path = "work/inzage.html")]
struct AccessPage {
    base: Base,
    resident_id: ResidentId,
    body: String,
}

/// The readable form of the same: a printable page.
async fn access_readable(
    Signed { s, user }: Signed,
    UiPath(id): UiPath<ResidentId>,
) -> Result<Response, UiError> {
    let data = crate::views::access_data(&s.app, &user.actor, id).await?;
    Ok(render(
        StatusCode::OK,
        AccessPage {
            base: Base::new("Inzage", Some(&user), Page::Cases),
            resident_id: id,
            body: super::readable::render(&data),
        },
    ))
}
