//! What a use case can answer instead of a result. Messages are Dutch where a user may
//! read them; each surface (the API's problem+json, the UI's Dutch page) shows them its way.

use nazorg_domain::access::Denied;
use nazorg_domain::dates::format_nl_moment;
use nazorg_domain::lifecycle::StepRefused;
use nazorg_domain::version::{Part, Version};
use nazorg_store::{CaseEvent, OverCap, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("Niet gevonden.")]
    NotFound,
    /// The access policy refused.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// The access policy refused one particular record; answered as if it did not exist,
    /// so that an id does not tell whether it is in use (written to the security log).
    #[error("Niet gevonden.")]
    Hidden(Denied),
    /// The state machine of the case or the referral refused the step.
    #[error(transparent)]
    Refused(#[from] StepRefused),
    /// The input does not hold; the message says why, in Dutch.
    #[error("{0}")]
    Invalid(String),
    /// A text does not hold: the one `validate::text` calls `field` (its Dutch name, "de
    /// notitie"), so that a form can mark it.
    #[error("{message}")]
    InvalidText {
        field: &'static str,
        message: String,
    },
    /// Someone else came first, or the data does not allow it now.
    #[error("{0}")]
    Conflict(String),
    /// A step replaced a part of the case that was changed after the version its author
    /// read: nothing was saved.
    #[error("{0}")]
    Stale(Stale),
    /// A record besides a case (a budget line's cap, a service's price) changed after
    /// the version the change named: nothing was saved. `what` it is and `now` its value.
    #[error(
        "{what} is intussen gewijzigd door een ander{detail}. Uw wijziging is niet opgeslagen."
    )]
    Changed {
        what: String,
        /// How it is now, or who changed it when: ": nu € 30.000,00".
        detail: String,
        current: i64,
    },
    /// A referral would pass the budget line's cap: the user must confirm with a reason.
    #[error("{0}")]
    OverCap(OverCap),
    /// Too many failed logins: the account waits until then.
    #[error("Dit account is tijdelijk geblokkeerd na te veel mislukte pogingen.")]
    Locked(time::OffsetDateTime),
    /// The database failed, or holds what cannot be read: a fault, not the user's.
    #[error(transparent)]
    Store(StoreError),
}

/// A part of a case changed after the version a step was read at: which, and how.
#[derive(Debug, Clone)]
pub struct Stale {
    pub part: Part,
    /// The case's version now, to save again over what changed.
    pub current: Version,
    /// The changes of the part after the version read, oldest first.
    pub changes: Vec<CaseEvent>,
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is intussen gewijzigd", self.part.label())?;
        for (n, change) in self.changes.iter().enumerate() {
            let sep = if n == 0 { ":" } else { ";" };
            write!(
                f,
                "{sep} op {} door {} ({})",
                format_nl_moment(change.at),
                change.actor,
                change.summary.trim_end_matches('.')
            )?;
        }
        write!(f, ". Uw wijziging is niet opgeslagen.")
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Error::NotFound,
            other => Error::Store(other),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A Dutch message about the input.
pub(crate) fn invalid(message: impl Into<String>) -> Error {
    Error::Invalid(message.into())
}

/// A unique-key violation as a conflict with this message; other faults as they are.
pub(crate) fn conflict_on_duplicate(e: StoreError, message: &str) -> Error {
    if e.is_unique_violation() {
        Error::Conflict(message.to_string())
    } else {
        e.into()
    }
}

/// Whether a change found the row it was meant for: `NotFound` when it did not.
pub(crate) fn found(changed: bool) -> Result<()> {
    if changed {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}
