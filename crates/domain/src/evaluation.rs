//! The evaluation of the policy (section 4.4 of the policy note): one section per
//! question, answered with the figures of the period and a short generated Dutch text;
//! and the tables that the dashboard, the report and the spreadsheets share, so that
//! every place shows the same numbers.

use serde::Serialize;

use crate::monitor::{Monitor, Spread};
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
}

fn text(s: &str) -> Cell {
    Cell::Text(s.into())
}

fn spread_row(label: &str, s: &Spread) -> Vec<Cell> {
    vec![
        text(label),
        Cell::Count(s.count),
        Cell::Days(s.median),
        Cell::Days(s.p90),
    ]
}

/// The key figures with their machine names, as in the CLI's JSON (dots for nesting).
pub fn key_figures(m: &Monitor) -> Vec<(&'static str, &'static str, Option<f64>)> {
    let c = |n: u64| Some(n as f64);
    let t = &m.throughput_days;
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
        (
            "by_direction.coordinator",
            "Casusregie nazorgcoördinator (licht)",
            c(m.by_direction.coordinator),
        ),
        ("by_direction.skt", "Casusregie SKT", c(m.by_direction.skt)),
        (
            "by_direction.exodus",
            "Casusregie Exodus",
            c(m.by_direction.exodus),
        ),
        (
            "by_direction.undecided",
            "Casusregie nog niet bepaald",
            c(m.by_direction.undecided),
        ),
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
        ("known.skt", "Al bekend bij het SKT", c(m.known.skt)),
        (
            "known.safety_chamber",
            "Al bekend bij de Veiligheidskamer",
            c(m.known.safety_chamber),
        ),
        (
            "known.either",
            "Al bekend bij één van beide",
            c(m.known.either),
        ),
        (
            "known.neither",
            "Bij geen van beide bekend",
            c(m.known.neither),
        ),
        ("re_detained", "Opnieuw gedetineerd", c(m.re_detained)),
    ]
}

/// The tables of the monitoring dashboard.
pub fn monitor_tables(m: &Monitor) -> Vec<Table> {
    let mut funnel = Table::new(
        "trechter",
        "Van melding tot afsluiting",
        &["Fase", "Aantal"],
        Some(1),
    );
    for (label, n) in [
        ("Meldingen (detenties)", m.notifications),
        ("Binnen de doelgroep", m.eligible),
        ("Bereikt", m.contacted),
        ("Aanbod aanvaard", m.accepted),
        ("Triage gedaan", m.triaged),
        ("Plan van aanpak", m.planned),
        ("Vrijgelaten", m.released),
        ("Afgesloten", m.closed),
    ] {
        funnel.row(vec![text(label), Cell::Count(n)]);
    }

    let mut reach = Table::new("bereik", "Bereik", &["Onderdeel", "Waarde"], None);
    reach.row(vec![
        text("Vrijgelaten inwoners uit de doelgroep"),
        Cell::Count(m.released),
    ]);
    reach.row(vec![
        text("waarvan bereikt"),
        Cell::Count(m.released_contacted),
    ]);
    reach.row(vec![text("Bereik"), Cell::Fraction(m.reach)]);
    reach.row(vec![text("Doel"), Cell::Fraction(Some(m.reach_goal))]);

    let mut direction = Table::new(
        "casusregie",
        "Verdeling licht / SKT / Exodus",
        &["Casusregie", "Aantal"],
        Some(1),
    );
    for (label, n) in [
        (
            "Lichte ondersteuning (nazorgcoördinator)",
            m.by_direction.coordinator,
        ),
        ("Sociaal Kernteam", m.by_direction.skt),
        ("Exodus", m.by_direction.exodus),
        ("Nog niet bepaald", m.by_direction.undecided),
    ] {
        direction.row(vec![text(label), Cell::Count(n)]);
    }

    let mut needs = Table::new(
        "hulpvraag",
        "Hulpvraag per leefgebied bij de triage",
        &["Leefgebied", "Geen", "Praktisch", "Complex"],
        Some(3),
    );
    for n in &m.needs {
        needs.row(vec![
            text(n.domain.label()),
            Cell::Count(n.none),
            Cell::Count(n.practical),
            Cell::Count(n.complex),
        ]);
    }

    let mut results = Table::new(
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
    for r in &m.results {
        results.row(vec![
            text(r.domain.label()),
            Cell::Count(r.arranged),
            Cell::Count(r.partly),
            Cell::Count(r.not_arranged),
            Cell::Count(r.not_applicable),
        ]);
    }
    let mut overall = Table::new(
        "eindresultaat",
        "Eindresultaat van afgesloten casussen",
        &["Resultaat", "Aantal"],
        Some(1),
    );
    overall.row(vec![
        text("Geslaagd"),
        Cell::Count(m.overall_results.successful),
    ]);
    overall.row(vec![
        text("Deels geslaagd"),
        Cell::Count(m.overall_results.partly),
    ]);
    overall.row(vec![
        text("Niet geslaagd"),
        Cell::Count(m.overall_results.not_successful),
    ]);

    let mut throughput = Table::new(
        "doorlooptijden",
        "Doorlooptijden in dagen",
        &["Van – tot", "Aantal", "Mediaan", "90e percentiel"],
        Some(2),
    );
    let t = &m.throughput_days;
    throughput.row(spread_row(
        "Melding tot contact",
        &t.notification_to_contact,
    ));
    throughput.row(spread_row("Verwijzing tot start", &t.referral_to_start));
    throughput.row(spread_row(
        "Vrijlating tot afsluiting",
        &t.release_to_closure,
    ));

    let mut referrals = Table::new(
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
    for p in &m.referrals {
        referrals.row(vec![
            text(&p.partner),
            Cell::Count(p.asked),
            Cell::Count(p.started),
            Cell::Count(p.finished),
            Cell::Count(p.returned),
            Cell::Days(p.ask_to_start.median),
        ]);
    }

    let mut known = Table::new(
        "bekend",
        "Al bekend bij het SKT of de Veiligheidskamer",
        &["Onderdeel", "Aantal"],
        Some(1),
    );
    for (label, n) in [
        ("Al bekend bij het SKT", m.known.skt),
        ("Al bekend bij de Veiligheidskamer", m.known.safety_chamber),
        ("Bekend bij één van beide", m.known.either),
        ("Bij geen van beide bekend", m.known.neither),
        ("Niet vastgelegd", m.known.unrecorded),
        (
            "Via nazorg op de agenda van de Veiligheidskamer",
            m.known.on_safety_agenda,
        ),
    ] {
        known.row(vec![text(label), Cell::Count(n)]);
    }

    let mut again = Table::new(
        "recidive",
        "Opnieuw gedetineerd",
        &["Onderdeel", "Aantal"],
        None,
    );
    again.row(vec![
        text("Vrijgelaten inwoners uit de doelgroep"),
        Cell::Count(m.released),
    ]);
    again.row(vec![
        text("waarvan opnieuw gedetineerd"),
        Cell::Count(m.re_detained),
    ]);

    vec![
        funnel, reach, direction, needs, results, overall, throughput, referrals, known, again,
    ]
}

/// The outflow series and the forecast as tables.
pub fn outlook_tables(
    series: &[OutflowYear],
    forecast: Option<&Forecast>,
    capacity: Option<&CapacityEstimate>,
) -> Vec<Table> {
    let mut outflow = Table::new(
        "uitstroom",
        "Uitstroom uit detentie per jaar",
        &["Jaar", "Aantal", "Bron"],
        Some(1),
    );
    for y in series {
        outflow.row(vec![
            text(&y.year.to_string()),
            Cell::Count(y.count),
            text(y.source.label()),
        ]);
    }
    let mut tables = vec![outflow];
    if let Some(f) = forecast {
        let mut t = Table::new(
            "prognose",
            &format!("Prognose {}", f.year),
            &["Onderdeel", "Waarde"],
            None,
        );
        t.row(vec![text("Verwachte uitstroom"), Cell::Number(f.expected)]);
        t.row(vec![text("Ondergrens"), Cell::Count(f.low)]);
        t.row(vec![text("Bovengrens"), Cell::Count(f.high)]);
        tables.push(t);
    }
    if let Some(c) = capacity {
        let mut t = Table::new(
            "capaciteit",
            &format!("Benodigde capaciteit {}", c.year),
            &["Onderdeel", "Waarde"],
            None,
        );
        t.row(vec![
            text("Verwachte casussen met nazorg"),
            Cell::Number(c.cases),
        ]);
        t.row(vec![
            text("waarvan licht (nazorgcoördinator)"),
            Cell::Number(c.light),
        ]);
        t.row(vec![text("waarvan SKT-trajecten"), Cell::Number(c.skt)]);
        t.row(vec![
            text("waarvan Exodus-trajecten"),
            Cell::Number(c.exodus),
        ]);
        t.row(vec![
            text("Uren nazorgcoördinator"),
            Cell::Number(c.coordinator_hours),
        ]);
        t.row(vec![
            text("Kosten coördinator"),
            Cell::Money(c.staff_cost_cents),
        ]);
        t.row(vec![
            text("Budget coördinator"),
            Cell::Money(c.staff_budget_cents),
        ]);
        t.row(vec![
            text("Kosten SKT- en Exodus-trajecten"),
            Cell::Money(c.trajectory_cost_cents),
        ]);
        t.row(vec![
            text("Budget SKT en Exodus"),
            Cell::Money(c.trajectory_budget_cents),
        ]);
        tables.push(t);
    }
    tables
}

/// One question of the evaluation with its answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub number: usize,
    pub title: &'static str,
    pub question: &'static str,
    pub answer: Vec<String>,
    pub tables: Vec<Table>,
}

/// The questions of section 4.4 of the policy note.
pub const QUESTIONS: [(&str, &str); 6] = [
    (
        "Samenwerking",
        "Hoe verloopt de samenwerking tussen de nazorgcoördinator, het Sociaal Kernteam, de Veiligheidskamer en Exodus? Kan men snel schakelen, weet men elkaar snel te vinden?",
    ),
    (
        "Taken en verantwoordelijkheden",
        "Is de verdeling van taken en verantwoordelijkheden duidelijk, effectief en efficiënt?",
    ),
    (
        "Hulpvraag en problematiek",
        "Bij hoeveel ex-gedetineerden is de lichtere praktische ondersteuning van de nazorgcoördinator afdoende, is er sprake van complexe problematiek waarvoor ondersteuning vanuit het Sociaal Kernteam nodig is of specialistische nazorg van Exodus?",
    ),
    (
        "In beeld of overlap",
        "Gaat het om inwoners die niet in beeld waren bij de gemeente of is er een grote overlap met de bestaande casussen bij het Sociaal Kernteam en de Veiligheidskamer?",
    ),
    (
        "Omvang en capaciteit",
        "Wat is de omvang van de groep ex-gedetineerden en hoeveel capaciteit is hiervoor nodig voor de coördinator nazorg ex-gedetineerden, het Sociaal Kernteam en Exodus?",
    ),
    (
        "Effect",
        "Wat kunnen we na 8 maanden zeggen over het effect van de nazorg?",
    ),
];

fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        "n.v.t.".into()
    } else {
        percent(part as f64 / whole as f64)
    }
}

fn days(d: Option<f64>) -> String {
    d.map_or("n.v.t.".into(), |d| decimal(d, 1))
}

fn pick(tables: &[Table], ids: &[&str]) -> Vec<Table> {
    tables
        .iter()
        .filter(|t| ids.contains(&t.id))
        .cloned()
        .collect()
}

/// The evaluation: one section per question, in the order of the policy.
pub fn evaluation(
    m: &Monitor,
    series: &[OutflowYear],
    forecast: Option<&Forecast>,
    capacity: Option<&CapacityEstimate>,
) -> Vec<Section> {
    let tables = monitor_tables(m);
    let t = &m.throughput_days;
    let asked: u64 = m.referrals.iter().map(|p| p.asked).sum();
    let returned: u64 = m.referrals.iter().map(|p| p.returned).sum();
    let d = &m.by_direction;
    let decided = d.coordinator + d.skt + d.exodus;

    let mut answers: Vec<Vec<String>> = Vec::new();

    // 1. Cooperation.
    let mut a = Vec::new();
    if t.notification_to_contact.count == 0 {
        a.push("In deze periode is nog geen contact met een inwoner uit de doelgroep vastgelegd, dus over de tijd van melding tot contact valt nog niets te zeggen.".to_string());
    } else {
        a.push(format!(
            "Van melding tot het eerste contact duurde het bij de helft van de {} bereikte inwoners hoogstens {} dagen; bij 90% hoogstens {} dagen.",
            t.notification_to_contact.count,
            days(t.notification_to_contact.median),
            days(t.notification_to_contact.p90),
        ));
    }
    if asked == 0 {
        a.push("Er is in deze periode nog niet verwezen naar ketenpartners.".to_string());
    } else {
        a.push(format!(
            "Er is {asked} keer verwezen naar een ketenpartner; {} verwijzingen zijn gestart, met een mediaan van {} dagen tussen verwijzing en start. {returned} verwijzingen zijn teruggegeven.",
            t.referral_to_start.count,
            days(t.referral_to_start.median),
        ));
    }
    a.push(format!(
        "{} casussen kwamen via nazorg op de agenda van de Veiligheidskamer.",
        m.known.on_safety_agenda
    ));
    answers.push(a);

    // 2. Division of tasks.
    let mut a = vec![format!(
        "Van de {} inwoners die het aanbod aanvaardden, is bij {} de casusregie belegd; bij {} nog niet.",
        m.accepted, decided, d.undecided
    )];
    if asked > 0 {
        a.push(format!(
            "{} van de {asked} verwijzingen ({}) kwamen terug zonder dat de ondersteuning is uitgevoerd; een hoog aandeel wijst op onduidelijkheid over wie wat doet.",
            returned,
            share(returned, asked)
        ));
    }
    a.push("Of de verdeling ook zo wordt ervaren, vraagt om gesprekken met de betrokken medewerkers; de cijfers geven de feiten daarbij.".to_string());
    answers.push(a);

    // 3. Needs: light, SKT, Exodus.
    let mut a = Vec::new();
    if decided == 0 {
        a.push(
            "Er is in deze periode nog bij geen enkele casus de casusregie bepaald.".to_string(),
        );
    } else {
        a.push(format!(
            "Van de {decided} casussen met casusregie was bij {} ({}) lichte, praktische ondersteuning door de nazorgcoördinator afdoende; {} ({}) hadden complexe problemen waarvoor het Sociaal Kernteam de regie nam en {} ({}) kregen specialistische nazorg van Exodus.",
            d.coordinator,
            share(d.coordinator, decided),
            d.skt,
            share(d.skt, decided),
            d.exodus,
            share(d.exodus, decided),
        ));
    }
    let most_complex = m
        .needs
        .iter()
        .filter(|n| n.complex > 0)
        .max_by_key(|n| n.complex);
    if let Some(n) = most_complex {
        a.push(format!(
            "Complexe hulpvragen kwamen het vaakst voor op het leefgebied {} ({} keer).",
            n.domain.label().to_lowercase(),
            n.complex
        ));
    }
    answers.push(a);

    // 4. Known before.
    let k = &m.known;
    let recorded = k.either + k.neither;
    let mut a = Vec::new();
    if recorded == 0 {
        a.push("Bij geen enkele casus is vastgelegd of de inwoner al bekend was bij het SKT of de Veiligheidskamer.".to_string());
    } else {
        a.push(format!(
            "Van de {recorded} inwoners bij wie dit is vastgelegd, waren er {} ({}) al bekend bij het SKT of de Veiligheidskamer (SKT: {}, Veiligheidskamer: {}); {} ({}) waren nog niet in beeld.",
            k.either,
            share(k.either, recorded),
            k.skt,
            k.safety_chamber,
            k.neither,
            share(k.neither, recorded),
        ));
    }
    if k.unrecorded > 0 {
        a.push(format!(
            "Bij {} inwoners is dit niet vastgelegd.",
            k.unrecorded
        ));
    }
    answers.push(a);

    // 5. Size and capacity.
    let mut a = vec![format!(
        "In de periode zijn {} detenties van {} inwoners gemeld; {} vielen binnen de doelgroep.",
        m.notifications, m.residents, m.eligible
    )];
    if let Some(f) = forecast {
        a.push(format!(
            "De verwachte uitstroom in {} is {} inwoners (bandbreedte {} tot {}).",
            f.year,
            decimal(f.expected, 0),
            f.low,
            f.high
        ));
    }
    if let Some(c) = capacity {
        a.push(format!(
            "Dat vraagt naar verwachting {} uur van de nazorgcoördinator ({} tegen een budget van {}), {} SKT-trajecten en {} Exodus-trajecten ({} tegen een budget van {}).",
            decimal(c.coordinator_hours, 0),
            format_eur(c.staff_cost_cents),
            format_eur(c.staff_budget_cents),
            decimal(c.skt, 1),
            decimal(c.exodus, 1),
            format_eur(c.trajectory_cost_cents),
            format_eur(c.trajectory_budget_cents),
        ));
    }
    answers.push(a);

    // 6. Effect.
    let mut a = Vec::new();
    match m.reach {
        None => a.push(format!(
            "Er is in de periode nog geen inwoner uit de doelgroep vrijgelaten, dus het bereik is nog niet te bepalen (doel: {}).",
            percent(m.reach_goal)
        )),
        Some(r) => a.push(format!(
            "Het bereik is {}: van de {} vrijgelaten inwoners uit de doelgroep zijn er {} bereikt. Het doel is {}; {}.",
            percent(r),
            m.released,
            m.released_contacted,
            percent(m.reach_goal),
            if r >= m.reach_goal {
                "dat is gehaald"
            } else {
                "dat is nog niet gehaald"
            }
        )),
    }
    let closed_with_result =
        m.overall_results.successful + m.overall_results.partly + m.overall_results.not_successful;
    if closed_with_result > 0 {
        a.push(format!(
            "Van de {closed_with_result} afgesloten casussen met een eindresultaat is {} geslaagd en {} deels geslaagd.",
            share(m.overall_results.successful, closed_with_result),
            share(m.overall_results.partly, closed_with_result),
        ));
        let best = m
            .results
            .iter()
            .max_by_key(|r| r.arranged)
            .filter(|r| r.arranged > 0);
        if let Some(r) = best {
            a.push(format!(
                "Het vaakst geregeld bij afsluiting: {} ({} keer).",
                r.domain.label().to_lowercase(),
                r.arranged
            ));
        }
    } else {
        a.push("Er zijn nog geen casussen met een eindresultaat afgesloten.".to_string());
    }
    a.push(format!(
        "{} van de {} vrijgelaten inwoners zijn opnieuw gedetineerd.",
        m.re_detained, m.released
    ));
    answers.push(a);

    let outlook = outlook_tables(series, forecast, capacity);
    let section_tables: [Vec<Table>; 6] = [
        pick(&tables, &["doorlooptijden", "verwijzingen"]),
        // Each table once in the report: the split is in section 3, referrals in 1.
        Vec::new(),
        pick(&tables, &["casusregie", "hulpvraag"]),
        pick(&tables, &["bekend"]),
        [pick(&tables, &["trechter"]), outlook].concat(),
        pick(
            &tables,
            &["bereik", "resultaten", "eindresultaat", "recidive"],
        ),
    ];
    QUESTIONS
        .iter()
        .zip(answers)
        .zip(section_tables)
        .enumerate()
        .map(|(i, (((title, question), answer), tables))| Section {
            number: i + 1,
            title,
            question,
            answer,
            tables,
        })
        .collect()
}

/// What the figures mean, printed with every report.
pub const DEFINITIONS: &[(&str, &str)] = &[
    (
        "Periode",
        "de casussen waarvan de detentie in de periode begon; een melding telt op de dag dat de detentie begon.",
    ),
    (
        "Meldingen",
        "gemelde detenties (casussen); dubbele meldingen van dezelfde detentie tellen één keer.",
    ),
    (
        "Bereikt",
        "de inwoner is gesproken en het aanbod is aanvaard of afgewezen. Alle fasen na ‘binnen de doelgroep’ tellen alleen casussen binnen de doelgroep.",
    ),
    (
        "Vrijgelaten",
        "de vrijlating is vastgelegd, of de verwachte datum van vrijlating is op de peildatum voorbij.",
    ),
    (
        "Bereik",
        "vrijgelaten inwoners uit de doelgroep die bereikt zijn, gedeeld door alle vrijgelaten inwoners uit de doelgroep; n.v.t. als nog niemand is vrijgelaten. Het doel is 95%.",
    ),
    (
        "Doorlooptijden",
        "in kalenderdagen: melding tot contact (begin detentie tot het gesprek met het aanbod), verwijzing tot start, vrijlating tot afsluiting; mediaan (bij een even aantal het gemiddelde van de middelste twee) en 90e percentiel (de waarde op rangnummer 0,9 × n, naar boven afgerond).",
    ),
    (
        "Opnieuw gedetineerd",
        "vrijgelaten inwoners met een latere geregistreerde detentie, of van wie de casus is afgesloten met de reden ‘opnieuw gedetineerd’.",
    ),
];

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
        let series = outflow_series(&[], 2026);
        let f = forecast(&series, 2027);
        let sections = evaluation(&m, &series, f.as_ref(), None);
        assert_eq!(sections.len(), 6);
        assert!(sections.iter().all(|s| !s.answer.is_empty()));
        assert!(sections[5].answer[0].contains("nog niet te bepalen"));
        assert_eq!(key_figures(&m)[10], ("reach", "Bereik (fractie)", None));
    }
}
