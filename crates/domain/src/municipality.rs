//! The municipalities an installation serves: the CBS list they are chosen from (compiled
//! in), what is known of each before Nazorg registers anything (the DJI outflow of the
//! policy note is Westland's), and the rule that decides which municipality a notification
//! goes to.

use crate::notification::MunicipalityCode;
use std::sync::OnceLock;

/// A municipality on the CBS list of 2026 (`data/municipalities.csv`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct ListedMunicipality {
    #[serde(rename = "cbs_code")]
    pub code: String,
    pub name: String,
    /// The safety region (veiligheidsregio), e.g. VR15 for Haaglanden.
    pub safety_region: String,
}

const CBS_LIST: &str = include_str!("../data/municipalities.csv");

/// The 342 municipalities of the CBS list, in the list's order.
pub fn cbs_list() -> &'static [ListedMunicipality] {
    static LIST: OnceLock<Vec<ListedMunicipality>> = OnceLock::new();
    LIST.get_or_init(|| {
        csv::Reader::from_reader(CBS_LIST.as_bytes())
            .deserialize()
            .filter_map(Result::ok)
            .collect()
    })
}

/// The municipality with this code on the CBS list, if any.
pub fn listed(code: &str) -> Option<&'static ListedMunicipality> {
    cbs_list().iter().find(|m| m.code == code)
}

/// The municipalities of one safety region, in the list's order.
pub fn in_safety_region(region: &str) -> impl Iterator<Item = &'static ListedMunicipality> {
    cbs_list()
        .iter()
        .filter(move |m| m.safety_region.eq_ignore_ascii_case(region))
}

/// The safety region of Haaglanden (the H10 and the Zorg- en Veiligheidshuis Haaglanden).
pub const HAAGLANDEN: &str = "VR15";

/// The yearly outflow of Westland residents from detention (DJI figures in the policy
/// note, 2015–2021).
const WESTLAND_DJI_OUTFLOW: &[(i32, u64)] = &[
    (2015, 71),
    (2016, 75),
    (2017, 74),
    (2018, 55),
    (2019, 68),
    (2020, 48),
    (2021, 44),
];

/// The published outflow from detention of a municipality's residents that Nazorg knows
/// of itself: Westland's figures from the policy note, nothing for others (theirs are
/// entered with `nazorg municipality outflow`).
pub fn published_outflow(code: &str) -> &'static [(i32, u64)] {
    if code == "1783" {
        WESTLAND_DJI_OUTFLOW
    } else {
        &[]
    }
}

/// Why a municipality's name is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MunicipalityError {
    #[error("Geef de naam van de gemeente (ten hoogste 80 tekens).")]
    Name,
    #[error(
        "Gemeentecode {0} staat niet in de CBS-lijst; geef met --name de naam van de gemeente."
    )]
    Unlisted(String),
    #[error("Het jaar {0} ligt niet tussen 1990 en {1}.")]
    Year(i32, i32),
}

/// The name to register: the one given (trimmed, 1–80 characters), else the CBS list's.
pub fn name_for(code: &MunicipalityCode, given: Option<&str>) -> Result<String, MunicipalityError> {
    match given.map(str::trim) {
        Some(name) if name.is_empty() || name.chars().count() > 80 => Err(MunicipalityError::Name),
        Some(name) => Ok(name.to_string()),
        None => listed(code)
            .map(|m| m.name.clone())
            .ok_or_else(|| MunicipalityError::Unlisted(code.to_string())),
    }
}

/// Checks the year of an outflow figure: from 1990 up to the current year.
pub fn check_outflow_year(year: i32, current: i32) -> Result<(), MunicipalityError> {
    if (1990..=current).contains(&year) {
        Ok(())
    } else {
        Err(MunicipalityError::Year(year, current))
    }
}

/// Where a notification goes, given the municipality its row names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// To this municipality of the installation.
    To(MunicipalityCode),
    /// Nowhere: the row names a municipality the installation does not serve.
    Outside(MunicipalityCode),
}

/// Decides where a notification goes. An installation of one municipality receives every
/// notification sent to it as its own (one for a resident of elsewhere is judged there as
/// not eligible, so the coordinator can pass it on); in an installation of several, the
/// row's municipality decides, and a row without one goes to the sender's.
pub fn destination(
    row: Option<&MunicipalityCode>,
    sender: &MunicipalityCode,
    installation: &[MunicipalityCode],
) -> Destination {
    match row {
        _ if installation.len() <= 1 => Destination::To(sender.clone()),
        None => Destination::To(sender.clone()),
        Some(code) if installation.contains(code) => Destination::To(code.clone()),
        Some(code) => Destination::Outside(code.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(c: &str) -> MunicipalityCode {
        MunicipalityCode::parse(c).unwrap()
    }

    #[test]
    fn the_cbs_list_holds_342_municipalities_and_haaglanden_nine() {
        assert_eq!(cbs_list().len(), 342);
        assert_eq!(in_safety_region(HAAGLANDEN).count(), 9);
        assert_eq!(listed("1783").unwrap().name, "Westland");
        assert_eq!(
            listed("0820").map(|m| m.name.as_str()),
            Some("Nuenen, Gerwen en Nederwetten")
        );
        let regions: std::collections::BTreeSet<&str> = cbs_list()
            .iter()
            .map(|m| m.safety_region.as_str())
            .collect();
        assert_eq!(regions.len(), 25);
    }

    #[test]
    fn a_name_is_given_or_taken_from_the_list() {
        assert_eq!(name_for(&code("0518"), None).unwrap(), "'s-Gravenhage");
        assert_eq!(
            name_for(&code("0518"), Some(" Den Haag ")).unwrap(),
            "Den Haag"
        );
        assert_eq!(
            name_for(&code("9999"), None),
            Err(MunicipalityError::Unlisted("9999".into()))
        );
        assert_eq!(
            name_for(&code("9999"), Some("  ")),
            Err(MunicipalityError::Name)
        );
        assert!(name_for(&code("9999"), Some("Nieuwe Gemeente")).is_ok());
    }

    #[test]
    fn only_westland_has_published_outflow() {
        assert_eq!(published_outflow("1783").len(), 7);
        assert!(published_outflow("0518").is_empty());
    }

    #[test]
    fn a_single_installation_keeps_every_notification_and_a_region_routes_them() {
        let westland = code("1783");
        let delft = code("0503");
        let zoetermeer = code("0637");
        let single = [westland.clone()];
        assert_eq!(
            destination(Some(&zoetermeer), &westland, &single),
            Destination::To(westland.clone())
        );
        let region = [westland.clone(), delft.clone()];
        assert_eq!(
            destination(Some(&delft), &westland, &region),
            Destination::To(delft.clone())
        );
        assert_eq!(
            destination(Some(&zoetermeer), &westland, &region),
            Destination::Outside(zoetermeer)
        );
        assert_eq!(destination(None, &delft, &region), Destination::To(delft));
    }

    #[test]
    fn outflow_years_are_bounded() {
        assert!(check_outflow_year(2015, 2026).is_ok());
        assert!(check_outflow_year(2027, 2026).is_err());
        assert!(check_outflow_year(1989, 2026).is_err());
    }
}
