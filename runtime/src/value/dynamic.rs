//! The dynamic [`Value`]: binds like its inner value, decodes by the column's type.

use std::borrow::Cow;

use bigdecimal::BigDecimal;
#[cfg(feature = "postgres")]
use bytes::BytesMut;
use chrono::{DateTime, Utc};
#[cfg(feature = "postgres")]
use postgres::types::{IsNull, Kind, Type};
#[cfg(feature = "rusqlite")]
use rusqlite::types::{ToSqlOutput, ValueRef};

use super::{FromColumn, TimeTz, ToParam};
#[cfg(feature = "postgres")]
use super::{PgError, is_string_type};

/// A dynamically typed value, for code that does not know its types at compile time.
///
/// It binds like its inner value (`Null` binds to any type) and decodes by the
/// column's type (PostgreSQL) or storage class (SQLite).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A boolean.
    Bool(bool),
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer (every SQLite integer decodes to this).
    I64(i64),
    /// A double.
    F64(f64),
    /// Text.
    Text(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// An arbitrary-precision decimal.
    Decimal(BigDecimal),
    /// A UTC timestamp.
    DateTime(DateTime<Utc>),
    /// A date (`DATE`).
    Date(chrono::NaiveDate),
    /// A time of day (`TIME`).
    Time(chrono::NaiveTime),
    /// A time of day with offset (`TIMETZ`).
    TimeTz(TimeTz),
    /// JSON.
    Json(serde_json::Value),
    /// A UUID.
    Uuid(uuid::Uuid),
    /// A PostgreSQL array (a scalar list); its elements are values of one type.
    Array(Vec<Value>),
}

macro_rules! value_dispatch {
    ($self:ident, $v:ident => $e:expr, null => $n:expr) => {
        match $self {
            Value::Null => $n,
            Value::Bool($v) => $e,
            Value::I32($v) => $e,
            Value::I64($v) => $e,
            Value::F64($v) => $e,
            Value::Text($v) => $e,
            Value::Bytes($v) => $e,
            Value::Decimal($v) => $e,
            Value::DateTime($v) => $e,
            Value::Date($v) => $e,
            Value::Time($v) => $e,
            Value::TimeTz($v) => $e,
            Value::Json($v) => $e,
            Value::Uuid($v) => $e,
            Value::Array($v) => $e,
        }
    };
}

impl ToParam for Value {
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        value_dispatch!(self, v => v.to_sqlite(), null => Ok(ToSqlOutput::Borrowed(ValueRef::Null)))
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        value_dispatch!(self, v => v.pg_accepts(ty), null => true)
    }
    #[cfg(feature = "postgres")]
    fn to_pg(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        value_dispatch!(self, v => v.to_pg(ty, out), null => Ok(IsNull::Yes))
    }
}

impl FromColumn for Value {
    #[cfg(feature = "rusqlite")]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, Cow<'static, str>> {
        Ok(match value {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::I64(i),
            ValueRef::Real(f) => Value::F64(f),
            ValueRef::Text(_) => Value::Text(String::from_sqlite(value)?),
            ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
        })
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(_ty: &Type) -> bool {
        true
    }
    #[cfg(feature = "postgres")]
    fn from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>> {
        if raw.is_none() {
            return Ok(Value::Null);
        }
        Ok(match *ty {
            Type::BOOL => Value::Bool(bool::from_pg(ty, raw)?),
            Type::INT2 | Type::INT4 => Value::I32(i32::from_pg(ty, raw)?),
            Type::INT8 => Value::I64(i64::from_pg(ty, raw)?),
            Type::OID => Value::I64(i64::from(u32::from_pg(ty, raw)?)),
            Type::DATE => Value::Date(chrono::NaiveDate::from_pg(ty, raw)?),
            Type::TIME => Value::Time(chrono::NaiveTime::from_pg(ty, raw)?),
            Type::TIMETZ => Value::TimeTz(TimeTz::from_pg(ty, raw)?),
            Type::FLOAT4 | Type::FLOAT8 => Value::F64(f64::from_pg(ty, raw)?),
            Type::BYTEA => Value::Bytes(Vec::from_pg(ty, raw)?),
            Type::NUMERIC => Value::Decimal(BigDecimal::from_pg(ty, raw)?),
            Type::TIMESTAMP | Type::TIMESTAMPTZ => Value::DateTime(DateTime::from_pg(ty, raw)?),
            Type::JSON | Type::JSONB => Value::Json(serde_json::Value::from_pg(ty, raw)?),
            Type::UUID => Value::Uuid(uuid::Uuid::from_pg(ty, raw)?),
            _ if is_string_type(ty) => Value::Text(String::from_pg(ty, raw)?),
            _ if matches!(ty.kind(), Kind::Array(_)) => Value::Array(Vec::from_pg(ty, raw)?),
            _ => {
                return Err(Cow::Owned(format!(
                    "{} (no dynamic Value mapping)",
                    ty.name()
                )));
            }
        })
    }
}

macro_rules! value_from {
    ($($t:ty => $v:ident),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self { Value::$v(v) }
        }
    )*};
}
value_from!(bool => Bool, i32 => I32, i64 => I64, f64 => F64, String => Text, Vec<u8> => Bytes,
    BigDecimal => Decimal, DateTime<Utc> => DateTime, serde_json::Value => Json, uuid::Uuid => Uuid,
    chrono::NaiveDate => Date, chrono::NaiveTime => Time, TimeTz => TimeTz);

impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::I64(i64::from(v))
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}
