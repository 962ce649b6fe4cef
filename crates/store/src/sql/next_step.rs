//! The facts one case's deadlines are derived from, for its next step (the worklist reads
//! the same facts for many cases at once, in `worklist.rs`).

use crate::Result;
use crate::db::{Tx, sql};
use nazorg_domain::case::ReadinessItem;
use nazorg_domain::deadlines::{AgreementFacts, CaseFacts, ReferralFacts};
use nazorg_domain::ids::{AgreementId, CaseId, ReferralId};
use nazorg_domain::lifecycle::Status;
use nazorg_domain::referral::ReferralStatus;
use time::Date;

#[derive(sqlx::FromRow)]
struct CaseRow {
    status: Status,
    notified_on: Date,
    expected_release: Option<Date>,
    actual_release: Option<Date>,
    ready_housing: bool,
    ready_brp: bool,
    ready_id: bool,
    ready_income: bool,
    aftercare_end: Option<Date>,
    last_contact: Option<Date>,
}

impl Tx {
    /// Everything the deadline rules need of one case.
    pub async fn deadline_facts(&mut self, case_id: CaseId) -> Result<CaseFacts> {
        let row: CaseRow = sql!(self, |c| {
            sqlx::query_as(
            "SELECT status, notified_on, expected_release, actual_release, ready_housing, ready_brp, ready_id, ready_income, \
             aftercare_end, (SELECT MAX(contact_date) FROM contacts WHERE case_id = $1) AS last_contact FROM cases WHERE id = $1",
        )
        .bind(case_id)
        .fetch_one(&mut *c)
        .await?
        });
        let agreements: Vec<(AgreementId, Option<Date>, bool)> = sql!(self, |c| {
            sqlx::query_as(
            "SELECT id, due_date, done FROM agreements WHERE case_id = $1 AND done = $2 ORDER BY id",
        )
        .bind(case_id)
        .bind(false)
        .fetch_all(&mut *c)
        .await?
        });
        let referrals: Vec<(ReferralId, ReferralStatus, Date)> = sql!(self, |c| {
            sqlx::query_as(
            "SELECT id, status, asked_on FROM referrals WHERE case_id = $1 AND status IN ('asked', 'accepted') ORDER BY id",
        )
        .bind(case_id)
        .fetch_all(&mut *c)
        .await?
        });
        let ready = [
            (row.ready_housing, ReadinessItem::Housing),
            (row.ready_brp, ReadinessItem::BrpRegistration),
            (row.ready_id, ReadinessItem::IdDocument),
            (row.ready_income, ReadinessItem::Income),
        ]
        .into_iter()
        .filter_map(|(flag, item)| flag.then_some(item))
        .collect();
        Ok(CaseFacts {
            case_id,
            status: row.status,
            notified_on: row.notified_on,
            expected_release: row.expected_release,
            actual_release: row.actual_release,
            ready,
            aftercare_end: row.aftercare_end,
            last_contact: row.last_contact,
            agreements: agreements
                .into_iter()
                .map(|(id, due, done)| AgreementFacts { id, due, done })
                .collect(),
            referrals: referrals
                .into_iter()
                .map(|(id, status, asked_on)| ReferralFacts {
                    id,
                    status,
                    asked_on,
                })
                .collect(),
        })
    }
}
