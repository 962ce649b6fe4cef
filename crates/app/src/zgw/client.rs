//! The zaaksysteem's HTTP interfaces as the ZGW Zaken API 1.5 and Catalogi API 1.3
//! publish them (as Open Zaak serves them): a JWT signed with HS256 per call, as
//! `authentication.rst` describes; the zaaktype with its statustypen and resultaattypen
//! from the Catalogi API; zaken, statussen and resultaten posted to the Zaken API. Every
//! way it can fail is a [`ZgwError`] with a Dutch message for the case page.

use crate::outside::{Problem, innermost_cause};
use nazorg_domain::zaak::{Mapping, ResultType, StatusType};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::time::Duration;
use time::OffsetDateTime;

/// How Nazorg reaches the zaaksysteem (from `--zgw-*`).
#[derive(Clone, Default)]
pub struct ZgwConfig {
    /// The Zaken API's base URL, e.g. `https://openzaak.gemeente.nl/zaken/api/v1`.
    pub zaken_url: String,
    /// The Catalogi API's base URL, e.g. `https://openzaak.gemeente.nl/catalogi/api/v1`.
    pub catalogi_url: String,
    /// The client ID the zaaksysteem knows Nazorg by (`iss` and `client_id` of the JWT).
    pub client_id: String,
    /// The secret the JWT is signed with.
    pub secret: String,
    /// The URL of the zaaktype of aftercare cases in the Catalogi API.
    pub zaaktype: String,
    /// The municipality's RSIN: bronorganisatie and verantwoordelijkeOrganisatie.
    pub rsin: String,
    /// Which statustype a phase is and which resultaattype a closing reason.
    pub mapping: Mapping,
    /// How long one request may take.
    pub timeout: Duration,
}

impl std::fmt::Debug for ZgwConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret stays out of every log.
        f.debug_struct("ZgwConfig")
            .field("zaken_url", &self.zaken_url)
            .field("catalogi_url", &self.catalogi_url)
            .field("client_id", &self.client_id)
            .field("zaaktype", &self.zaaktype)
            .finish_non_exhaustive()
    }
}

/// Why the zaaksysteem gave no usable answer, in Dutch.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ZgwError {
    #[error("Het zaaksysteem antwoordde niet binnen {0} s.")]
    Timeout(u64),
    #[error("Het zaaksysteem is niet bereikbaar: {0}.")]
    Unreachable(String),
    #[error("Het zaaksysteem weigerde het verzoek als ongeldig (400): {0}")]
    Invalid(String),
    #[error(
        "Het zaaksysteem herkende Nazorg niet (401): controleer de client-ID en het geheim (--zgw-client-id, --zgw-secret)."
    )]
    Unauthenticated,
    #[error("Het zaaksysteem staat Nazorg dit niet toe (403){0}")]
    Forbidden(String),
    #[error("Het zaaksysteem gaf een fout ({0}){1}")]
    Failed(u16, String),
    #[error("Het antwoord van het zaaksysteem is onleesbaar: {0}.")]
    Garbage(String),
    #[error("Het zaaksysteem heeft al een zaak met deze identificatie: {0}")]
    Taken(String),
    #[error("Het zaaktype is onbruikbaar: {0}.")]
    Zaaktype(String),
}

/// A setting of the zaaksysteem that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ZgwSetupError {
    #[error("{0} '{1}' is geen http(s)-adres")]
    Url(&'static str, String),
    #[error("--zgw-rsin '{0}' is geen geldig RSIN (9 cijfers die de elfproef doorstaan)")]
    Rsin(String),
    #[error("{0} ontbreekt: de koppeling met het zaaksysteem heeft het nodig")]
    Missing(&'static str),
    #[error("de HTTP-client kan niet worden gemaakt: {0}")]
    Client(String),
}

/// The zaaktype as the Catalogi API gives it, with what a case needs of it.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub status_types: Vec<StatusType>,
    pub result_types: Vec<ResultType>,
}

/// A zaak registered (or found) in the Zaken API.
#[derive(Debug, Clone)]
pub struct Zaak {
    pub url: String,
    pub identificatie: String,
}

/// Who a call is made for, as the JWT says (`user_id`, `user_representation`).
#[derive(Debug, Clone, Copy)]
pub struct OnBehalf<'a> {
    pub user_id: &'a str,
    pub traceparent: &'a str,
}

/// The zaaksysteem, as configured.
#[derive(Debug, Clone)]
pub struct ZgwClient {
    http: reqwest::Client,
    zaken: String,
    catalogi: String,
    client_id: String,
    secret: String,
    zaaktype: String,
    rsin: String,
    mapping: Mapping,
    timeout: Duration,
}

/// At most this many pages of a list are read (100 items a page in Open Zaak).
const MAX_PAGES: usize = 20;

fn base(flag: &'static str, url: &str) -> Result<String, ZgwSetupError> {
    let url = url.trim().trim_end_matches('/');
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(url.to_string())
    } else {
        Err(ZgwSetupError::Url(flag, url.to_string()))
    }
}

impl ZgwClient {
    /// A client for `config`; refuses settings that cannot work.
    pub fn new(config: &ZgwConfig) -> Result<ZgwClient, ZgwSetupError> {
        if config.client_id.trim().is_empty() {
            return Err(ZgwSetupError::Missing("--zgw-client-id"));
        }
        if config.secret.is_empty() {
            return Err(ZgwSetupError::Missing("--zgw-secret"));
        }
        let rsin = config.rsin.trim();
        if nazorg_domain::bsn::Bsn::parse(rsin).is_err() {
            return Err(ZgwSetupError::Rsin(rsin.to_string()));
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .user_agent(concat!("Nazorg/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ZgwSetupError::Client(e.to_string()))?;
        Ok(ZgwClient {
            http,
            zaken: base("--zgw-zaken-url", &config.zaken_url)?,
            catalogi: base("--zgw-catalogi-url", &config.catalogi_url)?,
            client_id: config.client_id.trim().to_string(),
            secret: config.secret.clone(),
            zaaktype: base("--zgw-zaaktype", &config.zaaktype)?,
            rsin: rsin.to_string(),
            mapping: config.mapping.clone(),
            timeout: config.timeout,
        })
    }

    /// How phases and reasons map onto the zaaktype.
    pub fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    /// A JWT for one call (Open Zaak refuses one older than an hour).
    fn token(&self, user_id: &str) -> Result<String, ZgwError> {
        let claims = json!({
            "iss": self.client_id,
            "iat": OffsetDateTime::now_utc().unix_timestamp(),
            "client_id": self.client_id,
            "user_id": user_id,
            "user_representation": user_id,
        });
        let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        let key = jsonwebtoken::EncodingKey::from_secret(self.secret.as_bytes());
        jsonwebtoken::encode(&header, &claims, &key)
            .map_err(|e| ZgwError::Garbage(format!("het JWT kan niet worden gemaakt: {e}")))
    }

    /// One call: `body` posted, or a GET without it; the answer read as `T` when it has
    /// status `expect`.
    async fn call<T: DeserializeOwned>(
        &self,
        url: &str,
        body: Option<&Value>,
        expect: u16,
        on: OnBehalf<'_>,
    ) -> Result<T, ZgwError> {
        let mut request = match body {
            Some(b) => self
                .http
                .post(url)
                .header("Content-Type", "application/json")
                .body(b.to_string()),
            None => self.http.get(url),
        };
        request = request
            .bearer_auth(self.token(on.user_id)?)
            .header("Accept", "application/json")
            .header("traceparent", on.traceparent);
        if url.starts_with(&format!("{}/zaken", self.zaken)) {
            // The Zaken API asks which coordinate system a zaak's geometry is in.
            request = request
                .header("Accept-Crs", "EPSG:4326")
                .header("Content-Crs", "EPSG:4326");
        }
        let response = request.send().await.map_err(|e| self.transport(&e))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|e| self.transport(&e))?;
        if status != expect {
            return Err(refusal(status, &bytes));
        }
        serde_json::from_slice(&bytes).map_err(|e| {
            ZgwError::Garbage(format!(
                "geen JSON van de vorm die de API-standaard beschrijft ({e})"
            ))
        })
    }

    fn transport(&self, e: &reqwest::Error) -> ZgwError {
        if e.is_timeout() {
            ZgwError::Timeout(self.timeout.as_secs().max(1))
        } else {
            ZgwError::Unreachable(innermost_cause(e))
        }
    }

    /// Every item of a paginated list.
    async fn list<T: DeserializeOwned>(
        &self,
        url: String,
        on: OnBehalf<'_>,
    ) -> Result<Vec<T>, ZgwError> {
        let mut items = Vec::new();
        let mut next = Some(url);
        for _ in 0..MAX_PAGES {
            let Some(url) = next.take() else {
                return Ok(items);
            };
            let page: Page<T> = self.call(&url, None, 200, on).await?;
            items.extend(page.results);
            next = page.next;
        }
        match next {
            None => Ok(items),
            Some(_) => Err(ZgwError::Garbage(format!(
                "een lijst van meer dan {MAX_PAGES} pagina's"
            ))),
        }
    }

    /// The zaaktype's statustypen and resultaattypen, from the Catalogi API.
    pub async fn catalog(&self, on: OnBehalf<'_>) -> Result<Catalog, ZgwError> {
        let zaaktype: WireZaaktype = self.call(&self.zaaktype, None, 200, on).await?;
        if zaaktype.concept {
            return Err(ZgwError::Zaaktype(
                "het is nog een concept en kan pas na publicatie zaken krijgen".into(),
            ));
        }
        let query = format!("zaaktype={}", encode(&self.zaaktype));
        let statuses: Vec<WireStatusType> = self
            .list(format!("{}/statustypen?{query}", self.catalogi), on)
            .await?;
        let results: Vec<WireResultType> = self
            .list(format!("{}/resultaattypen?{query}", self.catalogi), on)
            .await?;
        Ok(Catalog {
            status_types: statuses
                .into_iter()
                .map(|s| StatusType {
                    url: s.url,
                    volgnummer: s.volgnummer,
                    omschrijving: s.omschrijving,
                    is_end: s.is_eindstatus,
                })
                .collect(),
            result_types: results
                .into_iter()
                .map(|r| ResultType {
                    url: r.url,
                    omschrijving: r.omschrijving,
                })
                .collect(),
        })
    }

    /// Registers a zaak of the zaaktype with this identificatie; a zaak already registered
    /// with it (an earlier call whose answer never came) is found instead.
    pub async fn register(
        &self,
        identificatie: &str,
        omschrijving: &str,
        startdatum: time::Date,
        on: OnBehalf<'_>,
    ) -> Result<Zaak, ZgwError> {
        let body = json!({
            "identificatie": identificatie,
            "bronorganisatie": self.rsin,
            "verantwoordelijkeOrganisatie": self.rsin,
            "zaaktype": self.zaaktype,
            "omschrijving": omschrijving,
            "startdatum": nazorg_domain::dates::format_iso(startdatum),
            "vertrouwelijkheidaanduiding": "vertrouwelijk",
        });
        let url = format!("{}/zaken", self.zaken);
        match self.call::<WireZaak>(&url, Some(&body), 201, on).await {
            Ok(z) => Ok(Zaak {
                url: z.url,
                identificatie: z.identificatie,
            }),
            Err(ZgwError::Taken(why)) => {
                let query = format!(
                    "{url}?identificatie={}&bronorganisatie={}",
                    encode(identificatie),
                    self.rsin
                );
                let found: Page<WireZaak> = self.call(&query, None, 200, on).await?;
                found
                    .results
                    .into_iter()
                    .find(|z| z.identificatie == identificatie)
                    .map(|z| Zaak {
                        url: z.url,
                        identificatie: z.identificatie,
                    })
                    .ok_or(ZgwError::Taken(why))
            }
            Err(e) => Err(e),
        }
    }

    /// Posts a status of the zaak; gives its URL.
    pub async fn post_status(
        &self,
        zaak: &str,
        statustype: &str,
        at: OffsetDateTime,
        toelichting: &str,
        on: OnBehalf<'_>,
    ) -> Result<String, ZgwError> {
        let body = json!({
            "zaak": zaak,
            "statustype": statustype,
            "datumStatusGezet": rfc3339(at)?,
            "statustoelichting": toelichting,
        });
        let made: WireMade = self
            .call(&format!("{}/statussen", self.zaken), Some(&body), 201, on)
            .await?;
        Ok(made.url)
    }

    /// A status of the zaak of this type set at `at`, if the zaaksysteem has one.
    pub async fn find_status(
        &self,
        zaak: &str,
        statustype: &str,
        at: OffsetDateTime,
        on: OnBehalf<'_>,
    ) -> Result<Option<String>, ZgwError> {
        let url = format!(
            "{}/statussen?zaak={}&statustype={}",
            self.zaken,
            encode(zaak),
            encode(statustype)
        );
        let statuses: Vec<WireStatus> = self.list(url, on).await?;
        Ok(statuses
            .into_iter()
            .find(|s| {
                time::OffsetDateTime::parse(
                    &s.datum_status_gezet,
                    &time::format_description::well_known::Rfc3339,
                )
                .is_ok_and(|t| t == at)
            })
            .map(|s| s.url))
    }

    /// Posts the zaak's resultaat; gives its URL.
    pub async fn post_result(
        &self,
        zaak: &str,
        resultaattype: &str,
        toelichting: &str,
        on: OnBehalf<'_>,
    ) -> Result<String, ZgwError> {
        let body = json!({
            "zaak": zaak,
            "resultaattype": resultaattype,
            "toelichting": toelichting,
        });
        let made: WireMade = self
            .call(&format!("{}/resultaten", self.zaken), Some(&body), 201, on)
            .await?;
        Ok(made.url)
    }

    /// The zaak's resultaat, if the zaaksysteem has one.
    pub async fn find_result(
        &self,
        zaak: &str,
        on: OnBehalf<'_>,
    ) -> Result<Option<String>, ZgwError> {
        let url = format!("{}/resultaten?zaak={}", self.zaken, encode(zaak));
        let results: Vec<WireMade> = self.list(url, on).await?;
        Ok(results.into_iter().next().map(|r| r.url))
    }
}

/// A moment as the ZGW APIs write a `date-time`.
fn rfc3339(at: OffsetDateTime) -> Result<String, ZgwError> {
    at.format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| ZgwError::Garbage(e.to_string()))
}

/// A URL as a query parameter's value.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The error of an answer that is not the one expected, from its problem+json.
fn refusal(status: u16, bytes: &[u8]) -> ZgwError {
    let problem: Option<Problem> = serde_json::from_slice(bytes).ok();
    let detail = problem.as_ref().map(Problem::explain).unwrap_or_default();
    let suffix = if detail.is_empty() {
        ".".to_string()
    } else {
        format!(": {detail}")
    };
    let taken = problem.as_ref().is_some_and(|p| {
        p.invalid_params
            .iter()
            .any(|i| i.name == "identificatie" && i.code == "identificatie-niet-uniek")
    });
    match status {
        400 if taken => ZgwError::Taken(detail),
        400 => ZgwError::Invalid(if detail.is_empty() {
            "zonder toelichting".into()
        } else {
            detail
        }),
        401 => ZgwError::Unauthenticated,
        403 => ZgwError::Forbidden(suffix),
        _ => ZgwError::Failed(status, suffix),
    }
}

#[derive(Deserialize)]
struct Page<T> {
    #[serde(default)]
    next: Option<String>,
    results: Vec<T>,
}

#[derive(Deserialize)]
struct WireZaaktype {
    #[serde(default)]
    concept: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireStatusType {
    url: String,
    volgnummer: i64,
    #[serde(default)]
    omschrijving: String,
    #[serde(default)]
    is_eindstatus: bool,
}

#[derive(Deserialize)]
struct WireResultType {
    url: String,
    #[serde(default)]
    omschrijving: String,
}

#[derive(Deserialize)]
struct WireZaak {
    url: String,
    identificatie: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireStatus {
    url: String,
    datum_status_gezet: String,
}

#[derive(Deserialize)]
struct WireMade {
    url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            encode("https://oz/catalogi/api/v1/zaaktypen/1?a=b"),
            "https%3A%2F%2Foz%2Fcatalogi%2Fapi%2Fv1%2Fzaaktypen%2F1%3Fa%3Db"
        );
    }

    #[test]
    fn the_jwt_is_hs256_with_the_claims_of_authentication_rst() {
        let config = ZgwConfig {
            zaken_url: "http://oz/zaken/api/v1".into(),
            catalogi_url: "http://oz/catalogi/api/v1".into(),
            client_id: "nazorg".into(),
            secret: "geheim".into(),
            zaaktype: "http://oz/catalogi/api/v1/zaaktypen/1".into(),
            rsin: "002564440".into(),
            mapping: Mapping::default(),
            timeout: Duration::from_secs(5),
        };
        let client = ZgwClient::new(&config).unwrap();
        let token = client.token("cora").unwrap();
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.required_spec_claims.clear();
        let decoded = jsonwebtoken::decode::<Value>(
            &token,
            &jsonwebtoken::DecodingKey::from_secret(b"geheim"),
            &validation,
        )
        .unwrap();
        assert_eq!(decoded.claims["iss"], "nazorg");
        assert_eq!(decoded.claims["client_id"], "nazorg");
        assert_eq!(decoded.claims["user_id"], "cora");
        assert!(decoded.claims["iat"].as_i64().unwrap() > 1_700_000_000);
        let bad = ZgwConfig {
            rsin: "123456789".into(),
            ..config
        };
        assert!(matches!(ZgwClient::new(&bad), Err(ZgwSetupError::Rsin(_))));
    }
}
