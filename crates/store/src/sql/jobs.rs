//! Claims of the daily background jobs, so that with several servers each runs once a day.

use crate::Result;
use crate::db::{Tx, execute, now};
use time::Date;

impl Tx {
    /// Claims the digest of a day; only the first caller (of any server) gets true.
    pub async fn claim_digest_run(&mut self, day: Date) -> Result<bool> {
        let inserted = execute!(
            self,
            "INSERT INTO digest_runs (run_on, started_at) VALUES ($1, $2) ON CONFLICT (run_on) DO NOTHING",
            [day, now()]
        );
        Ok(inserted == 1)
    }
}
