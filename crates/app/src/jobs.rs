//! The daily background jobs of `serve`: the digest e-mail and the retention job. Every
//! ten minutes each server checks whether today's run is still to be done and claims it
//! in the database, so with several servers each job runs once a day. One check is
//! [`App::run_daily_jobs`], which tests call directly with the time they want.

use crate::settings::JobSettings;
use crate::{App, Result};
use nazorg_domain::access::{Actor, Role};
use nazorg_domain::dates::{to_amsterdam, years_before};
use nazorg_domain::ids::UserId;
use nazorg_domain::notification::MunicipalityCode;
use nazorg_store::RetentionReport;
use time::{Date, OffsetDateTime};

/// At most this many cases per daily run, so one run stays short; the rest follows the next day.
pub const RETENTION_BATCH: i64 = 1000;

/// How long the loop waits between two checks.
const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// The Dutch local hour from which the day's jobs run when no mail hour is set.
const DEFAULT_HOUR: u8 = 7;

/// What one check of the daily jobs did on this server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DailyRun {
    /// The digests sent, when this server claimed and sent today's digest.
    pub digest_sent: Option<usize>,
    /// The retention runs this server claimed and did, per municipality.
    pub retention: Vec<(MunicipalityCode, RetentionReport)>,
    /// How many parts failed (each is in the server log).
    pub failures: usize,
}

impl DailyRun {
    /// Counts a failed part, and says in the server log what failed and why.
    fn failed(&mut self, error: &dyn std::fmt::Display, what: &str) {
        tracing::error!(error = %error, "{what}");
        self.failures += 1;
    }
}

/// Who the retention job acts as in the processing log: an administrator's rights (no
/// case content to read), for the installation's municipality.
pub fn retention_actor(municipality: &MunicipalityCode) -> Actor {
    Actor {
        user_id: UserId(0),
        username: "systeem:bewaartermijn".into(),
        role: Role::Administrator,
        municipality: municipality.clone(),
        partner_id: None,
        substituting: false,
    }
}

impl App {
    /// Claims the digest of a day at `now`; only one caller (of any server) gets true,
    /// unless its claim ran out before it was finished (its server died).
    pub async fn claim_digest(&self, day: Date, now: OffsetDateTime) -> Result<bool> {
        let mut tx = self.db.autocommit().await?;
        Ok(tx.claim_digest_run(day, now).await?)
    }

    /// Runs (or previews) the retention job of a municipality for the day `today`: cases
    /// closed `years` or more before it.
    pub async fn retention_job(
        &self,
        municipality: &MunicipalityCode,
        years: u32,
        today: Date,
        dry_run: bool,
        limit: i64,
    ) -> Result<RetentionReport> {
        let actor = retention_actor(municipality);
        self.retention(&actor, years_before(today, years), dry_run, limit)
            .await
    }

    /// One check of the daily jobs at `now`: from the day's hour on, sends the digest and
    /// runs the retention job of each municipality, each only if this server claims it.
    pub async fn run_daily_jobs(&self, settings: &JobSettings, now: OffsetDateTime) -> DailyRun {
        let now = to_amsterdam(now);
        let hour = settings.mail.as_ref().map_or(DEFAULT_HOUR, |m| m.hour);
        let mut run = DailyRun::default();
        // The chains' heads of the days that ended are sealed whatever the hour.
        match self.seal_chain_days(now.date()).await {
            Ok(0) => {}
            Ok(days) => tracing::info!(days, "processing log sealed"),
            Err(e) => run.failed(&e, "could not seal the processing log"),
        }
        if now.hour() < hour {
            return run;
        }
        let day = now.date();
        let now = now.to_offset(time::UtcOffset::UTC);
        if settings.mail.is_some() {
            self.run_digest(settings, (day, now), &mut run).await;
        }
        self.run_retention(settings, (day, now), &mut run).await;
        run
    }

    /// The loop of `serve`: a check every ten minutes, for as long as the server runs.
    pub async fn daily_jobs(self, settings: JobSettings) {
        loop {
            self.run_daily_jobs(&settings, OffsetDateTime::now_utc())
                .await;
            tokio::time::sleep(CHECK_EVERY).await;
        }
    }

    /// Today's digest, if this server claims it.
    async fn run_digest(
        &self,
        settings: &JobSettings,
        (day, now): (Date, OffsetDateTime),
        run: &mut DailyRun,
    ) {
        match self.claim_digest(day, now).await {
            Ok(true) => {
                match self.send_digest(settings, day).await {
                    Ok(n) => {
                        tracing::info!(sent = n, "daily digest sent");
                        run.digest_sent = Some(n);
                    }
                    Err(e) => run.failed(&e, "daily digest failed"),
                }
                // Done even when sending failed halfway: a second try would mail again
                // those who had theirs. Only a server that died before this line leaves
                // the run to be picked up (docs/operations.md).
                let finished = async {
                    let mut tx = self.db.autocommit().await?;
                    tx.finish_digest_run(day, now).await
                };
                if let Err(e) = finished.await {
                    run.failed(&e, "could not mark the digest as sent");
                }
            }
            Ok(false) => {}
            Err(e) => run.failed(&e, "could not claim the daily digest"),
        }
    }

    /// Today's retention run of every municipality of the installation whose retention
    /// period is on, each if this server claims it.
    async fn run_retention(
        &self,
        settings: &JobSettings,
        (day, now): (Date, OffsetDateTime),
        run: &mut DailyRun,
    ) {
        let municipalities = match self.installation_codes().await {
            Ok(m) => m,
            Err(e) => {
                run.failed(&e, "could not list the municipalities");
                Vec::new()
            }
        };
        for municipality in municipalities {
            let years = match self
                .retention_years_of(&municipality, settings.retention_years)
                .await
            {
                Ok(0) => continue,
                Ok(years) => years,
                Err(e) => {
                    run.failed(&e, "could not read the retention period");
                    continue;
                }
            };
            match self.claim_retention(&municipality, day, now).await {
                Ok(true) => {
                    let result = self
                        .retention_job(&municipality, years, day, false, RETENTION_BATCH)
                        .await;
                    match result {
                        Ok(r) => {
                            // One line a day per municipality would bury the log of a
                            // national installation: only a run that did something.
                            if r.items.is_empty() {
                                tracing::debug!(municipality = %municipality, "retention job ran");
                            } else {
                                tracing::info!(
                                    municipality = %municipality,
                                    cases = r.items.len(),
                                    "retention job ran"
                                );
                            }
                            let done = (now, r.items.len() as i64);
                            let finished = async {
                                let mut tx = self.db.autocommit().await?;
                                tx.finish_retention_run(&municipality, day, done).await
                            };
                            if let Err(e) = finished.await {
                                run.failed(&e, "could not mark the retention run as done");
                            }
                            run.retention.push((municipality, r));
                        }
                        Err(e) => run.failed(&e, "retention job failed"),
                    }
                }
                Ok(false) => {}
                Err(e) => run.failed(&e, "could not claim the retention run"),
            }
        }
    }
}
