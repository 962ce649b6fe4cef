//! The HTML forms whose fields differ from the JSON input (`input`): one field per life
//! domain instead of a list, "ja"/"nee" selects, repeated checkboxes, ids as text. Each is
//! parsed once, at the edge, into the store's typed input; a form that has the same fields
//! as the JSON input uses the `input` type itself.
//!
//! Every field is optional (`#[serde(default)]`) and text, so reading the body never fails
//! on what a user typed: the handler checks access first, then `parse` says in Dutch what
//! is wrong. Unknown fields (the `csrf` token) are ignored.

use crate::error::AppError;
use crate::input::{
    ReferralIn, at, checkbox, close_input, code, date, domain_result, domain_triage,
};
use nazorg_app as store;
use nazorg_domain::case::ContactKind;
use nazorg_domain::ids::{PartnerId, SafetyItemId, UserId};
use nazorg_domain::triage::LifeDomain;
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use time::Date;

/// A yes / no / not known choice of a form ("ja", "nee" or empty).
fn yes_no(field: &str, value: &str) -> Result<Option<bool>, AppError> {
    match value.trim() {
        "" => Ok(None),
        "ja" => Ok(Some(true)),
        "nee" => Ok(Some(false)),
        _ => Err(AppError::Invalid(format!(
            "Kies ‘ja’, ‘nee’ of ‘onbekend’ {field}."
        ))),
    }
}

/// One text field per life domain, named `<prefix><domain code>` in the form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TriageForm {
    need_id_document: String,
    need_housing: String,
    need_income: String,
    need_care: String,
    need_social_network: String,
    reliance_id_document: String,
    reliance_housing: String,
    reliance_income: String,
    reliance_care: String,
    reliance_social_network: String,
    note: String,
    known_to_skt: String,
    known_to_safety_chamber: String,
}

impl TriageForm {
    /// The need and self-reliance chosen for a domain.
    fn answers(&self, domain: LifeDomain) -> (&str, &str) {
        match domain {
            LifeDomain::IdDocument => (&self.need_id_document, &self.reliance_id_document),
            LifeDomain::Housing => (&self.need_housing, &self.reliance_housing),
            LifeDomain::Income => (&self.need_income, &self.reliance_income),
            LifeDomain::Care => (&self.need_care, &self.reliance_care),
            LifeDomain::SocialNetwork => (&self.need_social_network, &self.reliance_social_network),
        }
    }

    pub fn parse(&self) -> Result<store::Triage, AppError> {
        let known_to_skt = yes_no("bij het SKT", &self.known_to_skt)?;
        let known_to_safety_chamber =
            yes_no("bij de Veiligheidskamer", &self.known_to_safety_chamber)?;
        let domains = LifeDomain::ALL
            .iter()
            .map(|d| {
                let (need, reliance) = self.answers(*d);
                domain_triage(*d, need, reliance)
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        Ok(store::Triage {
            domains,
            note: self.note.clone(),
            known_to_skt,
            known_to_safety_chamber,
        })
    }
}

/// Closing a case: the reason, a result per life domain, and a confirmation.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CloseForm {
    #[serde(deserialize_with = "checkbox")]
    confirm: bool,
    reason: String,
    date: String,
    overall_result: String,
    result_id_document: String,
    result_housing: String,
    result_income: String,
    result_care: String,
    result_social_network: String,
    note: String,
}

impl CloseForm {
    fn result(&self, domain: LifeDomain) -> &str {
        match domain {
            LifeDomain::IdDocument => &self.result_id_document,
            LifeDomain::Housing => &self.result_housing,
            LifeDomain::Income => &self.result_income,
            LifeDomain::Care => &self.result_care,
            LifeDomain::SocialNetwork => &self.result_social_network,
        }
    }

    pub fn parse(&self) -> Result<store::CloseInput, AppError> {
        if !self.confirm {
            return Err(AppError::Invalid(
                "Bevestig dat de casus afgesloten mag worden.".into(),
            ));
        }
        let results = LifeDomain::ALL
            .iter()
            .filter(|d| !self.result(**d).trim().is_empty())
            .map(|d| domain_result(*d, self.result(*d)))
            .collect::<Result<Vec<_>, AppError>>()?;
        close_input(
            results,
            &self.reason,
            &self.date,
            Some(self.overall_result.as_str()),
            &self.note,
        )
    }
}

/// The case's coordinator, chosen from a list (empty: nobody).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CoordinatorForm {
    user_id: String,
}

impl CoordinatorForm {
    pub fn parse(&self) -> Result<Option<UserId>, AppError> {
        match self.user_id.trim() {
            "" => Ok(None),
            v => v
                .parse::<UserId>()
                .map(Some)
                .map_err(|_| AppError::Invalid("Kies een nazorgcoördinator uit de lijst.".into())),
        }
    }
}

/// An appointment: a day and a time in Dutch local time.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AppointmentForm {
    date: String,
    time: String,
    kind: String,
    pub place: String,
}

impl AppointmentForm {
    /// When (in UTC) and what kind of appointment.
    pub fn parse(&self) -> Result<(time::OffsetDateTime, ContactKind), AppError> {
        let day = at("date", date("de datum van de afspraak", &self.date))?;
        let time = time::Time::parse(
            self.time.trim(),
            time::macros::format_description!("[hour]:[minute]"),
        )
        .map_err(|_| AppError::Invalid("Vul de tijd in als uu:mm, bijvoorbeeld 10:30.".into()))?;
        let kind = at("kind", code::<ContactKind>("de soort afspraak", &self.kind))?;
        let at = nazorg_domain::dates::amsterdam_to_utc(time::PrimitiveDateTime::new(day, time));
        Ok((at, kind))
    }
}

/// The safety chamber's outcome for one item on its agenda.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SafetyOutcomeForm {
    item_id: String,
    discussed_on: String,
    pub outcome: String,
    pub follow_up: String,
}

impl SafetyOutcomeForm {
    /// The item (an id that is not a number is simply not found) and the meeting date.
    pub fn parse(&self) -> Result<(SafetyItemId, Date), AppError> {
        let item = self
            .item_id
            .parse::<SafetyItemId>()
            .map_err(|_| AppError::NotFound)?;
        let discussed = at(
            "discussed_on",
            date("de datum van bespreking", &self.discussed_on),
        )?;
        Ok((item, discussed))
    }
}

/// A referral from the case page: `domain` is a checkbox that may be sent several times.
/// The fields are kept as typed, to show the form again when the budget cap is passed.
#[derive(Debug, Default)]
pub struct ReferralForm {
    pub partner_id: String,
    pub domains: Vec<String>,
    pub reason: String,
    pub service_kind_id: String,
    pub household_member_id: String,
    pub asked_on: String,
    pub over_cap_reason: String,
}

impl ReferralForm {
    /// For a household member of the case rather than the resident.
    pub fn for_household(&self) -> bool {
        self.household_member_id.parse::<i64>().is_ok()
    }

    pub fn parse(&self, today: Date) -> Result<store::ReferralInput, AppError> {
        ReferralIn {
            partner_id: self.partner_id.parse().unwrap_or(PartnerId(0)),
            domains: self.domains.clone(),
            reason: self.reason.clone(),
            service_kind_id: self.service_kind_id.parse().ok(),
            household_member_id: self.household_member_id.parse().ok(),
            asked_on: Some(self.asked_on.clone()).filter(|d| !d.is_empty()),
            over_cap_reason: Some(self.over_cap_reason.clone()).filter(|r| !r.trim().is_empty()),
        }
        .parse(today)
    }
}

impl<'de> Deserialize<'de> for ReferralForm {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = ReferralForm;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("the fields of a referral form")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ReferralForm, A::Error> {
                let mut form = ReferralForm::default();
                while let Some((key, value)) = map.next_entry::<String, String>()? {
                    let field = match key.as_str() {
                        "domain" => {
                            form.domains.push(value);
                            continue;
                        }
                        "partner_id" => &mut form.partner_id,
                        "reason" => &mut form.reason,
                        "service_kind_id" => &mut form.service_kind_id,
                        "household_member_id" => &mut form.household_member_id,
                        "asked_on" => &mut form.asked_on,
                        "over_cap_reason" => &mut form.over_cap_reason,
                        _ => continue, // the csrf token
                    };
                    *field = value;
                }
                Ok(form)
            }
        }
        d.deserialize_map(Fields)
    }
}

/// The case page's form "Gegevens corrigeren": every fact, an empty field for one not
/// known. It replaces the facts as a whole, as a `PUT` of [`crate::input::FactsIn`] does.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FactsForm {
    institution: String,
    expected_release: String,
    sentence: String,
    brp_status: String,
    last_residence_code: String,
    birth_date: String,
    family_name: String,
    given_names: String,
}

impl FactsForm {
    pub fn parse(&self) -> Result<store::FactsPatch, AppError> {
        let known = |v: &str| Some(v.to_string()).filter(|v| !v.trim().is_empty());
        crate::input::FactsIn {
            institution: self.institution.clone(),
            expected_release: known(&self.expected_release),
            sentence: known(&self.sentence),
            brp_status: known(&self.brp_status),
            last_residence_code: known(&self.last_residence_code),
            birth_date: known(&self.birth_date),
            family_name: self.family_name.clone(),
            given_names: self.given_names.clone(),
        }
        .parse()
    }
}
