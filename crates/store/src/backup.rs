//! Consistent copies of a live database, and putting one back into an empty database.
//!
//! SQLite: `VACUUM INTO` writes the database as one read transaction sees it, while
//! writers go on (WAL). PostgreSQL: `pg_dump` in its custom format, which dumps from one
//! snapshot; `pg_restore` puts it back in one transaction. Both are the backends' own
//! documented routes (docs/operations.md); sealing the copy is the caller's.

use crate::db::{Database, Pools};
use crate::{Result, StoreError};
use sqlx::Connection;
use std::path::Path;
use std::process::Stdio;
use std::str::FromStr;
use tokio::process::Command;

/// Which backend a copy is of: it can only go back into the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupKind {
    Sqlite,
    Postgres,
}

impl BackupKind {
    pub fn code(self) -> &'static str {
        match self {
            BackupKind::Sqlite => "sqlite",
            BackupKind::Postgres => "postgres",
        }
    }

    pub fn parse(code: &str) -> Option<BackupKind> {
        match code {
            "sqlite" => Some(BackupKind::Sqlite),
            "postgres" => Some(BackupKind::Postgres),
            _ => None,
        }
    }

    /// The backend of a database address.
    pub fn of_url(url: &str) -> Result<BackupKind> {
        if url.starts_with("sqlite:") {
            Ok(BackupKind::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(BackupKind::Postgres)
        } else {
            Err(StoreError::Url(url.to_string()))
        }
    }
}

fn failed(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Backup(format!("{what}: {detail}"))
}

/// The file of a `sqlite://` address.
fn sqlite_path(url: &str) -> &str {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    path.split('?').next().unwrap_or(path)
}

/// A PostgreSQL address without its password, and the password, so that the tools get it
/// in their environment and not on a command line others can read.
fn pg_target(url: &str) -> Result<(String, Option<String>)> {
    let mut parsed = url::Url::parse(url).map_err(|e| StoreError::Url(format!("{url}: {e}")))?;
    let password = parsed.password().map(|p| {
        url::form_urlencoded::parse(format!("p={p}").as_bytes())
            .next()
            .map_or_else(|| p.to_string(), |(_, v)| v.into_owned())
    });
    let _ = parsed.set_password(None);
    Ok((parsed.to_string(), password))
}

/// Runs a PostgreSQL tool with the address's password in its environment.
async fn pg_tool(tool: &str, args: &[&str], password: Option<&str>) -> Result<()> {
    let mut command = Command::new(tool);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(p) = password {
        command.env("PGPASSWORD", p);
    }
    let out = command.output().await.map_err(|e| {
        failed(
            tool,
            format!("kon niet worden gestart ({e}); installeer de PostgreSQL-clientprogramma's"),
        )
    })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(failed(tool, String::from_utf8_lossy(&out.stderr).trim()))
    }
}

impl Database {
    /// Writes a consistent copy of the live database to `file` (which must not exist), as
    /// one moment of it: what was committed before the copy began is in it.
    pub async fn snapshot(&self, url: &str, file: &Path) -> Result<BackupKind> {
        let target = file
            .to_str()
            .ok_or_else(|| failed("kopie", "de bestandsnaam is geen geldige tekst"))?;
        match &self.pools {
            Pools::Sqlite(pool) => {
                sqlx::query("VACUUM INTO $1")
                    .bind(target)
                    .execute(pool)
                    .await?;
                Ok(BackupKind::Sqlite)
            }
            Pools::Postgres(_) => {
                let (address, password) = pg_target(url)?;
                let args = [
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    "--file",
                    target,
                    "--dbname",
                    &address,
                ];
                pg_tool("pg_dump", &args, password.as_deref()).await?;
                Ok(BackupKind::Postgres)
            }
        }
    }
}

/// Puts a copy (`file`, as [`Database::snapshot`] wrote it) back into the database at
/// `url`, which must be empty: a SQLite file that does not exist yet or holds no data, a
/// PostgreSQL database without tables. Open the database afterwards with
/// [`Database::connect`]: migrations newer than the copy then run.
pub async fn restore(url: &str, kind: BackupKind, file: &Path) -> Result<()> {
    let target = BackupKind::of_url(url)?;
    if target != kind {
        return Err(failed(
            "terugzetten",
            format!(
                "deze kopie is van {} en kan alleen terug in {}",
                kind.code(),
                kind.code()
            ),
        ));
    }
    match kind {
        BackupKind::Sqlite => restore_sqlite(url, file).await,
        BackupKind::Postgres => restore_postgres(url, file).await,
    }
}

async fn restore_sqlite(url: &str, file: &Path) -> Result<()> {
    let path = Path::new(sqlite_path(url));
    if path.exists() {
        let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?;
        let mut conn = sqlx::SqliteConnection::connect_with(&options).await?;
        let tables: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'residents'",
        )
        .fetch_one(&mut conn)
        .await?;
        let rows: i64 = if tables > 0 {
            sqlx::query_scalar(
                "SELECT (SELECT COUNT(*) FROM residents) + (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM processing_log)",
            )
            .fetch_one(&mut conn)
            .await?
        } else {
            let any: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .fetch_one(&mut conn)
            .await?;
            any
        };
        conn.close().await?;
        if rows > 0 {
            return Err(not_empty(url));
        }
        for end in ["", "-wal", "-shm"] {
            let side = format!("{}{end}", path.display());
            if Path::new(&side).exists() {
                std::fs::remove_file(&side).map_err(|e| failed(&side, e))?;
            }
        }
    } else if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| failed("map aanmaken", e))?;
    }
    // Copied next to the target, then renamed: a restore cut short leaves no half file.
    let partial = path.with_extension("restoring");
    std::fs::copy(file, &partial).map_err(|e| failed("kopiëren", e))?;
    std::fs::rename(&partial, path).map_err(|e| failed("kopiëren", e))?;
    Ok(())
}

async fn restore_postgres(url: &str, file: &Path) -> Result<()> {
    let options = sqlx::postgres::PgConnectOptions::from_str(url)?;
    let mut conn = sqlx::PgConnection::connect_with(&options).await?;
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    )
    .fetch_one(&mut conn)
    .await?;
    conn.close().await?;
    if tables > 0 {
        return Err(not_empty(url));
    }
    let (address, password) = pg_target(url)?;
    let source = file
        .to_str()
        .ok_or_else(|| failed("terugzetten", "de bestandsnaam is geen geldige tekst"))?;
    let args = [
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--dbname",
        &address,
        source,
    ];
    pg_tool("pg_restore", &args, password.as_deref()).await
}

fn not_empty(url: &str) -> StoreError {
    let shown = url.split('@').next_back().unwrap_or(url);
    failed(
        "terugzetten",
        format!(
            "de database {shown} is niet leeg; zet een kopie alleen terug in een nieuwe, lege database (zo wordt niets overschreven)"
        ),
    )
}
