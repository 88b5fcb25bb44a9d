//! The lexer: text → tokens, comments and diagnostics. It never fails.
//!
//! Hand-written rather than generated because one construct is contextual:
//! the body of `sql { … }` is kept verbatim for the SQL parser, and finding
//! its closing brace means skipping SQL strings, quoted identifiers and
//! comments, none of which are `.cjo` tokens.

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

    /// A run of characters that start no token becomes one error.
    fn unexpected(&mut self, start: usize) {
        let first = self.text.get(start..).and_then(|s| s.chars().next()).unwrap_or('\u{fffd}');
        self.pos += first.len_utf8().max(1);
        // Group a run of the same kind of junk into one diagnostic.
        while let Some(c) = self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            if c.is_ascii()
                && (c.is_ascii_alphanumeric() || c.is_ascii_whitespace() || "{}()[],:;.=<>+-*/%|'\"`$_".contains(c))
            {
                break;
            }
            self.pos += c.len_utf8();
        }
        let text = self.slice(start, self.pos);
        let shown: String = text.chars().take(12).collect();
        let help = match first {
            '\u{201c}' | '\u{201d}' | '\u{2018}' | '\u{2019}' | '\u{ff02}' | '\u{ff07}' => Some(
                "this is a typographic quote, often pasted from a document; use a straight `\"` or `'`".to_string(),
            ),
            '\u{3000}' => Some("this is a full-width space; use an ordinary space".to_string()),
            '\u{fffd}' => Some("the file has bytes that are not UTF-8 here".to_string()),
            '#' => Some("comments start with `//` in .cjo files".to_string()),
            '!' => Some("use `not` for negation and `!=` for inequality".to_string()),
            '|' => Some("use `or` for disjunction and `||` for string concatenation".to_string()),
            '&' => Some("use `and` for conjunction".to_string()),
            c if c.is_alphabetic() => {
                Some("identifiers use ASCII letters, digits and `_`; put other text in a string".to_string())
            }
            _ => None,
        };
        let msg = if text.chars().count() > 1 {
            format!("unexpected characters `{shown}`")
        } else {
            format!("unexpected character `{}`", first.escape_debug())
        };
        self.report(self.error(diag::UNEXPECTED_CHARACTER, start, self.pos, msg).with_help_opt(help));
        self.push(Token::Error, start);
    }

    fn line_comment(&mut self) {
        let start = self.pos;
        while self.pos < self.bytes.len() && self.peek(0) != b'\n' {
            self.pos += 1;
        }
        let text = self.slice(start, self.pos);
        let doc = text.starts_with("///") && !text.starts_with("////");
        if doc && self.skip.is_none() {
            let body = text.get(3..).unwrap_or("").trim_end_matches('\r');
            self.out.tokens.push(Spanned { token: Token::DocComment(body), range: self.range(start, self.pos) });
        } else {
            self.out.comments.push(Comment { range: self.range(start, self.pos), block: false });
        }
    }

    fn block_comment(&mut self) {
        let start = self.pos;
        self.pos += 2;
        loop {
            if self.pos >= self.bytes.len() {
                self.report(
                    self.error(diag::UNTERMINATED_COMMENT, start, start + 2, "block comment is never closed")
                        .with_label("this `/*` has no matching `*/`")
                        .with_help("add `*/` where the comment should end"),
                );
                break;
            }
            if self.peek(0) == b'*' && self.peek(1) == b'/' {
                self.pos += 2;
                break;
            }
            self.pos += 1;
        }
        self.out.comments.push(Comment { range: self.range(start, self.pos), block: true });
    }

    fn number(&mut self) {
        let start = self.pos;
        while self.peek(0).is_ascii_digit() {
            self.pos += 1;
        }
        // `03:00` is a time of day.
        if self.peek(0) == b':'
            && self.peek(1).is_ascii_digit()
            && self.peek(2).is_ascii_digit()
            && !self.peek(3).is_ascii_digit()
        {
            let hours = self.slice(start, self.pos);
            self.pos += 3;
            let minutes = self.slice(self.pos - 2, self.pos);
            let valid = hours.len() <= 2
                && hours.parse::<u32>().is_ok_and(|h| h < 24)
                && minutes.parse::<u32>().is_ok_and(|m| m < 60);
            if !valid {
                self.report(
                    self.error(
                        diag::INVALID_TIME,
                        start,
                        self.pos,
                        format!("`{}` is not a time of day", self.slice(start, self.pos)),
                    )
                    .with_help("write a 24-hour time from `00:00` to `23:59`"),
                );
            }
            let t = self.slice(start, self.pos);
            return self.push(Token::Time(t), start);
        }
        if self.peek(0) == b'.' && self.peek(1).is_ascii_digit() {
            self.pos += 1;
            while self.peek(0).is_ascii_digit() {
                self.pos += 1;
            }
        }
        let digits = self.slice(start, self.pos);
        if self.peek(0) == b'%' {
            self.pos += 1;
            return self.push(Token::Percent(digits), start);
        }
        if matches!(self.peek(0), b'a'..=b'z' | b'A'..=b'Z' | b'_') {
            // `1e6` or `12abc`: report once, keep the digits as the number.
            let mut end = self.pos;
            while matches!(self.bytes.get(end), Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_')) {
                end += 1;
            }
            let word = self.slice(self.pos, end);
            let exponent = word.starts_with(['e', 'E'])
                && word.get(1..).is_some_and(|rest| rest.bytes().all(|c| c.is_ascii_digit()));
            // `5days` is a duration written without its space; anything
            // else glued to digits is neither a number nor a name.
            if crate::ast::DurationUnit::parse(word).is_none() {
                let help = if exponent {
                    "write numbers in plain decimal notation, e.g. `1000000` or `0.25`"
                } else {
                    "names start with a letter or `_`; put a space between a number and a word"
                };
                self.report(
                    self.error(
                        diag::INVALID_NUMBER,
                        start,
                        end,
                        format!("`{}` is not a number cjo understands", self.slice(start, end)),
                    )
                    .with_help(help),
                );
                self.pos = end;
                return self.push(Token::Error, start);
            }
        }
        self.push(Token::Number(digits), start);
    }

    /// `"…"`, `'…'` and `` `…` ``. Strings end at their line: an unclosed one
    /// is reported and ends there, so the next line lexes normally.
    fn string(&mut self, quote: u8) {
        let start = self.pos;
        self.pos += 1;
        let content_start = self.pos;
        let mut closed = false;
        while self.pos < self.bytes.len() {
            let b = self.peek(0);
            if b == b'\n' {
                break;
            }
            if b == b'\\' && quote == b'"' {
                self.escape();
                continue;
            }
            if b == quote {
                // `''` inside a SQL string is an escaped quote.
                if quote == b'\'' && self.peek(1) == b'\'' {
                    self.pos += 2;
                    continue;
                }
                closed = true;
                break;
            }
            self.pos += 1;
        }
        let mut content_end = self.pos;
        if closed {
            self.pos += 1;
        } else {
            content_end = self.pos - usize::from(self.slice(content_start, self.pos).ends_with('\r'));
            let what = match quote {
                b'`' => "quoted identifier",
                _ => "string",
            };
            let q = quote as char;
            self.report(
                self.error(
                    diag::UNTERMINATED_STRING,
                    start,
                    self.pos.max(start + 1),
                    format!("{what} is never closed"),
                )
                .with_label(format!("this {what} has no closing `{q}` on its line"))
                .with_help(format!("add the closing `{q}`; strings cannot span lines (write `\\n` for a line break)")),
            );
        }
        let content = self.slice(content_start, content_end);
        let token = match quote {
            b'"' => Token::Str(content),
            b'\'' => Token::SqlStr(content),
            _ => Token::QuotedIdent(content),
        };
        self.push(token, start);
    }

    /// Checks one backslash escape inside `"…"`.
    fn escape(&mut self) {
        let start = self.pos;
        let next = self.text.get(self.pos + 1..).and_then(|s| s.chars().next());
        match next {
            Some('"' | '\\' | 'n' | 't' | 'r') => self.pos += 2,
            Some('\n') | None => self.pos += 1,
            Some(c) => {
                self.pos += 1 + c.len_utf8();
                self.report(
                    self.error(
                        diag::INVALID_ESCAPE,
                        start,
                        self.pos,
                        format!("unknown escape `\\{}`", c.escape_debug()),
                    )
                    .with_help("the escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\r`; write `\\\\` for a backslash"),
                );
            }
        }
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
                    _ => {
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

    /// Pushes a token that ends at the current position, tracking nesting.
    fn push(&mut self, token: Token<'src>, start: usize) {
        let end = self.pos;
        let opener = match token {
            Token::LBrace | Token::LParen | Token::LBracket => Some(Opener::Bracket),
            Token::Ident(w) if w.eq_ignore_ascii_case("case") => Some(Opener::Case),
            _ => None,
        };
        let closes = match token {
            Token::RBrace | Token::RParen | Token::RBracket => Some(Opener::Bracket),
            Token::Ident(w) if w.eq_ignore_ascii_case("end") => Some(Opener::Case),
            _ => None,
        };
        if let Some(skip) = &mut self.skip {
            if let Some(o) = opener {
                skip.open.push(o);
            } else if closes == Some(Opener::Bracket) {
                while let Some(o) = skip.open.pop() {
                    if o == Opener::Bracket {
                        break;
                    }
                }
            } else if closes == Some(Opener::Case) && skip.open.last() == Some(&Opener::Case) {
                skip.open.pop();
            }
            if skip.open.is_empty() {
                let s = skip.start as usize;
                self.skip = None;
                self.push_raw(Token::Error, s, end);
            }
            return;
        }
        if let Some(o) = opener {
            if self.nesting.len() >= MAX_NESTING {
                self.report(
                    self.error(
                        diag::NESTING_TOO_DEEP,
                        start,
                        end,
                        format!("nested more than {MAX_NESTING} levels deep"),
                    )
                    .with_help("split the expression or block into smaller parts"),
                );
                self.skip = Some(Skip { start: start as u32, open: vec![o] });
                return;
            }
            self.nesting.push((o, start));
        } else if let Some(c) = closes {
            if c == Opener::Bracket {
                if !self.close_bracket(token, start) {
                    return; // Unmatched: reported, and kept from the parser.
                }
            } else if self.nesting.last().is_some_and(|(o, _)| *o == Opener::Case) {
                self.nesting.pop();
            }
        }
        self.push_raw(token, start, end);
    }

    /// Pops the nesting back to the bracket that `close` (at `at`) matches.
    /// Brackets skipped on the way were never closed: each is reported at
    /// its opener and closed by a zero-width token, so the parser always
    /// sees balanced brackets. A closer that matches nothing is reported
    /// and dropped (returns false).
    fn close_bracket(&mut self, close: Token<'src>, at: usize) -> bool {
        let want = opener_of(close);
        let matches = |&(o, start): &(Opener, usize)| o == Opener::Bracket && self.slice(start, start + 1) == want;
        let Some(depth) = self.nesting.iter().rposition(matches) else {
            let text = self.slice(at, at + 1);
            self.report(
                self.error(diag::UNMATCHED_DELIMITER, at, at + 1, format!("`{text}` closes nothing"))
                    .with_label(format!("no `{want}` is open here"))
                    .with_help(format!("remove this `{text}`, or add the `{want}` it should close")),
            );
            return false;
        };
        let unclosed: Vec<(Opener, usize)> = self.nesting.drain(depth..).skip(1).collect();
        for (opener, start) in unclosed.into_iter().rev() {
            if opener == Opener::Bracket {
                self.report_unclosed(start);
                self.push_synthetic_close(start, at);
            }
        }
        true
    }

    /// A zero-width closer at `at` for the opener at `open`.
    fn push_synthetic_close(&mut self, open: usize, at: usize) {
        let token = match self.slice(open, open + 1) {
            "{" => Token::RBrace,
            "(" => Token::RParen,
            _ => Token::RBracket,
        };
        self.push_raw(token, at, at);
    }

    fn report_unclosed(&mut self, start: usize) {
        let open = self.slice(start, start + 1);
        let close = match open {
            "{" => "}",
            "(" => ")",
            _ => "]",
        };
        self.report(
            self.error(diag::UNCLOSED_DELIMITER, start, start + 1, format!("`{open}` is never closed"))
                .with_label(format!("this `{open}` has no matching `{close}`"))
                .with_help(format!("add `{close}` where this block or list should end")),
        );
    }

    fn push_raw(&mut self, token: Token<'src>, start: usize, end: usize) {
        self.out.tokens.push(Spanned { token, range: self.range(start, end) });
    }
}

#[cfg(test)]
mod tests;

/// The opener a closing bracket matches.
fn opener_of(close: Token<'_>) -> &'static str {
    match close {
        Token::RBrace => "{",
        Token::RParen => "(",
        _ => "[",
    }
}
