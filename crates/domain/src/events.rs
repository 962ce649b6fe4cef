//! What happened to a case, as a type, with its Dutch line for the case's history. The
//! store keeps the kind's code and the summary; the use cases say what happened.

use crate::case::{ClosingReason, ContactKind, OfferOutcome, OverallResult, Relation};
use crate::dates::format_nl;
use crate::eligibility::Eligibility;
use crate::lifecycle::Status;
use crate::notification::Source;
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
    /// A later notification filled in facts that were unknown.
    FactsFilledIn {
        eligibility: EligibilityChange,
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
            FactsFilledIn { .. } | FactsCorrected { .. } => "facts",
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
        }
    }

    /// The Dutch line in the case's history.
    pub fn summary(&self) -> String {
        use CaseEvent::*;
        match self {
            Notified {
                source,
                eligibility,
            } => format!(
                "Melding ontvangen (bron: {}). Doelgroepbepaling: {}.",
                source.label(),
                eligibility.label().to_lowercase()
            ),
            NotifiedAgain { source } => format!(
                "Nog een melding van dezelfde detentie ontvangen, bron: {}.",
                source.label()
            ),
            FactsFilledIn { eligibility } => format!(
                "Ontbrekende gegevens aangevuld uit een nieuwe melding.{}",
                eligibility_sentence(*eligibility)
            ),
            FactsCorrected {
                changes,
                eligibility,
            } => {
                let text = if changes.is_empty() {
                    "Gegevens opgeslagen; er is niets gewijzigd.".to_string()
                } else {
                    let listed: Vec<String> = changes
                        .iter()
                        .map(|(what, was, is)| format!("{what}: ‘{was}’ → ‘{is}’"))
                        .collect();
                    format!("Gegevens gecorrigeerd. {}.", listed.join("; "))
                };
                format!("{text}{}", eligibility_sentence(*eligibility))
            }
            Offer {
                outcome,
                kind,
                date,
            } => format!(
                "Aanbod: {} ({}, {}).",
                outcome.label().to_lowercase(),
                kind.label(),
                format_nl(*date)
            ),
            Triage {
                domains,
                known_to_skt,
                known_to_safety_chamber,
            } => {
                let needs: Vec<String> = domains
                    .iter()
                    .map(|t| format!("{}: {}", t.domain.label(), t.need.label().to_lowercase()))
                    .collect();
                format!(
                    "Triage: {}. Al bekend bij het SKT: {}; bij de Veiligheidskamer: {}.",
                    needs.join("; "),
                    yes_no_unknown(*known_to_skt),
                    yes_no_unknown(*known_to_safety_chamber)
                )
            }
            Direction {
                direction,
                reason,
                from,
            } => match from {
                Some(from) => format!(
                    "Casusregie overgedragen van {} aan {}. Overdrachtsnotitie: {reason}",
                    from.label(),
                    direction.label()
                ),
                None => format!("Casusregie: {}. Reden: {reason}", direction.label()),
            },
            AgreementAdded {
                domain,
                description,
                owner,
                due,
            } => {
                let due = due
                    .map(|d| format!(", uiterlijk {}", format_nl(d)))
                    .unwrap_or_default();
                format!(
                    "Afspraak ({}): {description} — {owner}{due}.",
                    domain.label()
                )
            }
            AgreementDone { description, done } => {
                if *done {
                    format!("Afspraak gedaan: {description}.")
                } else {
                    format!("Afspraak weer open: {description}.")
                }
            }
            Readiness {
                housing,
                brp,
                id_document,
                income,
            } => {
                let items = [
                    ("huisvesting", *housing),
                    ("BRP", *brp),
                    ("ID-bewijs", *id_document),
                    ("inkomen", *income),
                ];
                let done: Vec<&str> = items.iter().filter(|(_, v)| *v).map(|(k, _)| *k).collect();
                if done.is_empty() {
                    "Checklist vrijlating: nog niets geregeld.".to_string()
                } else {
                    format!("Checklist vrijlating: geregeld: {}.", done.join(", "))
                }
            }
            Released {
                on,
                aftercare_until,
                eligibility,
            } => format!(
                "Vrijgelaten op {}; de nazorgperiode loopt tot {}.{}",
                format_nl(*on),
                format_nl(*aftercare_until),
                eligibility_sentence(*eligibility)
            ),
            Contact { kind, date } => format!(
                "Contact vastgelegd: {} op {}.",
                kind.label(),
                format_nl(*date)
            ),
            Appointment {
                kind,
                date,
                hour,
                minute,
                place,
            } => format!(
                "Afspraak gepland: {} op {} om {hour:02}:{minute:02}{}.",
                kind.label().to_lowercase(),
                format_nl(*date),
                if place.is_empty() {
                    String::new()
                } else {
                    format!(" ({place})")
                }
            ),
            HouseholdMember {
                relation,
                minor,
                need,
            } => format!(
                "Gezinslid vastgelegd: {} ({}), ondersteuningsbehoefte {}.",
                relation.label().to_lowercase(),
                if *minor {
                    "minderjarig"
                } else {
                    "meerderjarig"
                },
                need.label().to_lowercase()
            ),
            Overruled { in_force, reason } => match reason {
                Some(reason) => format!(
                    "Doelgroepbepaling overruled: ‘{}’. Reden: {reason}",
                    in_force.label()
                ),
                None => format!(
                    "Overrule ingetrokken; de regels gelden weer: ‘{}’.",
                    in_force.label()
                ),
            },
            Coordinator { name } => format!(
                "Nazorgcoördinator: {}.",
                name.as_deref().unwrap_or("niemand")
            ),
            ReferralsWithdrawn { count } => {
                format!("{count} niet gestarte verwijzing(en) ingetrokken bij het afsluiten.")
            }
            Closed {
                on,
                reason,
                overall,
            } => {
                let overall = overall
                    .map(|o| format!(" Resultaat: {}.", o.label().to_lowercase()))
                    .unwrap_or_default();
                format!(
                    "Afgesloten op {}: {}.{overall}",
                    format_nl(*on),
                    reason.label().to_lowercase()
                )
            }
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
