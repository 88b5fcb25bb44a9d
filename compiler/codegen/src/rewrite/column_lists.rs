//! Column lists after a name: `(select …) as c (k, n)`, `with c (k, n) as
//! (…)`, `from orders as o (a, b)`.
//!
//! Redshift and Trino read them as written (their FROM and WITH grammars
//! have `alias [ ( column_alias [, ...] ) ]`); their names are quoted as
//! any other. BigQuery reads none: there the names move onto the items of
//! the query's leftmost select, which name its columns (a set operation's
//! too), and the list is dropped. That cannot be done faithfully when an
//! item is `*` (its columns are not known here), nor when the query names
//! one of the columns renamed (`order by o`, `group by o`): those are
//! E0600, and so is a column list on a table, whose columns are not known
//! here either.

use std::ops::ControlFlow;

use cjo_project::Dialect;
use sqlparser::ast::{
    Expr, GroupByExpr, Ident, OrderBy, OrderByKind, Query, Select, SelectItem, SetExpr, TableAlias,
    TableAliasColumnDef, TableFactor, Visit, Visitor,
};

use super::{Rewriter, values};

/// The column lists of `q`'s CTEs. Run before the CTEs' queries are
/// rewritten, so that the names given are rewritten with the items.
pub(super) fn ctes(r: &mut Rewriter<'_, '_>, q: &mut Query) {
    if r.cx.native {
        return;
    }
    for cte in q.with.iter_mut().flat_map(|w| &mut w.cte_tables) {
        if cte.alias.columns.is_empty() {
            continue;
        }
        if r.cx.dialect == Dialect::BigQuery {
            if onto_items(r, &mut cte.query, &cte.alias.columns) {
                cte.alias.columns.clear();
            }
        } else {
            requote(r, &mut cte.alias);
        }
    }
}

/// The column list of a table in `from`. Run before a derived table's
/// query is rewritten.
pub(super) fn table_factor(r: &mut Rewriter<'_, '_>, t: &mut TableFactor) {
    if r.cx.native {
        return;
    }
    let bigquery = r.cx.dialect == Dialect::BigQuery;
    match t {
        TableFactor::Derived { subquery, alias: Some(alias), .. } if !alias.columns.is_empty() => {
            if !bigquery {
                requote(r, alias);
            } else if onto_items(r, subquery, &alias.columns) {
                alias.columns.clear();
            }
        }
        // BigQuery names an unnested array's element by the alias itself:
        // left to the checker's reading of `unnest`.
        TableFactor::UNNEST { .. } => {}
        TableFactor::Table { alias: Some(alias), .. }
        | TableFactor::NestedJoin { alias: Some(alias), .. }
        | TableFactor::Function { alias: Some(alias), .. }
        | TableFactor::TableFunction { alias: Some(alias), .. }
            if !alias.columns.is_empty() =>
        {
            if bigquery {
                let span = alias.columns.first().map_or(alias.name.span, |c| c.name.span);
                r.unsupported(
                    span,
                    "a column list after a table's name",
                    format!(
                        "BigQuery cannot rename a table's columns in `from`: select them under their new names in a subquery, `(select a as x, b as y from t) as {}`",
                        alias.name.value
                    ),
                );
            } else {
                requote(r, alias);
            }
        }
        _ => {}
    }
}

fn requote(r: &Rewriter<'_, '_>, alias: &mut TableAlias) {
    for c in &mut alias.columns {
        r.requote(&mut c.name);
    }
}

/// Names the columns of `q` as `names` say, on the items of its leftmost
/// select; false, with the reason reported, when that would not be the
/// same query.
fn onto_items(r: &mut Rewriter<'_, '_>, q: &mut Query, names: &[TableAliasColumnDef]) -> bool {
    // BigQuery has no `values`: its rows become selects whose items can
    // be named.
    values::body(&mut q.body, true);
    let mut orders = Vec::new();
    if let Some(o) = &q.order_by {
        orders.push((o, !matches!(*q.body, SetExpr::Select(_))));
    }
    let Some(select) = leftmost(&q.body, &mut orders) else {
        let span = names.first().map_or_else(sqlparser::tokenizer::Span::empty, |c| c.name.span);
        r.unsupported(
            span,
            "a column list over this query",
            "BigQuery has no column lists: name the columns inside the query with `as` and drop the list",
        );
        return false;
    };
    let Some(projection) = renamed(r, select, &orders, names) else { return false };
    if let Some(select) = leftmost_mut(&mut q.body) {
        select.projection = projection;
    }
    true
}

/// The select that names the columns of `body`, and the `order by`s on
/// the way to it, each with whether it orders a set operation (whose
/// `order by` can name only output columns).
fn leftmost<'q>(body: &'q SetExpr, orders: &mut Vec<(&'q OrderBy, bool)>) -> Option<&'q Select> {
    match body {
        SetExpr::Select(s) => Some(s),
        SetExpr::SetOperation { left, .. } => leftmost(left, orders),
        SetExpr::Query(q) => {
            if let Some(o) = &q.order_by {
                orders.push((o, !matches!(*q.body, SetExpr::Select(_))));
            }
            leftmost(&q.body, orders)
        }
        _ => None,
    }
}

fn leftmost_mut(body: &mut SetExpr) -> Option<&mut Select> {
    match body {
        SetExpr::Select(s) => Some(s),
        SetExpr::SetOperation { left, .. } => leftmost_mut(left),
        SetExpr::Query(q) => leftmost_mut(&mut q.body),
        _ => None,
    }
}

/// `select`'s items named `names`, or `None` (reported) when one cannot be.
fn renamed(
    r: &mut Rewriter<'_, '_>,
    select: &Select,
    orders: &[(&OrderBy, bool)],
    names: &[TableAliasColumnDef],
) -> Option<Vec<SelectItem>> {
    if let Some(span) = select.projection.iter().find_map(|item| match item {
        SelectItem::Wildcard(o) | SelectItem::QualifiedWildcard(_, o) => Some(o.wildcard_token.0.span),
        _ => None,
    }) {
        r.unsupported(
            span,
            "a column list over `*`",
            "BigQuery has no column lists, and the columns `*` stands for are not known here: list them in the query, each named with `as`, and drop the column list",
        );
        return None;
    }
    if select.projection.len() != names.len() {
        let span = names.first().map_or(select.select_token.0.span, |c| c.name.span);
        r.unsupported(
            span,
            "a column list of another length than its query's columns",
            "name every column of the query, once",
        );
        return None;
    }
    let mut items = Vec::with_capacity(names.len());
    let mut ok = true;
    for (item, def) in select.projection.iter().zip(names) {
        let name = def.name.clone();
        let (expr, old) = match item {
            SelectItem::ExprWithAlias { expr, alias } => (expr, Some((alias, true))),
            SelectItem::UnnamedExpr(e @ Expr::Identifier(id)) => (e, Some((id, false))),
            SelectItem::UnnamedExpr(e @ Expr::CompoundIdentifier(ids)) => (e, ids.last().map(|id| (id, false))),
            SelectItem::UnnamedExpr(e) => (e, None),
            _ => {
                r.unsupported(
                    def.name.span,
                    "a column list over this select item",
                    "BigQuery has no column lists: name the columns inside the query with `as` and drop the list",
                );
                ok = false;
                continue;
            }
        };
        if let Some((old, alias)) = old
            && !old.value.eq_ignore_ascii_case(&name.value)
            && named_elsewhere(select, orders, &old.value, alias)
        {
            r.unsupported(
                def.name.span,
                format!("renaming `{}` (used by name in its query) with a column list", old.value),
                format!(
                    "BigQuery has no column lists: cjo names the query's columns instead, which would leave `{}` naming nothing where the query uses it; name the column `{}` inside the query (`… as {}`) and drop the column list",
                    old.value, name.value, name.value
                ),
            );
            ok = false;
            continue;
        }
        match old {
            // `id` named `id`: as written.
            Some((old, false)) if *old == name => items.push(item.clone()),
            _ => items.push(SelectItem::ExprWithAlias { expr: expr.clone(), alias: name }),
        }
    }
    ok.then_some(items)
}

/// Whether the output name `old` is used by name where renaming it would
/// change what is named: for an alias (`alias`), in the select's `group
/// by`, `having` and `qualify` and in any `order by` of it; for a column
/// (which its table still has), in an `order by` of a set operation or of
/// a `select distinct`, which name output columns only.
fn named_elsewhere(select: &Select, orders: &[(&OrderBy, bool)], old: &str, alias: bool) -> bool {
    let mut finder = Finds(old);
    let mut found = |e: &Expr| e.visit(&mut finder).is_break();
    let order_exprs = |o: &OrderBy| match &o.kind {
        OrderByKind::Expressions(items) => items.iter().map(|i| i.expr.clone()).collect(),
        OrderByKind::All(_) => Vec::new(),
    };
    let outputs_only = |set_operation: bool| set_operation || select.distinct.is_some();
    let in_orders = orders
        .iter()
        .filter(|(_, set_operation)| alias || outputs_only(*set_operation))
        .flat_map(|(o, _)| order_exprs(o))
        .any(|e| found(&e));
    if in_orders {
        return true;
    }
    if !alias {
        return false;
    }
    let groups: Vec<&Expr> = match &select.group_by {
        GroupByExpr::Expressions(list, _) => list.iter().collect(),
        GroupByExpr::All(_) => Vec::new(),
    };
    groups.into_iter().chain(&select.having).chain(&select.qualify).any(found)
}

/// Finds an unqualified name.
struct Finds<'a>(&'a str);

impl Visitor for Finds<'_> {
    type Break = ();
    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        match e {
            Expr::Identifier(Ident { value, .. }) if value.eq_ignore_ascii_case(self.0) => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        }
    }
}
