//! The warehouses' own functions, for bodies written in one dialect
//! (`sql bigquery { … }`): such a body is sent as written, so a call means
//! the warehouse's function of that name, whose signature comes before the
//! standard library's (BigQuery's `DATE_TRUNC(d, MONTH)` is not cjo's
//! `date_trunc('month', t)`). One table per warehouse, one row per
//! overload; a function not listed is typed as unknown.

use cjo_project::Dialect;

use crate::functions::FnKind;
use crate::ty::Ty;

/// An argument as the tables see it.
#[derive(Clone, Debug)]
pub(crate) struct Arg {
    pub ty: Ty,
    /// A date part written as a bare word (`MONTH`, `day`), not a value.
    pub part: bool,
}

/// The type, kind and nullability of a call the tables know.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Typed {
    pub ty: Ty,
    pub kind: FnKind,
    pub null: Null,
}

/// Whether a call may be null.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Null {
    /// When an argument is.
    Args,
    /// Never (`COUNTIF`, `CURRENT_DATE`).
    Never,
    /// Even for arguments that are not (`SAFE_DIVIDE`, `REGEXP_EXTRACT`).
    May,
    /// When every argument is (`NVL`).
    AllArgs,
}

/// What an argument must be.
#[derive(Clone, Copy, Debug)]
enum P {
    /// A date part: a bare word, or a string (`'day'`).
    Part,
    Int,
    /// Any number.
    Num,
    Str,
    Bool,
    Date,
    Ts,
    /// A date or a timestamp.
    Temporal,
    Interval,
    Json,
    Array,
    Any,
}

/// The cjo types a warehouse function gives.
#[derive(Clone, Copy, Debug)]
enum S {
    Bool,
    Int,
    Float,
    Str,
    Bytes,
    Date,
    Ts,
    Json,
}

/// What a call gives.
#[derive(Clone, Copy, Debug)]
enum R {
    Is(S),
    /// The type of argument `i`.
    Same(usize),
    /// The common type of the arguments from `i` on.
    Common(usize),
    ArrayOf(S),
    /// Computed from the arguments' types.
    With(fn(&[Ty]) -> Ty),
}

/// One overload of a warehouse function.
#[derive(Clone, Copy, Debug)]
struct Native {
    name: &'static str,
    params: &'static [P],
    /// How many of the last parameters may be left out.
    optional: usize,
    /// The last parameter takes any number of values.
    variadic: bool,
    ret: R,
    kind: FnKind,
    null: Null,
}

const fn f(name: &'static str, params: &'static [P], ret: R) -> Native {
    Native { name, params, optional: 0, variadic: false, ret, kind: FnKind::Scalar, null: Null::Args }
}

impl Native {
    const fn opt(mut self, n: usize) -> Self {
        self.optional = n;
        self
    }
    const fn variadic(mut self) -> Self {
        self.variadic = true;
        self
    }
    const fn agg(mut self) -> Self {
        self.kind = FnKind::Aggregate;
        self
    }
    const fn window(mut self) -> Self {
        self.kind = FnKind::Window;
        self
    }
    const fn never_null(mut self) -> Self {
        self.null = Null::Never;
        self
    }
    const fn may_be_null(mut self) -> Self {
        self.null = Null::May;
        self
    }
    const fn null_when_all(mut self) -> Self {
        self.null = Null::AllArgs;
        self
    }
}

use P::{Any, Array, Bool, Date, Int, Interval, Json, Num, Part, Str, Temporal, Ts};

/// BigQuery's functions (GoogleSQL), as its function reference has them.
/// `DATETIME`s are cjo timestamps.
const BIGQUERY: &[Native] = &[
    f("date_trunc", &[Date, Part], R::Is(S::Date)),
    f("date_trunc", &[Ts, Part, Str], R::Is(S::Ts)).opt(1),
    f("timestamp_trunc", &[Ts, Part, Str], R::Is(S::Ts)).opt(1),
    f("datetime_trunc", &[Ts, Part], R::Is(S::Ts)),
    f("date_add", &[Date, Interval], R::Is(S::Date)),
    f("date_sub", &[Date, Interval], R::Is(S::Date)),
    f("timestamp_add", &[Ts, Interval], R::Is(S::Ts)),
    f("timestamp_sub", &[Ts, Interval], R::Is(S::Ts)),
    f("datetime_add", &[Ts, Interval], R::Is(S::Ts)),
    f("datetime_sub", &[Ts, Interval], R::Is(S::Ts)),
    f("date_diff", &[Temporal, Temporal, Part], R::Is(S::Int)),
    f("timestamp_diff", &[Ts, Ts, Part], R::Is(S::Int)),
    f("datetime_diff", &[Ts, Ts, Part], R::Is(S::Int)),
    f("format_date", &[Str, Date], R::Is(S::Str)),
    f("format_timestamp", &[Str, Ts, Str], R::Is(S::Str)).opt(1),
    f("format_datetime", &[Str, Ts], R::Is(S::Str)),
    f("parse_date", &[Str, Str], R::Is(S::Date)),
    f("parse_timestamp", &[Str, Str, Str], R::Is(S::Ts)).opt(1),
    f("parse_datetime", &[Str, Str], R::Is(S::Ts)),
    f("date", &[Int, Int, Int], R::Is(S::Date)),
    f("date", &[Any, Str], R::Is(S::Date)).opt(1),
    f("timestamp", &[Any, Str], R::Is(S::Ts)).opt(1),
    f("datetime", &[Any, Any, Any, Any, Any, Any], R::Is(S::Ts)).opt(5),
    f("current_date", &[Str], R::Is(S::Date)).opt(1).never_null(),
    f("current_timestamp", &[], R::Is(S::Ts)).never_null(),
    f("current_datetime", &[Str], R::Is(S::Ts)).opt(1).never_null(),
    f("last_day", &[Date, Part], R::Is(S::Date)).opt(1),
    f("unix_date", &[Date], R::Is(S::Int)),
    f("unix_seconds", &[Ts], R::Is(S::Int)),
    f("unix_millis", &[Ts], R::Is(S::Int)),
    f("unix_micros", &[Ts], R::Is(S::Int)),
    f("date_from_unix_date", &[Int], R::Is(S::Date)),
    f("timestamp_seconds", &[Int], R::Is(S::Ts)),
    f("timestamp_millis", &[Int], R::Is(S::Ts)),
    f("timestamp_micros", &[Int], R::Is(S::Ts)),
    f("generate_date_array", &[Date, Date, Interval], R::ArrayOf(S::Date)).opt(1),
    f("generate_timestamp_array", &[Ts, Ts, Interval], R::ArrayOf(S::Ts)),
    f("generate_array", &[Num, Num, Num], R::With(array_of_common)).opt(1),
    // `ROUND`, `FLOOR`, `CEIL`, `TRUNC` of an INT64 are FLOAT64s.
    f("round", &[Int, Int], R::Is(S::Float)).opt(1),
    f("round", &[Num, Int], R::Same(0)).opt(1),
    f("floor", &[Int], R::Is(S::Float)),
    f("floor", &[Num], R::Same(0)),
    f("ceil", &[Int], R::Is(S::Float)),
    f("ceil", &[Num], R::Same(0)),
    f("trunc", &[Int, Int], R::Is(S::Float)).opt(1),
    f("trunc", &[Num, Int], R::Same(0)).opt(1),
    f("safe_divide", &[Num, Num], R::With(quotient_bigquery)).may_be_null(),
    f("ieee_divide", &[Num, Num], R::Is(S::Float)),
    f("div", &[Int, Int], R::Is(S::Int)),
    f("countif", &[Bool], R::Is(S::Int)).agg().never_null(),
    f("logical_and", &[Bool], R::Is(S::Bool)).agg(),
    f("logical_or", &[Bool], R::Is(S::Bool)).agg(),
    f("string_agg", &[Str, Str], R::Is(S::Str)).opt(1).agg(),
    f("approx_count_distinct", &[Any], R::Is(S::Int)).agg().never_null(),
    f("approx_quantiles", &[Any, Int], R::With(array_of_first)).agg(),
    f("max_by", &[Any, Any], R::Same(0)).agg(),
    f("min_by", &[Any, Any], R::Same(0)).agg(),
    // Window functions only (`OVER (PARTITION BY …)`): the continuous
    // percentile of an INT64 or a FLOAT64 is a FLOAT64, the discrete one a
    // value of the column.
    f("percentile_cont", &[Num, Num], R::With(percentile_bigquery)).window(),
    f("percentile_disc", &[Any, Num], R::Same(0)).window(),
    f("format", &[Str, Any], R::Is(S::Str)).opt(1).variadic(),
    f("split", &[Str, Str], R::ArrayOf(S::Str)).opt(1),
    f("regexp_extract", &[Str, Str], R::Is(S::Str)).may_be_null(),
    f("regexp_replace", &[Str, Str, Str], R::Is(S::Str)),
    f("ends_with", &[Str, Str], R::Is(S::Bool)),
    f("to_json_string", &[Any], R::Is(S::Str)),
    f("json_value", &[Any, Str], R::Is(S::Str)).opt(1).may_be_null(),
    f("json_extract_scalar", &[Any, Str], R::Is(S::Str)).opt(1).may_be_null(),
    f("parse_json", &[Str], R::Is(S::Json)),
    f("farm_fingerprint", &[Str], R::Is(S::Int)),
    f("to_hex", &[Any], R::Is(S::Str)),
    f("md5", &[Str], R::Is(S::Bytes)),
];

/// Redshift's functions, as its SQL reference has them. Its date and time
/// functions give timestamps, also for a date.
const REDSHIFT: &[Native] = &[
    f("dateadd", &[Part, Int, Temporal], R::Is(S::Ts)),
    f("date_add", &[Part, Int, Temporal], R::Is(S::Ts)),
    f("datediff", &[Part, Temporal, Temporal], R::Is(S::Int)),
    f("date_diff", &[Part, Temporal, Temporal], R::Is(S::Int)),
    f("date_trunc", &[Part, Temporal], R::Is(S::Ts)),
    f("date_part", &[Part, Temporal], R::Is(S::Float)),
    f("trunc", &[Ts], R::Is(S::Date)),
    f("trunc", &[Num, Int], R::Same(0)).opt(1),
    f("to_char", &[Any, Str], R::Is(S::Str)),
    f("to_date", &[Str, Str], R::Is(S::Date)),
    f("to_timestamp", &[Str, Str], R::Is(S::Ts)),
    f("getdate", &[], R::Is(S::Ts)).never_null(),
    f("convert_timezone", &[Str, Str, Ts], R::Is(S::Ts)).opt(1),
    f("last_day", &[Temporal], R::Is(S::Date)),
    f("add_months", &[Temporal, Int], R::Is(S::Ts)),
    f("months_between", &[Temporal, Temporal], R::Is(S::Float)),
    f("nvl", &[Any, Any], R::Common(0)).variadic().null_when_all(),
    f("nvl2", &[Any, Any, Any], R::Common(1)),
    f("listagg", &[Str, Str], R::Is(S::Str)).opt(1).agg(),
    // `PERCENTILE_DISC(p) WITHIN GROUP (ORDER BY k)`: a value of `k`, the
    // key typed as a last argument (see [`WITHIN_GROUP_KEY`]).
    f("percentile_disc", &[Num, Any], R::Same(1)).agg(),
    f("percentile_cont", &[Num, Temporal], R::Same(1)).agg(),
    f("percentile_cont", &[Num, Num], R::With(percentile_redshift)).agg(),
    f("len", &[Str], R::Is(S::Int)),
    f("charindex", &[Str, Str], R::Is(S::Int)),
    f("strtol", &[Str, Int], R::Is(S::Int)),
    // The average of ints is an int; of a DECIMAL(p, s) a DECIMAL(38, s).
    f("avg", &[Num], R::With(average_redshift)).agg(),
];

/// Trino's functions, as its documentation has them. Units are strings.
const TRINO: &[Native] = &[
    f("date_trunc", &[Str, Temporal], R::Same(1)),
    f("date_add", &[Str, Int, Temporal], R::Same(2)),
    f("date_diff", &[Str, Temporal, Temporal], R::Is(S::Int)),
    f("date_format", &[Temporal, Str], R::Is(S::Str)),
    f("format_datetime", &[Temporal, Str], R::Is(S::Str)),
    f("date_parse", &[Str, Str], R::Is(S::Ts)),
    f("from_iso8601_timestamp", &[Str], R::Is(S::Ts)),
    f("from_iso8601_date", &[Str], R::Is(S::Date)),
    f("to_iso8601", &[Temporal], R::Is(S::Str)),
    f("from_unixtime", &[Num, Str], R::Is(S::Ts)).opt(1),
    f("to_unixtime", &[Ts], R::Is(S::Float)),
    f("now", &[], R::Is(S::Ts)).never_null(),
    f("last_day_of_month", &[Temporal], R::Is(S::Date)),
    f("day_of_week", &[Temporal], R::Is(S::Int)),
    f("day_of_year", &[Temporal], R::Is(S::Int)),
    f("week", &[Temporal], R::Is(S::Int)),
    f("quarter", &[Temporal], R::Is(S::Int)),
    f("count_if", &[Bool], R::Is(S::Int)).agg().never_null(),
    f("approx_distinct", &[Any], R::Is(S::Int)).agg().never_null(),
    f("approx_percentile", &[Num, Num], R::Same(0)).agg(),
    f("max_by", &[Any, Any], R::Same(0)).agg(),
    f("min_by", &[Any, Any], R::Same(0)).agg(),
    f("arbitrary", &[Any], R::Same(0)).agg(),
    f("cardinality", &[Array], R::Is(S::Int)),
    f("json_extract_scalar", &[Any, Str], R::Is(S::Str)).may_be_null(),
    f("json_format", &[Json], R::Is(S::Str)),
    f("json_parse", &[Str], R::Is(S::Json)),
    f("regexp_extract", &[Str, Str, Int], R::Is(S::Str)).opt(1).may_be_null(),
    f("split", &[Str, Str], R::ArrayOf(S::Str)),
    f("try", &[Any], R::Same(0)).may_be_null(),
    // The average of a decimal(p, s) is a decimal(p, s).
    f("avg", &[Num], R::With(average_trino)).agg(),
];

/// Functions whose `within group (order by k)` key is typed as one more
/// argument after the written ones: a percentile is a value of the key.
const WITHIN_GROUP_KEY: &[&str] = &["percentile_cont", "percentile_disc"];

/// Whether `name`'s `within group (order by k)` key is typed as its last
/// argument.
pub(crate) fn within_group_key(name: &str) -> bool {
    WITHIN_GROUP_KEY.iter().any(|n| n.eq_ignore_ascii_case(name))
}

fn table(dialect: Dialect) -> &'static [Native] {
    match dialect {
        Dialect::BigQuery => BIGQUERY,
        Dialect::Redshift => REDSHIFT,
        Dialect::Trino => TRINO,
    }
}

/// The kind of `name` in `dialect`'s own functions, if it has one.
pub(crate) fn kind(dialect: Dialect, name: &str) -> Option<FnKind> {
    table(dialect).iter().find(|n| n.name.eq_ignore_ascii_case(name)).map(|n| n.kind)
}

/// Types a call of `name` with `args` by `dialect`'s own functions: `None`
/// when the warehouse has no function of that name listed, `Err` with its
/// signatures when none of them fits the arguments.
pub(crate) fn call(dialect: Dialect, name: &str, args: &[Arg]) -> Option<Result<Typed, String>> {
    let overloads: Vec<&Native> = table(dialect).iter().filter(|n| n.name.eq_ignore_ascii_case(name)).collect();
    if overloads.is_empty() {
        return None;
    }
    let fits = overloads.iter().find(|n| fits(n, args));
    Some(match fits {
        Some(n) => Ok(Typed { ty: result(n.ret, args), kind: n.kind, null: n.null }),
        None => Err(overloads.iter().map(|n| signature(n)).collect::<Vec<_>>().join(", ")),
    })
}

/// The type of `a / b` where the body's warehouse computes it: BigQuery's
/// is cjo's (a FLOAT64 for ints, a NUMERIC for NUMERICs); Redshift and
/// Trino divide ints as ints and give a decimal quotient their own scale.
pub(crate) fn quotient(dialect: Dialect, a: &Ty, b: &Ty) -> Ty {
    let decimal = |t: &Ty| match t {
        Ty::Decimal { precision, scale } => Some((*precision, *scale)),
        Ty::Int => Some((19, 0)),
        _ => None,
    };
    match (dialect, decimal(a), decimal(b)) {
        (Dialect::BigQuery, ..) | (_, None, _) | (_, _, None) => crate::ops::quotient(a, b),
        (_, Some(_), Some(_)) if *a == Ty::Int && *b == Ty::Int => Ty::Int,
        // Trino: scale max(s1, s2), precision min(38, p1 + s2 + max(0, s2 - s1)).
        (Dialect::Trino, Some((p1, s1)), Some((_, s2))) => {
            Ty::Decimal { precision: (p1 + s2 + s2.saturating_sub(s1)).min(38), scale: s1.max(s2) }
        }
        // Redshift: scale max(4, s1 + p2 - s2 + 1), integer digits
        // p1 - s1 + s2; beyond 38 digits the scale gives way, down to 4.
        (Dialect::Redshift, Some((p1, s1)), Some((p2, s2))) => {
            let integer = p1.saturating_sub(s1) + s2;
            let scale = (s1 + p2 + 1).saturating_sub(s2).max(4);
            if integer + scale > 38 {
                let scale = 38u32.saturating_sub(integer).max(4);
                Ty::Decimal { precision: 38, scale }
            } else {
                Ty::Decimal { precision: integer + scale, scale }
            }
        }
    }
}

fn fits(n: &Native, args: &[Arg]) -> bool {
    let required = n.params.len().saturating_sub(n.optional);
    let arity = if n.variadic { args.len() >= required } else { (required..=n.params.len()).contains(&args.len()) };
    arity
        && args.iter().enumerate().all(|(i, a)| {
            let p = n.params.get(i).or(if n.variadic { n.params.last() } else { None });
            p.is_some_and(|p| accepts(*p, a))
        })
}

fn accepts(p: P, a: &Arg) -> bool {
    if a.part {
        return matches!(p, P::Part);
    }
    let t = &a.ty;
    if t.is_open() {
        return true;
    }
    match p {
        P::Part | P::Str => *t == Ty::String,
        P::Int => t.fits(&Ty::Int),
        P::Num => t.is_numeric(),
        P::Bool => *t == Ty::Bool,
        P::Date => *t == Ty::Date,
        P::Ts => *t == Ty::Timestamp,
        P::Temporal => t.is_temporal(),
        P::Interval => *t == Ty::Interval,
        P::Json => *t == Ty::Json,
        P::Array => matches!(t, Ty::Array(_)),
        P::Any => true,
    }
}

fn result(r: R, args: &[Arg]) -> Ty {
    let types: Vec<Ty> = args.iter().map(|a| a.ty.clone()).collect();
    match r {
        R::Is(s) => scalar(s),
        R::Same(i) => types.get(i).cloned().unwrap_or(Ty::Unknown),
        R::Common(from) => common(types.get(from..).unwrap_or_default()),
        R::ArrayOf(s) => Ty::Array(Box::new(scalar(s))),
        R::With(rule) => rule(&types),
    }
}

fn scalar(s: S) -> Ty {
    match s {
        S::Bool => Ty::Bool,
        S::Int => Ty::Int,
        S::Float => Ty::Float,
        S::Str => Ty::String,
        S::Bytes => Ty::Bytes,
        S::Date => Ty::Date,
        S::Ts => Ty::Timestamp,
        S::Json => Ty::Json,
    }
}

fn common(types: &[Ty]) -> Ty {
    let mut t = Ty::Null;
    for x in types {
        t = Ty::common(&t, x).unwrap_or(Ty::Unknown);
    }
    if t == Ty::Null { Ty::Unknown } else { t }
}

fn array_of_common(types: &[Ty]) -> Ty {
    Ty::Array(Box::new(common(types.get(..2).unwrap_or_default())))
}

fn array_of_first(types: &[Ty]) -> Ty {
    Ty::Array(Box::new(types.first().cloned().unwrap_or(Ty::Unknown)))
}

/// BigQuery's `PERCENTILE_CONT(x, p)`: a NUMERIC for a NUMERIC, else a
/// FLOAT64.
fn percentile_bigquery(types: &[Ty]) -> Ty {
    match types.first() {
        Some(t @ Ty::Decimal { .. }) => t.clone(),
        Some(t) if t.is_open() => Ty::Unknown,
        _ => Ty::Float,
    }
}

/// Redshift's `PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY k)`: a float for
/// a float key; a DECIMAL for an int or a decimal, whose scale its
/// reference does not give, so cjo leaves it untyped.
fn percentile_redshift(types: &[Ty]) -> Ty {
    match types.get(1) {
        Some(Ty::Float) => Ty::Float,
        _ => Ty::Unknown,
    }
}

fn quotient_bigquery(types: &[Ty]) -> Ty {
    match types {
        [a, b] => quotient(Dialect::BigQuery, a, b),
        _ => Ty::Unknown,
    }
}

fn average_redshift(types: &[Ty]) -> Ty {
    match types.first() {
        Some(Ty::Int) => Ty::Int,
        Some(Ty::Decimal { scale, .. }) => Ty::Decimal { precision: 38, scale: *scale },
        Some(t) if t.is_open() => Ty::Unknown,
        _ => Ty::Float,
    }
}

fn average_trino(types: &[Ty]) -> Ty {
    match types.first() {
        Some(t @ Ty::Decimal { .. }) => t.clone(),
        Some(t) if t.is_open() => Ty::Unknown,
        _ => Ty::Float,
    }
}

/// `DATE_TRUNC(date, part) -> date`, for messages.
fn signature(n: &Native) -> String {
    let params: Vec<String> = n
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let name = match p {
                P::Part => "part",
                P::Int => "int",
                P::Num => "number",
                P::Str => "string",
                P::Bool => "bool",
                P::Date => "date",
                P::Ts => "timestamp",
                P::Temporal => "date or timestamp",
                P::Interval => "interval",
                P::Json => "json",
                P::Array => "array",
                P::Any => "any",
            };
            let optional = i >= n.params.len().saturating_sub(n.optional);
            let dots = if n.variadic && i + 1 == n.params.len() { "..." } else { "" };
            if optional { format!("[{name}{dots}]") } else { format!("{name}{dots}") }
        })
        .collect();
    let ret = match n.ret {
        R::Is(s) => scalar(s).to_string(),
        R::ArrayOf(s) => Ty::Array(Box::new(scalar(s))).to_string(),
        R::Same(i) => format!("the type of argument {}", i + 1),
        R::Common(_) => "the arguments' type".to_string(),
        R::With(_) => "a number".to_string(),
    };
    format!("`{}({})` → {ret}", n.name.to_ascii_uppercase(), params.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(ty: Ty) -> Arg {
        Arg { ty, part: false }
    }

    fn part() -> Arg {
        Arg { ty: Ty::Unknown, part: true }
    }

    fn ty(d: Dialect, name: &str, args: &[Arg]) -> Option<Ty> {
        call(d, name, args).and_then(Result::ok).map(|t| t.ty)
    }

    #[test]
    fn bigquery_truncates_dates_to_dates() {
        let b = Dialect::BigQuery;
        assert_eq!(ty(b, "DATE_TRUNC", &[value(Ty::Date), part()]), Some(Ty::Date));
        assert_eq!(ty(b, "date_trunc", &[value(Ty::Timestamp), part()]), Some(Ty::Timestamp));
        assert_eq!(ty(b, "TIMESTAMP_TRUNC", &[value(Ty::Timestamp), part()]), Some(Ty::Timestamp));
        assert_eq!(ty(b, "DATE_DIFF", &[value(Ty::Date), value(Ty::Date), part()]), Some(Ty::Int));
        assert_eq!(ty(b, "round", &[value(Ty::Int), value(Ty::Int)]), Some(Ty::Float));
        // A date part where a value belongs: no overload fits.
        assert!(matches!(call(b, "date_trunc", &[part(), value(Ty::Date)]), Some(Err(_))));
        assert_eq!(call(b, "st_geogpoint", &[]), None);
    }

    #[test]
    fn percentiles_and_extremes_by_another_column() {
        let (b, r, t) = (Dialect::BigQuery, Dialect::Redshift, Dialect::Trino);
        assert_eq!(ty(b, "percentile_cont", &[value(Ty::Int), value(Ty::Float)]), Some(Ty::Float));
        assert_eq!(ty(b, "percentile_disc", &[value(Ty::String), value(Ty::Float)]), Some(Ty::String));
        assert_eq!(kind(b, "percentile_cont"), Some(FnKind::Window));
        assert_eq!(ty(b, "max_by", &[value(Ty::String), value(Ty::Date)]), Some(Ty::String));
        assert_eq!(ty(b, "approx_quantiles", &[value(Ty::Int), value(Ty::Int)]), Some(Ty::Array(Box::new(Ty::Int))));
        assert_eq!(ty(r, "percentile_disc", &[value(Ty::Float), value(Ty::Date)]), Some(Ty::Date));
        assert_eq!(ty(r, "percentile_cont", &[value(Ty::Float), value(Ty::Float)]), Some(Ty::Float));
        assert_eq!(ty(r, "percentile_cont", &[value(Ty::Float), value(Ty::Int)]), Some(Ty::Unknown));
        assert_eq!(ty(t, "min_by", &[value(Ty::Int), value(Ty::Timestamp)]), Some(Ty::Int));
        assert!(within_group_key("PERCENTILE_CONT"));
    }

    #[test]
    fn redshift_and_trino_date_functions() {
        let (r, t) = (Dialect::Redshift, Dialect::Trino);
        assert_eq!(ty(r, "DATEADD", &[part(), value(Ty::Int), value(Ty::Date)]), Some(Ty::Timestamp));
        assert_eq!(ty(r, "DATEDIFF", &[part(), value(Ty::Date), value(Ty::Date)]), Some(Ty::Int));
        assert_eq!(ty(r, "DATE_TRUNC", &[value(Ty::String), value(Ty::Date)]), Some(Ty::Timestamp));
        assert_eq!(ty(t, "date_trunc", &[value(Ty::String), value(Ty::Date)]), Some(Ty::Date));
        assert_eq!(ty(t, "date_add", &[value(Ty::String), value(Ty::Int), value(Ty::Timestamp)]), Some(Ty::Timestamp));
        assert_eq!(ty(t, "date_diff", &[value(Ty::String), value(Ty::Date), value(Ty::Date)]), Some(Ty::Int));
    }

    #[test]
    fn quotients_where_the_warehouse_computes_them() {
        let d = |p, s| Ty::Decimal { precision: p, scale: s };
        assert_eq!(quotient(Dialect::Trino, &Ty::Int, &Ty::Int), Ty::Int);
        assert_eq!(quotient(Dialect::BigQuery, &Ty::Int, &Ty::Int), Ty::Float);
        assert_eq!(quotient(Dialect::Trino, &d(10, 2), &d(5, 4)), d(16, 4));
        // Redshift's example: DECIMAL(8,2) / DECIMAL(8,2) is DECIMAL(17,9).
        assert_eq!(quotient(Dialect::Redshift, &d(8, 2), &d(8, 2)), d(17, 9));
        assert_eq!(quotient(Dialect::Redshift, &d(38, 2), &Ty::Int), d(38, 4));
    }
}
