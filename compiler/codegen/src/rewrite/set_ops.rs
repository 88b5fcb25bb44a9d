//! Set operations (`union`, `intersect`, `except`) in each dialect.
//!
//! A bare operator keeps duplicates out (`union` is `union distinct`)
//! everywhere, but BigQuery wants the quantifier written and Redshift
//! reads none but `all`. `intersect all` and `except all` keep duplicates
//! by count; BigQuery and Redshift have neither, and no rewrite of ours
//! would say the same thing without knowing every column: they are
//! reported. `minus` (Redshift's and Oracle's word) is `except`.

use cjo_project::Dialect;
use sqlparser::ast::{Query, SetExpr, SetOperator, SetQuantifier, Spanned};
use sqlparser::tokenizer::Span as SqlSpan;

use super::Rewriter;

/// Rewrites the set operations of `q`'s body (not those of the queries
/// nested in it, which are visited on their own), before its names are:
/// the operator's place is known from its operands' spans, which the
/// names rewritten lose.
pub(super) fn rewrite(r: &mut Rewriter<'_, '_>, q: &mut Query) {
    if !r.cx.native {
        set_expr(r, &mut q.body);
    }
}

fn set_expr(r: &mut Rewriter<'_, '_>, body: &mut SetExpr) {
    let SetExpr::SetOperation { left, op, set_quantifier, right } = body else { return };
    set_expr(r, left);
    set_expr(r, right);
    if *op == SetOperator::Minus {
        *op = SetOperator::Except;
    }
    let word = match op {
        SetOperator::Union => "union",
        SetOperator::Intersect => "intersect",
        SetOperator::Except | SetOperator::Minus => "except",
    };
    let dialect = r.cx.dialect;
    match (*set_quantifier, dialect) {
        (SetQuantifier::ByName | SetQuantifier::AllByName | SetQuantifier::DistinctByName, _) => {
            r.unsupported(
                between(left, right),
                format!("`{word} by name`"),
                "cjo matches the columns of a set operation by position: select the same columns in the same order on both sides and drop `by name`",
            );
        }
        (SetQuantifier::All, Dialect::BigQuery | Dialect::Redshift) if *op != SetOperator::Union => {
            let warehouse = if dialect == Dialect::BigQuery { "BigQuery" } else { "Redshift" };
            r.unsupported(
                between(left, right),
                format!("`{word} all`"),
                format!(
                    "{warehouse} has only `{word}` of distinct rows: write `{word}` if each row once is enough; to keep duplicates, number the copies of each row on both sides (`row_number() over (partition by <every column>)`) and `{word}` those"
                ),
            );
        }
        (SetQuantifier::None, Dialect::BigQuery) => *set_quantifier = SetQuantifier::Distinct,
        // Redshift reads `union [all]`, `intersect`, `except`: distinct is
        // what no quantifier means.
        (SetQuantifier::Distinct, Dialect::Redshift) => *set_quantifier = SetQuantifier::None,
        _ => {}
    }
}

/// Where the operator is written: between its operands (the lowering
/// trims the blanks and brackets around it).
fn between(left: &SetExpr, right: &SetExpr) -> SqlSpan {
    let (l, r) = (left.span(), right.span());
    if l == SqlSpan::empty() || r == SqlSpan::empty() { l.union(&r) } else { SqlSpan::new(l.end, r.start) }
}
