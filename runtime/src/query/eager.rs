//! Eager loading (`Model::query().with(rel)`): the parents, then one statement per
//! batch of distinct parent keys (`WHERE key IN (..)`, each batch within the
//! backend's parameter limit), children grouped per parent by key.

use std::collections::HashMap;
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

/// `T::query().with(rel)`: parents plus one extra query (per batch of keys).
pub struct Eager<T, Rel> {
    parent: QueryState,
    _p: PhantomData<fn() -> (T, Rel)>,
}

impl<T: Table> Query<Root<T>> {
    /// Loads `rel` for every parent with one more statement (IN over the parent
    /// keys, in batches within the backend's parameter limit).
    pub fn with<Rel>(self, _rel: Rel) -> Eager<T, Rel>
    where
        Rel: RelationOf<T>,
    {
        Eager {
            parent: self.into_state(),
            _p: PhantomData,
        }
    }
}

/// A hashable form of a key value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Int(i64),
    Text(String),
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

/// The model of a relation's target.
type Child<Rel> = <<Rel as Relation>::To as Table>::Model;
/// What `with` yields per parent.
pub type Loaded<Rel> = <<Rel as Relation>::Cardinality as Cardinality>::Out<Child<Rel>>;

impl<T, Rel> Eager<T, Rel>
where
    T: Table,
    Rel: Relation<From = T>,
    Rel::Cardinality: Cardinality,
    Child<Rel>: Clone,
{
    /// Runs the parent query, then loads the children: `(parent, children)` pairs
    /// in the parent query's order. Composite keys are matched as row values,
    /// `("c"."a", "c"."b") IN ((?1, ?2), ..)`.
    pub fn all(self, s: &mut Session) -> Result<Vec<(T::Model, Loaded<Rel>)>> {
        let d = s.dialect();
        let to = <Rel::To as Table>::INFO;
        let far = to.qualifier();
        // (parent columns holding the key, child-side key expressions, FROM, JOIN)
        let (near, key_nodes, child_from, join): (
            Vec<&str>,
            Vec<Node>,
            TableRef,
            Option<JoinClause>,
        ) = match Rel::PATH {
            Path::Direct(pairs) => (
                pairs.iter().map(|(n, _)| *n).collect(),
                pairs.iter().map(|(_, f)| Node::Col(far, f)).collect(),
                to.table_ref(),
                None,
            ),
            Path::Through {
                table,
                from,
                to: tp,
            } => (
                from.iter().map(|(n, _)| *n).collect(),
                from.iter().map(|(_, a)| Node::Col(table, a)).collect(),
                TableRef::plain(table),
                Some(JoinClause {
                    left: false,
                    table: to.table_ref(),
                    on: link(tp, table, far),
                }),
            ),
        };
        let width = near.len();
        if width == 0 {
            return Err(Error::Unsupported("a relation without key columns".into()));
        }
        let near_idx: Vec<usize> = near
            .iter()
            .map(|n| {
                T::INFO.columns.iter().position(|c| c == n).ok_or_else(|| {
                    Error::Unsupported("relation key is not a column of the parent".into())
                })
            })
            .collect::<Result<_>>()?;

        let st = self.parent.to_statement(d);
        // Parents with their key; distinct non-NULL keys in first-seen order, bound
        // with the parents' own value types (e.g. UUID on PostgreSQL).
        let mut parents: Vec<(T::Model, Option<Vec<Key>>)> = Vec::new();
        let mut seen: HashMap<Vec<Key>, ()> = HashMap::new();
        let mut keys: Vec<Vec<Value>> = Vec::new();
        s.try_for_each(crate::Native(&st.sql), &st.params, |r: &Row<'_>| {
            let values = near_idx
                .iter()
                .map(|&i| r.get::<Value>(i))
                .collect::<Result<Vec<Value>>>()?;
            let key = values.iter().map(key_of).collect::<Option<Vec<Key>>>();
            if let Some(k) = &key
                && seen.insert(k.clone(), ()).is_none()
            {
                keys.push(values);
            }
            parents.push((T::Model::decode(r)?, key));
            Ok(true)
        })?;

        let mut by_key: HashMap<Vec<Key>, Vec<Child<Rel>>> = HashMap::new();
        if !keys.is_empty() {
            let mut list = key_nodes.clone();
            list.extend(to.columns.iter().map(|c| Node::Col(far, c)));
            let lhs = if width == 1 {
                key_nodes[0].clone()
            } else {
                Node::Tuple(key_nodes.clone())
            };
            let per_batch = (session_max_params(s) / width).max(1);
            for chunk in keys.chunks(per_batch) {
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
                    let child = Child::<Rel>::decode(&r.shifted(width))?;
                    if let Some(k) = key {
                        by_key.entry(k).or_default().push(child);
                    }
                    Ok(true)
                })?;
            }
        }
        // Parents sharing a key (e.g. posts of one author) share its children.
        let mut remaining: HashMap<Vec<Key>, usize> = HashMap::new();
        for (_, k) in &parents {
            if let Some(k) = k {
                *remaining.entry(k.clone()).or_default() += 1;
            }
        }
        let mut out = Vec::with_capacity(parents.len());
        for (parent, key) in parents {
            let mine = match key {
                None => Vec::new(),
                Some(k) => {
                    let left = remaining.get_mut(&k).map_or(0, |n| {
                        *n -= 1;
                        *n
                    });
                    if left == 0 {
                        by_key.remove(&k).unwrap_or_default()
                    } else {
                        by_key.get(&k).cloned().unwrap_or_default()
                    }
                }
            };
            out.push((parent, Rel::Cardinality::pack(mine)?));
        }
        Ok(out)
    }
}
