//! The BRP lookup (Haal Centraal BRP Personen): every new case with a BSN is looked up in
//! the background, through the outbox; a coordinator can ask again. The answer decides
//! the BRP facts of the case (the BRP wins over the notification, the history keeps
//! both), eligibility is judged again, and a death is a signal. Each lookup, answered or
//! not, is a processing in the log under its own activity.

mod client;

pub use client::{Answered, BrpClient, BrpConfig, BrpError, BrpSetupError};

use crate::case_step::{reassess, record, record_part, refresh_action};
use crate::error::invalid;
use crate::trace::{Trace, new_operation_id};
use crate::{App, Result, facts, gate, signals};
use nazorg_domain::access::{Action, Actor};
use nazorg_domain::brp::{self, Finding};
use nazorg_domain::events::CaseEvent;
use nazorg_domain::ids::CaseId;
use nazorg_domain::signal::SignalKind;
use nazorg_domain::version::Part;
use nazorg_store::{OutboxItem, Tx};
use time::OffsetDateTime;

/// The outbox's kind of a BRP lookup.
pub const LOOKUP: &str = "brp_lookup";

/// Who asked for a lookup that nobody asked for: the intake of a new case.
const SYSTEM: &str = "systeem";

/// How the background worker waits between two rounds when nothing wakes it.
const POLL: std::time::Duration = std::time::Duration::from_secs(15);

/// What one run of lookups did, per case: what the BRP said, or why it failed.
#[derive(Debug, Clone, Default)]
pub struct LookupRun {
    pub results: Vec<(CaseId, std::result::Result<String, String>)>,
}

impl LookupRun {
    /// How many lookups failed (and wait to be tried again).
    pub fn failures(&self) -> usize {
        self.results.iter().filter(|(_, r)| r.is_err()).count()
    }
}

/// Now, to the second (the outbox compares its moments as stored).
fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(0).unwrap_or(t)
}

/// Puts a lookup of the case in the outbox, due now.
pub(crate) async fn enqueue(
    tx: &mut Tx,
    case_id: CaseId,
    municipality: &str,
    requested_by: &str,
) -> Result<()> {
    Ok(tx
        .enqueue_call(case_id, municipality, LOOKUP, requested_by, now())
        .await?)
}

impl App {
    /// Looks cases up in the BRP: this BRP, from now on (every new case with a BSN).
    pub fn with_brp(mut self, client: BrpClient) -> App {
        self.brp = Some(std::sync::Arc::new(client));
        self
    }

    /// Whether the BRP is connected.
    pub fn brp_connected(&self) -> bool {
        self.brp.is_some()
    }

    /// A lookup of a new case, when the BRP is connected and the resident has a BSN.
    pub(crate) async fn enqueue_new_case(
        &self,
        tx: &mut Tx,
        case_id: CaseId,
        municipality: &str,
    ) -> Result<()> {
        if self.brp.is_some() {
            enqueue(tx, case_id, municipality, SYSTEM).await?;
        }
        Ok(())
    }

    /// A coordinator asks the BRP about a case again: the lookup is put in the outbox,
    /// due now, and the worker is woken; the case page shows it waiting until it is done.
    pub async fn request_brp_lookup(&self, actor: &Actor, case_id: CaseId) -> Result<()> {
        self.gated(actor, "request_brp_lookup", async {
            let mut tx = self.db.begin().await?;
            let detail = "bevraging van de BRP aangevraagd";
            let core = gate::enter_case(&mut tx, actor, Action::LookupBrp, case_id, detail).await?;
            if self.brp.is_none() {
                return Err(invalid(
                    "De koppeling met de BRP staat uit: er is geen BRP ingesteld (--brp-url).",
                ));
            }
            if tx.bsn_of_case(case_id).await?.is_none() {
                return Err(invalid(
                    "Deze inwoner heeft nog geen BSN (of de casus is geanonimiseerd): leg eerst het BSN vast, dan volgt de bevraging van de BRP vanzelf.",
                ));
            }
            enqueue(&mut tx, core.id, core.municipality_code.as_str(), &actor.username).await?;
            tx.commit().await?;
            self.wake.brp.notify_one();
            Ok(())
        })
        .await
    }

    /// Does the lookups that are due (with `all`, every waiting one, pauses or not; with
    /// `only_case`, that case's), in questions of up to 20 BSNs. A failed lookup waits
    /// longer before the next try ([`brp::retry_after`]) and says why on the case.
    pub async fn run_brp_lookups(&self, all: bool, only_case: Option<CaseId>) -> Result<LookupRun> {
        let Some(client) = self.brp.clone() else {
            return Err(invalid("Er is geen BRP ingesteld (--brp-url)."));
        };
        let mut run = LookupRun::default();
        // Each waiting lookup once: a failed one is not taken again in this run.
        let mut taken: Vec<i64> = Vec::new();
        let mut patience = crate::outside::HELD_PATIENCE;
        loop {
            let items = {
                let mut tx = self.db.autocommit().await?;
                let limit = brp::MAX_PER_REQUEST as i64;
                tx.take_calls(LOOKUP, now(), (all, only_case), &taken, limit)
                    .await?
            };
            if items.is_empty() {
                // A drain now waits for what the background worker holds at this moment.
                if all
                    && crate::outside::held_a_while(self, LOOKUP, only_case, &mut patience).await?
                {
                    continue;
                }
                break;
            }
            taken.extend(items.iter().map(|i| i.id));
            self.lookup_batch(&client, items, &mut run).await?;
        }
        Ok(run)
    }

    /// The background worker of `serve`: a round whenever woken (a coordinator asked) and
    /// every 15 seconds, for as long as the server runs.
    pub async fn brp_worker(self) {
        loop {
            match self.run_brp_lookups(false, None).await {
                Ok(run) if !run.results.is_empty() => {
                    tracing::info!(
                        looked_up = run.results.len(),
                        failed = run.failures(),
                        "BRP lookups"
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "BRP lookups failed"),
            }
            let _ = tokio::time::timeout(POLL, self.wake.brp.notified()).await;
        }
    }

    /// One question to the BRP for `items`; a question of several refused as invalid is
    /// asked again per case, so that one case does not hold the others up.
    async fn lookup_batch(
        &self,
        client: &BrpClient,
        items: Vec<OutboxItem>,
        run: &mut LookupRun,
    ) -> Result<()> {
        let mut asked = Vec::new();
        for item in items {
            let bsn = {
                let mut tx = self.db.autocommit().await?;
                tx.bsn_of_case(item.case_id).await?
            };
            match bsn {
                Some(bsn) => asked.push((item, bsn)),
                // No BSN (provisional, anonymised): nothing to ask; recording the BSN
                // asks again.
                None => {
                    let mut tx = self.db.autocommit().await?;
                    tx.call_done(item.id, now()).await?;
                }
            }
        }
        if asked.is_empty() {
            return Ok(());
        }
        let bsns: Vec<String> = asked.iter().map(|(_, b)| b.clone()).collect();
        // The call is an operation of the trace; each lookup logged is part of it.
        let trace = Trace::current();
        let call = new_operation_id();
        let answer = client.lookup(&bsns, &trace.traceparent(&call)).await;
        trace
            .within(&call)
            .scope(async {
                match answer {
                    Ok(answered) => {
                        for (item, bsn) in &asked {
                            let outcome = self.answer_of(item, bsn, &answered).await;
                            self.settle(item, outcome, run).await?;
                        }
                    }
                    Err(BrpError::Invalid(_) | BrpError::Garbage(_)) if asked.len() > 1 => {
                        for (item, bsn) in &asked {
                            self.lookup_one(client, &trace, item, bsn, run).await?;
                        }
                    }
                    Err(e) => {
                        for (item, _) in &asked {
                            self.settle(item, Err(e.to_string()), run).await?;
                        }
                    }
                }
                Ok(())
            })
            .await
    }

    /// One case on its own: a call of its own, in the same trace.
    async fn lookup_one(
        &self,
        client: &BrpClient,
        trace: &Trace,
        item: &OutboxItem,
        bsn: &str,
        run: &mut LookupRun,
    ) -> Result<()> {
        let call = new_operation_id();
        let asked = [bsn.to_string()];
        let answer = client.lookup(&asked, &trace.traceparent(&call)).await;
        trace
            .within(&call)
            .scope(async {
                let outcome = match answer {
                    Ok(answered) => self.answer_of(item, bsn, &answered).await,
                    Err(e) => Err(e.to_string()),
                };
                self.settle(item, outcome, run).await
            })
            .await
    }

    /// What the answer says of one case, taken in; or why it cannot be.
    async fn answer_of(
        &self,
        item: &OutboxItem,
        bsn: &str,
        answered: &Answered,
    ) -> std::result::Result<String, String> {
        match answered.unreadable.iter().find(|(b, _)| b == bsn) {
            Some((_, why)) => Err(why.to_string()),
            None => {
                self.take_in(item, &Finding::of(bsn, &answered.persons))
                    .await
            }
        }
    }

    /// Ends one lookup: done, or failed and waiting for its next try (and logged as a
    /// processing: the BSN went to the BRP all the same).
    async fn settle(
        &self,
        item: &OutboxItem,
        outcome: std::result::Result<String, String>,
        run: &mut LookupRun,
    ) -> Result<()> {
        if let Err(why) = &outcome {
            let mut tx = self.db.begin().await?;
            let retry_at = now() + brp::retry_after(item.attempts + 1);
            tx.call_failed(item.id, why, retry_at).await?;
            let detail = format!("bevraging van de BRP mislukt: {why}");
            log_lookup(&mut tx, item, &detail, false).await?;
            tx.commit().await?;
            tracing::warn!(case = %item.case_id, error = %why, "BRP lookup failed");
        }
        run.results.push((item.case_id, outcome));
        Ok(())
    }

    /// Takes what the BRP said in, in one transaction: the BRP facts (the BRP wins, the
    /// history keeps both), eligibility judged again, the case's next step, a signal where
    /// a coordinator must look, the processing log, and the call done. Gives the finding
    /// in Dutch, or why it could not be taken in.
    async fn take_in(
        &self,
        item: &OutboxItem,
        finding: &Finding,
    ) -> std::result::Result<String, String> {
        let done = async {
            let mut tx = self.db.begin().await?;
            let said = finding.describe();
            let detail = match item.requested_by.as_str() {
                SYSTEM => format!("inschrijving opgevraagd in de BRP: {said}"),
                who => format!("inschrijving opgevraagd in de BRP op verzoek van {who}: {said}"),
            };
            let actor = log_lookup(&mut tx, item, &detail, true).await?;
            apply(&mut tx, &actor, item.case_id, finding).await?;
            refresh_action(&mut tx, item.case_id, &self.deadlines).await?;
            tx.call_done(item.id, now()).await?;
            tx.commit().await?;
            Ok::<_, crate::Error>(said)
        };
        done.await.map_err(|e| {
            tracing::error!(case = %item.case_id, error = %e, "could not take the BRP's answer in");
            format!("Het antwoord van de BRP kon niet worden verwerkt: {e}")
        })
    }
}

/// Logs a lookup of the case as a processing of its own activity; gives the actor.
async fn log_lookup(tx: &mut Tx, item: &OutboxItem, detail: &str, ok: bool) -> Result<Actor> {
    let who = ("systeem:brp", Action::LookupBrp);
    gate::log_system(tx, item.case_id, who, detail, ok).await
}

/// The BRP's finding on the case's facts: its status, its municipality as the last
/// residence, the date a registration ended and the day of the lookup; the history says
/// what the BRP said and what it changed, and a coordinator gets a signal for a death or
/// for a fact the BRP contradicts.
async fn apply(tx: &mut Tx, actor: &Actor, case_id: CaseId, finding: &Finding) -> Result<()> {
    // Steps on the case wait for this one, and a stale edit of the facts sees it.
    tx.lock_case_version(case_id).await?;
    let old = tx.correctable_facts(case_id).await?;
    let new = nazorg_store::CorrectableFacts {
        brp_status: finding.status().or(old.brp_status),
        last_residence_code: finding
            .municipality()
            .map(|m| m.as_str().to_string())
            .or_else(|| old.last_residence_code.clone()),
        ..old.clone()
    };
    let changes = facts::changes(&old, &new);
    tx.set_brp_facts(case_id, &new, finding.since(), crate::today())
        .await?;
    let what = CaseEvent::BrpLookedUp {
        finding: finding.describe(),
        eligibility: reassess(tx, case_id).await?,
        changes: changes.clone(),
    };
    if changes.is_empty() {
        record(tx, case_id, actor, &what).await?;
    } else {
        record_part(tx, case_id, actor, &what, Part::Facts).await?;
    }
    // A fact the notification (or a coordinator) gave that the BRP contradicts.
    let contradicted = (old.brp_status.is_some() && old.brp_status != new.brp_status)
        || (old.last_residence_code.is_some()
            && old.last_residence_code != new.last_residence_code);
    if let Finding::Deceased { on } = finding {
        // Reported once: a coordinator who handled it is not told again at the next lookup.
        if !tx.signal_raised(case_id, SignalKind::Deceased).await? {
            let detail = brp::deceased_detail(*on);
            signals::raise(tx, case_id, SignalKind::Deceased, &detail, None).await?;
        }
    } else if contradicted || matches!(finding, Finding::Unclear { .. }) {
        signals::raise(tx, case_id, SignalKind::BrpChanged, &what.summary(), None).await?;
    }
    Ok(())
}
