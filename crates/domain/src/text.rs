//! What free text may hold. Names, notes and reasons are read by people and stored in both
//! databases: characters that cannot be seen or that change how text around them is shown
//! are refused, the same everywhere, with a Dutch message that names the character.
//!
//! Refused: control characters other than tab, line feed and carriage return (NUL among
//! them: PostgreSQL cannot store it in text), the C1 controls, the bidirectional
//! embeddings, overrides, isolates and marks (a name could be shown reversed), and the
//! zero-width characters (two names that look the same would differ).

/// The first character of `text` that free text may not hold, if any.
pub fn disallowed_char(text: &str) -> Option<char> {
    text.chars().find(|&c| is_disallowed(c))
}

fn is_disallowed(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => false,
        c if c.is_control() => true,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' => true,
        '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}' => true,
        _ => false,
    }
}

/// How a refused character is named to the user: "een onzichtbaar teken of stuurteken
/// (U+0000)".
pub fn describe(c: char) -> String {
    format!(
        "een onzichtbaar teken of stuurteken (U+{:04X})",
        u32::from(c)
    )
}

/// The Dutch refusal of a text with such a character in `field` ("de notitie"), if it has
/// one: "De notitie bevat een onzichtbaar teken of stuurteken (U+0000); haal het weg."
pub fn refusal(field: &str, text: &str) -> Option<String> {
    let c = disallowed_char(text)?;
    let mut chars = field.chars();
    let field: String = chars
        .next()
        .into_iter()
        .flat_map(char::to_uppercase)
        .chain(chars)
        .collect();
    Some(format!("{field} bevat {}; haal het weg.", describe(c)))
}

/// The text without the characters free text may not hold: for what is looked for, not
/// stored (a search).
pub fn without_disallowed(text: &str) -> String {
    text.chars().filter(|&c| !is_disallowed(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_with_accents_lines_and_tabs_passes() {
        for ok in [
            "Zoë de Wit-Öztürk",
            "regel één\nregel twee\r\n\tingesprongen",
            "Ĳsselmonde, € 28.000,00 — “goed”",
            "مرحبا", // right-to-left script itself is fine; only the controls are not
        ] {
            assert_eq!(disallowed_char(ok), None, "{ok:?}");
        }
    }

    #[test]
    fn controls_bidi_overrides_and_zero_width_characters_are_refused() {
        for (text, c) in [
            ("Jan\u{0}", '\u{0}'),
            ("\u{7}bel", '\u{7}'),
            ("de\u{7F}", '\u{7F}'),
            ("C1\u{85}", '\u{85}'),
            ("Jan\u{202E}tiW", '\u{202E}'),
            ("\u{2066}isolaat", '\u{2066}'),
            ("Jan\u{200B}sen", '\u{200B}'),
            ("\u{FEFF}Smit", '\u{FEFF}'),
            ("Smit\u{200F}", '\u{200F}'),
        ] {
            assert_eq!(disallowed_char(text), Some(c), "{text:?}");
        }
    }

    #[test]
    fn the_refusal_names_the_field_and_the_character() {
        assert_eq!(
            refusal("De notitie", "a\u{0}b").as_deref(),
            Some("De notitie bevat een onzichtbaar teken of stuurteken (U+0000); haal het weg.")
        );
        assert_eq!(
            refusal("de reden", "\u{202E}x").as_deref(),
            Some("De reden bevat een onzichtbaar teken of stuurteken (U+202E); haal het weg.")
        );
        assert_eq!(refusal("De notitie", "gewoon"), None);
        assert_eq!(without_disallowed("Sm\u{200B}it\u{0}"), "Smit");
    }
}
