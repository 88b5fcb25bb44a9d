//! Inputs made from the examples: comments between every two tokens, CRLF
//! line ends, tabs, everything on few lines. Formatting each must succeed,
//! be idempotent and keep every token and comment.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use cjo_diagnostics::FileId;
use cjo_syntax::token::Token;

fn examples() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut out = Vec::new();
    for project in std::fs::read_dir(root).unwrap().filter_map(Result::ok) {
        for file in std::fs::read_dir(project.path()).into_iter().flatten().filter_map(Result::ok) {
            let path = file.path();
            if path.extension().is_some_and(|e| e == "cjo") {
                out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// `text` with `make(i)` inserted before every token that may be preceded
/// by something other than itself (not into a SQL body).
fn interleave(text: &str, make: impl Fn(usize) -> String) -> String {
    let lexed = cjo_syntax::lex(FileId(0), text);
    let mut out = String::new();
    let mut last = 0;
    let mut prev: Option<Token<'_>> = None;
    let body_at = |i: usize| matches!(lexed.tokens.get(i).map(|t| t.token), Some(Token::SqlBody(_)));
    for (i, t) in lexed.tokens.iter().enumerate() {
        let start = t.range.start as usize;
        // Not into a SQL body, and not between `sql [dialect]` and its `{`:
        // the lexer does not skip doc comments there (FIXME in cjo-syntax).
        let in_body = body_at(i) || body_at(i + 1) || body_at(i + 2) || matches!(prev, Some(Token::SqlBody(_)));
        out.push_str(&text[last..start]);
        if !in_body && !matches!(t.token, Token::DocComment(_)) {
            out.push_str(&make(i));
        }
        last = start;
        prev = Some(t.token);
    }
    out.push_str(&text[last..]);
    out
}

#[test]
fn block_comments_everywhere() {
    for (name, text) in examples() {
        let input = interleave(&text, |i| format!("/* c{i} */ "));
        common::format_checked(&name, &input);
    }
}

#[test]
fn line_comments_everywhere() {
    for (name, text) in examples() {
        let input = interleave(&text, |i| format!(" // c{i}\n"));
        common::format_checked(&name, &input);
    }
}

#[test]
fn doc_comments_everywhere() {
    for (name, text) in examples() {
        let input = interleave(&text, |i| format!("\n/// d{i}\n"));
        common::format_checked(&name, &input);
    }
}

#[test]
fn line_breaks_everywhere_and_nowhere() {
    for (name, text) in examples() {
        let broken = interleave(&text, |_| "\n\n\n".to_string());
        common::format_checked(&name, &broken);
        // Every line break outside SQL bodies and comments removed: the
        // formatter must still put each member on its own line. Lines start
        // where they start in the formatted original, except its members'
        // continuation lines.
        let lexed = cjo_syntax::lex(FileId(0), &text);
        let mut flat = String::new();
        for t in &lexed.tokens {
            if matches!(t.token, Token::DocComment(_)) {
                continue;
            }
            flat.push_str(&text[t.range.start as usize..t.range.end as usize]);
            flat.push(' ');
        }
        let flat = common::format_checked(&name, &flat);
        let original = cjo_fmt::format(&strip_comments(&text)).unwrap();
        let (flat, original) = (line_starts(&flat), line_starts(&original));
        let mut member_indent = 0;
        for (i, (f, o)) in flat.iter().zip(&original).enumerate() {
            match (f, o) {
                (Some(f), Some(o)) => {
                    assert_eq!(f, o, "{name}: token {i} indented differently");
                    member_indent = *f;
                }
                (Some(_), None) => panic!("{name}: token {i} starts a line only when flattened"),
                (None, Some(o)) => assert!(*o > member_indent, "{name}: token {i} should start a line"),
                (None, None) => {}
            }
        }
    }
}

/// For each token: the indentation of its line when it is the first there.
fn line_starts(text: &str) -> Vec<Option<usize>> {
    let lexed = cjo_syntax::lex(FileId(0), text);
    lexed
        .tokens
        .iter()
        .map(|t| {
            let start = t.range.start as usize;
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let before = &text[line_start..start];
            before.chars().all(|c| c == ' ').then_some(before.len())
        })
        .collect()
}

/// `text` with its comments and doc comments removed (they can hold line
/// breaks the flattened text does not have).
fn strip_comments(text: &str) -> String {
    let lexed = cjo_syntax::lex(FileId(0), text);
    let mut ranges: Vec<(usize, usize)> =
        lexed.comments.iter().map(|c| (c.range.start as usize, c.range.end as usize)).collect();
    ranges.extend(
        lexed
            .tokens
            .iter()
            .filter(|t| matches!(t.token, Token::DocComment(_)))
            .map(|t| (t.range.start as usize, t.range.end as usize)),
    );
    ranges.sort();
    let mut out = String::new();
    let mut last = 0;
    for (s, e) in ranges {
        out.push_str(&text[last..s]);
        last = e;
    }
    out.push_str(&text[last..]);
    out
}

#[test]
fn crlf_and_tabs_give_the_same_result() {
    for (name, text) in examples() {
        let expected = cjo_fmt::format(&text).unwrap();
        let crlf = text.replace('\n', "\r\n");
        assert_eq!(common::format_checked(&name, &crlf), expected, "{name}: CRLF");
        let tabs: String = text
            .lines()
            .map(|l| l.strip_prefix("  ").map_or(l.to_string(), |rest| format!("\t{rest}")) + "\n")
            .collect();
        assert_eq!(common::format_checked(&name, &tabs), expected, "{name}: tabs");
    }
}
