//! The HTML interface over HTTP: login, CSRF, the worklist and the case page.

use crate::common::{
    App, LIFE_DOMAINS, PASSWORD, TestDb, browser, csrf_of, notification, page, post_form, read,
    version_of,
};
use serde_json::json;

/// The coordinator's login form, to come back to the case list.
const COORDINATOR_LOGIN: [(&str, &str); 3] = [
    ("username", "coordinator"),
    ("password", PASSWORD),
    ("next", "/casussen"),
];

async fn login(app: &App, client: &reqwest::Client) {
    let r = post_form(app, client, "/inloggen", COORDINATOR_LOGIN).await;
    assert_eq!(r.status(), 303);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
}

async fn pages_need_a_login_and_a_wrong_password_is_refused_in_dutch(db: TestDb) {
    let app = App::spawn(db).await;
    let client = browser();
    let r = client.get(app.url("/casussen")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/inloggen?next=%2Fcasussen");
    let r = client.get(app.url("/casussen/1")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/inloggen?next=%2Fcasussen%2F1");
    let wrong = [("username", "coordinator"), ("password", "fout-wachtwoord")];
    let r = post_form(&app, &client, "/inloggen", wrong).await;
    assert_eq!(r.status(), 401);
    let body = r.text().await.unwrap();
    assert!(body.contains("lang=\"nl\""));
    assert!(body.contains("Gebruikersnaam of wachtwoord is onjuist."));
    // A name no account can have (PostgreSQL cannot even look up a NUL) is just wrong.
    let nul = [
        ("username", "coordinator\u{0}"),
        ("password", "fout-wachtwoord"),
    ];
    let r = post_form(&app, &client, "/inloggen", nul).await;
    assert_eq!(r.status(), 401);
    let headers = client.get(app.url("/inloggen")).send().await.unwrap();
    let csp = headers.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(headers.headers()["x-content-type-options"], "nosniff");
}

async fn a_coordinator_enters_a_notification_and_works_the_case_with_forms(db: TestDb) {
    let app = App::spawn(db).await;
    let client = browser();
    login(&app, &client).await;
    let (status, form) = page(&client, app.url("/meldingen/nieuw")).await;
    assert_eq!(status, 200);
    let csrf = csrf_of(&form);
    let mut fields: Vec<(String, String)> =
        notification(json!({"given_names": "Zoë", "family_name": "de Wit"}))
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
    let without_token = post_form(&app, &client, "/meldingen", &fields).await;
    assert_eq!(
        without_token.status(),
        403,
        "a form without the CSRF token is refused"
    );
    fields.push(("csrf".into(), csrf.clone()));
    let bad: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| {
            if k == "bsn" {
                (k.clone(), "123456789".into())
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect();
    let r = post_form(&app, &client, "/meldingen", &bad).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("voldoet niet aan de elfproef"),
        "the form says why"
    );
    assert!(
        body.contains("value=\"de Wit\""),
        "and keeps what was typed"
    );

    let before = time::OffsetDateTime::now_utc();
    let r = post_form(&app, &client, "/meldingen", &fields).await;
    assert_eq!(r.status(), 303);
    let after = time::OffsetDateTime::now_utc();
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("/casussen/") && location.ends_with("?melding=nieuw"),
        "{location}"
    );
    let (_, case) = page(&client, app.url(&location)).await;
    assert!(case.contains("Zoë de Wit"));
    assert!(case.contains("De melding is opgeslagen als nieuwe casus."));
    assert!(case.contains("Valt onder de doelgroep"));
    assert!(
        case.contains("33 jaar op 10-02-2026, de begindatum van de detentie."),
        "rules explained in Dutch"
    );
    // The history says when in Dutch local time (CET/CEST), as everywhere else.
    let when = |at| {
        format!(
            "<span class=\"history__when\">{}</span>",
            nazorg_domain::dates::format_nl_moment(at)
        )
    };
    assert!(
        case.contains(&when(before)) || case.contains(&when(after)),
        "the notification's history entry at {} (Dutch time)",
        nazorg_domain::dates::format_nl_moment(after)
    );

    let id = location
        .trim_start_matches("/casussen/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    // The forms carry the version of the case the page showed.
    let version = version_of(&case);
    let post = |step: &str, extra: &[(&str, &str)]| {
        let mut form: Vec<(String, String)> = vec![("csrf".into(), csrf.clone())];
        form.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        client
            .post(app.url(&format!("/casussen/{id}/{step}?versie={version}")))
            .form(&form)
            .send()
    };
    let triage: Vec<(String, String)> = LIFE_DOMAINS
        .iter()
        .flat_map(|d| {
            [
                (format!("need_{d}"), "practical".to_string()),
                (format!("reliance_{d}"), "high".to_string()),
            ]
        })
        .collect();
    let triage: Vec<(&str, &str)> = triage
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, refused) = read(post("triage", &triage).await.unwrap()).await;
    assert_eq!(status, 409);
    assert!(refused.contains("Triage volgt nadat de inwoner het aanbod heeft aanvaard."));
    let ok = post(
        "aanbod",
        &[
            ("date", "2026-02-12"),
            ("kind", "visit_in_prison"),
            ("outcome", "accepted"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(ok.status(), 303);
    let (_, case) = page(&client, app.url(&format!("/casussen/{id}"))).await;
    assert!(case.contains("Aanbod aanvaard op 12-02-2026 (Gesprek in de PI)."));
    let (_, list) = page(&client, app.url("/casussen?search=wit")).await;
    assert!(list.contains("Zoë de Wit") && list.contains("Aanbod aanvaard"));
    let (_, none) = page(&client, app.url("/casussen?status=closed")).await;
    assert!(none.contains("Geen casussen gevonden"));
}

async fn the_setup_link_creates_the_first_administrator_once(db: TestDb) {
    let store = nazorg_app::App::connect(&db.url).await.unwrap();
    let token = store.create_setup_token().await.unwrap();
    let row: nazorg_domain::notification::NotificationRow =
        serde_json::from_value(notification(json!({}))).unwrap();
    let case_id = store
        .import_notification(&crate::common::system_actor(), &row.parse().unwrap())
        .await
        .unwrap()
        .case_id();
    drop(store);
    let app = App::spawn_without_users(db).await;
    let client = browser();
    let (status, html) = page(&client, app.url(&format!("/installatie?token={token}"))).await;
    assert_eq!(status, 200);
    assert!(html.contains("Eerste beheerder aanmaken"));
    let install = |password: &'static str| {
        let form = [
            ("token", token.as_str()),
            ("username", "Beheer"),
            ("display_name", "Bea Heer"),
            ("password", password),
        ];
        post_form(&app, &client, "/installatie", form)
    };
    let r = install("kort").await;
    assert_eq!(r.status(), 422, "a short password is refused");
    let r = install(PASSWORD).await;
    assert_eq!(r.status(), 303);
    let (status, again) = read(install(PASSWORD).await).await;
    assert_eq!(status, 422);
    assert!(again.contains("niet meer geldig: er is al een beheerder"));
    let r = post_form(
        &app,
        &client,
        "/inloggen",
        [("username", "beheer"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(
        r.headers()["location"],
        "/gebruikers",
        "an administrator lands on the user pages"
    );
    let (_, users) = page(&client, app.url("/gebruikers")).await;
    assert!(users.contains("Bea Heer") && users.contains("Beheerder"));
    let (status, _) = page(&client, app.url(&format!("/casussen/{case_id}"))).await;
    assert_eq!(status, 403, "and sees no case content");
}

async fn repeated_wrong_passwords_lock_the_account_for_a_while(db: TestDb) {
    let app = App::spawn(db).await;
    let client = browser();
    let attempt = |password: &'static str| {
        let form = [("username", "coordinator"), ("password", password)];
        let sent = post_form(&app, &client, "/inloggen", form);
        async move { read(sent.await).await }
    };
    for _ in 0..4 {
        assert_eq!(attempt("fout-wachtwoord").await.0, 401);
    }
    assert_eq!(
        attempt("lange-test-wachtwoord-123").await.0,
        303,
        "a success resets the count"
    );
    for _ in 0..5 {
        assert_eq!(attempt("fout-wachtwoord").await.0, 401);
    }
    let (status, page) = attempt("lange-test-wachtwoord-123").await;
    assert_eq!(status, 401, "the right password waits too");
    assert!(page.contains("Na vijf mislukte pogingen op rij wacht een account even"));
    // …and the answer is the same as for a name that has no account, so it does not tell
    // which names exist.
    let unknown = [
        ("username", "niemand"),
        ("password", "lange-test-wachtwoord-123"),
    ];
    let (status_unknown, page_unknown) =
        read(post_form(&app, &client, "/inloggen", unknown).await).await;
    assert_eq!(status_unknown, 401);
    let masked = |page: &str, name: &str| {
        page.replace(name, "NAAM")
            .lines()
            .filter(|l| !l.contains("csrf"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        masked(&page, "coordinator"),
        masked(&page_unknown, "niemand")
    );
    let (status, _) = app
        .store
        .verify_login("nobody", "x")
        .await
        .map(|a| (a.is_none(), ()))
        .unwrap();
    assert!(status, "an unknown name is simply wrong");

    // Fifty guesses at once at another account: each is counted in turn, so at most five
    // get their password checked and the rest find the account waiting.
    app.add_user("doelwit", "", nazorg_domain::access::Role::Coordinator)
        .await;
    let guesses = (0..50).map(|i| {
        let request = reqwest::Client::new().post(app.url("/inloggen")).form(&[
            ("username", "doelwit".to_string()),
            ("password", format!("gok-{i}")),
        ]);
        async move { request.send().await.unwrap().status().as_u16() }
    });
    let answers = futures_join_all(guesses).await;
    assert!(answers.iter().all(|s| *s == 401), "{answers:?}");
    let checked = app
        .query_texts("SELECT CAST(failed_logins AS TEXT) FROM users WHERE username = 'doelwit'")
        .await;
    assert_eq!(checked, ["5"], "guesses whose password was checked");
}

/// A burst of logins with made-up names hashes off the async workers, a few at a time, so
/// the server goes on answering: `/healthz` stays quick while they are checked.
async fn a_burst_of_logins_does_not_starve_other_requests(db: TestDb) {
    let app = App::spawn(db).await;
    let login = app.url("/inloggen");
    let burst = (0..30).map(move |i| {
        let request = reqwest::Client::new().post(&login).form(&[
            ("username", format!("verzonnen-{i}")),
            ("password", "lange-gok-123456".to_string()),
        ]);
        async move { request.send().await.unwrap().status().as_u16() }
    });
    let logins = tokio::spawn(futures_join_all(burst));
    let client = reqwest::Client::new();
    let mut waits = Vec::new();
    for _ in 0..15 {
        let started = std::time::Instant::now();
        let r = client.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        waits.push(started.elapsed());
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let answers = logins.await.unwrap();
    assert!(answers.iter().all(|s| *s == 401), "{answers:?}");
    waits.sort();
    let median = waits[waits.len() / 2];
    eprintln!(
        "/healthz during 30 logins: median {median:?}, slowest {:?}",
        waits[waits.len() - 1]
    );
    assert!(
        median < std::time::Duration::from_millis(50),
        "/healthz slowed to {median:?} by a burst of logins"
    );
}

/// The value of a page's hidden field `name`.
fn hidden_field(html: &str, name: &str) -> String {
    let value = html
        .split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    unescape(value)
}

/// The text of an HTML attribute value: its character references resolved.
fn unescape(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find(';') else {
            out.push_str(&rest[at..]);
            return out;
        };
        let entity = &rest[at + 1..at + end];
        let c = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            e => e
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => out.push(c),
            None => out.push_str(&rest[at..=at + end]),
        }
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    out
}

/// A save that the end of the session stopped is not lost: the login page keeps it, and
/// after logging in the form is back, filled in, to send; on the case page and elsewhere.
async fn a_save_after_the_session_ended_comes_back_after_logging_in(db: TestDb) {
    let app = App::spawn(db).await;
    let case = app.accepted_case().await;
    let client = browser();
    login(&app, &client).await;
    let (_, html) = page(&client, app.url(&format!("/casussen/{case}"))).await;
    let note = "Lang gesprek over de woning; volgende week terugbellen.";
    // The session ends while the note is being typed.
    app.execute_sql("DELETE FROM sessions").await;
    let form = [
        ("csrf", csrf_of(&html)),
        ("formulier", "contacten".to_string()),
        ("date", "2026-02-20".to_string()),
        ("kind", "phone".to_string()),
        ("note", note.to_string()),
    ];
    let path = format!("/casussen/{case}/contacten?versie={}", version_of(&html));
    let (status, login_page) = read(post_form(&app, &client, &path, form).await).await;
    assert_eq!(status, 401);
    assert!(
        login_page.contains("Uw sessie was verlopen"),
        "{login_page}"
    );
    assert!(login_page.contains("name=\"bewaard\""));
    // Logging in from that page brings the case page back with the note in its form.
    let hidden = |name: &str| hidden_field(&login_page, name);
    let (kept, next) = (hidden("bewaard"), hidden("next"));
    let relog = [
        ("username", "coordinator".to_string()),
        ("password", PASSWORD.to_string()),
        ("next", next),
        ("bewaard", kept),
    ];
    let (status, again) = read(post_form(&app, &client, "/inloggen", relog).await).await;
    assert_eq!(status, 200);
    assert!(
        again.contains("nog niet opgeslagen"),
        "the reason is on top"
    );
    assert!(again.contains(note), "the note is back in the form");
    assert!(
        app.case(case).await["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["note"] != note),
        "nothing was saved unchecked"
    );
    // Sent from there, it is saved.
    let form = [
        ("csrf", csrf_of(&again)),
        ("formulier", "contacten".to_string()),
        ("date", "2026-02-20".to_string()),
        ("kind", "phone".to_string()),
        ("note", note.to_string()),
    ];
    let path = format!("/casussen/{case}/contacten?versie={}", version_of(&again));
    let saved = post_form(&app, &client, &path, form).await;
    assert_eq!(saved.status(), 303);
    let contacts = app.case(case).await["contacts"].clone();
    assert!(
        contacts
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["note"] == note),
        "{contacts}"
    );
    // A form elsewhere comes back as a page of its own that sends it as it was.
    let me = app.user_id("coordinator").await;
    let otto = app
        .add_user(
            "otto",
            "Otto Overal",
            nazorg_domain::access::Role::Coordinator,
        )
        .await;
    let (_, absence_page) = page(&client, app.url("/afwezigheid")).await;
    app.execute_sql("DELETE FROM sessions").await;
    let absence = [
        ("csrf", csrf_of(&absence_page)),
        ("user_id", me.to_string()),
        ("substitute_id", otto.to_string()),
        ("starts_on", "2026-12-21".to_string()),
        ("ends_on", "2027-01-04".to_string()),
        ("note", "Kerstvakantie".to_string()),
    ];
    let (_, login_page) = read(post_form(&app, &client, "/afwezigheid", absence).await).await;
    let hidden = |name: &str| hidden_field(&login_page, name);
    let relog = [
        ("username", "coordinator".to_string()),
        ("password", PASSWORD.to_string()),
        ("next", hidden("next")),
        ("bewaard", hidden("bewaard")),
    ];
    let (status, resume) = read(post_form(&app, &client, "/inloggen", relog).await).await;
    assert_eq!(status, 200);
    assert!(resume.contains("Nog niet opgeslagen") && resume.contains("Kerstvakantie"));
    let resend: Vec<(String, String)> = resume
        .split("<input type=\"hidden\" name=\"")
        .skip(1)
        .filter_map(|rest| {
            let (name, rest) = rest.split_once('"')?;
            let value = rest.split("value=\"").nth(1)?.split('"').next()?;
            Some((unescape(name), unescape(value)))
        })
        .collect();
    let (status, sent) = read(post_form(&app, &client, "/afwezigheid", resend).await).await;
    assert_eq!(status, 200);
    assert!(sent.contains("De afwezigheid is vastgelegd."));
    let (_, listed) = page(&client, app.url("/afwezigheid")).await;
    assert!(listed.contains("Kerstvakantie"));

    // With a second factor, the code page carries what was kept to the last step.
    app.store.set_totp_required(me, true).await.unwrap();
    let relog = [
        ("username", "coordinator".to_string()),
        ("password", PASSWORD.to_string()),
        ("next", "/afwezigheid".to_string()),
        ("bewaard", "note=Kerstvakantie".to_string()),
    ];
    let (status, code_page) = read(post_form(&app, &browser(), "/inloggen", relog).await).await;
    assert_eq!(status, 200);
    assert!(code_page.contains("Inlogcode"));
    assert_eq!(hidden_field(&code_page, "bewaard"), "note=Kerstvakantie");
}

/// A refusal about one field marks that field (`aria-invalid`), says why next to it (its
/// `aria-describedby`) and is linked from the summary on top of the form.
async fn a_refused_field_is_marked_and_named_next_to_it(db: TestDb) {
    let app = App::spawn(db).await;
    let case = app.accepted_case().await;
    let client = browser();
    login(&app, &client).await;
    let (_, html) = page(&client, app.url(&format!("/casussen/{case}"))).await;
    let form = [
        ("csrf", csrf_of(&html)),
        ("formulier", "contacten".to_string()),
        ("date", "31-02-2026".to_string()),
        ("kind", "phone".to_string()),
        ("note", "Gebeld".to_string()),
    ];
    let path = format!("/casussen/{case}/contacten?versie={}", version_of(&html));
    let (status, again) = read(post_form(&app, &client, &path, form).await).await;
    assert_eq!(status, 422);
    let marked = again
        .split("id=\"contact-date\"")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .unwrap_or_default();
    assert!(
        marked.contains("aria-invalid=\"true\"")
            && marked.contains("aria-describedby=\"fout-contacten-date\""),
        "{marked}"
    );
    assert!(again.contains("<p class=\"form-error\" id=\"fout-contacten-date\">"));
    assert!(
        again.contains("href=\"#fout-contacten-date\""),
        "the summary links to it"
    );
    // The other fields of the form are not marked.
    assert_eq!(again.matches("aria-invalid=\"true\"").count(), 1);

    // A text the use case refuses marks its field too: the note with a hidden character.
    let form = [
        ("csrf", csrf_of(&html)),
        ("formulier", "contacten".to_string()),
        ("date", "2026-02-20".to_string()),
        ("kind", "phone".to_string()),
        ("note", "Gebeld\u{200B}".to_string()),
    ];
    let (status, again) = read(post_form(&app, &client, &path, form).await).await;
    assert_eq!(status, 422);
    assert!(again.contains("aria-describedby=\"fout-contacten-note\""));
    assert!(again.contains("<p class=\"form-error\" id=\"fout-contacten-note\">De notitie bevat"));
}

/// Two tabs on the budget page: the second save of a cap, from the page as it was, is
/// refused with the cap as it is now, not saved over it.
async fn a_stale_budget_form_is_refused_with_the_cap_as_it_is_now(db: TestDb) {
    let app = App::spawn(db).await;
    let client = browser();
    login(&app, &client).await;
    let (_, html) = page(&client, app.url("/budget?jaar=2026")).await;
    let version = html
        .split("name=\"line\" value=\"support\"><input type=\"hidden\" name=\"versie\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    let cap = |amount: &str| {
        [
            ("csrf", csrf_of(&html)),
            ("year", "2026".to_string()),
            ("line", "support".to_string()),
            ("versie", version.clone()),
            ("cap", amount.to_string()),
        ]
    };
    let first = post_form(&app, &client, "/budget/plafond", cap("30.000,00")).await;
    assert_eq!(first.status(), 303);
    let (status, refused) =
        read(post_form(&app, &client, "/budget/plafond", cap("25.000,00")).await).await;
    assert_eq!(status, 412);
    assert!(
        refused.contains("intussen gewijzigd door een ander: nu € 30.000,00"),
        "{refused}"
    );
    assert!(
        refused.contains("value=\"25.000,00\""),
        "what was typed is kept, to send again"
    );
    let budget = app.get("/api/v1/budgets/2026").await.json;
    let support = budget["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == "support")
        .unwrap()
        .clone();
    assert_eq!(support["cap"], json!(30000.0));
}

/// Forms outside the case page come back filled in as typed after a refusal too; a
/// password never does.
async fn refused_forms_elsewhere_keep_what_was_typed(db: TestDb) {
    let app = App::spawn(db).await;
    let client = browser();
    login(&app, &client).await;
    let me = app.user_id("coordinator").await;
    let (_, html) = page(&client, app.url("/afwezigheid")).await;
    let absence = [
        ("csrf", csrf_of(&html)),
        ("user_id", me.to_string()),
        ("substitute_id", String::new()),
        ("starts_on", "2026-12-21".to_string()),
        ("ends_on", "2027-01-04".to_string()),
        ("note", "Kerstvakantie".to_string()),
    ];
    let (status, again) = read(post_form(&app, &client, "/afwezigheid", absence).await).await;
    assert_eq!(status, 422);
    assert!(again.contains("Kies een vervanger."));
    assert!(again.contains("value=\"Kerstvakantie\"") && again.contains("value=\"2027-01-04\""));

    let admin =
        crate::common::signed_in(&app, "beheer", nazorg_domain::access::Role::Administrator).await;
    let (_, users) = page(&admin, app.url("/gebruikers")).await;
    let weak = [
        ("csrf", csrf_of(&users)),
        ("username", "nieuwe".to_string()),
        ("display_name", "Nina Nieuw".to_string()),
        ("role", "coordinator".to_string()),
        ("partner_id", String::new()),
        ("password", "welkom12345678".to_string()),
    ];
    let (status, again) = read(post_form(&app, &admin, "/gebruikers", weak).await).await;
    assert_eq!(status, 422, "{again}");
    assert!(again.contains("value=\"Nina Nieuw\"") && again.contains("value=\"nieuwe\""));
    assert!(
        !again.contains("welkom12345678"),
        "a password is not written back"
    );
    assert!(
        !again.contains("id=\"totp\" name=\"totp_required\" checked"),
        "the unticked box stays unticked"
    );
    // A step on a referral, its note refused: the note comes back in its open form.
    let case = app.accepted_case().await;
    let exodus = app
        .partner_id(nazorg_domain::referral::PartnerKind::Exodus)
        .await;
    let referral =
        json!({"partner_id": exodus, "domains": ["housing"], "reason": "Woonbegeleiding"});
    let referral = app.post_case(case, "referrals", referral).await.id();
    let (_, html) = page(&client, app.url(&format!("/verwijzingen/{referral}"))).await;
    let step = [
        ("csrf", csrf_of(&html)),
        ("step", "withdraw".to_string()),
        ("date", "2026-03-01".to_string()),
        ("note", "Toch niet nodig\u{202E}".to_string()),
    ];
    let path = format!("/verwijzingen/{referral}/stap");
    let (status, again) = read(post_form(&app, &client, &path, step).await).await;
    assert_eq!(status, 422, "{again}");
    assert!(again.contains("Toch niet nodig"), "the note is kept");
    assert!(again.contains("aria-describedby=\"fout-withdraw-note\""));
    assert!(
        again.contains("href=\"#fout-withdraw-note\""),
        "the summary on top links to it"
    );
}

/// Runs the futures at once and gives their outputs in order.
async fn futures_join_all<F: std::future::Future + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

async fn guessable_passwords_are_refused_for_new_accounts(db: TestDb) {
    let app = App::spawn(db).await;
    for weak in ["welkom12345678", "wachtwoord2026", "coordinator123"] {
        let refused = app
            .store
            .add_user(
                "nieuw",
                "",
                weak,
                nazorg_domain::access::Role::Coordinator,
                "1783",
                None,
            )
            .await;
        assert!(
            refused
                .unwrap_err()
                .to_string()
                .contains("te makkelijk te raden"),
            "{weak}"
        );
    }
    assert!(
        app.store
            .add_user(
                "nieuw",
                "",
                "paars-fietsrek-onweer-42",
                nazorg_domain::access::Role::Coordinator,
                "1783",
                None
            )
            .await
            .is_ok()
    );
}

async fn malformed_addresses_get_a_dutch_page(db: TestDb) {
    let app = App::spawn(db).await;
    let client = browser();
    login(&app, &client).await;
    for (path, status, text) in [
        ("/casussen/abc", 404, "Niet gevonden"),
        ("/verwijzingen/12x", 404, "Niet gevonden"),
        ("/budget?jaar=twintig", 422, "ongeldige waarde"),
        ("/budget?jaar=1850", 422, "tussen 2000 en 2100"),
        ("/bestaat-niet", 404, "Niet gevonden"),
    ] {
        let (got, html) = page(&client, app.url(path)).await;
        assert_eq!(got, status, "{path}");
        assert!(
            html.contains("lang=\"nl\"") && html.contains(text),
            "{path}: {html}"
        );
    }
}

pub fn totp_code(secret: &str) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_string())
        .to_bytes()
        .unwrap();
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes)
        .unwrap()
        .generate_current()
        .unwrap()
}

async fn a_required_second_factor_is_set_up_once_and_asked_at_every_login(db: TestDb) {
    let app = App::spawn(db).await;
    let me = app.user_id("coordinator").await;
    app.store.set_totp_required(me, true).await.unwrap();
    let client = browser();
    // The password's answer: the page that asks for the code, and its challenge.
    let password_step = || async {
        let r = post_form(&app, &client, "/inloggen", COORDINATOR_LOGIN).await;
        assert_eq!(r.status(), 303);
        assert!(
            r.headers().get("set-cookie").is_none(),
            "no session after the password alone"
        );
        let location = r.headers()["location"].to_str().unwrap().to_string();
        assert!(location.starts_with("/inloggen/code?c="), "{location}");
        let challenge = location.trim_start_matches("/inloggen/code?c=");
        let challenge = challenge.split('&').next().unwrap().to_string();
        (location, challenge)
    };
    let (location, challenge) = password_step().await;
    let (status, html) = page(&client, app.url(&location)).await;
    assert_eq!(status, 200);
    let needle = "<code id=\"totp-secret\">";
    let start = html.find(needle).expect("a secret to set up") + needle.len();
    let secret = html[start..start + 32].to_string();
    let answer = |code: String, challenge: String| {
        let request = client.post(app.url("/inloggen/code")).form(&[
            ("c", challenge.as_str()),
            ("code", code.as_str()),
            ("next", "/casussen"),
        ]);
        async move { request.send().await.unwrap() }
    };
    let wrong = answer("12345".into(), challenge.clone()).await;
    assert_eq!(wrong.status(), 401);
    assert!(wrong.text().await.unwrap().contains("Deze code klopt niet"));
    let right = answer(totp_code(&secret), challenge.clone()).await;
    assert_eq!(right.status(), 303);
    assert_eq!(right.headers()["location"], "/casussen");
    assert!(
        right.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("nazorg_session=")
    );
    let reused = answer(totp_code(&secret), challenge).await;
    assert_eq!(
        (
            reused.status().as_u16(),
            reused.headers()["location"].to_str().unwrap()
        ),
        (303, "/inloggen"),
        "a challenge is used once"
    );

    let (again, challenge) = password_step().await;
    let (_, html) = page(&client, app.url(&again)).await;
    assert!(
        !html.contains("totp-secret"),
        "the secret is shown only when it is set up"
    );
    assert_eq!(
        answer(totp_code(&secret), challenge).await.status(),
        303,
        "the same app's code works the next time"
    );
}

/// Signing in on a shared computer after someone else: their session ends then, not only
/// the browser's cookie.
async fn a_new_login_ends_the_session_the_browser_held(db: TestDb) {
    let app = App::spawn(db).await;
    app.add_user("tweede", "", nazorg_domain::access::Role::Coordinator)
        .await;
    let client = browser();
    let session = |r: &reqwest::Response| {
        let cookie = r.headers()["set-cookie"].to_str().unwrap();
        cookie.split(';').next().unwrap().to_string()
    };
    let first = post_form(&app, &client, "/inloggen", COORDINATOR_LOGIN).await;
    let first = session(&first);
    let other = [
        ("username", "tweede"),
        ("password", PASSWORD),
        ("next", "/casussen"),
    ];
    let second = post_form(&app, &client, "/inloggen", other).await;
    assert_eq!(second.status(), 303);
    let second = session(&second);
    assert_ne!(first, second);
    let with = |cookie: String| {
        let request = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(app.url("/casussen"))
            .header("cookie", cookie);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(with(second).await, 200, "the new session works");
    assert_eq!(with(first).await, 303, "the one before it has ended");
}

crate::on_both_databases!(
    a_new_login_ends_the_session_the_browser_held,
    a_required_second_factor_is_set_up_once_and_asked_at_every_login,
    malformed_addresses_get_a_dutch_page,
    repeated_wrong_passwords_lock_the_account_for_a_while,
    a_burst_of_logins_does_not_starve_other_requests,
    a_save_after_the_session_ended_comes_back_after_logging_in,
    refused_forms_elsewhere_keep_what_was_typed,
    a_refused_field_is_marked_and_named_next_to_it,
    a_stale_budget_form_is_refused_with_the_cap_as_it_is_now,
    guessable_passwords_are_refused_for_new_accounts,
    the_setup_link_creates_the_first_administrator_once,
    pages_need_a_login_and_a_wrong_password_is_refused_in_dutch,
    a_coordinator_enters_a_notification_and_works_the_case_with_forms,
);
