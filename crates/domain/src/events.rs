//! What happened to a case, as a type, with its Dutch line for the case's history. The
//! store keeps the kind's code and the summary; the use cases say what happened.

use crate::case::{ClosingReason, ContactKind, OfferOutcome, OverallResult, Relation};
use crate::dates::format_nl;
use crate::eligibility::Eligibility;
use crate::lifecycle::Status;
use crate::notification::Source;
use crate::referral::{ReferralResult, ReferralStep, format_eur};
use crate::signal::SignalKind;
use crate::triage::{Direction, DomainTriage, LifeDomain, Need};
use time::Date;

/// The outcome in force before and after a change of facts.
pub type EligibilityChange = (Eligibility, Eligibility);

/// One entry of a case's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseEvent {
    /// The first notification opened the case.
    Notified {
        source: Source,
        eligibility: Eligibility,
    },
    /// Another source notified the same detention.
    NotifiedAgain {
        source: Source,
    },
    /// A later notification of the same detention changed its facts; each change as
    /// (field, old, new).
    ChangedByChain {
        source: Source,
        changes: Vec<(&'static str, String, String)>,
        eligibility: EligibilityChange,
    },
    /// The BRP was asked about the resident: what it said (in Dutch, see
    /// [`crate::brp::Finding::describe`]) and what that changed, as (field, old, new).
    BrpLookedUp {
        finding: String,
        changes: Vec<(&'static str, String, String)>,
        eligibility: EligibilityChange,
    },
    /// The case was registered as a zaak in the zaaksysteem.
    ZaakRegistered {
        identificatie: String,
        url: String,
    },
    /// A notification under the resident's BSN named another person (the signal's detail).
    IdentityMismatch {
        detail: String,
    },
    /// The notification had no BSN: the resident's identity is provisional.
    ProvisionalIdentity,
    /// A coordinator recorded the BSN of a provisional identity; `merged_with` names the
    /// resident already known under it, into whom the provisional one was merged.
    BsnRecorded {
        bsn: String,
        merged_with: Option<String>,
    },
    /// A coordinator handled a signal: how, in Dutch.
    SignalHandled {
        kind: SignalKind,
        how: String,
    },
    /// Facts were corrected; each change as (field, old, new).
    FactsCorrected {
        changes: Vec<(&'static str, String, String)>,
        eligibility: EligibilityChange,
    },
    Offer {
        outcome: OfferOutcome,
        kind: ContactKind,
        date: Date,
    },
    Triage {
        domains: Vec<DomainTriage>,
        known_to_skt: Option<bool>,
        known_to_safety_chamber: Option<bool>,
    },
    /// The direction was decided, or handed over from another.
    Direction {
        direction: Direction,
        reason: String,
        from: Option<Direction>,
    },
    AgreementAdded {
        domain: LifeDomain,
        description: String,
        owner: String,
        due: Option<Date>,
    },
    AgreementDone {
        description: String,
        done: bool,
    },
    /// The release checklist: what is arranged of housing, BRP, ID document and income.
    Readiness {
        housing: bool,
        brp: bool,
        id_document: bool,
        income: bool,
    },
    Released {
        on: Date,
        aftercare_until: Date,
        eligibility: EligibilityChange,
    },
    Contact {
        kind: ContactKind,
        date: Date,
    },
    /// An appointment, at Dutch local date, hour and minute.
    Appointment {
        kind: ContactKind,
        date: Date,
        hour: u8,
        minute: u8,
        place: String,
    },
    HouseholdMember {
        relation: Relation,
        minor: bool,
        need: Need,
    },
    /// An override of eligibility (`reason: None`: withdrawn), with the outcome in force.
    Overruled {
        in_force: Eligibility,
        reason: Option<String>,
    },
    Coordinator {
        name: Option<String>,
    },
    ReferralsWithdrawn {
        count: u64,
    },
    Closed {
        on: Date,
        reason: ClosingReason,
        overall: Option<OverallResult>,
    },
    /// A referral asked, or a step on it.
    Referral(ReferralEvent),
    /// An item on the safety chamber's agenda, or its discussion.
    Safety(SafetyEvent),
    /// The case's personal data went at the end of the retention period.
    Anonymised,
}

/// What happened to a referral of the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferralEvent {
    /// Referred to a partner, perhaps for a bought service (name, price in cents), for the
    /// resident's life domains or for a household member; above the budget cap with a reason.
    Asked {
        partner: String,
        service: Option<(String, i64)>,
        domains: Vec<LifeDomain>,
        household_member: bool,
        over_cap_reason: Option<String>,
    },
    /// A step on the referral, with its result and note.
    Step {
        partner: String,
        step: ReferralStep,
        date: Date,
        result: Option<ReferralResult>,
        note: String,
    },
}

impl ReferralEvent {
    fn summary(&self) -> String {
        match self {
            ReferralEvent::Asked {
                partner,
                service,
                domains,
                household_member,
                over_cap_reason,
            } => {
                let what = service
                    .as_ref()
                    .map(|(name, price)| format!(" ({name}, {})", format_eur(*price)))
                    .unwrap_or_default();
                let mut line = if *household_member {
                    format!("Gezinslid verwezen naar {partner}{what}.")
                } else {
                    let domains: Vec<&str> = domains.iter().map(|d| d.label()).collect();
                    format!(
                        "Verwezen naar {partner}{what} voor {}.",
                        domains.join(", ").to_lowercase()
                    )
                };
                if let Some(r) = over_cap_reason {
                    line.push_str(&format!(" Boven het budgetplafond, reden: {r}"));
                }
                line
            }
            ReferralEvent::Step {
                partner,
                step,
                date,
                result,
                note,
            } => {
                let mut line = format!(
                    "Verwijzing naar {partner}: {} ({}).",
                    step.label().to_lowercase(),
                    format_nl(*date)
                );
                if let Some(r) = result {
                    line.push_str(&format!(" Resultaat: {}.", r.label().to_lowercase()));
                }
                if !note.is_empty() && *step != ReferralStep::Progress {
                    line.push_str(&format!(" {note}"));
                }
                line
            }
        }
    }
}

/// What happened on the safety chamber's agenda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SafetyEvent {
    PutOnAgenda { on: Date, reason: String },
    Discussed { on: Date, outcome: String },
}

impl SafetyEvent {
    fn summary(&self) -> String {
        match self {
            SafetyEvent::PutOnAgenda { on, reason } => format!(
                "Op de agenda van de Veiligheidskamer gezet voor {}. Reden: {reason}",
                format_nl(*on)
            ),
            SafetyEvent::Discussed { on, outcome } => format!(
                "Besproken in de Veiligheidskamer op {}: {outcome}",
                format_nl(*on)
            ),
        }
    }
}

fn yes_no_unknown(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "ja",
        Some(false) => "nee",
        None => "onbekend",
    }
}

/// The sentence for the history when the eligibility outcome changed ("" when it did not).
pub fn eligibility_sentence((was, is): EligibilityChange) -> String {
    if was == is {
        String::new()
    } else {
        format!(" Doelgroepbepaling: ‘{}’ → ‘{}’.", was.label(), is.label())
    }
}

impl CaseEvent {
    /// The stable code of the kind of event, kept with the entry.
    pub fn kind(&self) -> &'static str {
        use CaseEvent::*;
        match self {
            Notified { .. } | NotifiedAgain { .. } => "notification",
            FactsCorrected { .. } | ChangedByChain { .. } => "facts",
            BrpLookedUp { .. } => "brp",
            ZaakRegistered { .. } => "zaak",
            IdentityMismatch { .. } | SignalHandled { .. } => "signal",
            ProvisionalIdentity | BsnRecorded { .. } => "identity",
            Offer { .. } => "offer",
            Triage { .. } => "triage",
            Direction { .. } => "direction",
            AgreementAdded { .. } | AgreementDone { .. } => "agreement",
            Readiness { .. } => "readiness",
            Released { .. } => "release",
            Contact { .. } => "contact",
            Appointment { .. } => "appointment",
            HouseholdMember { .. } => "household",
            Overruled { .. } => "eligibility",
            Coordinator { .. } => "coordinator",
            ReferralsWithdrawn { .. } => "referral",
            Closed { .. } => "close",
            Referral(_) => "referral",
            Safety(_) => "safety_chamber",
            Anonymised => "retention",
        }
    }

    /// The Dutch line in the case's history.
    pub fn summary(&self) -> String {
        use CaseEvent::*;
        match self {
            Notified {
                source,
                eligibility,
            } => notified(*source, *eligibility),
            NotifiedAgain { source } => notified_again(*source),
            ZaakRegistered { identificatie, url } => {
                format!("Geregistreerd als zaak {identificatie} in het zaaksysteem ({url}).")
            }
            FactsCorrected { .. } | ChangedByChain { .. } | BrpLookedUp { .. } => facts(self),
            IdentityMismatch { .. } | ProvisionalIdentity | BsnRecorded { .. } | SignalHandled { .. } => {
                identity(self)
            }
            Offer {
                outcome,
                kind,
                date,
            } => offer(*outcome, *kind, *date),
            Triage {
                domains,
                known_to_skt,
                known_to_safety_chamber,
            } => triage(domains, *known_to_skt, *known_to_safety_chamber),
            Direction {
                direction,
                reason,
                from,
            } => directed(*direction, reason, *from),
            AgreementAdded {
                domain,
                description,
                owner,
                due,
            } => agreement_added(*domain, description, owner, *due),
            AgreementDone { description, done } => agreement_done(description, *done),
            Readiness {
                housing,
                brp,
                id_document,
                income,
            } => readiness(*housing, *brp, *id_document, *income),
            Released {
                on,
                aftercare_until,
                eligibility,
            } => released(*on, *aftercare_until, *eligibility),
            Contact { kind, date } => contact(*kind, *date),
            Appointment {
                kind,
                date,
                hour,
                minute,
                place,
            } => appointment(*kind, *date, (*hour, *minute), place),
            HouseholdMember {
                relation,
                minor,
                need,
            } => household_member(*relation, *minor, *need),
            Overruled { in_force, reason } => overruled(*in_force, reason.as_deref()),
            Coordinator { name } => coordinator(name.as_deref()),
            ReferralsWithdrawn { count } => referrals_withdrawn(*count),
            Closed {
                on,
                reason,
                overall,
            } => closed(*on, *reason, *overall),
            Referral(e) => e.summary(),
            Safety(e) => e.summary(),
            Anonymised => "Geanonimiseerd na afloop van de bewaartermijn: notities, contacten, afspraken en huishouden zijn verwijderd; de cijfers blijven.".to_string(),
        }
    }

    /// The line with the change of phase a step made, if it made one.
    pub fn summary_with_phase(&self, before: Status, after: Status) -> String {
        let summary = self.summary();
        if before == after {
            summary
        } else {
            format!(
                "{summary} Fase: ‘{}’ → ‘{}’.",
                before.label(),
                after.label()
            )
        }
    }
}

/// The first notification, with the outcome of the eligibility rules.
fn notified(source: Source, eligibility: Eligibility) -> String {
    format!(
        "Melding ontvangen (bron: {}). Doelgroepbepaling: {}.",
        source.label(),
        eligibility.label().to_lowercase()
    )
}

/// Another notification of the same detention.
fn notified_again(source: Source) -> String {
    format!(
        "Nog een melding van dezelfde detentie ontvangen, bron: {}.",
        source.label()
    )
}

/// The line of an event about who the resident is, or about a signal.
fn identity(event: &CaseEvent) -> String {
    match event {
        CaseEvent::IdentityMismatch { detail } => {
            format!("Signaal: de identiteit in een melding wijkt af. {detail}")
        }
        CaseEvent::ProvisionalIdentity => "De melding had geen BSN: de inwoner heeft een voorlopige identiteit, tot een coördinator het BSN vastlegt.".to_string(),
        CaseEvent::BsnRecorded { bsn, merged_with: None } => {
            format!("BSN vastgelegd: {bsn}. De identiteit is niet langer voorlopig.")
        }
        CaseEvent::BsnRecorded { bsn, merged_with: Some(held) } => format!(
            "BSN vastgelegd: {bsn}. Bij dit BSN was al bekend: {held}. De voorlopige identiteit is daarmee samengevoegd; haar casussen horen nu bij die inwoner."
        ),
        CaseEvent::SignalHandled { kind, how } => {
            format!("Signaal ‘{}’ afgehandeld: {how}", kind.label())
        }
        other => other.summary(),
    }
}

/// Changes as "Inrichting: ‘PI Vught’ → ‘PI Haaglanden’; …".
pub fn listed(changes: &[(&'static str, String, String)]) -> String {
    let listed: Vec<String> = changes
        .iter()
        .map(|(what, was, is)| format!("{what}: ‘{was}’ → ‘{is}’"))
        .collect();
    listed.join("; ")
}

/// The line of a change of the facts: corrected, by the chain, or by the BRP.
fn facts(event: &CaseEvent) -> String {
    match event {
        CaseEvent::FactsCorrected {
            changes,
            eligibility,
        } => facts_corrected(changes, *eligibility),
        CaseEvent::ChangedByChain {
            source,
            changes,
            eligibility,
        } => changed_by_chain(*source, changes, *eligibility),
        CaseEvent::BrpLookedUp {
            finding,
            changes,
            eligibility,
        } => brp_looked_up(finding, changes, *eligibility),
        other => other.summary(),
    }
}

/// What the BRP said, and what it changed: the BRP wins over the notification.
fn brp_looked_up(
    finding: &str,
    changes: &[(&'static str, String, String)],
    eligibility: EligibilityChange,
) -> String {
    let changed = if changes.is_empty() {
        " Dat verandert niets aan de casus.".to_string()
    } else {
        format!(" Gewijzigd volgens de BRP: {}.", listed(changes))
    };
    format!(
        "Opgevraagd in de BRP: {finding}.{changed}{}",
        eligibility_sentence(eligibility)
    )
}

/// Facts a later notification changed, with its source.
fn changed_by_chain(
    source: Source,
    changes: &[(&'static str, String, String)],
    eligibility: EligibilityChange,
) -> String {
    format!(
        "Gewijzigd door de keten, uit een melding met bron ‘{}’: {}.{}",
        source.label(),
        listed(changes),
        eligibility_sentence(eligibility)
    )
}

/// Corrected facts, each with its old and new value.
fn facts_corrected(
    changes: &[(&'static str, String, String)],
    eligibility: EligibilityChange,
) -> String {
    let text = if changes.is_empty() {
        "Gegevens opgeslagen; er is niets gewijzigd.".to_string()
    } else {
        format!("Gegevens gecorrigeerd. {}.", listed(changes))
    };
    format!("{text}{}", eligibility_sentence(eligibility))
}

/// The resident's answer to the offer of aftercare.
fn offer(outcome: OfferOutcome, kind: ContactKind, date: Date) -> String {
    format!(
        "Aanbod: {} ({}, {}).",
        outcome.label().to_lowercase(),
        kind.label(),
        format_nl(date)
    )
}

/// The need per life domain, and whether the SKT or the safety chamber knew the resident.
fn triage(
    domains: &[DomainTriage],
    known_to_skt: Option<bool>,
    known_to_safety_chamber: Option<bool>,
) -> String {
    let needs: Vec<String> = domains
        .iter()
        .map(|t| format!("{}: {}", t.domain.label(), t.need.label().to_lowercase()))
        .collect();
    format!(
        "Triage: {}. Al bekend bij het SKT: {}; bij de Veiligheidskamer: {}.",
        needs.join("; "),
        yes_no_unknown(known_to_skt),
        yes_no_unknown(known_to_safety_chamber)
    )
}

/// The direction decided, or handed over `from` another.
fn directed(direction: Direction, reason: &str, from: Option<Direction>) -> String {
    match from {
        Some(from) => format!(
            "Casusregie overgedragen van {} aan {}. Overdrachtsnotitie: {reason}",
            from.label(),
            direction.label()
        ),
        None => format!("Casusregie: {}. Reden: {reason}", direction.label()),
    }
}

/// A new agreement of the plan.
fn agreement_added(
    domain: LifeDomain,
    description: &str,
    owner: &str,
    due: Option<Date>,
) -> String {
    let due = due
        .map(|d| format!(", uiterlijk {}", format_nl(d)))
        .unwrap_or_default();
    format!(
        "Afspraak ({}): {description} — {owner}{due}.",
        domain.label()
    )
}

/// An agreement marked done, or open again.
fn agreement_done(description: &str, done: bool) -> String {
    if done {
        format!("Afspraak gedaan: {description}.")
    } else {
        format!("Afspraak weer open: {description}.")
    }
}

/// The release checklist: which of housing, BRP, ID document and income are arranged.
fn readiness(housing: bool, brp: bool, id_document: bool, income: bool) -> String {
    let items = [
        ("huisvesting", housing),
        ("BRP", brp),
        ("ID-bewijs", id_document),
        ("inkomen", income),
    ];
    let done: Vec<&str> = items.iter().filter(|(_, v)| *v).map(|(k, _)| *k).collect();
    if done.is_empty() {
        "Checklist vrijlating: nog niets geregeld.".to_string()
    } else {
        format!("Checklist vrijlating: geregeld: {}.", done.join(", "))
    }
}

/// The release and the end of the aftercare period.
fn released(on: Date, aftercare_until: Date, eligibility: EligibilityChange) -> String {
    format!(
        "Vrijgelaten op {}; de nazorgperiode loopt tot {}.{}",
        format_nl(on),
        format_nl(aftercare_until),
        eligibility_sentence(eligibility)
    )
}

/// A contact with or about the resident.
fn contact(kind: ContactKind, date: Date) -> String {
    format!(
        "Contact vastgelegd: {} op {}.",
        kind.label(),
        format_nl(date)
    )
}

/// An appointment at a date and (hour, minute), with its place if one is given.
fn appointment(kind: ContactKind, date: Date, (hour, minute): (u8, u8), place: &str) -> String {
    format!(
        "Afspraak gepland: {} op {} om {hour:02}:{minute:02}{}.",
        kind.label().to_lowercase(),
        format_nl(date),
        if place.is_empty() {
            String::new()
        } else {
            format!(" ({place})")
        }
    )
}

/// A member of the resident's household and their need for support.
fn household_member(relation: Relation, minor: bool, need: Need) -> String {
    format!(
        "Gezinslid vastgelegd: {} ({}), ondersteuningsbehoefte {}.",
        relation.label().to_lowercase(),
        if minor { "minderjarig" } else { "meerderjarig" },
        need.label().to_lowercase()
    )
}

/// An override of eligibility with its reason, or its withdrawal (`None`).
fn overruled(in_force: Eligibility, reason: Option<&str>) -> String {
    match reason {
        Some(reason) => format!(
            "Doelgroepbepaling overruled: ‘{}’. Reden: {reason}",
            in_force.label()
        ),
        None => format!(
            "Overrule ingetrokken; de regels gelden weer: ‘{}’.",
            in_force.label()
        ),
    }
}

/// The coordinator assigned, or nobody.
fn coordinator(name: Option<&str>) -> String {
    format!("Nazorgcoördinator: {}.", name.unwrap_or("niemand"))
}

/// Referrals not started, withdrawn when the case closed.
fn referrals_withdrawn(count: u64) -> String {
    format!("{count} niet gestarte verwijzing(en) ingetrokken bij het afsluiten.")
}

/// The closure, with its reason and the overall result if there is one.
fn closed(on: Date, reason: ClosingReason, overall: Option<OverallResult>) -> String {
    let overall = overall
        .map(|o| format!(" Resultaat: {}.", o.label().to_lowercase()))
        .unwrap_or_default();
    format!(
        "Afgesloten op {}: {}.{overall}",
        format_nl(on),
        reason.label().to_lowercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_step_that_changes_the_phase_says_so_in_the_history() {
        let e = CaseEvent::Offer {
            outcome: OfferOutcome::Accepted,
            kind: ContactKind::VisitInPrison,
            date: date!(2026 - 03 - 02),
        };
        assert_eq!(e.kind(), "offer");
        let line = e.summary_with_phase(Status::Notified, Status::Accepted);
        assert!(line.starts_with("Aanbod: "), "{line}");
        assert!(line.contains("02-03-2026"), "{line}");
        assert!(
            line.ends_with("Fase: ‘Gemeld’ → ‘Aanbod aanvaard’."),
            "{line}"
        );
        assert_eq!(
            e.summary_with_phase(Status::Accepted, Status::Accepted),
            e.summary()
        );
    }

    #[test]
    fn a_correction_keeps_the_old_and_the_new_value() {
        let e = CaseEvent::FactsCorrected {
            changes: vec![("Inrichting", "PI Haaglanden".into(), "PI Vught".into())],
            eligibility: (Eligibility::Eligible, Eligibility::NotEligible),
        };
        let line = e.summary();
        assert!(
            line.contains("Inrichting: ‘PI Haaglanden’ → ‘PI Vught’"),
            "{line}"
        );
        assert!(line.contains("Doelgroepbepaling: ‘"), "{line}");
    }
}
