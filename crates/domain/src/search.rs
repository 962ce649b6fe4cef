//! Search keys for names: what a coordinator types should find "van den Berg" and "Öztürk".

/// Dutch name particles (tussenvoegsels) that a search may leave out.
const PARTICLES: &[&str] = &[
    "van", "von", "de", "den", "der", "het", "ter", "ten", "te", "la", "le", "du", "d", "in", "t",
    "op", "aan", "'t", "'s",
];

fn fold(c: char) -> Option<char> {
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
            'a'
        }
        'ç' | 'ć' | 'č' | 'Ç' | 'Ć' | 'Č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ı' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'İ' => 'i',
        'ñ' | 'ń' | 'Ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        'ş' | 'š' | 'ś' | 'Ş' | 'Š' | 'Ś' => 's',
        'ğ' | 'Ğ' => 'g',
        'ž' | 'ź' | 'ż' | 'Ž' => 'z',
        'ł' | 'Ł' => 'l',
        'ß' => 's',
        c if c.is_alphanumeric() => c.to_lowercase().next().unwrap_or(c),
        ' ' | '-' | '\'' => ' ',
        _ => return None,
    };
    Some(folded)
}

/// The key a name is found by: lower case, without diacritics, without leading particles.
/// "van den Berg" → "berg", "Öztürk" → "ozturk", "Berg-de Vries" → "berg de vries".
pub fn search_key(name: &str) -> String {
    let folded: String = name.chars().filter_map(fold).collect();
    let words: Vec<&str> = folded.split_whitespace().collect();
    let first = words
        .iter()
        .position(|w| !PARTICLES.contains(w))
        .unwrap_or(0);
    words[first..].join(" ")
}

/// The smallest string greater than every string starting with `prefix`, so that a prefix
/// search is the index-friendly range `key >= prefix AND key < upper`.
pub fn prefix_upper_bound(prefix: &str) -> String {
    let mut s = prefix.to_string();
    s.push(char::MAX);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn particles_and_diacritics_do_not_matter() {
        assert_eq!(search_key("van den Berg"), "berg");
        assert_eq!(search_key("Öztürk"), "ozturk");
        assert_eq!(search_key("  De   Vries "), "vries");
        assert_eq!(search_key("Berg-de Vries"), "berg de vries");
        assert_eq!(search_key("van"), "van");
        assert_eq!(search_key("Şahin"), "sahin");
    }

    #[test]
    fn the_upper_bound_follows_every_extension_of_the_prefix() {
        let upper = prefix_upper_bound("berg");
        assert!("berg" < upper.as_str() && "bergen" < upper.as_str() && "berh" > upper.as_str());
    }
}
