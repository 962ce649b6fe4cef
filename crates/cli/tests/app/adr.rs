//! The served OpenAPI document keeps the NL GOV API Design Rules: the Logius ruleset
//! (crates/cli/tests/adr/linter.yaml) reports no error (issue 13).

use crate::common::{App, TestDb, skip};
use std::path::Path;
use std::process::Command;

async fn the_served_openapi_document_keeps_the_api_design_rules(db: TestDb) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let spectral = root.join("node_modules/.bin/spectral");
    if !spectral.exists() {
        return skip(
            "Spectral is not installed (npm install --no-save @stoplight/spectral-cli@6); API design rules not checked",
        );
    }
    let app = App::spawn(db).await;
    let doc = app.get_anonymous("/api/v1/openapi.json").await;
    assert_eq!(doc.status, 200);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, doc.json.to_string()).unwrap();
    let ruleset = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/adr/linter.yaml");
    let out = tokio::task::spawn_blocking(move || {
        Command::new(spectral)
            .arg("lint")
            .arg("--ruleset")
            .arg(ruleset)
            .args(["--fail-severity", "error"])
            .arg(&file)
            .output()
            .expect("run spectral")
    })
    .await
    .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the API design rules are broken:\n{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

crate::on_both_databases!(the_served_openapi_document_keeps_the_api_design_rules);
