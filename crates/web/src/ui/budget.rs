//! The budget of a year: lines with their caps, commitments and spending, and the prices
//! of bought services.

use super::{Notice, Shown, Signed, UiQuery, UiTyped, download, post_form};
use crate::AppState;
use crate::auth::UiUser;
use crate::error::AppError;
use crate::input::*;
use crate::pages::{Base, UiError, render};
use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::{get, post};
use nazorg_domain::access::Action;
use nazorg_domain::access::Page;
use nazorg_domain::ids::ServiceKindId;
use nazorg_domain::referral::{BudgetLineCode, format_eur, parse_eur};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/budget", get(budget_page))
        .route("/budget/plafond", post(set_cap))
        .route("/budget/prijs", post(set_price))
        .route("/budget.csv", get(budget_csv))
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
    version: i64,
}

struct MonthRow {
    month: &'static str,
    committed: String,
    spent: String,
}

struct PriceRow {
    id: ServiceKindId,
    name: String,
    partner: &'static str,
    price: String,
    price_plain: String,
    version: i64,
}

#[derive(Template)]
#[template(path = "budget/budget.html")]
struct BudgetPage {
    base: Base,
    year: i32,
    lines: Vec<LineRow>,
    months: Vec<MonthRow>,
    prices: Vec<PriceRow>,
    notice: Notice,
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct YearQuery {
    pub jaar: Option<i32>,
    pub opgeslagen: Option<String>,
}

impl YearQuery {
    /// The budget year asked for (default this year), one a user may ask for.
    fn year(&self) -> Result<i32, UiError> {
        let year = self
            .jaar
            .unwrap_or_else(|| nazorg_domain::dates::today_nl().year());
        Ok(budget_year(year)?)
    }
}

async fn budget_view(
    s: &AppState,
    user: &UiUser,
    year: i32,
    notice: Notice,
) -> Result<Response, UiError> {
    let budget = s.app.budget(&user.actor, year).await?;
    let services = s.app.list_service_kinds(&user.actor.municipality).await?;
    let view = BudgetPage {
        base: notice.dress(Base::new(
            format!("Budget {year}"),
            Some(user),
            Page::Budget,
        )),
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
                version: l.version,
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
                version: k.version,
            })
            .collect(),
        notice,
    };
    Ok(render(view.notice.status, view))
}

async fn budget_page(
    Signed { s, user }: Signed,
    UiQuery(q): UiQuery<YearQuery>,
) -> Result<Response, UiError> {
    let year = q.year()?;
    let flash = q.opgeslagen.is_some().then(|| "Opgeslagen.".to_string());
    budget_view(&s, &user, year, Notice::shown(flash)).await
}

/// The budget year a form is about (default this year).
fn form_year(year: &str) -> i32 {
    year.parse::<i32>()
        .unwrap_or_else(|_| nazorg_domain::dates::today_nl().year())
}

/// An amount typed in a form, in cents; when it is not one, the message names the field
/// (`what`) and shows an `example`.
fn amount(typed: &str, what: &str, example: &str) -> Result<i64, AppError> {
    parse_eur(typed).ok_or_else(|| {
        AppError::Invalid(format!("Vul {what} in als bedrag, bijvoorbeeld {example}."))
    })
}

/// A new cap of a budget line.
#[derive(Deserialize, Default)]
#[serde(default)]
struct CapForm {
    year: String,
    line: String,
    cap: String,
    /// The version of the cap the page showed.
    versie: String,
}

/// A new price of a bought service.
#[derive(Deserialize, Default)]
#[serde(default)]
struct PriceForm {
    year: String,
    id: String,
    price: String,
    /// The version of the price the page showed.
    versie: String,
}

/// The version a budget form was shown with: without one it is not saved unchecked.
fn shown_version(versie: &str) -> Result<Option<i64>, AppError> {
    versie
        .parse::<i64>()
        .map(Some)
        .map_err(|_| AppError::VersionRequired)
}

/// A change of the budget from a form: the user must manage the budget; `change` runs for
/// the form's year; then back to the budget page, or the page again with the reason.
async fn budget_change(
    s: &AppState,
    user: &UiUser,
    (year, form, typed): (&str, String, Vec<(String, String)>),
    change: impl AsyncFnOnce(i32) -> Result<(), AppError>,
) -> Result<Response, UiError> {
    let year = form_year(year);
    post_form(s, user, Action::ManageBudget, Shown::Invalid, change(year))
        .await?
        .answer(
            &format!("/budget?jaar={year}&opgeslagen=1"),
            async |notice| budget_view(s, user, year, notice.keeping(&form, typed)).await,
        )
        .await
}

async fn set_cap(
    Signed { s, user }: Signed,
    UiTyped(f, typed): UiTyped<CapForm>,
) -> Result<Response, UiError> {
    let form = format!("plafond-{}", f.line);
    budget_change(&s, &user, (&f.year, form, typed), async |year| {
        let line = code::<BudgetLineCode>("de budgetregel", &f.line)?;
        let cents = amount(&f.cap, "het plafond", "28.000,00")?;
        let seen = shown_version(&f.versie)?;
        Ok(s.app
            .set_budget_cap(&user.actor, year, line, cents, seen)
            .await?)
    })
    .await
}

async fn set_price(
    Signed { s, user }: Signed,
    UiTyped(f, typed): UiTyped<PriceForm>,
) -> Result<Response, UiError> {
    let form = format!("prijs-{}", f.id);
    budget_change(&s, &user, (&f.year, form, typed), async |_| {
        let id = f.id.parse::<ServiceKindId>().map_err(|_| {
            AppError::Invalid("Kies het product waarvan u de prijs wijzigt.".into())
        })?;
        let cents = amount(&f.price, "de prijs", "3.200,00")?;
        let seen = shown_version(&f.versie)?;
        Ok(s.app
            .set_service_price(&user.actor, id, cents, seen)
            .await?)
    })
    .await
}

/// The budget of a year as CSV (semicolons and decimal commas, as Dutch spreadsheets read it).
async fn budget_csv(
    Signed { s, user }: Signed,
    UiQuery(q): UiQuery<YearQuery>,
) -> Result<Response, UiError> {
    let year = q.year()?;
    let budget = s.app.budget(&user.actor, year).await?;
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
    Ok(download(
        "text/csv; charset=utf-8",
        &format!("budget-{year}.csv"),
        out,
    ))
}
