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

use std::any::Any;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};

use super::builder::ToOne;
use super::catalog::{DialectSql, ForeignKey, KeySide, Path};
use super::exec::{fetch_first, fetch_one};
use super::render::Writer;
use super::table::{ManyToMany, Record, Relation, RowOf, Table};
use super::write::{Insertable, ModelOf, now_value, returning};
use crate::{Dialect, Error, Native, Result, Session, ToParam, Value};

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

pub(super) fn value_of(
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
        self.0.fill_defaults();
        let mut p: Vec<&dyn ToParam> = Vec::with_capacity(N::COLUMNS.len());
        self.0.params(&mut p);
        for (i, v) in overrides {
            p[*i] = v;
        }
        let model: ModelOf<N> = fetch_one(s, N::INSERT.get(s.dialect())?, &p[..])?;
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

impl UnitOfWork {
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
    pub fn add<N>(&mut self, new: N) -> Handle<ModelOf<N>>
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
        let a = self.uow.check(row.endpoint())?;
        let b = self.uow.check(target.endpoint())?;
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
    pub fn delete<M: Record>(&mut self, row: &M) {
        let stored = Stored::of(row);
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
    pub fn flush(&mut self) -> Result<Flushed> {
        let mut uow = std::mem::take(&mut self.uow);
        if uow.is_empty() {
            self.uow = uow;
            return Ok(Flushed {
                batch: self.uow.batch,
                rows: Vec::new(),
            });
        }
        let batch = uow.batch();
        match self.savepoint(|s| run(s, &mut uow)) {
            Ok(rows) => Ok(Flushed {
                batch,
                rows: rows.into_iter().map(|w| w.model).collect(),
            }),
            Err(e) => {
                self.uow = uow;
                Err(e)
            }
        }
    }

    /// Drops everything queued without writing it.
    pub fn discard_pending(&mut self) {
        self.uow = UnitOfWork::default();
    }
}

/// The order of the inserts and the links broken (deferred) to get it.
fn insert_order(uow: &UnitOfWork) -> Result<(Vec<usize>, Vec<bool>)> {
    let n = uow.inserts.len();
    let edge = |l: &Link| match (&l.parent, &l.child) {
        (Side::Pending { slot: p, .. }, Side::Pending { slot: c, .. }) => Some((*p, *c)),
        _ => None,
    };
    let mut deferred = vec![false; uow.links.len()];
    loop {
        let mut indegree = vec![0usize; n];
        let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, l) in uow.links.iter().enumerate() {
            if let (false, Some((p, c))) = (deferred[i], edge(l)) {
                indegree[c] += 1;
                out[p].push(c);
            }
        }
        let mut ready: BinaryHeap<Reverse<usize>> =
            (0..n).filter(|&i| indegree[i] == 0).map(Reverse).collect();
        let mut order = Vec::with_capacity(n);
        while let Some(Reverse(i)) = ready.pop() {
            order.push(i);
            for &c in &out[i] {
                indegree[c] -= 1;
                if indegree[c] == 0 {
                    ready.push(Reverse(c));
                }
            }
        }
        if order.len() == n {
            return Ok((order, deferred));
        }
        // A cycle among the rows left: break it at a nullable link on it.
        let left: Vec<bool> = (0..n).map(|i| indegree[i] > 0).collect();
        let reaches = |from: usize, to: usize| {
            let mut seen = vec![false; n];
            let mut stack = vec![from];
            while let Some(i) = stack.pop() {
                if i == to {
                    return true;
                }
                if std::mem::replace(&mut seen[i], true) {
                    continue;
                }
                stack.extend(out[i].iter().copied().filter(|&c| left[c]));
            }
            false
        };
        let on_cycle: Vec<usize> = uow
            .links
            .iter()
            .enumerate()
            .filter(|(i, l)| {
                !deferred[*i] && edge(l).is_some_and(|(p, c)| left[p] && left[c] && reaches(c, p))
            })
            .map(|(i, _)| i)
            .collect();
        match on_cycle.iter().find(|&&i| uow.links[i].nullable) {
            Some(&i) => deferred[i] = true,
            None => {
                let tables: Vec<&str> = on_cycle
                    .iter()
                    .filter_map(|&i| edge(&uow.links[i]))
                    .map(|(_, c)| uow.inserts[c].table())
                    .collect();
                return Err(Error::UnitOfWork(format!(
                    "the pending rows form a cycle of required foreign keys (through tables {}); \
                     no order of inserts can satisfy it: make one of the foreign keys nullable, \
                     or insert one row first and link it in a second flush",
                    tables.join(", ")
                )));
            }
        }
    }
}

/// The value of `column` of a row: pending rows must already be written.
fn side_value(
    side: &Side,
    written: &[Option<Written>],
    uow: &UnitOfWork,
    column: &str,
) -> Result<Value> {
    match side {
        Side::Stored(st) => st.value(column),
        Side::Pending { slot, .. } => {
            let row = uow.inserts[*slot].as_ref();
            let w = written[*slot].as_ref().ok_or_else(|| {
                Error::UnitOfWork(format!(
                    "a pending `{}` row is not written yet",
                    row.table()
                ))
            })?;
            value_of(row.table(), row.columns(), &w.values, column)
        }
    }
}

pub(super) fn where_key(w: &mut Writer<'_>, key: &[&'static str], values: Vec<Value>) {
    w.push(" WHERE ");
    for (i, (c, v)) in key.iter().zip(values).enumerate() {
        if i > 0 {
            w.push(" AND ");
        }
        w.ident(c);
        w.push(" = ");
        w.bind(v);
    }
}

/// `UPDATE "table" SET ..`; the `@updatedAt` column, if any, gets the current
/// time unless `sets` sets it.
pub(super) fn update_head(
    d: Dialect,
    table: &'static str,
    mut sets: Vec<(&'static str, Value)>,
    updated_at: Option<&'static str>,
) -> Writer<'static> {
    if let Some(u) = updated_at
        && !sets.iter().any(|(c, _)| *c == u)
    {
        sets.push((u, now_value()));
    }
    let mut w = Writer::new(d);
    w.push("UPDATE ");
    w.ident(table);
    w.push(" SET ");
    for (i, (c, v)) in sets.into_iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        w.ident(c);
        w.push(" = ");
        w.bind(v);
    }
    w
}

fn run(s: &mut Session, uow: &mut UnitOfWork) -> Result<Vec<Written>> {
    let (order, deferred) = insert_order(uow)?;
    let d = s.dialect();
    let mut written: Vec<Option<Written>> = (0..uow.inserts.len()).map(|_| None).collect();

    // 1. Inserts, with foreign keys from their (written or stored) parents.
    let mut links_of: Vec<Vec<usize>> = vec![Vec::new(); uow.inserts.len()];
    for (i, l) in uow.links.iter().enumerate() {
        if let Side::Pending { slot, .. } = l.child {
            links_of[slot].push(i);
        }
    }
    for &slot in &order {
        let mut overrides: Vec<(usize, Value)> = Vec::new();
        let columns = uow.inserts[slot].insert_columns();
        for &i in &links_of[slot] {
            let l = &uow.links[i];
            for (child_col, parent_col) in l.pairs() {
                let Some(at) = columns.iter().position(|c| *c == child_col) else {
                    return Err(Error::UnitOfWork(format!(
                        "column `{child_col}` of `{}` is not set by its insert",
                        uow.inserts[slot].table()
                    )));
                };
                let v = if deferred[i] {
                    Value::Null
                } else {
                    side_value(&l.parent, &written, uow, parent_col)?
                };
                overrides.retain(|(j, _)| *j != at);
                overrides.push((at, v));
            }
        }
        let w = uow.inserts[slot].insert(s, &overrides)?;
        written[slot] = Some(w);
    }

    // 2. and 3. Deferred links of pending rows, then links of stored rows.
    for (i, l) in uow.links.iter().enumerate() {
        let stored_child = matches!(l.child, Side::Stored(_));
        if !deferred[i] && !stored_child {
            continue;
        }
        let mut sets = Vec::new();
        for (child_col, parent_col) in l.pairs() {
            sets.push((child_col, side_value(&l.parent, &written, uow, parent_col)?));
        }
        match &l.child {
            Side::Stored(st) => {
                let mut w = update_head(d, st.table, sets, st.updated_at);
                where_key(&mut w, st.key, st.key_values()?);
                let stmt = w.finish();
                if s.execute(Native(&stmt.sql), &stmt.params)? == 0 {
                    return Err(Error::NoSuchRow {
                        table: st.table.to_owned(),
                        action: "update",
                    });
                }
            }
            Side::Pending { slot, .. } => {
                let row = uow.inserts[*slot].as_ref();
                let key: Vec<Value> = row
                    .key()
                    .iter()
                    .map(|c| side_value(&l.child, &written, uow, c))
                    .collect::<Result<_>>()?;
                let mut w = update_head(d, row.table(), sets, None);
                where_key(&mut w, row.key(), key);
                returning(&mut w, row.columns());
                let stmt = w.finish();
                let refreshed =
                    row.fetch(s, &stmt.sql, &stmt.params)?
                        .ok_or_else(|| Error::NoSuchRow {
                            table: row.table().to_owned(),
                            action: "update",
                        })?;
                written[*slot] = Some(refreshed);
            }
        }
    }

    // 4. Many-to-many pairs.
    for p in &uow.pairs {
        let mut cols = Vec::new();
        for &(near, jt) in p.from {
            cols.push((jt, side_value(&p.a, &written, uow, near)?));
        }
        for &(jt, far) in p.to {
            cols.push((jt, side_value(&p.b, &written, uow, far)?));
        }
        let mut w = Writer::new(d);
        if p.connect {
            w.push("INSERT INTO ");
            w.ident(p.join_table);
            w.push(" (");
            for (i, (c, _)) in cols.iter().enumerate() {
                if i > 0 {
                    w.push(", ");
                }
                w.ident(c);
            }
            w.push(") VALUES (");
            for (i, (_, v)) in cols.into_iter().enumerate() {
                if i > 0 {
                    w.push(", ");
                }
                w.bind(v);
            }
            w.push(") ON CONFLICT DO NOTHING");
        } else {
            w.push("DELETE FROM ");
            w.ident(p.join_table);
            let (names, values): (Vec<&str>, Vec<Value>) = cols.into_iter().unzip();
            where_key(&mut w, &names, values);
        }
        let stmt = w.finish();
        s.execute(Native(&stmt.sql), &stmt.params)?;
    }

    // 5. Deletes, children before parents.
    for i in delete_order(&uow.deletes) {
        let st = &uow.deletes[i];
        let key = st.key_values()?;
        if s.execute(Native(st.delete.get(d)?), &key)? == 0 {
            return Err(Error::NoSuchRow {
                table: st.table.to_owned(),
                action: "delete",
            });
        }
    }

    written
        .into_iter()
        .map(|w| w.ok_or_else(|| Error::UnitOfWork("a pending row was not written".into())))
        .collect()
}

/// Queued deletes ordered so that a row referencing another queued row (by
/// its foreign-key values) goes first; otherwise in queue order. Rows that
/// reference each other in a cycle keep their queue order.
fn delete_order(deletes: &[Stored]) -> Vec<usize> {
    let n = deletes.len();
    // Every queued row by the values of each column set a foreign key refers to.
    let mut by_ref: HashMap<(&str, &[&str], String), Vec<usize>> = HashMap::new();
    let targets: HashSet<(&str, &[&str])> = deletes
        .iter()
        .flat_map(|d| d.foreign_keys.iter().map(|fk| (fk.table, fk.referenced)))
        .collect();
    for (j, row) in deletes.iter().enumerate() {
        for &(table, cols) in targets.iter().filter(|(t, _)| *t == row.table) {
            if let Ok(vals) = cols
                .iter()
                .map(|c| row.value(c))
                .collect::<Result<Vec<_>>>()
            {
                by_ref
                    .entry((table, cols, values_id(&vals)))
                    .or_default()
                    .push(j);
            }
        }
    }
    // waits[j]: rows still to delete before row j; frees[i]: rows row i was holding up.
    let mut waits = vec![0usize; n];
    let mut frees: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, child) in deletes.iter().enumerate() {
        for fk in child.foreign_keys {
            let Ok(vals) = fk
                .columns
                .iter()
                .map(|c| child.value(c))
                .collect::<Result<Vec<_>>>()
            else {
                continue;
            };
            if vals.contains(&Value::Null) {
                continue;
            }
            let parents = by_ref.get(&(fk.table, fk.referenced, values_id(&vals)));
            for &j in parents.into_iter().flatten().filter(|&&j| j != i) {
                waits[j] += 1;
                frees[i].push(j);
            }
        }
    }
    let mut done = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let mut ready: BinaryHeap<Reverse<usize>> = (0..n)
            .filter(|&i| !done[i] && waits[i] == 0)
            .map(Reverse)
            .collect();
        if ready.is_empty() {
            // A cycle: take the first row left in queue order.
            if let Some(i) = (0..n).find(|&i| !done[i]) {
                waits[i] = 0;
                ready.push(Reverse(i));
            }
        }
        while let Some(Reverse(i)) = ready.pop() {
            if done[i] {
                continue;
            }
            done[i] = true;
            order.push(i);
            for &j in &frees[i] {
                waits[j] = waits[j].saturating_sub(1);
                if waits[j] == 0 && !done[j] {
                    ready.push(Reverse(j));
                }
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pending row of table `table` that is never written.
    struct Fake(&'static str);
    impl PendingRow for Fake {
        fn table(&self) -> &'static str {
            self.0
        }
        fn columns(&self) -> &'static [&'static str] {
            &["id", "fk"]
        }
        fn insert_columns(&self) -> &'static [&'static str] {
            &["fk"]
        }
        fn key(&self) -> &'static [&'static str] {
            &["id"]
        }
        fn insert(&mut self, _: &mut Session, _: &[(usize, Value)]) -> Result<Written> {
            unreachable!("not run")
        }
        fn fetch(&self, _: &mut Session, _: &str, _: &[Value]) -> Result<Option<Written>> {
            unreachable!("not run")
        }
    }

    fn uow(tables: &[&'static str], links: &[(usize, usize, bool)]) -> UnitOfWork {
        let pending = |slot| Side::Pending { batch: 1, slot };
        UnitOfWork {
            batch: 1,
            inserts: tables
                .iter()
                .map(|t| Box::new(Fake(t)) as Box<dyn PendingRow>)
                .collect(),
            links: links
                .iter()
                .map(|&(child, parent, nullable)| Link {
                    child: pending(child),
                    parent: pending(parent),
                    pairs: &[("fk", "id")],
                    flipped: false,
                    nullable,
                })
                .collect(),
            ..UnitOfWork::default()
        }
    }

    #[test]
    fn parents_first_and_otherwise_in_the_order_added() {
        // 0 -> 2, 1 -> 0 (child, parent): 2, then 0, then 1; 3 is free.
        let w = uow(&["a", "b", "c", "d"], &[(0, 2, false), (1, 0, false)]);
        let (order, deferred) = insert_order(&w).expect("order");
        assert_eq!(order, [2, 0, 1, 3]);
        assert_eq!(deferred, [false, false]);
    }

    #[test]
    fn a_cycle_is_broken_at_its_nullable_link_only() {
        // 0 -> 1 (required), 1 -> 0 (nullable); 2 -> 0 is not on the cycle.
        let w = uow(
            &["a", "b", "c"],
            &[(0, 1, false), (1, 0, true), (2, 0, true)],
        );
        let (order, deferred) = insert_order(&w).expect("order");
        assert_eq!(deferred, [false, true, false]);
        assert_eq!(order, [1, 0, 2]);
        // A row linked to itself.
        let w = uow(&["a"], &[(0, 0, true)]);
        assert_eq!(insert_order(&w).expect("self").1, [true]);
    }

    #[test]
    fn a_cycle_of_required_keys_is_an_error_naming_the_tables() {
        let w = uow(&["users", "teams"], &[(0, 1, false), (1, 0, false)]);
        let err = insert_order(&w).expect_err("cycle");
        let Error::UnitOfWork(msg) = err else {
            panic!("{err:?}")
        };
        assert!(msg.contains("cycle of required foreign keys"), "{msg}");
        assert!(msg.contains("users") && msg.contains("teams"), "{msg}");
    }

    fn stored(table: &'static str, fks: &'static [ForeignKey], values: Vec<Value>) -> Stored {
        Stored {
            table,
            columns: &["id", "parent"],
            key: &["id"],
            updated_at: None,
            foreign_keys: fks,
            delete: DialectSql {
                postgres: "",
                sqlite: "",
            },
            values,
        }
    }

    #[test]
    fn deletes_children_before_parents() {
        const FK: &[ForeignKey] = &[ForeignKey {
            columns: &["parent"],
            table: "t",
            referenced: &["id"],
        }];
        // 1 is the root, 2 its child, 0 a grandchild; 3 is unrelated.
        let rows = vec![
            stored("t", FK, vec![Value::I32(10), Value::I32(20)]),
            stored("t", FK, vec![Value::I32(1), Value::Null]),
            stored("t", FK, vec![Value::I32(20), Value::I32(1)]),
            stored("t", FK, vec![Value::I32(30), Value::Null]),
        ];
        assert_eq!(delete_order(&rows), [0, 2, 1, 3]);
        // Two rows referencing each other keep their queue order.
        let rows = vec![
            stored("t", FK, vec![Value::I32(1), Value::I32(2)]),
            stored("t", FK, vec![Value::I32(2), Value::I32(1)]),
        ];
        assert_eq!(delete_order(&rows), [0, 1]);
    }
}
