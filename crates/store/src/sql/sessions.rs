//! Sessions of the web interface, and the login challenges between password and code.

use crate::Result;
use crate::db::{Tx, execute, fetch_optional};
use crate::model::User;
use crate::sql::users::{USER_COLUMNS, actor_of};
use nazorg_domain::access::Actor;
use nazorg_domain::ids::UserId;
use time::OffsetDateTime;

/// A stored session and its user, as found by the hash of its cookie.
pub struct SessionRecord {
    /// The user (not yet enriched with their substitution and partner).
    pub actor: Actor,
    /// Whether the user's account is active.
    pub active: bool,
    pub csrf_token: String,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

impl Tx {
    /// Stores a session started at `at`; it ends at `expires_at` at the latest.
    pub async fn insert_session(
        &mut self,
        id_hash: &str,
        user_id: UserId,
        csrf: &str,
        at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<()> {
        execute!(
            self,
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)",
            [id_hash, user_id, csrf, at, expires_at]
        );
        Ok(())
    }

    /// The session with this hash and its user, live or not.
    pub async fn session_record(&mut self, id_hash: &str) -> Result<Option<SessionRecord>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: User,
            csrf_token: String,
            last_seen_at: OffsetDateTime,
            expires_at: OffsetDateTime,
        }
        let row: Option<Row> = fetch_optional!(
            self,
            &format!(
                "SELECT {USER_COLUMNS}, s.csrf_token, s.last_seen_at, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1"
            ),
            [id_hash]
        );
        Ok(row.map(|r| SessionRecord {
            active: r.user.active,
            actor: actor_of(r.user),
            csrf_token: r.csrf_token,
            last_seen_at: r.last_seen_at,
            expires_at: r.expires_at,
        }))
    }

    /// Notes that a session was used at `at` (its idle timer starts again).
    pub async fn touch_session(&mut self, id_hash: &str, at: OffsetDateTime) -> Result<()> {
        execute!(
            self,
            "UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2",
            [at, id_hash]
        );
        Ok(())
    }

    pub async fn delete_session(&mut self, id_hash: &str) -> Result<()> {
        execute!(self, "DELETE FROM sessions WHERE id_hash = $1", [id_hash]);
        Ok(())
    }

    /// Stores the step between password and code, with the secret being set up, if any.
    pub async fn insert_login_challenge(
        &mut self,
        hash: &str,
        user_id: UserId,
        pending_secret: Option<&str>,
        expires_at: OffsetDateTime,
    ) -> Result<()> {
        execute!(
            self,
            "INSERT INTO login_challenges (token_hash, user_id, pending_secret, expires_at) VALUES ($1, $2, $3, $4)",
            [hash, user_id, pending_secret, expires_at]
        );
        Ok(())
    }

    /// The user, their secret and the secret they are setting up, of a challenge still
    /// live at `at` of an active user.
    pub async fn login_challenge(
        &mut self,
        hash: &str,
        at: OffsetDateTime,
    ) -> Result<Option<(UserId, Option<String>, Option<String>)>> {
        Ok(fetch_optional!(
            self,
            "SELECT c.user_id, u.totp_secret, c.pending_secret FROM login_challenges c JOIN users u ON u.id = c.user_id \
             WHERE c.token_hash = $1 AND c.expires_at > $2 AND u.active = $3",
            [hash, at, true]
        ))
    }

    /// The user of a challenge and the secret it sets up, if any, live or not.
    pub async fn challenge_pending_secret(
        &mut self,
        hash: &str,
    ) -> Result<Option<(UserId, Option<String>)>> {
        Ok(fetch_optional!(
            self,
            "SELECT user_id, pending_secret FROM login_challenges WHERE token_hash = $1",
            [hash]
        ))
    }

    /// Deletes a challenge, and every challenge that ran out before `at`.
    pub async fn delete_login_challenges(&mut self, hash: &str, at: OffsetDateTime) -> Result<()> {
        execute!(
            self,
            "DELETE FROM login_challenges WHERE token_hash = $1 OR expires_at < $2",
            [hash, at]
        );
        Ok(())
    }
}
