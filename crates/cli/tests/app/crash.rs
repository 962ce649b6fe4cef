//! The server killed at random moments while clients write: nothing it acknowledged is
//! lost, the database stays whole and the processing log's chains hold (issue 12).

use crate::common::{PASSWORD, TestDb, nazorg_command, notification, valid_bsns};
use nazorg_app::App as Nazorg;
use nazorg_domain::access::Role;
use serde_json::json;
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

const ROUNDS: usize = 20;
const WRITERS: u32 = 4;

/// A port free just now.
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `nazorg serve` on the database and waits until it answers.
pub(crate) async fn start(url: &str, port: u16, client: &reqwest::Client) -> Child {
    let mut child = nazorg_command(url)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("NAZORG_LOG", "warn")
        .env("NAZORG_RETENTION_YEARS", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nazorg serve");
    for _ in 0..200 {
        let up = client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await;
        if up.is_ok_and(|r| r.status().is_success()) {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not come up");
}

async fn acknowledged_writes_survive_the_server_being_killed(db: TestDb) {
    let url = db.url.clone();
    let token = {
        let store = crate::common::installation(&url).await;
        store
            .add_user(
                "coordinator",
                "Cora",
                PASSWORD,
                Role::Coordinator,
                "1783",
                None,
            )
            .await
            .unwrap();
        store
            .create_api_token("coordinator", "crash", 1)
            .await
            .unwrap()
    };
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let acknowledged = Arc::new(Mutex::new(Vec::<i64>::new()));
    let mut next = 0u32;
    let mut kills = 0;
    for round in 0..ROUNDS {
        let port = free_port();
        let mut server = start(&url, port, &client).await;
        // Everything acknowledged before is still there after the restart.
        let known = acknowledged.lock().await.clone();
        for id in known.iter().rev().take(25) {
            let r = client
                .get(format!("http://127.0.0.1:{port}/api/v1/cases/{id}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                200,
                "case {id} acknowledged before round {round}"
            );
        }
        let mut writers = Vec::new();
        for _ in 0..WRITERS {
            let (client, token, acknowledged) =
                (client.clone(), token.clone(), acknowledged.clone());
            let block = next;
            next += 1;
            writers.push(tokio::spawn(async move {
                // Each writer a block of BSNs of its own.
                for (n, bsn) in valid_bsns(200_000_000 + block * 10_000)
                    .take(900)
                    .enumerate()
                {
                    let name = format!("Crash{block}x{n}");
                    let body = notification(json!({"bsn": bsn, "family_name": name}));
                    let sent = client
                        .post(format!("http://127.0.0.1:{port}/api/v1/notifications"))
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await;
                    let Ok(reply) = sent else { return };
                    if reply.status() != 201 {
                        return;
                    }
                    let Ok(body) = reply.json::<serde_json::Value>().await else {
                        return;
                    };
                    acknowledged
                        .lock()
                        .await
                        .push(body["case_id"].as_i64().unwrap());
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(fastrand::u64(80..400))).await;
        server.kill().expect("SIGKILL");
        server.wait().unwrap();
        kills += 1;
        for w in writers {
            w.await.unwrap();
        }
    }
    assert_eq!(kills, ROUNDS);

    // After the last kill: every acknowledged case, whole, and the chains intact.
    let store = Nazorg::connect(&url).await.expect("reopen");
    let ids = acknowledged.lock().await.clone();
    assert!(ids.len() > ROUNDS, "the writers wrote: {}", ids.len());
    let mut stored: Vec<i64> = Vec::new();
    let actor = crate::common::system_actor();
    let mut after = None;
    loop {
        let page = store
            .list_cases(&actor, &nazorg_app::CaseFilter::default(), after, 500)
            .await
            .unwrap();
        stored.extend(page.items.iter().map(|c| c.case_id.0));
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    let missing: Vec<&i64> = ids.iter().filter(|id| !stored.contains(id)).collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    if url.starts_with("sqlite:") {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(check, "ok");
        let dangling: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pragma_foreign_key_check")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(dangling, 0, "rows pointing at rows that are not there");
    }
    let verify = nazorg_command(&url)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    eprintln!(
        "{} writes acknowledged over {kills} kills, none lost",
        ids.len()
    );
}

crate::on_both_databases!(acknowledged_writes_survive_the_server_being_killed);
