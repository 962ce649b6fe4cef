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
) -> String {
    fn opt(v: Option<impl std::fmt::Display>) -> String {
        v.map(|v| v.to_string()).unwrap_or_default()
    }
    let at = to_micros(at);
    let fields = [
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
}

impl std::fmt::Display for ChainFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainFault::Altered(seq) => write!(f, "regel {seq} is gewijzigd"),
            ChainFault::Removed(seq) => write!(f, "regel {seq} is verwijderd"),
        }
    }
}

/// The outcome of checking one municipality's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub municipality: String,
    pub entries: i64,
    pub fault: Option<ChainFault>,
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
        chain_hash(prev, 1, AT, e)
    }

    #[test]
    fn any_change_to_an_entry_or_its_predecessor_changes_the_hash() {
        let h = hash(GENESIS, &entry("casus ingezien"));
        assert_eq!(h.len(), 64);
        assert_eq!(h, hash(GENESIS, &entry("casus ingezien")), "deterministic");
        assert_ne!(h, hash(GENESIS, &entry("casus ingezien!")));
        assert_ne!(h, hash(&"1".repeat(64), &entry("casus ingezien")));
        assert_ne!(h, chain_hash(GENESIS, 2, AT, &entry("casus ingezien")));
        let mut e = entry("casus ingezien");
        e.resident_id = None;
        assert_ne!(h, hash(GENESIS, &e));
    }

    #[test]
    fn instants_hash_at_microsecond_precision() {
        let e = entry("x");
        assert_eq!(
            hash(GENESIS, &e),
            chain_hash(GENESIS, 1, datetime!(2026-11-25 10:00:00.123456 UTC), &e),
            "what a database gives back hashes the same"
        );
    }
}
