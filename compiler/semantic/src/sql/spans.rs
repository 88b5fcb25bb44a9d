//! From sqlparser's positions (1-based line and character column within
//! the body) back to byte ranges in the `.cjo` file, so that a diagnostic
//! in SQL underlines the exact token where the user wrote it.

use cjo_diagnostics::{FileId, Span, TextRange};
use sqlparser::tokenizer::{Location, Span as SqlSpan};

/// The place of one SQL body in its file.
#[derive(Debug)]
pub struct BodyMap<'a> {
    pub file: FileId,
    text: &'a str,
    /// Where the body's text starts in the file.
    base: u32,
    /// Byte offset of each line's start within the body.
    line_starts: Vec<u32>,
    /// Whether each line is ASCII: then a column is a byte count, found
    /// without walking the line (a body of one long line with an error at
    /// every operator must not take quadratic time).
    ascii: Vec<bool>,
}

impl<'a> BodyMap<'a> {
    pub fn new(file: FileId, text: &'a str, base: u32) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)));
        let ascii = text.split('\n').map(str::is_ascii).collect();
        BodyMap { file, text, base, line_starts, ascii }
    }

    /// The whole body.
    pub fn whole(&self) -> Span {
        let len = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        Span::new(self.file, TextRange::new(self.base, self.base.saturating_add(len)))
    }

    /// The byte offset (in the file) of a sqlparser location; `None` for
    /// the empty location sqlparser gives nodes it has no position for.
    pub fn offset(&self, loc: Location) -> Option<u32> {
        if loc.line == 0 || loc.column == 0 {
            return None;
        }
        let line = usize::try_from(loc.line - 1).ok()?;
        let start = *self.line_starts.get(line)?;
        let rest = self.text.get(start as usize..)?;
        let column = usize::try_from(loc.column - 1).ok()?;
        let line_len = match self.line_starts.get(line + 1) {
            Some(next) => next.saturating_sub(start).saturating_sub(1) as usize,
            None => rest.len(),
        };
        // sqlparser counts characters; a column past the line's end (the
        // end of the last token on a line) is clamped to the line's end.
        let in_line = if self.ascii.get(line).copied().unwrap_or(false) {
            column.min(line_len)
        } else {
            rest.char_indices()
                .take_while(|(_, c)| *c != '\n')
                .map(|(i, _)| i)
                .chain(std::iter::once(line_len))
                .nth(column)
                .unwrap_or(line_len)
        };
        let in_body = start.saturating_add(u32::try_from(in_line).unwrap_or(u32::MAX));
        Some(self.base.saturating_add(in_body))
    }

    /// A sqlparser span as a file span (the whole body when unknown).
    pub fn span(&self, span: SqlSpan) -> Span {
        match (self.offset(span.start), self.offset(span.end)) {
            (Some(start), Some(end)) if end > start => Span::new(self.file, TextRange::new(start, end)),
            (Some(start), _) => Span::new(self.file, TextRange::new(start, start.saturating_add(1))),
            _ => self.whole(),
        }
    }

    /// The span of a call from its name to its closing parenthesis:
    /// sqlparser's spans end at the last argument.
    pub fn call(&self, name: Span) -> Span {
        let rel = name.range.end.saturating_sub(self.base) as usize;
        let rest = self.text.get(rel..).unwrap_or("");
        let open = rest.len() - rest.trim_start().len();
        if !rest.trim_start().starts_with('(') {
            return name;
        }
        match self.matching_paren(rel + open) {
            Some(close) => Span::new(self.file, TextRange::new(name.range.start, self.abs(close + 1))),
            None => name,
        }
    }

    /// For `cast(x as t)`, `extract(f from x)`, `exists (…)`: the span of
    /// the whole construct around `inner` (sqlparser gives the inner part).
    pub fn around(&self, inner: Span) -> Span {
        let start = inner.range.start.saturating_sub(self.base) as usize;
        let before = self.text.get(..start).unwrap_or("").trim_end();
        // `cast(x …`, or `extract(year from x …`: the nearest `(` before
        // `inner` with no other bracket in between.
        let Some(open) = before.rfind(['(', ')']).filter(|&i| before.as_bytes().get(i) == Some(&b'(')) else {
            return inner;
        };
        let before_paren = before.get(..open).unwrap_or("");
        let word = before_paren.trim_end();
        let word_start = word.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_').len();
        if word_start == word.len() {
            return inner;
        }
        match self.matching_paren(open) {
            Some(close) => Span::new(self.file, TextRange::new(self.abs(word_start), self.abs(close + 1))),
            None => inner,
        }
    }

    /// Extends `span` over the parenthesis that closes a group opened
    /// inside it (`x in (select …)`).
    pub fn through_paren(&self, span: Span) -> Span {
        let end = span.range.end.saturating_sub(self.base) as usize;
        let rest = self.text.get(end..).unwrap_or("");
        let ws = rest.len() - rest.trim_start().len();
        if rest.trim_start().starts_with(')') {
            return Span::new(self.file, TextRange::new(span.range.start, self.abs(end + ws + 1)));
        }
        span
    }

    /// `span` without the blanks, and the brackets that close what is
    /// before it or open what is after it, at its ends: the place of a
    /// keyword known only as what lies between two nodes (`) union (`).
    /// No node's own span starts with `)` or ends with `(`.
    pub fn trimmed(&self, span: Span) -> Span {
        let start = span.range.start.saturating_sub(self.base) as usize;
        let end = span.range.end.saturating_sub(self.base) as usize;
        let Some(text) = self.text.get(start..end) else { return span };
        let head = text.len() - text.trim_start_matches(|c: char| c.is_whitespace() || c == ')').len();
        let kept = text.trim_end_matches(|c: char| c.is_whitespace() || c == '(').len();
        if kept <= head {
            return span;
        }
        Span::new(self.file, TextRange::new(self.abs(start + head), self.abs(start + kept)))
    }

    /// A zero-width span after the body's last non-blank character (for
    /// "expected …, found end of input").
    pub fn end(&self) -> Span {
        let at = self.abs(self.text.trim_end().len());
        Span::new(self.file, TextRange::new(at, at))
    }

    fn abs(&self, rel: usize) -> u32 {
        self.base.saturating_add(u32::try_from(rel).unwrap_or(u32::MAX))
    }

    /// The byte (relative to the body) of the `)` matching the `(` at
    /// `open`, skipping strings, quoted names and comments.
    fn matching_paren(&self, open: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut depth = 0usize;
        let mut i = open;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'(' => depth += 1,
                b')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {
                    if let Some(end) = opaque_end(bytes, i) {
                        i = end;
                    }
                }
            }
            i += 1;
        }
        None
    }

    /// The span of the source text from byte `start` (file offset) on as
    /// far as a word goes — for errors sqlparser reports at a location.
    pub fn word_at(&self, loc: Location) -> Span {
        let Some(start) = self.offset(loc) else { return self.whole() };
        let rel = start.saturating_sub(self.base) as usize;
        let rest = self.text.get(rel..).unwrap_or("");
        let len = match rest.chars().next() {
            Some(c) if c.is_alphanumeric() || c == '_' || c == '$' => {
                rest.find(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '$')).unwrap_or(rest.len())
            }
            Some(c) => c.len_utf8(),
            None => 0,
        };
        Span::new(self.file, TextRange::new(start, start.saturating_add(u32::try_from(len).unwrap_or(0))))
    }
}

/// When byte `i` of `bytes` opens a string, a quoted name or a comment,
/// the byte that closes it (the end of the text when nothing does): what
/// scanners of SQL text step over.
pub(crate) fn opaque_end(bytes: &[u8], i: usize) -> Option<usize> {
    let quote = *bytes.get(i)?;
    let next = bytes.get(i + 1).copied();
    let mut j = i + 1;
    match (quote, next) {
        (b'\'' | b'"' | b'`', _) => {
            while bytes.get(j).is_some_and(|&c| c != quote) {
                j += 1;
            }
        }
        (b'-', Some(b'-')) => {
            while bytes.get(j).is_some_and(|&c| c != b'\n') {
                j += 1;
            }
        }
        (b'/', Some(b'*')) => {
            j += 1;
            while bytes.get(j).is_some() && !(bytes.get(j) == Some(&b'*') && bytes.get(j + 1) == Some(&b'/')) {
                j += 1;
            }
            j += 1;
        }
        _ => return None,
    }
    Some(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_characters_and_lines_map() {
        let text = "\n  select 'é', x\n\tfrom t";
        let map = BodyMap::new(FileId(0), text, 100);
        // `x` is line 2, column 15 (characters): byte 16 of the body since `é` is 2 bytes.
        let x = map.offset(Location { line: 2, column: 15 }).unwrap();
        assert_eq!(&text[(x - 100) as usize..(x - 99) as usize], "x");
        let t = map.offset(Location { line: 3, column: 7 }).unwrap();
        assert_eq!(&text[(t - 100) as usize..], "t");
        assert_eq!(map.offset(Location { line: 0, column: 0 }), None);
        assert_eq!(map.word_at(Location { line: 3, column: 2 }).range, TextRange::new(119, 123));
    }

    #[test]
    fn a_keyword_between_two_nodes_is_trimmed_to_itself() {
        let text = "(select 1)\n  union all\n(select 2)";
        let map = BodyMap::new(FileId(0), text, 100);
        // From the end of `1` to the start of the second `select`.
        let gap = map.span(SqlSpan::new(Location { line: 1, column: 10 }, Location { line: 3, column: 2 }));
        let kept = map.trimmed(gap).range;
        assert_eq!(&text[(kept.start - 100) as usize..(kept.end - 100) as usize], "union all");
        // Nothing but blanks and brackets: left as it was.
        let blank = map.span(SqlSpan::new(Location { line: 1, column: 10 }, Location { line: 2, column: 3 }));
        assert_eq!(map.trimmed(blank), blank);
    }

    #[test]
    fn strings_names_and_comments_are_stepped_over() {
        let text = b"'a)b' \"x\" -- c)\n/* d) */ e";
        assert_eq!(opaque_end(text, 0), Some(4));
        assert_eq!(opaque_end(text, 6), Some(8));
        assert_eq!(opaque_end(text, 10), Some(15));
        assert_eq!(opaque_end(text, 16), Some(23));
        assert_eq!(opaque_end(text, 25), None);
        assert_eq!(opaque_end(b"'open", 0), Some(5), "an open string runs to the end");
    }
}
