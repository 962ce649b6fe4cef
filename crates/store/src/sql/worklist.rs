//! The worklist's facts: the open cases in scope with what their deadlines are derived from.

use crate::Result;
use crate::db::{Tx, push_ids, sql};
use crate::model::Scope;
use nazorg_domain::case::ReadinessItem;
use nazorg_domain::deadlines::{AgreementFacts, CaseFacts, ReferralFacts};
use nazorg_domain::ids::{AgreementId, CaseId, ReferralId, UserId};
use nazorg_domain::lifecycle::Status;
use nazorg_domain::referral::ReferralStatus;
use sqlx::QueryBuilder;
use std::collections::HashMap;
use time::Date;

/// At most this many case ids go into one `IN (…)` list.
const CHUNK: usize = 500;

/// One open case in a worklist's scope: its facts and whom it is about.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorklistRow {
    pub id: CaseId,
    pub status: Status,
    pub notified_on: Date,
    pub expected_release: Option<Date>,
    pub actual_release: Option<Date>,
    pub ready_housing: bool,
    pub ready_brp: bool,
    pub ready_id: bool,
    pub ready_income: bool,
    pub aftercare_end: Option<Date>,
    pub coordinator_id: Option<UserId>,
    pub given_names: String,
    pub family_name: String,
    pub coordinator: Option<String>,
}

impl WorklistRow {
    /// The deadline facts of the case itself, before contacts, agreements and referrals.
    fn facts(&self) -> CaseFacts {
        let ready = [
            (self.ready_housing, ReadinessItem::Housing),
            (self.ready_brp, ReadinessItem::BrpRegistration),
            (self.ready_id, ReadinessItem::IdDocument),
            (self.ready_income, ReadinessItem::Income),
        ]
        .into_iter()
        .filter_map(|(flag, item)| flag.then_some(item))
        .collect();
        CaseFacts {
            case_id: self.id,
            status: self.status,
            notified_on: self.notified_on,
            expected_release: self.expected_release,
            actual_release: self.actual_release,
            ready,
            aftercare_end: self.aftercare_end,
            last_contact: None,
            agreements: Vec::new(),
            referrals: Vec::new(),
        }
    }
}

impl Tx {
    /// Open cases in scope on `day`, with their facts (three more queries for all of them
    /// together, per 500 cases).
    pub async fn case_facts(
        &mut self,
        municipality: &str,
        scope: Scope,
        day: Date,
    ) -> Result<Vec<(CaseFacts, WorklistRow)>> {
        let rows = self.open_cases_in_scope(municipality, scope, day).await?;
        let mut facts: Vec<(CaseFacts, WorklistRow)> =
            rows.into_iter().map(|row| (row.facts(), row)).collect();
        let index: HashMap<CaseId, usize> = facts
            .iter()
            .enumerate()
            .map(|(i, (f, _))| (f.case_id, i))
            .collect();
        let ids: Vec<CaseId> = facts.iter().map(|(f, _)| f.case_id).collect();
        for chunk in ids.chunks(CHUNK) {
            for (case, last) in self.last_contacts(chunk).await? {
                if let Some(i) = index.get(&case) {
                    facts[*i].0.last_contact = last;
                }
            }
            for (case, agreement) in self.open_agreement_facts(chunk).await? {
                if let Some(i) = index.get(&case) {
                    facts[*i].0.agreements.push(agreement);
                }
            }
            for (case, referral) in self.running_referral_facts(chunk).await? {
                if let Some(i) = index.get(&case) {
                    facts[*i].0.referrals.push(referral);
                }
            }
        }
        Ok(facts)
    }

    /// The open cases of a municipality; for one user only their own, the unassigned ones
    /// and those of colleagues they stand in for on `day`.
    async fn open_cases_in_scope(
        &mut self,
        municipality: &str,
        scope: Scope,
        day: Date,
    ) -> Result<Vec<WorklistRow>> {
        Ok(sql!(self, |c| {
            let mut q = QueryBuilder::<DB>::new(
                "SELECT c.id, c.status, c.notified_on, c.expected_release, c.actual_release, c.ready_housing, c.ready_brp, c.ready_id, \
                 c.ready_income, c.aftercare_end, c.coordinator_id, r.given_names, r.family_name, u.display_name AS coordinator \
                 FROM cases c JOIN residents r ON r.id = c.resident_id LEFT JOIN users u ON u.id = c.coordinator_id WHERE c.municipality_code = ",
            );
            q.push_bind(municipality.to_string())
                .push(" AND c.is_open = ")
                .push_bind(true);
            if let Scope::Of(user) = scope {
                q.push(" AND (c.coordinator_id IS NULL OR c.coordinator_id = ")
                    .push_bind(user);
                q.push(
                    " OR c.coordinator_id IN (SELECT user_id FROM absences WHERE substitute_id = ",
                )
                .push_bind(user);
                q.push(" AND starts_on <= ")
                    .push_bind(day)
                    .push(" AND ends_on >= ")
                    .push_bind(day)
                    .push("))");
            }
            q.push(" ORDER BY c.id");
            q.build_query_as::<WorklistRow>().fetch_all(&mut *c).await?
        }))
    }

    /// The last contact date of each of these cases that has one.
    async fn last_contacts(&mut self, case_ids: &[CaseId]) -> Result<Vec<(CaseId, Option<Date>)>> {
        Ok(sql!(self, |c| {
            let mut q = QueryBuilder::<DB>::new(
                "SELECT case_id, MAX(contact_date) FROM contacts WHERE case_id IN (",
            );
            push_ids(&mut q, case_ids);
            q.push(") GROUP BY case_id");
            q.build_query_as().fetch_all(&mut *c).await?
        }))
    }

    /// The agreements of these cases that are not done yet.
    async fn open_agreement_facts(
        &mut self,
        case_ids: &[CaseId],
    ) -> Result<Vec<(CaseId, AgreementFacts)>> {
        let rows: Vec<(CaseId, AgreementId, Option<Date>, bool)> = sql!(self, |c| {
            let mut q = QueryBuilder::<DB>::new(
                "SELECT case_id, id, due_date, done FROM agreements WHERE done = ",
            );
            q.push_bind(false).push(" AND case_id IN (");
            push_ids(&mut q, case_ids);
            q.push(")");
            q.build_query_as().fetch_all(&mut *c).await?
        });
        Ok(rows
            .into_iter()
            .map(|(case, id, due, done)| (case, AgreementFacts { id, due, done }))
            .collect())
    }

    /// The referrals of these cases that are asked or accepted but not started.
    async fn running_referral_facts(
        &mut self,
        case_ids: &[CaseId],
    ) -> Result<Vec<(CaseId, ReferralFacts)>> {
        let rows: Vec<(CaseId, ReferralId, ReferralStatus, Date)> = sql!(self, |c| {
            let mut q = QueryBuilder::<DB>::new(
                "SELECT case_id, id, status, asked_on FROM referrals WHERE status IN ('asked', 'accepted') AND case_id IN (",
            );
            push_ids(&mut q, case_ids);
            q.push(")");
            q.build_query_as().fetch_all(&mut *c).await?
        });
        Ok(rows
            .into_iter()
            .map(|(case, id, status, asked_on)| {
                (
                    case,
                    ReferralFacts {
                        id,
                        status,
                        asked_on,
                    },
                )
            })
            .collect())
    }
}
