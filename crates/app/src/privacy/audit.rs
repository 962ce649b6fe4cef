//! The audit of the processing log's hash chains, and the security log of refusals.

use crate::{App, Result};
use nazorg_store::Refusal;
use nazorg_store::audit::ChainReport;

impl App {
    /// Checks the processing log's hash chains: per municipality, the first entry changed
    /// or removed directly in the database.
    pub async fn audit_verify(&self) -> Result<Vec<ChainReport>> {
        let mut tx = self.db.autocommit().await?;
        Ok(tx.verify_chains().await?)
    }

    /// The newest refusals of a municipality, for the security officer.
    pub async fn refusals(&self, municipality: &str, limit: i64) -> Result<Vec<Refusal>> {
        let mut tx = self.db.autocommit().await?;
        Ok(tx.refusals(municipality, limit).await?)
    }
}
