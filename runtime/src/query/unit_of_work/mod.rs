//! The session's unit of work: rows added with [`Session::add`], to-one links
//! set with [`Session::set`], many-to-many pairs from [`Session::connect`] /
//! [`Session::disconnect`] and deletes queued with [`Session::delete`], all
//! written at once by [`Session::flush`] (or [`Session::commit`]) in
//! foreign-key order; and [`Tracked`](super::Tracked), a loaded row that remembers its stored
//! values so that saving it updates only the columns that changed.
//!
//! # Object states, in Rust terms
//!
//! | SQLAlchemy | ormgen |
//! |---|---|
//! | transient | a `NewUser` value: plain data, nothing in any session |
//! | pending | added with `s.add(new)`; you hold a [`Handle<User>`]; the next flush inserts it |
//! | persistent | a `User` returned by a query, an insert or [`Flushed::get`], optionally wrapped in [`Tracked`](super::Tracked) to save changes |
//! | detached | every loaded `User`: it is an owned copy and never tied to the session, so it stays usable after the session is gone |
//! | deleted | queued with `s.delete(&user)`; after the flush the row is gone, the value stays yours |
//!
//! There is no identity map: loading the same row twice gives two independent
//! copies. Each [`Tracked`](super::Tracked) compares against the values *it* loaded, so saving
//! both writes the columns each one changed (the later save wins where both
//! changed the same column). Lock the row (`for_update`) or compare a version
//! column where that matters.
//!
//! # Flush
//!
//! A flush runs inside a savepoint of the session's transaction (beginning one
//! if none is open): on any error the database is as it was before the flush
//! and every queued operation is still queued, so it can be inspected, fixed
//! and flushed again, or dropped with [`Session::rollback`]. Its steps:
//!
//! 1. inserts of pending rows, parents before children (a deterministic
//!    topological order: among rows that are ready, the one added first goes
//!    first); the foreign-key columns of a row linked to a pending parent are
//!    filled from the parent's stored row, whatever the insert value held;
//! 2. a cycle among pending rows is broken at a *nullable* foreign key: that
//!    row is inserted with NULL and updated once its parent exists; a cycle of
//!    required foreign keys is an [`Error::UnitOfWork`];
//! 3. updates of stored rows whose to-one relation was set;
//! 4. many-to-many pairs connected (idempotent: `ON CONFLICT DO NOTHING`) and
//!    disconnected (a pair that is not there is not an error);
//! 5. queued deletes, children before parents (ordered by the rows' foreign-key
//!    values), each of which must hit its row ([`Error::NoSuchRow`] otherwise);
//!    the schema's referential actions are the database's: a restricted delete
//!    is an [`Error::ForeignKeyViolation`].

mod flush;
mod order;
mod parent;

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};

use super::builder::ToOne;
use super::catalog::{DialectSql, ForeignKey, KeySide, Path};
use super::exec::{fetch_first, fetch_one};
use super::table::{ManyToMany, Record, Relation, RowOf, Table};
use super::write::{Insertable, ModelOf};
use crate::session::Busy;
use crate::{Error, Result, Session, ToParam, Value};

use flush::run;
pub(super) use flush::{update_head, where_key};
pub use parent::{AddRow, Linked, Parent};

static NEXT_BATCH: AtomicU64 = AtomicU64::new(1);

fn next_batch() -> u64 {
    NEXT_BATCH.fetch_add(1, Ordering::Relaxed)
}

/// A pending row: what [`Session::add`] returns. Link other pending rows to it
/// ([`Session::set`], [`Session::connect`]) before anything is written; after
/// the flush, [`Flushed::get`] gives the row as stored.
///
/// A handle belongs to one session's current batch of pending rows: using it
/// with another session or after the flush that wrote it is an
/// [`Error::UnitOfWork`].
pub struct Handle<M> {
    batch: u64,
    slot: usize,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Handle<M> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M> Copy for Handle<M> {}
impl<M> PartialEq for Handle<M> {
    fn eq(&self, other: &Self) -> bool {
        self.batch == other.batch && self.slot == other.slot
    }
}
impl<M> Eq for Handle<M> {}
impl<M> fmt::Debug for Handle<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Handle<{}>(#{} of batch {})",
            std::any::type_name::<M>(),
            self.slot,
            self.batch
        )
    }
}

/// A row as the unit of work sees it: stored (its values) or pending (a slot).
/// Built by [`Target`]; opaque to users.
pub struct Endpoint(Side);

enum Side {
    Pending { batch: u64, slot: usize },
    Stored(Stored),
}

/// A stored row: its table's static data and its values.
struct Stored {
    table: &'static str,
    columns: &'static [&'static str],
    key: &'static [&'static str],
    updated_at: Option<&'static str>,
    foreign_keys: &'static [ForeignKey],
    delete: DialectSql,
    values: Vec<Value>,
    /// The row itself, for its model's delete hooks (a queued delete of a
    /// model with [`Hooks`](crate::query::Hooks)).
    hooks: Option<Box<dyn DeleteHooks>>,
}

/// A queued row's delete hooks, type-erased.
trait DeleteHooks: Send + Sync {
    fn before(&self, s: &mut Session) -> Result<()>;
    fn after(&self, s: &mut Session) -> Result<()>;
}

/// The row a queued delete's hooks get (in a mutex: models are `Send`, and
/// queued work is shared with `Sync` closures).
struct HookedRow<M>(std::sync::Mutex<M>);

impl<M: Record> HookedRow<M> {
    fn row(&self) -> std::sync::MutexGuard<'_, M> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<M: Record> DeleteHooks for HookedRow<M> {
    fn before(&self, s: &mut Session) -> Result<()> {
        self.row().before_delete(s)
    }
    fn after(&self, s: &mut Session) -> Result<()> {
        self.row().after_delete(s)
    }
}

impl Stored {
    fn of<M: Record>(row: &M) -> Stored {
        let info = <M::Table as Table>::INFO;
        Stored {
            table: info.name,
            columns: info.columns,
            key: info.primary_key,
            updated_at: <M::Table as Table>::UPDATED_AT,
            foreign_keys: <M::Table as Table>::FOREIGN_KEYS,
            delete: <M::Table as Table>::DELETE,
            values: row.values(),
            hooks: None,
        }
    }

    fn value(&self, column: &str) -> Result<Value> {
        value_of(self.table, self.columns, &self.values, column)
    }

    fn key_values(&self) -> Result<Vec<Value>> {
        self.key.iter().map(|c| self.value(c)).collect()
    }

    /// The row's identity: its table and key.
    fn id(&self) -> RowId {
        RowId::Stored(
            self.table,
            values_id(&self.key_values().unwrap_or_default()),
        )
    }
}

/// Which row a [`Side`] is, hashable: a pending slot, or a stored row's table and key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum RowId {
    Pending(usize),
    Stored(&'static str, String),
}

/// Values as hashable text (`Value` holds floats, so it has no `Hash`); values
/// of the same columns compare equal exactly when their texts do.
fn values_id(values: &[Value]) -> String {
    format!("{values:?}")
}

impl Side {
    fn id(&self) -> RowId {
        match self {
            Side::Pending { slot, .. } => RowId::Pending(*slot),
            Side::Stored(st) => st.id(),
        }
    }
}

pub(in crate::query) fn value_of(
    table: &str,
    columns: &[&str],
    values: &[Value],
    column: &str,
) -> Result<Value> {
    columns
        .iter()
        .position(|c| *c == column)
        .and_then(|i| values.get(i))
        .cloned()
        .ok_or_else(|| Error::UnitOfWork(format!("table `{table}` has no column `{column}`")))
}

/// A row of table `T` that a relation write can name: a stored row (`&User`)
/// or a pending one (a [`Handle<User>`]).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is neither a row of `{T}` nor a handle to a pending one",
    label = "expected `&Model` (a stored row) or a `Handle<Model>` from `s.add(..)`"
)]
pub trait Target<T: Table> {
    /// The row as the unit of work sees it.
    fn endpoint(self) -> Endpoint;
}

impl<T: Table, M: Record + RowOf<T>> Target<T> for &M {
    fn endpoint(self) -> Endpoint {
        Endpoint(Side::Stored(Stored::of(self)))
    }
}

impl<T: Table, M: RowOf<T>> Target<T> for Handle<M> {
    fn endpoint(self) -> Endpoint {
        Endpoint(Side::Pending {
            batch: self.batch,
            slot: self.slot,
        })
    }
}

/// A pending insert, type-erased.
trait PendingRow: Send + Sync {
    fn table(&self) -> &'static str;
    fn columns(&self) -> &'static [&'static str];
    fn insert_columns(&self) -> &'static [&'static str];
    fn key(&self) -> &'static [&'static str];
    /// Inserts the row, with `overrides` (parameter index, value) replacing the
    /// insert's own values.
    fn insert(&mut self, s: &mut Session, overrides: &[(usize, Value)]) -> Result<Written>;
    /// Runs a statement returning one row of this model, if any.
    fn fetch(&self, s: &mut Session, sql: &str, params: &[Value]) -> Result<Option<Written>>;
}

/// A row written by the flush: its values and the model, boxed.
struct Written {
    values: Vec<Value>,
    model: Box<dyn Any + Send>,
}

impl Written {
    fn of<M: Record>(model: M) -> Written {
        Written {
            values: model.values(),
            model: Box::new(model),
        }
    }
}

struct PendingInsert<N>(N);

impl<N> PendingRow for PendingInsert<N>
where
    N: Insertable + Send + Sync + 'static,
    ModelOf<N>: Record,
{
    fn table(&self) -> &'static str {
        <N::Table as Table>::INFO.name
    }
    fn columns(&self) -> &'static [&'static str] {
        <N::Table as Table>::INFO.columns
    }
    fn insert_columns(&self) -> &'static [&'static str] {
        N::COLUMNS
    }
    fn key(&self) -> &'static [&'static str] {
        <N::Table as Table>::INFO.primary_key
    }
    fn insert(&mut self, s: &mut Session, overrides: &[(usize, Value)]) -> Result<Written> {
        self.0.before_insert(s)?;
        self.0.fill_defaults();
        let mut p: Vec<&dyn ToParam> = Vec::with_capacity(N::COLUMNS.len());
        self.0.params(&mut p);
        for (i, v) in overrides {
            p[*i] = v;
        }
        let model: ModelOf<N> = fetch_one(s, N::INSERT.get(s.dialect())?, &p[..])?;
        N::after_insert(&model, s)?;
        Ok(Written::of(model))
    }
    fn fetch(&self, s: &mut Session, sql: &str, params: &[Value]) -> Result<Option<Written>> {
        Ok(fetch_first::<ModelOf<N>, _>(s, sql, params)?.map(Written::of))
    }
}

/// A to-one link: `child`'s foreign-key columns take `parent`'s referenced values.
struct Link {
    child: Side,
    parent: Side,
    /// `(child column, parent column)` pairs.
    pairs: &'static [(&'static str, &'static str)],
    /// Whether the pairs are stored far-to-near (`Far` key side): the pairs are
    /// then `(parent column, child column)`.
    flipped: bool,
    nullable: bool,
}

impl Link {
    fn pairs(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.pairs
            .iter()
            .map(move |&(a, b)| if self.flipped { (b, a) } else { (a, b) })
    }
}

/// A many-to-many pair to add or remove.
struct Pair {
    join_table: &'static str,
    from: &'static [(&'static str, &'static str)],
    to: &'static [(&'static str, &'static str)],
    a: Side,
    b: Side,
    connect: bool,
}

/// What a session will write at its next flush. Held by the session;
/// [`Session::flush`] writes it.
#[derive(Default)]
pub struct UnitOfWork {
    batch: u64,
    inserts: Vec<Box<dyn PendingRow>>,
    links: Vec<Link>,
    /// Index into `links` by child row and foreign-key columns: setting a
    /// relation again replaces its link.
    link_index: HashMap<(RowId, Vec<&'static str>), usize>,
    pairs: Vec<Pair>,
    deletes: Vec<Stored>,
    /// The queued deletes' identities (each row is deleted once).
    deleted: HashSet<RowId>,
    /// A relation given with a row ([`Linked`]) that could not be set (a
    /// handle of another batch): every flush fails with it until the queue
    /// is discarded.
    error: Option<String>,
}

impl fmt::Debug for UnitOfWork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnitOfWork")
            .field("inserts", &self.inserts.len())
            .field("links", &self.links.len())
            .field("pairs", &self.pairs.len())
            .field("deletes", &self.deletes.len())
            .finish()
    }
}

/// How long a [`UnitOfWork`]'s queues were ([`UnitOfWork::mark`]).
#[derive(Debug, Clone, Copy)]
struct Mark {
    inserts: usize,
    links: usize,
    pairs: usize,
    deletes: usize,
}

impl UnitOfWork {
    /// The lengths of the queues now.
    fn mark(&self) -> Mark {
        Mark {
            inserts: self.inserts.len(),
            links: self.links.len(),
            pairs: self.pairs.len(),
            deletes: self.deletes.len(),
        }
    }

    /// Drops what was queued after `mark` (a relation set again before it,
    /// which replaced its link in place, keeps the new target).
    fn truncate(&mut self, mark: Mark) {
        self.inserts.truncate(mark.inserts);
        self.links.truncate(mark.links);
        self.link_index.retain(|_, i| *i < mark.links);
        self.pairs.truncate(mark.pairs);
        for st in self.deletes.drain(mark.deletes..) {
            self.deleted.remove(&st.id());
        }
    }

    /// The number of pending inserts (rows added with [`Session::add`]).
    pub fn inserts(&self) -> usize {
        self.inserts.len()
    }

    /// The number of queued deletes.
    pub fn deletes(&self) -> usize {
        self.deletes.len()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.inserts.is_empty()
            && self.links.is_empty()
            && self.pairs.is_empty()
            && self.deletes.is_empty()
    }

    fn batch(&mut self) -> u64 {
        if self.batch == 0 {
            self.batch = next_batch();
        }
        self.batch
    }

    fn check(&mut self, e: Endpoint) -> Result<Side> {
        if let Side::Pending { batch, slot } = e.0
            && (batch != self.batch() || slot >= self.inserts.len())
        {
            return Err(Error::UnitOfWork(
                "this handle is not pending in this session (it comes from another session, \
                 or from a batch that was flushed or rolled back); use the stored row that \
                 `Flushed::get` returns"
                    .into(),
            ));
        }
        Ok(e.0)
    }
}

/// The rows a flush inserted, by handle.
pub struct Flushed {
    batch: u64,
    rows: Vec<Box<dyn Any + Send>>,
}

impl fmt::Debug for Flushed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Flushed")
            .field("rows", &self.rows.len())
            .finish_non_exhaustive()
    }
}

impl Flushed {
    /// The row `handle` was written as (defaults and foreign keys filled in).
    pub fn get<M: 'static>(&self, handle: Handle<M>) -> Result<&M> {
        if handle.batch != self.batch {
            return Err(Error::UnitOfWork(
                "this handle belongs to another flush".into(),
            ));
        }
        self.rows
            .get(handle.slot)
            .and_then(|b| b.downcast_ref::<M>())
            .ok_or_else(|| Error::UnitOfWork("this handle belongs to another flush".into()))
    }

    /// The number of rows inserted.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the flush inserted nothing.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

impl Session {
    /// Adds a new row to the unit of work (nothing is written until
    /// [`flush`](Self::flush) or [`commit`](Self::commit)). The returned handle
    /// names the pending row in [`set`](Self::set), [`connect`](Self::connect)
    /// and [`Flushed::get`].
    ///
    /// `new` is an insert value (`NewPost::new(..)`), or one built with a
    /// pending parent (`NewPost::with_author(.., erin)` where `erin` is a
    /// [`Handle`]): then the relation is [`set`](Self::set) too.
    pub fn add<P: AddRow>(&mut self, new: P) -> Handle<P::Model> {
        new.add_to(self)
    }

    fn add_insert<N>(&mut self, new: N) -> Handle<ModelOf<N>>
    where
        N: Insertable + Send + Sync + 'static,
        ModelOf<N>: Record,
    {
        let batch = self.uow.batch();
        let slot = self.uow.inserts.len();
        self.uow.inserts.push(Box::new(PendingInsert(new)));
        Handle {
            batch,
            slot,
            _model: PhantomData,
        }
    }

    /// Sets the to-one relation `rel` of `row` to `target` (each a stored row
    /// or a pending handle): `s.set(post, post::author, user)`, or from the other
    /// side of a one-to-one, `s.set(user, user::profile, profile)`. The
    /// foreign key is written by the next flush: in the insert of a pending
    /// row, by an update of a stored one. Setting the same relation again
    /// replaces the earlier target.
    pub fn set<R, A, B>(&mut self, row: A, _rel: R, target: B) -> Result<()>
    where
        R: Relation,
        R::Cardinality: ToOne,
        A: Target<R::From>,
        B: Target<R::To>,
    {
        self.set_endpoints::<R>(row.endpoint(), target.endpoint())
    }

    /// [`set`](Self::set) on rows already seen as endpoints.
    fn set_endpoints<R: Relation>(&mut self, row: Endpoint, target: Endpoint) -> Result<()> {
        let a = self.uow.check(row)?;
        let b = self.uow.check(target)?;
        let Path::Direct(pairs) = R::PATH else {
            return Err(Error::UnitOfWork(
                "a to-one relation through a join table".into(),
            ));
        };
        let link = match R::KEY {
            KeySide::Near { nullable } => Link {
                child: a,
                parent: b,
                pairs,
                flipped: false,
                nullable,
            },
            KeySide::Far { nullable } => Link {
                child: b,
                parent: a,
                pairs,
                flipped: true,
                nullable,
            },
            KeySide::JoinTable => {
                return Err(Error::UnitOfWork(
                    "a to-one relation through a join table".into(),
                ));
            }
        };
        let key = (link.child.id(), link.pairs().map(|(c, _)| c).collect());
        match self.uow.link_index.get(&key) {
            Some(&i) => self.uow.links[i] = link,
            None => {
                self.uow.link_index.insert(key, self.uow.links.len());
                self.uow.links.push(link);
            }
        }
        Ok(())
    }

    /// Connects `a` and `b` along the many-to-many relation `rel` (a row of its
    /// join table, written by the next flush; connecting a connected pair is a
    /// no-op).
    pub fn connect<R, A, B>(&mut self, a: A, rel: R, b: B) -> Result<()>
    where
        R: ManyToMany,
        A: Target<R::From>,
        B: Target<R::To>,
    {
        self.pair(a, rel, b, true)
    }

    /// Disconnects `a` and `b` along the many-to-many relation `rel` (deletes
    /// their join-table row at the next flush, if there is one).
    pub fn disconnect<R, A, B>(&mut self, a: A, rel: R, b: B) -> Result<()>
    where
        R: ManyToMany,
        A: Target<R::From>,
        B: Target<R::To>,
    {
        self.pair(a, rel, b, false)
    }

    fn pair<R, A, B>(&mut self, a: A, _rel: R, b: B, connect: bool) -> Result<()>
    where
        R: ManyToMany,
        A: Target<R::From>,
        B: Target<R::To>,
    {
        let a = self.uow.check(a.endpoint())?;
        let b = self.uow.check(b.endpoint())?;
        let Path::Through {
            table: join_table,
            from,
            to,
        } = R::PATH
        else {
            return Err(Error::UnitOfWork(
                "a many-to-many relation without a join table".into(),
            ));
        };
        self.uow.pairs.push(Pair {
            join_table,
            from,
            to,
            a,
            b,
            connect,
        });
        Ok(())
    }

    /// Queues the delete of a stored row, by its key. The flush deletes
    /// children before parents; the delete must hit the row.
    ///
    /// A model with [`Hooks`](crate::query::Hooks) runs `before_delete` and
    /// `after_delete` around the statement (with a copy of `row` taken now).
    pub fn delete<M: Record>(&mut self, row: &M) {
        let mut stored = Stored::of(row);
        if M::HOOKS {
            stored.hooks = row
                .hooked_copy()
                .map(|m| Box::new(HookedRow(std::sync::Mutex::new(m))) as Box<dyn DeleteHooks>);
        }
        if self.uow.deleted.insert(stored.id()) {
            self.uow.deletes.push(stored);
        }
    }

    /// The queued work.
    pub fn pending(&self) -> &UnitOfWork {
        &self.uow
    }

    /// Writes everything queued (inserts parents before children, a cycle
    /// broken at a nullable foreign key, to-one links, many-to-many pairs,
    /// then deletes children before parents), inside a savepoint: on error
    /// nothing of it is written and it all stays queued. Returns the inserted rows by handle.
    ///
    /// The engine's flush hooks run around it
    /// ([`Engine::before_flush`](crate::Engine::before_flush),
    /// [`Engine::after_flush`](crate::Engine::after_flush)), and each row's
    /// model [`Hooks`](crate::query::Hooks) around its statement, all inside
    /// the savepoint: an `Err` from any of them fails the flush.
    pub fn flush(&mut self) -> Result<Flushed> {
        if let Some(e) = &self.uow.error {
            return Err(Error::UnitOfWork(e.clone()));
        }
        if self.uow.is_empty() {
            return Ok(Flushed {
                batch: self.uow.batch,
                rows: Vec::new(),
            });
        }
        if self.busy & Busy::FLUSH != 0 {
            return Err(Error::UnitOfWork(
                "flush() called while the session is flushing (from a hook): the flush in \
                 progress writes what the hook queued before it, or the next flush does"
                    .into(),
            ));
        }
        let hooks = self.engine().inner.session_hooks.get();
        // The caller's queue: what hooks add to it is dropped if the flush fails
        // (they add it again when it runs again).
        let mark = self.uow.mark();
        let mut taken: Option<UnitOfWork> = None;
        let r = self.busy_with(Busy::FLUSH, |s| {
            s.savepoint(|s| {
                if let Some(h) = &hooks {
                    crate::session_hooks::run_all(&h.before_flush, s)?;
                    if let Some(e) = &s.uow.error {
                        return Err(Error::UnitOfWork(e.clone()));
                    }
                }
                let uow = taken.insert(std::mem::take(&mut s.uow));
                let batch = uow.batch();
                let rows = run(s, uow)?;
                if let Some(h) = &hooks {
                    crate::session_hooks::run_all(&h.after_flush, s)?;
                }
                Ok((batch, rows))
            })
        });
        match r {
            Ok((batch, rows)) => Ok(Flushed {
                batch,
                rows: rows.into_iter().map(|w| w.model).collect(),
            }),
            Err(e) => {
                if let Some(uow) = taken {
                    self.uow = uow;
                }
                self.uow.truncate(mark);
                Err(e)
            }
        }
    }

    /// Drops everything queued without writing it.
    pub fn discard_pending(&mut self) {
        self.uow = UnitOfWork::default();
    }
}
