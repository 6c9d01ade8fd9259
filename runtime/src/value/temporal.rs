//! Dates and times of day: `chrono::NaiveDate` (`DATE`), `chrono::NaiveTime`
//! (`TIME`) and [`TimeTz`] (`TIMETZ`), bound and decoded in PostgreSQL's binary
//! formats, stored as ISO 8601 text on SQLite.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

#[cfg(feature = "postgres")]
use bytes::{BufMut, BytesMut};
use chrono::{FixedOffset, NaiveDate, NaiveTime, Timelike};
#[cfg(feature = "postgres")]
use postgres::types::{FromSql, IsNull, ToSql, Type};
#[cfg(feature = "rusqlite")]
use rusqlite::types::{ToSqlOutput, ValueRef};

use super::{FromColumn, ToParam};
#[cfg(feature = "postgres")]
use super::{PgError, pg_err, pg_null};
#[cfg(feature = "rusqlite")]
use super::{sqlite_kind, text_from_sqlite};

#[cfg(feature = "postgres")]
const MICROS_PER_DAY: i64 = 86_400_000_000;

/// A time of day with a UTC offset: PostgreSQL's `TIMETZ` (`DateTime @db.Timetz`).
///
/// Ordered like PostgreSQL orders `timetz`: by the UTC time of day, then (for the same
/// UTC time) by offset, so two values are equal only if both time and offset are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeTz {
    /// The local time of day.
    pub time: NaiveTime,
    /// The offset from UTC.
    pub offset: FixedOffset,
}

impl TimeTz {
    /// A time of day at an offset.
    pub fn new(time: NaiveTime, offset: FixedOffset) -> TimeTz {
        TimeTz { time, offset }
    }

    /// A time of day in UTC.
    pub fn utc(time: NaiveTime) -> TimeTz {
        TimeTz {
            time,
            offset: FixedOffset::east_opt(0).expect("0 is a valid offset"),
        }
    }

    /// Microseconds since local midnight.
    fn local_micros(&self) -> i64 {
        time_micros(&self.time)
    }

    /// PostgreSQL's sort key: local time plus the zone (seconds west of UTC).
    fn utc_micros(&self) -> i64 {
        self.local_micros() - i64::from(self.offset.local_minus_utc()) * 1_000_000
    }
}

impl Ord for TimeTz {
    fn cmp(&self, other: &Self) -> Ordering {
        self.utc_micros().cmp(&other.utc_micros()).then_with(|| {
            // PostgreSQL: the larger zone (further west) sorts later.
            other
                .offset
                .local_minus_utc()
                .cmp(&self.offset.local_minus_utc())
        })
    }
}

impl PartialOrd for TimeTz {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// `HH:MM:SS[.ffffff]+HH:MM`, the form SQLite stores.
impl fmt::Display for TimeTz {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.time.format("%H:%M:%S%.f"), self.offset)
    }
}

/// Microseconds since midnight, rounded down to the microsecond (PostgreSQL's
/// precision); a leap second counts as the last microsecond of its second.
fn time_micros(t: &NaiveTime) -> i64 {
    let nanos = i64::from(t.nanosecond().min(999_999_999));
    i64::from(t.num_seconds_from_midnight()) * 1_000_000 + nanos / 1_000
}

#[cfg(feature = "postgres")]
fn time_from_micros(us: i64) -> Result<NaiveTime, Cow<'static, str>> {
    if !(0..MICROS_PER_DAY).contains(&us) {
        // `24:00:00` is a valid PostgreSQL time that NaiveTime cannot hold.
        return Err(Cow::Owned(format!(
            "time of {us} microseconds (out of range for NaiveTime; 24:00:00 is not representable)"
        )));
    }
    let secs = (us / 1_000_000) as u32;
    let nanos = (us % 1_000_000) as u32 * 1_000;
    NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos)
        .ok_or(Cow::Borrowed("an invalid time of day"))
}

#[cfg(feature = "postgres")]
fn i64_at(raw: &[u8], at: usize) -> Result<i64, Cow<'static, str>> {
    raw.get(at..at + 8)
        .map(|b| i64::from_be_bytes(b.try_into().unwrap_or_default()))
        .ok_or(Cow::Borrowed("a truncated time value"))
}

#[cfg(feature = "rusqlite")]
fn sqlite_text(s: String) -> rusqlite::Result<ToSqlOutput<'static>> {
    Ok(ToSqlOutput::Owned(rusqlite::types::Value::Text(s)))
}

// ------------------------------------------------------------------ NaiveDate

impl ToParam for NaiveDate {
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        sqlite_text(self.format("%Y-%m-%d").to_string())
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        *ty == Type::DATE
    }
    #[cfg(feature = "postgres")]
    fn to_pg(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        ToSql::to_sql(self, ty, out)
    }
}

impl FromColumn for NaiveDate {
    /// `YYYY-MM-DD`, or the date of a timestamp text.
    #[cfg(feature = "rusqlite")]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, Cow<'static, str>> {
        let t = text_from_sqlite(value)?;
        NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
            .ok()
            .or_else(|| super::parse_datetime_text(t).map(|d| d.date_naive()))
            .ok_or_else(|| Cow::Owned(format!("TEXT {t:?} (not a date)")))
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(ty: &Type) -> bool {
        *ty == Type::DATE
    }
    #[cfg(feature = "postgres")]
    fn from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>> {
        NaiveDate::from_sql(ty, raw.ok_or_else(|| pg_null(ty))?).map_err(|e| pg_err(ty, e))
    }
}

// ------------------------------------------------------------------ NaiveTime

impl ToParam for NaiveTime {
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        sqlite_text(self.format("%H:%M:%S%.6f").to_string())
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        *ty == Type::TIME
    }
    #[cfg(feature = "postgres")]
    fn to_pg(&self, _ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        out.put_i64(time_micros(self));
        Ok(IsNull::No)
    }
}

#[cfg(feature = "rusqlite")]
fn parse_time(t: &str) -> Option<NaiveTime> {
    let t = t.trim();
    NaiveTime::parse_from_str(t, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
        .ok()
}

impl FromColumn for NaiveTime {
    /// `HH:MM[:SS[.ffffff]]`.
    #[cfg(feature = "rusqlite")]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, Cow<'static, str>> {
        let t = text_from_sqlite(value)?;
        parse_time(t).ok_or_else(|| Cow::Owned(format!("TEXT {t:?} (not a time of day)")))
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(ty: &Type) -> bool {
        *ty == Type::TIME
    }
    #[cfg(feature = "postgres")]
    fn from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>> {
        time_from_micros(i64_at(raw.ok_or_else(|| pg_null(ty))?, 0)?)
    }
}

// ------------------------------------------------------------------ TimeTz

impl ToParam for TimeTz {
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        sqlite_text(format!(
            "{}{}",
            self.time.format("%H:%M:%S%.6f"),
            self.offset
        ))
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        *ty == Type::TIMETZ
    }
    /// Microseconds since local midnight, then the zone in seconds west of UTC.
    #[cfg(feature = "postgres")]
    fn to_pg(&self, _ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        out.put_i64(self.local_micros());
        out.put_i32(-self.offset.local_minus_utc());
        Ok(IsNull::No)
    }
}

impl FromColumn for TimeTz {
    /// `HH:MM:SS[.ffffff]±HH:MM` (or `Z`).
    #[cfg(feature = "rusqlite")]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, Cow<'static, str>> {
        let t = text_from_sqlite(value)?.trim();
        let bad = || Cow::Owned(format!("TEXT {t:?} (not a time of day with offset)"));
        let split = t.rfind(['+', '-', 'Z']).ok_or_else(bad)?;
        let (time, zone) = t.split_at(split);
        let offset = if zone == "Z" {
            FixedOffset::east_opt(0)
        } else {
            zone.parse::<FixedOffset>().ok()
        };
        Ok(TimeTz::new(
            parse_time(time).ok_or_else(bad)?,
            offset.ok_or_else(bad)?,
        ))
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(ty: &Type) -> bool {
        *ty == Type::TIMETZ
    }
    #[cfg(feature = "postgres")]
    fn from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>> {
        let raw = raw.ok_or_else(|| pg_null(ty))?;
        let time = time_from_micros(i64_at(raw, 0)?)?;
        let zone = raw
            .get(8..12)
            .map(|b| i32::from_be_bytes(b.try_into().unwrap_or_default()))
            .ok_or(Cow::Borrowed("a truncated timetz value"))?;
        let offset = FixedOffset::west_opt(zone)
            .ok_or_else(|| Cow::Owned(format!("timetz zone of {zone} seconds (out of range)")))?;
        Ok(TimeTz::new(time, offset))
    }
}

// ------------------------------------------------------------------ Oid

impl ToParam for u32 {
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Owned(rusqlite::types::Value::Integer(
            i64::from(*self),
        )))
    }
    /// `OID`, and the integer types (range-checked).
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        matches!(*ty, Type::OID | Type::INT2 | Type::INT4 | Type::INT8)
    }
    #[cfg(feature = "postgres")]
    fn to_pg(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        super::int_to_pg(i64::from(*self), ty, out)
    }
}

impl FromColumn for u32 {
    #[cfg(feature = "rusqlite")]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, Cow<'static, str>> {
        match value {
            ValueRef::Integer(i) => u32::try_from(i)
                .map_err(|_| Cow::Owned(format!("INTEGER {i} (out of range for u32)"))),
            other => Err(sqlite_kind(other)),
        }
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(ty: &Type) -> bool {
        *ty == Type::OID
    }
    #[cfg(feature = "postgres")]
    fn from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>> {
        u32::from_sql(ty, raw.ok_or_else(|| pg_null(ty))?).map_err(|e| pg_err(ty, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ten_at_plus_two() -> TimeTz {
        TimeTz::new(
            NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
            FixedOffset::east_opt(2 * 3600).unwrap(),
        )
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn time_wire_format() {
        let t = NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).unwrap();
        let mut buf = BytesMut::new();
        t.to_pg(&Type::TIME, &mut buf).unwrap();
        assert_eq!(i64_at(&buf, 0).unwrap(), MICROS_PER_DAY - 1);
        assert_eq!(NaiveTime::from_pg(&Type::TIME, Some(&buf)).unwrap(), t);
        let midnight_next = MICROS_PER_DAY.to_be_bytes();
        assert!(NaiveTime::from_pg(&Type::TIME, Some(&midnight_next)).is_err());
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn timetz_wire_format() {
        let t = ten_at_plus_two();
        let mut buf = BytesMut::new();
        t.to_pg(&Type::TIMETZ, &mut buf).unwrap();
        assert_eq!(&buf[8..], &(-7200i32).to_be_bytes());
        assert_eq!(TimeTz::from_pg(&Type::TIMETZ, Some(&buf)).unwrap(), t);
    }

    #[test]
    fn timetz_order_and_text() {
        let t = ten_at_plus_two();
        let utc8 = TimeTz::utc(NaiveTime::from_hms_opt(8, 0, 0).unwrap());
        assert_ne!(t, utc8);
        // Same UTC time: the zone further west sorts later.
        assert!(t < utc8);
        assert_eq!(t.to_string(), "10:00:00+02:00");
    }

    #[cfg(feature = "rusqlite")]
    #[test]
    fn timetz_sqlite_text() {
        let t = ten_at_plus_two();
        let stored = t.to_sqlite().unwrap();
        let ToSqlOutput::Owned(rusqlite::types::Value::Text(s)) = stored else {
            panic!("text")
        };
        assert_eq!(
            TimeTz::from_sqlite(ValueRef::Text(s.as_bytes())).unwrap(),
            t
        );
    }
}
