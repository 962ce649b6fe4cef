//! Single sign-on against a real OpenID Connect provider (the npm package `oidc-provider`,
//! started on loopback by `tests/oidc/provider.mjs`), driven like a browser: an HTTP client
//! with a cookie store follows the redirects and fills in the provider's login and consent
//! forms.

use crate::common::{App, TestDb, browser, skip};
use nazorg_domain::access::Role;
use nazorg_domain::referral::PartnerKind;
use reqwest::Url;
use serde_json::{Value, json};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const CLIENT_ID: &str = "nazorg-test";
const CLIENT_SECRET: &str = "een-geheim-voor-de-test-alleen";

/// The provider, as a child process that ends with the test.
struct Provider {
    child: Child,
    issuer: String,
    settings: PathBuf,
    redirect_uri: String,
    _dir: tempfile::TempDir,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Provider {
    /// Starts the provider for a client that returns to `redirect_uri`; `None` (skipped)
    /// when Node.js or the package is missing here.
    fn start(redirect_uri: &str, accounts: Value) -> Option<Provider> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        if !root
            .join("node_modules/oidc-provider/package.json")
            .exists()
        {
            skip(
                "the npm package oidc-provider is not installed (npm install --no-save oidc-provider@8); single sign-on tests skipped",
            );
            return None;
        }
        if Command::new("node").arg("--version").output().is_err() {
            skip("node is not installed; single sign-on tests skipped");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let settings = dir.path().join("provider.json");
        Provider::write(&settings, redirect_uri, &accounts);
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc/provider.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .arg(&settings)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start node");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if let Ok(v) = serde_json::from_str::<Value>(&line)
                    && let Some(issuer) = v["issuer"].as_str()
                {
                    let _ = tx.send(issuer.to_string());
                }
            }
        });
        let issuer = match rx.recv_timeout(std::time::Duration::from_secs(30)) {
            Ok(issuer) => issuer,
            Err(_) => {
                let _ = child.kill();
                panic!("the OpenID Connect provider did not start");
            }
        };
        Some(Provider {
            child,
            issuer,
            settings,
            redirect_uri: redirect_uri.to_string(),
            _dir: dir,
        })
    }

    fn write(path: &Path, redirect_uri: &str, accounts: &Value) {
        let settings = json!({
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uri": redirect_uri,
            "accounts": accounts,
        });
        std::fs::write(path, settings.to_string()).unwrap();
    }

    /// Changes the accounts' claims (read again by the provider at each sign-in).
    fn set_accounts(&self, accounts: Value) {
        Provider::write(&self.settings, &self.redirect_uri, &accounts);
    }
}

fn accounts(cora_groups: Value) -> Value {
    json!({
        "cora": {"preferred_username": "Cora.SSO", "name": "Cora van der SSO", "groups": cora_groups},
        "nora": {"preferred_username": "nora", "name": "Nora Niemand", "groups": ["iets-anders"]},
        "eddie": {"preferred_username": "eddie", "name": "Eddie Exodus", "groups": ["exodus-team"]},
        "coordinator": {"preferred_username": "coordinator", "name": "Cora Coördinator", "groups": "nazorg-coordinatoren"},
    })
}

fn location(r: &reqwest::Response) -> Option<Url> {
    let l = r.headers().get("location")?.to_str().ok()?;
    r.url().join(l).ok()
}

/// How a walk through the provider should end.
#[derive(Clone, Copy, PartialEq)]
enum Finish {
    /// Log in as this account and consent.
    Login(&'static str),
    /// Cancel at the login form.
    Cancel,
}

/// Follows the sign-in from Nazorg's SSO link through the provider's forms up to (not
/// into) Nazorg's callback, and returns the callback URL.
async fn to_callback(app: &App, client: &reqwest::Client, finish: Finish) -> Url {
    let mut url = Url::parse(&format!("{}/inloggen/sso?next=%2Fcasussen", app.base)).unwrap();
    for _ in 0..20 {
        if url.path() == "/inloggen/sso/terug" {
            return url;
        }
        let r = client.get(url.clone()).send().await.unwrap();
        if let Some(next) = location(&r) {
            if url.path() == "/inloggen/sso" {
                // Nazorg's redirect to the provider: PKCE with S256, a state and a nonce.
                let query: Vec<(String, String)> = next.query_pairs().into_owned().collect();
                let has = |k: &str| query.iter().any(|(key, v)| key == k && !v.is_empty());
                assert!(
                    has("state") && has("nonce") && has("code_challenge"),
                    "{next}"
                );
                assert!(
                    query.contains(&("code_challenge_method".into(), "S256".into())),
                    "{next}"
                );
                let cookie = r.headers()["set-cookie"].to_str().unwrap();
                assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
            }
            url = next;
            continue;
        }
        let status = r.status();
        let page_url = r.url().clone();
        let body = r.text().await.unwrap();
        assert_eq!(status, 200, "{page_url}: {body}");
        let action = body
            .split("action=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no form at {page_url}: {body}"));
        let action = page_url.join(action).unwrap();
        let form: Vec<(&str, &str)> = if body.contains("name=\"login\"") {
            match finish {
                Finish::Login(login) => vec![
                    ("prompt", "login"),
                    ("login", login),
                    ("password", "wat-dan-ook"),
                ],
                Finish::Cancel => {
                    // The provider's "[ Cancel ]" link.
                    let path = format!("{}/abort", page_url.path().trim_end_matches('/'));
                    url = page_url.join(&path).unwrap();
                    continue;
                }
            }
        } else {
            vec![("prompt", "consent")]
        };
        let r = client.post(action).form(&form).send().await.unwrap();
        url = location(&r).unwrap_or_else(|| panic!("no redirect after the form: {}", r.status()));
    }
    panic!("the sign-in did not come back to Nazorg");
}

struct Landing {
    status: u16,
    location: String,
    cookies: Vec<String>,
    body: String,
}

async fn open(client: &reqwest::Client, url: Url) -> Landing {
    let r = client.get(url).send().await.unwrap();
    let status = r.status().as_u16();
    let location = crate::common::location(&r);
    let cookies = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .map(str::to_string)
        .collect();
    let body = r.text().await.unwrap();
    Landing {
        status,
        location,
        cookies,
        body,
    }
}

fn session_of(landing: &Landing) -> Option<String> {
    landing
        .cookies
        .iter()
        .find(|c| c.starts_with("nazorg_session=") && !c.starts_with("nazorg_session=;"))
        .cloned()
}

fn token_of(cookie: &str) -> String {
    cookie
        .trim_start_matches("nazorg_session=")
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

/// Signs in through the provider as `login`, and lands at Nazorg's callback.
async fn sign_in(app: &App, client: &reqwest::Client, login: &'static str) -> Landing {
    let callback = to_callback(app, client, Finish::Login(login)).await;
    open(client, callback).await
}

/// Asserts that a landing is a redirect to `to`.
fn assert_lands_at(landing: &Landing, to: &str) {
    assert_eq!(
        (landing.status, landing.location.as_str()),
        (303, to),
        "{}",
        landing.body
    );
}

async fn sso_signs_in_with_roles_from_the_claims(db: TestDb) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let Some(provider) = Provider::start(
        &format!("{base}/inloggen/sso/terug"),
        accounts(json!(["medewerkers", "nazorg-coordinatoren"])),
    ) else {
        return;
    };
    let mut config = nazorg_web::Config::new("1783");
    config.public_url = base.clone();
    config.oidc = Some(nazorg_web::oidc::OidcConfig {
        issuer: provider.issuer.clone(),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        scopes: vec!["profile".into()],
        role_claim: "groups".into(),
        roles: nazorg_web::oidc::parse_role_map(
            "nazorg-beheer=administrator,nazorg-coordinatoren=coordinator,exodus-team=exodus_worker:Exodus",
        )
        .unwrap(),
        municipality_claim: None,
    });
    let app = App::spawn_on(db, listener, config).await;

    // The login page offers the municipality's account.
    let (_, html) = crate::common::page(&app.client, format!("{base}/inloggen")).await;
    assert!(
        html.contains("Inloggen met de gemeentelijke account")
            && html.contains("href=\"/inloggen/sso?next="),
        "{html}"
    );

    // A coordinator: through the provider's login and consent, back with a session.
    let client = browser();
    let callback = to_callback(&app, &client, Finish::Login("cora")).await;
    let landing = open(&client, callback.clone()).await;
    assert_lands_at(&landing, "/casussen");
    let cookie = session_of(&landing).expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let first_token = token_of(&cookie);
    let cases = client.get(format!("{base}/casussen")).send().await.unwrap();
    assert_eq!(cases.status(), 200);
    let html = cases.text().await.unwrap();
    assert!(html.contains("Ingelogd als cora.sso"), "{html}");
    let users = app.store.list_users(None).await.unwrap();
    let cora = users.iter().find(|u| u.username == "cora.sso").unwrap();
    assert_eq!(
        (
            cora.role,
            cora.display_name.as_str(),
            cora.municipality_code.as_str()
        ),
        (Role::Coordinator, "Cora van der SSO", "1783")
    );
    // It has no password: the local login does not let it in.
    assert!(
        app.store
            .verify_login("cora.sso", "!oidc")
            .await
            .unwrap()
            .is_none()
    );

    // The callback is used up: the same link again is refused, and makes no session.
    let again = open(&client, callback).await;
    assert_eq!(again.status, 400, "{}", again.body);
    assert!(again.body.contains("verlopen"), "{}", again.body);
    assert!(session_of(&again).is_none());

    // The role follows the claims at the next sign-in: the same user, now an administrator;
    // the session id is new, and the old one ended.
    provider.set_accounts(accounts(json!(["nazorg-beheer", "nazorg-coordinatoren"])));
    let landing = sign_in(&app, &client, "cora").await;
    assert_lands_at(&landing, "/gebruikers");
    let second_token = token_of(&session_of(&landing).unwrap());
    assert_ne!(first_token, second_token);
    assert!(app.store.session(&first_token).await.unwrap().is_none());
    let (actor, _) = app.store.session(&second_token).await.unwrap().unwrap();
    assert_eq!((actor.user_id, actor.role), (cora.id, Role::Administrator));
    assert_eq!(app.store.list_users(None).await.unwrap().len(), users.len());

    // A deactivated user stays out.
    app.execute_sql(&format!(
        "UPDATE users SET active = FALSE WHERE id = {}",
        cora.id
    ))
    .await;
    let landing = sign_in(&app, &browser(), "cora").await;
    assert_eq!(landing.status, 403, "{}", landing.body);
    assert!(landing.body.contains("uitgeschakeld"), "{}", landing.body);
    assert!(session_of(&landing).is_none());

    // Groups that map to no role: a Dutch refusal, and no session, no user.
    let landing = sign_in(&app, &browser(), "nora").await;
    assert_eq!(landing.status, 403, "{}", landing.body);
    assert!(
        landing.body.contains("geen rol in Nazorg") && landing.body.contains("lang=\"nl\""),
        "{}",
        landing.body
    );
    assert!(session_of(&landing).is_none());
    assert!(app.store.user_id_by_name("nora").await.unwrap().is_none());

    // A partner role belongs to its organisation.
    let landing = sign_in(&app, &browser(), "eddie").await;
    assert_lands_at(&landing, "/verwijzingen");
    let eddie = app
        .store
        .list_users(None)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "eddie")
        .unwrap();
    let exodus = app.partner_id(PartnerKind::Exodus).await;
    assert_eq!(
        (eddie.role, eddie.partner_id),
        (Role::ExodusWorker, Some(exodus))
    );

    // A local account with the same username, not yet linked, is the same person.
    let local = app.store.user_id_by_name("coordinator").await.unwrap();
    let landing = sign_in(&app, &browser(), "coordinator").await;
    assert_eq!(landing.status, 303, "{}", landing.body);
    let (actor, _) = app
        .store
        .session(&token_of(&session_of(&landing).unwrap()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(Some(actor.user_id), local);

    // A tampered state is refused, and so is a state this browser did not start.
    let client = browser();
    let callback = to_callback(&app, &client, Finish::Login("cora")).await;
    let mut tampered = callback.clone();
    let pairs: Vec<(String, String)> = callback
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" {
                format!("{v}x")
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    tampered.query_pairs_mut().clear().extend_pairs(pairs);
    let landing = open(&client, tampered).await;
    assert_eq!(landing.status, 400, "{}", landing.body);
    assert!(session_of(&landing).is_none());
    let landing = open(&browser(), callback).await;
    assert_eq!(landing.status, 400, "{}", landing.body);
    assert!(session_of(&landing).is_none());

    // Cancelling at the provider comes back as access_denied: a Dutch page, no session.
    let client = browser();
    let callback = to_callback(&app, &client, Finish::Cancel).await;
    assert!(
        callback
            .query_pairs()
            .any(|(k, v)| k == "error" && v == "access_denied"),
        "{callback}"
    );
    let landing = open(&client, callback).await;
    assert_eq!(landing.status, 401, "{}", landing.body);
    assert!(landing.body.contains("afgebroken"), "{}", landing.body);
    assert!(session_of(&landing).is_none());
}

crate::on_both_databases!(sso_signs_in_with_roles_from_the_claims);

/// `serve` refuses an incomplete or wrong SSO configuration at start, saying what is wrong.
#[test]
fn serve_checks_the_sso_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let serve = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_nazorg"))
            .arg("--database")
            .arg(format!("sqlite://{}/nazorg.db", dir.path().display()))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args([
                "--oidc-issuer",
                "http://127.0.0.1:9",
                "--oidc-client-id",
                "nazorg",
            ])
            .args(extra)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .output()
            .unwrap();
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    assert!(serve(&[]).contains("--oidc-client-secret"));
    let err = serve(&["--oidc-client-secret", "s"]);
    assert!(err.contains("--oidc-role-map"), "{err}");
    let err = serve(&["--oidc-client-secret", "s", "--oidc-role-map", "a=baas"]);
    assert!(err.contains("onbekende rol 'baas'"), "{err}");
    let err = serve(&[
        "--oidc-client-secret",
        "s",
        "--oidc-role-map",
        "exodus=exodus_worker",
    ]);
    assert!(err.contains("ketenpartner"), "{err}");

    let help = Command::new(env!("CARGO_BIN_EXE_nazorg"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for var in [
        "NAZORG_OIDC_ISSUER",
        "NAZORG_OIDC_CLIENT_ID",
        "NAZORG_OIDC_CLIENT_SECRET",
        "NAZORG_OIDC_SCOPES",
        "NAZORG_OIDC_ROLE_CLAIM",
        "NAZORG_OIDC_ROLE_MAP",
        "NAZORG_OIDC_MUNICIPALITY_CLAIM",
    ] {
        assert!(help.contains(var), "{var} in serve --help");
    }
}
