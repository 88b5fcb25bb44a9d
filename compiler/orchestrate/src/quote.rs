//! String literals for the files we write: Python and YAML.

use std::fmt::Write;

/// A Python string literal of `s`: `"…"` on one line, or `"""…"""` when
/// it has several (SQL reads better that way). Every `"` and `\` is
/// escaped, and control characters are written as escapes, so the literal
/// is exactly `s` whatever it holds.
pub fn python(s: &str) -> String {
    let multiline = s.contains('\n');
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(if multiline { "\"\"\"" } else { "\"" });
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' if multiline => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push_str(if multiline { "\"\"\"" } else { "\"" });
    out
}

/// A YAML double-quoted scalar of `s` (the JSON escapes, which YAML 1.1
/// and 1.2 both read).
pub fn yaml(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_literals_hold_anything() {
        assert_eq!(python("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(python("x\ny"), "\"\"\"x\ny\"\"\"");
        assert_eq!(python("ends with \"\n\""), "\"\"\"ends with \\\"\n\\\"\"\"\"");
        assert_eq!(python("\u{1}"), "\"\\u0001\"");
        assert_eq!(yaml("a: \"b\""), r#""a: \"b\"""#);
    }
}
