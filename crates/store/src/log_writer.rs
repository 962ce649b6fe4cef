//! Group commit of the processing log. A read ([`Database::read`]) does not take the write
//! lock: its entries wait in its `Tx`, and at its commit they go to one writer task, which
//! appends the entries of every request waiting at that moment to their chains in one
//! transaction and then lets each of those requests go on. A request answers only once its
//! entries are written (nothing is shown unlogged), while concurrent readers share one
//! commit instead of queueing for a lock each (issue 14, point 6).

use crate::audit::{LogEntry, LogTrace};
use crate::{Result, StoreError};
use nazorg_domain::ids::CaseId;
use tokio::sync::{mpsc, oneshot};

/// An entry waiting for the writer: what `append_log` writes, owned.
pub(crate) struct Queued {
    pub entry: LogEntry<String>,
    pub trace: LogTrace,
    /// The cases a logged list showed (its subjects).
    pub subjects: Vec<CaseId>,
}

impl Queued {
    pub(crate) fn new(e: &LogEntry<&str>, trace: &LogTrace, subjects: &[CaseId]) -> Queued {
        Queued {
            entry: LogEntry {
                actor_id: e.actor_id,
                actor_name: e.actor_name.to_string(),
                action: e.action.to_string(),
                municipality: e.municipality.to_string(),
                resident_id: e.resident_id,
                case_id: e.case_id,
                purpose: e.purpose.to_string(),
                detail: e.detail.to_string(),
            },
            trace: trace.clone(),
            subjects: subjects.to_vec(),
        }
    }

    pub(crate) fn entry(&self) -> LogEntry<&str> {
        let e = &self.entry;
        LogEntry {
            actor_id: e.actor_id,
            actor_name: &e.actor_name,
            action: &e.action,
            municipality: &e.municipality,
            resident_id: e.resident_id,
            case_id: e.case_id,
            purpose: &e.purpose,
            detail: &e.detail,
        }
    }
}

/// One request's entries, and where to say they are written.
pub(crate) struct Batch {
    pub entries: Vec<Queued>,
    done: oneshot::Sender<std::result::Result<(), String>>,
}

/// What the writer writes with: a database handle without a writer of its own (so that
/// the task does not keep itself alive), which appends batches in one transaction.
pub(crate) trait Appender: Clone + Send + Sync + 'static {
    fn append(&self, batches: &[Batch]) -> impl Future<Output = Result<()>> + Send;
}

/// At most this many requests share one commit (a bound on the transaction's size).
const REQUESTS_PER_COMMIT: usize = 256;

/// The handle on the writer task; the task ends when the last handle is dropped.
#[derive(Clone, Debug)]
pub(crate) struct LogWriter {
    to_writer: mpsc::Sender<Batch>,
}

impl LogWriter {
    /// Starts the writer on `db`.
    pub(crate) fn start(db: impl Appender) -> LogWriter {
        let (to_writer, from_readers) = mpsc::channel(4 * REQUESTS_PER_COMMIT);
        tokio::spawn(run(db, from_readers));
        LogWriter { to_writer }
    }

    /// Writes a request's entries; returns once they are committed.
    pub(crate) async fn write(&self, entries: Vec<Queued>) -> Result<()> {
        let (done, written) = oneshot::channel();
        let stopped =
            || StoreError::LogWriter("de schrijver van het verwerkingslog is gestopt".into());
        self.to_writer
            .send(Batch { entries, done })
            .await
            .map_err(|_| stopped())?;
        written
            .await
            .map_err(|_| stopped())?
            .map_err(StoreError::LogWriter)
    }
}

/// Takes what is waiting, writes it in one transaction, and answers each request; when
/// that transaction fails, each request is written on its own, so that one bad entry fails
/// only its own request. Each commit runs as a task of its own: should one panic, its
/// requests fail (their answer channels close) and the writer goes on.
async fn run(db: impl Appender, mut from_readers: mpsc::Receiver<Batch>) {
    while let Some(first) = from_readers.recv().await {
        let mut batches = vec![first];
        while batches.len() < REQUESTS_PER_COMMIT {
            match from_readers.try_recv() {
                Ok(b) => batches.push(b),
                Err(_) => break,
            }
        }
        let db = db.clone();
        let _ = tokio::spawn(async move { commit(&db, batches).await }).await;
    }
}

async fn commit(db: &impl Appender, batches: Vec<Batch>) {
    if db.append(&batches).await.is_ok() {
        for b in batches {
            let _ = b.done.send(Ok(()));
        }
        return;
    }
    for b in batches {
        // The request that fails reports the error it is given.
        let written = db.append(std::slice::from_ref(&b)).await;
        let _ = b.done.send(written.map_err(|e| e.to_string()));
    }
}
