//! Methods shown as pictograms after each criterion ("… in groups 📝 💬", a "How assessed"
//! cell holding "📝 🛠"), explained by a key to the symbols ("Key to symbols: 📝 application
//! form · 💬 interview · 🛠 practical task"). A key that defines symbols is read like a key
//! of letter codes: the document's key decides what each symbol stands for, and a symbol
//! no key defines means nothing. The symbols are method marks, not part of a description.
//!
//! Each function reads one line or cell once, so the time is linear in the document.

/// A pictogram that may stand for a method: emoji and the pictographic blocks (arrows,
/// technical and miscellaneous symbols, dingbats). Ticks, crosses and boxes are
/// requirement marks, never method symbols.
pub fn is_icon(c: char) -> bool {
    let pictographic = matches!(c as u32, 0x2190..=0x2BFF | 0x1F000..=0x1FAFF);
    pictographic
        && !matches!(
            c,
            '✓' | '✔'
                | '✗'
                | '✘'
                | '☑'
                | '☐'
                | '☒'
                | '□'
                | '■'
                | '▪'
                | '●'
                | '○'
                | '◦'
                | '★'
                | '☆'
        )
}

/// Characters that dress a symbol without changing it: the emoji variation selector, the
/// text variation selector and the zero-width joiner.
fn is_dressing(c: char) -> bool {
    matches!(c, '\u{FE0F}' | '\u{FE0E}' | '\u{200D}')
}

/// A symbol as a key stores it: its pictograms without their dressing.
pub fn normalise(symbol: &str) -> String {
    symbol.chars().filter(|&c| !is_dressing(c)).collect()
}

/// `(symbol, meaning)` pairs of a key to symbols: "Key to symbols: 📝 application form ·
/// 💬 interview", "📝 = your application, 💬 = interview". Text before the first symbol
/// ("Key:") is ignored; each meaning runs to the next symbol, less the separators around
/// it. A symbol followed by no words spoils the line (it is no key).
pub fn key_pairs(line: &str) -> Vec<(String, String)> {
    let Some(first) = line.find(is_icon) else {
        return Vec::new();
    };
    let mut pairs = Vec::new();
    let mut rest = &line[first..];
    while !rest.is_empty() {
        let symbol_end = rest
            .find(|c: char| !is_icon(c) && !is_dressing(c))
            .unwrap_or(rest.len());
        let symbol = normalise(&rest[..symbol_end]);
        let after = &rest[symbol_end..];
        let end = after.find(is_icon).unwrap_or(after.len());
        let meaning = after[..end]
            .trim()
            .trim_start_matches(['=', ':', '–', '—', '-'])
            .trim()
            .trim_end_matches(['·', '•', ';', ',', '|', '.', '/'])
            .trim();
        if symbol.chars().count() != 1 || !meaning.starts_with(char::is_alphabetic) {
            return Vec::new();
        }
        pairs.push((symbol, meaning.to_string()));
        rest = &after[end..];
    }
    pairs
}

/// The symbols closing a text ("… in groups 📝 💬" → the byte index where the run starts,
/// and ["📝", "💬"]); `None` when the text ends in no symbol.
pub fn trailing(text: &str) -> Option<(usize, Vec<String>)> {
    let trimmed = text.trim_end();
    let start = trimmed
        .trim_end_matches(|c: char| is_icon(c) || is_dressing(c) || c.is_whitespace())
        .len();
    let symbols = symbols(&trimmed[start..]);
    (!symbols.is_empty()).then_some((start, symbols))
}

/// The symbols of a text made of symbols only ("📝 🛠", "📝, 💬"); `None` when anything
/// else is written there.
pub fn only(text: &str) -> Option<Vec<String>> {
    let symbols_only = text
        .chars()
        .all(|c| is_icon(c) || is_dressing(c) || c.is_whitespace() || matches!(c, ',' | '/' | '+'));
    let found = symbols(text);
    (symbols_only && !found.is_empty()).then_some(found)
}

/// Each symbol of a text, normalised.
fn symbols(text: &str) -> Vec<String> {
    text.chars()
        .filter(|&c| is_icon(c))
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_to_symbols_pairs_each_symbol_with_its_words() {
        let pairs = key_pairs("Key to symbols: 📝 application form · 💬 interview · 🛠\u{FE0F} practical task (searching)");
        assert_eq!(
            pairs,
            vec![
                ("📝".to_string(), "application form".to_string()),
                ("💬".to_string(), "interview".to_string()),
                ("🛠".to_string(), "practical task (searching)".to_string()),
            ]
        );
        assert_eq!(key_pairs("📝 = your application, 💬 = interview").len(), 2);
        assert!(key_pairs("Call us ☎ ").is_empty());
        assert!(key_pairs("No symbols here").is_empty());
    }

    #[test]
    fn trailing_symbols_are_split_from_the_text() {
        let text = "Experience of teaching adults 📝 💬";
        let (at, found) = trailing(text).unwrap();
        assert_eq!(&text[..at], "Experience of teaching adults");
        assert_eq!(found, vec!["📝", "💬"]);
        assert_eq!(trailing("Able to use Excel ✓"), None);
        assert_eq!(trailing("No symbols"), None);
    }

    #[test]
    fn a_cell_of_symbols_only() {
        assert_eq!(only("🛠 💬").unwrap(), vec!["🛠", "💬"]);
        assert_eq!(only("Interview 💬"), None);
        assert_eq!(only(""), None);
    }
}
