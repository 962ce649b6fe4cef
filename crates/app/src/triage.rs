//! Triage: the need and self-reliance in each of the five life domains.

use crate::{App, Result, error::invalid, validate};
use nazorg_domain::access::Actor;
use nazorg_domain::events::CaseEvent;
use nazorg_domain::ids::CaseId;
use nazorg_domain::lifecycle::Step;
use nazorg_domain::triage::LifeDomain;
use nazorg_domain::version::{Edit, Part, Version};
use nazorg_store::Triage;

impl App {
    /// Records the triage of all five life domains, and whether the resident was already
    /// known to the SKT and the safety chamber.
    pub async fn record_triage(
        &self,
        actor: &Actor,
        case_id: CaseId,
        seen: Option<Version>,
        input: &Triage,
    ) -> Result<()> {
        for domain in LifeDomain::ALL {
            if input.domains.iter().filter(|t| t.domain == *domain).count() != 1 {
                return Err(invalid(format!(
                    "Vul de triage in voor elk leefgebied, ook voor ‘{}’.",
                    domain.label()
                )));
            }
        }
        let note = validate::text("de notitie", &input.note, 2000, false)?;
        self.on_case(
            actor,
            "record_triage",
            case_id,
            Step::Triage,
            Edit::Replace(Part::Triage, seen),
            async |tx, _| {
                let triage = Triage {
                    note,
                    ..input.clone()
                };
                tx.set_triage(case_id, &triage).await?;
                Ok(CaseEvent::Triage {
                    domains: input.domains.clone(),
                    known_to_skt: input.known_to_skt,
                    known_to_safety_chamber: input.known_to_safety_chamber,
                })
            },
        )
        .await
    }
}
