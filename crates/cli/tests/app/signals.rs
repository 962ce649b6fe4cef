//! The chain's newer facts win, visibly, and a notification naming someone else under a
//! known BSN is a signal, not a merge (issue 12, points 3 and 4).

use crate::common::{
    App, TestDb, csrf_of, history, logged_in, notification, page, post_form, read,
};
use serde_json::json;

async fn a_later_notification_of_the_same_detention_updates_its_facts_visibly(db: TestDb) {
    let app = App::spawn(db).await;
    let first =
        notification(json!({"expected_release": "2026-12-20", "institution": "PI Haaglanden"}));
    let case = app.notify(first).await;
    let before = app.case(case).await;
    assert_eq!(before["signals"], json!([]));

    // The casemanager of the PI sends the same detention again: release moved, another PI.
    let later = notification(
        json!({"expected_release": "2027-02-01", "institution": "PI Vught", "source": "casemanager"}),
    );
    let r = app.post_notification(later.clone()).await;
    assert_eq!(
        (
            r.status,
            r.json["created"].clone(),
            r.json["updated"].clone()
        ),
        (200, json!(false), json!(true)),
        "{}",
        r.json
    );
    let now = app.case(case).await;
    assert_eq!(
        (now["expected_release"].clone(), now["institution"].clone()),
        (json!("2027-02-01"), json!("PI Vught"))
    );
    let lines = history(&now);
    let line = lines
        .iter()
        .find(|l| l.starts_with("Gewijzigd door de keten"))
        .expect("the change is in the history");
    assert!(
        line.contains("Casemanager van de PI")
            && line.contains("Verwachte vrijlating: ‘20-12-2026’ → ‘01-02-2027’")
            && line.contains("Inrichting: ‘PI Haaglanden’ → ‘PI Vught’"),
        "{line}"
    );
    // The coordinator sees it: on the case, in the list, on the worklist.
    assert_eq!(now["signals"], json!(["chain_changed"]));
    let signal = &now["open_signals"][0];
    assert_eq!(signal["kind"], "chain_changed");
    assert!(signal["detail"].as_str().unwrap().contains("01-02-2027"));
    let listed = app.get("/api/v1/cases").await;
    assert_eq!(listed.json["items"][0]["signals"], json!(["chain_changed"]));

    // The same notification again changes nothing and raises nothing new.
    let again = app.post_notification(later).await;
    assert_eq!(again.json["updated"], json!(false));
    let same = app.case(case).await;
    assert_eq!(same["open_signals"].as_array().unwrap().len(), 1);
    assert_eq!(same["version"], now["version"]);

    // A pretrial detention never replaces a known sentence; an empty field keeps what is known.
    let vague =
        notification(json!({"expected_release": null, "sentence": "pretrial", "institution": ""}));
    let r = app.post_notification(vague).await;
    assert_eq!(r.json["updated"], json!(false), "{}", r.json);
    let kept = app.case(case).await;
    assert_eq!(
        (
            kept["sentence"].clone(),
            kept["expected_release"].clone(),
            kept["institution"].clone()
        ),
        (
            json!("prison_sentence"),
            json!("2027-02-01"),
            json!("PI Vught")
        )
    );

    // A stale correction of the facts from before the chain's change is refused.
    let stale = app
        .put_if(
            &format!("/api/v1/cases/{case}/facts"),
            json!({"institution": "PI Haaglanden", "expected_release": "2026-12-20", "sentence": "prison_sentence",
                   "brp_status": "registered", "last_residence_code": "1783", "birth_date": "1992-02-14",
                   "family_name": "van den Berg", "given_names": "Anna"}),
            Some(&format!("\"{}\"", before["version"])),
        )
        .await;
    assert_eq!(stale.status, 412, "{}", stale.json);

    // Seen: the signal goes, the history says who handled it.
    let id = signal["id"].as_i64().unwrap();
    let path = format!("/api/v1/cases/{case}/signals/{id}/resolution");
    let wrong = app.post(&path, json!({"resolution": "same_person"})).await;
    assert_eq!(wrong.status, 422, "{}", wrong.json);
    let seen = app.post(&path, json!({"resolution": "seen"})).await;
    assert_eq!(seen.status, 200, "{}", seen.json);
    assert_eq!(seen.json["signals"], json!([]));
    assert!(
        history(&seen.json)
            .iter()
            .any(|l| l == "Signaal ‘Gewijzigd door de keten’ afgehandeld: Gezien."),
        "{:?}",
        history(&seen.json)
    );
    let twice = app.post(&path, json!({"resolution": "seen"})).await;
    assert_eq!(twice.status, 409, "{}", twice.json);
}

async fn a_changed_release_moves_the_deadlines_and_eligibility_follows(db: TestDb) {
    let app = App::spawn(db).await;
    // Released within ten days of the start: not in the target group.
    let short =
        notification(json!({"detention_start": "2026-02-10", "expected_release": "2026-02-15"}));
    let case = app.notify(short).await;
    assert_eq!(app.case(case).await["eligibility"], "not_eligible");
    let longer =
        notification(json!({"detention_start": "2026-02-10", "expected_release": "2026-05-01"}));
    app.post_notification(longer).await;
    let now = app.case(case).await;
    assert_eq!(now["eligibility"], "eligible");
    assert!(
        history(&now).iter().any(|l| l.contains(
            "Doelgroepbepaling: ‘Valt niet onder de doelgroep’ → ‘Valt onder de doelgroep’"
        ) || l.contains("Doelgroepbepaling:")),
        "{:?}",
        history(&now)
    );
}

async fn another_person_under_a_known_bsn_is_a_signal_not_a_merge(db: TestDb) {
    let app = App::spawn(db).await;
    let first = app.notify(notification(json!({}))).await;
    // The same BSN, another name and birth date, another detention.
    let other = notification(
        json!({"family_name": "Jansen", "given_names": "Piet", "birth_date": "1980-05-01",
                                    "detention_start": "2026-09-01", "expected_release": "2027-01-10"}),
    );
    let r = app.post_notification(other).await;
    assert_eq!(r.status, 201, "the notification is imported: {}", r.json);
    let case = r.json["case_id"].as_i64().unwrap();
    assert_ne!(case, first);
    let now = app.case(case).await;
    // Who is held stays as it was, and the difference is signalled.
    assert_eq!(
        (now["family_name"].clone(), now["birth_date"].clone()),
        (json!("van den Berg"), json!("1992-02-14"))
    );
    assert_eq!(now["signals"], json!(["identity_mismatch"]));
    let signal = &now["open_signals"][0];
    assert_eq!(
        signal["detail"],
        "De melding noemt Piet Jansen, geboren 01-05-1980; bij dit BSN is Anna van den Berg, geboren 14-02-1992 bekend."
    );
    assert!(
        history(&now)
            .iter()
            .any(|l| l.starts_with("Signaal: de identiteit"))
    );
    assert_eq!(app.case(first).await["signals"], json!([]));

    // In the command line's list too.
    let cases = app.cli_json(&["cases", "list", "--format", "json"]);
    let row = cases
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case_id"] == json!(case))
        .unwrap();
    assert_eq!(row["signals"], json!(["identity_mismatch"]));

    // A spelling of the same name is no signal.
    let spelled = notification(
        json!({"family_name": "Van Den Berg", "given_names": "anna", "detention_start": "2026-10-01",
                                      "expected_release": "2027-03-01"}),
    );
    let r = app.post_notification(spelled).await;
    let third = r.json["case_id"].as_i64().unwrap();
    assert_eq!(app.case(third).await["signals"], json!([]));

    // The coordinator takes the notification's identity over: old → new in the history.
    let id = signal["id"].as_i64().unwrap();
    let path = format!("/api/v1/cases/{case}/signals/{id}/resolution");
    let taken = app
        .post(&path, json!({"resolution": "take_notified"}))
        .await;
    assert_eq!(taken.status, 200, "{}", taken.json);
    assert_eq!(
        (
            taken.json["family_name"].clone(),
            taken.json["given_names"].clone(),
            taken.json["birth_date"].clone(),
            taken.json["signals"].clone()
        ),
        (
            json!("Jansen"),
            json!("Piet"),
            json!("1980-05-01"),
            json!([])
        )
    );
    let lines = history(&taken.json);
    let line = lines
        .iter()
        .find(|l| l.starts_with("Signaal ‘Identiteit wijkt af’ afgehandeld"))
        .expect("the handling is in the history");
    assert!(
        line.contains("Achternaam: ‘van den Berg’ → ‘Jansen’")
            && line.contains("Geboortedatum: ‘14-02-1992’ → ‘01-05-1980’"),
        "{line}"
    );
}

async fn the_coordinator_handles_a_signal_from_mijn_werk_and_the_case_page(db: TestDb) {
    let app = App::spawn(db).await;
    let case = app.notify(notification(json!({}))).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let me = app.user_id("coordinator").await;
    app.put_case(case, "coordinator", json!({"user_id": me}))
        .await;
    let mismatch = notification(json!({"birth_date": "1990-01-01"}));
    app.post_notification(mismatch).await;

    let (status, work) = page(&coordinator, app.url("/mijn-werk")).await;
    assert_eq!(status, 200);
    assert!(
        work.contains("Identiteit wijkt af")
            && work.contains(&format!("/casussen/{case}#signalen")),
        "the signal is on Mijn werk"
    );
    let (_, html) = page(&coordinator, app.url(&format!("/casussen/{case}"))).await;
    assert!(html.contains("id=\"signalen\"") && html.contains("geboren 01-01-1990"));
    let id = app.case(case).await["open_signals"][0]["id"]
        .as_i64()
        .unwrap();
    let version = crate::common::version_of(&html);
    let form = [
        ("csrf", csrf_of(&html)),
        ("formulier", format!("signalen/{id}")),
        ("afhandeling", "same_person".to_string()),
    ];
    let r = post_form(
        &app,
        &coordinator,
        &format!("/casussen/{case}/signalen/{id}?versie={version}"),
        form,
    )
    .await;
    assert_eq!(r.status(), 303);
    let (_, after) = read(
        coordinator
            .get(app.url(&format!("/casussen/{case}?opgeslagen=signalen")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(after.contains("Opgeslagen: Signaal afgehandeld."));
    assert!(!after.contains("id=\"signalen\""), "the card is gone");
    assert!(after.contains("afgehandeld: Zelfde persoon, de gegevens kloppen."));
    let (_, work) = page(&coordinator, app.url("/mijn-werk")).await;
    assert!(!work.contains("Identiteit wijkt af"));
    // The resident's birth date stands.
    assert_eq!(app.case(case).await["birth_date"], "1992-02-14");
}

crate::on_both_databases!(
    a_later_notification_of_the_same_detention_updates_its_facts_visibly,
    a_changed_release_moves_the_deadlines_and_eligibility_follows,
    another_person_under_a_known_bsn_is_a_signal_not_a_merge,
    the_coordinator_handles_a_signal_from_mijn_werk_and_the_case_page,
);
