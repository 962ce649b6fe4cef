//! Inputs shared by the JSON API and the HTML forms: text as it arrives, turned into the
//! store's typed inputs with Dutch messages for whatever does not parse.

use crate::error::AppError;
use nazorg_app as store;
use nazorg_domain::case::{ClosingReason, ContactKind, DomainResult, OfferOutcome, OverallResult};
use nazorg_domain::eligibility::Eligibility;
use nazorg_domain::ids::{HouseholdMemberId, PartnerId, ServiceKindId, UserId};
use nazorg_domain::notification::{BrpStatus, Sentence};
use nazorg_domain::triage::{Direction, LifeDomain};
use nazorg_domain::{Coded, parse_date};
use serde::{Deserialize, Deserializer, Serialize};
use time::Date;
use utoipa::ToSchema;

mod contacts;
pub use contacts::*;

/// The refusal of input as the refusal of the form field `field`, so that the form can
/// mark that field and say why next to it.
pub fn at<T>(field: &'static str, result: Result<T, AppError>) -> Result<T, AppError> {
    result.map_err(|e| match e {
        AppError::Invalid(message) => AppError::Field { field, message },
        other => other,
    })
}

/// Parses a code of a closed set, or says in Dutch which values are allowed.
pub fn code<T: Coded>(field: &str, value: &str) -> Result<T, AppError> {
    let value = value.trim();
    T::all()
        .iter()
        .copied()
        .find(|v| v.code() == value)
        .ok_or_else(|| {
            let allowed: Vec<&str> = T::all().iter().map(|v| v.code()).collect();
            if value.is_empty() {
                AppError::Invalid(format!("Kies {field}."))
            } else {
                AppError::Invalid(format!(
                    "{field}: '{value}' is onbekend; kies uit {}.",
                    allowed.join(", ")
                ))
            }
        })
}

/// Parses an optional code: empty means unknown.
pub fn optional_code<T: Coded>(field: &str, value: Option<&str>) -> Result<Option<T>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => code(field, v).map(Some),
        None => Ok(None),
    }
}

/// Parses a required date.
pub fn date(field: &str, value: &str) -> Result<Date, AppError> {
    if value.trim().is_empty() {
        return Err(AppError::Invalid(format!("Vul {field} in.")));
    }
    parse_date(value).map_err(|e| AppError::Invalid(format!("{field}: {e}")))
}

/// Parses an optional date: empty means unknown.
pub fn optional_date(field: &str, value: Option<&str>) -> Result<Option<Date>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => date(field, v).map(Some),
        None => Ok(None),
    }
}

/// A budget year one may ask for: 2000 to 2100.
pub fn budget_year(year: i32) -> Result<i32, AppError> {
    if (2000..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(AppError::Invalid(
            "Kies een jaar tussen 2000 en 2100.".into(),
        ))
    }
}

/// Accepts a JSON boolean as well as a checkbox's "on" (absent means false); any other
/// text is refused rather than read as false ("yes" is not a no).
pub fn checkbox<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Text(String),
    }
    match Flag::deserialize(d)? {
        Flag::Bool(b) => Ok(b),
        Flag::Text(t) => match t.trim() {
            "on" | "true" | "1" | "ja" => Ok(true),
            "off" | "false" | "0" | "nee" | "" => Ok(false),
            other => Err(serde::de::Error::custom(format!(
                "'{other}' is geen ja of nee; gebruik true of false"
            ))),
        },
    }
}

/// A body that replaces values, from one list of its fields, in the two ways it arrives.
/// `$api` is how the API takes it: as a whole (`PUT`), so every field must be there
/// (`null` where a value may be unknown) and no other; absent never means "clear".
/// `$form` is how an HTML form posts it: a field left out is empty, as an unticked box is
/// absent. The form derefs to the API's type, so both are parsed by the same code.
macro_rules! whole_body {
    ($(#[$meta:meta])* $api:ident / $form:ident { $($(#[$attr:meta])* $field:ident: $ty:ty $(as $schema:meta)?,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $api {
            $($(#[$attr])* #[schema(required = true)] $(#[$schema])? pub $field: $ty,)*
        }

        #[doc = concat!("[`", stringify!($api), "`] as a form posts it: a field left out is empty.")]
        #[derive(Debug, Clone)]
        pub struct $form(pub $api);

        impl std::ops::Deref for $form {
            type Target = $api;
            fn deref(&self) -> &$api {
                &self.0
            }
        }

        impl<'de> Deserialize<'de> for $form {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #[derive(Default, Deserialize)]
                #[serde(default)]
                struct Lenient {
                    $($(#[$attr])* $field: $ty,)*
                }
                let l = Lenient::deserialize(d)?;
                Ok($form($api { $($field: l.$field,)* }))
            }
        }
    };
}

/// A notification entered by hand or posted by a client: the domain's row of text fields,
/// documented in the OpenAPI document under this name.
pub use nazorg_domain::notification::NotificationRow as NotificationIn;

whole_body! {
    /// Contact in detention and the offer of aftercare.
    OfferIn / OfferForm {
        /// accepted | declined | not_reached
        outcome: String as schema(value_type = nazorg_domain::case::OfferOutcome, inline),
        /// yyyy-mm-dd
        date: String as schema(format = Date),
        /// visit_in_prison | online_in_prison | phone | home_visit | office | letter | via_casemanager
        kind: String as schema(value_type = nazorg_domain::case::ContactKind, inline),
        /// May be empty.
        note: String,
    }
}

impl OfferIn {
    pub fn parse(&self) -> Result<store::OfferInput, AppError> {
        Ok(store::OfferInput {
            outcome: at(
                "outcome",
                code::<OfferOutcome>("de uitkomst van het aanbod", &self.outcome),
            )?,
            date: at("date", date("de datum van het contact", &self.date))?,
            kind: at("kind", code::<ContactKind>("de soort contact", &self.kind))?,
            note: self.note.clone(),
        })
    }
}

/// The triage of one life domain.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageDomainIn {
    /// id_document | housing | income | care | social_network
    #[schema(value_type = nazorg_domain::triage::LifeDomain, inline)]
    pub domain: String,
    /// none | practical | complex
    #[schema(value_type = nazorg_domain::triage::Need, inline)]
    pub need: String,
    /// low | moderate | high
    #[schema(value_type = nazorg_domain::triage::SelfReliance, inline)]
    pub self_reliance: String,
}

/// The triage of all five life domains, as a whole: every field there.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageIn {
    pub domains: Vec<TriageDomainIn>,
    /// May be empty.
    pub note: String,
    /// Already known to the SKT before this detention (null: not known whether).
    #[serde(deserialize_with = "present")]
    #[schema(required = true)]
    pub known_to_skt: Option<bool>,
    /// Already known to the safety chamber (null: not known whether).
    #[serde(deserialize_with = "present")]
    #[schema(required = true)]
    pub known_to_safety_chamber: Option<bool>,
}

impl TriageIn {
    pub fn parse(&self) -> Result<store::Triage, AppError> {
        let domains = self
            .domains
            .iter()
            .map(|d| {
                let domain = code::<LifeDomain>("het leefgebied", &d.domain)?;
                domain_triage(domain, &d.need, &d.self_reliance)
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        Ok(store::Triage {
            domains,
            note: self.note.clone(),
            known_to_skt: self.known_to_skt,
            known_to_safety_chamber: self.known_to_safety_chamber,
        })
    }
}

/// The triage of one life domain from its two answers.
pub fn domain_triage(
    domain: LifeDomain,
    need: &str,
    self_reliance: &str,
) -> Result<nazorg_domain::triage::DomainTriage, AppError> {
    Ok(nazorg_domain::triage::DomainTriage {
        domain,
        need: code(&format!("de behoefte bij {}", domain.label()), need)?,
        self_reliance: code(
            &format!("de zelfredzaamheid bij {}", domain.label()),
            self_reliance,
        )?,
    })
}

whole_body! {
    /// The case direction and why.
    DirectionIn / DirectionForm {
        /// coordinator | skt | exodus
        direction: String as schema(value_type = nazorg_domain::triage::Direction, inline),
        reason: String,
    }
}

impl DirectionIn {
    pub fn parse(&self) -> Result<store::DirectionInput, AppError> {
        Ok(store::DirectionInput {
            direction: at(
                "direction",
                code::<Direction>("wie de regie heeft", &self.direction),
            )?,
            reason: self.reason.clone(),
        })
    }
}

/// A new agreement in the plan of action.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct AgreementIn {
    #[schema(value_type = nazorg_domain::triage::LifeDomain, inline)]
    pub domain: String,
    pub description: String,
    pub owner: String,
    #[schema(format = Date)]
    pub due_date: Option<String>,
}

impl AgreementIn {
    pub fn parse(&self) -> Result<store::AgreementInput, AppError> {
        Ok(store::AgreementInput {
            domain: at("domain", code::<LifeDomain>("het leefgebied", &self.domain))?,
            description: self.description.clone(),
            owner: self.owner.clone(),
            due_date: at(
                "due_date",
                optional_date("de streefdatum", self.due_date.as_deref()),
            )?,
        })
    }
}

whole_body! {
    /// Marks an agreement done or open.
    AgreementDoneIn / AgreementDoneForm {
        #[serde(deserialize_with = "checkbox")]
        done: bool,
    }
}

whole_body! {
    /// The release-readiness checklist, as a whole: all four answers.
    ReadinessIn / ReadinessForm {
        #[serde(deserialize_with = "checkbox")]
        housing: bool,
        #[serde(deserialize_with = "checkbox")]
        brp_registration: bool,
        #[serde(deserialize_with = "checkbox")]
        id_document: bool,
        #[serde(deserialize_with = "checkbox")]
        income: bool,
    }
}

impl ReadinessIn {
    pub fn parse(&self) -> store::ReadinessInput {
        store::ReadinessInput {
            housing: self.housing,
            brp: self.brp_registration,
            id_document: self.id_document,
            income: self.income,
        }
    }
}

whole_body! {
    /// The actual release date.
    ReleaseIn / ReleaseForm {
        /// yyyy-mm-dd
        date: String as schema(format = Date),
    }
}

/// A field that must be there, though it may be `null` (a fact not known).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(d)
}

/// A field of a merge patch: absent is `None` (unchanged), `null` is `Some(None)` (cleared).
fn patched<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// The facts of the detention and the resident, as a whole (`PUT`): every field must be
/// there, `null` where a fact is not known. Eligibility is judged again.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FactsIn {
    pub institution: String,
    /// yyyy-mm-dd, or null
    #[serde(deserialize_with = "present")]
    #[schema(required = true)]
    pub expected_release: Option<String>,
    /// prison_sentence | pretrial | other, or null
    #[serde(deserialize_with = "present")]
    #[schema(required = true, value_type = Option<nazorg_domain::notification::Sentence>, inline)]
    pub sentence: Option<String>,
    /// registered | recently_deregistered | not_registered, or null
    #[serde(deserialize_with = "present")]
    #[schema(required = true, value_type = Option<nazorg_domain::notification::BrpStatus>, inline)]
    pub brp_status: Option<String>,
    /// The CBS code of the municipality of the last address, or null
    #[serde(deserialize_with = "present")]
    #[schema(required = true)]
    pub last_residence_code: Option<String>,
    /// yyyy-mm-dd, or null
    #[serde(deserialize_with = "present")]
    #[schema(required = true)]
    #[schema(format = Date)]
    pub birth_date: Option<String>,
    pub family_name: String,
    pub given_names: String,
}

impl FactsIn {
    pub fn parse(&self) -> Result<store::FactsPatch, AppError> {
        Ok(store::FactsPatch::whole(store::CorrectableFacts {
            institution: self.institution.clone(),
            expected_release: optional_date(
                "de verwachte vrijlating",
                self.expected_release.as_deref(),
            )?,
            sentence: at(
                "sentence",
                optional_code::<Sentence>("het vonnis", self.sentence.as_deref()),
            )?,
            brp_status: optional_code::<BrpStatus>(
                "de inschrijving in de BRP",
                self.brp_status.as_deref(),
            )?,
            last_residence_code: self
                .last_residence_code
                .clone()
                .filter(|c| !c.trim().is_empty()),
            birth_date: at(
                "birth_date",
                optional_date("de geboortedatum", self.birth_date.as_deref()),
            )?,
            family_name: self.family_name.clone(),
            given_names: self.given_names.clone(),
        }))
    }
}

/// A change of some facts (`PATCH`, as a JSON Merge Patch, RFC 7396): a field left out
/// stays as it is, `null` clears a fact that may be unknown.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FactsPatchIn {
    #[serde(default, deserialize_with = "patched")]
    pub institution: Option<Option<String>>,
    /// yyyy-mm-dd
    #[serde(default, deserialize_with = "patched")]
    pub expected_release: Option<Option<String>>,
    /// prison_sentence | pretrial | other; null: unknown
    #[serde(default, deserialize_with = "patched")]
    #[schema(value_type = Option<nazorg_domain::notification::Sentence>, inline)]
    pub sentence: Option<Option<String>>,
    /// registered | recently_deregistered | not_registered; null: unknown
    #[serde(default, deserialize_with = "patched")]
    #[schema(value_type = Option<nazorg_domain::notification::BrpStatus>, inline)]
    pub brp_status: Option<Option<String>>,
    #[serde(default, deserialize_with = "patched")]
    pub last_residence_code: Option<Option<String>>,
    /// yyyy-mm-dd
    #[serde(default, deserialize_with = "patched")]
    #[schema(format = Date)]
    pub birth_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "patched")]
    pub family_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "patched")]
    pub given_names: Option<Option<String>>,
}

/// A field of a patch that cannot be cleared: its new value, if given.
fn kept(field: &str, value: &Option<Option<String>>) -> Result<Option<String>, AppError> {
    match value {
        None => Ok(None),
        Some(Some(v)) => Ok(Some(v.clone())),
        Some(None) => Err(AppError::Invalid(format!(
            "{field} kan niet leeg worden gemaakt; laat het veld weg om het te houden."
        ))),
    }
}

/// A field of a patch parsed when given: `None` unchanged, `Some(None)` cleared.
fn patch_of<T>(
    value: &Option<Option<String>>,
    parse: impl Fn(Option<&str>) -> Result<Option<T>, AppError>,
) -> Result<Option<Option<T>>, AppError> {
    value.as_ref().map(|v| parse(v.as_deref())).transpose()
}

impl FactsPatchIn {
    pub fn parse(&self) -> Result<store::FactsPatch, AppError> {
        Ok(store::FactsPatch {
            institution: kept("De inrichting", &self.institution)?,
            expected_release: patch_of(&self.expected_release, |v| {
                optional_date("de verwachte vrijlating", v)
            })?,
            sentence: patch_of(&self.sentence, |v| {
                optional_code::<Sentence>("het vonnis", v)
            })?,
            brp_status: patch_of(&self.brp_status, |v| {
                optional_code::<BrpStatus>("de inschrijving in de BRP", v)
            })?,
            last_residence_code: patch_of(&self.last_residence_code, |v| {
                Ok(v.map(str::to_string).filter(|c| !c.trim().is_empty()))
            })?,
            birth_date: patch_of(&self.birth_date, |v| optional_date("de geboortedatum", v))?,
            family_name: kept("De achternaam", &self.family_name)?,
            given_names: patch_of(&self.given_names, |v| Ok(v.map(str::to_string)))?
                .map(Option::unwrap_or_default),
        })
    }
}

whole_body! {
    /// Overrides the eligibility outcome; null (or empty) withdraws the override.
    OverrideIn / OverrideForm {
        /// eligible | not_eligible | undetermined | null (withdraw)
        #[serde(deserialize_with = "present")]
        outcome: Option<String> as schema(value_type = Option<nazorg_domain::eligibility::Eligibility>, inline),
        reason: String,
    }
}

impl OverrideIn {
    pub fn parse(&self) -> Result<store::OverrideInput, AppError> {
        Ok(store::OverrideInput {
            outcome: at(
                "outcome",
                optional_code::<Eligibility>("de uitkomst", self.outcome.as_deref()),
            )?,
            reason: self.reason.clone(),
        })
    }
}

/// Assigns (or, with null, unassigns) the case's coordinator.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoordinatorIn {
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<i64>, required = true)]
    pub user_id: Option<UserId>,
}

/// The result in one life domain at closure.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct DomainResultIn {
    /// id_document | housing | income | care | social_network
    #[schema(value_type = nazorg_domain::triage::LifeDomain, inline)]
    pub domain: String,
    /// arranged | partly | not_arranged | not_applicable
    #[schema(value_type = nazorg_domain::case::DomainResult, inline)]
    pub result: String,
}

/// Closing a case.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct CloseIn {
    /// completed | declined | not_reached | moved_away | re_detained | died | not_eligible
    #[schema(value_type = nazorg_domain::case::ClosingReason, inline)]
    pub reason: String,
    #[schema(format = Date)]
    pub date: String,
    /// successful | partly | not_successful
    #[schema(value_type = Option<nazorg_domain::case::OverallResult>, inline)]
    pub overall_result: Option<String>,
    pub results: Vec<DomainResultIn>,
    pub note: String,
}

impl CloseIn {
    pub fn parse(&self) -> Result<store::CloseInput, AppError> {
        let results = self
            .results
            .iter()
            .filter(|r| !r.result.trim().is_empty())
            .map(|r| {
                let domain = code::<LifeDomain>("het leefgebied", &r.domain)?;
                domain_result(domain, &r.result)
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        close_input(
            results,
            &self.reason,
            &self.date,
            self.overall_result.as_deref(),
            &self.note,
        )
    }
}

/// The result in one life domain at closure.
pub fn domain_result(
    domain: LifeDomain,
    result: &str,
) -> Result<(LifeDomain, DomainResult), AppError> {
    let field = format!("het resultaat bij {}", domain.label());
    Ok((domain, code::<DomainResult>(&field, result)?))
}

/// The closure from its parts, the per-domain results already parsed.
pub fn close_input(
    results: Vec<(LifeDomain, DomainResult)>,
    reason: &str,
    date_text: &str,
    overall: Option<&str>,
    note: &str,
) -> Result<store::CloseInput, AppError> {
    Ok(store::CloseInput {
        reason: code::<ClosingReason>("de reden van afsluiten", reason)?,
        date: date("de datum van afsluiten", date_text)?,
        overall: optional_code::<OverallResult>("het resultaat", overall)?,
        results,
        note: note.to_string(),
    })
}

/// A referral to a partner.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReferralIn {
    #[schema(value_type = i64)]
    pub partner_id: PartnerId,
    /// Life domains the referral is about (codes); may be empty for a household member.
    pub domains: Vec<String>,
    pub reason: String,
    /// A bought service (see /api/v1/service-kinds); its price is committed on the budget.
    #[schema(value_type = Option<i64>)]
    pub service_kind_id: Option<ServiceKindId>,
    /// Refer a household member of the case instead of the resident.
    #[schema(value_type = Option<i64>)]
    pub household_member_id: Option<HouseholdMemberId>,
    /// YYYY-MM-DD; default today.
    pub asked_on: Option<String>,
    /// Needed when the referral passes the budget cap: why it is made anyway.
    pub over_cap_reason: Option<String>,
}

impl ReferralIn {
    pub fn parse(&self, today: Date) -> Result<store::ReferralInput, AppError> {
        let domains = self
            .domains
            .iter()
            .filter(|d| !d.trim().is_empty())
            .map(|d| code::<LifeDomain>("het leefgebied", d))
            .collect::<Result<Vec<_>, _>>()?;
        if self.partner_id <= PartnerId(0) {
            return Err(AppError::Invalid("Kies een ketenpartner.".into()));
        }
        Ok(store::ReferralInput {
            partner_id: self.partner_id,
            domains,
            reason: self.reason.clone(),
            service_kind_id: self.service_kind_id.filter(|id| *id > ServiceKindId(0)),
            household_member_id: self
                .household_member_id
                .filter(|id| *id > HouseholdMemberId(0)),
            asked_on: at(
                "asked_on",
                optional_date("de datum van de vraag", self.asked_on.as_deref()),
            )?
            .unwrap_or(today),
            over_cap_reason: self.over_cap_reason.clone(),
        })
    }
}

/// A step on a referral.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReferralStepIn {
    /// accept | return | start | progress | finish | withdraw
    #[schema(value_type = nazorg_domain::referral::ReferralStep, inline)]
    pub step: String,
    /// YYYY-MM-DD; default today.
    #[schema(format = Date)]
    pub date: Option<String>,
    /// Required for return, progress and withdraw.
    pub note: String,
    /// For finish: achieved | partly | not_achieved | stopped
    #[schema(value_type = Option<nazorg_domain::referral::ReferralResult>, inline)]
    pub result: Option<String>,
}

impl ReferralStepIn {
    pub fn parse(&self, today: Date) -> Result<store::ReferralStepInput, AppError> {
        use nazorg_domain::referral::{ReferralResult, ReferralStep};
        Ok(store::ReferralStepInput {
            step: at("step", code::<ReferralStep>("de stap", &self.step))?,
            date: at("date", optional_date("de datum", self.date.as_deref()))?.unwrap_or(today),
            note: self.note.clone(),
            result: at(
                "result",
                optional_code::<ReferralResult>("het resultaat", self.result.as_deref()),
            )?,
        })
    }
}

whole_body! {
    /// The BSN of a resident whose identity is provisional.
    BsnIn / BsnForm {
        /// Nine digits that pass the eleven-test.
        bsn: String,
    }
}

impl BsnIn {
    pub fn parse(&self) -> Result<nazorg_domain::Bsn, AppError> {
        nazorg_domain::Bsn::parse(&self.bsn).map_err(|e| AppError::Invalid(format!("{e}.")))
    }
}

/// How a signal is handled.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolutionIn {
    /// seen (chain_changed) | same_person | take_notified (identity_mismatch)
    #[schema(value_type = nazorg_domain::signal::Resolution, inline)]
    pub resolution: String,
}

impl ResolutionIn {
    pub fn parse(&self) -> Result<nazorg_domain::signal::Resolution, AppError> {
        code("hoe het signaal is afgehandeld", &self.resolution)
    }
}

/// Putting a case on the safety chamber's agenda.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct SafetyItemIn {
    /// The meeting date, YYYY-MM-DD.
    pub put_on: String,
    pub reason: String,
}

/// The safety chamber's outcome for an agenda item, as a whole.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SafetyOutcomeIn {
    /// yyyy-mm-dd
    pub discussed_on: String,
    pub outcome: String,
    /// May be empty.
    pub follow_up: String,
}

/// A new amount in euros: a number, or Dutch text such as "28.000,00".
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmountIn {
    #[schema(value_type = f64)]
    pub amount: serde_json::Value,
}

impl AmountIn {
    pub fn cents(&self) -> Result<i64, AppError> {
        let cents = match &self.amount {
            serde_json::Value::Number(n) => n
                .as_f64()
                .filter(|f| *f >= 0.0)
                .map(|f| (f * 100.0).round() as i64),
            serde_json::Value::String(s) => nazorg_domain::referral::parse_eur(s),
            _ => None,
        };
        cents.ok_or_else(|| {
            AppError::Invalid("Vul een bedrag in euro's in, bijvoorbeeld 28.000,00.".into())
        })
    }
}

/// A new partner organisation.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct PartnerIn {
    pub name: String,
    /// skt | exodus | wmo | debt_counselling | housing | benefits | mental_health | youth_care | central_access | safety_chamber | other
    #[schema(value_type = nazorg_domain::referral::PartnerKind, inline)]
    pub kind: String,
}
