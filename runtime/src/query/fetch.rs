//! [`FetchAll`]: what a session can fetch all rows of — a [`Query`] or an
//! eager load ([`Eager`]) — so that code generic over "a statement returning
//! rows" (the async session's `all`) takes both.

use super::builder::{Executable, Query, RowType};
use super::eager::{Eager, EagerLoad};
use super::table::Table;
use crate::error::Result;
use crate::session::Session;

/// A statement built with the generated API whose rows a [`Session`] can
/// fetch: `User::query()..` (rows of the query's row type) and
/// `User::query()...with(user::posts)` (`(User, Vec<Post>)` pairs).
pub trait FetchAll {
    /// One row of the result.
    type Row;

    /// Runs the statement on `s` and returns all its rows (the same as the
    /// value's own `all`).
    fn fetch_all(self, s: &mut Session) -> Result<Vec<Self::Row>>;
}

impl<S, R: RowType<S>, G: Executable> FetchAll for Query<S, R, G> {
    type Row = R::Row;

    fn fetch_all(self, s: &mut Session) -> Result<Vec<R::Row>> {
        self.all(s)
    }
}

impl<T: Table, L: EagerLoad<Parent = T::Model>> FetchAll for Eager<T, L> {
    type Row = (T::Model, L::Out);

    fn fetch_all(self, s: &mut Session) -> Result<Vec<Self::Row>> {
        self.all(s)
    }
}
