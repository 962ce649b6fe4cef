//! For the region administrator: the municipalities of the installation, and their
//! administrators.

use super::{Notice, Opt, Shown, Signed, UiTyped, post_form};
use crate::AppState;
use crate::auth::UiUser;
use crate::input::code;
use crate::pages::{Base, UiError, render};
use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::{get, post};
use nazorg_app::{AddMunicipality, NewAccount};
use nazorg_domain::access::{Action, Page, Role};
use nazorg_domain::dates::format_nl;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/gemeenten",
            get(municipalities_page).post(add_municipality),
        )
        .route("/gemeenten/beheerders", post(add_administrator))
}

struct MunicipalityRow {
    code: String,
    name: String,
    safety_region: String,
    programme_start: String,
    retention: String,
    administrators: String,
}

#[derive(Template)]
#[template(path = "users/municipalities.html")]
struct MunicipalitiesPage {
    base: Base,
    rows: Vec<MunicipalityRow>,
    municipality_opts: Vec<Opt>,
    role_opts: Vec<Opt>,
    notice: Notice,
}

async fn municipalities_view(
    s: &AppState,
    user: &UiUser,
    notice: Notice,
) -> Result<Response, UiError> {
    s.app
        .permit(&user.actor, Action::ManageMunicipalities, None)
        .await?;
    let all = s.app.municipalities().await?;
    let users = s.app.list_users(None).await?;
    let rows = all
        .iter()
        .map(|m| {
            let admins: Vec<&str> = users
                .iter()
                .filter(|u| u.municipality_code == m.code && u.role == Role::Administrator)
                .map(|u| u.username.as_str())
                .collect();
            MunicipalityRow {
                code: m.code.to_string(),
                name: m.name.clone(),
                safety_region: m.safety_region.clone().unwrap_or_default(),
                programme_start: m.programme_start.map_or("standaard".into(), format_nl),
                retention: m
                    .retention_years
                    .map_or("standaard".into(), |y| format!("{y} jaar")),
                administrators: if admins.is_empty() {
                    "nog geen".into()
                } else {
                    admins.join(", ")
                },
            }
        })
        .collect();
    let municipality_opts = all
        .iter()
        .map(|m| Opt {
            value: m.code.to_string(),
            label: format!("{} ({})", m.name, m.code),
            selected: false,
        })
        .collect();
    let role_opts = [Role::Administrator, Role::RegionAdministrator]
        .iter()
        .map(|r| Opt {
            value: r.code().into(),
            label: r.label().into(),
            selected: *r == Role::Administrator,
        })
        .collect();
    let page = MunicipalitiesPage {
        base: notice.dress(Base::new("Gemeenten", Some(user), Page::Municipalities)),
        rows,
        municipality_opts,
        role_opts,
        notice,
    };
    Ok(render(page.notice.status, page))
}

async fn municipalities_page(Signed { s, user }: Signed) -> Result<Response, UiError> {
    municipalities_view(&s, &user, Notice::shown(None)).await
}

/// A municipality to add: its CBS code, and a name when the CBS list has none.
#[derive(Deserialize, Default)]
#[serde(default)]
struct MunicipalityForm {
    code: String,
    name: String,
}

async fn add_municipality(
    Signed { s, user }: Signed,
    UiTyped(f, typed): UiTyped<MunicipalityForm>,
) -> Result<Response, UiError> {
    let added = post_form(
        &s,
        &user,
        Action::ManageMunicipalities,
        Shown::InvalidOrConflict,
        async {
            let name = Some(f.name.trim()).filter(|n| !n.is_empty());
            let asked = AddMunicipality {
                code: &f.code,
                name,
                safety_region: None,
            };
            Ok(s.app.add_municipality(&user.actor, &asked).await?)
        },
    );
    let notice = added
        .await?
        .notice(|m| format!("Gemeente {} ({}) is toegevoegd.", m.name, m.code))
        .keeping("gemeente", typed);
    municipalities_view(&s, &user, notice).await
}

/// An administrator for a municipality.
#[derive(Deserialize, Default)]
#[serde(default)]
struct AdministratorForm {
    municipality: String,
    username: String,
    display_name: String,
    role: String,
    password: String,
}

async fn add_administrator(
    Signed { s, user }: Signed,
    UiTyped(f, typed): UiTyped<AdministratorForm>,
) -> Result<Response, UiError> {
    // A password is never written back into a page.
    let typed = typed.into_iter().filter(|(n, _)| n != "password").collect();
    let added = post_form(&s, &user, Action::ManageMunicipalities, Shown::All, async {
        let role = code::<Role>("de rol", &f.role)?;
        let username = f.username.trim().to_lowercase();
        let account = NewAccount {
            username: &username,
            display_name: &f.display_name,
            password: &f.password,
            role,
            municipality: f.municipality.trim(),
            partner_id: None,
        };
        s.app.add_account(&user.actor, &account).await?;
        Ok(username)
    });
    let notice = added
        .await?
        .notice(|name| format!("Beheerder {name} is toegevoegd."))
        .keeping("beheerder", typed);
    municipalities_view(&s, &user, notice).await
}
