//! Pages for the chain: referrals (for coordinators and partner users), the budget, the
//! referral figures, and the partner organisations (for administrators).

use super::{Base, Opt, UiPath, UiQuery, opts, render};
use crate::AppState;
use crate::api::PeriodQuery;
use crate::auth::UiUser;
use crate::error::{AppError, UiError};
use crate::input::*;
use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use nazorg_domain::access::Role;
use nazorg_domain::dates::{format_iso, format_nl};
use nazorg_domain::referral::{
    BudgetLineCode, PartnerKind, ReferralResult, ReferralStatus, ReferralStep, format_eur,
    parse_eur,
};
use nazorg_store::ReferralFilter;
use serde::Deserialize;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/verwijzingen", get(referrals_page))
        .route("/verwijzingen/cijfers", get(figures_page))
        .route("/verwijzingen/{id}", get(referral_page))
        .route("/verwijzingen/{id}/stap", post(referral_step))
        .route("/verwijzingen/{id}/gezien", post(acknowledge))
        .route("/budget", get(budget_page))
        .route("/budget/plafond", post(set_cap))
        .route("/budget/prijs", post(set_price))
        .route("/budget.csv", get(budget_csv))
        .route("/ketenpartners", get(partners_page).post(add_partner))
        .route("/ketenpartners/{id}", post(toggle_partner))
        .route("/verwerkingsregister", get(register_page))
        .route("/regie/{id}", get(directed_case_page))
        .route("/verwerkingsregister/{code}", post(set_activity))
}

pub struct ActivityRow {
    pub code: String,
    pub name: String,
    pub purpose: String,
    pub legal_ground: String,
    pub changed: String,
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    base: Base,
    rows: Vec<ActivityRow>,
    flash: Option<String>,
    error: Option<String>,
}

async fn register_view(
    s: &AppState,
    user: &UiUser,
    status: StatusCode,
    flash: Option<String>,
    error: Option<String>,
) -> Result<Response, UiError> {
    let rows = s
        .store
        .processing_register(&user.actor)
        .await?
        .into_iter()
        .map(|a| ActivityRow {
            changed: match &a.changed {
                Some((by, at)) => format!(
                    "gewijzigd door {by} op {}",
                    format_nl(nazorg_domain::dates::to_amsterdam(*at).date())
                ),
                None => "standaardtekst".into(),
            },
            code: a.code,
            name: a.name,
            purpose: a.purpose,
            legal_ground: a.legal_ground,
        })
        .collect();
    let page = RegisterPage {
        base: Base::new(
            "Register van verwerkingsactiviteiten",
            Some(user),
            "register",
        ),
        rows,
        flash,
        error,
    };
    Ok(render(status, page))
}

async fn register_page(
    State(s): State<AppState>,
    user: UiUser,
    UiQuery(q): UiQuery<YearQuery>,
) -> Result<Response, UiError> {
    let flash = q.opgeslagen.is_some().then(|| {
        "Opgeslagen. Nieuwe regels in het verwerkingenlogboek noemen de nieuwe tekst.".to_string()
    });
    register_view(&s, &user, StatusCode::OK, flash, None).await
}

async fn set_activity(
    State(s): State<AppState>,
    user: UiUser,
    UiPath(code): UiPath<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, UiError> {
    s.store
        .permit(
            &user.actor,
            nazorg_domain::access::Action::ManageRegister,
            None,
        )
        .await?;
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    match s
        .store
        .set_processing_activity(
            &user.actor,
            &code,
            get("name"),
            get("purpose"),
            get("legal_ground"),
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/verwerkingsregister?opgeslagen=1").into_response()),
        Err(e) => match AppError::from(e) {
            e @ AppError::Invalid(_) => {
                register_view(&s, &user, e.status(), None, Some(e.to_string())).await
            }
            e => Err(UiError(e)),
        },
    }
}

fn today() -> time::Date {
    nazorg_domain::dates::today_nl()
}

fn nl(date: Option<time::Date>) -> String {
    date.map(format_nl).unwrap_or_else(|| "—".into())
}

/// A referral as a row of a list.
pub struct ReferralRow {
    pub id: i64,
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

impl From<&nazorg_store::Referral> for ReferralRow {
    fn from(r: &nazorg_store::Referral) -> Self {
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

#[derive(Template)]
#[template(path = "referrals.html")]
struct ReferralsPage {
    base: Base,
    heading: String,
    /// For SKT and Exodus users: the cases their organisation directs.
    directed: Vec<(i64, String, &'static str, String)>,
    rows: Vec<ReferralRow>,
    status_opts: Vec<Opt>,
    next_url: Option<String>,
    first_url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReferralsQuery {
    status: Option<String>,
    before: Option<i64>,
}

async fn referrals_page(
    State(s): State<AppState>,
    user: UiUser,
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
        .store
        .list_referrals(&user.actor, &filter, q.before, 25)
        .await?;
    let status_param = status
        .map(|st| format!("status={}&", st.code()))
        .unwrap_or_default();
    let heading = if user.actor.role == Role::Coordinator {
        "Verwijzingen"
    } else {
        "Mijn verwijzingen"
    };
    let directed = if nazorg_domain::access::is_partner_role(user.actor.role) {
        s.store
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
        base: Base::new(heading, Some(&user), "referrals"),
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
#[template(path = "referral.html")]
struct ReferralPage {
    base: Base,
    r: ReferralRow,
    id: i64,
    case_id: i64,
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
    flash: Option<String>,
    error: Option<String>,
}

async fn referral_view(
    s: &AppState,
    user: &UiUser,
    id: i64,
    status: StatusCode,
    flash: Option<String>,
    error: Option<String>,
) -> Result<Response, UiError> {
    let d = s.store.get_referral(&user.actor, id).await?;
    let r = &d.referral;
    let can = |step| nazorg_domain::referral::apply(r.status, step).is_ok();
    let is_coordinator = user.actor.role == Role::Coordinator;
    let view = ReferralPage {
        base: Base::new(format!("Verwijzing {id}"), Some(user), "referrals"),
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
        can_withdraw: is_coordinator && can(ReferralStep::Withdraw),
        result_opts: opts::<ReferralResult>(None),
        today: format_iso(today()),
        r: ReferralRow::from(r),
        flash,
        error,
    };
    Ok(render(status, view))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SavedQuery {
    opgeslagen: Option<String>,
}

async fn referral_page(
    State(s): State<AppState>,
    user: UiUser,
    UiPath(id): UiPath<i64>,
    UiQuery(q): UiQuery<SavedQuery>,
) -> Result<Response, UiError> {
    let flash = q
        .opgeslagen
        .as_deref()
        .and_then(ReferralStep::parse)
        .map(|st| format!("Opgeslagen: {}.", st.label()));
    referral_view(&s, &user, id, StatusCode::OK, flash, None).await
}

async fn referral_step(
    State(s): State<AppState>,
    user: UiUser,
    UiPath(id): UiPath<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, UiError> {
    s.store
        .permit_referral(
            &user.actor,
            nazorg_domain::access::Action::WriteReferral,
            id,
        )
        .await?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let input = ReferralStepIn {
        step: get("step"),
        date: f.get("date").cloned(),
        note: get("note"),
        result: f.get("result").cloned().filter(|r| !r.is_empty()),
    };
    let result = match input.parse(today()) {
        Ok(step) => s
            .store
            .referral_step(&user.actor, id, &step)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/verwijzingen/{id}?opgeslagen={}", get("step"))).into_response(),
        ),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            referral_view(&s, &user, id, e.status(), None, Some(e.to_string())).await
        }
        Err(e) => Err(UiError(e)),
    }
}

async fn acknowledge(
    State(s): State<AppState>,
    user: UiUser,
    UiPath(id): UiPath<i64>,
) -> Result<Response, UiError> {
    s.store.acknowledge_referral(&user.actor, id).await?;
    Ok(Redirect::to("/mijn-werk").into_response())
}

// --- budget -------------------------------------------------------------------------------

struct LineRow {
    code: &'static str,
    name: String,
    cap: String,
    cap_plain: String,
    committed: String,
    spent: String,
    remaining: String,
    over: bool,
}

struct MonthRow {
    month: &'static str,
    committed: String,
    spent: String,
}

struct PriceRow {
    id: i64,
    name: String,
    partner: &'static str,
    price: String,
    price_plain: String,
}

#[derive(Template)]
#[template(path = "budget.html")]
struct BudgetPage {
    base: Base,
    year: i32,
    lines: Vec<LineRow>,
    months: Vec<MonthRow>,
    prices: Vec<PriceRow>,
    flash: Option<String>,
    error: Option<String>,
}

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// An amount for a form field or CSV: 28000,00 (and -1,50).
fn plain(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{},{:02}", cents / 100, cents % 100)
}

/// Budget years a user may ask for.
fn year_in_range(year: i32) -> Result<i32, UiError> {
    if (2000..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(UiError(AppError::Invalid(
            "Kies een jaar tussen 2000 en 2100.".into(),
        )))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    jaar: Option<i32>,
    opgeslagen: Option<String>,
}

async fn budget_view(
    s: &AppState,
    user: &UiUser,
    year: i32,
    status: StatusCode,
    flash: Option<String>,
    error: Option<String>,
) -> Result<Response, UiError> {
    let budget = s.store.budget(&user.actor, year).await?;
    let services = s.store.list_service_kinds(&user.actor.municipality).await?;
    let view = BudgetPage {
        base: Base::new(format!("Budget {year}"), Some(user), "budget"),
        year,
        lines: budget
            .lines
            .iter()
            .map(|l| LineRow {
                code: l.code.code(),
                name: l.name.clone(),
                cap: format_eur(l.cap_cents),
                cap_plain: plain(l.cap_cents),
                committed: format_eur(l.committed_cents),
                spent: format_eur(l.spent_cents),
                remaining: format_eur(l.remaining_cents()),
                over: l.remaining_cents() < 0,
            })
            .collect(),
        months: budget
            .months
            .iter()
            .map(|m| MonthRow {
                month: MONTHS[(m.month as usize).saturating_sub(1) % 12],
                committed: format_eur(m.committed_cents),
                spent: format_eur(m.spent_cents),
            })
            .collect(),
        prices: services
            .iter()
            .map(|k| PriceRow {
                id: k.id,
                name: k.name.clone(),
                partner: k.partner_kind.label(),
                price: format_eur(k.price_cents),
                price_plain: plain(k.price_cents),
            })
            .collect(),
        flash,
        error,
    };
    Ok(render(status, view))
}

async fn budget_page(
    State(s): State<AppState>,
    user: UiUser,
    UiQuery(q): UiQuery<YearQuery>,
) -> Result<Response, UiError> {
    let year = year_in_range(q.jaar.unwrap_or_else(|| today().year()))?;
    let flash = q.opgeslagen.is_some().then(|| "Opgeslagen.".to_string());
    budget_view(&s, &user, year, StatusCode::OK, flash, None).await
}

/// The budget year a form is about (default this year).
fn form_year(f: &HashMap<String, String>) -> i32 {
    f.get("year")
        .and_then(|y| y.parse::<i32>().ok())
        .unwrap_or_else(|| today().year())
}

/// After a budget change: back to the budget page, or the page again with the reason.
async fn budget_saved(
    s: &AppState,
    user: &UiUser,
    year: i32,
    result: Result<(), AppError>,
) -> Result<Response, UiError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/budget?jaar={year}&opgeslagen=1")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            budget_view(s, user, year, e.status(), None, Some(e.to_string())).await
        }
        Err(e) => Err(UiError(e)),
    }
}

async fn set_cap(
    State(s): State<AppState>,
    user: UiUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, UiError> {
    s.store
        .permit(
            &user.actor,
            nazorg_domain::access::Action::ManageBudget,
            None,
        )
        .await?;
    let year = form_year(&f);
    let result = async {
        let line = code::<BudgetLineCode>(
            "de budgetregel",
            f.get("line").map(String::as_str).unwrap_or(""),
        )?;
        let cents = parse_eur(f.get("cap").map(String::as_str).unwrap_or("")).ok_or_else(|| {
            AppError::Invalid("Vul het plafond in als bedrag, bijvoorbeeld 28.000,00.".into())
        })?;
        Ok::<_, AppError>(
            s.store
                .set_budget_cap(&user.actor, year, line, cents)
                .await?,
        )
    }
    .await;
    budget_saved(&s, &user, year, result).await
}

async fn set_price(
    State(s): State<AppState>,
    user: UiUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, UiError> {
    s.store
        .permit(
            &user.actor,
            nazorg_domain::access::Action::ManageBudget,
            None,
        )
        .await?;
    let year = form_year(&f);
    let result = async {
        let id = f
            .get("id")
            .and_then(|i| i.parse::<i64>().ok())
            .ok_or_else(|| {
                AppError::Invalid("Kies het product waarvan u de prijs wijzigt.".into())
            })?;
        let cents =
            parse_eur(f.get("price").map(String::as_str).unwrap_or("")).ok_or_else(|| {
                AppError::Invalid("Vul de prijs in als bedrag, bijvoorbeeld 3.200,00.".into())
            })?;
        Ok::<_, AppError>(s.store.set_service_price(&user.actor, id, cents).await?)
    }
    .await;
    budget_saved(&s, &user, year, result).await
}

/// The budget of a year as CSV (semicolons and decimal commas, as Dutch spreadsheets read it).
async fn budget_csv(
    State(s): State<AppState>,
    user: UiUser,
    UiQuery(q): UiQuery<YearQuery>,
) -> Result<Response, UiError> {
    let year = year_in_range(q.jaar.unwrap_or_else(|| today().year()))?;
    let budget = s.store.budget(&user.actor, year).await?;
    let mut out = String::from("\u{feff}soort;naam;plafond;vastgelegd;besteed;resterend\r\n");
    for l in &budget.lines {
        out.push_str(&format!(
            "regel;{};{};{};{};{}\r\n",
            l.name.replace(';', ","),
            plain(l.cap_cents),
            plain(l.committed_cents),
            plain(l.spent_cents),
            plain(l.remaining_cents())
        ));
    }
    for m in &budget.months {
        out.push_str(&format!(
            "maand;{};;{};{};\r\n",
            MONTHS[(m.month as usize).saturating_sub(1) % 12],
            plain(m.committed_cents),
            plain(m.spent_cents)
        ));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"budget-{year}.csv\""),
            ),
        ],
        out,
    )
        .into_response())
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
#[template(path = "referral_figures.html")]
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
    State(s): State<AppState>,
    user: UiUser,
    UiQuery(q): UiQuery<PeriodQuery>,
) -> Result<Response, UiError> {
    let (from, to) = q.period()?;
    let figures = s.store.referral_figures(&user.actor, from, to).await?;
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
        base: Base::new("Cijfers verwijzingen", Some(&user), "referrals"),
        from: format_iso(from),
        to: format_iso(to),
        rows,
    };
    Ok(render(StatusCode::OK, view))
}

// --- partner organisations (administrator) -------------------------------------------------------

struct PartnerRow {
    id: i64,
    name: String,
    kind: &'static str,
    active: bool,
}

#[derive(Template)]
#[template(path = "partners.html")]
struct PartnersPage {
    base: Base,
    rows: Vec<PartnerRow>,
    kind_opts: Vec<Opt>,
    flash: Option<String>,
    error: Option<String>,
}

async fn partners_view(
    s: &AppState,
    user: &UiUser,
    status: StatusCode,
    flash: Option<String>,
    error: Option<String>,
) -> Result<Response, UiError> {
    nazorg_domain::access::authorize(
        &user.actor,
        nazorg_domain::access::Action::ManagePartners,
        &user.actor.municipality,
    )
    .map_err(|d| UiError(AppError::Forbidden(d.to_string())))?;
    let partners = s.store.list_partners(&user.actor.municipality).await?;
    let view = PartnersPage {
        base: Base::new("Ketenpartners", Some(user), "partners"),
        rows: partners
            .iter()
            .map(|p| PartnerRow {
                id: p.id,
                name: p.name.clone(),
                kind: p.kind.label(),
                active: p.active,
            })
            .collect(),
        kind_opts: opts::<PartnerKind>(Some(PartnerKind::Other)),
        flash,
        error,
    };
    Ok(render(status, view))
}

async fn partners_page(State(s): State<AppState>, user: UiUser) -> Result<Response, UiError> {
    partners_view(&s, &user, StatusCode::OK, None, None).await
}

async fn add_partner(
    State(s): State<AppState>,
    user: UiUser,
    Form(f): Form<PartnerIn>,
) -> Result<Response, UiError> {
    s.store
        .permit(
            &user.actor,
            nazorg_domain::access::Action::ManagePartners,
            None,
        )
        .await?;
    let result = async {
        let kind = code::<PartnerKind>("het soort organisatie", &f.kind)?;
        Ok::<_, AppError>(s.store.add_partner(&user.actor, &f.name, kind).await?)
    }
    .await;
    match result {
        Ok(_) => {
            partners_view(
                &s,
                &user,
                StatusCode::OK,
                Some(format!("Ketenpartner {} is toegevoegd.", f.name.trim())),
                None,
            )
            .await
        }
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            partners_view(&s, &user, e.status(), None, Some(e.to_string())).await
        }
        Err(e) => Err(UiError(e)),
    }
}

async fn toggle_partner(
    State(s): State<AppState>,
    user: UiUser,
    UiPath(id): UiPath<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, UiError> {
    let active = f.get("active").map(String::as_str) == Some("true");
    s.store.set_partner_active(&user.actor, id, active).await?;
    Ok(Redirect::to("/ketenpartners").into_response())
}

/// The options of partners a referral can go to (the safety chamber has its own agenda).
pub fn referral_partner_opts(
    partners: &[nazorg_store::Partner],
    allowed: impl Fn(PartnerKind) -> bool,
) -> Vec<Opt> {
    partners
        .iter()
        .filter(|p| p.active && p.kind != PartnerKind::SafetyChamber && allowed(p.kind))
        .map(|p| Opt {
            value: p.id.to_string(),
            label: p.name.clone(),
            selected: false,
        })
        .collect()
}

/// The options of bought services, with their price.
pub fn service_opts(services: &[nazorg_store::ServiceKind]) -> Vec<Opt> {
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
    pub case_id: i64,
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
#[template(path = "directed_case.html")]
struct DirectedCasePage {
    base: Base,
    c: DirectedView,
}

/// A case in the view of the SKT care director or Exodus worker who directs it.
async fn directed_case_page(
    State(s): State<AppState>,
    user: UiUser,
    UiPath(id): UiPath<i64>,
) -> Result<Response, UiError> {
    let d = s.store.get_directed_case(&user.actor, id).await?;
    let c = DirectedView {
        case_id: d.case_id,
        resident: d.resident,
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
        triage_note: d.triage_note,
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
        household: d
            .household
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
            .collect(),
        referrals: d
            .referrals
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
            .collect(),
    };
    Ok(render(
        StatusCode::OK,
        DirectedCasePage {
            base: Base::new(format!("Casus {id} (casusregie)"), Some(&user), "referrals"),
            c,
        },
    ))
}
