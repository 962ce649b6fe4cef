//! The plan of action, contacts, appointments and the household of a case.

use crate::Result;
use crate::db::{Tx, fetch_all, fetch_one, now, scalar_one, scalar_optional};
use crate::model::*;
use nazorg_domain::case::{ContactKind, Relation};
use nazorg_domain::ids::{AgreementId, AppointmentId, CaseId, ContactId, HouseholdMemberId};
use nazorg_domain::triage::LifeDomain;
use time::{Date, OffsetDateTime};

impl Tx {
    pub async fn case_agreements(&mut self, case_id: CaseId) -> Result<Vec<Agreement>> {
        Ok(fetch_all!(
            self,
            "SELECT id, domain, description, owner, due_date, done, done_on FROM agreements WHERE case_id = $1 ORDER BY id",
            [case_id]
        ))
    }

    pub async fn insert_agreement(
        &mut self,
        case_id: CaseId,
        domain: LifeDomain,
        description: &str,
        owner: &str,
        due_date: Option<Date>,
    ) -> Result<AgreementId> {
        Ok(scalar_one!(
            self,
            "INSERT INTO agreements (case_id, domain, description, owner, due_date, done, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
            [case_id, domain, description, owner, due_date, false, now()]
        ))
    }

    /// Ticks an agreement off (or opens it again); its description, if it is the case's.
    pub async fn set_agreement_done(
        &mut self,
        case_id: CaseId,
        agreement_id: AgreementId,
        done: bool,
    ) -> Result<Option<String>> {
        let done_on = done.then(nazorg_domain::dates::today_nl);
        Ok(scalar_optional!(
            self,
            "UPDATE agreements SET done = $1, done_on = $2, updated_at = $3 WHERE id = $4 AND case_id = $5 RETURNING description",
            [done, done_on, now(), agreement_id, case_id]
        ))
    }

    pub async fn case_contacts(&mut self, case_id: CaseId) -> Result<Vec<Contact>> {
        Ok(fetch_all!(
            self,
            "SELECT id, contact_date, kind, note, created_by FROM contacts WHERE case_id = $1 ORDER BY contact_date DESC, id DESC",
            [case_id]
        ))
    }

    pub async fn insert_contact(
        &mut self,
        case_id: CaseId,
        date: Date,
        kind: ContactKind,
        note: &str,
        created_by: &str,
    ) -> Result<ContactId> {
        Ok(scalar_one!(
            self,
            "INSERT INTO contacts (case_id, contact_date, kind, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            [case_id, date, kind, note, created_by, now()]
        ))
    }

    pub async fn case_household(&mut self, case_id: CaseId) -> Result<Vec<HouseholdMember>> {
        Ok(fetch_all!(
            self,
            "SELECT id, relation, is_minor, support_need, note FROM household_members WHERE case_id = $1 ORDER BY id",
            [case_id]
        ))
    }

    pub async fn insert_household_member(
        &mut self,
        case_id: CaseId,
        input: &HouseholdInput,
        note: &str,
    ) -> Result<HouseholdMemberId> {
        Ok(scalar_one!(
            self,
            "INSERT INTO household_members (case_id, relation, is_minor, support_need, note, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            [
                case_id,
                input.relation,
                input.is_minor,
                input.support_need,
                note,
                now()
            ]
        ))
    }

    /// Whether a household member of the case is a minor; `None` if not the case's.
    pub async fn household_member_is_minor(
        &mut self,
        case_id: CaseId,
        member_id: HouseholdMemberId,
    ) -> Result<Option<bool>> {
        Ok(scalar_optional!(
            self,
            "SELECT is_minor FROM household_members WHERE id = $1 AND case_id = $2",
            [member_id, case_id]
        ))
    }

    /// Relation and minority of a household member.
    pub async fn household_member(
        &mut self,
        member_id: HouseholdMemberId,
    ) -> Result<(Relation, bool)> {
        Ok(fetch_one!(
            self,
            "SELECT relation, is_minor FROM household_members WHERE id = $1",
            [member_id]
        ))
    }

    pub async fn case_appointments(&mut self, case_id: CaseId) -> Result<Vec<Appointment>> {
        Ok(fetch_all!(
            self,
            "SELECT id, starts_at, kind, place FROM appointments WHERE case_id = $1 ORDER BY starts_at",
            [case_id]
        ))
    }

    pub async fn insert_appointment(
        &mut self,
        case_id: CaseId,
        starts_at: OffsetDateTime,
        kind: ContactKind,
        place: &str,
        created_by: &str,
    ) -> Result<AppointmentId> {
        Ok(scalar_one!(
            self,
            "INSERT INTO appointments (case_id, starts_at, kind, place, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            [case_id, starts_at, kind, place, created_by, now()]
        ))
    }
}
