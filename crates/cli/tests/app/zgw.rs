//! The case in the zaaksysteem (issue 13, point 2), against a fake that follows the ZGW
//! Zaken and Catalogi APIs on loopback: the zaak, every status and the resultaat arrive in
//! order with a valid JWT; nothing is lost while the zaaksysteem was down, and nothing is
//! posted twice when an answer was lost; errors are shown in Dutch.

use crate::common::{App, TestDb, history, logged_in, notification, page};
use crate::fake_zgw::{FakeZgw, Mode};
use serde_json::{Value, json};
use std::time::Duration;

/// A zaaktype as a municipality might set it up: five statustypen (one named after a
/// phase of Nazorg) and three resultaattypen.
async fn zaaksysteem() -> FakeZgw {
    FakeZgw::start(
        &[
            (1, "Ontvangen"),
            (2, "Intake"),
            (3, "In behandeling"),
            (4, "Nazorgperiode"),
            (5, "Afgehandeld"),
        ],
        &["Toegekend", "Afgerond", "Overleden"],
    )
    .await
}

/// The zaak state of a case once `done` holds of it (within 20 seconds).
async fn zaak_when(app: &App, case: i64, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let r = app.get(&format!("/api/v1/cases/{case}/zaak")).await;
        assert_eq!(r.status, 200, "{}", r.json);
        if done(&r.json) {
            return r.json;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let last = app.get(&format!("/api/v1/cases/{case}/zaak")).await.json;
    panic!("case {case}: the zaak did not come as expected: {last}");
}

fn failed_with(state: &Value, text: &str) -> bool {
    state["waiting"]["attempts"].as_i64().unwrap_or(0) >= 1
        && state["waiting"]["last_error"]
            .as_str()
            .is_some_and(|e| e.contains(text))
}

fn up_to_date(state: &Value) -> bool {
    state["waiting"].is_null() && state["waiting_updates"] == 0 && state["url"].is_string()
}

/// `nazorg zgw SUBCOMMAND` with the fake's settings.
fn zgw_cli(app: &App, zgw: &FakeZgw, subcommand: &str) -> std::process::Output {
    let mut args: Vec<String> = vec!["zgw".into(), subcommand.into()];
    args.extend(zgw.cli_args());
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    app.cli(&argv)
}

/// Takes a case from notification through release to closure.
async fn release_and_close(app: &App, case: i64) {
    app.accept_offer(case).await;
    let r = app
        .put_case(case, "release", json!({"date": "2026-06-10"}))
        .await;
    assert_eq!(r.json["status"], "aftercare", "{}", r.json);
    let results: Vec<Value> = ["id_document", "housing", "income", "care", "social_network"]
        .iter()
        .map(|d| json!({"domain": d, "result": "arranged"}))
        .collect();
    let close = json!({"reason": "completed", "date": "2026-09-10", "overall_result": "successful", "results": results, "note": ""});
    let r = app.post_case(case, "closure", close).await;
    assert_eq!(r.json["status"], "closed", "{}", r.json);
}

async fn every_phase_reaches_the_zaak_in_order_and_nothing_is_lost_while_it_was_down(db: TestDb) {
    let zgw = zaaksysteem().await;
    zgw.set_mode(Mode::Down);
    let app = App::spawn_with_zgw(db, zgw.config()).await;
    let case = app.notify(notification(json!({}))).await;
    // The registration was tried in the background, failed, and waits: the case says why.
    let state = zaak_when(&app, case, |s| failed_with(s, "(503)")).await;
    assert_eq!(
        (&state["connected"], &state["url"]),
        (&json!(true), &Value::Null)
    );
    let coordinator = logged_in(&app, "coordinator").await;
    let (_, html) = page(&coordinator, app.url(&format!("/casussen/{case}"))).await;
    assert!(html.contains("Wacht op het zaaksysteem"), "{html}");
    assert!(
        html.contains("Het zaaksysteem gaf een fout (503)"),
        "{html}"
    );
    assert!(html.contains("Nog niet geregistreerd als zaak"), "{html}");

    // A coordinator works on as if nothing were the matter: the case is never blocked.
    release_and_close(&app, case).await;
    let state = app.get(&format!("/api/v1/cases/{case}/zaak")).await.json;
    // Notified, accepted, aftercare, the resultaat and the end status wait, in order.
    assert_eq!(state["waiting_updates"], 5, "{state}");

    // `nazorg zgw status` says what waits and why; exit code 1: something failed.
    let out = zgw_cli(&app, &zgw, "status");
    let printed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{printed}");
    assert!(
        printed.contains(&format!("casus {case}: wacht sinds")),
        "{printed}"
    );
    assert!(
        printed.contains("Het zaaksysteem gaf een fout (503)"),
        "{printed}"
    );

    // Back up: `nazorg zgw sync` brings the zaak up to date now.
    zgw.set_mode(Mode::Normal);
    let out = zgw_cli(&app, &zgw, "sync");
    let printed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{printed}");
    // Unless the background worker's next try came first (on a busy machine), it did it.
    if !printed.contains("Niets wachtte") {
        assert!(printed.contains("1 bijgewerkt, 0 mislukt"), "{printed}");
        assert!(
            printed.contains(&format!("geregistreerd als zaak NAZORG-1783-{case}")),
            "{printed}"
        );
    }

    // One zaak, of the zaaktype, for the municipality, without personal data.
    let zaken = zgw.zaken();
    assert_eq!(zaken.len(), 1, "{zaken:?}");
    let zaak = &zaken[0];
    assert_eq!(zaak["identificatie"], format!("NAZORG-1783-{case}"));
    assert_eq!(zaak["bronorganisatie"], crate::fake_zgw::RSIN);
    assert_eq!(zaak["verantwoordelijkeOrganisatie"], crate::fake_zgw::RSIN);
    assert_eq!(zaak["zaaktype"], zgw.zaaktype.as_str());
    let today = nazorg_domain::dates::format_iso(nazorg_domain::dates::today_nl());
    assert_eq!(zaak["startdatum"], today.as_str());
    let text = zaak.to_string();
    assert!(
        !text.contains("691967301") && !text.contains("Berg"),
        "{text}"
    );
    // Every phase as its statustype, in order; the resultaat before the end status.
    let url = zaak["url"].as_str().unwrap();
    assert_eq!(
        zgw.statuses_of(url),
        ["Ontvangen", "Intake", "Nazorgperiode", "Afgehandeld"]
    );
    assert_eq!(zgw.results_of(url), ["Afgerond"]);
    assert_eq!(
        zgw.arrivals(),
        [
            "zaken",
            "statussen",
            "statussen",
            "statussen",
            "resultaten",
            "statussen"
        ]
    );
    // Every call carried a valid JWT (the fake refuses any other) naming who caused it,
    // and a trace.
    let seen = zgw.seen();
    let made: Vec<_> = seen.iter().filter(|s| s.status == 201).collect();
    assert!(
        made.iter()
            .all(|s| s.user_id.as_deref() == Some("coordinator")),
        "{made:?}"
    );
    assert!(seen.iter().all(|s| {
        s.traceparent
            .as_deref()
            .is_some_and(|t| t.starts_with("00-"))
    }));

    // The case shows its zaak, up to date; the history says it was registered.
    let state = zaak_when(&app, case, up_to_date).await;
    assert_eq!(state["identificatie"], format!("NAZORG-1783-{case}"));
    assert_eq!(state["url"], url);
    let (_, html) = page(&coordinator, app.url(&format!("/casussen/{case}"))).await;
    assert!(
        html.contains(&format!("Zaak <strong>NAZORG-1783-{case}</strong>")),
        "{html}"
    );
    assert!(
        html.contains("bijgewerkt tot en met de huidige fase"),
        "{html}"
    );
    assert!(!html.contains("Wacht op het zaaksysteem"), "{html}");
    let lines = history(&app.case(case).await);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("Geregistreerd als zaak NAZORG-1783-{case}"))),
        "{lines:?}"
    );
    // Each call is a processing in the log: the registration and four statuses and the
    // resultaat, besides the failed tries.
    assert!(app.processing_log_count("sync_zaak", case).await >= 6);

    // From now on the background worker does it by itself: a new case is a zaak within
    // seconds.
    let other = app
        .notify(notification(
            json!({"bsn": "111222333", "detention_start": "2026-03-01"}),
        ))
        .await;
    let state = zaak_when(&app, other, up_to_date).await;
    assert_eq!(state["identificatie"], format!("NAZORG-1783-{other}"));
    assert_eq!(zgw.zaken().len(), 2);
}

async fn a_lost_answer_is_found_again_and_a_refusal_is_shown_in_dutch(db: TestDb) {
    let zgw = zaaksysteem().await;
    // The zaaksysteem registers the zaak, but its answer is lost on the way back.
    zgw.set_mode(Mode::LoseAnswers);
    let app = App::spawn_with_zgw(db, zgw.config()).await;
    let case = app.notify(notification(json!({}))).await;
    zaak_when(&app, case, |s| failed_with(s, "(504)")).await;
    assert_eq!(zgw.zaken().len(), 1);
    // Answers come again: the zaak is found by its identificatie, not registered twice,
    // and its first status is posted once.
    zgw.set_mode(Mode::Normal);
    let out = zgw_cli(&app, &zgw, "sync");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let state = zaak_when(&app, case, up_to_date).await;
    assert_eq!(zgw.zaken().len(), 1, "registered once");
    let url = state["url"].as_str().unwrap().to_string();
    assert_eq!(zgw.statuses_of(&url), ["Ontvangen"]);

    // A status whose answer is lost is looked for before it is sent again.
    zgw.set_mode(Mode::LoseAnswers);
    app.accept_offer(case).await;
    zaak_when(&app, case, |s| failed_with(s, "(504)")).await;
    assert_eq!(zgw.statuses_of(&url), ["Ontvangen", "Intake"]);
    zgw.set_mode(Mode::Normal);
    let out = zgw_cli(&app, &zgw, "sync");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    zaak_when(&app, case, up_to_date).await;
    assert_eq!(
        zgw.statuses_of(&url),
        ["Ontvangen", "Intake"],
        "posted once"
    );

    // A zaaksysteem that no longer knows Nazorg's secret: 401, said in Dutch, kept.
    zgw.set_secret("een ander geheim");
    let r = app
        .put_case(case, "release", json!({"date": "2026-06-10"}))
        .await;
    assert_eq!(r.status, 200, "the coordinator is not blocked: {}", r.json);
    let state = zaak_when(&app, case, |s| failed_with(s, "(401)")).await;
    assert!(
        state["waiting"]["last_error"]
            .as_str()
            .unwrap()
            .contains("controleer de client-ID en het geheim"),
        "{state}"
    );
    assert_eq!(state["waiting_updates"], 1);
    let out = zgw_cli(&app, &zgw, "sync");
    let printed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{printed}");
    assert!(printed.contains("0 bijgewerkt, 1 mislukt"), "{printed}");
    zgw.set_secret(crate::fake_zgw::SECRET);
    zgw_cli(&app, &zgw, "sync");
    zaak_when(&app, case, up_to_date).await;
    assert_eq!(
        zgw.statuses_of(&url),
        ["Ontvangen", "Intake", "Nazorgperiode"]
    );

    // Without a zaaksysteem nothing is sent, and the command says what to set.
    let out = app.cli(&["zgw", "status"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--zgw-zaken-url"));
}

async fn a_step_during_a_slow_call_is_not_lost_and_timeouts_and_garbage_are_said(db: TestDb) {
    let zgw = zaaksysteem().await;
    let config = nazorg_app::zgw::ZgwConfig {
        timeout: Duration::from_secs(1),
        ..zgw.config()
    };
    // The zaaksysteem takes 0.8 s to register a zaak: a coordinator's step lands while the
    // worker waits for it.
    zgw.set_mode(Mode::SlowZaak(Duration::from_millis(800)));
    let app = App::spawn_with_zgw(db, config).await;
    let case = app.notify(notification(json!({}))).await;
    for _ in 0..100 {
        if zgw.begun().iter().any(|c| c == "POST /zaken/api/v1/zaken") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let started = std::time::Instant::now();
    app.accept_offer(case).await;
    assert!(
        started.elapsed() < Duration::from_millis(700),
        "the step did not wait for the zaaksysteem"
    );
    assert!(
        zgw.zaken().is_empty(),
        "the step landed while the zaak was being registered"
    );
    let state = zaak_when(&app, case, up_to_date).await;
    let url = state["url"].as_str().unwrap();
    assert_eq!(
        zgw.statuses_of(url),
        ["Ontvangen", "Intake"],
        "nothing lost"
    );

    // Slower than the timeout: said in Dutch, tried again, and registered once.
    zgw.set_mode(Mode::SlowZaak(Duration::from_millis(1500)));
    let slow = app
        .notify(notification(
            json!({"bsn": "111222333", "detention_start": "2026-03-01"}),
        ))
        .await;
    let state = zaak_when(&app, slow, |s| failed_with(s, "antwoordde niet binnen 1 s")).await;
    assert_eq!(state["url"], Value::Null);
    // An answer that is no JSON (a proxy's error page): said, and waiting.
    zgw.set_mode(Mode::Garbage);
    let garbage = app
        .notify(notification(
            json!({"bsn": "123456782", "detention_start": "2026-03-02"}),
        ))
        .await;
    zaak_when(&app, garbage, |s| failed_with(s, "onleesbaar")).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    zgw.set_mode(Mode::Normal);
    let out = zgw_cli(&app, &zgw, "sync");
    let printed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{printed}");
    assert!(
        printed.contains("bijgewerkt, 0 mislukt") || printed.contains("Niets wachtte"),
        "{printed}"
    );
    for c in [slow, garbage] {
        zaak_when(&app, c, up_to_date).await;
    }
    let idents: Vec<String> = zgw
        .zaken()
        .iter()
        .map(|z| z["identificatie"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        idents,
        [case, slow, garbage].map(|c| format!("NAZORG-1783-{c}")),
        "each case one zaak, the slow one too"
    );
}

crate::on_both_databases!(
    a_step_during_a_slow_call_is_not_lost_and_timeouts_and_garbage_are_said,
    every_phase_reaches_the_zaak_in_order_and_nothing_is_lost_while_it_was_down,
    a_lost_answer_is_found_again_and_a_refusal_is_shown_in_dutch,
);
