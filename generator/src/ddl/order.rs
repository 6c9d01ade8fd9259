//! Foreign-key dependency order of the tables, and which foreign keys must
//! wait until every table exists.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

use ormgen_schema::{Dialect, RelationStorage, Schema};

use super::{ForeignKeyDef, IndexDef, TableDef, join_table, model_table};

/// A table to create, with its indexes.
pub(super) struct PlannedTable {
    /// The table; `foreign_keys` holds the inline ones.
    pub def: TableDef,
    /// Unique constraints and indexes, created right after the table.
    pub indexes: Vec<IndexDef>,
}

/// Tables in creation order and the foreign keys added after all of them.
pub(super) struct Plan {
    pub tables: Vec<PlannedTable>,
    pub deferred: Vec<ForeignKeyDef>,
}

/// A foreign key of a node: the node it references and its definition.
struct Edge {
    target: usize,
    /// Sort key among the node's foreign keys (the relation field's position).
    key: usize,
    fk: ForeignKeyDef,
}

/// Orders the tables (models in source order, then join tables in relation
/// order) so that every table comes after the tables it references.
///
/// Strongly connected components of the reference graph are created as
/// units: components in topological order (ties broken by their first
/// node), members in node order. On PostgreSQL a foreign key is inline when
/// its target exists already, or is its own table referenced through the
/// primary key; otherwise it is deferred to `ALTER TABLE … ADD CONSTRAINT`.
/// SQLite keeps every foreign key inline.
pub(super) fn plan(schema: &Schema, dialect: Dialect) -> Plan {
    let mut nodes: Vec<(TableDef, Vec<IndexDef>)> = schema
        .models
        .iter()
        .map(|m| model_table(m, dialect))
        .collect();
    let mut edges: Vec<Vec<Edge>> = (0..nodes.len()).map(|_| Vec::new()).collect();
    for relation in &schema.relations {
        match &relation.storage {
            RelationStorage::ForeignKey(fk) if fk.in_database => {
                edges[fk.model.0].push(Edge {
                    target: fk.referenced_model.0,
                    key: fk.relation_field.index,
                    fk: ForeignKeyDef {
                        name: fk.constraint_name.get(dialect).clone(),
                        table: schema.model(fk.model).table_name.clone(),
                        columns: fk.columns.clone(),
                        referenced_table: fk.referenced_table.clone(),
                        referenced_columns: fk.referenced_columns.clone(),
                        on_delete: fk.on_delete,
                        on_update: fk.on_update,
                    },
                });
            }
            RelationStorage::ForeignKey(_) => {}
            RelationStorage::JoinTable(join) => {
                let (mut def, indexes) = join_table(schema, join, dialect);
                let fks = std::mem::take(&mut def.foreign_keys);
                let targets = [join.a.model.0, join.b.model.0];
                edges.push(
                    fks.into_iter()
                        .zip(targets)
                        .enumerate()
                        .map(|(key, (fk, target))| Edge { target, key, fk })
                        .collect(),
                );
                nodes.push((def, indexes));
            }
        }
    }
    // A model's foreign keys in the order of their relation fields.
    for e in &mut edges {
        e.sort_by_key(|e| e.key);
    }

    let components = strongly_connected(&edges);
    let order = component_order(&components, &edges);

    let mut created = vec![false; nodes.len()];
    let mut tables: Vec<Option<(TableDef, Vec<IndexDef>)>> = nodes.into_iter().map(Some).collect();
    let mut plan = Plan {
        tables: Vec::new(),
        deferred: Vec::new(),
    };
    for c in order {
        for &node in &components[c] {
            let Some((mut def, indexes)) = tables[node].take() else {
                continue;
            };
            let pk: Option<BTreeSet<&str>> = def
                .primary_key
                .as_ref()
                .map(|pk| pk.columns.iter().map(String::as_str).collect());
            let mut inline = Vec::new();
            for edge in &edges[node] {
                let ok = match dialect {
                    Dialect::Sqlite => true,
                    Dialect::Postgres if edge.target == node => {
                        let refs: BTreeSet<&str> = edge
                            .fk
                            .referenced_columns
                            .iter()
                            .map(String::as_str)
                            .collect();
                        pk.as_ref() == Some(&refs)
                    }
                    Dialect::Postgres => created[edge.target],
                };
                if ok {
                    inline.push(edge.fk.clone());
                } else {
                    plan.deferred.push(edge.fk.clone());
                }
            }
            def.foreign_keys = inline;
            created[node] = true;
            plan.tables.push(PlannedTable { def, indexes });
        }
    }
    plan
}

/// Tarjan's algorithm (iterative). Each component's members are sorted.
fn strongly_connected(edges: &[Vec<Edge>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut components = Vec::new();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, next edge to look at)
        let mut work = vec![(root, 0usize)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            if let Some(edge) = edges[v].get(*i) {
                *i += 1;
                let w = edge.target;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    component.sort_unstable();
                    components.push(component);
                }
            }
        }
    }
    components
}

/// The components in dependency order (referenced before referencing);
/// among ready components the one with the smallest first node goes first.
fn component_order(components: &[Vec<usize>], edges: &[Vec<Edge>]) -> Vec<usize> {
    let mut component_of = vec![0; edges.len()];
    for (c, members) in components.iter().enumerate() {
        for &m in members {
            component_of[m] = c;
        }
    }
    // depends[c] = components c references; dependents = the reverse.
    let mut missing = vec![0usize; components.len()];
    let mut dependents: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); components.len()];
    for (c, members) in components.iter().enumerate() {
        let targets: BTreeSet<usize> = members
            .iter()
            .flat_map(|&m| edges[m].iter().map(|e| component_of[e.target]))
            .filter(|&t| t != c)
            .collect();
        missing[c] = targets.len();
        for t in targets {
            dependents[t].insert(c);
        }
    }
    let first = |c: usize| components[c].first().copied().unwrap_or(usize::MAX);
    let mut ready: BinaryHeap<Reverse<(usize, usize)>> = (0..components.len())
        .filter(|&c| missing[c] == 0)
        .map(|c| Reverse((first(c), c)))
        .collect();
    let mut order = Vec::with_capacity(components.len());
    while let Some(Reverse((_, c))) = ready.pop() {
        order.push(c);
        for &d in &dependents[c] {
            missing[d] -= 1;
            if missing[d] == 0 {
                ready.push(Reverse((first(d), d)));
            }
        }
    }
    order
}
