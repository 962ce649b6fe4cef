//! Pages for the policy advisor and the coordinator: the monitor, the evaluation report
//! (HTML, PDF, XLSX, CSV), outflow and forecast with the capacity assumptions, and the
//! pseudonymised export. Every figure comes through the store's gate.

use super::{Notice, Shown, Signed, UiForm, UiQuery, download, nl, post_form};
use crate::AppState;
use crate::auth::UiUser;
use crate::error::AppError;
use crate::input::optional_date;
use crate::pages::{Base, UiError, render};
use crate::query::{ordered, year_to_date};
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use nazorg_app::report::{self, EvaluationData};
use nazorg_domain::access::Action;
use nazorg_domain::access::Page;
use nazorg_domain::dates::{format_iso, format_nl};
use nazorg_domain::evaluation::{Section, Table, decimal, monitor_tables, outlook_tables, percent};
use nazorg_domain::ids::CaseId;
use nazorg_domain::monitor::Monitor;
use nazorg_domain::outlook::CapacitySettings;
use nazorg_domain::referral::{format_eur, parse_eur};
use serde::Deserialize;
use time::Date;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/monitor", get(monitor_page))
        .route("/monitor.xlsx", get(monitor_xlsx))
        .route("/monitor.csv", get(monitor_csv))
        .route("/evaluatie", get(evaluation_page))
        .route("/evaluatie.pdf", get(evaluation_pdf))
        .route("/evaluatie.xlsx", get(evaluation_xlsx))
        .route("/evaluatie.csv", get(evaluation_csv))
        .route("/prognose", get(outlook_page))
        .route("/prognose/aannames", post(save_settings))
        .route("/export/gepseudonimiseerd.csv", get(pseudonymised_csv))
        .route("/veiligheidskamer", get(safety_agenda_page))
}

pub struct AgendaRow {
    pub case_id: CaseId,
    pub resident: String,
    pub put_on: String,
    pub reason: String,
    pub discussed_on: String,
    pub outcome: String,
    pub follow_up: String,
}

#[derive(Template)]
#[template(path = "reports/safety_agenda.html")]
struct SafetyAgendaPage {
    base: Base,
    rows: Vec<AgendaRow>,
}

/// The safety chamber's agenda: its members reach the cases on it from here.
async fn safety_agenda_page(Signed { s, user }: Signed) -> Result<Response, UiError> {
    let entries = s.app.safety_agenda(&user.actor).await?;
    let page = SafetyAgendaPage {
        base: Base::new("Agenda Veiligheidskamer", Some(&user), Page::SafetyAgenda),
        rows: entries
            .into_iter()
            .map(|e| AgendaRow {
                case_id: e.case_id,
                resident: e.resident,
                put_on: format_nl(e.item.put_on),
                reason: e.item.reason,
                discussed_on: nl(e.item.discussed_on),
                outcome: e.item.outcome.unwrap_or_default(),
                follow_up: e.item.follow_up.unwrap_or_default(),
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, page))
}

/// A period in the address: `from` and `to` as dates (YYYY-MM-DD or DD-MM-YYYY).
#[derive(Deserialize, Default)]
#[serde(default)]
struct Period {
    from: Option<String>,
    to: Option<String>,
    opgeslagen: Option<String>,
}

impl Period {
    fn parse(&self) -> Result<(Option<Date>, Option<Date>), AppError> {
        let from = optional_date("de begindatum", self.from.as_deref())?;
        let to = optional_date("de einddatum", self.to.as_deref())?;
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(AppError::Invalid(format!(
                "De begindatum ({}) ligt na de einddatum ({}).",
                format_nl(f),
                format_nl(t)
            )));
        }
        Ok((from, to))
    }

    /// The monitor's default, as the referral figures': up to today, from 1 January
    /// (`year_to_date`).
    fn monitor_period(&self) -> Result<(Date, Date), AppError> {
        let (from, to) = self.parse()?;
        year_to_date(from, to)
    }

    /// The evaluation's default: the eight months after the programme start.
    async fn evaluation_period(
        &self,
        s: &AppState,
        user: &UiUser,
    ) -> Result<(Date, Date), AppError> {
        let asked = self.parse()?;
        let start = s.config.programme_start;
        let (from, to) = report::evaluation_period_asked(&s.app, &user.actor, start, asked).await?;
        ordered(from, to)
    }
}

/// A table as the templates show it (its cells as they `display`), with its chart.
pub struct TableView {
    pub table: Table,
    pub svg: Option<String>,
}

fn views(tables: &[Table]) -> Vec<TableView> {
    tables
        .iter()
        .map(|t| TableView {
            table: t.clone(),
            svg: nazorg_report::svg::bar_chart(t),
        })
        .collect()
}

fn query(from: Date, to: Date) -> String {
    format!("from={}&to={}", format_iso(from), format_iso(to))
}

fn reach_text(m: &Monitor) -> String {
    m.reach.map(percent).unwrap_or_else(|| "n.v.t.".into())
}

#[derive(Template)]
#[template(path = "reports/monitor.html")]
struct MonitorPage {
    base: Base,
    from: String,
    to: String,
    period: String,
    as_of: String,
    query: String,
    reach: String,
    reach_goal: String,
    reach_met: Option<bool>,
    notifications: u64,
    eligible: u64,
    released: u64,
    tables: Vec<TableView>,
}

async fn monitor_page(
    Signed { s, user }: Signed,
    UiQuery(q): UiQuery<Period>,
) -> Result<Response, UiError> {
    s.app.permit(&user.actor, Action::ReadReports, None).await?;
    let (m, from, to) = monitor_data(&s, &user, &q).await?;
    let page = MonitorPage {
        base: Base::new("Monitor", Some(&user), Page::Monitor),
        from: format_iso(from),
        to: format_iso(to),
        period: format!("{} tot en met {}", format_nl(from), format_nl(to)),
        as_of: format_nl(m.as_of),
        query: query(from, to),
        reach: reach_text(&m),
        reach_goal: percent(m.reach_goal),
        reach_met: m.reach.map(|r| r >= m.reach_goal),
        notifications: m.notifications,
        eligible: m.eligible,
        released: m.released,
        tables: views(&monitor_tables(&m)),
    };
    Ok(render(StatusCode::OK, page))
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const CSV: &str = "text/csv; charset=utf-8";

fn file_name(stem: &str, from: Date, to: Date, ext: &str) -> String {
    format!("{stem}-{}-{}.{ext}", format_iso(from), format_iso(to))
}

/// The monitor of the asked period, and the period.
async fn monitor_data(
    s: &AppState,
    user: &UiUser,
    q: &Period,
) -> Result<(Monitor, Date, Date), AppError> {
    let (from, to) = q.monitor_period()?;
    Ok((s.app.monitor(&user.actor, from, to).await?, from, to))
}

/// The spreadsheets of the monitor and the evaluation (routed in `router`): per handler,
/// what loads the report of the asked period, the stem of the file's name, the file's type
/// and extension, and what writes the file.
macro_rules! sheets {
    ($($name:ident: $load:ident as $stem:literal, ($content_type:expr, $ext:literal) by $sheet:path;)*) => {
        $(
            async fn $name(
                Signed { s, user }: Signed,
                UiQuery(q): UiQuery<Period>,
            ) -> Result<Response, UiError> {
                let (data, from, to) = $load(&s, &user, &q).await?;
                let name = file_name($stem, from, to, $ext);
                Ok(download($content_type, &name, $sheet(&data)?))
            }
        )*
    };
}

sheets! {
    monitor_xlsx: monitor_data as "monitor", (XLSX, "xlsx") by report::monitor_xlsx;
    monitor_csv: monitor_data as "monitor", (CSV, "csv") by report::monitor_csv;
    evaluation_xlsx: evaluation_data as "evaluatie", (XLSX, "xlsx") by EvaluationData::xlsx;
    evaluation_csv: evaluation_data as "evaluatie", (CSV, "csv") by EvaluationData::csv;
}

/// A question of the evaluation as the page shows it: the section, and its tables' views.
pub struct SectionView<'a> {
    pub section: &'a Section,
    pub tables: Vec<TableView>,
}

#[derive(Template)]
#[template(path = "reports/evaluation.html")]
struct EvaluationPage<'a> {
    base: Base,
    heading: String,
    subtitle: Vec<String>,
    from: String,
    to: String,
    query: String,
    sections: Vec<SectionView<'a>>,
    definitions: &'static [(&'static str, &'static str)],
}

async fn evaluation_data(
    s: &AppState,
    user: &UiUser,
    q: &Period,
) -> Result<(EvaluationData, Date, Date), AppError> {
    s.app.permit(&user.actor, Action::ReadReports, None).await?;
    let (from, to) = q.evaluation_period(s, user).await?;
    Ok((
        EvaluationData::load(&s.app, &user.actor, from, to).await?,
        from,
        to,
    ))
}

async fn evaluation_page(
    Signed { s, user }: Signed,
    UiQuery(q): UiQuery<Period>,
) -> Result<Response, UiError> {
    let (data, from, to) = evaluation_data(&s, &user, &q).await?;
    let page = EvaluationPage {
        base: Base::new("Evaluatie", Some(&user), Page::Evaluation),
        heading: data.title(),
        subtitle: data.subtitle(),
        from: format_iso(from),
        to: format_iso(to),
        query: query(from, to),
        sections: data
            .sections
            .iter()
            .map(|section| SectionView {
                section,
                tables: views(&section.tables),
            })
            .collect(),
        definitions: nazorg_domain::evaluation::DEFINITIONS,
    };
    Ok(render(StatusCode::OK, page))
}

async fn evaluation_pdf(
    Signed { s, user }: Signed,
    UiQuery(q): UiQuery<Period>,
) -> Result<Response, UiError> {
    let (data, from, to) = evaluation_data(&s, &user, &q).await?;
    let bytes = data.pdf();
    Ok(download(
        "application/pdf",
        &file_name("evaluatie", from, to, "pdf"),
        bytes,
    ))
}

/// One assumption on the form.
pub struct SettingField {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub hint: &'static str,
}

#[derive(Template)]
#[template(path = "reports/outlook.html")]
struct OutlookPage {
    base: Base,
    notice: Notice,
    forecast: Option<String>,
    capacity: Option<String>,
    tables: Vec<TableView>,
    fields: Vec<SettingField>,
    /// The version of the assumptions shown, which the form is saved against.
    settings_version: i64,
    can_edit: bool,
}

fn fields(s: &CapacitySettings) -> Vec<SettingField> {
    let money = |c: i64| format_eur(c).trim_start_matches("€ ").to_string();
    vec![
        SettingField {
            name: "hours_light",
            label: "Uren nazorgcoördinator per casus met lichte ondersteuning",
            value: s.hours_light.to_string(),
            hint: "uren",
        },
        SettingField {
            name: "hours_skt",
            label: "Uren nazorgcoördinator per casus met regie bij het SKT",
            value: s.hours_skt.to_string(),
            hint: "uren",
        },
        SettingField {
            name: "hours_exodus",
            label: "Uren nazorgcoördinator per casus met regie bij Exodus",
            value: s.hours_exodus.to_string(),
            hint: "uren",
        },
        SettingField {
            name: "hourly_cost",
            label: "Kosten per uur nazorgcoördinator",
            value: money(s.hourly_cost_cents),
            hint: "euro",
        },
        SettingField {
            name: "skt_price",
            label: "Prijs van een SKT-traject",
            value: money(s.skt_price_cents),
            hint: "euro",
        },
        SettingField {
            name: "exodus_price",
            label: "Prijs van een Exodus-traject",
            value: money(s.exodus_price_cents),
            hint: "euro",
        },
        SettingField {
            name: "uptake",
            label: "Aandeel van de uitstroom dat nazorg aanvaardt, zolang de registratie het nog niet laat zien",
            value: s.default_uptake_pct.to_string(),
            hint: "procent",
        },
        SettingField {
            name: "skt_share",
            label: "Aandeel met regie bij het SKT, zolang de registratie het nog niet laat zien",
            value: s.default_skt_pct.to_string(),
            hint: "procent",
        },
        SettingField {
            name: "exodus_share",
            label: "Aandeel met regie bij Exodus, zolang de registratie het nog niet laat zien",
            value: s.default_exodus_pct.to_string(),
            hint: "procent",
        },
    ]
}

async fn outlook_view(
    s: &AppState,
    user: &UiUser,
    notice: Notice,
    typed: Option<Vec<SettingField>>,
) -> Result<Response, UiError> {
    let outlook = s.app.outlook(&user.actor).await?;
    let forecast = outlook.forecast.as_ref().map(|f| {
        format!(
            "Verwachte uitstroom in {}: {} inwoners, met een bandbreedte van {} tot {} (gemiddelde van {}; de bandbreedte is de laagste en hoogste uitstroom van de laatste vijf bekende jaren).",
            f.year,
            decimal(f.expected, 1),
            f.low,
            f.high,
            f.basis.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(", "),
        )
    });
    let capacity = outlook.capacity.as_ref().map(|c| {
        format!(
            "Aanvaarding: {} ({}); verdeling licht / SKT / Exodus: {}.",
            percent(c.uptake),
            if c.uptake_observed {
                "uit de registratie"
            } else {
                "aanname, de registratie heeft nog geen aanvaarde casussen"
            },
            if c.split_observed {
                "uit de registratie"
            } else {
                "aanname, nog geen casusregie vastgelegd"
            },
        )
    });
    let page = OutlookPage {
        base: Base::new("Uitstroom en prognose", Some(user), Page::Outlook),
        notice,
        forecast,
        capacity,
        tables: views(&outlook_tables(
            &outlook.series,
            outlook.forecast.as_ref(),
            outlook.capacity.as_ref(),
        )),
        fields: typed.unwrap_or_else(|| fields(&outlook.settings)),
        settings_version: outlook.settings_version,
        can_edit: nazorg_domain::access::authorize(
            &user.actor,
            Action::ManageReportSettings,
            &user.actor.municipality,
        )
        .is_ok(),
    };
    Ok(render(page.notice.status, page))
}

async fn outlook_page(
    Signed { s, user }: Signed,
    UiQuery(q): UiQuery<Period>,
) -> Result<Response, UiError> {
    s.app.permit(&user.actor, Action::ReadReports, None).await?;
    let flash = q
        .opgeslagen
        .is_some()
        .then(|| "De aannames zijn opgeslagen.".to_string());
    outlook_view(&s, &user, Notice::shown(flash), None).await
}

/// The assumptions of the outlook, as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
struct SettingsForm {
    hours_light: String,
    hours_skt: String,
    hours_exodus: String,
    hourly_cost: String,
    skt_price: String,
    exodus_price: String,
    uptake: String,
    skt_share: String,
    exodus_share: String,
    /// The version of the assumptions the page showed.
    versie: String,
}

impl SettingsForm {
    /// What was typed in the field of this name (see `fields`).
    fn typed(&self, name: &str) -> &str {
        match name {
            "hours_light" => &self.hours_light,
            "hours_skt" => &self.hours_skt,
            "hours_exodus" => &self.hours_exodus,
            "hourly_cost" => &self.hourly_cost,
            "skt_price" => &self.skt_price,
            "exodus_price" => &self.exodus_price,
            "uptake" => &self.uptake,
            "skt_share" => &self.skt_share,
            "exodus_share" => &self.exodus_share,
            _ => "",
        }
    }

    fn parse(&self) -> Result<CapacitySettings, AppError> {
        let whole = |value: &str, label: &str| {
            value
                .trim()
                .parse::<i64>()
                .map_err(|_| AppError::Invalid(format!("Vul bij ‘{label}’ een heel getal in.")))
        };
        let money = |value: &str, label: &str| {
            parse_eur(value.trim()).ok_or_else(|| {
                AppError::Invalid(format!(
                    "Vul bij ‘{label}’ een bedrag in, bijvoorbeeld 80,00."
                ))
            })
        };
        let settings = CapacitySettings {
            hours_light: whole(&self.hours_light, "uren lichte ondersteuning")?,
            hours_skt: whole(&self.hours_skt, "uren regie SKT")?,
            hours_exodus: whole(&self.hours_exodus, "uren regie Exodus")?,
            hourly_cost_cents: money(&self.hourly_cost, "kosten per uur")?,
            skt_price_cents: money(&self.skt_price, "prijs SKT-traject")?,
            exodus_price_cents: money(&self.exodus_price, "prijs Exodus-traject")?,
            default_uptake_pct: whole(&self.uptake, "aandeel dat aanvaardt")?,
            default_skt_pct: whole(&self.skt_share, "aandeel SKT")?,
            default_exodus_pct: whole(&self.exodus_share, "aandeel Exodus")?,
        };
        settings.validate().map_err(AppError::Invalid)?;
        Ok(settings)
    }
}

async fn save_settings(
    Signed { s, user }: Signed,
    UiForm(f): UiForm<SettingsForm>,
) -> Result<Response, UiError> {
    let saved = post_form(
        &s,
        &user,
        Action::ManageReportSettings,
        Shown::Invalid,
        async {
            let settings = f.parse()?;
            let seen = f.versie.parse().map_err(|_| AppError::VersionRequired)?;
            Ok(s.app
                .set_capacity_settings(&user.actor, &settings, seen)
                .await?)
        },
    );
    saved
        .await?
        .answer("/prognose?opgeslagen=1", async |notice| {
            // Show the form again with what was typed.
            let typed = fields(&CapacitySettings::default())
                .into_iter()
                .map(|mut field| {
                    field.value = f.typed(field.name).to_string();
                    field
                })
                .collect();
            outlook_view(&s, &user, notice, Some(typed)).await
        })
        .await
}

async fn pseudonymised_csv(
    Signed { s, user }: Signed,
    UiQuery(q): UiQuery<Period>,
) -> Result<Response, UiError> {
    s.app
        .permit(&user.actor, Action::ExportPseudonymised, None)
        .await?;
    let (from, to) = q.monitor_period()?;
    let export = s.app.pseudonymised_export(&user.actor, from, to).await?;
    let bytes = nazorg_report::sheet::rows_csv(&export.columns, &export.rows)?;
    Ok(download(
        CSV,
        &file_name("gepseudonimiseerd", from, to, "csv"),
        bytes,
    ))
}
