//! `nazorg backup` and `nazorg restore`: a consistent copy of the live database in one
//! file, and putting one back into an empty database (docs/operations.md).

use super::common::{Installation, redact};
use anyhow::{Context, Result};
use clap::Args;
use nazorg_app::backup::{self, BackupKey, BackupKind};
use std::path::PathBuf;
use std::process::ExitCode;

/// The key a copy is sealed with.
#[derive(Args)]
pub struct KeyArgs {
    /// Key that seals the copy (64 hexadecimal characters, e.g. from `openssl rand -hex
    /// 32`); keep it apart from the copies. Without it the copy is written unsealed (still
    /// readable by its owner only). Rather give it in the environment than on the command
    /// line, where others on the machine can read it.
    #[arg(long, env = "NAZORG_BACKUP_KEY", hide_env_values = true)]
    key: Option<String>,
}

impl KeyArgs {
    fn key(&self) -> Result<Option<BackupKey>> {
        self.key
            .as_deref()
            .filter(|k| !k.trim().is_empty())
            .map(BackupKey::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--key: {e}"))
    }
}

#[derive(Args)]
pub struct BackupArgs {
    /// The file to write (must not exist yet); mode 0600.
    #[arg(long, short)]
    output: PathBuf,
    #[command(flatten)]
    key: KeyArgs,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// A copy written by `nazorg backup`.
    file: PathBuf,
    #[command(flatten)]
    key: KeyArgs,
}

/// Writes the copy and says what it holds.
pub async fn run(inst: &Installation, database: &str, args: BackupArgs) -> Result<()> {
    let key = args.key.key()?;
    let made = inst
        .app
        .backup(database, &args.output, key.as_ref())
        .await
        .with_context(|| format!("kopie van {} maken", redact(database)))?;
    eprintln!(
        "Kopie van de {}-database geschreven naar {} ({} bytes, {}).",
        match made.kind {
            BackupKind::Sqlite => "SQLite",
            BackupKind::Postgres => "PostgreSQL",
        },
        args.output.display(),
        made.bytes,
        if made.sealed {
            "versleuteld"
        } else {
            "niet versleuteld: geef --key mee om dat wel te doen"
        }
    );
    Ok(())
}

/// Puts the copy back into the (empty) database, opens it (newer migrations run) and
/// checks the processing log's chains; exit 1 when one is broken.
pub async fn restore(
    database: &str,
    secret_key: Option<&str>,
    args: RestoreArgs,
) -> Result<ExitCode> {
    let key = args.key.key()?;
    backup::restore(database, &args.file, key.as_ref())
        .await
        .with_context(|| {
            format!(
                "{} terugzetten in {}",
                args.file.display(),
                redact(database)
            )
        })?;
    let app = super::common::open_store(database, secret_key).await?;
    let reports = app.audit_verify().await?;
    let broken: Vec<_> = reports.iter().filter(|r| r.fault.is_some()).collect();
    let entries: i64 = reports.iter().map(|r| r.entries).sum();
    eprintln!(
        "Kopie teruggezet in {}: {} regels in het verwerkingenlogboek, {}.",
        redact(database),
        entries,
        if broken.is_empty() {
            "ketens intact".to_string()
        } else {
            format!(
                "{} keten(s) NIET INTACT (zie nazorg audit verify)",
                broken.len()
            )
        }
    );
    Ok(if broken.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
