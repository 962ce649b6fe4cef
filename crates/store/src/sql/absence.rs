//! Absences of coordinators and who stands in for them.

use crate::Result;
use crate::db::{Tx, execute, fetch_all, fetch_optional, now, scalar_one, scalar_optional};
use crate::model::Absence;
use nazorg_domain::access::Role;
use nazorg_domain::ids::{AbsenceId, UserId};
use time::Date;

/// A new absence, as a team lead registers it.
pub struct NewAbsence<'a> {
    pub municipality: &'a str,
    pub user_id: UserId,
    pub substitute_id: UserId,
    pub starts_on: Date,
    pub ends_on: Date,
    pub note: &'a str,
    pub created_by: &'a str,
}

impl Tx {
    /// Display name and role of an active user of the municipality, if there is one.
    pub async fn active_user_name_role(
        &mut self,
        municipality: &str,
        user_id: UserId,
    ) -> Result<Option<(String, Role)>> {
        Ok(fetch_optional!(
            self,
            "SELECT display_name, role FROM users WHERE id = $1 AND municipality_code = $2 AND active = $3",
            [user_id, municipality, true]
        ))
    }

    pub async fn insert_absence(&mut self, a: &NewAbsence<'_>) -> Result<AbsenceId> {
        Ok(scalar_one!(
            self,
            "INSERT INTO absences (municipality_code, user_id, substitute_id, starts_on, ends_on, note, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            [
                a.municipality,
                a.user_id,
                a.substitute_id,
                a.starts_on,
                a.ends_on,
                a.note,
                a.created_by,
                now()
            ]
        ))
    }

    /// The absences of a municipality that end on or after `from`, in order of their start.
    pub async fn absences_from(&mut self, municipality: &str, from: Date) -> Result<Vec<Absence>> {
        Ok(fetch_all!(
            self,
            "SELECT a.id, a.user_id, u.display_name AS user_name, a.substitute_id, s.display_name AS substitute_name, \
             a.starts_on, a.ends_on, a.note FROM absences a JOIN users u ON u.id = a.user_id JOIN users s ON s.id = a.substitute_id \
             WHERE a.municipality_code = $1 AND a.ends_on >= $2 ORDER BY a.starts_on, a.id",
            [municipality, from]
        ))
    }

    /// The first day of an absence of the municipality, if it exists.
    pub async fn absence_start(
        &mut self,
        municipality: &str,
        absence_id: AbsenceId,
    ) -> Result<Option<Date>> {
        Ok(scalar_optional!(
            self,
            "SELECT starts_on FROM absences WHERE id = $1 AND municipality_code = $2",
            [absence_id, municipality]
        ))
    }

    pub async fn delete_absence(&mut self, absence_id: AbsenceId) -> Result<()> {
        execute!(self, "DELETE FROM absences WHERE id = $1", [absence_id]);
        Ok(())
    }

    pub async fn set_absence_end(&mut self, absence_id: AbsenceId, ends_on: Date) -> Result<()> {
        execute!(
            self,
            "UPDATE absences SET ends_on = $1 WHERE id = $2",
            [ends_on, absence_id]
        );
        Ok(())
    }
}
