//! Type-level lists: a query's *scope* (which tables are in FROM/JOIN and
//! whether each is nullable), and an expression's *sources* (which tables it
//! mentions). Membership is found by inference of an index (`Here`/`There<I>`),
//! so there are no per-table or per-table-pair impls: the cost of a check
//! grows with the number of tables *in one query*, not in the schema.

use super::sql_types::{MaybeNull, NotNull, Nullness};
use super::table::Table;
use std::marker::PhantomData;

/// The empty type-level list.
pub struct Nil;
/// A type-level list cell.
pub struct Cons<H, T>(PhantomData<(H, T)>);

/// Scope entry: table `T` with nullability `N` (`NotNull` or `MaybeNull`).
pub struct Entry<T, N>(PhantomData<(T, N)>);

/// Scope of `T::query()`.
pub type Root<T> = Cons<Entry<T, NotNull>, Nil>;

/// Membership index: found by inference, never written by users.
/// Membership index: the head.
pub struct Here;
/// Membership index: somewhere in the tail.
pub struct There<I>(PhantomData<I>);

/// Type-level list concatenation.
pub trait Append<B> {
    /// `Self` followed by `B`.
    type Out;
}
impl<B> Append<B> for Nil {
    type Out = B;
}
impl<H, T: Append<B>, B> Append<B> for Cons<H, T> {
    type Out = Cons<H, T::Out>;
}
/// `A` followed by `B`.
pub type Cat<A, B> = <A as Append<B>>::Out;

/// Defines a scope-membership trait for one context (so each context gets its
/// own plain-words error), plus the "all sources are in scope" trait over an
/// expression's source list.
macro_rules! scope_context {
    ($(#[$m:meta])* $leaf:ident, $all:ident) => {
        /// Table `T` is in the scope `Self` (at index `I`, inferred). One trait per
        /// context, so that each reports its own plain-words message.
        $(#[$m])*
        pub trait $leaf<T, I> {
            /// Nullability of `T` in this scope.
            type Null: Nullness;
        }
        impl<T, N: Nullness, Tail> $leaf<T, Here> for Cons<Entry<T, N>, Tail> {
            type Null = N;
        }
        impl<T, H, Tail: $leaf<T, I>, I> $leaf<T, There<I>> for Cons<H, Tail> {
            type Null = Tail::Null;
        }

        /// Every table in the source list `Self` is in scope `S`.
        pub trait $all<S, I> {}
        impl<S> $all<S, Nil> for Nil {}
        impl<S, H, T, IH, IT> $all<S, Cons<IH, IT>> for Cons<H, T>
        where
            S: $leaf<H, IH>,
            T: $all<S, IT>,
        {
        }
    };
}

/// Like `scope_context!` but list elements go through `$elem`, so a source
/// list may also hold `Joined<L>` ("these tables must be left-joined"), which
/// `is_null` on a NOT NULL column produces. Only the filter context needs it.
macro_rules! scope_context_with_joined {
    ($(#[$m:meta])* $leaf:ident, $all:ident, $elem:ident) => {
        /// Table `T` is in the scope `Self` (at index `I`, inferred). One trait per
        /// context, so that each reports its own plain-words message.
        $(#[$m])*
        pub trait $leaf<T, I> {
            /// Nullability of `T` in this scope.
            type Null: Nullness;
        }
        impl<T, N: Nullness, Tail> $leaf<T, Here> for Cons<Entry<T, N>, Tail> {
            type Null = N;
        }
        impl<T, H, Tail: $leaf<T, I>, I> $leaf<T, There<I>> for Cons<H, Tail> {
            type Null = Tail::Null;
        }

        /// Checks one source-list element `E` (dispatched on `E::Kind`, so
        /// that exactly one impl applies and rustc reports the leaf's message).
        pub trait $elem<E, S, I> {}
        impl<T, S: $leaf<T, I>, I> $elem<T, S, I> for TableElem {}
        impl<L: AllInJoinedScope<S, I>, S, I> $elem<Joined<L>, S, I> for JoinedElem {}

        /// Every element of the source list `Self` is allowed in scope `S`.
        pub trait $all<S, I> {}
        impl<S> $all<S, Nil> for Nil {}
        impl<S, H, T, IH, IT> $all<S, Cons<IH, IT>> for Cons<H, T>
        where
            H: SrcElem,
            H::Kind: $elem<H, S, IH>,
            T: $all<S, IT>,
        {
        }
    };
}

/// What a source-list element is: a table, or a `Joined` requirement.
pub trait SrcElem {
    /// [`TableElem`] or [`JoinedElem`].
    type Kind;
}
/// Source-list element kind: a table.
pub struct TableElem;
/// Source-list element kind: a left-join requirement.
pub struct JoinedElem;
impl<T: Table> SrcElem for T {
    type Kind = TableElem;
}
impl<L> SrcElem for Joined<L> {
    type Kind = JoinedElem;
}

/// Source-list element: every table of `L` must be *left-joined* in the scope
/// (produced by `is_null`/`is_not_null` on a column whose type is NOT NULL).
pub struct Joined<L>(PhantomData<L>);

#[diagnostic::on_unimplemented(
    message = "`is_null`/`is_not_null` on a NOT NULL column of `{T}`, which is not left-joined in this query",
    label = "this column can never be NULL here",
    note = "only columns declared optional, or columns of a table brought in with `.left_join(..)`, can be NULL"
)]
/// Table `T` is left-joined in the scope `Self`.
pub trait JoinedScope<T, I> {}
impl<T, Tail> JoinedScope<T, Here> for Cons<Entry<T, MaybeNull>, Tail> {}
impl<T, H, Tail: JoinedScope<T, I>, I> JoinedScope<T, There<I>> for Cons<H, Tail> {}

/// Every table of the list `Self` is left-joined in `S`.
pub trait AllInJoinedScope<S, I> {}
impl<S> AllInJoinedScope<S, Nil> for Nil {}
impl<S, H, T, IH, IT> AllInJoinedScope<S, Cons<IH, IT>> for Cons<H, T>
where
    S: JoinedScope<H, IH>,
    T: AllInJoinedScope<S, IT>,
{
}

#[diagnostic::on_unimplemented(
    message = "inside this relation filter the related rows are `{To}`, but the condition uses a column of `{Self}`",
    label = "write a column of `{To}` here: the column handles in the same module",
    note = "a self-relation, or one of several relations to the same model, reaches the related rows through an alias table: write their columns as `<model>::as_<relation>::<column>`, e.g. `user::as_mentees::age` inside `user::mentees.some(..)`, not `user::age`",
    note = "columns of a third table need a nested relation filter, e.g. `user::posts.some(post::comments.some(..))`"
)]
/// The condition of a relation filter (`some`/`every`/`none`) along a
/// relation to `To` uses a column of table `Self`: only `To` itself (for a
/// self-relation, the alias table of the relation) is allowed. Checked
/// directly rather than by scope membership, so that the message can name
/// both the table used and the table to use.
pub trait RelatedTable<To> {}
impl<T> RelatedTable<T> for T {}

/// Checks one source-list element `E` of a relation filter's condition along
/// a relation to `To` (dispatched on `E::Kind`, like the scope contexts).
pub trait InRelationFilter<E, To, I> {}
impl<T: RelatedTable<To>, To> InRelationFilter<T, To, Here> for TableElem {}
impl<L: AllInJoinedScope<Root<To>, I>, To, I> InRelationFilter<Joined<L>, To, I> for JoinedElem {}

/// Every element of the source list `Self` is allowed in the condition of a
/// relation filter along a relation to `To`.
pub trait AllInRelationFilter<To, I> {}
impl<To> AllInRelationFilter<To, Nil> for Nil {}
impl<To, H, T, IH, IT> AllInRelationFilter<To, Cons<IH, IT>> for Cons<H, T>
where
    H: SrcElem,
    H::Kind: InRelationFilter<H, To, IH>,
    T: AllInRelationFilter<To, IT>,
{
}

scope_context_with_joined!(
    #[diagnostic::on_unimplemented(
        message = "this condition uses a column of `{T}`, which is not in the query",
        label = "`{T}` is neither the queried table nor joined",
        note = "join it first along a relation, e.g. `.join(post::author)`, or use a relation filter such as `user::posts.some(..)`"
    )]
    FilterScope,
    AllInFilterScope,
    InFilterScope
);
scope_context!(
    #[diagnostic::on_unimplemented(
        message = "cannot order by a column of `{T}`, which is not in the query",
        label = "`{T}` is neither the queried table nor joined",
        note = "join it first along a relation, e.g. `.join(post::author)`"
    )]
    OrderScope,
    AllInOrderScope
);
scope_context!(
    #[diagnostic::on_unimplemented(
        message = "cannot select a column of `{T}`, which is not in the query",
        label = "`{T}` is neither the queried table nor joined",
        note = "join it first along a relation, e.g. `.join(post::author)`"
    )]
    SelectScope,
    AllInSelectScope
);
scope_context!(
    #[diagnostic::on_unimplemented(
        message = "cannot group by a column of `{T}`, which is not in the query",
        label = "`{T}` is neither the queried table nor joined",
        note = "join it first along a relation, e.g. `.join(post::author)`"
    )]
    GroupScope,
    AllInGroupScope
);
scope_context!(
    #[diagnostic::on_unimplemented(
        message = "cannot join along this relation: it starts from `{T}`, which is not in the query",
        label = "this relation does not start from a table of this query",
        note = "joins follow relations declared on a table already in the query, e.g. `Post::query().join(post::author)`"
    )]
    JoinScope,
    AllInJoinScope
);

/// Emitted once per relation side, with the source table written out:
/// `impl<S: JoinScope<table, I>, I> JoinFrom<S, I> for posts {}`.
/// (A blanket impl over `R: Relation` would make rustc report a projection
/// mismatch instead of `JoinScope`'s plain-words message.)
pub trait JoinFrom<S, I> {}
