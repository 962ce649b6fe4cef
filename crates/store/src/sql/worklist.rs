//! The facts deadlines are derived from: of one case, for its next step, and of the open
//! cases of a worklist's scope, with whom each is about.

use crate::Result;
use crate::db::{ID_CHUNK, Tx, fetch_all, fetch_one, push_id_list, sql};
use crate::model::Scope;
use nazorg_domain::case::ReadinessItem;
use nazorg_domain::deadlines::{AgreementFacts, CaseFacts, ReferralFacts};
use nazorg_domain::ids::{AgreementId, CaseId, ReferralId, UserId};
use nazorg_domain::lifecycle::Status;
use nazorg_domain::referral::ReferralStatus;
use sqlx::QueryBuilder;
use std::collections::HashMap;
use time::Date;

/// The columns of a [`FactsRow`], of the case (`c`).
const FACTS_COLUMNS: &str = "c.id, c.status, c.notified_on, c.expected_release, c.actual_release, c.ready_housing, \
                             c.ready_brp, c.ready_id, c.ready_income, c.aftercare_end";

/// The columns of a case its deadline facts come from, before contacts, agreements and
/// referrals.
#[derive(sqlx::FromRow)]
struct FactsRow {
    id: CaseId,
    status: Status,
    notified_on: Date,
    expected_release: Option<Date>,
    actual_release: Option<Date>,
    ready_housing: bool,
    ready_brp: bool,
    ready_id: bool,
    ready_income: bool,
    aftercare_end: Option<Date>,
}

impl FactsRow {
    fn into_facts(self) -> CaseFacts {
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
            signals: Vec::new(),
        }
    }
}

/// Whom an open case in a worklist's scope is about, and who coordinates it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorklistRow {
    pub coordinator_id: Option<UserId>,
    pub given_names: String,
    pub family_name: String,
    pub coordinator: Option<String>,
}

/// A row of [`Tx::open_cases_in_scope`].
#[derive(sqlx::FromRow)]
struct ScopeRow {
    #[sqlx(flatten)]
    case: FactsRow,
    #[sqlx(flatten)]
    who: WorklistRow,
}

impl Tx {
    /// Everything the deadline rules need of one case.
    pub async fn deadline_facts(&mut self, case_id: CaseId) -> Result<CaseFacts> {
        let row: FactsRow = fetch_one!(
            self,
            &format!("SELECT {FACTS_COLUMNS} FROM cases c WHERE c.id = $1"),
            [case_id]
        );
        let mut facts = [row.into_facts()];
        self.add_related_facts(&mut facts).await?;
        let [facts] = facts;
        Ok(facts)
    }

    /// The deadline facts of the open cases after `after` (by id, every municipality), at
    /// most `limit` of them: for doing every case's stored deadlines again.
    pub async fn open_case_facts_after(
        &mut self,
        after: CaseId,
        limit: i64,
    ) -> Result<Vec<CaseFacts>> {
        let rows: Vec<FactsRow> = fetch_all!(
            self,
            &format!(
                "SELECT {FACTS_COLUMNS} FROM cases c WHERE c.id > $1 AND c.is_open ORDER BY c.id LIMIT $2"
            ),
            [after, limit]
        );
        let mut facts: Vec<CaseFacts> = rows.into_iter().map(FactsRow::into_facts).collect();
        self.add_related_facts(&mut facts).await?;
        Ok(facts)
    }

    /// Open cases in scope on `day`, with their facts (four more queries for all of them
    /// together, per 500 cases).
    pub async fn case_facts(
        &mut self,
        municipality: &str,
        scope: Scope,
        day: Date,
    ) -> Result<Vec<(CaseFacts, WorklistRow)>> {
        let rows = self.open_cases_in_scope(municipality, scope, day).await?;
        let (mut facts, who): (Vec<CaseFacts>, Vec<WorklistRow>) = rows
            .into_iter()
            .map(|row| (row.case.into_facts(), row.who))
            .unzip();
        self.add_related_facts(&mut facts).await?;
        Ok(facts.into_iter().zip(who).collect())
    }

    /// Fills in the last contact, the open agreements, the referrals not yet started and the
    /// open signals of these cases, per 500 cases.
    async fn add_related_facts(&mut self, facts: &mut [CaseFacts]) -> Result<()> {
        let index: HashMap<CaseId, usize> = facts
            .iter()
            .enumerate()
            .map(|(i, f)| (f.case_id, i))
            .collect();
        let ids: Vec<CaseId> = facts.iter().map(|f| f.case_id).collect();
        for chunk in ids.chunks(ID_CHUNK) {
            for (case, last) in self.last_contacts(chunk).await? {
                if let Some(i) = index.get(&case) {
                    facts[*i].last_contact = last;
                }
            }
            for (case, agreement) in self.open_agreement_facts(chunk).await? {
                if let Some(i) = index.get(&case) {
                    facts[*i].agreements.push(agreement);
                }
            }
            for (case, referral) in self.running_referral_facts(chunk).await? {
                if let Some(i) = index.get(&case) {
                    facts[*i].referrals.push(referral);
                }
            }
            for (case, signal) in self.open_signals(chunk).await? {
                if let Some(i) = index.get(&case) {
                    facts[*i].signals.push(signal);
                }
            }
        }
        Ok(())
    }

    /// The open cases of a municipality; for one user only their own, the unassigned ones
    /// and those of colleagues they stand in for on `day`.
    async fn open_cases_in_scope(
        &mut self,
        municipality: &str,
        scope: Scope,
        day: Date,
    ) -> Result<Vec<ScopeRow>> {
        Ok(sql!(self, |c| {
            let mut q = QueryBuilder::<DB>::new(format!(
                "SELECT {FACTS_COLUMNS}, c.coordinator_id, r.given_names, r.family_name, u.display_name AS coordinator \
                 FROM cases c JOIN residents r ON r.id = c.resident_id LEFT JOIN users u ON u.id = c.coordinator_id WHERE c.municipality_code = "
            ));
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
            q.build_query_as().fetch_all(&mut *c).await?
        }))
    }

    /// The last contact date of each of these cases that has one.
    async fn last_contacts(&mut self, case_ids: &[CaseId]) -> Result<Vec<(CaseId, Option<Date>)>> {
        Ok(sql!(self, |c| {
            let mut q = QueryBuilder::<DB>::new(
                "SELECT case_id, MAX(contact_date) FROM contacts WHERE case_id IN ",
            );
            push_id_list(&mut q, case_ids);
            q.push(" GROUP BY case_id");
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
            q.push_bind(false).push(" AND case_id IN ");
            push_id_list(&mut q, case_ids);
            q.push(" ORDER BY id");
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
                "SELECT case_id, id, status, asked_on FROM referrals WHERE status IN ('asked', 'accepted') AND case_id IN ",
            );
            push_id_list(&mut q, case_ids);
            q.push(" ORDER BY id");
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
