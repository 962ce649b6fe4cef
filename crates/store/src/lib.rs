//! Storage of Nazorg on SQLite (the embedded default) and PostgreSQL (the scale-out): the
//! connection (`db`), the SQL by area (`sql`), each query written once for both backends,
//! the rows it hands out (`model`), and the versioned migrations of each backend.
//!
//! No access checks, validation or Dutch prose live here: those are the use cases' (crate
//! `nazorg-app`), which reach personal data only through their privacy gate.

pub mod audit;
pub mod backup;
mod db;
mod log_writer;
pub mod model;
pub mod names;
pub mod sql;

pub use db::{Database, Tx};
pub use model::*;
pub use sql::*;

/// What can go wrong in the store: faults of the database, not of the user's input.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("Niet gevonden.")]
    NotFound,
    /// Stored data that does not parse: a fault, not the user's.
    #[error("onleesbare gegevens in de database: {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migratie: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database-adres niet herkend: {0} (gebruik sqlite://PAD of postgres://…)")]
    Url(String),
    /// Making or restoring a copy of the database failed.
    #[error("{0}")]
    Backup(String),
    /// The processing log could not be written: the request that needed it fails.
    #[error("verwerkingslog: {0}")]
    LogWriter(String),
}

impl StoreError {
    /// Whether the database refused a row because a unique key already holds it.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Db(sqlx::Error::Database(db)) if db.is_unique_violation())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
