//! The daily background jobs of `serve`: the digest e-mail and the retention job. Every
//! ten minutes each server checks whether today's run is still to be done and claims it
//! in the database, so with several servers each job runs once a day.

use crate::Config;
use nazorg_domain::access::{Actor, Role};
use nazorg_domain::dates::{to_amsterdam, years_before};
use nazorg_store::{RetentionReport, Store, StoreError};
use time::Date;

/// At most this many cases per daily run, so one run stays short; the rest follows the next day.
pub const RETENTION_BATCH: i64 = 1000;

/// Who the retention job acts as in the processing log: an administrator's rights (no
/// case content to read), for the installation's municipality.
pub fn retention_actor(municipality: &str) -> Actor {
    Actor {
        user_id: 0,
        username: "systeem:bewaartermijn".into(),
        role: Role::Administrator,
        municipality: municipality.to_string(),
        partner_id: None,
        substituting: false,
    }
}

/// Runs (or previews) the retention job for the day `today`.
pub async fn retention(
    store: &Store,
    municipality: &str,
    years: u32,
    today: Date,
    dry_run: bool,
    limit: i64,
) -> Result<RetentionReport, StoreError> {
    let actor = retention_actor(municipality);
    store
        .retention(&actor, years_before(today, years), dry_run, limit)
        .await
}

pub async fn daily(store: Store, config: Config) {
    let hour = config.mail.as_ref().map(|m| m.hour).unwrap_or(7);
    loop {
        let now = to_amsterdam(time::OffsetDateTime::now_utc());
        if now.hour() >= hour {
            if config.mail.is_some() {
                match store.claim_digest(now.date()).await {
                    Ok(true) => match crate::digest::send_all(&store, &config, now.date()).await {
                        Ok(n) => tracing::info!(sent = n, "daily digest sent"),
                        Err(e) => tracing::error!(error = %e, "daily digest failed"),
                    },
                    Ok(false) => {}
                    Err(e) => tracing::error!(error = %e, "could not claim the daily digest"),
                }
            }
            if config.retention_years > 0 {
                // Every municipality with cases: one installation may serve several.
                let municipalities = match store.case_municipalities().await {
                    Ok(m) => m,
                    Err(e) => {
                        tracing::error!(error = %e, "could not list the municipalities");
                        Vec::new()
                    }
                };
                for municipality in municipalities {
                    match store.claim_retention(&municipality, now.date()).await {
                        Ok(true) => {
                            match retention(
                                &store,
                                &municipality,
                                config.retention_years,
                                now.date(),
                                false,
                                RETENTION_BATCH,
                            )
                            .await
                            {
                                Ok(r) => tracing::info!(
                                    municipality = %municipality,
                                    cases = r.items.len(),
                                    "retention job ran"
                                ),
                                Err(e) => tracing::error!(error = %e, "retention job failed"),
                            }
                        }
                        Ok(false) => {}
                        Err(e) => {
                            tracing::error!(error = %e, "could not claim the retention run")
                        }
                    }
                }
            }
        }
        tokio::time::sleep(std::time::Duration::from_secs(600)).await;
    }
}
