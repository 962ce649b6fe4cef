//! The second factor (TOTP): the challenge between password and code, setting up a
//! secret on the first login that needs one, and the application key that seals the
//! secrets in the database.

use super::secrets::{self, SecretKey, new_token, new_totp_secret, token_hash, totp_matches};
use crate::{App, Result};
use nazorg_domain::ids::UserId;
use time::{Duration, OffsetDateTime};

/// How long the code page of a challenge may be answered.
const CHALLENGE_VALID: Duration = Duration::minutes(5);

impl App {
    /// Seals second-factor secrets with this key from now on, and seals the ones stored
    /// unsealed so far.
    pub async fn with_secret_key(mut self, key: [u8; 32]) -> Result<App> {
        self.secret_key = Some(SecretKey::new(key));
        let mut tx = self.db.autocommit().await?;
        for (user, secret) in tx.unsealed_totp_secrets().await? {
            let sealed = secrets::seal(&key, &secret);
            tx.set_totp_secret(user, &sealed).await?;
        }
        drop(tx);
        Ok(self)
    }

    /// A secret as it is stored: sealed with the application key, if there is one.
    fn seal(&self, secret: &str) -> String {
        match &self.secret_key {
            Some(key) => secrets::seal(key.bytes(), secret),
            None => secret.to_string(),
        }
    }

    /// A stored secret as it is used.
    fn open(&self, stored: &str) -> Result<String> {
        secrets::open(self.secret_key.as_ref().map(SecretKey::bytes), stored)
    }

    /// After a correct password: `None` when no code is needed, else a challenge token for
    /// the code page (with a new secret to set up when the user has none yet).
    pub async fn second_factor_challenge(&self, user_id: UserId) -> Result<Option<String>> {
        let mut tx = self.db.autocommit().await?;
        let (required, secret) = tx.second_factor(user_id).await?;
        if !required && secret.is_none() {
            return Ok(None);
        }
        let pending = if secret.is_none() {
            Some(self.seal(&new_totp_secret()))
        } else {
            None
        };
        let token = new_token();
        tx.insert_login_challenge(
            &token_hash(&token),
            user_id,
            pending.as_deref(),
            OffsetDateTime::now_utc() + CHALLENGE_VALID,
        )
        .await?;
        Ok(Some(token))
    }

    /// The user of a live challenge and the secret to show for set-up, if any.
    pub async fn challenge(&self, token: &str) -> Result<Option<(UserId, Option<String>)>> {
        let found = self
            .db
            .autocommit()
            .await?
            .login_challenge(&token_hash(token), OffsetDateTime::now_utc())
            .await?;
        match found {
            None => Ok(None),
            Some((user, _, pending)) => {
                Ok(Some((user, pending.map(|p| self.open(&p)).transpose()?)))
            }
        }
    }

    /// Checks the code of a challenge; on success the challenge ends (saving a new secret)
    /// and the user id is returned.
    pub async fn answer_challenge(&self, token: &str, code: &str) -> Result<Option<UserId>> {
        let hash = token_hash(token);
        let found = self
            .db
            .autocommit()
            .await?
            .login_challenge(&hash, OffsetDateTime::now_utc())
            .await?;
        let Some((user, secret, pending)) = found else {
            return Ok(None);
        };
        let Some(secret) = pending.or(secret) else {
            return Ok(None);
        };
        let secret = self.open(&secret)?;
        if !totp_matches(&secret, code) {
            return Ok(None);
        }
        self.complete_login_challenge(&hash).await?;
        Ok(Some(user))
    }

    /// Ends a challenge; when it set up a secret, the secret becomes the user's. Challenges
    /// that ran out go at the same time.
    async fn complete_login_challenge(&self, hash: &str) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if let Some((user, Some(secret))) = tx.challenge_pending_secret(hash).await? {
            tx.set_totp_secret(user, &secret).await?;
        }
        tx.delete_login_challenges(hash, OffsetDateTime::now_utc())
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
