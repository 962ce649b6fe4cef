//! What the store hands out and takes in.

use nazorg_domain::Status;
use nazorg_domain::access::Role;
use nazorg_domain::case::{
    ClosingReason, ContactKind, DomainResult, OfferOutcome, OverallResult, Relation,
};
use nazorg_domain::eligibility::{Eligibility, Reason};
use nazorg_domain::ids::{
    AbsenceId, AgreementId, ApiTokenId, AppointmentId, CaseId, ContactId, HouseholdMemberId,
    PartnerId, ReferralId, ResidentId, SafetyItemId, ServiceKindId, UserId,
};
use nazorg_domain::notification::MunicipalityCode;
use nazorg_domain::notification::{BrpStatus, Sentence, Source};
use nazorg_domain::referral::{
    BudgetLineCode, PartnerKind, ReferralResult, ReferralStatus, ReferralStep,
};
use nazorg_domain::signal::{OpenSignal, SignalKind};
/// The triage a step records and a case's page shows: the domain's value, as it is.
pub use nazorg_domain::triage::Triage;
use nazorg_domain::triage::{Direction, DomainTriage, LifeDomain, Need};
use nazorg_domain::version::Version;
use time::{Date, OffsetDateTime};

/// Which cases a list shows.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Only open cases (the worklist). Ignored when `status` is given.
    pub open_only: bool,
    pub status: Option<Status>,
    pub direction: Option<Direction>,
    pub coordinator_id: Option<UserId>,
    /// A BSN (exact) or the start of a family name.
    pub search: Option<String>,
}

/// How a list search finds residents: a whole BSN, or the start of a family name as a
/// range of search keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseSearch {
    Bsn(String),
    NamePrefix { from: String, below: String },
}

/// The columns every step of a case needs to check access and the lifecycle.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseCore {
    pub id: CaseId,
    pub municipality_code: MunicipalityCode,
    pub resident_id: ResidentId,
    pub status: Status,
    pub detention_start: Date,
    pub actual_release: Option<Date>,
    /// On the safety chamber's agenda now (its members may then read the case).
    pub on_agenda: bool,
    /// Anonymised after the retention period: nothing may be added or changed.
    pub anonymised: bool,
}

/// Where a page starts: after this (due date, id); the id is a case's, or a referral's
/// in the referral list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor<Id = CaseId> {
    pub due: Date,
    pub id: Id,
}

impl<Id: std::fmt::Display + std::str::FromStr> Cursor<Id> {
    /// Encodes as `2026-03-01_123`, safe in a URL.
    pub fn encode(&self) -> String {
        format!("{}_{}", nazorg_domain::dates::format_iso(self.due), self.id)
    }

    pub fn decode(text: &str) -> Option<Cursor<Id>> {
        let (due, id) = text.split_once('_')?;
        Some(Cursor {
            due: nazorg_domain::parse_date(due).ok()?,
            id: id.parse().ok()?,
        })
    }
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T, Id = CaseId> {
    pub items: Vec<T>,
    pub next: Option<Cursor<Id>>,
}

/// A case as a list shows it. Read from its row as is, but for the fields marked `skip`,
/// which the store fills in from the columns they are derived from.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseSummary {
    pub case_id: CaseId,
    pub resident_id: ResidentId,
    /// The BSN; for a provisional identity a placeholder that is none (see `provisional`).
    pub bsn: String,
    /// No BSN known yet: the identity is provisional.
    pub provisional: bool,
    pub family_name: String,
    pub given_names: String,
    pub birth_date: Option<Date>,
    pub institution: String,
    pub detention_start: Date,
    pub expected_release: Option<Date>,
    pub actual_release: Option<Date>,
    pub status: Status,
    /// The outcome in force, after any override.
    #[sqlx(rename = "eligibility_in_force")]
    pub eligibility: Eligibility,
    /// The reasons of the rules' own outcome.
    #[sqlx(skip)]
    pub eligibility_reasons: Vec<Reason>,
    #[sqlx(skip)]
    pub eligibility_overridden: bool,
    pub direction: Option<Direction>,
    pub coordinator_id: Option<UserId>,
    pub coordinator: Option<String>,
    pub next_action: String,
    pub action_due: Date,
    /// The kinds of the case's open signals.
    #[sqlx(skip)]
    pub signals: Vec<SignalKind>,
    /// Registered in the BRP: as notified or corrected, or as the BRP said.
    pub brp_status: Option<BrpStatus>,
    /// The day the BRP was last asked successfully (`None`: never).
    pub brp_checked_on: Option<Date>,
}

/// An agreement in the plan of action.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Agreement {
    pub id: AgreementId,
    pub domain: LifeDomain,
    pub description: String,
    pub owner: String,
    pub due_date: Option<Date>,
    pub done: bool,
    pub done_on: Option<Date>,
}

/// A line in the contact log.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Contact {
    pub id: ContactId,
    #[sqlx(rename = "contact_date")]
    pub date: Date,
    pub kind: ContactKind,
    pub note: String,
    pub created_by: String,
}

/// A household member left behind.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HouseholdMember {
    pub id: HouseholdMemberId,
    pub relation: Relation,
    pub is_minor: bool,
    pub support_need: Need,
    pub note: String,
}

/// One entry of a case's history.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseEvent {
    pub at: OffsetDateTime,
    #[sqlx(rename = "actor_name")]
    pub actor: String,
    pub kind: String,
    pub summary: String,
    /// The version of the case this entry made.
    pub version: Version,
    /// The part of the case it replaced (a [`nazorg_domain::version::Part`]'s code), if any.
    pub part: Option<String>,
}

/// One notification received for a case.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationRecord {
    pub source: Source,
    pub received_at: OffsetDateTime,
}

/// Everything about one case. Read from its row as is (the summary's columns with the
/// page's own), but for the lists marked `skip`, which the store reads after it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseDetail {
    #[sqlx(flatten)]
    pub summary: CaseSummary,
    pub municipality_code: MunicipalityCode,
    pub last_residence_code: Option<String>,
    /// The day the resident's BRP registration ended, where the BRP said so.
    pub brp_status_since: Option<Date>,
    pub sentence: Option<Sentence>,
    /// The rules' own outcome, before any override.
    #[sqlx(rename = "eligibility")]
    pub computed_eligibility: Eligibility,
    pub override_reason: Option<String>,
    pub override_by: Option<String>,
    pub direction_reason: Option<String>,
    pub direction_since: Option<Date>,
    pub offer_outcome: Option<OfferOutcome>,
    pub offer_date: Option<Date>,
    pub offer_contact_kind: Option<ContactKind>,
    #[sqlx(flatten)]
    pub triage: Triage,
    #[sqlx(skip)]
    pub agreements: Vec<Agreement>,
    pub ready_housing: bool,
    pub ready_brp: bool,
    pub ready_id: bool,
    pub ready_income: bool,
    pub aftercare_end: Option<Date>,
    #[sqlx(skip)]
    pub contacts: Vec<Contact>,
    #[sqlx(skip)]
    pub household: Vec<HouseholdMember>,
    pub closing_reason: Option<ClosingReason>,
    pub overall_result: Option<OverallResult>,
    pub closing_note: Option<String>,
    pub closed_on: Option<Date>,
    #[sqlx(skip)]
    pub closure_results: Vec<(LifeDomain, DomainResult)>,
    pub notified_on: Date,
    /// The case's zaak in the zaaksysteem, once registered.
    pub zaak_url: Option<String>,
    pub zaak_identificatie: Option<String>,
    /// Statuses and the resultaat that wait to be posted to the zaak.
    pub zaak_waiting_updates: i64,
    #[sqlx(skip)]
    pub notifications: Vec<NotificationRecord>,
    #[sqlx(skip)]
    pub events: Vec<CaseEvent>,
    #[sqlx(skip)]
    pub referrals: Vec<Referral>,
    #[sqlx(skip)]
    pub safety_agenda: Vec<SafetyAgendaItem>,
    #[sqlx(skip)]
    pub appointments: Vec<Appointment>,
    /// The signals not yet handled, oldest first.
    #[sqlx(skip)]
    pub signals: Vec<OpenSignal>,
    /// The case's version: the number of changes made to it.
    pub version: Version,
    /// The calls to outside systems (the BRP, the zaaksysteem) that still wait.
    #[sqlx(skip)]
    pub waiting_calls: Vec<OutboxState>,
}

/// A planned appointment with the resident (in the PI or after release).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Appointment {
    pub id: AppointmentId,
    pub starts_at: OffsetDateTime,
    pub kind: ContactKind,
    pub place: String,
}

/// One line of a worklist: a deadline with whom it is about.
#[derive(Debug, Clone)]
pub struct WorkItem {
    pub deadline: nazorg_domain::deadlines::Deadline,
    pub resident: String,
    pub coordinator: Option<String>,
    /// On this list because the user stands in for this absent colleague.
    pub standing_in_for: Option<String>,
}

/// An absence of a coordinator and who stands in.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Absence {
    pub id: AbsenceId,
    pub user_id: UserId,
    #[sqlx(rename = "user_name")]
    pub user: String,
    pub substitute_id: UserId,
    #[sqlx(rename = "substitute_name")]
    pub substitute: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub note: String,
}

/// An event of the calendar feed: no names, no case details.
#[derive(Debug, Clone)]
pub struct CalendarItem {
    pub uid: String,
    pub case_id: CaseId,
    /// A timed appointment; `None` for an all-day item (a due agreement).
    pub starts_at: Option<OffsetDateTime>,
    pub day: Date,
    pub summary: String,
}

/// What an import of one notification did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    /// A new case (and perhaps a new resident).
    Created { case_id: CaseId },
    /// The detention was already known; at most the source was added to its history.
    Duplicate { case_id: CaseId },
    /// The detention was known, and the notification changed its facts.
    Updated { case_id: CaseId },
}

impl ImportOutcome {
    pub fn case_id(self) -> CaseId {
        match self {
            ImportOutcome::Created { case_id }
            | ImportOutcome::Duplicate { case_id }
            | ImportOutcome::Updated { case_id } => case_id,
        }
    }
}

/// Contact in detention and the offer.
#[derive(Debug, Clone)]
pub struct OfferInput {
    pub outcome: OfferOutcome,
    pub date: Date,
    pub kind: ContactKind,
    pub note: String,
}

/// The case direction decided.
#[derive(Debug, Clone)]
pub struct DirectionInput {
    pub direction: Direction,
    pub reason: String,
}

/// A new agreement in the plan of action.
#[derive(Debug, Clone)]
pub struct AgreementInput {
    pub domain: LifeDomain,
    pub description: String,
    pub owner: String,
    pub due_date: Option<Date>,
}

/// The release-readiness checklist.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadinessInput {
    pub housing: bool,
    pub brp: bool,
    pub id_document: bool,
    pub income: bool,
}

/// A contact log line.
#[derive(Debug, Clone)]
pub struct ContactInput {
    pub date: Date,
    pub kind: ContactKind,
    pub note: String,
}

/// A household member.
#[derive(Debug, Clone)]
pub struct HouseholdInput {
    pub relation: Relation,
    pub is_minor: bool,
    pub support_need: Need,
    pub note: String,
}

/// The facts of a detention and its resident that can be corrected.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CorrectableFacts {
    pub institution: String,
    pub expected_release: Option<Date>,
    pub sentence: Option<Sentence>,
    pub brp_status: Option<BrpStatus>,
    pub last_residence_code: Option<String>,
    pub birth_date: Option<Date>,
    pub family_name: String,
    pub given_names: String,
}

/// An override of the eligibility outcome; `outcome: None` withdraws it.
#[derive(Debug, Clone)]
pub struct OverrideInput {
    pub outcome: Option<Eligibility>,
    pub reason: String,
}

/// Closing a case.
#[derive(Debug, Clone)]
pub struct CloseInput {
    pub reason: ClosingReason,
    pub date: Date,
    pub overall: Option<OverallResult>,
    pub results: Vec<(LifeDomain, DomainResult)>,
    pub note: String,
}

/// A user account as an administrator sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub municipality_code: MunicipalityCode,
    pub active: bool,
    pub partner_id: Option<PartnerId>,
}

/// A partner organisation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Partner {
    pub id: PartnerId,
    pub kind: PartnerKind,
    pub name: String,
    pub active: bool,
}

/// A bought service (a trajectory kind) with its price.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServiceKind {
    pub id: ServiceKindId,
    pub partner_kind: PartnerKind,
    pub name: String,
    pub price_cents: i64,
    pub budget_line: BudgetLineCode,
    /// Raised by every change of the price.
    pub version: i64,
}

/// What a change of a record with a version came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Done,
    /// There is no such record (of the municipality).
    Missing,
    /// It changed after the version the change named; this is its version now.
    Changed(i64),
}

/// A referral as lists show it, with just enough of the resident for a partner to act.
/// Read from its row as is, but for the fields marked `skip`, which the store fills in
/// from the columns they are derived from.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Referral {
    pub id: ReferralId,
    pub case_id: CaseId,
    #[sqlx(skip)]
    pub resident: String,
    pub partner_id: PartnerId,
    pub partner: String,
    pub partner_kind: PartnerKind,
    pub household_member_id: Option<HouseholdMemberId>,
    #[sqlx(skip)]
    pub domains: Vec<LifeDomain>,
    pub reason: String,
    pub service: Option<String>,
    pub price_cents: Option<i64>,
    pub over_cap_reason: Option<String>,
    pub status: ReferralStatus,
    pub asked_on: Date,
    pub accepted_on: Option<Date>,
    pub started_on: Option<Date>,
    pub ended_on: Option<Date>,
    pub return_reason: Option<String>,
    pub result: Option<ReferralResult>,
    pub result_note: Option<String>,
    #[sqlx(skip)]
    pub acknowledged: bool,
}

/// One line of a referral's progress.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReferralNote {
    #[sqlx(rename = "note_date")]
    pub date: Date,
    pub step: ReferralStep,
    pub note: String,
    pub author: String,
}

/// A referral with its progress and the triage of the domains it is about.
#[derive(Debug, Clone)]
pub struct ReferralDetail {
    pub referral: Referral,
    pub birth_date: Option<Date>,
    pub triage: Vec<DomainTriage>,
    pub notes: Vec<ReferralNote>,
}

/// A new referral.
#[derive(Debug, Clone)]
pub struct ReferralInput {
    pub partner_id: PartnerId,
    pub domains: Vec<LifeDomain>,
    pub reason: String,
    pub service_kind_id: Option<ServiceKindId>,
    pub household_member_id: Option<HouseholdMemberId>,
    pub asked_on: Date,
    /// Given when the user confirmed passing the budget cap.
    pub over_cap_reason: Option<String>,
}

/// A step on a referral.
#[derive(Debug, Clone)]
pub struct ReferralStepInput {
    pub step: ReferralStep,
    pub date: Date,
    pub note: String,
    pub result: Option<ReferralResult>,
}

/// Which referrals a list shows.
#[derive(Debug, Clone, Default)]
pub struct ReferralFilter {
    pub status: Option<ReferralStatus>,
    pub open_only: bool,
    /// Finished or returned referrals the coordinator has not yet seen.
    pub unacknowledged: bool,
    /// Only referrals of cases directed by this coordinator (or not yet assigned).
    pub for_coordinator: Option<UserId>,
}

/// Why a referral needs confirmation: it would pass the cap of its budget line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverCap {
    pub line: String,
    pub cap_cents: i64,
    pub committed_cents: i64,
    pub spent_cents: i64,
    pub price_cents: i64,
}

impl std::fmt::Display for OverCap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use nazorg_domain::referral::format_eur;
        write!(
            f,
            "Deze verwijzing ({}) brengt de budgetregel ‘{}’ boven het plafond van {}: al vastgelegd {}, besteed {}. Bevestig met een reden om toch te verwijzen.",
            format_eur(self.price_cents),
            self.line,
            format_eur(self.cap_cents),
            format_eur(self.committed_cents),
            format_eur(self.spent_cents)
        )
    }
}

/// One budget line of a year.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BudgetLine {
    pub code: BudgetLineCode,
    pub name: String,
    pub cap_cents: i64,
    /// Raised by every change of the cap.
    pub version: i64,
    #[sqlx(default)]
    pub committed_cents: i64,
    #[sqlx(default)]
    pub spent_cents: i64,
}

impl BudgetLine {
    pub fn remaining_cents(&self) -> i64 {
        self.cap_cents - self.committed_cents - self.spent_cents
    }
}

/// Commitments and spend of one month (of the support line).
#[derive(Debug, Clone, Copy, Default)]
pub struct BudgetMonth {
    pub month: u8,
    pub committed_cents: i64,
    pub spent_cents: i64,
}

/// A year's budget.
#[derive(Debug, Clone)]
pub struct Budget {
    pub year: i32,
    pub lines: Vec<BudgetLine>,
    pub months: Vec<BudgetMonth>,
}

/// A safety chamber agenda item of a case.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SafetyAgendaItem {
    pub id: SafetyItemId,
    pub put_on: Date,
    pub reason: String,
    pub discussed_on: Option<Date>,
    pub outcome: Option<String>,
    pub follow_up: Option<String>,
}

/// Referral figures of one partner over a period.
#[derive(Debug, Clone, Default)]
pub struct PartnerFigures {
    pub partner: String,
    pub referrals: i64,
    pub started: i64,
    pub finished: i64,
    pub returned: i64,
    /// Days from asking to the start: median and 90th percentile.
    pub ask_to_start_days: Option<(f64, f64)>,
    /// Days from the start to the end.
    pub start_to_end_days: Option<(f64, f64)>,
    pub results: Vec<(ReferralResult, i64)>,
}

/// Whose cases a worklist covers.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// The user's own cases, unassigned ones, and those of colleagues they stand in for today.
    Of(UserId),
    /// Every open case of the municipality.
    Team,
}

/// One processing of a resident's personal data.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProcessingEntry {
    pub at: OffsetDateTime,
    #[sqlx(rename = "actor_name")]
    pub actor: String,
    pub action: nazorg_domain::access::Action,
    pub case_id: Option<CaseId>,
    pub purpose: String,
    pub detail: String,
}

/// An API token as its owner's administrator sees it (never the token itself). Read from
/// its row as is, but for the fields marked `skip`, which the store fills in from the
/// columns they are derived from.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiTokenInfo {
    pub id: ApiTokenId,
    pub name: String,
    #[sqlx(skip)]
    pub scopes: Vec<nazorg_domain::access::TokenScope>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    #[sqlx(skip)]
    pub revoked: bool,
}

/// Outflow, forecast and capacity for the outlook page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Outlook {
    pub series: Vec<nazorg_domain::outlook::OutflowYear>,
    pub forecast: Option<nazorg_domain::outlook::Forecast>,
    pub capacity: Option<nazorg_domain::outlook::CapacityEstimate>,
    pub observed: nazorg_domain::outlook::Observed,
    pub settings: nazorg_domain::outlook::CapacitySettings,
    /// The version of the settings (0 while the defaults stand), which a change names.
    pub settings_version: i64,
}

/// Who signed in through the OpenID Connect provider, with what the configuration made of
/// their claims.
#[derive(Debug, Clone)]
pub struct OidcIdentity {
    /// The provider (its issuer URL) and its stable identifier of the person (`sub`).
    pub issuer: String,
    pub subject: String,
    /// The wanted username (`preferred_username`, else the subject).
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub municipality: String,
    pub partner_id: Option<PartnerId>,
}

/// One closed case whose retention period has ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RetentionItem {
    pub case_id: CaseId,
    pub resident_id: ResidentId,
    #[serde(serialize_with = "nazorg_domain::dates::serialize_iso")]
    pub closed_on: Date,
    /// The resident has no other case left, so their name, BSN and birth date go too.
    pub resident_anonymised: bool,
}

/// What the retention job did, or (dry run) would do.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RetentionReport {
    /// Cases closed on or before this day are anonymised.
    #[serde(serialize_with = "nazorg_domain::dates::serialize_iso")]
    pub cutoff: Date,
    pub dry_run: bool,
    pub items: Vec<RetentionItem>,
}

/// One item on the safety chamber's agenda, as its members see it: the item with its case.
/// Read from its row as is, but for the resident's name, which the store joins from the
/// names.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SafetyAgendaEntry {
    pub case_id: CaseId,
    #[sqlx(skip)]
    pub resident: String,
    #[sqlx(flatten)]
    pub item: SafetyAgendaItem,
}

/// One activity of the register of processing activities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityEntry {
    pub code: String,
    pub name: String,
    pub purpose: String,
    pub legal_ground: String,
    /// Who changed it last and when; `None` while it has the default texts.
    pub changed: Option<(String, OffsetDateTime)>,
    /// Raised by every change; 0 while it has the default texts.
    pub version: i64,
}

/// A case as the SKT care director or Exodus worker who directs it sees it: what the
/// support needs, and no BSN, detention details, eligibility, safety-chamber items or
/// history (the criminal record stays with the coordinator).
#[derive(Debug, Clone)]
pub struct DirectedCase {
    pub case_id: CaseId,
    pub resident: String,
    pub birth_date: Option<Date>,
    pub status: Status,
    pub direction: Option<Direction>,
    pub direction_since: Option<Date>,
    pub expected_release: Option<Date>,
    pub actual_release: Option<Date>,
    pub aftercare_end: Option<Date>,
    pub triage: Vec<DomainTriage>,
    pub triage_note: String,
    pub agreements: Vec<Agreement>,
    pub ready_housing: bool,
    pub ready_brp: bool,
    pub ready_id: bool,
    pub ready_income: bool,
    pub contacts: Vec<Contact>,
    pub household: Vec<HouseholdMember>,
    /// Partner, domains and status of each referral (no notes or reasons).
    pub referrals: Vec<(String, Vec<LifeDomain>, ReferralStatus)>,
}

/// A line of the list of cases a partner organisation directs. Read from its row as is,
/// but for the resident's name, which the store joins from the names.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DirectedCaseRow {
    pub case_id: CaseId,
    #[sqlx(skip)]
    pub resident: String,
    pub status: Status,
    pub direction_since: Option<Date>,
}

/// A refused request, from the security log.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct Refusal {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    #[sqlx(rename = "actor_name")]
    pub actor: String,
    pub role: String,
    pub operation: String,
    pub reason: String,
}

impl CaseDetail {
    /// The call of `kind` that still waits for this case, if any.
    pub fn waiting_call(&self, kind: &str) -> Option<&OutboxState> {
        self.waiting_calls.iter().find(|c| c.kind == kind)
    }
}

/// One call that waits, as a case page or a status list shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxState {
    pub id: i64,
    pub case_id: CaseId,
    pub kind: String,
    pub attempts: i64,
    pub created_at: OffsetDateTime,
    pub last_attempt_at: Option<OffsetDateTime>,
    pub next_attempt_at: OffsetDateTime,
    /// Why the last try failed, in Dutch.
    pub last_error: Option<String>,
}
