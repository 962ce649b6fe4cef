//! `nazorg serve`: the web interface and the JSON API, with single sign-on when an
//! OpenID Connect provider is given.

use super::common::Installation;
use anyhow::{Context, Result};

/// The flags of `nazorg serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "NAZORG_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Mark cookies Secure: set this when Nazorg is served over HTTPS (behind a proxy).
    #[arg(long, env = "NAZORG_SECURE_COOKIES")]
    secure_cookies: bool,
    #[command(flatten)]
    oidc: OidcArgs,
}

/// Single sign-on with the municipality's OpenID Connect provider (off unless an issuer
/// is given). Register Nazorg at the provider as a confidential client with the redirect
/// URI PUBLIC_URL/inloggen/sso/terug.
#[derive(clap::Args, Clone)]
struct OidcArgs {
    /// Issuer URL of the OpenID Connect provider, e.g. https://login.gemeente.nl/realms/medewerkers.
    /// Turns single sign-on on.
    #[arg(long, env = "NAZORG_OIDC_ISSUER")]
    oidc_issuer: Option<String>,
    /// Client id of Nazorg at the provider.
    #[arg(long, env = "NAZORG_OIDC_CLIENT_ID")]
    oidc_client_id: Option<String>,
    /// Client secret of Nazorg at the provider (prefer the environment variable: a flag shows
    /// in the process list).
    #[arg(long, env = "NAZORG_OIDC_CLIENT_SECRET", hide_env_values = true)]
    oidc_client_secret: Option<String>,
    /// Scopes to ask besides openid, separated by spaces.
    #[arg(long, env = "NAZORG_OIDC_SCOPES", default_value = "profile")]
    oidc_scopes: String,
    /// The claim that carries the user's groups or roles (a name, or a dotted path such as
    /// realm_access.roles), as one string or a list of strings.
    #[arg(long, env = "NAZORG_OIDC_ROLE_CLAIM", default_value = "groups")]
    oidc_role_claim: String,
    /// Which claim value gives which Nazorg role: comma-separated VALUE=ROLE pairs, with the
    /// partner organisation for the partner roles as VALUE=ROLE:PARTNER, e.g.
    /// "nazorg-coordinatoren=coordinator,nazorg-beheer=administrator,exodus-team=exodus_worker:Exodus".
    /// The first pair whose value the user has wins; a user with none is refused.
    #[arg(long, env = "NAZORG_OIDC_ROLE_MAP")]
    oidc_role_map: Option<String>,
    /// The claim with the user's municipality (a CBS code); default: every user belongs to
    /// --municipality.
    #[arg(long, env = "NAZORG_OIDC_MUNICIPALITY_CLAIM")]
    oidc_municipality_claim: Option<String>,
}

impl OidcArgs {
    /// The single sign-on settings, `None` when no issuer is given.
    fn config(&self) -> Result<Option<nazorg_web::oidc::OidcConfig>> {
        let Some(issuer) = self.oidc_issuer.as_ref().filter(|i| !i.trim().is_empty()) else {
            return Ok(None);
        };
        let client_id = self
            .oidc_client_id
            .clone()
            .filter(|c| !c.trim().is_empty())
            .context(
                "--oidc-issuer is gegeven, maar --oidc-client-id (NAZORG_OIDC_CLIENT_ID) ontbreekt",
            )?;
        let client_secret = self
            .oidc_client_secret
            .clone()
            .filter(|c| !c.is_empty())
            .context("--oidc-issuer is gegeven, maar --oidc-client-secret (NAZORG_OIDC_CLIENT_SECRET) ontbreekt")?;
        let map = self.oidc_role_map.as_deref().context(
            "--oidc-issuer is gegeven, maar --oidc-role-map (NAZORG_OIDC_ROLE_MAP) ontbreekt",
        )?;
        let roles = nazorg_web::oidc::parse_role_map(map)
            .map_err(|e| anyhow::anyhow!("--oidc-role-map: {e}"))?;
        Ok(Some(nazorg_web::oidc::OidcConfig {
            issuer: issuer.trim().to_string(),
            client_id,
            client_secret,
            scopes: self
                .oidc_scopes
                .split_whitespace()
                .filter(|s| *s != "openid")
                .map(str::to_string)
                .collect(),
            role_claim: self.oidc_role_claim.clone(),
            roles,
            municipality_claim: self
                .oidc_municipality_claim
                .clone()
                .filter(|c| !c.trim().is_empty()),
        }))
    }
}

/// Listens, announces where (with the one-time setup link while there is no user yet),
/// and serves until stopped.
pub async fn run(inst: Installation, args: ServeArgs) -> Result<()> {
    let oidc = args.oidc.config()?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("luisteren op {}", args.listen))?;
    let address = listener.local_addr()?;
    let base = inst
        .mail
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{address}"));
    eprintln!(
        "Nazorg draait op {base} ({}, gemeente {})",
        inst.app.backend_name(),
        inst.municipality
    );
    if inst.app.count_users().await? == 0 {
        let token = inst.app.create_setup_token().await?;
        eprintln!(
            "Er is nog geen gebruiker. Maak de eerste beheerder aan via deze eenmalige link:"
        );
        eprintln!("  {base}/installatie?token={token}");
        eprintln!("(of met: nazorg user add NAAM --role administrator)");
    }
    if let Some(o) = &oidc {
        eprintln!(
            "Inloggen met de gemeentelijke account via {} (terugkeeradres {base}/inloggen/sso/terug)",
            o.issuer
        );
    }
    let config = nazorg_web::Config {
        secure_cookies: args.secure_cookies,
        public_url: base,
        programme_start: inst.programme_start,
        retention_years: inst.retention_years,
        oidc,
        ..inst.web_config()
    };
    nazorg_web::serve(listener, inst.app, config).await?;
    Ok(())
}
