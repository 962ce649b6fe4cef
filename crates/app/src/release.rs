//! Release: the readiness checklist before it, the release itself and the aftercare period.

use crate::case_step::reassess;
use crate::error::invalid;
use crate::{App, Result, validate};
use nazorg_domain::access::Actor;
use nazorg_domain::events::CaseEvent;
use nazorg_domain::ids::CaseId;
use nazorg_domain::lifecycle::{self, Step};
use nazorg_domain::version::{Edit, Part, Version};
use nazorg_store::ReadinessInput;
use time::Date;

impl App {
    /// Records what is arranged before release: housing, BRP, ID document, income.
    pub async fn set_readiness(
        &self,
        actor: &Actor,
        case_id: CaseId,
        seen: Option<Version>,
        input: &ReadinessInput,
    ) -> Result<()> {
        self.on_case(
            actor,
            "set_readiness",
            case_id,
            Step::Readiness,
            Edit::Replace(Part::Readiness, seen),
            async |tx, _| {
                tx.set_readiness(case_id, input).await?;
                Ok(CaseEvent::Readiness {
                    housing: input.housing,
                    brp: input.brp,
                    id_document: input.id_document,
                    income: input.income,
                })
            },
        )
        .await
    }

    /// Records the release; the aftercare period of three months starts, and the real
    /// length of the detention decides the 10-day rule again.
    pub async fn record_release(
        &self,
        actor: &Actor,
        case_id: CaseId,
        seen: Option<Version>,
        date: Date,
    ) -> Result<()> {
        validate::not_future("De datum van vrijlating", date)?;
        self.on_case(
            actor,
            "record_release",
            case_id,
            Step::RecordRelease,
            Edit::Replace(Part::Release, seen),
            async |tx, step| {
                if date < step.core.detention_start {
                    return Err(invalid(
                        "De vrijlating kan niet vóór de begindatum van de detentie liggen.",
                    ));
                }
                let end = lifecycle::aftercare_end(date);
                tx.set_release(case_id, date, end).await?;
                Ok(CaseEvent::Released {
                    on: date,
                    aftercare_until: end,
                    eligibility: reassess(tx, case_id).await?,
                })
            },
        )
        .await
    }
}
