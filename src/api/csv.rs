//! RFC 4180 CSV for spreadsheet users.

/// One field: control characters other than TAB, CR and LF removed (an ESC or a NUL
/// would reach a terminal or a parser that the reader never sees), quoted when it
/// holds a comma, quote or line break (quotes doubled), and prefixed with `'` when it
/// starts like a formula, so a spreadsheet shows the text instead of running it (CSV
/// injection). Only a plain decimal number may start with `+` or `-` unguarded: not
/// `-inf` or `+NaN`, which Rust would parse as numbers.
pub fn field(text: &str) -> String {
    let clean: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\r' | '\n'))
        .collect();
    let guarded = if clean.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_plain_number(&clean)
    {
        format!("'{clean}")
    } else {
        clean
    };
    if guarded.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// `[+-]digits[.digits][e[+-]digits]` (or `.digits`), in ASCII: a number every
/// spreadsheet reads as one, with no words like `inf` or `NaN` in it.
fn is_plain_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (digits(whole) || whole.is_empty())
                && (digits(fraction) || fraction.is_empty())
                && !(whole.is_empty() && fraction.is_empty())
        }
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

/// The request asks for CSV (`Accept: text/csv`, alone or in a list).
pub fn wants_csv(req: &actix_web::HttpRequest) -> bool {
    req.headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim().starts_with("text/csv")))
}

/// A CSV download: `text/csv` with a file name made safe for the header.
pub fn attachment(filename: &str, body: String) -> actix_web::HttpResponse {
    let safe: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    actix_web::HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{safe}\""),
        ))
        .body(body)
}

/// Rows joined with CRLF, as RFC 4180 asks.
pub fn document(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for row in rows {
        let line: Vec<String> = row.iter().map(|f| field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_fields_pass_through() {
        assert_eq!(field("C-0001"), "C-0001");
        assert_eq!(field("66.67"), "66.67");
        assert_eq!(field("-1.5"), "-1.5");
    }

    #[test]
    fn separators_quotes_and_newlines_are_quoted() {
        assert_eq!(field("Smith, Jo"), "\"Smith, Jo\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
    }

    #[test]
    fn infinities_and_nans_are_not_numbers_but_formulas() {
        for text in [
            "-inf",
            "+inf",
            "-INF",
            "+Inf",
            "-infinity",
            "+Infinity",
            "+NaN",
            "-nan",
            "+NAN",
            "-nAn",
            "+iNfInItY",
        ] {
            assert_eq!(field(text), format!("'{text}"), "{text}");
        }
        // Real numbers still pass through untouched.
        for text in [
            "-1", "+2", "-0.5", "+3.25", "-1e5", "+2.5E-3", "-.5", "66.67",
        ] {
            assert_eq!(field(text), text, "{text}");
        }
        // Number-ish text that is not a number is defused.
        for text in [
            "-1+2",
            "+1e",
            "-",
            "+",
            "-1.2.3",
            "-0x10",
            "-1_000",
            "+ 1",
            "-\u{0661}",
        ] {
            assert_eq!(field(text), format!("'{text}"), "{text}");
        }
    }

    #[test]
    fn control_characters_are_stripped() {
        assert_eq!(field("bad\u{1b}[31mred"), "bad[31mred");
        assert_eq!(field("nul\0byte"), "nulbyte");
        assert_eq!(field("\u{7}\u{8}\u{b}\u{c}\u{1f}\u{7f}x"), "x");
        // C1 controls too (U+009B is a one-character CSI).
        assert_eq!(field("a\u{9b}2Jb\u{85}"), "a2Jb");
        // TAB, CR and LF stay (and a field with a line break is quoted).
        assert_eq!(field("a\tb"), "a\tb");
        assert_eq!(field("a\r\nb"), "\"a\r\nb\"");
        // Stripping cannot smuggle a formula past the guard.
        assert_eq!(field("\0=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(field("\u{1b}-inf"), "'-inf");
        // Nothing but the controls is touched.
        assert_eq!(field("Zoë Ω 😀"), "Zoë Ω 😀");
    }

    proptest::proptest! {
        #[test]
        fn no_control_character_or_formula_reaches_the_output(
            text in "\\PC*|[\\x00-\\x1f\\x7f-\\x9f=+@a-zA-Z0-9.-]{0,12}"
        ) {
            let out = field(&text);
            proptest::prop_assert!(
                !out.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n')),
                "{:?}", out
            );
            // What a spreadsheet sees starts like a formula only when it is a plain
            // decimal number.
            let shown = out.strip_prefix('"').unwrap_or(&out);
            if shown.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                proptest::prop_assert!(
                    shown.parse::<f64>().is_ok()
                        && shown.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c)),
                    "{:?}", out
                );
            }
        }
    }

    #[test]
    fn documents_end_lines_with_crlf() {
        let doc = document(&[vec!["a".into(), "b".into()], vec!["1".into(), "x,y".into()]]);
        assert_eq!(doc, "a,b\r\n1,\"x,y\"\r\n");
    }
}
