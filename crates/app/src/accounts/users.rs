//! Users: adding them (also the first administrator, through the setup link), checking a
//! login, and what the account alone does not say about an actor.

use super::secrets::{self, check_password, hash_password, new_token, token_hash};
use crate::error::{conflict_on_duplicate, invalid};
use crate::{App, Error, Result, User, validate};
use nazorg_domain::access::{Actor, Role};
use nazorg_domain::ids::{PartnerId, UserId};
use nazorg_domain::notification::MunicipalityCode;
use nazorg_domain::referral::PartnerKind;
use nazorg_store::{NewUser, Tx};
use time::{Duration, OffsetDateTime};

/// Refuses a username that is not 2 to 64 lowercase letters, digits, or `._-@`.
pub(crate) fn check_username(username: &str) -> Result<()> {
    let ok = (2..=64).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-@".contains(c));
    if ok {
        Ok(())
    } else {
        Err(invalid(
            "Een gebruikersnaam heeft 2 tot 64 tekens: kleine letters, cijfers, punt, streepje, liggend streepje of @.",
        ))
    }
}

/// A partner user (SKT care director, Exodus worker) belongs to a partner of the right
/// kind in the same municipality; other users to none.
pub(crate) async fn check_user_partner(
    tx: &mut Tx,
    role: Role,
    municipality: &str,
    partner_id: Option<PartnerId>,
) -> Result<()> {
    let wanted = match role {
        Role::SktCareDirector => Some(PartnerKind::Skt),
        Role::ExodusWorker => Some(PartnerKind::Exodus),
        _ => None,
    };
    match (wanted, partner_id) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(invalid(
            "Alleen zorgregisseurs en medewerkers van Exodus horen bij een ketenpartner.",
        )),
        (Some(kind), None) => Err(invalid(format!(
            "Kies de organisatie ({}) waarvoor deze gebruiker werkt.",
            kind.label()
        ))),
        (Some(kind), Some(id)) => {
            if tx.active_partner_kind(id, municipality).await? == Some(kind) {
                Ok(())
            } else {
                Err(invalid(format!(
                    "Kies een actieve ketenpartner van het soort ‘{}’.",
                    kind.label()
                )))
            }
        }
    }
}

/// Checks a new user (username, partner, name, municipality) and adds it.
async fn insert_user(
    tx: &mut Tx,
    username: &str,
    display_name: &str,
    password_hash: &str,
    role: Role,
    municipality: &str,
    partner_id: Option<PartnerId>,
) -> Result<UserId> {
    check_username(username)?;
    check_user_partner(tx, role, municipality, partner_id).await?;
    let display_name = validate::text("de naam", display_name, 100, false)?;
    let display_name = if display_name.is_empty() {
        username
    } else {
        &display_name
    };
    let municipality = MunicipalityCode::parse(municipality).map_err(|e| invalid(e.to_string()))?;
    if tx.municipality(&municipality).await?.is_none() {
        return Err(invalid(format!(
            "Gemeente {municipality} hoort niet bij deze installatie; een regiobeheerder voegt haar toe \
             (of: nazorg municipality add {municipality})."
        )));
    }
    tx.insert_user(&NewUser {
        username,
        display_name,
        password_hash,
        role,
        municipality: municipality.as_str(),
        partner_id,
    })
    .await
    .map_err(|e| conflict_on_duplicate(e, &format!("De gebruikersnaam '{username}' bestaat al.")))
}

/// What the account alone does not say: a substitute's substitution running today, and
/// whether a partner user's organisation is still active (if not, they reach nothing).
pub(crate) async fn enrich(tx: &mut Tx, mut actor: Actor) -> Result<Actor> {
    if actor.role == Role::SubstituteCoordinator {
        actor.substituting = tx
            .substitution_running(actor.user_id, crate::today())
            .await?;
    }
    if let Some(partner) = actor.partner_id
        && tx.partner_is_active(partner).await? != Some(true)
    {
        actor.partner_id = None;
    }
    Ok(actor)
}

/// One generated account of [`App::add_users_sharing`].
pub struct DemoUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub municipality: &'a str,
}

impl App {
    pub async fn count_users(&self) -> Result<i64> {
        Ok(self.db.autocommit().await?.count_users().await?)
    }

    /// Adds a user, who may belong to a partner organisation (SKT care director, Exodus
    /// worker); the password is hashed with argon2id.
    pub async fn add_user(
        &self,
        username: &str,
        display_name: &str,
        password: &str,
        role: Role,
        municipality: &str,
        partner_id: Option<PartnerId>,
    ) -> Result<UserId> {
        check_password(password, &[username, display_name])?;
        let hash = hash_password(password)?;
        // Single statements, as before: the defaults first (so a partner user can be
        // checked against them), then the user.
        let mut tx = self.db.autocommit().await?;
        tx.ensure_defaults(municipality, crate::today().year())
            .await?;
        insert_user(
            &mut tx,
            username,
            display_name,
            &hash,
            role,
            municipality,
            partner_id,
        )
        .await
    }

    /// Adds generated accounts that share one password (demo and benchmark users, never
    /// real people): it is checked against each and hashed once, so that the hundreds of
    /// users of a national demo do not cost an argon2 hash each (they share its salt).
    pub async fn add_users_sharing(
        &self,
        password: &str,
        users: &[DemoUser<'_>],
    ) -> Result<Vec<UserId>> {
        for u in users {
            check_password(password, &[u.username, u.display_name])?;
        }
        let hash = hash_password(password)?;
        let mut ids = Vec::with_capacity(users.len());
        let mut tx = self.db.autocommit().await?;
        for u in users {
            tx.ensure_defaults(u.municipality, crate::today().year())
                .await?;
            let id = insert_user(
                &mut tx,
                u.username,
                u.display_name,
                &hash,
                u.role,
                u.municipality,
                None,
            )
            .await?;
            ids.push(id);
        }
        Ok(ids)
    }

    /// All users, or those of one municipality.
    pub async fn list_users(&self, municipality: Option<&str>) -> Result<Vec<User>> {
        Ok(self.db.autocommit().await?.list_users(municipality).await?)
    }

    /// Users who can direct cases (coordinators), for filters and assignment.
    pub async fn coordinators(&self, actor: &Actor) -> Result<Vec<User>> {
        let all = self.list_users(Some(&actor.municipality)).await?;
        Ok(all
            .into_iter()
            .filter(|u| {
                u.active && u.role == Role::Coordinator && u.municipality_code == actor.municipality
            })
            .collect())
    }

    /// Checks a username and password; `None` when either is wrong or the account is off.
    /// After five failures in a row the account waits, one minute and doubling with each
    /// further failure up to an hour (`Error::Locked`); a success resets the count.
    pub async fn verify_login(&self, username: &str, password: &str) -> Result<Option<Actor>> {
        // The connection goes back to the pool before the (slow) password check.
        let username = username.trim().to_lowercase();
        // No account has a name with a control or invisible character (`check_username`);
        // asking the database for one would fail on PostgreSQL (NUL).
        let found = if nazorg_domain::text::disallowed_char(&username).is_some() {
            None
        } else {
            let mut tx = self.db.autocommit().await?;
            match tx.user_credentials(&username).await? {
                Some(c) => Some((enrich(&mut tx, c.actor).await?, c.password_hash)),
                None => None,
            }
        };
        let Some((actor, hash)) = found else {
            // Spend the same time as for a real account, so timing does not tell which
            // usernames exist.
            let _ = secrets::verify_password_off_workers(password, secrets::DUMMY_HASH).await;
            return Ok(None);
        };
        // The attempt is counted (and from the fifth on the account made to wait) before
        // the password is checked, in one locked step: parallel guesses cannot all pass
        // the check of the same count.
        let now = OffsetDateTime::now_utc();
        let mut tx = self.db.begin().await?;
        let attempt = match tx.claim_login_attempt(actor.user_id, now).await? {
            Ok(attempt) => attempt,
            Err(until) => return Err(Error::Locked(until)),
        };
        if attempt >= 5 {
            let minutes = (1i64 << (attempt - 5).min(6)).min(60);
            tx.lock_user(actor.user_id, now + Duration::minutes(minutes))
                .await?;
        }
        tx.commit().await?;
        if secrets::verify_password_off_workers(password, &hash).await {
            let mut tx = self.db.autocommit().await?;
            tx.reset_failed_logins(actor.user_id).await?;
            Ok(Some(actor))
        } else {
            Ok(None)
        }
    }

    pub async fn user_id_by_name(&self, username: &str) -> Result<Option<UserId>> {
        Ok(self
            .db
            .autocommit()
            .await?
            .user_id_by_name(username)
            .await?)
    }

    /// Sets (or with `None` or an empty text clears) the address the daily digest goes to.
    pub async fn set_user_email(&self, user_id: UserId, email: Option<&str>) -> Result<()> {
        let email = email.map(str::trim).filter(|e| !e.is_empty());
        if let Some(e) = email
            && (e.len() > 200 || !e.contains('@') || e.contains(char::is_whitespace))
        {
            return Err(invalid(format!("‘{e}’ is geen e-mailadres.")));
        }
        Ok(self
            .db
            .autocommit()
            .await?
            .set_user_email(user_id, email)
            .await?)
    }

    /// Requires (or no longer requires) a second factor of a user.
    pub async fn set_totp_required(&self, user_id: UserId, required: bool) -> Result<()> {
        Ok(self
            .db
            .autocommit()
            .await?
            .set_totp_required(user_id, required)
            .await?)
    }

    /// (actor, display name, e-mail) of everyone who gets the daily digest: active
    /// (substitute) coordinators with an e-mail address.
    pub async fn digest_users(&self) -> Result<Vec<(Actor, String, String)>> {
        let mut tx = self.db.autocommit().await?;
        let rows = tx.digest_users().await?;
        let mut out = Vec::with_capacity(rows.len());
        for (actor, name, email) in rows {
            out.push((enrich(&mut tx, actor).await?, name, email));
        }
        Ok(out)
    }

    /// Creates a one-time setup token for the first administrator (only while no user
    /// exists).
    pub async fn create_setup_token(&self) -> Result<String> {
        let token = new_token();
        self.db
            .autocommit()
            .await?
            .create_setup_token(&token_hash(&token))
            .await?;
        Ok(token)
    }

    /// Uses a setup token to create the first administrator.
    pub async fn complete_setup(
        &self,
        token: &str,
        username: &str,
        display_name: &str,
        password: &str,
        municipality: &str,
    ) -> Result<UserId> {
        check_password(password, &[username, display_name])?;
        let hash = hash_password(password)?;
        let mut tx = self.db.begin().await?;
        let users = tx.count_users().await?;
        let used = tx.use_setup_token(&token_hash(token)).await?;
        // A refusal rolls back: the token stays unused.
        if users > 0 {
            return Err(invalid(
                "Deze installatielink is niet meer geldig: er is al een beheerder. Log in.",
            ));
        }
        if !used {
            return Err(invalid(
                "Deze installatielink is niet (meer) geldig. Start Nazorg opnieuw voor een nieuwe link, of gebruik ‘nazorg user add’.",
            ));
        }
        let id = insert_user(
            &mut tx,
            username,
            display_name,
            &hash,
            Role::Administrator,
            municipality,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}
