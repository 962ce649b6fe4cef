//! Storage of Nazorg on SQLite (the embedded default) and PostgreSQL (the scale-out).
//!
//! The use cases live in `backend.rs`, written once against a concrete `DB` type and
//! compiled twice, once per backend, so both run the same SQL and the same rules. Every
//! read and write of personal data passes through its `gate`, which asks the domain's
//! access policy and writes the processing log in the same transaction.

pub mod audit;
mod db;
pub mod model;
pub mod names;
mod secrets;
pub mod sql;

pub use db::{Database, Tx};
pub use model::*;
pub use secrets::{
    MIN_PASSWORD, SEALED, check_password, hash_password, new_token, new_totp_secret,
    parse_secret_key, token_hash, totp_matches, totp_uri, verify_password,
};
pub use sql::*;

use nazorg_domain::access::{Actor, Denied, Role};
use nazorg_domain::lifecycle::TransitionError;
use nazorg_domain::notification::{MunicipalityCode, Notification};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// What can go wrong in the store. Messages are Dutch where a user may read them.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("Niet gevonden.")]
    NotFound,
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error(transparent)]
    ReferralTransition(#[from] nazorg_domain::referral::ReferralError),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    /// A referral would pass the budget line's cap: the user must confirm with a reason.
    #[error("{0}")]
    OverCap(OverCap),
    /// Stored data that does not parse: a fault, not the user's.
    #[error("onleesbare gegevens in de database: {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migratie: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Too many failed logins: the account waits until then.
    #[error("Dit account is tijdelijk geblokkeerd na te veel mislukte pogingen.")]
    Locked(time::OffsetDateTime),
    #[error("database-adres niet herkend: {0} (gebruik sqlite://PAD of postgres://…)")]
    Url(String),
}

impl StoreError {
    /// Whether the database refused a row because a unique key already holds it.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Db(sqlx::Error::Database(db)) if db.is_unique_violation())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Clone, Debug)]
enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The store: one connection pool, on either backend.
#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
    /// The application key that seals second-factor secrets; `None`: stored as they are.
    secret_key: Option<SecretKey>,
}

/// The application key; its `Debug` shows nothing of it.
#[derive(Clone)]
struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

// Query results are read as tuples of the selected columns; naming each one as a type
// would add nothing.
#[allow(clippy::type_complexity)]
mod sqlite {
    pub type DB = sqlx::Sqlite;
    const BEGIN: &str = "BEGIN IMMEDIATE";
    /// SQLite has no row locks: BEGIN IMMEDIATE already serialises writers.
    const FOR_UPDATE: &str = "";
    include!("backend.rs");
}

#[allow(clippy::type_complexity)]
mod postgres {
    pub type DB = sqlx::Postgres;
    const BEGIN: &str = "BEGIN";
    const FOR_UPDATE: &str = " FOR UPDATE";
    include!("backend.rs");
}

/// As `dispatch!`, for use cases acting for an actor: a refusal is also written to the
/// security log, here, for every use case at once.
macro_rules! gated {
    ($self:ident . $f:ident ( $actor:ident $(, $arg:expr)* $(,)? )) => {{
        let result = match &$self.db {
            Db::Sqlite(pool) => sqlite::$f(pool, $actor $(, $arg)*).await,
            Db::Postgres(pool) => postgres::$f(pool, $actor $(, $arg)*).await,
        };
        if let Err(StoreError::Denied(denied)) = &result {
            $self.record_refusal($actor, stringify!($f), denied).await;
        }
        result
    }};
}

/// Runs the same use case on whichever backend the store has.
macro_rules! dispatch {
    ($self:ident . $f:ident ( $($arg:expr),* $(,)? )) => {
        match &$self.db {
            Db::Sqlite(pool) => sqlite::$f(pool, $($arg),*).await,
            Db::Postgres(pool) => postgres::$f(pool, $($arg),*).await,
        }
    };
}

impl Store {
    /// Connects by URL (`sqlite://PATH` or `postgres://…`) and runs the migrations. A
    /// SQLite file and its folder are created when missing.
    pub async fn connect(url: &str) -> Result<Store> {
        let db = if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = path.split('?').next().unwrap_or(path);
            if path != ":memory:"
                && let Some(parent) = std::path::Path::new(path).parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent)
                    .map_err(|e| StoreError::Url(format!("{url}: map aanmaken mislukt: {e}")))?;
            }
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await?;
            sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
            Db::Sqlite(pool)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            Db::Postgres(pool)
        } else {
            return Err(StoreError::Url(url.to_string()));
        };
        Ok(Store {
            db,
            secret_key: None,
        })
    }

    /// Seals second-factor secrets with this key from now on, and seals the ones stored
    /// unsealed so far.
    pub async fn with_secret_key(mut self, key: [u8; 32]) -> Result<Store> {
        self.secret_key = Some(SecretKey(key));
        for (user, secret) in dispatch!(self.unsealed_totp_secrets())? {
            let sealed = secrets::seal(&key, &secret);
            dispatch!(self.set_totp_secret(user, &sealed))?;
        }
        Ok(self)
    }

    /// Writes a refused request to the security log; a failure to write is reported in the
    /// server log and does not change the answer.
    async fn record_refusal(&self, actor: &Actor, operation: &str, denied: &Denied) {
        if let Err(e) = dispatch!(self.record_refusal(actor, operation, &denied.to_string())) {
            tracing::error!(error = %e, "could not write the security log");
        }
    }

    /// The newest refusals of a municipality, for the security officer.
    pub async fn refusals(&self, municipality: &str, limit: i64) -> Result<Vec<Refusal>> {
        dispatch!(self.refusals(municipality, limit))
    }

    fn seal(&self, secret: &str) -> String {
        match &self.secret_key {
            Some(key) => secrets::seal(&key.0, secret),
            None => secret.to_string(),
        }
    }

    fn open(&self, stored: &str) -> Result<String> {
        secrets::open(self.secret_key.as_ref().map(|k| &k.0), stored)
    }

    /// Which backend this is, for messages: "SQLite" or "PostgreSQL".
    pub fn backend_name(&self) -> &'static str {
        match self.db {
            Db::Sqlite(_) => "SQLite",
            Db::Postgres(_) => "PostgreSQL",
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        dispatch!(self.ping())
    }

    // --- users, sessions, tokens -------------------------------------------------------

    pub async fn count_users(&self) -> Result<i64> {
        dispatch!(self.count_users())
    }

    /// Adds a user; the password is hashed with argon2id.
    pub async fn add_user(
        &self,
        username: &str,
        display_name: &str,
        password: &str,
        role: Role,
        municipality: &str,
    ) -> Result<i64> {
        self.add_partner_user(username, display_name, password, role, municipality, None)
            .await
    }

    /// Adds a user who may belong to a partner organisation (SKT care director, Exodus worker).
    pub async fn add_partner_user(
        &self,
        username: &str,
        display_name: &str,
        password: &str,
        role: Role,
        municipality: &str,
        partner_id: Option<i64>,
    ) -> Result<i64> {
        check_password(password, &[username, display_name])?;
        let hash = hash_password(password)?;
        dispatch!(self.add_user(
            username,
            display_name,
            &hash,
            role,
            municipality,
            partner_id
        ))
    }

    /// All users, or those of one municipality.
    pub async fn list_users(&self, municipality: Option<&str>) -> Result<Vec<User>> {
        dispatch!(self.list_users(municipality))
    }

    /// Checks a username and password; `None` when either is wrong or the account is off.
    /// After five failures in a row the account waits, one minute and doubling with each
    /// further failure up to an hour (`StoreError::Locked`); a success resets the count.
    pub async fn verify_login(&self, username: &str, password: &str) -> Result<Option<Actor>> {
        let found = dispatch!(self.user_credentials(username))?;
        let Some((actor, hash, locked_until)) = found else {
            // Spend the same time as for a real account, so timing does not tell which
            // usernames exist.
            let _ = verify_password(password, secrets::DUMMY_HASH);
            return Ok(None);
        };
        if let Some(until) = locked_until
            && until > time::OffsetDateTime::now_utc()
        {
            return Err(StoreError::Locked(until));
        }
        if verify_password(password, &hash) {
            dispatch!(self.login_succeeded(actor.user_id))?;
            Ok(Some(actor))
        } else {
            dispatch!(self.login_failed(actor.user_id))?;
            Ok(None)
        }
    }

    /// Starts a session; returns the cookie value and the CSRF token.
    pub async fn create_session(&self, user_id: i64) -> Result<(String, String)> {
        let token = new_token();
        let csrf = new_token();
        dispatch!(self.create_session(&token_hash(&token), user_id, &csrf))?;
        Ok((token, csrf))
    }

    /// The actor and CSRF token of a live session; touches its idle timer.
    pub async fn session(&self, token: &str) -> Result<Option<(Actor, String)>> {
        dispatch!(self.session(&token_hash(token)))
    }

    pub async fn end_session(&self, token: &str) -> Result<()> {
        dispatch!(self.end_session(&token_hash(token)))
    }

    /// Creates an API token for a user, to read and write; the token itself is shown once
    /// and stored hashed.
    pub async fn create_api_token(&self, username: &str, name: &str, days: i64) -> Result<String> {
        use nazorg_domain::access::TokenScope;
        Ok(self
            .create_scoped_api_token(username, name, days, &[TokenScope::Read, TokenScope::Write])
            .await?
            .1)
    }

    /// Creates an API token limited to `scopes`; returns its id and the token.
    pub async fn create_scoped_api_token(
        &self,
        username: &str,
        name: &str,
        days: i64,
        scopes: &[nazorg_domain::access::TokenScope],
    ) -> Result<(i64, String)> {
        let token = format!("nzg_{}", new_token());
        let id =
            dispatch!(self.create_api_token(username, name, &token_hash(&token), days, scopes))?;
        Ok((id, token))
    }

    /// The user and scopes of a live API token.
    pub async fn api_token(
        &self,
        token: &str,
    ) -> Result<Option<(Actor, Vec<nazorg_domain::access::TokenScope>)>> {
        dispatch!(self.api_token(&token_hash(token)))
    }

    pub async fn list_api_tokens(&self, username: &str) -> Result<Vec<ApiTokenInfo>> {
        dispatch!(self.list_api_tokens(username))
    }

    pub async fn revoke_api_token(&self, token_id: i64) -> Result<()> {
        dispatch!(self.revoke_api_token(token_id))
    }

    /// Creates a one-time setup token for the first administrator (only while no user
    /// exists).
    pub async fn create_setup_token(&self) -> Result<String> {
        let token = new_token();
        dispatch!(self.create_setup_token(&token_hash(&token)))?;
        Ok(token)
    }

    /// Uses a setup token to create the first administrator.
    pub async fn complete_setup(
        &self,
        token: &str,
        username: &str,
        display_name: &str,
        password: &str,
        municipality: &str,
    ) -> Result<i64> {
        check_password(password, &[username, display_name])?;
        let hash = hash_password(password)?;
        dispatch!(self.complete_setup(
            &token_hash(token),
            username,
            display_name,
            &hash,
            municipality
        ))
    }

    // --- cases ------------------------------------------------------------------------

    /// Registers one notification: a new case, or nothing new for a known detention.
    pub async fn import_notification(
        &self,
        actor: &Actor,
        n: &Notification,
    ) -> Result<ImportOutcome> {
        let home = home(actor)?;
        gated!(self.import_notification(actor, &home, n))
    }

    pub async fn list_cases(
        &self,
        actor: &Actor,
        filter: &CaseFilter,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<CaseSummary>> {
        gated!(self.list_cases(actor, filter, after, limit.clamp(1, 500)))
    }

    pub async fn get_case(&self, actor: &Actor, case_id: i64) -> Result<CaseDetail> {
        gated!(self.get_case(actor, case_id))
    }

    pub async fn record_offer(
        &self,
        actor: &Actor,
        case_id: i64,
        input: &OfferInput,
    ) -> Result<()> {
        gated!(self.record_offer(actor, case_id, input))
    }

    pub async fn record_triage(
        &self,
        actor: &Actor,
        case_id: i64,
        input: &TriageInput,
    ) -> Result<()> {
        gated!(self.record_triage(actor, case_id, input))
    }

    pub async fn decide_direction(
        &self,
        actor: &Actor,
        case_id: i64,
        input: &DirectionInput,
    ) -> Result<()> {
        gated!(self.decide_direction(actor, case_id, input))
    }

    pub async fn add_agreement(
        &self,
        actor: &Actor,
        case_id: i64,
        input: &AgreementInput,
    ) -> Result<i64> {
        gated!(self.add_agreement(actor, case_id, input))
    }

    pub async fn set_agreement_done(
        &self,
        actor: &Actor,
        case_id: i64,
        agreement_id: i64,
        done: bool,
    ) -> Result<()> {
        gated!(self.set_agreement_done(actor, case_id, agreement_id, done))
    }

    pub async fn set_readiness(
        &self,
        actor: &Actor,
        case_id: i64,
        input: &ReadinessInput,
    ) -> Result<()> {
        gated!(self.set_readiness(actor, case_id, input))
    }

    pub async fn record_release(
        &self,
        actor: &Actor,
        case_id: i64,
        date: time::Date,
    ) -> Result<()> {
        gated!(self.record_release(actor, case_id, date))
    }

    pub async fn log_contact(
        &self,
        actor: &Actor,
        case_id: i64,
        input: &ContactInput,
    ) -> Result<i64> {
        gated!(self.log_contact(actor, case_id, input))
    }

    pub async fn add_household_member(
        &self,
        actor: &Actor,
        case_id: i64,
        input: &HouseholdInput,
    ) -> Result<i64> {
        gated!(self.add_household_member(actor, case_id, input))
    }

    pub async fn update_facts(
        &self,
        actor: &Actor,
        case_id: i64,
        input: &FactsInput,
    ) -> Result<()> {
        gated!(self.update_facts(actor, case_id, input))
    }

    pub async fn override_eligibility(
        &self,
        actor: &Actor,
        case_id: i64,
        input: &OverrideInput,
    ) -> Result<()> {
        gated!(self.override_eligibility(actor, case_id, input))
    }

    pub async fn assign_coordinator(
        &self,
        actor: &Actor,
        case_id: i64,
        user_id: Option<i64>,
    ) -> Result<()> {
        gated!(self.assign_coordinator(actor, case_id, user_id))
    }

    pub async fn close_case(&self, actor: &Actor, case_id: i64, input: &CloseInput) -> Result<()> {
        gated!(self.close_case(actor, case_id, input))
    }

    // --- partners, referrals, budget, safety chamber ----------------------------------------

    /// Creates the default partners, services and budget lines of a year where missing.
    pub async fn ensure_defaults(&self, municipality: &str, year: i32) -> Result<()> {
        dispatch!(self.ensure_defaults(municipality, year))
    }

    pub async fn list_partners(&self, municipality: &str) -> Result<Vec<Partner>> {
        dispatch!(self.list_partners(municipality))
    }

    pub async fn add_partner(
        &self,
        actor: &Actor,
        name: &str,
        kind: nazorg_domain::referral::PartnerKind,
    ) -> Result<i64> {
        gated!(self.add_partner(actor, name, kind))
    }

    pub async fn set_partner_active(
        &self,
        actor: &Actor,
        partner_id: i64,
        active: bool,
    ) -> Result<()> {
        gated!(self.set_partner_active(actor, partner_id, active))
    }

    pub async fn list_service_kinds(&self, municipality: &str) -> Result<Vec<ServiceKind>> {
        dispatch!(self.list_service_kinds(municipality))
    }

    pub async fn set_service_price(
        &self,
        actor: &Actor,
        service_id: i64,
        price_cents: i64,
    ) -> Result<()> {
        gated!(self.set_service_price(actor, service_id, price_cents))
    }

    /// Refers the resident (or a household member) to a partner. A bought service is
    /// committed on its budget line; passing the cap needs `over_cap_reason`, else the
    /// answer is `StoreError::OverCap`.
    pub async fn create_referral(
        &self,
        actor: &Actor,
        case_id: i64,
        input: &ReferralInput,
    ) -> Result<i64> {
        gated!(self.create_referral(actor, case_id, input))
    }

    /// Referrals, newest first: a coordinator's of the municipality, a partner user's own.
    pub async fn list_referrals(
        &self,
        actor: &Actor,
        filter: &ReferralFilter,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Page<Referral>> {
        gated!(self.list_referrals(actor, filter, before_id, limit.clamp(1, 200)))
    }

    pub async fn get_referral(&self, actor: &Actor, referral_id: i64) -> Result<ReferralDetail> {
        gated!(self.get_referral(actor, referral_id))
    }

    pub async fn referral_step(
        &self,
        actor: &Actor,
        referral_id: i64,
        input: &ReferralStepInput,
    ) -> Result<()> {
        gated!(self.referral_step(actor, referral_id, input))
    }

    pub async fn acknowledge_referral(&self, actor: &Actor, referral_id: i64) -> Result<()> {
        gated!(self.acknowledge_referral(actor, referral_id))
    }

    pub async fn add_safety_item(
        &self,
        actor: &Actor,
        case_id: i64,
        put_on: time::Date,
        reason: &str,
    ) -> Result<i64> {
        gated!(self.add_safety_item(actor, case_id, put_on, reason))
    }

    pub async fn record_safety_outcome(
        &self,
        actor: &Actor,
        case_id: i64,
        item_id: i64,
        discussed_on: time::Date,
        outcome: &str,
        follow_up: &str,
    ) -> Result<()> {
        gated!(self.record_safety_outcome(
            actor,
            case_id,
            item_id,
            discussed_on,
            outcome,
            follow_up
        ))
    }

    pub async fn budget(&self, actor: &Actor, year: i32) -> Result<Budget> {
        gated!(self.budget(actor, year))
    }

    pub async fn set_budget_cap(
        &self,
        actor: &Actor,
        year: i32,
        line: nazorg_domain::referral::BudgetLineCode,
        cap_cents: i64,
    ) -> Result<()> {
        gated!(self.set_budget_cap(actor, year, line, cap_cents))
    }

    /// Time from asking to start and from start to end, and results, per partner.
    pub async fn referral_figures(
        &self,
        actor: &Actor,
        from: time::Date,
        to: time::Date,
    ) -> Result<Vec<PartnerFigures>> {
        gated!(self.referral_figures(actor, from, to))
    }

    // --- monitoring, evaluation, outlook, pseudonymised export ---------------------------------

    /// The monitoring figures of the cases whose detention started in [from, to].
    pub async fn monitor(
        &self,
        actor: &Actor,
        from: time::Date,
        to: time::Date,
    ) -> Result<nazorg_domain::monitor::Monitor> {
        gated!(self.monitor(actor, from, to))
    }

    /// The first registration date (the default start of the evaluation period).
    pub async fn first_notified(&self, actor: &Actor) -> Result<Option<time::Date>> {
        gated!(self.first_notified(actor))
    }

    /// The assumptions of the capacity estimate.
    pub async fn capacity_settings(
        &self,
        actor: &Actor,
    ) -> Result<nazorg_domain::outlook::CapacitySettings> {
        gated!(self.capacity_settings(actor))
    }

    pub async fn set_capacity_settings(
        &self,
        actor: &Actor,
        settings: &nazorg_domain::outlook::CapacitySettings,
    ) -> Result<()> {
        gated!(self.set_capacity_settings(actor, settings))
    }

    /// Outflow per year, the forecast for next year and the capacity it asks for.
    pub async fn outlook(&self, actor: &Actor) -> Result<Outlook> {
        gated!(self.outlook(actor))
    }

    /// The pseudonymised cases of a period, small groups suppressed.
    pub async fn pseudonymised_export(
        &self,
        actor: &Actor,
        from: time::Date,
        to: time::Date,
    ) -> Result<nazorg_domain::pseudonym::PseudonymisedExport> {
        gated!(self.pseudonymised_export(actor, from, to))
    }

    /// The safety chamber's agenda of the actor's municipality.
    pub async fn safety_agenda(&self, actor: &Actor) -> Result<Vec<SafetyAgendaEntry>> {
        gated!(self.safety_agenda(actor))
    }

    /// The register of processing activities of the actor's municipality.
    pub async fn processing_register(&self, actor: &Actor) -> Result<Vec<ActivityEntry>> {
        gated!(self.processing_register(actor))
    }

    /// Changes the texts of one processing activity.
    pub async fn set_processing_activity(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
        purpose: &str,
        legal_ground: &str,
    ) -> Result<()> {
        gated!(self.set_processing_activity(actor, code, name, purpose, legal_ground))
    }

    /// The open cases the actor's partner organisation directs.
    pub async fn directed_cases(&self, actor: &Actor) -> Result<Vec<DirectedCaseRow>> {
        gated!(self.directed_cases(actor))
    }

    /// A case in the limited view of the organisation that directs it.
    pub async fn get_directed_case(&self, actor: &Actor, case_id: i64) -> Result<DirectedCase> {
        gated!(self.get_directed_case(actor, case_id))
    }

    // --- retention -------------------------------------------------------------------------------

    /// Anonymises (or with `dry_run` only lists) the closed cases whose retention period
    /// ended on `cutoff`, at most `limit` per run.
    pub async fn retention(
        &self,
        actor: &Actor,
        cutoff: time::Date,
        dry_run: bool,
        limit: i64,
    ) -> Result<RetentionReport> {
        gated!(self.retention(actor, cutoff, dry_run, limit))
    }

    /// The municipalities that have cases.
    pub async fn case_municipalities(&self) -> Result<Vec<String>> {
        dispatch!(self.case_municipalities())
    }

    /// Claims a day's retention run (true for the one server that gets it).
    pub async fn claim_retention(&self, municipality: &str, day: time::Date) -> Result<bool> {
        dispatch!(self.claim_retention(municipality, day))
    }

    // --- worklist, absences, appointments, calendar, digest -------------------------------------

    /// The open deadlines of a user (own, unassigned and stood-in-for cases) or of the
    /// whole team, most urgent first.
    pub async fn worklist(
        &self,
        actor: &Actor,
        scope: Scope,
        day: time::Date,
        settings: &nazorg_domain::deadlines::DeadlineSettings,
    ) -> Result<Vec<WorkItem>> {
        gated!(self.worklist(actor, scope, day, settings))
    }

    pub async fn work_count(
        &self,
        actor: &Actor,
        day: time::Date,
        settings: &nazorg_domain::deadlines::DeadlineSettings,
    ) -> Result<usize> {
        gated!(self.work_count(actor, day, settings))
    }

    pub async fn user_id_by_name(&self, username: &str) -> Result<Option<i64>> {
        dispatch!(self.user_id_by_name(username))
    }

    pub async fn set_user_email(&self, user_id: i64, email: Option<&str>) -> Result<()> {
        dispatch!(self.set_user_email(user_id, email))
    }

    pub async fn add_absence(
        &self,
        actor: &Actor,
        user_id: i64,
        substitute_id: i64,
        starts_on: time::Date,
        ends_on: time::Date,
        note: &str,
    ) -> Result<i64> {
        gated!(self.add_absence(actor, user_id, substitute_id, starts_on, ends_on, note))
    }

    pub async fn list_absences(&self, actor: &Actor) -> Result<Vec<Absence>> {
        gated!(self.list_absences(actor))
    }

    pub async fn end_absence(&self, actor: &Actor, absence_id: i64) -> Result<()> {
        gated!(self.end_absence(actor, absence_id))
    }

    pub async fn add_appointment(
        &self,
        actor: &Actor,
        case_id: i64,
        starts_at: time::OffsetDateTime,
        kind: nazorg_domain::case::ContactKind,
        place: &str,
    ) -> Result<i64> {
        gated!(self.add_appointment(actor, case_id, starts_at, kind, place))
    }

    /// A new secret calendar link (the token is returned once; the old link stops working).
    pub async fn create_calendar_token(&self, actor: &Actor) -> Result<String> {
        let token = new_token();
        gated!(self.create_calendar_token(actor, &token_hash(&token)))?;
        Ok(token)
    }

    pub async fn revoke_calendar_token(&self, actor: &Actor) -> Result<()> {
        gated!(self.revoke_calendar_token(actor))
    }

    pub async fn has_calendar_token(&self, actor: &Actor) -> Result<bool> {
        gated!(self.has_calendar_token(actor))
    }

    pub async fn calendar_actor(&self, token: &str) -> Result<Option<Actor>> {
        dispatch!(self.calendar_actor(&token_hash(token)))
    }

    pub async fn calendar_items(
        &self,
        actor: &Actor,
        day: time::Date,
    ) -> Result<Vec<CalendarItem>> {
        gated!(self.calendar_items(actor, day))
    }

    pub async fn claim_digest(&self, day: time::Date) -> Result<bool> {
        dispatch!(self.claim_digest(day))
    }

    /// (actor, display name, e-mail) of everyone who gets the daily digest.
    pub async fn digest_users(&self) -> Result<Vec<(Actor, String, String)>> {
        dispatch!(self.digest_users())
    }

    /// Checks the processing log's hash chains.
    pub async fn audit_verify(&self) -> Result<Vec<audit::ChainReport>> {
        dispatch!(self.audit_verify())
    }

    /// Every processing of a resident's data, for the resident's right of access.
    pub async fn processings_of(
        &self,
        actor: &Actor,
        resident_id: i64,
    ) -> Result<Vec<ProcessingEntry>> {
        gated!(self.processings_of(actor, resident_id))
    }

    /// Asks the access policy before a request is handled further (its input checked,
    /// its work done): a refused user learns nothing about the input either.
    pub async fn permit(
        &self,
        actor: &Actor,
        action: nazorg_domain::access::Action,
        case_id: Option<i64>,
    ) -> Result<()> {
        let result = dispatch!(self.permit(actor, action, case_id));
        if let Err(StoreError::Denied(denied)) = &result {
            let what = match case_id {
                Some(id) => format!("{} (casus {id})", action.code()),
                None => action.code().to_string(),
            };
            self.record_refusal(actor, &what, denied).await;
        }
        result
    }

    /// The same for one referral.
    pub async fn permit_referral(
        &self,
        actor: &Actor,
        action: nazorg_domain::access::Action,
        referral_id: i64,
    ) -> Result<()> {
        let result = dispatch!(self.permit_referral(actor, action, referral_id));
        if let Err(StoreError::Denied(denied)) = &result {
            let what = format!("{} (verwijzing {referral_id})", action.code());
            self.record_refusal(actor, &what, denied).await;
        }
        result
    }

    /// Requires (or no longer requires) a second factor of a user.
    pub async fn set_totp_required(&self, user_id: i64, required: bool) -> Result<()> {
        dispatch!(self.set_totp_required(user_id, required))
    }

    /// After a correct password: `None` when no code is needed, else a challenge token for
    /// the code page (with a new secret to set up when the user has none yet).
    pub async fn second_factor_challenge(&self, user_id: i64) -> Result<Option<String>> {
        let (required, secret) = dispatch!(self.second_factor(user_id))?;
        if !required && secret.is_none() {
            return Ok(None);
        }
        let pending = if secret.is_none() {
            Some(new_totp_secret())
        } else {
            None
        };
        let token = new_token();
        let pending = pending.map(|p| self.seal(&p));
        dispatch!(self.create_login_challenge(&token_hash(&token), user_id, pending.as_deref()))?;
        Ok(Some(token))
    }

    /// The user of a live challenge and the secret to show for set-up, if any.
    pub async fn challenge(&self, token: &str) -> Result<Option<(i64, Option<String>)>> {
        match dispatch!(self.login_challenge(&token_hash(token)))? {
            None => Ok(None),
            Some((user, _, pending)) => {
                Ok(Some((user, pending.map(|p| self.open(&p)).transpose()?)))
            }
        }
    }

    /// Checks the code of a challenge; on success the challenge ends (saving a new secret)
    /// and the user id is returned.
    pub async fn answer_challenge(&self, token: &str, code: &str) -> Result<Option<i64>> {
        let hash = token_hash(token);
        let Some((user, secret, pending)) = dispatch!(self.login_challenge(&hash))? else {
            return Ok(None);
        };
        let Some(secret) = pending.or(secret) else {
            return Ok(None);
        };
        let secret = self.open(&secret)?;
        if !totp_matches(&secret, code) {
            return Ok(None);
        }
        dispatch!(self.complete_login_challenge(&hash))?;
        Ok(Some(user))
    }

    /// Keeps a single sign-on under way (for ten minutes, once): the `state` sent to the
    /// provider (stored hashed), the PKCE verifier, the nonce and the page to go to after.
    pub async fn create_oidc_login(
        &self,
        state: &str,
        verifier: &str,
        nonce: &str,
        next: &str,
    ) -> Result<()> {
        dispatch!(self.create_oidc_login(&token_hash(state), verifier, nonce, next))
    }

    /// Ends the single sign-on of a `state`: its PKCE verifier, nonce and next page, or
    /// `None` when the state is unknown, used already or older than ten minutes.
    pub async fn take_oidc_login(&self, state: &str) -> Result<Option<(String, String, String)>> {
        dispatch!(self.take_oidc_login(&token_hash(state)))
    }

    /// The local user of someone who signed in through the provider (matched by subject,
    /// else by username, else created), with role, partner and municipality updated from
    /// the provider; `None` when that user is deactivated.
    pub async fn oidc_sign_in(&self, who: &OidcIdentity) -> Result<Option<i64>> {
        dispatch!(self.oidc_sign_in(who))
    }

    /// The ids of one resident's cases (each then read, and logged, through `get_case`).
    pub async fn resident_case_ids(&self, actor: &Actor, resident_id: i64) -> Result<Vec<i64>> {
        gated!(self.resident_case_ids(actor, resident_id))
    }

    /// Generates `residents` residents with their cases directly in the tables, for
    /// benchmarks and load tests only (it bypasses the use cases and the processing log).
    /// Returns the number of cases made.
    pub async fn seed_bulk(
        &self,
        municipality: &str,
        residents: usize,
        seed: u64,
        coordinators: &[i64],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<usize> {
        dispatch!(self.seed_bulk(municipality, residents, seed, coordinators, progress))
    }

    /// Users who can direct cases (coordinators), for filters and assignment.
    pub async fn coordinators(&self, actor: &Actor) -> Result<Vec<User>> {
        let all = self.list_users(Some(&actor.municipality)).await?;
        Ok(all
            .into_iter()
            .filter(|u| {
                u.active && u.role == Role::Coordinator && u.municipality_code == actor.municipality
            })
            .collect())
    }
}

fn home(actor: &Actor) -> Result<MunicipalityCode> {
    MunicipalityCode::parse(&actor.municipality)
        .map_err(|_| StoreError::Invalid(format!("ongeldige gemeentecode {}", actor.municipality)))
}
