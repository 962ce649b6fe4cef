//! The daily digest e-mail: per user the number of things on their worklist, with a link.
//! Counts and links only: no names, no case details leave the system by e-mail.

use crate::settings::JobSettings;
use crate::{App, Error};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use nazorg_domain::Coded;
use nazorg_domain::access::{Action, Actor, authorize};
use nazorg_domain::deadlines::DeadlineKind;
use nazorg_store::{Scope, WorkItem};
use std::collections::BTreeMap;
use time::Date;

#[derive(Debug, thiserror::Error)]
pub enum DigestError {
    #[error("e-mailinstellingen: {0}")]
    Config(String),
    #[error("versturen: {0}")]
    Send(String),
    #[error(transparent)]
    App(#[from] Error),
}

/// Per kind of deadline: how many, and how many of them late.
type Counts = BTreeMap<DeadlineKind, (usize, usize)>;

/// The text of one user's digest, or `None` when their list is empty.
pub fn compose(name: &str, counts: &Counts, link: &str) -> Option<(String, String)> {
    let total: usize = counts.values().map(|(n, _)| n).sum();
    if total == 0 {
        return None;
    }
    let late: usize = counts.values().map(|(_, l)| l).sum();
    let subject = format!(
        "Nazorg: {total} {} op uw werklijst",
        if total == 1 { "punt" } else { "punten" }
    );
    let mut body = format!(
        "Goedemorgen {name},\n\nOp uw werklijst in Nazorg staan vandaag {total} punten, waarvan {late} te laat.\n\n"
    );
    for (kind, (n, l)) in counts {
        body.push_str(&format!(
            "- {}: {n}{}\n",
            kind.label(),
            if *l > 0 {
                format!(" ({l} te laat)")
            } else {
                String::new()
            }
        ));
    }
    body.push_str(&format!(
        "\nBekijk uw werk: {link}\n\nDeze e-mail noemt bewust geen namen of gegevens van inwoners.\n"
    ));
    Some((subject, body))
}

/// The counts of a worklist on `day`, kinds without items left out.
fn counts(items: &[WorkItem], day: Date) -> Counts {
    let mut counts: Counts = DeadlineKind::all().iter().map(|k| (*k, (0, 0))).collect();
    for item in items {
        let entry = counts.entry(item.deadline.kind).or_default();
        entry.0 += 1;
        if item.deadline.due < day {
            entry.1 += 1;
        }
    }
    counts.retain(|_, (n, _)| *n > 0);
    counts
}

/// The way out for the mail, and its sender.
fn transport(
    settings: &JobSettings,
) -> Result<(AsyncSmtpTransport<Tokio1Executor>, Mailbox), DigestError> {
    let mail = settings
        .mail
        .as_ref()
        .ok_or_else(|| DigestError::Config("geen SMTP-server ingesteld".into()))?;
    let from: Mailbox = mail
        .from
        .parse()
        .map_err(|e| DigestError::Config(format!("afzender '{}': {e}", mail.from)))?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&mail.smtp_url)
        .map_err(|e| DigestError::Config(format!("SMTP-adres: {e}")))?
        .build();
    Ok((transport, from))
}

impl App {
    /// Sends every user's digest for `day`; returns how many were sent.
    pub async fn send_digest(
        &self,
        settings: &JobSettings,
        day: Date,
    ) -> Result<usize, DigestError> {
        let (transport, from) = transport(settings)?;
        let link = format!("{}/mijn-werk", settings.public_url.trim_end_matches('/'));
        let mut sent = 0;
        for (actor, name, email) in self.digest_users().await? {
            let Some((subject, body)) = self.digest_of(&actor, &name, settings, day, &link).await?
            else {
                continue;
            };
            let to: Mailbox = match email.parse() {
                Ok(to) => to,
                Err(e) => {
                    tracing::warn!(user = actor.username, error = %e, "digest skipped: bad e-mail address");
                    continue;
                }
            };
            let message = Message::builder()
                .from(from.clone())
                .to(to)
                .subject(subject)
                .header(ContentType::TEXT_PLAIN)
                .body(body)
                .map_err(|e| DigestError::Send(e.to_string()))?;
            transport
                .send(message)
                .await
                .map_err(|e| DigestError::Send(e.to_string()))?;
            sent += 1;
        }
        Ok(sent)
    }

    /// Subject and body of one user's digest; `None` when there is nothing to send.
    async fn digest_of(
        &self,
        actor: &Actor,
        name: &str,
        settings: &JobSettings,
        day: Date,
        link: &str,
    ) -> Result<Option<(String, String)>, DigestError> {
        // A substitute without a running substitution has no worklist: no mail.
        if authorize(actor, Action::ListCases, &actor.municipality).is_err() {
            return Ok(None);
        }
        let items = match self
            .worklist(actor, Scope::Of(actor.user_id), day, &settings.deadlines)
            .await
        {
            Ok(items) => items,
            // A substitute without a running substitution has no worklist: no mail.
            Err(Error::Denied(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(compose(name, &counts(&items, day), link))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_counts_without_names() {
        let counts = BTreeMap::from([
            (DeadlineKind::NotificationUnhandled, (2, 1)),
            (DeadlineKind::AgreementOverdue, (1, 1)),
        ]);
        let (subject, body) = compose("Cora", &counts, "https://nazorg.example/mijn-werk").unwrap();
        assert_eq!(subject, "Nazorg: 3 punten op uw werklijst");
        assert!(body.contains("- Melding nog niet opgepakt: 2 (1 te laat)"));
        assert!(body.contains("https://nazorg.example/mijn-werk"));
        assert_eq!(compose("Cora", &BTreeMap::new(), "x"), None);
    }
}
