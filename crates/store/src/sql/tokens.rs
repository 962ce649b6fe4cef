//! API tokens of machine clients and the secret links of calendar feeds (both stored only
//! as hashes).

use crate::Result;
use crate::db::{Tx, execute, fetch_all, fetch_optional, scalar_one};
use crate::model::{ApiTokenInfo, User};
use crate::sql::users::{USER_COLUMNS, actor_of};
use nazorg_domain::access::{Actor, TokenScope};
use nazorg_domain::ids::{ApiTokenId, UserId};
use time::OffsetDateTime;

/// An API token to store, checked by the caller.
pub struct NewApiToken<'a> {
    pub user_id: UserId,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub scopes: &'a [TokenScope],
}

/// The scopes as stored: their codes, comma-separated.
fn scopes_text(scopes: &[TokenScope]) -> String {
    scopes
        .iter()
        .map(|s| s.code())
        .collect::<Vec<_>>()
        .join(",")
}

/// The stored scopes; codes no longer known are left out.
fn parse_scopes(text: &str) -> Vec<TokenScope> {
    text.split(',').filter_map(TokenScope::parse).collect()
}

impl Tx {
    pub async fn insert_api_token(&mut self, t: &NewApiToken<'_>) -> Result<ApiTokenId> {
        let scopes = scopes_text(t.scopes);
        Ok(scalar_one!(
            self,
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at, scopes) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            [
                t.user_id,
                t.name,
                t.token_hash,
                t.created_at,
                t.expires_at,
                &scopes
            ]
        ))
    }

    /// The user (not yet enriched) and scopes of a token neither revoked nor expired at
    /// `at`, of an active user.
    pub async fn api_token(
        &mut self,
        hash: &str,
        at: OffsetDateTime,
    ) -> Result<Option<(Actor, Vec<TokenScope>)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: User,
            scopes: String,
        }
        let row: Option<Row> = fetch_optional!(
            self,
            &format!(
                "SELECT {USER_COLUMNS}, t.scopes FROM api_tokens t JOIN users u ON u.id = t.user_id \
                 WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND u.active = $3"
            ),
            [hash, at, true]
        );
        Ok(row.map(|r| (actor_of(r.user), parse_scopes(&r.scopes))))
    }

    /// The tokens of a user, oldest first, revoked ones too.
    pub async fn list_api_tokens(&mut self, username: &str) -> Result<Vec<ApiTokenInfo>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            info: ApiTokenInfo,
            scopes: String,
            revoked_at: Option<OffsetDateTime>,
        }
        let rows: Vec<Row> = fetch_all!(
            self,
            "SELECT t.id, t.name, t.scopes, t.created_at, t.expires_at, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE u.username = $1 ORDER BY t.id",
            [username]
        );
        Ok(rows
            .into_iter()
            .map(|r| ApiTokenInfo {
                scopes: parse_scopes(&r.scopes),
                revoked: r.revoked_at.is_some(),
                ..r.info
            })
            .collect())
    }

    /// Revokes a token not revoked yet; whether there was one.
    pub async fn revoke_api_token(
        &mut self,
        token_id: ApiTokenId,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let changed = execute!(
            self,
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
            [at, token_id]
        );
        Ok(changed > 0)
    }

    /// Revokes the calendar links of a user.
    pub async fn revoke_calendar_tokens(
        &mut self,
        user_id: UserId,
        at: OffsetDateTime,
    ) -> Result<()> {
        execute!(
            self,
            "UPDATE calendar_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
            [at, user_id]
        );
        Ok(())
    }

    pub async fn insert_calendar_token(
        &mut self,
        hash: &str,
        user_id: UserId,
        at: OffsetDateTime,
    ) -> Result<()> {
        execute!(
            self,
            "INSERT INTO calendar_tokens (token_hash, user_id, created_at) VALUES ($1, $2, $3)",
            [hash, user_id, at]
        );
        Ok(())
    }

    /// Whether a user has a calendar link that is not revoked.
    pub async fn has_calendar_token(&mut self, user_id: UserId) -> Result<bool> {
        let n: i64 = scalar_one!(
            self,
            "SELECT COUNT(*) FROM calendar_tokens WHERE user_id = $1 AND revoked_at IS NULL",
            [user_id]
        );
        Ok(n > 0)
    }

    /// The active user (not yet enriched) of a calendar link that is not revoked.
    pub async fn calendar_actor(&mut self, hash: &str) -> Result<Option<Actor>> {
        let row: Option<User> = fetch_optional!(
            self,
            &format!(
                "SELECT {USER_COLUMNS} FROM calendar_tokens t JOIN users u ON u.id = t.user_id \
                 WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = $2"
            ),
            [hash, true]
        );
        Ok(row.map(actor_of))
    }
}
