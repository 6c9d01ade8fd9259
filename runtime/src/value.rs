//! Values: binding Rust values as parameters ([`ToParam`]), decoding columns into Rust
//! values ([`FromColumn`]), the dynamic [`Value`], and database enums ([`DbEnum`]).
//!
//! Both traits talk to the drivers directly — a parameter is handed to rusqlite or
//! `postgres` without an intermediate value, and a column is decoded straight from
//! the driver's row — so the typed path allocates nothing beyond what the driver does.
//!
//! # Type mapping
//!
//! The one table of Prisma types, `@db.*` native types, generated Rust types and
//! storage (the generator's choice is `ormgen_schema`'s `native` module).
//!
//! | Prisma type (`@db.*`) | Rust | PostgreSQL | SQLite (storage) |
//! |-----------------------|------|------------|------------------|
//! | `Boolean` (`Boolean`) | `bool` | `BOOLEAN` | INTEGER 0/1 |
//! | `Int @db.SmallInt` | `i16` | `SMALLINT` | INTEGER (range-checked) |
//! | `Int` (`Integer`) | `i32` | `INTEGER` (decoding also takes `SMALLINT`) | INTEGER (range-checked) |
//! | `Int @db.Oid` | `u32` | `OID` | INTEGER (range-checked) |
//! | `BigInt` (`BigInt`) | `i64` | `BIGINT` (decoding widens) | INTEGER |
//! | `Float @db.Real` | `f32` | `REAL` | REAL (see NaN below) |
//! | `Float` (`DoublePrecision`) | `f64` | `DOUBLE PRECISION` (also binds to `REAL`, rounded) | REAL (see NaN below) |
//! | `String` (`Text`, `Char(n)`, `VarChar(n)`, `Citext`) | `String`, `&str` | `TEXT`, `BPCHAR` (blank-padded to n), `VARCHAR`, `citext`, enum labels | TEXT |
//! | `String @db.Xml` | `String` | `XML` (its text; the server checks well-formedness) | — |
//! | `String @db.Bit(n)`, `@db.VarBit(n)` | `String` of `0`/`1` | `BIT`, `VARBIT` (binary: bit count + packed bits) | — |
//! | `String @db.Inet` | `String` such as `10.0.0.1`, `10.0.0.0/8`, `::1` | `INET` (binary: family, prefix, address; read back in PostgreSQL's text form, `/32` and `/128` left out) | — |
//! | `String @db.Uuid` | `uuid::Uuid` | `UUID` | TEXT (hyphenated); decoded from TEXT or a 16-byte BLOB |
//! | `Bytes` (`ByteA`) | `Vec<u8>`, `&[u8]` | `BYTEA` | BLOB |
//! | `Decimal` (`Decimal(p, s)`) | [`BigDecimal`] | `NUMERIC` (binary, exact, any precision; the server rounds to scale `s` and rejects more than `p - s` integer digits) | TEXT when bound; decoded from TEXT, INTEGER or REAL |
//! | `Decimal @db.Money` | — | rejected by `ormgen check`: `money`'s scale follows the server's `lc_monetary`, so use `@db.Decimal(19, 2)` | — |
//! | `DateTime` (`Timestamp(p)`, `Timestamptz(p)`) | `DateTime<Utc>` | `TIMESTAMP` (taken as UTC; default precision 3) and `TIMESTAMPTZ`; the server rounds to `p` fractional digits (at most 6) | TEXT `YYYY-MM-DD HH:MM:SS.sss` (UTC, rounded to ms); decoded from common text formats and integer milliseconds |
//! | `DateTime @db.Date` | `chrono::NaiveDate` | `DATE` (4713 BC to 5874897 AD; chrono holds years ±262142) | TEXT `YYYY-MM-DD` |
//! | `DateTime @db.Time(p)` | `chrono::NaiveTime` | `TIME` (µs; the server rounds to `p`; `24:00:00` is a decode error) | TEXT `HH:MM:SS.ffffff` |
//! | `DateTime @db.Timetz(p)` | [`TimeTz`] (time of day + `FixedOffset`) | `TIMETZ` (µs + zone) | TEXT `HH:MM:SS.ffffff+HH:MM` |
//! | `Json` (`Json`, `JsonB`) | `serde_json::Value` | `JSONB`, `JSON` | TEXT; INTEGER/REAL decoded as JSON numbers |
//! | enums | [`DbEnum`] types | the native enum type (or text) | TEXT label |
//! | optional fields | `Option<T>` | NULL | NULL |
//! | lists `T[]` | `Vec<T>` of the types above (not `u8`: `Vec<u8>` is bytes) | `T[]` (one dimension; a NULL column reads as an empty list) | none: scalar lists are PostgreSQL arrays, binding one on SQLite is an error |
//!
//! Why these types: `NaiveDate`/`NaiveTime` because `DATE` and `TIME` carry no
//! time zone (a `DateTime<Utc>` would invent a midnight or a date); `TIMESTAMP` and
//! `TIMESTAMPTZ` stay `DateTime<Utc>` as in Prisma; `i16`, `u32`, `f32` are the
//! exact ranges of `SMALLINT`, `OID` and `REAL`, so an out-of-range value cannot
//! be built in Rust instead of failing in the database; the `String` types Prisma
//! maps to `String` keep PostgreSQL's text form.
//!
//! **Floats.** PostgreSQL stores and returns NaN, `inf` and `-inf` unchanged. SQLite
//! stores ±inf unchanged but turns NaN into NULL: reading it back into `f64` is a
//! [`Error::Decode`](crate::Error::Decode) ("found NULL"), into `Option<f64>` gives `None`.
//!
//! **Decimals on SQLite.** Prisma's `Decimal` maps to a `DECIMAL` column, which has
//! NUMERIC affinity: SQLite converts the bound text into INTEGER or REAL, so only
//! integers within `i64` and values with at most ~15 significant digits round-trip
//! exactly (as with Prisma). Declare the column `TEXT` to keep every digit. PostgreSQL's
//! `NUMERIC` round-trips every digit (tested with 65 digits, 30 of them fractional).

use std::borrow::Cow;
#[cfg(feature = "postgres")]
use std::error::Error as StdError;
use std::fmt;
#[cfg(feature = "rusqlite")]
use std::str::FromStr;

use bigdecimal::BigDecimal;
#[cfg(feature = "postgres")]
use bigdecimal::num_bigint::{BigInt, Sign};
#[cfg(feature = "postgres")]
use bytes::{BufMut, BytesMut};
#[cfg(feature = "rusqlite")]
use chrono::TimeZone;
use chrono::{DateTime, NaiveDateTime, Utc};
#[cfg(feature = "postgres")]
use postgres::types::{FromSql, IsNull, Kind, ToSql, Type};
#[cfg(feature = "rusqlite")]
use rusqlite::types::{ToSqlOutput, ValueRef};

mod array;
mod db_enum;
#[cfg(feature = "postgres")]
pub mod numeric;
#[cfg(feature = "postgres")]
mod pg_wire;
mod temporal;

pub use array::ArrayElement;
pub use db_enum::{DbEnum, enum_support};
pub use temporal::TimeTz;

/// What the driver's `to_sql`/`from_sql` return on error.
#[cfg(feature = "postgres")]
pub type PgError = Box<dyn StdError + Sync + Send>;

/// A Rust value that can be bound as a statement parameter on both backends.
///
/// Its methods are those of the backends ormgen was built with: `to_sqlite` with
/// the `sqlite` or `sqlite-system` feature, `pg_accepts` and `to_pg` with
/// `postgres`.
///
/// Implemented for the scalar types in the module docs, `Option<T>`, references, and
/// [`Value`]. Generated enums get it from [`impl_db_enum!`](crate::impl_db_enum).
pub trait ToParam: fmt::Debug + Sync {
    /// The value for SQLite.
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>>;
    /// Whether this value can be sent as a parameter of PostgreSQL type `ty`.
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool;
    /// Writes the value in PostgreSQL's binary format for type `ty`.
    #[cfg(feature = "postgres")]
    fn to_pg(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError>;
}

/// A Rust type that can be decoded from a result column on both backends.
///
/// Its methods are those of the backends ormgen was built with: `from_sqlite` with
/// the `sqlite` or `sqlite-system` feature, `pg_accepts` and `from_pg` with
/// `postgres`.
pub trait FromColumn: Sized {
    /// Decodes a SQLite value; on mismatch, returns what was found.
    #[cfg(feature = "rusqlite")]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, Cow<'static, str>>;
    /// Whether a PostgreSQL column of type `ty` can be decoded into `Self`.
    #[cfg(feature = "postgres")]
    fn pg_accepts(ty: &Type) -> bool;
    /// Decodes PostgreSQL's binary value (`None` for NULL) of type `ty`.
    #[cfg(feature = "postgres")]
    fn from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>>;
}

/// Describes a SQLite value's storage class for error messages.
#[cfg(feature = "rusqlite")]
pub(crate) fn sqlite_kind(v: ValueRef<'_>) -> Cow<'static, str> {
    Cow::Borrowed(match v {
        ValueRef::Null => "NULL",
        ValueRef::Integer(_) => "INTEGER",
        ValueRef::Real(_) => "REAL",
        ValueRef::Text(_) => "TEXT",
        ValueRef::Blob(_) => "BLOB",
    })
}

#[cfg(feature = "postgres")]
fn pg_null(ty: &Type) -> Cow<'static, str> {
    Cow::Owned(format!("NULL ({})", ty.name()))
}

#[cfg(feature = "postgres")]
fn pg_err(ty: &Type, e: PgError) -> Cow<'static, str> {
    Cow::Owned(format!("{} value that failed to decode: {e}", ty.name()))
}

#[cfg(feature = "postgres")]
#[inline]
fn is_texty(ty: &Type) -> bool {
    matches!(
        *ty,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN
    ) || matches!(ty.kind(), Kind::Enum(_))
        || ty.name() == "citext"
}

/// Types a Rust string binds to and decodes from: the text types and the ones
/// Prisma maps to `String` whose wire format is not text (`BIT`, `VARBIT`, `INET`,
/// `CIDR`, `XML`; see [`pg_wire`]).
#[cfg(feature = "postgres")]
#[inline]
fn is_string_type(ty: &Type) -> bool {
    is_texty(ty) || pg_wire::is_wire_string(ty)
}

// ---------------------------------------------------------------------------------
// References and Option

impl<T: ToParam + ?Sized> ToParam for &T {
    #[inline]
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        (**self).to_sqlite()
    }
    #[inline]
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        (**self).pg_accepts(ty)
    }
    #[inline]
    #[cfg(feature = "postgres")]
    fn to_pg(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        (**self).to_pg(ty, out)
    }
}

impl<T: ToParam + ?Sized> ToParam for Box<T> {
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        (**self).to_sqlite()
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        (**self).pg_accepts(ty)
    }
    #[cfg(feature = "postgres")]
    fn to_pg(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        (**self).to_pg(ty, out)
    }
}

impl<T: ToParam> ToParam for Option<T> {
    #[inline]
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            Some(v) => v.to_sqlite(),
            None => Ok(ToSqlOutput::Borrowed(ValueRef::Null)),
        }
    }
    /// `None` is accepted for every type: NULL needs no encoding.
    #[inline]
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        self.as_ref().is_none_or(|v| v.pg_accepts(ty))
    }
    #[inline]
    #[cfg(feature = "postgres")]
    fn to_pg(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        match self {
            Some(v) => v.to_pg(ty, out),
            None => Ok(IsNull::Yes),
        }
    }
}

impl<T: FromColumn> FromColumn for Option<T> {
    #[inline]
    #[cfg(feature = "rusqlite")]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, Cow<'static, str>> {
        match value {
            ValueRef::Null => Ok(None),
            v => T::from_sqlite(v).map(Some),
        }
    }
    #[inline]
    #[cfg(feature = "postgres")]
    fn pg_accepts(ty: &Type) -> bool {
        T::pg_accepts(ty)
    }
    #[inline]
    #[cfg(feature = "postgres")]
    fn from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>> {
        match raw {
            None => Ok(None),
            raw => T::from_pg(ty, raw).map(Some),
        }
    }
}

// ---------------------------------------------------------------------------------
// Types both drivers handle natively

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
fn int_to_pg(v: i64, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
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

impl<const N: usize> ToParam for [u8; N] {
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
        pg_wire::encode(self, ty, out)?;
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
        numeric::encode(self, out)?;
        Ok(IsNull::No)
    }
}

// ---------------------------------------------------------------------------------
// Decoding

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
fn text_from_sqlite(value: ValueRef<'_>) -> Result<&str, Cow<'static, str>> {
    match value {
        ValueRef::Text(t) => {
            std::str::from_utf8(t).map_err(|_| Cow::Borrowed("TEXT that is not UTF-8"))
        }
        other => Err(sqlite_kind(other)),
    }
}

#[cfg(feature = "postgres")]
#[inline]
fn text_from_pg<'a>(ty: &Type, raw: Option<&'a [u8]>) -> Result<&'a str, Cow<'static, str>> {
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
        pg_wire::decode(ty, raw.ok_or_else(|| pg_null(ty))?).map(Cow::into_owned)
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
        numeric::decode(raw.ok_or_else(|| pg_null(ty))?).map_err(Cow::Owned)
    }
}

// ---------------------------------------------------------------------------------
// Dynamic values

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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    #[cfg(feature = "postgres")]
    use std::str::FromStr;

    #[cfg(feature = "postgres")]
    fn rt(s: &str) -> String {
        let d = BigDecimal::from_str(s).unwrap();
        let mut buf = BytesMut::new();
        numeric::encode(&d, &mut buf).unwrap();
        let back = numeric::decode(&buf).unwrap();
        assert_eq!(back, d, "{s}");
        back.to_string()
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn numeric_round_trips() {
        for s in [
            "0",
            "0.00",
            "1",
            "-1",
            "10000",
            "0.0001",
            "-0.000000000000000000000000000001",
            "12345678901234567890123456789012345.123456789012345678901234567890",
            "-99999999999999999999999999999999999.999999999999999999999999999999",
            "1e20",
            "123.4500",
        ] {
            rt(s);
        }
        assert_eq!(rt("123.4500"), "123.4500");
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn numeric_wire_format_matches_postgres() {
        // 12345.678 → digits [1, 2345, 6780], weight 1, dscale 3
        let mut buf = BytesMut::new();
        numeric::encode(&BigDecimal::from_str("12345.678").unwrap(), &mut buf).unwrap();
        assert_eq!(
            &buf[..],
            &[0, 3, 0, 1, 0, 0, 0, 3, 0, 1, 0x09, 0x29, 0x1A, 0x7C]
        );
    }

    #[test]
    fn datetime_text_forms() {
        let want = Utc.with_ymd_and_hms(2024, 2, 29, 13, 14, 15).unwrap();
        for t in [
            "2024-02-29 13:14:15",
            "2024-02-29T13:14:15Z",
            "2024-02-29 13:14:15.000",
            "2024-02-29T15:14:15+02:00",
        ] {
            assert_eq!(parse_datetime_text(t), Some(want), "{t}");
        }
        assert_eq!(sqlite_datetime_text(&want), "2024-02-29 13:14:15.000");
    }
}
