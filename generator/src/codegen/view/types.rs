//! Rust types and query-module SQL type markers of column values.

use ormgen_schema::{RustScalar, Schema};

use super::QUERY_MOD;

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
    let marker = match t {
        RustScalar::String => "Text",
        RustScalar::Bool => "Bool",
        RustScalar::I16 => "SmallInt",
        RustScalar::I32 => "Int",
        RustScalar::U32 => "Oid",
        RustScalar::I64 => "BigInt",
        RustScalar::F32 => "Real",
        RustScalar::F64 => "Double",
        RustScalar::Decimal => "Decimal",
        RustScalar::DateTime => "Timestamp",
        RustScalar::Date => "Date",
        RustScalar::Time => "Time",
        RustScalar::TimeTz => "TimeTz",
        RustScalar::Json => "Json",
        RustScalar::Bytes => "Bytes",
        RustScalar::Uuid => "Uuid",
        // A schema enum is its own marker.
        RustScalar::Enum(e) => return Some(schema.enum_(e).rust_name.clone()),
        RustScalar::Unsupported => return None,
    };
    Some(format!("{QUERY_MOD}::{marker}"))
}
