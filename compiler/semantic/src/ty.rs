//! The types of the checker: cjo's column types plus what only expressions
//! have (intervals, the type of `null`, an unknown type that silences
//! follow-up errors), and the rules for combining them.

use std::fmt;

use cjo_syntax::ast::{TypeExpr, TypeKind};

/// A type as the checker sees it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ty {
    Bool,
    Int,
    Float,
    Decimal {
        precision: u32,
        scale: u32,
    },
    String,
    Bytes,
    Date,
    Timestamp,
    Json,
    Array(Box<Ty>),
    Struct(Vec<(String, Ty)>),
    /// A length of time: `interval '1' day`, `14 days`.
    Interval,
    /// The type of the literal `null`: fits anywhere.
    Null,
    /// Not known: after a reported error, or for a construct that is not
    /// typed (a function of a dialect-specific body). Fits anywhere, so one
    /// mistake is reported once.
    Unknown,
    /// A type parameter of a `fn` signature (`T`); only in signatures.
    Var(u8),
}

/// The precision and scale `decimal` without arguments stands for.
pub const DEFAULT_DECIMAL: (u32, u32) = (38, 9);

/// The type of a quotient with a decimal operand (`decimal / int`,
/// `int / decimal`, `decimal / decimal`): 38 digits, 9 of them decimals,
/// rounded half away from zero. It is BigQuery's `NUMERIC`, which a
/// BigQuery quotient of `NUMERIC`s always is; the emitters make Redshift
/// and Trino compute the same (see docs/build.md).
pub const QUOTIENT: Ty = Ty::Decimal { precision: 38, scale: 9 };

/// Types nested deeper than this (written or imported) are unknown.
pub const MAX_TYPE_DEPTH: usize = 64;

/// The largest decimal precision a supported warehouse has (BigQuery `BIGNUMERIC`).
pub const MAX_DECIMAL_PRECISION: u32 = 76;

impl Ty {
    pub fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::Float | Ty::Decimal { .. })
    }

    /// Whether a column can have this type: a table cannot be declared with
    /// a column that is unknown, always `null`, an interval, or an array or
    /// struct of those.
    pub fn is_column_type(&self) -> bool {
        match self {
            Ty::Unknown | Ty::Null | Ty::Interval | Ty::Var(_) => false,
            Ty::Array(element) => element.is_column_type(),
            Ty::Struct(fields) => fields.iter().all(|(_, t)| t.is_column_type()),
            _ => true,
        }
    }

    /// Unknown or `null`: accepted by every rule.
    pub fn is_open(&self) -> bool {
        matches!(self, Ty::Unknown | Ty::Null)
    }

    pub fn is_temporal(&self) -> bool {
        matches!(self, Ty::Date | Ty::Timestamp)
    }

    /// Whether values of this type can be ordered with `<`.
    pub fn is_orderable(&self) -> bool {
        self.is_numeric()
            || matches!(self, Ty::String | Ty::Bytes | Ty::Date | Ty::Timestamp | Ty::Bool)
            || self.is_open()
    }

    /// A column type from a warehouse catalog.
    pub fn from_catalog(ty: &cjo_catalog::Type) -> Ty {
        use cjo_catalog::Type as C;
        match ty {
            C::Bool => Ty::Bool,
            C::Int => Ty::Int,
            C::Float => Ty::Float,
            C::Decimal { precision, scale } => Ty::Decimal { precision: *precision, scale: *scale },
            C::String => Ty::String,
            C::Bytes => Ty::Bytes,
            C::Date => Ty::Date,
            C::Timestamp => Ty::Timestamp,
            C::Json => Ty::Json,
            C::Array(element) => Ty::Array(Box::new(Ty::from_catalog(element))),
            C::Struct(fields) => Ty::Struct(fields.iter().map(|(n, t)| (n.clone(), Ty::from_catalog(t))).collect()),
        }
    }

    /// A written type. `params` are the type parameters in scope (a `fn`'s
    /// `<T>`); a name that is neither a primitive nor a parameter was
    /// reported by the structural checks and is unknown here.
    pub fn from_syntax(ty: &TypeExpr, params: &[&str]) -> Ty {
        Ty::from_syntax_at(ty, params, 0)
    }

    fn from_syntax_at(ty: &TypeExpr, params: &[&str], depth: usize) -> Ty {
        // No warehouse nests types this deep; the bound keeps recursion
        // (here and in every pass over `Ty`) far from the stack's end.
        if depth > MAX_TYPE_DEPTH {
            return Ty::Unknown;
        }
        match &ty.kind {
            TypeKind::Named(name) => {
                if let Some(i) = params.iter().position(|p| *p == name.text) {
                    return Ty::Var(u8::try_from(i).unwrap_or(u8::MAX));
                }
                Ty::primitive(&name.text).unwrap_or(Ty::Unknown)
            }
            TypeKind::Decimal { precision, scale } => Ty::Decimal { precision: *precision, scale: *scale },
            TypeKind::Array(element) => Ty::Array(Box::new(Ty::from_syntax_at(element, params, depth + 1))),
            TypeKind::Struct(fields) => Ty::Struct(
                fields.iter().map(|f| (f.name.text.clone(), Ty::from_syntax_at(&f.ty, params, depth + 1))).collect(),
            ),
            TypeKind::Error => Ty::Unknown,
        }
    }

    /// A primitive type by its cjo name.
    pub fn primitive(name: &str) -> Option<Ty> {
        Some(match name.to_ascii_lowercase().as_str() {
            "bool" => Ty::Bool,
            "int" => Ty::Int,
            "float" => Ty::Float,
            "decimal" => Ty::Decimal { precision: DEFAULT_DECIMAL.0, scale: DEFAULT_DECIMAL.1 },
            "string" => Ty::String,
            "bytes" => Ty::Bytes,
            "date" => Ty::Date,
            "timestamp" => Ty::Timestamp,
            "json" => Ty::Json,
            "interval" => Ty::Interval,
            _ => return None,
        })
    }

    /// The narrowest type both `a` and `b` convert to without loss of
    /// meaning (for comparisons, `union`, `case`, `coalesce`): numbers widen
    /// `int` → `decimal` → `float`; `null` and unknown take the other side.
    /// `None` when there is none (a date and a timestamp: say which one).
    pub fn common(a: &Ty, b: &Ty) -> Option<Ty> {
        match (a, b) {
            (Ty::Unknown, _) | (_, Ty::Unknown) => Some(Ty::Unknown),
            (Ty::Null, other) | (other, Ty::Null) => Some(other.clone()),
            (x, y) if x == y => Some(x.clone()),
            (Ty::Float, y) | (y, Ty::Float) if y.is_numeric() => Some(Ty::Float),
            (Ty::Decimal { precision: p1, scale: s1 }, Ty::Decimal { precision: p2, scale: s2 }) => {
                let scale = (*s1).max(*s2);
                let integer = p1.saturating_sub(*s1).max(p2.saturating_sub(*s2));
                Some(Ty::Decimal { precision: integer.saturating_add(scale).min(MAX_DECIMAL_PRECISION), scale })
            }
            // An int has up to 19 digits.
            (Ty::Int, Ty::Decimal { precision, scale }) | (Ty::Decimal { precision, scale }, Ty::Int) => {
                let integer = precision.saturating_sub(*scale).max(19);
                Some(Ty::Decimal {
                    precision: integer.saturating_add(*scale).min(MAX_DECIMAL_PRECISION),
                    scale: *scale,
                })
            }
            (Ty::Array(x), Ty::Array(y)) => Ty::common(x, y).map(|t| Ty::Array(Box::new(t))),
            (Ty::Struct(xs), Ty::Struct(ys)) if xs.len() == ys.len() => {
                let mut fields = Vec::with_capacity(xs.len());
                for ((nx, tx), (ny, ty)) in xs.iter().zip(ys) {
                    if !nx.eq_ignore_ascii_case(ny) {
                        return None;
                    }
                    fields.push((nx.clone(), Ty::common(tx, ty)?));
                }
                Some(Ty::Struct(fields))
            }
            _ => None,
        }
    }

    /// Whether a value of type `self` may be used where `target` is wanted.
    pub fn fits(&self, target: &Ty) -> bool {
        // An int fits any decimal, as SQL converts it implicitly.
        if *self == Ty::Int && matches!(target, Ty::Decimal { .. }) {
            return true;
        }
        Ty::common(self, target).is_some_and(|c| c == *target || c == Ty::Unknown)
    }

    /// Whether `cast(self as target)` means something in every warehouse.
    pub fn castable_to(&self, target: &Ty) -> bool {
        if self.is_open() || target.is_open() || self == target {
            return true;
        }
        let scalar = |t: &Ty| !matches!(t, Ty::Array(_) | Ty::Struct(_) | Ty::Interval | Ty::Json);
        match (self, target) {
            (Ty::String, t) | (t, Ty::String) => scalar(t) || matches!(t, Ty::Json),
            (Ty::Json, _) | (_, Ty::Json) => false,
            (a, b) if a.is_numeric() && b.is_numeric() => true,
            (Ty::Bool, Ty::Int) | (Ty::Int, Ty::Bool) => true,
            (Ty::Date, Ty::Timestamp) | (Ty::Timestamp, Ty::Date) => true,
            (Ty::Array(a), Ty::Array(b)) => a.castable_to(b),
            _ => false,
        }
    }
}

impl fmt::Display for Ty {
    /// cjo syntax: `array<struct<a: int>>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Bool => f.write_str("bool"),
            Ty::Int => f.write_str("int"),
            Ty::Float => f.write_str("float"),
            Ty::Decimal { precision, scale } => write!(f, "decimal({precision}, {scale})"),
            Ty::String => f.write_str("string"),
            Ty::Bytes => f.write_str("bytes"),
            Ty::Date => f.write_str("date"),
            Ty::Timestamp => f.write_str("timestamp"),
            Ty::Json => f.write_str("json"),
            Ty::Array(element) => write!(f, "array<{element}>"),
            Ty::Struct(fields) => {
                f.write_str("struct<")?;
                for (i, (name, ty)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{name}: {ty}")?;
                }
                f.write_str(">")
            }
            Ty::Interval => f.write_str("interval"),
            Ty::Null => f.write_str("null"),
            Ty::Unknown => f.write_str("unknown"),
            Ty::Var(i) => write!(f, "T{i}"),
        }
    }
}

/// "a string", "an int": the type with its article, for messages.
pub fn with_article(ty: &Ty) -> String {
    let name = ty.to_string();
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(p: u32, s: u32) -> Ty {
        Ty::Decimal { precision: p, scale: s }
    }

    #[test]
    fn numbers_widen() {
        assert_eq!(Ty::common(&Ty::Int, &Ty::Float), Some(Ty::Float));
        assert_eq!(Ty::common(&Ty::Int, &dec(10, 2)), Some(dec(21, 2)));
        assert!(Ty::Int.fits(&dec(10, 2)));
        assert_eq!(Ty::common(&dec(10, 2), &dec(5, 4)), Some(dec(12, 4)));
        assert!(Ty::Int.fits(&Ty::Float));
        assert!(!Ty::Float.fits(&Ty::Int));
    }

    #[test]
    fn dates_and_timestamps_do_not_mix() {
        assert_eq!(Ty::common(&Ty::Date, &Ty::Timestamp), None);
        assert_eq!(Ty::common(&Ty::String, &Ty::Int), None);
        assert!(Ty::Date.castable_to(&Ty::Timestamp));
        assert!(!Ty::Array(Box::new(Ty::Int)).castable_to(&Ty::Int));
    }

    #[test]
    fn null_and_unknown_fit_anywhere() {
        assert_eq!(Ty::common(&Ty::Null, &Ty::Date), Some(Ty::Date));
        assert_eq!(Ty::common(&Ty::Unknown, &Ty::Date), Some(Ty::Unknown));
        assert!(Ty::Null.fits(&Ty::Int));
    }
}
