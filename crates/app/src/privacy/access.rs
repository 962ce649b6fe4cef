//! The data subject's right of access, and the access policy asked before a request is
//! handled.

use crate::{App, Error, Result, gate};
use nazorg_domain::access::{Action, Actor};
use nazorg_domain::ids::{CaseId, ResidentId};
use nazorg_store::{ProcessingEntry, Tx};

/// Asks the access policy to read a resident's data, in the municipality the resident
/// belongs to. As for a case: a role that may never is refused before the lookup, and a
/// resident of another municipality is not found, like one who does not exist.
async fn read_resident<'a>(
    tx: &mut Tx,
    actor: &'a Actor,
    resident_id: ResidentId,
) -> Result<gate::Permit<'a>> {
    gate::may_ever(actor, Action::ReadCase)?;
    let municipality = tx
        .resident_municipality(resident_id)
        .await?
        .ok_or(Error::NotFound)?;
    gate::check(actor, Action::ReadCase, &municipality).map_err(gate::hidden)
}

impl App {
    /// Every processing of a resident's data, newest first, for the resident's right of
    /// access (itself a processing, logged).
    pub async fn processings_of(
        &self,
        actor: &Actor,
        resident_id: ResidentId,
    ) -> Result<Vec<ProcessingEntry>> {
        self.gated(actor, "processings_of", async {
            let mut tx = self.db.read().await?;
            let permit = read_resident(&mut tx, actor, resident_id).await?;
            let entries = tx.processings_of(resident_id).await?;
            gate::log(
                &mut tx,
                permit,
                Some(resident_id),
                None,
                "overzicht van verwerkingen opgevraagd",
            )
            .await?;
            tx.commit().await?;
            Ok(entries)
        })
        .await
    }

    /// The ids of one resident's cases (each then read, and logged, through `get_case`).
    pub async fn resident_case_ids(
        &self,
        actor: &Actor,
        resident_id: ResidentId,
    ) -> Result<Vec<CaseId>> {
        self.gated(actor, "resident_case_ids", async {
            let mut tx = self.db.autocommit().await?;
            read_resident(&mut tx, actor, resident_id).await?;
            Ok(tx.resident_case_ids(resident_id).await?)
        })
        .await
    }

    /// Asks the access policy before a request is handled further (its input checked,
    /// its work done): a refused user learns nothing about the input either. Reads no
    /// personal data. A refusal is written to the security log as the action (and case).
    pub async fn permit(
        &self,
        actor: &Actor,
        action: Action,
        case_id: Option<CaseId>,
    ) -> Result<()> {
        let result = self.ask_policy(actor, action, case_id).await;
        if let Err(Error::Denied(denied) | Error::Hidden(denied)) = &result {
            let what = match case_id {
                Some(id) => format!("{} (casus {id})", action.code()),
                None => action.code().to_string(),
            };
            self.record_refusal(actor, &what, denied).await;
        }
        result
    }

    /// The policy's answer for the actor's municipality, or for one case (which must exist).
    async fn ask_policy(
        &self,
        actor: &Actor,
        action: Action,
        case_id: Option<CaseId>,
    ) -> Result<()> {
        match case_id {
            None => gate::check(actor, action, &actor.municipality).map(|_| ()),
            Some(id) => {
                gate::may_ever(actor, action)?;
                let mut tx = self.db.autocommit().await?;
                let (municipality, on_agenda) = tx.case_access(id).await?.ok_or(Error::NotFound)?;
                gate::check_case(actor, action, &municipality, on_agenda)
                    .map(|_| ())
                    .map_err(gate::hidden)
            }
        }
    }
}
