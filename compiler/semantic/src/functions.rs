//! Functions callable from SQL bodies and criteria: SQL's aggregates and
//! window functions (built in), and every `fn` of the standard library and
//! the project (by their declared signatures).

use std::collections::BTreeMap;

use cjo_diagnostics::Span;
use cjo_syntax::ast;

use crate::ops;
use crate::ty::{QUOTIENT, Ty};

/// What a function does with rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FnKind {
    Scalar,
    /// Folds the rows of a group (`sum`); with `over (…)`, a window function.
    Aggregate,
    /// Only valid with `over (…)` (`row_number`).
    Window,
}

/// A declared `fn`'s signature.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    pub name: String,
    pub type_params: Vec<String>,
    pub params: Vec<(String, Ty)>,
    /// The last parameter takes one or more values.
    pub variadic: bool,
    pub ret: Ty,
    pub doc: Option<String>,
    pub span: Span,
}

impl Signature {
    pub fn from_ast(f: &ast::Function, span: Span) -> Signature {
        let type_params: Vec<&str> = f.type_params.iter().map(|p| p.text.as_str()).collect();
        Signature {
            name: f.name.text.clone(),
            type_params: f.type_params.iter().map(|p| p.text.clone()).collect(),
            params: f.params.iter().map(|p| (p.name.text.clone(), Ty::from_syntax(&p.ty, &type_params))).collect(),
            variadic: f.params.last().is_some_and(|p| p.variadic),
            ret: Ty::from_syntax(&f.ret, &type_params),
            doc: f.doc.as_ref().map(|d| d.text.clone()),
            span,
        }
    }

    /// `add_days(t: timestamp, n: int) -> timestamp`.
    pub fn display(&self) -> String {
        let name = |t: &Ty| {
            let mut s = t.to_string();
            for (i, p) in self.type_params.iter().enumerate() {
                s = s.replace(&format!("T{i}"), p);
            }
            s
        };
        let params: Vec<String> = self
            .params
            .iter()
            .enumerate()
            .map(|(i, (n, t))| {
                let dots = if self.variadic && i + 1 == self.params.len() { "..." } else { "" };
                format!("{n}: {}{dots}", name(t))
            })
            .collect();
        let generics =
            if self.type_params.is_empty() { String::new() } else { format!("<{}>", self.type_params.join(", ")) };
        format!("{}{generics}({}) -> {}", self.name, params.join(", "), name(&self.ret))
    }
}

/// Why a call does not fit its function.
#[derive(Clone, Debug, PartialEq)]
pub enum CallError {
    /// The number of arguments: what the function takes, in words.
    Arity { expected: String, found: usize },
    /// Argument `index` (0-based) has the wrong type.
    Argument { index: usize, expected: String, found: Ty },
}

/// Every function in scope, by lowercase name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Functions {
    declared: BTreeMap<String, Signature>,
}

impl Functions {
    pub fn insert(&mut self, signature: Signature) {
        self.declared.insert(signature.name.to_ascii_lowercase(), signature);
    }

    pub fn get(&self, name: &str) -> Option<&Signature> {
        self.declared.get(&name.to_ascii_lowercase())
    }

    /// Every declared function (not SQL's own), by name.
    pub fn all(&self) -> impl Iterator<Item = &Signature> {
        self.declared.values()
    }

    /// Every name a call could mean, for "did you mean".
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.declared.values().map(|s| s.name.as_str()).chain(BUILTINS.iter().map(|(n, _)| *n))
    }
}

/// SQL's own functions: aggregates, window functions and the few scalar
/// ones every warehouse spells alike.
const BUILTINS: &[(&str, FnKind)] = &[
    ("count", FnKind::Aggregate),
    ("sum", FnKind::Aggregate),
    ("avg", FnKind::Aggregate),
    ("min", FnKind::Aggregate),
    ("max", FnKind::Aggregate),
    ("any_value", FnKind::Aggregate),
    ("array_agg", FnKind::Aggregate),
    ("stddev", FnKind::Aggregate),
    ("stddev_samp", FnKind::Aggregate),
    ("stddev_pop", FnKind::Aggregate),
    ("variance", FnKind::Aggregate),
    ("var_samp", FnKind::Aggregate),
    ("var_pop", FnKind::Aggregate),
    ("corr", FnKind::Aggregate),
    ("covar_samp", FnKind::Aggregate),
    ("covar_pop", FnKind::Aggregate),
    ("bool_and", FnKind::Aggregate),
    // `grouping(k)`: 1 on the rows `rollup`, `cube` or `grouping sets`
    // add, where the key `k` is rolled up, else 0. Computed with the
    // aggregates (so its argument is a key, not an aggregated value).
    ("grouping", FnKind::Aggregate),
    ("bool_or", FnKind::Aggregate),
    ("row_number", FnKind::Window),
    ("rank", FnKind::Window),
    ("dense_rank", FnKind::Window),
    ("percent_rank", FnKind::Window),
    ("cume_dist", FnKind::Window),
    ("ntile", FnKind::Window),
    ("lag", FnKind::Window),
    ("lead", FnKind::Window),
    ("first_value", FnKind::Window),
    ("last_value", FnKind::Window),
    ("nth_value", FnKind::Window),
    ("current_date", FnKind::Scalar),
    ("current_timestamp", FnKind::Scalar),
];

/// Functions whose result is never null, whatever their arguments.
const NEVER_NULL: &[&str] = &[
    "count",
    "grouping",
    "row_number",
    "rank",
    "dense_rank",
    "ntile",
    "percent_rank",
    "cume_dist",
    "current_date",
    "current_timestamp",
];

/// Functions that may give null for arguments that are not null: what
/// their documentation says they do (`nullif`, the `safe_` functions, a
/// missing JSON key, BigQuery's `date_trunc` of an unknown unit, an array
/// whose elements may be null), or what SQL defines (`nth_value` past the
/// frame's end, the sample deviation of one row).
const MAY_GIVE_NULL: &[&str] = &[
    "nullif",
    "safe_divide",
    "safe_cast_int",
    "safe_cast_float",
    "safe_cast_date",
    "json_extract_path_text",
    "date_trunc",
    "array_contains",
    "nth_value",
    "stddev",
    "stddev_samp",
    "variance",
    "var_samp",
    // Of one row, or of values that do not vary.
    "corr",
    "covar_samp",
];

/// Whether a call of `name` is never null.
pub fn never_null(name: &str) -> bool {
    NEVER_NULL.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Whether a call of `name` may be null though its arguments are not.
pub fn may_give_null(name: &str) -> bool {
    MAY_GIVE_NULL.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// The kind of a built-in function, if `name` is one.
pub fn builtin_kind(name: &str) -> Option<FnKind> {
    BUILTINS.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, k)| *k)
}

/// Types a call of a built-in. `args` are the argument types (`count(*)`
/// has none). `None` when `name` is not built in.
pub fn call_builtin(name: &str, args: &[Ty]) -> Option<Result<Ty, CallError>> {
    let name = name.to_ascii_lowercase();
    let arity = |lo: usize, hi: usize, words: &str| {
        if (lo..=hi).contains(&args.len()) {
            Ok(())
        } else {
            Err(CallError::Arity { expected: words.to_string(), found: args.len() })
        }
    };
    let want = |index: usize, ok: bool, expected: &str| {
        if ok {
            Ok(())
        } else {
            Err(CallError::Argument {
                index,
                expected: expected.to_string(),
                found: args.get(index).cloned().unwrap_or(Ty::Unknown),
            })
        }
    };
    let first = args.first().cloned().unwrap_or(Ty::Unknown);
    let numeric = first.is_numeric() || first.is_open();
    let result = match name.as_str() {
        "count" => arity(0, 1, "one argument, or `*`").map(|()| Ty::Int),
        // BigQuery's takes one key; Trino's and Redshift's more.
        "grouping" => arity(1, 1, "one group key").map(|()| Ty::Int),
        "sum" => arity(1, 1, "one argument")
            .and_then(|()| want(0, numeric, "a number"))
            .map(|()| if let Ty::Decimal { scale, .. } = first { Ty::Decimal { precision: 38, scale } } else { first }),
        // As `sum(x) / count(x)`: a decimal quotient for decimals (the
        // warehouses' own averages have three different scales), else a
        // float (Redshift's average of ints is an int).
        "avg" => arity(1, 1, "one argument")
            .and_then(|()| want(0, numeric, "a number"))
            .map(|()| if matches!(first, Ty::Decimal { .. }) { QUOTIENT } else { Ty::Float }),
        // BigQuery, Redshift and Trino spell these alike and all give a
        // float, whatever the argument (NULL for one row, for the samples).
        "stddev" | "stddev_samp" | "stddev_pop" | "variance" | "var_samp" | "var_pop" => {
            arity(1, 1, "one argument").and_then(|()| want(0, numeric, "a number")).map(|()| Ty::Float)
        }
        // BigQuery and Trino spell these alike; Redshift has none (E0600).
        "corr" | "covar_samp" | "covar_pop" => arity(2, 2, "two arguments (y, x)")
            .and_then(|()| want(0, numeric, "a number"))
            .and_then(|()| want(1, args.get(1).is_some_and(|t| t.is_numeric() || t.is_open()), "a number"))
            .map(|()| Ty::Float),
        "min" | "max" => arity(1, 1, "one argument")
            .and_then(|()| want(0, first.is_orderable(), "a value that can be ordered"))
            .map(|()| first),
        "any_value" | "first_value" | "last_value" => arity(1, 1, "one argument").map(|()| first),
        "nth_value" => arity(2, 2, "two arguments")
            .and_then(|()| want(1, args.get(1).is_some_and(|t| t.fits(&Ty::Int)), "an int"))
            .map(|()| first),
        "array_agg" => arity(1, 1, "one argument").map(|()| Ty::Array(Box::new(first))),
        "bool_and" | "bool_or" => {
            arity(1, 1, "one argument").and_then(|()| want(0, first.fits(&Ty::Bool), "a bool")).map(|()| Ty::Bool)
        }
        "row_number" | "rank" | "dense_rank" => arity(0, 0, "no arguments").map(|()| Ty::Int),
        "percent_rank" | "cume_dist" => arity(0, 0, "no arguments").map(|()| Ty::Float),
        "ntile" => arity(1, 1, "one argument").and_then(|()| want(0, first.fits(&Ty::Int), "an int")).map(|()| Ty::Int),
        "lag" | "lead" => arity(1, 3, "one to three arguments (value, offset, default)")
            .and_then(|()| want(1, args.get(1).is_none_or(|t| t.fits(&Ty::Int)), "an int offset"))
            .and_then(|()| {
                let default_fits = args.get(2).is_none_or(|t| Ty::common(&first, t).is_some());
                want(2, default_fits, &format!("a default of the value's type ({first})"))
            })
            .map(|()| first),
        "current_date" => arity(0, 0, "no arguments").map(|()| Ty::Date),
        "current_timestamp" => arity(0, 0, "no arguments").map(|()| Ty::Timestamp),
        _ => return None,
    };
    Some(result)
}

/// Declared functions whose type parameter stands for a number: `abs`,
/// `round`, `floor` and `ceil` give the type of their argument (an int, a
/// decimal, a float), which must be a number.
const NUMERIC_TYPE_PARAMETER: &[&str] = &["abs", "round", "floor", "ceil"];

/// Declared functions typed as their arguments' quotient `a / b` (see
/// [`ops::quotient`]) rather than by their declared result.
const QUOTIENT_OF_ARGUMENTS: &[&str] = &["safe_divide"];

/// Whether `name` is typed as the quotient of its two arguments.
pub fn is_quotient(name: &str) -> bool {
    QUOTIENT_OF_ARGUMENTS.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Types a call of a declared `fn`: binds its type parameters to the
/// common type of the arguments in their places.
pub fn call_declared(sig: &Signature, args: &[Ty]) -> Result<Ty, CallError> {
    let ty = call_declared_as_written(sig, args)?;
    if NUMERIC_TYPE_PARAMETER.iter().any(|n| n.eq_ignore_ascii_case(&sig.name)) && !(ty.is_numeric() || ty.is_open()) {
        let found = args.first().cloned().unwrap_or(Ty::Unknown);
        return Err(CallError::Argument { index: 0, expected: "a number".to_string(), found });
    }
    if is_quotient(&sig.name)
        && let [a, b] = args
        && a.is_numeric()
        && b.is_numeric()
    {
        return Ok(ops::quotient(a, b));
    }
    Ok(ty)
}

/// Declared functions whose last argument may be left out, and the SQL
/// it then stands for, a template over the other parameters: `round(x)` is
/// `round(x, 0)`, as each warehouse's one-argument `ROUND` is, and
/// `substr(s, start)` takes the rest of the string, no longer than `s`
/// (each warehouse's two-argument form does, for the start >= 1 the
/// function asks for; Redshift's is for binary strings only).
const OMITTABLE_LAST: &[(&str, &str)] = &[("round", "0"), ("substr", "LENGTH({s})")];

/// The SQL of `name`'s last argument when a call leaves it out, if it may.
pub fn omitted_last(name: &str) -> Option<&'static str> {
    OMITTABLE_LAST.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, sql)| *sql)
}

/// [`call_declared`] by the signature alone.
fn call_declared_as_written(sig: &Signature, args: &[Ty]) -> Result<Ty, CallError> {
    if !sig.variadic
        && args.len() + 1 == sig.params.len()
        && omitted_last(&sig.name).is_some()
        && let Some((_, last)) = sig.params.last()
    {
        let mut all = args.to_vec();
        all.push(last.clone());
        return call_declared_as_written_in_full(sig, &all);
    }
    call_declared_as_written_in_full(sig, args)
}

/// [`call_declared_as_written`] with every argument given.
fn call_declared_as_written_in_full(sig: &Signature, args: &[Ty]) -> Result<Ty, CallError> {
    let fixed = if sig.variadic { sig.params.len().saturating_sub(1) } else { sig.params.len() };
    let arity_ok = if sig.variadic { args.len() > fixed } else { args.len() == fixed };
    if !arity_ok {
        let expected = match (sig.variadic, sig.params.len()) {
            (true, n) => format!("at least {n} argument{}", if n == 1 { "" } else { "s" }),
            (false, 0) => "no arguments".to_string(),
            (false, 1) => "one argument".to_string(),
            (false, n) => format!("{n} arguments"),
        };
        return Err(CallError::Arity { expected, found: args.len() });
    }
    let param_of = |i: usize| sig.params.get(i.min(sig.params.len().saturating_sub(1))).map(|(_, t)| t);
    let mut bindings: BTreeMap<u8, Ty> = BTreeMap::new();
    for (i, arg) in args.iter().enumerate() {
        let Some(param) = param_of(i) else { continue };
        if let Some(var) = type_var(param) {
            let bound = bindings.entry(var).or_insert(Ty::Null);
            let actual = element_for(param, arg);
            match actual.and_then(|a| Ty::common(bound, &a)) {
                Some(common) => *bound = common,
                None => {
                    return Err(CallError::Argument {
                        index: i,
                        expected: describe(param, &bindings),
                        found: arg.clone(),
                    });
                }
            }
        } else if !arg.fits(param) {
            return Err(CallError::Argument { index: i, expected: param.to_string(), found: arg.clone() });
        }
    }
    Ok(substitute(&sig.ret, &bindings))
}

/// The type variable a parameter type mentions (`T`, `array<T>`).
fn type_var(ty: &Ty) -> Option<u8> {
    match ty {
        Ty::Var(i) => Some(*i),
        Ty::Array(element) => type_var(element),
        _ => None,
    }
}

/// What an argument binds a parameter's variable to: for `array<T>`, the
/// element type of an array argument.
fn element_for(param: &Ty, arg: &Ty) -> Option<Ty> {
    match (param, arg) {
        (Ty::Var(_), a) => Some(a.clone()),
        (Ty::Array(p), Ty::Array(a)) => element_for(p, a),
        (Ty::Array(_), a) if a.is_open() => Some(Ty::Unknown),
        _ => None,
    }
}

fn substitute(ty: &Ty, bindings: &BTreeMap<u8, Ty>) -> Ty {
    match ty {
        Ty::Var(i) => match bindings.get(i) {
            Some(Ty::Null) | None => Ty::Unknown,
            Some(t) => t.clone(),
        },
        Ty::Array(element) => Ty::Array(Box::new(substitute(element, bindings))),
        other => other.clone(),
    }
}

fn describe(param: &Ty, bindings: &BTreeMap<u8, Ty>) -> String {
    match param {
        Ty::Var(i) => match bindings.get(i) {
            Some(t) if !t.is_open() => format!("{t}, like the arguments before it"),
            _ => "a value".to_string(),
        },
        Ty::Array(_) => "an array".to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cjo_diagnostics::{FileId, TextRange};

    fn sig(params: Vec<Ty>, variadic: bool, ret: Ty) -> Signature {
        Signature {
            name: "f".into(),
            type_params: vec!["T".into()],
            params: params.into_iter().enumerate().map(|(i, t)| (format!("p{i}"), t)).collect(),
            variadic,
            ret,
            doc: None,
            span: Span::new(FileId(0), TextRange::empty(0)),
        }
    }

    #[test]
    fn generic_arguments_widen_together() {
        let coalesce = sig(vec![Ty::Var(0), Ty::Var(0)], true, Ty::Var(0));
        assert_eq!(call_declared(&coalesce, &[Ty::Int, Ty::Float, Ty::Null]), Ok(Ty::Float));
        assert!(matches!(call_declared(&coalesce, &[Ty::Int, Ty::String]), Err(CallError::Argument { index: 1, .. })));
        assert!(matches!(call_declared(&coalesce, &[Ty::Int]), Err(CallError::Arity { .. })));
    }

    #[test]
    fn array_element_binds_the_variable() {
        let contains = sig(vec![Ty::Array(Box::new(Ty::Var(0))), Ty::Var(0)], false, Ty::Bool);
        assert_eq!(call_declared(&contains, &[Ty::Array(Box::new(Ty::String)), Ty::String]), Ok(Ty::Bool));
        assert!(call_declared(&contains, &[Ty::Array(Box::new(Ty::String)), Ty::Int]).is_err());
        assert!(call_declared(&contains, &[Ty::String, Ty::String]).is_err());
    }

    #[test]
    fn numbers_keep_their_type_through_rounding_and_division() {
        let mut round = sig(vec![Ty::Var(0), Ty::Int], false, Ty::Var(0));
        round.name = "round".into();
        let dec = Ty::Decimal { precision: 15, scale: 2 };
        assert_eq!(call_declared(&round, &[dec.clone(), Ty::Int]), Ok(dec.clone()));
        assert_eq!(call_declared(&round, &[Ty::Int, Ty::Int]), Ok(Ty::Int));
        assert!(matches!(call_declared(&round, &[Ty::String, Ty::Int]), Err(CallError::Argument { index: 0, .. })));
        assert_eq!(call_declared(&round, std::slice::from_ref(&dec)), Ok(dec.clone()));
        assert!(matches!(call_declared(&round, &[]), Err(CallError::Arity { .. })));
        let mut divide = sig(vec![Ty::Float, Ty::Float], false, Ty::Float);
        divide.name = "safe_divide".into();
        assert_eq!(call_declared(&divide, &[dec.clone(), Ty::Int]), Ok(QUOTIENT));
        assert_eq!(call_declared(&divide, &[Ty::Int, Ty::Int]), Ok(Ty::Float));
        assert_eq!(call_builtin("avg", &[dec]), Some(Ok(QUOTIENT)));
    }

    #[test]
    fn builtins() {
        assert_eq!(call_builtin("SUM", &[Ty::Int]), Some(Ok(Ty::Int)));
        assert_eq!(call_builtin("avg", &[Ty::Int]), Some(Ok(Ty::Float)));
        assert!(matches!(call_builtin("sum", &[Ty::String]), Some(Err(_))));
        assert_eq!(call_builtin("corr", &[Ty::Int, Ty::Float]), Some(Ok(Ty::Float)));
        assert!(matches!(call_builtin("covar_pop", &[Ty::Int]), Some(Err(CallError::Arity { .. }))));
        assert!(matches!(call_builtin("covar_samp", &[Ty::Int, Ty::String]), Some(Err(_))));
        assert_eq!(call_builtin("nope", &[]), None);
    }
}
