//! Backups of a live database, sealed, and restored into an empty one (issue 12, point 8).

use crate::common::{App, TestDb, nazorg_command, notification, valid_bsns};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Mutex;

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

async fn a_backup_of_a_live_database_restores_with_every_acknowledged_write(db: TestDb) {
    let target = db.another().await;
    let app = Arc::new(App::spawn(db).await);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nazorg.backup");

    // Two writers register notifications until told to stop; each keeps what was
    // acknowledged.
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::<i64>::new()));
    let mut writers = Vec::new();
    for w in 0..2u32 {
        let (app, stop, acknowledged) = (app.clone(), stop.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            for (n, bsn) in valid_bsns(100_000_000 + w * 100_000).take(400).enumerate() {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let body =
                    notification(json!({"bsn": bsn, "family_name": format!("Schrijver{w}x{n}")}));
                let r = app.post("/api/v1/notifications", body).await;
                assert_eq!(r.status, 201, "{}", r.json);
                acknowledged
                    .lock()
                    .await
                    .push(r.json["case_id"].as_i64().unwrap());
            }
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let before: Vec<i64> = acknowledged.lock().await.clone();
    assert!(!before.is_empty(), "the writers are writing");
    let url = app.db_url();
    let out = {
        let file = file.clone();
        tokio::task::spawn_blocking(move || {
            nazorg_command(&url)
                .args(["backup", "--output", file.to_str().unwrap()])
                .env("NAZORG_BACKUP_KEY", KEY)
                .output()
                .unwrap()
        })
        .await
        .unwrap()
    };
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("versleuteld"));
    let total = acknowledged.lock().await.len();
    eprintln!(
        "acknowledged before the copy: {}, in all: {total}",
        before.len()
    );
    assert!(total > before.len(), "the writers went on during the copy");

    // Only its owner may read it, it says what it is, and holds no name in the clear.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"NAZORG-BACKUP/1 "));
    assert!(!String::from_utf8_lossy(&bytes).contains("Schrijver0x"));
    // Not over an earlier copy.
    let again = nazorg_command(&app.db_url())
        .args(["backup", "--output", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("bestaat al"));

    // Without its key, or with another, it does not open; nor into a database in use.
    let restore = |url: &str, key: Option<&str>| {
        let mut command = nazorg_command(url);
        command.args(["restore", file.to_str().unwrap()]);
        match key {
            Some(k) => command.env("NAZORG_BACKUP_KEY", k),
            None => command.env_remove("NAZORG_BACKUP_KEY"),
        };
        command.output().unwrap()
    };
    let keyless = restore(&target.url, None);
    assert_eq!(keyless.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&keyless.stderr).contains("versleuteld: geef de sleutel"));
    let wrong = restore(&target.url, Some(&KEY.replace('0', "1")));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("beschadigd of onvolledig"));
    let in_use = restore(&app.db_url(), Some(KEY));
    assert!(String::from_utf8_lossy(&in_use.stderr).contains("is niet leeg"));

    // Into the empty database: every case acknowledged before the copy began is there,
    // and the processing log's chains hold.
    let restored = restore(&target.url, Some(KEY));
    let said = String::from_utf8_lossy(&restored.stderr).to_string();
    assert!(restored.status.success(), "{said}");
    assert!(said.contains("ketens intact"), "{said}");
    let listed = nazorg_command(&target.url)
        .args(["cases", "list", "--format", "json"])
        .output()
        .unwrap();
    let cases: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let ids: Vec<i64> = cases
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case_id"].as_i64().unwrap())
        .collect();
    let missing: Vec<&i64> = before.iter().filter(|id| !ids.contains(id)).collect();
    assert!(missing.is_empty(), "missing after restore: {missing:?}");
    let verify = nazorg_command(&target.url)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}

async fn an_unsealed_copy_restores_too_and_a_foreign_file_is_refused(db: TestDb) {
    let target = db.another().await;
    let app = App::spawn(db).await;
    let case = app.notify(notification(json!({}))).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain.backup");
    let out = app.cli(&["backup", "--output", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("niet versleuteld"));
    let restored = nazorg_command(&target.url)
        .args(["restore", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let shown = nazorg_command(&target.url)
        .args(["cases", "list", "--format", "json"])
        .output()
        .unwrap();
    let cases: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(cases[0]["case_id"], json!(case));
    assert_eq!(cases[0]["family_name"], "van den Berg");

    let foreign = dir.path().join("foreign.backup");
    std::fs::write(&foreign, "bsn,naam\n").unwrap();
    let refused = nazorg_command(&target.another().await.url)
        .args(["restore", foreign.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is geen kopie van Nazorg"));
}

crate::on_both_databases!(
    a_backup_of_a_live_database_restores_with_every_acknowledged_write,
    an_unsealed_copy_restores_too_and_a_foreign_file_is_refused,
);
