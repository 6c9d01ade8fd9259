//! Eager loading (`Model::query().with(rel)`): the parents, then one statement per
//! batch of distinct parent keys (`WHERE key IN (..)`, each batch within the
//! backend's parameter limit), children grouped per parent by key.

use std::collections::{HashMap, HashSet};
use std::marker::PhantomData;

use super::builder::Query;
use super::decode::Decode;
use super::node::Node;
use super::schema::{Many, One, OptionalOne, Path, Relation, RelationOf, Table, TableRef};
use super::scope::Root;
use super::select::{JoinClause, QueryState, link};
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
impl<T, A: Load<T>, B: Load<T>> Load<T> for (A, B) {}
impl<T, A: Load<T>, B: Load<T>, C: Load<T>> Load<T> for (A, B, C) {}

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
    /// The loaded children, by key.
    type Fetched;
    /// Finds the parent columns this load needs among `columns` (the parent
    /// row's columns, in order).
    fn resolve(columns: &[&str]) -> Result<Self::Idx>;
    /// Reads a parent's key from its row.
    fn key(idx: &Self::Idx, row: &Row<'_>) -> Result<Self::Key>;
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

/// A hashable form of a key value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// Integers of any width.
    Int(i64),
    /// Text and UUIDs.
    Text(String),
    /// Any other value, by its debug form.
    Other(String),
}

fn key_of(v: &Value) -> Option<Key> {
    Some(match v {
        Value::Null => return None,
        Value::I32(i) => Key::Int(i64::from(*i)),
        Value::I64(i) => Key::Int(*i),
        Value::Text(t) => Key::Text(t.clone()),
        Value::Uuid(u) => Key::Text(u.hyphenated().to_string()),
        other => Key::Other(format!("{other:?}")),
    })
}

/// A parent's key for one relation: the hashable form and the values to bind;
/// `None` when a key column is NULL (no children).
pub type RelKey = Option<(Vec<Key>, Vec<Value>)>;

/// Children grouped by parent key, with how many parents still want each key.
pub struct Grouped<M> {
    by_key: HashMap<Vec<Key>, Vec<M>>,
    remaining: HashMap<Vec<Key>, usize>,
}

impl<M: Clone> Grouped<M> {
    fn new(keys: &[RelKey]) -> Self {
        let mut remaining: HashMap<Vec<Key>, usize> = HashMap::new();
        for (k, _) in keys.iter().flatten() {
            *remaining.entry(k.clone()).or_default() += 1;
        }
        Grouped {
            by_key: HashMap::new(),
            remaining,
        }
    }
    fn take(&mut self, key: &RelKey) -> Vec<M> {
        let Some((k, _)) = key else {
            return Vec::new();
        };
        let left = self.remaining.get_mut(k).map_or(0, |n| {
            *n = n.saturating_sub(1);
            *n
        });
        if left == 0 {
            self.by_key.remove(k).unwrap_or_default()
        } else {
            self.by_key.get(k).cloned().unwrap_or_default()
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

fn rel_key(idx: &[usize], row: &Row<'_>) -> Result<RelKey> {
    let values = idx
        .iter()
        .map(|&i| row.get::<Value>(i))
        .collect::<Result<Vec<Value>>>()?;
    Ok(values
        .iter()
        .map(key_of)
        .collect::<Option<Vec<Key>>>()
        .map(|k| (k, values)))
}

/// Runs the child statements of `Rel` for the distinct non-NULL `keys`, one per
/// batch within the parameter limit, and calls `on_row` with each child row's
/// parent key and the row shifted to the child's columns.
fn fetch_children<Rel: Relation>(
    s: &mut Session,
    keys: &[RelKey],
    mut on_row: impl FnMut(Vec<Key>, &Row<'_>) -> Result<()>,
) -> Result<()> {
    let mut seen: HashSet<&[Key]> = HashSet::new();
    let distinct: Vec<&Vec<Value>> = keys
        .iter()
        .flatten()
        .filter(|(k, _)| seen.insert(k.as_slice()))
        .map(|(_, v)| v)
        .collect();
    if distinct.is_empty() {
        return Ok(());
    }
    let d = s.dialect();
    let to = <Rel::To as Table>::INFO;
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
    let mut list = key_nodes.clone();
    list.extend(to.columns.iter().map(|c| Node::Col(far, c)));
    let lhs = if width == 1 {
        key_nodes[0].clone()
    } else {
        Node::Tuple(key_nodes)
    };
    let per_batch = (session_max_params(s) / width).max(1);
    for chunk in distinct.chunks(per_batch) {
        let mut sub = QueryState::new(to);
        sub.from = child_from;
        sub.joins.extend(join.clone());
        sub.select = Some(list.clone());
        let items = chunk
            .iter()
            .map(|k| {
                if width == 1 {
                    Node::Bind(k[0].clone())
                } else {
                    Node::Tuple(k.iter().cloned().map(Node::Bind).collect())
                }
            })
            .collect();
        sub.filters.push(Node::InList(Box::new(lhs.clone()), items));
        let st = sub.to_statement(d);
        s.try_for_each(crate::Native(&st.sql), &st.params, |r: &Row<'_>| {
            let key = (0..width)
                .map(|i| r.get::<Value>(i).map(|v| key_of(&v)))
                .collect::<Result<Option<Vec<Key>>>>()?;
            if let Some(k) = key {
                on_row(k, &r.shifted(width))?;
            }
            Ok(true)
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
    type Key = RelKey;
    type Fetched = Grouped<Child<Rel>>;
    fn resolve(columns: &[&str]) -> Result<Vec<usize>> {
        positions(columns, &near_columns(Rel::PATH))
    }
    fn key(idx: &Vec<usize>, row: &Row<'_>) -> Result<RelKey> {
        rel_key(idx, row)
    }
    fn fetch(&self, s: &mut Session, keys: &[RelKey]) -> Result<Self::Fetched> {
        let mut g = Grouped::new(keys);
        fetch_children::<Rel>(s, keys, |k, r| {
            g.by_key
                .entry(k)
                .or_default()
                .push(Child::<Rel>::decode(r)?);
            Ok(())
        })?;
        Ok(g)
    }
    fn take(fetched: &mut Self::Fetched, key: &RelKey) -> Result<Self::Out> {
        Rel::Cardinality::pack(fetched.take(key))
    }
}

impl<Rel, I> EagerLoad for Nested<Rel, I>
where
    Rel: Relation,
    Rel::Cardinality: Cardinality,
    Child<Rel>: Clone,
    I: EagerLoad,
    I::Out: Clone,
{
    type Out = <Rel::Cardinality as Cardinality>::Out<(Child<Rel>, I::Out)>;
    type Idx = Vec<usize>;
    type Key = RelKey;
    type Fetched = Grouped<(Child<Rel>, I::Out)>;
    fn resolve(columns: &[&str]) -> Result<Vec<usize>> {
        <Rel as EagerLoad>::resolve(columns)
    }
    fn key(idx: &Vec<usize>, row: &Row<'_>) -> Result<RelKey> {
        <Rel as EagerLoad>::key(idx, row)
    }
    fn fetch(&self, s: &mut Session, keys: &[RelKey]) -> Result<Self::Fetched> {
        let inner_idx = I::resolve(<Rel::To as Table>::INFO.columns)?;
        let mut rows: Vec<(Vec<Key>, Child<Rel>, I::Key)> = Vec::new();
        fetch_children::<Rel>(s, keys, |k, r| {
            rows.push((k, Child::<Rel>::decode(r)?, I::key(&inner_idx, r)?));
            Ok(())
        })?;
        let inner_keys: Vec<I::Key> = rows.iter().map(|(_, _, ik)| ik.clone()).collect();
        let mut inner = self.inner.fetch(s, &inner_keys)?;
        let mut g = Grouped::new(keys);
        for (k, child, ik) in rows {
            let out = I::take(&mut inner, &ik)?;
            g.by_key.entry(k).or_default().push((child, out));
        }
        Ok(g)
    }
    fn take(fetched: &mut Self::Fetched, key: &RelKey) -> Result<Self::Out> {
        Rel::Cardinality::pack(fetched.take(key))
    }
}

macro_rules! tuple_load {
    ($($t:ident $i:tt),+) => {
        impl<$($t: EagerLoad),+> EagerLoad for ($($t,)+) {
            type Out = ($($t::Out,)+);
            type Idx = ($($t::Idx,)+);
            type Key = ($($t::Key,)+);
            type Fetched = ($($t::Fetched,)+);
            fn resolve(columns: &[&str]) -> Result<Self::Idx> {
                Ok(($($t::resolve(columns)?,)+))
            }
            fn key(idx: &Self::Idx, row: &Row<'_>) -> Result<Self::Key> {
                Ok(($($t::key(&idx.$i, row)?,)+))
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

impl<T: Table, L: EagerLoad> Eager<T, L> {
    /// Runs the parent query, then the loads: `(parent, loaded)` pairs in the
    /// parent query's order. Composite keys are matched as row values,
    /// `("c"."a", "c"."b") IN ((?1, ?2), ..)`.
    pub fn all(self, s: &mut Session) -> Result<Vec<(T::Model, L::Out)>> {
        let idx = L::resolve(T::INFO.columns)?;
        let st = self.parent.to_statement(s.dialect());
        let mut parents: Vec<(T::Model, L::Key)> = Vec::new();
        s.try_for_each(crate::Native(&st.sql), &st.params, |r: &Row<'_>| {
            parents.push((T::Model::decode(r)?, L::key(&idx, r)?));
            Ok(true)
        })?;
        let keys: Vec<L::Key> = parents.iter().map(|(_, k)| k.clone()).collect();
        let mut fetched = self.load.fetch(s, &keys)?;
        parents
            .into_iter()
            .map(|(p, k)| Ok((p, L::take(&mut fetched, &k)?)))
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
    let to = <Rel::To as Table>::INFO;
    let far = to.qualifier();
    let eq = |col: Node, v: Value| Node::Cmp("=", Box::new(col), Box::new(Node::Bind(v)));
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
