//! Case direction: who leads the case (coordinator, SKT care director or Exodus), and which
//! coordinator it is assigned to.

use crate::error::invalid;
use crate::{App, Result, validate};
use nazorg_domain::access::{Actor, Role};
use nazorg_domain::events::CaseEvent;
use nazorg_domain::ids::{CaseId, UserId};
use nazorg_domain::lifecycle::Step;
use nazorg_domain::version::{Edit, Part, Version};
use nazorg_store::DirectionInput;

impl App {
    /// Decides (or hands over) the case direction; a handover keeps its note in the history.
    pub async fn decide_direction(
        &self,
        actor: &Actor,
        case_id: CaseId,
        seen: Option<Version>,
        input: &DirectionInput,
    ) -> Result<()> {
        let reason = validate::text("de reden", &input.reason, 1000, true)?;
        self.on_case(
            actor,
            "decide_direction",
            case_id,
            Step::DecideDirection,
            Edit::Replace(Part::Direction, seen),
            async |tx, _| {
                let previous = tx.direction_of(case_id).await?;
                let changed = previous != Some(input.direction);
                // The coordinator who decides becomes the case's coordinator when it has none.
                let coordinator = actor.account().filter(|_| actor.role == Role::Coordinator);
                tx.set_direction(case_id, input.direction, &reason, changed, coordinator)
                    .await?;
                Ok(CaseEvent::Direction {
                    direction: input.direction,
                    from: previous.filter(|_| changed),
                    reason,
                })
            },
        )
        .await
    }

    /// Assigns the case to an active coordinator of its municipality (`None`: to nobody).
    pub async fn assign_coordinator(
        &self,
        actor: &Actor,
        case_id: CaseId,
        seen: Option<Version>,
        user_id: Option<UserId>,
    ) -> Result<()> {
        self.on_case(
            actor,
            "assign_coordinator",
            case_id,
            Step::AssignCoordinator,
            Edit::Replace(Part::Coordinator, seen),
            async |tx, step| {
                let name = match user_id {
                    Some(id) => match tx.active_user_role(id).await? {
                        Some((name, Role::Coordinator, municipality))
                            if municipality == step.core.municipality_code =>
                        {
                            Some(name)
                        }
                        _ => {
                            return Err(invalid(
                                "Kies een actieve nazorgcoördinator van deze gemeente.",
                            ));
                        }
                    },
                    None => None,
                };
                tx.set_coordinator(case_id, user_id).await?;
                Ok(CaseEvent::Coordinator { name })
            },
        )
        .await
    }
}
