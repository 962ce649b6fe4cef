//! The processing log (a hash chain per municipality), its subjects, the register's texts
//! it states, and the security log of refused requests.

use crate::Result;
use crate::audit::{
    ChainFault, ChainReport, GENESIS, LogEntry, LogTrace, StoredTrace, chain_hash, to_micros,
};
use crate::db::{
    Tx, execute, fetch_all, fetch_one, fetch_optional, now, push_id_list, scalar_one,
    scalar_optional, sql,
};
use crate::model::*;
use nazorg_domain::ids::{CaseId, LogEntryId, ResidentId};
use sqlx::QueryBuilder;
use time::OffsetDateTime;

/// One entry to append to the processing log.
pub type NewLogEntry<'a> = LogEntry<&'a str>;

/// An activity's texts as the municipality registered them.
#[derive(sqlx::FromRow)]
pub struct RegisteredActivity {
    pub name: String,
    pub purpose: String,
    pub legal_ground: String,
}

/// An entry as stored: its place in the chain, its content and its hashes.
#[derive(sqlx::FromRow)]
struct LogRow {
    seq: i64,
    at: OffsetDateTime,
    #[sqlx(flatten)]
    entry: LogEntry<String>,
    #[sqlx(flatten)]
    trace: StoredTrace,
    prev_hash: String,
    hash: String,
}

/// One processing as Logboek Dataverwerkingen exports it, with its data subject.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LdvRow {
    pub id: i64,
    pub at: OffsetDateTime,
    pub end_at: Option<OffsetDateTime>,
    pub action: String,
    pub actor_name: String,
    pub resident_id: Option<ResidentId>,
    /// The resident's BSN, or what holds its place (provisional: none; anonymised: a placeholder).
    pub bsn: Option<String>,
    #[sqlx(flatten)]
    trace: StoredTrace,
}

impl LdvRow {
    /// Its place in the trace; `None` for an entry from before traces were kept.
    pub fn trace(&self) -> Option<LogTrace> {
        self.trace.clone().trace()
    }
}

/// A data subject of a logged list: the resident shown and their BSN when they have one.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LdvSubject {
    pub log_id: i64,
    pub resident_id: ResidentId,
    pub bsn: Option<String>,
}

/// The columns of the trace, as [`StoredTrace`] reads them.
const TRACE_COLUMNS: &str = "trace_id, operation_id, parent_operation_id, foreign_trace_id, foreign_operation_id, status_code, activity";

impl Tx {
    pub async fn registered_activity(
        &mut self,
        municipality: &str,
        code: &str,
    ) -> Result<Option<RegisteredActivity>> {
        Ok(fetch_optional!(
            self,
            "SELECT name, purpose, legal_ground FROM processing_activities WHERE municipality_code = $1 AND code = $2",
            [municipality, code]
        ))
    }

    /// Appends an entry to its municipality's chain, with the cases a logged list showed
    /// (its subjects). In a read ([`crate::Database::read`]) the entry waits for the
    /// commit, which hands it to the log writer; otherwise it is written now.
    pub async fn append_log(
        &mut self,
        e: &NewLogEntry<'_>,
        t: &LogTrace,
        subjects: &[CaseId],
    ) -> Result<()> {
        if let Some((_, queue)) = &mut self.queue {
            queue.push(crate::log_writer::Queued::new(e, t, subjects));
            return Ok(());
        }
        self.append_log_now(e, t, subjects).await
    }

    /// Takes the lock on a municipality's chain head (made if it has none yet) for the rest
    /// of the transaction.
    async fn lock_chain_head(&mut self, municipality: &str) -> Result<()> {
        execute!(
            self,
            "INSERT INTO audit_heads (municipality_code, last_seq, last_hash) VALUES ($1, 0, $2) \
             ON CONFLICT (municipality_code) DO NOTHING",
            [municipality, GENESIS]
        );
        execute!(
            self,
            "UPDATE audit_heads SET last_seq = last_seq WHERE municipality_code = $1",
            [municipality]
        );
        Ok(())
    }

    /// Appends an entry to its municipality's chain now. Taking the next number from the
    /// chain's head locks it: appends in one municipality happen one after the other, so
    /// the chain never forks.
    pub(crate) async fn append_log_now(
        &mut self,
        e: &NewLogEntry<'_>,
        t: &LogTrace,
        subjects: &[CaseId],
    ) -> Result<()> {
        let at = to_micros(now());
        execute!(
            self,
            "INSERT INTO audit_heads (municipality_code, last_seq, last_hash) VALUES ($1, 0, $2) \
             ON CONFLICT (municipality_code) DO NOTHING",
            [e.municipality, GENESIS]
        );
        let (seq, prev): (i64, String) = fetch_one!(
            self,
            "UPDATE audit_heads SET last_seq = last_seq + 1 WHERE municipality_code = $1 RETURNING last_seq, last_hash",
            [e.municipality]
        );
        let hash = chain_hash(&prev, seq, at, e, Some(t));
        let id: i64 = scalar_one!(
            self,
            "INSERT INTO processing_log (at, actor_id, actor_name, action, municipality_code, resident_id, case_id, purpose, \
             detail, seq, prev_hash, hash, trace_id, operation_id, parent_operation_id, foreign_trace_id, foreign_operation_id, \
             status_code, activity, end_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id",
            [
                at,
                e.actor_id,
                e.actor_name,
                e.action,
                e.municipality,
                e.resident_id,
                e.case_id,
                e.purpose,
                e.detail,
                seq,
                &prev,
                &hash,
                &t.trace_id,
                &t.operation_id,
                t.parent_operation_id.as_deref(),
                t.foreign_trace_id.as_deref(),
                t.foreign_operation_id.as_deref(),
                &t.status_code,
                &t.activity,
                at
            ]
        );
        execute!(
            self,
            "UPDATE audit_heads SET last_hash = $1 WHERE municipality_code = $2",
            [&hash, e.municipality]
        );
        self.add_log_subjects(LogEntryId(id), subjects).await
    }

    /// Records the residents and cases a logged list showed.
    async fn add_log_subjects(&mut self, log_id: LogEntryId, case_ids: &[CaseId]) -> Result<()> {
        if case_ids.is_empty() {
            return Ok(());
        }
        sql!(self, |c| {
            let mut q: QueryBuilder<DB> = QueryBuilder::new(
                "INSERT INTO processing_log_subjects (log_id, resident_id, case_id) SELECT ",
            );
            q.push_bind(log_id)
                .push(", resident_id, id FROM cases WHERE id IN ");
            push_id_list(&mut q, case_ids);
            q.build().execute(&mut *c).await?.rows_affected()
        });
        Ok(())
    }

    /// Every processing of one resident's data, newest first, at most 2,000.
    pub async fn processings_of(
        &mut self,
        resident_id: ResidentId,
    ) -> Result<Vec<ProcessingEntry>> {
        Ok(fetch_all!(
            self,
            "SELECT at, actor_name, action, case_id, purpose, detail FROM ( \
             SELECT id, at, actor_name, action, case_id, purpose, detail FROM processing_log WHERE resident_id = $1 \
             UNION ALL \
             SELECT p.id, p.at, p.actor_name, p.action, s.case_id, p.purpose, 'in een lijst getoond' FROM processing_log_subjects s \
             JOIN processing_log p ON p.id = s.log_id WHERE s.resident_id = $1 \
             ) e ORDER BY id DESC LIMIT 2000",
            [resident_id]
        ))
    }

    /// Recomputes every chain and reports, per municipality, the first entry changed or
    /// removed directly in the database.
    pub async fn verify_chains(&mut self) -> Result<Vec<ChainReport>> {
        let heads: Vec<(String, i64, String)> = fetch_all!(
            self,
            "SELECT municipality_code, last_seq, last_hash FROM audit_heads ORDER BY municipality_code"
        );
        let mut reports = Vec::new();
        for (municipality, last_seq, last_hash) in heads {
            let report = self
                .verify_chain(&municipality, last_seq, &last_hash)
                .await?;
            reports.push(report);
        }
        Ok(reports)
    }

    async fn verify_chain(
        &mut self,
        municipality: &str,
        last_seq: i64,
        last_hash: &str,
    ) -> Result<ChainReport> {
        let mut running = GENESIS.to_string();
        let mut expect = 1;
        let mut fault = None;
        let mut after = 0;
        'pages: loop {
            let rows: Vec<LogRow> = fetch_all!(
                self,
                &format!(
                    "SELECT seq, at, actor_id, actor_name, action, municipality_code, resident_id, case_id, purpose, detail, \
                          prev_hash, hash, {TRACE_COLUMNS} \
                          FROM processing_log WHERE municipality_code = $1 AND seq > $2 ORDER BY seq LIMIT 5000"
                ),
                [municipality, after]
            );
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
                let trace = row.trace.clone().trace();
                if chain_hash(&row.prev_hash, row.seq, row.at, &row.entry, trace.as_ref())
                    != row.hash
                {
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
        Ok(ChainReport {
            municipality: municipality.to_string(),
            entries: expect - 1,
            fault,
            sealed_days: 0,
        })
    }

    /// The last entry of a municipality's chain before `before`: its number and hash.
    pub async fn chain_head_before(
        &mut self,
        municipality: &str,
        before: OffsetDateTime,
    ) -> Result<Option<(i64, String)>> {
        Ok(fetch_optional!(
            self,
            "SELECT seq, hash FROM processing_log WHERE municipality_code = $1 AND at < $2 AND seq IS NOT NULL \
             ORDER BY seq DESC LIMIT 1",
            [municipality, before]
        ))
    }

    /// The municipalities with a chain.
    pub async fn chain_municipalities(&mut self) -> Result<Vec<String>> {
        Ok(crate::db::scalar_all!(
            self,
            "SELECT municipality_code FROM audit_heads ORDER BY municipality_code"
        ))
    }

    /// The last day of a municipality whose head is sealed.
    pub async fn last_sealed_day(&mut self, municipality: &str) -> Result<Option<time::Date>> {
        Ok(scalar_optional!(
            self,
            "SELECT day FROM audit_seals WHERE municipality_code = $1 ORDER BY day DESC LIMIT 1",
            [municipality]
        ))
    }

    /// The first day a municipality's chain has an entry.
    pub async fn first_log_day_at(&mut self, municipality: &str) -> Result<Option<OffsetDateTime>> {
        Ok(scalar_optional!(
            self,
            "SELECT at FROM processing_log WHERE municipality_code = $1 AND seq IS NOT NULL ORDER BY seq LIMIT 1",
            [municipality]
        ))
    }

    /// Keeps the seal of a day's head (once: a day sealed stays as it was sealed).
    pub async fn add_seal(
        &mut self,
        municipality: &str,
        day: time::Date,
        (seq, hash): (i64, &str),
        seal: &str,
    ) -> Result<bool> {
        Ok(execute!(
            self,
            "INSERT INTO audit_seals (municipality_code, day, last_seq, last_hash, seal, sealed_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (municipality_code, day) DO NOTHING",
            [municipality, day, seq, hash, seal, now()]
        ) == 1)
    }

    /// Every seal of a municipality, oldest first: (day, number, hash, seal).
    pub async fn seals(
        &mut self,
        municipality: &str,
    ) -> Result<Vec<(time::Date, i64, String, String)>> {
        Ok(fetch_all!(
            self,
            "SELECT day, last_seq, last_hash, seal FROM audit_seals WHERE municipality_code = $1 ORDER BY day",
            [municipality]
        ))
    }

    /// The hash the chain holds now at entry `seq`.
    pub async fn hash_at(&mut self, municipality: &str, seq: i64) -> Result<Option<String>> {
        Ok(scalar_optional!(
            self,
            "SELECT hash FROM processing_log WHERE municipality_code = $1 AND seq = $2",
            [municipality, seq]
        ))
    }

    /// The processings of a municipality in `[from, to)`, by id after `after`, at most
    /// `limit`, with the BSN of their resident where there is one.
    pub async fn ldv_rows(
        &mut self,
        municipality: &str,
        (from, to): (OffsetDateTime, OffsetDateTime),
        after: i64,
        limit: i64,
    ) -> Result<Vec<LdvRow>> {
        Ok(fetch_all!(
            self,
            "SELECT p.id, p.at, p.end_at, p.action, p.actor_name, p.resident_id, \
                 CASE WHEN r.provisional THEN NULL ELSE r.bsn END AS bsn, \
                 p.trace_id, p.operation_id, p.parent_operation_id, p.foreign_trace_id, p.foreign_operation_id, p.status_code, p.activity \
                 FROM processing_log p LEFT JOIN residents r ON r.id = p.resident_id \
                 WHERE p.municipality_code = $1 AND p.at >= $2 AND p.at < $3 AND p.id > $4 ORDER BY p.id LIMIT $5",
            [municipality, from, to, after, limit]
        ))
    }

    /// The residents the logged lists among `log_ids` showed.
    pub async fn ldv_subjects(&mut self, log_ids: &[i64]) -> Result<Vec<LdvSubject>> {
        if log_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(sql!(self, |c| {
            let mut q: QueryBuilder<DB> = QueryBuilder::new(
                "SELECT s.log_id, s.resident_id, CASE WHEN r.provisional THEN NULL ELSE r.bsn END AS bsn \
                 FROM processing_log_subjects s JOIN residents r ON r.id = s.resident_id WHERE s.log_id IN ",
            );
            let ids: Vec<LogEntryId> = log_ids.iter().map(|i| LogEntryId(*i)).collect();
            push_id_list(&mut q, &ids);
            q.push(" ORDER BY s.log_id, s.resident_id");
            q.build_query_as().fetch_all(&mut *c).await?
        }))
    }

    /// Writes a refused request to the security log.
    pub async fn add_refusal(
        &mut self,
        actor: &nazorg_domain::access::Actor,
        operation: &str,
        reason: &str,
    ) -> Result<()> {
        execute!(
            self,
            "INSERT INTO security_log (at, actor_id, actor_name, role, municipality_code, operation, reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [
                now(),
                actor.account(),
                &actor.username,
                actor.role,
                &actor.municipality,
                operation,
                reason
            ]
        );
        Ok(())
    }

    /// The newest refusals of a municipality.
    pub async fn refusals(&mut self, municipality: &str, limit: i64) -> Result<Vec<Refusal>> {
        Ok(fetch_all!(
            self,
            "SELECT at, actor_name, role, operation, reason FROM security_log WHERE municipality_code = $1 \
             ORDER BY id DESC LIMIT $2",
            [municipality, limit]
        ))
    }
}

impl crate::log_writer::Appender for crate::Database {
    /// Appends the entries of these requests to their chains, in one transaction.
    async fn append(&self, batches: &[crate::log_writer::Batch]) -> Result<()> {
        let mut tx = self.begin().await?;
        // The chains' heads first, in one order: another server's writer, or a write that
        // logs in two municipalities, cannot then hold one head while waiting for another
        // that this transaction holds.
        let mut heads: Vec<&str> = batches
            .iter()
            .flat_map(|b| b.entries.iter().map(|q| q.entry.municipality.as_str()))
            .collect();
        heads.sort_unstable();
        heads.dedup();
        for municipality in heads {
            tx.lock_chain_head(municipality).await?;
        }
        for b in batches {
            for q in &b.entries {
                tx.append_log_now(&q.entry(), &q.trace, &q.subjects).await?;
            }
        }
        tx.commit().await
    }
}
