//! For administrators: the partner organisations, and the register of processing
//! activities.

use super::budget::YearQuery;
use super::{Notice, Opt, Shown, Signed, UiForm, UiPath, UiQuery, UiTyped, opts, post_form};
use crate::AppState;
use crate::auth::UiUser;
use crate::input::*;
use crate::pages::{Base, UiError, render};
use askama::Template;
use axum::Router;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use nazorg_domain::access::Action;
use nazorg_domain::access::Page;
use nazorg_domain::dates::format_nl;
use nazorg_domain::ids::PartnerId;
use nazorg_domain::referral::PartnerKind;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ketenpartners", get(partners_page).post(add_partner))
        .route("/ketenpartners/{id}", post(toggle_partner))
        .route("/verwerkingsregister", get(register_page))
        .route("/verwerkingsregister/{code}", post(set_activity))
}

pub struct ActivityRow {
    pub code: String,
    pub name: String,
    pub purpose: String,
    pub legal_ground: String,
    pub changed: String,
    /// The version of the texts shown, which the form is saved against.
    pub version: i64,
}

#[derive(Template)]
#[template(path = "partners/register.html")]
struct RegisterPage {
    base: Base,
    rows: Vec<ActivityRow>,
    notice: Notice,
}

async fn register_view(s: &AppState, user: &UiUser, notice: Notice) -> Result<Response, UiError> {
    let rows = s
        .app
        .processing_register(&user.actor)
        .await?
        .into_iter()
        .map(|a| ActivityRow {
            changed: match &a.changed {
                Some((by, at)) => format!(
                    "gewijzigd door {by} op {}",
                    format_nl(nazorg_domain::dates::to_amsterdam(*at).date())
                ),
                None => "standaardtekst".into(),
            },
            version: a.version,
            code: a.code,
            name: a.name,
            purpose: a.purpose,
            legal_ground: a.legal_ground,
        })
        .collect();
    let page = RegisterPage {
        base: notice.dress(Base::new(
            "Register van verwerkingsactiviteiten",
            Some(user),
            Page::Register,
        )),
        rows,
        notice,
    };
    Ok(render(page.notice.status, page))
}

async fn register_page(
    Signed { s, user }: Signed,
    UiQuery(q): UiQuery<YearQuery>,
) -> Result<Response, UiError> {
    let flash = q.opgeslagen.is_some().then(|| {
        "Opgeslagen. Nieuwe regels in het verwerkingenlogboek noemen de nieuwe tekst.".to_string()
    });
    register_view(&s, &user, Notice::shown(flash)).await
}

/// The texts of one processing activity.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ActivityForm {
    name: String,
    purpose: String,
    legal_ground: String,
    /// The version of the texts the page showed.
    versie: String,
}

async fn set_activity(
    Signed { s, user }: Signed,
    UiPath(code): UiPath<String>,
    UiTyped(f, typed): UiTyped<ActivityForm>,
) -> Result<Response, UiError> {
    let saved = post_form(&s, &user, Action::ManageRegister, Shown::Invalid, async {
        let seen = f
            .versie
            .parse()
            .map_err(|_| crate::error::AppError::VersionRequired)?;
        let (name, purpose, ground) = (&f.name, &f.purpose, &f.legal_ground);
        Ok(s.app
            .set_processing_activity(&user.actor, &code, name, purpose, ground, seen)
            .await?)
    });
    saved
        .await?
        .answer("/verwerkingsregister?opgeslagen=1", async |notice| {
            register_view(&s, &user, notice.keeping(&code, typed)).await
        })
        .await
}

// --- partner organisations (administrator) -------------------------------------------------------

struct PartnerRow {
    id: PartnerId,
    name: String,
    kind: &'static str,
    active: bool,
}

#[derive(Template)]
#[template(path = "partners/partners.html")]
struct PartnersPage {
    base: Base,
    rows: Vec<PartnerRow>,
    kind_opts: Vec<Opt>,
    notice: Notice,
}

async fn partners_view(s: &AppState, user: &UiUser, notice: Notice) -> Result<Response, UiError> {
    s.app
        .permit(&user.actor, Action::ManagePartners, None)
        .await?;
    let partners = s.app.list_partners(&user.actor.municipality).await?;
    let view = PartnersPage {
        base: notice.dress(Base::new("Ketenpartners", Some(user), Page::Partners)),
        rows: partners
            .iter()
            .map(|p| PartnerRow {
                id: p.id,
                name: p.name.clone(),
                kind: p.kind.label(),
                active: p.active,
            })
            .collect(),
        kind_opts: opts::<PartnerKind>(Some(PartnerKind::Other)),
        notice,
    };
    Ok(render(view.notice.status, view))
}

async fn partners_page(Signed { s, user }: Signed) -> Result<Response, UiError> {
    partners_view(&s, &user, Notice::shown(None)).await
}

async fn add_partner(
    Signed { s, user }: Signed,
    UiTyped(f, typed): UiTyped<PartnerIn>,
) -> Result<Response, UiError> {
    let added = post_form(
        &s,
        &user,
        Action::ManagePartners,
        Shown::InvalidOrConflict,
        async {
            let kind = code::<PartnerKind>("het soort organisatie", &f.kind)?;
            Ok(s.app.add_partner(&user.actor, &f.name, kind).await?)
        },
    );
    let notice = added
        .await?
        .notice(|_| format!("Ketenpartner {} is toegevoegd.", f.name.trim()))
        .keeping("ketenpartner", typed);
    partners_view(&s, &user, notice).await
}

/// Switching a partner organisation on ("true") or off.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ActiveForm {
    active: String,
}

async fn toggle_partner(
    Signed { s, user }: Signed,
    UiPath(id): UiPath<PartnerId>,
    UiForm(f): UiForm<ActiveForm>,
) -> Result<Response, UiError> {
    let active = f.active == "true";
    s.app.set_partner_active(&user.actor, id, active).await?;
    Ok(Redirect::to("/ketenpartners").into_response())
}
