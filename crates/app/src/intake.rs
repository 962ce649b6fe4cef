//! Intake: a notification of a detention registers the resident (matched by BSN) and opens
//! a case, or adds to the case of a known detention.

use crate::case_step::{reassess, record, refresh_action};
use crate::error::{conflict_on_duplicate, invalid};
use crate::{App, Result, gate};
use nazorg_domain::access::{Action, Actor};
use nazorg_domain::deadlines::DeadlineSettings;
use nazorg_domain::eligibility::{self, EligibilityFacts};
use nazorg_domain::events::CaseEvent;
use nazorg_domain::ids::{CaseId, ResidentId};
use nazorg_domain::notification::{MunicipalityCode, Notification, Sentence};
use nazorg_store::{ImportOutcome, NewCase, NewResident, Tx};
use time::OffsetDateTime;

impl App {
    /// Registers one notification: a new case, or nothing new for a known detention.
    pub async fn import_notification(
        &self,
        actor: &Actor,
        n: &Notification,
    ) -> Result<ImportOutcome> {
        let home = MunicipalityCode::parse(&actor.municipality)
            .map_err(|_| invalid(format!("ongeldige gemeentecode {}", actor.municipality)))?;
        self.gated(actor, "import_notification", async {
            let permit = gate::check(actor, Action::CreateNotification, home.as_str())?;
            let mut tx = self.db.begin().await?;
            let at = OffsetDateTime::now_utc();
            let resident_id = resident_of(&mut tx, home.as_str(), n).await?;
            if let Some(case_id) = tx.case_of_detention(resident_id, n.detention_start).await? {
                let known = tx.notified_by(case_id, n.source).await?;
                let detail = "melding van een bekende detentie";
                gate::log(&mut tx, permit, Some(resident_id), Some(case_id), detail).await?;
                self.known_detention(&mut tx, actor, case_id, n, !known)
                    .await?;
                tx.commit().await?;
                return Ok(ImportOutcome::Duplicate { case_id });
            }
            let assessment = eligibility::assess(
                &EligibilityFacts {
                    birth_date: n.birth_date,
                    residence: n.municipality_code.clone(),
                    brp_status: n.brp_status,
                    sentence: n.sentence,
                    detention_start: n.detention_start,
                    expected_release: n.expected_release,
                },
                &home,
            );
            let residence = n.municipality_code.as_ref().map(|c| c.as_str().to_string());
            let case_id = tx
                .insert_case(&NewCase {
                    municipality: home.as_str(),
                    resident_id,
                    institution: &n.institution,
                    detention_start: n.detention_start,
                    expected_release: n.expected_release,
                    last_residence_code: residence.as_deref(),
                    brp_status: n.brp_status,
                    sentence: n.sentence,
                    eligibility: assessment.outcome,
                    eligibility_reasons: eligibility::encode_reasons(&assessment.reasons),
                    notified_on: crate::today(),
                    at,
                })
                .await
                .map_err(|e| {
                    conflict_on_duplicate(
                        e,
                        "Deze detentie werd tegelijk door een ander geregistreerd; probeer het opnieuw.",
                    )
                })?;
            gate::log(
                &mut tx,
                permit,
                Some(resident_id),
                Some(case_id),
                "melding geregistreerd",
            )
            .await?;
            tx.add_notification(case_id, n.source, at).await?;
            let what = CaseEvent::Notified {
                source: n.source,
                eligibility: assessment.outcome,
            };
            record(&mut tx, case_id, actor, &what).await?;
            refresh_action(&mut tx, case_id, &self.deadlines).await?;
            tx.commit().await?;
            Ok(ImportOutcome::Created { case_id })
        })
        .await
    }
}

impl App {
    /// A later notification of a known detention: it fills in what was unknown, and a new
    /// source is added to the case's history.
    async fn known_detention(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        case_id: CaseId,
        n: &Notification,
        new_source: bool,
    ) -> Result<()> {
        fill_unknown_facts(tx, &self.deadlines, actor, case_id, n).await?;
        if new_source {
            tx.add_notification(case_id, n.source, OffsetDateTime::now_utc())
                .await?;
            let what = CaseEvent::NotifiedAgain { source: n.source };
            record(tx, case_id, actor, &what).await?;
        }
        Ok(())
    }
}

/// The resident of a notification: the one known under its BSN (whose unknown birth date
/// it fills in), or a new one.
async fn resident_of(tx: &mut Tx, municipality: &str, n: &Notification) -> Result<ResidentId> {
    if let Some(id) = tx.resident_by_bsn(municipality, n.bsn.as_str()).await? {
        tx.fill_birth_date(id, n.birth_date).await?;
        return Ok(id);
    }
    tx.insert_resident(&NewResident {
        municipality,
        bsn: n.bsn.as_str(),
        family_name: &n.family_name,
        given_names: &n.given_names,
        birth_date: n.birth_date,
    })
    .await
    .map_err(|e| {
        conflict_on_duplicate(
            e,
            "Deze inwoner werd tegelijk door een ander geregistreerd; probeer het opnieuw.",
        )
    })
}

/// A later notification of a known detention may know more (the sentence, the release
/// date): it fills in what was unknown, never overwrites what was known, and eligibility
/// is re-evaluated.
async fn fill_unknown_facts(
    tx: &mut Tx,
    settings: &DeadlineSettings,
    actor: &Actor,
    case_id: CaseId,
    n: &Notification,
) -> Result<()> {
    let old = tx.fillable_facts(case_id).await?;
    let (release, sentence, brp, residence) = old.clone();
    let unknown_sentence = matches!(sentence, None | Some(Sentence::Pretrial));
    let new = (
        release.or(n.expected_release),
        match n.sentence {
            Some(s) if unknown_sentence && s != Sentence::Pretrial => Some(s),
            _ => sentence,
        },
        brp.or(n.brp_status),
        residence.or(n.municipality_code.as_ref().map(|c| c.to_string())),
    );
    if new == old {
        return Ok(());
    }
    tx.set_fillable_facts(case_id, new).await?;
    let what = CaseEvent::FactsFilledIn {
        eligibility: reassess(tx, case_id).await?,
    };
    record(tx, case_id, actor, &what).await?;
    refresh_action(tx, case_id, settings).await
}
