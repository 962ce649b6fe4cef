//! The HTTP surface of Nazorg: a Dutch HTML interface with plain forms, and the JSON API
//! under `/api/v1`. Handlers are thin: they parse input, call one use case of the app,
//! and render.

pub mod api;
mod auth;
mod error;
mod extract;
mod forms;
pub mod input;
mod middleware;
pub mod oidc;
mod pages;
mod query;
mod ui;
mod views;

pub use error::{ApiError, AppError};

use axum::Router;
use axum::routing::get;
use nazorg_app::App;
use std::sync::Arc;

/// The API's version, sent in the `API-Version` header of every response.
pub const API_VERSION: &str = "1.0.0";

/// Settings the web layer needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// CBS code of the installation's municipality.
    pub municipality: String,
    /// Set the `Secure` flag on cookies (when served over TLS).
    pub secure_cookies: bool,
    /// The address users reach Nazorg on, for links in e-mails and calendar feeds.
    pub public_url: String,
    /// The thresholds of the deadline rules.
    pub deadlines: nazorg_domain::deadlines::DeadlineSettings,
    /// Where the daily digest goes out; `None` means no e-mail at all.
    pub mail: Option<nazorg_app::MailConfig>,
    /// Years after closure after which a case is anonymised by the daily retention job;
    /// 0 switches the job off.
    pub retention_years: u32,
    /// The start of the aftercare programme: the evaluation covers the eight months
    /// after it. `None`: from the first registration.
    pub programme_start: Option<time::Date>,
    /// Single sign-on through the municipality's OpenID Connect provider; `None`: off.
    pub oidc: Option<oidc::OidcConfig>,
    /// Who answers for the installation, `Name <address>` (the sender of its e-mail): the
    /// contact of the OpenAPI document.
    pub contact: String,
}

impl Config {
    /// Defaults for one municipality: no e-mail, the default thresholds.
    pub fn new(municipality: &str) -> Config {
        Config {
            municipality: municipality.to_string(),
            secure_cookies: false,
            public_url: "http://127.0.0.1:8080".into(),
            deadlines: Default::default(),
            mail: None,
            programme_start: None,
            retention_years: DEFAULT_RETENTION_YEARS,
            oidc: None,
            contact: "Nazorg <nazorg@localhost.localdomain>".into(),
        }
    }
}

impl Config {
    /// What the daily jobs (digest, retention) need of these settings.
    pub fn job_settings(&self) -> nazorg_app::JobSettings {
        nazorg_app::JobSettings {
            public_url: self.public_url.clone(),
            deadlines: self.deadlines,
            mail: self.mail.clone(),
            retention_years: self.retention_years,
        }
    }
}

/// The default retention period (docs/privacy.md explains the choice).
pub const DEFAULT_RETENTION_YEARS: u32 = 5;

/// Shared state of every request.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<Config>,
    /// The relying party of single sign-on, when configured.
    pub sso: Option<Arc<oidc::Sso>>,
}

/// Builds the whole application, so tests can run the real thing on port 0.
pub fn router(app: App, config: Config) -> Router {
    let sso = config
        .oidc
        .clone()
        .map(|c| Arc::new(oidc::Sso::new(c, &config.public_url)));
    let state = AppState {
        app,
        config: Arc::new(config),
        sso,
    };
    Router::new()
        .route("/healthz", get(healthz))
        .nest("/api/v1", api::router())
        .merge(ui::router())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::csrf,
        ))
        .layer(axum::middleware::from_fn(middleware::headers))
        .with_state(state)
}

async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match state.app.ping().await {
        Ok(()) => "ok".into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable",
            )
                .into_response()
        }
    }
}

/// Serves the application on a bound listener until Ctrl-C.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    config: Config,
) -> std::io::Result<()> {
    // What is due, stored with this installation's thresholds (again if they changed).
    match app.refresh_stored_deadlines().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            cases = n,
            "stored deadlines made with the current thresholds"
        ),
        Err(e) => tracing::error!(error = %e, "could not store the deadlines"),
    }
    tokio::spawn(app.clone().daily_jobs(config.job_settings()));
    if app.brp_connected() {
        tokio::spawn(app.clone().brp_worker());
    }
    if app.zgw_connected() {
        tokio::spawn(app.clone().zgw_worker());
    }
    axum::serve(listener, router(app, config))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
