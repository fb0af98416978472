//! RFC 4180 CSV for spreadsheet users.

/// One field: quoted when it holds a comma, quote or line break (quotes doubled), and
/// prefixed with `'` when it starts like a formula, so a spreadsheet shows the text
/// instead of running it (CSV injection).
pub fn field(text: &str) -> String {
    let guarded =
        if text.starts_with(['=', '+', '-', '@', '\t', '\r']) && text.parse::<f64>().is_err() {
            format!("'{text}")
        } else {
            text.to_string()
        };
    if guarded.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
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
    fn documents_end_lines_with_crlf() {
        let doc = document(&[vec!["a".into(), "b".into()], vec!["1".into(), "x,y".into()]]);
        assert_eq!(doc, "a,b\r\n1,\"x,y\"\r\n");
    }
}
