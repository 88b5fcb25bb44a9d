//! How many rows a query keeps: `limit n`, `offset m`, `fetch first n rows
//! only`, MySQL's `limit m, n`.
//!
//! BigQuery's grammar is `LIMIT count [OFFSET skip]`: an `offset` alone
//! gets a limit that keeps every row. Redshift's is `[LIMIT {n | ALL}]
//! [OFFSET m]`. Trino's is `[OFFSET m] [LIMIT n | FETCH FIRST n ROWS {ONLY
//! | WITH TIES}]`: the offset comes first, which sqlparser does not print
//! before a `LIMIT`, so both together are written `OFFSET m FETCH FIRST n
//! ROWS ONLY`. Only Trino has `fetch`: elsewhere `fetch first n rows only`
//! is `LIMIT n`, and `with ties` (the rows tied with the last one too) is
//! E0600; `percent` is E0600 everywhere.

use cjo_project::Dialect::{self, BigQuery, Redshift, Trino};
use sqlparser::ast::{Fetch, LimitClause, Offset, OffsetRows, Query, Spanned};

use super::{Rewriter, raw};

/// Rewrites `q`'s row limits, its operands rewritten already.
pub(super) fn rewrite(r: &mut Rewriter<'_, '_>, q: &mut Query) {
    if r.cx.native || (q.limit_clause.is_none() && q.fetch.is_none()) {
        return;
    }
    let dialect = r.cx.dialect;
    let (mut limit, offset) = match q.limit_clause.take() {
        None => (None, None),
        Some(LimitClause::LimitOffset { limit, offset, limit_by }) => {
            if let Some(by) = limit_by.first() {
                r.unsupported(by.span(), "`limit … by`", "ClickHouse's `limit n by` is in no warehouse: number the rows of each group with `row_number() over (partition by …)` and keep those up to n");
            }
            (limit, offset.map(|o| o.value))
        }
        Some(LimitClause::OffsetCommaLimit { offset, limit }) => (Some(limit), Some(offset)),
    };
    let mut fetch = q.fetch.take();
    if let Some(f) = &fetch {
        let span = f.quantity.as_ref().map_or_else(|| q.body.span(), Spanned::span);
        if f.percent {
            r.unsupported(span, "`fetch first … percent`", "no warehouse keeps a share of the rows so: number them with `row_number() over (order by …)` and compare with `count(*) over ()`");
        } else if f.with_ties && dialect != Trino {
            r.unsupported(
                span,
                "`fetch first … with ties`",
                format!(
                    "{} has no `with ties`: keep the rows whose `rank() over (order by …)` is at most n",
                    name(dialect)
                ),
            );
        } else if limit.is_some() {
            r.unsupported(span, "both `limit` and `fetch first`", "keep one of them");
        } else if !f.with_ties {
            limit = Some(f.quantity.clone().unwrap_or_else(|| raw("1".into())));
            fetch = None;
        }
    }
    let offset = offset.map(|value| Offset { value, rows: OffsetRows::None });
    match dialect {
        Trino if limit.is_some() && offset.is_some() => {
            fetch = Some(Fetch { with_ties: false, percent: false, quantity: limit.take() });
        }
        // The largest INT64: a limit that keeps every row.
        BigQuery if limit.is_none() && offset.is_some() && fetch.is_none() => {
            limit = Some(raw("9223372036854775807".into()));
        }
        _ => {}
    }
    q.fetch = fetch;
    if limit.is_some() || offset.is_some() {
        q.limit_clause = Some(LimitClause::LimitOffset { limit, offset, limit_by: vec![] });
    }
}

fn name(dialect: Dialect) -> &'static str {
    match dialect {
        BigQuery => "BigQuery",
        Redshift => "Redshift",
        Trino => "Trino",
    }
}
