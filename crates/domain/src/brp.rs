//! What an answer of the BRP (Haal Centraal BRP Personen, `RaadpleegMetBurgerservicenummer`)
//! means for a case: the resident's registration, the municipality of registration, a
//! death. Pure: the adapter in the use cases reads the wire format into a [`BrpPerson`].

use crate::dates::format_nl;
use crate::notification::{BrpStatus, MunicipalityCode};
use time::Date;

/// The fields Nazorg asks for, and only these (need-to-know): the BSN to match the answer
/// to the question, the municipality of registration (the last residence) and the date an
/// unknown residence began. What the BRP delivers by itself (`opschortingBijhouding`,
/// `inOnderzoek`, …) may not be asked: the API answers that with 400.
pub const FIELDS: &[&str] = &[
    "burgerservicenummer",
    "gemeenteVanInschrijving",
    "verblijfplaats.datumVan",
];

/// At most this many BSNs in one question (the API's `maxItems`).
pub const MAX_PER_REQUEST: usize = 20;

/// One person of the BRP's answer, as far as the case needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrpPerson {
    pub bsn: String,
    /// `opschortingBijhouding`: the reason code (O death, E emigration, M ministerial
    /// decision, R registered in the RNI) and its date, when known.
    pub suspension: Option<(String, Option<Date>)>,
    /// The residence is unknown (`VerblijfplaatsOnbekend`), since this date when known.
    pub residence_unknown: Option<Option<Date>>,
    /// `gemeenteVanInschrijving`: the municipality of registration, or the last one.
    pub municipality: Option<MunicipalityCode>,
}

/// What the BRP says of a resident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Registered, in this municipality.
    Registered {
        municipality: Option<MunicipalityCode>,
    },
    /// No longer registered (emigrated, in the RNI, residence unknown), since this date
    /// when known; the municipality is the last one.
    Deregistered {
        since: Option<Date>,
        municipality: Option<MunicipalityCode>,
        why: &'static str,
    },
    /// Deceased (registration suspended with reason O).
    Deceased { on: Option<Date> },
    /// Registration suspended for a reason Nazorg does not know (or none given): the
    /// facts stay, for a coordinator to judge.
    Unclear { reason: String },
    /// Not in the BRP (or suspended for a reason that is no registration at all).
    NotRegistered,
}

impl Finding {
    /// What the BRP says of `bsn`, given the persons of its answer.
    pub fn of(bsn: &str, persons: &[BrpPerson]) -> Finding {
        let Some(p) = persons.iter().find(|p| p.bsn == bsn) else {
            return Finding::NotRegistered;
        };
        let municipality = p.municipality.clone();
        match p.suspension.as_ref().map(|(code, on)| (code.trim(), *on)) {
            Some(("O", on)) => Finding::Deceased { on },
            Some(("E", since)) => Finding::Deregistered {
                since,
                municipality,
                why: "vertrokken naar het buitenland",
            },
            // In the RNI the municipality of registration is no residence (1999).
            Some(("R", since)) => Finding::Deregistered {
                since,
                municipality: None,
                why: "ingeschreven in de RNI",
            },
            // A ministerial decision: the registration should never have been.
            Some(("M", _)) => Finding::NotRegistered,
            Some((reason, _)) => Finding::Unclear {
                reason: reason.to_string(),
            },
            None => match p.residence_unknown {
                Some(since) => Finding::Deregistered {
                    since,
                    municipality,
                    why: "verblijfplaats onbekend",
                },
                None => Finding::Registered { municipality },
            },
        }
    }

    /// The BRP status this finding gives the case (`None`: it says nothing of it).
    pub fn status(&self) -> Option<BrpStatus> {
        match self {
            Finding::Registered { .. } => Some(BrpStatus::Registered),
            Finding::Deregistered { .. } => Some(BrpStatus::RecentlyDeregistered),
            Finding::NotRegistered => Some(BrpStatus::NotRegistered),
            Finding::Deceased { .. } | Finding::Unclear { .. } => None,
        }
    }

    /// The municipality of (last) registration, where the BRP gave it.
    pub fn municipality(&self) -> Option<&MunicipalityCode> {
        match self {
            Finding::Registered { municipality } | Finding::Deregistered { municipality, .. } => {
                municipality.as_ref()
            }
            _ => None,
        }
    }

    /// The date the registration ended, where it did and the BRP knows when.
    pub fn since(&self) -> Option<Date> {
        match self {
            Finding::Deregistered { since, .. } => *since,
            _ => None,
        }
    }

    /// In Dutch, for the history and the case page.
    pub fn describe(&self) -> String {
        let place = |m: Option<&MunicipalityCode>| {
            m.map(|m| format!(", gemeente van inschrijving {m}"))
                .unwrap_or_default()
        };
        let since = |d: Option<Date>| {
            d.map(|d| format!(" sinds {}", format_nl(d)))
                .unwrap_or_default()
        };
        match self {
            Finding::Registered { municipality } => {
                format!("ingeschreven{}", place(municipality.as_ref()))
            }
            Finding::Deregistered {
                since: on,
                municipality,
                why,
            } => format!(
                "uitgeschreven{} ({why}){}",
                since(*on),
                place(municipality.as_ref())
            ),
            Finding::Deceased { on } => match on {
                Some(d) => format!("overleden op {}", format_nl(*d)),
                None => "overleden".into(),
            },
            Finding::NotRegistered => "niet gevonden in de BRP".into(),
            Finding::Unclear { reason } if reason.is_empty() => {
                "bijhouding opgeschort, zonder reden".into()
            }
            Finding::Unclear { reason } => {
                format!("bijhouding opgeschort om een reden die Nazorg niet kent (‘{reason}’)")
            }
        }
    }
}

/// The detail of the signal that the BRP reports a death.
pub fn deceased_detail(on: Option<Date>) -> String {
    match on {
        Some(d) => format!(
            "Volgens de BRP is de inwoner overleden op {}. Sluit de casus af als dat klopt.",
            format_nl(d)
        ),
        None => "Volgens de BRP is de inwoner overleden. Sluit de casus af als dat klopt.".into(),
    }
}

/// How long to wait before trying a failed call again, after `attempts` tries: half a
/// minute, doubling each time, at most six hours. A call is never given up: the case
/// shows that it waits and why.
pub fn retry_after(attempts: i64) -> time::Duration {
    let doublings = attempts.clamp(1, 20) - 1;
    let seconds = 30_i64.saturating_mul(1_i64 << doublings);
    time::Duration::seconds(seconds.min(6 * 3600))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn person(suspension: Option<&str>, unknown: bool) -> BrpPerson {
        BrpPerson {
            bsn: "999993653".into(),
            suspension: suspension.map(|c| (c.to_string(), Some(date!(2026 - 10 - 01)))),
            residence_unknown: unknown.then_some(Some(date!(2026 - 09 - 01))),
            municipality: MunicipalityCode::parse("1783").ok(),
        }
    }

    #[test]
    fn each_answer_gives_its_status() {
        let of = |p: BrpPerson| Finding::of("999993653", &[p]);
        assert_eq!(
            of(person(None, false)).status(),
            Some(BrpStatus::Registered)
        );
        assert_eq!(
            of(person(Some("E"), false)).status(),
            Some(BrpStatus::RecentlyDeregistered)
        );
        assert_eq!(
            of(person(Some("R"), false)).status(),
            Some(BrpStatus::RecentlyDeregistered)
        );
        let unknown = of(person(None, true));
        assert_eq!(unknown.status(), Some(BrpStatus::RecentlyDeregistered));
        assert_eq!(unknown.since(), Some(date!(2026 - 09 - 01)));
        assert_eq!(
            of(person(Some("O"), false)),
            Finding::Deceased {
                on: Some(date!(2026 - 10 - 01))
            }
        );
        assert_eq!(
            of(person(Some("M"), false)).status(),
            Some(BrpStatus::NotRegistered)
        );
        assert_eq!(
            Finding::of("111222333", &[person(None, false)]),
            Finding::NotRegistered
        );
        let rni = of(person(Some("R"), false));
        assert_eq!(rni.municipality(), None, "1999 is no residence");
        assert_eq!(
            of(person(Some("O"), false)).since(),
            None,
            "a death is no deregistration"
        );
        let unclear = of(person(Some(""), false));
        assert_eq!(
            unclear.status(),
            None,
            "an unknown reason changes nothing by itself"
        );
    }

    #[test]
    fn the_finding_reads_in_dutch() {
        let f = Finding::of("999993653", &[person(Some("E"), false)]);
        assert_eq!(
            f.describe(),
            "uitgeschreven sinds 01-10-2026 (vertrokken naar het buitenland), gemeente van inschrijving 1783"
        );
    }

    #[test]
    fn retries_wait_longer_each_time_up_to_six_hours() {
        assert_eq!(retry_after(1), time::Duration::seconds(30));
        assert_eq!(retry_after(2), time::Duration::seconds(60));
        assert_eq!(retry_after(40), time::Duration::hours(6));
    }
}
