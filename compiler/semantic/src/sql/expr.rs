//! Expressions in SQL bodies: every column resolved, every operator and
//! call typed, with nullability and lineage carried along.

use std::collections::BTreeSet;

use cjo_diagnostics::{self as codes, Diagnostic, Span, did_you_mean};
use cjo_project::Dialect;
use sqlparser::ast::{AccessExpr, BinaryOperator, CastKind, DateTimeField, Expr, Ident, Spanned, UnaryOperator, Value};

use super::query::Cx;
use super::scope::{Col, Lookup, Scope, Untyped};
use super::types::data_type;
use crate::functions;
use crate::hints::Hint;
use crate::native;
use crate::ops::{self, Lit, Op};
use crate::schema::ColumnRef;
use crate::ty::Ty;

/// A typed expression.
#[derive(Clone, Debug)]
pub(crate) struct Val {
    pub ty: Ty,
    pub nullable: bool,
    pub lineage: BTreeSet<ColumnRef>,
    /// Contains an aggregate (outside a window).
    pub aggregate: bool,
    pub lit: Lit,
    /// Why its type is no column type, when it is not.
    pub untyped: Option<Untyped>,
}

impl Val {
    pub fn of(ty: Ty, nullable: bool) -> Val {
        Val { ty, nullable, lineage: BTreeSet::new(), aggregate: false, lit: Lit::None, untyped: None }
    }

    /// Unknown after a reported error.
    pub fn unknown() -> Val {
        Val { untyped: Some(Untyped::Reported), ..Val::of(Ty::Unknown, true) }
    }

    /// Unknown for this reason.
    pub fn untyped(why: Untyped) -> Val {
        Val { untyped: Some(why), ..Val::of(Ty::Unknown, true) }
    }

    /// A date part written as a bare word (`MONTH` in `DATE_TRUNC(d,
    /// MONTH)`): an argument that is no value, so neither null nor typed.
    pub fn date_part() -> Val {
        Val::of(Ty::Unknown, false)
    }

    pub fn of_col(c: &Col) -> Val {
        Val {
            ty: c.ty.clone(),
            nullable: c.nullable,
            lineage: c.lineage.clone(),
            aggregate: false,
            lit: Lit::None,
            untyped: c.untyped.clone(),
        }
    }

    pub fn into_col(self, name: String) -> Col {
        Col {
            name,
            ty: self.ty,
            nullable: self.nullable,
            doc: None,
            lineage: self.lineage,
            derived: false,
            untyped: self.untyped,
        }
    }

    /// Combines the facts of operands into a result of type `ty`.
    /// Its type, when no column type, is lost where the first part's was.
    pub(super) fn from_parts<'v>(ty: Ty, parts: impl IntoIterator<Item = &'v Val>) -> Val {
        let typed = ty.is_column_type();
        let mut v = Val::of(ty, false);
        for p in parts {
            v.nullable |= p.nullable;
            v.aggregate |= p.aggregate;
            v.lineage.extend(p.lineage.iter().cloned());
            if !typed && v.untyped.is_none() {
                v.untyped.clone_from(&p.untyped);
            }
        }
        v
    }
}

/// Where an expression is, which decides what it may contain.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mode<'m> {
    pub clause: &'static str,
    pub aggregates: bool,
    pub windows: bool,
    pub in_aggregate: bool,
    /// Output names usable here (`having`, `qualify`, `order by`).
    pub aliases: Option<&'m [(String, Val)]>,
}

impl<'m> Mode<'m> {
    pub fn clause(clause: &'static str) -> Self {
        Mode { clause, aggregates: false, windows: false, in_aggregate: false, aliases: None }
    }
    pub fn projection() -> Self {
        Mode { clause: "select", aggregates: true, windows: true, in_aggregate: false, aliases: None }
    }
    pub fn having(aliases: &'m [(String, Val)]) -> Self {
        Mode { clause: "having", aggregates: true, windows: false, in_aggregate: false, aliases: Some(aliases) }
    }
    pub fn qualify(aliases: &'m [(String, Val)]) -> Self {
        Mode { clause: "qualify", aggregates: true, windows: true, in_aggregate: false, aliases: Some(aliases) }
    }
    pub fn order_by(aliases: &'m [(String, Val)]) -> Self {
        Mode { clause: "order by", aggregates: true, windows: true, in_aggregate: false, aliases: Some(aliases) }
    }
}

impl Cx<'_, '_> {
    /// Types `e`. A type that is no column type (unknown, `null`, an
    /// interval) and was not lost in a part of `e` is lost here: because of
    /// an error reported in `e`, or because cjo does not type `e`.
    pub fn expr(&mut self, e: &Expr, scope: &Scope<'_>, mode: &Mode<'_>) -> Val {
        let before = self.out.len();
        let mut v = self.expr_kind(e, scope, mode);
        if v.untyped.is_none() && !v.ty.is_column_type() {
            let reported = self.out.get(before..).unwrap_or_default().iter().any(Diagnostic::is_error);
            v.untyped =
                Some(if reported { Untyped::Reported } else { Untyped::At(self.expr_span(e), untyped_what(e, &v.ty)) });
        }
        v
    }

    fn expr_kind(&mut self, e: &Expr, scope: &Scope<'_>, mode: &Mode<'_>) -> Val {
        match e {
            Expr::Identifier(ident) => self.column(std::slice::from_ref(ident), scope, mode),
            Expr::CompoundIdentifier(parts) => self.column(parts, scope, mode),
            Expr::Value(v) => self.value(&v.value, e),
            Expr::Nested(inner) => self.expr(inner, scope, mode),
            Expr::BinaryOp { left, op, right } => self.binary(e, left, op, right, scope, mode),
            Expr::UnaryOp { op, expr } => {
                let v = self.expr(expr, scope, mode);
                let ok = match op {
                    UnaryOperator::Not => v.ty.fits(&Ty::Bool),
                    UnaryOperator::Minus | UnaryOperator::Plus => {
                        v.ty.is_numeric() || v.ty.is_open() || v.ty == Ty::Interval
                    }
                    _ => return Val::from_parts(Ty::Unknown, [&v]),
                };
                if !ok {
                    let (code, word, want) = if *op == UnaryOperator::Not {
                        (codes::NOT_BOOLEAN, "not".to_string(), "a condition")
                    } else {
                        (codes::TYPE_MISMATCH, op.to_string(), "a number")
                    };
                    self.error(
                        Diagnostic::error(
                            code,
                            self.expr_span(expr.as_ref()),
                            format!("`{word}` needs {want}, but this is {}", v.ty),
                        )
                        .with_label(format!("{}", v.ty)),
                    );
                }
                let ty = if *op == UnaryOperator::Not { Ty::Bool } else { v.ty.clone() };
                Val::from_parts(ty, [&v])
            }
            Expr::IsNull(x) | Expr::IsNotNull(x) => {
                let v = self.expr(x, scope, mode);
                let mut r = Val::from_parts(Ty::Bool, [&v]);
                r.nullable = false;
                r
            }
            Expr::IsTrue(x) | Expr::IsNotTrue(x) | Expr::IsFalse(x) | Expr::IsNotFalse(x) => {
                let v = self.expr(x, scope, mode);
                self.want_bool(&v, x, "`is true`/`is false`");
                let mut r = Val::from_parts(Ty::Bool, [&v]);
                r.nullable = false;
                r
            }
            Expr::IsDistinctFrom(a, b) | Expr::IsNotDistinctFrom(a, b) => {
                let (va, vb) = (self.expr(a, scope, mode), self.expr(b, scope, mode));
                self.compare(e, &va, &vb, Op::Equality("is distinct from"));
                let mut r = Val::from_parts(Ty::Bool, [&va, &vb]);
                r.nullable = false;
                r
            }
            Expr::InList { expr, list, .. } => {
                let v = self.expr(expr, scope, mode);
                let mut parts = vec![v.clone()];
                for item in list {
                    let iv = self.expr(item, scope, mode);
                    if Ty::common(&v.ty, &iv.ty).is_none() && !(iv.lit == Lit::String && v.ty.is_temporal()) {
                        self.error(
                            Diagnostic::error(
                                codes::TYPE_MISMATCH,
                                self.expr_span(item),
                                format!("cannot look for {} in a list holding {}", v.ty, iv.ty),
                            )
                            .with_label(format!("{}", iv.ty))
                            .with_secondary(self.expr_span(expr.as_ref()), format!("{}", v.ty))
                            .with_help("every value of the list must have the type of the value looked for"),
                        );
                    }
                    parts.push(iv);
                }
                if let Some(h) = string_as_temporal(&parts) {
                    self.hints.record(e, h);
                }
                Val::from_parts(Ty::Bool, &parts)
            }
            Expr::InSubquery { expr, subquery, .. } => {
                let v = self.expr(expr, scope, mode);
                let items = self.query(subquery, Some(scope));
                self.single_column(&items, subquery.as_ref(), "`in (select …)`");
                let mut r = Val::from_parts(Ty::Bool, [&v]);
                if let Some(item) = items.first() {
                    self.compare(e, &v, &Val::of_col(&item.col), Op::Equality("in"));
                    // Not found among values one of which is null: null.
                    r.nullable |= item.col.nullable;
                }
                r
            }
            Expr::Between { expr, low, high, .. } => {
                let v = self.expr(expr, scope, mode);
                let lo = self.expr(low, scope, mode);
                let hi = self.expr(high, scope, mode);
                self.compare(low, &v, &lo, Op::Ordering("between"));
                self.compare(high, &v, &hi, Op::Ordering("between"));
                if let Some(h) = string_as_temporal([&v, &lo, &hi]) {
                    self.hints.record(e, h);
                }
                Val::from_parts(Ty::Bool, [&v, &lo, &hi])
            }
            Expr::Like { expr, pattern, .. } | Expr::ILike { expr, pattern, .. } => {
                let v = self.expr(expr, scope, mode);
                let p = self.expr(pattern, scope, mode);
                for (x, val) in [(expr, &v), (pattern, &p)] {
                    if !val.ty.fits(&Ty::String) {
                        self.error(
                            Diagnostic::error(
                                codes::TYPE_MISMATCH,
                                self.expr_span(x.as_ref()),
                                format!("`like` matches strings, but this is {}", val.ty),
                            )
                            .with_label(format!("{}", val.ty))
                            .with_help("convert it with `cast(… as string)`"),
                        );
                    }
                }
                Val::from_parts(Ty::Bool, [&v, &p])
            }
            Expr::Case { operand, conditions, else_result, .. } => {
                self.case(operand.as_deref(), conditions, else_result.as_deref(), scope, mode)
            }
            Expr::Cast { kind, expr, data_type: dt, .. } => {
                let v = self.expr(expr, scope, mode);
                let target = data_type(dt);
                if !v.ty.castable_to(&target) {
                    self.error(
                        Diagnostic::error(
                            codes::INVALID_CAST,
                            self.expr_span(e),
                            format!("cannot cast {} to {target}", v.ty),
                        )
                        .with_label(format!("{} → {target}", v.ty))
                        .with_help(
                            "the warehouses have no conversion between these types; compute the value another way",
                        ),
                    );
                }
                if matches!((&v.ty, &target), (Ty::Date, Ty::Timestamp) | (Ty::Timestamp, Ty::Date)) {
                    self.hints.record(e, Hint::TemporalCast(v.ty.clone()));
                }
                let mut r = Val::from_parts(target, [&v]);
                r.nullable |= matches!(kind, CastKind::TryCast | CastKind::SafeCast);
                r
            }
            Expr::Extract { field, expr, .. } => {
                let v = self.expr(expr, scope, mode);
                let ok = v.ty.is_temporal() || v.ty.is_open() || (v.ty == Ty::Interval);
                if !ok {
                    self.error(
                        Diagnostic::error(
                            codes::TYPE_MISMATCH,
                            self.expr_span(expr.as_ref()),
                            format!("`extract({field} from …)` needs a date or timestamp, not {}", v.ty),
                        )
                        .with_label(format!("{}", v.ty)),
                    );
                }
                let ty = match field {
                    DateTimeField::Epoch => Ty::Float,
                    // BigQuery's `EXTRACT(DATE FROM t)`, `EXTRACT(DATETIME FROM t)`.
                    DateTimeField::Date => Ty::Date,
                    DateTimeField::Datetime => Ty::Timestamp,
                    DateTimeField::Time => Ty::Unknown,
                    _ => Ty::Int,
                };
                Val::from_parts(ty, [&v])
            }
            // `substr(s, start, len)`: the standard library's, by its signature.
            Expr::Substring { expr, substring_from, substring_for, shorthand: true, .. }
                if self.env.functions.get("substr").is_some() =>
            {
                let parts: Vec<&Expr> = std::iter::once(expr.as_ref())
                    .chain(substring_from.as_deref())
                    .chain(substring_for.as_deref())
                    .collect();
                let args: Vec<(Val, Option<&Expr>)> =
                    parts.iter().map(|x| (self.expr(x, scope, mode), Some(*x))).collect();
                let types: Vec<Ty> = args.iter().map(|(v, _)| v.ty.clone()).collect();
                let ty = match self
                    .env
                    .functions
                    .get("substr")
                    .map(|sig| (functions::call_declared(sig, &types), sig.display()))
                {
                    Some((Ok(t), _)) => t,
                    Some((Err(err), signature)) => {
                        let name_span = self.map.word_at(e.span().start);
                        self.call_error("substr", name_span, e, &args, err, Some(signature));
                        Ty::Unknown
                    }
                    None => Ty::Unknown,
                };
                let vals: Vec<Val> = args.into_iter().map(|(v, _)| v).collect();
                Val::from_parts(ty, &vals)
            }
            Expr::Substring { expr, substring_from, substring_for, .. } => {
                let v = self.expr(expr, scope, mode);
                self.want(&v, expr, &Ty::String, "`substring`");
                let mut parts = vec![v];
                for x in [substring_from, substring_for].into_iter().flatten() {
                    let xv = self.expr(x, scope, mode);
                    self.want(&xv, x, &Ty::Int, "a `substring` position");
                    parts.push(xv);
                }
                Val::from_parts(Ty::String, &parts)
            }
            Expr::Trim { expr, trim_what, .. } => {
                let v = self.expr(expr, scope, mode);
                self.want(&v, expr, &Ty::String, "`trim`");
                if let Some(w) = trim_what {
                    let wv = self.expr(w, scope, mode);
                    self.want(&wv, w, &Ty::String, "`trim`");
                }
                Val::from_parts(Ty::String, [&v])
            }
            Expr::Position { expr, r#in } => {
                let a = self.expr(expr, scope, mode);
                let b = self.expr(r#in, scope, mode);
                self.want(&a, expr, &Ty::String, "`position`");
                self.want(&b, r#in, &Ty::String, "`position`");
                Val::from_parts(Ty::Int, [&a, &b])
            }
            Expr::Ceil { expr, .. } | Expr::Floor { expr, .. } => {
                let v = self.expr(expr, scope, mode);
                self.want(&v, expr, &Ty::Float, "`ceil`/`floor`");
                // Of the type of its argument, as `round`: an int stays one.
                if v.ty == Ty::Int && !self.native {
                    self.hints.record(e, Hint::IntRounding);
                }
                let ty = v.ty.clone();
                Val::from_parts(ty, [&v])
            }
            Expr::AtTimeZone { timestamp, time_zone } => {
                let t = self.expr(timestamp, scope, mode);
                let z = self.expr(time_zone, scope, mode);
                self.want(&z, time_zone, &Ty::String, "a time zone");
                Val::from_parts(Ty::Unknown, [&t, &z])
            }
            Expr::TypedString(ts) => {
                let ty = data_type(&ts.data_type);
                let mut v = Val::of(ty, false);
                v.lit = Lit::None;
                v
            }
            Expr::Interval(_) => Val::of(Ty::Interval, false),
            Expr::Function(f) => self.call(f, e, scope, mode),
            Expr::Subquery(q) => {
                let items = self.query(q, Some(scope));
                self.single_column(&items, q.as_ref(), "a scalar subquery");
                let mut v = items.first().map_or_else(Val::unknown, |i| Val::of_col(&i.col));
                v.nullable = true;
                v
            }
            Expr::Exists { subquery, .. } => {
                self.query(subquery, Some(scope));
                Val::of(Ty::Bool, false)
            }
            Expr::Tuple(items) => {
                let vals: Vec<Val> = items.iter().map(|x| self.expr(x, scope, mode)).collect();
                Val::from_parts(Ty::Unknown, &vals)
            }
            Expr::Array(array) => {
                let vals: Vec<Val> = array.elem.iter().map(|x| self.expr(x, scope, mode)).collect();
                let mut element = Ty::Null;
                for (x, v) in array.elem.iter().zip(&vals) {
                    match Ty::common(&element, &v.ty) {
                        Some(t) => element = t,
                        None => {
                            self.error(
                                Diagnostic::error(
                                    codes::TYPE_MISMATCH,
                                    self.expr_span(x),
                                    format!("an array of {element} cannot hold {}", v.ty),
                                )
                                .with_label(format!("{}", v.ty)),
                            );
                            element = Ty::Unknown;
                        }
                    }
                }
                let mut r = Val::from_parts(
                    Ty::Array(Box::new(if element == Ty::Null { Ty::Unknown } else { element })),
                    &vals,
                );
                r.nullable = false;
                r
            }
            Expr::CompoundFieldAccess { root, access_chain } => {
                let mut v = self.expr(root, scope, mode);
                // A struct's fields and an array's elements may be null
                // (cjo declares no nullability for them), and a subscript
                // past the end is null with `safe_offset`.
                v.nullable = true;
                for access in access_chain {
                    v.ty = match (access, &v.ty) {
                        (AccessExpr::Dot(Expr::Identifier(field)), Ty::Struct(fields)) => self.field(fields, field),
                        (AccessExpr::Subscript(_), Ty::Array(element)) => (**element).clone(),
                        _ => Ty::Unknown,
                    };
                }
                v
            }
            Expr::Wildcard(_) | Expr::QualifiedWildcard(..) => Val::unknown(),
            _ => Val::unknown(),
        }
    }

    fn value(&mut self, v: &Value, e: &Expr) -> Val {
        match v {
            Value::Number(n, _) => {
                let ty = if n.contains(['.', 'e', 'E']) {
                    let digits = n.chars().filter(char::is_ascii_digit).count();
                    let scale =
                        n.split_once('.').map_or(0, |(_, f)| f.chars().take_while(char::is_ascii_digit).count());
                    // BigQuery reads `2.5` as a FLOAT64 (a portable body's
                    // decimals are written `NUMERIC '2.5'` for it).
                    if n.contains(['e', 'E']) || self.dialect == Some(Dialect::BigQuery) {
                        Ty::Float
                    } else {
                        Ty::Decimal {
                            precision: u32::try_from(digits.max(1)).unwrap_or(38),
                            scale: u32::try_from(scale).unwrap_or(0),
                        }
                    }
                } else {
                    Ty::Int
                };
                Val::of(ty, false)
            }
            Value::SingleQuotedString(_)
            | Value::EscapedStringLiteral(_)
            | Value::TripleSingleQuotedString(_)
            | Value::TripleDoubleQuotedString(_)
            | Value::NationalStringLiteral(_)
            | Value::DollarQuotedString(_) => Val { lit: Lit::String, ..Val::of(Ty::String, false) },
            Value::DoubleQuotedString(_) => Val { lit: Lit::String, ..Val::of(Ty::String, false) },
            Value::SingleQuotedByteStringLiteral(_) | Value::DoubleQuotedByteStringLiteral(_) => {
                Val::of(Ty::Bytes, false)
            }
            Value::Boolean(_) => Val::of(Ty::Bool, false),
            Value::Null => Val::of(Ty::Null, true),
            Value::Placeholder(p) => self.param(p, e),
            _ => Val::unknown(),
        }
    }

    /// `$name`: a declared or built-in parameter.
    fn param(&mut self, placeholder: &str, e: &Expr) -> Val {
        let name = placeholder.trim_start_matches(['$', ':', '@', '?']);
        if !placeholder.starts_with('$') || name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            let suggestion = match self.params.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                Some((n, _)) => format!("write `${n}`"),
                None => "declare a `param` in the model and write `$name`".to_string(),
            };
            self.error(
                Diagnostic::error(
                    codes::UNKNOWN_PARAMETER,
                    self.expr_span(e),
                    format!("`{placeholder}` is not a cjo parameter"),
                )
                .with_label("parameters are written `$name`")
                .with_help(suggestion),
            );
            return Val::unknown();
        }
        if let Some((_, ty)) = self.params.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            return Val::of(ty.clone(), false);
        }
        let help = did_you_mean(name, self.params.iter().map(|(n, _)| n.as_str())).unwrap_or_else(|| {
            format!("declare it in the model: `param {name}: int = 0`; the built-in ones are `$run_start`, `$run_end` and `$run_date`")
        });
        self.error(
            Diagnostic::error(codes::UNKNOWN_PARAMETER, self.expr_span(e), format!("unknown parameter `${name}`"))
                .with_label("not declared")
                .with_help(help),
        );
        Val::unknown()
    }

    fn column(&mut self, parts: &[Ident], scope: &Scope<'_>, mode: &Mode<'_>) -> Val {
        let (qualifier, column, fields) = match parts {
            [c] => (None, c, &[][..]),
            [q, c, rest @ ..] => {
                // `t.col…` when `t` is a table here, else `col.field…` (a struct).
                if scope.rel(&q.value).is_some()
                    || matches!(scope.lookup(None, &q.value), Lookup::Missing | Lookup::NoRelation)
                        && scope.outer.is_some_and(|o| o.rel(&q.value).is_some())
                {
                    (Some(q), c, rest)
                } else if !matches!(scope.lookup(None, &q.value), Lookup::Missing) {
                    (None, q, parts.get(1..).unwrap_or_default())
                } else {
                    (Some(q), c, rest)
                }
            }
            [] => return Val::unknown(),
        };
        if qualifier.is_none() && column.value.starts_with('@') && column.quote_style.is_none() {
            let name = column.value.trim_start_matches('@');
            self.error(
                Diagnostic::error(
                    codes::UNKNOWN_PARAMETER,
                    self.ident_span(column),
                    format!("`{}` is not a cjo parameter", column.value),
                )
                .with_label("parameters are written `$name`")
                .with_help(format!("write `${name}` (and declare `param {name}` in the model if it is not built in)")),
            );
            return Val::unknown();
        }
        let mut v = match scope.lookup(qualifier.map(|q| q.value.as_str()), &column.value) {
            Lookup::Found(_, col) | Lookup::Outer(col) => {
                let (q, c) = (qualifier.map(|q| self.name_span(q)), self.name_span(column));
                self.refs.extend(crate::ide::Reference::column(q, c, col));
                Val::of_col(col)
            }
            Lookup::Open(why) => Val::untyped(why.clone()),
            Lookup::Ambiguous(candidates) => {
                self.error(
                    Diagnostic::error(
                        codes::AMBIGUOUS_COLUMN,
                        self.ident_span(column),
                        format!("`{}` is ambiguous", column.value),
                    )
                    .with_label(format!("could be {}", candidates.join(" or ")))
                    .with_help(format!("qualify it: `{}`", candidates.first().map_or("t.column", String::as_str))),
                );
                Val::unknown()
            }
            Lookup::NoRelation => {
                let q = qualifier.map_or("", |q| q.value.as_str());
                let span = qualifier.map_or_else(|| self.ident_span(column), |q| self.ident_span(q));
                self.unknown_qualifier(q, span, scope);
                Val::unknown()
            }
            Lookup::Missing => {
                if let (None, Some(aliases)) = (qualifier, mode.aliases) {
                    if let Some((_, v)) = aliases.iter().find(|(n, _)| n.eq_ignore_ascii_case(&column.value)) {
                        return v.clone();
                    }
                }
                // BigQuery: a table's name as a value is a struct of its row.
                if let (None, Some(Dialect::BigQuery), Some((_, rel))) =
                    (qualifier, self.dialect, scope.rel(&column.value))
                {
                    let fields = rel.columns.iter().map(|c| (c.name.clone(), c.ty.clone())).collect();
                    let parts: Vec<Val> = rel.columns.iter().map(Val::of_col).collect();
                    let mut v = Val::from_parts(Ty::Struct(fields), &parts);
                    v.nullable = true; // null where an outer join found no row
                    return v;
                }
                self.unknown_column(qualifier, column, scope);
                Val::unknown()
            }
        };
        if !fields.is_empty() {
            v.nullable = true; // a struct's fields may be null
        }
        for field in fields {
            v.ty = match &v.ty {
                Ty::Struct(fs) => self.field(fs, field),
                t if t.is_open() => Ty::Unknown,
                t => {
                    self.error(
                        Diagnostic::error(
                            codes::UNKNOWN_COLUMN,
                            self.ident_span(field),
                            format!("`{}` has no fields: it is {t}", column.value),
                        )
                        .with_label("not a struct"),
                    );
                    Ty::Unknown
                }
            };
        }
        v
    }

    fn field(&mut self, fields: &[(String, Ty)], field: &Ident) -> Ty {
        if let Some((_, t)) = fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(&field.value)) {
            return t.clone();
        }
        let help = did_you_mean(&field.value, fields.iter().map(|(n, _)| n.as_str())).unwrap_or_else(|| {
            format!("its fields are {}", fields.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(", "))
        });
        self.error(
            Diagnostic::error(
                codes::UNKNOWN_COLUMN,
                self.ident_span(field),
                format!("the struct has no field `{}`", field.value),
            )
            .with_label("no such field")
            .with_help(help),
        );
        Ty::Unknown
    }

    fn unknown_column(&mut self, qualifier: Option<&Ident>, column: &Ident, scope: &Scope<'_>) {
        let candidates: Vec<String> = match qualifier.and_then(|q| scope.rel(&q.value)) {
            Some((_, rel)) => rel.columns.iter().map(|c| c.name.clone()).collect(),
            None => scope.column_names(),
        };
        let place = match qualifier {
            Some(q) => format!("`{}`", q.value),
            None if scope.rels.len() == 1 && scope.rels.first().is_some_and(|r| !r.alias.is_empty()) => {
                scope.rels.first().map_or_else(|| "this query".to_string(), |r| format!("`{}`", r.alias))
            }
            None if scope.rels.len() == 1 => "this query".to_string(),
            None => "any table of this query".to_string(),
        };
        let elsewhere = qualifier.and_then(|_| {
            scope
                .rels
                .iter()
                .find(|r| r.columns.iter().any(|c| c.name.eq_ignore_ascii_case(&column.value)))
                .map(|r| r.alias.clone())
        });
        let alias = self.select_aliases.iter().find(|a| a.eq_ignore_ascii_case(&column.value)).cloned();
        let help = elsewhere
            .map(|t| format!("`{t}` has a column `{}`: write `{t}.{}`", column.value, column.value))
            .or_else(|| alias.map(|a| format!("`{a}` is a name given in this select list, which this part of the query cannot use: repeat the expression, or compute it in a subquery and use it outside")))
            .or_else(|| did_you_mean(&column.value, candidates.iter().map(String::as_str)))
            .unwrap_or_else(|| {
            if candidates.is_empty() {
                "this query reads no table with columns".to_string()
            } else if candidates.len() <= 12 {
                format!("the columns here are {}", candidates.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "))
            } else {
                format!("check the spelling against the columns (`cjoc describe {}`)", scope.rels.first().map_or("NAME", |r| r.alias.as_str()))
            }
        });
        self.error(
            Diagnostic::error(
                codes::UNKNOWN_COLUMN,
                self.ident_span(column),
                format!("unknown column `{}`", column.value),
            )
            .with_label(format!("not a column of {place}"))
            .with_help(help),
        );
    }

    fn binary(
        &mut self,
        e: &Expr,
        left: &Expr,
        op: &BinaryOperator,
        right: &Expr,
        scope: &Scope<'_>,
        mode: &Mode<'_>,
    ) -> Val {
        let l = self.expr(left, scope, mode);
        let r = self.expr(right, scope, mode);
        let op = match op {
            BinaryOperator::Plus => Op::Add,
            BinaryOperator::Minus => Op::Sub,
            BinaryOperator::Multiply => Op::Mul,
            BinaryOperator::Divide => Op::Div,
            BinaryOperator::Modulo => Op::Mod,
            BinaryOperator::StringConcat => Op::Concat,
            BinaryOperator::Eq => Op::Equality("="),
            BinaryOperator::NotEq => Op::Equality("!="),
            BinaryOperator::Lt => Op::Ordering("<"),
            BinaryOperator::LtEq => Op::Ordering("<="),
            BinaryOperator::Gt => Op::Ordering(">"),
            BinaryOperator::GtEq => Op::Ordering(">="),
            BinaryOperator::And => Op::And,
            BinaryOperator::Or => Op::Or,
            _ => return Val::from_parts(Ty::Unknown, [&l, &r]),
        };
        self.hint_binary(e, op, &l, &r);
        let typed = match (op, self.dialect) {
            // A warehouse's own `/` where its body is sent as written.
            (Op::Div, Some(d)) if l.ty.is_numeric() && r.ty.is_numeric() => Ok(native::quotient(d, &l.ty, &r.ty)),
            // Days added to a date: portable SQL rewrites it for each
            // warehouse; BigQuery and Redshift have it, Trino does not.
            (Op::Add | Op::Sub, None | Some(Dialect::BigQuery | Dialect::Redshift))
                if ops::date_days(op, &l.ty, &r.ty).is_some() =>
            {
                Ok(Ty::Date)
            }
            _ => ops::binary(op, &l.ty, &r.ty, l.lit, r.lit),
        };
        match typed {
            Ok(ty) => Val::from_parts(ty, [&l, &r]),
            Err(m) => {
                let span = match m.side {
                    Some(0) => self.expr_span(left),
                    Some(_) => self.expr_span(right),
                    None => self.expr_span(e),
                };
                let code = if m.side.is_some() { codes::NOT_BOOLEAN } else { codes::TYPE_MISMATCH };
                let mut d =
                    Diagnostic::error(code, span, m.message).with_help_opt((!m.help.is_empty()).then_some(m.help));
                d = if m.side.is_some() {
                    d.with_label("not a condition")
                } else {
                    d.with_label(format!("{} {} {}", l.ty, op.symbol(), r.ty))
                };
                self.error(d);
                let ty = if matches!(op, Op::Equality(_) | Op::Ordering(_) | Op::And | Op::Or) {
                    Ty::Bool
                } else {
                    Ty::Unknown
                };
                Val::from_parts(ty, [&l, &r])
            }
        }
    }

    /// Records what the emitters must know about `e`: see [`Hint`].
    fn hint_binary(&mut self, e: &Expr, op: Op, l: &Val, r: &Val) {
        let hint = match op {
            Op::Div if l.ty.is_numeric() && r.ty.is_numeric() && l.ty != Ty::Float && r.ty != Ty::Float => {
                Some(Hint::Division(l.ty.clone(), r.ty.clone()))
            }
            Op::Add | Op::Sub if r.ty == Ty::Interval && l.ty.is_temporal() => {
                Some(Hint::TemporalArithmetic(l.ty.clone()))
            }
            Op::Add if l.ty == Ty::Interval && r.ty.is_temporal() => Some(Hint::TemporalArithmetic(r.ty.clone())),
            Op::Add | Op::Sub => ops::date_days(op, &l.ty, &r.ty).map(Hint::DateDays),
            Op::Equality(_) | Op::Ordering(_) => string_as_temporal([l, r]),
            _ => None,
        };
        if let Some(h) = hint {
            self.hints.record(e, h);
        }
    }

    fn compare(&mut self, at: &Expr, a: &Val, b: &Val, op: Op) {
        if let Err(m) = ops::binary(op, &a.ty, &b.ty, a.lit, b.lit) {
            self.error(
                Diagnostic::error(codes::TYPE_MISMATCH, self.expr_span(at), m.message)
                    .with_label(format!("{} and {}", a.ty, b.ty))
                    .with_help_opt((!m.help.is_empty()).then_some(m.help)),
            );
        }
    }

    fn case(
        &mut self,
        operand: Option<&Expr>,
        conditions: &[sqlparser::ast::CaseWhen],
        otherwise: Option<&Expr>,
        scope: &Scope<'_>,
        mode: &Mode<'_>,
    ) -> Val {
        let subject = operand.map(|o| self.expr(o, scope, mode));
        let mut parts = Vec::new();
        let mut result = Ty::Null;
        let mut first_span: Option<Span> = None;
        for when in conditions {
            let c = self.expr(&when.condition, scope, mode);
            match &subject {
                Some(s) => self.compare(&when.condition, s, &c, Op::Equality("=")),
                None => self.want_bool(&c, &when.condition, "`when`"),
            }
            let r = self.expr(&when.result, scope, mode);
            result = self.unify_branch(result, &r, &when.result, &mut first_span);
            parts.push(c);
            parts.push(r);
        }
        let has_else = otherwise.is_some();
        if let Some(x) = otherwise {
            let r = self.expr(x, scope, mode);
            result = self.unify_branch(result, &r, x, &mut first_span);
            parts.push(r);
        }
        let mut v = Val::from_parts(if result == Ty::Null { Ty::Unknown } else { result }, &parts);
        v.nullable |= !has_else;
        v
    }

    fn unify_branch(&mut self, so_far: Ty, r: &Val, at: &Expr, first: &mut Option<Span>) -> Ty {
        match Ty::common(&so_far, &r.ty) {
            Some(t) => {
                if first.is_none() && !r.ty.is_open() {
                    *first = Some(self.expr_span(at));
                }
                t
            }
            None => {
                let mut d = Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    self.expr_span(at),
                    format!("this `case` gives {so_far} in one branch and {} here", r.ty),
                )
                .with_label(format!("{}", r.ty))
                .with_help("every branch of a `case` must have one type: cast the odd one");
                if let Some(f) = *first {
                    d = d.with_secondary(f, format!("{so_far}"));
                }
                self.error(d);
                Ty::Unknown
            }
        }
    }

    fn single_column(&mut self, items: &[super::query::Item], q: &sqlparser::ast::Query, what: &str) {
        if items.len() != 1 {
            self.error(
                Diagnostic::error(
                    codes::SET_OPERATION_MISMATCH,
                    self.span(q),
                    format!("{what} must select exactly one column, not {}", items.len()),
                )
                .with_label(format!("{} columns", items.len())),
            );
        }
    }

    pub fn want_bool(&mut self, v: &Val, at: &Expr, what: &str) {
        if !v.ty.fits(&Ty::Bool) {
            self.error(
                Diagnostic::error(
                    codes::NOT_BOOLEAN,
                    self.expr_span(at),
                    format!("{what} needs a condition, but this is {}", v.ty),
                )
                .with_label(format!("{}", v.ty))
                .with_help("compare it with something: `x = …`, `x > …`, `x is not null`"),
            );
        }
    }

    fn want(&mut self, v: &Val, at: &Expr, ty: &Ty, what: &str) {
        if !v.ty.fits(ty) {
            self.error(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    self.expr_span(at),
                    format!("{what} takes {ty}, but this is {}", v.ty),
                )
                .with_label(format!("{}", v.ty)),
            );
        }
    }
}

/// What `e`, of type `ty` (no column type), is, for the report of a
/// model's column of that type.
fn untyped_what(e: &Expr, ty: &Ty) -> String {
    match ty {
        Ty::Null => "`null` alone has no type (each warehouse picks its own)".to_string(),
        Ty::Interval => "an interval, which no column can hold".to_string(),
        _ if matches!(e, Expr::Case { .. }) => "this `case` gives only `null`".to_string(),
        _ => {
            let text = e.to_string();
            let short: String = text.chars().take(40).collect();
            let dots = if short.len() < text.len() { "…" } else { "" };
            format!("cjo does not know the type of `{short}{dots}`")
        }
    }
}

/// When some of `vals` are dates or timestamps and others string
/// literals, the hint that those literals stand for that type.
fn string_as_temporal<'v>(vals: impl IntoIterator<Item = &'v Val>) -> Option<Hint> {
    let vals: Vec<&Val> = vals.into_iter().collect();
    let temporal = vals.iter().find(|v| v.ty.is_temporal())?;
    vals.iter().any(|v| v.lit == Lit::String).then(|| Hint::StringAsTemporal(temporal.ty.clone()))
}
