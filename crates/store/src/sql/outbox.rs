//! The outbox: calls to outside systems (the BRP, the zaaksysteem) that wait to be made,
//! written in the transaction of the change that needs them and taken by a worker when
//! due. A failed call waits longer each time; it is never dropped.

use crate::Result;
use crate::db::{Tx, execute, fetch_all, scalar_one, scalar_optional};
use nazorg_domain::ids::CaseId;
use time::OffsetDateTime;

/// How long a worker holds a call it took: if it stops before it is done (a crash), the
/// call is due again after this.
pub const LEASE: time::Duration = time::Duration::minutes(2);

/// One call that waits, as the worker takes it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxItem {
    pub id: i64,
    pub case_id: CaseId,
    pub municipality_code: String,
    pub attempts: i64,
    /// Who asked for it: a user's name, or the system for an automatic call.
    pub requested_by: String,
}

/// One call that waits, as a case page or a status list shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxState {
    pub id: i64,
    pub case_id: CaseId,
    pub kind: String,
    pub attempts: i64,
    pub created_at: OffsetDateTime,
    pub last_attempt_at: Option<OffsetDateTime>,
    pub next_attempt_at: OffsetDateTime,
    /// Why the last try failed, in Dutch.
    pub last_error: Option<String>,
}

const STATE_COLUMNS: &str =
    "id, case_id, kind, attempts, created_at, last_attempt_at, next_attempt_at, last_error";

impl Tx {
    /// Puts a call of `kind` for a case in the outbox, due at `at`; a call of that kind that
    /// still waits is made due at `at` instead (one call per case and kind is enough).
    pub async fn enqueue_call(
        &mut self,
        case_id: CaseId,
        municipality: &str,
        kind: &str,
        requested_by: &str,
        at: OffsetDateTime,
    ) -> Result<()> {
        let waiting: Option<i64> = scalar_optional!(
            self,
            "SELECT id FROM outbox WHERE case_id = $1 AND kind = $2 AND done_at IS NULL",
            [case_id, kind]
        );
        match waiting {
            Some(id) => {
                execute!(
                    self,
                    "UPDATE outbox SET next_attempt_at = $1, requested_by = $2 WHERE id = $3",
                    [at, requested_by, id]
                );
            }
            None => {
                execute!(
                    self,
                    "INSERT INTO outbox (municipality_code, case_id, kind, requested_by, next_attempt_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    [municipality, case_id, kind, requested_by, at, at]
                );
            }
        }
        Ok(())
    }

    /// Takes up to `limit` calls of `kind` that are due at `now` (with `all`, also those
    /// still waiting out their pause), oldest first, and holds them for [`LEASE`], so that
    /// another worker does not take them too. `only_case` limits it to one case.
    pub async fn take_calls(
        &mut self,
        kind: &str,
        now: OffsetDateTime,
        all: bool,
        only_case: Option<CaseId>,
        limit: i64,
    ) -> Result<Vec<OutboxItem>> {
        let due = if all {
            OffsetDateTime::UNIX_EPOCH + time::Duration::days(365 * 1000)
        } else {
            now
        };
        let candidates: Vec<(i64, OffsetDateTime)> = fetch_all!(
            self,
            "SELECT id, next_attempt_at FROM outbox WHERE kind = $1 AND done_at IS NULL AND next_attempt_at <= $2 \
             AND ($3 = 0 OR case_id = $3) ORDER BY next_attempt_at, id LIMIT $4",
            [kind, due, only_case.map_or(0, |c| c.0), limit]
        );
        let mut taken = Vec::new();
        for (id, seen) in candidates {
            let claimed = execute!(
                self,
                "UPDATE outbox SET next_attempt_at = $1, last_attempt_at = $2 WHERE id = $3 AND next_attempt_at = $4 \
                 AND done_at IS NULL",
                [now + LEASE, now, id, seen]
            );
            if claimed == 1 {
                taken.push(id);
            }
        }
        let mut items = Vec::with_capacity(taken.len());
        for id in taken {
            let item: Vec<OutboxItem> = fetch_all!(
                self,
                "SELECT id, case_id, municipality_code, attempts, requested_by FROM outbox WHERE id = $1",
                [id]
            );
            items.extend(item);
        }
        Ok(items)
    }

    /// How many calls of `kind` wait (of one case, with `only_case`).
    pub async fn count_waiting_calls(
        &mut self,
        kind: &str,
        only_case: Option<CaseId>,
    ) -> Result<i64> {
        Ok(scalar_one!(
            self,
            "SELECT COUNT(*) FROM outbox WHERE kind = $1 AND done_at IS NULL AND ($2 = 0 OR case_id = $2)",
            [kind, only_case.map_or(0, |c| c.0)]
        ))
    }

    /// A call succeeded and its answer was taken in.
    pub async fn call_done(&mut self, id: i64, at: OffsetDateTime) -> Result<()> {
        execute!(
            self,
            "UPDATE outbox SET done_at = $1, last_error = NULL, attempts = attempts + 1 WHERE id = $2",
            [at, id]
        );
        Ok(())
    }

    /// A call failed: why (in Dutch), and when it is tried again.
    pub async fn call_failed(
        &mut self,
        id: i64,
        error: &str,
        retry_at: OffsetDateTime,
    ) -> Result<()> {
        execute!(
            self,
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3",
            [error, retry_at, id]
        );
        Ok(())
    }

    /// The calls of a case that still wait, of every kind.
    pub async fn waiting_calls_of_case(&mut self, case_id: CaseId) -> Result<Vec<OutboxState>> {
        Ok(fetch_all!(
            self,
            &format!(
                "SELECT {STATE_COLUMNS} FROM outbox WHERE case_id = $1 AND done_at IS NULL ORDER BY id"
            ),
            [case_id]
        ))
    }

    /// The calls of a municipality that still wait, of one kind, oldest first, at most
    /// `limit`.
    pub async fn waiting_calls(
        &mut self,
        municipality: &str,
        kind: &str,
        limit: i64,
    ) -> Result<Vec<OutboxState>> {
        Ok(fetch_all!(
            self,
            &format!(
                "SELECT {STATE_COLUMNS} FROM outbox WHERE municipality_code = $1 AND kind = $2 AND done_at IS NULL \
                 ORDER BY id LIMIT $3"
            ),
            [municipality, kind, limit]
        ))
    }
}
