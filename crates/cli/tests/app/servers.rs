//! Several servers on one database (issue 14, point 8): a session made on one works on
//! the other, each daily job runs once, and a job whose server died is picked up again the
//! same day.

use crate::common::{App, TestDb, installation, logged_in, page};
use crate::crash::{free_port, start};
use nazorg_app::JobSettings;
use nazorg_domain::dates::today_nl;
use serde_json::json;
use time::{Duration, PrimitiveDateTime};

async fn a_session_works_on_every_server_and_each_daily_job_runs_once(db: TestDb) {
    let app = App::spawn(db).await;
    // A second server: the real binary on the same database.
    let port = free_port();
    let mut other_server = start(&app.db_url(), port, &reqwest::Client::new()).await;
    let on_other = |path: &str| format!("http://127.0.0.1:{port}{path}");
    // Signed in on the first server; the browser goes on on the second.
    let browser = logged_in(&app, "coordinator").await;
    let (status, html) = page(&browser, on_other("/mijn-werk")).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Mijn werk") && html.contains("Uitloggen"),
        "{html}"
    );
    let anonymous = reqwest::Client::new();
    let (status, _) = page(&anonymous, on_other("/mijn-werk")).await;
    assert_eq!(status, 200, "without a session: the login page");
    let _ = other_server.kill();
    let _ = other_server.wait();

    // A case closed long ago, due for anonymisation today.
    let old = app.notify_resident("691967301", "Oudgesloten").await;
    let closure = json!({"reason": "moved_away", "date": "2026-03-01", "note": "Verhuisd"});
    let r = app.post_case(old, "closure", closure).await;
    assert_eq!(r.status, 200, "{}", r.json);
    app.execute_sql(&format!(
        "UPDATE cases SET closed_on = '2015-03-01' WHERE id = {old}"
    ))
    .await;
    let settings = JobSettings {
        public_url: app.base.clone(),
        deadlines: Default::default(),
        mail: None,
        retention_years: 5,
    };
    // Yesterday at noon, Dutch time or thereabouts: after the hour the jobs run from
    // (today's run was done when the test's server started).
    let day = today_nl() - Duration::days(1);
    let noon = PrimitiveDateTime::new(day, time::macros::time!(11:00)).assume_utc();
    let at = |minutes: i64| noon + Duration::minutes(minutes);
    // A server claims today's run and dies before doing it.
    let died = installation(&app.db_url()).await;
    assert!(died.claim_retention("1783", day, at(0)).await.unwrap());
    drop(died);
    // While its claim holds, no other server runs it.
    let first = app.store.run_daily_jobs(&settings, at(5)).await;
    assert!(first.retention.is_empty(), "{first:?}");
    // Once it has run out, the next check of any server picks the run up, and of two
    // servers checking at once exactly one does it.
    let second = installation(&app.db_url()).await;
    let (a, b) = tokio::join!(
        app.store.run_daily_jobs(&settings, at(35)),
        second.run_daily_jobs(&settings, at(35))
    );
    let runs: Vec<usize> = [&a, &b]
        .iter()
        .flat_map(|r| r.retention.iter().map(|(_, report)| report.items.len()))
        .collect();
    assert_eq!(runs, vec![1], "one run, of the one case: {a:?} {b:?}");
    assert_eq!(a.failures + b.failures, 0);
    let case = app.case(old).await;
    assert_ne!(case["family_name"], "Oudgesloten", "{case}");
    // Done for today: a later check does not run it again.
    let later = second.run_daily_jobs(&settings, at(90)).await;
    assert!(later.retention.is_empty(), "{later:?}");
}

crate::on_both_databases!(a_session_works_on_every_server_and_each_daily_job_runs_once,);
