//! The BRP's HTTP interface as Haal Centraal BRP Personen 2 publishes it: `POST
//! URL/personen` with `RaadpleegMetBurgerservicenummer`, the API key in `X-API-Key`, a
//! client certificate where the gateway asks for one. Every way it can fail is an
//! [`BrpError`] with a Dutch message for the case page.

use crate::outside::Problem;
use nazorg_domain::brp::{BrpPerson, FIELDS};
use nazorg_domain::notification::MunicipalityCode;
use serde::Deserialize;
use std::time::Duration;

/// How Nazorg reaches the BRP (from `--brp-*`).
#[derive(Clone, Default)]
pub struct BrpConfig {
    /// The API's base URL; Nazorg posts to `URL/personen`.
    pub url: String,
    /// Sent as `X-API-Key`, when given.
    pub api_key: Option<String>,
    /// The client certificate and its key (PEM), for mutual TLS.
    pub client_identity_pem: Option<Vec<u8>>,
    /// A CA certificate (PEM) to trust besides the public roots (a private gateway).
    pub ca_pem: Option<Vec<u8>>,
    /// How long one request may take.
    pub timeout: Duration,
}

impl std::fmt::Debug for BrpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key and the certificate's private key stay out of every log.
        f.debug_struct("BrpConfig")
            .field("url", &self.url)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Why the BRP gave no usable answer, in Dutch.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BrpError {
    #[error("De BRP antwoordde niet binnen {0} s.")]
    Timeout(u64),
    #[error("De BRP is niet bereikbaar: {0}.")]
    Unreachable(String),
    #[error("De BRP weigerde de vraag als ongeldig (400): {0}")]
    Invalid(String),
    #[error("De BRP herkende Nazorg niet (401): controleer de API-sleutel (--brp-api-key).")]
    Unauthenticated,
    #[error("De BRP staat Nazorg deze vraag niet toe (403){0}")]
    Forbidden(String),
    #[error("De BRP gaf een fout ({0}){1}")]
    Failed(u16, String),
    #[error("Het antwoord van de BRP is onleesbaar: {0}.")]
    Garbage(String),
}

/// A setting of the BRP that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BrpSetupError {
    #[error("--brp-url '{0}' is geen http(s)-adres")]
    Url(String),
    #[error("het clientcertificaat (--brp-client-cert/--brp-client-key) is onbruikbaar: {0}")]
    Identity(String),
    #[error("het CA-certificaat (--brp-ca-cert) is onbruikbaar: {0}")]
    Ca(String),
    #[error("de HTTP-client kan niet worden gemaakt: {0}")]
    Client(String),
}

/// What the BRP answered: the persons it knows, and those it sent that could not be read
/// (by BSN, with why), so that one unreadable person does not hold up the others.
#[derive(Debug, Clone, Default)]
pub struct Answered {
    pub persons: Vec<BrpPerson>,
    pub unreadable: Vec<(String, BrpError)>,
}

/// The BRP, as configured.
#[derive(Debug, Clone)]
pub struct BrpClient {
    http: reqwest::Client,
    endpoint: String,
    api_key: Option<String>,
    timeout: Duration,
}

impl BrpClient {
    /// A client for `config`; refuses settings that cannot work.
    pub fn new(config: &BrpConfig) -> Result<BrpClient, BrpSetupError> {
        let base = config.url.trim().trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(BrpSetupError::Url(config.url.clone()));
        }
        let mut builder = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .user_agent(concat!("Nazorg/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = &config.client_identity_pem {
            let identity = reqwest::Identity::from_pem(pem)
                .map_err(|e| BrpSetupError::Identity(e.to_string()))?;
            builder = builder.identity(identity);
        }
        if let Some(pem) = &config.ca_pem {
            let ca = reqwest::Certificate::from_pem(pem)
                .map_err(|e| BrpSetupError::Ca(e.to_string()))?;
            builder = builder.add_root_certificate(ca);
        }
        Ok(BrpClient {
            http: builder
                .build()
                .map_err(|e| BrpSetupError::Client(e.to_string()))?,
            endpoint: format!("{base}/personen"),
            api_key: config.api_key.clone().filter(|k| !k.is_empty()),
            timeout: config.timeout,
        })
    }

    /// Asks the BRP about up to 20 BSNs (`RaadpleegMetBurgerservicenummer`), for only the
    /// [`FIELDS`] the case needs; gives the persons it knows.
    pub async fn lookup(&self, bsns: &[String], traceparent: &str) -> Result<Answered, BrpError> {
        let body = serde_json::json!({
            "type": "RaadpleegMetBurgerservicenummer",
            "burgerservicenummer": bsns,
            "fields": FIELDS,
        });
        let mut request = self
            .http
            .post(&self.endpoint)
            .header("Content-Type", "application/json; charset=utf-8")
            .header("Accept", "application/json")
            .header("traceparent", traceparent)
            .body(body.to_string());
        if let Some(key) = &self.api_key {
            request = request.header("X-API-Key", key);
        }
        let response = request.send().await.map_err(|e| self.transport(&e))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|e| self.transport(&e))?;
        if status != 200 {
            return Err(refusal(status, &bytes));
        }
        let answer: Answer =
            serde_json::from_slice(&bytes).map_err(|e| BrpError::Garbage(e.to_string()))?;
        if answer.kind != "RaadpleegMetBurgerservicenummer" {
            return Err(BrpError::Garbage(format!(
                "onverwacht type ‘{}’",
                answer.kind
            )));
        }
        let mut answered = Answered::default();
        for person in answer.personen {
            let bsn = person.burgerservicenummer.clone().ok_or_else(|| {
                BrpError::Garbage("een persoon zonder burgerservicenummer".into())
            })?;
            match person.read(bsn.clone()) {
                Ok(p) => answered.persons.push(p),
                Err(e) => answered.unreadable.push((bsn, e)),
            }
        }
        Ok(answered)
    }

    fn transport(&self, e: &reqwest::Error) -> BrpError {
        if e.is_timeout() {
            BrpError::Timeout(self.timeout.as_secs().max(1))
        } else {
            BrpError::Unreachable(crate::outside::innermost_cause(e))
        }
    }
}

/// The error of an answer that is not 200, from its problem+json where it has one.
fn refusal(status: u16, bytes: &[u8]) -> BrpError {
    let problem: Option<Problem> = serde_json::from_slice(bytes).ok();
    let detail = problem.as_ref().map(Problem::explain).unwrap_or_default();
    match status {
        400 => BrpError::Invalid(if detail.is_empty() {
            "zonder toelichting".into()
        } else {
            detail
        }),
        401 => BrpError::Unauthenticated,
        403 => BrpError::Forbidden(if detail.is_empty() {
            ".".into()
        } else {
            format!(": {detail}")
        }),
        _ => BrpError::Failed(
            status,
            if detail.is_empty() {
                ".".into()
            } else {
                format!(": {detail}")
            },
        ),
    }
}

#[derive(Deserialize)]
struct Answer {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    personen: Vec<WirePerson>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WirePerson {
    burgerservicenummer: Option<String>,
    opschorting_bijhouding: Option<WireSuspension>,
    verblijfplaats: Option<WireResidence>,
    gemeente_van_inschrijving: Option<Waardetabel>,
}

#[derive(Deserialize)]
struct WireSuspension {
    reden: Option<Waardetabel>,
    datum: Option<WireDate>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireResidence {
    #[serde(rename = "type")]
    kind: String,
    datum_van: Option<WireDate>,
}

#[derive(Deserialize)]
struct Waardetabel {
    code: Option<String>,
}

/// An `AbstractDatum`: only a whole date (`type: Datum`) is a date; a year, a month or
/// an unknown date is none.
#[derive(Deserialize)]
struct WireDate {
    #[serde(rename = "type")]
    kind: String,
    datum: Option<String>,
}

impl WireDate {
    fn date(&self) -> Result<Option<time::Date>, BrpError> {
        match (self.kind.as_str(), &self.datum) {
            ("Datum", Some(d)) => nazorg_domain::dates::parse_date(d)
                .map(Some)
                .map_err(|_| BrpError::Garbage(format!("datum ‘{d}’"))),
            _ => Ok(None),
        }
    }
}

impl WirePerson {
    fn read(self, bsn: String) -> Result<BrpPerson, BrpError> {
        let suspension = match self.opschorting_bijhouding {
            Some(s) => {
                let code = s.reden.and_then(|r| r.code).unwrap_or_default();
                let on = s.datum.map(|d| d.date()).transpose()?.flatten();
                Some((code, on))
            }
            None => None,
        };
        let residence_unknown = match self.verblijfplaats {
            Some(v) if v.kind == "VerblijfplaatsOnbekend" => {
                Some(v.datum_van.map(|d| d.date()).transpose()?.flatten())
            }
            _ => None,
        };
        let municipality = match self.gemeente_van_inschrijving.and_then(|g| g.code) {
            Some(code) => Some(
                MunicipalityCode::parse(&code)
                    .map_err(|_| BrpError::Garbage(format!("gemeentecode ‘{code}’")))?,
            ),
            None => None,
        };
        Ok(BrpPerson {
            bsn,
            suspension,
            residence_unknown,
            municipality,
        })
    }
}
