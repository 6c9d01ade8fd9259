//! Decoding query results straight from the driver's row ([`Row`]): [`Decode`]
//! (fixed-width, positional; models, scalars, `Option`, tuples) and [`ReadAs`]
//! (reading a query's row into a caller-chosen compatible type).

#[cfg(feature = "postgres")]
use postgres::types::Type;
#[cfg(feature = "rusqlite")]
use rusqlite::types::ValueRef;
#[cfg(any(feature = "rusqlite", feature = "postgres"))]
use std::borrow::Cow;

use crate::{FromColumn, Result, Row};

/// Decodes a fixed number of columns from the start of a row (see
/// [`Row::shifted`]). Generated models implement it by position:
///
/// ```text
/// impl ormgen::query::Decode for User {
///     const WIDTH: usize = 2;
///     fn decode(row: &ormgen::Row<'_>) -> ormgen::Result<Self> {
///         Ok(User { id: row.get(0)?, email: row.get(1)? })
///     }
/// }
/// ```
pub trait Decode: Sized {
    /// Number of columns read.
    const WIDTH: usize;
    /// Reads columns `0..WIDTH` of `row`.
    fn decode(row: &Row<'_>) -> Result<Self>;

    /// Reads columns `0..WIDTH` of `row`, which are all NULL when the value is
    /// absent (a left-joined table without a matching row): what
    /// `Option<Self>` decodes with.
    ///
    /// By default the first column that is not NULL makes it present. A
    /// generated model with a required (`NOT NULL`) column overrides it: that
    /// column alone decides, and is read once, straight into its field.
    #[inline]
    fn decode_opt(row: &Row<'_>) -> Result<Option<Self>> {
        for i in 0..Self::WIDTH {
            if !row.get::<IsNull>(i)?.0 {
                return Self::decode(row).map(Some);
            }
        }
        Ok(None)
    }
}

macro_rules! decode_scalar {
    ($($t:ty),* $(,)?) => {$(
        impl Decode for $t {
            const WIDTH: usize = 1;
            #[inline]
            fn decode(row: &Row<'_>) -> Result<Self> {
                row.get(0)
            }
        }
        impl Scalar for $t {}
    )*};
}
decode_scalar!(
    i16,
    i32,
    i64,
    f32,
    f64,
    bool,
    String,
    crate::BigDecimal,
    chrono::DateTime<chrono::Utc>,
    chrono::NaiveDate,
    chrono::NaiveTime,
    crate::TimeTz,
    u32,
    serde_json::Value,
    Vec<u8>,
    uuid::Uuid,
    crate::Value,
);

/// Scalar lists (PostgreSQL arrays).
impl<T: crate::ArrayElement> Decode for Vec<T> {
    const WIDTH: usize = 1;
    #[inline]
    fn decode(row: &Row<'_>) -> Result<Self> {
        row.get(0)
    }
}
impl<T: crate::ArrayElement> Scalar for Vec<T> {}

/// Whether a column is NULL, without decoding it.
struct IsNull(bool);
impl FromColumn for IsNull {
    #[inline]
    #[cfg(feature = "rusqlite")]
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, Cow<'static, str>> {
        Ok(IsNull(matches!(value, ValueRef::Null)))
    }
    #[inline]
    #[cfg(feature = "postgres")]
    fn pg_accepts(_ty: &Type) -> bool {
        true
    }
    #[inline]
    #[cfg(feature = "postgres")]
    fn from_pg(_ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>> {
        Ok(IsNull(raw.is_none()))
    }
}

/// NULL in every column → `None` (this is how a left-joined model without a match
/// decodes); otherwise `T`.
impl<T: Decode> Decode for Option<T> {
    const WIDTH: usize = T::WIDTH;
    #[inline]
    fn decode(row: &Row<'_>) -> Result<Self> {
        T::decode_opt(row)
    }
}

macro_rules! decode_tuple {
    ($($T:ident)+) => {
        impl<$($T: Decode),+> Decode for ($($T,)+) {
            const WIDTH: usize = 0 $(+ $T::WIDTH)+;
            #[allow(unused_assignments)]
            #[inline]
            fn decode(row: &Row<'_>) -> Result<Self> {
                let mut at = 0;
                Ok(($({
                    let v = $T::decode(&row.shifted(at))?;
                    at += $T::WIDTH;
                    v
                },)+))
            }
        }
    };
}
decode_tuple!(A);
decode_tuple!(A B);
decode_tuple!(A B C);
decode_tuple!(A B C D);
decode_tuple!(A B C D E);
decode_tuple!(A B C D E F);
decode_tuple!(A B C D E F G);
decode_tuple!(A B C D E F G H);

/// Types that read as themselves (base values, enums, models). The generator
/// implements it for every model and enum.
pub trait Scalar {}

/// `load::<R>()`: reading a query's natural row type `N` into a caller-chosen `Self`.
#[diagnostic::on_unimplemented(
    message = "a value of type `{N}` cannot be read as `{Self}`",
    label = "a nullable column (declared optional, or from a `left_join`) must be read into `Option<_>`",
    note = "`load::<T>()` reads each item of the query's row into the matching item of `T`; here the row item is `{N}`"
)]
pub trait ReadAs<N> {
    /// Converts the natural row.
    fn read(n: N) -> Self;
}
impl<T: Scalar> ReadAs<T> for T {
    fn read(n: T) -> T {
        n
    }
}
impl<T: Scalar> ReadAs<Option<T>> for Option<T> {
    fn read(n: Option<T>) -> Self {
        n
    }
}
impl<T: Scalar> ReadAs<T> for Option<T> {
    fn read(n: T) -> Self {
        Some(n)
    }
}
macro_rules! read_tuple {
    ($($T:ident $N:ident $i:tt)+) => {
        impl<$($T: ReadAs<$N>, $N),+> ReadAs<($($N,)+)> for ($($T,)+) {
            fn read(n: ($($N,)+)) -> Self { ($($T::read(n.$i),)+) }
        }
    };
}
read_tuple!(A NA 0);
read_tuple!(A NA 0 B NB 1);
read_tuple!(A NA 0 B NB 1 C NC 2);
read_tuple!(A NA 0 B NB 1 C NC 2 D ND 3);
read_tuple!(A NA 0 B NB 1 C NC 2 D ND 3 E NE 4);
