//! API tokens of machine clients, and the secret links of users' calendar feeds. The
//! tokens themselves are shown once and stored only as hashes.

use super::secrets::{new_token, token_hash};
use super::users::enrich;
use crate::error::invalid;
use crate::{ApiTokenInfo, App, Result, validate};
use nazorg_domain::access::{Actor, TokenScope};
use nazorg_domain::ids::ApiTokenId;
use nazorg_store::NewApiToken;
use time::{Duration, OffsetDateTime};

impl App {
    /// Creates an API token for a user, to read and write; the token itself is shown once
    /// and stored hashed.
    pub async fn create_api_token(&self, username: &str, name: &str, days: i64) -> Result<String> {
        Ok(self
            .create_scoped_api_token(username, name, days, &[TokenScope::Read, TokenScope::Write])
            .await?
            .1)
    }

    /// Creates an API token limited to `scopes`; returns its id and the token.
    pub async fn create_scoped_api_token(
        &self,
        username: &str,
        name: &str,
        days: i64,
        scopes: &[TokenScope],
    ) -> Result<(ApiTokenId, String)> {
        let token = format!("nzg_{}", new_token());
        let mut tx = self.db.autocommit().await?;
        let user_id = tx
            .user_id_by_name(username)
            .await?
            .ok_or_else(|| invalid(format!("Gebruiker '{username}' bestaat niet.")))?;
        if scopes.is_empty() {
            return Err(invalid(
                "Geef het token minstens één bereik: read, write of notifications.",
            ));
        }
        let name = validate::text("de naam", name, 100, true)?;
        let at = OffsetDateTime::now_utc();
        let id = tx
            .insert_api_token(&NewApiToken {
                user_id,
                name: &name,
                token_hash: &token_hash(&token),
                created_at: at,
                expires_at: at + Duration::days(days.clamp(1, 366)),
                scopes,
            })
            .await?;
        Ok((id, token))
    }

    /// The user and scopes of a live API token.
    pub async fn api_token(&self, token: &str) -> Result<Option<(Actor, Vec<TokenScope>)>> {
        let mut tx = self.db.autocommit().await?;
        match tx
            .api_token(&token_hash(token), OffsetDateTime::now_utc())
            .await?
        {
            Some((actor, scopes)) => Ok(Some((enrich(&mut tx, actor).await?, scopes))),
            None => Ok(None),
        }
    }

    /// The API tokens of a user, oldest first, revoked ones too.
    pub async fn list_api_tokens(&self, username: &str) -> Result<Vec<ApiTokenInfo>> {
        Ok(self
            .db
            .autocommit()
            .await?
            .list_api_tokens(username)
            .await?)
    }

    /// Revokes an API token; `NotFound` when there is no such token or it was revoked.
    pub async fn revoke_api_token(&self, token_id: ApiTokenId) -> Result<()> {
        let revoked = self
            .db
            .autocommit()
            .await?
            .revoke_api_token(token_id, OffsetDateTime::now_utc())
            .await?;
        crate::error::found(revoked)
    }

    /// A new secret calendar link (the token is returned once; the old link stops working).
    pub async fn create_calendar_token(&self, actor: &Actor) -> Result<String> {
        self.gated(actor, "create_calendar_token", async {
            let token = new_token();
            let at = OffsetDateTime::now_utc();
            let mut tx = self.db.begin().await?;
            tx.revoke_calendar_tokens(actor.user_id, at).await?;
            tx.insert_calendar_token(&token_hash(&token), actor.user_id, at)
                .await?;
            tx.commit().await?;
            Ok(token)
        })
        .await
    }

    /// Stops the actor's calendar link.
    pub async fn revoke_calendar_token(&self, actor: &Actor) -> Result<()> {
        self.gated(actor, "revoke_calendar_token", async {
            let mut tx = self.db.autocommit().await?;
            tx.revoke_calendar_tokens(actor.user_id, OffsetDateTime::now_utc())
                .await?;
            Ok(())
        })
        .await
    }

    /// Whether the actor has a calendar link that works.
    pub async fn has_calendar_token(&self, actor: &Actor) -> Result<bool> {
        self.gated(actor, "has_calendar_token", async {
            Ok(self
                .db
                .autocommit()
                .await?
                .has_calendar_token(actor.user_id)
                .await?)
        })
        .await
    }

    /// The user of a calendar link that works, for the calendar feed.
    pub async fn calendar_actor(&self, token: &str) -> Result<Option<Actor>> {
        let mut tx = self.db.autocommit().await?;
        match tx.calendar_actor(&token_hash(token)).await? {
            Some(actor) => Ok(Some(enrich(&mut tx, actor).await?)),
            None => Ok(None),
        }
    }
}
