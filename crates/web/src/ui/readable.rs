//! The readable form of a right-of-access answer: the same data as the JSON download,
//! laid out as a printable Dutch document (labels instead of field names).

/// The Dutch labels of the fields of the access export; a field not listed shows its
/// name with spaces.
const LABELS: &[(&str, &str)] = &[
    ("summary", "Samenvatting"),
    ("case_id", "Casusnummer"),
    ("resident_id", "Inwonernummer"),
    ("bsn", "BSN"),
    ("family_name", "Achternaam"),
    ("given_names", "Voornamen"),
    ("birth_date", "Geboortedatum"),
    ("institution", "Inrichting"),
    ("detention_start", "Begin detentie"),
    ("expected_release", "Verwachte vrijlating"),
    ("actual_release", "Vrijlating"),
    ("status", "Fase"),
    ("status_label", "Fase"),
    ("eligibility", "Doelgroep"),
    ("eligibility_reasons", "Redenen doelgroepbepaling"),
    ("eligibility_overridden", "Doelgroepbepaling overruled"),
    ("direction", "Casusregie"),
    ("coordinator_id", "Nummer coördinator"),
    ("coordinator", "Coördinator"),
    ("next_action", "Volgende stap"),
    ("action_due", "Uiterlijk"),
    ("municipality_code", "Gemeente (CBS-code)"),
    ("last_residence_code", "Gemeente laatste adres"),
    ("brp_status", "Inschrijving BRP"),
    ("sentence", "Vonnis"),
    ("computed_eligibility", "Doelgroep volgens de regels"),
    ("eligibility_rules", "Regels doelgroep"),
    ("override_reason", "Reden overrulen"),
    ("override_by", "Overruled door"),
    ("direction_reason", "Reden casusregie"),
    ("direction_since", "Casusregie sinds"),
    ("suggested_direction", "Voorstel casusregie"),
    ("offer_outcome", "Uitkomst aanbod"),
    ("offer_date", "Datum aanbod"),
    ("offer_contact_kind", "Soort contact aanbod"),
    ("triage", "Triage"),
    ("triage_note", "Notitie triage"),
    ("known_to_skt", "Al bekend bij het SKT"),
    (
        "known_to_safety_chamber",
        "Al bekend bij de Veiligheidskamer",
    ),
    ("agreements", "Plan van aanpak"),
    ("readiness", "Checklist vrijlating"),
    ("aftercare_end", "Einde nazorgperiode"),
    ("contacts", "Contacten"),
    ("household_members", "Huishouden"),
    ("closing_reason", "Reden afsluiting"),
    ("overall_result", "Eindresultaat"),
    ("closing_note", "Notitie afsluiting"),
    ("closed_on", "Afgesloten op"),
    ("closure_results", "Resultaat per leefgebied"),
    ("notified_on", "Gemeld op"),
    ("notification_sources", "Bronnen van de melding"),
    ("referrals", "Verwijzingen"),
    ("safety_agenda", "Veiligheidskamer"),
    ("history", "Geschiedenis"),
    ("processings", "Verwerkingen"),
    ("cases", "Casussen"),
    ("exported_at", "Samengesteld op"),
    ("at", "Wanneer"),
    ("by", "Door"),
    ("actor", "Door"),
    ("created_by", "Door"),
    ("author", "Door"),
    ("action", "Handeling"),
    ("action_label", "Handeling"),
    ("purpose", "Doel en grondslag"),
    ("detail", "Toelichting"),
    ("summary_text", "Toelichting"),
    ("date", "Datum"),
    ("kind", "Soort"),
    ("note", "Notitie"),
    ("domain", "Leefgebied"),
    ("domains", "Leefgebieden"),
    ("need", "Behoefte"),
    ("self_reliance", "Zelfredzaamheid"),
    ("description", "Omschrijving"),
    ("owner", "Wie"),
    ("due_date", "Uiterlijk"),
    ("done", "Gedaan"),
    ("done_on", "Gedaan op"),
    ("relation", "Relatie"),
    ("is_minor", "Minderjarig"),
    ("support_need", "Ondersteuningsbehoefte"),
    ("partner", "Ketenpartner"),
    ("reason", "Reden"),
    ("result", "Resultaat"),
    ("outcome", "Uitkomst"),
    ("put_on", "Geagendeerd op"),
    ("discussed_on", "Besproken op"),
    ("follow_up", "Vervolg"),
    ("housing", "Huisvesting"),
    ("brp_registration", "Inschrijving BRP"),
    ("id_document", "Identiteitsbewijs"),
    ("income", "Inkomen"),
    ("rule", "Regel"),
    ("state", "Uitkomst"),
    ("explanation", "Uitleg"),
];

/// The Dutch label of a field of the access export.
fn label(key: &str) -> String {
    LABELS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, label)| label.to_string())
        .unwrap_or_else(|| key.replace('_', " "))
}

/// The Dutch label of a coded value, by the field it stands in.
fn value_label(key: &str, value: &str) -> Option<&'static str> {
    use nazorg_domain::case::*;
    use nazorg_domain::notification::{BrpStatus, Sentence, Source};
    use nazorg_domain::referral::{PartnerKind, ReferralStatus};
    use nazorg_domain::triage::{Direction, LifeDomain, Need, SelfReliance};
    use nazorg_domain::{Coded, Eligibility, Status};
    fn of<T: Coded>(parse: fn(&str) -> Option<T>, value: &str) -> Option<&'static str> {
        parse(value).map(Coded::label)
    }
    match key {
        "domain" | "domains" => of(LifeDomain::parse, value),
        "need" | "support_need" => of(Need::parse, value),
        "self_reliance" => of(SelfReliance::parse, value),
        "direction" => of(Direction::parse, value),
        "status" => of(Status::parse, value).or_else(|| of(ReferralStatus::parse, value)),
        "eligibility" | "computed_eligibility" => of(Eligibility::parse, value),
        "offer_outcome" => of(OfferOutcome::parse, value),
        "kind" | "offer_contact_kind" => of(ContactKind::parse, value),
        "closing_reason" => of(ClosingReason::parse, value),
        "overall_result" => of(OverallResult::parse, value),
        "result" => of(DomainResult::parse, value),
        "brp_status" => of(BrpStatus::parse, value),
        "sentence" => of(Sentence::parse, value),
        "notification_sources" => of(Source::parse, value),
        "partner_kind" => of(PartnerKind::parse, value),
        "relation" => of(Relation::parse, value),
        "action" => of(nazorg_domain::access::Action::parse, value),
        _ => None,
    }
}

/// 2026-11-25 → 25-11-2026; an RFC 3339 moment → its Dutch date and time.
fn dutch_date(value: &str) -> Option<String> {
    if value.len() == 10 {
        let date = nazorg_domain::parse_date(value).ok()?;
        return Some(nazorg_domain::format_nl(date));
    }
    let moment =
        time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339).ok()?;
    Some(nazorg_domain::dates::format_nl_moment(moment))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A JSON value as nested definition lists and lists; empty values are left out.
pub fn render(value: &serde_json::Value) -> String {
    render_field("", value)
}

fn render_field(key: &str, value: &serde_json::Value) -> String {
    use serde_json::Value;
    if let Value::String(s) = value {
        if let Some(label) = value_label(key, s) {
            return escape(label);
        }
        if let Some(date) = dutch_date(s) {
            return date;
        }
    }
    let render = |v: &Value| render_field(key, v);
    match value {
        Value::Null => "—".into(),
        Value::Bool(b) => if *b { "ja" } else { "nee" }.into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.is_empty() => "—".into(),
        Value::String(s) => escape(s),
        Value::Array(items) if items.is_empty() => "geen".into(),
        Value::Array(items) if items.iter().all(|i| !i.is_object()) => {
            items.iter().map(render).collect::<Vec<_>>().join(", ")
        }
        Value::Array(items) => format!(
            "<ol class=\"readable-list\">{}</ol>",
            items
                .iter()
                .map(|i| format!("<li>{}</li>", render(i)))
                .collect::<String>()
        ),
        Value::Object(map) => {
            let mut out = String::from("<dl class=\"readable\">");
            for (key, v) in map {
                // A label beside its code says the same again: the code is shown translated.
                let repeats = key
                    .strip_suffix("_label")
                    .is_some_and(|base| map.contains_key(base));
                if repeats || v.is_null() || v.as_str() == Some("") {
                    continue;
                }
                out.push_str(&format!(
                    "<dt>{}</dt><dd>{}</dd>",
                    escape(&label(key)),
                    render_field(key, v)
                ));
            }
            out.push_str("</dl>");
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_labelled_in_dutch() {
        let html = render(
            &serde_json::json!({"family_name": "<b>Öztürk</b>", "done": true, "contacts": []}),
        );
        assert!(html.contains("<dt>Achternaam</dt><dd>&lt;b&gt;Öztürk&lt;/b&gt;</dd>"));
        assert!(html.contains("<dt>Gedaan</dt><dd>ja</dd>"));
        assert!(html.contains("<dt>Contacten</dt><dd>geen</dd>"));
        let html = render(
            &serde_json::json!({"domain": "housing", "date": "2026-02-11", "note": "2026-02-11x"}),
        );
        assert!(html.contains("<dd>Huisvesting</dd>") && html.contains("<dd>11-02-2026</dd>"));
        assert!(html.contains("<dd>2026-02-11x</dd>"));
    }
}
