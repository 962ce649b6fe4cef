//! Single sign-on with OpenID Connect: the configuration, how claims become a Nazorg role,
//! and the relying party (discovery, the authorization code flow with PKCE, ID token
//! checks) on the `openidconnect` crate. The pages of the flow are in `ui/sso.rs`.

use nazorg_domain::access::{Role, is_partner_role};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreProviderMetadata,
    CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, Client, ClientId, ClientSecret, EmptyExtraTokenFields, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl, RedirectUrl, StandardErrorResponse,
    StandardTokenResponse,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// The settings of single sign-on; SSO is off unless these are given.
#[derive(Debug, Clone)]
pub struct OidcConfig {
    /// The provider's issuer URL (its discovery document is under
    /// `/.well-known/openid-configuration`).
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Scopes asked besides `openid`.
    pub scopes: Vec<String>,
    /// The claim that carries the groups or roles (a name, or a dotted path such as
    /// `realm_access.roles`).
    pub role_claim: String,
    /// Claim values and the Nazorg role each gives; the first that the user has wins.
    pub roles: Vec<RoleMapping>,
    /// The claim with the user's municipality (CBS code); `None`: the server's.
    pub municipality_claim: Option<String>,
}

/// One claim value and the role it gives (with the partner organisation, by name, for the
/// partner roles).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleMapping {
    pub value: String,
    pub role: Role,
    pub partner: Option<String>,
}

/// Reads a role map: comma-separated `VALUE=ROLE` pairs, where a partner role names its
/// organisation as `VALUE=ROLE:PARTNER` (e.g. `exodus-team=exodus_worker:Exodus`). The
/// pair splits at its last `=`, so a value may itself contain `=`; it cannot contain a
/// comma. Order matters: the first pair whose value the user has decides the role.
pub fn parse_role_map(text: &str) -> Result<Vec<RoleMapping>, String> {
    let mut map = Vec::new();
    for pair in text
        .split([',', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let Some((value, target)) = pair.rsplit_once('=') else {
            return Err(format!("'{pair}' is geen WAARDE=ROL"));
        };
        let (code, partner) = match target.split_once(':') {
            Some((code, partner)) => (code.trim(), Some(partner.trim().to_string())),
            None => (target.trim(), None),
        };
        let value = value.trim();
        if value.is_empty() {
            return Err(format!("'{pair}' heeft geen claimwaarde"));
        }
        let role = Role::parse(code)
            .ok_or_else(|| format!("onbekende rol '{code}'; kies uit {}", Role::codes_list()))?;
        let partner = partner.filter(|p| !p.is_empty());
        if is_partner_role(role) && partner.is_none() {
            return Err(format!(
                "de rol '{code}' hoort bij een ketenpartner: schrijf {value}={code}:NAAM"
            ));
        }
        if !is_partner_role(role) && partner.is_some() {
            return Err(format!(
                "de rol '{code}' hoort niet bij een ketenpartner: laat ':…' weg"
            ));
        }
        map.push(RoleMapping {
            value: value.to_string(),
            role,
            partner,
        });
    }
    if map.is_empty() {
        return Err("de rollentabel is leeg: geef ten minste één WAARDE=ROL".into());
    }
    Ok(map)
}

/// A claim by name, or else by dotted path (`realm_access.roles`).
pub fn claim<'a>(claims: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    if let Some(v) = claims.get(name) {
        return Some(v);
    }
    let mut parts = name.split('.');
    let mut current = claims.get(parts.next()?)?;
    for part in parts {
        current = current.as_object()?.get(part)?;
    }
    Some(current)
}

/// The values of a claim that holds one string or a list of strings.
pub fn claim_values(claims: &Map<String, Value>, name: &str) -> Vec<String> {
    match claim(claims, name) {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

impl OidcConfig {
    /// The role the claims give, if any: the first mapping whose value the user has.
    pub fn role_for(&self, claims: &Map<String, Value>) -> Option<&RoleMapping> {
        let values = claim_values(claims, &self.role_claim);
        self.roles.iter().find(|m| values.contains(&m.value))
    }
}

/// The claims besides the standard ones, kept as they came (the role and municipality
/// claims are configurable, so they cannot be fields).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExtraClaims {
    #[serde(flatten)]
    pub all: Map<String, Value>,
}

impl AdditionalClaims for ExtraClaims {}

type IdFields = IdTokenFields<
    ExtraClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// The token endpoint's answer, with an ID token that keeps the extra claims.
pub type TokenResponse = StandardTokenResponse<IdFields, CoreTokenType>;

/// The client as made from the provider's discovery document.
pub type OidcClient = Client<
    ExtraClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    TokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// How long the provider's discovery document and keys are kept before fetching again.
const METADATA_TTL: Duration = Duration::from_secs(15 * 60);

/// The relying party at run time: the configuration, an HTTP client for the back channel
/// and the provider's metadata (discovered on first use, so Nazorg starts even when the
/// provider is down).
pub struct Sso {
    pub config: OidcConfig,
    pub redirect_uri: String,
    http: Result<openidconnect::reqwest::Client, String>,
    metadata: Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

impl std::fmt::Debug for Sso {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sso")
            .field("issuer", &self.config.issuer)
            .finish_non_exhaustive()
    }
}

impl Sso {
    /// The relying party for a configuration; Nazorg's callback is under `public_url`.
    pub fn new(config: OidcConfig, public_url: &str) -> Sso {
        // No redirects on the back channel: a provider that redirects its token endpoint
        // could otherwise point Nazorg at internal addresses.
        let http = openidconnect::reqwest::ClientBuilder::new()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string());
        Sso {
            redirect_uri: format!("{}/inloggen/sso/terug", public_url.trim_end_matches('/')),
            config,
            http,
            metadata: Mutex::new(None),
        }
    }

    pub fn http(&self) -> Result<&openidconnect::reqwest::Client, String> {
        self.http.as_ref().map_err(|e| format!("HTTP-client: {e}"))
    }

    /// The client, from the cached discovery document or a fresh one.
    pub async fn client(&self) -> Result<OidcClient, String> {
        let mut cached = self.metadata.lock().await;
        let fresh = match cached.as_ref() {
            Some((at, metadata)) if at.elapsed() < METADATA_TTL => metadata.clone(),
            _ => {
                let issuer = IssuerUrl::new(self.config.issuer.clone())
                    .map_err(|e| format!("issuer-URL: {e}"))?;
                let metadata = CoreProviderMetadata::discover_async(issuer, self.http()?)
                    .await
                    .map_err(|e| format!("discovery: {}", error_chain(&e)))?;
                *cached = Some((Instant::now(), metadata.clone()));
                metadata
            }
        };
        drop(cached);
        let redirect = RedirectUrl::new(self.redirect_uri.clone())
            .map_err(|e| format!("redirect-URL: {e}"))?;
        Ok(OidcClient::from_provider_metadata(
            fresh,
            ClientId::new(self.config.client_id.clone()),
            Some(ClientSecret::new(self.config.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }

    /// Forgets the discovery document and keys, so the next sign-in fetches them again
    /// (after a token that did not verify: the provider may have rotated its keys).
    pub async fn forget_metadata(&self) {
        *self.metadata.lock().await = None;
    }
}

/// An error with its causes, for the log.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_maps_read_values_roles_and_partners() {
        let map = parse_role_map(
            "nazorg-coordinatoren=coordinator, cn=beheer,nazorg-beheer=administrator,exodus-team=exodus_worker:Exodus",
        );
        // "cn=beheer" alone is a pair with an unknown role.
        assert!(map.is_err());
        let map = parse_role_map(
            "nazorg-coordinatoren=coordinator, cn=beheer=administrator, exodus-team=exodus_worker:Exodus",
        )
        .unwrap_or_default();
        assert_eq!(
            map,
            vec![
                RoleMapping {
                    value: "nazorg-coordinatoren".into(),
                    role: Role::Coordinator,
                    partner: None
                },
                RoleMapping {
                    value: "cn=beheer".into(),
                    role: Role::Administrator,
                    partner: None
                },
                RoleMapping {
                    value: "exodus-team".into(),
                    role: Role::ExodusWorker,
                    partner: Some("Exodus".into())
                },
            ]
        );
        assert!(parse_role_map("").is_err());
        assert!(parse_role_map("x=boss").is_err());
        assert!(parse_role_map("x=exodus_worker").is_err());
        assert!(parse_role_map("x=exodus_worker:").is_err());
        assert!(parse_role_map("x=coordinator:Exodus").is_err());
        assert!(parse_role_map("=coordinator").is_err());
    }

    #[test]
    fn the_first_mapping_the_user_has_wins_and_claims_may_be_nested() {
        let config = OidcConfig {
            issuer: String::new(),
            client_id: String::new(),
            client_secret: String::new(),
            scopes: vec![],
            role_claim: "realm_access.roles".into(),
            roles: parse_role_map("beheer=administrator,coord=coordinator").unwrap_or_default(),
            municipality_claim: None,
        };
        let claims = |v: Value| v.as_object().cloned().unwrap_or_default();
        let both = claims(serde_json::json!({"realm_access": {"roles": ["coord", "beheer"]}}));
        assert_eq!(
            config.role_for(&both).map(|m| m.role),
            Some(Role::Administrator)
        );
        let one = claims(serde_json::json!({"realm_access": {"roles": "coord"}}));
        assert_eq!(
            config.role_for(&one).map(|m| m.role),
            Some(Role::Coordinator)
        );
        let none = claims(serde_json::json!({"groups": ["coord"]}));
        assert_eq!(config.role_for(&none), None);
    }
}
