//! Arrays (Prisma scalar lists): `Vec<T>` of an [`ArrayElement`] binds and
//! decodes as a one-dimensional PostgreSQL array; binding one on SQLite is an error.

use super::*;

/// A type whose `Vec` is a PostgreSQL array (a Prisma scalar list such as
/// `String[]`). `u8` is not one: `Vec<u8>` is `BYTEA`. Generated enums get it
/// from [`impl_db_enum!`](crate::impl_db_enum).
pub trait ArrayElement: ToParam + FromColumn {}

macro_rules! array_elements {
    ($($t:ty),*) => {$( impl ArrayElement for $t {} )*};
}
array_elements!(
    bool,
    i16,
    i32,
    i64,
    f32,
    f64,
    String,
    Vec<u8>,
    BigDecimal,
    DateTime<Utc>,
    chrono::NaiveDate,
    chrono::NaiveTime,
    TimeTz,
    u32,
    serde_json::Value,
    uuid::Uuid,
    Value
);

#[cfg(feature = "postgres")]
fn array_member(ty: &Type) -> Option<&Type> {
    match ty.kind() {
        Kind::Array(member) => Some(member),
        _ => None,
    }
}

#[cfg(feature = "rusqlite")]
const NO_SQLITE_ARRAYS: &str = "scalar lists are PostgreSQL arrays; SQLite has no array type (see the schema language, section 3)";

/// Writes a one-dimensional array in PostgreSQL's binary format: header
/// (dimensions, has-NULL flag, element type), the dimension (length, lower
/// bound 1), then each element as length + bytes (-1 for NULL).
#[cfg(feature = "postgres")]
fn array_to_pg<T: ToParam>(items: &[T], ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
    let member = array_member(ty).ok_or_else(|| format!("{} is not an array type", ty.name()))?;
    let len = i32::try_from(items.len()).map_err(|_| "array too long")?;
    out.put_i32(1);
    let flag_at = out.len();
    out.put_i32(0);
    out.put_u32(member.oid());
    out.put_i32(len);
    out.put_i32(1);
    let mut has_null = false;
    for item in items {
        let len_at = out.len();
        out.put_i32(0);
        match item.to_pg(member, out)? {
            IsNull::Yes => {
                has_null = true;
                out[len_at..len_at + 4].copy_from_slice(&(-1i32).to_be_bytes());
            }
            IsNull::No => {
                let n =
                    i32::try_from(out.len() - len_at - 4).map_err(|_| "array element too large")?;
                out[len_at..len_at + 4].copy_from_slice(&n.to_be_bytes());
            }
        }
    }
    if has_null {
        out[flag_at..flag_at + 4].copy_from_slice(&1i32.to_be_bytes());
    }
    Ok(IsNull::No)
}

/// Reads a PostgreSQL array of at most one dimension.
#[cfg(feature = "postgres")]
fn array_from_pg<T: FromColumn>(ty: &Type, raw: &[u8]) -> Result<Vec<T>, Cow<'static, str>> {
    let member =
        array_member(ty).ok_or_else(|| Cow::Owned(format!("{} (not an array)", ty.name())))?;
    if !<T as FromColumn>::pg_accepts(member) {
        return Err(Cow::Owned(format!(
            "{} (array of another element type)",
            ty.name()
        )));
    }
    fn take<'a>(rest: &mut &'a [u8], n: usize) -> Result<&'a [u8], Cow<'static, str>> {
        if rest.len() < n {
            return Err(Cow::Borrowed("a truncated array"));
        }
        let (head, tail) = rest.split_at(n);
        *rest = tail;
        Ok(head)
    }
    fn int(rest: &mut &[u8]) -> Result<i32, Cow<'static, str>> {
        let b = take(rest, 4)?;
        Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    let mut rest = raw;
    let ndim = int(&mut rest)?;
    let _flags = int(&mut rest)?;
    let _oid = int(&mut rest)?;
    match ndim {
        0 => return Ok(Vec::new()),
        1 => {}
        n => {
            return Err(Cow::Owned(format!(
                "a {n}-dimensional array (lists have one dimension)"
            )));
        }
    }
    let len =
        usize::try_from(int(&mut rest)?).map_err(|_| Cow::Borrowed("a negative array length"))?;
    let _lower = int(&mut rest)?;
    let mut items = Vec::with_capacity(len.min(rest.len() / 4));
    for _ in 0..len {
        let item = match usize::try_from(int(&mut rest)?) {
            Err(_) => T::from_pg(member, None)?,
            Ok(n) => T::from_pg(member, Some(take(&mut rest, n)?))?,
        };
        items.push(item);
    }
    Ok(items)
}

impl<T: ArrayElement> ToParam for Vec<T> {
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Err(rusqlite::Error::ToSqlConversionFailure(
            NO_SQLITE_ARRAYS.into(),
        ))
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &Type) -> bool {
        array_member(ty).is_some_and(|m| self.iter().all(|e| e.pg_accepts(m)))
    }
    #[cfg(feature = "postgres")]
    fn to_pg(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        array_to_pg(self, ty, out)
    }
}

impl<T: ArrayElement> FromColumn for Vec<T> {
    #[cfg(feature = "rusqlite")]
    fn from_sqlite(_value: ValueRef<'_>) -> Result<Self, Cow<'static, str>> {
        Err(Cow::Borrowed(NO_SQLITE_ARRAYS))
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(ty: &Type) -> bool {
        array_member(ty).is_some_and(<T as FromColumn>::pg_accepts)
    }
    /// A NULL column reads as an empty list (Prisma's list columns have no
    /// NOT NULL constraint).
    #[cfg(feature = "postgres")]
    fn from_pg(ty: &Type, raw: Option<&[u8]>) -> Result<Self, Cow<'static, str>> {
        match raw {
            None => Ok(Vec::new()),
            Some(raw) => array_from_pg(ty, raw),
        }
    }
}
