//! The audit of the processing log's hash chains, and the security log of refusals.

use crate::{App, Result};
use nazorg_store::Refusal;

impl App {
    /// The newest refusals of a municipality, for the security officer.
    pub async fn refusals(&self, municipality: &str, limit: i64) -> Result<Vec<Refusal>> {
        let mut tx = self.db.autocommit().await?;
        Ok(tx.refusals(municipality, limit).await?)
    }
}
