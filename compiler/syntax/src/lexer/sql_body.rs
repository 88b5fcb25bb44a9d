//! Finding the end of a verbatim SQL body.

/// The result of scanning a body.
#[derive(Debug, PartialEq, Eq)]
pub enum Scan {
    /// The body ends at `close`, the offset of its closing `}`.
    Closed { close: usize },
    /// The text ended first; `open_quote` is where a string, quoted name or
    /// comment that was still open began.
    Unclosed { open_quote: Option<usize> },
}

/// Scans from `start` (just after the `{`) to the matching `}`, skipping
/// SQL strings (`'…'` with `''`, and `\` escapes when `backslash` is set, as
/// in BigQuery), quoted identifiers (`"…"`, `` `…` ``), `--` and `/* */`
/// comments. Braces inside those never end the body.
pub fn scan(text: &str, start: usize, backslash: bool) -> Scan {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let mut depth = 1usize;
    let mut i = start;
    while i < bytes.len() {
        match at(i) {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Scan::Closed { close: i };
                }
            }
            q @ (b'\'' | b'"' | b'`') => match skip_quoted(bytes, i, q, backslash) {
                Some(next) => {
                    i = next;
                    continue;
                }
                None => return Scan::Unclosed { open_quote: Some(i) },
            },
            b'-' if at(i + 1) == b'-' => {
                i = line_end(bytes, i);
                continue;
            }
            b'#' if backslash => {
                i = line_end(bytes, i);
                continue;
            }
            b'/' if at(i + 1) == b'*' => match find(bytes, i + 2, b"*/") {
                Some(end) => {
                    i = end + 2;
                    continue;
                }
                None => return Scan::Unclosed { open_quote: Some(i) },
            },
            _ => {}
        }
        i += 1;
    }
    Scan::Unclosed { open_quote: None }
}

/// Skips the quoted text opening at `open`; returns the offset after it, or
/// `None` when it is never closed.
fn skip_quoted(bytes: &[u8], open: usize, q: u8, backslash: bool) -> Option<usize> {
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let triple = q != b'`' && at(open + 1) == q && at(open + 2) == q;
    let mut i = open + if triple { 3 } else { 1 };
    while i < bytes.len() {
        let b = at(i);
        if backslash && b == b'\\' {
            i += 2;
            continue;
        }
        if b == q {
            if triple {
                if at(i + 1) == q && at(i + 2) == q {
                    return Some(i + 3);
                }
            } else if at(i + 1) == q {
                // A doubled quote stands for itself.
                i += 2;
                continue;
            } else {
                return Some(i + 1);
            }
        }
        i += 1;
    }
    None
}

fn line_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes.get(i) != Some(&b'\n') {
        i += 1;
    }
    i
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// Recovery for a body whose scan ran off the end (usually an unclosed
/// quote): the first `}` that begins a line indented no deeper than the line
/// holding the `{` at `open`. Well-laid-out files close their bodies so.
pub fn recover_close(text: &str, open: usize, start: usize) -> Option<usize> {
    let line_start = text.get(..open)?.rfind('\n').map_or(0, |i| i + 1);
    let indent = indent_width(text.get(line_start..open)?);
    let mut offset = start;
    for line in text.get(start..)?.split_inclusive('\n') {
        let trimmed = line.trim_start_matches([' ', '\t']);
        let lead = line.len() - trimmed.len();
        if offset > start && trimmed.starts_with('}') && indent_width(line.get(..lead)?) <= indent {
            return Some(offset + lead);
        }
        offset += line.len();
    }
    None
}

fn indent_width(s: &str) -> usize {
    s.chars().take_while(|c| *c == ' ' || *c == '\t').map(|c| if c == '\t' { 4 } else { 1 }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_strings_comments_and_nested_braces() {
        let body = "select '}' as a, \"}\" as b, `}` -- }\n /* } */ {x} }rest";
        assert_eq!(scan(body, 0, false), Scan::Closed { close: body.len() - 5 });
    }

    #[test]
    fn doubled_quotes_and_backslashes() {
        assert_eq!(scan("'it''s}' }", 0, false), Scan::Closed { close: 9 });
        assert_eq!(scan(r"'a\'}' }", 0, true), Scan::Closed { close: 7 });
        assert_eq!(scan("'''a}''' }", 0, true), Scan::Closed { close: 9 });
    }

    #[test]
    fn unclosed_reports_the_open_quote() {
        assert_eq!(scan("select 'abc }", 0, false), Scan::Unclosed { open_quote: Some(7) });
        assert_eq!(scan("select /* }", 0, false), Scan::Unclosed { open_quote: Some(7) });
        assert_eq!(scan("select {", 0, false), Scan::Unclosed { open_quote: None });
    }

    #[test]
    fn recovery_finds_the_aligned_brace() {
        let text = "  sql {\n    select 'oops\n  }\n}\n";
        assert_eq!(recover_close(text, 6, 7), Some(27));
    }
}
