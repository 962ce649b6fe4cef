//! Absences: while a coordinator is away, a colleague's worklist holds their cases.

use crate::error::invalid;
use crate::{App, Error, Logged, Result, validate};
use nazorg_domain::access::{self, Action, Actor};
use nazorg_domain::format_nl;
use nazorg_domain::ids::{AbsenceId, UserId};
use nazorg_store::{Absence, NewAbsence, Tx};
use time::{Date, Duration};

/// The name of an active (substitute) coordinator of the municipality; refuses anyone else.
async fn coordinator_name(tx: &mut Tx, municipality: &str, user_id: UserId) -> Result<String> {
    match tx.active_user_name_role(municipality, user_id).await? {
        Some((name, role)) if access::works_cases(role) => Ok(name),
        _ => Err(invalid(
            "Kies een actieve (vervangend) nazorgcoördinator van deze gemeente.",
        )),
    }
}

impl App {
    /// Registers an absence of a coordinator from `starts_on` to `ends_on` (both
    /// included), with the colleague who stands in.
    pub async fn add_absence(
        &self,
        actor: &Actor,
        user_id: UserId,
        substitute_id: UserId,
        starts_on: Date,
        ends_on: Date,
        note: &str,
    ) -> Result<AbsenceId> {
        self.logged_in_municipality(actor, "add_absence", Action::ManageAbsences, async |tx| {
            let note = validate::text("de toelichting", note, 500, false)?;
            if ends_on < starts_on {
                return Err(invalid(
                    "De laatste dag van de afwezigheid ligt vóór de eerste.",
                ));
            }
            if user_id == substitute_id {
                return Err(invalid("Kies als vervanger iemand anders dan de afwezige."));
            }
            if ends_on < crate::today() {
                return Err(invalid("Deze afwezigheid ligt helemaal in het verleden."));
            }
            let absent = coordinator_name(tx, &actor.municipality, user_id).await?;
            let substitute = coordinator_name(tx, &actor.municipality, substitute_id).await?;
            let id = tx
                .insert_absence(&NewAbsence {
                    municipality: &actor.municipality,
                    user_id,
                    substitute_id,
                    starts_on,
                    ends_on,
                    note: &note,
                    created_by: &actor.username,
                })
                .await?;
            let detail = format!(
                "afwezigheid {absent} van {} t/m {}, vervanger {substitute}",
                format_nl(starts_on),
                format_nl(ends_on)
            );
            Ok(Logged::entry(id, detail))
        })
        .await
    }

    /// The absences of the actor's municipality that have not ended yet.
    pub async fn list_absences(&self, actor: &Actor) -> Result<Vec<Absence>> {
        self.in_municipality_unlogged(actor, "list_absences", Action::ManageAbsences, async |tx| {
            Ok(tx
                .absences_from(&actor.municipality, crate::today())
                .await?)
        })
        .await
    }

    /// Ends an absence now: from today on the absent colleague's work is theirs again.
    pub async fn end_absence(&self, actor: &Actor, absence_id: AbsenceId) -> Result<()> {
        self.logged_in_municipality(actor, "end_absence", Action::ManageAbsences, async |tx| {
            let starts = tx
                .absence_start(&actor.municipality, absence_id)
                .await?
                .ok_or(Error::NotFound)?;
            let day = crate::today();
            // One that has not begun before today is removed; one that has, ends yesterday.
            if starts >= day {
                tx.delete_absence(absence_id).await?;
            } else {
                let yesterday = day - Duration::days(1);
                tx.set_absence_end(absence_id, yesterday.max(starts))
                    .await?;
            }
            Ok(Logged::entry(
                (),
                format!("afwezigheid {absence_id} beëindigd"),
            ))
        })
        .await
    }
}
