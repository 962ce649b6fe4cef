//! The fields each step on a case writes: offer, triage, direction, readiness, release,
//! override, coordinator, closure.

use crate::Result;
use crate::db::{Tx, execute, fetch_one, now, scalar_one};
use crate::model::*;
use nazorg_domain::eligibility::Eligibility;
use nazorg_domain::ids::{CaseId, UserId};
use nazorg_domain::triage::Direction;
use time::Date;

impl Tx {
    /// Stores the offer's outcome, date and kind of contact (its note goes to the contacts).
    pub async fn set_offer(&mut self, case_id: CaseId, offer: &OfferInput) -> Result<()> {
        execute!(
            self,
            "UPDATE cases SET offer_outcome = $1, offer_date = $2, offer_contact_kind = $3 WHERE id = $4",
            [offer.outcome, offer.date, offer.kind, case_id]
        );
        Ok(())
    }

    /// Replaces the triage of a case.
    pub async fn set_triage(&mut self, case_id: CaseId, triage: &Triage) -> Result<()> {
        execute!(
            self,
            "DELETE FROM triage_domains WHERE case_id = $1",
            [case_id]
        );
        for t in &triage.domains {
            execute!(
                self,
                "INSERT INTO triage_domains (case_id, domain, need, self_reliance) VALUES ($1, $2, $3, $4)",
                [case_id, t.domain, t.need, t.self_reliance]
            );
        }
        execute!(
            self,
            "UPDATE cases SET triage_note = $1, known_to_skt = $2, known_to_safety_chamber = $3 WHERE id = $4",
            [
                &triage.note,
                triage.known_to_skt,
                triage.known_to_safety_chamber,
                case_id
            ]
        );
        Ok(())
    }

    pub async fn direction_of(&mut self, case_id: CaseId) -> Result<Option<Direction>> {
        Ok(scalar_one!(
            self,
            "SELECT direction FROM cases WHERE id = $1",
            [case_id]
        ))
    }

    /// Stores the direction; `since` restarts when it changed; the first coordinator to
    /// decide becomes the case's coordinator when it has none.
    pub async fn set_direction(
        &mut self,
        case_id: CaseId,
        direction: Direction,
        reason: &str,
        changed: bool,
        coordinator: Option<UserId>,
    ) -> Result<()> {
        let day = nazorg_domain::dates::today_nl();
        execute!(
            self,
            "UPDATE cases SET direction = $1, direction_reason = $2, direction_since = CASE WHEN $3 THEN $4 ELSE direction_since END, \
             coordinator_id = COALESCE(coordinator_id, $5) WHERE id = $6",
            [direction, reason, changed, day, coordinator, case_id]
        );
        Ok(())
    }

    pub async fn set_readiness(&mut self, case_id: CaseId, r: &ReadinessInput) -> Result<()> {
        execute!(
            self,
            "UPDATE cases SET ready_housing = $1, ready_brp = $2, ready_id = $3, ready_income = $4 WHERE id = $5",
            [r.housing, r.brp, r.id_document, r.income, case_id]
        );
        Ok(())
    }

    pub async fn set_release(
        &mut self,
        case_id: CaseId,
        released: Date,
        aftercare_end: Date,
    ) -> Result<()> {
        execute!(
            self,
            "UPDATE cases SET actual_release = $1, aftercare_end = $2 WHERE id = $3",
            [released, aftercare_end, case_id]
        );
        Ok(())
    }

    /// Sets (`Some`) or withdraws (`None`) an override of the eligibility outcome.
    pub async fn set_override(
        &mut self,
        case_id: CaseId,
        outcome: Option<(Eligibility, &str, &str)>,
    ) -> Result<()> {
        let at = outcome.map(|_| now());
        execute!(
            self,
            "UPDATE cases SET override_eligibility = $1, override_reason = $2, override_by = $3, override_at = $4 WHERE id = $5",
            [
                outcome.map(|o| o.0),
                outcome.map(|o| o.1),
                outcome.map(|o| o.2),
                at,
                case_id
            ]
        );
        Ok(())
    }

    pub async fn set_coordinator(
        &mut self,
        case_id: CaseId,
        user_id: Option<UserId>,
    ) -> Result<()> {
        execute!(
            self,
            "UPDATE cases SET coordinator_id = $1 WHERE id = $2",
            [user_id, case_id]
        );
        Ok(())
    }

    /// The outcome in force and the actual release, which closing is judged on.
    pub async fn closing_facts(&mut self, case_id: CaseId) -> Result<(Eligibility, Option<Date>)> {
        Ok(fetch_one!(
            self,
            "SELECT eligibility_in_force, actual_release FROM cases WHERE id = $1",
            [case_id]
        ))
    }

    /// Stores the closure: its reason, results per life domain and overall, and the note.
    pub async fn set_closure(
        &mut self,
        case_id: CaseId,
        close: &CloseInput,
        note: &str,
    ) -> Result<()> {
        execute!(
            self,
            "DELETE FROM closure_results WHERE case_id = $1",
            [case_id]
        );
        for (domain, result) in &close.results {
            execute!(
                self,
                "INSERT INTO closure_results (case_id, domain, result) VALUES ($1, $2, $3)",
                [case_id, *domain, *result]
            );
        }
        execute!(
            self,
            "UPDATE cases SET closing_reason = $1, overall_result = $2, closing_note = $3, closed_on = $4 WHERE id = $5",
            [close.reason, close.overall, note, close.date, case_id]
        );
        Ok(())
    }
}
