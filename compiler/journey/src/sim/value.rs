//! Values of criteria and input rows, with SQL's comparisons: null is
//! unknown, ints and floats compare as numbers, a date compares with a
//! timestamp as its midnight UTC, and a string compares with a date or a
//! timestamp as the literal of that type it spells.

use std::cmp::Ordering;
use std::fmt;

use super::time::{self, MICROS_PER_DAY, Micros};

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// Floats and decimals alike.
    Float(f64),
    Str(String),
    /// Days since 1970-01-01.
    Date(i32),
    Timestamp(Micros),
    /// A length of time in microseconds.
    Interval(i64),
    Array(Vec<Value>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// SQL's truth: `Some(b)` for a boolean, `None` for null.
    pub fn truth(&self) -> Result<Option<bool>, String> {
        match self {
            Value::Null => Ok(None),
            Value::Bool(b) => Ok(Some(*b)),
            other => Err(format!("expected a condition, found {}", other.kind())),
        }
    }

    pub fn from_truth(t: Option<bool>) -> Value {
        t.map_or(Value::Null, Value::Bool)
    }

    /// What kind of value this is, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a bool",
            Value::Int(_) => "an int",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Date(_) => "a date",
            Value::Timestamp(_) => "a timestamp",
            Value::Interval(_) => "a duration",
            Value::Array(_) => "an array",
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            #[allow(clippy::cast_precision_loss)]
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// SQL's comparison: `None` when either side is null, an error when
    /// the two cannot be compared.
    pub fn compare(&self, other: &Value) -> Result<Option<Ordering>, String> {
        use Value as V;
        Ok(Some(match (self, other) {
            (V::Null, _) | (_, V::Null) => return Ok(None),
            (V::Int(a), V::Int(b)) => a.cmp(b),
            (V::Int(_) | V::Float(_), V::Int(_) | V::Float(_)) => {
                let (a, b) = (self.as_f64().unwrap_or(0.0), other.as_f64().unwrap_or(0.0));
                a.partial_cmp(&b).unwrap_or(Ordering::Equal)
            }
            (V::Str(a), V::Str(b)) => a.cmp(b),
            (V::Bool(a), V::Bool(b)) => a.cmp(b),
            (V::Date(a), V::Date(b)) => a.cmp(b),
            (V::Timestamp(a), V::Timestamp(b)) => a.cmp(b),
            (V::Interval(a), V::Interval(b)) => a.cmp(b),
            (V::Date(a), V::Timestamp(b)) => time::midnight(*a).cmp(b),
            (V::Timestamp(a), V::Date(b)) => a.cmp(&time::midnight(*b)),
            (V::Str(s), V::Date(_) | V::Timestamp(_)) => {
                let lit = literal_like(s, other).ok_or_else(|| format!("`{s}` is not {}", other.kind()))?;
                return lit.compare(other);
            }
            (V::Date(_) | V::Timestamp(_), V::Str(s)) => {
                let lit = literal_like(s, self).ok_or_else(|| format!("`{s}` is not {}", self.kind()))?;
                return self.compare(&lit);
            }
            (V::Array(a), V::Array(b)) if a.len() == b.len() => {
                for (x, y) in a.iter().zip(b) {
                    match x.compare(y)? {
                        Some(Ordering::Equal) => {}
                        other => return Ok(other),
                    }
                }
                Ordering::Equal
            }
            _ => return Err(format!("cannot compare {} with {}", self.kind(), other.kind())),
        }))
    }

    /// SQL's `=`.
    pub fn sql_eq(&self, other: &Value) -> Result<Option<bool>, String> {
        Ok(self.compare(other)?.map(|o| o == Ordering::Equal))
    }
}

/// A string read as a value of `like`'s type (a date or a timestamp).
fn literal_like(s: &str, like: &Value) -> Option<Value> {
    match like {
        Value::Date(_) => time::parse_date(s).or_else(|| time::parse_timestamp(s).map(time::day_of)).map(Value::Date),
        _ => time::parse_timestamp(s).map(Value::Timestamp),
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Str(s) => f.write_str(s),
            Value::Date(d) => f.write_str(&time::format_date(*d)),
            Value::Timestamp(t) => f.write_str(&time::format_timestamp(*t)),
            Value::Interval(i) => write!(f, "{} seconds", i / 1_000_000),
            Value::Array(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// A customer's key: an integer key orders as a number, any other as text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    Int(i64),
    Text(String),
}

impl Key {
    /// The key of a row, `None` for null.
    pub fn of(v: &Value) -> Option<Key> {
        match v {
            Value::Null => None,
            Value::Int(i) => Some(Key::Int(*i)),
            other => Some(Key::Text(other.to_string())),
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Int(i) => write!(f, "{i}"),
            Key::Text(s) => f.write_str(s),
        }
    }
}

/// `whole days` of an interval, when it is a whole number of days.
pub fn whole_days(interval: i64) -> Option<i64> {
    (interval % MICROS_PER_DAY == 0).then_some(interval / MICROS_PER_DAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_comparisons() {
        assert_eq!(Value::Int(1).sql_eq(&Value::Float(1.0)), Ok(Some(true)));
        assert_eq!(Value::Null.sql_eq(&Value::Int(1)), Ok(None));
        let d = Value::Date(time::parse_date("2026-01-02").unwrap());
        assert_eq!(d.sql_eq(&Value::Str("2026-01-02".into())), Ok(Some(true)));
        let t = Value::Timestamp(time::parse_timestamp("2026-01-02 00:00:01").unwrap());
        assert_eq!(d.compare(&t), Ok(Some(Ordering::Less)));
        assert!(Value::Int(1).compare(&Value::Str("1".into())).is_err());
    }

    #[test]
    fn keys_order_numbers_as_numbers() {
        assert!(Key::Int(9) < Key::Int(10));
        assert_eq!(Key::of(&Value::Str("c1".into())).unwrap().to_string(), "c1");
        assert_eq!(Key::of(&Value::Null), None);
    }
}
