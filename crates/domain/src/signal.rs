//! Signals: what a coordinator must look at on a case because something outside their
//! hands changed it — newer facts from the justice chain, or a notification whose person
//! does not match the resident held under its BSN. A signal stays on the case and on the
//! worklist until a coordinator handles it.

use crate::dates::format_nl;
use crate::search::search_key;
use time::Date;

code_enum! {
    /// The kinds of signal.
    SignalKind {
        /// A later notification of the same detention changed its facts.
        ChainChanged = "chain_changed" => "Gewijzigd door de keten",
        /// A notification under a known BSN named another name or birth date.
        IdentityMismatch = "identity_mismatch" => "Identiteit wijkt af",
        /// The BRP said something else than the notification did.
        BrpChanged = "brp_changed" => "Gewijzigd door de BRP",
        /// The BRP reports the resident's death.
        Deceased = "deceased" => "Overleden volgens de BRP",
    }
}

code_enum! {
    /// How a coordinator handles a signal.
    Resolution {
        /// The chain's change is seen (and its consequences taken in hand).
        Seen = "seen" => "Gezien",
        /// The notification is about the same person; the resident's details stand.
        SamePerson = "same_person" => "Zelfde persoon, de gegevens kloppen",
        /// The notification's name and birth date are the right ones: taken over.
        TakeNotified = "take_notified" => "Gegevens uit de melding overnemen",
    }
}

impl SignalKind {
    /// The ways a signal of this kind is handled.
    pub fn resolutions(self) -> &'static [Resolution] {
        match self {
            SignalKind::ChainChanged | SignalKind::BrpChanged | SignalKind::Deceased => {
                &[Resolution::Seen]
            }
            SignalKind::IdentityMismatch => &[Resolution::SamePerson, Resolution::TakeNotified],
        }
    }
}

/// An open signal on a case, as the worklist and the case page show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSignal {
    pub id: i64,
    pub kind: SignalKind,
    pub raised_on: Date,
    /// What happened, in Dutch.
    pub detail: String,
}

/// Who a notification or a resident says the person is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub family_name: String,
    pub given_names: String,
    pub birth_date: Option<Date>,
}

impl Identity {
    /// Whether `other` names someone else: another family name (spelling aside: case,
    /// diacritics, leading particles), or other given names or birth date where both say
    /// one. What one of them does not know is no difference.
    pub fn differs_from(&self, other: &Identity) -> bool {
        let given = |i: &Identity| search_key(&i.given_names);
        search_key(&self.family_name) != search_key(&other.family_name)
            || (!self.given_names.trim().is_empty()
                && !other.given_names.trim().is_empty()
                && given(self) != given(other))
            || matches!((self.birth_date, other.birth_date), (Some(a), Some(b)) if a != b)
    }

    /// This identity with what `newer` says where it says something: its family name, its
    /// given names and birth date when known.
    pub fn taking(&self, newer: &Identity) -> Identity {
        Identity {
            family_name: if newer.family_name.trim().is_empty() {
                self.family_name.clone()
            } else {
                newer.family_name.clone()
            },
            given_names: if newer.given_names.trim().is_empty() {
                self.given_names.clone()
            } else {
                newer.given_names.clone()
            },
            birth_date: newer.birth_date.or(self.birth_date),
        }
    }

    /// "Anna van den Berg, geboren 14-02-1992".
    pub fn describe(&self) -> String {
        let name = [self.given_names.trim(), self.family_name.trim()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        match self.birth_date {
            Some(d) => format!("{name}, geboren {}", format_nl(d)),
            None => format!("{name}, geboortedatum onbekend"),
        }
    }
}

/// The detail of an identity signal: who the notification named beside who is held.
pub fn identity_detail(notified: &Identity, held: &Identity) -> String {
    format!(
        "De melding noemt {}; bij dit BSN is {} bekend.",
        notified.describe(),
        held.describe()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn who(family: &str, given: &str, birth: Option<Date>) -> Identity {
        Identity {
            family_name: family.into(),
            given_names: given.into(),
            birth_date: birth,
        }
    }

    #[test]
    fn spelling_is_no_other_person_but_another_name_or_birth_date_is() {
        let held = who("van den Berg", "Anna", Some(date!(1992 - 02 - 14)));
        assert!(!held.differs_from(&who("Berg", "anna", Some(date!(1992 - 02 - 14)))));
        assert!(
            !held.differs_from(&who("VAN DEN BERG", "", None)),
            "unknown is no difference"
        );
        assert!(held.differs_from(&who("Jansen", "Anna", Some(date!(1992 - 02 - 14)))));
        assert!(held.differs_from(&who("van den Berg", "Piet", None)));
        assert!(held.differs_from(&who("van den Berg", "Anna", Some(date!(1990 - 01 - 01)))));
    }

    #[test]
    fn the_detail_names_both() {
        let detail = identity_detail(
            &who("Jansen", "Piet", None),
            &who("van den Berg", "Anna", Some(date!(1992 - 02 - 14))),
        );
        assert_eq!(
            detail,
            "De melding noemt Piet Jansen, geboortedatum onbekend; bij dit BSN is Anna van den Berg, geboren 14-02-1992 bekend."
        );
    }
}
