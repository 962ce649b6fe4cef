//! The authorization matrix: every route × every role × own/other municipality's data,
//! each asserted allowed or refused. The routes are read from the web crate's source, so a
//! route added without a line in this matrix fails the test.

use crate::common::{App, PASSWORD, TestDb, location, notification, triage_domains};
use nazorg_domain::access::{Actor, Role};
use nazorg_domain::ids::{AgreementId, CaseId, ReferralId, ResidentId, SafetyItemId, UserId};
use nazorg_domain::referral::PartnerKind;
use reqwest::Method;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    /// Everyone, without logging in.
    Public,
    /// Any logged-in user (reference data, their own calendar link).
    LoggedIn,
    /// Coordinators of the municipality (a substitute only while substituting).
    Coordinator,
    /// Coordinators, and partner users for their own organisation's referral.
    Referral,
    /// Coordinators and partner users (each sees their own referrals).
    ReferralList,
    /// Administrators.
    Admin,
    /// Region administrators: the installation's municipalities.
    Region,
    /// Aggregated figures and pseudonymised exports: coordinators and the policy advisor.
    Reports,
    /// Reading one case: coordinators, and safety-chamber members while the case is on the
    /// chamber's agenda (our case is).
    CaseRead,
    /// The safety chamber's agenda: coordinators and its members.
    SafetyAgenda,
    /// Logging out: tested on its own (it ends the session it is sent with).
    Logout,
}

/// Every route, under the rule of who may use it.
const MATRIX: &[(Rule, &[(&str, &str)])] = &[
    (
        Rule::Public,
        &[
            ("GET", "/healthz"),
            ("GET", "/api/v1/openapi.json"),
            ("GET", "/"),
            ("GET", "/static/nazorg.css"),
            ("GET", "/inloggen"),
            ("POST", "/inloggen"),
            ("GET", "/inloggen/code"),
            ("POST", "/inloggen/code"),
            // Single sign-on (not configured here: not found; the flow itself is in oidc.rs).
            ("GET", "/inloggen/sso"),
            ("GET", "/inloggen/sso/terug"),
            ("GET", "/installatie"),
            ("POST", "/installatie"),
            ("GET", "/agenda/{token}"),
        ],
    ),
    (
        Rule::LoggedIn,
        &[
            ("GET", "/api/v1/partners"),
            ("GET", "/api/v1/service-kinds"),
            ("GET", "/agenda"),
            ("POST", "/agenda/link"),
            ("POST", "/agenda/intrekken"),
        ],
    ),
    (
        Rule::Coordinator,
        &[
            ("GET", "/api/v1/cases"),
            ("POST", "/api/v1/notifications"),
            ("PUT", "/api/v1/cases/{id}/offer"),
            ("PUT", "/api/v1/cases/{id}/triage"),
            ("PUT", "/api/v1/cases/{id}/direction"),
            ("POST", "/api/v1/cases/{id}/agreements"),
            ("PATCH", "/api/v1/cases/{id}/agreements/{agreement_id}"),
            ("PUT", "/api/v1/cases/{id}/readiness"),
            ("PUT", "/api/v1/cases/{id}/release"),
            ("POST", "/api/v1/cases/{id}/contacts"),
            ("POST", "/api/v1/cases/{id}/appointments"),
            ("POST", "/api/v1/cases/{id}/household-members"),
            ("PUT", "/api/v1/cases/{id}/facts"),
            ("PATCH", "/api/v1/cases/{id}/facts"),
            ("PUT", "/api/v1/cases/{id}/eligibility-override"),
            ("PUT", "/api/v1/cases/{id}/bsn"),
            ("PUT", "/api/v1/cases/{id}/coordinator"),
            ("POST", "/api/v1/cases/{id}/closure"),
            ("POST", "/api/v1/cases/{id}/referrals"),
            ("POST", "/api/v1/cases/{id}/safety-agenda-items"),
            ("PUT", "/api/v1/cases/{id}/safety-agenda-items/{item_id}"),
            ("POST", "/api/v1/cases/{id}/signals/{signal_id}/resolution"),
            ("POST", "/api/v1/cases/{id}/brp-lookups"),
            ("GET", "/api/v1/worklist"),
            ("GET", "/api/v1/absences"),
            ("POST", "/api/v1/absences"),
            ("DELETE", "/api/v1/absences/{id}"),
            ("POST", "/api/v1/referrals/{id}/acknowledgement"),
            ("GET", "/api/v1/referral-figures"),
            ("PUT", "/api/v1/service-kinds/{id}"),
            ("GET", "/api/v1/budgets/{year}"),
            ("PUT", "/api/v1/budgets/{year}/lines/{code}"),
            ("GET", "/casussen"),
            ("GET", "/meldingen/nieuw"),
            ("POST", "/meldingen"),
            ("POST", "/casussen/{id}/{step}"),
            ("POST", "/casussen/{id}/afspraken/{agreement_id}"),
            ("POST", "/casussen/{id}/signalen/{signal_id}"),
            ("GET", "/verwijzingen/cijfers"),
            ("POST", "/verwijzingen/{id}/gezien"),
            ("GET", "/budget"),
            ("POST", "/budget/plafond"),
            ("POST", "/budget/prijs"),
            ("GET", "/budget.csv"),
            ("GET", "/mijn-werk"),
            ("GET", "/afwezigheid"),
            ("POST", "/afwezigheid"),
            ("POST", "/afwezigheid/{id}/einde"),
            ("GET", "/inwoners/{id}/verwerkingen"),
            ("GET", "/inwoners/{id}/inzage.json"),
            ("GET", "/inwoners/{id}/inzage"),
            ("GET", "/api/v1/residents/{id}/subject-access"),
            ("GET", "/regie/{id}"),
        ],
    ),
    (
        Rule::Referral,
        &[
            ("GET", "/api/v1/referrals/{id}"),
            ("POST", "/api/v1/referrals/{id}/steps"),
            ("GET", "/verwijzingen/{id}"),
            ("POST", "/verwijzingen/{id}/stap"),
        ],
    ),
    (
        Rule::ReferralList,
        &[("GET", "/api/v1/referrals"), ("GET", "/verwijzingen")],
    ),
    (
        Rule::Admin,
        &[
            ("POST", "/api/v1/partners"),
            ("GET", "/gebruikers"),
            ("POST", "/gebruikers"),
            ("GET", "/ketenpartners"),
            ("POST", "/ketenpartners"),
            ("POST", "/ketenpartners/{id}"),
            ("GET", "/verwerkingsregister"),
            ("POST", "/verwerkingsregister/{code}"),
        ],
    ),
    (
        Rule::Region,
        &[
            ("GET", "/gemeenten"),
            ("POST", "/gemeenten"),
            ("POST", "/gemeenten/beheerders"),
        ],
    ),
    (
        Rule::Reports,
        &[
            ("GET", "/api/v1/monitor"),
            ("GET", "/api/v1/evaluation"),
            ("GET", "/monitor"),
            ("GET", "/monitor.xlsx"),
            ("GET", "/monitor.csv"),
            ("GET", "/evaluatie"),
            ("GET", "/evaluatie.pdf"),
            ("GET", "/evaluatie.xlsx"),
            ("GET", "/evaluatie.csv"),
            ("GET", "/prognose"),
            ("POST", "/prognose/aannames"),
            ("GET", "/export/gepseudonimiseerd.csv"),
        ],
    ),
    (
        Rule::CaseRead,
        &[
            ("GET", "/api/v1/cases/{id}"),
            ("GET", "/api/v1/cases/{id}/brp"),
            ("GET", "/api/v1/cases/{id}/zaak"),
            ("GET", "/casussen/{id}"),
        ],
    ),
    (Rule::SafetyAgenda, &[("GET", "/veiligheidskamer")]),
    (Rule::Logout, &[("POST", "/uitloggen")]),
];

/// The lines of the matrix: (method, path, rule).
fn matrix_lines() -> impl Iterator<Item = (&'static str, &'static str, Rule)> {
    MATRIX.iter().flat_map(|(rule, routes)| {
        routes
            .iter()
            .map(move |(method, path)| (*method, *path, *rule))
    })
}

/// Every (method, path) the web crate routes, read from its source: every `.rs` file under
/// `crates/web/src`, those of the API (`api.rs`, `api/`) under `/api/v1`.
fn routes_in_source() -> BTreeSet<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/src");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let mut routes = BTreeSet::new();
    for file in files {
        let rel = file
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let prefix = if rel == "api.rs" || rel.starts_with("api/") {
            "/api/v1"
        } else {
            ""
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for (method, path) in routes_in_step_tables(&text) {
            routes.insert((method, matrix_line(&format!("{prefix}{path}"))));
        }
        for (start, _) in text.match_indices(".route(") {
            let rest = &text[start + 7..];
            // Inside a macro's definition the path is one of its arguments: the macro's
            // invocations are read above.
            if rest.trim_start().starts_with('$') {
                continue;
            }
            let open = rest.find('"').unwrap();
            let close = open + 1 + rest[open + 1..].find('"').unwrap();
            let path = &rest[open + 1..close];
            // The route call ends at the parenthesis that balances ".route(".
            let mut depth = 1;
            let mut end = close;
            for (i, c) in rest[close..].char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = close + i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let call = &rest[close..end];
            for method in ["get", "post", "put", "patch", "delete"] {
                let found = call.match_indices(&format!("{method}(")).any(|(i, _)| {
                    i == 0 || !call[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                });
                if found {
                    routes.insert((
                        method.to_uppercase(),
                        matrix_line(&format!("{prefix}{path}")),
                    ));
                }
            }
        }
    }
    routes
}

/// The (method, path) of every step in a table of steps: an invocation `case_steps! { … }`
/// (of the API, and of the case page) whose lines start with a handler, its method and its
/// path (`record_offer: put "/cases/{id}/offer" (OfferIn);`), each routed by the macro.
fn routes_in_step_tables(text: &str) -> Vec<(String, String)> {
    let mut routes = Vec::new();
    for (start, _) in text.match_indices("case_steps! {") {
        for line in text[start..].lines().skip(1) {
            if line.trim() == "}" {
                break;
            }
            let Some((handler, step)) = line.trim().split_once(": ") else {
                continue;
            };
            let Some((method, rest)) = step.split_once(' ') else {
                continue;
            };
            let known = ["get", "post", "put", "patch", "delete"].contains(&method);
            if !known || !handler.chars().all(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let path = rest
                .strip_prefix('"')
                .and_then(|r| r.split_once('"'))
                .unwrap()
                .0;
            routes.push((method.to_uppercase(), path.to_string()));
        }
    }
    routes
}

/// The `.rs` files under a directory, recursively.
fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The line of the matrix a route falls under: each step of the case page has its own
/// route (`/casussen/{id}/aanbod`, `/casussen/{id}/triage`, …), all under the one rule of
/// `/casussen/{id}/{step}`.
fn matrix_line(path: &str) -> String {
    match path.strip_prefix("/casussen/{id}/") {
        Some(step) if !step.is_empty() && !step.contains('/') => "/casussen/{id}/{step}".into(),
        _ => path.to_string(),
    }
}

#[test]
fn every_route_has_a_line_in_the_matrix_and_every_line_a_route() {
    let routes = routes_in_source();
    assert!(
        routes.len() > 60,
        "the route reader found too few routes: {routes:?}"
    );
    let matrix: BTreeSet<(String, String)> = matrix_lines()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    let unlisted: Vec<_> = routes.difference(&matrix).collect();
    assert!(
        unlisted.is_empty(),
        "routes without a line in the authorization matrix: {unlisted:?}"
    );
    let stale: Vec<_> = matrix.difference(&routes).collect();
    assert!(stale.is_empty(), "matrix lines without a route: {stale:?}");
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Anonymous,
    Coordinator,
    IdleSubstitute,
    SktCareDirector,
    ExodusWorker,
    SafetyChamber,
    PolicyAdvisor,
    Administrator,
    RegionAdministrator,
}

fn allowed(rule: Rule, who: Who, own: bool) -> bool {
    use Who::*;
    match rule {
        Rule::Public => true,
        Rule::Logout => unreachable!(),
        _ if who == Anonymous => false,
        _ if !own => false,
        Rule::LoggedIn => true,
        Rule::Coordinator => who == Coordinator,
        Rule::Referral => matches!(who, Coordinator | ExodusWorker),
        Rule::ReferralList => matches!(who, Coordinator | ExodusWorker | SktCareDirector),
        Rule::Admin => who == Administrator,
        Rule::Region => who == RegionAdministrator,
        Rule::Reports => matches!(who, Coordinator | PolicyAdvisor),
        Rule::CaseRead | Rule::SafetyAgenda => matches!(who, Coordinator | SafetyChamber),
    }
}

/// The ids a path's parameters stand for, for data of our municipality or of another.
struct Ids {
    case: CaseId,
    agreement: AgreementId,
    item: SafetyItemId,
    /// An identity signal of the case.
    signal: i64,
    referral: ReferralId,
    resident: ResidentId,
}

async fn matrix_holds_for_every_route_role_and_municipality(db: TestDb) {
    let app = App::spawn(db).await;
    let store = &app.store;
    // Our municipality's data: an accepted case with an agreement, a safety item and a
    // referral to Exodus.
    let case = app.notify(notification(json!({}))).await;
    let offer = json!({"outcome": "accepted", "date": "2026-02-12", "kind": "phone", "note": ""});
    app.put_case(case, "offer", offer).await;
    let exodus = app.partner_id(PartnerKind::Exodus).await;
    let skt = app.partner_id(PartnerKind::Skt).await;
    let domains = triage_domains("none", "high");
    app.put_case(case, "triage", json!({"domains": domains, "note": "", "known_to_skt": null, "known_to_safety_chamber": null}))
        .await;
    let agreement = json!({"domain": "housing", "description": "x", "owner": "y"});
    let r = app.post_case(case, "agreements", agreement).await;
    let agreement = r.json["agreements"][0]["id"].as_i64().unwrap();
    let r = app.put_on_safety_agenda(case, "2026-03-01", "x").await;
    let item = r.json["safety_agenda"][0]["id"].as_i64().unwrap();
    let referral = json!({"partner_id": exodus, "domains": ["housing"], "reason": "x"});
    let referral = app.post_case(case, "referrals", referral).await.id();
    let resident = app.resident_of(case).await;
    // The same BSN and detention with another birth date: an identity signal.
    app.post_notification(json!({"birth_date": "1980-01-01"}))
        .await;
    let signal = app.case(case).await["open_signals"][0]["id"]
        .as_i64()
        .unwrap();
    let own = Ids {
        case: CaseId(case),
        agreement: AgreementId(agreement),
        item: SafetyItemId(item),
        signal,
        referral: ReferralId(referral),
        resident: ResidentId(resident),
    };

    // Another municipality's data, made by its own coordinator.
    let rijswijk = Actor {
        user_id: UserId(0),
        username: "rijswijk".into(),
        role: Role::Coordinator,
        municipality: "0603".parse().unwrap(),
        partner_id: None,
        substituting: false,
    };
    let row: nazorg_domain::notification::NotificationRow = serde_json::from_value(notification(
        json!({"bsn": "341436239", "municipality_code": "0603"}),
    ))
    .unwrap();
    let other_case = store
        .import_notification(&rijswijk, &row.parse().unwrap())
        .await
        .unwrap()
        .case_id();
    let offer = nazorg_app::OfferInput {
        outcome: nazorg_domain::case::OfferOutcome::Accepted,
        date: time::macros::date!(2026 - 02 - 12),
        kind: nazorg_domain::case::ContactKind::Phone,
        note: String::new(),
    };
    store
        .record_offer(&rijswijk, other_case, None, &offer)
        .await
        .unwrap();
    let triage = nazorg_app::Triage {
        domains: nazorg_domain::triage::LifeDomain::ALL
            .iter()
            .map(|d| nazorg_domain::triage::DomainTriage {
                domain: *d,
                need: nazorg_domain::triage::Need::None,
                self_reliance: nazorg_domain::triage::SelfReliance::High,
            })
            .collect(),
        known_to_skt: None,
        known_to_safety_chamber: None,
        note: String::new(),
    };
    store
        .record_triage(&rijswijk, other_case, None, &triage)
        .await
        .unwrap();
    let other_agreement = store
        .add_agreement(
            &rijswijk,
            other_case,
            &nazorg_app::AgreementInput {
                domain: nazorg_domain::triage::LifeDomain::Housing,
                description: "x".into(),
                owner: "y".into(),
                due_date: None,
            },
        )
        .await
        .unwrap();
    let other_item = store
        .add_safety_item(
            &rijswijk,
            other_case,
            time::macros::date!(2026 - 03 - 01),
            "x",
        )
        .await
        .unwrap();
    let other_exodus = app.partner_in("0603", PartnerKind::Exodus).await;
    let other_referral = store
        .create_referral(
            &rijswijk,
            other_case,
            &nazorg_app::ReferralInput {
                partner_id: other_exodus,
                domains: vec![nazorg_domain::triage::LifeDomain::Housing],
                reason: "x".into(),
                service_kind_id: None,
                household_member_id: None,
                asked_on: time::macros::date!(2026 - 03 - 01),
                over_cap_reason: None,
            },
        )
        .await
        .unwrap();
    let other_resident = store
        .get_case(&rijswijk, other_case)
        .await
        .unwrap()
        .summary
        .resident_id;
    let mismatch: nazorg_domain::notification::NotificationRow =
        serde_json::from_value(notification(
            json!({"bsn": "341436239", "municipality_code": "0603", "birth_date": "1980-01-01"}),
        ))
        .unwrap();
    store
        .import_notification(&rijswijk, &mismatch.parse().unwrap())
        .await
        .unwrap();
    let other_signal = store.get_case(&rijswijk, other_case).await.unwrap().signals[0].id;
    let other = Ids {
        case: other_case,
        agreement: other_agreement,
        item: other_item,
        signal: other_signal,
        referral: other_referral,
        resident: other_resident,
    };

    // The users, each with an API token and a browser session.
    let coordinator_id = app.user_id("coordinator").await;
    let coordinator = Actor {
        user_id: coordinator_id,
        username: "coordinator".into(),
        role: Role::Coordinator,
        municipality: "1783".parse().unwrap(),
        partner_id: None,
        substituting: false,
    };
    let kees = app.add_user("kees", "", Role::Coordinator).await;
    let absence = store
        .add_absence(
            &coordinator,
            kees,
            coordinator_id,
            time::OffsetDateTime::now_utc().date() + time::Duration::days(30),
            time::OffsetDateTime::now_utc().date() + time::Duration::days(31),
            "",
        )
        .await
        .unwrap();
    // A second one, for the API to end (the page ends the first).
    let api_absence = store
        .add_absence(
            &coordinator,
            kees,
            coordinator_id,
            time::OffsetDateTime::now_utc().date() + time::Duration::days(40),
            time::OffsetDateTime::now_utc().date() + time::Duration::days(41),
            "",
        )
        .await
        .unwrap();
    let calendar = store.create_calendar_token(&coordinator).await.unwrap();
    let spare_partner = store
        .add_partner(
            &Actor {
                role: Role::Administrator,
                ..coordinator.clone()
            },
            "Testpartner",
            PartnerKind::Other,
        )
        .await
        .unwrap();
    let service = store.list_service_kinds("1783").await.unwrap()[0].id;
    let users = [
        (
            Who::IdleSubstitute,
            "vera",
            Role::SubstituteCoordinator,
            None,
        ),
        (
            Who::SktCareDirector,
            "sam",
            Role::SktCareDirector,
            Some(skt),
        ),
        (Who::ExodusWorker, "ellen", Role::ExodusWorker, Some(exodus)),
        (Who::SafetyChamber, "veilig", Role::SafetyChamber, None),
        (Who::PolicyAdvisor, "beleid", Role::PolicyAdvisor, None),
        (Who::Administrator, "beheer", Role::Administrator, None),
        (
            Who::RegionAdministrator,
            "regio",
            Role::RegionAdministrator,
            None,
        ),
    ];
    let mut credentials: BTreeMap<Who, (String, String, String)> = BTreeMap::new();
    let (cookie, csrf) = store.create_session(coordinator_id).await.unwrap();
    credentials.insert(Who::Coordinator, (app.token.clone(), cookie, csrf));
    for (who, name, role, partner) in users {
        let id = store
            .add_user(name, "", PASSWORD, role, "1783", partner)
            .await
            .unwrap();
        let token = app.token_for(name).await;
        let (cookie, csrf) = store.create_session(id).await.unwrap();
        credentials.insert(who, (token, cookie, csrf));
    }

    let fill = |path: &str, ids: &Ids| {
        let first = if path.starts_with("/verwijzingen/") || path.starts_with("/api/v1/referrals/")
        {
            ids.referral.to_string()
        } else if path.starts_with("/inwoners/") || path.starts_with("/api/v1/residents/") {
            ids.resident.to_string()
        } else if path.starts_with("/ketenpartners/") {
            spare_partner.to_string()
        } else if path.starts_with("/afwezigheid/") {
            absence.to_string()
        } else if path.starts_with("/api/v1/absences/") {
            api_absence.to_string()
        } else if path.starts_with("/api/v1/service-kinds/") {
            service.to_string()
        } else {
            ids.case.to_string()
        };
        path.replace("{id}", &first)
            .replace("{agreement_id}", &ids.agreement.to_string())
            .replace("{item_id}", &ids.item.to_string())
            .replace("{signal_id}", &ids.signal.to_string())
            .replace("{year}", "2026")
            .replace(
                "{code}",
                if path.starts_with("/verwerkingsregister/") {
                    "nazorg_casus"
                } else {
                    "support"
                },
            )
            .replace("{step}", "contacten")
            .replace("{token}", &format!("{calendar}.ics"))
    };
    let has_data_ids = |path: &str| {
        ["{id}", "{agreement_id}", "{item_id}", "{signal_id}"]
            .iter()
            .any(|p| path.contains(p))
            && !path.starts_with("/ketenpartners/")
            && !path.starts_with("/afwezigheid/")
            && !path.starts_with("/api/v1/absences/")
            && !path.starts_with("/api/v1/service-kinds/")
    };

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut failures = Vec::new();
    // Reading before changing: a change (closing the case, a new calendar link) must not
    // decide what a later read sees.
    let mut order: Vec<(&str, &str, Rule)> = matrix_lines()
        .filter(|(_, _, r)| *r != Rule::Logout)
        .collect();
    order.sort_by_key(|(m, p, _)| (*m != "GET", p.contains("closure"), p.contains("/agenda/")));
    let people = [
        Who::Anonymous,
        Who::Coordinator,
        Who::IdleSubstitute,
        Who::SktCareDirector,
        Who::ExodusWorker,
        Who::SafetyChamber,
        Who::PolicyAdvisor,
        Who::Administrator,
        Who::RegionAdministrator,
    ];
    for (method, template, rule) in order {
        let variants: Vec<(bool, &Ids)> = if has_data_ids(template) {
            vec![(true, &own), (false, &other)]
        } else {
            vec![(true, &own)]
        };
        for (is_own, ids) in variants {
            let path = fill(template, ids);
            for who in people {
                let api = path.starts_with("/api/") || path == "/healthz";
                let mut request = client.request(
                    Method::from_bytes(method.as_bytes()).unwrap(),
                    format!("{}{path}", app.base),
                );
                if let Some((token, cookie, csrf)) = credentials.get(&who) {
                    if api {
                        request = request.bearer_auth(token);
                    } else {
                        request = request.header("cookie", format!("nazorg_session={cookie}"));
                        if method != "GET" {
                            request = request.form(&[("csrf", csrf.as_str())]);
                        }
                    }
                }
                if api && method != "GET" {
                    request = request.json(&json!({}));
                }
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                let location = location(&response);
                let got = match status {
                    // A public route is reachable whatever it answers (a wrong password is 401).
                    _ if rule == Rule::Public => status != 403,
                    401 | 403 | 404 => false,
                    300..=399 if location.starts_with("/inloggen") => false,
                    // A page that sends a role elsewhere (an administrator from the case list) shows nothing.
                    300..=399 if method == "GET" && rule != Rule::Public => false,
                    _ => true,
                };
                let want = allowed(rule, who, is_own);
                if got != want {
                    failures.push(format!(
                        "{method} {template} ({}) as {who:?}: got {status}{}, want {}",
                        if is_own { "own" } else { "other municipality" },
                        if location.is_empty() {
                            String::new()
                        } else {
                            format!(" → {location}")
                        },
                        if want { "allowed" } else { "refused" }
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} breaches of the authorization matrix:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // Logging out ends the session it comes with, for every role.
    for who in people.iter().filter(|w| **w != Who::Anonymous) {
        let (_, cookie, csrf) = credentials.get(who).unwrap();
        let r = client
            .post(format!("{}/uitloggen", app.base))
            .header("cookie", format!("nazorg_session={cookie}"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(
            (
                r.status().as_u16(),
                r.headers()["location"].to_str().unwrap()
            ),
            (303, "/inloggen"),
            "{who:?}"
        );
        assert!(
            store.session(cookie).await.unwrap().is_none(),
            "{who:?}'s session is gone"
        );
    }
}

crate::on_both_databases!(matrix_holds_for_every_route_role_and_municipality);
