//! The fields each step on a case writes: offer, triage, direction, readiness, release,
//! override, coordinator, closure.

use crate::Result;
use crate::db::{Tx, sql};
use crate::model::*;
use nazorg_domain::case::{ContactKind, OfferOutcome};
use nazorg_domain::eligibility::Eligibility;
use nazorg_domain::triage::{Direction, DomainTriage};
use time::{Date, OffsetDateTime};

impl Tx {
    pub async fn set_offer(
        &mut self,
        case_id: i64,
        outcome: OfferOutcome,
        date: Date,
        kind: ContactKind,
    ) -> Result<()> {
        sql!(self, |c| {
            sqlx::query(
            "UPDATE cases SET offer_outcome = $1, offer_date = $2, offer_contact_kind = $3 WHERE id = $4"
        )
        .bind(outcome)
        .bind(date)
        .bind(kind)
        .bind(case_id)
        .execute(&mut *c)
        .await?
        .rows_affected()
        });
        Ok(())
    }

    /// Replaces the triage of a case.
    pub async fn set_triage(
        &mut self,
        case_id: i64,
        domains: &[DomainTriage],
        note: &str,
        known_to_skt: Option<bool>,
        known_to_safety_chamber: Option<bool>,
    ) -> Result<()> {
        sql!(self, |c| {
            sqlx::query("DELETE FROM triage_domains WHERE case_id = $1")
                .bind(case_id)
                .execute(&mut *c)
                .await?;
            for t in domains {
                sqlx::query(
                    "INSERT INTO triage_domains (case_id, domain, need, self_reliance) VALUES ($1, $2, $3, $4)",
                )
                .bind(case_id)
                .bind(t.domain)
                .bind(t.need)
                .bind(t.self_reliance)
                .execute(&mut *c)
                .await?;
            }
            sqlx::query(
                "UPDATE cases SET triage_note = $1, known_to_skt = $2, known_to_safety_chamber = $3 WHERE id = $4",
            )
            .bind(note)
            .bind(known_to_skt)
            .bind(known_to_safety_chamber)
            .bind(case_id)
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    pub async fn direction_of(&mut self, case_id: i64) -> Result<Option<Direction>> {
        Ok(sql!(self, |c| sqlx::query_scalar(
            "SELECT direction FROM cases WHERE id = $1"
        )
        .bind(case_id)
        .fetch_one(&mut *c)
        .await?))
    }

    /// Stores the direction; `since` restarts when it changed; the first coordinator to
    /// decide becomes the case's coordinator when it has none.
    pub async fn set_direction(
        &mut self,
        case_id: i64,
        direction: Direction,
        reason: &str,
        changed: bool,
        coordinator: Option<i64>,
    ) -> Result<()> {
        let day = nazorg_domain::dates::today_nl();
        sql!(self, |c| {
            sqlx::query(
            "UPDATE cases SET direction = $1, direction_reason = $2, direction_since = CASE WHEN $3 THEN $4 ELSE direction_since END, \
             coordinator_id = COALESCE(coordinator_id, $5) WHERE id = $6",
        )
        .bind(direction)
        .bind(reason)
        .bind(changed)
        .bind(day)
        .bind(coordinator)
        .bind(case_id)
        .execute(&mut *c)
        .await?
        .rows_affected()
        });
        Ok(())
    }

    pub async fn set_readiness(&mut self, case_id: i64, r: &ReadinessInput) -> Result<()> {
        sql!(self, |c| {
            sqlx::query(
            "UPDATE cases SET ready_housing = $1, ready_brp = $2, ready_id = $3, ready_income = $4 WHERE id = $5"
        )
        .bind(r.housing)
        .bind(r.brp)
        .bind(r.id_document)
        .bind(r.income)
        .bind(case_id)
        .execute(&mut *c)
        .await?
        .rows_affected()
        });
        Ok(())
    }

    pub async fn set_release(
        &mut self,
        case_id: i64,
        released: Date,
        aftercare_end: Date,
    ) -> Result<()> {
        sql!(self, |c| sqlx::query(
            "UPDATE cases SET actual_release = $1, aftercare_end = $2 WHERE id = $3"
        )
        .bind(released)
        .bind(aftercare_end)
        .bind(case_id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Sets (`Some`) or withdraws (`None`) an override of the eligibility outcome.
    pub async fn set_override(
        &mut self,
        case_id: i64,
        outcome: Option<(Eligibility, &str, &str)>,
    ) -> Result<()> {
        let at = outcome.map(|_| OffsetDateTime::now_utc());
        sql!(self, |c| {
            sqlx::query(
            "UPDATE cases SET override_eligibility = $1, override_reason = $2, override_by = $3, override_at = $4 WHERE id = $5",
        )
        .bind(outcome.map(|o| o.0))
        .bind(outcome.map(|o| o.1))
        .bind(outcome.map(|o| o.2))
        .bind(at)
        .bind(case_id)
        .execute(&mut *c)
        .await?
        .rows_affected()
        });
        Ok(())
    }

    pub async fn set_coordinator(&mut self, case_id: i64, user_id: Option<i64>) -> Result<()> {
        sql!(self, |c| sqlx::query(
            "UPDATE cases SET coordinator_id = $1 WHERE id = $2"
        )
        .bind(user_id)
        .bind(case_id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    }

    /// The outcome in force and the actual release, which closing is judged on.
    pub async fn closing_facts(&mut self, case_id: i64) -> Result<(Eligibility, Option<Date>)> {
        Ok(sql!(self, |c| sqlx::query_as(
            "SELECT eligibility_in_force, actual_release FROM cases WHERE id = $1"
        )
        .bind(case_id)
        .fetch_one(&mut *c)
        .await?))
    }

    /// Stores the closure: its reason, results per life domain and overall, and the note.
    pub async fn set_closure(
        &mut self,
        case_id: i64,
        close: &CloseInput,
        note: &str,
    ) -> Result<()> {
        sql!(self, |c| {
            sqlx::query("DELETE FROM closure_results WHERE case_id = $1")
                .bind(case_id)
                .execute(&mut *c)
                .await?;
            for (domain, result) in &close.results {
                sqlx::query(
                    "INSERT INTO closure_results (case_id, domain, result) VALUES ($1, $2, $3)",
                )
                .bind(case_id)
                .bind(*domain)
                .bind(*result)
                .execute(&mut *c)
                .await?;
            }
            sqlx::query(
                "UPDATE cases SET closing_reason = $1, overall_result = $2, closing_note = $3, closed_on = $4 WHERE id = $5",
            )
            .bind(close.reason)
            .bind(close.overall)
            .bind(note)
            .bind(close.date)
            .bind(case_id)
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        Ok(())
    }
}
