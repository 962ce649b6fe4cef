//! Contacts with the resident: the contact log and planned appointments.

use crate::error::invalid;
use crate::{App, Result, case_step, validate};
use nazorg_domain::access::Actor;
use nazorg_domain::case::ContactKind;
use nazorg_domain::events::CaseEvent;
use nazorg_domain::ids::{AppointmentId, CaseId, ContactId};
use nazorg_domain::lifecycle::Step;
use nazorg_store::ContactInput;
use time::{Duration, OffsetDateTime};

impl App {
    /// Adds a line to the contact log.
    pub async fn log_contact(
        &self,
        actor: &Actor,
        case_id: CaseId,
        input: &ContactInput,
    ) -> Result<ContactId> {
        self.gated(actor, "log_contact", async {
            validate::not_future("De datum van het contact", input.date)?;
            let note = validate::text("de notitie", &input.note, 2000, true)?;
            let mut tx = self.db.begin().await?;
            let step = case_step::begin(&mut tx, &self.deadlines, actor, case_id, Step::LogContact)
                .await?;
            let id = tx
                .insert_contact(case_id, input.date, input.kind, &note, &actor.username)
                .await?;
            let what = CaseEvent::Contact {
                kind: input.kind,
                date: input.date,
            };
            case_step::finish(&mut tx, actor, &step, &what).await?;
            tx.commit().await?;
            Ok(id)
        })
        .await
    }

    /// Plans an appointment with the resident (it appears in the calendar feed).
    pub async fn add_appointment(
        &self,
        actor: &Actor,
        case_id: CaseId,
        starts_at: OffsetDateTime,
        kind: ContactKind,
        place: &str,
    ) -> Result<AppointmentId> {
        self.gated(actor, "add_appointment", async {
            let place = validate::text("de plaats", place, 200, false)?;
            let mut tx = self.db.begin().await?;
            let step = case_step::begin(&mut tx, &self.deadlines, actor, case_id, Step::LogContact)
                .await?;
            if starts_at < OffsetDateTime::now_utc() - Duration::days(1) {
                return Err(invalid(
                    "Een afspraak plant u vooruit; leg een gesprek dat al was vast als contact.",
                ));
            }
            let id = tx
                .insert_appointment(case_id, starts_at, kind, &place, &actor.username)
                .await?;
            let local = nazorg_domain::dates::to_amsterdam(starts_at);
            let what = CaseEvent::Appointment {
                kind,
                date: local.date(),
                hour: local.hour(),
                minute: local.minute(),
                place,
            };
            case_step::finish(&mut tx, actor, &step, &what).await?;
            tx.commit().await?;
            Ok(id)
        })
        .await
    }
}
