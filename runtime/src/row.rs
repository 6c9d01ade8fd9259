//! Result rows: typed column access by index or name ([`Row`]), owned rows
//! ([`OwnedRow`]), and the [`FromRow`] trait that maps a row into a Rust value.

use std::any::type_name;
use std::borrow::Cow;
#[cfg(feature = "rusqlite")]
use std::sync::Arc;

#[cfg(feature = "postgres")]
use postgres::types::{FromSql, Type};
#[cfg(feature = "rusqlite")]
use rusqlite::types::ValueRef;

use crate::error::{Error, Result};
use crate::value::FromColumn;
#[cfg(feature = "postgres")]
use crate::value::PgError;

/// One row of a result, borrowed from the driver while the query runs.
///
/// Decoding reads straight from rusqlite's or `postgres`' row: nothing is copied into
/// an intermediate value. Column indexes are 0-based and relative to the row's start
/// (see [`Row::shifted`]).
pub struct Row<'a> {
    inner: Inner<'a>,
    base: usize,
    /// How many rows the result has, where the driver already holds them all
    /// (PostgreSQL's buffered results); 0 when unknown.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    result_rows: usize,
}

#[derive(Clone, Copy)]
enum Inner<'a> {
    #[cfg(feature = "rusqlite")]
    Sqlite(&'a rusqlite::Row<'a>),
    #[cfg(feature = "postgres")]
    Pg(&'a postgres::Row),
    #[cfg(feature = "rusqlite")]
    SqliteOwned(&'a [Box<str>], &'a [rusqlite::types::Value]),
}

/// Addresses a column: by 0-based index (`usize`) or by name (`&str`).
pub trait ColumnIndex {
    /// The absolute index of this column in `row`.
    fn index(&self, row: &Row<'_>) -> Result<usize>;
}

impl ColumnIndex for usize {
    /// Bounds are checked by the driver when the column is read.
    #[inline]
    fn index(&self, row: &Row<'_>) -> Result<usize> {
        Ok(row.base + *self)
    }
}

impl ColumnIndex for &str {
    fn index(&self, row: &Row<'_>) -> Result<usize> {
        (row.base..row.total_len())
            .find(|&i| {
                row.raw_name(i)
                    .is_some_and(|n| n.eq_ignore_ascii_case(self))
            })
            .ok_or_else(|| Error::NoSuchColumn((*self).to_owned()))
    }
}

/// `postgres` decoding through [`FromColumn`].
#[cfg(feature = "postgres")]
struct PgCol<T>(T);

#[cfg(feature = "postgres")]
impl<'r, T: FromColumn> FromSql<'r> for PgCol<T> {
    #[inline]
    fn from_sql(ty: &Type, raw: &'r [u8]) -> Result<Self, PgError> {
        Self::from_sql_nullable(ty, Some(raw))
    }
    #[inline]
    fn from_sql_null(ty: &Type) -> Result<Self, PgError> {
        Self::from_sql_nullable(ty, None)
    }
    #[inline]
    fn from_sql_nullable(ty: &Type, raw: Option<&'r [u8]>) -> Result<Self, PgError> {
        match T::from_pg(ty, raw) {
            Ok(v) => Ok(PgCol(v)),
            Err(found) => Err(pg_decode_error(found)),
        }
    }
    #[inline]
    fn accepts(ty: &Type) -> bool {
        T::pg_accepts(ty)
    }
}

/// The driver's error for a column `FromColumn` rejected (out of line: the
/// decode path stays small).
#[cfg(feature = "postgres")]
#[cold]
#[inline(never)]
fn pg_decode_error(found: Cow<'static, str>) -> PgError {
    found.into_owned().into()
}

impl<'a> Row<'a> {
    #[cfg(feature = "rusqlite")]
    #[inline]
    pub(crate) fn sqlite(r: &'a rusqlite::Row<'a>) -> Self {
        Row {
            inner: Inner::Sqlite(r),
            base: 0,
            result_rows: 0,
        }
    }

    #[cfg(feature = "postgres")]
    #[inline]
    pub(crate) fn pg(r: &'a postgres::Row) -> Self {
        Row {
            inner: Inner::Pg(r),
            base: 0,
            result_rows: 0,
        }
    }

    /// A row of a buffered result of `rows` rows.
    #[cfg(feature = "postgres")]
    #[inline]
    pub(crate) fn pg_of(r: &'a postgres::Row, rows: usize) -> Self {
        Row {
            inner: Inner::Pg(r),
            base: 0,
            result_rows: rows,
        }
    }

    /// How many rows the whole result has, when the driver already holds them
    /// (PostgreSQL); 0 when unknown (SQLite steps through its rows). Lets a
    /// caller collecting the rows allocate once.
    #[inline]
    pub fn result_len_hint(&self) -> usize {
        self.result_rows
    }

    /// A view of this row whose column 0 is this row's column `offset` — for decoding
    /// joined rows: `(A::from_row(row)?, B::from_row(&row.shifted(A_COLUMNS))?)`.
    pub fn shifted(&self, offset: usize) -> Row<'a> {
        Row {
            inner: self.inner,
            base: self.base + offset,
            result_rows: self.result_rows,
        }
    }

    fn total_len(&self) -> usize {
        match self.inner {
            #[cfg(feature = "rusqlite")]
            Inner::Sqlite(r) => r.as_ref().column_count(),
            #[cfg(feature = "postgres")]
            Inner::Pg(r) => r.len(),
            #[cfg(feature = "rusqlite")]
            Inner::SqliteOwned(_, v) => v.len(),
        }
    }

    /// Number of columns (from this view's start).
    pub fn len(&self) -> usize {
        self.total_len().saturating_sub(self.base)
    }

    /// Whether the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn raw_name(&self, i: usize) -> Option<&str> {
        match self.inner {
            #[cfg(feature = "rusqlite")]
            Inner::Sqlite(r) => r.as_ref().column_name(i).ok(),
            #[cfg(feature = "postgres")]
            Inner::Pg(r) => r.columns().get(i).map(|c| c.name()),
            #[cfg(feature = "rusqlite")]
            Inner::SqliteOwned(names, _) => names.get(i).map(|n| &**n),
        }
    }

    /// The name of column `i`.
    pub fn column_name(&self, i: usize) -> Option<&str> {
        self.raw_name(self.base + i)
    }

    #[cold]
    #[inline(never)]
    fn decode_error(&self, i: usize, expected: &'static str, found: Cow<'static, str>) -> Error {
        let column = self
            .raw_name(i)
            .map_or_else(|| format!("#{i}"), str::to_owned);
        Error::decode(column, expected, found)
    }

    #[cfg(feature = "rusqlite")]
    #[cold]
    #[inline(never)]
    fn sqlite_get_error(&self, i: usize, e: rusqlite::Error) -> Error {
        match e {
            rusqlite::Error::InvalidColumnIndex(_) => {
                Error::NoSuchColumn(format!("#{}", i - self.base))
            }
            e => crate::error::from_sqlite(e),
        }
    }

    /// Decodes a column into `T`. A NULL into a non-`Option` type, a value of another
    /// type or out of range is an [`Error::Decode`], never a panic.
    #[inline]
    pub fn get<T: FromColumn>(&self, idx: impl ColumnIndex) -> Result<T> {
        let i = idx.index(self)?;
        // The live SQLite row is the hot path (generated code decoding query results):
        // inline it; the other representations are out of line.
        match self.inner {
            #[cfg(feature = "rusqlite")]
            Inner::Sqlite(r) => self.get_sqlite(r, i),
            // The driver checks the index and the type (`PgCol::accepts`); any
            // failure is explained by the slow path.
            #[cfg(feature = "postgres")]
            Inner::Pg(r) => match r.try_get::<usize, PgCol<T>>(i) {
                Ok(c) => Ok(c.0),
                Err(_) => self.get_other(i),
            },
            #[cfg(feature = "rusqlite")]
            Inner::SqliteOwned(..) => self.get_other(i),
        }
    }

    #[cfg(feature = "rusqlite")]
    #[inline(always)]
    fn get_sqlite<T: FromColumn>(&self, r: &rusqlite::Row<'_>, i: usize) -> Result<T> {
        match r.get_ref(i) {
            Ok(v) => match T::from_sqlite(v) {
                Ok(t) => Ok(t),
                Err(found) => Err(self.decode_error(i, type_name::<T>(), found)),
            },
            Err(e) => Err(self.sqlite_get_error(i, e)),
        }
    }

    #[inline(never)]
    fn get_other<T: FromColumn>(&self, i: usize) -> Result<T> {
        match self.inner {
            #[cfg(feature = "rusqlite")]
            Inner::Sqlite(r) => self.get_sqlite(r, i),
            #[cfg(feature = "rusqlite")]
            Inner::SqliteOwned(_, values) => {
                let v = values
                    .get(i)
                    .ok_or_else(|| Error::NoSuchColumn(format!("#{}", i - self.base)))?;
                T::from_sqlite(ValueRef::from(v))
                    .map_err(|found| self.decode_error(i, type_name::<T>(), found))
            }
            #[cfg(feature = "postgres")]
            Inner::Pg(r) => {
                let col = r
                    .columns()
                    .get(i)
                    .ok_or_else(|| Error::NoSuchColumn(format!("#{}", i - self.base)))?;
                let ty = col.type_();
                if !T::pg_accepts(ty) {
                    return Err(self.decode_error(
                        i,
                        type_name::<T>(),
                        Cow::Owned(ty.name().to_owned()),
                    ));
                }
                r.try_get::<usize, PgCol<T>>(i).map(|c| c.0).map_err(|e| {
                    let found = std::error::Error::source(&e)
                        .map_or_else(|| e.to_string(), ToString::to_string);
                    self.decode_error(i, type_name::<T>(), Cow::Owned(found))
                })
            }
        }
    }

    /// Copies the row into an [`OwnedRow`].
    pub fn to_owned_row(&self) -> Result<OwnedRow> {
        match self.inner {
            #[cfg(feature = "postgres")]
            Inner::Pg(r) if self.base == 0 => Ok(OwnedRow {
                data: Data::Pg(r.clone()),
            }),
            #[cfg(feature = "postgres")]
            Inner::Pg(_) => Err(Error::Params("cannot copy a shifted PostgreSQL row".into())),
            #[cfg(feature = "rusqlite")]
            Inner::Sqlite(_) | Inner::SqliteOwned(..) => self.to_owned_sqlite(),
        }
    }

    /// [`to_owned_row`](Self::to_owned_row) of a SQLite row: its names and values.
    #[cfg(feature = "rusqlite")]
    fn to_owned_sqlite(&self) -> Result<OwnedRow> {
        let n = self.len();
        let names: Arc<[Box<str>]> = (0..n)
            .map(|i| self.column_name(i).unwrap_or_default().into())
            .collect();
        let mut values = Vec::with_capacity(n);
        for i in 0..n {
            values.push(match self.inner {
                Inner::Sqlite(r) => owned_value(
                    r.get_ref(self.base + i)
                        .map_err(crate::error::from_sqlite)?,
                ),
                Inner::SqliteOwned(_, v) => v[self.base + i].clone(),
                #[cfg(feature = "postgres")]
                Inner::Pg(_) => {
                    return Err(Error::Params("cannot copy a shifted PostgreSQL row".into()));
                }
            });
        }
        Ok(OwnedRow {
            data: Data::Sqlite(names, values),
        })
    }
}

/// A row that owns its data, as returned by [`Session::query`](crate::Session::query).
#[derive(Debug, Clone)]
pub struct OwnedRow {
    data: Data,
}

#[derive(Debug, Clone)]
enum Data {
    #[cfg(feature = "rusqlite")]
    Sqlite(Arc<[Box<str>]>, Vec<rusqlite::types::Value>),
    #[cfg(feature = "postgres")]
    Pg(postgres::Row),
}

impl OwnedRow {
    /// A borrowed view, for [`FromRow`] and the accessors of [`Row`].
    pub fn as_row(&self) -> Row<'_> {
        let inner = match &self.data {
            #[cfg(feature = "rusqlite")]
            Data::Sqlite(names, values) => Inner::SqliteOwned(names, values),
            #[cfg(feature = "postgres")]
            Data::Pg(r) => Inner::Pg(r),
        };
        Row {
            inner,
            base: 0,
            result_rows: 0,
        }
    }

    /// Decodes a column; see [`Row::get`].
    pub fn get<T: FromColumn>(&self, idx: impl ColumnIndex) -> Result<T> {
        self.as_row().get(idx)
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.as_row().len()
    }

    /// Whether the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name of column `i`.
    pub fn column_name(&self, i: usize) -> Option<&str> {
        match &self.data {
            #[cfg(feature = "rusqlite")]
            Data::Sqlite(names, _) => names.get(i).map(|n| &**n),
            #[cfg(feature = "postgres")]
            Data::Pg(r) => r.columns().get(i).map(|c| c.name()),
        }
    }

    /// Maps the row with a [`FromRow`] type.
    pub fn decode<T: FromRow>(&self) -> Result<T> {
        T::from_row(&self.as_row())
    }
}

/// A Rust value built from one result row. Generated models implement it by column
/// position; users can implement it by hand:
///
/// ```
/// struct Person { id: i64, name: String }
/// impl ormgen::FromRow for Person {
///     fn from_row(row: &ormgen::Row<'_>) -> ormgen::Result<Self> {
///         Ok(Person { id: row.get(0)?, name: row.get("name")? })
///     }
/// }
/// ```
///
/// Every [`FromColumn`] type is a one-column `FromRow` (so `query_one::<i64>(…)` works),
/// and tuples of `FromColumn` types decode columns 0, 1, … in order.
pub trait FromRow: Sized {
    /// Builds the value from `row`.
    fn from_row(row: &Row<'_>) -> Result<Self>;
}

impl<T: FromColumn> FromRow for T {
    #[inline]
    fn from_row(row: &Row<'_>) -> Result<Self> {
        row.get(0)
    }
}

impl FromRow for OwnedRow {
    fn from_row(row: &Row<'_>) -> Result<Self> {
        row.to_owned_row()
    }
}

macro_rules! tuple_from_row {
    ($($n:tt $t:ident),+) => {
        impl<$($t: FromColumn),+> FromRow for ($($t,)+) {
            #[inline]
            fn from_row(row: &Row<'_>) -> Result<Self> {
                Ok(($(row.get::<$t>($n)?,)+))
            }
        }
    };
}
tuple_from_row!(0 A);
tuple_from_row!(0 A, 1 B);
tuple_from_row!(0 A, 1 B, 2 C);
tuple_from_row!(0 A, 1 B, 2 C, 3 D);
tuple_from_row!(0 A, 1 B, 2 C, 3 D, 4 E);
tuple_from_row!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F);
tuple_from_row!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G);
tuple_from_row!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H);
tuple_from_row!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I);
tuple_from_row!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J);
tuple_from_row!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K);
tuple_from_row!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L);

#[cfg(feature = "rusqlite")]
fn owned_value(v: ValueRef<'_>) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match v {
        ValueRef::Null => V::Null,
        ValueRef::Integer(i) => V::Integer(i),
        ValueRef::Real(f) => V::Real(f),
        ValueRef::Text(t) => V::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => V::Blob(b.to_vec()),
    }
}
