//! A `group by` name that stands for an output column (`select
//! cast(t as date) as day … group by day`): BigQuery and Redshift read it
//! so, Trino resolves `group by` names among the input columns only (it
//! would answer "Column 'day' cannot be resolved"), so it gets the output
//! column's expression instead.

use cjo_semantic::{Hint, Hints};
use sqlparser::ast::{Expr, GroupByExpr, Select, SelectItem};

/// Replaces, in `s`'s `group by` (and its `rollup`, `cube` and `grouping
/// sets`), each output name the checker recorded by its output column's
/// expression, already rewritten for Trino.
pub(super) fn expand(s: &mut Select, hints: &Hints) {
    let GroupByExpr::Expressions(keys, _) = &mut s.group_by else { return };
    let projection = &s.projection;
    for key in keys.iter_mut() {
        match key {
            Expr::Rollup(sets) | Expr::Cube(sets) | Expr::GroupingSets(sets) => {
                for e in sets.iter_mut().flatten() {
                    replace(e, projection, hints);
                }
            }
            e => replace(e, projection, hints),
        }
    }
}

fn replace(e: &mut Expr, projection: &[SelectItem], hints: &Hints) {
    let Some(Hint::GroupByOutput(i)) = hints.get(e) else { return };
    if let Some(SelectItem::ExprWithAlias { expr, .. }) = projection.get(*i) {
        *e = super::nested(expr.clone());
    }
}
