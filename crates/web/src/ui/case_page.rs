//! The case page: everything about one case, with the forms of the steps that are possible
//! now (posted to `case_steps`).

use super::chain_cards::{BrpCard, ZaakCard, brp_card, zaak_card};
use super::{
    Notice, Opt, Signed, UiPath, UiQuery, full_name, nl, opts, opts_of, referrals, user_opts,
};
use crate::AppState;
use crate::auth::UiUser;
use crate::pages::{Base, Typed, UiError, render};
use crate::views::{rules_of, suggestion_of};
use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;
use nazorg_app::CaseDetail;
use nazorg_domain::access::Page;
use nazorg_domain::case::{
    ClosingReason, ContactKind, DomainResult, OfferOutcome, OverallResult, Relation,
};
use nazorg_domain::dates::{format_iso, format_nl_moment};
use nazorg_domain::eligibility::{Eligibility, RuleState};
use nazorg_domain::format_nl;
use nazorg_domain::ids::{
    AgreementId, CaseId, HouseholdMemberId, ReferralId, ResidentId, SafetyItemId, UserId,
};
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
    id: AgreementId,
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
    id: HouseholdMemberId,
    relation: &'static str,
    age: &'static str,
    need: &'static str,
    note: String,
    /// The member's referral and how it stands, if any.
    referral: Option<String>,
    referral_id: Option<ReferralId>,
    /// No referral yet, or the last one was returned or withdrawn.
    can_refer: bool,
    /// Where this member may be referred (youth care for minors; central access or SKT).
    partner_opts: Vec<Opt>,
}

struct SafetyRow {
    id: SafetyItemId,
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

/// A signal not yet handled, with the ways to handle it (code, label).
struct SignalRow {
    /// Where its form posts, after the case's address.
    path: String,
    label: &'static str,
    raised_on: String,
    detail: String,
    choices: Vec<(&'static str, &'static str)>,
}

struct EventRow {
    at: String,
    actor: String,
    summary: String,
}

/// The case as its page shows it, grouped by the cards of the page.
struct CaseView {
    id: CaseId,
    /// The version the page shows, which its forms are saved against.
    version: i64,
    resident_id: ResidentId,
    name: String,
    today: String,
    facts: FactsCard,
    eligibility: EligibilityCard,
    offer: Option<String>,
    triage: TriageCard,
    suggestion: Option<(&'static str, String)>,
    agreements: Vec<AgreementRow>,
    referrals: Vec<referrals::ReferralRow>,
    ready_housing: bool,
    ready_brp: bool,
    ready_id: bool,
    ready_income: bool,
    contacts: Vec<ContactRow>,
    appointments: Vec<(String, &'static str, String)>,
    household: Vec<HouseholdRow>,
    safety_items: Vec<SafetyRow>,
    closure: Option<String>,
    closure_results: Vec<(&'static str, &'static str)>,
    events: Vec<EventRow>,
    signals: Vec<SignalRow>,
    brp: BrpCard,
    zaak: ZaakCard,
    can: AllowedSteps,
    opts: CaseOptions,
}

/// The facts of the overview card, the correction form and the release card.
struct FactsCard {
    /// Notified without a BSN: the page offers to record it.
    provisional: bool,
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
}

/// The eligibility card: the outcome in force, any override, and the rules.
struct EligibilityCard {
    label: &'static str,
    code: &'static str,
    computed: &'static str,
    overridden: bool,
    reason: String,
    by: String,
    rules: Vec<RuleRow>,
}

/// The triage card.
struct TriageCard {
    done: bool,
    rows: Vec<TriageRow>,
    note: String,
    known_skt: &'static str,
    known_sc: &'static str,
    known_skt_opts: Vec<Opt>,
    known_sc_opts: Vec<Opt>,
}

/// Which steps the case's phase allows now: the page shows only their forms.
struct AllowedSteps {
    offer: bool,
    triage: bool,
    direction: bool,
    plan: bool,
    refer: bool,
    readiness: bool,
    release: bool,
    log: bool,
    household: bool,
    facts: bool,
    override_eligibility: bool,
    safety: bool,
    signal: bool,
}

/// The choices of the page's forms.
struct CaseOptions {
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
    partner_opts: Vec<Opt>,
    service_opts: Vec<Opt>,
    domain_choices: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "case/case.html")]
struct CasePage {
    base: Base,
    c: CaseView,
    notice: Notice,
    over_cap: Option<OverCapView>,
}

fn case_view(
    d: &CaseDetail,
    coordinators: &[nazorg_app::User],
    coordinator_id: Option<UserId>,
    partner_list: &[nazorg_app::Partner],
    services: &[nazorg_app::ServiceKind],
    (brp_connected, zgw_connected): (bool, bool),
) -> CaseView {
    let c = &d.summary;
    let today = nazorg_domain::dates::today_nl();
    let state = CaseState {
        status: c.status,
        released: c.actual_release.is_some(),
    };
    let suggestion = suggestion_of(d);
    let opts = CaseOptions {
        coordinator_opts: user_opts(coordinators, coordinator_id),
        partner_opts: referrals::referral_partner_opts(partner_list, |_| true),
        service_opts: referrals::service_opts(services),
        ..case_options(d, state, suggestion.as_ref().map(|s| s.0))
    };
    CaseView {
        id: c.case_id,
        version: d.version.0,
        resident_id: c.resident_id,
        name: full_name(&c.given_names, &c.family_name),
        today: format_iso(today),
        facts: facts_card(d, today),
        eligibility: eligibility_card(d),
        offer: offer_text(d),
        triage: triage_card(d),
        suggestion: suggestion.map(|(dir, reason)| (dir.label(), reason)),
        agreements: agreement_rows(d),
        referrals: d
            .referrals
            .iter()
            .filter(|r| r.household_member_id.is_none())
            .map(referrals::ReferralRow::from)
            .collect(),
        ready_housing: d.ready_housing,
        ready_brp: d.ready_brp,
        ready_id: d.ready_id,
        ready_income: d.ready_income,
        contacts: contact_rows(d),
        appointments: appointment_rows(d),
        household: household_rows(d, partner_list),
        safety_items: safety_rows(d),
        closure: closure_text(d),
        closure_results: d
            .closure_results
            .iter()
            .map(|(dom, res)| (dom.label(), res.label()))
            .collect(),
        events: event_rows(d),
        signals: signal_rows(d),
        brp: brp_card(d, brp_connected),
        zaak: zaak_card(d, zgw_connected),
        can: allowed_steps(state),
        opts,
    }
}

/// The facts of the case as the overview and the forms show them.
fn facts_card(d: &CaseDetail, today: time::Date) -> FactsCard {
    let c = &d.summary;
    let open = c.status.is_open();
    FactsCard {
        bsn: crate::views::shown_bsn(c),
        provisional: c.provisional,
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
        next_action: if open {
            c.next_action.clone()
        } else {
            "Geen: de casus is afgesloten".into()
        },
        due: crate::views::next_due(c).map(format_nl).unwrap_or_default(),
        overdue: crate::views::next_due(c).is_some_and(|due| due < today),
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
    }
}

/// The outcome of the eligibility rules, any override, and each rule.
fn eligibility_card(d: &CaseDetail) -> EligibilityCard {
    let c = &d.summary;
    EligibilityCard {
        label: c.eligibility.label(),
        code: c.eligibility.code(),
        computed: d.computed_eligibility.label(),
        overridden: c.eligibility_overridden,
        reason: d.override_reason.clone().unwrap_or_default(),
        by: d.override_by.clone().unwrap_or_default(),
        rules: rule_rows(d),
    }
}

/// The offer made in detention, in one sentence.
fn offer_text(d: &CaseDetail) -> Option<String> {
    d.offer_outcome.map(|o| {
        format!(
            "Aanbod {} op {} ({}).",
            o.label().to_lowercase(),
            nl(d.offer_date),
            d.offer_contact_kind.map(|k| k.label()).unwrap_or("—")
        )
    })
}

/// The triage card: the rows per life domain and what was already known.
fn triage_card(d: &CaseDetail) -> TriageCard {
    TriageCard {
        done: d.triage.domains.len() == 5,
        rows: triage_rows(d),
        note: d.triage.note.clone(),
        known_skt: yes_no_label(d.triage.known_to_skt),
        known_sc: yes_no_label(d.triage.known_to_safety_chamber),
        known_skt_opts: yes_no_opts(d.triage.known_to_skt),
        known_sc_opts: yes_no_opts(d.triage.known_to_safety_chamber),
    }
}

/// The steps the lifecycle allows in this state.
fn allowed_steps(state: CaseState) -> AllowedSteps {
    let can = |step: Step| lifecycle::apply(state, step).is_ok();
    AllowedSteps {
        offer: can(Step::RecordOffer(OfferOutcome::Accepted)),
        triage: can(Step::Triage),
        direction: can(Step::DecideDirection),
        plan: can(Step::EditPlan),
        refer: can(Step::Refer),
        readiness: can(Step::Readiness),
        release: can(Step::RecordRelease),
        log: can(Step::LogContact),
        household: can(Step::Household),
        facts: can(Step::UpdateFacts),
        override_eligibility: can(Step::OverrideEligibility),
        safety: can(Step::SafetyChamber),
        signal: can(Step::HandleSignal),
    }
}

/// The choices of the forms that follow from the case alone (the coordinators, partners
/// and services are left empty for the caller).
fn case_options(d: &CaseDetail, state: CaseState, suggested: Option<Direction>) -> CaseOptions {
    let c = &d.summary;
    let closing: Vec<ClosingReason> = ClosingReason::ALL
        .iter()
        .copied()
        .filter(|r| lifecycle::apply(state, Step::Close(*r)).is_ok())
        .collect();
    CaseOptions {
        override_opts: opts::<Eligibility>(c.eligibility_overridden.then_some(c.eligibility)),
        brp_opts: opts::<BrpStatus>(d.summary.brp_status),
        sentence_opts: opts::<Sentence>(d.sentence),
        contact_kind_opts: opts::<ContactKind>(None),
        offer_opts: opts::<OfferOutcome>(None),
        direction_opts: opts::<Direction>(c.direction.or(suggested)),
        domain_opts: opts::<LifeDomain>(None),
        relation_opts: opts::<Relation>(None),
        need_opts: opts::<Need>(None),
        coordinator_opts: Vec::new(),
        closing_opts: opts_of(&closing, None),
        overall_opts: opts::<OverallResult>(None),
        result_opts: opts::<DomainResult>(None),
        partner_opts: Vec::new(),
        service_opts: Vec::new(),
        domain_choices: referrals::domain_choices(),
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
            let t = d.triage.domains.iter().find(|t| t.domain == *domain);
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
            (
                format_nl_moment(a.starts_at),
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

/// The signals of the case not yet handled.
fn signal_rows(d: &CaseDetail) -> Vec<SignalRow> {
    d.signals
        .iter()
        .map(|s| SignalRow {
            path: format!("signalen/{}", s.id),
            label: s.kind.label(),
            raised_on: format_nl(s.raised_on),
            detail: s.detail.clone(),
            choices: s
                .kind
                .resolutions()
                .iter()
                .map(|r| (r.code(), r.label()))
                .collect(),
        })
        .collect()
}

/// The history of the case.
fn event_rows(d: &CaseDetail) -> Vec<EventRow> {
    d.events
        .iter()
        .map(|e| EventRow {
            at: format_nl_moment(e.at),
            actor: e.actor.clone(),
            summary: e.summary.clone(),
        })
        .collect()
}

pub async fn case_view_page(
    s: &AppState,
    user: &UiUser,
    id: CaseId,
    notice: Notice,
    over_cap: Option<OverCapView>,
    typed: Typed,
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
        (s.app.brp_connected(), s.app.zgw_connected()),
    );
    Ok(render(
        notice.status,
        CasePage {
            base: Base {
                typed,
                ..Base::new(format!("Casus {id}"), Some(user), Page::Cases)
            },
            c: view,
            notice,
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
    Signed { s, user }: Signed,
    UiPath(id): UiPath<CaseId>,
    UiQuery(q): UiQuery<CaseQueryFlash>,
) -> Result<Response, UiError> {
    let flash = match (q.melding.as_deref(), q.opgeslagen.as_deref()) {
        (Some("nieuw"), _) => Some("De melding is opgeslagen als nieuwe casus.".to_string()),
        (Some("bekend"), _) => {
            Some("Deze detentie was al bekend; er is geen nieuwe casus gemaakt.".to_string())
        }
        (Some("bijgewerkt"), _) => Some(
            "Deze detentie was al bekend; de nieuwe gegevens uit de melding zijn overgenomen (zie Signalen en Geschiedenis).".to_string(),
        ),
        (_, Some(section)) => section_label(section).map(|label| format!("Opgeslagen: {label}.")),
        _ => None,
    };
    case_view_page(&s, &user, id, Notice::shown(flash), None, Typed::default()).await
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
        "signalen" => "Signaal afgehandeld",
        "overzicht" => "BSN",
        "brp" => "bevraging van de BRP aangevraagd; het antwoord staat hier zodra de BRP antwoordt",
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
