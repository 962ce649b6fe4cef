//! Calendar dates as users write and read them.

use time::{Date, Month, format_description::BorrowedFormatItem, macros::format_description};

const ISO: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");
const NL: &[BorrowedFormatItem<'static>] = format_description!("[day]-[month]-[year]");

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("datum '{0}' bestaat niet of heeft niet de vorm JJJJ-MM-DD of DD-MM-JJJJ")]
    Invalid(String),
}

/// Parses `YYYY-MM-DD` or `DD-MM-YYYY`, the two documented forms (not 12/03/2026, which
/// could be read either way round); impossible dates such as 31-02-2026 are refused.
pub fn parse_date(input: &str) -> Result<Date, DateError> {
    let text = input.trim();
    let parsed = if text.len() == 10 && text.as_bytes().get(4) == Some(&b'-') {
        Date::parse(text, ISO)
    } else if text.len() == 10 && text.as_bytes().get(2) == Some(&b'-') {
        Date::parse(text, NL)
    } else {
        return Err(DateError::Invalid(input.trim().to_string()));
    };
    parsed.map_err(|_| DateError::Invalid(input.trim().to_string()))
}

/// Parses an optional date: empty means unknown.
pub fn parse_optional_date(input: &str) -> Result<Option<Date>, DateError> {
    if input.trim().is_empty() {
        Ok(None)
    } else {
        parse_date(input).map(Some)
    }
}

/// Formats a date the Dutch way: 24-11-2026.
pub fn format_nl(date: Date) -> String {
    date.format(NL).unwrap_or_default()
}

/// Formats a date as ISO 8601: 2026-11-24.
pub fn format_iso(date: Date) -> String {
    date.format(ISO).unwrap_or_default()
}

/// The same calendar day `years` years earlier (29 February becomes 28 February).
pub fn years_before(date: Date, years: u32) -> Date {
    let year = date.year() - years as i32;
    Date::from_calendar_date(year, date.month(), date.day())
        .or_else(|_| Date::from_calendar_date(year, date.month(), 28))
        .unwrap_or(date)
}

/// Serializes a date as ISO 8601 text (for `#[serde(serialize_with)]`).
pub fn serialize_iso<S: serde::Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_iso(*date))
}

/// Adds calendar months; a day that does not exist in the target month becomes the last
/// day of that month (31 May + 3 months = 31 August, 30 November + 3 months = 28/29 February).
pub fn add_months(date: Date, months: u32) -> Date {
    let total = date.year() * 12 + (date.month() as i32 - 1) + months as i32;
    let year = total.div_euclid(12);
    let month = Month::try_from((total.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, date.day().min(last)).unwrap_or(date)
}

/// The UTC offset of Dutch local time on a day (and hour, UTC): CEST (+2) from the last
/// Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC, CET (+1) otherwise.
pub fn amsterdam_offset(utc: time::PrimitiveDateTime) -> time::UtcOffset {
    let last_sunday = |month: Month| {
        let mut d = Date::from_calendar_date(
            utc.year(),
            month,
            time::util::days_in_month(month, utc.year()),
        )
        .unwrap_or(Date::MIN);
        while d.weekday() != time::Weekday::Sunday {
            d = d.previous_day().unwrap_or(d);
        }
        d.with_hms(1, 0, 0).unwrap_or(time::PrimitiveDateTime::MIN)
    };
    let summer = utc >= last_sunday(Month::March) && utc < last_sunday(Month::October);
    time::UtcOffset::from_hms(if summer { 2 } else { 1 }, 0, 0).unwrap_or(time::UtcOffset::UTC)
}

/// A Dutch local date and time as an instant.
pub fn amsterdam_to_utc(local: time::PrimitiveDateTime) -> time::OffsetDateTime {
    // Guess with the offset at that moment read as UTC; around the switch this is off by
    // at most the hour that does not exist or exists twice.
    let offset = amsterdam_offset(local - time::Duration::hours(1));
    local.assume_offset(offset).to_offset(time::UtcOffset::UTC)
}

/// An instant in Dutch local time.
pub fn to_amsterdam(at: time::OffsetDateTime) -> time::OffsetDateTime {
    let utc = at.to_offset(time::UtcOffset::UTC);
    utc.to_offset(amsterdam_offset(time::PrimitiveDateTime::new(
        utc.date(),
        utc.time(),
    )))
}

/// A moment the Dutch way, in Dutch local time to the minute: 24-11-2026 14:05.
pub fn format_nl_moment(at: time::OffsetDateTime) -> String {
    let local = to_amsterdam(at);
    format!(
        "{} {:02}:{:02}",
        format_nl(local.date()),
        local.hour(),
        local.minute()
    )
}

/// Today in the Netherlands.
pub fn today_nl() -> Date {
    to_amsterdam(time::OffsetDateTime::now_utc()).date()
}

/// Age in whole years on a given day.
pub fn age_on(birth: Date, day: Date) -> i32 {
    let mut age = day.year() - birth.year();
    if (day.month() as u8, day.day()) < (birth.month() as u8, birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_moment_is_shown_in_dutch_local_time() {
        use time::macros::datetime;
        assert_eq!(
            format_nl_moment(datetime!(2026-01-15 13:05 UTC)),
            "15-01-2026 14:05",
            "winter time: UTC+1"
        );
        assert_eq!(
            format_nl_moment(datetime!(2026-07-31 22:30 UTC)),
            "01-08-2026 00:30",
            "summer time: UTC+2, the next day already"
        );
    }

    #[test]
    fn both_date_forms_are_accepted() {
        assert_eq!(parse_date("2026-03-12"), Ok(date!(2026 - 03 - 12)));
        assert_eq!(parse_date("12-03-2026"), Ok(date!(2026 - 03 - 12)));
        // Only the two documented forms: 12/03/2026 could be read either way round.
        assert_eq!(
            parse_date(" 12/03/2026 "),
            Err(DateError::Invalid("12/03/2026".into()))
        );
    }

    #[test]
    fn impossible_and_malformed_dates_are_refused() {
        for bad in [
            "2026-02-30",
            "31-04-2026",
            "2026-13-01",
            "12-3-2026",
            "gisteren",
            "",
        ] {
            assert!(parse_date(bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(parse_date("2024-02-29"), Ok(date!(2024 - 02 - 29)));
    }

    #[test]
    fn dutch_format_is_day_month_year() {
        assert_eq!(format_nl(date!(2026 - 11 - 24)), "24-11-2026");
    }

    #[test]
    fn months_are_added_clamping_to_the_month_end() {
        assert_eq!(add_months(date!(2026 - 05 - 31), 3), date!(2026 - 08 - 31));
        assert_eq!(add_months(date!(2026 - 11 - 30), 3), date!(2027 - 02 - 28));
        assert_eq!(add_months(date!(2027 - 11 - 30), 3), date!(2028 - 02 - 29));
    }

    #[test]
    fn dutch_local_time_follows_summer_time() {
        use time::macros::datetime;
        assert_eq!(to_amsterdam(datetime!(2026-07-01 10:00 UTC)).hour(), 12);
        assert_eq!(to_amsterdam(datetime!(2026-12-01 10:00 UTC)).hour(), 11);
        // Summer time starts on Sunday 29 March 2026 at 01:00 UTC.
        assert_eq!(to_amsterdam(datetime!(2026-03-29 00:59 UTC)).hour(), 1);
        assert_eq!(to_amsterdam(datetime!(2026-03-29 01:00 UTC)).hour(), 3);
        assert_eq!(
            amsterdam_to_utc(datetime!(2026-07-01 12:00)),
            datetime!(2026-07-01 10:00 UTC)
        );
        assert_eq!(
            amsterdam_to_utc(datetime!(2026-12-01 09:30)),
            datetime!(2026-12-01 08:30 UTC)
        );
    }

    #[test]
    fn age_turns_on_the_birthday_itself() {
        assert_eq!(age_on(date!(2008 - 06 - 01), date!(2026 - 05 - 31)), 17);
        assert_eq!(age_on(date!(2008 - 06 - 01), date!(2026 - 06 - 01)), 18);
        assert_eq!(age_on(date!(2008 - 02 - 29), date!(2026 - 02 - 28)), 17);
        assert_eq!(age_on(date!(2008 - 02 - 29), date!(2026 - 03 - 01)), 18);
    }
}
