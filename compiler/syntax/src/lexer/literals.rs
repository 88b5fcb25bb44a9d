//! Comments, numbers, strings and characters that start no token.

use cjo_diagnostics as diag;

use super::Lexer;
use crate::token::{Comment, Spanned, Token};

impl<'src> Lexer<'src> {
    /// A run of characters that start no token becomes one error.
    pub(super) fn unexpected(&mut self, start: usize) {
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

    pub(super) fn line_comment(&mut self) {
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

    pub(super) fn block_comment(&mut self) {
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

    pub(super) fn number(&mut self) {
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
    pub(super) fn string(&mut self, quote: u8) {
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
            if b == 0 {
                // Redshift's text cannot hold NUL, and no scheduler or file
                // format cjo writes wants one: it is never meant.
                self.report(
                    self.error(
                        diag::UNEXPECTED_CHARACTER,
                        self.pos,
                        self.pos + 1,
                        "a NUL character (U+0000) in a string",
                    )
                    .with_label("NUL")
                    .with_help("remove it: Redshift's text cannot hold it, and it is invisible in every editor"),
                );
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
    pub(super) fn escape(&mut self) {
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
}
