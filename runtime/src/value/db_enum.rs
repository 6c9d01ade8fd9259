//! Database enums: a Rust enum stored as a native PostgreSQL enum or a SQLite
//! TEXT label ([`DbEnum`], [`impl_db_enum!`](crate::impl_db_enum)).

use super::*;

/// A Rust enum stored as a database enum: a native `CREATE TYPE … AS ENUM` on
/// PostgreSQL, a TEXT label on SQLite. Implement it and call
/// [`impl_db_enum!`](crate::impl_db_enum) to get [`ToParam`] and [`FromColumn`].
///
/// ```
/// #[derive(Debug, Clone, Copy, PartialEq)]
/// enum Role { Member, Admin }
/// impl ormgen::DbEnum for Role {
///     const PG_TYPE: &'static str = "Role";
///     fn as_db_str(&self) -> &'static str {
///         match self { Role::Member => "MEMBER", Role::Admin => "admin" }
///     }
///     fn from_db_str(s: &str) -> Option<Self> {
///         match s { "MEMBER" => Some(Role::Member), "admin" => Some(Role::Admin), _ => None }
///     }
/// }
/// ormgen::impl_db_enum!(Role);
/// ```
pub trait DbEnum: Sized + fmt::Debug + Sync {
    /// The PostgreSQL type's name (as created, without schema; compared exactly).
    const PG_TYPE: &'static str;
    /// The label stored in the database.
    fn as_db_str(&self) -> &'static str;
    /// The variant for a stored label.
    fn from_db_str(s: &str) -> Option<Self>;
}

/// Helpers used by [`impl_db_enum!`](crate::impl_db_enum); not for direct use.
#[doc(hidden)]
pub mod enum_support {
    use super::*;

    #[cfg(feature = "postgres")]
    pub fn pg_accepts<E: DbEnum>(ty: &Type) -> bool {
        ty.name() == E::PG_TYPE || is_texty(ty)
    }
    #[cfg(feature = "postgres")]
    pub fn to_pg<E: DbEnum>(e: &E, out: &mut BytesMut) -> Result<IsNull, PgError> {
        out.put_slice(e.as_db_str().as_bytes());
        Ok(IsNull::No)
    }
    pub fn from_label<E: DbEnum>(t: &str) -> Result<E, Cow<'static, str>> {
        E::from_db_str(t)
            .ok_or_else(|| Cow::Owned(format!("{t:?} (not a label of {})", E::PG_TYPE)))
    }
    #[cfg(feature = "rusqlite")]
    pub fn from_sqlite<E: DbEnum>(v: ValueRef<'_>) -> Result<E, Cow<'static, str>> {
        from_label(text_from_sqlite(v)?)
    }
    #[cfg(feature = "postgres")]
    pub fn from_pg<E: DbEnum>(ty: &Type, raw: Option<&[u8]>) -> Result<E, Cow<'static, str>> {
        from_label(text_from_pg(ty, raw)?)
    }
}

/// Implements [`ToParam`] and [`FromColumn`] for a type implementing [`DbEnum`].
///
/// The driver methods it emits are those of the backends ormgen was built with
/// (its `sqlite`/`sqlite-system` and `postgres` features), whatever the features
/// of the crate that invokes it.
#[macro_export]
macro_rules! impl_db_enum {
    ($t:ty) => {
        impl $crate::value::ArrayElement for $t {}
        impl $crate::ToParam for $t {
            $crate::__ormgen_if_sqlite! {
                fn to_sqlite(
                    &self,
                ) -> $crate::rusqlite::Result<$crate::rusqlite::types::ToSqlOutput<'_>> {
                    ::std::result::Result::Ok($crate::rusqlite::types::ToSqlOutput::Borrowed(
                        $crate::rusqlite::types::ValueRef::Text(
                            $crate::DbEnum::as_db_str(self).as_bytes(),
                        ),
                    ))
                }
            }
            $crate::__ormgen_if_postgres! {
                fn pg_accepts(&self, ty: &$crate::postgres::types::Type) -> bool {
                    $crate::value::enum_support::pg_accepts::<$t>(ty)
                }
                fn to_pg(
                    &self,
                    _ty: &$crate::postgres::types::Type,
                    out: &mut $crate::bytes::BytesMut,
                ) -> ::std::result::Result<$crate::postgres::types::IsNull, $crate::value::PgError>
                {
                    $crate::value::enum_support::to_pg(self, out)
                }
            }
        }
        impl $crate::FromColumn for $t {
            $crate::__ormgen_if_sqlite! {
                fn from_sqlite(
                    value: $crate::rusqlite::types::ValueRef<'_>,
                ) -> ::std::result::Result<Self, ::std::borrow::Cow<'static, str>> {
                    $crate::value::enum_support::from_sqlite(value)
                }
            }
            $crate::__ormgen_if_postgres! {
                fn pg_accepts(ty: &$crate::postgres::types::Type) -> bool {
                    $crate::value::enum_support::pg_accepts::<$t>(ty)
                }
                fn from_pg(
                    ty: &$crate::postgres::types::Type,
                    raw: ::std::option::Option<&[u8]>,
                ) -> ::std::result::Result<Self, ::std::borrow::Cow<'static, str>> {
                    $crate::value::enum_support::from_pg(ty, raw)
                }
            }
        }
    };
}
