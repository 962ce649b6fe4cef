//! The connection to either database, and the one macro through which every query of the
//! `sql` modules runs on both.
//!
//! A query is written once, inside `sql!(tx, |c| …)`. The macro expands the body twice, once
//! with `c: &mut SqliteConnection` and once with `c: &mut PgConnection`, so both backends
//! run the same SQL with concrete types: no `Any` driver, no generic bounds, and the files
//! are ordinary modules an editor can follow (docs/decisions.md).

use crate::{Result, StoreError};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};
use std::str::FromStr;
use std::time::Duration;
use time::OffsetDateTime;

/// One pool, on either backend.
#[derive(Clone, Debug)]
pub(crate) enum Pools {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The database: a connection pool on SQLite (the embedded default) or PostgreSQL.
#[derive(Clone, Debug)]
pub struct Database {
    pub(crate) pools: Pools,
    /// Writes the processing-log entries of reads, many requests' in one commit.
    writer: Option<crate::log_writer::LogWriter>,
    /// On SQLite, this process's writers take turns here, in order, before `BEGIN
    /// IMMEDIATE`: waiting in SQLite's busy handler instead sleeps in growing steps (up to
    /// 100 ms), which gave writes a p95 of hundreds of milliseconds under load. Another
    /// process on the same file still waits in the busy handler.
    write_turn: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// A connection of one backend: in a transaction, or plain for single statements.
pub(crate) enum Conn<DB: sqlx::Database> {
    Tx(Transaction<'static, DB>),
    Plain(PoolConnection<DB>),
}

impl<DB: sqlx::Database> Conn<DB> {
    fn raw(&mut self) -> &mut DB::Connection {
        match self {
            Conn::Tx(t) => t,
            Conn::Plain(p) => p,
        }
    }

    async fn commit(self) -> Result<()> {
        if let Conn::Tx(t) = self {
            t.commit().await?;
        }
        Ok(())
    }
}

/// A unit of work on the database: every query of the `sql` modules is a method of it.
/// Made by [`Database::begin`] (a transaction: nothing is kept unless it is committed) or
/// [`Database::autocommit`] (each statement on its own, for reads and single writes that
/// must not take SQLite's write lock).
pub struct Tx {
    pub(crate) conn: Backend,
    /// In a read ([`Database::read`]): the writer and the log entries waiting for it.
    pub(crate) queue: Option<(crate::log_writer::LogWriter, Vec<crate::log_writer::Queued>)>,
    /// A SQLite write transaction's turn, given back after the connection (declared after
    /// it, so dropped after it).
    _write_turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

pub(crate) enum Backend {
    Sqlite(Conn<Sqlite>),
    Postgres(Conn<Postgres>),
}

/// The raw connection of the backend in use, for `sql!`.
pub(crate) enum Raw<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

impl Tx {
    pub(crate) fn raw(&mut self) -> Raw<'_> {
        match &mut self.conn {
            Backend::Sqlite(c) => Raw::Sqlite(c.raw()),
            Backend::Postgres(c) => Raw::Postgres(c.raw()),
        }
    }

    /// Keeps what was done (a no-op outside a transaction). A read ends its transaction
    /// and then waits until its log entries are written.
    pub async fn commit(self) -> Result<()> {
        match self.conn {
            Backend::Sqlite(c) => c.commit().await?,
            Backend::Postgres(c) => c.commit().await?,
        }
        drop(self._write_turn);
        match self.queue {
            Some((writer, entries)) if !entries.is_empty() => writer.write(entries).await,
            _ => Ok(()),
        }
    }
}

/// Runs a body once per backend, with `$c` the raw connection and, in scope, `DB` (the
/// backend's sqlx type) and `FOR_UPDATE` (a row lock on PostgreSQL; SQLite's
/// `BEGIN IMMEDIATE` already serialises writers). Use `&mut *$c` for each query.
macro_rules! sql {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx.raw() {
            $crate::db::Raw::Sqlite($c) => $crate::db::on_backend!(sqlx::Sqlite, "", $body),
            $crate::db::Raw::Postgres($c) => {
                $crate::db::on_backend!(sqlx::Postgres, " FOR UPDATE", $body)
            }
        }
    };
}

/// Helper of `sql!`: `$body` with the `DB` and `FOR_UPDATE` of one backend in scope.
macro_rules! on_backend {
    ($db:ty, $for_update:expr, $body:expr) => {{
        #[allow(dead_code)]
        type DB = $db;
        #[allow(dead_code)]
        const FOR_UPDATE: &str = $for_update;
        $body
    }};
}
pub(crate) use {on_backend, sql};

/// The single-statement shapes of `sql!`, one macro each, called as `(tx, sql)` or
/// `(tx, sql, [a, b, …])`: `tx` is the `Tx`, `sql` the SQL text (a `&str`; a
/// `&format!(…)` may name `FOR_UPDATE`), and `a, b, …` are bound in that order, as `$1`,
/// `$2`, …. Each gives the value, with the database's error already passed up with `?`:
///
/// - `execute!(tx, "UPDATE … WHERE id = $2", [until, id])`: the rows affected (`u64`);
/// - `fetch_one!`, `fetch_optional!`, `fetch_all!`: rows decoded with `query_as` (a
///   `FromRow` type or a tuple), one, perhaps one, or all;
/// - `scalar_one!`, `scalar_optional!`, `scalar_all!`: the first column with
///   `query_scalar`, likewise.
///
/// The row type comes from where the value goes (the method's return type, a `let` with a
/// type), as with `sql!`. Statements that need more than one query, or a `QueryBuilder`,
/// use `sql!` itself.
macro_rules! execute {
    ($tx:expr, $sql:expr $(, [$($arg:expr),* $(,)?])? $(,)?) => {
        $crate::db::sql!($tx, |c| sqlx::query($sql)
            $($(.bind($arg))*)?
            .execute(&mut *c)
            .await?
            .rows_affected())
    };
}

/// Helper of the query macros below: `sqlx::$query` (`query_as` or `query_scalar`) with
/// the arguments bound, fetched by `$fetch`.
macro_rules! fetch_with {
    ($query:ident, $fetch:ident, $tx:expr, $sql:expr $(, [$($arg:expr),* $(,)?])? $(,)?) => {
        $crate::db::sql!($tx, |c| sqlx::$query($sql)
            $($(.bind($arg))*)?
            .$fetch(&mut *c)
            .await?)
    };
}

// The six query macros (`query_as`, then `query_scalar`; one, optional, all), each
// `(tx, sql[, [args…]])` as `execute!`.
macro_rules! fetch_one { ($($t:tt)*) => { $crate::db::fetch_with!(query_as, fetch_one, $($t)*) }; }
macro_rules! fetch_optional { ($($t:tt)*) => { $crate::db::fetch_with!(query_as, fetch_optional, $($t)*) }; }
macro_rules! fetch_all { ($($t:tt)*) => { $crate::db::fetch_with!(query_as, fetch_all, $($t)*) }; }
macro_rules! scalar_one { ($($t:tt)*) => { $crate::db::fetch_with!(query_scalar, fetch_one, $($t)*) }; }
macro_rules! scalar_optional { ($($t:tt)*) => { $crate::db::fetch_with!(query_scalar, fetch_optional, $($t)*) }; }
macro_rules! scalar_all { ($($t:tt)*) => { $crate::db::fetch_with!(query_scalar, fetch_all, $($t)*) }; }
pub(crate) use {
    execute, fetch_all, fetch_one, fetch_optional, fetch_with, scalar_all, scalar_one,
    scalar_optional,
};

/// What one backend binds: a part of [`Bind`].
pub(crate) trait Encodes<DB: sqlx::Database>:
    for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>
{
}
impl<DB: sqlx::Database, T: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>> Encodes<DB> for T {}

/// A value both backends bind: what a helper generic over its values may take.
pub(crate) trait Bind: Encodes<Sqlite> + Encodes<Postgres> + Send {}
impl<T: Encodes<Sqlite> + Encodes<Postgres> + Send> Bind for T {}

/// What one backend decodes: a part of [`Column`].
pub(crate) trait Decodes<DB: sqlx::Database>:
    for<'r> sqlx::Decode<'r, DB> + sqlx::Type<DB>
{
}
impl<DB: sqlx::Database, T: for<'r> sqlx::Decode<'r, DB> + sqlx::Type<DB>> Decodes<DB> for T {}

/// A value both backends decode: what a helper generic over the columns it reads may take.
pub(crate) trait Column: Decodes<Sqlite> + Decodes<Postgres> + Send + Unpin {}
impl<T: Decodes<Sqlite> + Decodes<Postgres> + Send + Unpin> Column for T {}

/// The moment a write stamps its rows with (`created_at`, `updated_at`, a claim's
/// `started_at`, a log's `at`): the one clock of the store.
pub(crate) fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// At most this many ids go into one `IN (…)` list: queries about many cases run per chunk.
pub(crate) const ID_CHUNK: usize = 500;

/// Binds each id in a parenthesised, comma-separated list: the `(…)` of an `IN` of a
/// `QueryBuilder`.
pub(crate) fn push_id_list<'a, DB: sqlx::Database, Id>(
    q: &mut sqlx::QueryBuilder<'a, DB>,
    ids: &[Id],
) where
    Id: Copy + sqlx::Encode<'a, DB> + sqlx::Type<DB> + 'a,
{
    q.push("(");
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    q.push(")");
}

impl Database {
    /// Connects by URL (`sqlite://PATH` or `postgres://…`) and runs the migrations. A
    /// SQLite file and its folder are created when missing.
    pub async fn connect(url: &str) -> Result<Database> {
        let pools = if let Some(path) = url
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
            Pools::Sqlite(pool)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            Pools::Postgres(pool)
        } else {
            return Err(StoreError::Url(url.to_string()));
        };
        let write_turn = std::sync::Arc::new(tokio::sync::Mutex::new(()));
        let writer = crate::log_writer::LogWriter::start(Database {
            pools: pools.clone(),
            writer: None,
            write_turn: write_turn.clone(),
        });
        Ok(Database {
            pools,
            writer: Some(writer),
            write_turn,
        })
    }

    /// Starts a transaction. On SQLite it takes the write lock at once (BEGIN IMMEDIATE):
    /// every transaction here writes (at least the processing log), and one that read
    /// first and then tried to write would fail when another had written meanwhile,
    /// instead of waiting its turn.
    pub async fn begin(&self) -> Result<Tx> {
        let (conn, turn) = match &self.pools {
            Pools::Sqlite(p) => {
                let turn = self.write_turn.clone().lock_owned().await;
                let tx = p.begin_with("BEGIN IMMEDIATE").await?;
                (Backend::Sqlite(Conn::Tx(tx)), Some(turn))
            }
            Pools::Postgres(p) => (Backend::Postgres(Conn::Tx(p.begin().await?)), None),
        };
        Ok(Tx {
            conn,
            queue: None,
            _write_turn: turn,
        })
    }

    /// A transaction that only reads, apart from its processing-log entries: those are
    /// written at its commit by the log writer, many requests' in one commit, so that
    /// readers do not queue for the write lock (on SQLite they read side by side; on
    /// PostgreSQL the transaction is READ ONLY, so a write in it fails loudly).
    pub async fn read(&self) -> Result<Tx> {
        let Some(writer) = &self.writer else {
            return self.begin().await;
        };
        let conn = match &self.pools {
            Pools::Sqlite(p) => Backend::Sqlite(Conn::Tx(p.begin_with("BEGIN").await?)),
            Pools::Postgres(p) => {
                Backend::Postgres(Conn::Tx(p.begin_with("BEGIN READ ONLY").await?))
            }
        };
        Ok(Tx {
            conn,
            queue: Some((writer.clone(), Vec::new())),
            _write_turn: None,
        })
    }

    /// A plain connection: each statement commits on its own. For reads that log nothing
    /// and single writes (sessions, claims), so they do not queue for SQLite's write lock.
    pub async fn autocommit(&self) -> Result<Tx> {
        let conn = match &self.pools {
            Pools::Sqlite(p) => Backend::Sqlite(Conn::Plain(p.acquire().await?)),
            Pools::Postgres(p) => Backend::Postgres(Conn::Plain(p.acquire().await?)),
        };
        Ok(Tx {
            conn,
            queue: None,
            _write_turn: None,
        })
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        let mut conn = self.autocommit().await?;
        execute!(conn, "SELECT 1");
        Ok(())
    }

    /// Which backend this is, for messages: "SQLite" or "PostgreSQL".
    pub fn backend_name(&self) -> &'static str {
        match self.pools {
            Pools::Sqlite(_) => "SQLite",
            Pools::Postgres(_) => "PostgreSQL",
        }
    }
}
