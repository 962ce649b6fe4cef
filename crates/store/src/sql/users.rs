//! Users: accounts and their credentials, failed logins, e-mail addresses, the second
//! factor's settings, and the one-time setup of the first administrator.

use crate::Result;
use crate::db::{Tx, sql};
use crate::model::User;
use nazorg_domain::access::{Actor, Role};
use nazorg_domain::referral::PartnerKind;
use time::{Date, OffsetDateTime};

/// A user to add, checked by the caller; the password already hashed.
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub municipality: &'a str,
    pub partner_id: Option<i64>,
}

/// What a login is checked against: the account (as an actor, not yet enriched with its
/// substitution and partner), its password hash and how long it waits after failures.
pub struct UserCredentials {
    pub actor: Actor,
    pub password_hash: String,
    pub locked_until: Option<OffsetDateTime>,
}

/// The columns of a user that [`UserRow`] reads (table alias `u`).
pub(crate) const USER_COLUMNS: &str =
    "u.id, u.username, u.display_name, u.role, u.municipality_code, u.active, u.partner_id";

/// A user as [`USER_COLUMNS`] select it; other areas' rows flatten it in.
#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    pub(crate) id: i64,
    pub(crate) username: String,
    pub(crate) display_name: String,
    pub(crate) role: Role,
    pub(crate) municipality_code: String,
    pub(crate) active: bool,
    pub(crate) partner_id: Option<i64>,
}

impl UserRow {
    pub(crate) fn into_user(self) -> User {
        User {
            id: self.id,
            role: self.role,
            username: self.username,
            display_name: self.display_name,
            municipality_code: self.municipality_code,
            active: self.active,
            partner_id: self.partner_id,
        }
    }

    /// The user as an actor; whether a substitution runs is for the caller to fill in.
    pub(crate) fn into_actor(self) -> Actor {
        Actor {
            user_id: self.id,
            role: self.role,
            username: self.username,
            municipality: self.municipality_code,
            partner_id: self.partner_id,
            substituting: false,
        }
    }
}

impl Tx {
    pub async fn count_users(&mut self) -> Result<i64> {
        Ok(sql!(self, |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM users"
        )
        .fetch_one(&mut *c)
        .await?))
    }

    /// The kind of a partner, when it is active and of this municipality.
    pub async fn active_partner_kind(
        &mut self,
        partner_id: i64,
        municipality: &str,
    ) -> Result<Option<PartnerKind>> {
        Ok(sql!(self, |c| sqlx::query_scalar(
            "SELECT kind FROM partners WHERE id = $1 AND municipality_code = $2 AND active = $3"
        )
        .bind(partner_id)
        .bind(municipality)
        .bind(true)
        .fetch_optional(&mut *c)
        .await?))
    }

    /// Adds an active user; a username taken already is a unique-key violation.
    pub async fn insert_user(&mut self, u: &NewUser<'_>) -> Result<i64> {
        let at = OffsetDateTime::now_utc();
        Ok(sql!(self, |c| {
            sqlx::query_scalar(
                "INSERT INTO users (username, display_name, password_hash, role, municipality_code, active, created_at, updated_at, partner_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id",
            )
            .bind(u.username)
            .bind(u.display_name)
            .bind(u.password_hash)
            .bind(u.role)
            .bind(u.municipality)
            .bind(true)
            .bind(at)
            .bind(u.partner_id)
            .fetch_one(&mut *c)
            .await?
        }))
    }

    /// All users, or those of one municipality, by username.
    pub async fn list_users(&mut self, municipality: Option<&str>) -> Result<Vec<User>> {
        let rows: Vec<UserRow> = sql!(self, |c| {
            sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE $1 IS NULL OR u.municipality_code = $1 ORDER BY u.username"
        ))
        .bind(municipality)
        .fetch_all(&mut *c)
        .await?
        });
        Ok(rows.into_iter().map(UserRow::into_user).collect())
    }

    /// The credentials of an active user with exactly this username.
    pub async fn user_credentials(&mut self, username: &str) -> Result<Option<UserCredentials>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: UserRow,
            password_hash: String,
            locked_until: Option<OffsetDateTime>,
        }
        let row: Option<Row> = sql!(self, |c| {
            sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS}, u.password_hash, u.locked_until FROM users u WHERE u.username = $1 AND u.active = $2"
        ))
        .bind(username)
        .bind(true)
        .fetch_optional(&mut *c)
        .await?
        });
        Ok(row.map(|r| UserCredentials {
            actor: r.user.into_actor(),
            password_hash: r.password_hash,
            locked_until: r.locked_until,
        }))
    }

    /// Counts a failed login; returns the failures in a row so far.
    pub async fn add_failed_login(&mut self, user_id: i64) -> Result<i64> {
        Ok(sql!(self, |c| {
            sqlx::query_scalar(
            "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins"
        )
        .bind(user_id)
        .fetch_one(&mut *c)
        .await?
        }))
    }

    /// Makes an account wait until `until` before it can log in again.
    pub async fn lock_user(&mut self, user_id: i64, until: OffsetDateTime) -> Result<()> {
        sql!(self, |c| sqlx::query(
            "UPDATE users SET locked_until = $1 WHERE id = $2"
        )
        .bind(until)
        .bind(user_id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Clears the failed logins and the wait after a successful login.
    pub async fn reset_failed_logins(&mut self, user_id: i64) -> Result<()> {
        sql!(self, |c| sqlx::query(
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1"
        )
        .bind(user_id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Whether a user stands in for someone on `day`.
    pub async fn substitution_running(&mut self, user_id: i64, day: Date) -> Result<bool> {
        let running: i64 = sql!(self, |c| {
            sqlx::query_scalar(
            "SELECT COUNT(*) FROM absences WHERE substitute_id = $1 AND starts_on <= $2 AND ends_on >= $2"
        )
        .bind(user_id)
        .bind(day)
        .fetch_one(&mut *c)
        .await?
        });
        Ok(running > 0)
    }

    /// Whether a partner organisation is active (`None`: there is no such partner).
    pub async fn partner_is_active(&mut self, partner_id: i64) -> Result<Option<bool>> {
        Ok(sql!(self, |c| sqlx::query_scalar(
            "SELECT active FROM partners WHERE id = $1"
        )
        .bind(partner_id)
        .fetch_optional(&mut *c)
        .await?))
    }

    pub async fn user_id_by_name(&mut self, username: &str) -> Result<Option<i64>> {
        Ok(sql!(self, |c| sqlx::query_scalar(
            "SELECT id FROM users WHERE username = $1"
        )
        .bind(username)
        .fetch_optional(&mut *c)
        .await?))
    }

    pub async fn set_user_email(&mut self, user_id: i64, email: Option<&str>) -> Result<()> {
        let at = OffsetDateTime::now_utc();
        sql!(self, |c| sqlx::query(
            "UPDATE users SET email = $1, updated_at = $2 WHERE id = $3"
        )
        .bind(email)
        .bind(at)
        .bind(user_id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Active (substitute) coordinators with an e-mail address: (actor, not yet enriched;
    /// display name; e-mail address), in the order of their ids.
    pub async fn digest_users(&mut self) -> Result<Vec<(Actor, String, String)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: UserRow,
            email: String,
        }
        let rows: Vec<Row> = sql!(self, |c| {
            sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS}, u.email FROM users u WHERE u.active = $1 AND u.email IS NOT NULL AND u.role IN ('coordinator', 'substitute_coordinator') ORDER BY u.id"
        ))
        .bind(true)
        .fetch_all(&mut *c)
        .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| {
                let name = r.user.display_name.clone();
                (r.user.into_actor(), name, r.email)
            })
            .collect())
    }

    pub async fn set_totp_required(&mut self, user_id: i64, required: bool) -> Result<()> {
        let at = OffsetDateTime::now_utc();
        sql!(self, |c| sqlx::query(
            "UPDATE users SET totp_required = $1, updated_at = $2 WHERE id = $3"
        )
        .bind(required)
        .bind(at)
        .bind(user_id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Whether a user must give a code, and their (stored) secret if they have one.
    pub async fn second_factor(&mut self, user_id: i64) -> Result<(bool, Option<String>)> {
        Ok(sql!(self, |c| sqlx::query_as(
            "SELECT totp_required, totp_secret FROM users WHERE id = $1"
        )
        .bind(user_id)
        .fetch_one(&mut *c)
        .await?))
    }

    /// Users whose second-factor secret is not yet sealed with the application key.
    pub async fn unsealed_totp_secrets(&mut self) -> Result<Vec<(i64, String)>> {
        Ok(sql!(self, |c| {
            sqlx::query_as(
            "SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL AND totp_secret NOT LIKE 'enc1:%'"
        )
        .fetch_all(&mut *c)
        .await?
        }))
    }

    pub async fn set_totp_secret(&mut self, user_id: i64, secret: &str) -> Result<()> {
        let at = OffsetDateTime::now_utc();
        sql!(self, |c| sqlx::query(
            "UPDATE users SET totp_secret = $1, updated_at = $2 WHERE id = $3"
        )
        .bind(secret)
        .bind(at)
        .bind(user_id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Stores a setup token (hashed).
    pub async fn create_setup_token(&mut self, hash: &str) -> Result<()> {
        let at = OffsetDateTime::now_utc();
        sql!(self, |c| sqlx::query(
            "INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)"
        )
        .bind(hash)
        .bind(at)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Marks an unused setup token used; whether there was one.
    pub async fn use_setup_token(&mut self, hash: &str) -> Result<bool> {
        let at = OffsetDateTime::now_utc();
        let used = sql!(self, |c| sqlx::query(
            "UPDATE setup_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL"
        )
        .bind(at)
        .bind(hash)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(used == 1)
    }
}
