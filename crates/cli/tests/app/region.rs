//! Several municipalities in one installation (issue 14, points 1 and 2): municipalities
//! as data, each with its own users, settings and outflow; one import for the region.

use crate::common::{
    App, PASSWORD, TestDb, assert_exit, logged_in, nazorg_with_input as nazorg, page, post_form,
    valid_bsns,
};
use nazorg_domain::access::Role;
use serde_json::{Value, json};
use std::process::Output;

fn said(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json_of(out: &Output) -> Value {
    assert_exit(out, 0);
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

const HEADER: &str = "bsn,family_name,given_names,birth_date,municipality_code,brp_status,institution,detention_start,expected_release,sentence,source";

/// Runs the binary without input; asserts its exit code and that it says `message`.
fn says(db: &TestDb, args: &[&str], code: i32, message: &str) {
    let out = nazorg(db, args, None);
    assert_exit(&out, code);
    assert!(said(&out).contains(message), "{args:?}: {}", said(&out));
}

async fn a_region_installation_routes_each_notification_to_its_municipality(db: TestDb) {
    // A new installation is one municipality with no extra step: the --municipality it
    // runs for, named from the CBS list.
    let listed = json_of(&nazorg(
        &db,
        &["municipality", "list", "--format", "json"],
        None,
    ));
    assert_eq!(
        listed,
        json!([{"code": "1783", "name": "Westland", "safety_region": "VR15",
                "programme_start": null, "retention_years": null}])
    );
    let password = Some("een-heel-lang-wachtwoord\n");
    let add_dirk = [
        "user",
        "add",
        "dirk",
        "--role",
        "coordinator",
        "--municipality",
        "0503",
    ];
    let early = nazorg(&db, &add_dirk, password);
    assert_exit(&early, 2);
    assert!(said(&early).contains("Gemeente 0503 hoort niet bij deze installatie"));

    says(
        &db,
        &["municipality", "add", "GM0503"],
        0,
        "Gemeente Delft (0503) toegevoegd.",
    );
    says(
        &db,
        &["municipality", "add", "0503"],
        2,
        "hoort al bij deze installatie",
    );
    says(
        &db,
        &["municipality", "add", "9999"],
        2,
        "staat niet in de CBS-lijst",
    );
    let bad_region = ["municipality", "add", "0518", "--safety-region", "VR99"];
    says(&db, &bad_region, 2, "Veiligheidsregio 'VR99' bestaat niet");

    assert_exit(&nazorg(&db, &add_dirk, password), 0);
    let users = nazorg(&db, &["user", "list"], None);
    assert!(String::from_utf8_lossy(&users.stdout).contains("dirk\tcoordinator\t0503"));

    // One file for the region: each row to its own municipality; Zoetermeer is not in
    // this installation, so its row is rejected with that reason and the rest imported.
    let bsns: Vec<String> = valid_bsns(100_000_000).take(4).collect();
    let row = |bsn: &str, name: &str, code: &str, day: u8| {
        format!(
            "{bsn},{name},X,1990-01-01,{code},registered,PI Haaglanden,2026-03-0{day},2026-06-01,prison_sentence,automatic"
        )
    };
    let rows = [
        row(&bsns[0], "Smit", "1783", 1),
        row(&bsns[1], "Bakker", "GM0503", 2),
        row(&bsns[2], "Visser", "0637", 3),
        row(&bsns[3], "de Vries", "0503", 4),
    ];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("regio.csv");
    std::fs::write(&file, format!("{HEADER}\n{}\n", rows.join("\n"))).unwrap();
    let import = nazorg(
        &db,
        &["import", "notifications", file.to_str().unwrap()],
        None,
    );
    assert_exit(&import, 1);
    let stderr = said(&import);
    assert!(
        stderr.contains(
            "regel 4 afgewezen: gemeente 0637 (Zoetermeer) hoort niet bij deze installatie"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("4 regels gelezen: 3 nieuwe casussen"),
        "{stderr}"
    );

    let westland = json_of(&nazorg(&db, &["cases", "list", "--format", "json"], None));
    let westland = westland.as_array().unwrap();
    assert_eq!(westland.len(), 1, "{westland:?}");
    assert_eq!(westland[0]["bsn"], bsns[0].as_str());
    let delft_list = [
        "--municipality",
        "0503",
        "cases",
        "list",
        "--format",
        "json",
    ];
    let delft = json_of(&nazorg(&db, &delft_list, None));
    let delft = delft.as_array().unwrap();
    let mut names: Vec<&str> = delft
        .iter()
        .map(|c| c["family_name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["Bakker", "de Vries"]);
    // Judged against their own municipality: residents, so eligible.
    assert!(
        delft.iter().all(|c| c["eligibility"] == "eligible"),
        "{delft:?}"
    );

    // Each municipality its own settings.
    let set = [
        "municipality",
        "set",
        "0503",
        "--start",
        "01-03-2026",
        "--retention",
        "5",
    ];
    says(
        &db,
        &set,
        0,
        "start programme 01-03-2026, bewaartermijn 5 jaar",
    );
    let too_long = ["municipality", "set", "0503", "--retention", "31"];
    says(&db, &too_long, 2, "ten hoogste 30 jaar");
    let listed = json_of(&nazorg(
        &db,
        &["municipality", "list", "--format", "json"],
        None,
    ));
    let delft = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["code"] == "0503");
    assert_eq!(delft.unwrap()["programme_start"], "2026-03-01");
    assert_eq!(delft.unwrap()["retention_years"], 5);
    let future = [
        "municipality",
        "outflow",
        "0503",
        "--year",
        "2099",
        "--released",
        "3",
    ];
    says(&db, &future, 2, "ligt niet tussen 1990 en");
    let outside = [
        "municipality",
        "outflow",
        "0637",
        "--year",
        "2020",
        "--released",
        "3",
    ];
    says(&db, &outside, 2, "Niet gevonden");
}

async fn a_region_administrator_adds_municipalities_and_their_administrators(db: TestDb) {
    let app = App::spawn(db).await;
    app.add_user("regio", "Rik Regio", Role::RegionAdministrator)
        .await;
    let region = logged_in(&app, "regio").await;
    let (status, html) = page(&region, app.url("/gemeenten")).await;
    assert_eq!(status, 200);
    assert!(html.contains("<td>Westland</td>"), "{html}");

    // A municipality by its code, named from the CBS list.
    let (status, html) = add_municipality(&app, &region, &html, "0503").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Gemeente Delft (0503) is toegevoegd."),
        "{html}"
    );
    assert!(html.contains("<td>Delft</td>"));
    // A wrong code is refused and stays in the form.
    let (status, html) = add_municipality(&app, &region, &html, "Delft").await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("value=\"Delft\""),
        "the code typed is kept: {html}"
    );

    // Its administrator, who adds Delft's own users.
    let admin = |username: &str, role: &str| {
        vec![
            ("csrf", csrf(&html)),
            ("municipality", "0503".to_string()),
            ("username", username.to_string()),
            ("display_name", String::new()),
            ("role", role.to_string()),
            ("password", PASSWORD.to_string()),
        ]
    };
    let r = post_form(
        &app,
        &region,
        "/gemeenten/beheerders",
        admin("beheer-delft", "administrator"),
    )
    .await;
    let (status, page_html) = crate::common::read(r).await;
    assert_eq!(status, 200, "{page_html}");
    assert!(page_html.contains("Beheerder beheer-delft is toegevoegd."));
    assert!(page_html.contains("<td>beheer-delft</td>"), "{page_html}");
    let r = post_form(
        &app,
        &region,
        "/gemeenten/beheerders",
        admin("dirk", "coordinator"),
    )
    .await;
    let (status, refused) = crate::common::read(r).await;
    assert_eq!(status, 403, "{refused}");
    assert!(
        refused.contains("Een regiobeheerder voegt alleen beheerders toe"),
        "{refused}"
    );

    let delft_admin = logged_in(&app, "beheer-delft").await;
    let (_, users) = page(&delft_admin, app.url("/gebruikers")).await;
    assert!(
        users.contains("<td>beheer-delft</td>") && !users.contains("<td>coordinator</td>"),
        "only Delft's users: {users}"
    );
    assert!(
        !users.contains("Regiobeheerder"),
        "a municipality's administrator cannot make one"
    );
    let form = [
        ("csrf", csrf(&users)),
        ("username", "beleid-delft".to_string()),
        ("display_name", String::new()),
        ("role", "policy_advisor".to_string()),
        ("partner_id", String::new()),
        ("password", PASSWORD.to_string()),
    ];
    let r = post_form(&app, &delft_admin, "/gebruikers", form).await;
    let (status, users) = crate::common::read(r).await;
    assert_eq!(status, 200, "{users}");
    assert!(
        users.contains(
            "<td>beleid-delft</td><td>beleid-delft</td><td>Beleidsadviseur</td><td>0503</td>"
        ),
        "{users}"
    );

    // Each municipality its own history of outflow: Westland's DJI figures are Westland's.
    app.cli_ok(&[
        "municipality",
        "outflow",
        "0503",
        "--year",
        "2021",
        "--released",
        "31",
    ]);
    let delft_policy = logged_in(&app, "beleid-delft").await;
    let (status, outlook) = page(&delft_policy, app.url("/prognose")).await;
    assert_eq!(status, 200);
    assert!(
        outlook.contains("2021") && outlook.contains(">31<"),
        "{outlook}"
    );
    assert!(
        !outlook.contains(">71<"),
        "Westland's 2015 figure is not Delft's: {outlook}"
    );
    let westland_policy =
        crate::common::signed_in(&app, "beleid-westland", Role::PolicyAdvisor).await;
    let (_, outlook) = page(&westland_policy, app.url("/prognose")).await;
    assert!(outlook.contains(">71<"), "{outlook}");
    // The evaluation names the municipality it is about.
    let (_, evaluation) = page(&delft_policy, app.url("/evaluatie")).await;
    assert!(
        evaluation.contains("Evaluatie nazorg ex-gedetineerden Delft"),
        "{evaluation}"
    );
    assert!(evaluation.contains("Gemeente Delft (CBS-code 0503)"));

    // Westland's API client cannot deliver Delft's notification; the system (an import)
    // can, and a coordinator never reaches the municipalities.
    let delivered = app
        .post_notification(json!({"municipality_code": "0503"}))
        .await;
    assert_eq!(delivered.status, 422, "{:?}", delivered.json);
    assert!(
        delivered
            .detail()
            .contains("deze melding is voor gemeente 0503 (Delft)"),
        "{:?}",
        delivered.json
    );
    let coordinator = logged_in(&app, "coordinator").await;
    let (status, _) = page(&coordinator, app.url("/gemeenten")).await;
    assert_eq!(status, 403);
}

/// Adds a municipality on the page of the municipalities, as `client` did from `html`.
async fn add_municipality(
    app: &App,
    client: &reqwest::Client,
    html: &str,
    code: &str,
) -> (u16, String) {
    let form = [
        ("csrf", csrf(html)),
        ("code", code.to_string()),
        ("name", String::new()),
    ];
    crate::common::read(post_form(app, client, "/gemeenten", form).await).await
}

fn csrf(html: &str) -> String {
    crate::common::csrf_of(html)
}

async fn the_demo_makes_the_region_with_users_per_municipality(db: TestDb) {
    let demo = ["demo", "--scale", "region", "--residents", "90"];
    says(&db, &demo, 0, "9 gemeenten, 90 inwoners");
    let listed = json_of(&nazorg(
        &db,
        &["municipality", "list", "--format", "json"],
        None,
    ));
    let listed = listed.as_array().unwrap();
    assert_eq!(
        listed.len(),
        9,
        "Haaglanden, Westland among them: {listed:?}"
    );
    assert!(listed.iter().all(|m| m["safety_region"] == "VR15"));
    assert!(listed.iter().any(|m| m["name"] == "'s-Gravenhage"));
    for code in ["1783", "0503", "1926"] {
        let list = ["--municipality", code, "cases", "list", "--format", "json"];
        let cases = json_of(&nazorg(&db, &list, None));
        assert!(!cases.as_array().unwrap().is_empty(), "cases in {code}");
    }
    let users = nazorg(&db, &["user", "list"], None);
    let users = String::from_utf8_lossy(&users.stdout).into_owned();
    assert!(
        users.contains("coordinator-0503\tcoordinator\t0503"),
        "{users}"
    );
    assert!(
        users.contains("beheer-0518\tadministrator\t0518"),
        "{users}"
    );
}

crate::on_both_databases!(
    the_demo_makes_the_region_with_users_per_municipality,
    a_region_installation_routes_each_notification_to_its_municipality,
    a_region_administrator_adds_municipalities_and_their_administrators,
);
