//! In a query that aggregates, every column outside an aggregate must be
//! one it groups by.

use cjo_diagnostics::{self as codes, Diagnostic};
use sqlparser::ast::{Expr, FunctionArg, FunctionArgExpr, FunctionArguments, GroupByExpr};

use super::query::{Cx, Item};
use super::scope::{ColumnId, Lookup, Scope};
use crate::functions::{FnKind, builtin_kind};

/// What a query groups by.
#[derive(Debug, PartialEq)]
pub(crate) enum Key {
    Column(ColumnId),
    /// Any other expression, compared as normalised text.
    Expr(String),
}

pub(crate) fn key(e: &Expr, scope: &Scope<'_>) -> Key {
    match column_id(e, scope) {
        Some(id) => Key::Column(id),
        None => Key::Expr(normalise(e)),
    }
}

/// An aggregate call (not a window): `sum(x)`, `count(*)`.
pub(crate) fn is_aggregate(e: &Expr) -> bool {
    match e {
        Expr::Function(f) => builtin_kind(&f.name.to_string()) == Some(FnKind::Aggregate) && f.over.is_none(),
        Expr::Nested(inner) => is_aggregate(inner),
        _ => false,
    }
}

fn normalise(e: &Expr) -> String {
    e.to_string().to_ascii_lowercase()
}

fn column_id(e: &Expr, scope: &Scope<'_>) -> Option<ColumnId> {
    let found = match e {
        Expr::Identifier(i) => scope.lookup(None, &i.value),
        Expr::CompoundIdentifier(parts) => match parts.as_slice() {
            [q, c] => scope.lookup(Some(&q.value), &c.value),
            _ => return None,
        },
        Expr::Nested(inner) => return column_id(inner, scope),
        _ => return None,
    };
    match found {
        Lookup::Found(id, _) => Some(id),
        _ => None,
    }
}

/// Reports the columns of `e` that are neither grouped nor aggregated. An
/// output name (in `having`, `order by`) is not a column here: skipped.
pub(crate) fn check(cx: &mut Cx<'_, '_>, e: &Expr, scope: &Scope<'_>, keys: &[Key]) {
    if keys.contains(&Key::Expr(normalise(e))) {
        return;
    }
    match e {
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) => {
            let Some(id) = column_id(e, scope) else {
                return; // unknown, outer or an output name: not a grouping question
            };
            if !keys.contains(&Key::Column(id)) {
                report(cx, e, scope, id);
            }
        }
        Expr::Function(f) => {
            let name = f.name.to_string();
            let aggregate = builtin_kind(&name) == Some(FnKind::Aggregate) && f.over.is_none();
            // In a dialect's own SQL, a function we do not know may be one
            // of its aggregates (`countif`): give it the benefit of the doubt.
            let foreign = cx.native && builtin_kind(&name).is_none() && cx.env.functions.get(&name).is_none();
            if aggregate || foreign {
                return;
            }
            if let FunctionArguments::List(list) = &f.args {
                for arg in &list.args {
                    if let FunctionArg::Unnamed(FunctionArgExpr::Expr(x))
                    | FunctionArg::Named { arg: FunctionArgExpr::Expr(x), .. } = arg
                    {
                        check(cx, x, scope, keys);
                    }
                }
            }
            if let Some(sqlparser::ast::WindowType::WindowSpec(spec)) = &f.over {
                for x in spec.partition_by.iter().chain(spec.order_by.iter().map(|o| &o.expr)) {
                    check(cx, x, scope, keys);
                }
            }
        }
        // Subqueries see the group as a whole; their own columns are theirs.
        Expr::Subquery(_) | Expr::Exists { .. } => {}
        Expr::InSubquery { expr, .. } => check(cx, expr, scope, keys),
        other => {
            for child in children(other) {
                check(cx, child, scope, keys);
            }
        }
    }
}

/// A column of `*` in an aggregating query.
pub(crate) fn check_expanded(cx: &mut Cx<'_, '_>, item: &Item, scope: &Scope<'_>, keys: &[Key]) {
    let id = scope.rels.iter().enumerate().find_map(|(ri, r)| {
        r.columns.iter().position(|c| c.name == item.col.name && c.lineage == item.col.lineage).map(|ci| (ri, ci))
    });
    if id.is_some_and(|id| !keys.contains(&Key::Column(id))) {
        cx.error(
            Diagnostic::error(
                codes::NOT_AGGREGATED,
                item.span,
                format!("`*` includes `{}`, which is not grouped", item.col.name),
            )
            .with_label("not in `group by`")
            .with_help("list the columns instead of `*`, each grouped or aggregated"),
        );
    }
}

fn report(cx: &mut Cx<'_, '_>, e: &Expr, scope: &Scope<'_>, id: ColumnId) {
    let name = scope.col(id.0, id.1).map_or_else(|| e.to_string(), |c| c.name.clone());
    cx.error(
        Diagnostic::error(codes::NOT_AGGREGATED, cx.expr_span(e), format!("`{e}` is neither grouped nor aggregated"))
            .with_label("not in `group by`")
            .with_help(format!("add `{e}` to `group by`, or aggregate it, e.g. `max({e})` or `any_value({e})`"))
            .with_note(format!("each row of the result is a group; `{name}` may have many values in one group")),
    );
}

/// The direct sub-expressions of the expressions that have them.
fn children(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::BinaryOp { left, right, .. } => vec![left, right],
        Expr::UnaryOp { expr, .. }
        | Expr::Nested(expr)
        | Expr::IsNull(expr)
        | Expr::IsNotNull(expr)
        | Expr::IsTrue(expr)
        | Expr::IsNotTrue(expr)
        | Expr::IsFalse(expr)
        | Expr::IsNotFalse(expr)
        | Expr::Cast { expr, .. }
        | Expr::Extract { expr, .. }
        | Expr::Ceil { expr, .. }
        | Expr::Floor { expr, .. } => vec![expr],
        Expr::IsDistinctFrom(a, b) | Expr::IsNotDistinctFrom(a, b) => vec![a, b],
        Expr::InList { expr, list, .. } => std::iter::once(expr.as_ref()).chain(list).collect(),
        Expr::Between { expr, low, high, .. } => vec![expr, low, high],
        Expr::Like { expr, pattern, .. } | Expr::ILike { expr, pattern, .. } => vec![expr, pattern],
        Expr::Case { operand, conditions, else_result, .. } => operand
            .iter()
            .map(AsRef::as_ref)
            .chain(conditions.iter().flat_map(|w| [&w.condition, &w.result]))
            .chain(else_result.iter().map(AsRef::as_ref))
            .collect(),
        Expr::Substring { expr, substring_from, substring_for, .. } => std::iter::once(expr.as_ref())
            .chain(substring_from.iter().map(AsRef::as_ref))
            .chain(substring_for.iter().map(AsRef::as_ref))
            .collect(),
        Expr::Trim { expr, trim_what, .. } => {
            std::iter::once(expr.as_ref()).chain(trim_what.iter().map(AsRef::as_ref)).collect()
        }
        Expr::Position { expr, r#in } => vec![expr, r#in],
        Expr::AtTimeZone { timestamp, time_zone } => vec![timestamp, time_zone],
        Expr::Tuple(items) => items.iter().collect(),
        Expr::Array(a) => a.elem.iter().collect(),
        Expr::CompoundFieldAccess { root, .. } => vec![root],
        _ => Vec::new(),
    }
}

/// What a `group by` clause says about its groups.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Shape {
    /// A group may hold no row, so an aggregate other than `count` may be
    /// null: there is no `group by` (one group over the whole input, which
    /// may be empty), it is `group by ()`, or a grouping set is the empty
    /// one (the grand total of `rollup`, `cube` or `grouping sets (…, ())`).
    pub empty_groups: bool,
    /// Some rows are super-aggregates (`rollup`, `cube`, `grouping sets`),
    /// in which the keys grouped over are null.
    pub grouping_sets: bool,
}

/// The shape of the groups `g` makes.
pub(crate) fn shape(g: &GroupByExpr) -> Shape {
    match g {
        // `group by all` with only aggregates selected groups by nothing:
        // assume the worst.
        GroupByExpr::All(_) => Shape { empty_groups: true, grouping_sets: false },
        GroupByExpr::Expressions(list, modifiers) => {
            let sets = !modifiers.is_empty()
                || list.iter().any(|e| matches!(e, Expr::Rollup(_) | Expr::Cube(_) | Expr::GroupingSets(_)));
            // The grouping sets are the product of the elements' sets: the
            // empty set is among them when every element has it.
            let empty_set = !modifiers.is_empty()
                || list.iter().all(|e| match e {
                    Expr::Tuple(t) => t.is_empty(),
                    Expr::GroupingSets(sets) => sets.iter().any(Vec::is_empty),
                    Expr::Rollup(_) | Expr::Cube(_) => true,
                    _ => false,
                });
            Shape { empty_groups: empty_set, grouping_sets: sets }
        }
    }
}
