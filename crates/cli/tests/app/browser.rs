//! A real headless Chromium, driven over WebDriver, walks a notification to a closed
//! case, and axe-core checks every page it visits for WCAG 2.1 A/AA violations.

use crate::common::{App, LIFE_DOMAINS, PASSWORD, TestDb, skip};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn axe_path() -> PathBuf {
    std::env::var("NAZORG_AXE_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/axe-core/axe.min.js")
        })
}

/// Chromedriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_driver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if reqwest::get(format!("{url}/status")).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Driver { child, url }
}

async fn browser(driver: &Driver, profile: &std::path::Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--window-size=1280,1024", format!("--user-data-dir={}", profile.display())]
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("start a Chromium session")
}

/// The WCAG 2.1 A/AA violations axe-core finds on the current page.
async fn violations(client: &Client, axe: &str) -> serde_json::Value {
    client.execute(axe, vec![]).await.expect("inject axe-core");
    let script = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
           .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                                                     nodes: v.nodes.map(n => n.target.join(' ')) }))))
           .catch(e => done([{ id: 'axe-error', help: String(e) }]));
    "#;
    client
        .execute_async(script, vec![])
        .await
        .expect("run axe-core")
}

/// Fails on any WCAG 2.1 A/AA violation of the current page; with NAZORG_SCREENSHOTS set
/// to a folder, also saves a screenshot of it there for a person to look at.
async fn assert_accessible(client: &Client, axe: &str, page: &str) {
    if let Ok(dir) = std::env::var("NAZORG_SCREENSHOTS") {
        let png = client.screenshot().await.expect("screenshot");
        std::fs::write(
            std::path::Path::new(&dir).join(format!("{}.png", page.replace(' ', "-"))),
            png,
        )
        .expect("save screenshot");
    }
    assert_eq!(
        violations(client, axe).await,
        json!([]),
        "accessibility violations on {page}"
    );
}

/// The element at `css` on the current page, which must be there.
async fn element(client: &Client, css: &str, what: &str) -> fantoccini::elements::Element {
    let found = client.find(Locator::Css(css)).await;
    found.unwrap_or_else(|_| panic!("no {what} {css}"))
}

async fn fill(client: &Client, css: &str, text: &str) {
    let field = element(client, css, "field").await;
    field.send_keys(text).await.unwrap();
}

async fn set(client: &Client, id: &str, value: &str) {
    client
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![json!(id), json!(value)],
        )
        .await
        .unwrap();
}

async fn choose(client: &Client, css: &str, value: &str) {
    let select = element(client, css, "select").await;
    select.select_by_value(value).await.unwrap();
}

async fn click(client: &Client, css: &str) {
    let target = element(client, css, "element to click").await;
    target.click().await.unwrap();
}

/// Opens a path of the application.
async fn visit(client: &Client, base: &str, path: &str) {
    client.goto(&format!("{base}{path}")).await.unwrap();
}

/// Logs in with the login form on the current page, and waits for the next page.
async fn log_in(client: &Client, username: &str) {
    fill(client, "#username", username).await;
    fill(client, "#password", PASSWORD).await;
    submit(client, "/inloggen").await;
}

/// Submits the form posted to `form_action` (the case page's forms add the version shown,
/// `?versie=`) and waits for the next page.
async fn submit(client: &Client, form_action: &str) {
    click(
        client,
        &format!(
            "form[action='{form_action}'] button[type=submit], \
             form[action^='{form_action}?'] button[type=submit]"
        ),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(150)).await;
}

async fn text(client: &Client) -> String {
    client
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Asserts that the current page's main content shows each of these texts, and returns it.
async fn assert_shows(client: &Client, texts: &[&str]) -> String {
    let page = text(client).await;
    for expected in texts {
        assert!(page.contains(expected), "{expected} in {page}");
    }
    page
}

async fn a_coordinator_walks_a_case_from_notification_to_closure_in_a_real_browser(db: TestDb) {
    let axe_file = axe_path();
    if !std::path::Path::new(CHROMEDRIVER).exists() || !std::path::Path::new(CHROMIUM).exists() {
        return skip(
            "Chromium or chromedriver is not installed (apt-get install chromium chromium-driver); browser test skipped",
        );
    }
    let Ok(axe) = std::fs::read_to_string(&axe_file) else {
        return skip(&format!(
            "axe-core is not at {} (npm install --no-save axe-core); browser test skipped",
            axe_file.display()
        ));
    };
    let app = App::spawn(db).await;
    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let base = app.base.clone();

    // The checker itself must be able to fail: a page with an unlabelled field and an image
    // without text is caught.
    client
        .goto("data:text/html,<html><body><img src='x.png'><input></body></html>")
        .await
        .unwrap();
    let found = violations(&client, &axe).await;
    assert!(
        found.as_array().is_some_and(|v| v.len() >= 2),
        "axe-core found nothing on a broken page: {found}"
    );

    visit(&client, &base, "/casussen").await;
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/inloggen")
    );
    assert_accessible(&client, &axe, "the login page").await;
    log_in(&client, "coordinator").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/casussen");
    assert_accessible(&client, &axe, "the empty worklist").await;

    click(&client, "a[href='/meldingen/nieuw']").await;
    assert_accessible(&client, &axe, "the notification form").await;
    fill(&client, "#bsn", "481656686").await;
    fill(&client, "#family_name", "Öztürk").await;
    fill(&client, "#given_names", "Selin").await;
    set(&client, "birth_date", "1997-07-07").await;
    choose(&client, "#brp_status", "registered").await;
    fill(&client, "#institution", "PI Haaglanden").await;
    set(&client, "detention_start", "2026-03-12").await;
    set(&client, "expected_release", "2026-09-12").await;
    choose(&client, "#sentence", "prison_sentence").await;
    submit(&client, "/meldingen").await;
    let case_url = client.current_url().await.unwrap();
    assert!(case_url.path().starts_with("/casussen/"), "{case_url}");
    let case_path = case_url.path().to_string();
    assert_shows(&client, &["Selin Öztürk", "Valt onder de doelgroep"]).await;
    assert_accessible(&client, &axe, "a new case").await;

    choose(&client, "#offer-kind", "visit_in_prison").await;
    click(&client, "#offer-accepted").await;
    submit(&client, &format!("{case_path}/aanbod")).await;
    assert_shows(&client, &["Opgeslagen: Contact en aanbod."]).await;

    for domain in LIFE_DOMAINS {
        let complex = domain == "housing" || domain == "income";
        choose(
            &client,
            &format!("#need-{domain}"),
            if complex { "complex" } else { "none" },
        )
        .await;
        choose(
            &client,
            &format!("#reliance-{domain}"),
            if complex { "low" } else { "high" },
        )
        .await;
    }
    submit(&client, &format!("{case_path}/triage")).await;
    assert_shows(
        &client,
        &["Voorstel van het systeem op grond van de triage: Sociaal Kernteam"],
    )
    .await;
    assert_accessible(&client, &axe, "a triaged case").await;

    choose(&client, "#direction", "skt").await;
    fill(
        &client,
        "#direction-reason",
        "Complexe problemen op twee leefgebieden.",
    )
    .await;
    submit(&client, &format!("{case_path}/regie")).await;

    click(&client, "#plan summary").await;
    choose(&client, "#ag-domain", "housing").await;
    fill(&client, "#ag-description", "Urgentieaanvraag indienen").await;
    fill(&client, "#ag-owner", "Zorgregisseur").await;
    submit(&client, &format!("{case_path}/afspraken")).await;
    assert_shows(&client, &["Urgentieaanvraag indienen"]).await;

    // A referral to Exodus, bought from the budget, that an Exodus worker finishes.
    let exodus = refer_to_exodus_for_housing(&client, &app).await;
    click(&client, "#ref-domain-income").await;
    let service = app.service_id("Exodus ambulant begeleidingstraject").await;
    choose(&client, "#ref-service", &service.to_string()).await;
    fill(
        &client,
        "#ref-reason",
        "Specialistische begeleiding bij wonen en schulden.",
    )
    .await;
    submit(&client, &format!("{case_path}/verwijzingen")).await;
    assert_shows(&client, &["Opgeslagen: Verwijzingen.", "Gevraagd"]).await;
    assert_accessible(&client, &axe, "a case with a referral").await;
    app.store
        .add_user(
            "ellen",
            "Ellen van Exodus",
            PASSWORD,
            nazorg_domain::access::Role::ExodusWorker,
            "1783",
            Some(exodus),
        )
        .await
        .unwrap();
    submit(&client, "/uitloggen").await;
    log_in(&client, "ellen").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/verwijzingen");
    assert_shows(&client, &["Selin Öztürk"]).await;
    assert_accessible(&client, &axe, "the Exodus worker's referrals").await;
    click(&client, "td a[href^='/verwijzingen/']").await;
    let referral_path = client.current_url().await.unwrap().path().to_string();
    let page = assert_shows(
        &client,
        &["Specialistische begeleiding bij wonen en schulden."],
    )
    .await;
    assert!(!page.contains("PI Haaglanden"), "{page}");
    assert_accessible(&client, &axe, "a referral as Exodus sees it").await;
    let step = format!("{referral_path}/stap");
    submit(&client, &step).await; // accept
    assert_shows(&client, &["Opgeslagen: Accepteren."]).await;
    submit(&client, &step).await; // start
    click(&client, "#afronden summary").await;
    choose(&client, "#finish-result", "achieved").await;
    fill(
        &client,
        "#finish-note",
        "Woning gevonden, schuldhulp loopt.",
    )
    .await;
    click(&client, "#afronden button[type=submit]").await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_shows(&client, &["Afgerond", "Doel bereikt"]).await;
    visit(&client, &base, &case_path).await;
    assert!(
        text(&client).await.contains("geeft geen toegang"),
        "the Exodus worker cannot open the whole case"
    );
    visit(&client, &base, "/verwijzingen").await;
    submit(&client, "/uitloggen").await;
    log_in(&client, "coordinator").await;
    assert_shows(
        &client,
        &["Terugmeldingen van ketenpartners", "Doel bereikt"],
    )
    .await;
    assert_accessible(&client, &axe, "the worklist with a report back").await;
    click(&client, "form[action$='/gezien'] button").await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert!(
        !text(&client)
            .await
            .contains("Terugmeldingen van ketenpartners")
    );
    visit(&client, &base, "/budget").await;
    assert!(
        text(&client).await.contains("€ 3.200,00"),
        "the trajectory is spent on the budget"
    );
    assert_accessible(&client, &axe, "the budget page").await;
    for (path, page) in [
        ("/afwezigheid", "the absence page"),
        ("/agenda", "the calendar page"),
        ("/mijn-werk?team=1", "the team's work"),
    ] {
        visit(&client, &base, path).await;
        assert_accessible(&client, &axe, page).await;
    }
    visit(&client, &base, &case_path).await;

    for check in ["#ready-housing", "#ready-brp", "#ready-id", "#ready-income"] {
        click(&client, check).await;
    }
    submit(&client, &format!("{case_path}/checklist")).await;
    submit(&client, &format!("{case_path}/vrijlating")).await;
    assert_shows(&client, &["Nazorgperiode"]).await;
    assert_accessible(&client, &axe, "a case in its aftercare period").await;

    click(&client, "#afsluiten summary").await;
    choose(&client, "#close-reason", "completed").await;
    choose(&client, "#close-overall", "successful").await;
    for domain in LIFE_DOMAINS {
        choose(&client, &format!("#result-{domain}"), "arranged").await;
    }
    click(&client, "#close-confirm").await;
    submit(&client, &format!("{case_path}/afsluiten")).await;
    assert_shows(
        &client,
        &[
            "Afgesloten op",
            "Resultaat: geslaagd.",
            "Afgesloten",
            "Fase: ‘Nazorgperiode’ → ‘Afgesloten’.",
        ],
    )
    .await;
    assert_accessible(&client, &axe, "a closed case").await;

    visit(&client, &base, "/casussen?status=closed").await;
    assert_shows(&client, &["Selin Öztürk"]).await;
    assert_accessible(&client, &axe, "the worklist with a result").await;

    // The closed case shows up in the monitor and the evaluation, charts and all.
    visit(&client, &base, "/monitor?from=2000-01-01&to=2026-12-31").await;
    let page = assert_shows(&client, &["Van melding tot afsluiting"]).await;
    assert!(!page.contains("Selin"), "{page}");
    assert_accessible(&client, &axe, "the monitor").await;
    visit(&client, &base, "/evaluatie?from=2000-01-01&to=2026-12-31").await;
    assert_shows(&client, &["6. Effect"]).await;
    assert_accessible(&client, &axe, "the evaluation report").await;
    visit(&client, &base, "/prognose").await;
    assert_accessible(&client, &axe, "the outflow and forecast").await;

    // The right of access as a readable document, and the safety chamber's agenda.
    visit(&client, &base, &case_path).await;
    let processings = element(
        &client,
        "a[href$='/verwerkingen']",
        "link to the processings",
    )
    .await
    .attr("href")
    .await
    .unwrap()
    .unwrap();
    let access = processings.replace("/verwerkingen", "/inzage");
    visit(&client, &base, &access).await;
    assert_shows(&client, &["Öztürk"]).await;
    assert_accessible(&client, &axe, "the readable access document").await;
    visit(&client, &base, "/veiligheidskamer").await;
    assert_accessible(&client, &axe, "the safety chamber's agenda").await;
    client.close().await.unwrap();
}

/// Opens the case page's referral form and fills it in for Exodus, for housing; the
/// partner's id.
async fn refer_to_exodus_for_housing(client: &Client, app: &App) -> nazorg_domain::ids::PartnerId {
    click(client, "#verwijzingen summary").await;
    let exodus = app
        .partner_id(nazorg_domain::referral::PartnerKind::Exodus)
        .await;
    choose(client, "#ref-partner", &exodus.to_string()).await;
    click(client, "#ref-domain-housing").await;
    exodus
}

/// The value of a form field on the current page, as the browser holds it.
async fn value_of(client: &Client, css: &str) -> serde_json::Value {
    client
        .execute(
            "const e = document.querySelector(arguments[0]); return e.type === 'checkbox' ? e.checked : e.value;",
            vec![json!(css)],
        )
        .await
        .unwrap()
}

async fn refused_forms_keep_what_was_typed_and_a_stale_tab_gets_the_conflict(db: TestDb) {
    if !std::path::Path::new(CHROMEDRIVER).exists() || !std::path::Path::new(CHROMIUM).exists() {
        return skip(
            "Chromium or chromedriver is not installed (apt-get install chromium chromium-driver); browser test skipped",
        );
    }
    let app = App::spawn(db).await;
    let case = app.accepted_case().await;
    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let base = app.base.clone();
    let case_path = format!("/casussen/{case}");
    visit(&client, &base, &case_path).await;
    log_in(&client, "coordinator").await;
    visit(&client, &base, &case_path).await;

    // The triage, with an invisible character in its note: refused, every answer kept.
    for domain in LIFE_DOMAINS {
        choose(&client, &format!("#need-{domain}"), "practical").await;
        choose(&client, &format!("#reliance-{domain}"), "moderate").await;
    }
    choose(&client, "#need-housing", "complex").await;
    set(&client, "triage-note", "Schulden\u{200B} en geen woning").await;
    choose(&client, "#known-skt", "ja").await;
    submit(&client, &format!("{case_path}/triage")).await;
    assert_shows(&client, &["Niet opgeslagen", "onzichtbaar teken"]).await;
    assert_eq!(value_of(&client, "#need-housing").await, json!("complex"));
    assert_eq!(
        value_of(&client, "#reliance-income").await,
        json!("moderate")
    );
    assert_eq!(value_of(&client, "#known-skt").await, json!("ja"));
    assert_eq!(
        value_of(&client, "#triage-note").await,
        json!("Schulden\u{200B} en geen woning")
    );
    set(&client, "triage-note", "Schulden en geen woning").await;
    submit(&client, &format!("{case_path}/triage")).await;
    assert_shows(&client, &["Opgeslagen: Triage."]).await;

    // A referral with an invisible character in its reason: refused, partner, domains and
    // reason kept.
    let exodus = refer_to_exodus_for_housing(&client, &app).await;
    set(&client, "ref-reason", "Woonbegeleiding\u{202E}").await;
    submit(&client, &format!("{case_path}/verwijzingen")).await;
    assert_shows(&client, &["Niet opgeslagen", "onzichtbaar teken"]).await;
    assert_eq!(
        value_of(&client, "#ref-partner").await,
        json!(exodus.to_string())
    );
    assert_eq!(value_of(&client, "#ref-domain-housing").await, json!(true));
    assert_eq!(value_of(&client, "#ref-domain-income").await, json!(false));
    assert_eq!(
        value_of(&client, "#ref-reason").await,
        json!("Woonbegeleiding\u{202E}")
    );

    // A closure whose note hides a character: refused, reason, note and confirmation kept.
    visit(&client, &base, &case_path).await;
    click(&client, "#afsluiten summary").await;
    choose(&client, "#close-reason", "moved_away").await;
    set(&client, "close-note", "Verhuisd naar Delft\u{200B}").await;
    click(&client, "#close-confirm").await;
    submit(&client, &format!("{case_path}/afsluiten")).await;
    assert_shows(&client, &["Niet opgeslagen", "onzichtbaar teken"]).await;
    assert_eq!(
        value_of(&client, "#close-reason").await,
        json!("moved_away")
    );
    assert_eq!(
        value_of(&client, "#close-note").await,
        json!("Verhuisd naar Delft\u{200B}")
    );
    assert_eq!(value_of(&client, "#close-confirm").await, json!(true));

    // A tab left open while a colleague saves the checklist: the save is refused with the
    // conflict page, the colleague's change shown and the tick typed kept.
    visit(&client, &base, &case_path).await;
    let colleague =
        json!({"housing": false, "brp_registration": true, "id_document": false, "income": false});
    assert_eq!(app.put_case(case, "readiness", colleague).await.status, 200);
    click(&client, "#ready-income").await;
    submit(&client, &format!("{case_path}/checklist")).await;
    assert_shows(&client, &["Checklist vrijlating is intussen gewijzigd"]).await;
    assert_eq!(value_of(&client, "#ready-income").await, json!(true));
    // Sent again as it stands, it saves what the form now says, knowingly over the change
    // the page named.
    submit(&client, &format!("{case_path}/checklist")).await;
    assert_shows(&client, &["Opgeslagen: Checklist vrijlating."]).await;
    let readiness = &app.case(case).await["readiness"];
    assert_eq!(
        (
            readiness["income"].clone(),
            readiness["brp_registration"].clone()
        ),
        (json!(true), json!(false))
    );
    client.close().await.unwrap();
}

crate::on_both_databases!(
    a_coordinator_walks_a_case_from_notification_to_closure_in_a_real_browser,
    refused_forms_keep_what_was_typed_and_a_stale_tab_gets_the_conflict,
);
