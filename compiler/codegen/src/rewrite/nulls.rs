//! Where NULLs sort. Portable SQL pins one rule: NULLs come **last**,
//! ascending and descending, in every `order by` (a query's, a window's,
//! an aggregate's), as on Trino (and DuckDB). BigQuery puts them first when
//! ascending and Redshift first when descending, so a model with
//! `order by … limit n` or `row_number() over (order by …)` would pick other
//! rows there: the rewrite writes `NULLS LAST` where the warehouse's default
//! differs. An explicit `nulls first` / `nulls last` is kept as written.

use cjo_project::Dialect;
use sqlparser::ast::{OrderByExpr, OrderBySort};

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
