//! A resident notified without a BSN has a provisional identity, clearly marked, until a
//! coordinator records the BSN; then it is merged into the resident known under it,
//! logged (issue 12, point 4).

use crate::common::{
    App, TestDb, csrf_of, history, logged_in, notification, page, post_form, version_of,
};
use serde_json::json;

async fn a_partner_notifies_without_a_bsn_and_the_bsn_is_recorded_later(db: TestDb) {
    let app = App::spawn(db).await;
    // The justice chain always sends a BSN.
    let chain = app.post_notification(json!({"bsn": ""})).await;
    assert_eq!((chain.status, chain.detail()), (422, "BSN ontbreekt"));

    let without = json!({"bsn": "", "source": "partner", "family_name": "de Wit", "given_names": "Sam",
                         "birth_date": "1990-04-04", "detention_start": "2026-03-01", "expected_release": "2026-07-01"});
    let r = app.post_notification(without.clone()).await;
    assert_eq!(r.status, 201, "{}", r.json);
    let case = r.json["case_id"].as_i64().unwrap();
    let shown = app.case(case).await;
    assert_eq!(
        (shown["bsn"].clone(), shown["provisional_identity"].clone()),
        (json!(null), json!(true))
    );
    assert!(
        history(&shown)
            .iter()
            .any(|l| l.contains("voorlopige identiteit"))
    );
    // The same person without a BSN again: the same provisional resident, the same case.
    let again = app.post_notification(without).await;
    assert_eq!(again.json["case_id"], json!(case), "{}", again.json);

    // Marked on the page, with the form to record the BSN.
    let coordinator = logged_in(&app, "coordinator").await;
    let (_, html) = page(&coordinator, app.url(&format!("/casussen/{case}"))).await;
    assert!(html.contains("geen (voorlopige identiteit)") && html.contains("BSN vastleggen"));
    let (_, list) = page(&coordinator, app.url("/casussen")).await;
    assert!(list.contains("geen (voorlopige identiteit)"));

    // A wrong BSN is refused, in the form.
    let form = |bsn: &str| {
        [
            ("csrf", csrf_of(&html)),
            ("formulier", "bsn".to_string()),
            ("bsn", bsn.to_string()),
        ]
    };
    let path = format!("/casussen/{case}/bsn?versie={}", version_of(&html));
    let wrong = post_form(&app, &coordinator, &path, form("123456789")).await;
    assert_eq!(wrong.status(), 422);
    let wrong_page = wrong.text().await.unwrap();
    assert!(wrong_page.contains("elfproef") && wrong_page.contains("value=\"123456789\""));
    // No one has this BSN yet: the identity becomes definite.
    let done = post_form(&app, &coordinator, &path, form("111222333")).await;
    assert_eq!(done.status(), 303);
    let now = app.case(case).await;
    assert_eq!(
        (now["bsn"].clone(), now["provisional_identity"].clone()),
        (json!("111222333"), json!(false))
    );
    assert!(
        history(&now)
            .iter()
            .any(|l| l.starts_with("BSN vastgelegd: 111222333"))
    );
    let twice = app.put_case(case, "bsn", json!({"bsn": "111222333"})).await;
    assert_eq!(twice.status, 422, "a BSN is recorded once");
}

async fn a_provisional_identity_is_merged_into_the_resident_known_under_its_bsn(db: TestDb) {
    let app = App::spawn(db).await;
    let known = app.notify(notification(json!({}))).await;
    let resident = app.resident_of(known).await;
    let without = json!({"bsn": "", "source": "self", "family_name": "Berg", "given_names": "Anna",
                         "birth_date": "1992-02-14", "detention_start": "2026-09-01", "expected_release": "2027-01-01"});
    let provisional = app.notify(notification(without)).await;
    assert_ne!(app.resident_of(provisional).await, resident);

    let r = app
        .put_case(provisional, "bsn", json!({"bsn": "691967301"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(
        r.json["resident_id"],
        json!(resident),
        "the case moved to the resident"
    );
    assert_eq!(r.json["provisional_identity"], json!(false));
    assert_eq!(r.json["family_name"], "van den Berg");
    let line = history(&r.json)
        .into_iter()
        .find(|l| l.starts_with("BSN vastgelegd"))
        .unwrap();
    assert!(
        line.contains("Anna van den Berg, geboren 14-02-1992") && line.contains("samengevoegd"),
        "{line}"
    );
    // Logged under the resident merged into as well.
    let subjects = app
        .query_texts(&format!(
            "SELECT CAST(COUNT(*) AS TEXT) FROM processing_log WHERE resident_id = {resident} AND detail LIKE 'voorlopige identiteit samengevoegd%'"
        ))
        .await;
    assert_eq!(subjects, ["1"]);
    // The resident now has both cases.
    let listed = app.get("/api/v1/cases?search=691967301&open=false").await;
    let ids: Vec<i64> = listed.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case_id"].as_i64().unwrap())
        .collect();
    assert!(
        ids.contains(&known) && ids.contains(&provisional),
        "{ids:?}"
    );

    // A provisional case of a detention the resident already has is not merged silently.
    let twin = json!({"bsn": "", "source": "partner", "family_name": "Berg", "given_names": "A.",
                      "birth_date": "1992-02-14", "detention_start": "2026-02-10"});
    let twin = app.notify(notification(twin)).await;
    let refused = app.put_case(twin, "bsn", json!({"bsn": "691967301"})).await;
    assert_eq!(refused.status, 409, "{}", refused.json);
    assert!(
        refused.detail().contains(&format!("casus {known}")),
        "{}",
        refused.detail()
    );
}

crate::on_both_databases!(
    a_partner_notifies_without_a_bsn_and_the_bsn_is_recorded_later,
    a_provisional_identity_is_merged_into_the_resident_known_under_its_bsn,
);
