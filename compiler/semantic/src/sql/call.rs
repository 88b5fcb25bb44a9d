//! Function calls in SQL bodies: aggregates and window functions where
//! they may be, arguments checked against built-in and declared
//! signatures.

use cjo_diagnostics::{self as codes, Diagnostic, Span, did_you_mean};
use sqlparser::ast::{
    Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, Value, WindowFrameBound, WindowSpec, WindowType,
};

use super::expr::{Mode, Val};
use super::query::Cx;
use super::scope::{Lookup, Scope, Untyped};
use crate::functions::{self, CallError, FnKind};
use crate::hints::Hint;
use crate::native;
use crate::ty::Ty;

impl Cx<'_, '_> {
    pub(super) fn call(&mut self, f: &Function, e: &Expr, scope: &Scope<'_>, mode: &Mode<'_>) -> Val {
        let name = f.name.0.last().and_then(|p| p.as_ident()).map_or_else(|| f.name.to_string(), |i| i.value.clone());
        let kind = functions::builtin_kind(&name)
            .or_else(|| self.dialect.and_then(|d| native::kind(d, &name)))
            .unwrap_or(FnKind::Scalar);
        let windowed = f.over.is_some();
        let name_span = self.span(&f.name);
        if kind == FnKind::Aggregate && !windowed {
            if mode.in_aggregate {
                self.misplaced(
                    name_span,
                    &name,
                    "inside another aggregate",
                    "compute the inner aggregate in a subquery or CTE first",
                );
            } else if !mode.aggregates {
                let help = if mode.clause == "where" {
                    "filter groups with `having`, or aggregate in a subquery first"
                } else {
                    "aggregate in a subquery or CTE first"
                };
                self.misplaced(name_span, &name, &format!("in `{}`", mode.clause), help);
            }
        }
        if windowed && mode.in_aggregate {
            self.misplaced(
                name_span,
                &name,
                "inside an aggregate",
                "compute the window function in a subquery or CTE, then aggregate its result",
            );
        } else if windowed && !mode.windows {
            self.misplaced(
                name_span,
                &name,
                &format!("with `over` in `{}`", mode.clause),
                "window functions belong in the select list, `qualify` or `order by`",
            );
        }
        if kind == FnKind::Window && !windowed {
            self.misplaced(
                name_span,
                &name,
                "without `over (…)`",
                &format!("`{name}` is a window function: add `over (partition by … order by …)`"),
            );
        }
        let inner = Mode {
            in_aggregate: mode.in_aggregate || (kind == FnKind::Aggregate && !windowed),
            aggregates: mode.aggregates && (kind != FnKind::Aggregate || windowed),
            ..*mode
        };
        let mut args: Vec<(Val, Option<&Expr>)> = Vec::new();
        let mut star = false;
        if let FunctionArguments::List(list) = &f.args {
            for arg in &list.args {
                let arg = match arg {
                    FunctionArg::Unnamed(a)
                    | FunctionArg::Named { arg: a, .. }
                    | FunctionArg::ExprNamed { arg: a, .. } => a,
                };
                match arg {
                    // `date_trunc(d, month)`, `datediff(day, a, b)`: a date part, not a column.
                    FunctionArgExpr::Expr(Expr::Identifier(part))
                        if self.native
                            && is_date_part(&part.value)
                            && matches!(scope.lookup(None, &part.value), Lookup::Missing) =>
                    {
                        args.push((Val::date_part(), None));
                    }
                    // BigQuery's `WEEK(MONDAY)`: a week starting on that day.
                    FunctionArgExpr::Expr(Expr::Function(week)) if self.native && is_week_part(week) => {
                        args.push((Val::date_part(), None));
                    }
                    FunctionArgExpr::Expr(x) => args.push((self.expr(x, scope, &inner), Some(x))),
                    _ => star = true,
                }
            }
        }
        // `within group (order by k)`: the key is checked like any
        // expression, and typed as a last argument where it gives the
        // result its type (a percentile is a value of the key).
        for o in &f.within_group {
            let key = self.expr(&o.expr, scope, &inner);
            if native::within_group_key(&name) {
                args.push((key, Some(&o.expr)));
            }
        }
        if let Some(filter) = &f.filter {
            let fv = self.expr(filter, scope, &Mode::clause("filter"));
            self.want_bool(&fv, filter, "`filter (where …)`");
        }
        if let Some(WindowType::WindowSpec(spec)) = &f.over {
            let window_mode = Mode { windows: false, in_aggregate: false, ..*mode };
            for x in &spec.partition_by {
                self.expr(x, scope, &window_mode);
            }
            for o in &spec.order_by {
                // Under `rollup`, `cube` or `grouping sets`, any group key
                // may be null.
                if !self.expr(&o.expr, scope, &window_mode).nullable && !self.groups.grouping_sets {
                    self.hints.never_null_key(&o.expr);
                }
            }
        }
        if star && !name.eq_ignore_ascii_case("count") {
            self.error(
                Diagnostic::error(
                    codes::WRONG_ARGUMENTS,
                    self.map.call(name_span),
                    format!("`{name}(*)`: only `count` takes `*`"),
                )
                .with_label("`*` argument")
                .with_help(format!("pass a column: `{name}(amount)`")),
            );
            return Val::unknown();
        }
        let types: Vec<Ty> = args.iter().map(|(v, _)| v.ty.clone()).collect();
        if functions::call_builtin(&name, &types).is_none() && self.env.functions.get(&name).is_some() {
            self.refs.push(crate::ide::Reference::function(name_span, &name));
        }
        // A body written for one warehouse calls that warehouse's functions.
        let native_args: Vec<native::Arg> =
            args.iter().map(|(v, x)| native::Arg { ty: v.ty.clone(), part: x.is_none() }).collect();
        let own = self.dialect.and_then(|d| native::call(d, &name, &native_args));
        let null_rule = match &own {
            Some(Ok(t)) => Some(t.null),
            _ => None,
        };
        // Why a call of the body's warehouse's own function is untyped.
        let warehouse = self.dialect.map_or("the warehouse", cjo_project::Dialect::title);
        let upper = name.to_ascii_uppercase();
        let mut own_reason: Option<String> = None;
        let typed = match (own, functions::call_builtin(&name, &types)) {
            (Some(Ok(t)), _) => Ok(t.ty),
            (Some(Err(signatures)), _) => {
                own_reason = Some(format!(
                    "none of the signatures of {warehouse}'s `{upper}` cjo knows takes these arguments: {signatures}"
                ));
                Ok(Ty::Unknown)
            }
            (None, Some(r)) => r,
            (None, None) => match self.env.functions.get(&name) {
                // In a dialect's own SQL the warehouse's function of that
                // name (BigQuery's `format_date(fmt, d)`) may differ from ours.
                Some(sig) if self.native => Ok(functions::call_declared(sig, &types).unwrap_or_else(|_| {
                    own_reason = Some(format!(
                        "`{upper}` here is {warehouse}'s own function, whose signature cjo does not know (cjo's is `{}`)",
                        sig.display()
                    ));
                    Ty::Unknown
                })),
                Some(sig) => functions::call_declared(sig, &types)
                    .map_err(|err| (err, Some(sig.display())))
                    .map_err(|(err, s)| {
                        self.call_error(&name, name_span, e, &args, err, s);
                    })
                    .map_or(Ok(Ty::Unknown), Ok),
                None => {
                    if !self.native {
                        let help = did_you_mean(&name, self.env.functions.names()).unwrap_or_else(|| {
                            "the functions are SQL's aggregates and window functions and the standard library's (`cjoc explain E0304` lists where to look); declare your own with `fn`".to_string()
                        });
                        self.error(
                            Diagnostic::error(codes::UNKNOWN_FUNCTION, name_span, format!("unknown function `{name}`"))
                                .with_label("not a known function")
                                .with_help(help),
                        );
                    } else {
                        own_reason = Some(format!("`{upper}` is a {warehouse} function cjo has no signature for"));
                    }
                    Ok(Ty::Unknown)
                }
            },
        };
        let ty = match typed {
            Ok(t) => t,
            Err(err) => {
                self.call_error(&name, name_span, e, &args, err, None);
                Ty::Unknown
            }
        };
        let lname = name.to_ascii_lowercase();
        if !self.native {
            self.hint_call(e, &lname, &types, &ty);
        }
        let vals: Vec<Val> = args.into_iter().map(|(v, _)| v).collect();
        let mut v = Val::from_parts(ty, &vals);
        if let Some(why) = own_reason {
            v.untyped = Some(Untyped::At(self.map.call(name_span), why));
        }
        if kind == FnKind::Aggregate && !windowed {
            v.aggregate = true;
        }
        if kind == FnKind::Window || windowed {
            v.aggregate = vals.iter().any(|x| x.aggregate);
        }
        v.nullable = match null_rule {
            Some(native::Null::Never) => false,
            Some(native::Null::May) => true,
            Some(native::Null::AllArgs) => vals.iter().all(|x| x.nullable),
            Some(native::Null::Args) if kind == FnKind::Aggregate => {
                self.call_nullable(&lname, kind, f, &vals, v.nullable)
            }
            Some(native::Null::Args) => v.nullable,
            None => self.call_nullable(&lname, kind, f, &vals, v.nullable),
        };
        v
    }

    /// Records what the emitters must know about a call: see [`Hint`].
    fn hint_call(&mut self, e: &Expr, name: &str, args: &[Ty], ty: &Ty) {
        let hint = match (name, args) {
            ("avg", [x @ (Ty::Int | Ty::Decimal { .. })]) => Some(Hint::Average(x.clone())),
            ("round" | "floor" | "ceil", [Ty::Int, ..]) if *ty == Ty::Int => Some(Hint::IntRounding),
            (name, [a, b]) if functions::is_quotient(name) && *ty == crate::ty::QUOTIENT => {
                Some(Hint::Division(a.clone(), b.clone()))
            }
            _ => None,
        };
        if let Some(h) = hint {
            self.hints.record(e, h);
        }
    }

    /// Whether a call may be null: `from_args` says whether one of its
    /// arguments may be.
    fn call_nullable(&self, name: &str, kind: FnKind, f: &Function, args: &[Val], from_args: bool) -> bool {
        if functions::never_null(name) {
            return false;
        }
        if functions::may_give_null(name) {
            return true;
        }
        match name {
            "coalesce" | "ifnull" => return args.iter().all(|x| x.nullable),
            // No row before or after: null, unless a default is given.
            "lag" | "lead" => return args.first().is_none_or(|x| x.nullable) || args.get(2).is_none_or(|d| d.nullable),
            _ => {}
        }
        // An aggregate over no row is null (except `count`): a query without
        // `group by` over an empty input, a `filter` that keeps nothing, a
        // window frame that holds no row.
        if kind == FnKind::Aggregate || matches!(name, "first_value" | "last_value") {
            let may_be_empty = match &f.over {
                Some(WindowType::WindowSpec(spec)) => !frame_holds_current_row(spec),
                Some(WindowType::NamedWindow(_)) => true,
                None => self.groups.empty_groups,
            };
            return from_args || may_be_empty || f.filter.is_some();
        }
        from_args
    }

    pub(super) fn call_error(
        &mut self,
        name: &str,
        name_span: Span,
        call: &Expr,
        args: &[(Val, Option<&Expr>)],
        err: CallError,
        signature: Option<String>,
    ) {
        let d = match err {
            CallError::Arity { expected, found } => Diagnostic::error(
                codes::WRONG_ARGUMENTS,
                self.expr_span(call),
                format!("`{name}` takes {expected}, but {found} {} given", if found == 1 { "was" } else { "were" }),
            )
            .with_label(format!("{found} argument{}", if found == 1 { "" } else { "s" })),
            CallError::Argument { index, expected, found } => {
                let span = args.get(index).and_then(|(_, x)| *x).map_or(name_span, |x| self.expr_span(x));
                Diagnostic::error(
                    codes::WRONG_ARGUMENTS,
                    span,
                    format!("argument {} of `{name}` must be {expected}, but this is {found}", index + 1),
                )
                .with_label(format!("{found}"))
            }
        };
        self.error(d.with_help_opt(signature.map(|s| format!("the signature is `{s}`"))));
    }

    fn misplaced(&mut self, span: Span, name: &str, place: &str, help: &str) {
        self.error(
            Diagnostic::error(codes::MISPLACED_AGGREGATE, span, format!("`{name}` cannot be used {place}"))
                .with_label("not allowed here")
                .with_help(help),
        );
    }
}

/// Whether a window's frame always holds the current row, so is never
/// empty: the default frames do (the whole partition, or up to the current
/// row and its peers); `rows between 2 preceding and 1 preceding` does not.
fn frame_holds_current_row(spec: &WindowSpec) -> bool {
    let Some(frame) = &spec.window_frame else { return true };
    let zero = |e: &Expr| matches!(e, Expr::Value(v) if matches!(&v.value, Value::Number(n, _) if n.trim_start_matches('0').is_empty()));
    let starts_at_or_before = match &frame.start_bound {
        WindowFrameBound::CurrentRow | WindowFrameBound::Preceding(_) => true,
        WindowFrameBound::Following(n) => n.as_deref().is_some_and(zero),
    };
    let ends_at_or_after = match &frame.end_bound {
        None | Some(WindowFrameBound::CurrentRow | WindowFrameBound::Following(_)) => true,
        Some(WindowFrameBound::Preceding(n)) => n.as_deref().is_some_and(zero),
    };
    starts_at_or_before && ends_at_or_after
}

/// BigQuery's `WEEK(<weekday>)` date part.
fn is_week_part(f: &Function) -> bool {
    const DAYS: &[&str] = &["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
    let FunctionArguments::List(list) = &f.args else { return false };
    f.name.to_string().eq_ignore_ascii_case("week")
        && matches!(list.args.as_slice(), [FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Identifier(day)))]
            if DAYS.iter().any(|d| d.eq_ignore_ascii_case(&day.value)))
}

/// The date and time parts warehouses take as bare words.
fn is_date_part(word: &str) -> bool {
    const PARTS: &[&str] = &[
        "microsecond",
        "millisecond",
        "second",
        "minute",
        "hour",
        "day",
        "dayofweek",
        "dayofyear",
        "week",
        "isoweek",
        "month",
        "quarter",
        "year",
        "isoyear",
        "date",
        "time",
        "datetime",
        "epoch",
        "dow",
        "doy",
        "d",
        "dd",
        "mm",
        "yy",
        "yyyy",
        "hh",
        "mi",
        "ss",
        "ms",
        "us",
        "wk",
        "qtr",
    ];
    PARTS.iter().any(|p| p.eq_ignore_ascii_case(word))
}
