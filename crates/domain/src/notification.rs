//! A notification (melding): the signal that a resident entered detention, validated at
//! the edge so that nothing invalid enters the core.

use crate::bsn::{Bsn, BsnError};
use crate::dates::{DateError, parse_optional_date};
use time::Date;

/// A CBS municipality code: four digits, e.g. 1783 for Westland. It reads as the `&str`
/// of its digits (so it passes where a query binds a code) and binds as text. Made from
/// input only by [`MunicipalityCode::parse`] (also when deserialised); read back from the
/// database as stored, where every code was parsed on the way in.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
pub struct MunicipalityCode(#[serde(deserialize_with = "code_from_text")] String);

fn code_from_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let text = <String as serde::Deserialize>::deserialize(d)?;
    MunicipalityCode::parse(&text)
        .map(|c| c.0)
        .map_err(serde::de::Error::custom)
}

impl std::ops::Deref for MunicipalityCode {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for MunicipalityCode {
    type Err = RowError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MunicipalityCode::parse(s)
    }
}

impl PartialEq<str> for MunicipalityCode {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for MunicipalityCode {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for MunicipalityCode {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl PartialEq<MunicipalityCode> for String {
    fn eq(&self, other: &MunicipalityCode) -> bool {
        *self == other.0
    }
}

impl MunicipalityCode {
    /// Accepts `1783`, `GM1783`, ` gm1783 `, and codes with their leading zeros dropped.
    pub fn parse(input: &str) -> Result<MunicipalityCode, RowError> {
        let trimmed = input.trim();
        let digits = trimmed
            .strip_prefix("GM")
            .or_else(|| trimmed.strip_prefix("gm"))
            .or_else(|| trimmed.strip_prefix("Gm"))
            .unwrap_or(trimmed)
            .trim();
        if digits.is_empty() || digits.len() > 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(RowError::Municipality(trimmed.to_string()));
        }
        Ok(MunicipalityCode(format!("{digits:0>4}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for MunicipalityCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

code_enum! {
    /// The resident's registration in the population register (BRP).
    BrpStatus {
        Registered = "registered" => "Ingeschreven",
        RecentlyDeregistered = "recently_deregistered" => "Recent uitgeschreven",
        NotRegistered = "not_registered" => "Niet ingeschreven",
    }
}

code_enum! {
    /// The kind of title for the detention.
    Sentence {
        PrisonSentence = "prison_sentence" => "Gevangenisstraf",
        Pretrial = "pretrial" => "Voorlopige hechtenis",
        Other = "other" => "Anders (geen gevangenisstraf)",
    }
}

code_enum! {
    /// Who sent the notification.
    Source {
        Automatic = "automatic" => "Automatisch (justitieketen)",
        Casemanager = "casemanager" => "Casemanager van de PI",
        Partner = "partner" => "Ketenpartner",
        SelfReported = "self" => "Inwoner zelf",
    }
}

impl Source {
    /// Whether a notification from this source may come without a BSN: one from a partner
    /// or from the person, not one from the justice chain or the PI's casemanager.
    pub fn may_lack_bsn(self) -> bool {
        matches!(self, Source::Partner | Source::SelfReported)
    }
}

/// A text field of a row: JSON `null` means empty, as an absent field does.
fn text_or_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(<Option<String> as serde::Deserialize>::deserialize(d)?.unwrap_or_default())
}

// One notification row as it arrives (a CSV row, a JSON body or the web form), as text;
// `parse` makes a `Notification` of it. The API documents it as `NotificationIn`.
/// A notification entered by hand or posted by a client; the import format's fields.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = NotificationIn))]
#[serde(default)]
pub struct NotificationRow {
    /// Citizen service number; must pass the eleven-test. May be empty in a notification
    /// from a partner or the person (source `partner` or `self`): the resident then gets
    /// a provisional identity until a coordinator records the BSN.
    #[cfg_attr(feature = "openapi", schema(example = "691967301"))]
    #[serde(deserialize_with = "text_or_null")]
    pub bsn: String,
    #[serde(deserialize_with = "text_or_null")]
    pub family_name: String,
    #[serde(deserialize_with = "text_or_null")]
    pub given_names: String,
    /// YYYY-MM-DD or DD-MM-YYYY.
    #[serde(deserialize_with = "text_or_null")]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub birth_date: String,
    /// CBS code of the last address before detention, e.g. 1783 or GM1783.
    #[serde(deserialize_with = "text_or_null")]
    pub municipality_code: String,
    /// registered | recently_deregistered | not_registered | empty (unknown)
    #[serde(deserialize_with = "text_or_null")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::or_empty_schema::<BrpStatus>))]
    pub brp_status: String,
    #[serde(deserialize_with = "text_or_null")]
    pub institution: String,
    /// YYYY-MM-DD or DD-MM-YYYY.
    #[serde(deserialize_with = "text_or_null")]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub detention_start: String,
    /// YYYY-MM-DD or DD-MM-YYYY; empty when unknown.
    #[serde(deserialize_with = "text_or_null")]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub expected_release: String,
    /// prison_sentence | pretrial | other | empty (unknown)
    #[serde(deserialize_with = "text_or_null")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::or_empty_schema::<Sentence>))]
    pub sentence: String,
    /// automatic | casemanager | partner | self; empty is automatic
    #[serde(deserialize_with = "text_or_null")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::or_empty_schema::<Source>))]
    pub source: String,
}

/// A validated notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// `None`: a notification from a partner or the person that did not know it; the
    /// resident then gets a provisional identity until a coordinator records the BSN.
    pub bsn: Option<Bsn>,
    pub family_name: String,
    pub given_names: String,
    pub birth_date: Option<Date>,
    pub municipality_code: Option<MunicipalityCode>,
    pub brp_status: Option<BrpStatus>,
    pub institution: String,
    pub detention_start: Date,
    pub expected_release: Option<Date>,
    pub sentence: Option<Sentence>,
    pub source: Source,
}

/// Why a notification row is refused. The message is Dutch: it reaches the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    #[error(transparent)]
    Bsn(#[from] BsnError),
    #[error("{field}: {source}")]
    Date {
        field: &'static str,
        source: DateError,
    },
    #[error("begindatum detentie ontbreekt")]
    MissingDetentionStart,
    #[error("achternaam ontbreekt")]
    MissingFamilyName,
    #[error("verwachte vrijlating ({release}) ligt vóór de begindatum van de detentie ({start})")]
    ReleaseBeforeStart { start: String, release: String },
    #[error("geboortedatum ({0}) ligt in de toekomst of na de begindatum van de detentie")]
    BirthAfterStart(String),
    #[error("gemeentecode '{0}' is geen CBS-code van vier cijfers")]
    Municipality(String),
    #[error("{field} '{value}' is onbekend; toegestaan: {allowed}")]
    Code {
        field: &'static str,
        value: String,
        allowed: String,
    },
    #[error("{field} is te lang (hoogstens {max} tekens)")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} bevat {}", crate::text::describe(*.character))]
    Disallowed {
        field: &'static str,
        character: char,
    },
}

const MAX_TEXT: usize = 200;

fn text(field: &'static str, value: &str) -> Result<String, RowError> {
    if let Some(character) = crate::text::disallowed_char(value) {
        return Err(RowError::Disallowed { field, character });
    }
    let value = value.trim();
    if value.chars().count() > MAX_TEXT {
        return Err(RowError::TooLong {
            field,
            max: MAX_TEXT,
        });
    }
    Ok(value.to_string())
}

fn date(field: &'static str, value: &str) -> Result<Option<Date>, RowError> {
    parse_optional_date(value).map_err(|source| RowError::Date { field, source })
}

fn optional_code<T>(
    field: &'static str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    allowed: fn() -> String,
) -> Result<Option<T>, RowError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    parse(value).map(Some).ok_or_else(|| RowError::Code {
        field,
        value: value.trim().to_string(),
        allowed: allowed(),
    })
}

impl NotificationRow {
    /// Validates the row. Unknown facts (empty sentence, release, BRP status) stay unknown:
    /// eligibility decides what they mean.
    pub fn parse(&self) -> Result<Notification, RowError> {
        let source = optional_code("bron", &self.source, Source::parse, Source::codes_list)?
            .unwrap_or(Source::Automatic);
        // The justice chain always knows the BSN; a partner or the person may not.
        let bsn = match self.bsn.trim() {
            "" if source.may_lack_bsn() => None,
            _ => Some(Bsn::parse(&self.bsn)?),
        };
        let family_name = text("achternaam", &self.family_name)?;
        if family_name.is_empty() {
            return Err(RowError::MissingFamilyName);
        }
        let detention_start = match date("begindatum detentie", &self.detention_start)? {
            Some(d) => d,
            None => return Err(RowError::MissingDetentionStart),
        };
        let expected_release = date("verwachte vrijlating", &self.expected_release)?;
        let birth_date = date("geboortedatum", &self.birth_date)?;
        if let Some(release) = expected_release
            && release < detention_start
        {
            return Err(RowError::ReleaseBeforeStart {
                start: crate::format_nl(detention_start),
                release: crate::format_nl(release),
            });
        }
        if let Some(birth) = birth_date
            && birth > detention_start
        {
            return Err(RowError::BirthAfterStart(crate::format_nl(birth)));
        }
        let municipality_code = if self.municipality_code.trim().is_empty() {
            None
        } else {
            Some(MunicipalityCode::parse(&self.municipality_code)?)
        };
        Ok(Notification {
            bsn,
            family_name,
            given_names: text("voornamen", &self.given_names)?,
            birth_date,
            municipality_code,
            brp_status: optional_code(
                "BRP-status",
                &self.brp_status,
                BrpStatus::parse,
                BrpStatus::codes_list,
            )?,
            institution: text("inrichting", &self.institution)?,
            detention_start,
            expected_release,
            sentence: optional_code(
                "vonnis",
                &self.sentence,
                Sentence::parse,
                Sentence::codes_list,
            )?,
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn row() -> NotificationRow {
        NotificationRow {
            bsn: "691967301".into(),
            family_name: "van den Berg".into(),
            given_names: "Anna".into(),
            birth_date: "1992-02-14".into(),
            municipality_code: "1783".into(),
            brp_status: "registered".into(),
            institution: "PI Haaglanden".into(),
            detention_start: "2026-02-10".into(),
            expected_release: "2026-06-10".into(),
            sentence: "prison_sentence".into(),
            source: "automatic".into(),
        }
    }

    /// `row()` with `change` made to it, parsed.
    fn parse_changed(change: impl FnOnce(&mut NotificationRow)) -> Result<Notification, RowError> {
        let mut r = row();
        change(&mut r);
        r.parse()
    }

    /// The message `row()` with `change` made to it is refused with.
    fn refusal(change: impl FnOnce(&mut NotificationRow)) -> String {
        parse_changed(change).unwrap_err().to_string()
    }

    #[test]
    fn a_complete_row_parses() {
        let n = row().parse().unwrap();
        assert_eq!(n.detention_start, date!(2026 - 02 - 10));
        assert_eq!(n.municipality_code.unwrap().as_str(), "1783");
        assert_eq!(n.sentence, Some(Sentence::PrisonSentence));
    }

    #[test]
    fn municipality_codes_accept_prefix_and_spaces() {
        for input in ["GM1783", " gm1783 ", "1783 ", " GM 1783"] {
            assert_eq!(
                MunicipalityCode::parse(input).unwrap().as_str(),
                "1783",
                "{input}"
            );
        }
        assert_eq!(MunicipalityCode::parse("363").unwrap().as_str(), "0363");
        assert!(MunicipalityCode::parse("Westland").is_err());
        assert!(MunicipalityCode::parse("17830").is_err());
    }

    #[test]
    fn release_before_start_is_refused_but_the_same_day_is_not() {
        let mut r = row();
        r.expected_release = "2026-02-09".into();
        assert!(matches!(
            r.parse(),
            Err(RowError::ReleaseBeforeStart { .. })
        ));
        r.expected_release = "2026-02-10".into();
        assert!(r.parse().is_ok());
    }

    #[test]
    fn impossible_dates_and_unknown_codes_are_refused_with_the_field() {
        let birth = refusal(|r| r.birth_date = "1992-02-30".into());
        assert!(birth.starts_with("geboortedatum"), "{birth}");
        let sentence = refusal(|r| r.sentence = "life".into());
        assert!(sentence.contains("prison_sentence"), "{sentence}");
    }

    #[test]
    fn empty_facts_stay_unknown() {
        let mut r = row();
        r.sentence = String::new();
        r.expected_release = " ".into();
        r.source = String::new();
        let n = r.parse().unwrap();
        assert_eq!(
            (n.sentence, n.expected_release, n.source),
            (None, None, Source::Automatic)
        );
    }

    #[test]
    fn invisible_and_control_characters_in_names_are_refused_with_the_field() {
        assert_eq!(
            refusal(|r| r.family_name = "\u{0}".into()),
            "achternaam bevat een onzichtbaar teken of stuurteken (U+0000)"
        );
        assert_eq!(
            refusal(|r| r.given_names = "Jan\u{202E}".into()),
            "voornamen bevat een onzichtbaar teken of stuurteken (U+202E)"
        );
        assert_eq!(
            refusal(|r| r.institution = "PI\u{200B}Haaglanden".into()),
            "inrichting bevat een onzichtbaar teken of stuurteken (U+200B)"
        );
    }

    #[test]
    fn missing_bsn_and_start_are_refused() {
        assert_eq!(
            parse_changed(|r| r.bsn = String::new()),
            Err(RowError::Bsn(BsnError::Missing))
        );
        assert_eq!(
            parse_changed(|r| r.source = "casemanager".into()).map(|n| n.bsn.is_some()),
            Ok(true)
        );
        for source in ["partner", "self"] {
            let n = parse_changed(|r| {
                r.bsn = " ".into();
                r.source = source.into();
            });
            assert_eq!(n.map(|n| n.bsn), Ok(None), "{source} may not know the BSN");
        }
        assert_eq!(
            parse_changed(|r| {
                r.bsn = "12345".into();
                r.source = "partner".into();
            }),
            Err(RowError::Bsn(BsnError::Format("12345".into())))
        );
        assert_eq!(
            parse_changed(|r| r.detention_start = String::new()),
            Err(RowError::MissingDetentionStart)
        );
    }
}
