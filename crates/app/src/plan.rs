//! The plan of action: agreements with the resident per life domain.

use crate::{App, Error, Result, validate};
use nazorg_domain::access::Actor;
use nazorg_domain::events::CaseEvent;
use nazorg_domain::ids::{AgreementId, CaseId};
use nazorg_domain::lifecycle::Step;
use nazorg_domain::version::{Edit, Part, Version};
use nazorg_store::AgreementInput;

impl App {
    /// Adds an agreement to the plan of action.
    pub async fn add_agreement(
        &self,
        actor: &Actor,
        case_id: CaseId,
        input: &AgreementInput,
    ) -> Result<AgreementId> {
        let description = validate::text("wat er is afgesproken", &input.description, 500, true)?;
        let owner = validate::text("wie het doet", &input.owner, 100, true)?;
        self.on_case_with(
            actor,
            "add_agreement",
            case_id,
            Step::EditPlan,
            Edit::Add,
            async |tx, _| {
                let id = tx
                    .insert_agreement(case_id, input.domain, &description, &owner, input.due_date)
                    .await?;
                Ok((
                    id,
                    CaseEvent::AgreementAdded {
                        domain: input.domain,
                        description,
                        owner,
                        due: input.due_date,
                    },
                ))
            },
        )
        .await
    }

    /// Ticks an agreement off, or opens it again.
    pub async fn set_agreement_done(
        &self,
        actor: &Actor,
        case_id: CaseId,
        seen: Option<Version>,
        agreement_id: AgreementId,
        done: bool,
    ) -> Result<()> {
        self.on_case(
            actor,
            "set_agreement_done",
            case_id,
            Step::EditPlan,
            Edit::Replace(Part::Agreement(agreement_id), seen),
            async |tx, _| {
                let description = tx
                    .set_agreement_done(case_id, agreement_id, done)
                    .await?
                    .ok_or(Error::NotFound)?;
                Ok(CaseEvent::AgreementDone { description, done })
            },
        )
        .await
    }
}
