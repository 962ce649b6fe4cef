//! The safety chamber's agenda: cases put on it, and what it discussed.

use super::cases::{Named, agenda_cutoff};
use crate::Result;
use crate::db::{Tx, execute, fetch_all, now, scalar_one, scalar_optional};
use crate::model::*;
use nazorg_domain::ids::{CaseId, SafetyItemId};
use time::Date;

impl Tx {
    /// The agenda items of one case, oldest first.
    pub async fn case_safety_agenda(&mut self, case_id: CaseId) -> Result<Vec<SafetyAgendaItem>> {
        Ok(fetch_all!(
            self,
            "SELECT id, put_on, reason, discussed_on, outcome, follow_up FROM safety_agenda_items \
             WHERE case_id = $1 ORDER BY id",
            [case_id]
        ))
    }

    /// Puts a case on the agenda.
    pub async fn insert_safety_item(
        &mut self,
        municipality: &str,
        case_id: CaseId,
        put_on: Date,
        reason: &str,
        created_by: &str,
    ) -> Result<SafetyItemId> {
        Ok(scalar_one!(
            self,
            "INSERT INTO safety_agenda_items (municipality_code, case_id, put_on, reason, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            [municipality, case_id, put_on, reason, created_by, now()]
        ))
    }

    /// When an item of the case not yet discussed was put on the agenda; `None` when the
    /// case has no such item.
    pub async fn undiscussed_safety_item(
        &mut self,
        case_id: CaseId,
        item_id: SafetyItemId,
    ) -> Result<Option<Date>> {
        Ok(scalar_optional!(
            self,
            "SELECT put_on FROM safety_agenda_items WHERE id = $1 AND case_id = $2 AND discussed_on IS NULL",
            [item_id, case_id]
        ))
    }

    /// Stores the discussion of an agenda item.
    pub async fn set_safety_outcome(
        &mut self,
        item_id: SafetyItemId,
        discussed_on: Date,
        outcome: &str,
        follow_up: &str,
    ) -> Result<()> {
        execute!(
            self,
            "UPDATE safety_agenda_items SET discussed_on = $1, outcome = $2, follow_up = $3, updated_at = $4 WHERE id = $5",
            [discussed_on, outcome, follow_up, now(), item_id]
        );
        Ok(())
    }

    /// The agenda of a municipality's safety chamber, newest first, at most 200 items: the
    /// items not yet discussed or discussed recently enough to still give access, of cases
    /// not anonymised.
    pub async fn safety_agenda(&mut self, municipality: &str) -> Result<Vec<SafetyAgendaEntry>> {
        let cutoff = agenda_cutoff();
        let rows: Vec<Named<SafetyAgendaEntry>> = fetch_all!(
            self,
            "SELECT s.id, s.case_id, r.given_names, r.family_name, s.put_on, s.reason, s.discussed_on, s.outcome, \
             s.follow_up FROM safety_agenda_items s JOIN cases c ON c.id = s.case_id \
             JOIN residents r ON r.id = c.resident_id \
             WHERE s.municipality_code = $1 AND c.anonymised_at IS NULL AND (s.discussed_on IS NULL OR s.discussed_on >= $2) \
             ORDER BY s.put_on DESC, s.id DESC LIMIT 200",
            [municipality, cutoff]
        );
        Ok(rows
            .into_iter()
            .map(|r| SafetyAgendaEntry {
                resident: r.names.full(),
                ..r.row
            })
            .collect())
    }
}
