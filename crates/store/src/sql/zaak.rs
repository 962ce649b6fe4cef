//! The case's zaak in the zaaksysteem: its URL and identificatie once registered, and the
//! updates (statuses, the resultaat) that wait to be posted to it, in the order they
//! happened. The outbox holds the call that brings the zaak up to date.

use crate::Result;
use crate::StoreError;
use crate::db::{Tx, execute, fetch_all, fetch_optional};
use nazorg_domain::case::ClosingReason;
use nazorg_domain::ids::CaseId;
use nazorg_domain::lifecycle::Status;
use time::{Date, OffsetDateTime};

/// What the zaaksysteem knows of a case, as Nazorg holds it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ZaakState {
    pub case_id: CaseId,
    pub municipality_code: String,
    /// The zaak's start: the day the case was notified.
    pub notified_on: Date,
    pub zaak_url: Option<String>,
    pub zaak_identificatie: Option<String>,
    /// Updates not yet in the zaaksysteem.
    pub waiting_updates: i64,
}

/// One update of a zaak: a status (the phase the case reached) or the resultaat (the
/// closing reason).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ZaakUpdate {
    pub id: i64,
    pub case_id: CaseId,
    pub kind: String,
    pub phase: Option<Status>,
    pub closing_reason: Option<ClosingReason>,
    pub happened_at: OffsetDateTime,
    /// Sent before without an answer: it may be in the zaaksysteem already.
    pub tried_at: Option<OffsetDateTime>,
}

/// The kind of an update that posts a status.
pub const ZAAK_STATUS: &str = "status";
/// The kind of an update that posts the resultaat.
pub const ZAAK_RESULTAAT: &str = "resultaat";

impl Tx {
    /// Puts an update of the case's zaak in line, after those already waiting.
    pub async fn add_zaak_update(
        &mut self,
        case_id: CaseId,
        update: (Option<Status>, Option<ClosingReason>),
        at: OffsetDateTime,
    ) -> Result<()> {
        let kind = if update.1.is_some() {
            ZAAK_RESULTAAT
        } else {
            ZAAK_STATUS
        };
        execute!(
            self,
            "INSERT INTO zaak_updates (case_id, kind, phase, closing_reason, happened_at) VALUES ($1, $2, $3, $4, $5)",
            [case_id, kind, update.0, update.1, at]
        );
        Ok(())
    }

    /// The moment of the case's last status update, sent or not.
    pub async fn last_zaak_status_at(&mut self, case_id: CaseId) -> Result<Option<OffsetDateTime>> {
        let last: Option<(OffsetDateTime,)> = fetch_optional!(
            self,
            "SELECT happened_at FROM zaak_updates WHERE case_id = $1 AND kind = 'status' ORDER BY id DESC LIMIT 1",
            [case_id]
        );
        Ok(last.map(|(t,)| t))
    }

    /// The case's zaak as Nazorg holds it.
    pub async fn zaak_state(&mut self, case_id: CaseId) -> Result<ZaakState> {
        let state: Option<ZaakState> = fetch_optional!(
            self,
            "SELECT id AS case_id, municipality_code, notified_on, zaak_url, zaak_identificatie, \
             (SELECT COUNT(*) FROM zaak_updates u WHERE u.case_id = cases.id AND u.sent_at IS NULL) AS waiting_updates \
             FROM cases WHERE id = $1",
            [case_id]
        );
        state.ok_or(StoreError::NotFound)
    }

    /// The updates of the case's zaak that wait, oldest first.
    pub async fn waiting_zaak_updates(&mut self, case_id: CaseId) -> Result<Vec<ZaakUpdate>> {
        Ok(fetch_all!(
            self,
            "SELECT id, case_id, kind, phase, closing_reason, happened_at, tried_at FROM zaak_updates \
             WHERE case_id = $1 AND sent_at IS NULL ORDER BY id",
            [case_id]
        ))
    }

    /// The type (statustype URL) of the last status the zaaksysteem has of the case.
    pub async fn last_zaak_status_type(&mut self, case_id: CaseId) -> Result<Option<String>> {
        let last: Option<(Option<String>,)> = fetch_optional!(
            self,
            "SELECT remote_type FROM zaak_updates WHERE case_id = $1 AND kind = 'status' AND sent_at IS NOT NULL \
             AND remote_type IS NOT NULL ORDER BY id DESC LIMIT 1",
            [case_id]
        );
        Ok(last.and_then(|(t,)| t))
    }

    /// The case's zaak was registered (or found) in the zaaksysteem.
    pub async fn set_zaak(
        &mut self,
        case_id: CaseId,
        url: &str,
        identificatie: &str,
    ) -> Result<()> {
        execute!(
            self,
            "UPDATE cases SET zaak_url = $1, zaak_identificatie = $2 WHERE id = $3",
            [url, identificatie, case_id]
        );
        Ok(())
    }

    /// An update is about to be sent: from now on its outcome is uncertain until it is
    /// marked sent.
    pub async fn zaak_update_tried(&mut self, id: i64, at: OffsetDateTime) -> Result<()> {
        execute!(
            self,
            "UPDATE zaak_updates SET tried_at = $1 WHERE id = $2",
            [at, id]
        );
        Ok(())
    }

    /// The zaaksysteem has the update: as `remote_url` of type `remote_type` (neither
    /// when the zaaktype has no type for it and nothing was posted).
    pub async fn zaak_update_sent(
        &mut self,
        id: i64,
        at: OffsetDateTime,
        remote: (Option<&str>, Option<&str>),
    ) -> Result<()> {
        execute!(
            self,
            "UPDATE zaak_updates SET sent_at = $1, remote_url = $2, remote_type = $3 WHERE id = $4",
            [at, remote.0, remote.1, id]
        );
        Ok(())
    }
}
