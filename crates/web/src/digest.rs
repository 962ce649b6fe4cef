//! The daily digest e-mail: per user the number of things on their worklist, with a link.
//! Counts and links only: no names, no case details leave the system by e-mail.

use crate::Config;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use nazorg_domain::Coded;
use nazorg_domain::deadlines::DeadlineKind;
use nazorg_store::{Scope, Store};
use std::collections::BTreeMap;
use time::Date;

/// Where and how mail goes out.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `smtp://host:port` (plain, for a relay on the local network), `smtp://host?tls=required`
    /// (STARTTLS) or `smtps://host` (TLS); user and password may be in the URL.
    pub smtp_url: String,
    /// The sender, e.g. `Nazorg <nazorg@gemeente.nl>`.
    pub from: String,
    /// Dutch local hour from which the day's digest is sent.
    pub hour: u8,
}

#[derive(Debug, thiserror::Error)]
pub enum DigestError {
    #[error("e-mailinstellingen: {0}")]
    Config(String),
    #[error("versturen: {0}")]
    Send(String),
    #[error(transparent)]
    Store(#[from] nazorg_store::StoreError),
}

/// The text of one user's digest, or `None` when their list is empty.
pub fn compose(
    name: &str,
    counts: &BTreeMap<DeadlineKind, (usize, usize)>,
    link: &str,
) -> Option<(String, String)> {
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

/// Sends every user's digest for `day`; returns how many were sent.
pub async fn send_all(store: &Store, config: &Config, day: Date) -> Result<usize, DigestError> {
    let mail = config
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
    let link = format!("{}/mijn-werk", config.public_url.trim_end_matches('/'));
    let mut sent = 0;
    for (actor, name, email) in store.digest_users().await? {
        // A substitute without a running substitution has no worklist: no mail.
        if nazorg_domain::access::authorize(
            &actor,
            nazorg_domain::access::Action::ListCases,
            &actor.municipality,
        )
        .is_err()
        {
            continue;
        }
        let items = match store
            .worklist(&actor, Scope::Of(actor.user_id), day, &config.deadlines)
            .await
        {
            Ok(items) => items,
            // A substitute without a running substitution has no worklist: no mail.
            Err(nazorg_store::StoreError::Denied(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        let mut counts: BTreeMap<DeadlineKind, (usize, usize)> =
            DeadlineKind::all().iter().map(|k| (*k, (0, 0))).collect();
        for item in &items {
            let entry = counts.entry(item.deadline.kind).or_default();
            entry.0 += 1;
            if item.deadline.due < day {
                entry.1 += 1;
            }
        }
        counts.retain(|_, (n, _)| *n > 0);
        let Some((subject, body)) = compose(&name, &counts, &link) else {
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
