//! Operator typing, shared by SQL bodies and criteria.

use crate::ty::{QUOTIENT, Ty};

/// A binary operator, as both syntaxes have it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Concat,
    /// `=`, `!=`, `<>`: any two comparable values.
    Equality(&'static str),
    /// `<`, `<=`, `>`, `>=`: values that can be ordered.
    Ordering(&'static str),
    And,
    Or,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
            Op::Mod => "%",
            Op::Concat => "||",
            Op::Equality(s) | Op::Ordering(s) => s,
            Op::And => "and",
            Op::Or => "or",
        }
    }
}

/// What an operand is, beyond its type: a string literal may stand for a
/// date or timestamp (`d >= '2026-01-01'`, as every warehouse accepts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Lit {
    #[default]
    None,
    String,
}

/// Why an operator does not apply.
#[derive(Debug)]
pub(crate) struct Mismatch {
    pub message: String,
    pub help: String,
    /// The operand at fault for a boolean operator (0 left, 1 right).
    pub side: Option<usize>,
}

/// The type of `a * b`: a decimal product has the precisions and the
/// scales added (an int counts as `decimal(19, 0)`), at most 38 digits
/// (the most Trino and Redshift hold).
fn product(a: &Ty, b: &Ty) -> Ty {
    let as_decimal = |t: &Ty| match t {
        Ty::Decimal { precision, scale } => Some((*precision, *scale)),
        Ty::Int => Some((19, 0)),
        _ => None,
    };
    match (a, b) {
        (Ty::Int, Ty::Int) => Ty::Int,
        (Ty::Float, _) | (_, Ty::Float) => Ty::Float,
        _ => match (as_decimal(a), as_decimal(b)) {
            (Some((p1, s1)), Some((p2, s2))) => {
                let scale = (s1 + s2).min(38);
                Ty::Decimal { precision: (p1 + p2).clamp(scale, 38), scale }
            }
            _ => Ty::common(a, b).unwrap_or(Ty::Unknown),
        },
    }
}

/// The type of `a / b`, for numbers. The warehouses disagree on both
/// kinds of quotient, so the emitters cast to make them agree with this
/// (docs/build.md): `int / int` is a float (as on BigQuery; Trino and
/// Redshift would truncate to an int), and a quotient with a decimal
/// operand is [`QUOTIENT`] (BigQuery's `NUMERIC`; Redshift and Trino would
/// each pick a scale from the operands').
pub(crate) fn quotient(a: &Ty, b: &Ty) -> Ty {
    match (a, b) {
        (Ty::Decimal { .. }, _) | (_, Ty::Decimal { .. }) if *a != Ty::Float && *b != Ty::Float => QUOTIENT,
        _ => Ty::Float,
    }
}

/// The type of `l op r`.
pub(crate) fn binary(op: Op, l: &Ty, r: &Ty, l_lit: Lit, r_lit: Lit) -> Result<Ty, Mismatch> {
    let sym = op.symbol();
    let mismatch = |help: &str| Mismatch {
        message: format!("cannot apply `{sym}` to {l} and {r}"),
        help: help.to_string(),
        side: None,
    };
    match op {
        Op::And | Op::Or => {
            for (side, t) in [l, r].into_iter().enumerate() {
                if !t.fits(&Ty::Bool) {
                    return Err(Mismatch {
                        message: format!("`{sym}` combines conditions, but this is {t}"),
                        help: "compare it with something: `x = …`, `x > …`, `x is not null`".to_string(),
                        side: Some(side),
                    });
                }
            }
            Ok(Ty::Bool)
        }
        Op::Equality(_) | Op::Ordering(_) => {
            let literal_date = (l_lit == Lit::String && r.is_temporal()) || (r_lit == Lit::String && l.is_temporal());
            match Ty::common(l, r) {
                _ if literal_date => Ok(Ty::Bool),
                Some(t) if matches!(op, Op::Equality(_)) || t.is_orderable() => Ok(Ty::Bool),
                Some(t) => Err(Mismatch {
                    message: format!("values of type {t} cannot be ordered with `{sym}`"),
                    help: "compare with `=` or `!=`, or compare a field of it".to_string(),
                    side: None,
                }),
                None => Err(Mismatch {
                    message: format!("cannot compare {l} with {r}"),
                    help: comparison_help(l, r),
                    side: None,
                }),
            }
        }
        Op::Add | Op::Sub => match (l, r) {
            (a, b) if a.is_open() || b.is_open() => Ok(if a.is_open() { b.clone() } else { a.clone() }),
            (a, b) if a.is_numeric() && b.is_numeric() => Ty::common(a, b).ok_or_else(|| mismatch("")),
            (t, Ty::Interval) if t.is_temporal() => Ok(t.clone()),
            (Ty::Interval, t) if t.is_temporal() && op == Op::Add => Ok(t.clone()),
            (Ty::Interval, Ty::Interval) => Ok(Ty::Interval),
            (Ty::Date, Ty::Date) if op == Op::Sub => {
                Err(mismatch("to count the days between two dates, call `date_diff_days(end, start)`"))
            }
            (Ty::Timestamp, Ty::Timestamp) if op == Op::Sub => Err(mismatch(
                "to measure the time between two timestamps, call `seconds_between(start, end)`, `minutes_between` or `hours_between`",
            )),
            (t, n) if t.is_temporal() && n.is_numeric() => Err(mismatch(&format!(
                "add a duration, not a number: `{t_} + interval '1' day` (in criteria: `+ 1 day`), or call `add_days`",
                t_ = if *t == Ty::Date { "d" } else { "t" }
            ))),
            (Ty::String, Ty::String) if op == Op::Add => Err(mismatch("join strings with `||` or `concat(a, b)`")),
            _ => Err(mismatch("")),
        },
        Op::Mul | Op::Div => match (l, r) {
            (a, b) if a.is_open() || b.is_open() => Ok(if a.is_open() { b.clone() } else { a.clone() }),
            (a, b) if a.is_numeric() && b.is_numeric() && op == Op::Div => Ok(quotient(a, b)),
            (a, b) if a.is_numeric() && b.is_numeric() => Ok(product(a, b)),
            _ => Err(mismatch("both sides must be numbers")),
        },
        Op::Mod => match (l, r) {
            (a, b) if a.fits(&Ty::Int) && b.fits(&Ty::Int) => Ok(Ty::Int),
            _ => Err(mismatch("`%` takes two ints")),
        },
        Op::Concat => {
            if l.fits(&Ty::String) && r.fits(&Ty::String) {
                Ok(Ty::String)
            } else {
                Err(mismatch("`||` joins strings: convert the other side with `cast(… as string)`"))
            }
        }
    }
}

/// Where the date is in `date + int`, `int + date` or `date - int`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateSide {
    Left,
    Right,
}

/// Whether `l op r` adds days to a date (`date + int`, `int + date`) or
/// takes them from one (`date - int`), and on which side the date is. Not
/// an operator of `.cjo` criteria, which add durations (`+ 1 day`): only SQL
/// bodies accept it, as the warehouses that have it do (a date).
pub fn date_days(op: Op, l: &Ty, r: &Ty) -> Option<DateSide> {
    let days = |t: &Ty| *t == Ty::Int;
    match (op, l, r) {
        (Op::Add | Op::Sub, Ty::Date, n) if days(n) => Some(DateSide::Left),
        (Op::Add, n, Ty::Date) if days(n) => Some(DateSide::Right),
        _ => None,
    }
}

fn comparison_help(l: &Ty, r: &Ty) -> String {
    match (l, r) {
        (Ty::Date, Ty::Timestamp) | (Ty::Timestamp, Ty::Date) => {
            "a date is a day and a timestamp an instant: convert one, e.g. `cast(t as date)` or `to_date(t)`"
                .to_string()
        }
        (Ty::String, n) | (n, Ty::String) if n.is_numeric() => {
            "a string is not a number: drop the quotes around the number, or `cast(… as int)`".to_string()
        }
        _ => format!("convert one side with `cast(… as {l})`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotients() {
        let dec = Ty::Decimal { precision: 15, scale: 2 };
        let div = |a: &Ty, b: &Ty| binary(Op::Div, a, b, Lit::None, Lit::None).ok();
        assert_eq!(div(&Ty::Int, &Ty::Int), Some(Ty::Float));
        assert_eq!(div(&dec, &Ty::Int), Some(QUOTIENT));
        assert_eq!(div(&Ty::Int, &dec), Some(QUOTIENT));
        assert_eq!(div(&dec, &dec), Some(QUOTIENT));
        assert_eq!(div(&dec, &Ty::Float), Some(Ty::Float));
    }

    #[test]
    fn dates_take_intervals_not_numbers() {
        assert_eq!(binary(Op::Sub, &Ty::Date, &Ty::Interval, Lit::None, Lit::None).ok(), Some(Ty::Date));
        assert!(binary(Op::Add, &Ty::Date, &Ty::Int, Lit::None, Lit::None).is_err());
        assert_eq!(date_days(Op::Add, &Ty::Date, &Ty::Int), Some(DateSide::Left));
        assert_eq!(date_days(Op::Add, &Ty::Int, &Ty::Date), Some(DateSide::Right));
        assert_eq!(date_days(Op::Sub, &Ty::Date, &Ty::Int), Some(DateSide::Left));
        assert_eq!(date_days(Op::Sub, &Ty::Int, &Ty::Date), None);
        assert_eq!(date_days(Op::Add, &Ty::Timestamp, &Ty::Int), None);
        assert_eq!(date_days(Op::Add, &Ty::Date, &Ty::Float), None);
        assert!(binary(Op::Sub, &Ty::Date, &Ty::Date, Lit::None, Lit::None).is_err());
    }

    #[test]
    fn string_literals_compare_with_dates() {
        assert!(binary(Op::Ordering(">="), &Ty::Date, &Ty::String, Lit::None, Lit::String).is_ok());
        assert!(binary(Op::Ordering(">="), &Ty::Date, &Ty::String, Lit::None, Lit::None).is_err());
        assert!(binary(Op::Equality("="), &Ty::String, &Ty::Int, Lit::None, Lit::None).is_err());
    }

    #[test]
    fn boolean_operators_name_the_side() {
        let e = binary(Op::And, &Ty::Bool, &Ty::Int, Lit::None, Lit::None).err();
        assert_eq!(e.and_then(|m| m.side), Some(1));
    }
}
