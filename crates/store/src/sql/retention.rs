//! Retention: the closed cases whose period ended, and removing their personal data.

use crate::Result;
use crate::db::{Tx, execute, fetch_all, now, scalar_one, scalar_optional};
use nazorg_domain::ids::{CaseId, ResidentId};
use time::Date;

/// What goes of an anonymised case: free text, contacts, appointments, notifications,
/// history, signals and household. The plan, referrals and agenda items stay countable; what they
/// said goes.
const ERASE_CASE_CONTENT: [&str; 10] = [
    "DELETE FROM contacts WHERE case_id = $1",
    "UPDATE agreements SET description = '', owner = '' WHERE case_id = $1",
    "DELETE FROM appointments WHERE case_id = $1",
    "DELETE FROM notifications WHERE case_id = $1",
    "DELETE FROM case_events WHERE case_id = $1",
    "DELETE FROM case_signals WHERE case_id = $1",
    "DELETE FROM referral_notes WHERE referral_id IN (SELECT id FROM referrals WHERE case_id = $1)",
    "UPDATE referrals SET reason = '', return_reason = NULL, result_note = NULL, over_cap_reason = NULL, \
     household_member_id = NULL WHERE case_id = $1",
    "DELETE FROM household_members WHERE case_id = $1",
    "UPDATE safety_agenda_items SET reason = '', outcome = NULL, follow_up = NULL WHERE case_id = $1",
];

/// A closed case whose retention period may have ended.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct RetentionCandidate {
    #[sqlx(rename = "id")]
    pub case_id: CaseId,
    pub resident_id: ResidentId,
    pub closed_on: Date,
}

impl Tx {
    /// Closed, not yet anonymised cases of a municipality closed on or before `cutoff`,
    /// oldest first, at most `limit`.
    pub async fn retention_candidates(
        &mut self,
        municipality: &str,
        cutoff: Date,
        limit: i64,
    ) -> Result<Vec<RetentionCandidate>> {
        Ok(fetch_all!(
            self,
            "SELECT id, resident_id, closed_on FROM cases WHERE municipality_code = $1 AND closed_on IS NOT NULL \
             AND anonymised_at IS NULL AND closed_on <= $2 ORDER BY closed_on, id LIMIT $3",
            [municipality, cutoff, limit]
        ))
    }

    /// How many other cases of the resident are kept (not anonymised, and not closed on or
    /// before `cutoff`).
    pub async fn other_kept_cases(
        &mut self,
        resident_id: ResidentId,
        case_id: CaseId,
        cutoff: Date,
    ) -> Result<i64> {
        Ok(scalar_one!(
            self,
            "SELECT COUNT(*) FROM cases WHERE resident_id = $1 AND id <> $2 AND anonymised_at IS NULL \
             AND NOT (closed_on IS NOT NULL AND closed_on <= $3)",
            [resident_id, case_id, cutoff]
        ))
    }

    /// Locks a resident's row until the transaction ends (PostgreSQL; on SQLite the
    /// transaction already holds the write lock).
    pub async fn lock_resident(&mut self, resident_id: ResidentId) -> Result<()> {
        let _: Option<i64> = scalar_optional!(
            self,
            &format!("SELECT id FROM residents WHERE id = $1{FOR_UPDATE}"),
            [resident_id]
        );
        Ok(())
    }

    /// Marks a closed case anonymised; false when it already was (another run came first).
    pub async fn claim_anonymisation(&mut self, case_id: CaseId) -> Result<bool> {
        let claimed = execute!(
            self,
            "UPDATE cases SET anonymised_at = $1 WHERE id = $2 AND anonymised_at IS NULL AND closed_on IS NOT NULL",
            [now(), case_id]
        );
        Ok(claimed > 0)
    }

    /// Removes a case's personal data and free text; keeps what the figures need.
    pub async fn erase_case_content(&mut self, case_id: CaseId) -> Result<()> {
        for statement in ERASE_CASE_CONTENT {
            execute!(self, statement, [case_id]);
        }
        execute!(
            self,
            "UPDATE cases SET institution = '', override_reason = NULL, override_by = NULL, direction_reason = NULL, \
             triage_note = '', closing_note = NULL WHERE id = $1",
            [case_id]
        );
        Ok(())
    }

    /// Replaces a resident's identity: the BSN, the names (the search key goes) and the
    /// birth date.
    pub async fn replace_resident_identity(
        &mut self,
        resident_id: ResidentId,
        bsn: &str,
        family_name: &str,
        birth_date: Option<Date>,
    ) -> Result<()> {
        execute!(
            self,
            "UPDATE residents SET bsn = $1, family_name = $2, given_names = '', birth_date = $3, \
             search_name = '', updated_at = $4 WHERE id = $5",
            [bsn, family_name, birth_date, now(), resident_id]
        );
        Ok(())
    }
}
