//! The JSON API: the whole lifecycle, refusals, filters, paging and the API rules.

use crate::common::{App, TestDb, notification, triage_domains};
use nazorg_domain::access::Role;
use serde_json::json;

async fn the_api_is_closed_without_a_login_but_health_and_openapi_are_public(db: TestDb) {
    let app = App::spawn(db).await;
    let health = app.get_anonymous("/healthz").await;
    assert_eq!(health.status, 200);
    assert_eq!(health.api_version.as_deref(), Some("1.0.0"));
    let cases = app.get_anonymous("/api/v1/cases").await;
    assert_eq!(cases.status, 401);
    assert_eq!(cases.content_type, "application/problem+json");
    assert_eq!(cases.json["status"], 401);
    assert_eq!(cases.api_version.as_deref(), Some("1.0.0"));
    let doc = app.get_anonymous("/api/v1/openapi.json").await;
    assert_eq!(doc.status, 200);
    assert!(doc.json["openapi"].as_str().unwrap().starts_with("3."));
    // Codes are enumerations, as the domain has them.
    let schemas = &doc.json["components"]["schemas"];
    let codes = |schema: &str, field: &str| -> Vec<String> {
        serde_json::from_value(schemas[schema]["properties"][field]["oneOf"][0]["enum"].clone())
            .unwrap_or_default()
    };
    assert_eq!(
        codes("OfferIn", "outcome"),
        ["accepted", "declined", "not_reached"]
    );
    assert!(codes("CaseSummaryDto", "status").contains(&"aftercare".to_string()));
    assert_eq!(
        codes("TriageDomainIn", "need"),
        ["none", "practical", "complex"]
    );
    // Every field or parameter whose description lists codes ("a | b") is an enumeration
    // (or a pattern): a client can validate what it sends.
    let mut loose = Vec::new();
    unenumerated(&doc.json, "", &mut loose);
    assert!(loose.is_empty(), "codes without an enum: {loose:?}");
    // A default or example of a code is one of its codes.
    let mut invalid = Vec::new();
    default_outside_enum(&doc.json, "", &mut invalid);
    assert!(
        invalid.is_empty(),
        "defaults and examples outside their enum: {invalid:?}"
    );
    // An optional code of a notification is one of the codes, or "" for unknown.
    assert_eq!(
        schemas["NotificationIn"]["properties"]["sentence"]["enum"],
        serde_json::json!(["prison_sentence", "pretrial", "other", ""])
    );
    // Paths are under the server `/api/v1`: the major version is in the address.
    assert_eq!(doc.json["servers"][0]["url"], "/api/v1");
    assert!(
        doc.json["info"]["contact"]["email"]
            .as_str()
            .is_some_and(|e| e.contains('@'))
    );
    for path in [
        "/cases",
        "/notifications",
        "/cases/{id}/closure",
        "/cases/{id}/triage",
    ] {
        assert!(
            doc.json["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
    let wrong_token = app
        .client
        .get(format!("{}/api/v1/cases", app.base))
        .bearer_auth("nzg_not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_token.status(), 401);
}

/// The places in an OpenAPI document where a string's description lists codes
/// ("a | b") but its schema has no `enum` (itself or in a `oneOf`) and no `pattern`.
fn unenumerated(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    use serde_json::Value;
    let lists_codes = |d: &str| {
        d.split(" | ").count() > 1
            && d.split(" | ").take(2).all(|w| {
                let w = w.rsplit(' ').next().unwrap_or_default();
                !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            })
    };
    let enumerated = |s: &Value| {
        s.get("enum").is_some()
            || s.get("pattern").is_some()
            || s["oneOf"]
                .as_array()
                .is_some_and(|o| o.iter().any(|x| x.get("enum").is_some()))
    };
    match v {
        Value::Object(map) => {
            let description = map.get("description").and_then(Value::as_str).unwrap_or("");
            // A parameter carries its description beside its schema.
            let schema = map
                .get("schema")
                .filter(|_| map.contains_key("in"))
                .unwrap_or(v);
            let is_schema =
                map.contains_key("type") || map.contains_key("oneOf") || map.contains_key("in");
            if is_schema && lists_codes(description) && !enumerated(schema) {
                out.push(path.to_string());
            }
            for (k, x) in map {
                unenumerated(x, &format!("{path}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                unenumerated(x, &format!("{path}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The places where a default or example is not one of the codes its schema enumerates.
fn default_outside_enum(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            let mut codes: Vec<&Value> = Vec::new();
            if let Some(e) = map.get("enum").and_then(Value::as_array) {
                codes.extend(e);
            }
            for o in map
                .get("oneOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                codes.extend(
                    o.get("enum")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten(),
                );
                if o["type"] == "null" {
                    codes.push(&Value::Null);
                }
            }
            for key in ["default", "example"] {
                if let Some(value) = map.get(key)
                    && !codes.is_empty()
                    && !codes.contains(&value)
                {
                    out.push(format!("{path}/{key}"));
                }
            }
            for (k, x) in map {
                default_outside_enum(x, &format!("{path}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                default_outside_enum(x, &format!("{path}/{i}"), out);
            }
        }
        _ => {}
    }
}

async fn trailing_slashes_and_unknown_resources_are_404_problems(db: TestDb) {
    let app = App::spawn(db).await;
    let slash = app.get("/api/v1/cases/").await;
    assert_eq!(slash.status, 404);
    assert_eq!(slash.content_type, "application/problem+json");
    assert_eq!(app.get("/api/v1/nothing").await.status, 404);
    assert_eq!(app.get("/api/v1/cases/999999").await.status, 404);
}

async fn a_notification_goes_all_the_way_to_a_closed_case(db: TestDb) {
    let app = App::spawn(db).await;
    let first = app.post_notification(json!({})).await;
    assert_eq!(first.status, 201, "{}", first.json);
    assert_eq!(first.json["created"], true);
    let id = first.json["case_id"].as_i64().unwrap();
    let again = app
        .post_notification(json!({"source": "casemanager"}))
        .await;
    assert_eq!(
        (
            again.status,
            again.json["created"].clone(),
            again.json["case_id"].as_i64()
        ),
        (200, json!(false), Some(id))
    );

    let case = app.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(case.json["status"], "notified");
    assert_eq!(case.json["eligibility"], "eligible");
    assert_eq!(case.json["eligibility_rules"].as_array().unwrap().len(), 5);
    assert_eq!(
        case.json["notification_sources"],
        json!(["automatic", "casemanager"])
    );

    let path = |step: &str| format!("/api/v1/cases/{id}/{step}");
    let r = app.put(&path("offer"), json!({"outcome": "accepted", "date": "2026-02-12", "kind": "visit_in_prison", "note": "Wil graag hulp."})).await;
    assert_eq!(
        (r.status, r.json["status"].as_str()),
        (200, Some("accepted")),
        "{}",
        r.json
    );

    let domains = ["id_document", "housing", "income", "care", "social_network"];
    let triage: Vec<_> = domains
        .iter()
        .map(|d| json!({"domain": d, "need": if *d == "housing" || *d == "income" { "complex" } else { "practical" }, "self_reliance": "low"}))
        .collect();
    let r = app
        .put(
            &path("triage"),
            json!({"domains": triage, "note": "Geen woning, schulden.", "known_to_skt": null, "known_to_safety_chamber": null}),
        )
        .await;
    assert_eq!(r.json["status"], "triaged", "{}", r.json);
    assert_eq!(r.json["suggested_direction"]["direction"], "skt");

    let r = app.put(&path("direction"), json!({"direction": "skt", "reason": "Complexe problemen, afgestemd met de zorgregisseur."})).await;
    assert_eq!(r.json["status"], "planning", "{}", r.json);
    assert_eq!(r.json["direction"], "skt");

    let r = app.post(&path("agreements"), json!({"domain": "housing", "description": "Urgentie aanvragen", "owner": "Zorgregisseur", "due_date": "2026-05-01"})).await;
    let agreement = r.json["agreements"][0]["id"].as_i64().unwrap();
    let r = app
        .patch(
            &format!("/api/v1/cases/{id}/agreements/{agreement}"),
            json!({"done": true}),
        )
        .await;
    assert_eq!(r.json["agreements"][0]["done"], true, "{}", r.json);

    let r = app.put(&path("readiness"), json!({"housing": true, "brp_registration": true, "id_document": false, "income": true})).await;
    assert_eq!(
        r.json["readiness"],
        json!({"housing": true, "brp_registration": true, "id_document": false, "income": true})
    );
    // "yes" is not a no: refused, and what was recorded stays.
    let r = app
        .put(&path("readiness"), json!({"housing": true, "brp_registration": true, "id_document": "yes", "income": true}))
        .await;
    assert_eq!(r.status, 422, "{}", r.json);
    assert!(r.detail().contains("'yes' is geen ja of nee"), "{}", r.json);
    assert_eq!(app.case(id).await["readiness"]["housing"], true);

    let r = app.post(&path("household-members"), json!({"relation": "child", "is_minor": true, "support_need": "practical", "note": "Via jeugdhulp"})).await;
    assert_eq!(
        r.json["household_members"][0]["is_minor"], true,
        "{}",
        r.json
    );

    let r = app
        .put(&path("release"), json!({"date": "2026-06-10"}))
        .await;
    assert_eq!(
        (r.json["status"].as_str(), r.json["aftercare_end"].as_str()),
        (Some("aftercare"), Some("2026-09-10")),
        "{}",
        r.json
    );

    let r = app.post(&path("contacts"), json!({"date": "2026-06-12", "kind": "home_visit", "note": "Huisbezoek: woning in orde."})).await;
    assert_eq!(
        r.json["contacts"].as_array().unwrap().len(),
        2,
        "the offer and the visit are both in the log"
    );

    let results: Vec<_> = domains
        .iter()
        .map(|d| json!({"domain": d, "result": "arranged"}))
        .collect();
    let r = app.post(&path("closure"), json!({"reason": "completed", "date": "2026-09-10", "overall_result": "successful", "results": results})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["status"], "closed");
    assert_eq!(r.json["closing_reason"], "completed");
    assert_eq!(r.json["closure_results"].as_array().unwrap().len(), 5);
    assert_eq!(r.json["next_action"], serde_json::Value::Null);
    let history = r.json["history"].as_array().unwrap();
    assert!(
        history.len() >= 10,
        "every step is in the history: {history:?}"
    );
    assert!(
        history.iter().all(|e| e["actor"] == "coordinator"),
        "who did it is recorded"
    );
    assert!(
        history[0]["summary"]
            .as_str()
            .unwrap()
            .contains("Afgesloten")
    );

    let after = app
        .post(
            &path("contacts"),
            json!({"date": "2026-09-11", "kind": "phone", "note": "Nog een belletje"}),
        )
        .await;
    assert_eq!(after.status, 409);
    assert!(after.detail().contains("De casus is afgesloten"));
}

async fn illegal_steps_are_refused_with_a_dutch_explanation(db: TestDb) {
    let app = App::spawn(db).await;
    let id = app.notify(notification(json!({}))).await;
    let domains = triage_domains("none", "high");
    let r = app
        .put_case(id, "triage", json!({"domains": domains, "note": "", "known_to_skt": null, "known_to_safety_chamber": null}))
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.json["code"], "conflict");
    assert_eq!(
        r.json["detail"],
        "‘Triage vastleggen’ kan niet in de fase ‘Gemeld’. Triage volgt nadat de inwoner het aanbod heeft aanvaard."
    );
    let r = app
        .post_case(
            id,
            "closure",
            json!({"reason": "completed", "date": "2026-03-01"}),
        )
        .await;
    assert_eq!(r.status, 409);
    let r = app
        .put_case(id, "release", json!({"date": "2026-01-01"}))
        .await;
    assert_eq!(
        r.status, 422,
        "release before the detention started: {}",
        r.json
    );
    let case = app.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(case.json["status"], "notified", "nothing changed");
    assert_eq!(case.json["history"].as_array().unwrap().len(), 1);
}

async fn invalid_input_is_a_422_problem_that_names_the_field(db: TestDb) {
    let app = App::spawn(db).await;
    let r = app.post_notification(json!({"bsn": "443613889"})).await;
    assert_eq!(
        (r.status, r.json["detail"].as_str()),
        (422, Some("BSN 443613889 voldoet niet aan de elfproef"))
    );
    let r = app
        .post_notification(json!({"detention_start": "2026-02-30"}))
        .await;
    assert_eq!(r.status, 422);
    assert!(r.detail().contains("begindatum detentie"), "{}", r.json);
    let id = app.notify(notification(json!({}))).await;
    let offer = |outcome: &str, date: &str| {
        let body = json!({"outcome": outcome, "date": date, "kind": "phone", "note": ""});
        app.put_case(id, "offer", body)
    };
    let r = offer("maybe", "2026-02-12").await;
    assert_eq!(r.status, 422);
    assert!(
        r.detail().contains("accepted, declined, not_reached"),
        "{}",
        r.json
    );
    let r = offer("accepted", "2099-01-01").await;
    assert_eq!(r.status, 422, "a contact in the future: {}", r.json);
    // Text that cannot be seen or is not text is refused the same on both databases
    // (PostgreSQL cannot store a NUL; a bidi override would show a name reversed).
    let r = app.post_notification(json!({"family_name": "\u{0}"})).await;
    assert_eq!(
        (r.status, r.detail()),
        (
            422,
            "achternaam bevat een onzichtbaar teken of stuurteken (U+0000)"
        )
    );
    let r = app
        .post_notification(json!({"given_names": "Jan\u{202E}"}))
        .await;
    assert_eq!(r.status, 422);
    assert!(r.detail().contains("(U+202E)"), "{}", r.json);
    let note = json!({"outcome": "accepted", "date": "2026-02-12", "kind": "phone", "note": "bel\u{0}terug"});
    let r = app.put_case(id, "offer", note).await;
    assert_eq!(
        (r.status, r.detail()),
        (
            422,
            "De notitie bevat een onzichtbaar teken of stuurteken (U+0000); haal het weg."
        )
    );
    assert_eq!(
        app.case(id).await["status"],
        "notified",
        "nothing was saved"
    );
    let r = app
        .get_with_query("/api/v1/cases", &[("search", "\u{0}")])
        .await;
    assert_eq!(
        r.status, 200,
        "a search for a NUL finds, not fails: {}",
        r.json
    );
    let raw = app
        .client
        .put(format!("{}/api/v1/cases/{id}/offer", app.base))
        .bearer_auth(&app.token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 422);
    assert_eq!(raw.headers()["content-type"], "application/problem+json");
}

async fn eligibility_is_re_evaluated_and_can_be_overridden_with_a_reason(db: TestDb) {
    let app = App::spawn(db).await;
    let id = app
        .notify(notification(
            json!({"expected_release": "", "sentence": "pretrial"}),
        ))
        .await;
    let case = app.case(id).await;
    assert_eq!(case["eligibility"], "undetermined");
    assert_eq!(
        case["eligibility_reasons"],
        json!(["sentence_unknown", "release_unknown"])
    );

    let facts = json!({"institution": "PI Haaglanden", "expected_release": "2026-02-15", "sentence": "prison_sentence",
                       "brp_status": "registered", "last_residence_code": "GM1783", "birth_date": "1992-02-14"});
    let r = app.patch(&format!("/api/v1/cases/{id}/facts"), facts).await;
    assert_eq!(r.json["eligibility"], "not_eligible", "{}", r.json);
    assert_eq!(
        r.json["eligibility_reasons"],
        json!(["detention_under_10_days"])
    );

    let set_override = |body| app.put_case(id, "eligibility-override", body);
    let r = set_override(json!({"outcome": "eligible", "reason": ""})).await;
    assert_eq!(r.status, 422, "an override needs a reason");
    let r = set_override(
        json!({"outcome": "eligible", "reason": "Verlenging van de detentie is al bekend."}),
    )
    .await;
    assert_eq!(
        (
            r.json["eligibility"].as_str(),
            r.json["computed_eligibility"].as_str()
        ),
        (Some("eligible"), Some("not_eligible"))
    );
    assert_eq!(r.json["eligibility_overridden"], true);
    assert_eq!(
        r.json["override_reason"],
        "Verlenging van de detentie is al bekend."
    );
    let listed = app.get("/api/v1/cases").await;
    assert_eq!(listed.json["items"][0]["eligibility"], "eligible");
    let r = set_override(json!({"outcome": null, "reason": ""})).await;
    assert_eq!(r.json["eligibility"], "not_eligible");
}

async fn the_worklist_filters_searches_and_pages_without_gaps_or_repeats(db: TestDb) {
    let app = App::spawn(db).await;
    let actor = crate::common::system_actor();
    let mut rng = fastrand::Rng::with_seed(7);
    for i in 0..30 {
        let bsn = random_bsn(&mut rng);
        let name = match i {
            0 => "Öztürk".to_string(),
            1 => "van den Berg".to_string(),
            _ => format!("Jansen{i}"),
        };
        let row = nazorg_domain::notification::NotificationRow {
            bsn,
            family_name: name,
            given_names: "Test".into(),
            birth_date: "1990-01-01".into(),
            municipality_code: "1783".into(),
            brp_status: "registered".into(),
            institution: "PI Haaglanden".into(),
            detention_start: format!("2026-03-{:02}", i % 28 + 1),
            expected_release: format!("2026-{:02}-15", 4 + i % 8),
            sentence: "prison_sentence".into(),
            source: "automatic".into(),
        };
        app.store
            .import_notification(&actor, &row.parse().unwrap())
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut after = String::new();
    let mut pages = 0;
    loop {
        let r = app
            .get(&format!("/api/v1/cases?limit=7&after={after}"))
            .await;
        let items = r.json["items"].as_array().unwrap().clone();
        assert!(items.len() <= 7);
        seen.extend(items.iter().map(|c| {
            (
                c["action_due"].as_str().unwrap().to_string(),
                c["case_id"].as_i64().unwrap(),
            )
        }));
        pages += 1;
        match r.json["next"].as_str() {
            Some(next) => after = next.to_string(),
            None => break,
        }
    }
    assert_eq!(pages, 5);
    assert_eq!(seen.len(), 30, "every case exactly once");
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "most urgent first, stable across pages");

    let by_name = |q: &str| {
        let app = &app;
        let q = q.to_string();
        async move {
            let r = app.get_with_query("/api/v1/cases", &[("search", &q)]).await;
            r.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["family_name"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(by_name("ozturk").await, vec!["Öztürk"]);
    assert_eq!(by_name("Öz").await, vec!["Öztürk"]);
    assert_eq!(by_name("berg").await, vec!["van den Berg"]);
    assert_eq!(by_name("van den berg").await, vec!["van den Berg"]);
    assert_eq!(by_name("jansen1").await.len(), 10, "Jansen10 to Jansen19");
    let first = app.get("/api/v1/cases?search=jansen2").await;
    let bsn = first.json["items"][0]["bsn"].as_str().unwrap().to_string();
    let by_bsn = app.get(&format!("/api/v1/cases?search={bsn}")).await;
    assert_eq!(by_bsn.json["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.get(&format!("/api/v1/cases?search={}", &bsn[..5]))
            .await
            .json["items"]
            .as_array()
            .unwrap()
            .len(),
        0,
        "no partial BSN matches"
    );

    let r = app.get("/api/v1/cases?status=accepted").await;
    assert_eq!(r.json["items"].as_array().unwrap().len(), 0);
    let r = app.get("/api/v1/cases?status=bogus").await;
    assert_eq!(r.status, 422);
    let r = app.get("/api/v1/cases?after=garbage").await;
    assert_eq!(r.status, 422);
}

async fn other_municipalities_and_administrators_see_no_cases(db: TestDb) {
    let app = App::spawn(db).await;
    let id = app.notify(notification(json!({}))).await;
    app.add_user_in("0603", "rijswijk", "", Role::Coordinator)
        .await;
    app.add_user("beheer", "", Role::Administrator).await;
    let other = app.token_for("rijswijk").await;
    let admin = app.token_for("beheer").await;
    let get = |token: &str, path: &str| {
        let request = app
            .client
            .get(format!("{}{path}", app.base))
            .bearer_auth(token.to_string());
        async move { request.send().await.unwrap() }
    };
    // An id of another municipality answers exactly like one that is not in use.
    let answer = |path: String| {
        let request = get(&other, &path);
        async move {
            let r = request.await;
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let existing = answer(format!("/api/v1/cases/{id}")).await;
    assert_eq!(existing.0, 404, "existence is not revealed");
    assert_eq!(existing, answer("/api/v1/cases/999999".into()).await);
    let list: serde_json::Value = get(&other, "/api/v1/cases").await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    // A role that may read no case at all is refused before the case is looked up.
    assert_eq!(
        get(&admin, &format!("/api/v1/cases/{id}")).await.status(),
        403
    );
    assert_eq!(get(&admin, "/api/v1/cases/999999").await.status(), 403);
    assert_eq!(get(&admin, "/api/v1/cases").await.status(), 403);
}

async fn every_read_and_write_of_a_case_is_in_the_processing_log(db: TestDb) {
    let app = App::spawn(db).await;
    let id = app.notify(notification(json!({}))).await;
    assert_eq!(app.processing_log_count("create_notification", id).await, 1);
    assert_eq!(app.processing_log_count("read_case", id).await, 0);
    app.case(id).await;
    assert_eq!(
        app.processing_log_count("read_case", id).await,
        1,
        "reading the case is logged"
    );
    let r = app
        .post_case(
            id,
            "contacts",
            json!({"date": "2026-02-11", "kind": "phone", "note": "Gebeld"}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        app.processing_log_count("write_case", id).await,
        1,
        "the change is logged"
    );
    assert_eq!(
        app.processing_log_count("read_case", id).await,
        2,
        "and so is the page it answers with"
    );
    let refused = app.put_case(id, "triage", json!({"domains": [], "note": "", "known_to_skt": null, "known_to_safety_chamber": null})).await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        app.processing_log_count("write_case", id).await,
        1,
        "a refused change leaves no trace of a change"
    );
}

async fn concurrent_changes_and_reads_all_succeed(db: TestDb) {
    let app = App::spawn(db).await;
    let id = app.notify(notification(json!({}))).await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let client = app.client.clone();
        let base = app.base.clone();
        let token = app.token.clone();
        tasks.push(tokio::spawn(async move {
            let request = if i % 2 == 0 {
                client
                    .post(format!("{base}/api/v1/cases/{id}/contacts"))
                    .json(&json!({"date": "2026-02-11", "kind": "phone", "note": format!("Gesprek {i}")}))
            } else {
                client.get(format!("{base}/api/v1/cases"))
            };
            request.bearer_auth(token).send().await.unwrap().status().as_u16()
        }));
    }
    for task in tasks {
        assert_eq!(
            task.await.unwrap(),
            200,
            "no request may fail on a busy database"
        );
    }
    let case = app.case(id).await;
    assert_eq!(case["contacts"].as_array().unwrap().len(), 12);
}

pub fn random_bsn(rng: &mut fastrand::Rng) -> String {
    loop {
        if let Some(bsn) = nazorg_domain::Bsn::complete(rng.u32(10_000_000..100_000_000)) {
            return bsn.to_string();
        }
    }
}

crate::on_both_databases!(
    the_api_is_closed_without_a_login_but_health_and_openapi_are_public,
    trailing_slashes_and_unknown_resources_are_404_problems,
    a_notification_goes_all_the_way_to_a_closed_case,
    illegal_steps_are_refused_with_a_dutch_explanation,
    invalid_input_is_a_422_problem_that_names_the_field,
    eligibility_is_re_evaluated_and_can_be_overridden_with_a_reason,
    the_worklist_filters_searches_and_pages_without_gaps_or_repeats,
    other_municipalities_and_administrators_see_no_cases,
    every_read_and_write_of_a_case_is_in_the_processing_log,
    concurrent_changes_and_reads_all_succeed,
);
