//! Queries: `with`, set operations, `select` with its `from`, joins,
//! `where`, `group by`, `having`, `qualify` and `order by`.

use std::collections::BTreeSet;

use cjo_diagnostics::{self as codes, Diagnostic, Span, did_you_mean};
use sqlparser::ast::{
    Expr, GroupByExpr, Join, JoinConstraint, JoinOperator, OrderBy, OrderByKind, Query, Select, SelectItem,
    SelectItemQualifiedWildcardKind, SetExpr, SetOperator, Spanned, TableAlias, TableFactor, TableWithJoins, Value,
    WildcardAdditionalOptions,
};

use super::expr::{Mode, Val};
use super::group::{self, Key};
use super::scope::{Col, Lookup, Rel, Scope, Untyped};
use super::{BodyMap, Env, object_name};
use crate::functions;
use crate::ty::Ty;

/// The state of checking one body.
#[derive(Debug)]
pub(crate) struct Cx<'a, 'o> {
    pub env: &'a Env<'a>,
    pub map: BodyMap<'a>,
    pub params: &'a [(String, Ty)],
    /// A body written in one warehouse's dialect: functions we do not know
    /// are that warehouse's, not mistakes.
    pub native: bool,
    /// The model is incremental: its table is declared with its columns'
    /// types, so a column without one is an error (E0602), not a warning.
    pub incremental: bool,
    /// The warehouse a native body is written for.
    pub dialect: Option<cjo_project::Dialect>,
    /// The CTEs in scope, innermost last, with where each is named.
    pub ctes: Vec<(String, Vec<Col>, Span)>,
    /// The output names of the `select` whose `where`/`on` is being
    /// checked: an unknown column of one of these names gets a better help.
    pub select_aliases: Vec<String>,
    /// The groups of the `select` being checked: whether its aggregates may
    /// fold no row.
    pub groups: group::Shape,
    /// Types the SQL emitters will need (see `hints`).
    pub hints: crate::hints::Hints,
    pub out: &'o mut Vec<Diagnostic>,
    /// What each name of the body resolved to, for the language server.
    pub refs: &'o mut Vec<crate::ide::Reference>,
    /// Every project name the body looked up, and what it found: all the
    /// project a check depends on besides the body itself (see
    /// `crate::memo`).
    pub lookups: Vec<TableLookup>,
}

/// A table name a body looked up among the project's relations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TableLookup {
    /// `name` (lowercase, as written) is the relation `key`'s.
    Found { name: String, key: String },
    /// `name` is a known relation's, one with no columns (in a cycle, or
    /// its body did not parse).
    Columnless { name: String },
    /// `name` is nobody's: the error names the nearest of every name there
    /// is, so the check depends on all of them.
    Unknown,
}

/// One output column of a query and where it is computed.
#[derive(Debug)]
pub(crate) struct Item {
    pub col: Col,
    pub span: Span,
    /// Named by an alias or a plain column reference (not derived).
    pub named: bool,
}

impl<'a> Cx<'a, '_> {
    pub fn span(&self, node: &impl Spanned) -> Span {
        self.map.span(node.span())
    }

    /// An expression's span, corrected where sqlparser's stops short: a
    /// call through its `)`, `cast(…)`, `extract(…)`, `exists (…)`.
    pub fn expr_span(&self, e: &Expr) -> Span {
        match e {
            Expr::Function(f) => self.map.call(self.span(&f.name)),
            Expr::Cast { kind, expr, .. } if *kind != sqlparser::ast::CastKind::DoubleColon => {
                self.map.around(self.expr_span(expr))
            }
            Expr::Extract { expr, .. }
            | Expr::Substring { expr, .. }
            | Expr::Trim { expr, .. }
            | Expr::Position { expr, .. }
            | Expr::Ceil { expr, .. }
            | Expr::Floor { expr, .. } => self.map.around(self.expr_span(expr)),
            Expr::Exists { subquery, .. } => self.map.around(self.span(subquery.as_ref())),
            Expr::InSubquery { .. } => self.map.through_paren(self.span(e)),
            // Operators start where their first operand does (a `cast(…)`
            // starts at `cast`, not at its operand).
            // Down both spines without recursing: a chain `x = 1 = 1 = …`
            // is as deep as it is long, and an error at each of its
            // operators asks for the span of each.
            Expr::BinaryOp { .. } => {
                let (mut first, mut last) = (e, e);
                while let Expr::BinaryOp { left, .. } = first {
                    first = left;
                }
                while let Expr::BinaryOp { right, .. } = last {
                    last = right;
                }
                self.cover(self.expr_span(first), self.expr_span(last))
            }
            Expr::Like { expr, pattern, .. } | Expr::ILike { expr, pattern, .. } => {
                self.cover(self.expr_span(expr), self.expr_span(pattern))
            }
            Expr::Between { expr, high, .. } => self.cover(self.expr_span(expr), self.expr_span(high)),
            Expr::IsNull(x) | Expr::IsNotNull(x) => self.cover(self.expr_span(x), self.span(e)),
            _ => self.span(e),
        }
    }

    fn cover(&self, a: Span, b: Span) -> Span {
        if a.file == b.file { Span::new(a.file, a.range.cover(b.range)) } else { a }
    }

    pub fn ident_span(&self, ident: &sqlparser::ast::Ident) -> Span {
        self.map.span(ident.span)
    }

    /// The span of an identifier's name without its quotes (`` `a` ``,
    /// `"a"`, `[a]`): where the editor's rename writes the new name.
    pub fn name_span(&self, ident: &sqlparser::ast::Ident) -> Span {
        let mut span = self.ident_span(ident);
        // Every quote character is one byte; a span too short to hold
        // both is left as it is.
        if ident.quote_style.is_some() && span.range.len() >= 2 {
            span.range = cjo_diagnostics::TextRange::new(span.range.start + 1, span.range.end - 1);
        }
        span
    }

    pub fn error(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    /// The model's query: its output columns must each have a name, once.
    pub fn top_query(&mut self, q: &Query) -> Vec<(Col, Option<Span>)> {
        let items = self.query(q, None);
        let mut seen: Vec<(String, Span)> = Vec::new();
        let mut columns = Vec::with_capacity(items.len());
        for item in items {
            if !item.named || item.col.derived {
                self.error(
                    Diagnostic::error(codes::UNNAMED_COLUMN, item.span, "this column of the model has no name")
                        .with_label("give it a name with `as`")
                        .with_help("each warehouse invents a different name for an unnamed column (`f0_`, `_col0`, `?column?`), so a model's columns must be named"),
                );
            } else if let Some((_, first)) = seen.iter().find(|(n, _)| n.eq_ignore_ascii_case(&item.col.name)) {
                let first = *first;
                self.error(
                    Diagnostic::error(
                        codes::DUPLICATE_COLUMN,
                        item.span,
                        format!("the model has two columns called `{}`", item.col.name),
                    )
                    .with_label("second column with this name")
                    .with_secondary(first, "first one")
                    .with_help("a table cannot have two columns of one name: rename one with `as`"),
                );
            } else {
                seen.push((item.col.name.clone(), item.span));
            }
            columns.push((item.col, Some(item.span)));
        }
        self.untyped_columns(&mut columns);
        columns
    }

    /// Reports each output column whose type is no column type, once, where
    /// its type was lost; nothing when an error explains it. A warning (the
    /// warehouse computes the column; only cjo cannot check what reads it),
    /// an error in an incremental model, whose table needs the type.
    fn untyped_columns(&mut self, columns: &mut [(Col, Option<Span>)]) {
        let mut reported: Vec<Span> = Vec::new();
        for (col, item) in columns.iter_mut() {
            let Some(item) = *item else { continue };
            if col.ty.is_column_type() {
                continue;
            }
            let (at, what, upstream) = match &col.untyped {
                Some(Untyped::Reported) => continue,
                Some(Untyped::Upstream(_)) if !self.incremental => continue,
                Some(Untyped::Upstream(there)) => {
                    (item, "it is read from a model where its type is not known".to_string(), Some(*there))
                }
                Some(Untyped::At(at, what)) => (*at, what.clone(), None),
                None => (item, format!("cjo does not know the type {} stands for", col.ty), None),
            };
            if col.untyped.is_none() {
                col.untyped = Some(Untyped::At(at, what.clone()));
            }
            if reported.contains(&at) {
                continue;
            }
            reported.push(at);
            let name = &col.name;
            let example = if col.ty == Ty::Null { "cast(null as string)" } else { "cast(… as <type>)" };
            let mut d = if self.incremental {
                Diagnostic::error(
                    codes::UNTYPED_INCREMENTAL_COLUMN,
                    at,
                    format!("the type of `{name}` is not known, so the incremental table cannot be declared"),
                )
            } else {
                Diagnostic::warning(
                    codes::UNTYPED_COLUMN,
                    at,
                    format!("cjo cannot tell the type of the column `{name}`"),
                )
            }
            .with_label(what)
            .with_help(format!("write its type with a cast: `{example} as {name}`"));
            if at != item {
                d = d.with_secondary(item, format!("the column `{name}`"));
            }
            if let Some(there) = upstream {
                d = d.with_secondary(there, "its type is lost here");
            }
            if !self.incremental {
                d = d.with_note("the warehouse computes it, but cjo cannot check what reads it, and `cjoc describe` and manifest.json say `unknown`");
            }
            self.error(d);
        }
    }

    pub fn query(&mut self, q: &Query, outer: Option<&Scope<'_>>) -> Vec<Item> {
        let depth = self.ctes.len();
        for cte in q.with.iter().flat_map(|w| &w.cte_tables) {
            let name = &cte.alias.name;
            if self.ctes.get(depth..).unwrap_or_default().iter().any(|(n, ..)| n.eq_ignore_ascii_case(&name.value)) {
                self.error(
                    Diagnostic::error(
                        codes::DUPLICATE_COLUMN,
                        self.ident_span(name),
                        format!("`{}` is defined twice in this `with`", name.value),
                    )
                    .with_label("second definition")
                    .with_help("give each CTE its own name"),
                );
            }
            let items = self.query(&cte.query, None);
            let cols = self.rename(items.into_iter().map(|i| i.col).collect(), &cte.alias);
            let def = self.ident_span(name);
            self.refs.push(crate::ide::Reference::cte(def, &name.value, def));
            self.ctes.push((cte.alias.name.value.clone(), cols, def));
        }
        let items = self.set_expr(&q.body, q.order_by.as_ref(), outer);
        if !matches!(*q.body, SetExpr::Select(_)) {
            if let Some(order_by) = &q.order_by {
                let rel =
                    Rel { alias: String::new(), columns: items.iter().map(|i| i.col.clone()).collect(), open: None };
                let scope = Scope { rels: vec![rel], ..Scope::default() };
                for e in order_exprs(order_by) {
                    if ordinal(e).is_some() {
                        self.position(e, items.len(), "order by");
                    } else {
                        if !self.expr(e, &scope, &Mode::clause("order by")).nullable {
                            self.hints.never_null_key(e);
                        }
                    }
                }
            }
        }
        self.ctes.truncate(depth);
        items
    }

    /// Applies `alias(a, b)` column names.
    fn rename(&mut self, mut cols: Vec<Col>, alias: &TableAlias) -> Vec<Col> {
        if alias.columns.is_empty() {
            return cols;
        }
        if alias.columns.len() != cols.len() {
            self.error(
                Diagnostic::error(
                    codes::SET_OPERATION_MISMATCH,
                    self.ident_span(&alias.name),
                    format!(
                        "`{}` names {} columns but its query has {}",
                        alias.name.value,
                        alias.columns.len(),
                        cols.len()
                    ),
                )
                .with_label("column list does not match the query"),
            );
        }
        for (col, def) in cols.iter_mut().zip(&alias.columns) {
            col.name = def.name.value.clone();
        }
        cols
    }

    fn set_expr(&mut self, body: &SetExpr, order_by: Option<&OrderBy>, outer: Option<&Scope<'_>>) -> Vec<Item> {
        match body {
            SetExpr::Select(s) => self.select(s, order_by, outer),
            SetExpr::Query(q) => self.query(q, outer),
            SetExpr::SetOperation { op, left, right, .. } => {
                let left_items = self.set_expr(left, None, outer);
                let right_items = self.set_expr(right, None, outer);
                self.combine(*op, left_items, right_items, self.span(right.as_ref()))
            }
            SetExpr::Values(values) => {
                let scope = Scope { outer, ..Scope::default() };
                let mut items: Vec<Item> = Vec::new();
                for row in &values.rows {
                    for (i, e) in row.iter().enumerate() {
                        let v = self.expr(e, &scope, &Mode::clause("values"));
                        let span = self.expr_span(e);
                        match items.get_mut(i) {
                            Some(item) => {
                                match Ty::common(&item.col.ty, &v.ty) {
                                    Some(t) => item.col.ty = t,
                                    None => {
                                        self.error(
                                            Diagnostic::error(
                                                codes::SET_OPERATION_MISMATCH,
                                                span,
                                                format!(
                                                    "column {} of these `values` is {} in the first row but {} here",
                                                    i + 1,
                                                    item.col.ty,
                                                    v.ty
                                                ),
                                            )
                                            .with_label(format!("{}", v.ty))
                                            .with_secondary(item.span, format!("{}", item.col.ty))
                                            .with_help(format!(
                                                "every row must have one type per column: `cast(… as {})`",
                                                item.col.ty
                                            )),
                                        );
                                        item.col.ty = Ty::Unknown;
                                        item.col.untyped = Some(Untyped::Reported);
                                    }
                                }
                                item.col.nullable |= v.nullable;
                            }
                            None => {
                                items.push(Item { col: v.into_col(format!("column{}", i + 1)), span, named: false })
                            }
                        }
                    }
                }
                items
            }
            other => {
                self.unknown_columns(
                    self.span(other),
                    "cjo cannot know the columns of this query",
                    "write the query as a `select`",
                );
                Vec::new()
            }
        }
    }

    /// E0409: the columns of a query are not known, here.
    fn unknown_columns(&mut self, span: Span, message: &str, help: &str) {
        self.error(
            Diagnostic::error(codes::UNKNOWN_COLUMNS, span, message)
                .with_label("columns not known")
                .with_help(help)
                .with_note("a model's columns must be known: `cjoc describe`, the manifest and every model reading it rely on them"),
        );
    }

    /// The columns of `(x).*`: the fields of a struct. Anything else has
    /// columns cjo cannot know (E0409).
    fn fields_of(&mut self, v: &Val, x: &Expr) -> Vec<Col> {
        match &v.ty {
            Ty::Struct(fields) => fields
                .iter()
                .map(|(name, ty)| {
                    let mut col = v.clone().into_col(name.clone());
                    col.ty = ty.clone();
                    col.nullable = true;
                    col
                })
                .collect(),
            _ if v.untyped == Some(Untyped::Reported) => Vec::new(),
            t => {
                let t = if t.is_open() { "a value of unknown type".to_string() } else { crate::ty::with_article(t) };
                self.unknown_columns(
                    self.expr_span(x),
                    &format!("cjo cannot know the columns of `(…).*` of {t}"),
                    "`.*` takes a struct's fields: select the fields one by one, each with its name (`if(c, cur.id, prev.id) as id`)",
                );
                Vec::new()
            }
        }
    }

    /// `union`, `intersect`, `except`: same arity, compatible types.
    fn combine(&mut self, op: SetOperator, left: Vec<Item>, right: Vec<Item>, right_span: Span) -> Vec<Item> {
        let op = op.to_string().to_ascii_lowercase();
        if left.len() != right.len() {
            self.error(
                Diagnostic::error(
                    codes::SET_OPERATION_MISMATCH,
                    right_span,
                    format!("the sides of this `{op}` have {} and {} columns", left.len(), right.len()),
                )
                .with_label(format!("{} columns here", right.len()))
                .with_help("both sides must select the same number of columns, in the same order"),
            );
            return left;
        }
        left.into_iter()
            .zip(right)
            .map(|(mut l, r)| {
                match Ty::common(&l.col.ty, &r.col.ty) {
                    Some(ty) => l.col.ty = ty,
                    None => {
                        self.error(
                            Diagnostic::error(
                                codes::SET_OPERATION_MISMATCH,
                                r.span,
                                format!(
                                    "column `{}` is {} on the left of this `{op}` but {} here",
                                    l.col.name, l.col.ty, r.col.ty
                                ),
                            )
                            .with_label(format!("{}", r.col.ty))
                            .with_secondary(l.span, format!("{}", l.col.ty))
                            .with_help(format!("cast one side: `cast(… as {})`", l.col.ty)),
                        );
                        l.col.ty = Ty::Unknown;
                        l.col.untyped = Some(Untyped::Reported);
                    }
                }
                l.col.nullable |= r.col.nullable;
                l.col.lineage.extend(r.col.lineage);
                l
            })
            .collect()
    }

    fn select(&mut self, s: &Select, order_by: Option<&OrderBy>, outer: Option<&Scope<'_>>) -> Vec<Item> {
        let mut scope = Scope { outer, ..Scope::default() };
        let saved = std::mem::replace(
            &mut self.select_aliases,
            s.projection
                .iter()
                .filter_map(|i| match i {
                    SelectItem::ExprWithAlias { alias, .. } => Some(alias.value.clone()),
                    _ => None,
                })
                .collect(),
        );
        for twj in &s.from {
            self.table_with_joins(twj, &mut scope);
        }
        if let Some(w) = &s.selection {
            self.condition(w, &scope, "where", Mode::clause("where"));
        }
        let shape = group::shape(&s.group_by);
        let outer_groups = std::mem::replace(&mut self.groups, shape);
        let mut items = Vec::new();
        let mut exprs: Vec<Option<&Expr>> = Vec::new();
        let mut aggregating = false;
        for item in &s.projection {
            match item {
                SelectItem::UnnamedExpr(e) => {
                    let v = self.expr(e, &scope, &Mode::projection());
                    aggregating |= v.aggregate;
                    let (name, named) = derived_name(e);
                    let doc = self.passthrough_doc(e, &scope);
                    let mut col = v.into_col(name);
                    col.doc = doc;
                    col.derived = !named;
                    items.push(Item { col, span: self.expr_span(e), named });
                    exprs.push(Some(e));
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    let v = self.expr(expr, &scope, &Mode::projection());
                    aggregating |= v.aggregate;
                    let doc = self.passthrough_doc(expr, &scope);
                    let mut col = v.into_col(alias.value.clone());
                    col.doc = doc;
                    items.push(Item { col, span: self.ident_span(alias), named: true });
                    exprs.push(Some(expr));
                }
                SelectItem::Wildcard(opts) => {
                    let span = self.map.span(opts.wildcard_token.0.span);
                    let cols = self.wildcard(&scope, None, opts, span);
                    for col in cols {
                        exprs.push(None);
                        items.push(Item { col, span, named: true });
                    }
                }
                SelectItem::QualifiedWildcard(kind, opts) => {
                    let span = self.map.span(opts.wildcard_token.0.span);
                    let cols = match kind {
                        SelectItemQualifiedWildcardKind::ObjectName(name) => {
                            let span = self.span(name);
                            self.wildcard(&scope, Some((&object_name(name), span)), opts, span)
                        }
                        SelectItemQualifiedWildcardKind::Expr(x) => {
                            let v = self.expr(x, &scope, &Mode::projection());
                            aggregating |= v.aggregate;
                            self.fields_of(&v, x)
                        }
                    };
                    for col in cols {
                        exprs.push(None);
                        items.push(Item { col, span, named: true });
                    }
                }
                SelectItem::ExprWithAliases { expr, .. } => {
                    self.expr(expr, &scope, &Mode::projection());
                    self.unknown_columns(
                        self.expr_span(expr),
                        "cjo cannot know the columns of an expression given several names",
                        "select each column with its own expression and name",
                    );
                }
            }
        }

        self.select_aliases = saved;
        let keys = self.group_by(&s.group_by, &scope, &items, &exprs);
        aggregating |= !keys.is_empty() || matches!(s.group_by, GroupByExpr::All(_));
        let aliases: Vec<(String, Val)> = items.iter().map(|i| (i.col.name.clone(), Val::of_col(&i.col))).collect();
        if let Some(h) = &s.having {
            let v = self.condition(h, &scope, "having", Mode::having(&aliases));
            aggregating |= v.aggregate;
        }
        if let Some(q) = &s.qualify {
            self.condition(q, &scope, "qualify", Mode::qualify(&aliases));
        }
        let order: Vec<&Expr> = order_by.map(order_exprs).unwrap_or_default();
        // A bare name in `order by` that names an output column is that
        // column, before any input column of the name (the standard's rule
        // and every warehouse's): `select k, sum(n) as n … group by k order
        // by n` orders by the sum. Inside an expression, names are input
        // columns first.
        let outputs: Vec<Option<Val>> = order.iter().map(|e| self.output_column(e, &items, &exprs)).collect();
        for (e, output) in order.iter().zip(&outputs) {
            if let Some(v) = output {
                if !v.nullable && !shape.grouping_sets {
                    self.hints.never_null_key(e);
                }
            } else if ordinal(e).is_none() {
                let v = self.expr(e, &scope, &Mode::order_by(&aliases));
                aggregating |= v.aggregate;
                // The super-aggregate rows of `rollup`, `cube` and
                // `grouping sets` have null keys: then any key may be null.
                if !v.nullable && !shape.grouping_sets {
                    self.hints.never_null_key(e);
                }
            } else {
                self.position(e, items.len(), "order by");
            }
        }

        if aggregating && !matches!(s.group_by, GroupByExpr::All(_)) {
            for (item, e) in items.iter().zip(&exprs) {
                match e {
                    Some(e) => group::check(self, e, &scope, &keys),
                    None => group::check_expanded(self, item, &scope, &keys),
                }
            }
            if let Some(h) = &s.having {
                group::check(self, h, &scope, &keys);
            }
            for (e, _) in order.iter().zip(&outputs).filter(|(e, o)| o.is_none() && ordinal(e).is_none()) {
                group::check(self, e, &scope, &keys);
            }
        }
        // The super-aggregate rows of `rollup`, `cube` and `grouping sets`
        // have null keys: anything but a count may be null there.
        if shape.grouping_sets {
            for (item, e) in items.iter_mut().zip(&exprs) {
                let count = matches!(e, Some(Expr::Function(f)) if functions::never_null(&f.name.to_string()));
                item.col.nullable |= !count;
            }
        }
        self.groups = outer_groups;
        items
    }

    /// The output column a bare `order by` name stands for, if it names
    /// one; a name of two different output columns is reported (E0303).
    /// `exprs`: each output column's expression, when it has one.
    fn output_column(&mut self, e: &Expr, items: &[Item], exprs: &[Option<&Expr>]) -> Option<Val> {
        let Expr::Identifier(id) = e else { return None };
        let mut named = items.iter().zip(exprs).filter(|(i, _)| i.col.name.eq_ignore_ascii_case(&id.value));
        let (first, first_expr) = named.next()?;
        if named.any(|(_, other)| other.is_none() || other != first_expr) {
            self.error(
                Diagnostic::error(
                    codes::AMBIGUOUS_COLUMN,
                    self.ident_span(id),
                    format!("`{}` is ambiguous: two output columns have that name", id.value),
                )
                .with_label("names two output columns")
                .with_help("give the output columns different names (`as …`), or order by position"),
            );
            return Some(Val::unknown());
        }
        // The editor sees the name as the column the output passes on,
        // when it is one written as is (not `sum(amount) as amount`).
        if matches!(first_expr, Some(Expr::Identifier(_) | Expr::CompoundIdentifier(_))) {
            let span = self.name_span(id);
            self.refs.extend(crate::ide::Reference::column(None, span, &first.col));
        }
        Some(Val::of_col(&first.col))
    }

    /// The group keys: columns, expressions, positions and output names.
    fn group_by(&mut self, g: &GroupByExpr, scope: &Scope<'_>, items: &[Item], exprs: &[Option<&Expr>]) -> Vec<Key> {
        let GroupByExpr::Expressions(list, _) = g else { return Vec::new() };
        let mut keys = Vec::new();
        // `rollup(a, b)`, `cube(…)`, `grouping sets ((a), ())`: their
        // expressions are the keys.
        let list: Vec<&Expr> = list
            .iter()
            .flat_map(|e| match e {
                Expr::Rollup(sets) | Expr::Cube(sets) | Expr::GroupingSets(sets) => sets.iter().flatten().collect(),
                Expr::Tuple(t) if t.is_empty() => Vec::new(),
                other => vec![other],
            })
            .collect();
        for e in list {
            // `group by 2`: the second select item.
            if let Some(n) = ordinal(e) {
                if let Some(index) = self.position(e, items.len(), "group by") {
                    match exprs.get(index).copied().flatten() {
                        Some(target) if group::is_aggregate(target) => {
                            self.error(
                                Diagnostic::error(
                                    codes::MISPLACED_AGGREGATE,
                                    self.expr_span(e),
                                    format!("`group by {n}` names an aggregate"),
                                )
                                .with_label(format!("item {n} is `{target}`"))
                                .with_secondary(self.expr_span(target), "aggregate")
                                .with_help("group by the columns the aggregate is computed from"),
                            );
                        }
                        Some(target) => keys.push(group::key(target, scope)),
                        None => keys.push(Key::Expr(String::new())),
                    }
                }
                continue;
            }
            // `group by day`: an output name, unless a column has it.
            if let Expr::Identifier(ident) = e
                && let Some(target) = self.group_alias(ident, e, scope, items, exprs)
            {
                keys.push(group::key(target, scope));
                continue;
            }
            self.expr(e, scope, &Mode::clause("group by"));
            keys.push(group::key(e, scope));
        }
        keys
    }

    /// The expression of the output column a bare `group by` name stands
    /// for, if it stands for one. The warehouses agree when only an output
    /// column has the name; when an input column has it too, BigQuery takes
    /// the output column and Redshift the input one (Trino never looks at
    /// output names: cjo writes the output column's expression there), so
    /// a portable body that means two different things by it is reported
    /// (E0303).
    fn group_alias<'e>(
        &mut self,
        ident: &sqlparser::ast::Ident,
        e: &Expr,
        scope: &Scope<'_>,
        items: &[Item],
        exprs: &[Option<&'e Expr>],
    ) -> Option<&'e Expr> {
        let i = items.iter().position(|it| it.named && it.col.name.eq_ignore_ascii_case(&ident.value))?;
        let target = exprs.get(i).copied().flatten()?;
        if matches!(scope.lookup(None, &ident.value), Lookup::Missing) {
            self.hints.record(e, crate::hints::Hint::GroupByOutput(i));
            return Some(target);
        }
        if group::key(target, scope) == group::key(e, scope) {
            return None; // `select day … group by day`: the same column
        }
        match self.dialect {
            Some(cjo_project::Dialect::BigQuery) => Some(target),
            Some(_) => None,
            None => {
                self.error(
                    Diagnostic::error(
                        codes::AMBIGUOUS_COLUMN,
                        self.ident_span(ident),
                        format!("`group by {}` is ambiguous: an output column and an input column have that name", ident.value),
                    )
                    .with_label("names both")
                    .with_secondary(self.expr_span(target), "the output column")
                    .with_help(format!(
                        "BigQuery groups by the output column, Redshift by the input column: write the expression (`group by {target}`) or the qualified input column, or rename the output column"
                    )),
                );
                None
            }
        }
    }

    /// Checks `group by 3` / `order by 3` against the number of items and
    /// returns the 0-based index.
    fn position(&mut self, e: &Expr, count: usize, clause: &str) -> Option<usize> {
        let n = ordinal(e)?;
        if n >= 1 && n <= count {
            return Some(n - 1);
        }
        self.error(
            Diagnostic::error(
                codes::INVALID_POSITION,
                self.expr_span(e),
                format!("`{clause} {n}`: the select list has {count} item{}", if count == 1 { "" } else { "s" }),
            )
            .with_label(format!("no item {n}"))
            .with_help(format!("positions count the select list from 1 to {count}; or name the column instead")),
        );
        None
    }

    /// `*`, `t.*`, with BigQuery's `except (…)`.
    fn wildcard(
        &mut self,
        scope: &Scope<'_>,
        qualifier: Option<(&str, Span)>,
        opts: &WildcardAdditionalOptions,
        span: Span,
    ) -> Vec<Col> {
        let rels: Vec<&Rel> = match qualifier {
            Some((q, qspan)) => match scope.rel(q) {
                Some((_, rel)) => vec![rel],
                None => {
                    self.unknown_qualifier(q, qspan, scope);
                    return Vec::new();
                }
            },
            None => {
                if scope.rels.is_empty() {
                    self.error(
                        Diagnostic::error(codes::UNKNOWN_COLUMN, span, "`*` without a `from`")
                            .with_label("no table to take columns from"),
                    );
                }
                scope.rels.iter().collect()
            }
        };
        // A relation whose columns are not known (a `pivot`): `*` cannot
        // list them.
        for rel in &rels {
            if let Some(Untyped::At(at, what)) = &rel.open {
                self.error(
                    Diagnostic::error(codes::UNKNOWN_COLUMNS, span, "cjo cannot know the columns this `*` selects")
                        .with_label("columns not known")
                        .with_secondary(*at, what.clone())
                        .with_help("select the columns by name, each with its type (`cast(… as int) as q1`), or compute them without it (`sum(if(quarter = 'q1', amount, 0)) as q1` for a pivot)")
                        .with_note("a model's columns must be known: `cjoc describe`, the manifest and every model reading it rely on them"),
                );
            }
        }
        if opts.opt_rename.is_some() || opts.opt_ilike.is_some() {
            self.unknown_columns(span, "cjo cannot know the columns of this `*`", "list the columns instead");
        }
        let mut excluded: Vec<(String, Span)> = Vec::new();
        if let Some(except) = &opts.opt_except {
            for ident in std::iter::once(&except.first_element).chain(&except.additional_elements) {
                excluded.push((ident.value.to_ascii_lowercase(), self.ident_span(ident)));
                // The name stands for the column it leaves out (renamed
                // with it by the editor).
                let col =
                    rels.iter().find_map(|r| r.columns.iter().find(|c| c.name.eq_ignore_ascii_case(&ident.value)));
                if let Some(col) = col {
                    self.refs.extend(crate::ide::Reference::column(None, self.name_span(ident), col));
                }
            }
        }
        if let Some(exclude) = &opts.opt_exclude {
            let names = match exclude {
                sqlparser::ast::ExcludeSelectItem::Single(n) => vec![n],
                sqlparser::ast::ExcludeSelectItem::Multiple(ns) => ns.iter().collect(),
            };
            for n in names {
                excluded.push((object_name(n), self.span(n)));
            }
        }
        let mut cols: Vec<Col> = Vec::new();
        let mut merged_seen = BTreeSet::new();
        for rel in &rels {
            for col in &rel.columns {
                let lower = col.name.to_ascii_lowercase();
                if excluded.iter().any(|(n, _)| *n == lower) {
                    continue;
                }
                // A column joined with `using` appears once.
                if qualifier.is_none() && scope.merged.contains(&lower) && !merged_seen.insert(lower) {
                    continue;
                }
                cols.push(col.clone());
            }
        }
        for (name, espan) in excluded {
            if !scope
                .rels
                .iter()
                .any(|r| r.open.is_some() || r.columns.iter().any(|c| c.name.eq_ignore_ascii_case(&name)))
            {
                self.error(
                    Diagnostic::error(codes::UNKNOWN_COLUMN, espan, format!("`except ({name})`: no such column"))
                        .with_label("not a column of the tables in `from`")
                        .with_help_opt(did_you_mean(
                            &name,
                            scope.rels.iter().flat_map(|r| r.columns.iter().map(|c| c.name.as_str())),
                        )),
                );
            }
        }
        // BigQuery's `* replace (expr as col)`: the column, computed anew.
        for element in opts.opt_replace.iter().flat_map(|r| &r.items) {
            let v = self.expr(&element.expr, scope, &Mode::projection());
            let name = &element.column_name;
            match cols.iter_mut().find(|c| c.name.eq_ignore_ascii_case(&name.value)) {
                Some(col) => *col = v.into_col(col.name.clone()),
                None => self.error(
                    Diagnostic::error(
                        codes::UNKNOWN_COLUMN,
                        self.ident_span(name),
                        format!("`replace (… as {})`: no such column", name.value),
                    )
                    .with_label("not a column of the tables in `from`"),
                ),
            }
        }
        cols
    }

    fn table_with_joins(&mut self, twj: &TableWithJoins, scope: &mut Scope<'_>) {
        let first = scope.rels.len();
        self.table_factor(&twj.relation, scope);
        for join in &twj.joins {
            self.join(join, first, scope);
        }
    }

    fn join(&mut self, join: &Join, first: usize, scope: &mut Scope<'_>) {
        let before = scope.rels.len();
        self.table_factor(&join.relation, scope);
        let (left_nullable, right_nullable, constraint) = match &join.join_operator {
            JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (false, true, Some(c)),
            JoinOperator::Right(c) | JoinOperator::RightOuter(c) => (true, false, Some(c)),
            JoinOperator::FullOuter(c) => (true, true, Some(c)),
            // `outer apply`: the right side is null where it gives no row.
            JoinOperator::OuterApply => (false, true, None),
            JoinOperator::Join(c)
            | JoinOperator::Inner(c)
            | JoinOperator::CrossJoin(c)
            | JoinOperator::Semi(c)
            | JoinOperator::LeftSemi(c)
            | JoinOperator::RightSemi(c)
            | JoinOperator::Anti(c)
            | JoinOperator::LeftAnti(c)
            | JoinOperator::RightAnti(c)
            | JoinOperator::StraightJoin(c) => (false, false, Some(c)),
            _ => (false, false, None),
        };
        match constraint {
            Some(JoinConstraint::On(e)) => {
                self.condition(e, scope, "on", Mode::clause("on"));
            }
            Some(JoinConstraint::Using(names)) => {
                for name in names {
                    let column = object_name(name);
                    let span = self.span(name);
                    let left = scope.rels.get(first..before).unwrap_or_default();
                    let right = scope.rels.get(before..).unwrap_or_default();
                    let has = |rels: &[Rel]| {
                        rels.iter()
                            .any(|r| r.open.is_some() || r.columns.iter().any(|c| c.name.eq_ignore_ascii_case(&column)))
                    };
                    // The name stands for the column of each side (the
                    // editor renames both, or neither: `ide::rename`).
                    for rels in [left, right] {
                        let col =
                            rels.iter().find_map(|r| r.columns.iter().find(|c| c.name.eq_ignore_ascii_case(&column)));
                        if let Some(col) = col {
                            self.refs.extend(crate::ide::Reference::column(None, span, col));
                        }
                    }
                    let side = if !has(left) {
                        Some("left")
                    } else if !has(right) {
                        Some("right")
                    } else {
                        None
                    };
                    if let Some(side) = side {
                        self.error(
                            Diagnostic::error(
                                codes::UNKNOWN_COLUMN,
                                span,
                                format!("`using ({column})`: the {side} side of the join has no column `{column}`"),
                            )
                            .with_label("not on both sides")
                            .with_help(
                                "`using` needs a column of the same name on both sides; use `on a.x = b.y` otherwise",
                            ),
                        );
                    }
                    scope.merged.insert(column);
                }
            }
            Some(JoinConstraint::Natural) => {
                let left_names: BTreeSet<String> = scope
                    .rels
                    .get(first..before)
                    .unwrap_or_default()
                    .iter()
                    .flat_map(|r| r.columns.iter().map(|c| c.name.to_ascii_lowercase()))
                    .collect();
                let right_names: Vec<String> = scope
                    .rels
                    .get(before..)
                    .unwrap_or_default()
                    .iter()
                    .flat_map(|r| r.columns.iter().map(|c| c.name.to_ascii_lowercase()))
                    .collect();
                scope.merged.extend(right_names.into_iter().filter(|n| left_names.contains(n)));
            }
            _ => {}
        }
        let set = |rels: &mut [Rel]| {
            for rel in rels {
                for col in &mut rel.columns {
                    col.nullable = true;
                }
            }
        };
        if right_nullable {
            set(scope.rels.get_mut(before..).unwrap_or_default());
        }
        if left_nullable {
            set(scope.rels.get_mut(first..before).unwrap_or_default());
        }
    }

    fn table_factor(&mut self, factor: &TableFactor, scope: &mut Scope<'_>) {
        match factor {
            TableFactor::Table { name, alias, .. } => {
                let text = object_name(name);
                let span = self.span(name);
                let own = name.0.last().and_then(|p| p.as_ident()).map_or_else(|| text.clone(), |i| i.value.clone());
                let (columns, open) = match self.table_columns(&text, span) {
                    Some(cols) => (cols, None),
                    None => (Vec::new(), Some(Untyped::Reported)),
                };
                let alias_name = alias.as_ref().map_or(own, |a| a.name.value.clone());
                let columns = match alias {
                    Some(a) => self.rename(columns, a),
                    None => columns,
                };
                self.push_rel(scope, Rel { alias: alias_name, columns, open }, span);
            }
            TableFactor::Derived { subquery, alias, .. } => {
                let items = self.query(subquery, None);
                let cols = items.into_iter().map(|i| i.col).collect();
                let span = self.span(subquery.as_ref());
                let (name, cols) = match alias {
                    Some(a) => (a.name.value.clone(), self.rename(cols, a)),
                    None => (String::new(), cols),
                };
                self.push_rel(scope, Rel { alias: name, columns: cols, open: None }, span);
            }
            TableFactor::NestedJoin { table_with_joins, alias } => {
                let start = scope.rels.len();
                self.table_with_joins(table_with_joins, scope);
                if let Some(a) = alias {
                    let cols: Vec<Col> = scope.rels.drain(start..).flat_map(|r| r.columns).collect();
                    scope.rels.push(Rel { alias: a.name.value.clone(), columns: cols, open: None });
                }
            }
            TableFactor::UNNEST { array_exprs, alias, with_offset, with_offset_alias, .. } => {
                let mut columns = Vec::new();
                for (i, e) in array_exprs.iter().enumerate() {
                    let v = self.expr(e, scope, &Mode::clause("unnest"));
                    let element = match &v.ty {
                        Ty::Array(t) => (**t).clone(),
                        t if t.is_open() => Ty::Unknown,
                        t => {
                            self.error(
                                Diagnostic::error(
                                    codes::TYPE_MISMATCH,
                                    self.expr_span(e),
                                    format!("`unnest` takes an array, not {t}"),
                                )
                                .with_label(format!("{t}")),
                            );
                            Ty::Unknown
                        }
                    };
                    let mut v = v;
                    if !element.is_column_type() && !matches!(v.ty, Ty::Array(_)) {
                        // The element of no array: the error above, or an
                        // array whose type is lost where `v`'s is.
                        v.untyped = v.untyped.or(Some(Untyped::Reported));
                    }
                    let name = alias
                        .as_ref()
                        .and_then(|a| a.columns.get(i).map(|c| c.name.value.clone()))
                        .or_else(|| alias.as_ref().map(|a| a.name.value.clone()))
                        .unwrap_or_else(|| "unnest".to_string());
                    // `unnest(items) as item`: BigQuery exposes a struct
                    // element's fields as columns of `item`, beside the
                    // whole element.
                    if let Ty::Struct(fields) = &element {
                        for (field, ty) in fields {
                            let mut col = v.clone().into_col(field.clone());
                            col.ty = ty.clone();
                            col.nullable = true;
                            columns.push(col);
                        }
                    }
                    let mut col = v.into_col(name);
                    col.ty = element;
                    col.nullable = true;
                    columns.push(col);
                }
                if *with_offset {
                    let name = with_offset_alias.as_ref().map_or_else(|| "offset".to_string(), |a| a.value.clone());
                    columns.push(Col {
                        name,
                        ty: Ty::Int,
                        nullable: false,
                        doc: None,
                        lineage: BTreeSet::new(),
                        derived: false,
                        untyped: None,
                    });
                }
                let name = alias.as_ref().map_or_else(String::new, |a| a.name.value.clone());
                scope.rels.push(Rel { alias: name, columns, open: None });
            }
            other => {
                let what = match other {
                    TableFactor::Pivot { .. } => "a `pivot`",
                    TableFactor::Unpivot { .. } => "an `unpivot`",
                    TableFactor::Function { .. } | TableFactor::TableFunction { .. } => "a table function",
                    _ => "this table expression",
                };
                let why = Untyped::At(self.span(other), format!("cjo does not know the columns of {what}"));
                scope.rels.push(Rel { alias: String::new(), columns: Vec::new(), open: Some(why) });
            }
        }
    }

    fn push_rel(&mut self, scope: &mut Scope<'_>, rel: Rel, span: Span) {
        if !rel.alias.is_empty() && scope.rels.iter().any(|r| r.alias.eq_ignore_ascii_case(&rel.alias)) {
            self.error(
                Diagnostic::error(
                    codes::DUPLICATE_COLUMN,
                    span,
                    format!("`{}` appears twice in this `from`", rel.alias),
                )
                .with_label("second table with this name")
                .with_help("give one of them an alias: `join customers c2 on …`"),
            );
        }
        scope.rels.push(rel);
    }

    /// The columns of a table named in `from`: a CTE, a source or model,
    /// or a source's warehouse table. Reports an unknown name.
    fn table_columns(&mut self, name: &str, span: Span) -> Option<Vec<Col>> {
        if !name.contains('.') {
            if let Some((n, cols, def)) = self.ctes.iter().rev().find(|(n, ..)| n.eq_ignore_ascii_case(name)) {
                self.refs.push(crate::ide::Reference::cte(span, n, *def));
                return Some(cols.clone());
            }
        }
        let relation_name = self.env.tables.get(name).map_or(name, String::as_str);
        if let Some(rel) = self.env.relations.get(relation_name) {
            self.lookups.push(TableLookup::Found { name: name.to_string(), key: relation_name.to_string() });
            self.refs.push(crate::ide::Reference::relation(span, &rel.name));
            return Some(rel.columns.iter().map(|c| Col::of_relation(&rel.name, c)).collect());
        }
        // A model in a dependency cycle, or one whose body did not parse,
        // is known by name but has no columns: reported elsewhere.
        if self.env.known.contains(relation_name) {
            self.lookups.push(TableLookup::Columnless { name: name.to_string() });
            return None;
        }
        self.lookups.push(TableLookup::Unknown);
        let candidates: Vec<&str> = self
            .env
            .relations
            .values()
            .map(|r| r.name.as_str())
            .chain(self.ctes.iter().map(|(n, ..)| n.as_str()))
            .chain(self.env.tables.keys().map(String::as_str))
            .collect();
        let help = self.elsewhere(name).or_else(|| did_you_mean(name, candidates.iter().copied())).unwrap_or_else(|| {
            "declare the warehouse table as a `source` (columns inline, or `from catalog`), or define a model of this name".to_string()
        });
        self.error(
            Diagnostic::error(codes::UNKNOWN_TABLE, span, format!("unknown table `{name}`"))
                .with_label("not a source, model or CTE")
                .with_help(help),
        );
        None
    }

    /// For a full name whose tail is a source's table in another container
    /// (`other.shop.orders`), what to write instead: the full names
    /// `cjo.toml`'s warehouses give it, or the tail alone.
    fn elsewhere(&self, name: &str) -> Option<String> {
        let (_, tail) = name.split_once('.')?;
        let key = self.env.tables.get(tail)?;
        let suffix = format!(".{tail}");
        let full: Vec<String> = self
            .env
            .tables
            .iter()
            .filter(|(written, k)| *k == key && written.ends_with(&suffix))
            .map(|(written, _)| format!("`{written}`"))
            .collect();
        let known = if full.is_empty() { String::new() } else { format!(" (here: {})", full.join(", ")) };
        Some(format!(
            "`{tail}` is source `{key}`'s table, but not in a project, database or catalog `cjo.toml` configures{known}: write `{tail}`, or declare this table as a source of its own"
        ))
    }

    pub fn unknown_qualifier(&mut self, q: &str, span: Span, scope: &Scope<'_>) {
        let aliases = scope.aliases();
        let help = did_you_mean(q, aliases.iter().copied()).unwrap_or_else(|| {
            if aliases.is_empty() {
                "this query reads no table".to_string()
            } else {
                format!(
                    "the tables here are called {}",
                    aliases.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
                )
            }
        });
        self.error(
            Diagnostic::error(codes::UNKNOWN_TABLE, span, format!("no table `{q}` in this query"))
                .with_label("not in `from`")
                .with_help(help),
        );
    }

    /// A condition: must be boolean.
    pub fn condition(&mut self, e: &Expr, scope: &Scope<'_>, clause: &str, mode: Mode<'_>) -> Val {
        let v = self.expr(e, scope, &mode);
        if !v.ty.fits(&Ty::Bool) {
            self.error(
                Diagnostic::error(
                    codes::NOT_BOOLEAN,
                    self.expr_span(e),
                    format!("`{clause}` needs a condition, but this is {}", v.ty),
                )
                .with_label(format!("{}", v.ty))
                .with_help("compare it with something: `x = …`, `x > …`, `x is not null`"),
            );
        }
        v
    }

    /// The doc of a column selected unchanged.
    fn passthrough_doc(&self, e: &Expr, scope: &Scope<'_>) -> Option<String> {
        let (q, c) = match e {
            Expr::Identifier(i) => (None, i.value.as_str()),
            Expr::CompoundIdentifier(parts) => match parts.as_slice() {
                [q, c] => (Some(q.value.as_str()), c.value.as_str()),
                _ => return None,
            },
            _ => return None,
        };
        match scope.lookup(q, c) {
            Lookup::Found(_, col) => col.doc.clone(),
            _ => None,
        }
    }
}

/// The name a warehouse gives an unaliased select item: a column keeps its
/// name; anything else has none we can rely on.
fn derived_name(e: &Expr) -> (String, bool) {
    match e {
        Expr::Identifier(i) => (i.value.clone(), true),
        Expr::CompoundIdentifier(parts) => (parts.last().map(|p| p.value.clone()).unwrap_or_default(), true),
        Expr::Nested(inner) => derived_name(inner),
        other => (other.to_string(), false),
    }
}

/// `2` in `group by 2` / `order by 2`.
pub(crate) fn ordinal(e: &Expr) -> Option<usize> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

fn order_exprs(order_by: &OrderBy) -> Vec<&Expr> {
    match &order_by.kind {
        OrderByKind::Expressions(list) => list.iter().map(|o| &o.expr).collect(),
        OrderByKind::All(_) => Vec::new(),
    }
}
