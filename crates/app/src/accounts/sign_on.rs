//! Single sign-on (OpenID Connect): the sign-in under way, and the local user of someone
//! who signed in through the provider.

use super::secrets::token_hash;
use super::users::{check_user_partner, check_username};
use crate::error::{conflict_on_duplicate, invalid};
use crate::{App, OidcIdentity, Result};
use nazorg_domain::ids::UserId;
use nazorg_domain::notification::MunicipalityCode;
use nazorg_store::{NewOidcUser, OidcLogin, OidcUserUpdate, Tx};
use time::{Duration, OffsetDateTime};

/// How long a sign-in at the provider may take.
const SIGN_IN_VALID: Duration = Duration::minutes(10);

impl App {
    /// Keeps a single sign-on under way (for ten minutes, once): the `state` sent to the
    /// provider (stored hashed), the PKCE verifier, the nonce and the page to go to after.
    pub async fn create_oidc_login(
        &self,
        state: &str,
        verifier: &str,
        nonce: &str,
        next: &str,
    ) -> Result<()> {
        let at = OffsetDateTime::now_utc();
        let mut tx = self.db.begin().await?;
        // The sign-ins that ran out go now: nobody else clears them.
        tx.drop_expired_oidc_logins(at).await?;
        tx.insert_oidc_login(
            &token_hash(state),
            &OidcLogin {
                verifier: verifier.to_string(),
                nonce: nonce.to_string(),
                next_path: next.to_string(),
                expires_at: at + SIGN_IN_VALID,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends the single sign-on of a `state`: its PKCE verifier, nonce and next page, or
    /// `None` when the state is unknown, used already or older than ten minutes.
    pub async fn take_oidc_login(&self, state: &str) -> Result<Option<(String, String, String)>> {
        let taken = self
            .db
            .autocommit()
            .await?
            .take_oidc_login(&token_hash(state))
            .await?;
        let at = OffsetDateTime::now_utc();
        Ok(taken
            .filter(|login| login.expires_at > at)
            .map(|login| (login.verifier, login.nonce, login.next_path)))
    }

    /// The local user of someone who signed in through the provider (matched by subject,
    /// else by username, else created), with role, partner and municipality updated from
    /// the provider; `None` when that user is deactivated.
    pub async fn oidc_sign_in(&self, who: &OidcIdentity) -> Result<Option<UserId>> {
        let municipality = MunicipalityCode::parse(&who.municipality)
            .map_err(|e| invalid(e.to_string()))?
            .to_string();
        let mut tx = self.db.autocommit().await?;
        if tx.municipality(&municipality).await?.is_none() {
            return Err(invalid(format!(
                "Gemeente {municipality} hoort niet bij deze installatie."
            )));
        }
        tx.ensure_defaults(&municipality, crate::today().year())
            .await?;
        drop(tx);
        let display_name: String = who.display_name.trim().chars().take(100).collect();
        let wanted = who.username.trim().to_lowercase();
        let mut tx = self.db.begin().await?;
        check_user_partner(&mut tx, who.role, &municipality, who.partner_id).await?;
        let user_id = match tx.user_by_oidc_subject(&who.issuer, &who.subject).await? {
            Some((_, _, false)) => return Ok(None),
            Some((id, current, true)) => {
                follow_username(&mut tx, id, &current, &wanted).await?;
                id
            }
            None => {
                let found = link_or_create(&mut tx, who, &wanted, &municipality, &display_name);
                match found.await? {
                    Some(id) => id,
                    None => return Ok(None),
                }
            }
        };
        // The role, partner, municipality and name follow the provider on every sign-in.
        tx.update_oidc_user(
            user_id,
            &OidcUserUpdate {
                role: who.role,
                partner_id: who.partner_id,
                municipality: &municipality,
                display_name: (!display_name.is_empty()).then_some(display_name.as_str()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Some(user_id))
    }
}

/// A new username at the provider follows, when it is valid and free.
async fn follow_username(tx: &mut Tx, user_id: UserId, current: &str, wanted: &str) -> Result<()> {
    if wanted != current
        && check_username(wanted).is_ok()
        && tx.user_by_name(wanted).await?.is_none()
    {
        tx.rename_user(user_id, wanted).await?;
    }
    Ok(())
}

/// A provider account signing in for the first time: linked to the local account of the
/// same username when that is not linked to any provider account yet, else a new user.
/// `None` when the local account is deactivated.
async fn link_or_create(
    tx: &mut Tx,
    who: &OidcIdentity,
    wanted: &str,
    municipality: &str,
    display_name: &str,
) -> Result<Option<UserId>> {
    let existing = if check_username(wanted).is_ok() {
        tx.user_by_name(wanted).await?
    } else {
        None
    };
    match existing {
        Some((_, false, None)) => Ok(None),
        Some((id, true, None)) => {
            tx.link_oidc_subject(id, &who.issuer, &who.subject).await?;
            Ok(Some(id))
        }
        // The name is free, or belongs to another provider account: a new user.
        _ => {
            let username = free_username(tx, who, wanted).await?;
            let name = if display_name.is_empty() {
                username.as_str()
            } else {
                display_name
            };
            let id = tx
                .insert_oidc_user(&NewOidcUser {
                    username: &username,
                    display_name: name,
                    role: who.role,
                    municipality,
                    partner_id: who.partner_id,
                    issuer: &who.issuer,
                    subject: &who.subject,
                })
                .await
                .map_err(|e| conflict_on_duplicate(e, "Dit account bestaat al."))?;
            Ok(Some(id))
        }
    }
}

/// The first valid and free name of the preferred one, the subject and one derived from
/// the provider account (which is used when none is free).
async fn free_username(tx: &mut Tx, who: &OidcIdentity, wanted: &str) -> Result<String> {
    let subject = who.subject.trim().to_lowercase();
    let derived = format!(
        "sso-{}",
        &token_hash(&format!("{}|{}", who.issuer, who.subject))[..16]
    );
    for candidate in [wanted.to_string(), subject, derived.clone()] {
        if check_username(&candidate).is_ok() && tx.user_by_name(&candidate).await?.is_none() {
            return Ok(candidate);
        }
    }
    Ok(derived)
}
