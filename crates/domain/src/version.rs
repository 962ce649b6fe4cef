//! Versions of a case, so that no save silently overwrites another.
//!
//! Every change to a case raises its [`Version`] by one. A step that replaces the values
//! of a [`Part`] (the triage, the checklist, the facts, one agreement …) names the version
//! its author read; it is refused when that part was changed after it. Additions (a
//! contact, a household member, a referral) replace nothing and need no version.

use crate::ids::{AgreementId, SafetyItemId};

/// The version of a case: the number of changes made to it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
pub struct Version(pub i64);

impl Version {
    /// A version no case reaches: what a tag that names no version of this system stands
    /// for, so that it matches none.
    pub const UNKNOWN: Version = Version(i64::MAX);

    /// The entity tag of this version, as HTTP's `ETag` header carries it: `"7"`.
    pub fn etag(self) -> String {
        format!("\"{}\"", self.0)
    }
}

/// What an `If-Match` header asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precondition {
    /// `*`: any current version (the client overwrites knowingly).
    Any,
    /// One of the listed entity tags; the newest counts. `None` when none of them is an
    /// entity tag this system makes (a weak or malformed one never matches).
    Read(Option<Version>),
}

impl Precondition {
    /// Reads an `If-Match` value: `*`, or a comma-separated list of entity tags.
    pub fn parse(header: &str) -> Precondition {
        if header.trim() == "*" {
            return Precondition::Any;
        }
        let newest = header
            .split(',')
            .filter_map(|tag| {
                let tag = tag.trim().strip_prefix('"')?.strip_suffix('"')?;
                tag.parse::<i64>().ok().filter(|n| *n >= 0)
            })
            .max();
        Precondition::Read(newest.map(Version))
    }

    /// The version a step must be checked against; `None` for `*`, and
    /// [`Version::UNKNOWN`] when no listed tag is one of ours.
    pub fn seen(self) -> Option<Version> {
        match self {
            Precondition::Any => None,
            Precondition::Read(v) => Some(v.unwrap_or(Version::UNKNOWN)),
        }
    }
}

/// A part of a case whose values a step replaces as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Offer,
    Triage,
    Direction,
    Readiness,
    Release,
    Facts,
    EligibilityOverride,
    Coordinator,
    Agreement(AgreementId),
    SafetyOutcome(SafetyItemId),
}

impl Part {
    /// The stable code the history keeps it under.
    pub fn code(self) -> String {
        match self {
            Part::Offer => "offer".into(),
            Part::Triage => "triage".into(),
            Part::Direction => "direction".into(),
            Part::Readiness => "readiness".into(),
            Part::Release => "release".into(),
            Part::Facts => "facts".into(),
            Part::EligibilityOverride => "eligibility_override".into(),
            Part::Coordinator => "coordinator".into(),
            Part::Agreement(id) => format!("agreement/{}", id.0),
            Part::SafetyOutcome(id) => format!("safety_outcome/{}", id.0),
        }
    }

    /// The Dutch name of the part, as the case page heads it.
    pub fn label(self) -> &'static str {
        match self {
            Part::Offer => "Contact en aanbod",
            Part::Triage => "Triage",
            Part::Direction => "Casusregie",
            Part::Readiness => "Checklist vrijlating",
            Part::Release => "Vrijlating",
            Part::Facts => "Gegevens van de detentie",
            Part::EligibilityOverride => "Doelgroepbepaling",
            Part::Coordinator => "Nazorgcoördinator",
            Part::Agreement(_) => "Afspraak uit het plan van aanpak",
            Part::SafetyOutcome(_) => "Uitkomst van de Veiligheidskamer",
        }
    }
}

/// How a step changes a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Adds to the case (a contact, a member, a referral, a closure): nothing to overwrite.
    Add,
    /// Replaces the values of a part, as read at a version (`None`: unchecked, for the
    /// command line and for `If-Match: *`).
    Replace(Part, Option<Version>),
}

impl Edit {
    /// The part a step replaces, if any.
    pub fn part(self) -> Option<Part> {
        match self {
            Edit::Add => None,
            Edit::Replace(part, _) => Some(part),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_reads_the_newest_strong_tag() {
        assert_eq!(Precondition::parse("*"), Precondition::Any);
        assert_eq!(
            Precondition::parse("\"3\""),
            Precondition::Read(Some(Version(3)))
        );
        assert_eq!(
            Precondition::parse("\"3\", \"7\" ,\"5\""),
            Precondition::Read(Some(Version(7)))
        );
        // A weak tag, an unquoted number and foreign tags never match.
        assert_eq!(Precondition::parse("W/\"3\""), Precondition::Read(None));
        assert_eq!(Precondition::parse("3"), Precondition::Read(None));
        assert_eq!(Precondition::parse("\"abc\""), Precondition::Read(None));
        assert_eq!(Precondition::parse("\"-1\""), Precondition::Read(None));
        assert_eq!(Version(12).etag(), "\"12\"");
        assert_eq!(Precondition::parse("*").seen(), None);
        assert_eq!(Precondition::parse("x").seen(), Some(Version::UNKNOWN));
    }

    #[test]
    fn parts_have_stable_codes() {
        assert_eq!(Part::Agreement(AgreementId(4)).code(), "agreement/4");
        assert_eq!(Part::Facts.code(), "facts");
        assert_eq!(Edit::Replace(Part::Triage, None).part(), Some(Part::Triage));
        assert_eq!(Edit::Add.part(), None);
    }
}
