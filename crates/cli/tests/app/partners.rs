//! Working with partners: referrals and their lifecycle, partner users, the budget and its
//! cap, household members and the safety chamber.

use crate::common::{App, PASSWORD, TestDb, budget_line, ids, notification, triage_domains};
use nazorg_domain::access::Role;
use nazorg_domain::ids::{PartnerId, UserId};
use nazorg_domain::referral::PartnerKind;
use serde_json::{Value, json};

/// A running application with a case whose resident accepted aftercare, and the partners
/// most referrals go to: (the application, the case, Exodus, the SKT).
async fn referring(db: TestDb) -> (App, i64, PartnerId, PartnerId) {
    let app = App::spawn(db).await;
    let case = app.accepted_case().await;
    let exodus = app.partner_id(PartnerKind::Exodus).await;
    let skt = app.partner_id(PartnerKind::Skt).await;
    (app, case, exodus, skt)
}

/// A partner user, using the API with a token of their own.
struct PartnerUser<'a> {
    app: &'a App,
    token: String,
}

impl<'a> PartnerUser<'a> {
    /// Adds a user of a partner organisation, with a token.
    async fn add(app: &'a App, name: &str, role: Role, partner: PartnerId) -> PartnerUser<'a> {
        app.store
            .add_user(name, "", PASSWORD, role, "1783", Some(partner))
            .await
            .unwrap();
        let token = app.token_for(name).await;
        PartnerUser { app, token }
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.app.client.get(self.app.url(path))).await
    }

    /// Takes a step of a referral.
    async fn step(&self, referral: i64, body: Value) -> (u16, Value) {
        let path = format!("/api/v1/referrals/{referral}/steps");
        self.send(self.app.client.post(self.app.url(&path)).json(&body))
            .await
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.bearer_auth(&self.token).send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

async fn a_referral_goes_from_asked_to_finished_and_every_illegal_step_is_refused(db: TestDb) {
    let (app, case, exodus, _) = referring(db).await;
    let r = app
        .post_case(case, "referrals", json!({"partner_id": exodus, "domains": ["housing"], "reason": "Woonbegeleiding", "asked_on": "2026-11-01"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.json);
    assert_eq!(r.json["status"], "asked");
    let id = r.id();
    let app_ref = &app;
    let step = |name: &str, date: &str, extra: Value| {
        let mut body = json!({"step": name, "date": date});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let path = format!("/api/v1/referrals/{id}/steps");
        async move { app_ref.post(&path, body).await }
    };
    let refused = step("start", "2026-11-02", json!({})).await;
    assert_eq!(
        (refused.status, refused.json["detail"].as_str()),
        (
            409,
            Some(
                "‘Starten’ kan niet bij een verwijzing met de status ‘Gevraagd’. Accepteer de verwijzing eerst."
            )
        )
    );
    // Each step in turn, and what it gives: the HTTP status of a refusal (or of a plain
    // success), or the status the referral comes to.
    enum Then {
        Answer(u16),
        Becomes(&'static str),
    }
    use Then::{Answer, Becomes};
    let steps = [
        (
            "finish",
            "2026-11-02",
            json!({"result": "achieved"}),
            Answer(409),
            "not yet accepted",
        ),
        (
            "accept",
            "2026-10-01",
            json!({}),
            Answer(422),
            "not before it was asked",
        ),
        (
            "accept",
            "2026-11-03",
            json!({}),
            Becomes("accepted"),
            "accepted",
        ),
        (
            "accept",
            "2026-11-03",
            json!({}),
            Answer(409),
            "accepted once",
        ),
        (
            "progress",
            "2026-11-04",
            json!({"note": "x"}),
            Answer(409),
            "progress needs a start",
        ),
        (
            "start",
            "2026-11-10",
            json!({}),
            Becomes("started"),
            "started",
        ),
        (
            "return",
            "2026-11-11",
            json!({"note": "te laat"}),
            Answer(409),
            "no return after the start",
        ),
        (
            "progress",
            "2026-11-12",
            json!({"note": ""}),
            Answer(422),
            "progress needs a note",
        ),
        (
            "progress",
            "2026-11-12",
            json!({"note": "Woning bezichtigd"}),
            Answer(200),
            "progress",
        ),
        (
            "finish",
            "2026-11-20",
            json!({}),
            Answer(422),
            "finishing needs a result",
        ),
    ];
    for (name, date, extra, then, why) in steps {
        let r = step(name, date, extra).await;
        match then {
            Answer(status) => assert_eq!(r.status, status, "{name} on {date}: {why}"),
            Becomes(status) => assert_eq!(r.json["status"], status, "{name} on {date}: {why}"),
        }
    }
    let done = step(
        "finish",
        "2026-11-20",
        json!({"result": "partly", "note": "Woning, nog geen inkomen"}),
    )
    .await;
    assert_eq!(done.json["status"], "finished", "{}", done.json);
    assert_eq!(done.json["result"], "partly");
    assert_eq!(done.json["notes"].as_array().unwrap().len(), 4);
    assert_eq!(
        step("withdraw", "2026-11-21", json!({"note": "x"}))
            .await
            .status,
        409
    );

    let second = app
        .post_case(case, "referrals", json!({"partner_id": exodus, "domains": ["care"], "reason": "Ggz", "asked_on": "2026-11-05"}))
        .await
        .id();
    let withdraw = app
        .post(
            &format!("/api/v1/referrals/{second}/steps"),
            json!({"step": "withdraw", "note": "Niet meer nodig"}),
        )
        .await;
    assert_eq!(withdraw.json["status"], "withdrawn");

    let figures = app
        .get("/api/v1/referral-figures?from=2026-01-01&to=2026-12-31")
        .await;
    let exodus_figures = &figures.json.as_array().unwrap()[0];
    assert_eq!(exodus_figures["partner"], "Exodus");
    assert_eq!(
        (
            exodus_figures["referrals"].as_i64(),
            exodus_figures["finished"].as_i64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(
        exodus_figures["ask_to_start_days"],
        json!({"median": 9.0, "p90": 9.0})
    );
    assert_eq!(
        exodus_figures["start_to_end_days"],
        json!({"median": 10.0, "p90": 10.0})
    );
    assert_eq!(exodus_figures["results"], json!({"partly": 1}));

    let case_view = app.case(case).await;
    assert_eq!(case_view["referrals"].as_array().unwrap().len(), 2);
    let history: Vec<&str> = case_view["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["summary"].as_str().unwrap())
        .collect();
    assert!(
        history
            .iter()
            .any(|h| h.contains("Verwijzing naar Exodus: afronden")),
        "{history:?}"
    );
}

async fn partner_users_see_and_work_only_their_own_referrals(db: TestDb) {
    let (app, case, exodus, skt) = referring(db).await;
    let refer = |partner: PartnerId, domain: &str, reason: &str| {
        let body = json!({"partner_id": partner, "domains": [domain], "reason": reason});
        app.post_case(case, "referrals", body)
    };
    let to_exodus = refer(exodus, "housing", "Wonen").await.id();
    let to_skt = refer(skt, "care", "Zorg").await.id();
    let ellen = PartnerUser::add(&app, "ellen", Role::ExodusWorker, exodus).await;
    let sam = PartnerUser::add(&app, "sam", Role::SktCareDirector, skt).await;
    let (status, list) = ellen.get("/api/v1/referrals").await;
    assert_eq!(status, 200);
    assert_eq!(
        ids(&list["items"], "id"),
        vec![to_exodus],
        "Exodus sees only its own referral"
    );
    let (_, list) = sam.get("/api/v1/referrals").await;
    assert_eq!(ids(&list["items"], "id"), vec![to_skt]);
    let (status, detail) = ellen.get(&format!("/api/v1/referrals/{to_exodus}")).await;
    assert_eq!(status, 200);
    assert!(
        detail.get("institution").is_none() && detail.get("bsn").is_none(),
        "no detention details or BSN: {detail}"
    );
    assert_eq!(
        ellen.get(&format!("/api/v1/referrals/{to_skt}")).await.0,
        404,
        "another organisation's referral does not exist for Exodus"
    );
    let (hidden, unused) = (
        ellen.get(&format!("/api/v1/referrals/{to_skt}")).await,
        ellen.get("/api/v1/referrals/999999").await,
    );
    assert_eq!(
        (hidden.0, &hidden.1["title"], &hidden.1["detail"]),
        (unused.0, &unused.1["title"], &unused.1["detail"]),
        "…exactly as an id not in use"
    );
    // A role that may read no referral at all is refused before the lookup: the same 403
    // for an id in use and one that is not.
    app.add_user("beleid", "", Role::PolicyAdvisor).await;
    let advisor = app.token_for("beleid").await;
    let status_of = |path: String| {
        let request = app.client.get(app.url(&path)).bearer_auth(advisor.clone());
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status_of(format!("/api/v1/referrals/{to_skt}")).await, 403);
    assert_eq!(status_of("/api/v1/referrals/999999".into()).await, 403);
    let (status, _) = ellen.step(to_skt, json!({"step": "accept"})).await;
    assert_eq!(status, 404, "Exodus cannot act on the SKT's referral");
    let (status, _) = ellen
        .step(to_exodus, json!({"step": "withdraw", "note": "x"}))
        .await;
    assert_eq!(status, 403, "only the coordinator withdraws");
    let (status, r) = ellen.step(to_exodus, json!({"step": "accept"})).await;
    assert_eq!((status, r["status"].as_str()), (200, Some("accepted")));
    for (path, why) in [
        (format!("/api/v1/cases/{case}"), "no whole case"),
        ("/api/v1/cases".to_string(), "no case list"),
        ("/api/v1/budgets/2026".to_string(), "no budget"),
    ] {
        assert_eq!(ellen.get(&path).await.0, 403, "{why}");
    }
    let admin = nazorg_domain::access::Actor {
        user_id: UserId(0),
        username: "beheer".into(),
        role: Role::Administrator,
        municipality: "1783".parse().unwrap(),
        partner_id: None,
        substituting: false,
    };
    app.store
        .set_partner_active(&admin, exodus, false)
        .await
        .unwrap();
    let (status, _) = ellen.get(&format!("/api/v1/referrals/{to_exodus}")).await;
    assert_eq!(status, 403, "a switched-off partner's users reach nothing");
    app.store
        .set_partner_active(&admin, exodus, true)
        .await
        .unwrap();
    let unlinked = app
        .store
        .add_user("nobody", "", PASSWORD, Role::ExodusWorker, "1783", None)
        .await;
    assert!(unlinked.is_err(), "an Exodus worker must belong to Exodus");
    let wrong = app
        .store
        .add_user("wrong", "", PASSWORD, Role::ExodusWorker, "1783", Some(skt))
        .await;
    assert!(wrong.is_err(), "…and not to the SKT");
}

async fn the_cap_warning_appears_exactly_when_the_next_commitment_would_pass_the_cap(db: TestDb) {
    let (app, case, exodus, _) = referring(db).await;
    let trajectory = app.service_id("Exodus ambulant begeleidingstraject").await;
    let read = app.get("/api/v1/budgets/2026").await.json;
    let r = app
        .put(
            "/api/v1/budgets/2026/lines/support",
            json!({"amount": "6.400,00"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    // A change from the same read, after this one, would overwrite it: refused.
    let line = |b: &Value| {
        b["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["code"] == "support")
            .unwrap()
            .clone()
    };
    let seen = format!("\"{}\"", line(&read)["version"]);
    let stale = app
        .put_if(
            "/api/v1/budgets/2026/lines/support",
            json!({"amount": 9000}),
            Some(&seen),
        )
        .await;
    assert_eq!(stale.status, 412, "{}", stale.json);
    assert!(
        stale.detail().contains("nu € 6.400,00"),
        "{}",
        stale.detail()
    );
    assert_eq!(stale.json["currentVersion"], line(&r.json)["version"]);
    let blind = app
        .put_if(
            "/api/v1/budgets/2026/lines/support",
            json!({"amount": 9000}),
            None,
        )
        .await;
    assert_eq!(blind.status, 428);
    assert_eq!(
        line(&app.get("/api/v1/budgets/2026").await.json)["cap"],
        json!(6400.0)
    );
    let app_ref = &app;
    let refer = |extra: Value| {
        let mut body = json!({"partner_id": exodus, "domains": ["housing"], "reason": "Traject", "service_kind_id": trajectory});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let path = format!("/api/v1/cases/{case}/referrals");
        async move { app_ref.post(&path, body).await }
    };
    assert_eq!(refer(json!({})).await.status, 201);
    assert_eq!(
        refer(json!({})).await.status,
        201,
        "reaching the cap exactly (€ 6.400) is allowed"
    );
    let over = refer(json!({})).await;
    assert_eq!(over.status, 409);
    assert_eq!(over.json["code"], "budget_cap_exceeded");
    assert!(
        over.json["detail"].as_str().unwrap().contains("€ 6.400,00"),
        "{}",
        over.json
    );
    assert_eq!(
        refer(json!({"over_cap_reason": "  "})).await.status,
        409,
        "an empty reason is no confirmation"
    );
    let confirmed = refer(json!({"over_cap_reason": "Acute woonnood; wethouder akkoord"})).await;
    assert_eq!(confirmed.status, 201);
    assert_eq!(
        confirmed.json["over_cap_reason"],
        "Acute woonnood; wethouder akkoord"
    );
    let budget = app.get("/api/v1/budgets/2026").await;
    let support = budget_line(&budget.json, "support");
    assert_eq!(
        support,
        json!({"code": "support", "name": "Ondersteuning zorgregisseurs SKT en ambulante begeleiding Exodus", "cap": 6400.0, "committed": 9600.0, "spent": 0.0, "remaining": -3200.0, "version": 1}),
        "a referral is no change of the cap"
    );
    let without_service = app
        .post_case(case, "referrals", json!({"partner_id": app.partner_id(PartnerKind::Wmo).await, "domains": ["care"], "reason": "Wmo"}))
        .await;
    assert_eq!(
        without_service.status, 201,
        "a referral without a bought service costs nothing"
    );
}

async fn budget_sums_equal_the_sum_of_the_referrals_in_the_api_and_the_cli(db: TestDb) {
    let (app, case, exodus, skt) = referring(db).await;
    let intake = app.service_id("Exodus intakegesprek").await;
    let trajectory = app.service_id("Exodus ambulant begeleidingstraject").await;
    let skt_support = app
        .service_id("Nazorgondersteuning zorgregisseur SKT")
        .await;
    let r = app
        .put(
            &format!("/api/v1/service-kinds/{intake}"),
            json!({"amount": 475.5}),
        )
        .await;
    assert_eq!(r.status, 204);
    // The price read before that change is no basis for another.
    let stale = app
        .put_if(
            &format!("/api/v1/service-kinds/{intake}"),
            json!({"amount": 500}),
            Some("\"0\""),
        )
        .await;
    assert_eq!(stale.status, 412, "{}", stale.json);
    assert!(stale.detail().contains("nu € 475,50"), "{}", stale.detail());
    let mut referrals = Vec::new();
    for (partner, service, asked) in [
        (exodus, intake, "2026-03-02"),
        (exodus, trajectory, "2026-03-20"),
        (skt, skt_support, "2026-04-01"),
        (exodus, trajectory, "2026-05-01"),
    ] {
        let r = app
            .post_case(case, "referrals", json!({"partner_id": partner, "domains": ["income"], "reason": "x", "service_kind_id": service, "asked_on": asked}))
            .await;
        assert_eq!(r.status, 201, "{}", r.json);
        referrals.push(r.id());
    }
    let app_ref = &app;
    let step = |id: i64, step: &'static str, date: &'static str| {
        let path = format!("/api/v1/referrals/{id}/steps");
        async move {
            app_ref
                .post(
                    &path,
                    json!({"step": step, "date": date, "note": "n", "result": "achieved"}),
                )
                .await
        }
    };
    // The intake is delivered (spent), the SKT referral returned (released), two remain committed.
    step(referrals[0], "accept", "2026-03-03").await;
    step(referrals[0], "start", "2026-03-04").await;
    assert_eq!(step(referrals[0], "finish", "2026-06-15").await.status, 200);
    assert_eq!(
        step(referrals[2], "return", "2026-04-02").await.json["status"],
        "returned"
    );
    let budget = app.get("/api/v1/budgets/2026").await.json;
    let support = budget_line(&budget, "support");
    assert_eq!(support["spent"], 475.5);
    assert_eq!(support["committed"], 6400.0);
    assert_eq!(support["remaining"], 28000.0 - 475.5 - 6400.0);
    let months = budget["months"].as_array().unwrap();
    assert_eq!(
        months[2]["committed"], 3200.0,
        "March: the trajectory asked then (the intake is spent)"
    );
    assert_eq!(months[4]["committed"], 3200.0, "May");
    assert_eq!(months[5]["spent"], 475.5, "June: the intake delivered");
    let staff = budget_line(&budget, "coordinator_staff");
    assert_eq!(
        (staff["cap"].as_f64(), staff["remaining"].as_f64()),
        (Some(48000.0), Some(48000.0))
    );

    let cli = app.cli_json(&["budget", "--year", "2026", "--format", "json"]);
    let cli_support = budget_line(&cli, "support");
    for key in ["name", "cap", "committed", "spent", "remaining"] {
        assert_eq!(
            cli_support[key], support[key],
            "{key} in the CLI equals the API"
        );
    }
}

async fn household_members_are_referred_where_the_law_says(db: TestDb) {
    let app = App::spawn(db).await;
    let case = app.accepted_case().await;
    let child = app
        .post_case(
            case,
            "household-members",
            json!({"relation": "child", "is_minor": true, "support_need": "practical"}),
        )
        .await
        .json["household_members"][0]["id"]
        .as_i64()
        .unwrap();
    let skt = app.partner_id(PartnerKind::Skt).await;
    let youth = app.partner_id(PartnerKind::YouthCare).await;
    let refer = |partner: PartnerId| {
        let body = json!({"partner_id": partner, "household_member_id": child, "reason": "Steun"});
        app.post_case(case, "referrals", body)
    };
    let refused = refer(skt).await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.json["detail"],
        "Een minderjarig gezinslid wordt verwezen naar de jeugdhulp."
    );
    let ok = refer(youth).await;
    assert_eq!(
        (ok.status, ok.json["household_member_id"].as_i64()),
        (201, Some(child))
    );
}

async fn the_safety_chamber_agenda_and_outcome_show_on_the_case(db: TestDb) {
    let app = App::spawn(db).await;
    let case = app.notify(notification(json!({}))).await;
    let r = app
        .put_on_safety_agenda(case, "2026-03-01", "Dreiging richting ex-partner")
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    let item = r.json["safety_agenda"][0]["id"].as_i64().unwrap();
    let item_path = format!("safety-agenda-items/{item}");
    let discussed = |body: Value| app.put_case(case, &item_path, body);
    let early =
        discussed(json!({"discussed_on": "2026-02-01", "outcome": "x", "follow_up": ""})).await;
    assert_eq!(
        early.status, 422,
        "not discussed before it was put on the agenda"
    );
    let r = discussed(json!({"discussed_on": "2026-03-01", "outcome": "Gebiedsverbod geadviseerd", "follow_up": "Wijkagent informeren"})).await;
    assert_eq!(
        r.json["safety_agenda"][0]["outcome"],
        "Gebiedsverbod geadviseerd"
    );
    assert!(
        r.json["history"][0]["summary"]
            .as_str()
            .unwrap()
            .contains("Besproken in de Veiligheidskamer")
    );
}

async fn a_direction_handover_is_recorded_with_its_note(db: TestDb) {
    let app = App::spawn(db).await;
    let case = app.accepted_case().await;
    let domains = triage_domains("complex", "low");
    app.put_case(case, "triage", json!({"domains": domains, "note": "", "known_to_skt": null, "known_to_safety_chamber": null}))
        .await;
    let r = app.direct(case, "skt", "Eerst het SKT").await;
    assert_eq!(
        (
            r.json["direction"].as_str(),
            r.json["direction_since"].is_string()
        ),
        (Some("skt"), true)
    );
    let r = app
        .direct(
            case,
            "exodus",
            "Meer specialisme nodig; warme overdracht op 20-11",
        )
        .await;
    assert_eq!(r.json["direction"], "exodus");
    assert_eq!(
        r.json["direction_reason"],
        "Meer specialisme nodig; warme overdracht op 20-11"
    );
    assert_eq!(
        r.json["history"][0]["summary"],
        "Casusregie overgedragen van Sociaal Kernteam (zorgregisseur) aan Exodus. Overdrachtsnotitie: Meer specialisme nodig; warme overdracht op 20-11"
    );
}

async fn a_referral_needs_an_accepted_offer(db: TestDb) {
    let app = App::spawn(db).await;
    let case = app.notify(notification(json!({}))).await;
    let exodus = app.partner_id(PartnerKind::Exodus).await;
    let r = app
        .post_case(
            case,
            "referrals",
            json!({"partner_id": exodus, "domains": ["housing"], "reason": "x"}),
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(
        r.detail()
            .contains("nadat de inwoner het aanbod van nazorg heeft aanvaard")
    );
}

crate::on_both_databases!(
    a_referral_goes_from_asked_to_finished_and_every_illegal_step_is_refused,
    partner_users_see_and_work_only_their_own_referrals,
    the_cap_warning_appears_exactly_when_the_next_commitment_would_pass_the_cap,
    budget_sums_equal_the_sum_of_the_referrals_in_the_api_and_the_cli,
    household_members_are_referred_where_the_law_says,
    the_safety_chamber_agenda_and_outcome_show_on_the_case,
    a_referral_needs_an_accepted_offer,
    a_direction_handover_is_recorded_with_its_note,
);
