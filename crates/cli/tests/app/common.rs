//! Test harness: a fresh database per test on SQLite and (when reachable) PostgreSQL, and
//! the real application served on a free port.

use nazorg_app::App as Nazorg;
use nazorg_domain::access::{Actor, Role};
use nazorg_domain::ids::{PartnerId, ServiceKindId, UserId};
use nazorg_domain::referral::PartnerKind;
use serde_json::{Value, json};
use sqlx::Connection;
use std::process::{Command, Output};

pub const PASSWORD: &str = "lange-test-wachtwoord-123";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Whether a missing tool fails the run (CI) instead of skipping.
pub fn strict() -> bool {
    std::env::var("NAZORG_TEST_STRICT").is_ok_and(|v| v == "1" || v == "true")
}

/// Skips (or, when strict, fails) a test that needs something this machine lacks.
pub fn skip(what: &str) {
    if strict() {
        panic!("NAZORG_TEST_STRICT is set, but {what}");
    }
    eprintln!("SKIPPED: {what}");
}

fn postgres_admin_url() -> String {
    std::env::var("NAZORG_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh, empty database; a PostgreSQL one is dropped when the test ends.
pub struct TestDb {
    pub url: String,
    pg: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// `None` when the backend is not available here (the test is then skipped).
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}/nazorg.db", dir.path().display());
                Some(TestDb {
                    url,
                    pg: None,
                    _dir: Some(dir),
                })
            }
            Backend::Postgres => {
                let admin = postgres_admin_url();
                let mut conn = match sqlx::PgConnection::connect(&admin).await {
                    Ok(c) => c,
                    Err(e) => {
                        skip(&format!(
                            "PostgreSQL is not reachable at {admin} ({e}); PostgreSQL tests skipped"
                        ));
                        return None;
                    }
                };
                let name = format!("nazorg_test_{}", &nazorg_app::new_token()[..16]);
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                let base = admin
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .unwrap_or(admin.clone());
                Some(TestDb {
                    url: format!("{base}/{name}"),
                    pg: Some((admin, name)),
                    _dir: None,
                })
            }
        }
    }
}

impl TestDb {
    /// Another fresh, empty database on the same backend.
    pub async fn another(&self) -> TestDb {
        let backend = if self.pg.is_some() {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        TestDb::new(backend)
            .await
            .expect("the backend this test runs on")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg.take() {
            // Runs on its own thread and runtime: Drop cannot await, and may run during a panic.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    let mut conn = sqlx::PgConnection::connect(&admin).await.ok()?;
                    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await
                        .ok()
                })
            })
            .join();
        }
    }
}

/// The application on the database at `url`, migrated, with Westland (1783) as its
/// municipality (as `nazorg` registers it at its first start).
pub async fn installation(url: &str) -> Nazorg {
    let store = Nazorg::connect(url).await.expect("connect and migrate");
    let westland = "1783".parse().unwrap();
    store
        .register_installation(&westland)
        .await
        .expect("register");
    store
}

/// The actor the CLI uses; handy for arranging data directly through the store.
pub fn system_actor() -> Actor {
    Actor {
        user_id: UserId(0),
        username: "test".into(),
        role: Role::Coordinator,
        municipality: "1783".parse().unwrap(),
        partner_id: None,
        substituting: false,
    }
}

/// Evaluates `$body` with `$conn` bound to a new connection to the database at `$url`, a
/// SQLite or a PostgreSQL one (the two connection types have no common type to name).
macro_rules! on_connection {
    ($url:expr, |$conn:ident| $body:expr) => {
        if $url.starts_with("sqlite") {
            let mut $conn = sqlx::SqliteConnection::connect($url).await.unwrap();
            $body
        } else {
            let mut $conn = sqlx::PgConnection::connect($url).await.unwrap();
            $body
        }
    };
}

/// The running application.
pub struct App {
    pub base: String,
    pub client: reqwest::Client,
    pub store: Nazorg,
    pub token: String,
    /// Kept so the database outlives the server (a PostgreSQL one is dropped with it).
    _db: TestDb,
}

pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub api_version: Option<String>,
    /// The `ETag` header, if any.
    pub etag: Option<String>,
    pub json: Value,
}

impl Reply {
    /// The problem's explanation (`detail`); empty when there is none.
    pub fn detail(&self) -> &str {
        self.json["detail"].as_str().unwrap_or_default()
    }

    /// The id of what the request created.
    pub fn id(&self) -> i64 {
        self.json["id"].as_i64().expect("an id in the reply")
    }
}

impl App {
    pub async fn spawn(db: TestDb) -> App {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        App::spawn_on(db, listener, nazorg_web::Config::new("1783")).await
    }

    /// The application on a database without any user yet.
    pub async fn spawn_without_users(db: TestDb) -> App {
        let store = installation(&db.url).await;
        App::serve(db, store, String::new()).await
    }

    /// The application, with its coordinator, on a listener bound and a configuration made
    /// by the test (single sign-on needs Nazorg's address before the provider starts).
    pub async fn spawn_on(
        db: TestDb,
        listener: tokio::net::TcpListener,
        config: nazorg_web::Config,
    ) -> App {
        App::spawn_with(db, listener, config, |store| store).await
    }

    /// The application with the BRP at `url` (with the fake's key), its worker running.
    pub async fn spawn_with_brp(db: TestDb, url: &str) -> App {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let config = nazorg_app::brp::BrpConfig {
            url: url.to_string(),
            api_key: Some(crate::fake_brp::API_KEY.to_string()),
            timeout: std::time::Duration::from_secs(5),
            ..Default::default()
        };
        let client = nazorg_app::brp::BrpClient::new(&config).expect("BRP client");
        let web = nazorg_web::Config::new("1783");
        App::spawn_with(db, listener, web, |store| store.with_brp(client)).await
    }

    /// The application with the zaaksysteem of `config`, its worker running.
    pub async fn spawn_with_zgw(db: TestDb, config: nazorg_app::zgw::ZgwConfig) -> App {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let client = nazorg_app::zgw::ZgwClient::new(&config).expect("ZGW client");
        let web = nazorg_web::Config::new("1783");
        App::spawn_with(db, listener, web, |store| store.with_zgw(client)).await
    }

    /// As [`App::spawn_on`], with the application made as `make` says.
    pub async fn spawn_with(
        db: TestDb,
        listener: tokio::net::TcpListener,
        config: nazorg_web::Config,
        make: impl FnOnce(Nazorg) -> Nazorg,
    ) -> App {
        let store = make(installation(&db.url).await);
        store
            .add_user(
                "coordinator",
                "Cora Coördinator",
                PASSWORD,
                Role::Coordinator,
                "1783",
                None,
            )
            .await
            .expect("user");
        let token = store
            .create_api_token("coordinator", "test", 1)
            .await
            .expect("token");
        App::serve_on(db, store, token, listener, config).await
    }

    async fn serve(db: TestDb, store: Nazorg, token: String) -> App {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let config = nazorg_web::Config::new("1783");
        App::serve_on(db, store, token, listener, config).await
    }

    async fn serve_on(
        db: TestDb,
        store: Nazorg,
        token: String,
        listener: tokio::net::TcpListener,
        config: nazorg_web::Config,
    ) -> App {
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let served = store.clone();
        tokio::spawn(async move { nazorg_web::serve(listener, served, config).await });
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        App {
            base,
            client,
            store,
            token,
            _db: db,
        }
    }

    /// The database URL, for running the binary against the same data.
    pub fn db_url(&self) -> String {
        self._db.url.clone()
    }

    /// Runs a statement straight on the database, around the application (as an intruder would).
    pub async fn execute_sql(&self, sql: &str) {
        on_connection!(&self._db.url, |conn| {
            sqlx::query(sql).execute(&mut conn).await.unwrap();
        });
    }

    /// The first column of a query's rows as text, straight from the database.
    pub async fn query_texts(&self, sql: &str) -> Vec<String> {
        on_connection!(&self._db.url, |conn| {
            sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
        })
    }

    /// Counts rows of the processing log that match a condition, straight from the database.
    pub async fn processing_log_count(&self, action: &str, case_id: i64) -> i64 {
        let sql = "SELECT COUNT(*) FROM processing_log WHERE action = $1 AND case_id = $2";
        on_connection!(&self._db.url, |conn| {
            sqlx::query_scalar(sql)
                .bind(action)
                .bind(case_id)
                .fetch_one(&mut conn)
                .await
                .unwrap()
        })
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type").unwrap_or_default();
        let api_version = header("api-version");
        let etag = header("etag");
        let text = response.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply {
            status,
            content_type,
            api_version,
            etag,
            json,
        }
    }

    /// A request to a path of the API with this application's token.
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(&self.token)
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn get_anonymous(&self, path: &str) -> Reply {
        self.send(self.client.get(self.url(path))).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        let request = self.request(reqwest::Method::POST, path);
        self.send(request.json(&body)).await
    }

    /// PUTs as a careful client does: to a part of a case, with the case's `ETag` as just
    /// read in `If-Match` (a made-up one when the case cannot be read).
    pub async fn put(&self, path: &str, body: Value) -> Reply {
        let tag = self.fresh_tag(path).await;
        self.put_if(path, body, tag.as_deref()).await
    }

    /// PATCHes as `put` PUTs.
    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        let tag = self.fresh_tag(path).await;
        self.send_if(reqwest::Method::PATCH, path, body, tag.as_deref())
            .await
    }

    /// PUTs with this `If-Match` (none: without the header).
    pub async fn put_if(&self, path: &str, body: Value, if_match: Option<&str>) -> Reply {
        self.send_if(reqwest::Method::PUT, path, body, if_match)
            .await
    }

    pub async fn send_if(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Value,
        if_match: Option<&str>,
    ) -> Reply {
        let mut request = self.request(method, path).json(&body);
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag);
        }
        self.send(request).await
    }

    /// The `ETag` of the case a path under `/api/v1/cases/{id}/` belongs to, as it is now.
    async fn fresh_tag(&self, path: &str) -> Option<String> {
        let tag = |v: &Value| Some(format!("\"{}\"", v["version"].as_i64()?));
        if let Some(rest) = path.strip_prefix("/api/v1/budgets/") {
            let (year, line) = rest.split_once("/lines/")?;
            let budget = self.get(&format!("/api/v1/budgets/{year}")).await.json;
            let lines = budget["lines"].as_array()?.clone();
            return lines.iter().find(|l| l["code"] == line).and_then(tag);
        }
        if let Some(id) = path.strip_prefix("/api/v1/service-kinds/") {
            let kinds = self.get("/api/v1/service-kinds").await.json;
            let kinds = kinds.as_array()?.clone();
            return kinds
                .iter()
                .find(|k| k["id"].as_i64().map(|n| n.to_string()).as_deref() == Some(id))
                .and_then(tag);
        }
        let rest = path.strip_prefix("/api/v1/cases/")?;
        let id = rest.split('/').next()?;
        let read = self.get(&format!("/api/v1/cases/{id}")).await;
        Some(read.etag.unwrap_or_else(|| "\"0\"".into()))
    }

    /// GETs a path with a query string of these (encoded) pairs.
    pub async fn get_with_query(&self, path: &str, query: &[(&str, &str)]) -> Reply {
        let request = self.request(reqwest::Method::GET, path);
        self.send(request.query(query)).await
    }

    /// PUTs to one of a case's resources: `/api/v1/cases/{case}/{resource}`.
    pub async fn put_case(&self, case: i64, resource: &str, body: Value) -> Reply {
        self.put(&format!("/api/v1/cases/{case}/{resource}"), body)
            .await
    }

    /// POSTs to one of a case's resources: `/api/v1/cases/{case}/{resource}`.
    pub async fn post_case(&self, case: i64, resource: &str, body: Value) -> Reply {
        self.post(&format!("/api/v1/cases/{case}/{resource}"), body)
            .await
    }

    /// The case as the API shows it.
    pub async fn case(&self, case: i64) -> Value {
        self.get(&format!("/api/v1/cases/{case}")).await.json
    }

    /// The resident a case is about.
    pub async fn resident_of(&self, case: i64) -> i64 {
        self.case(case).await["resident_id"]
            .as_i64()
            .expect("a resident id")
    }

    /// The address of a path of the running application.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Registers a notification through the API and returns the case id.
    pub async fn notify(&self, body: Value) -> i64 {
        let reply = self.post("/api/v1/notifications", body).await;
        assert!(
            reply.status == 201 || reply.status == 200,
            "notification refused: {} {}",
            reply.status,
            reply.json
        );
        reply.json["case_id"].as_i64().expect("case id")
    }
}

/// Arranging data: cases walked through the API, users, partners, the binary.
impl App {
    /// Posts a valid notification of an eligible resident, with overrides.
    pub async fn post_notification(&self, overrides: Value) -> Reply {
        self.post("/api/v1/notifications", notification(overrides))
            .await
    }

    /// Registers a notification of another resident (this BSN and family name) and returns
    /// the case id.
    pub async fn notify_resident(&self, bsn: &str, family_name: &str) -> i64 {
        self.notify(notification(
            json!({"bsn": bsn, "family_name": family_name}),
        ))
        .await
    }

    /// Records that the resident accepted the offer of aftercare (12-02-2026, in prison).
    pub async fn accept_offer(&self, case: i64) {
        let offer = json!({"outcome": "accepted", "date": "2026-02-12", "kind": "visit_in_prison", "note": ""});
        let r = self.put_case(case, "offer", offer).await;
        assert_eq!(r.status, 200, "{}", r.json);
    }

    /// A new case whose resident accepted aftercare, ready for triage and referrals.
    pub async fn accepted_case(&self) -> i64 {
        let case = self.notify(notification(json!({}))).await;
        self.accept_offer(case).await;
        case
    }

    /// Gives the direction of a case to the coordinator, the SKT or Exodus.
    pub async fn direct(&self, case: i64, direction: &str, reason: &str) -> Reply {
        let body = json!({"direction": direction, "reason": reason});
        self.put_case(case, "direction", body).await
    }

    /// Puts a case on the safety chamber's agenda.
    pub async fn put_on_safety_agenda(&self, case: i64, put_on: &str, reason: &str) -> Reply {
        let body = json!({"put_on": put_on, "reason": reason});
        self.post_case(case, "safety-agenda-items", body).await
    }

    /// The partner of this kind in a municipality.
    pub async fn partner_in(&self, municipality: &str, kind: PartnerKind) -> PartnerId {
        let partners = self.store.list_partners(municipality).await.unwrap();
        partners.into_iter().find(|p| p.kind == kind).unwrap().id
    }

    /// The partner of this kind in municipality 1783.
    pub async fn partner_id(&self, kind: PartnerKind) -> PartnerId {
        self.partner_in("1783", kind).await
    }

    /// The service kind of this name in municipality 1783.
    pub async fn service_id(&self, name: &str) -> ServiceKindId {
        let kinds = self.store.list_service_kinds("1783").await.unwrap();
        kinds.into_iter().find(|k| k.name == name).unwrap().id
    }

    /// The id of an existing user.
    pub async fn user_id(&self, username: &str) -> UserId {
        let id = self.store.user_id_by_name(username).await.unwrap();
        id.expect("an existing user")
    }

    /// Adds a user of municipality 1783 with the test password and returns its id.
    pub async fn add_user(&self, username: &str, display_name: &str, role: Role) -> UserId {
        self.add_user_in("1783", username, display_name, role).await
    }

    /// Adds a user of a municipality with the test password and returns its id.
    pub async fn add_user_in(
        &self,
        municipality: &str,
        username: &str,
        display_name: &str,
        role: Role,
    ) -> UserId {
        if self.store.municipality(municipality).await.is_err() {
            let asked = nazorg_app::AddMunicipality {
                code: municipality,
                name: None,
                safety_region: None,
            };
            let region = Actor {
                role: Role::RegionAdministrator,
                ..system_actor()
            };
            self.store.add_municipality(&region, &asked).await.unwrap();
        }
        let added = self
            .store
            .add_user(username, display_name, PASSWORD, role, municipality, None);
        added.await.unwrap()
    }

    /// A new API token (valid for a day) of an existing user.
    pub async fn token_for(&self, username: &str) -> String {
        self.store
            .create_api_token(username, "test", 1)
            .await
            .unwrap()
    }

    /// Runs the binary against this application's database.
    pub fn cli(&self, args: &[&str]) -> Output {
        nazorg_command(&self.db_url())
            .args(args)
            .output()
            .expect("run nazorg")
    }

    /// Runs the binary against this application's database and asserts that it succeeds.
    pub fn cli_ok(&self, args: &[&str]) -> Output {
        let out = self.cli(args);
        assert!(
            out.status.success(),
            "nazorg {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// What a successful run of the binary prints as JSON.
    pub fn cli_json(&self, args: &[&str]) -> Value {
        serde_json::from_slice(&self.cli_ok(args).stdout).expect("JSON on stdout")
    }
}

/// The binary, against the database at `db_url`, as municipality 1783.
pub fn nazorg_command(db_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nazorg"));
    command
        .args(["--database", db_url])
        .env("NAZORG_MUNICIPALITY", "1783")
        .env_remove("NAZORG_DATABASE_URL");
    command
}

/// Runs the binary against `db` with these arguments and, when given, this standard input.
pub fn nazorg_with_input(db: &TestDb, args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = nazorg_command(&db.url)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run nazorg");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(input.as_bytes()).expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait for nazorg")
}

/// Asserts how a run of the binary ended, showing what it wrote to stderr.
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The five life domains of a triage, in the API's spelling.
pub const LIFE_DOMAINS: [&str; 5] = ["id_document", "housing", "income", "care", "social_network"];

/// A triage's domains, all with the same need and self-reliance.
pub fn triage_domains(need: &str, self_reliance: &str) -> Vec<Value> {
    LIFE_DOMAINS
        .iter()
        .map(|d| json!({"domain": d, "need": need, "self_reliance": self_reliance}))
        .collect()
}

/// One line of a budget (as the API and the CLI give it), by its code.
pub fn budget_line(budget: &Value, code: &str) -> Value {
    let lines = budget["lines"].as_array().expect("budget lines");
    let line = lines.iter().find(|l| l["code"] == code);
    line.unwrap_or_else(|| panic!("no budget line {code}"))
        .clone()
}

/// The ids (under `key`) of a list of items.
pub fn ids(items: &Value, key: &str) -> Vec<i64> {
    let items = items.as_array().expect("a list");
    items.iter().map(|i| i[key].as_i64().unwrap()).collect()
}

/// A browser-like client: a cookie store, and redirects are not followed, so tests see them.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// GETs a page as `client`: its status and text.
pub async fn page(client: &reqwest::Client, url: String) -> (u16, String) {
    read(client.get(url).send().await.expect("request")).await
}

/// A response's status and text.
pub async fn read(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// Posts a form to a path of the application as `client`, from the application's own
/// origin (as a browser does).
pub async fn post_form<T: serde::Serialize>(
    app: &App,
    client: &reqwest::Client,
    path: &str,
    form: T,
) -> reqwest::Response {
    let request = client.post(app.url(path)).header("origin", &app.base);
    request.form(&form).send().await.expect("request")
}

/// The CSRF token of the (first) form on a page.
pub fn csrf_of(html: &str) -> String {
    let start = html
        .find("name=\"csrf\" value=\"")
        .expect("a form with a CSRF token")
        + 19;
    html[start..start + 64].to_string()
}

/// The version of the case its page's forms are saved against (`?versie=` of the first).
pub fn version_of(html: &str) -> String {
    let start = html.find("?versie=").expect("a form of the case page") + 8;
    html[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

/// Where a response redirects to; empty when it does not.
pub fn location(r: &reqwest::Response) -> String {
    let location = r.headers().get("location").and_then(|l| l.to_str().ok());
    location.unwrap_or("").to_string()
}

/// A browser-like client, logged in as `username` with the test password.
pub async fn logged_in(app: &App, username: &str) -> reqwest::Client {
    let client = browser();
    let form = [("username", username), ("password", PASSWORD)];
    let r = post_form(app, &client, "/inloggen", form).await;
    assert_eq!(r.status(), 303, "login as {username}");
    client
}

/// A browser-like client, logged in as a new user (of municipality 1783) with this role.
pub async fn signed_in(app: &App, username: &str, role: Role) -> reqwest::Client {
    app.add_user(username, "", role).await;
    logged_in(app, username).await
}

/// Valid BSNs (eleven-test) from `from` on, one after the other: residents of their own
/// for tests that register many.
pub fn valid_bsns(from: u32) -> impl Iterator<Item = String> {
    (from..)
        .map(|b| b.to_string())
        .filter(|b| nazorg_domain::Bsn::parse(b).is_ok())
}

/// The history's summaries of a case, as the API gives it.
pub fn history(case: &Value) -> Vec<String> {
    case["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["summary"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A valid notification of an eligible resident, with overrides.
pub fn notification(overrides: Value) -> Value {
    let mut base = serde_json::json!({
        "bsn": "691967301", "family_name": "van den Berg", "given_names": "Anna", "birth_date": "1992-02-14",
        "municipality_code": "1783", "brp_status": "registered", "institution": "PI Haaglanden",
        "detention_start": "2026-02-10", "expected_release": "2026-06-10", "sentence": "prison_sentence", "source": "automatic"
    });
    if let (Some(map), Some(extra)) = (base.as_object_mut(), overrides.as_object()) {
        for (k, v) in extra {
            map.insert(k.clone(), v.clone());
        }
    }
    base
}

/// Runs each listed `async fn(TestDb)` as one test on SQLite and one on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(db) = $crate::common::TestDb::new($crate::common::Backend::Sqlite).await {
                        super::$name(db).await
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(db) = $crate::common::TestDb::new($crate::common::Backend::Postgres).await {
                        super::$name(db).await
                    }
                }
            )*
        }
    };
}
