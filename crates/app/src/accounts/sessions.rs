//! Sessions of the web interface: started after a login, found by their cookie, ended by
//! logging out or by time.

use super::secrets::{new_token, token_hash};
use super::users::enrich;
use crate::{App, Result};
use nazorg_domain::access::Actor;
use nazorg_domain::ids::UserId;
use time::{Duration, OffsetDateTime};

/// Sessions end after this long without a request…
const SESSION_IDLE: Duration = Duration::minutes(60);
/// …and in any case after this long.
const SESSION_ABSOLUTE: Duration = Duration::hours(12);
/// A session's idle timer is stored again only after this long, not on every request.
const TOUCH_AFTER: Duration = Duration::minutes(1);

impl App {
    /// Starts a session; returns the cookie value and the CSRF token.
    pub async fn create_session(&self, user_id: UserId) -> Result<(String, String)> {
        let token = new_token();
        let csrf = new_token();
        let at = OffsetDateTime::now_utc();
        self.db
            .autocommit()
            .await?
            .insert_session(
                &token_hash(&token),
                user_id,
                &csrf,
                at,
                at + SESSION_ABSOLUTE,
            )
            .await?;
        Ok((token, csrf))
    }

    /// The actor and CSRF token of a live session; touches its idle timer.
    pub async fn session(&self, token: &str) -> Result<Option<(Actor, String)>> {
        let id_hash = token_hash(token);
        let mut tx = self.db.autocommit().await?;
        let Some(record) = tx.session_record(&id_hash).await? else {
            return Ok(None);
        };
        let at = OffsetDateTime::now_utc();
        if !record.active || at >= record.expires_at || at - record.last_seen_at > SESSION_IDLE {
            tx.delete_session(&id_hash).await?;
            return Ok(None);
        }
        if at - record.last_seen_at > TOUCH_AFTER {
            tx.touch_session(&id_hash, at).await?;
        }
        Ok(Some((
            enrich(&mut tx, record.actor).await?,
            record.csrf_token,
        )))
    }

    /// Ends a session (logging out).
    pub async fn end_session(&self, token: &str) -> Result<()> {
        Ok(self
            .db
            .autocommit()
            .await?
            .delete_session(&token_hash(token))
            .await?)
    }
}
