//! `values` lists used as tables, `(values (1, 'a'), (2, 'b')) as t (n, s)`.
//!
//! BigQuery has no `values`, and Redshift reads it only in `insert` (its
//! docs list "VALUES lists used as constant tables" among the PostgreSQL
//! features it lacks). There each row becomes a `select` of its values and
//! the rows are joined by `union all`, which keeps every row, as `values`
//! does. The first row's items are named as the checker names the columns
//! of a `values` list, `column1`, `column2` …, so a column list after it
//! (or a name the body uses) finds them. Trino reads `values` as written.

use cjo_project::Dialect;
use sqlparser::ast::{
    GroupByExpr, Ident, Query, Select, SelectFlavor, SelectItem, SetExpr, SetOperator, SetQuantifier, Values,
};

use super::Rewriter;

/// Rewrites the `values` lists of `q`'s body (not those of the queries
/// nested in it, which are visited on their own).
pub(super) fn rewrite(r: &Rewriter<'_, '_>, q: &mut Query) {
    if !r.cx.native && r.cx.dialect != Dialect::Trino {
        body(&mut q.body, true);
    }
}

/// Rewrites the `values` lists of a query's body, the whole of it
/// (`whole`) or an operand of one of its set operations.
pub(super) fn body(b: &mut SetExpr, whole: bool) {
    match b {
        SetExpr::SetOperation { left, right, .. } => {
            body(left, false);
            body(right, false);
        }
        SetExpr::Values(values) => {
            let values = std::mem::replace(values, Values { explicit_row: false, value_keyword: false, rows: vec![] });
            *b = selects(values, whole);
        }
        _ => {}
    }
}

/// The rows as selects joined by `union all`; in brackets when there are
/// several and they are an operand of another set operation, so that the
/// other operation still applies to all of them (`intersect` binds tighter
/// than `union`).
fn selects(values: Values, whole: bool) -> SetExpr {
    let several = values.rows.len() > 1;
    let mut rows = values.rows.into_iter().enumerate().map(|(i, row)| {
        let projection = row
            .content
            .into_iter()
            .enumerate()
            .map(|(j, expr)| {
                if i == 0 {
                    SelectItem::ExprWithAlias { expr, alias: Ident::new(format!("column{}", j + 1)) }
                } else {
                    SelectItem::UnnamedExpr(expr)
                }
            })
            .collect();
        SetExpr::Select(Box::new(select(row.opening_token, projection)))
    });
    let Some(first) = rows.next() else {
        return SetExpr::Values(Values { explicit_row: false, value_keyword: false, rows: vec![] });
    };
    let joined = rows.fold(first, |left, right| SetExpr::SetOperation {
        left: Box::new(left),
        op: SetOperator::Union,
        set_quantifier: SetQuantifier::All,
        right: Box::new(right),
    });
    if whole || !several {
        return joined;
    }
    SetExpr::Query(Box::new(super::bare_query(joined)))
}

/// `select <projection>`, placed where `token` (the row's bracket) is.
fn select(token: sqlparser::ast::helpers::attached_token::AttachedToken, projection: Vec<SelectItem>) -> Select {
    Select {
        select_token: token,
        optimizer_hints: vec![],
        distinct: None,
        select_modifiers: None,
        top: None,
        top_before_distinct: false,
        projection,
        exclude: None,
        into: None,
        from: vec![],
        lateral_views: vec![],
        prewhere: None,
        selection: None,
        connect_by: vec![],
        group_by: GroupByExpr::Expressions(vec![], vec![]),
        cluster_by: vec![],
        distribute_by: vec![],
        sort_by: vec![],
        having: None,
        named_window: vec![],
        qualify: None,
        window_before_qualify: false,
        value_table_mode: None,
        flavor: SelectFlavor::Standard,
    }
}
