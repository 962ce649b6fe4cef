//! The worklist at scale: generated data of realistic shape, then the pages a coordinator
//! asks for, timed through the real store (access check and processing log included).
//!
//!     cargo bench --bench worklist
//!
//! NAZORG_BENCH_SIZES: residents per run, comma-separated (default 10000,1000000; there are
//! about 1.1 cases per resident). NAZORG_BENCH_POSTGRES_URL: an admin URL; when set, every
//! size also runs on a fresh PostgreSQL database. NAZORG_BENCH_ITERATIONS (default 200).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// The benchmark is one script of measurements, read from top to bottom.
#![allow(clippy::too_many_lines)]

mod common;

use nazorg_app::{App, CaseFilter, SeedPlan};
use nazorg_domain::access::{Actor, Role};
use nazorg_domain::triage::Direction;
use std::time::{Duration, Instant};

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

async fn time<F, Fut>(iterations: usize, mut f: F) -> (f64, f64)
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for i in 0..5 {
        f(i).await; // warm up
    }
    let mut samples: Vec<Duration> = Vec::with_capacity(iterations);
    for i in 0..iterations {
        let start = Instant::now();
        f(i).await;
        samples.push(start.elapsed());
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (
        ms(samples[iterations / 2]),
        ms(samples[iterations * 95 / 100]),
    )
}

async fn run(label: &str, url: &str, residents: usize, iterations: usize) {
    let store = App::connect(url).await.expect("connect");
    let westland = "1783".parse().expect("code");
    store
        .register_installation(&westland)
        .await
        .expect("register");
    let mut coordinators = Vec::new();
    for i in 0..20 {
        coordinators.push(
            store
                .add_user(
                    &format!("coordinator{i}"),
                    "",
                    "paars-fietsrek-onweer-42",
                    Role::Coordinator,
                    "1783",
                    None,
                )
                .await
                .unwrap(),
        );
    }
    let started = Instant::now();
    let bar = indicatif::ProgressBar::new(residents as u64);
    let cases = store
        .seed_bulk(
            &SeedPlan {
                municipality: "1783",
                residents,
                seed: 42,
                coordinators: &coordinators,
                span_days: 900,
            },
            &|n| bar.set_position(n as u64),
        )
        .await
        .unwrap();
    bar.finish_and_clear();
    let seeded = started.elapsed().as_secs_f64();
    // What is due, stored for every open case (as `serve` does at its start after
    // generated data), and the planner's statistics.
    let stored = store.finish_seeding().await.unwrap();
    eprintln!(
        "{label}: {residents} residents, {cases} cases generated in {seeded:.0} s, what is due of \
         {stored} open cases stored and statistics made in {:.0} s",
        started.elapsed().as_secs_f64() - seeded
    );
    let actor = Actor {
        user_id: coordinators[0],
        username: "coordinator0".into(),
        role: Role::Coordinator,
        municipality: "1783".parse().unwrap(),
        partner_id: None,
        substituting: false,
    };
    let open = CaseFilter {
        open_only: true,
        ..Default::default()
    };
    let first = store.list_cases(&actor, &open, None, 25).await.unwrap();
    let sample_bsn = first.items[0].bsn.clone();
    let sample_case = first.items[0].case_id;
    // A cursor 40 pages deep.
    let mut deep = first.next;
    for _ in 0..40 {
        deep = store
            .list_cases(&actor, &open, deep, 25)
            .await
            .unwrap()
            .next;
    }
    let today = nazorg_domain::dates::today_nl();
    let checks: Vec<(&str, CaseFilter, Option<nazorg_app::Cursor>)> = vec![
        (
            "worklist, first page (open cases, most urgent first)",
            open.clone(),
            None,
        ),
        ("worklist, page 41 (keyset cursor)", open.clone(), deep),
        (
            "filter: phase = planning",
            CaseFilter {
                status: Some(nazorg_domain::Status::Planning),
                ..Default::default()
            },
            None,
        ),
        (
            "filter: direction = SKT",
            CaseFilter {
                open_only: true,
                direction: Some(Direction::Skt),
                ..Default::default()
            },
            None,
        ),
        (
            "filter: one coordinator",
            CaseFilter {
                open_only: true,
                coordinator_id: Some(coordinators[3]),
                ..Default::default()
            },
            None,
        ),
        (
            "search: BSN",
            CaseFilter {
                search: Some(sample_bsn),
                ..Default::default()
            },
            None,
        ),
        (
            "search: name 'ozturk' (1 in 60 names)",
            CaseFilter {
                search: Some("ozturk".into()),
                ..Default::default()
            },
            None,
        ),
    ];
    println!("\n{label}, {cases} cases ({iterations} requests each): median / p95 in ms");
    for (name, filter, after) in &checks {
        let (median, p95) = time(iterations, |_| {
            let store = &store;
            let actor = &actor;
            async move {
                let page = store.list_cases(actor, filter, *after, 25).await.unwrap();
                assert!(!page.items.is_empty(), "{name} found nothing");
            }
        })
        .await;
        println!("  {name:<55} {median:>7.2} {p95:>7.2}");
    }
    let (median, p95) = time(iterations, |_| {
        let store = &store;
        let actor = &actor;
        async move {
            store.get_case(actor, sample_case).await.unwrap();
        }
    })
    .await;
    println!(
        "  {:<55} {median:>7.2} {p95:>7.2}",
        "case page data (one case, all sections)"
    );
    // What is due: the menu's count and the first page of Mijn werk.
    let settings = nazorg_domain::deadlines::DeadlineSettings::default();
    let (median, p95) = time(iterations, |_| {
        let store = &store;
        let actor = &actor;
        async move {
            store.work_count(actor, today).await.unwrap();
        }
    })
    .await;
    let count = store.work_count(&actor, today).await.unwrap();
    let label = format!("menu: Mijn werk count ({count} lines)");
    println!("  {label:<55} {median:>7.2} {p95:>7.2}");
    let mine = (nazorg_app::Scope::Of(actor.user_id), today);
    let (median, p95) = time(iterations, |_| {
        let store = &store;
        let actor = &actor;
        async move {
            store
                .worklist_page(actor, mine, (None, 100), &settings)
                .await
                .unwrap();
        }
    })
    .await;
    println!(
        "  {:<55} {median:>7.2} {p95:>7.2}",
        "Mijn werk, first page of 100 (with its counts)"
    );
    // The monitor counts a period's cases: its cost grows with the cases in the period,
    // not with the table. A month and a quarter of detentions.
    for (name, days) in [
        ("monitor, one month of detentions", 30),
        ("monitor, one quarter of detentions", 91),
    ] {
        let from = today - time::Duration::days(days);
        let m = store.monitor(&actor, from, today).await.unwrap();
        let (median, p95) = time(iterations.min(20), |_| {
            let store = &store;
            let actor = &actor;
            async move {
                store.monitor(actor, from, today).await.unwrap();
            }
        })
        .await;
        let label = format!("{name} ({} cases)", m.notifications);
        println!("  {label:<55} {median:>7.2} {p95:>7.2}");
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let sizes: Vec<usize> = env("NAZORG_BENCH_SIZES", "10000,1000000")
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let iterations: usize = env("NAZORG_BENCH_ITERATIONS", "200").parse().unwrap_or(200);
    let postgres = std::env::var("NAZORG_BENCH_POSTGRES_URL").ok();
    for residents in sizes {
        let dir = tempfile::tempdir().unwrap();
        run(
            "SQLite",
            &format!("sqlite://{}/bench.db", dir.path().display()),
            residents,
            iterations,
        )
        .await;
        if let Some(admin) = &postgres {
            let name = format!("nazorg_bench_{residents}");
            let (mut conn, url) = common::postgres_database(admin, &name, false).await;
            run("PostgreSQL", &url, residents, iterations).await;
            common::drop_database(&mut conn, &name).await;
        }
    }
}
