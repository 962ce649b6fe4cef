//! Claims of the daily background jobs, so that with several servers each runs once a day:
//! a claim holds for [`JOB_LEASE`]; a run claimed but not finished by then (its server died
//! or failed) is claimed again by the next server that checks.

use crate::Result;
use crate::audit::to_micros;
use crate::db::{Tx, execute};
use time::{Date, Duration, OffsetDateTime};

/// How long a claim on a daily job holds without the run being finished.
pub const JOB_LEASE: Duration = Duration::minutes(30);

/// The instant and the end of a lease taken at `now`, as stored.
fn lease(now: OffsetDateTime) -> (OffsetDateTime, OffsetDateTime) {
    let now = to_micros(now);
    (now, now + JOB_LEASE)
}

impl Tx {
    /// Claims the digest of a day at `now`; only one caller (of any server) gets true,
    /// unless its lease ran out before it was finished.
    pub async fn claim_digest_run(&mut self, day: Date, now: OffsetDateTime) -> Result<bool> {
        let (now, until) = lease(now);
        let claimed = execute!(
            self,
            "INSERT INTO digest_runs (run_on, started_at, lease_until) VALUES ($1, $2, $3) \
             ON CONFLICT (run_on) DO UPDATE SET started_at = $2, lease_until = $3 \
             WHERE digest_runs.finished_at IS NULL AND digest_runs.lease_until < $2",
            [day, now, until]
        );
        Ok(claimed == 1)
    }

    /// The digest of a day went out.
    pub async fn finish_digest_run(&mut self, day: Date, now: OffsetDateTime) -> Result<()> {
        execute!(
            self,
            "UPDATE digest_runs SET finished_at = $2 WHERE run_on = $1",
            [day, to_micros(now)]
        );
        Ok(())
    }

    /// Claims a day's retention run of a municipality at `now`, as [`Tx::claim_digest_run`].
    pub async fn claim_retention_run(
        &mut self,
        municipality: &str,
        day: Date,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let (now, until) = lease(now);
        let claimed = execute!(
            self,
            "INSERT INTO retention_runs (municipality_code, run_on, started_at, lease_until) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (municipality_code, run_on) DO UPDATE SET started_at = $3, lease_until = $4 \
             WHERE retention_runs.finished_at IS NULL AND retention_runs.lease_until < $3",
            [municipality, day, now, until]
        );
        Ok(claimed == 1)
    }

    /// A day's retention run of a municipality is done, with this many cases.
    pub async fn finish_retention_run(
        &mut self,
        municipality: &str,
        day: Date,
        (now, cases): (OffsetDateTime, i64),
    ) -> Result<()> {
        execute!(
            self,
            "UPDATE retention_runs SET finished_at = $3, cases = $4 WHERE municipality_code = $1 AND run_on = $2",
            [municipality, day, to_micros(now), cases]
        );
        Ok(())
    }
}
