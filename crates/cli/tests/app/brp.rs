//! The BRP lookup (issue 13, point 1), against a fake BRP that follows Haal Centraal BRP
//! Personen on loopback: each kind of answer and what the case shows and decides after it;
//! errors shown in Dutch and tried again; nothing lost while the BRP was down.

use crate::common::{App, TestDb, csrf_of, history, logged_in, notification, page, valid_bsns};
use crate::fake_brp::{self, FakeBrp, Mode};
use serde_json::{Value, json};
use std::time::Duration;

/// The BRP state of a case once `done` holds of it (within 20 seconds).
async fn brp_state_when(app: &App, case: i64, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let r = app.get(&format!("/api/v1/cases/{case}/brp")).await;
        assert_eq!(r.status, 200, "{}", r.json);
        if done(&r.json) {
            return r.json;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("case {case}: the BRP state did not come as expected");
}

fn failed_with(state: &Value, text: &str) -> bool {
    state["waiting"]["attempts"].as_i64().unwrap_or(0) >= 1
        && state["waiting"]["last_error"]
            .as_str()
            .is_some_and(|e| e.contains(text))
}

fn today_iso() -> String {
    nazorg_domain::dates::format_iso(nazorg_domain::dates::today_nl())
}

/// The one history line of a BRP lookup that succeeded.
fn brp_line(case: &Value) -> String {
    history(case)
        .into_iter()
        .find(|l| l.starts_with("Opgevraagd in de BRP"))
        .unwrap_or_else(|| panic!("no BRP line in {:?}", history(case)))
}

async fn each_answer_of_the_brp_decides_the_case_and_nothing_waits_lost(db: TestDb) {
    let brp = FakeBrp::start().await;
    let bsns: Vec<String> = valid_bsns(300_000_000).take(8).collect();
    brp.add(fake_brp::registered(&bsns[0], ("1783", "Westland")));
    brp.add(fake_brp::registered(&bsns[1], ("0518", "'s-Gravenhage")));
    brp.add(fake_brp::suspended(
        &bsns[2],
        ("E", "emigratie"),
        "2026-10-01",
    ));
    brp.add(fake_brp::suspended(
        &bsns[3],
        ("O", "overlijden"),
        "2026-11-15",
    ));
    // bsns[4] is not in the BRP.
    brp.add(fake_brp::residence_unknown(&bsns[5], "2026-09-01"));
    // In the RNI, with the RNI's municipality code 1999.
    let mut rni = fake_brp::suspended(&bsns[6], ("R", "RNI"), "2026-08-01");
    rni["gemeenteVanInschrijving"] =
        json!({"code": "1999", "omschrijving": "Registratie Niet Ingezetenen (RNI)"});
    brp.add(rni);
    // One person the BRP sends a date of that does not exist: only that case fails.
    brp.add(fake_brp::suspended(
        &bsns[7],
        ("E", "emigratie"),
        "2026-02-30",
    ));
    // The BRP is down when the cases come in.
    brp.set_mode(Mode::Down);
    let app = App::spawn_with_brp(db, &brp.url).await;
    let mut cases = Vec::new();
    for bsn in &bsns {
        // Every notification says: registered, living in Westland.
        cases.push(app.notify(notification(json!({ "bsn": bsn }))).await);
    }
    // The lookups were tried in the background, failed, and wait: the case says why.
    for case in &cases {
        let state = brp_state_when(&app, *case, |s| failed_with(s, "(503)")).await;
        assert_eq!(state["checked_on"], Value::Null);
    }
    let coordinator = logged_in(&app, "coordinator").await;
    let (_, html) = page(&coordinator, app.url(&format!("/casussen/{}", cases[0]))).await;
    assert!(html.contains("Wacht op de BRP"), "{html}");
    assert!(html.contains("De BRP gaf een fout (503)"), "{html}");

    // Back up: `nazorg brp lookup --pending` does every waiting lookup now, in one question.
    brp.set_mode(Mode::Normal);
    let out = app.cli(&[
        "brp",
        "lookup",
        "--pending",
        "--brp-url",
        &brp.url,
        "--brp-api-key",
        fake_brp::API_KEY,
    ]);
    let printed = String::from_utf8_lossy(&out.stdout);
    // One person of the answer could not be read: only that case failed.
    assert_eq!(out.status.code(), Some(1), "{printed}");
    assert!(printed.contains("7 opgevraagd, 1 mislukt"), "{printed}");
    assert!(
        printed.contains("onleesbaar: datum ‘2026-02-30’"),
        "{printed}"
    );
    let last = brp.seen().last().cloned().unwrap();
    assert_eq!((last.status, last.bsns.len()), (200, 8), "{last:?}");
    // Need-to-know: only these fields, never one the BRP delivers by itself.
    assert_eq!(
        last.fields,
        [
            "burgerservicenummer",
            "gemeenteVanInschrijving",
            "verblijfplaats.datumVan"
        ]
    );
    let trace = last.traceparent.expect("a traceparent");
    let parts: Vec<&str> = trace.split('-').collect();
    assert_eq!(
        (parts.len(), parts[0], parts[1].len(), parts[2].len()),
        (4, "00", 32, 16),
        "{trace}"
    );

    let today = today_iso();
    // Registered here: as notified, now checked.
    let a = app.case(cases[0]).await;
    assert_eq!(
        (&a["brp_status"], &a["brp_checked_on"], &a["eligibility"]),
        (&json!("registered"), &json!(today), &json!("eligible"))
    );
    assert!(
        brp_line(&a).contains("ingeschreven, gemeente van inschrijving 1783. Dat verandert niets"),
        "{}",
        brp_line(&a)
    );
    assert_eq!(a["signals"], json!([]));
    // Registered elsewhere: the BRP wins, the history keeps both, the coordinator is told.
    let b = app.case(cases[1]).await;
    assert_eq!(b["last_residence_code"], "0518");
    assert_eq!(b["eligibility"], "not_eligible");
    assert!(
        b["eligibility_reasons"]
            .as_array()
            .unwrap()
            .contains(&json!("not_resident"))
    );
    let line = brp_line(&b);
    assert!(
        line.contains("Gemeente van het laatste adres: ‘1783’ → ‘0518’")
            && line.contains("‘Valt onder de doelgroep’ → ‘Valt niet onder de doelgroep’"),
        "{line}"
    );
    assert_eq!(b["signals"], json!(["brp_changed"]));
    // Emigrated (suspended with E): recently deregistered, with its date; still eligible.
    let c = app.case(cases[2]).await;
    assert_eq!(
        (&c["brp_status"], &c["brp_status_since"], &c["eligibility"]),
        (
            &json!("recently_deregistered"),
            &json!("2026-10-01"),
            &json!("eligible")
        )
    );
    assert!(
        brp_line(&c).contains("Inschrijving in de BRP: ‘Ingeschreven’ → ‘Recent uitgeschreven’"),
        "{}",
        brp_line(&c)
    );
    // Deceased: a signal for the coordinator, the facts as they were.
    let d = app.case(cases[3]).await;
    assert_eq!(d["signals"], json!(["deceased"]));
    assert!(
        d["open_signals"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("overleden op 15-11-2026"),
        "{}",
        d["open_signals"]
    );
    // Not found: not registered, so not eligible.
    let e = app.case(cases[4]).await;
    assert_eq!(
        (&e["brp_status"], &e["eligibility"]),
        (&json!("not_registered"), &json!("not_eligible"))
    );
    assert!(
        e["eligibility_reasons"]
            .as_array()
            .unwrap()
            .contains(&json!("not_in_brp"))
    );
    // Residence unknown: recently deregistered since that date.
    let f = app.case(cases[5]).await;
    assert_eq!(
        (&f["brp_status"], &f["brp_status_since"]),
        (&json!("recently_deregistered"), &json!("2026-09-01"))
    );

    // In the RNI: deregistered, and 1999 is no residence.
    let g = app.case(cases[6]).await;
    assert_eq!(
        (
            &g["brp_status"],
            &g["last_residence_code"],
            &g["eligibility"]
        ),
        (
            &json!("recently_deregistered"),
            &json!("1783"),
            &json!("eligible")
        )
    );
    // The unreadable one waits, with why; the others do not.
    let h = app
        .get(&format!("/api/v1/cases/{}/brp", cases[7]))
        .await
        .json;
    assert!(failed_with(&h, "onleesbaar"), "{h}");
    let unreadable = cases[7];
    let cases = &cases[..7];

    // A death is reported once: handled, a later lookup does not raise it again.
    let signal = d["open_signals"][0]["id"].as_i64().unwrap();
    let handled = app
        .post(
            &format!("/api/v1/cases/{}/signals/{signal}/resolution", cases[3]),
            json!({"resolution": "seen"}),
        )
        .await;
    assert_eq!(handled.status, 200, "{}", handled.json);
    let again = app
        .post(
            &format!("/api/v1/cases/{}/brp-lookups", cases[3]),
            json!({}),
        )
        .await;
    assert_eq!(again.status, 202);
    brp_state_when(&app, cases[3], |s| s["waiting"].is_null()).await;
    assert_eq!(app.case(cases[3]).await["signals"], json!([]));

    // Nothing waits any more; the list gives the BRP facts.
    for case in cases {
        let state = app.get(&format!("/api/v1/cases/{case}/brp")).await.json;
        assert_eq!(state["waiting"], Value::Null, "{state}");
        // The failed try and the answered one are both processings in the log.
        assert!(app.processing_log_count("lookup_brp", *case).await >= 2);
    }
    let listed = app.cli_json(&["cases", "list", "--format", "json"]);
    for item in listed.as_array().unwrap() {
        if item["case_id"] == json!(unreadable) {
            assert_eq!(item["brp_checked_on"], Value::Null, "{item}");
            continue;
        }
        assert_eq!(item["brp_checked_on"], json!(today), "{item}");
        assert!(item["brp_status"].is_string(), "{item}");
    }
    // The case page says what the BRP said, and when.
    let (_, html) = page(&coordinator, app.url(&format!("/casussen/{}", cases[2]))).await;
    assert!(
        html.contains("Recent uitgeschreven</strong>, uitgeschreven sinds 01-10-2026"),
        "{html}"
    );
    assert!(html.contains("Volgens de BRP, opgevraagd op"), "{html}");
    assert!(!html.contains("Wacht op de BRP"));
}

async fn errors_of_the_brp_are_shown_in_dutch_and_tried_again(db: TestDb) {
    let plain = App::spawn(db.another().await).await;
    let brp = FakeBrp::start().await;
    let bsn = valid_bsns(310_000_000).next().unwrap();
    brp.add(fake_brp::registered(&bsn, ("1783", "Westland")));
    brp.set_mode(Mode::Refuse400);
    let app = App::spawn_with_brp(db, &brp.url).await;
    let case = app.notify(notification(json!({ "bsn": bsn }))).await;
    // A 400 with invalidParams: the parameter and its reason, in the BRP's words.
    brp_state_when(&app, case, |s| {
        failed_with(
            s,
            "(400): burgerservicenummer[0]: Waarde voldoet niet aan patroon",
        )
    })
    .await;

    brp.set_mode(Mode::Normal);
    let cli = |args: &[&str]| {
        let mut all = vec!["brp", "lookup", "--case"];
        let id = case.to_string();
        all.push(&id);
        all.extend_from_slice(&["--brp-url", &brp.url]);
        all.extend_from_slice(args);
        let out = app.cli(&all);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    // A key the gateway does not know: 401.
    let (code, printed) = cli(&["--brp-api-key", "verkeerd"]);
    assert_eq!(code, Some(1), "{printed}");
    assert!(printed.contains("controleer de API-sleutel"), "{printed}");
    // A BRP that does not answer in time.
    brp.set_mode(Mode::Slow(Duration::from_secs(3)));
    let (code, printed) = cli(&["--brp-api-key", fake_brp::API_KEY, "--brp-timeout", "1"]);
    assert_eq!(code, Some(1), "{printed}");
    assert!(
        printed.contains("De BRP antwoordde niet binnen 1 s."),
        "{printed}"
    );
    let state = brp_state_when(&app, case, |s| failed_with(s, "niet binnen 1 s")).await;
    assert!(
        state["waiting"]["attempts"].as_i64().unwrap() >= 3,
        "{state}"
    );
    assert_eq!(state["checked_on"], Value::Null);

    // The coordinator asks again from the case page; the worker answers it.
    brp.set_mode(Mode::Normal);
    let coordinator = logged_in(&app, "coordinator").await;
    let url = app.url(&format!("/casussen/{case}"));
    let (_, html) = page(&coordinator, url.clone()).await;
    assert!(html.contains("niet binnen 1 s"), "{html}");
    assert!(html.contains("Opnieuw opvragen in de BRP"));
    let sent = coordinator
        .post(app.url(&format!("/casussen/{case}/brp")))
        .form(&[("csrf", csrf_of(&html)), ("formulier", "brp".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status().as_u16(), 303);
    let state = brp_state_when(&app, case, |s| s["waiting"].is_null()).await;
    assert_eq!(
        (&state["brp_status"], &state["checked_on"]),
        (&json!("registered"), &json!(today_iso()))
    );
    // Over the API too: accepted, waiting, then done.
    let r = app
        .post(&format!("/api/v1/cases/{case}/brp-lookups"), json!({}))
        .await;
    assert_eq!(r.status, 202, "{}", r.json);
    brp_state_when(&app, case, |s| s["waiting"].is_null()).await;
    let lines: Vec<String> = history(&app.case(case).await)
        .into_iter()
        .filter(|l| l.starts_with("Opgevraagd in de BRP"))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");

    // Without a BRP nothing is asked, and asking says so.
    let other = plain.notify(notification(json!({}))).await;
    let state = plain.get(&format!("/api/v1/cases/{other}/brp")).await.json;
    assert_eq!(
        (&state["connected"], &state["waiting"]),
        (&json!(false), &Value::Null)
    );
    let r = plain
        .post(&format!("/api/v1/cases/{other}/brp-lookups"), json!({}))
        .await;
    assert_eq!(r.status, 422);
    assert!(r.detail().contains("staat uit"), "{}", r.detail());
}

crate::on_both_databases!(
    each_answer_of_the_brp_decides_the_case_and_nothing_waits_lost,
    errors_of_the_brp_are_shown_in_dutch_and_tried_again,
);
