//! Triage: the need and self-reliance in each of the five life domains.

use crate::{App, Result, case_step, error::invalid, validate};
use nazorg_domain::access::Actor;
use nazorg_domain::lifecycle::Step;
use nazorg_domain::triage::LifeDomain;
use nazorg_store::TriageInput;

fn yes_no_unknown(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "ja",
        Some(false) => "nee",
        None => "onbekend",
    }
}

impl App {
    /// Records the triage of all five life domains, and whether the resident was already
    /// known to the SKT and the safety chamber.
    pub async fn record_triage(&self, actor: &Actor, case_id: i64, input: &TriageInput) -> Result<()> {
        self.gated(actor, "record_triage", async {
            for domain in LifeDomain::ALL {
                if input.domains.iter().filter(|t| t.domain == *domain).count() != 1 {
                    return Err(invalid(format!(
                        "Vul de triage in voor elk leefgebied, ook voor ‘{}’.",
                        domain.label()
                    )));
                }
            }
            let note = validate::text("de notitie", &input.note, 2000, false)?;
            let mut tx = self.db.begin().await?;
            let step = case_step::begin(&mut tx, actor, case_id, Step::Triage).await?;
            tx.set_triage(
                case_id,
                &input.domains,
                &note,
                input.known_to_skt,
                input.known_to_safety_chamber,
            )
            .await?;
            let needs: Vec<String> = input
                .domains
                .iter()
                .map(|t| format!("{}: {}", t.domain.label(), t.need.label().to_lowercase()))
                .collect();
            let summary = format!(
                "Triage: {}. Al bekend bij het SKT: {}; bij de Veiligheidskamer: {}.",
                needs.join("; "),
                yes_no_unknown(input.known_to_skt),
                yes_no_unknown(input.known_to_safety_chamber)
            );
            case_step::finish(&mut tx, actor, &step, "triage", &summary).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}
