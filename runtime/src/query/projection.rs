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
/// field is the column of its name in the table module after `from`, the
/// column after `=`, or a computed expression `= [expr] as ExprType` (its
/// type named with the aliases of [`types`](crate::query::types), as
/// Diesel's `select_expression_type`); a field's type must be the type its
/// expression reads as in the query (`Option<_>` for optional columns and
/// left-joined tables).
///
/// ```text
/// ormgen::projection! {
///     /// What a user list shows.
///     #[derive(Debug, Clone, PartialEq)]
///     pub struct UserCard from user {
///         pub id: i32,
///         pub email: String,
///         pub name: Option<String>,
///         pub posts: i64 = [count(post::id)] as types::Count<post::id>,
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
        $crate::projection!(@munch [$($table)::+] [$(#[$m])* $vis $name] [] $($fields)+);
    };
    // Fields normalised one by one into `{ [attrs] vis name type ; expression type ; expression }`.
    // A computed field: `name: T = [expression] as ExpressionType`.
    (@munch $tp:tt $head:tt [$($acc:tt)*]
        $(#[$fm:meta])* $fvis:vis $f:ident : $ft:ty = [$e:expr] as $et:ty $(, $($rest:tt)*)?) => {
        $crate::projection!(@munch $tp $head
            [$($acc)* { [$(#[$fm])*] $fvis $f $ft ; $et ; $e }] $($($rest)*)?);
    };
    // The column after `=`.
    (@munch $tp:tt $head:tt [$($acc:tt)*]
        $(#[$fm:meta])* $fvis:vis $f:ident : $ft:ty = $col:path $(, $($rest:tt)*)?) => {
        $crate::projection!(@munch $tp $head
            [$($acc)* { [$(#[$fm])*] $fvis $f $ft ; $col ; $col }] $($($rest)*)?);
    };
    // The column of the field's name in the `from` module.
    (@munch $tp:tt $head:tt [$($acc:tt)*]
        $(#[$fm:meta])* $fvis:vis $f:ident : $ft:ty $(, $($rest:tt)*)?) => {
        $crate::projection!(@munch $tp $head
            [$($acc)* { [$(#[$fm])*] $fvis $f $ft ;
                $crate::projection!(@col $tp $f) ; $crate::projection!(@col $tp $f) }]
            $($($rest)*)?);
    };
    (@munch $tp:tt [$(#[$m:meta])* $vis:vis $name:ident]
        [$({ [$(#[$fm:meta])*] $fvis:vis $f:ident $ft:ty ; $et:ty ; $e:expr })+]) => {
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
            ($($et,)+): $crate::query::Selectable<S, I, Row = ($($ft,)+)>,
        {
            type Exprs = ($($et,)+);
            fn exprs() -> Self::Exprs {
                ($($e,)+)
            }
        }
    };
    (@col [$($table:ident)::+] $f:ident) => { $($table)::+::$f };
}

/// Type aliases naming the expressions the functions build, for computed
/// fields of [`projection!`](crate::projection) (`= [count(post::id)] as
/// types::Count<post::id>`), as Diesel's `dsl` helper types.
pub mod types {
    use crate::query::arith::{Both, Keep, OpBase};
    use crate::query::expr::{BaseOf, Expr, Expression};
    use crate::query::scope::Nil;
    use crate::query::sql_types::{Agg, BigInt, Double, Int, Nullable, Numeric, Text};

    /// `count(e)` / `count_distinct(e)`
    pub type Count<E> = Expr<BigInt, <E as Expression>::Src, Agg>;
    /// `count_star()`
    pub type CountStar = Expr<BigInt, Nil, Agg>;
    /// `sum(e)`
    pub type Sum<E> = Expr<Nullable<<BaseOf<E> as Numeric>::Sum>, <E as Expression>::Src, Agg>;
    /// `avg(e)`
    pub type Avg<E> = Expr<Nullable<Double>, <E as Expression>::Src, Agg>;
    /// `min(e)` and `max(e)`
    pub type MinMax<E> = Expr<Nullable<BaseOf<E>>, <E as Expression>::Src, Agg>;
    /// `lower(e)`, `upper(e)`, `trim(e)`, `substring(e, ..)`, `replace(e, ..)`
    pub type TextOf<E> = Keep<E, Text>;
    /// `length(e)`
    pub type Length<E> = Keep<E, Int>;
    /// `concat(a, b)`
    pub type Concat<A, B> = Both<A, B, Text>;
    /// `abs(e)`, `round(e)`, `ceil(e)`, `floor(e)`
    pub type SameAs<E> = Keep<E, OpBase<E>>;
}
