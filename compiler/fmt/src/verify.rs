//! Checking that a formatted file means what the original meant.
//!
//! The printer only moves whitespace, but whitespace is not always
//! meaningless (sqlparser reads `#` and a space as an operator and `#` and a
//! tab as a name), so the result is compared with the original before it is
//! handed out: the parser's diagnostics (by code), the syntax tree ignoring
//! positions, and each SQL body's tokens (ignoring whitespace and comments)
//! and parse, read with the dialect the checker reads it with (CRLF read
//! as LF, which formatting writes by design). Anything
//! that differs is a reason to leave the file as it is.

use cjo_diagnostics::{Diagnostic, FileId, TextRange};
use cjo_syntax::ast::{File, Item, SqlBody};
use sqlparser::dialect::{BigQueryDialect, Dialect, GenericDialect, RedshiftSqlDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

/// What formatting would change, and where in the original, or `None` when
/// `after` means what `before` (parsed with `diagnostics`) means.
pub(crate) fn difference(before: &File, diagnostics: &[Diagnostic], after: &str) -> Option<(TextRange, String)> {
    let parsed = cjo_syntax::parse(FileId(0), after);
    if codes(diagnostics) != codes(&parsed.diagnostics) {
        return Some((TextRange::empty(0), "the formatted text would parse with other diagnostics".into()));
    }
    let (old, new) = (bodies(before), bodies(&parsed.file));
    if old.len() != new.len() {
        return Some((TextRange::empty(0), "the formatted text would have other SQL bodies".into()));
    }
    for (a, b) in old.iter().zip(&new) {
        if let Some(what) = body_difference(a, b) {
            return Some((a.range, format!("this SQL body would {what}")));
        }
    }
    if shape(before) != shape(&parsed.file) {
        return Some((TextRange::empty(0), "the formatted text would parse into another syntax tree".into()));
    }
    None
}

/// The diagnostics' codes, in order.
fn codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = diagnostics.iter().map(|d| d.code.id).collect();
    codes.sort_unstable();
    codes
}

/// Every SQL body of the file, in order.
fn bodies(file: &File) -> Vec<&SqlBody> {
    file.items.iter().filter_map(|i| if let Item::Model(m) = i { Some(&m.bodies) } else { None }).flatten().collect()
}

/// How `b` reads differently from `a`, if it does.
fn body_difference(a: &SqlBody, b: &SqlBody) -> Option<&'static str> {
    let dialect_name = |s: &SqlBody| s.dialect.as_ref().map(|d| d.text.to_ascii_lowercase());
    if dialect_name(a) != dialect_name(b) {
        return Some("change dialect");
    }
    let dialect = dialect(a);
    // A file's line ends are not part of its meaning (git may change them
    // on checkout): CRLF becomes LF everywhere, in SQL strings too.
    let a_text = a.text.replace("\r\n", "\n");
    if tokens(&*dialect, &a_text) != tokens(&*dialect, &b.text) {
        return Some("read as other SQL tokens");
    }
    if parse(&*dialect, &a_text) != parse(&*dialect, &b.text) {
        return Some("parse differently");
    }
    None
}

/// The dialect `cjo-semantic` parses a body with (`sql::parse` there).
fn dialect(body: &SqlBody) -> Box<dyn Dialect> {
    match body.dialect.as_ref().map(|d| d.text.to_ascii_lowercase()).as_deref() {
        Some("bigquery") => Box::new(BigQueryDialect {}),
        Some("redshift") => Box::new(RedshiftSqlDialect {}),
        _ => Box::new(GenericDialect {}),
    }
}

/// The body's tokens without whitespace and comments, or the tokenizer's
/// message (without its position, which re-indenting moves).
fn tokens(dialect: &dyn Dialect, sql: &str) -> Result<Vec<Token>, String> {
    match Tokenizer::new(dialect, sql).tokenize() {
        Ok(tokens) => Ok(tokens.into_iter().filter(|t| !matches!(t, Token::Whitespace(_))).collect()),
        Err(e) => Err(e.message),
    }
}

/// The statements (sqlparser's trees compare without their positions), or
/// the error's message without its position.
fn parse(dialect: &dyn Dialect, sql: &str) -> Result<Vec<sqlparser::ast::Statement>, String> {
    Parser::new(dialect).try_with_sql(sql).and_then(|mut p| p.parse_statements()).map_err(|e| {
        let text = e.to_string();
        text.rfind(" at Line: ").and_then(|i| text.get(..i)).unwrap_or(&text).to_string()
    })
}

/// The syntax tree with every position and SQL body text left out (bodies
/// are compared by [`body_difference`]): its `Debug` text, in which a
/// position is written `start..end` and never inside a quoted string.
fn shape(file: &File) -> String {
    let mut file = file.clone();
    for item in &mut file.items {
        if let Item::Model(m) = item {
            for b in &mut m.bodies {
                b.text.clear();
            }
        }
    }
    strip_ranges(&format!("{file:?}"))
}

/// `text` without its `digits..digits` runs outside `"…"` strings.
fn strip_ranges(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    let mut in_string = false;
    while let Some((i, c)) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                '\\' => out.extend(chars.next().map(|(_, c)| c)),
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        if c == '"' {
            in_string = true;
        } else if let Some(len) = range_len(text.get(i..).unwrap_or("")) {
            // Skip the rest of the range (its first character is `c`).
            for _ in 1..len {
                chars.next();
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// The length of the `digits..digits` at the start of `s`, if there is one.
fn range_len(s: &str) -> Option<usize> {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let start = digits(s);
    let rest = s.get(start..)?.strip_prefix("..")?;
    let end = digits(rest);
    (start > 0 && end > 0).then_some(start + 2 + end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_go_but_strings_stay() {
        assert_eq!(strip_ranges(r#"Name { text: "a", range: 3..5 }"#), r#"Name { text: "a", range:  }"#);
        assert_eq!(strip_ranges(r#"Str("1..2 \" 3..4")"#), r#"Str("1..2 \" 3..4")"#);
    }

    #[test]
    fn a_hash_before_a_tab_is_a_name() {
        // Why whitespace can matter: the case behind this module.
        let generic = GenericDialect {};
        assert_ne!(tokens(&generic, "select a from ev #\t"), tokens(&generic, "select a from ev # "));
        assert_eq!(tokens(&generic, "select a\n  from ev"), tokens(&generic, "select a from ev -- x"));
    }
}
