//! Portable SQL into one dialect: a rewrite of sqlparser's tree, node by
//! node, using the types the checker recorded ([`Hints`]). Nothing here
//! edits SQL text: leaves a dialect spells differently (string literals,
//! intervals, typed literals, template expansions) are printed by us and
//! put in the tree as finished leaves.

use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;

use cjo_project::Dialect;
use cjo_semantic::{Hint, Hints, Ty};
use sqlparser::ast::{
    BinaryOperator, CastKind, DataType, DateTimeField, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Ident,
    ObjectName, ObjectNamePart, Query, Select, SelectItem, TableFactor, Value, VisitMut, VisitorMut,
};
use sqlparser::tokenizer::Span as SqlSpan;

use crate::ident::{bigquery_escaped, ident, needs_quotes, quote_char};
use crate::templates::Template;
use crate::time::Instant;
use crate::{literal, types};

/// What a body's rewrite for a target could not do, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A construct the target cannot express (E0600).
    Unsupported { construct: String, help: String, span: SqlSpan },
    /// A `$param` without a usable value (E0603): `name` as written.
    ParameterValue { name: String, why: String, span: SqlSpan },
}

impl Problem {
    pub fn span(&self) -> SqlSpan {
        match self {
            Problem::Unsupported { span, .. } | Problem::ParameterValue { span, .. } => *span,
        }
    }

    /// What to do instead, or why the parameter has no value.
    pub fn help(&self) -> &str {
        match self {
            Problem::Unsupported { help, .. } => help,
            Problem::ParameterValue { why, .. } => why,
        }
    }
}

/// What a body's rewrite needs to know.
#[derive(Debug)]
pub struct Context<'a> {
    pub dialect: Dialect,
    /// Names a body may use for a table (lowercase: a source, a model, a
    /// source's warehouse table) → the real name in this dialect, quoted.
    pub tables: &'a BTreeMap<String, Vec<String>>,
    pub templates: &'a BTreeMap<String, Template>,
    pub hints: &'a Hints,
    /// Each `$name` used (without `$`) → its SQL, or why there is none.
    pub params: &'a BTreeMap<String, Result<String, String>>,
    /// Whether the body is written in the target's own dialect: then only
    /// table names and parameters are rewritten.
    pub native: bool,
}

/// Rewrites `query` for `cx.dialect`, in place. Returns what could not be
/// expressed.
pub fn rewrite(query: &mut Query, cx: &Context<'_>) -> Vec<Problem> {
    let mut r = Rewriter {
        cx,
        ctes: Vec::new(),
        cte_queries: HashMap::new(),
        pending: HashMap::new(),
        unqualified: HashMap::new(),
        qualifiers: Vec::new(),
        never_null: std::collections::HashSet::new(),
        errors: Vec::new(),
    };
    let _ = query.visit(&mut r);
    if cx.dialect == Dialect::BigQuery && !cx.native {
        // Last, once every name has its quotes: sqlparser would print a
        // quoted name holding a backtick or a backslash wrong. (A BigQuery
        // body's names hold their escapes as written, and stay so.)
        let _ = query.visit(&mut BigQueryEscapes);
    }
    r.errors
}

/// Prints the quoted names that hold what BigQuery reads as escapes.
struct BigQueryEscapes;

impl VisitorMut for BigQueryEscapes {
    type Break = ();
    fn post_visit_ident(&mut self, id: &mut Ident) -> ControlFlow<()> {
        if id.quote_style == Some('`')
            && let Some(printed) = bigquery_escaped(&id.value, Dialect::BigQuery)
        {
            *id = Ident::with_span(id.span, printed.value);
        }
        ControlFlow::Continue(())
    }
}

struct Rewriter<'c, 'a> {
    cx: &'c Context<'a>,
    /// The CTEs of each query being rewritten, innermost last.
    ctes: Vec<CteScope>,
    /// The query of each CTE of those queries (keyed by its address, which
    /// the rewrite does not move) → where its scope is in `ctes`, and how
    /// many of that scope's CTEs it sees.
    cte_queries: HashMap<*const Query, (usize, usize)>,
    /// Hints found on a node before its children were rewritten, applied
    /// after (keyed by the node's address, which a rewrite of its children
    /// does not move).
    pending: HashMap<*const Expr, Hint>,
    /// Each select made a subquery for its `qualify` (keyed by its
    /// address) → its output columns, by the expression each names.
    unqualified: HashMap<*const Select, Vec<(Expr, Ident)>>,
    /// Each renamed table written with a path (`raw.shop_orders`) → the
    /// name it goes by, for the columns qualified by that path.
    qualifiers: Vec<(Vec<String>, Ident)>,
    /// The `order by` keys the checker found cannot be NULL (by address,
    /// noted before their expressions are rewritten): nothing is written
    /// to place NULLs for them.
    never_null: std::collections::HashSet<*const sqlparser::ast::OrderByExpr>,
    errors: Vec<Problem>,
}

/// The CTEs of a `with`, in order, of which the first `visible` are in
/// scope: a CTE's query sees only the CTEs before it (and itself, in a
/// `with recursive`); the query's body sees them all.
struct CteScope {
    names: Vec<String>,
    visible: usize,
}

/// A finished leaf: SQL we printed ourselves.
fn raw(sql: String) -> Expr {
    Expr::Identifier(Ident::new(sql))
}

/// Replaces `e` by a finished leaf that keeps `e`'s place in the body, so
/// that what is reported about it later (by an enclosing rewrite) points
/// at it.
fn replace(e: &mut Expr, sql: String) {
    let span = sqlparser::ast::Spanned::span(&*e);
    *e = Expr::Identifier(Ident::with_span(span, sql));
}

/// Whether `e` can be an operand without parentheses.
fn atomic(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Identifier(_)
            | Expr::CompoundIdentifier(_)
            | Expr::Value(_)
            | Expr::Function(_)
            | Expr::Nested(_)
            | Expr::TypedString(_)
            | Expr::Cast { .. }
            | Expr::Case { .. }
            | Expr::Subquery(_)
    )
}

/// A query of `body` alone: no `with`, `order by` or `limit`.
fn bare_query(body: sqlparser::ast::SetExpr) -> Query {
    Query {
        with: None,
        body: Box::new(body),
        order_by: None,
        limit_clause: None,
        fetch: None,
        locks: vec![],
        for_clause: None,
        settings: None,
        format_clause: None,
        pipe_operators: vec![],
    }
}

fn nested(e: Expr) -> Expr {
    if atomic(&e) { e } else { Expr::Nested(Box::new(e)) }
}

fn string_literal(e: &Expr) -> Option<&str> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// An interval as an amount of one unit: `interval '3' day`,
/// `interval '3 days'`, `interval 3 day`.
fn interval_parts(e: &Expr) -> Option<(i64, Unit)> {
    let Expr::Interval(i) = e else { return None };
    let text = match i.value.as_ref() {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) => s.clone(),
            Value::Number(n, _) => n.clone(),
            _ => return None,
        },
        Expr::UnaryOp { op: sqlparser::ast::UnaryOperator::Minus, expr } => match expr.as_ref() {
            Expr::Value(v) => match &v.value {
                Value::Number(n, _) => format!("-{n}"),
                _ => return None,
            },
            _ => return None,
        },
        _ => return None,
    };
    let mut words = text.split_whitespace();
    let amount: i64 = words.next()?.parse().ok()?;
    let unit = match (words.next(), &i.leading_field, i.last_field.is_some()) {
        (Some(w), None, false) => Unit::parse(w)?,
        (None, Some(f), false) => Unit::from_field(f)?,
        _ => return None,
    };
    words.next().is_none().then_some((amount, unit))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl Unit {
    fn parse(w: &str) -> Option<Unit> {
        Some(match w.to_ascii_lowercase().trim_end_matches('s') {
            "second" => Unit::Second,
            "minute" => Unit::Minute,
            "hour" => Unit::Hour,
            "day" => Unit::Day,
            "week" => Unit::Week,
            "month" => Unit::Month,
            "year" => Unit::Year,
            _ => return None,
        })
    }

    fn from_field(f: &DateTimeField) -> Option<Unit> {
        Some(match f {
            DateTimeField::Second | DateTimeField::Seconds => Unit::Second,
            DateTimeField::Minute | DateTimeField::Minutes => Unit::Minute,
            DateTimeField::Hour | DateTimeField::Hours => Unit::Hour,
            DateTimeField::Day | DateTimeField::Days => Unit::Day,
            DateTimeField::Week(None) | DateTimeField::Weeks => Unit::Week,
            DateTimeField::Month | DateTimeField::Months => Unit::Month,
            DateTimeField::Year | DateTimeField::Years => Unit::Year,
            _ => return None,
        })
    }

    fn upper(self) -> &'static str {
        match self {
            Unit::Second => "SECOND",
            Unit::Minute => "MINUTE",
            Unit::Hour => "HOUR",
            Unit::Day => "DAY",
            Unit::Week => "WEEK",
            Unit::Month => "MONTH",
            Unit::Year => "YEAR",
        }
    }
}

/// An interval literal of `dialect`. Trino has no week unit: weeks are
/// written as days.
fn interval_sql(amount: i64, unit: Unit, dialect: Dialect) -> String {
    let (amount, unit) = match (unit, dialect) {
        (Unit::Week, Dialect::Trino) => (amount.saturating_mul(7), Unit::Day),
        other => (amount, other.0),
    };
    literal::interval(amount, unit.upper(), dialect)
}

impl Rewriter<'_, '_> {
    fn unsupported(&mut self, span: SqlSpan, construct: impl Into<String>, help: impl Into<String>) {
        self.errors.push(Problem::Unsupported { construct: construct.into(), help: help.into(), span });
    }

    fn in_cte(&self, name: &str) -> bool {
        self.ctes.iter().any(|s| s.names.iter().take(s.visible).any(|n| n == name))
    }

    /// The warehouse name of a table written `name`, unless it is a CTE (a
    /// CTE hides a table of the same name) or not ours.
    fn renamed(&self, name: &ObjectName) -> Option<&Vec<String>> {
        let written = aliases::path(name).join(".");
        if name.0.len() == 1 && self.in_cte(&written) {
            return None;
        }
        self.cx.tables.get(&written)
    }

    /// Gives each table of `from` that will be renamed the alias it needs
    /// to keep its qualifiers valid (see [`aliases`]). Run before the
    /// select's items are visited, which come before its `from`.
    fn keep_qualifiers(&mut self, from: &mut [sqlparser::ast::TableWithJoins]) {
        for t in from {
            let factors = std::iter::once(&mut t.relation).chain(t.joins.iter_mut().map(|j| &mut j.relation));
            for factor in factors {
                match factor {
                    TableFactor::Table { name, alias, .. } => {
                        let Some(parts) = self.renamed(name) else { continue };
                        let Some(last) = aliases::written_last(name) else { continue };
                        let mut goes_by = last.clone();
                        if alias.is_none() && aliases::needed(last, parts) {
                            *alias = Some(aliases::alias(last.clone()));
                        }
                        if let Some(a) = alias {
                            goes_by = a.name.clone();
                        }
                        if name.0.len() > 1 {
                            self.qualifiers.push((aliases::path(name), goes_by));
                        }
                    }
                    TableFactor::NestedJoin { table_with_joins, .. } => {
                        self.keep_qualifiers(std::slice::from_mut(table_with_joins.as_mut()));
                    }
                    _ => {}
                }
            }
        }
    }

    fn requote(&self, id: &mut Ident) {
        if id.quote_style.is_some() || needs_quotes(&id.value, self.cx.dialect) {
            id.quote_style = Some(quote_char(self.cx.dialect));
        }
    }

    fn param(&mut self, e: &mut Expr, name: &str, span: SqlSpan) {
        let key = name.trim_start_matches('$');
        match self.cx.params.get(key) {
            Some(Ok(sql)) => replace(e, sql.clone()),
            Some(Err(why)) => {
                self.errors.push(Problem::ParameterValue { name: name.to_string(), why: why.clone(), span });
            }
            None => {} // not a parameter of ours (reported by the checker)
        }
    }

    fn call(&mut self, e: &mut Expr) {
        let Expr::Function(f) = e else { return };
        let name = f.name.to_string().to_ascii_lowercase();
        let dialect = self.cx.dialect;
        if let Some(template) = self.cx.templates.get(&name) {
            let FunctionArguments::List(list) = &f.args else { return };
            let mut args = Vec::with_capacity(list.args.len());
            for a in &list.args {
                match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => args.push((format!("{x:#}"), atomic(x))),
                    _ => return, // not a call of this function (reported by the checker)
                }
            }
            match template.expand(dialect, &args) {
                Some(sql) => replace(e, sql),
                None => {
                    let span = sqlparser::ast::Spanned::span(&f.name);
                    self.unsupported(
                        span,
                        format!("`{}`", template.name),
                        format!("`fn {}` has no `{dialect}` template (nor a `default`): add one", template.name),
                    );
                }
            }
            return;
        }
        let renamed = match (name.as_str(), dialect) {
            ("bool_and", Dialect::BigQuery) => Some("LOGICAL_AND"),
            ("bool_or", Dialect::BigQuery) => Some("LOGICAL_OR"),
            ("array_agg", Dialect::Redshift) => {
                let span = sqlparser::ast::Spanned::span(&f.name);
                self.unsupported(
                    span,
                    "`array_agg`",
                    "Redshift has no arrays to aggregate into: use `listagg` in a `sql redshift { }` body",
                );
                None
            }
            ("corr" | "covar_samp" | "covar_pop", Dialect::Redshift) => {
                let span = sqlparser::ast::Spanned::span(&f.name);
                self.unsupported(
                    span,
                    format!("`{name}`"),
                    "Redshift has no correlation or covariance aggregate: compute it in a `sql bigquery { }` or `sql trino { }` body, or from sums in a `sql redshift { }` body",
                );
                None
            }
            _ => None,
        };
        if let Some(new) = renamed {
            f.name = ObjectName(vec![ObjectNamePart::Identifier(Ident::new(new))]);
        }
    }

    fn cast(&mut self, e: &mut Expr) {
        let Expr::Cast { kind, data_type, expr, .. } = e else { return };
        let ty = cjo_semantic::sql_data_type(data_type);
        if let Some(name) = types::type_name(&ty, self.cx.dialect) {
            *data_type = DataType::Custom(ObjectName(vec![ObjectNamePart::Identifier(Ident::new(name))]), vec![]);
        }
        *kind = match (kind.clone(), self.cx.dialect) {
            (CastKind::DoubleColon | CastKind::Cast, _) => CastKind::Cast,
            (CastKind::TryCast | CastKind::SafeCast, Dialect::BigQuery) => CastKind::SafeCast,
            (CastKind::TryCast | CastKind::SafeCast, Dialect::Trino) => CastKind::TryCast,
            (CastKind::TryCast | CastKind::SafeCast, Dialect::Redshift) => {
                let span = sqlparser::ast::Spanned::span(expr.as_ref());
                self.unsupported(
                    span,
                    "`try_cast`",
                    "Redshift has no cast that gives null on failure: use `safe_cast_int`, `safe_cast_float` or `safe_cast_date`",
                );
                CastKind::Cast
            }
        };
    }

    /// `t ± interval` in `dialect`, with `t` of type `ty`.
    fn temporal_arithmetic(&mut self, e: &mut Expr, ty: &Ty) {
        let Expr::BinaryOp { left, op, right } = e else { return };
        let subtract = *op == BinaryOperator::Minus;
        // Put the interval on the right (`interval + t` is `t + interval`).
        let (t, interval) = if interval_like(right) { (left, right) } else { (right, left) };
        match self.cx.dialect {
            Dialect::BigQuery => {
                let f = match (ty, subtract) {
                    (Ty::Date, false) => "DATE_ADD",
                    (Ty::Date, true) => "DATE_SUB",
                    (_, false) => "TIMESTAMP_ADD",
                    (_, true) => "TIMESTAMP_SUB",
                };
                if *ty == Ty::Timestamp
                    && let Some(text) = interval_text(interval)
                    && (text.ends_with("MONTH") || text.ends_with("YEAR") || text.ends_with("WEEK"))
                {
                    let span = sqlparser::ast::Spanned::span(interval.as_ref());
                    self.unsupported(
                        span,
                        "months, years or weeks added to a timestamp",
                        "BigQuery adds only fixed lengths to a timestamp: use days (`interval '7' day`) or work on a date",
                    );
                }
                // TIMESTAMP_ADD's second argument is `INTERVAL n part`
                // itself, not any expression: no parentheses around it.
                let mut bare: &Expr = interval;
                while let Expr::Nested(inner) = bare {
                    bare = inner;
                }
                let sql = format!("{f}({t:#}, {bare:#})");
                replace(e, sql);
            }
            Dialect::Redshift if *ty == Ty::Date => {
                // A date plus an interval is a timestamp on Redshift.
                let sql = format!("CAST({e:#} AS DATE)");
                replace(e, sql);
            }
            Dialect::Redshift | Dialect::Trino => {}
        }
    }

    fn string_as_temporal(e: &mut Expr, ty: &Ty, dialect: Dialect) {
        let fix = |x: &mut Expr| {
            let Some(s) = string_literal(x) else { return };
            let Some(at) = Instant::parse(s) else { return };
            let sql = match ty {
                Ty::Date => literal::date(at.date(), dialect),
                _ => literal::timestamp(at, dialect),
            };
            replace(x, sql);
        };
        match e {
            Expr::BinaryOp { left, right, .. } => {
                fix(left);
                fix(right);
            }
            Expr::Between { low, high, .. } => {
                fix(low);
                fix(high);
            }
            Expr::InList { list, .. } => list.iter_mut().for_each(fix),
            _ => {}
        }
    }

    /// Trino has no `qualify`: the select becomes a subquery that computes
    /// the condition as a column, filtered outside.
    fn unqualify(&mut self, select: &mut Select) {
        let Some(condition) = select.qualify.take() else { return };
        let mut outputs = Vec::new();
        let mut aliases: BTreeMap<String, Expr> = BTreeMap::new();
        for item in &select.projection {
            match item {
                SelectItem::ExprWithAlias { expr, alias } => {
                    aliases.insert(alias.value.to_ascii_lowercase(), expr.clone());
                    outputs.push((expr.clone(), alias.clone()));
                }
                SelectItem::UnnamedExpr(e @ Expr::Identifier(id)) => outputs.push((e.clone(), id.clone())),
                SelectItem::UnnamedExpr(e @ Expr::CompoundIdentifier(ids)) => {
                    if let Some(last) = ids.last() {
                        outputs.push((e.clone(), last.clone()));
                    }
                }
                _ => {
                    let span = sqlparser::ast::Spanned::span(&condition);
                    self.unsupported(
                        span,
                        "`qualify` with an unnamed or `*` select item",
                        "Trino has no `qualify`; cjo rewrites it as a subquery, which needs every output column named: list the columns and name each expression with `as`",
                    );
                    select.qualify = Some(condition);
                    return;
                }
            }
        }
        let mut condition = condition;
        let _ = condition.visit(&mut InlineAliases(&aliases));
        let keep = Ident::new("cjo_qualify_keep");
        let mut inner = select.clone();
        inner.distinct = None;
        inner.projection.push(SelectItem::ExprWithAlias { expr: condition, alias: keep.clone() });
        let subquery = bare_query(sqlparser::ast::SetExpr::Select(Box::new(inner)));
        select.projection = outputs.iter().map(|(_, o)| SelectItem::UnnamedExpr(Expr::Identifier(o.clone()))).collect();
        select.from = vec![sqlparser::ast::TableWithJoins {
            relation: TableFactor::Derived {
                lateral: false,
                subquery: Box::new(subquery),
                alias: Some(sqlparser::ast::TableAlias {
                    explicit: true,
                    at: None,
                    name: Ident::new("cjo_qualified"),
                    columns: vec![],
                }),
                sample: None,
            },
            joins: vec![],
        }];
        select.selection = Some(Expr::Identifier(keep));
        select.group_by = sqlparser::ast::GroupByExpr::Expressions(vec![], vec![]);
        select.having = None;
        select.named_window = vec![];
        select.lateral_views = vec![];
        select.prewhere = None;
        self.unqualified.insert(std::ptr::from_ref(select), outputs);
    }

    /// The `order by` of a query whose select became a subquery for its
    /// `qualify`: it can name only the subquery's columns, so what it orders
    /// by is written as the column that holds it.
    fn reorder(&mut self, q: &mut Query) {
        let sqlparser::ast::SetExpr::Select(select) = q.body.as_ref() else { return };
        let Some(outputs) = self.unqualified.remove(&std::ptr::from_ref(select.as_ref())) else { return };
        let Some(sqlparser::ast::OrderBy { kind: sqlparser::ast::OrderByKind::Expressions(items), .. }) =
            &mut q.order_by
        else {
            return;
        };
        for item in items {
            let mut columns = OutputColumns { outputs: &outputs, unknown: None };
            let _ = item.expr.visit(&mut columns);
            if let Some(span) = columns.unknown {
                self.unsupported(
                    span,
                    "an `order by` on what the select does not output, with `qualify`",
                    "Trino has no `qualify`; cjo rewrites it as a subquery, outside which only its output columns can be named: order by a column of the select list",
                );
            }
        }
    }
}

/// A cast between date and timestamp made to read the timestamp in UTC,
/// whatever the session's time zone (BigQuery always does).
fn utc_cast(e: &mut Expr, from: &Ty, dialect: Dialect) {
    let Expr::Cast { kind: CastKind::Cast, expr, .. } = e else { return };
    let sql = match (from, dialect) {
        // Trino's exact form, with_timezone(CAST(d AS timestamp(6)), 'UTC'),
        // cannot be carried to DuckDB by sqlglot, so the tests could not
        // prove it: Trino keeps the plain cast (the session's zone).
        (_, Dialect::BigQuery) | (Ty::Date, Dialect::Trino) => return,
        (Ty::Date, _) => format!("(CAST({expr:#} AS TIMESTAMP) AT TIME ZONE 'UTC')"),
        (_, Dialect::Trino) => format!("CAST({expr:#} AT TIME ZONE 'UTC' AS date)"),
        (_, Dialect::Redshift) => format!("CAST({expr:#} AT TIME ZONE 'UTC' AS DATE)"),
    };
    replace(e, sql);
}

/// Whether `e` is an interval, in parentheses or not.
fn interval_like(e: &Expr) -> bool {
    matches!(unparenthesized(e), Expr::Interval(_)) || interval_text(e).is_some()
}

/// The text of an interval we already printed as a leaf, in parentheses or
/// not.
fn interval_text(e: &Expr) -> Option<&str> {
    match unparenthesized(e) {
        Expr::Identifier(id) if id.quote_style.is_none() && id.value.starts_with("INTERVAL") => Some(&id.value),
        _ => None,
    }
}

/// `e` without the parentheses around it.
fn unparenthesized(mut e: &Expr) -> &Expr {
    while let Expr::Nested(inner) = e {
        e = inner;
    }
    e
}

/// Whether `id` is a finished leaf (see [`raw`]) rather than a name.
fn printed(id: &Ident) -> bool {
    let mut chars = id.value.chars();
    let name =
        chars.next().is_some_and(|c| c.is_alphabetic() || c == '_') && chars.all(|c| c.is_alphanumeric() || c == '_');
    id.quote_style.is_none() && !name
}

/// Replaces expressions of a select list by the columns that output them
/// and finds the first name that is not such a column.
struct OutputColumns<'a> {
    outputs: &'a [(Expr, Ident)],
    unknown: Option<SqlSpan>,
}

impl VisitorMut for OutputColumns<'_> {
    type Break = ();
    fn pre_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        if let Some((_, column)) = self.outputs.iter().find(|(x, _)| x == e) {
            *e = Expr::Identifier(column.clone());
            return ControlFlow::Continue(());
        }
        let known = match e {
            Expr::Identifier(id) => {
                printed(id) || self.outputs.iter().any(|(_, o)| o.value.eq_ignore_ascii_case(&id.value))
            }
            Expr::CompoundIdentifier(_) => false,
            _ => true,
        };
        if !known && self.unknown.is_none() {
            self.unknown = Some(sqlparser::ast::Spanned::span(&*e));
        }
        ControlFlow::Continue(())
    }
}

/// Replaces select-list aliases used in a `qualify` condition by their
/// expressions.
struct InlineAliases<'a>(&'a BTreeMap<String, Expr>);

impl VisitorMut for InlineAliases<'_> {
    type Break = ();
    fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        if let Expr::Identifier(id) = e
            && let Some(x) = self.0.get(&id.value.to_ascii_lowercase())
        {
            *e = nested(x.clone());
        }
        ControlFlow::Continue(())
    }
}

impl VisitorMut for Rewriter<'_, '_> {
    type Break = ();

    fn pre_visit_query(&mut self, q: &mut Query) -> ControlFlow<()> {
        set_ops::rewrite(self, q);
        values::rewrite(self, q);
        column_lists::ctes(self, q);
        if let Some(&(scope, visible)) = self.cte_queries.get(&std::ptr::from_ref(q))
            && let Some(s) = self.ctes.get_mut(scope)
        {
            s.visible = visible;
        }
        let names: Vec<String> =
            q.with.iter().flat_map(|w| &w.cte_tables).map(|c| c.alias.name.value.to_ascii_lowercase()).collect();
        let recursive = q.with.as_ref().is_some_and(|w| w.recursive);
        let scope = self.ctes.len();
        for (i, cte) in q.with.iter().flat_map(|w| &w.cte_tables).enumerate() {
            let visible = if recursive { i + 1 } else { i };
            self.cte_queries.insert(std::ptr::from_ref(cte.query.as_ref()), (scope, visible));
        }
        self.ctes.push(CteScope { visible: names.len(), names });
        if !self.cx.native {
            for cte in q.with.iter_mut().flat_map(|w| &mut w.cte_tables) {
                self.requote(&mut cte.alias.name);
            }
        }
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, q: &mut Query) -> ControlFlow<()> {
        self.ctes.pop();
        self.reorder(q);
        row_limits::rewrite(self, q);
        // Past a CTE's query, the next CTE's (or the body) sees it.
        if let Some((scope, _)) = self.cte_queries.remove(&std::ptr::from_ref(q))
            && let Some(s) = self.ctes.get_mut(scope)
        {
            s.visible = s.names.len();
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, s: &mut Select) -> ControlFlow<()> {
        joins::check(self, &s.from);
        self.keep_qualifiers(&mut s.from);
        ControlFlow::Continue(())
    }

    fn pre_visit_order_by_expr(&mut self, o: &mut sqlparser::ast::OrderByExpr) -> ControlFlow<()> {
        if self.cx.hints.is_never_null_key(&o.expr) {
            self.never_null.insert(std::ptr::from_ref(o));
        }
        ControlFlow::Continue(())
    }

    fn post_visit_order_by_expr(&mut self, o: &mut sqlparser::ast::OrderByExpr) -> ControlFlow<()> {
        let never_null = self.never_null.remove(&std::ptr::from_ref(o));
        if !self.cx.native && !never_null {
            nulls::pin(o, self.cx.dialect);
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, name: &mut ObjectName) -> ControlFlow<()> {
        if let Some(parts) = self.renamed(name) {
            *name = ObjectName(parts.iter().map(|p| ObjectNamePart::Identifier(ident(p, self.cx.dialect))).collect());
        } else if name.0.len() == 1
            && !self.cx.native
            && self.in_cte(&aliases::path(name).join("."))
            && let Some(ObjectNamePart::Identifier(id)) = name.0.first_mut()
        {
            // Quoted as where it is defined.
            self.requote(id);
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, t: &mut TableFactor) -> ControlFlow<()> {
        column_lists::table_factor(self, t);
        ControlFlow::Continue(())
    }

    fn post_visit_table_factor(&mut self, t: &mut TableFactor) -> ControlFlow<()> {
        if self.cx.native {
            return ControlFlow::Continue(());
        }
        let alias = match t {
            TableFactor::Table { alias, .. }
            | TableFactor::Derived { alias, .. }
            | TableFactor::UNNEST { alias, .. }
            | TableFactor::NestedJoin { alias, .. } => alias.as_mut(),
            _ => None,
        };
        if let Some(a) = alias {
            self.requote(&mut a.name);
        }
        ControlFlow::Continue(())
    }

    fn post_visit_select(&mut self, s: &mut Select) -> ControlFlow<()> {
        if self.cx.native {
            return ControlFlow::Continue(());
        }
        nulls::spell_named_windows(s, self.cx.dialect);
        for item in &mut s.projection {
            if let SelectItem::ExprWithAlias { alias, .. } = item {
                self.requote(alias);
            }
        }
        if self.cx.dialect == Dialect::Trino {
            group_names::expand(s, self.cx.hints);
        }
        match self.cx.dialect {
            Dialect::Trino if s.qualify.is_some() => self.unqualify(s),
            // BigQuery wants a `where`, `group by` or `having` beside `qualify`.
            Dialect::BigQuery
                if s.qualify.is_some()
                    && s.selection.is_none()
                    && s.having.is_none()
                    && matches!(&s.group_by, sqlparser::ast::GroupByExpr::Expressions(g, _) if g.is_empty()) =>
            {
                s.selection = Some(raw("TRUE".into()));
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        if matches!(
            e,
            Expr::BinaryOp { .. }
                | Expr::Between { .. }
                | Expr::InList { .. }
                | Expr::Cast { .. }
                | Expr::Function(_)
                | Expr::Floor { .. }
                | Expr::Ceil { .. }
        ) && let Some(h) = self.cx.hints.get(e)
        {
            self.pending.insert(std::ptr::from_ref(e), h.clone());
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        let hint = self.pending.remove(&std::ptr::from_ref(e));
        if let Expr::Value(v) = e
            && let Value::Placeholder(name) = &v.value
        {
            let (name, span) = (name.clone(), v.span);
            self.param(e, &name, span);
            return ControlFlow::Continue(());
        }
        let dialect = self.cx.dialect;
        // A string literal holds its value, unescaped by the parser: print it
        // with the target's escapes (sqlparser prints `''`, which BigQuery
        // does not read, and leaves `\` alone, which Redshift reads as an
        // escape). Native bodies too.
        if let Expr::Value(v) = e
            && let Value::SingleQuotedString(s) = &v.value
        {
            if dialect == Dialect::Redshift && s.contains('\0') {
                let span = v.span;
                self.unsupported(
                    span,
                    "a NUL character (U+0000) in a string",
                    "Redshift's text cannot hold NUL, nor can its SQL: remove it from the string",
                );
                return ControlFlow::Continue(());
            }
            let ours = literal::string(s, dialect);
            if ours != v.to_string() {
                replace(e, ours);
            }
            return ControlFlow::Continue(());
        }
        // Only a BigQuery body has double-quoted strings (elsewhere `"` quotes
        // names); sqlparser prints them back without their escapes.
        if let Expr::Value(v) = e
            && let Value::DoubleQuotedString(s) = &v.value
            && dialect == Dialect::BigQuery
        {
            let ours = literal::bigquery_quoted(s, '"');
            if ours != v.to_string() {
                replace(e, ours);
            }
            return ControlFlow::Continue(());
        }
        if let Expr::CompoundIdentifier(ids) = e {
            aliases::requalify(ids, &self.qualifiers);
        }
        if self.cx.native {
            return ControlFlow::Continue(());
        }
        // `safe_divide` of a decimal, written as cjo's division.
        let divided = numeric::before_call(e, hint.as_ref(), dialect);
        match e {
            _ if divided => {}
            Expr::Identifier(id) => self.requote(id),
            Expr::CompoundIdentifier(ids) => ids.iter_mut().for_each(|id| self.requote(id)),
            Expr::Function(f) if f.filter.is_some() && dialect != Dialect::Trino => {
                let span = sqlparser::ast::Spanned::span(&f.name);
                self.unsupported(
                    span,
                    "an aggregate's `filter (where …)`",
                    "write the condition inside the aggregate: `count(case when … then 1 end)`, `sum(case when … then x end)`",
                );
            }
            Expr::Function(f) => {
                nulls::spell_call(f, dialect);
                self.call(e);
            }
            Expr::Value(_) => numeric::literal(e, dialect),
            Expr::BinaryOp { left, op: BinaryOperator::Modulo, right } if dialect == Dialect::BigQuery => {
                let sql = format!("MOD({left:#}, {right:#})");
                replace(e, sql);
            }
            Expr::Cast { .. } => self.cast(e),
            Expr::Interval(_) => {
                if let Some((amount, unit)) = interval_parts(e) {
                    replace(e, interval_sql(amount, unit, dialect));
                } else if dialect != Dialect::Redshift
                    && matches!(&*e, Expr::Interval(i) if i.last_field.is_some() || string_literal(&i.value).is_some())
                {
                    // Redshift reads `interval '1 day 2 hours'` and ranges
                    // of units; BigQuery's and Trino's literals are not
                    // written so, and their date and timestamp functions
                    // take one unit.
                    let span = sqlparser::ast::Spanned::span(&*e);
                    self.unsupported(
                        span,
                        "an interval of several units",
                        "write one interval per unit and add them: `t + interval '1' day + interval '2' hour`",
                    );
                }
            }
            Expr::ILike { negated, expr, pattern, escape_char, any: false } if dialect != Dialect::Redshift => {
                let lower = |x: &Expr| raw(format!("LOWER({x:#})"));
                *e = Expr::Like {
                    negated: *negated,
                    any: false,
                    expr: Box::new(lower(expr)),
                    pattern: Box::new(lower(pattern)),
                    escape_char: escape_char.take(),
                };
            }
            _ => special_forms::rewrite(self, e),
        }
        match hint {
            Some(h @ (Hint::Division(..) | Hint::Average(_) | Hint::IntRounding)) => numeric::apply(e, &h, dialect),
            Some(Hint::TemporalArithmetic(ty)) => self.temporal_arithmetic(e, &ty),
            Some(Hint::StringAsTemporal(ty)) => Self::string_as_temporal(e, &ty, dialect),
            Some(Hint::TemporalCast(from)) => utc_cast(e, &from, dialect),
            Some(Hint::DateDays(side)) => days::apply(e, side, dialect),
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn post_visit_ident(&mut self, id: &mut Ident) -> ControlFlow<()> {
        // A quoted name keeps its quotes, in the target's quote character.
        if !self.cx.native && id.quote_style.is_some() {
            id.quote_style = Some(quote_char(self.cx.dialect));
        }
        ControlFlow::Continue(())
    }
}

mod aliases;
mod column_lists;
mod days;
mod group_names;
mod joins;
mod nulls;
mod numeric;
mod row_limits;
mod set_ops;
mod special_forms;
mod values;

#[cfg(test)]
mod tests;
