//! Expressions of the `.cjo` language itself: journey criteria, check
//! `expect` conditions and parameter defaults, typed with the same rules
//! as SQL bodies.

use std::collections::BTreeMap;

use cjo_diagnostics::{self as codes, Diagnostic, FileId, Span, did_you_mean};
use cjo_syntax::ast::{BinaryOp, Expr, ExprKind, Name, Quantifier, QuantifierKind, UnaryOp};

use crate::functions::{self, CallError, FnKind, Functions};
use crate::ops::{self, Lit, Op};
use crate::sql::{Col, Val};
use crate::ty::Ty;

/// What an expression can see.
#[derive(Debug)]
pub(crate) struct ExprCx<'a, 'o> {
    pub file: FileId,
    pub functions: &'a Functions,
    /// Named groups of columns, searched in order (the first that has a
    /// name wins: event columns before profile columns).
    pub scope: Vec<(String, &'a [Col])>,
    pub params: &'a [(String, Ty)],
    /// The event relations a quantifier may range over (journeys only).
    pub events: Option<&'a BTreeMap<String, (String, Vec<Col>)>>,
    /// What kind of expression this is, for messages ("a goal", "an expect").
    pub what: &'static str,
    pub out: &'o mut Vec<Diagnostic>,
}

impl ExprCx<'_, '_> {
    fn span(&self, range: cjo_diagnostics::TextRange) -> Span {
        Span::new(self.file, range)
    }

    /// Types a condition and reports it when it is not boolean.
    pub fn condition(&mut self, e: &Expr) -> Val {
        let v = self.expr(e);
        if !v.ty.fits(&Ty::Bool) {
            self.out.push(
                Diagnostic::error(
                    codes::NOT_BOOLEAN,
                    self.span(e.range),
                    format!("{} must be a condition, but this is {}", self.what, v.ty),
                )
                .with_label(format!("{}", v.ty))
                .with_help("compare it with something: `x = …`, `x > …`, `x is not null`"),
            );
        }
        v
    }

    pub fn expr(&mut self, e: &Expr) -> Val {
        // Expressions nest up to the parser's limit: grow the stack
        // rather than overflow a small one.
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_at(e))
    }

    fn expr_at(&mut self, e: &Expr) -> Val {
        match &e.kind {
            ExprKind::Column(parts) => self.column(parts),
            ExprKind::Param(name) => self.param(name),
            ExprKind::Str(_) => Val { lit: Lit::String, ..Val::of(Ty::String, false) },
            ExprKind::Number(n) => {
                Val::of(if n.contains('.') { Ty::Decimal { precision: 38, scale: 9 } } else { Ty::Int }, false)
            }
            ExprKind::Bool(_) => Val::of(Ty::Bool, false),
            ExprKind::Null => Val::of(Ty::Null, true),
            ExprKind::Duration(_) => Val::of(Ty::Interval, false),
            ExprKind::Typed { ty, .. } => Val::of(Ty::primitive(&ty.text).unwrap_or(Ty::Unknown), false),
            ExprKind::List(items) => {
                let vals: Vec<Val> = items.iter().map(|x| self.expr(x)).collect();
                let mut element = Ty::Null;
                for v in &vals {
                    element = Ty::common(&element, &v.ty).unwrap_or(Ty::Unknown);
                }
                Val::of(Ty::Array(Box::new(element)), false)
            }
            ExprKind::Unary { op, operand, .. } => {
                let v = self.expr(operand);
                let (ok, ty, want) = match op {
                    UnaryOp::Not => (v.ty.fits(&Ty::Bool), Ty::Bool, "a condition"),
                    UnaryOp::Neg | UnaryOp::Plus => {
                        (v.ty.is_numeric() || v.ty.is_open() || v.ty == Ty::Interval, v.ty.clone(), "a number")
                    }
                };
                if !ok {
                    self.out.push(
                        Diagnostic::error(
                            codes::TYPE_MISMATCH,
                            self.span(operand.range),
                            format!("this needs {want}, but is {}", v.ty),
                        )
                        .with_label(format!("{}", v.ty)),
                    );
                }
                let mut r = v;
                r.ty = ty;
                r
            }
            ExprKind::Binary { first, rest } => {
                let mut acc = self.expr(first);
                let mut left_range = first.range;
                for operation in rest {
                    let r = self.expr(&operation.rhs);
                    let op = binary_op(operation.op);
                    let ty = match ops::binary(op, &acc.ty, &r.ty, acc.lit, r.lit) {
                        Ok(t) => t,
                        Err(m) => {
                            let range = match m.side {
                                Some(0) => left_range,
                                Some(_) => operation.rhs.range,
                                None => left_range.cover(operation.rhs.range),
                            };
                            let code = if m.side.is_some() { codes::NOT_BOOLEAN } else { codes::TYPE_MISMATCH };
                            self.out.push(
                                Diagnostic::error(code, self.span(range), m.message)
                                    .with_label(format!("{} {} {}", acc.ty, op.symbol(), r.ty))
                                    .with_help_opt((!m.help.is_empty()).then_some(m.help)),
                            );
                            if matches!(op, Op::Equality(_) | Op::Ordering(_) | Op::And | Op::Or) {
                                Ty::Bool
                            } else {
                                Ty::Unknown
                            }
                        }
                    };
                    acc = Val {
                        ty,
                        nullable: acc.nullable || r.nullable,
                        lineage: Default::default(),
                        aggregate: false,
                        lit: Lit::None,
                        untyped: None,
                    };
                    left_range = left_range.cover(operation.rhs.range);
                }
                acc
            }
            ExprKind::IsNull { operand, .. } => {
                self.expr(operand);
                Val::of(Ty::Bool, false)
            }
            ExprKind::InList { operand, list, .. } => {
                let v = self.expr(operand);
                for item in list {
                    let iv = self.expr(item);
                    if Ty::common(&v.ty, &iv.ty).is_none() && !(iv.lit == Lit::String && v.ty.is_temporal()) {
                        self.out.push(
                            Diagnostic::error(
                                codes::TYPE_MISMATCH,
                                self.span(item.range),
                                format!("cannot look for {} in a list holding {}", v.ty, iv.ty),
                            )
                            .with_label(format!("{}", iv.ty))
                            .with_secondary(self.span(operand.range), format!("{}", v.ty)),
                        );
                    }
                }
                Val::of(Ty::Bool, v.nullable)
            }
            ExprKind::Between { operand, low, high, .. } => {
                let v = self.expr(operand);
                for bound in [low, high] {
                    let b = self.expr(bound);
                    if let Err(m) = ops::binary(Op::Ordering("between"), &v.ty, &b.ty, v.lit, b.lit) {
                        self.out.push(
                            Diagnostic::error(codes::TYPE_MISMATCH, self.span(bound.range), m.message)
                                .with_label(format!("{}", b.ty)),
                        );
                    }
                }
                Val::of(Ty::Bool, v.nullable)
            }
            ExprKind::Like { operand, pattern, .. } => {
                for x in [operand, pattern] {
                    let v = self.expr(x);
                    if !v.ty.fits(&Ty::String) {
                        self.out.push(
                            Diagnostic::error(
                                codes::TYPE_MISMATCH,
                                self.span(x.range),
                                format!("`like` matches strings, but this is {}", v.ty),
                            )
                            .with_label(format!("{}", v.ty)),
                        );
                    }
                }
                Val::of(Ty::Bool, false)
            }
            ExprKind::Call { name, args, .. } => self.call(e, name, args),
            ExprKind::Case { operand, whens, otherwise } => {
                let subject = operand.as_ref().map(|o| self.expr(o));
                let mut result = Ty::Null;
                for (cond, value) in whens {
                    let c = self.expr(cond);
                    match &subject {
                        Some(s) if Ty::common(&s.ty, &c.ty).is_none() => self.out.push(
                            Diagnostic::error(
                                codes::TYPE_MISMATCH,
                                self.span(cond.range),
                                format!("cannot compare {} with {}", s.ty, c.ty),
                            )
                            .with_label(format!("{}", c.ty)),
                        ),
                        None if !c.ty.fits(&Ty::Bool) => self.out.push(
                            Diagnostic::error(
                                codes::NOT_BOOLEAN,
                                self.span(cond.range),
                                format!("`when` needs a condition, but this is {}", c.ty),
                            )
                            .with_label(format!("{}", c.ty)),
                        ),
                        _ => {}
                    }
                    result = self.branch(result, value);
                }
                if let Some(x) = otherwise {
                    result = self.branch(result, x);
                }
                Val::of(if result == Ty::Null { Ty::Unknown } else { result }, true)
            }
            ExprKind::Cast { operand, ty } => {
                let v = self.expr(operand);
                let target = Ty::from_syntax(ty, &[]);
                if !v.ty.castable_to(&target) {
                    self.out.push(
                        Diagnostic::error(
                            codes::INVALID_CAST,
                            self.span(e.range),
                            format!("cannot cast {} to {target}", v.ty),
                        )
                        .with_label(format!("{} → {target}", v.ty)),
                    );
                }
                Val::of(target, v.nullable)
            }
            ExprKind::Quantifier(q) => self.quantifier(e, q),
            ExprKind::Error => Val::unknown(),
        }
    }

    fn branch(&mut self, so_far: Ty, value: &Expr) -> Ty {
        let v = self.expr(value);
        Ty::common(&so_far, &v.ty).unwrap_or_else(|| {
            self.out.push(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    self.span(value.range),
                    format!("this `case` gives {so_far} in one branch and {} here", v.ty),
                )
                .with_label(format!("{}", v.ty))
                .with_help("every branch of a `case` must have one type"),
            );
            Ty::Unknown
        })
    }

    fn column(&mut self, parts: &[Name]) -> Val {
        let (qualifier, column) = match parts {
            [c] => (None, c),
            [q, c, ..] => (Some(q), c),
            [] => return Val::unknown(),
        };
        if let Some(q) = qualifier {
            let Some((_, cols)) = self.scope.iter().find(|(n, _)| n.eq_ignore_ascii_case(&q.text)) else {
                let names: Vec<&str> = self.scope.iter().map(|(n, _)| n.as_str()).collect();
                let is_event = self.events.is_some_and(|ev| ev.contains_key(&q.text.to_ascii_lowercase()));
                let help = is_event
                    .then(|| format!("`{}` is an event relation: its columns are seen inside a quantifier, e.g. `any {} where {} = …`", q.text, q.text, column.text))
                    .or_else(|| did_you_mean(&q.text, names.iter().copied()))
                    .unwrap_or_else(|| format!("qualify with one of {}", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")));
                self.out.push(
                    Diagnostic::error(
                        codes::UNKNOWN_TABLE,
                        self.span(q.range),
                        format!("no relation `{}` here", q.text),
                    )
                    .with_label("not in scope")
                    .with_help(help),
                );
                return Val::unknown();
            };
            if let Some(col) = cols.iter().find(|c| c.name.eq_ignore_ascii_case(&column.text)) {
                return Val::of_col(col);
            }
            let help = did_you_mean(&column.text, cols.iter().map(|c| c.name.as_str()));
            self.out.push(
                Diagnostic::error(
                    codes::UNKNOWN_COLUMN,
                    self.span(column.range),
                    format!("unknown column `{}`", column.text),
                )
                .with_label(format!("not a column of `{}`", q.text))
                .with_help_opt(help),
            );
            return Val::unknown();
        }
        for (_, cols) in &self.scope {
            if let Some(col) = cols.iter().find(|c| c.name.eq_ignore_ascii_case(&column.text)) {
                return Val::of_col(col);
            }
        }
        let all: Vec<&str> = self.scope.iter().flat_map(|(_, cols)| cols.iter().map(|c| c.name.as_str())).collect();
        let place = match self.scope.as_slice() {
            [] => "anything in scope".to_string(),
            groups => groups.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(" or "),
        };
        let in_event = self.events.and_then(|events| {
            events.values().find(|(_, cols)| cols.iter().any(|c| c.name.eq_ignore_ascii_case(&column.text)))
        });
        let help = did_you_mean(&column.text, all.iter().copied()).or_else(|| {
            in_event.map(|(name, _)| {
                format!("`{}` is a column of the event relation `{name}`: use it inside a quantifier, e.g. `any {name} where {} = …`", column.text, column.text)
            })
        }).unwrap_or_else(|| {
            if self.scope.is_empty() {
                "nothing is in scope here: parameters are written `$name`".to_string()
            } else {
                format!("check the spelling against the columns (`cjoc describe {}`)", self.scope.first().map_or("NAME", |(n, _)| n.as_str()))
            }
        });
        self.out.push(
            Diagnostic::error(
                codes::UNKNOWN_COLUMN,
                self.span(column.range),
                format!("unknown column `{}`", column.text),
            )
            .with_label(format!("not a column of {place}"))
            .with_help(help),
        );
        Val::unknown()
    }

    fn param(&mut self, name: &Name) -> Val {
        if let Some((_, ty)) = self.params.iter().find(|(n, _)| n.eq_ignore_ascii_case(&name.text)) {
            return Val::of(ty.clone(), false);
        }
        let help = did_you_mean(&name.text, self.params.iter().map(|(n, _)| n.as_str())).unwrap_or_else(|| {
            "the parameters here are the built-in `$run_start`, `$run_end` and `$run_date`".to_string()
        });
        self.out.push(
            Diagnostic::error(
                codes::UNKNOWN_PARAMETER,
                self.span(name.range),
                format!("unknown parameter `${}`", name.text),
            )
            .with_label("not a parameter")
            .with_help(help),
        );
        Val::unknown()
    }

    fn call(&mut self, e: &Expr, name: &Name, args: &[Expr]) -> Val {
        let kind = functions::builtin_kind(&name.text);
        if matches!(kind, Some(FnKind::Aggregate | FnKind::Window)) {
            self.out.push(
                Diagnostic::error(codes::MISPLACED_AGGREGATE, self.span(name.range), format!("`{}` cannot be used in {}", name.text, self.what))
                    .with_label("aggregate")
                    .with_help(if self.events.is_some() {
                        "criteria look at one customer: count events with `count E where … >= n`, or aggregate in a model first"
                    } else {
                        "this condition is checked row by row: aggregate in a model, or use `unique(…)` for duplicates"
                    }),
            );
            for a in args {
                self.expr(a);
            }
            return Val::unknown();
        }
        let vals: Vec<Val> = args.iter().map(|a| self.expr(a)).collect();
        let types: Vec<Ty> = vals.iter().map(|v| v.ty.clone()).collect();
        let (result, signature) = match functions::call_builtin(&name.text, &types) {
            Some(r) => (r, None),
            None => match self.functions.get(&name.text) {
                Some(sig) => (functions::call_declared(sig, &types), Some(sig.display())),
                None => {
                    let help = did_you_mean(&name.text, self.functions.names()).unwrap_or_else(|| {
                        "the functions are the standard library's and the project's `fn`s".to_string()
                    });
                    self.out.push(
                        Diagnostic::error(
                            codes::UNKNOWN_FUNCTION,
                            self.span(name.range),
                            format!("unknown function `{}`", name.text),
                        )
                        .with_label("not a known function")
                        .with_help(help),
                    );
                    return Val::unknown();
                }
            },
        };
        match result {
            Ok(ty) => Val::of(ty, vals.iter().any(|v| v.nullable)),
            Err(err) => {
                let d = match err {
                    CallError::Arity { expected, found } => Diagnostic::error(
                        codes::WRONG_ARGUMENTS,
                        self.span(e.range),
                        format!(
                            "`{}` takes {expected}, but {found} {} given",
                            name.text,
                            if found == 1 { "was" } else { "were" }
                        ),
                    )
                    .with_label(format!("{found} argument{}", if found == 1 { "" } else { "s" })),
                    CallError::Argument { index, expected, found } => {
                        let range = args.get(index).map_or(name.range, |a| a.range);
                        Diagnostic::error(
                            codes::WRONG_ARGUMENTS,
                            self.span(range),
                            format!(
                                "argument {} of `{}` must be {expected}, but this is {found}",
                                index + 1,
                                name.text
                            ),
                        )
                        .with_label(format!("{found}"))
                    }
                };
                self.out.push(d.with_help_opt(signature.map(|s| format!("the signature is `{s}`"))));
                Val::unknown()
            }
        }
    }

    fn quantifier(&mut self, e: &Expr, q: &Quantifier) -> Val {
        let Some(events) = self.events else {
            if self.what == "an event filter" {
                self.out.push(
                    Diagnostic::error(codes::UNKNOWN_EVENT, self.span(e.range), "a quantifier cannot be part of another quantifier's filter")
                        .with_label("read as part of the `where` before it")
                        .with_help("a quantifier's `where` extends as far as it can: put the first quantifier in parentheses, `(any a where …) and any b where …`"),
                );
                return Val::of(Ty::Bool, false);
            }
            self.out.push(
                Diagnostic::error(
                    codes::UNKNOWN_EVENT,
                    self.span(e.range),
                    format!("event quantifiers (`any`, `count`) cannot be used in {}", self.what),
                )
                .with_label("only in journey criteria")
                .with_help(
                    "quantifiers look at a customer's events inside a journey; elsewhere, join the events in a model",
                ),
            );
            return Val::of(Ty::Bool, false);
        };
        let key = q.events.text.to_ascii_lowercase();
        match events.get(&key) {
            Some((name, cols)) => {
                let mut scope = vec![(name.clone(), cols.as_slice())];
                scope.extend(self.scope.iter().map(|(n, c)| (n.clone(), *c)));
                let mut inner = ExprCx {
                    file: self.file,
                    functions: self.functions,
                    scope,
                    params: self.params,
                    events: None,
                    what: "an event filter",
                    out: &mut *self.out,
                };
                if let Some(filter) = &q.filter {
                    inner.condition(filter);
                }
            }
            None => {
                let names: Vec<&str> = events.values().map(|(n, _)| n.as_str()).collect();
                let help = did_you_mean(&q.events.text, names.iter().copied()).unwrap_or_else(|| {
                    if names.is_empty() {
                        format!("list it in the journey's events: `events = [{}]`", q.events.text)
                    } else {
                        format!(
                            "the journey's events are {}; add it to `events = […]` to use it",
                            names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                        )
                    }
                });
                self.out.push(
                    Diagnostic::error(
                        codes::UNKNOWN_EVENT,
                        self.span(q.events.range),
                        format!("`{}` is not one of the journey's events", q.events.text),
                    )
                    .with_label("not in `events`")
                    .with_help(help),
                );
            }
        }
        if let QuantifierKind::Count { value, .. } = &q.kind {
            let v = self.expr(value);
            if !v.ty.fits(&Ty::Int) {
                self.out.push(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        self.span(value.range),
                        format!("an event count is compared with an int, not {}", v.ty),
                    )
                    .with_label(format!("{}", v.ty)),
                );
            }
        }
        Val::of(Ty::Bool, false)
    }
}

fn binary_op(op: BinaryOp) -> Op {
    match op {
        BinaryOp::Or => Op::Or,
        BinaryOp::And => Op::And,
        BinaryOp::Eq => Op::Equality("="),
        BinaryOp::NotEq => Op::Equality("!="),
        BinaryOp::Lt => Op::Ordering("<"),
        BinaryOp::Le => Op::Ordering("<="),
        BinaryOp::Gt => Op::Ordering(">"),
        BinaryOp::Ge => Op::Ordering(">="),
        BinaryOp::Add => Op::Add,
        BinaryOp::Sub => Op::Sub,
        BinaryOp::Mul => Op::Mul,
        BinaryOp::Div => Op::Div,
        BinaryOp::Mod => Op::Mod,
        BinaryOp::Concat => Op::Concat,
    }
}
