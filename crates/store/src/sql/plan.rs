//! The plan of action, contacts, appointments and the household of a case.

use crate::Result;
use crate::db::{Tx, sql};
use crate::model::*;
use nazorg_domain::case::{ContactKind, Relation};
use nazorg_domain::triage::{LifeDomain, Need};
use time::{Date, OffsetDateTime};

impl Tx {
    pub async fn case_agreements(&mut self, case_id: i64) -> Result<Vec<Agreement>> {
        type Row = (
            i64,
            LifeDomain,
            String,
            String,
            Option<Date>,
            bool,
            Option<Date>,
        );
        let rows: Vec<Row> = sql!(self, |c| {
            sqlx::query_as(
            "SELECT id, domain, description, owner, due_date, done, done_on FROM agreements WHERE case_id = $1 ORDER BY id",
        )
        .bind(case_id)
        .fetch_all(&mut *c)
        .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, domain, description, owner, due_date, done, done_on)| Agreement {
                    id,
                    domain,
                    description,
                    owner,
                    due_date,
                    done,
                    done_on,
                },
            )
            .collect())
    }

    pub async fn insert_agreement(
        &mut self,
        case_id: i64,
        domain: LifeDomain,
        description: &str,
        owner: &str,
        due_date: Option<Date>,
    ) -> Result<i64> {
        let at = OffsetDateTime::now_utc();
        Ok(sql!(self, |c| {
            sqlx::query_scalar(
            "INSERT INTO agreements (case_id, domain, description, owner, due_date, done, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(case_id)
        .bind(domain)
        .bind(description)
        .bind(owner)
        .bind(due_date)
        .bind(false)
        .bind(at)
        .fetch_one(&mut *c)
        .await?
        }))
    }

    /// Ticks an agreement off (or opens it again); its description, if it is the case's.
    pub async fn set_agreement_done(
        &mut self,
        case_id: i64,
        agreement_id: i64,
        done: bool,
    ) -> Result<Option<String>> {
        let done_on = done.then(nazorg_domain::dates::today_nl);
        let at = OffsetDateTime::now_utc();
        Ok(sql!(self, |c| {
            sqlx::query_scalar(
            "UPDATE agreements SET done = $1, done_on = $2, updated_at = $3 WHERE id = $4 AND case_id = $5 RETURNING description",
        )
        .bind(done)
        .bind(done_on)
        .bind(at)
        .bind(agreement_id)
        .bind(case_id)
        .fetch_optional(&mut *c)
        .await?
        }))
    }

    pub async fn case_contacts(&mut self, case_id: i64) -> Result<Vec<Contact>> {
        let rows: Vec<(i64, Date, ContactKind, String, String)> = sql!(self, |c| {
            sqlx::query_as(
            "SELECT id, contact_date, kind, note, created_by FROM contacts WHERE case_id = $1 ORDER BY contact_date DESC, id DESC",
        )
        .bind(case_id)
        .fetch_all(&mut *c)
        .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, date, kind, note, created_by)| Contact {
                id,
                date,
                kind,
                note,
                created_by,
            })
            .collect())
    }

    pub async fn insert_contact(
        &mut self,
        case_id: i64,
        date: Date,
        kind: ContactKind,
        note: &str,
        created_by: &str,
    ) -> Result<i64> {
        let at = OffsetDateTime::now_utc();
        Ok(sql!(self, |c| {
            sqlx::query_scalar(
            "INSERT INTO contacts (case_id, contact_date, kind, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(case_id)
        .bind(date)
        .bind(kind)
        .bind(note)
        .bind(created_by)
        .bind(at)
        .fetch_one(&mut *c)
        .await?
        }))
    }

    pub async fn case_household(&mut self, case_id: i64) -> Result<Vec<HouseholdMember>> {
        let rows: Vec<(i64, Relation, bool, Need, String)> = sql!(self, |c| {
            sqlx::query_as(
            "SELECT id, relation, is_minor, support_need, note FROM household_members WHERE case_id = $1 ORDER BY id",
        )
        .bind(case_id)
        .fetch_all(&mut *c)
        .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, relation, is_minor, support_need, note)| HouseholdMember {
                    id,
                    relation,
                    is_minor,
                    support_need,
                    note,
                },
            )
            .collect())
    }

    pub async fn insert_household_member(
        &mut self,
        case_id: i64,
        input: &HouseholdInput,
        note: &str,
    ) -> Result<i64> {
        let at = OffsetDateTime::now_utc();
        Ok(sql!(self, |c| {
            sqlx::query_scalar(
            "INSERT INTO household_members (case_id, relation, is_minor, support_need, note, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(case_id)
        .bind(input.relation)
        .bind(input.is_minor)
        .bind(input.support_need)
        .bind(note)
        .bind(at)
        .fetch_one(&mut *c)
        .await?
        }))
    }

    /// Whether a household member of the case is a minor; `None` if not the case's.
    pub async fn household_member_is_minor(
        &mut self,
        case_id: i64,
        member_id: i64,
    ) -> Result<Option<bool>> {
        Ok(sql!(self, |c| sqlx::query_scalar(
            "SELECT is_minor FROM household_members WHERE id = $1 AND case_id = $2"
        )
        .bind(member_id)
        .bind(case_id)
        .fetch_optional(&mut *c)
        .await?))
    }

    /// Relation and minority of a household member.
    pub async fn household_member(&mut self, member_id: i64) -> Result<(Relation, bool)> {
        Ok(sql!(self, |c| sqlx::query_as(
            "SELECT relation, is_minor FROM household_members WHERE id = $1"
        )
        .bind(member_id)
        .fetch_one(&mut *c)
        .await?))
    }

    pub async fn case_appointments(&mut self, case_id: i64) -> Result<Vec<Appointment>> {
        let rows: Vec<(i64, OffsetDateTime, ContactKind, String)> = sql!(self, |c| {
            sqlx::query_as(
            "SELECT id, starts_at, kind, place FROM appointments WHERE case_id = $1 ORDER BY starts_at",
        )
        .bind(case_id)
        .fetch_all(&mut *c)
        .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, starts_at, kind, place)| Appointment {
                id,
                starts_at,
                kind,
                place,
            })
            .collect())
    }

    pub async fn insert_appointment(
        &mut self,
        case_id: i64,
        starts_at: OffsetDateTime,
        kind: ContactKind,
        place: &str,
        created_by: &str,
    ) -> Result<i64> {
        let at = OffsetDateTime::now_utc();
        Ok(sql!(self, |c| {
            sqlx::query_scalar(
            "INSERT INTO appointments (case_id, starts_at, kind, place, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(case_id)
        .bind(starts_at)
        .bind(kind)
        .bind(place)
        .bind(created_by)
        .bind(at)
        .fetch_one(&mut *c)
        .await?
        }))
    }
}
