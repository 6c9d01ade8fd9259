//! Decoding: [`FromColumn`] for the scalar types, from either driver's column.

use std::borrow::Cow;
#[cfg(feature = "rusqlite")]
use std::str::FromStr;

use bigdecimal::BigDecimal;
#[cfg(feature = "rusqlite")]
use chrono::TimeZone;
use chrono::{DateTime, NaiveDateTime, Utc};
#[cfg(feature = "postgres")]
use postgres::types::{FromSql, Type};
#[cfg(feature = "rusqlite")]
use rusqlite::types::ValueRef;

use super::FromColumn;
#[cfg(feature = "rusqlite")]
use super::sqlite_kind;
#[cfg(feature = "postgres")]
use super::{is_string_type, is_texty, pg_err, pg_null};

#[cfg(feature = "rusqlite")]
fn int_from_sqlite<T: TryFrom<i64>>(
    v: ValueRef<'_>,
    name: &'static str,
) -> Result<T, Cow<'static, str>> {
    match v {
        ValueRef::Integer(i) => {
            T::try_from(i).map_err(|_| Cow::Owned(format!("INTEGER {i} (out of range for {name})")))
        }
        other => Err(sqlite_kind(other)),
    }
}

#[cfg(feature = "postgres")]
#[inline]
fn int_from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<i64, Cow<'static, str>> {
    let raw = raw.ok_or_else(|| pg_null(ty))?;
    match *ty {
        Type::INT2 => i16::from_sql(ty, raw).map(i64::from),
        Type::INT4 => i32::from_sql(ty, raw).map(i64::from),
        _ => i64::from_sql(ty, raw),
    }
    .map_err(|e| pg_err(ty, e))
}

macro_rules! int_from_column {
    ($t:ty, $name:literal, $($pg:ident)|+) => {
        impl FromColumn for $t {
            #[inline]
            #[cfg(feature = "rusqlite")]
            fn from_sqlite(value: ValueRef<'_>) -> Result<Self, Cow<'static, str>> {
                int_from_sqlite(value, $name)
            }
            #[inline]
            #[cfg(feature = "postgres")]
            fn pg_accepts(ty: &Type) -> bool {
                matches!(*ty, $(Type::$pg)|+)
            }
            #[inline]
            #[cfg(feature = "postgres")]
            fn from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>> {
                // Only types that fit are accepted, so the conversion cannot fail.
                let v = int_from_pg(ty, raw)?;
                <$t>::try_from(v).map_err(|_| Cow::Owned(format!("{v} out of range for {}", $name)))
            }
        }
    };
}
int_from_column!(i16, "i16", INT2);
int_from_column!(i32, "i32", INT2 | INT4);
int_from_column!(i64, "i64", INT2 | INT4 | INT8);

impl FromColumn for bool {
    #[cfg(feature = "rusqlite")]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, Cow<'static, str>> {
        match value {
            ValueRef::Integer(0) => Ok(false),
            ValueRef::Integer(1) => Ok(true),
            ValueRef::Integer(i) => Err(Cow::Owned(format!("INTEGER {i} (not 0 or 1)"))),
            other => Err(sqlite_kind(other)),
        }
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(ty: &Type) -> bool {
        *ty == Type::BOOL
    }
    #[cfg(feature = "postgres")]
    fn from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>> {
        bool::from_sql(ty, raw.ok_or_else(|| pg_null(ty))?).map_err(|e| pg_err(ty, e))
    }
}

impl FromColumn for f64 {
    #[inline]
    #[cfg(feature = "rusqlite")]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, Cow<'static, str>> {
        match value {
            ValueRef::Real(f) => Ok(f),
            ValueRef::Integer(i) => Ok(i as f64),
            other => Err(sqlite_kind(other)),
        }
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(ty: &Type) -> bool {
        matches!(*ty, Type::FLOAT4 | Type::FLOAT8)
    }
    #[cfg(feature = "postgres")]
    fn from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>> {
        let raw = raw.ok_or_else(|| pg_null(ty))?;
        if *ty == Type::FLOAT4 {
            f32::from_sql(ty, raw).map(f64::from)
        } else {
            f64::from_sql(ty, raw)
        }
        .map_err(|e| pg_err(ty, e))
    }
}

impl FromColumn for f32 {
    #[cfg(feature = "rusqlite")]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, Cow<'static, str>> {
        f64::from_sqlite(value).map(|f| f as f32)
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(ty: &Type) -> bool {
        *ty == Type::FLOAT4
    }
    #[cfg(feature = "postgres")]
    fn from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>> {
        f32::from_sql(ty, raw.ok_or_else(|| pg_null(ty))?).map_err(|e| pg_err(ty, e))
    }
}

#[cfg(feature = "rusqlite")]
#[inline]
pub(super) fn text_from_sqlite(value: ValueRef<'_>) -> Result<&str, Cow<'static, str>> {
    match value {
        ValueRef::Text(t) => {
            std::str::from_utf8(t).map_err(|_| Cow::Borrowed("TEXT that is not UTF-8"))
        }
        other => Err(sqlite_kind(other)),
    }
}

#[cfg(feature = "postgres")]
#[inline]
pub(super) fn text_from_pg<'a>(
    ty: &Type,
    raw: Option<&'a [u8]>,
) -> Result<&'a str, Cow<'static, str>> {
    let raw = raw.ok_or_else(|| pg_null(ty))?;
    std::str::from_utf8(raw).map_err(|_| Cow::Owned(format!("{} that is not UTF-8", ty.name())))
}

impl FromColumn for String {
    #[inline]
    #[cfg(feature = "rusqlite")]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, Cow<'static, str>> {
        text_from_sqlite(value).map(str::to_owned)
    }
    #[inline]
    #[cfg(feature = "postgres")]
    fn pg_accepts(ty: &Type) -> bool {
        is_string_type(ty)
    }
    #[inline]
    #[cfg(feature = "postgres")]
    fn from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>> {
        super::pg_wire::decode(ty, raw.ok_or_else(|| pg_null(ty))?).map(Cow::into_owned)
    }
}

impl FromColumn for Vec<u8> {
    #[cfg(feature = "rusqlite")]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, Cow<'static, str>> {
        match value {
            ValueRef::Blob(b) => Ok(b.to_vec()),
            other => Err(sqlite_kind(other)),
        }
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(ty: &Type) -> bool {
        *ty == Type::BYTEA
    }
    #[cfg(feature = "postgres")]
    fn from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>> {
        raw.map(<[u8]>::to_vec).ok_or_else(|| pg_null(ty))
    }
}

impl FromColumn for uuid::Uuid {
    #[cfg(feature = "rusqlite")]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, Cow<'static, str>> {
        match value {
            ValueRef::Text(_) => {
                let t = text_from_sqlite(value)?;
                uuid::Uuid::parse_str(t).map_err(|_| Cow::Owned(format!("TEXT {t:?} (not a UUID)")))
            }
            ValueRef::Blob(b) => uuid::Uuid::from_slice(b)
                .map_err(|_| Cow::Owned(format!("BLOB of {} bytes (not a UUID)", b.len()))),
            other => Err(sqlite_kind(other)),
        }
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(ty: &Type) -> bool {
        *ty == Type::UUID || is_texty(ty)
    }
    #[cfg(feature = "postgres")]
    fn from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>> {
        if *ty == Type::UUID {
            uuid::Uuid::from_sql(ty, raw.ok_or_else(|| pg_null(ty))?).map_err(|e| pg_err(ty, e))
        } else {
            let t = text_from_pg(ty, raw)?;
            uuid::Uuid::parse_str(t)
                .map_err(|_| Cow::Owned(format!("{} {t:?} (not a UUID)", ty.name())))
        }
    }
}

impl FromColumn for serde_json::Value {
    #[cfg(feature = "rusqlite")]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, Cow<'static, str>> {
        match value {
            ValueRef::Text(_) => {
                let t = text_from_sqlite(value)?;
                serde_json::from_str(t)
                    .map_err(|e| Cow::Owned(format!("TEXT that is not JSON ({e})")))
            }
            // A column declared JSONB has NUMERIC affinity: scalar numbers come back as numbers.
            ValueRef::Integer(i) => Ok(serde_json::Value::from(i)),
            ValueRef::Real(f) => serde_json::Number::from_f64(f)
                .map(serde_json::Value::Number)
                .ok_or(Cow::Borrowed("REAL that is not a JSON number")),
            other => Err(sqlite_kind(other)),
        }
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(ty: &Type) -> bool {
        matches!(*ty, Type::JSON | Type::JSONB)
    }
    #[cfg(feature = "postgres")]
    fn from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>> {
        serde_json::Value::from_sql(ty, raw.ok_or_else(|| pg_null(ty))?).map_err(|e| pg_err(ty, e))
    }
}

/// Parses the text forms SQLite applications use for timestamps (taken as UTC when they
/// carry no offset): `YYYY-MM-DD HH:MM:SS[.fff]`, the same with `T`, RFC 3339 with an
/// offset, and a bare date.
pub fn parse_datetime_text(t: &str) -> Option<DateTime<Utc>> {
    let t = t.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some(n.and_utc());
        }
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%.f%#z",
        "%Y-%m-%d %H:%M:%S%.fZ",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(t, fmt) {
            return Some(dt.with_timezone(&Utc));
        }
        if let Ok(n) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some(n.and_utc());
        }
    }
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| n.and_utc())
}

impl FromColumn for DateTime<Utc> {
    #[cfg(feature = "rusqlite")]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, Cow<'static, str>> {
        match value {
            ValueRef::Text(_) => {
                let t = text_from_sqlite(value)?;
                parse_datetime_text(t)
                    .ok_or_else(|| Cow::Owned(format!("TEXT {t:?} (not a timestamp)")))
            }
            ValueRef::Integer(ms) => Utc
                .timestamp_millis_opt(ms)
                .single()
                .ok_or_else(|| Cow::Owned(format!("INTEGER {ms} (out of range for milliseconds)"))),
            other => Err(sqlite_kind(other)),
        }
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(ty: &Type) -> bool {
        matches!(*ty, Type::TIMESTAMP | Type::TIMESTAMPTZ)
    }
    #[cfg(feature = "postgres")]
    fn from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>> {
        let raw = raw.ok_or_else(|| pg_null(ty))?;
        if *ty == Type::TIMESTAMP {
            NaiveDateTime::from_sql(ty, raw).map(|n| n.and_utc())
        } else {
            DateTime::<Utc>::from_sql(ty, raw)
        }
        .map_err(|e| pg_err(ty, e))
    }
}

impl FromColumn for BigDecimal {
    #[cfg(feature = "rusqlite")]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, Cow<'static, str>> {
        match value {
            ValueRef::Integer(i) => Ok(BigDecimal::from(i)),
            ValueRef::Real(f) => BigDecimal::from_str(&f.to_string())
                .map_err(|_| Cow::Owned(format!("REAL {f} (not a finite decimal)"))),
            ValueRef::Text(_) => {
                let t = text_from_sqlite(value)?;
                BigDecimal::from_str(t.trim())
                    .map_err(|_| Cow::Owned(format!("TEXT {t:?} (not a decimal)")))
            }
            other => Err(sqlite_kind(other)),
        }
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }
    #[cfg(feature = "postgres")]
    fn from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>> {
        super::numeric::decode(raw.ok_or_else(|| pg_null(ty))?).map_err(Cow::Owned)
    }
}
