//! Single sign-on (OpenID Connect): sign-ins under way, and the local users of provider
//! accounts.

use crate::Result;
use crate::db::{Tx, execute, fetch_optional, now, scalar_one, sql};
use nazorg_domain::access::Role;
use nazorg_domain::ids::{PartnerId, UserId};
use sqlx::QueryBuilder;
use time::OffsetDateTime;

/// A sign-in under way, as the provider's answer will be checked against it.
#[derive(sqlx::FromRow)]
pub struct OidcLogin {
    #[sqlx(rename = "pkce_verifier")]
    pub verifier: String,
    pub nonce: String,
    pub next_path: String,
    pub expires_at: OffsetDateTime,
}

/// A local user for a provider account, made on its first sign-in; checked by the caller.
pub struct NewOidcUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub municipality: &'a str,
    pub partner_id: Option<PartnerId>,
    pub issuer: &'a str,
    pub subject: &'a str,
}

/// What the provider decides of a local user on every sign-in.
pub struct OidcUserUpdate<'a> {
    pub role: Role,
    pub partner_id: Option<PartnerId>,
    pub municipality: &'a str,
    /// `None`: the provider gave no name, the local one stays.
    pub display_name: Option<&'a str>,
}

impl Tx {
    /// Drops the sign-ins under way that ran out before `at`.
    pub async fn drop_expired_oidc_logins(&mut self, at: OffsetDateTime) -> Result<()> {
        execute!(self, "DELETE FROM oidc_logins WHERE expires_at < $1", [at]);
        Ok(())
    }

    /// Stores a sign-in under way by the hash of its `state`.
    pub async fn insert_oidc_login(&mut self, state_hash: &str, login: &OidcLogin) -> Result<()> {
        execute!(
            self,
            "INSERT INTO oidc_logins (state_hash, pkce_verifier, nonce, next_path, expires_at) VALUES ($1, $2, $3, $4, $5)",
            [
                state_hash,
                &login.verifier,
                &login.nonce,
                &login.next_path,
                login.expires_at
            ]
        );
        Ok(())
    }

    /// Deletes the sign-in of a `state` and returns it, expired or not.
    pub async fn take_oidc_login(&mut self, state_hash: &str) -> Result<Option<OidcLogin>> {
        Ok(fetch_optional!(
            self,
            "DELETE FROM oidc_logins WHERE state_hash = $1 RETURNING pkce_verifier, nonce, next_path, expires_at",
            [state_hash]
        ))
    }

    /// The id, whether active, and the provider subject of the user with a username.
    pub async fn user_by_name(
        &mut self,
        username: &str,
    ) -> Result<Option<(UserId, bool, Option<String>)>> {
        Ok(fetch_optional!(
            self,
            "SELECT id, active, oidc_subject FROM users WHERE username = $1",
            [username]
        ))
    }

    /// The id, username and whether active of the user linked to a provider account.
    pub async fn user_by_oidc_subject(
        &mut self,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<(UserId, String, bool)>> {
        Ok(fetch_optional!(
            self,
            "SELECT id, username, active FROM users WHERE oidc_issuer = $1 AND oidc_subject = $2",
            [issuer, subject]
        ))
    }

    pub async fn rename_user(&mut self, user_id: UserId, username: &str) -> Result<()> {
        execute!(
            self,
            "UPDATE users SET username = $1 WHERE id = $2",
            [username, user_id]
        );
        Ok(())
    }

    /// Links a local user to a provider account.
    pub async fn link_oidc_subject(
        &mut self,
        user_id: UserId,
        issuer: &str,
        subject: &str,
    ) -> Result<()> {
        execute!(
            self,
            "UPDATE users SET oidc_issuer = $1, oidc_subject = $2 WHERE id = $3",
            [issuer, subject, user_id]
        );
        Ok(())
    }

    /// Adds an active user who signs in through the provider only (no password).
    pub async fn insert_oidc_user(&mut self, u: &NewOidcUser<'_>) -> Result<UserId> {
        Ok(scalar_one!(
            self,
            "INSERT INTO users (username, display_name, password_hash, role, municipality_code, active, created_at, updated_at, partner_id, oidc_issuer, oidc_subject) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10) RETURNING id",
            [
                u.username,
                u.display_name,
                // No password: this account signs in through the provider only.
                "!oidc",
                u.role,
                u.municipality,
                true,
                now(),
                u.partner_id,
                u.issuer,
                u.subject
            ]
        ))
    }

    /// Stores what the provider decides of a user: role, partner, municipality, and the
    /// name when it gave one.
    pub async fn update_oidc_user(
        &mut self,
        user_id: UserId,
        u: &OidcUserUpdate<'_>,
    ) -> Result<()> {
        sql!(self, |c| {
            let mut update = QueryBuilder::<DB>::new("UPDATE users SET role = ");
            update
                .push_bind(u.role)
                .push(", partner_id = ")
                .push_bind(u.partner_id)
                .push(", municipality_code = ")
                .push_bind(u.municipality.to_string())
                .push(", updated_at = ")
                .push_bind(now());
            if let Some(name) = u.display_name {
                update.push(", display_name = ").push_bind(name.to_string());
            }
            update.push(" WHERE id = ").push_bind(user_id);
            update.build().execute(&mut *c).await?.rows_affected()
        });
        Ok(())
    }
}
