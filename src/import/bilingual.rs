//! A parallel bilingual document (a Welsh public body's pack): every criterion, heading,
//! mark and method is printed twice, in Welsh and in English – side by side in two table
//! columns, one above the other in the same cell (`Welsh<br>English`), or one paragraph
//! after the other. Read as it is, each criterion comes twice (or as one description
//! holding both languages), and Welsh codes clash with English ones (Welsh `C` Cyfweliad
//! is an interview, English `C` certificates). The text form is rewritten to its English
//! side, which the readers already understand: a cell holding a Welsh part and an English
//! part keeps the English part; a row of a Welsh cell beside an English cell keeps the
//! English cell (alone on a row of one column, so the table is still read as a table); a
//! Welsh-only paragraph or bullet goes; a table header naming the two
//! languages ("Cymraeg | English") goes.
//!
//! Bilingual labels written on one line ("Profiad / Experience", "Hanfodol / Essential")
//! are left as they are: holdout3's `welsh-bilingual` packs print only those, each
//! criterion once in English, and the readers already take them.
//!
//! Only a document that prints criteria in both languages is rewritten: it must hold at
//! least [`MIN_WELSH_SENTENCES`] Welsh sentences (segments of three or more words whose
//! words are mostly Welsh: function words such as "yn", "y", "gyda", "neu", "a'r",
//! common words such as "profiad", "gwybodaeth", "hanfodol", and Welsh spellings such as
//! a `w` between consonants or a word ending in "-aeth"), each printed beside or after
//! English. An English document does not print Welsh sentences, so it is left as it is.
//! Linear in the text: every line is split into cells and words once.

use std::borrow::Cow;

/// How many Welsh sentences, each paired with English, make a document parallel bilingual.
const MIN_WELSH_SENTENCES: usize = 4;

/// The text with its Welsh side dropped (see the module's comment); the text as it is
/// when it is not a parallel bilingual document.
pub fn english_side(text: &str) -> Cow<'_, str> {
    if !is_parallel(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if let Some(kept) = rewritten(line) {
            out.push_str(&kept);
            out.push('\n');
        }
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    Cow::Owned(out)
}

/// Whether the text prints at least [`MIN_WELSH_SENTENCES`] Welsh sentences each paired
/// with English: in the same cell, in the next cell of a two-cell row, or as a Welsh
/// paragraph followed (past blank lines) by an English one.
fn is_parallel(text: &str) -> bool {
    let mut pairs = 0;
    // The last non-blank paragraph line was a Welsh sentence.
    let mut welsh_before = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        match row_cells(line) {
            Some(cells) => {
                welsh_before = false;
                let filled: Vec<&str> = cells.iter().copied().filter(|c| has_text(c)).collect();
                if filled.len() == 2 && welsh_sentence(filled[0]) != welsh_sentence(filled[1]) {
                    let (w, e) = if welsh_sentence(filled[0]) {
                        (filled[0], filled[1])
                    } else {
                        (filled[1], filled[0])
                    };
                    if welsh_sentence(w) && english_sentence(e) {
                        pairs += 1;
                    }
                }
                pairs += cells
                    .iter()
                    .filter(|c| {
                        split_pair(c).is_some_and(|(w, e)| welsh_sentence(w) && english_sentence(e))
                    })
                    .count();
            }
            None => {
                let body = plain(trimmed);
                if welsh_before && english_sentence(&body) {
                    pairs += 1;
                }
                welsh_before = welsh_sentence(&body);
            }
        }
        if pairs >= MIN_WELSH_SENTENCES {
            return true;
        }
    }
    false
}

/// A line of the text form rewritten to its English side; `None` to drop it.
fn rewritten(line: &str) -> Option<String> {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return Some(line.to_string());
    }
    let Some(cells) = row_cells(line) else {
        // A Welsh paragraph or bullet goes; a heading stays (it may head English text).
        if !trimmed.starts_with('#') && welsh_only(trimmed) && words(trimmed).count() >= 2 {
            return None;
        }
        return Some(line.to_string());
    };
    let filled: Vec<&str> = cells.iter().copied().filter(|c| has_text(c)).collect();
    // "Cymraeg | English": the header of two language columns.
    if filled.len() == 2 && filled.iter().all(|c| language_name(c)) {
        return None;
    }
    // A Welsh cell beside its English translation: the English cell alone.
    if filled.len() == 2 && welsh_only(filled[0]) != welsh_only(filled[1]) {
        let english = if welsh_only(filled[0]) {
            filled[1]
        } else {
            filled[0]
        };
        return Some(format!("{}\t", english.trim()));
    }
    let pipe = line.trim_start().starts_with('|');
    let kept: Vec<Cow<'_, str>> = cells
        .iter()
        .map(|cell| match split_pair(cell) {
            Some((w, e)) if welsh_only(w) && !is_welsh(&plain(e)) => {
                Cow::Owned(format!(" {} ", e.trim()))
            }
            _ => Cow::Borrowed(*cell),
        })
        .collect();
    let joined = kept.join(if pipe { "|" } else { "\t" });
    Some(joined)
}

/// A table row's cells, tab-separated or between pipes (the outer pipes give empty
/// cells at both ends, kept so the row joins back as it was).
fn row_cells(line: &str) -> Option<Vec<&str>> {
    if line.contains('\t') {
        return Some(line.split('\t').collect());
    }
    let t = line.trim();
    (t.starts_with('|') && t.ends_with('|') && t.len() > 1).then(|| line.split('|').collect())
}

/// A cell holding two parts one above the other (`A<br>B`, `<p>A</p><p>B</p>`): the two.
fn split_pair(cell: &str) -> Option<(&str, &str)> {
    for sep in ["<br>", "<br/>", "<br />", "</p><p>"] {
        if let Some((a, b)) = cell.split_once(sep) {
            if !b.contains(sep) && has_text(a) && has_text(b) {
                return Some((a, b));
            }
            return None;
        }
    }
    None
}

fn has_text(cell: &str) -> bool {
    plain(cell).chars().any(char::is_alphanumeric)
}

/// The text without its tags and markdown marks.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if in_tag => {}
            '*' | '_' | '#' | '|' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn language_name(cell: &str) -> bool {
    let p = plain(cell).trim().to_lowercase();
    matches!(
        p.as_str(),
        "cymraeg" | "english" | "saesneg" | "welsh" | "yn gymraeg" | "in english"
    )
}

/// The words of a text, lower case, without the punctuation around them, with a curly
/// apostrophe as a straight one.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split_whitespace().filter_map(|w| {
        let w = w
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
            .trim_matches(|c| c == '\'' || c == '’')
            .replace('’', "'")
            .to_lowercase();
        (!w.is_empty() && w.chars().any(char::is_alphabetic)).then_some(w)
    })
}

/// (Welsh words, English words) of a text; words of both or neither count for neither.
fn counts(text: &str) -> (usize, usize) {
    words(text).fold((0, 0), |(w, e), word| {
        (
            w + usize::from(welsh_word(&word)),
            e + usize::from(english_word(&word)),
        )
    })
}

/// Mostly Welsh: some Welsh words and more than twice as many as English ones (a Welsh
/// sentence may name "Microsoft Office" or "DBS").
fn is_welsh(text: &str) -> bool {
    let (w, e) = counts(text);
    w > 0 && w > 2 * e
}

/// Welsh text alone, not a bilingual label ("Oriau / Hours"), which is kept whole.
fn welsh_only(text: &str) -> bool {
    let p = plain(text);
    !p.contains(" / ") && is_welsh(&p)
}

/// A Welsh sentence: three words or more, mostly Welsh, not a bilingual label ("Profiad /
/// Experience").
fn welsh_sentence(cell: &str) -> bool {
    welsh_only(cell) && words(&plain(cell)).count() >= 3
}

/// An English sentence: three words or more, more English words than Welsh.
fn english_sentence(cell: &str) -> bool {
    let p = plain(cell);
    let (w, e) = counts(&p);
    words(&p).count() >= 3 && e > w
}

/// Welsh function words and the words of a person specification, none of them English.
const WELSH_WORDS: &[&str] = &[
    "ac",
    "ag",
    "ar",
    "y",
    "yr",
    "yn",
    "yng",
    "ym",
    "o",
    "gyda",
    "neu",
    "mae",
    "bod",
    "ei",
    "eu",
    "ein",
    "eich",
    "fel",
    "gan",
    "dros",
    "drwy",
    "trwy",
    "wedi",
    "sydd",
    "sy",
    "pob",
    "hon",
    "hwn",
    "hyn",
    "ond",
    "hefyd",
    "ddim",
    "nid",
    "nad",
    "pan",
    "rhaid",
    "bydd",
    "fydd",
    "mewn",
    "tuag",
    "ati",
    "arnynt",
    "dan",
    "gyfer",
    "cyn",
    "er",
    "mwyn",
    "rhwng",
    "iawn",
    "hanfodol",
    "dymunol",
    "ddymunol",
    "profiad",
    "gwybodaeth",
    "sgiliau",
    "cymwysterau",
    "ffurflen",
    "gais",
    "cais",
    "cyfweliad",
    "tystysgrif",
    "tystysgrifau",
    "cyflwyniad",
    "ymarfer",
    "ysgrifenedig",
    "gallu",
    "dealltwriaeth",
    "cymraeg",
    "gymraeg",
    "saesneg",
    "swydd",
    "gwaith",
    "arall",
    "allwedd",
    "dull",
    "asesu",
    "cyflogi",
    "parodrwydd",
    "lefel",
    "tai",
    "cartrefi",
    "gweithio",
    "ymgeiswyr",
    "rhestr",
    "fer",
];

/// Common English words (and a specification's own words) that are not Welsh.
const ENGLISH_WORDS: &[&str] = &[
    "the",
    "and",
    "of",
    "to",
    "in",
    "for",
    "with",
    "or",
    "is",
    "are",
    "be",
    "will",
    "your",
    "you",
    "we",
    "our",
    "on",
    "by",
    "as",
    "this",
    "that",
    "an",
    "from",
    "who",
    "have",
    "has",
    "can",
    "must",
    "able",
    "experience",
    "knowledge",
    "skills",
    "ability",
    "understanding",
    "essential",
    "desirable",
    "application",
    "form",
    "interview",
    "certificates",
    "certificate",
    "presentation",
    "written",
    "exercise",
    "test",
    "post",
    "work",
    "working",
    "employment",
    "including",
    "other",
    "qualification",
    "qualifications",
    "use",
    "their",
    "not",
    "all",
    "any",
    "would",
    "should",
    "may",
    "how",
    "key",
    "method",
    "assessment",
    "criterion",
    "criteria",
    "evidence",
    "good",
    "excellent",
];

/// A Welsh word: listed, or spelt as only Welsh is – a `w` or `y` between consonants
/// after a consonant ("gwybodaeth", "cwm", "swydd"), a mutation or digraph opening the
/// word ("ll", "ff", "dd", "ngh", "mh"), an ending "-aeth", "-ydd", "-iau"/"-au", a
/// circumflexed w or y, or a clipped "'n", "'r", "'w" ("sy'n", "a'r", "i'w").
fn welsh_word(word: &str) -> bool {
    if WELSH_WORDS.contains(&word) || word == "â" {
        return true;
    }
    if word.contains(['ŵ', 'ŷ']) {
        return true;
    }
    if ["'n", "'r", "'w"].iter().any(|s| word.ends_with(s)) && word.len() > 2 {
        return true;
    }
    if ["ll", "ff", "dd", "ngh", "mh"]
        .iter()
        .any(|p| word.starts_with(p) && word.len() > p.len() + 1)
    {
        return true;
    }
    if word.ends_with("aeth")
        || word.ends_with("ydd")
        || (word.len() >= 5 && word.ends_with("au") && !word.ends_with("eau"))
    {
        return true;
    }
    let consonant = |c: char| c.is_ascii_alphabetic() && !"aeiouwy".contains(c);
    let b = word.as_bytes();
    b.windows(3).any(|w| {
        consonant(w[0] as char) && w[1] == b'w' && (consonant(w[2] as char) || w[2] == b'y')
    })
}

fn english_word(word: &str) -> bool {
    ENGLISH_WORDS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_of_welsh_above_english_keeps_the_english() {
        let text = "| Maen prawf / Criterion | Hanfodol neu Ddymunol / Essential or Desirable |\n\
            | Profiad / Experience |\n\
            | Profiad o weithio gyda phobl ifanc<br>Experience of working with young people | Hanfodol<br>Essential |\n\
            | Gwybodaeth am y maes tai yng Nghymru<br>Knowledge of housing in Wales | Dymunol<br>Desirable |\n\
            | Gallu ysgrifennu llythyrau clir a'r nodiadau<br>Ability to write clear letters | Hanfodol<br>Essential |\n\
            | Parodrwydd i weithio gyda'r nos<br>Willingness to work in the evenings | Hanfodol<br>Essential |\n\
            \n\
            Mae'r swydd yn amodol ar wiriad DBS sylfaenol.\n\
            \n\
            The post is subject to a basic DBS check.\n";
        let out = english_side(text);
        assert!(out.contains("| Experience of working with young people | Essential |"));
        assert!(out.contains("| Knowledge of housing in Wales | Desirable |"));
        assert!(out.contains("| Profiad / Experience |"));
        assert!(!out.contains("Mae'r swydd"));
        assert!(out.contains("The post is subject to a basic DBS check."));
    }

    #[test]
    fn a_row_of_welsh_beside_english_keeps_the_english_cell() {
        let text = "<p><b>Cymraeg</b></p>\t<p><b>English</b></p>\n\
            <p><b>Profiad</b></p>\t<p><b>Experience</b></p>\n\
            <p>Profiad o drefnu digwyddiadau cymunedol (H) [Ff/C]</p>\t<p>Experience of organising community events (E) [AF/I]</p>\n\
            <p>Profiad o weithio mewn llywodraeth leol (D) [Ff]</p>\t<p>Experience of working in local government (D) [AF]</p>\n\
            <p>Gallu ysgrifennu mewn iaith glir ar gyfer y cyhoedd (H) [Ff]</p>\t<p>Ability to write in plain language for the public (E) [AF]</p>\n\
            <p>Parodrwydd i weithio gyda'r nos ac ar benwythnosau (H) [C]</p>\t<p>Willingness to work evenings and weekends (E) [I]</p>\n";
        let text =
            format!("<p>Oriau / Hours</p>\t<p>37 awr yr wythnos / 37 hours a week</p>\n{text}");
        let out = english_side(&text);
        assert!(out.starts_with("<p>Oriau / Hours</p>\t<p>37 awr"));
        assert!(!out.contains("Cymraeg"));
        assert!(!out.contains("Profiad"));
        assert!(out.contains("<p>Experience of organising community events (E) [AF/I]</p>\t\n"));
        assert!(out.contains("<p><b>Experience</b></p>\t\n"));
    }

    #[test]
    fn english_documents_and_bilingual_labels_are_left_as_they_are() {
        let english = "## Person specification\n\n| Criterion | Essential or Desirable |\n\
            | Experience of working with young people | Essential |\n\
            | Knowledge of the Renting Homes (Wales) Act 2016 | Essential |\n\
            | Ability to drive<br>Full licence held | Essential |\n\
            \nYou may apply in Welsh or English.\n";
        assert!(matches!(english_side(english), Cow::Borrowed(_)));
        // Holdout3's bilingual labels: each criterion printed once, in English.
        let labels = "<b>Profiad / Experience</b>\t\n\
            Experience of giving advice to the public\tHanfodol / Essential\tFfurflen gais / Application form\n\
            Experience of maintaining a database\tHanfodol / Essential\tCyfweliad / Interview\n\
            Gallwch wneud cais yn Gymraeg neu yn Saesneg / You may apply in Welsh or English.\n";
        assert!(matches!(english_side(labels), Cow::Borrowed(_)));
    }

    #[test]
    fn welsh_words_are_told_from_english_ones() {
        for w in [
            "gwybodaeth",
            "swydd",
            "cwm",
            "llwyth",
            "sy'n",
            "a'r",
            "hanfodol",
            "systemau",
        ] {
            assert!(welsh_word(w), "{w}");
        }
        for w in [
            "knowledge",
            "always",
            "lawyer",
            "address",
            "skills",
            "bureau",
            "answer",
            "the",
        ] {
            assert!(!welsh_word(w), "{w}");
        }
    }

    #[test]
    fn hostile_input_is_read_in_linear_time() {
        // A huge document of Welsh-above-English cells and separators alone.
        let row = "| Profiad o weithio gyda'r nos<br>Experience of working at night | Hanfodol<br>Essential |\n";
        let text = row.repeat(20_000);
        let out = english_side(&text);
        assert_eq!(out.lines().count(), 20_000);
        assert!(out
            .lines()
            .all(|l| l.contains("Experience of working at night")));
        let junk = "<br><br>|\t<p></p><p>|".repeat(50_000);
        let _ = english_side(&junk);
        let unclosed = format!("{}\n", "<".repeat(100_000));
        assert!(matches!(english_side(&unclosed), Cow::Borrowed(_)));
    }
}
