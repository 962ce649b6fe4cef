//! Signals on a case: raised when the chain changed it or named someone else under its
//! BSN, open until a coordinator handles them.

use crate::Result;
use crate::db::{Tx, execute, fetch_optional, now, push_id_list, scalar_optional, sql};
use nazorg_domain::ids::CaseId;
use nazorg_domain::signal::{Identity, OpenSignal, SignalKind};
use sqlx::QueryBuilder;
use time::Date;

/// One signal of a case, as its handling needs it.
#[derive(Debug, Clone)]
pub struct SignalRecord {
    pub signal: OpenSignal,
    pub handled: bool,
    /// Who the notification named (identity signals).
    pub notified: Option<Identity>,
}

type SignalRow = (
    CaseId,
    i64,
    SignalKind,
    Date,
    String,
    Option<String>,
    Option<String>,
    Option<Date>,
    bool,
);

const SIGNAL_COLUMNS: &str = "case_id, id, kind, raised_on, detail, notified_family_name, notified_given_names, \
                              notified_birth_date, cleared_at IS NOT NULL";

fn record(
    (_, id, kind, raised_on, detail, family, given, birth, handled): SignalRow,
) -> SignalRecord {
    SignalRecord {
        signal: OpenSignal {
            id,
            kind,
            raised_on,
            detail,
        },
        handled,
        notified: family.map(|family_name| Identity {
            family_name,
            given_names: given.unwrap_or_default(),
            birth_date: birth,
        }),
    }
}

impl Tx {
    /// Whether a signal of `kind` was ever raised on the case, handled or not.
    pub async fn signal_raised(&mut self, case_id: CaseId, kind: SignalKind) -> Result<bool> {
        let found: Option<i64> = scalar_optional!(
            self,
            "SELECT id FROM case_signals WHERE case_id = $1 AND kind = $2 LIMIT 1",
            [case_id, kind]
        );
        Ok(found.is_some())
    }

    /// Raises a signal on a case, unless the same one is open already; `true` when raised.
    pub async fn raise_signal(
        &mut self,
        case_id: CaseId,
        kind: SignalKind,
        detail: &str,
        notified: Option<&Identity>,
        on: Date,
    ) -> Result<bool> {
        let open: Option<i64> = scalar_optional!(
            self,
            "SELECT id FROM case_signals WHERE case_id = $1 AND kind = $2 AND detail = $3 AND cleared_at IS NULL",
            [case_id, kind, detail]
        );
        if open.is_some() {
            return Ok(false);
        }
        execute!(
            self,
            "INSERT INTO case_signals (case_id, kind, detail, notified_family_name, notified_given_names, \
             notified_birth_date, raised_on, raised_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            [
                case_id,
                kind,
                detail,
                notified.map(|n| n.family_name.as_str()),
                notified.map(|n| n.given_names.as_str()),
                notified.and_then(|n| n.birth_date),
                on,
                now()
            ]
        );
        Ok(true)
    }

    /// One signal of a case, handled or not.
    pub async fn signal(&mut self, case_id: CaseId, id: i64) -> Result<Option<SignalRecord>> {
        let row: Option<SignalRow> = fetch_optional!(
            self,
            &format!("SELECT {SIGNAL_COLUMNS} FROM case_signals WHERE case_id = $1 AND id = $2"),
            [case_id, id]
        );
        Ok(row.map(record))
    }

    /// Marks a signal handled, by whom; `false` when it was handled already.
    pub async fn clear_signal(&mut self, id: i64, by: &str) -> Result<bool> {
        let cleared: Option<i64> = scalar_optional!(
            self,
            "UPDATE case_signals SET cleared_at = $1, cleared_by = $2 WHERE id = $3 AND cleared_at IS NULL RETURNING id",
            [now(), by, id]
        );
        Ok(cleared.is_some())
    }

    /// The open signals of these cases, oldest first.
    pub async fn open_signals(&mut self, case_ids: &[CaseId]) -> Result<Vec<(CaseId, OpenSignal)>> {
        if case_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<SignalRow> = sql!(self, |c| {
            let mut q = QueryBuilder::<DB>::new(format!(
                "SELECT {SIGNAL_COLUMNS} FROM case_signals WHERE cleared_at IS NULL AND case_id IN "
            ));
            push_id_list(&mut q, case_ids);
            q.push(" ORDER BY id");
            q.build_query_as().fetch_all(&mut *c).await?
        });
        Ok(rows
            .into_iter()
            .map(|row| (row.0, record(row).signal))
            .collect())
    }
}
