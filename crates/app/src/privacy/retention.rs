//! Retention: after the retention period a closed case's personal data goes; what the
//! figures need stays.

use crate::{App, Result, case_step, gate};
use nazorg_domain::access::{Action, Actor};
use nazorg_domain::events::CaseEvent;
use nazorg_domain::format_nl;
use nazorg_store::{RetentionItem, RetentionReport, Tx};
use time::Date;

/// The history entry an anonymised case keeps.
impl App {
    /// Anonymises (or with `dry_run` only lists) the closed cases of the actor's
    /// municipality whose retention period ended (closed on or before `cutoff`, not yet
    /// anonymised), oldest first, at most `limit` per run. With `dry_run` nothing changes:
    /// the report says what a real run would do. A real run anonymises each case in its
    /// own transaction and logs it in the processing log; both log the run.
    pub async fn retention(
        &self,
        actor: &Actor,
        cutoff: Date,
        dry_run: bool,
        limit: i64,
    ) -> Result<RetentionReport> {
        self.gated(actor, "retention", async {
            let municipality = actor.municipality.clone();
            let permit = gate::check(actor, Action::ApplyRetention, &municipality)?;
            let mut items = self.retention_items(&municipality, cutoff, limit).await?;
            if !dry_run {
                for item in items.iter_mut() {
                    self.anonymise(actor, &municipality, cutoff, item).await?;
                }
            }
            if items.is_empty() && !dry_run {
                // Nothing to do: the claimed run in retention_runs is the trace.
                return Ok(RetentionReport {
                    cutoff,
                    dry_run,
                    items,
                });
            }
            let mut tx = self.db.begin().await?;
            gate::log(
                &mut tx,
                permit,
                None,
                None,
                &run_detail(cutoff, dry_run, &items),
            )
            .await?;
            tx.commit().await?;
            Ok(RetentionReport {
                cutoff,
                dry_run,
                items,
            })
        })
        .await
    }

    /// Claims a day's retention run at `now` (true for the one server that gets it, or
    /// for the next one once the claim of a server that did not finish ran out).
    pub async fn claim_retention(
        &self,
        municipality: &str,
        day: Date,
        now: time::OffsetDateTime,
    ) -> Result<bool> {
        let mut tx = self.db.autocommit().await?;
        Ok(tx.claim_retention_run(municipality, day, now).await?)
    }

    /// The cases whose retention period ended, and whether their resident goes too.
    async fn retention_items(
        &self,
        municipality: &str,
        cutoff: Date,
        limit: i64,
    ) -> Result<Vec<RetentionItem>> {
        let mut tx = self.db.autocommit().await?;
        let rows = tx.retention_candidates(municipality, cutoff, limit).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            // The resident keeps their identity while any other case of theirs is kept.
            let kept = tx
                .other_kept_cases(row.resident_id, row.case_id, cutoff)
                .await?;
            items.push(RetentionItem {
                case_id: row.case_id,
                resident_id: row.resident_id,
                closed_on: row.closed_on,
                resident_anonymised: kept == 0,
            });
        }
        Ok(items)
    }

    /// Anonymises one case in its own transaction, and logs it.
    async fn anonymise(
        &self,
        actor: &Actor,
        municipality: &str,
        cutoff: Date,
        item: &mut RetentionItem,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let permit = gate::check(actor, Action::ApplyRetention, municipality)?;
        // Decided again inside the transaction, with the resident locked: a new detention
        // notified since the list was made keeps the resident's identity.
        tx.lock_resident(item.resident_id).await?;
        let kept = tx
            .other_kept_cases(item.resident_id, item.case_id, cutoff)
            .await?;
        item.resident_anonymised = kept == 0;
        if !anonymise_case(&mut tx, actor, item).await? {
            // Another run got there first.
            return Ok(());
        }
        let detail = format!(
            "geanonimiseerd na de bewaartermijn (afgesloten op {}){}",
            format_nl(item.closed_on),
            if item.resident_anonymised {
                "; naam, BSN en geboortedatum verwijderd"
            } else {
                ""
            }
        );
        gate::log(
            &mut tx,
            permit,
            Some(item.resident_id),
            Some(item.case_id),
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Removes a closed case's personal data and keeps what the figures need; false when
/// another run anonymised it first.
async fn anonymise_case(tx: &mut Tx, actor: &Actor, item: &RetentionItem) -> Result<bool> {
    if !tx.claim_anonymisation(item.case_id).await? {
        return Ok(false);
    }
    tx.erase_case_content(item.case_id).await?;
    case_step::record(tx, item.case_id, actor, &CaseEvent::Anonymised).await?;
    if item.resident_anonymised {
        // Only the birth year stays (1 January), for age bands in the figures.
        let birth = tx.resident_birth_date(item.resident_id).await?;
        let birth_year =
            birth.and_then(|b| Date::from_calendar_date(b.year(), time::Month::January, 1).ok());
        tx.replace_resident_identity(
            item.resident_id,
            &format!("anoniem-{}", item.resident_id),
            "(geanonimiseerd)",
            birth_year,
        )
        .await?;
    }
    Ok(true)
}

/// The log entry of a run: how many cases, up to which day, and which.
fn run_detail(cutoff: Date, dry_run: bool, items: &[RetentionItem]) -> String {
    format!(
        "bewaartermijn{}: {} casussen afgesloten op of voor {}{}",
        if dry_run { " (proefdraai)" } else { "" },
        items.len(),
        format_nl(cutoff),
        if items.is_empty() {
            String::new()
        } else {
            format!(
                " (casusnummers {})",
                items
                    .iter()
                    .map(|i| i.case_id.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    )
}
