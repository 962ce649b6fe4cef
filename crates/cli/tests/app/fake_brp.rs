//! A fake BRP that follows Haal Centraal BRP Personen 2 (`../shared/specs/brp/`), started
//! by a test on loopback: `POST /haalcentraal/api/brp/personen` with
//! `RaadpleegMetBurgerservicenummer`, the API key in `X-API-Key`, the request validated as
//! the spec and `fout-cases.feature` say (problem+json with `invalidParams`), and only the
//! asked `fields` delivered, plus what the BRP delivers by itself (`opschortingBijhouding`).
//! A test sets who is in it and how it behaves (down, slow, refusing).

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The path the BRP Personen API is served under, as at the gateways.
pub const BASE: &str = "/haalcentraal/api/brp";
/// The API key the fake accepts.
pub const API_KEY: &str = "test-sleutel-brp";

/// Fields the BRP delivers by itself: asking for them is a 400.
const AUTOMATIC: &[&str] = &[
    "inOnderzoek",
    "geheimhoudingPersoonsgegevens",
    "opschortingBijhouding",
    "rni",
    "verificatie",
];

/// Top-level fields of a `Persoon` (the spec's schema), for refusing paths that do not exist.
const PERSON_FIELDS: &[&str] = &[
    "aNummer",
    "burgerservicenummer",
    "datumEersteInschrijvingGBA",
    "geslacht",
    "uitsluitingKiesrecht",
    "europeesKiesrecht",
    "leeftijd",
    "naam",
    "nationaliteiten",
    "geboorte",
    "overlijden",
    "verblijfplaats",
    "immigratie",
    "gemeenteVanInschrijving",
    "datumInschrijvingInGemeente",
    "adressering",
    "indicatieCurateleRegister",
    "gezag",
    "verblijfstitel",
    "kinderen",
    "ouders",
    "partners",
];

/// How the fake answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// As the spec says.
    Normal,
    /// 503, as a gateway whose BRP is down.
    Down,
    /// Answers only after this long.
    Slow(Duration),
    /// Refuses every question with the spec's 400 for a bad BSN.
    Refuse400,
}

/// What the fake saw of one request.
#[derive(Clone, Debug)]
pub struct Seen {
    pub bsns: Vec<String>,
    pub fields: Vec<String>,
    pub traceparent: Option<String>,
    pub status: u16,
}

#[derive(Default)]
struct Inner {
    persons: BTreeMap<String, Value>,
    mode: Option<Mode>,
    seen: Vec<Seen>,
}

/// The running fake.
#[derive(Clone)]
pub struct FakeBrp {
    inner: Arc<Mutex<Inner>>,
    /// The URL to give Nazorg as --brp-url.
    pub url: String,
}

impl FakeBrp {
    pub async fn start() -> FakeBrp {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}{BASE}", listener.local_addr().unwrap());
        let app = Router::new()
            .route(&format!("{BASE}/personen"), post(personen))
            .with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeBrp { inner, url }
    }

    /// Puts a person in the BRP, as the spec's `Persoon` (all of it; the fake delivers
    /// only what is asked).
    pub fn add(&self, person: Value) {
        let bsn = person["burgerservicenummer"].as_str().unwrap().to_string();
        self.inner.lock().unwrap().persons.insert(bsn, person);
    }

    pub fn set_mode(&self, mode: Mode) {
        self.inner.lock().unwrap().mode = Some(mode);
    }

    /// The requests so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.inner.lock().unwrap().seen.clone()
    }
}

/// A registered resident of `municipality`, living at an address since 2020.
pub fn registered(bsn: &str, municipality: (&str, &str)) -> Value {
    json!({
        "burgerservicenummer": bsn,
        "naam": {"voornamen": "Anna", "geslachtsnaam": "Berg", "voorvoegsel": "van den"},
        "geboorte": {"datum": {"type": "Datum", "datum": "1992-02-14", "langFormaat": "14 februari 1992"}},
        "gemeenteVanInschrijving": {"code": municipality.0, "omschrijving": municipality.1},
        "verblijfplaats": {
            "type": "Adres",
            "datumVan": {"type": "Datum", "datum": "2020-01-01", "langFormaat": "1 januari 2020"},
            "verblijfadres": {"officieleStraatnaam": "Dorpsstraat", "huisnummer": 1, "postcode": "2671AA", "woonplaats": "Naaldwijk"}
        }
    })
}

/// A resident whose registration was suspended with `reason` (O, E, M, R) on `date`.
pub fn suspended(bsn: &str, reason: (&str, &str), date: &str) -> Value {
    let mut p = registered(bsn, ("1783", "Westland"));
    p["opschortingBijhouding"] = json!({
        "reden": {"code": reason.0, "omschrijving": reason.1},
        "datum": {"type": "Datum", "datum": date, "langFormaat": date}
    });
    p
}

/// A resident of Westland whose residence became unknown on `date`.
pub fn residence_unknown(bsn: &str, date: &str) -> Value {
    let mut p = registered(bsn, ("1783", "Westland"));
    p["verblijfplaats"] = json!({
        "type": "VerblijfplaatsOnbekend",
        "datumVan": {"type": "Datum", "datum": date, "langFormaat": date}
    });
    p
}

fn problem(status: StatusCode, title: &str, detail: &str, invalid: Vec<Value>) -> Response {
    let mut body = json!({
        "type": "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.1",
        "title": title,
        "status": status.as_u16(),
        "detail": detail,
        "instance": format!("{BASE}/personen"),
        "code": if status == StatusCode::BAD_REQUEST { "paramsValidation" } else { "error" },
    });
    if !invalid.is_empty() {
        body["invalidParams"] = Value::Array(invalid);
    }
    (
        status,
        [("content-type", "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

fn invalid_param(code: &str, name: &str, reason: &str) -> Value {
    json!({"type": "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.1", "code": code, "name": name, "reason": reason})
}

/// A 400 of the spec, with its invalid parameters.
fn params_refused(invalid: Vec<Value>) -> Response {
    let names: Vec<&str> = invalid
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    let detail = format!("De foutieve parameter(s) zijn: {}.", names.join(", "));
    problem(
        StatusCode::BAD_REQUEST,
        "Een of meerdere parameters zijn niet correct.",
        &detail,
        invalid,
    )
}

/// The checks of the request, as the spec and its error cases describe them.
fn validate(body: &Value) -> Result<(Vec<String>, Vec<String>), Vec<Value>> {
    let mut invalid = Vec::new();
    if body["type"] != "RaadpleegMetBurgerservicenummer" {
        invalid.push(invalid_param(
            "value",
            "type",
            "Waarde is geen geldige zoek type.",
        ));
    }
    let mut fields = Vec::new();
    match body["fields"].as_array() {
        None => invalid.push(invalid_param(
            "required",
            "fields",
            "Parameter is verplicht.",
        )),
        Some(list) if list.is_empty() || list.len() > 130 => invalid.push(invalid_param(
            "minItems",
            "fields",
            "Array bevat minder dan 1 of meer dan 130 items.",
        )),
        Some(list) => {
            for (i, f) in list.iter().enumerate() {
                let path = f.as_str().unwrap_or_default();
                let top = path.split('.').next().unwrap_or_default();
                if AUTOMATIC.contains(&top) {
                    invalid.push(invalid_param(
                        "field",
                        &format!("fields[{i}]"),
                        "Parameter bevat een niet toegestane veldnaam.",
                    ));
                } else if !PERSON_FIELDS.contains(&top) {
                    invalid.push(invalid_param(
                        "field",
                        &format!("fields[{i}]"),
                        "Parameter bevat een niet bestaande veldnaam.",
                    ));
                }
                fields.push(path.to_string());
            }
        }
    }
    let mut bsns = Vec::new();
    match &body["burgerservicenummer"] {
        Value::Null => invalid.push(invalid_param(
            "required",
            "burgerservicenummer",
            "Parameter is verplicht.",
        )),
        Value::Array(list) if list.is_empty() => invalid.push(invalid_param(
            "minItems",
            "burgerservicenummer",
            "Array bevat minder dan 1 items.",
        )),
        Value::Array(list) if list.len() > 20 => invalid.push(invalid_param(
            "maxItems",
            "burgerservicenummer",
            "Array bevat meer dan 20 items.",
        )),
        Value::Array(list) => {
            for (i, b) in list.iter().enumerate() {
                let bsn = b.as_str().unwrap_or_default();
                if bsn.len() != 9 || !bsn.bytes().all(|c| c.is_ascii_digit()) {
                    invalid.push(invalid_param(
                        "pattern",
                        &format!("burgerservicenummer[{i}]"),
                        "Waarde voldoet niet aan patroon ^[0-9]{9}$.",
                    ));
                }
                bsns.push(bsn.to_string());
            }
        }
        _ => invalid.push(invalid_param(
            "array",
            "burgerservicenummer",
            "Parameter is geen array.",
        )),
    }
    if invalid.is_empty() {
        Ok((bsns, fields))
    } else {
        Err(invalid)
    }
}

/// Copies `path` of `from` into `to`, with the `type` of every object on the way (the
/// discriminators of the spec's polymorphic values).
fn copy_path(from: &Value, to: &mut Value, path: &[&str]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let Some(value) = from.get(*first) else {
        return;
    };
    if rest.is_empty() {
        to[*first] = value.clone();
        return;
    }
    if to.get(*first).is_none() {
        to[*first] = json!({});
        if let Some(kind) = value.get("type") {
            to[*first]["type"] = kind.clone();
        }
    }
    copy_path(value, &mut to[*first], rest);
}

async fn personen(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let mode = inner.lock().unwrap().mode.unwrap_or(Mode::Normal);
    let traceparent = headers
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let record = |bsns: Vec<String>, fields: Vec<String>, status: u16| {
        inner.lock().unwrap().seen.push(Seen {
            bsns,
            fields,
            traceparent: traceparent.clone(),
            status,
        });
    };
    if let Mode::Slow(d) = mode {
        tokio::time::sleep(d).await;
    }
    if mode == Mode::Down {
        record(Vec::new(), Vec::new(), 503);
        return problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "Bronservice BRP is tijdelijk niet beschikbaar.",
            "Probeer het later opnieuw.",
            Vec::new(),
        );
    }
    if headers.get("x-api-key").and_then(|v| v.to_str().ok()) != Some(API_KEY) {
        record(Vec::new(), Vec::new(), 401);
        return problem(
            StatusCode::UNAUTHORIZED,
            "Niet correct geauthenticeerd.",
            "Geen geldige API-sleutel.",
            Vec::new(),
        );
    }
    let json_body = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/json"));
    if !json_body {
        record(Vec::new(), Vec::new(), 415);
        return problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Media Type wordt niet ondersteund.",
            "Ondersteunde content type: application/json; charset=utf-8.",
            Vec::new(),
        );
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        record(Vec::new(), Vec::new(), 400);
        return params_refused(vec![invalid_param("json", "body", "Geen geldige JSON.")]);
    };
    let (bsns, fields) = match validate(&body) {
        Ok(asked) => asked,
        Err(invalid) => {
            record(Vec::new(), Vec::new(), 400);
            return params_refused(invalid);
        }
    };
    if mode == Mode::Refuse400 {
        record(bsns, fields, 400);
        return params_refused(vec![invalid_param(
            "pattern",
            "burgerservicenummer[0]",
            "Waarde voldoet niet aan patroon ^[0-9]{9}$.",
        )]);
    }
    let persons = inner.lock().unwrap().persons.clone();
    let mut found = Vec::new();
    for bsn in &bsns {
        let Some(full) = persons.get(bsn) else {
            continue;
        };
        // Persons suspended for F or W are not delivered at all.
        let reason = full["opschortingBijhouding"]["reden"]["code"].as_str();
        if matches!(reason, Some("F" | "W")) {
            continue;
        }
        let mut person = json!({});
        for f in &fields {
            let path: Vec<&str> = f.split('.').collect();
            copy_path(full, &mut person, &path);
        }
        if let Some(s) = full.get("opschortingBijhouding") {
            person["opschortingBijhouding"] = s.clone();
        }
        found.push(person);
    }
    record(bsns, fields, 200);
    (
        StatusCode::OK,
        [("content-type", "application/json; charset=utf-8")],
        json!({"type": "RaadpleegMetBurgerservicenummer", "personen": found}).to_string(),
    )
        .into_response()
}
