//! The printer: walks tokens and comments in source order and lays them out
//! into lines. Which line breaks to keep, add or drop is decided per pair of
//! neighbours; the indentation of a line follows from the structure (block
//! depth, member, open brackets), never from the input's indentation.

use cjo_syntax::lexer::Lexed;
use cjo_syntax::token::{Spanned, Token};

use crate::lines::{Indent, Line, render};
use crate::shape::{Flags, Shape};
use crate::spacing::space_between;
use crate::sql;
use crate::width::width;

/// Lays out a file that parsed without errors.
pub(crate) fn print(text: &str, lexed: &Lexed<'_>, shape: &Shape) -> String {
    let mut p = Printer {
        text,
        tokens: &lexed.tokens,
        shape,
        lines: Vec::new(),
        depth: 0,
        brackets: Vec::new(),
        members: Vec::new(),
        next_member: 0,
        prev: None,
        prev_token: None,
        sql_one_line: false,
        sql_empty: false,
    };
    for el in elements(lexed) {
        match el.piece {
            Piece::Token(i, Token::SqlBody(body)) => p.sql_body(&el, i, body),
            Piece::Token(i, token) => p.token(&el, i, token),
            Piece::Comment { block } => p.comment(&el, block),
        }
        p.prev = Some(el);
    }
    render(p.lines)
}

/// A token or comment, in source order.
#[derive(Clone, Copy, Debug)]
struct Element<'s> {
    piece: Piece<'s>,
    start: usize,
    end: usize,
}

#[derive(Clone, Copy, Debug)]
enum Piece<'s> {
    /// A token and its index in the lexed tokens.
    Token(usize, Token<'s>),
    /// A `//` or `/* */` comment, or a `///` doc comment (laid out as a
    /// comment; the parser attaches it to the next member wherever it is).
    Comment { block: bool },
}

fn elements<'s>(lexed: &Lexed<'s>) -> Vec<Element<'s>> {
    let tokens = lexed.tokens.iter().enumerate().map(|(i, t)| {
        let piece = match t.token {
            Token::DocComment(_) => Piece::Comment { block: false },
            token => Piece::Token(i, token),
        };
        Element { piece, start: t.range.start as usize, end: t.range.end as usize }
    });
    let comments = lexed.comments.iter().map(|c| Element {
        piece: Piece::Comment { block: c.block },
        start: c.range.start as usize,
        end: c.range.end as usize,
    });
    let mut all: Vec<Element<'s>> = tokens.chain(comments).collect();
    all.sort_by_key(|e| e.start);
    all
}

/// Where an element goes relative to the one before it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Place {
    SameLine,
    NewLine { blank: bool },
}

/// An open bracket: its line's indentation and index, and whether it ends
/// that line (its contents are then indented 2 more spaces, as a block;
/// otherwise 4, as continuation lines).
#[derive(Clone, Copy, Debug)]
struct Bracket {
    indent: usize,
    line: usize,
    ends_line: bool,
}

struct Printer<'a, 's> {
    text: &'s str,
    tokens: &'a [Spanned<'s>],
    shape: &'a Shape,
    lines: Vec<Line>,
    /// Open blocks.
    depth: usize,
    /// The open `(`, `[` and type `<`, innermost last.
    brackets: Vec<Bracket>,
    /// The members containing the current token: (end, indentation of the
    /// line the member starts on), innermost last.
    members: Vec<(u32, usize)>,
    next_member: usize,
    prev: Option<Element<'s>>,
    prev_token: Option<usize>,
    /// Whether the last SQL body stayed on one line, and was empty.
    sql_one_line: bool,
    sql_empty: bool,
}

impl<'s> Printer<'_, 's> {
    fn flags(&self, index: usize) -> Flags {
        self.shape.flags.get(index).copied().unwrap_or_default()
    }

    fn slice(&self, el: &Element<'_>) -> &'s str {
        self.text.get(el.start..el.end).unwrap_or("")
    }

    fn current_has_token(&self) -> bool {
        self.lines.last().is_some_and(|l| l.has_token)
    }

    fn prev_flags(&self) -> Flags {
        self.prev_token.map(|i| self.flags(i)).unwrap_or_default()
    }

    fn newlines_before(&self, el: &Element<'_>) -> usize {
        let from = self.prev.map_or(0, |p| p.end);
        self.text.get(from..el.start).map_or(0, |gap| gap.matches('\n').count())
    }

    fn current(&mut self) -> Option<&mut Line> {
        self.lines.last_mut()
    }

    /// Whether a line break kept from the input gets a blank line: a run of
    /// blank lines becomes one, and none is kept after a `{` line.
    fn blank_kept(&self, newlines: usize) -> bool {
        newlines >= 2 && !self.lines.last().is_some_and(|l| l.opens_block)
    }

    fn place_token(&self, el: &Element<'_>, f: Flags) -> Place {
        let Some(prev) = self.prev else { return Place::NewLine { blank: false } };
        let newlines = self.newlines_before(el);
        let after_comment = matches!(prev.piece, Piece::Comment { .. });
        // The input's line breaks (a line comment always ends its line).
        let kept = newlines > 0 || matches!(prev.piece, Piece::Comment { block: false });
        if f.block_open || f.sql_open {
            // A `{` ends the line that introduces its block, unless a
            // comment is in the way.
            return if kept && after_comment {
                Place::NewLine { blank: self.blank_kept(newlines) }
            } else {
                Place::SameLine
            };
        }
        if f.sql_close {
            return if self.sql_one_line { Place::SameLine } else { Place::NewLine { blank: false } };
        }
        if f.block_close {
            // `{}` when empty, else on its own line; no blank line before.
            let empty = self.prev_flags().block_open && (!after_comment || !kept);
            return if empty { Place::SameLine } else { Place::NewLine { blank: false } };
        }
        if kept {
            return Place::NewLine { blank: self.blank_kept(newlines) };
        }
        // A line that holds only comments so far (`/* note */ key = 1`)
        // is not broken: the rules below separate tokens.
        if !self.current_has_token() {
            return Place::SameLine;
        }
        let separated = self
            .prev_token
            .and_then(|i| self.tokens.get(i))
            .is_some_and(|t| matches!(t.token, Token::Comma | Token::Semi));
        if self.prev_flags().block_open || (f.member_start && !separated) {
            return Place::NewLine { blank: false };
        }
        Place::SameLine
    }

    /// The indentation of a line that starts with this token.
    fn indent_for(&self, token: Token<'_>, f: Flags) -> usize {
        if f.block_close || f.sql_close {
            return 2 * self.depth.saturating_sub(1);
        }
        if f.member_start {
            return 2 * self.depth;
        }
        if let Some(open) = self.brackets.last() {
            let closer = matches!(token, Token::RParen | Token::RBracket) || f.angle_close;
            return match (closer, open.ends_line) {
                (true, _) => open.indent,
                (false, true) => open.indent + 2,
                (false, false) => open.indent + 4,
            };
        }
        match self.members.last() {
            // A continuation line of a member.
            Some(&(_, member)) => member + 4,
            None => 2 * self.depth,
        }
    }

    fn token(&mut self, el: &Element<'_>, index: usize, token: Token<'_>) {
        let f = self.flags(index);
        while self.members.last().is_some_and(|&(end, _)| end as usize <= el.start) {
            self.members.pop();
        }
        let closer = f.block_close || f.sql_close || f.angle_close || matches!(token, Token::RParen | Token::RBracket);
        match self.place_token(el, f) {
            Place::NewLine { blank } => {
                let indent = self.indent_for(token, f);
                self.lines.push(Line::new(Indent::Fixed(indent), blank, closer));
            }
            Place::SameLine => {
                let line = self.lines.len();
                if let Some(open) = self.brackets.last_mut().filter(|b| b.line == line) {
                    open.ends_line = false;
                }
                let space = match (self.prev, self.prev_token.and_then(|i| self.tokens.get(i))) {
                    (Some(Element { piece: Piece::Comment { .. }, end, .. }), _) => self.gap_has_space(end, el.start),
                    _ if f.sql_close => !self.sql_empty,
                    (_, Some(prev)) => space_between(prev.token, self.prev_flags(), token, f),
                    _ => false,
                };
                let indent = self.indent_for(token, f);
                if let Some(line) = self.current() {
                    // A line that started with a block comment is indented
                    // as its first token would be.
                    if line.indent == Indent::Follow && !line.has_token {
                        line.indent = Indent::Fixed(indent);
                        line.closer_first = closer;
                    }
                    if space {
                        line.text.push(' ');
                    }
                }
            }
        }
        self.enter_members(el.start);
        let text = self.slice(el);
        let depth_before = self.depth;
        if let Some(line) = self.current() {
            line.text.push_str(text);
            line.has_token = true;
            line.opens_block = f.block_open || f.sql_open;
        }
        let open = Bracket { indent: self.line_indent(), line: self.lines.len(), ends_line: true };
        match token {
            Token::LBrace => self.depth = depth_before + 1,
            Token::RBrace => self.depth = depth_before.saturating_sub(1),
            Token::LParen | Token::LBracket => self.brackets.push(open),
            Token::Lt if f.angle_open => self.brackets.push(open),
            Token::RParen | Token::RBracket => _ = self.brackets.pop(),
            Token::Gt if f.angle_close => _ = self.brackets.pop(),
            _ => {}
        }
        self.prev_token = Some(index);
    }

    fn gap_has_space(&self, from: usize, to: usize) -> bool {
        self.text.get(from..to).is_some_and(|gap| !gap.is_empty())
    }

    fn line_indent(&self) -> usize {
        match self.lines.last().map(|l| l.indent) {
            Some(Indent::Fixed(n)) => n,
            _ => 2 * self.depth,
        }
    }

    /// Pushes the members that start at `offset`.
    fn enter_members(&mut self, offset: usize) {
        let indent = self.line_indent();
        while let Some(m) = self.shape.members.get(self.next_member) {
            if m.start as usize > offset {
                break;
            }
            if m.end as usize > offset {
                self.members.push((m.end, indent));
            }
            self.next_member += 1;
        }
    }

    fn comment(&mut self, el: &Element<'_>, block: bool) {
        let newlines = self.newlines_before(el);
        if self.prev.is_none() || newlines > 0 {
            let blank = self.prev.is_some() && self.blank_kept(newlines);
            self.lines.push(Line::new(Indent::Follow, blank, false));
        } else {
            let spaces = match (block, self.prev) {
                (true, Some(p)) => usize::from(self.gap_has_space(p.end, el.start)),
                (true, None) => 0,
                (false, _) => self.trailing_pad_width(el),
            };
            if let Some(line) = self.current() {
                line.text.push_str(&" ".repeat(spaces));
            }
        }
        let text = comment_text(self.slice(el));
        if let Some(line) = self.current() {
            line.text.push_str(&text);
        }
    }

    /// The spaces before a trailing `//` comment. One written a space after
    /// its code stays so; one set further off (aligned with others) keeps
    /// its column if the code before it leaves room, else gets one space.
    fn trailing_pad_width(&self, el: &Element<'_>) -> usize {
        let gap = self.prev.and_then(|p| self.text.get(p.end..el.start)).unwrap_or("");
        let (Some(code), true) = (self.lines.last().and_then(Line::width), width(gap) > 1) else { return 1 };
        let line_start = self.text.get(..el.start).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
        let column = self.text.get(line_start..el.start).map_or(0, width);
        if column > code { column - code } else { 1 }
    }

    fn sql_body(&mut self, el: &Element<'_>, index: usize, body: &str) {
        self.prev_token = Some(index);
        let trimmed = body.trim_matches(|c: char| c.is_ascii_whitespace());
        self.sql_one_line = !body.contains('\n') || trimmed.is_empty();
        self.sql_empty = trimmed.is_empty();
        if let Some(line) = self.current() {
            line.opens_block = false;
        }
        if self.sql_one_line {
            if let Some(line) = self.current().filter(|_| !trimmed.is_empty()) {
                line.text.push(' ');
                line.text.push_str(trimmed);
            }
            return;
        }
        let line_start = self.text.get(..el.start).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
        let prefix = self.text.get(line_start..el.start).unwrap_or("");
        let dialect = index.checked_sub(2).and_then(|i| self.tokens.get(i)).map(|t| t.token);
        let bigquery = dialect.is_some_and(|t| t.is_word("bigquery"));
        for l in sql::layout(body, prefix, 2 * self.depth, bigquery) {
            let indent = l.indent.map_or(Indent::Verbatim, Indent::Fixed);
            let mut line = Line::new(indent, l.blank_before, false);
            line.text = l.text;
            line.has_token = true;
            self.lines.push(line);
        }
    }
}

/// A comment as written, with CRLF line ends and trailing whitespace gone.
fn comment_text(raw: &str) -> String {
    let lines: Vec<&str> = raw.split('\n').map(|l| l.trim_end_matches(|c: char| c.is_ascii_whitespace())).collect();
    lines.join("\n")
}
