//! How a case is presented, shared by the JSON API and the HTML pages: the JSON of a case
//! (also the body of the access export) and the eligibility rules and direction suggestion
//! computed for display. Shared here so neither surface imports the other.

use nazorg_app::{
    Agreement, Appointment, CaseDetail, CaseEvent, CaseSummary, Contact, HouseholdMember,
    SafetyAgendaItem,
};
use nazorg_domain::EligibilityFacts;
use nazorg_domain::dates::format_iso;
use nazorg_domain::eligibility::{RuleResult, RuleState, rule_results};
use nazorg_domain::ids::{
    AgreementId, AppointmentId, CaseId, ContactId, HouseholdMemberId, PartnerId, ReferralId,
    ResidentId, SafetyItemId, UserId,
};
use nazorg_domain::notification::MunicipalityCode;
use nazorg_domain::signal::OpenSignal;
use nazorg_domain::triage::{Direction, DomainTriage, suggest_direction};
use serde::Serialize;
use utoipa::ToSchema;

/// A case as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummaryDto {
    #[schema(value_type = i64)]
    pub case_id: CaseId,
    #[schema(value_type = i64)]
    pub resident_id: ResidentId,
    /// null while the identity is provisional (notified without a BSN).
    pub bsn: Option<String>,
    /// Notified without a BSN: record it with `PUT /api/v1/cases/{id}/bsn`.
    pub provisional_identity: bool,
    pub family_name: String,
    pub given_names: String,
    /// YYYY-MM-DD
    #[schema(format = Date)]
    pub birth_date: Option<String>,
    pub institution: String,
    /// YYYY-MM-DD
    pub detention_start: String,
    pub expected_release: Option<String>,
    pub actual_release: Option<String>,
    /// notified | not_reached | declined | accepted | triaged | planning | aftercare | closed
    #[schema(value_type = nazorg_domain::lifecycle::Status, inline)]
    pub status: String,
    pub status_label: String,
    /// The outcome in force, after any override: eligible | not_eligible | undetermined
    #[schema(value_type = nazorg_domain::eligibility::Eligibility, inline)]
    pub eligibility: String,
    /// Codes of the failed rules or missing facts behind the rules' own outcome.
    pub eligibility_reasons: Vec<String>,
    pub eligibility_overridden: bool,
    /// coordinator | skt | exodus
    #[schema(value_type = Option<nazorg_domain::triage::Direction>, inline)]
    pub direction: Option<String>,
    /// User id of the case's coordinator.
    #[schema(value_type = Option<i64>)]
    pub coordinator_id: Option<UserId>,
    /// Display name of the case's coordinator.
    pub coordinator: Option<String>,
    pub next_action: Option<String>,
    pub action_due: Option<String>,
    /// The kinds of the case's signals not yet handled: chain_changed (a later notification
    /// changed its facts), identity_mismatch (a notification under its BSN named another
    /// name or birth date), brp_changed (the BRP contradicted a fact), deceased (the BRP
    /// reports a death).
    pub signals: Vec<String>,
    /// Registered in the BRP: as notified or corrected, or as the BRP said (registered |
    /// recently_deregistered | not_registered); null while unknown.
    #[schema(value_type = Option<nazorg_domain::notification::BrpStatus>, inline)]
    pub brp_status: Option<String>,
    /// YYYY-MM-DD: the day the BRP was last asked successfully; null while no lookup
    /// succeeded.
    #[schema(format = Date)]
    pub brp_checked_on: Option<String>,
}

impl From<&CaseSummary> for CaseSummaryDto {
    fn from(c: &CaseSummary) -> Self {
        let open = c.status.is_open();
        CaseSummaryDto {
            case_id: c.case_id,
            resident_id: c.resident_id,
            bsn: (!c.provisional).then(|| c.bsn.clone()),
            provisional_identity: c.provisional,
            family_name: c.family_name.clone(),
            given_names: c.given_names.clone(),
            birth_date: c.birth_date.map(format_iso),
            institution: c.institution.clone(),
            detention_start: format_iso(c.detention_start),
            expected_release: c.expected_release.map(format_iso),
            actual_release: c.actual_release.map(format_iso),
            status: c.status.code().into(),
            status_label: c.status.label().into(),
            eligibility: c.eligibility.code().into(),
            eligibility_reasons: c
                .eligibility_reasons
                .iter()
                .map(|r| r.code().to_string())
                .collect(),
            eligibility_overridden: c.eligibility_overridden,
            direction: c.direction.map(|d| d.code().to_string()),
            coordinator_id: c.coordinator_id,
            coordinator: c.coordinator.clone(),
            next_action: open.then(|| c.next_action.clone()),
            action_due: next_due(c).map(format_iso),
            signals: c.signals.iter().map(|s| s.code().to_string()).collect(),
            brp_status: c.brp_status.map(|s| s.code().to_string()),
            brp_checked_on: c.brp_checked_on.map(format_iso),
        }
    }
}

/// The BSN as a page shows it: a provisional identity has none.
pub fn shown_bsn(c: &CaseSummary) -> String {
    if c.provisional {
        "geen (voorlopige identiteit)".into()
    } else {
        c.bsn.clone()
    }
}

/// A signal on a case not yet handled.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignalDto {
    pub id: i64,
    /// What the signal is about.
    #[schema(value_type = nazorg_domain::signal::SignalKind, inline)]
    pub kind: String,
    pub label: String,
    /// YYYY-MM-DD
    pub raised_on: String,
    /// What happened, in Dutch.
    pub detail: String,
    /// How it may be handled (`POST …/signals/{id}/resolution`): seen (chain_changed);
    /// same_person or take_notified (identity_mismatch).
    pub resolutions: Vec<String>,
}

impl From<&OpenSignal> for SignalDto {
    fn from(s: &OpenSignal) -> Self {
        SignalDto {
            id: s.id,
            kind: s.kind.code().into(),
            label: s.kind.label().into(),
            raised_on: format_iso(s.raised_on),
            detail: s.detail.clone(),
            resolutions: s
                .kind
                .resolutions()
                .iter()
                .map(|r| r.code().to_string())
                .collect(),
        }
    }
}

/// One eligibility rule and how it came out.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleDto {
    pub rule: String,
    pub label: String,
    /// met | failed | unknown
    #[schema(pattern = "^(met|failed|unknown)$")]
    pub state: String,
    pub reason: Option<String>,
    pub explanation: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TriageDto {
    #[schema(value_type = nazorg_domain::triage::LifeDomain, inline)]
    pub domain: String,
    #[schema(value_type = nazorg_domain::triage::Need, inline)]
    pub need: String,
    #[schema(value_type = nazorg_domain::triage::SelfReliance, inline)]
    pub self_reliance: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementDto {
    #[schema(value_type = i64)]
    pub id: AgreementId,
    #[schema(value_type = nazorg_domain::triage::LifeDomain, inline)]
    pub domain: String,
    pub description: String,
    pub owner: String,
    #[schema(format = Date)]
    pub due_date: Option<String>,
    pub done: bool,
    pub done_on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactDto {
    #[schema(value_type = i64)]
    pub id: ContactId,
    #[schema(format = Date)]
    pub date: String,
    #[schema(value_type = nazorg_domain::case::ContactKind, inline)]
    pub kind: String,
    pub note: String,
    pub created_by: String,
}

/// An appointment with the resident, planned ahead.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentDto {
    #[schema(value_type = i64)]
    pub id: AppointmentId,
    /// When it starts (RFC 3339, UTC).
    #[schema(format = DateTime)]
    pub starts_at: String,
    #[schema(value_type = nazorg_domain::case::ContactKind, inline)]
    pub kind: String,
    pub place: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdMemberDto {
    #[schema(value_type = i64)]
    pub id: HouseholdMemberId,
    #[schema(value_type = nazorg_domain::case::Relation, inline)]
    pub relation: String,
    pub is_minor: bool,
    #[schema(value_type = nazorg_domain::triage::Need, inline)]
    pub support_need: String,
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    /// RFC 3339
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub summary: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadinessDto {
    pub housing: bool,
    pub brp_registration: bool,
    pub id_document: bool,
    pub income: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionDto {
    pub direction: String,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DomainResultDto {
    pub domain: String,
    pub result: String,
}

/// Everything about one case.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseDetailDto {
    #[serde(flatten)]
    pub summary: CaseSummaryDto,
    pub municipality_code: String,
    pub last_residence_code: Option<String>,
    /// YYYY-MM-DD: the day the registration ended, where the BRP said so.
    #[schema(format = Date)]
    pub brp_status_since: Option<String>,
    pub sentence: Option<String>,
    /// The rules' own outcome, before any override.
    pub computed_eligibility: String,
    pub eligibility_rules: Vec<RuleDto>,
    pub override_reason: Option<String>,
    pub override_by: Option<String>,
    pub direction_reason: Option<String>,
    pub direction_since: Option<String>,
    pub suggested_direction: Option<SuggestionDto>,
    pub offer_outcome: Option<String>,
    #[schema(format = Date)]
    pub offer_date: Option<String>,
    pub offer_contact_kind: Option<String>,
    pub triage: Vec<TriageDto>,
    pub triage_note: String,
    /// Already known to the SKT before (null: not recorded).
    pub known_to_skt: Option<bool>,
    /// Already known to the safety chamber before (null: not recorded).
    pub known_to_safety_chamber: Option<bool>,
    pub agreements: Vec<AgreementDto>,
    pub readiness: ReadinessDto,
    pub aftercare_end: Option<String>,
    pub contacts: Vec<ContactDto>,
    /// The appointments planned, soonest first.
    pub appointments: Vec<AppointmentDto>,
    pub household_members: Vec<HouseholdMemberDto>,
    pub closing_reason: Option<String>,
    pub overall_result: Option<String>,
    pub closing_note: Option<String>,
    pub closed_on: Option<String>,
    pub closure_results: Vec<DomainResultDto>,
    pub notified_on: String,
    pub notification_sources: Vec<String>,
    pub referrals: Vec<ReferralDto>,
    pub safety_agenda: Vec<SafetyItemDto>,
    pub history: Vec<EventDto>,
    /// The signals not yet handled, oldest first.
    pub open_signals: Vec<SignalDto>,
    /// The case's version, also its `ETag`: send it in `If-Match` with a step that replaces
    /// values, so that a change by someone else since is not overwritten unnoticed.
    pub version: i64,
}

/// The eligibility rules of a case, evaluated for display.
pub fn rules_of(d: &CaseDetail) -> Vec<RuleResult> {
    let facts = EligibilityFacts {
        birth_date: d.summary.birth_date,
        residence: d
            .last_residence_code
            .as_deref()
            .and_then(|c| MunicipalityCode::parse(c).ok()),
        brp_status: d.summary.brp_status,
        sentence: d.sentence,
        detention_start: d.summary.detention_start,
        expected_release: d.summary.actual_release.or(d.summary.expected_release),
    };
    match MunicipalityCode::parse(&d.municipality_code) {
        Ok(home) => rule_results(&facts, &home),
        Err(_) => Vec::new(),
    }
}

/// The system's suggestion for the case direction, once the triage is done.
pub fn suggestion_of(d: &CaseDetail) -> Option<(Direction, String)> {
    (d.triage.domains.len() == 5).then(|| suggest_direction(&d.triage.domains))
}

impl From<&CaseDetail> for CaseDetailDto {
    fn from(d: &CaseDetail) -> Self {
        let iso = |x: Option<time::Date>| x.map(format_iso);
        let code = |x: Option<&'static str>| x.map(str::to_string);
        CaseDetailDto {
            summary: CaseSummaryDto::from(&d.summary),
            municipality_code: d.municipality_code.to_string(),
            last_residence_code: d.last_residence_code.clone(),
            brp_status_since: iso(d.brp_status_since),
            sentence: code(d.sentence.map(|x| x.code())),
            computed_eligibility: d.computed_eligibility.code().into(),
            eligibility_rules: rules_of(d).into_iter().map(RuleDto::from).collect(),
            override_reason: d.override_reason.clone(),
            override_by: d.override_by.clone(),
            direction_reason: d.direction_reason.clone(),
            direction_since: iso(d.direction_since),
            suggested_direction: suggestion_of(d).map(|(direction, reason)| SuggestionDto {
                direction: direction.code().into(),
                reason,
            }),
            offer_outcome: code(d.offer_outcome.map(|x| x.code())),
            offer_date: iso(d.offer_date),
            offer_contact_kind: code(d.offer_contact_kind.map(|x| x.code())),
            triage: d.triage.domains.iter().map(TriageDto::from).collect(),
            triage_note: d.triage.note.clone(),
            known_to_skt: d.triage.known_to_skt,
            known_to_safety_chamber: d.triage.known_to_safety_chamber,
            agreements: d.agreements.iter().map(AgreementDto::from).collect(),
            readiness: ReadinessDto {
                housing: d.ready_housing,
                brp_registration: d.ready_brp,
                id_document: d.ready_id,
                income: d.ready_income,
            },
            aftercare_end: iso(d.aftercare_end),
            contacts: d.contacts.iter().map(ContactDto::from).collect(),
            appointments: d.appointments.iter().map(AppointmentDto::from).collect(),
            household_members: d.household.iter().map(HouseholdMemberDto::from).collect(),
            closing_reason: code(d.closing_reason.map(|x| x.code())),
            overall_result: code(d.overall_result.map(|x| x.code())),
            closing_note: d.closing_note.clone(),
            closed_on: iso(d.closed_on),
            closure_results: d
                .closure_results
                .iter()
                .map(|(domain, result)| DomainResultDto {
                    domain: domain.code().into(),
                    result: result.code().into(),
                })
                .collect(),
            notified_on: format_iso(d.notified_on),
            notification_sources: d
                .notifications
                .iter()
                .map(|n| n.source.code().to_string())
                .collect(),
            referrals: d.referrals.iter().map(ReferralDto::from).collect(),
            safety_agenda: d.safety_agenda.iter().map(SafetyItemDto::from).collect(),
            history: d.events.iter().map(EventDto::from).collect(),
            open_signals: d.signals.iter().map(SignalDto::from).collect(),
            version: d.version.0,
        }
    }
}

impl From<RuleResult> for RuleDto {
    fn from(r: RuleResult) -> Self {
        let (state, reason) = match r.state {
            RuleState::Met => ("met", None),
            RuleState::Failed(reason) => ("failed", Some(reason.code().to_string())),
            RuleState::Unknown(reason) => ("unknown", Some(reason.code().to_string())),
        };
        RuleDto {
            rule: r.rule.code().into(),
            label: r.rule.label().into(),
            state: state.into(),
            reason,
            explanation: r.explanation,
        }
    }
}

impl From<&DomainTriage> for TriageDto {
    fn from(t: &DomainTriage) -> Self {
        TriageDto {
            domain: t.domain.code().into(),
            need: t.need.code().into(),
            self_reliance: t.self_reliance.code().into(),
        }
    }
}

impl From<&Agreement> for AgreementDto {
    fn from(a: &Agreement) -> Self {
        AgreementDto {
            id: a.id,
            domain: a.domain.code().into(),
            description: a.description.clone(),
            owner: a.owner.clone(),
            due_date: a.due_date.map(format_iso),
            done: a.done,
            done_on: a.done_on.map(format_iso),
        }
    }
}

impl From<&Contact> for ContactDto {
    fn from(c: &Contact) -> Self {
        ContactDto {
            id: c.id,
            date: format_iso(c.date),
            kind: c.kind.code().into(),
            note: c.note.clone(),
            created_by: c.created_by.clone(),
        }
    }
}

impl From<&Appointment> for AppointmentDto {
    fn from(a: &Appointment) -> Self {
        AppointmentDto {
            id: a.id,
            starts_at: a
                .starts_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            kind: a.kind.code().into(),
            place: a.place.clone(),
        }
    }
}

impl From<&HouseholdMember> for HouseholdMemberDto {
    fn from(h: &HouseholdMember) -> Self {
        HouseholdMemberDto {
            id: h.id,
            relation: h.relation.code().into(),
            is_minor: h.is_minor,
            support_need: h.support_need.code().into(),
            note: h.note.clone(),
        }
    }
}

impl From<&SafetyAgendaItem> for SafetyItemDto {
    fn from(i: &SafetyAgendaItem) -> Self {
        SafetyItemDto {
            id: i.id,
            put_on: format_iso(i.put_on),
            reason: i.reason.clone(),
            discussed_on: i.discussed_on.map(format_iso),
            outcome: i.outcome.clone(),
            follow_up: i.follow_up.clone(),
        }
    }
}

impl From<&CaseEvent> for EventDto {
    fn from(e: &CaseEvent) -> Self {
        EventDto {
            at: e
                .at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            actor: e.actor.clone(),
            kind: e.kind.clone(),
            summary: e.summary.clone(),
        }
    }
}

/// A referral to a partner.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralDto {
    #[schema(value_type = i64)]
    pub id: ReferralId,
    #[schema(value_type = i64)]
    pub case_id: CaseId,
    pub resident: String,
    #[schema(value_type = i64)]
    pub partner_id: PartnerId,
    pub partner: String,
    pub partner_kind: String,
    #[schema(value_type = Option<i64>)]
    pub household_member_id: Option<HouseholdMemberId>,
    pub domains: Vec<String>,
    pub reason: String,
    pub service: Option<String>,
    /// Price in euros.
    pub price: Option<f64>,
    pub over_cap_reason: Option<String>,
    /// asked | accepted | started | finished | returned | withdrawn
    #[schema(value_type = nazorg_domain::referral::ReferralStatus, inline)]
    pub status: String,
    pub asked_on: String,
    pub accepted_on: Option<String>,
    pub started_on: Option<String>,
    pub ended_on: Option<String>,
    pub return_reason: Option<String>,
    /// achieved | partly | not_achieved | stopped
    #[schema(value_type = Option<nazorg_domain::referral::ReferralResult>, inline)]
    pub result: Option<String>,
    pub result_note: Option<String>,
    pub acknowledged: bool,
}

impl From<&nazorg_app::Referral> for ReferralDto {
    fn from(r: &nazorg_app::Referral) -> Self {
        ReferralDto {
            id: r.id,
            case_id: r.case_id,
            resident: r.resident.clone(),
            partner_id: r.partner_id,
            partner: r.partner.clone(),
            partner_kind: r.partner_kind.code().into(),
            household_member_id: r.household_member_id,
            domains: r.domains.iter().map(|d| d.code().to_string()).collect(),
            reason: r.reason.clone(),
            service: r.service.clone(),
            price: r.price_cents.map(euros),
            over_cap_reason: r.over_cap_reason.clone(),
            status: r.status.code().into(),
            asked_on: format_iso(r.asked_on),
            accepted_on: r.accepted_on.map(format_iso),
            started_on: r.started_on.map(format_iso),
            ended_on: r.ended_on.map(format_iso),
            return_reason: r.return_reason.clone(),
            result: r.result.map(|x| x.code().to_string()),
            result_note: r.result_note.clone(),
            acknowledged: r.acknowledged,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SafetyItemDto {
    #[schema(value_type = i64)]
    pub id: SafetyItemId,
    pub put_on: String,
    pub reason: String,
    pub discussed_on: Option<String>,
    pub outcome: Option<String>,
    pub follow_up: Option<String>,
}

/// An amount in cents as the API gives it: in euros.
pub fn euros(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// The day by which an open case's next step is due; `None` for a closed case, or an open
/// one with nothing due yet (it sorts last, on the far-future day the store keeps).
pub fn next_due(c: &nazorg_app::CaseSummary) -> Option<time::Date> {
    (c.status.is_open() && c.action_due.year() < 9999).then_some(c.action_due)
}

/// Everything Nazorg holds about one resident, and every processing of it (right of access).
pub async fn access_data(
    app: &nazorg_app::App,
    actor: &nazorg_domain::access::Actor,
    id: nazorg_domain::ids::ResidentId,
) -> Result<serde_json::Value, nazorg_app::Error> {
    let ids = app.resident_case_ids(actor, id).await?;
    let mut cases = Vec::new();
    for case_id in ids {
        let detail = app.get_case(actor, case_id).await?;
        cases.push(CaseDetailDto::from(&detail));
    }
    let processings: Vec<serde_json::Value> = app
        .processings_of(actor, id)
        .await?
        .iter()
        .map(|p| {
            serde_json::json!({
                "at": p.at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
                "by": p.actor,
                "action": p.action.code(),
                "action_label": p.action.label(),
                "case_id": p.case_id,
                "purpose": p.purpose,
                "detail": p.detail,
            })
        })
        .collect();
    Ok(serde_json::json!({
        "resident_id": id,
        "exported_at": time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "cases": cases,
        "processings": processings,
    }))
}
