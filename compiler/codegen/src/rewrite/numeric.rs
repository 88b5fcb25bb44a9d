//! Numbers the warehouses type differently, written so that each computes
//! what cjo typed (docs/build.md, "Numbers"): quotients, averages, an int
//! rounded, and decimal literals on BigQuery.

use cjo_project::Dialect;
use cjo_semantic::{Hint, Ty};
use sqlparser::ast::{BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Value};

use super::{raw, replace};

/// The scale of cjo's decimal quotient and average, `decimal(38, 9)`.
const SCALE: u32 = 9;

/// The largest scale of a Redshift `DECIMAL`.
const REDSHIFT_MAX_SCALE: u32 = 37;

/// Rewrites `e`, whose children are rewritten, for a hint about numbers.
pub(super) fn apply(e: &mut Expr, hint: &Hint, dialect: Dialect) {
    match hint {
        Hint::Division(a, b) => division(e, a, b, dialect),
        Hint::Average(ty) => average(e, ty, dialect),
        Hint::IntRounding => int_rounding(e, dialect),
        _ => {}
    }
}

/// A call to rewrite before its template is expanded: `safe_divide` of a
/// decimal, on Redshift and Trino, is the division cjo defines by a
/// divisor that is null where it was 0 (BigQuery's `SAFE_DIVIDE` computes
/// it already). Returns whether `e` was rewritten.
pub(super) fn before_call(e: &mut Expr, hint: Option<&Hint>, dialect: Dialect) -> bool {
    let (Some(Hint::Division(a, b)), Expr::Function(f)) = (hint, &*e) else { return false };
    if dialect == Dialect::BigQuery {
        return false;
    }
    let FunctionArguments::List(list) = &f.args else { return false };
    let [FunctionArg::Unnamed(FunctionArgExpr::Expr(x)), FunctionArg::Unnamed(FunctionArgExpr::Expr(y))] =
        list.args.as_slice()
    else {
        return false;
    };
    let sql = decimal_division(&format!("{x:#}"), a, &format!("NULLIF({y:#}, 0)"), b, dialect);
    replace(e, sql);
    true
}

/// A decimal literal on BigQuery, which reads `2.5` as a FLOAT64: written
/// `NUMERIC '2.5'` (`BIGNUMERIC` beyond NUMERIC's 29 integer digits and 9
/// decimals), the decimal cjo types it as. Redshift and Trino read it as
/// a decimal already.
pub(super) fn literal(e: &mut Expr, dialect: Dialect) {
    let Expr::Value(v) = &*e else { return };
    let Value::Number(n, _) = &v.value else { return };
    if dialect != Dialect::BigQuery || !n.contains('.') || n.contains(['e', 'E']) {
        return;
    }
    let (int, frac) = n.split_once('.').unwrap_or((n, ""));
    let big = int.trim_start_matches('0').len() > 29 || frac.len() > 9;
    let sql = format!("{} '{n}'", if big { "BIGNUMERIC" } else { "NUMERIC" });
    replace(e, sql);
}

/// `a / b`, neither a float: a float for two ints, else `decimal(38, 9)`
/// rounded half away from zero.
fn division(e: &mut Expr, a: &Ty, b: &Ty, dialect: Dialect) {
    let decimal = matches!(a, Ty::Decimal { .. }) || matches!(b, Ty::Decimal { .. });
    if !decimal {
        // int / int: BigQuery's is a FLOAT64 already; the others truncate.
        let float = match dialect {
            Dialect::BigQuery => return,
            Dialect::Redshift => "DOUBLE PRECISION",
            Dialect::Trino => "DOUBLE",
        };
        if let Expr::BinaryOp { left, .. } = e {
            let sql = format!("CAST({left:#} AS {float})");
            replace(left, sql);
        }
        return;
    }
    if dialect == Dialect::BigQuery {
        // A NUMERIC quotient is what cjo types; a BIGNUMERIC operand makes
        // it a BIGNUMERIC (38 decimals), rounded here to NUMERIC's 9.
        if bignumeric(a) || bignumeric(b) {
            let sql = format!("CAST({e:#} AS NUMERIC)");
            replace(e, sql);
        }
        return;
    }
    let Expr::BinaryOp { left, op: BinaryOperator::Divide, right } = &*e else { return };
    let sql = decimal_division(&format!("{left:#}"), a, &format!("{right:#}"), b, dialect);
    replace(e, sql);
}

/// `x / y` of types `a` and `b` (a decimal among them) as `decimal(38, 9)`,
/// rounded half away from zero, on Redshift or Trino.
///
/// Trino's quotient of `decimal(38, 9)` by a decimal of at most 9 decimals
/// is a `decimal(38, 9)`, rounded half up (away from zero), as BigQuery's
/// `NUMERIC` quotient is. Redshift's quotient of `DECIMAL(p1, s1)` by
/// `DECIMAL(p2, s2)` has `max(4, s1 + p2 - s2 + 1)` decimals, but fewer
/// (down to 4) when its `p1 - s1 + s2` integer digits and those decimals
/// exceed 38 digits, and Redshift does not document how it rounds the last
/// one (its casts truncate): the dividend is cast to leave the quotient at
/// least 10 decimals, which `ROUND` takes to 9 half away from zero.
fn decimal_division(x: &str, a: &Ty, y: &str, b: &Ty, dialect: Dialect) -> String {
    match dialect {
        Dialect::Trino => {
            let scale = scale(a).max(scale(b));
            if scale <= SCALE {
                format!("CAST({x} AS decimal(38, {SCALE})) / {y}")
            } else {
                format!("CAST(CAST({x} AS decimal(38, {scale})) / {y} AS decimal(38, {SCALE}))")
            }
        }
        Dialect::Redshift | Dialect::BigQuery => {
            let dividend = redshift_dividend_scale(a, b);
            format!("CAST(ROUND(CAST({x} AS DECIMAL(38, {dividend})) / {y}, {SCALE}) AS DECIMAL(38, {SCALE}))")
        }
    }
}

/// The scale to cast a Redshift dividend of type `a` to, before dividing
/// it by a value of type `b`: as many decimals as its integer digits leave
/// (at most NUMERIC's 29, which bound the quotient on BigQuery), and at
/// least 10 more than the divisor's, so that the quotient keeps 10.
fn redshift_dividend_scale(a: &Ty, b: &Ty) -> u32 {
    let integer_digits = match a {
        Ty::Decimal { precision, scale } => precision.saturating_sub(*scale),
        _ => 19,
    };
    let room = 38 - integer_digits.min(29);
    room.max(scale(b) + 10).max(scale(a)).min(REDSHIFT_MAX_SCALE)
}

/// `avg(x)` of an int (a float) or of a decimal (`decimal(38, 9)`, as
/// `sum(x) / count(x)`). Redshift's average of ints is an int; a decimal
/// average has the argument's scale on Redshift and Trino, NUMERIC's 9 on
/// BigQuery.
fn average(e: &mut Expr, ty: &Ty, dialect: Dialect) {
    match (ty, dialect) {
        (Ty::Int, Dialect::Redshift) => cast_argument(e, "DOUBLE PRECISION"),
        (Ty::Decimal { .. }, Dialect::BigQuery) if bignumeric(ty) => {
            let sql = format!("CAST({e:#} AS NUMERIC)");
            replace(e, sql);
        }
        (Ty::Decimal { scale, .. }, Dialect::Trino) => {
            // Trino's average of a decimal(38, s) is one, rounded half up.
            cast_argument(e, &format!("decimal(38, {})", (*scale).max(SCALE)));
            if *scale > SCALE {
                let sql = format!("CAST({e:#} AS decimal(38, {SCALE}))");
                replace(e, sql);
            }
        }
        (Ty::Decimal { scale, .. }, Dialect::Redshift) => {
            let scale = (*scale).clamp(SCALE + 1, REDSHIFT_MAX_SCALE);
            cast_argument(e, &format!("DECIMAL(38, {scale})"));
            let sql = format!("CAST(ROUND({e:#}, {SCALE}) AS DECIMAL(38, {SCALE}))");
            replace(e, sql);
        }
        _ => {}
    }
}

/// `round`, `floor` or `ceil` of an int, kept an int: BigQuery's is a
/// FLOAT64 and Redshift's `ROUND` a decimal (Trino's is a bigint).
fn int_rounding(e: &mut Expr, dialect: Dialect) {
    let int = match dialect {
        Dialect::BigQuery => "INT64",
        Dialect::Redshift => "BIGINT",
        Dialect::Trino => return,
    };
    let sql = format!("CAST({e:#} AS {int})");
    replace(e, sql);
}

/// Casts the first argument of the call `e` to `ty`.
fn cast_argument(e: &mut Expr, ty: &str) {
    let Expr::Function(f) = e else { return };
    let FunctionArguments::List(list) = &mut f.args else { return };
    if let Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(x))) = list.args.first_mut() {
        let sql = format!("CAST({x:#} AS {ty})");
        *x = raw(sql);
    }
}

fn scale(ty: &Ty) -> u32 {
    match ty {
        Ty::Decimal { scale, .. } => *scale,
        _ => 0,
    }
}

/// Whether a decimal is a BIGNUMERIC on BigQuery (see `types`).
fn bignumeric(ty: &Ty) -> bool {
    matches!(ty, Ty::Decimal { precision, scale } if precision.saturating_sub(*scale) > 29 || *scale > 9)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(precision: u32, scale: u32) -> Ty {
        Ty::Decimal { precision, scale }
    }

    #[test]
    fn redshift_quotients_keep_ten_decimals() {
        // Redshift: scale = max(4, s1 + p2 - s2 + 1), reduced to
        // 38 - (p1 - s1 + s2) when over 38 digits: the dividend is cast to
        // DECIMAL(38, S), so the quotient has S - s2 decimals.
        for (a, b) in [(dec(15, 2), Ty::Int), (Ty::Int, dec(15, 2)), (dec(38, 9), dec(38, 9)), (dec(38, 2), Ty::Int)] {
            let s = redshift_dividend_scale(&a, &b);
            assert!(s - scale(&b) >= 10, "{a} / {b}: {s}");
            assert!(s >= scale(&a), "{a} / {b}: {s}");
        }
        // A small dividend keeps many more.
        assert_eq!(redshift_dividend_scale(&dec(15, 2), &Ty::Int), 25);
        // NUMERIC's 29 integer digits bound the dividend.
        assert_eq!(redshift_dividend_scale(&dec(38, 2), &Ty::Int), 10);
    }
}
