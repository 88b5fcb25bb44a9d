//! Tokens of the `.cjo` language.

use std::fmt;

use cjo_diagnostics::TextRange;

/// One token. Keywords are plain identifiers: the parser recognises them by
/// position, so `date`, `count` or `end` stay usable as column names.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Token<'src> {
    Ident(&'src str),
    /// `` `name` ``: the text between the backticks.
    QuotedIdent(&'src str),
    /// `"..."`: the raw text between the quotes, escapes not yet decoded.
    Str(&'src str),
    /// `'...'`: the raw text between the quotes (`''` is a quote).
    SqlStr(&'src str),
    Number(&'src str),
    /// `10%` or `12.5%`: the digits.
    Percent(&'src str),
    /// `03:00`.
    Time(&'src str),
    /// `$name`: the name.
    Param(&'src str),
    /// The verbatim text of a `sql { … }` body, between the braces.
    SqlBody(&'src str),
    /// `/// text`: the text after the slashes.
    DocComment(&'src str),
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Colon,
    Semi,
    Dot,
    Ellipsis,
    Arrow,
    Eq,
    EqEq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Star,
    Slash,
    Mod,
    Concat,
    /// Input the lexer could not make sense of (already reported).
    Error,
}

impl Token<'_> {
    /// Whether this token is the identifier `word` (keywords are identifiers).
    pub fn is_word(&self, word: &str) -> bool {
        matches!(self, Token::Ident(w) if *w == word)
    }
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Token::Ident(w) => return write!(f, "`{w}`"),
            Token::QuotedIdent(w) => return write!(f, "`{w}`"),
            Token::Str(_) => "a string",
            Token::SqlStr(_) => "a string",
            Token::Number(n) => return write!(f, "`{n}`"),
            Token::Percent(n) => return write!(f, "`{n}%`"),
            Token::Time(t) => return write!(f, "`{t}`"),
            Token::Param(p) => return write!(f, "`${p}`"),
            Token::SqlBody(_) => "a SQL body",
            Token::DocComment(_) => "a doc comment",
            Token::LBrace => "`{`",
            Token::RBrace => "`}`",
            Token::LParen => "`(`",
            Token::RParen => "`)`",
            Token::LBracket => "`[`",
            Token::RBracket => "`]`",
            Token::Comma => "`,`",
            Token::Colon => "`:`",
            Token::Semi => "`;`",
            Token::Dot => "`.`",
            Token::Ellipsis => "`...`",
            Token::Arrow => "`->`",
            Token::Eq => "`=`",
            Token::EqEq => "`==`",
            Token::NotEq => "`!=`",
            Token::Lt => "`<`",
            Token::Le => "`<=`",
            Token::Gt => "`>`",
            Token::Ge => "`>=`",
            Token::Plus => "`+`",
            Token::Minus => "`-`",
            Token::Star => "`*`",
            Token::Slash => "`/`",
            Token::Mod => "`%`",
            Token::Concat => "`||`",
            Token::Error => "invalid input",
        };
        f.write_str(s)
    }
}

/// A token with its place in the file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Spanned<'src> {
    pub token: Token<'src>,
    pub range: TextRange,
}

/// A comment the parser does not see (kept for the formatter).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Comment {
    pub range: TextRange,
    pub block: bool,
}
