//! Contact in detention: the offer of aftercare and the resident's answer.

use crate::{App, Result, error::invalid, validate};
use nazorg_domain::access::Actor;
use nazorg_domain::events::CaseEvent;
use nazorg_domain::ids::CaseId;
use nazorg_domain::lifecycle::Step;
use nazorg_domain::version::{Edit, Part, Version};
use nazorg_store::OfferInput;

impl App {
    /// Records the contact in detention and the answer to the offer; the contact also goes
    /// into the contact log.
    pub async fn record_offer(
        &self,
        actor: &Actor,
        case_id: CaseId,
        seen: Option<Version>,
        input: &OfferInput,
    ) -> Result<()> {
        validate::not_future("De datum van het contact", input.date)?;
        let note = validate::text("de notitie", &input.note, 2000, false)?;
        let step = Step::RecordOffer(input.outcome);
        self.on_case(
            actor,
            "record_offer",
            case_id,
            step,
            Edit::Replace(Part::Offer, seen),
            async |tx, open| {
                if input.date < open.core.detention_start {
                    return Err(invalid(
                        "Het contact kan niet vóór de begindatum van de detentie liggen.",
                    ));
                }
                tx.set_offer(case_id, input).await?;
                tx.insert_contact(case_id, input.date, input.kind, &note, &actor.username)
                    .await?;
                Ok(CaseEvent::Offer {
                    outcome: input.outcome,
                    kind: input.kind,
                    date: input.date,
                })
            },
        )
        .await
    }
}
