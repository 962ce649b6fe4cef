//! Referrals to partner organisations: asked, followed step by step, reported back.

use crate::db::{Tx, execute, fetch_all, fetch_optional, now, scalar_one, sql};
use crate::model::*;
use crate::{Result, StoreError};
use nazorg_domain::ids::{
    CaseId, HouseholdMemberId, PartnerId, ReferralId, ResidentId, ServiceKindId,
};
use nazorg_domain::notification::MunicipalityCode;
use nazorg_domain::referral::{
    self, BudgetLineCode, PartnerKind, ReferralResult, ReferralStatus, ReferralStep,
};
use nazorg_domain::triage::LifeDomain;
use sqlx::QueryBuilder;
use time::{Date, OffsetDateTime};

const REFERRAL_SELECT: &str = "SELECT f.id, f.case_id, r.given_names, r.family_name, f.partner_id, p.name AS partner, \
                               p.kind AS partner_kind, f.household_member_id, f.domains, f.reason, s.name AS service, f.price_cents, f.over_cap_reason, \
                               f.status, f.asked_on, f.accepted_on, f.started_on, f.ended_on, f.return_reason, f.result, f.result_note, f.acknowledged_at, \
                               f.municipality_code, c.resident_id \
                               FROM referrals f JOIN partners p ON p.id = f.partner_id JOIN cases c ON c.id = f.case_id \
                               JOIN residents r ON r.id = c.resident_id LEFT JOIN service_kinds s ON s.id = f.service_kind_id";

/// A row of [`REFERRAL_SELECT`]: the referral, the columns its derived fields come from, and
/// what access to it is judged on.
#[derive(sqlx::FromRow)]
struct ReferralRow {
    #[sqlx(flatten)]
    referral: Referral,
    given_names: String,
    family_name: String,
    domains: String,
    acknowledged_at: Option<OffsetDateTime>,
    municipality_code: MunicipalityCode,
    resident_id: ResidentId,
}

impl From<ReferralRow> for StoredReferral {
    fn from(r: ReferralRow) -> Self {
        StoredReferral {
            municipality_code: r.municipality_code,
            resident_id: r.resident_id,
            referral: Referral {
                resident: if r.given_names.is_empty() {
                    r.family_name
                } else {
                    format!("{} {}", r.given_names, r.family_name)
                },
                domains: referral::decode_domains(&r.domains),
                acknowledged: r.acknowledged_at.is_some(),
                ..r.referral
            },
        }
    }
}

fn into_referrals(rows: Vec<ReferralRow>) -> Vec<Referral> {
    rows.into_iter()
        .map(|r| StoredReferral::from(r).referral)
        .collect()
}

/// A referral with the municipality and resident it belongs to (what access is judged on).
pub struct StoredReferral {
    pub referral: Referral,
    pub municipality_code: MunicipalityCode,
    pub resident_id: ResidentId,
}

/// A partner as a new referral names it.
#[derive(sqlx::FromRow)]
pub struct ReferralPartner {
    pub name: String,
    pub kind: PartnerKind,
    pub active: bool,
}

/// An active bought service as a new referral names it.
#[derive(sqlx::FromRow)]
pub struct ReferralService {
    pub name: String,
    pub partner_kind: PartnerKind,
    pub price_cents: i64,
    pub budget_line: BudgetLineCode,
}

/// A new referral, asked now.
pub struct NewReferral<'a> {
    pub municipality: &'a str,
    pub case_id: CaseId,
    pub partner_id: PartnerId,
    pub household_member_id: Option<HouseholdMemberId>,
    pub domains: &'a [LifeDomain],
    pub reason: &'a str,
    pub service_kind_id: Option<ServiceKindId>,
    /// Price, budget line and year of the bought service, if any.
    pub price_cents: Option<i64>,
    pub budget_line: Option<BudgetLineCode>,
    pub budget_year: Option<i32>,
    pub over_cap_reason: Option<&'a str>,
    pub asked_on: Date,
    pub created_by: &'a str,
}

/// A step on a referral: its new status and dates; the texts are kept where given.
pub struct ReferralChange<'a> {
    pub referral_id: ReferralId,
    /// The status the step was judged on: the change is made only if it still holds.
    pub from: ReferralStatus,
    pub to: ReferralStatus,
    pub accepted_on: Option<Date>,
    pub started_on: Option<Date>,
    pub ended_on: Option<Date>,
    pub return_reason: Option<&'a str>,
    pub result: Option<ReferralResult>,
    pub result_note: Option<&'a str>,
}

impl Tx {
    /// A partner of the municipality, if it has one with this id.
    pub async fn referral_partner(
        &mut self,
        municipality: &str,
        partner_id: PartnerId,
    ) -> Result<Option<ReferralPartner>> {
        Ok(fetch_optional!(
            self,
            "SELECT name, kind, active FROM partners WHERE id = $1 AND municipality_code = $2",
            [partner_id, municipality]
        ))
    }

    /// An active service of the municipality, if it has one with this id.
    pub async fn referral_service(
        &mut self,
        municipality: &str,
        service_id: ServiceKindId,
    ) -> Result<Option<ReferralService>> {
        Ok(fetch_optional!(
            self,
            "SELECT name, partner_kind, price_cents, budget_line FROM service_kinds \
             WHERE id = $1 AND municipality_code = $2 AND active = $3",
            [service_id, municipality, true]
        ))
    }

    /// Stores a new referral, with the status ‘asked’.
    pub async fn insert_referral(&mut self, r: &NewReferral<'_>) -> Result<ReferralId> {
        let domains = referral::encode_domains(r.domains);
        let year = r.budget_year.map(i64::from);
        Ok(scalar_one!(
            self,
            "INSERT INTO referrals (municipality_code, case_id, partner_id, household_member_id, domains, reason, \
             service_kind_id, price_cents, budget_line, budget_year, over_cap_reason, status, asked_on, created_by, \
             created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
            [
                r.municipality,
                r.case_id,
                r.partner_id,
                r.household_member_id,
                &domains,
                r.reason,
                r.service_kind_id,
                r.price_cents,
                r.budget_line,
                year,
                r.over_cap_reason,
                ReferralStatus::Asked,
                r.asked_on,
                r.created_by,
                now()
            ]
        ))
    }

    /// One page of a municipality's referrals, newest first (before `before_id`), only
    /// those to `partner` when given; `limit + 1` rows, so the caller knows whether there
    /// is more.
    pub async fn list_referrals(
        &mut self,
        municipality: &str,
        partner: Option<PartnerId>,
        filter: &ReferralFilter,
        before_id: Option<ReferralId>,
        limit: u32,
    ) -> Result<Vec<Referral>> {
        let rows: Vec<ReferralRow> = sql!(self, |c| {
            let mut q = QueryBuilder::<DB>::new(REFERRAL_SELECT);
            q.push(" WHERE f.municipality_code = ")
                .push_bind(municipality.to_string());
            if let Some(partner) = partner {
                q.push(" AND f.partner_id = ").push_bind(partner);
            }
            if let Some(status) = filter.status {
                q.push(" AND f.status = ").push_bind(status);
            } else if filter.open_only {
                q.push(" AND f.status IN ('asked', 'accepted', 'started')");
            }
            if filter.unacknowledged {
                q.push(" AND f.status IN ('finished', 'returned') AND f.acknowledged_at IS NULL");
            }
            if let Some(coordinator) = filter.for_coordinator {
                // A report back goes to the case's own coordinator (or to all, while unassigned).
                q.push(" AND (c.coordinator_id = ")
                    .push_bind(coordinator)
                    .push(" OR c.coordinator_id IS NULL)");
            }
            if let Some(before) = before_id {
                q.push(" AND f.id < ").push_bind(before);
            }
            q.push(" ORDER BY f.id DESC LIMIT ")
                .push_bind(i64::from(limit) + 1);
            q.build_query_as().fetch_all(&mut *c).await?
        });
        Ok(into_referrals(rows))
    }

    /// One referral, with the municipality and resident it belongs to.
    pub async fn referral_by_id(&mut self, referral_id: ReferralId) -> Result<StoredReferral> {
        let row: Option<ReferralRow> = fetch_optional!(
            self,
            &format!("{REFERRAL_SELECT} WHERE f.id = $1"),
            [referral_id]
        );
        row.map(StoredReferral::from).ok_or(StoreError::NotFound)
    }

    /// The referrals of one case, oldest first.
    pub async fn case_referrals(&mut self, case_id: CaseId) -> Result<Vec<Referral>> {
        let rows: Vec<ReferralRow> = fetch_all!(
            self,
            &format!("{REFERRAL_SELECT} WHERE f.case_id = $1 ORDER BY f.id"),
            [case_id]
        );
        Ok(into_referrals(rows))
    }

    /// The municipality and partner of a referral, if it exists (for the access policy).
    pub async fn referral_owner(
        &mut self,
        referral_id: ReferralId,
    ) -> Result<Option<(String, PartnerId)>> {
        Ok(fetch_optional!(
            self,
            "SELECT municipality_code, partner_id FROM referrals WHERE id = $1",
            [referral_id]
        ))
    }

    /// The progress notes of a referral, oldest first.
    pub async fn referral_notes(&mut self, referral_id: ReferralId) -> Result<Vec<ReferralNote>> {
        Ok(fetch_all!(
            self,
            "SELECT note_date, step, note, author FROM referral_notes WHERE referral_id = $1 ORDER BY id",
            [referral_id]
        ))
    }

    /// Stores a step on a referral and clears its acknowledgement; `false` when its status
    /// is no longer `from` (someone else changed it meanwhile).
    pub async fn change_referral(&mut self, ch: &ReferralChange<'_>) -> Result<bool> {
        let changed = execute!(
            self,
            "UPDATE referrals SET status = $1, accepted_on = $2, started_on = $3, ended_on = $4, \
             return_reason = COALESCE($5, return_reason), result = COALESCE($6, result), \
             result_note = COALESCE($7, result_note), acknowledged_at = NULL, updated_at = $8 \
             WHERE id = $9 AND status = $10",
            [
                ch.to,
                ch.accepted_on,
                ch.started_on,
                ch.ended_on,
                ch.return_reason,
                ch.result,
                ch.result_note,
                now(),
                ch.referral_id,
                ch.from
            ]
        );
        Ok(changed > 0)
    }

    /// Adds a line to a referral's progress.
    pub async fn insert_referral_note(
        &mut self,
        referral_id: ReferralId,
        date: Date,
        step: ReferralStep,
        note: &str,
        author: &str,
    ) -> Result<()> {
        execute!(
            self,
            "INSERT INTO referral_notes (referral_id, note_date, step, note, author, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            [referral_id, date, step, note, author, now()]
        );
        Ok(())
    }

    /// Marks a referral's report back as seen.
    pub async fn set_referral_acknowledged(&mut self, referral_id: ReferralId) -> Result<()> {
        execute!(
            self,
            "UPDATE referrals SET acknowledged_at = $1 WHERE id = $2",
            [now(), referral_id]
        );
        Ok(())
    }

    /// Withdraws the referrals of a case that never started (asked or accepted), ending
    /// them `on` with `reason`; how many.
    pub async fn withdraw_unstarted_referrals(
        &mut self,
        case_id: CaseId,
        on: Date,
        reason: &str,
    ) -> Result<u64> {
        Ok(execute!(
            self,
            "UPDATE referrals SET status = $1, ended_on = $2, return_reason = $3, updated_at = $4 \
             WHERE case_id = $5 AND status IN ('asked', 'accepted')",
            [ReferralStatus::Withdrawn, on, reason, now(), case_id]
        ))
    }
}
