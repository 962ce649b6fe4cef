//! Residents: found by BSN, registered with a first notification, corrected.

use crate::Result;
use crate::db::{Tx, execute, fetch_one, now, scalar_all, scalar_one, scalar_optional};
use nazorg_domain::ids::{CaseId, ResidentId};
use nazorg_domain::search::search_key;
use nazorg_domain::signal::Identity;
use time::Date;

/// A resident as a first notification registers them.
pub struct NewResident<'a> {
    pub municipality: &'a str,
    /// The BSN, or for a provisional identity a placeholder that is none.
    pub bsn: &'a str,
    /// No BSN known yet: a provisional identity.
    pub provisional: bool,
    pub family_name: &'a str,
    pub given_names: &'a str,
    pub birth_date: Option<Date>,
}

impl Tx {
    pub async fn resident_by_bsn(
        &mut self,
        municipality: &str,
        bsn: &str,
    ) -> Result<Option<ResidentId>> {
        Ok(scalar_optional!(
            self,
            "SELECT id FROM residents WHERE municipality_code = $1 AND bsn = $2",
            [municipality, bsn]
        ))
    }

    /// Fills in a birth date that was unknown.
    pub async fn fill_birth_date(
        &mut self,
        resident_id: ResidentId,
        birth_date: Option<Date>,
    ) -> Result<()> {
        execute!(
            self,
            "UPDATE residents SET birth_date = COALESCE(birth_date, $1) WHERE id = $2",
            [birth_date, resident_id]
        );
        Ok(())
    }

    pub async fn insert_resident(&mut self, r: &NewResident<'_>) -> Result<ResidentId> {
        Ok(scalar_one!(
            self,
            "INSERT INTO residents (municipality_code, bsn, family_name, given_names, birth_date, search_name, provisional, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $8, $7, $7) RETURNING id",
            [
                r.municipality,
                r.bsn,
                r.family_name,
                r.given_names,
                r.birth_date,
                search_key(r.family_name),
                now(),
                r.provisional
            ]
        ))
    }

    /// A provisional resident (no BSN) of the municipality with this family name, given
    /// names and birth date, not merged into another: the same person notified again
    /// without a BSN.
    pub async fn provisional_resident(
        &mut self,
        municipality: &str,
        family_name: &str,
        given_names: &str,
        birth_date: Date,
    ) -> Result<Option<ResidentId>> {
        Ok(scalar_optional!(
            self,
            "SELECT id FROM residents WHERE municipality_code = $1 AND provisional = $2 AND merged_into IS NULL \
             AND search_name = $3 AND lower(given_names) = lower($4) AND birth_date = $5 ORDER BY id LIMIT 1",
            [
                municipality,
                true,
                search_key(family_name),
                given_names,
                birth_date
            ]
        ))
    }

    /// Whether a resident's identity is provisional (no BSN known).
    pub async fn is_provisional(&mut self, resident_id: ResidentId) -> Result<bool> {
        Ok(scalar_one!(
            self,
            "SELECT provisional FROM residents WHERE id = $1",
            [resident_id]
        ))
    }

    /// Gives a provisional resident its BSN: the identity is provisional no more.
    pub async fn confirm_bsn(&mut self, resident_id: ResidentId, bsn: &str) -> Result<()> {
        execute!(
            self,
            "UPDATE residents SET bsn = $1, provisional = $2, updated_at = $3 WHERE id = $4",
            [bsn, false, now(), resident_id]
        );
        Ok(())
    }

    /// Moves the cases of a provisional resident to the resident `into` and marks it
    /// merged there; the detention starts of the cases moved.
    pub async fn merge_resident(
        &mut self,
        from: ResidentId,
        into: ResidentId,
    ) -> Result<Vec<CaseId>> {
        let moved: Vec<CaseId> = scalar_all!(
            self,
            "SELECT id FROM cases WHERE resident_id = $1 ORDER BY id",
            [from]
        );
        execute!(
            self,
            "UPDATE cases SET resident_id = $1 WHERE resident_id = $2",
            [into, from]
        );
        execute!(
            self,
            "UPDATE residents SET merged_into = $1, updated_at = $2 WHERE id = $3",
            [into, now(), from]
        );
        Ok(moved)
    }

    /// Stores a resident's corrected name and birth date (the search key follows the name).
    pub async fn set_resident_identity(
        &mut self,
        resident_id: ResidentId,
        birth_date: Option<Date>,
        family_name: &str,
        given_names: &str,
    ) -> Result<()> {
        execute!(
            self,
            "UPDATE residents SET birth_date = $1, family_name = $2, given_names = $3, search_name = $4, updated_at = $5 WHERE id = $6",
            [
                birth_date,
                family_name,
                given_names,
                search_key(family_name),
                now(),
                resident_id
            ]
        );
        Ok(())
    }

    pub async fn resident_birth_date(&mut self, resident_id: ResidentId) -> Result<Option<Date>> {
        Ok(scalar_one!(
            self,
            "SELECT birth_date FROM residents WHERE id = $1",
            [resident_id]
        ))
    }

    /// Who a resident is held to be.
    pub async fn resident_identity(&mut self, resident_id: ResidentId) -> Result<Identity> {
        let (family_name, given_names, birth_date): (String, String, Option<Date>) = fetch_one!(
            self,
            "SELECT family_name, given_names, birth_date FROM residents WHERE id = $1",
            [resident_id]
        );
        Ok(Identity {
            family_name,
            given_names,
            birth_date,
        })
    }

    /// The municipality a resident belongs to, if they exist.
    pub async fn resident_municipality(
        &mut self,
        resident_id: ResidentId,
    ) -> Result<Option<String>> {
        Ok(scalar_optional!(
            self,
            "SELECT municipality_code FROM residents WHERE id = $1",
            [resident_id]
        ))
    }

    /// The cases of one resident, newest first.
    pub async fn resident_case_ids(&mut self, resident_id: ResidentId) -> Result<Vec<CaseId>> {
        Ok(scalar_all!(
            self,
            "SELECT id FROM cases WHERE resident_id = $1 ORDER BY id DESC",
            [resident_id]
        ))
    }
}
