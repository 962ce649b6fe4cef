//! The case in the zaaksysteem (ZGW Zaken and Catalogi APIs): each new case is registered
//! as a zaak, each change of phase posts a status mapped onto the zaaktype's statustypen,
//! and closure posts the resultaat and then the end status. All of it through the outbox:
//! the case's updates wait in order until the zaaksysteem has them, one call per case
//! brings its zaak up to date, and a zaaksysteem that is slow or down delays them without
//! losing any. Every call is a processing in the log under its own activity.

mod client;

pub use client::{Catalog, OnBehalf, Zaak, ZgwClient, ZgwConfig, ZgwError, ZgwSetupError};

use crate::error::invalid;
use crate::trace::{Trace, new_operation_id};
use crate::{App, Result, gate};
use nazorg_domain::access::{Action, Actor};
use nazorg_domain::case::ClosingReason;
use nazorg_domain::events::CaseEvent;
use nazorg_domain::ids::CaseId;
use nazorg_domain::lifecycle::{Status, Step};
use nazorg_domain::notification::MunicipalityCode;
use nazorg_domain::zaak::{self, MappingError};
use nazorg_store::{OutboxItem, OutboxState, Tx, ZAAK_RESULTAAT, ZaakState, ZaakUpdate};
use time::OffsetDateTime;

/// The outbox's kind of the call that brings a case's zaak up to date.
pub const SYNC: &str = "zgw_sync";

/// Who the calls are logged under.
const SYSTEM: &str = "systeem:zaaksysteem";

/// How the background worker waits between two rounds when nothing wakes it.
const POLL: std::time::Duration = std::time::Duration::from_secs(15);

/// How many cases a round takes at a time: one, so that the lease covers the calls of
/// that one case only, however slow the zaaksysteem answers.
const BATCH: i64 = 1;

/// How often a run takes a case again whose updates came in while it ran.
const AGAIN: usize = 3;

/// What one run did, per case: what the zaaksysteem now has, or why it failed.
#[derive(Debug, Clone, Default)]
pub struct SyncRun {
    pub results: Vec<(CaseId, std::result::Result<String, String>)>,
    /// Calls another process (the background worker of `serve`) still held at the end.
    pub held: i64,
}

impl SyncRun {
    /// How many cases failed (and wait to be tried again).
    pub fn failures(&self) -> usize {
        self.results.iter().filter(|(_, r)| r.is_err()).count()
    }
}

/// Why one case could not be brought up to date.
#[derive(Debug, thiserror::Error)]
enum SyncError {
    #[error(transparent)]
    Zgw(#[from] ZgwError),
    #[error("De koppeling met het zaaktype klopt niet: {0}.")]
    Mapping(#[from] MappingError),
    #[error("{0}")]
    App(#[from] crate::Error),
}

impl From<nazorg_store::StoreError> for SyncError {
    fn from(e: nazorg_store::StoreError) -> SyncError {
        SyncError::App(e.into())
    }
}

/// Now, to the second (the zaaksysteem compares a status's moment as sent).
fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(0).unwrap_or(t)
}

/// Puts what a step did to the phase in line for the case's zaak: at closure the resultaat
/// first, then the end status; otherwise the status of the new phase. Nothing when the
/// phase stayed.
pub(crate) async fn note_phase(
    tx: &mut Tx,
    (case_id, municipality): (CaseId, &str),
    step: Step,
    (before, after): (Status, Status),
    requested_by: &str,
) -> Result<()> {
    if before == after {
        return Ok(());
    }
    // A zaak's statuses each have their own moment (the Zaken API keeps one status per
    // zaak and moment): a phase changed within the second of the last one is a second on.
    let at = match tx.last_zaak_status_at(case_id).await? {
        Some(last) if last >= now() => last + time::Duration::seconds(1),
        _ => now(),
    };
    if let (Step::Close(reason), Status::Closed) = (step, after) {
        tx.add_zaak_update(case_id, (None, Some(reason)), at)
            .await?;
    }
    tx.add_zaak_update(case_id, (Some(after), None), at).await?;
    tx.enqueue_call(case_id, municipality, SYNC, requested_by, at)
        .await?;
    Ok(())
}

impl App {
    /// Registers cases in this zaaksysteem, from now on (every new case).
    pub fn with_zgw(mut self, client: ZgwClient) -> App {
        self.zgw = Some(std::sync::Arc::new(client));
        self
    }

    /// Whether the zaaksysteem is connected.
    pub fn zgw_connected(&self) -> bool {
        self.zgw.is_some()
    }

    /// A new case's zaak, when the zaaksysteem is connected: registered with the status of
    /// its first phase.
    pub(crate) async fn zaak_for_new_case(
        &self,
        tx: &mut Tx,
        (case_id, municipality): (CaseId, &str),
        requested_by: &str,
    ) -> Result<()> {
        if self.zgw.is_none() {
            return Ok(());
        }
        let at = now();
        tx.add_zaak_update(case_id, (Some(Status::Notified), None), at)
            .await?;
        tx.enqueue_call(case_id, municipality, SYNC, requested_by, at)
            .await?;
        Ok(())
    }

    /// What waits for the zaaksysteem in the actor's municipality, oldest first, with
    /// why it failed where it did (`nazorg zgw status`).
    pub async fn zgw_waiting(&self, actor: &Actor, limit: i64) -> Result<Vec<OutboxState>> {
        self.in_municipality(
            actor,
            "zgw_waiting",
            Action::ListCases,
            |permit| async move {
                let mut tx = self.db.begin().await?;
                let municipality = actor.municipality.as_str();
                let waiting = tx.waiting_calls(municipality, SYNC, limit).await?;
                let ids: Vec<CaseId> = waiting.iter().map(|c| c.case_id).collect();
                gate::log_list(
                    &mut tx,
                    permit,
                    &ids,
                    "wachtrij van het zaaksysteem opgevraagd",
                )
                .await?;
                tx.commit().await?;
                Ok(waiting)
            },
        )
        .await
    }

    /// Brings the zaken up to date whose call is due (with `all`, every waiting one,
    /// pauses or not; with `only_case`, that case's). A case that fails waits longer
    /// before its next try and says why on the case; the others go on.
    pub async fn run_zgw_sync(&self, all: bool, only_case: Option<CaseId>) -> Result<SyncRun> {
        let Some(client) = self.zgw.clone() else {
            return Err(invalid(
                "Er is geen zaaksysteem ingesteld (--zgw-zaken-url).",
            ));
        };
        let mut run = SyncRun::default();
        let mut taken: Vec<i64> = Vec::new();
        // The zaaktype is read once a run, when there is something to do.
        let mut catalog: Option<std::result::Result<Catalog, ZgwError>> = None;
        let mut patience = crate::outside::HELD_PATIENCE;
        loop {
            let items = {
                let mut tx = self.db.autocommit().await?;
                tx.take_calls(SYNC, now(), (all, only_case), &taken, BATCH)
                    .await?
            };
            if items.is_empty() {
                // A drain now waits for what the background worker holds at this moment,
                // then takes it if it is left waiting.
                if all && crate::outside::held_a_while(self, SYNC, only_case, &mut patience).await?
                {
                    continue;
                }
                break;
            }
            taken.extend(items.iter().map(|i| i.id));
            for item in items {
                let trace = Trace::current();
                let call = new_operation_id();
                let on = OnBehalf {
                    user_id: &item.requested_by,
                    traceparent: &trace.traceparent(&call),
                };
                if catalog.as_ref().is_none_or(|c| c.is_err()) {
                    catalog = Some(client.catalog(on).await);
                }
                let outcome = match catalog.as_ref() {
                    Some(Ok(catalog)) => {
                        let work = self.sync_case(&client, catalog, &item, on);
                        trace.within(&call).scope(work).await
                    }
                    Some(Err(e)) => Err(SyncError::Zgw(e.clone())),
                    None => Err(SyncError::Zgw(ZgwError::Garbage("geen zaaktype".into()))),
                };
                let outcome = outcome.map_err(|e| e.to_string());
                let again = trace
                    .within(&call)
                    .scope(self.settle_sync(&item, outcome, &mut run))
                    .await?;
                // Updates came in while it ran: a drain takes the case again at once.
                let times = run
                    .results
                    .iter()
                    .filter(|(c, _)| *c == item.case_id)
                    .count();
                if again && all && times < AGAIN {
                    taken.retain(|t| *t != item.id);
                }
            }
        }
        if all {
            let mut tx = self.db.autocommit().await?;
            run.held = tx.held_calls(SYNC, now(), only_case).await?;
        }
        Ok(run)
    }

    /// The background worker of `serve`: a round whenever woken (a step changed a phase)
    /// and every 15 seconds, for as long as the server runs.
    pub async fn zgw_worker(self) {
        loop {
            match self.run_zgw_sync(false, None).await {
                Ok(run) if !run.results.is_empty() => {
                    tracing::info!(
                        synced = run.results.len(),
                        failed = run.failures(),
                        "zaaksysteem"
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "zaaksysteem sync failed"),
            }
            let _ = tokio::time::timeout(POLL, self.wake.zgw.notified()).await;
        }
    }

    /// Ends one call: done, or failed and waiting for its next try (logged: what was sent
    /// left Nazorg all the same). A call whose case got updates while it ran is due again
    /// at once (gives true): the case is locked first, so that a step either committed
    /// its update before (and it is counted here) or finds this call done and asks anew.
    async fn settle_sync(
        &self,
        item: &OutboxItem,
        outcome: std::result::Result<String, String>,
        run: &mut SyncRun,
    ) -> Result<bool> {
        let mut tx = self.db.begin().await?;
        let mut again = false;
        match &outcome {
            Ok(_) => {
                tx.lock_case_version(item.case_id).await?;
                if tx.zaak_state(item.case_id).await?.waiting_updates > 0 {
                    tx.call_again(item.id, now()).await?;
                    again = true;
                } else {
                    tx.call_done(item.id, now()).await?;
                }
            }
            Err(why) => {
                let retry_at = now() + nazorg_domain::brp::retry_after(item.attempts + 1);
                tx.call_failed(item.id, why, retry_at).await?;
                let detail = format!("bijwerken van de zaak in het zaaksysteem mislukt: {why}");
                log_call(&mut tx, item.case_id, &detail, false).await?;
                tracing::warn!(case = %item.case_id, error = %why, "zaaksysteem call failed");
            }
        }
        tx.commit().await?;
        if again {
            self.wake.zgw.notify_one();
        }
        run.results.push((item.case_id, outcome));
        Ok(again)
    }

    /// Brings one case's zaak up to date: registers it if it is not yet, then posts what
    /// waits in order. Each update is kept as sent as soon as the zaaksysteem has it, so
    /// that a failure halfway repeats nothing.
    async fn sync_case(
        &self,
        client: &ZgwClient,
        catalog: &Catalog,
        item: &OutboxItem,
        on: OnBehalf<'_>,
    ) -> std::result::Result<String, SyncError> {
        let (state, waiting, mut last_type) = {
            let mut tx = self.db.autocommit().await?;
            let state = tx.zaak_state(item.case_id).await?;
            let waiting = tx.waiting_zaak_updates(item.case_id).await?;
            (
                state,
                waiting,
                tx.last_zaak_status_type(item.case_id).await?,
            )
        };
        let mut said = Vec::new();
        let zaak = match (&state.zaak_url, &state.zaak_identificatie) {
            (Some(url), Some(identificatie)) => Zaak {
                url: url.clone(),
                identificatie: identificatie.clone(),
            },
            _ => {
                let zaak = self.register(client, &state, on).await?;
                said.push(format!("geregistreerd als zaak {}", zaak.identificatie));
                zaak
            }
        };
        for update in waiting {
            let posted = self
                .post_update(client, catalog, (&zaak, &update), &mut last_type, on)
                .await?;
            said.extend(posted);
        }
        if said.is_empty() {
            said.push(format!("zaak {} is bijgewerkt", zaak.identificatie));
        }
        Ok(said.join("; "))
    }

    /// Registers the case's zaak (or finds the one an earlier call made), and keeps it on
    /// the case, in its history and in the log.
    async fn register(
        &self,
        client: &ZgwClient,
        state: &ZaakState,
        on: OnBehalf<'_>,
    ) -> std::result::Result<Zaak, SyncError> {
        let municipality = MunicipalityCode::parse(&state.municipality_code)
            .map_err(|e| invalid(e.to_string()))?;
        let identificatie = zaak::identificatie(&municipality, state.case_id);
        let omschrijving = zaak::omschrijving(state.case_id);
        let zaak = client
            .register(&identificatie, &omschrijving, state.notified_on, on)
            .await?;
        let mut tx = self.db.begin().await?;
        tx.set_zaak(state.case_id, &zaak.url, &zaak.identificatie)
            .await?;
        let detail = format!(
            "geregistreerd als zaak {} in het zaaksysteem",
            zaak.identificatie
        );
        let actor = log_call(&mut tx, state.case_id, &detail, true).await?;
        let what = CaseEvent::ZaakRegistered {
            identificatie: zaak.identificatie.clone(),
            url: zaak.url.clone(),
        };
        // In the case's history (not through a step: the phase does not change).
        let (kind, summary) = (what.kind(), what.summary());
        tx.add_case_event(state.case_id, None, &actor.username, kind, &summary, None)
            .await?;
        tx.commit().await?;
        Ok(zaak)
    }

    /// Posts one update (unless the zaaksysteem has it already, or the zaaktype has no
    /// type for it) and keeps it as sent; gives what was posted.
    async fn post_update(
        &self,
        client: &ZgwClient,
        catalog: &Catalog,
        (zaak, update): (&Zaak, &ZaakUpdate),
        last_type: &mut Option<String>,
        on: OnBehalf<'_>,
    ) -> std::result::Result<Option<String>, SyncError> {
        let (remote, said) = if update.kind == ZAAK_RESULTAAT {
            let (url, rt, said) = self
                .post_result(client, catalog, (zaak, update), on)
                .await?;
            ((Some(url), Some(rt)), Some(said))
        } else {
            let phase = update.phase.unwrap_or(Status::Notified);
            match client.mapping().status_type(phase, &catalog.status_types)? {
                // The zaaktype has no status for it, or the zaak has this status already.
                None => ((None, None), None),
                Some(st) if phase != Status::Closed && last_type.as_deref() == Some(&st.url) => {
                    ((None, Some(st.url.clone())), None)
                }
                Some(st) => {
                    // Looked for first: an earlier try whose answer was lost, or a copy of
                    // the database from before it was sent, may have put it there already.
                    let found = client
                        .find_status(&zaak.url, &st.url, update.happened_at, on)
                        .await?;
                    let url = match found {
                        Some(url) => url,
                        None => {
                            self.tried(update).await?;
                            let toelichting = format!("Fase in Nazorg: {}", phase.label());
                            let at = update.happened_at;
                            client
                                .post_status(&zaak.url, &st.url, at, &toelichting, on)
                                .await?
                        }
                    };
                    *last_type = Some(st.url.clone());
                    let said = format!("status ‘{}’", st.omschrijving);
                    ((Some(url), Some(st.url.clone())), Some(said))
                }
            }
        };
        let mut tx = self.db.begin().await?;
        let remote = (remote.0.as_deref(), remote.1.as_deref());
        tx.zaak_update_sent(update.id, now(), remote).await?;
        if let Some(said) = &said {
            let zaak = &zaak.identificatie;
            let detail = format!("{said} gezet bij zaak {zaak} in het zaaksysteem");
            log_call(&mut tx, update.case_id, &detail, true).await?;
        }
        tx.commit().await?;
        Ok(said)
    }

    /// Posts the zaak's resultaat, unless it has one; gives its URL, its type and what
    /// was posted (saying so when the zaaktype had no resultaattype of the reason's name).
    async fn post_result(
        &self,
        client: &ZgwClient,
        catalog: &Catalog,
        (zaak, update): (&Zaak, &ZaakUpdate),
        on: OnBehalf<'_>,
    ) -> std::result::Result<(String, String, String), SyncError> {
        let reason = update.closing_reason.unwrap_or(ClosingReason::Completed);
        let (rt, named) = client
            .mapping()
            .result_type(reason, &catalog.result_types)?;
        let url = match client.find_result(&zaak.url, on).await? {
            Some(url) => url,
            None => {
                self.tried(update).await?;
                let toelichting = format!("Afgesloten in Nazorg: {}", reason.label());
                client
                    .post_result(&zaak.url, &rt.url, &toelichting, on)
                    .await?
            }
        };
        let said = if named {
            format!("resultaat ‘{}’", rt.omschrijving)
        } else {
            tracing::warn!(reason = reason.code(), resultaattype = %rt.omschrijving, "no resultaattype of the closing reason's name: the first one taken");
            format!(
                "resultaat ‘{}’ (het zaaktype heeft geen resultaattype ‘{}’: het eerste genomen; stel --zgw-resultaattypen in)",
                rt.omschrijving,
                reason.label()
            )
        };
        Ok((url, rt.url.clone(), said))
    }

    /// An update is about to be sent: if no answer comes, the next try looks for it first.
    async fn tried(&self, update: &ZaakUpdate) -> Result<()> {
        let mut tx = self.db.autocommit().await?;
        tx.zaak_update_tried(update.id, now()).await?;
        Ok(())
    }
}

/// Logs a call to the zaaksysteem for a case as a processing of its own activity.
async fn log_call(tx: &mut Tx, case_id: CaseId, detail: &str, ok: bool) -> Result<Actor> {
    gate::log_system(tx, case_id, (SYSTEM, Action::SyncZaak), detail, ok).await
}
