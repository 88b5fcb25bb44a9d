//! Where NULLs sort. Portable SQL pins one rule: NULLs come **last**,
//! ascending and descending, in every `order by` (a query's, a window's,
//! an aggregate's), as on Trino (and DuckDB). BigQuery puts them first when
//! ascending and Redshift first when descending, so a model with
//! `order by … limit n` or `row_number() over (order by …)` would pick other
//! rows there: the rewrite writes `NULLS LAST` where the warehouse's default
//! differs. An explicit `nulls first` / `nulls last` is kept as written.
//!
//! Where a warehouse's grammar has no `NULLS` clause — BigQuery's window
//! and aggregate `order by`, Redshift's aggregate `order by` (`listagg …
//! within group`) — the place of NULLs is given by a key of its own put
//! before the key: `(k IS NULL)` ascending puts them last, descending first.

use cjo_project::Dialect;
use sqlparser::ast::{
    Expr, Function, FunctionArgumentClause, FunctionArguments, NamedWindowExpr, OrderByExpr, OrderByOptions,
    OrderBySort, Select, WindowSpec, WindowType,
};

/// Whether `dialect` sorts NULLs first by default, for an ascending or a
/// descending key.
fn nulls_first_by_default(dialect: Dialect, descending: bool) -> bool {
    match dialect {
        Dialect::BigQuery => !descending,
        Dialect::Redshift => descending,
        Dialect::Trino => false,
    }
}

/// Makes `o` sort NULLs last on `dialect` unless it says otherwise.
pub(super) fn pin(o: &mut OrderByExpr, dialect: Dialect) {
    if o.options.nulls_first.is_some() {
        return;
    }
    let descending = match &o.options.sort {
        Some(OrderBySort::Desc) => true,
        Some(OrderBySort::Asc) | None => false,
        // Postgres' `using <operator>`: not portable SQL (the checker's
        // dialect does not read it); leave it alone.
        Some(OrderBySort::Using(_)) => return,
    };
    if nulls_first_by_default(dialect, descending) {
        o.options.nulls_first = Some(false);
    }
}

/// Where an `order by` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Window,
    Aggregate,
}

/// Whether `dialect` reads `NULLS FIRST` / `NULLS LAST` in an `order by`
/// at `place` (every warehouse does in a query's own `order by`).
fn has_nulls_clause(dialect: Dialect, place: Place) -> bool {
    match (dialect, place) {
        (Dialect::Trino, _) | (Dialect::Redshift, Place::Window) => true,
        (Dialect::BigQuery, _) | (Dialect::Redshift, Place::Aggregate) => false,
    }
}

/// A call's window and aggregate `order by`s, with their `NULLS` clauses
/// written as keys where `dialect` has no such clause there.
pub(super) fn spell_call(f: &mut Function, dialect: Dialect) {
    if let Some(WindowType::WindowSpec(spec)) = &mut f.over {
        spell_window(spec, dialect);
    }
    if !has_nulls_clause(dialect, Place::Aggregate) {
        if let FunctionArguments::List(list) = &mut f.args {
            for clause in &mut list.clauses {
                if let FunctionArgumentClause::OrderBy(keys) = clause {
                    as_keys(keys, dialect);
                }
            }
        }
        as_keys(&mut f.within_group, dialect);
    }
}

/// The named windows of a select (`window w as (order by …)`).
pub(super) fn spell_named_windows(s: &mut Select, dialect: Dialect) {
    for w in &mut s.named_window {
        if let NamedWindowExpr::WindowSpec(spec) = &mut w.1 {
            spell_window(spec, dialect);
        }
    }
}

fn spell_window(spec: &mut WindowSpec, dialect: Dialect) {
    if !has_nulls_clause(dialect, Place::Window) {
        as_keys(&mut spec.order_by, dialect);
    }
}

/// Replaces each `NULLS` clause of `keys` by a key `(k IS NULL)` before
/// its key, or drops it where it says what `dialect` does anyway.
fn as_keys(keys: &mut Vec<OrderByExpr>, dialect: Dialect) {
    let mut out = Vec::with_capacity(keys.len());
    for mut key in keys.drain(..) {
        if let Some(first) = key.options.nulls_first.take() {
            let descending = matches!(key.options.sort, Some(OrderBySort::Desc));
            if first != nulls_first_by_default(dialect, descending) {
                out.push(OrderByExpr {
                    expr: Expr::Nested(Box::new(Expr::IsNull(Box::new(key.expr.clone())))),
                    options: OrderByOptions {
                        sort: Some(if first { OrderBySort::Desc } else { OrderBySort::Asc }),
                        nulls_first: None,
                    },
                    with_fill: None,
                });
            }
        }
        out.push(key);
    }
    *keys = out;
}
