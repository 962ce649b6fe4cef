//! Signals: raised when the chain changes a case or names someone else under its BSN,
//! handled by a coordinator on the case page or over the API.

use crate::case_step::reassess;
use crate::error::Error;
use crate::{App, Result};
use nazorg_domain::access::Actor;
use nazorg_domain::dates::{format_nl, today_nl};
use nazorg_domain::events::{CaseEvent, listed};
use nazorg_domain::ids::CaseId;
use nazorg_domain::lifecycle::Step;
use nazorg_domain::signal::{Identity, Resolution, SignalKind};
use nazorg_domain::version::{Edit, Part};
use nazorg_store::Tx;

/// Raises a signal on a case today, unless the same one is open; `true` when raised.
pub(crate) async fn raise(
    tx: &mut Tx,
    case_id: CaseId,
    kind: SignalKind,
    detail: &str,
    notified: Option<&Identity>,
) -> Result<bool> {
    Ok(tx
        .raise_signal(case_id, kind, detail, notified, today_nl())
        .await?)
}

impl App {
    /// Handles an open signal of a case as `how` says: seen, the same person, or the
    /// notification's name and birth date taken over (the old ones kept in the history).
    pub async fn handle_signal(
        &self,
        actor: &Actor,
        case_id: CaseId,
        signal_id: i64,
        how: Resolution,
    ) -> Result<()> {
        let edit = match how {
            // Taking the notified identity over changes the facts a stale form would save.
            Resolution::TakeNotified => Edit::Replace(Part::Facts, None),
            Resolution::Seen | Resolution::SamePerson => Edit::Add,
        };
        self.on_case(
            actor,
            "handle_signal",
            case_id,
            Step::HandleSignal,
            edit,
            async |tx, step| {
                let signal = tx
                    .signal(case_id, signal_id)
                    .await?
                    .ok_or(Error::NotFound)?;
                let kind = signal.signal.kind;
                if !kind.resolutions().contains(&how) {
                    let allowed: Vec<&str> = kind.resolutions().iter().map(|r| r.code()).collect();
                    return Err(Error::Invalid(format!(
                        "Een signaal ‘{}’ handelt u af met {}.",
                        kind.label(),
                        allowed.join(" of ")
                    )));
                }
                if signal.handled || !tx.clear_signal(signal_id, &actor.username).await? {
                    return Err(Error::Conflict(
                        "Dit signaal is al afgehandeld; de pagina toont hoe het nu is.".into(),
                    ));
                }
                let how = match (how, signal.notified) {
                    (Resolution::TakeNotified, Some(notified)) => {
                        take_over(tx, step.core.resident_id, case_id, &notified).await?
                    }
                    _ => format!("{}.", how.label()),
                };
                Ok(CaseEvent::SignalHandled { kind, how })
            },
        )
        .await
    }
}

/// Takes the notified name and birth date over for the resident; eligibility is judged
/// again on their open cases. Says what changed, old → new.
async fn take_over(
    tx: &mut Tx,
    resident: nazorg_domain::ids::ResidentId,
    case_id: CaseId,
    notified: &Identity,
) -> Result<String> {
    let held = tx.resident_identity(resident).await?;
    let new = held.taking(notified);
    tx.set_resident_identity(resident, new.birth_date, &new.family_name, &new.given_names)
        .await?;
    for other in tx.other_open_cases(resident, case_id).await? {
        reassess(tx, other).await?;
    }
    let (was, is) = reassess(tx, case_id).await?;
    let date = |d: Option<time::Date>| d.map_or("onbekend".into(), format_nl);
    let changes: Vec<(&'static str, String, String)> = [
        ("Achternaam", held.family_name, new.family_name),
        ("Voornamen", held.given_names, new.given_names),
        ("Geboortedatum", date(held.birth_date), date(new.birth_date)),
    ]
    .into_iter()
    .filter(|(_, a, b)| a != b)
    .collect();
    let what = if changes.is_empty() {
        "er veranderde niets".to_string()
    } else {
        listed(&changes)
    };
    Ok(format!(
        "{}: {what}.{}",
        Resolution::TakeNotified.label(),
        nazorg_domain::events::eligibility_sentence((was, is))
    ))
}
