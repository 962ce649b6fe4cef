//! The processing log: a hash chain that `nazorg audit verify` checks, and a resident's
//! list of processings.

use crate::common::{App, PASSWORD, TestDb, notification};
use serde_json::json;
use std::process::Command;

fn verify(app: &App) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_nazorg"))
        .args(["--database", &app.db_url(), "audit", "verify"])
        .env("NAZORG_MUNICIPALITY", "1783")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

async fn some_processings(app: &App) -> i64 {
    let id = app.notify(notification(json!({}))).await;
    for _ in 0..3 {
        app.get(&format!("/api/v1/cases/{id}")).await;
    }
    app.post(
        &format!("/api/v1/cases/{id}/contacts"),
        json!({"date": "2026-02-11", "kind": "phone", "note": "Gebeld"}),
    )
    .await;
    id
}

async fn audit_verify_finds_an_entry_changed_in_the_database(db: TestDb) {
    let app = App::spawn(db).await;
    some_processings(&app).await;
    let (code, out) = verify(&app);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("gemeente 1783: 6 regels, keten intact"),
        "{out}"
    );
    app.execute_sql("UPDATE processing_log SET detail = 'niets aan de hand' WHERE seq = 2")
        .await;
    let (code, out) = verify(&app);
    assert_eq!(code, Some(1));
    assert!(out.contains("NIET INTACT: regel 2 is gewijzigd"), "{out}");
}

async fn audit_verify_finds_an_entry_removed_from_the_database(db: TestDb) {
    let app = App::spawn(db).await;
    some_processings(&app).await;
    app.execute_sql("DELETE FROM processing_log WHERE seq = 3")
        .await;
    let (code, out) = verify(&app);
    assert_eq!(code, Some(1));
    assert!(out.contains("regel 3 is verwijderd"), "{out}");
}

async fn audit_verify_finds_the_last_entry_removed_and_a_rehashed_entry(db: TestDb) {
    let app = App::spawn(db).await;
    some_processings(&app).await;
    app.execute_sql("DELETE FROM processing_log WHERE seq = (SELECT MAX(seq) FROM processing_log)")
        .await;
    let (_, out) = verify(&app);
    assert!(
        out.contains("regel 6 is verwijderd"),
        "the head remembers the tail: {out}"
    );
    let app2 = App::spawn(
        crate::common::TestDb::new(if app.db_url().starts_with("sqlite") {
            crate::common::Backend::Sqlite
        } else {
            crate::common::Backend::Postgres
        })
        .await
        .unwrap(),
    )
    .await;
    some_processings(&app2).await;
    // An intruder who changes an entry and recomputes its own hash still breaks the link
    // to the next entry.
    app2.execute_sql(
        "UPDATE processing_log SET actor_name = 'iemand anders', hash = 'ff' WHERE seq = 4",
    )
    .await;
    let (_, out) = verify(&app2);
    assert!(out.contains("regel 4 is gewijzigd"), "{out}");
}

async fn a_coordinator_lists_the_processings_of_a_residents_data(db: TestDb) {
    let app = App::spawn(db).await;
    let case = some_processings(&app).await;
    let resident = app.get(&format!("/api/v1/cases/{case}")).await.json["resident_id"]
        .as_i64()
        .unwrap();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    client
        .post(format!("{}/inloggen", app.base))
        .form(&[("username", "coordinator"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let page = client
        .get(format!("{}/inwoners/{resident}/verwerkingen", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Casus inzien")
            && html.contains("Casus wijzigen")
            && html.contains("Melding registreren"),
        "{html}"
    );
    assert!(
        html.contains("Nazorg ex-gedetineerden (Wet straffen en beschermen"),
        "the purpose and legal ground"
    );
    assert_eq!(
        html.matches("<td>Casus inzien</td>").count(),
        5,
        "three reads, the case returned after the contact, and the lookup above"
    );
}

async fn api_tokens_are_scoped_expiring_and_revocable(db: TestDb) {
    use nazorg_domain::access::TokenScope;
    let app = App::spawn(db).await;
    let (feed_id, feed) = app
        .store
        .create_scoped_api_token(
            "coordinator",
            "PI-koppeling",
            30,
            &[TokenScope::Notifications],
        )
        .await
        .unwrap();
    let (_, reader) = app
        .store
        .create_scoped_api_token("coordinator", "rapportage", 30, &[TokenScope::Read])
        .await
        .unwrap();
    let call =
        |method: reqwest::Method, path: &str, token: &str, body: Option<serde_json::Value>| {
            let mut request = app
                .client
                .request(method, format!("{}{path}", app.base))
                .bearer_auth(token.to_string());
            if let Some(body) = body {
                request = request.json(&body);
            }
            async move { request.send().await.unwrap().status().as_u16() }
        };
    use reqwest::Method;
    assert_eq!(
        call(
            Method::POST,
            "/api/v1/notifications",
            &feed,
            Some(notification(json!({})))
        )
        .await,
        201,
        "the feed delivers"
    );
    assert_eq!(
        call(Method::GET, "/api/v1/cases", &feed, None).await,
        403,
        "…but reads nothing"
    );
    assert_eq!(call(Method::GET, "/api/v1/cases", &reader, None).await, 200);
    assert_eq!(
        call(
            Method::POST,
            "/api/v1/notifications",
            &reader,
            Some(notification(json!({})))
        )
        .await,
        403,
        "a read-only token changes nothing"
    );
    let listed = Command::new(env!("CARGO_BIN_EXE_nazorg"))
        .args(["--database", &app.db_url(), "token", "list", "coordinator"])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(
        listed.contains("PI-koppeling\tnotifications") && !listed.contains(&feed),
        "{listed}"
    );
    let revoked = Command::new(env!("CARGO_BIN_EXE_nazorg"))
        .args([
            "--database",
            &app.db_url(),
            "token",
            "revoke",
            &feed_id.to_string(),
        ])
        .output()
        .unwrap();
    assert!(revoked.status.success());
    assert_eq!(
        call(
            Method::POST,
            "/api/v1/notifications",
            &feed,
            Some(notification(json!({})))
        )
        .await,
        401,
        "revoked"
    );
    let made = Command::new(env!("CARGO_BIN_EXE_nazorg"))
        .args([
            "--database",
            &app.db_url(),
            "token",
            "create",
            "coordinator",
            "--scope",
            "read,admin",
        ])
        .output()
        .unwrap();
    assert!(
        !made.status.success()
            && String::from_utf8_lossy(&made.stderr).contains("onbekend bereik 'admin'")
    );
}

crate::on_both_databases!(
    api_tokens_are_scoped_expiring_and_revocable,
    audit_verify_finds_an_entry_changed_in_the_database,
    audit_verify_finds_an_entry_removed_from_the_database,
    audit_verify_finds_the_last_entry_removed_and_a_rehashed_entry,
    a_coordinator_lists_the_processings_of_a_residents_data,
);
