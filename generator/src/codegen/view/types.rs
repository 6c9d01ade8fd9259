//! Rust types and query-module SQL type markers of column values.

use ormgen_schema::{RustScalar, Schema};

use super::Q;

/// Rust type of a column value.
pub(super) fn rust_type(schema: &Schema, t: RustScalar) -> Option<String> {
    Some(match t {
        RustScalar::String => "String".into(),
        RustScalar::Bool => "bool".into(),
        RustScalar::I16 => "i16".into(),
        RustScalar::I32 => "i32".into(),
        RustScalar::U32 => "u32".into(),
        RustScalar::I64 => "i64".into(),
        RustScalar::F32 => "f32".into(),
        RustScalar::F64 => "f64".into(),
        RustScalar::Decimal => "::ormgen::BigDecimal".into(),
        RustScalar::DateTime => "::ormgen::chrono::DateTime<::ormgen::chrono::Utc>".into(),
        RustScalar::Date => "::ormgen::chrono::NaiveDate".into(),
        RustScalar::Time => "::ormgen::chrono::NaiveTime".into(),
        RustScalar::TimeTz => "::ormgen::TimeTz".into(),
        RustScalar::Json => "::ormgen::serde_json::Value".into(),
        RustScalar::Bytes => "::std::vec::Vec<u8>".into(),
        RustScalar::Uuid => "::ormgen::uuid::Uuid".into(),
        RustScalar::Enum(e) => schema.enum_(e).rust_name.clone(),
        RustScalar::Unsupported => return None,
    })
}

/// Query-module SQL type marker of a column value.
pub(super) fn sql_type_marker(schema: &Schema, t: RustScalar) -> Option<String> {
    Some(match t {
        RustScalar::String => format!("{Q}::Text"),
        RustScalar::Bool => format!("{Q}::Bool"),
        RustScalar::I16 => format!("{Q}::SmallInt"),
        RustScalar::I32 => format!("{Q}::Int"),
        RustScalar::U32 => format!("{Q}::Oid"),
        RustScalar::I64 => format!("{Q}::BigInt"),
        RustScalar::F32 => format!("{Q}::Real"),
        RustScalar::F64 => format!("{Q}::Double"),
        RustScalar::Decimal => format!("{Q}::Decimal"),
        RustScalar::DateTime => format!("{Q}::Timestamp"),
        RustScalar::Date => format!("{Q}::Date"),
        RustScalar::Time => format!("{Q}::Time"),
        RustScalar::TimeTz => format!("{Q}::TimeTz"),
        RustScalar::Json => format!("{Q}::Json"),
        RustScalar::Bytes => format!("{Q}::Bytes"),
        RustScalar::Uuid => format!("{Q}::Uuid"),
        RustScalar::Enum(e) => schema.enum_(e).rust_name.clone(),
        RustScalar::Unsupported => return None,
    })
}
