//! Reports shared by the pages, the API and the CLI: the period of the evaluation, the
//! evaluation's sections with the outlook, and the documents made from them. The
//! figures come from the use cases (which check access and log) and the domain (which
//! computes); this module only puts them together.

use crate::{App, Outlook, Result};
use nazorg_domain::access::Actor;
use nazorg_domain::dates::{add_months, format_nl};
use nazorg_domain::evaluation::{Section, Table, evaluation, key_figures, monitor_tables};
use nazorg_domain::monitor::Monitor;
use nazorg_report::ReportError;
use nazorg_report::sheet;
use time::{Date, Duration};

/// How long the evaluation period lasts after the start (the policy: eight months).
pub const EVALUATION_MONTHS: u32 = 8;

/// The default evaluation period: eight months from the programme start (the actor's
/// municipality's own, else the installation's `programme_start`), or from the first
/// registration when neither is set, or from 1 January of this year.
pub async fn evaluation_period(
    app: &App,
    actor: &Actor,
    programme_start: Option<Date>,
    today: Date,
) -> Result<(Date, Date)> {
    let own = app.municipality_settings(&actor.municipality).await?;
    let start = match own.programme_start.or(programme_start) {
        Some(d) => d,
        None => match app.first_notified(actor).await? {
            Some(d) => d,
            None => {
                Date::from_calendar_date(today.year(), time::Month::January, 1).unwrap_or(today)
            }
        },
    };
    let end = add_months(start, EVALUATION_MONTHS) - Duration::days(1);
    Ok((start, end))
}

/// The evaluation period asked for: `from` by default the default period's start (see
/// [`evaluation_period`]), `to` by default eight months after `from`, less a day. The
/// caller checks that `from` is not after `to`.
pub async fn evaluation_period_asked(
    app: &App,
    actor: &Actor,
    programme_start: Option<Date>,
    (from, to): (Option<Date>, Option<Date>),
) -> Result<(Date, Date)> {
    let from = match from {
        Some(f) => f,
        None => {
            let today = nazorg_domain::dates::today_nl();
            evaluation_period(app, actor, programme_start, today)
                .await?
                .0
        }
    };
    let to = to.unwrap_or_else(|| add_months(from, EVALUATION_MONTHS) - Duration::days(1));
    Ok((from, to))
}

/// Everything the evaluation report shows.
pub struct EvaluationData {
    /// The municipality reported on: its name, and "Westland (CBS-code 1783)".
    pub municipality: (String, String),
    pub monitor: Monitor,
    pub outlook: Outlook,
    pub sections: Vec<Section>,
}

impl EvaluationData {
    pub async fn load(app: &App, actor: &Actor, from: Date, to: Date) -> Result<EvaluationData> {
        let monitor = app.monitor(actor, from, to).await?;
        let outlook = app.outlook(actor).await?;
        let municipality = app.municipality_label(&actor.municipality).await?;
        let sections = evaluation(
            &monitor,
            &outlook.series,
            outlook.forecast.as_ref(),
            outlook.capacity.as_ref(),
        );
        Ok(EvaluationData {
            municipality,
            monitor,
            outlook,
            sections,
        })
    }

    /// Every table of the report, once (for the spreadsheets).
    pub fn tables(&self) -> Vec<Table> {
        let mut tables = monitor_tables(&self.monitor);
        tables.extend(nazorg_domain::evaluation::outlook_tables(
            &self.outlook.series,
            self.outlook.forecast.as_ref(),
            self.outlook.capacity.as_ref(),
        ));
        tables
    }

    pub fn title(&self) -> String {
        period_title(
            &format!("Evaluatie nazorg ex-gedetineerden {}", self.municipality.0),
            &self.monitor,
        )
    }

    /// The lines under the title.
    pub fn subtitle(&self) -> Vec<String> {
        subtitle(&self.monitor, &self.municipality.1)
    }

    /// The report as JSON for the API: its period and title, the key figures by their
    /// machine names, each question with its answer and tables, and the monitor's figures.
    pub fn json(&self) -> serde_json::Value {
        let figures: serde_json::Map<String, serde_json::Value> = key_figures(&self.monitor)
            .into_iter()
            .map(|(name, _, value)| (name.to_string(), serde_json::json!(value)))
            .collect();
        serde_json::json!({
            "from": nazorg_domain::dates::format_iso(self.monitor.from),
            "to": nazorg_domain::dates::format_iso(self.monitor.to),
            "title": self.title(),
            "municipality": self.municipality.0,
            "key_figures": figures,
            "sections": self.sections,
            "monitor": monitor_json(&self.monitor),
        })
    }

    pub fn pdf(&self) -> Vec<u8> {
        nazorg_report::pdf::evaluation(&self.title(), &self.subtitle(), &self.sections)
    }

    pub fn xlsx(&self) -> Result<Vec<u8>, ReportError> {
        sheet::xlsx(&self.title(), &key_figures(&self.monitor), &self.tables())
    }

    pub fn csv(&self) -> Result<Vec<u8>, ReportError> {
        sheet::csv(&key_figures(&self.monitor), &self.tables())
    }
}

/// "Title, 01-01-2026 t/m 31-08-2026".
pub fn period_title(title: &str, m: &Monitor) -> String {
    format!("{title}, {} t/m {}", format_nl(m.from), format_nl(m.to))
}

/// The lines under the title: for which municipality, what is counted and on which day.
pub fn subtitle(m: &Monitor, municipality: &str) -> Vec<String> {
    vec![
        format!(
            "Gemeente {municipality}. Casussen waarvan de detentie begon van {} tot en met {}.",
            format_nl(m.from),
            format_nl(m.to)
        ),
        format!(
            "Stand op {}. Gemaakt door Nazorg uit de registratie; de definities staan aan het eind.",
            format_nl(m.as_of)
        ),
    ]
}

/// The monitor's figures as a spreadsheet.
pub fn monitor_xlsx(m: &Monitor) -> Result<Vec<u8>, ReportError> {
    sheet::xlsx(
        &period_title("Monitor nazorg", m),
        &key_figures(m),
        &monitor_tables(m),
    )
}

/// The monitor's figures as CSV.
pub fn monitor_csv(m: &Monitor) -> Result<Vec<u8>, ReportError> {
    sheet::csv(&key_figures(m), &monitor_tables(m))
}

/// The monitor's figures as JSON (the CLI's and the API's format).
pub fn monitor_json(m: &Monitor) -> serde_json::Value {
    serde_json::to_value(m).unwrap_or(serde_json::Value::Null)
}
