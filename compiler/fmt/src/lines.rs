//! Output lines and their rendering.

use crate::width::width;

/// How a line is indented.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Indent {
    /// This many spaces.
    Fixed(usize),
    /// A line of comments: indented like the next line of code (one level
    /// deeper when that line closes a block or bracket).
    Follow,
    /// A line that starts inside a SQL string or comment: written as it is.
    Verbatim,
}

/// One output line (a multi-line block comment makes it several).
#[derive(Debug)]
pub(crate) struct Line {
    pub indent: Indent,
    pub text: String,
    /// Preceded by one blank line.
    pub blank_before: bool,
    /// Holds a token (not only comments).
    pub has_token: bool,
    /// Its last token is a `{`.
    pub opens_block: bool,
    /// Its first token closes a block or bracket.
    pub closer_first: bool,
}

impl Line {
    pub(crate) fn new(indent: Indent, blank_before: bool, closer_first: bool) -> Line {
        Line { indent, text: String::new(), blank_before, has_token: false, opens_block: false, closer_first }
    }

    /// The column at the end of the line, when its indentation is known.
    pub(crate) fn width(&self) -> Option<usize> {
        let indent = match self.indent {
            Indent::Fixed(n) => n,
            Indent::Verbatim => 0,
            Indent::Follow => return None,
        };
        Some(match self.text.rfind('\n') {
            Some(i) => width(self.text.get(i + 1..).unwrap_or("")),
            None => indent + width(&self.text),
        })
    }
}

/// Joins the lines into the file's text: LF line ends, no trailing
/// whitespace outside SQL strings, exactly one final newline (none for a
/// file without tokens or comments).
pub(crate) fn render(mut lines: Vec<Line>) -> String {
    let mut next = 0;
    for line in lines.iter_mut().rev() {
        match line.indent {
            Indent::Fixed(n) => next = if line.closer_first { n + 2 } else { n },
            Indent::Follow => line.indent = Indent::Fixed(next),
            Indent::Verbatim => {}
        }
    }
    let mut out = String::new();
    for line in &lines {
        if line.blank_before && !out.is_empty() {
            out.push('\n');
        }
        if let Indent::Fixed(n) = line.indent {
            if !line.text.is_empty() {
                out.extend(std::iter::repeat_n(' ', n));
            }
        }
        out.push_str(&line.text);
        out.push('\n');
    }
    out
}
