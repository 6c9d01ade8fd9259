//! Eager loading (`Model::query().with(rel)`): the parents, then one statement per
//! batch of distinct parent keys (`WHERE key IN (..)`, each batch within the
//! backend's parameter limit), children grouped per parent by key.

use std::marker::PhantomData;

use super::ast::{JoinClause, Node, QueryState, link};
use super::builder::Query;
use super::catalog::{Path, TableRef};
use super::decode::Decode;
use super::exec::with_statement;
use super::key::{EagerKey, RelKey};
use super::scope::Root;
use super::table::{Many, One, OptionalOne, Relation, RelationOf, Table};
use super::walk::StatementKind;
use super::write::session_max_params;
use crate::{Error, Result, Row, Session, Value};

/// How the loaded side of a relation is packed per parent.
pub trait Cardinality {
    /// `Vec<M>`, `M` or `Option<M>`.
    type Out<M>;
    /// Packs the children of one parent.
    fn pack<M>(children: Vec<M>) -> Result<Self::Out<M>>;
}
impl Cardinality for Many {
    type Out<M> = Vec<M>;
    fn pack<M>(children: Vec<M>) -> Result<Vec<M>> {
        Ok(children)
    }
}
impl Cardinality for One {
    type Out<M> = M;
    fn pack<M>(children: Vec<M>) -> Result<M> {
        let n = children.len();
        let mut it = children.into_iter();
        match (it.next(), n) {
            (Some(m), 1) => Ok(m),
            (None, _) => Err(Error::NotFound),
            _ => Err(Error::TooManyRows),
        }
    }
}
impl Cardinality for OptionalOne {
    type Out<M> = Option<M>;
    fn pack<M>(children: Vec<M>) -> Result<Option<M>> {
        if children.len() > 1 {
            return Err(Error::TooManyRows);
        }
        Ok(children.into_iter().next())
    }
}

/// What `with` can load for the rows of table `T`: a relation declared on
/// `T` (`user::posts`), a relation with nested loads (`user::posts.with(post::comments)`),
/// or a tuple of those (`(user::posts, user::profile)`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be loaded for the rows of `{T}`",
    label = "`with` takes a relation of the query's root model, a nested load built with `rel.with(..)`, or a tuple of those",
    note = "use a relation handle from the root model's module, e.g. `user::posts` on `User::query()`"
)]
pub trait Load<T>: EagerLoad {}
impl<T, Rel: RelationOf<T>> Load<T> for Rel where Rel: EagerLoad {}
impl<T, Rel: RelationOf<T>, I> Load<T> for Nested<Rel, I> where Nested<Rel, I>: EagerLoad {}
impl<T, A: Load<T>, B: Load<T>> Load<T> for (A, B) where (A, B): EagerLoad {}
impl<T, A: Load<T>, B: Load<T>, C: Load<T>> Load<T> for (A, B, C) where (A, B, C): EagerLoad {}

/// A relation whose children get loads of their own:
/// `user::posts.with(post::comments)` yields `Vec<(Post, Vec<Comment>)>` per user.
#[derive(Debug, Clone, Copy)]
pub struct Nested<Rel, I> {
    inner: I,
    _rel: PhantomData<fn() -> Rel>,
}

/// `rel.with(inner)` on relation handles (blanket impl; import it).
pub trait NestExt: Relation + Sized {
    /// Loads `inner` for each child reached along this relation.
    fn with<I>(self, inner: I) -> Nested<Self, I>
    where
        I: Load<Self::To>,
    {
        Nested {
            inner,
            _rel: PhantomData,
        }
    }
}
impl<Rel: Relation> NestExt for Rel {}

/// The erased machinery behind [`Load`]: how keys are read from a parent row,
/// how children are fetched for a set of keys, and how they are handed out.
pub trait EagerLoad {
    /// What each parent gets (`Vec<Post>`, `Option<Profile>`, `(Vec<Post>, Vec<Comment>)`, …).
    type Out;
    /// Column positions in the parent row.
    type Idx;
    /// A parent's key(s).
    type Key: Clone;
    /// The parent model.
    type Parent;
    /// The loaded children, by key.
    type Fetched;
    /// Finds the parent columns this load needs among `columns` (the parent
    /// row's columns, in order).
    fn resolve(columns: &[&str]) -> Result<Self::Idx>;
    /// A parent's key: from the decoded parent's fields where the relation
    /// allows it ([`Relation::KEYS_IN_FIELDS`]), else read from its row.
    fn key(idx: &Self::Idx, parent: &Self::Parent, row: &Row<'_>) -> Result<Self::Key>;
    /// Loads the children of all `keys` (one statement per batch and level).
    fn fetch(&self, s: &mut Session, keys: &[Self::Key]) -> Result<Self::Fetched>;
    /// Hands out the children of one parent (in parent order; a key shared by
    /// several parents is cloned for all but the last).
    fn take(fetched: &mut Self::Fetched, key: &Self::Key) -> Result<Self::Out>;
}

/// The model of a relation's target.
type Child<Rel> = <<Rel as Relation>::To as Table>::Model;
/// What loading a relation yields per parent.
pub type Loaded<Rel> = <<Rel as Relation>::Cardinality as Cardinality>::Out<Child<Rel>>;

type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// The distinct keys of a batch of parents, each with a slot, and how many
/// parents want each slot.
struct Slots<K> {
    by_key: FastMap<K, usize>,
    /// The distinct keys, by slot (first-seen order).
    keys: Vec<K>,
    remaining: Vec<usize>,
}

impl<K: EagerKey> Slots<K> {
    fn new(keys: &[RelKey<K>]) -> Self {
        let mut s = Slots {
            by_key: FastMap::default(),
            keys: Vec::new(),
            remaining: Vec::new(),
        };
        for k in keys.iter().flatten() {
            match s.by_key.get(k) {
                Some(&i) => s.remaining[i] += 1,
                None => {
                    s.by_key.insert(k.clone(), s.keys.len());
                    s.keys.push(k.clone());
                    s.remaining.push(1);
                }
            }
        }
        s
    }
    #[inline]
    fn slot(&self, k: &K) -> Option<usize> {
        self.by_key.get(k).copied()
    }
}

/// Children grouped by parent key (one bucket per distinct key).
pub struct ChildrenByKey<M, K> {
    slots: Slots<K>,
    buckets: Vec<Vec<M>>,
}

impl<M: Clone, K: EagerKey> ChildrenByKey<M, K> {
    fn new(slots: Slots<K>) -> Self {
        let buckets = (0..slots.keys.len()).map(|_| Vec::new()).collect();
        ChildrenByKey { slots, buckets }
    }
    /// The children of one parent: moved out for the last parent that wants
    /// them, cloned for the others.
    fn take(&mut self, key: &RelKey<K>) -> Vec<M> {
        let Some(i) = key.as_ref().and_then(|k| self.slots.slot(k)) else {
            return Vec::new();
        };
        let left = &mut self.slots.remaining[i];
        *left = left.saturating_sub(1);
        if *left == 0 {
            std::mem::take(&mut self.buckets[i])
        } else {
            self.buckets[i].clone()
        }
    }
}

/// Positions of `names` among `columns`.
fn positions(columns: &[&str], names: &[&str]) -> Result<Vec<usize>> {
    if names.is_empty() {
        return Err(Error::Unsupported("a relation without key columns".into()));
    }
    names
        .iter()
        .map(|n| {
            columns.iter().position(|c| c == n).ok_or_else(|| {
                Error::Unsupported(format!("relation key `{n}` is not a column of the parent"))
            })
        })
        .collect()
}

/// The parent-side key columns of a relation.
fn near_columns(path: Path) -> Vec<&'static str> {
    match path {
        Path::Direct(pairs) => pairs.iter().map(|(n, _)| *n).collect(),
        Path::Through { from, .. } => from.iter().map(|(n, _)| *n).collect(),
    }
}

/// Runs the child statements of `Rel` for the distinct keys of `slots`, one per
/// batch within the parameter limit, decodes each child row and calls
/// `on_child` with its parent slot, the child and its row (shifted to the
/// child's columns when the key was selected before them).
fn fetch_children<Rel: Relation>(
    s: &mut Session,
    slots: &Slots<Rel::Key>,
    mut on_child: impl FnMut(usize, Child<Rel>, &Row<'_>) -> Result<()>,
) -> Result<()> {
    if slots.keys.is_empty() {
        return Ok(());
    }
    let to = &<Rel::To as Table>::INFO;
    let far = to.qualifier();
    // (child-side key expressions, FROM, JOIN)
    let (key_nodes, child_from, join): (Vec<Node>, TableRef, Option<JoinClause>) = match Rel::PATH {
        Path::Direct(pairs) => (
            pairs.iter().map(|(_, f)| Node::Col(far, f)).collect(),
            to.table_ref(),
            None,
        ),
        Path::Through {
            table,
            from,
            to: tp,
        } => (
            from.iter().map(|(_, a)| Node::Col(table, a)).collect(),
            TableRef::plain(table),
            Some(JoinClause {
                left: false,
                table: to.table_ref(),
                on: link(tp, table, far),
            }),
        ),
    };
    let width = key_nodes.len();
    // Where each child row's key is read and how far the row is shifted to the
    // child's columns: a direct relation's key columns are columns of the child
    // (read there instead of selecting them twice); a join table's are selected
    // before the child's columns.
    let in_child: Option<Vec<usize>> = match Rel::PATH {
        Path::Direct(pairs) => pairs
            .iter()
            .map(|(_, f)| to.columns.iter().position(|c| c == f))
            .collect(),
        Path::Through { .. } => None,
    };
    let shift = if in_child.is_some() { 0 } else { width };
    // The child's own fields hold a direct relation's key: no second read.
    let key_in_child = Rel::KEYS_IN_FIELDS && in_child.is_some();
    let key_at = in_child.unwrap_or_else(|| (0..width).collect());
    let mut list = key_nodes.clone();
    list.extend(to.columns.iter().map(|c| Node::Col(far, c)));
    let lhs = if width == 1 {
        key_nodes[0].clone()
    } else {
        Node::Tuple(key_nodes)
    };
    let per_batch = (session_max_params(s) / width).max(1);
    for chunk in slots.keys.chunks(per_batch) {
        let mut sub = QueryState::new(to);
        sub.from = child_from;
        sub.joins.extend(join.clone());
        if shift > 0 {
            sub.select = Some(list.clone());
        }
        let mut values = Vec::with_capacity(chunk.len() * width);
        for k in chunk {
            k.push_values(&mut values);
        }
        let items = if width == 1 {
            values.into_iter().map(Node::Bind).collect()
        } else {
            let mut it = values.into_iter();
            (0..chunk.len())
                .map(|_| Node::Tuple(it.by_ref().take(width).map(Node::Bind).collect()))
                .collect()
        };
        sub.filters.push(Node::InList(Box::new(lhs.clone()), items));
        with_statement(&sub, StatementKind::Select, s, |s, sql, p| {
            s.try_for_each(sql, p, |r: &Row<'_>| {
                let shifted;
                let row = if shift == 0 {
                    r
                } else {
                    shifted = r.shifted(shift);
                    &shifted
                };
                if key_in_child {
                    let child = Child::<Rel>::decode(row)?;
                    if let Some(k) = Rel::far_key(&child)
                        && let Some(slot) = slots.slot(&k)
                    {
                        on_child(slot, child, row)?;
                    }
                } else if let Some(k) = Rel::Key::read(r, &key_at)?
                    && let Some(slot) = slots.slot(&k)
                {
                    on_child(slot, Child::<Rel>::decode(row)?, row)?;
                }
                Ok(true)
            })
        })?;
    }
    Ok(())
}

impl<Rel> EagerLoad for Rel
where
    Rel: Relation,
    Rel::Cardinality: Cardinality,
    Child<Rel>: Clone,
{
    type Out = Loaded<Rel>;
    type Idx = Vec<usize>;
    type Key = RelKey<Rel::Key>;
    type Parent = <Rel::From as Table>::Model;
    type Fetched = ChildrenByKey<Child<Rel>, Rel::Key>;
    fn resolve(columns: &[&str]) -> Result<Vec<usize>> {
        positions(columns, &near_columns(Rel::PATH))
    }
    #[inline]
    fn key(idx: &Vec<usize>, parent: &Self::Parent, row: &Row<'_>) -> Result<Self::Key> {
        if Rel::KEYS_IN_FIELDS {
            Ok(Rel::near_key(parent))
        } else {
            Rel::Key::read(row, idx)
        }
    }
    fn fetch(&self, s: &mut Session, keys: &[Self::Key]) -> Result<Self::Fetched> {
        let mut g = ChildrenByKey::new(Slots::new(keys));
        let ChildrenByKey { slots, buckets } = &mut g;
        fetch_children::<Rel>(s, slots, |slot, child, _| {
            buckets[slot].push(child);
            Ok(())
        })?;
        Ok(g)
    }
    fn take(fetched: &mut Self::Fetched, key: &Self::Key) -> Result<Self::Out> {
        Rel::Cardinality::pack(fetched.take(key))
    }
}

impl<Rel, I> EagerLoad for Nested<Rel, I>
where
    Rel: Relation,
    Rel::Cardinality: Cardinality,
    Child<Rel>: Clone,
    I: EagerLoad<Parent = Child<Rel>>,
    I::Out: Clone,
{
    type Out = <Rel::Cardinality as Cardinality>::Out<(Child<Rel>, I::Out)>;
    type Idx = Vec<usize>;
    type Key = RelKey<Rel::Key>;
    type Parent = <Rel::From as Table>::Model;
    type Fetched = ChildrenByKey<(Child<Rel>, I::Out), Rel::Key>;
    fn resolve(columns: &[&str]) -> Result<Vec<usize>> {
        <Rel as EagerLoad>::resolve(columns)
    }
    #[inline]
    fn key(idx: &Vec<usize>, parent: &Self::Parent, row: &Row<'_>) -> Result<Self::Key> {
        <Rel as EagerLoad>::key(idx, parent, row)
    }
    fn fetch(&self, s: &mut Session, keys: &[Self::Key]) -> Result<Self::Fetched> {
        let inner_idx = I::resolve(<Rel::To as Table>::INFO.columns)?;
        let slots = Slots::new(keys);
        let mut rows: Vec<(usize, Child<Rel>)> = Vec::new();
        let mut inner_keys: Vec<I::Key> = Vec::new();
        fetch_children::<Rel>(s, &slots, |slot, child, r| {
            inner_keys.push(I::key(&inner_idx, &child, r)?);
            rows.push((slot, child));
            Ok(())
        })?;
        let mut inner = self.inner.fetch(s, &inner_keys)?;
        let mut g = ChildrenByKey::new(slots);
        for ((slot, child), ik) in rows.into_iter().zip(&inner_keys) {
            let out = I::take(&mut inner, ik)?;
            g.buckets[slot].push((child, out));
        }
        Ok(g)
    }
    fn take(fetched: &mut Self::Fetched, key: &Self::Key) -> Result<Self::Out> {
        Rel::Cardinality::pack(fetched.take(key))
    }
}

macro_rules! tuple_load {
    ($($t:ident $i:tt),+) => {
        impl<P, $($t: EagerLoad<Parent = P>),+> EagerLoad for ($($t,)+) {
            type Out = ($($t::Out,)+);
            type Idx = ($($t::Idx,)+);
            type Key = ($($t::Key,)+);
            type Parent = P;
            type Fetched = ($($t::Fetched,)+);
            fn resolve(columns: &[&str]) -> Result<Self::Idx> {
                Ok(($($t::resolve(columns)?,)+))
            }
            fn key(idx: &Self::Idx, parent: &Self::Parent, row: &Row<'_>) -> Result<Self::Key> {
                Ok(($($t::key(&idx.$i, parent, row)?,)+))
            }
            fn fetch(&self, s: &mut Session, keys: &[Self::Key]) -> Result<Self::Fetched> {
                Ok(($({
                    let part: Vec<$t::Key> = keys.iter().map(|k| k.$i.clone()).collect();
                    self.$i.fetch(s, &part)?
                },)+))
            }
            fn take(fetched: &mut Self::Fetched, key: &Self::Key) -> Result<Self::Out> {
                Ok(($($t::take(&mut fetched.$i, &key.$i)?,)+))
            }
        }
    };
}
tuple_load!(A 0, B 1);
tuple_load!(A 0, B 1, C 2);

/// `T::query().with(load)`: the parents, then one statement per relation
/// level (per batch of keys).
pub struct Eager<T, L> {
    parent: QueryState,
    load: L,
    _p: PhantomData<fn() -> T>,
}

impl<T: Table> Query<Root<T>> {
    /// Eager loading: runs this query, then loads `load` for all rows at once —
    /// one extra statement per relation (per batch of keys within the backend's
    /// parameter limit), never one per parent. `load` is a relation of `T`
    /// (`user::posts`), a nested load (`user::posts.with(post::comments)`), or a
    /// tuple of those (`(user::posts, user::profile)`).
    pub fn with<L: Load<T>>(self, load: L) -> Eager<T, L> {
        Eager {
            parent: self.into_state(),
            load,
            _p: PhantomData,
        }
    }
}

impl<T: Table, L: EagerLoad<Parent = T::Model>> Eager<T, L> {
    /// Runs the parent query, then the loads: `(parent, loaded)` pairs in the
    /// parent query's order. Composite keys are matched as row values,
    /// `("c"."a", "c"."b") IN ((?1, ?2), ..)`.
    pub fn all(self, s: &mut Session) -> Result<Vec<(T::Model, L::Out)>> {
        super::table::generated_for::<T>(s.dialect())?;
        let idx = L::resolve(T::INFO.columns)?;
        let mut parents: Vec<T::Model> = Vec::new();
        let mut keys: Vec<L::Key> = Vec::new();
        with_statement(&self.parent, StatementKind::Select, s, |s, sql, p| {
            s.try_for_each(sql, p, |r: &Row<'_>| {
                if parents.capacity() == 0 {
                    parents.reserve_exact(r.result_len_hint());
                    keys.reserve_exact(r.result_len_hint());
                }
                let parent = T::Model::decode(r)?;
                keys.push(L::key(&idx, &parent, r)?);
                parents.push(parent);
                Ok(true)
            })
        })?;
        let mut fetched = self.load.fetch(s, &keys)?;
        parents
            .into_iter()
            .zip(&keys)
            .map(|(p, k)| Ok((p, L::take(&mut fetched, k)?)))
            .collect()
    }
}

/// Lazy loading: the rows related to one parent along `Rel`, as a query that
/// can be filtered, ordered and paged further before a terminal runs it (the
/// generated `user.posts()`, `post.author()`, `post.tags()` call this).
/// `near` holds the parent's values of the relation's near-side columns, in
/// path order; a NULL (an unset optional foreign key) matches no row.
pub fn related<Rel: Relation>(near: Vec<Value>) -> Query<Root<Rel::To>> {
    let mut q = Query::<Root<Rel::To>>::new();
    let to = &<Rel::To as Table>::INFO;
    let far = to.qualifier();
    let eq = |col: Node, v: Value| Node::cmp("=", col, Node::Bind(v));
    let cond = match Rel::PATH {
        Path::Direct(pairs) => pairs
            .iter()
            .zip(near)
            .map(|((_, f), v)| eq(Node::Col(far, f), v))
            .reduce(|a, b| Node::And(Box::new(a), Box::new(b))),
        Path::Through {
            table,
            from,
            to: tp,
        } => {
            // far IN (SELECT jt.b FROM jt WHERE jt.a = $near)
            let mut sub = QueryState::new(to);
            sub.from = TableRef::plain(table);
            sub.models.clear();
            sub.select = Some(tp.iter().map(|(jt, _)| Node::Col(table, jt)).collect());
            sub.filters.extend(
                from.iter()
                    .zip(near)
                    .map(|((_, jt), v)| eq(Node::Col(table, jt), v)),
            );
            let lhs = match tp {
                [(_, f)] => Node::Col(far, f),
                _ => Node::Tuple(tp.iter().map(|(_, f)| Node::Col(far, f)).collect()),
            };
            Some(Node::InQuery(Box::new(lhs), Box::new(sub)))
        }
    };
    match cond {
        Some(c) => q.st.filters.push(c),
        None => q.st.error = Some("a relation without key columns"),
    }
    q
}
