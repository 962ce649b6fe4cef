//! The use cases of Nazorg, one file per area, with no HTTP and no SQL of their own.
//!
//! Every use case that touches personal data passes the privacy gate (`gate`): the access
//! policy grants a permit, and the processing-log entry that spends it is written in the
//! same transaction as the change. A refusal is written to the security log here, once,
//! for every use case (`App::gated`). The queries are the store's, by area.

mod case_step;
mod error;
mod gate;
mod validate;

mod absence;
mod accounts;
pub mod backup;
pub mod brp;
mod budget;
mod calendar;
mod cases;
mod closure;
mod contacts;
mod digest;
mod direction;
mod facts;
mod household;
mod identity;
mod intake;
mod jobs;
mod municipalities;
mod offer;
mod outside;
mod partners;
mod plan;
mod privacy;
pub use privacy::LdvSettings;
mod referrals;
mod release;
pub mod report;
mod reports;
mod safety;
mod settings;
mod signals;
pub mod trace;
mod triage;
mod worklist;
pub mod zgw;

pub use accounts::{
    DemoUser, MIN_PASSWORD, SEALED, check_password, hash_password, new_token, new_totp_secret,
    parse_secret_key, token_hash, totp_matches, totp_uri, verify_password,
};
pub use digest::{DigestError, compose};
pub use error::{Error, Result, Stale};
pub use facts::FactsPatch;
pub use jobs::{DailyRun, RETENTION_BATCH, retention_actor};
pub use municipalities::{AddMunicipality, MunicipalitySettings, NewAccount};
pub use nazorg_store::model::*;
pub use nazorg_store::{Counted, DueKey};
pub use nazorg_store::{Database, Municipality, SeedPlan, StoreError, audit, names};
pub use safety::SafetyOutcome;
pub use settings::{JobSettings, MailConfig};
pub use worklist::WorkPage;

use nazorg_domain::access::{Action, Actor};
use nazorg_domain::deadlines::DeadlineSettings;
use std::future::Future;

/// The application: the database and what the use cases need besides it.
#[derive(Clone, Debug)]
pub struct App {
    db: Database,
    /// The application key that seals second-factor secrets; `None`: stored as they are.
    secret_key: Option<accounts::SecretKey>,
    /// The thresholds of the deadline rules, which also give each case its next step.
    deadlines: DeadlineSettings,
    /// The BRP, when connected: new cases are looked up in it.
    brp: Option<std::sync::Arc<brp::BrpClient>>,
    /// The zaaksysteem, when connected: cases are registered in it as zaken.
    zgw: Option<std::sync::Arc<zgw::ZgwClient>>,
    /// Wake the background workers of the outbox when a call was asked for.
    wake: std::sync::Arc<Wakers>,
}

/// One bell per background worker of the outbox.
#[derive(Debug, Default)]
pub(crate) struct Wakers {
    pub brp: tokio::sync::Notify,
    pub zgw: tokio::sync::Notify,
}

impl App {
    /// Connects by URL (`sqlite://PATH` or `postgres://…`) and runs the migrations.
    pub async fn connect(url: &str) -> Result<App> {
        Ok(App {
            db: Database::connect(url).await?,
            secret_key: None,
            deadlines: DeadlineSettings::default(),
            brp: None,
            zgw: None,
            wake: Default::default(),
        })
    }

    /// The application on an open database.
    pub fn new(db: Database) -> App {
        App {
            db,
            secret_key: None,
            deadlines: DeadlineSettings::default(),
            brp: None,
            zgw: None,
            wake: Default::default(),
        }
    }

    /// Wakes the outbox's background workers: a call was asked for.
    pub(crate) fn wake_workers(&self) {
        if self.brp.is_some() {
            self.wake.brp.notify_one();
        }
        if self.zgw.is_some() {
            self.wake.zgw.notify_one();
        }
    }

    /// Generates `residents` residents with their cases directly in the tables, for
    /// benchmarks and load tests only (it bypasses the use cases and the processing log).
    /// Returns the number of cases made.
    pub async fn seed_bulk(
        &self,
        plan: &SeedPlan<'_>,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<usize> {
        let made = self.db.seed_bulk(plan, progress).await?;
        // Made around the use cases: their stored deadlines are made by `finish_seeding`
        // (or else at the next start).
        let mut tx = self.db.autocommit().await?;
        tx.forget_deadline_rules().await?;
        Ok(made)
    }

    /// After every `seed_bulk` of a run, once: stores what is due of the generated cases
    /// and gives the planner its statistics. Returns the number of open cases done.
    pub async fn finish_seeding(&self) -> Result<usize> {
        let done = self.refresh_stored_deadlines().await?;
        self.db.refresh_statistics().await?;
        Ok(done)
    }

    /// Uses these thresholds for the deadline rules (the default ones otherwise).
    pub fn with_deadlines(mut self, deadlines: DeadlineSettings) -> App {
        self.deadlines = deadlines;
        self
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        Ok(self.db.ping().await?)
    }

    /// Which backend this is, for messages: "SQLite" or "PostgreSQL".
    pub fn backend_name(&self) -> &'static str {
        self.db.backend_name()
    }

    /// Runs a use case for an actor; a refusal by the access policy is also written to the
    /// security log (a failure to write it is reported in the server log and does not
    /// change the answer).
    pub(crate) async fn gated<T>(
        &self,
        actor: &Actor,
        operation: &'static str,
        work: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        let result = work.await;
        if let Err(Error::Denied(denied) | Error::Hidden(denied)) = &result {
            self.record_refusal(actor, operation, denied).await;
        }
        result
    }

    /// Runs a use case on the actor's own municipality once the access policy allows
    /// `action` there; `work` gets the permit, to spend on its processing-log entry. A
    /// refusal is written to the security log, as with [`App::gated`].
    pub(crate) async fn in_municipality<'a, T, F>(
        &self,
        actor: &'a Actor,
        operation: &'static str,
        action: Action,
        work: impl FnOnce(gate::Permit<'a>) -> F,
    ) -> Result<T>
    where
        F: Future<Output = Result<T>>,
    {
        self.gated(actor, operation, async {
            let permit = gate::check(actor, action, &actor.municipality)?;
            work(permit).await
        })
        .await
    }

    /// Runs a processing on the actor's own municipality in one transaction, once the
    /// access policy allows `action` there: `work` does it and says what to log, and the
    /// one processing-log entry names the cases it showed, if any ([`gate::log_list`]).
    pub(crate) async fn logged_in_municipality<T>(
        &self,
        actor: &Actor,
        operation: &'static str,
        action: Action,
        work: impl AsyncFnOnce(&mut nazorg_store::Tx) -> Result<Logged<T>>,
    ) -> Result<T> {
        self.logged_in(actor, (operation, action), false, work)
            .await
    }

    /// As [`App::logged_in_municipality`], for a processing that only reads: it runs in a
    /// read ([`nazorg_store::Database::read`]), whose log entry shares a commit with other
    /// requests' and is written before the answer is given.
    pub(crate) async fn read_in_municipality<T>(
        &self,
        actor: &Actor,
        operation: &'static str,
        action: Action,
        work: impl AsyncFnOnce(&mut nazorg_store::Tx) -> Result<Logged<T>>,
    ) -> Result<T> {
        self.logged_in(actor, (operation, action), true, work).await
    }

    async fn logged_in<T>(
        &self,
        actor: &Actor,
        (operation, action): (&'static str, Action),
        read_only: bool,
        work: impl AsyncFnOnce(&mut nazorg_store::Tx) -> Result<Logged<T>>,
    ) -> Result<T> {
        self.in_municipality(actor, operation, action, |permit| async move {
            let mut tx = if read_only {
                self.db.read().await?
            } else {
                self.db.begin().await?
            };
            let logged = work(&mut tx).await?;
            gate::log_list(&mut tx, permit, &logged.cases, &logged.detail).await?;
            tx.commit().await?;
            Ok(logged.answer)
        })
        .await
    }

    /// As [`App::in_municipality`], for a use case that processes no personal data (the
    /// municipality's settings and reference data, absences, aggregate figures) and so
    /// writes no processing-log entry: `work` runs on one connection in autocommit.
    pub(crate) async fn in_municipality_unlogged<T>(
        &self,
        actor: &Actor,
        operation: &'static str,
        action: Action,
        work: impl AsyncFnOnce(&mut nazorg_store::Tx) -> Result<T>,
    ) -> Result<T> {
        self.in_municipality(actor, operation, action, |_| async move {
            let mut tx = self.db.autocommit().await?;
            work(&mut tx).await
        })
        .await
    }

    /// Writes a refusal to the security log, outside the refused work's transaction; a
    /// failure to write it is reported in the server log and does not change the answer.
    pub(crate) async fn record_refusal(
        &self,
        actor: &Actor,
        operation: &str,
        denied: &nazorg_domain::access::Denied,
    ) {
        let written = async {
            let mut tx = self.db.autocommit().await?;
            tx.add_refusal(actor, operation, &denied.to_string()).await
        };
        if let Err(e) = written.await {
            tracing::error!(error = %e, "could not write the security log");
        }
    }
}

/// What a processing on the municipality gives back, and what its log entry says: the
/// detail, and the cases it showed (none for a processing not about particular cases).
pub(crate) struct Logged<T> {
    pub answer: T,
    pub cases: Vec<nazorg_domain::ids::CaseId>,
    pub detail: String,
}

impl<T> Logged<T> {
    /// An answer whose log entry names no cases.
    pub(crate) fn entry(answer: T, detail: String) -> Logged<T> {
        Logged {
            answer,
            cases: Vec::new(),
            detail,
        }
    }
}

/// Today in the Netherlands (not in UTC: at 00:30 Dutch time it is already tomorrow here).
pub(crate) fn today() -> time::Date {
    nazorg_domain::dates::today_nl()
}
