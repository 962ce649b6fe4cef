//! The pages a coordinator waits for, measured where the coordinator is: generated data of
//! realistic shape, the real `nazorg serve` started on loopback, and wrk (Debian's package,
//! installed when missing) as 16 users of one logged-in coordinator at once, each page for
//! a fixed time. Prints requests a second, p50 / p95 / p99 and the server's memory.
//!
//!     cargo bench --bench http
//!     NAZORG_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench http
//!
//! NAZORG_BENCH_RESIDENTS: residents generated (default 910000: about 1,000,000 cases, all
//! of one municipality, so that every page of its coordinator reaches all of them).
//! NAZORG_BENCH_POSTGRES_URL: an admin URL; when set, PostgreSQL is measured after SQLite.
//! NAZORG_BENCH_USERS (default 16) and NAZORG_BENCH_SECONDS (default 10) per page.
//! NAZORG_BENCH_KEEP: a directory in which the SQLite database is kept and reused by the
//! next run (and the PostgreSQL database `nazorg_bench_http` not dropped but reused), so
//! that a second run measures without generating again.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use nazorg_app::{App, DemoUser, SeedPlan};
use nazorg_domain::access::Role;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "paars-fietsrek-onweer-42";
const MUNICIPALITY: &str = "1783";

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

/// wrk from Debian's packages; installed when it is missing (the benchmark runs as root on
/// this kind of machine).
fn wrk() -> &'static str {
    let found = |c: &str| Command::new(c).arg("--version").output().is_ok();
    if !found("wrk") {
        eprintln!("wrk ontbreekt: installeren met apt-get");
        let status = Command::new("sh")
            .args([
                "-c",
                "apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)",
            ])
            .status();
        assert!(
            status.is_ok_and(|s| s.success()) && found("wrk"),
            "wrk kon niet worden geïnstalleerd: apt-get install wrk"
        );
    }
    "wrk"
}

/// Fills the database with generated cases unless it already holds some (a kept one).
async fn generate(url: &str, residents: usize) {
    let app = App::connect(url).await.expect("connect");
    let westland = MUNICIPALITY.parse().expect("code");
    app.register_installation(&westland)
        .await
        .expect("register");
    if app.user_id_by_name("coordinator0").await.unwrap().is_some() {
        eprintln!("  the kept database is used as it is");
        return;
    }
    let names: Vec<String> = (0..20).map(|i| format!("coordinator{i}")).collect();
    let users: Vec<DemoUser> = names
        .iter()
        .map(|n| DemoUser {
            username: n,
            display_name: "",
            role: Role::Coordinator,
            municipality: MUNICIPALITY,
        })
        .collect();
    let coordinators = app.add_users_sharing(PASSWORD, &users).await.unwrap();
    let started = Instant::now();
    let bar = indicatif::ProgressBar::new(residents as u64);
    let plan = SeedPlan {
        municipality: MUNICIPALITY,
        residents,
        seed: 42,
        coordinators: &coordinators,
        span_days: 900,
    };
    let cases = app
        .seed_bulk(&plan, &|n| bar.set_position(n as u64))
        .await
        .unwrap();
    bar.finish_and_clear();
    let open = app.finish_seeding().await.unwrap();
    eprintln!(
        "  {residents} residents, {cases} cases ({open} open) generated in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

/// A free port on loopback.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The real server, stopped when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `nazorg serve` and waits for its first answer; gives the time that took.
    async fn start(url: &str, log: &Path) -> (Server, Duration) {
        let port = free_port();
        let started = Instant::now();
        let child = Command::new(env!("CARGO_BIN_EXE_nazorg"))
            .args(["--database", url, "--municipality", MUNICIPALITY, "serve"])
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).unwrap())
            .spawn()
            .expect("nazorg serve");
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        loop {
            let answer = client.get(format!("{}/healthz", server.base)).send().await;
            if answer.is_ok_and(|r| r.status().is_success()) {
                return (server, started.elapsed());
            }
            assert!(
                started.elapsed() < Duration::from_secs(600),
                "the server did not answer; see {}",
                log.display()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// The server's resident memory now and at its peak, in MB.
    fn memory(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|kb| kb.parse::<f64>().ok())
                .map_or(0.0, |kb| kb / 1024.0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}

/// A logged-in coordinator: the session cookie, the CSRF token of their forms and the
/// cases the load goes round (those of the first pages of their list).
struct Session {
    cookie: String,
    csrf: String,
    cases: Vec<i64>,
    /// The version of each case, as its forms are saved against.
    versions: Vec<i64>,
}

async fn sign_in(base: &str) -> Session {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client
        .post(format!("{base}/inloggen"))
        .header("origin", base)
        .form(&[("username", "coordinator0"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "login");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("nazorg_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_string();
    let get = |path: String| {
        let request = client
            .get(format!("{base}{path}"))
            .header("cookie", &cookie);
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    // The cases of the first page of the list and of six searches: enough that no two
    // of the 16 users write to one case at once.
    let mut cases: Vec<i64> = Vec::new();
    for q in std::iter::once(String::new()).chain(searches()) {
        let list = get(format!("/casussen{q}")).await;
        cases.extend(list.split("href=\"/casussen/").skip(1).filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<i64>().ok()
        }));
    }
    cases.sort_unstable();
    cases.dedup();
    assert!(cases.len() > 32, "the coordinator's lists show cases");
    let mut versions = Vec::with_capacity(cases.len());
    let mut csrf = String::new();
    for id in &cases {
        let page = get(format!("/casussen/{id}")).await;
        let at = page.find("name=\"csrf\" value=\"").expect("a form") + 19;
        csrf = page[at..at + 64].to_string();
        let at = page.find("/contacten?versie=").expect("the contact form") + 18;
        let version: String = page[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        versions.push(version.parse().unwrap());
    }
    Session {
        cookie,
        csrf,
        cases,
        versions,
    }
}

/// Searches for six of the generated family names (each shared by one in 60 residents).
fn searches() -> impl Iterator<Item = String> {
    nazorg_app::names::FAMILY_NAMES
        .iter()
        .take(6)
        .map(|name| format!("?search={}", name.replace(' ', "+")))
}

/// One page under load: requests a second, p50 / p95 / p99 in ms, and the answers that
/// were not 2xx or 3xx (or failed).
struct Figures {
    rps: f64,
    p50: f64,
    p95: f64,
    p99: f64,
    failed: u64,
}

/// What a page's load asks: each path in turn, or a contact written on each case in turn
/// against the version the case then has (each wrk thread its own cases, so that no two
/// users save one case at once).
enum Asked {
    Paths(Vec<String>),
    Contacts,
}

/// The Lua script that gives wrk its requests, with the session's cookie.
fn script(session: &Session, base: &str, asked: &Asked) -> String {
    let request = match asked {
        Asked::Paths(paths) => {
            let paths: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
            format!(
                r#"local paths = {{ {} }}
local i = math.random(#paths)
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end"#,
                paths.join(", ")
            )
        }
        Asked::Contacts => {
            let list = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
            let today = nazorg_domain::dates::today_nl();
            format!(
                r#"local cases = {{ {cases} }}
local versions = {{ {versions} }}
local body = "csrf={csrf}&date={today}&kind=phone&note=Gebeld+over+de+afspraak"
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
local i = 0
request = function()
  repeat i = i % #cases + 1 until i % 2 == id
  local path = "/casussen/" .. cases[i] .. "/contacten?versie=" .. versions[i]
  versions[i] = versions[i] + 1
  return wrk.format("POST", path, nil, body)
end"#,
                cases = list(&session.cases[session.cases.len() / 2..]),
                versions = list(&session.versions[session.cases.len() / 2..]),
                csrf = session.csrf,
            )
        }
    };
    format!(
        r#"wrk.headers["Cookie"] = {cookie:?}
wrk.headers["Origin"] = {base:?}
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
{request}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("FIGURES %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.status + e.connect + e.read + e.write + e.timeout))
end
"#,
        cookie = session.cookie,
    )
}

fn load(base: &str, script: &str, dir: &Path) -> Figures {
    let file = dir.join("load.lua");
    std::fs::write(&file, script).unwrap();
    let users = env("NAZORG_BENCH_USERS", "16");
    let seconds = env("NAZORG_BENCH_SECONDS", "10");
    let out = Command::new(wrk())
        .args(["-t", "2", "-c", &users, "-d", &format!("{seconds}s")])
        .args(["--timeout", "10s", "-s"])
        .arg(&file)
        .arg(base)
        .output()
        .expect("wrk");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("FIGURES "))
        .unwrap_or_else(|| panic!("wrk said: {text}{}", String::from_utf8_lossy(&out.stderr)));
    let n: Vec<f64> = line
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    Figures {
        rps: n[0] / (n[1] / 1e6),
        p50: n[2] / 1000.0,
        p95: n[3] / 1000.0,
        p99: n[4] / 1000.0,
        failed: n[5] as u64,
    }
}

/// The last full quarter before today, as the monitor's query.
fn last_quarter() -> String {
    let today = nazorg_domain::dates::today_nl();
    let q = (u8::from(today.month()) - 1) / 3;
    let (year, q) = if q == 0 {
        (today.year() - 1, 3)
    } else {
        (today.year(), q - 1)
    };
    let last_day = [31, 30, 30, 31][q as usize];
    format!(
        "?from={year}-{:02}-01&to={year}-{:02}-{last_day}",
        q * 3 + 1,
        q * 3 + 3
    )
}

/// Every page in turn under load, then the server's memory.
async fn measure(label: &str, url: &str, dir: &Path) {
    let (server, first) = Server::start(url, &dir.join("server.log")).await;
    println!(
        "{label}: start to first answer {:.2} s",
        first.as_secs_f64()
    );
    let session = sign_in(&server.base).await;
    let searches: Vec<String> = searches().map(|q| format!("/casussen{q}")).collect();
    let one = |p: &str| Asked::Paths(vec![p.to_string()]);
    // The case pages read the first half of the cases, the contacts go to the other half:
    // a kept database's case pages do not grow with every run's contacts.
    let read = &session.cases[..session.cases.len() / 2];
    let case_pages = read.iter().map(|id| format!("/casussen/{id}"));
    let pages: Vec<(&str, Asked)> = vec![
        ("/healthz (the limit)", one("/healthz")),
        ("Mijn werk", one("/mijn-werk")),
        ("case list", one("/casussen")),
        ("search by family name", Asked::Paths(searches)),
        ("case page", Asked::Paths(case_pages.collect())),
        ("a contact recorded (write)", Asked::Contacts),
        (
            "monitor of a quarter",
            one(&format!("/monitor{}", last_quarter())),
        ),
    ];
    println!(
        "  {:<28} {:>9} {:>8} {:>8} {:>8} {:>7}",
        "page", "req/s", "p50 ms", "p95 ms", "p99 ms", "failed"
    );
    let mut limit = 0.0;
    for (name, asked) in &pages {
        let f = load(&server.base, &script(&session, &server.base, asked), dir);
        if limit == 0.0 {
            limit = f.rps;
        }
        if f.rps == 0.0 {
            println!(
                "  {name:<28} no answer within the load's time ({} failed)",
                f.failed
            );
            continue;
        }
        println!(
            "  {name:<28} {:>9.0} {:>8.2} {:>8.2} {:>8.2} {:>7}   {:>3.0} % of the limit",
            f.rps,
            f.p50,
            f.p95,
            f.p99,
            f.failed,
            100.0 * f.rps / limit
        );
    }
    let (now, peak) = server.memory();
    println!("  server memory after the load: {now:.0} MB (peak {peak:.0} MB)");
}

/// The SQLite database: in the kept directory, or in a temporary one.
fn sqlite_dir(temp: &Path) -> PathBuf {
    std::env::var("NAZORG_BENCH_KEEP").map_or_else(
        |_| temp.to_path_buf(),
        |d| {
            std::fs::create_dir_all(&d).unwrap();
            PathBuf::from(d)
        },
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let residents: usize = env("NAZORG_BENCH_RESIDENTS", "910000").parse().unwrap();
    let temp = tempfile::tempdir().unwrap();
    let keep = std::env::var("NAZORG_BENCH_KEEP").is_ok();
    let sqlite = format!("sqlite://{}/http.db", sqlite_dir(temp.path()).display());
    eprintln!("SQLite: {sqlite}");
    generate(&sqlite, residents).await;
    measure("SQLite", &sqlite, temp.path()).await;
    let Ok(admin) = std::env::var("NAZORG_BENCH_POSTGRES_URL") else {
        return;
    };
    let name = "nazorg_bench_http";
    let (mut conn, url) = common::postgres_database(&admin, name, keep).await;
    eprintln!("PostgreSQL: {url}");
    generate(&url, residents).await;
    measure("PostgreSQL", &url, temp.path()).await;
    if !keep {
        common::drop_database(&mut conn, name).await;
    }
}
