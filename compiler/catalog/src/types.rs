//! The cjo types a catalog column can have, and how they print.

use std::fmt;

/// A cjo type, as far as a warehouse column needs one. The semantic stage
/// maps between this and the syntax tree's `TypeExpr`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    /// 64-bit integer.
    Int,
    /// 64-bit floating point.
    Float,
    Decimal {
        precision: u32,
        scale: u32,
    },
    String,
    Bytes,
    Date,
    /// An instant, in UTC.
    Timestamp,
    Json,
    Array(Box<Type>),
    /// Named fields, in the warehouse's order.
    Struct(Vec<(String, Type)>),
}

impl fmt::Display for Type {
    /// Prints cjo syntax: `array<struct<a: int, b: decimal(10, 2)>>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Int => f.write_str("int"),
            Type::Float => f.write_str("float"),
            Type::Decimal { precision, scale } => write!(f, "decimal({precision}, {scale})"),
            Type::String => f.write_str("string"),
            Type::Bytes => f.write_str("bytes"),
            Type::Date => f.write_str("date"),
            Type::Timestamp => f.write_str("timestamp"),
            Type::Json => f.write_str("json"),
            Type::Array(element) => write!(f, "array<{element}>"),
            Type::Struct(fields) => {
                f.write_str("struct<")?;
                for (i, (name, ty)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{name}: {ty}")?;
                }
                f.write_str(">")
            }
        }
    }
}

/// The largest decimal precision any supported warehouse has (BigQuery
/// `BIGNUMERIC`).
pub const MAX_DECIMAL_PRECISION: u32 = 76;

/// Whether `(precision, scale)` is a decimal some warehouse can hold.
pub fn valid_decimal(precision: u32, scale: u32) -> bool {
    (1..=MAX_DECIMAL_PRECISION).contains(&precision) && scale <= precision
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_cjo_syntax() {
        let ty = Type::Array(Box::new(Type::Struct(vec![
            ("a".into(), Type::Int),
            ("b".into(), Type::Decimal { precision: 10, scale: 2 }),
            ("c".into(), Type::Array(Box::new(Type::String))),
        ])));
        assert_eq!(ty.to_string(), "array<struct<a: int, b: decimal(10, 2), c: array<string>>>");
        assert_eq!(Type::Timestamp.to_string(), "timestamp");
    }
}
