//! Deadlines on the worklist (CLI), substitution windows, the digest as an SMTP server
//! receives it, and the calendar feed read by a real iCalendar parser.

use crate::common::{App, TestDb, nazorg_command, notification, skip, triage_domains};
use nazorg_domain::access::Role;
use nazorg_domain::dates::{format_iso, today_nl};
use nazorg_domain::deadlines::add_working_days;
use nazorg_domain::ids::CaseId;
use nazorg_domain::referral::PartnerKind;
use serde_json::{Value, json};
use std::process::Command;
use time::{Date, Duration};

fn iso(d: Date) -> String {
    format_iso(d)
}

/// Three cases whose facts put every kind of deadline on the list (all relative to today).
struct Scenario {
    a: i64,
    b: i64,
    c: i64,
    today: Date,
    expected: Vec<(i64, &'static str, Date)>,
}

async fn scenario(app: &App) -> Scenario {
    let today = today_nl();
    let days = |n: i64| today + Duration::days(n);
    let kees = app
        .add_user("kees", "Kees Collega", Role::Coordinator)
        .await;
    let me = app.user_id("coordinator").await;

    // A: a fresh notification, release in 10 days, nobody assigned.
    let a = app
        .notify(notification(json!({"bsn": "691967301", "detention_start": iso(days(-20)), "expected_release": iso(days(10))})))
        .await;

    // B: in planning, release in a week, not ready, an overdue agreement, a referral waiting.
    let b = app
        .notify(notification(json!({"bsn": "341436239", "birth_date": "1990-01-01", "detention_start": iso(days(-60)), "expected_release": iso(days(7))})))
        .await;
    let r = app
        .put_case(
            b,
            "offer",
            json!({"outcome": "accepted", "date": iso(days(-50)), "kind": "visit_in_prison", "note": ""}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    let domains = triage_domains("practical", "high");
    app.put_case(b, "triage", json!({"domains": domains, "note": "", "known_to_skt": null, "known_to_safety_chamber": null})).await;
    app.direct(b, "coordinator", "Licht").await;
    let r = app.post_case(b, "agreements", json!({"domain": "housing", "description": "Woning zoeken", "owner": "Inwoner", "due_date": iso(days(-5))})).await;
    let agreement = r.json["agreements"][0]["id"].as_i64().unwrap();
    app.put_case(
        b,
        "readiness",
        json!({"housing": true, "brp_registration": false, "id_document": false, "income": false}),
    )
    .await;
    // The Wmo-consulenten.
    let wmo = app.partner_id(PartnerKind::Wmo).await;
    let r = app.post_case(b, "referrals", json!({"partner_id": wmo, "domains": ["care"], "reason": "Huishoudelijke hulp", "asked_on": iso(days(-15))})).await;
    let referral = r.id();
    app.put_case(b, "coordinator", json!({"user_id": me})).await;

    // C: released 80 days ago: the aftercare period ends soon; Kees's case.
    let c = app
        .notify(notification(json!({"bsn": "562930036", "municipality_code": "1783", "detention_start": iso(days(-120)), "expected_release": iso(days(-80))})))
        .await;
    app.put_case(
        c,
        "offer",
        json!({"outcome": "accepted", "date": iso(days(-110)), "kind": "phone", "note": ""}),
    )
    .await;
    let r = app
        .put_case(c, "release", json!({"date": iso(days(-80))}))
        .await;
    assert_eq!(r.json["status"], "aftercare", "{}", r.json);
    app.post_case(
        c,
        "contacts",
        json!({"date": iso(days(-5)), "kind": "home_visit", "note": "Bezoek"}),
    )
    .await;
    app.put_case(c, "coordinator", json!({"user_id": kees}))
        .await;
    let end = nazorg_domain::lifecycle::aftercare_end(days(-80));
    assert!(
        end - today <= Duration::days(14),
        "the scenario needs the period to end within two weeks"
    );

    let expected = vec![
        (a, "notification_unhandled", add_working_days(today, 3)),
        (a, "no_contact_before_release", days(10)),
        (b, "no_recent_contact", days(-20)),
        (b, "agreement_overdue", days(-5)),
        (b, "referral_not_started", days(-5)),
        (b, "release_not_ready", days(7)),
        (c, "aftercare_ending", end),
    ];
    let _ = (agreement, referral);
    Scenario {
        a,
        b,
        c,
        today,
        expected,
    }
}

fn worklist(app: &App, args: &[&str]) -> Vec<Value> {
    let list = app.cli_json(&[&["worklist", "--format", "json"], args].concat());
    serde_json::from_value(list).unwrap()
}

fn triples(list: &[Value]) -> Vec<(i64, String, String)> {
    list.iter()
        .map(|d| {
            (
                d["case_id"].as_i64().unwrap(),
                d["kind"].as_str().unwrap().to_string(),
                d["due"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn every_deadline_kind_is_derived_and_the_list_is_ordered_by_urgency(db: TestDb) {
    let app = App::spawn(db).await;
    let s = scenario(&app).await;
    let today = iso(s.today);
    let team = worklist(&app, &["--today", &today]);
    let mut want: Vec<(i64, String, String)> = s
        .expected
        .iter()
        .map(|(c, k, d)| (*c, k.to_string(), iso(*d)))
        .collect();
    let mut got = triples(&team);
    let order: Vec<String> = got.iter().map(|t| t.2.clone()).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "most urgent first");
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert!(
        team.iter()
            .all(|d| !d["reason"].as_str().unwrap().is_empty()),
        "each line says why"
    );

    let mine = triples(&worklist(
        &app,
        &["--user", "coordinator", "--today", &today],
    ));
    let cases: std::collections::BTreeSet<i64> = mine.iter().map(|t| t.0).collect();
    assert_eq!(
        cases,
        [s.a, s.b].into_iter().collect(),
        "own and unassigned cases, not Kees's"
    );

    // The menu counts what is stored as due: the same as the worklist's lines today.
    let badge = |html: &str| -> usize {
        let (_, rest) = html
            .split_once("<span class=\"badge\">")
            .expect("a count in the menu");
        rest.split('<').next().unwrap().parse().unwrap()
    };
    let coordinator = crate::common::logged_in(&app, "coordinator").await;
    let (_, html) = crate::common::page(&coordinator, app.url("/casussen")).await;
    assert_eq!(
        badge(&html),
        mine.len(),
        "the menu's count is the worklist's"
    );
    // The worklist read from the stored deadlines is the one the rules give: with the
    // rows stamped with other thresholds, the rules are run, and say the same.
    let stored = worklist(&app, &["--today", &today]);
    app.execute_sql("UPDATE deadline_rules SET thresholds = 'other'")
        .await;
    let computed = worklist(&app, &["--today", &today]);
    assert_eq!(stored, computed, "stored and computed agree, line by line");
    assert_eq!(stored, team);
    // Stored deadlines lost or made with other thresholds are made again when serve starts.
    app.execute_sql("DELETE FROM case_deadlines").await;
    app.execute_sql("UPDATE deadline_rules SET thresholds = 'other'")
        .await;
    let (_, html) = crate::common::page(&coordinator, app.url("/casussen")).await;
    assert_eq!(badge(&html), 0, "nothing stored, nothing counted");
    // What `serve` does when it starts.
    let redone = app.store.refresh_stored_deadlines().await.unwrap();
    assert_eq!(redone, 3, "every open case");
    assert_eq!(
        app.store.refresh_stored_deadlines().await.unwrap(),
        0,
        "once"
    );
    let (_, html) = crate::common::page(&coordinator, app.url("/casussen")).await;
    assert_eq!(badge(&html), mine.len(), "made again at the start");

    // A month later the fresh notification is overdue and the referral still waits.
    let later = worklist(&app, &["--today", &iso(s.today + Duration::days(30))]);
    assert!(
        triples(&later)
            .iter()
            .any(|t| t.0 == s.a && t.1 == "notification_unhandled")
    );
}

async fn a_substitute_sees_the_absent_colleagues_work_only_during_the_absence(db: TestDb) {
    let app = App::spawn(db).await;
    let s = scenario(&app).await;
    let kees = app.user_id("kees").await;
    let me = app.user_id("coordinator").await;
    let actor = crate::common::system_actor();
    app.store
        .add_absence(
            &actor,
            kees,
            me,
            s.today - Duration::days(1),
            s.today + Duration::days(3),
            "Vakantie",
        )
        .await
        .unwrap();
    let during = worklist(&app, &["--user", "coordinator", "--today", &iso(s.today)]);
    let stood_in: Vec<&Value> = during.iter().filter(|d| d["case_id"] == s.c).collect();
    assert_eq!(stood_in.len(), 1, "Kees's case shows for his substitute");
    assert_eq!(stood_in[0]["standing_in_for"], "Kees Collega");
    for day in [s.today - Duration::days(2), s.today + Duration::days(4)] {
        let outside = worklist(&app, &["--user", "coordinator", "--today", &iso(day)]);
        assert!(outside.iter().all(|d| d["case_id"] != s.c), "not on {day}");
    }
    // Over the API the same: the worklist with who is stood in for, and the absence.
    let api = app.get("/api/v1/worklist").await;
    assert_eq!(api.status, 200, "{}", api.json);
    let items = api.json["items"].as_array().unwrap();
    let line = items
        .iter()
        .find(|i| i["case_id"] == s.c)
        .expect("Kees's case on the API's worklist");
    assert_eq!(line["standing_in_for"], "Kees Collega");
    assert!(
        line["kind_label"].is_string() && line["due"].is_string(),
        "{line}"
    );
    let team = app.get("/api/v1/worklist?team=true").await;
    assert!(team.json["items"].as_array().unwrap().len() >= items.len());
    let absences = app.get("/api/v1/absences").await;
    assert_eq!(absences.status, 200);
    assert_eq!(absences.json[0]["note"], "Vakantie");
    assert_eq!(absences.json[0]["substitute"], "Cora Coördinator");
    let last_day = worklist(
        &app,
        &[
            "--user",
            "coordinator",
            "--today",
            &iso(s.today + Duration::days(3)),
        ],
    );
    assert!(
        last_day.iter().any(|d| d["case_id"] == s.c),
        "the last day of the absence counts"
    );

    // A substitute coordinator has a coordinator's rights only while substituting.
    let vera = app
        .add_user("vera", "Vera Vervanger", Role::SubstituteCoordinator)
        .await;
    let token = app.token_for("vera").await;
    let read = |token: String| {
        let request = app
            .client
            .get(app.url(&format!("/api/v1/cases/{}", s.c)))
            .bearer_auth(token);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(read(token.clone()).await, 403, "no substitution yet");
    // A client registers the substitution over the API, and ends it there.
    let r = app
        .post(
            "/api/v1/absences",
            json!({"user_id": kees.0, "substitute_id": vera.0, "starts_on": iso(s.today), "ends_on": iso(s.today), "note": "Ziek"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.json);
    assert_eq!(
        (r.json["substitute"].as_str(), r.json["note"].as_str()),
        (Some("Vera Vervanger"), Some("Ziek"))
    );
    let absence = r.json["id"].as_i64().unwrap();
    assert_eq!(read(token.clone()).await, 200, "substituting today");
    let path = format!("/api/v1/absences/{absence}");
    let ended = app
        .send_if(reqwest::Method::DELETE, &path, json!(null), None)
        .await;
    assert_eq!(ended.status, 204);
    assert_eq!(read(token).await, 403, "the substitution has ended");
    let again = app
        .send_if(reqwest::Method::DELETE, &path, json!(null), None)
        .await;
    assert_eq!(again.status, 404, "{}", again.json);
    for (body, says) in [
        (
            json!({"user_id": kees.0, "substitute_id": kees.0, "starts_on": iso(s.today), "ends_on": iso(s.today)}),
            "iemand anders",
        ),
        (
            json!({"user_id": kees.0, "substitute_id": vera.0, "starts_on": iso(s.today), "ends_on": iso(s.today - Duration::days(1))}),
            "vóór de eerste",
        ),
        (
            json!({"user_id": kees.0, "substitute_id": vera.0, "starts_on": "morgen", "ends_on": iso(s.today)}),
            "starts_on",
        ),
    ] {
        let r = app.post("/api/v1/absences", body).await;
        assert_eq!(r.status, 422, "{}", r.json);
        assert!(r.detail().contains(says), "{}", r.json);
    }
    let refused = app
        .store
        .add_absence(&actor, kees, kees, s.today, s.today, "")
        .await;
    assert!(refused.is_err(), "nobody stands in for themselves");
}

async fn the_digest_arrives_with_counts_and_a_link_but_no_names(db: TestDb) {
    let smtp_dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(smtp_dir.path().join("mail"))
        .stderr(std::process::Stdio::piped())
        .spawn();
    let Ok(mut server) = server else {
        return skip("python3 is not available; digest test skipped");
    };
    let mut ready = false;
    for _ in 0..50 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            ready = true;
            break;
        }
        if let Ok(Some(_)) = server.try_wait() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    if !ready {
        let _ = server.kill();
        return skip(
            "the aiosmtpd SMTP server did not start (pip install aiosmtpd); digest test skipped",
        );
    }
    let app = App::spawn(db).await;
    let s = scenario(&app).await;
    let me = app.user_id("coordinator").await;
    app.store
        .set_user_email(me, Some("cora@gemeente.example"))
        .await
        .unwrap();
    let out = nazorg_command(&app.db_url())
        .args(["digest", "--today", &iso(s.today)])
        .args([
            "--smtp-url",
            &format!("smtp://127.0.0.1:{port}"),
            "--mail-from",
            "Nazorg <nazorg@gemeente.example>",
        ])
        .args(["--public-url", "https://nazorg.gemeente.example"])
        .output()
        .unwrap();
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 e-mail(s) verstuurd."));
    let new = smtp_dir.path().join("mail").join("new");
    let messages: Vec<String> = std::fs::read_dir(&new)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(messages.len(), 1, "only Cora has an e-mail address");
    let mail = messages[0].replace("=\r\n", "").replace("=\n", "");
    assert!(mail.contains("To: cora@gemeente.example"), "{mail}");
    assert!(
        mail.contains("Subject: Nazorg: 6 punten op uw werklijst"),
        "A and B: six deadlines: {mail}"
    );
    assert!(mail.contains("https://nazorg.gemeente.example/mijn-werk"));
    for secret in [
        "van den Berg",
        "Anna",
        "691967301",
        "341436239",
        "PI Haaglanden",
    ] {
        assert!(
            !mail.contains(secret),
            "the digest names no one: found {secret}"
        );
    }
}

async fn the_calendar_feed_parses_and_names_no_one(db: TestDb) {
    let app = App::spawn(db).await;
    let s = scenario(&app).await;
    let tomorrow = s.today + Duration::days(1);
    let r = app
        .post_case(
            s.b,
            "contacts",
            json!({"date": iso(s.today), "kind": "phone", "note": "Belafspraak"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let at = nazorg_domain::dates::amsterdam_to_utc(time::PrimitiveDateTime::new(
        tomorrow,
        time::macros::time!(10:30),
    ));
    let actor = nazorg_domain::access::Actor {
        user_id: app.user_id("coordinator").await,
        username: "coordinator".into(),
        role: Role::Coordinator,
        municipality: "1783".parse().unwrap(),
        partner_id: None,
        substituting: false,
    };
    app.store
        .add_appointment(
            &actor,
            CaseId(s.b),
            at,
            nazorg_domain::case::ContactKind::VisitInPrison,
            "PI Haaglanden, zaal 3",
        )
        .await
        .unwrap();
    // A client plans one over the API, as the offset it has; the case then lists both.
    let day_after = iso(tomorrow + Duration::days(1));
    let r = app
        .post_case(s.b, "appointments", json!({"starts_at": format!("{day_after}T14:00:00+01:00"), "kind": "phone", "place": "Telefonisch"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    let planned = r.json["appointments"].as_array().unwrap();
    assert_eq!(planned.len(), 2, "{planned:?}");
    assert!(
        planned
            .iter()
            .any(|a| a["starts_at"] == format!("{day_after}T13:00:00Z") && a["kind"] == "phone"),
        "{planned:?}"
    );
    for (body, field) in [
        (
            json!({"starts_at": format!("{day_after} 14:00"), "kind": "phone", "place": ""}),
            "RFC 3339",
        ),
        (
            json!({"starts_at": format!("{day_after}T14:00:00+01:00"), "kind": "brief", "place": ""}),
            "soort afspraak",
        ),
        (
            json!({"starts_at": "2020-01-01T10:00:00Z", "kind": "phone", "place": ""}),
            "plant u vooruit",
        ),
    ] {
        let r = app.post_case(s.b, "appointments", body).await;
        assert_eq!(r.status, 422, "{}", r.json);
        assert!(r.detail().contains(field), "{}", r.json);
    }
    let token = app.store.create_calendar_token(&actor).await.unwrap();
    let feed_url = app.url(&format!("/agenda/{token}.ics"));
    let feed = app.client.get(&feed_url).send().await.unwrap();
    assert_eq!(feed.status(), 200);
    assert!(
        feed.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = feed.text().await.unwrap();
    let calendar: icalendar::Calendar = text.parse().expect("a valid iCalendar document");
    use icalendar::Component;
    let events: Vec<&icalendar::Event> = calendar
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .collect();
    assert_eq!(
        events.len(),
        3,
        "the two appointments and the agreement's due date: {text}"
    );
    let summaries: Vec<&str> = events.iter().filter_map(|e| e.get_summary()).collect();
    assert!(
        summaries.contains(&format!("Gesprek in de PI (casus {})", s.b).as_str()),
        "{summaries:?}"
    );
    let visit = events
        .iter()
        .find(|e| e.get_summary().is_some_and(|x| x.starts_with("Gesprek")))
        .unwrap();
    match visit.get_start() {
        Some(icalendar::DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(start))) => {
            assert_eq!(start.timestamp(), at.unix_timestamp(), "10:30 Dutch time");
        }
        other => panic!("unexpected start {other:?}"),
    }
    for secret in [
        "van den Berg",
        "Anna",
        "341436239",
        "PI Haaglanden",
        "zaal 3",
        "Woning zoeken",
    ] {
        assert!(
            !text.contains(secret),
            "the feed names no one and no details: found {secret}"
        );
    }
    app.store.revoke_calendar_token(&actor).await.unwrap();
    let revoked = app.client.get(&feed_url).send().await.unwrap();
    assert_eq!(revoked.status(), 404, "a revoked link stops working");
}

async fn mijn_werk_pages_through_a_long_list_without_gaps_or_repeats(db: TestDb) {
    let app = App::spawn(db).await;
    // 110 fresh notifications, unassigned: each is on the coordinator's list.
    let bsns: Vec<String> = crate::common::valid_bsns(400_000_000).take(110).collect();
    for (i, bsn) in bsns.iter().enumerate() {
        let start = iso(today_nl() - Duration::days(10 + (i as i64 % 40)));
        app.notify(notification(json!({"bsn": bsn, "detention_start": start, "expected_release": iso(today_nl() + Duration::days(90))})))
            .await;
    }
    let all = worklist(&app, &["--user", "coordinator"]);
    assert!(all.len() > 100, "{}", all.len());
    let coordinator = crate::common::logged_in(&app, "coordinator").await;
    let mut url = app.url("/mijn-werk");
    let mut shown: Vec<i64> = Vec::new();
    let mut pages = 0;
    loop {
        let (status, html) = crate::common::page(&coordinator, url.clone()).await;
        assert_eq!(status, 200);
        pages += 1;
        assert!(
            html.contains(&format!("{} punten, waarvan", all.len())),
            "the count is of the whole list"
        );
        let rows = html.matches("(casus ").count();
        assert!(rows <= 100, "{rows} lines on a page");
        for part in html.split("(casus ").skip(1) {
            shown.push(part.split(')').next().unwrap().parse().unwrap());
        }
        let next = html
            .split("rel=\"next\"")
            .next()
            .filter(|_| html.contains("rel=\"next\""))
            .and_then(|before| before.rsplit("href=\"").next())
            .map(|rest| rest.split('"').next().unwrap().replace("&amp;", "&"));
        match next {
            Some(path) => url = app.url(&path),
            None => break,
        }
        assert!(html.contains("Naar het begin van de lijst") || pages == 1);
    }
    assert_eq!(pages, 2, "two pages of at most 100");
    let want: Vec<i64> = all.iter().map(|d| d["case_id"].as_i64().unwrap()).collect();
    assert_eq!(shown, want, "every line once, in the list's order");
    // The API pages the same list.
    let first = app.get("/api/v1/worklist?limit=60").await;
    assert_eq!(first.status, 200, "{}", first.json);
    assert_eq!(first.json["total"], all.len());
    let next = first.json["next"].as_str().unwrap().to_string();
    let rest = app
        .get_with_query("/api/v1/worklist", &[("limit", "60"), ("after", &next)])
        .await;
    let mut api: Vec<i64> = Vec::new();
    for page in [&first.json, &rest.json] {
        api.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["case_id"].as_i64().unwrap()),
        );
    }
    assert_eq!(api, want, "the API's pages are the list");
    assert!(rest.json["next"].is_null());
    for bad in ["/api/v1/worklist?limit=0", "/api/v1/worklist?after=kapot"] {
        assert_eq!(app.get(bad).await.status, 422, "{bad}");
    }
    // A page address that does not exist is said, not a crash.
    let (status, html) = crate::common::page(&coordinator, app.url("/mijn-werk?after=kapot")).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("begin bovenaan"), "{html}");
}

/// A worklist longer than anyone works through is counted up to 500 (so that the count
/// costs the same at any size), and says so: in the menu, on the page and in the API.
async fn a_very_long_worklist_is_counted_up_to_a_cap_and_says_so(db: TestDb) {
    let app = App::spawn(db).await;
    let busy = app.add_user("drukbezet", "", Role::Coordinator).await;
    let plan = nazorg_app::SeedPlan {
        municipality: "1783",
        residents: 1_500,
        seed: 7,
        coordinators: &[busy],
        span_days: 900,
    };
    app.store.seed_bulk(&plan, &|_| {}).await.unwrap();
    let open = app.store.finish_seeding().await.unwrap();
    assert!(open > 700, "{open} open cases");
    let coordinator = crate::common::logged_in(&app, "drukbezet").await;
    let (status, html) = crate::common::page(&coordinator, app.url("/mijn-werk")).await;
    assert_eq!(status, 200);
    assert!(html.contains("meer dan 500 punten, waarvan"), "{html}");
    assert!(
        html.contains("<span class=\"badge\">500+<span class=\"visually-hidden\">"),
        "the menu's count: {html}"
    );
    assert!(
        html.contains("rel=\"next\""),
        "the rest is on the next pages"
    );
    // Someone with a short list still sees the exact count.
    let other = crate::common::logged_in(&app, "coordinator").await;
    let (_, html) = crate::common::page(&other, app.url("/mijn-werk")).await;
    assert!(!html.contains("meer dan"), "{html}");
    let token = app.token_for("drukbezet").await;
    let api = app
        .client
        .get(app.url("/api/v1/worklist"))
        .bearer_auth(&token);
    let api: Value = api.send().await.unwrap().json().await.unwrap();
    assert_eq!(api["total"], 500, "{api}");
    assert_eq!(api["total_is_lower_bound"], true);
}

crate::on_both_databases!(
    a_very_long_worklist_is_counted_up_to_a_cap_and_says_so,
    every_deadline_kind_is_derived_and_the_list_is_ordered_by_urgency,
    a_substitute_sees_the_absent_colleagues_work_only_during_the_absence,
    the_digest_arrives_with_counts_and_a_link_but_no_names,
    the_calendar_feed_parses_and_names_no_one,
    mijn_werk_pages_through_a_long_list_without_gaps_or_repeats,
);
