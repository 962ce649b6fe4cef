//! The household left behind: partner and children, and their need for support.

use crate::{App, Result, validate};
use nazorg_domain::access::Actor;
use nazorg_domain::events::CaseEvent;
use nazorg_domain::ids::{CaseId, HouseholdMemberId};
use nazorg_domain::lifecycle::Step;
use nazorg_domain::version::Edit;
use nazorg_store::HouseholdInput;

impl App {
    /// Records a household member and their need for support.
    pub async fn add_household_member(
        &self,
        actor: &Actor,
        case_id: CaseId,
        input: &HouseholdInput,
    ) -> Result<HouseholdMemberId> {
        let note = validate::text("de notitie", &input.note, 1000, false)?;
        self.on_case_with(
            actor,
            "add_household_member",
            case_id,
            Step::Household,
            Edit::Add,
            async |tx, _| {
                let id = tx.insert_household_member(case_id, input, &note).await?;
                Ok((
                    id,
                    CaseEvent::HouseholdMember {
                        relation: input.relation,
                        minor: input.is_minor,
                        need: input.support_need,
                    },
                ))
            },
        )
        .await
    }
}
