//! The evaluation of the policy (section 4.4 of the policy note): one section per
//! question, answered with the figures of the period and a short generated Dutch text;
//! and the tables that the dashboard, the report and the spreadsheets share, so that
//! every place shows the same numbers.

use serde::Serialize;

use crate::monitor::{
    ByDirection, DomainNeeds, DomainResults, Known, Monitor, OverallResults, PartnerReferrals,
    Spread, Throughput,
};
use crate::outlook::{CapacityEstimate, Forecast, OutflowYear};
use crate::referral::format_eur;

/// One value in a table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Text(String),
    Count(u64),
    /// A number of days (a median may be a half).
    Days(Option<f64>),
    /// A fraction 0–1 shown as a percentage; `None` is "n.v.t.".
    Fraction(Option<f64>),
    /// An amount in cents.
    Money(i64),
    /// A decimal number (a forecast, hours).
    Number(f64),
}

impl Cell {
    /// The Dutch way to show the value.
    pub fn display(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(n) => group_thousands(*n),
            Cell::Days(None) | Cell::Fraction(None) => "n.v.t.".into(),
            Cell::Days(Some(d)) => decimal(*d, 1),
            Cell::Fraction(Some(f)) => percent(*f),
            Cell::Money(cents) => format_eur(*cents),
            Cell::Number(x) => decimal(*x, 1),
        }
    }

    /// The value as a number, for charts and spreadsheets.
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Count(n) => Some(*n as f64),
            Cell::Days(d) | Cell::Fraction(d) => *d,
            Cell::Money(c) => Some(*c as f64 / 100.0),
            Cell::Number(x) => Some(*x),
            Cell::Text(_) => None,
        }
    }
}

/// 1234 → "1.234".
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// 12.5 → "12,5"; whole numbers without decimals.
pub fn decimal(x: f64, places: usize) -> String {
    let rounded = format!("{x:.places$}");
    let trimmed = if rounded.contains('.') {
        rounded
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        rounded
    };
    trimmed.replace('.', ",")
}

/// 0.875 → "87,5%".
pub fn percent(fraction: f64) -> String {
    format!("{}%", decimal(fraction * 100.0, 1))
}

/// A table of figures with Dutch headings; `chart` names the column drawn as bars.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// Stable name (sheet names, CSV, element ids).
    pub id: &'static str,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub chart: Option<usize>,
}

impl Table {
    fn new(id: &'static str, title: &str, columns: &[&str], chart: Option<usize>) -> Table {
        Table {
            id,
            title: title.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
            chart,
        }
    }

    fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    /// Adds one row per label with its value, in the order given.
    fn values(mut self, rows: Vec<(&str, Cell)>) -> Table {
        for (label, value) in rows {
            self.row(vec![text(label), value]);
        }
        self
    }

    /// A table of counts: one row per label with its count, in the order given, under the
    /// columns `first_column` and "Aantal", charted by the count.
    fn counted(id: &'static str, title: &str, first_column: &str, rows: &[(&str, u64)]) -> Table {
        let rows = rows.iter().map(|&(l, n)| (l, Cell::Count(n))).collect();
        Table::new(id, title, &[first_column, "Aantal"], Some(1)).values(rows)
    }
}

pub(crate) fn text(s: &str) -> Cell {
    Cell::Text(s.into())
}

pub(crate) fn spread_row(label: &str, s: &Spread) -> Vec<Cell> {
    vec![
        text(label),
        Cell::Count(s.count),
        Cell::Days(s.median),
        Cell::Days(s.p90),
    ]
}

/// A key figure: machine name, Dutch label, value.
type Figure = (&'static str, &'static str, Option<f64>);

/// A count as a key figure's value.
pub(crate) fn figure(n: u64) -> Option<f64> {
    Some(n as f64)
}

/// The key figures with their machine names, as in the CLI's JSON (dots for nesting).
pub fn key_figures(m: &Monitor) -> Vec<(&'static str, &'static str, Option<f64>)> {
    [
        stage_figures(m),
        direction_figures(&m.by_direction),
        throughput_figures(&m.throughput_days),
        known_figures(m),
    ]
    .concat()
}

/// The funnel from notification to closure, and reach.
pub(crate) fn stage_figures(m: &Monitor) -> Vec<Figure> {
    let c = figure;
    vec![
        ("notifications", "Meldingen (detenties)", c(m.notifications)),
        ("residents", "Inwoners", c(m.residents)),
        ("eligible", "Binnen de doelgroep", c(m.eligible)),
        ("contacted", "Bereikt", c(m.contacted)),
        ("accepted", "Aanbod aanvaard", c(m.accepted)),
        ("triaged", "Triage gedaan", c(m.triaged)),
        ("planned", "Plan van aanpak", c(m.planned)),
        ("released", "Vrijgelaten", c(m.released)),
        (
            "released_contacted",
            "Vrijgelaten en bereikt",
            c(m.released_contacted),
        ),
        ("closed", "Afgesloten", c(m.closed)),
        ("reach", "Bereik (fractie)", m.reach),
    ]
}

/// Who directs the cases.
pub(crate) fn direction_figures(d: &ByDirection) -> Vec<Figure> {
    let c = figure;
    vec![
        (
            "by_direction.coordinator",
            "Casusregie nazorgcoördinator (licht)",
            c(d.coordinator),
        ),
        ("by_direction.skt", "Casusregie SKT", c(d.skt)),
        ("by_direction.exodus", "Casusregie Exodus", c(d.exodus)),
        (
            "by_direction.undecided",
            "Casusregie nog niet bepaald",
            c(d.undecided),
        ),
    ]
}

/// The medians and 90th percentiles of the throughput times.
pub(crate) fn throughput_figures(t: &Throughput) -> Vec<Figure> {
    vec![
        (
            "throughput_days.notification_to_contact.median",
            "Melding tot contact, mediaan (dagen)",
            t.notification_to_contact.median,
        ),
        (
            "throughput_days.notification_to_contact.p90",
            "Melding tot contact, 90e percentiel (dagen)",
            t.notification_to_contact.p90,
        ),
        (
            "throughput_days.referral_to_start.median",
            "Verwijzing tot start, mediaan (dagen)",
            t.referral_to_start.median,
        ),
        (
            "throughput_days.referral_to_start.p90",
            "Verwijzing tot start, 90e percentiel (dagen)",
            t.referral_to_start.p90,
        ),
        (
            "throughput_days.release_to_closure.median",
            "Vrijlating tot afsluiting, mediaan (dagen)",
            t.release_to_closure.median,
        ),
        (
            "throughput_days.release_to_closure.p90",
            "Vrijlating tot afsluiting, 90e percentiel (dagen)",
            t.release_to_closure.p90,
        ),
    ]
}

/// Known to the SKT or the safety chamber before, and re-detention.
pub(crate) fn known_figures(m: &Monitor) -> Vec<Figure> {
    let c = figure;
    let k = &m.known;
    vec![
        ("known.skt", "Al bekend bij het SKT", c(k.skt)),
        (
            "known.safety_chamber",
            "Al bekend bij de Veiligheidskamer",
            c(k.safety_chamber),
        ),
        ("known.either", "Al bekend bij één van beide", c(k.either)),
        ("known.neither", "Bij geen van beide bekend", c(k.neither)),
        ("re_detained", "Opnieuw gedetineerd", c(m.re_detained)),
    ]
}

/// The tables of the monitoring dashboard.
pub fn monitor_tables(m: &Monitor) -> Vec<Table> {
    vec![
        funnel_table(m),
        reach_table(m),
        direction_table(&m.by_direction),
        needs_table(&m.needs),
        results_table(&m.results),
        overall_table(&m.overall_results),
        throughput_table(&m.throughput_days),
        referrals_table(&m.referrals),
        known_table(&m.known),
        re_detention_table(m),
    ]
}

/// The number of cases in each stage, from notification to closure.
pub(crate) fn funnel_table(m: &Monitor) -> Table {
    Table::counted(
        "trechter",
        "Van melding tot afsluiting",
        "Fase",
        &[
            ("Meldingen (detenties)", m.notifications),
            ("Binnen de doelgroep", m.eligible),
            ("Bereikt", m.contacted),
            ("Aanbod aanvaard", m.accepted),
            ("Triage gedaan", m.triaged),
            ("Plan van aanpak", m.planned),
            ("Vrijgelaten", m.released),
            ("Afgesloten", m.closed),
        ],
    )
}

/// Reach against the policy's goal.
pub(crate) fn reach_table(m: &Monitor) -> Table {
    Table::new("bereik", "Bereik", &["Onderdeel", "Waarde"], None).values(vec![
        (
            "Vrijgelaten inwoners uit de doelgroep",
            Cell::Count(m.released),
        ),
        ("waarvan bereikt", Cell::Count(m.released_contacted)),
        ("Bereik", Cell::Fraction(m.reach)),
        ("Doel", Cell::Fraction(Some(m.reach_goal))),
    ])
}

/// The split over light support, the SKT and Exodus.
pub(crate) fn direction_table(d: &ByDirection) -> Table {
    Table::counted(
        "casusregie",
        "Verdeling licht / SKT / Exodus",
        "Casusregie",
        &[
            ("Lichte ondersteuning (nazorgcoördinator)", d.coordinator),
            ("Sociaal Kernteam", d.skt),
            ("Exodus", d.exodus),
            ("Nog niet bepaald", d.undecided),
        ],
    )
}

/// The needs per life domain found at triage.
pub(crate) fn needs_table(needs: &[DomainNeeds]) -> Table {
    let mut table = Table::new(
        "hulpvraag",
        "Hulpvraag per leefgebied bij de triage",
        &["Leefgebied", "Geen", "Praktisch", "Complex"],
        Some(3),
    );
    for n in needs {
        table.row(vec![
            text(n.domain.label()),
            Cell::Count(n.none),
            Cell::Count(n.practical),
            Cell::Count(n.complex),
        ]);
    }
    table
}

/// The results per life domain at closure.
pub(crate) fn results_table(results: &[DomainResults]) -> Table {
    let mut table = Table::new(
        "resultaten",
        "Resultaat per leefgebied bij afsluiting",
        &[
            "Leefgebied",
            "Geregeld",
            "Deels geregeld",
            "Niet geregeld",
            "Niet van toepassing",
        ],
        Some(1),
    );
    for r in results {
        table.row(vec![
            text(r.domain.label()),
            Cell::Count(r.arranged),
            Cell::Count(r.partly),
            Cell::Count(r.not_arranged),
            Cell::Count(r.not_applicable),
        ]);
    }
    table
}

/// The overall results of the closed cases.
pub(crate) fn overall_table(o: &OverallResults) -> Table {
    Table::counted(
        "eindresultaat",
        "Eindresultaat van afgesloten casussen",
        "Resultaat",
        &[
            ("Geslaagd", o.successful),
            ("Deels geslaagd", o.partly),
            ("Niet geslaagd", o.not_successful),
        ],
    )
}

/// The throughput times in days.
pub(crate) fn throughput_table(t: &Throughput) -> Table {
    let mut table = Table::new(
        "doorlooptijden",
        "Doorlooptijden in dagen",
        &["Van – tot", "Aantal", "Mediaan", "90e percentiel"],
        Some(2),
    );
    table.row(spread_row(
        "Melding tot contact",
        &t.notification_to_contact,
    ));
    table.row(spread_row("Verwijzing tot start", &t.referral_to_start));
    table.row(spread_row(
        "Vrijlating tot afsluiting",
        &t.release_to_closure,
    ));
    table
}

/// The referrals per partner.
pub(crate) fn referrals_table(referrals: &[PartnerReferrals]) -> Table {
    let mut table = Table::new(
        "verwijzingen",
        "Verwijzingen per ketenpartner",
        &[
            "Ketenpartner",
            "Gevraagd",
            "Gestart",
            "Afgerond",
            "Teruggegeven",
            "Mediaan dagen tot start",
        ],
        Some(1),
    );
    for p in referrals {
        table.row(vec![
            text(&p.partner),
            Cell::Count(p.asked),
            Cell::Count(p.started),
            Cell::Count(p.finished),
            Cell::Count(p.returned),
            Cell::Days(p.ask_to_start.median),
        ]);
    }
    table
}

/// The overlap with the SKT and the safety chamber.
pub(crate) fn known_table(k: &Known) -> Table {
    Table::counted(
        "bekend",
        "Al bekend bij het SKT of de Veiligheidskamer",
        "Onderdeel",
        &[
            ("Al bekend bij het SKT", k.skt),
            ("Al bekend bij de Veiligheidskamer", k.safety_chamber),
            ("Bekend bij één van beide", k.either),
            ("Bij geen van beide bekend", k.neither),
            ("Niet vastgelegd", k.unrecorded),
            (
                "Via nazorg op de agenda van de Veiligheidskamer",
                k.on_safety_agenda,
            ),
        ],
    )
}

/// The released residents who were detained again.
pub(crate) fn re_detention_table(m: &Monitor) -> Table {
    Table::new(
        "recidive",
        "Opnieuw gedetineerd",
        &["Onderdeel", "Aantal"],
        None,
    )
    .values(vec![
        (
            "Vrijgelaten inwoners uit de doelgroep",
            Cell::Count(m.released),
        ),
        ("waarvan opnieuw gedetineerd", Cell::Count(m.re_detained)),
    ])
}

/// The outflow series and the forecast as tables.
pub fn outlook_tables(
    series: &[OutflowYear],
    forecast: Option<&Forecast>,
    capacity: Option<&CapacityEstimate>,
) -> Vec<Table> {
    let mut tables = vec![outflow_table(series)];
    tables.extend(forecast.map(forecast_table));
    tables.extend(capacity.map(capacity_table));
    tables
}

/// The outflow from detention per year, with where each figure comes from.
pub(crate) fn outflow_table(series: &[OutflowYear]) -> Table {
    let mut table = Table::new(
        "uitstroom",
        "Uitstroom uit detentie per jaar",
        &["Jaar", "Aantal", "Bron"],
        Some(1),
    );
    for y in series {
        table.row(vec![
            text(&y.year.to_string()),
            Cell::Count(y.count),
            text(y.source.label()),
        ]);
    }
    table
}

/// The expected outflow with its range.
pub(crate) fn forecast_table(f: &Forecast) -> Table {
    Table::new(
        "prognose",
        &format!("Prognose {}", f.year),
        &["Onderdeel", "Waarde"],
        None,
    )
    .values(vec![
        ("Verwachte uitstroom", Cell::Number(f.expected)),
        ("Ondergrens", Cell::Count(f.low)),
        ("Bovengrens", Cell::Count(f.high)),
    ])
}

/// The capacity the forecast asks for, against the budget.
pub(crate) fn capacity_table(c: &CapacityEstimate) -> Table {
    Table::new(
        "capaciteit",
        &format!("Benodigde capaciteit {}", c.year),
        &["Onderdeel", "Waarde"],
        None,
    )
    .values(vec![
        ("Verwachte casussen met nazorg", Cell::Number(c.cases)),
        ("waarvan licht (nazorgcoördinator)", Cell::Number(c.light)),
        ("waarvan SKT-trajecten", Cell::Number(c.skt)),
        ("waarvan Exodus-trajecten", Cell::Number(c.exodus)),
        ("Uren nazorgcoördinator", Cell::Number(c.coordinator_hours)),
        ("Kosten coördinator", Cell::Money(c.staff_cost_cents)),
        ("Budget coördinator", Cell::Money(c.staff_budget_cents)),
        (
            "Kosten SKT- en Exodus-trajecten",
            Cell::Money(c.trajectory_cost_cents),
        ),
        (
            "Budget SKT en Exodus",
            Cell::Money(c.trajectory_budget_cents),
        ),
    ])
}

mod sections;
pub use sections::*;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::compute;
    use crate::outlook::{forecast, outflow_series};
    use time::macros::date;

    #[test]
    fn numbers_are_shown_the_dutch_way() {
        assert_eq!(Cell::Count(1234567).display(), "1.234.567");
        assert_eq!(Cell::Days(Some(7.5)).display(), "7,5");
        assert_eq!(Cell::Days(Some(7.0)).display(), "7");
        assert_eq!(Cell::Fraction(None).display(), "n.v.t.");
        assert_eq!(Cell::Fraction(Some(0.875)).display(), "87,5%");
        assert_eq!(Cell::Money(28_000_00).display(), "€ 28.000,00");
    }

    #[test]
    fn every_question_gets_a_section_even_without_data() {
        let m = compute(
            date!(2026 - 01 - 01),
            date!(2026 - 08 - 31),
            date!(2026 - 11 - 25),
            &[],
            &[],
        );
        let series = outflow_series(crate::municipality::published_outflow("1783"), &[], 2026);
        let f = forecast(&series, 2027);
        let sections = evaluation(&m, &series, f.as_ref(), None);
        assert_eq!(sections.len(), 6);
        assert!(sections.iter().all(|s| !s.answer.is_empty()));
        assert!(sections[5].answer[0].contains("nog niet te bepalen"));
        assert_eq!(key_figures(&m)[10], ("reach", "Bereik (fractie)", None));
    }
}
