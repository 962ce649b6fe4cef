// The use cases, written once against `DB` (a concrete sqlx database set by the module
// that includes this file) so that SQLite and PostgreSQL run the same code.

use crate::model::*;
use crate::{Result, StoreError};
use nazorg_domain::access::{
    Action, Actor, Role, TokenScope, authorize, authorize_case, authorize_referral,
};
use nazorg_domain::case::{
    ClosingReason, ContactKind, DomainResult, OfferOutcome, OverallResult, ReadinessItem,
};
use nazorg_domain::deadlines::{
    AgreementFacts, CaseFacts, DeadlineSettings, ReferralFacts, deadlines,
};
use nazorg_domain::eligibility::{self, Eligibility, EligibilityFacts};
use nazorg_domain::lifecycle::{self, ActionFacts, CaseState, Status, Step};
use nazorg_domain::monitor::{CaseFacts as MonitorCase, Monitor, ReferralFacts as MonitorReferral};
use nazorg_domain::notification::{BrpStatus, MunicipalityCode, Notification, Sentence, Source};
use nazorg_domain::outlook::{
    CapacitySettings, HISTORIC_OUTFLOW, Observed, forecast, outflow_series,
};
use nazorg_domain::pseudonym::{PseudoRecord, PseudonymisedExport};
use nazorg_domain::referral::{
    BudgetLineCode, DEFAULT_PARTNERS, DEFAULT_SERVICES, PartnerKind, ReferralResult,
    ReferralStatus, ReferralStep,
};
use nazorg_domain::search::{prefix_upper_bound, search_key};
use nazorg_domain::triage::{Direction, DomainTriage, LifeDomain, Need};
use nazorg_domain::{Bsn, format_nl};
use sqlx::{Pool, QueryBuilder, Transaction};
use time::{Date, Duration, OffsetDateTime};

type Tx = Transaction<'static, DB>;

/// The purpose every processing in this system serves (the register of processing
/// activities becomes configurable with the privacy issue).
const PURPOSE: &str = "Nazorg ex-gedetineerden (Wet straffen en beschermen; art. 10 AVG)";
/// Sessions end after this long without a request…
const SESSION_IDLE: Duration = Duration::minutes(60);
/// …and in any case after this long.
const SESSION_ABSOLUTE: Duration = Duration::hours(12);
/// Closed cases sort last in every list.
const FAR_FUTURE: Date = time::macros::date!(9999 - 12 - 31);

/// Starts a transaction. On SQLite every transaction here writes (at least the processing
/// log), so it takes the write lock at once (BEGIN IMMEDIATE): a transaction that read
/// first and then tried to write would fail at once when another had written meanwhile,
/// instead of waiting its turn.
async fn begin(pool: &Pool<DB>) -> Result<Tx> {
    Ok(pool.begin_with(BEGIN).await?)
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// Today in the Netherlands (not in UTC: at 00:30 Dutch time it is already tomorrow here).
fn today() -> Date {
    nazorg_domain::dates::today_nl()
}

fn actor_id(actor: &Actor) -> Option<i64> {
    (actor.user_id > 0).then_some(actor.user_id)
}

fn parse_code<T>(text: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(text).ok_or_else(|| StoreError::Corrupt(format!("onbekende waarde '{text}'")))
}

fn parse_opt<T>(text: Option<String>, parse: fn(&str) -> Option<T>) -> Result<Option<T>> {
    text.map(|t| parse_code(&t, parse)).transpose()
}

fn invalid(message: impl Into<String>) -> StoreError {
    StoreError::Invalid(message.into())
}

fn unique_to_conflict(e: sqlx::Error, message: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(message.to_string())
        }
        _ => StoreError::Db(e),
    }
}

fn check_text(field: &str, value: &str, max: usize, required: bool) -> Result<String> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(invalid(format!("Vul {field} in.")));
    }
    if value.chars().count() > max {
        return Err(invalid(format!(
            "{field} is te lang (hoogstens {max} tekens)."
        )));
    }
    Ok(value.to_string())
}

fn check_not_future(field: &str, date: Date) -> Result<()> {
    if date > today() {
        return Err(invalid(format!(
            "{field} ({}) ligt in de toekomst.",
            format_nl(date)
        )));
    }
    Ok(())
}

// --- the gate -------------------------------------------------------------------------

/// Permission to process personal data, granted by the access policy. It can only be
/// made by `check` and is spent by `log`, so a use case cannot read or write personal
/// data without both.
struct Permit<'a> {
    actor: &'a Actor,
    action: Action,
    municipality: String,
    /// The register's activity the processing belongs to.
    activity: &'static str,
}

/// Asks the access policy. Fails closed.
fn check<'a>(actor: &'a Actor, action: Action, municipality: &str) -> Result<Permit<'a>> {
    authorize(actor, action, municipality)?;
    Ok(Permit {
        actor,
        action,
        municipality: municipality.to_string(),
        activity: nazorg_domain::register::activity_of(action),
    })
}

/// Asks the access policy about one case (a safety-chamber member may read the cases on
/// the chamber's agenda). Fails closed.
fn check_case<'a>(
    actor: &'a Actor,
    action: Action,
    municipality: &str,
    on_agenda: bool,
) -> Result<Permit<'a>> {
    authorize_case(actor, action, municipality, on_agenda)?;
    Ok(Permit {
        actor,
        action,
        municipality: municipality.to_string(),
        // A safety-chamber member reads for the chamber, not for casework.
        activity: if actor.role == Role::SafetyChamber {
            "veiligheidskamer"
        } else {
            nazorg_domain::register::activity_of(action)
        },
    })
}

/// Writes the processing log entry for a permitted processing, in the transaction of
/// the processing itself.
async fn log(
    tx: &mut Tx,
    permit: Permit<'_>,
    resident_id: Option<i64>,
    case_id: Option<i64>,
    detail: &str,
) -> Result<i64> {
    use crate::audit::{EntryFields, GENESIS, chain_hash, to_micros};
    let municipality = permit.municipality.as_str();
    // Taking the next number from the chain's head locks it: appends in one municipality
    // happen one after the other, so the chain never forks.
    sqlx::query(
        "INSERT INTO audit_heads (municipality_code, last_seq, last_hash) VALUES ($1, 0, $2) \
         ON CONFLICT (municipality_code) DO NOTHING",
    )
    .bind(municipality)
    .bind(GENESIS)
    .execute(&mut **tx)
    .await?;
    let (seq, prev): (i64, String) = sqlx::query_as(
        "UPDATE audit_heads SET last_seq = last_seq + 1 WHERE municipality_code = $1 RETURNING last_seq, last_hash",
    )
    .bind(municipality)
    .fetch_one(&mut **tx)
    .await?;
    // Purpose and legal ground as the register says now.
    let activity = permit.activity;
    let registered: Option<(String, String, String)> = sqlx::query_as(
        "SELECT name, purpose, legal_ground FROM processing_activities WHERE municipality_code = $1 AND code = $2",
    )
    .bind(municipality)
    .bind(activity)
    .fetch_optional(&mut **tx)
    .await?;
    let purpose = match registered {
        Some((name, purpose, ground)) => {
            nazorg_domain::register::purpose_text(&name, &purpose, &ground)
        }
        None => nazorg_domain::register::default_activity(activity)
            .map(|a| nazorg_domain::register::purpose_text(a.name, a.purpose, a.legal_ground))
            .unwrap_or_else(|| PURPOSE.to_string()),
    };
    let entry = EntryFields {
        seq,
        at: to_micros(now()),
        actor_id: actor_id(permit.actor),
        actor_name: &permit.actor.username,
        action: permit.action.code(),
        municipality,
        resident_id,
        case_id,
        purpose: &purpose,
        detail,
    };
    let hash = chain_hash(&prev, &entry);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO processing_log (at, actor_id, actor_name, action, municipality_code, resident_id, case_id, purpose, detail, \
         seq, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(entry.at)
    .bind(entry.actor_id)
    .bind(entry.actor_name)
    .bind(entry.action)
    .bind(municipality)
    .bind(resident_id)
    .bind(case_id)
    .bind(&purpose)
    .bind(detail)
    .bind(seq)
    .bind(&prev)
    .bind(&hash)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_heads SET last_hash = $1 WHERE municipality_code = $2")
        .bind(&hash)
        .bind(municipality)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

/// Logs a list view: one entry, and the residents and cases it showed, so that every
/// resident's overview of processings includes the lists they appeared in.
async fn log_list(tx: &mut Tx, permit: Permit<'_>, case_ids: &[i64], detail: &str) -> Result<()> {
    let id = log(tx, permit, None, None, detail).await?;
    let mut ids: Vec<i64> = case_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let mut q: QueryBuilder<DB> = QueryBuilder::new(
        "INSERT INTO processing_log_subjects (log_id, resident_id, case_id) SELECT ",
    );
    q.push_bind(id)
        .push(", resident_id, id FROM cases WHERE id IN (");
    let mut list = q.separated(", ");
    for case_id in &ids {
        list.push_bind(*case_id);
    }
    q.push(")");
    q.build().execute(&mut **tx).await?;
    Ok(())
}

/// Check and log in one go, for processings of one known case.
async fn gate(
    tx: &mut Tx,
    actor: &Actor,
    action: Action,
    core: &CaseCore,
    detail: &str,
) -> Result<()> {
    let permit = check_case(actor, action, &core.municipality_code, core.on_agenda)?;
    log(tx, permit, Some(core.resident_id), Some(core.id), detail)
        .await
        .map(|_| ())
}

// --- health, users, sessions, tokens ------------------------------------------------

pub async fn ping(pool: &Pool<DB>) -> Result<()> {
    sqlx::query("SELECT 1").execute(pool).await?;
    Ok(())
}

pub async fn count_users(pool: &Pool<DB>) -> Result<i64> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users")
        .fetch_one(pool)
        .await?)
}

fn check_username(username: &str) -> Result<()> {
    let ok = (2..=64).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-@".contains(c));
    if ok {
        Ok(())
    } else {
        Err(invalid(
            "Een gebruikersnaam heeft 2 tot 64 tekens: kleine letters, cijfers, punt, streepje, liggend streepje of @.",
        ))
    }
}

async fn insert_user(
    conn: &mut <DB as sqlx::Database>::Connection,
    username: &str,
    display_name: &str,
    hash: &str,
    role: Role,
    municipality: &str,
    partner_id: Option<i64>,
) -> Result<i64> {
    check_username(username)?;
    check_user_partner(&mut *conn, role, municipality, partner_id).await?;
    let display_name = check_text("de naam", display_name, 100, false)?;
    let display_name = if display_name.is_empty() {
        username.to_string()
    } else {
        display_name
    };
    let municipality = MunicipalityCode::parse(municipality).map_err(|e| invalid(e.to_string()))?;
    sqlx::query_scalar::<_, i64>(
        "INSERT INTO users (username, display_name, password_hash, role, municipality_code, active, created_at, updated_at, partner_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id",
    )
    .bind(username)
    .bind(display_name)
    .bind(hash)
    .bind(role.code())
    .bind(municipality.as_str())
    .bind(true)
    .bind(now())
    .bind(partner_id)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| unique_to_conflict(e, &format!("De gebruikersnaam '{username}' bestaat al.")))
}

/// A partner user (SKT care director, Exodus worker) belongs to a partner of the right
/// kind in the same municipality; other users to none.
async fn check_user_partner(
    conn: &mut <DB as sqlx::Database>::Connection,
    role: Role,
    municipality: &str,
    partner_id: Option<i64>,
) -> Result<()> {
    let wanted = match role {
        Role::SktCareDirector => Some(PartnerKind::Skt),
        Role::ExodusWorker => Some(PartnerKind::Exodus),
        _ => None,
    };
    match (wanted, partner_id) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(invalid(
            "Alleen zorgregisseurs en medewerkers van Exodus horen bij een ketenpartner.",
        )),
        (Some(kind), None) => Err(invalid(format!(
            "Kies de organisatie ({}) waarvoor deze gebruiker werkt.",
            kind.label()
        ))),
        (Some(kind), Some(id)) => {
            let found: Option<String> = sqlx::query_scalar(
                "SELECT kind FROM partners WHERE id = $1 AND municipality_code = $2 AND active = $3",
            )
            .bind(id)
            .bind(municipality)
            .bind(true)
            .fetch_optional(&mut *conn)
            .await?;
            if found.as_deref() == Some(kind.code()) {
                Ok(())
            } else {
                Err(invalid(format!(
                    "Kies een actieve ketenpartner van het soort ‘{}’.",
                    kind.label()
                )))
            }
        }
    }
}

pub async fn add_user(
    pool: &Pool<DB>,
    username: &str,
    display_name: &str,
    hash: &str,
    role: Role,
    municipality: &str,
    partner_id: Option<i64>,
) -> Result<i64> {
    let mut conn = pool.acquire().await?;
    ensure_defaults_on(&mut conn, municipality, today().year()).await?;
    insert_user(
        &mut conn,
        username,
        display_name,
        hash,
        role,
        municipality,
        partner_id,
    )
    .await
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    municipality_code: String,
    active: bool,
    partner_id: Option<i64>,
}

impl UserRow {
    fn into_user(self) -> Result<User> {
        Ok(User {
            id: self.id,
            role: parse_code(&self.role, Role::parse)?,
            username: self.username,
            display_name: self.display_name,
            municipality_code: self.municipality_code,
            active: self.active,
            partner_id: self.partner_id,
        })
    }

    fn into_actor(self) -> Result<Actor> {
        Ok(Actor {
            user_id: self.id,
            role: parse_code(&self.role, Role::parse)?,
            username: self.username,
            municipality: self.municipality_code,
            partner_id: self.partner_id,
            substituting: false,
        })
    }
}

const USER_COLUMNS: &str =
    "u.id, u.username, u.display_name, u.role, u.municipality_code, u.active, u.partner_id";

pub async fn list_users(pool: &Pool<DB>, municipality: Option<&str>) -> Result<Vec<User>> {
    let rows: Vec<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE $1 IS NULL OR u.municipality_code = $1 ORDER BY u.username"
    ))
    .bind(municipality)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(UserRow::into_user).collect()
}

pub async fn user_credentials(
    pool: &Pool<DB>,
    username: &str,
) -> Result<Option<(Actor, String, Option<OffsetDateTime>)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: UserRow,
        password_hash: String,
        locked_until: Option<OffsetDateTime>,
    }
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS}, u.password_hash, u.locked_until FROM users u WHERE u.username = $1 AND u.active = $2"
    ))
    .bind(username.trim().to_lowercase())
    .bind(true)
    .fetch_optional(pool)
    .await?;
    match row {
        Some(r) => Ok(Some((
            enrich(pool, r.user.into_actor()?).await?,
            r.password_hash,
            r.locked_until,
        ))),
        None => Ok(None),
    }
}

pub async fn login_failed(pool: &Pool<DB>, user_id: i64) -> Result<()> {
    let failures: i64 = sqlx::query_scalar(
        "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    if failures >= 5 {
        let minutes = 1i64 << (failures - 5).min(6);
        sqlx::query("UPDATE users SET locked_until = $1 WHERE id = $2")
            .bind(now() + Duration::minutes(minutes.min(60)))
            .bind(user_id)
            .execute(pool)
            .await?;
    }
    Ok(())
}

pub async fn login_succeeded(pool: &Pool<DB>, user_id: i64) -> Result<()> {
    sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// What the account alone does not say: a substitute's substitution running today, and
/// whether a partner user's organisation is still active (if not, they reach nothing).
async fn enrich(pool: &Pool<DB>, mut actor: Actor) -> Result<Actor> {
    if actor.role == Role::SubstituteCoordinator {
        let running: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM absences WHERE substitute_id = $1 AND starts_on <= $2 AND ends_on >= $2",
        )
        .bind(actor.user_id)
        .bind(today())
        .fetch_one(pool)
        .await?;
        actor.substituting = running > 0;
    }
    if let Some(partner) = actor.partner_id {
        let active: Option<bool> = sqlx::query_scalar("SELECT active FROM partners WHERE id = $1")
            .bind(partner)
            .fetch_optional(pool)
            .await?;
        if active != Some(true) {
            actor.partner_id = None;
        }
    }
    Ok(actor)
}

pub async fn create_session(
    pool: &Pool<DB>,
    id_hash: &str,
    user_id: i64,
    csrf: &str,
) -> Result<()> {
    let at = now();
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)",
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(csrf)
    .bind(at)
    .bind(at + SESSION_ABSOLUTE)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn session(pool: &Pool<DB>, id_hash: &str) -> Result<Option<(Actor, String)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: UserRow,
        csrf_token: String,
        last_seen_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    }
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS}, s.csrf_token, s.last_seen_at, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1"
    ))
    .bind(id_hash)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let at = now();
    if !row.user.active || at >= row.expires_at || at - row.last_seen_at > SESSION_IDLE {
        end_session(pool, id_hash).await?;
        return Ok(None);
    }
    if at - row.last_seen_at > Duration::minutes(1) {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(at)
            .bind(id_hash)
            .execute(pool)
            .await?;
    }
    Ok(Some((
        enrich(pool, row.user.into_actor()?).await?,
        row.csrf_token,
    )))
}

pub async fn end_session(pool: &Pool<DB>, id_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn create_api_token(
    pool: &Pool<DB>,
    username: &str,
    name: &str,
    hash: &str,
    days: i64,
    scopes: &[TokenScope],
) -> Result<i64> {
    let user_id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(pool)
        .await?;
    let user_id =
        user_id.ok_or_else(|| invalid(format!("Gebruiker '{username}' bestaat niet.")))?;
    if scopes.is_empty() {
        return Err(invalid(
            "Geef het token minstens één bereik: read, write of notifications.",
        ));
    }
    let name = check_text("de naam", name, 100, true)?;
    let at = now();
    Ok(sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at, scopes) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user_id)
    .bind(&name)
    .bind(hash)
    .bind(at)
    .bind(at + Duration::days(days.clamp(1, 366)))
    .bind(scopes.iter().map(|s| s.code()).collect::<Vec<_>>().join(","))
    .fetch_one(pool)
    .await?)
}

pub async fn api_token(pool: &Pool<DB>, hash: &str) -> Result<Option<(Actor, Vec<TokenScope>)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: UserRow,
        scopes: String,
    }
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS}, t.scopes FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND u.active = $3"
    ))
    .bind(hash)
    .bind(now())
    .bind(true)
    .fetch_optional(pool)
    .await?;
    match row {
        Some(r) => {
            let scopes = r.scopes.split(',').filter_map(TokenScope::parse).collect();
            Ok(Some((enrich(pool, r.user.into_actor()?).await?, scopes)))
        }
        None => Ok(None),
    }
}

pub async fn list_api_tokens(pool: &Pool<DB>, username: &str) -> Result<Vec<ApiTokenInfo>> {
    let rows: Vec<(i64, String, String, OffsetDateTime, OffsetDateTime, Option<OffsetDateTime>)> = sqlx::query_as(
        "SELECT t.id, t.name, t.scopes, t.created_at, t.expires_at, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE u.username = $1 ORDER BY t.id",
    )
    .bind(username)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, name, scopes, created_at, expires_at, revoked_at)| ApiTokenInfo {
                id,
                name,
                scopes: scopes.split(',').filter_map(TokenScope::parse).collect(),
                created_at,
                expires_at,
                revoked: revoked_at.is_some(),
            },
        )
        .collect())
}

pub async fn revoke_api_token(pool: &Pool<DB>, token_id: i64) -> Result<()> {
    let changed =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now())
            .bind(token_id)
            .execute(pool)
            .await?
            .rows_affected();
    if changed == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

pub async fn create_setup_token(pool: &Pool<DB>, hash: &str) -> Result<()> {
    sqlx::query("INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)")
        .bind(hash)
        .bind(now())
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn complete_setup(
    pool: &Pool<DB>,
    hash: &str,
    username: &str,
    display_name: &str,
    password_hash: &str,
    municipality: &str,
) -> Result<i64> {
    let mut tx = begin(pool).await?;
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&mut *tx)
        .await?;
    let used = sqlx::query(
        "UPDATE setup_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
    )
    .bind(now())
    .bind(hash)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if users > 0 {
        return Err(invalid(
            "Deze installatielink is niet meer geldig: er is al een beheerder. Log in.",
        ));
    }
    if used != 1 {
        return Err(invalid(
            "Deze installatielink is niet (meer) geldig. Start Nazorg opnieuw voor een nieuwe link, of gebruik ‘nazorg user add’.",
        ));
    }
    let id = insert_user(
        &mut tx,
        username,
        display_name,
        password_hash,
        Role::Administrator,
        municipality,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

// --- cases: loading ---------------------------------------------------------------------

/// The columns every step needs to check access and the lifecycle.
#[derive(sqlx::FromRow)]
struct CaseCore {
    id: i64,
    municipality_code: String,
    resident_id: i64,
    status: String,
    detention_start: Date,
    actual_release: Option<Date>,
    /// On the safety chamber's agenda now (its members may then read the case).
    on_agenda: bool,
    /// Anonymised after the retention period: nothing may be added or changed.
    anonymised: bool,
}

/// Agenda items count for access while not yet discussed, or discussed this recently.
const AGENDA_ACCESS_DAYS: i64 = 90;

/// SQL: the case (table alias `cases`) is on the safety chamber's agenda now; binds the
/// earliest discussion date that still counts.
const ON_AGENDA: &str = "(cases.anonymised_at IS NULL AND EXISTS (SELECT 1 FROM safety_agenda_items s \
     WHERE s.case_id = cases.id AND (s.discussed_on IS NULL OR s.discussed_on >= $2)))";

fn agenda_cutoff() -> Date {
    today() - Duration::days(AGENDA_ACCESS_DAYS)
}

async fn core(tx: &mut Tx, case_id: i64) -> Result<CaseCore> {
    sqlx::query_as::<_, CaseCore>(&format!(
        "SELECT id, municipality_code, resident_id, status, detention_start, actual_release, \
         {ON_AGENDA} AS on_agenda, anonymised_at IS NOT NULL AS anonymised FROM cases WHERE id = $1"
    ))
    .bind(case_id)
    .bind(agenda_cutoff())
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound)
}

const SUMMARY_SELECT: &str = "SELECT c.id AS case_id, c.resident_id, r.bsn, r.family_name, r.given_names, r.birth_date, \
     c.institution, c.detention_start, c.expected_release, c.actual_release, c.status, c.eligibility_in_force, \
     c.eligibility_reasons, c.override_eligibility, c.direction, c.coordinator_id, u.display_name AS coordinator, c.next_action, c.action_due \
     FROM cases c JOIN residents r ON r.id = c.resident_id LEFT JOIN users u ON u.id = c.coordinator_id";

#[derive(sqlx::FromRow)]
struct SummaryRow {
    case_id: i64,
    resident_id: i64,
    bsn: String,
    family_name: String,
    given_names: String,
    birth_date: Option<Date>,
    institution: String,
    detention_start: Date,
    expected_release: Option<Date>,
    actual_release: Option<Date>,
    status: String,
    eligibility_in_force: String,
    eligibility_reasons: String,
    override_eligibility: Option<String>,
    direction: Option<String>,
    coordinator_id: Option<i64>,
    coordinator: Option<String>,
    next_action: String,
    action_due: Date,
}

impl SummaryRow {
    fn into_summary(self) -> Result<CaseSummary> {
        Ok(CaseSummary {
            case_id: self.case_id,
            resident_id: self.resident_id,
            bsn: self.bsn,
            family_name: self.family_name,
            given_names: self.given_names,
            birth_date: self.birth_date,
            institution: self.institution,
            detention_start: self.detention_start,
            expected_release: self.expected_release,
            actual_release: self.actual_release,
            status: parse_code(&self.status, Status::parse)?,
            eligibility: parse_code(&self.eligibility_in_force, Eligibility::parse)?,
            eligibility_reasons: eligibility::decode_reasons(&self.eligibility_reasons),
            eligibility_overridden: self.override_eligibility.is_some(),
            direction: parse_opt(self.direction, Direction::parse)?,
            coordinator_id: self.coordinator_id,
            coordinator: self.coordinator,
            next_action: self.next_action,
            action_due: self.action_due,
        })
    }
}

pub async fn list_cases(
    pool: &Pool<DB>,
    actor: &Actor,
    filter: &CaseFilter,
    after: Option<Cursor>,
    limit: u32,
) -> Result<Page<CaseSummary>> {
    let permit = check(actor, Action::ListCases, &actor.municipality)?;
    let mut q = QueryBuilder::<DB>::new(SUMMARY_SELECT);
    q.push(" WHERE c.municipality_code = ")
        .push_bind(actor.municipality.clone());
    if let Some(status) = filter.status {
        q.push(" AND c.status = ").push_bind(status.code());
    } else if filter.open_only {
        q.push(" AND c.is_open = ").push_bind(true);
    }
    if let Some(direction) = filter.direction {
        q.push(" AND c.direction = ").push_bind(direction.code());
    }
    if let Some(coordinator) = filter.coordinator_id {
        q.push(" AND c.coordinator_id = ").push_bind(coordinator);
    }
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let digits: String = search
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect();
        if digits.chars().all(|c| c.is_ascii_digit()) {
            // A number is a BSN: an exact match, never a prefix (a partial BSN finds nobody).
            let bsn = Bsn::parse(&digits).map(|b| b.to_string()).unwrap_or(digits);
            q.push(" AND r.municipality_code = ")
                .push_bind(actor.municipality.clone());
            q.push(" AND r.bsn = ").push_bind(bsn);
        } else {
            let key = search_key(search);
            q.push(" AND r.municipality_code = ")
                .push_bind(actor.municipality.clone());
            q.push(" AND r.search_name >= ").push_bind(key.clone());
            q.push(" AND r.search_name < ")
                .push_bind(prefix_upper_bound(&key));
        }
    }
    if let Some(cursor) = after {
        // Keyset: strictly after (due, id). The plain lower bound on action_due lets both
        // databases start the index range there instead of filtering from the top.
        q.push(" AND c.action_due >= ").push_bind(cursor.due);
        q.push(" AND (c.action_due > ").push_bind(cursor.due);
        q.push(" OR c.id > ").push_bind(cursor.id).push(")");
    }
    q.push(" ORDER BY c.action_due, c.id LIMIT ")
        .push_bind(i64::from(limit) + 1);
    let mut tx = begin(pool).await?;
    let rows: Vec<SummaryRow> = q.build_query_as().fetch_all(&mut *tx).await?;
    let more = rows.len() > limit as usize;
    let items: Vec<CaseSummary> = rows
        .into_iter()
        .take(limit as usize)
        .map(SummaryRow::into_summary)
        .collect::<Result<_>>()?;
    let ids: Vec<String> = items.iter().map(|c| c.case_id.to_string()).collect();
    let case_ids: Vec<i64> = items.iter().map(|c| c.case_id).collect();
    log_list(
        &mut tx,
        permit,
        &case_ids,
        &format!("lijst van casussen: {}", ids.join(",")),
    )
    .await?;
    tx.commit().await?;
    let next = if more {
        items.last().map(|c| Cursor {
            due: c.action_due,
            id: c.case_id,
        })
    } else {
        None
    };
    Ok(Page { items, next })
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    municipality_code: String,
    last_residence_code: Option<String>,
    brp_status: Option<String>,
    sentence: Option<String>,
    eligibility: String,
    override_reason: Option<String>,
    override_by: Option<String>,
    direction_reason: Option<String>,
    direction_since: Option<Date>,
    offer_outcome: Option<String>,
    offer_date: Option<Date>,
    offer_contact_kind: Option<String>,
    triage_note: String,
    known_to_skt: Option<bool>,
    known_to_safety_chamber: Option<bool>,
    ready_housing: bool,
    ready_brp: bool,
    ready_id: bool,
    ready_income: bool,
    aftercare_end: Option<Date>,
    closing_reason: Option<String>,
    overall_result: Option<String>,
    closing_note: Option<String>,
    closed_on: Option<Date>,
    notified_on: Date,
}

/// id, domain, description, owner, due date, done, done on.
type AgreementRow = (
    i64,
    String,
    String,
    String,
    Option<Date>,
    bool,
    Option<Date>,
);

pub async fn get_case(pool: &Pool<DB>, actor: &Actor, case_id: i64) -> Result<CaseDetail> {
    let mut tx = begin(pool).await?;
    let core = core(&mut tx, case_id).await?;
    gate(&mut tx, actor, Action::ReadCase, &core, "casus ingezien").await?;
    let detail = load_detail(&mut tx, case_id).await?;
    tx.commit().await?;
    Ok(detail)
}

/// Everything about one case, read inside a transaction whose access is already decided.
async fn load_detail(tx: &mut Tx, case_id: i64) -> Result<CaseDetail> {
    let summary: SummaryRow = sqlx::query_as(&format!("{SUMMARY_SELECT} WHERE c.id = $1"))
        .bind(case_id)
        .fetch_one(&mut **tx)
        .await?;
    let d: DetailRow = sqlx::query_as(
        "SELECT municipality_code, last_residence_code, brp_status, sentence, eligibility, override_reason, override_by, \
         direction_reason, direction_since, offer_outcome, offer_date, offer_contact_kind, triage_note, known_to_skt, known_to_safety_chamber, \
         ready_housing, ready_brp, ready_id, ready_income, aftercare_end, closing_reason, overall_result, closing_note, closed_on, notified_on \
         FROM cases WHERE id = $1",
    )
    .bind(case_id)
    .fetch_one(&mut **tx)
    .await?;
    let triage_rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT domain, need, self_reliance FROM triage_domains WHERE case_id = $1")
            .bind(case_id)
            .fetch_all(&mut **tx)
            .await?;
    let mut triage = triage_rows
        .into_iter()
        .map(|(domain, need, reliance)| {
            Ok(DomainTriage {
                domain: parse_code(&domain, LifeDomain::parse)?,
                need: parse_code(&need, nazorg_domain::triage::Need::parse)?,
                self_reliance: parse_code(&reliance, nazorg_domain::triage::SelfReliance::parse)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    triage.sort_by_key(|t| t.domain);
    let agreement_rows: Vec<AgreementRow> = sqlx::query_as(
        "SELECT id, domain, description, owner, due_date, done, done_on FROM agreements WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(&mut **tx)
    .await?;
    let agreements = agreement_rows
        .into_iter()
        .map(
            |(id, domain, description, owner, due_date, done, done_on)| {
                Ok(Agreement {
                    id,
                    domain: parse_code(&domain, LifeDomain::parse)?,
                    description,
                    owner,
                    due_date,
                    done,
                    done_on,
                })
            },
        )
        .collect::<Result<Vec<_>>>()?;
    let contact_rows: Vec<(i64, Date, String, String, String)> = sqlx::query_as(
        "SELECT id, contact_date, kind, note, created_by FROM contacts WHERE case_id = $1 ORDER BY contact_date DESC, id DESC",
    )
    .bind(case_id)
    .fetch_all(&mut **tx)
    .await?;
    let contacts = contact_rows
        .into_iter()
        .map(|(id, date, kind, note, created_by)| {
            Ok(Contact {
                id,
                date,
                kind: parse_code(&kind, ContactKind::parse)?,
                note,
                created_by,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let household_rows: Vec<(i64, String, bool, String, String)> = sqlx::query_as(
        "SELECT id, relation, is_minor, support_need, note FROM household_members WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(&mut **tx)
    .await?;
    let household = household_rows
        .into_iter()
        .map(|(id, relation, is_minor, need, note)| {
            Ok(HouseholdMember {
                id,
                relation: parse_code(&relation, nazorg_domain::case::Relation::parse)?,
                is_minor,
                support_need: parse_code(&need, nazorg_domain::triage::Need::parse)?,
                note,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let result_rows: Vec<(String, String)> =
        sqlx::query_as("SELECT domain, result FROM closure_results WHERE case_id = $1")
            .bind(case_id)
            .fetch_all(&mut **tx)
            .await?;
    let mut closure_results = result_rows
        .into_iter()
        .map(|(domain, result)| {
            Ok((
                parse_code(&domain, LifeDomain::parse)?,
                parse_code(&result, nazorg_domain::case::DomainResult::parse)?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    closure_results.sort();
    let event_rows: Vec<(OffsetDateTime, String, String, String)> = sqlx::query_as(
        "SELECT at, actor_name, kind, summary FROM case_events WHERE case_id = $1 ORDER BY id DESC",
    )
    .bind(case_id)
    .fetch_all(&mut **tx)
    .await?;
    let events = event_rows
        .into_iter()
        .map(|(at, actor, kind, summary)| CaseEvent {
            at,
            actor,
            kind,
            summary,
        })
        .collect();
    let notification_rows: Vec<(String, OffsetDateTime)> = sqlx::query_as(
        "SELECT source, received_at FROM notifications WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(&mut **tx)
    .await?;
    let referrals = case_referrals(tx, case_id).await?;
    let appointments = case_appointments(tx, case_id).await?;
    let safety_agenda = case_safety_agenda(tx, case_id).await?;
    let notifications = notification_rows
        .into_iter()
        .map(|(source, received_at)| {
            Ok(NotificationRecord {
                source: parse_code(&source, Source::parse)?,
                received_at,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(CaseDetail {
        summary: summary.into_summary()?,
        municipality_code: d.municipality_code,
        last_residence_code: d.last_residence_code,
        brp_status: parse_opt(d.brp_status, BrpStatus::parse)?,
        sentence: parse_opt(d.sentence, Sentence::parse)?,
        computed_eligibility: parse_code(&d.eligibility, Eligibility::parse)?,
        override_reason: d.override_reason,
        override_by: d.override_by,
        direction_reason: d.direction_reason,
        direction_since: d.direction_since,
        offer_outcome: parse_opt(d.offer_outcome, OfferOutcome::parse)?,
        offer_date: d.offer_date,
        offer_contact_kind: parse_opt(d.offer_contact_kind, ContactKind::parse)?,
        triage,
        triage_note: d.triage_note,
        known_to_skt: d.known_to_skt,
        known_to_safety_chamber: d.known_to_safety_chamber,
        agreements,
        ready_housing: d.ready_housing,
        ready_brp: d.ready_brp,
        ready_id: d.ready_id,
        ready_income: d.ready_income,
        aftercare_end: d.aftercare_end,
        contacts,
        household,
        closing_reason: parse_opt(d.closing_reason, ClosingReason::parse)?,
        overall_result: parse_opt(d.overall_result, nazorg_domain::case::OverallResult::parse)?,
        closing_note: d.closing_note,
        closed_on: d.closed_on,
        closure_results,
        notified_on: d.notified_on,
        notifications,
        events,
        referrals,
        safety_agenda,
        appointments,
    })
}

// --- cases: writing ---------------------------------------------------------------------

async fn event(tx: &mut Tx, case_id: i64, actor: &Actor, kind: &str, summary: &str) -> Result<()> {
    sqlx::query("INSERT INTO case_events (case_id, at, actor_id, actor_name, kind, summary) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(case_id)
        .bind(now())
        .bind(actor_id(actor))
        .bind(&actor.username)
        .bind(kind)
        .bind(summary)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Re-evaluates eligibility from the stored facts and records the outcome in force.
/// The sentence for the history when the eligibility outcome changed ("" when it did not).
fn eligibility_change(was: Eligibility, is: Eligibility) -> String {
    if was == is {
        String::new()
    } else {
        format!(" Doelgroepbepaling: ‘{}’ → ‘{}’.", was.label(), is.label())
    }
}

async fn reassess(tx: &mut Tx, case_id: i64) -> Result<(Eligibility, Eligibility)> {
    #[derive(sqlx::FromRow)]
    struct Facts {
        birth_date: Option<Date>,
        last_residence_code: Option<String>,
        brp_status: Option<String>,
        sentence: Option<String>,
        detention_start: Date,
        expected_release: Option<Date>,
        actual_release: Option<Date>,
        override_eligibility: Option<String>,
        municipality_code: String,
        eligibility_in_force: String,
    }
    let f: Facts = sqlx::query_as(
        "SELECT r.birth_date, c.last_residence_code, c.brp_status, c.sentence, c.detention_start, c.expected_release, \
         c.actual_release, c.override_eligibility, c.municipality_code, c.eligibility_in_force FROM cases c JOIN residents r ON r.id = c.resident_id WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_one(&mut **tx)
    .await?;
    let home = MunicipalityCode::parse(&f.municipality_code).map_err(|e| invalid(e.to_string()))?;
    let facts = EligibilityFacts {
        birth_date: f.birth_date,
        residence: f
            .last_residence_code
            .as_deref()
            .and_then(|c| MunicipalityCode::parse(c).ok()),
        brp_status: parse_opt(f.brp_status, BrpStatus::parse)?,
        sentence: parse_opt(f.sentence, Sentence::parse)?,
        detention_start: f.detention_start,
        // Once released, the real length of the detention decides the 10-day rule.
        expected_release: f.actual_release.or(f.expected_release),
    };
    let assessment = eligibility::assess(&facts, &home);
    let in_force =
        parse_opt(f.override_eligibility, Eligibility::parse)?.unwrap_or(assessment.outcome);
    let before = parse_code(&f.eligibility_in_force, Eligibility::parse)?;
    sqlx::query("UPDATE cases SET eligibility = $1, eligibility_reasons = $2, eligibility_in_force = $3 WHERE id = $4")
        .bind(assessment.outcome.code())
        .bind(eligibility::encode_reasons(&assessment.reasons))
        .bind(in_force.code())
        .bind(case_id)
        .execute(&mut **tx)
        .await?;
    Ok((before, in_force))
}

/// Recomputes what the case needs next, for the worklist order.
async fn refresh_action(tx: &mut Tx, case_id: i64) -> Result<()> {
    let (status, notified_on, last_step_on, expected_release, aftercare_end): (String, Date, Date, Option<Date>, Option<Date>) =
        sqlx::query_as("SELECT status, notified_on, last_step_on, expected_release, aftercare_end FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_one(&mut **tx)
            .await?;
    let status = parse_code(&status, Status::parse)?;
    let (label, due) = lifecycle::next_action(ActionFacts {
        status,
        notified_on,
        last_step_on,
        expected_release,
        aftercare_end,
    })
    .unwrap_or(("Geen", FAR_FUTURE));
    sqlx::query("UPDATE cases SET next_action = $1, action_due = $2 WHERE id = $3")
        .bind(label)
        .bind(due)
        .bind(case_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Opens a step: loads the case, checks access (and logs), and asks the state machine.
async fn begin_step(
    tx: &mut Tx,
    actor: &Actor,
    case_id: i64,
    step: Step,
) -> Result<(CaseCore, Status, Status)> {
    let core = core(tx, case_id).await?;
    gate(tx, actor, Action::WriteCase, &core, step.label()).await?;
    if core.anonymised {
        return Err(invalid(
            "Deze casus is na afloop van de bewaartermijn geanonimiseerd: er kan niets meer aan worden toegevoegd of gewijzigd.",
        ));
    }
    let status = parse_code(&core.status, Status::parse)?;
    let next = lifecycle::apply(
        CaseState {
            status,
            released: core.actual_release.is_some(),
        },
        step,
    )?;
    Ok((core, status, next))
}

/// Closes a step: stores the new status, the history entry and the next action.
async fn finish_step(
    tx: &mut Tx,
    actor: &Actor,
    case_id: i64,
    (before, after): (Status, Status),
    kind: &str,
    summary: &str,
) -> Result<()> {
    // The phase's clock (what the worklist measures deadlines from) restarts only when the
    // phase changes, not with every contact or note.
    sqlx::query(
        "UPDATE cases SET status = $1, is_open = $2, last_step_on = CASE WHEN $3 THEN $4 ELSE last_step_on END, \
         updated_at = $5 WHERE id = $6",
    )
        .bind(after.code())
        .bind(after.is_open())
        .bind(before != after)
        .bind(today())
        .bind(now())
        .bind(case_id)
        .execute(&mut **tx)
        .await?;
    let summary = if before == after {
        summary.to_string()
    } else {
        format!(
            "{summary} Fase: ‘{}’ → ‘{}’.",
            before.label(),
            after.label()
        )
    };
    event(tx, case_id, actor, kind, &summary).await?;
    refresh_action(tx, case_id).await
}

/// A later notification of a known detention may know more (the sentence, the release
/// date): it fills in what was unknown, never overwrites what was known, and eligibility
/// is re-evaluated.
async fn fill_unknown_facts(
    tx: &mut Tx,
    actor: &Actor,
    case_id: i64,
    n: &Notification,
) -> Result<()> {
    let (release, sentence, brp, residence): (Option<Date>, Option<String>, Option<String>, Option<String>) =
        sqlx::query_as("SELECT expected_release, sentence, brp_status, last_residence_code FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_one(&mut **tx)
            .await?;
    let unknown_sentence = matches!(sentence.as_deref(), None | Some("pretrial"));
    let new_release = release.or(n.expected_release);
    let new_sentence = match n.sentence {
        Some(s) if unknown_sentence && s != Sentence::Pretrial => Some(s.code().to_string()),
        _ => sentence.clone(),
    };
    let new_brp = brp.clone().or(n.brp_status.map(|b| b.code().to_string()));
    let new_residence = residence
        .clone()
        .or(n.municipality_code.as_ref().map(|c| c.to_string()));
    if (new_release, &new_sentence, &new_brp, &new_residence)
        == (release, &sentence, &brp, &residence)
    {
        return Ok(());
    }
    sqlx::query(
        "UPDATE cases SET expected_release = $1, sentence = $2, brp_status = $3, last_residence_code = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(new_release)
    .bind(new_sentence)
    .bind(new_brp)
    .bind(new_residence)
    .bind(now())
    .bind(case_id)
    .execute(&mut **tx)
    .await?;
    let (was, is) = reassess(tx, case_id).await?;
    let mut summary = "Ontbrekende gegevens aangevuld uit een nieuwe melding.".to_string();
    summary.push_str(&eligibility_change(was, is));
    event(tx, case_id, actor, "facts", &summary).await?;
    refresh_action(tx, case_id).await
}

pub async fn import_notification(
    pool: &Pool<DB>,
    actor: &Actor,
    home: &MunicipalityCode,
    n: &Notification,
) -> Result<ImportOutcome> {
    let permit = check(actor, Action::CreateNotification, home.as_str())?;
    let mut tx = begin(pool).await?;
    let at = now();
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM residents WHERE municipality_code = $1 AND bsn = $2")
            .bind(home.as_str())
            .bind(n.bsn.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    let resident_id = match existing {
        Some(id) => {
            sqlx::query("UPDATE residents SET birth_date = COALESCE(birth_date, $1) WHERE id = $2")
                .bind(n.birth_date)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            id
        }
        None => sqlx::query_scalar::<_, i64>(
            "INSERT INTO residents (municipality_code, bsn, family_name, given_names, birth_date, search_name, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(home.as_str())
        .bind(n.bsn.as_str())
        .bind(&n.family_name)
        .bind(&n.given_names)
        .bind(n.birth_date)
        .bind(search_key(&n.family_name))
        .bind(at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| unique_to_conflict(e, "Deze inwoner werd tegelijk door een ander geregistreerd; probeer het opnieuw."))?,
    };
    let case: Option<i64> =
        sqlx::query_scalar("SELECT id FROM cases WHERE resident_id = $1 AND detention_start = $2")
            .bind(resident_id)
            .bind(n.detention_start)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(case_id) = case {
        let known: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE case_id = $1 AND source = $2",
        )
        .bind(case_id)
        .bind(n.source.code())
        .fetch_one(&mut *tx)
        .await?;
        log(
            &mut tx,
            permit,
            Some(resident_id),
            Some(case_id),
            "melding van een bekende detentie",
        )
        .await?;
        fill_unknown_facts(&mut tx, actor, case_id, n).await?;
        if known == 0 {
            sqlx::query(
                "INSERT INTO notifications (case_id, source, received_at) VALUES ($1, $2, $3)",
            )
            .bind(case_id)
            .bind(n.source.code())
            .bind(at)
            .execute(&mut *tx)
            .await?;
            let summary = format!(
                "Nog een melding van dezelfde detentie ontvangen, bron: {}.",
                n.source.label()
            );
            event(&mut tx, case_id, actor, "notification", &summary).await?;
        }
        tx.commit().await?;
        return Ok(ImportOutcome::Duplicate { case_id });
    }
    let facts = EligibilityFacts {
        birth_date: n.birth_date,
        residence: n.municipality_code.clone(),
        brp_status: n.brp_status,
        sentence: n.sentence,
        detention_start: n.detention_start,
        expected_release: n.expected_release,
    };
    let assessment = eligibility::assess(&facts, home);
    let day = today();
    let case_id: i64 = sqlx::query_scalar(
        "INSERT INTO cases (municipality_code, resident_id, institution, detention_start, expected_release, last_residence_code, \
         brp_status, sentence, status, is_open, eligibility, eligibility_reasons, eligibility_in_force, notified_on, last_step_on, \
         action_due, next_action, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $13, $13, $13, '', $14, $14) RETURNING id",
    )
    .bind(home.as_str())
    .bind(resident_id)
    .bind(&n.institution)
    .bind(n.detention_start)
    .bind(n.expected_release)
    .bind(n.municipality_code.as_ref().map(|c| c.as_str().to_string()))
    .bind(n.brp_status.map(|s| s.code()))
    .bind(n.sentence.map(|s| s.code()))
    .bind(Status::Notified.code())
    .bind(true)
    .bind(assessment.outcome.code())
    .bind(eligibility::encode_reasons(&assessment.reasons))
    .bind(day)
    .bind(at)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| unique_to_conflict(e, "Deze detentie werd tegelijk door een ander geregistreerd; probeer het opnieuw."))?;
    log(
        &mut tx,
        permit,
        Some(resident_id),
        Some(case_id),
        "melding geregistreerd",
    )
    .await?;
    sqlx::query("INSERT INTO notifications (case_id, source, received_at) VALUES ($1, $2, $3)")
        .bind(case_id)
        .bind(n.source.code())
        .bind(at)
        .execute(&mut *tx)
        .await?;
    let summary = format!(
        "Melding ontvangen (bron: {}). Doelgroepbepaling: {}.",
        n.source.label(),
        assessment.outcome.label().to_lowercase()
    );
    event(&mut tx, case_id, actor, "notification", &summary).await?;
    refresh_action(&mut tx, case_id).await?;
    tx.commit().await?;
    Ok(ImportOutcome::Created { case_id })
}

pub async fn record_offer(
    pool: &Pool<DB>,
    actor: &Actor,
    case_id: i64,
    input: &OfferInput,
) -> Result<()> {
    check_not_future("De datum van het contact", input.date)?;
    let note = check_text("de notitie", &input.note, 2000, false)?;
    let mut tx = begin(pool).await?;
    let (core, before, after) =
        begin_step(&mut tx, actor, case_id, Step::RecordOffer(input.outcome)).await?;
    if input.date < core.detention_start {
        return Err(invalid(
            "Het contact kan niet vóór de begindatum van de detentie liggen.",
        ));
    }
    sqlx::query("UPDATE cases SET offer_outcome = $1, offer_date = $2, offer_contact_kind = $3 WHERE id = $4")
        .bind(input.outcome.code())
        .bind(input.date)
        .bind(input.kind.code())
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    insert_contact(&mut tx, actor, case_id, input.date, input.kind, &note).await?;
    let summary = format!(
        "Aanbod: {} ({}, {}).",
        input.outcome.label().to_lowercase(),
        input.kind.label(),
        format_nl(input.date)
    );
    finish_step(&mut tx, actor, case_id, (before, after), "offer", &summary).await?;
    tx.commit().await?;
    Ok(())
}

async fn insert_contact(
    tx: &mut Tx,
    actor: &Actor,
    case_id: i64,
    date: Date,
    kind: ContactKind,
    note: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar::<_, i64>(
        "INSERT INTO contacts (case_id, contact_date, kind, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(case_id)
    .bind(date)
    .bind(kind.code())
    .bind(note)
    .bind(&actor.username)
    .bind(now())
    .fetch_one(&mut **tx)
    .await?)
}

fn yes_no_unknown(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "ja",
        Some(false) => "nee",
        None => "onbekend",
    }
}

pub async fn record_triage(
    pool: &Pool<DB>,
    actor: &Actor,
    case_id: i64,
    input: &TriageInput,
) -> Result<()> {
    for domain in LifeDomain::ALL {
        if input.domains.iter().filter(|t| t.domain == *domain).count() != 1 {
            return Err(invalid(format!(
                "Vul de triage in voor elk leefgebied, ook voor ‘{}’.",
                domain.label()
            )));
        }
    }
    let note = check_text("de notitie", &input.note, 2000, false)?;
    let mut tx = begin(pool).await?;
    let (_, before, after) = begin_step(&mut tx, actor, case_id, Step::Triage).await?;
    sqlx::query("DELETE FROM triage_domains WHERE case_id = $1")
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    for t in &input.domains {
        sqlx::query("INSERT INTO triage_domains (case_id, domain, need, self_reliance) VALUES ($1, $2, $3, $4)")
            .bind(case_id)
            .bind(t.domain.code())
            .bind(t.need.code())
            .bind(t.self_reliance.code())
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "UPDATE cases SET triage_note = $1, known_to_skt = $2, known_to_safety_chamber = $3 WHERE id = $4",
    )
    .bind(&note)
    .bind(input.known_to_skt)
    .bind(input.known_to_safety_chamber)
    .bind(case_id)
        .execute(&mut *tx)
        .await?;
    let needs: Vec<String> = input
        .domains
        .iter()
        .map(|t| format!("{}: {}", t.domain.label(), t.need.label().to_lowercase()))
        .collect();
    finish_step(
        &mut tx,
        actor,
        case_id,
        (before, after),
        "triage",
        &format!(
            "Triage: {}. Al bekend bij het SKT: {}; bij de Veiligheidskamer: {}.",
            needs.join("; "),
            yes_no_unknown(input.known_to_skt),
            yes_no_unknown(input.known_to_safety_chamber)
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn decide_direction(
    pool: &Pool<DB>,
    actor: &Actor,
    case_id: i64,
    input: &DirectionInput,
) -> Result<()> {
    let reason = check_text("de reden", &input.reason, 1000, true)?;
    let mut tx = begin(pool).await?;
    let (_, before, after) = begin_step(&mut tx, actor, case_id, Step::DecideDirection).await?;
    let current: Option<String> = sqlx::query_scalar("SELECT direction FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(&mut *tx)
        .await?;
    let changed = current.as_deref() != Some(input.direction.code());
    sqlx::query(
        "UPDATE cases SET direction = $1, direction_reason = $2, direction_since = CASE WHEN $3 THEN $4 ELSE direction_since END, \
         coordinator_id = COALESCE(coordinator_id, $5) WHERE id = $6",
    )
    .bind(input.direction.code())
    .bind(&reason)
    .bind(changed)
    .bind(today())
    .bind(actor_id(actor).filter(|_| actor.role == Role::Coordinator))
    .bind(case_id)
    .execute(&mut *tx)
    .await?;
    let previous = current.as_deref().and_then(Direction::parse);
    let summary = match previous {
        Some(from) if changed => format!(
            "Casusregie overgedragen van {} aan {}. Overdrachtsnotitie: {reason}",
            from.label(),
            input.direction.label()
        ),
        _ => format!("Casusregie: {}. Reden: {reason}", input.direction.label()),
    };
    finish_step(
        &mut tx,
        actor,
        case_id,
        (before, after),
        "direction",
        &summary,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn add_agreement(
    pool: &Pool<DB>,
    actor: &Actor,
    case_id: i64,
    input: &AgreementInput,
) -> Result<i64> {
    let description = check_text("wat er is afgesproken", &input.description, 500, true)?;
    let owner = check_text("wie het doet", &input.owner, 100, true)?;
    let mut tx = begin(pool).await?;
    let (_, before, after) = begin_step(&mut tx, actor, case_id, Step::EditPlan).await?;
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO agreements (case_id, domain, description, owner, due_date, done, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(case_id)
    .bind(input.domain.code())
    .bind(&description)
    .bind(&owner)
    .bind(input.due_date)
    .bind(false)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    let due = input
        .due_date
        .map(|d| format!(", uiterlijk {}", format_nl(d)))
        .unwrap_or_default();
    let summary = format!(
        "Afspraak ({}): {description} — {owner}{due}.",
        input.domain.label()
    );
    finish_step(
        &mut tx,
        actor,
        case_id,
        (before, after),
        "agreement",
        &summary,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn set_agreement_done(
    pool: &Pool<DB>,
    actor: &Actor,
    case_id: i64,
    agreement_id: i64,
    done: bool,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    let (_, before, after) = begin_step(&mut tx, actor, case_id, Step::EditPlan).await?;
    let description: Option<String> = sqlx::query_scalar(
        "UPDATE agreements SET done = $1, done_on = $2, updated_at = $3 WHERE id = $4 AND case_id = $5 RETURNING description",
    )
    .bind(done)
    .bind(done.then(today))
    .bind(now())
    .bind(agreement_id)
    .bind(case_id)
    .fetch_optional(&mut *tx)
    .await?;
    let description = description.ok_or(StoreError::NotFound)?;
    let summary = if done {
        format!("Afspraak gedaan: {description}.")
    } else {
        format!("Afspraak weer open: {description}.")
    };
    finish_step(
        &mut tx,
        actor,
        case_id,
        (before, after),
        "agreement",
        &summary,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_readiness(
    pool: &Pool<DB>,
    actor: &Actor,
    case_id: i64,
    input: &ReadinessInput,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    let (_, before, after) = begin_step(&mut tx, actor, case_id, Step::Readiness).await?;
    sqlx::query("UPDATE cases SET ready_housing = $1, ready_brp = $2, ready_id = $3, ready_income = $4 WHERE id = $5")
        .bind(input.housing)
        .bind(input.brp)
        .bind(input.id_document)
        .bind(input.income)
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    let items = [
        ("huisvesting", input.housing),
        ("BRP", input.brp),
        ("ID-bewijs", input.id_document),
        ("inkomen", input.income),
    ];
    let done: Vec<&str> = items.iter().filter(|(_, v)| *v).map(|(k, _)| *k).collect();
    let summary = if done.is_empty() {
        "Checklist vrijlating: nog niets geregeld.".to_string()
    } else {
        format!("Checklist vrijlating: geregeld: {}.", done.join(", "))
    };
    finish_step(
        &mut tx,
        actor,
        case_id,
        (before, after),
        "readiness",
        &summary,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn record_release(
    pool: &Pool<DB>,
    actor: &Actor,
    case_id: i64,
    date: Date,
) -> Result<()> {
    check_not_future("De datum van vrijlating", date)?;
    let mut tx = begin(pool).await?;
    let (core, before, after) = begin_step(&mut tx, actor, case_id, Step::RecordRelease).await?;
    if date < core.detention_start {
        return Err(invalid(
            "De vrijlating kan niet vóór de begindatum van de detentie liggen.",
        ));
    }
    let end = lifecycle::aftercare_end(date);
    sqlx::query("UPDATE cases SET actual_release = $1, aftercare_end = $2 WHERE id = $3")
        .bind(date)
        .bind(end)
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    let (was, is) = reassess(&mut tx, case_id).await?;
    let mut summary = format!(
        "Vrijgelaten op {}; de nazorgperiode loopt tot {}.",
        format_nl(date),
        format_nl(end)
    );
    summary.push_str(&eligibility_change(was, is));
    finish_step(
        &mut tx,
        actor,
        case_id,
        (before, after),
        "release",
        &summary,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn log_contact(
    pool: &Pool<DB>,
    actor: &Actor,
    case_id: i64,
    input: &ContactInput,
) -> Result<i64> {
    check_not_future("De datum van het contact", input.date)?;
    let note = check_text("de notitie", &input.note, 2000, true)?;
    let mut tx = begin(pool).await?;
    let (_, before, after) = begin_step(&mut tx, actor, case_id, Step::LogContact).await?;
    let id = insert_contact(&mut tx, actor, case_id, input.date, input.kind, &note).await?;
    let summary = format!(
        "Contact vastgelegd: {} op {}.",
        input.kind.label(),
        format_nl(input.date)
    );
    finish_step(
        &mut tx,
        actor,
        case_id,
        (before, after),
        "contact",
        &summary,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn add_household_member(
    pool: &Pool<DB>,
    actor: &Actor,
    case_id: i64,
    input: &HouseholdInput,
) -> Result<i64> {
    let note = check_text("de notitie", &input.note, 1000, false)?;
    let mut tx = begin(pool).await?;
    let (_, before, after) = begin_step(&mut tx, actor, case_id, Step::Household).await?;
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO household_members (case_id, relation, is_minor, support_need, note, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(case_id)
    .bind(input.relation.code())
    .bind(input.is_minor)
    .bind(input.support_need.code())
    .bind(&note)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    let summary = format!(
        "Gezinslid vastgelegd: {} ({}), ondersteuningsbehoefte {}.",
        input.relation.label().to_lowercase(),
        if input.is_minor {
            "minderjarig"
        } else {
            "meerderjarig"
        },
        input.support_need.label().to_lowercase()
    );
    finish_step(
        &mut tx,
        actor,
        case_id,
        (before, after),
        "household",
        &summary,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update_facts(
    pool: &Pool<DB>,
    actor: &Actor,
    case_id: i64,
    input: &FactsInput,
) -> Result<()> {
    let institution = check_text("de inrichting", &input.institution, 200, false)?;
    let residence = match input
        .last_residence_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(code) => Some(
            MunicipalityCode::parse(code)
                .map_err(|e| invalid(e.to_string()))?
                .as_str()
                .to_string(),
        ),
        None => None,
    };
    let family_name = match &input.family_name {
        Some(n) => Some(check_text("de achternaam", n, 200, true)?),
        None => None,
    };
    let given_names = match &input.given_names {
        Some(n) => Some(check_text("de voornamen", n, 200, false)?),
        None => None,
    };
    let mut tx = begin(pool).await?;
    let (core, before, after) = begin_step(&mut tx, actor, case_id, Step::UpdateFacts).await?;
    // The old values, so that the history keeps what was corrected.
    #[allow(clippy::type_complexity)]
    let old: (
        String,
        Option<Date>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<Date>,
        String,
        String,
    ) = sqlx::query_as(
        "SELECT c.institution, c.expected_release, c.sentence, c.brp_status, c.last_residence_code, r.birth_date, \
         r.family_name, r.given_names FROM cases c JOIN residents r ON r.id = c.resident_id WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_one(&mut *tx)
    .await?;
    let shown = |v: Option<String>| {
        v.filter(|s| !s.is_empty())
            .unwrap_or_else(|| "onbekend".into())
    };
    let date = |d: Option<Date>| shown(d.map(format_nl));
    let label_of = |code: Option<&str>, parse: fn(&str) -> Option<&'static str>| {
        shown(code.map(|c| parse(c).unwrap_or(c).to_string()))
    };
    let sentence_label = |c: &str| Sentence::parse(c).map(Sentence::label);
    let brp_label = |c: &str| BrpStatus::parse(c).map(BrpStatus::label);
    let mut changes: Vec<String> = Vec::new();
    let mut change = |what: &str, was: String, is: String| {
        if was != is {
            changes.push(format!("{what}: ‘{was}’ → ‘{is}’"));
        }
    };
    change(
        "Inrichting",
        shown(Some(old.0.clone())),
        shown(Some(institution.clone())),
    );
    change(
        "Verwachte vrijlating",
        date(old.1),
        date(input.expected_release),
    );
    change(
        "Vonnis",
        label_of(old.2.as_deref(), sentence_label),
        label_of(input.sentence.map(|s| s.code()), sentence_label),
    );
    change(
        "Inschrijving in de BRP",
        label_of(old.3.as_deref(), brp_label),
        label_of(input.brp_status.map(|s| s.code()), brp_label),
    );
    change(
        "Gemeente van het laatste adres",
        shown(old.4.clone()),
        shown(residence.clone()),
    );
    change("Geboortedatum", date(old.5), date(input.birth_date));
    if let Some(name) = &family_name {
        change("Achternaam", old.6.clone(), name.clone());
    }
    if let Some(names) = &given_names {
        change(
            "Voornamen",
            shown(Some(old.7.clone())),
            shown(Some(names.clone())),
        );
    }
    if let Some(release) = input.expected_release
        && release < core.detention_start
    {
        return Err(invalid(
            "De verwachte vrijlating kan niet vóór de begindatum van de detentie liggen.",
        ));
    }
    if let Some(birth) = input.birth_date
        && birth > core.detention_start
    {
        return Err(invalid(
            "De geboortedatum kan niet na de begindatum van de detentie liggen.",
        ));
    }
    sqlx::query(
        "UPDATE cases SET institution = $1, expected_release = $2, sentence = $3, brp_status = $4, last_residence_code = $5 WHERE id = $6",
    )
    .bind(&institution)
    .bind(input.expected_release)
    .bind(input.sentence.map(|s| s.code()))
    .bind(input.brp_status.map(|s| s.code()))
    .bind(&residence)
    .bind(case_id)
    .execute(&mut *tx)
    .await?;
    let family_name = family_name.unwrap_or(old.6);
    let given_names = given_names.unwrap_or(old.7);
    sqlx::query(
        "UPDATE residents SET birth_date = $1, family_name = $2, given_names = $3, search_name = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(input.birth_date)
    .bind(&family_name)
    .bind(&given_names)
    .bind(search_key(&family_name))
    .bind(now())
    .bind(core.resident_id)
    .execute(&mut *tx)
    .await?;
    // The birth date belongs to the resident: their other open cases are judged again too.
    let others: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM cases WHERE resident_id = $1 AND id <> $2 AND is_open = $3",
    )
    .bind(core.resident_id)
    .bind(case_id)
    .bind(true)
    .fetch_all(&mut *tx)
    .await?;
    for other in others {
        reassess(&mut tx, other).await?;
    }
    let (was, is) = reassess(&mut tx, case_id).await?;
    let mut summary = if changes.is_empty() {
        "Gegevens opgeslagen; er is niets gewijzigd.".to_string()
    } else {
        format!("Gegevens gecorrigeerd. {}.", changes.join("; "))
    };
    summary.push_str(&eligibility_change(was, is));
    finish_step(&mut tx, actor, case_id, (before, after), "facts", &summary).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn override_eligibility(
    pool: &Pool<DB>,
    actor: &Actor,
    case_id: i64,
    input: &OverrideInput,
) -> Result<()> {
    let reason = check_text("de reden", &input.reason, 1000, input.outcome.is_some())?;
    let mut tx = begin(pool).await?;
    let (_, before, after) = begin_step(&mut tx, actor, case_id, Step::OverrideEligibility).await?;
    let (override_code, override_reason, override_by, override_at) = match input.outcome {
        Some(outcome) => (
            Some(outcome.code()),
            Some(reason.clone()),
            Some(actor.username.clone()),
            Some(now()),
        ),
        None => (None, None, None, None),
    };
    sqlx::query(
        "UPDATE cases SET override_eligibility = $1, override_reason = $2, override_by = $3, override_at = $4 WHERE id = $5",
    )
    .bind(override_code)
    .bind(override_reason)
    .bind(override_by)
    .bind(override_at)
    .bind(case_id)
    .execute(&mut *tx)
    .await?;
    let (_, is) = reassess(&mut tx, case_id).await?;
    let summary = match input.outcome {
        Some(_) => format!(
            "Doelgroepbepaling overruled: ‘{}’. Reden: {reason}",
            is.label()
        ),
        None => format!(
            "Overrule ingetrokken; de regels gelden weer: ‘{}’.",
            is.label()
        ),
    };
    finish_step(
        &mut tx,
        actor,
        case_id,
        (before, after),
        "eligibility",
        &summary,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn assign_coordinator(
    pool: &Pool<DB>,
    actor: &Actor,
    case_id: i64,
    user_id: Option<i64>,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    let (core, before, after) =
        begin_step(&mut tx, actor, case_id, Step::AssignCoordinator).await?;
    let name = match user_id {
        Some(id) => {
            let row: Option<(String, String, String)> =
                sqlx::query_as("SELECT display_name, role, municipality_code FROM users WHERE id = $1 AND active = $2")
                    .bind(id)
                    .bind(true)
                    .fetch_optional(&mut *tx)
                    .await?;
            match row {
                Some((name, role, municipality))
                    if role == Role::Coordinator.code()
                        && municipality == core.municipality_code =>
                {
                    name
                }
                _ => {
                    return Err(invalid(
                        "Kies een actieve nazorgcoördinator van deze gemeente.",
                    ));
                }
            }
        }
        None => "niemand".to_string(),
    };
    sqlx::query("UPDATE cases SET coordinator_id = $1 WHERE id = $2")
        .bind(user_id)
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    finish_step(
        &mut tx,
        actor,
        case_id,
        (before, after),
        "coordinator",
        &format!("Nazorgcoördinator: {name}."),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn close_case(
    pool: &Pool<DB>,
    actor: &Actor,
    case_id: i64,
    input: &CloseInput,
) -> Result<()> {
    let note = check_text("de toelichting", &input.note, 2000, false)?;
    let mut tx = begin(pool).await?;
    let (core, before, after) =
        begin_step(&mut tx, actor, case_id, Step::Close(input.reason)).await?;
    check_not_future("De datum van afsluiten", input.date)?;
    if input.date < core.detention_start {
        return Err(invalid(
            "De datum van afsluiten kan niet vóór de begindatum van de detentie liggen.",
        ));
    }
    for (i, (domain, _)) in input.results.iter().enumerate() {
        if input.results[..i].iter().any(|(d, _)| d == domain) {
            return Err(invalid(format!(
                "Het leefgebied ‘{}’ staat twee keer in de resultaten.",
                domain.label()
            )));
        }
    }
    let (in_force, released): (String, Option<Date>) =
        sqlx::query_as("SELECT eligibility_in_force, actual_release FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_one(&mut *tx)
            .await?;
    if input.reason == ClosingReason::NotEligible && in_force != Eligibility::NotEligible.code() {
        return Err(invalid(
            "Volgens de doelgroepbepaling valt deze inwoner wel (of misschien) onder de doelgroep. Overrule de doelgroepbepaling eerst met een reden, of kies een andere reden van afsluiten.",
        ));
    }
    if let Some(release) = released
        && input.reason == ClosingReason::Completed
        && input.date < release
    {
        return Err(invalid(
            "Een afgerond traject kan niet vóór de vrijlating zijn afgesloten.",
        ));
    }
    if input.reason == ClosingReason::Completed {
        if input.overall.is_none() {
            return Err(invalid("Kies het resultaat van het traject als geheel."));
        }
        for domain in LifeDomain::ALL {
            if !input.results.iter().any(|(d, _)| d == domain) {
                return Err(invalid(format!(
                    "Kies het resultaat voor het leefgebied ‘{}’.",
                    domain.label()
                )));
            }
        }
    }
    // Referrals that never started are withdrawn with the case, so they do not stay
    // committed on the budget; a running one can still be finished by its partner.
    let withdrawn = sqlx::query(
        "UPDATE referrals SET status = $1, ended_on = $2, return_reason = $3, updated_at = $4 \
         WHERE case_id = $5 AND status IN ('asked', 'accepted')",
    )
    .bind(ReferralStatus::Withdrawn.code())
    .bind(input.date)
    .bind("Ingetrokken bij het afsluiten van de casus.")
    .bind(now())
    .bind(case_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if withdrawn > 0 {
        event(
            &mut tx,
            case_id,
            actor,
            "referral",
            &format!("{withdrawn} niet gestarte verwijzing(en) ingetrokken bij het afsluiten."),
        )
        .await?;
    }
    sqlx::query("DELETE FROM closure_results WHERE case_id = $1")
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    for (domain, result) in &input.results {
        sqlx::query("INSERT INTO closure_results (case_id, domain, result) VALUES ($1, $2, $3)")
            .bind(case_id)
            .bind(domain.code())
            .bind(result.code())
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE cases SET closing_reason = $1, overall_result = $2, closing_note = $3, closed_on = $4 WHERE id = $5")
        .bind(input.reason.code())
        .bind(input.overall.map(|o| o.code()))
        .bind(&note)
        .bind(input.date)
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    let overall = input
        .overall
        .map(|o| format!(" Resultaat: {}.", o.label().to_lowercase()))
        .unwrap_or_default();
    let summary = format!(
        "Afgesloten op {}: {}.{overall}",
        format_nl(input.date),
        input.reason.label().to_lowercase()
    );
    finish_step(&mut tx, actor, case_id, (before, after), "close", &summary).await?;
    tx.commit().await?;
    Ok(())
}

// --- generated volume, for benchmarks and load tests -----------------------------------

/// A small deterministic generator (xorshift64*), so the store needs no random crate.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Inserts `count` generated residents with one case each (one in ten with a second,
/// earlier detention), spread over every phase, for `municipality`. Bypasses the use
/// cases for speed, so it is for measuring only; `progress` is told the number done.
pub async fn seed_bulk(
    pool: &Pool<DB>,
    municipality: &str,
    count: usize,
    seed: u64,
    coordinators: &[i64],
    progress: &(dyn Fn(usize) + Sync),
) -> Result<usize> {
    const BATCH: usize = 500;
    let mut rng = Xorshift(seed | 1);
    let today = today();
    let at = now();
    let statuses = [
        (Status::Notified, 12),
        (Status::NotReached, 4),
        (Status::Declined, 4),
        (Status::Accepted, 6),
        (Status::Triaged, 6),
        (Status::Planning, 16),
        (Status::Aftercare, 12),
        (Status::Closed, 40),
    ];
    let mut candidate = 10_000_000 + rng.below(50_000_000) as u32;
    let mut next_bsn = || loop {
        candidate += 1;
        if let Some(bsn) = Bsn::complete(candidate) {
            return bsn.to_string();
        }
    };
    let mut made = 0;
    let mut done = 0;
    while done < count {
        let n = BATCH.min(count - done);
        let mut tx = begin(pool).await?;
        let residents: Vec<(String, &str, &str, Date)> = (0..n)
            .map(|_| {
                let family = crate::names::FAMILY_NAMES
                    [rng.below(crate::names::FAMILY_NAMES.len() as u64) as usize];
                let given = crate::names::GIVEN_NAMES
                    [rng.below(crate::names::GIVEN_NAMES.len() as u64) as usize];
                let birth = today - Duration::days(18 * 365 + rng.below(45 * 365) as i64);
                (next_bsn(), family, given, birth)
            })
            .collect();
        let mut q = QueryBuilder::<DB>::new(
            "INSERT INTO residents (municipality_code, bsn, family_name, given_names, birth_date, search_name, created_at, updated_at) ",
        );
        q.push_values(&residents, |mut b, (bsn, family, given, birth)| {
            b.push_bind(municipality.to_string())
                .push_bind(bsn.clone())
                .push_bind(family.to_string())
                .push_bind(given.to_string())
                .push_bind(*birth)
                .push_bind(search_key(family))
                .push_bind(at)
                .push_bind(at);
        });
        q.push(" RETURNING id");
        let ids: Vec<i64> = q.build_query_scalar().fetch_all(&mut *tx).await?;
        let mut cases = Vec::with_capacity(n + n / 10);
        for id in ids {
            let detentions = if rng.below(10) == 0 { 2 } else { 1 };
            let latest = today - Duration::days(rng.below(900) as i64);
            for k in 0..detentions {
                let mut roll = rng.below(100) as i64;
                let status = if k + 1 < detentions {
                    Status::Closed
                } else {
                    statuses
                        .iter()
                        .find(|(_, w)| {
                            roll -= w;
                            roll < 0
                        })
                        .map(|s| s.0)
                        .unwrap_or(Status::Closed)
                };
                // An earlier detention ended well before the latest one began.
                let start = if k + 1 < detentions {
                    latest - Duration::days(400 + rng.below(600) as i64)
                } else {
                    latest
                };
                let release = start + Duration::days(10 + rng.below(200) as i64);
                let direction = matches!(
                    status,
                    Status::Planning | Status::Aftercare | Status::Closed
                )
                .then(|| {
                    [Direction::Coordinator, Direction::Skt, Direction::Exodus]
                        [rng.below(3) as usize]
                });
                let due = if status.is_open() {
                    today + Duration::days(rng.below(120) as i64 - 30)
                } else {
                    FAR_FUTURE
                };
                let coordinator = (!coordinators.is_empty())
                    .then(|| coordinators[rng.below(coordinators.len() as u64) as usize]);
                cases.push((id, status, start, release, direction, due, coordinator));
            }
        }
        let mut q = QueryBuilder::<DB>::new(
            "INSERT INTO cases (municipality_code, resident_id, institution, detention_start, expected_release, last_residence_code, \
             brp_status, sentence, status, is_open, eligibility, eligibility_reasons, eligibility_in_force, coordinator_id, direction, \
             notified_on, last_step_on, action_due, next_action, created_at, updated_at) ",
        );
        q.push_values(
            &cases,
            |mut b, (id, status, start, release, direction, due, coordinator)| {
                b.push_bind(municipality.to_string())
                    .push_bind(*id)
                    .push_bind("PI Haaglanden")
                    .push_bind(*start)
                    .push_bind(*release)
                    .push_bind(municipality.to_string())
                    .push_bind("registered")
                    .push_bind("prison_sentence")
                    .push_bind(status.code())
                    .push_bind(status.is_open())
                    .push_bind("eligible")
                    .push_bind("")
                    .push_bind("eligible")
                    .push_bind(*coordinator)
                    .push_bind(direction.map(|d| d.code()))
                    .push_bind(*start)
                    .push_bind(*start)
                    .push_bind(*due)
                    .push_bind(if status.is_open() {
                        "Volgende stap"
                    } else {
                        "Geen"
                    })
                    .push_bind(at)
                    .push_bind(at);
            },
        );
        q.build().execute(&mut *tx).await?;
        tx.commit().await?;
        made += cases.len();
        done += n;
        progress(done);
    }
    sqlx::query("ANALYZE").execute(pool).await?;
    Ok(made)
}

// --- partners, referrals, budget, safety chamber ---------------------------------------

/// Makes sure a municipality has its default partners, services and the budget lines of
/// `year` (the policy's defaults); existing rows are left alone.
async fn ensure_defaults_on(
    conn: &mut <DB as sqlx::Database>::Connection,
    municipality: &str,
    year: i32,
) -> Result<()> {
    // Most calls find everything in place: check with one read before writing anything.
    let (partners, lines): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM partners WHERE municipality_code = $1), \
         (SELECT COUNT(*) FROM budget_lines WHERE municipality_code = $1 AND year = $2)",
    )
    .bind(municipality)
    .bind(i64::from(year))
    .fetch_one(&mut *conn)
    .await?;
    if partners > 0 && lines >= BudgetLineCode::ALL.len() as i64 {
        return Ok(());
    }
    let at = now();
    for (name, kind) in DEFAULT_PARTNERS {
        sqlx::query(
            "INSERT INTO partners (municipality_code, kind, name, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) \
             ON CONFLICT (municipality_code, name) DO NOTHING",
        )
        .bind(municipality)
        .bind(kind.code())
        .bind(*name)
        .bind(true)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    for (name, kind, price) in DEFAULT_SERVICES {
        sqlx::query(
            "INSERT INTO service_kinds (municipality_code, partner_kind, name, price_cents, budget_line, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (municipality_code, name) DO NOTHING",
        )
        .bind(municipality)
        .bind(kind.code())
        .bind(*name)
        .bind(*price)
        .bind(BudgetLineCode::Support.code())
        .bind(true)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    for line in BudgetLineCode::ALL {
        sqlx::query(
            "INSERT INTO budget_lines (municipality_code, year, code, name, cap_cents, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (municipality_code, year, code) DO NOTHING",
        )
        .bind(municipality)
        .bind(i64::from(year))
        .bind(line.code())
        .bind(line.label())
        .bind(line.default_cap_cents())
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn ensure_defaults(pool: &Pool<DB>, municipality: &str, year: i32) -> Result<()> {
    let mut conn = pool.acquire().await?;
    ensure_defaults_on(&mut conn, municipality, year).await
}

pub async fn list_partners(pool: &Pool<DB>, municipality: &str) -> Result<Vec<Partner>> {
    ensure_defaults(pool, municipality, today().year()).await?;
    let rows: Vec<(i64, String, String, bool)> = sqlx::query_as(
        "SELECT id, kind, name, active FROM partners WHERE municipality_code = $1 ORDER BY name",
    )
    .bind(municipality)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(id, kind, name, active)| {
            Ok(Partner {
                id,
                kind: parse_code(&kind, PartnerKind::parse)?,
                name,
                active,
            })
        })
        .collect()
}

pub async fn add_partner(
    pool: &Pool<DB>,
    actor: &Actor,
    name: &str,
    kind: PartnerKind,
) -> Result<i64> {
    check(actor, Action::ManagePartners, &actor.municipality)?;
    let name = check_text("de naam", name, 100, true)?;
    let at = now();
    sqlx::query_scalar::<_, i64>(
        "INSERT INTO partners (municipality_code, kind, name, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(&actor.municipality)
    .bind(kind.code())
    .bind(&name)
    .bind(true)
    .bind(at)
    .fetch_one(pool)
    .await
    .map_err(|e| unique_to_conflict(e, &format!("Er is al een ketenpartner ‘{name}’.")))
}

pub async fn set_partner_active(
    pool: &Pool<DB>,
    actor: &Actor,
    partner_id: i64,
    active: bool,
) -> Result<()> {
    check(actor, Action::ManagePartners, &actor.municipality)?;
    let changed = sqlx::query(
        "UPDATE partners SET active = $1, updated_at = $2 WHERE id = $3 AND municipality_code = $4",
    )
    .bind(active)
    .bind(now())
    .bind(partner_id)
    .bind(&actor.municipality)
    .execute(pool)
    .await?
    .rows_affected();
    if changed == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

pub async fn list_service_kinds(pool: &Pool<DB>, municipality: &str) -> Result<Vec<ServiceKind>> {
    ensure_defaults(pool, municipality, today().year()).await?;
    let rows: Vec<(i64, String, String, i64, String)> = sqlx::query_as(
        "SELECT id, partner_kind, name, price_cents, budget_line FROM service_kinds WHERE municipality_code = $1 AND active = $2 ORDER BY name",
    )
    .bind(municipality)
    .bind(true)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(id, kind, name, price_cents, line)| {
            Ok(ServiceKind {
                id,
                partner_kind: parse_code(&kind, PartnerKind::parse)?,
                name,
                price_cents,
                budget_line: parse_code(&line, BudgetLineCode::parse)?,
            })
        })
        .collect()
}

pub async fn set_service_price(
    pool: &Pool<DB>,
    actor: &Actor,
    service_id: i64,
    price_cents: i64,
) -> Result<()> {
    check(actor, Action::ManageBudget, &actor.municipality)?;
    if !(0..=100_000_000).contains(&price_cents) {
        return Err(invalid("Vul een prijs in tussen € 0 en € 1.000.000."));
    }
    let changed = sqlx::query("UPDATE service_kinds SET price_cents = $1, updated_at = $2 WHERE id = $3 AND municipality_code = $4")
        .bind(price_cents)
        .bind(now())
        .bind(service_id)
        .bind(&actor.municipality)
        .execute(pool)
        .await?
        .rows_affected();
    if changed == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Committed and spent cents on one budget line in one year, from the referrals.
async fn line_usage(tx: &mut Tx, municipality: &str, year: i64, line: &str) -> Result<(i64, i64)> {
    let rows: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT status, price_cents FROM referrals WHERE municipality_code = $1 AND budget_year = $2 AND budget_line = $3",
    )
    .bind(municipality)
    .bind(year)
    .bind(line)
    .fetch_all(&mut **tx)
    .await?;
    let mut committed = 0;
    let mut spent = 0;
    for (status, price) in rows {
        let price = price.unwrap_or(0);
        match parse_code(&status, ReferralStatus::parse)? {
            ReferralStatus::Finished => spent += price,
            s if s.is_open() => committed += price,
            _ => {}
        }
    }
    Ok((committed, spent))
}

pub async fn create_referral(
    pool: &Pool<DB>,
    actor: &Actor,
    case_id: i64,
    input: &ReferralInput,
) -> Result<i64> {
    let reason = check_text("de reden van de verwijzing", &input.reason, 1000, true)?;
    check_not_future("De datum van de vraag", input.asked_on)?;
    let mut tx = begin(pool).await?;
    ensure_defaults_on(&mut tx, &actor.municipality, input.asked_on.year()).await?;
    let step = if input.household_member_id.is_some() {
        Step::Household
    } else {
        Step::Refer
    };
    let (core, before, after) = begin_step(&mut tx, actor, case_id, step).await?;
    if input.asked_on < core.detention_start {
        return Err(invalid(
            "Een verwijzing kan niet vóór de begindatum van de detentie zijn gevraagd.",
        ));
    }
    let partner: Option<(String, String, bool)> = sqlx::query_as(
        "SELECT name, kind, active FROM partners WHERE id = $1 AND municipality_code = $2",
    )
    .bind(input.partner_id)
    .bind(&core.municipality_code)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((partner_name, partner_kind, true)) = partner else {
        return Err(invalid("Kies een actieve ketenpartner uit de lijst."));
    };
    let partner_kind = parse_code(&partner_kind, PartnerKind::parse)?;
    if partner_kind == PartnerKind::SafetyChamber {
        return Err(invalid(
            "De Veiligheidskamer krijgt geen verwijzing: zet de casus op haar agenda (Veiligheidskamer op de casuspagina).",
        ));
    }
    if let Some(member) = input.household_member_id {
        let minor: Option<bool> = sqlx::query_scalar(
            "SELECT is_minor FROM household_members WHERE id = $1 AND case_id = $2",
        )
        .bind(member)
        .bind(case_id)
        .fetch_optional(&mut *tx)
        .await?;
        let minor = minor.ok_or(StoreError::NotFound)?;
        if !nazorg_domain::referral::household_partner_allowed(minor, partner_kind) {
            return Err(invalid(if minor {
                "Een minderjarig gezinslid wordt verwezen naar de jeugdhulp."
            } else {
                "Een meerderjarig gezinslid wordt verwezen naar de centrale toegang of het Sociaal Kernteam."
            }));
        }
    } else if input.domains.is_empty() {
        return Err(invalid("Kies minstens één leefgebied waarvoor u verwijst."));
    }
    let service = match input.service_kind_id {
        None => None,
        Some(id) => {
            let row: Option<(String, String, i64, String)> = sqlx::query_as(
                "SELECT name, partner_kind, price_cents, budget_line FROM service_kinds WHERE id = $1 AND municipality_code = $2 AND active = $3",
            )
            .bind(id)
            .bind(&core.municipality_code)
            .bind(true)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((name, kind, price, line)) = row else {
                return Err(invalid("Kies een product uit de lijst."));
            };
            if kind != partner_kind.code() {
                return Err(invalid(format!(
                    "‘{name}’ wordt niet door {partner_name} geleverd."
                )));
            }
            Some((name, price, line))
        }
    };
    let year = i64::from(input.asked_on.year());
    let confirmed = input
        .over_cap_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if let Some(reason) = confirmed {
        check_text(
            "de reden om boven het plafond te verwijzen",
            reason,
            1000,
            true,
        )?;
    }
    let mut over_cap_reason = None;
    if let Some((_, price, line)) = &service {
        // Writing the budget line first locks it, so two referrals at the same moment
        // cannot both slip under the cap.
        sqlx::query("UPDATE budget_lines SET updated_at = $1 WHERE municipality_code = $2 AND year = $3 AND code = $4")
            .bind(now())
            .bind(&core.municipality_code)
            .bind(year)
            .bind(line)
            .execute(&mut *tx)
            .await?;
        let (committed, spent) = line_usage(&mut tx, &core.municipality_code, year, line).await?;
        let (line_name, cap): (String, i64) = sqlx::query_as(
            "SELECT name, cap_cents FROM budget_lines WHERE municipality_code = $1 AND year = $2 AND code = $3",
        )
        .bind(&core.municipality_code)
        .bind(year)
        .bind(line)
        .fetch_one(&mut *tx)
        .await?;
        if nazorg_domain::referral::passes_cap(cap, committed, spent, *price) {
            if confirmed.is_none() {
                return Err(StoreError::OverCap(OverCap {
                    line: line_name,
                    cap_cents: cap,
                    committed_cents: committed,
                    spent_cents: spent,
                    price_cents: *price,
                }));
            }
            // The reason is kept only where it was needed: above the cap.
            over_cap_reason = confirmed;
        }
    }
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO referrals (municipality_code, case_id, partner_id, household_member_id, domains, reason, service_kind_id, \
         price_cents, budget_line, budget_year, over_cap_reason, status, asked_on, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
    )
    .bind(&core.municipality_code)
    .bind(case_id)
    .bind(input.partner_id)
    .bind(input.household_member_id)
    .bind(nazorg_domain::referral::encode_domains(&input.domains))
    .bind(&reason)
    .bind(input.service_kind_id)
    .bind(service.as_ref().map(|s| s.1))
    .bind(service.as_ref().map(|s| s.2.clone()))
    .bind(service.as_ref().map(|_| year))
    .bind(over_cap_reason.filter(|_| service.is_some()))
    .bind(ReferralStatus::Asked.code())
    .bind(input.asked_on)
    .bind(&actor.username)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    let what = service
        .as_ref()
        .map(|(name, price, _)| {
            format!(" ({name}, {})", nazorg_domain::referral::format_eur(*price))
        })
        .unwrap_or_default();
    let domains: Vec<&str> = input.domains.iter().map(|d| d.label()).collect();
    let mut summary = if input.household_member_id.is_some() {
        format!("Gezinslid verwezen naar {partner_name}{what}.")
    } else {
        format!(
            "Verwezen naar {partner_name}{what} voor {}.",
            domains.join(", ").to_lowercase()
        )
    };
    if let Some(r) = over_cap_reason.filter(|_| service.is_some()) {
        summary.push_str(&format!(" Boven het budgetplafond, reden: {r}"));
    }
    finish_step(
        &mut tx,
        actor,
        case_id,
        (before, after),
        "referral",
        &summary,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

const REFERRAL_SELECT: &str = "SELECT f.id, f.case_id, r.given_names, r.family_name, f.partner_id, p.name AS partner, \
     p.kind AS partner_kind, f.household_member_id, f.domains, f.reason, s.name AS service, f.price_cents, f.over_cap_reason, \
     f.status, f.asked_on, f.accepted_on, f.started_on, f.ended_on, f.return_reason, f.result, f.result_note, f.acknowledged_at, \
     f.municipality_code, c.resident_id \
     FROM referrals f JOIN partners p ON p.id = f.partner_id JOIN cases c ON c.id = f.case_id \
     JOIN residents r ON r.id = c.resident_id LEFT JOIN service_kinds s ON s.id = f.service_kind_id";

#[derive(sqlx::FromRow)]
struct ReferralRow {
    id: i64,
    case_id: i64,
    given_names: String,
    family_name: String,
    partner_id: i64,
    partner: String,
    partner_kind: String,
    household_member_id: Option<i64>,
    domains: String,
    reason: String,
    service: Option<String>,
    price_cents: Option<i64>,
    over_cap_reason: Option<String>,
    status: String,
    asked_on: Date,
    accepted_on: Option<Date>,
    started_on: Option<Date>,
    ended_on: Option<Date>,
    return_reason: Option<String>,
    result: Option<String>,
    result_note: Option<String>,
    acknowledged_at: Option<OffsetDateTime>,
    municipality_code: String,
    resident_id: i64,
}

impl ReferralRow {
    fn into_referral(self) -> Result<Referral> {
        Ok(Referral {
            id: self.id,
            case_id: self.case_id,
            resident: if self.given_names.is_empty() {
                self.family_name
            } else {
                format!("{} {}", self.given_names, self.family_name)
            },
            partner_id: self.partner_id,
            partner: self.partner,
            partner_kind: parse_code(&self.partner_kind, PartnerKind::parse)?,
            household_member_id: self.household_member_id,
            domains: nazorg_domain::referral::decode_domains(&self.domains),
            reason: self.reason,
            service: self.service,
            price_cents: self.price_cents,
            over_cap_reason: self.over_cap_reason,
            status: parse_code(&self.status, ReferralStatus::parse)?,
            asked_on: self.asked_on,
            accepted_on: self.accepted_on,
            started_on: self.started_on,
            ended_on: self.ended_on,
            return_reason: self.return_reason,
            result: parse_opt(self.result, ReferralResult::parse)?,
            result_note: self.result_note,
            acknowledged: self.acknowledged_at.is_some(),
        })
    }
}

pub async fn list_referrals(
    pool: &Pool<DB>,
    actor: &Actor,
    filter: &ReferralFilter,
    before_id: Option<i64>,
    limit: u32,
) -> Result<Page<Referral>> {
    let permit = check(actor, Action::ListReferrals, &actor.municipality)?;
    let mut q = QueryBuilder::<DB>::new(REFERRAL_SELECT);
    q.push(" WHERE f.municipality_code = ")
        .push_bind(actor.municipality.clone());
    if !matches!(actor.role, Role::Coordinator | Role::SubstituteCoordinator) {
        // A partner user sees the referrals to their own organisation, nothing else.
        q.push(" AND f.partner_id = ")
            .push_bind(actor.partner_id.unwrap_or(-1));
    }
    if let Some(status) = filter.status {
        q.push(" AND f.status = ").push_bind(status.code());
    } else if filter.open_only {
        q.push(" AND f.status IN ('asked', 'accepted', 'started')");
    }
    if filter.unacknowledged {
        q.push(" AND f.status IN ('finished', 'returned') AND f.acknowledged_at IS NULL");
    }
    if let Some(coordinator) = filter.for_coordinator {
        // A report back goes to the case's own coordinator (or to all, while unassigned).
        q.push(" AND (c.coordinator_id = ")
            .push_bind(coordinator)
            .push(" OR c.coordinator_id IS NULL)");
    }
    if let Some(before) = before_id {
        q.push(" AND f.id < ").push_bind(before);
    }
    q.push(" ORDER BY f.id DESC LIMIT ")
        .push_bind(i64::from(limit) + 1);
    let mut tx = begin(pool).await?;
    let rows: Vec<ReferralRow> = q.build_query_as().fetch_all(&mut *tx).await?;
    let more = rows.len() > limit as usize;
    let mut items: Vec<Referral> = rows
        .into_iter()
        .take(limit as usize)
        .map(ReferralRow::into_referral)
        .collect::<Result<_>>()?;
    if actor.role != Role::Coordinator && actor.role != Role::SubstituteCoordinator {
        items.iter_mut().for_each(|r| r.over_cap_reason = None);
    }
    let ids: Vec<String> = items.iter().map(|r| r.id.to_string()).collect();
    let case_ids: Vec<i64> = items.iter().map(|r| r.case_id).collect();
    log_list(
        &mut tx,
        permit,
        &case_ids,
        &format!("lijst van verwijzingen: {}", ids.join(",")),
    )
    .await?;
    tx.commit().await?;
    let next = if more {
        items.last().map(|r| Cursor {
            due: FAR_FUTURE,
            id: r.id,
        })
    } else {
        None
    };
    Ok(Page { items, next })
}

async fn referral_row(tx: &mut Tx, referral_id: i64) -> Result<(ReferralRow, i64)> {
    let row: ReferralRow = sqlx::query_as(&format!("{REFERRAL_SELECT} WHERE f.id = $1"))
        .bind(referral_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let resident_id = row.resident_id;
    Ok((row, resident_id))
}

pub async fn get_referral(
    pool: &Pool<DB>,
    actor: &Actor,
    referral_id: i64,
) -> Result<ReferralDetail> {
    let mut tx = begin(pool).await?;
    let (row, resident_id) = referral_row(&mut tx, referral_id).await?;
    let municipality = row.municipality_code.clone();
    authorize_referral(actor, Action::ReadReferral, &municipality, row.partner_id)?;
    let permit = check(actor, Action::ReadReferral, &municipality)?;
    log(
        &mut tx,
        permit,
        Some(resident_id),
        Some(row.case_id),
        &format!("verwijzing {referral_id} ingezien"),
    )
    .await?;
    let mut referral = row.into_referral()?;
    if actor.role != Role::Coordinator && actor.role != Role::SubstituteCoordinator {
        // Why the budget cap was passed is the municipality's business, not the partner's.
        referral.over_cap_reason = None;
    }
    let household = match referral.household_member_id {
        None => None,
        Some(member) => Some(
            sqlx::query_as::<_, (String, bool)>(
                "SELECT relation, is_minor FROM household_members WHERE id = $1",
            )
            .bind(member)
            .fetch_one(&mut *tx)
            .await?,
        ),
    };
    if let Some((relation, minor)) = &household {
        // The referral is about a family member: name them by relation, not by the
        // resident's own birth date and triage.
        let relation = nazorg_domain::case::Relation::parse(relation)
            .map(|r| r.label())
            .unwrap_or("Gezinslid");
        let age = if *minor {
            "minderjarig"
        } else {
            "meerderjarig"
        };
        referral.resident = format!("{relation} ({age}) van {}", referral.resident);
    }
    let birth_date: Option<Date> = if household.is_some() {
        None
    } else {
        sqlx::query_scalar("SELECT birth_date FROM residents WHERE id = $1")
            .bind(resident_id)
            .fetch_one(&mut *tx)
            .await?
    };
    // Of the triage, only the life domains the referral is about.
    let triage_rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT domain, need, self_reliance FROM triage_domains WHERE case_id = $1")
            .bind(referral.case_id)
            .fetch_all(&mut *tx)
            .await?;
    let mut triage = Vec::new();
    for (domain, need, reliance) in triage_rows {
        let domain = parse_code(&domain, LifeDomain::parse)?;
        if household.is_none() && referral.domains.contains(&domain) {
            triage.push(DomainTriage {
                domain,
                need: parse_code(&need, nazorg_domain::triage::Need::parse)?,
                self_reliance: parse_code(&reliance, nazorg_domain::triage::SelfReliance::parse)?,
            });
        }
    }
    triage.sort_by_key(|t| t.domain);
    let note_rows: Vec<(Date, String, String, String)> = sqlx::query_as(
        "SELECT note_date, step, note, author FROM referral_notes WHERE referral_id = $1 ORDER BY id",
    )
    .bind(referral_id)
    .fetch_all(&mut *tx)
    .await?;
    let notes = note_rows
        .into_iter()
        .map(|(date, step, note, author)| {
            Ok(ReferralNote {
                date,
                step: parse_code(&step, ReferralStep::parse)?,
                note,
                author,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    tx.commit().await?;
    Ok(ReferralDetail {
        referral,
        birth_date,
        triage,
        notes,
    })
}

pub async fn referral_step(
    pool: &Pool<DB>,
    actor: &Actor,
    referral_id: i64,
    input: &ReferralStepInput,
) -> Result<()> {
    check_not_future("De datum", input.date)?;
    let note = check_text("de toelichting", &input.note, 2000, false)?;
    let mut tx = begin(pool).await?;
    let (row, resident_id) = referral_row(&mut tx, referral_id).await?;
    authorize_referral(
        actor,
        Action::WriteReferral,
        &row.municipality_code,
        row.partner_id,
    )?;
    if input.step == ReferralStep::Withdraw
        && !matches!(actor.role, Role::Coordinator | Role::SubstituteCoordinator)
    {
        return Err(StoreError::Denied(nazorg_domain::access::Denied::Role(
            actor.role.label(),
        )));
    }
    let permit = check(actor, Action::WriteReferral, &row.municipality_code)?;
    log(
        &mut tx,
        permit,
        Some(resident_id),
        Some(row.case_id),
        &format!("verwijzing {referral_id}: {}", input.step.label()),
    )
    .await?;
    let referral = row.into_referral()?;
    let status = nazorg_domain::referral::apply(referral.status, input.step)?;
    let case_open: bool = sqlx::query_scalar("SELECT is_open FROM cases WHERE id = $1")
        .bind(referral.case_id)
        .fetch_one(&mut *tx)
        .await?;
    if !case_open && !matches!(input.step, ReferralStep::Finish | ReferralStep::Progress) {
        return Err(invalid(
            "De casus is afgesloten; een verwijzing kan dan alleen nog worden afgerond.",
        ));
    }
    let earliest = referral
        .started_on
        .or(referral.accepted_on)
        .unwrap_or(referral.asked_on);
    if input.date < earliest {
        return Err(invalid(format!(
            "De datum kan niet vóór {} liggen.",
            format_nl(earliest)
        )));
    }
    if matches!(
        input.step,
        ReferralStep::Return | ReferralStep::Progress | ReferralStep::Withdraw
    ) && note.is_empty()
    {
        return Err(invalid("Vul een toelichting in."));
    }
    let result = match (input.step, input.result) {
        (ReferralStep::Finish, None) => {
            return Err(invalid("Kies het resultaat van de verwijzing."));
        }
        (ReferralStep::Finish, Some(r)) => Some(r),
        _ => None,
    };
    let (accepted_on, started_on, ended_on) = match input.step {
        ReferralStep::Accept => (Some(input.date), referral.started_on, referral.ended_on),
        ReferralStep::Start => (referral.accepted_on, Some(input.date), referral.ended_on),
        ReferralStep::Finish | ReferralStep::Return | ReferralStep::Withdraw => {
            (referral.accepted_on, referral.started_on, Some(input.date))
        }
        ReferralStep::Progress => (referral.accepted_on, referral.started_on, referral.ended_on),
    };
    let changed = sqlx::query(
        "UPDATE referrals SET status = $1, accepted_on = $2, started_on = $3, ended_on = $4, \
         return_reason = COALESCE($5, return_reason), result = COALESCE($6, result), result_note = COALESCE($7, result_note), \
         acknowledged_at = NULL, updated_at = $8 WHERE id = $9 AND status = $10",
    )
    .bind(status.code())
    .bind(accepted_on)
    .bind(started_on)
    .bind(ended_on)
    .bind(matches!(input.step, ReferralStep::Return | ReferralStep::Withdraw).then(|| note.clone()))
    .bind(result.map(|r| r.code()))
    .bind((input.step == ReferralStep::Finish && !note.is_empty()).then(|| note.clone()))
    .bind(now())
    .bind(referral_id)
    .bind(referral.status.code())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(StoreError::Conflict(
            "De verwijzing is intussen door een ander gewijzigd. Vernieuw de pagina.".into(),
        ));
    }
    sqlx::query("INSERT INTO referral_notes (referral_id, note_date, step, note, author, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(referral_id)
        .bind(input.date)
        .bind(input.step.code())
        .bind(&note)
        .bind(&actor.username)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    let mut summary = format!(
        "Verwijzing naar {}: {} ({}).",
        referral.partner,
        input.step.label().to_lowercase(),
        format_nl(input.date)
    );
    if let Some(r) = result {
        summary.push_str(&format!(" Resultaat: {}.", r.label().to_lowercase()));
    }
    if !note.is_empty() && input.step != ReferralStep::Progress {
        summary.push_str(&format!(" {note}"));
    }
    event(&mut tx, referral.case_id, actor, "referral", &summary).await?;
    tx.commit().await?;
    Ok(())
}

/// The coordinator has seen a partner's report back (a finished or returned referral).
pub async fn acknowledge_referral(pool: &Pool<DB>, actor: &Actor, referral_id: i64) -> Result<()> {
    let mut tx = begin(pool).await?;
    let (row, resident_id) = referral_row(&mut tx, referral_id).await?;
    let permit = check(actor, Action::WriteCase, &row.municipality_code)?;
    log(
        &mut tx,
        permit,
        Some(resident_id),
        Some(row.case_id),
        &format!("terugmelding verwijzing {referral_id} gezien"),
    )
    .await?;
    if !matches!(
        parse_code(&row.status, ReferralStatus::parse)?,
        ReferralStatus::Finished | ReferralStatus::Returned
    ) {
        return Err(invalid(
            "Alleen een afgeronde of teruggegeven verwijzing kan als gezien worden gemarkeerd.",
        ));
    }
    sqlx::query("UPDATE referrals SET acknowledged_at = $1 WHERE id = $2")
        .bind(now())
        .bind(referral_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

async fn case_referrals(tx: &mut Tx, case_id: i64) -> Result<Vec<Referral>> {
    let rows: Vec<ReferralRow> = sqlx::query_as(&format!(
        "{REFERRAL_SELECT} WHERE f.case_id = $1 ORDER BY f.id"
    ))
    .bind(case_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.into_iter().map(ReferralRow::into_referral).collect()
}

async fn case_safety_agenda(tx: &mut Tx, case_id: i64) -> Result<Vec<SafetyAgendaItem>> {
    let rows: Vec<(i64, Date, String, Option<Date>, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT id, put_on, reason, discussed_on, outcome, follow_up FROM safety_agenda_items WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, put_on, reason, discussed_on, outcome, follow_up)| SafetyAgendaItem {
                id,
                put_on,
                reason,
                discussed_on,
                outcome,
                follow_up,
            },
        )
        .collect())
}

pub async fn add_safety_item(
    pool: &Pool<DB>,
    actor: &Actor,
    case_id: i64,
    put_on: Date,
    reason: &str,
) -> Result<i64> {
    let reason = check_text("de reden", reason, 1000, true)?;
    let mut tx = begin(pool).await?;
    let (core, before, after) = begin_step(&mut tx, actor, case_id, Step::SafetyChamber).await?;
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO safety_agenda_items (municipality_code, case_id, put_on, reason, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(&core.municipality_code)
    .bind(case_id)
    .bind(put_on)
    .bind(&reason)
    .bind(&actor.username)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    let summary = format!(
        "Op de agenda van de Veiligheidskamer gezet voor {}. Reden: {reason}",
        format_nl(put_on)
    );
    finish_step(
        &mut tx,
        actor,
        case_id,
        (before, after),
        "safety_chamber",
        &summary,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn record_safety_outcome(
    pool: &Pool<DB>,
    actor: &Actor,
    case_id: i64,
    item_id: i64,
    discussed_on: Date,
    outcome: &str,
    follow_up: &str,
) -> Result<()> {
    check_not_future("De datum van bespreking", discussed_on)?;
    let outcome = check_text("de uitkomst", outcome, 2000, true)?;
    let follow_up = check_text("de vervolgafspraken", follow_up, 2000, false)?;
    let mut tx = begin(pool).await?;
    let (_, before, after) = begin_step(&mut tx, actor, case_id, Step::SafetyChamber).await?;
    let put_on: Option<Date> =
        sqlx::query_scalar("SELECT put_on FROM safety_agenda_items WHERE id = $1 AND case_id = $2 AND discussed_on IS NULL")
            .bind(item_id)
            .bind(case_id)
            .fetch_optional(&mut *tx)
            .await?;
    let put_on = put_on.ok_or(StoreError::NotFound)?;
    if discussed_on < put_on {
        return Err(invalid("De bespreking kan niet vóór de agendering liggen."));
    }
    sqlx::query(
        "UPDATE safety_agenda_items SET discussed_on = $1, outcome = $2, follow_up = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(discussed_on)
    .bind(&outcome)
    .bind(&follow_up)
    .bind(now())
    .bind(item_id)
    .execute(&mut *tx)
    .await?;
    let summary = format!(
        "Besproken in de Veiligheidskamer op {}: {outcome}",
        format_nl(discussed_on)
    );
    finish_step(
        &mut tx,
        actor,
        case_id,
        (before, after),
        "safety_chamber",
        &summary,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn budget(pool: &Pool<DB>, actor: &Actor, year: i32) -> Result<Budget> {
    check(actor, Action::ReadBudget, &actor.municipality)?;
    let mut tx = begin(pool).await?;
    ensure_defaults_on(&mut tx, &actor.municipality, year).await?;
    let line_rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT code, name, cap_cents FROM budget_lines WHERE municipality_code = $1 AND year = $2 ORDER BY id",
    )
    .bind(&actor.municipality)
    .bind(i64::from(year))
    .fetch_all(&mut *tx)
    .await?;
    let referral_rows: Vec<(String, Option<String>, Option<i64>, Date, Option<Date>)> =
        sqlx::query_as(
            "SELECT status, budget_line, price_cents, asked_on, ended_on FROM referrals \
         WHERE municipality_code = $1 AND budget_year = $2 AND price_cents IS NOT NULL",
        )
        .bind(&actor.municipality)
        .bind(i64::from(year))
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    let mut lines: Vec<BudgetLine> = line_rows
        .into_iter()
        .map(|(code, name, cap_cents)| {
            Ok(BudgetLine {
                code: parse_code(&code, BudgetLineCode::parse)?,
                name,
                cap_cents,
                committed_cents: 0,
                spent_cents: 0,
            })
        })
        .collect::<Result<_>>()?;
    let mut months: Vec<BudgetMonth> = (1..=12)
        .map(|m| BudgetMonth {
            month: m,
            ..Default::default()
        })
        .collect();
    for (status, line, price, asked_on, ended_on) in referral_rows {
        let status = parse_code(&status, ReferralStatus::parse)?;
        let price = price.unwrap_or(0);
        let Some(line) = lines
            .iter_mut()
            .find(|l| Some(l.code.code()) == line.as_deref())
        else {
            continue;
        };
        if status == ReferralStatus::Finished {
            line.spent_cents += price;
            let delivered = ended_on.unwrap_or(asked_on);
            // The spend belongs to the year of the referral; a month of another year is
            // not one of this budget's months.
            if delivered.year() == year {
                months[delivered.month() as usize - 1].spent_cents += price;
            }
        } else if status.is_open() {
            line.committed_cents += price;
            months[asked_on.month() as usize - 1].committed_cents += price;
        }
    }
    Ok(Budget {
        year,
        lines,
        months,
    })
}

pub async fn set_budget_cap(
    pool: &Pool<DB>,
    actor: &Actor,
    year: i32,
    line: BudgetLineCode,
    cap_cents: i64,
) -> Result<()> {
    check(actor, Action::ManageBudget, &actor.municipality)?;
    if !(0..=100_000_000_00).contains(&cap_cents) {
        return Err(invalid("Vul een plafond in tussen € 0 en € 100.000.000."));
    }
    let mut tx = begin(pool).await?;
    ensure_defaults_on(&mut tx, &actor.municipality, year).await?;
    sqlx::query("UPDATE budget_lines SET cap_cents = $1, updated_at = $2 WHERE municipality_code = $3 AND year = $4 AND code = $5")
        .bind(cap_cents)
        .bind(now())
        .bind(&actor.municipality)
        .bind(i64::from(year))
        .bind(line.code())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Median and 90th percentile (nearest rank) of a list of day counts.
fn median_p90(mut days: Vec<i64>) -> Option<(f64, f64)> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    let median = if n % 2 == 1 {
        days[n / 2] as f64
    } else {
        (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0
    };
    let rank = ((0.9 * n as f64).ceil() as usize).clamp(1, n);
    Some((median, days[rank - 1] as f64))
}

/// Referral figures per partner for referrals asked in [from, to].
pub async fn referral_figures(
    pool: &Pool<DB>,
    actor: &Actor,
    from: Date,
    to: Date,
) -> Result<Vec<PartnerFigures>> {
    check(actor, Action::ReadBudget, &actor.municipality)?;
    let rows: Vec<(String, String, Date, Option<Date>, Option<Date>, Option<String>)> = sqlx::query_as(
        "SELECT p.name, f.status, f.asked_on, f.started_on, f.ended_on, f.result FROM referrals f JOIN partners p ON p.id = f.partner_id \
         WHERE f.municipality_code = $1 AND f.asked_on >= $2 AND f.asked_on <= $3 ORDER BY p.name",
    )
    .bind(&actor.municipality)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    let mut figures: Vec<(PartnerFigures, Vec<i64>, Vec<i64>)> = Vec::new();
    for (partner, status, asked_on, started_on, ended_on, result) in rows {
        if figures.last().is_none_or(|(f, _, _)| f.partner != partner) {
            figures.push((
                PartnerFigures {
                    partner: partner.clone(),
                    ..Default::default()
                },
                Vec::new(),
                Vec::new(),
            ));
        }
        let Some((f, to_start, to_end)) = figures.last_mut() else {
            continue;
        };
        let status = parse_code(&status, ReferralStatus::parse)?;
        f.referrals += 1;
        if let Some(start) = started_on {
            f.started += 1;
            to_start.push((start - asked_on).whole_days());
            if let (Some(end), ReferralStatus::Finished) = (ended_on, status) {
                to_end.push((end - start).whole_days());
            }
        }
        match status {
            ReferralStatus::Finished => f.finished += 1,
            ReferralStatus::Returned => f.returned += 1,
            _ => {}
        }
        if let Some(result) = parse_opt(result, ReferralResult::parse)? {
            match f.results.iter_mut().find(|(r, _)| *r == result) {
                Some((_, n)) => *n += 1,
                None => f.results.push((result, 1)),
            }
        }
    }
    Ok(figures
        .into_iter()
        .map(|(mut f, to_start, to_end)| {
            f.ask_to_start_days = median_p90(to_start);
            f.start_to_end_days = median_p90(to_end);
            f.results.sort();
            f
        })
        .collect())
}

// --- worklist, absences, appointments, calendar, digest -----------------------------------

#[derive(sqlx::FromRow)]
struct FactsRow {
    id: i64,
    status: String,
    notified_on: Date,
    expected_release: Option<Date>,
    actual_release: Option<Date>,
    ready_housing: bool,
    ready_brp: bool,
    ready_id: bool,
    ready_income: bool,
    aftercare_end: Option<Date>,
    coordinator_id: Option<i64>,
    given_names: String,
    family_name: String,
    coordinator: Option<String>,
}

/// Open cases in scope, with their facts (three more queries for all of them together).
async fn case_facts(
    tx: &mut Tx,
    municipality: &str,
    scope: Scope,
    day: Date,
) -> Result<Vec<(CaseFacts, FactsRow)>> {
    let mut q = QueryBuilder::<DB>::new(
        "SELECT c.id, c.status, c.notified_on, c.expected_release, c.actual_release, c.ready_housing, c.ready_brp, c.ready_id, \
         c.ready_income, c.aftercare_end, c.coordinator_id, r.given_names, r.family_name, u.display_name AS coordinator \
         FROM cases c JOIN residents r ON r.id = c.resident_id LEFT JOIN users u ON u.id = c.coordinator_id WHERE c.municipality_code = ",
    );
    q.push_bind(municipality.to_string())
        .push(" AND c.is_open = ")
        .push_bind(true);
    if let Scope::Of(user) = scope {
        q.push(" AND (c.coordinator_id IS NULL OR c.coordinator_id = ")
            .push_bind(user);
        q.push(" OR c.coordinator_id IN (SELECT user_id FROM absences WHERE substitute_id = ")
            .push_bind(user);
        q.push(" AND starts_on <= ")
            .push_bind(day)
            .push(" AND ends_on >= ")
            .push_bind(day)
            .push("))");
    }
    q.push(" ORDER BY c.id");
    let rows: Vec<FactsRow> = q.build_query_as().fetch_all(&mut **tx).await?;
    let mut facts: Vec<(CaseFacts, FactsRow)> = Vec::with_capacity(rows.len());
    for row in rows {
        let mut ready = Vec::new();
        for (flag, item) in [
            (row.ready_housing, ReadinessItem::Housing),
            (row.ready_brp, ReadinessItem::BrpRegistration),
            (row.ready_id, ReadinessItem::IdDocument),
            (row.ready_income, ReadinessItem::Income),
        ] {
            if flag {
                ready.push(item);
            }
        }
        let f = CaseFacts {
            case_id: row.id,
            status: parse_code(&row.status, Status::parse)?,
            notified_on: row.notified_on,
            expected_release: row.expected_release,
            actual_release: row.actual_release,
            ready,
            aftercare_end: row.aftercare_end,
            last_contact: None,
            agreements: Vec::new(),
            referrals: Vec::new(),
        };
        facts.push((f, row));
    }
    let index: std::collections::HashMap<i64, usize> = facts
        .iter()
        .enumerate()
        .map(|(i, (f, _))| (f.case_id, i))
        .collect();
    let ids: Vec<i64> = facts.iter().map(|(f, _)| f.case_id).collect();
    for chunk in ids.chunks(500) {
        let mut q = QueryBuilder::<DB>::new(
            "SELECT case_id, MAX(contact_date) FROM contacts WHERE case_id IN (",
        );
        let mut list = q.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        q.push(") GROUP BY case_id");
        let rows: Vec<(i64, Option<Date>)> = q.build_query_as().fetch_all(&mut **tx).await?;
        for (case, last) in rows {
            if let Some(i) = index.get(&case) {
                facts[*i].0.last_contact = last;
            }
        }
        let mut q = QueryBuilder::<DB>::new(
            "SELECT case_id, id, due_date, done FROM agreements WHERE done = ",
        );
        q.push_bind(false).push(" AND case_id IN (");
        let mut list = q.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        q.push(")");
        let rows: Vec<(i64, i64, Option<Date>, bool)> =
            q.build_query_as().fetch_all(&mut **tx).await?;
        for (case, id, due, done) in rows {
            if let Some(i) = index.get(&case) {
                facts[*i]
                    .0
                    .agreements
                    .push(AgreementFacts { id, due, done });
            }
        }
        let mut q = QueryBuilder::<DB>::new(
            "SELECT case_id, id, status, asked_on FROM referrals WHERE status IN ('asked', 'accepted') AND case_id IN (",
        );
        let mut list = q.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        q.push(")");
        let rows: Vec<(i64, i64, String, Date)> = q.build_query_as().fetch_all(&mut **tx).await?;
        for (case, id, status, asked_on) in rows {
            if let Some(i) = index.get(&case) {
                facts[*i].0.referrals.push(ReferralFacts {
                    id,
                    status: parse_code(&status, ReferralStatus::parse)?,
                    asked_on,
                });
            }
        }
    }
    Ok(facts)
}

/// The open deadlines in scope on `day`, most urgent first.
pub async fn worklist(
    pool: &Pool<DB>,
    actor: &Actor,
    scope: Scope,
    day: Date,
    settings: &DeadlineSettings,
) -> Result<Vec<WorkItem>> {
    let permit = check(actor, Action::ListCases, &actor.municipality)?;
    let mut tx = begin(pool).await?;
    let facts = case_facts(&mut tx, &actor.municipality, scope, day).await?;
    let mut items = Vec::new();
    for (f, row) in &facts {
        for deadline in deadlines(f, settings, day) {
            let standing_in_for = match (scope, row.coordinator_id) {
                (Scope::Of(user), Some(owner)) if owner != user => row.coordinator.clone(),
                _ => None,
            };
            items.push(WorkItem {
                resident: if row.given_names.is_empty() {
                    row.family_name.clone()
                } else {
                    format!("{} {}", row.given_names, row.family_name)
                },
                coordinator: row.coordinator.clone(),
                standing_in_for,
                deadline,
            });
        }
    }
    items.sort_by(|a, b| {
        (
            a.deadline.due,
            a.deadline.kind,
            a.deadline.case_id,
            a.deadline.subject_id,
        )
            .cmp(&(
                b.deadline.due,
                b.deadline.kind,
                b.deadline.case_id,
                b.deadline.subject_id,
            ))
    });
    let mut ids: Vec<String> = Vec::new();
    for item in &items {
        let id = item.deadline.case_id.to_string();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let case_ids: Vec<i64> = items.iter().map(|i| i.deadline.case_id).collect();
    log_list(
        &mut tx,
        permit,
        &case_ids,
        &format!("werklijst: casussen {}", ids.join(",")),
    )
    .await?;
    tx.commit().await?;
    Ok(items)
}

/// How many deadlines are on a user's worklist, for the menu. Counts only: nothing about
/// a person leaves the store, so nothing is logged.
pub async fn work_count(
    pool: &Pool<DB>,
    actor: &Actor,
    day: Date,
    settings: &DeadlineSettings,
) -> Result<usize> {
    check(actor, Action::ListCases, &actor.municipality)?;
    let mut tx = begin(pool).await?;
    let facts = case_facts(&mut tx, &actor.municipality, Scope::Of(actor.user_id), day).await?;
    tx.commit().await?;
    Ok(facts
        .iter()
        .map(|(f, _)| deadlines(f, settings, day).len())
        .sum())
}

pub async fn user_id_by_name(pool: &Pool<DB>, username: &str) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(pool)
            .await?,
    )
}

pub async fn set_user_email(pool: &Pool<DB>, user_id: i64, email: Option<&str>) -> Result<()> {
    let email = email.map(str::trim).filter(|e| !e.is_empty());
    if let Some(e) = email
        && (e.len() > 200 || !e.contains('@') || e.contains(char::is_whitespace))
    {
        return Err(invalid(format!("‘{e}’ is geen e-mailadres.")));
    }
    sqlx::query("UPDATE users SET email = $1, updated_at = $2 WHERE id = $3")
        .bind(email)
        .bind(now())
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(())
}

async fn coordinator_name(tx: &mut Tx, municipality: &str, user_id: i64) -> Result<String> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT display_name, role FROM users WHERE id = $1 AND municipality_code = $2 AND active = $3",
    )
    .bind(user_id)
    .bind(municipality)
    .bind(true)
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some((name, role))
            if role == Role::Coordinator.code() || role == Role::SubstituteCoordinator.code() =>
        {
            Ok(name)
        }
        _ => Err(invalid(
            "Kies een actieve (vervangend) nazorgcoördinator van deze gemeente.",
        )),
    }
}

pub async fn add_absence(
    pool: &Pool<DB>,
    actor: &Actor,
    user_id: i64,
    substitute_id: i64,
    starts_on: Date,
    ends_on: Date,
    note: &str,
) -> Result<i64> {
    let permit = check(actor, Action::ManageAbsences, &actor.municipality)?;
    let note = check_text("de toelichting", note, 500, false)?;
    if ends_on < starts_on {
        return Err(invalid(
            "De laatste dag van de afwezigheid ligt vóór de eerste.",
        ));
    }
    if user_id == substitute_id {
        return Err(invalid("Kies als vervanger iemand anders dan de afwezige."));
    }
    if ends_on < today() {
        return Err(invalid("Deze afwezigheid ligt helemaal in het verleden."));
    }
    let mut tx = begin(pool).await?;
    let absent = coordinator_name(&mut tx, &actor.municipality, user_id).await?;
    let substitute = coordinator_name(&mut tx, &actor.municipality, substitute_id).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO absences (municipality_code, user_id, substitute_id, starts_on, ends_on, note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(&actor.municipality)
    .bind(user_id)
    .bind(substitute_id)
    .bind(starts_on)
    .bind(ends_on)
    .bind(&note)
    .bind(&actor.username)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    let detail = format!(
        "afwezigheid {absent} van {} t/m {}, vervanger {substitute}",
        format_nl(starts_on),
        format_nl(ends_on)
    );
    log(&mut tx, permit, None, None, &detail).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn list_absences(pool: &Pool<DB>, actor: &Actor) -> Result<Vec<Absence>> {
    check(actor, Action::ManageAbsences, &actor.municipality)?;
    let rows: Vec<(i64, i64, String, i64, String, Date, Date, String)> = sqlx::query_as(
        "SELECT a.id, a.user_id, u.display_name, a.substitute_id, s.display_name, a.starts_on, a.ends_on, a.note \
         FROM absences a JOIN users u ON u.id = a.user_id JOIN users s ON s.id = a.substitute_id \
         WHERE a.municipality_code = $1 AND a.ends_on >= $2 ORDER BY a.starts_on, a.id",
    )
    .bind(&actor.municipality)
    .bind(today())
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, user_id, user, substitute_id, substitute, starts_on, ends_on, note)| Absence {
                id,
                user_id,
                user,
                substitute_id,
                substitute,
                starts_on,
                ends_on,
                note,
            },
        )
        .collect())
}

/// Ends an absence now: from today on the absent colleague's work is theirs again.
pub async fn end_absence(pool: &Pool<DB>, actor: &Actor, absence_id: i64) -> Result<()> {
    let permit = check(actor, Action::ManageAbsences, &actor.municipality)?;
    let mut tx = begin(pool).await?;
    let starts: Option<Date> = sqlx::query_scalar(
        "SELECT starts_on FROM absences WHERE id = $1 AND municipality_code = $2",
    )
    .bind(absence_id)
    .bind(&actor.municipality)
    .fetch_optional(&mut *tx)
    .await?;
    let starts = starts.ok_or(StoreError::NotFound)?;
    let day = today();
    // One that has not begun before today is removed; one that has, ends yesterday.
    if starts >= day {
        sqlx::query("DELETE FROM absences WHERE id = $1")
            .bind(absence_id)
            .execute(&mut *tx)
            .await?;
    } else {
        let yesterday = day - Duration::days(1);
        sqlx::query("UPDATE absences SET ends_on = $1 WHERE id = $2")
            .bind(yesterday.max(starts))
            .bind(absence_id)
            .execute(&mut *tx)
            .await?;
    }
    log(
        &mut tx,
        permit,
        None,
        None,
        &format!("afwezigheid {absence_id} beëindigd"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn add_appointment(
    pool: &Pool<DB>,
    actor: &Actor,
    case_id: i64,
    starts_at: OffsetDateTime,
    kind: ContactKind,
    place: &str,
) -> Result<i64> {
    let place = check_text("de plaats", place, 200, false)?;
    let mut tx = begin(pool).await?;
    let (_, before, after) = begin_step(&mut tx, actor, case_id, Step::LogContact).await?;
    if starts_at < now() - Duration::days(1) {
        return Err(invalid(
            "Een afspraak plant u vooruit; leg een gesprek dat al was vast als contact.",
        ));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO appointments (case_id, starts_at, kind, place, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(case_id)
    .bind(starts_at)
    .bind(kind.code())
    .bind(&place)
    .bind(&actor.username)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    let local = nazorg_domain::dates::to_amsterdam(starts_at);
    let summary = format!(
        "Afspraak gepland: {} op {} om {:02}:{:02}{}.",
        kind.label().to_lowercase(),
        format_nl(local.date()),
        local.hour(),
        local.minute(),
        if place.is_empty() {
            String::new()
        } else {
            format!(" ({place})")
        }
    );
    finish_step(
        &mut tx,
        actor,
        case_id,
        (before, after),
        "appointment",
        &summary,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn case_appointments(tx: &mut Tx, case_id: i64) -> Result<Vec<Appointment>> {
    let rows: Vec<(i64, OffsetDateTime, String, String)> = sqlx::query_as(
        "SELECT id, starts_at, kind, place FROM appointments WHERE case_id = $1 ORDER BY starts_at",
    )
    .bind(case_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.into_iter()
        .map(|(id, starts_at, kind, place)| {
            Ok(Appointment {
                id,
                starts_at,
                kind: parse_code(&kind, ContactKind::parse)?,
                place,
            })
        })
        .collect()
}

/// A new secret calendar link for the user; the previous one stops working.
pub async fn create_calendar_token(pool: &Pool<DB>, actor: &Actor, hash: &str) -> Result<()> {
    let mut tx = begin(pool).await?;
    sqlx::query(
        "UPDATE calendar_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(now())
    .bind(actor.user_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO calendar_tokens (token_hash, user_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(hash)
    .bind(actor.user_id)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn revoke_calendar_token(pool: &Pool<DB>, actor: &Actor) -> Result<()> {
    sqlx::query(
        "UPDATE calendar_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(now())
    .bind(actor.user_id)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn has_calendar_token(pool: &Pool<DB>, actor: &Actor) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM calendar_tokens WHERE user_id = $1 AND revoked_at IS NULL",
    )
    .bind(actor.user_id)
    .fetch_one(pool)
    .await?;
    Ok(n > 0)
}

pub async fn calendar_actor(pool: &Pool<DB>, hash: &str) -> Result<Option<Actor>> {
    let row: Option<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM calendar_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = $2"
    ))
    .bind(hash)
    .bind(true)
    .fetch_optional(pool)
    .await?;
    match row {
        Some(user) => Ok(Some(enrich(pool, user.into_actor()?).await?)),
        None => Ok(None),
    }
}

/// Appointments and due agreements of the user's cases, for the calendar feed: case
/// numbers only, no names or case details.
pub async fn calendar_items(
    pool: &Pool<DB>,
    actor: &Actor,
    day: Date,
) -> Result<Vec<CalendarItem>> {
    let permit = check(actor, Action::ListCases, &actor.municipality)?;
    let mut tx = begin(pool).await?;
    let facts = case_facts(&mut tx, &actor.municipality, Scope::Of(actor.user_id), day).await?;
    let ids: Vec<i64> = facts.iter().map(|(f, _)| f.case_id).collect();
    let mut items = Vec::new();
    for chunk in ids.chunks(500) {
        let mut q = QueryBuilder::<DB>::new(
            "SELECT id, case_id, starts_at, kind FROM appointments WHERE starts_at >= ",
        );
        q.push_bind(now() - Duration::days(60))
            .push(" AND case_id IN (");
        let mut list = q.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        q.push(")");
        let rows: Vec<(i64, i64, OffsetDateTime, String)> =
            q.build_query_as().fetch_all(&mut *tx).await?;
        for (id, case_id, starts_at, kind) in rows {
            let kind = parse_code(&kind, ContactKind::parse)?;
            items.push(CalendarItem {
                uid: format!("afspraak-{id}"),
                case_id,
                starts_at: Some(starts_at),
                day: starts_at.date(),
                summary: format!("{} (casus {case_id})", kind.label()),
            });
        }
    }
    for (f, _) in &facts {
        for a in &f.agreements {
            if let Some(due) = a.due {
                items.push(CalendarItem {
                    uid: format!("plan-{}", a.id),
                    case_id: f.case_id,
                    starts_at: None,
                    day: due,
                    summary: format!(
                        "Afspraak plan van aanpak uiterlijk vandaag (casus {})",
                        f.case_id
                    ),
                });
            }
        }
    }
    items.sort_by(|a, b| (a.day, &a.uid).cmp(&(b.day, &b.uid)));
    log(
        &mut tx,
        permit,
        None,
        None,
        &format!("agenda-abonnement: {} items", items.len()),
    )
    .await?;
    tx.commit().await?;
    Ok(items)
}

/// Claims the digest of a day; only the first caller (of any server) gets true.
pub async fn claim_digest(pool: &Pool<DB>, day: Date) -> Result<bool> {
    let inserted = sqlx::query("INSERT INTO digest_runs (run_on, started_at) VALUES ($1, $2) ON CONFLICT (run_on) DO NOTHING")
        .bind(day)
        .bind(now())
        .execute(pool)
        .await?
        .rows_affected();
    Ok(inserted == 1)
}

/// Users who get the digest: active (substitute) coordinators with an e-mail address.
pub async fn digest_users(pool: &Pool<DB>) -> Result<Vec<(Actor, String, String)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: UserRow,
        email: String,
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS}, u.email FROM users u WHERE u.active = $1 AND u.email IS NOT NULL AND u.role IN ('coordinator', 'substitute_coordinator') ORDER BY u.id"
    ))
    .bind(true)
    .fetch_all(pool)
    .await?;
    let mut out = Vec::new();
    for row in rows {
        let name = row.user.display_name.clone();
        let actor = enrich(pool, row.user.into_actor()?).await?;
        out.push((actor, name, row.email));
    }
    Ok(out)
}

// --- the processing log: verification and a resident's processings ---------------------------

#[derive(sqlx::FromRow)]
struct LogRow {
    seq: i64,
    at: OffsetDateTime,
    actor_id: Option<i64>,
    actor_name: String,
    action: String,
    municipality_code: String,
    resident_id: Option<i64>,
    case_id: Option<i64>,
    purpose: String,
    detail: String,
    prev_hash: String,
    hash: String,
}

/// Recomputes every chain and reports, per municipality, the first entry changed or
/// removed directly in the database.
pub async fn audit_verify(pool: &Pool<DB>) -> Result<Vec<crate::audit::ChainReport>> {
    use crate::audit::{ChainFault, ChainReport, EntryFields, GENESIS, chain_hash};
    let heads: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT municipality_code, last_seq, last_hash FROM audit_heads ORDER BY municipality_code",
    )
    .fetch_all(pool)
    .await?;
    let mut reports = Vec::new();
    for (municipality, last_seq, last_hash) in heads {
        let mut running = GENESIS.to_string();
        let mut expect = 1;
        let mut fault = None;
        let mut after = 0;
        'pages: loop {
            let rows: Vec<LogRow> = sqlx::query_as(
                "SELECT seq, at, actor_id, actor_name, action, municipality_code, resident_id, case_id, purpose, detail, prev_hash, hash \
                 FROM processing_log WHERE municipality_code = $1 AND seq > $2 ORDER BY seq LIMIT 5000",
            )
            .bind(&municipality)
            .bind(after)
            .fetch_all(pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                if row.seq != expect {
                    fault = Some(ChainFault::Removed(expect));
                    break 'pages;
                }
                if row.prev_hash != running {
                    // The entry before was altered in its hash column (or replaced).
                    fault = Some(ChainFault::Altered(expect - 1));
                    break 'pages;
                }
                let fields = EntryFields {
                    seq: row.seq,
                    at: row.at,
                    actor_id: row.actor_id,
                    actor_name: &row.actor_name,
                    action: &row.action,
                    municipality: &row.municipality_code,
                    resident_id: row.resident_id,
                    case_id: row.case_id,
                    purpose: &row.purpose,
                    detail: &row.detail,
                };
                if chain_hash(&row.prev_hash, &fields) != row.hash {
                    fault = Some(ChainFault::Altered(row.seq));
                    break 'pages;
                }
                running = row.hash.clone();
                expect += 1;
                after = row.seq;
            }
        }
        if fault.is_none() {
            if expect - 1 < last_seq {
                fault = Some(ChainFault::Removed(expect));
            } else if running != last_hash {
                fault = Some(ChainFault::Altered(expect - 1));
            }
        }
        reports.push(ChainReport {
            municipality,
            entries: expect - 1,
            fault,
        });
    }
    Ok(reports)
}

/// Every processing of one resident's data, newest first (itself a processing, logged).
pub async fn processings_of(
    pool: &Pool<DB>,
    actor: &Actor,
    resident_id: i64,
) -> Result<Vec<ProcessingEntry>> {
    let mut tx = begin(pool).await?;
    let municipality: Option<String> =
        sqlx::query_scalar("SELECT municipality_code FROM residents WHERE id = $1")
            .bind(resident_id)
            .fetch_optional(&mut *tx)
            .await?;
    let municipality = municipality.ok_or(StoreError::NotFound)?;
    let permit = check(actor, Action::ReadCase, &municipality)?;
    let rows: Vec<(OffsetDateTime, String, String, Option<i64>, String, String)> = sqlx::query_as(
        "SELECT at, actor_name, action, case_id, purpose, detail FROM ( \
         SELECT id, at, actor_name, action, case_id, purpose, detail FROM processing_log WHERE resident_id = $1 \
         UNION ALL \
         SELECT p.id, p.at, p.actor_name, p.action, s.case_id, p.purpose, 'in een lijst getoond' FROM processing_log_subjects s \
         JOIN processing_log p ON p.id = s.log_id WHERE s.resident_id = $1 \
         ) e ORDER BY id DESC LIMIT 2000",
    )
    .bind(resident_id)
    .fetch_all(&mut *tx)
    .await?;
    log(
        &mut tx,
        permit,
        Some(resident_id),
        None,
        "overzicht van verwerkingen opgevraagd",
    )
    .await?;
    tx.commit().await?;
    rows.into_iter()
        .map(|(at, actor, action, case_id, purpose, detail)| {
            Ok(ProcessingEntry {
                at,
                actor,
                action: parse_code(&action, Action::parse)?,
                case_id,
                purpose,
                detail,
            })
        })
        .collect()
}

/// Asks the access policy before anything else is done with a request (so a refused
/// user learns nothing, not even whether their input was valid). Reads no personal data.
pub async fn permit(
    pool: &Pool<DB>,
    actor: &Actor,
    action: Action,
    case_id: Option<i64>,
) -> Result<()> {
    match case_id {
        None => check(actor, action, &actor.municipality).map(|_| ()),
        Some(id) => {
            let found: Option<(String, bool)> = sqlx::query_as(&format!(
                "SELECT municipality_code, {ON_AGENDA} FROM cases WHERE id = $1"
            ))
            .bind(id)
            .bind(agenda_cutoff())
            .fetch_optional(pool)
            .await?;
            let (municipality, on_agenda) = found.ok_or(StoreError::NotFound)?;
            Ok(authorize_case(actor, action, &municipality, on_agenda)?)
        }
    }
}

/// The same for one referral: a partner user only for their own organisation's.
pub async fn permit_referral(
    pool: &Pool<DB>,
    actor: &Actor,
    action: Action,
    referral_id: i64,
) -> Result<()> {
    let found: Option<(String, i64)> =
        sqlx::query_as("SELECT municipality_code, partner_id FROM referrals WHERE id = $1")
            .bind(referral_id)
            .fetch_optional(pool)
            .await?;
    let (municipality, partner) = found.ok_or(StoreError::NotFound)?;
    authorize_referral(actor, action, &municipality, partner)?;
    Ok(())
}

// --- second factor ------------------------------------------------------------------------------

pub async fn set_totp_required(pool: &Pool<DB>, user_id: i64, required: bool) -> Result<()> {
    sqlx::query("UPDATE users SET totp_required = $1, updated_at = $2 WHERE id = $3")
        .bind(required)
        .bind(now())
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Whether a user must give a code, and their secret if they have one.
pub async fn second_factor(pool: &Pool<DB>, user_id: i64) -> Result<(bool, Option<String>)> {
    Ok(
        sqlx::query_as("SELECT totp_required, totp_secret FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(pool)
            .await?,
    )
}

/// The step between password and code: valid for five minutes, used once.
pub async fn create_login_challenge(
    pool: &Pool<DB>,
    hash: &str,
    user_id: i64,
    pending_secret: Option<&str>,
) -> Result<()> {
    sqlx::query("INSERT INTO login_challenges (token_hash, user_id, pending_secret, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(hash)
        .bind(user_id)
        .bind(pending_secret)
        .bind(now() + Duration::minutes(5))
        .execute(pool)
        .await?;
    Ok(())
}

/// The user, their secret and the secret they are setting up, of a live challenge.
pub async fn login_challenge(
    pool: &Pool<DB>,
    hash: &str,
) -> Result<Option<(i64, Option<String>, Option<String>)>> {
    Ok(sqlx::query_as(
        "SELECT c.user_id, u.totp_secret, c.pending_secret FROM login_challenges c JOIN users u ON u.id = c.user_id \
         WHERE c.token_hash = $1 AND c.expires_at > $2 AND u.active = $3",
    )
    .bind(hash)
    .bind(now())
    .bind(true)
    .fetch_optional(pool)
    .await?)
}

/// Ends a challenge; when it set up a secret, the secret becomes the user's.
pub async fn complete_login_challenge(pool: &Pool<DB>, hash: &str) -> Result<()> {
    let mut tx = begin(pool).await?;
    let row: Option<(i64, Option<String>)> = sqlx::query_as(
        "SELECT user_id, pending_secret FROM login_challenges WHERE token_hash = $1",
    )
    .bind(hash)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((user, Some(secret))) = row {
        sqlx::query("UPDATE users SET totp_secret = $1, updated_at = $2 WHERE id = $3")
            .bind(secret)
            .bind(now())
            .bind(user)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM login_challenges WHERE token_hash = $1 OR expires_at < $2")
        .bind(hash)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

// --- single sign-on (OpenID Connect) -------------------------------------------------

/// Keeps a sign-in under way for ten minutes; drops those that ran out.
pub async fn create_oidc_login(
    pool: &Pool<DB>,
    state_hash: &str,
    verifier: &str,
    nonce: &str,
    next: &str,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    sqlx::query("DELETE FROM oidc_logins WHERE expires_at < $1")
        .bind(now())
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO oidc_logins (state_hash, pkce_verifier, nonce, next_path, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(state_hash)
    .bind(verifier)
    .bind(nonce)
    .bind(next)
    .bind(now() + Duration::minutes(10))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Ends a sign-in under way and returns its PKCE verifier, nonce and next page, if it was
/// still live: each state can be used once.
pub async fn take_oidc_login(
    pool: &Pool<DB>,
    state_hash: &str,
) -> Result<Option<(String, String, String)>> {
    let row: Option<(String, String, String, OffsetDateTime)> = sqlx::query_as(
        "DELETE FROM oidc_logins WHERE state_hash = $1 RETURNING pkce_verifier, nonce, next_path, expires_at",
    )
    .bind(state_hash)
    .fetch_optional(pool)
    .await?;
    Ok(row
        .filter(|(_, _, _, expires)| *expires > now())
        .map(|(verifier, nonce, next, _)| (verifier, nonce, next)))
}

/// The id, whether active, and the provider subject of the user with a username.
async fn user_by_name(tx: &mut Tx, username: &str) -> Result<Option<(i64, bool, Option<String>)>> {
    Ok(
        sqlx::query_as("SELECT id, active, oidc_subject FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

/// The local user of a provider account: found by its subject, else linked by username
/// (a local account not yet linked to any provider account), else created. The role,
/// partner, municipality and name follow the provider on every sign-in. `None` when the
/// local account is deactivated.
pub async fn oidc_sign_in(pool: &Pool<DB>, who: &OidcIdentity) -> Result<Option<i64>> {
    let municipality = MunicipalityCode::parse(&who.municipality)
        .map_err(|e| invalid(e.to_string()))?
        .to_string();
    {
        let mut conn = pool.acquire().await?;
        ensure_defaults_on(&mut conn, &municipality, today().year()).await?;
    }
    let display_name: String = who.display_name.trim().chars().take(100).collect();
    let wanted = who.username.trim().to_lowercase();
    let mut tx = begin(pool).await?;
    check_user_partner(&mut tx, who.role, &municipality, who.partner_id).await?;
    let by_subject: Option<(i64, String, bool)> = sqlx::query_as(
        "SELECT id, username, active FROM users WHERE oidc_issuer = $1 AND oidc_subject = $2",
    )
    .bind(&who.issuer)
    .bind(&who.subject)
    .fetch_optional(&mut *tx)
    .await?;
    let user_id = match by_subject {
        Some((_, _, false)) => return Ok(None),
        Some((id, current, true)) => {
            // A new username at the provider follows, when it is valid and free.
            if wanted != current
                && check_username(&wanted).is_ok()
                && user_by_name(&mut tx, &wanted).await?.is_none()
            {
                sqlx::query("UPDATE users SET username = $1 WHERE id = $2")
                    .bind(&wanted)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            id
        }
        None => {
            let existing = if check_username(&wanted).is_ok() {
                user_by_name(&mut tx, &wanted).await?
            } else {
                None
            };
            match existing {
                Some((_, false, None)) => return Ok(None),
                Some((id, true, None)) => {
                    sqlx::query(
                        "UPDATE users SET oidc_issuer = $1, oidc_subject = $2 WHERE id = $3",
                    )
                    .bind(&who.issuer)
                    .bind(&who.subject)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    id
                }
                // The name is free, or belongs to another provider account: a new user, under
                // the first free name of the preferred one, the subject and a derived one.
                _ => {
                    let subject = who.subject.trim().to_lowercase();
                    let derived = format!(
                        "sso-{}",
                        &crate::token_hash(&format!("{}|{}", who.issuer, who.subject))[..16]
                    );
                    let mut username = derived.clone();
                    for candidate in [wanted.clone(), subject, derived] {
                        if check_username(&candidate).is_ok()
                            && user_by_name(&mut tx, &candidate).await?.is_none()
                        {
                            username = candidate;
                            break;
                        }
                    }
                    let name = if display_name.is_empty() {
                        username.clone()
                    } else {
                        display_name.clone()
                    };
                    sqlx::query_scalar::<_, i64>(
                        "INSERT INTO users (username, display_name, password_hash, role, municipality_code, active, created_at, updated_at, partner_id, oidc_issuer, oidc_subject) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10) RETURNING id",
                    )
                    .bind(&username)
                    .bind(name)
                    // No password: this account signs in through the provider only.
                    .bind("!oidc")
                    .bind(who.role.code())
                    .bind(&municipality)
                    .bind(true)
                    .bind(now())
                    .bind(who.partner_id)
                    .bind(&who.issuer)
                    .bind(&who.subject)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| unique_to_conflict(e, "Dit account bestaat al."))?
                }
            }
        }
    };
    let mut update = sqlx::QueryBuilder::<DB>::new("UPDATE users SET role = ");
    update
        .push_bind(who.role.code())
        .push(", partner_id = ")
        .push_bind(who.partner_id)
        .push(", municipality_code = ")
        .push_bind(&municipality)
        .push(", updated_at = ")
        .push_bind(now());
    if !display_name.is_empty() {
        update.push(", display_name = ").push_bind(&display_name);
    }
    update.push(" WHERE id = ").push_bind(user_id);
    update.build().execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(Some(user_id))
}

/// The cases of one resident, newest first (for the right of access).
pub async fn resident_case_ids(
    pool: &Pool<DB>,
    actor: &Actor,
    resident_id: i64,
) -> Result<Vec<i64>> {
    let municipality: Option<String> =
        sqlx::query_scalar("SELECT municipality_code FROM residents WHERE id = $1")
            .bind(resident_id)
            .fetch_optional(pool)
            .await?;
    check(
        actor,
        Action::ReadCase,
        &municipality.ok_or(StoreError::NotFound)?,
    )?;
    Ok(
        sqlx::query_scalar("SELECT id FROM cases WHERE resident_id = $1 ORDER BY id DESC")
            .bind(resident_id)
            .fetch_all(pool)
            .await?,
    )
}

// --- monitoring, evaluation, outlook, pseudonymised export ----------------------------------

#[derive(sqlx::FromRow)]
struct MonitorRow {
    id: i64,
    resident_id: i64,
    detention_start: Date,
    eligibility_in_force: String,
    offer_outcome: Option<String>,
    offer_date: Option<Date>,
    expected_release: Option<Date>,
    actual_release: Option<Date>,
    direction: Option<String>,
    closed_on: Option<Date>,
    closing_reason: Option<String>,
    overall_result: Option<String>,
    known_to_skt: Option<bool>,
    known_to_safety_chamber: Option<bool>,
    triaged: bool,
    planned: bool,
    on_agenda: bool,
    detained_again: bool,
    birth_date: Option<Date>,
    status: String,
}

/// The cases whose detention started in [from, to], with what the figures need. One
/// query for the cases and one each for triage, results and referrals: no per-case queries.
async fn period_facts(
    tx: &mut Tx,
    municipality: &str,
    from: Date,
    to: Date,
) -> Result<(
    Vec<(i64, MonitorRow)>,
    Vec<MonitorCase>,
    Vec<MonitorReferral>,
)> {
    let rows: Vec<MonitorRow> = sqlx::query_as(
        "SELECT c.id, c.resident_id, c.detention_start, c.eligibility_in_force, c.offer_outcome, c.offer_date, \
         c.expected_release, c.actual_release, c.direction, c.closed_on, c.closing_reason, c.overall_result, \
         c.known_to_skt, c.known_to_safety_chamber, c.status, r.birth_date, \
         EXISTS (SELECT 1 FROM triage_domains t WHERE t.case_id = c.id) AS triaged, \
         (EXISTS (SELECT 1 FROM agreements a WHERE a.case_id = c.id) \
          OR (c.direction IS NOT NULL AND EXISTS (SELECT 1 FROM triage_domains t2 WHERE t2.case_id = c.id))) AS planned, \
         EXISTS (SELECT 1 FROM safety_agenda_items s WHERE s.case_id = c.id) AS on_agenda, \
         EXISTS (SELECT 1 FROM cases l WHERE l.resident_id = c.resident_id AND l.detention_start > c.detention_start \
                 AND l.detention_start >= COALESCE(c.actual_release, c.expected_release, c.detention_start)) AS detained_again \
         FROM cases c JOIN residents r ON r.id = c.resident_id \
         WHERE c.municipality_code = $1 AND c.detention_start >= $2 AND c.detention_start <= $3 ORDER BY c.id",
    )
    .bind(municipality)
    .bind(from)
    .bind(to)
    .fetch_all(&mut **tx)
    .await?;
    let triage: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT t.case_id, t.domain, t.need FROM triage_domains t WHERE t.case_id IN \
         (SELECT c.id FROM cases c WHERE c.municipality_code = $1 AND c.detention_start >= $2 AND c.detention_start <= $3)",
    )
    .bind(municipality)
    .bind(from)
    .bind(to)
    .fetch_all(&mut **tx)
    .await?;
    let results: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT r.case_id, r.domain, r.result FROM closure_results r WHERE r.case_id IN \
         (SELECT c.id FROM cases c WHERE c.municipality_code = $1 AND c.detention_start >= $2 AND c.detention_start <= $3)",
    )
    .bind(municipality)
    .bind(from)
    .bind(to)
    .fetch_all(&mut **tx)
    .await?;
    let referral_rows: Vec<(String, String, Date, Option<Date>, String)> = sqlx::query_as(
        "SELECT p.name, p.kind, f.asked_on, f.started_on, f.status FROM referrals f \
         JOIN partners p ON p.id = f.partner_id WHERE f.case_id IN \
         (SELECT c.id FROM cases c WHERE c.municipality_code = $1 AND c.detention_start >= $2 AND c.detention_start <= $3)",
    )
    .bind(municipality)
    .bind(from)
    .bind(to)
    .fetch_all(&mut **tx)
    .await?;

    let mut needs: std::collections::HashMap<i64, Vec<(LifeDomain, Need)>> = Default::default();
    for (case_id, domain, need) in triage {
        needs.entry(case_id).or_default().push((
            parse_code(&domain, LifeDomain::parse)?,
            parse_code(&need, Need::parse)?,
        ));
    }
    let mut outcomes: std::collections::HashMap<i64, Vec<(LifeDomain, DomainResult)>> =
        Default::default();
    for (case_id, domain, result) in results {
        outcomes.entry(case_id).or_default().push((
            parse_code(&domain, LifeDomain::parse)?,
            parse_code(&result, DomainResult::parse)?,
        ));
    }
    let mut facts = Vec::with_capacity(rows.len());
    for r in &rows {
        facts.push(MonitorCase {
            resident_id: r.resident_id,
            detention_start: r.detention_start,
            eligible: parse_code(&r.eligibility_in_force, Eligibility::parse)?
                == Eligibility::Eligible,
            offer_outcome: parse_opt(r.offer_outcome.clone(), OfferOutcome::parse)?,
            offer_date: r.offer_date,
            triaged: r.triaged,
            planned: r.planned,
            expected_release: r.expected_release,
            actual_release: r.actual_release,
            direction: parse_opt(r.direction.clone(), Direction::parse)?,
            closed_on: r.closed_on,
            closing_reason: parse_opt(r.closing_reason.clone(), ClosingReason::parse)?,
            overall_result: parse_opt(r.overall_result.clone(), OverallResult::parse)?,
            known_to_skt: r.known_to_skt,
            known_to_safety_chamber: r.known_to_safety_chamber,
            on_safety_agenda: r.on_agenda,
            detained_again: r.detained_again,
            needs: needs.remove(&r.id).unwrap_or_default(),
            results: outcomes.remove(&r.id).unwrap_or_default(),
        });
    }
    let mut referrals = Vec::with_capacity(referral_rows.len());
    for (partner, kind, asked_on, started_on, status) in referral_rows {
        referrals.push(MonitorReferral {
            partner,
            kind: parse_code(&kind, PartnerKind::parse)?,
            asked_on,
            started_on,
            status: parse_code(&status, ReferralStatus::parse)?,
        });
    }
    Ok((
        rows.into_iter().map(|r| (r.id, r)).collect(),
        facts,
        referrals,
    ))
}

fn check_period(from: Date, to: Date) -> Result<()> {
    if from > to {
        return Err(invalid(format!(
            "De periode begint ({}) na het einde ({}).",
            format_nl(from),
            format_nl(to)
        )));
    }
    Ok(())
}

/// The monitoring figures of the cases whose detention started in [from, to]. Works on
/// personal data to count it, so it is permitted and logged like any processing; what
/// leaves is aggregated.
pub async fn monitor(pool: &Pool<DB>, actor: &Actor, from: Date, to: Date) -> Result<Monitor> {
    check_period(from, to)?;
    let permit = check(actor, Action::ReadReports, &actor.municipality)?;
    let mut tx = begin(pool).await?;
    let (_, facts, referrals) = period_facts(&mut tx, &actor.municipality, from, to).await?;
    let m = nazorg_domain::monitor::compute(from, to, today(), &facts, &referrals);
    log(
        &mut tx,
        permit,
        None,
        None,
        &format!(
            "monitor {} t/m {} ({} casussen, geaggregeerd)",
            format_nl(from),
            format_nl(to),
            facts.len()
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// The first day anything was registered (the default start of the evaluation period).
pub async fn first_notified(pool: &Pool<DB>, actor: &Actor) -> Result<Option<Date>> {
    check(actor, Action::ReadReports, &actor.municipality)?;
    Ok(
        sqlx::query_scalar("SELECT MIN(notified_on) FROM cases WHERE municipality_code = $1")
            .bind(&actor.municipality)
            .fetch_one(pool)
            .await?,
    )
}

/// The capacity assumptions of the municipality (the defaults until someone changes them).
pub async fn capacity_settings(pool: &Pool<DB>, actor: &Actor) -> Result<CapacitySettings> {
    check(actor, Action::ReadReports, &actor.municipality)?;
    let row: Option<(i64, i64, i64, i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT hours_light, hours_skt, hours_exodus, hourly_cost_cents, skt_price_cents, exodus_price_cents, \
         default_uptake_pct, default_skt_pct, default_exodus_pct FROM capacity_settings WHERE municipality_code = $1",
    )
    .bind(&actor.municipality)
    .fetch_optional(pool)
    .await?;
    Ok(match row {
        None => CapacitySettings::default(),
        Some((a, b, c, d, e, f, g, h, i)) => CapacitySettings {
            hours_light: a,
            hours_skt: b,
            hours_exodus: c,
            hourly_cost_cents: d,
            skt_price_cents: e,
            exodus_price_cents: f,
            default_uptake_pct: g,
            default_skt_pct: h,
            default_exodus_pct: i,
        },
    })
}

pub async fn set_capacity_settings(
    pool: &Pool<DB>,
    actor: &Actor,
    s: &CapacitySettings,
) -> Result<()> {
    check(actor, Action::ManageReportSettings, &actor.municipality)?;
    s.validate().map_err(invalid)?;
    sqlx::query(
        "INSERT INTO capacity_settings (municipality_code, hours_light, hours_skt, hours_exodus, hourly_cost_cents, \
         skt_price_cents, exodus_price_cents, default_uptake_pct, default_skt_pct, default_exodus_pct, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (municipality_code) DO UPDATE SET hours_light = $2, hours_skt = $3, hours_exodus = $4, \
         hourly_cost_cents = $5, skt_price_cents = $6, exodus_price_cents = $7, default_uptake_pct = $8, \
         default_skt_pct = $9, default_exodus_pct = $10, updated_by = $11, updated_at = $12",
    )
    .bind(&actor.municipality)
    .bind(s.hours_light)
    .bind(s.hours_skt)
    .bind(s.hours_exodus)
    .bind(s.hourly_cost_cents)
    .bind(s.skt_price_cents)
    .bind(s.exodus_price_cents)
    .bind(s.default_uptake_pct)
    .bind(s.default_skt_pct)
    .bind(s.default_exodus_pct)
    .bind(&actor.username)
    .bind(now())
    .execute(pool)
    .await?;
    Ok(())
}

/// Outflow per year, the forecast for next year and the capacity it asks for.
pub async fn outlook(pool: &Pool<DB>, actor: &Actor) -> Result<Outlook> {
    let settings = capacity_settings(pool, actor).await?;
    let permit = check(actor, Action::ReadReports, &actor.municipality)?;
    let mut tx = begin(pool).await?;
    let current = today().year();
    let last_historic = HISTORIC_OUTFLOW.last().map_or(current, |(y, _)| *y);
    let mut registered = Vec::new();
    for year in (last_historic + 1)..=current {
        let (Ok(first), Ok(last)) = (
            Date::from_calendar_date(year, time::Month::January, 1),
            Date::from_calendar_date(year, time::Month::December, 31),
        ) else {
            continue;
        };
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM cases WHERE municipality_code = $1 \
             AND COALESCE(actual_release, expected_release) >= $2 AND COALESCE(actual_release, expected_release) <= $3",
        )
        .bind(&actor.municipality)
        .bind(first)
        .bind(last)
        .fetch_one(&mut *tx)
        .await?;
        registered.push((year, n.max(0) as u64));
    }
    let (notifications, accepted, light, skt, exodus): (i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), \
         COALESCE(SUM(CASE WHEN offer_outcome = 'accepted' THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN direction = 'coordinator' THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN direction = 'skt' THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN direction = 'exodus' THEN 1 ELSE 0 END), 0) \
         FROM cases WHERE municipality_code = $1",
    )
    .bind(&actor.municipality)
    .fetch_one(&mut *tx)
    .await?;
    let observed = Observed {
        notifications: notifications.max(0) as u64,
        accepted: accepted.max(0) as u64,
        light: light.max(0) as u64,
        skt: skt.max(0) as u64,
        exodus: exodus.max(0) as u64,
    };
    let series = outflow_series(&registered, current);
    let forecast = forecast(&series, current + 1);
    let mut caps = Vec::new();
    for code in [BudgetLineCode::CoordinatorStaff, BudgetLineCode::Support] {
        let cap: Option<i64> = sqlx::query_scalar(
            "SELECT cap_cents FROM budget_lines WHERE municipality_code = $1 AND year = $2 AND code = $3",
        )
        .bind(&actor.municipality)
        .bind(i64::from(current + 1))
        .bind(code.code())
        .fetch_optional(&mut *tx)
        .await?;
        let cap = match cap {
            Some(c) => Some(c),
            None => sqlx::query_scalar(
                "SELECT cap_cents FROM budget_lines WHERE municipality_code = $1 AND year = $2 AND code = $3",
            )
            .bind(&actor.municipality)
            .bind(i64::from(current))
            .bind(code.code())
            .fetch_optional(&mut *tx)
            .await?,
        };
        caps.push(cap.unwrap_or(code.default_cap_cents()));
    }
    let capacity = forecast.as_ref().map(|f| {
        nazorg_domain::outlook::capacity(
            f,
            &observed,
            &settings,
            caps.first().copied().unwrap_or(0),
            caps.get(1).copied().unwrap_or(0),
        )
    });
    log(
        &mut tx,
        permit,
        None,
        None,
        "uitstroom en prognose (geaggregeerd)",
    )
    .await?;
    tx.commit().await?;
    Ok(Outlook {
        series,
        forecast,
        capacity,
        observed,
        settings,
    })
}

/// The municipality's secret for pseudonyms, made on first use.
async fn pseudonym_key(tx: &mut Tx, municipality: &str) -> Result<Vec<u8>> {
    sqlx::query(
        "INSERT INTO pseudonym_keys (municipality_code, secret, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (municipality_code) DO NOTHING",
    )
    .bind(municipality)
    .bind(crate::secrets::new_token())
    .bind(now())
    .execute(&mut **tx)
    .await?;
    let secret: String =
        sqlx::query_scalar("SELECT secret FROM pseudonym_keys WHERE municipality_code = $1")
            .bind(municipality)
            .fetch_one(&mut **tx)
            .await?;
    Ok(secret.into_bytes())
}

/// The cases whose detention started in [from, to], pseudonymised: a stable pseudonym per
/// resident (a keyed hash, not derivable from the BSN without the key), months instead of
/// dates, age bands, and no name, BSN, institution or free text. Values shared by fewer
/// than five residents are suppressed (see `nazorg_domain::pseudonym`).
pub async fn pseudonymised_export(
    pool: &Pool<DB>,
    actor: &Actor,
    from: Date,
    to: Date,
) -> Result<PseudonymisedExport> {
    check_period(from, to)?;
    let permit = check(actor, Action::ExportPseudonymised, &actor.municipality)?;
    let mut tx = begin(pool).await?;
    let key = pseudonym_key(&mut tx, &actor.municipality).await?;
    let (rows, facts, _) = period_facts(&mut tx, &actor.municipality, from, to).await?;
    let records: Vec<PseudoRecord> = rows
        .iter()
        .zip(&facts)
        .map(|((_, row), f)| PseudoRecord {
            pseudonym: crate::secrets::pseudonym(&key, &actor.municipality, f.resident_id),
            birth_date: row.birth_date,
            status: Status::parse(&row.status),
            facts: f.clone(),
        })
        .collect();
    let export = nazorg_domain::pseudonym::export(&records, today());
    log(
        &mut tx,
        permit,
        None,
        None,
        &format!(
            "gepseudonimiseerde export {} t/m {} ({} casussen)",
            format_nl(from),
            format_nl(to),
            records.len()
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(export)
}

// --- retention ------------------------------------------------------------------------------

/// Closed cases of the actor's municipality whose retention period ended (closed on or
/// before `cutoff`, not yet anonymised), oldest first, at most `limit`. With `dry_run`
/// nothing changes: the report says what a real run would do. A real run anonymises each
/// case in its own transaction and logs it in the processing log; both log the run.
pub async fn retention(
    pool: &Pool<DB>,
    actor: &Actor,
    cutoff: Date,
    dry_run: bool,
    limit: i64,
) -> Result<RetentionReport> {
    let municipality = actor.municipality.clone();
    let permit = check(actor, Action::ApplyRetention, &municipality)?;
    let rows: Vec<(i64, i64, Date)> = sqlx::query_as(
        "SELECT id, resident_id, closed_on FROM cases WHERE municipality_code = $1 AND closed_on IS NOT NULL \
         AND anonymised_at IS NULL AND closed_on <= $2 ORDER BY closed_on, id LIMIT $3",
    )
    .bind(&municipality)
    .bind(cutoff)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for (case_id, resident_id, closed_on) in rows {
        // The resident keeps their identity while any other case of theirs is kept.
        let kept: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM cases WHERE resident_id = $1 AND id <> $2 AND anonymised_at IS NULL \
             AND NOT (closed_on IS NOT NULL AND closed_on <= $3)",
        )
        .bind(resident_id)
        .bind(case_id)
        .bind(cutoff)
        .fetch_one(pool)
        .await?;
        items.push(RetentionItem {
            case_id,
            resident_id,
            closed_on,
            resident_anonymised: kept == 0,
        });
    }
    if !dry_run {
        for item in items.iter_mut() {
            let mut tx = begin(pool).await?;
            let permit = check(actor, Action::ApplyRetention, &municipality)?;
            // Decided again inside the transaction, with the resident locked: a new
            // detention notified since the list was made keeps the resident's identity.
            sqlx::query(&format!(
                "SELECT id FROM residents WHERE id = $1{FOR_UPDATE}"
            ))
            .bind(item.resident_id)
            .fetch_optional(&mut *tx)
            .await?;
            let kept: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM cases WHERE resident_id = $1 AND id <> $2 AND anonymised_at IS NULL \
                 AND NOT (closed_on IS NOT NULL AND closed_on <= $3)",
            )
            .bind(item.resident_id)
            .bind(item.case_id)
            .bind(cutoff)
            .fetch_one(&mut *tx)
            .await?;
            item.resident_anonymised = kept == 0;
            if !anonymise_case(&mut tx, actor, item).await? {
                // Another run got there first.
                continue;
            }
            log(
                &mut tx,
                permit,
                Some(item.resident_id),
                Some(item.case_id),
                &format!(
                    "geanonimiseerd na de bewaartermijn (afgesloten op {}){}",
                    format_nl(item.closed_on),
                    if item.resident_anonymised {
                        "; naam, BSN en geboortedatum verwijderd"
                    } else {
                        ""
                    }
                ),
            )
            .await?;
            tx.commit().await?;
        }
    }
    if items.is_empty() && !dry_run {
        // Nothing to do: the claimed run in retention_runs is the trace.
        return Ok(RetentionReport {
            cutoff,
            dry_run,
            items,
        });
    }
    let mut tx = begin(pool).await?;
    log(
        &mut tx,
        permit,
        None,
        None,
        &format!(
            "bewaartermijn{}: {} casussen afgesloten op of voor {}{}",
            if dry_run { " (proefdraai)" } else { "" },
            items.len(),
            format_nl(cutoff),
            if items.is_empty() {
                String::new()
            } else {
                format!(
                    " (casusnummers {})",
                    items
                        .iter()
                        .map(|i| i.case_id.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(RetentionReport {
        cutoff,
        dry_run,
        items,
    })
}

/// Removes a closed case's personal data and keeps what the figures need.
async fn anonymise_case(tx: &mut Tx, actor: &Actor, item: &RetentionItem) -> Result<bool> {
    let id = item.case_id;
    let claimed = sqlx::query(
        "UPDATE cases SET anonymised_at = $1 WHERE id = $2 AND anonymised_at IS NULL AND closed_on IS NOT NULL",
    )
    .bind(now())
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Ok(false);
    }
    for sql in [
        "DELETE FROM contacts WHERE case_id = $1",
        // The plan stays countable; what it said goes.
        "UPDATE agreements SET description = '', owner = '' WHERE case_id = $1",
        "DELETE FROM appointments WHERE case_id = $1",
        "DELETE FROM notifications WHERE case_id = $1",
        "DELETE FROM case_events WHERE case_id = $1",
        "DELETE FROM referral_notes WHERE referral_id IN (SELECT id FROM referrals WHERE case_id = $1)",
        "UPDATE referrals SET reason = '', return_reason = NULL, result_note = NULL, over_cap_reason = NULL, \
         household_member_id = NULL WHERE case_id = $1",
        "DELETE FROM household_members WHERE case_id = $1",
        "UPDATE safety_agenda_items SET reason = '', outcome = NULL, follow_up = NULL WHERE case_id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut **tx).await?;
    }
    sqlx::query(
        "UPDATE cases SET institution = '', override_reason = NULL, override_by = NULL, direction_reason = NULL, \
         triage_note = '', closing_note = NULL WHERE id = $1",
    )
    .bind(id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO case_events (case_id, at, actor_id, actor_name, kind, summary) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(now())
    .bind(actor_id(actor))
    .bind(&actor.username)
    .bind("retention")
    .bind("Geanonimiseerd na afloop van de bewaartermijn: notities, contacten, afspraken en huishouden zijn verwijderd; de cijfers blijven.")
    .execute(&mut **tx)
    .await?;
    if item.resident_anonymised {
        // Only the birth year stays (1 January), for age bands in the figures.
        let birth: Option<Date> =
            sqlx::query_scalar("SELECT birth_date FROM residents WHERE id = $1")
                .bind(item.resident_id)
                .fetch_one(&mut **tx)
                .await?;
        let birth_year =
            birth.and_then(|b| Date::from_calendar_date(b.year(), time::Month::January, 1).ok());
        sqlx::query(
            "UPDATE residents SET bsn = $1, family_name = '(geanonimiseerd)', given_names = '', birth_date = $2, \
             search_name = '', updated_at = $3 WHERE id = $4",
        )
        .bind(format!("anoniem-{}", item.resident_id))
        .bind(birth_year)
        .bind(now())
        .bind(item.resident_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(true)
}

/// Claims today's retention run of a municipality (one server of many does it).
pub async fn claim_retention(pool: &Pool<DB>, municipality: &str, day: Date) -> Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO retention_runs (municipality_code, run_on, started_at) VALUES ($1, $2, $3) \
         ON CONFLICT (municipality_code, run_on) DO NOTHING",
    )
    .bind(municipality)
    .bind(day)
    .bind(now())
    .execute(pool)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

// --- the safety chamber's agenda ------------------------------------------------------------

/// The agenda of the safety chamber of the actor's municipality, newest first (at most 200
/// items): what its members may see, and the way to the cases on it.
pub async fn safety_agenda(pool: &Pool<DB>, actor: &Actor) -> Result<Vec<SafetyAgendaEntry>> {
    let permit = check(actor, Action::ListSafetyAgenda, &actor.municipality)?;
    let mut tx = begin(pool).await?;
    #[allow(clippy::type_complexity)]
    let rows: Vec<(i64, i64, String, String, Date, String, Option<Date>, Option<String>, Option<String>)> =
        sqlx::query_as(
            "SELECT s.id, s.case_id, r.given_names, r.family_name, s.put_on, s.reason, s.discussed_on, s.outcome, s.follow_up \
             FROM safety_agenda_items s JOIN cases c ON c.id = s.case_id JOIN residents r ON r.id = c.resident_id \
             WHERE s.municipality_code = $1 AND c.anonymised_at IS NULL AND (s.discussed_on IS NULL OR s.discussed_on >= $2) \
             ORDER BY s.put_on DESC, s.id DESC LIMIT 200",
        )
        .bind(&actor.municipality)
        .bind(agenda_cutoff())
        .fetch_all(&mut *tx)
        .await?;
    let ids: Vec<String> = rows.iter().map(|r| r.1.to_string()).collect();
    let case_ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
    log_list(
        &mut tx,
        permit,
        &case_ids,
        &format!(
            "agenda Veiligheidskamer ingezien (casussen {})",
            ids.join(", ")
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                case_id,
                given_names,
                family_name,
                put_on,
                reason,
                discussed_on,
                outcome,
                follow_up,
            )| {
                SafetyAgendaEntry {
                    id,
                    case_id,
                    resident: format!("{given_names} {family_name}").trim().to_string(),
                    put_on,
                    reason,
                    discussed_on,
                    outcome,
                    follow_up,
                }
            },
        )
        .collect())
}

// --- the register of processing activities -------------------------------------------------

/// The register of the actor's municipality: every activity with its current texts.
pub async fn processing_register(pool: &Pool<DB>, actor: &Actor) -> Result<Vec<ActivityEntry>> {
    check(actor, Action::ManageRegister, &actor.municipality)?;
    let rows: Vec<(String, String, String, String, String, OffsetDateTime)> = sqlx::query_as(
        "SELECT code, name, purpose, legal_ground, updated_by, updated_at FROM processing_activities WHERE municipality_code = $1",
    )
    .bind(&actor.municipality)
    .fetch_all(pool)
    .await?;
    Ok(nazorg_domain::register::ACTIVITIES
        .iter()
        .map(|a| match rows.iter().find(|r| r.0 == a.code) {
            Some((code, name, purpose, ground, by, at)) => ActivityEntry {
                code: code.clone(),
                name: name.clone(),
                purpose: purpose.clone(),
                legal_ground: ground.clone(),
                changed: Some((by.clone(), *at)),
            },
            None => ActivityEntry {
                code: a.code.to_string(),
                name: a.name.to_string(),
                purpose: a.purpose.to_string(),
                legal_ground: a.legal_ground.to_string(),
                changed: None,
            },
        })
        .collect())
}

/// Changes an activity's name, purpose and legal ground; later log entries state the new texts.
pub async fn set_processing_activity(
    pool: &Pool<DB>,
    actor: &Actor,
    code: &str,
    name: &str,
    purpose: &str,
    legal_ground: &str,
) -> Result<()> {
    check(actor, Action::ManageRegister, &actor.municipality)?;
    if nazorg_domain::register::default_activity(code).is_none() {
        return Err(StoreError::NotFound);
    }
    let name = check_text("de naam", name, 200, true)?;
    let purpose = check_text("het doel", purpose, 1000, true)?;
    let legal_ground = check_text("de grondslag", legal_ground, 1000, true)?;
    sqlx::query(
        "INSERT INTO processing_activities (municipality_code, code, name, purpose, legal_ground, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (municipality_code, code) DO UPDATE SET name = $3, purpose = $4, \
         legal_ground = $5, updated_by = $6, updated_at = $7",
    )
    .bind(&actor.municipality)
    .bind(code)
    .bind(&name)
    .bind(&purpose)
    .bind(&legal_ground)
    .bind(&actor.username)
    .bind(now())
    .execute(pool)
    .await?;
    Ok(())
}

// --- cases directed by a partner organisation ------------------------------------------------

/// The open cases the actor's organisation directs (SKT or Exodus), newest first, at most 200.
pub async fn directed_cases(pool: &Pool<DB>, actor: &Actor) -> Result<Vec<DirectedCaseRow>> {
    let permit = check(actor, Action::ReadDirectedCase, &actor.municipality)?;
    let direction = match actor.role {
        Role::SktCareDirector => Direction::Skt,
        Role::ExodusWorker => Direction::Exodus,
        _ => return Ok(Vec::new()),
    };
    let mut tx = begin(pool).await?;
    let rows: Vec<(i64, String, String, String, Option<Date>)> = sqlx::query_as(
        "SELECT c.id, r.given_names, r.family_name, c.status, c.direction_since FROM cases c \
         JOIN residents r ON r.id = c.resident_id \
         WHERE c.municipality_code = $1 AND c.direction = $2 AND c.is_open = $3 ORDER BY c.id DESC LIMIT 200",
    )
    .bind(&actor.municipality)
    .bind(direction.code())
    .bind(true)
    .fetch_all(&mut *tx)
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    log_list(
        &mut tx,
        permit,
        &ids,
        &format!(
            "casussen met regie bij {}: {}",
            direction.label(),
            ids.iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",")
        ),
    )
    .await?;
    tx.commit().await?;
    rows.into_iter()
        .map(|(case_id, given, family, status, since)| {
            Ok(DirectedCaseRow {
                case_id,
                resident: format!("{given} {family}").trim().to_string(),
                status: parse_code(&status, Status::parse)?,
                direction_since: since,
            })
        })
        .collect()
}

/// One case in the limited view of the organisation that directs it.
pub async fn get_directed_case(
    pool: &Pool<DB>,
    actor: &Actor,
    case_id: i64,
) -> Result<DirectedCase> {
    let mut tx = begin(pool).await?;
    let partner = nazorg_domain::access::is_partner_role(actor.role);
    let found: Option<(Option<String>, bool)> =
        sqlx::query_as("SELECT direction, is_open FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_optional(&mut *tx)
            .await?;
    // A partner user learns nothing about cases they do not direct, not even whether they exist.
    let (direction, open) = match found {
        Some(f) => f,
        None if partner => return Err(nazorg_domain::access::Denied::NotDirected.into()),
        None => return Err(StoreError::NotFound),
    };
    if partner && !open {
        return Err(nazorg_domain::access::Denied::NotDirected.into());
    }
    let core = core(&mut tx, case_id).await?;
    let direction = parse_opt(direction, Direction::parse)?;
    nazorg_domain::access::authorize_directed(actor, &core.municipality_code, direction)?;
    let permit = check(actor, Action::ReadDirectedCase, &core.municipality_code)?;
    log(
        &mut tx,
        permit,
        Some(core.resident_id),
        Some(case_id),
        "casus ingezien (beperkt, casusregie)",
    )
    .await?;
    let d = load_detail(&mut tx, case_id).await?;
    tx.commit().await?;
    Ok(DirectedCase {
        case_id,
        resident: format!("{} {}", d.summary.given_names, d.summary.family_name)
            .trim()
            .to_string(),
        birth_date: d.summary.birth_date,
        status: d.summary.status,
        direction,
        direction_since: d.direction_since,
        expected_release: d.summary.expected_release,
        actual_release: d.summary.actual_release,
        aftercare_end: d.aftercare_end,
        triage: d.triage,
        triage_note: d.triage_note,
        agreements: d.agreements,
        ready_housing: d.ready_housing,
        ready_brp: d.ready_brp,
        ready_id: d.ready_id,
        ready_income: d.ready_income,
        contacts: d.contacts,
        household: d.household,
        referrals: d
            .referrals
            .into_iter()
            .map(|r| (r.partner, r.domains, r.status))
            .collect(),
    })
}

/// The municipalities that have cases (for jobs that run per municipality; no personal data).
pub async fn case_municipalities(pool: &Pool<DB>) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT municipality_code FROM cases ORDER BY municipality_code",
    )
    .fetch_all(pool)
    .await?)
}

/// Users whose second-factor secret is not yet sealed with the application key.
pub async fn unsealed_totp_secrets(pool: &Pool<DB>) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL AND totp_secret NOT LIKE 'enc1:%'",
    )
    .fetch_all(pool)
    .await?)
}

pub async fn set_totp_secret(pool: &Pool<DB>, user_id: i64, secret: &str) -> Result<()> {
    sqlx::query("UPDATE users SET totp_secret = $1, updated_at = $2 WHERE id = $3")
        .bind(secret)
        .bind(now())
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(())
}

// --- the security log ------------------------------------------------------------------------

pub async fn record_refusal(
    pool: &Pool<DB>,
    actor: &Actor,
    operation: &str,
    reason: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO security_log (at, actor_id, actor_name, role, municipality_code, operation, reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now())
    .bind(actor_id(actor))
    .bind(&actor.username)
    .bind(actor.role.code())
    .bind(&actor.municipality)
    .bind(operation)
    .bind(reason)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn refusals(pool: &Pool<DB>, municipality: &str, limit: i64) -> Result<Vec<Refusal>> {
    let rows: Vec<(OffsetDateTime, String, String, String, String)> = sqlx::query_as(
        "SELECT at, actor_name, role, operation, reason FROM security_log WHERE municipality_code = $1 \
         ORDER BY id DESC LIMIT $2",
    )
    .bind(municipality)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, actor, role, operation, reason)| Refusal {
            at,
            actor,
            role,
            operation,
            reason,
        })
        .collect())
}
