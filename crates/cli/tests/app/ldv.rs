//! The processing log in the shape of Logboek Dataverwerkingen (issue 13, point 3): a
//! caller's traceparent found in the exported records, one record per data subject, and a
//! chain rewritten in the database (hashes and head recomputed) caught by the day's seal.

use crate::common::{App, TestDb, notification, valid_bsns};
use nazorg_app::audit::{GENESIS, LogEntry, LogTrace, chain_hash};
use serde_json::{Value, json};
use sqlx::Connection;

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn export(app: &App) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ldv.jsonl");
    app.cli_ok(&[
        "--secret-key",
        KEY,
        "audit",
        "export",
        "--format",
        "ldv",
        "--output",
        file.to_str().unwrap(),
    ]);
    std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

async fn a_callers_trace_is_in_the_exported_records_one_per_data_subject(db: TestDb) {
    let app = App::spawn(db).await;
    let bsns: Vec<String> = valid_bsns(320_000_000).take(2).collect();
    let first = app.notify(notification(json!({"bsn": bsns[0]}))).await;
    app.notify(notification(
        json!({"bsn": bsns[1], "family_name": "Jansen"}),
    ))
    .await;
    // Another application reads a case, in its trace.
    let read = app
        .client
        .get(app.url(&format!("/api/v1/cases/{first}")))
        .bearer_auth(&app.token)
        .header("traceparent", TRACEPARENT)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status().as_u16(), 200);
    // A list shows both residents.
    assert_eq!(app.get("/api/v1/cases").await.status, 200);

    // Without the key there is no export: the subjects would have no keyed id.
    let refused = app.cli(&["audit", "export", "--format", "ldv"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--secret-key"));

    let records = export(&app);
    let fields = [
        "attributes",
        "end_time",
        "name",
        "operation_id",
        "parent_operation_id",
        "resource",
        "start_time",
        "status_code",
        "trace_id",
    ];
    for r in &records {
        let keys: Vec<&str> = r
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "foreign_operation")
            .collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, fields, "{r}");
        assert_eq!(r["trace_id"].as_str().unwrap().len(), 32, "{r}");
        assert_eq!(r["operation_id"].as_str().unwrap().len(), 16, "{r}");
        assert!(["OK", "ERROR"].contains(&r["status_code"].as_str().unwrap()));
        assert!(
            r["attributes"]["dpl.core.processing_activity_id"]
                .as_str()
                .unwrap()
                .contains("verwerkingsregister#"),
            "{r}"
        );
        // Never the bare BSN, anywhere in a record.
        for bsn in &bsns {
            assert!(!r.to_string().contains(bsn.as_str()), "{r}");
        }
    }
    // The caller's trace is the trace of the read, the caller's operation its foreign one.
    let traced: Vec<&Value> = records
        .iter()
        .filter(|r| r["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736")
        .collect();
    assert!(!traced.is_empty(), "the caller's trace is in the export");
    let read = traced.iter().find(|r| r["name"] == "read_case").unwrap();
    assert_eq!(
        read["foreign_operation"]["operation_id"],
        "00f067aa0ba902b7"
    );
    assert_eq!(read["attributes"]["dpl.core.data_subject_id_type"], "BSN");
    assert_eq!(
        read["attributes"]["dpl.core.data_subject_id"]
            .as_str()
            .unwrap()
            .len(),
        64
    );
    // The list: its own record, and one child per resident shown, each about one of them.
    let list: Vec<&Value> = records
        .iter()
        .filter(|r| r["name"] == "list_cases")
        .collect();
    let parent = list
        .iter()
        .find(|r| r["attributes"]["dpl.core.data_subject_id"].is_null())
        .expect("the list's own record");
    let children: Vec<&&Value> = list
        .iter()
        .filter(|r| r["parent_operation_id"] == parent["operation_id"])
        .collect();
    assert_eq!(children.len(), 2, "{list:?}");
    assert_ne!(
        children[0]["attributes"]["dpl.core.data_subject_id"],
        children[1]["attributes"]["dpl.core.data_subject_id"]
    );
    assert!(children.iter().all(|c| c["trace_id"] == parent["trace_id"]));
}

/// Rewrites the chain as an intruder who can write the database would: changes an entry,
/// then recomputes every hash after it and the head, so that the chain itself holds.
async fn rewrite_chain(url: &str) {
    macro_rules! rewrite {
        ($conn:expr) => {{
            let conn = $conn;
            sqlx::query("UPDATE processing_log SET detail = 'niets aan de hand' WHERE seq = 1")
                .execute(&mut *conn)
                .await
                .unwrap();
            let rows: Vec<(i64, time::OffsetDateTime)> = sqlx::query_as(
                "SELECT seq, at FROM processing_log WHERE municipality_code = '1783' ORDER BY seq",
            )
            .fetch_all(&mut *conn)
            .await
            .unwrap();
            let mut prev = GENESIS.to_string();
            for (seq, at) in rows {
                let entry: LogEntry<String> = sqlx::query_as(
                    "SELECT actor_id, actor_name, action, municipality_code, resident_id, case_id, purpose, detail \
                     FROM processing_log WHERE municipality_code = '1783' AND seq = $1",
                )
                .bind(seq)
                .fetch_one(&mut *conn)
                .await
                .unwrap();
                let t: (Option<String>, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>) =
                    sqlx::query_as(
                        "SELECT trace_id, operation_id, parent_operation_id, foreign_trace_id, foreign_operation_id, status_code, activity \
                         FROM processing_log WHERE municipality_code = '1783' AND seq = $1",
                    )
                    .bind(seq)
                    .fetch_one(&mut *conn)
                    .await
                    .unwrap();
                let trace = t.0.map(|trace_id| LogTrace {
                    trace_id,
                    operation_id: t.1.unwrap_or_default(),
                    parent_operation_id: t.2,
                    foreign_trace_id: t.3,
                    foreign_operation_id: t.4,
                    status_code: t.5.unwrap_or_default(),
                    activity: t.6.unwrap_or_default(),
                });
                let hash = chain_hash(&prev, seq, at, &entry, trace.as_ref());
                sqlx::query("UPDATE processing_log SET prev_hash = $1, hash = $2 WHERE municipality_code = '1783' AND seq = $3")
                    .bind(&prev)
                    .bind(&hash)
                    .bind(seq)
                    .execute(&mut *conn)
                    .await
                    .unwrap();
                prev = hash;
            }
            sqlx::query("UPDATE audit_heads SET last_hash = $1 WHERE municipality_code = '1783'")
                .bind(&prev)
                .execute(&mut *conn)
                .await
                .unwrap();
        }};
    }
    if url.starts_with("sqlite") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        rewrite!(&mut conn);
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        rewrite!(&mut conn);
    }
}

async fn a_chain_rewritten_in_the_database_is_caught_by_its_seal(db: TestDb) {
    let app = App::spawn(db).await;
    let case = app.notify(notification(json!({}))).await;
    app.case(case).await;
    // Today's head is sealed (as `serve` does once the day is over).
    let tomorrow =
        nazorg_domain::dates::format_iso(nazorg_domain::dates::today_nl().next_day().unwrap());
    let sealed = app.cli_ok(&["--secret-key", KEY, "audit", "seal", "--today", &tomorrow]);
    assert!(String::from_utf8_lossy(&sealed.stdout).contains("1 dagen verzegeld"));
    let ok = app.cli(&["--secret-key", KEY, "audit", "verify"]);
    let printed = String::from_utf8_lossy(&ok.stdout).to_string();
    assert_eq!(ok.status.code(), Some(0), "{printed}");
    assert!(printed.contains("1 verzegelde dagen kloppen"), "{printed}");

    rewrite_chain(&app.db_url()).await;
    // The chain alone holds: the intruder recomputed it.
    let unsealed = app.cli(&["audit", "verify"]);
    assert_eq!(unsealed.status.code(), Some(0));
    // The seal does not: its head is no longer in the chain.
    let caught = app.cli(&["--secret-key", KEY, "audit", "verify"]);
    let printed = String::from_utf8_lossy(&caught.stdout).to_string();
    assert_eq!(caught.status.code(), Some(1), "{printed}");
    assert!(
        printed.contains("NIET INTACT: de verzegelde stand van")
            && printed.contains("de keten is herschreven"),
        "{printed}"
    );
}

crate::on_both_databases!(
    a_callers_trace_is_in_the_exported_records_one_per_data_subject,
    a_chain_rewritten_in_the_database_is_caught_by_its_seal,
);
