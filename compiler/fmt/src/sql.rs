//! Laying out the verbatim text of a multi-line `sql { … }` body.
//!
//! The text is SQL, not `.cjo`: it is never re-spaced, only re-indented as
//! a block. Whitespace at the start or end of a line is only touched where
//! no SQL tokenizer could read it as part of a string or comment, so the
//! SQL means exactly what it meant before.

use crate::width::advance;

/// One output line of a body.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BodyLine {
    /// The indentation to write, or `None` for a line that starts inside a
    /// string or comment and is written exactly as it was.
    pub indent: Option<usize>,
    pub text: String,
    pub blank_before: bool,
}

/// Whitespace SQL skips between tokens (`\r` of CRLF endings included).
const SPACE: &[char] = &[' ', '\t', '\r', '\u{c}'];

/// Characters sqlparser reads as an operator before a space and as the
/// start of a name before anything else (a line break, a tab).
const NAME_STARTS: &[char] = &['#', '@'];

/// Lays out `body`, the text between the braces, which contains a line
/// break. `prefix` is the source text from the start of the `{` line to the
/// body; `indent` is the column the body's least indented lines move to.
///
/// Lines that start in SQL code lose their common leading whitespace and
/// move to `indent`, keeping their indentation relative to each other. Lines
/// that start inside a string or block comment are kept verbatim. Trailing
/// whitespace goes, except where a line ends inside a string. Blank lines at
/// the start and end go, and runs of blank lines become one.
pub(crate) fn layout(body: &str, prefix: &str, indent: usize, bigquery: bool) -> Vec<BodyLine> {
    let states = line_states(body, bigquery);
    let last = states.len().saturating_sub(1);
    // The lexer found the body's `}` outside any string, so blank lines at
    // the end of the body are outside strings too, whatever the cautious
    // variants in `line_states` say: they all go.
    let content_end = body
        .split('\n')
        .enumerate()
        .filter(|(_, l)| !l.trim_matches([' ', '\t', '\r']).is_empty())
        .map(|(i, _)| i)
        .last()
        .unwrap_or(0);
    let mut lines = Vec::new();
    let mut after_brace = false;
    for (i, (raw, state)) in body.split('\n').zip(&states).enumerate().take(content_end + 1) {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = raw.trim_end_matches(SPACE);
        // sqlparser reads `#` (or `@`, `@@`) and a space as an operator but
        // `#` and any other character (a tab, the line break left once the
        // spaces go) as the start of a name: the whitespace after a final
        // `#` or `@` stays.
        let text = if state.ends_in_string || trimmed.ends_with(NAME_STARTS) { raw } else { trimmed };
        if !state.starts_in_code {
            lines.push(Source::Verbatim(text));
            continue;
        }
        let code = text.trim_start_matches(SPACE);
        if code.is_empty() {
            if i != 0 && i != last {
                lines.push(Source::Blank);
            }
            continue;
        }
        let lead = text.get(..text.len() - code.len()).unwrap_or("");
        after_brace |= i == 0;
        let col = if i == 0 { advance(advance(0, prefix), lead) } else { advance(0, lead) };
        lines.push(Source::Code { col, text: code });
    }

    // Text right after the `{` keeps its column when the lines below are
    // aligned to it (`sql { select a,` over `               b`); when they
    // are written further left, as a block, it joins them.
    let below = min_col(lines.get(usize::from(after_brace)..).unwrap_or(&[]));
    if let (true, Some(Source::Code { col, .. }), Some(below)) = (after_brace, lines.first_mut(), below) {
        *col = (*col).min(below);
    }
    let base = min_col(&lines).unwrap_or(0);
    let mut out: Vec<BodyLine> = Vec::new();
    let mut blank = false;
    for line in lines {
        let (indent, text) = match line {
            Source::Blank => {
                blank = !out.is_empty();
                continue;
            }
            Source::Code { col, text } => (Some(indent + col.saturating_sub(base)), text),
            Source::Verbatim(text) => (None, text),
        };
        out.push(BodyLine { indent, text: text.to_string(), blank_before: blank });
        blank = false;
    }
    out
}

/// The least column of the code lines.
fn min_col(lines: &[Source<'_>]) -> Option<usize> {
    lines.iter().filter_map(|l| if let Source::Code { col, .. } = l { Some(*col) } else { None }).min()
}

/// One source line of a body, classified.
enum Source<'a> {
    /// Starts in code: its text after the leading whitespace, and the
    /// column that text started at.
    Code {
        col: usize,
        text: &'a str,
    },
    Blank,
    Verbatim(&'a str),
}

/// What the SQL tokenizers think of a line's ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct LineState {
    /// Every tokenizer is in code (not a string or comment) at its start.
    starts_in_code: bool,
    /// Some tokenizer is inside a string or quoted name at its end.
    ends_in_string: bool,
}

/// How a tokenizer reads quotes and comments.
#[derive(Clone, Copy, Debug)]
struct Rules {
    /// `'''…'''` and `"""…"""` strings.
    triple: bool,
    /// `\` escapes the next character inside quotes.
    backslash: bool,
    /// `#` starts a line comment.
    hash: bool,
}

/// The state of each line of `body` (split at `\n`). The lexer found the
/// body's end with BigQuery's rules for `sql bigquery` and the ANSI rules
/// otherwise; the SQL engines differ on triple quotes and backslashes, so
/// each line is judged by all four combinations and whitespace is changed
/// only where they agree it is safe.
fn line_states(body: &str, bigquery: bool) -> Vec<LineState> {
    let variants = [
        Rules { triple: true, backslash: bigquery, hash: bigquery },
        Rules { triple: false, backslash: bigquery, hash: bigquery },
        Rules { triple: true, backslash: !bigquery, hash: bigquery },
        Rules { triple: false, backslash: !bigquery, hash: bigquery },
    ];
    let mut states = scan(body, variants[0]);
    for rules in variants.iter().skip(1) {
        for (state, other) in states.iter_mut().zip(scan(body, *rules)) {
            state.starts_in_code &= other.starts_in_code;
            state.ends_in_string |= other.ends_in_string;
        }
    }
    states
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    Code,
    Quoted { quote: u8, triple: bool },
    BlockComment,
    LineComment,
}

/// Scans `body` as `compiler/syntax/src/lexer/sql_body.rs` does, recording
/// the state at each line's start and end.
fn scan(body: &str, rules: Rules) -> Vec<LineState> {
    let bytes = body.as_bytes();
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let mut out = Vec::new();
    let mut state = State::Code;
    let mut starts_in_code = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = at(i);
        if b == b'\n' {
            out.push(LineState { starts_in_code, ends_in_string: matches!(state, State::Quoted { .. }) });
            if state == State::LineComment {
                state = State::Code;
            }
            starts_in_code = state == State::Code;
            i += 1;
            continue;
        }
        let step = match state {
            State::Code => match b {
                b'\'' | b'"' | b'`' => {
                    let triple = rules.triple && b != b'`' && at(i + 1) == b && at(i + 2) == b;
                    state = State::Quoted { quote: b, triple };
                    if triple { 3 } else { 1 }
                }
                b'-' if at(i + 1) == b'-' => {
                    state = State::LineComment;
                    2
                }
                b'#' if rules.hash => {
                    state = State::LineComment;
                    1
                }
                b'/' if at(i + 1) == b'*' => {
                    state = State::BlockComment;
                    2
                }
                _ => 1,
            },
            State::Quoted { quote, triple } => {
                if rules.backslash && b == b'\\' {
                    // An escaped line break still ends the line.
                    if at(i + 1) == b'\n' { 1 } else { 2 }
                } else if b != quote {
                    1
                } else if triple {
                    if at(i + 1) == quote && at(i + 2) == quote {
                        state = State::Code;
                        3
                    } else {
                        1
                    }
                } else if at(i + 1) == quote {
                    // A doubled quote stands for itself.
                    2
                } else {
                    state = State::Code;
                    1
                }
            }
            State::BlockComment => {
                if b == b'*' && at(i + 1) == b'/' {
                    state = State::Code;
                    2
                } else {
                    1
                }
            }
            State::LineComment => 1,
        };
        i += step;
    }
    out.push(LineState { starts_in_code, ends_in_string: matches!(state, State::Quoted { .. }) });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(body: &str, prefix: &str, indent: usize) -> Vec<(Option<usize>, String, bool)> {
        layout(body, prefix, indent, false).into_iter().map(|l| (l.indent, l.text, l.blank_before)).collect()
    }

    #[test]
    fn reindents_as_a_block() {
        let body = "\n        select a,\n               b\n\n\n        from t   \n      ";
        let got = lines(body, "  sql {", 4);
        assert_eq!(
            got,
            vec![(Some(4), "select a,".into(), false), (Some(11), "b".into(), false), (Some(4), "from t".into(), true)]
        );
    }

    #[test]
    fn text_after_the_brace_counts_at_its_column() {
        // `  sql { select a,` / `               b` / `        from t }`
        let got = lines(" select a,\n               b\n        from t ", "  sql {", 4);
        assert_eq!(
            got,
            vec![
                (Some(4), "select a,".into(), false),
                (Some(11), "b".into(), false),
                (Some(4), "from t".into(), false)
            ]
        );
    }

    #[test]
    fn text_after_the_brace_joins_a_block_below() {
        let got = lines(" -- note\n    select 3\n      from t\n  ", "  sql {", 4);
        assert_eq!(
            got,
            vec![
                (Some(4), "-- note".into(), false),
                (Some(4), "select 3".into(), false),
                (Some(6), "from t".into(), false)
            ]
        );
    }

    #[test]
    fn lines_inside_strings_are_verbatim() {
        let body = "\n  select 'a  \n    b' as x, /* one\n  two */ 1\n";
        let got = lines(body, "sql {", 2);
        assert_eq!(
            got,
            vec![
                (Some(2), "select 'a  ".into(), false),
                (None, "    b' as x, /* one".into(), false),
                (None, "  two */ 1".into(), false),
            ]
        );
    }

    #[test]
    fn the_space_after_a_final_hash_or_at_stays() {
        // Found by the `fmt` fuzz target: `@ }` became `@` and a line break,
        // a name instead of an operator.
        for end in ["#", "@", "@@"] {
            let got = lines(&format!("\n  select a\n  from t {end} "), "sql {", 2);
            assert_eq!(got.last().map(|l| l.1.clone()), Some(format!("from t {end} ")), "{end}");
        }
    }

    #[test]
    fn every_tokenizer_must_agree() {
        // With backslash escapes the string never closes, so the next line
        // may be inside it: it is kept as it is.
        let states = line_states("select 'a\\'\n   , 2", false);
        assert!(!states.get(1).is_some_and(|s| s.starts_in_code));
        let states = line_states("select '''a''' -- x\n  , 2", false);
        assert!(states.get(1).is_some_and(|s| s.starts_in_code));
    }
}
