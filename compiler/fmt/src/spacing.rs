//! Spacing between two tokens on one line.

use cjo_syntax::token::Token;

use crate::shape::Flags;

/// Words after which `(` opens a parenthesised expression or list, not the
/// arguments of a call: `x in (1, 2)`, `not (a or b)`, but `f(x)`.
const WORDS_BEFORE_PAREN: &[&str] = &[
    "and", "as", "between", "case", "distinct", "else", "in", "is", "like", "not", "or", "then", "until", "when",
    "where",
];

/// Whether one space separates `prev` and `next` (otherwise none does).
///
/// One space around `=`, `->` and the binary and comparison operators and
/// after `,`, `:` and `;`; none before `,` `:` `;` `.` `...` `)` `]`, none
/// after `(` `[` `.` or a unary `-`/`+`; none inside or before the angle
/// brackets of a type (`array<int>`, `fn f<T>(…)`); none between a name and
/// the `(` of its call (`count(*)`, `decimal(10, 2)`), but one after a
/// keyword (`in (…)`) and before a step's or stage's `(was old)`; `{}` for
/// an empty block.
pub(crate) fn space_between(prev: Token<'_>, pf: Flags, next: Token<'_>, nf: Flags) -> bool {
    use Token::*;
    if matches!(next, Comma | Semi | Colon | Dot | Ellipsis | RParen | RBracket) || nf.angle_open || nf.angle_close {
        return false;
    }
    if matches!(prev, LParen | LBracket | Dot) || pf.angle_open || pf.unary {
        return false;
    }
    match (prev, next) {
        (LBrace, RBrace) => false,
        (_, LParen) if nf.was_open => true,
        (Ident(word), LParen) => WORDS_BEFORE_PAREN.iter().any(|w| w.eq_ignore_ascii_case(word)),
        (QuotedIdent(_), LParen) => false,
        (_, LParen) => !pf.angle_close,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spaced(prev: Token<'_>, next: Token<'_>) -> bool {
        space_between(prev, Flags::default(), next, Flags::default())
    }

    #[test]
    fn calls_and_keywords() {
        assert!(!spaced(Token::Ident("count"), Token::LParen));
        assert!(spaced(Token::Ident("in"), Token::LParen));
        assert!(spaced(Token::Ident("NOT"), Token::LParen));
        assert!(spaced(Token::Eq, Token::LParen));
    }

    #[test]
    fn punctuation() {
        assert!(!spaced(Token::Ident("a"), Token::Comma));
        assert!(spaced(Token::Comma, Token::Ident("b")));
        assert!(!spaced(Token::Ident("a"), Token::Dot));
        assert!(!spaced(Token::Dot, Token::Ident("b")));
        assert!(spaced(Token::Ident("a"), Token::Arrow));
        assert!(!spaced(Token::LBrace, Token::RBrace));
    }

    #[test]
    fn unary_and_angles() {
        let unary = Flags { unary: true, ..Flags::default() };
        assert!(!space_between(Token::Minus, unary, Token::Number("1"), Flags::default()));
        assert!(spaced(Token::Minus, Token::Number("1")));
        let open = Flags { angle_open: true, ..Flags::default() };
        let close = Flags { angle_close: true, ..Flags::default() };
        assert!(!space_between(Token::Ident("array"), Flags::default(), Token::Lt, open));
        assert!(!space_between(Token::Lt, open, Token::Ident("int"), Flags::default()));
        assert!(!space_between(Token::Gt, close, Token::LParen, Flags::default()));
        assert!(spaced(Token::Ident("a"), Token::Lt));
    }
}
