//! Release: the readiness checklist before it, the release itself and the aftercare period.

use crate::case_step::{self, reassess};
use crate::error::invalid;
use crate::{App, Result, validate};
use nazorg_domain::access::Actor;
use nazorg_domain::events::CaseEvent;
use nazorg_domain::ids::CaseId;
use nazorg_domain::lifecycle::{self, Step};
use nazorg_store::ReadinessInput;
use time::Date;

impl App {
    /// Records what is arranged before release: housing, BRP, ID document, income.
    pub async fn set_readiness(
        &self,
        actor: &Actor,
        case_id: CaseId,
        input: &ReadinessInput,
    ) -> Result<()> {
        self.gated(actor, "set_readiness", async {
            let mut tx = self.db.begin().await?;
            let step =
                case_step::begin(&mut tx, &self.deadlines, actor, case_id, Step::Readiness).await?;
            tx.set_readiness(case_id, input).await?;
            let what = CaseEvent::Readiness {
                housing: input.housing,
                brp: input.brp,
                id_document: input.id_document,
                income: input.income,
            };
            case_step::finish(&mut tx, actor, &step, &what).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Records the release; the aftercare period of three months starts, and the real
    /// length of the detention decides the 10-day rule again.
    pub async fn record_release(&self, actor: &Actor, case_id: CaseId, date: Date) -> Result<()> {
        self.gated(actor, "record_release", async {
            validate::not_future("De datum van vrijlating", date)?;
            let mut tx = self.db.begin().await?;
            let step = case_step::begin(
                &mut tx,
                &self.deadlines,
                actor,
                case_id,
                Step::RecordRelease,
            )
            .await?;
            if date < step.core.detention_start {
                return Err(invalid(
                    "De vrijlating kan niet vóór de begindatum van de detentie liggen.",
                ));
            }
            let end = lifecycle::aftercare_end(date);
            tx.set_release(case_id, date, end).await?;
            let what = CaseEvent::Released {
                on: date,
                aftercare_until: end,
                eligibility: reassess(&mut tx, case_id).await?,
            };
            case_step::finish(&mut tx, actor, &step, &what).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}
