//! cjo types in each warehouse: the one table of type names.
//!
//! | cjo | BigQuery | Redshift | Trino |
//! |---|---|---|---|
//! | `bool` | `BOOL` | `BOOLEAN` | `boolean` |
//! | `int` | `INT64` | `BIGINT` | `bigint` |
//! | `float` | `FLOAT64` | `DOUBLE PRECISION` | `double` |
//! | `decimal(p, s)` | `NUMERIC(p, s)` (`BIGNUMERIC` beyond 38, 9) | `DECIMAL(p, s)` | `decimal(p, s)` |
//! | `string` | `STRING` | `VARCHAR(65535)` | `varchar` |
//! | `bytes` | `BYTES` | `VARBYTE` | `varbinary` |
//! | `date` | `DATE` | `DATE` | `date` |
//! | `timestamp` | `TIMESTAMP` | `TIMESTAMPTZ` | `timestamp(6) with time zone` |
//! | `json` | `JSON` | `SUPER` | `json` |
//! | `array<T>` | `ARRAY<T>` | `SUPER` | `array(T)` |
//! | `struct<a: T>` | `STRUCT<a T>` | `SUPER` | `row(a T)` |

use cjo_project::Dialect;
use cjo_semantic::Ty;

/// The name of `ty` in `dialect`; `None` for types a column cannot have
/// (unknown, `null`, intervals, type variables).
pub fn type_name(ty: &Ty, dialect: Dialect) -> Option<String> {
    use Dialect::{BigQuery, Redshift, Trino};
    let name = match (ty, dialect) {
        (Ty::Bool, BigQuery) => "BOOL".into(),
        (Ty::Bool, Redshift) => "BOOLEAN".into(),
        (Ty::Bool, Trino) => "boolean".into(),
        (Ty::Int, BigQuery) => "INT64".into(),
        (Ty::Int, Redshift) => "BIGINT".into(),
        (Ty::Int, Trino) => "bigint".into(),
        (Ty::Float, BigQuery) => "FLOAT64".into(),
        (Ty::Float, Redshift) => "DOUBLE PRECISION".into(),
        (Ty::Float, Trino) => "double".into(),
        (Ty::Decimal { precision, scale }, BigQuery) if *precision - (*scale).min(*precision) > 29 || *scale > 9 => {
            format!("BIGNUMERIC({precision}, {scale})")
        }
        (Ty::Decimal { precision, scale }, BigQuery) => format!("NUMERIC({precision}, {scale})"),
        (Ty::Decimal { precision, scale }, Redshift) => format!("DECIMAL({precision}, {scale})"),
        (Ty::Decimal { precision, scale }, Trino) => format!("decimal({precision}, {scale})"),
        (Ty::String, BigQuery) => "STRING".into(),
        (Ty::String, Redshift) => "VARCHAR(65535)".into(),
        (Ty::String, Trino) => "varchar".into(),
        (Ty::Bytes, BigQuery) => "BYTES".into(),
        (Ty::Bytes, Redshift) => "VARBYTE".into(),
        (Ty::Bytes, Trino) => "varbinary".into(),
        (Ty::Date, BigQuery | Redshift) => "DATE".into(),
        (Ty::Date, Trino) => "date".into(),
        (Ty::Timestamp, BigQuery) => "TIMESTAMP".into(),
        (Ty::Timestamp, Redshift) => "TIMESTAMPTZ".into(),
        (Ty::Timestamp, Trino) => "timestamp(6) with time zone".into(),
        (Ty::Json, BigQuery) => "JSON".into(),
        (Ty::Json | Ty::Array(_) | Ty::Struct(_), Redshift) => "SUPER".into(),
        (Ty::Json, Trino) => "json".into(),
        (Ty::Array(t), BigQuery) => format!("ARRAY<{}>", type_name(t, dialect)?),
        (Ty::Array(t), Trino) => format!("array({})", type_name(t, dialect)?),
        (Ty::Struct(fields), BigQuery) => {
            let fields: Option<Vec<String>> =
                fields.iter().map(|(n, t)| Some(format!("{n} {}", type_name(t, dialect)?))).collect();
            format!("STRUCT<{}>", fields?.join(", "))
        }
        (Ty::Struct(fields), Trino) => {
            let fields: Option<Vec<String>> =
                fields.iter().map(|(n, t)| Some(format!("{n} {}", type_name(t, dialect)?))).collect();
            format!("row({})", fields?.join(", "))
        }
        (Ty::Interval | Ty::Null | Ty::Unknown | Ty::Var(_), _) => return None,
    };
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table() {
        let ts = |d| type_name(&Ty::Timestamp, d).unwrap();
        assert_eq!(ts(Dialect::BigQuery), "TIMESTAMP");
        assert_eq!(ts(Dialect::Redshift), "TIMESTAMPTZ");
        assert_eq!(ts(Dialect::Trino), "timestamp(6) with time zone");
        let nested = Ty::Array(Box::new(Ty::Struct(vec![("a".into(), Ty::Int)])));
        assert_eq!(type_name(&nested, Dialect::BigQuery).unwrap(), "ARRAY<STRUCT<a INT64>>");
        assert_eq!(type_name(&nested, Dialect::Trino).unwrap(), "array(row(a bigint))");
        assert_eq!(type_name(&nested, Dialect::Redshift).unwrap(), "SUPER");
        assert_eq!(type_name(&Ty::Decimal { precision: 38, scale: 9 }, Dialect::BigQuery).unwrap(), "NUMERIC(38, 9)");
        assert_eq!(
            type_name(&Ty::Decimal { precision: 50, scale: 2 }, Dialect::BigQuery).unwrap(),
            "BIGNUMERIC(50, 2)"
        );
        assert_eq!(type_name(&Ty::Unknown, Dialect::Trino), None);
    }
}
