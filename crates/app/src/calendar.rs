//! The calendar feed: the appointments and due agreements of a user's cases.

use crate::{App, Logged, Result};
use nazorg_domain::access::{Action, Actor};
use nazorg_domain::deadlines::CaseFacts;
use nazorg_domain::ids::CaseId;
use nazorg_store::{CalendarItem, FeedAppointment, Scope};
use time::{Date, Duration, OffsetDateTime};

/// How far back the feed shows appointments.
const FEED_HISTORY_DAYS: i64 = 60;

impl App {
    /// Appointments and due agreements of the user's cases, for the calendar feed: case
    /// numbers only, no names or case details.
    pub async fn calendar_items(&self, actor: &Actor, day: Date) -> Result<Vec<CalendarItem>> {
        self.read_in_municipality(actor, "calendar_items", Action::ListCases, async |tx| {
            let facts = tx
                .case_facts(&actor.municipality, Scope::Of(actor.user_id), day)
                .await?;
            let ids: Vec<CaseId> = facts.iter().map(|(f, _)| f.case_id).collect();
            let since = OffsetDateTime::now_utc() - Duration::days(FEED_HISTORY_DAYS);
            let appointments = tx.feed_appointments(&ids, since).await?;
            let cases: Vec<&CaseFacts> = facts.iter().map(|(f, _)| f).collect();
            let items = feed_items(&appointments, &cases);
            let detail = format!("agenda-abonnement: {} items", items.len());
            Ok(Logged::entry(items, detail))
        })
        .await
    }
}

/// The feed's events, by day: each appointment, and each agreement with a due date on it.
fn feed_items(appointments: &[FeedAppointment], cases: &[&CaseFacts]) -> Vec<CalendarItem> {
    let mut items: Vec<CalendarItem> = appointments
        .iter()
        .map(|a| CalendarItem {
            uid: format!("afspraak-{}", a.id),
            case_id: a.case_id,
            starts_at: Some(a.starts_at),
            day: a.starts_at.date(),
            summary: format!("{} (casus {})", a.kind.label(), a.case_id),
        })
        .collect();
    for f in cases {
        for a in &f.agreements {
            if let Some(due) = a.due {
                items.push(CalendarItem {
                    uid: format!("plan-{}", a.id),
                    case_id: f.case_id,
                    starts_at: None,
                    day: due,
                    summary: format!(
                        "Afspraak plan van aanpak uiterlijk vandaag (casus {})",
                        f.case_id
                    ),
                });
            }
        }
    }
    items.sort_by(|a, b| (a.day, &a.uid).cmp(&(b.day, &b.uid)));
    items
}
