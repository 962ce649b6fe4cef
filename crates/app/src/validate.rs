//! Checks on free input that many use cases share, with Dutch messages.

use crate::Result;
use crate::error::{Error, invalid};
use nazorg_domain::format_nl;
use time::Date;

/// Trims a text and checks its length and characters (`nazorg_domain::text`); `required`
/// refuses an empty one.
pub(crate) fn text(field: &'static str, value: &str, max: usize, required: bool) -> Result<String> {
    let refused = |message: String| Error::InvalidText { field, message };
    if let Some(refusal) = nazorg_domain::text::refusal(field, value) {
        return Err(refused(refusal));
    }
    let value = value.trim();
    if required && value.is_empty() {
        return Err(refused(format!("Vul {field} in.")));
    }
    if value.chars().count() > max {
        return Err(refused(format!(
            "{field} is te lang (hoogstens {max} tekens)."
        )));
    }
    Ok(value.to_string())
}

/// Refuses a date after today (in the Netherlands).
pub(crate) fn not_future(field: &str, date: Date) -> Result<()> {
    if date > crate::today() {
        return Err(invalid(format!(
            "{field} ({}) ligt in de toekomst.",
            format_nl(date)
        )));
    }
    Ok(())
}

/// Refuses a period that ends before it begins.
pub(crate) fn period(from: Date, to: Date) -> Result<()> {
    if from > to {
        return Err(invalid(format!(
            "De periode begint ({}) na het einde ({}).",
            format_nl(from),
            format_nl(to)
        )));
    }
    Ok(())
}
