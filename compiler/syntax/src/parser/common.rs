//! Small parsers shared by every declaration: names, strings, durations,
//! setting values, settings, types and blocks with recovery.

use chumsky::prelude::*;
use cjo_diagnostics::{self as diag, TextRange};

use super::{Extra, In, LineStarts, Sp, custom, rng};
use crate::ast::*;
use crate::token::Token;
use chumsky::inspector::SimpleState;

/// Words that look like time units but are not ones we accept.
const UNIT_LIKE: &[&str] = &[
    "month",
    "months",
    "year",
    "years",
    "min",
    "mins",
    "sec",
    "secs",
    "hr",
    "hrs",
    "ms",
    "millisecond",
    "milliseconds",
    "d",
    "h",
];

pub fn kw<'t, 's: 't>(word: &'static str) -> impl Parser<'t, In<'t, 's>, TextRange, Extra<'t, 's>> + Clone {
    just(Token::Ident(word)).map_with(|_, e| rng(e.span()))
}

/// A plain identifier.
pub fn name<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Name, Extra<'t, 's>> + Clone {
    select! { Token::Ident(w) => w }
        .map_with(|w: &str, e| Name { text: w.to_string(), range: rng(e.span()) })
        .labelled("a name")
}

/// A name that is not the start of the next member (`step x:`, `entry:`,
/// `key =`) on a following line: what `-> target`, `jump target` and the
/// like take, so that a target left out at the end of a line is reported
/// there instead of swallowing the next line.
pub fn target_name<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Name, Extra<'t, 's>> + Clone {
    let member_start = name().then(name().or_not()).then(one_of([Token::Colon, Token::Eq])).ignored();
    at_line_start(member_start).not().rewind().ignore_then(name())
}

/// A `"…"` string, decoded.
pub fn string<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, StrLit, Extra<'t, 's>> + Clone {
    select! { Token::Str(s) => s }
        .map_with(|s: &str, e| StrLit { value: unescape(s), range: rng(e.span()) })
        .labelled("a string")
}

/// Decodes the escapes of a `"…"` string (invalid ones were reported by the
/// lexer and are kept as written).
pub fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(c @ ('"' | '\\')) => out.push(c),
            Some(c) => {
                out.push('\\');
                out.push(c);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Decodes a `'…'` SQL string (`''` is a quote).
pub fn unquote_sql(raw: &str) -> String {
    raw.replace("''", "'")
}

/// `5 minutes`. A unit-like word that is not a unit (`3 months`) is
/// reported and read as days so that parsing goes on.
pub fn duration<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Duration, Extra<'t, 's>> + Clone {
    let unit = select! { Token::Ident(w) if DurationUnit::parse(w).is_some() || UNIT_LIKE.contains(&w.to_ascii_lowercase().as_str()) => w }
        .map_with(|w: &str, e| (w, rng(e.span())));
    select! { Token::Number(n) => n }
        .map_with(|n: &str, e| (n, rng(e.span())))
        .then(unit)
        .validate(|((n, n_range), (w, w_range)), e, emitter| {
            let range = n_range.cover(w_range);
            let amount = match n.parse::<u64>() {
                Ok(a) => a,
                Err(_) => {
                    emitter.emit(custom(
                        e.span(),
                        diag::INVALID_NUMBER,
                        format!("a duration needs a whole number, not `{n}`"),
                        "write a whole number of a smaller unit, e.g. `90 minutes` instead of `1.5 hours`",
                    ));
                    // Reported; a neutral amount keeps later checks quiet.
                    1
                }
            };
            let unit = DurationUnit::parse(w).unwrap_or_else(|| {
                emitter.emit(custom(
                    w_range.into_span(),
                    diag::UNKNOWN_DURATION_UNIT,
                    format!("`{w}` is not a duration unit"),
                    "the units are `second`, `minute`, `hour`, `day` and `week` (singular or plural); months and years vary in length, so write days",
                ));
                DurationUnit::Day
            });
            Duration { amount, unit, range }
        })
        .labelled("a duration")
}

/// Where only a length of time makes sense (`wait`, `within`, `timeout`):
/// a duration, or a bare number reported as missing its unit (and read as
/// days so that parsing goes on).
pub fn duration_expected<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Duration, Extra<'t, 's>> + Clone {
    let bare = select! { Token::Number(n) => n }.validate(|n: &str, e, emitter| {
        emitter.emit(custom(
            e.span(),
            diag::UNKNOWN_DURATION_UNIT,
            format!("`{n}` needs a unit"),
            format!("write a duration such as `{n} days` or `{n} hours`"),
        ));
        Duration { amount: n.parse().unwrap_or(1), unit: DurationUnit::Day, range: rng(e.span()) }
    });
    duration().or(bare).labelled("a duration")
}

trait IntoSpan {
    fn into_span(self) -> Sp;
}

impl IntoSpan for TextRange {
    fn into_span(self) -> Sp {
        Sp::from(self.start as usize..self.end as usize)
    }
}

/// Optional `,` or `;` between members.
pub fn separator<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, (), Extra<'t, 's>> + Clone {
    one_of([Token::Comma, Token::Semi]).ignored().or_not().ignored()
}

/// The value of a setting.
pub fn value<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Value, Extra<'t, 's>> + Clone {
    recursive(|value| {
        let scalar = select! {
            Token::Str(s) => ValueKind::Str(unescape(s)),
            Token::Number(n) => ValueKind::Number(n.to_string()),
            Token::Percent(p) => ValueKind::Percent(p.to_string()),
            Token::Time(t) => ValueKind::Time(t.to_string()),
        };
        let simple =
            duration().map(ValueKind::Duration).or(scalar).map_with(|kind, e| Value { kind, range: rng(e.span()) });
        let list = value
            .clone()
            .separated_by(just(Token::Comma))
            .allow_trailing()
            .collect::<Vec<_>>()
            .delimited_by(just(Token::LBracket), just(Token::RBracket))
            .map_with(|items, e| Value { kind: ValueKind::List(items), range: rng(e.span()) })
            .recover_with(via_parser(nested_delimiters(
                Token::LBracket,
                Token::RBracket,
                [(Token::LParen, Token::RParen), (Token::LBrace, Token::RBrace)],
                |span| Value { kind: ValueKind::Error, range: rng(span) },
            )));
        let call_args = setting_with(value.clone())
            .separated_by(just(Token::Comma))
            .allow_trailing()
            .collect::<Vec<_>>()
            .delimited_by(just(Token::LParen), just(Token::RParen));
        let word = name().then(call_args.or_not()).map_with(|(name, args), e| {
            let kind = match args {
                Some(args) => ValueKind::Call { name, args },
                None => ValueKind::Word(name.text),
            };
            Value { kind, range: rng(e.span()) }
        });
        // `cron "…"`, `every 5 minutes`: a word qualifying a string or duration.
        let tagged = name().then(simple.clone()).map_with(|(tag, v), e| Value {
            kind: ValueKind::Tagged { tag, value: Box::new(v) },
            range: rng(e.span()),
        });
        let atom = choice((simple, list, tagged, word));
        let modifier = select! { Token::Ident(w) if w == "at" || w == "cooldown" => w }
            .map_with(|w: &str, e| Name { text: w.to_string(), range: rng(e.span()) })
            .then(atom.clone());
        atom.foldl_with(modifier.repeated(), |base, (modifier, arg), e| Value {
            kind: ValueKind::Modified { base: Box::new(base), modifier, arg: Box::new(arg) },
            range: rng(e.span()),
        })
        .labelled("a value")
    })
}

/// `key = value`.
pub fn setting<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Setting, Extra<'t, 's>> + Clone {
    setting_with(value())
}

fn setting_with<'t, 's: 't>(
    value: impl Parser<'t, In<'t, 's>, Value, Extra<'t, 's>> + Clone,
) -> impl Parser<'t, In<'t, 's>, Setting, Extra<'t, 's>> + Clone {
    name().then_ignore(just(Token::Eq)).then(value).map_with(|(key, value), e| Setting {
        doc: None,
        key,
        value,
        range: rng(e.span()),
    })
}

/// A type.
pub fn type_expr<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, TypeExpr, Extra<'t, 's>> + Clone {
    recursive(|ty| {
        let int = select! { Token::Number(n) => n }.validate(|n: &str, e, emitter| {
            let value = n.parse::<u32>().ok();
            if value.is_none() {
                emitter.emit(custom(
                    e.span(),
                    diag::INVALID_NUMBER,
                    format!("`{n}` is not a whole number"),
                    "precision and scale are whole numbers, e.g. `decimal(18, 2)`",
                ));
            }
            value
        });
        let decimal = kw("decimal")
            .ignore_then(
                int.then(just(Token::Comma).ignore_then(int).or_not())
                    .delimited_by(just(Token::LParen), just(Token::RParen))
                    .or_not(),
            )
            .map(|args| match args {
                Some((Some(precision), None)) => TypeKind::Decimal { precision, scale: 0 },
                Some((Some(precision), Some(Some(scale)))) => TypeKind::Decimal { precision, scale },
                // An invalid number was reported; do not judge the type too.
                Some(_) => TypeKind::Error,
                None => TypeKind::Decimal { precision: 38, scale: 9 },
            });
        let array = kw("array")
            .ignore_then(ty.clone().delimited_by(just(Token::Lt), just(Token::Gt)))
            .map(|t| TypeKind::Array(Box::new(t)));
        let field = name().then_ignore(just(Token::Colon)).then(ty).map(|(name, ty)| StructField { name, ty });
        let strukt = kw("struct")
            .ignore_then(
                field
                    .separated_by(just(Token::Comma))
                    .allow_trailing()
                    .collect::<Vec<_>>()
                    .delimited_by(just(Token::Lt), just(Token::Gt)),
            )
            .map(TypeKind::Struct);
        choice((decimal, array, strukt, name().map(TypeKind::Named)))
            .map_with(|kind, e| TypeExpr { kind, range: rng(e.span()) })
            .labelled("a type")
    })
}

/// Skips one balanced group or one token other than `}`: what recovery
/// throws away, so that a skipped `{ … }` never closes the enclosing block.
pub fn skip_unit<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, (), Extra<'t, 's>> + Clone {
    let group = |open: Token<'static>, close: Token<'static>| {
        nested_delimiters(
            open,
            close,
            [(Token::LParen, Token::RParen), (Token::LBracket, Token::RBracket), (Token::LBrace, Token::RBrace)],
            |_| (),
        )
    };
    choice((
        group(Token::LBrace, Token::RBrace),
        group(Token::LParen, Token::RParen),
        group(Token::LBracket, Token::RBracket),
        any().and_is(just(Token::RBrace).not()).ignored(),
    ))
}

/// Succeeds, consuming nothing, where the next token is the first of its
/// line and `start` matches there: the likely start of the next member.
pub fn at_line_start<'t, 's: 't, O>(
    start: impl Parser<'t, In<'t, 's>, O, Extra<'t, 's>> + Clone,
) -> impl Parser<'t, In<'t, 's>, (), Extra<'t, 's>> + Clone {
    any()
        .try_map_with(|_, e| {
            let span: Sp = e.span();
            let state: &mut SimpleState<LineStarts> = e.state();
            if state.0.contains(span.start) { Ok(()) } else { Err(Rich::custom(span, "")) }
        })
        .rewind()
        .ignore_then(start)
        .rewind()
        .ignored()
}

/// Skips one unit, then more up to (not including) `stop`: what recovery
/// throws away after a broken member.
pub fn skip_to<'t, 's: 't>(
    stop: impl Parser<'t, In<'t, 's>, (), Extra<'t, 's>> + Clone,
) -> impl Parser<'t, In<'t, 's>, (), Extra<'t, 's>> + Clone {
    skip_unit().then(skip_unit().and_is(stop.not()).repeated()).ignored()
}

/// `{ member* }` where each member may be followed by `,` or `;`. A member
/// that fails is reported and skipped up to the next line that starts with
/// something `start` recognises (or the closing `}`), and parsing goes on
/// from there, so one mistake never hides the next. A block that cannot be
/// read at all is skipped whole.
pub fn block<'t, 's: 't, O: Clone + 't, S>(
    member: impl Parser<'t, In<'t, 's>, O, Extra<'t, 's>> + Clone + 't,
    start: impl Parser<'t, In<'t, 's>, S, Extra<'t, 's>> + Clone + 't,
) -> impl Parser<'t, In<'t, 's>, Vec<Option<O>>, Extra<'t, 's>> + Clone {
    let stop = choice((just(Token::RBrace).ignored(), at_line_start(start)));
    let recovered = member.map(Some).recover_with(via_parser(skip_to(stop).to(None)));
    // The lookahead keeps recovery from starting at the closing `}`.
    any()
        .and_is(just(Token::RBrace).not())
        .rewind()
        .ignore_then(recovered)
        .then_ignore(separator())
        .repeated()
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LBrace), just(Token::RBrace))
        .recover_with(via_parser(nested_delimiters(
            Token::LBrace,
            Token::RBrace,
            [(Token::LParen, Token::RParen), (Token::LBracket, Token::RBracket)],
            |_| Vec::new(),
        )))
}

/// The start of a setting: `name =`.
pub fn setting_start<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, (), Extra<'t, 's>> + Clone {
    name().then(just(Token::Eq)).ignored()
}

/// One of the given keywords.
pub fn keyword_of<'t, 's: 't>(
    words: &'static [&'static str],
) -> impl Parser<'t, In<'t, 's>, (), Extra<'t, 's>> + Clone {
    select! { Token::Ident(w) if words.contains(&w) => () }
}
