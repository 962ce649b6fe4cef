//! The outbox: calls to outside systems (the BRP, the zaaksysteem) that wait to be made,
//! written in the transaction of the change that needs them and taken by a worker when
//! due. A failed call waits longer each time; it is never dropped.

use crate::Result;
use crate::db::{Tx, execute, fetch_all, scalar_all, scalar_one};
use crate::model::OutboxState;
use nazorg_domain::ids::CaseId;
use time::OffsetDateTime;

/// How long a worker holds a call it took: longer than a run of 21 requests (a refused
/// question of 20 asked again per case) at the longest timeout; if the worker stops
/// before it is done (a crash), the call is due again after this.
pub const LEASE: time::Duration = time::Duration::minutes(30);

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

const STATE_COLUMNS: &str =
    "id, case_id, kind, attempts, created_at, last_attempt_at, next_attempt_at, last_error";

impl Tx {
    /// Puts a call of `kind` for a case in the outbox, due at `at`; a call of that kind that
    /// still waits is made due at `at` instead (one call per case and kind is enough; one
    /// a worker holds now stays with it).
    pub async fn enqueue_call(
        &mut self,
        case_id: CaseId,
        municipality: &str,
        kind: &str,
        requested_by: &str,
        at: OffsetDateTime,
    ) -> Result<()> {
        execute!(
            self,
            "INSERT INTO outbox (municipality_code, case_id, kind, requested_by, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (case_id, kind) WHERE done_at IS NULL DO UPDATE SET next_attempt_at = $5, requested_by = $4",
            [municipality, case_id, kind, requested_by, at, at]
        );
        Ok(())
    }

    /// Takes up to `limit` calls of `kind` that are due at `now` (with `all`, also those
    /// still waiting out their pause), but none of `taken` (a run takes each once), oldest
    /// first, never one another worker holds, and holds them for [`LEASE`]. `only_case`
    /// limits it to one case.
    pub async fn take_calls(
        &mut self,
        kind: &str,
        now: OffsetDateTime,
        (all, only_case): (bool, Option<CaseId>),
        taken: &[i64],
        limit: i64,
    ) -> Result<Vec<OutboxItem>> {
        let candidates: Vec<i64> = scalar_all!(
            self,
            "SELECT id FROM outbox WHERE kind = $1 AND done_at IS NULL AND (leased_until IS NULL OR leased_until <= $2) \
             AND ($3 OR next_attempt_at <= $2) AND ($4 = 0 OR case_id = $4) ORDER BY next_attempt_at, id LIMIT $5",
            [
                kind,
                now,
                all,
                only_case.map_or(0, |c| c.0),
                limit + taken.len() as i64
            ]
        );
        let mut items = Vec::with_capacity(candidates.len());
        for id in candidates
            .into_iter()
            .filter(|id| !taken.contains(id))
            .take(limit as usize)
        {
            // One statement decides: of two workers, the second finds the lease taken.
            let claimed = execute!(
                self,
                "UPDATE outbox SET leased_until = $1, last_attempt_at = $2 WHERE id = $3 AND done_at IS NULL \
                 AND (leased_until IS NULL OR leased_until <= $2)",
                [now + LEASE, now, id]
            );
            if claimed == 1 {
                let item: Vec<OutboxItem> = fetch_all!(
                    self,
                    "SELECT id, case_id, municipality_code, attempts, requested_by FROM outbox WHERE id = $1",
                    [id]
                );
                items.extend(item);
            }
        }
        Ok(items)
    }

    /// How many calls of `kind` (of `only_case`, when given) another worker holds now.
    pub async fn held_calls(
        &mut self,
        kind: &str,
        now: OffsetDateTime,
        only_case: Option<CaseId>,
    ) -> Result<i64> {
        Ok(scalar_one!(
            self,
            "SELECT COUNT(*) FROM outbox WHERE kind = $1 AND done_at IS NULL AND leased_until > $2 \
             AND ($3 = 0 OR case_id = $3)",
            [kind, now, only_case.map_or(0, |c| c.0)]
        ))
    }

    /// A call succeeded and its answer was taken in.
    pub async fn call_done(&mut self, id: i64, at: OffsetDateTime) -> Result<()> {
        execute!(
            self,
            "UPDATE outbox SET done_at = $1, last_error = NULL, leased_until = NULL, attempts = attempts + 1 WHERE id = $2",
            [at, id]
        );
        Ok(())
    }

    /// A call succeeded, but more came in for it while it ran: it is due again at `at`.
    pub async fn call_again(&mut self, id: i64, at: OffsetDateTime) -> Result<()> {
        execute!(
            self,
            "UPDATE outbox SET last_error = NULL, leased_until = NULL, attempts = 0, next_attempt_at = $1 WHERE id = $2",
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
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, leased_until = NULL, \
             next_attempt_at = CASE WHEN next_attempt_at > last_attempt_at THEN next_attempt_at ELSE $2 END WHERE id = $3",
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
