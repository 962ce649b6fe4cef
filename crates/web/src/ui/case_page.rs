//! The case page: everything about one case, with the forms of the steps that are possible
//! now (posted to `case_steps`).

use super::{Opt, UiPath, UiQuery, full_name, nl, opts, opts_of, referrals};
use crate::AppState;
use crate::api::{rules_of, suggestion_of};
use crate::auth::UiUser;
use crate::pages::{Base, UiError, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use nazorg_app::CaseDetail;
use nazorg_domain::case::{
    ClosingReason, ContactKind, DomainResult, OfferOutcome, OverallResult, Relation,
};
use nazorg_domain::dates::format_iso;
use nazorg_domain::eligibility::{Eligibility, RuleState};
use nazorg_domain::format_nl;
use nazorg_domain::lifecycle::{self, CaseState, Step};
use nazorg_domain::notification::{BrpStatus, Sentence};
use nazorg_domain::triage::{Direction, LifeDomain, Need, SelfReliance};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/casussen/{id}", get(case_page))
}

struct RuleRow {
    label: String,
    state: &'static str,
    result: &'static str,
    explanation: String,
}

struct TriageRow {
    code: &'static str,
    domain: &'static str,
    need: &'static str,
    reliance: &'static str,
    need_opts: Vec<Opt>,
    reliance_opts: Vec<Opt>,
}

struct AgreementRow {
    id: i64,
    domain: &'static str,
    description: String,
    owner: String,
    due: String,
    done: bool,
    done_on: String,
}

struct ContactRow {
    date: String,
    kind: &'static str,
    note: String,
    by: String,
}

struct HouseholdRow {
    id: i64,
    relation: &'static str,
    age: &'static str,
    need: &'static str,
    note: String,
    /// The member's referral and how it stands, if any.
    referral: Option<String>,
    referral_id: Option<i64>,
    /// No referral yet, or the last one was returned or withdrawn.
    can_refer: bool,
    /// Where this member may be referred (youth care for minors; central access or SKT).
    partner_opts: Vec<Opt>,
}

struct SafetyRow {
    id: i64,
    put_on: String,
    reason: String,
    discussed_on: Option<String>,
    outcome: String,
    follow_up: String,
}

/// A referral that needs confirmation because it passes the budget cap: the form is shown
/// again with what was entered and a field for the reason.
pub struct OverCapView {
    pub message: String,
    pub partner_id: String,
    pub domains: Vec<String>,
    pub reason: String,
    pub service_kind_id: String,
    pub asked_on: String,
}

struct EventRow {
    at: String,
    actor: String,
    summary: String,
}

/// The case as its page shows it.
struct CaseView {
    resident_id: i64,
    appointments: Vec<(String, &'static str, String)>,
    referrals: Vec<referrals::ReferralRow>,
    can_refer: bool,
    partner_opts: Vec<Opt>,
    service_opts: Vec<Opt>,
    domain_choices: Vec<(&'static str, &'static str)>,
    can_safety: bool,
    safety_items: Vec<SafetyRow>,
    id: i64,
    name: String,
    bsn: String,
    birth_date: String,
    birth_date_iso: String,
    family_name: String,
    given_names: String,
    institution: String,
    detention_start: String,
    expected_release: String,
    expected_release_iso: String,
    actual_release: String,
    aftercare_end: String,
    residence_code: String,
    status: &'static str,
    next_action: String,
    due: String,
    overdue: bool,
    direction: String,
    direction_reason: String,
    direction_since: String,
    coordinator: String,
    sources: String,
    eligibility: &'static str,
    eligibility_code: &'static str,
    computed_eligibility: &'static str,
    overridden: bool,
    override_reason: String,
    override_by: String,
    rules: Vec<RuleRow>,
    offer: Option<String>,
    triage_done: bool,
    triage: Vec<TriageRow>,
    triage_note: String,
    known_skt_opts: Vec<Opt>,
    known_sc_opts: Vec<Opt>,
    known_skt: &'static str,
    known_sc: &'static str,
    suggestion: Option<(&'static str, String)>,
    agreements: Vec<AgreementRow>,
    ready_housing: bool,
    ready_brp: bool,
    ready_id: bool,
    ready_income: bool,
    contacts: Vec<ContactRow>,
    household: Vec<HouseholdRow>,
    closure: Option<String>,
    closure_results: Vec<(&'static str, &'static str)>,
    events: Vec<EventRow>,
    today: String,
    can_offer: bool,
    can_triage: bool,
    can_direction: bool,
    can_plan: bool,
    can_readiness: bool,
    can_release: bool,
    can_log: bool,
    can_household: bool,
    can_facts: bool,
    can_override: bool,
    override_opts: Vec<Opt>,
    brp_opts: Vec<Opt>,
    sentence_opts: Vec<Opt>,
    contact_kind_opts: Vec<Opt>,
    offer_opts: Vec<Opt>,
    direction_opts: Vec<Opt>,
    domain_opts: Vec<Opt>,
    relation_opts: Vec<Opt>,
    need_opts: Vec<Opt>,
    coordinator_opts: Vec<Opt>,
    closing_opts: Vec<Opt>,
    overall_opts: Vec<Opt>,
    result_opts: Vec<Opt>,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    base: Base,
    c: CaseView,
    flash: Option<String>,
    error: Option<String>,
    over_cap: Option<OverCapView>,
}

fn case_view(
    d: &CaseDetail,
    coordinators: &[nazorg_app::User],
    coordinator_id: Option<i64>,
    partner_list: &[nazorg_app::Partner],
    services: &[nazorg_app::ServiceKind],
) -> CaseView {
    let c = &d.summary;
    let state = CaseState {
        status: c.status,
        released: c.actual_release.is_some(),
    };
    let can = |step: Step| lifecycle::apply(state, step).is_ok();
    let today = nazorg_domain::dates::today_nl();
    let suggestion = suggestion_of(d);
    let closing: Vec<ClosingReason> = ClosingReason::ALL
        .iter()
        .copied()
        .filter(|r| can(Step::Close(*r)))
        .collect();
    CaseView {
        id: c.case_id,
        name: full_name(&c.given_names, &c.family_name),
        bsn: c.bsn.clone(),
        birth_date: nl(c.birth_date),
        birth_date_iso: c.birth_date.map(format_iso).unwrap_or_default(),
        family_name: c.family_name.clone(),
        given_names: c.given_names.clone(),
        institution: c.institution.clone(),
        detention_start: format_nl(c.detention_start),
        expected_release: nl(c.expected_release),
        expected_release_iso: c.expected_release.map(format_iso).unwrap_or_default(),
        actual_release: nl(c.actual_release),
        aftercare_end: nl(d.aftercare_end),
        residence_code: d.last_residence_code.clone().unwrap_or_default(),
        status: c.status.label(),
        next_action: if c.status.is_open() {
            c.next_action.clone()
        } else {
            "Geen: de casus is afgesloten".into()
        },
        due: if c.status.is_open() {
            format_nl(c.action_due)
        } else {
            String::new()
        },
        overdue: c.status.is_open() && c.action_due < today,
        direction: c
            .direction
            .map(|x| x.label())
            .unwrap_or("Nog niet bepaald")
            .into(),
        direction_reason: d.direction_reason.clone().unwrap_or_default(),
        direction_since: d.direction_since.map(format_nl).unwrap_or_default(),
        coordinator: c
            .coordinator
            .clone()
            .unwrap_or_else(|| "Niet toegewezen".into()),
        sources: d
            .notifications
            .iter()
            .map(|n| n.source.label())
            .collect::<Vec<_>>()
            .join(", "),
        eligibility: c.eligibility.label(),
        eligibility_code: c.eligibility.code(),
        computed_eligibility: d.computed_eligibility.label(),
        overridden: c.eligibility_overridden,
        override_reason: d.override_reason.clone().unwrap_or_default(),
        override_by: d.override_by.clone().unwrap_or_default(),
        rules: rule_rows(d),
        offer: d.offer_outcome.map(|o| {
            format!(
                "Aanbod {} op {} ({}).",
                o.label().to_lowercase(),
                nl(d.offer_date),
                d.offer_contact_kind.map(|k| k.label()).unwrap_or("—")
            )
        }),
        triage_done: d.triage.len() == 5,
        triage: triage_rows(d),
        triage_note: d.triage_note.clone(),
        known_skt_opts: yes_no_opts(d.known_to_skt),
        known_sc_opts: yes_no_opts(d.known_to_safety_chamber),
        known_skt: yes_no_label(d.known_to_skt),
        known_sc: yes_no_label(d.known_to_safety_chamber),
        suggestion: suggestion
            .as_ref()
            .map(|(dir, reason)| (dir.label(), reason.clone())),
        agreements: agreement_rows(d),
        ready_housing: d.ready_housing,
        ready_brp: d.ready_brp,
        ready_id: d.ready_id,
        ready_income: d.ready_income,
        contacts: contact_rows(d),
        household: household_rows(d, partner_list),
        resident_id: c.resident_id,
        appointments: appointment_rows(d),
        referrals: d
            .referrals
            .iter()
            .filter(|r| r.household_member_id.is_none())
            .map(referrals::ReferralRow::from)
            .collect(),
        can_refer: can(Step::Refer),
        partner_opts: referrals::referral_partner_opts(partner_list, |_| true),
        service_opts: referrals::service_opts(services),
        domain_choices: referrals::domain_choices(),
        can_safety: can(Step::SafetyChamber),
        safety_items: safety_rows(d),
        closure: closure_text(d),
        closure_results: d
            .closure_results
            .iter()
            .map(|(dom, res)| (dom.label(), res.label()))
            .collect(),
        events: event_rows(d),
        today: format_iso(today),
        can_offer: can(Step::RecordOffer(OfferOutcome::Accepted)),
        can_triage: can(Step::Triage),
        can_direction: can(Step::DecideDirection),
        can_plan: can(Step::EditPlan),
        can_readiness: can(Step::Readiness),
        can_release: can(Step::RecordRelease),
        can_log: can(Step::LogContact),
        can_household: can(Step::Household),
        can_facts: can(Step::UpdateFacts),
        can_override: can(Step::OverrideEligibility),
        override_opts: opts::<Eligibility>(c.eligibility_overridden.then_some(c.eligibility)),
        brp_opts: opts::<BrpStatus>(d.brp_status),
        sentence_opts: opts::<Sentence>(d.sentence),
        contact_kind_opts: opts::<ContactKind>(None),
        offer_opts: opts::<OfferOutcome>(None),
        direction_opts: opts::<Direction>(c.direction.or(suggestion.map(|s| s.0))),
        domain_opts: opts::<LifeDomain>(None),
        relation_opts: opts::<Relation>(None),
        need_opts: opts::<Need>(None),
        coordinator_opts: coordinators
            .iter()
            .map(|u| Opt {
                value: u.id.to_string(),
                label: u.display_name.clone(),
                selected: Some(u.id) == coordinator_id,
            })
            .collect(),
        closing_opts: opts_of(&closing, None),
        overall_opts: opts::<OverallResult>(None),
        result_opts: opts::<DomainResult>(None),
    }
}

/// The eligibility rules and how each came out.
fn rule_rows(d: &CaseDetail) -> Vec<RuleRow> {
    rules_of(d)
        .into_iter()
        .map(|r| {
            let (state, result) = match r.state {
                RuleState::Met => ("met", "Voldaan"),
                RuleState::Failed(_) => ("failed", "Niet voldaan"),
                RuleState::Unknown(_) => ("unknown", "Nog onbekend"),
            };
            RuleRow {
                label: r.rule.label().into(),
                state,
                result,
                explanation: r.explanation,
            }
        })
        .collect()
}

/// The triage of each life domain, with the options of its form.
fn triage_rows(d: &CaseDetail) -> Vec<TriageRow> {
    LifeDomain::ALL
        .iter()
        .map(|domain| {
            let t = d.triage.iter().find(|t| t.domain == *domain);
            TriageRow {
                code: domain.code(),
                domain: domain.label(),
                need: t.map(|t| t.need.label()).unwrap_or("—"),
                reliance: t.map(|t| t.self_reliance.label()).unwrap_or("—"),
                need_opts: opts::<Need>(t.map(|t| t.need)),
                reliance_opts: opts::<SelfReliance>(t.map(|t| t.self_reliance)),
            }
        })
        .collect()
}

/// The agreements of the plan of action.
fn agreement_rows(d: &CaseDetail) -> Vec<AgreementRow> {
    d.agreements
        .iter()
        .map(|a| AgreementRow {
            id: a.id,
            domain: a.domain.label(),
            description: a.description.clone(),
            owner: a.owner.clone(),
            due: nl(a.due_date),
            done: a.done,
            done_on: nl(a.done_on),
        })
        .collect()
}

/// The contact log.
fn contact_rows(d: &CaseDetail) -> Vec<ContactRow> {
    d.contacts
        .iter()
        .map(|x| ContactRow {
            date: format_nl(x.date),
            kind: x.kind.label(),
            note: x.note.clone(),
            by: x.created_by.clone(),
        })
        .collect()
}

/// The household members, each with their referral if any.
fn household_rows(d: &CaseDetail, partner_list: &[nazorg_app::Partner]) -> Vec<HouseholdRow> {
    d.household
        .iter()
        .map(|h| {
            let referral = d
                .referrals
                .iter()
                .rev()
                .find(|r| r.household_member_id == Some(h.id));
            HouseholdRow {
                id: h.id,
                relation: h.relation.label(),
                age: if h.is_minor {
                    "Minderjarig"
                } else {
                    "Meerderjarig"
                },
                need: h.support_need.label(),
                note: h.note.clone(),
                referral: referral.map(|r| {
                    let result = r
                        .result
                        .map(|x| format!(", {}", x.label().to_lowercase()))
                        .unwrap_or_default();
                    format!("{}: {}{result}", r.partner, r.status.label().to_lowercase())
                }),
                referral_id: referral.map(|r| r.id),
                can_refer: referral.is_none_or(|r| {
                    matches!(
                        r.status,
                        nazorg_domain::referral::ReferralStatus::Returned
                            | nazorg_domain::referral::ReferralStatus::Withdrawn
                    )
                }),
                partner_opts: referrals::referral_partner_opts(partner_list, |kind| {
                    nazorg_domain::referral::household_partner_allowed(h.is_minor, kind)
                }),
            }
        })
        .collect()
}

/// The appointments: when, what kind, where.
fn appointment_rows(d: &CaseDetail) -> Vec<(String, &'static str, String)> {
    d.appointments
        .iter()
        .map(|a| {
            let local = nazorg_domain::dates::to_amsterdam(a.starts_at);
            (
                format!(
                    "{} {:02}:{:02}",
                    format_nl(local.date()),
                    local.hour(),
                    local.minute()
                ),
                a.kind.label(),
                a.place.clone(),
            )
        })
        .collect()
}

/// The case's items on the safety chamber's agenda.
fn safety_rows(d: &CaseDetail) -> Vec<SafetyRow> {
    d.safety_agenda
        .iter()
        .map(|i| SafetyRow {
            id: i.id,
            put_on: format_nl(i.put_on),
            reason: i.reason.clone(),
            discussed_on: i.discussed_on.map(format_nl),
            outcome: i.outcome.clone().unwrap_or_default(),
            follow_up: i.follow_up.clone().unwrap_or_default(),
        })
        .collect()
}

/// How the case was closed, in one sentence.
fn closure_text(d: &CaseDetail) -> Option<String> {
    d.closing_reason.map(|r| {
        let overall = d
            .overall_result
            .map(|o| format!(" Resultaat: {}.", o.label().to_lowercase()))
            .unwrap_or_default();
        let note = d
            .closing_note
            .as_deref()
            .filter(|n| !n.is_empty())
            .map(|n| format!(" {n}"))
            .unwrap_or_default();
        format!(
            "Afgesloten op {}: {}.{overall}{note}",
            nl(d.closed_on),
            r.label().to_lowercase()
        )
    })
}

/// The history of the case.
fn event_rows(d: &CaseDetail) -> Vec<EventRow> {
    d.events
        .iter()
        .map(|e| EventRow {
            at: format!(
                "{} {:02}:{:02}",
                format_nl(e.at.date()),
                e.at.hour(),
                e.at.minute()
            ),
            actor: e.actor.clone(),
            summary: e.summary.clone(),
        })
        .collect()
}

pub async fn case_view_page(
    s: &AppState,
    user: &UiUser,
    id: i64,
    status: StatusCode,
    flash: Option<String>,
    error: Option<String>,
    over_cap: Option<OverCapView>,
) -> Result<Response, UiError> {
    let detail = s.app.get_case(&user.actor, id).await?;
    let coordinators = s.app.coordinators(&user.actor).await?;
    let partner_list = s.app.list_partners(&user.actor.municipality).await?;
    let services = s.app.list_service_kinds(&user.actor.municipality).await?;
    let view = case_view(
        &detail,
        &coordinators,
        detail.summary.coordinator_id,
        &partner_list,
        &services,
    );
    Ok(render(
        status,
        CasePage {
            base: Base::new(format!("Casus {id}"), Some(user), "cases"),
            c: view,
            flash,
            error,
            over_cap,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CaseQueryFlash {
    melding: Option<String>,
    opgeslagen: Option<String>,
}

async fn case_page(
    State(s): State<AppState>,
    user: UiUser,
    UiPath(id): UiPath<i64>,
    UiQuery(q): UiQuery<CaseQueryFlash>,
) -> Result<Response, UiError> {
    let flash = match (q.melding.as_deref(), q.opgeslagen.as_deref()) {
        (Some("nieuw"), _) => Some("De melding is opgeslagen als nieuwe casus.".to_string()),
        (Some("bekend"), _) => {
            Some("Deze detentie was al bekend; er is geen nieuwe casus gemaakt.".to_string())
        }
        (_, Some(section)) => section_label(section).map(|label| format!("Opgeslagen: {label}.")),
        _ => None,
    };
    case_view_page(&s, &user, id, StatusCode::OK, flash, None, None).await
}

/// The name of a section of the case page, for the "saved" message; only known sections
/// (a link cannot put arbitrary text on the page).
fn section_label(anchor: &str) -> Option<&'static str> {
    Some(match anchor {
        "aanbod" => "Contact en aanbod",
        "triage" => "Triage",
        "regie" => "Casusregie",
        "plan" => "Plan van aanpak",
        "checklist" => "Checklist vrijlating",
        "vrijlating" => "Vrijlating",
        "contacten" => "Contact",
        "gezin" => "Gezinsleden",
        "doelgroep" => "Doelgroepbepaling",
        "coordinator" => "Nazorgcoördinator",
        "verwijzingen" => "Verwijzingen",
        "veiligheidskamer" => "Veiligheidskamer",
        "afsluiten" => "Afsluiten",
        _ => return None,
    })
}

/// A yes / no / not known answer as the page shows it.
fn yes_no_label(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "ja",
        Some(false) => "nee",
        None => "niet vastgelegd",
    }
}

/// The options of a yes / no / not known select ("ja", "nee" or empty).
fn yes_no_opts(value: Option<bool>) -> Vec<Opt> {
    [
        ("", "Onbekend", None),
        ("ja", "Ja", Some(true)),
        ("nee", "Nee", Some(false)),
    ]
    .into_iter()
    .map(|(v, label, b)| Opt {
        value: v.into(),
        label: label.into(),
        selected: b == value,
    })
    .collect()
}
