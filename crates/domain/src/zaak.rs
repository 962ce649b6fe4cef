//! The case as a zaak in the zaaksysteem (ZGW Zaken and Catalogi APIs): which statustype of
//! the zaaktype a phase of the case is, and which resultaattype a closing reason is. Pure:
//! the adapter in the use cases reads the Catalogi API into [`StatusType`]s and
//! [`ResultType`]s.
//!
//! The default mapping, which `--zgw-statustypen` and `--zgw-resultaattypen` override:
//! - **Status.** Closure is the zaaktype's end status (`isEindstatus`, else the highest
//!   `volgnummer`). An open phase is the statustype whose `omschrijving` is the phase's
//!   Dutch name or code ("Triage gedaan", "triaged"); failing that, the open statustypen
//!   in `volgnummer` order are taken step by step along the main path: notified (and
//!   not reached, declined) the first, accepted the second, triaged the third, planning
//!   the fourth, aftercare the fifth, each capped at the last open statustype.
//! - **Resultaat.** The resultaattype whose `omschrijving` is the closing reason's Dutch
//!   name or code ("Afgerond", "completed"); failing that, the first one the Catalogi API
//!   lists.

use crate::case::ClosingReason;
use crate::ids::CaseId;
use crate::lifecycle::Status;
use crate::notification::MunicipalityCode;
use std::collections::BTreeMap;

/// A statustype of the zaaktype, as the Catalogi API gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusType {
    pub url: String,
    pub volgnummer: i64,
    pub omschrijving: String,
    pub is_end: bool,
}

/// A resultaattype of the zaaktype, as the Catalogi API gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultType {
    pub url: String,
    pub omschrijving: String,
}

/// A mapping setting that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error("‘{0}’ is geen paar FASE=VOLGNUMMER of REDEN=OMSCHRIJVING")]
    Pair(String),
    #[error("‘{0}’ is geen fase van een casus (kies uit {1})")]
    Phase(String, String),
    #[error("‘{0}’ is geen volgnummer (een geheel getal van 1 tot 9999)")]
    Volgnummer(String),
    #[error("‘{0}’ is geen reden van afsluiten (kies uit {1})")]
    Reason(String, String),
    #[error("het zaaktype heeft geen statustype met volgnummer {0} (ingesteld voor ‘{1}’)")]
    NoSuchStatus(i64, &'static str),
    #[error("het zaaktype heeft geen resultaattype ‘{0}’ (ingesteld voor ‘{1}’)")]
    NoSuchResult(String, &'static str),
    #[error(
        "volgnummer {0} (ingesteld voor ‘{1}’) past niet: alleen ‘Afgesloten’ is de eindstatus van het zaaktype, en ‘Afgesloten’ alleen die"
    )]
    EndStatus(i64, &'static str),
    #[error("het zaaktype heeft geen resultaattypen: een casus kan er niet mee worden afgesloten")]
    NoResultTypes,
    #[error("het zaaktype heeft geen statustypen")]
    NoStatusTypes,
}

/// How phases and closing reasons map onto the zaaktype: what is configured; the rest
/// follows the default (see the module).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    /// Phase → `volgnummer` of its statustype.
    pub statuses: BTreeMap<Status, i64>,
    /// Closing reason → `omschrijving` of its resultaattype.
    pub results: BTreeMap<ClosingReason, String>,
}

/// Splits "a=1, b=2" into pairs.
fn pairs(setting: &str) -> Result<Vec<(String, String)>, MappingError> {
    setting
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() && !v.trim().is_empty() => {
                Ok((k.trim().to_string(), v.trim().to_string()))
            }
            _ => Err(MappingError::Pair(p.to_string())),
        })
        .collect()
}

impl Mapping {
    /// Reads `--zgw-statustypen` ("triaged=3,planning=4") and `--zgw-resultaattypen`
    /// ("completed=Afgerond,died=Overleden").
    pub fn parse(statuses: &str, results: &str) -> Result<Mapping, MappingError> {
        let mut mapping = Mapping::default();
        for (phase, number) in pairs(statuses)? {
            let status = Status::parse(&phase)
                .ok_or_else(|| MappingError::Phase(phase.clone(), Status::codes_list()))?;
            let n: i64 = number
                .parse()
                .ok()
                .filter(|n| (1..=9999).contains(n))
                .ok_or(MappingError::Volgnummer(number))?;
            mapping.statuses.insert(status, n);
        }
        for (reason, omschrijving) in pairs(results)? {
            let r = ClosingReason::parse(&reason)
                .ok_or_else(|| MappingError::Reason(reason.clone(), ClosingReason::codes_list()))?;
            mapping.results.insert(r, omschrijving);
        }
        Ok(mapping)
    }

    /// The statustype of `phase`; `None` when the zaaktype has no open statustype for an
    /// open phase (only an end status), so that nothing is posted for it.
    pub fn status_type<'a>(
        &self,
        phase: Status,
        types: &'a [StatusType],
    ) -> Result<Option<&'a StatusType>, MappingError> {
        if types.is_empty() {
            return Err(MappingError::NoStatusTypes);
        }
        if let Some(n) = self.statuses.get(&phase) {
            let t = types
                .iter()
                .find(|t| t.volgnummer == *n)
                .ok_or(MappingError::NoSuchStatus(*n, phase.label()))?;
            // The end status closes the zaak, and only closure may (after the resultaat).
            if t.is_end != (phase == Status::Closed) {
                return Err(MappingError::EndStatus(*n, phase.label()));
            }
            return Ok(Some(t));
        }
        let mut ordered: Vec<&StatusType> = types.iter().collect();
        ordered.sort_by_key(|t| t.volgnummer);
        if phase == Status::Closed {
            let end = ordered.iter().find(|t| t.is_end).or(ordered.last());
            return Ok(end.copied());
        }
        let open: Vec<&StatusType> = ordered.into_iter().filter(|t| !t.is_end).collect();
        if let Some(named) = open
            .iter()
            .find(|t| names(&t.omschrijving, phase.label(), phase.code()))
        {
            return Ok(Some(named));
        }
        let step = match phase {
            Status::Notified | Status::NotReached | Status::Declined | Status::Closed => 0,
            Status::Accepted => 1,
            Status::Triaged => 2,
            Status::Planning => 3,
            Status::Aftercare => 4,
        };
        Ok(open.get(step.min(open.len().saturating_sub(1))).copied())
    }

    /// The resultaattype of a closure for `reason`, and whether it was configured or named
    /// after the reason (false: the first one, for want of a better).
    pub fn result_type<'a>(
        &self,
        reason: ClosingReason,
        types: &'a [ResultType],
    ) -> Result<(&'a ResultType, bool), MappingError> {
        if let Some(omschrijving) = self.results.get(&reason) {
            return types
                .iter()
                .find(|t| t.omschrijving.trim().eq_ignore_ascii_case(omschrijving))
                .map(|t| (t, true))
                .ok_or_else(|| MappingError::NoSuchResult(omschrijving.clone(), reason.label()));
        }
        match types
            .iter()
            .find(|t| names(&t.omschrijving, reason.label(), reason.code()))
        {
            Some(named) => Ok((named, true)),
            None => types
                .first()
                .map(|t| (t, false))
                .ok_or(MappingError::NoResultTypes),
        }
    }
}

/// Whether an `omschrijving` names this phase or reason, by its Dutch name or its code.
fn names(omschrijving: &str, label: &str, code: &str) -> bool {
    let o = omschrijving.trim().to_lowercase();
    o == label.to_lowercase() || o == code
}

/// The zaak's `identificatie`: Nazorg sets it itself, so that a zaak registered by a call
/// whose answer never came is found again rather than registered twice. At most 40
/// characters, unique within the municipality's RSIN.
pub fn identificatie(municipality: &MunicipalityCode, case: CaseId) -> String {
    format!("NAZORG-{}-{}", municipality.as_str(), case.0)
}

/// The zaak's `omschrijving` (at most 80 characters): what the case is, without any
/// personal data (the zaaktype says the rest).
pub fn omschrijving(case: CaseId) -> String {
    format!("Nazorg ex-gedetineerden, casus {}", case.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(n: i64, omschrijving: &str, end: bool) -> StatusType {
        StatusType {
            url: format!("https://oz/statustypen/{n}"),
            volgnummer: n,
            omschrijving: omschrijving.into(),
            is_end: end,
        }
    }

    fn rt(omschrijving: &str) -> ResultType {
        ResultType {
            url: format!("https://oz/resultaattypen/{}", omschrijving.to_lowercase()),
            omschrijving: omschrijving.into(),
        }
    }

    #[test]
    fn by_default_phases_walk_the_open_statustypen_in_order_and_closure_is_the_end_status() {
        // Listed out of order: volgnummer decides.
        let types = [
            st(3, "In behandeling", false),
            st(1, "Ontvangen", false),
            st(9, "Afgehandeld", true),
            st(2, "Intake", false),
        ];
        let m = Mapping::default();
        let of = |p| m.status_type(p, &types).unwrap().unwrap().volgnummer;
        assert_eq!(of(Status::Notified), 1);
        assert_eq!(of(Status::NotReached), 1);
        assert_eq!(of(Status::Accepted), 2);
        assert_eq!(of(Status::Triaged), 3);
        // Beyond the last open statustype: the last one.
        assert_eq!(of(Status::Aftercare), 3);
        assert_eq!(of(Status::Closed), 9);
    }

    #[test]
    fn a_statustype_named_after_a_phase_is_that_phase_and_configuration_wins_over_both() {
        let types = [
            st(1, "Gemeld", false),
            st(2, "Plan van aanpak", false),
            st(3, "Nazorgperiode", false),
            st(4, "Afgesloten", true),
        ];
        let m = Mapping::default();
        assert_eq!(
            m.status_type(Status::Planning, &types)
                .unwrap()
                .unwrap()
                .volgnummer,
            2
        );
        assert_eq!(
            m.status_type(Status::Aftercare, &types)
                .unwrap()
                .unwrap()
                .volgnummer,
            3
        );
        let m = Mapping::parse("aftercare=2, closed = 4", "").unwrap();
        assert_eq!(
            m.status_type(Status::Aftercare, &types)
                .unwrap()
                .unwrap()
                .volgnummer,
            2
        );
        // An open phase cannot be the end status, nor closure an open one.
        let m = Mapping::parse("aftercare=4, closed=3", "").unwrap();
        assert_eq!(
            m.status_type(Status::Aftercare, &types),
            Err(MappingError::EndStatus(4, "Nazorgperiode"))
        );
        assert_eq!(
            m.status_type(Status::Closed, &types),
            Err(MappingError::EndStatus(3, "Afgesloten"))
        );
        let m = Mapping::parse("aftercare=7", "").unwrap();
        assert_eq!(
            m.status_type(Status::Aftercare, &types)
                .unwrap_err()
                .to_string(),
            "het zaaktype heeft geen statustype met volgnummer 7 (ingesteld voor ‘Nazorgperiode’)"
        );
    }

    #[test]
    fn a_zaaktype_with_only_an_end_status_gets_no_status_for_open_phases() {
        let types = [st(1, "Afgehandeld", true)];
        let m = Mapping::default();
        assert_eq!(m.status_type(Status::Triaged, &types).unwrap(), None);
        assert_eq!(
            m.status_type(Status::Closed, &types)
                .unwrap()
                .unwrap()
                .volgnummer,
            1
        );
        assert_eq!(
            m.status_type(Status::Closed, &[]),
            Err(MappingError::NoStatusTypes)
        );
    }

    #[test]
    fn the_resultaattype_is_named_after_the_reason_or_configured_or_else_the_first() {
        let types = [rt("Toegekend"), rt("Afgerond"), rt("Overleden")];
        let of = |m: &Mapping, r| {
            let (t, named) = m.result_type(r, &types).unwrap();
            (t.omschrijving.clone(), named)
        };
        let m = Mapping::default();
        assert_eq!(of(&m, ClosingReason::Completed), ("Afgerond".into(), true));
        assert_eq!(of(&m, ClosingReason::Died), ("Overleden".into(), true));
        // For want of a better, the first, and said so.
        assert_eq!(of(&m, ClosingReason::Declined), ("Toegekend".into(), false));
        let m = Mapping::parse("", "declined=afgerond").unwrap();
        assert_eq!(of(&m, ClosingReason::Declined), ("Afgerond".into(), true));
        let m = Mapping::parse("", "declined=Geweigerd").unwrap();
        assert!(m.result_type(ClosingReason::Declined, &types).is_err());
        assert_eq!(
            Mapping::default().result_type(ClosingReason::Died, &[]),
            Err(MappingError::NoResultTypes)
        );
    }

    #[test]
    fn settings_that_cannot_be_used_are_refused_with_what_to_choose() {
        assert!(matches!(
            Mapping::parse("ontvangen=1", ""),
            Err(MappingError::Phase(..))
        ));
        assert!(matches!(
            Mapping::parse("triaged=0", ""),
            Err(MappingError::Volgnummer(_))
        ));
        assert!(matches!(
            Mapping::parse("triaged", ""),
            Err(MappingError::Pair(_))
        ));
        assert!(matches!(
            Mapping::parse("", "klaar=Afgerond"),
            Err(MappingError::Reason(..))
        ));
        assert_eq!(Mapping::parse(" , ", ""), Ok(Mapping::default()));
    }

    #[test]
    fn the_zaak_carries_no_personal_data_and_an_identificatie_of_at_most_40() {
        let code = MunicipalityCode::parse("1783").unwrap();
        let id = identificatie(&code, CaseId(i64::MAX));
        assert!(id.len() <= 40, "{id}");
        assert_eq!(identificatie(&code, CaseId(12)), "NAZORG-1783-12");
        assert!(omschrijving(CaseId(i64::MAX)).chars().count() <= 80);
    }
}
