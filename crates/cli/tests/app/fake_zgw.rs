//! A fake zaaksysteem that follows the ZGW Zaken API 1.5 and Catalogi API 1.3 as Open Zaak
//! serves them (`../shared/specs/zgw/`), started by a test on loopback: every call needs
//! a JWT signed with HS256 and the shared secret, with `iss` and `client_id` the client's
//! and an `iat` of at most an hour ago (`authentication.rst`); the Catalogi API serves one
//! zaaktype with its statustypen and resultaattypen (paginated, two a page); the Zaken API
//! takes zaken (`Content-Crs: EPSG:4326`, bronorganisatie an RSIN, identificatie unique
//! within it), statussen (of the zaak's zaaktype; the end status only after a resultaat)
//! and one resultaat per zaak, each validated with the spec's 400 and `invalidParams`.
//! A test sets how it behaves (down, or doing the work but losing the answer).

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// The client ID and secret the fake knows Nazorg by.
pub const CLIENT_ID: &str = "nazorg-test";
pub const SECRET: &str = "zgw-geheim-voor-de-test";
/// The municipality's RSIN (passes the eleven test).
pub const RSIN: &str = "002564440";

const ZAAKTYPE_UUID: &str = "0e9f4c5a-5c1e-4c3b-9d0e-6a0b1d2c3e4f";

/// How the fake answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// As the spec says.
    Normal,
    /// 503 on every call, as an Open Zaak that is down.
    Down,
    /// Does what a POST asks, then answers 504 (a gateway that timed out): the client
    /// never hears that it happened.
    LoseAnswers,
    /// Registers a zaak only after this long (every other call as usual).
    SlowZaak(std::time::Duration),
    /// Answers every call with 200 and an HTML page (a proxy's error page).
    Garbage,
}

/// What the fake saw of one call.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub status: u16,
    /// The JWT's `user_id`, when it had a valid one.
    pub user_id: Option<String>,
    pub traceparent: Option<String>,
}

struct Inner {
    base: String,
    mode: Mode,
    secret: String,
    status_types: Vec<Value>,
    result_types: Vec<Value>,
    zaken: Vec<Value>,
    statussen: Vec<Value>,
    resultaten: Vec<Value>,
    seen: Vec<Seen>,
    /// The calls begun, before any answer (method and path).
    begun: Vec<String>,
    next_id: u64,
}

/// The running fake.
#[derive(Clone)]
pub struct FakeZgw {
    inner: Arc<Mutex<Inner>>,
    /// The base URLs and the zaaktype to give Nazorg.
    pub zaken_url: String,
    pub catalogi_url: String,
    pub zaaktype: String,
}

impl FakeZgw {
    /// A zaaksysteem with a zaaktype of these statustypen (volgnummer, omschrijving; the
    /// highest is the end status) and resultaattypen (omschrijving).
    pub async fn start(statuses: &[(i64, &str)], results: &[&str]) -> FakeZgw {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let zaaktype = format!("{base}/catalogi/api/v1/zaaktypen/{ZAAKTYPE_UUID}");
        let last = statuses.iter().map(|s| s.0).max().unwrap_or(0);
        let status_types = statuses
            .iter()
            .map(|(n, o)| {
                json!({
                    "url": format!("{base}/catalogi/api/v1/statustypen/st-{n}"),
                    "omschrijving": o, "omschrijvingGeneriek": "", "statustekst": "",
                    "zaaktype": zaaktype, "zaaktypeIdentificatie": "NAZORG",
                    "volgnummer": n, "isEindstatus": *n == last, "informeren": false,
                    "catalogus": format!("{base}/catalogi/api/v1/catalogussen/1"),
                    "eigenschappen": [], "zaakobjecttypen": [],
                    "beginObject": "2026-01-01", "eindeObject": null
                })
            })
            .collect();
        let result_types = results
            .iter()
            .enumerate()
            .map(|(i, o)| {
                json!({
                    "url": format!("{base}/catalogi/api/v1/resultaattypen/rt-{i}"),
                    "zaaktype": zaaktype, "zaaktypeIdentificatie": "NAZORG",
                    "omschrijving": o, "omschrijvingGeneriek": o,
                    "resultaattypeomschrijving": "https://selectielijst.openzaak.nl/api/v1/resultaattypeomschrijvingen/1",
                    "selectielijstklasse": "https://selectielijst.openzaak.nl/api/v1/resultaten/1",
                    "catalogus": format!("{base}/catalogi/api/v1/catalogussen/1"),
                    "besluittypeOmschrijving": [], "informatieobjecttypeOmschrijving": [],
                    "beginObject": "2026-01-01", "eindeObject": null
                })
            })
            .collect();
        let inner = Arc::new(Mutex::new(Inner {
            base: base.clone(),
            mode: Mode::Normal,
            secret: SECRET.into(),
            status_types,
            result_types,
            zaken: Vec::new(),
            statussen: Vec::new(),
            resultaten: Vec::new(),
            seen: Vec::new(),
            begun: Vec::new(),
            next_id: 1,
        }));
        let app = Router::new().fallback(handle).with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeZgw {
            inner,
            zaken_url: format!("{base}/zaken/api/v1"),
            catalogi_url: format!("{base}/catalogi/api/v1"),
            zaaktype,
        }
    }

    pub fn set_mode(&self, mode: Mode) {
        self.inner.lock().unwrap().mode = mode;
    }

    /// From now on, only JWTs signed with this secret are accepted.
    pub fn set_secret(&self, secret: &str) {
        self.inner.lock().unwrap().secret = secret.into();
    }

    /// The calls begun so far, answered or not ("POST /zaken/api/v1/zaken").
    pub fn begun(&self) -> Vec<String> {
        self.inner.lock().unwrap().begun.clone()
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.inner.lock().unwrap().seen.clone()
    }

    pub fn zaken(&self) -> Vec<Value> {
        self.inner.lock().unwrap().zaken.clone()
    }

    /// The statuses of a zaak in the order they were posted, as their statustype's
    /// omschrijving.
    pub fn statuses_of(&self, zaak_url: &str) -> Vec<String> {
        let inner = self.inner.lock().unwrap();
        inner
            .statussen
            .iter()
            .filter(|s| s["zaak"] == zaak_url)
            .map(|s| {
                let t = inner
                    .status_types
                    .iter()
                    .find(|t| t["url"] == s["statustype"])
                    .unwrap();
                t["omschrijving"].as_str().unwrap().to_string()
            })
            .collect()
    }

    /// The resultaten of a zaak, as their resultaattype's omschrijving.
    pub fn results_of(&self, zaak_url: &str) -> Vec<String> {
        let inner = self.inner.lock().unwrap();
        inner
            .resultaten
            .iter()
            .filter(|r| r["zaak"] == zaak_url)
            .map(|r| {
                let t = inner
                    .result_types
                    .iter()
                    .find(|t| t["url"] == r["resultaattype"])
                    .unwrap();
                t["omschrijving"].as_str().unwrap().to_string()
            })
            .collect()
    }

    /// The order in which a zaak's statuses and resultaat arrived: "status Ontvangen",
    /// "resultaat Afgerond", …
    pub fn arrivals(&self) -> Vec<String> {
        self.seen()
            .into_iter()
            .filter(|s| s.method == "POST" && s.status == 201)
            .map(|s| s.path.rsplit('/').next().unwrap().to_string())
            .collect()
    }

    /// The command-line settings that connect Nazorg to this fake.
    pub fn cli_args(&self) -> Vec<String> {
        [
            ("--zgw-zaken-url", self.zaken_url.as_str()),
            ("--zgw-catalogi-url", self.catalogi_url.as_str()),
            ("--zgw-client-id", CLIENT_ID),
            ("--zgw-secret", SECRET),
            ("--zgw-zaaktype", self.zaaktype.as_str()),
            ("--zgw-rsin", RSIN),
        ]
        .iter()
        .flat_map(|(k, v)| [k.to_string(), v.to_string()])
        .collect()
    }

    /// Nazorg's settings for this fake.
    pub fn config(&self) -> nazorg_app::zgw::ZgwConfig {
        nazorg_app::zgw::ZgwConfig {
            zaken_url: self.zaken_url.clone(),
            catalogi_url: self.catalogi_url.clone(),
            client_id: CLIENT_ID.into(),
            secret: SECRET.into(),
            zaaktype: self.zaaktype.clone(),
            rsin: RSIN.into(),
            mapping: Default::default(),
            timeout: std::time::Duration::from_secs(5),
        }
    }
}

fn problem(status: StatusCode, code: &str, title: &str, invalid: Vec<Value>) -> Response {
    let mut body = json!({
        "type": format!("https://openzaak.example/ref/fouten/{code}/"),
        "code": code,
        "title": title,
        "status": status.as_u16(),
        "detail": title,
        "instance": "urn:uuid:00000000-0000-4000-8000-000000000000",
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

fn invalid(name: &str, code: &str, reason: &str) -> Value {
    json!({"name": name, "code": code, "reason": reason})
}

fn bad_request(invalid: Vec<Value>) -> Response {
    problem(
        StatusCode::BAD_REQUEST,
        "invalid",
        "Invalid input.",
        invalid,
    )
}

/// The JWT's `user_id`, or why it is refused.
fn authenticate(headers: &HeaderMap, secret: &str) -> Result<String, &'static str> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or("no bearer token")?;
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    let key = jsonwebtoken::DecodingKey::from_secret(secret.as_bytes());
    let claims = jsonwebtoken::decode::<Value>(token, &key, &validation)
        .map_err(|_| "bad signature")?
        .claims;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let iat = claims["iat"].as_i64().ok_or("no iat")?;
    if !(now - 3600..=now + 60).contains(&iat) {
        return Err("expired");
    }
    if claims["iss"] != CLIENT_ID || claims["client_id"] != CLIENT_ID {
        return Err("unknown client");
    }
    Ok(claims["user_id"].as_str().unwrap_or_default().to_string())
}

fn query_value(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| decode(v))
    })
}

fn decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// A page of a list, two items a page, as Open Zaak paginates.
fn page(items: Vec<Value>, url: &str, query: &str) -> Response {
    let n: usize = query_value(query, "page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    let size = 2;
    let count = items.len();
    let results: Vec<Value> = items.into_iter().skip((n - 1) * size).take(size).collect();
    let rest: Vec<&str> = query
        .split('&')
        .filter(|p| !p.starts_with("page=") && !p.is_empty())
        .collect();
    let link = |p: usize| format!("{url}?{}&page={p}", rest.join("&"));
    let next = (n * size < count).then(|| link(n + 1));
    let previous = (n > 1).then(|| link(n - 1));
    (
        StatusCode::OK,
        axum::Json(json!({"count": count, "next": next, "previous": previous, "results": results})),
    )
        .into_response()
}

async fn handle(
    State(inner): State<Arc<Mutex<Inner>>>,
    method: Method,
    uri: Uri,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let path = uri.path().to_string();
    let query = query.unwrap_or_default();
    let traceparent = headers
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (mode, secret) = {
        let i = inner.lock().unwrap();
        (i.mode, i.secret.clone())
    };
    let user = authenticate(&headers, &secret);
    inner.lock().unwrap().begun.push(format!("{method} {path}"));
    if let Mode::SlowZaak(d) = mode
        && method == Method::POST
        && path == "/zaken/api/v1/zaken"
    {
        tokio::time::sleep(d).await;
    }
    let response = if mode == Mode::Garbage {
        (
            StatusCode::OK,
            [("content-type", "text/html")],
            "<html><body>Bad gateway</body></html>",
        )
            .into_response()
    } else if mode == Mode::Down {
        problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Service unavailable.",
            vec![],
        )
    } else if user.is_err() {
        problem(
            StatusCode::UNAUTHORIZED,
            "not_authenticated",
            "Authenticatiegegevens zijn niet opgegeven.",
            vec![],
        )
    } else {
        let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let mut i = inner.lock().unwrap();
        let r = route(&mut i, &method, &path, &query, &headers, &body);
        if mode == Mode::LoseAnswers && method == Method::POST && r.status() == StatusCode::CREATED
        {
            problem(
                StatusCode::GATEWAY_TIMEOUT,
                "timeout",
                "Gateway timeout.",
                vec![],
            )
        } else {
            r
        }
    };
    let status = response.status().as_u16();
    // Record as arrived what the zaaksysteem did, even when its answer was lost.
    let did =
        status == 201 || (mode == Mode::LoseAnswers && status == 504 && method == Method::POST);
    inner.lock().unwrap().seen.push(Seen {
        method: method.to_string(),
        path,
        status: if did { 201 } else { status },
        user_id: user.ok(),
        traceparent,
    });
    response
}

fn route(
    i: &mut Inner,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &Value,
) -> Response {
    let url = format!("{}{path}", i.base);
    let of_zaaktype = |items: &[Value]| -> Vec<Value> {
        let wanted = query_value(query, "zaaktype");
        items
            .iter()
            .filter(|t| wanted.as_deref().is_none_or(|w| t["zaaktype"] == w))
            .cloned()
            .collect()
    };
    match (method.as_str(), path) {
        ("GET", p) if p == format!("/catalogi/api/v1/zaaktypen/{ZAAKTYPE_UUID}") => {
            let statustypen: Vec<Value> = i.status_types.iter().map(|t| t["url"].clone()).collect();
            let resultaattypen: Vec<Value> =
                i.result_types.iter().map(|t| t["url"].clone()).collect();
            axum::Json(json!({
                "url": url, "identificatie": "NAZORG", "omschrijving": "Nazorg ex-gedetineerden",
                "concept": false, "statustypen": statustypen, "resultaattypen": resultaattypen,
                "vertrouwelijkheidaanduiding": "vertrouwelijk"
            }))
            .into_response()
        }
        ("GET", "/catalogi/api/v1/statustypen") => page(of_zaaktype(&i.status_types), &url, query),
        ("GET", "/catalogi/api/v1/resultaattypen") => {
            page(of_zaaktype(&i.result_types), &url, query)
        }
        ("POST", "/zaken/api/v1/zaken") => create_zaak(i, headers, body),
        ("GET", "/zaken/api/v1/zaken")
            if headers.get("accept-crs").and_then(|v| v.to_str().ok()) != Some("EPSG:4326") =>
        {
            problem(
                StatusCode::PRECONDITION_FAILED,
                "missing-accept-crs-header",
                "'Accept-Crs' header ontbreekt",
                vec![],
            )
        }
        ("GET", "/zaken/api/v1/zaken") => {
            let ident = query_value(query, "identificatie");
            let bron = query_value(query, "bronorganisatie");
            let found: Vec<Value> = i
                .zaken
                .iter()
                .filter(|z| ident.as_deref().is_none_or(|v| z["identificatie"] == v))
                .filter(|z| bron.as_deref().is_none_or(|v| z["bronorganisatie"] == v))
                .cloned()
                .collect();
            page(found, &url, query)
        }
        ("POST", "/zaken/api/v1/statussen") => create_status(i, body),
        ("GET", "/zaken/api/v1/statussen") => {
            let zaak = query_value(query, "zaak");
            let st = query_value(query, "statustype");
            let found: Vec<Value> = i
                .statussen
                .iter()
                .filter(|s| zaak.as_deref().is_none_or(|v| s["zaak"] == v))
                .filter(|s| st.as_deref().is_none_or(|v| s["statustype"] == v))
                .cloned()
                .collect();
            page(found, &url, query)
        }
        ("POST", "/zaken/api/v1/resultaten") => create_result(i, body),
        ("GET", "/zaken/api/v1/resultaten") => {
            let zaak = query_value(query, "zaak");
            let found: Vec<Value> = i
                .resultaten
                .iter()
                .filter(|r| zaak.as_deref().is_none_or(|v| r["zaak"] == v))
                .cloned()
                .collect();
            page(found, &url, query)
        }
        _ => problem(StatusCode::NOT_FOUND, "not_found", "Niet gevonden.", vec![]),
    }
}

fn eleven_test(rsin: &str) -> bool {
    rsin.len() == 9
        && rsin.bytes().all(|b| b.is_ascii_digit())
        && rsin
            .bytes()
            .enumerate()
            .map(|(k, b)| {
                let d = i64::from(b - b'0');
                if k == 8 { -d } else { d * (9 - k as i64) }
            })
            .sum::<i64>()
            % 11
            == 0
}

fn new_url(i: &mut Inner, resource: &str) -> (String, String) {
    let uuid = format!("00000000-0000-4000-8000-{:012}", i.next_id);
    i.next_id += 1;
    (format!("{}/zaken/api/v1/{resource}/{uuid}", i.base), uuid)
}

fn create_zaak(i: &mut Inner, headers: &HeaderMap, body: &Value) -> Response {
    if headers.get("content-crs").and_then(|v| v.to_str().ok()) != Some("EPSG:4326") {
        return problem(
            StatusCode::PRECONDITION_FAILED,
            "missing-content-crs-header",
            "'Content-Crs' header ontbreekt",
            vec![],
        );
    }
    let mut wrong = Vec::new();
    for field in ["bronorganisatie", "verantwoordelijkeOrganisatie"] {
        if !body[field].as_str().is_some_and(eleven_test) {
            wrong.push(invalid(field, "invalid", "Onjuist RSIN formaat."));
        }
    }
    let zaaktype = format!("{}/catalogi/api/v1/zaaktypen/{ZAAKTYPE_UUID}", i.base);
    if body["zaaktype"] != zaaktype.as_str() {
        wrong.push(invalid("zaaktype", "bad-url", "De URL is ongeldig."));
    }
    let start = body["startdatum"].as_str().unwrap_or_default();
    if time::Date::parse(start, &time::format_description::well_known::Iso8601::DATE).is_err() {
        wrong.push(invalid(
            "startdatum",
            "invalid",
            "Datum heeft het verkeerde formaat.",
        ));
    }
    if body["omschrijving"]
        .as_str()
        .is_some_and(|o| o.chars().count() > 80)
    {
        wrong.push(invalid(
            "omschrijving",
            "max_length",
            "Zorg ervoor dat dit veld niet meer dan 80 karakters bevat.",
        ));
    }
    let ident = body["identificatie"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if ident.chars().count() > 40 {
        wrong.push(invalid(
            "identificatie",
            "max_length",
            "Maximaal 40 karakters.",
        ));
    }
    if i.zaken.iter().any(|z| {
        z["identificatie"] == ident.as_str() && z["bronorganisatie"] == body["bronorganisatie"]
    }) {
        wrong.push(invalid(
            "identificatie",
            "identificatie-niet-uniek",
            "Deze identificatie bestaat al voor deze bronorganisatie",
        ));
    }
    if !wrong.is_empty() {
        return bad_request(wrong);
    }
    let (url, uuid) = new_url(i, "zaken");
    let mut zaak = body.clone();
    zaak["url"] = json!(url);
    zaak["uuid"] = json!(uuid);
    zaak["status"] = Value::Null;
    zaak["resultaat"] = Value::Null;
    zaak["einddatum"] = Value::Null;
    i.zaken.push(zaak.clone());
    (StatusCode::CREATED, axum::Json(zaak)).into_response()
}

fn create_status(i: &mut Inner, body: &Value) -> Response {
    let mut wrong = Vec::new();
    let Some(zaak_index) = i.zaken.iter().position(|z| z["url"] == body["zaak"]) else {
        return bad_request(vec![invalid("zaak", "bad-url", "De URL is ongeldig.")]);
    };
    let Some(st) = i
        .status_types
        .iter()
        .find(|t| t["url"] == body["statustype"])
        .cloned()
    else {
        return bad_request(vec![invalid(
            "statustype",
            "bad-url",
            "De URL is ongeldig.",
        )]);
    };
    let at = body["datumStatusGezet"].as_str().unwrap_or_default();
    let moment = time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339);
    let Ok(moment) = moment else {
        return bad_request(vec![invalid(
            "datumStatusGezet",
            "invalid",
            "Datetime heeft een verkeerd formaat.",
        )]);
    };
    // Kept as Open Zaak writes it back: UTC with an explicit offset.
    let stored = moment
        .to_offset(time::UtcOffset::UTC)
        .format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]+00:00"
        ))
        .unwrap();
    if i.statussen
        .iter()
        .any(|s| s["zaak"] == body["zaak"] && s["datumStatusGezet"] == stored.as_str())
    {
        wrong.push(invalid(
            "nonFieldErrors",
            "unique",
            "De velden zaak, datum_status_gezet moeten een unieke set zijn.",
        ));
    }
    let zaak_url = body["zaak"].as_str().unwrap().to_string();
    if i.zaken[zaak_index]["einddatum"] != Value::Null {
        wrong.push(invalid(
            "nonFieldErrors",
            "zaak-closed",
            "De zaak is al afgesloten.",
        ));
    }
    if st["isEindstatus"] == true && !i.resultaten.iter().any(|r| r["zaak"] == zaak_url.as_str()) {
        wrong.push(invalid(
            "nonFieldErrors",
            "resultaat-does-not-exist",
            "De zaak heeft geen resultaat: zet eerst het resultaat.",
        ));
    }
    if !wrong.is_empty() {
        return bad_request(wrong);
    }
    let (url, uuid) = new_url(i, "statussen");
    let mut status = body.clone();
    status["datumStatusGezet"] = json!(stored);
    status["url"] = json!(url);
    status["uuid"] = json!(uuid);
    status["indicatieLaatstGezetteStatus"] = json!(true);
    status["zaakinformatieobjecten"] = json!([]);
    i.zaken[zaak_index]["status"] = json!(url);
    if st["isEindstatus"] == true {
        i.zaken[zaak_index]["einddatum"] = json!(&stored[..10]);
    }
    i.statussen.push(status.clone());
    (StatusCode::CREATED, axum::Json(status)).into_response()
}

fn create_result(i: &mut Inner, body: &Value) -> Response {
    let Some(zaak_index) = i.zaken.iter().position(|z| z["url"] == body["zaak"]) else {
        return bad_request(vec![invalid("zaak", "bad-url", "De URL is ongeldig.")]);
    };
    if !i
        .result_types
        .iter()
        .any(|t| t["url"] == body["resultaattype"])
    {
        return bad_request(vec![invalid(
            "resultaattype",
            "bad-url",
            "De URL is ongeldig.",
        )]);
    }
    if i.resultaten.iter().any(|r| r["zaak"] == body["zaak"]) {
        return bad_request(vec![invalid(
            "zaak",
            "unique",
            "Deze zaak heeft al een resultaat.",
        )]);
    }
    let (url, uuid) = new_url(i, "resultaten");
    let mut result = body.clone();
    result["url"] = json!(url);
    result["uuid"] = json!(uuid);
    i.zaken[zaak_index]["resultaat"] = json!(url);
    i.resultaten.push(result.clone());
    (StatusCode::CREATED, axum::Json(result)).into_response()
}
