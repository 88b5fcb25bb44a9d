//! SQL type names (in `cast`, typed literals) as cjo types.

use sqlparser::ast::{ArrayElemTypeDef, DataType, ExactNumberInfo};

use crate::ty::{DEFAULT_DECIMAL, Ty};

/// The cjo type a SQL type name stands for; unknown for the types cjo
/// does not have (the structural checks of the target dialect report them).
pub fn data_type(dt: &DataType) -> Ty {
    match dt {
        DataType::Boolean | DataType::Bool => Ty::Bool,
        DataType::TinyInt(_)
        | DataType::SmallInt(_)
        | DataType::Int(_)
        | DataType::Integer(_)
        | DataType::BigInt(_)
        | DataType::Int64
        | DataType::Int2(_)
        | DataType::Int4(_)
        | DataType::Int8(_) => Ty::Int,
        DataType::Float(_)
        | DataType::Float4
        | DataType::Float8
        | DataType::Float64
        | DataType::Real
        | DataType::Double(_)
        | DataType::DoublePrecision => Ty::Float,
        DataType::Decimal(info)
        | DataType::Numeric(info)
        | DataType::Dec(info)
        | DataType::BigNumeric(info)
        | DataType::BigDecimal(info) => {
            let (p, s) = match info {
                ExactNumberInfo::None => DEFAULT_DECIMAL,
                ExactNumberInfo::Precision(p) => (u32::try_from(*p).unwrap_or(38), 0),
                ExactNumberInfo::PrecisionAndScale(p, s) => {
                    (u32::try_from(*p).unwrap_or(38), u32::try_from(*s).unwrap_or(0))
                }
            };
            Ty::Decimal { precision: p, scale: s }
        }
        DataType::String(_)
        | DataType::Varchar(_)
        | DataType::Char(_)
        | DataType::CharVarying(_)
        | DataType::Character(_)
        | DataType::CharacterVarying(_)
        | DataType::Nvarchar(_)
        | DataType::Text => Ty::String,
        DataType::Bytes(_) | DataType::Binary(_) | DataType::Varbinary(_) | DataType::Bytea | DataType::Blob(_) => {
            Ty::Bytes
        }
        DataType::Date => Ty::Date,
        DataType::Timestamp(..) | DataType::Datetime(_) | DataType::TimestampNtz(_) => Ty::Timestamp,
        DataType::JSON | DataType::JSONB => Ty::Json,
        DataType::Interval { .. } => Ty::Interval,
        DataType::Array(element) => match element {
            ArrayElemTypeDef::AngleBracket(t)
            | ArrayElemTypeDef::SquareBracket(t, _)
            | ArrayElemTypeDef::Parenthesis(t) => Ty::Array(Box::new(data_type(t))),
            ArrayElemTypeDef::None | ArrayElemTypeDef::Qualified(..) => Ty::Array(Box::new(Ty::Unknown)),
        },
        DataType::Custom(name, _) => Ty::primitive(&name.to_string()).unwrap_or(Ty::Unknown),
        _ => Ty::Unknown,
    }
}
