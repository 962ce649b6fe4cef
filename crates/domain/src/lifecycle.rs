//! The case lifecycle as an explicit state machine.
//!
//! ```text
//! notified ──offer──▶ accepted ──triage──▶ triaged ──direction──▶ planning ──release──▶ aftercare ──close──▶ closed
//!    │  ▲                 │                   │                                              ▲
//!    ▼  │offer            └──────release──────┴──────────────▶ (aftercare) ──────────────────┘
//! not_reached / declined ──close (not reached / declined / not eligible)──▶ closed
//! ```
//! Moving away, re-detention and death close a case from any open phase.

use crate::case::{ClosingReason, OfferOutcome};
use crate::dates::add_months;
use time::Date;

code_enum! {
    /// The phase of a case.
    Status {
        Notified = "notified" => "Gemeld",
        NotReached = "not_reached" => "Niet bereikt",
        Declined = "declined" => "Aanbod afgewezen",
        Accepted = "accepted" => "Aanbod aanvaard",
        Triaged = "triaged" => "Triage gedaan",
        Planning = "planning" => "Plan van aanpak",
        Aftercare = "aftercare" => "Nazorgperiode",
        Closed = "closed" => "Afgesloten",
    }
}

impl Status {
    pub fn is_open(self) -> bool {
        self != Status::Closed
    }
}

/// One step a user takes on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Contact in detention and the offer of aftercare.
    RecordOffer(OfferOutcome),
    /// Triage of the five life domains.
    Triage,
    /// Deciding (or handing over) the case direction.
    DecideDirection,
    /// Adding or changing agreements in the plan of action.
    EditPlan,
    /// Ticking the release-readiness checklist.
    Readiness,
    /// Recording the actual release date; starts the aftercare period.
    RecordRelease,
    /// A line in the contact log.
    LogContact,
    /// Adding or changing a household member (and referring them).
    Household,
    /// Referring the resident to a partner.
    Refer,
    /// Assigning the case to a coordinator.
    AssignCoordinator,
    /// Putting the case on the safety chamber's agenda, or recording its outcome.
    SafetyChamber,
    /// Correcting the facts of the detention (sentence, expected release, …).
    UpdateFacts,
    /// Overriding the eligibility outcome with a reason.
    OverrideEligibility,
    /// Handling a signal (the chain changed the case, or named someone else).
    HandleSignal,
    /// Closing the case.
    Close(ClosingReason),
}

impl Step {
    /// The Dutch name of the step, as a user would call it.
    pub fn label(self) -> &'static str {
        match self {
            Step::RecordOffer(_) => "Contact en aanbod vastleggen",
            Step::Triage => "Triage vastleggen",
            Step::DecideDirection => "Casusregie bepalen",
            Step::EditPlan => "Plan van aanpak bijwerken",
            Step::Readiness => "Checklist vrijlating bijwerken",
            Step::RecordRelease => "Vrijlating vastleggen",
            Step::LogContact => "Contact vastleggen",
            Step::Household => "Gezinslid vastleggen",
            Step::Refer => "Verwijzen naar een ketenpartner",
            Step::AssignCoordinator => "Nazorgcoördinator toewijzen",
            Step::SafetyChamber => "Veiligheidskamer",
            Step::UpdateFacts => "Gegevens van de detentie wijzigen",
            Step::OverrideEligibility => "Doelgroepbepaling overrulen",
            Step::HandleSignal => "Signaal afhandelen",
            Step::Close(_) => "Casus afsluiten",
        }
    }
}

/// What the state machine needs to know about a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseState {
    pub status: Status,
    /// Whether the actual release date is recorded.
    pub released: bool,
}

/// A step that is not allowed now (on a case, or on a referral), with a Dutch explanation
/// of what to do instead: "‘Starten’ kan niet bij een verwijzing met de status ‘Gevraagd’.
/// Accepteer de verwijzing eerst."
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("‘{step}’ kan niet {place} ‘{status}’. {hint}")]
pub struct StepRefused {
    pub step: &'static str,
    /// Where the step was tried, before the status: "in de fase", "bij een verwijzing met
    /// de status".
    pub place: &'static str,
    pub status: &'static str,
    pub hint: &'static str,
}

impl StepRefused {
    /// A step on a case, refused in its phase.
    fn in_phase(step: Step, status: Status, hint: &'static str) -> StepRefused {
        let (step, status) = (step.label(), status.label());
        let place = "in de fase";
        StepRefused {
            step,
            place,
            status,
            hint,
        }
    }
}

/// Applies a step and returns the new status, or refuses it.
pub fn apply(state: CaseState, step: Step) -> Result<Status, StepRefused> {
    use Status::*;
    let refuse = |hint| Err(StepRefused::in_phase(step, state.status, hint));
    if state.status == Closed {
        return refuse("De casus is afgesloten.");
    }
    match step {
        Step::RecordOffer(outcome) => match state.status {
            Notified | NotReached | Declined => Ok(match outcome {
                OfferOutcome::Accepted => Accepted,
                OfferOutcome::Declined => Declined,
                OfferOutcome::NotReached => NotReached,
            }),
            _ => refuse(
                "Het aanbod is al aanvaard; leg verdere gesprekken vast in het contactlogboek.",
            ),
        },
        Step::Triage => match state.status {
            Accepted => Ok(Triaged),
            Triaged | Planning | Aftercare => Ok(state.status),
            _ => refuse("Triage volgt nadat de inwoner het aanbod heeft aanvaard."),
        },
        Step::DecideDirection => match state.status {
            Triaged if state.released => Ok(Aftercare),
            Triaged => Ok(Planning),
            Planning | Aftercare => Ok(state.status),
            _ => refuse("Doe eerst de triage van de vijf leefgebieden."),
        },
        Step::EditPlan => match state.status {
            Triaged | Planning | Aftercare => Ok(state.status),
            _ => refuse("Een plan van aanpak volgt op de triage."),
        },
        Step::Readiness => match state.status {
            Accepted | Triaged | Planning | Aftercare => Ok(state.status),
            _ => refuse("De checklist hoort bij een inwoner die het aanbod heeft aanvaard."),
        },
        Step::RecordRelease if state.released => refuse("De vrijlating is al vastgelegd."),
        Step::RecordRelease => match state.status {
            Accepted | Triaged | Planning => Ok(Aftercare),
            other => Ok(other),
        },
        Step::Refer => match state.status {
            Accepted | Triaged | Planning | Aftercare => Ok(state.status),
            _ => refuse("Verwijzen kan nadat de inwoner het aanbod van nazorg heeft aanvaard."),
        },
        Step::LogContact
        | Step::Household
        | Step::AssignCoordinator
        | Step::SafetyChamber
        | Step::UpdateFacts
        | Step::OverrideEligibility
        | Step::HandleSignal => Ok(state.status),
        Step::Close(reason) => match (reason, state.status) {
            (ClosingReason::Completed, Aftercare) => Ok(Closed),
            (ClosingReason::Completed, _) => {
                refuse("Afronden kan pas in de nazorgperiode, nadat de vrijlating is vastgelegd.")
            }
            (ClosingReason::Declined, Declined) => Ok(Closed),
            (ClosingReason::Declined, _) => {
                refuse("Sluit af met ‘Aanbod afgewezen’ nadat de afwijzing is vastgelegd.")
            }
            (ClosingReason::NotReached, NotReached) => Ok(Closed),
            (ClosingReason::NotReached, _) => refuse(
                "Sluit af met ‘Niet bereikt’ nadat een contactpoging zonder resultaat is vastgelegd.",
            ),
            (ClosingReason::NotEligible, Notified | NotReached | Declined) => Ok(Closed),
            (ClosingReason::NotEligible, _) => refuse(
                "De inwoner heeft het aanbod al aanvaard; overrule zo nodig de doelgroepbepaling of kies een andere reden.",
            ),
            (ClosingReason::MovedAway | ClosingReason::ReDetained | ClosingReason::Died, _) => {
                Ok(Closed)
            }
        },
    }
}

/// The aftercare period: three months after release.
pub fn aftercare_end(release: Date) -> Date {
    add_months(release, 3)
}

impl Status {
    /// What a case in this phase needs next, in Dutch; a closed case needs nothing. By
    /// when is the deadlines' to say (`deadlines::next_step`).
    pub fn next_step(self) -> Option<&'static str> {
        Some(match self {
            Status::Notified => "Contact opnemen en nazorg aanbieden",
            Status::NotReached => "Opnieuw contact proberen of afsluiten",
            Status::Declined => "Afsluiten of opnieuw aanbieden",
            Status::Accepted => "Triage van de leefgebieden doen",
            Status::Triaged => "Casusregie bepalen",
            Status::Planning => "Plan van aanpak en vrijlating voorbereiden",
            Status::Aftercare => "Nazorgperiode begeleiden en afsluiten",
            Status::Closed => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClosingReason as R;
    use Status::*;
    use time::macros::date;

    fn at(status: Status) -> CaseState {
        CaseState {
            status,
            released: false,
        }
    }

    fn released(status: Status) -> CaseState {
        CaseState {
            status,
            released: true,
        }
    }

    /// Every step from every status: the expected outcome (`NO` = refused).
    #[test]
    fn every_transition_legal_and_illegal() {
        // Two letters for each outcome, so that a row of the table reads as one line.
        const NO: Option<Status> = None;
        const NT: Option<Status> = Some(Notified);
        const NR: Option<Status> = Some(NotReached);
        const DE: Option<Status> = Some(Declined);
        const AC: Option<Status> = Some(Accepted);
        const TR: Option<Status> = Some(Triaged);
        const PL: Option<Status> = Some(Planning);
        const AF: Option<Status> = Some(Aftercare);
        const CL: Option<Status> = Some(Closed);
        use OfferOutcome as O;
        use Step as S;
        let (offer, close) = (S::RecordOffer, S::Close);
        // Steps with the same outcomes share a row.
        let table: [(&[Step], [Option<Status>; 8]); 14] = [
            // from: Notified, NotReached, Declined, Accepted, Triaged, Planning, Aftercare, Closed
            (&[offer(O::Accepted)], [AC, AC, AC, NO, NO, NO, NO, NO]),
            (&[offer(O::Declined)], [DE, DE, DE, NO, NO, NO, NO, NO]),
            (&[offer(O::NotReached)], [NR, NR, NR, NO, NO, NO, NO, NO]),
            (&[S::Triage], [NO, NO, NO, TR, TR, PL, AF, NO]),
            (&[S::DecideDirection], [NO, NO, NO, NO, PL, PL, AF, NO]),
            (&[S::EditPlan], [NO, NO, NO, NO, TR, PL, AF, NO]),
            (&[S::Readiness, S::Refer], [NO, NO, NO, AC, TR, PL, AF, NO]),
            (&[S::RecordRelease], [NT, NR, DE, AF, AF, AF, AF, NO]),
            // Steps that keep the phase, in every open phase.
            (
                &[
                    S::LogContact,
                    S::Household,
                    S::SafetyChamber,
                    S::UpdateFacts,
                    S::OverrideEligibility,
                ],
                [NT, NR, DE, AC, TR, PL, AF, NO],
            ),
            (&[close(R::Completed)], [NO, NO, NO, NO, NO, NO, CL, NO]),
            (&[close(R::Declined)], [NO, NO, CL, NO, NO, NO, NO, NO]),
            (&[close(R::NotReached)], [NO, CL, NO, NO, NO, NO, NO, NO]),
            (&[close(R::NotEligible)], [CL, CL, CL, NO, NO, NO, NO, NO]),
            // Reasons that close a case from any open phase.
            (
                &[close(R::MovedAway), close(R::ReDetained), close(R::Died)],
                [CL, CL, CL, CL, CL, CL, CL, NO],
            ),
        ];
        for (steps, expected) in table {
            for step in steps {
                for (status, want) in Status::ALL.iter().zip(expected) {
                    let got = apply(at(*status), *step).ok();
                    assert_eq!(got, want, "{step:?} from {status:?}");
                }
            }
        }
    }

    #[test]
    fn after_release_the_direction_leads_straight_into_aftercare() {
        assert_eq!(
            apply(released(Triaged), Step::DecideDirection),
            Ok(Aftercare)
        );
    }

    #[test]
    fn release_cannot_be_recorded_twice() {
        let err = apply(released(Aftercare), Step::RecordRelease).unwrap_err();
        assert_eq!(err.hint, "De vrijlating is al vastgelegd.");
    }

    #[test]
    fn refusals_explain_themselves_in_dutch() {
        let err = apply(at(Notified), Step::Triage).unwrap_err();
        assert_eq!(
            err.to_string(),
            "‘Triage vastleggen’ kan niet in de fase ‘Gemeld’. Triage volgt nadat de inwoner het aanbod heeft aanvaard."
        );
        let err = apply(at(Closed), Step::LogContact).unwrap_err();
        assert!(err.to_string().ends_with("De casus is afgesloten."));
    }

    #[test]
    fn the_aftercare_period_lasts_three_months() {
        assert_eq!(aftercare_end(date!(2026 - 06 - 10)), date!(2026 - 09 - 10));
        assert_eq!(aftercare_end(date!(2026 - 11 - 30)), date!(2027 - 02 - 28));
    }
}
