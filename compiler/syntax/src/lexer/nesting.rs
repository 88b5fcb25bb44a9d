//! Bracket nesting: the depth guard, and the balanced token stream the
//! parser relies on (unclosed openers closed by zero-width tokens, stray
//! closers dropped).

use cjo_diagnostics as diag;

use super::{Lexer, MAX_NESTING, Opener, Skip};
use crate::token::{Spanned, Token};

impl<'src> Lexer<'src> {
    /// Pushes a token that ends at the current position, tracking nesting.
    pub(super) fn push(&mut self, token: Token<'src>, start: usize) {
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
    pub(super) fn close_bracket(&mut self, close: Token<'src>, at: usize) -> bool {
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
    pub(super) fn push_synthetic_close(&mut self, open: usize, at: usize) {
        let token = match self.slice(open, open + 1) {
            "{" => Token::RBrace,
            "(" => Token::RParen,
            _ => Token::RBracket,
        };
        self.push_raw(token, at, at);
    }

    pub(super) fn report_unclosed(&mut self, start: usize) {
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

    pub(super) fn push_raw(&mut self, token: Token<'src>, start: usize, end: usize) {
        self.out.tokens.push(Spanned { token, range: self.range(start, end) });
    }
}

/// The opener a closing bracket matches.
fn opener_of(close: Token<'_>) -> &'static str {
    match close {
        Token::RBrace => "{",
        Token::RParen => "(",
        _ => "[",
    }
}
