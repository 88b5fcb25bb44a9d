//! The lexer: text → tokens, comments and diagnostics. It never fails.
//!
//! Hand-written rather than generated because one construct is contextual:
//! the body of `sql { … }` is kept verbatim for the SQL parser, and finding
//! its closing brace means skipping SQL strings, quoted identifiers and
//! comments, none of which are `.cjo` tokens.

mod literals;
mod nesting;
mod sql_body;

use cjo_diagnostics::{self as diag, Diagnostic, FileId, Span, TextRange};

use crate::token::{Comment, Spanned, Token};

/// Brackets (and `case … end`) nested deeper than this are reported and the
/// over-deep region becomes a single error token, so no later pass recurses
/// without bound.
pub const MAX_NESTING: usize = 128;

/// The output of [`lex`].
#[derive(Debug, Default)]
pub struct Lexed<'src> {
    pub tokens: Vec<Spanned<'src>>,
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Splits `text` into tokens. Problems become diagnostics and `Error` tokens;
/// lexing always reaches the end of the text.
pub fn lex(file: FileId, text: &str) -> Lexed<'_> {
    let mut lexer = Lexer {
        file,
        text,
        bytes: text.as_bytes(),
        pos: 0,
        out: Lexed::default(),
        nesting: Vec::new(),
        skip: None,
        pending_body_close: None,
    };
    if text.starts_with('\u{feff}') {
        lexer.pos = 3;
    }
    lexer.run();
    lexer.out
}

/// What opened a nesting level.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Opener {
    Bracket,
    Case,
}

/// An over-deep region being collapsed into one error token, with the
/// openers still open inside it.
#[derive(Clone, Debug)]
struct Skip {
    start: u32,
    open: Vec<Opener>,
}

struct Lexer<'src> {
    file: FileId,
    text: &'src str,
    bytes: &'src [u8],
    pos: usize,
    out: Lexed<'src>,
    nesting: Vec<(Opener, usize)>,
    skip: Option<Skip>,
    /// The `{` of a SQL body that runs to the end of the file.
    pending_body_close: Option<usize>,
}

/// Words that open a block named by the next identifier; `sql` right after
/// one of them is a name, not the start of a SQL body.
const ITEM_KEYWORDS: &[&str] = &["source", "model", "check", "journey", "pipeline", "fn", "stage", "step"];

impl<'src> Lexer<'src> {
    fn run(&mut self) {
        while self.pos < self.bytes.len() {
            self.step();
        }
        if let Some(skip) = self.skip.take() {
            self.push_raw(Token::Error, skip.start as usize, self.pos);
        }
        // Brackets still open at the end: point at each opener, which says
        // more than "unexpected end of file" would.
        let end = self.bytes.len();
        if let Some(open) = self.pending_body_close.take() {
            self.push_synthetic_close(open, end);
        }
        for (opener, start) in std::mem::take(&mut self.nesting).into_iter().rev() {
            if opener == Opener::Bracket {
                self.report_unclosed(start);
                self.push_synthetic_close(start, end);
            }
        }
    }

    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn range(&self, start: usize, end: usize) -> TextRange {
        TextRange::from_usize(start..end)
    }

    fn slice(&self, start: usize, end: usize) -> &'src str {
        self.text.get(start..end).unwrap_or("")
    }

    /// An error at `start..end`, for the caller to complete and [`report`](Self::report).
    fn error(&self, code: diag::Code, start: usize, end: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(code, Span::new(self.file, self.range(start, end)), message)
    }

    fn report(&mut self, d: Diagnostic) {
        self.out.diagnostics.push(d);
    }

    fn step(&mut self) {
        let start = self.pos;
        let b = self.peek(0);
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0c => self.pos += 1,
            b'/' if self.peek(1) == b'/' => self.line_comment(),
            b'/' if self.peek(1) == b'*' => self.block_comment(),
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                while matches!(self.peek(0), b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_') {
                    self.pos += 1;
                }
                let word = self.slice(start, self.pos);
                self.push(Token::Ident(word), start);
            }
            b'0'..=b'9' => self.number(),
            b'"' => self.string(b'"'),
            b'\'' => self.string(b'\''),
            b'`' => self.string(b'`'),
            b'$' => {
                self.pos += 1;
                let name_start = self.pos;
                while matches!(self.peek(0), b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_') {
                    self.pos += 1;
                }
                if self.pos == name_start {
                    self.report(
                        self.error(diag::SYNTAX_ERROR, start, self.pos, "`$` must be followed by a parameter name")
                            .with_help(
                                "write `$name` for a declared `param`, or `$run_start`, `$run_end`, `$run_date`",
                            ),
                    );
                    self.push(Token::Error, start);
                } else {
                    let name = self.slice(name_start, self.pos);
                    self.push(Token::Param(name), start);
                }
            }
            b'{' => {
                self.pos += 1;
                self.push(Token::LBrace, start);
                if self.skip.is_none() && self.opens_sql_body() {
                    self.sql_body(start);
                }
            }
            _ => self.punct(start),
        }
    }

    fn punct(&mut self, start: usize) {
        let (tok, len) = match (self.peek(0), self.peek(1), self.peek(2)) {
            (b'.', b'.', b'.') => (Token::Ellipsis, 3),
            (b'-', b'>', _) => (Token::Arrow, 2),
            (b'=', b'=', _) => (Token::EqEq, 2),
            (b'!', b'=', _) => (Token::NotEq, 2),
            (b'<', b'>', _) => (Token::NotEq, 2),
            (b'<', b'=', _) => (Token::Le, 2),
            (b'>', b'=', _) => (Token::Ge, 2),
            (b'|', b'|', _) => (Token::Concat, 2),
            (b'}', ..) => (Token::RBrace, 1),
            (b'(', ..) => (Token::LParen, 1),
            (b')', ..) => (Token::RParen, 1),
            (b'[', ..) => (Token::LBracket, 1),
            (b']', ..) => (Token::RBracket, 1),
            (b',', ..) => (Token::Comma, 1),
            (b':', ..) => (Token::Colon, 1),
            (b';', ..) => (Token::Semi, 1),
            (b'.', ..) => (Token::Dot, 1),
            (b'=', ..) => (Token::Eq, 1),
            (b'<', ..) => (Token::Lt, 1),
            (b'>', ..) => (Token::Gt, 1),
            (b'+', ..) => (Token::Plus, 1),
            (b'-', ..) => (Token::Minus, 1),
            (b'*', ..) => (Token::Star, 1),
            (b'/', ..) => (Token::Slash, 1),
            (b'%', ..) => (Token::Mod, 1),
            _ => return self.unexpected(start),
        };
        self.pos += len;
        self.push(tok, start);
    }

    /// Whether the `{` just pushed opens a SQL body: it follows `sql` or
    /// `sql <dialect>`, and that `sql` does not name a declaration.
    fn opens_sql_body(&self) -> bool {
        let toks: Vec<Token<'_>> = self
            .out
            .tokens
            .iter()
            .rev()
            .take(8)
            .filter(|t| !matches!(t.token, Token::DocComment(_)))
            .map(|t| t.token)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let n = toks.len();
        let word = |i: usize| match toks.get(i).copied() {
            Some(Token::Ident(w)) => Some(w),
            _ => None,
        };
        let not_named = |i: Option<usize>| i.and_then(word).is_none_or(|w| !ITEM_KEYWORDS.contains(&w));
        if n < 2 {
            return false;
        }
        if word(n - 2) == Some("sql") {
            return not_named((n - 2).checked_sub(1));
        }
        n >= 3 && word(n - 3) == Some("sql") && word(n - 2).is_some() && not_named((n - 3).checked_sub(1))
    }

    /// Lexes the verbatim body after the `{` at `open`.
    fn sql_body(&mut self, open: usize) {
        let mut before = self.out.tokens.iter().rev().filter(|t| !matches!(t.token, Token::DocComment(_))).skip(1);
        let dialect = match before.next().map(|t| t.token) {
            Some(Token::Ident(d)) if d != "sql" => Some(d),
            _ => None,
        };
        let body_start = self.pos;
        let scan = sql_body::scan(self.text, body_start, dialect == Some("bigquery"));
        match scan {
            sql_body::Scan::Closed { close } => {
                self.out.tokens.push(Spanned {
                    token: Token::SqlBody(self.slice(body_start, close)),
                    range: self.range(body_start, close),
                });
                self.pos = close;
                // The `}` is lexed normally next, which also pops the nesting.
            }
            sql_body::Scan::Unclosed { open_quote } => {
                let recovered = sql_body::recover_close(self.text, open, body_start);
                let end = recovered.unwrap_or(self.bytes.len());
                self.out.tokens.push(Spanned {
                    token: Token::SqlBody(self.slice(body_start, end)),
                    range: self.range(body_start, end),
                });
                self.pos = end;
                match (open_quote, recovered) {
                    (Some(q), Some(_)) => {
                        let len = if self.slice(q, q + 2) == "/*" { 2 } else { 1 };
                        self.report(self.error(
                            diag::UNTERMINATED_STRING,
                            q,
                            q + len,
                            "string or comment in this SQL body is never closed",
                        ).with_label("opened here").with_help("close the string or comment; in SQL a quote inside a string is written twice (`'it''s'`)"));
                    }
                    (None, Some(_)) => {
                        // A `{` inside the SQL is never closed; the body ends
                        // at the aligned `}`, which is lexed next and closes
                        // the body's `{` like any bracket.
                        self.report(
                            self.error(diag::UNTERMINATED_SQL_BODY, open, open + 1, "SQL body is never closed")
                                .with_label("a `{` inside this body has no matching `}`")
                                .with_help("balance the braces inside the SQL, or close the body with `}`"),
                        );
                    }
                    (_, None) => {
                        // The body's `{` is reported here, not as an unclosed
                        // bracket, and closed at the end like one.
                        if let Some((_, open_at)) = self.nesting.pop() {
                            self.pending_body_close = Some(open_at);
                        }
                        let quote_span = open_quote.map(|q| Span::new(self.file, self.range(q, q + 1)));
                        let mut d = self
                            .error(diag::UNTERMINATED_SQL_BODY, open, open + 1, "SQL body is never closed")
                            .with_label("this `{` has no matching `}`")
                            .with_help("add the closing `}` after the SQL");
                        if let Some(span) = quote_span {
                            d = d.with_secondary(span, "this string or comment is still open at the end of the file");
                        }
                        self.report(d);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
