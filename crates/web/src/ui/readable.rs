//! The readable form of a right-of-access answer: the same data as the JSON download,
//! laid out as a printable Dutch document (labels instead of field names).

/// The Dutch label of a field of the access export.
fn label(key: &str) -> String {
    let known = match key {
        "summary" => "Samenvatting",
        "case_id" => "Casusnummer",
        "resident_id" => "Inwonernummer",
        "bsn" => "BSN",
        "family_name" => "Achternaam",
        "given_names" => "Voornamen",
        "birth_date" => "Geboortedatum",
        "institution" => "Inrichting",
        "detention_start" => "Begin detentie",
        "expected_release" => "Verwachte vrijlating",
        "actual_release" => "Vrijlating",
        "status" => "Fase (code)",
        "status_label" => "Fase",
        "eligibility" => "Doelgroep",
        "eligibility_reasons" => "Redenen doelgroepbepaling",
        "eligibility_overridden" => "Doelgroepbepaling overruled",
        "direction" => "Casusregie",
        "coordinator_id" => "Nummer coördinator",
        "coordinator" => "Coördinator",
        "next_action" => "Volgende stap",
        "action_due" => "Uiterlijk",
        "municipality_code" => "Gemeente (CBS-code)",
        "last_residence_code" => "Gemeente laatste adres",
        "brp_status" => "Inschrijving BRP",
        "sentence" => "Vonnis",
        "computed_eligibility" => "Doelgroep volgens de regels",
        "eligibility_rules" => "Regels doelgroep",
        "override_reason" => "Reden overrulen",
        "override_by" => "Overruled door",
        "direction_reason" => "Reden casusregie",
        "direction_since" => "Casusregie sinds",
        "suggested_direction" => "Voorstel casusregie",
        "offer_outcome" => "Uitkomst aanbod",
        "offer_date" => "Datum aanbod",
        "offer_contact_kind" => "Soort contact aanbod",
        "triage" => "Triage",
        "triage_note" => "Notitie triage",
        "known_to_skt" => "Al bekend bij het SKT",
        "known_to_safety_chamber" => "Al bekend bij de Veiligheidskamer",
        "agreements" => "Plan van aanpak",
        "readiness" => "Checklist vrijlating",
        "aftercare_end" => "Einde nazorgperiode",
        "contacts" => "Contacten",
        "household_members" => "Huishouden",
        "closing_reason" => "Reden afsluiting",
        "overall_result" => "Eindresultaat",
        "closing_note" => "Notitie afsluiting",
        "closed_on" => "Afgesloten op",
        "closure_results" => "Resultaat per leefgebied",
        "notified_on" => "Gemeld op",
        "notification_sources" => "Bronnen van de melding",
        "referrals" => "Verwijzingen",
        "safety_agenda" => "Veiligheidskamer",
        "history" => "Geschiedenis",
        "processings" => "Verwerkingen",
        "cases" => "Casussen",
        "exported_at" => "Samengesteld op",
        "at" => "Wanneer",
        "by" | "actor" | "created_by" | "author" => "Door",
        "action" => "Handeling (code)",
        "action_label" => "Handeling",
        "purpose" => "Doel en grondslag",
        "detail" | "summary_text" => "Toelichting",
        "date" => "Datum",
        "kind" => "Soort",
        "note" => "Notitie",
        "domain" => "Leefgebied",
        "domains" => "Leefgebieden",
        "need" => "Behoefte",
        "self_reliance" => "Zelfredzaamheid",
        "description" => "Omschrijving",
        "owner" => "Wie",
        "due_date" => "Uiterlijk",
        "done" => "Gedaan",
        "done_on" => "Gedaan op",
        "relation" => "Relatie",
        "is_minor" => "Minderjarig",
        "support_need" => "Ondersteuningsbehoefte",
        "partner" => "Ketenpartner",
        "reason" => "Reden",
        "result" => "Resultaat",
        "outcome" => "Uitkomst",
        "put_on" => "Geagendeerd op",
        "discussed_on" => "Besproken op",
        "follow_up" => "Vervolg",
        "housing" => "Huisvesting",
        "brp_registration" => "Inschrijving BRP",
        "id_document" => "Identiteitsbewijs",
        "income" => "Inkomen",
        "rule" => "Regel",
        "state" => "Uitkomst",
        "explanation" => "Uitleg",
        _ => "",
    };
    if known.is_empty() {
        key.replace('_', " ")
    } else {
        known.to_string()
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A JSON value as nested definition lists and lists; empty values are left out.
pub fn render(value: &serde_json::Value) -> String {
    use serde_json::Value;
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
                if v.is_null() || v.as_str() == Some("") {
                    continue;
                }
                out.push_str(&format!(
                    "<dt>{}</dt><dd>{}</dd>",
                    escape(&label(key)),
                    render(v)
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
    }
}
