//! The household left behind: partner and children, and their need for support.

use crate::{App, Result, case_step, validate};
use nazorg_domain::access::Actor;
use nazorg_domain::events::CaseEvent;
use nazorg_domain::ids::{CaseId, HouseholdMemberId};
use nazorg_domain::lifecycle::Step;
use nazorg_store::HouseholdInput;

impl App {
    /// Records a household member and their need for support.
    pub async fn add_household_member(
        &self,
        actor: &Actor,
        case_id: CaseId,
        input: &HouseholdInput,
    ) -> Result<HouseholdMemberId> {
        self.gated(actor, "add_household_member", async {
            let note = validate::text("de notitie", &input.note, 1000, false)?;
            let mut tx = self.db.begin().await?;
            let step =
                case_step::begin(&mut tx, &self.deadlines, actor, case_id, Step::Household).await?;
            let id = tx.insert_household_member(case_id, input, &note).await?;
            let what = CaseEvent::HouseholdMember {
                relation: input.relation,
                minor: input.is_minor,
                need: input.support_need,
            };
            case_step::finish(&mut tx, actor, &step, &what).await?;
            tx.commit().await?;
            Ok(id)
        })
        .await
    }
}
