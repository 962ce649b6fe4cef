//! The processing log (a hash chain per municipality), its subjects, the register's texts
//! it states, and the security log of refused requests.

use crate::Result;
use crate::audit::{ChainFault, ChainReport, GENESIS, LogEntry, chain_hash, to_micros};
use crate::db::{
    Tx, execute, fetch_all, fetch_one, fetch_optional, now, push_id_list, scalar_one, sql,
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
    prev_hash: String,
    hash: String,
}

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

    /// Appends an entry to its municipality's chain. Taking the next number from the
    /// chain's head locks it: appends in one municipality happen one after the other, so
    /// the chain never forks.
    pub async fn append_log(&mut self, e: &NewLogEntry<'_>) -> Result<LogEntryId> {
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
        let hash = chain_hash(&prev, seq, at, e);
        let id: i64 = scalar_one!(
            self,
            "INSERT INTO processing_log (at, actor_id, actor_name, action, municipality_code, resident_id, case_id, purpose, \
             detail, seq, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
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
                &hash
            ]
        );
        execute!(
            self,
            "UPDATE audit_heads SET last_hash = $1 WHERE municipality_code = $2",
            [&hash, e.municipality]
        );
        Ok(LogEntryId(id))
    }

    /// Records the residents and cases a logged list showed.
    pub async fn add_log_subjects(
        &mut self,
        log_id: LogEntryId,
        case_ids: &[CaseId],
    ) -> Result<()> {
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
                "SELECT seq, at, actor_id, actor_name, action, municipality_code, resident_id, case_id, purpose, detail, prev_hash, hash \
                 FROM processing_log WHERE municipality_code = $1 AND seq > $2 ORDER BY seq LIMIT 5000",
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
                if chain_hash(&row.prev_hash, row.seq, row.at, &row.entry) != row.hash {
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
        })
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
