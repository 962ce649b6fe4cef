//! Intake: a notification of a detention registers the resident (matched by BSN) and opens
//! a case, or adds to the case of a known detention.

use crate::case_step::{reassess, record, record_part, refresh_action};
use crate::error::{conflict_on_duplicate, invalid};
use crate::{App, Result, facts, gate, signals};
use nazorg_domain::access::{Action, Actor};
use nazorg_domain::eligibility::{self, EligibilityFacts};
use nazorg_domain::events::CaseEvent;
use nazorg_domain::format_nl;
use nazorg_domain::ids::{CaseId, ResidentId};
use nazorg_domain::municipality::{Destination, destination, listed};
use nazorg_domain::notification::{MunicipalityCode, Notification, Sentence};
use nazorg_domain::signal::{Identity, SignalKind, identity_detail};
use nazorg_domain::version::Part;
use nazorg_store::{CorrectableFacts, ImportOutcome, NewCase, NewResident, Tx};
use time::{Date, OffsetDateTime};

impl App {
    /// Registers one notification: a new case; for a known detention the chain's newer
    /// facts, or nothing new.
    pub async fn import_notification(
        &self,
        actor: &Actor,
        n: &Notification,
    ) -> Result<ImportOutcome> {
        let (home, routed) = self.route(actor, n).await?;
        let actor = &routed;
        self.gated(actor, "import_notification", async {
            let permit = gate::check(actor, Action::CreateNotification, home.as_str())?;
            let mut tx = self.db.begin().await?;
            let at = OffsetDateTime::now_utc();
            let found = resident_of(&mut tx, home.as_str(), n).await?;
            let resident_id = found.id;
            if let Some(case_id) = tx.case_of_detention(resident_id, n.detention_start).await? {
                let outcome = self
                    .known_detention(&mut tx, actor, (permit, &found), case_id, n)
                    .await?;
                tx.commit().await?;
                return Ok(outcome);
            }
            let assessment = assess(n, &home);
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
            if found.provisional {
                record(&mut tx, case_id, actor, &CaseEvent::ProvisionalIdentity).await?;
            }
            note_resident(&mut tx, actor, case_id, &found, n).await?;
            refresh_action(&mut tx, case_id, &self.deadlines).await?;
            self.zaak_for_new_case(&mut tx, (case_id, home.as_str()), &actor.username)
                .await?;
            if !found.provisional {
                self.enqueue_new_case(&mut tx, case_id, home.as_str()).await?;
            }
            tx.commit().await?;
            self.wake_workers();
            Ok(ImportOutcome::Created { case_id })
        })
        .await
    }
}

/// A municipality's name from the CBS list, as " (Delft)"; empty when it is not listed.
fn named(code: &str) -> String {
    listed(code).map_or(String::new(), |m| format!(" ({})", m.name))
}

impl App {
    /// Where a notification goes (see [`destination`]) and who registers it there: the
    /// system (an import on the command line) delivers to every municipality of the
    /// installation, acting for it; a user or API client only to their own.
    async fn route(&self, actor: &Actor, n: &Notification) -> Result<(MunicipalityCode, Actor)> {
        let sender = MunicipalityCode::parse(&actor.municipality)
            .map_err(|_| invalid(format!("ongeldige gemeentecode {}", actor.municipality)))?;
        let installation = self.installation_codes().await?;
        let home = match destination(n.municipality_code.as_ref(), &sender, &installation) {
            Destination::To(home) => home,
            Destination::Outside(code) => {
                let name = named(&code);
                return Err(invalid(format!(
                    "gemeente {code}{name} hoort niet bij deze installatie"
                )));
            }
        };
        if home == sender {
            return Ok((home, actor.clone()));
        }
        if actor.account().is_some() {
            let name = named(&home);
            return Err(invalid(format!(
                "deze melding is voor gemeente {home}{name}; u levert alleen meldingen voor uw eigen gemeente ({sender}) aan"
            )));
        }
        let routed = Actor {
            municipality: home.clone(),
            ..actor.clone()
        };
        Ok((home, routed))
    }
}

impl App {
    /// A later notification of a known detention (`found` its resident): a new source is
    /// added to the case's history, and the chain's newer facts win (see [`chained`]),
    /// visibly: in the history, old → new with the source, and as a signal to the
    /// coordinator.
    async fn known_detention(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        (permit, found): (gate::Permit<'_>, &Found),
        case_id: CaseId,
        n: &Notification,
    ) -> Result<ImportOutcome> {
        let known_source = tx.notified_by(case_id, n.source).await?;
        let detail = "melding van een bekende detentie";
        gate::log(tx, permit, Some(found.id), Some(case_id), detail).await?;
        // An anonymised case takes nothing more.
        if tx.case_core(case_id).await?.anonymised {
            return Ok(ImportOutcome::Duplicate { case_id });
        }
        // Steps on the case wait for this one, and a stale edit of the facts sees it.
        tx.lock_case_version(case_id).await?;
        note_resident(tx, actor, case_id, found, n).await?;
        if !known_source {
            tx.add_notification(case_id, n.source, OffsetDateTime::now_utc())
                .await?;
            let what = CaseEvent::NotifiedAgain { source: n.source };
            record(tx, case_id, actor, &what).await?;
        }
        let updated = self.chain_update(tx, actor, case_id, n).await?;
        // A signal raised, or facts changed: what is due follows.
        refresh_action(tx, case_id, &self.deadlines).await?;
        Ok(if updated {
            ImportOutcome::Updated { case_id }
        } else {
            ImportOutcome::Duplicate { case_id }
        })
    }

    /// Takes the facts of a later notification over (see [`chained`]); `true` when they
    /// changed the case.
    async fn chain_update(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        case_id: CaseId,
        n: &Notification,
    ) -> Result<bool> {
        let old = tx.correctable_facts(case_id).await?;
        let new = chained(&old, n);
        let changes = facts::changes(&old, &new);
        if changes.is_empty() {
            return Ok(false);
        }
        tx.set_detention_facts(case_id, &new).await?;
        let what = CaseEvent::ChangedByChain {
            source: n.source,
            eligibility: reassess(tx, case_id).await?,
            changes,
        };
        record_part(tx, case_id, actor, &what, Part::Facts).await?;
        let detail = what.summary();
        signals::raise(tx, case_id, SignalKind::ChainChanged, &detail, None).await?;
        Ok(true)
    }
}

/// The eligibility of a new case, on the notification's facts.
fn assess(n: &Notification, home: &MunicipalityCode) -> eligibility::Assessment {
    eligibility::assess(
        &EligibilityFacts {
            birth_date: n.birth_date,
            residence: n.municipality_code.clone(),
            brp_status: n.brp_status,
            sentence: n.sentence,
            detention_start: n.detention_start,
            expected_release: n.expected_release,
        },
        home,
    )
}

/// What a later notification of the same detention makes of its facts: where it gives
/// them, the chain's institution, expected release and sentence win (a pretrial
/// detention never replaces a sentence that is known); the BRP status and the last
/// residence are only filled in when unknown, as the coordinator may have checked them.
fn chained(old: &CorrectableFacts, n: &Notification) -> CorrectableFacts {
    let institution = n.institution.trim();
    CorrectableFacts {
        institution: if institution.is_empty() {
            old.institution.clone()
        } else {
            institution.to_string()
        },
        expected_release: n.expected_release.or(old.expected_release),
        sentence: match (n.sentence, old.sentence) {
            (Some(Sentence::Pretrial), Some(known)) => Some(known),
            (Some(new), _) => Some(new),
            (None, known) => known,
        },
        brp_status: old.brp_status.or(n.brp_status),
        last_residence_code: old
            .last_residence_code
            .clone()
            .or_else(|| n.municipality_code.as_ref().map(|c| c.to_string())),
        ..old.clone()
    }
}

/// The resident a notification is about, as intake found it.
struct Found {
    id: ResidentId,
    /// The birth date it filled in, where the resident's was unknown.
    filled_birth_date: Option<Date>,
    /// Who the notification named, when that is someone other than who is held.
    mismatch: Option<(Identity, Identity)>,
    /// Without a BSN: a provisional identity.
    provisional: bool,
}

/// The resident of a notification: the one known under its BSN, or a new one. A known
/// resident whose birth date was unknown gets the notification's; one whose name or birth
/// date differs from the notification's is not changed: the difference is for a
/// coordinator to judge (an identity signal). Without a BSN: the provisional resident
/// with the same name and birth date, or a new provisional one.
async fn resident_of(tx: &mut Tx, municipality: &str, n: &Notification) -> Result<Found> {
    let Some(bsn) = &n.bsn else {
        return provisional_resident_of(tx, municipality, n).await;
    };
    if let Some(id) = tx.resident_by_bsn(municipality, bsn.as_str()).await? {
        let held = tx.resident_identity(id).await?;
        let notified = Identity {
            family_name: n.family_name.clone(),
            given_names: n.given_names.clone(),
            birth_date: n.birth_date,
        };
        let mismatch = notified
            .differs_from(&held)
            .then(|| (notified, held.clone()));
        let filled_birth_date = match (held.birth_date, n.birth_date) {
            (None, Some(birth)) if mismatch.is_none() => {
                tx.fill_birth_date(id, Some(birth)).await?;
                Some(birth)
            }
            _ => None,
        };
        return Ok(Found {
            id,
            filled_birth_date,
            mismatch,
            provisional: false,
        });
    }
    let id = tx
        .insert_resident(&NewResident {
            municipality,
            bsn: bsn.as_str(),
            provisional: false,
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
        })?;
    Ok(Found {
        id,
        filled_birth_date: None,
        mismatch: None,
        provisional: false,
    })
}

/// The provisional resident of a notification without a BSN. Only a known name and birth
/// date together find one notified before; anything less makes a new one, for a
/// coordinator to merge once the BSN is known (a wrong merge would be worse).
async fn provisional_resident_of(
    tx: &mut Tx,
    municipality: &str,
    n: &Notification,
) -> Result<Found> {
    let found = match n.birth_date {
        Some(birth) => {
            tx.provisional_resident(municipality, &n.family_name, &n.given_names, birth)
                .await?
        }
        None => None,
    };
    let id = match found {
        Some(id) => id,
        None => {
            // A placeholder that is no BSN (it has letters), unique as the column wants.
            let placeholder = format!("voorlopig-{}", &crate::new_token()[..16]);
            tx.insert_resident(&NewResident {
                municipality,
                bsn: &placeholder,
                provisional: true,
                family_name: &n.family_name,
                given_names: &n.given_names,
                birth_date: n.birth_date,
            })
            .await?
        }
    };
    Ok(Found {
        id,
        filled_birth_date: None,
        mismatch: None,
        provisional: true,
    })
}

/// Says on the case what intake found of its resident: the birth date it filled in (in
/// the history), another person named under the BSN (in the history and as a signal).
async fn note_resident(
    tx: &mut Tx,
    actor: &Actor,
    case_id: CaseId,
    found: &Found,
    n: &Notification,
) -> Result<()> {
    if let Some(birth) = found.filled_birth_date {
        let what = CaseEvent::ChangedByChain {
            source: n.source,
            changes: vec![("Geboortedatum", "onbekend".into(), format_nl(birth))],
            eligibility: reassess(tx, case_id).await?,
        };
        record_part(tx, case_id, actor, &what, Part::Facts).await?;
    }
    if let Some((notified, held)) = &found.mismatch {
        let detail = identity_detail(notified, held);
        if signals::raise(
            tx,
            case_id,
            SignalKind::IdentityMismatch,
            &detail,
            Some(notified),
        )
        .await?
        {
            record(tx, case_id, actor, &CaseEvent::IdentityMismatch { detail }).await?;
        }
    }
    Ok(())
}
