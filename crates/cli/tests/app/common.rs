//! Test harness: a fresh database per test on SQLite and (when reachable) PostgreSQL, and
//! the real application served on a free port.

use nazorg_app::App as Nazorg;
use nazorg_domain::access::{Actor, Role};
use nazorg_domain::ids::UserId;
use serde_json::Value;
use sqlx::Connection;

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

/// The actor the CLI uses; handy for arranging data directly through the store.
pub fn system_actor() -> Actor {
    Actor {
        user_id: UserId(0),
        username: "test".into(),
        role: Role::Coordinator,
        municipality: "1783".into(),
        partner_id: None,
        substituting: false,
    }
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
    pub json: Value,
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
        let store = Nazorg::connect(&db.url).await.expect("connect and migrate");
        App::serve(db, store, String::new()).await
    }

    /// The application, with its coordinator, on a listener bound and a configuration made
    /// by the test (single sign-on needs Nazorg's address before the provider starts).
    pub async fn spawn_on(
        db: TestDb,
        listener: tokio::net::TcpListener,
        config: nazorg_web::Config,
    ) -> App {
        let store = Nazorg::connect(&db.url).await.expect("connect and migrate");
        store
            .add_user(
                "coordinator",
                "Cora Coördinator",
                PASSWORD,
                Role::Coordinator,
                "1783",
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
        if self._db.url.starts_with("sqlite") {
            let mut conn = sqlx::SqliteConnection::connect(&self._db.url)
                .await
                .unwrap();
            sqlx::query(sql).execute(&mut conn).await.unwrap();
        } else {
            let mut conn = sqlx::PgConnection::connect(&self._db.url).await.unwrap();
            sqlx::query(sql).execute(&mut conn).await.unwrap();
        }
    }

    /// The first column of a query's rows as text, straight from the database.
    pub async fn query_texts(&self, sql: &str) -> Vec<String> {
        if self._db.url.starts_with("sqlite") {
            let mut conn = sqlx::SqliteConnection::connect(&self._db.url)
                .await
                .unwrap();
            sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
        } else {
            let mut conn = sqlx::PgConnection::connect(&self._db.url).await.unwrap();
            sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
        }
    }

    /// Counts rows of the processing log that match a condition, straight from the database.
    pub async fn processing_log_count(&self, action: &str, case_id: i64) -> i64 {
        let sql = "SELECT COUNT(*) FROM processing_log WHERE action = $1 AND case_id = $2";
        if self._db.url.starts_with("sqlite") {
            let mut conn = sqlx::SqliteConnection::connect(&self._db.url)
                .await
                .unwrap();
            sqlx::query_scalar(sql)
                .bind(action)
                .bind(case_id)
                .fetch_one(&mut conn)
                .await
                .unwrap()
        } else {
            let mut conn = sqlx::PgConnection::connect(&self._db.url).await.unwrap();
            sqlx::query_scalar(sql)
                .bind(action)
                .bind(case_id)
                .fetch_one(&mut conn)
                .await
                .unwrap()
        }
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
        let text = response.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply {
            status,
            content_type,
            api_version,
            json,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(
            self.client
                .get(format!("{}{path}", self.base))
                .bearer_auth(&self.token),
        )
        .await
    }

    pub async fn get_anonymous(&self, path: &str) -> Reply {
        self.send(self.client.get(format!("{}{path}", self.base)))
            .await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(
            self.client
                .post(format!("{}{path}", self.base))
                .bearer_auth(&self.token)
                .json(&body),
        )
        .await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.send(
            self.client
                .put(format!("{}{path}", self.base))
                .bearer_auth(&self.token)
                .json(&body),
        )
        .await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.send(
            self.client
                .patch(format!("{}{path}", self.base))
                .bearer_auth(&self.token)
                .json(&body),
        )
        .await
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

/// A browser-like client (a cookie store; redirects are not followed, so tests see them),
/// logged in as `username` with the test password.
pub async fn logged_in(app: &App, username: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let r = client
        .post(format!("{}/inloggen", app.base))
        .form(&[("username", username), ("password", PASSWORD)])
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), 303, "login as {username}");
    client
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
