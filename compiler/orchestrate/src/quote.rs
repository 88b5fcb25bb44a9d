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
/// and 1.2 both read), with `\uXXXX` for what JSON leaves raw but YAML
/// reads as a line break (U+0085, U+2028, U+2029: the scalar would be
/// folded) or refuses (DEL, the C1 controls, U+FFFE, U+FFFF).
pub fn yaml(s: &str) -> String {
    let json = serde_json::Value::String(s.to_string()).to_string();
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if yaml_unsafe(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// `s` as the lines of a YAML comment: split at every character YAML (1.1,
/// as PyYAML and Digdag read it) takes as a line break — a line of user
/// text that kept one would end the comment and become YAML — with the
/// characters YAML refuses replaced by U+FFFD.
pub fn comment_lines(s: &str) -> Vec<String> {
    const BREAKS: [char; 5] = ['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];
    let s = s.trim_end_matches(BREAKS);
    if s.is_empty() {
        return Vec::new();
    }
    s.split(BREAKS).map(|line| line.chars().map(|c| if yaml_unsafe(c) { '\u{fffd}' } else { c }).collect()).collect()
}

/// A character YAML reads as a line break or does not accept in a
/// stream; a tab is fine.
fn yaml_unsafe(c: char) -> bool {
    matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}') || (c.is_control() && c != '\t')
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

    /// Every character YAML takes as a line break, and those it refuses.
    const HOSTILE: &str = "a\rb\u{85}c\u{2028}d\u{2029}e\nf\u{0}g\u{7f}h\u{9b}i\u{fffe}j\tk";

    #[test]
    fn yaml_scalars_escape_line_breaks_json_leaves_raw() {
        let y = yaml(HOSTILE);
        assert!(!y.chars().any(yaml_unsafe), "{y:?}");
        assert!(y.contains("\\u0085") && y.contains("\\u2028") && y.contains("\\u2029") && y.contains("\\u007f"));
        assert!(y.contains("\\r") && y.contains("\\n") && y.contains("\\u0000"));
    }

    #[test]
    fn comment_lines_never_hold_a_line_break() {
        let lines = comment_lines(HOSTILE);
        assert_eq!(lines.len(), 6, "{lines:?}");
        for line in &lines {
            assert!(!line.chars().any(yaml_unsafe), "{line:?}");
        }
        assert_eq!(lines.last().map(String::as_str), Some("f\u{fffd}g\u{fffd}h\u{fffd}i\u{fffd}j\tk"));
    }
}
