//! The privacy gate: the one place every read and write of personal data passes through.
//!
//! `check` asks the domain's access policy and is the only maker of a [`Permit`]; `log`
//! spends the permit by writing the processing-log entry (who, when, which resident and
//! case, what, for which purpose) in the transaction of the processing itself. A use case
//! cannot touch personal data without both, and a refused request writes nothing there.

use crate::Result;
use nazorg_domain::access::{Action, Actor, Role, authorize, authorize_case};
use nazorg_domain::ids::{CaseId, ResidentId};
use nazorg_domain::notification::MunicipalityCode;
use nazorg_domain::register;
use nazorg_store::{CaseCore, NewLogEntry, Tx};

/// Permission to process personal data, granted by the access policy. Only this module
/// makes one, and `log` spends it.
pub(crate) struct Permit<'a> {
    actor: &'a Actor,
    action: Action,
    municipality: String,
    /// The register's activity the processing belongs to.
    activity: &'static str,
}

/// Asks the access policy. Fails closed.
pub(crate) fn check<'a>(
    actor: &'a Actor,
    action: Action,
    municipality: &str,
) -> Result<Permit<'a>> {
    authorize(actor, action, municipality)?;
    Ok(Permit {
        actor,
        action,
        municipality: municipality.to_string(),
        activity: register::activity_of(action),
    })
}

/// Asks the access policy about one case (a safety-chamber member may read the cases on
/// the chamber's agenda). Fails closed.
pub(crate) fn check_case<'a>(
    actor: &'a Actor,
    action: Action,
    municipality: &str,
    on_agenda: bool,
) -> Result<Permit<'a>> {
    authorize_case(actor, action, municipality, on_agenda)?;
    Ok(Permit {
        actor,
        action,
        municipality: municipality.to_string(),
        // A safety-chamber member reads for the chamber, not for casework.
        activity: if actor.role == Role::SafetyChamber {
            "veiligheidskamer"
        } else {
            register::activity_of(action)
        },
    })
}

/// Writes the processing-log entry of a permitted processing, in its transaction, with
/// the purpose and legal ground the register states now, as an operation of the current
/// trace (Logboek Dataverwerkingen).
pub(crate) async fn log(
    tx: &mut Tx,
    permit: Permit<'_>,
    resident_id: Option<ResidentId>,
    case_id: Option<CaseId>,
    detail: &str,
) -> Result<()> {
    append(tx, permit, (resident_id, case_id), detail, (true, &[])).await
}

/// As [`log`], for a processing that failed (`ok` false: status ERROR), such as a call to
/// the BRP that was not answered.
pub(crate) async fn log_outcome(
    tx: &mut Tx,
    permit: Permit<'_>,
    (resident_id, case_id): (Option<ResidentId>, Option<CaseId>),
    detail: &str,
    ok: bool,
) -> Result<()> {
    append(tx, permit, (resident_id, case_id), detail, (ok, &[])).await
}

/// The one writer of processing-log entries: `ok` is the outcome, `listed` the cases a
/// list showed.
async fn append(
    tx: &mut Tx,
    permit: Permit<'_>,
    (resident_id, case_id): (Option<ResidentId>, Option<CaseId>),
    detail: &str,
    (ok, listed): (bool, &[CaseId]),
) -> Result<()> {
    let purpose = match tx
        .registered_activity(&permit.municipality, permit.activity)
        .await?
    {
        Some(a) => register::purpose_text(&a.name, &a.purpose, &a.legal_ground),
        None => register::default_activity(permit.activity)
            .map(|a| register::purpose_text(a.name, a.purpose, a.legal_ground))
            .unwrap_or_else(|| register::FALLBACK_PURPOSE.to_string()),
    };
    let actor = permit.actor;
    let trace = crate::trace::Trace::current().operation(permit.activity, ok);
    tx.append_log(
        &NewLogEntry {
            actor_id: actor.account(),
            actor_name: &actor.username,
            action: permit.action.code(),
            municipality: &permit.municipality,
            resident_id,
            case_id,
            purpose: &purpose,
            detail,
        },
        &trace,
        listed,
    )
    .await?;
    Ok(())
}

/// The actor of what nobody does by hand (a call to an outside system): the system, as
/// `name` ("systeem:brp"), for the municipality.
pub(crate) fn system_actor(name: &str, municipality: &MunicipalityCode) -> Actor {
    Actor {
        user_id: nazorg_domain::ids::UserId(0),
        username: name.to_string(),
        role: Role::Coordinator,
        municipality: municipality.clone(),
        partner_id: None,
        substituting: false,
    }
}

/// Logs a processing of a case by the system as `name` (a call to an outside system), of
/// `action`'s activity, answered or not; gives the actor it was logged under.
pub(crate) async fn log_system(
    tx: &mut Tx,
    case_id: CaseId,
    (name, action): (&str, Action),
    detail: &str,
    ok: bool,
) -> Result<Actor> {
    let core = tx.case_core(case_id).await?;
    let actor = system_actor(name, &core.municipality_code);
    let permit = check_case(&actor, action, core.municipality_code.as_str(), false)?;
    let subject = (Some(core.resident_id), Some(core.id));
    log_outcome(tx, permit, subject, detail, ok).await?;
    Ok(actor)
}

/// Logs a list view: one entry, and the residents and cases it showed, so that every
/// resident's overview of processings includes the lists they appeared in.
pub(crate) async fn log_list(
    tx: &mut Tx,
    permit: Permit<'_>,
    case_ids: &[CaseId],
    detail: &str,
) -> Result<()> {
    let mut ids = case_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    append(tx, permit, (None, None), detail, (true, &ids)).await
}

/// Whether the actor's role may ever do `action` on a case of its own municipality: asked
/// before a case is looked up, so that this refusal does not depend on whether the case
/// exists.
pub(crate) fn may_ever(actor: &Actor, action: Action) -> Result<()> {
    authorize_case(actor, action, &actor.municipality, true)?;
    Ok(())
}

/// A refusal about one particular record, answered as if the record did not exist (an id
/// of another municipality, a case not on the chamber's agenda): whether it exists is
/// itself sensitive. It is still written to the security log as a refusal.
pub(crate) fn hidden(refusal: crate::Error) -> crate::Error {
    match refusal {
        crate::Error::Denied(denied) => crate::Error::Hidden(denied),
        other => other,
    }
}

/// Loads one case, checks access and logs, in one go, for a processing of that case. A
/// role that may never do `action` is refused before the lookup; any other refusal is
/// [`hidden`], so the answer is the same for a case that exists and one that does not.
pub(crate) async fn enter_case(
    tx: &mut Tx,
    actor: &Actor,
    action: Action,
    case_id: CaseId,
    detail: &str,
) -> Result<CaseCore> {
    may_ever(actor, action)?;
    let core = tx.case_core(case_id).await?;
    let permit =
        check_case(actor, action, &core.municipality_code, core.on_agenda).map_err(hidden)?;
    log(tx, permit, Some(core.resident_id), Some(core.id), detail).await?;
    Ok(core)
}
