//! Binding: [`ToParam`] for the scalar types both drivers handle natively.

use bigdecimal::BigDecimal;
#[cfg(feature = "postgres")]
use bytes::{BufMut, BytesMut};
use chrono::{DateTime, Utc};
#[cfg(feature = "postgres")]
use postgres::types::{IsNull, ToSql, Type};
#[cfg(feature = "rusqlite")]
use rusqlite::types::{ToSqlOutput, ValueRef};

use super::ToParam;
#[cfg(feature = "postgres")]
use super::{PgError, is_string_type, is_texty};

macro_rules! delegate_to_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            #[inline]
            #[cfg(feature = "rusqlite")]
            fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                rusqlite::ToSql::to_sql(self)
            }
            #[inline]
            #[cfg(feature = "postgres")]
            fn pg_accepts(&self, ty: &Type) -> bool {
                <$t as ToSql>::accepts(ty)
            }
            #[inline]
            #[cfg(feature = "postgres")]
            fn to_pg(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
                ToSql::to_sql(self, ty, out)
            }
        }
    )*};
}
delegate_to_param!(bool, f32, Vec<u8>);

/// Writes an integer for any PostgreSQL integer type, range-checked, so `i64` values
/// bind to `INTEGER` columns and `i32` values to `BIGINT` ones.
#[cfg(feature = "postgres")]
#[inline]
pub(super) fn int_to_pg(v: i64, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
    match *ty {
        Type::INT2 => {
            out.put_i16(i16::try_from(v).map_err(|_| format!("{v} out of range for smallint"))?)
        }
        Type::INT4 => {
            out.put_i32(i32::try_from(v).map_err(|_| format!("{v} out of range for integer"))?)
        }
        Type::OID => {
            out.put_u32(u32::try_from(v).map_err(|_| format!("{v} out of range for oid"))?)
        }
        _ => out.put_i64(v),
    }
    Ok(IsNull::No)
}

macro_rules! int_to_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            #[inline]
            #[cfg(feature = "rusqlite")]
            fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::Owned(rusqlite::types::Value::Integer(i64::from(*self))))
            }
            #[inline]
            #[cfg(feature = "postgres")]
            fn pg_accepts(&self, ty: &Type) -> bool {
                matches!(*ty, Type::INT2 | Type::INT4 | Type::INT8 | Type::OID)
            }
            #[inline]
            #[cfg(feature = "postgres")]
            fn to_pg(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
                int_to_pg(i64::from(*self), ty, out)
            }
        }
    )*};
}
int_to_param!(i16, i32, i64);

impl ToParam for f64 {
    #[inline]
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Owned(rusqlite::types::Value::Real(*self)))
    }
    /// `DOUBLE PRECISION`, and `REAL` (rounded to `f32`).
    #[inline]
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        matches!(*ty, Type::FLOAT4 | Type::FLOAT8)
    }
    #[inline]
    #[cfg(feature = "postgres")]
    fn to_pg(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        if *ty == Type::FLOAT4 {
            out.put_f32(*self as f32);
        } else {
            out.put_f64(*self);
        }
        Ok(IsNull::No)
    }
}

impl ToParam for [u8] {
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Blob(self)))
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        *ty == Type::BYTEA
    }
    #[cfg(feature = "postgres")]
    fn to_pg(&self, _ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        out.put_slice(self);
        Ok(IsNull::No)
    }
}

/// As the slice.
impl<const N: usize> ToParam for [u8; N] {
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        self.as_slice().to_sqlite()
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        self.as_slice().pg_accepts(ty)
    }
    #[cfg(feature = "postgres")]
    fn to_pg(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        self.as_slice().to_pg(ty, out)
    }
}

impl ToParam for str {
    #[inline]
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Text(self.as_bytes())))
    }
    /// Text types, enum types (the label is sent as text), and `BIT`, `VARBIT`,
    /// `INET`, `CIDR`, `XML` (their text form, sent in their binary format).
    #[inline]
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        is_string_type(ty)
    }
    #[inline]
    #[cfg(feature = "postgres")]
    fn to_pg(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        super::pg_wire::encode(self, ty, out)?;
        Ok(IsNull::No)
    }
}

/// The text fields of generated insert types (`Cow<'v, str>`).
impl ToParam for std::borrow::Cow<'_, str> {
    #[inline]
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        (**self).to_sqlite()
    }
    #[inline]
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        is_string_type(ty)
    }
    #[inline]
    #[cfg(feature = "postgres")]
    fn to_pg(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        (**self).to_pg(ty, out)
    }
}

impl ToParam for String {
    #[inline]
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        self.as_str().to_sqlite()
    }
    #[inline]
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        is_string_type(ty)
    }
    #[inline]
    #[cfg(feature = "postgres")]
    fn to_pg(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        self.as_str().to_pg(ty, out)
    }
}

impl ToParam for uuid::Uuid {
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Owned(rusqlite::types::Value::Text(
            self.hyphenated().to_string(),
        )))
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        <uuid::Uuid as ToSql>::accepts(ty) || is_texty(ty)
    }
    #[cfg(feature = "postgres")]
    fn to_pg(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        if *ty == Type::UUID {
            ToSql::to_sql(self, ty, out)
        } else {
            out.put_slice(self.hyphenated().to_string().as_bytes());
            Ok(IsNull::No)
        }
    }
}

impl ToParam for serde_json::Value {
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        serde_json::to_string(self)
            .map(|s| ToSqlOutput::Owned(rusqlite::types::Value::Text(s)))
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        <serde_json::Value as ToSql>::accepts(ty)
    }
    #[cfg(feature = "postgres")]
    fn to_pg(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        ToSql::to_sql(self, ty, out)
    }
}

/// Formats a timestamp the way SQLite's `CURRENT_TIMESTAMP` does, with milliseconds:
/// `YYYY-MM-DD HH:MM:SS.sss`, rounded to the millisecond like PostgreSQL's `TIMESTAMP(3)`.
pub fn sqlite_datetime_text(dt: &DateTime<Utc>) -> String {
    use chrono::DurationRound;
    let rounded = dt
        .duration_round(chrono::TimeDelta::milliseconds(1))
        .unwrap_or(*dt);
    rounded.format("%Y-%m-%d %H:%M:%S%.3f").to_string()
}

impl ToParam for DateTime<Utc> {
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Owned(rusqlite::types::Value::Text(
            sqlite_datetime_text(self),
        )))
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        matches!(*ty, Type::TIMESTAMP | Type::TIMESTAMPTZ)
    }
    #[cfg(feature = "postgres")]
    fn to_pg(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        if *ty == Type::TIMESTAMP {
            ToSql::to_sql(&self.naive_utc(), ty, out)
        } else {
            ToSql::to_sql(self, ty, out)
        }
    }
}

impl ToParam for BigDecimal {
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Owned(rusqlite::types::Value::Text(
            self.to_plain_string(),
        )))
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }
    #[cfg(feature = "postgres")]
    fn to_pg(&self, _ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        super::numeric::encode(self, out)?;
        Ok(IsNull::No)
    }
}
