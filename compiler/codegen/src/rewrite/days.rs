//! Days added to or taken from a date (`d + 7`, `7 + d`, `d - 7`), a date:
//! Redshift writes it so, BigQuery with `DATE_ADD`/`DATE_SUB` and an
//! interval of that many days, Trino (which adds no number to a date) with
//! `date_add('day', …)`.

use cjo_project::Dialect;
use cjo_semantic::DateSide;
use sqlparser::ast::{BinaryOperator, Expr};

use super::{atomic, replace};

/// Rewrites `e`, a `+` or `-` whose children are rewritten, for `dialect`.
pub(super) fn apply(e: &mut Expr, side: DateSide, dialect: Dialect) {
    let Expr::BinaryOp { left, op, right } = &*e else { return };
    let subtract = *op == BinaryOperator::Minus;
    let (date, days) = match side {
        DateSide::Left => (left.as_ref(), right.as_ref()),
        DateSide::Right => (right.as_ref(), left.as_ref()),
    };
    // Inside `INTERVAL … DAY` only an atom is safe.
    let n = if atomic(days) { format!("{days:#}") } else { format!("({days:#})") };
    let sql = match dialect {
        Dialect::Redshift => return,
        Dialect::BigQuery => {
            let f = if subtract { "DATE_SUB" } else { "DATE_ADD" };
            format!("{f}({date:#}, INTERVAL {n} DAY)")
        }
        // Negated in parentheses: `-` before a negative literal would
        // start a `--` comment.
        Dialect::Trino if subtract => format!("date_add('day', -({days:#}), {date:#})"),
        Dialect::Trino => format!("date_add('day', {days:#}, {date:#})"),
    };
    replace(e, sql);
}
