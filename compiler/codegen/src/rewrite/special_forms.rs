//! The standard's special forms and predicates that a warehouse spells
//! otherwise or lacks: `substring(s from i for n)`, `position(a in b)`,
//! `trim(leading c from s)`, `extract(f from t)`, `a is [not] distinct
//! from b`, `x is [not] true`/`false`.
//!
//! | form | BigQuery | Redshift | Trino |
//! |---|---|---|---|
//! | `substring(s from i for n)` | `SUBSTR(s, i, n)` | as written | as written |
//! | `substring(s, i[, n])` | as written | `SUBSTRING(s FROM i [FOR n])` (its comma form is for 3 arguments) | as written |
//! | `substr(s, i)` | as written | `SUBSTRING(s FROM i)` | as written |
//! | `position(a in b)` | `STRPOS(b, a)` | as written | as written |
//! | `trim([both] c from s)`, `trim(s, c)` | `TRIM(s, c)` | `TRIM(BOTH c FROM s)` | as written |
//! | `trim(leading`/`trailing c from s)` | `LTRIM(s, c)`/`RTRIM(s, c)` | as written | as written |
//! | `a is [not] distinct from b` | as written | `CASE WHEN a = b OR (a IS NULL AND b IS NULL) …` | as written |
//! | `x is [not] true`, `… false` | as written | as written | `x IS [NOT] DISTINCT FROM TRUE` … |
//!
//! `extract`'s fields are in [`FIELDS`].

use cjo_project::Dialect::{self, BigQuery, Redshift, Trino};
use sqlparser::ast::{DateTimeField, Expr, ExtractSyntax, Spanned, TrimWhereField};

use super::{Rewriter, nested, replace};

/// Rewrites `e`, whose operands are rewritten already.
pub(super) fn rewrite(r: &mut Rewriter<'_, '_>, e: &mut Expr) {
    let dialect = r.cx.dialect;
    match e {
        Expr::Substring { .. } => substring(e, dialect),
        Expr::Position { expr, r#in } if dialect == BigQuery => {
            let sql = format!("STRPOS({in:#}, {expr:#})");
            replace(e, sql);
        }
        Expr::Trim { .. } => trim(e, dialect),
        Expr::Extract { .. } => extract(r, e),
        Expr::IsDistinctFrom(..) | Expr::IsNotDistinctFrom(..) if dialect == Redshift => {
            // Redshift answers "Not implemented" to `is [not] distinct
            // from`. A `case` keeps the answer true or false, never null.
            let (a, b, same) = match &*e {
                Expr::IsNotDistinctFrom(a, b) => (a, b, ("TRUE", "FALSE")),
                Expr::IsDistinctFrom(a, b) => (a, b, ("FALSE", "TRUE")),
                _ => return,
            };
            let (a, b) = (nested(a.as_ref().clone()), nested(b.as_ref().clone()));
            let sql = format!(
                "CASE WHEN {a:#} = {b:#} OR ({a:#} IS NULL AND {b:#} IS NULL) THEN {} ELSE {} END",
                same.0, same.1
            );
            replace(e, sql);
        }
        Expr::IsTrue(_) | Expr::IsNotTrue(_) | Expr::IsFalse(_) | Expr::IsNotFalse(_) if dialect == Trino => {
            // Trino's grammar has `is [not] null` and `is [not] distinct
            // from`, not `is true`; null is distinct from both truths.
            let (x, not, value) = match &*e {
                Expr::IsTrue(x) => (x, "NOT ", "TRUE"),
                Expr::IsNotTrue(x) => (x, "", "TRUE"),
                Expr::IsFalse(x) => (x, "NOT ", "FALSE"),
                Expr::IsNotFalse(x) => (x, "", "FALSE"),
                _ => return,
            };
            let sql = format!("({:#} IS {not}DISTINCT FROM {value})", nested(x.as_ref().clone()));
            replace(e, sql);
        }
        _ => {}
    }
}

fn substring(e: &mut Expr, dialect: Dialect) {
    let Expr::Substring { substring_from, substring_for, special, shorthand, .. } = e else { return };
    // `substring(s for n)` starts at the first character.
    if substring_from.is_none() && substring_for.is_some() {
        *substring_from = Some(Box::new(Expr::value(sqlparser::ast::Value::Number("1".into(), false))));
    }
    match dialect {
        // BigQuery has no `from … for …`: its SUBSTR takes the same
        // operands, in that order.
        BigQuery if !*special => {
            *special = true;
            *shorthand = true;
        }
        // Redshift's comma form is documented with three arguments only
        // (two are for binary strings): the standard form says both. Its
        // `SUBSTR` is the same function, so two arguments get the standard
        // form too.
        Redshift if *special && (!*shorthand || substring_for.is_none()) => {
            *special = false;
            *shorthand = false;
        }
        _ => {}
    }
}

fn trim(e: &mut Expr, dialect: Dialect) {
    let Expr::Trim { expr, trim_where, trim_what, trim_characters } = e else { return };
    match dialect {
        BigQuery => {
            let Some(what) = trim_what.take() else { return };
            let f = match trim_where {
                Some(TrimWhereField::Leading) => "LTRIM",
                Some(TrimWhereField::Trailing) => "RTRIM",
                Some(TrimWhereField::Both) | None => "TRIM",
            };
            let sql = format!("{f}({expr:#}, {what:#})");
            replace(e, sql);
        }
        Redshift => {
            // `trim(s, c)` is BigQuery's and Trino's; Redshift's TRIM takes
            // the standard form.
            if let Some(mut chars) = trim_characters.take() {
                if chars.len() == 1 {
                    *trim_where = Some(TrimWhereField::Both);
                    *trim_what = chars.pop().map(Box::new);
                } else {
                    *trim_characters = Some(chars);
                }
            }
        }
        Trino => {}
    }
}

/// A field of `extract` as portable SQL means it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Year,
    Quarter,
    Month,
    /// The ISO 8601 week of the year, 1 to 53 (Redshift's and Trino's
    /// `week`; BigQuery's `WEEK` counts weeks that start on Sunday).
    Week,
    Day,
    /// 1 to 366.
    DayOfYear,
    /// 0 (Sunday) to 6 (Saturday), as PostgreSQL's and Redshift's `dow`
    /// (Trino's `dow` is ISO's 1 = Monday … 7 = Sunday).
    Dow,
    /// 1 (Monday) to 7 (Sunday).
    IsoDow,
    Hour,
    Minute,
    Second,
    /// Seconds since 1970-01-01 00:00:00 UTC: Redshift's alone.
    Epoch,
}

/// The fields portable SQL reads, by sqlparser's names for them. The
/// others (`dayofweek`, which counts from Sunday = 1 on BigQuery, Sunday =
/// 0 on Redshift, Monday = 1 on Trino; `millisecond`, `isoyear`,
/// `timezone_hour` …) are not read the same way, or at all, by every
/// warehouse.
const FIELDS: &[(DateTimeField, Field)] = &[
    (DateTimeField::Year, Field::Year),
    (DateTimeField::Years, Field::Year),
    (DateTimeField::Quarter, Field::Quarter),
    (DateTimeField::Month, Field::Month),
    (DateTimeField::Months, Field::Month),
    (DateTimeField::Week(None), Field::Week),
    (DateTimeField::Weeks, Field::Week),
    (DateTimeField::Day, Field::Day),
    (DateTimeField::Days, Field::Day),
    (DateTimeField::DayOfYear, Field::DayOfYear),
    (DateTimeField::Doy, Field::DayOfYear),
    (DateTimeField::Dow, Field::Dow),
    (DateTimeField::Isodow, Field::IsoDow),
    (DateTimeField::Hour, Field::Hour),
    (DateTimeField::Hours, Field::Hour),
    (DateTimeField::Minute, Field::Minute),
    (DateTimeField::Minutes, Field::Minute),
    (DateTimeField::Second, Field::Second),
    (DateTimeField::Seconds, Field::Second),
    (DateTimeField::Epoch, Field::Epoch),
];

fn extract(r: &mut Rewriter<'_, '_>, e: &mut Expr) {
    let Expr::Extract { field, syntax, expr } = e else { return };
    // `extract(year, t)` is Snowflake's.
    *syntax = ExtractSyntax::From;
    let dialect = r.cx.dialect;
    let span = expr.span();
    let Some(portable) = FIELDS.iter().find(|(f, _)| f == field).map(|(_, p)| *p) else {
        let written = field.to_string().to_ascii_lowercase();
        r.unsupported(
            span,
            format!("`extract({written} from …)`"),
            "the warehouses spell or count this field differently, or lack it; portable fields are year, quarter, month, week (ISO), day, dayofyear, dow (0 = Sunday), isodow (1 = Monday), hour, minute, second, and epoch on Redshift",
        );
        return;
    };
    let t = expr.as_ref().clone();
    let same = |f: DateTimeField| Some(f);
    let named = match (portable, dialect) {
        (Field::Year, _) => same(DateTimeField::Year),
        (Field::Quarter, _) => same(DateTimeField::Quarter),
        (Field::Month, _) => same(DateTimeField::Month),
        (Field::Week, BigQuery) => same(DateTimeField::IsoWeek),
        (Field::Week, _) => same(DateTimeField::Week(None)),
        (Field::Day, _) => same(DateTimeField::Day),
        (Field::DayOfYear, BigQuery) => same(DateTimeField::DayOfYear),
        (Field::DayOfYear, _) => same(DateTimeField::Doy),
        (Field::Dow, Redshift) => same(DateTimeField::Dow),
        (Field::Dow, BigQuery) => return replace(e, format!("(EXTRACT(DAYOFWEEK FROM {t:#}) - 1)")),
        (Field::Dow, Trino) => return replace(e, format!("MOD(EXTRACT(DOW FROM {t:#}), 7)")),
        (Field::IsoDow, BigQuery) => {
            return replace(e, format!("(MOD(EXTRACT(DAYOFWEEK FROM {t:#}) + 5, 7) + 1)"));
        }
        (Field::IsoDow, Redshift) => return replace(e, format!("(MOD(EXTRACT(DOW FROM {t:#}) + 6, 7) + 1)")),
        (Field::IsoDow, Trino) => same(DateTimeField::Dow),
        (Field::Hour, _) => same(DateTimeField::Hour),
        (Field::Minute, _) => same(DateTimeField::Minute),
        (Field::Second, _) => same(DateTimeField::Second),
        (Field::Epoch, Redshift) => same(DateTimeField::Epoch),
        (Field::Epoch, _) => None,
    };
    match named {
        Some(f) => *field = f,
        None => r.unsupported(
            span,
            "`extract(epoch from …)`",
            format!(
                "{} has no epoch field: for whole seconds since 1970 use `seconds_between(timestamp '1970-01-01 00:00:00', t)`",
                if dialect == BigQuery { "BigQuery" } else { "Trino" }
            ),
        ),
    }
}
