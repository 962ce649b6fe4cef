//! Closure: the reason, the result per life domain and overall, and what happens to
//! referrals that never started.

use crate::case_step::record;
use crate::error::invalid;
use crate::{App, Result, validate};
use nazorg_domain::access::Actor;
use nazorg_domain::case::ClosingReason;
use nazorg_domain::eligibility::Eligibility;
use nazorg_domain::events::CaseEvent;
use nazorg_domain::ids::CaseId;
use nazorg_domain::lifecycle::Step;
use nazorg_domain::triage::LifeDomain;
use nazorg_domain::version::Edit;
use nazorg_store::CloseInput;
use time::Date;

/// The checks that need no database: each life domain at most once, and for a completed
/// trajectory a result overall and for every domain.
fn check_results(input: &CloseInput) -> Result<()> {
    for (i, (domain, _)) in input.results.iter().enumerate() {
        if input.results[..i].iter().any(|(d, _)| d == domain) {
            return Err(invalid(format!(
                "Het leefgebied ‘{}’ staat twee keer in de resultaten.",
                domain.label()
            )));
        }
    }
    Ok(())
}

fn check_completed(input: &CloseInput) -> Result<()> {
    if input.reason != ClosingReason::Completed {
        return Ok(());
    }
    if input.overall.is_none() {
        return Err(invalid("Kies het resultaat van het traject als geheel."));
    }
    for domain in LifeDomain::ALL {
        if !input.results.iter().any(|(d, _)| d == domain) {
            return Err(invalid(format!(
                "Kies het resultaat voor het leefgebied ‘{}’.",
                domain.label()
            )));
        }
    }
    Ok(())
}

/// The checks against the case: eligibility for "not eligible", the release for
/// "completed".
fn check_against(input: &CloseInput, in_force: Eligibility, released: Option<Date>) -> Result<()> {
    if input.reason == ClosingReason::NotEligible && in_force != Eligibility::NotEligible {
        return Err(invalid(
            "Volgens de doelgroepbepaling valt deze inwoner wel (of misschien) onder de doelgroep. Overrule de doelgroepbepaling eerst met een reden, of kies een andere reden van afsluiten.",
        ));
    }
    if let Some(release) = released
        && input.reason == ClosingReason::Completed
        && input.date < release
    {
        return Err(invalid(
            "Een afgerond traject kan niet vóór de vrijlating zijn afgesloten.",
        ));
    }
    Ok(())
}

impl App {
    /// Closes a case with its reason and results. Referrals that never started are
    /// withdrawn with it, so they do not stay committed on the budget; a running one can
    /// still be finished by its partner.
    pub async fn close_case(
        &self,
        actor: &Actor,
        case_id: CaseId,
        input: &CloseInput,
    ) -> Result<()> {
        let note = validate::text("de toelichting", &input.note, 2000, false)?;
        self.on_case(actor, "close_case", case_id, Step::Close(input.reason), Edit::Add, async |tx, step| {
            validate::not_future("De datum van afsluiten", input.date)?;
            if input.date < step.core.detention_start {
                return Err(invalid(
                    "De datum van afsluiten kan niet vóór de begindatum van de detentie liggen.",
                ));
            }
            check_results(input)?;
            let (in_force, released) = tx.closing_facts(case_id).await?;
            check_against(input, in_force, released)?;
            check_completed(input)?;
            let withdrawn = tx
                .withdraw_unstarted_referrals(
                    case_id,
                    input.date,
                    "Ingetrokken bij het afsluiten van de casus.",
                )
                .await?;
            if withdrawn > 0 {
                let what = CaseEvent::ReferralsWithdrawn { count: withdrawn };
                record(tx, case_id, actor, &what).await?;
            }
            tx.set_closure(case_id, input, &note).await?;
            Ok(CaseEvent::Closed {
                on: input.date,
                reason: input.reason,
                overall: input.overall,
            })
        })
        .await
    }
}
