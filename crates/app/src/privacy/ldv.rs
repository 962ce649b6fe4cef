//! The processing log as Logboek Dataverwerkingen records (`nazorg audit export --format
//! ldv`), and the seals of the chains' daily heads, made and checked with a key held
//! outside the database.

use crate::accounts::{SecretKey, hmac_hex};
use crate::error::invalid;
use crate::{App, Result};
use nazorg_domain::Bsn;
use nazorg_domain::dates::to_amsterdam;
use nazorg_store::audit::{ChainFault, ChainReport, LogTrace};
use nazorg_store::{LdvRow, LdvSubject};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime};

/// Records read per query while exporting.
const PAGE: i64 = 2000;

/// A key for one purpose, derived from the application key, so that the seals and the
/// keyed data-subject ids never share the key that seals second-factor secrets.
fn derived(key: &SecretKey, purpose: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(purpose.as_bytes());
    h.update([0x1f]);
    h.update(key.bytes());
    h.finalize().into()
}

/// The seal of a chain's head at the end of a day: HMAC-SHA-256 with `key` over the
/// municipality, the day, and the number and hash of the last entry.
fn seal(key: &[u8; 32], municipality: &str, day: Date, seq: i64, hash: &str) -> String {
    let day = nazorg_domain::dates::format_iso(day);
    hmac_hex(
        key,
        &format!("{municipality}\u{1f}{day}\u{1f}{seq}\u{1f}{hash}"),
    )
}

/// The first `n` hex characters of SHA-256 over `parts`: ids derived for what has none.
fn derived_id(parts: &[&str], n: usize) -> String {
    let digest = hex::encode(Sha256::digest(parts.join("\u{1f}").as_bytes()));
    digest[..n].to_string()
}

/// An instant as LDV gives it: UTC, to the millisecond.
fn millis(at: OffsetDateTime) -> String {
    let utc = at.to_offset(time::UtcOffset::UTC);
    let f = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    utc.format(&f).unwrap_or_default()
}

/// The first instant of a Dutch day, in UTC.
fn start_of(day: Date) -> OffsetDateTime {
    let noon = day
        .with_hms(12, 0, 0)
        .map_or(OffsetDateTime::UNIX_EPOCH, |t| t.assume_utc());
    let offset = to_amsterdam(noon).offset();
    day.midnight().assume_offset(offset)
}

/// How an export names the register's activities and who a record is about.
pub struct LdvSettings<'a> {
    /// The municipality whose log is exported.
    pub municipality: &'a str,
    /// Where the register is, for `dpl.core.processing_activity_id`.
    pub register_url: &'a str,
    /// The Dutch days `[from, to]`.
    pub from: Date,
    pub to: Date,
}

impl App {
    fn ldv_key(&self) -> Result<&SecretKey> {
        self.secret_key.as_ref().ok_or_else(|| {
            invalid(
                "Geef de applicatiesleutel (--secret-key): de betrokkenen staan in de export als sleutel-hash van hun BSN, nooit als BSN, en de dagelijkse zegels van het logboek gebruiken dezelfde sleutel.",
            )
        })
    }

    /// Writes the processings of a municipality in a period as LDV records, one per
    /// processing and data subject (a list: its own record and one child per resident it
    /// showed), each given to `write`; gives how many.
    pub async fn ldv_export(
        &self,
        settings: &LdvSettings<'_>,
        write: &mut dyn FnMut(&Value) -> std::io::Result<()>,
    ) -> Result<usize> {
        let key = derived(self.ldv_key()?, "ldv-data-subject");
        let period = (
            start_of(settings.from),
            start_of(settings.to.next_day().unwrap_or(settings.to)),
        );
        let mut after = 0;
        let mut written = 0;
        loop {
            let (rows, subjects) = {
                let mut tx = self.db.autocommit().await?;
                let rows = tx
                    .ldv_rows(settings.municipality, period, after, PAGE)
                    .await?;
                let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                (rows, tx.ldv_subjects(&ids).await?)
            };
            let Some(last) = rows.last() else { break };
            after = last.id;
            for row in &rows {
                let record = ldv_record(row, settings, &key);
                let shown: Vec<&LdvSubject> =
                    subjects.iter().filter(|s| s.log_id == row.id).collect();
                for child in child_records(&record, &shown, &key) {
                    write(&child).map_err(|e| invalid(format!("schrijven: {e}")))?;
                    written += 1;
                }
                write(&record).map_err(|e| invalid(format!("schrijven: {e}")))?;
                written += 1;
            }
        }
        Ok(written)
    }

    /// Seals the head of every municipality's chain at the end of each day before
    /// `today` not sealed yet; gives how many days were sealed. Without the application
    /// key nothing is sealed (and `audit verify` says so).
    pub async fn seal_chain_days(&self, today: Date) -> Result<usize> {
        let Some(key) = self.secret_key.as_ref().map(|k| derived(k, "audit-seal")) else {
            return Ok(0);
        };
        let mut tx = self.db.autocommit().await?;
        let mut sealed = 0;
        for municipality in tx.chain_municipalities().await? {
            let first = match tx.last_sealed_day(&municipality).await? {
                Some(day) => day.next_day(),
                None => tx
                    .first_log_day_at(&municipality)
                    .await?
                    .map(|at| to_amsterdam(at).date()),
            };
            let mut day = first;
            while let Some(d) = day.filter(|d| *d < today) {
                let end = start_of(d.next_day().unwrap_or(d));
                if let Some((seq, hash)) = tx.chain_head_before(&municipality, end).await? {
                    let s = seal(&key, &municipality, d, seq, &hash);
                    if tx.add_seal(&municipality, d, (seq, &hash), &s).await? {
                        sealed += 1;
                    }
                }
                day = d.next_day();
            }
        }
        Ok(sealed)
    }

    /// Checks the chains (see the store's `verify_chains`) and, with the application
    /// key, every seal: made with the key, and its head still in the chain.
    pub async fn audit_verify(&self) -> Result<Vec<ChainReport>> {
        let mut tx = self.db.autocommit().await?;
        let mut reports = tx.verify_chains().await?;
        let Some(key) = self.secret_key.as_ref().map(|k| derived(k, "audit-seal")) else {
            return Ok(reports);
        };
        for report in &mut reports {
            let seals = tx.seals(&report.municipality).await?;
            for (day, seq, hash, stored) in seals {
                let holds = seal(&key, &report.municipality, day, seq, &hash) == stored
                    && tx.hash_at(&report.municipality, seq).await?.as_deref()
                        == Some(hash.as_str());
                if !holds {
                    report.fault.get_or_insert(ChainFault::SealBroken(day));
                    break;
                }
                report.sealed_days += 1;
            }
        }
        Ok(reports)
    }

    /// Whether the application key is set (seals are made and checked).
    pub fn seals_chains(&self) -> bool {
        self.secret_key.is_some()
    }
}

/// The data subject of a record: the keyed BSN, or for a resident without one the keyed
/// resident number.
fn subject(
    resident: Option<nazorg_domain::ids::ResidentId>,
    bsn: Option<&str>,
    key: &[u8; 32],
) -> Option<(String, &'static str)> {
    let resident = resident?;
    Some(match bsn.filter(|b| Bsn::parse(b).is_ok()) {
        Some(bsn) => (hmac_hex(key, &format!("bsn:{bsn}")), "BSN"),
        None => (
            hmac_hex(key, &format!("resident:{resident}")),
            "nazorg-inwoner",
        ),
    })
}

fn ldv_record(row: &LdvRow, settings: &LdvSettings<'_>, key: &[u8; 32]) -> Value {
    // Entries from before traces were kept get ids derived from their place in the log.
    let trace = row.trace().unwrap_or_else(|| LogTrace {
        trace_id: derived_id(&["trace", settings.municipality, &row.id.to_string()], 32),
        operation_id: derived_id(
            &["operation", settings.municipality, &row.id.to_string()],
            16,
        ),
        status_code: "OK".into(),
        activity: nazorg_domain::access::Action::parse(&row.action)
            .map(|a| nazorg_domain::register::activity_of(a).to_string())
            .unwrap_or_default(),
        ..Default::default()
    });
    let mut attributes = json!({
        "dpl.core.processing_activity_id": format!("{}#{}", settings.register_url, trace.activity),
    });
    if let Some((id, kind)) = subject(row.resident_id, row.bsn.as_deref(), key) {
        attributes["dpl.core.data_subject_id"] = json!(id);
        attributes["dpl.core.data_subject_id_type"] = json!(kind);
    }
    let mut record = json!({
        "trace_id": trace.trace_id,
        "operation_id": trace.operation_id,
        "parent_operation_id": trace.parent_operation_id,
        "name": row.action,
        "start_time": millis(row.at),
        "end_time": millis(row.end_at.unwrap_or(row.at)),
        "status_code": trace.status_code,
        "resource": {"attributes": {"service.name": "nazorg", "service.version": env!("CARGO_PKG_VERSION")}},
        "attributes": attributes,
    });
    if let (Some(t), Some(o)) = (trace.foreign_trace_id, trace.foreign_operation_id) {
        record["foreign_operation"] = json!({
            "trace_id": t,
            "operation_id": o,
            "entity": format!("urn:nazorg:aanroeper:{}", row.actor_name),
        });
    }
    record
}

/// One child record per resident a list showed: the same processing, about one data
/// subject each, its operation part of the list's.
fn child_records(parent: &Value, shown: &[&LdvSubject], key: &[u8; 32]) -> Vec<Value> {
    let parent_op = parent["operation_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    shown
        .iter()
        .filter_map(|s| {
            let (id, kind) = subject(Some(s.resident_id), s.bsn.as_deref(), key)?;
            let mut child = parent.clone();
            child["operation_id"] =
                json!(derived_id(&[&parent_op, &s.resident_id.to_string()], 16));
            child["parent_operation_id"] = json!(parent_op);
            child["attributes"]["dpl.core.data_subject_id"] = json!(id);
            child["attributes"]["dpl.core.data_subject_id_type"] = json!(kind);
            Some(child)
        })
        .collect()
}
