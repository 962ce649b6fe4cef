//! The safety chamber: cases put on its agenda, what it discussed, and the agenda its
//! members see.

use crate::error::invalid;
use crate::{App, Error, Logged, Result, validate};
use nazorg_domain::access::{Action, Actor};
use nazorg_domain::events::{CaseEvent, SafetyEvent};
use nazorg_domain::ids::{CaseId, SafetyItemId};
use nazorg_domain::lifecycle::Step;
use nazorg_domain::version::{Edit, Part, Version};
use nazorg_store::SafetyAgendaEntry;
use time::Date;

/// The chamber's discussion of one item of its agenda.
#[derive(Debug, Clone, Copy)]
pub struct SafetyOutcome<'a> {
    pub item_id: SafetyItemId,
    pub discussed_on: Date,
    pub outcome: &'a str,
    pub follow_up: &'a str,
}

impl App {
    /// Puts a case on the agenda of the safety chamber (whose members may then read it).
    pub async fn add_safety_item(
        &self,
        actor: &Actor,
        case_id: CaseId,
        put_on: Date,
        reason: &str,
    ) -> Result<SafetyItemId> {
        let reason = validate::text("de reden", reason, 1000, true)?;
        self.on_case_with(
            actor,
            "add_safety_item",
            case_id,
            Step::SafetyChamber,
            Edit::Add,
            async |tx, step| {
                let id = tx
                    .insert_safety_item(
                        &step.core.municipality_code,
                        case_id,
                        put_on,
                        &reason,
                        &actor.username,
                    )
                    .await?;
                Ok((
                    id,
                    CaseEvent::Safety(SafetyEvent::PutOnAgenda { on: put_on, reason }),
                ))
            },
        )
        .await
    }

    /// Records the chamber's discussion of an agenda item: its outcome and follow-up.
    pub async fn record_safety_outcome(
        &self,
        actor: &Actor,
        case_id: CaseId,
        seen: Option<Version>,
        discussed: &SafetyOutcome<'_>,
    ) -> Result<()> {
        let SafetyOutcome {
            item_id,
            discussed_on,
            outcome,
            follow_up,
        } = *discussed;
        validate::not_future("De datum van bespreking", discussed_on)?;
        let outcome = validate::text("de uitkomst", outcome, 2000, true)?;
        let follow_up = validate::text("de vervolgafspraken", follow_up, 2000, false)?;
        self.on_case(
            actor,
            "record_safety_outcome",
            case_id,
            Step::SafetyChamber,
            Edit::Replace(Part::SafetyOutcome(item_id), seen),
            async |tx, _| {
                let put_on = tx
                    .undiscussed_safety_item(case_id, item_id)
                    .await?
                    .ok_or(Error::NotFound)?;
                if discussed_on < put_on {
                    return Err(invalid("De bespreking kan niet vóór de agendering liggen."));
                }
                tx.set_safety_outcome(item_id, discussed_on, &outcome, &follow_up)
                    .await?;
                Ok(CaseEvent::Safety(SafetyEvent::Discussed {
                    on: discussed_on,
                    outcome,
                }))
            },
        )
        .await
    }

    /// The agenda of the safety chamber of the actor's municipality, newest first (at most
    /// 200 items): what its members may see, and the way to the cases on it.
    pub async fn safety_agenda(&self, actor: &Actor) -> Result<Vec<SafetyAgendaEntry>> {
        self.read_in_municipality(
            actor,
            "safety_agenda",
            Action::ListSafetyAgenda,
            async |tx| {
                let entries = tx.safety_agenda(&actor.municipality).await?;
                let cases: Vec<CaseId> = entries.iter().map(|e| e.case_id).collect();
                let ids: Vec<String> = cases.iter().map(CaseId::to_string).collect();
                let detail = format!(
                    "agenda Veiligheidskamer ingezien (casussen {})",
                    ids.join(", ")
                );
                Ok(Logged {
                    answer: entries,
                    cases,
                    detail,
                })
            },
        )
        .await
    }
}
