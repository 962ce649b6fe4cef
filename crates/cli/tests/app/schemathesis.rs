//! Schemathesis (PyPI) over the served OpenAPI document, as a coordinator: no server
//! errors, no answer the document does not declare, no response that breaks its schema,
//! no schema-invalid input accepted (issue 12). `.ci/run` installs it and names it in
//! `NAZORG_SCHEMATHESIS`; elsewhere `st` on the `PATH` is used, or the test is skipped.

use crate::common::{App, TestDb, notification, skip, triage_domains};
use serde_json::json;
use std::path::Path;
use std::process::Command;

/// The Schemathesis command, if there is one here.
fn schemathesis() -> Option<String> {
    let named = std::env::var("NAZORG_SCHEMATHESIS").ok();
    let candidate = named.unwrap_or_else(|| "st".into());
    let works = Command::new(&candidate)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    works.then_some(candidate)
}

async fn the_api_keeps_to_its_openapi_document_under_schemathesis(db: TestDb) {
    let Some(st) = schemathesis() else {
        skip(
            "Schemathesis is not installed (pip install schemathesis; or set NAZORG_SCHEMATHESIS)",
        );
        return;
    };
    let app = App::spawn(db).await;
    // A case with something of every kind a path names: an agreement, an agenda item and
    // an identity signal.
    let case = app.accepted_case().await;
    let domains = triage_domains("practical", "high");
    let triage = json!({"domains": domains, "note": "", "known_to_skt": null, "known_to_safety_chamber": null});
    app.put_case(case, "triage", triage).await;
    let agreement =
        json!({"domain": "housing", "description": "Woning zoeken", "owner": "Inwoner"});
    let r = app.post_case(case, "agreements", agreement).await;
    let agreement = r.json["agreements"][0]["id"].as_i64().unwrap();
    let r = app.put_on_safety_agenda(case, "2026-03-01", "Zorgen").await;
    let item = r.json["safety_agenda"][0]["id"].as_i64().unwrap();
    app.post_notification(json!({"birth_date": "1980-01-01"}))
        .await;
    let signal = app.case(case).await["open_signals"][0]["id"]
        .as_i64()
        .unwrap();
    app.notify(notification(
        json!({"bsn": "562930036", "family_name": "Willems"}),
    ))
    .await;

    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemathesis/schemathesis.toml");
    // The coverage phase draws invalid values of every parameter (an id above its maximum,
    // a header left out) to see them refused: with the case's ids filled in it would send
    // valid ones. It runs on its own, with the same checks but without those ids.
    let dir = tempfile::tempdir().unwrap();
    let coverage_config = dir.path().join("coverage.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let without_ids = text.split("\n[parameters]").next().unwrap().to_string();
    std::fs::write(&coverage_config, without_ids).unwrap();
    let run = |config: std::path::PathBuf, phases: &'static str| {
        let (base, token, st) = (app.base.clone(), app.token.clone(), st.clone());
        tokio::task::spawn_blocking(move || {
            Command::new(st)
                .arg("--config-file")
                .arg(config)
                .args(["run", &format!("{base}/api/v1/openapi.json")])
                .args(["--header", &format!("Authorization: Bearer {token}")])
                .args(["--checks", "all", "--phases", phases])
                .args([
                    "--max-examples",
                    "25",
                    // One worker: CPython 3.11's AST bug (gh-106905) is a race between
                    // threads compiling at once.
                    "--workers",
                    "1",
                    "--seed",
                    "20261202",
                ])
                .args(["--no-color"])
                .env("NAZORG_ST_CASE", case.to_string())
                .env("NAZORG_ST_AGREEMENT", agreement.to_string())
                .env("NAZORG_ST_ITEM", item.to_string())
                .env("NAZORG_ST_SIGNAL", signal.to_string())
                .output()
                .expect("run schemathesis")
        })
    };
    let mut summaries = Vec::new();
    for (config, phases) in [
        (config.clone(), "examples,fuzzing,stateful"),
        (coverage_config.clone(), "coverage"),
    ] {
        // CPython's AST bug (gh-106905 and kin) makes Hypothesis fail now and then while it
        // describes a strategy: an error of the tool, not a finding about the API. Such a
        // run (and only such a run) is tried again.
        let mut attempts = 0;
        let (out, report) = loop {
            attempts += 1;
            let out = run(config.clone(), phases).await.unwrap();
            let report = String::from_utf8_lossy(&out.stdout).to_string();
            let tool_fault = report.contains("AST constructor recursion depth mismatch")
                && !report.contains("Failures:");
            if out.status.success() || !tool_fault || attempts == 5 {
                break (out, report);
            }
            eprintln!("schemathesis: its own error (CPython AST bug), run {attempts} again");
        };
        assert!(
            out.status.success(),
            "Schemathesis ({phases}) found problems:\n{report}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        summaries.push(report);
    }
    let report = summaries.join("\n");
    let summary = report
        .lines()
        .rev()
        .find(|l| l.contains("passed"))
        .unwrap_or("");
    eprintln!("schemathesis: {summary}");
}

crate::on_both_databases!(the_api_keeps_to_its_openapi_document_under_schemathesis);
