//! Facts and corrections: the detention's facts and the resident's name and birth date,
//! corrected with the old value kept in the history; an override of eligibility.

use crate::case_step::reassess;
use crate::error::invalid;
use crate::{App, Result, validate};
use nazorg_domain::access::Actor;
use nazorg_domain::events::CaseEvent;
use nazorg_domain::format_nl;
use nazorg_domain::ids::CaseId;
use nazorg_domain::lifecycle::Step;
use nazorg_domain::notification::MunicipalityCode;
use nazorg_domain::notification::{BrpStatus, Sentence};
use nazorg_domain::version::{Edit, Part, Version};
use nazorg_store::{CorrectableFacts, OverrideInput};
use time::Date;

/// A fact shown in the history: its value, or "onbekend".
fn shown(v: Option<String>) -> String {
    v.filter(|s| !s.is_empty())
        .unwrap_or_else(|| "onbekend".into())
}

fn date(d: Option<Date>) -> String {
    shown(d.map(format_nl))
}

/// A change of a case's facts, meant as a JSON Merge Patch (RFC 7396) is: a field left
/// `None` stays as it is; a fact that may be unknown is cleared with `Some(None)`. A PUT,
/// and the case page's form, give every field ([`FactsPatch::whole`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FactsPatch {
    pub institution: Option<String>,
    pub expected_release: Option<Option<Date>>,
    pub sentence: Option<Option<Sentence>>,
    pub brp_status: Option<Option<BrpStatus>>,
    pub last_residence_code: Option<Option<String>>,
    pub birth_date: Option<Option<Date>>,
    pub family_name: Option<String>,
    pub given_names: Option<String>,
}

impl FactsPatch {
    /// Every fact given: the whole of the facts replaced.
    pub fn whole(facts: CorrectableFacts) -> FactsPatch {
        FactsPatch {
            institution: Some(facts.institution),
            expected_release: Some(facts.expected_release),
            sentence: Some(facts.sentence),
            brp_status: Some(facts.brp_status),
            last_residence_code: Some(facts.last_residence_code),
            birth_date: Some(facts.birth_date),
            family_name: Some(facts.family_name),
            given_names: Some(facts.given_names),
        }
    }

    /// The facts after this change.
    fn apply(&self, old: &CorrectableFacts) -> CorrectableFacts {
        fn or<T: Clone>(new: &Option<T>, old: &T) -> T {
            new.clone().unwrap_or_else(|| old.clone())
        }
        CorrectableFacts {
            institution: or(&self.institution, &old.institution),
            expected_release: or(&self.expected_release, &old.expected_release),
            sentence: or(&self.sentence, &old.sentence),
            brp_status: or(&self.brp_status, &old.brp_status),
            last_residence_code: or(&self.last_residence_code, &old.last_residence_code),
            birth_date: or(&self.birth_date, &old.birth_date),
            family_name: or(&self.family_name, &old.family_name),
            given_names: or(&self.given_names, &old.given_names),
        }
    }
}

/// The corrected facts, checked and trimmed.
fn check(new: CorrectableFacts) -> Result<CorrectableFacts> {
    let residence = match new
        .last_residence_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(code) => Some(
            MunicipalityCode::parse(code)
                .map_err(|e| invalid(e.to_string()))?
                .as_str()
                .to_string(),
        ),
        None => None,
    };
    Ok(CorrectableFacts {
        institution: validate::text("de inrichting", &new.institution, 200, false)?,
        last_residence_code: residence,
        family_name: validate::text("de achternaam", &new.family_name, 200, true)?,
        given_names: validate::text("de voornamen", &new.given_names, 200, false)?,
        ..new
    })
}

/// Each changed field as (what, old, new), in the order of the form.
pub(crate) fn changes(
    old: &CorrectableFacts,
    new: &CorrectableFacts,
) -> Vec<(&'static str, String, String)> {
    let mut changes = Vec::new();
    let mut change = |what: &'static str, was: String, is: String| {
        if was != is {
            changes.push((what, was, is));
        }
    };
    let label = |l: Option<&'static str>| shown(l.map(str::to_string));
    change(
        "Inrichting",
        shown(Some(old.institution.clone())),
        shown(Some(new.institution.clone())),
    );
    change(
        "Verwachte vrijlating",
        date(old.expected_release),
        date(new.expected_release),
    );
    change(
        "Vonnis",
        label(old.sentence.map(|s| s.label())),
        label(new.sentence.map(|s| s.label())),
    );
    change(
        "Inschrijving in de BRP",
        label(old.brp_status.map(|s| s.label())),
        label(new.brp_status.map(|s| s.label())),
    );
    change(
        "Gemeente van het laatste adres",
        shown(old.last_residence_code.clone()),
        shown(new.last_residence_code.clone()),
    );
    change("Geboortedatum", date(old.birth_date), date(new.birth_date));
    change(
        "Achternaam",
        old.family_name.clone(),
        new.family_name.clone(),
    );
    change(
        "Voornamen",
        shown(Some(old.given_names.clone())),
        shown(Some(new.given_names.clone())),
    );
    changes
}

impl App {
    /// Corrects the facts of a case and its resident (the fields `patch` gives; the rest
    /// stay as they are); eligibility is judged again (also on the resident's other open
    /// cases, since the birth date is the resident's).
    pub async fn update_facts(
        &self,
        actor: &Actor,
        case_id: CaseId,
        seen: Option<Version>,
        patch: &FactsPatch,
    ) -> Result<()> {
        let edit = Edit::Replace(Part::Facts, seen);
        self.on_case(actor, "update_facts", case_id, Step::UpdateFacts, edit, async |tx, step| {
            // The old values, so that the history keeps what was corrected.
            let old = tx.correctable_facts(case_id).await?;
            let new = check(patch.apply(&old))?;
            if let Some(release) = new.expected_release
                && release < step.core.detention_start
            {
                return Err(invalid(
                    "De verwachte vrijlating kan niet vóór de begindatum van de detentie liggen.",
                ));
            }
            if let Some(birth) = new.birth_date
                && birth > step.core.detention_start
            {
                return Err(invalid(
                    "De geboortedatum kan niet na de begindatum van de detentie liggen.",
                ));
            }
            tx.set_detention_facts(case_id, &new).await?;
            tx.set_resident_identity(
                step.core.resident_id,
                new.birth_date,
                &new.family_name,
                &new.given_names,
            )
            .await?;
            for other in tx.other_open_cases(step.core.resident_id, case_id).await? {
                reassess(tx, other).await?;
            }
            Ok(CaseEvent::FactsCorrected {
                changes: changes(&old, &new),
                eligibility: reassess(tx, case_id).await?,
            })
        })
        .await
    }

    /// Overrules the eligibility outcome with a written reason, or withdraws the override.
    pub async fn override_eligibility(
        &self,
        actor: &Actor,
        case_id: CaseId,
        seen: Option<Version>,
        input: &OverrideInput,
    ) -> Result<()> {
        let reason = validate::text("de reden", &input.reason, 1000, input.outcome.is_some())?;
        self.on_case(
            actor,
            "override_eligibility",
            case_id,
            Step::OverrideEligibility,
            Edit::Replace(Part::EligibilityOverride, seen),
            async |tx, _| {
                let set = input
                    .outcome
                    .map(|outcome| (outcome, reason.as_str(), actor.username.as_str()));
                tx.set_override(case_id, set).await?;
                let (_, in_force) = reassess(tx, case_id).await?;
                Ok(CaseEvent::Overruled {
                    in_force,
                    reason: input.outcome.map(|_| reason),
                })
            },
        )
        .await
    }
}
