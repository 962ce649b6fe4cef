//! Contacts with the resident: the contact log and planned appointments.

use crate::error::invalid;
use crate::{App, Result, validate};
use nazorg_domain::access::Actor;
use nazorg_domain::case::ContactKind;
use nazorg_domain::events::CaseEvent;
use nazorg_domain::ids::{AppointmentId, CaseId, ContactId};
use nazorg_domain::lifecycle::Step;
use nazorg_domain::version::Edit;
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
        validate::not_future("De datum van het contact", input.date)?;
        let note = validate::text("de notitie", &input.note, 2000, true)?;
        self.on_case_with(
            actor,
            "log_contact",
            case_id,
            Step::LogContact,
            Edit::Add,
            async |tx, _| {
                let id = tx
                    .insert_contact(case_id, input.date, input.kind, &note, &actor.username)
                    .await?;
                Ok((
                    id,
                    CaseEvent::Contact {
                        kind: input.kind,
                        date: input.date,
                    },
                ))
            },
        )
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
        let place = validate::text("de plaats", place, 200, false)?;
        self.on_case_with(actor, "add_appointment", case_id, Step::LogContact, Edit::Add, async |tx, _| {
            if starts_at < OffsetDateTime::now_utc() - Duration::days(1) {
                return Err(invalid(
                    "Een afspraak plant u vooruit; leg een gesprek dat al was vast als contact.",
                ));
            }
            let id = tx
                .insert_appointment(case_id, starts_at, kind, &place, &actor.username)
                .await?;
            let local = nazorg_domain::dates::to_amsterdam(starts_at);
            Ok((id, CaseEvent::Appointment {
                kind,
                date: local.date(),
                hour: local.hour(),
                minute: local.minute(),
                place,
            }))
        })
        .await
    }
}
