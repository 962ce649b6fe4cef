//! What every step on a case shares: open it (load, check access and log, ask the state
//! machine), and close it (store the phase, the history entry and the next step).

use crate::error::{Error, Stale, invalid};
use crate::{App, Result, gate};
use nazorg_domain::access::{Action, Actor};
use nazorg_domain::deadlines::{self, DeadlineSettings};
use nazorg_domain::eligibility::{self, Eligibility, EligibilityFacts};
use nazorg_domain::events::CaseEvent;
use nazorg_domain::ids::CaseId;
use nazorg_domain::lifecycle::{self, CaseState, Status, Step};
use nazorg_domain::notification::MunicipalityCode;
use nazorg_domain::version::{Edit, Part};
use nazorg_store::{CaseCore, Tx};
use time::Date;

/// Closed cases sort last in every list.
pub(crate) const FAR_FUTURE: Date = time::macros::date!(9999 - 12 - 31);

/// A step under way: the case as it was, and the phase before and after.
pub(crate) struct OpenStep {
    pub core: CaseCore,
    /// The part of the case the step replaces, if any.
    pub part: Option<Part>,
    pub before: Status,
    pub after: Status,
    /// The thresholds the case's next step is computed with.
    pub deadlines: DeadlineSettings,
    /// The step itself.
    pub step: Step,
    /// Whether a change of phase goes to the zaaksysteem.
    pub zgw: bool,
}

impl App {
    /// Runs one step on a case in one transaction: opens it (access and log, the version
    /// its author read, the state machine), runs `work` (the step's own checks and writes, giving its history event)
    /// and closes it (phase, history, next step).
    pub(crate) async fn on_case(
        &self,
        actor: &Actor,
        operation: &'static str,
        case_id: CaseId,
        step: Step,
        edit: Edit,
        work: impl AsyncFnOnce(&mut Tx, &OpenStep) -> Result<CaseEvent>,
    ) -> Result<()> {
        self.on_case_with(actor, operation, case_id, step, edit, async |tx, open| {
            Ok(((), work(tx, open).await?))
        })
        .await
    }

    /// As [`App::on_case`], for a step that also gives back what it made (a new row's id).
    pub(crate) async fn on_case_with<T>(
        &self,
        actor: &Actor,
        operation: &'static str,
        case_id: CaseId,
        step: Step,
        edit: Edit,
        work: impl AsyncFnOnce(&mut Tx, &OpenStep) -> Result<(T, CaseEvent)>,
    ) -> Result<T> {
        self.gated(actor, operation, async {
            let mut tx = self.db.begin().await?;
            let mut open = begin(&mut tx, &self.deadlines, actor, case_id, step, edit).await?;
            open.zgw = self.zgw_connected();
            let (made, what) = work(&mut tx, &open).await?;
            finish(&mut tx, actor, &open, &what).await?;
            tx.commit().await?;
            if open.zgw && open.before != open.after {
                self.wake_workers();
            }
            Ok(made)
        })
        .await
    }
}

/// Opens a step: loads the case, checks access (and logs), checks that the part it
/// replaces did not change after the version its author read, and asks the state machine.
pub(crate) async fn begin(
    tx: &mut Tx,
    settings: &DeadlineSettings,
    actor: &Actor,
    case_id: CaseId,
    step: Step,
    edit: Edit,
) -> Result<OpenStep> {
    gate::enter_case(tx, actor, Action::WriteCase, case_id, step.label()).await?;
    // Steps on one case run one after the other from here: a parallel one waits, then
    // sees what this one changed, its phase too (read again after the lock).
    let current = tx.lock_case_version(case_id).await?;
    let core = tx.case_core(case_id).await?;
    if let Edit::Replace(part, Some(seen)) = edit {
        let changes = tx.part_changes_since(case_id, &part.code(), seen).await?;
        // A version the case never had is no read of it.
        if !changes.is_empty() || seen > current {
            return Err(Error::Stale(Stale {
                part,
                current,
                changes,
            }));
        }
    }
    if core.anonymised {
        return Err(invalid(
            "Deze casus is na afloop van de bewaartermijn geanonimiseerd: er kan niets meer aan worden toegevoegd of gewijzigd.",
        ));
    }
    let before = core.status;
    let after = lifecycle::apply(
        CaseState {
            status: before,
            released: core.actual_release.is_some(),
        },
        step,
    )?;
    Ok(OpenStep {
        core,
        part: edit.part(),
        before,
        after,
        deadlines: *settings,
        step,
        zgw: false,
    })
}

/// Closes a step: stores the new phase, the history entry (with the change of phase, if
/// any) and the next step.
pub(crate) async fn finish(
    tx: &mut Tx,
    actor: &Actor,
    step: &OpenStep,
    what: &CaseEvent,
) -> Result<()> {
    let case_id = step.core.id;
    // The phase's clock (what the worklist measures deadlines from) restarts only when the
    // phase changes, not with every contact or note.
    tx.set_status(case_id, step.before, step.after).await?;
    if step.zgw {
        let municipality = step.core.municipality_code.as_str();
        let phases = (step.before, step.after);
        crate::zgw::note_phase(
            tx,
            (case_id, municipality),
            step.step,
            phases,
            &actor.username,
        )
        .await?;
    }
    let summary = what.summary_with_phase(step.before, step.after);
    let part = step.part.map(Part::code);
    add_event(tx, case_id, actor, what.kind(), &summary, part.as_deref()).await?;
    refresh_action(tx, case_id, &step.deadlines).await
}

/// Adds an entry to the case's history, in the name of the actor.
pub(crate) async fn record(
    tx: &mut Tx,
    case_id: CaseId,
    actor: &Actor,
    what: &CaseEvent,
) -> Result<()> {
    add_event(tx, case_id, actor, what.kind(), &what.summary(), None).await
}

/// Adds an entry to the case's history that replaced the values of `part`, so that a
/// step saved from a read before it is refused.
pub(crate) async fn record_part(
    tx: &mut Tx,
    case_id: CaseId,
    actor: &Actor,
    what: &CaseEvent,
    part: Part,
) -> Result<()> {
    let part = part.code();
    add_event(
        tx,
        case_id,
        actor,
        what.kind(),
        &what.summary(),
        Some(&part),
    )
    .await
}

async fn add_event(
    tx: &mut Tx,
    case_id: CaseId,
    actor: &Actor,
    kind: &str,
    summary: &str,
    part: Option<&str>,
) -> Result<()> {
    let actor_id = actor.account();
    tx.add_case_event(case_id, actor_id, &actor.username, kind, summary, part)
        .await?;
    Ok(())
}

/// Re-evaluates eligibility from the stored facts and records the outcome in force;
/// returns the outcome in force before and after.
pub(crate) async fn reassess(tx: &mut Tx, case_id: CaseId) -> Result<(Eligibility, Eligibility)> {
    let f = tx.eligibility_facts(case_id).await?;
    let home = MunicipalityCode::parse(&f.municipality_code).map_err(|e| invalid(e.to_string()))?;
    let facts = EligibilityFacts {
        birth_date: f.birth_date,
        residence: f
            .last_residence_code
            .as_deref()
            .and_then(|c| MunicipalityCode::parse(c).ok()),
        brp_status: f.brp_status,
        sentence: f.sentence,
        detention_start: f.detention_start,
        // Once released, the real length of the detention decides the 10-day rule.
        expected_release: f.actual_release.or(f.expected_release),
    };
    let assessment = eligibility::assess(&facts, &home);
    let in_force = f.override_eligibility.unwrap_or(assessment.outcome);
    tx.set_eligibility(
        case_id,
        assessment.outcome,
        &eligibility::encode_reasons(&assessment.reasons),
        in_force,
    )
    .await?;
    Ok((f.eligibility_in_force, in_force))
}

/// Recomputes what the case needs next, from the same deadline rules as the worklist, and
/// stores it for the order of the case list (closed cases, and open ones with nothing due
/// yet, sort last).
pub(crate) async fn refresh_action(
    tx: &mut Tx,
    case_id: CaseId,
    settings: &DeadlineSettings,
) -> Result<()> {
    let facts = tx.deadline_facts(case_id).await?;
    let (label, due) = match deadlines::next_step(&facts, settings) {
        Some(next) => (next.label, next.due.unwrap_or(FAR_FUTURE)),
        None => ("Geen", FAR_FUTURE),
    };
    tx.set_next_action(case_id, label, due).await?;
    // What is due, stored with the day each shows from (the menu counts it).
    tx.replace_deadlines_of(&[(case_id, deadlines::upcoming(&facts, settings))])
        .await?;
    Ok(())
}
