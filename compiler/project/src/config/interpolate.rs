//! `${env:NAME}` and `${env:NAME:-default}` in string values of `cjo.toml`.
//!
//! A template is split into literal text and references first, so that a
//! malformed reference is found whether or not the variable is set, and the
//! values of variables are then substituted as plain text: nothing read from
//! the environment is parsed again, so a value holding `${…}` stays literal.

use std::collections::BTreeMap;
use std::ops::Range;

/// The process environment as data: the names and values of its variables.
/// The command line passes the real ones; tests pass what they need.
pub type Variables = BTreeMap<String, String>;

/// One piece of a template.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(super) enum Piece<'s> {
    Text(&'s str),
    /// `${env:NAME}` or `${env:NAME:-default}`; `at` is its byte range in
    /// the string.
    Var {
        name: &'s str,
        default: Option<&'s str>,
        at: Range<usize>,
    },
}

/// A reference that cannot be read, with its byte range in the string.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(super) struct Malformed {
    pub(super) at: Range<usize>,
    pub(super) message: String,
}

/// Splits `s` into text and references. `$${` writes a literal `${`; any
/// other `$` is literal.
pub(super) fn parse(s: &str) -> Result<Vec<Piece<'_>>, Malformed> {
    let mut pieces = Vec::new();
    let mut rest = 0;
    let mut text_start = 0;
    while let Some(found) = s.get(rest..).and_then(|tail| tail.find("${")) {
        let start = rest + found;
        if s.get(..start).is_some_and(|before| before.ends_with('$')) {
            // `$${`: keep one `$` and the `{` as text.
            push_text(&mut pieces, s, text_start, start - 1);
            text_start = start;
            rest = start + 2;
            continue;
        }
        push_text(&mut pieces, s, text_start, start);
        let Some(close) = s.get(start..).and_then(|tail| tail.find('}')) else {
            return Err(Malformed { at: start..s.len(), message: "`${` is never closed by `}`".to_owned() });
        };
        let end = start + close + 1;
        let inner = s.get(start + 2..end - 1).unwrap_or_default();
        pieces.push(reference(inner, start..end)?);
        text_start = end;
        rest = end;
    }
    push_text(&mut pieces, s, text_start, s.len());
    Ok(pieces)
}

/// Whether `s` holds a reference (or a `$${` escape) at all.
pub(super) fn has_references(s: &str) -> bool {
    s.contains("${")
}

fn push_text<'s>(pieces: &mut Vec<Piece<'s>>, s: &'s str, start: usize, end: usize) {
    if let Some(text) = s.get(start..end).filter(|t| !t.is_empty()) {
        pieces.push(Piece::Text(text));
    }
}

/// The inside of `${…}`: `env:NAME` with an optional `:-default`.
fn reference(inner: &str, at: Range<usize>) -> Result<Piece<'_>, Malformed> {
    let malformed = |message: String| Malformed { at: at.clone(), message };
    let Some(body) = inner.strip_prefix("env:") else {
        return Err(malformed(format!(
            "`${{{inner}}}` is not a reference cjo reads: write `${{env:NAME}}` or `${{env:NAME:-default}}`"
        )));
    };
    let (name, default) = match body.split_once(":-") {
        Some((name, default)) => (name, Some(default)),
        None => (body, None),
    };
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(malformed(format!(
            "`{name}` is not an environment variable name: use letters, digits and `_`, not starting with a digit"
        )));
    }
    Ok(Piece::Var { name, default, at })
}

/// The value of a reference: the variable's value, or the default when the
/// variable is unset or empty (as the shell's `${NAME:-default}`).
pub(super) fn lookup<'v>(vars: &'v Variables, name: &str, default: Option<&'v str>) -> Option<&'v str> {
    match (vars.get(name).map(String::as_str), default) {
        (Some(""), Some(default)) => Some(default),
        (Some(value), _) => Some(value),
        (None, default) => default,
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn splits_text_and_references() {
        assert_eq!(parse("plain"), Ok(vec![Piece::Text("plain")]));
        assert_eq!(
            parse("dev_${env:USER}_x"),
            Ok(vec![Piece::Text("dev_"), Piece::Var { name: "USER", default: None, at: 4..15 }, Piece::Text("_x")])
        );
        assert_eq!(parse("${env:S:-a:-b}"), Ok(vec![Piece::Var { name: "S", default: Some("a:-b"), at: 0..14 }]));
        assert_eq!(parse("$${env:X}"), Ok(vec![Piece::Text("${env:X}")]));
        assert_eq!(parse("cost $5"), Ok(vec![Piece::Text("cost $5")]));
    }

    #[test]
    fn malformed_references_are_placed() {
        assert_eq!(parse("a_${env:X").map_err(|m| m.at), Err(2..9));
        assert_eq!(parse("${USER}").map_err(|m| m.at), Err(0..7));
        assert_eq!(parse("x${env:1A}").map_err(|m| m.at), Err(1..10));
        assert_eq!(parse("${env:}").map_err(|m| m.at), Err(0..7));
    }

    #[test]
    fn defaults_apply_to_unset_and_empty() {
        let vars: Variables = [("A".to_owned(), "a".to_owned()), ("E".to_owned(), String::new())].into();
        assert_eq!(lookup(&vars, "A", Some("d")), Some("a"));
        assert_eq!(lookup(&vars, "E", Some("d")), Some("d"));
        assert_eq!(lookup(&vars, "E", None), Some(""));
        assert_eq!(lookup(&vars, "U", Some("d")), Some("d"));
        assert_eq!(lookup(&vars, "U", None), None);
    }
}
