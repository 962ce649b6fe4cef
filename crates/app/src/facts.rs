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
use nazorg_domain::version::{Edit, Part, Version};
use nazorg_store::{CorrectableFacts, FactsInput, OverrideInput};
use time::Date;

/// A fact shown in the history: its value, or "onbekend".
fn shown(v: Option<String>) -> String {
    v.filter(|s| !s.is_empty())
        .unwrap_or_else(|| "onbekend".into())
}

fn date(d: Option<Date>) -> String {
    shown(d.map(format_nl))
}

/// The corrected facts, checked and trimmed.
struct Checked {
    institution: String,
    residence: Option<String>,
    family_name: Option<String>,
    given_names: Option<String>,
}

fn check(input: &FactsInput) -> Result<Checked> {
    let institution = validate::text("de inrichting", &input.institution, 200, false)?;
    let residence = match input
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
    let family_name = match &input.family_name {
        Some(n) => Some(validate::text("de achternaam", n, 200, true)?),
        None => None,
    };
    let given_names = match &input.given_names {
        Some(n) => Some(validate::text("de voornamen", n, 200, false)?),
        None => None,
    };
    Ok(Checked {
        institution,
        residence,
        family_name,
        given_names,
    })
}

/// Each changed field as (what, old, new), in the order of the form.
fn changes(
    old: &CorrectableFacts,
    input: &FactsInput,
    new: &Checked,
) -> Vec<(&'static str, String, String)> {
    let mut changes = Vec::new();
    let mut change = |what: &'static str, was: String, is: String| {
        if was != is {
            changes.push((what, was, is));
        }
    };
    change(
        "Inrichting",
        shown(Some(old.institution.clone())),
        shown(Some(new.institution.clone())),
    );
    change(
        "Verwachte vrijlating",
        date(old.expected_release),
        date(input.expected_release),
    );
    change(
        "Vonnis",
        shown(old.sentence.map(|s| s.label().to_string())),
        shown(input.sentence.map(|s| s.label().to_string())),
    );
    change(
        "Inschrijving in de BRP",
        shown(old.brp_status.map(|s| s.label().to_string())),
        shown(input.brp_status.map(|s| s.label().to_string())),
    );
    change(
        "Gemeente van het laatste adres",
        shown(old.last_residence_code.clone()),
        shown(new.residence.clone()),
    );
    change(
        "Geboortedatum",
        date(old.birth_date),
        date(input.birth_date),
    );
    if let Some(name) = &new.family_name {
        change("Achternaam", old.family_name.clone(), name.clone());
    }
    if let Some(names) = &new.given_names {
        change(
            "Voornamen",
            shown(Some(old.given_names.clone())),
            shown(Some(names.clone())),
        );
    }
    changes
}

impl App {
    /// Corrects the facts of a case and its resident; eligibility is judged again (also on
    /// the resident's other open cases, since the birth date is the resident's).
    pub async fn update_facts(
        &self,
        actor: &Actor,
        case_id: CaseId,
        seen: Option<Version>,
        input: &FactsInput,
    ) -> Result<()> {
        let new = check(input)?;
        self.on_case(actor, "update_facts", case_id, Step::UpdateFacts, Edit::Replace(Part::Facts, seen), async |tx, step| {
            // The old values, so that the history keeps what was corrected.
            let old = tx.correctable_facts(case_id).await?;
            let changes = changes(&old, input, &new);
            if let Some(release) = input.expected_release
                && release < step.core.detention_start
            {
                return Err(invalid(
                    "De verwachte vrijlating kan niet vóór de begindatum van de detentie liggen.",
                ));
            }
            if let Some(birth) = input.birth_date
                && birth > step.core.detention_start
            {
                return Err(invalid(
                    "De geboortedatum kan niet na de begindatum van de detentie liggen.",
                ));
            }
            tx.set_detention_facts(
                case_id,
                &new.institution,
                input.expected_release,
                input.sentence,
                input.brp_status,
                new.residence.as_deref(),
            )
            .await?;
            let family_name = new.family_name.unwrap_or(old.family_name);
            let given_names = new.given_names.unwrap_or(old.given_names);
            tx.set_resident_identity(
                step.core.resident_id,
                input.birth_date,
                &family_name,
                &given_names,
            )
            .await?;
            for other in tx.other_open_cases(step.core.resident_id, case_id).await? {
                reassess(tx, other).await?;
            }
            Ok(CaseEvent::FactsCorrected {
                changes,
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
