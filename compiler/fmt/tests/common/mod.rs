//! Checks shared by the formatter's tests: what formatting must never
//! change.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use cjo_diagnostics::FileId;
use cjo_syntax::token::Token;

/// Formats `input` and checks every invariant: the result is a fixed point,
/// has the same tokens and comments, and is laid out cleanly. Returns it.
pub fn format_checked(name: &str, input: &str) -> String {
    let output = match cjo_fmt::format(input) {
        Ok(o) => o,
        Err(errors) => panic!("{name}: not formatted: {:?}", errors.iter().map(|d| &d.message).collect::<Vec<_>>()),
    };
    let again = cjo_fmt::format(&output).unwrap_or_else(|e| panic!("{name}: output does not parse: {e:?}\n{output}"));
    if again != output {
        panic!("{name}: not idempotent\n--- first\n{output}\n--- second\n{again}");
    }
    assert_eq!(tokens(input), tokens(&output), "{name}: tokens changed\n{output}");
    assert_eq!(comments(input), comments(&output), "{name}: comments changed\n{output}");
    check_layout(name, &output);
    output
}

/// No CR, no tabs or trailing whitespace outside SQL strings, one final
/// newline, no blank line at the start or doubled.
pub fn check_layout(name: &str, output: &str) {
    assert!(!output.contains('\r'), "{name}: CR in output");
    if output.is_empty() {
        return;
    }
    assert!(output.ends_with('\n') && !output.ends_with("\n\n"), "{name}: final newline");
    assert!(!output.starts_with('\n'), "{name}: leading blank line");
    assert!(!output.contains("\n\n\n"), "{name}: doubled blank line\n{output}");
}

/// The tokens as `Debug` text, with SQL bodies' whitespace normalised and
/// doc comments left to [`comments`].
pub fn tokens(text: &str) -> Vec<String> {
    let lexed = cjo_syntax::lex(FileId(0), text);
    lexed
        .tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::DocComment(_)))
        .map(|t| match t.token {
            // Blank lines at the very end of a body are outside any string
            // (the lexer found the closing brace there) and may go.
            Token::SqlBody(body) => {
                format!("SqlBody({})", normalize_sql(body.trim_end_matches([' ', '\t', '\r', '\n'])))
            }
            token => format!("{token:?}"),
        })
        .collect()
}

/// Every comment's text in order (doc comments included), with trailing
/// whitespace of each of its lines removed.
pub fn comments(text: &str) -> Vec<String> {
    let lexed = cjo_syntax::lex(FileId(0), text);
    let mut all: Vec<(u32, String)> =
        lexed.comments.iter().map(|c| (c.range.start, slice(text, c.range.start, c.range.end))).collect();
    for t in &lexed.tokens {
        if let Token::DocComment(_) = t.token {
            all.push((t.range.start, slice(text, t.range.start, t.range.end)));
        }
    }
    all.sort();
    all.into_iter().map(|(_, c)| c.split('\n').map(str::trim_end).collect::<Vec<_>>().join("\n")).collect()
}

fn slice(text: &str, start: u32, end: u32) -> String {
    text[start as usize..end as usize].to_string()
}

/// SQL text with whitespace runs outside strings and comments collapsed to
/// one space (and trimmed at the ends), trailing whitespace inside comments
/// dropped, and CRLF read as LF. An independent (ANSI) scanner.
pub fn normalize_sql(body: &str) -> String {
    let body = body.replace("\r\n", "\n");
    let chars: Vec<char> = body.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut pending_space = false;
    let push_ws = |out: &mut String, pending: &mut bool| {
        if *pending && !out.is_empty() {
            out.push(' ');
        }
        *pending = false;
    };
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            pending_space = true;
            i += 1;
            continue;
        }
        push_ws(&mut out, &mut pending_space);
        if c == '\'' || c == '"' || c == '`' {
            out.push(c);
            i += 1;
            while i < chars.len() {
                out.push(chars[i]);
                if chars[i] == c {
                    if chars.get(i + 1) == Some(&c) {
                        out.push(c);
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            let end = chars[i..].iter().position(|&c| c == '\n').map_or(chars.len(), |p| i + p);
            out.push_str(chars[i..end].iter().collect::<String>().trim_end());
            i = end;
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            let rest: String = chars[i..].iter().collect();
            let len = rest.find("*/").map_or(rest.len(), |p| p + 2);
            let comment: String = rest.chars().take(len).collect();
            out.push_str(&comment.split('\n').map(str::trim_end).collect::<Vec<_>>().join("\n"));
            i += comment.chars().count();
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}
