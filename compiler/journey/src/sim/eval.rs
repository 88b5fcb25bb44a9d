//! Criteria evaluated for one customer at one tick, with SQL's
//! three-valued logic: a criterion *holds* only when it is true. The
//! meaning follows the SQL that `cjo-codegen` prints for the same
//! expression (`cjo_expr.rs`): division gives a float, a string literal
//! compared with a date or timestamp is read as one, `count … op n` counts
//! the events whose filter is true.

use std::cmp::Ordering;

use cjo_semantic::Ty;
use cjo_syntax::ast::{Anchor, BinaryOp, Expr, ExprKind, Quantifier, QuantifierKind, UnaryOp};

use super::data::Table;
use super::funcs;
use super::time::{self, MICROS_PER_SECOND, Micros};
use super::value::{Value, whole_days};

/// `$run_start`, `$run_end` and `$run_date` of a tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunParams {
    pub start: Micros,
    pub end: Micros,
    /// Days since 1970-01-01: the UTC date of `start`.
    pub date: i32,
}

impl RunParams {
    /// The parameters of the tick at `t` when ticks are `every` apart.
    pub fn at(t: Micros, every: Micros) -> RunParams {
        let start = t - every;
        RunParams { start, end: t, date: time::day_of(start) }
    }
}

/// The instants `since journey_start|stage_start|step_start` refer to;
/// `None` when the anchor does not exist (yet).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Anchors {
    pub journey: Option<Micros>,
    pub stage: Option<Micros>,
    pub step: Option<Micros>,
}

/// One event relation's rows of one customer, sorted by time (rows with a
/// null time are left out).
#[derive(Clone, Debug)]
pub struct EventRows<'d> {
    pub table: &'d Table,
    /// `(time, row)`.
    pub rows: Vec<(Micros, &'d [Value])>,
}

/// What a criterion of one customer sees.
#[derive(Clone, Debug)]
pub struct Env<'a, 'd> {
    pub run: RunParams,
    /// The tick's time `T`.
    pub t: Micros,
    /// Events later than this are not seen: `T`, or earlier for a `wait
    /// until … timeout` whose timeout has passed.
    pub cutoff: Micros,
    pub anchors: Anchors,
    pub profile: &'d Table,
    /// The customer's profile row (`None`: every profile column is null).
    pub profile_row: Option<&'d [Value]>,
    /// By lowercase relation name.
    pub events: &'a std::collections::BTreeMap<String, EventRows<'d>>,
}

/// The event row a quantifier's filter is looking at.
#[derive(Clone, Copy, Debug)]
struct EventCx<'d> {
    table: &'d Table,
    row: &'d [Value],
}

impl Env<'_, '_> {
    /// Whether `e` holds (is true; null does not hold).
    pub fn holds(&self, e: &Expr) -> Result<bool, String> {
        Ok(self.eval(e, None)?.truth()? == Some(true))
    }

    fn eval(&self, e: &Expr, event: Option<EventCx<'_>>) -> Result<Value, String> {
        // Expressions nest up to the parser's limit: grow the stack
        // rather than overflow a small one.
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.eval_at(e, event))
    }

    fn eval_at(&self, e: &Expr, event: Option<EventCx<'_>>) -> Result<Value, String> {
        Ok(match &e.kind {
            ExprKind::Column(parts) => self.column(parts, event)?,
            ExprKind::Param(name) => match name.text.to_ascii_lowercase().as_str() {
                "run_start" => Value::Timestamp(self.run.start),
                "run_end" => Value::Timestamp(self.run.end),
                "run_date" => Value::Date(self.run.date),
                other => return Err(format!("unknown parameter `${other}`")),
            },
            ExprKind::Str(s) => Value::Str(s.clone()),
            ExprKind::Number(n) => number(n)?,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Null => Value::Null,
            ExprKind::Duration(d) => {
                Value::Interval(i64::try_from(d.seconds()).unwrap_or(i64::MAX / MICROS_PER_SECOND) * MICROS_PER_SECOND)
            }
            ExprKind::Typed { ty, value } => match ty.text.to_ascii_lowercase().as_str() {
                "date" => Value::Date(
                    time::parse_date(&value.value)
                        .or_else(|| time::parse_timestamp(&value.value).map(time::day_of))
                        .ok_or_else(|| format!("`{}` is not a date", value.value))?,
                ),
                _ => Value::Timestamp(
                    time::parse_timestamp(&value.value)
                        .ok_or_else(|| format!("`{}` is not a timestamp", value.value))?,
                ),
            },
            ExprKind::List(items) => {
                Value::Array(items.iter().map(|i| self.eval(i, event)).collect::<Result<Vec<_>, _>>()?)
            }
            ExprKind::Unary { op, operand, .. } => {
                let v = self.eval(operand, event)?;
                match op {
                    UnaryOp::Not => Value::from_truth(v.truth()?.map(|b| !b)),
                    UnaryOp::Plus => v,
                    UnaryOp::Neg => match v {
                        Value::Null => Value::Null,
                        Value::Int(i) => Value::Int(i.checked_neg().ok_or("integer overflow")?),
                        Value::Float(f) => Value::Float(-f),
                        Value::Interval(i) => Value::Interval(-i),
                        other => return Err(format!("cannot negate {}", other.kind())),
                    },
                }
            }
            ExprKind::Binary { first, rest } => {
                let mut acc = self.eval(first, event)?;
                for operation in rest {
                    // `and`/`or` decided by their left side skip the right.
                    match (operation.op, acc.truth()) {
                        (BinaryOp::And, Ok(Some(false))) | (BinaryOp::Or, Ok(Some(true))) => continue,
                        _ => {}
                    }
                    let right = self.eval(&operation.rhs, event)?;
                    acc = binary(operation.op, &acc, &right)?;
                }
                acc
            }
            ExprKind::IsNull { operand, negated } => Value::Bool(self.eval(operand, event)?.is_null() != *negated),
            ExprKind::InList { operand, list, negated } => {
                let v = self.eval(operand, event)?;
                let items = list.iter().map(|i| self.eval(i, event)).collect::<Result<Vec<_>, _>>()?;
                let found = in_list(&v, &items)?;
                Value::from_truth(found.map(|f| f != *negated))
            }
            ExprKind::Between { operand, low, high, negated } => {
                let v = self.eval(operand, event)?;
                let lo = self.eval(low, event)?;
                let hi = self.eval(high, event)?;
                let ge = lo.compare(&v)?.map(|o| o != Ordering::Greater);
                let le = v.compare(&hi)?.map(|o| o != Ordering::Greater);
                Value::from_truth(and(ge, le).map(|b| b != *negated))
            }
            ExprKind::Like { operand, pattern, negated } => {
                match (self.eval(operand, event)?, self.eval(pattern, event)?) {
                    (Value::Null, _) | (_, Value::Null) => Value::Null,
                    (Value::Str(s), Value::Str(p)) => Value::Bool(like(&s, &p) != *negated),
                    (a, b) => return Err(format!("`like` matches strings, not {} and {}", a.kind(), b.kind())),
                }
            }
            ExprKind::Call { name, args, star, .. } => {
                if *star {
                    return Err(format!("`{}(*)` cannot be evaluated here", name.text));
                }
                let args = args.iter().map(|a| self.eval(a, event)).collect::<Result<Vec<_>, _>>()?;
                funcs::call(&name.text, args)?
            }
            ExprKind::Case { operand, whens, otherwise } => {
                let subject = operand.as_ref().map(|o| self.eval(o, event)).transpose()?;
                for (cond, value) in whens {
                    let c = self.eval(cond, event)?;
                    let hit = match &subject {
                        Some(s) => s.sql_eq(&c)? == Some(true),
                        None => c.truth()? == Some(true),
                    };
                    if hit {
                        return self.eval(value, event);
                    }
                }
                match otherwise {
                    Some(o) => self.eval(o, event)?,
                    None => Value::Null,
                }
            }
            ExprKind::Cast { operand, ty } => cast(self.eval(operand, event)?, &Ty::from_syntax(ty, &[]))?,
            ExprKind::Quantifier(q) => self.quantifier(q)?,
            ExprKind::Error => return Err("this expression has an error".into()),
        })
    }

    fn column(&self, parts: &[cjo_syntax::ast::Name], event: Option<EventCx<'_>>) -> Result<Value, String> {
        let (qualifier, column) = match parts {
            [c] => (None, c),
            [q, c, ..] => (Some(q), c),
            [] => return Err("an empty column name".into()),
        };
        if let Some(ev) = event {
            if qualifier.is_none_or(|q| q.text.eq_ignore_ascii_case(&ev.table.name)) {
                if let Some(i) = ev.table.column(&column.text) {
                    return Ok(ev.row.get(i).cloned().unwrap_or(Value::Null));
                }
            }
        }
        if qualifier.is_none_or(|q| q.text.eq_ignore_ascii_case(&self.profile.name)) {
            if let Some(i) = self.profile.column(&column.text) {
                return Ok(self.profile_row.and_then(|r| r.get(i)).cloned().unwrap_or(Value::Null));
            }
        }
        let name: Vec<&str> = parts.iter().map(|p| p.text.as_str()).collect();
        Err(format!("unknown column `{}`", name.join(".")))
    }

    fn quantifier(&self, q: &Quantifier) -> Result<Value, String> {
        let Some(events) = self.events.get(&q.events.text.to_ascii_lowercase()) else {
            return Err(format!("no rows of the event relation `{}`", q.events.text));
        };
        let since = match q.since.map(|(a, _)| a) {
            None => None,
            Some(anchor) => {
                let at = match anchor {
                    Anchor::JourneyStart => self.anchors.journey,
                    Anchor::StageStart => self.anchors.stage,
                    Anchor::StepStart => self.anchors.step,
                };
                // No anchor yet: `any` is false and so is `count … op n`.
                let Some(at) = at else { return Ok(Value::Bool(false)) };
                Some(at)
            }
        };
        let after = q.within.as_ref().map(|d| {
            self.t
                .saturating_sub(i64::try_from(d.seconds()).unwrap_or(i64::MAX / MICROS_PER_SECOND) * MICROS_PER_SECOND)
        });
        let mut count: i64 = 0;
        for (at, row) in &events.rows {
            if *at > self.cutoff {
                break; // sorted by time
            }
            if after.is_some_and(|a| *at <= a) || since.is_some_and(|s| *at < s) {
                continue;
            }
            let hit = match &q.filter {
                None => true,
                Some(f) => self.eval(f, Some(EventCx { table: events.table, row }))?.truth()? == Some(true),
            };
            if hit {
                count += 1;
                if matches!(q.kind, QuantifierKind::Any) {
                    return Ok(Value::Bool(true));
                }
            }
        }
        match &q.kind {
            QuantifierKind::Any => Ok(Value::Bool(false)),
            QuantifierKind::Count { op, value, .. } => {
                let n = self.eval(value, None)?;
                binary(*op, &Value::Int(count), &n)
            }
        }
    }
}

fn number(text: &str) -> Result<Value, String> {
    if !text.contains(['.', 'e', 'E']) {
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Value::Int(i));
        }
    }
    text.parse::<f64>().map(Value::Float).map_err(|_| format!("`{text}` is not a number"))
}

fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn or(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

/// SQL's `v IN (items)`: null when `v` is null, or when it is not found
/// and an item is null.
pub fn in_list(v: &Value, items: &[Value]) -> Result<Option<bool>, String> {
    if v.is_null() {
        return Ok(None);
    }
    let mut unknown = false;
    for item in items {
        match v.sql_eq(item)? {
            Some(true) => return Ok(Some(true)),
            Some(false) => {}
            None => unknown = true,
        }
    }
    Ok(if unknown { None } else { Some(false) })
}

/// SQL's `LIKE`: `%` any run of characters, `_` one character,
/// case-sensitive.
pub fn like(s: &str, pattern: &str) -> bool {
    let s: Vec<char> = s.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    // Iterative matching with backtracking to the last `%`.
    let (mut i, mut j) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        match p.get(j) {
            Some('%') => {
                star = Some((j, i));
                j += 1;
            }
            Some(c) if *c == '_' || Some(c) == s.get(i) => {
                i += 1;
                j += 1;
            }
            _ => match star {
                Some((sj, si)) => {
                    j = sj + 1;
                    i = si + 1;
                    star = Some((sj, si + 1));
                }
                None => return false,
            },
        }
    }
    p.get(j..).is_some_and(|rest| rest.iter().all(|c| *c == '%'))
}

/// A binary operator on two values.
pub fn binary(op: BinaryOp, l: &Value, r: &Value) -> Result<Value, String> {
    use Value as V;
    match op {
        BinaryOp::And => return Ok(V::from_truth(and(l.truth()?, r.truth()?))),
        BinaryOp::Or => return Ok(V::from_truth(or(l.truth()?, r.truth()?))),
        _ => {}
    }
    if op.is_comparison() {
        let ord = l.compare(r)?;
        return Ok(V::from_truth(ord.map(|o| match op {
            BinaryOp::Eq => o == Ordering::Equal,
            BinaryOp::NotEq => o != Ordering::Equal,
            BinaryOp::Lt => o == Ordering::Less,
            BinaryOp::Le => o != Ordering::Greater,
            BinaryOp::Gt => o == Ordering::Greater,
            _ => o != Ordering::Less,
        })));
    }
    if l.is_null() || r.is_null() {
        return Ok(V::Null);
    }
    let overflow = || "integer overflow".to_string();
    let mismatch = || format!("cannot compute {} {} {}", l.kind(), op.as_str(), r.kind());
    Ok(match (op, l, r) {
        (BinaryOp::Concat, V::Str(a), V::Str(b)) => V::Str(format!("{a}{b}")),
        (BinaryOp::Add, V::Int(a), V::Int(b)) => V::Int(a.checked_add(*b).ok_or_else(overflow)?),
        (BinaryOp::Sub, V::Int(a), V::Int(b)) => V::Int(a.checked_sub(*b).ok_or_else(overflow)?),
        (BinaryOp::Mul, V::Int(a), V::Int(b)) => V::Int(a.checked_mul(*b).ok_or_else(overflow)?),
        (BinaryOp::Mod, V::Int(a), V::Int(b)) => {
            if *b == 0 {
                return Err("division by zero".into());
            }
            V::Int(a.checked_rem(*b).ok_or_else(overflow)?)
        }
        (
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div,
            V::Int(_) | V::Float(_),
            V::Int(_) | V::Float(_),
        ) => {
            let (a, b) = (l.as_f64().unwrap_or(0.0), r.as_f64().unwrap_or(0.0));
            V::Float(match op {
                BinaryOp::Add => a + b,
                BinaryOp::Sub => a - b,
                BinaryOp::Mul => a * b,
                _ if b == 0.0 => return Err("division by zero".into()),
                _ => a / b,
            })
        }
        (BinaryOp::Add | BinaryOp::Sub, V::Date(d), V::Interval(i)) => shift_date(*d, sign(op) * i)?,
        (BinaryOp::Add, V::Interval(i), V::Date(d)) => shift_date(*d, *i)?,
        (BinaryOp::Add | BinaryOp::Sub, V::Timestamp(t), V::Interval(i)) => {
            V::Timestamp(t.checked_add(sign(op) * i).ok_or_else(overflow)?)
        }
        (BinaryOp::Add, V::Interval(i), V::Timestamp(t)) => V::Timestamp(t.checked_add(*i).ok_or_else(overflow)?),
        (BinaryOp::Add | BinaryOp::Sub, V::Interval(a), V::Interval(b)) => V::Interval(a + sign(op) * b),
        _ => return Err(mismatch()),
    })
}

fn sign(op: BinaryOp) -> i64 {
    if op == BinaryOp::Sub { -1 } else { 1 }
}

/// A date moved by a length of time: still a date when the length is whole
/// days, else a timestamp.
fn shift_date(day: i32, by: i64) -> Result<Value, String> {
    match whole_days(by) {
        Some(n) => Ok(Value::Date(i32::try_from(i64::from(day) + n).map_err(|_| "a date out of range".to_string())?)),
        None => Ok(Value::Timestamp(time::midnight(day) + by)),
    }
}

/// `cast(v as ty)`.
pub fn cast(v: Value, ty: &Ty) -> Result<Value, String> {
    use Value as V;
    if v.is_null() {
        return Ok(V::Null);
    }
    let bad = |v: &Value| format!("cannot cast {} `{v}` to {ty}", v.kind());
    Ok(match (ty, v) {
        (Ty::String, v) => V::Str(v.to_string()),
        (Ty::Int, V::Int(i)) => V::Int(i),
        (Ty::Int, V::Float(f)) => {
            let r = f.round();
            if !r.is_finite() || r.abs() >= 9.2e18 {
                return Err(format!("{f} is out of the int range"));
            }
            #[allow(clippy::cast_possible_truncation)]
            V::Int(r as i64)
        }
        (Ty::Int, V::Bool(b)) => V::Int(i64::from(b)),
        (Ty::Int, V::Str(s)) => V::Int(s.trim().parse().map_err(|_| format!("cannot cast `{s}` to int"))?),
        (Ty::Float | Ty::Decimal { .. }, v @ (V::Int(_) | V::Float(_))) => V::Float(v.as_f64().unwrap_or(0.0)),
        (Ty::Float | Ty::Decimal { .. }, V::Str(s)) => {
            V::Float(s.trim().parse().map_err(|_| format!("cannot cast `{s}` to a number"))?)
        }
        (Ty::Bool, V::Bool(b)) => V::Bool(b),
        (Ty::Bool, V::Int(i)) => V::Bool(i != 0),
        (Ty::Bool, V::Str(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" => V::Bool(true),
            "false" => V::Bool(false),
            _ => return Err(format!("cannot cast `{s}` to bool")),
        },
        (Ty::Date, V::Date(d)) => V::Date(d),
        (Ty::Date, V::Timestamp(t)) => V::Date(time::day_of(t)),
        (Ty::Date, V::Str(s)) => V::Date(time::parse_date(&s).ok_or_else(|| format!("cannot cast `{s}` to date"))?),
        (Ty::Timestamp, V::Timestamp(t)) => V::Timestamp(t),
        (Ty::Timestamp, V::Date(d)) => V::Timestamp(time::midnight(d)),
        (Ty::Timestamp, V::Str(s)) => {
            V::Timestamp(time::parse_timestamp(&s).ok_or_else(|| format!("cannot cast `{s}` to timestamp"))?)
        }
        (Ty::Json, V::Str(s)) => V::Str(s),
        (_, v) => return Err(bad(&v)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        assert!(like("email_open", "email%"));
        assert!(like("email_open", "%open"));
        assert!(like("abc", "a_c"));
        assert!(!like("abc", "a_"));
        assert!(like("", "%"));
        assert!(like("a%b", "a%b"));
        assert!(!like("ABC", "abc"));
    }

    #[test]
    fn three_valued() {
        let t = Value::Bool(true);
        let f = Value::Bool(false);
        assert_eq!(binary(BinaryOp::And, &Value::Null, &f), Ok(f.clone()));
        assert_eq!(binary(BinaryOp::And, &Value::Null, &t), Ok(Value::Null));
        assert_eq!(binary(BinaryOp::Or, &Value::Null, &t), Ok(t.clone()));
        assert_eq!(binary(BinaryOp::Eq, &Value::Null, &Value::Null), Ok(Value::Null));
        assert_eq!(in_list(&Value::Int(1), &[Value::Int(2), Value::Null]), Ok(None));
        assert_eq!(in_list(&Value::Int(2), &[Value::Int(2), Value::Null]), Ok(Some(true)));
        assert_eq!(binary(BinaryOp::Div, &Value::Int(1), &Value::Int(2)), Ok(Value::Float(0.5)));
        assert_eq!(binary(BinaryOp::Mod, &Value::Int(-7), &Value::Int(3)), Ok(Value::Int(-1)));
        let d = time::parse_date("2026-01-10").unwrap();
        let week = 7 * time::MICROS_PER_DAY;
        assert_eq!(binary(BinaryOp::Sub, &Value::Date(d), &Value::Interval(week)), Ok(Value::Date(d - 7)));
    }
}
