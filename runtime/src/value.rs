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

use bigdecimal::BigDecimal;
#[cfg(feature = "postgres")]
use bigdecimal::num_bigint::{BigInt, Sign};
#[cfg(feature = "postgres")]
use bytes::{BufMut, BytesMut};
use chrono::{DateTime, Utc};
#[cfg(feature = "postgres")]
use postgres::types::{IsNull, Kind, Type};
#[cfg(feature = "rusqlite")]
use rusqlite::types::{ToSqlOutput, ValueRef};

mod array;
mod bind;
mod db_enum;
mod decode;
mod dynamic;
#[cfg(feature = "postgres")]
pub mod numeric;
#[cfg(feature = "postgres")]
mod pg_wire;
mod temporal;

pub use array::ArrayElement;
#[cfg(feature = "postgres")]
use bind::int_to_pg;
pub use bind::sqlite_datetime_text;
pub use db_enum::{DbEnum, enum_support};
pub use decode::parse_datetime_text;
#[cfg(feature = "postgres")]
use decode::text_from_pg;
#[cfg(feature = "rusqlite")]
use decode::text_from_sqlite;
pub use dynamic::Value;
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
