//! The users of the municipality (administrators).

use super::{Notice, Opt, Shown, Signed, UiTyped, opts_of, partner_opts, posted};
use crate::AppState;
use crate::auth::UiUser;
use crate::error::AppError;
use crate::input::code;
use crate::pages::{Base, UiError, render};
use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;
use nazorg_app::NewAccount;
use nazorg_domain::access::{Action, Page, Role};
use nazorg_domain::ids::PartnerId;
use nazorg_domain::referral::PartnerKind;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/gebruikers", get(users_page).post(add_user))
}

/// The roles a municipality's administrator gives (a region administrator is added by
/// another, on the page of the municipalities).
const MUNICIPAL_ROLES: [Role; 7] = [
    Role::Coordinator,
    Role::SubstituteCoordinator,
    Role::SktCareDirector,
    Role::ExodusWorker,
    Role::SafetyChamber,
    Role::PolicyAdvisor,
    Role::Administrator,
];

struct UserRow {
    username: String,
    display_name: String,
    role: String,
    municipality: String,
    active: &'static str,
}

#[derive(Template)]
#[template(path = "users/users.html")]
struct UsersPage {
    base: Base,
    users: Vec<UserRow>,
    role_opts: Vec<Opt>,
    partner_opts: Vec<Opt>,
    notice: Notice,
}

/// Only an administrator manages users; a refusal goes to the security log.
async fn require_admin(s: &AppState, user: &UiUser) -> Result<(), UiError> {
    Ok(s.app.permit(&user.actor, Action::ManageUsers, None).await?)
}

async fn users_view(s: &AppState, user: &UiUser, notice: Notice) -> Result<Response, UiError> {
    let partner_list = s.app.list_partners(&user.actor.municipality).await?;
    let users = s
        .app
        .list_users(Some(&user.actor.municipality))
        .await?
        .into_iter()
        .map(|u| UserRow {
            username: u.username,
            display_name: u.display_name,
            role: u.role.label().into(),
            municipality: u.municipality_code.to_string(),
            active: if u.active { "ja" } else { "nee" },
        })
        .collect();
    Ok(render(
        notice.status,
        UsersPage {
            base: notice.dress(Base::new("Gebruikers", Some(user), Page::Users)),
            users,
            role_opts: opts_of(&MUNICIPAL_ROLES, Some(Role::Coordinator)),
            partner_opts: partner_opts(&partner_list, |p| {
                matches!(p.kind, PartnerKind::Skt | PartnerKind::Exodus)
            }),
            notice,
        },
    ))
}

async fn users_page(Signed { s, user }: Signed) -> Result<Response, UiError> {
    require_admin(&s, &user).await?;
    users_view(&s, &user, Notice::shown(None)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UserForm {
    username: String,
    display_name: String,
    role: String,
    password: String,
    partner_id: String,
    totp_required: Option<String>,
}

async fn add_user(
    Signed { s, user }: Signed,
    UiTyped(f, typed): UiTyped<UserForm>,
) -> Result<Response, UiError> {
    require_admin(&s, &user).await?;
    // A password is never written back into a page.
    let typed = typed.into_iter().filter(|(n, _)| n != "password").collect();
    let result = async {
        let role = code::<Role>("de rol", &f.role)?;
        let username = f.username.trim().to_lowercase();
        let partner_id = f.partner_id.parse::<PartnerId>().ok();
        let account = NewAccount {
            username: &username,
            display_name: &f.display_name,
            password: &f.password,
            role,
            municipality: &user.actor.municipality,
            partner_id,
        };
        let id = s.app.add_account(&user.actor, &account).await?;
        if f.totp_required.is_some() {
            s.app.set_totp_required(id, true).await?;
        }
        Ok::<_, AppError>(username)
    }
    .await;
    let notice = posted(result, Shown::All)?
        .notice(|name| format!("Gebruiker {name} is toegevoegd."))
        .keeping("gebruiker", typed);
    users_view(&s, &user, notice).await
}
