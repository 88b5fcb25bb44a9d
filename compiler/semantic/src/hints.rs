//! What the SQL emitters need to know about an expression that its syntax
//! does not say: the types the checker found, recorded only where a
//! dialect's SQL depends on them.

use std::collections::{BTreeMap, BTreeSet};

use sqlparser::ast::{Expr, Spanned};

use crate::ty::Ty;

/// A fact about one expression of a SQL body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hint {
    /// `a / b` (or `safe_divide(a, b)`) of these types, neither a float:
    /// cjo's `/` gives a float for two ints (Trino and Redshift would
    /// truncate) and a `decimal(38, 9)` when one is a decimal (each
    /// warehouse would pick its own scale).
    Division(Ty, Ty),
    /// `avg(x)` of this type, an int or a decimal: Redshift's average of
    /// ints is an int, and the three warehouses give a decimal average
    /// three different scales; cjo's is a float, or a `decimal(38, 9)`.
    Average(Ty),
    /// `round`, `floor` or `ceil` of an int, which cjo keeps an int:
    /// BigQuery gives a float, and Redshift's `ROUND` a decimal.
    IntRounding,
    /// `t + interval …` or `t - interval …`, where `t` has this type (date
    /// or timestamp): each warehouse adds intervals to dates its own way.
    TemporalArithmetic(Ty),
    /// `date + int`, `int + date` or `date - int`: a number of days added
    /// to (or taken from) a date, a date. BigQuery and Trino spell it with
    /// a function; the side the date is on is said.
    DateDays(crate::ops::DateSide),
    /// A bare `group by` name standing for the output column at this
    /// position of the select list: Trino resolves `group by` names among
    /// the input columns only, so it needs the output column's expression.
    GroupByOutput(usize),
    /// A cast between date and timestamp, from this type. cjo's
    /// timestamps are instants read in UTC (as BigQuery does); Trino and
    /// Redshift would use the session's time zone.
    TemporalCast(Ty),
    /// A comparison (`=`, `<`, `between`, `in (…)`) in which a string
    /// literal stands for a value of this type (date or timestamp).
    StringAsTemporal(Ty),
}

/// Hints by the position of their expression in the body (sqlparser's
/// line and column span, which the emitters compute the same way).
#[derive(Clone, Debug, Default)]
pub struct Hints {
    by_expr: BTreeMap<SpanKey, Hint>,
    /// The `order by` keys (of queries, windows, aggregates) that cannot be
    /// NULL: where NULLs sort does not matter for them, so the emitters
    /// write nothing to place NULLs. Kept apart from `by_expr`: a key may
    /// carry a hint of its own (`order by a / b`).
    never_null_keys: BTreeSet<SpanKey>,
}

type SpanKey = (u64, u64, u64, u64);

fn key(e: &Expr) -> Option<SpanKey> {
    let s = e.span();
    (s.start.line != 0).then_some((s.start.line, s.start.column, s.end.line, s.end.column))
}

impl Hints {
    pub(crate) fn record(&mut self, e: &Expr, hint: Hint) {
        if let Some(k) = key(e) {
            self.by_expr.insert(k, hint);
        }
    }

    /// Records that `e`, an `order by` key, cannot be NULL.
    pub(crate) fn never_null_key(&mut self, e: &Expr) {
        if let Some(k) = key(e) {
            self.never_null_keys.insert(k);
        }
    }

    /// Whether `e`, an `order by` key of the body as parsed, cannot be
    /// NULL.
    pub fn is_never_null_key(&self, e: &Expr) -> bool {
        !self.never_null_keys.is_empty() && key(e).is_some_and(|k| self.never_null_keys.contains(&k))
    }

    /// The hint recorded for `e`, an expression of the body as parsed.
    pub fn get(&self, e: &Expr) -> Option<&Hint> {
        if self.by_expr.is_empty() {
            return None; // the common case, without computing a span
        }
        key(e).and_then(|k| self.by_expr.get(&k))
    }

    pub fn is_empty(&self) -> bool {
        self.by_expr.is_empty()
    }
}
