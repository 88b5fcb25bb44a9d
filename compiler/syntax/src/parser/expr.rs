//! Expressions, by precedence from loosest to tightest: `or`, `and`, `not`,
//! comparisons (which do not chain), `||`, `+ -`, `* / %`, unary `-`,
//! primaries. Runs of one precedence become one n-ary node, so long chains
//! (`a or b or …`) stay shallow.

use chumsky::prelude::*;
use cjo_diagnostics::TextRange;

use super::common::{at_line_start, duration, duration_expected, kw, name, type_expr, unescape, unquote_sql};
use super::{Extra, In, rng};
use crate::ast::*;
use crate::token::Token;

/// Words that are SQL syntax inside an expression and so never a column or
/// function name there (quote them with backticks to use them as names).
/// Reading `case` as a column after a broken `case … end` would also make
/// recovery re-read the rest of the expression again and again.
pub const RESERVED: &[&str] = &[
    "and", "or", "not", "is", "in", "between", "like", "case", "when", "then", "else", "end", "where", "within",
    "since", "timeout", "as", "distinct", "null", "true", "false",
];

pub fn expr<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Expr, Extra<'t, 's>> + Clone {
    recursive(|expr| {
        let expr_list = expr.clone().separated_by(just(Token::Comma)).allow_trailing().collect::<Vec<_>>();

        let literal = select! {
            Token::Str(s) => ExprKind::Str(unescape(s)),
            Token::SqlStr(s) => ExprKind::Str(unquote_sql(s)),
            Token::Number(n) => ExprKind::Number(n.to_string()),
            Token::Ident(w) if w.eq_ignore_ascii_case("true") => ExprKind::Bool(true),
            Token::Ident(w) if w.eq_ignore_ascii_case("false") => ExprKind::Bool(false),
            Token::Ident(w) if w.eq_ignore_ascii_case("null") => ExprKind::Null,
        };
        let string_lit = select! {
            Token::Str(s) => unescape(s),
            Token::SqlStr(s) => unquote_sql(s),
        }
        .map_with(|value, e| StrLit { value, range: rng(e.span()) });
        // `date '2026-01-01'`, `timestamp '…'`.
        let typed = select! { Token::Ident(w) if matches!(w, "date" | "timestamp") => w }
            .map_with(|w: &str, e| Name { text: w.to_string(), range: rng(e.span()) })
            .then(string_lit)
            .map(|(ty, value)| ExprKind::Typed { ty, value });
        let param = select! { Token::Param(p) => p }
            .map_with(|p: &str, e| ExprKind::Param(Name { text: p.to_string(), range: rng(e.span()) }));

        let column_part = select! { Token::Ident(w) if !RESERVED.contains(&w.to_ascii_lowercase().as_str()) => w, Token::QuotedIdent(w) => w }
            .map_with(|w: &str, e| Name { text: w.to_string(), range: rng(e.span()) });
        // `step a:` or `entry:` at the start of a line starts the next
        // member, never a column: an expression left dangling (`x = 1 and`)
        // ends before it. Only there: `entry: not vip` followed by a line
        // `milestone: …` is a column `vip`, not a member `vip milestone:`.
        let same_line = at_line_start(any()).not();
        let member_start = at_line_start(name().then(same_line.ignore_then(name()).or_not()).then(just(Token::Colon)));
        let not_member = any().and_is(member_start.not()).rewind();
        let column = not_member
            .clone()
            .ignore_then(column_part.separated_by(just(Token::Dot)).at_least(1).collect::<Vec<_>>())
            .map(ExprKind::Column);

        let call_args = choice((
            just(Token::Star).to((false, true, Vec::new())),
            kw("distinct").or_not().then(expr_list.clone()).map(|(d, args)| (d.is_some(), false, args)),
        ))
        .delimited_by(just(Token::LParen), just(Token::RParen));
        let call = not_member
            .ignore_then(name().filter(|n: &Name| !RESERVED.contains(&n.text.to_ascii_lowercase().as_str())))
            .then(call_args)
            .map(|(name, (distinct, star, args))| ExprKind::Call { name, args, distinct, star });

        let cast = kw("cast")
            .ignore_then(
                expr.clone()
                    .then_ignore(kw("as"))
                    .then(type_expr())
                    .delimited_by(just(Token::LParen), just(Token::RParen)),
            )
            .map(|(operand, ty)| ExprKind::Cast { operand: Box::new(operand), ty });

        let when = kw("when").ignore_then(expr.clone()).then_ignore(kw("then")).then(expr.clone());
        let case = kw("case")
            .ignore_then(kw("when").not().rewind().ignore_then(expr.clone()).or_not())
            .then(when.repeated().at_least(1).collect::<Vec<_>>())
            .then(kw("else").ignore_then(expr.clone()).or_not())
            .then_ignore(kw("end"))
            .map(|((operand, whens), otherwise)| ExprKind::Case {
                operand: operand.map(Box::new),
                whens,
                otherwise: otherwise.map(Box::new),
            });

        let list = expr_list.clone().delimited_by(just(Token::LBracket), just(Token::RBracket)).map(ExprKind::List);

        let paren =
            expr.clone().delimited_by(just(Token::LParen), just(Token::RParen)).map(|e: Expr| e.kind).recover_with(
                via_parser(nested_delimiters(
                    Token::LParen,
                    Token::RParen,
                    [(Token::LBracket, Token::RBracket), (Token::LBrace, Token::RBrace)],
                    |_| ExprKind::Error,
                )),
            );

        // The count's right-hand side is a number, a parameter or a
        // parenthesised expression: anything looser would swallow a
        // following `and`.
        let count_value =
            choice((select! { Token::Number(n) => ExprKind::Number(n.to_string()) }, param, paren.clone()))
                .map_with(|kind, e| Expr { kind, range: rng(e.span()) })
                .labelled("a number");

        let anchor = select! { Token::Ident(w) => w }.try_map_with(|w: &str, e| {
            Anchor::parse(w).map(|a| (a, rng(e.span()))).ok_or_else(|| {
                super::custom(
                    e.span(),
                    cjo_diagnostics::SYNTAX_ERROR,
                    format!("`{w}` is not an anchor"),
                    "`since` takes `journey_start`, `stage_start` or `step_start`",
                )
            })
        });
        let events = name()
            .filter(|n: &Name| !RESERVED.contains(&n.text.to_ascii_lowercase().as_str()))
            .labelled("an event relation");
        let quantifier_tail = events
            .then(kw("where").ignore_then(expr.clone()).or_not())
            .then(kw("within").ignore_then(duration_expected()).or_not())
            .then(kw("since").ignore_then(anchor).or_not());
        let any_q = kw("any").ignore_then(quantifier_tail.clone()).map(|(((events, filter), within), since)| {
            ExprKind::Quantifier(Box::new(Quantifier { kind: QuantifierKind::Any, events, filter, within, since }))
        });
        let count_q = kw("count").ignore_then(quantifier_tail).then(comparison_op()).then(count_value).map(
            |(((((events, filter), within), since), (op, op_range)), value)| {
                ExprKind::Quantifier(Box::new(Quantifier {
                    kind: QuantifierKind::Count { op, op_range, value },
                    events,
                    filter,
                    within,
                    since,
                }))
            },
        );

        let primary = choice((
            duration().map(ExprKind::Duration),
            literal,
            typed,
            param,
            cast,
            case,
            any_q,
            count_q,
            call,
            column,
            list,
            paren,
        ))
        .map_with(|kind, e| Expr { kind, range: rng(e.span()) })
        .labelled("an expression")
        .boxed();

        let unary_op = select! {
            Token::Minus => UnaryOp::Neg,
            Token::Plus => UnaryOp::Plus,
        }
        .map_with(|op, e| (op, rng(e.span())));
        let unary = unary_op.repeated().foldr(primary, |(op, op_range), operand: Expr| Expr {
            range: op_range.cover(operand.range),
            kind: ExprKind::Unary { op, op_range, operand: Box::new(operand) },
        });

        let product = binary_level(
            unary,
            select! { Token::Star => BinaryOp::Mul, Token::Slash => BinaryOp::Div, Token::Mod => BinaryOp::Mod },
        );
        let sum = binary_level(product, select! { Token::Plus => BinaryOp::Add, Token::Minus => BinaryOp::Sub });
        let concat = binary_level(sum, select! { Token::Concat => BinaryOp::Concat }).boxed();

        let negated = kw("not").or_not().map(|n| n.is_some());
        let suffix = choice((
            comparison_op()
                .then(concat.clone())
                .map(|((op, op_range), rhs)| Suffix::Compare(Operation { op, op_range, rhs })),
            kw("is").ignore_then(negated.clone()).then_ignore(kw("null")).map(Suffix::IsNull),
            negated
                .clone()
                .then_ignore(kw("in"))
                .then(expr_list.delimited_by(just(Token::LParen), just(Token::RParen)))
                .map(|(n, list)| Suffix::In(n, list)),
            negated
                .clone()
                .then_ignore(kw("between"))
                .then(concat.clone())
                .then_ignore(kw("and"))
                .then(concat.clone())
                .map(|((n, low), high)| Suffix::Between(n, low, high)),
            negated.then_ignore(kw("like")).then(concat.clone()).map(|(n, p)| Suffix::Like(n, p)),
        ));
        let comparison = concat.then(suffix.or_not()).map_with(|(lhs, suffix), e| match suffix {
            None => lhs,
            Some(s) => Expr { kind: s.apply(lhs), range: rng(e.span()) },
        });

        let not = kw("not").repeated().foldr_with(comparison, |not_range: TextRange, operand: Expr, _| Expr {
            range: not_range.cover(operand.range),
            kind: ExprKind::Unary { op: UnaryOp::Not, op_range: not_range, operand: Box::new(operand) },
        });
        let and = binary_level(not, kw("and").to(BinaryOp::And));
        binary_level(and, kw("or").to(BinaryOp::Or)).boxed()
    })
}

/// `=`, `!=`/`<>`, `<`, `<=`, `>`, `>=` (and `==`, read as `=`).
fn comparison_op<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, (BinaryOp, TextRange), Extra<'t, 's>> + Clone {
    select! {
        Token::Eq => BinaryOp::Eq,
        Token::EqEq => BinaryOp::Eq,
        Token::NotEq => BinaryOp::NotEq,
        Token::Lt => BinaryOp::Lt,
        Token::Le => BinaryOp::Le,
        Token::Gt => BinaryOp::Gt,
        Token::Ge => BinaryOp::Ge,
    }
    .map_with(|op, e| (op, rng(e.span())))
}

/// `operand (op operand)*` as one n-ary node.
fn binary_level<'t, 's: 't>(
    operand: impl Parser<'t, In<'t, 's>, Expr, Extra<'t, 's>> + Clone,
    op: impl Parser<'t, In<'t, 's>, BinaryOp, Extra<'t, 's>> + Clone,
) -> impl Parser<'t, In<'t, 's>, Expr, Extra<'t, 's>> + Clone {
    let op = op.map_with(|op, e| (op, rng(e.span())));
    operand
        .clone()
        .then(
            op.then(operand)
                .map(|((op, op_range), rhs)| Operation { op, op_range, rhs })
                .repeated()
                .collect::<Vec<_>>(),
        )
        .map(|(first, rest): (Expr, Vec<Operation>)| match rest.last() {
            None => first,
            Some(last) => Expr {
                range: first.range.cover(last.rhs.range),
                kind: ExprKind::Binary { first: Box::new(first), rest },
            },
        })
}

/// What may follow the left operand of a comparison.
#[derive(Clone)]
enum Suffix {
    Compare(Operation),
    IsNull(bool),
    In(bool, Vec<Expr>),
    Between(bool, Expr, Expr),
    Like(bool, Expr),
}

impl Suffix {
    fn apply(self, lhs: Expr) -> ExprKind {
        let operand = Box::new(lhs);
        match self {
            Suffix::Compare(op) => ExprKind::Binary { first: operand, rest: vec![op] },
            Suffix::IsNull(negated) => ExprKind::IsNull { operand, negated },
            Suffix::In(negated, list) => ExprKind::InList { operand, list, negated },
            Suffix::Between(negated, low, high) => {
                ExprKind::Between { operand, low: Box::new(low), high: Box::new(high), negated }
            }
            Suffix::Like(negated, pattern) => ExprKind::Like { operand, pattern: Box::new(pattern), negated },
        }
    }
}
