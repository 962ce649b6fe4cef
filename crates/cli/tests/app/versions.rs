//! Edit conflicts (issue 12): a save over someone else's change is refused, never lost,
//! in the API (412, 428) and on the case page (the form again, with what was typed).

use crate::common::{
    App, Reply, TestDb, csrf_of, logged_in, notification, page, read, triage_domains, version_of,
};
use nazorg_domain::access::Role;
use serde_json::{Value, json};

/// A second API client: another coordinator of the same municipality.
struct Other {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Other {
    async fn of(app: &App, username: &str) -> Other {
        app.add_user(username, "Otto Overal", Role::Coordinator)
            .await;
        Other {
            client: app.client.clone(),
            base: app.base.clone(),
            token: app.token_for(username).await,
        }
    }

    async fn put(&self, path: &str, body: Value, if_match: &str) -> (u16, Value) {
        let r = self
            .client
            .put(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("If-Match", if_match)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

fn readiness(housing: bool, income: bool) -> Value {
    json!({"housing": housing, "brp_registration": true, "id_document": false, "income": income})
}

async fn two_clients_that_save_the_same_part_never_lose_a_change(db: TestDb) {
    let app = App::spawn(db).await;
    let other = Other::of(&app, "otto").await;
    let case = app.accepted_case().await;
    let path = format!("/api/v1/cases/{case}/readiness");
    for round in 0..20 {
        // Both read the case, then both save the checklist at the same moment.
        let read = app.get(&format!("/api/v1/cases/{case}")).await;
        let tag = read.etag.clone().expect("an ETag with the case");
        assert_eq!(
            tag,
            format!("\"{}\"", read.json["version"]),
            "round {round}"
        );
        let mine = readiness(round % 2 == 0, true);
        let theirs = readiness(round % 2 == 1, false);
        let (a, (b_status, b_body)) = tokio::join!(
            app.put_if(&path, mine.clone(), Some(&tag)),
            other.put(&path, theirs.clone(), &tag)
        );
        let winners = [a.status == 200, b_status == 200];
        assert_eq!(
            winners.iter().filter(|w| **w).count(),
            1,
            "round {round}: exactly one save wins ({} and {b_status})",
            a.status
        );
        let (loser, loser_status, winner_name) = if a.status == 200 {
            (b_body, b_status, "coordinator")
        } else {
            (a.json.clone(), a.status, "otto")
        };
        assert_eq!(loser_status, 412, "round {round}: {loser}");
        assert_eq!(loser["code"], "changed_meanwhile");
        assert_eq!(loser["part"], "readiness");
        let detail = loser["detail"].as_str().unwrap();
        assert!(
            detail.starts_with("Checklist vrijlating is intussen gewijzigd")
                && detail.contains(winner_name)
                && detail.ends_with("Uw wijziging is niet opgeslagen."),
            "{detail}"
        );
        assert_eq!(loser["changes"][0]["by"], winner_name);
        // What is stored is the winner's checklist, and the loser's was not applied.
        let now = app.case(case).await;
        let stored = &now["readiness"];
        let expected = if a.status == 200 { &mine } else { &theirs };
        assert_eq!(stored["housing"], expected["housing"], "round {round}");
        assert_eq!(stored["income"], expected["income"], "round {round}");
        assert_eq!(loser["currentVersion"], now["version"]);
    }
}

async fn a_replacing_step_needs_the_version_it_was_read_at(db: TestDb) {
    let app = App::spawn(db).await;
    let case = app.accepted_case().await;
    let path = format!("/api/v1/cases/{case}/readiness");
    let before = app.case(case).await;

    // Without If-Match: 428, and nothing changes.
    let missing = app.put_if(&path, readiness(true, true), None).await;
    assert_eq!(missing.status, 428, "{}", missing.json);
    assert_eq!(missing.content_type, "application/problem+json");
    assert_eq!(missing.json["code"], "version_required");
    assert!(missing.detail().contains("If-Match"));
    assert_eq!(app.case(case).await["readiness"], before["readiness"]);

    // Tags this system never made match nothing.
    for tag in ["W/\"1\"", "\"abc\"", "\"999999\""] {
        let r: Reply = app.put_if(&path, readiness(true, true), Some(tag)).await;
        assert_eq!(r.status, 412, "{tag}: {}", r.json);
    }

    // An addition (a contact) needs no version and does not make the checklist stale.
    let tag = app
        .get(&format!("/api/v1/cases/{case}"))
        .await
        .etag
        .unwrap();
    let contact = json!({"date": "2026-02-13", "kind": "phone", "note": "Gebeld."});
    let added = app.post_case(case, "contacts", contact).await;
    assert_eq!(added.status, 200);
    assert_ne!(
        added.etag.as_deref(),
        Some(tag.as_str()),
        "the version moved on"
    );
    let saved = app.put_if(&path, readiness(true, true), Some(&tag)).await;
    assert_eq!(saved.status, 200, "{}", saved.json);
    assert_eq!(saved.json["readiness"]["housing"], true);

    // `*` saves over whatever is there, knowingly.
    let any = app.put_if(&path, readiness(false, false), Some("*")).await;
    assert_eq!(any.status, 200);
    assert_eq!(any.json["readiness"]["housing"], false);

    // The first tag again: the checklist was saved twice since, and both are named.
    let stale = app.put_if(&path, readiness(true, false), Some(&tag)).await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.json["changes"].as_array().unwrap().len(), 2);

    // The OpenAPI document declares the header and the answers.
    let doc = app.get_anonymous("/api/v1/openapi.json").await.json;
    let put = &doc["paths"]["/cases/{id}/readiness"]["put"];
    assert!(put["responses"].get("412").is_some() && put["responses"].get("428").is_some());
    let params = put["parameters"].as_array().unwrap();
    assert!(
        params
            .iter()
            .any(|p| p["name"] == "If-Match" && p["in"] == "header")
    );
}

async fn a_stale_form_comes_back_with_the_other_change_and_what_was_typed(db: TestDb) {
    let app = App::spawn(db).await;
    app.add_user("otto", "Otto Overal", Role::Coordinator).await;
    let case = app.accepted_case().await;
    let mine = logged_in(&app, "coordinator").await;
    let theirs = logged_in(&app, "otto").await;
    let url = app.url(&format!("/casussen/{case}"));
    let (_, my_page) = page(&mine, url.clone()).await;
    let (_, their_page) = page(&theirs, url.clone()).await;
    let post = |client: &reqwest::Client, html: &str, fields: &[(&str, &str)]| {
        let mut form = vec![
            ("csrf".to_string(), csrf_of(html)),
            ("formulier".to_string(), "checklist".to_string()),
        ];
        form.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let version = version_of(html);
        client
            .post(app.url(&format!("/casussen/{case}/checklist?versie={version}")))
            .header("origin", &app.base)
            .form(&form)
            .send()
    };
    // Otto ticks housing and saves first.
    let saved = post(&theirs, &their_page, &[("housing", "on")])
        .await
        .unwrap();
    assert_eq!(saved.status(), 303);
    // My tab still shows the old checklist: I tick income and the ID document.
    let (status, conflict) = read(
        post(&mine, &my_page, &[("income", "on"), ("id_document", "on")])
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 412);
    assert!(
        conflict.contains("Checklist vrijlating is intussen gewijzigd")
            && conflict.contains("door otto"),
        "the other change is named"
    );
    // The other change is on the page (housing arranged), my ticks are still in the form.
    assert!(conflict.contains("Huisvesting: geregeld"));
    let ticked = |name: &str| {
        let at = conflict.find(&format!("name=\"{name}\"")).unwrap();
        conflict[at..at + 60].contains("checked")
    };
    assert!(ticked("income") && ticked("id_document") && !ticked("housing"));
    assert!(conflict.contains("laat uw wijziging vallen"));
    // Sent again from the conflict page, it is saved over the change it now shows.
    let (status, _) = read(
        post(&mine, &conflict, &[("income", "on"), ("id_document", "on")])
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 303);
    let stored = app.case(case).await["readiness"].clone();
    assert_eq!(
        (stored["housing"].clone(), stored["income"].clone()),
        (json!(false), json!(true))
    );
}

async fn a_refused_form_keeps_what_was_typed(db: TestDb) {
    let app = App::spawn(db).await;
    let case = app.accepted_case().await;
    let client = logged_in(&app, "coordinator").await;
    let (_, html) = page(&client, app.url(&format!("/casussen/{case}"))).await;
    let version = version_of(&html);
    // A contact dated in the future is refused; the note typed must come back.
    let form = [
        ("csrf", csrf_of(&html)),
        ("formulier", "contacten".into()),
        ("date", "2099-01-01".into()),
        ("kind", "phone".into()),
        ("note", "Lang gesprek over <werk> & wonen".into()),
    ];
    let r = client
        .post(app.url(&format!("/casussen/{case}/contacten?versie={version}")))
        .header("origin", &app.base)
        .form(&form)
        .send()
        .await
        .unwrap();
    let (status, again) = read(r).await;
    assert_eq!(status, 422);
    assert!(again.contains("Lang gesprek over &#60;werk&#62; &#38; wonen</textarea>"));
    assert!(again.contains("<option value=\"phone\" selected>"));
    assert!(again.contains("value=\"2099-01-01\""));
    assert!(
        again.contains("id=\"fout-contacten\""),
        "the reason in the form"
    );
    let details = again.find("id=\"fout-contacten\"").unwrap();
    assert!(
        again[..details]
            .rfind("<details")
            .is_some_and(|at| again[at..details].contains(" open"))
    );
    // The other forms are not filled with it.
    assert_eq!(again.matches("Lang gesprek over").count(), 1);
}

async fn a_put_replaces_the_whole_and_a_patch_only_what_it_names(db: TestDb) {
    let app = App::spawn(db).await;
    let case = app.notify(notification(json!({}))).await;
    let before = app.case(case).await;
    let facts = format!("/api/v1/cases/{case}/facts");

    // A PUT with one field is refused, naming what is missing; nothing is cleared.
    let partial = app.put(&facts, json!({"family_name": "Smit"})).await;
    assert_eq!(partial.status, 422, "{}", partial.json);
    assert!(
        partial.detail().contains("institution"),
        "{}",
        partial.detail()
    );
    let now = app.case(case).await;
    for field in [
        "birth_date",
        "institution",
        "expected_release",
        "brp_status",
        "sentence",
        "family_name",
    ] {
        assert_eq!(now[field], before[field], "{field} unchanged");
    }
    assert_eq!(now["eligibility"], "eligible");
    // Nor may a PUT carry a field that does not exist.
    let mut whole = json!({"institution": "PI Vught", "expected_release": null, "sentence": "prison_sentence",
        "brp_status": "registered", "last_residence_code": "1783", "birth_date": "1992-02-14",
        "family_name": "van den Berg", "given_names": "Anna"});
    whole["nickname"] = json!("Ans");
    let unknown = app.put(&facts, whole.clone()).await;
    assert_eq!(unknown.status, 422);
    assert_eq!(unknown.detail(), "Het veld ‘nickname’ bestaat hier niet.");
    whole.as_object_mut().unwrap().remove("nickname");

    // A PATCH changes what it names and leaves the rest.
    let renamed = app.patch(&facts, json!({"family_name": "Smit"})).await;
    assert_eq!(renamed.status, 200, "{}", renamed.json);
    assert_eq!(renamed.json["family_name"], "Smit");
    for field in [
        "birth_date",
        "institution",
        "expected_release",
        "brp_status",
        "sentence",
    ] {
        assert_eq!(
            renamed.json[field], before[field],
            "{field} kept by the patch"
        );
    }
    assert_eq!(renamed.json["eligibility"], "eligible");
    // null clears a fact that may be unknown, and eligibility follows.
    let cleared = app.patch(&facts, json!({"expected_release": null})).await;
    assert_eq!(cleared.status, 200);
    assert_eq!(cleared.json["expected_release"], Value::Null);
    assert_eq!(cleared.json["eligibility"], "undetermined");
    // What cannot be unknown cannot be cleared.
    let no_name = app.patch(&facts, json!({"family_name": null})).await;
    assert_eq!(no_name.status, 422);
    assert!(
        no_name.detail().contains("achternaam"),
        "{}",
        no_name.detail()
    );
    // A whole PUT with every field replaces them all.
    let put = app.put(&facts, whole).await;
    assert_eq!(put.status, 200, "{}", put.json);
    assert_eq!(
        (
            put.json["institution"].clone(),
            put.json["family_name"].clone()
        ),
        (json!("PI Vught"), json!("van den Berg"))
    );

    // The document says which fields a PUT requires and that a PATCH is a merge patch.
    let doc = app.get_anonymous("/api/v1/openapi.json").await.json;
    let required = doc["components"]["schemas"]["FactsIn"]["required"]
        .as_array()
        .unwrap()
        .clone();
    for field in [
        "institution",
        "expected_release",
        "birth_date",
        "family_name",
        "given_names",
    ] {
        assert!(
            required.contains(&json!(field)),
            "{field} required in {required:?}"
        );
    }
    let patch = &doc["paths"]["/cases/{id}/facts"]["patch"];
    assert!(
        patch["requestBody"]["content"]
            .get("application/merge-patch+json")
            .is_some(),
        "{patch}"
    );
}

/// Every `PUT` takes its part as a whole: a field left out is named and nothing changes, so
/// ticking one box of the checklist over the API cannot untick the other three.
async fn every_put_needs_all_its_fields(db: TestDb) {
    let app = App::spawn(db).await;
    let case = app.accepted_case().await;
    let whole =
        json!({"housing": true, "brp_registration": true, "id_document": true, "income": false});
    let r = app.put_case(case, "readiness", whole).await;
    assert_eq!(r.status, 200, "{}", r.json);

    let one = app
        .put_case(case, "readiness", json!({"housing": false}))
        .await;
    assert_eq!(one.status, 422);
    assert!(
        one.detail()
            .starts_with("Het veld ‘brp_registration’ ontbreekt"),
        "{}",
        one.detail()
    );
    let now = app.case(case).await;
    assert_eq!(
        [
            &now["readiness"]["brp_registration"],
            &now["readiness"]["id_document"],
            &now["readiness"]["housing"]
        ],
        [&json!(true), &json!(true), &json!(true)],
        "{}",
        now["readiness"]
    );

    // The same for each part a PUT replaces, and an unknown field is refused too.
    let domains = triage_domains("practical", "high");
    for (part, body, missing, value) in [
        (
            "offer",
            json!({"outcome": "accepted", "date": "2026-02-12", "kind": "phone"}),
            "note",
            json!(""),
        ),
        (
            "triage",
            json!({"domains": domains, "note": ""}),
            "known_to_skt",
            json!(null),
        ),
        (
            "direction",
            json!({"direction": "skt"}),
            "reason",
            json!("Complex"),
        ),
        (
            "eligibility-override",
            json!({"reason": "Bekend"}),
            "outcome",
            json!(null),
        ),
        ("coordinator", json!({}), "user_id", json!(null)),
        ("release", json!({}), "date", json!("2026-03-01")),
    ] {
        let r = app.put_case(case, part, body.clone()).await;
        assert_eq!(r.status, 422, "{part}");
        assert!(
            r.detail()
                .starts_with(&format!("Het veld ‘{missing}’ ontbreekt")),
            "{part}: {}",
            r.detail()
        );
        let mut extra = body;
        extra[missing] = value;
        extra["extra"] = json!(1);
        let r = app.put_case(case, part, extra).await;
        assert_eq!(
            (r.status, r.detail()),
            (422, "Het veld ‘extra’ bestaat hier niet."),
            "{part}"
        );
    }
    assert_eq!(
        app.case(case).await["version"],
        now["version"],
        "nothing saved"
    );
    // A field that does not parse is named as the API design rules do.
    let bad_date =
        json!({"outcome": "accepted", "date": "31-02-2026", "kind": "phone", "note": ""});
    let r = app.put_case(case, "offer", bad_date).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json["invalidParams"][0]["name"], "date", "{}", r.json);
    // A value of the wrong kind is named in Dutch too.
    let null_note =
        json!({"outcome": "accepted", "date": "2026-02-12", "kind": "phone", "note": null});
    let r = app.put_case(case, "offer", null_note).await;
    assert_eq!(
        (r.status, r.detail()),
        (422, "Het veld ‘note’ moet tekst zijn, niet null.")
    );

    // The document says so.
    let doc = app.get_anonymous("/api/v1/openapi.json").await.json;
    for (schema, fields) in [
        (
            "ReadinessIn",
            &["housing", "brp_registration", "id_document", "income"][..],
        ),
        ("OfferIn", &["outcome", "date", "kind", "note"]),
        (
            "TriageIn",
            &["domains", "note", "known_to_skt", "known_to_safety_chamber"],
        ),
        ("OverrideIn", &["outcome", "reason"]),
        ("CoordinatorIn", &["user_id"]),
    ] {
        let required = &doc["components"]["schemas"][schema]["required"];
        for field in fields {
            assert!(
                required
                    .as_array()
                    .is_some_and(|r| r.contains(&json!(field))),
                "{schema}.{field} required: {required}"
            );
        }
    }
}

crate::on_both_databases!(
    every_put_needs_all_its_fields,
    a_put_replaces_the_whole_and_a_patch_only_what_it_names,
    two_clients_that_save_the_same_part_never_lose_a_change,
    a_replacing_step_needs_the_version_it_was_read_at,
    a_stale_form_comes_back_with_the_other_change_and_what_was_typed,
    a_refused_form_keeps_what_was_typed,
);
