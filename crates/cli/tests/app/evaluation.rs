//! The evaluation writes itself: the monitor's figures on generated data whose true
//! values the test computes on its own, the same figures from the API, the CLI (JSON and
//! XLSX) and the dashboard; reach without releases; the pseudonymised export; the PDF.

use crate::common::{
    App, TestDb, csrf_of, notification, page, post_form, signed_in, skip, triage_domains,
};
use nazorg_domain::Bsn;
use nazorg_domain::access::Role;
use serde_json::{Value, json};
use std::process::Command;

const FROM: &str = "2026-01-01";
const TO: &str = "2026-04-30";

/// One generated detention and what the test knows about it.
#[derive(Debug, Clone)]
struct Truth {
    in_period: bool,
    eligible: bool,
    released: bool,
    outcome: Option<&'static str>,
    days_to_contact: i64,
    direction: Option<&'static str>,
}

fn day(base: &str, plus: i64) -> String {
    let date = nazorg_domain::parse_date(base).unwrap() + time::Duration::days(plus);
    nazorg_domain::dates::format_iso(date)
}

fn bsn(n: u32) -> String {
    (n * 13..)
        .find_map(Bsn::complete)
        .map(|b| b.as_str().to_string())
        .unwrap()
}

/// Generates detentions in and around the period with a fixed seed and walks them through
/// the API: offers with their contact dates, triage and direction. Returns the truth.
async fn generate(app: &App, seed: u64, count: u32) -> Vec<Truth> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut truths = Vec::new();
    for n in 0..count {
        // Most detentions start in the period; some just before or after it.
        let offset = rng.i64(-20..140);
        let start = day("2026-01-01", offset);
        let in_period = (0..=119).contains(&offset);
        let eligible = rng.u8(0..10) < 8;
        // Released (expected release passed by 25-11-2026) or still inside (2027).
        let released = rng.bool();
        let release = if released {
            day(&start, rng.i64(30..150))
        } else {
            day("2027-03-01", rng.i64(0..90))
        };
        let body = notification(json!({
            "bsn": bsn(10_000 + n),
            "family_name": format!("Gegenereerd{n}"),
            "detention_start": start,
            "expected_release": release,
            "sentence": if eligible { "prison_sentence" } else { "pretrial" },
        }));
        let id = app.notify(body.clone()).await;
        if n % 7 == 0 {
            // The same detention notified again by another source: still one case.
            let mut again = body.clone();
            again["source"] = json!("casemanager");
            assert_eq!(app.notify(again).await, id);
        }
        let mut truth = Truth {
            in_period,
            eligible,
            released,
            outcome: None,
            days_to_contact: 0,
            direction: None,
        };
        if eligible {
            let outcome = match rng.u8(0..10) {
                0..=4 => Some("accepted"),
                5..=6 => Some("declined"),
                7 => Some("not_reached"),
                _ => None,
            };
            if let Some(outcome) = outcome {
                truth.days_to_contact = rng.i64(1..25);
                let r = app
                    .put_case(
                        id,
                        "offer",
                        json!({"outcome": outcome, "date": day(&start, truth.days_to_contact), "kind": "visit_in_prison", "note": ""}),
                    )
                    .await;
                assert_eq!(r.status, 200, "{}", r.json);
                truth.outcome = Some(outcome);
            }
            if outcome == Some("accepted") && rng.u8(0..4) > 0 {
                let domains = triage_domains("practical", "moderate");
                let r = app
                    .put_case(
                        id,
                        "triage",
                        json!({"domains": domains, "known_to_skt": rng.bool(), "note": "", "known_to_safety_chamber": null}),
                    )
                    .await;
                assert_eq!(r.status, 200, "{}", r.json);
                let direction = ["coordinator", "skt", "exodus"][rng.usize(0..3)];
                let r = app.direct(id, direction, "Uit de triage").await;
                assert_eq!(r.status, 200, "{}", r.json);
                truth.direction = Some(direction);
            }
        }
        truths.push(truth);
    }
    truths
}

/// The figures the monitor must give, computed here from the truth alone.
fn expected(truths: &[Truth]) -> Value {
    let cases: Vec<&Truth> = truths.iter().filter(|t| t.in_period).collect();
    let eligible: Vec<&&Truth> = cases.iter().filter(|t| t.eligible).collect();
    let contacted = |t: &Truth| matches!(t.outcome, Some("accepted" | "declined"));
    let released = eligible.iter().filter(|t| t.released).count();
    let reached_released = eligible
        .iter()
        .filter(|t| t.released && contacted(t))
        .count();
    let mut days: Vec<i64> = eligible
        .iter()
        .filter(|t| contacted(t))
        .map(|t| t.days_to_contact)
        .collect();
    days.sort();
    let (median, p90) = if days.is_empty() {
        (Value::Null, Value::Null)
    } else {
        let n = days.len();
        let median = if n % 2 == 1 {
            days[n / 2] as f64
        } else {
            (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0
        };
        let rank = ((n as f64) * 0.9).ceil() as usize;
        (json!(median), json!(days[rank - 1] as f64))
    };
    let direction = |d: &str| eligible.iter().filter(|t| t.direction == Some(d)).count();
    json!({
        "notifications": cases.len(),
        "eligible": eligible.len(),
        "contacted": eligible.iter().filter(|t| contacted(t)).count(),
        "accepted": eligible.iter().filter(|t| t.outcome == Some("accepted")).count(),
        "released": released,
        "closed": 0,
        "reach": if released == 0 { Value::Null } else { json!(reached_released as f64 / released as f64) },
        "by_direction": {"coordinator": direction("coordinator"), "skt": direction("skt"), "exodus": direction("exodus")},
        "throughput_days": {"notification_to_contact": {"median": median, "p90": p90}},
    })
}

/// The figures the issue names, picked from a monitor JSON.
fn picked(m: &Value) -> Value {
    let t = &m["throughput_days"]["notification_to_contact"];
    json!({
        "notifications": m["notifications"], "eligible": m["eligible"], "contacted": m["contacted"],
        "accepted": m["accepted"], "released": m["released"], "closed": m["closed"], "reach": m["reach"],
        "by_direction": {"coordinator": m["by_direction"]["coordinator"], "skt": m["by_direction"]["skt"], "exodus": m["by_direction"]["exodus"]},
        "throughput_days": {"notification_to_contact": {"median": t["median"], "p90": t["p90"]}},
    })
}

async fn fetch(client: &reqwest::Client, url: String) -> (u16, String, Vec<u8>) {
    let r = client.get(url).send().await.unwrap();
    let status = r.status().as_u16();
    let content_type = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, content_type, r.bytes().await.unwrap().to_vec())
}

/// The value in a row of a dashboard table: `<th scope="row">label</th><td class="num">value</td>`.
fn dashboard_cell(html: &str, table: &str, row: &str) -> String {
    let start = html
        .find(&format!("id=\"tabel-{table}\""))
        .unwrap_or_else(|| panic!("table {table}"));
    let rest = &html[start..];
    let at = rest
        .find(&format!("<th scope=\"row\">{row}</th>"))
        .unwrap_or_else(|| panic!("row {row} in {table}"));
    let cell = &rest[at..];
    let open = cell.find("<td class=\"num\">").unwrap() + "<td class=\"num\">".len();
    let close = cell[open..].find("</td>").unwrap();
    cell[open..open + close].to_string()
}

fn xlsx_key_figures(bytes: &[u8]) -> std::collections::HashMap<String, calamine::Data> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range("Kerncijfers").unwrap();
    range
        .rows()
        .skip(2)
        .map(|r| (r[0].to_string(), r[2].clone()))
        .collect()
}

async fn the_monitor_agrees_with_the_truth_in_the_api_the_cli_the_xlsx_and_the_dashboard(
    db: TestDb,
) {
    let app = App::spawn(db).await;
    let truths = generate(&app, 1783, 40).await;
    let truth = expected(&truths);
    assert!(
        truth["released"].as_u64().unwrap() > 0
            && truth["by_direction"]["skt"].as_u64().unwrap() > 0,
        "the generated data covers the figures: {truth}"
    );

    let api = app
        .get(&format!("/api/v1/monitor?from={FROM}&to={TO}"))
        .await;
    assert_eq!(api.status, 200, "{}", api.json);
    assert_eq!(picked(&api.json), truth, "API");

    let cli = app.cli_json(&[
        "report", "monitor", "--from", FROM, "--to", TO, "--format", "json",
    ]);
    assert_eq!(picked(&cli), truth, "CLI JSON");
    assert_eq!(cli, api.json, "the CLI and the API give the same JSON");

    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("monitor.xlsx");
    app.cli_ok(&[
        "report",
        "monitor",
        "--from",
        FROM,
        "--to",
        TO,
        "--format",
        "xlsx",
        "--output",
        xlsx.to_str().unwrap(),
    ]);
    let sheet = xlsx_key_figures(&std::fs::read(&xlsx).unwrap());
    for key in [
        "notifications",
        "eligible",
        "contacted",
        "accepted",
        "released",
        "closed",
    ] {
        assert_eq!(sheet[key].to_string(), truth[key].to_string(), "XLSX {key}");
    }
    assert_eq!(
        sheet["reach"].to_string().parse::<f64>().unwrap(),
        truth["reach"].as_f64().unwrap(),
        "XLSX reach"
    );
    assert_eq!(
        sheet["throughput_days.notification_to_contact.median"]
            .to_string()
            .parse::<f64>()
            .unwrap(),
        truth["throughput_days"]["notification_to_contact"]["median"]
            .as_f64()
            .unwrap()
    );
    for d in ["coordinator", "skt", "exodus"] {
        assert_eq!(
            sheet[&format!("by_direction.{d}")].to_string(),
            truth["by_direction"][d].to_string()
        );
    }

    let csv = app.cli_ok(&[
        "report", "monitor", "--from", FROM, "--to", TO, "--format", "csv",
    ]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(
        csv.contains(&format!(
            "kerncijfers;eligible;Binnen de doelgroep;{}\n",
            truth["eligible"]
        )),
        "{csv}"
    );

    // The dashboard, as the policy advisor sees it.
    let browser = signed_in(&app, "beleid", Role::PolicyAdvisor).await;
    let (status, html) = page(&browser, app.url(&format!("/monitor?from={FROM}&to={TO}"))).await;
    assert_eq!(status, 200, "{html}");
    for (row, key) in [
        ("Meldingen (detenties)", "notifications"),
        ("Binnen de doelgroep", "eligible"),
        ("Bereikt", "contacted"),
        ("Aanbod aanvaard", "accepted"),
        ("Vrijgelaten", "released"),
    ] {
        assert_eq!(
            dashboard_cell(&html, "trechter", row),
            truth[key].to_string(),
            "dashboard {row}"
        );
    }
    assert_eq!(
        dashboard_cell(&html, "casusregie", "Sociaal Kernteam"),
        truth["by_direction"]["skt"].to_string()
    );
    let reach = truth["reach"].as_f64().unwrap() * 100.0;
    let shown = nazorg_domain::evaluation::decimal(reach, 1);
    assert_eq!(
        dashboard_cell(&html, "bereik", "Bereik"),
        format!("{shown}%")
    );
    assert!(html.contains("role=\"img\""), "charts are accessible SVG");
    assert!(
        !html.contains("Gegenereerd") && !html.contains(&bsn(10_000)),
        "no name or BSN on the dashboard"
    );

    // The dashboard's spreadsheet is the CLI's.
    let (status, content_type, bytes) = fetch(
        &browser,
        app.url(&format!("/monitor.xlsx?from={FROM}&to={TO}")),
    )
    .await;
    assert_eq!(status, 200);
    assert!(content_type.contains("spreadsheetml"));
    assert_eq!(xlsx_key_figures(&bytes), sheet);
}

async fn reach_without_released_residents_is_not_applicable(db: TestDb) {
    let app = App::spawn(db).await;
    let id = app
        .notify(notification(json!({"expected_release": "2027-06-01"})))
        .await;
    app.put_case(
        id,
        "offer",
        json!({"outcome": "accepted", "date": "2026-02-20", "kind": "visit_in_prison", "note": ""}),
    )
    .await;
    let api = app
        .get(&format!("/api/v1/monitor?from={FROM}&to={TO}"))
        .await;
    assert_eq!(api.status, 200);
    assert_eq!(api.json["released"], 0);
    assert_eq!(api.json["reach"], Value::Null);
    let cli = app.cli_json(&["report", "monitor", "--from", FROM, "--to", TO]);
    assert_eq!(cli["reach"], Value::Null);

    let browser = signed_in(&app, "coordinator2", Role::Coordinator).await;
    let get = |path: &str| page(&browser, app.url(path));
    let (status, html) = get(&format!("/monitor?from={FROM}&to={TO}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<span class=\"kpi__value\" id=\"kpi-bereik\">n.v.t.</span>"),
        "{html}"
    );
    assert_eq!(dashboard_cell(&html, "bereik", "Bereik"), "n.v.t.");
    let (status, html) = get(&format!("/evaluatie?from={FROM}&to={TO}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("nog niet te bepalen"));

    // A period that ends before it starts is a Dutch message, not a crash.
    let r = app
        .get("/api/v1/monitor?from=2026-05-01&to=2026-01-01")
        .await;
    assert_eq!(r.status, 422);
    let (status, html) = get("/monitor?from=2026-05-01&to=2026-01-01").await;
    assert_eq!(status, 422);
    assert!(html.contains("ligt na de einddatum"));
}

async fn the_pseudonymised_export_suppresses_small_groups_and_names_nobody(db: TestDb) {
    let app = App::spawn(db).await;
    for n in 0..6 {
        app.notify(notification(json!({
            "bsn": bsn(20_000 + n), "family_name": format!("Geheim{n}"), "detention_start": "2026-01-15",
        })))
        .await;
    }
    for n in 6..8 {
        app.notify(notification(json!({
            "bsn": bsn(20_000 + n), "family_name": format!("Geheim{n}"), "detention_start": "2026-02-15",
        })))
        .await;
    }
    let browser = signed_in(&app, "beleid", Role::PolicyAdvisor).await;
    let url = format!(
        "{}/export/gepseudonimiseerd.csv?from={FROM}&to={TO}",
        app.base
    );
    let (status, content_type, bytes) = fetch(&browser, url.clone()).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/csv"));
    let text = String::from_utf8(bytes).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().unwrap().clone();
    let month = header.iter().position(|h| h == "maand_detentie").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 8);
    let months: Vec<&str> = rows.iter().map(|r| &r[month]).collect();
    assert_eq!(months.iter().filter(|m| **m == "2026-01").count(), 6);
    assert_eq!(
        months.iter().filter(|m| **m == "<5").count(),
        2,
        "two residents in February are suppressed: {months:?}"
    );
    assert!(!months.contains(&"2026-02"));
    for secret in [
        "Geheim",
        "691967301",
        &bsn(20_000),
        "PI Haaglanden",
        "2026-01-15",
    ] {
        assert!(!text.contains(secret), "{secret} is in the export");
    }
    // Stable pseudonyms: the same resident gets the same one in the next export.
    let (_, _, again) = fetch(&browser, url).await;
    let again = String::from_utf8(again).unwrap();
    let first_column = |t: &str| -> Vec<String> {
        t.lines()
            .skip(1)
            .map(|l| l.split(';').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(first_column(&text), first_column(&again));
    assert!(first_column(&text).iter().all(|p| p.starts_with("P-")));

    // The policy advisor sees figures, never a case.
    let cases = app.get("/api/v1/cases").await.json;
    let id = cases["items"][0]["case_id"].as_i64().unwrap();
    let (status, _, _) = fetch(&browser, app.url(&format!("/casussen/{id}"))).await;
    assert_eq!(status, 403);
    let (status, _, _) = fetch(&browser, app.url("/casussen")).await;
    assert_eq!(
        status, 303,
        "the case list sends the policy advisor to the monitor"
    );
    let (status, _, _) = fetch(&browser, app.url("/inwoners/1/verwerkingen")).await;
    assert!(status == 403 || status == 404);

    // The CLI gives the same export.
    let out = app.cli_ok(&["export", "pseudonymised", "--from", FROM, "--to", TO]);
    let cli = String::from_utf8(out.stdout).unwrap();
    assert_eq!(first_column(&cli), first_column(&text));
}

async fn the_evaluation_report_has_one_section_per_question_in_html_pdf_and_xlsx(db: TestDb) {
    let app = App::spawn(db).await;
    generate(&app, 7, 12).await;
    let browser = signed_in(&app, "beleid", Role::PolicyAdvisor).await;
    // The report over the period, as a page or in a format (".pdf", ".xlsx", ".csv").
    let report = |format: &str| {
        let url = app.url(&format!("/evaluatie{format}?from={FROM}&to={TO}"));
        fetch(&browser, url)
    };
    let (status, _, html) = report("").await;
    let html = String::from_utf8(html).unwrap();
    assert_eq!(status, 200);
    let questions = nazorg_domain::evaluation::QUESTIONS;
    for (i, (title, question)) in questions.iter().enumerate() {
        assert!(
            html.contains(&format!("id=\"vraag-{}\"", i + 1)) && html.contains(title),
            "section {title}"
        );
        assert!(html.contains(question), "question {title}");
    }

    let (status, content_type, pdf) = report(".pdf").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evaluatie.pdf");
    std::fs::write(&path, &pdf).unwrap();
    match Command::new("pdftotext").arg(&path).arg("-").output() {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
            for (i, (title, _)) in questions.iter().enumerate() {
                assert_eq!(
                    text.matches(&format!("{}. {title}", i + 1)).count(),
                    1,
                    "one section '{title}' in the PDF: {text}"
                );
            }
            assert!(text.contains("Hoe verloopt de samenwerking"));
            assert!(text.contains("Definities"));
        }
        _ => skip("pdftotext (poppler-utils) is not installed"),
    }

    let (status, _, xlsx) = report(".xlsx").await;
    assert_eq!(status, 200);
    let figures = xlsx_key_figures(&xlsx);
    let api = app
        .get(&format!("/api/v1/monitor?from={FROM}&to={TO}"))
        .await;
    assert_eq!(
        figures["eligible"].to_string(),
        api.json["eligible"].to_string()
    );
    // A client gets the same report over the API: the questions with their answers, the
    // same key figures.
    let r = app
        .get(&format!("/api/v1/evaluation?from={FROM}&to={TO}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(
        (r.json["from"].as_str(), r.json["to"].as_str()),
        (Some(FROM), Some(TO))
    );
    let sections = r.json["sections"].as_array().unwrap();
    assert_eq!(sections.len(), questions.len());
    for (section, (title, question)) in sections.iter().zip(questions.iter()) {
        assert_eq!(
            (&section["title"], &section["question"]),
            (&json!(title), &json!(question))
        );
        assert!(
            !section["answer"].as_array().unwrap().is_empty(),
            "{section}"
        );
    }
    assert_eq!(
        r.json["key_figures"]["eligible"].as_f64(),
        api.json["eligible"].as_f64()
    );
    assert_eq!(r.json["monitor"]["eligible"], api.json["eligible"]);
    let r = app
        .get("/api/v1/evaluation?from=2026-09-01&to=2026-01-01")
        .await;
    assert_eq!(r.status, 422, "{}", r.json);
    assert!(
        r.detail().contains("De begindatum ligt na de einddatum"),
        "{}",
        r.json
    );
    let (status, _, csv) = report(".csv").await;
    assert_eq!(status, 200);
    assert!(
        String::from_utf8(csv)
            .unwrap()
            .contains("uitstroom;2015;Aantal;71")
    );

    // The CLI writes the same PDF.
    let out = dir.path().join("cli.pdf");
    app.cli_ok(&[
        "report",
        "evaluation",
        "--from",
        FROM,
        "--to",
        TO,
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF-"));
}

async fn the_outlook_preloads_the_historic_outflow_and_keeps_bad_assumptions_out(db: TestDb) {
    let app = App::spawn(db).await;
    let browser = signed_in(&app, "beleid", Role::PolicyAdvisor).await;
    let (status, html) = page(&browser, app.url("/prognose")).await;
    assert_eq!(status, 200);
    assert_eq!(dashboard_cell(&html, "uitstroom", "2015"), "71");
    assert_eq!(dashboard_cell(&html, "uitstroom", "2021"), "44");
    assert!(
        html.contains("Verwachte uitstroom in 2027: 53,3 inwoners"),
        "{html}"
    );
    let csrf = csrf_of(&html);
    let assume = |skt: &str| {
        let form = vec![
            ("csrf", csrf.clone()),
            ("versie", "0".into()),
            ("hours_light", "30".into()),
            ("hours_skt", "8".into()),
            ("hours_exodus", "12".into()),
            ("hourly_cost", "90,00".into()),
            ("skt_price", "1.500,00".into()),
            ("exodus_price", "3.200,00".into()),
            ("uptake", "60".into()),
            ("skt_share", skt.to_string()),
            ("exodus_share", "15".into()),
        ];
        post_form(&app, &browser, "/prognose/aannames", form)
    };
    let r = assume("95").await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("SKT en Exodus samen zijn hoogstens 100%"),
        "{html}"
    );
    assert!(html.contains("value=\"95\""), "what was typed is kept");
    let r = assume("25").await;
    assert_eq!(r.status(), 303);
    // The page as first shown, saved again, would undo that: refused, naming who changed it.
    let r = assume("20").await;
    assert_eq!(r.status(), 412);
    let stale = r.text().await.unwrap();
    assert!(
        stale.contains("De capaciteitsraming is intussen gewijzigd door een ander (door"),
        "{stale}"
    );
    let (_, html) = page(&browser, app.url("/prognose?opgeslagen=1")).await;
    assert!(html.contains("value=\"30\"") && html.contains("value=\"90,00\""));
    // 53,3 × 60% = 32 cases; 60% light × 30 h + 25% × 8 h + 15% × 12 h = 21,8 h per case.
    assert_eq!(
        dashboard_cell(&html, "capaciteit", "Uren nazorgcoördinator"),
        "697,6"
    );
}

crate::on_both_databases!(
    the_monitor_agrees_with_the_truth_in_the_api_the_cli_the_xlsx_and_the_dashboard,
    reach_without_released_residents_is_not_applicable,
    the_pseudonymised_export_suppresses_small_groups_and_names_nobody,
    the_evaluation_report_has_one_section_per_question_in_html_pdf_and_xlsx,
    the_outlook_preloads_the_historic_outflow_and_keeps_bad_assumptions_out,
);
