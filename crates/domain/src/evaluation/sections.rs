//! The evaluation report's sections: one per question of the policy (§4.4), each with its
//! generated Dutch text and tables, and the definitions.

use super::*;

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
    let answers = [
        cooperation_answer(m),
        tasks_answer(m),
        needs_answer(m),
        known_answer(&m.known),
        size_answer(m, forecast, capacity),
        effect_answer(m),
    ];
    let section_tables = section_tables(m, series, forecast, capacity);
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

/// How often was referred to a partner, and how often the referral came back.
fn referral_totals(m: &Monitor) -> (u64, u64) {
    let asked: u64 = m.referrals.iter().map(|p| p.asked).sum();
    let returned: u64 = m.referrals.iter().map(|p| p.returned).sum();
    (asked, returned)
}

/// The cases whose direction is decided.
fn decided(d: &ByDirection) -> u64 {
    d.coordinator + d.skt + d.exodus
}

/// 1. Cooperation: how fast contact was made and referrals started.
fn cooperation_answer(m: &Monitor) -> Vec<String> {
    let t = &m.throughput_days;
    let (asked, returned) = referral_totals(m);
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
    a
}

/// 2. Division of tasks: directions decided and referrals returned.
fn tasks_answer(m: &Monitor) -> Vec<String> {
    let d = &m.by_direction;
    let (asked, returned) = referral_totals(m);
    let mut a = vec![format!(
        "Van de {} inwoners die het aanbod aanvaardden, is bij {} de casusregie belegd; bij {} nog niet.",
        m.accepted,
        decided(d),
        d.undecided
    )];
    if asked > 0 {
        a.push(format!(
            "{} van de {asked} verwijzingen ({}) kwamen terug zonder dat de ondersteuning is uitgevoerd; een hoog aandeel wijst op onduidelijkheid over wie wat doet.",
            returned,
            share(returned, asked)
        ));
    }
    a.push("Of de verdeling ook zo wordt ervaren, vraagt om gesprekken met de betrokken medewerkers; de cijfers geven de feiten daarbij.".to_string());
    a
}

/// 3. Needs: light support, the SKT or Exodus, and where complex needs lie.
fn needs_answer(m: &Monitor) -> Vec<String> {
    let d = &m.by_direction;
    let decided = decided(d);
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
    a
}

/// 4. Known before: the overlap with the SKT and the safety chamber.
fn known_answer(k: &Known) -> Vec<String> {
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
    a
}

/// 5. Size and capacity: the period's numbers, the forecast and what it asks for.
fn size_answer(
    m: &Monitor,
    forecast: Option<&Forecast>,
    capacity: Option<&CapacityEstimate>,
) -> Vec<String> {
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
    a
}

/// 6. Effect: reach against the goal, results at closure and re-detention.
fn effect_answer(m: &Monitor) -> Vec<String> {
    let mut a = vec![reach_sentence(m)];
    let o = &m.overall_results;
    let closed_with_result = o.successful + o.partly + o.not_successful;
    if closed_with_result > 0 {
        a.push(format!(
            "Van de {closed_with_result} afgesloten casussen met een eindresultaat is {} geslaagd en {} deels geslaagd.",
            share(o.successful, closed_with_result),
            share(o.partly, closed_with_result),
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
    a
}

/// Reach against the policy's goal, or why it cannot be told yet.
fn reach_sentence(m: &Monitor) -> String {
    match m.reach {
        None => format!(
            "Er is in de periode nog geen inwoner uit de doelgroep vrijgelaten, dus het bereik is nog niet te bepalen (doel: {}).",
            percent(m.reach_goal)
        ),
        Some(r) => format!(
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
        ),
    }
}

/// The tables shown with each section, each table once in the report.
fn section_tables(
    m: &Monitor,
    series: &[OutflowYear],
    forecast: Option<&Forecast>,
    capacity: Option<&CapacityEstimate>,
) -> [Vec<Table>; 6] {
    let tables = monitor_tables(m);
    let outlook = outlook_tables(series, forecast, capacity);
    [
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
    ]
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
