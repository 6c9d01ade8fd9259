//! Named projections: a struct of the application's whose fields are
//! selected by name, `query.select(UserCard::fields())`, as Prisma's `select`
//! and Diesel's `Selectable` read.
//!
//! [`projection!`](crate::projection) declares the struct: each field is the
//! column of the same name of the table module given after `from` (or the
//! column written after `=`, from any table or alias table), and its Rust
//! type must be the type that column reads as in the query: `Option<_>` for
//! an optional column or a left-joined table. Both are checked at compile
//! time: a field without a column of its name does not resolve, and a field
//! of the wrong type leaves [`Projection`] unimplemented for that query.

use std::marker::PhantomData;

use super::ast::Node;
use super::decode::Decode;
use super::expr::Selectable;

/// A struct selectable by name in scope `S` (implemented by
/// [`projection!`](crate::projection)).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be selected from this query: a field's type differs from its column's, or a column's table is not in the query",
    label = "each field must have the type its column reads as here (`Option<_>` for optional columns and left-joined tables)",
    note = "the fields and their columns are declared in `projection!`"
)]
pub trait Projection<S, I>: Decode {
    /// The selected columns, in field order.
    type Exprs: Selectable<S, I>;
    /// The selection.
    fn exprs() -> Self::Exprs;
}

/// The selection of projection `P`'s fields: `query.select(UserCard::fields())`
/// reads rows as `UserCard`.
pub struct Fields<P>(PhantomData<fn() -> P>);

/// [`Fields`] of `P` (what `P::fields()` returns).
pub fn fields<P>() -> Fields<P> {
    Fields(PhantomData)
}

impl<P, S, I> Selectable<S, I> for Fields<P>
where
    P: Projection<S, I>,
{
    type Row = P;
    type Kind = <P::Exprs as Selectable<S, I>>::Kind;
    type SqlType = <P::Exprs as Selectable<S, I>>::SqlType;
    fn push_nodes(self, out: &mut Vec<Node>) {
        P::exprs().push_nodes(out);
    }
}

/// Declares a struct selected by name with `select(Struct::fields())`: each
/// field is the column of its name in the table module after `from`, or the
/// column after `=`; its type must be the type that column reads as in the
/// query (`Option<_>` for optional columns and left-joined tables).
///
/// ```text
/// ormgen::projection! {
///     /// What a user list shows.
///     #[derive(Debug, Clone, PartialEq)]
///     pub struct UserCard from user {
///         pub id: i32,
///         pub email: String,
///         pub name: Option<String>,
///     }
/// }
/// let cards: Vec<UserCard> = User::query().select(UserCard::fields()).all(&mut s)?;
/// ```
#[macro_export]
macro_rules! projection {
    (
        $(#[$m:meta])*
        $vis:vis struct $name:ident from $($table:ident)::+ {
            $($fields:tt)+
        }
    ) => {
        $crate::projection!(@impl [$($table)::+] [$(#[$m])* $vis $name] $($fields)+);
    };
    (
        @impl $tp:tt [$(#[$m:meta])* $vis:vis $name:ident]
        $($(#[$fm:meta])* $fvis:vis $f:ident : $ft:ty $(= $col:path)?),+ $(,)?
    ) => {
        $(#[$m])*
        $vis struct $name {
            $($(#[$fm])* $fvis $f: $ft,)+
        }
        impl $crate::query::Decode for $name {
            const WIDTH: usize = <($($ft,)+) as $crate::query::Decode>::WIDTH;
            #[inline]
            fn decode(row: &$crate::Row<'_>) -> $crate::Result<Self> {
                let ($($f,)+) = <($($ft,)+) as $crate::query::Decode>::decode(row)?;
                Ok($name { $($f,)+ })
            }
        }
        impl $name {
            /// This struct's fields as a selection: `query.select(Self::fields())`.
            $vis fn fields() -> $crate::query::Fields<$name> {
                $crate::query::fields::<$name>()
            }
        }
        impl<S, I> $crate::query::Projection<S, I> for $name
        where
            ($($crate::projection!(@col $tp $f $(= $col)?),)+):
                $crate::query::Selectable<S, I, Row = ($($ft,)+)>,
        {
            type Exprs = ($($crate::projection!(@col $tp $f $(= $col)?),)+);
            fn exprs() -> Self::Exprs {
                ($($crate::projection!(@col $tp $f $(= $col)?),)+)
            }
        }
    };
    (@col [$($table:ident)::+] $f:ident = $col:path) => { $col };
    (@col [$($table:ident)::+] $f:ident) => { $($table)::+::$f };
}
