//! Referrals, for coordinators and partner users: the list, one referral and its steps,
//! the figures per partner, and the partner's view of a case it directs.

use super::{Notice, Opt, Shown, Signed, UiPath, UiQuery, UiTyped, nl, opts, partner_opts, posted};
use crate::AppState;
use crate::auth::UiUser;
use crate::error::AppError;
use crate::input::*;
use crate::pages::{Base, UiError, render};
use crate::query::PeriodQuery;
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use nazorg_app::ReferralFilter;
use nazorg_domain::access::{self, Action, Page};
use nazorg_domain::dates::{format_iso, format_nl};
use nazorg_domain::ids::{CaseId, ReferralId};
use nazorg_domain::referral::{
    PartnerKind, ReferralResult, ReferralStatus, ReferralStep, format_eur,
};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/verwijzingen", get(referrals_page))
        .route("/verwijzingen/cijfers", get(figures_page))
        .route("/verwijzingen/{id}", get(referral_page))
        .route("/verwijzingen/{id}/stap", post(referral_step))
        .route("/verwijzingen/{id}/gezien", post(acknowledge))
        .route("/regie/{id}", get(directed_case_page))
}

fn today() -> time::Date {
    nazorg_domain::dates::today_nl()
}

/// A referral as a row of a list.
pub struct ReferralRow {
    pub id: ReferralId,
    pub resident: String,
    pub partner: String,
    pub domains: String,
    pub service: String,
    pub status: &'static str,
    pub asked_on: String,
    pub started_on: String,
    pub ended_on: String,
    pub result: String,
    pub for_household: bool,
}

impl From<&nazorg_app::Referral> for ReferralRow {
    fn from(r: &nazorg_app::Referral) -> Self {
        ReferralRow {
            id: r.id,
            resident: r.resident.clone(),
            partner: r.partner.clone(),
            domains: if r.domains.is_empty() {
                "—".into()
            } else {
                r.domains
                    .iter()
                    .map(|d| d.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            service: match (&r.service, r.price_cents) {
                (Some(name), Some(price)) => format!("{name} ({})", format_eur(price)),
                (Some(name), None) => name.clone(),
                _ => "—".into(),
            },
            status: r.status.label(),
            asked_on: format_nl(r.asked_on),
            started_on: nl(r.started_on),
            ended_on: nl(r.ended_on),
            result: r
                .result
                .map(|x| x.label().to_string())
                .unwrap_or_else(|| "—".into()),
            for_household: r.household_member_id.is_some(),
        }
    }
}

/// The partners' reports back (finished or returned referrals) the coordinator has not
/// yet seen, for the top of their worklist.
pub async fn unseen_feedback(s: &AppState, user: &UiUser) -> Result<Vec<ReferralRow>, UiError> {
    let filter = ReferralFilter {
        unacknowledged: true,
        for_coordinator: Some(user.actor.user_id),
        ..Default::default()
    };
    let page = s.app.list_referrals(&user.actor, &filter, None, 20).await?;
    Ok(page.items.iter().map(ReferralRow::from).collect())
}

#[derive(Template)]
#[template(path = "referrals/referrals.html")]
struct ReferralsPage {
    base: Base,
    heading: String,
    /// For SKT and Exodus users: the cases their organisation directs.
    directed: Vec<(CaseId, String, &'static str, String)>,
    rows: Vec<ReferralRow>,
    status_opts: Vec<Opt>,
    next_url: Option<String>,
    first_url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReferralsQuery {
    status: Option<String>,
    before: Option<ReferralId>,
}

async fn referrals_page(
    Signed { s, user }: Signed,
    UiQuery(q): UiQuery<ReferralsQuery>,
) -> Result<Response, UiError> {
    let status = optional_code::<ReferralStatus>("de status", q.status.as_deref())?;
    let filter = ReferralFilter {
        status,
        open_only: false,
        unacknowledged: false,
        for_coordinator: None,
    };
    let page = s
        .app
        .list_referrals(&user.actor, &filter, q.before, 25)
        .await?;
    let status_param = status
        .map(|st| format!("status={}&", st.code()))
        .unwrap_or_default();
    let heading = if access::sees_all_referrals(user.actor.role) {
        "Verwijzingen"
    } else {
        "Mijn verwijzingen"
    };
    let directed = if access::is_partner_role(user.actor.role) {
        s.app
            .directed_cases(&user.actor)
            .await?
            .into_iter()
            .map(|c| {
                (
                    c.case_id,
                    c.resident,
                    c.status.label(),
                    nl(c.direction_since),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let view = ReferralsPage {
        base: Base::new(heading, Some(&user), Page::Referrals),
        heading: heading.into(),
        directed,
        rows: page.items.iter().map(ReferralRow::from).collect(),
        status_opts: opts::<ReferralStatus>(status),
        next_url: page
            .next
            .map(|c| format!("/verwijzingen?{status_param}before={}", c.id)),
        first_url: q.before.map(|_| {
            format!("/verwijzingen?{status_param}")
                .trim_end_matches(['?', '&'])
                .to_string()
        }),
    };
    Ok(render(StatusCode::OK, view))
}

struct NoteRow {
    date: String,
    step: &'static str,
    note: String,
    author: String,
}

#[derive(Template)]
#[template(path = "referrals/referral.html")]
struct ReferralPage {
    base: Base,
    r: ReferralRow,
    id: ReferralId,
    case_id: CaseId,
    is_coordinator: bool,
    birth_date: String,
    reason: String,
    return_reason: String,
    result_note: String,
    over_cap_reason: String,
    triage: Vec<(&'static str, &'static str, &'static str)>,
    notes: Vec<NoteRow>,
    can_accept: bool,
    can_return: bool,
    can_start: bool,
    can_progress: bool,
    can_finish: bool,
    can_withdraw: bool,
    result_opts: Vec<Opt>,
    today: String,
    notice: Notice,
}

async fn referral_view(
    s: &AppState,
    user: &UiUser,
    id: ReferralId,
    notice: Notice,
) -> Result<Response, UiError> {
    let d = s.app.get_referral(&user.actor, id).await?;
    let r = &d.referral;
    let can = |step| nazorg_domain::referral::apply(r.status, step).is_ok();
    let is_coordinator = access::sees_all_referrals(user.actor.role);
    let view = ReferralPage {
        base: notice.dress(Base::new(
            format!("Verwijzing {id}"),
            Some(user),
            Page::Referrals,
        )),
        id,
        case_id: r.case_id,
        is_coordinator,
        birth_date: nl(d.birth_date),
        reason: r.reason.clone(),
        return_reason: r.return_reason.clone().unwrap_or_default(),
        result_note: r.result_note.clone().unwrap_or_default(),
        over_cap_reason: r.over_cap_reason.clone().unwrap_or_default(),
        triage: d
            .triage
            .iter()
            .map(|t| (t.domain.label(), t.need.label(), t.self_reliance.label()))
            .collect(),
        notes: d
            .notes
            .iter()
            .map(|n| NoteRow {
                date: format_nl(n.date),
                step: n.step.label(),
                note: n.note.clone(),
                author: n.author.clone(),
            })
            .collect(),
        can_accept: can(ReferralStep::Accept),
        can_return: can(ReferralStep::Return),
        can_start: can(ReferralStep::Start),
        can_progress: can(ReferralStep::Progress),
        can_finish: can(ReferralStep::Finish),
        can_withdraw: access::may_withdraw_referral(user.actor.role) && can(ReferralStep::Withdraw),
        result_opts: opts::<ReferralResult>(None),
        today: format_iso(today()),
        r: ReferralRow::from(r),
        notice,
    };
    Ok(render(view.notice.status, view))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SavedQuery {
    opgeslagen: Option<String>,
}

async fn referral_page(
    Signed { s, user }: Signed,
    UiPath(id): UiPath<ReferralId>,
    UiQuery(q): UiQuery<SavedQuery>,
) -> Result<Response, UiError> {
    let flash = q
        .opgeslagen
        .as_deref()
        .and_then(ReferralStep::parse)
        .map(|st| format!("Opgeslagen: {}.", st.label()));
    referral_view(&s, &user, id, Notice::shown(flash)).await
}

async fn referral_step(
    Signed { s, user }: Signed,
    UiPath(id): UiPath<ReferralId>,
    UiTyped(input, typed): UiTyped<ReferralStepIn>,
) -> Result<Response, UiError> {
    s.app
        .permit_referral(&user.actor, Action::WriteReferral, id)
        .await?;
    let result = match input.parse(today()) {
        Ok(step) => s
            .app
            .referral_step(&user.actor, id, &step)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    let saved = format!("/verwijzingen/{id}?opgeslagen={}", input.step);
    posted(result, Shown::InvalidOrConflict)?
        .answer(&saved, async |notice| {
            let notice = notice.keeping(&input.step, typed);
            referral_view(&s, &user, id, notice).await
        })
        .await
}

async fn acknowledge(
    Signed { s, user }: Signed,
    UiPath(id): UiPath<ReferralId>,
) -> Result<Response, UiError> {
    s.app.acknowledge_referral(&user.actor, id).await?;
    Ok(Redirect::to("/mijn-werk").into_response())
}

// --- referral figures -------------------------------------------------------------------------

struct FigureRow {
    partner: String,
    referrals: i64,
    started: i64,
    finished: i64,
    returned: i64,
    to_start: String,
    to_end: String,
    results: String,
}

#[derive(Template)]
#[template(path = "referrals/referral_figures.html")]
struct FiguresPage {
    base: Base,
    from: String,
    to: String,
    rows: Vec<FigureRow>,
}

fn days(d: Option<(f64, f64)>) -> String {
    match d {
        Some((median, p90)) => {
            let median = format!("{median:.1}").replace('.', ",");
            format!("{median} / {p90:.0}")
        }
        None => "n.v.t.".into(),
    }
}

async fn figures_page(
    Signed { s, user }: Signed,
    UiQuery(q): UiQuery<PeriodQuery>,
) -> Result<Response, UiError> {
    let (from, to) = q.period()?;
    let figures = s.app.referral_figures(&user.actor, from, to).await?;
    let rows = figures
        .iter()
        .map(|f| FigureRow {
            partner: f.partner.clone(),
            referrals: f.referrals,
            started: f.started,
            finished: f.finished,
            returned: f.returned,
            to_start: days(f.ask_to_start_days),
            to_end: days(f.start_to_end_days),
            results: if f.results.is_empty() {
                "—".into()
            } else {
                f.results
                    .iter()
                    .map(|(r, n)| format!("{}: {n}", r.label()))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })
        .collect();
    let view = FiguresPage {
        base: Base::new("Cijfers verwijzingen", Some(&user), Page::Referrals),
        from: format_iso(from),
        to: format_iso(to),
        rows,
    };
    Ok(render(StatusCode::OK, view))
}

/// The options of partners a referral can go to (the safety chamber has its own agenda).
pub fn referral_partner_opts(
    partners: &[nazorg_app::Partner],
    allowed: impl Fn(PartnerKind) -> bool,
) -> Vec<Opt> {
    partner_opts(partners, |p| {
        p.kind != PartnerKind::SafetyChamber && allowed(p.kind)
    })
}

/// The options of bought services, with their price.
pub fn service_opts(services: &[nazorg_app::ServiceKind]) -> Vec<Opt> {
    services
        .iter()
        .map(|k| Opt {
            value: k.id.to_string(),
            label: format!("{} ({})", k.name, format_eur(k.price_cents)),
            selected: false,
        })
        .collect()
}

/// The life domains as checkboxes' values and labels.
pub fn domain_choices() -> Vec<(&'static str, &'static str)> {
    nazorg_domain::triage::LifeDomain::ALL
        .iter()
        .map(|d| (d.code(), d.label()))
        .collect()
}

pub struct DirectedView {
    pub case_id: CaseId,
    pub resident: String,
    pub birth_date: String,
    pub status: &'static str,
    pub direction: &'static str,
    pub direction_since: String,
    pub expected_release: String,
    pub actual_release: String,
    pub aftercare_end: String,
    pub triage: Vec<(&'static str, &'static str, &'static str)>,
    pub triage_note: String,
    pub agreements: Vec<(&'static str, String, String, String, bool)>,
    pub readiness: Vec<(&'static str, bool)>,
    pub contacts: Vec<(String, &'static str, String)>,
    pub household: Vec<(&'static str, &'static str, &'static str, String)>,
    pub referrals: Vec<(String, String, &'static str)>,
}

#[derive(Template)]
#[template(path = "referrals/directed_case.html")]
struct DirectedCasePage {
    base: Base,
    c: DirectedView,
}

/// A case in the view of the SKT care director or Exodus worker who directs it.
async fn directed_case_page(
    Signed { s, user }: Signed,
    UiPath(id): UiPath<CaseId>,
) -> Result<Response, UiError> {
    let d = s.app.get_directed_case(&user.actor, id).await?;
    Ok(render(
        StatusCode::OK,
        DirectedCasePage {
            base: Base::new(
                format!("Casus {id} (casusregie)"),
                Some(&user),
                Page::Referrals,
            ),
            c: DirectedView::from(d),
        },
    ))
}

impl From<nazorg_app::DirectedCase> for DirectedView {
    fn from(d: nazorg_app::DirectedCase) -> Self {
        DirectedView {
            case_id: d.case_id,
            birth_date: nl(d.birth_date),
            status: d.status.label(),
            direction: d.direction.map(|x| x.label()).unwrap_or("—"),
            direction_since: nl(d.direction_since),
            expected_release: nl(d.expected_release),
            actual_release: nl(d.actual_release),
            aftercare_end: nl(d.aftercare_end),
            triage: d
                .triage
                .iter()
                .map(|t| (t.domain.label(), t.need.label(), t.self_reliance.label()))
                .collect(),
            agreements: d
                .agreements
                .iter()
                .map(|a| {
                    (
                        a.domain.label(),
                        a.description.clone(),
                        a.owner.clone(),
                        nl(a.due_date),
                        a.done,
                    )
                })
                .collect(),
            readiness: vec![
                ("Huisvesting", d.ready_housing),
                ("Inschrijving in de BRP", d.ready_brp),
                ("Identiteitsbewijs", d.ready_id),
                ("Inkomen of uitkering", d.ready_income),
            ],
            contacts: d
                .contacts
                .iter()
                .map(|c| (format_nl(c.date), c.kind.label(), c.note.clone()))
                .collect(),
            household: directed_household(&d.household),
            referrals: directed_referrals(&d.referrals),
            resident: d.resident,
            triage_note: d.triage_note,
        }
    }
}

/// The household members as the partner sees them: relation, age group, need, note.
fn directed_household(
    household: &[nazorg_app::HouseholdMember],
) -> Vec<(&'static str, &'static str, &'static str, String)> {
    household
        .iter()
        .map(|h| {
            (
                h.relation.label(),
                if h.is_minor {
                    "minderjarig"
                } else {
                    "volwassen"
                },
                h.support_need.label(),
                h.note.clone(),
            )
        })
        .collect()
}

/// The referrals as the partner sees them: to whom, for which life domains, how far.
fn directed_referrals(
    referrals: &[(
        String,
        Vec<nazorg_domain::triage::LifeDomain>,
        ReferralStatus,
    )],
) -> Vec<(String, String, &'static str)> {
    referrals
        .iter()
        .map(|(partner, domains, status)| {
            (
                partner.clone(),
                domains
                    .iter()
                    .map(|x| x.label())
                    .collect::<Vec<_>>()
                    .join(", "),
                status.label(),
            )
        })
        .collect()
}
