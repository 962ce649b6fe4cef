//! API tokens of machine clients and the secret links of calendar feeds (both stored only
//! as hashes).

use crate::Result;
use crate::db::{Tx, sql};
use crate::model::ApiTokenInfo;
use crate::sql::users::{USER_COLUMNS, UserRow};
use nazorg_domain::access::{Actor, TokenScope};
use time::OffsetDateTime;

/// An API token to store, checked by the caller.
pub struct NewApiToken<'a> {
    pub user_id: i64,
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
    pub async fn insert_api_token(&mut self, t: &NewApiToken<'_>) -> Result<i64> {
        let scopes = scopes_text(t.scopes);
        Ok(sql!(self, |c| {
            sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at, scopes) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
        )
        .bind(t.user_id)
        .bind(t.name)
        .bind(t.token_hash)
        .bind(t.created_at)
        .bind(t.expires_at)
        .bind(&scopes)
        .fetch_one(&mut *c)
        .await?
        }))
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
            user: UserRow,
            scopes: String,
        }
        let row: Option<Row> = sql!(self, |c| {
            sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS}, t.scopes FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND u.active = $3"
        ))
        .bind(hash)
        .bind(at)
        .bind(true)
        .fetch_optional(&mut *c)
        .await?
        });
        Ok(row.map(|r| (r.user.into_actor(), parse_scopes(&r.scopes))))
    }

    /// The tokens of a user, oldest first, revoked ones too.
    pub async fn list_api_tokens(&mut self, username: &str) -> Result<Vec<ApiTokenInfo>> {
        type Row = (
            i64,
            String,
            String,
            OffsetDateTime,
            OffsetDateTime,
            Option<OffsetDateTime>,
        );
        let rows: Vec<Row> = sql!(self, |c| {
            sqlx::query_as(
            "SELECT t.id, t.name, t.scopes, t.created_at, t.expires_at, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE u.username = $1 ORDER BY t.id"
        )
        .bind(username)
        .fetch_all(&mut *c)
        .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, name, scopes, created_at, expires_at, revoked_at)| ApiTokenInfo {
                    id,
                    name,
                    scopes: parse_scopes(&scopes),
                    created_at,
                    expires_at,
                    revoked: revoked_at.is_some(),
                },
            )
            .collect())
    }

    /// Revokes a token not revoked yet; whether there was one.
    pub async fn revoke_api_token(&mut self, token_id: i64, at: OffsetDateTime) -> Result<bool> {
        let changed = sql!(self, |c| sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL"
        )
        .bind(at)
        .bind(token_id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(changed > 0)
    }

    /// Revokes the calendar links of a user.
    pub async fn revoke_calendar_tokens(&mut self, user_id: i64, at: OffsetDateTime) -> Result<()> {
        sql!(self, |c| sqlx::query(
            "UPDATE calendar_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL"
        )
        .bind(at)
        .bind(user_id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    }

    pub async fn insert_calendar_token(
        &mut self,
        hash: &str,
        user_id: i64,
        at: OffsetDateTime,
    ) -> Result<()> {
        sql!(self, |c| sqlx::query(
            "INSERT INTO calendar_tokens (token_hash, user_id, created_at) VALUES ($1, $2, $3)"
        )
        .bind(hash)
        .bind(user_id)
        .bind(at)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Whether a user has a calendar link that is not revoked.
    pub async fn has_calendar_token(&mut self, user_id: i64) -> Result<bool> {
        let n: i64 = sql!(self, |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM calendar_tokens WHERE user_id = $1 AND revoked_at IS NULL"
        )
        .bind(user_id)
        .fetch_one(&mut *c)
        .await?);
        Ok(n > 0)
    }

    /// The active user (not yet enriched) of a calendar link that is not revoked.
    pub async fn calendar_actor(&mut self, hash: &str) -> Result<Option<Actor>> {
        let row: Option<UserRow> = sql!(self, |c| sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM calendar_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = $2"
        ))
        .bind(hash)
        .bind(true)
        .fetch_optional(&mut *c)
        .await?);
        Ok(row.map(UserRow::into_actor))
    }
}
