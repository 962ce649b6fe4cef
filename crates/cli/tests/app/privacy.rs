//! The processing log: a hash chain that `nazorg audit verify` checks, and a resident's
//! list of processings.

use crate::common::{
    App, PASSWORD, TestDb, browser, csrf_of, ids, logged_in, notification, page, post_form, read,
    signed_in, triage_domains,
};
use nazorg_domain::access::Role;
use nazorg_domain::referral::PartnerKind;
use serde_json::json;

fn verify(app: &App) -> (Option<i32>, String) {
    let out = app.cli(&["audit", "verify"]);
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
    app.post_case(
        id,
        "contacts",
        json!({"date": "2026-02-11", "kind": "phone", "note": "Gebeld"}),
    )
    .await;
    id
}

/// The page that lists the processings of the data of a case's resident.
async fn processings_page(app: &App, client: &reqwest::Client, case: i64) -> (u16, String) {
    let resident = app.resident_of(case).await;
    page(
        client,
        app.url(&format!("/inwoners/{resident}/verwerkingen")),
    )
    .await
}

/// Changes a case's family name (the other facts stay), and the answer.
async fn rename(app: &App, case: i64, family_name: &str) -> crate::common::Reply {
    let facts = json!({"family_name": family_name});
    app.patch(&format!("/api/v1/cases/{case}/facts"), facts)
        .await
}

/// What `nazorg audit verify` says after an intruder ran `sql` on the database.
async fn verify_after(app: &App, sql: &str) -> (Option<i32>, String) {
    app.execute_sql(sql).await;
    verify(app)
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
    let (code, out) = verify_after(
        &app,
        "UPDATE processing_log SET detail = 'niets aan de hand' WHERE seq = 2",
    )
    .await;
    assert_eq!(code, Some(1));
    assert!(out.contains("NIET INTACT: regel 2 is gewijzigd"), "{out}");
}

async fn audit_verify_finds_an_entry_removed_from_the_database(db: TestDb) {
    let app = App::spawn(db).await;
    some_processings(&app).await;
    let (code, out) = verify_after(&app, "DELETE FROM processing_log WHERE seq = 3").await;
    assert_eq!(code, Some(1));
    assert!(out.contains("regel 3 is verwijderd"), "{out}");
}

async fn audit_verify_finds_the_last_entry_removed_and_a_rehashed_entry(db: TestDb) {
    let backend = if db.url.starts_with("sqlite") {
        crate::common::Backend::Sqlite
    } else {
        crate::common::Backend::Postgres
    };
    let app = App::spawn(db).await;
    some_processings(&app).await;
    let (_, out) = verify_after(
        &app,
        "DELETE FROM processing_log WHERE seq = (SELECT MAX(seq) FROM processing_log)",
    )
    .await;
    assert!(
        out.contains("regel 6 is verwijderd"),
        "the head remembers the tail: {out}"
    );
    let app2 = App::spawn(TestDb::new(backend).await.unwrap()).await;
    some_processings(&app2).await;
    // An intruder who changes an entry and recomputes its own hash still breaks the link
    // to the next entry.
    let (_, out) = verify_after(
        &app2,
        "UPDATE processing_log SET actor_name = 'iemand anders', hash = 'ff' WHERE seq = 4",
    )
    .await;
    assert!(out.contains("regel 4 is gewijzigd"), "{out}");
}

async fn a_coordinator_lists_the_processings_of_a_residents_data(db: TestDb) {
    let app = App::spawn(db).await;
    let case = some_processings(&app).await;
    let client = logged_in(&app, "coordinator").await;
    let (status, html) = processings_page(&app, &client, case).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Casus inzien")
            && html.contains("Casus wijzigen")
            && html.contains("Melding registreren"),
        "{html}"
    );
    assert!(
        html.contains("Nazorg ex-gedetineerden: casusregie: ")
            && html.contains("(grondslag: Wet straffen en beschermen"),
        "the purpose and legal ground"
    );
    assert_eq!(
        html.matches("<td>Casus inzien</td>").count(),
        5,
        "three reads, the case returned after the contact, and the lookup above"
    );
    // A role that may read no case data is refused before the resident is looked up: the
    // same answer for a resident who exists and an id not in use.
    let admin = signed_in(&app, "beheer", Role::Administrator).await;
    let resident = app.resident_of(case).await;
    let existing = page(
        &admin,
        app.url(&format!("/inwoners/{resident}/verwerkingen")),
    )
    .await;
    let unused = page(&admin, app.url("/inwoners/999999/verwerkingen")).await;
    assert_eq!((existing.0, unused.0), (403, 403));
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
    // The status of a notification delivered, and of the case list read, with a token.
    let deliver = |token: &str| {
        let request = app.client.post(app.url("/api/v1/notifications"));
        let request = request.bearer_auth(token).json(&notification(json!({})));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let read = |token: &str| {
        let request = app.client.get(app.url("/api/v1/cases")).bearer_auth(token);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(
        deliver(&feed).await,
        202,
        "the feed delivers, and hears only that it arrived"
    );
    // …the same for a detention that is known, and without the case id.
    let again = app
        .client
        .post(app.url("/api/v1/notifications"))
        .bearer_auth(&feed)
        .json(&notification(json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 202);
    let receipt: serde_json::Value = again.json().await.unwrap();
    assert_eq!(receipt, json!({"status": "received"}));
    assert_eq!(
        app.get("/api/v1/cases").await.json["items"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "the notification was registered once"
    );
    assert_eq!(read(&feed).await, 403, "…but reads nothing");
    assert_eq!(read(&reader).await, 200);
    assert_eq!(
        deliver(&reader).await,
        403,
        "a read-only token changes nothing"
    );
    let listed = app.cli(&["token", "list", "coordinator"]);
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(
        listed.contains("PI-koppeling\tnotifications") && !listed.contains(&feed),
        "{listed}"
    );
    let revoked = app.cli(&["token", "revoke", &feed_id.to_string()]);
    assert!(revoked.status.success());
    assert_eq!(deliver(&feed).await, 401, "revoked");
    let made = app.cli(&["token", "create", "coordinator", "--scope", "read,admin"]);
    assert!(
        !made.status.success()
            && String::from_utf8_lossy(&made.stderr).contains("onbekend bereik 'admin'")
    );
}

fn retention(app: &App, args: &[&str]) -> serde_json::Value {
    app.cli_json(&[&["retention", "--format", "json"], args].concat())
}

/// A case whose resident declined, closed on `closed`, with a contact note.
async fn closed_case(app: &App, bsn: &str, name: &str, closed: &str) -> i64 {
    let id = app.notify_resident(bsn, name).await;
    app.post_case(
        id,
        "contacts",
        json!({"date": "2026-02-11", "kind": "phone", "note": "Gebeld over de woning"}),
    )
    .await;
    let offer =
        json!({"outcome": "declined", "date": "2026-02-12", "kind": "visit_in_prison", "note": ""});
    let r = app.put_case(id, "offer", offer).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let closure = json!({"reason": "declined", "date": closed, "note": "Wil geen nazorg"});
    let r = app.post_case(id, "closure", closure).await;
    assert_eq!(r.status, 200, "{}", r.json);
    id
}

async fn the_retention_job_anonymises_exactly_what_its_dry_run_announced(db: TestDb) {
    let app = App::spawn(db).await;
    let old = closed_case(&app, "691967301", "Oudgesloten", "2026-03-01").await;
    let recent = closed_case(&app, "481656686", "Recentgesloten", "2026-11-20").await;
    let open = app.notify_resident("123456782", "Nogopen").await;
    // Judged on 1 June 2031, five years after 1 June 2026, the case closed in March has
    // passed its period; a preview may look ahead, a real run may not.
    let day = ["--today", "2031-06-01"];
    let dry = retention(&app, &["--dry-run", day[0], day[1]]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["cutoff"], "2026-06-01");
    let refused = app.cli(&["retention", day[0], day[1]]);
    assert!(
        !refused.status.success(),
        "a real run cannot judge by a future day"
    );
    // So the test moves the case's closure back instead, by five years and three months.
    app.execute_sql(&format!(
        "UPDATE cases SET closed_on = '2021-03-01' WHERE id = {old}"
    ))
    .await;
    let dry = retention(&app, &["--dry-run"]);
    assert_eq!(ids(&dry["items"], "case_id"), vec![old], "{dry}");
    // The dry run changed nothing.
    let before = app.case(old).await;
    assert_eq!(before["family_name"], "Oudgesloten", "{before}");

    let done = retention(&app, &[]);
    assert_eq!(done["dry_run"], false);
    assert_eq!(
        done["items"], dry["items"],
        "the run did what the dry run said"
    );
    let after = app.case(old).await;
    assert_eq!(after["family_name"], "(geanonimiseerd)", "{after}");
    assert_ne!(after["bsn"], "691967301");
    assert_eq!(after["contacts"].as_array().unwrap().len(), 0, "{after}");
    assert_eq!(after["status"], "closed", "the figures stay");
    let r = rename(&app, old, "Oudgesloten").await;
    assert_eq!(
        r.status, 422,
        "an anonymised case cannot be filled in again: {}",
        r.json
    );
    let text = after.to_string();
    assert!(!text.contains("Wil geen nazorg") && !text.contains("Gebeld over de woning"));
    for kept in [recent, open] {
        let c = app.case(kept).await;
        assert_ne!(c["family_name"], "(geanonimiseerd)", "{c}");
    }
    let c = app.case(recent).await;
    assert!(c.to_string().contains("Gebeld over de woning"), "{c}");
    // The job is logged, the chain is intact, and a second run finds nothing.
    assert_eq!(app.processing_log_count("apply_retention", old).await, 1);
    let (code, out) = verify(&app);
    assert_eq!(code, Some(0), "{out}");
    let again = retention(&app, &[]);
    assert_eq!(again["items"].as_array().unwrap().len(), 0);
    // The monitor still counts the anonymised case.
    let m = app
        .get("/api/v1/monitor?from=2026-01-01&to=2026-12-31")
        .await
        .json;
    assert_eq!(m["notifications"], 3, "{m}");
}

async fn a_correction_keeps_the_old_value_in_the_history(db: TestDb) {
    let app = App::spawn(db).await;
    let id = app.notify(notification(json!({}))).await;
    let facts = json!({"institution": "PI Haaglanden", "expected_release": "2026-07-01", "sentence": "prison_sentence",
                       "brp_status": "registered", "last_residence_code": "1783", "birth_date": "1992-02-14",
                       "family_name": "Berg-Jansen", "given_names": "Anna Maria"});
    let r = app.put_case(id, "facts", facts.clone()).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["family_name"], "Berg-Jansen");
    let history = r.json["history"].to_string();
    assert!(
        history.contains("Verwachte vrijlating: ‘10-06-2026’ → ‘01-07-2026’"),
        "{history}"
    );
    assert!(
        history.contains("Achternaam: ‘van den Berg’ → ‘Berg-Jansen’")
            && history.contains("Voornamen: ‘Anna’ → ‘Anna Maria’"),
        "{history}"
    );
    assert!(
        !history.contains("Inrichting"),
        "unchanged fields are not listed"
    );
    // The new name is found, the old one no more.
    let found = app.get("/api/v1/cases?search=berg-j").await.json;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
    // Saving the same again records that nothing changed.
    let r = app.put_case(id, "facts", facts).await;
    assert!(
        r.json["history"]
            .to_string()
            .contains("er is niets gewijzigd")
    );
    // An empty family name is refused.
    let r = rename(&app, id, " ").await;
    assert_eq!(r.status, 422, "{}", r.json);
}

async fn a_safety_chamber_member_sees_only_the_cases_on_its_agenda(db: TestDb) {
    let app = App::spawn(db).await;
    let on = app.notify_resident("691967301", "Opdeagenda").await;
    let off = app.notify_resident("481656686", "Nietopdeagenda").await;
    let r = app
        .put_on_safety_agenda(on, "2026-03-02", "Zorgen om de veiligheid van de partner")
        .await;
    assert!(r.status == 201 || r.status == 200, "{}", r.json);
    app.add_user("vera", "Vera Veilig", Role::SafetyChamber)
        .await;
    let client = browser();
    let r = post_form(
        &app,
        &client,
        "/inloggen",
        &[("username", "vera"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(r.headers()["location"], "/veiligheidskamer");
    let get = |path: &str| page(&client, app.url(path));
    let (status, html) = get("/veiligheidskamer").await;
    assert_eq!(status, 200);
    assert!(html.contains("Opdeagenda") && html.contains("Zorgen om de veiligheid"));
    assert!(!html.contains("Nietopdeagenda"));
    let (status, html) = get(&format!("/casussen/{on}")).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Opdeagenda"));
    assert!(
        !html.contains("Contact vastleggen"),
        "read only: no forms to change it"
    );
    // A case not on the agenda is, to a member, as a case that does not exist.
    let (status, html) = get(&format!("/casussen/{off}")).await;
    assert_eq!(status, 404);
    assert!(!html.contains("agenda van de Veiligheidskamer"), "{html}");
    assert_eq!(get("/casussen/999999").await.0, 404);
    let (status, _) = get("/casussen").await;
    assert_eq!(status, 303, "no case list");
    // Reading is logged; a change is refused.
    assert!(app.processing_log_count("read_case", on).await >= 1);
    let csrf = csrf_of(&get(&format!("/casussen/{on}")).await.1);
    let item = app.case(on).await["safety_agenda"][0]["id"]
        .as_i64()
        .unwrap();
    let contact = [
        ("csrf", csrf.as_str()),
        ("date", "2026-03-03"),
        ("kind", "phone"),
        ("note", "x"),
    ];
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{on}/contacten"),
        &contact,
    )
    .await;
    assert_eq!(r.status(), 403);
    // Discussed more than three months ago: the chamber is done with it, access ends.
    let r = app
        .put_case(
            on,
            &format!("safety-agenda-items/{item}"),
            json!({"discussed_on": "2026-03-05", "outcome": "Afspraken gemaakt", "follow_up": "Geen"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    let (status, _) = get(&format!("/casussen/{on}")).await;
    assert_eq!(status, 404, "as if it did not exist");
    let (_, html) = get("/veiligheidskamer").await;
    assert!(!html.contains("Opdeagenda"));
}

async fn the_register_of_processing_activities_decides_what_the_log_states(db: TestDb) {
    let app = App::spawn(db).await;
    let id = app.notify(notification(json!({}))).await;
    let client = signed_in(&app, "beheer", Role::Administrator).await;
    let (_, register) = page(&client, app.url("/verwerkingsregister")).await;
    assert!(
        register.contains("Nazorg ex-gedetineerden: casusregie")
            && register.contains("standaardtekst")
    );
    let csrf = csrf_of(&register);
    let save = |name: &'static str, purpose: &'static str, legal_ground: &'static str| {
        let form = [
            ("csrf", csrf.as_str()),
            ("versie", "0"),
            ("name", name),
            ("purpose", purpose),
            ("legal_ground", legal_ground),
        ];
        post_form(&app, &client, "/verwerkingsregister/nazorg_casus", form)
    };
    let r = save("Nazorg", " ", "x").await;
    assert_eq!(r.status(), 422, "a purpose is required");
    let r = save(
        "Nazorg na detentie",
        "Terugkeer na detentie begeleiden",
        "Wet straffen en beschermen, art. 10 AVG",
    )
    .await;
    assert_eq!(r.status(), 303);
    // A second tab, still showing the default texts, does not save over that change.
    let (status, stale) = read(save("Nazorg oud", "Oud doel", "Oude grondslag").await).await;
    assert_eq!(status, 412);
    assert!(
        stale.contains("is intussen gewijzigd door een ander (door beheer,")
            && stale.contains("Oud doel"),
        "the change is named and what was typed kept"
    );
    // A read now states the new purpose; the earlier entry keeps its own.
    app.get(&format!("/api/v1/cases/{id}")).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let (_, html) = processings_page(&app, &coordinator, id).await;
    assert!(
        html.contains("Nazorg na detentie: Terugkeer na detentie begeleiden (grondslag: Wet straffen en beschermen, art. 10 AVG)"),
        "{html}"
    );
    assert!(
        html.contains("Nazorg ex-gedetineerden: casusregie: "),
        "the notification keeps its purpose: {html}"
    );
    let (code, out) = verify(&app);
    assert_eq!(code, Some(0), "{out}");
    // Coordinators do not edit the register.
    let (status, _) = page(&coordinator, app.url("/verwerkingsregister")).await;
    assert_eq!(status, 403);
}

async fn the_right_of_access_comes_as_a_readable_document_and_as_json(db: TestDb) {
    let app = App::spawn(db).await;
    let case = some_processings(&app).await;
    // A list that showed the resident counts as a processing of their data too.
    let other = app.notify_resident("481656686", "Anders").await;
    assert_eq!(app.get("/api/v1/cases").await.status, 200);
    let resident = app.resident_of(case).await;
    let client = logged_in(&app, "coordinator").await;
    let (status, html) = page(&client, app.url(&format!("/inwoners/{resident}/inzage"))).await;
    assert_eq!(status, 200);
    for expected in [
        "<dt>Achternaam</dt><dd>van den Berg</dd>",
        "<dt>BSN</dt><dd>691967301</dd>",
        "<dt>Contacten</dt>",
        "Gebeld",
        "<dt>Verwerkingen</dt>",
        "Melding registreren",
        "Casussen opvragen",
    ] {
        assert!(html.contains(expected), "{expected} in {html}");
    }
    let (_, json) = page(
        &client,
        app.url(&format!("/inwoners/{resident}/inzage.json")),
    )
    .await;
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["cases"][0]["family_name"], "van den Berg");
    let lists: Vec<&serde_json::Value> = json["processings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["action"] == "list_cases")
        .collect();
    assert!(!lists.is_empty(), "{json}");
    for list in lists {
        assert_eq!(list["case_id"], case, "the list names this resident's case");
        assert_ne!(list["case_id"], other);
    }
    // A client gets the same over the API.
    let api = app
        .get(&format!("/api/v1/residents/{resident}/subject-access"))
        .await;
    assert_eq!(api.status, 200, "{}", api.json);
    assert_eq!(api.json["cases"][0]["family_name"], "van den Berg");
    assert!(
        api.json["processings"].as_array().unwrap().len()
            >= json["processings"].as_array().unwrap().len()
    );
}

async fn the_organisation_that_directs_a_case_sees_what_it_needs_and_no_more(db: TestDb) {
    let app = App::spawn(db).await;
    let directed = app.notify_resident("691967301", "Metregie").await;
    let other = app.notify_resident("481656686", "Zonderregie").await;
    for id in [directed, other] {
        app.accept_offer(id).await;
        let domains = triage_domains("complex", "low");
        app.put_case(
            id,
            "triage",
            json!({"domains": domains, "note": "Schulden en geen woning", "known_to_skt": null, "known_to_safety_chamber": null}),
        )
        .await;
    }
    let r = app.direct(directed, "skt", "Complexe problemen").await;
    assert_eq!(r.status, 200, "{}", r.json);
    app.direct(other, "exodus", "Specialistisch").await;
    let skt = app.partner_id(PartnerKind::Skt).await;
    app.store
        .add_user(
            "zora",
            "Zora Zorgregisseur",
            PASSWORD,
            Role::SktCareDirector,
            "1783",
            Some(skt),
        )
        .await
        .unwrap();
    let client = logged_in(&app, "zora").await;
    let get = |path: &str| page(&client, app.url(path));
    let (status, html) = get("/verwijzingen").await;
    assert_eq!(status, 200);
    assert!(html.contains("Casussen met regie bij uw organisatie") && html.contains("Metregie"));
    assert!(
        !html.contains("Zonderregie"),
        "a case Exodus directs is not listed"
    );
    let (status, html) = get(&format!("/regie/{directed}")).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Metregie") && html.contains("Schulden en geen woning"));
    for hidden in [
        "691967301",
        "PI Haaglanden",
        "Gevangenisstraf",
        "10-02-2026",
    ] {
        assert!(!html.contains(hidden), "{hidden} is shown to the SKT");
    }
    let (status, html) = get(&format!("/regie/{other}")).await;
    assert_eq!(status, 403);
    assert!(html.contains("niet de casusregie"));
    let (status, _) = get(&format!("/casussen/{directed}")).await;
    assert_eq!(status, 403, "never the full case");
    let (status, _) = get("/regie/987654").await;
    assert_eq!(status, 403, "whether a case exists is not revealed");
    assert!(
        app.processing_log_count("read_directed_case", directed)
            .await
            >= 1
    );
}

async fn second_factor_secrets_are_sealed_with_the_application_key(db: TestDb) {
    let app = App::spawn(db).await;
    // A secret stored before the key was configured.
    let old = app.add_user("oud", "", Role::Coordinator).await;
    app.execute_sql(&format!(
        "UPDATE users SET totp_secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' WHERE id = {old}"
    ))
    .await;
    let key = [42u8; 32];
    let store = nazorg_app::App::connect(&app.db_url())
        .await
        .unwrap()
        .with_secret_key(key)
        .await
        .unwrap();
    let stored = app
        .query_texts(&format!("SELECT totp_secret FROM users WHERE id = {old}"))
        .await;
    assert!(
        stored[0].starts_with(nazorg_app::SEALED),
        "sealed at start: {stored:?}"
    );

    let user = app.user_id("coordinator").await;
    store.set_totp_required(user, true).await.unwrap();
    let token = store.second_factor_challenge(user).await.unwrap().unwrap();
    let (_, pending) = store.challenge(&token).await.unwrap().unwrap();
    let secret = pending.expect("a secret to set up");
    let in_db = app
        .query_texts("SELECT pending_secret FROM login_challenges")
        .await;
    assert!(
        in_db
            .iter()
            .all(|s| s.starts_with(nazorg_app::SEALED) && !s.contains(&secret))
    );
    let code = crate::ui::totp_code(&secret);
    assert_eq!(
        store.answer_challenge(&token, &code).await.unwrap(),
        Some(user)
    );
    let kept = app
        .query_texts(&format!("SELECT totp_secret FROM users WHERE id = {user}"))
        .await;
    assert!(kept[0].starts_with(nazorg_app::SEALED) && !kept[0].contains(&secret));

    // The next login opens it with the key; without the key it cannot be used.
    let token = store.second_factor_challenge(user).await.unwrap().unwrap();
    let code = crate::ui::totp_code(&secret);
    assert_eq!(
        store.answer_challenge(&token, &code).await.unwrap(),
        Some(user)
    );
    let without = nazorg_app::App::connect(&app.db_url()).await.unwrap();
    let token = without
        .second_factor_challenge(user)
        .await
        .unwrap()
        .unwrap();
    assert!(without.answer_challenge(&token, &code).await.is_err());
}

async fn refused_requests_are_written_to_the_security_log(db: TestDb) {
    let app = App::spawn(db).await;
    let case = app.notify(notification(json!({}))).await;
    let advisor = signed_in(&app, "beleid", Role::PolicyAdvisor).await;
    let (status, _) = page(&advisor, app.url(&format!("/casussen/{case}"))).await;
    assert_eq!(status, 403);
    // Pages the policy advisor may use leave nothing there.
    let (status, _) = page(&advisor, app.url("/monitor")).await;
    assert_eq!(status, 200);
    let refusals = app.cli_json(&["audit", "refusals", "--format", "json"]);
    let list = refusals.as_array().unwrap();
    assert_eq!(list.len(), 1, "{refusals}");
    assert_eq!(list[0]["actor"], "beleid");
    assert_eq!(list[0]["role"], "policy_advisor");
    assert_eq!(list[0]["operation"], "get_case");
    assert!(
        list[0]["reason"]
            .as_str()
            .unwrap()
            .contains("geeft geen toegang")
    );
    // A refusal processed nothing: the processing log has no entry of it.
    assert_eq!(app.processing_log_count("read_case", case).await, 0);
}

/// Concurrent reads share the processing log's commits (group commit), and still each
/// read is in the log by the time its answer arrives, in one unbroken chain.
async fn concurrent_reads_are_each_logged_before_they_answer(db: TestDb) {
    let app = std::sync::Arc::new(App::spawn(db).await);
    let case = app.notify(notification(json!({}))).await;
    let client = logged_in(&app, "coordinator").await;
    let before = app.processing_log_count("read_case", case).await;
    let answered = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
    let mut reads = Vec::new();
    for i in 0..24 {
        let (app, client, answered) = (app.clone(), client.clone(), answered.clone());
        reads.push(tokio::spawn(async move {
            let path = if i % 2 == 0 {
                format!("/casussen/{case}")
            } else {
                "/casussen".into()
            };
            let (status, _) = page(&client, app.url(&path)).await;
            assert_eq!(status, 200, "{path}");
            if i % 2 == 0 {
                let done = answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                let logged = app.processing_log_count("read_case", case).await - before;
                assert!(logged >= done, "{done} answered, {logged} logged");
            }
        }));
    }
    for read in reads {
        read.await.unwrap();
    }
    assert_eq!(
        app.processing_log_count("read_case", case).await - before,
        12
    );
    let resident = app.resident_of(case).await;
    let (_, html) = page(
        &client,
        app.url(&format!("/inwoners/{resident}/verwerkingen")),
    )
    .await;
    assert!(
        html.matches("in een lijst getoond").count() >= 12,
        "each list that showed the case names it"
    );
    let (code, out) = verify(&app);
    assert_eq!(code, Some(0), "{out}");
}

crate::on_both_databases!(
    concurrent_reads_are_each_logged_before_they_answer,
    api_tokens_are_scoped_expiring_and_revocable,
    audit_verify_finds_an_entry_changed_in_the_database,
    audit_verify_finds_an_entry_removed_from_the_database,
    audit_verify_finds_the_last_entry_removed_and_a_rehashed_entry,
    a_coordinator_lists_the_processings_of_a_residents_data,
    the_retention_job_anonymises_exactly_what_its_dry_run_announced,
    a_correction_keeps_the_old_value_in_the_history,
    a_safety_chamber_member_sees_only_the_cases_on_its_agenda,
    the_register_of_processing_activities_decides_what_the_log_states,
    the_right_of_access_comes_as_a_readable_document_and_as_json,
    the_organisation_that_directs_a_case_sees_what_it_needs_and_no_more,
    second_factor_secrets_are_sealed_with_the_application_key,
    refused_requests_are_written_to_the_security_log,
);
