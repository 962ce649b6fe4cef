//! The calendar feed's appointments.

use crate::Result;
use crate::db::{ID_CHUNK, Tx, push_id_list, sql};
use nazorg_domain::case::ContactKind;
use nazorg_domain::ids::{AppointmentId, CaseId};
use sqlx::QueryBuilder;
use time::OffsetDateTime;

/// One appointment as the calendar feed shows it: no place, no names.
#[derive(sqlx::FromRow)]
pub struct FeedAppointment {
    pub id: AppointmentId,
    pub case_id: CaseId,
    pub starts_at: OffsetDateTime,
    pub kind: ContactKind,
}

impl Tx {
    /// The appointments of these cases that start at or after `since` (per 500 cases).
    pub async fn feed_appointments(
        &mut self,
        case_ids: &[CaseId],
        since: OffsetDateTime,
    ) -> Result<Vec<FeedAppointment>> {
        let mut out = Vec::new();
        for chunk in case_ids.chunks(ID_CHUNK) {
            let rows: Vec<FeedAppointment> = sql!(self, |c| {
                let mut q = QueryBuilder::<DB>::new(
                    "SELECT id, case_id, starts_at, kind FROM appointments WHERE starts_at >= ",
                );
                q.push_bind(since).push(" AND case_id IN ");
                push_id_list(&mut q, chunk);
                q.build_query_as().fetch_all(&mut *c).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }
}
