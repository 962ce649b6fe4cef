//! Users: accounts and their credentials, failed logins, e-mail addresses, the second
//! factor's settings, and the one-time setup of the first administrator.

use crate::Result;
use crate::db::{
    Tx, execute, fetch_all, fetch_one, fetch_optional, now, scalar_one, scalar_optional, sql,
};
use crate::model::User;
use nazorg_domain::access::{Actor, Role};
use nazorg_domain::ids::{PartnerId, UserId};
use nazorg_domain::referral::PartnerKind;
use time::{Date, OffsetDateTime};

/// A user to add, checked by the caller; the password already hashed.
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub municipality: &'a str,
    pub partner_id: Option<PartnerId>,
}

/// What a login is checked against: the account (as an actor, not yet enriched with its
/// substitution and partner) and its password hash. How long it waits after failures is
/// read when the attempt is claimed ([`Tx::claim_login_attempt`]).
pub struct UserCredentials {
    pub actor: Actor,
    pub password_hash: String,
}

/// The columns of a [`User`] (table alias `u`); other areas' rows flatten the user in.
pub(crate) const USER_COLUMNS: &str =
    "u.id, u.username, u.display_name, u.role, u.municipality_code, u.active, u.partner_id";

/// A user as an actor; whether a substitution runs is for the caller to fill in.
pub(crate) fn actor_of(user: User) -> Actor {
    Actor {
        user_id: user.id,
        role: user.role,
        username: user.username,
        municipality: user.municipality_code,
        partner_id: user.partner_id,
        substituting: false,
    }
}

impl Tx {
    pub async fn count_users(&mut self) -> Result<i64> {
        Ok(scalar_one!(self, "SELECT COUNT(*) FROM users"))
    }

    /// The kind of a partner, when it is active and of this municipality.
    pub async fn active_partner_kind(
        &mut self,
        partner_id: PartnerId,
        municipality: &str,
    ) -> Result<Option<PartnerKind>> {
        Ok(scalar_optional!(
            self,
            "SELECT kind FROM partners WHERE id = $1 AND municipality_code = $2 AND active = $3",
            [partner_id, municipality, true]
        ))
    }

    /// Adds an active user; a username taken already is a unique-key violation.
    pub async fn insert_user(&mut self, u: &NewUser<'_>) -> Result<UserId> {
        Ok(scalar_one!(
            self,
            "INSERT INTO users (username, display_name, password_hash, role, municipality_code, active, created_at, updated_at, partner_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id",
            [
                u.username,
                u.display_name,
                u.password_hash,
                u.role,
                u.municipality,
                true,
                now(),
                u.partner_id
            ]
        ))
    }

    /// All users, or those of one municipality, by username.
    pub async fn list_users(&mut self, municipality: Option<&str>) -> Result<Vec<User>> {
        Ok(fetch_all!(
            self,
            &format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE $1 IS NULL OR u.municipality_code = $1 ORDER BY u.username"
            ),
            [municipality]
        ))
    }

    /// The credentials of an active user with exactly this username.
    pub async fn user_credentials(&mut self, username: &str) -> Result<Option<UserCredentials>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: User,
            password_hash: String,
        }
        let row: Option<Row> = fetch_optional!(
            self,
            &format!(
                "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = $1 AND u.active = $2"
            ),
            [username, true]
        );
        Ok(row.map(|r| UserCredentials {
            actor: actor_of(r.user),
            password_hash: r.password_hash,
        }))
    }

    /// Claims one login attempt on an account, in the transaction's lock of its row: the
    /// time it waits until, if it waits at `now`; else the attempt's number in the current
    /// run of failures (it counts as failed until the password proves right). Parallel
    /// attempts are counted one after the other, never from the same count.
    pub async fn claim_login_attempt(
        &mut self,
        user_id: UserId,
        now: OffsetDateTime,
    ) -> Result<std::result::Result<i64, OffsetDateTime>> {
        let locked: Option<OffsetDateTime> = sql!(self, |c| {
            sqlx::query_scalar(&format!(
                "SELECT locked_until FROM users WHERE id = $1{FOR_UPDATE}"
            ))
            .bind(user_id)
            .fetch_one(&mut *c)
            .await?
        });
        if let Some(until) = locked.filter(|until| *until > now) {
            return Ok(Err(until));
        }
        Ok(Ok(scalar_one!(
            self,
            "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
            [user_id]
        )))
    }

    /// Makes an account wait until `until` before it can log in again.
    pub async fn lock_user(&mut self, user_id: UserId, until: OffsetDateTime) -> Result<()> {
        execute!(
            self,
            "UPDATE users SET locked_until = $1 WHERE id = $2",
            [until, user_id]
        );
        Ok(())
    }

    /// Clears the failed logins and the wait after a successful login.
    pub async fn reset_failed_logins(&mut self, user_id: UserId) -> Result<()> {
        execute!(
            self,
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
            [user_id]
        );
        Ok(())
    }

    /// Whether a user stands in for someone on `day`.
    pub async fn substitution_running(&mut self, user_id: UserId, day: Date) -> Result<bool> {
        let running: i64 = scalar_one!(
            self,
            "SELECT COUNT(*) FROM absences WHERE substitute_id = $1 AND starts_on <= $2 AND ends_on >= $2",
            [user_id, day]
        );
        Ok(running > 0)
    }

    /// Whether a partner organisation is active (`None`: there is no such partner).
    pub async fn partner_is_active(&mut self, partner_id: PartnerId) -> Result<Option<bool>> {
        Ok(scalar_optional!(
            self,
            "SELECT active FROM partners WHERE id = $1",
            [partner_id]
        ))
    }

    pub async fn user_id_by_name(&mut self, username: &str) -> Result<Option<UserId>> {
        Ok(scalar_optional!(
            self,
            "SELECT id FROM users WHERE username = $1",
            [username]
        ))
    }

    pub async fn set_user_email(&mut self, user_id: UserId, email: Option<&str>) -> Result<()> {
        execute!(
            self,
            "UPDATE users SET email = $1, updated_at = $2 WHERE id = $3",
            [email, now(), user_id]
        );
        Ok(())
    }

    /// Active (substitute) coordinators with an e-mail address: (actor, not yet enriched;
    /// display name; e-mail address), in the order of their ids.
    pub async fn digest_users(&mut self) -> Result<Vec<(Actor, String, String)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: User,
            email: String,
        }
        let rows: Vec<Row> = fetch_all!(
            self,
            &format!(
                "SELECT {USER_COLUMNS}, u.email FROM users u WHERE u.active = $1 AND u.email IS NOT NULL AND u.role IN ('coordinator', 'substitute_coordinator') ORDER BY u.id"
            ),
            [true]
        );
        Ok(rows
            .into_iter()
            .map(|r| {
                let name = r.user.display_name.clone();
                (actor_of(r.user), name, r.email)
            })
            .collect())
    }

    pub async fn set_totp_required(&mut self, user_id: UserId, required: bool) -> Result<()> {
        execute!(
            self,
            "UPDATE users SET totp_required = $1, updated_at = $2 WHERE id = $3",
            [required, now(), user_id]
        );
        Ok(())
    }

    /// Whether a user must give a code, and their (stored) secret if they have one.
    pub async fn second_factor(&mut self, user_id: UserId) -> Result<(bool, Option<String>)> {
        Ok(fetch_one!(
            self,
            "SELECT totp_required, totp_secret FROM users WHERE id = $1",
            [user_id]
        ))
    }

    /// Users whose second-factor secret is not yet sealed with the application key.
    pub async fn unsealed_totp_secrets(&mut self) -> Result<Vec<(UserId, String)>> {
        Ok(fetch_all!(
            self,
            "SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL AND totp_secret NOT LIKE 'enc1:%'"
        ))
    }

    pub async fn set_totp_secret(&mut self, user_id: UserId, secret: &str) -> Result<()> {
        execute!(
            self,
            "UPDATE users SET totp_secret = $1, updated_at = $2 WHERE id = $3",
            [secret, now(), user_id]
        );
        Ok(())
    }

    /// Stores a setup token (hashed).
    pub async fn create_setup_token(&mut self, hash: &str) -> Result<()> {
        execute!(
            self,
            "INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)",
            [hash, now()]
        );
        Ok(())
    }

    /// Marks an unused setup token used; whether there was one.
    pub async fn use_setup_token(&mut self, hash: &str) -> Result<bool> {
        let used = execute!(
            self,
            "UPDATE setup_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
            [now(), hash]
        );
        Ok(used == 1)
    }
}
