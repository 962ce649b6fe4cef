//! Property tests of every parser of user input in the domain: whatever text arrives, the
//! answer is a value or a Dutch refusal, never a panic; and what parses means what it says.

use nazorg_domain::notification::NotificationRow;
use nazorg_domain::referral::{format_eur, parse_eur};
use nazorg_domain::version::Precondition;
use nazorg_domain::{Bsn, MunicipalityCode, format_nl, parse_date, text};
use proptest::prelude::*;

/// Text as people and files send it: digits, dashes, slashes, letters, spaces, the odd
/// control, bidirectional or zero-width character, and any other character.
fn messy() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9 ./:-]{0,12}",
        "[a-zA-Z0-9 ,.'-]{0,20}",
        "[\\x00-\\x1f\u{200b}\u{202e}\u{feff}a-z0-9]{0,8}",
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn a_date_parses_or_is_refused_and_a_parsed_one_reads_back(input in messy()) {
        if let Ok(date) = parse_date(&input) {
            // What parsed is a real date, and its Dutch form parses to the same.
            prop_assert_eq!(parse_date(&format_nl(date)).ok(), Some(date));
        }
    }

    #[test]
    fn every_iso_date_parses_to_itself(y in 1900i32..2100, m in 1u8..=12, d in 1u8..=31) {
        let text = format!("{y:04}-{m:02}-{d:02}");
        let real = time::Month::try_from(m).ok().and_then(|m| time::Date::from_calendar_date(y, m, d).ok());
        prop_assert_eq!(parse_date(&text).ok(), real);
    }

    #[test]
    fn a_bsn_parses_only_as_nine_digits_that_pass_the_eleven_test(input in messy()) {
        if let Ok(bsn) = Bsn::parse(&input) {
            let digits: Vec<u32> = bsn.as_str().chars().filter_map(|c| c.to_digit(10)).collect();
            prop_assert_eq!(digits.len(), 9);
            let sum: i64 = digits.iter().enumerate().map(|(i, d)| {
                let weight = if i == 8 { -1 } else { 9 - i as i64 };
                weight * i64::from(*d)
            }).sum();
            prop_assert_eq!(sum % 11, 0);
        }
    }

    #[test]
    fn an_amount_parses_or_is_refused_and_reads_back(input in messy(), cents in 0i64..10_000_000_000) {
        let _ = parse_eur(&input);
        let shown = format_eur(cents);
        prop_assert_eq!(parse_eur(shown.trim_start_matches('€').trim()), Some(cents));
    }

    #[test]
    fn a_municipality_code_parses_or_is_refused(input in messy()) {
        if let Ok(code) = MunicipalityCode::parse(&input) {
            prop_assert_eq!(code.as_str().len(), 4);
            prop_assert!(code.as_str().chars().all(|c| c.is_ascii_digit()));
        }
    }

    #[test]
    fn a_precondition_never_panics_and_a_tag_of_ours_is_read(input in messy(), n in 0i64..1_000_000) {
        let _ = Precondition::parse(&input);
        prop_assert_eq!(Precondition::parse(&format!("\"{n}\"")).seen().map(|v| v.0), Some(n));
    }

    #[test]
    fn clean_text_passes_and_a_hidden_character_is_named(input in messy()) {
        match text::refusal("de notitie", &input) {
            None => prop_assert!(text::disallowed_char(&input).is_none()),
            Some(message) => prop_assert!(message.contains("(U+"), "{}", message),
        }
        prop_assert!(text::disallowed_char(&text::without_disallowed(&input)).is_none());
    }

    #[test]
    fn a_notification_row_is_a_notification_or_a_refusal(
        bsn in messy(), family in messy(), given in messy(), birth in messy(),
        municipality in messy(), brp in "(registered|not_registered|x|)", institution in messy(),
        start in messy(), release in messy(), sentence in "(prison_sentence|pretrial|other|x|)",
        source in "(automatic|casemanager|partner|self|fax|)",
    ) {
        let row = NotificationRow {
            bsn, family_name: family, given_names: given, birth_date: birth,
            municipality_code: municipality, brp_status: brp, institution,
            detention_start: start, expected_release: release, sentence, source,
        };
        match row.parse() {
            Ok(n) => {
                // What is accepted holds to the rules the refusals name.
                prop_assert!(!n.family_name.trim().is_empty());
                prop_assert!(text::disallowed_char(&n.family_name).is_none());
                if let Some(release) = n.expected_release {
                    prop_assert!(release >= n.detention_start);
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}

/// A date as an import may give it: ISO, Dutch, empty, or not a date.
fn date_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (2000i32..2030, 1u8..=12, 1u8..=31).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (2000i32..2030, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| format!("{d:02}-{m:02}-{y:04}")),
        Just(String::new()),
        messy(),
    ]
}

proptest! {
    #[test]
    fn a_nearly_valid_row_keeps_to_the_rules_when_it_is_accepted(
        bsn in prop::sample::select(vec!["691967301", "341436239", "562930036", "177910586", "111222333", ""]),
        family in messy(), birth in date_text(), start in date_text(), release in date_text(),
    ) {
        let row = NotificationRow {
            bsn: bsn.into(), family_name: family, given_names: "Anna".into(), birth_date: birth,
            municipality_code: "1783".into(), brp_status: "registered".into(), institution: "PI Vught".into(),
            detention_start: start, expected_release: release, sentence: "prison_sentence".into(),
            source: "automatic".into(),
        };
        if let Ok(n) = row.parse() {
            prop_assert!(!n.family_name.trim().is_empty());
            prop_assert!(text::disallowed_char(&n.family_name).is_none());
            if let Some(release) = n.expected_release {
                prop_assert!(release >= n.detention_start);
            }
            if let Some(birth) = n.birth_date {
                prop_assert!(birth <= n.detention_start);
            }
        }
    }
}
