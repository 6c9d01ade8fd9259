//! [`FetchAll`]: what a session can fetch all rows of — a [`Query`] or an
//! eager load ([`Eager`]) — so that code generic over "a statement returning
//! rows" (the async session's `all`) takes both.

use super::ast::QueryState;
use super::builder::{Executable, Query, RowType};
use super::decode::Decode;
use super::eager::{Eager, EagerLoad};
use super::exec::check_state;
use super::fingerprint::Shape;
use super::table::Table;
use super::walk::StatementKind;
use crate::Dialect;
use crate::error::Result;
use crate::row::Row;
use crate::session::Session;
use crate::value::ToParam;

/// How a row is decoded.
type DecodeFn<T> = fn(&Row<'_>) -> Result<T>;

/// A statement of a query, for a session that sends it in its own way (the
/// async session's PostgreSQL statements): the key of its SQL in the
/// connection's cache of rendered statements, its values, its rendering.
#[cfg_attr(not(all(feature = "postgres", feature = "async")), allow(dead_code))]
pub(crate) struct Detached<'a> {
    st: &'a QueryState,
    kind: StatementKind,
    dialect: Dialect,
    shape: Shape<'a>,
}

#[cfg_attr(not(all(feature = "postgres", feature = "async")), allow(dead_code))]
impl<'a> Detached<'a> {
    /// Statement `kind` of `st` in dialect `d`, if the query can run there.
    pub(crate) fn of(st: &'a QueryState, kind: StatementKind, d: Dialect) -> Result<Self> {
        check_state(st, d)?;
        let mut shape = Shape::new(kind, d);
        shape.walk(st, kind);
        Ok(Detached {
            st,
            kind,
            dialect: d,
            shape,
        })
    }

    /// The SQL, from `s`'s connection's cache (rendered on a miss).
    pub(crate) fn sql(&self, s: &mut Session) -> Result<std::sync::Arc<str>> {
        s.rendered_sql(self.shape.key(), || {
            self.st.statement(self.kind, self.dialect).sql
        })
    }

    /// The values, in placeholder order.
    pub(crate) fn params(&self) -> smallvec::SmallVec<[&dyn ToParam; 8]> {
        self.shape
            .params()
            .iter()
            .map(|p| p as &dyn ToParam)
            .collect()
    }
}

/// A statement built with the generated API whose rows a [`Session`] can
/// fetch: `User::query()..` (rows of the query's row type) and
/// `User::query()...with(user::posts)` (`(User, Vec<Post>)` pairs).
pub trait FetchAll {
    /// One row of the result.
    type Row;

    /// Runs the statement on `s` and returns all its rows (the same as the
    /// value's own `all`).
    fn fetch_all(self, s: &mut Session) -> Result<Vec<Self::Row>>;

    /// The statement's query and row decoder when it is a plain query, for
    /// a session that sends the statement in its own way (the async
    /// session's PostgreSQL statements, sent from the awaiting task). Not
    /// for applications.
    #[doc(hidden)]
    fn plain(&self) -> Option<(&QueryState, DecodeFn<Self::Row>)> {
        None
    }
}

impl<S, R: RowType<S>, G: Executable> FetchAll for Query<S, R, G> {
    type Row = R::Row;

    fn fetch_all(self, s: &mut Session) -> Result<Vec<R::Row>> {
        self.all(s)
    }

    fn plain(&self) -> Option<(&QueryState, DecodeFn<R::Row>)> {
        Some((&self.st, <R::Row as Decode>::decode))
    }
}

impl<T: Table, L: EagerLoad<Parent = T::Model>> FetchAll for Eager<T, L> {
    type Row = (T::Model, L::Out);

    fn fetch_all(self, s: &mut Session) -> Result<Vec<Self::Row>> {
        self.all(s)
    }
}
