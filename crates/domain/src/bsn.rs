//! The citizen service number (BSN) and its eleven-test.

use std::fmt;

/// A BSN that passed the eleven-test. Always nine digits.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Bsn(String);

/// Why a text is not a BSN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BsnError {
    #[error("BSN ontbreekt")]
    Missing,
    #[error("BSN '{0}' moet uit 9 cijfers bestaan")]
    Format(String),
    #[error("BSN {0} voldoet niet aan de elfproef")]
    ElevenTest(String),
}

impl Bsn {
    /// Parses a BSN; spaces, dots and dashes are ignored, an eight-digit number gets its
    /// leading zero back (spreadsheets drop it).
    pub fn parse(input: &str) -> Result<Bsn, BsnError> {
        let digits: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect();
        if digits.is_empty() {
            return Err(BsnError::Missing);
        }
        if !digits.chars().all(|c| c.is_ascii_digit()) || !(8..=9).contains(&digits.len()) {
            return Err(BsnError::Format(input.trim().to_string()));
        }
        let digits = format!("{digits:0>9}");
        if !passes_eleven_test(&digits) {
            return Err(BsnError::ElevenTest(digits));
        }
        Ok(Bsn(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Completes eight digits (0–99,999,999) with the check digit that makes a valid BSN,
    /// or `None` when no digit can (one in eleven). For generated test and demo data.
    pub fn complete(first_eight: u32) -> Option<Bsn> {
        let digits = format!("{:08}", first_eight % 100_000_000);
        let sum: u32 = digits
            .bytes()
            .enumerate()
            .map(|(i, b)| u32::from(b - b'0') * (9 - i as u32))
            .sum();
        let check = sum % 11;
        (check < 10)
            .then(|| Bsn(format!("{digits}{check}")))
            .filter(|b| passes_eleven_test(&b.0))
    }
}

/// The BSN eleven-test: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11 (and not 0).
fn passes_eleven_test(digits: &str) -> bool {
    let values: Vec<i64> = digits.bytes().map(|b| i64::from(b - b'0')).collect();
    if values.len() != 9 || values.iter().all(|v| *v == 0) {
        return false;
    }
    let sum: i64 = values
        .iter()
        .enumerate()
        .map(|(i, d)| if i == 8 { -d } else { d * (9 - i as i64) })
        .sum();
    sum % 11 == 0
}

impl fmt::Display for Bsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Bsn {
    /// A BSN is personal data: debug output shows only the last three digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bsn(******{})", &self.0[6..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_bsns_from_the_sample_pass() {
        for bsn in ["691967301", "341436239", "562930036", "481656686"] {
            assert_eq!(Bsn::parse(bsn).map(|b| b.to_string()), Ok(bsn.to_string()));
        }
    }

    #[test]
    fn a_bsn_failing_the_eleven_test_is_refused_with_its_number() {
        let err = Bsn::parse("443613889").unwrap_err();
        assert_eq!(err, BsnError::ElevenTest("443613889".into()));
        assert_eq!(
            err.to_string(),
            "BSN 443613889 voldoet niet aan de elfproef"
        );
    }

    #[test]
    fn missing_short_long_and_lettered_bsns_are_refused() {
        assert_eq!(Bsn::parse("  "), Err(BsnError::Missing));
        assert!(matches!(Bsn::parse("1234567"), Err(BsnError::Format(_))));
        assert!(matches!(Bsn::parse("1234567890"), Err(BsnError::Format(_))));
        assert!(matches!(Bsn::parse("12345678a"), Err(BsnError::Format(_))));
        assert!(matches!(
            Bsn::parse("000000000"),
            Err(BsnError::ElevenTest(_))
        ));
    }

    #[test]
    fn separators_are_ignored_and_a_dropped_leading_zero_is_restored() {
        assert_eq!(
            Bsn::parse(" 6919.67.301 ").map(|b| b.to_string()),
            Ok("691967301".into())
        );
        // 011111111? compute one with a leading zero: 0·9 + ... ; 012345672 passes.
        assert_eq!(
            Bsn::parse("12345672").map(|b| b.to_string()),
            Ok("012345672".into())
        );
    }

    #[test]
    fn completed_numbers_pass_the_eleven_test() {
        assert_eq!(
            Bsn::complete(69196730).map(|b| b.to_string()),
            Some("691967301".into())
        );
        let made: Vec<Bsn> = (10_000_000..10_000_100).filter_map(Bsn::complete).collect();
        assert!(made.len() > 80);
        assert!(made.iter().all(|b| Bsn::parse(b.as_str()).is_ok()));
    }

    #[test]
    fn debug_output_hides_the_number() {
        let bsn = Bsn::parse("691967301").unwrap();
        assert_eq!(format!("{bsn:?}"), "Bsn(******301)");
    }
}
