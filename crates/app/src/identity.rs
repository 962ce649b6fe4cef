//! Provisional identities: a resident notified without a BSN gets one, until a coordinator
//! records the BSN; when a resident with that BSN is already known, the provisional one is
//! merged into it, its cases with it, in the history and the processing log.

use crate::case_step::{reassess, record};
use crate::error::{Error, invalid};
use crate::{App, Result, gate};
use nazorg_domain::Bsn;
use nazorg_domain::access::{Action, Actor};
use nazorg_domain::events::CaseEvent;
use nazorg_domain::ids::CaseId;
use nazorg_domain::lifecycle::Step;
use nazorg_domain::version::{Edit, Part, Version};

impl App {
    /// Records the BSN of a case's resident whose identity is provisional: the identity
    /// becomes definite, or, when a resident with that BSN is known, is merged into it.
    pub async fn record_bsn(
        &self,
        actor: &Actor,
        case_id: CaseId,
        seen: Option<Version>,
        bsn: &Bsn,
    ) -> Result<()> {
        let edit = Edit::Replace(Part::Facts, seen);
        self.on_case(actor, "record_bsn", case_id, Step::UpdateFacts, edit, async |tx, step| {
            let resident = step.core.resident_id;
            if !tx.is_provisional(resident).await? {
                return Err(invalid(
                    "Deze inwoner heeft al een BSN. Een verkeerd BSN herstelt u via de justitieketen of de BRP, niet hier.",
                ));
            }
            let municipality = step.core.municipality_code.as_str();
            let Some(known) = tx.resident_by_bsn(municipality, bsn.as_str()).await? else {
                tx.confirm_bsn(resident, bsn.as_str()).await?;
                for case in tx.resident_case_ids(resident).await? {
                    self.enqueue_new_case(tx, case, municipality).await?;
                }
                return Ok(CaseEvent::BsnRecorded {
                    bsn: bsn.as_str().to_string(),
                    merged_with: None,
                });
            };
            // Two cases of one detention cannot both stand under one person.
            for case in tx.resident_case_ids(resident).await? {
                let start = tx.case_core(case).await?.detention_start;
                if let Some(twin) = tx.case_of_detention(known, start).await? {
                    return Err(Error::Conflict(format!(
                        "Bij dit BSN hoort al casus {twin} van dezelfde detentie (begonnen {}). Sluit een van beide af als dubbel en leg dan het BSN vast.",
                        nazorg_domain::format_nl(start)
                    )));
                }
            }
            // The resident merged into is processed too: the log says so under their name.
            let permit = gate::check(actor, Action::WriteCase, municipality)?;
            let detail = "voorlopige identiteit samengevoegd met deze inwoner";
            gate::log(tx, permit, Some(known), Some(case_id), detail).await?;
            let held = tx.resident_identity(known).await?;
            let what = CaseEvent::BsnRecorded {
                bsn: bsn.as_str().to_string(),
                merged_with: Some(held.describe()),
            };
            for moved in tx.merge_resident(resident, known).await? {
                // Eligibility follows the birth date held for the person.
                reassess(tx, moved).await?;
                self.enqueue_new_case(tx, moved, municipality).await?;
                if moved != case_id {
                    record(tx, moved, actor, &what).await?;
                }
            }
            Ok(what)
        })
        .await?;
        self.wake_workers();
        Ok(())
    }
}
