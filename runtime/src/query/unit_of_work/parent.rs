//! A required relation given when an insert value is built, instead of a
//! placeholder key: `NewPost::with_author("Hello", parent)` where `parent` is
//! the author's key (`i32`), a stored row (`&User`) or a pending row (a
//! [`Handle<User>`] from [`Session::add`]).
//!
//! The generator emits a `with_<relation>` constructor per required to-one
//! relation along a one-column foreign key, and [`Parent`] impls for the
//! relation's key type and for its target model; the handle impl is here.
//! With a key or a stored row the constructor returns the insert value itself,
//! ready for `Post::insert` or `s.add`; with a handle it returns a [`Linked`]
//! value, which only [`Session::add`] takes: the flush inserts the parent
//! first and fills the foreign key in from its stored row.

use super::{Endpoint, Handle, Record, Relation, RowOf, Session, Side, Target, ToOne};
use crate::query::table::Table;
use crate::query::write::{Insertable, ModelOf};

/// The parent row of the required to-one relation `R`, given while building
/// an insert value of `R`'s model: its key, a stored row (`&Model`), or a
/// pending one ([`Handle<Model>`]).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot give the parent of relation `{R}`",
    label = "expected the parent's key, a stored row (`&Model`) or a `Handle<Model>` from `s.add(..)`"
)]
pub trait Parent<R: Relation> {
    /// What the constructor returns for an insert value `N`: `N` itself for a
    /// key or a stored row, [`Linked<N>`] for a pending parent.
    type Output<N>;
    /// Builds the value with `make`, given the foreign key (for a pending
    /// parent a placeholder, which the flush replaces).
    fn attach<N>(self, rel: R, make: impl FnOnce(R::Key) -> N) -> Self::Output<N>;
}

impl<R, M> Parent<R> for Handle<M>
where
    R: Relation,
    R::Cardinality: ToOne,
    R::Key: Default,
    M: RowOf<R::To>,
{
    type Output<N> = Linked<N>;

    fn attach<N>(self, _rel: R, make: impl FnOnce(R::Key) -> N) -> Linked<N> {
        Linked {
            row: make(R::Key::default()),
            links: vec![link_to::<R>(Target::<R::To>::endpoint(self))],
        }
    }
}

/// A relation to set once the row is added (boxed [`Session::set`]).
type PendingLink = Box<dyn FnOnce(&mut Session, Endpoint) -> crate::Result<()> + Send + Sync>;

/// Sets `R` from the added row to `parent` ([`Session::set`], deferred).
fn link_to<R: Relation>(parent: Endpoint) -> PendingLink {
    Box::new(move |s: &mut Session, child: Endpoint| s.set_endpoints::<R>(child, parent))
}

/// An insert value whose required parent is a pending row: add it with
/// [`Session::add`], which sets the relation as [`Session::set`] would. Not
/// insertable on its own (its foreign key does not exist until the flush).
pub struct Linked<N> {
    row: N,
    links: Vec<PendingLink>,
}

impl<N> Linked<N> {
    /// The insert value (its foreign key to the pending parent is a
    /// placeholder until the flush).
    pub fn row(&self) -> &N {
        &self.row
    }

    /// The insert value, to set optional fields on.
    pub fn row_mut(&mut self) -> &mut N {
        &mut self.row
    }

    /// Sets one more to-one relation of the row when it is added, to a stored
    /// or pending row: `NewComment::with_post(.., post).link(comment::author, erin)`.
    pub fn link<R, B>(mut self, _rel: R, target: B) -> Self
    where
        R: Relation,
        R::Cardinality: ToOne,
        B: Target<R::To>,
    {
        self.links.push(link_to::<R>(target.endpoint()));
        self
    }
}

impl<N: std::fmt::Debug> std::fmt::Debug for Linked<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Linked")
            .field("row", &self.row)
            .field("links", &self.links.len())
            .finish()
    }
}

/// What [`Session::add`] takes: an insert value, or a [`Linked`] one.
pub trait AddRow {
    /// The model of the row.
    type Model;
    /// Queues the row (and its relations) in `s`'s unit of work.
    fn add_to(self, s: &mut Session) -> Handle<Self::Model>;
}

impl<N> AddRow for N
where
    N: Insertable + Send + Sync + 'static,
    ModelOf<N>: Record,
{
    type Model = ModelOf<N>;

    fn add_to(self, s: &mut Session) -> Handle<ModelOf<N>> {
        s.add_insert(self)
    }
}

impl<N> AddRow for Linked<N>
where
    N: Insertable + Send + Sync + 'static,
    ModelOf<N>: Record,
{
    type Model = ModelOf<N>;

    fn add_to(self, s: &mut Session) -> Handle<ModelOf<N>> {
        let handle = s.add_insert(self.row);
        for link in self.links {
            let child = Endpoint(Side::Pending {
                batch: handle.batch,
                slot: handle.slot,
            });
            if let Err(e) = link(s, child)
                && s.uow.error.is_none()
            {
                s.uow.error = Some(format!(
                    "a relation given with a row of `{}` could not be set: {e}",
                    <N::Table as Table>::INFO.name
                ));
            }
        }
        handle
    }
}
