//! The hash chain of the processing log: each entry's hash covers its content and the
//! hash of the entry before it, so changing or removing an entry in the database shows.

use nazorg_domain::ids::{CaseId, ResidentId, UserId};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The "previous hash" of the first entry of a chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What one processing-log entry says: who did what, in which municipality, about whom and
/// why. `S` is `&str` for an entry to append ([`crate::NewLogEntry`]) and `String` for one
/// read back; the chain protects these fields with the entry's number and instant.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LogEntry<S> {
    pub actor_id: Option<UserId>,
    pub actor_name: S,
    pub action: S,
    #[sqlx(rename = "municipality_code")]
    pub municipality: S,
    pub resident_id: Option<ResidentId>,
    pub case_id: Option<CaseId>,
    pub purpose: S,
    pub detail: S,
}

/// Where a processing stands in Logboek Dataverwerkingen: its trace, its own operation,
/// the operation of Nazorg that called it, the caller's trace and operation when another
/// application called, OK or ERROR, when it ended, and the register's activity. Part of
/// the chain for the entries that have it (those written since it was kept).
#[derive(Debug, Clone, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct LogTrace {
    pub trace_id: String,
    pub operation_id: String,
    pub parent_operation_id: Option<String>,
    pub foreign_trace_id: Option<String>,
    pub foreign_operation_id: Option<String>,
    /// "OK" or "ERROR".
    pub status_code: String,
    pub activity: String,
}

/// [`LogTrace`] as stored: absent on the entries from before it was kept.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct StoredTrace {
    trace_id: Option<String>,
    operation_id: Option<String>,
    parent_operation_id: Option<String>,
    foreign_trace_id: Option<String>,
    foreign_operation_id: Option<String>,
    status_code: Option<String>,
    activity: Option<String>,
}

impl StoredTrace {
    pub(crate) fn trace(self) -> Option<LogTrace> {
        Some(LogTrace {
            trace_id: self.trace_id?,
            operation_id: self.operation_id?,
            parent_operation_id: self.parent_operation_id,
            foreign_trace_id: self.foreign_trace_id,
            foreign_operation_id: self.foreign_operation_id,
            status_code: self.status_code.unwrap_or_default(),
            activity: self.activity.unwrap_or_default(),
        })
    }
}

/// Instants are kept to the microsecond, the precision both databases store.
pub fn to_micros(at: OffsetDateTime) -> OffsetDateTime {
    let at = at.to_offset(time::UtcOffset::UTC);
    at.replace_nanosecond(at.nanosecond() / 1000 * 1000)
        .unwrap_or(at)
}

/// SHA-256 over the previous hash and the entry's number, instant and fields, hex encoded.
pub fn chain_hash<S: AsRef<str>>(
    prev: &str,
    seq: i64,
    at: OffsetDateTime,
    e: &LogEntry<S>,
    trace: Option<&LogTrace>,
) -> String {
    fn opt(v: Option<impl std::fmt::Display>) -> String {
        v.map(|v| v.to_string()).unwrap_or_default()
    }
    let at = to_micros(at);
    let mut fields = vec![
        prev.to_string(),
        seq.to_string(),
        at.unix_timestamp().to_string(),
        (at.nanosecond() / 1000).to_string(),
        opt(e.actor_id),
        e.actor_name.as_ref().to_string(),
        e.action.as_ref().to_string(),
        e.municipality.as_ref().to_string(),
        opt(e.resident_id),
        opt(e.case_id),
        e.purpose.as_ref().to_string(),
        e.detail.as_ref().to_string(),
    ];
    if let Some(t) = trace {
        fields.extend([
            t.trace_id.clone(),
            t.operation_id.clone(),
            opt(t.parent_operation_id.as_ref()),
            opt(t.foreign_trace_id.as_ref()),
            opt(t.foreign_operation_id.as_ref()),
            t.status_code.clone(),
            t.activity.clone(),
        ]);
    }
    // The unit separator cannot occur in any field we write, so fields cannot shift.
    hex::encode(Sha256::digest(fields.join("\u{1f}").as_bytes()))
}

/// What `verify` found wrong first in a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainFault {
    /// The entry with this number was changed.
    Altered(i64),
    /// The entry with this number is missing.
    Removed(i64),
    /// The chain no longer holds the head sealed at the end of this day (or the seal
    /// itself was changed): it was rewritten, hashes and all.
    SealBroken(time::Date),
}

impl std::fmt::Display for ChainFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainFault::Altered(seq) => write!(f, "regel {seq} is gewijzigd"),
            ChainFault::Removed(seq) => write!(f, "regel {seq} is verwijderd"),
            ChainFault::SealBroken(day) => write!(
                f,
                "de verzegelde stand van {} klopt niet meer: de keten is herschreven",
                nazorg_domain::dates::format_nl(*day)
            ),
        }
    }
}

/// The outcome of checking one municipality's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub municipality: String,
    pub entries: i64,
    pub fault: Option<ChainFault>,
    /// The days whose head is sealed and checked.
    pub sealed_days: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const AT: OffsetDateTime = datetime!(2026-11-25 10:00:00.123456789 UTC);

    fn entry(detail: &str) -> LogEntry<&str> {
        LogEntry {
            actor_id: Some(UserId(3)),
            actor_name: "cora",
            action: "read_case",
            municipality: "1783",
            resident_id: Some(ResidentId(9)),
            case_id: Some(CaseId(12)),
            purpose: "nazorg",
            detail,
        }
    }

    fn hash(prev: &str, e: &LogEntry<&str>) -> String {
        chain_hash(prev, 1, AT, e, None)
    }

    #[test]
    fn any_change_to_an_entry_or_its_predecessor_changes_the_hash() {
        let h = hash(GENESIS, &entry("casus ingezien"));
        assert_eq!(h.len(), 64);
        assert_eq!(h, hash(GENESIS, &entry("casus ingezien")), "deterministic");
        assert_ne!(h, hash(GENESIS, &entry("casus ingezien!")));
        assert_ne!(h, hash(&"1".repeat(64), &entry("casus ingezien")));
        assert_ne!(
            h,
            chain_hash(GENESIS, 2, AT, &entry("casus ingezien"), None)
        );
        let mut e = entry("casus ingezien");
        e.resident_id = None;
        assert_ne!(h, hash(GENESIS, &e));
    }

    #[test]
    fn instants_hash_at_microsecond_precision() {
        let e = entry("x");
        assert_eq!(
            hash(GENESIS, &e),
            chain_hash(
                GENESIS,
                1,
                datetime!(2026-11-25 10:00:00.123456 UTC),
                &e,
                None
            ),
            "what a database gives back hashes the same"
        );
    }
}
